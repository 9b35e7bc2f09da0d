/*
 * Unit tests of src/acl/acl.c, pattern.c and acl_kw.c: the promise that
 * `acl` lines and `if`/`unless` conditions are parsed as HAProxy 2.6 parses
 * them -- flags, matchers, integer ranges and operators, networks, regexes,
 * pattern files, predefined ACLs, `!`, `||`, anonymous `{ }` ACLs -- with
 * patterns stored ready to evaluate, and that every mistake is reported with
 * HAProxy's words and the fix (unknown ACL, the ACL of another proxy,
 * `date_hour`).
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/acl/acl-int.h"
#include "testutil.h"
#include "check_main.h"

static struct cfg *cfg;
static struct cfg_ctx ctx;
static struct proxy_conf *px;
static char err[2048];

#define MAXW 32

struct words {
	int n;
	char *w[MAXW];
	char buf[1024];
};

static void split(struct words *ws, const char *text)
{
	snprintf(ws->buf, sizeof(ws->buf), "%s", text);
	ws->n = 0;
	for (char *save, *t = strtok_r(ws->buf, " ", &save); t && ws->n < MAXW;
	     t = strtok_r(NULL, " ", &save))
		ws->w[ws->n++] = t;
}

static void setup(void)
{
	cfg = cfg_new();
	px = arena_alloc(cfg->arena, sizeof(*px));
	px->name = "fe";
	px->cap = PX_CAP_FE;
	vec_push(cfg->arena, &cfg->proxies, px);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.arena = cfg->arena;
	ctx.sec = CFG_SEC_FRONTEND;
	ctx.loc.file = "t.cfg";
	ctx.loc.line = 7;
	ctx.kw = "use_backend";
	ctx.px = px;
	err[0] = 0;
}

static void teardown(void)
{
	cfg_free(cfg);
}

/* Parses "criterion flags values" and asserts success. */
static struct acl_expr *expr_ok(const char *text)
{
	struct words ws;
	split(&ws, text);
	struct acl_expr *e = acl_expr_parse(&ctx, ws.n, ws.w, "x", err, sizeof(err));
	ck_assert_msg(e != NULL, "'%s' failed: %s", text, err);
	return e;
}

static void expr_bad(const char *text, const char *msg)
{
	struct words ws;
	split(&ws, text);
	err[0] = 0;
	struct acl_expr *e = acl_expr_parse(&ctx, ws.n, ws.w, "x", err, sizeof(err));
	ck_assert_msg(e == NULL, "'%s' was accepted", text);
	ck_assert_msg(strstr(err, msg) != NULL, "'%s': got \"%s\", want \"%s\"", text, err, msg);
}

/* Runs the `acl` keyword on a whole line, as the loader would. */
static int acl_line(const char *line)
{
	struct words ws;
	int nw;
	split(&ws, line);
	const struct cfg_kw *kw = cfg_kw_find(ctx.sec, ws.n, ws.w, &nw);
	ck_assert_ptr_nonnull(kw);
	ck_assert_str_eq(kw->name, "acl");
	ctx.line.n = ws.n;
	ctx.line.w = ws.w;
	ctx.kw = "acl";
	int rc = kw->parse(&ctx, ws.n - nw, ws.w + nw);
	ctx.kw = "use_backend";
	return rc;
}

static struct acl_cond *cond(const char *text, unsigned where)
{
	struct words ws;
	split(&ws, text);
	return acl_cond_parse(&ctx, ws.n, ws.w, where);
}

static int has_diag(int level, const char *s)
{
	return t_diag(cfg, level, s);
}

static struct pattern *pat(const struct acl_expr *e, int i)
{
	ck_assert_int_gt(e->pats.pats.n, i);
	return e->pats.pats.v[i];
}

