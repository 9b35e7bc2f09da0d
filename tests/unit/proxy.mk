# unit tests of src/proxy
check_PROGRAMS += tests/unit/check_rules
TESTS += tests/unit/check_rules
tests_unit_check_rules_SOURCES = tests/unit/check_rules.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_rules_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_rules_LDADD = $(UNIT_LIBS)
check_PROGRAMS += tests/unit/check_errorfile
TESTS += tests/unit/check_errorfile
tests_unit_check_errorfile_SOURCES = tests/unit/check_errorfile.c tests/unit/testutil.c \
	tests/unit/testutil.h
tests_unit_check_errorfile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_errorfile_LDADD = $(UNIT_LIBS)
