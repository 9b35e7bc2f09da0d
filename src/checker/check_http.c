/*
 * HTTP checks on the conversation engine (check_conv.h): the program of
 * `option httpchk` and the http-check rules, the request each send step
 * writes, and the response each expect step reads.
 *
 * Runs in the checker process; reads the parsed rules and the server's
 * record (send-state), writes nothing in the segment.
 *
 * HAProxy's semantics (configuration manual, "option httpchk",
 * "http-check send", "http-check expect"): the request defaults to
 * "OPTIONS / HTTP/1.0"; with no expect after the last request, a 2xx or
 * 3xx status passes; the result carries the status as its code (L7OK, or
 * L7STS for a status the expect refuses, with the reason phrase as info);
 * a response that is not HTTP is L7RSP; `disable-on-404` turns a 404 into
 * L7OKC, which keeps an UP server in NOLB (check_state.c).
 *
 * Responses are read once per exchange into the engine's buffer (at most
 * tune.bufsize): the head must fit, the body is what fits after it, read
 * up to Content-Length, the last chunk or the close; chunked bodies are
 * matched decoded.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "weir/checker.h"
#include "weir/proc-t.h"
#include "weir/shm.h"
#include "checker-int.h"
#include "check_conv.h"

/* ------------------------------------------------------------- program */

void chk_http_compile(struct chk *c, struct chk_prog *p)
{
	chk_conv_compile_rules(p, &c->px->http_check_rules, 1);
	int last_send = -1, last_expect = -1;
	for (int i = 0; i < p->n; i++) {
		if (p->steps[i].op == CHK_OP_HTTP_SEND)
			last_send = i;
		else if (p->steps[i].op == CHK_OP_HTTP_EXPECT)
			last_expect = i;
	}
	if (last_send < 0) {        /* no request at all: the option's default one */
		struct chk_step *s = chk_prog_add(p, CHK_OP_HTTP_SEND);
		s->http = NULL;
		last_send = s->index;
	}
	if (last_expect < last_send) {
		struct chk_step *s = chk_prog_add(p, CHK_OP_HTTP_EXPECT);
		s->index = p->n > 1 ? p->steps[p->n - 2].index + 1 : 0;
	}
}

/* ------------------------------------------------------------- request */

static int chk_http_has_hdr(const struct check_send *snd, const char *name)
{
	const struct check_hdr *h;
	if (snd)
		VEC_EACH(&snd->hdrs, const struct check_hdr *, h)
			if (strcasecmp(h->name, name) == 0)
				return 1;
	return 0;
}

/* HAProxy's words for a server's state: "UP", "UP 2/3" (going down),
 * "DOWN 1/2" (going up), "NOLB", "MAINT". */
static void chk_http_state_word(const struct chk *c, const struct shm_srv *r, struct sbuf *h)
{
	int32_t health = __atomic_load_n(&r->check_health, __ATOMIC_RELAXED);
	uint32_t op = __atomic_load_n(&r->op_state, __ATOMIC_RELAXED);
	int top = c->rise + c->fall - 1;
	if (__atomic_load_n(&r->admin, __ATOMIC_RELAXED) & SHM_ADMIN_MAINT)
		sbuf_adds(h, "MAINT");
	else if (op == SHM_OP_DOWN)
		sbuf_printf(h, health ? "DOWN %d/%d" : "DOWN", health, c->rise);
	else if (health < top)
		sbuf_printf(h, "%s %d/%d", op == SHM_OP_STOPPING ? "NOLB" : "UP",
			    health - c->rise + 1, c->fall);
	else
		sbuf_adds(h, op == SHM_OP_STOPPING ? "NOLB" : "UP");
}

/* `http-check send-state`, as HAProxy's manual shows it:
 * "X-Haproxy-Server-State: UP 2/3; name=bck/srv2; node=lb1; weight=1/2;
 * scur=13/22; qcur=0". */