static char *tmpfile_with(const char *content)
{
	static char path[64];
	strcpy(path, "/tmp/weir-acl-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (int)strlen(content));
	close(fd);
	return path;
}

/* ------------------------------------------------ matchers and flags */

START_TEST(derived_forms)
{
	struct acl_expr *e = expr_ok("path_beg /api/ /static");
	ck_assert_str_eq(e->smp->fetch->name, "path");
	ck_assert_int_eq(e->pats.match, PAT_MATCH_BEG);
	ck_assert_int_eq(e->pats.pats.n, 2);
	ck_assert_str_eq(pat(e, 1)->text, "/static");
	e = expr_ok("hdr_sub(User-Agent) -i mobile android iphone");
	ck_assert_str_eq(e->smp->fetch->name, "hdr");
	ck_assert_str_eq(e->smp->args[0].text, "User-Agent");
	ck_assert_int_eq(e->pats.match, PAT_MATCH_SUB);
	ck_assert_int_eq(e->pats.icase, 1);
	ck_assert_int_eq(e->pats.pats.n, 3);
	static const struct { const char *kw; int m; } forms[] = {
		{ "path_end .jpg", PAT_MATCH_END }, { "path_sub x", PAT_MATCH_SUB },
		{ "path_dir api", PAT_MATCH_DIR }, { "path_dom example", PAT_MATCH_DOM },
		{ "path_len 4", PAT_MATCH_LEN }, { "path_reg ^/a", PAT_MATCH_REG },
		{ "url_beg /", PAT_MATCH_BEG }, { "url_sub a", PAT_MATCH_SUB },
		{ "url_reg a", PAT_MATCH_REG }, { "hdr_beg(host) www.", PAT_MATCH_BEG },
		{ "hdr_end(host) .com", PAT_MATCH_END }, { "hdr_reg(host) ^a", PAT_MATCH_REG },
		{ "hdr_dom(host) example.com", PAT_MATCH_DOM }, { "hdr_len(host) 3", PAT_MATCH_LEN },
		{ "cook_sub(s) a", PAT_MATCH_SUB }, { "urlp_beg(a) b", PAT_MATCH_BEG },
		{ "req.ssl_sni_end .com", PAT_MATCH_END }, { "req_ssl_sni a", PAT_MATCH_STR },
		{ "hdr_val(content-length) gt 0", PAT_MATCH_INT },
		{ "hdr_ip(x-forwarded-for) 10.0.0.0/8", PAT_MATCH_IP },
		{ "hdr_cnt(host) eq 1", PAT_MATCH_INT }, { "method GET", PAT_MATCH_METH },
		{ "src 10.0.0.1", PAT_MATCH_IP }, { "ssl_fc", PAT_MATCH_BOOL },
		{ "req.body -m bin 00ff", PAT_MATCH_BIN },
	};
	for (unsigned i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		e = expr_ok(forms[i].kw);
		ck_assert_msg((int)e->pats.match == forms[i].m, "%s: match %d", forms[i].kw,
			      e->pats.match);
	}
}
END_TEST

START_TEST(every_matcher)
{
	static const struct { const char *text; int m; int npat; } cases[] = {
		{ "req.hdr(x) -m found", PAT_MATCH_FOUND, 0 },
		{ "var(txn.x) -m bool", PAT_MATCH_BOOL, 0 },
		{ "req.hdr(x) -m int 5", PAT_MATCH_INT, 1 },
		{ "req.hdr(x) -m ip 10.0.0.0/8", PAT_MATCH_IP, 1 },
		{ "req.hdr(x) -m bin 41", PAT_MATCH_BIN, 1 },
		{ "req.hdr(x) -m len 3:5", PAT_MATCH_LEN, 1 },
		{ "url_param(debug) -m str true", PAT_MATCH_STR, 1 },
		{ "req.hdr(x) -m beg a b", PAT_MATCH_BEG, 2 },
		{ "req.hdr(x) -m sub a", PAT_MATCH_SUB, 1 },
		{ "req.hdr(x) -m dom a", PAT_MATCH_DOM, 1 },
		{ "req.hdr(x) -m end a", PAT_MATCH_END, 1 },
		{ "req.hdr(x) -m reg ^a$", PAT_MATCH_REG, 1 },
		{ "req.hdr(x) -m dir a", PAT_MATCH_DIR, 1 },
		{ "path_beg -m sub api", PAT_MATCH_SUB, 1 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct acl_expr *e = expr_ok(cases[i].text);
		ck_assert_msg((int)e->pats.match == cases[i].m, "%s", cases[i].text);
		ck_assert_int_eq(e->match_forced, 1);
		ck_assert_int_eq(e->pats.pats.n, cases[i].npat);
	}
	ck_assert_ptr_nonnull(pat(expr_ok("req.hdr(x) -m reg ^a$"), 0)->u.re);
	struct pattern *p = pat(expr_ok("req.hdr(x) -m bin 00fF41"), 0);
	ck_assert_int_eq(p->u.str.len, 3);
	ck_assert_int_eq((unsigned char)p->u.str.s[1], 0xff);
}
END_TEST

START_TEST(flags)
{
	struct acl_expr *e = expr_ok("hdr(host) -i -n -u 3 Api.Example.com");
	ck_assert_int_eq(e->flags, ACL_F_ICASE | ACL_F_NO_DNS);
	ck_assert_int_eq(e->uid, 3);
	ck_assert_str_eq(pat(e, 0)->text, "Api.Example.com");
	e = expr_ok("path -- -dash");
	ck_assert_str_eq(pat(e, 0)->text, "-dash");
	expr_bad("path -x /a", "'-x' is not a valid ACL option. Please use '--' before any "
		 "pattern beginning with a '-'");
	expr_bad("path -m", "'-m' expects a matching method");
	expr_bad("path -f", "'-f' expects a file name");
	expr_bad("path -m nope /a", "unknown matching method 'nope' when parsing ACL expression");
	expr_bad("req.hdr(x) -m found a", "'-m found' takes no pattern, but got 'a'");
	expr_bad("ssl_fc 1", "'-m bool' takes no pattern, but got '1'");
	expr_bad("method -m ip 10.0.0.1", "matching method 'ip' cannot be used with fetch "
		 "keyword 'method'");
	expr_bad("req.hdr(x) -m bin 4", "'4' is not an even-length hexadecimal string");
	expr_bad("path -u x /a", "'-u' expects a positive integer");
}
END_TEST

START_TEST(pattern_files)
{
	char *p = tmpfile_with("# static paths\n\n  /static\n/images\r\n");
	char text[256];
	snprintf(text, sizeof(text), "path_beg -i -f %s /css", p);
	struct acl_expr *e = expr_ok(text);
	ck_assert_int_eq(e->files.n, 1);
	ck_assert_int_eq(e->pats.pats.n, 3);
	ck_assert_str_eq(pat(e, 0)->text, "/css");
	ck_assert_str_eq(pat(e, 1)->text, "/static");
	ck_assert_str_eq(pat(e, 2)->text, "/images");
	unlink(p);
	p = tmpfile_with("10.0.0.0/8 internal\n");
	snprintf(text, sizeof(text), "src -M -f %s", p);
	e = expr_ok(text);
	ck_assert_int_eq(pat(e, 0)->u.net.bits, 8);
	ck_assert_str_eq(pat(e, 0)->value, "internal");
	unlink(p);
	p = tmpfile_with("10.0.0.0/8\nnot-an-ip\n");
	snprintf(text, sizeof(text), "src -f %s", p);
	expr_bad(text, "line 2 : 'not-an-ip' is not a valid IPv4 or IPv6 address");
	unlink(p);
	expr_bad("src -f /nonexistent/weir.acl", "failed to open pattern file "
		 "'/nonexistent/weir.acl' : No such file or directory");
}
END_TEST

/* ------------------------------------------------ integers */

static void range_is(const struct pattern *p, int hmin, long long min, int hmax, long long max)
{
	ck_assert_int_eq(p->u.range.has_min, hmin);
	ck_assert_int_eq(p->u.range.has_max, hmax);
	if (hmin)
		ck_assert_int_eq(p->u.range.min, min);
	if (hmax)
		ck_assert_int_eq(p->u.range.max, max);
}

START_TEST(int_ranges)
{
	struct acl_expr *e = expr_ok("dst_port 80 8080:8090 9-17 :100 200: -5");
	ck_assert_int_eq(e->pats.pats.n, 6);
	range_is(pat(e, 0), 1, 80, 1, 80);
	range_is(pat(e, 1), 1, 8080, 1, 8090);
	range_is(pat(e, 2), 1, 9, 1, 17);
	range_is(pat(e, 3), 0, 0, 1, 100);
	range_is(pat(e, 4), 1, 200, 0, 0);
	range_is(pat(e, 5), 1, -5, 1, -5);
	e = expr_ok("date,ltime(%H) -m int 9:17");
	range_is(pat(e, 0), 1, 9, 1, 17);
	expr_bad("dst_port 17:9", "'17:9' is not a number or a range");
	expr_bad("dst_port abc", "'abc' is not a number or a range");
	expr_bad("dst_port :", "':' is not a number or a range");
}
END_TEST

START_TEST(int_operators)
{
	range_is(pat(expr_ok("sc_http_req_rate(0) gt 100"), 0), 1, 101, 0, 0);
	range_is(pat(expr_ok("src_conn_cur ge 10"), 0), 1, 10, 0, 0);
	range_is(pat(expr_ok("src_conn_cur lt 5"), 0), 0, 0, 1, 4);
	range_is(pat(expr_ok("src_conn_cur le 5"), 0), 0, 0, 1, 5);
	range_is(pat(expr_ok("src_conn_cur eq 3"), 0), 1, 3, 1, 3);
	/* an operator applies to every value after it */
	struct acl_expr *e = expr_ok("src_port lt 10 20 eq 30");
	range_is(pat(e, 0), 0, 0, 1, 9);
	range_is(pat(e, 1), 0, 0, 1, 19);
	range_is(pat(e, 2), 1, 30, 1, 30);
	expr_bad("src_port gt", "missing value after operator 'gt'");
	expr_bad("src_port gt 1:5", "an operator cannot be combined with the range '1:5'");
	/* with a string matcher, "gt" is just a string */
	ck_assert_str_eq(pat(expr_ok("path gt"), 0)->text, "gt");
}
END_TEST

/* ------------------------------------------------ addresses, regexes */

START_TEST(networks)
{
	struct acl_expr *e = expr_ok("src 10.1.2.3/8 172.16.0.0/12 192.168.1.7 ::1 "
				     "2001:db8::1/32 10.1.2.3/255.255.0.0");
	ck_assert_int_eq(e->pats.pats.n, 6);
	struct pattern *p = pat(e, 0);
	ck_assert_int_eq(p->u.net.family, AF_INET);
	ck_assert_int_eq(p->u.net.bits, 8);
	ck_assert_int_eq(p->u.net.addr[0], 10);
	ck_assert_int_eq(p->u.net.addr[1], 0);   /* host bits cleared */
	ck_assert_int_eq(pat(e, 1)->u.net.bits, 12);
	ck_assert_int_eq(pat(e, 2)->u.net.bits, 32);
	p = pat(e, 3);
	ck_assert_int_eq(p->u.net.family, AF_INET6);
	ck_assert_int_eq(p->u.net.bits, 128);
	ck_assert_int_eq(p->u.net.addr[15], 1);
	p = pat(e, 4);
	ck_assert_int_eq(p->u.net.bits, 32);
	ck_assert_int_eq(p->u.net.addr[15], 0);
	p = pat(e, 5);
	ck_assert_int_eq(p->u.net.bits, 16);
	ck_assert_int_eq(p->u.net.addr[2], 0);
	expr_bad("src 10.0.0.0/33", "'10.0.0.0/33' is not a valid IPv4 or IPv6 address or network");
	expr_bad("src 300.1.1.1", "'300.1.1.1' is not a valid IPv4");
	expr_bad("src 10.0.0.0/255.0.255.0", "is not a valid IPv4");
	expr_bad("src ::1/129", "is not a valid IPv4 or IPv6");
	expr_bad("src example.com", "weir does not resolve host names in patterns");
}
END_TEST

START_TEST(regexes)
{
	struct acl_expr *e = expr_ok("path_reg -i ^/api/v[0-9]+/");
	ck_assert_ptr_nonnull(pat(e, 0)->u.re);
	expr_bad("path_reg ([", "regex '([' is invalid (error=");
	expr_bad("hdr_reg(host) a{2,1}", "regex 'a{2,1}' is invalid");
}
END_TEST

/* ------------------------------------------------ the acl keyword */

START_TEST(acl_keyword)
{
	ck_assert_int_eq(acl_line("acl is_api hdr(host) -i api.example.com"), 0);
	ck_assert_int_eq(acl_line("acl is_api path_beg /api/"), 0);
	ck_assert_int_eq(acl_line("acl is_static path_beg /static/"), 0);
	ck_assert_int_eq(px->acls.n, 2);
	struct acl_def *d = acl_find(px, "is_api");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->exprs.n, 2);   /* ORed lines */
	struct acl_expr *e = d->exprs.v[1];
	ck_assert_int_eq(e->words.n, 4);
	ck_assert_str_eq(e->words.w[0], "acl");
	ck_assert_str_eq(e->words.w[3], "/api/");
	ck_assert_int_eq(e->loc.line, 7);
	ck_assert_int_eq(acl_line("acl bad!name path /"), -1);
	ck_assert(has_diag(CFG_ALERT, "'acl' : invalid character '!' in ACL name 'bad!name'"));
	ck_assert_int_eq(acl_line("acl lonely"), -1);
	ck_assert(has_diag(CFG_ALERT, "'acl' expects an ACL name and a criterion"));
	ck_assert_int_eq(acl_line("acl is_business_hours date_hour 9-17"), -1);
	ck_assert(has_diag(CFG_ALERT, "error detected while parsing ACL 'is_business_hours' : "
		  "unknown fetch method 'date_hour' in ACL expression 'date_hour'; use "
		  "'date,ltime(%H)' (with -m int 9:17 for a range); write: acl is_business_hours "
		  "date,ltime(%H) -m int 9-17"));
	ck_assert_int_eq(acl_line("acl is_weekday date_dow 1-5"), -1);
	ck_assert(has_diag(CFG_ALERT, "write: acl is_weekday date,ltime(%u) -m int 1-5"));
	ck_assert_int_eq(acl_line("acl nopat path"), 0);
	ck_assert(has_diag(CFG_WARNING, "parsing acl keyword 'path' : no pattern to match "
		  "against were provided"));
	ck_assert_int_eq(cfg->nwarnings, 1);
	ck_assert_int_eq(acl_line("acl nopat2 path --"), 0);
	ck_assert_int_eq(acl_line("acl tls ssl_fc"), 0);
	ck_assert_int_eq(cfg->nwarnings, 1);
	ctx.sec = CFG_SEC_DEFAULTS;
	ck_assert_int_eq(acl_line("acl x path /"), -1);
	ck_assert(has_diag(CFG_ALERT, "'acl' not allowed in 'defaults' section"));
}
END_TEST

/* ------------------------------------------------ conditions */

START_TEST(cond_basic)
{
	acl_line("acl a path /a");
	acl_line("acl b path /b");
	acl_line("acl c path /c");
	struct acl_cond *c = cond("if a b || !c", SMP_AT_HTTP_REQ);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->pol, ACL_COND_IF);
	ck_assert_int_eq(c->suites.n, 2);
	struct acl_suite *s0 = c->suites.v[0], *s1 = c->suites.v[1];
	ck_assert_int_eq(s0->terms.n, 2);
	ck_assert_int_eq(s1->terms.n, 1);
	struct acl_term *t = s1->terms.v[0];
	ck_assert_int_eq(t->neg, 1);
	ck_assert_str_eq(t->acl->name, "c");
	ck_assert_int_eq(((struct acl_term *)s0->terms.v[0])->neg, 0);
	ck_assert_int_eq(acl_cond_words(c)->n, 5);
	ck_assert_str_eq(acl_cond_words(c)->w[4], "!c");
	c = cond("unless a or b", 0);
	ck_assert_int_eq(c->pol, ACL_COND_UNLESS);
	ck_assert_int_eq(c->suites.n, 2);
	c = cond("if ! a", 0);
	ck_assert_int_eq(((struct acl_term *)((struct acl_suite *)c->suites.v[0])->terms.v[0])->neg, 1);
	c = cond("if !!a", 0);
	ck_assert_int_eq(((struct acl_term *)((struct acl_suite *)c->suites.v[0])->terms.v[0])->neg, 0);
	ck_assert_ptr_null(cond("if || a", 0));
	ck_assert(has_diag(CFG_ALERT, "'use_backend' : '||' must stand between two ACLs"));
	ck_assert_ptr_null(cond("if a ||", 0));
	ck_assert_ptr_null(cond("if", 0));
	ck_assert(has_diag(CFG_ALERT, "'use_backend' : missing condition after 'if'"));
	ck_assert_ptr_null(cond("when a", 0));
	ck_assert(has_diag(CFG_ALERT, "a condition starts with 'if' or 'unless', not 'when'"));
	struct words ws;
	split(&ws, "be_api if a");
	ck_assert_int_eq(acl_cond_start(ws.n, ws.w), 1);
	split(&ws, "be_api");
	ck_assert_int_eq(acl_cond_start(ws.n, ws.w), 1);
}
END_TEST

