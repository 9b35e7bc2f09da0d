libweir_a_SOURCES += src/lb/lb_kw.c
libweir_a_SOURCES += src/lb/lb.c src/lb/lb_map.c src/lb/lb_int.h
libweir_a_SOURCES += src/lb/lb_rr.c src/lb/lb_static_rr.c src/lb/lb_lc.c
libweir_a_SOURCES += src/lb/lb_first.c src/lb/lb_source.c
noinst_HEADERS += include/weir/lb.h
noinst_HEADERS += include/weir/lb-t.h
EXTRA_DIST += src/lb/README
