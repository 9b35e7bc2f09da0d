/*
 * The HTTP variables of a log line: %r and its parts (%HM %HU %HP %HPO
 * %HQ %HV), the captured headers (%hr %hs %hrl %hsl) and cookies (%CC
 * %CS), printed as HAProxy 2.6 prints them. Runs wherever logfmt_build()
 * runs (the worker that served the request); owns nothing.
 *
 * What HAProxy 2.6 shows, checked against it:
 * - the request line is the one received, cut to LOG_REQLINE_MAX - 1
 *   bytes; %HU, %HV... are read back from the cut line, so a cut version
 *   prints as much of it as fits, and a line cut inside the URI has the
 *   version "HTTP/0.9";
 * - '"', '#', control bytes and bytes >= 0x7F of the request line and its
 *   parts print as "#XX" (so `"%HP"` stays one quoted field); the
 *   captures also encode '{', '|' and '}', which delimit them;
 * - no parsed request: every request variable prints "<BADREQ>" and the
 *   captures print nothing at all;
 * - %HQ without a query string and %HPO of "*" or an authority form are
 *   empty (nothing printed, `""` under +Q), not "-".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "logfmt-int.h"
#include "weir/http-act.h"
#include "weir/http.h"

/* ------------------------------------------------------------ request line */

/* The request line kept for the log and its parts, spans of `line`. */
struct lf_rl {
	char line[LOG_REQLINE_MAX];
	size_t len;
	size_t mlen;            /* the method: line[0..mlen) */
	const char *uri;
	size_t ulen;
	const char *ver;
	size_t vlen;
};

/* 0 when no request was parsed. */
static int lf_rl_get(const struct log_sess *s, struct lf_rl *rl)
{
	if (!s->method)
		return 0;
	int n = snprintf(rl->line, sizeof(rl->line), "%s%s%s%s%s", s->method, s->uri ? " " : "",
			 s->uri ? s->uri : "", s->version ? " " : "", s->version ? s->version : "");
	rl->len = n < 0 ? 0 : (size_t)n < sizeof(rl->line) ? (size_t)n : sizeof(rl->line) - 1;
	const char *sp = memchr(rl->line, ' ', rl->len);
	rl->mlen = sp ? (size_t)(sp - rl->line) : rl->len;
	rl->uri = sp ? sp + 1 : rl->line + rl->len;
	size_t rest = rl->len - (size_t)(rl->uri - rl->line);
	const char *sp2 = memchr(rl->uri, ' ', rest);
	rl->ulen = sp2 ? (size_t)(sp2 - rl->uri) : rest;
	/* no version left after the URI: HAProxy reads an HTTP/0.9 line */
	rl->ver = sp2 ? sp2 + 1 : "HTTP/0.9";
	rl->vlen = sp2 ? rl->len - (size_t)(rl->ver - rl->line) : 8;
	return 1;
}

/* %HPO: an absolute URI loses its scheme and authority; "*" and an
 * authority form ("host:443") have no path. Stops at the query string. */
static void lf_path_only(const char *u, size_t n, size_t *off, size_t *len)
{
	size_t start = n;
	if (n && u[0] == '/') {
		start = 0;
	} else {
		for (size_t i = 0; i + 2 < n; i++) {
			if (u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/') {
				const char *slash = memchr(u + i + 3, '/', n - i - 3);
				start = slash ? (size_t)(slash - u) : n;
				break;
			}
		}
	}
	const char *q = memchr(u + start, '?', n - start);
	*off = start;
	*len = (q ? (size_t)(q - u) : n) - start;
}

