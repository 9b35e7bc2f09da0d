# src/proxy: rules (http-request & co), switching, redirects, error pages
libweir_a_SOURCES += src/proxy/rule_kw.c src/proxy/rule_act.c src/proxy/rule_reply.c \
	src/proxy/rule_check.c src/proxy/errorfile.c src/proxy/http_act.c
libweir_a_SOURCES += src/proxy/http_reply.c src/proxy/http_auth.c
noinst_HEADERS += include/weir/rule-t.h include/weir/rule.h src/proxy/rule-int.h
