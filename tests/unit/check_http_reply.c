/*
 * The responses weir builds itself (src/proxy/http_reply.c) and userlist
 * authentication (src/proxy/http_auth.c). Promises checked, byte for
 * byte against what HAProxy 2.6 sent on loopback for the same
 * configuration: the 17 built-in error pages; `http-error` and
 * `errorfile` pages (inherited from defaults, framing repaired), else
 * built-in (their order and http-errors sections: check_errorfile.c);
 * deny/tarpit/return with every payload kind; auth's 401 and 407; every
 * redirect form and option (codes, prefix, scheme, drop-query,
 * append-slash, cookies, ignore-empty); Basic credentials against plain
 * and crypt(3) passwords (SHA-512, SHA-256, MD5), groups declared on
 * either side, and the http_auth* fetches.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/http-act.h"
#include "weir/http.h"
#include "weir/log-t.h"
#include "weir/rule-t.h"
#include "weir/sample-rt.h"
#include "weir/util.h"

/* ------------------------------------------------------------ fixture */

static char ef503_path[] = "/tmp/weir-t-ef503-XXXXXX";
static char ef404_path[] = "/tmp/weir-t-ef404-XXXXXX";
static char body_path[] = "/tmp/weir-t-body-XXXXXX";
static char lf_path[] = "/tmp/weir-t-lf-XXXXXX";

/* As HAProxy's test: mixed case, no content-length; and a wrong one. */
static const char EF503[] = "HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\n"
			    "Content-Type: text/html\r\n\r\n<html>custom 503</html>\n";
static const char EF404[] = "HTTP/1.1 404 Not Here\r\nContent-Type: text/plain\r\n"
			    "Content-Length: 7\r\nX-Foo: bar\r\nConnection: keep-alive\r\n\r\nabc";

static const char *const CFG_FMT =
	"defaults base\n"
	"  mode http\n"
	"  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n"
	"  errorfile 503 %s\n"
	"userlist ul\n"
	"  group admins users bob\n"
	"  group ops\n"
	"  group devs\n"
	"  user alice insecure-password secret groups ops,devs\n"
	"  user bob insecure-password pw\n"
	"  user carol password $6$abcdefgh$Z7KfoKnKTSZrzo5VZ0YubGLQOj9ov6sHo9TmE3zIU/LHKhpE30zC"
	"nZ0mcIXYf9r9rQ4DYaXoxAFSPFlcWdxjB.\n"
	"  user dave password $5$saltsalt$OIdfjX.u4Y3SJ4I2bX8w5BMf1VAUhHABNUirScDzZi3 groups ops\n"
	"  user erin password $1$xyz$E1wFVBetaIQ1ILGM3oFKN1\n"
	"frontend fe from base\n"
	"  bind 127.0.0.1:19401\n"
	"  errorfile 404 %s\n"
	"  http-error status 429 content-type text/plain lf-string \"slow %%f\"\n"
	"  http-error status 410 content-type text/plain string \"gone\" hdr X-E e1\n"
	"  http-request deny\n"                                                     /* 0 */
	"  http-request deny deny_status 404\n"                                     /* 1 */
	"  http-request tarpit\n"                                                   /* 2 */
	"  http-request return\n"                                                   /* 3 */
	"  http-request return status 201 content-type text/plain string hello hdr X-A v1 "
	"hdr X-B \"%%f!\"\n"                                                         /* 4 */
	"  http-request return status 200 content-type text/plain lf-string \"fe=%%f\"\n" /* 5 */
	"  http-request return status 503 default-errorfiles\n"                     /* 6 */
	"  http-request deny status 418 content-type text/plain string teapot\n"    /* 7 */
	"  http-request return status 204\n"                                        /* 8 */
	"  http-request deny deny_status 500 hdr X-H hv\n"                          /* 9 */
	"  http-request return status 200 content-type text/plain file %s\n"        /* 10 */
	"  http-request return status 200 content-type text/plain lf-file %s\n"     /* 11 */
	"  http-request deny deny_status 429\n"                                     /* 12 */
	"  http-request return status 403 errorfile %s\n"                           /* 13 */
	"  http-request auth\n"                                                     /* 14 */
	"  http-request auth realm \"My Realm\"\n"                                  /* 15 */
	"  http-request deny deny_status 410\n"                                     /* 16 */
	"  http-request set-var(txn.u) http_auth_user\n"                            /* 17 */
	"  http-request set-var(txn.p) http_auth_pass\n"                            /* 18 */
	"  http-request set-var(txn.t) http_auth_type\n"                            /* 19 */
	"  http-request set-var(txn.g) http_auth_group(ul)\n"                       /* 20 */
	"  use_backend be if { http_auth(ul) }\n"                                   /* 0 */
	"  use_backend be if { http_auth_group(ul) admins }\n"                      /* 1 */
	"  use_backend be if { http_auth_group(ul) ops }\n"                         /* 2 */
	"  use_backend be if { http_auth_group(ul) devs }\n"                        /* 3 */
	"  default_backend be\n"
	"frontend fep from base\n"
	"  bind 127.0.0.1:19402\n"
	"  option http-use-proxy-header\n"
	"  http-request auth realm prox\n"
	"  http-request redirect location /new\n"                                    /* 1 */
	"  http-request redirect location /new code 301\n"
	"  http-request redirect prefix /pre\n"
	"  http-request redirect prefix /pre drop-query\n"
	"  http-request redirect prefix /pre append-slash\n"                         /* 5 */
	"  http-request redirect scheme https\n"
	"  http-request redirect scheme https code 308 drop-query append-slash\n"
	"  http-request redirect location /c set-cookie FOO=bar\n"
	"  http-request redirect location /c clear-cookie FOO\n"
	"  http-request redirect location /c code 303 set-cookie FOO\n"              /* 10 */
	"  http-request redirect location /c code 307 clear-cookie FOO=\n"
	"  http-request redirect prefix /\n"
	"  http-request redirect location \"/x/%%f\"\n"
	"  http-request redirect location \"%%[req.hdr(x-empty)]\" ignore-empty\n"
	"  http-request redirect location /new append-slash drop-query\n"            /* 15 */
	"  http-request redirect prefix /p/\n"
	"  http-request redirect prefix /p append-slash drop-query\n"
	"  default_backend be\n"
	"backend be\n"
	"  server s1 127.0.0.1:9\n";

