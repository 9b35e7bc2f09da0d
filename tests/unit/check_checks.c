/*
 * Health-check keywords (src/check/): `option httpchk` in all its forms,
 * `http-check` and `tcp-check` sequences, the built-in protocol checks.
 * Promises: the rules land in the model in HAProxy's order and with
 * HAProxy's merging, the sequences HAProxy rejects are rejected with its
 * message plus the fix (seeds s000-08, s000-09), the guides' silent
 * mistakes get a warning (s000-05, s002-01), and the dump reloads to the
 * same rules.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "weir/check-t.h"
#include "check_main.h"

#define DEF "defaults\n mode http\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n"
#define SRV " server s1 127.0.1.10:8080 check\n"

static const struct proxy_conf *be(const struct cfg *cfg, const char *name)
{
	const struct proxy_conf *p = cfg_find_proxy(cfg, name, PX_CAP_BE);
	ck_assert_ptr_nonnull(p);
	return p;
}

static const struct check_rule *rule(const struct vec *v, int i)
{
	ck_assert_int_gt(v->n, i);
	return v->v[i];
}

static void expect_diag(int level, const char *text, const char *msg)
{
	struct cfg *cfg = t_load(text);
	if (!t_diag(cfg, level, msg)) {
		t_print(cfg);
		ck_abort_msg("no %s containing \"%s\"", level == CFG_ALERT ? "alert" : "warning", msg);
	}
	cfg_free(cfg);
}

/* ------------------------------------------------------------ option httpchk */

START_TEST(httpchk_forms)
{
	struct cfg *cfg = t_load_ok(DEF "backend a\n option httpchk\n" SRV
		"backend b\n option httpchk /health\n" SRV
		"backend c\n option httpchk GET /health HTTP/1.1\n" SRV);
	const struct proxy_conf *a = be(cfg, "a"), *b = be(cfg, "b"), *c = be(cfg, "c");
	ck_assert_int_eq(a->check_kind, CHECK_KIND_HTTP);
	ck_assert_ptr_null(a->httpchk_method);      /* OPTIONS / HTTP/1.0 */
	ck_assert_ptr_null(a->httpchk_uri);
	const struct check_rule *r = rule(&a->http_check_rules, 0);
	ck_assert_int_eq(r->action, CHECK_ACT_SEND);
	ck_assert_int_eq(r->send.from_option, 1);
	ck_assert_ptr_null(b->httpchk_method);
	ck_assert_str_eq(b->httpchk_uri, "/health");
	ck_assert_str_eq(c->httpchk_method, "GET");
	ck_assert_str_eq(c->httpchk_uri, "/health");
	ck_assert_str_eq(c->httpchk_version, "HTTP/1.1");
	ck_assert_str_eq(rule(&c->http_check_rules, 0)->send.ver, "HTTP/1.1");
	cfg_free(cfg);
	expect_diag(CFG_ALERT, DEF "backend a\n option httpchk GET / HTTP/1.1 extra\n", "'option httpchk'");
}
END_TEST

