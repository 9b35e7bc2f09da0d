/*
 * A TCP session in a worker: from accept to close. Choosing the backend,
 * taking a server slot (or waiting in the backend's queue), connecting
 * with `retries` and `option redispatch`, handing the two connections to
 * the relay (relay.c), then counting, logging and freeing.
 *
 * Touches in the segment: this worker's shards (plain stores), the
 * records' GAUGE counters (scur, qcur: atomics) and the servers' slots
 * through lb_take/lb_release_slot.
 */
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "weir/cfg.h"
#include "weir/lb.h"
#include "weir/log.h"
#include "weir/rule-t.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "http-int.h"
#include "worker-int.h"

#define TURNAROUND_MS 1000   /* HAProxy's pause before retrying a refused connect */
#define QUEUE_POLL_MS 5      /* a queued session retries this often: slots can be
			      * freed by another worker, which cannot tell us */

static void try_connect(struct session *s);

/* The session cannot go on: a TCP session closes, an HTTP one answers
 * `status` (the backend's error page) first. */
static void sess_abort(struct session *s, char cause, char phase, int status)
{
	if (s->txn) {
		http_fail(s, status, cause, phase);
		return;
	}
	sess_set_term(s, cause, phase);
	sess_close(s);
}

/* An HTTP session outside a server step: its transaction says. */
static int http_step(const struct session *s)
{
	return s->txn && !s->txn->tunnel &&
	       (s->state == SESS_INIT || s->state == SESS_ESTABLISHED || s->txn->tarpit);
}

/* ------------------------------------------------------------ timeouts */

static int tmo(int v)
{
	return v > 0 ? v : 0;    /* TIME_UNSET and 0: no timeout */
}

/* The earliest deadline of the session's current step, 0 for none. */
static int64_t deadline(const struct session *s)
{
	if (http_step(s))
		return http_deadline(s);
	switch (s->state) {
	case SESS_QUEUED:
	case SESS_CONNECTING:
	case SESS_TURNAROUND:
	case SESS_INSPECT:
		return s->deadline_state;
	case SESS_ESTABLISHED:
		return relay_deadline(s);
	default:
		return 0;
	}
}

static void tmo_cb(evutil_socket_t fd, short what, void *arg);
static void tmo_step(struct session *s, int64_t now);

/* Arms the timer for the current deadline. Activity only moves stamps
 * (relay.c), so this runs when the step changes or the timer fires early. */
void sess_arm_timer(struct session *s)
{
	int64_t d = deadline(s);
	if (!d) {
		evtimer_del(s->tmo);
		return;
	}
	int64_t left = d - wk_coarse_ms();
	if (left < 0)
		left = 0;
	struct timeval tv = { (time_t)(left / 1000), (suseconds_t)(left % 1000) * 1000 };
	evtimer_add(s->tmo, &tv);
}

void sess_set_term(struct session *s, char cause, char phase)
{
	if (s->term[0] != '-' || s->term[1] != '-')
		return;    /* the first cause wins */
	if (cause)
		s->term[0] = cause;
	if (phase)
		s->term[1] = phase;
}

static void tmo_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	(void)fd, (void)what;
	int64_t now = wk_coarse_ms();
	if (http_step(s)) {
		sess_hold(s);
		if (!http_expired(s, now) && !SESS_GONE(s))
			sess_arm_timer(s);
		sess_release(s);
		return;
	}
	if (s->txn) {
		sess_hold(s);
		tmo_step(s, now);
		sess_release(s);
		return;
	}
	tmo_step(s, now);
}

/* The timer of a session in a server step (queue, connect, turn-around)
 * or relaying. */
static void tmo_step(struct session *s, int64_t now)
{
	switch (s->state) {
	case SESS_QUEUED:
		if (now >= s->deadline_state) {
			s->tw = wk_now_ms() - s->t_queue_start;
			sess_abort(s, 's', 'Q', 503);
			return;
		}
		break;
	case SESS_CONNECTING:
		if (now >= s->deadline_state) {
			/* a connect timeout counts as a failed attempt */
			sess_connect_failed(s, 1);
			return;
		}
		break;
	case SESS_TURNAROUND:
		if (now >= s->deadline_state) {
			try_connect(s);
			return;
		}
		break;
	case SESS_ESTABLISHED:
		if (relay_expired(s, now))
			return;   /* freed */
		break;
	case SESS_INSPECT:
		if (now >= s->deadline_state) {
			sess_hold(s);
			inspect_expired(s);
			sess_release(s);
			return;
		}
		break;
	default:
		return;
	}
	sess_arm_timer(s);
}

/* ------------------------------------------------------------ counters */

static void *shard_fe(struct session *s)
{
	return shm_fe_shard(s->w->p->shm, (uint32_t)s->w->p->worker, s->fe_rec);
}