static struct cfg *cfg;
static const struct proxy_conf *fe, *fep;
static struct http_msg req;
static struct smp_ctx sc;
static struct log_sess ls;
static struct http_act_log lg;
static struct http_act_ctx ac;
static struct smp_vars vars;
static char scratch[4096];
static struct sbuf out;

static void write_tmp(char *path, const char *text, size_t len)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Parses a request head (LF line ends are written as CRLF). */
static void set_req(const char *text)
{
	char buf[4096];
	size_t n = 0;
	struct http_err err;
	for (const char *p = text; *p && n + 2 < sizeof(buf); p++) {
		if (*p == '\n')
			buf[n++] = '\r';
		buf[n++] = *p;
	}
	buf[n++] = '\r';
	buf[n++] = '\n';
	http_msg_reset(&req);
	ck_assert_int_eq(h1_parse_request(&req, buf, n, sizeof(buf), &err), (int)n);
}

static void use_proxy(const struct proxy_conf *px)
{
	sc.fe = px;
	ls.fe_name = px->name;
	ac.px = px;
}

static void setup(void)
{
	char text[8192];
	write_tmp(ef503_path, EF503, sizeof(EF503) - 1);
	write_tmp(ef404_path, EF404, sizeof(EF404) - 1);
	write_tmp(body_path, "file body\n", 10);
	write_tmp(lf_path, "lf %f\n", 6);
	snprintf(text, sizeof(text), CFG_FMT, ef503_path, ef404_path, body_path, lf_path,
		 ef404_path);
	cfg = t_load_ok(text);
	fe = cfg_find_proxy(cfg, "fe", PX_CAP_FE);
	fep = cfg_find_proxy(cfg, "fep", PX_CAP_FE);
	ck_assert(fe && fep);
	http_msg_init(&req, 0, HTTP_MAX_HDRS_DEFAULT, 8192);
	set_req("GET /p HTTP/1.1\nHost: ex.com\n");
	memset(&sc, 0, sizeof(sc));
	memset(&ls, 0, sizeof(ls));
	memset(&ac, 0, sizeof(ac));
	memset(&vars, 0, sizeof(vars));
	sc.cfg = cfg;
	sc.req = &req;
	sc.fe_rec = sc.be_rec = -1;
	sc.vars = &vars;
	sc.scr.buf = scratch;
	sc.scr.cap = sizeof(scratch);
	ls.smp = &sc;
	ls.status = -1;
	ac.smp = &sc;
	lg = (struct http_act_log){ .ls = &ls, .ready = 1 };
	ac.log = &lg;
	ac.msg = &req;
	use_proxy(fe);
	memset(&out, 0, sizeof(out));
}

