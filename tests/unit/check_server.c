/*
 * `server` and `default-server` (src/cfg/kw_server.c): every option the
 * guides use lands in struct server_conf with HAProxy's meaning, a
 * default-server line shapes only the servers after it (defaults ->
 * backend -> server), every mistake gets HAProxy's message and the fix,
 * and the dump reloads to the same servers.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "testutil.h"
#include "check_main.h"

#define DEF "defaults\n mode http\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n"

static const struct server_conf *srv(const struct cfg *cfg, const char *px, const char *name)
{
	const struct proxy_conf *p = cfg_find_proxy(cfg, px, PX_CAP_BE);
	ck_assert_ptr_nonnull(p);
	const struct server_conf *s;
	VEC_EACH(&p->servers, const struct server_conf *, s)
		if (strcmp(s->name, name) == 0)
			return s;
	ck_abort_msg("no server %s/%s", px, name);
	return NULL;
}

static void expect_alert(const char *text, const char *msg)
{
	struct cfg *cfg = t_load(text);
	if (!t_diag(cfg, CFG_ALERT, msg)) {
		t_print(cfg);
		ck_abort_msg("no alert containing \"%s\"", msg);
	}
	cfg_free(cfg);
}

START_TEST(seed_options)
{
	struct cfg *cfg = t_load_ok(DEF "backend b\n"
		" server web1 127.0.1.10:8080 check inter 5s fall 3 rise 2 cookie w1 maxconn 500\n"
		" server web3 127.0.1.12:8080 weight 3 check slowstart 30s backup disabled\n"
		" server pg1 127.0.2.10:5432 check inter 3s fall 3 rise 2 maxconn 200 port 8080\n");
	const struct server_conf *s = srv(cfg, "b", "web1");
	ck_assert_int_eq(s->check, 1);
	ck_assert_int_eq(s->inter, 5000);
	ck_assert_int_eq(s->fall, 3);
	ck_assert_int_eq(s->rise, 2);
	ck_assert_str_eq(s->cookie, "w1");
	ck_assert_int_eq(s->maxconn, 500);
	ck_assert_int_eq(s->weight, 1);
	ck_assert_int_eq(s->addr.port, 8080);
	ck_assert_int_eq(s->loc.line, 7);
	s = srv(cfg, "b", "web3");
	ck_assert_int_eq(s->weight, 3);
	ck_assert_int_eq(s->slowstart, 30000);
	ck_assert_int_eq(s->backup, 1);
	ck_assert_int_eq(s->disabled, 1);
	ck_assert_int_eq(srv(cfg, "b", "pg1")->check_port, 8080);
	cfg_free(cfg);
}
END_TEST

START_TEST(builtin_defaults)
{
	struct cfg *cfg = t_load_ok(DEF "backend b\n server s 127.0.0.1:80\n");
	const struct server_conf *s = srv(cfg, "b", "s");
	ck_assert_int_eq(s->check, 0);
	ck_assert_int_eq(s->inter, 2000);
	ck_assert_int_eq(s->rise, 2);
	ck_assert_int_eq(s->fall, 3);
	ck_assert_int_eq(s->weight, 1);
	ck_assert_int_eq(s->agent_inter, 2000);
	ck_assert_int_eq(s->error_limit, 10);
	ck_assert_int_eq(s->pool_max_conn, -1);
	cfg_free(cfg);
}
END_TEST

/* defaults -> backend -> server, and a later default-server only affects
 * the servers after it. */
START_TEST(default_server_inheritance)
{
	struct cfg *cfg = t_load_ok(DEF " default-server inter 2s fall 2\n"
		"backend b\n default-server rise 5\n server a 127.0.0.1:80\n"
		" default-server check inter 7s\n server c 127.0.0.2:80\n"
		"backend other\n server d 127.0.0.3:80\n");
	const struct server_conf *a = srv(cfg, "b", "a"), *c = srv(cfg, "b", "c");
	ck_assert_int_eq(a->inter, 2000);
	ck_assert_int_eq(a->fall, 2);
	ck_assert_int_eq(a->rise, 5);
	ck_assert_int_eq(a->check, 0);
	ck_assert_int_eq(c->check, 1);
	ck_assert_int_eq(c->inter, 7000);
	ck_assert_int_eq(c->rise, 5);
	const struct server_conf *d = srv(cfg, "other", "d");
	ck_assert_int_eq(d->fall, 2);
	ck_assert_int_eq(d->rise, 2);       /* backend b's template is its own */
	ck_assert_int_eq(d->check, 0);
	cfg_free(cfg);
}
END_TEST

