# unit tests of src/http
check_PROGRAMS += tests/unit/check_h1
TESTS += tests/unit/check_h1
tests_unit_check_h1_SOURCES = tests/unit/check_h1.c
tests_unit_check_h1_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_h1_LDADD = $(UNIT_LIBS)
