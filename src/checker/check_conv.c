/*
 * The check conversation engine (see check_conv.h): runs a program of
 * connect, send and expect steps on the check's non-blocking connection,
 * and the tcp-check matchers with HAProxy's messages.
 *
 * Runs in the checker process. Owns, per check, the compiled program (kept
 * until checker_stop) and the conversation: the input buffer
 * (tune.bufsize), the pending output, the io event and the deadline.
 * Writes nothing in the segment; every run ends in one
 * check_state_report_code().
 *
 * Semantics are HAProxy's tcp-check (configuration manual, "tcp-check
 * expect"): a program that does not start with a connect gets an implicit
 * one; a send empties the input buffer, so consecutive expects look at the
 * same reply; an expect that does not match waits for more data unless the
 * server closed, the buffer is full, or `min-recv` is set and reached; the
 * first failing expect ends the check (L7RSP unless error-status says
 * otherwise), and the end of the program passes it (L7OK, info
 * "(tcp-check)" for tcp-check, code 0). The whole conversation after the
 * connect is bounded by `timeout check`, else by what is left of `inter`;
 * running out is L7TOUT (or the expect's tout-status).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "weir/checker.h"
#include "weir/logfmt-t.h"
#include "weir/proc-t.h"
#include "checker-int.h"
#include "check_conv.h"

#define CHK_BUFSIZE_DEFAULT 16384

static void chk_conv_run(struct chk *c);

struct chk_conv *chk_conv_of(struct chk *c)
{
	if (!c->conv)
		c->conv = xcalloc(1, sizeof(*c->conv));
	return c->conv;
}

/* ------------------------------------------------------------- programs */

struct chk_step *chk_prog_add(struct chk_prog *p, enum chk_op op)
{
	p->steps = xrealloc(p->steps, (size_t)(p->n + 1) * sizeof(*p->steps));
	struct chk_step *s = &p->steps[p->n];
	*s = (struct chk_step){ .op = op, .index = p->n, .min_recv = -1, .info_payload = -1 };
	p->n++;
	return s;
}

void chk_prog_send(struct chk_prog *p, const void *data, size_t len)
{
	struct chk_step *s = chk_prog_add(p, CHK_OP_SEND);
	s->data = xmalloc(len + 1);
	memcpy(s->data, data, len);
	s->data[len] = '\0';
	s->len = len;
}

void *chk_prog_regex(struct chk_step *s, const char *pattern)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	s->re = s->re_owned = re;
	return re;
}

