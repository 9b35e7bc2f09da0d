# unit tests of src/stats/stats_html.c (the HTTP stats page)
check_PROGRAMS += tests/unit/check_stats_html
TESTS += tests/unit/check_stats_html
tests_unit_check_stats_html_SOURCES = tests/unit/check_stats_html.c tests/unit/testutil.c \
	tests/unit/testutil.h
tests_unit_check_stats_html_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_stats_html_LDADD = $(UNIT_LIBS)
