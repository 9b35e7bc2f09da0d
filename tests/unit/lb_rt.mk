# unit tests of the balancing runtime (src/lb/lb*.c)
check_PROGRAMS += tests/unit/check_lb_rt
TESTS += tests/unit/check_lb_rt
tests_unit_check_lb_rt_SOURCES = tests/unit/check_lb_rt.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_lb_rt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_lb_rt_LDADD = $(UNIT_LIBS)
