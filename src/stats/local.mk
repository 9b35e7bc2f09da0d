libweir_a_SOURCES += src/stats/stats_kw.c
noinst_HEADERS += include/weir/stats.h