START_TEST(seed_s001_03_default_server)
{
	struct cfg *cfg = t_load_ok(DEF "backend robust\n balance roundrobin\n"
		" default-server inter 2s fall 2 rise 3\n"
		" server web1 127.0.1.10:8080 check\n server web3 127.0.1.12:8080 check backup\n"
		" server web4 127.0.1.13:8080 check disabled\n");
	const struct server_conf *s = srv(cfg, "robust", "web3");
	ck_assert_int_eq(s->inter, 2000);
	ck_assert_int_eq(s->fall, 2);
	ck_assert_int_eq(s->rise, 3);
	ck_assert_int_eq(s->backup, 1);
	ck_assert_int_eq(srv(cfg, "robust", "web4")->disabled, 1);
	cfg_free(cfg);
}
END_TEST

START_TEST(no_forms_undo_template)
{
	struct cfg *cfg = t_load_ok(DEF "backend b\n default-server check backup send-proxy ssl verify none\n"
		" server x 127.0.0.1:80 no-check no-backup no-send-proxy no-ssl\n"
		" server y 127.0.0.2:80 enabled\n");
	const struct server_conf *x = srv(cfg, "b", "x");
	ck_assert_int_eq(x->check, 0);
	ck_assert_int_eq(x->backup, 0);
	ck_assert_int_eq(x->send_proxy, 0);
	ck_assert_int_eq(x->ssl, 0);
	ck_assert_int_eq(srv(cfg, "b", "y")->check, 1);
	ck_assert_int_eq(srv(cfg, "b", "y")->ssl, 1);
	cfg_free(cfg);
}
END_TEST

START_TEST(check_and_agent_options)
{
	struct cfg *cfg = t_load_ok(DEF "backend b\n"
		" server app1 127.0.1.10:8080 check inter 5s agent-check agent-port 8081 agent-inter 3s\n"
		" server s2 127.0.0.2:80 check fastinter 500ms downinter 10s observe layer7 error-limit 5"
		" on-error mark-down on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions"
		" addr 127.0.0.9 agent-send \"hello\\n\" agent-addr 127.0.0.8 check-send-proxy\n");
	const struct server_conf *a = srv(cfg, "b", "app1");
	ck_assert_int_eq(a->agent_check, 1);
	ck_assert_int_eq(a->agent_port, 8081);
	ck_assert_int_eq(a->agent_inter, 3000);
	const struct server_conf *s = srv(cfg, "b", "s2");
	ck_assert_int_eq(s->fastinter, 500);
	ck_assert_int_eq(s->downinter, 10000);
	ck_assert_int_eq(s->observe, SRV_OBSERVE_LAYER7);
	ck_assert_int_eq(s->error_limit, 5);
	ck_assert_int_eq(s->on_error, SRV_ONERR_MARK_DOWN);
	ck_assert_int_eq(s->on_marked_down_shutdown, 1);
	ck_assert_int_eq(s->on_marked_up_shutdown_backup, 1);
	ck_assert_str_eq(s->check_addr, "127.0.0.9");
	ck_assert_str_eq(s->agent_send, "hello\n");
	ck_assert_str_eq(s->agent_addr, "127.0.0.8");
	ck_assert_int_eq(s->check_send_proxy, 1);
	cfg_free(cfg);
}
END_TEST

START_TEST(tls_options)
{
	struct cfg *cfg = t_load_ok("global\n ssl-default-server-options ssl-min-ver TLSv1.2\n"
		DEF "backend b\n mode tcp\n"
		" server secure-01 127.0.3.21:443 check check-ssl verify none\n"
		" server t 127.0.3.22:443 ssl verify none sni str(example.com) alpn h2,http/1.1 "
		"ssl-max-ver TLSv1.3 no-tlsv10 ciphers ECDHE-RSA-AES128-GCM-SHA256 no-ssl-reuse "
		"check-sni example.com\n");
	const struct server_conf *s = srv(cfg, "b", "secure-01");
	ck_assert_int_eq(s->check_ssl, 1);
	ck_assert_int_eq(s->verify, CFG_VERIFY_NONE);
	ck_assert_int_eq(s->ssl_opts.min_ver, SSL_VER_TLSV12);   /* from the global defaults */
	const struct server_conf *t = srv(cfg, "b", "t");
	ck_assert_int_eq(t->ssl, 1);
	ck_assert_str_eq(t->sni, "str(example.com)");
	ck_assert_str_eq(t->alpn, "h2,http/1.1");
	ck_assert_int_eq(t->ssl_opts.max_ver, SSL_VER_TLSV13);
	ck_assert(t->ssl_opts.flags & SSL_OPT_NO_TLSV10);
	ck_assert_str_eq(t->ssl_opts.ciphers, "ECDHE-RSA-AES128-GCM-SHA256");
	ck_assert_int_eq(t->no_ssl_reuse, 1);
	ck_assert_str_eq(t->check_sni, "example.com");
	cfg_free(cfg);
}
END_TEST

