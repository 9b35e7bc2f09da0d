/*
 * The segment's objects as the runtime API names them: HAProxy's automatic
 * ids, `backend/server` lookups, effective weights and a server's status
 * word. Runs in the stats process (and wherever stats_exec runs); reads
 * the segment only, from the records and names the master wrote.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats-int.h"
#include "weir/cfg-t.h"
#include "weir/checker.h"

uint64_t stats_obj_now_s(void)
{
	return (uint64_t)time(NULL);
}

/* ------------------------------------------------------------- ids */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* ids[i] > 0 is configured; every 0 gets the lowest id no object uses yet,
 * in order, as HAProxy numbers proxies and servers. */
static void auto_ids(int *ids, int n)
{
	int *used = xcalloc((size_t)n + 1, sizeof(*used));
	int nused = 0, u = 0, next = 1;
	for (int i = 0; i < n; i++)
		if (ids[i] > 0)
			used[nused++] = ids[i];
	qsort(used, (size_t)nused, sizeof(*used), cmp_int);
	for (int i = 0; i < n; i++) {
		if (ids[i] > 0)
			continue;
		while (u < nused && used[u] < next)
			u++;
		while (u < nused && used[u] == next) {
			next++;
			u++;
		}
		ids[i] = next++;
	}
	free(used);
}

/* Proxies by configuration index: a listen's FE and BE records share one. */
static void proxy_ids(void *shm, struct stats_ids *ids)
{
	const struct shm_header *h = shm_hdr(shm);
	uint32_t npx = 0;
	for (uint32_t i = 0; i < h->nfe; i++)
		npx = shm_frontend(shm, i)->cfg_index + 1 > npx ? shm_frontend(shm, i)->cfg_index + 1 : npx;
	for (uint32_t i = 0; i < h->nbe; i++)
		npx = shm_backend(shm, i)->cfg_index + 1 > npx ? shm_backend(shm, i)->cfg_index + 1 : npx;
	int *px = xcalloc((size_t)npx + 1, sizeof(*px));
	char *present = xcalloc((size_t)npx + 1, 1);
	for (uint32_t i = 0; i < h->nfe; i++) {
		px[shm_frontend(shm, i)->cfg_index] = shm_frontend(shm, i)->id;
		present[shm_frontend(shm, i)->cfg_index] = 1;
	}
	for (uint32_t i = 0; i < h->nbe; i++) {
		px[shm_backend(shm, i)->cfg_index] = shm_backend(shm, i)->id;
		present[shm_backend(shm, i)->cfg_index] = 1;
	}
	/* compact to the proxies that exist, number, then spread back */
	int *dense = xcalloc((size_t)npx + 1, sizeof(*dense));
	int n = 0;
	for (uint32_t i = 0; i < npx; i++)
		if (present[i])
			dense[n++] = px[i];
	auto_ids(dense, n);
	for (uint32_t i = 0, k = 0; i < npx; i++)
		if (present[i])
			px[i] = dense[k++];
	for (uint32_t i = 0; i < h->nfe; i++)
		ids->fe[i] = px[shm_frontend(shm, i)->cfg_index];
	for (uint32_t i = 0; i < h->nbe; i++)
		ids->be[i] = px[shm_backend(shm, i)->cfg_index];
	free(dense);
	free(present);
	free(px);
}

void stats_obj_ids(void *shm, struct stats_ids *ids)
{
	const struct shm_header *h = shm_hdr(shm);
	ids->fe = xcalloc((size_t)h->nfe + 1, sizeof(int));
	ids->be = xcalloc((size_t)h->nbe + 1, sizeof(int));
	ids->srv = xcalloc((size_t)h->nsrv + 1, sizeof(int));
	proxy_ids(shm, ids);
	for (uint32_t b = 0; b < h->nbe; b++) {
		const struct shm_be *be = shm_backend(shm, b);
		for (uint32_t i = 0; i < be->srv_count; i++)
			ids->srv[be->srv_first + i] = shm_server(shm, be->srv_first + i)->id;
		auto_ids(ids->srv + be->srv_first, (int)be->srv_count);
	}
}