int chk_regex_match(const void *re, const void *s, size_t len)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	if (!md)
		return 0;
	int rc = pcre2_match(re, s, len, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

char *chk_render_lf(const struct logfmt *lf, const char *src)
{
	if (!lf)
		return src ? xstrdup(src) : NULL;
	struct sbuf b = { 0 };
	for (int i = 0; i < lf->n; i++)
		sbuf_adds(&b, lf->nodes[i].kind == LFN_TEXT ? lf->nodes[i].text : "-");
	char *s = xstrdup(sbuf_str(&b));
	sbuf_free(&b);
	return s;
}

static void chk_prog_free(struct chk_prog *p)
{
	for (int i = 0; i < p->n; i++) {
		struct chk_step *s = &p->steps[i];
		free(s->data);
		free(s->on_success);
		free(s->on_error);
		pcre2_code_free(s->re_owned);
	}
	free(p->steps);
	*p = (struct chk_prog){ 0 };
}

/* ----------------------------------------------- tcp-check compilation */

static int chk_hexval(int ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
	       ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* Hex text decoded in place (the -lf binary forms, after rendering); an
 * odd or bad digit stops it. Returns the bytes. */
static size_t chk_unhex(char *txt, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		int hi = chk_hexval(txt[i]), lo = chk_hexval(txt[i + 1]);
		if (hi < 0 || lo < 0)
			break;
		txt[k++] = (char)(hi << 4 | lo);
	}
	return k;
}

static void chk_compile_send_lf(struct chk_prog *p, const struct check_send *snd)
{
	char *txt = chk_render_lf(snd->fmt, snd->data);
	size_t n = strlen(txt);
	if (snd->type == CHECK_SEND_BINARY_LF)
		n = chk_unhex(txt, n);
	chk_prog_send(p, txt, n);
	free(txt);
}

static unsigned chk_status_of(enum check_result r)
{
	static const unsigned map[] = {
		[CHECK_RES_UNSET] = 0, [CHECK_RES_L4OK] = CHK_ST_L4OK, [CHECK_RES_L6OK] = CHK_ST_L6OK,
		[CHECK_RES_L7OK] = CHK_ST_L7OK, [CHECK_RES_L7OKC] = CHK_ST_L7OKC,
		[CHECK_RES_L4CON] = CHK_ST_L4CON, [CHECK_RES_L6RSP] = CHK_ST_L6RSP,
		[CHECK_RES_L7RSP] = CHK_ST_L7RSP, [CHECK_RES_L7STS] = CHK_ST_L7STS,
		[CHECK_RES_L4TOUT] = CHK_ST_L4TOUT, [CHECK_RES_L6TOUT] = CHK_ST_L6TOUT,
		[CHECK_RES_L7TOUT] = CHK_ST_L7TOUT,
	};
	return (unsigned)r < ARRAY_SIZE(map) ? map[r] : 0;
}

static void chk_compile_expect(struct chk_step *s, const struct check_rule *r)
{
	const struct check_expect *e = &r->expect;
	s->type = e->type;
	s->inverse = e->inverse;
	s->min_recv = e->min_recv;
	s->pattern = e->pattern;
	s->re = e->re;
	s->ok_st = chk_status_of(e->ok_status);
	s->err_st = chk_status_of(e->err_status);
	s->tout_st = chk_status_of(e->tout_status);
	s->on_success = e->on_success ? chk_render_lf(e->on_success_fmt, e->on_success) : NULL;
	s->on_error = e->on_error ? chk_render_lf(e->on_error_fmt, e->on_error) : NULL;
	if (e->type == CHECK_EXP_BINARY) {
		s->bin = e->bin;
		s->binlen = e->binlen;
	} else if (e->type == CHECK_EXP_STRING_LF || e->type == CHECK_EXP_BINARY_LF) {
		s->data = (unsigned char *)chk_render_lf(e->fmt, e->pattern);
		s->len = strlen((char *)s->data);
		if (e->type == CHECK_EXP_BINARY_LF)
			s->len = chk_unhex((char *)s->data, s->len);
		s->bin = s->data;
		s->binlen = s->len;
	} else if (e->pattern) {
		s->bin = (const unsigned char *)e->pattern;
		s->binlen = strlen(e->pattern);
	}
	s->hexp = e;
}

/* One step of a tcp-check or http-check rule list; comments and variable
 * actions are not steps (the variables wait for sample evaluation). */
static void chk_compile_rule(struct chk_prog *p, const struct check_rule *r, int http)
{
	struct chk_step *s;
	switch (r->action) {
	case CHECK_ACT_CONNECT:
		s = chk_prog_add(p, CHK_OP_CONNECT);
		s->port = r->connect.port;
		s->conn = &r->connect;
		if (r->connect.addr && r->connect.addr_c.sslen)
			s->addr = &r->connect.addr_c;
		break;
	case CHECK_ACT_SEND:
		if (r->send.type == CHECK_SEND_HTTP) {
			s = chk_prog_add(p, CHK_OP_HTTP_SEND);
			s->http = &r->send;
		} else if (r->send.type == CHECK_SEND_STRING_LF || r->send.type == CHECK_SEND_BINARY_LF) {
			chk_compile_send_lf(p, &r->send);
			s = &p->steps[p->n - 1];
		} else {
			chk_prog_send(p, r->send.data, r->send.len);
			s = &p->steps[p->n - 1];
		}
		break;
	case CHECK_ACT_EXPECT:
		s = chk_prog_add(p, http ? CHK_OP_HTTP_EXPECT : CHK_OP_EXPECT);
		chk_compile_expect(s, r);
		break;
	default:
		return;
	}
	s->index = r->index;
	s->comment = r->comment;
}

static void chk_compile_tcpcheck(struct chk *c, struct chk_prog *p)
{
	const struct check_rule *r;
	p->tcpcheck = 1;
	VEC_EACH(&c->px->tcp_check_rules, const struct check_rule *, r)
		chk_compile_rule(p, r, 0);
}

void chk_conv_compile_rules(struct chk_prog *p, const struct vec *rules, int http)
{
	const struct check_rule *r;
	VEC_EACH(rules, const struct check_rule *, r)
		chk_compile_rule(p, r, http);
}

static void chk_conv_compile(struct chk *c, struct chk_conv *v)
{
	v->compiled = 1;
	switch (c->px->check_kind) {
	case CHECK_KIND_TCPCHECK:
		chk_compile_tcpcheck(c, &v->prog);
		break;
	case CHECK_KIND_HTTP:
		chk_http_compile(c, &v->prog);
		break;
	default:
		chk_proto_compile(c, &v->prog);
		break;
	}
	int bufsize = c->p->cfg->global.tune_bufsize;
	v->cap = bufsize > 0 ? (size_t)bufsize : CHK_BUFSIZE_DEFAULT;
	v->buf = xmalloc(v->cap + 1);
}

/* ------------------------------------------------------------- messages */

/* HAProxy's " at step N of tcp-check (...)" suffix of connection errors
 * and timeouts; plain tcp-check only, as HAProxy. */

/* HAProxy names a binary pattern by its bytes ("expect binary 'R'" for
 * 52); bytes that are not printable are written as \xHH. */
static void conv_expect_binary_text(struct sbuf *m, const char *hex)
{
	sbuf_adds(m, " (expect binary '");
	for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
		unsigned v;
		if (sscanf(hex + i, "%2x", &v) != 1)
			break;
		if (v >= 0x20 && v < 0x7f)
			sbuf_addc(m, (char)v);
		else
			sbuf_printf(m, "\\x%02x", v);
	}
	sbuf_adds(m, "')");
}