static void teardown(void)
{
	sbuf_free(&out);
	http_msg_free(&req);
	cfg_free(cfg);
	unlink(ef503_path);
	unlink(ef404_path);
	unlink(body_path);
	unlink(lf_path);
}

static const struct rule *req_rule(const struct proxy_conf *px, int i)
{
	ck_assert_int_lt(i, px->http_req_rules.n);
	return px->http_req_rules.v[i];
}

/* The reply of http-request rule i, close or not. */
static const char *rule_reply(const struct proxy_conf *px, int i, int close, int *status)
{
	sbuf_reset(&out);
	use_proxy(px);
	*status = http_reply_rule(&ac, req_rule(px, i), close, &out);
	return sbuf_str(&out);
}

#define ck_reply(px, i, close, st, text) do { \
	int st_; \
	const char *got_ = rule_reply(px, i, close, &st_); \
	ck_assert_str_eq(got_, text); \
	ck_assert_int_eq(st_, st); \
} while (0)

/* ------------------------------------------------------------ built-in pages */

/* HAProxy 2.6 on the wire (deny_status N, keep-alive), body lengths included. */
static const struct {
	int status;
	const char *line, *body;
	int len, closes;
} pages[] = {
	{ 200, "200 OK", "Service ready.", 58, 0 },
	{ 400, "400 Bad request", "Your browser sent an invalid request.", 90, 1 },
	{ 401, "401 Unauthorized", "You need a valid user and password to access this content.", 112, 0 },
	{ 403, "403 Forbidden", "Request forbidden by administrative rules.", 93, 0 },
	{ 404, "404 Not Found", "The resource could not be found.", 83, 0 },
	{ 405, "405 Method Not Allowed", "A request was made of a resource using a request "
	  "method not supported by that resource", 146, 0 },
	{ 407, "407 Unauthorized", "You need a valid user and password to access this content.", 112, 0 },
	{ 408, "408 Request Time-out", "Your browser didn't send a complete request in time.", 110, 1 },
	{ 410, "410 Gone", "The resource is no longer available and will not be available again.", 114, 0 },
	{ 413, "413 Payload Too Large", "The request entity exceeds the maximum allowed.", 106, 0 },
	{ 425, "425 Too Early", "Your browser sent early data.", 80, 0 },
	{ 429, "429 Too Many Requests", "You have sent too many requests in a given amount of time.", 117, 0 },
	{ 500, "500 Internal Server Error", "An internal server error occurred.", 97, 0 },
	{ 501, "501 Not Implemented", ".The server does not support the functionality required "
	  "to fulfill the request.", 136, 0 },
	{ 502, "502 Bad Gateway", "The server returned an invalid or incomplete response.", 107, 0 },
	{ 503, "503 Service Unavailable", "No server is available to handle this request.", 107, 0 },
	{ 504, "504 Gateway Time-out", "The server didn't respond in time.", 92, 0 },
};

START_TEST(builtin_pages_exact)
{
	char want[1024];
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		sbuf_reset(&out);
		/* no proxy (so no errorfile): the built-in page, closing */
		int st = http_reply_error(NULL, pages[i].status, NULL, &out);
		snprintf(want, sizeof(want), "HTTP/1.1 %s\r\ncontent-length: %d\r\n"
			 "cache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n"
			 "\r\n<html><body><h1>%s</h1>\n%s\n</body></html>\n", pages[i].line,
			 pages[i].len, pages[i].line, pages[i].body);
		ck_assert_str_eq(sbuf_str(&out), want);
		ck_assert_int_eq(st, pages[i].status);
		/* the body is as long as HAProxy's content-length says */
		ck_assert_int_eq((int)strlen(strstr(want, "\r\n\r\n") + 4), pages[i].len);
	}
}
END_TEST

