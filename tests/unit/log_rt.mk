# unit tests of the runtime log (src/log/log.c, src/log/logfmt_build.c)
check_PROGRAMS += tests/unit/check_log_rt
TESTS += tests/unit/check_log_rt
tests_unit_check_log_rt_SOURCES = tests/unit/check_log_rt.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_log_rt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_log_rt_LDADD = $(UNIT_LIBS)
