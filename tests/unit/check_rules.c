/*
 * Rules, switching, redirects and error pages (src/proxy/): each action
 * parses into ready-to-run arguments, bad lines get HAProxy 2.6's message
 * (with the fix where one is known), references to backends, servers and
 * stick tables are resolved or reported with a suggestion, the seed
 * warnings (s000-12, s001-07) are reproduced, and dumps re-emit the rules.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weir/rule.h"
#include "testutil.h"
#include "check_main.h"

#define FE_HEAD "defaults\n mode http\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n" \
	"frontend fe\n bind 127.0.0.1:18080\n"
#define BE_TAIL "backend be\n server s1 127.0.0.1:8080\n"

static struct cfg *cfg;

static void teardown(void)
{
	cfg_free(cfg);
	cfg = NULL;
}

static struct cfg *load(const char *text)
{
	cfg = t_load(text);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

static struct proxy_conf *px(const char *name)
{
	struct proxy_conf *p = cfg_find_proxy(cfg, name, PX_CAP_FE | PX_CAP_BE);
	ck_assert_ptr_nonnull(p);
	return p;
}

static struct rule *rule_at(const char *pxname, enum rule_list l, int i)
{
	struct vec *v = rule_list_vec(px(pxname), l);
	ck_assert_int_gt(v->n, i);
	return v->v[i];
}

static void assert_clean(void)
{
	if (cfg->nalerts)
		t_print(cfg);
	ck_assert_int_eq(cfg->nalerts, 0);
}

/* A temporary file with the given content; returns its path (static). */
static const char *tmpfile_with(const char *content)
{
	static char path[64];
	strcpy(path, "/tmp/weir-rules-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

/* ------------------------------------------------------------- http-request */

START_TEST(set_header_with_sample)
{
	load(FE_HEAD " http-request set-header X-Real-IP %[src]\n"
	     " http-request add-header X-Forwarded-Proto http\n default_backend be\n" BE_TAIL);
	assert_clean();
	struct rule *r = rule_at("fe", RULE_HTTP_REQ, 0);
	ck_assert_int_eq(r->act, ACT_SET_HDR);
	ck_assert_str_eq(r->name, "X-Real-IP");
	ck_assert_str_eq(r->text, "%[src]");
	ck_assert_ptr_nonnull(r->fmt);
	ck_assert_ptr_null(r->cond);
	ck_assert_str_eq(r->kw, "http-request");
	ck_assert_int_eq(r->src_from, 1);
	r = rule_at("fe", RULE_HTTP_REQ, 1);
	ck_assert_int_eq(r->act, ACT_ADD_HDR);
}
END_TEST

START_TEST(deny_with_condition)
{
	load(FE_HEAD " acl is_delete method DELETE\n"
	     " http-request deny deny_status 403 if is_delete\n"
	     " http-request deny deny_status 429 content-type text/plain string \"slow down\"\n"
	     " http-request deny\n default_backend be\n" BE_TAIL);
	assert_clean();
	struct rule *r = rule_at("fe", RULE_HTTP_REQ, 0);
	ck_assert_int_eq(r->act, ACT_DENY);
	ck_assert_ptr_nonnull(r->cond);
	ck_assert_int_eq(r->reply->status, 403);
	ck_assert_int_eq(r->reply->payload, PAYLOAD_DEFAULT_ERRORFILE);
	r = rule_at("fe", RULE_HTTP_REQ, 1);
	ck_assert_int_eq(r->reply->status, 429);
	ck_assert_int_eq(r->reply->payload, PAYLOAD_STRING);
	ck_assert_str_eq(r->reply->content, "slow down");
	ck_assert_str_eq(r->reply->content_type, "text/plain");
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_REQ, 2)->reply->status, 403);
}
END_TEST

