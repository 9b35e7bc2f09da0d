#include <check.h>
#include "check_main.h"
#include "weir/http.h"
START_TEST(t_dummy) { } END_TEST
static Suite *h1_suite(void) { Suite *s = suite_create("h1"); TCase *tc = tcase_create("x"); tcase_add_test(tc, t_dummy); suite_add_tcase(s, tc); return s; }
CHECK_MAIN(h1_suite)
