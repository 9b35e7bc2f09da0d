/*
 * The master process: loads the configuration, raises the file limit,
 * lays out and creates the shared segment, binds every listener, forks the
 * workers, the checker and the stats process, then supervises them. It
 * never touches traffic. Writes in the segment: the header and records at
 * creation, the process table afterwards.
 *
 * A child that dies unexpectedly is logged and restarted, with a backoff
 * when it keeps dying right after start; the others go on serving.
 * Signals (signalfd): SIGUSR2/SIGHUP reload (reload.c), SIGUSR1 soft stop,
 * SIGTERM/SIGINT stop, SIGCHLD reaps.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "weir/cfg.h"
#include "weir/log.h"
#include "weir/master.h"
#include "weir/rule-t.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "master-int.h"

#define RESTART_MIN_MS 100
#define RESTART_MAX_MS 10000
#define QUICK_DEATH_MS 5000      /* dying sooner than this after start backs off */
#define STOP_GRACE_S 5           /* SIGKILL what has not left after a hard stop */
#define STUCK_MS 20000           /* a child whose loop has not beaten for this long is
				  * stuck (an endless loop, a deadlock): it is killed and
				  * restarted. Generous, for sanitizer and valgrind runs */

static struct master *the_master;

int64_t master_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ setup */

struct cfg *master_load_config(const struct cli_opts *o)
{
	struct cfg *cfg = cfg_new();
	cfg->warnings_fatal = o->warnings_fatal;
	cfg->check_only = o->mode == CLI_CHECK;
	cfg->cli_maxconn = o->maxconn;
	cfg->cli_maxconn_default = o->maxconn_default;
	for (int i = 0; i < o->nfiles; i++)
		cfg_load_path(cfg, o->files[i]);
	cfg_finish(cfg);
	if (o->maxconn)
		cfg->global.maxconn = o->maxconn;
	return cfg;
}

static int count_workers(const struct master *m)
{
	const struct cfg_global *g = &m->p.cfg->global;
	if (m->o->debug || m->o->debug_no_background)
		return 1;
	int n = g->nbthread ? g->nbthread : g->nbproc;
	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	return n > SHM_MAX_WORKERS ? SHM_MAX_WORKERS : n;
}

/*
 * Every connection is two descriptors in the worker that holds it, and
 * any one worker may hold them all, so each needs 2 x maxconn plus its
 * listeners, pipes and logs. Without `maxconn`, HAProxy derives it from
 * the file limit; so does weir, capped to keep memory bounded.
 */
static int raise_file_limit(struct master *m)
{
	struct cfg_global *g = &m->p.cfg->global;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	if (g->ulimit_n > 0)
		rl.rlim_cur = rl.rlim_max = (rlim_t)g->ulimit_n;
	else if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)1 << 20)
		rl.rlim_cur = rl.rlim_max;
	else
		rl.rlim_cur = rl.rlim_max = (rlim_t)1 << 20;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		getrlimit(RLIMIT_NOFILE, &rl);
	long spare = 2L * cfg_count_listeners(m->p.cfg) * m->p.nworkers + 2L * (g->maxpipes > 0 ? g->maxpipes : 64) + 200;
	long fit = ((long)rl.rlim_cur - spare) / 2;
	if (!g->maxconn)
		g->maxconn = (int)(fit > 100000 ? 100000 : fit < 1 ? 1 : fit);
	if (g->maxconn > fit) {
		log_say(LOG_LVL_WARNING, "[%s.main()] FD limit (%ld) too low for maxconn=%d; "
			"raise 'ulimit-n' to at least %ld or lower 'maxconn'", m->p.progname,
			(long)rl.rlim_cur, g->maxconn, 2L * g->maxconn + spare);
	}
	return 0;
}

/* ------------------------------------------------------------ children */

