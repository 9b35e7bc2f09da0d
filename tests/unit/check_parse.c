/*
 * The loader (src/cfg/parse.c): sections, defaults inheritance, named
 * defaults with `from`, unsupported sections, unknown keywords with
 * suggestions, the guides' flattened header lines, nbproc, .if blocks,
 * and the generic keywords of global and proxies.
 */
#include <check.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "check_main.h"

#define FE_TIMEOUTS "    timeout client 1s\n    timeout connect 1s\n    timeout server 1s\n"

START_TEST(global_sections_merge)
{
	struct cfg *c = t_load("global\n    maxconn 100\nglobal\n    nbthread 2\n"
			       "    tune.bufsize 32768\n    tune.listener.multi-queue off\n");
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->global.maxconn, 100);
	ck_assert_int_eq(c->global.nbthread, 2);
	ck_assert_int_eq(c->global.tune_bufsize, 32768);
	ck_assert_int_eq(c->global.tune_listener_multi_queue, 0);
	cfg_free(c);
}
END_TEST

START_TEST(defaults_inheritance)
{
	struct cfg *c = t_load("defaults\n    mode http\n    timeout connect 5s\n    retries 5\n"
			       "    option redispatch\n"
			       "backend a\n    timeout connect 7s\n    no option redispatch\n"
			       "defaults\n    timeout connect 9s\n"
			       "backend b\n");
	ck_assert_int_eq(c->nalerts, 0);
	struct proxy_conf *a = cfg_find_proxy(c, "a", PX_CAP_BE);
	struct proxy_conf *b = cfg_find_proxy(c, "b", PX_CAP_BE);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->mode, PX_MODE_HTTP);
	ck_assert_int_eq(a->timeout.connect, 7000);
	ck_assert_int_eq(a->retries, 5);
	ck_assert(!(a->options & (1ULL << PX_OPT_REDISPATCH)));
	/* b inherits the LAST defaults section, which starts from scratch */
	ck_assert_int_eq(b->mode, PX_MODE_TCP);
	ck_assert_int_eq(b->timeout.connect, 9000);
	ck_assert_int_eq(b->retries, 3);
	cfg_free(c);
}
END_TEST

START_TEST(named_defaults_from)
{
	struct cfg *c = t_load("defaults web\n    mode http\n    timeout client 3s\n"
			       "defaults tcp\n    mode tcp\n"
			       "backend b from web\n"
			       "backend c\n"
			       "backend d from nowhere\n");
	struct proxy_conf *b = cfg_find_proxy(c, "b", PX_CAP_BE);
	struct proxy_conf *cc = cfg_find_proxy(c, "c", PX_CAP_BE);
	ck_assert_int_eq(b->mode, PX_MODE_HTTP);
	ck_assert_int_eq(b->timeout.client, 3000);
	ck_assert_int_eq(cc->mode, PX_MODE_TCP);
	ck_assert(t_diag(c, CFG_ALERT, "defaults section 'nowhere' not found"));
	cfg_free(c);
}
END_TEST

START_TEST(inherited_lists_are_copied)
{
	struct cfg *c = t_load("defaults\n    retry-on conn-failure 503\n"
			       "backend a\n    retry-on 502\nbackend b\n");
	struct proxy_conf *a = cfg_find_proxy(c, "a", PX_CAP_BE);
	struct proxy_conf *b = cfg_find_proxy(c, "b", PX_CAP_BE);
	ck_assert_int_eq(a->retry_on_status.n, 1);
	ck_assert_int_eq((int)(intptr_t)a->retry_on_status.v[0], 502);
	ck_assert_int_eq(b->retry_on_status.n, 1);
	ck_assert_int_eq((int)(intptr_t)b->retry_on_status.v[0], 503);
	ck_assert_int_eq(b->retry_on, 1);
	cfg_free(c);
}
END_TEST

START_TEST(duplicate_proxies)
{
	struct cfg *c = t_load("frontend x\nbackend x\nbackend x\nlisten y\nfrontend y\n");
	ck_assert_int_eq(c->nalerts, 2);
	ck_assert(t_diag(c, CFG_ALERT, "backend 'x' has the same name as backend 'x' declared at test.cfg:2"));
	ck_assert(t_diag(c, CFG_ALERT, "frontend 'y' has the same name as listen 'y'"));
	cfg_free(c);
}
END_TEST

START_TEST(bad_names)
{
	struct cfg *c = t_load("frontend\nbackend a/b\n");
	ck_assert(t_diag(c, CFG_ALERT, "'frontend' expects a name"));
	ck_assert(t_diag(c, CFG_ALERT, "character not allowed in backend name 'a/b'"));
	cfg_free(c);
}
END_TEST

