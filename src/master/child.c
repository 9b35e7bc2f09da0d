/*
 * Forking a child and what the child does before it serves: it asks to
 * be told when the master dies, keeps only the descriptors its role needs,
 * opens its log sockets, drops privileges (chroot, group, user), starts its
 * role on a loop of its own, tells the master it is ready, and runs.
 *
 * Signals arrive through a signalfd in every process: nothing runs in a
 * signal handler, and a child cannot be confused by handlers or libevent
 * state inherited from the master. Workers: SIGUSR1 soft stop (finish the
 * sessions, then exit), SIGTERM/SIGINT close now. Checker and stats exit
 * on either.
 */
#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "weir/checker.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/stats.h"
#include "weir/util.h"
#include "weir/worker.h"
#include "master-int.h"

int master_drop_privileges(const struct cfg *cfg)
{
	const struct cfg_global *g = &cfg->global;
	gid_t gid = g->gid >= 0 ? (gid_t)g->gid : (gid_t)-1;
	uid_t uid = g->uid >= 0 ? (uid_t)g->uid : (uid_t)-1;
	if (g->group) {
		struct group *gr = getgrnam(g->group);
		if (!gr) {
			log_say(LOG_LVL_ALERT, "cannot find group '%s'", g->group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (g->user) {
		struct passwd *pw = getpwnam(g->user);
		if (!pw) {
			log_say(LOG_LVL_ALERT, "cannot find user '%s'", g->user);
			return -1;
		}
		uid = pw->pw_uid;
		if (gid == (gid_t)-1)
			gid = pw->pw_gid;
	}
	if (g->chroot && (chroot(g->chroot) < 0 || chdir("/") < 0)) {
		log_say(LOG_LVL_ALERT, "cannot chroot to '%s': %s", g->chroot, strerror(errno));
		return -1;
	}
	if (gid != (gid_t)-1 && (setgroups(0, NULL) < 0 || setgid(gid) < 0)) {
		log_say(LOG_LVL_ALERT, "cannot set group id to %d: %s", (int)gid, strerror(errno));
		return -1;
	}
	if (uid != (uid_t)-1 && setuid(uid) < 0) {
		log_say(LOG_LVL_ALERT, "cannot set user id to %d: %s", (int)uid, strerror(errno));
		return -1;
	}
	/* a worker that dumps core after setuid would leave none otherwise */
	if (cfg->global.set_dumpable)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

/* ------------------------------------------------------------ signals */

struct sig_ctx {
	struct weir_proc *p;
	struct event *ev;
	int fd;
};

static void child_signal_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sig_ctx *sc = arg;
	struct signalfd_siginfo si;
	(void)what;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int soft = si.ssi_signo == SIGUSR1;
		if (sc->p->role == SHM_ROLE_WORKER || sc->p->all_in_one) {
			if (soft)
				worker_soft_stop(sc->p);
			else
				worker_hard_stop(sc->p);
			if (sc->p->all_in_one && soft)
				continue;
		}
		if (sc->p->role != SHM_ROLE_WORKER)
			event_base_loopexit(sc->p->base, NULL);
	}
}

static struct sig_ctx *watch_signals(struct weir_proc *p)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	struct sig_ctx *sc = xcalloc(1, sizeof(*sc));
	sc->p = p;
	sc->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	sc->ev = event_new(p->base, sc->fd, EV_READ | EV_PERSIST, child_signal_cb, sc);
	event_add(sc->ev, NULL);
	return sc;
}

/* ------------------------------------------------------------ heartbeat */

/* Every second, from the loop itself: a slot whose heartbeat stops moving
 * belongs to a stuck process, one whose pid is gone to a dead one. */
static void beat_cb(evutil_socket_t fd, short what, void *arg)
{
	struct weir_proc *p = arg;
	(void)fd, (void)what;
	__atomic_store_n(&shm_proc(p->shm, p->slot)->heartbeat, util_mono_ms(), __ATOMIC_RELAXED);
	__atomic_store_n(&shm_proc(p->shm, p->slot)->log_drops, log_dropped(), __ATOMIC_RELAXED);
}

static struct event *start_heartbeat(struct weir_proc *p)
{
	struct event *ev = event_new(p->base, -1, EV_PERSIST, beat_cb, p);
	struct timeval tv = { 1, 0 };
	event_add(ev, &tv);
	beat_cb(-1, 0, p);
	return ev;
}

/* ------------------------------------------------------------ the child */

/* epoll with libevent's changelist: the changes a callback makes to one
 * descriptor (a connect's write interest turning into read interest)
 * reach the kernel as one epoll_ctl at the next wait, not one each. */
static struct event_base *new_loop(void)
{
	struct event_config *ec = event_config_new();
	if (!ec)
		return NULL;
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	struct event_base *b = event_base_new_with_config(ec);
	event_config_free(ec);
	return b ? b : event_base_new();
}

/* Keeps what the role needs: workers their listeners, stats its sockets. */
static void close_foreign_fds(struct master *m, struct child *self)
{
	struct weir_proc *p = &m->p;
	for (int i = 0; i < m->nkids; i++)
		if (m->kids[i].ctl >= 0 && &m->kids[i] != self)
			close(m->kids[i].ctl);
	close(m->sigfd);
	if (m->mcli_fd >= 0)
		close(m->mcli_fd);
	int exposes = 0;
	for (int i = 0; i < p->nstats; i++)
		exposes |= p->stats[i].bind->expose_fd_listeners;
	/* stats keeps them for `_getsocks` when a socket exposes them */
	if (self->role != SHM_ROLE_WORKER && !(self->role == SHM_ROLE_STATS && exposes))
		for (int i = 0; i < p->nlisteners; i++)
			for (int w = 0; w < p->listeners[i].nfds; w++)
				close(p->listeners[i].fds[w]);
	if (self->role != SHM_ROLE_STATS)
		for (int i = 0; i < p->nstats; i++)
			close(p->stats[i].fd);
	if (self->role != SHM_ROLE_STATS && p->admin_chan && p->admin_rx >= 0) {
		close(p->admin_rx);
		p->admin_rx = -1;
	}
	if (self->role != SHM_ROLE_WORKER && p->admin_chan && p->admin_tx >= 0) {
		close(p->admin_tx);
		p->admin_tx = -1;
	}
	if (self->role != SHM_ROLE_CHECKER && p->kick_chan && p->kick_rx >= 0) {
		close(p->kick_rx);
		p->kick_rx = -1;
	}
	if (self->role != SHM_ROLE_STATS && p->kick_chan && p->kick_tx >= 0) {
		close(p->kick_tx);
		p->kick_tx = -1;
	}
}

/* Like the admin channel: one per generation, kept by the master so a
 * restarted checker or stats process inherits it. Both ends non-blocking:
 * a full pipe only means a kick is already pending. */
int master_kick_channel(struct master *m)
{
	int fds[2];
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) {
		log_say(LOG_LVL_ALERT, "cannot create the checker's kick pipe: %s", strerror(errno));
		return -1;
	}
	m->p.kick_chan = 1;
	m->p.kick_rx = fds[0];
	m->p.kick_tx = fds[1];
	return 0;
}

