/*
 * The log-format compiler (src/log/logfmt.c): every variable of HAProxy
 * 2.6's table compiles to its node, flags apply as HAProxy applies them,
 * malformed formats fail with HAProxy's message (and a suggestion), and the
 * guides' formats (s000-20 JSON, s001-06 httplog) and the built-in formats
 * compile.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weir/log.h"
#include "weir/logfmt.h"
#include "testutil.h"
#include "check_main.h"

static struct cfg *cfg;

static void setup(void)
{
	cfg = cfg_new();
}

static void teardown(void)
{
	cfg_free(cfg);
}

/* Compiles fmt for an HTTP frontend, outside any file. */
static struct logfmt *compile(const char *fmt)
{
	struct proxy_conf *px = arena_alloc(cfg->arena, sizeof(*px));
	px->name = "fe";
	px->cap = PX_CAP_FE;
	px->mode = PX_MODE_HTTP;
	struct cfg_ctx ctx = { .cfg = cfg, .arena = cfg->arena, .sec = CFG_SEC_FRONTEND,
			       .loc = { "test.cfg", 1 }, .kw = "log-format", .px = px };
	return logfmt_compile(&ctx, fmt, SMP_AT_LOG);
}

START_TEST(every_variable)
{
	for (int v = 0; v < LFV__COUNT; v++) {
		const char *name = logfmt_var_name((enum logfmt_var)v);
		char fmt[32];
		snprintf(fmt, sizeof(fmt), "%%%s", name);
		struct logfmt *lf = compile(fmt);
		ck_assert_msg(lf != NULL, "%%%s does not compile", name);
		ck_assert_int_eq(lf->n, 1);
		ck_assert_int_eq(lf->nodes[0].kind, LFN_VAR);
		ck_assert_int_eq(lf->nodes[0].var, v);
		ck_assert_int_eq(logfmt_var_find(name), v);
		ck_assert_str_ne(logfmt_var_help((enum logfmt_var)v), "");
		snprintf(fmt, sizeof(fmt), "%%{+Q}%s", name);
		lf = compile(fmt);
		ck_assert_uint_eq(lf->nodes[0].flags, LFF_QUOTE);
	}
	ck_assert_int_eq(cfg->nalerts, 0);
	ck_assert_int_eq(LFV__COUNT, 63);
}
END_TEST

START_TEST(http_only_variables)
{
	static const char *const http[] = { "CC", "CS", "Ta", "Ti", "Tq", "TR", "Tr", "HM",
					     "HP", "HPO", "HQ", "HU", "HV", "r", "tr", "trg", "trl" };
	int n = 0;
	for (int v = 0; v < LFV__COUNT; v++)
		n += logfmt_var_is_http((enum logfmt_var)v);
	ck_assert_int_eq(n, (int)(sizeof(http) / sizeof(http[0])));
	for (size_t i = 0; i < sizeof(http) / sizeof(http[0]); i++)
		ck_assert(logfmt_var_is_http((enum logfmt_var)logfmt_var_find(http[i])));
	ck_assert(!logfmt_var_is_http(LFV_STATUS));
	ck_assert(!logfmt_var_is_http(LFV_HDR_REQ));
	struct logfmt *lf = compile("%ci %ST %HM");
	ck_assert_str_eq(logfmt_first_http_var(lf), "HM");
	ck_assert_ptr_null(logfmt_first_http_var(compile("%ci:%cp %ST")));
	ck_assert(lf->needs & LFN_NEED_HTTP);
}
END_TEST

START_TEST(flags)
{
	struct logfmt *lf = compile("%{+Q,+X}ci %{+E}r %{+M}ST %{-Q}b");
	ck_assert_int_eq(lf->n, 7);
	ck_assert_uint_eq(lf->nodes[0].flags, LFF_QUOTE | LFF_HEX);
	ck_assert_str_eq(lf->nodes[1].text, " ");
	ck_assert_uint_eq(lf->nodes[2].flags, LFF_ESCAPE);
	ck_assert_uint_eq(lf->nodes[4].flags, LFF_MANDATORY);
	ck_assert_uint_eq(lf->nodes[6].flags, 0);
	/* %o sets the default flags of every variable after it */
	lf = compile("%{+Q}o %{-Q}ci %b");
	ck_assert_int_eq(lf->n, 4);
	ck_assert_int_eq(lf->nodes[1].var, LFV_CLIENT_IP);
	ck_assert_uint_eq(lf->nodes[1].flags, 0);
	ck_assert_uint_eq(lf->nodes[3].flags, LFF_QUOTE);
	ck_assert_int_eq(cfg->nwarnings, 0);
	/* HAProxy ignores unknown flags; weir says so */
	lf = compile("%{+J}ci");
	ck_assert_ptr_nonnull(lf);
	ck_assert(t_diag(cfg, CFG_WARNING, "unknown log-format flag '+J' ignored"));
}
END_TEST