START_TEST(unsupported_sections)
{
	struct cfg *c = t_load("resolvers dns\n    nameserver a 127.0.0.1:53\n"
			       "peers p\n    peer a 127.0.0.1:1000\nbackend b\n    retries 2\n");
	ck_assert_int_eq(c->nalerts, 2);
	ck_assert(t_diag(c, CFG_ALERT, "section 'resolvers' is not supported yet"));
	ck_assert(t_diag(c, CFG_ALERT, "section 'peers' is not supported yet"));
	ck_assert_int_eq(cfg_find_proxy(c, "b", PX_CAP_BE)->retries, 2);
	cfg_free(c);
}
END_TEST

START_TEST(unknown_keywords)
{
	struct cfg *c = t_load("global\n    maxcon 10\n    frobnicate\nbackend b\n    retires 3\n");
	ck_assert(t_diag(c, CFG_ALERT, "unknown keyword 'maxcon' in 'global' section; did you mean 'maxconn' maybe ?"));
	ck_assert(t_diag(c, CFG_ALERT, "unknown keyword 'frobnicate' in 'global' section"));
	ck_assert(t_diag(c, CFG_ALERT, "did you mean 'retries'"));
	ck_assert_int_eq(c->nalerts, 3);
	cfg_free(c);
}
END_TEST

START_TEST(out_of_section_and_misplaced)
{
	struct cfg *c = t_load("maxconn 10\nglobal\n    retries 3\n");
	ck_assert(t_diag(c, CFG_ALERT, "out of section"));
	ck_assert(t_diag(c, CFG_ALERT, "'retries' is not allowed in 'global' section (it belongs in: defaults, backend, listen)"));
	cfg_free(c);
}
END_TEST

/* Seed s002-03: "Host:\ x" lines left from an old option httpchk. */
START_TEST(flattened_header_lines)
{
	struct cfg *c = t_load("backend b\n    option httpchk GET /health HTTP/1.1\n"
			       "    Host:\\ health.example.com\n    User-Agent:\\ HAProxy-Health-Check\n");
	ck_assert(t_diag(c, CFG_ALERT, "unknown keyword 'Host: health.example.com'"));
	ck_assert(t_diag(c, CFG_ALERT, "'http-check send hdr Host health.example.com'"));
	ck_assert(t_diag(c, CFG_ALERT, "'http-check send hdr User-Agent HAProxy-Health-Check'"));
	cfg_free(c);
}
END_TEST

START_TEST(nbproc)
{
	struct cfg *c = t_load("global\n    nbproc 2\n");
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->global.nbproc, 2);
	ck_assert(t_diag(c, CFG_NOTICE, "number of worker processes, like 'nbthread 2'"));
	cfg_free(c);
	/* seed s001-08: both set */
	c = t_load("global\n    maxconn 5\n    nbproc 1\n    nbthread 4\n");
	ck_assert_int_eq(c->nalerts, 1);
	ck_assert(t_diag(c, CFG_ALERT, "keep one line: 'nbthread 4'"));
	cfg_free(c);
}
END_TEST

START_TEST(if_blocks)
{
	setenv("WEIR_T_ON", "1", 1);
	struct cfg *c = t_load(".if defined(WEIR_T_ON)\nglobal\n    maxconn 1\n"
			       ".elif 1\nglobal\n    maxconn 2\n.else\nglobal\n    maxconn 3\n.endif\n"
			       ".if streq(a,b)\nglobal\n    bogus keyword\n.else\nglobal\n    nbthread 3\n.endif\n"
			       ".warning \"hello\"\n");
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->global.maxconn, 1);
	ck_assert_int_eq(c->global.nbthread, 3);
	ck_assert(t_diag(c, CFG_WARNING, "hello"));
	cfg_free(c);
	c = t_load(".if 1\nglobal\n");
	ck_assert(t_diag(c, CFG_ALERT, "not closed"));
	cfg_free(c);
	c = t_load(".endif\n");
	ck_assert(t_diag(c, CFG_ALERT, "without a matching '.if'"));
	cfg_free(c);
}
END_TEST