static void lf_request_var(struct lfb *b, enum logfmt_var v)
{
	struct lf_rl rl;
	if (!lf_rl_get(b->s, &rl)) {
		lfb_text(b, "<BADREQ>");
		return;
	}
	const char *q = memchr(rl.uri, '?', rl.ulen);
	size_t off, len;
	switch (v) {
	case LFV_REQUEST: lfb_enc_text(b, rl.line, rl.len, LF_ENC_URL); break;
	case LFV_HTTP_METHOD: lfb_textn(b, rl.line, rl.mlen); break;
	case LFV_HTTP_VERSION: lfb_textn(b, rl.ver, rl.vlen); break;
	case LFV_HTTP_URI: lfb_enc_text(b, rl.uri, rl.ulen, LF_ENC_URL); break;
	case LFV_HTTP_PATH:
		lfb_enc_text(b, rl.uri, q ? (size_t)(q - rl.uri) : rl.ulen, LF_ENC_URL);
		break;
	case LFV_HTTP_QUERY:
		lfb_enc_text(b, q ? q : "", q ? rl.ulen - (size_t)(q - rl.uri) : 0, LF_ENC_URL);
		break;
	default:   /* LFV_HTTP_PATH_ONLY */
		lf_path_only(rl.uri, rl.ulen, &off, &len);
		lfb_enc_text(b, rl.uri + off, len, LF_ENC_URL);
		break;
	}
}

/* ------------------------------------------------------------ captures */

/* Walks the capture slots of one direction: the transaction's slots when
 * the engine gave them, else the '|'-joined string. */
struct lf_capit {
	const struct http_caps *caps;
	int is_res, i, n;
	const char *joined;     /* next value of the joined string, NULL at the end */
};

static void lf_capit_init(struct lf_capit *it, const struct log_sess *s, int is_res)
{
	memset(it, 0, sizeof(*it));
	it->is_res = is_res;
	if (!s->method)
		return;     /* no request parsed: HAProxy shows no capture at all */
	it->caps = s->caps;
	if (s->caps) {
		int declared = is_res ? s->res_ncap : s->req_ncap;
		int used = is_res ? s->caps->nres : s->caps->nreq;
		it->n = declared > used ? declared : used;
		if (it->n > HTTP_CAPS_MAX)
			it->n = HTTP_CAPS_MAX;
	} else {
		it->joined = is_res ? s->res_captures : s->req_captures;
	}
}

/* Is there a capture at all (slots declared)? */
static int lf_capit_any(const struct lf_capit *it)
{
	return it->caps ? it->n > 0 : it->joined != NULL;
}

/* The next slot: 1 and *v (NULL when the slot is unset), or 0 at the end. */
static int lf_capit_next(struct lf_capit *it, const char **v, size_t *len)
{
	if (it->caps) {
		if (it->i >= it->n)
			return 0;
		const struct http_cap *c = it->is_res ? &it->caps->res[it->i] : &it->caps->req[it->i];
		it->i++;
		*v = c->set && c->off + c->len <= sizeof(it->caps->data) ? it->caps->data + c->off : NULL;
		*len = *v ? c->len : 0;
		return 1;
	}
	if (!it->joined)
		return 0;
	const char *bar = strchr(it->joined, '|');
	*v = it->joined;
	*len = bar ? (size_t)(bar - it->joined) : strlen(it->joined);
	it->joined = bar ? bar + 1 : NULL;
	return 1;
}

/* %hr / %hs: "{v1|v2}", quoted as a whole under +Q, an unset slot empty;
 * nothing at all when the frontend captures nothing. */
static void lf_captures(struct lfb *b, int is_res)
{
	struct lf_capit it;
	const char *v;
	size_t len;
	lf_capit_init(&it, b->s, is_res);
	if (!lf_capit_any(&it))
		return;
	lfb_quote(b);
	lfb_addc(b, '{');
	for (int i = 0; lf_capit_next(&it, &v, &len); i++) {
		if (i)
			lfb_addc(b, '|');
		if (v)
			lfb_body(b, v, len, LF_ENC_HDR);
	}
	lfb_addc(b, '}');
	lfb_quote(b);
}

/* %hrl / %hsl: the values blank separated, each a value of its own: an
 * unset slot is "-", an empty header prints empty. */
static void lf_capture_list(struct lfb *b, int is_res)
{
	struct lf_capit it;
	const char *v;
	size_t len;
	unsigned mand = b->flags & LFF_MANDATORY;
	b->flags &= ~LFF_MANDATORY;   /* one empty capture is not an empty field */
	lf_capit_init(&it, b->s, is_res);
	for (int i = 0; lf_capit_next(&it, &v, &len); i++) {
		if (i)
			lfb_addc(b, ' ');
		if (v)
			lfb_enc_text(b, v, len, LF_ENC_HDR);
		else
			lfb_absent(b);
	}
	b->flags |= mand;
}

/* ------------------------------------------------------------ dispatch */

