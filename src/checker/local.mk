# src/checker: the checker process (see its README)
noinst_HEADERS += include/weir/checker.h src/checker/checker-int.h src/checker/check_conv.h
libweir_a_SOURCES += src/checker/check_status.c src/checker/checker.c \
	src/checker/check_tcp.c src/checker/check_state.c \
	src/checker/check_conv.c src/checker/check_http.c src/checker/check_proto.c \
	src/checker/check_observe.c
EXTRA_DIST += src/checker/README
libweir_a_SOURCES += src/checker/check_agent.c src/checker/check_slowstart.c
libweir_a_SOURCES += src/checker/check_ssl.c src/checker/check_sock.c src/checker/check_ctl.c