static void chk_http_send_state(const struct chk *c, struct sbuf *out)
{
	const struct shm_srv *r = shm_server(c->p->shm, c->srv);
	const struct shm_be *b = shm_backend(c->p->shm, c->be);
	uint32_t total = 0;
	for (uint32_t i = b->srv_first; i < b->srv_first + b->srv_count; i++)
		total += __atomic_load_n(&shm_server(c->p->shm, i)->weight_user, __ATOMIC_RELAXED);
	const char *node = c->p->cfg->global.node;
	char host[256] = "";
	if (!node || !*node) {
		gethostname(host, sizeof(host) - 1);
		node = host;
	}
	sbuf_adds(out, "X-Haproxy-Server-State: ");
	chk_http_state_word(c, r, out);
	sbuf_printf(out, "; name=%s/%s; node=%s; weight=%u/%u; scur=%llu/%llu; qcur=%llu\r\n",
		    c->px->name, c->conf->name, node,
		    __atomic_load_n(&r->weight_user, __ATOMIC_RELAXED), total,
		    (unsigned long long)__atomic_load_n(&r->c.scur, __ATOMIC_RELAXED),
		    (unsigned long long)__atomic_load_n(&b->c.scur, __ATOMIC_RELAXED),
		    (unsigned long long)__atomic_load_n(&r->c.qcur, __ATOMIC_RELAXED));
}

static void chk_http_add_lf(struct sbuf *out, const struct logfmt *lf, const char *src)
{
	char *t = chk_render_lf(lf, src);
	sbuf_adds(out, t);
	free(t);
}

void chk_http_request(struct chk *c, const struct chk_step *s, struct sbuf *out)
{
	const struct check_send *snd = s->http;
	const char *meth = snd && snd->meth ? snd->meth : "OPTIONS";
	const char *ver = snd && snd->ver ? snd->ver : "HTTP/1.0";
	sbuf_printf(out, "%s ", meth);
	if (snd && snd->uri)
		chk_http_add_lf(out, snd->uri_lf ? snd->uri_fmt : NULL, snd->uri);
	else
		sbuf_adds(out, "/");
	sbuf_printf(out, " %s\r\n", ver);
	const struct check_hdr *h;
	if (snd)
		VEC_EACH(&snd->hdrs, const struct check_hdr *, h) {
			sbuf_printf(out, "%s: ", h->name);
			chk_http_add_lf(out, h->value_fmt, h->value);
			sbuf_adds(out, "\r\n");
		}
	if ((c->px->http_check_send_state))
		chk_http_send_state(c, out);
	/* one request per connection: the close delimits the response */
	if (!chk_http_has_hdr(snd, "connection"))
		sbuf_adds(out, "Connection: close\r\n");
	char *body = snd && snd->body ? chk_render_lf(snd->body_lf ? snd->body_fmt : NULL, snd->body)
				       : NULL;
	if (body && *body)
		sbuf_printf(out, "Content-Length: %zu\r\n", strlen(body));
	sbuf_adds(out, "\r\n");
	if (body)
		sbuf_adds(out, body);
	free(body);
}

/* ------------------------------------------------------------ response */

static int chk_http_match_str(const char *s, size_t n, const char *pat, enum check_hdr_match m,
			      const void *re, int icase);

static const char *chk_http_eoh(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] == '\n' && p[i + 1] == '\n')
			return p + i + 2;
		if (i + 3 < n && memcmp(p + i, "\r\n\r\n", 4) == 0)
			return p + i + 4;
	}
	return NULL;
}

/* The header `name` of the head, its value left-trimmed; the line end
 * in *end. NULL when absent. `from` continues a search. */
