# src/worker: the worker processes (see its README)
noinst_HEADERS += include/weir/worker.h include/weir/proc-t.h
libweir_a_SOURCES += src/worker/worker.c src/worker/session.c src/worker/relay.c \
	src/worker/xprt_raw.c
noinst_HEADERS += src/worker/worker-int.h include/weir/conn.h
