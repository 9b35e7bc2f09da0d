/*
 * The strict HTTP/1.1 parser, chunked decoder and writer (src/http).
 * Promises checked: every valid shape of request and response parses to
 * the right method, target, version, headers, flags and body framing; the
 * head length stops exactly at the end of the head (pipelining); a head
 * fed one byte at a time gives "need more" until its last byte and then
 * the same result; every malformed or smuggling head of the corpus is
 * refused with its expected status, and every prefix before the offending
 * byte is still accepted as "need more" (the error is seen exactly there,
 * nothing past it is taken); chunked bodies decode to the same bytes fed
 * whole or byte by byte and stop at the body's end; heads written back
 * are canonical.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "weir/http.h"
#include "weir/util.h"

#define MAX_HEAD 1024

/* A string literal and its length, NULs inside included. */
#define S(lit) lit, sizeof(lit) - 1

static struct http_msg msg;
static struct http_err err;

static void setup(void)
{
	http_msg_init(&msg, 0, HTTP_MAX_HDRS_DEFAULT, 2 * MAX_HEAD);
	memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
	http_msg_free(&msg);
}

static int req(const char *s, size_t len)
{
	return h1_parse_request(&msg, s, len, MAX_HEAD, &err);
}

/* The span s of msg equals lit. */
static void ck_str(struct http_str s, const char *lit)
{
	ck_assert_uint_eq(s.len, strlen(lit));
	ck_assert_msg(memcmp(msg.buf + s.off, lit, s.len) == 0, "got '%.*s' want '%s'",
		      (int)s.len, msg.buf + s.off, lit);
}

static void ck_hdr(int i, const char *name, const char *value)
{
	ck_assert_int_lt(i, msg.nhdrs);
	ck_str(msg.hdrs[i].name, name);
	ck_str(msg.hdrs[i].value, value);
}

/* ------------------------------------------------------------ valid requests */

START_TEST(t_get)
{
	static const char r[] = "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\n"
				"User-Agent:  curl/8\t \r\nAccept: */*\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert_int_eq(msg.meth, HTTP_METH_GET);
	ck_str(msg.method, "GET");
	ck_str(msg.uri, "/index.html?q=1");
	ck_assert_int_eq(msg.vmajor, 1);
	ck_assert_int_eq(msg.vminor, 1);
	ck_assert_int_eq(msg.nhdrs, 3);
	ck_hdr(0, "Host", "example.com");
	ck_hdr(1, "User-Agent", "curl/8");
	ck_hdr(2, "Accept", "*/*");
	ck_assert_int_eq(msg.body, HTTP_BODY_NONE);
	ck_assert_uint_eq(msg.flags, HTTP_F_HAS_HOST);
	ck_assert_uint_eq(msg.head_len, strlen(r));
	/* the head was copied: spans point into msg.buf, not into r */
	ck_assert_ptr_ne(msg.buf, r);
	ck_assert_int_eq(memcmp(msg.buf, r, strlen(r)), 0);
}
END_TEST

START_TEST(t_post_cl)
{
	static const char r[] = "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 0012\r\n"
				"Expect: 100-Continue\r\n\r\nhello world!";
	ck_assert_int_eq(req(S(r)), (int)strlen(r) - 12);
	ck_assert_int_eq(msg.meth, HTTP_METH_POST);
	ck_assert_int_eq(msg.body, HTTP_BODY_LENGTH);
	ck_assert_uint_eq(msg.content_length, 12);
	ck_assert(msg.flags & HTTP_F_HAS_CL);
	ck_assert(msg.flags & HTTP_F_EXPECT_100);
}
END_TEST

START_TEST(t_post_cl_max)
{
	static const char r[] = "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775807\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert_uint_eq(msg.content_length, 9223372036854775807ULL);
}
END_TEST

START_TEST(t_chunked)
{
	static const char r[] = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n"
				"transfer-encoding:\tCHUNKED\t\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert_int_eq(msg.body, HTTP_BODY_CHUNKED);
	ck_assert(msg.flags & HTTP_F_HAS_TE);
	ck_assert(!(msg.flags & HTTP_F_HAS_CL));
	ck_hdr(2, "transfer-encoding", "CHUNKED");
}
END_TEST

START_TEST(t_chunked_list)
{
	static const char r[] = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, , chunked\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert_int_eq(msg.body, HTTP_BODY_CHUNKED);
}
END_TEST

START_TEST(t_connect)
{
	static const char r[] = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";
	static const char r6[] = "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert_int_eq(msg.meth, HTTP_METH_CONNECT);
	ck_str(msg.uri, "example.com:443");
	ck_assert_int_eq(req(S(r6)), (int)strlen(r6));
	ck_str(msg.uri, "[::1]:8443");
}
END_TEST

START_TEST(t_options_star)
{
	static const char r[] = "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert_int_eq(msg.meth, HTTP_METH_OPTIONS);
	ck_str(msg.uri, "*");
}
END_TEST

START_TEST(t_absolute)
{
	static const char r[] = "GET http://example.com:8080/a/b?c HTTP/1.1\r\nHost: example.com:8080\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_str(msg.uri, "http://example.com:8080/a/b?c");
}
END_TEST

