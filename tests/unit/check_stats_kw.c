/*
 * Stats keywords (src/stats/stats_kw.c): the global runtime API socket
 * and its options, `stats timeout|maxconn|bind-process`, and every proxy
 * `stats` keyword of the stats page (seeds s000-16, s002-05), with
 * HAProxy's errors and the dump reloading to the same text.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weir/acl.h"
#include "testutil.h"
#include "check_main.h"

#define TMO "    timeout client 1s\n    timeout connect 1s\n    timeout server 1s\n"

START_TEST(global_socket)
{
	struct cfg *c = t_load("global\n"
			       "    stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners\n"
			       "    stats socket unix@op.sock level operator\n"
			       "    stats socket 127.0.0.1:9999\n"
			       "    stats timeout 30s\n    stats maxconn 10\n"
			       "    stats bind-process 1\n");
	if (c->nalerts)
		t_print(c);
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->global.stats_sockets.n, 3);
	struct bind_conf *b = c->global.stats_sockets.v[0];
	ck_assert_int_eq(b->addr.kind, CFG_ADDR_UNIX);
	ck_assert_int_eq(b->level, STATS_LEVEL_ADMIN);
	ck_assert(b->expose_fd_listeners);
	ck_assert_int_eq(b->unix_mode, 0660);
	b = c->global.stats_sockets.v[1];
	ck_assert_int_eq(b->level, STATS_LEVEL_OPERATOR);
	b = c->global.stats_sockets.v[2];
	ck_assert_int_eq(b->addr.kind, CFG_ADDR_INET);
	ck_assert_int_eq(b->addr.port, 9999);
	ck_assert_int_eq(c->global.stats_timeout, 30000);
	ck_assert_int_eq(c->global.stats_maxconn, 10);
	ck_assert(t_diag(c, CFG_NOTICE, "'stats bind-process' is ignored"));
	cfg_free(c);
	c = t_load("global\n    stats socket\n    stats socket run/admin.sock level admin\n"
		   "    stats timeout soon\n");
	ck_assert(t_diag(c, CFG_ALERT, "'stats socket' in global section expects an address"));
	ck_assert(t_diag(c, CFG_ALERT, "missing port specification"));
	ck_assert_int_eq(c->global.stats_sockets.n, 0);
	ck_assert_int_eq(c->global.stats_timeout, 10000);
	ck_assert_int_eq(c->nalerts, 3);
	cfg_free(c);
}
END_TEST

/* s000-16 and s002-05 */
START_TEST(proxy_stats)
{
	struct cfg *c = t_load("defaults\n    mode http\n" TMO
			       "frontend stats\n    bind *:8404\n    stats enable\n    stats uri /stats\n"
			       "    stats refresh 10s\n    stats admin if LOCALHOST\n"
			       "    stats auth admin:your_secure_password\n    stats show-legends\n"
			       "    stats show-node\n"
			       "listen stats2\n    bind *:8405\n    stats realm \"HAProxy Statistics\"\n"
			       "    stats auth admin:a:b\n    stats auth ops:x\n    stats hide-version\n"
			       "    stats show-node lb1\n    stats show-desc \"primary lb\"\n"
			       "    stats scope .\n    stats scope app\n"
			       "    stats http-request auth realm Admin if !LOCALHOST\n");
	if (c->nalerts)
		t_print(c);
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->nwarnings, 0);
	struct stats_conf *s = &cfg_find_proxy(c, "stats", PX_CAP_FE)->stats;
	ck_assert(s->enabled);
	ck_assert_str_eq(s->uri, "/stats");
	ck_assert_int_eq(s->refresh, 10000);
	ck_assert_int_eq(s->admin_conds.n, 1);
	ck_assert_str_eq(acl_cond_words(s->admin_conds.v[0])->w[1], "LOCALHOST");
	ck_assert_int_eq(s->auths.n, 1);
	ck_assert_str_eq(((struct stats_auth *)s->auths.v[0])->user, "admin");
	ck_assert_str_eq(((struct stats_auth *)s->auths.v[0])->pass, "your_secure_password");
	ck_assert(s->show_legends);
	ck_assert_str_eq(s->show_node, "");
	s = &cfg_find_proxy(c, "stats2", PX_CAP_FE)->stats;
	ck_assert(s->enabled);   /* any stats keyword enables the page */
	ck_assert_str_eq(s->realm, "HAProxy Statistics");
	ck_assert_int_eq(s->auths.n, 2);
	ck_assert_str_eq(((struct stats_auth *)s->auths.v[0])->pass, "a:b");
	ck_assert(s->hide_version);
	ck_assert_str_eq(s->show_node, "lb1");
	ck_assert(s->show_desc_set);
	ck_assert_str_eq(s->show_desc, "primary lb");
	ck_assert(s->scope_set);
	ck_assert_int_eq(s->scopes.n, 2);
	ck_assert_int_eq(s->http_rules.n, 1);
	cfg_free(c);
}
END_TEST

