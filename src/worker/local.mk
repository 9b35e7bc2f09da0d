# src/worker: the worker processes (see its README)
noinst_HEADERS += include/weir/worker.h include/weir/proc-t.h