static void chk_step_where(const struct chk_conv *v, const struct chk_step *s, struct sbuf *m)
{
	if (!v->prog.tcpcheck || !s)
		return;
	sbuf_printf(m, " at step %d of tcp-check", s->index + 1);
	if (s->op == CHK_OP_CONNECT) {
		if (s->port)
			sbuf_printf(m, " (connect port %d)", s->port);
		else
			sbuf_adds(m, " (connect)");
	} else if (s->op == CHK_OP_SEND) {
		sbuf_adds(m, " (send)");
	} else if (s->op == CHK_OP_EXPECT) {
		switch (s->type) {
		case CHECK_EXP_STRING:
			sbuf_printf(m, " (expect string '%s')", s->pattern);
			break;
		case CHECK_EXP_BINARY:
			conv_expect_binary_text(m, s->pattern);
			break;
		case CHECK_EXP_RSTRING:
			sbuf_adds(m, " (expect regex)");
			break;
		case CHECK_EXP_RBINARY:
			sbuf_adds(m, " (expect binary regex)");
			break;
		default:
			sbuf_adds(m, " (expect log-format string)");
			break;
		}
	}
	if (s->comment)
		sbuf_printf(m, " comment: '%s'", s->comment);
}

/* The reply's first line from `off`, left-trimmed: what HAProxy's
 * built-in checks log as %[res.payload(off,0),ltrim(' '),cut_crlf]. */
