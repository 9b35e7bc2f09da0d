# unit tests of src/log and src/stats
check_PROGRAMS += tests/unit/check_logfmt tests/unit/check_logkw tests/unit/check_stats_kw
TESTS += tests/unit/check_logfmt tests/unit/check_logkw tests/unit/check_stats_kw
tests_unit_check_logfmt_SOURCES = tests/unit/check_logfmt.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_logfmt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_logfmt_LDADD = $(UNIT_LIBS)
tests_unit_check_logkw_SOURCES = tests/unit/check_logkw.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_logkw_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_logkw_LDADD = $(UNIT_LIBS)
tests_unit_check_stats_kw_SOURCES = tests/unit/check_stats_kw.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_stats_kw_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_stats_kw_LDADD = $(UNIT_LIBS)