START_TEST(deny_status_not_handled)
{
	load(FE_HEAD " http-request deny deny_status 499\n default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "status code '499' not handled by default with 'deny_status'"));
}
END_TEST

START_TEST(unknown_action)
{
	load(FE_HEAD " http-request frobnicate\n http-request set-heder X y\n default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "'http-request' expects 'allow', "));
	ck_assert(t_diag(cfg, CFG_ALERT, "but got 'frobnicate'"));
	ck_assert(t_diag(cfg, CFG_ALERT, "but got 'set-heder'; did you mean 'set-header' maybe ?"));
}
END_TEST

/* HAProxy 2.6: the server and tunnel timeouts belong to a proxy with a
 * server side; a frontend's is an error at its line. */
START_TEST(set_timeout_sides)
{
	load(FE_HEAD " default_backend be\n"
	     "backend be\n http-request set-timeout server 5s\n"
	     " http-request set-timeout tunnel 1m\n server s1 127.0.0.1:8080\n");
	assert_clean();
	struct rule *r = rule_at("be", RULE_HTTP_REQ, 0);
	ck_assert_int_eq(r->timeout, RULE_TIMEOUT_SERVER);
	ck_assert_int_eq(r->ival, 5000);
	ck_assert_int_eq(rule_at("be", RULE_HTTP_REQ, 1)->timeout, RULE_TIMEOUT_TUNNEL);
	cfg_free(cfg);
	load(FE_HEAD " http-request set-timeout server 5s\n default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "'set-timeout server' : proxy 'fe' has no backend "
			 "capability (write it in a 'backend' or 'listen' section)"));
	const struct cfg_diag *d = cfg->diags.v[0];
	ck_assert_int_eq(d->loc.line, 8);
}
END_TEST

START_TEST(action_of_other_list)
{
	load(FE_HEAD " http-response set-path /x\n default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "'http-response set-path' is not supported in 'http-response' rules"));
}
END_TEST

START_TEST(return_content_type_warning)
{
	/* seed s000-12 */
	load(FE_HEAD " acl is_options method OPTIONS\n"
	     " http-request return status 200 content-type text/plain if is_options\n"
	     " default_backend be\n" BE_TAIL);
	assert_clean();
	ck_assert(t_diag(cfg, CFG_WARNING, "content-type 'text/plain' ignored by the http reply "
			 "because neither errorfile nor payload defined."));
	struct rule *r = rule_at("fe", RULE_HTTP_REQ, 0);
	ck_assert_int_eq(r->act, ACT_RETURN);
	ck_assert_int_eq(r->reply->status, 200);
	ck_assert_ptr_null(r->reply->content_type);
	ck_assert_ptr_nonnull(r->cond);
}
END_TEST

START_TEST(return_errors)
{
	load(FE_HEAD " http-request return status 200 string ok\n"
	     " http-request return status 99\n"
	     " http-request return string a file /etc/hostname\n"
	     " http-request return status 204 content-type text/plain string x\n"
	     " default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "error detected in frontend 'fe' while parsing "
			 "'http-request return' rule : a content type must be defined"));
	ck_assert(t_diag(cfg, CFG_ALERT, "Unexpected status code '99'"));
	ck_assert(t_diag(cfg, CFG_ALERT, "unexpected 'file' argument, 'string' already defined"));
	ck_assert(t_diag(cfg, CFG_ALERT, "No body expected for 204 responses"));
}
END_TEST

START_TEST(return_file_loaded)
{
	const char *f = tmpfile_with("hello\n");
	char text[512];
	snprintf(text, sizeof(text), FE_HEAD " http-request return content-type text/plain file %s "
		 "hdr X-A b\n default_backend be\n" BE_TAIL, f);
	load(text);
	assert_clean();
	struct rule *r = rule_at("fe", RULE_HTTP_REQ, 0);
	ck_assert_int_eq(r->reply->payload, PAYLOAD_FILE);
	ck_assert_uint_eq(r->reply->content_len, 6);
	ck_assert_str_eq(r->reply->content, "hello\n");
	ck_assert_int_eq(r->reply->hdrs.n, 1);
	unlink(f);
	teardown();
	load(FE_HEAD " http-request return content-type text/plain file /nonexistent/x\n"
	     " default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "error opening file '/nonexistent/x'"));
}
END_TEST

START_TEST(redirect_rules)
{
	load(FE_HEAD " http-request redirect scheme https code 301 unless { ssl_fc }\n"
	     " http-request redirect location /x code 305\n"
	     " http-request redirect prefix /p drop-query append-slash set-cookie A=1\n"
	     " http-request redirect code 301\n"
	     " default_backend be\n" BE_TAIL);
	struct rule *r = rule_at("fe", RULE_HTTP_REQ, 0);
	ck_assert_int_eq(r->act, ACT_REDIRECT);
	ck_assert_int_eq(r->redir->type, REDIRECT_SCHEME);
	ck_assert_int_eq(r->redir->code, 301);
	ck_assert_str_eq(r->redir->target, "https");
	ck_assert_ptr_nonnull(r->cond);
	ck_assert(t_diag(cfg, CFG_ALERT, "'code': unsupported HTTP code '305' (must be one of 301, 302, 303, 307 or 308)"));
	r = rule_at("fe", RULE_HTTP_REQ, 1);
	ck_assert_int_eq(r->redir->type, REDIRECT_PREFIX);
	ck_assert_int_eq(r->redir->code, 302);
	ck_assert(r->redir->drop_query && r->redir->append_slash);
	ck_assert_str_eq(r->redir->set_cookie, "A=1");
	ck_assert(t_diag(cfg, CFG_ALERT, "redirection type expected ('prefix', 'location', or 'scheme')"));
}
END_TEST

START_TEST(redirect_order_warning)
{
	/* seed s001-07 */
	load(FE_HEAD " redirect scheme https code 301 if !{ ssl_fc }\n"
	     " http-request deny if { src 10.0.0.1 }\n default_backend be\n" BE_TAIL);
	assert_clean();
	ck_assert(t_diag(cfg, CFG_WARNING, "a 'http-request' rule placed after a 'redirect' rule "
			 "will still be processed before."));
	struct rule *r = rule_at("fe", RULE_REDIRECT, 0);
	ck_assert_int_eq(r->redir->type, REDIRECT_SCHEME);
	ck_assert_int_eq(r->redir->code, 301);
	ck_assert_int_eq(px("fe")->http_req_rules.n, 1);
}
END_TEST

START_TEST(misc_actions)
{
	load(FE_HEAD " http-request set-var(txn.host) req.hdr(host)\n"
	     " http-request unset-var(txn.host)\n"
	     " http-request set-log-level silent\n"
	     " http-request set-timeout client 5s\n"
	     " http-request capture req.hdr(host) len 64\n"
	     " http-request del-header X-Foo -m beg\n"
	     " http-request replace-header Host (.*) \\\\1.example\n"
	     " http-request auth realm Private\n"
	     " http-request sc-inc-gpc0(1)\n"
	     " http-request set-mark 0x10\n"
	     " http-request wait-for-body time 1s at-least 1k\n"
	     " default_backend be\n" BE_TAIL);
	assert_clean();
	struct rule *r = rule_at("fe", RULE_HTTP_REQ, 0);
	ck_assert_int_eq(r->act, ACT_SET_VAR);
	ck_assert_str_eq(r->name, "txn.host");
	ck_assert_int_eq(r->var_scope, VAR_TXN);
	ck_assert_ptr_nonnull(r->expr);
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_REQ, 1)->act, ACT_UNSET_VAR);
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_REQ, 2)->ival, -1);
	r = rule_at("fe", RULE_HTTP_REQ, 3);
	ck_assert_int_eq(r->timeout, RULE_TIMEOUT_CLIENT);
	ck_assert_int_eq(r->ival, 5000);
	r = rule_at("fe", RULE_HTTP_REQ, 4);
	ck_assert_int_eq(r->ival, 64);
	ck_assert_int_eq(r->ival_set, 1);
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_REQ, 5)->match, HDR_MATCH_BEG);
	r = rule_at("fe", RULE_HTTP_REQ, 6);
	ck_assert_ptr_nonnull(r->regex);
	ck_assert_str_eq(r->text2, "\\1.example");
	ck_assert_str_eq(rule_at("fe", RULE_HTTP_REQ, 7)->text, "Private");
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_REQ, 8)->sc, 1);
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_REQ, 9)->ival, 16);
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_REQ, 10)->ival2, 1024);
}
END_TEST

