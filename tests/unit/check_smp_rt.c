/*
 * Unit tests of the run-time evaluator (src/acl/smp_*_rt.c, acl_rt.c,
 * pat_index.c): the promise that ACL conditions and sample expressions of
 * a loaded configuration give, on a request or response, the answers
 * HAProxy's configuration manual (section 7) describes -- host, path and
 * method ACLs, `||`, `!`, anonymous ACLs, lines of one name ORed,
 * predefined ACLs, networks, header splitting on commas, cookies, URL
 * parameters, time with integer ranges, maps with defaults, nbsrv() read
 * from a real segment, uuid(), JSON escaping -- without allocating.
 */
#include <arpa/inet.h>
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "weir/http-act.h"
#include "testutil.h"
#include "weir/acl.h"
#include "weir/rule-t.h"
#include "weir/sample-rt.h"
#include "weir/sample.h"
#include "weir/shm.h"

/* ------------------------------------------------------------ helpers */

#define MAXH 32

/* A request or response built by hand from its text, as the HTTP/1
 * parser will fill it: spans into buf. */
struct t_msg {
	struct http_msg m;
	struct http_hdr h[MAXH];
	char buf[4096];
};

static uint32_t span_end(const char *buf, const char *p, const char *stop, struct http_str *s)
{
	s->off = (uint32_t)(p - buf);
	s->len = (uint32_t)(stop - p);
	return s->off + s->len;
}

static const char *const meths[] = { "", "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
				     "OPTIONS", "TRACE", "PATCH" };

static void first_line(struct t_msg *t, char *line)
{
	char *a = strchr(line, ' '), *b = a ? strchr(a + 1, ' ') : NULL;
	ck_assert(a && b);
	if (t->m.is_response) {
		t->m.vmajor = line[5] - '0';
		t->m.vminor = line[7] - '0';
		t->m.status = atoi(a + 1);
		span_end(t->buf, b + 1, b + strlen(b), &t->m.reason);
		return;
	}
	span_end(t->buf, line, a, &t->m.method);
	span_end(t->buf, a + 1, b, &t->m.uri);
	t->m.vmajor = b[6] - '0';
	t->m.vminor = b[8] - '0';
	t->m.meth = HTTP_METH_OTHER;
	for (int i = 1; i < 10; i++)
		if (strlen(meths[i]) == (size_t)(a - line) && !memcmp(meths[i], line, (size_t)(a - line)))
			t->m.meth = (enum http_meth)i;
}

/* Lines end with "\n"; "Name: value" headers, the value trimmed. */
static struct http_msg *t_msg_fill(struct t_msg *t, const char *text, int is_response)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->buf, sizeof(t->buf), "%s", text);
	t->m.is_response = is_response;
	t->m.buf = t->buf;
	t->m.buf_len = t->m.buf_cap = (uint32_t)strlen(t->buf);
	t->m.hdrs = t->h;
	t->m.maxhdrs = MAXH;
	char *line = t->buf;
	for (int n = 0; *line; n++) {
		char *nl = strchr(line, '\n');
		ck_assert(nl);
		*nl = 0;   /* the spans never include it */
		if (n == 0) {
			first_line(t, line);
		} else {
			char *colon = strchr(line, ':'), *v = colon + 1;
			ck_assert(colon && t->m.nhdrs < MAXH);
			struct http_hdr *h = &t->h[t->m.nhdrs++];
			span_end(t->buf, line, colon, &h->name);
			while (*v == ' ')
				v++;
			span_end(t->buf, v, nl, &h->value);
		}
		line = nl + 1;
	}
	return &t->m;
}

static struct cfg *cfg;
static struct proxy_conf *fe;
static struct t_msg req, res;
static char scratch[4096];
static struct smp_vars vars;
static struct sockaddr_storage cli, dst;
static struct smp_ctx sc;
static char map_str_path[64], map_ip_path[64], map_beg_path[64], map_reg_path[64],
	    pat_path[64];

static void write_file(char *path, const char *text)
{
	snprintf(path, 64, "/tmp/weir-smp-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static struct proxy_conf *px_named(const char *name)
{
	struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, struct proxy_conf *, px)
		if (!strcmp(px->name, name))
			return px;
	ck_abort_msg("no proxy %s", name);
	return NULL;
}

static void set_addr(struct sockaddr_storage *ss, const char *ip, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, ip, &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, ip, &s4->sin_addr);
	}
}