static void chk_payload_line(const struct chk_conv *v, int off, struct sbuf *m)
{
	size_t i = (size_t)off;
	while (i < v->len && v->buf[i] == ' ')
		i++;
	size_t j = i;
	while (j < v->len && v->buf[j] != '\r' && v->buf[j] != '\n' && v->buf[j] != '\0')
		j++;
	sbuf_add(m, (const char *)v->buf + i, j - i);
}

static const char *chk_matcher_name(enum check_expect_type t)
{
	switch (t) {
	case CHECK_EXP_BINARY: return " (binary)";
	case CHECK_EXP_RSTRING: return " (regex)";
	case CHECK_EXP_RBINARY: return " (binary regex)";
	case CHECK_EXP_STRING_LF: return " (log-format string)";
	case CHECK_EXP_BINARY_LF: return " (log-format binary)";
	default: return NULL;
	}
}

/* The info of a failed expect, in HAProxy's order: on-error, else the
 * built-in's payload line, else (tcp-check) the TCPCHK sentence; then
 * the comment. */
static void chk_expect_error(const struct chk_conv *v, const struct chk_step *s, int matched,
			     struct sbuf *m)
{
	if (s->on_error) {
		sbuf_adds(m, s->on_error);
	} else if (s->info_payload >= 0) {
		chk_payload_line(v, s->info_payload, m);
	} else if (v->prog.tcpcheck) {
		sbuf_adds(m, matched ? "TCPCHK matched unwanted content" : "TCPCHK did not match content");
		const char *what = chk_matcher_name(s->type);
		if (what)
			sbuf_printf(m, "%s at step %d", what, s->index + 1);
		else
			sbuf_printf(m, " '%s' at step %d", s->pattern ? s->pattern : "", s->index + 1);
	}
	if (s->comment)
		sbuf_printf(m, " comment: '%s'", s->comment);
}

static int chk_code_of(const struct chk_conv *v, const struct chk_step *s)
{
	if (!s || !s->code_payload || v->len < 3)
		return 0;     /* HAProxy's code of a check that read none */
	int code = 0;
	for (int i = 0; i < 3; i++) {
		if (v->buf[i] < '0' || v->buf[i] > '9')
			return -1;
		code = code * 10 + (v->buf[i] - '0');
	}
	return code;
}

/* ------------------------------------------------------------- matching */

static const unsigned char *chk_memmem(const unsigned char *h, size_t hn, const unsigned char *n,
				       size_t nn)
{
	if (!nn)
		return h;
	for (size_t i = 0; i + nn <= hn; i++)
		if (h[i] == n[0] && memcmp(h + i, n, nn) == 0)
			return h + i;
	return NULL;
}

/* rbinary matches the hex dump of the data (HAProxy: upper case). */
static int chk_match_rbinary(const struct chk_conv *v, const void *re)
{
	static const char hex[] = "0123456789ABCDEF";
	char *d = xmalloc(v->len * 2 + 1);
	for (size_t i = 0; i < v->len; i++) {
		d[2 * i] = hex[v->buf[i] >> 4];
		d[2 * i + 1] = hex[v->buf[i] & 15];
	}
	int m = chk_regex_match(re, d, v->len * 2);
	free(d);
	return m;
}

static int chk_match(const struct chk_conv *v, const struct chk_step *s)
{
	switch (s->type) {
	case CHECK_EXP_RSTRING:
		return s->re && chk_regex_match(s->re, v->buf, v->len);
	case CHECK_EXP_RBINARY:
		return s->re && chk_match_rbinary(v, s->re);
	default:
		return chk_memmem(v->buf, v->len, s->bin, s->binlen) != NULL;
	}
}

static enum chk_eval chk_fail(struct chk *c, const struct chk_step *s, int matched, unsigned dflt)
{
	struct sbuf m = { 0 };
	chk_expect_error(c->conv, s, matched, &m);
	chk_conv_end(c, s->err_st ? s->err_st : dflt, chk_code_of(c->conv, s), sbuf_str(&m));
	sbuf_free(&m);
	return CHK_EVAL_DONE;
}

