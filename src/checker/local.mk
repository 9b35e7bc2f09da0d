# src/checker: the checker process (see its README)
noinst_HEADERS += include/weir/checker.h
