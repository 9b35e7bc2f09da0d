/*
 * Building a log line: walks a compiled log-format (logfmt-t.h) over what a
 * finished session can show (struct log_sess, log-t.h) and prints every
 * variable in HAProxy 2.6's representation. Runs in the worker that served
 * the session (and any process that logs a session-like event); owns
 * nothing beyond the caller's output buffer and touches no shared state.
 * The HTTP variables are in logfmt_http.c.
 *
 * Value rules, as HAProxy 2.6 applies them (checked against it): text is
 * quoted with +Q, escaped with +E ('"', '\' and ']' get a '\', for RFC
 * 5424 structured data) and printed "-" when absent (`""` when quoted);
 * numbers, dates and the termination state are never quoted; +X prints
 * addresses, ports, %Ts, %ms, %pid, %lc and %rt in hex and nothing else.
 * A sample (%[...]) is text whatever its type: +Q quotes an integer too,
 * +X leaves it decimal. `option logasap` puts a '+' before %Tt, %Ta, %Tu
 * and %B. An empty value under +M drops the whole line (returns -1).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logfmt-int.h"
#include "weir/sample-rt.h"

/* ------------------------------------------------------------ output */

void lfb_add(struct lfb *b, const char *s, size_t n)
{
	size_t room = (size_t)(b->end - b->p);
	if (n > room)
		n = room;
	memcpy(b->p, s, n);
	b->p += n;
}

void lfb_addc(struct lfb *b, char c)
{
	if (b->p < b->end)
		*b->p++ = c;
}

void lfb_printf(struct lfb *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		lfb_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void lfb_quote(struct lfb *b)
{
	if (b->flags & LFF_QUOTE)
		lfb_addc(b, '"');
}

static int lf_encoded(unsigned char c, enum lf_enc enc)
{
	if (enc == LF_ENC_NONE)
		return 0;
	if (c < 0x20 || c >= 0x7F || c == '"' || c == '#')
		return 1;
	return enc == LF_ENC_HDR && (c == '{' || c == '|' || c == '}');
}

void lfb_body(struct lfb *b, const char *s, size_t n, enum lf_enc enc)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (lf_encoded(c, enc)) {
			lfb_addc(b, '#');
			lfb_addc(b, hex[c >> 4]);
			lfb_addc(b, hex[c & 15]);
			continue;
		}
		if ((b->flags & LFF_ESCAPE) && (c == '"' || c == '\\' || c == ']'))
			lfb_addc(b, '\\');
		lfb_addc(b, (char)c);
	}
}

void lfb_absent(struct lfb *b)
{
	if (b->flags & LFF_MANDATORY)
		b->missing = 1;
	lfb_add(b, b->flags & LFF_QUOTE ? "\"\"" : "-", b->flags & LFF_QUOTE ? 2 : 1);
}

void lfb_textn(struct lfb *b, const char *s, size_t n)
{
	if (!s || !n) {
		lfb_absent(b);
		return;
	}
	lfb_quote(b);
	lfb_body(b, s, n, LF_ENC_NONE);
	lfb_quote(b);
}

void lfb_text(struct lfb *b, const char *s)
{
	lfb_textn(b, s, s ? strlen(s) : 0);
}

void lfb_enc_text(struct lfb *b, const char *s, size_t n, enum lf_enc enc)
{
	if (!s) {
		lfb_absent(b);
		return;
	}
	lfb_quote(b);
	lfb_body(b, s, n, enc);
	lfb_quote(b);
}

static void lfb_long(struct lfb *b, long v)
{
	lfb_printf(b, "%ld", v < 0 ? -1 : v);
}

/* %Ts, %pid, %lc, %rt: HAProxy's "%04X" under +X. */
static void lfb_ulong_x(struct lfb *b, unsigned long v)
{
	if (b->flags & LFF_HEX)
		lfb_printf(b, "%04lX", v);
	else
		lfb_printf(b, "%lu", v);
}

/* The '+' of `option logasap`: the value is what was known when the line
 * left, not the final one. */
static void lf_asap(struct lfb *b)
{
	if (b->s->logasap)
		lfb_addc(b, '+');
}

/* ------------------------------------------------------------ addresses */

