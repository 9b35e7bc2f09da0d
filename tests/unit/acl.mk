# unit tests of src/acl
check_PROGRAMS += tests/unit/check_sample tests/unit/check_acl
TESTS += tests/unit/check_sample tests/unit/check_acl
tests_unit_check_sample_SOURCES = tests/unit/check_sample.c
tests_unit_check_sample_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_sample_LDADD = $(UNIT_LIBS)
tests_unit_check_acl_SOURCES = tests/unit/check_acl.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_acl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_acl_LDADD = $(UNIT_LIBS)
# run-time evaluation of samples and ACLs
check_PROGRAMS += tests/unit/check_smp_rt
TESTS += tests/unit/check_smp_rt
tests_unit_check_smp_rt_SOURCES = tests/unit/check_smp_rt.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_smp_rt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_smp_rt_LDADD = $(UNIT_LIBS)
# the prefix trees of IP pattern lists (src/acl/pat_index.c)
check_PROGRAMS += tests/unit/check_pat_index
TESTS += tests/unit/check_pat_index
tests_unit_check_pat_index_SOURCES = tests/unit/check_pat_index.c
tests_unit_check_pat_index_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_pat_index_LDADD = $(UNIT_LIBS)