static void count_accept(struct session *s)
{
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker, now = wk_now_sec();
	struct shm_fe_shard *fs = shard_fe(s);
	struct shm_li_shard *ls = shm_li_shard(shm, wk, s->wl->l->li);
	struct shm_fe *fe = shm_frontend(shm, s->fe_rec);
	shm_shard_add(&fs->stot, 1);
	shm_shard_add(&fs->conn_tot, 1);
	shm_freq_add(&fs->rate, now, 1);
	shm_freq_add(&fs->conn_rate, now, 1);
	shm_shard_add(&ls->stot, 1);
	shm_gmax(&fe->c.smax, __atomic_load_n(&fe->c.scur, __ATOMIC_RELAXED));
	struct shm_li *li = shm_listener(shm, s->wl->l->li);
	shm_gmax(&li->c.smax, __atomic_load_n(&li->c.scur, __ATOMIC_RELAXED));
}

static void count_backend_session(struct session *s)
{
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker, now = wk_now_sec();
	struct shm_be *be = shm_backend(shm, s->be->be);
	struct shm_be_shard *bs = shm_be_shard(shm, wk, s->be->be);
	shm_gauge_add(&be->c.scur, 1);
	shm_gmax(&be->c.smax, __atomic_load_n(&be->c.scur, __ATOMIC_RELAXED));
	shm_shard_add(&bs->stot, 1);
	shm_freq_add(&bs->rate, now, 1);
}

static void count_server_session(struct session *s)
{
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker, now = wk_now_sec();
	struct shm_srv_shard *ss = shm_srv_shard(shm, wk, (uint32_t)s->srv);
	struct shm_be_shard *bs = shm_be_shard(shm, wk, s->be->be);
	shm_shard_add(&ss->stot, 1);
	shm_shard_add(&ss->lbtot, 1);
	shm_freq_add(&ss->rate, now, 1);
	shm_shard_add(&bs->lbtot, 1);
	/* lastsess holds the wall-clock second of the last session; stats
	 * prints its age */
	uint64_t wall = (uint64_t)time(NULL);
	shm_shard_max(&ss->lastsess, wall);
	shm_shard_max(&bs->lastsess, wall);
}

/* HAProxy's time statistics of a session (an HTTP transaction) that
 * reached a server: its queue, connect, response (0 in TCP) and total
 * times in ms go into the running means (qtime, ctime, rtime, ttime) and
 * the maxima of its server and backend. One that never connected, or got
 * no response, counts nothing: HAProxy's "successful connections". Plain
 * stores into this worker's shards, no atomic read-modify-write. */
void sess_time_stats(struct session *s, long tw, long tc, long tr, long tt)
{
	if (s->srv < 0 || !s->be || tc < 0 || tr < 0 || tt < 0)
		return;
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker;
	struct shm_srv_shard *ss = shm_srv_shard(shm, wk, (uint32_t)s->srv);
	struct shm_be_shard *bs = shm_be_shard(shm, wk, s->be->be);
	uint64_t q = tw > 0 ? (uint64_t)tw : 0, c = (uint64_t)tc, r = (uint64_t)tr, t = (uint64_t)tt;
	shm_avg_add(&ss->qtime, q);
	shm_avg_add(&ss->ctime, c);
	shm_avg_add(&ss->rtime, r);
	shm_avg_add(&ss->ttime, t);
	shm_avg_add(&bs->qtime, q);
	shm_avg_add(&bs->ctime, c);
	shm_avg_add(&bs->rtime, r);
	shm_avg_add(&bs->ttime, t);
	shm_shard_max(&ss->qtime_max, q);
	shm_shard_max(&ss->ctime_max, c);
	shm_shard_max(&ss->rtime_max, r);
	shm_shard_max(&ss->ttime_max, t);
	shm_shard_max(&bs->qtime_max, q);
	shm_shard_max(&bs->ctime_max, c);
	shm_shard_max(&bs->rtime_max, r);
	shm_shard_max(&bs->ttime_max, t);
}

/* ------------------------------------------------------------ logging */

/* The address the client connected to, asked of the kernel only when a
 * log line or a relative server port needs it: one syscall saved per
 * connection otherwise. */
const struct sockaddr_storage *sess_frontend_addr(struct session *s)
{
	if (!s->frt_addr.ss_family) {
		socklen_t len = sizeof(s->frt_addr);
		if (s->cli.fd < 0 || getsockname(s->cli.fd, (struct sockaddr *)&s->frt_addr, &len) < 0)
			memset(&s->frt_addr, 0, sizeof(s->frt_addr));
	}
	return &s->frt_addr;
}