void stats_obj_ids_free(struct stats_ids *ids)
{
	if (!ids)
		return;
	free(ids->fe);
	free(ids->be);
	free(ids->srv);
	ids->fe = ids->be = ids->srv = NULL;
}

/* ---------------------------------------------------------- lookups */

/* `#<id>` or a name, as HAProxy's get_backend_server() accepts. */
static int name_is(const char *name, int id, const char *want, size_t len)
{
	if (want[0] == '#') {
		char *end;
		long v = strtol(want + 1, &end, 10);
		return end == want + len && len > 1 && v == id;
	}
	return strlen(name) == len && strncmp(name, want, len) == 0;
}

int stats_obj_find_backend(void *shm, const struct stats_ids *ids, const char *name)
{
	const struct shm_header *h = shm_hdr(shm);
	for (uint32_t b = 0; b < h->nbe; b++)
		if (name_is(shm_name(shm, shm_backend(shm, b)->name_off), ids->be[b], name,
			    strlen(name)))
			return (int)b;
	return -1;
}

int stats_obj_find_server(void *shm, const char *arg, uint32_t *srv, struct sbuf *out)
{
	const char *slash = arg ? strchr(arg, '/') : NULL;
	if (!slash || slash == arg || !slash[1]) {
		sbuf_adds(out, "Require 'backend/server'.\n");
		return -1;
	}
	struct stats_ids ids;
	stats_obj_ids(shm, &ids);
	int rc = -1;
	int b = -1;
	const struct shm_header *h = shm_hdr(shm);
	for (uint32_t i = 0; i < h->nbe && b < 0; i++)
		if (name_is(shm_name(shm, shm_backend(shm, i)->name_off), ids.be[i], arg,
			    (size_t)(slash - arg)))
			b = (int)i;
	if (b < 0) {
		sbuf_adds(out, "No such backend.\n");
		goto done;
	}
	const struct shm_be *be = shm_backend(shm, (uint32_t)b);
	for (uint32_t i = be->srv_first; i < be->srv_first + be->srv_count && rc < 0; i++)
		if (name_is(shm_name(shm, shm_server(shm, i)->name_off), ids.srv[i], slash + 1,
			    strlen(slash + 1))) {
			*srv = i;
			rc = 0;
		}
	if (rc < 0)
		sbuf_adds(out, "No such server.\n");
done:
	stats_obj_ids_free(&ids);
	return rc;
}

/* ---------------------------------------------------------- servers */

uint32_t stats_obj_eweight(const struct shm_srv *s)
{
	uint32_t w = __atomic_load_n(&s->weight_user, __ATOMIC_RELAXED);
	uint32_t pct = __atomic_load_n(&s->weight_pct, __ATOMIC_RELAXED);
	return (uint32_t)(((uint64_t)w * pct + 99) / 100);
}

int stats_obj_usable(const struct shm_srv *s)
{
	uint32_t admin = __atomic_load_n(&s->admin, __ATOMIC_RELAXED);
	uint32_t op = __atomic_load_n(&s->op_state, __ATOMIC_RELAXED);
	return !(admin & (SHM_ADMIN_MAINT | SHM_ADMIN_DRAIN)) && op != SHM_OP_DOWN &&
	       stats_obj_eweight(s) > 0;
}

uint64_t stats_obj_srv_downtime(const struct shm_srv *s, uint64_t now_s)
{
	if (s->op_state != SHM_OP_DOWN || !s->last_change || now_s < s->last_change)
		return s->down_time;
	return s->down_time + now_s - s->last_change;
}

/* The server whose checks decide this one's health: itself, or the end of
 * its `track` chain (bounded, in case of a loop the master let through). */
static const struct shm_srv *check_ref(void *shm, const struct shm_srv *s)
{
	for (int hops = 0; (s->flags & SHM_SRV_TRACKED) && hops < 16; hops++)
		s = shm_server(shm, s->track_index);
	return s;
}

/* Running or starting: UP, its transitional "UP n/f" while failing checks
 * pull it down, DRAIN, or "no check". */