START_TEST(action_errors)
{
	load(FE_HEAD " http-request set-var(foo) str(x)\n"
	     " http-request use-service lua.foo\n"
	     " http-request set-header X\n"
	     " http-request del-header X -m reg2\n"
	     " http-request replace-value X ([a- y\n"
	     " http-request set-log-level loud\n"
	     " http-request allow now\n"
	     " http-request send-spoe-group e g\n"
	     " http-request sc-inc-gpc0(5)\n"
	     " default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "invalid variable name 'foo'. A variable name must start with its scope"));
	ck_assert(t_diag(cfg, CFG_ALERT, "unknown service 'lua.foo' (known services: 'prometheus-exporter')"));
	ck_assert(t_diag(cfg, CFG_ALERT, "'set-header' expects exactly 2 arguments: <name> <fmt>"));
	ck_assert(t_diag(cfg, CFG_ALERT, "got 'reg2'"));
	ck_assert(t_diag(cfg, CFG_ALERT, "regex '([a-' is invalid"));
	ck_assert(t_diag(cfg, CFG_ALERT, "unknown log level 'loud'"));
	ck_assert(t_diag(cfg, CFG_ALERT, "'allow' does not expect any argument, got 'now'"));
	ck_assert(t_diag(cfg, CFG_ALERT, "'send-spoe-group' is not supported by weir"));
	ck_assert(t_diag(cfg, CFG_ALERT, "invalid stick counter '5'"));
	ck_assert_int_eq(px("fe")->http_req_rules.n, 0);
}
END_TEST

START_TEST(use_service_prometheus)
{
	load(FE_HEAD " http-request use-service prometheus-exporter if { path /metrics }\n"
	     " default_backend be\n" BE_TAIL);
	assert_clean();
	struct rule *r = rule_at("fe", RULE_HTTP_REQ, 0);
	ck_assert_int_eq(r->act, ACT_USE_SERVICE);
	ck_assert_str_eq(r->name, "prometheus-exporter");
	ck_assert_ptr_nonnull(r->cond);
}
END_TEST

/* ------------------------------------------------------------- responses, tcp */

START_TEST(http_response_rules)
{
	load(FE_HEAD " http-response set-header Strict-Transport-Security \"max-age=31536000; includeSubDomains\"\n"
	     " http-response set-status 503 reason \"Go away\"\n"
	     " http-after-response del-header Server\n"
	     " http-response deny\n"
	     " default_backend be\n" BE_TAIL);
	assert_clean();
	struct rule *r = rule_at("fe", RULE_HTTP_RES, 0);
	ck_assert_str_eq(r->text, "max-age=31536000; includeSubDomains");
	r = rule_at("fe", RULE_HTTP_RES, 1);
	ck_assert_int_eq(r->ival, 503);
	ck_assert_str_eq(r->reason, "Go away");
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_AFTER, 0)->act, ACT_DEL_HDR);
	ck_assert_int_eq(rule_at("fe", RULE_HTTP_RES, 2)->reply->status, 502);
}
END_TEST

