/*
 * Stick tables (src/stick/): `stick-table` key types, sizes with k/m/g,
 * expiry, stored data types with their periods and errors; one table per
 * proxy with HAProxy's conflict message and weir's fix (seed s000-19);
 * `stick` rules and their table references; the warning for an sc_* fetch
 * reading data its table does not store (seed s002-08).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weir/stick.h"
#include "testutil.h"
#include "check_main.h"

#define TMO "    timeout client 1s\n    timeout connect 1s\n    timeout server 1s\n"

static struct stick_table_conf *table_of(struct cfg *c, const char *name)
{
	struct stick_table_conf *t = stick_table_find(c, name);
	ck_assert_msg(t != NULL, "no table '%s'", name);
	return t;
}

START_TEST(types_sizes_stores)
{
	struct cfg *c = t_load(
		"backend t_ip\n    stick-table type ip size 200k expire 30s store "
		"http_req_rate(10s),conn_cur,bytes_out_rate(60s)\n"
		"backend t_ipv6\n    stick-table type ipv6 size 1m\n"
		"backend t_int\n    stick-table type integer size 10 nopurge\n"
		"backend t_str\n    stick-table type string len 64 size 2g expire 1h peers mypeers\n"
		"backend t_str32\n    stick-table type string size 100k srvkey addr\n"
		"backend t_bin\n    stick-table type binary len 40 size 100k expire 30s store "
		"http_req_rate(10s)\n"
		"backend t_arr\n    stick-table type ip size 1k store gpc(3),gpc_rate(2,1m),gpt(2),"
		"gpc0,gpc1_rate(5s),server_id,http_fail_cnt\n    stick-table type ip size 1\n");
	ck_assert_int_eq(c->nalerts, 1);   /* the second table of t_arr */
	struct stick_table_conf *t = table_of(c, "t_ip");
	ck_assert_int_eq(t->type, STICK_KEY_IP);
	ck_assert_int_eq(t->size, 200 * 1024);
	ck_assert_int_eq(t->expire, 30000);
	ck_assert(t->data[STICK_DT_HTTP_REQ_RATE].stored);
	ck_assert_int_eq(t->data[STICK_DT_HTTP_REQ_RATE].period, 10000);
	ck_assert(t->data[STICK_DT_CONN_CUR].stored);
	ck_assert_int_eq(t->data[STICK_DT_BYTES_OUT_RATE].period, 60000);
	ck_assert(!t->data[STICK_DT_CONN_RATE].stored);
	ck_assert(stick_table_stores(t, "conn_cur"));
	ck_assert(!stick_table_stores(t, "conn_cnt"));
	ck_assert(!stick_table_stores(t, "nonsense"));
	ck_assert_str_eq(t->name, "t_ip");
	ck_assert_str_eq(t->owner_kind, "backend");
	t = table_of(c, "t_ipv6");
	ck_assert_int_eq(t->type, STICK_KEY_IPV6);
	ck_assert_int_eq(t->size, 1024 * 1024);
	ck_assert_int_eq(t->expire, TIME_UNSET);
	t = table_of(c, "t_int");
	ck_assert_int_eq(t->type, STICK_KEY_INTEGER);
	ck_assert_int_eq(t->size, 10);
	ck_assert(t->nopurge);
	t = table_of(c, "t_str");
	ck_assert_int_eq(t->type, STICK_KEY_STRING);
	ck_assert_int_eq(t->key_len, 64);
	ck_assert_int_eq(t->size, 2LL << 30);
	ck_assert_str_eq(t->peers, "mypeers");
	t = table_of(c, "t_str32");
	ck_assert_int_eq(t->key_len, 32);
	ck_assert_int_eq(t->srvkey, STICK_SRVKEY_ADDR);
	t = table_of(c, "t_bin");
	ck_assert_int_eq(t->type, STICK_KEY_BINARY);
	ck_assert_int_eq(t->key_len, 40);
	t = table_of(c, "t_arr");
	ck_assert_int_eq(t->data[STICK_DT_GPC].count, 3);
	ck_assert_int_eq(t->data[STICK_DT_GPC_RATE].count, 2);
	ck_assert_int_eq(t->data[STICK_DT_GPC_RATE].period, 60000);
	ck_assert_int_eq(t->data[STICK_DT_GPT].count, 2);
	ck_assert(t->data[STICK_DT_GPC0].stored);
	ck_assert_int_eq(t->data[STICK_DT_GPC1_RATE].period, 5000);
	ck_assert(t->data[STICK_DT_SERVER_ID].stored);
	ck_assert(t->data[STICK_DT_HTTP_FAIL_CNT].stored);
	ck_assert_ptr_null(stick_table_find(c, "nope"));
	ck_assert_int_eq(stick_data_find("http_err_rate"), STICK_DT_HTTP_ERR_RATE);
	ck_assert(stick_data_is_rate(STICK_DT_SESS_RATE));
	ck_assert(!stick_data_is_rate(STICK_DT_SESS_CNT));
	ck_assert_str_eq(stick_data_name(STICK_DT_BYTES_IN_CNT), "bytes_in_cnt");
	cfg_free(c);
}
END_TEST

