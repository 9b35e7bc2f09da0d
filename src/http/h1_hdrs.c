/*
 * The meaning of HTTP/1 header fields for framing and connection
 * management (worker processes, traffic path): Content-Length,
 * Transfer-Encoding, Host, Connection, Upgrade, Expect, and the body
 * length rules of RFC 9112 6.3. Called by h1_parse.c once per complete
 * header line, then once for the whole head; owns nothing.
 *
 * The smuggling defences are HAProxy's, a little stricter: two
 * Content-Length headers are refused even when equal (RFC 9112 6.3 item
 * 5 allows merging them), and every Transfer-Encoding problem in a
 * request is a 400 rather than a 501 for an unknown coding (RFC 9112 6.1
 * permits either; one status for one class of attack keeps logs and
 * tests simple). Responses answer 502 for the same faults.
 */
#include "h1_int.h"

/* Next element of a #list (RFC 9110 5.6.1) in [*pp, end), OWS trimmed;
 * empty elements come back empty for the caller to skip, as 5.6.1 asks. */
static int h1_list_next(const char **pp, const char *end, const char **es, const char **ee)
{
	const char *p = *pp, *s, *e;

	if (p >= end)
		return 0;
	for (s = p; p < end && *p != ','; p++)
		;
	*pp = p < end ? p + 1 : p;
	for (e = p; e > s && H1_IS(e[-1], H1_C_OWS); e--)
		;
	while (s < e && H1_IS(*s, H1_C_OWS))
		s++;
	*es = s;
	*ee = e;
	return 1;
}

/* Content-Length = 1*DIGIT (RFC 9112 6.2, RFC 9110 8.6): no sign, no
 * space, no list, one header, a value that fits. */
static int h1_content_length(struct h1_ctx *c, const char *s, const char *v, const char *ve)
{
	struct http_msg *m = c->m;
	uint64_t n = 0;

	if (m->flags & HTTP_F_HAS_CL)
		return h1_bad(c, s, "several Content-Length headers");
	/* RFC 9112 6.3 item 3: both framings at once is a smuggling attempt. */
	if (m->flags & HTTP_F_HAS_TE)
		return h1_bad(c, s, "Content-Length with Transfer-Encoding");
	if (v == ve)
		return h1_bad(c, v, "empty Content-Length");
	for (const char *p = v; p < ve; p++) {
		if (!H1_IS(*p, H1_C_DIGIT))
			return h1_bad(c, p, "invalid Content-Length");
		unsigned d = (unsigned)(*p - '0');
		/* INT64_MAX: lengths are compared with signed offsets downstream. */
		if (n > ((uint64_t)INT64_MAX - d) / 10)
			return h1_bad(c, p, "Content-Length too large");
		n = n * 10 + d;
	}
	m->flags |= HTTP_F_HAS_CL;
	m->content_length = n;
	return 1;
}

/* One transfer-coding of a Transfer-Encoding list (RFC 9112 6.1, 7):
 * chunked must be the last and appear once; before it only the codings
 * of RFC 9110 8.4.1, without parameters. */
static int h1_te_coding(struct h1_ctx *c, const char *es, const char *ee)
{
	size_t n = (size_t)(ee - es);

	if (c->te_chunked)
		return h1_bad(c, es, "chunked is not the last transfer coding");
	for (const char *p = es; p < ee; p++)
		if (!H1_IS(*p, H1_C_TOKEN))
			return h1_bad(c, p, *p == ';' ? "transfer coding with parameters"
						   : "invalid transfer coding");
	if (h1_ieq(es, n, "chunked", 7)) {
		c->te_chunked = 1;
		return 1;
	}
	if (h1_ieq(es, n, "gzip", 4) || h1_ieq(es, n, "x-gzip", 6) ||
	    h1_ieq(es, n, "deflate", 7) || h1_ieq(es, n, "compress", 8) ||
	    h1_ieq(es, n, "x-compress", 10))
		return 1;
	return h1_bad(c, es, "unknown transfer coding");
}

static int h1_transfer_encoding(struct h1_ctx *c, const char *s, const char *v, const char *ve)
{
	struct http_msg *m = c->m;
	const char *es, *ee;
	int r;

	if (m->flags & HTTP_F_HAS_CL)
		return h1_bad(c, s, "Transfer-Encoding with Content-Length");
	/* RFC 9112 6.1: an HTTP/1.0 recipient may not understand it, so an
	 * intermediary in front of one cannot trust the framing. */
	if (!m->is_response && m->vminor == 0)
		return h1_bad(c, s, "Transfer-Encoding in an HTTP/1.0 request");
	if (!(m->flags & HTTP_F_HAS_TE))
		c->te_at = (uint32_t)(s - c->base);
	m->flags |= HTTP_F_HAS_TE;
	while (h1_list_next(&v, ve, &es, &ee))
		if (es < ee && (r = h1_te_coding(c, es, ee)) < 0)
			return r;
	return 1;
}

/* RFC 9112 3.2: one Host, and a server answers 400 to a second. weir also
 * refuses whitespace and commas inside it: a Host is one authority. */
static int h1_host(struct h1_ctx *c, const char *s, const char *v, const char *ve)
{
	struct http_msg *m = c->m;

	if (m->flags & HTTP_F_HAS_HOST)
		return h1_bad(c, s, "several Host headers");
	for (const char *p = v; p < ve; p++)
		if (H1_IS(*p, H1_C_OWS) || *p == ',')
			return h1_bad(c, p, "invalid Host");
	m->flags |= HTTP_F_HAS_HOST;
	return 1;
}