START_TEST(h1_layer_pages_raw)
{
	int st = http_reply_error_h1(fe, 400, &out);
	ck_assert_int_eq(st, 400);
	ck_assert_str_eq(sbuf_str(&out), "HTTP/1.1 400 Bad request\r\nContent-length: 90\r\n"
			 "Cache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n"
			 "\r\n<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid "
			 "request.\n</body></html>\n");
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error_h1(fe, 408, &out), 408);
	ck_assert_str_eq(sbuf_str(&out), "HTTP/1.1 408 Request Time-out\r\nContent-length: 110\r\n"
			 "Cache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n"
			 "\r\n<html><body><h1>408 Request Time-out</h1>\nYour browser didn't send a "
			 "complete request in time.\n</body></html>\n");
	/* the parser's size and version statuses have pages of their own */
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error_h1(fe, 414, &out), 414);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "Connection: close\r\n"));
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error_h1(fe, 431, &out), 431);
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error_h1(fe, 505, &out), 505);
	/* a status without a page answers its class's page */
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error_h1(fe, 418, &out), 400);
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error_h1(fe, 599, &out), 500);
}
END_TEST

START_TEST(reason_phrases)
{
	ck_assert_str_eq(http_reply_reason(201), "Created");
	ck_assert_str_eq(http_reply_reason(302), "Moved Temporarily");
	ck_assert_str_eq(http_reply_reason(407), "Proxy Authentication Required");
	ck_assert_str_eq(http_reply_reason(418), "I'm a teapot");
	ck_assert_str_eq(http_reply_reason(502), "Bad Gateway or Proxy Error");
	ck_assert_str_eq(http_reply_reason(209), "Success");
	ck_assert_str_eq(http_reply_reason(399), "Redirection");
	ck_assert_str_eq(http_reply_reason(419), "Client Error");
	ck_assert_str_eq(http_reply_reason(599), "Server Error");
	ck_assert_str_eq(http_reply_reason(700), "Other");
}
END_TEST

/* ------------------------------------------------------------ error page order */

START_TEST(errorfile_inherited_and_repaired)
{
	/* errorfile 503 of `defaults base`: names lowercased as HAProxy sends
	 * them, content-length added so the framing holds */
	int st = http_reply_error(fe, 503, &ac, &out);
	ck_assert_int_eq(st, 503);
	ck_assert_str_eq(sbuf_str(&out), "HTTP/1.0 503 Service Unavailable\r\n"
			 "cache-control: no-cache\r\ncontent-type: text/html\r\n"
			 "content-length: 24\r\nconnection: close\r\n\r\n<html>custom 503</html>\n");
	/* the proxy's own errorfile: a wrong Content-Length is replaced in place,
	 * its Connection header by ours */
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error(fe, 404, &ac, &out), 404);
	ck_assert_str_eq(sbuf_str(&out), "HTTP/1.1 404 Not Here\r\ncontent-type: text/plain\r\n"
			 "content-length: 3\r\nx-foo: bar\r\nconnection: close\r\n\r\nabc");
	/* deny deny_status 404 keeps the connection when the engine does */
	ck_reply(fe, 1, 0, 404, "HTTP/1.1 404 Not Here\r\ncontent-type: text/plain\r\n"
		 "content-length: 3\r\nx-foo: bar\r\n\r\nabc");
}
END_TEST

START_TEST(http_error_first)
{
	/* http-error beats the built-in page, with its lf-string and hdr */
	ck_assert_int_eq(http_reply_error(fe, 429, &ac, &out), 429);
	ck_assert_str_eq(sbuf_str(&out), "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 7\r\n"
			 "content-type: text/plain\r\nconnection: close\r\n\r\nslow fe");
	ck_reply(fe, 12, 0, 429, "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 7\r\n"
		 "content-type: text/plain\r\n\r\nslow fe");
	ck_reply(fe, 16, 0, 410, "HTTP/1.1 410 Gone\r\nx-e: e1\r\ncontent-length: 4\r\n"
		 "content-type: text/plain\r\n\r\ngone");
	/* without a context the page still builds (log values empty) */
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error(fe, 410, NULL, &out), 410);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "\r\n\r\ngone"));
}
END_TEST

/* ------------------------------------------------------------ rule replies */