/* s001-03: headers hidden after the version, accepted with HAProxy's warning. */
START_TEST(httpchk_hidden_headers)
{
	struct cfg *cfg = t_load(DEF "backend a\n option httpchk GET /health HTTP/1.1\\r\\nHost:\\ api.example.com\n"
		" http-check expect status 200\n" SRV);
	ck_assert_int_eq(cfg->nalerts, 0);
	ck_assert(t_diag(cfg, CFG_WARNING, "'option httpchk' : hiding headers or body at the end of the "
		  "version string is deprecated. Please, consider to use 'http-check send' directive instead"));
	ck_assert(t_diag(cfg, CFG_WARNING, "http-check send hdr Host api.example.com"));
	const struct proxy_conf *a = be(cfg, "a");
	ck_assert_str_eq(a->httpchk_version, "HTTP/1.1");
	ck_assert_int_eq(a->httpchk_hdrs.n, 1);
	const struct check_hdr *h = a->httpchk_hdrs.v[0];
	ck_assert_str_eq(h->name, "Host");
	ck_assert_str_eq(h->value, "api.example.com");
	const struct check_rule *r = rule(&a->http_check_rules, 0);
	ck_assert_int_eq(r->send.hdrs.n, 1);
	cfg_free(cfg);

	cfg = t_load(DEF "backend a\n option httpchk POST /x \"HTTP/1.0\\r\\nA: 1\\r\\nB:2\\r\\n\\r\\nbody\"\n" SRV);
	a = be(cfg, "a");
	ck_assert_int_eq(a->httpchk_hdrs.n, 2);
	ck_assert_str_eq(((const struct check_hdr *)a->httpchk_hdrs.v[1])->value, "2");
	ck_assert_str_eq(a->httpchk_body, "body");
	cfg_free(cfg);
	expect_diag(CFG_ALERT, DEF "backend a\n option httpchk GET / \"HTTP/1.1\\r\\nnocolon\"\n",
		    "unable to parse the request");
}
END_TEST

/* ------------------------------------------------------------ http-check */

/* s000-08 as it should be written: the send merges into the option's request. */
START_TEST(http_send_merges_into_option)
{
	struct cfg *cfg = t_load_ok(DEF "backend app\n option httpchk GET /healthz HTTP/1.1\n"
		" http-check send hdr Host www.example.com\n http-check expect status 200\n"
		" http-check expect string \"status\\\":\\\"ok\"\n" SRV);
	const struct vec *v = &be(cfg, "app")->http_check_rules;
	ck_assert_int_eq(v->n, 3);
	const struct check_rule *s = rule(v, 0);
	ck_assert_int_eq(s->action, CHECK_ACT_SEND);
	ck_assert_int_eq(s->send.from_option, 0);
	ck_assert_str_eq(s->send.meth, "GET");
	ck_assert_str_eq(s->send.uri, "/healthz");
	ck_assert_str_eq(s->send.ver, "HTTP/1.1");
	ck_assert_int_eq(s->send.hdrs.n, 1);
	ck_assert_str_eq(((const struct check_hdr *)s->send.hdrs.v[0])->name, "Host");
	const struct check_rule *e = rule(v, 1);
	ck_assert_int_eq(e->expect.type, CHECK_EXP_STATUS);
	const struct check_status_range *rg = e->expect.statuses.v[0];
	ck_assert_int_eq(rg->lo, 200);
	ck_assert_int_eq(rg->hi, 200);
	ck_assert_int_eq(e->index, 1);
	ck_assert_int_eq(rule(v, 2)->expect.type, CHECK_EXP_STRING);
	ck_assert_str_eq(rule(v, 2)->expect.pattern, "status\":\"ok");
	cfg_free(cfg);
}
END_TEST

START_TEST(seed_s000_08_body_matcher)
{
	expect_diag(CFG_ALERT, DEF "backend app\n option httpchk GET /healthz HTTP/1.1\n"
		    " http-check expect body \"status\\\":\\\"ok\"\n" SRV,
		    "'http-check expect' : 'only supports min-recv, [!]string', '[!]rstring', "
		    "'[!]string-lf', '[!]status', '[!]rstatus', [!]hdr, [!]fhdr or comment but got "
		    "'body' as argument.");
	expect_diag(CFG_ALERT, DEF "backend app\n option httpchk\n http-check expect body x\n" SRV,
		    "use 'string' (or 'rstring' for a regex)");
}
END_TEST

