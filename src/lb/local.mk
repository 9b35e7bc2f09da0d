libweir_a_SOURCES += src/lb/lb_kw.c
noinst_HEADERS += include/weir/lb.h
noinst_HEADERS += include/weir/lb-t.h