START_TEST(t_http10_keepalive)
{
	/* HTTP/1.0 needs no Host (RFC 9112 3.2 binds 1.1 only) */
	static const char r[] = "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert_int_eq(msg.vminor, 0);
	ck_assert_uint_eq(msg.flags, HTTP_F_CONN_KEEPALIVE);
	ck_assert_int_eq(msg.body, HTTP_BODY_NONE);
}
END_TEST

START_TEST(t_http10_expect_ignored)
{
	static const char r[] = "POST / HTTP/1.0\r\nContent-Length: 1\r\nExpect: 100-continue\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert(!(msg.flags & HTTP_F_EXPECT_100));
}
END_TEST

START_TEST(t_connection_list)
{
	static const char r[] = "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: foo, CLOSE ,Upgrade\r\n"
				"Upgrade: websocket\r\n\r\n";
	static const char r2[] = "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert(msg.flags & HTTP_F_CONN_CLOSE);
	ck_assert(msg.flags & HTTP_F_UPGRADE);
	ck_assert(!(msg.flags & HTTP_F_CONN_KEEPALIVE));
	/* Upgrade without "Connection: upgrade" is not an upgrade (RFC 9110 7.8) */
	ck_assert_int_eq(req(S(r2)), (int)strlen(r2));
	ck_assert(!(msg.flags & HTTP_F_UPGRADE));
}
END_TEST

