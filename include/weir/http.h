/*
 * HTTP messages and the HTTP/1 wire format: functions (types in http-t.h).
 *
 * h1_parse_*() read one head from a connection buffer into a struct
 * http_msg, h1_chunk_feed() decodes a chunked body as it streams, and
 * h1_write_*() serialize a (possibly edited) head back to bytes. All run
 * in the worker processes, on the traffic path; none allocates.
 */
#ifndef WEIR_HTTP_H
#define WEIR_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "weir/http-t.h"

struct sbuf;

/* ------------------------------------------------------------ messages */

/* Allocate the header array (maxhdrs entries, tune.http.maxhdr) and the
 * head buffer (buf_cap bytes: at least the max_head later passed to the
 * parser, plus room for rule edits). Done once per session direction. */
void http_msg_init(struct http_msg *m, int is_response, int maxhdrs, uint32_t buf_cap);
/* Forget the parsed head, keep the arrays (next request on a keep-alive
 * connection). */
void http_msg_reset(struct http_msg *m);
/* Release the arrays; accepts a zeroed or already freed message. */
void http_msg_free(struct http_msg *m);
/* The bytes of a span of m->buf. */
static inline const char *http_str_ptr(const struct http_msg *m, struct http_str s)
{
	return m->buf + s.off;
}
/* Index of the first header named `name` (case-insensitive) at or after
 * index `from`, or -1. */
int http_hdr_find(const struct http_msg *m, const char *name, size_t nlen, int from);

/* ------------------------------------------------------------ HTTP/1 heads */

/*
 * Parse one request head from data[0..len). data must start where the
 * head starts (offsets are relative to it) and may grow between calls:
 * each call re-parses from the start, so a caller just calls again after
 * each read with the longer buffer.
 *
 * Returns the head length (CRLFCRLF included; the bytes after it are the
 * body or the next pipelined request, untouched) once the head is
 * complete, after copying the head into m->buf (unless data == m->buf,
 * in-place parsing) so that every http_str points into m->buf.
 * Returns 0 when more bytes are needed and what was seen so far is valid,
 * -1 on an error with err filled (status 400, 414, 431 or 505; err->at is
 * the offset of the byte or header that broke the rule: everything before
 * it is a valid prefix). max_head is tune.bufsize - tune.maxrewrite.
 */
int h1_parse_request(struct http_msg *m, const char *data, size_t len, size_t max_head,
		     struct http_err *err);

/*
 * Parse one response head, as h1_parse_request(). req_meth is the method
 * of the request it answers (HEAD responses have no body, 2xx to CONNECT
 * is a tunnel). Every error answers 502 to the client (err->status).
 */
int h1_parse_response(struct http_msg *m, const char *data, size_t len, size_t max_head,
		      enum http_meth req_meth, struct http_err *err);

/* The method code of a method string (case-sensitive, RFC 9110 9.1). */
enum http_meth h1_meth_lookup(const char *s, size_t len);

/* Append the head of m to out: start line, headers in order (a header
 * whose name is empty was deleted by a rule and is skipped), CRLF. */
void h1_write_request(const struct http_msg *m, struct sbuf *out);
void h1_write_response(const struct http_msg *m, struct sbuf *out);

/* ------------------------------------------------------------ chunked body */

/* A run of body bytes inside the caller's input buffer. */
struct h1_span {
	const char *p;
	size_t len;
};

/* Decoder state: plain data, zero it with h1_chunk_init() per body. */
struct h1_chunk_state {
	int st;                   /* H1C_* in h1_chunk.c */
	int ndigits;              /* hex digits of the current chunk-size */
	uint64_t remain;          /* data bytes left in the current chunk */
	uint64_t pos;             /* bytes consumed since init (for err->at) */
	uint32_t trailer_len;     /* bytes of trailer section so far */
	uint32_t max_trailer;     /* more than this -> 400 */
};

void h1_chunk_init(struct h1_chunk_state *st, uint32_t max_trailer);

/*
 * Feed body bytes data[0..len). Data spans (chunk payload only, framing
 * stripped) are written to out[0..*nout) (*nout is the room on entry, the
 * count on return); they point into data, nothing is copied. *consumed is
 * how many input bytes were used: fewer than len when out is full (call
 * again with the rest) or when the body ended (the rest is the next
 * message). Trailer fields are validated like header fields and dropped.
 * Returns 1 when the body is complete (last-chunk, trailers and the final
 * CRLF consumed), 0 when more input is wanted, -1 on an error (err->status
 * 400, err->at counted from the start of the body).
 */
int h1_chunk_feed(struct h1_chunk_state *st, const char *data, size_t len, size_t *consumed,
		  struct h1_span *out, int *nout, struct http_err *err);

#endif