void sess_fill_log(struct session *s, struct log_sess *ls, int64_t now)
{
	void *shm = s->w->p->shm;
	memset(ls, 0, sizeof(*ls));
	ls->cli = s->cli_addr;
	ls->frt = *sess_frontend_addr(s);
	ls->srv = s->srv_addr;
	ls->fe_name = s->fe->name;
	ls->be_name = s->be ? s->be->px->name : NULL;
	ls->srv_name = s->srv_conf ? s->srv_conf->name : NULL;
	ls->accept_date = ls->request_date = s->accept_date;
	ls->t_handshake = 0;
	ls->t_idle = -1;
	ls->t_request = -1;
	ls->t_queue = s->tw;
	ls->t_connect = s->tc;
	ls->t_response = -1;
	ls->t_total = now - s->t_accept;
	ls->t_active = ls->t_total;
	ls->bytes_in = s->bytes_in;
	ls->bytes_out = s->bytes_out;
	memcpy(ls->term, s->term, 2);
	ls->actconn = (int)__atomic_load_n(&shm_hdr(shm)->actconn, __ATOMIC_RELAXED);
	ls->feconn = (int)__atomic_load_n(&shm_frontend(shm, s->fe_rec)->c.scur, __ATOMIC_RELAXED);
	/* HAProxy logs once the stream has left its backend and server, so
	 * %bc and %sc do not count the session being logged */
	if (s->be)
		ls->beconn = (int)__atomic_load_n(&shm_backend(shm, s->be->be)->c.scur,
						  __ATOMIC_RELAXED) - s->be_counted;
	if (s->srv >= 0)
		ls->srvconn = (int)__atomic_load_n(&shm_server(shm, (uint32_t)s->srv)->c.scur,
						   __ATOMIC_RELAXED) - s->has_slot;
	ls->beconn = ls->beconn < 0 ? 0 : ls->beconn;
	ls->srvconn = ls->srvconn < 0 ? 0 : ls->srvconn;
	ls->retries = s->retries;
	ls->redispatched = s->redispatched;
	ls->status = -1;
}

static void log_session(struct session *s)
{
	const struct proxy_conf *fe = s->fe;
	if (!fe->log_format_c || !fe->logs.n || s->nolog)
		return;
	if ((fe->options >> PX_OPT_DONTLOGNULL & 1) && s->bytes_in == 0 && s->bytes_out == 0)
		return;
	int err = s->term[0] != '-' || s->term[1] != '-';
	if ((fe->options >> PX_OPT_DONTLOG_NORMAL & 1) && !err)
		return;
	struct log_sess ls;
	char line[2048];
	sess_fill_log(s, &ls, wk_now_ms());
	int n = logfmt_build(fe->log_format_c, &ls, line, sizeof(line));
	if (n < 0)
		return;
	int lvl = err && (fe->options >> PX_OPT_LOG_SEPARATE_ERRORS & 1) ? LOG_LVL_ERR : LOG_LVL_INFO;
	log_emit(&fe->logs, lvl, line, (size_t)n);
}

/* ------------------------------------------------------------ close */

static void free_events(struct session *s)
{
	struct event **evs[] = { &s->cli_rd, &s->cli_wr, &s->srv_rd, &s->srv_wr, &s->tmo };
	for (size_t i = 0; i < ARRAY_SIZE(evs); i++)
		if (*evs[i]) {
			event_free(*evs[i]);
			*evs[i] = NULL;
		}
}

static void dequeue(struct session *s)
{
	struct wk_be *be = s->be;
	struct session **pp = &be->q_head, *prev = NULL;
	while (*pp && *pp != s) {
		prev = *pp;
		pp = &(*pp)->q_next;
	}
	if (!*pp)
		return;
	*pp = s->q_next;
	if (be->q_tail == s)
		be->q_tail = prev;
	s->q_next = NULL;
	be->qlen--;
	shm_gauge_add(&shm_backend(s->w->p->shm, be->be)->c.qcur, -1);
}

static void release_counts(struct session *s)
{
	void *shm = s->w->p->shm;
	shm_gauge_add(&shm_listener(shm, s->wl->l->li)->c.scur, -1);
	shm_gauge_add(&shm_frontend(shm, s->fe_rec)->c.scur, -1);
	shm_gauge_add(&shm_hdr(shm)->actconn, -1);
	if (s->be_counted)
		shm_gauge_add(&shm_backend(shm, s->be->be)->c.scur, -1);
	if (s->has_slot) {
		lb_release_slot(shm, (uint32_t)s->srv);
		s->has_slot = 0;
	}
}

static void count_aborts(struct session *s)
{
	if (!s->be)
		return;
	uint32_t wk = (uint32_t)s->w->p->worker;
	void *shm = s->w->p->shm;
	struct shm_be_shard *bs = shm_be_shard(shm, wk, s->be->be);
	struct shm_srv_shard *ss = s->srv >= 0 ? shm_srv_shard(shm, wk, (uint32_t)s->srv) : NULL;
	if (s->term[1] != 'D')
		return;
	if (s->term[0] == 'C' || s->term[0] == 'c') {
		shm_shard_add(&bs->cli_abrt, 1);
		if (ss)
			shm_shard_add(&ss->cli_abrt, 1);
	} else if (s->term[0] == 'S' || s->term[0] == 's') {
		shm_shard_add(&bs->srv_abrt, 1);
		if (ss)
			shm_shard_add(&ss->srv_abrt, 1);
	}
}

