libweir_a_SOURCES += src/ssl/ssl_kw.c src/ssl/ssl_conf.c
noinst_HEADERS += include/weir/ssl.h
