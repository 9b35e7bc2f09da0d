/*
 * The log keywords (src/log/log_kw.c, log_target.c): `log` targets and
 * their errors, `log global` / `no log`, the logging options, captures,
 * unique-id, and HAProxy 2.6's warnings: a format overriding another in a
 * `defaults` section, `option httplog` outside HTTP mode, HTTP variables in
 * a TCP proxy, and a format with no log target (seeds s000-02, s000-20,
 * s001-06, s002-09). The dump reloads to the same text.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weir/logfmt.h"
#include "testutil.h"
#include "check_main.h"

#define TMO "    timeout client 1s\n    timeout connect 1s\n    timeout server 1s\n"
#define OPT(o) (1ULL << (o))

static int count_diags(const struct cfg *c, int level, const char *sub)
{
	int n = 0;
	const struct cfg_diag *d;
	VEC_EACH(&c->diags, const struct cfg_diag *, d)
		n += (int)d->level == level && strstr(d->msg, sub) != NULL;
	return n;
}

static const struct log_target *glog(const struct cfg *c, int i)
{
	return c->global.logs.v[i];
}

START_TEST(global_targets)
{
	struct cfg *c = t_load("global\n"
			       "    log /dev/log local0\n"
			       "    log 127.0.0.1:1514 local1 notice\n"
			       "    log stdout format raw daemon\n"
			       "    log 10.0.0.1 len 4096 format rfc5424 local2 info err\n"
			       "    log /dev/log sample 1-2,5:10 local3\n"
			       "    log stderr format short user debug\n");
	if (c->nalerts)
		t_print(c);
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->global.logs.n, 6);
	ck_assert_int_eq(glog(c, 0)->facility, 16);
	ck_assert_int_eq(glog(c, 0)->level, -1);
	ck_assert_int_eq(glog(c, 0)->addr.kind, CFG_ADDR_UNIX);
	ck_assert_int_eq(glog(c, 0)->format, LOG_FMT_RFC3164);
	ck_assert_int_eq(glog(c, 1)->facility, 17);
	ck_assert_int_eq(glog(c, 1)->level, 5);
	ck_assert_int_eq(glog(c, 1)->addr.port, 1514);
	ck_assert_int_eq(glog(c, 2)->addr.kind, CFG_ADDR_STDOUT);
	ck_assert_int_eq(glog(c, 2)->format, LOG_FMT_RAW);
	ck_assert_int_eq(glog(c, 2)->facility, 3);
	ck_assert_int_eq(glog(c, 3)->maxlen, 4096);
	ck_assert_int_eq(glog(c, 3)->format, LOG_FMT_RFC5424);
	ck_assert_int_eq(glog(c, 3)->level, 6);
	ck_assert_int_eq(glog(c, 3)->minlevel, 3);
	ck_assert_int_eq(glog(c, 3)->addr.port, 514);   /* the syslog port by default */
	ck_assert_str_eq(glog(c, 4)->sample_ranges, "1-2,5");
	ck_assert_int_eq(glog(c, 4)->sample_range_n, 3);
	ck_assert_int_eq(glog(c, 4)->sample_size, 10);
	ck_assert_int_eq(glog(c, 5)->addr.kind, CFG_ADDR_STDERR);
	ck_assert_int_eq(glog(c, 5)->level, 7);
	ck_assert_int_eq(log_facility_find("kern"), 0);
	ck_assert_int_eq(log_facility_find("local7"), 23);
	ck_assert_int_eq(log_facility_find("local8"), -1);
	ck_assert_str_eq(log_level_name(0), "emerg");
	ck_assert_int_eq(log_level_find("warning"), 4);
	cfg_free(c);
}
END_TEST

START_TEST(target_errors)
{
	static const struct { const char *line, *msg; } cases[] = {
		{ "log /dev/log local9", "'log' : unknown log facility 'local9'" },
		{ "log /dev/log local0 loud", "'log' : unknown optional log level 'loud'" },
		{ "log /dev/log local0 info lower", "unknown optional minimum log level 'lower'" },
		{ "log /dev/log local0 info err extra", "cannot handle unexpected argument 'extra'" },
		{ "log ring@buf local0", "'log' : rings are not supported yet ('ring@buf')" },
		{ "log /dev/log len 50 local0", "invalid log length '50', must be between 80 and 65535" },
		{ "log /dev/log format json local0", "unknown log format 'json'" },
		{ "log /dev/log", "'log' : expects <address> and <facility> as arguments" },
		{ "log global", "'global' is not supported for a global syslog server" },
		{ "log /dev/log sample 1-2 local0", "Missing sample size" },
		{ "log /dev/log sample 3-1:5 local0", "wrong sample range '3-1'" },
		{ "log /dev/log sample 1-3,2:5 local0", "ranges are overlapping" },
		{ "log /dev/log sample 1-6:5 local0", "sample size 5 should be greater or equal to 6" },
		{ "log /dev/log sample 1:x local0", "wrong sample size 'x'" },
		{ "log /dev/log len 1024 format raw", "missing <facility>" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "global\n    %s\n", cases[i].line);
		struct cfg *c = t_load(text);
		ck_assert_msg(t_diag(c, CFG_ALERT, cases[i].msg), "'%s' did not say '%s'",
			      cases[i].line, cases[i].msg);
		ck_assert_int_eq(c->global.logs.n, 0);
		cfg_free(c);
	}
	struct cfg *c = t_load("defaults\n    log /dev/log\n");
	ck_assert(t_diag(c, CFG_ALERT, "expects <address> and <facility> or global as arguments"));
	cfg_free(c);
}
END_TEST