void sess_close(struct session *s)
{
	struct worker *w = s->w;
	struct wk_be *be = s->be;
	int had_slot = s->has_slot;
	if (s->state == SESS_QUEUED)
		dequeue(s);
	relay_stop(s);
	count_aborts(s);
	if (s->txn) {
		http_closing(s);
	} else {
		sess_time_stats(s, s->tw, s->tc, 0, (long)(wk_now_ms() - s->t_accept));
		log_session(s);
	}
	release_counts(s);
	free_events(s);
	if (s->cli.fd >= 0)
		s->cli.xprt->close(&s->cli, s->term[0] == 'C' || s->term[0] == 'K');
	if (s->srvc.fd >= 0)
		s->srvc.xprt->close(&s->srvc, s->term[0] != '-');
	s->state = SESS_CLOSED;
	if (s->prev)
		s->prev->next = s->next;
	else
		w->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	w->nsess--;
	if (!s->in_cb)
		sess_free(s);
	if (had_slot && be && be->q_head)
		sess_queue_kick(be);
	wk_session_gone(w);
}

void sess_free(struct session *s)
{
	http_txn_free(s);
	free(s);
}

/* ------------------------------------------------------------ backend choice */

/* The backend of a frontend in mode tcp: the first `use_backend` whose
 * condition holds (on the client's address and, after inspection, on the
 * bytes it sent: SNI routing), its name built from `%[...]` when dynamic;
 * else `default_backend`; a listen section is its own backend. */
static struct wk_be *choose_backend(struct session *s)
{
	struct weir_proc *p = s->w->p;
	const struct proxy_conf *fe = s->fe;
	const struct proxy_conf *bpx = NULL;
	const struct rule *r;
	struct smp_ctx c;
	if (fe->switching_rules.n)
		sess_smp_ctx(s, &c);
	VEC_EACH(&fe->switching_rules, const struct rule *, r) {
		c.scr.used = 0;
		if (!acl_cond_eval(r->cond, &c))
			continue;
		if (!r->dynamic) {
			bpx = r->backend;
			break;
		}
		struct log_sess ls;
		char name[256];
		sess_fill_log(s, &ls, wk_now_ms());
		ls.smp = &c;
		c.scr.used = 0;
		if (r->fmt && logfmt_build(r->fmt, &ls, name, sizeof(name)) > 0 &&
		    (bpx = cfg_find_proxy(p->cfg, name, PX_CAP_BE)) != NULL)
			break;
	}
	if (!bpx && fe->default_backend)
		bpx = cfg_find_proxy(p->cfg, fe->default_backend, PX_CAP_BE);
	if (!bpx && (fe->cap & PX_CAP_BE))
		bpx = fe;
	return sess_be_of(s, bpx);
}

/* This worker's state of the backend `bpx`, NULL when it is none. */
struct wk_be *sess_be_of(struct session *s, const struct proxy_conf *bpx)
{
	struct weir_proc *p = s->w->p;
	if (!bpx)
		return NULL;
	for (int i = 0; i < p->cfg->proxies.n; i++)
		if (p->cfg->proxies.v[i] == bpx && p->layout->be_of_px[i] >= 0)
			return &s->w->bes[p->layout->be_of_px[i]];
	return NULL;
}

/* ------------------------------------------------------------ queue */

static void enqueue(struct session *s)
{
	struct wk_be *be = s->be;
	int tq = tmo(be->px->timeout.queue) ? be->px->timeout.queue : tmo(be->px->timeout.connect);
	s->state = SESS_QUEUED;
	s->t_queue_start = wk_now_ms();
	s->deadline_state = tq ? wk_coarse_ms() + tq : 0;
	s->q_next = NULL;
	if (be->q_tail)
		be->q_tail->q_next = s;
	else
		be->q_head = s;
	be->q_tail = s;
	be->qlen++;
	struct shm_be *rec = shm_backend(s->w->p->shm, be->be);
	shm_gmax(&rec->c.qmax, shm_gauge_add(&rec->c.qcur, 1));
	sess_arm_timer(s);
	if (!evtimer_pending(be->q_timer, NULL)) {
		struct timeval tv = { 0, QUEUE_POLL_MS * 1000 };
		evtimer_add(be->q_timer, &tv);
	}
}

static int assign_server(struct session *s);

/* Serves the queue in order while slots are free. */
void sess_queue_kick(struct wk_be *be)
{
	while (be->q_head) {
		struct session *s = be->q_head;
		struct lb_req req = { (struct sockaddr *)&s->cli_addr, s->cli_len, s->avoid };
		int srv = lb_pick(&be->lb, &req);
		if (srv == -2)
			break;
		dequeue(s);
		s->tw = wk_now_ms() - s->t_queue_start;
		if (srv < 0) {
			sess_abort(s, 'S', 'C', 503);
			continue;
		}
		s->srv = srv;
		s->has_slot = 1;
		sess_hold(s);
		try_connect(s);
		sess_release(s);
	}
	if (be->q_head) {
		struct timeval tv = { 0, QUEUE_POLL_MS * 1000 };
		evtimer_add(be->q_timer, &tv);
	}
}

