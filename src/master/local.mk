# src/master: the master process (see its README)
libweir_a_SOURCES += src/master/master.c src/master/listen.c src/master/steer.c src/master/child.c \
	src/master/reload.c src/master/sdnotify.c src/master/mcli.c \
	src/master/cpumap.c
noinst_HEADERS += src/master/master-int.h include/weir/master.h
