/*
 * The runtime API's hand on the servers' operational state. The stats
 * process (`set server <b>/<s> health up|stopping|down`, `set server ...
 * agent up|down`, the stats page's Health and Agent actions) cannot write
 * op_state: the checker is its only writer. So stats posts the request in
 * the server's record (shm_srv.force, then force_seq) and writes a byte on
 * the kick pipe; this file wakes on it, applies every post it finds and
 * acknowledges each (force_ack = force_seq), which stats waits for before
 * answering, so `set server ... health down; show stat` already shows
 * DOWN. The admin sweep polls too, for a post made while no checker ran.
 *
 * A server without `check` has no check context; the first forced health
 * gets it a bare one (no timer, no kind), enough for check_state.c's
 * bookkeeping and logs.
 *
 * Runs in the checker process (in the master with -d). Writes force_ack;
 * states go through check_state.c and check_agent.c.
 */
#include <errno.h>
#include <unistd.h>

#include <event2/event.h>

#include "weir/checker.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "checker-int.h"

/* What the checker knows of each server record. */
struct ctl_srv {
	struct chk *health;               /* its health check, NULL none */
	struct chk *agent;                /* its agent check, NULL none */
	struct chk *bare;                 /* made for a forced health, NULL until then */
	const struct proxy_conf *px;
	const struct server_conf *conf;
	uint32_t be;
};

static struct {
	struct weir_proc *p;
	struct ctl_srv *srv;              /* by SRV record index */
	uint32_t n;
	struct event *kick;
} ctl;

/* Every server of every backend the layout gave a record. */
static void ctl_map_servers(struct weir_proc *p)
{
	const struct proxy_conf *px;
	VEC_EACH(&p->cfg->proxies, const struct proxy_conf *, px) {
		int be = px_i < p->layout->npx ? p->layout->be_of_px[px_i] : -1;
		if (be < 0)
			continue;
		const struct shm_be *b = shm_backend(p->shm, (uint32_t)be);
		const struct server_conf *s;
		VEC_EACH(&px->servers, const struct server_conf *, s) {
			uint32_t i = b->srv_first + (uint32_t)s_i;
			if (i >= ctl.n)
				continue;
			ctl.srv[i].px = px;
			ctl.srv[i].conf = s;
			ctl.srv[i].be = (uint32_t)be;
		}
	}
}

/* The context a forced health acts through: the server's check, else a
 * bare one with HAProxy's default rise and fall. */
static struct chk *ctl_health_chk(uint32_t i)
{
	struct ctl_srv *cs = &ctl.srv[i];
	if (cs->health)
		return cs->health;
	if (!cs->bare && cs->conf) {
		cs->bare = xcalloc(1, sizeof(*cs->bare));
		*cs->bare = (struct chk){ .p = ctl.p, .srv = i, .be = cs->be, .px = cs->px,
					  .conf = cs->conf, .fd = -1 };
		cs->bare->rise = cs->conf->rise > 0 ? cs->conf->rise : 2;
		cs->bare->fall = cs->conf->fall > 0 ? cs->conf->fall : 3;
	}
	return cs->bare;
}

static void ctl_apply(uint32_t i, uint32_t force)
{
	uint32_t what = force & ~SHM_FORCE_FROM_WEB;
	const char *why = force & SHM_FORCE_FROM_WEB ? "changed from Web interface" :
			  "changed from CLI";
	static const uint32_t op[] = {
		[SHM_FORCE_HEALTH_UP] = SHM_OP_UP,
		[SHM_FORCE_HEALTH_STOPPING] = SHM_OP_STOPPING,
		[SHM_FORCE_HEALTH_DOWN] = SHM_OP_DOWN,
	};
	struct chk *c;
	switch (what) {
	case SHM_FORCE_HEALTH_UP:
	case SHM_FORCE_HEALTH_STOPPING:
	case SHM_FORCE_HEALTH_DOWN:
		if ((c = ctl_health_chk(i)))
			check_state_force_health(c, op[what], why);
		break;
	case SHM_FORCE_AGENT_UP:
	case SHM_FORCE_AGENT_DOWN:
		/* stats refuses a server without a running agent; one may
		 * still come from an older generation's layout */
		if (ctl.srv[i].agent)
			check_agent_force(ctl.srv[i].agent, what == SHM_FORCE_AGENT_UP, why);
		break;
	default:
		break;
	}
}

void check_ctl_poll(void)
{
	if (!ctl.p)
		return;
	for (uint32_t i = 0; i < ctl.n; i++) {
		struct shm_srv *r = shm_server(ctl.p->shm, i);
		uint32_t seq = __atomic_load_n(&r->force_seq, __ATOMIC_ACQUIRE);
		if (seq == __atomic_load_n(&r->force_ack, __ATOMIC_RELAXED))
			continue;
		ctl_apply(i, __atomic_load_n(&r->force, __ATOMIC_RELAXED));
		__atomic_store_n(&r->force_ack, seq, __ATOMIC_RELEASE);
	}
}

/* One scan answers however many kicks are queued: drain them first. */
static void ctl_on_kick(evutil_socket_t fd, short what, void *arg)
{
	char buf[256];
	(void)what;
	(void)arg;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	check_ctl_poll();
}

int check_ctl_start(struct weir_proc *p, struct chk *chks, int nchk)
{
	check_ctl_stop();
	ctl.p = p;
	ctl.n = shm_hdr(p->shm)->nsrv;
	ctl.srv = xcalloc(ctl.n ? ctl.n : 1, sizeof(*ctl.srv));
	ctl_map_servers(p);
	for (int k = 0; k < nchk; k++) {
		struct chk *c = &chks[k];
		if (c->srv >= ctl.n)
			continue;
		if (c->kind == &check_agent_kind)
			ctl.srv[c->srv].agent = c;
		else
			ctl.srv[c->srv].health = c;
	}
	if (p->kick_chan && p->kick_rx >= 0) {
		ctl.kick = event_new(p->base, p->kick_rx, EV_READ | EV_PERSIST, ctl_on_kick, NULL);
		if (!ctl.kick || event_add(ctl.kick, NULL) < 0)
			return -1;
	}
	/* what was posted before this checker started */
	check_ctl_poll();
	return 0;
}

void check_ctl_stop(void)
{
	if (ctl.kick)
		event_free(ctl.kick);
	for (uint32_t i = 0; ctl.srv && i < ctl.n; i++)
		free(ctl.srv[i].bare);
	free(ctl.srv);
	ctl.srv = NULL;
	ctl.kick = NULL;
	ctl.n = 0;
	ctl.p = NULL;
}
