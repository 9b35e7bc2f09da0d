libweir_a_SOURCES += src/common/arena.c src/common/util.c
noinst_HEADERS += include/weir/arena.h include/weir/util.h
