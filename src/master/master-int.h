/*
 * The master's internals, shared by the files of src/master/ only: the
 * children it supervises, the sockets it inherited across a re-exec, and
 * the functions each file exports to the others.
 */
#ifndef WEIR_MASTER_INT_H
#define WEIR_MASTER_INT_H

#include <stdint.h>
#include <sys/types.h>

#include "weir/cli.h"
#include "weir/proc-t.h"

struct event;

/* A child of the current generation. */
struct child {
	pid_t pid;                  /* 0: not running */
	enum shm_role role;
	int worker;                 /* workers: index; else -1 */
	uint32_t slot;              /* its slot in the PROC region */
	int ctl;                    /* the master's end of its socketpair */
	struct event *ctl_ev;
	int ready;
	int64_t started_ms;
	int quick_deaths;           /* consecutive deaths soon after start: backoff */
	struct event *restart_ev;
	struct master *m;
};

/* A process of an earlier generation, still finishing its sessions. */
struct old_proc {
	pid_t pid;
	enum shm_role role;
};

/* Sockets handed over by the previous master image (WEIR_FDS). */
struct inherited {
	int n;
	int *fd;
	char **key;
	int *used;
};

struct master {
	struct weir_proc p;
	const struct cli_opts *o;
	char **argv;                /* as started: the re-exec uses it again */
	char exe[4096];             /* the binary to re-exec (may be upgraded in place) */
	struct child *kids;
	int nkids;
	struct old_proc *old;
	int nold;
	struct event *sig_ev;
	int sigfd;
	int stopping;               /* 1 soft, 2 hard */
	int reloads;
	int failed_reloads;
	uint64_t start_ms;          /* wall clock, survives re-execs */
	int ready_announced;
	int reexeced;               /* this image came from a reload */
	struct event *stop_timer;
	struct event *hard_stop_ev; /* hard-stop-after for the old generation */
	struct event *watch_ev;     /* heartbeat watch */
	int mcli_fd;                /* -S socket, -1 none */
	struct event *mcli_ev;
	char mcli_key[160];
};

/* master.c */
int64_t master_now_ms(void);
void master_all_ready(struct master *m);

/* listen.c: binds every listener and stats socket of m->p.cfg, reusing
 * inherited sockets by address. 0, or -1 after printing why. */
int master_bind_all(struct master *m, struct inherited *inh);
/* steer.c: new connections to our n_new sockets, not the n_old before */
void steer_to_new(const int *fds, int n_old, int n_new);
/* Resolves server host names (the master does it once, before forking). */
int master_resolve_servers(struct master *m);
/* Closes every listening socket of this generation (the master's copies). */
void master_close_listeners(struct master *m);

/* child.c: the stats page's admin channel (p->admin_rx/tx), when a proxy
 * has `stats admin`. 0, or -1 after logging why. */
int master_admin_channel(struct master *m);
/* child.c: the checker's kick pipe (p->kick_rx/tx): the stats process
 * writes a byte after posting a forced state in the segment. */
int master_kick_channel(struct master *m);
/* child.c: forks child c; returns its pid, or -1. */
pid_t master_spawn(struct master *m, struct child *c);
/* Runs every role in this process (-d): returns the exit status. */
int master_run_all_in_one(struct master *m);
/* Drops privileges as `global` says (chroot, group, user). 0 or -1. */
int master_drop_privileges(const struct cfg *cfg);

/* cpumap.c: pins worker w (0-based) as `cpu-map` says. */
void master_apply_cpu_map(const struct cfg *cfg, int w);

/* reload.c */
void master_reload(struct master *m);
/* Reads the environment of a re-exec: inherited sockets, the old segment,
 * the old processes. */
void master_read_inheritance(struct master *m, struct inherited *inh, int *old_shm_fd);
/* -x: takes the listening sockets of a running instance. 0 or -1. */
int master_fetch_sockets(struct master *m, struct inherited *inh);
/* Copies admin states, weights and check states from the old segment to
 * the new one by backend and server name. */
void master_carry_states(struct master *m, int old_shm_fd);

/* mcli.c: serves the master CLI socket (m->mcli_fd). 0 or -1. */
int master_cli_start(struct master *m);
/* listen.c: binds (or inherits) the -S socket. 0 or -1. */
int master_cli_bind(struct master *m, struct inherited *inh);

/* sdnotify.c: one datagram to $NOTIFY_SOCKET (nothing when unset). */
void sd_notify_msg(const char *msg);

#endif