/* Created once per generation and kept by the master, so a restarted
 * worker or stats process inherits the same pair; SOCK_CLOEXEC drops it at
 * a reload's re-exec (the new generation makes its own). Packets, so one
 * form is one message whatever its size. */
int master_admin_channel(struct master *m)
{
	int sv[2];
	if (!stats_admin_configured(m->p.cfg))
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
		log_say(LOG_LVL_ALERT, "cannot create the stats admin channel: %s", strerror(errno));
		return -1;
	}
	/* room for a full tune.bufsize form from every worker at once */
	int sz = 1 << 20;
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	m->p.admin_chan = 1;
	m->p.admin_rx = sv[0];
	m->p.admin_tx = sv[1];
	return 0;
}

static int start_role(struct weir_proc *p)
{
	switch (p->role) {
	case SHM_ROLE_WORKER: return worker_start(p);
	case SHM_ROLE_CHECKER: return checker_start(p);
	case SHM_ROLE_STATS: return stats_start(p);
	default: return -1;
	}
}

static const char *role_name(enum shm_role r)
{
	return r == SHM_ROLE_WORKER ? "worker" : r == SHM_ROLE_CHECKER ? "checker" : "stats";
}

static void __attribute__((noreturn)) child_main(struct master *m, struct child *c, int ctl)
{
	struct weir_proc *p = &m->p;
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	close_foreign_fds(m, c);
	p->role = c->role;
	p->worker = c->worker;
	p->slot = c->slot;
	p->ctl_fd = ctl;
	if (c->role == SHM_ROLE_WORKER)
		master_apply_cpu_map(p->cfg, c->worker);
	/* the master's loop stays untouched: its epoll set is shared with us */
	p->base = new_loop();
	log_init(p->cfg, p->progname);
	if (!p->base || master_drop_privileges(p->cfg) < 0)
		_exit(1);
	struct sig_ctx *sc = watch_signals(p);
	if (start_role(p) < 0) {
		log_say(LOG_LVL_ALERT, "%s %d could not start", role_name(p->role), (int)getpid());
		_exit(1);
	}
	struct event *beat = start_heartbeat(p);
	char msg = PROC_MSG_READY;
	if (write(ctl, &msg, 1) != 1)
		_exit(1);
	event_base_dispatch(p->base);
	event_free(beat);
	event_free(sc->ev);
	close(sc->fd);
	free(sc);
	log_deinit();
	exit(0);
}

pid_t master_spawn(struct master *m, struct child *c)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(m, c, sv[1]);
	}
	close(sv[1]);
	c->ctl = sv[0];
	c->pid = pid;
	c->ready = 0;
	c->started_ms = master_now_ms();
	struct shm_proc *sp = shm_proc(m->p.shm, c->slot);
	sp->pid = (int32_t)pid;
	sp->start_ms = (uint64_t)master_now_ms();
	return pid;
}

/* ------------------------------------------------------------ -d */

int master_run_all_in_one(struct master *m)
{
	struct weir_proc *p = &m->p;
	p->all_in_one = 1;
	p->worker = 0;
	p->slot = 1;
	p->role = SHM_ROLE_WORKER;
	if (master_drop_privileges(p->cfg) < 0)
		return 1;
	struct sig_ctx *sc = watch_signals(p);
	if (worker_start(p) < 0)
		return 1;
	p->role = SHM_ROLE_CHECKER;
	int rc = checker_start(p);
	p->role = SHM_ROLE_STATS;
	if (rc == 0 && (p->nstats || p->admin_chan))
		rc = stats_start(p);
	p->role = SHM_ROLE_NONE;
	if (rc < 0)
		return 1;
	shm_proc(p->shm, 1)->pid = (int32_t)getpid();
	log_say(LOG_LVL_NOTICE, "all roles running in process %d (debug mode)", (int)getpid());
	struct event *beat = start_heartbeat(p);
	event_base_dispatch(p->base);
	event_free(beat);
	event_free(sc->ev);
	close(sc->fd);
	free(sc);
	return 0;
}
