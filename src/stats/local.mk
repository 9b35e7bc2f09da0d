# src/stats: the stats keywords (master, load time), and the stats process:
# the UNIX stats sockets and the runtime API (see include/weir/stats.h)
libweir_a_SOURCES += src/stats/stats_kw.c src/stats/stats_srv.c src/stats/stats_cli.c \
	src/stats/stats_csv.c src/stats/stats_info.c src/stats/stats_state.c \
	src/stats/stats_obj.c src/stats/stats_xfer.c src/stats/stats_admin.c src/stats/stats-int.h \
	src/stats/stats_health.c src/stats/stats_prom.c
libweir_a_SOURCES += src/stats/stats_html.c
noinst_HEADERS += include/weir/stats.h
EXTRA_DIST += src/stats/README