static void init_kids(struct master *m)
{
	struct weir_proc *p = &m->p;
	int has_checks = 0, has_servers = 0;
	const struct proxy_conf *px;
	VEC_EACH(&p->cfg->proxies, const struct proxy_conf *, px) {
		const struct server_conf *s;
		VEC_EACH(&px->servers, const struct server_conf *, s) {
			/* a `disabled` server is checked once the operator
			 * enables it; an agent runs without `check` */
			has_checks |= s->check || (s->agent_check && s->agent_port);
			has_servers = 1;
		}
	}
	/* the runtime API forces server states through the checker, the only
	 * writer of operational state, so a stats socket needs one too */
	if (has_servers && (p->nstats || p->admin_chan))
		has_checks = 1;
	m->kids = xcalloc((size_t)p->nworkers + 2, sizeof(*m->kids));
	for (int i = 0; i < p->nworkers; i++)
		m->kids[m->nkids++] = (struct child){ .role = SHM_ROLE_WORKER, .worker = i,
						      .slot = (uint32_t)i + 1 };
	if (has_checks)
		m->kids[m->nkids++] = (struct child){ .role = SHM_ROLE_CHECKER, .worker = -1,
						      .slot = (uint32_t)p->nworkers + 1 };
	if (p->nstats || p->admin_chan)
		m->kids[m->nkids++] = (struct child){ .role = SHM_ROLE_STATS, .worker = -1,
						      .slot = (uint32_t)p->nworkers + 2 };
	for (int i = 0; i < m->nkids; i++) {
		m->kids[i].ctl = -1;
		m->kids[i].m = m;
	}
}

static const char *role_label(enum shm_role r)
{
	return r == SHM_ROLE_WORKER ? "worker" : r == SHM_ROLE_CHECKER ? "checker" : "stats";
}

static void ctl_cb(evutil_socket_t fd, short what, void *arg)
{
	struct child *c = arg;
	char msg;
	(void)what;
	ssize_t n = read(fd, &msg, 1);
	if (n == 1 && msg == PROC_MSG_READY) {
		c->ready = 1;
		master_all_ready(c->m);
		return;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		event_free(c->ctl_ev);
		c->ctl_ev = NULL;
		close(c->ctl);
		c->ctl = -1;
	}
}

static int start_child(struct master *m, struct child *c)
{
	if (master_spawn(m, c) < 0) {
		log_say(LOG_LVL_ALERT, "cannot fork a %s: %s", role_label(c->role), strerror(errno));
		return -1;
	}
	c->ctl_ev = event_new(m->p.base, c->ctl, EV_READ | EV_PERSIST, ctl_cb, c);
	event_add(c->ctl_ev, NULL);
	if (c->role == SHM_ROLE_WORKER)
		log_say(LOG_LVL_NOTICE, "New worker (%d) forked", (int)c->pid);
	return 0;
}

static void restart_cb(evutil_socket_t fd, short what, void *arg)
{
	struct child *c = arg;
	(void)fd, (void)what;
	if (c->m->stopping)
		return;
	shm_proc(c->m->p.shm, c->slot)->restarts++;
	start_child(c->m, c);
}

static void schedule_restart(struct master *m, struct child *c)
{
	int64_t lived = master_now_ms() - c->started_ms;
	c->quick_deaths = lived < QUICK_DEATH_MS ? c->quick_deaths + 1 : 0;
	int64_t delay = RESTART_MIN_MS;
	for (int i = 1; i < c->quick_deaths && delay < RESTART_MAX_MS; i++)
		delay *= 2;
	if (delay > RESTART_MAX_MS)
		delay = RESTART_MAX_MS;
	if (!c->restart_ev)
		c->restart_ev = evtimer_new(m->p.base, restart_cb, c);
	struct timeval tv = { (time_t)(delay / 1000), (suseconds_t)(delay % 1000) * 1000 };
	evtimer_add(c->restart_ev, &tv);
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "exited with code %d (%s)", 128 + WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "exited with code %d (%s)", WEXITSTATUS(status),
			 WEXITSTATUS(status) ? "Exit" : "Exit");
}

static int forget_old(struct master *m, pid_t pid, int status)
{
	for (int i = 0; i < m->nold; i++)
		if (m->old[i].pid == pid) {
			char how[96];
			describe_status(status, how, sizeof(how));
			log_say(LOG_LVL_NOTICE, "Former %s (%d) %s", role_label(m->old[i].role),
				(int)pid, how);
			m->old[i] = m->old[--m->nold];
			return 1;
		}
	return 0;
}

static int live_children(const struct master *m)
{
	int n = m->nold;
	for (int i = 0; i < m->nkids; i++)
		n += m->kids[i].pid > 0;
	return n;
}

