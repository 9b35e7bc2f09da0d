# unit tests of the HTTP rule executor (src/proxy/http_act.c) and the head edits (src/http/http_edit.c)
check_PROGRAMS += tests/unit/check_http_act
TESTS += tests/unit/check_http_act
tests_unit_check_http_act_SOURCES = tests/unit/check_http_act.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_http_act_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_http_act_LDADD = $(UNIT_LIBS)
