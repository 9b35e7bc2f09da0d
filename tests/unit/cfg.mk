# unit tests of src/cfg

# lexer, loader, command line (the lead's)
check_PROGRAMS += tests/unit/check_lex tests/unit/check_parse tests/unit/check_cli
TESTS += tests/unit/check_lex tests/unit/check_parse tests/unit/check_cli
tests_unit_check_lex_SOURCES = tests/unit/check_lex.c
tests_unit_check_lex_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_lex_LDADD = $(UNIT_LIBS)
tests_unit_check_parse_SOURCES = tests/unit/check_parse.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_parse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_parse_LDADD = $(UNIT_LIBS)
tests_unit_check_cli_SOURCES = tests/unit/check_cli.c
tests_unit_check_cli_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_cli_LDADD = $(UNIT_LIBS)

# value parsers (src/cfg/values.c)
check_PROGRAMS += tests/unit/check_values
TESTS += tests/unit/check_values
tests_unit_check_values_SOURCES = tests/unit/check_values.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_values_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_values_LDADD = $(UNIT_LIBS)

# bind lines and the global SSL keywords (src/cfg/kw_bind.c, src/ssl/)
check_PROGRAMS += tests/unit/check_bind
TESTS += tests/unit/check_bind
tests_unit_check_bind_SOURCES = tests/unit/check_bind.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_bind_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_bind_LDADD = $(UNIT_LIBS)

# conditions of -cc and .if (src/cfg/cond.c)
check_PROGRAMS += tests/unit/check_cond
TESTS += tests/unit/check_cond
tests_unit_check_cond_SOURCES = tests/unit/check_cond.c
tests_unit_check_cond_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_cond_LDADD = $(UNIT_LIBS)

# the YAML syntax (src/cfg/yaml.c)
check_PROGRAMS += tests/unit/check_yaml
TESTS += tests/unit/check_yaml
tests_unit_check_yaml_SOURCES = tests/unit/check_yaml.c tests/unit/testutil.c tests/unit/testutil.h
tests_unit_check_yaml_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_yaml_LDADD = $(UNIT_LIBS)