static void lf_ip(struct lfb *b, const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const unsigned char *raw = NULL;
	size_t rawlen = 0;
	if (ss->ss_family == AF_INET) {
		raw = (const unsigned char *)&((const struct sockaddr_in *)ss)->sin_addr;
		rawlen = 4;
	} else if (ss->ss_family == AF_INET6) {
		raw = (const unsigned char *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
		rawlen = 16;
	} else {
		lfb_text(b, ss->ss_family == AF_UNIX ? "unix" : NULL);
		return;
	}
	if (b->flags & LFF_HEX) {
		for (size_t i = 0; i < rawlen; i++)
			snprintf(buf + 2 * i, 3, "%02X", raw[i]);
		lfb_text(b, buf);
		return;
	}
	inet_ntop(ss->ss_family, raw, buf, sizeof(buf));
	lfb_text(b, buf);
}

/* A port; UNIX sockets have none ("-"; HAProxy prints the listener's id,
 * which a log_sess does not carry). */
static void lf_port(struct lfb *b, const struct sockaddr_storage *ss)
{
	int port;
	if (ss->ss_family == AF_INET)
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	else if (ss->ss_family == AF_INET6)
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	else {
		lfb_text(b, NULL);
		return;
	}
	if (b->flags & LFF_HEX)
		lfb_printf(b, "%04X", port);
	else
		lfb_printf(b, "%d", port);
}

/* ------------------------------------------------------------ dates */

static const char lf_months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* "02/Dec/2026:05:06:21"; then ".123" (with_ms), or " +0100" (zone). */
static void lf_date(struct lfb *b, const struct timeval *tv, int gmt, int with_ms, int zone)
{
	struct tm tm;
	time_t sec = tv->tv_sec;
	if (gmt)
		gmtime_r(&sec, &tm);
	else
		localtime_r(&sec, &tm);
	lfb_printf(b, "%02d/%s/%04d:%02d:%02d:%02d", tm.tm_mday, lf_months[tm.tm_mon],
		   tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (with_ms)
		lfb_printf(b, ".%03d", (int)(tv->tv_usec / 1000));
	if (zone) {
		long off = gmt ? 0 : tm.tm_gmtoff / 60;
		lfb_printf(b, " %c%02ld%02ld", off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
			   (off < 0 ? -off : off) % 60);
	}
}

/* The request date: HTTP sets it; a TCP session has only its accept date. */
static const struct timeval *lf_req_date(const struct log_sess *s)
{
	if (s->request_date.tv_sec || s->request_date.tv_usec)
		return &s->request_date;
	return &s->accept_date;
}

/* ------------------------------------------------------------ timers */

static long nz(long v)
{
	return v < 0 ? 0 : v;
}

/* Tq = Th + Ti + TR: unknown while the request was never complete. */
static long lf_tq(const struct log_sess *s)
{
	return s->t_request < 0 ? -1 : nz(s->t_handshake) + nz(s->t_idle) + s->t_request;
}

/* Td = Tt - (Tq + Tw + Tc + Tr): data transfer time, -1 if any is
 * unknown. In TCP mode there is no request nor response phase. */
static long lf_td(const struct log_sess *s)
{
	int http = s->method != NULL;
	long tq = http ? lf_tq(s) : 0, tr = http ? s->t_response : 0;
	if (s->t_total < 0 || tq < 0 || s->t_queue < 0 || s->t_connect < 0 || tr < 0)
		return -1;
	return s->t_total - (tq + s->t_queue + s->t_connect + tr);
}

static int lf_timer(struct lfb *b, enum logfmt_var v)
{
	const struct log_sess *s = b->s;
	switch (v) {
	case LFV_TA: lf_asap(b); lfb_long(b, s->t_active); break;
	case LFV_TC: lfb_long(b, s->t_connect); break;
	case LFV_TD: lfb_long(b, lf_td(s)); break;
	case LFV_TH: lfb_long(b, s->t_handshake); break;
	case LFV_TI: lfb_long(b, s->t_idle); break;
	case LFV_TQ: lfb_long(b, lf_tq(s)); break;
	case LFV_TR_RECV: lfb_long(b, s->t_request); break;
	case LFV_TR_RESP: lfb_long(b, s->t_response); break;
	case LFV_TT: lf_asap(b); lfb_long(b, s->t_total); break;
	case LFV_TU:
		lf_asap(b);
		lfb_long(b, s->t_total < 0 ? -1 : s->t_total - nz(s->t_idle));
		break;
	case LFV_TW: lfb_long(b, s->t_queue); break;
	default: return 0;
	}
	return 1;
}

static int lf_datevar(struct lfb *b, enum logfmt_var v)
{
	const struct log_sess *s = b->s;
	switch (v) {
	case LFV_DATE: lf_date(b, &s->accept_date, 0, 1, 0); break;
	case LFV_DATE_GMT: lf_date(b, &s->accept_date, 1, 0, 1); break;
	case LFV_DATE_LOCAL: lf_date(b, &s->accept_date, 0, 0, 1); break;
	case LFV_TR_DATE: lf_date(b, lf_req_date(s), 0, 1, 0); break;
	case LFV_TR_DATE_GMT: lf_date(b, lf_req_date(s), 1, 0, 1); break;
	case LFV_TR_DATE_LOCAL: lf_date(b, lf_req_date(s), 0, 0, 1); break;
	case LFV_TS: lfb_ulong_x(b, (unsigned long)s->accept_date.tv_sec); break;
	case LFV_MS:
		if (b->flags & LFF_HEX)
			lfb_printf(b, "%02X", (unsigned)(s->accept_date.tv_usec / 1000));
		else
			lfb_printf(b, "%03d", (int)(s->accept_date.tv_usec / 1000));
		break;
	default: return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ names, state */

/* %ft: the '~' of a TLS frontend is part of the (quoted) name. */
static void lf_frontend_xprt(struct lfb *b)
{
	const char *name = b->s->fe_name ? b->s->fe_name : "";
	if (!*name && !b->s->fe_ssl) {
		lfb_text(b, NULL);
		return;
	}
	lfb_quote(b);
	lfb_body(b, name, strlen(name), LF_ENC_NONE);
	if (b->s->fe_ssl)
		lfb_addc(b, '~');
	lfb_quote(b);
}

/* %ts is the first two characters of the state, %tsc all four; the
 * cookie characters are '-' when the session had no cookie persistence.
 * Never quoted (HAProxy writes the characters as they are, under +Q too). */
static void lf_termstate(struct lfb *b, int len)
{
	char st[4];
	for (int i = 0; i < len; i++)
		st[i] = i < (int)sizeof(b->s->term) && b->s->term[i] ? b->s->term[i] : '-';
	lfb_add(b, st, (size_t)len);
}

static const char *lf_hostname(void)
{
	static char name[256];
	if (!name[0] && gethostname(name, sizeof(name) - 1) < 0)
		name[0] = '\0';
	return name;
}

static int lf_session(struct lfb *b, enum logfmt_var v)
{
	const struct log_sess *s = b->s;
	switch (v) {
	case LFV_FRONTEND: lfb_text(b, s->fe_name); break;
	case LFV_FRONTEND_XPRT: lf_frontend_xprt(b); break;
	/* no backend yet: HAProxy logs the frontend as the backend ("fe fe/<NOSRV>") */
	case LFV_BACKEND: lfb_text(b, s->be_name ? s->be_name : s->fe_name ? s->fe_name : "<NOSRV>"); break;
	case LFV_SERVER: lfb_text(b, s->srv_name ? s->srv_name : "<NOSRV>"); break;
	case LFV_TERMSTATE: lf_termstate(b, 2); break;
	case LFV_TERMSTATE_CK: lf_termstate(b, 4); break;
	case LFV_BYTES_DOWN:
		lf_asap(b);
		lfb_printf(b, "%llu", (unsigned long long)s->bytes_out);
		break;
	case LFV_BYTES_UP: lfb_printf(b, "%llu", (unsigned long long)s->bytes_in); break;
	case LFV_ACTCONN: lfb_long(b, s->actconn); break;
	case LFV_FECONN: lfb_long(b, s->feconn); break;
	case LFV_BECONN: lfb_long(b, s->beconn); break;
	case LFV_SRVCONN: lfb_long(b, s->srvconn); break;
	case LFV_RETRIES:
		if (s->redispatched)
			lfb_addc(b, '+');
		lfb_long(b, s->retries);
		break;
	case LFV_SRVQUEUE: lfb_long(b, s->srv_queue); break;
	case LFV_BCKQUEUE: lfb_long(b, s->bck_queue); break;
	case LFV_STATUS: lfb_printf(b, "%d", s->status); break;
	case LFV_UNIQUE_ID: lfb_text(b, s->unique_id); break;
	case LFV_HOSTNAME: lfb_text(b, lf_hostname()); break;
	case LFV_PID: lfb_ulong_x(b, (unsigned long)getpid()); break;
	case LFV_LOG_COUNTER: lfb_ulong_x(b, s->log_counter); break;
	case LFV_REQ_COUNTER: lfb_ulong_x(b, s->req_counter); break;
	default: return 0;
	}
	return 1;
}

static int lf_address(struct lfb *b, enum logfmt_var v)
{
	const struct log_sess *s = b->s;
	switch (v) {
	case LFV_CLIENT_IP: lf_ip(b, &s->cli); break;
	case LFV_CLIENT_PORT: lf_port(b, &s->cli); break;
	case LFV_FRONTEND_IP: lf_ip(b, &s->frt); break;
	case LFV_FRONTEND_PORT: lf_port(b, &s->frt); break;
	case LFV_BACKEND_IP: lf_ip(b, &s->bsrc); break;
	case LFV_BACKEND_PORT: lf_port(b, &s->bsrc); break;
	case LFV_SERVER_IP: lf_ip(b, &s->srv); break;
	case LFV_SERVER_PORT: lf_port(b, &s->srv); break;
	default: return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ walk */

static void lf_var(struct lfb *b, enum logfmt_var v)
{
	if (lf_timer(b, v) || lf_datevar(b, v) || lf_session(b, v) || lf_address(b, v))
		return;
	if (logfmt_http_var(b, v))
		return;
	/* not carried by a log_sess yet: TLS (%sslc, %sslv) */
	lfb_text(b, NULL);
}

/* %[expr]: evaluated against the session's sample context, cast to text
 * (a multi-valued fetch gives its last value). The scratch the converters
 * used is given back: a line's samples never fill it for the next one. */
static void lf_sample(struct lfb *b, const struct logfmt_node *n)
{
	struct smp_ctx *c = b->s->smp;
	struct smp_val v = { 0 };
	if (!n->expr || !c) {
		/* no context, or a fetch of a built-in format weir lacks */
		lfb_absent(b);
		return;
	}
	size_t used = c->scr.used;
	if (sample_eval(n->expr, c, &v) == 0 && smp_cast(&v, SMP_T_STR, c) == 0)
		lfb_textn(b, v.str.ptr, v.str.len);
	else
		lfb_absent(b);
	c->scr.used = used;
}

/* Literal text. A run of blanks is a separator, as HAProxy parses a
 * format: it prints one blank, and none right after another separator
 * (nor at the start of the line), so a variable that printed nothing
 * (%hr without captures) leaves a single blank: "0/0 %hr %hs %r". */
static void lf_text_node(struct lfb *b, const char *t)
{
	for (; *t; t++) {
		if (*t != ' ') {
			lfb_addc(b, *t);
			b->after_sep = 0;
		} else if (!b->after_sep) {
			lfb_addc(b, ' ');
			b->after_sep = 1;
		}
	}
}

/* The variables that may print nothing at all, and then leave the
 * separator state as it was (the captures of a frontend without any). */
static int lf_var_may_vanish(enum logfmt_var v)
{
	return v == LFV_HDR_REQ || v == LFV_HDR_RES || v == LFV_HDR_REQ_LIST ||
	       v == LFV_HDR_RES_LIST;
}

int logfmt_build(const struct logfmt *lf, const struct log_sess *s, char *out, size_t cap)
{
	struct lfb b = { .p = out, .end = out + (cap ? cap - 1 : 0), .s = s, .after_sep = 1 };
	if (!cap)
		return -1;
	for (int i = 0; lf && i < lf->n; i++) {
		const struct logfmt_node *n = &lf->nodes[i];
		const char *before = b.p;
		b.flags = n->flags;
		if (n->kind == LFN_TEXT) {
			lf_text_node(&b, n->text);
			continue;
		}
		if (n->kind == LFN_VAR)
			lf_var(&b, n->var);
		else
			lf_sample(&b, n);
		if (b.p != before || n->kind != LFN_VAR || !lf_var_may_vanish(n->var))
			b.after_sep = 0;
		if (b.missing)
			break;
	}
	*b.p = '\0';
	return b.missing ? -1 : (int)(b.p - out);
}