static const char *chk_http_hdr(const char *head, const char *eoh, const char *name,
				const char *from, const char **end)
{
	size_t nl = strlen(name);
	const char *p = from ? from : strchr(head, '\n');
	while (p && p < eoh) {
		p += *p == '\n';
		const char *e = memchr(p, '\n', (size_t)(eoh - p));
		if (!e)
			return NULL;
		if ((size_t)(e - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
			const char *v = p + nl + 1;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			*end = e > v && e[-1] == '\r' ? e - 1 : e;
			return v;
		}
		p = e;
	}
	return NULL;
}

/* The status line, "HTTP/1.x 200 OK" (RFC 9112 section 4); -1 when this
 * is no HTTP response. The reason is NUL-ended in place. */
static int chk_http_status_line(struct chk_conv *v, const char *eoh)
{
	char *p = (char *)v->buf;
	if (strncmp(p, "HTTP/", 5) != 0 || !isdigit((unsigned char)p[5]) || p[6] != '.' ||
	    !isdigit((unsigned char)p[7]) || p[8] != ' ')
		return -1;
	if (!isdigit((unsigned char)p[9]) || !isdigit((unsigned char)p[10]) ||
	    !isdigit((unsigned char)p[11]) || (p[12] != ' ' && p[12] != '\r' && p[12] != '\n'))
		return -1;
	v->rsp.status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	char *r = p + 12 + (p[12] == ' ');
	char *e = memchr(r, '\n', (size_t)(eoh - r));
	if (!e)
		return -1;
	size_t rl = (size_t)(e - r) - (e > r && e[-1] == '\r');
	if (rl >= sizeof(v->rsp.reason))
		rl = sizeof(v->rsp.reason) - 1;
	memcpy(v->rsp.reason, r, rl);
	v->rsp.reason[rl] = '\0';
	return 0;
}

/* Parses the head once it is in; 1 done, 0 wait, -1 invalid. */
static int chk_http_parse(struct chk_conv *v)
{
	if (v->rsp.parsed)
		return 1;
	const char *eoh = chk_http_eoh((const char *)v->buf, v->len);
	if (!eoh)
		return v->eof ? -1 : 0;
	if (chk_http_status_line(v, eoh) < 0)
		return -1;
	v->rsp.head_len = (size_t)(eoh - (const char *)v->buf);
	v->rsp.clen = -1;
	const char *end, *cl = chk_http_hdr((const char *)v->buf, eoh, "content-length", NULL, &end);
	if (cl)
		v->rsp.clen = strtol(cl, NULL, 10);
	const char *te = chk_http_hdr((const char *)v->buf, eoh, "transfer-encoding", NULL, &end);
	v->rsp.chunked = te && chk_http_match_str(te, (size_t)(end - te), "chunked", CHECK_HM_SUB,
						  NULL, 1);
	v->rsp.parsed = 1;
	return 1;
}

/* A chunked body (RFC 9112 section 7.1) decoded into out; 1 once the
 * last chunk is in. Extensions and trailers are skipped. */
static int chk_http_dechunk(const char *p, size_t n, struct sbuf *out)
{
	size_t i = 0;
	for (;;) {
		char *end;
		const char *nl = memchr(p + i, '\n', n - i);
		if (!nl)
			return 0;
		unsigned long sz = strtoul(p + i, &end, 16);
		if (end == p + i)
			return 1;           /* not chunked after all: stop here */
		i = (size_t)(nl - p) + 1;
		if (!sz)
			return 1;
		size_t take = sz < n - i ? sz : n - i;
		sbuf_add(out, p + i, take);
		if (take < sz)
			return 0;
		i += sz;
		if (i < n && p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
		if (i >= n)
			return 0;
	}
}

/* The body matchers need the whole body (as much as fits), decoded. */
static int chk_http_body(const struct chk_conv *v, struct sbuf *body)
{
	const char *p = (const char *)v->buf + v->rsp.head_len;
	size_t n = v->len - v->rsp.head_len;
	if (v->rsp.chunked)
		return chk_http_dechunk(p, n, body) || v->eof;
	sbuf_add(body, p, n);
	if (v->eof)
		return 1;
	return v->rsp.clen >= 0 && n >= (size_t)v->rsp.clen;
}

static int chk_http_match_status(const struct chk_conv *v, const struct chk_step *s)
{
	const struct check_expect *e = s->hexp;
	if (!e)
		return v->rsp.status >= 200 && v->rsp.status < 400;
	if (e->type == CHECK_EXP_RSTATUS) {
		char code[8];
		snprintf(code, sizeof(code), "%d", v->rsp.status);
		return e->re && chk_regex_match(e->re, code, strlen(code));
	}
	const struct check_status_range *rg;
	VEC_EACH(&e->statuses, const struct check_status_range *, rg)
		if (v->rsp.status >= rg->lo && v->rsp.status <= rg->hi)
			return 1;
	return 0;
}

static int chk_http_match_str(const char *s, size_t n, const char *pat, enum check_hdr_match m,
			      const void *re, int icase)
{
	size_t pl = strlen(pat);
	int (*cmp)(const char *, const char *, size_t) = icase ? strncasecmp : strncmp;
	switch (m) {
	case CHECK_HM_STR: return n == pl && cmp(s, pat, n) == 0;
	case CHECK_HM_BEG: return n >= pl && cmp(s, pat, pl) == 0;
	case CHECK_HM_END: return n >= pl && cmp(s + n - pl, pat, pl) == 0;
	case CHECK_HM_SUB:
		for (size_t i = 0; i + pl <= n; i++)
			if (cmp(s + i, pat, pl) == 0)
				return 1;
		return 0;
	default: return re && chk_regex_match(re, s, n);
	}
}

/* One header line's value against `value`: hdr splits it on commas, fhdr
 * takes it whole. */
static int chk_http_match_value(const struct check_expect *e, const char *v, const char *end)
{
	while (v <= end) {
		const char *c = e->hdr_full ? end : memchr(v, ',', (size_t)(end - v));
		if (!c)
			c = end;
		const char *a = v, *b = c;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (chk_http_match_str(a, (size_t)(b - a), e->hdr_value, e->hdr_value_match,
				       e->hdr_value_re, 0))
			return 1;
		v = c + 1;
	}
	return 0;
}

static int chk_http_match_hdr(const struct chk_conv *v, const struct check_expect *e)
{
	const char *head = (const char *)v->buf, *eoh = head + v->rsp.head_len;
	const char *p = strchr(head, '\n');
	while (p && p + 1 < eoh) {
		p++;
		const char *nl = memchr(p, '\n', (size_t)(eoh - p));
		const char *colon = nl ? memchr(p, ':', (size_t)(nl - p)) : NULL;
		if (!nl)
			break;
		if (colon && chk_http_match_str(p, (size_t)(colon - p), e->hdr_name, e->hdr_name_match,
						e->hdr_name_re, 1)) {
			const char *val = colon + 1, *end = nl > val && nl[-1] == '\r' ? nl - 1 : nl;
			while (val < end && (*val == ' ' || *val == '\t'))
				val++;
			if (!e->hdr_value || chk_http_match_value(e, val, end))
				return 1;
		}
		p = nl;
	}
	return 0;
}

static int chk_http_match_body(const struct sbuf *b, const struct chk_step *s)
{
	const char *body = sbuf_str(b);
	size_t n = b->len;
	if (s->type == CHECK_EXP_RSTRING)
		return s->re && chk_regex_match(s->re, body, n);
	char *pat = s->type == CHECK_EXP_STRING_LF ? chk_render_lf(s->hexp->fmt, s->pattern)
						   : xstrdup(s->pattern ? s->pattern : "");
	size_t pl = strlen(pat);
	int m = 0;
	for (size_t i = 0; !m && i + pl <= n; i++)
		m = memcmp(body + i, pat, pl) == 0;
	free(pat);
	return m;
}

static enum chk_eval chk_http_fail(struct chk *c, const struct chk_step *s, unsigned st,
				   const char *info)
{
	struct sbuf m = { 0 };
	sbuf_adds(&m, s->on_error ? s->on_error : info);
	if (s->comment)
		sbuf_printf(&m, " comment: '%s'", s->comment);
	chk_conv_end(c, s->err_st ? s->err_st : st, c->conv->rsp.status, sbuf_str(&m));
	sbuf_free(&m);
	return CHK_EVAL_DONE;
}

enum chk_eval chk_http_expect(struct chk *c, const struct chk_step *s)
{
	struct chk_conv *v = c->conv;
	int r = chk_http_parse(v);
	if (r == 0)
		return CHK_EVAL_WAIT;
	if (r < 0) {
		chk_conv_end(c, CHK_ST_L7RSP, -1, v->len ? "Malformed HTTP response" :
			     "Empty response from the server");
		return CHK_EVAL_DONE;
	}
	if (c->px->http_check_disable_on_404 && v->rsp.status == 404) {
		chk_conv_end(c, CHK_ST_L7OKC, 404, NULL);   /* a pass: no info (HAProxy) */
		return CHK_EVAL_DONE;
	}
	enum check_expect_type t = s->hexp ? s->type : CHECK_EXP_STATUS;
	int m;
	switch (t) {
	case CHECK_EXP_STATUS:
	case CHECK_EXP_RSTATUS:
		m = chk_http_match_status(v, s);
		break;
	case CHECK_EXP_HDR:
		m = chk_http_match_hdr(v, s->hexp);
		break;
	default: {
		struct sbuf body = { 0 };
		int complete = chk_http_body(v, &body);
		m = complete && chk_http_match_body(&body, s);
		sbuf_free(&body);
		if (!complete)
			return CHK_EVAL_WAIT;
		break;
	}
	}
	if (m ^ (s->hexp && s->inverse))
		return CHK_EVAL_NEXT;
	if (t == CHECK_EXP_STATUS || t == CHECK_EXP_RSTATUS)
		return chk_http_fail(c, s, CHK_ST_L7STS, v->rsp.reason);
	/* as HAProxy: a header that does not match is a wrong status, a body
	 * that does not match an invalid response */
	if (t == CHECK_EXP_HDR)
		return chk_http_fail(c, s, CHK_ST_L7STS, "HTTP header check did not match");
	return chk_http_fail(c, s, CHK_ST_L7RSP, "HTTP content check did not match");
}
