# unit tests of src/stats (the runtime API of the stats process)
check_PROGRAMS += tests/unit/check_stats_rt
TESTS += tests/unit/check_stats_rt
tests_unit_check_stats_rt_SOURCES = tests/unit/check_stats_rt.c tests/unit/testutil.c \
	tests/unit/testutil.h
tests_unit_check_stats_rt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_stats_rt_LDADD = $(UNIT_LIBS)
