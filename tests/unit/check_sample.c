/*
 * Unit tests of src/acl/sample*.c: the promise that every sample expression
 * a configuration writes (`fetch(args),conv(args)`) is checked at load time
 * against the fetch and converter registries -- argument counts and types,
 * converter input types, where the data exists -- and that the mistakes the
 * guides make (`date_hour`, `src,path`) are answered with the fix.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weir/acl-t.h"
#include "weir/cfg.h"
#include "weir/sample-t.h"
#include "weir/sample.h"
#include "check_main.h"

static struct cfg *cfg;
static struct cfg_ctx ctx;
static char err[2048];

static void setup(void)
{
	cfg = cfg_new();
	struct proxy_conf *px = arena_alloc(cfg->arena, sizeof(*px));
	px->name = "fe";
	px->cap = PX_CAP_FE;
	vec_push(cfg->arena, &cfg->proxies, px);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.arena = cfg->arena;
	ctx.sec = CFG_SEC_FRONTEND;
	ctx.loc.file = "t.cfg";
	ctx.loc.line = 1;
	ctx.kw = "test";
	ctx.px = px;
	err[0] = 0;
}

static void teardown(void)
{
	cfg_free(cfg);
}

static struct sample_expr *ok(const char *text, unsigned where)
{
	struct sample_expr *e = sample_expr_parse(&ctx, text, where, err, sizeof(err));
	ck_assert_msg(e != NULL, "'%s' failed: %s", text, err);
	return e;
}

/* Parsing must fail with a message containing `msg`. */
static void bad(const char *text, unsigned where, const char *msg)
{
	err[0] = 0;
	struct sample_expr *e = sample_expr_parse(&ctx, text, where, err, sizeof(err));
	ck_assert_msg(e == NULL, "'%s' was accepted", text);
	ck_assert_msg(strstr(err, msg) != NULL, "'%s': got \"%s\", want \"%s\"", text, err, msg);
}