START_TEST(tcp_rules)
{
	load("defaults\n mode tcp\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n"
	     "frontend fe\n bind 127.0.0.1:18080\n"
	     " stick-table type ip size 1m expire 30s store conn_rate(10s)\n"
	     " tcp-request inspect-delay 5s\n"
	     " tcp-request connection track-sc0 src\n"
	     " tcp-request connection reject if { sc_conn_rate(0) gt 100 }\n"
	     " tcp-request content accept if { req.len gt 0 }\n"
	     " tcp-request content switch-mode http\n"
	     " tcp-request foo bar\n"
	     " default_backend be\n" BE_TAIL);
	ck_assert_int_eq(px("fe")->tcp_req_inspect_delay, 5000);
	struct rule *r = rule_at("fe", RULE_TCP_CONN, 0);
	ck_assert_int_eq(r->act, ACT_TRACK_SC);
	ck_assert_int_eq(r->sc, 0);
	ck_assert_ptr_eq(r->table, px("fe")->table);
	ck_assert_int_eq(r->src_from, 2);
	ck_assert_str_eq(r->kw, "tcp-request connection");
	ck_assert_int_eq(rule_at("fe", RULE_TCP_CONN, 1)->act, ACT_REJECT);
	ck_assert_int_eq(rule_at("fe", RULE_TCP_CONT, 0)->act, ACT_ACCEPT);
	ck_assert_int_eq(rule_at("fe", RULE_TCP_CONT, 1)->act, ACT_SWITCH_MODE);
	ck_assert(t_diag(cfg, CFG_ALERT, "'tcp-request' expects 'inspect-delay', 'connection', "
			 "'session' or 'content' in frontend 'fe' (got 'foo')"));
	ck_assert_int_eq(cfg->nalerts, 1);
}
END_TEST