static void status_running(const struct shm_srv *s, const struct shm_srv *ref, struct sbuf *out)
{
	int checked = shm_srv_health_on(ref);
	int going_down = checked && ref->check_health < ref->check_rise + ref->check_fall - 1;
	/* as HAProxy: a running server with weight 0 (`set server ... weight
	 * 0`, an agent's drain) shows DRAIN too */
	int drained = (s->admin & SHM_ADMIN_DRAIN) || stats_obj_eweight(s) == 0;
	/* HAProxy: "DRAIN (agent)" for a drained server with an agent (weir's
	 * agent drain is weight_pct 0) */
	if (drained && shm_srv_agent_on(s) &&
	    ((s->admin & SHM_ADMIN_DRAIN) || s->weight_pct == 0)) {
		sbuf_adds(out, "DRAIN (agent)");
	} else if (drained) {
		if (going_down)
			sbuf_printf(out, "DRAIN %d/%d", ref->check_health - ref->check_rise + 1,
				    ref->check_fall);
		else
			sbuf_adds(out, "DRAIN");
	} else if (going_down) {
		sbuf_printf(out, "UP %d/%d", ref->check_health - ref->check_rise + 1, ref->check_fall);
	} else {
		sbuf_adds(out, checked ? "UP" : "no check");
	}
}

void stats_obj_srv_status(void *shm, const struct shm_srv *s, struct sbuf *out)
{
	const struct shm_srv *ref = check_ref(shm, s);
	int checked = shm_srv_health_on(ref);
	if (s->admin & SHM_ADMIN_IMAINT && (s->flags & SHM_SRV_TRACKED)) {
		const struct shm_srv *t = shm_server(shm, s->track_index);
		sbuf_printf(out, "MAINT (via %s/%s)",
			    shm_name(shm, shm_backend(shm, t->be_index)->name_off),
			    shm_name(shm, t->name_off));
	} else if (s->admin & SHM_ADMIN_MAINT) {
		sbuf_adds(out, "MAINT");
	} else if (s->op_state == SHM_OP_UP || s->op_state == SHM_OP_STARTING) {
		status_running(s, ref, out);
	} else if (s->op_state == SHM_OP_STOPPING) {
		if (!checked || ref->check_health == ref->check_rise + ref->check_fall - 1)
			sbuf_adds(out, "NOLB");
		else
			sbuf_printf(out, "NOLB %d/%d", ref->check_health - ref->check_rise + 1,
				    ref->check_fall);
	} else if (shm_srv_agent_on(ref) && ref->agent_status != CHK_ST_UNKNOWN &&
		   ref->agent_health == 0) {
		sbuf_adds(out, "DOWN (agent)");          /* HAProxy: the agent holds it down */
	} else if (checked && ref->check_health > 0) {
		sbuf_printf(out, "DOWN %d/%d", ref->check_health, ref->check_rise);
	} else {
		sbuf_adds(out, "DOWN");
	}
}

void stats_obj_srv_addr(const struct shm_srv *s, const struct server_conf *sc, char *ip, size_t n,
			int *port)
{
	uint32_t seq, a[4];
	uint16_t fam, rport;
	ip[0] = '\0';
	*port = sc && !sc->addr.port_offset ? sc->addr.port : 0;
	if (shm_srv_rt_addr(s, &seq, &fam, a, &rport)) {
		inet_ntop(fam, a, ip, (socklen_t)n);
		if (rport)
			*port = rport;
		return;
	}
	const struct sockaddr_storage *ss = sc ? &sc->addr.ss : NULL;
	if (ss && ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, ip, (socklen_t)n);
	else if (ss && ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, ip, (socklen_t)n);
	else if (sc && sc->addr.kind == CFG_ADDR_INET && sc->addr.host && *sc->addr.host &&
		 !sc->addr.is_name)
		snprintf(ip, n, "%s", sc->addr.host);
}

const struct server_conf *stats_obj_srv_conf(const struct weir_proc *p, void *shm, uint32_t srv)
{
	const struct cfg *cfg = p ? p->cfg : NULL;
	const struct shm_srv *s = shm_server(shm, srv);
	const struct shm_be *be = shm_backend(shm, s->be_index);
	if (!cfg || be->cfg_index >= (uint32_t)cfg->proxies.n)
		return NULL;
	const struct proxy_conf *px = cfg->proxies.v[be->cfg_index];
	return srv - be->srv_first < (uint32_t)px->servers.n ? px->servers.v[srv - be->srv_first] : NULL;
}