static void reap(struct master *m)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (forget_old(m, pid, status))
			continue;
		for (int i = 0; i < m->nkids; i++) {
			struct child *c = &m->kids[i];
			if (c->pid != pid)
				continue;
			c->pid = 0;
			shm_proc(m->p.shm, c->slot)->pid = 0;
			if (c->ctl_ev) {
				event_free(c->ctl_ev);
				c->ctl_ev = NULL;
				close(c->ctl);
				c->ctl = -1;
			}
			if (m->stopping)
				break;
			char how[96];
			describe_status(status, how, sizeof(how));
			log_say(LOG_LVL_ALERT, "Current %s #%d (%d) %s: restarting it",
				role_label(c->role), c->worker + 1, (int)pid, how);
			schedule_restart(m, c);
			break;
		}
	}
	if (m->stopping && live_children(m) == 0)
		event_base_loopexit(m->p.base, NULL);
}

/* ------------------------------------------------------------ heartbeats */

/* Every child's loop stores a heartbeat each second (child.c); a ready
 * child whose heartbeat stopped is alive but serving nothing. */
static void watch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct master *m = arg;
	(void)fd, (void)what;
	int64_t now = (int64_t)util_mono_ms();
	for (int i = 0; i < m->nkids && !m->stopping; i++) {
		struct child *c = &m->kids[i];
		uint64_t beat = __atomic_load_n(&shm_proc(m->p.shm, c->slot)->heartbeat,
						__ATOMIC_RELAXED);
		if (c->pid <= 0 || !c->ready || !beat || now - (int64_t)beat < STUCK_MS)
			continue;
		log_say(LOG_LVL_ALERT, "%s #%d (%d) has not answered for %lld s: killing it",
			role_label(c->role), c->worker + 1, (int)c->pid,
			(long long)((now - (int64_t)beat) / 1000));
		kill(c->pid, SIGKILL);
	}
}

static void start_watch(struct master *m)
{
	m->watch_ev = event_new(m->p.base, -1, EV_PERSIST, watch_cb, m);
	struct timeval tv = { 2, 0 };
	event_add(m->watch_ev, &tv);
}

/* ------------------------------------------------------------ stopping */

static void signal_kids(struct master *m, int wsig, int osig)
{
	for (int i = 0; i < m->nkids; i++)
		if (m->kids[i].pid > 0)
			kill(m->kids[i].pid, m->kids[i].role == SHM_ROLE_WORKER ? wsig : osig);
	for (int i = 0; i < m->nold; i++)
		kill(m->old[i].pid, m->old[i].role == SHM_ROLE_WORKER ? wsig : osig);
}

static void kill_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	signal_kids(arg, SIGKILL, SIGKILL);
}

static void hard_stop_after_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	signal_kids(arg, SIGTERM, SIGTERM);
}

/* hard-stop-after, counted from a reload: the previous generation's
 * processes that still hold sessions are told to close them now. */
static void old_hard_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct master *m = arg;
	(void)fd, (void)what;
	for (int i = 0; i < m->nold; i++) {
		log_say(LOG_LVL_WARNING, "hard-stop-after: former %s (%d) still running, closing "
			"its sessions", role_label(m->old[i].role), (int)m->old[i].pid);
		kill(m->old[i].pid, SIGTERM);
	}
}

static void stop(struct master *m, int hard)
{
	if (m->stopping >= (hard ? 2 : 1))
		return;
	m->stopping = hard ? 2 : 1;
	sd_notify_msg("STOPPING=1");
	signal_kids(m, hard ? SIGTERM : SIGUSR1, SIGTERM);
	/* Out of the SO_REUSEPORT group at once: a socket nobody accepts on
	 * would still get its share of new connections (an instance started
	 * with -sf is binding beside this one), and lose them at exit. The
	 * workers drain what is queued and close their copies too. */
	master_close_listeners(m);
	m->stop_timer = evtimer_new(m->p.base, hard ? kill_cb : hard_stop_after_cb, m);
	int after = m->p.cfg->global.hard_stop_after;
	struct timeval tv = { hard || after <= 0 ? STOP_GRACE_S : after / 1000,
			      hard || after <= 0 ? 0 : (after % 1000) * 1000 };
	if (hard || after > 0)
		evtimer_add(m->stop_timer, &tv);
	if (live_children(m) == 0)
		event_base_loopexit(m->p.base, NULL);
}

