/*
 * The HTTP rule executor (src/proxy/http_act.c) and the head edits it
 * drives (src/http/http_edit.c). Promise checked: a configuration loaded
 * by the real loader, run on a head parsed by the real HTTP/1 parser,
 * gives the exact head bytes HAProxy 2.6's documentation describes for
 * every rewrite action (set/add/del-header with -m, replace-header and
 * replace-value with back-references, set-path/pathq/query/uri/method,
 * replace-path/pathq/uri, set-status, normalize-uri), the final verdicts
 * stop the list and name their rule, conditions and named-defaults
 * ordering hold, variables, log level, timeouts and captures are set;
 * and an edit that does not fit, or text that would split a header or
 * the request line, is refused (500 in strict mode) with the head intact.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/http-act.h"
#include "weir/http.h"
#include "weir/log.h"
#include "weir/sample-rt.h"
#include "weir/util.h"

#define HEAD "defaults\n mode http\n timeout connect 5s\n timeout client 30s\n" \
	" timeout server 30s\n"
#define FE "frontend fe\n bind 127.0.0.1:18080\n"
#define TAIL " default_backend be\nbackend be\n server s1 127.0.0.1:8080\n"

/* A string literal and its length. */
#define S_(lit) lit, sizeof(lit) - 1

static struct cfg *cfg;
static struct http_msg req, res;
static struct smp_vars vars;
static char scratch[4096];
static struct sockaddr_storage cli, dst;
static struct smp_ctx sc;
static struct log_sess ls;
static struct http_act_log lg;
static int nfill;             /* how many times the run filled ls */
static struct http_caps caps;
static struct http_act_ctx ac;
static struct sbuf out;

/* ------------------------------------------------------------ helpers */

static void set_addr(struct sockaddr_storage *ss, const char *ip, int port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof(*ss));
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &s4->sin_addr);
}

static void setup(void)
{
	memset(&sc, 0, sizeof(sc));
	memset(&vars, 0, sizeof(vars));
	memset(&caps, 0, sizeof(caps));
	memset(&ls, 0, sizeof(ls));
	set_addr(&cli, "192.0.2.7", 40000);
	set_addr(&dst, "127.0.0.1", 18080);
	memcpy(&ls.cli, &cli, sizeof(cli));
	memcpy(&ls.frt, &dst, sizeof(dst));
	ls.smp = &sc;
	sc.cli = &cli;
	sc.fe_addr = &dst;
	sc.fe_rec = sc.be_rec = -1;
	sc.vars = &vars;
	sc.scr.buf = scratch;
	sc.scr.cap = sizeof(scratch);
	memset(&out, 0, sizeof(out));
}

static void teardown(void)
{
	cfg_free(cfg);
	cfg = NULL;
	http_msg_free(&req);
	http_msg_free(&res);
	sbuf_free(&out);
}