START_TEST(seed_s000_09_missing_connect)
{
	const char *seed = DEF "backend app\n option httpchk\n http-check connect\n"
		" http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host www.example.com\n"
		" http-check expect status 200\n"
		" http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host www.example.com\n"
		" http-check expect status 200\n" SRV;
	struct cfg *cfg = t_load(seed);
	ck_assert(t_diag(cfg, CFG_ALERT, "'http-check send' : unable to add http-check send rule at "
			 "step 3 (missing connect rule)."));
	ck_assert(t_diag(cfg, CFG_ALERT, "http-check connect' before this 'http-check send'"));
	ck_assert_int_eq(cfg->nalerts, 1);
	cfg_free(cfg);

	/* the corrected form: a connect before each extra request */
	cfg = t_load_ok(DEF "backend app\n option httpchk\n http-check connect\n"
		" http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host www.example.com\n"
		" http-check expect status 200\n http-check connect\n"
		" http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host www.example.com\n"
		" http-check expect status 200\n" SRV);
	const struct vec *v = &be(cfg, "app")->http_check_rules;
	ck_assert_int_eq(v->n, 6);
	static const enum check_action want[] = { CHECK_ACT_CONNECT, CHECK_ACT_SEND, CHECK_ACT_EXPECT,
						  CHECK_ACT_CONNECT, CHECK_ACT_SEND, CHECK_ACT_EXPECT };
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(rule(v, i)->action, want[i]);
	ck_assert_str_eq(rule(v, 4)->send.uri, "/readyz");
	ck_assert_int_eq(rule(v, 4)->index, 3);
	cfg_free(cfg);
}
END_TEST

START_TEST(http_order_errors)
{
	expect_diag(CFG_ALERT, DEF "backend a\n option httpchk\n http-check connect\n http-check expect status 200\n",
		    "unable to add http-check expect rule at step 2 (missing send rule)");
	expect_diag(CFG_ALERT, DEF "backend a\n option httpchk\n http-check connect\n http-check connect\n",
		    "unable to add http-check connect rule at step 2 (missing expect rule)");
	expect_diag(CFG_ALERT, DEF "backend a\n option httpchk\n http-check send uri /\n http-check connect\n",
		    "first step MUST also be a 'connect'");
	/* rules before `option httpchk` are not ordered by HAProxy either */
	struct cfg *cfg = t_load_ok(DEF "backend a\n http-check expect status 200\n option httpchk GET /\n" SRV);
	ck_assert_int_eq(be(cfg, "a")->http_check_rules.n, 2);
	cfg_free(cfg);
}
END_TEST

START_TEST(http_send_options)
{
	struct cfg *cfg = t_load_ok(DEF "backend a\n option httpchk\n"
		" http-check send meth POST uri-lf /x/%[var(check.x)] ver HTTP/1.1 hdr Content-Length 3 "
		"hdr Host h body-lf %[date] comment c1\n http-check send-state\n http-check disable-on-404\n" SRV);
	const struct proxy_conf *a = be(cfg, "a");
	const struct check_rule *s = rule(&a->http_check_rules, 0);
	ck_assert_str_eq(s->send.meth, "POST");
	ck_assert_int_eq(s->send.uri_lf, 1);
	ck_assert_ptr_nonnull(s->send.uri_fmt);
	ck_assert_int_eq(s->send.hdrs.n, 1);        /* Content-Length is computed, dropped */
	ck_assert_int_eq(s->send.body_lf, 1);
	ck_assert_str_eq(s->comment, "c1");
	ck_assert_int_eq(a->http_check_send_state, 1);
	ck_assert_int_eq(a->http_check_disable_on_404, 1);
	cfg_free(cfg);
	expect_diag(CFG_ALERT, DEF "backend a\n http-check send hdr Host a hdr host b\n",
		    "'host' header already defined (previous value is 'a')");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check send path /x\n",
		    "expects 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body' or 'body-lf' but got 'path'");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check send hdr Host\n", "'hdr' expects <name> and <value>");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check send-state now\n", "'http-check send-state'");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check bogus\n",
		    "'http-check' only supports 'disable-on-404', 'send-state', 'comment', 'connect', 'send', "
		    "'expect'");
}
END_TEST

