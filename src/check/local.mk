libweir_a_SOURCES += src/check/check_kw.c src/check/check_rules.c src/check/check_lint.c \
	src/check/check_opt.c
noinst_HEADERS += include/weir/check-t.h src/check/check_int.h