static const char *const cfg_fmt =
	"frontend fe\n"
	"  mode http\n"
	"  bind 127.0.0.1:8080\n"
	"  acl host_a hdr(host) -i www.example.com\n"
	"  acl api path_beg /api/\n"
	"  acl get method GET\n"
	"  acl img path_end .png .jpg\n"
	"  acl multi path /a\n"
	"  acl multi path /b\n"
	"  acl lan src 10.0.0.0/8 192.168.1.5 192.168.1.7 2001:db8::/32\n"
	"  acl curl hdr_sub(User-Agent) -i CURL\n"
	"  acl items path_reg ^/v[0-9]+/items$\n"
	"  acl alice url_param(user) alice\n"
	"  acl sess cook(SESSID) abc123\n"
	"  acl day date,ltime(%%H) -m int 0:23\n"
	"  acl never date,ltime(%%H) -m int 24:99\n"
	"  acl fwd_b hdr(x-fwd) b\n"
	"  acl dom hdr_dom(host) -i example.com\n"
	"  acl dir path_dir -i API\n"
	"  acl listed hdr(host) -f %s\n"
	"  acl up nbsrv(b1) ge 1\n"
	"  acl port dst_port 8080\n"
	"  acl tls ssl_fc\n"
	"  use_backend b1 if host_a api get\n"           /* 0 */
	"  use_backend b1 if img || get !host_a\n"       /* 1 */
	"  use_backend b1 if { path_sub -i ADMIN }\n"    /* 2 */
	"  use_backend b1 unless get\n"                  /* 3 */
	"  use_backend b1 if multi\n"                    /* 4 */
	"  use_backend b1 if METH_GET HTTP_1.1 HTTP\n"   /* 5 */
	"  use_backend b1 if LOCALHOST\n"                /* 6 */
	"  use_backend b1 if TRUE !FALSE\n"              /* 7 */
	"  use_backend b1 if lan\n"                      /* 8 */
	"  use_backend b1 if curl\n"                     /* 9 */
	"  use_backend b1 if items\n"                    /* 10 */
	"  use_backend b1 if alice sess\n"               /* 11 */
	"  use_backend b1 if day !never\n"               /* 12 */
	"  use_backend b1 if fwd_b dom dir\n"            /* 13 */
	"  use_backend b1 if listed\n"                   /* 14 */
	"  use_backend b1 if up port !tls\n"             /* 15 */
	"  use_backend b1 if METH_POST\n"                /* 16 */
	"  default_backend b1\n"
	"backend b1\n"
	"  mode http\n"
	"  server s1 127.0.0.1:81\n"
	"  server s2 127.0.0.1:82\n"
	"  server s3 127.0.0.1:83 disabled\n"
	"  server s4 127.0.0.1:84 backup\n";

static void setup(void)
{
	char text[4096];
	write_file(map_str_path, "www.example.com be_www\n# comment\napi.example.com be_api\n");
	write_file(map_ip_path, "10.0.0.0/8 ten\n10.1.0.0/16 ten-one\n192.168.1.5 host5\n"
		   "192.168.1.5 dup\n");
	write_file(map_beg_path, "/static/ st\n/api/ api\n");
	write_file(map_reg_path, "^/v[0-9]+/ versioned\n");
	write_file(pat_path, "other.org\nwww.example.com\n");
	snprintf(text, sizeof(text), cfg_fmt, pat_path);
	cfg = t_load_ok(text);
	fe = px_named("fe");
	memset(&sc, 0, sizeof(sc));
	memset(&vars, 0, sizeof(vars));
	set_addr(&cli, "127.0.0.1", 40000);
	set_addr(&dst, "127.0.0.1", 8080);
	sc.cli = &cli;
	sc.fe_addr = &dst;
	sc.cfg = cfg;
	sc.fe = fe;
	sc.be = NULL;
	sc.fe_rec = sc.be_rec = -1;
	sc.vars = &vars;
	sc.scr.buf = scratch;
	sc.scr.cap = sizeof(scratch);
	sc.req = t_msg_fill(&req, "GET /api/users?user=alice&x=1 HTTP/1.1\n"
			    "Host: www.example.com\n"
			    "User-Agent: curl/8.0\n"
			    "Cookie: lang=fr; SESSID=abc123\n"
			    "X-Fwd: a, \"b,c\", b\n"
			    "x-fwd: c\n", 0);
}

static void teardown(void)
{
	unlink(map_str_path);
	unlink(map_ip_path);
	unlink(map_beg_path);
	unlink(map_reg_path);
	unlink(pat_path);
	cfg_free(cfg);
}

static int cond(int i)
{
	ck_assert_int_lt(i, fe->switching_rules.n);
	const struct rule *r = fe->switching_rules.v[i];
	sc.scr.used = 0;
	return acl_cond_eval(r->cond, &sc);
}

static struct cfg_ctx *t_ctx(void)
{
	static struct cfg_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.arena = cfg->arena;
	ctx.sec = CFG_SEC_FRONTEND;
	ctx.loc.file = "t.cfg";
	ctx.loc.line = 1;
	ctx.kw = "test";
	ctx.px = fe;
	return &ctx;
}