START_TEST(table_errors)
{
	static const struct { const char *args, *msg; } cases[] = {
		{ "type ipv4 size 1k", "'stick-table' : unknown type 'ipv4'" },
		{ "type ip", "'stick-table' : missing size" },
		{ "size 1k", "'stick-table' : missing type" },
		{ "type ip size 1x", "invalid size value '1x'" },
		{ "type ip size 1k expire 5q", "'stick-table' : invalid expire value" },
		{ "type ip size 1k store http_req_rte(10s)",
		  "unknown data type 'http_req_rte'; did you mean 'http_req_rate'" },
		{ "type ip size 1k store conn_rate", "missing argument to data type 'conn_rate' "
		  "(a rate is counted over a period, e.g. 'conn_rate(10s)')" },
		{ "type ip size 1k store conn_cur(10s)", "unexpected argument to data type 'conn_cur'" },
		{ "type ip size 1k store conn_rate(ten)", "failed to parse arguments to data type 'conn_rate'" },
		{ "type ip size 1k store gpc(0)", "failed to parse arguments to data type 'gpc'" },
		{ "type ip size 1k store gpc_rate(2)", "failed to parse arguments to data type 'gpc_rate'" },
		{ "type ip size 1k store conn_rate(10s", "missing ')' after arguments to data type 'conn_rate'" },
		{ "type ip size 1k bogus", "'stick-table' : unknown argument 'bogus'" },
		{ "type ip size", "missing argument after 'size'" },
		{ "type string len 0 size 1k", "invalid length '0' for type 'string'" },
		{ "type ip size 1k srvkey id", "unknown srvkey 'id'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "backend b\n    stick-table %s\n", cases[i].args);
		struct cfg *c = t_load(text);
		ck_assert_msg(t_diag(c, CFG_ALERT, cases[i].msg), "'%s' did not say '%s'",
			      cases[i].args, cases[i].msg);
		ck_assert_ptr_null(stick_table_find(c, "b"));
		cfg_free(c);
	}
	struct cfg *c = t_load("defaults\n    stick-table type ip size 1k\n"
			       "backend b\n    stick-table type ip size 1k store conn_cur,conn_cur\n");
	ck_assert(t_diag(c, CFG_ALERT, "'stick-table' is not supported in 'defaults' section."));
	ck_assert(t_diag(c, CFG_WARNING, "ignoring duplicate data type 'conn_cur'"));
	cfg_free(c);
}
END_TEST

/* s000-19: a second table in one frontend. */
START_TEST(seed_s000_19_conflict)
{
	struct cfg *c = t_load(
		"defaults\n    mode http\n" TMO
		"frontend http_front\n"
		"    bind *:80\n"
		"    stick-table type ip size 200k expire 60s store http_req_rate(10s)\n"
		"    http-request track-sc0 src table per_ip_rate\n"
		"    stick-table type binary len 40 size 100k expire 30s store http_req_rate(10s)\n"
		"backend per_ip_rate\n"
		"    stick-table type ip size 200k expire 60s store http_req_rate(10s)\n");
	ck_assert(t_diag(c, CFG_ALERT, "stick-table name 'http_front' conflicts with table declared "
			 "in frontend 'http_front' at test.cfg:8."));
	ck_assert(t_diag(c, CFG_ALERT, "declare the second one in its own 'backend <name>' section "
			 "holding only the 'stick-table' line, and refer to it with 'table <name>' "
			 "(e.g. 'http-request track-sc1 ... table <name>')"));
	/* the first table stays */
	ck_assert_int_eq(table_of(c, "http_front")->type, STICK_KEY_IP);
	ck_assert_int_eq(table_of(c, "per_ip_rate")->size, 200 * 1024);
	cfg_free(c);
	c = t_load("frontend app\n    bind :80\n    stick-table type ip size 1k\n"
		   "listen app2\n    bind :81\n    stick-table type ip size 1k\n"
		   "backend app\n    stick-table type ip size 1k\n");
	ck_assert(t_diag(c, CFG_ALERT, "stick-table name 'app' conflicts with table declared in "
			 "frontend 'app' at test.cfg:3."));
	ck_assert_str_eq(table_of(c, "app2")->owner_kind, "proxy");
	cfg_free(c);
}
END_TEST

START_TEST(stick_rules)
{
	struct cfg *c = t_load(
		"defaults\n    mode http\n" TMO
		"backend b\n"
		"    stick-table type ip size 1k\n"
		"    stick on src\n"
		"    stick match src table other if TRUE\n"
		"    stick store-request src table nope\n"
		"    stick store-response res.hdr(x)\n"
		"backend other\n    stick-table type ip size 1k\n"
		"backend notable\n    stick on src\n"
		"frontend f\n    bind :80\n    stick on src\n"
		"backend e\n    stick on\n    stick on src table\n    stick on src foo bar\n");
	struct proxy_conf *b = cfg_find_proxy(c, "b", PX_CAP_BE);
	ck_assert_int_eq(b->stick_rules.n, 4);
	struct stick_rule *r = b->stick_rules.v[1];
	ck_assert_int_eq(r->kind, STICK_MATCH);
	ck_assert_str_eq(r->table, "other");
	ck_assert_ptr_nonnull(r->cond);
	ck_assert_ptr_nonnull(r->expr);
	ck_assert_int_eq(((struct stick_rule *)b->stick_rules.v[3])->kind, STICK_STORE_RES);
	ck_assert(t_diag(c, CFG_ALERT, "Proxy 'b': unable to find stick-table 'nope'."));
	ck_assert(t_diag(c, CFG_ALERT, "Proxy 'notable': unable to find stick-table 'notable'."));
	ck_assert(t_diag(c, CFG_WARNING, "'stick on' ignored because frontend 'f' has no backend capability."));
	ck_assert(t_diag(c, CFG_ALERT, "'stick on' : missing fetch method"));
	ck_assert(t_diag(c, CFG_ALERT, "'stick on' : missing table name."));
	ck_assert(t_diag(c, CFG_ALERT, "'stick on' : unexpected argument 'foo'"));
	ck_assert_int_eq(c->nalerts, 5);
	char *d1 = t_dump(c);
	ck_assert_ptr_nonnull(strstr(d1, "stick match src table other if TRUE\n"));
	free(d1);
	cfg_free(c);
}
END_TEST

/* s002-08: the table stores conn_rate only; sc_http_req_rate(1) reads 0. */
START_TEST(seed_s002_08_sc_fetch)
{
	struct cfg *c = t_load(
		"defaults\n    mode http\n" TMO
		"frontend http-in\n"
		"    bind *:80\n"
		"    stick-table type ip size 1m expire 30s store conn_rate(10s)\n"
		"    tcp-request connection track-sc0 src\n"
		"    tcp-request connection reject if { sc_conn_rate(0) gt 100 }\n"
		"    http-request track-sc1 src\n"
		"    http-request deny if { sc_http_req_rate(1) gt 200 }\n");
	ck_assert(t_diag(c, CFG_WARNING, "frontend 'http-in': 'sc_http_req_rate(1)' reads "
			 "'http_req_rate' from table 'http-in', which does not store it"));
	ck_assert(t_diag(c, CFG_WARNING, "Add 'http_req_rate(<period>)' to the 'store' list"));
	ck_assert(!t_diag(c, CFG_WARNING, "sc_conn_rate(0)"));
	cfg_free(c);
	/* tables named with `table`, and the scN_ form */
	c = t_load("defaults\n    mode http\n" TMO
		   "frontend f\n    bind :80\n"
		   "    http-request track-sc0 src table t\n"
		   "    http-request deny if { sc0_http_err_rate gt 10 }\n"
		   "    http-request deny if { sc_http_req_rate(0) gt 10 }\n"
		   "backend t\n    stick-table type ip size 1k store http_req_rate(10s)\n");
	ck_assert(t_diag(c, CFG_WARNING, "'sc0_http_err_rate' reads 'http_err_rate' from table 't'"));
	ck_assert(!t_diag(c, CFG_WARNING, "sc_http_req_rate(0)"));
	cfg_free(c);
}
END_TEST

START_TEST(dump_round_trip)
{
	struct cfg *c = t_load("defaults\n    mode http\n" TMO
			       "backend b\n    stick-table type string len 32 size 100k expire 1h "
			       "store gpc_rate(2,1m),conn_cur\n    stick on url_param(session_id)\n"
			       "    stick store-response res.hdr(x) table b\n");
	ck_assert_int_eq(c->nalerts, 0);
	char *d1 = t_dump(c);
	ck_assert_ptr_nonnull(strstr(d1, "stick-table type string len 32 size 100k expire 1h "
				     "store gpc_rate(2,1m),conn_cur\n"));
	struct cfg *c2 = t_load(d1);
	char *d2 = t_dump(c2);
	ck_assert_str_eq(d1, d2);
	free(d1);
	free(d2);
	cfg_free(c);
	cfg_free(c2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("stick");
	TCase *tc = tcase_create("tables");
	tcase_add_test(tc, types_sizes_stores);
	tcase_add_test(tc, table_errors);
	tcase_add_test(tc, seed_s000_19_conflict);
	tcase_add_test(tc, stick_rules);
	tcase_add_test(tc, seed_s002_08_sc_fetch);
	tcase_add_test(tc, dump_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)