/* Connection options (RFC 9110 7.6.1), case-insensitive tokens. */
static int h1_connection(struct h1_ctx *c, const char *v, const char *ve)
{
	const char *es, *ee;

	while (h1_list_next(&v, ve, &es, &ee)) {
		size_t n = (size_t)(ee - es);
		if (h1_ieq(es, n, "close", 5))
			c->m->flags |= HTTP_F_CONN_CLOSE;
		else if (h1_ieq(es, n, "keep-alive", 10))
			c->m->flags |= HTTP_F_CONN_KEEPALIVE;
		else if (h1_ieq(es, n, "upgrade", 7))
			c->conn_upgrade = 1;
	}
	return 1;
}

/* Expect: 100-continue (RFC 9110 10.1.1), ignored in HTTP/1.0 requests as
 * that section requires. Other expectations are ignored, as HAProxy does. */
static int h1_expect(struct h1_ctx *c, const char *v, const char *ve)
{
	struct http_msg *m = c->m;

	if (!m->is_response && m->vminor == 1 && h1_ieq(v, (size_t)(ve - v), "100-continue", 12))
		m->flags |= HTTP_F_EXPECT_100;
	return 1;
}

/* The headers weir interprets, picked by length first (one compare). */
static int h1_hdr_semantics(struct h1_ctx *c, const char *s, size_t nlen, const char *v,
			    const char *ve)
{
	int req = !c->m->is_response;

	switch (nlen) {
	case 4:
		if (req && h1_ieq(s, nlen, "host", 4))
			return h1_host(c, s, v, ve);
		break;
	case 6:
		if (req && h1_ieq(s, nlen, "expect", 6))
			return h1_expect(c, v, ve);
		break;
	case 7:
		if (h1_ieq(s, nlen, "upgrade", 7))
			c->has_upgrade = v < ve;
		break;
	case 10:
		if (h1_ieq(s, nlen, "connection", 10))
			return h1_connection(c, v, ve);
		break;
	case 14:
		if (h1_ieq(s, nlen, "content-length", 14))
			return h1_content_length(c, s, v, ve);
		break;
	case 17:
		if (h1_ieq(s, nlen, "transfer-encoding", 17))
			return h1_transfer_encoding(c, s, v, ve);
		break;
	}
	return 1;
}

int h1_hdr_add(struct h1_ctx *c, const char *s, const char *n, const char *v, const char *ve)
{
	struct http_msg *m = c->m;
	struct http_hdr *h;

	/* tune.http.maxhdr: HAProxy answers 431 past it (RFC 6585 5). */
	if (m->nhdrs >= m->maxhdrs)
		return h1_fail(c->err, c->toolong, "too many header fields", (uint64_t)(s - c->base));
	h = &m->hdrs[m->nhdrs++];
	h->name = h1_str(c, s, n);
	h->value = h1_str(c, v, ve);
	return h1_hdr_semantics(c, s, (size_t)(n - s), v, ve);
}

static void h1_upgrade_flag(struct h1_ctx *c)
{
	/* RFC 9110 7.8: Upgrade is only meaningful listed in Connection. */
	if (c->conn_upgrade && c->has_upgrade)
		c->m->flags |= HTTP_F_UPGRADE;
}

/* Request body length, RFC 9112 6.3 items 4 to 7. */
int h1_req_framing(struct h1_ctx *c, const char *eoh)
{
	struct http_msg *m = c->m;

	/* RFC 9112 3.2: 400 to an HTTP/1.1 request without Host. */
	if (m->vminor == 1 && !(m->flags & HTTP_F_HAS_HOST))
		return h1_bad(c, eoh - 2, "missing Host header");
	if (m->flags & HTTP_F_HAS_TE) {
		/* item 4: TE in a request whose final coding is not chunked. */
		if (!c->te_chunked)
			return h1_fail(c->err, 400, "Transfer-Encoding does not end in chunked", c->te_at);
		m->body = HTTP_BODY_CHUNKED;
	} else if (m->flags & HTTP_F_HAS_CL) {
		m->body = HTTP_BODY_LENGTH;
	} else {
		m->body = HTTP_BODY_NONE;
	}
	h1_upgrade_flag(c);
	return 1;
}

/* Response body length, RFC 9112 6.3 items 1 to 8. */
int h1_resp_framing(struct h1_ctx *c, const char *eoh)
{
	struct http_msg *m = c->m;
	int st = m->status;

	h1_upgrade_flag(c);
	if (st == 101) {
		m->body = HTTP_BODY_TUNNEL;           /* RFC 9110 15.2.2 */
	} else if (c->req_meth == HTTP_METH_HEAD || st < 200 || st == 204 || st == 304) {
		m->body = HTTP_BODY_NONE;             /* item 1 */
	} else if (c->req_meth == HTTP_METH_CONNECT && st < 300) {
		m->body = HTTP_BODY_TUNNEL;           /* item 2 */
	} else if (m->flags & HTTP_F_HAS_TE) {
		/* RFC 9112 6.1: TE in a 1.0 message is faulty framing; read to
		 * the close and do not reuse the connection. Item 4: a response
		 * whose final coding is not chunked runs to the close too. */
		if (m->vminor == 0)
			m->flags |= HTTP_F_CONN_CLOSE;
		m->body = m->vminor == 1 && c->te_chunked ? HTTP_BODY_CHUNKED : HTTP_BODY_CLOSE;
	} else if (m->flags & HTTP_F_HAS_CL) {
		m->body = HTTP_BODY_LENGTH;           /* item 6 */
	} else {
		m->body = HTTP_BODY_CLOSE;            /* item 8 */
	}
	return 1;
}