START_TEST(cond_anonymous)
{
	acl_line("acl is_office src 203.0.113.0/24");
	struct acl_cond *c = cond("if !{ ssl_fc }", SMP_AT_HTTP_REQ);
	ck_assert_ptr_nonnull(c);
	struct acl_term *t = ((struct acl_suite *)c->suites.v[0])->terms.v[0];
	ck_assert_int_eq(t->neg, 1);
	ck_assert_str_eq(t->acl->name, "");
	struct acl_expr *e = t->acl->exprs.v[0];
	ck_assert_str_eq(e->smp->fetch->name, "ssl_fc");
	ck_assert_int_eq(e->words.n, 1);
	c = cond("if { path_beg /api/ } !is_office || { sc_http_req_rate(0) gt 100 }",
		 SMP_AT_HTTP_REQ);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->suites.n, 2);
	ck_assert_int_eq(((struct acl_suite *)c->suites.v[0])->terms.n, 2);
	ck_assert_ptr_null(cond("if { ssl_fc", 0));
	ck_assert(has_diag(CFG_ALERT, "missing closing '}' in condition"));
	ck_assert_ptr_null(cond("if { }", 0));
	ck_assert(has_diag(CFG_ALERT, "empty anonymous ACL"));
	ck_assert_ptr_null(cond("if { date_hour 9-17 }", 0));
	ck_assert(has_diag(CFG_ALERT, "'use_backend' : error detected while parsing anonymous "
		  "ACL '{ date_hour }' : unknown fetch method 'date_hour' in ACL expression "
		  "'date_hour'; use 'date,ltime(%H)'"));
}
END_TEST

