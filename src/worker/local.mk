# src/worker: the worker processes (see its README)
noinst_HEADERS += include/weir/worker.h include/weir/proc-t.h
libweir_a_SOURCES += src/worker/worker.c src/worker/session.c src/worker/inspect.c src/worker/relay.c \
	src/worker/xprt_raw.c src/worker/http_sess.c src/worker/http_fwd.c src/worker/http_admin.c \
	src/worker/srv_pool.c
noinst_HEADERS += src/worker/worker-int.h src/worker/http-int.h include/weir/conn.h
