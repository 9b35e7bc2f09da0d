/*
 * The HTTP message model: one request or response head, independent of
 * the wire format. HTTP/1 (src/http/h1_*.c) parses bytes into it and
 * writes it back out; HTTP/2 can later fill the same struct. Rules,
 * routing, samples and logs read and edit only this model.
 *
 * Strings are (offset, length) pairs into the message's own buffer `buf`,
 * so a head can be parsed in place, edited (rules append new text at the
 * end of buf and repoint the pair) and copied without chasing pointers.
 * Owned by src/http/; a worker's session holds one per direction.
 */
#ifndef WEIR_HTTP_T_H
#define WEIR_HTTP_T_H

#include <stddef.h>
#include <stdint.h>

/* A span of the message buffer. */
struct http_str {
	uint32_t off, len;
};

enum http_meth {
	HTTP_METH_OTHER = 0, HTTP_METH_GET, HTTP_METH_HEAD, HTTP_METH_POST, HTTP_METH_PUT,
	HTTP_METH_DELETE, HTTP_METH_CONNECT, HTTP_METH_OPTIONS, HTTP_METH_TRACE,
	HTTP_METH_PATCH,
};

/* How the body is delimited (RFC 9112 section 6). */
enum http_body {
	HTTP_BODY_NONE = 0,       /* no body: GET without length, 204, 304, HEAD response */
	HTTP_BODY_LENGTH,         /* Content-Length: content_length bytes */
	HTTP_BODY_CHUNKED,        /* Transfer-Encoding ending in chunked */
	HTTP_BODY_CLOSE,          /* responses only: until the server closes */
	HTTP_BODY_TUNNEL,         /* after a 101 or a 2xx to CONNECT: raw bytes both ways */
};

#define HTTP_F_CONN_CLOSE     0x0001   /* Connection: close */
#define HTTP_F_CONN_KEEPALIVE 0x0002   /* Connection: keep-alive */
#define HTTP_F_UPGRADE        0x0004   /* Connection: upgrade with an Upgrade header */
#define HTTP_F_EXPECT_100     0x0008   /* Expect: 100-continue */
#define HTTP_F_HAS_CL         0x0010   /* a Content-Length header was present */
#define HTTP_F_HAS_TE         0x0020   /* a Transfer-Encoding header was present */
#define HTTP_F_HAS_HOST       0x0040

struct http_hdr {
	struct http_str name;     /* as received (case kept); compare case-insensitively */
	struct http_str value;    /* leading and trailing whitespace removed */
};

#define HTTP_MAX_HDRS_DEFAULT 101   /* tune.http.maxhdr's default, as HAProxy's */

struct http_msg {
	int is_response;
	/* request line */
	enum http_meth meth;
	struct http_str method;   /* as received */
	struct http_str uri;      /* request-target as received */
	/* response line */
	int status;
	struct http_str reason;
	/* both */
	int vmajor, vminor;       /* HTTP/1.1 -> 1, 1 */
	struct http_hdr *hdrs;
	int nhdrs, maxhdrs;
	unsigned flags;           /* HTTP_F_* */
	enum http_body body;
	uint64_t content_length;  /* HTTP_BODY_LENGTH */
	uint32_t head_len;        /* bytes of the head on the wire, CRLFCRLF included */
	char *buf;                /* the head's bytes (and edits appended after them) */
	uint32_t buf_len, buf_cap;
};

/* Why a head was rejected: the status to answer and a reason for the log. */
struct http_err {
	int status;               /* 400, 414, 431, 501, 505 */
	const char *why;          /* "bare LF in the request line", ... */
	uint32_t at;              /* byte offset where it was seen */
};

#endif