START_TEST(timeouts_and_options)
{
	struct cfg *c = t_load("defaults\n    mode http\n    timeout connect 5000ms\n"
			       "    timeout client 50s\n    timeout http-keep-alive 4s\n"
			       "    option http-server-close\n    option http-keep-alive\n"
			       "    option forwardfor except 127.0.0.0/8 header X-Real-IP if-none\n"
			       "    retry-on conn-failure empty-response response-timeout\n"
			       "    http-reuse aggressive\n"
			       "backend b\n    cookie SERVERID insert indirect nocache httponly secure\n"
			       "    contimeout 5s\n");
	ck_assert_int_eq(c->nalerts, 1);
	ck_assert(t_diag(c, CFG_ALERT, "'contimeout' was removed; write 'timeout connect 5s' instead"));
	struct proxy_conf *b = cfg_find_proxy(c, "b", PX_CAP_BE);
	ck_assert_int_eq(b->timeout.connect, 5000);
	ck_assert_int_eq(b->timeout.client, 50000);
	ck_assert_int_eq(b->timeout.http_keep_alive, 4000);
	ck_assert(b->options & (1ULL << PX_OPT_HTTP_KEEP_ALIVE));
	ck_assert(!(b->options & (1ULL << PX_OPT_HTTP_SERVER_CLOSE)));
	ck_assert(b->options & (1ULL << PX_OPT_FORWARDFOR));
	ck_assert_str_eq(b->forwardfor.except, "127.0.0.0/8");
	ck_assert_str_eq(b->forwardfor.header, "X-Real-IP");
	ck_assert_int_eq(b->forwardfor.if_none, 1);
	/* parsed at load: family, bytes, bits */
	ck_assert_int_eq(b->forwardfor.ex_family, AF_INET);
	ck_assert_int_eq(b->forwardfor.ex_addr[0], 127);
	ck_assert_int_eq(b->forwardfor.ex_bits, 8);
	ck_assert_int_eq(b->retry_on, (1 << 0) | (1 << 1) | (1 << 3));
	ck_assert_int_eq(b->http_reuse, HTTP_REUSE_AGGRESSIVE);
	ck_assert_str_eq(b->cookie.name, "SERVERID");
	ck_assert_int_eq(b->cookie.mode, COOKIE_INSERT);
	ck_assert(b->cookie.indirect && b->cookie.nocache && b->cookie.httponly && b->cookie.secure);
	cfg_free(c);
}
END_TEST

/* the networks HAProxy 2.6 takes after `except`, and one it refuses */
START_TEST(forwardfor_except_networks)
{
	static const struct { const char *net; int family, bits, b0; } ok[] = {
		{ "10.0.0.0/255.255.0.0", AF_INET, 16, 10 }, { "10.0.0/8", AF_INET, 8, 10 },
		{ "192.168.1.7", AF_INET, 32, 192 }, { "fe80::/10", AF_INET6, 10, 0xfe },
	};
	char text[256];
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "frontend f\n    option forwardfor except %s\n", ok[i].net);
		struct cfg *c = t_load(text);
		ck_assert_msg(c->nalerts == 0, "%s refused", ok[i].net);
		struct proxy_conf *f = cfg_find_proxy(c, "f", PX_CAP_FE);
		ck_assert_int_eq(f->forwardfor.ex_family, ok[i].family);
		ck_assert_int_eq(f->forwardfor.ex_bits, ok[i].bits);
		ck_assert_int_eq(f->forwardfor.ex_addr[0], ok[i].b0);
		cfg_free(c);
	}
	struct cfg *c = t_load("frontend f\n    option forwardfor except 10.0.0.0/255.0.255.0\n");
	ck_assert_int_eq(c->nalerts, 1);
	ck_assert(t_diag(c, CFG_ALERT, "'option forwardfor' : '10.0.0.0/255.0.255.0' is not a "
			 "network after 'except' (write an address with an optional mask, such as "
			 "10.0.0.0/8 or 127.0.0.1)"));
	cfg_free(c);
}
END_TEST

START_TEST(bad_values)
{
	struct cfg *c = t_load("defaults\n    mode htttp\n    timeout connect 5x\n"
			       "    retry-on sometimes\n    http-reuse maybe\n    retries -1\n");
	ck_assert_int_eq(c->nalerts, 5);
	ck_assert(t_diag(c, CFG_ALERT, "'mode' expects 'http' or 'tcp', got 'htttp'"));
	ck_assert(t_diag(c, CFG_ALERT, "unknown keyword 'sometimes'"));
	ck_assert(t_diag(c, CFG_ALERT, "'http-reuse' expects"));
	cfg_free(c);
}
END_TEST

START_TEST(no_not_allowed)
{
	struct cfg *c = t_load("global\n    no maxconn\n    no daemon\n");
	ck_assert_int_eq(c->nalerts, 1);
	ck_assert(t_diag(c, CFG_ALERT, "'no maxconn' is not supported"));
	cfg_free(c);
}
END_TEST