START_TEST(log_global_and_no_log)
{
	struct cfg *c = t_load("global\n    log /dev/log local0\n"
			       "defaults\n    mode http\n" TMO "    log global\n    log global\n"
			       "    option httplog\n"
			       "frontend a\n    bind :80\n    no log\n"
			       "frontend b\n    bind :81\n    log 127.0.0.1:514 local1\n"
			       "frontend d\n    bind :82\n");
	ck_assert_int_eq(c->nalerts, 0);
	struct proxy_conf *def = c->defaults.v[0];
	ck_assert_int_eq(def->logs.n, 1);   /* a second `log global` adds nothing */
	ck_assert(((struct log_target *)def->logs.v[0])->is_global);
	ck_assert_int_eq(cfg_find_proxy(c, "a", PX_CAP_FE)->logs.n, 0);
	ck_assert_int_eq(cfg_find_proxy(c, "b", PX_CAP_FE)->logs.n, 2);
	ck_assert_int_eq(cfg_find_proxy(c, "d", PX_CAP_FE)->logs.n, 1);
	/* frontend a logs nowhere though it has a format */
	ck_assert_int_eq(count_diags(c, CFG_WARNING, "log format ignored"), 1);
	ck_assert(t_diag(c, CFG_WARNING, "log format ignored for frontend 'a' since it has no log address."));
	cfg_free(c);
}
END_TEST

/* s000-02: `log global` without a global target, inherited httplog. */
START_TEST(seed_s000_02)
{
	struct cfg *c = t_load("defaults\n    log global\n    mode http\n    option httplog\n"
			       "    option dontlognull\n" TMO
			       "listen stub\n    bind *:80\n    server stub1 127.0.0.1:8080\n");
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->nwarnings, 1);
	ck_assert(t_diag(c, CFG_WARNING, "log format ignored for proxy 'stub' since it has no log address."));
	struct proxy_conf *px = cfg_find_proxy(c, "stub", PX_CAP_FE);
	ck_assert_ptr_eq(px->log_format, logfmt_httplog);
	ck_assert(px->options & OPT(PX_OPT_HTTPLOG));
	ck_assert(px->options & OPT(PX_OPT_DONTLOGNULL));
	cfg_free(c);
}
END_TEST

/* s000-20: a JSON log-format and no log target at all. */
START_TEST(seed_s000_20)
{
	struct cfg *c = t_load("defaults\n    log-format '{\"time\":\"%t\",\"client\":\"%ci:%cp\","
			       "\"method\":\"%HM\",\"uri\":\"%HP\",\"status\":%ST}'\n"
			       "    mode http\n" TMO
			       "listen stub\n    bind *:80\n    server stub1 127.0.0.1:8080\n");
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->nwarnings, 1);
	ck_assert(t_diag(c, CFG_WARNING, "log format ignored for proxy 'stub'"));
	cfg_free(c);
}
END_TEST

/* s001-06: log-format after option httplog in defaults: two warnings. */
START_TEST(seed_s001_06)
{
	struct cfg *c = t_load("defaults\n    log     global\n    mode    http\n    option  httplog\n"
			       "    option  log-separate-errors\n    option  log-health-checks\n"
			       "    log-format \"%ci:%cp [%tr] %ft %b/%s %{+Q}r\"\n" TMO
			       "listen stub\n    bind *:80\n    server stub1 127.0.0.1:8080\n");
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->nwarnings, 2);
	ck_assert(t_diag(c, CFG_WARNING, "'log-format' overrides previous 'option httplog' in 'defaults' section."));
	struct proxy_conf *px = cfg_find_proxy(c, "stub", PX_CAP_FE);
	ck_assert_str_eq(px->log_format, "%ci:%cp [%tr] %ft %b/%s %{+Q}r");
	ck_assert(!(px->options & OPT(PX_OPT_HTTPLOG)));
	ck_assert(px->options & OPT(PX_OPT_LOG_SEPARATE_ERRORS));
	ck_assert(px->options & OPT(PX_OPT_LOG_HEALTH_CHECKS));
	cfg_free(c);
}
END_TEST