START_TEST(deny_and_tarpit)
{
	ck_reply(fe, 0, 0, 403, "HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\n"
		 "cache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>403 "
		 "Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n");
	ck_reply(fe, 0, 1, 403, "HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\n"
		 "cache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n"
		 "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules."
		 "\n</body></html>\n");
	int st;
	const char *r = rule_reply(fe, 2, 0, &st);
	ck_assert_int_eq(st, 500);
	ck_assert(strncmp(r, "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 97\r\n", 56) == 0);
	ck_reply(fe, 7, 0, 418, "HTTP/1.1 418 I'm a teapot\r\ncontent-length: 6\r\n"
		 "content-type: text/plain\r\n\r\nteapot");
	ck_reply(fe, 9, 0, 500, "HTTP/1.1 500 Internal Server Error\r\nx-h: hv\r\n"
		 "content-length: 0\r\n\r\n");
	/* HEAD: the same head, no body */
	set_req("HEAD /p HTTP/1.1\nHost: ex.com\n");
	ck_reply(fe, 0, 0, 403, "HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\n"
		 "cache-control: no-cache\r\ncontent-type: text/html\r\n\r\n");
	sbuf_reset(&out);
	ck_assert_int_eq(http_reply_error(fe, 429, &ac, &out), 429);
	ck_assert_str_eq(sbuf_str(&out), "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 7\r\n"
			 "content-type: text/plain\r\nconnection: close\r\n\r\n");
}
END_TEST

START_TEST(returns)
{
	ck_reply(fe, 3, 0, 200, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
	ck_reply(fe, 3, 1, 200, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
	ck_reply(fe, 4, 0, 201, "HTTP/1.1 201 Created\r\nx-a: v1\r\nx-b: fe!\r\n"
		 "content-length: 5\r\ncontent-type: text/plain\r\n\r\nhello");
	ck_reply(fe, 5, 0, 200, "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n"
		 "content-type: text/plain\r\n\r\nfe=fe");
	/* default-errorfiles: the proxy's page for the status (inherited file) */
	ck_reply(fe, 6, 0, 503, "HTTP/1.0 503 Service Unavailable\r\ncache-control: no-cache\r\n"
		 "content-type: text/html\r\ncontent-length: 24\r\n\r\n<html>custom 503</html>\n");
	ck_reply(fe, 8, 0, 204, "HTTP/1.1 204 No Content\r\n\r\n");
	ck_reply(fe, 10, 0, 200, "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n"
		 "content-type: text/plain\r\n\r\nfile body\n");
	ck_reply(fe, 11, 0, 200, "HTTP/1.1 200 OK\r\ncontent-length: 6\r\n"
		 "content-type: text/plain\r\n\r\nlf fe\n");
	/* errorfile payload: the file's own status line goes out, and the
	 * rule's status is the one reported (HAProxy 2.6 logs 403 here) */
	ck_reply(fe, 13, 1, 403, "HTTP/1.1 404 Not Here\r\ncontent-type: text/plain\r\n"
		 "content-length: 3\r\nx-foo: bar\r\nconnection: close\r\n\r\nabc");
}
END_TEST

START_TEST(auth_challenges)
{
	const char *page = "<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and "
			   "password to access this content.\n</body></html>\n";
	char want[1024];
	snprintf(want, sizeof(want), "HTTP/1.1 401 Unauthorized\r\ncontent-length: 112\r\n"
		 "cache-control: no-cache\r\ncontent-type: text/html\r\n"
		 "www-authenticate: Basic realm=\"fe\"\r\n\r\n%s", page);
	ck_reply(fe, 14, 0, 401, want);
	snprintf(want, sizeof(want), "HTTP/1.1 401 Unauthorized\r\ncontent-length: 112\r\n"
		 "cache-control: no-cache\r\ncontent-type: text/html\r\n"
		 "www-authenticate: Basic realm=\"My Realm\"\r\nconnection: close\r\n\r\n%s", page);
	ck_reply(fe, 15, 1, 401, want);
	/* a proxy request to a proxy frontend: 407 and proxy-authenticate */
	set_req("GET http://ex.com/ HTTP/1.1\nHost: ex.com\n");
	ck_reply(fep, 0, 0, 407, "HTTP/1.1 407 Unauthorized\r\ncontent-length: 112\r\n"
		 "cache-control: no-cache\r\ncontent-type: text/html\r\n"
		 "proxy-authenticate: Basic realm=\"prox\"\r\n\r\n<html><body><h1>407 Unauthorized"
		 "</h1>\nYou need a valid user and password to access this content.\n</body></html>\n");
	/* the same frontend, origin form: an ordinary 401 */
	set_req("GET / HTTP/1.1\nHost: ex.com\n");
	int st;
	rule_reply(fep, 0, 0, &st);
	ck_assert_int_eq(st, 401);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "www-authenticate: Basic realm=\"prox\"\r\n"));
	/* the frontend without the option never answers 407 */
	set_req("GET http://ex.com/ HTTP/1.1\nHost: ex.com\n");
	rule_reply(fe, 14, 0, &st);
	ck_assert_int_eq(st, 401);
}
END_TEST

