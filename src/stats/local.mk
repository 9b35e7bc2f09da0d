libweir_a_SOURCES += src/stats/stats_kw.c
