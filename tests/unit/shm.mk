# unit tests of src/shm
check_PROGRAMS += tests/unit/check_shm
TESTS += tests/unit/check_shm
tests_unit_check_shm_SOURCES = tests/unit/check_shm.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_shm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_shm_LDADD = $(UNIT_LIBS)