static void queue_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	sess_queue_kick(arg);
}

/* ------------------------------------------------------------ connect */

static const struct server_conf *srv_conf_of(struct session *s)
{
	struct shm_be *be = shm_backend(s->w->p->shm, s->be->be);
	return s->be->px->servers.v[(uint32_t)s->srv - be->srv_first];
}

/* 0 when a server was assigned, -1 when the session was closed, 1 queued. */
static int assign_server(struct session *s)
{
	struct lb_req req = { (struct sockaddr *)&s->cli_addr, s->cli_len, s->avoid };
	int srv = lb_pick(&s->be->lb, &req);
	if (srv == -2) {
		enqueue(s);
		return 1;
	}
	if (srv < 0) {
		sess_abort(s, 'S', 'C', 503);
		return -1;
	}
	s->srv = srv;
	s->has_slot = 1;
	s->tw = 0;
	return 0;
}

/* `set server ... addr`: the runtime address replaces the configured one,
 * and its port, when given, the configured port or port map. */
static int server_rt_addr(struct session *s, int *port)
{
	uint16_t fam, rport;
	uint32_t ip[4];
	const struct shm_srv *r = shm_server(s->w->p->shm, (uint32_t)s->srv);
	if (!shm_srv_rt_addr(r, &s->addr_seq, &fam, ip, &rport))
		return 0;
	memset(&s->srv_addr, 0, sizeof(s->srv_addr));
	s->srv_addr.ss_family = fam;
	if (fam == AF_INET6)
		memcpy(&((struct sockaddr_in6 *)&s->srv_addr)->sin6_addr, ip, 16);
	else
		memcpy(&((struct sockaddr_in *)&s->srv_addr)->sin_addr, ip, 4);
	if (rport)
		*port = rport;
	return 1;
}

static void server_addr(struct session *s)
{
	const struct server_conf *sc = s->srv_conf;
	memcpy(&s->srv_addr, &sc->addr.ss, sizeof(s->srv_addr));
	int port = sc->addr.port;
	if (!port || sc->addr.port_offset)
		port = ntohs(((const struct sockaddr_in *)sess_frontend_addr(s))->sin_port) + sc->addr.port_offset;
	server_rt_addr(s, &port);
	if (s->srv_addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&s->srv_addr)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)&s->srv_addr)->sin_port = htons((uint16_t)port);
}

static socklen_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}


static void count_retry(struct session *s, int redispatch)
{
	uint32_t wk = (uint32_t)s->w->p->worker;
	void *shm = s->w->p->shm;
	struct shm_be_shard *bs = shm_be_shard(shm, wk, s->be->be);
	struct shm_srv_shard *ss = shm_srv_shard(shm, wk, (uint32_t)s->srv);
	shm_shard_add(redispatch ? &bs->wredis : &bs->wretr, 1);
	shm_shard_add(redispatch ? &ss->wredis : &ss->wretr, 1);
}

/* HAProxy's `option redispatch [<interval>]`: the interval is kept in the
 * model only as the option bit for now, so redispatch on the last retry,
 * the documented default. */
static int should_redispatch(const struct session *s)
{
	int left = s->be->px->retries - s->retries;
	return (s->be->px->options >> PX_OPT_REDISPATCH & 1) && left == 1;
}

/*
 * `observe`: what an event on traffic to the chosen server means, as
 * HAProxy's health analysis judges it (its analyze_statuses): for each
 * event, [0] for layer4 observers, [1] for layer7 ones. A layer7 observer
 * counts failed connects too, but only a good response clears its count.
 */
enum { OBS_IGNORE = 0, OBS_ERROR, OBS_GOOD };
static const unsigned char obs_verdict[SHM_OBS__COUNT][2] = {
	[SHM_OBS_L4_OK] = { OBS_GOOD, OBS_IGNORE },
	[SHM_OBS_L4_ERR] = { OBS_ERROR, OBS_ERROR },
	[SHM_OBS_HTTP_OK] = { OBS_IGNORE, OBS_GOOD },
	[SHM_OBS_HTTP_STS] = { OBS_IGNORE, OBS_ERROR },
	[SHM_OBS_HTTP_HDRRSP] = { OBS_IGNORE, OBS_ERROR },
	[SHM_OBS_HTTP_RSP] = { OBS_IGNORE, OBS_ERROR },
	[SHM_OBS_HTTP_READ_ERROR] = { OBS_IGNORE, OBS_ERROR },
	[SHM_OBS_HTTP_READ_TIMEOUT] = { OBS_IGNORE, OBS_ERROR },
	[SHM_OBS_HTTP_BROKEN_PIPE] = { OBS_IGNORE, OBS_ERROR },
};