static struct sample_expr *expr(const char *text)
{
	char err[1024];
	struct sample_expr *e = sample_expr_parse(t_ctx(), text, 0, err, sizeof(err));
	ck_assert_msg(e != NULL, "'%s': %s", text, err);
	return e;
}

/* Evaluates text as a string: NULL when not found. */
static const char *eval_str(const char *text)
{
	static char out[1024];
	struct smp_val v = { 0 };
	if (sample_eval(expr(text), &sc, &v) < 0)
		return NULL;
	ck_assert_int_eq(smp_cast(&v, SMP_T_STR, &sc), 0);
	snprintf(out, sizeof(out), "%.*s", (int)v.str.len, v.str.ptr);
	return out;
}

static long long eval_int(const char *text)
{
	struct smp_val v = { 0 };
	ck_assert_msg(sample_eval(expr(text), &sc, &v) == 0, "%s not found", text);
	ck_assert_int_eq(smp_cast(&v, SMP_T_SINT, &sc), 0);
	return v.sint;
}

/* A condition written after the load ("if { ... } || name"), evaluated. */
static int cond_text(const char *text)
{
	char buf[512], *w[32];
	int n = 0;
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *save, *t = strtok_r(buf, " ", &save); t && n < 32; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	struct acl_cond *c = acl_cond_parse(t_ctx(), n, w, SMP_AT_HTTP_REQ);
	ck_assert_msg(c != NULL, "'%s' did not parse", text);
	sc.scr.used = 0;
	return acl_cond_eval(c, &sc);
}

#define STR_EQ(text, want) do { \
		const char *got_ = eval_str(text); \
		ck_assert_msg(got_ && !strcmp(got_, want), "%s: got '%s', want '%s'", text, \
			      got_ ? got_ : "(not found)", want); \
	} while (0)

/* ------------------------------------------------------------ conditions */

START_TEST(host_path_method)
{
	ck_assert_int_eq(cond(0), 1);
	ck_assert_int_eq(cond(3), 0);
	ck_assert_int_eq(cond(16), 0);
	t_msg_fill(&req, "POST /api/x HTTP/1.1\nHost: WWW.EXAMPLE.COM\n", 0);
	ck_assert_int_eq(cond(0), 0);   /* not GET */
	ck_assert_int_eq(cond(3), 1);   /* unless get */
	ck_assert_int_eq(cond(16), 1);
	t_msg_fill(&req, "GET /api/x HTTP/1.1\nHost: WWW.Example.com\n", 0);
	ck_assert_int_eq(cond(0), 1);   /* -i */
	t_msg_fill(&req, "GET /apix HTTP/1.1\nHost: www.example.com\n", 0);
	ck_assert_int_eq(cond(0), 0);
}
END_TEST

START_TEST(or_not_anonymous)
{
	/* img || get !host_a */
	ck_assert_int_eq(cond(1), 0);
	t_msg_fill(&req, "GET /x HTTP/1.1\nHost: other\n", 0);
	ck_assert_int_eq(cond(1), 1);
	t_msg_fill(&req, "POST /logo.png HTTP/1.1\nHost: www.example.com\n", 0);
	ck_assert_int_eq(cond(1), 1);
	ck_assert_int_eq(cond(2), 0);
	t_msg_fill(&req, "POST /x/Admin/y HTTP/1.1\n", 0);
	ck_assert_int_eq(cond(2), 1);
}
END_TEST

START_TEST(same_name_ored)
{
	ck_assert_int_eq(cond(4), 0);
	t_msg_fill(&req, "GET /a HTTP/1.1\n", 0);
	ck_assert_int_eq(cond(4), 1);
	t_msg_fill(&req, "GET /b HTTP/1.1\n", 0);
	ck_assert_int_eq(cond(4), 1);
	t_msg_fill(&req, "GET /b/ HTTP/1.1\n", 0);
	ck_assert_int_eq(cond(4), 0);
}
END_TEST

START_TEST(predefined)
{
	ck_assert_int_eq(cond(5), 1);
	ck_assert_int_eq(cond(6), 1);
	ck_assert_int_eq(cond(7), 1);
	t_msg_fill(&req, "HEAD / HTTP/1.0\n", 0);
	ck_assert_int_eq(cond(5), 0);   /* METH_GET covers HEAD, HTTP_1.1 does not hold */
	set_addr(&cli, "::1", 1);
	ck_assert_int_eq(cond(6), 1);
	set_addr(&cli, "10.0.0.1", 1);
	ck_assert_int_eq(cond(6), 0);
	sc.req = NULL;                  /* TCP mode: no HTTP */
	ck_assert_int_eq(cond(5), 0);
	ck_assert_int_eq(cond(0), 0);
	ck_assert_int_eq(cond(3), 1);
}
END_TEST