START_TEST(proxy_errors)
{
	struct cfg *c = t_load("defaults\n    mode http\n" TMO "    stats admin if TRUE\n"
			       "    stats enable\n"
			       "frontend f\n    bind :80\n    stats auth admin\n    stats auth :pw\n"
			       "    stats admin\n    stats admin LOCALHOST\n    stats realm a b\n"
			       "    stats refresh\n    stats scope\n"
			       "frontend t\n    mode tcp\n    bind :81\n    stats uri /s\n");
	ck_assert(t_diag(c, CFG_ALERT, "'stats admin' not allowed in 'defaults' section."));
	ck_assert(t_diag(c, CFG_ALERT, "'stats auth' : 'admin' is not a user:password account"));
	ck_assert(t_diag(c, CFG_ALERT, "'stats auth' : ':pw' is not a user:password account"));
	ck_assert(t_diag(c, CFG_ALERT, "'stats admin' requires either 'if' or 'unless' followed by a condition"));
	ck_assert(t_diag(c, CFG_ALERT, "'stats realm' expects exactly one argument (escape the spaces"));
	ck_assert(t_diag(c, CFG_ALERT, "'stats scope' needs a proxy name"));
	ck_assert(t_diag(c, CFG_WARNING, "'stats' statement ignored for frontend 't' as it requires HTTP mode."));
	ck_assert_int_eq(c->nalerts, 8);
	/* inherited from defaults */
	ck_assert(cfg_find_proxy(c, "f", PX_CAP_FE)->stats.enabled);
	cfg_free(c);
}
END_TEST

START_TEST(dump_round_trip)
{
	struct cfg *c = t_load("global\n    stats socket /run/haproxy/admin.sock mode 660 level admin\n"
			       "    stats timeout 30s\n"
			       "defaults\n    mode http\n" TMO "    stats auth a:b\n"
			       "frontend stats\n    bind *:8404\n    stats enable\n    stats uri /stats\n"
			       "    stats refresh 10s\n    stats admin if LOCALHOST\n"
			       "    stats auth admin:pw\n    stats show-legends\n    stats show-node\n"
			       "    stats show-desc\n    stats scope .\n    stats hide-version\n"
			       "    stats realm \"HAProxy Statistics\"\n");
	ck_assert_int_eq(c->nalerts, 0);
	char *d1 = t_dump(c);
	ck_assert_ptr_nonnull(strstr(d1, "stats socket /run/haproxy/admin.sock mode 660 level admin\n"));
	ck_assert_ptr_nonnull(strstr(d1, "stats admin if LOCALHOST\n"));
	ck_assert_ptr_nonnull(strstr(d1, "stats auth admin:pw\n"));
	struct cfg *c2 = t_load(d1);
	if (c2->nalerts)
		t_print(c2);
	char *d2 = t_dump(c2);
	ck_assert_str_eq(d1, d2);
	struct stats_conf *s = &cfg_find_proxy(c2, "stats", PX_CAP_FE)->stats;
	ck_assert_int_eq(s->auths.n, 2);
	free(d1);
	free(d2);
	cfg_free(c);
	cfg_free(c2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("stats keywords");
	TCase *tc = tcase_create("keywords");
	tcase_add_test(tc, global_socket);
	tcase_add_test(tc, proxy_stats);
	tcase_add_test(tc, proxy_errors);
	tcase_add_test(tc, dump_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)