static char *tmpfile_with(const char *content)
{
	static char path[64];
	strcpy(path, "/tmp/weir-smp-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (int)strlen(content));
	close(fd);
	return path;
}

/* ------------------------------------------------ fetch signatures */

START_TEST(fetch_plain)
{
	struct sample_expr *e = ok("src", SMP_AT_TCP_CONN);
	ck_assert_str_eq(e->fetch->name, "src");
	ck_assert_int_eq(e->nargs, 0);
	ck_assert_int_eq(e->out, SMP_T_ADDR);
	ck_assert_str_eq(sample_expr_text(e), "src");
	e = ok("hdr(host)", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(e->nargs, 1);
	ck_assert_str_eq(e->args[0].text, "host");
	e = ok("hdr(x-forwarded-for,-1)", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(e->nargs, 2);
	ck_assert_int_eq(e->args[1].u.sint, -1);
	e = ok("uuid()", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(e->nargs, 0);
	ok("uuid(4)", SMP_AT_HTTP_REQ);
	ok("url_param(session_id)", SMP_AT_HTTP_REQ);
	ok("url_param(q,;)", SMP_AT_HTTP_REQ);
	ok("base32+src", SMP_AT_HTTP_REQ);
	ok("ssl_c_s_dn(cn)", SMP_AT_HTTP_REQ);
	ok("ssl_c_s_dn(cn,1,rfc2253)", SMP_AT_HTTP_REQ);
	ok("date(3600,s)", SMP_AT_HTTP_REQ);
	ok("env(HOME)", SMP_AT_HTTP_REQ);
	ok("var(txn.host)", SMP_AT_HTTP_REQ);
	ok("int(42)", SMP_AT_HTTP_REQ);
	ok("bool(true)", SMP_AT_HTTP_REQ);
	ok("str(hello)", SMP_AT_HTTP_REQ);
	ok("always_true", SMP_AT_HTTP_REQ);
	ok("nbsrv(be)", SMP_AT_HTTP_REQ);
	ok("sc0_http_req_rate", SMP_AT_HTTP_REQ);
	ok("sc_conn_cur(0)", SMP_AT_HTTP_REQ);
	ok("src_conn_rate(tbl)", SMP_AT_HTTP_REQ);
	ok("req.len", SMP_AT_TCP_REQ);
	ok("req.body", SMP_AT_HTTP_REQ);
	ok("capture.req.hdr(0)", SMP_AT_HTTP_RES);
}
END_TEST

START_TEST(fetch_arg_errors)
{
	bad("hdr(a,1,2)", 0, "fetch method 'hdr' : end of arguments expected at position 3, "
	    "but got '2' (usage: hdr([<name>[,<occ>]]))");
	bad("req.fhdr", 0, "fetch method 'req.fhdr' : missing arguments (got 0/1), type 'string' "
	    "expected (usage: req.fhdr(<name>[,<occ>]))");
	bad("sc_http_req_rate", 0, "missing arguments (got 0/1), type 'integer' expected "
	    "(usage: sc_http_req_rate(<ctr>[,<table>]))");
	bad("sc_http_req_rate(x)", 0, "failed to parse 'x' as type 'integer' at position 1");
	bad("sc_http_req_rate(3)", 0, "invalid stick counter '3'");
	bad("src(1)", 0, "fetch method 'src' takes no argument");
	bad("hdr(host", 0, "missing closing ')' after arguments to fetch method 'hdr'");
	bad("hdr(host,x)", 0, "failed to parse 'x' as type 'integer' at position 2");
	bad("ssl_c_s_dn(cn,1,ldap)", 0, "invalid format 'ldap'");
	bad("uuid(3)", 0, "unsupported UUID version '3'");
	bad("http_auth", 0, "missing arguments (got 0/1), type 'userlist' expected");
	bad("date(0,h)", 0, "invalid unit 'h'");
	bad("int(abc)", 0, "'abc' is not an integer");
	bad("bool(maybe)", 0, "'maybe' is not a boolean");
	bad("ipv4(1.2.3)", 0, "'1.2.3' is not an IPv4 address");
	bad("bin(abc)", 0, "odd number of hexadecimal digits");
	bad("var(host)", 0, "invalid variable name 'host'");
	bad("var(txn.)", 0, "missing variable name");
	bad("src_conn_cur()x", 0, "unexpected 'x'");
}
END_TEST

/* ------------------------------------------------ converters */

START_TEST(conv_chains)
{
	struct sample_expr *e = ok("req.hdr(host),lower", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(e->convs.n, 1);
	ck_assert_int_eq(e->out, SMP_T_STR);
	e = ok("src,ipmask(24)", SMP_AT_TCP_CONN);
	struct sample_conv_step *st = e->convs.v[0];
	ck_assert_str_eq(st->def->name, "ipmask");
	ck_assert_int_eq(st->args[0].u.mask.bits, 24);
	e = ok("src,ipmask(255.255.0.0,64)", SMP_AT_TCP_CONN);
	st = e->convs.v[0];
	ck_assert_int_eq(st->args[0].u.mask.bits, 16);
	ck_assert_int_eq(st->args[1].u.mask.bits, 64);
	e = ok("date,ltime(%H)", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(e->out, SMP_T_STR);
	e = ok("ssl_c_serial,hex", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(e->out, SMP_T_STR);
	e = ok("req.hdr(host),lower,set-var(txn.h),upper,length", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(e->convs.n, 4);
	ck_assert_int_eq(e->out, SMP_T_SINT);
	e = ok("src,debug", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(e->out, SMP_T_ADDR);
	e = ok("str(a),regsub(\"(a,b)\",_,g)", SMP_AT_HTTP_REQ);
	st = e->convs.v[0];
	ck_assert_str_eq(st->args[0].text, "(a,b)");
	ck_assert_ptr_nonnull(st->args[0].u.re);
	ck_assert_str_eq(st->args[2].text, "g");
	ok("str(a),regsub('[.]',\\,)", SMP_AT_HTTP_REQ);
	e = ok("str(3),add(txn.n),mul(2)", SMP_AT_HTTP_REQ);
	ck_assert_int_eq(((struct sample_conv_step *)e->convs.v[0])->args[0].type, ARGT_VAR);
	ck_assert_int_eq(((struct sample_conv_step *)e->convs.v[1])->args[0].u.sint, 2);
	ok("str(a),field(2,:),word(1,/,2)", SMP_AT_HTTP_REQ);
	ok("str(a),json(utf8s)", SMP_AT_HTTP_REQ);
	ok("str(a),sha2(512),base64", SMP_AT_HTTP_REQ);
	ok("str(a),digest(sha256),hex", SMP_AT_HTTP_REQ);
	ok("str(a),hmac(sha256,a2V5),hex", SMP_AT_HTTP_REQ);
	ok("str(a),crc32,djb2,sdbm,wt6,xxh32,xxh64", SMP_AT_HTTP_REQ);
	ok("str(a),bytes(1,2),url_dec,b64dec,concat(<,txn.x,>)", SMP_AT_HTTP_REQ);
	ok("int(1),neg,not,bool,cpl", SMP_AT_HTTP_REQ);
	ok("src,table_http_req_rate(t)", SMP_AT_HTTP_REQ);
	ok("str(a),strcmp(txn.b)", SMP_AT_HTTP_REQ);
	ok("date,utime(%Y,3600)", SMP_AT_HTTP_REQ);
}
END_TEST

START_TEST(conv_errors)
{
	bad("src,path", 0, "unknown converter 'path'; 'path' is a sample fetch, not a converter; "
	    "to track per client and path, use 'base32+src'");
	bad("src,lowr", 0, "unknown converter 'lowr'; did you mean 'lower' ?");
	bad("src,hdr(x)", 0, "'hdr' is a sample fetch, not a converter");
	bad("src,lua.foo", 0, "weir has no Lua support");
	bad("method,ipmask(24)", 0, "converter 'ipmask' cannot be applied: it takes address "
	    "input and the expression before it gives method");
	bad("src,ipmask(33)", 0, "failed to parse '33' as type 'IPv4 mask'");
	bad("src,ipmask(255.0.255.0)", 0, "as type 'IPv4 mask'");
	bad("src,ipmask", 0, "converter 'ipmask' : missing arguments (got 0/1)");
	bad("src,lower(1)", 0, "converter 'lower' takes no argument");
	bad("str(a),regsub([,_)", 0, "regex '[' is invalid (error=");
	bad("str(a),regsub(a,b,x)", 0, "invalid regex flag 'x'");
	bad("str(a),json(bogus)", 0, "unexpected input code type 'bogus'");
	bad("str(a),add(foo)", 0, "invalid variable name 'foo'");
	bad("str(a),sha2(100)", 0, "unsupported number of bits '100'");
	bad("str(a),digest(nosuch)", 0, "'nosuch' is not an OpenSSL message digest");
	bad("str(a),field(0,:)", 0, "field index must not be 0");
	bad("str(a),field(1,)", 0, "empty delimiter list");
	bad("str(a),ltime()", 0, "converter 'ltime' : missing arguments (got 0/1)");
	bad("date,ltime(\"\")", 0, "empty time format");
	bad("str(a),set-var(x)", 0, "invalid variable name 'x'");
	bad("str(a),", 0, "missing converter name after ','");
	bad("str(a),lower,", 0, "missing converter name after ','");
}
END_TEST

START_TEST(conv_maps)
{
	bad("str(a),map(/nonexistent/weir.map)", 0,
	    "failed to open map file '/nonexistent/weir.map' : No such file or directory");
	char *p = tmpfile_with("# comment\n\n/api  be_api\n/static   be_static  \n");
	char text[256];
	snprintf(text, sizeof(text), "path,map_beg(%s,be_default)", p);
	struct sample_expr *e = ok(text, SMP_AT_HTTP_REQ);
	struct sample_conv_step *st = e->convs.v[0];
	struct pat_list *pl = st->args[0].data;
	ck_assert_int_eq(pl->match, PAT_MATCH_BEG);
	ck_assert_int_eq(pl->pats.n, 2);
	ck_assert_str_eq(((struct pattern *)pl->pats.v[1])->text, "/static");
	ck_assert_str_eq(((struct pattern *)pl->pats.v[1])->value, "be_static");
	snprintf(text, sizeof(text), "path,map_str_int(%s)", p);
	bad(text, 0, "value 'be_api' is not an integer");
	unlink(p);
	p = tmpfile_with("10.0.0.0/8 1\n192.168.0.0/16 2\n");
	snprintf(text, sizeof(text), "src,map_ip_int(%s,0)", p);
	e = ok(text, SMP_AT_HTTP_REQ);
	pl = ((struct sample_conv_step *)e->convs.v[0])->args[0].data;
	ck_assert_int_eq(pl->match, PAT_MATCH_IP);
	ck_assert_int_eq(((struct pattern *)pl->pats.v[1])->u.net.bits, 16);
	unlink(p);
	p = tmpfile_with("300.0.0.0/8 1\n");
	snprintf(text, sizeof(text), "src,map_ip(%s)", p);
	bad(text, 0, "line 1 : '300.0.0.0/8' is not a valid IPv4 or IPv6 address");
	unlink(p);
}
END_TEST

/* ------------------------------------------------ hints */

START_TEST(fetch_hints)
{
	bad("date_hour", 0, "unknown fetch method 'date_hour'; use 'date,ltime(%H)' "
	    "(with -m int 9:17 for a range)");
	bad("date_dow", 0, "unknown fetch method 'date_dow'; use 'date,ltime(%u)'");
	bad("pth", 0, "unknown fetch method 'pth'; did you mean 'path' ?");
	bad("lower", 0, "'lower' is a converter, not a sample fetch");
	bad("path_beg", 0, "'path_beg' is an ACL keyword ('path' matched with -m beg), not a "
	    "sample fetch: use 'path' here");
	bad("lua.x", 0, "weir has no Lua support");
	bad("", 0, "missing fetch method");
}
END_TEST

/* ------------------------------------------------ where */

START_TEST(where_usable)
{
	bad("res.hdr(x)", SMP_AT_HTTP_REQ, "fetch method 'res.hdr' extracts information from "
	    "'HTTP response headers', none of which is available here");
	bad("req.hdr(host)", SMP_AT_HTTP_RES, "'HTTP request headers', none of which is "
	    "available here (http-response rule); to use it in a response, save it with "
	    "'http-request set-var(txn.<name>)'");
	bad("status", SMP_AT_TCP_REQ, "'HTTP response'");
	bad("ssl_fc", SMP_AT_TCP_CONN, "'layer 5 client connection'");
	ok("ssl_fc", SMP_AT_TCP_SESS);
	ok("status", SMP_AT_CHECK);
	bad("src", SMP_AT_CHECK, "layer 4 client connection");
	ok("req.hdr(host)", SMP_AT_HTTP_REQ | SMP_AT_BACKEND);
	ok("req.hdr(host)", SMP_AT_LOG);
	ok("path", SMP_AT_TCP_REQ | SMP_AT_HTTP_REQ);
	bad("req.body", SMP_AT_LOG, "HTTP request body");
	struct sample_expr *e = ok("res.hdr(x)", SMP_AT_HTTP_RES);
	ck_assert_ptr_null(sample_expr_missing(e, SMP_AT_HTTP_RES));
	ck_assert_str_eq(sample_expr_missing(e, SMP_AT_HTTP_REQ), "HTTP response headers");
	ck_assert_str_eq(smp_where_name(SMP_AT_TCP_CONN), "tcp-request connection rule");
}
END_TEST

START_TEST(registry_lookups)
{
	const char *fetches[] = { "src", "src_port", "dst", "dst_port", "method", "path",
		"query", "url", "url_param", "base", "base32", "base32+src", "hdr", "hdr_cnt",
		"req.hdr", "req.fhdr", "res.hdr", "cook", "req.cook", "res.cook", "status",
		"nbsrv", "be_conn", "fe_conn", "be_id", "fe_id", "date", "env", "uuid", "var",
		"str", "int", "bool", "always_true", "always_false", "ssl_fc", "ssl_fc_sni",
		"ssl_fc_protocol", "ssl_c_used", "ssl_c_verify", "ssl_c_s_dn", "ssl_c_i_dn",
		"ssl_c_serial", "req.len", "req.body", "req.ver", "res.ver", "http_auth",
		"http_auth_group", "capture.req.hdr", "sc0_http_req_rate", "sc1_conn_cur",
		"sc2_gpc0", "sc_http_req_rate", "sc_conn_cur", "sc_conn_rate", "sc_http_err_rate",
		"sc_bytes_out_rate", "sc_gpc0", "sc_inc_gpc0", "src_conn_cur", "src_conn_rate",
		"src_http_req_rate", "table_avl", "table_cnt", "req.ssl_sni", "req_ssl_sni" };
	for (unsigned i = 0; i < sizeof(fetches) / sizeof(fetches[0]); i++)
		ck_assert_msg(sample_fetch_find(fetches[i], strlen(fetches[i])) != NULL, "%s",
			      fetches[i]);
	const char *convs[] = { "lower", "upper", "hex", "base64", "b64dec", "ltime", "utime",
		"field", "word", "ipmask", "length", "json", "url_dec", "map", "map_str",
		"map_beg", "map_sub", "map_reg", "map_ip", "map_int", "map_str_int",
		"table_http_req_rate", "bytes", "concat", "regsub", "add", "sub", "mul", "div",
		"mod", "and", "or", "xor", "neg", "not", "bool", "cpl", "crc32", "djb2", "sdbm",
		"wt6", "xxh32", "xxh64", "sha1", "sha2", "digest", "hmac", "strcmp",
		"secure_memcmp", "debug", "set-var" };
	for (unsigned i = 0; i < sizeof(convs) / sizeof(convs[0]); i++)
		ck_assert_msg(sample_conv_find(convs[i], strlen(convs[i])) != NULL, "%s", convs[i]);
	ck_assert_ptr_null(sample_fetch_find("date_hour", 9));
	ck_assert_ptr_null(sample_conv_find("path", 4));
}
END_TEST

static Suite *sample_suite(void)
{
	Suite *s = suite_create("sample");
	TCase *tc = tcase_create("expr");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fetch_plain);
	tcase_add_test(tc, fetch_arg_errors);
	tcase_add_test(tc, conv_chains);
	tcase_add_test(tc, conv_errors);
	tcase_add_test(tc, conv_maps);
	tcase_add_test(tc, fetch_hints);
	tcase_add_test(tc, where_usable);
	tcase_add_test(tc, registry_lookups);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(sample_suite)