START_TEST(http_expect_matchers)
{
	struct cfg *cfg = t_load_ok(DEF "backend a\n option httpchk\n"
		" http-check expect ! rstatus ^5\n"
		" http-check expect min-recv 10 comment cc ok-status L7OKC error-status L7RSP "
		"tout-status L7TOUT on-success ok on-error ko status-code int(201) !string down\n"
		" http-check expect hdr name -m str content-type value -m beg text/\n"
		" http-check expect fhdr name-lf x-%[str(a)]\n"
		" http-check expect status 200-299,304\n" SRV);
	const struct vec *v = &be(cfg, "a")->http_check_rules;
	const struct check_expect *e = &rule(v, 1)->expect;
	ck_assert_int_eq(e->type, CHECK_EXP_RSTATUS);
	ck_assert_int_eq(e->inverse, 1);
	ck_assert_ptr_nonnull(e->re);
	e = &rule(v, 2)->expect;
	ck_assert_int_eq(e->min_recv, 10);
	ck_assert_int_eq(e->ok_status, CHECK_RES_L7OKC);
	ck_assert_int_eq(e->err_status, CHECK_RES_L7RSP);
	ck_assert_int_eq(e->tout_status, CHECK_RES_L7TOUT);
	ck_assert_str_eq(e->on_success, "ok");
	ck_assert_str_eq(e->status_code, "int(201)");
	ck_assert_int_eq(e->inverse, 1);
	ck_assert_str_eq(rule(v, 2)->comment, "cc");
	e = &rule(v, 3)->expect;
	ck_assert_int_eq(e->type, CHECK_EXP_HDR);
	ck_assert_str_eq(e->hdr_name, "content-type");
	ck_assert_int_eq(e->hdr_value_match, CHECK_HM_BEG);
	ck_assert_str_eq(e->hdr_value, "text/");
	e = &rule(v, 4)->expect;
	ck_assert_int_eq(e->hdr_full, 1);
	ck_assert_int_eq(e->hdr_name_lf, 1);
	ck_assert_ptr_null(e->hdr_value);
	e = &rule(v, 5)->expect;
	ck_assert_int_eq(e->statuses.n, 2);
	ck_assert_int_eq(((const struct check_status_range *)e->statuses.v[0])->hi, 299);
	cfg_free(cfg);
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect rstring (unclosed\n", "regex '(unclosed' is invalid");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect status 300-200\n",
		    "invalid range of status codes '300-200'");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect status 2xx\n",
		    "invalid character 'x' in the list of status codes");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect binary 52\n", "but got 'binary' as argument");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect error-status L4OK status 200\n",
		    "'error-status' only supports 'L4CON', 'L6RSP', 'L7RSP', 'L7STS' or 'L7OKC' status (got 'L4OK')");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect !min-recv 3 status 200\n",
		    "[!] not supported with 'min-recv'");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect status 200 string x\n", "only on pattern expected");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect comment x\n", "pattern not found");
	expect_diag(CFG_ALERT, DEF "backend a\n http-check expect hdr value x\n",
		    "'hdr' expects at the name keyword as first argument");
}
END_TEST

/* ------------------------------------------------------------- tcp-check */

START_TEST(tcp_redis_sequence)
{
	struct cfg *cfg = t_load_ok(DEF "backend redis\n mode tcp\n balance first\n option tcp-check\n"
		" tcp-check connect\n tcp-check send \"PING\\r\\n\"\n tcp-check expect string +PONG\n"
		" tcp-check send \"INFO replication\\r\\n\"\n tcp-check expect string role:master\n"
		" tcp-check send QUIT\\r\\n\n tcp-check expect string +OK\n" SRV);
	const struct proxy_conf *p = be(cfg, "redis");
	ck_assert_int_eq(p->check_kind, CHECK_KIND_TCPCHECK);
	const struct vec *v = &p->tcp_check_rules;
	ck_assert_int_eq(v->n, 7);
	ck_assert_int_eq(rule(v, 1)->send.type, CHECK_SEND_STRING);
	ck_assert_str_eq(rule(v, 1)->send.data, "PING\r\n");
	ck_assert_int_eq((int)rule(v, 1)->send.len, 6);
	ck_assert_str_eq(rule(v, 4)->expect.pattern, "role:master");
	ck_assert_int_eq(rule(v, 6)->index, 6);
	ck_assert(!t_diag(cfg, CFG_WARNING, "Redis"));
	cfg_free(cfg);
}
END_TEST

