/*
 * The conditions of `weir -cc` and `.if` (src/cfg/cond.c): every
 * predicate and operator gives HAProxy's result, versions compare with
 * weir's own version, and every malformed expression is an error that
 * quotes it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weir/cond.h"
#include "check_main.h"

static char err[512];

static int ev(const char *e)
{
	err[0] = 0;
	int r = cfg_cond_eval(e, err, sizeof(err));
	ck_assert_msg(r >= 0, "'%s' failed: %s", e, err);
	ck_assert_str_eq(err, "");
	return r;
}

static void ev_bad(const char *e, const char *msg)
{
	err[0] = 0;
	ck_assert_msg(cfg_cond_eval(e, err, sizeof(err)) == -1, "'%s' accepted", e);
	ck_assert_msg(strstr(err, msg) != NULL, "'%s': got '%s', want '%s'", e, err, msg);
}

START_TEST(constants)
{
	ck_assert_int_eq(ev(""), 0);
	ck_assert_int_eq(ev("   "), 0);
	ck_assert_int_eq(ev("0"), 0);
	ck_assert_int_eq(ev("1"), 1);
	ck_assert_int_eq(ev("42"), 1);
	ck_assert_int_eq(ev("-1"), 1);
	ck_assert_int_eq(ev("0x10"), 1);
	ck_assert_int_eq(ev(" 1 "), 1);
}
END_TEST

START_TEST(operators)
{
	ck_assert_int_eq(ev("!0"), 1);
	ck_assert_int_eq(ev("!1"), 0);
	ck_assert_int_eq(ev("!!1"), 1);
	ck_assert_int_eq(ev("! ! 0"), 0);
	ck_assert_int_eq(ev("1 && 1"), 1);
	ck_assert_int_eq(ev("1 && 0"), 0);
	ck_assert_int_eq(ev("0 || 1"), 1);
	ck_assert_int_eq(ev("0 || 0"), 0);
	ck_assert_int_eq(ev("1&&0||1"), 1);
	/* && binds tighter than || */
	ck_assert_int_eq(ev("1 || 0 && 0"), 1);
	ck_assert_int_eq(ev("(1 || 0) && 0"), 0);
	ck_assert_int_eq(ev("!(0 || 0)"), 1);
	ck_assert_int_eq(ev("((((1))))"), 1);
	ck_assert_int_eq(ev("!(1 && (0 || !0))"), 0);
}
END_TEST

START_TEST(pred_defined)
{
	setenv("WEIR_TEST_SET", "", 1);
	unsetenv("WEIR_TEST_UNSET");
	ck_assert_int_eq(ev("defined(WEIR_TEST_SET)"), 1);
	ck_assert_int_eq(ev("defined(WEIR_TEST_UNSET)"), 0);
	ck_assert_int_eq(ev("!defined(WEIR_TEST_UNSET) && defined( WEIR_TEST_SET )"), 1);
}
END_TEST

START_TEST(pred_feature)
{
	ck_assert_int_eq(ev("feature(OPENSSL)"), 1);
	ck_assert_int_eq(ev("feature(PCRE2)"), 1);
	ck_assert_int_eq(ev("feature(LIBEVENT)"), 1);
	ck_assert_int_eq(ev("feature(YAML)"), 1);
	ck_assert_int_eq(ev("feature(THREAD)"), 1);
	ck_assert_int_eq(ev("feature(ENGINE)"), 0);
	ck_assert_int_eq(ev("feature(LUA)"), 0);
	ck_assert_int_eq(ev("feature(NO_SUCH_FEATURE)"), 0);
	ck_assert_int_eq(ev("feature(openssl)"), 0);   /* names are case-sensitive */
#ifdef __linux__
	ck_assert_int_eq(ev("feature(EPOLL)"), 1);
	ck_assert_int_eq(ev("feature(LINUX_SPLICE)"), 1);
#endif
	const char *list = cfg_cond_features();
	size_t n;
	ck_assert_int_gt(cfg_cond_feature_table(&n)[0].name[0], 0);
	ck_assert_uint_ge(n, 20);
	ck_assert_ptr_nonnull(strstr(list, "+OPENSSL"));
	ck_assert_ptr_nonnull(strstr(list, "-ENGINE"));
	ck_assert_ptr_nonnull(strstr(list, "+YAML"));
	ck_assert(strstr(list, "+PCRE2_JIT") || strstr(list, "-PCRE2_JIT"));
}
END_TEST