START_TEST(cond_predefined)
{
	static const char *names[] = { "TRUE", "FALSE", "LOCALHOST", "HTTP", "HTTP_1.0",
		"HTTP_1.1", "HTTP_CONTENT", "HTTP_URL_ABS", "HTTP_URL_SLASH", "HTTP_URL_STAR",
		"METH_CONNECT", "METH_DELETE", "METH_GET", "METH_HEAD", "METH_OPTIONS",
		"METH_POST", "METH_PUT", "METH_TRACE", "RDP_COOKIE", "REQ_CONTENT", "WAIT_END" };
	char text[64];
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text), "if %s", names[i]);
		struct acl_cond *c = cond(text, 0);
		ck_assert_msg(c != NULL, "%s", names[i]);
		struct acl_term *t = ((struct acl_suite *)c->suites.v[0])->terms.v[0];
		ck_assert(t->acl->predefined);
		ck_assert_str_eq(t->acl->name, names[i]);
	}
	ck_assert_int_eq(cfg->nalerts + cfg->nwarnings, 0);
	struct acl_def *d = acl_predefined(&ctx, "LOCALHOST");
	struct acl_expr *e = d->exprs.v[0];
	ck_assert_str_eq(e->smp->fetch->name, "src");
	ck_assert_int_eq(pat(e, 0)->u.net.bits, 8);
	d = acl_predefined(&ctx, "METH_GET");
	ck_assert_int_eq(((struct acl_expr *)d->exprs.v[0])->pats.pats.n, 2);
	/* a proxy's own ACL of that name wins */
	acl_line("acl TRUE path /never");
	struct acl_cond *c = cond("if TRUE", 0);
	ck_assert(!((struct acl_term *)((struct acl_suite *)c->suites.v[0])->terms.v[0])->acl->predefined);
	ck_assert_ptr_null(acl_predefined(&ctx, "true"));
}
END_TEST

