libweir_a_SOURCES += src/cfg/kw.c src/cfg/setters.c src/cfg/lex.c src/cfg/parse.c src/cfg/diag.c \
	src/cfg/values.c src/cfg/dump.c src/cfg/cond.c src/cfg/yaml.c \
	src/cfg/kw_global.c src/cfg/kw_proxy.c src/cfg/kw_bind.c src/cfg/kw_server.c \
	src/cfg/kw_userlist.c src/master/cli.c
noinst_HEADERS += include/weir/cfg-t.h include/weir/cfg.h include/weir/kwtables.h \
	include/weir/lex.h include/weir/cli.h include/weir/bind.h include/weir/cond.h \
	include/weir/yaml.h
