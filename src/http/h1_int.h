/*
 * Internals shared by the HTTP/1 files of src/http: the character-class
 * table (one lookup per byte on the hot path) and the error helper.
 */
#ifndef WEIR_H1_INT_H
#define WEIR_H1_INT_H

#include <stdint.h>

#include "weir/http.h"

/* Character classes, one bit each in h1_ctype[] (h1_chars.c). */
#define H1_C_TOKEN  0x01   /* tchar (RFC 9110 5.6.2) */
#define H1_C_FIELD  0x02   /* field-vchar / obs-text / SP / HTAB (RFC 9110 5.5) */
#define H1_C_TARGET 0x04   /* visible ASCII: request-target bytes (RFC 9112 3.2) */
#define H1_C_HEX    0x08   /* HEXDIG (chunk-size, RFC 9112 7.1) */
#define H1_C_DIGIT  0x10   /* DIGIT */
#define H1_C_OWS    0x20   /* SP / HTAB (RFC 9110 5.6.3) */

extern const uint8_t h1_ctype[256];

#define H1_IS(c, cls) (h1_ctype[(unsigned char)(c)] & (cls))

/* Fill err and return -1 (for `return h1_fail(...)`). */
static inline int h1_fail(struct http_err *err, int status, const char *why, uint64_t at)
{
	err->status = status;
	err->why = why;
	err->at = at > UINT32_MAX ? UINT32_MAX : (uint32_t)at;
	return -1;
}

/* One parse: where the head starts and where the bytes we may look at end
 * (min(len, max_head)), and the framing seen so far (RFC 9112 6). */
struct h1_ctx {
	struct http_msg *m;
	struct http_err *err;
	const char *base, *end;
	size_t max_head;
	int bad, toolong;            /* status for a syntax error, an oversized head */
	enum http_meth req_meth;     /* responses: the request's method */
	uint32_t te_at;              /* offset of the first Transfer-Encoding line */
	int te_chunked;              /* the last transfer coding so far is chunked */
	int conn_upgrade;            /* Connection: upgrade */
	int has_upgrade;             /* an Upgrade header */
};

static inline int h1_bad(struct h1_ctx *c, const char *at, const char *why)
{
	return h1_fail(c->err, c->bad, why, (uint64_t)(at - c->base));
}

static inline struct http_str h1_str(const struct h1_ctx *c, const char *s, const char *e)
{
	struct http_str r = { (uint32_t)(s - c->base), (uint32_t)(e - s) };
	return r;
}

/* h1_hdrs.c: record one header line (line at s, name [s, n), value
 * [v, ve)) and apply its framing rules; then judge the whole head. */
int h1_hdr_add(struct h1_ctx *c, const char *s, const char *n, const char *v, const char *ve);
int h1_req_framing(struct h1_ctx *c, const char *end_of_head);
int h1_resp_framing(struct h1_ctx *c, const char *end_of_head);

/* ASCII case-insensitive equality of s[0..len) with a lower-case literal. */
int h1_ieq(const char *s, size_t len, const char *lower, size_t llen);

#endif
