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
	uint32_t trailer_kept;    /* of them, the field names and values without
				   * their OWS: what HAProxy's HTX message keeps
				   * of the trailers, and so what its logs count */
	uint32_t value_ows;       /* OWS inside the current value, not yet kept */
	int value_begun;          /* the current value has a non-OWS byte */
};

void h1_chunk_init(struct h1_chunk_state *st, uint32_t max_trailer);

/*
 * Feed body bytes data[0..len). Data spans (chunk payload only, framing
 * stripped) are written to out[0..*nout) (*nout is the room on entry, the
 * count on return); they point into data, nothing is copied. *consumed is
 * how many input bytes were used: fewer than len when out is full (call
 * again with the rest) or when the body ended (the rest is the next
 * message). Trailer fields are validated like header fields and dropped
 * (st->trailer_kept says how large they were).
 * Returns 1 when the body is complete (last-chunk, trailers and the final
 * CRLF consumed), 0 when more input is wanted, -1 on an error (err->status
 * 400, err->at counted from the start of the body).
 */
int h1_chunk_feed(struct h1_chunk_state *st, const char *data, size_t len, size_t *consumed,
		  struct h1_span *out, int *nout, struct http_err *err);

/* ------------------------------------------------------------ edits */

/*
 * Edits of a parsed head, for the rule executor (src/http/http_edit.c).
 * New text is appended at m->buf + m->buf_len (up to m->buf_cap) and the
 * span repointed; a deleted header keeps its slot with name.len = 0.
 * Every function returns 0, or -1 when the edit is refused and the
 * message left valid: the buffer or the header array is full, or the new
 * text is not valid where it goes (a header name that is not a token, a
 * value with CR, LF, NUL or another control character, a request-target
 * with a space or a control character, an empty method or target). The
 * framing headers Content-Length and Transfer-Encoding are the engine's
 * (it frames the body from what it parsed): adding, setting, deleting or
 * rewriting them by name is refused, and a del-header pattern (-m
 * beg|end|sub|reg) never removes them. The executor skips rules naming
 * them rather than failing them.
 */

/* Content-Length or Transfer-Encoding (case-insensitive)? */
int http_hdr_is_framing(const char *name, size_t n);

/* `del-header -m` methods; the same values as enum rule_hdr_match. */
enum http_name_match { HTTP_NM_STR = 0, HTTP_NM_BEG, HTTP_NM_END, HTTP_NM_SUB, HTTP_NM_REG };

/* Appends "name: val" after the last header. */
int http_hdr_add(struct http_msg *m, const char *name, size_t nlen, const char *val, size_t vlen);
/* Deletes every header called name, then appends "name: val"; checked
 * first, so a refused set keeps the old headers. val may point into the
 * message (the value is read before the old header goes). */
int http_hdr_set(struct http_msg *m, const char *name, size_t nlen, const char *val, size_t vlen);
/* Deletes every header called name (case-insensitive). */
int http_hdr_del(struct http_msg *m, const char *name, size_t nlen);
/* Deletes the headers whose name matches pat by `how` (case-insensitive;
 * HTTP_NM_REG: re is the pcre2_code *, compiled caseless at load time). */
int http_hdr_del_match(struct http_msg *m, const char *pat, size_t plen, enum http_name_match how,
		       const void *re);
/* replace-header: every header called name whose whole value matches the
 * regex re (a search, case-sensitive) gets as value repl with \N (group
 * N, 0..9), \xHH and \c expanded. */
int http_hdr_replace(struct http_msg *m, const char *name, size_t nlen, const void *re,
		     const char *repl, size_t rlen);
/* replace-value: the same on each comma-separated element of the values
 * (commas inside quotes do not split; separators are kept). */
int http_hdr_replace_value(struct http_msg *m, const char *name, size_t nlen, const void *re,
			   const char *repl, size_t rlen);

/* The method (a token); m->meth follows (h1_meth_lookup). */
int http_set_method(struct http_msg *m, const char *s, size_t n);

/* Where the path and query sit in the request-target: origin-form
 * "/p?q", absolute-form "scheme://authority/p?q" (the path starts at the
 * first '/' after the authority), or neither ("*", authority-form: no
 * path, the whole target is what set-path replaces). Offsets are into
 * the target. */
struct http_uri_parts {
	uint32_t path_off, path_end;   /* the path; path_end is the '?' or the end */
	uint32_t q_end;                /* end of the target */
	int has_query;                 /* a '?' at path_end */
	int absolute;                  /* absolute-form */
	int no_path;                   /* "*" or authority-form */
};
void http_uri_split(const struct http_msg *m, struct http_uri_parts *u);

/* set-uri: the whole target. */
int http_set_uri(struct http_msg *m, const char *s, size_t n);
/* set-path: the path; scheme, authority and query stay (HAProxy 2.6). In
 * absolute-form a path not starting with '/' is refused (it would extend
 * the authority). */
int http_set_path(struct http_msg *m, const char *s, size_t n);
/* set-pathq: path and query (an empty query and its '?' can go). */
int http_set_pathq(struct http_msg *m, const char *s, size_t n);
/* set-query: what follows the first '?'; without one, "?" s is appended
 * only when s is not empty; a '?' present is never removed. */
int http_set_query(struct http_msg *m, const char *s, size_t n);

enum http_uri_part { HTTP_URI_PATH = 0, HTTP_URI_PATHQ, HTTP_URI_ALL };
/* replace-path, replace-pathq, replace-uri: when the regex matches the
 * part, the part becomes repl expanded as in http_hdr_replace(). */
int http_replace_uri_part(struct http_msg *m, enum http_uri_part part, const void *re,
			  const char *repl, size_t rlen);

/* The status and reason of a response (reason NULL: the standard text,
 * http_status_reason()). A change that moves the response across the
 * body-less line (1xx, 204, 304 against the others) is refused: the body
 * the engine frames would no longer match the status the client reads. */
int http_set_status(struct http_msg *m, int status, const char *reason, size_t rlen);
/* The standard reason phrase of a status ("Not Found"), else the one of
 * its class ("Client Error"), as HAProxy prints them. */
const char *http_status_reason(int status);

/* normalize-uri (HAProxy 2.6's normalizers). */
enum http_norm {
	HTTP_NORM_FRAGMENT_ENCODE = 0, HTTP_NORM_FRAGMENT_STRIP, HTTP_NORM_MERGE_SLASHES,
	HTTP_NORM_STRIP_DOT, HTTP_NORM_STRIP_DOTDOT, HTTP_NORM_PCT_DECODE, HTTP_NORM_PCT_UPPER,
	HTTP_NORM_QUERY_SORT,
};
/* The normalizer of a name ("path-strip-dotdot"), -1 unknown. */
int http_norm_lookup(const char *name);
/* Applies one normalizer; opt is its option (path-strip-dotdot full,
 * percent-* strict). 0, -1 (full or invalid result), or 1: `strict`
 * found a bad percent-encoding (the request is invalid: 400). */
int http_uri_normalize(struct http_msg *m, enum http_norm which, int opt);

#endif
