/*
 * The process context: what every weir process (master, worker, checker,
 * stats) holds after the master forked it. One `struct weir_proc` per
 * process, built by the master (src/master/) and inherited across fork();
 * children only read it, except `base` and `stopping`.
 *
 * Listeners are bound by the master. An inet listener has one socket per
 * worker, all bound with SO_REUSEPORT to the same address: the kernel
 * spreads new connections over them by hash, which balances accepting
 * across workers without a thundering herd, and the socket of worker w
 * outlives worker w (the master holds it) so a restarted or reloaded
 * worker w finds the connections that queued meanwhile. A UNIX or fd@
 * listener has one socket shared by every worker.
 */
#ifndef WEIR_PROC_T_H
#define WEIR_PROC_T_H

#include <stdint.h>

#include "weir/cfg-t.h"
#include "weir/shm-t.h"

struct event_base;

/* One `bind` line of a frontend, with its sockets. */
struct listener {
	const struct proxy_conf *px;  /* the frontend (or listen) */
	const struct bind_conf *bind;
	int px_index;                 /* in cfg->proxies */
	uint32_t fe;                  /* FE record index in the segment */
	uint32_t li;                  /* LI record index */
	int nfds;                     /* 1: shared by all workers; else nworkers */
	int *fds;                     /* fds[w] is worker w's socket (fds[0] if shared) */
	char key[160];                /* address identity, to match sockets across reloads */
};

/* A `stats socket` line and its listening socket (stats process). */
struct stats_listener {
	const struct bind_conf *bind; /* level, mode, expose-fd in bind_conf */
	int fd;
	char key[160];
};

/* A process's view of itself and of the generation it belongs to. */
struct weir_proc {
	struct cfg *cfg;              /* this generation's model (read only) */
	struct shm_layout *layout;    /* record index maps (fe_of_px, be_of_px) */
	void *shm;                    /* the segment's base */
	struct shm_seg seg;
	uint64_t generation;
	enum shm_role role;           /* SHM_ROLE_NONE while -d runs every role */
	int worker;                   /* 0..nworkers-1 in a worker, else -1 */
	int nworkers;
	uint32_t slot;                /* this process's slot in the PROC region */
	int all_in_one;               /* -d/-db: worker 0, checker and stats in the master */
	struct event_base *base;      /* this process's loop */
	struct listener *listeners;
	int nlisteners;
	struct stats_listener *stats;
	int nstats;
	int ctl_fd;                   /* child: its end of the socketpair to the master */
	/* The stats page's admin channel (src/stats/stats_admin.c): a
	 * SOCK_SEQPACKET pair the master creates and keeps; workers send on
	 * admin_tx, the stats process reads admin_rx. Valid only with
	 * admin_chan set (no proxy with `stats admin`: no channel); a role
	 * closes the end it does not use and sets it to -1. */
	int admin_chan;
	int admin_rx, admin_tx;
	/* The checker's kick pipe: the stats process posts a forced state in
	 * a server's record (shm_srv.force), then writes a byte on kick_tx;
	 * the checker reads kick_rx and applies what is posted. Valid with
	 * kick_chan set; the roles that do not use an end close it (-1). */
	int kick_chan;
	int kick_rx, kick_tx;
	const char *progname;         /* log tag default ("weir") */
	volatile int stopping;        /* soft stop requested */
};

/* Messages from a child to the master over its socketpair (one byte). */
enum proc_msg {
	PROC_MSG_READY = 'R',         /* set up and serving */
};

#endif