static const struct proxy_conf *px(const char *name)
{
	const struct proxy_conf *p = cfg_find_proxy(cfg, name, PX_CAP_FE | PX_CAP_BE);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* A whole configuration; its frontend "fe" is the context's. */
static void load_cfg(const char *text)
{
	cfg = t_load_ok(text);
	sc.cfg = cfg;
	sc.fe = px("fe");
}

/* The rules (and other lines) of frontend fe. */
static void load(const char *fe_lines)
{
	char text[4096];
	snprintf(text, sizeof(text), HEAD FE "%s" TAIL, fe_lines);
	load_cfg(text);
}

/* Parses raw into req with a head buffer of `cap` bytes (0: 4096). */
static void parse_req_cap(const char *raw, uint32_t cap, int maxhdrs)
{
	struct http_err err;
	http_msg_init(&req, 0, maxhdrs ? maxhdrs : HTTP_MAX_HDRS_DEFAULT, cap ? cap : 4096);
	int n = h1_parse_request(&req, raw, strlen(raw), strlen(raw), &err);
	ck_assert_msg(n == (int)strlen(raw), "parse: %d %s", n, n < 0 ? err.why : "");
	sc.req = &req;
}

static void parse_req(const char *raw)
{
	parse_req_cap(raw, 0, 0);
}

static void parse_res(const char *raw, enum http_meth meth)
{
	struct http_err err;
	http_msg_init(&res, 1, HTTP_MAX_HDRS_DEFAULT, 4096);
	int n = h1_parse_response(&res, raw, strlen(raw), strlen(raw), meth, &err);
	ck_assert_msg(n == (int)strlen(raw), "parse: %d %s", n, n < 0 ? err.why : "");
	sc.res = &res;
}

/* The engine's fill, counted: ls already holds the values (setup()). */
static void count_fill(void *arg, struct log_sess *l)
{
	(void)arg;
	ck_assert_ptr_eq(l, &ls);
	nfill++;
}

static enum http_verdict run_on(const char *pxname, enum rule_list l)
{
	memset(&ac, 0, sizeof(ac));
	ac.smp = &sc;
	lg = (struct http_act_log){ .ls = &ls, .fill = count_fill };
	ac.log = &lg;
	ac.msg = l == RULE_HTTP_REQ ? &req : &res;
	ac.px = px(pxname);
	ac.caps = &caps;
	ac.log_level = -1;
	ac.tmo_server = ac.tmo_tunnel = ac.tmo_client = -1;
	return http_rules_run(&ac, l);
}

static enum http_verdict run(enum rule_list l)
{
	return run_on("fe", l);
}

/* The head as it goes on the wire. */
static const char *req_head(void)
{
	sbuf_reset(&out);
	h1_write_request(&req, &out);
	return sbuf_str(&out);
}

static const char *res_head(void)
{
	sbuf_reset(&out);
	h1_write_response(&res, &out);
	return sbuf_str(&out);
}

/* The request and the response most tests start from. */
#define REQ "GET /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.47.0\r\n" \
	"X-Del: 1\r\n\r\n"
#define REQ_HDRS "Host: example.com\r\nUser-Agent: curl/7.47.0\r\nX-Del: 1\r\n"

#define RES "HTTP/1.1 200 OK\r\nServer: httpd\r\nContent-Length: 5\r\n\r\n"

static void ck_req(const char *want)
{
	ck_assert_str_eq(req_head(), want);
}

/* The request line given, REQ's headers. */
static void ck_line(const char *line)
{
	char want[512];
	snprintf(want, sizeof(want), "%s\r\n" REQ_HDRS "\r\n", line);
	ck_req(want);
}

/* One request rule on REQ (the request line replaced by `line`). */
static enum http_verdict one(const char *rule, const char *line)
{
	char lines[512], raw[512];
	snprintf(lines, sizeof(lines), " http-request %s\n", rule);
	load(lines);
	snprintf(raw, sizeof(raw), "%s\r\n" REQ_HDRS "\r\n", line);
	parse_req(raw);
	return run(RULE_HTTP_REQ);
}

/* ------------------------------------------------------------ headers */

START_TEST(set_add_del_header)
{
	load(" http-request set-header User-Agent weir/1\n"
	     " http-request add-header X-Client %ci:%cp\n"
	     " http-request add-header X-Client second\n"
	     " http-request del-header x-del\n");
	parse_req(REQ);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_req("GET /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: weir/1\r\n"
	       "X-Client: 192.0.2.7:40000\r\nX-Client: second\r\n\r\n");
	ck_assert_uint_eq(ac.failed_rewrites, 0);
	ck_assert_ptr_null(ac.final);
}
END_TEST

/* The log values are filled once per run, when a log-format first prints
 * a %var, and not at all for a run whose arguments are plain text and
 * %[samples]. */
START_TEST(log_values_filled_lazily)
{
	load(" http-request set-header X-A plain\n"
	     " http-request del-header x-del\n"
	     " http-request set-var(txn.v) str(x)\n"
	     " http-request set-header X-S %[str(s)]\n");
	parse_req(REQ);
	nfill = 0;
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_int_eq(nfill, 0);
	ck_assert_ptr_nonnull(strstr(req_head(), "X-S: s\r\n"));
	teardown();
	setup();
	load(" http-request set-header X-A plain\n"
	     " http-request add-header X-Client %ci\n"
	     " http-request add-header X-Port %cp\n");
	parse_req(REQ);
	nfill = 0;
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_int_eq(nfill, 1);
	ck_assert_ptr_nonnull(strstr(req_head(), "X-Client: 192.0.2.7\r\nX-Port: 40000\r\n"));
	/* each run fills anew: the values may have changed in between */
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_int_eq(nfill, 2);
}
END_TEST

/* set-header removes every header of that name (any case), then adds one
 * at the end; the new value is computed before the removal. */
START_TEST(set_header_all_occurrences)
{
	load(" http-request set-header x-a new\n");
	parse_req("GET / HTTP/1.1\r\nX-A: 1\r\nHost: h\r\nx-a: 2\r\n\r\n");
	run(RULE_HTTP_REQ);
	ck_req("GET / HTTP/1.1\r\nHost: h\r\nx-a: new\r\n\r\n");
}
END_TEST

START_TEST(del_header_methods)
{
	load(" http-request del-header X-Foo- -m beg\n"
	     " http-request del-header -id -m end\n"
	     " http-request del-header secret -m sub\n"
	     " http-request del-header ^x-[0-9]+$ -m reg\n"
	     " http-request del-header content -m beg\n");
	parse_req("POST / HTTP/1.1\r\nHost: h\r\nx-foo-a: 1\r\nX-FOO-b: 2\r\nreq-id: 3\r\n"
		  "X-Top-SECRET-1: 4\r\nx-12: 5\r\nx-12a: 6\r\nContent-Type: t\r\n"
		  "Content-Length: 2\r\n\r\n");
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	/* a pattern never takes Content-Length away from the engine */
	ck_req("POST / HTTP/1.1\r\nHost: h\r\nx-12a: 6\r\nContent-Length: 2\r\n\r\n");
}
END_TEST

/* The framing headers are the engine's: a rule naming them is skipped
 * (not a failed rewrite), and the message keeps them as parsed. */
START_TEST(framing_headers_kept)
{
	load(" http-request del-header Content-Length\n"
	     " http-request set-header Transfer-Encoding chunked\n"
	     " http-request add-header content-length 9\n"
	     " http-request replace-header Content-Length (.*) 1\1\n"
	     " http-request replace-value Content-Length (.*) 1\1\n"
	     " http-request set-header X-After 1\n");
	parse_req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n");
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_uint_eq(ac.failed_rewrites, 0);
	ck_req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nX-After: 1\r\n\r\n");
	/* the edit functions themselves refuse them */
	ck_assert_int_eq(http_hdr_del(&req, S_("content-length")), -1);
	ck_assert_int_eq(http_hdr_add(&req, S_("Transfer-Encoding"), S_("chunked")), -1);
	ck_assert_int_eq(http_hdr_set(&req, S_("Content-Length"), S_("3")), -1);
	ck_req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nX-After: 1\r\n\r\n");
}
END_TEST

/* The two examples of the manual's replace-header, \1 \2 and a log-format
 * variable in the replacement. */
START_TEST(replace_header)
{
	load(" http-request replace-header Cookie foo=([^;]*);(.*) foo=\\1;ip=%ci;\\2\n"
	     " http-request replace-header User-Agent curl foo\n"
	     " http-request replace-header Host nomatch x\n");
	parse_req("GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: curl/7.47.0\r\n"
		  "Cookie: foo=foobar; expires=Tue, 14-Jun-2016 01:40:45 GMT;\r\n\r\n");
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_req("GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: foo\r\n"
	       "Cookie: foo=foobar;ip=192.0.2.7; expires=Tue, 14-Jun-2016 01:40:45 GMT;\r\n\r\n");
}
END_TEST

/* The manual's replace-value example; quoted commas do not split. */
START_TEST(replace_value)
{
	load(" http-request replace-value X-Forwarded-For ^192\\.168\\.(.*)$ 172.16.\\1\n"
	     " http-request replace-value X-Q ^b$ B\n");
	parse_req("GET / HTTP/1.1\r\nHost: h\r\n"
		  "X-Forwarded-For: 192.168.10.1, 192.168.13.24, 10.0.0.37\r\n"
		  "X-Q: a,\"b,c\" ,b\r\n\r\n");
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_req("GET / HTTP/1.1\r\nHost: h\r\n"
	       "X-Forwarded-For: 172.16.10.1, 172.16.13.24, 10.0.0.37\r\n"
	       "X-Q: a,\"b,c\" ,B\r\n\r\n");
}
END_TEST

/* A header name that is not a token, text with CR/LF (from the
 * configuration or a \x escape of a replacement) never reaches the wire. */
START_TEST(no_injection)
{
	load(" http-request set-header \"X Bad\" v\n");
	parse_req(REQ);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_ERROR);
	ck_line("GET /a/b?x=1 HTTP/1.1");
	teardown();
	setup();
	load(" http-request strict-mode off\n"
	     " http-request add-header X-Evil \"a\\r\\nInjected: 1\"\n"
	     " http-request replace-header Host (.*) \\1\\x0d\\x0aInjected:\\x201\n"
	     " http-request replace-value Host (.*) \\1\\x7f\n"
	     " http-request set-path \"/x HTTP/1.1\\r\\nInjected: 1\\r\\n\\r\\nGET /\"\n"
	     " http-request set-query \"a b\"\n"
	     " http-request set-method \"GET /x\"\n"
	     " http-request set-uri \"\"\n");
	parse_req(REQ);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_uint_eq(ac.failed_rewrites, 7);
	ck_line("GET /a/b?x=1 HTTP/1.1");
}
END_TEST