START_TEST(literals)
{
	struct logfmt *lf = compile("a%%b [%t] 100%-x");
	ck_assert_int_eq(lf->n, 3);
	ck_assert_int_eq(lf->nodes[0].kind, LFN_TEXT);
	ck_assert_str_eq(lf->nodes[0].text, "a%b [");
	ck_assert_int_eq(lf->nodes[1].var, LFV_DATE);
	ck_assert_str_eq(lf->nodes[2].text, "] 100%-x");
	lf = compile("");
	ck_assert_int_eq(lf->n, 0);
	lf = compile("%Tt2");   /* names run over letters and digits */
	ck_assert_ptr_null(lf);
	ck_assert(t_diag(cfg, CFG_ALERT, "no such format variable 'Tt2'"));
}
END_TEST

START_TEST(errors)
{
	ck_assert_ptr_null(compile("%HMM"));
	ck_assert(t_diag(cfg, CFG_ALERT, "'log-format' : failed to parse log-format : no such format "
			 "variable 'HMM', did you mean 'HM' ? If you wanted to emit the '%' character "
			 "verbatim, you need to use '%%'"));
	/* same distance: a name of the same length wins (Tt/Ta/Tc..., not T) */
	ck_assert_ptr_null(compile("%Tx"));
	ck_assert(t_diag(cfg, CFG_ALERT, "no such format variable 'Tx', did you mean 'T"));
	ck_assert(!t_diag(cfg, CFG_ALERT, "did you mean 'T' ?"));
	ck_assert_ptr_null(compile("%hm"));
	ck_assert(t_diag(cfg, CFG_ALERT, "no such format variable 'hm', did you mean 'HM' ?"));
	ck_assert_ptr_null(compile("%zzzzzz"));
	ck_assert(t_diag(cfg, CFG_ALERT, "no such format variable 'zzzzzz'. If you wanted"));
	ck_assert_ptr_null(compile("rate 100%"));
	ck_assert(t_diag(cfg, CFG_ALERT, "truncated line after '%'"));
	ck_assert_ptr_null(compile("50% off"));
	ck_assert(t_diag(cfg, CFG_ALERT, "unexpected variable name near ' ' at position 3 line : "
			 "'50% off'. Maybe you want to write a single '%', use the syntax '%%'"));
	ck_assert_ptr_null(compile("%5"));
	ck_assert(t_diag(cfg, CFG_ALERT, "unexpected variable name near '5'"));
	ck_assert_ptr_null(compile("%{+Q} x"));
	ck_assert(t_diag(cfg, CFG_ALERT, "parse argument modifier without variable name near '%{+Q}'"));
	ck_assert_ptr_null(compile("%{+Q"));
	ck_assert(t_diag(cfg, CFG_ALERT, "truncated line after '+Q'"));
	ck_assert_ptr_null(compile("%[src"));
	ck_assert(t_diag(cfg, CFG_ALERT, "missing ']' after 'src'"));
	ck_assert_int_eq(cfg->nalerts, 10);
}
END_TEST

START_TEST(guide_formats)
{
	/* s000-20 */
	struct logfmt *lf = compile("{\"time\":\"%t\",\"client\":\"%ci:%cp\",\"frontend\":\"%f\","
		"\"backend\":\"%b\",\"server\":\"%s\",\"method\":\"%HM\",\"uri\":\"%HP\",\"status\":%ST,"
		"\"bytes_read\":%B,\"time_total\":%Tt,\"time_queue\":%Tw,\"time_connect\":%Tc,"
		"\"time_response\":%Tr,\"retries\":%rc,\"conn_active\":%ac,\"conn_frontend\":%fc,"
		"\"conn_backend\":%bc,\"conn_server\":%sc}");
	ck_assert_ptr_nonnull(lf);
	int vars = 0;
	for (int i = 0; i < lf->n; i++)
		vars += lf->nodes[i].kind == LFN_VAR;
	ck_assert_int_eq(vars, 19);
	ck_assert_str_eq(lf->nodes[0].text, "{\"time\":\"");
	ck_assert_int_eq(lf->nodes[1].var, LFV_DATE);
	ck_assert_str_eq(logfmt_first_http_var(lf), "HM");
	/* s001-06 and s002-09: the httplog format written out */
	lf = compile("%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc "
		     "%ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r");
	ck_assert_ptr_nonnull(lf);
	ck_assert_int_eq(lf->nodes[lf->n - 1].var, LFV_REQUEST);
	ck_assert_uint_eq(lf->nodes[lf->n - 1].flags, LFF_QUOTE);
	ck_assert_str_eq(logfmt_first_http_var(lf), "tr");
	ck_assert(lf->needs & LFN_NEED_REQ_HDRS);
	ck_assert(lf->needs & LFN_NEED_RES_HDRS);
	ck_assert_str_eq(lf->src, logfmt_httplog);
	ck_assert_int_eq(cfg->nalerts, 0);
}
END_TEST

