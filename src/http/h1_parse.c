/*
 * The strict HTTP/1.1 head parser (worker processes, traffic path): one
 * request or response head from a connection buffer into a struct
 * http_msg (include/weir/http.h gives the contract). It owns nothing: the
 * message's arrays are sized by http_msg_init(), and it touches nothing
 * in the shared segment.
 *
 * One pass over the bytes, one table lookup per byte (h1_chars.c), no
 * copy until the head is complete. Each call starts again from the head's
 * first byte, so the caller needs no parser state across reads; a head is
 * bounded by max_head, and the common head arrives in one read.
 *
 * Strictness is the point: a proxy that reads a message differently from
 * the server behind it lets a client smuggle a second request inside the
 * first. So there is one framing or none (RFC 9112 6.1-6.3, 11.2): no
 * bare CR or LF, no obs-fold, no whitespace before a colon, one
 * Content-Length of plain digits, Transfer-Encoding ending in chunked and
 * never beside Content-Length. Header semantics live in h1_hdrs.c.
 */
#include <string.h>

#include "h1_int.h"

/* ------------------------------------------------------------ small steps */

/* Ran out of bytes at c->end: a valid prefix if the limit is not reached
 * yet, else too long (RFC 9112 3: a server answers 414 to a request line
 * longer than it will parse; RFC 6585 5: 431 for header fields). The
 * error is at the last byte that still fitted. */
static int h1_more(struct h1_ctx *c, int status, const char *why)
{
	if ((size_t)(c->end - c->base) >= c->max_head)
		return h1_fail(c->err, status, why, c->max_head - 1);
	return 0;
}

/* Refine the reason for an unexpected byte: a lone CR or LF is the usual
 * smuggling tool, so say so (RFC 9112 2.2). */
static const char *h1_why(char ch, const char *why)
{
	if (ch == '\r')
		return "bare CR";
	if (ch == '\n')
		return "bare LF";
	return why;
}

/* CRLF at *pp (RFC 9112 2.2: lines end in CRLF, a bare CR is an error,
 * and weir does not accept a bare LF either). */
static int h1_eol(struct h1_ctx *c, const char **pp, int toolong, const char *why)
{
	const char *p = *pp;

	if (p == c->end)
		return h1_more(c, toolong, why);
	if (*p != '\r')
		return h1_bad(c, p, h1_why(*p, "junk at the end of the start line"));
	if (p + 1 == c->end)
		return h1_more(c, toolong, why);
	if (p[1] != '\n')
		return h1_bad(c, p, "bare CR in the start line");
	*pp = p + 2;
	return 1;
}

/* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3: the name is
 * case-sensitive). Checked byte by byte so that a partial version is
 * still a valid prefix. The number itself is judged by the caller. */
static int h1_version(struct h1_ctx *c, const char **pp, int toolong, const char *why)
{
	static const char pat[8] = { 'H', 'T', 'T', 'P', '/', '0', '.', '0' };
	const char *p = *pp;

	for (int i = 0; i < 8; i++, p++) {
		if (p == c->end)
			return h1_more(c, toolong, why);
		int ok = pat[i] == '0' ? H1_IS(*p, H1_C_DIGIT) : *p == pat[i];
		if (!ok)
			return h1_bad(c, p, h1_why(*p, "malformed HTTP version"));
	}
	c->m->vmajor = (*pp)[5] - '0';
	c->m->vminor = (*pp)[7] - '0';
	*pp = p;
	return 1;
}

/* ------------------------------------------------------------ request line */

enum http_meth h1_meth_lookup(const char *s, size_t len)
{
	static const struct { const char *name; size_t len; enum http_meth meth; } tab[] = {
		{ "GET", 3, HTTP_METH_GET }, { "PUT", 3, HTTP_METH_PUT },
		{ "HEAD", 4, HTTP_METH_HEAD }, { "POST", 4, HTTP_METH_POST },
		{ "TRACE", 5, HTTP_METH_TRACE }, { "PATCH", 5, HTTP_METH_PATCH },
		{ "DELETE", 6, HTTP_METH_DELETE }, { "CONNECT", 7, HTTP_METH_CONNECT },
		{ "OPTIONS", 7, HTTP_METH_OPTIONS },
	};

	/* Method names are case-sensitive (RFC 9110 9.1): "get" is OTHER. */
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].len == len && memcmp(tab[i].name, s, len) == 0)
			return tab[i].meth;
	return HTTP_METH_OTHER;
}

/* authority-form = uri-host ":" port (RFC 9112 3.2.3): a host without
 * path, query, fragment or userinfo, and a numeric port. */
static int h1_is_authority(const char *s, size_t n)
{
	size_t colon = n;

	while (colon > 0 && s[colon - 1] != ':')
		colon--;
	if (colon < 2 || colon == n)
		return 0;
	for (size_t i = colon; i < n; i++)
		if (!H1_IS(s[i], H1_C_DIGIT))
			return 0;
	for (size_t i = 0; i < colon - 1; i++)
		if (s[i] == '/' || s[i] == '?' || s[i] == '#' || s[i] == '@')
			return 0;
	return 1;
}