START_TEST(cond_unknown)
{
	acl_line("acl is_api path_beg /api/");
	ck_assert_ptr_null(cond("if is_apii", 0));
	ck_assert(has_diag(CFG_ALERT, "'use_backend' : no such ACL : 'is_apii'; did you mean "
		  "'is_api' ?"));
	ck_assert_ptr_null(cond("if localhost", 0));
	ck_assert(has_diag(CFG_ALERT, "no such ACL : 'localhost'; did you mean 'LOCALHOST' ?"));
	ck_assert_ptr_null(cond("if nothing_like_it", 0));
	ck_assert(has_diag(CFG_ALERT, "'use_backend' : no such ACL : 'nothing_like_it'"));
	/* the seed s002-02 mistake: the ACL lives in another proxy */
	struct proxy_conf *other = arena_alloc(cfg->arena, sizeof(*other));
	other->name = "https-in";
	other->cap = PX_CAP_FE;
	vec_push(cfg->arena, &cfg->proxies, other);
	ctx.px = other;
	ctx.loc.line = 42;
	ck_assert_ptr_null(cond("if is_api", 0));
	ck_assert(has_diag(CFG_ALERT, "'use_backend' : no such ACL : 'is_api'; ACLs belong to "
		  "one proxy: 'is_api' is defined in frontend 'fe' at t.cfg:7; copy that 'acl' "
		  "line into this proxy"));
}
END_TEST