/* ------------------------------------------------------------ redirects */

static const char *redir(int i, const char *request, int close, int *status)
{
	set_req(request);
	return rule_reply(fep, i, close, status);
}

#define ck_redir(i, request, st, loc_and_rest) do { \
	int st_; \
	const char *got_ = redir(i, request, 0, &st_); \
	ck_assert_str_eq(got_, loc_and_rest); \
	ck_assert_int_eq(st_, st); \
} while (0)

#define H302 "HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: "
#define NC "\r\ncache-control: no-cache\r\n\r\n"
#define Q "GET /rd/a?x=1 HTTP/1.1\nHost: ex.com\n"

START_TEST(redirect_forms)
{
	ck_redir(1, Q, 302, H302 "/new" NC);
	ck_redir(2, Q, 301, "HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\n"
		 "location: /new\r\n\r\n");
	ck_redir(3, Q, 302, H302 "/pre/rd/a?x=1" NC);
	ck_redir(4, Q, 302, H302 "/pre/rd/a" NC);
	/* HAProxy appends the slash after the query too */
	ck_redir(5, Q, 302, H302 "/pre/rd/a?x=1/" NC);
	ck_redir(5, "GET /rd/a/ HTTP/1.1\nHost: ex.com\n", 302, H302 "/pre/rd/a/" NC);
	ck_redir(6, Q, 302, H302 "https://ex.com/rd/a?x=1" NC);
	ck_redir(7, Q, 308, "HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\n"
		 "location: https://ex.com/rd/a/\r\n\r\n");
	ck_redir(6, "GET /rd/a HTTP/1.1\nHost: h:81\n", 302, H302 "https://h:81/rd/a" NC);
	/* no Host: an empty authority, as HAProxy */
	ck_redir(6, "GET /rd/a HTTP/1.0\n", 302, H302 "https:///rd/a" NC);
	/* an absolute-form request keeps only its path */
	ck_redir(3, "GET http://ex.com/rd/a?b HTTP/1.1\nHost: ex.com\n", 302, H302 "/pre/rd/a?b" NC);
	ck_redir(12, Q, 302, H302 "/rd/a?x=1" NC);
	ck_redir(13, Q, 302, H302 "/x/fep" NC);
	ck_redir(15, Q, 302, H302 "/new" NC);
	ck_redir(16, "GET /c/q?z HTTP/1.1\nHost: ex.com\n", 302, H302 "/p//c/q?z" NC);
	ck_redir(17, Q, 302, H302 "/p/rd/a/" NC);
}
END_TEST

START_TEST(redirect_cookies_close)
{
	ck_redir(8, Q, 302, H302 "/c\r\ncache-control: no-cache\r\nset-cookie: FOO=bar; path=/;\r\n\r\n");
	ck_redir(9, Q, 302, H302 "/c\r\ncache-control: no-cache\r\n"
		 "set-cookie: FOO; path=/; Max-Age=0;\r\n\r\n");
	ck_redir(10, Q, 303, "HTTP/1.1 303 See Other\r\ncontent-length: 0\r\nlocation: /c\r\n"
		 "cache-control: no-cache\r\nset-cookie: FOO; path=/;\r\n\r\n");
	ck_redir(11, Q, 307, "HTTP/1.1 307 Temporary Redirect\r\ncontent-length: 0\r\n"
		 "location: /c\r\ncache-control: no-cache\r\nset-cookie: FOO=; path=/; Max-Age=0;"
		 "\r\n\r\n");
	int st;
	ck_assert_str_eq(redir(6, "GET /rd/a HTTP/1.1\nHost: h\n", 1, &st),
			 H302 "https://h/rd/a\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n");
}
END_TEST