/* absolute-form (RFC 9112 3.2.2): scheme "://" authority [path]. weir
 * wants the "//" authority (http, https, ws...); scheme per RFC 3986 3.1. */
static int h1_is_absolute(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return 0;
	while (i < n && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
			 H1_IS(s[i], H1_C_DIGIT) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	return i + 3 < n && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/';
}

/* Which of the four forms of RFC 9112 3.2 the target has, against the
 * method: asterisk only with OPTIONS (3.2.4), authority only and always
 * with CONNECT (3.2.3), else origin (3.2.1) or absolute (3.2.2). */
static const char *h1_target_form(enum http_meth meth, const char *s, size_t n)
{
	if (n == 1 && s[0] == '*')
		return meth == HTTP_METH_OPTIONS ? NULL : "asterisk-form target without OPTIONS";
	if (meth == HTTP_METH_CONNECT)
		return h1_is_authority(s, n) ? NULL : "CONNECT without an authority-form target";
	if (s[0] == '/' || h1_is_absolute(s, n))
		return NULL;
	if (h1_is_authority(s, n))
		return "authority-form target without CONNECT";
	return "invalid request-target";
}

/* method SP request-target SP HTTP-version CRLF (RFC 9112 3): exactly one
 * SP between the parts, a token method (RFC 9110 9.1), a target of
 * visible ASCII (RFC 9112 3.2, no CTL or space), HTTP/1.0 or 1.1. */
static int h1_request_line(struct h1_ctx *c, const char **pp)
{
	const char *p = *pp, *end = c->end, *s, *ver;
	struct http_msg *m = c->m;
	const char *why;
	int r;

	for (s = p; p < end && H1_IS(*p, H1_C_TOKEN); p++)
		;
	if (p == end)
		return h1_more(c, 414, "request line too long");
	if (*p != ' ' || p == s)
		return h1_bad(c, p, h1_why(*p, p == s ? "empty method" : "invalid character in the method"));
	m->method = h1_str(c, s, p);
	m->meth = h1_meth_lookup(s, (size_t)(p - s));

	for (s = ++p; p < end && H1_IS(*p, H1_C_TARGET); p++)
		;
	if (p == end)
		return h1_more(c, 414, "request line too long");
	if (p == s)
		return h1_bad(c, p, *p == ' ' ? "more than one space in the request line"
				       : h1_why(*p, "invalid character in the request-target"));
	if (*p == '\r' || *p == '\n')
		return h1_bad(c, p, "no HTTP version in the request line (HTTP/0.9)");
	if (*p != ' ')
		return h1_bad(c, p, "invalid character in the request-target");
	if ((why = h1_target_form(m->meth, s, (size_t)(p - s))) != NULL)
		return h1_bad(c, s, why);
	m->uri = h1_str(c, s, p);

	ver = ++p;
	if ((r = h1_version(c, &p, 414, "request line too long")) <= 0)
		return r;
	if ((r = h1_eol(c, &p, 414, "request line too long")) <= 0)
		return r;
	/* RFC 9110 6.2: a server answers 505 to a major version it refuses;
	 * weir speaks 1.0 and 1.1 only on this wire (h2 is ALPN, not this). */
	if (m->vmajor != 1 || m->vminor > 1)
		return h1_fail(c->err, 505, "unsupported HTTP version", (uint64_t)(ver - c->base));
	*pp = p;
	return 1;
}

/* ------------------------------------------------------------ status line */

/* HTTP-version SP 3DIGIT SP [reason-phrase] CRLF (RFC 9112 4). Like
 * HAProxy, weir also takes "HTTP/1.1 200" CRLF without the second SP:
 * the reason carries no meaning, and refusing it protects no one. */
static int h1_status_line(struct h1_ctx *c, const char **pp)
{
	const char *p = *pp, *end = c->end, *s;
	struct http_msg *m = c->m;
	int r;

	if ((r = h1_version(c, &p, 502, "status line too long")) <= 0)
		return r;
	if (m->vmajor != 1 || m->vminor > 1)
		return h1_bad(c, *pp, "unsupported HTTP version");
	for (int i = 0; i < 4; i++, p++) {
		if (p == end)
			return h1_more(c, 502, "status line too long");
		int ok = i == 0 ? *p == ' ' : H1_IS(*p, H1_C_DIGIT);
		if (!ok)
			return h1_bad(c, p, h1_why(*p, "malformed status code"));
	}
	m->status = (p[-3] - '0') * 100 + (p[-2] - '0') * 10 + (p[-1] - '0');
	/* RFC 9110 15: the first digit is the class, 1 to 5. */
	if (m->status < 100 || m->status > 599)
		return h1_bad(c, p - 3, "status code out of range");
	if (p == end)
		return h1_more(c, 502, "status line too long");
	s = p;
	if (*p == ' ') {
		for (s = ++p; p < end && H1_IS(*p, H1_C_FIELD); p++)
			;
	}
	m->reason = h1_str(c, s, p);
	if ((r = h1_eol(c, &p, 502, "status line too long")) <= 0)
		return r;
	*pp = p;
	return 1;
}

/* ------------------------------------------------------------ header lines */

/* field-name ":" OWS field-value OWS CRLF (RFC 9112 5, RFC 9110 5.5). */
static int h1_header_line(struct h1_ctx *c, const char **pp)
{
	const char *p = *pp, *end = c->end, *s = p, *n, *v, *ve;

	/* RFC 9112 5.2: obs-fold is rejected (a server may, a proxy must
	 * not let it through); whitespace before the first field, 2.2. */
	if (H1_IS(*p, H1_C_OWS))
		return h1_bad(c, p, "line folding (obs-fold) or leading whitespace");
	for (; p < end && H1_IS(*p, H1_C_TOKEN); p++)
		;
	if (p == end)
		return h1_more(c, c->toolong, "header section too large");
	if (*p != ':' || p == s) {
		/* RFC 9112 5.1: no whitespace between name and colon, 400. */
		if (H1_IS(*p, H1_C_OWS))
			return h1_bad(c, p, "whitespace between a field name and its colon");
		if (p == s)
			return h1_bad(c, p, h1_why(*p, "empty field name"));
		if (*p == '\r' || *p == '\n')
			return h1_bad(c, p, "field line without a colon");
		return h1_bad(c, p, "invalid character in a field name");
	}
	n = p++;
	while (p < end && H1_IS(*p, H1_C_OWS))
		p++;
	for (v = p; p < end && H1_IS(*p, H1_C_FIELD); p++)
		;
	if (p == end || (*p == '\r' && p + 1 == end))
		return h1_more(c, c->toolong, "header section too large");
	/* RFC 9110 5.5: NUL, CR, LF and other CTLs are invalid in a value. */
	if (*p != '\r')
		return h1_bad(c, p, h1_why(*p, "invalid character in a field value"));
	if (p[1] != '\n')
		return h1_bad(c, p, "bare CR in a field value");
	for (ve = p; ve > v && H1_IS(ve[-1], H1_C_OWS); ve--)
		;
	*pp = p + 2;
	return h1_hdr_add(c, s, n, v, ve);
}

/* Header lines up to the empty line that ends the head. */
static int h1_headers(struct h1_ctx *c, const char **pp)
{
	const char *p = *pp;
	int r;

	for (;;) {
		if (p == c->end || (*p == '\r' && p + 1 == c->end))
			return h1_more(c, c->toolong, "header section too large");
		if (*p == '\r') {
			if (p[1] != '\n')
				return h1_bad(c, p, "bare CR in the header section");
			*pp = p + 2;
			return 1;
		}
		if ((r = h1_header_line(c, &p)) <= 0)
			return r;
	}
}

/* ------------------------------------------------------------ entry points */

static void h1_ctx_init(struct h1_ctx *c, struct http_msg *m, const char *data, size_t len,
			size_t max_head, struct http_err *err)
{
	memset(c, 0, sizeof(*c));
	http_msg_reset(m);
	c->m = m;
	c->err = err;
	c->base = data;
	c->max_head = max_head;
	c->end = data + (len < max_head ? len : max_head);
}

/* The head is complete: keep its bytes in m->buf (once). */
static int h1_done(struct h1_ctx *c, const char *p)
{
	struct http_msg *m = c->m;
	size_t n = (size_t)(p - c->base);

	if (m->buf != c->base) {
		if (n > m->buf_cap)
			return h1_fail(c->err, c->toolong, "head larger than the message buffer", m->buf_cap);
		memcpy(m->buf, c->base, n);
	}
	m->buf_len = m->head_len = (uint32_t)n;
	return (int)n;
}

int h1_parse_request(struct http_msg *m, const char *data, size_t len, size_t max_head,
		     struct http_err *err)
{
	struct h1_ctx c;
	const char *p = data;
	int r;

	h1_ctx_init(&c, m, data, len, max_head, err);
	m->is_response = 0;
	c.bad = 400;
	c.toolong = 431;
	/* RFC 9112 2.2: ignore empty lines before the request-line (old
	 * clients send a CRLF after a POST body). */
	while (p < c.end && *p == '\r') {
		if (p + 1 == c.end)
			return h1_more(&c, 414, "request line too long");
		if (p[1] != '\n')
			return h1_bad(&c, p, "bare CR before the request line");
		p += 2;
	}
	if ((r = h1_request_line(&c, &p)) <= 0)
		return r;
	if ((r = h1_headers(&c, &p)) <= 0)
		return r;
	if ((r = h1_req_framing(&c, p)) < 0)
		return r;
	return h1_done(&c, p);
}

int h1_parse_response(struct http_msg *m, const char *data, size_t len, size_t max_head,
		      enum http_meth req_meth, struct http_err *err)
{
	struct h1_ctx c;
	const char *p = data;
	int r;

	h1_ctx_init(&c, m, data, len, max_head, err);
	m->is_response = 1;
	c.bad = 502;
	c.toolong = 502;
	c.req_meth = req_meth;
	if ((r = h1_status_line(&c, &p)) <= 0)
		return r;
	if ((r = h1_headers(&c, &p)) <= 0)
		return r;
	if ((r = h1_resp_framing(&c, p)) < 0)
		return r;
	return h1_done(&c, p);
}
