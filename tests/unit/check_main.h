/*
 * The main() of every unit suite: run one Check suite, exit non-zero on
 * failure. A header, so suites that do not link testutil.c can use it.
 */
#ifndef WEIR_CHECK_MAIN_H
#define WEIR_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_fn) \
	int main(void) \
	{ \
		SRunner *sr = srunner_create(suite_fn()); \
		srunner_run_all(sr, CK_NORMAL); \
		int failed = srunner_ntests_failed(sr); \
		srunner_free(sr); \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS; \
	}

#endif
