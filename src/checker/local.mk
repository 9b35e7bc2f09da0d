# src/checker: the checker process (see its README)
noinst_HEADERS += include/weir/checker.h src/checker/checker-int.h
libweir_a_SOURCES += src/checker/check_status.c src/checker/checker.c \
	src/checker/check_tcp.c src/checker/check_state.c
EXTRA_DIST += src/checker/README
libweir_a_SOURCES += src/checker/check_agent.c src/checker/check_slowstart.c