START_TEST(cond_where)
{
	acl_line("acl resp res.hdr(x) -m found");
	ck_assert_ptr_nonnull(cond("if resp", SMP_AT_HTTP_REQ));
	ck_assert(has_diag(CFG_WARNING, "acl 'resp' will never match because it only involves "
		  "keywords that are incompatible with 'http-request rule'"));
	ck_assert_ptr_nonnull(cond("if { status 200 }", SMP_AT_HTTP_REQ));
	ck_assert(has_diag(CFG_WARNING, "anonymous acl will never match because it uses keyword "
		  "'status' which is incompatible with 'http-request rule'"));
	int w = cfg->nwarnings;
	ck_assert_ptr_nonnull(cond("if resp", SMP_AT_HTTP_RES));
	ck_assert_ptr_nonnull(cond("if { ssl_fc }", SMP_AT_TCP_SESS));
	ck_assert_int_eq(cfg->nwarnings, w);
}
END_TEST

/* ------------------------------------------------ whole files */

static const char *const fe_head =
	"defaults\n  mode http\n  timeout client 5s\n  timeout server 5s\n"
	"  timeout connect 5s\n";

static struct cfg *load(const char *body)
{
	char text[4096];
	snprintf(text, sizeof(text), "%s%s", fe_head, body);
	return t_load(text);
}