START_TEST(names_are_not_resolved)
{
	struct cfg *cfg = t_load_ok(DEF "backend b\n server s app.internal:8080 check resolvers dns "
		"resolve-prefer ipv4 init-addr last,libc,none\n");
	const struct server_conf *s = srv(cfg, "b", "s");
	ck_assert_int_eq(s->addr.is_name, 1);
	ck_assert_int_eq(s->resolve_prefer, AF_INET);
	ck_assert_str_eq(s->init_addr, "last,libc,none");
	ck_assert_str_eq(s->resolvers, "dns");
	cfg_free(cfg);
}
END_TEST

START_TEST(errors)
{
	expect_alert(DEF "backend app\n server web1 127.0.0.1:80\n server web1 127.0.0.2:80\n",
		     "backend 'app' has already a server named 'web1' at test.cfg:7");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 chek\n",
		     "'server s' unknown keyword 'chek'; did you mean 'check' maybe ?");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 weight 300\n",
		     "weight of server is not within 0 and 256 (got '300')");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 weight -1\n", "not within 0 and 256");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 rise 0\n", "'rise'");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 inter 0\n", "'inter' has to be > 0");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 inter 5x\n", "'inter'");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 inter\n", "'inter' expects an argument");
	expect_alert(DEF "backend b\n server s\n", "'server' expects <name> and <addr>[:<port>]");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 observe layer5\n",
		     "'observe' expects one of 'none', 'layer4', 'layer7' but got 'layer5'");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 on-error retry\n",
		     "'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death', 'mark-down'");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 verify optional\n", "'verify' expects one of");
	expect_alert(DEF "backend b\n default-server id 3\n",
		     "'id' option is not accepted in default-server sections");
	expect_alert(DEF "backend b\n server a 127.0.0.1:80 id 3\n server c 127.0.0.2:80 id 3\n",
		     "custom id 3 already used at test.cfg:7 ('server a')");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 ca-file /nonexistent/ca.pem ssl\n",
		     "/nonexistent/ca.pem");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 port 70000\n", "'port'");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 init-addr dns\n", "unsupported method 'dns'");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 resolve-prefer ipv5\n",
		     "'resolve-prefer' expects 'ipv4' or 'ipv6'");
	expect_alert(DEF "backend b\n server s bad@addr check\n", "'server s'");
}
END_TEST

/* One bad option does not hide the next ones. */
START_TEST(all_errors_of_a_line)
{
	struct cfg *cfg = t_load(DEF "backend b\n server s 127.0.0.1:80 weight 999 rise 0 check\n");
	ck_assert(t_diag(cfg, CFG_ALERT, "weight"));
	ck_assert(t_diag(cfg, CFG_ALERT, "'rise'"));
	ck_assert_int_eq(cfg->nalerts, 2);
	cfg_free(cfg);
}
END_TEST

