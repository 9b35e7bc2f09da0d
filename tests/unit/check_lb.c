/*
 * `balance`, `hash-type`, `hash-balance-factor` (src/lb/lb_kw.c) and the
 * algorithm table (include/weir/lb.h). Promises: every algorithm HAProxy
 * 2.6 accepts is parsed with its arguments, the guides' invented
 * `balance leasttime response` is rejected with HAProxy's list of valid
 * algorithms, a layer 7 hash in TCP mode warns as HAProxy does, and the
 * dump reloads to the same settings.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "weir/lb.h"
#include "check_main.h"

#define DEF "defaults\n mode http\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n"

static const struct balance_conf *bal(const char *lines, struct cfg **out)
{
	char text[2048];
	snprintf(text, sizeof(text), DEF "backend b\n%s\n server s 127.0.0.1:80\n", lines);
	struct cfg *cfg = t_load(text);
	if (cfg->nalerts)
		t_print(cfg);
	ck_assert_int_eq(cfg->nalerts, 0);
	*out = cfg;
	return &cfg_find_proxy(cfg, "b", PX_CAP_BE)->balance;
}

static void expect_alert(const char *lines, const char *msg)
{
	char text[2048];
	snprintf(text, sizeof(text), DEF "backend b\n%s\n", lines);
	struct cfg *cfg = t_load(text);
	if (!t_diag(cfg, CFG_ALERT, msg)) {
		t_print(cfg);
		ck_abort_msg("no alert containing \"%s\"", msg);
	}
	cfg_free(cfg);
}

START_TEST(simple_algorithms)
{
	static const struct { const char *w; enum lb_algo a; } t[] = {
		{ "roundrobin", LB_ALGO_ROUNDROBIN }, { "static-rr", LB_ALGO_STATIC_RR },
		{ "leastconn", LB_ALGO_LEASTCONN }, { "first", LB_ALGO_FIRST }, { "source", LB_ALGO_SOURCE },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cfg *cfg;
		char line[64];
		snprintf(line, sizeof(line), " balance %s", t[i].w);
		ck_assert_int_eq(bal(line, &cfg)->algo, t[i].a);
		cfg_free(cfg);
	}
}
END_TEST

START_TEST(algorithms_with_arguments)
{
	struct cfg *cfg;
	const struct balance_conf *b = bal(" balance uri whole len 10 depth 3 path-only", &cfg);
	ck_assert_int_eq(b->algo, LB_ALGO_URI);
	ck_assert_int_eq(b->uri_whole, 1);
	ck_assert_int_eq(b->uri_len, 10);
	ck_assert_int_eq(b->uri_depth, 3);
	ck_assert_int_eq(b->uri_path_only, 1);
	cfg_free(cfg);
	b = bal(" balance url_param userid check_post", &cfg);
	ck_assert_int_eq(b->algo, LB_ALGO_URL_PARAM);
	ck_assert_str_eq(b->arg, "userid");
	ck_assert_ptr_nonnull(b->check_post);
	cfg_free(cfg);
	b = bal(" balance hdr(Host) use_domain_only", &cfg);
	ck_assert_int_eq(b->algo, LB_ALGO_HDR);
	ck_assert_str_eq(b->arg, "Host");
	ck_assert_int_eq(b->hdr_use_domain_only, 1);
	cfg_free(cfg);
	b = bal(" balance random(3)", &cfg);
	ck_assert_int_eq(b->algo, LB_ALGO_RANDOM);
	ck_assert_int_eq(b->random_draws, 3);
	cfg_free(cfg);
	b = bal(" balance random", &cfg);
	ck_assert_int_eq(b->random_draws, 2);
	cfg_free(cfg);
	b = bal(" balance rdp-cookie", &cfg);
	ck_assert_str_eq(b->arg, "mstshash");
	cfg_free(cfg);
	b = bal(" balance rdp-cookie(user)", &cfg);
	ck_assert_int_eq(b->algo, LB_ALGO_RDP_COOKIE);
	ck_assert_str_eq(b->arg, "user");
	cfg_free(cfg);
	/* a later balance replaces the earlier one and its parameters */
	b = bal(" balance uri len 5\n balance leastconn", &cfg);
	ck_assert_int_eq(b->algo, LB_ALGO_LEASTCONN);
	ck_assert_int_eq(b->uri_len, 0);
	cfg_free(cfg);
}
END_TEST

START_TEST(hash_type)
{
	struct cfg *cfg;
	const struct balance_conf *b = bal(" balance source\n hash-type consistent", &cfg);
	ck_assert_int_eq(b->hash_type, HASH_CONSISTENT);
	ck_assert_int_eq(b->hash_fn, HASH_FN_SDBM);
	cfg_free(cfg);
	b = bal(" hash-type map-based djb2 avalanche\n balance uri", &cfg);
	ck_assert_int_eq(b->hash_type, HASH_MAP_BASED);
	ck_assert_int_eq(b->hash_fn, HASH_FN_DJB2);
	ck_assert_int_eq(b->hash_avalanche, 1);
	ck_assert_int_eq(b->algo, LB_ALGO_URI);     /* balance keeps hash-type */
	cfg_free(cfg);
	b = bal(" hash-type consistent avalanche\n hash-balance-factor 150", &cfg);
	ck_assert_int_eq(b->hash_avalanche, 1);
	ck_assert_int_eq(cfg_find_proxy(cfg, "b", PX_CAP_BE)->hash_balance_factor, 150);
	cfg_free(cfg);
}
END_TEST