/* s002-09: the same pair in a frontend, with global targets: silent. */
START_TEST(seed_s002_09)
{
	struct cfg *c = t_load("global\n    log /dev/log local0 info\n    log /dev/log local1 notice\n"
			       "defaults\n    mode http\n" TMO "    log global\n"
			       "frontend https-in\n    bind *:80\n    option httplog\n"
			       "    log-format \"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC "
			       "%CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r\"\n");
	ck_assert_int_eq(c->nalerts, 0);
	ck_assert_int_eq(c->nwarnings, 0);
	cfg_free(c);
}
END_TEST

START_TEST(override_warnings)
{
	struct cfg *c = t_load("defaults\n    log-format %ci\n    option httplog\n"
			       "defaults\n    option tcplog\n    option httplog clf\n"
			       "defaults\n    option httpslog\n    option tcplog\n");
	ck_assert(t_diag(c, CFG_WARNING, "'option httplog' overrides previous 'log-format' in 'defaults' section."));
	ck_assert(t_diag(c, CFG_WARNING, "'option httplog clf' overrides previous 'option tcplog' in 'defaults' section."));
	ck_assert(t_diag(c, CFG_WARNING, "'option tcplog' overrides previous 'option httpslog' in 'defaults' section."));
	ck_assert_ptr_eq(((struct proxy_conf *)c->defaults.v[1])->log_format, logfmt_clf);
	ck_assert_ptr_eq(((struct proxy_conf *)c->defaults.v[2])->log_format, logfmt_tcplog);
	ck_assert(((struct proxy_conf *)c->defaults.v[2])->options & OPT(PX_OPT_TCPLOG));
	cfg_free(c);
}
END_TEST

START_TEST(mode_checks)
{
	struct cfg *c = t_load("global\n    log /dev/log local0\n"
			       "frontend f\n    mode tcp\n    bind :80\n" TMO "    log global\n"
			       "    option httplog\n"
			       "frontend g\n    mode tcp\n    bind :81\n" TMO "    log global\n"
			       "    log-format \"%ci %HM\"\n"
			       "backend b\n    log-format %ci\n    option httplog\n");
	ck_assert(t_diag(c, CFG_WARNING, "'option httplog' not usable with frontend 'f' (needs "
			 "'mode http'). Falling back to 'option tcplog'."));
	struct proxy_conf *f = cfg_find_proxy(c, "f", PX_CAP_FE);
	ck_assert_ptr_eq(f->log_format, logfmt_tcplog);
	ck_assert(f->options & OPT(PX_OPT_TCPLOG));
	ck_assert(t_diag(c, CFG_ALERT, "failed to parse log-format : format variable 'HM' is "
			 "reserved for HTTP mode"));
	ck_assert(t_diag(c, CFG_WARNING, "backend 'b' : 'log-format' directive is ignored in backends."));
	ck_assert(t_diag(c, CFG_WARNING, "backend 'b' : 'option httplog' directive is ignored in backends."));
	ck_assert_int_eq(c->nalerts, 1);
	cfg_free(c);
}
END_TEST

START_TEST(options)
{
	struct cfg *c = t_load("defaults\n    option dontlognull\n    option dontlog-normal\n"
			       "    option logasap\n    option log-health-checks\n"
			       "    option log-separate-errors\n"
			       "backend b\n    no option dontlognull\n    no option logasap\n"
			       "defaults\n    option httplog foo\n    option tcplog x\n"
			       "    log-format a b\n    log-format\n");
	struct proxy_conf *b = cfg_find_proxy(c, "b", PX_CAP_BE);
	ck_assert(!(b->options & OPT(PX_OPT_DONTLOGNULL)));
	ck_assert(!(b->options & OPT(PX_OPT_LOGASAP)));
	ck_assert(b->options & OPT(PX_OPT_DONTLOG_NORMAL));
	ck_assert(b->options & OPT(PX_OPT_LOG_HEALTH_CHECKS));
	ck_assert(b->options & OPT(PX_OPT_LOG_SEPARATE_ERRORS));
	ck_assert(t_diag(c, CFG_ALERT, "keyword 'httplog' only supports option 'clf'."));
	ck_assert(t_diag(c, CFG_ALERT, "'option tcplog' cannot handle unexpected argument 'x'."));
	ck_assert(t_diag(c, CFG_ALERT, "'log-format' expects only one argument, don't forget to escape spaces!"));
	ck_assert(t_diag(c, CFG_ALERT, "'log-format' expects an argument."));
	ck_assert_int_eq(c->nalerts, 4);
	cfg_free(c);
}
END_TEST