START_TEST(file_cross_proxy)
{
	struct cfg *c = load(
		"frontend http-in\n  bind 127.0.0.1:18080\n"
		"  acl is_api hdr(host) -i api.example.com\n"
		"  use_backend be if is_api\n  default_backend be\n"
		"frontend https-in\n  bind 127.0.0.1:18443\n"
		"  use_backend be if is_api\n  default_backend be\n"
		"backend be\n  server s1 127.0.0.1:8080\n");
	if (!t_diag(c, CFG_ALERT, "no such ACL : 'is_api'; ACLs belong to one proxy: 'is_api' "
		    "is defined in frontend 'http-in' at test.cfg:8; copy that 'acl' line into "
		    "this proxy"))
		t_print(c);
	ck_assert(t_diag(c, CFG_ALERT, "ACLs belong to one proxy: 'is_api' is defined in "
			 "frontend 'http-in' at test.cfg:8"));
	ck_assert_int_eq(c->nalerts, 1);
	cfg_free(c);
}
END_TEST

START_TEST(file_declared_late)
{
	struct cfg *c = load(
		"frontend fe\n  bind 127.0.0.1:18080\n"
		"  use_backend be if is_api\n"
		"  acl is_api path_beg /api/\n  default_backend be\n"
		"backend be\n  server s1 127.0.0.1:8080\n");
	ck_assert(t_diag(c, CFG_ALERT, "no such ACL : 'is_api'"));
	ck_assert(t_diag(c, CFG_NOTICE, "ACL 'is_api' is declared at test.cfg:9, after the rule "
			 "that uses it"));
	cfg_free(c);
}
END_TEST

