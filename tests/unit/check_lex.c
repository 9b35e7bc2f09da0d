/*
 * The lexer splits lines as HAProxy does: quotes, escapes, comments and
 * environment variables (src/cfg/lex.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weir/lex.h"
#include "check_main.h"

static struct lex_line ll;
static char err[256];

static int lex(const char *s)
{
	err[0] = '\0';
	return lex_split(&ll, s, strlen(s), err, sizeof(err));
}

static void teardown(void)
{
	lex_line_free(&ll);
}

START_TEST(words_and_blanks)
{
	ck_assert_int_eq(lex("  bind \t *:80   ssl  "), 0);
	ck_assert_int_eq(ll.argc, 3);
	ck_assert_str_eq(ll.argv[0], "bind");
	ck_assert_str_eq(ll.argv[1], "*:80");
	ck_assert_str_eq(ll.argv[2], "ssl");
	ck_assert_ptr_null(ll.argv[3]);
}
END_TEST

START_TEST(comments)
{
	ck_assert_int_eq(lex("# whole line"), 0);
	ck_assert_int_eq(ll.argc, 0);
	ck_assert_int_eq(lex("maxconn 10 # trailing"), 0);
	ck_assert_int_eq(ll.argc, 2);
	ck_assert_int_eq(lex("a b#c"), 0);
	ck_assert_int_eq(ll.argc, 2);
	ck_assert_str_eq(ll.argv[1], "b");
	ck_assert_int_eq(lex("a \"b#c\" 'd#e' f\\#g"), 0);
	ck_assert_int_eq(ll.argc, 4);
	ck_assert_str_eq(ll.argv[1], "b#c");
	ck_assert_str_eq(ll.argv[2], "d#e");
	ck_assert_str_eq(ll.argv[3], "f#g");
}
END_TEST

START_TEST(quotes)
{
	ck_assert_int_eq(lex("http-response set-header X \"max-age=1; preload\""), 0);
	ck_assert_int_eq(ll.argc, 4);
	ck_assert_str_eq(ll.argv[3], "max-age=1; preload");
	ck_assert_int_eq(lex("a 'it''s' \"x'y\" '\"'"), 0);
	ck_assert_str_eq(ll.argv[1], "its");
	ck_assert_str_eq(ll.argv[2], "x'y");
	ck_assert_str_eq(ll.argv[3], "\"");
	ck_assert_int_eq(lex("a foo\"bar baz\"qux \"\""), 0);
	ck_assert_int_eq(ll.argc, 3);
	ck_assert_str_eq(ll.argv[1], "foobar bazqux");
	ck_assert_str_eq(ll.argv[2], "");
}
END_TEST

START_TEST(escapes)
{
	ck_assert_int_eq(lex("option httpchk GET / HTTP/1.1\\r\\nHost:\\ a"), 0);
	ck_assert_int_eq(ll.argc, 5);
	ck_assert_str_eq(ll.argv[4], "HTTP/1.1\r\nHost: a");
	ck_assert_int_eq(lex("a \\x41\\x2f \"\\\"q\\\\\" '\\n'"), 0);
	ck_assert_str_eq(ll.argv[1], "A/");
	ck_assert_str_eq(ll.argv[2], "\"q\\");
	ck_assert_str_eq(ll.argv[3], "\\n");   /* no escapes in single quotes */
	ck_assert_int_eq(lex("Host:\\ health.example.com"), 0);
	ck_assert_int_eq(ll.argc, 1);
	ck_assert_str_eq(ll.argv[0], "Host: health.example.com");
}
END_TEST

START_TEST(bad_escapes_and_quotes)
{
	/* unknown pairs are kept: regex back-references */
	ck_assert_int_eq(lex("replace-header X (.*) \\1-\\q \"\\2\""), 0);
	ck_assert_str_eq(ll.argv[3], "\\1-\\q");
	ck_assert_str_eq(ll.argv[4], "\\2");
	ck_assert_int_eq(lex("a b\\"), 0);
	ck_assert_str_eq(ll.argv[1], "b\\");
	ck_assert_int_eq(lex("a \\x4"), -1);
	ck_assert_ptr_nonnull(strstr(err, "hexadecimal"));
	ck_assert_int_eq(lex("a \"open"), -1);
	ck_assert_ptr_nonnull(strstr(err, "unmatched double quote"));
	ck_assert_int_eq(lex("a 'open"), -1);
	ck_assert_ptr_nonnull(strstr(err, "unmatched simple quote"));
}
END_TEST

START_TEST(variables)
{
	setenv("WEIR_T_DIR", "/tmp/certs", 1);
	unsetenv("WEIR_T_NONE");
	ck_assert_int_eq(lex("crt \"${WEIR_T_DIR}/site.pem\" \"$WEIR_T_DIR\" '${WEIR_T_DIR}' ${WEIR_T_DIR}"), 0);
	ck_assert_str_eq(ll.argv[1], "/tmp/certs/site.pem");
	ck_assert_str_eq(ll.argv[2], "/tmp/certs");
	ck_assert_str_eq(ll.argv[3], "${WEIR_T_DIR}");   /* single quotes: literal */
	ck_assert_str_eq(ll.argv[4], "${WEIR_T_DIR}");   /* unquoted: literal */
	ck_assert_int_eq(lex("a \"${WEIR_T_NONE-fallback value}\" \"x${WEIR_T_NONE}y\" \"$\""), 0);
	ck_assert_str_eq(ll.argv[1], "fallback value");
	ck_assert_str_eq(ll.argv[2], "xy");
	ck_assert_str_eq(ll.argv[3], "$");
	ck_assert_int_eq(lex("a \"${WEIR_T_DIR\""), -1);
	ck_assert_ptr_nonnull(strstr(err, "missing '}'"));
}
END_TEST

START_TEST(crlf)
{
	ck_assert_int_eq(lex("maxconn 10\r"), 0);
	ck_assert_int_eq(ll.argc, 2);
	ck_assert_str_eq(ll.argv[1], "10");
}
END_TEST

static Suite *lex_suite(void)
{
	Suite *s = suite_create("lex");
	TCase *tc = tcase_create("lex");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, words_and_blanks);
	tcase_add_test(tc, comments);
	tcase_add_test(tc, quotes);
	tcase_add_test(tc, escapes);
	tcase_add_test(tc, bad_escapes_and_quotes);
	tcase_add_test(tc, variables);
	tcase_add_test(tc, crlf);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(lex_suite)
