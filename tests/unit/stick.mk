# unit tests of src/stick
check_PROGRAMS += tests/unit/check_stick
TESTS += tests/unit/check_stick
tests_unit_check_stick_SOURCES = tests/unit/check_stick.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_stick_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_stick_LDADD = $(UNIT_LIBS)