START_TEST(tcp_send_forms)
{
	struct cfg *cfg = t_load_ok(DEF "backend m\n mode tcp\n option tcp-check\n"
		" tcp-check connect port 3306 addr 127.0.0.2 ssl sni db alpn h2 linger send-proxy comment c0\n"
		" tcp-check send-binary 0A00ff comment bin\n tcp-check send-lf %[var(check.x)]\n"
		" tcp-check send-binary-lf %[date,hex]\n"
		" tcp-check expect rbinary ^0a\n tcp-check expect binary-lf 0a\n tcp-check comment done\n"
		" tcp-check set-var(check.x) int(1)\n tcp-check unset-var(check.x)\n" SRV);
	const struct vec *v = &be(cfg, "m")->tcp_check_rules;
	const struct check_rule *c = rule(v, 0);
	ck_assert_int_eq(c->connect.port, 3306);
	ck_assert_str_eq(c->connect.addr, "127.0.0.2");
	ck_assert(c->connect.opts & CHECK_CONN_SSL);
	ck_assert(c->connect.opts & CHECK_CONN_LINGER);
	ck_assert(c->connect.opts & CHECK_CONN_SEND_PROXY);
	ck_assert_str_eq(c->connect.sni, "db");
	ck_assert_str_eq(c->comment, "c0");
	const struct check_rule *b = rule(v, 1);
	ck_assert_int_eq((int)b->send.len, 3);
	ck_assert_int_eq((unsigned char)b->send.data[0], 0x0a);
	ck_assert_int_eq((unsigned char)b->send.data[2], 0xff);
	ck_assert_int_eq(rule(v, 2)->send.type, CHECK_SEND_STRING_LF);
	ck_assert_ptr_nonnull(rule(v, 2)->send.fmt);
	ck_assert_int_eq(rule(v, 4)->expect.type, CHECK_EXP_RBINARY);
	ck_assert_int_eq(rule(v, 6)->action, CHECK_ACT_COMMENT);
	ck_assert_int_eq(rule(v, 7)->action, CHECK_ACT_SET_VAR);
	ck_assert_str_eq(rule(v, 7)->var_name, "check.x");
	ck_assert_str_eq(rule(v, 7)->var_expr, "int(1)");
	ck_assert_int_eq(rule(v, 8)->action, CHECK_ACT_UNSET_VAR);
	cfg_free(cfg);
}
END_TEST

START_TEST(tcp_errors)
{
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check send-binary 0a0\n", "an even number of hex digits");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check send-binary 0g\n", "'g' is not a hex digit");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check expect binary 5\n", "an even number of hex digits");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check send\n", "'send' expects a string as argument");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check send x y\n", "expects 'comment' but got 'y'");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check expect status 200\n",
		    "'tcp-check expect' : 'only supports min-recv, '[!]binary'");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check send a\n tcp-check connect\n",
		    "'tcp-check connect' : first step MUST also be a 'connect', optionally preceded by a "
		    "'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in the "
		    "tcp-check ruleset");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check connect port 0\n",
		    "expects a valid TCP port (from range 1 to 65535)");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check connect tls\n", "but got 'tls' as argument");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check connect proto h2\n", "invalid MUX protocol 'h2' for tcp-check");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check set-var(x) int(1)\n", "invalid variable name 'x'");
	expect_diag(CFG_ALERT, DEF "backend m\n tcp-check receive x\n", "'tcp-check' only supports 'comment', 'connect'");
	/* a send/expect conversation on one connection is valid (s000-06, s002-01) */
	struct cfg *cfg = t_load_ok(DEF "backend m\n option tcp-check\n tcp-check send a\\n\n"
		" tcp-check expect string b\n tcp-check send c\\n\n tcp-check expect string d\n" SRV);
	cfg_free(cfg);
}
END_TEST