/* The checker judges from the server's count of consecutive errors
 * (check_observe.c) and names the last one's kind. One relaxed atomic on
 * the server's record per event, two when an error differs in kind from
 * the one before. `observe layer7` needs HTTP: in a TCP proxy (HAProxy
 * 2.6 alerts, weir -c warns) it observes nothing. */
void sess_observe_event(struct session *s, unsigned ev)
{
	int l7 = s->observe == SRV_OBSERVE_LAYER7;
	if (s->srv < 0 || ev >= SHM_OBS__COUNT || (l7 && !s->txn))
		return;
	struct shm_srv *r = shm_server(s->w->p->shm, (uint32_t)s->srv);
	switch (obs_verdict[ev][l7]) {
	case OBS_ERROR:
		if (__atomic_load_n(&r->obs_last, __ATOMIC_RELAXED) != ev)
			__atomic_store_n(&r->obs_last, ev, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->obs_consec, 1, __ATOMIC_RELAXED);
		break;
	case OBS_GOOD:
		if (__atomic_load_n(&r->obs_consec, __ATOMIC_RELAXED))
			__atomic_store_n(&r->obs_consec, 0, __ATOMIC_RELAXED);
		break;
	default:
		break;
	}
}

void sess_connect_failed(struct session *s, int timeout)
{
	uint32_t wk = (uint32_t)s->w->p->worker;
	void *shm = s->w->p->shm;
	sess_observe(s, SHM_OBS_L4_ERR);
	if (s->txn)
		http_srv_detach(s);
	else
		relay_detach_server(s);
	s->srvc.xprt->close(&s->srvc, 1);
	s->srvc.fd = -1;
	if (s->retries >= s->be->px->retries || !(s->be->px->retry_on & RETRY_ON_CONN_FAILURE)) {
		shm_shard_add(&shm_be_shard(shm, wk, s->be->be)->econ, 1);
		shm_shard_add(&shm_srv_shard(shm, wk, (uint32_t)s->srv)->econ, 1);
		sess_abort(s, timeout ? 's' : 'S', 'C', 503);
		return;
	}
	int redis = should_redispatch(s);
	count_retry(s, redis);
	s->retries++;
	if (redis) {
		s->avoid = (uint32_t)s->srv;
		lb_release_slot(shm, (uint32_t)s->srv);
		s->has_slot = 0;
		s->redispatched = 1;
		s->srv = -1;
		if (assign_server(s) != 0)
			return;
	}
	if (timeout || redis) {
		/* no turn-around before a timed-out or redispatched attempt */
		try_connect(s);
		return;
	}
	/* a refused connect waits min(timeout connect, 1s) before retrying */
	int tc = tmo(s->be->px->timeout.connect);
	int wait = tc && tc < TURNAROUND_MS ? tc : TURNAROUND_MS;
	s->state = SESS_TURNAROUND;
	s->deadline_state = wk_coarse_ms() + wait;
	sess_arm_timer(s);
}

