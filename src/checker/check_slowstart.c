/*
 * A server's checker-owned weight factor, weight_pct: the agent's weight
 * ("N%"), its drain, and the `slowstart` ramp, combined into the one
 * percentage the balancers multiply weight_user by (src/lb/lb.c).
 *
 * Runs in the checker process, the only writer of weight_pct. Keeps one
 * record per server of the segment (heap, indexed by SRV record index);
 * after each change of weight_pct it bumps the backend's lb_gen with
 * release ordering, so a worker that sees lb_gen move sees the new weight.
 *
 * Semantics are HAProxy's (configuration manual, "slowstart"): when a
 * server goes from DOWN to UP, but not at startup, its weight starts small
 * and grows linearly to the full weight over the period, recomputed about
 * once a second, never below 1 %. The agent's "N%" is relative to the
 * configured weight and multiplies the ramp. HAProxy drains an agent-
 * drained server through its admin state; weir's admin bits belong to the
 * stats process, so the checker expresses the agent's drain as a factor 0
 * of its own weight_pct: the balancers already give no new session to a
 * weight-0 server and keep the established ones, and `show stat` shows
 * such a server as DRAIN as HAProxy shows a zero weight.
 */
#include <event2/event.h>

#include "weir/checker.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "checker-int.h"

/* HAProxy recomputes the ramp on a one-second task. */
#define SLOWSTART_STEP_MS 1000

struct ss_srv {
	struct weir_proc *p;
	uint32_t srv, be;
	int period;               /* slowstart, ms; 0: none */
	uint32_t agent_pct;       /* 100 until the agent says otherwise */
	int drain;                /* the agent's drain (until "ready") */
	uint32_t ramp;            /* 100 unless ramping */
	uint64_t start_ms;        /* monotonic, when the ramp began */
	struct event *timer;      /* armed while ramping */
};

static struct ss_srv *ss_tab;
static uint32_t ss_n;

uint32_t check_slowstart_ramp(uint64_t elapsed_ms, int period_ms)
{
	if (period_ms <= 0 || elapsed_ms >= (uint64_t)period_ms)
		return 100;
	uint64_t pct = (elapsed_ms * 100 + (uint64_t)period_ms - 1) / (uint64_t)period_ms;
	return pct < 1 ? 1 : (uint32_t)pct;
}

uint32_t check_weight_pct(uint32_t agent_pct, int drain, uint32_t ramp)
{
	if (drain || !agent_pct)
		return 0;
	uint64_t w = (uint64_t)agent_pct * ramp / 100;
	return w ? (uint32_t)w : 1;
}

/* The record of server `srv`, created with the table on first use. */
static struct ss_srv *ss_get(struct weir_proc *p, uint32_t srv, uint32_t be)
{
	if (!ss_tab) {
		ss_n = shm_hdr(p->shm)->nsrv;
		ss_tab = xcalloc(ss_n ? ss_n : 1, sizeof(*ss_tab));
	}
	WEIR_ASSERT(srv < ss_n);
	struct ss_srv *s = &ss_tab[srv];
	if (!s->p)
		*s = (struct ss_srv){ .p = p, .srv = srv, .be = be, .agent_pct = 100, .ramp = 100 };
	return s;
}

/* Stores the combined factor; 1 when it changed (the caller bumps lb_gen
 * or lets the state change that called it do so). */
static int ss_store(struct ss_srv *s)
{
	struct shm_srv *r = shm_server(s->p->shm, s->srv);
	uint32_t pct = check_weight_pct(s->agent_pct, s->drain, s->ramp);
	if (__atomic_load_n(&r->weight_pct, __ATOMIC_RELAXED) == pct)
		return 0;
	__atomic_store_n(&r->weight_pct, pct, __ATOMIC_RELAXED);
	return 1;
}

static void ss_publish(struct ss_srv *s)
{
	if (ss_store(s))
		__atomic_add_fetch(&shm_backend(s->p->shm, s->be)->lb_gen, 1, __ATOMIC_RELEASE);
}

static void ss_tick(evutil_socket_t fd, short what, void *arg)
{
	struct ss_srv *s = arg;
	(void)fd;
	(void)what;
	s->ramp = check_slowstart_ramp(checker_now_ms() - s->start_ms, s->period);
	ss_publish(s);
	if (s->ramp >= 100)
		evtimer_del(s->timer);
}

/* Arms the one-second ramp timer; without one, full weight rather than a
 * weight stuck low. */
static void ss_arm(struct ss_srv *s, struct event_base *base)
{
	struct timeval tv = { .tv_sec = SLOWSTART_STEP_MS / 1000,
			      .tv_usec = (SLOWSTART_STEP_MS % 1000) * 1000 };
	if (!s->timer)
		s->timer = event_new(base, -1, EV_PERSIST, ss_tick, s);
	if (!s->timer || evtimer_add(s->timer, &tv) < 0)
		s->ramp = 100;
}

void check_slowstart_change(struct chk *c, int up)
{
	struct ss_srv *s = ss_get(c->p, c->srv, c->be);
	s->period = c->conf->slowstart > 0 ? c->conf->slowstart : 0;
	s->ramp = 100;
	if (s->timer)
		evtimer_del(s->timer);
	if (up && s->period) {
		s->start_ms = checker_now_ms();
		s->ramp = check_slowstart_ramp(0, s->period);
		ss_arm(s, c->p->base);
	}
	ss_store(s);
}

/* A checker that starts on a segment it did not lay out (the master
 * restarted it, or a reload carried weight_pct over) picks up where the
 * previous one left: a ramp goes on from its percentage, an agent's drain
 * or weight stays until the agent answers, anything else is reset. */
void check_slowstart_adopt(struct weir_proc *p, const struct server_conf *conf, uint32_t be,
			   uint32_t srv)
{
	struct shm_srv *r = shm_server(p->shm, srv);
	uint32_t pct = __atomic_load_n(&r->weight_pct, __ATOMIC_RELAXED);
	if (pct == 100)
		return;
	struct ss_srv *s = ss_get(p, srv, be);
	s->period = conf->slowstart > 0 ? conf->slowstart : 0;
	int up = __atomic_load_n(&r->op_state, __ATOMIC_RELAXED) == SHM_OP_UP;
	if (conf->agent_check && pct == 0) {
		s->drain = 1;
	} else if (s->period && up && pct < 100) {
		s->ramp = pct;
		s->start_ms = checker_now_ms() - (uint64_t)pct * (uint64_t)s->period / 100;
		ss_arm(s, p->base);
	} else if (conf->agent_check) {
		s->agent_pct = pct;
	}
	ss_publish(s);
}

int check_weight_agent(struct chk *c, int pct, int drain)
{
	struct ss_srv *s = ss_get(c->p, c->srv, c->be);
	if (pct >= 0)
		s->agent_pct = (uint32_t)pct;
	if (drain >= 0)
		s->drain = drain;
	if (!ss_store(s))
		return 0;
	__atomic_add_fetch(&shm_backend(c->p->shm, c->be)->lb_gen, 1, __ATOMIC_RELEASE);
	return 1;
}

int check_weight_drained(uint32_t srv)
{
	return ss_tab && srv < ss_n && ss_tab[srv].p && ss_tab[srv].drain;
}

void check_slowstart_free(void)
{
	for (uint32_t i = 0; ss_tab && i < ss_n; i++)
		if (ss_tab[i].timer)
			event_free(ss_tab[i].timer);
	free(ss_tab);
	ss_tab = NULL;
	ss_n = 0;
}