/* s000-05: 00000028 declares 40 bytes, 22 are sent. */
START_TEST(seed_s000_05_pgsql_length)
{
	const char *seq = DEF "backend pg\n mode tcp\n option tcp-check\n tcp-check connect\n"
		" tcp-check send-binary 00000028 # packet length\n tcp-check send-binary 00030000\n"
		" tcp-check send-binary 7573657200\n tcp-check send-binary 686170726f787900\n"
		" tcp-check send-binary 00\n tcp-check expect binary 52\n" SRV;
	struct cfg *cfg = t_load(seq);
	ck_assert_int_eq(cfg->nalerts, 0);
	ck_assert(t_diag(cfg, CFG_WARNING, "tcp-check send-binary: the PostgreSQL startup message "
			 "declares 40 bytes but 22 are sent; the server will wait for the rest and the "
			 "check will time out"));
	ck_assert(t_diag(cfg, CFG_WARNING, "00000016"));
	const struct cfg_diag *d = NULL, *x;
	VEC_EACH(&cfg->diags, const struct cfg_diag *, x)
		if (strstr(x->msg, "PostgreSQL"))
			d = x;
	ck_assert_int_eq(d->loc.line, 10);
	cfg_free(cfg);
	cfg = t_load(DEF "backend pg\n mode tcp\n option tcp-check\n tcp-check connect\n"
		" tcp-check send-binary 00000016\n tcp-check send-binary 00030000\n"
		" tcp-check send-binary 7573657200\n tcp-check send-binary 686170726f787900\n"
		" tcp-check send-binary 00\n tcp-check expect binary 52\n" SRV);
	ck_assert(!t_diag(cfg, CFG_WARNING, "PostgreSQL"));
	cfg_free(cfg);
}
END_TEST

/* s002-01: `tcp-check send PING` then `expect string +PONG`. */
START_TEST(seed_s002_01_redis_crlf)
{
	struct cfg *cfg = t_load(DEF "listen redis\n bind :6380\n mode tcp\n option tcp-check\n"
		" tcp-check send PING\n\n tcp-check expect string +PONG\n" SRV);
	ck_assert_int_eq(cfg->nalerts, 0);
	ck_assert(t_diag(cfg, CFG_WARNING, "Redis will not answer a command without \\r\\n"));
	ck_assert(t_diag(cfg, CFG_WARNING, "tcp-check send \"PING\\r\\n\""));
	cfg_free(cfg);
	cfg = t_load(DEF "backend r\n option tcp-check\n tcp-check send PING\n tcp-check expect string PONG\n" SRV);
	ck_assert(!t_diag(cfg, CFG_WARNING, "Redis"));
	cfg_free(cfg);
}
END_TEST

/* ------------------------------------------------------------ check kinds */