START_TEST(src_networks)
{
	static const struct { const char *ip; int in; } cases[] = {
		{ "10.200.3.4", 1 }, { "192.168.1.5", 1 }, { "192.168.1.6", 0 },
		{ "192.168.1.7", 1 }, { "11.0.0.1", 0 }, { "2001:db8::1", 1 },
		{ "2001:db9::1", 0 }, { "::ffff:10.1.2.3", 1 }, { "::ffff:192.168.1.5", 1 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_addr(&cli, cases[i].ip, 1);
		ck_assert_msg(cond(8) == cases[i].in, "%s", cases[i].ip);
	}
	STR_EQ("src", "::ffff:192.168.1.5");
	STR_EQ("src,ipmask(24,64)", "::");
	set_addr(&cli, "192.168.1.77", 4242);
	STR_EQ("src,ipmask(24)", "192.168.1.0");
	STR_EQ("src,ipmask(255.255.0.0)", "192.168.0.0");
	ck_assert_int_eq(eval_int("src_port"), 4242);
	ck_assert_int_eq(eval_int("dst_port"), 8080);
	STR_EQ("dst", "127.0.0.1");
}
END_TEST

START_TEST(headers_cookies_params)
{
	ck_assert_int_eq(cond(9), 1);    /* hdr_sub(User-Agent) -i CURL */
	ck_assert_int_eq(cond(11), 1);   /* url_param(user) and cook(SESSID) */
	ck_assert_int_eq(cond(13), 1);   /* hdr(x-fwd) b, hdr_dom, path_dir -i */
	ck_assert_int_eq(cond(14), 1);   /* -f file */
	STR_EQ("hdr(x-fwd)", "c");
	STR_EQ("hdr(x-fwd,1)", "a");
	STR_EQ("hdr(x-fwd,2)", "\"b,c\"");
	STR_EQ("hdr(x-fwd,-2)", "b");
	STR_EQ("req.fhdr(x-fwd,1)", "a, \"b,c\", b");
	STR_EQ("req.hdr(HOST)", "www.example.com");
	ck_assert_ptr_null(eval_str("hdr(x-fwd,5)"));
	ck_assert_ptr_null(eval_str("hdr(nope)"));
	ck_assert_int_eq(eval_int("hdr_cnt(x-fwd)"), 4);
	ck_assert_int_eq(eval_int("req.fhdr_cnt(x-fwd)"), 2);
	ck_assert_int_eq(eval_int("hdr_cnt(nope)"), 0);
	STR_EQ("cook(lang)", "fr");
	STR_EQ("req.cook(SESSID)", "abc123");
	ck_assert_ptr_null(eval_str("cook(sessid)"));   /* cookie names are case-sensitive */
	ck_assert_int_eq(eval_int("cook_cnt(lang)"), 1);
	STR_EQ("url_param(user)", "alice");
	STR_EQ("urlp(x)", "1");
	ck_assert_int_eq(eval_int("urlp_val(x)"), 1);
	ck_assert_ptr_null(eval_str("url_param(nobody)"));
	STR_EQ("path", "/api/users");
	STR_EQ("query", "user=alice&x=1");
	STR_EQ("url", "/api/users?user=alice&x=1");
	STR_EQ("base", "www.example.com/api/users");
	STR_EQ("method", "GET");
	STR_EQ("req.ver", "1.1");
	t_msg_fill(&req, "GET /v2/items HTTP/1.1\nUser-Agent: Mozilla\n", 0);
	ck_assert_int_eq(cond(9), 0);
	ck_assert_int_eq(cond(10), 1);   /* path_reg */
	ck_assert_int_eq(cond(11), 0);
	ck_assert_int_eq(cond(14), 0);
	t_msg_fill(&req, "GET http://h.example:80/v2/items?q HTTP/1.1\n", 0);
	ck_assert_int_eq(cond(10), 1);   /* path of an absolute URI */
	STR_EQ("path", "/v2/items");
	STR_EQ("pathq", "/v2/items?q");
	STR_EQ("base", "/v2/items");
	t_msg_fill(&req, "GET /v2/items/ HTTP/1.1\n", 0);
	ck_assert_int_eq(cond(10), 0);
}
END_TEST

START_TEST(response)
{
	ck_assert_ptr_null(eval_str("status"));
	ck_assert_ptr_null(eval_str("res.hdr(server)"));
	sc.res = t_msg_fill(&res, "HTTP/1.1 503 Service Unavailable\nServer: x\n"
			    "Set-Cookie: SRV=s1; path=/\nSet-Cookie: other=2\n", 1);
	ck_assert_int_eq(eval_int("status"), 503);
	STR_EQ("res.hdr(server)", "x");
	STR_EQ("res.cook(SRV)", "s1");
	ck_assert_ptr_null(eval_str("res.cook(path)"));   /* attributes are no cookies */
	ck_assert_int_eq(eval_int("res.cook_cnt"), 2);
	STR_EQ("res.ver", "1.1");
}
END_TEST

START_TEST(matchers)
{
	static const struct { const char *cond; int want; } cases[] = {
		{ "if { hdr(x-fwd) -m found }", 1 },
		{ "if { hdr(x-none) -m found }", 0 },
		{ "unless { hdr(x-none) -m found }", 1 },
		{ "if { hdr(host) -m len 15 }", 1 },
		{ "if { hdr(host) -m len 16: }", 0 },
		{ "if { hdr(host) -m beg -i WWW. }", 1 },
		{ "if { hdr(host) -m beg WWW. }", 0 },
		{ "if { hdr(host) -m end .com }", 1 },
		{ "if { hdr(host) -m sub ample }", 1 },
		{ "if { hdr(host) -m dom www }", 1 },
		{ "if { hdr(host) -m dom ww }", 0 },
		{ "if { hdr(host) -m reg -i ^WWW\\. }", 1 },
		{ "if { path -m dir users }", 1 },
		{ "if { path -m dir user }", 0 },
		{ "if { url_param(x) -m int 1 }", 1 },
		{ "if { url_param(x) -m int gt 1 }", 0 },
		{ "if { int(0) -m bool }", 0 },
		{ "if { int(3) -m bool }", 1 },
		{ "if { hdr_cnt(x-fwd) 3:5 }", 1 },
		{ "if { hdr_cnt(x-fwd) lt 4 }", 0 },
		{ "if { src -m ip 127.0.0.0/255.0.0.0 }", 1 },
		{ "if { method -i get }", 1 },
		{ "if { method POST } || { method GET }", 1 },
		{ "if ! { method GET }", 0 },
		{ "if { req.hdr(x-fwd) -m str \"b,c\" }", 1 },
		{ "if { req.fhdr(x-fwd) -m str c }", 1 },
		{ "if { req.fhdr(x-fwd) -m str b }", 0 },
		{ "if { str(a),lower,upper -m str A }", 1 },
		{ "if HTTP_URL_SLASH !HTTP_URL_STAR !HTTP_URL_ABS", 1 },
		{ "if { ssl_fc_sni -m found }", 0 },   /* no run-time function: not found */
		{ "unless { ssl_fc_sni -m found }", 1 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(cond_text(cases[i].cond) == cases[i].want, "%s: want %d", cases[i].cond,
			      cases[i].want);
}
END_TEST

/* ------------------------------------------------------------ time */

START_TEST(date_ranges)
{
	char want[8];
	time_t now = time(NULL);
	struct tm tm;
	ck_assert_int_eq(cond(12), 1);
	gmtime_r(&now, &tm);
	snprintf(want, sizeof(want), "%02d", tm.tm_hour);
	const char *got = eval_str("date,utime(%H)");
	ck_assert_msg(!strcmp(got, want) || tm.tm_min == 59, "got %s want %s", got, want);
	STR_EQ("int(86400),utime(%Y-%m-%d %H:%M)", "1970-01-02 00:00");
	STR_EQ("int(0),utime(%H,3600)", "01");
	long long d = eval_int("date");
	ck_assert(d >= now && d <= now + 2);
	ck_assert(eval_int("date(10)") >= now + 10);
	ck_assert(eval_int("date(0,ms)") / 1000 >= now);
}
END_TEST

/* ------------------------------------------------------------ maps */

START_TEST(maps)
{
	char e[256];
	snprintf(e, sizeof(e), "hdr(host),lower,map(%s,be_default)", map_str_path);
	STR_EQ(e, "be_www");
	snprintf(e, sizeof(e), "hdr(host),map_str(%s)", map_str_path);
	STR_EQ(e, "be_www");
	snprintf(e, sizeof(e), "str(nowhere),map(%s,be_default)", map_str_path);
	STR_EQ(e, "be_default");
	snprintf(e, sizeof(e), "str(nowhere),map(%s)", map_str_path);
	ck_assert_ptr_null(eval_str(e));
	snprintf(e, sizeof(e), "path,map_beg(%s,none)", map_beg_path);
	STR_EQ(e, "api");
	snprintf(e, sizeof(e), "str(/v3/x),map_reg(%s,none)", map_reg_path);
	STR_EQ(e, "versioned");
	snprintf(e, sizeof(e), "str(/v/x),map_reg(%s,none)", map_reg_path);
	STR_EQ(e, "none");
	/* map_ip: the longest prefix wins, then the first of equal keys */
	static const struct { const char *ip, *want; } ips[] = {
		{ "10.9.9.9", "ten" }, { "10.1.2.3", "ten-one" }, { "192.168.1.5", "host5" },
		{ "8.8.8.8", "far" },
	};
	for (unsigned i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		set_addr(&cli, ips[i].ip, 1);
		snprintf(e, sizeof(e), "src,map_ip(%s,far)", map_ip_path);
		STR_EQ(e, ips[i].want);
	}
	snprintf(e, sizeof(e), "str(10.1.0.1),map_ip(%s)", map_ip_path);
	STR_EQ(e, "ten-one");
}
END_TEST

/* ------------------------------------------------------------ segment */

START_TEST(nbsrv_segment)
{
	struct shm_layout l;
	struct shm_seg seg;
	struct proxy_conf *b1 = px_named("b1");
	ck_assert_msg(shm_layout_compute(cfg, 1, &l) == 0, "%s", l.error);
	ck_assert_int_eq(shm_create(&l, &seg), 0);
	sc.shm = seg.base;
	sc.be_of_px = l.be_of_px;
	sc.fe_of_px = l.fe_of_px;
	ck_assert_ptr_null(eval_str("nbsrv"));   /* no backend chosen yet */
	ck_assert_int_eq(eval_int("nbsrv(b1)"), 2);   /* s3 is disabled, s4 a backup */
	ck_assert_int_eq(cond(15), 1);
	struct shm_be *be = shm_backend(seg.base, (uint32_t)l.be_of_px[1]);
	be->srv_act = 0;                 /* as the checker writes it */
	ck_assert_int_eq(eval_int("nbsrv(b1)"), 1);   /* the first backup */
	be->srv_bck = 0;
	ck_assert_int_eq(eval_int("nbsrv(b1)"), 0);
	ck_assert_int_eq(cond(15), 0);
	be->c.scur = 7;
	shm_frontend(seg.base, (uint32_t)l.fe_of_px[0])->c.scur = 3;
	ck_assert_int_eq(eval_int("be_conn(b1)"), 7);
	ck_assert_int_eq(eval_int("fe_conn(fe)"), 3);
	sc.be = b1;
	sc.be_rec = l.be_of_px[1];
	sc.fe_rec = l.fe_of_px[0];
	ck_assert_int_eq(eval_int("be_conn"), 7);
	ck_assert_int_eq(eval_int("fe_conn"), 3);
	STR_EQ("be_name", "b1");
	STR_EQ("fe_name", "fe");
	shm_destroy(&seg);
	shm_layout_release(&l);
}
END_TEST

/* ------------------------------------------------------------ converters */

START_TEST(uuid_format)
{
	regex_t re;
	char first[64];
	ck_assert_int_eq(regcomp(&re, "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
				 "[0-9a-f]{12}$", REG_EXTENDED | REG_NOSUB), 0);
	snprintf(first, sizeof(first), "%s", eval_str("uuid"));
	for (int i = 0; i < 100; i++) {
		const char *u = eval_str("uuid(4)");
		ck_assert_msg(regexec(&re, u, 0, NULL, 0) == 0, "bad uuid %s", u);
		ck_assert_str_ne(u, first);
	}
	regfree(&re);
	/* a worker forked after the seed draws its own sequence */
	int fds[2];
	char child[37] = "", mine[37];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		smp_uuid4(child);
		_exit(write(fds[1], child, 36) == 36 ? 0 : 1);
	}
	smp_uuid4(mine);
	ck_assert_int_eq(read(fds[0], child, 36), 36);
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
	ck_assert_str_ne(child, mine);
}
END_TEST

START_TEST(json_escaping)
{
	sc.req = t_msg_fill(&req, "GET / HTTP/1.1\n"
			    "X-J: a\"b\\c/d\te\x01 \xc3\xa9\n"
			    "X-U: \xf0\x9f\x98\x80!\n"
			    "X-Bad: a\xff" "b\n", 0);
	STR_EQ("hdr(x-j),json", "a\\\"b\\\\c\\/d\\te\\u0001 \\u00c3\\u00a9");
	STR_EQ("hdr(x-j),json(utf8)", "a\\\"b\\\\c\\/d\\te\\u0001 \\u00e9");
	STR_EQ("hdr(x-u),json(utf8)", "\\ud83d\\ude00!");
	ck_assert_ptr_null(eval_str("hdr(x-bad),json(utf8)"));
	STR_EQ("hdr(x-bad),json(utf8s)", "ab");
}
END_TEST

START_TEST(string_converters)
{
	char many[400] = "", e[512];
	for (int i = 1; i <= 100; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s%d", i > 1 ? "-" : "", i);
	snprintf(e, sizeof(e), "str(%s),field(90,-)", many);
	STR_EQ(e, "90");
	snprintf(e, sizeof(e), "str(%s),field(-100,-)", many);
	STR_EQ(e, "1");
	STR_EQ("hdr(host),upper", "WWW.EXAMPLE.COM");
	STR_EQ("str(AbC),lower", "abc");
	STR_EQ("str(AbC),hex", "416243");
	STR_EQ("str(hello),base64", "aGVsbG8=");
	STR_EQ("str(hi),base64", "aGk=");
	STR_EQ("str(a.b.c.d),field(2,.)", "b");
	STR_EQ("str(a.b.c.d),field(-1,.)", "d");
	STR_EQ("str(a.b.c.d),field(2,.,2)", "b.c");
	STR_EQ("str(a..b),field(3,.)", "b");
	STR_EQ("str(a..b),word(2,.)", "b");
	STR_EQ("str(/x//y/),word(-1,/)", "y");
	STR_EQ("str(/x//y/),word(1,/,0)", "x//y");
	STR_EQ("str(a.b.c.d),field(3,.,0)", "c.d");
	ck_assert_ptr_null(eval_str("str(a.b),field(3,.)"));
	ck_assert_ptr_null(eval_str("str(a.b),field(-3,.)"));
	ck_assert_int_eq(eval_int("hdr(host),length"), 15);
	STR_EQ("str(a%20b+c),url_dec", "a b+c");
	STR_EQ("str(a%20b+c),url_dec(1)", "a b c");
	STR_EQ("str(/p?a+b),url_dec", "/p?a b");
	ck_assert_ptr_null(eval_str("str(bad%2),url_dec"));
	setenv("WEIR_SMP_TEST", "yes", 1);
	STR_EQ("env(WEIR_SMP_TEST)", "yes");
	ck_assert_ptr_null(eval_str("env(WEIR_SMP_NOPE)"));
	ck_assert_int_eq(eval_int("str(12),length"), 2);
	ck_assert_int_eq(eval_int("always_true"), 1);
	ck_assert_int_eq(eval_int("ssl_fc"), 0);
}
END_TEST

START_TEST(variables)
{
	ck_assert_ptr_null(eval_str("var(txn.who)"));
	STR_EQ("var(txn.who,nobody)", "nobody");
	STR_EQ("hdr(host),set-var(txn.who)", "www.example.com");
	STR_EQ("var(txn.who)", "www.example.com");
	ck_assert_ptr_null(eval_str("var(req.who)"));
	ck_assert_int_eq(eval_int("int(42),set-var(req.n)"), 42);
	ck_assert_int_eq(eval_int("var(req.n)"), 42);
	STR_EQ("str(p),set-var(proc.x)", "p");
	sc.vars = NULL;                  /* proc scope lives in the process */
	STR_EQ("var(proc.x)", "p");
	ck_assert_ptr_null(eval_str("var(txn.who)"));
	sc.vars = &vars;
	smp_vars_reset(&vars, VAR_SCOPE_REQ);
	ck_assert_ptr_null(eval_str("var(req.n)"));
	STR_EQ("var(txn.who)", "www.example.com");
}
END_TEST

/* The scratch running out makes a value "not found", never an overflow. */
START_TEST(scratch_full)
{
	sc.scr.cap = 4;
	ck_assert_ptr_null(eval_str("hdr(host),upper"));
	ck_assert_ptr_null(eval_str("uuid"));
	STR_EQ("hdr(host)", "www.example.com");   /* spans of the message need none */
	sc.scr.buf = NULL;
	sc.scr.cap = 0;
	ck_assert_int_eq(cond(0), 1);
}
END_TEST

/* A ClientHello as RFC 8446 4.1.2 lays it out: server_name a.test,
 * ALPN h2 then http/1.1, supported_versions 1.3 and 1.2. */
static size_t client_hello(unsigned char *b)
{
	static const unsigned char ext[] = {
		0x00, 0x00, 0x00, 0x0b, 0x00, 0x09, 0x00, 0x00, 0x06, 'a', '.', 't', 'e', 's', 't',
		0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1',
		'.', '1',
		0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03,
	};
	size_t n = 0, hs;
	b[n++] = 22, b[n++] = 3, b[n++] = 1, n += 2;        /* record; length later */
	hs = n;
	b[n++] = 1, n += 3;                                  /* ClientHello; length later */
	b[n++] = 3, b[n++] = 3;                              /* legacy_version 1.2 */
	memset(b + n, 0x5a, 32), n += 32;                    /* random */
	b[n++] = 0;                                          /* session id */
	b[n++] = 0, b[n++] = 2, b[n++] = 0x13, b[n++] = 0x01; /* one suite */
	b[n++] = 1, b[n++] = 0;                              /* null compression */
	b[n++] = 0, b[n++] = sizeof(ext);
	memcpy(b + n, ext, sizeof(ext)), n += sizeof(ext);
	size_t body = n - hs - 4, rec = n - 5;
	b[hs + 1] = 0, b[hs + 2] = (unsigned char)(body >> 8), b[hs + 3] = (unsigned char)body;
	b[3] = (unsigned char)(rec >> 8), b[4] = (unsigned char)rec;
	return n;
}

START_TEST(layer6_client_hello)
{
	unsigned char hello[256];
	size_t n = client_hello(hello);
	/* not inspecting: the layer 6 fetches find nothing */
	ck_assert_ptr_null(eval_str("req.ssl_sni"));
	sc.payload = hello, sc.payload_len = n, sc.payload_on = 1;
	ck_assert_str_eq(eval_str("req.ssl_sni"), "a.test");
	ck_assert_str_eq(eval_str("req_ssl_sni,upper"), "A.TEST");
	ck_assert_str_eq(eval_str("req.ssl_alpn"), "h2");
	ck_assert_int_eq(eval_int("req.ssl_hello_type"), 1);
	ck_assert_int_eq(eval_int("req.ssl_ver"), 0x0304);
	ck_assert_int_eq(eval_int("req.len"), (long long)n);
	ck_assert_str_eq(eval_str("req.payload(0,3),hex"), "160301");
	ck_assert_ptr_null(eval_str("req.payload(0,1000)"));   /* not all there */
	/* every truncation is "not found", never a read past the data (ASan) */
	for (size_t k = 0; k < n; k++) {
		sc.payload_len = k;
		ck_assert_msg(eval_str("req.ssl_sni") == NULL, "SNI found in %zu of %zu bytes", k, n);
	}
	/* lengths that lie (a name longer than its extension) */
	sc.payload_len = n;
	hello[n - 42 + 8] = 0x40;          /* the host_name length: 64 */
	ck_assert_ptr_null(eval_str("req.ssl_sni"));
	/* plain text is no hello */
	sc.payload = (const unsigned char *)"GET / HTTP/1.1\r\n", sc.payload_len = 16;
	ck_assert_ptr_null(eval_str("req.ssl_sni"));
	ck_assert_str_eq(eval_str("req.payload(0,4)"), "GET ");
	sc.payload = NULL, sc.payload_len = 0, sc.payload_on = 0;
}
END_TEST

/* capture.req.hdr(idx) reads the slots `capture request header` filled */
START_TEST(capture_slots)
{
	static struct http_caps k;
	memset(&k, 0, sizeof(k));
	memcpy(k.data, "www.example.com" "curl/8", 21);
	k.req[0] = (struct http_cap){ 0, 15, 1 };
	k.req[1] = (struct http_cap){ 15, 6, 1 };
	k.res[0] = (struct http_cap){ 0, 3, 1 };
	k.nreq = 3, k.nres = 1;
	ck_assert_ptr_null(eval_str("capture.req.hdr(0)"));    /* no captures yet */
	sc.caps = &k;
	ck_assert_str_eq(eval_str("capture.req.hdr(0)"), "www.example.com");
	ck_assert_str_eq(eval_str("capture.req.hdr(1),upper"), "CURL/8");
	ck_assert_ptr_null(eval_str("capture.req.hdr(2)"));    /* declared, unset */
	ck_assert_ptr_null(eval_str("capture.req.hdr(7)"));
	ck_assert_str_eq(eval_str("capture.res.hdr(0)"), "www");
	sc.caps = NULL;
}
END_TEST

static Suite *smp_rt_suite(void)
{
	Suite *s = suite_create("smp_rt");
	TCase *tc = tcase_create("eval");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, host_path_method);
	tcase_add_test(tc, layer6_client_hello);
	tcase_add_test(tc, capture_slots);
	tcase_add_test(tc, or_not_anonymous);
	tcase_add_test(tc, same_name_ored);
	tcase_add_test(tc, predefined);
	tcase_add_test(tc, src_networks);
	tcase_add_test(tc, headers_cookies_params);
	tcase_add_test(tc, response);
	tcase_add_test(tc, matchers);
	tcase_add_test(tc, date_ranges);
	tcase_add_test(tc, maps);
	tcase_add_test(tc, nbsrv_segment);
	tcase_add_test(tc, uuid_format);
	tcase_add_test(tc, json_escaping);
	tcase_add_test(tc, string_converters);
	tcase_add_test(tc, variables);
	tcase_add_test(tc, scratch_full);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(smp_rt_suite)
