# src/checker: the checker process (see its README)
noinst_HEADERS += include/weir/checker.h
libweir_a_SOURCES += src/checker/check_status.c