START_TEST(redirect_ignore_empty)
{
	/* %[...] prints "-" until the sample runtime reaches log-formats; an
	 * empty target is exercised through a format with no text at all */
	struct rule_redirect rd = *req_rule(fep, 14)->redir;
	struct logfmt *empty = NULL;
	rd.fmt = empty;
	int st;
	set_req("GET / HTTP/1.1\nHost: h\n");
	sbuf_reset(&out);
	st = http_reply_redirect(&ac, &rd, 0, &out);
	ck_assert_int_eq(st, 0);
	ck_assert_uint_eq(out.len, 0);
	rd.ignore_empty = 0;
	st = http_reply_redirect(&ac, &rd, 0, &out);
	ck_assert_int_eq(st, 302);
	ck_assert_str_eq(sbuf_str(&out), H302 NC);
}
END_TEST

/* ------------------------------------------------------------ authentication */

static void set_basic(const char *hdr, const char *b64)
{
	char r[512];
	snprintf(r, sizeof(r), "GET / HTTP/1.1\nHost: x\n%s: %s\n", hdr, b64);
	set_req(r);
}

/* base64 of "user:pass" pairs (printf 'alice:secret' | base64) */
#define ALICE "Basic YWxpY2U6c2VjcmV0"          /* alice:secret */
#define BOB "Basic Ym9iOnB3"                    /* bob:pw */
#define BOB_BAD "Basic Ym9iOmJhZA=="            /* bob:bad */
#define CAROL "Basic Y2Fyb2w6czNjcmV0"          /* carol:s3cret */
#define CAROL_BAD "Basic Y2Fyb2w6c2VjcmV0"      /* carol:secret */
#define DAVE "Basic ZGF2ZTpodW50ZXIy"           /* dave:hunter2 */
#define ERIN "Basic ZXJpbjpwYXNzMQ=="           /* erin:pass1 */
#define NOBODY "Basic bm9ib2R5OnB3"             /* nobody:pw */