/* ------------------------------------------------------------- references */

START_TEST(missing_backend_suggests)
{
	load(FE_HEAD " use_backend api_servrs if { path_beg /api/ }\n default_backend bee\n"
	     "backend api_servers\n server s1 127.0.0.1:8080\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "Proxy 'fe': unable to find required use_backend: "
			 "'api_servrs'; did you mean 'api_servers' ?"));
	ck_assert(t_diag(cfg, CFG_ALERT, "Proxy 'fe': unable to find required default_backend: "
			 "'bee'; did you mean 'be' ?"));
}
END_TEST

START_TEST(backend_is_frontend)
{
	load(FE_HEAD " use_backend other\n default_backend be\n"
	     "frontend other\n bind 127.0.0.1:18081\n default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "'other' is a frontend"));
}
END_TEST

START_TEST(backend_resolved_and_dynamic)
{
	load(FE_HEAD " use_backend be if { path_beg /api/ }\n"
	     " use_backend be_%[req.hdr(host),lower]\n default_backend be\n" BE_TAIL);
	assert_clean();
	struct rule *r = rule_at("fe", RULE_SWITCH, 0);
	ck_assert_ptr_eq(r->backend, px("be"));
	ck_assert_ptr_nonnull(r->cond);
	r = rule_at("fe", RULE_SWITCH, 1);
	ck_assert_int_eq(r->dynamic, 1);
	ck_assert_ptr_nonnull(r->fmt);
	ck_assert_ptr_null(r->backend);
}
END_TEST

START_TEST(incompatible_mode)
{
	load(FE_HEAD " default_backend be\nbackend be\n mode tcp\n server s1 127.0.0.1:8080\n");
	ck_assert(t_diag(cfg, CFG_ALERT, "tries to use incompatible TCP backend 'be'"));
}
END_TEST

START_TEST(track_sc_tables)
{
	load(FE_HEAD " http-request track-sc0 src\n"
	     " http-request track-sc1 src table per_ip_rat\n"
	     " default_backend be\n"
	     "backend per_ip_rate\n stick-table type ip size 100k expire 30s store http_req_rate(10s)\n"
	     BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "Proxy 'fe': unable to find table 'fe' referenced by track-sc0"));
	ck_assert(t_diag(cfg, CFG_ALERT, "(no table)"));
	ck_assert(t_diag(cfg, CFG_ALERT, "unable to find table 'per_ip_rat' referenced by track-sc1; "
			 "did you mean 'per_ip_rate' ?"));
	teardown();
	load(FE_HEAD " http-request track-sc0 src table per_ip_rate\n default_backend be\n"
	     "backend per_ip_rate\n stick-table type ip size 100k expire 30s store http_req_rate(10s)\n"
	     BE_TAIL);
	assert_clean();
	ck_assert_ptr_eq(rule_at("fe", RULE_HTTP_REQ, 0)->table, px("per_ip_rate")->table);
}
END_TEST

START_TEST(track_sc_bad_key_has_context)
{
	/* seed s000-19: the message comes from sample_expr_parse */
	load("defaults\n mode http\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n"
	     "frontend http_front\n bind 127.0.0.1:18080\n"
	     " http-request track-sc1 src,path table per_path_rate if { path_beg /api/ }\n"
	     " default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "error detected in frontend 'http_front' while parsing "
			 "'http-request track-sc1' rule : "));
	ck_assert(t_diag(cfg, CFG_ALERT, "'path'"));
}
END_TEST

START_TEST(use_server_rules)
{
	load(FE_HEAD " default_backend be\n"
	     "backend be\n server s1 127.0.0.1:8080\n use-server s1 if { path_beg /a }\n"
	     " use-server s9 if TRUE\n force-persist if { src 10.0.0.1 }\n use-server s1\n");
	ck_assert(t_diag(cfg, CFG_ALERT, "backend 'be' : unable to find server 's9' referenced in a "
			 "'use-server' rule."));
	ck_assert(t_diag(cfg, CFG_ALERT, "'use-server' expects a server name followed by 'if' or 'unless'"));
	struct rule *r = rule_at("be", RULE_SERVER, 0);
	ck_assert_ptr_eq(r->server, cfg_find_server(px("be"), "s1"));
	ck_assert_int_eq(rule_at("be", RULE_SERVER, 2)->act, ACT_FORCE_PERSIST);
}
END_TEST