START_TEST(builtin_formats)
{
	ck_assert_ptr_nonnull(compile(logfmt_httplog));
	ck_assert_ptr_nonnull(compile(logfmt_tcplog));
	struct logfmt *lf = compile(logfmt_clf);
	ck_assert_ptr_nonnull(lf);
	ck_assert_str_eq(lf->nodes[0].text, " ");
	ck_assert_int_eq(lf->nodes[1].var, LFV_CLIENT_IP);
	ck_assert_uint_eq(lf->nodes[1].flags, 0);
	ck_assert_int_eq(lf->nodes[3].var, LFV_TR_DATE_GMT);
	ck_assert_uint_eq(lf->nodes[3].flags, LFF_QUOTE);
	ck_assert_ptr_null(logfmt_first_http_var(compile(logfmt_tcplog)));
	ck_assert_str_eq(logfmt_tcplog,
		"%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq");
	ck_assert_int_eq(cfg->nalerts, 0);
}
END_TEST

START_TEST(samples)
{
	struct cfg *c = t_load("defaults\n    mode http\n"
			       "frontend fe\n    bind :80\n"
			       "    log-format \"%[src] %{+Q}[req.hdr(host),lower] %ci\"\n"
			       "    log-format-sd \"[exampleSDID@32473 iut=\\\"3\\\"]\"\n"
			       "    error-log-format \"%ci %[src]\"\n");
	if (c->nalerts)
		t_print(c);
	ck_assert_int_eq(c->nalerts, 0);
	struct proxy_conf *fe = cfg_find_proxy(c, "fe", PX_CAP_FE);
	struct logfmt *lf = fe->log_format_c;
	ck_assert_int_eq(lf->n, 5);
	ck_assert_int_eq(lf->nodes[0].kind, LFN_SAMPLE);
	ck_assert_str_eq(lf->nodes[0].text, "src");
	ck_assert_ptr_nonnull(lf->nodes[0].expr);
	ck_assert_str_eq(lf->nodes[2].text, "req.hdr(host),lower");
	ck_assert_uint_eq(lf->nodes[2].flags, LFF_QUOTE);
	ck_assert(lf->needs & LFN_NEED_SAMPLES);
	ck_assert_ptr_nonnull(fe->log_format_sd_c);
	ck_assert_ptr_nonnull(fe->error_log_format_c);
	cfg_free(c);
	c = t_load("frontend fe\n    mode http\n    bind :80\n    log-format \"%[nosuchfetch]\"\n");
	ck_assert(t_diag(c, CFG_ALERT, "failed to parse sample expression <nosuchfetch> : "));
	cfg_free(c);
}
END_TEST

/* %B counts heads as HAProxy 2.6 does (figures from its logs for the same
 * bytes): start line +16, each header -4, the end of the head -1, and
 * Connection: close|keep-alive not at all. */
START_TEST(head_sizes)
{
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Served-By: s1\r\n"
			 "Content-Length: 3\r\n\r\n";
	ck_assert_int_eq(logfmt_head_size(ok, strlen(ok)), 84 - 3 + 3);
	const char *deny = "HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: "
			   "no-cache\r\ncontent-type: text/html\r\n\r\n";
	ck_assert_int_eq(logfmt_head_size(deny, strlen(deny)), 192 - 93);
	const char *close = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 107\r\n"
			    "cache-control: no-cache\r\nConnection:  Close \r\n"
			    "content-type: text/html\r\n\r\n";
	ck_assert_int_eq(logfmt_head_size(close, strlen(close)), 217 - 107);
	/* other Connection values are headers there */
	const char *up = "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n\r\n";
	ck_assert_int_eq(logfmt_head_size(up, strlen(up)), 20 + 3 + 8 + 19 + 17 + 1);
	/* a value loses its OWS on both sides, an empty value stays empty */
	const char *ows = "GET / HTTP/1.1\r\nX-A:  a b \t\r\nX-E: \t\r\nX-F:\r\n\r\n";
	ck_assert_int_eq(logfmt_head_size(ows, strlen(ows)), 20 + 3 + 1 + 8 + 6 + 3 + 3 + 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("logfmt");
	TCase *tc = tcase_create("compile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_variable);
	tcase_add_test(tc, http_only_variables);
	tcase_add_test(tc, flags);
	tcase_add_test(tc, literals);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, guide_formats);
	tcase_add_test(tc, builtin_formats);
	tcase_add_test(tc, samples);
	tcase_add_test(tc, head_sizes);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)