START_TEST(file_dump)
{
	struct cfg *c = load(
		"frontend fe\n  bind 127.0.0.1:18080\n"
		"  acl is_api hdr(host) -i api.example.com\n"
		"  acl is_static path_beg /static/ /images/\n"
		"  acl is_api path_beg /api/\n"
		"  default_backend be\n"
		"backend be\n  server s1 127.0.0.1:8080\n");
	ck_assert_int_eq(c->nalerts, 0);
	char *d = t_dump(c);
	const char *a = strstr(d, "acl is_api hdr(host) -i api.example.com\n");
	const char *b = strstr(d, "acl is_api path_beg /api/\n");
	const char *s = strstr(d, "acl is_static path_beg /static/ /images/\n");
	ck_assert_msg(a && b && s, "%s", d);
	ck_assert(a < b && b < s);
	free(d);
	cfg_free(c);
}
END_TEST

START_TEST(file_references)
{
	struct cfg *c = load(
		"userlist admins\n  user admin insecure-password x\n"
		"frontend fe\n  bind 127.0.0.1:18080\n"
		"  acl a nbsrv(nope) gt 0\n"
		"  acl b sc_http_req_rate(0,per_ip) gt 10\n"
		"  acl c src_conn_cur ge 10\n"
		"  acl d http_auth(admins)\n"
		"  acl e http_auth(nobody)\n"
		"  acl f srv_is_up(be/s1)\n"
		"  acl g srv_is_up(be/s9)\n"
		"  default_backend be\n"
		"backend be\n  server s1 127.0.0.1:8080\n"
		"backend per_ip\n  stick-table type ip size 1k expire 10s store http_req_rate(10s)\n");
	ck_assert(t_diag(c, CFG_ALERT, "unable to find backend 'nope' referenced in arg 1 of "
			 "fetch method 'nbsrv' in frontend 'fe'"));
	ck_assert(!t_diag(c, CFG_ALERT, "'per_ip'"));
	ck_assert(t_diag(c, CFG_ALERT, "fetch method 'src_conn_cur' uses the stick-table of "
			 "frontend 'fe', which has none"));
	ck_assert(t_diag(c, CFG_ALERT, "unable to find userlist 'nobody'"));
	ck_assert(!t_diag(c, CFG_ALERT, "'admins'"));
	ck_assert(t_diag(c, CFG_ALERT, "unable to find server 'be/s9'"));
	ck_assert(!t_diag(c, CFG_ALERT, "'be/s1'"));
	ck_assert_int_eq(c->nalerts, 4);
	cfg_free(c);
}
END_TEST

static Suite *acl_suite(void)
{
	Suite *s = suite_create("acl");
	TCase *tc = tcase_create("direct");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, derived_forms);
	tcase_add_test(tc, every_matcher);
	tcase_add_test(tc, flags);
	tcase_add_test(tc, pattern_files);
	tcase_add_test(tc, int_ranges);
	tcase_add_test(tc, int_operators);
	tcase_add_test(tc, networks);
	tcase_add_test(tc, regexes);
	tcase_add_test(tc, acl_keyword);
	tcase_add_test(tc, cond_basic);
	tcase_add_test(tc, cond_anonymous);
	tcase_add_test(tc, cond_predefined);
	tcase_add_test(tc, cond_unknown);
	tcase_add_test(tc, cond_where);
	suite_add_tcase(s, tc);
	TCase *tf = tcase_create("files");
	tcase_add_test(tf, file_cross_proxy);
	tcase_add_test(tf, file_declared_late);
	tcase_add_test(tf, file_dump);
	tcase_add_test(tf, file_references);
	suite_add_tcase(s, tf);
	return s;
}

CHECK_MAIN(acl_suite)