START_TEST(errors)
{
	expect_alert(" balance leasttime response",
		     "'balance' : unknown algorithm 'leasttime'. 'balance' only supports 'roundrobin', "
		     "'static-rr', 'leastconn', 'first', 'source', 'uri', 'url_param', 'hdr(name)', "
		     "'random' and 'rdp-cookie(name)' options.");
	expect_alert(" balance", "'balance' expects");
	expect_alert(" balance uri len x", "'balance uri len' expects a positive integer (got 'x')");
	expect_alert(" balance uri full", "'balance uri' only accepts parameters 'len', 'depth', 'path-only' and 'whole'");
	expect_alert(" balance url_param", "'balance url_param' requires an URL parameter name");
	expect_alert(" balance url_param a b", "only accepts 'check_post' modifier (got 'b')");
	expect_alert(" balance hdr", "'balance hdr' requires an http header field name");
	expect_alert(" balance hdr(host) domain", "only accepts 'use_domain_only' modifier");
	expect_alert(" balance hdr(host", "missing closing parenthesis");
	expect_alert(" balance random(0)", "the number of draws must be an integer of at least 1");
	expect_alert(" balance roundrobin(2)", "'balance roundrobin(2)' takes no argument in parentheses");
	expect_alert(" hash-type modulo", "'hash-type' expects 'map-based' or 'consistent' but got 'modulo'");
	expect_alert(" hash-type consistent md5", "unknown hash function or modifier 'md5'");
	expect_alert(" hash-balance-factor 50", "'hash-balance-factor' must be 0 (disabled) or greater than 100");
}
END_TEST

START_TEST(l7_hash_in_tcp_mode)
{
	struct cfg *cfg = t_load(DEF "backend b\n mode tcp\n balance uri\n server s 127.0.0.1:80\n");
	ck_assert_int_eq(cfg->nalerts, 0);
	ck_assert(t_diag(cfg, CFG_WARNING, "'balance uri' needs 'mode http'"));
	cfg_free(cfg);
	cfg = t_load(DEF "backend b\n mode tcp\n balance rdp-cookie\n server s 127.0.0.1:80\n");
	ck_assert(!t_diag(cfg, CFG_WARNING, "needs 'mode http'"));
	cfg_free(cfg);
}
END_TEST

START_TEST(inherited_from_defaults)
{
	struct cfg *cfg = t_load(DEF " balance leastconn\n hash-type consistent\n"
				 "backend b\n server s 127.0.0.1:80\n");
	const struct proxy_conf *b = cfg_find_proxy(cfg, "b", PX_CAP_BE);
	ck_assert_int_eq(b->balance.algo, LB_ALGO_LEASTCONN);
	ck_assert_int_eq(b->balance.hash_type, HASH_CONSISTENT);
	cfg_free(cfg);
}
END_TEST

START_TEST(algorithm_table)
{
	ck_assert_int_eq(lb_algos_count, 10);
	for (int i = 0; i < lb_algos_count; i++) {
		ck_assert_ptr_eq(lb_algo_get(lb_algos[i].algo), &lb_algos[i]);
		ck_assert_ptr_eq(lb_algo_find(lb_algos[i].name), &lb_algos[i]);
	}
	ck_assert(lb_algo_get(LB_ALGO_URI)->flags & LB_F_HTTP);
	ck_assert(lb_algo_get(LB_ALGO_SOURCE)->flags & LB_F_HASH);
	ck_assert(!(lb_algo_get(LB_ALGO_STATIC_RR)->flags & LB_F_DYNAMIC));
	ck_assert_ptr_null(lb_algo_find("leasttime"));
}
END_TEST

START_TEST(dump_round_trip)
{
	struct cfg *cfg = t_load(DEF " balance source\n"
		"backend a\n balance hdr(Host) use_domain_only\n hash-type consistent wt6 avalanche\n"
		" hash-balance-factor 125\n server s 127.0.0.1:80\n"
		"backend b\n server s 127.0.0.1:80\n");
	ck_assert_int_eq(cfg->nalerts, 0);
	char *d1 = t_dump(cfg);
	ck_assert_msg(strstr(d1, "balance hdr(Host) use_domain_only") != NULL, "%s", d1);
	ck_assert_msg(strstr(d1, "hash-type consistent wt6 avalanche") != NULL, "%s", d1);
	ck_assert_msg(strstr(d1, "hash-balance-factor 125") != NULL, "%s", d1);
	struct cfg *cfg2 = t_load(d1);
	char *d2 = t_dump(cfg2);
	ck_assert_str_eq(d1, d2);
	ck_assert_int_eq(cfg_find_proxy(cfg2, "b", PX_CAP_BE)->balance.algo, LB_ALGO_SOURCE);
	free(d1);
	free(d2);
	cfg_free(cfg);
	cfg_free(cfg2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("lb");
	TCase *tc = tcase_create("lb");
	tcase_add_test(tc, simple_algorithms);
	tcase_add_test(tc, algorithms_with_arguments);
	tcase_add_test(tc, hash_type);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, l7_hash_in_tcp_mode);
	tcase_add_test(tc, inherited_from_defaults);
	tcase_add_test(tc, algorithm_table);
	tcase_add_test(tc, dump_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)
