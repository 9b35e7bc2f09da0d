/*
 * A worker process: its loop, its listeners and accepting. Runs in each
 * worker (and in the single process of -d). Touches in the segment: its
 * own shard block, the GAUGE counters of the records it serves, the
 * header's actconn, and its process slot's heartbeat.
 *
 * Accepting is bounded three ways, each daemon-wide through an atomic in
 * the segment: global `maxconn` (header actconn), the frontend's and the
 * listener's `maxconn` (their scur). A listener at a limit is paused (its
 * event removed) and resumed when a session of this worker ends, or by a
 * short timer, since the slot may be freed by another worker.
 */
#include <errno.h>
#include <event2/event.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weir/lb.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "weir/worker.h"
#include "http-int.h"
#include "worker-int.h"

struct worker *wk_self;

#define WK_RESUME_MS 20      /* how soon a paused listener tries again */
#define WK_MAXACCEPT 64      /* accepts per wake-up: fairness between listeners */

int64_t wk_now_ms(void)
{
	return (int64_t)util_mono_ms();
}

int64_t wk_coarse_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint32_t wk_now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)ts.tv_sec;
}

/* Takes one slot of a daemon-wide limit; 0 means unlimited. */
static int take_slot(uint64_t *ctr, uint32_t limit)
{
	if (!limit) {
		shm_gauge_add(ctr, 1);
		return 0;
	}
	uint64_t cur = __atomic_load_n(ctr, __ATOMIC_RELAXED);
	do {
		if (cur >= limit)
			return -1;
	} while (!__atomic_compare_exchange_n(ctr, &cur, cur + 1, 1, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return 0;
}

static void pause_listener(struct wk_listener *wl)
{
	struct worker *w = wl->w;
	if (!wl->paused) {
		event_del(wl->ev);
		wl->paused = 1;
	}
	if (!w->paused) {
		w->paused = 1;
		struct timeval tv = { 0, WK_RESUME_MS * 1000 };
		evtimer_add(w->resume_timer, &tv);
		shm_gauge_add(&shm_hdr(w->p->shm)->maxconn_reached, 1);
	}
}

void wk_listeners_resume(struct worker *w)
{
	if (!w->paused || w->p->stopping)
		return;
	w->paused = 0;
	for (int i = 0; i < w->nls; i++)
		if (w->ls[i].paused) {
			w->ls[i].paused = 0;
			event_add(w->ls[i].ev, NULL);
		}
}

static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	wk_listeners_resume(arg);
}

/* The three limits, taken in order and given back if a later one fails. */
static int take_limits(struct wk_listener *wl)
{
	void *shm = wl->w->p->shm;
	struct shm_fe *fe = shm_frontend(shm, wl->l->fe);
	struct shm_li *li = shm_listener(shm, wl->l->li);
	if (take_slot(&shm_hdr(shm)->actconn, wl->w->maxconn) < 0)
		return -1;
	if (take_slot(&fe->c.scur, fe->maxconn > 0 ? (uint32_t)fe->maxconn : 0) < 0)
		goto fail_fe;
	if (take_slot(&li->c.scur, li->maxconn > 0 ? (uint32_t)li->maxconn : 0) < 0)
		goto fail_li;
	return 0;
fail_li:
	shm_gauge_add(&fe->c.scur, -1);
fail_fe:
	shm_gauge_add(&shm_hdr(shm)->actconn, -1);
	return -1;
}

static void give_back_limits(struct wk_listener *wl)
{
	void *shm = wl->w->p->shm;
	shm_gauge_add(&shm_listener(shm, wl->l->li)->c.scur, -1);
	shm_gauge_add(&shm_frontend(shm, wl->l->fe)->c.scur, -1);
	shm_gauge_add(&shm_hdr(shm)->actconn, -1);
}

static void accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct wk_listener *wl = arg;
	(void)what;
	for (int i = 0; i < WK_MAXACCEPT && !wl->w->p->stopping; i++) {
		if (take_limits(wl) < 0) {
			pause_listener(wl);
			return;
		}
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			int err = errno;
			give_back_limits(wl);
			if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM)
				pause_listener(wl);
			return;
		}
		sess_accept(wl, cfd, &ss, len);
	}
}

static int setup_listeners(struct worker *w)
{
	struct weir_proc *p = w->p;
	w->ls = xcalloc((size_t)p->nlisteners + 1, sizeof(*w->ls));
	for (int i = 0; i < p->nlisteners; i++) {
		const struct listener *l = &p->listeners[i];
		struct wk_listener *wl = &w->ls[w->nls++];
		wl->w = w;
		wl->l = l;
		wl->fd = l->nfds == 1 ? l->fds[0] : l->fds[p->worker];
		wl->ev = event_new(p->base, wl->fd, EV_READ | EV_PERSIST, accept_cb, wl);
		if (!wl->ev || event_add(wl->ev, NULL) < 0)
			return -1;
	}
	return 0;
}

static void setup_backends(struct worker *w)
{
	struct weir_proc *p = w->p;
	w->nbes = (int)p->layout->nbe;
	w->bes = xcalloc((size_t)w->nbes + 1, sizeof(*w->bes));
	for (int i = 0; i < p->cfg->proxies.n; i++) {
		int be = p->layout->be_of_px[i];
		if (be < 0)
			continue;
		struct wk_be *b = &w->bes[be];
		b->px = p->cfg->proxies.v[i];
		b->be = (uint32_t)be;
		lb_be_init(&b->lb, b->px, p->shm, (uint32_t)be);
	}
}