/* Does logfmt_build() evaluate %[sample] yet? (Another branch brings it;
 * until then a sample prints "-".) */
static int lf_samples_work(void)
{
	load(" http-request set-header X-Probe %[str(ok)]\n");
	parse_req(REQ);
	run(RULE_HTTP_REQ);
	int i = http_hdr_find(&req, "X-Probe", 7, 0);
	ck_assert_int_ge(i, 0);
	int ok = req.hdrs[i].value.len == 2;
	teardown();
	setup();
	return ok;
}

/* A value taken from the request (url-decoded to CR LF) cannot add a
 * header: the set is refused and the request keeps its headers. */
START_TEST(no_injection_from_sample)
{
	int samples = lf_samples_work();
	load(" http-request set-header X-Copy %[req.hdr(x-in),url_dec]\n");
	parse_req("GET / HTTP/1.1\r\nHost: h\r\nX-In: a%0d%0aInjected:%201\r\n\r\n");
	enum http_verdict v = run(RULE_HTTP_REQ);
	if (samples) {
		ck_assert_int_eq(v, HTTP_V_ERROR);
		ck_req("GET / HTTP/1.1\r\nHost: h\r\nX-In: a%0d%0aInjected:%201\r\n\r\n");
	} else {
		ck_assert_int_eq(v, HTTP_V_CONTINUE);
		ck_req("GET / HTTP/1.1\r\nHost: h\r\nX-In: a%0d%0aInjected:%201\r\nX-Copy: -\r\n\r\n");
	}
}
END_TEST