/* ------------------------------------------------------------- defaults, errorfiles */

START_TEST(errorfile_loaded_and_inherited)
{
	const char *f = tmpfile_with("HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\n\r\n<h1>down</h1>\n");
	char text[1024];
	snprintf(text, sizeof(text), "defaults\n mode http\n timeout connect 5s\n timeout client 30s\n"
		 " timeout server 30s\n errorfile 503 %s\n"
		 "frontend fe\n bind 127.0.0.1:18080\n default_backend be\n" BE_TAIL, f);
	load(text);
	assert_clean();
	const struct errorfile_conf *ef = rule_errorfile(px("fe"), 503);
	ck_assert_ptr_nonnull(ef);
	ck_assert_str_eq(ef->path, f);
	ck_assert(strstr(ef->content, "<h1>down</h1>") != NULL);
	ck_assert_ptr_null(rule_errorfile(px("fe"), 502));
	char *dump = t_dump(cfg);
	char line[256];
	snprintf(line, sizeof(line), "errorfile 503 %s", f);
	/* dumped once, in defaults, not again in the frontend */
	ck_assert(strstr(dump, line) != NULL);
	ck_assert(strstr(strstr(dump, line) + 1, line) == NULL);
	free(dump);
	unlink(f);
}
END_TEST

START_TEST(errorfile_errors)
{
	const char *bad = tmpfile_with("<html>not a response</html>\n");
	char text[1024];
	snprintf(text, sizeof(text), FE_HEAD " errorfile 503 /nonexistent/503.http\n"
		 " errorfile 999 /etc/hostname\n errorfile 503 %s\n errorfile 503\n"
		 " default_backend be\n" BE_TAIL, bad);
	load(text);
	ck_assert(t_diag(cfg, CFG_ALERT, "errorfile : error opening file '/nonexistent/503.http'"));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorfile : status code '999' not handled"));
	ck_assert(t_diag(cfg, CFG_ALERT, "invalid HTTP response"));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorfile : expects <status_code> and <file> as arguments."));
	unlink(bad);
}
END_TEST

START_TEST(rules_in_defaults)
{
	load("defaults\n mode http\n http-request deny\n"
	     "frontend fe\n bind 127.0.0.1:18080\n default_backend be\n" BE_TAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "'http-request' not allowed in anonymous 'defaults' section."));
	teardown();
	load("defaults base\n mode http\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n"
	     " http-request set-header X-A a\n"
	     "frontend fe from base\n bind 127.0.0.1:18080\n http-request set-header X-B b\n"
	     " default_backend be\n"
	     "backend be from base\n server s1 127.0.0.1:8080\n"
	     "frontend fe2\n bind 127.0.0.1:18081\n default_backend be\n");
	ck_assert(t_diag(cfg, CFG_ALERT, "frontend 'fe2' cannot use defaults section 'base'"));
	ck_assert_int_eq(cfg->nalerts, 1);
	/* the defaults' rules stay there and run first (HAProxy 2.6) */
	ck_assert_int_eq(px("fe")->http_req_rules.n, 1);
	ck_assert_str_eq(rule_at("fe", RULE_HTTP_REQ, 0)->name, "X-B");
	const struct vec *dv = &px("fe")->defaults->http_req_rules;
	ck_assert_int_eq(dv->n, 1);
	ck_assert_str_eq(((struct rule *)dv->v[0])->name, "X-A");
	char *dump = t_dump(cfg);
	ck_assert(strstr(dump, "http-request set-header X-A a") != NULL);
	ck_assert(strstr(strstr(dump, "http-request set-header X-A a") + 1,
			 "http-request set-header X-A a") == NULL);
	free(dump);
}
END_TEST