static void signal_cb(evutil_socket_t fd, short what, void *arg)
{
	struct master *m = arg;
	struct signalfd_siginfo si;
	(void)what;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD: reap(m); break;
		case SIGUSR2:
		case SIGHUP:
			if (!m->stopping)
				master_reload(m);
			break;
		case SIGUSR1: stop(m, 0); break;
		default: stop(m, 1); break;
		}
	}
}

static int watch_signals(struct master *m)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = { SIGCHLD, SIGUSR1, SIGUSR2, SIGHUP, SIGTERM, SIGINT, SIGQUIT };
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	m->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (m->sigfd < 0)
		return -1;
	m->sig_ev = event_new(m->p.base, m->sigfd, EV_READ | EV_PERSIST, signal_cb, m);
	return event_add(m->sig_ev, NULL);
}

/* ------------------------------------------------------------ readiness */

static void signal_previous(struct master *m)
{
	for (int i = 0; i < m->o->nstop_pids; i++)
		kill(m->o->stop_pids[i], m->o->hard_stop ? SIGTERM : SIGUSR1);
}

/* The generation serves once every child said so: tell systemd, let the
 * old generation go. */
void master_all_ready(struct master *m)
{
	for (int i = 0; i < m->nkids; i++)
		if (m->kids[i].pid > 0 && !m->kids[i].ready)
			return;
	if (m->ready_announced)
		return;
	m->ready_announced = 1;
	char msg[128];
	snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%d\nSTATUS=Ready.\n", (int)getpid());
	sd_notify_msg(msg);
	log_say(LOG_LVL_NOTICE, "Loading success.");
	if (!m->reexeced) {
		signal_previous(m);
		return;
	}
	for (int i = 0; i < m->nold; i++)
		kill(m->old[i].pid, m->old[i].role == SHM_ROLE_WORKER ? SIGUSR1 : SIGTERM);
	int after = m->p.cfg->global.hard_stop_after;
	if (after > 0 && m->nold) {
		m->hard_stop_ev = evtimer_new(m->p.base, old_hard_stop_cb, m);
		struct timeval tv = { after / 1000, (after % 1000) * 1000 };
		evtimer_add(m->hard_stop_ev, &tv);
	}
}

/* ------------------------------------------------------------ daemon mode */