/* ------------------------------------------------------------ request line */

START_TEST(set_path_keeps_query)
{
	ck_assert_int_eq(one("set-path /new/%ci", "GET /a/b?x=1 HTTP/1.1"), HTTP_V_CONTINUE);
	ck_line("GET /new/192.0.2.7?x=1 HTTP/1.1");
	teardown(); setup();
	one("set-path /p", "GET /a/b HTTP/1.1");
	ck_line("GET /p HTTP/1.1");
	teardown(); setup();
	/* absolute-form: scheme and authority stay */
	one("set-path /new", "GET http://example.com:8080/a/b?x=1 HTTP/1.1");
	ck_line("GET http://example.com:8080/new?x=1 HTTP/1.1");
	teardown(); setup();
	one("set-path /new", "GET http://example.com?x=1 HTTP/1.1");
	ck_line("GET http://example.com/new?x=1 HTTP/1.1");
	teardown(); setup();
	/* there a path without '/' would become part of the authority */
	ck_assert_int_eq(one("set-path evil.com", "GET http://example.com/a HTTP/1.1"), HTTP_V_ERROR);
	ck_line("GET http://example.com/a HTTP/1.1");
	teardown(); setup();
	/* "*" has no path: it is replaced */
	one("set-path /", "OPTIONS * HTTP/1.1");
	ck_line("OPTIONS / HTTP/1.1");
}
END_TEST

START_TEST(set_pathq_query_uri)
{
	one("set-pathq /p", "GET /a/b?x=1 HTTP/1.1");
	ck_line("GET /p HTTP/1.1");
	teardown(); setup();
	one("set-pathq /p?y=2", "GET http://h/a?x=1 HTTP/1.1");
	ck_line("GET http://h/p?y=2 HTTP/1.1");
	teardown(); setup();
	one("set-query y=2&z", "GET /a/b?x=1 HTTP/1.1");
	ck_line("GET /a/b?y=2&z HTTP/1.1");
	teardown(); setup();
	one("set-query y=2", "GET /a/b HTTP/1.1");
	ck_line("GET /a/b?y=2 HTTP/1.1");
	teardown(); setup();
	/* an empty value adds no '?', and never removes one */
	one("set-query \"\"", "GET /a/b HTTP/1.1");
	ck_line("GET /a/b HTTP/1.1");
	teardown(); setup();
	one("set-query \"\"", "GET /a/b?x=1 HTTP/1.1");
	ck_line("GET /a/b? HTTP/1.1");
	teardown(); setup();
	one("set-uri http://other/z?q", "GET /a/b?x=1 HTTP/1.1");
	ck_line("GET http://other/z?q HTTP/1.1");
}
END_TEST

START_TEST(set_method)
{
	one("set-method POST", "GET /a HTTP/1.1");
	ck_line("POST /a HTTP/1.1");
	ck_assert_int_eq(req.meth, HTTP_METH_POST);
	teardown(); setup();
	one("set-method PURGE", "GET /a HTTP/1.1");
	ck_line("PURGE /a HTTP/1.1");
	ck_assert_int_eq(req.meth, HTTP_METH_OTHER);
}
END_TEST

/* The manual's examples of replace-path, replace-pathq and replace-uri. */
START_TEST(replace_path_pathq_uri)
{
	one("replace-path (.*) /foo\\1", "GET /bar?q=1 HTTP/1.1");
	ck_line("GET /foo/bar?q=1 HTTP/1.1");
	teardown(); setup();
	one("replace-path /foo/(.*) /\\1", "GET /foo/bar?q=1 HTTP/1.1");
	ck_line("GET /bar?q=1 HTTP/1.1");
	teardown(); setup();
	one("replace-path /foo/(.*) /\\1", "GET /other?q=1 HTTP/1.1");
	ck_line("GET /other?q=1 HTTP/1.1");
	teardown(); setup();
	one("replace-pathq ([^?]*)(\\?(.*))? \\1/foo\\2", "GET /bar?q=1 HTTP/1.1");
	ck_line("GET /bar/foo?q=1 HTTP/1.1");
	teardown(); setup();
	one("replace-uri ^http://(.*) https://\\1", "GET http://h/x HTTP/1.1");
	ck_line("GET https://h/x HTTP/1.1");
	teardown(); setup();
	one("replace-uri ([^/:]*://[^/]*)?(.*) \\1/foo\\2", "GET /bar?q=1 HTTP/1.1");
	ck_line("GET /foo/bar?q=1 HTTP/1.1");
	teardown(); setup();
	one("replace-uri ([^/:]*://[^/]*)?(.*) \\1/foo\\2", "GET http://h/bar?q=1 HTTP/1.1");
	ck_line("GET http://h/foo/bar?q=1 HTTP/1.1");
	teardown(); setup();
	/* absolute-form: the path part only */
	one("replace-path ^/a(.*) /z\\1", "GET http://h/a/b?a=1 HTTP/1.1");
	ck_line("GET http://h/z/b?a=1 HTTP/1.1");
}
END_TEST

