# unit tests of src/check, src/lb and the server keywords (src/cfg/kw_server.c)
check_PROGRAMS += tests/unit/check_server tests/unit/check_checks tests/unit/check_lb
TESTS += tests/unit/check_server tests/unit/check_checks tests/unit/check_lb
tests_unit_check_server_SOURCES = tests/unit/check_server.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_server_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_server_LDADD = $(UNIT_LIBS)
tests_unit_check_checks_SOURCES = tests/unit/check_checks.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_checks_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_checks_LDADD = $(UNIT_LIBS)
tests_unit_check_lb_SOURCES = tests/unit/check_lb.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_lb_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_lb_LDADD = $(UNIT_LIBS)
