/*
 * Passive health: `observe layer4`, `error-limit`, `on-error`. Runs in the
 * checker process, the only writer of operational state: the workers only
 * count, in the segment, the consecutive connects to a server that failed
 * (shm_srv.obs_consec, reset by a success), and this file looks at those
 * counts ten times a second and applies the server's `on-error` action
 * when one reaches `error-limit` (HAProxy's default: 10).
 * Layer 7 observation (responses) arrives with the HTTP engine.
 */
#include <event2/event.h>
#include <stdlib.h>

#include "weir/shm.h"
#include "weir/util.h"
#include "checker-int.h"

#define OBSERVE_TICK_MS 100
#define OBSERVE_DEFAULT_LIMIT 10

struct observer {
	struct weir_proc *p;
	struct chk **chks;          /* the checks of observed servers */
	int n;
	struct event *tick;
};

static struct observer *obs_ctx;

/* The next check comes at fastinter (each on-error action forces it). */
static void observe_hurry(struct chk *c)
{
	if (c->running)
		return;
	int ms = c->fastinter > 0 ? c->fastinter : c->inter;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	evtimer_del(c->timer);
	evtimer_add(c->timer, &tv);
}

static void observe_tick(evutil_socket_t fd, short what, void *arg)
{
	struct observer *o = arg;
	(void)fd, (void)what;
	for (int i = 0; i < o->n; i++) {
		struct chk *c = o->chks[i];
		struct shm_srv *r = shm_server(o->p->shm, c->srv);
		int limit = c->conf->error_limit > 0 ? c->conf->error_limit : OBSERVE_DEFAULT_LIMIT;
		if (__atomic_load_n(&r->obs_consec, __ATOMIC_RELAXED) < (uint32_t)limit)
			continue;
		uint32_t n = __atomic_exchange_n(&r->obs_consec, 0, __ATOMIC_RELAXED);
		if (n < (uint32_t)limit || (r->admin & SHM_ADMIN_MAINT))
			continue;
		check_state_observe(c, c->conf->on_error, n);
		observe_hurry(c);
	}
}

int check_observe_start(struct weir_proc *p, struct chk *chks, int nchk)
{
	check_observe_stop();
	struct observer *o = xcalloc(1, sizeof(*o));
	o->p = p;
	o->chks = xcalloc((size_t)nchk + 1, sizeof(*o->chks));
	for (int i = 0; i < nchk; i++)
		if (chks[i].conf && chks[i].conf->observe == SRV_OBSERVE_LAYER4 &&
		    chks[i].kind != &check_agent_kind)
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