START_TEST(auth_passwords)
{
	struct { const char *cred; int ok; } cases[] = {
		{ ALICE, 1 }, { BOB, 1 }, { BOB_BAD, 0 }, { CAROL, 1 }, { CAROL_BAD, 0 },
		{ DAVE, 1 }, { ERIN, 1 }, { NOBODY, 0 }, { "Basic !!!!", 0 },
		{ "Basic Ym9i", 0 } /* "bob" without ':' */, { "Digest Ym9iOnB3", 0 },
		{ "basic Ym9iOnB3", 1 } /* the scheme is case-insensitive */,
		{ "Basic Ym9iOnB3==", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_basic("Authorization", cases[i].cred);
		ck_assert_msg(http_auth_check(cfg, "ul", NULL, &req, 0) == cases[i].ok, "%s",
			      cases[i].cred);
	}
	/* no header, unknown list */
	set_req("GET / HTTP/1.1\nHost: x\n");
	ck_assert_int_eq(http_auth_check(cfg, "ul", NULL, &req, 0), 0);
	set_basic("Authorization", BOB);
	ck_assert_int_eq(http_auth_check(cfg, "nope", NULL, &req, 0), 0);
	/* proxy credentials come from Proxy-Authorization only */
	ck_assert_int_eq(http_auth_check(cfg, "ul", NULL, &req, 1), 0);
	set_basic("Proxy-Authorization", BOB);
	ck_assert_int_eq(http_auth_check(cfg, "ul", NULL, &req, 1), 1);
	ck_assert_int_eq(http_auth_check(cfg, "ul", NULL, &req, 0), 0);
}
END_TEST

START_TEST(auth_groups)
{
	set_basic("Authorization", BOB);        /* listed by `group admins users bob` */
	ck_assert_int_eq(http_auth_check(cfg, "ul", "admins", &req, 0), 1);
	ck_assert_int_eq(http_auth_check(cfg, "ul", "ops", &req, 0), 0);
	ck_assert_int_eq(http_auth_check(cfg, "ul", "ops,admins", &req, 0), 1);
	set_basic("Authorization", ALICE);      /* `user alice ... groups ops,devs` */
	ck_assert_int_eq(http_auth_check(cfg, "ul", "ops", &req, 0), 1);
	ck_assert_int_eq(http_auth_check(cfg, "ul", "devs", &req, 0), 1);
	ck_assert_int_eq(http_auth_check(cfg, "ul", "admins", &req, 0), 0);
	ck_assert_int_eq(http_auth_check(cfg, "ul", "adm", &req, 0), 0);
	set_basic("Authorization", DAVE);       /* crypt user with a group */
	ck_assert_int_eq(http_auth_check(cfg, "ul", "ops", &req, 0), 1);
}
END_TEST

static int switch_cond(int i)
{
	const struct rule *r = fe->switching_rules.v[i];
	sc.scr.used = 0;
	return acl_cond_eval(r->cond, &sc);
}

/* The value a `set-var(...) <fetch>` rule would store; NULL: not found. */
static const char *fetch_str(int rule)
{
	static char buf[256];
	struct smp_val v = { 0 };
	sc.scr.used = 0;
	if (sample_eval(req_rule(fe, rule)->expr, &sc, &v) < 0)
		return NULL;
	ck_assert_int_eq(smp_cast(&v, SMP_T_STR, &sc), 0);
	snprintf(buf, sizeof(buf), "%.*s", (int)v.str.len, v.str.ptr);
	return buf;
}

START_TEST(auth_fetches)
{
	set_basic("Authorization", BOB);
	ck_assert_int_eq(switch_cond(0), 1);
	ck_assert_int_eq(switch_cond(1), 1);   /* admins lists bob */
	ck_assert_int_eq(switch_cond(2), 0);
	ck_assert_str_eq(fetch_str(17), "bob");
	ck_assert_str_eq(fetch_str(18), "pw");
	ck_assert_str_eq(fetch_str(19), "Basic");
	ck_assert_str_eq(fetch_str(20), "bob");
	set_basic("Authorization", ALICE);
	ck_assert_int_eq(switch_cond(1), 0);
	ck_assert_int_eq(switch_cond(2), 1);   /* her own groups, first and second */
	ck_assert_int_eq(switch_cond(3), 1);
	set_basic("Authorization", BOB_BAD);
	ck_assert_int_eq(switch_cond(0), 0);
	ck_assert_int_eq(switch_cond(1), 0);
	ck_assert_str_eq(fetch_str(17), "bob");   /* as sent, unchecked */
	ck_assert_str_eq(fetch_str(18), "bad");
	ck_assert_ptr_null(fetch_str(20));
	set_basic("Authorization", "Bearer abc.def");
	ck_assert_str_eq(fetch_str(19), "Bearer");
	ck_assert_ptr_null(fetch_str(17));
	set_req("GET / HTTP/1.1\nHost: x\n");
	ck_assert_ptr_null(fetch_str(19));
	ck_assert_int_eq(switch_cond(0), 0);
}
END_TEST

static Suite *http_reply_suite(void)
{
	Suite *s = suite_create("http_reply");
	TCase *tp = tcase_create("pages");
	tcase_add_checked_fixture(tp, setup, teardown);
	tcase_add_test(tp, builtin_pages_exact);
	tcase_add_test(tp, h1_layer_pages_raw);
	tcase_add_test(tp, reason_phrases);
	tcase_add_test(tp, errorfile_inherited_and_repaired);
	tcase_add_test(tp, http_error_first);
	suite_add_tcase(s, tp);
	TCase *tr = tcase_create("rules");
	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, deny_and_tarpit);
	tcase_add_test(tr, returns);
	tcase_add_test(tr, auth_challenges);
	tcase_add_test(tr, redirect_forms);
	tcase_add_test(tr, redirect_cookies_close);
	tcase_add_test(tr, redirect_ignore_empty);
	suite_add_tcase(s, tr);
	TCase *ta = tcase_create("auth");
	tcase_add_checked_fixture(ta, setup, teardown);
	tcase_add_test(ta, auth_passwords);
	tcase_add_test(ta, auth_groups);
	tcase_add_test(ta, auth_fetches);
	suite_add_tcase(s, ta);
	return s;
}

CHECK_MAIN(http_reply_suite)