START_TEST(monitor_and_removed)
{
	load("defaults\n mode http\n monitor-uri /alive\n"
	     "frontend fe0\n bind 127.0.0.1:18081\n default_backend be\n"
	     "frontend fe\n bind 127.0.0.1:18080\n monitor-uri /health\n monitor fail if { nbsrv(be) lt 1 }\n"
	     " block if { src 1.2.3.4 }\n reqadd X-A:\\ b\n default_backend be\n" BE_TAIL);
	ck_assert_str_eq(rule_monitor_uri(px("fe")), "/health");
	ck_assert_str_eq(rule_monitor_uri(px("fe0")), "/alive");
	ck_assert_int_eq(rule_at("fe", RULE_MONITOR, 1)->act, ACT_MONITOR_FAIL);
	ck_assert(t_diag(cfg, CFG_ALERT, "The 'block' directive is not supported anymore since "
			 "HAProxy 2.1. Use 'http-request deny' which uses the exact same syntax."));
	ck_assert(t_diag(cfg, CFG_ALERT, "Use 'http-request add-header' instead."));
}
END_TEST

/* ------------------------------------------------------------- dumps */

START_TEST(dump_keeps_order)
{
	load(FE_HEAD " http-request set-header X-Real-IP %[src]\n"
	     " http-request redirect scheme https code 301 unless { ssl_fc }\n"
	     " http-response set-header X-Frame-Options SAMEORIGIN\n"
	     " tcp-request inspect-delay 5s\n"
	     " tcp-request content accept if { req.len gt 0 }\n"
	     " use_backend be if { path_beg /api/ }\n default_backend be\n" BE_TAIL);
	assert_clean();
	char *dump = t_dump(cfg);
	const char *a = strstr(dump, "http-request set-header X-Real-IP %[src]");
	const char *b = strstr(dump, "http-request redirect scheme https code 301 unless { ssl_fc }");
	ck_assert(a && b && a < b);
	ck_assert(strstr(dump, "http-response set-header X-Frame-Options SAMEORIGIN") != NULL);
	ck_assert(strstr(dump, "tcp-request inspect-delay 5s") != NULL);
	ck_assert(strstr(dump, "tcp-request content accept if { req.len gt 0 }") != NULL);
	ck_assert(strstr(dump, "use_backend be if { path_beg /api/ }") != NULL);
	ck_assert(strstr(dump, "default_backend be") != NULL);
	/* loading the dump gives the same dump */
	struct cfg *again = t_load(dump);
	char *dump2 = t_dump(again);
	ck_assert_str_eq(dump, dump2);
	free(dump2);
	cfg_free(again);
	free(dump);
}
END_TEST

static int nactions;
static void count_action(const char *list, const char *action, const char *usage,
			 const char *help, void *arg)
{
	ck_assert(list && action && usage && help);
	if (strcmp(list, "http-request") == 0 && strcmp(action, "set-header") == 0)
		(*(int *)arg)++;
	nactions++;
}

START_TEST(action_iterator)
{
	int found = 0;
	nactions = 0;
	rule_foreach_action(count_action, &found);
	ck_assert_int_eq(found, 1);
	ck_assert_int_gt(nactions, 100);
}
END_TEST

static Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, set_header_with_sample);
	tcase_add_test(tc, deny_with_condition);
	tcase_add_test(tc, deny_status_not_handled);
	tcase_add_test(tc, unknown_action);
	tcase_add_test(tc, action_of_other_list);
	tcase_add_test(tc, return_content_type_warning);
	tcase_add_test(tc, return_errors);
	tcase_add_test(tc, return_file_loaded);
	tcase_add_test(tc, redirect_rules);
	tcase_add_test(tc, redirect_order_warning);
	tcase_add_test(tc, misc_actions);
	tcase_add_test(tc, set_timeout_sides);
	tcase_add_test(tc, action_errors);
	tcase_add_test(tc, use_service_prometheus);
	tcase_add_test(tc, http_response_rules);
	tcase_add_test(tc, tcp_rules);
	tcase_add_test(tc, missing_backend_suggests);
	tcase_add_test(tc, backend_is_frontend);
	tcase_add_test(tc, backend_resolved_and_dynamic);
	tcase_add_test(tc, incompatible_mode);
	tcase_add_test(tc, track_sc_tables);
	tcase_add_test(tc, track_sc_bad_key_has_context);
	tcase_add_test(tc, use_server_rules);
	tcase_add_test(tc, errorfile_loaded_and_inherited);
	tcase_add_test(tc, errorfile_errors);
	tcase_add_test(tc, rules_in_defaults);
	tcase_add_test(tc, monitor_and_removed);
	tcase_add_test(tc, dump_keeps_order);
	tcase_add_test(tc, action_iterator);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(rules_suite)
