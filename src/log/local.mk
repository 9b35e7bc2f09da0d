libweir_a_SOURCES += src/log/log_kw.c src/log/log_target.c src/log/logfmt.c
libweir_a_SOURCES += src/log/log.c src/log/logfmt_build.c src/log/logfmt_http.c src/log/logfmt-int.h
noinst_HEADERS += include/weir/logfmt.h include/weir/logfmt-t.h
noinst_HEADERS += include/weir/log.h include/weir/log-t.h
