libweir_a_SOURCES += src/shm/layout.c src/shm/segment.c src/shm/counters.c
noinst_HEADERS += include/weir/shm.h include/weir/shm-t.h include/weir/counters.h
EXTRA_DIST += src/shm/README