static int open_server_socket(struct session *s)
{
	int fd = socket(s->srv_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (s->be->px->options >> PX_OPT_SRVTCPKA & 1)
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	return fd;
}

/*
 * Connecting is speculative, as HAProxy's: the relay starts at once and
 * the first byte the server takes (or the first event on its socket)
 * confirms the connection. On loopback and in LANs the handshake is often
 * over before connect() returns, so a session skips a trip through epoll
 * and a getsockopt; an error seen before confirmation is still a connect
 * failure, with its retries.
 */
static void try_connect(struct session *s)
{
	s->srv_conf = srv_conf_of(s);
	s->observe = s->srv_conf ? (int)s->srv_conf->observe : SRV_OBSERVE_NONE;
	server_addr(s);
	s->srvc.xprt = &xprt_raw;
	if (s->txn && http_take_idle(s))
		return;
	s->srvc.fd = open_server_socket(s);
	if (s->srvc.fd < 0) {
		sess_abort(s, 'P', 'C', 503);
		return;
	}
	shm_shard_add(&shm_srv_shard(s->w->p->shm, (uint32_t)s->w->p->worker, (uint32_t)s->srv)->connect, 1);
	s->state = SESS_CONNECTING;
	/* %Tc runs from the first attempt: retries and their waits count in it */
	if (s->retries == 0)
		s->t_connect_start = wk_now_ms();
	int tc = tmo(s->be->px->timeout.connect);
	s->deadline_state = tc ? wk_coarse_ms() + tc : 0;
	if (connect(s->srvc.fd, (struct sockaddr *)&s->srv_addr, addr_len(&s->srv_addr)) < 0 &&
	    errno != EINPROGRESS) {
		sess_connect_failed(s, 0);
		return;
	}
	sess_arm_timer(s);
	if (s->txn)
		http_srv_attach(s);
	else
		relay_attach(s);
}

/* A reused connection was found closed before the request reached the
 * server: the same request goes out again on a fresh connection, on the
 * same server (it holds the slot), without counting as a retry. */
void sess_reconnect(struct session *s)
{
	http_srv_detach(s);
	s->srvc.xprt->close(&s->srvc, 1);
	s->srvc.fd = -1;
	s->txn->no_pool = 1;
	s->txn->srv_reused = 0;
	try_connect(s);
}

/* Does `retry-on` name this failure (a RETRY_ON_* bit, or a status)? */
static int retry_wanted(const struct proxy_conf *px, unsigned why, int status)
{
	if (why)
		return (px->retry_on & why) != 0;
	for (int i = 0; i < px->retry_on_status.n; i++)
		if ((int)(intptr_t)px->retry_on_status.v[i] == status)
			return 1;
	return 0;
}

int sess_l7_retry(struct session *s, unsigned why, int status)
{
	struct http_txn *t = s->txn;
	const struct proxy_conf *px = s->be->px;
	/* only what weir can send again as it was: a request without a body
	 * and with a method safe to repeat, nothing of any response sent to
	 * the client yet, and tries left */
	if (!t || !t->replayable || t->rq != RQ_DONE || t->bytes_out || s->retries >= px->retries ||
	    !retry_wanted(px, why, status))
		return 0;
	int redis = should_redispatch(s);
	count_retry(s, redis);
	s->retries++;
	http_srv_detach(s);
	s->srvc.xprt->close(&s->srvc, 1);
	s->srvc.fd = -1;
	http_res_reset(s);
	t->no_pool = 1;          /* a fresh connection: the failure may be the old one's */
	t->srv_reused = 0;
	if (redis) {
		s->avoid = (uint32_t)s->srv;
		lb_release_slot(s->w->p->shm, (uint32_t)s->srv);
		s->has_slot = 0;
		s->redispatched = 1;
		s->srv = -1;
		if (assign_server(s) != 0)
			return 1;
	}
	try_connect(s);
	return 1;
}

/* How many responses a pooled connection must have carried for this
 * request to take it, or -1: none may. A client's later requests, and
 * its first one when weir could replay it should the server have just
 * closed the connection, take any (`safe`; HAProxy's `safe` gives a first
 * request a fresh connection even then, weir's replay makes that risk
 * its own). A first request weir cannot replay takes none under `safe`,
 * one proven by at least 2 responses (the server kept it open after
 * one: it does keep-alive) under `aggressive`, any under `always`. */
int http_reuse_min_served(enum http_reuse mode, int later, int replayable)
{
	if (mode == HTTP_REUSE_NEVER)
		return -1;
	if (later || replayable || mode == HTTP_REUSE_ALWAYS)
		return 0;
	return mode == HTTP_REUSE_AGGRESSIVE ? 2 : -1;
}

/* An idle connection to the chosen server, when the reuse mode allows:
 * one this client holds, else one from the worker's pool. */
int http_take_idle(struct session *s)
{
	struct http_txn *t = s->txn;
	struct srv_conn *sc = NULL;
	if (t->no_pool)
		return 0;
	for (int i = 0; i < t->nheld; i++)
		if (t->held[i]->srv == (uint32_t)s->srv) {
			sc = t->held[i];
			t->held[i] = t->held[--t->nheld];
			break;
		}
	int min = http_reuse_min_served(s->be->px->http_reuse, t->nreq > 0, t->replayable);
	if (!sc && min >= 0)
		sc = pool_take(s->w, (uint32_t)s->srv, (uint32_t)min);
	/* connected before `set server ... addr`: to the old address */
	if (sc && sc->addr_seq != __atomic_load_n(&shm_server(s->w->p->shm, (uint32_t)s->srv)->rt_seq,
						  __ATOMIC_ACQUIRE)) {
		http_sc_free(sc, 1);
		sc = NULL;
	}
	if (!sc)
		return 0;
	s->srvc = sc->c;
	s->t_connect_start = wk_now_ms();
	t->srv_reused = 1;
	shm_shard_add(&shm_srv_shard(s->w->p->shm, (uint32_t)s->w->p->worker, (uint32_t)s->srv)->reuse, 1);
	sess_confirm(s);
	http_srv_attach_sc(s, sc);
	return 1;
}

/* The server end proved alive: the session is established. */
void sess_confirm(struct session *s)
{
	sess_observe(s, SHM_OBS_L4_OK);
	s->tc = wk_now_ms() - s->t_connect_start;
	s->t_established = wk_now_ms();
	s->state = SESS_ESTABLISHED;
	count_server_session(s);
	sess_arm_timer(s);
}

/* A write event before any byte went through: did the connect succeed? */
int sess_check_connect(struct session *s)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(s->srvc.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		errno = err;
		sess_connect_failed(s, 0);
		return -1;
	}
	sess_confirm(s);
	return 0;
}

/* ------------------------------------------------------------ accept */