START_TEST(protocol_checks)
{
	struct cfg *cfg = t_load_ok(DEF "backend my\n option mysql-check user haproxy\n" SRV
		"backend my40\n option mysql-check user h pre-41\n" SRV
		"backend pg\n option pgsql-check user postgres\n" SRV
		"backend sm\n option smtpchk EHLO mail.example.com\n" SRV
		"backend sm2\n option smtpchk\n" SRV
		"backend r\n option httpchk\n option redis-check\n" SRV
		"backend l\n option ldap-check\n" SRV
		"backend s\n option ssl-hello-chk\n" SRV
		"backend sp\n option spop-check\n" SRV);
	ck_assert_int_eq(be(cfg, "my")->check_kind, CHECK_KIND_MYSQL);
	ck_assert_str_eq(be(cfg, "my")->check_user, "haproxy");
	ck_assert_int_eq(be(cfg, "my")->mysql_check_post41, 1);
	ck_assert_int_eq(be(cfg, "my40")->mysql_check_post41, 0);
	ck_assert_int_eq(be(cfg, "pg")->check_kind, CHECK_KIND_PGSQL);
	ck_assert_str_eq(be(cfg, "pg")->check_user, "postgres");
	ck_assert_str_eq(be(cfg, "sm")->smtpchk_verb, "EHLO");
	ck_assert_str_eq(be(cfg, "sm")->smtpchk_domain, "mail.example.com");
	ck_assert_str_eq(be(cfg, "sm2")->smtpchk_domain, "localhost");
	ck_assert_int_eq(be(cfg, "r")->check_kind, CHECK_KIND_REDIS);      /* the last one wins */
	ck_assert_int_eq(be(cfg, "l")->check_kind, CHECK_KIND_LDAP);
	ck_assert_int_eq(be(cfg, "s")->check_kind, CHECK_KIND_SSL_HELLO);
	ck_assert_int_eq(be(cfg, "sp")->check_kind, CHECK_KIND_SPOP);
	cfg_free(cfg);
	expect_diag(CFG_ALERT, DEF "backend b\n option pgsql-check\n", "'option pgsql-check' expects 'user <username>'");
	expect_diag(CFG_ALERT, DEF "backend b\n option pgsql-check name x\n", "only supports optional values: 'user'");
	expect_diag(CFG_ALERT, DEF "backend b\n option mysql-check login x\n", "only supports optional values: 'user' (got 'login')");
	expect_diag(CFG_ALERT, DEF "backend b\n option mysql-check user\n", "'option mysql-check user' expects <username>");
	expect_diag(CFG_ALERT, DEF "backend b\n option mysql-check user x post-50\n",
		    "only supports 'post-41' and 'pre-41' (got 'post-50')");
	expect_diag(CFG_ALERT, DEF "backend b\n option redis-check now\n", "'option redis-check'");
}
END_TEST

START_TEST(external_check)
{
	struct cfg *cfg = t_load_ok("global\n external-check\n" DEF "backend b\n option external-check\n"
		" external-check command /bin/true\n external-check path /usr/bin:/bin\n" SRV);
	ck_assert_int_eq(be(cfg, "b")->check_kind, CHECK_KIND_EXTERNAL);
	ck_assert_str_eq(be(cfg, "b")->external_check_command, "/bin/true");
	ck_assert_str_eq(be(cfg, "b")->external_check_path, "/usr/bin:/bin");
	cfg_free(cfg);
	expect_diag(CFG_ALERT, DEF "backend b\n option external-check\n external-check command /bin/true\n" SRV,
		    "needs the 'external-check' keyword in the global section");
	expect_diag(CFG_ALERT, "global\n external-check\n" DEF "backend b\n option external-check\n" SRV,
		    "needs 'external-check command <program>'");
}
END_TEST

/* ------------------------------------------------------------ inheritance */

/* A proxy inherits its defaults' rules whole, or starts its own list. */
START_TEST(rules_from_defaults)
{
	struct cfg *cfg = t_load_ok(DEF " option httpchk GET /d\n http-check expect status 200\n"
		"backend inherit\n" SRV "backend own\n http-check expect string up\n" SRV
		"backend own_opt\n option httpchk HEAD /o\n" SRV);
	const struct proxy_conf *d = cfg->defaults.v[0];
	const struct proxy_conf *i = be(cfg, "inherit"), *o = be(cfg, "own"), *oo = be(cfg, "own_opt");
	ck_assert_int_eq(i->check_kind, CHECK_KIND_HTTP);
	ck_assert_int_eq(i->http_check_rules.n, 2);
	ck_assert_str_eq(i->httpchk_uri, "/d");
	ck_assert_int_eq(o->http_check_rules.n, 1);
	ck_assert_int_eq(rule(&o->http_check_rules, 0)->expect.type, CHECK_EXP_STRING);
	ck_assert_ptr_null(o->httpchk_uri);
	ck_assert_int_eq(oo->http_check_rules.n, 1);
	ck_assert_str_eq(oo->httpchk_method, "HEAD");
	ck_assert_int_eq(d->http_check_rules.n, 2);         /* the defaults' list is untouched */
	cfg_free(cfg);
}
END_TEST