START_TEST(captures_and_unique_id)
{
	struct cfg *c = t_load("global\n    log-tag weir\n    log-send-hostname\n"
			       "defaults\n    mode http\n    log-tag web\n"
			       "frontend f\n    bind :80\n"
			       "    capture request header Host len 64\n"
			       "    capture response header Content-Type len 32\n"
			       "    capture cookie SESSID len 100\n"
			       "    unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid\n"
			       "    unique-id-header X-Unique-ID\n"
			       "backend b\n    capture request header Host len 10\n"
			       "defaults\n    capture cookie x len 5\n"
			       "frontend g\n    bind :81\n    capture request header Host\n");
	struct proxy_conf *f = cfg_find_proxy(c, "f", PX_CAP_FE);
	ck_assert_int_eq(f->captures.n, 3);
	struct capture_conf *cap = f->captures.v[1];
	ck_assert(cap->is_response);
	ck_assert_str_eq(cap->name, "Content-Type");
	ck_assert_int_eq(cap->len, 32);
	cap = f->captures.v[2];
	ck_assert(cap->is_cookie);
	ck_assert_int_eq(cap->len, 63);
	ck_assert(t_diag(c, CFG_WARNING, "cookie capture length must not be greater than 63, truncating to 63."));
	ck_assert(t_diag(c, CFG_WARNING, "'capture request header' ignored because backend 'b' has no frontend capability."));
	ck_assert(t_diag(c, CFG_ALERT, "'capture cookie' not allowed in 'defaults' section."));
	ck_assert(t_diag(c, CFG_ALERT, "'capture request header' expects <header name> 'len' <len>."));
	ck_assert_str_eq(f->unique_id_header, "X-Unique-ID");
	ck_assert_ptr_nonnull(f->unique_id_format_c);
	ck_assert_str_eq(f->log_tag, "web");
	ck_assert_str_eq(c->global.log_tag, "weir");
	ck_assert_str_eq(c->global.log_send_hostname, "");
	ck_assert_int_eq(c->nalerts, 2);
	cfg_free(c);
}
END_TEST

START_TEST(dump_round_trip)
{
	struct cfg *c = t_load("global\n    log /dev/log local0 info\n"
			       "    log 127.0.0.1:1514 len 2048 format rfc5424 sample 1:3 local1 notice err\n"
			       "    log-tag weir\n"
			       "defaults\n    mode http\n" TMO "    log global\n    option httplog\n"
			       "    option dontlognull\n"
			       "frontend a\n    bind :80\n    no log\n    log stdout format raw local0\n"
			       "    log-format \"%ci [%t] %{+Q}r\"\n    no option dontlognull\n"
			       "    capture request header Host len 32\n    capture cookie c len 10\n"
			       "frontend b\n    bind :81\n    option httplog clf\n    option logasap\n");
	ck_assert_int_eq(c->nalerts, 0);
	char *d1 = t_dump(c);
	ck_assert_ptr_nonnull(strstr(d1, "log 127.0.0.1:1514 len 2048 format rfc5424 sample 1:3 local1 notice err\n"));
	ck_assert_ptr_nonnull(strstr(d1, "option httplog clf\n"));
	ck_assert_ptr_nonnull(strstr(d1, "no log\n"));
	ck_assert_ptr_nonnull(strstr(d1, "no option dontlognull\n"));
	ck_assert_ptr_nonnull(strstr(d1, "capture cookie c len 10\n"));
	struct cfg *c2 = t_load(d1);
	if (c2->nalerts)
		t_print(c2);
	ck_assert_int_eq(c2->nalerts, 0);
	char *d2 = t_dump(c2);
	ck_assert_str_eq(d1, d2);
	struct proxy_conf *a = cfg_find_proxy(c2, "a", PX_CAP_FE);
	ck_assert_int_eq(a->logs.n, 1);
	ck_assert_str_eq(a->log_format, "%ci [%t] %{+Q}r");
	free(d1);
	free(d2);
	cfg_free(c);
	cfg_free(c2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("log keywords");
	TCase *tc = tcase_create("keywords");
	tcase_add_test(tc, global_targets);
	tcase_add_test(tc, target_errors);
	tcase_add_test(tc, log_global_and_no_log);
	tcase_add_test(tc, seed_s000_02);
	tcase_add_test(tc, seed_s000_20);
	tcase_add_test(tc, seed_s001_06);
	tcase_add_test(tc, seed_s002_09);
	tcase_add_test(tc, override_warnings);
	tcase_add_test(tc, mode_checks);
	tcase_add_test(tc, options);
	tcase_add_test(tc, captures_and_unique_id);
	tcase_add_test(tc, dump_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)
