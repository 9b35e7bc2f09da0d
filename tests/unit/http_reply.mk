# unit tests of src/proxy/http_reply.c and http_auth.c (replies, error pages, auth)
check_PROGRAMS += tests/unit/check_http_reply
TESTS += tests/unit/check_http_reply
tests_unit_check_http_reply_SOURCES = tests/unit/check_http_reply.c tests/unit/testutil.c \
	tests/unit/testutil.h
tests_unit_check_http_reply_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_http_reply_LDADD = $(UNIT_LIBS)