START_TEST(unused_rules_warn)
{
	expect_diag(CFG_WARNING, DEF "backend b\n http-check expect status 200\n" SRV,
		    "backend 'b' uses http-check rules without 'option httpchk', so the rules are ignored");
	expect_diag(CFG_WARNING, DEF "backend b\n tcp-check expect string x\n" SRV,
		    "backend 'b' uses tcp-check rules without 'option tcp-check', so the rules are ignored");
}
END_TEST

START_TEST(misplaced)
{
	expect_diag(CFG_ALERT, DEF "frontend f\n bind :80\n option httpchk\n", "'option httpchk'");
	expect_diag(CFG_ALERT, DEF "frontend f\n bind :80\n tcp-check connect\n", "'tcp-check connect'");
}
END_TEST

/* --------------------------------------------------------------- dumps */

START_TEST(dump_round_trip)
{
	const char *text = DEF " option httpchk GET /d\n http-check expect status 200\n"
		"backend a\n option httpchk GET /x HTTP/1.1\\r\\nHost:\\ h\n http-check connect\n"
		" http-check send hdr Host x.example\n http-check expect ! rstring ^down\n"
		" http-check send-state\n" SRV
		"backend t\n mode tcp\n tcp-check connect port 6379\n tcp-check send \"PING\\r\\n\"\n"
		" tcp-check expect string +PONG comment pong\n option tcp-check\n" SRV
		"backend p\n option httpchk\n option pgsql-check user pg\n" SRV
		"backend inherit\n" SRV;
	struct cfg *cfg = t_load(text);
	ck_assert_int_eq(cfg->nalerts, 0);
	char *d1 = t_dump(cfg);
	struct cfg *cfg2 = t_load(d1);
	ck_assert_int_eq(cfg2->nalerts, 0);
	char *d2 = t_dump(cfg2);
	ck_assert_str_eq(d1, d2);
	ck_assert_msg(strstr(d1, "http-check connect") != NULL, "%s", d1);
	ck_assert_msg(strstr(d1, "tcp-check expect string +PONG comment pong") != NULL, "%s", d1);
	ck_assert_msg(strstr(d1, "option pgsql-check user pg") != NULL, "%s", d1);
	const struct proxy_conf *a = be(cfg2, "a");
	ck_assert_int_eq(a->http_check_rules.n, 3);
	ck_assert_str_eq(rule(&a->http_check_rules, 1)->send.uri, "/x");
	ck_assert_int_eq(be(cfg2, "p")->check_kind, CHECK_KIND_PGSQL);
	ck_assert_int_eq(be(cfg2, "t")->tcp_check_rules.n, 3);
	ck_assert_int_eq(be(cfg2, "inherit")->http_check_rules.n, 2);
	free(d1);
	free(d2);
	cfg_free(cfg);
	cfg_free(cfg2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("checks");
	TCase *tc = tcase_create("checks");
	tcase_add_test(tc, httpchk_forms);
	tcase_add_test(tc, httpchk_hidden_headers);
	tcase_add_test(tc, http_send_merges_into_option);
	tcase_add_test(tc, seed_s000_08_body_matcher);
	tcase_add_test(tc, seed_s000_09_missing_connect);
	tcase_add_test(tc, http_order_errors);
	tcase_add_test(tc, http_send_options);
	tcase_add_test(tc, http_expect_matchers);
	tcase_add_test(tc, tcp_redis_sequence);
	tcase_add_test(tc, tcp_send_forms);
	tcase_add_test(tc, tcp_errors);
	tcase_add_test(tc, seed_s000_05_pgsql_length);
	tcase_add_test(tc, seed_s002_01_redis_crlf);
	tcase_add_test(tc, protocol_checks);
	tcase_add_test(tc, external_check);
	tcase_add_test(tc, rules_from_defaults);
	tcase_add_test(tc, unused_rules_warn);
	tcase_add_test(tc, misplaced);
	tcase_add_test(tc, dump_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)