START_TEST(finish_errors)
{
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 check agent-check\n",
		     "server 's' does not have agent port. Agent check has been disabled");
	expect_alert(DEF "backend b\n server s 10.0.0.1 check\n",
		     "has neither service port nor check port");
	expect_alert(DEF "backend b\n server s 127.0.0.1:443 ssl\n",
		     "verify is enabled by default but no CA file specified");
	expect_alert(DEF "backend b\n server s 127.0.0.1:443 check-ssl verify required\n",
		     "verify is enabled but no CA file specified");
	expect_alert(DEF "backend b\n server s 127.0.0.1:80 track nope\n",
		     "unable to find required server 'nope' for tracking");
	expect_alert(DEF "backend b\n server a 127.0.0.1:80\n server s 127.0.0.2:80 track a\n",
		     "does not have any check nor agent enabled");
	expect_alert(DEF "backend b\n server s 127.0.0.2:80 track x/a\n",
		     "unable to find required proxy 'x' for tracking");
	/* the fixes are accepted */
	struct cfg *cfg = t_load_ok(DEF "global\n ssl-server-verify none\n" DEF
		"backend b\n server a 127.0.0.1:80 check\n server s 127.0.0.2:80 track b/a\n"
		" server t 10.0.0.3 check port 80\n server u 127.0.0.4:443 ssl\n");
	cfg_free(cfg);
	/* `observe layer7` needs HTTP to judge: a warning in a TCP proxy */
	cfg = t_load(DEF "backend b\n mode tcp\n server s 127.0.0.1:80 check observe layer7\n"
		     "backend h\n mode http\n server s 127.0.0.1:80 check observe layer7\n");
	ck_assert_msg(t_diag(cfg, CFG_WARNING, "'server b/s' : 'observe layer7' can only be used in "
			     "http proxies"), "no warning");
	ck_assert_msg(!t_diag(cfg, CFG_WARNING, "'server h/s'"), "warned of an http proxy");
	ck_assert_msg(!t_diag(cfg, CFG_ALERT, ""), "an alert");
	cfg_free(cfg);
}
END_TEST

START_TEST(misplaced)
{
	expect_alert(DEF "frontend f\n bind :80\n server s 127.0.0.1:80\n", "'server'");
	expect_alert(DEF " server s 127.0.0.1:80\n", "'server'");
}
END_TEST

START_TEST(extras_kept)
{
	struct cfg *cfg = t_load_ok(DEF "backend b\n server s 127.0.0.1:80 namespace ns1 "
		"source 10.0.0.9 usesrc clientip proxy-v2-options ssl,cert-cn check\n");
	const struct server_conf *s = srv(cfg, "b", "s");
	ck_assert_int_eq(s->extra.n, 3);
	ck_assert_int_eq(s->check, 1);
	const struct cfg_words *w = s->extra.v[1];
	ck_assert_int_eq(w->n, 4);
	ck_assert_str_eq(w->w[3], "clientip");
	cfg_free(cfg);
}
END_TEST

/* The dump shows each server's effective options and reloads to the same model. */
START_TEST(dump_round_trip)
{
	const char *text = DEF " default-server inter 3s\n"
		"backend b\n default-server check rise 4 ssl verify none\n"
		" server a 127.0.0.1:80 no-check weight 7 cookie a1 namespace x\n"
		" default-server fall 9\n"
		" server c 127.0.0.2:80 no-ssl verifyhost h.example slowstart 10s\n";
	struct cfg *cfg = t_load_ok(text);
	char *d1 = t_dump(cfg);
	ck_assert_msg(strstr(d1, "server a 127.0.0.1:80") != NULL, "%s", d1);
	ck_assert_msg(strstr(d1, "no-check") != NULL, "%s", d1);
	ck_assert_msg(strstr(d1, "weight 7") != NULL, "%s", d1);
	ck_assert_msg(strstr(d1, "inter 3s") != NULL, "%s", d1);
	struct cfg *cfg2 = t_load_ok(d1);
	const struct server_conf *a = srv(cfg2, "b", "a"), *c = srv(cfg2, "b", "c");
	ck_assert_int_eq(a->check, 0);
	ck_assert_int_eq(a->rise, 4);
	ck_assert_int_eq(a->fall, 3);       /* fall 9 came after it */
	ck_assert_int_eq(a->ssl, 1);
	ck_assert_int_eq(a->inter, 3000);
	ck_assert_int_eq(c->fall, 9);
	ck_assert_int_eq(c->ssl, 0);
	ck_assert_int_eq(c->check, 1);
	ck_assert_str_eq(c->verifyhost, "h.example");
	char *d2 = t_dump(cfg2);
	ck_assert_str_eq(d1, d2);
	free(d1);
	free(d2);
	cfg_free(cfg);
	cfg_free(cfg2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("server");
	tcase_add_test(tc, seed_options);
	tcase_add_test(tc, builtin_defaults);
	tcase_add_test(tc, default_server_inheritance);
	tcase_add_test(tc, seed_s001_03_default_server);
	tcase_add_test(tc, no_forms_undo_template);
	tcase_add_test(tc, check_and_agent_options);
	tcase_add_test(tc, tls_options);
	tcase_add_test(tc, names_are_not_resolved);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, all_errors_of_a_line);
	tcase_add_test(tc, finish_errors);
	tcase_add_test(tc, misplaced);
	tcase_add_test(tc, extras_kept);
	tcase_add_test(tc, dump_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)