/* tcp-check expect, HAProxy's order: wait for min-recv bytes, then match;
 * a mismatch waits for more unless it is conclusive (closed, full, or a
 * min-recv was given). */
static enum chk_eval chk_expect(struct chk *c, const struct chk_step *s)
{
	struct chk_conv *v = c->conv;
	if (s->min_recv > 0 && v->len < (size_t)s->min_recv) {
		if (!v->eof)
			return CHK_EVAL_WAIT;
		return chk_fail(c, s, 0, CHK_ST_L7RSP);
	}
	if (s->custom)
		return s->custom(c, s);
	int m = chk_match(v, s);
	if (!m && !v->eof && s->min_recv == -1)
		return CHK_EVAL_WAIT;
	if (m ^ s->inverse)
		return CHK_EVAL_NEXT;
	return chk_fail(c, s, m, CHK_ST_L7RSP);
}

/* ------------------------------------------------------------------ io */

void chk_conv_end(struct chk *c, unsigned st, int code, const char *info)
{
	check_state_report_code(c, st, code, info);
}

/* The program ran to its end: the last expect says how. */
static void chk_conv_passed(struct chk *c)
{
	struct chk_conv *v = c->conv;
	const struct chk_step *s = v->last;
	unsigned st = s && s->ok_st ? s->ok_st : CHK_ST_L7OK;
	struct sbuf m = { 0 };
	if (v->prog.steps[v->prog.n - 1].op == CHK_OP_CONNECT) {
		/* HAProxy: a program ending on a connect passes at L4, L6 over TLS */
		chk_conv_end(c, c->ssl ? CHK_ST_L6OK : CHK_ST_L4OK, -1,
			     v->prog.tcpcheck ? "(tcp-check)" : NULL);
		return;
	}
	int code = v->rsp.parsed ? v->rsp.status : chk_code_of(v, s);
	/* HAProxy 2.6 gives a passed HTTP check no info (the reason phrase is
	 * only said of a failure) */
	if (s && s->on_success)
		sbuf_adds(&m, s->on_success);
	else if (v->rsp.parsed)
		;
	else if (s && s->info_payload >= 0 && s->code_payload)
		chk_payload_line(v, s->info_payload, &m);
	else if (v->prog.tcpcheck)
		sbuf_adds(&m, "(tcp-check)");
	chk_conv_end(c, st, code, sbuf_str(&m));
	sbuf_free(&m);
}

static void chk_conv_on_io(evutil_socket_t fd, short what, void *arg);

/* Waits for the socket: writable while output is pending, readable
 * otherwise, until the conversation's deadline. */
static void chk_conv_wait(struct chk *c)
{
	struct chk_conv *v = c->conv;
	uint64_t now = checker_now_ms();
	int ms = v->deadline > now ? (int)(v->deadline - now) : 0;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	short ev = v->out_off < v->out.len ? EV_WRITE : EV_READ;
	if (c->io)
		event_free(c->io);
	c->io = event_new(c->p->base, c->fd, ev, chk_conv_on_io, c);
	if (!c->io || event_add(c->io, &tv) < 0)
		chk_conv_end(c, CHK_ST_SOCKERR, -1, "cannot watch the connection");
}

static void chk_conv_ioerr(struct chk *c, int err)
{
	struct sbuf m = { 0 };
	struct chk_conv *v = c->conv;
	sbuf_adds(&m, strerror(err));
	chk_step_where(v, v->pc < v->prog.n ? &v->prog.steps[v->pc] : NULL, &m);
	chk_conv_end(c, CHK_ST_L7RSP, -1, sbuf_str(&m));
	sbuf_free(&m);
}