static struct session *sess_new(struct wk_listener *wl, int fd)
{
	struct worker *w = wl->w;
	struct session *s = xcalloc(1, sizeof(*s));
	s->w = w;
	s->wl = wl;
	s->fe = wl->l->px;
	s->fe_rec = wl->l->fe;
	s->srv = -1;
	s->avoid = UINT32_MAX;
	s->cli.fd = fd;
	s->cli.xprt = &xprt_raw;
	s->srvc.fd = -1;
	s->c2s.pipe[0] = s->c2s.pipe[1] = s->s2c.pipe[0] = s->s2c.pipe[1] = -1;
	s->tw = s->tc = -1;
	memcpy(s->term, "--", 3);
	s->t_accept = wk_now_ms();
	s->cli_active = s->srv_active = wk_coarse_ms();
	gettimeofday(&s->accept_date, NULL);
	s->tmo = evtimer_new(w->p->base, tmo_cb, s);
	s->next = w->sessions;
	if (w->sessions)
		w->sessions->prev = s;
	w->sessions = s;
	w->nsess++;
	return s;
}

/* `tcp-request connection accept|reject [if cond]`: the first rule whose
 * condition holds decides; reject closes at once, unlogged (HAProxy's
 * behaviour: nothing was requested yet). 1 to go on. */
void sess_smp_ctx(struct session *s, struct smp_ctx *c)
{
	struct weir_proc *p = s->w->p;
	*c = (struct smp_ctx){ .cli = &s->cli_addr, .fe_addr = sess_frontend_addr(s), .cfg = p->cfg,
			       .fe = s->fe, .fe_rec = (int)s->fe_rec, .be_rec = -1,
			       .be_of_px = p->layout->be_of_px, .fe_of_px = p->layout->fe_of_px,
			       .shm = p->shm, .scr = { s->w->smp_scratch, s->w->smp_scratch_cap, 0 } };
	if (s->c2s.buf) {
		c->payload = (const unsigned char *)s->c2s.buf + s->c2s.off;
		c->payload_len = s->c2s.len;
		c->payload_on = 1;
	}
}

void sess_count_in(struct session *s, size_t n)
{
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker;
	s->bytes_in += n;
	shm_shard_add(&shm_fe_shard(shm, wk, s->fe_rec)->bin, n);
	shm_shard_add(&shm_li_shard(shm, wk, s->wl->l->li)->bin, n);
}

static int tcp_conn_rules(struct session *s)
{
	const struct vec *rules = &s->fe->tcp_req_conn_rules;
	if (!rules->n)
		return 1;
	struct weir_proc *p = s->w->p;
	struct smp_ctx c;
	sess_smp_ctx(s, &c);
	const struct rule *r;
	VEC_EACH(rules, const struct rule *, r) {
		c.scr.used = 0;
		if (!acl_cond_eval(r->cond, &c))
			continue;
		if (r->act == ACT_ACCEPT)
			return 1;
		if (r->act == ACT_REJECT || r->act == ACT_SILENT_DROP) {
			shm_shard_add(&shm_fe_shard(p->shm, (uint32_t)p->worker, s->fe_rec)->dcon, 1);
			s->bytes_in = s->bytes_out = 0;
			memcpy(s->term, "PR", 3);
			s->nolog = 1;
			sess_close(s);
			return 0;
		}
	}
	return 1;
}

void sess_accept(struct wk_listener *wl, int fd, const struct sockaddr_storage *ss, socklen_t len)
{
	struct session *s = sess_new(wl, fd);
	s->cli_addr = *ss;
	s->cli_len = len;
	if (ss->ss_family == AF_INET || ss->ss_family == AF_INET6) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (s->fe->options >> PX_OPT_CLITCPKA & 1)
			setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	}
	count_accept(s);
	if (!tcp_conn_rules(s))
		return;
	if (s->fe->mode == PX_MODE_HTTP) {
		sess_hold(s);
		http_sess_start(s);
		sess_release(s);
		return;
	}
	if (inspect_wanted(s->fe))
		inspect_start(s);
	else
		sess_tcp_route(s);
}

void sess_tcp_route(struct session *s)
{
	s->be = choose_backend(s);
	if (!s->be) {
		sess_set_term(s, 'P', 'R');
		sess_close(s);
		return;
	}
	sess_backend_chosen(s);
	sess_get_server(s);
}

/* The session counts in its backend from now on. */
void sess_backend_chosen(struct session *s)
{
	if (!s->be->q_timer)
		s->be->q_timer = evtimer_new(s->w->p->base, queue_timer_cb, s->be);
	count_backend_session(s);
	s->be_counted = 1;
}

/* A server slot, then a connection (or a place in the queue). */
void sess_get_server(struct session *s)
{
	/* a session arriving while others wait queues behind them (FIFO) */
	if (s->be->q_head) {
		enqueue(s);
		return;
	}
	if (assign_server(s) == 0)
		try_connect(s);
}