START_TEST(t_methods)
{
	static const struct { const char *r; enum http_meth m; } tab[] = {
		{ "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_METH_HEAD },
		{ "DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_METH_DELETE },
		{ "PATCH /x HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_METH_PATCH },
		{ "TRACE /x HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_METH_TRACE },
		{ "PROPFIND /x HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_METH_OTHER },
		{ "get /x HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_METH_OTHER },
	};
	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		ck_assert_int_eq(req(tab[i].r, strlen(tab[i].r)), (int)strlen(tab[i].r));
		ck_assert_int_eq(msg.meth, tab[i].m);
	}
}
END_TEST

START_TEST(t_empty_values_and_leading_crlf)
{
	static const char r[] = "\r\n\r\nGET / HTTP/1.1\r\nHost:\r\nX-Empty:   \r\nX-8: caf\xc3\xa9\r\n\r\n";
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_hdr(0, "Host", "");
	ck_hdr(1, "X-Empty", "");
	ck_hdr(2, "X-8", "caf\xc3\xa9");
	ck_str(msg.method, "GET");
}
END_TEST

START_TEST(t_pipelined)
{
	static const char r[] = "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: b\r\n\r\nGET /c";
	size_t first = strlen("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
	int n = req(S(r));
	ck_assert_int_eq(n, (int)first);
	ck_str(msg.uri, "/a");
	n = req(r + first, strlen(r) - first);
	ck_assert_int_eq(n, (int)first);
	ck_str(msg.uri, "/b");
	ck_assert_int_eq(req(r + 2 * first, strlen(r) - 2 * first), 0);
}
END_TEST

START_TEST(t_in_place)
{
	static const char r[] = "GET /p HTTP/1.1\r\nHost: a\r\n\r\n";
	memcpy(msg.buf, r, strlen(r));
	ck_assert_int_eq(h1_parse_request(&msg, msg.buf, strlen(r), MAX_HEAD, &err), (int)strlen(r));
	ck_str(msg.uri, "/p");
}
END_TEST

START_TEST(t_maxhdrs_exact)
{
	static const char r[] = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n";
	msg.maxhdrs = 3;
	ck_assert_int_eq(req(S(r)), (int)strlen(r));
	ck_assert_int_eq(msg.nhdrs, 3);
}
END_TEST

START_TEST(t_head_exactly_max)
{
	/* a head of exactly max_head bytes fits */
	static const char r[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	ck_assert_int_eq(h1_parse_request(&msg, r, strlen(r), strlen(r), &err), (int)strlen(r));
	ck_assert_int_eq(h1_parse_request(&msg, r, strlen(r), strlen(r) - 1, &err), -1);
	ck_assert_int_eq(err.status, 431);
}
END_TEST

/* ------------------------------------------------------------ incremental */

static const char *const incr_reqs[] = {
	"GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
	"\r\nPOST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\nConnection: close\r\n\r\n",
	"POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
	"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n",
	"OPTIONS * HTTP/1.0\r\n\r\n",
};

START_TEST(t_incremental)
{
	const char *r = incr_reqs[_i];
	size_t len = strlen(r);
	struct http_msg whole;
	char *copy;

	ck_assert_int_eq(req(r, len), (int)len);
	whole = msg;
	copy = xmalloc(len);
	memcpy(copy, msg.buf, len);
	whole.hdrs = xcalloc((size_t)msg.nhdrs + 1, sizeof(*whole.hdrs));
	memcpy(whole.hdrs, msg.hdrs, (size_t)msg.nhdrs * sizeof(*whole.hdrs));
	/* one byte more each call, from a buffer that really ends there */
	for (size_t k = 0; k < len; k++) {
		char *part = xmalloc(k + 1);
		memcpy(part, r, k);
		ck_assert_msg(req(part, k) == 0, "prefix %zu of %zu: %s", k, len, err.why);
		free(part);
	}
	ck_assert_int_eq(req(r, len), (int)len);
	ck_assert_int_eq(msg.nhdrs, whole.nhdrs);
	ck_assert_uint_eq(msg.flags, whole.flags);
	ck_assert_int_eq(msg.body, whole.body);
	ck_assert_uint_eq(msg.content_length, whole.content_length);
	ck_assert_int_eq(msg.meth, whole.meth);
	ck_assert_int_eq(memcmp(&msg.uri, &whole.uri, sizeof(msg.uri)), 0);
	ck_assert_int_eq(memcmp(msg.hdrs, whole.hdrs, (size_t)msg.nhdrs * sizeof(*msg.hdrs)), 0);
	ck_assert_int_eq(memcmp(msg.buf, copy, len), 0);
	free(whole.hdrs);
	free(copy);
}
END_TEST

/* ------------------------------------------------------------ bad requests */

struct bad {
	const char *name;
	const char *s;
	size_t len;
	int status;
	size_t max_head;          /* 0: MAX_HEAD */
	int maxhdrs;              /* 0: the default */
};

#define H "Host: a\r\n"
#define BAD(name, lit, st) { name, lit, sizeof(lit) - 1, st, 0, 0 }

static const char long_uri[] =
	"GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n" H "\r\n";
static const char long_hdrs[] =
	"GET / HTTP/1.1\r\n" H "X-Long: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n\r\n";

static const struct bad bad_reqs[] = {
	/* framing: one length or none (RFC 9112 6.1-6.3) */
	BAD("CL+TE", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
	BAD("TE+CL", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400),
	BAD("two equal CL", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\nContent-Length: 5\r\n\r\n", 400),
	BAD("two CL", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\ncontent-length: 6\r\n\r\n", 400),
	BAD("CL list", "POST / HTTP/1.1\r\n" H "Content-Length: 5, 5\r\n\r\n", 400),
	BAD("CL +5", "POST / HTTP/1.1\r\n" H "Content-Length: +5\r\n\r\n", 400),
	BAD("CL -5", "POST / HTTP/1.1\r\n" H "Content-Length: -5\r\n\r\n", 400),
	BAD("CL 5 5", "POST / HTTP/1.1\r\n" H "Content-Length: 5 5\r\n\r\n", 400),
	BAD("CL trailing junk", "POST / HTTP/1.1\r\n" H "Content-Length: 5x\r\n\r\n", 400),
	BAD("CL leading junk", "POST / HTTP/1.1\r\n" H "Content-Length: x5\r\n\r\n", 400),
	BAD("CL hex", "POST / HTTP/1.1\r\n" H "Content-Length: 0x10\r\n\r\n", 400),
	BAD("CL empty", "POST / HTTP/1.1\r\n" H "Content-Length:\r\n\r\n", 400),
	BAD("CL overflow", "POST / HTTP/1.1\r\n" H "Content-Length: 99999999999999999999\r\n\r\n", 400),
	BAD("CL past INT64_MAX", "POST / HTTP/1.1\r\n" H "Content-Length: 9223372036854775808\r\n\r\n", 400),
	BAD("TE chunked, identity", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, identity\r\n\r\n", 400),
	BAD("TE xchunked", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: xchunked\r\n\r\n", 400),
	BAD("TE chunked VT", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\x0b\r\n\r\n", 400),
	BAD("TE FF chunked", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: \x0c" "chunked\r\n\r\n", 400),
	BAD("TE chun ked", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chun ked\r\n\r\n", 400),
	BAD("TE space colon", "POST / HTTP/1.1\r\n" H "Transfer-Encoding : chunked\r\n\r\n", 400),
	BAD("TE tab colon", "POST / HTTP/1.1\r\n" H "Transfer-Encoding\t: chunked\r\n\r\n", 400),
	BAD("TE in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
	BAD("TE gzip alone", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip\r\n\r\n", 400),
	BAD("TE chunked, gzip", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
	BAD("TE chunked;x", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked;x\r\n\r\n", 400),
	BAD("TE chunked twice", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, chunked\r\n\r\n", 400),
	BAD("TE two headers chunked", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n"
		"Transfer-Encoding: chunked\r\n\r\n", 400),
	BAD("TE identity", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: identity\r\n\r\n", 400),
	BAD("TE empty", "POST / HTTP/1.1\r\n" H "Transfer-Encoding:\r\n\r\n", 400),
	/* header syntax (RFC 9112 5, RFC 9110 5.5) */
	BAD("name with space", "GET / HTTP/1.1\r\n" H "Foo Bar: x\r\n\r\n", 400),
	BAD("obs-fold", "GET / HTTP/1.1\r\n" H "X-A: a\r\n b\r\n\r\n", 400),
	BAD("obs-fold tab", "GET / HTTP/1.1\r\n" H "X-A: a\r\n\tb\r\n\r\n", 400),
	BAD("space before first header", "GET / HTTP/1.1\r\n " H "\r\n", 400),
	BAD("NUL in value", "GET / HTTP/1.1\r\n" H "X-A: a\0b\r\n\r\n", 400),
	BAD("NUL in name", "GET / HTTP/1.1\r\n" H "X\0A: b\r\n\r\n", 400),
	BAD("DEL in value", "GET / HTTP/1.1\r\n" H "X-A: a\x7f\r\n\r\n", 400),
	BAD("ESC in value", "GET / HTTP/1.1\r\n" H "X-A: a\x1b[0m\r\n\r\n", 400),
	BAD("bare CR in value", "GET / HTTP/1.1\r\n" H "X-A: a\rb\r\n\r\n", 400),
	BAD("bare LF in header", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400),
	BAD("bare LF ends head", "GET / HTTP/1.1\r\n" H "\n", 400),
	BAD("bare CR ends head", "GET / HTTP/1.1\r\n" H "\rX", 400),
	BAD("empty field name", "GET / HTTP/1.1\r\n" H ": x\r\n\r\n", 400),
	BAD("no colon", "GET / HTTP/1.1\r\n" H "Foo\r\n\r\n", 400),
	BAD("bad char in name", "GET / HTTP/1.1\r\n" H "X@Y: z\r\n\r\n", 400),
	/* request line (RFC 9112 3) */
	BAD("bare LF in request line", "GET / HTTP/1.1\n" H "\r\n", 400),
	BAD("bare CR in request line", "GET / HTTP/1.1\r" H "\r\n", 400),
	BAD("bare LF after method", "GET\n/ HTTP/1.1\r\n" H "\r\n", 400),
	BAD("bare CR before request", "\rGET / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("two spaces after method", "GET  / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("two spaces before version", "GET /  HTTP/1.1\r\n" H "\r\n", 400),
	BAD("tab separator", "GET\t/ HTTP/1.1\r\n" H "\r\n", 400),
	BAD("trailing space", "GET / HTTP/1.1 \r\n" H "\r\n", 400),
	BAD("lowercase version", "GET / http/1.1\r\n" H "\r\n", 400),
	BAD("junk after version", "GET / HTTP/1.1x\r\n" H "\r\n", 400),
	BAD("version 1.10", "GET / HTTP/1.10\r\n" H "\r\n", 400),
	BAD("HTTP/0.9", "GET /\r\n\r\n", 400),
	BAD("HTTP/2.0", "GET / HTTP/2.0\r\n" H "\r\n", 505),
	BAD("HTTP/1.2", "GET / HTTP/1.2\r\n" H "\r\n", 505),
	BAD("HTTP/0.9 with version", "GET / HTTP/0.9\r\n" H "\r\n", 505),
	BAD("invalid method char", "G(T / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("method with slash", "GE/T / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("empty method", " / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("CTL in URI", "GET /a\x01" "b HTTP/1.1\r\n" H "\r\n", 400),
	BAD("DEL in URI", "GET /a\x7f HTTP/1.1\r\n" H "\r\n", 400),
	BAD("non-ASCII URI", "GET /caf\xc3\xa9 HTTP/1.1\r\n" H "\r\n", 400),
	BAD("NUL in URI", "GET /a\0 HTTP/1.1\r\n" H "\r\n", 400),
	BAD("asterisk without OPTIONS", "GET * HTTP/1.1\r\n" H "\r\n", 400),
	BAD("CONNECT origin-form", "CONNECT / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("CONNECT without port", "CONNECT example.com HTTP/1.1\r\n" H "\r\n", 400),
	BAD("CONNECT with path", "CONNECT example.com/x:443 HTTP/1.1\r\n" H "\r\n", 400),
	BAD("CONNECT userinfo", "CONNECT u@example.com:443 HTTP/1.1\r\n" H "\r\n", 400),
	BAD("authority-form without CONNECT", "GET example.com:80 HTTP/1.1\r\n" H "\r\n", 400),
	BAD("relative target", "GET foo HTTP/1.1\r\n" H "\r\n", 400),
	BAD("missing target", "GET HTTP/1.1\r\n" H "\r\n", 400),
	/* Host (RFC 9112 3.2) */
	BAD("missing Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
	BAD("two Host", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400),
	BAD("Host list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400),
	BAD("Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
	/* sizes */
	{ "too many headers", "GET / HTTP/1.1\r\n" H "A: 1\r\nB: 2\r\nC: 3\r\n\r\n",
	  sizeof("GET / HTTP/1.1\r\n" H "A: 1\r\nB: 2\r\nC: 3\r\n\r\n") - 1, 431, 0, 3 },
	{ "oversized URI", long_uri, sizeof(long_uri) - 1, 414, 64, 0 },
	{ "oversized headers", long_hdrs, sizeof(long_hdrs) - 1, 431, 64, 0 },
};

START_TEST(t_bad_request)
{
	const struct bad *b = &bad_reqs[_i];
	size_t max_head = b->max_head ? b->max_head : MAX_HEAD;
	char *part;
	int r;

	if (b->maxhdrs)
		msg.maxhdrs = b->maxhdrs;
	r = h1_parse_request(&msg, b->s, b->len, max_head, &err);
	ck_assert_msg(r == -1, "%s: returned %d", b->name, r);
	ck_assert_msg(err.status == b->status, "%s: status %d (%s), want %d", b->name, err.status,
		      err.why, b->status);
	ck_assert_ptr_nonnull(err.why);
	ck_assert_msg(err.at < b->len, "%s: at %u past the input", b->name, err.at);
	ck_assert_uint_eq(msg.head_len, 0);
	if (getenv("H1_VERBOSE"))
		fprintf(stderr, "%-32s %d at %3u: %s\n", b->name, err.status, err.at, err.why);
	/* every prefix before the offending byte is a valid partial head */
	part = xmalloc(b->len + 1);
	for (size_t k = 0; k <= err.at; k++) {
		memcpy(part, b->s, k);
		struct http_err e2 = { 0 };
		r = h1_parse_request(&msg, part, k, max_head, &e2);
		ck_assert_msg(r == 0, "%s: prefix %zu (error at %u) gave %d (%s)", b->name, k, err.at, r,
			      e2.why ? e2.why : "");
	}
	free(part);
}
END_TEST

/* ------------------------------------------------------------ responses */

struct resp_case {
	const char *s;
	enum http_meth req;
	int status;
	enum http_body body;
	uint64_t cl;
	unsigned flags;           /* must be set */
};

static const struct resp_case resps[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", HTTP_METH_GET, 200, HTTP_BODY_LENGTH, 5, HTTP_F_HAS_CL },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HTTP_METH_GET, 200, HTTP_BODY_CHUNKED, 0, HTTP_F_HAS_TE },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", HTTP_METH_GET, 200, HTTP_BODY_CLOSE, 0, HTTP_F_HAS_TE },
	{ "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HTTP_METH_GET, 200, HTTP_BODY_CLOSE, 0, HTTP_F_CONN_CLOSE },
	{ "HTTP/1.1 200 OK\r\n\r\n", HTTP_METH_GET, 200, HTTP_BODY_CLOSE, 0, 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", HTTP_METH_HEAD, 200, HTTP_BODY_NONE, 5, 0 },
	{ "HTTP/1.1 204 No Content\r\n\r\n", HTTP_METH_GET, 204, HTTP_BODY_NONE, 0, 0 },
	{ "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", HTTP_METH_GET, 304, HTTP_BODY_NONE, 10, 0 },
	{ "HTTP/1.1 100 Continue\r\n\r\n", HTTP_METH_POST, 100, HTTP_BODY_NONE, 0, 0 },
	{ "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n", HTTP_METH_GET, 103, HTTP_BODY_NONE, 0, 0 },
	{ "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
	  HTTP_METH_GET, 101, HTTP_BODY_TUNNEL, 0, HTTP_F_UPGRADE },
	{ "HTTP/1.1 200 Connection established\r\n\r\n", HTTP_METH_CONNECT, 200, HTTP_BODY_TUNNEL, 0, 0 },
	{ "HTTP/1.1 407 Proxy Auth\r\nContent-Length: 0\r\n\r\n", HTTP_METH_CONNECT, 407, HTTP_BODY_LENGTH, 0, 0 },
	{ "HTTP/1.1 500\r\nConnection: close\r\n\r\n", HTTP_METH_GET, 500, HTTP_BODY_CLOSE, 0, HTTP_F_CONN_CLOSE },
	{ "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", HTTP_METH_GET, 404, HTTP_BODY_LENGTH, 0, 0 },
	{ "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n", HTTP_METH_GET, 200,
	  HTTP_BODY_LENGTH, 2, HTTP_F_CONN_KEEPALIVE },
};

START_TEST(t_response)
{
	const struct resp_case *c = &resps[_i];
	size_t len = strlen(c->s);

	ck_assert_int_eq(h1_parse_response(&msg, c->s, len, MAX_HEAD, c->req, &err), (int)len);
	ck_assert_int_eq(msg.status, c->status);
	ck_assert_int_eq(msg.body, c->body);
	ck_assert_uint_eq(msg.content_length, c->cl);
	ck_assert_uint_eq(msg.flags & c->flags, c->flags);
	for (size_t k = 0; k < len; k++)
		ck_assert_int_eq(h1_parse_response(&msg, c->s, k, MAX_HEAD, c->req, &err), 0);
}
END_TEST

START_TEST(t_response_fields)
{
	static const char r[] = "HTTP/1.1 404 Not Found\r\nServer: x\r\n\r\nbody";
	ck_assert_int_eq(h1_parse_response(&msg, S(r), MAX_HEAD, HTTP_METH_GET, &err), (int)strlen(r) - 4);
	ck_assert(msg.is_response);
	ck_str(msg.reason, "Not Found");
	ck_hdr(0, "Server", "x");
}
END_TEST

static const struct bad bad_resps[] = {
	BAD("short status", "HTTP/1.1 20 OK\r\n\r\n", 502),
	BAD("long status", "HTTP/1.1 2000 OK\r\n\r\n", 502),
	BAD("status 099", "HTTP/1.1 099 X\r\n\r\n", 502),
	BAD("status 600", "HTTP/1.1 600 X\r\n\r\n", 502),
	BAD("HTTP/2 status line", "HTTP/2.0 200 OK\r\n\r\n", 502),
	BAD("lowercase", "http/1.1 200 OK\r\n\r\n", 502),
	BAD("CL+TE", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 502),
	BAD("two CL", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 502),
	BAD("bad CL", "HTTP/1.1 200 OK\r\nContent-Length: 1a\r\n\r\n", 502),
	BAD("bare LF", "HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\n", 502),
	BAD("obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", 502),
	BAD("CTL in reason", "HTTP/1.1 200 O\x01K\r\n\r\n", 502),
	BAD("TE chunked, gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 502),
};

START_TEST(t_bad_response)
{
	const struct bad *b = &bad_resps[_i];

	ck_assert_int_eq(h1_parse_response(&msg, b->s, b->len, MAX_HEAD, HTTP_METH_GET, &err), -1);
	ck_assert_msg(err.status == b->status, "%s: %d %s", b->name, err.status, err.why);
	ck_assert_uint_lt(err.at, b->len);
	for (size_t k = 0; k <= err.at; k++) {
		struct http_err e2 = { 0 };
		ck_assert_msg(h1_parse_response(&msg, b->s, k, MAX_HEAD, HTTP_METH_GET, &e2) == 0,
			      "%s: prefix %zu: %s", b->name, k, e2.why ? e2.why : "");
	}
}
END_TEST

/* ------------------------------------------------------------ chunked */

/* Decode body[0..len) feeding `step` bytes at a time with room for
 * `room` spans per call; returns the feed's last result and the decoded
 * bytes in dec (NUL-terminated), total consumed in *used. */
static int chunk_run(const char *body, size_t len, size_t step, int room, char *dec, size_t *used,
		     uint32_t max_trailer)
{
	struct h1_chunk_state st;
	struct h1_span sp[4];
	size_t off = 0, dlen = 0;
	int r = 0;

	h1_chunk_init(&st, max_trailer);
	*used = 0;
	while (off < len) {
		size_t avail = len - off < step ? len - off : step, c = 0;
		int n = room;
		r = h1_chunk_feed(&st, body + off, avail, &c, sp, &n, &err);
		for (int i = 0; i < n; i++) {
			ck_assert(sp[i].p >= body + off && sp[i].p + sp[i].len <= body + off + c);
			memcpy(dec + dlen, sp[i].p, sp[i].len);
			dlen += sp[i].len;
		}
		off += c;
		if (r != 0)
			break;
		ck_assert_msg(c > 0 || n > 0, "no progress");
	}
	dec[dlen] = '\0';
	*used = off;
	return r;
}

struct chunk_case {
	const char *body;         /* a chunked body, possibly followed by a next request */
	const char *data;         /* decoded payload */
	size_t body_len;          /* bytes of the chunked body itself */
};

#define NEXT "GET / HTTP/1.1\r\n"
static const struct chunk_case chunks[] = {
	{ "5\r\nhello\r\n0\r\n\r\n", "hello", 15 },
	{ "3;foo=bar\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n" NEXT, "abc0123456789", 36 },
	{ "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n", "abcdefghijklmnopqrstuvwxyz", 37 },
	{ "1A \t;ext;x=\"q v\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n",
	  "abcdefghijklmnopqrstuvwxyz", 51 },
	{ "4\r\n\r\n\r\n\r\n0\r\nX-Sum: 1234\r\nX-B:\r\n\r\n" NEXT, "\r\n\r\n", 33 },
	{ "0\r\n\r\n" NEXT, "", 5 },
	{ "00000002\r\nhi\r\n000\r\n\r\n", "hi", 21 },
};

START_TEST(t_chunk_ok)
{
	const struct chunk_case *c = &chunks[_i];
	size_t len = strlen(c->body), used;
	char dec[128];
	static const size_t steps[] = { 1, 2, 3, 7, 1000 };

	ck_assert_uint_eq(c->body_len + (len > c->body_len ? strlen(NEXT) : 0), len);
	for (size_t s = 0; s < ARRAY_SIZE(steps); s++)
		for (int room = 1; room <= 4; room += 3) {
			int r = chunk_run(c->body, len, steps[s], room, dec, &used, 64);
			ck_assert_msg(r == 1, "step %zu room %d: %d %s", steps[s], room, r,
				      r < 0 ? err.why : "");
			ck_assert_str_eq(dec, c->data);
			/* stops exactly at the end of the body */
			ck_assert_uint_eq(used, c->body_len);
		}
}
END_TEST

START_TEST(t_chunk_more_and_done)
{
	struct h1_chunk_state st;
	struct h1_span sp[2];
	size_t c;
	int n = 2;

	h1_chunk_init(&st, 64);
	ck_assert_int_eq(h1_chunk_feed(&st, S("7fffffffffffffff\r\nab"), &c, sp, &n, &err), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(sp[0].len, 2);
	ck_assert_uint_eq(st.remain, 0x7fffffffffffffffULL - 2);
	/* done is sticky: nothing more is consumed */
	h1_chunk_init(&st, 64);
	n = 2;
	ck_assert_int_eq(h1_chunk_feed(&st, S("0\r\n\r\n"), &c, sp, &n, &err), 1);
	n = 2;
	ck_assert_int_eq(h1_chunk_feed(&st, S("5\r\n"), &c, sp, &n, &err), 1);
	ck_assert_uint_eq(c, 0);
}
END_TEST

/* The size of the trailers as HAProxy's HTX keeps them (its logs count
 * it): names and values, OWS around a value dropped, whatever the pieces
 * the body arrives in. */
START_TEST(t_chunk_trailer_size)
{
	static const struct { const char *body; uint32_t kept; } cases[] = {
		{ "0\r\n\r\n", 0 },
		{ "5\r\nhello\r\n0\r\nX-Sum: 1234\r\nX-B:\r\n\r\n", 5 + 4 + 3 },
		{ "0\r\nX-T:  a b \t\r\n\r\n", 3 + 3 },
		{ "0\r\nx:\t \t\r\nEtag:\"v1\"\r\n\r\n", 1 + 4 + 4 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		for (size_t step = 1; step <= 1000; step += 999) {
			struct h1_chunk_state st;
			struct h1_span sp[4];
			size_t len = strlen(cases[i].body), off = 0, c;
			int r = 0;
			h1_chunk_init(&st, 64);
			while (off < len && r == 0) {
				int n = 4;
				r = h1_chunk_feed(&st, cases[i].body + off, len - off < step ? len - off : step,
						  &c, sp, &n, &err);
				off += c;
			}
			ck_assert_int_eq(r, 1);
			ck_assert_msg(st.trailer_kept == cases[i].kept, "case %zu step %zu: %u, want %u",
				      i, step, st.trailer_kept, cases[i].kept);
		}
}
END_TEST

static const struct bad bad_chunks[] = {
	BAD("size overflow", "10000000000000000\r\n", 400),
	BAD("size past INT64_MAX", "8000000000000000\r\n", 400),
	BAD("non-hex size", "g\r\nhello\r\n0\r\n\r\n", 400),
	BAD("empty size", "\r\nhello\r\n0\r\n\r\n", 400),
	BAD("negative size", "-1\r\n", 400),
	BAD("0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", 400),
	BAD("space inside size", "5 5\r\n", 400),
	BAD("missing CRLF after data", "5\r\nhelloX\r\n0\r\n\r\n", 400),
	BAD("CR without LF after data", "5\r\nhello\rX0\r\n\r\n", 400),
	BAD("bare LF after data", "5\r\nhello\n0\r\n\r\n", 400),
	BAD("bare LF in chunk line", "5\nhello\r\n0\r\n\r\n", 400),
	BAD("bare CR in chunk line", "5\rhello\r\n0\r\n\r\n", 400),
	BAD("bare LF in extension", "5;a=b\nhello\r\n0\r\n\r\n", 400),
	BAD("CTL in extension", "5;a\x01\r\nhello\r\n0\r\n\r\n", 400),
	BAD("junk after size", "5x\r\nhello\r\n0\r\n\r\n", 400),
	BAD("bare LF in last-chunk", "0\n\r\n", 400),
	BAD("trailer name with space", "0\r\nBad Name: x\r\n\r\n", 400),
	BAD("trailer space before colon", "0\r\nX-T : x\r\n\r\n", 400),
	BAD("trailer obs-fold", "0\r\nX-T: a\r\n b\r\n\r\n", 400),
	BAD("trailer bare LF", "0\r\nX-T: a\n\r\n", 400),
	BAD("trailer bare CR", "0\r\nX-T: a\rb\r\n\r\n", 400),
	BAD("trailer without colon", "0\r\nX-T\r\n\r\n", 400),
	BAD("trailer NUL", "0\r\nX-T: a\0\r\n\r\n", 400),
	BAD("final bare CR", "0\r\n\rX", 400),
	BAD("final bare LF", "0\r\n\n", 400),
	BAD("trailer too large", "0\r\nX-T: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n", 400),
};

START_TEST(t_chunk_bad)
{
	const struct bad *b = &bad_chunks[_i];
	struct h1_chunk_state st;
	struct h1_span sp[4];
	char dec[128];
	size_t used, c;
	int n = 4;

	/* whole, then byte by byte: the same error at the same byte */
	ck_assert_int_eq(chunk_run(b->s, b->len, 1000, 4, dec, &used, 64), -1);
	ck_assert_msg(err.status == b->status, "%s: %d", b->name, err.status);
	uint32_t at = err.at;
	ck_assert_uint_eq(used, at);
	ck_assert_uint_lt(at, b->len);
	ck_assert_int_eq(chunk_run(b->s, b->len, 1, 1, dec, &used, 64), -1);
	ck_assert_msg(err.at == at, "%s: at %u byte by byte, %u whole", b->name, err.at, at);
	/* the prefix before the offending byte is fine; the error is sticky */
	h1_chunk_init(&st, 64);
	ck_assert_int_eq(h1_chunk_feed(&st, b->s, at, &c, sp, &n, &err), 0);
	n = 4;
	ck_assert_int_eq(h1_chunk_feed(&st, b->s + at, b->len - at, &c, sp, &n, &err), -1);
	ck_assert_uint_eq(c, 0);
	n = 4;
	ck_assert_int_eq(h1_chunk_feed(&st, S("0\r\n\r\n"), &c, sp, &n, &err), -1);
}
END_TEST

/* ------------------------------------------------------------ writer */

START_TEST(t_write_request)
{
	static const char r[] = "POST  /x?y HTTP/1.1\r\n";
	static const char in[] = "POST /x?y HTTP/1.1\r\nHost:a\r\nX-Drop: 1\r\nUser-Agent:\t ua \r\n"
				 "Content-Length: 3\r\n\r\nabc";
	struct sbuf out = { 0 };
	(void)r;

	ck_assert_int_gt(req(S(in)), 0);
	/* a rule deletes X-Drop and rewrites the Host value at the end of buf */
	msg.hdrs[1].name.len = 0;
	memcpy(msg.buf + msg.buf_len, "b.example", 9);
	msg.hdrs[0].value = (struct http_str){ msg.buf_len, 9 };
	msg.buf_len += 9;
	h1_write_request(&msg, &out);
	ck_assert_str_eq(sbuf_str(&out), "POST /x?y HTTP/1.1\r\nHost: b.example\r\nUser-Agent: ua\r\n"
					 "Content-Length: 3\r\n\r\n");
	/* and what was written parses back to the same model */
	struct http_msg m2;
	http_msg_init(&m2, 0, 8, MAX_HEAD);
	ck_assert_int_eq(h1_parse_request(&m2, out.s, out.len, MAX_HEAD, &err), (int)out.len);
	ck_assert_int_eq(m2.nhdrs, 3);
	ck_assert_int_eq(m2.body, HTTP_BODY_LENGTH);
	http_msg_free(&m2);
	sbuf_free(&out);
}
END_TEST

START_TEST(t_write_response)
{
	static const char in[] = "HTTP/1.0 503 Service Unavailable\r\nRetry-After: 5\r\n\r\n";
	static const char in2[] = "HTTP/1.1 200\r\n\r\n";
	struct sbuf out = { 0 };

	ck_assert_int_gt(h1_parse_response(&msg, S(in), MAX_HEAD, HTTP_METH_GET, &err), 0);
	h1_write_response(&msg, &out);
	ck_assert_str_eq(sbuf_str(&out), in);
	sbuf_reset(&out);
	ck_assert_int_gt(h1_parse_response(&msg, S(in2), MAX_HEAD, HTTP_METH_GET, &err), 0);
	h1_write_response(&msg, &out);
	ck_assert_str_eq(sbuf_str(&out), "HTTP/1.1 200 \r\n\r\n");
	sbuf_free(&out);
}
END_TEST

START_TEST(t_hdr_find)
{
	static const char r[] = "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2\r\n\r\n";
	ck_assert_int_gt(req(S(r)), 0);
	ck_assert_int_eq(http_hdr_find(&msg, "X-a", 3, 0), 1);
	ck_assert_int_eq(http_hdr_find(&msg, "X-a", 3, 2), 2);
	ck_assert_int_eq(http_hdr_find(&msg, "X-b", 3, 0), -1);
}
END_TEST

/* ------------------------------------------------------------ mutations */

/* Random single-byte edits of valid heads (fixed seed): the parser never
 * reads out of bounds (sanitizers), an error always has a valid prefix
 * before err.at, and an accepted head survives a write/parse round trip. */
START_TEST(t_mutations)
{
	static const char *const seeds[] = {
		"POST /a?b=c HTTP/1.1\r\nHost: example.com\r\nContent-Length: 10\r\n"
		"Connection: keep-alive, Upgrade\r\nUpgrade: h2c\r\n\r\n",
		"GET http://a.example/x HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n",
	};
	static const char alphabet[] = "\0\t\n\r :,;/-+0aAzZ\x7f\x80\xff";
	uint32_t rnd = 12345;
	char buf[256];

	for (int iter = 0; iter < 4000; iter++) {
		const char *sd = seeds[iter % 2];
		size_t len = strlen(sd);
		memcpy(buf, sd, len);
		for (int e = 0; e < 1 + iter % 3; e++) {
			rnd = rnd * 1103515245 + 12345;
			size_t pos = (rnd >> 8) % len;
			buf[pos] = alphabet[(rnd >> 20) % (sizeof(alphabet) - 1)];
		}
		int r = req(buf, len);
		ck_assert(r >= -1 && r <= (int)len);
		if (r < 0) {
			uint32_t at = err.at;
			ck_assert_uint_lt(at, len);
			ck_assert_msg(req(buf, at) == 0, "iter %d: prefix %u", iter, at);
		} else if (r > 0) {
			struct sbuf out = { 0 };
			int nh = msg.nhdrs;
			enum http_body body = msg.body;
			h1_write_request(&msg, &out);
			ck_assert_int_eq(req(out.s, out.len), (int)out.len);
			ck_assert_int_eq(msg.nhdrs, nh);
			ck_assert_int_eq(msg.body, body);
			sbuf_free(&out);
		}
	}
}
END_TEST

/* ------------------------------------------------------------ suite */

static Suite *h1_suite(void)
{
	Suite *s = suite_create("h1");
	TCase *tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_get);
	tcase_add_test(tc, t_post_cl);
	tcase_add_test(tc, t_post_cl_max);
	tcase_add_test(tc, t_chunked);
	tcase_add_test(tc, t_chunked_list);
	tcase_add_test(tc, t_connect);
	tcase_add_test(tc, t_options_star);
	tcase_add_test(tc, t_absolute);
	tcase_add_test(tc, t_http10_keepalive);
	tcase_add_test(tc, t_http10_expect_ignored);
	tcase_add_test(tc, t_connection_list);
	tcase_add_test(tc, t_methods);
	tcase_add_test(tc, t_empty_values_and_leading_crlf);
	tcase_add_test(tc, t_pipelined);
	tcase_add_test(tc, t_in_place);
	tcase_add_test(tc, t_maxhdrs_exact);
	tcase_add_test(tc, t_head_exactly_max);
	tcase_add_loop_test(tc, t_incremental, 0, ARRAY_SIZE(incr_reqs));
	tcase_add_loop_test(tc, t_bad_request, 0, ARRAY_SIZE(bad_reqs));
	suite_add_tcase(s, tc);

	tc = tcase_create("responses");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, t_response, 0, ARRAY_SIZE(resps));
	tcase_add_test(tc, t_response_fields);
	tcase_add_loop_test(tc, t_bad_response, 0, ARRAY_SIZE(bad_resps));
	suite_add_tcase(s, tc);

	tc = tcase_create("chunked");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, t_chunk_ok, 0, ARRAY_SIZE(chunks));
	tcase_add_test(tc, t_chunk_more_and_done);
	tcase_add_test(tc, t_chunk_trailer_size);
	tcase_add_loop_test(tc, t_chunk_bad, 0, ARRAY_SIZE(bad_chunks));
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_write_request);
	tcase_add_test(tc, t_write_response);
	tcase_add_test(tc, t_hdr_find);
	tcase_add_test(tc, t_mutations);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(h1_suite)