/* Writes what it can; 1 when everything is out, 0 to wait, -1 ended. */
static int chk_conv_flush(struct chk *c)
{
	struct chk_conv *v = c->conv;
	while (v->out_off < v->out.len) {
		ssize_t n = check_ssl_send(c, v->out.s + v->out_off, v->out.len - v->out_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0) {
			chk_conv_ioerr(c, errno);
			return -1;
		}
		v->out_off += (size_t)n;
	}
	sbuf_reset(&v->out);
	v->out_off = 0;
	return 1;
}

/* Reads what is there; -1 when the check ended on an error. */
static int chk_conv_fill(struct chk *c)
{
	struct chk_conv *v = c->conv;
	while (!v->eof) {
		if (v->len >= v->cap) {
			v->eof = 1;     /* a full buffer is as conclusive as a close */
			break;
		}
		ssize_t n = check_ssl_recv(c, v->buf + v->len, v->cap - v->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0 && (errno != ECONNRESET || !v->len)) {
			chk_conv_ioerr(c, errno);
			return -1;
		}
		/* a reset after a reply (the server closed with our data
		 * unread) ends the reply: the expects judge what came */
		if (n <= 0) {
			v->eof = 1;
			break;
		}
		v->len += (size_t)n;
	}
	v->buf[v->len] = '\0';
	return 0;
}

static void chk_conv_timeout(struct chk *c)
{
	struct chk_conv *v = c->conv;
	const struct chk_step *s = v->pc < v->prog.n ? &v->prog.steps[v->pc] : NULL;
	unsigned st = s && s->tout_st ? s->tout_st : CHK_ST_L7TOUT;
	struct sbuf m = { 0 };
	chk_step_where(v, s, &m);
	chk_conv_end(c, st, -1, m.len ? sbuf_str(&m) : NULL);
	sbuf_free(&m);
}

static void chk_conv_on_io(evutil_socket_t fd, short what, void *arg)
{
	struct chk *c = arg;
	(void)fd;
	if (what & EV_TIMEOUT) {
		chk_conv_timeout(c);
		return;
	}
	if ((what & EV_READ) && chk_conv_fill(c) < 0)
		return;
	chk_conv_run(c);
}

static int chk_port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

static void chk_set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

/* A connect step: a new connection (to another port if asked), the old
 * one closed; the program goes on from `connected`. */
static void chk_conv_connect(struct chk *c, const struct chk_step *s)
{
	struct chk_conv *v = c->conv;
	check_tcp_stop(c);
	v->len = 0;
	v->eof = 0;
	v->rsp = (struct chk_http_rsp){ 0 };
	sbuf_reset(&v->out);
	v->out_off = 0;
	v->connecting = s;
	struct sockaddr_storage saved = c->addr;
	socklen_t saved_len = c->addrlen;
	if (s && s->addr) {
		/* another host: its own port, else the check port */
		memcpy(&c->addr, &s->addr->ss, s->addr->sslen);
		c->addrlen = s->addr->sslen;
		if (!s->addr->port)
			chk_set_port(&c->addr, chk_port_of(&saved));
	}
	if (s && s->port)
		chk_set_port(&c->addr, s->port);
	check_tcp_start(c);
	c->addr = saved;
	c->addrlen = saved_len;
}

/* The send steps queue their bytes; a send starts a new exchange, so
 * what the server sent before is dropped. */
static void chk_conv_send(struct chk *c, const struct chk_step *s)
{
	struct chk_conv *v = c->conv;
	v->len = 0;
	v->rsp = (struct chk_http_rsp){ 0 };
	if (s->op == CHK_OP_SEND)
		sbuf_add(&v->out, (const char *)s->data, s->len);
	else
		chk_http_request(c, s, &v->out);
}

/* Runs steps until the program waits for the socket or ends. Output is
 * flushed before any expect, so an expect always sees the reply to
 * everything sent. */
