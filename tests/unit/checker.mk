# unit tests (checker)
check_PROGRAMS += tests/unit/check_checker
TESTS += tests/unit/check_checker
tests_unit_check_checker_SOURCES = tests/unit/check_checker.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_checker_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_checker_LDADD = $(UNIT_LIBS)
check_PROGRAMS += tests/unit/check_agent
TESTS += tests/unit/check_agent
tests_unit_check_agent_SOURCES = tests/unit/check_agent.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_agent_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_agent_LDADD = $(UNIT_LIBS)
check_PROGRAMS += tests/unit/check_checker_l7
TESTS += tests/unit/check_checker_l7
tests_unit_check_checker_l7_SOURCES = tests/unit/check_checker_l7.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_checker_l7_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_checker_l7_LDADD = $(UNIT_LIBS)