START_TEST(pred_streq)
{
	ck_assert_int_eq(ev("streq(a,a)"), 1);
	ck_assert_int_eq(ev("streq(a,b)"), 0);
	ck_assert_int_eq(ev("strneq(a,b)"), 1);
	ck_assert_int_eq(ev("strneq(prod,prod)"), 0);
	ck_assert_int_eq(ev("streq( a , a )"), 1);
	ck_assert_int_eq(ev("streq('a b',\"a b\")"), 1);
	ck_assert_int_eq(ev("streq(' a','a')"), 0);
	ck_assert_int_eq(ev("streq(a\\,b,'a,b')"), 1);
	ck_assert_int_eq(ev("streq(,)"), 1);
	ck_assert_int_eq(ev("streq(x,)"), 0);
	ck_assert_int_eq(ev("streq('(',\\()"), 1);
}
END_TEST

START_TEST(pred_versions)
{
	/* weir compares with its own version, PACKAGE_VERSION */
	ck_assert_int_eq(ev("version_atleast(" PACKAGE_VERSION ")"), 1);
	ck_assert_int_eq(ev("version_before(" PACKAGE_VERSION ")"), 0);
	ck_assert_int_eq(ev("version_atleast(0.0.1)"), 1);
	ck_assert_int_eq(ev("version_atleast(99.0)"), 0);
	ck_assert_int_eq(ev("version_before(99.0)"), 1);
	ck_assert_int_eq(ev("version_before(0.0.1)"), 0);
	ck_assert_int_eq(ev("version_atleast(2.4) || 1"), 1);
}
END_TEST

START_TEST(version_compare)
{
	ck_assert_int_eq(cfg_version_compare("2.6", "2.6.0"), 0);
	ck_assert_int_lt(cfg_version_compare("2.6", "2.6.12"), 0);
	ck_assert_int_gt(cfg_version_compare("2.10", "2.9"), 0);
	ck_assert_int_lt(cfg_version_compare("2.7-dev3", "2.7-dev10"), 0);
	ck_assert_int_lt(cfg_version_compare("2.7-dev9", "2.7-pre1"), 0);
	ck_assert_int_lt(cfg_version_compare("2.7-pre2", "2.7-rc1"), 0);
	ck_assert_int_lt(cfg_version_compare("2.7-rc3", "2.7"), 0);
	ck_assert_int_lt(cfg_version_compare("2.6.12", "2.6.12-1+deb12u4"), 0);
	ck_assert_int_gt(cfg_version_compare("2.6.12-1+deb12u4", "2.6.11"), 0);
	ck_assert_int_eq(cfg_version_compare("1.2.3.4", "1.2.3.4"), 0);
	ck_assert_int_eq(cfg_version_compare("x", "1"), -2);
	ck_assert_int_eq(cfg_version_compare("1", "1.x"), -2);
}
END_TEST

START_TEST(errors)
{
	ev_bad("foo", "unparsable conditional expression 'foo' (expects 0, 1, a predicate among defined(), "
	       "feature(), streq(), strneq(), version_atleast(), version_before()");
	ev_bad("1 2", "unexpected character '2' at the end of conditional expression '1 2'");
	ev_bad("1 &", "unexpected character '&' at the end of conditional expression '1 &'");
	ev_bad("1 &&", "missing term at the end of conditional expression '1 &&'");
	ev_bad("0 ||", "missing term at the end of conditional expression");
	ev_bad("!", "missing term after '!' at the end of conditional expression '!'");
	ev_bad("(1", "expected ')' after conditional expression '(1'");
	ev_bad("1)", "unexpected character ')' at the end of conditional expression '1)'");
	ev_bad("()", "unparsable conditional expression ')'");
	ev_bad("defined", "predicate 'defined' expects 1 argument in parentheses in conditional expression 'defined'");
	ev_bad("defined()", "predicate 'defined' expects 1 argument but got 0 in conditional expression 'defined()'");
	ev_bad("streq(a)", "predicate 'streq' expects 2 arguments but got 1");
	ev_bad("streq(a,b,c)", "predicate 'streq' expects 2 arguments but got more than 2");
	ev_bad("defined(X", "missing ')' after the arguments of predicate 'defined'");
	ev_bad("streq('a,b)", "missing closing quote");
	ev_bad("version_atleast(two)", "invalid version 'two' in argument 1 of predicate 'version_atleast' "
	       "used in conditional expression 'version_atleast(two)'");
	ev_bad("1 || foo(1)", "unparsable conditional expression 'foo(1)'");
	/* errors are found even where evaluation would stop early */
	ev_bad("0 && version_before(x)", "invalid version 'x'");
	ev_bad("((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))"
	       "))))))))))))))))))))))))))))))))))))))))))))))))))))))", "too many nested parentheses");
}
END_TEST

static Suite *cond_suite(void)
{
	Suite *s = suite_create("cond");
	TCase *tc = tcase_create("eval");
	tcase_add_test(tc, constants);
	tcase_add_test(tc, operators);
	tcase_add_test(tc, pred_defined);
	tcase_add_test(tc, pred_feature);
	tcase_add_test(tc, pred_streq);
	tcase_add_test(tc, pred_versions);
	tcase_add_test(tc, version_compare);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(cond_suite)