static void chk_conv_run(struct chk *c)
{
	struct chk_conv *v = c->conv;
	for (;;) {
		if (v->out_off < v->out.len) {
			int f = chk_conv_flush(c);
			if (f < 0)
				return;
			if (f == 0) {
				chk_conv_wait(c);
				return;
			}
		}
		if (v->pc >= v->prog.n) {
			chk_conv_passed(c);
			return;
		}
		const struct chk_step *s = &v->prog.steps[v->pc];
		if (s->op == CHK_OP_CONNECT) {
			v->pc++;
			chk_conv_connect(c, s);
			return;
		}
		if (s->op == CHK_OP_SEND || s->op == CHK_OP_HTTP_SEND) {
			chk_conv_send(c, s);
			v->pc++;
			continue;
		}
		v->last = s;
		enum chk_eval e = s->op == CHK_OP_EXPECT ? chk_expect(c, s) : chk_http_expect(c, s);
		if (e == CHK_EVAL_DONE)
			return;
		if (e == CHK_EVAL_NEXT) {
			v->pc++;
			continue;
		}
		if (v->eof) {       /* nothing more will come: a matcher bug, not a hang */
			chk_conv_end(c, CHK_ST_L7RSP, -1, "incomplete response");
			return;
		}
		chk_conv_wait(c);
		return;
	}
}

/* ----------------------------------------------------------- the kind */

static void chk_conv_connected(struct chk *c)
{
	struct chk_conv *v = c->conv;
	if (!v->deadline)
		v->deadline = c->read_timeout ? checker_now_ms() + (uint64_t)c->read_timeout
					      : c->start_ms + (uint64_t)c->conn_timeout;
	chk_conv_run(c);
}

static void chk_conv_start(struct chk *c)
{
	struct chk_conv *v = chk_conv_of(c);
	if (!v->compiled)
		chk_conv_compile(c, v);
	v->pc = 0;
	v->deadline = 0;
	v->last = NULL;
	if (!v->prog.n) {           /* nothing to converse: a connect check */
		check_tcp_start(c);
		return;
	}
	const struct chk_step *first = &v->prog.steps[0];
	if (first->op == CHK_OP_CONNECT) {
		v->pc = 1;
		chk_conv_connect(c, first);
	} else {
		chk_conv_connect(c, NULL);
	}
}

static void chk_conv_stop(struct chk *c)
{
	struct chk_conv *v = c->conv;
	if (v) {
		sbuf_reset(&v->out);
		v->out_off = 0;
		v->len = 0;
		v->eof = 0;
	}
	check_tcp_stop(c);
}

/* HAProxy names the step of a failed connect for tcp-check only. */
static void chk_conv_describe(struct chk *c, struct sbuf *info)
{
	struct chk_conv *v = c->conv;
	if (!v || !v->prog.tcpcheck)
		return;
	if (v->connecting)
		chk_step_where(v, v->connecting, info);
	else
		sbuf_adds(info, " at initial connection step of tcp-check");
}

static void chk_conv_release(struct chk *c)
{
	struct chk_conv *v = c->conv;
	if (!v)
		return;
	chk_prog_free(&v->prog);
	sbuf_free(&v->out);
	free(v->buf);
	free(v);
	c->conv = NULL;
}

/* A connection kind whose `connected` runs the program; an empty program
 * (a built-in check not written yet) passes at L4 like the plain check. */
static void chk_conv_connected_or_l4(struct chk *c)
{
	if (!c->conv || !c->conv->prog.n) {
		check_state_report(c, c->ssl ? CHK_ST_L6OK : CHK_ST_L4OK, NULL);
		return;
	}
	chk_conv_connected(c);
}

const struct chk_kind check_conv_kind = {
	.name = "conversation",
	.start = chk_conv_start,
	.connected = chk_conv_connected_or_l4,
	.stop = chk_conv_stop,
	.release = chk_conv_release,
	.describe = chk_conv_describe,
};