START_TEST(normalize_uri)
{
	static const struct { const char *rule, *in, *want; } t[] = {
		{ "path-merge-slashes", "//a///b/?x=//", "/a/b/?x=//" },
		{ "path-strip-dot", "/./bar/", "/bar/" },
		{ "path-strip-dot", "/a/./a", "/a/a" },
		{ "path-strip-dot", "/.", "/" },
		{ "path-strip-dot", "/.well-known/", "/.well-known/" },
		{ "path-strip-dotdot", "/foo/../", "/" },
		{ "path-strip-dotdot", "/foo/../bar/", "/bar/" },
		{ "path-strip-dotdot", "/foo/bar/../", "/foo/" },
		{ "path-strip-dotdot", "/../bar/", "/../bar/" },
		{ "path-strip-dotdot", "/bar/../../", "/../" },
		{ "path-strip-dotdot", "/foo//../", "/foo/" },
		{ "path-strip-dotdot", "/foo/%2E%2E/", "/foo/%2E%2E/" },
		{ "path-strip-dotdot full", "/../bar/", "/bar/" },
		{ "percent-to-uppercase", "/%2f%3a?q=%aa", "/%2F%3A?q=%AA" },
		{ "percent-decode-unreserved", "/%41%2F%7e", "/A%2F~" },
		{ "percent-decode-unreserved", "/%%36%36", "/%66" },
		{ "query-sort-by-name", "/p?c=3&a=1&b=2&a=0", "/p?a=1&a=0&b=2&c=3" },
		{ "fragment-strip", "/#foo", "/" },
		{ "fragment-encode", "/#foo", "/%23foo" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char rule[128], line[128];
		snprintf(rule, sizeof(rule), "normalize-uri %s", t[i].rule);
		snprintf(line, sizeof(line), "GET %s HTTP/1.1", t[i].in);
		ck_assert_int_eq(one(rule, line), HTTP_V_CONTINUE);
		snprintf(line, sizeof(line), "GET %s HTTP/1.1", t[i].want);
		ck_line(line);
		teardown();
		setup();
	}
	/* strict: a bad percent-encoding makes the request invalid (400) */
	ck_assert_int_eq(one("normalize-uri percent-decode-unreserved strict", "GET /%%36 HTTP/1.1"),
			 HTTP_V_BADREQ);
	ck_assert_int_eq(ac.final->act, ACT_NORMALIZE_URI);
	ck_line("GET /%%36 HTTP/1.1");
}
END_TEST

/* ------------------------------------------------------------ responses */

/* Rules after set-status see the new status (once logfmt_build()
 * evaluates samples; until then %[...] prints "-"). */
START_TEST(response_rules)
{
	int samples = lf_samples_work();
	char want[256];
	load(" http-response set-status 503 reason \"Slow Down\" if { status 200 }\n"
	     " http-response set-header X-Status %[status]\n"
	     " http-response del-header Server\n"
	     " http-after-response set-header X-After 1\n");
	parse_req(REQ);
	parse_res(RES, HTTP_METH_GET);
	ck_assert_int_eq(run(RULE_HTTP_RES), HTTP_V_CONTINUE);
	ck_assert_int_eq(run(RULE_HTTP_AFTER), HTTP_V_CONTINUE);
	snprintf(want, sizeof(want), "HTTP/1.1 503 Slow Down\r\nContent-Length: 5\r\n"
		 "X-Status: %s\r\nX-After: 1\r\n\r\n", samples ? "503" : "-");
	ck_assert_str_eq(res_head(), want);
	ck_assert_int_eq(sc.status, 503);
}
END_TEST

START_TEST(set_status_reason)
{
	load(" http-response set-status 431\n");
	parse_res(RES, HTTP_METH_GET);
	run(RULE_HTTP_RES);
	ck_assert_str_eq(res_head(), "HTTP/1.1 431 Request Header Fields Too Large\r\nServer: httpd\r\n"
			 "Content-Length: 5\r\n\r\n");
	teardown(); setup();
	load(" http-response set-status 599\n");
	parse_res(RES, HTTP_METH_GET);
	run(RULE_HTTP_RES);
	ck_assert_str_eq(res_head(), "HTTP/1.1 599 Server Error\r\nServer: httpd\r\n"
			 "Content-Length: 5\r\n\r\n");
	teardown(); setup();
	/* a 200 with a body cannot become a 204: the client would read the
	 * body as the next response */
	load(" http-response set-status 204\n");
	parse_res(RES, HTTP_METH_GET);
	ck_assert_int_eq(run(RULE_HTTP_RES), HTTP_V_ERROR);
	ck_assert_str_eq(res_head(), "HTTP/1.1 200 OK\r\nServer: httpd\r\nContent-Length: 5\r\n\r\n");
}
END_TEST

/* ------------------------------------------------------------ verdicts, conditions */

START_TEST(final_verdicts)
{
	static const struct { const char *rule; enum http_verdict v; enum rule_act act; } t[] = {
		{ "deny", HTTP_V_DENY, ACT_DENY },
		{ "deny deny_status 429", HTTP_V_DENY, ACT_DENY },
		{ "tarpit", HTTP_V_TARPIT, ACT_TARPIT },
		{ "return status 200 content-type text/plain string ok", HTTP_V_RETURN, ACT_RETURN },
		{ "redirect location /elsewhere code 301", HTTP_V_REDIRECT, ACT_REDIRECT },
		{ "auth realm x", HTTP_V_AUTH, ACT_AUTH },
		{ "reject", HTTP_V_REJECT, ACT_REJECT },
		{ "silent-drop", HTTP_V_REJECT, ACT_SILENT_DROP },
		{ "use-service prometheus-exporter", HTTP_V_SERVICE, ACT_USE_SERVICE },
		{ "allow", HTTP_V_ALLOW, ACT_ALLOW },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char lines[256];
		snprintf(lines, sizeof(lines), " http-request set-header X-Before 1\n"
			 " http-request %s\n http-request set-header X-After 1\n", t[i].rule);
		load(lines);
		parse_req("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
		ck_assert_int_eq(run(RULE_HTTP_REQ), t[i].v);
		ck_assert_ptr_nonnull(ac.final);
		ck_assert_int_eq(ac.final->act, t[i].act);
		/* the list stops at the verdict */
		ck_req("GET / HTTP/1.1\r\nHost: h\r\nX-Before: 1\r\n\r\n");
		teardown();
		setup();
	}
	load(" http-response deny\n");
	parse_res(RES, HTTP_METH_GET);
	ck_assert_int_eq(run(RULE_HTTP_RES), HTTP_V_DENY);
	ck_assert_int_eq(ac.final->reply->status, 502);
}
END_TEST

START_TEST(conditions)
{
	load(" acl is_b path_beg /a/b\n"
	     " http-request set-header X-1 yes if is_b\n"
	     " http-request set-header X-2 yes unless is_b\n"
	     " http-request set-header X-3 yes if { hdr(host) -i EXAMPLE.com } METH_GET\n"
	     " http-request set-header X-4 yes if METH_POST || { path /nope }\n"
	     " http-request deny if { hdr_cnt(x-1) eq 0 }\n");
	parse_req(REQ);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	/* later conditions see earlier edits: X-1 exists, no deny */
	ck_req("GET /a/b?x=1 HTTP/1.1\r\n" REQ_HDRS "X-1: yes\r\nX-3: yes\r\n\r\n");
}
END_TEST

/* Rules of a named defaults section run before the proxy's own. */
START_TEST(defaults_first)
{
	load_cfg("defaults fed\n mode http\n timeout client 5s\n timeout server 5s\n"
		 " timeout connect 5s\n"
		 " http-request add-header X-Order fe-defaults\n"
		 " http-request set-var(txn.seen) str(d)\n"
		 "defaults bed\n mode http\n timeout client 5s\n timeout server 5s\n"
		 " timeout connect 5s\n"
		 " http-request add-header X-Order be-defaults\n"
		 "frontend fe from fed\n bind 127.0.0.1:18080\n"
		 " http-request add-header X-Order frontend if { var(txn.seen) -m str d }\n"
		 " default_backend be\n"
		 "backend be from bed\n server s1 127.0.0.1:8080\n"
		 " http-request add-header X-Order backend\n");
	parse_req("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_int_eq(run_on("fe", RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_int_eq(run_on("be", RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_req("GET / HTTP/1.1\r\nHost: h\r\nX-Order: fe-defaults\r\nX-Order: frontend\r\n"
	       "X-Order: be-defaults\r\nX-Order: backend\r\n\r\n");
	teardown(); setup();
	/* `allow` in the defaults ends the whole list */
	load_cfg("defaults base\n mode http\n timeout client 5s\n timeout server 5s\n"
		 " timeout connect 5s\n http-request allow\n"
		 "frontend fe from base\n bind 127.0.0.1:18080\n http-request deny\n"
		 " default_backend be\ndefaults plain\n mode http\n timeout client 5s\n"
		 " timeout server 5s\n timeout connect 5s\n"
		 "backend be from plain\n server s1 127.0.0.1:8080\n");
	parse_req("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_ALLOW);
}
END_TEST

/* ------------------------------------------------------------ variables, settings */

START_TEST(variables)
{
	load(" http-request set-var(txn.who) req.hdr(host)\n"
	     " http-request set-var-fmt(req.fmt) %ci-x\n"
	     " http-request set-header X-Who yes if { var(txn.who) -m str example.com }\n"
	     " http-request set-header X-Fmt yes if { var(req.fmt) -m str 192.0.2.7-x }\n"
	     " http-request unset-var(txn.who)\n"
	     " http-request unset-var(txn.never)\n"
	     " http-request set-header X-Gone yes unless { var(txn.who) -m found }\n");
	parse_req(REQ);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_req("GET /a/b?x=1 HTTP/1.1\r\n" REQ_HDRS "X-Who: yes\r\nX-Fmt: yes\r\nX-Gone: yes\r\n\r\n");
	struct smp_val v;
	ck_assert_int_eq(smp_var_get(&vars, VAR_SCOPE_REQ, "fmt", &v), 0);
	ck_assert_int_eq(smp_var_get(&vars, VAR_SCOPE_TXN, "who", &v), -1);
}
END_TEST

START_TEST(settings)
{
	/* a listen section: HAProxy takes server/tunnel timeouts only where
	 * there is a server side */
	load_cfg(HEAD "listen fe\n bind 127.0.0.1:18080\n"
		 " http-request set-log-level err\n"
		 " http-request set-timeout server 5s\n"
		 " http-request set-timeout tunnel int(2500)\n"
		 " http-request early-hint Link </style.css>\n"
		 " server s1 127.0.0.1:8080\n");
	parse_req(REQ);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_int_eq(ac.log_level, LOG_LVL_ERR);
	ck_assert_int_eq(ac.tmo_server, 5000);
	ck_assert_int_eq(ac.tmo_tunnel, 2500);
	ck_assert_int_eq(ac.tmo_client, -1);
	ck_line("GET /a/b?x=1 HTTP/1.1");
	teardown(); setup();
	load(" http-request set-log-level silent\n");
	parse_req(REQ);
	run(RULE_HTTP_REQ);
	ck_assert_int_eq(ac.log_level, HTTP_LOG_SILENT);
}
END_TEST

/* ------------------------------------------------------------ captures */

static const char *cap(int is_res, int idx)
{
	static char b[HTTP_CAPS_DATA + 1];
	size_t n;
	const char *p = http_cap_get(&caps, is_res, idx, &n);
	if (!p)
		return NULL;
	memcpy(b, p, n);
	b[n] = 0;
	return b;
}

START_TEST(captures)
{
	load(" capture request header Host len 7\n"
	     " capture request header X-None len 4\n"
	     " capture response header Server len 3\n"
	     " http-request capture req.hdr(user-agent) len 4\n"
	     " http-request capture path len 10\n"
	     " http-request capture str(late) id 1\n"
	     " http-request capture str(nope) id 9\n"
	     " http-response capture res.hdr(content-length) id 0\n");
	parse_req("GET /a/b HTTP/1.1\r\nHost: first\r\nHost2: x\r\nUser-Agent: curl/8\r\n\r\n");
	/* the parser refuses two Host headers: the last occurrence rule is
	 * checked with another header below */
	http_caps_take(px("fe"), &req, 0, &caps);
	ck_assert_int_eq(caps.nreq, 4);   /* 2 header slots + 2 `len` rules */
	ck_assert_str_eq(cap(0, 0), "first");
	ck_assert_ptr_null(cap(0, 1));
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_str_eq(cap(0, 2), "curl");
	ck_assert_str_eq(cap(0, 3), "/a/b");
	ck_assert_str_eq(cap(0, 1), "late");   /* truncated to the slot's 4 */
	ck_assert_int_eq(caps.nreq, 4);        /* id 9 does not exist: ignored */
	parse_res("HTTP/1.1 200 OK\r\nServer: httpd\r\nContent-Length: 12345\r\n\r\n", HTTP_METH_GET);
	http_caps_take(px("fe"), &res, 1, &caps);
	ck_assert_str_eq(cap(1, 0), "htt");
	ck_assert_int_eq(run(RULE_HTTP_RES), HTTP_V_CONTINUE);
	ck_assert_str_eq(cap(1, 0), "123");
	ck_assert_int_eq(caps.nres, 1);
}
END_TEST

START_TEST(capture_last_occurrence)
{
	load(" capture request header X-F len 10\n");
	parse_req("GET / HTTP/1.1\r\nHost: h\r\nX-F: one\r\nx-f: two\r\n\r\n");
	http_caps_take(px("fe"), &req, 0, &caps);
	ck_assert_str_eq(cap(0, 0), "two");
	/* the data area is bounded: a value that does not fit is refused */
	char big[HTTP_CAPS_DATA];
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(http_cap_set(&caps, 0, 1, big, sizeof(big), sizeof(big)), -1);
	ck_assert_int_eq(http_cap_set(&caps, 0, HTTP_CAPS_MAX, "x", 1, 1), -1);
	ck_assert_int_eq(http_cap_set(&caps, 0, 1, big, 10, 5), 0);
	ck_assert_str_eq(cap(0, 1), "aaaaa");
}
END_TEST

/* ------------------------------------------------------------ limits */

/* An edit that does not fit the head buffer fails as a whole: strict mode
 * answers 500, without it the rule is skipped and counted; the head the
 * server gets is the one before the rule. */
START_TEST(buffer_full)
{
	static const char raw[] = "GET /a HTTP/1.1\r\nHost: h\r\nX-Old: 1\r\n\r\n";
	load(" http-request set-header X-Old 0123456789012345678901234567890123456789\n");
	parse_req_cap(raw, (uint32_t)strlen(raw) + 30, 0);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_ERROR);
	ck_assert_uint_eq(ac.failed_rewrites, 1);
	ck_req(raw);
	teardown(); setup();
	load(" http-request strict-mode off\n"
	     " http-request set-header X-Old 0123456789012345678901234567890123456789\n"
	     " http-request set-path /0123456789012345678901234567890123456789\n"
	     " http-request set-header X-Small 1\n");
	parse_req_cap(raw, (uint32_t)strlen(raw) + 30, 0);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_assert_uint_eq(ac.failed_rewrites, 2);
	ck_req("GET /a HTTP/1.1\r\nHost: h\r\nX-Old: 1\r\nX-Small: 1\r\n\r\n");
	teardown(); setup();
	/* strict-mode is back on for the next list */
	load(" http-request strict-mode off\n"
	     " http-response set-header X-Big 0123456789012345678901234567890123456789\n");
	parse_req_cap(raw, (uint32_t)strlen(raw) + 30, 0);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	struct http_err err;
	http_msg_init(&res, 1, 8, 60);
	ck_assert_int_gt(h1_parse_response(&res, RES, strlen(RES), 60, HTTP_METH_GET, &err), 0);
	ck_assert_int_eq(run(RULE_HTTP_RES), HTTP_V_ERROR);
}
END_TEST

/* The header array is full: add-header fails, unless a deleted header's
 * slot can be reused (the order of the others is kept). */
START_TEST(header_array_full)
{
	static const char raw[] = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n";
	load(" http-request add-header C 3\n");
	parse_req_cap(raw, 0, 3);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_ERROR);
	ck_req(raw);
	teardown(); setup();
	load(" http-request del-header A\n http-request add-header C 3\n http-request set-header B 4\n");
	parse_req_cap(raw, 0, 3);
	ck_assert_int_eq(run(RULE_HTTP_REQ), HTTP_V_CONTINUE);
	ck_req("GET / HTTP/1.1\r\nHost: h\r\nC: 3\r\nB: 4\r\n\r\n");
}
END_TEST

/* The edit functions on their own: what the rules cannot reach. */
START_TEST(edit_api)
{
	parse_req(REQ);
	ck_assert_int_eq(http_hdr_add(&req, S_("X-A"), S_("a\r\nB: c")), -1);
	ck_assert_int_eq(http_hdr_add(&req, S_("X-A"), S_("a\nb")), -1);
	ck_assert_int_eq(http_hdr_add(&req, "X-A", 3, "a\0b", 3), -1);
	ck_assert_int_eq(http_hdr_add(&req, S_("X-A:"), S_("v")), -1);
	ck_assert_int_eq(http_hdr_add(&req, S_(""), S_("v")), -1);
	ck_assert_int_eq(http_hdr_add(&req, S_("X-A"), S_("tab\tand obs-text \xe9")), 0);
	ck_assert_int_eq(http_hdr_add(&req, S_("X-E"), S_("")), 0);
	ck_assert_int_eq(http_set_method(&req, S_("")), -1);
	ck_assert_int_eq(http_set_uri(&req, S_("/a\x7f")), -1);
	ck_assert_int_eq(http_set_status(&req, 200, NULL, 0), -1);   /* not a response */
	ck_req("GET /a/b?x=1 HTTP/1.1\r\n" REQ_HDRS "X-A: tab\tand obs-text \xe9\r\nX-E: \r\n\r\n");
	ck_assert_str_eq(http_status_reason(404), "Not Found");
	ck_assert_str_eq(http_status_reason(302), "Found");
	ck_assert_str_eq(http_status_reason(299), "Success");
	ck_assert_str_eq(http_status_reason(999), "Other");
	ck_assert_int_eq(http_norm_lookup("path-strip-dot"), HTTP_NORM_STRIP_DOT);
	ck_assert_int_eq(http_norm_lookup("nope"), -1);
}
END_TEST

static Suite *http_act_suite(void)
{
	Suite *s = suite_create("http_act");
	TCase *tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, set_add_del_header);
	tcase_add_test(tc, log_values_filled_lazily);
	tcase_add_test(tc, set_header_all_occurrences);
	tcase_add_test(tc, del_header_methods);
	tcase_add_test(tc, framing_headers_kept);
	tcase_add_test(tc, replace_header);
	tcase_add_test(tc, replace_value);
	tcase_add_test(tc, no_injection);
	tcase_add_test(tc, no_injection_from_sample);
	tcase_add_test(tc, set_path_keeps_query);
	tcase_add_test(tc, set_pathq_query_uri);
	tcase_add_test(tc, set_method);
	tcase_add_test(tc, replace_path_pathq_uri);
	tcase_add_test(tc, normalize_uri);
	tcase_add_test(tc, response_rules);
	tcase_add_test(tc, set_status_reason);
	tcase_add_test(tc, final_verdicts);
	tcase_add_test(tc, conditions);
	tcase_add_test(tc, defaults_first);
	tcase_add_test(tc, variables);
	tcase_add_test(tc, settings);
	tcase_add_test(tc, captures);
	tcase_add_test(tc, capture_last_occurrence);
	tcase_add_test(tc, buffer_full);
	tcase_add_test(tc, header_array_full);
	tcase_add_test(tc, edit_api);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(http_act_suite)