START_TEST(userlists)
{
	struct cfg *c = t_load("userlist admins\n    group ops users alice\n"
			       "    user alice insecure-password secret groups ops\n"
			       "    user bob password $6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG. groups ops,devs\n"
			       "    user bob insecure-password x\n"
			       "    user carol password not-a-hash\n");
	struct userlist_conf *ul = cfg_find_userlist(c, "admins");
	ck_assert_ptr_nonnull(ul);
	ck_assert_int_eq(ul->groups.n, 1);
	ck_assert(t_diag(c, CFG_ALERT, "user 'bob' is declared twice"));
	ck_assert(t_diag(c, CFG_ALERT, "names group 'devs', which is not declared"));
	ck_assert(t_diag(c, CFG_ALERT, "user 'carol' : the password hash is not in a format"));
	cfg_free(c);
}
END_TEST

START_TEST(missing_file_is_an_error)
{
	struct cfg *c = cfg_new();
	ck_assert_int_eq(cfg_load_path(c, "/nonexistent/weir.cfg"), -1);
	ck_assert(t_diag(c, CFG_ALERT, "Cannot open configuration file/directory /nonexistent/weir.cfg"));
	cfg_free(c);
}
END_TEST

START_TEST(dump_reloads_identically)
{
	const char *text = "global\n    maxconn 100\n    nbthread 2\n    cpu-map auto:1/1-4 0-3\n"
			   "    setenv WEIR_T_X \"a b\"\n"
			   "defaults\n    mode http\n" FE_TIMEOUTS "    option httpclose\n"
			   "    retry-on conn-failure 503\n"
			   "backend b\n    no option httpclose\n    cookie S insert indirect\n"
			   "    timeout queue 1m\n";
	struct cfg *a = t_load(text);
	ck_assert_int_eq(a->nalerts, 0);
	char *d1 = t_dump(a);
	struct cfg *b = t_load(d1);
	ck_assert_int_eq(b->nalerts, 0);
	char *d2 = t_dump(b);
	ck_assert_str_eq(d1, d2);
	ck_assert_ptr_nonnull(strstr(d1, "timeout queue 1m"));
	ck_assert_ptr_nonnull(strstr(d1, "no option httpclose"));
	ck_assert_ptr_nonnull(strstr(d1, "setenv WEIR_T_X 'a b'"));
	free(d1);
	free(d2);
	cfg_free(a);
	cfg_free(b);
}
END_TEST

/* Each model keeps its own section state: loads may interleave, and the
 * last defaults section of one file still applies to the next file. */
START_TEST(interleaved_loads)
{
	struct cfg *a = cfg_new(), *b = cfg_new();
	const char *t1 = "defaults\n    mode http\n", *t2 = "backend x\n", *t3 = "backend y\n";
	cfg_load_buffer(a, "a1.cfg", t1, strlen(t1));
	cfg_load_buffer(b, "b1.cfg", t2, strlen(t2));
	cfg_load_buffer(a, "a2.cfg", t3, strlen(t3));
	cfg_finish(a);
	cfg_finish(b);
	ck_assert_int_eq(cfg_find_proxy(a, "y", PX_CAP_BE)->mode, PX_MODE_HTTP);
	ck_assert_int_eq(cfg_find_proxy(b, "x", PX_CAP_BE)->mode, PX_MODE_TCP);
	cfg_free(a);
	cfg_free(b);
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, global_sections_merge);
	tcase_add_test(tc, defaults_inheritance);
	tcase_add_test(tc, named_defaults_from);
	tcase_add_test(tc, inherited_lists_are_copied);
	tcase_add_test(tc, duplicate_proxies);
	tcase_add_test(tc, bad_names);
	tcase_add_test(tc, unsupported_sections);
	tcase_add_test(tc, unknown_keywords);
	tcase_add_test(tc, out_of_section_and_misplaced);
	tcase_add_test(tc, flattened_header_lines);
	tcase_add_test(tc, nbproc);
	tcase_add_test(tc, if_blocks);
	tcase_add_test(tc, timeouts_and_options);
	tcase_add_test(tc, forwardfor_except_networks);
	tcase_add_test(tc, bad_values);
	tcase_add_test(tc, no_not_allowed);
	tcase_add_test(tc, userlists);
	tcase_add_test(tc, missing_file_is_an_error);
	tcase_add_test(tc, dump_reloads_identically);
	tcase_add_test(tc, interleaved_loads);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(parse_suite)