int logfmt_http_var(struct lfb *b, enum logfmt_var v)
{
	switch (v) {
	case LFV_REQUEST:
	case LFV_HTTP_METHOD:
	case LFV_HTTP_URI:
	case LFV_HTTP_PATH:
	case LFV_HTTP_PATH_ONLY:
	case LFV_HTTP_QUERY:
	case LFV_HTTP_VERSION: lf_request_var(b, v); break;
	case LFV_HDR_REQ: lf_captures(b, 0); break;
	case LFV_HDR_RES: lf_captures(b, 1); break;
	case LFV_HDR_REQ_LIST: lf_capture_list(b, 0); break;
	case LFV_HDR_RES_LIST: lf_capture_list(b, 1); break;
	case LFV_CCLIENT: lfb_text(b, b->s->cli_cookie); break;
	case LFV_CSERVER: lfb_text(b, b->s->srv_cookie); break;
	default: return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ filling */

int logfmt_sess_request(struct log_sess *ls, const struct http_msg *req, char *buf, size_t cap)
{
	size_t mlen = req->method.len, ulen = req->uri.len;
	char ver[16];
	int vlen = snprintf(ver, sizeof(ver), "HTTP/%d.%d", req->vmajor, req->vminor);
	ls->method = ls->uri = ls->version = NULL;
	if (!req->method.len || cap < mlen + 3)
		return -1;
	/* the log shows LOG_REQLINE_MAX - 1 bytes of "M U V": keep no more */
	if (mlen + 1 + ulen > LOG_REQLINE_MAX - 1)
		ulen = mlen + 1 < LOG_REQLINE_MAX - 1 ? LOG_REQLINE_MAX - 1 - (mlen + 1) : 0;
	if (mlen + ulen + 3 > cap)     /* room for the method, the URI and a NUL each */
		ulen = cap - mlen - 3;
	char *m = buf, *u = buf + mlen + 1, *v = u + ulen + 1;
	memcpy(m, http_str_ptr(req, req->method), mlen);
	m[mlen] = '\0';
	memcpy(u, http_str_ptr(req, req->uri), ulen);
	u[ulen] = '\0';
	size_t room = cap - (size_t)(v - buf);
	snprintf(v, room, "%.*s", vlen, ver);
	ls->method = m;
	ls->uri = u;
	ls->version = v;
	return 0;
}

/* ------------------------------------------------------------ byte counts */

/* Is a header line "Connection: close|keep-alive" (any case, any
 * spacing)? HAProxy's parser turns those into flags, not headers. */
static int conn_mode_line(const char *p, size_t n)
{
	static const char name[] = "connection:";
	if (n < sizeof(name) - 1 || strncasecmp(p, name, sizeof(name) - 1) != 0)
		return 0;
	p += sizeof(name) - 1, n -= sizeof(name) - 1;
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return (n == 5 && strncasecmp(p, "close", 5) == 0) ||
	       (n == 10 && strncasecmp(p, "keep-alive", 10) == 0);
}

int64_t logfmt_head_size(const char *head, size_t len)
{
	int64_t size = 0;
	int first = 1;
	for (size_t i = 0; i < len;) {
		const char *eol = memchr(head + i, '\n', len - i);
		size_t end = eol ? (size_t)(eol - head) : len;
		size_t n = end - i;
		if (n && head[i + n - 1] == '\r')
			n--;
		if (n == 0) {
			size += 1;              /* the end of the head */
			break;
		}
		if (first) {
			/* three parts and their lengths; the two spaces are not kept */
			size += 20 + (int64_t)n - 2;
			first = 0;
		} else if (!conn_mode_line(head + i, n)) {
			const char *colon = memchr(head + i, ':', n);
			size_t skip = 1;
			while (colon && colon + skip < head + i + n &&
			       (colon[skip] == ' ' || colon[skip] == '\t'))
				skip++;
			/* the value's trailing OWS goes too (RFC 9110 5.5) */
			while (colon && n > (size_t)(colon - head - i) + skip &&
			       (head[i + n - 1] == ' ' || head[i + n - 1] == '\t'))
				n--;
			size += (int64_t)n - (colon ? (int64_t)skip : 0);
		}
		i = end + 1;
	}
	return size;
}