/* `shutdown sessions server <b>/<s>`: the stats process moves the
 * server's kill_seq and the segment's kill_gen. Each worker looks ten
 * times a second (one load when nothing happened) and closes its sessions
 * on the servers whose count moved, as HAProxy's "K": killed by an admin. */
#define WK_KILL_POLL_MS 100

static void kill_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	void *shm = w->p->shm;
	(void)fd;
	(void)what;
	uint64_t gen = __atomic_load_n(&shm_hdr(shm)->kill_gen, __ATOMIC_ACQUIRE);
	if (gen == w->kill_gen)
		return;
	w->kill_gen = gen;
	uint32_t n = shm_hdr(shm)->nsrv;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = __atomic_load_n(&shm_server(shm, i)->kill_seq, __ATOMIC_RELAXED);
		w->kill_hit[i] = k != w->kill_seen[i];
		w->kill_seen[i] = k;
	}
	for (struct session *s = w->sessions, *next; s; s = next) {
		next = s->next;
		if (s->srv >= 0 && (uint32_t)s->srv < n && w->kill_hit[s->srv]) {
			sess_set_term(s, 'K', 0);
			sess_close(s);
		}
	}
}

/* Starts from the counts as they are: a restarted worker kills nothing
 * that was asked before it ran. */
static int kill_watch(struct worker *w)
{
	void *shm = w->p->shm;
	uint32_t n = shm_hdr(shm)->nsrv;
	w->kill_seen = xcalloc(n ? n : 1, sizeof(*w->kill_seen));
	w->kill_hit = xcalloc(n ? n : 1, 1);
	w->kill_gen = __atomic_load_n(&shm_hdr(shm)->kill_gen, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < n; i++)
		w->kill_seen[i] = __atomic_load_n(&shm_server(shm, i)->kill_seq, __ATOMIC_RELAXED);
	struct timeval tv = { 0, WK_KILL_POLL_MS * 1000 };
	w->kill_timer = event_new(w->p->base, -1, EV_PERSIST, kill_cb, w);
	return w->kill_timer && event_add(w->kill_timer, &tv) == 0 ? 0 : -1;
}

int worker_start(struct weir_proc *p)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	wk_self = w;
	w->p = p;
	w->bufsize = p->cfg->global.tune_bufsize > 0 ? (size_t)p->cfg->global.tune_bufsize : 16384;
	w->scratch = xmalloc(w->bufsize);
	w->bufs = xcalloc(WK_BUFS_KEEP, sizeof(*w->bufs));
	w->maxconn = p->cfg->global.maxconn > 0 ? (uint32_t)p->cfg->global.maxconn : 0;
	w->splice_ok = !p->cfg->global.nosplice;
	w->maxpipes = p->cfg->global.maxpipes > 0 ? p->cfg->global.maxpipes : 64;
	w->pipes = xcalloc((size_t)w->maxpipes * 2 + 2, sizeof(int));
	w->resume_timer = evtimer_new(p->base, resume_cb, w);
	setup_backends(w);
	pool_init(w);
	w->smp_scratch_cap = 4096;
	w->smp_scratch = xmalloc(w->smp_scratch_cap);
	smp_rt_init();
	if (setup_listeners(w) < 0 || kill_watch(w) < 0) {
		log_say(LOG_LVL_ALERT, "worker %d: cannot watch its listeners: %s", p->worker,
			strerror(errno));
		return -1;
	}
	return 0;
}

char *wk_buf_get(struct worker *w)
{
	return w->nbufs ? w->bufs[--w->nbufs] : xmalloc(w->bufsize);
}

void wk_buf_put(struct worker *w, char *buf)
{
	if (!buf)
		return;
	if (w->nbufs < WK_BUFS_KEEP)
		w->bufs[w->nbufs++] = buf;
	else
		free(buf);
}

/* Leaves the loop once the last session is gone (soft stop). */
static void maybe_exit(struct worker *w)
{
	if (w->p->stopping && w->nsess == 0)
		event_base_loopexit(w->p->base, NULL);
}

/* Accepts what waits in a listener's queue before it is closed. */
static void drain_queue(struct wk_listener *wl)
{
	for (int i = 0; i < 4 * WK_MAXACCEPT; i++) {
		if (take_limits(wl) < 0)
			return;
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int cfd = accept4(wl->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			give_back_limits(wl);
			return;
		}
		sess_accept(wl, cfd, &ss, len);
	}
}

void worker_soft_stop(struct weir_proc *p)
{
	struct worker *w = wk_self;
	p->stopping = 1;
	if (!w)
		return;
	for (int i = 0; i < w->nls; i++) {
		/* what is already queued on the socket is served, not lost */
		drain_queue(&w->ls[i]);
		event_del(w->ls[i].ev);
		/* This worker's copy only: the socket stays open in the master
		 * and in the next generation's worker, so nothing is refused. */
		if (w->ls[i].l->nfds > 1 || !p->all_in_one)
			close(w->ls[i].fd);
	}
	w->nls = 0;
	/* idle keep-alive clients close now; busy ones after their response */
	http_soft_stop(w);
	pool_close_all(w);
	maybe_exit(w);
}

void worker_hard_stop(struct weir_proc *p)
{
	struct worker *w = wk_self;
	p->stopping = 1;
	if (!w) {
		event_base_loopexit(p->base, NULL);
		return;
	}
	while (w->sessions) {
		sess_set_term(w->sessions, 'K', 0);
		sess_close(w->sessions);
	}
	event_base_loopexit(p->base, NULL);
}

void wk_session_gone(struct worker *w)
{
	wk_listeners_resume(w);
	maybe_exit(w);
}