static int daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	int fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static void write_pidfile(const struct master *m)
{
	const char *path = m->o->pidfile ? m->o->pidfile : m->p.cfg->global.pidfile;
	if (!path)
		return;
	FILE *f = fopen(path, "w");
	if (!f) {
		log_say(LOG_LVL_WARNING, "cannot write pidfile '%s': %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

/* ------------------------------------------------------------ main */

static int create_segment(struct master *m, int old_shm_fd)
{
	struct weir_proc *p = &m->p;
	p->layout = xcalloc(1, sizeof(*p->layout));
	if (shm_layout_compute(p->cfg, p->nworkers, p->layout) < 0) {
		log_say(LOG_LVL_ALERT, "cannot lay out the shared segment: %s", p->layout->error);
		return -1;
	}
	p->layout->generation = p->generation;
	if (shm_create(p->layout, &p->seg) < 0) {
		log_say(LOG_LVL_ALERT, "cannot create the shared segment (%llu bytes): %s",
			(unsigned long long)p->layout->size, strerror(errno));
		return -1;
	}
	p->shm = p->seg.base;
	if (old_shm_fd >= 0)
		master_carry_states(m, old_shm_fd);
	return 0;
}

static int load(struct master *m)
{
	m->p.cfg = master_load_config(m->o);
	cfg_print_diags(m->p.cfg, stderr);
	if (m->p.cfg->nalerts) {
		log_say(LOG_LVL_ALERT, "Fatal errors found in configuration.");
		return -1;
	}
	if (cfg_count_listeners(m->p.cfg) == 0) {
		/* HAProxy's words and status when starting (check mode says exit 2) */
		log_say(LOG_LVL_ALERT, "No enabled listener found (check for 'bind' directives) ! "
			"Exiting.");
		return -1;
	}
	return 0;
}

static void master_free(struct master *m)
{
	for (int i = 0; i < m->nkids; i++) {
		if (m->kids[i].restart_ev)
			event_free(m->kids[i].restart_ev);
		if (m->kids[i].ctl_ev)
			event_free(m->kids[i].ctl_ev);
		if (m->kids[i].ctl >= 0)
			close(m->kids[i].ctl);
	}
	free(m->kids);
	free(m->old);
	if (m->stop_timer)
		event_free(m->stop_timer);
	if (m->hard_stop_ev)
		event_free(m->hard_stop_ev);
	if (m->sig_ev)
		event_free(m->sig_ev);
	if (m->mcli_ev)
		event_free(m->mcli_ev);
	if (m->watch_ev)
		event_free(m->watch_ev);
	if (m->mcli_fd >= 0)
		close(m->mcli_fd);
	master_close_listeners(m);
	for (int i = 0; i < m->p.nlisteners; i++)
		free(m->p.listeners[i].fds);
	free(m->p.listeners);
	free(m->p.stats);
	shm_destroy(&m->p.seg);
	if (m->p.layout)
		shm_layout_release(m->p.layout);
	free(m->p.layout);
	if (m->p.base)
		event_base_free(m->p.base);
	log_deinit();
	cfg_free(m->p.cfg);
}

static int run(struct master *m)
{
	struct weir_proc *p = &m->p;
	if (master_admin_channel(m) < 0 || master_kick_channel(m) < 0)
		return 1;
	if (m->o->debug || m->o->debug_no_background)
		return master_run_all_in_one(m);
	if (m->o->daemon && !m->reexeced && daemonize() < 0)
		return 1;
	write_pidfile(m);
	shm_proc(p->shm, 0)->pid = (int32_t)getpid();
	if (watch_signals(m) < 0)
		return 1;
	init_kids(m);
	if (master_cli_start(m) < 0)
		return 1;
	start_watch(m);
	for (int i = 0; i < m->nkids; i++)
		if (start_child(m, &m->kids[i]) < 0)
			return 1;
	event_base_dispatch(p->base);
	log_say(LOG_LVL_NOTICE, "%s master (%d) exiting", p->progname, (int)getpid());
	return 0;
}

/*
 * A reload or stop signal that comes while we still load and bind (a
 * second -sf in a row, a quick systemctl reload) must not kill us with
 * the default action, the steering program aimed at our sockets and
 * connections queued on them: it waits, blocked, for the signalfd that
 * run() reads. SIGTERM and SIGINT keep their default until then.
 */
static void hold_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int master_main(const struct cli_opts *o, char **argv)
{
	static struct master m;
	struct inherited inh = { 0 };
	int old_shm_fd = -1;
	the_master = &m;
	m.o = o;
	m.argv = argv;
	m.p.worker = -1;
	m.p.ctl_fd = -1;
	m.sigfd = -1;
	m.mcli_fd = -1;
	const char *slash = strrchr(argv[0], '/');
	m.p.progname = slash ? slash + 1 : argv[0];
	ssize_t n = readlink("/proc/self/exe", m.exe, sizeof(m.exe) - 1);
	if (n <= 0)
		snprintf(m.exe, sizeof(m.exe), "%s", argv[0]);
	else
		m.exe[n] = '\0';
	m.start_ms = (uint64_t)master_now_ms();
	hold_signals();
	master_read_inheritance(&m, &inh, &old_shm_fd);
	int rc = load(&m);
	if (rc == 0 && !m.reexeced && o->xfer_socket && master_fetch_sockets(&m, &inh) < 0)
		rc = -1;
	if (rc < 0) {
		master_free(&m);
		return 1;
	}
	log_init(m.p.cfg, m.p.progname);
	m.p.nworkers = count_workers(&m);
	m.p.base = event_base_new();
	if (!m.p.base || master_resolve_servers(&m) < 0 || create_segment(&m, old_shm_fd) < 0 ||
	    raise_file_limit(&m) < 0 || master_bind_all(&m, &inh) < 0) {
		master_free(&m);
		return 1;
	}
	if (old_shm_fd >= 0)
		close(old_shm_fd);
	for (int i = 0; i < inh.n; i++)
		free(inh.key[i]);
	free(inh.key), free(inh.fd), free(inh.used);
	rc = run(&m);
	master_free(&m);
	return rc;
}
