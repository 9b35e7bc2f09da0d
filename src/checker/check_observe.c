/*
 * Passive health: `observe layer4|layer7`, `error-limit`, `on-error`. Runs
 * in the checker process, the only writer of operational state: the
 * workers only count, in the segment, a server's consecutive errors on
 * live traffic (shm_srv.obs_consec) and the kind of the last one
 * (obs_last), as HAProxy's health analysis does: failed connects for
 * layer4 (a connect resets); for layer7 those and the responses that
 * failed (read error, timeout, close before the head, invalid head or
 * body) or came with a wrong status (5xx but 501 and 505), a correct
 * response resetting. This file looks at those counts ten times a second
 * and applies the server's `on-error` action (check_state_observe) each
 * time one reaches `error-limit` (HAProxy's default: 10).
 *
 * HAProxy acts on the very error that reaches the limit and restarts the
 * count from zero. Polling, this file may find several limits' worth at
 * once: it takes whole multiples off the count (compare-and-swap, so an
 * error a worker adds meanwhile is kept) and acts once per multiple, so
 * `error-limit 5` and 10 errors between two looks is two actions, as
 * HAProxy would have taken.
 */
#include <event2/event.h>
#include <stdlib.h>

#include "weir/shm.h"
#include "weir/util.h"
#include "checker-int.h"

#define OBSERVE_TICK_MS 100
#define OBSERVE_DEFAULT_LIMIT 10
/* After this many actions in one look the server's fate is sealed
 * (mark-down is idempotent, fail-check bottoms out at health 0). */
#define OBSERVE_MAX_ACTIONS 64

struct observer {
	struct weir_proc *p;
	struct chk **chks;          /* the checks of observed servers */
	int n;
	struct event *tick;
};

static struct observer *obs_ctx;

/* The next check comes at fastinter, or sooner if it was due anyway: as
 * HAProxy, which only ever shortens the timer, and only with a
 * `fastinter` configured. */
static void observe_hurry(struct chk *c)
{
	if (c->running || c->fastinter <= 0 || !c->timer)
		return;
	struct timeval left;
	if (evtimer_pending(c->timer, &left)) {
		struct timeval now;
		event_base_gettimeofday_cached(c->p->base, &now);
		int64_t ms = ((int64_t)left.tv_sec - now.tv_sec) * 1000 +
			     ((int64_t)left.tv_usec - now.tv_usec) / 1000;
		if (ms <= c->fastinter)
			return;
	}
	struct timeval tv = { c->fastinter / 1000, (c->fastinter % 1000) * 1000 };
	evtimer_del(c->timer);
	evtimer_add(c->timer, &tv);
}

/* Takes the whole multiples of `limit` off the server's count; how many. */
static uint32_t observe_take(struct shm_srv *r, uint32_t limit)
{
	uint32_t n = __atomic_load_n(&r->obs_consec, __ATOMIC_RELAXED);
	while (n >= limit) {
		if (__atomic_compare_exchange_n(&r->obs_consec, &n, n % limit, 0, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return n / limit;
	}
	return 0;
}

static void observe_one(struct observer *o, struct chk *c)
{
	struct shm_srv *r = shm_server(o->p->shm, c->srv);
	uint32_t limit = c->conf->error_limit > 0 ? (uint32_t)c->conf->error_limit :
			 OBSERVE_DEFAULT_LIMIT;
	uint32_t times = observe_take(r, limit);
	/* in maintenance the operator decides; the errors are forgotten */
	if (!times || (__atomic_load_n(&r->admin, __ATOMIC_RELAXED) & SHM_ADMIN_MAINT))
		return;
	if (times > OBSERVE_MAX_ACTIONS)
		times = OBSERVE_MAX_ACTIONS;
	for (uint32_t i = 0; i < times; i++)
		check_state_observe(c, c->conf->on_error, limit);
	observe_hurry(c);
}

static void observe_tick(evutil_socket_t fd, short what, void *arg)
{
	struct observer *o = arg;
	(void)fd, (void)what;
	for (int i = 0; i < o->n; i++)
		observe_one(o, o->chks[i]);
}

static int observe_wanted(const struct chk *c)
{
	return c->conf && c->kind != &check_agent_kind &&
	       (c->conf->observe == SRV_OBSERVE_LAYER4 || c->conf->observe == SRV_OBSERVE_LAYER7);
}

int check_observe_start(struct weir_proc *p, struct chk *chks, int nchk)
{
	check_observe_stop();
	struct observer *o = xcalloc(1, sizeof(*o));
	o->p = p;
	o->chks = xcalloc((size_t)nchk + 1, sizeof(*o->chks));
	for (int i = 0; i < nchk; i++)
		if (observe_wanted(&chks[i]))
			o->chks[o->n++] = &chks[i];
	obs_ctx = o;
	if (!o->n)
		return 0;
	o->tick = event_new(p->base, -1, EV_PERSIST, observe_tick, o);
	struct timeval tv = { 0, OBSERVE_TICK_MS * 1000 };
	return o->tick && event_add(o->tick, &tv) == 0 ? 0 : -1;
}

void check_observe_stop(void)
{
	struct observer *o = obs_ctx;
	if (!o)
		return;
	if (o->tick)
		event_free(o->tick);
	free(o->chks);
	free(o);
	obs_ctx = NULL;
}
