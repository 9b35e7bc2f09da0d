/*
 * The balancing runtime: one struct lb_be per backend in each worker
 * process, holding the servers that may take new connections now (the
 * usable set) and the algorithm's state, rebuilt from the segment when the
 * backend's lb_gen moves. Runs in the workers.
 *
 * Shared segment: reads shm_be (srv_first, srv_count, flags, lb_gen) and
 * the shm_srv records (admin, op_state, weights, maxconn, flags); writes
 * only the servers' c.scur (atomic, bounded by maxconn across every
 * worker) and c.smax. The checker and the stats process write states and
 * weights, then bump lb_gen; a worker never writes those.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "weir/lb.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "lb_int.h"

/* How many times lb_pick tries again when another worker took the last
 * slot of the server it chose between the check and the take. Each retry
 * re-reads the counts, so a few are plenty; the bound keeps a pick O(1)
 * tries even under a storm of contention. */
#define LB_PICK_TRIES 8

const struct lb_ops *lb_ops_get(enum lb_algo algo)
{
	switch (algo) {
	case LB_ALGO_ROUNDROBIN: return &lb_rr_ops;
	case LB_ALGO_STATIC_RR: return &lb_static_rr_ops;
	case LB_ALGO_LEASTCONN: return &lb_lc_ops;
	case LB_ALGO_FIRST: return &lb_first_ops;
	case LB_ALGO_SOURCE: return &lb_source_ops;
	default: return NULL;
	}
}

/* ------------------------------------------------------- the usable set */

/* The weight a balancer uses, in 1/16ths of a configured weight as
 * HAProxy's BE_WEIGHT_SCALE: with the default weight 1, a slowstart ramp
 * or an agent's 50% still changes the share. A server slow-starting from a
 * small weight must still get a little traffic, or its ramp never sees a
 * connection: a product that rounds to 0 counts as 1 while both factors
 * are > 0. */
#define LB_WEIGHT_SCALE 16

static uint32_t lb_eff_weight(const struct shm_srv *r)
{
	uint32_t user = __atomic_load_n(&r->weight_user, __ATOMIC_RELAXED);
	uint32_t pct = __atomic_load_n(&r->weight_pct, __ATOMIC_RELAXED);
	uint64_t w = (uint64_t)user * pct * LB_WEIGHT_SCALE / 100;
	if (w == 0 && user > 0 && pct > 0)
		w = 1;
	return w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}

/* A server's connection limit: its `maxconn`, lowered by an agent's
 * `maxconn:N` (the checker's field); 0 means none. */
static int32_t lb_srv_limit(const struct shm_srv *r)
{
	int32_t cfg = r->maxconn;
	int32_t agent = __atomic_load_n(&r->maxconn_agent, __ATOMIC_RELAXED);
	if (agent > 0 && (cfg <= 0 || agent < cfg))
		return agent;
	return cfg;
}

/* Up, neither in maintenance nor draining, weight > 0. Draining servers
 * keep their sessions (and persistence) but get no new balanced ones. */
static int lb_usable(const struct shm_srv *r, uint32_t weight)
{
	uint32_t admin = __atomic_load_n(&r->admin, __ATOMIC_RELAXED);
	uint32_t op = __atomic_load_n(&r->op_state, __ATOMIC_RELAXED);
	return op == SHM_OP_UP && !(admin & (SHM_ADMIN_MAINT | SHM_ADMIN_DRAIN)) && weight > 0;
}

/* Adds the usable servers of one kind (active or backup) to the set, in
 * configuration order; `one` stops at the first. */
static void lb_collect(struct lb_be *b, int backup, int one)
{
	for (int i = 0; i < b->nall; i++) {
		struct lb_srv *s = &b->all[i];
		const struct shm_srv *r = shm_server(b->shm, s->idx);
		if (!!(r->flags & SHM_SRV_BACKUP) != backup)
			continue;
		s->weight = lb_eff_weight(r);
		s->maxconn = lb_srv_limit(r);
		if (!lb_usable(r, s->weight))
			continue;
		b->set[b->nset++] = s;
		b->total_weight += s->weight;
		if (one)
			return;
	}
}

/* Algorithm scratch only survives while a server stays in the set: one
 * that comes back starts fresh instead of with a debt from long ago. The
 * set is in configuration order, so one merge walk finds the others. */
static void lb_reset_absent(struct lb_be *b)
{
	int j = 0;
	for (int i = 0; i < b->nall; i++) {
		if (j < b->nset && b->set[j] == &b->all[i])
			j++;
		else
			b->all[i].cur = 0;
	}
}

static void lb_rebuild(struct lb_be *b)
{
	const struct shm_be *r = shm_backend(b->shm, b->be);
	b->nset = 0;
	b->total_weight = 0;
	b->backup_set = 0;
	lb_collect(b, 0, 0);
	if (b->nset == 0) {
		/* HAProxy's rule: backups only when no active server is usable,
		 * and then only the first one unless `option allbackups`. */
		lb_collect(b, 1, !(r->flags & SHM_BE_ALLBACKUPS));
		b->backup_set = b->nset > 0;
	}
	lb_reset_absent(b);
	if (b->ops->build)
		b->ops->build(b);
}

uint64_t lb_shared_pos(const struct lb_be *b)
{
	return __atomic_fetch_add(&shm_backend(b->shm, b->be)->lb_pos, 1, __ATOMIC_RELAXED);
}

/* A different starting point per worker and per backend: with N workers
 * and little traffic, N fresh balancers starting on the same server would
 * all send it their first connection. */
static uint32_t lb_seed(const struct lb_be *b)
{
	static uint32_t seq;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint32_t h = (uint32_t)getpid() * 2654435761u;
	h ^= (uint32_t)ts.tv_nsec + seq++ * 0x9e3779b9u + b->be * 40503u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

void lb_be_init(struct lb_be *b, const struct proxy_conf *px, void *shm, uint32_t be)
{
	const struct shm_be *r = shm_backend(shm, be);
	memset(b, 0, sizeof(*b));
	b->ops = lb_ops_get(px ? px->balance.algo : (enum lb_algo)r->algo);
	if (!b->ops)
		b->ops = &lb_rr_ops;
	b->px = px;
	b->shm = shm;
	b->be = be;
	b->nall = (int)r->srv_count;
	b->all = xcalloc(b->nall ? (size_t)b->nall : 1, sizeof(*b->all));
	b->set = xcalloc(b->nall ? (size_t)b->nall : 1, sizeof(*b->set));
	for (int i = 0; i < b->nall; i++) {
		struct lb_srv *s = &b->all[i];
		s->idx = r->srv_first + (uint32_t)i;
		s->pos = (uint32_t)i;
		s->maxconn = shm_server(shm, s->idx)->maxconn;
	}
	b->rr_pos = lb_seed(b);
	b->gen = __atomic_load_n(&r->lb_gen, __ATOMIC_ACQUIRE);
	lb_rebuild(b);
}

void lb_be_release(struct lb_be *b)
{
	if (!b)
		return;
	if (b->ops && b->ops->release)
		b->ops->release(b);
	free(b->set);
	free(b->all);
	memset(b, 0, sizeof(*b));
}

/* The generation is read before the records (acquire), so a writer that
 * changes a server and then bumps lb_gen is either seen now or makes the
 * next refresh rebuild again. */
void lb_be_refresh(struct lb_be *b)
{
	const struct shm_be *r = shm_backend(b->shm, b->be);
	uint64_t gen = __atomic_load_n(&r->lb_gen, __ATOMIC_ACQUIRE);
	if (gen == b->gen)
		return;
	b->gen = gen;
	lb_rebuild(b);
}

/* ------------------------------------------------------ connection slots */

int lb_srv_full(const struct lb_be *b, const struct lb_srv *s)
{
	if (s->maxconn <= 0)
		return 0;
	const struct shm_srv *r = shm_server(b->shm, s->idx);
	return __atomic_load_n(&r->c.scur, __ATOMIC_RELAXED) >= (uint64_t)s->maxconn;
}

int lb_skip(const struct lb_be *b, const struct lb_srv *s, const struct lb_req *req)
{
	if (req && req->avoid == s->idx)
		return 1;
	return lb_srv_full(b, s);
}

/* With a maxconn, a compare-and-swap loop: a plain add followed by a check
 * would let two workers both see room for the last slot. */
int lb_take(void *shm, uint32_t srv)
{
	struct shm_srv *r = shm_server(shm, srv);
	int32_t limit = lb_srv_limit(r);
	uint64_t now;
	if (limit <= 0) {
		now = shm_gauge_add(&r->c.scur, 1);
	} else {
		uint64_t cur = __atomic_load_n(&r->c.scur, __ATOMIC_RELAXED);
		do {
			if (cur >= (uint64_t)limit)
				return -1;
		} while (!__atomic_compare_exchange_n(&r->c.scur, &cur, cur + 1, 1,
						      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
		now = cur + 1;
	}
	shm_gmax(&r->c.smax, now);
	return 0;
}

/* Never below zero: a double release is a bug in the caller, but wrapping
 * the count would mark the server full for good in every worker. */
void lb_release_slot(void *shm, uint32_t srv)
{
	struct shm_srv *r = shm_server(shm, srv);
	uint64_t cur = __atomic_load_n(&r->c.scur, __ATOMIC_RELAXED);
	while (cur > 0 && !__atomic_compare_exchange_n(&r->c.scur, &cur, cur - 1, 1,
						       __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		;
}

/* --------------------------------------------------------------- a pick */

/* The algorithm's choice, avoiding req->avoid while anything else is
 * left (a redispatch should go elsewhere, but not fail for it). */
static struct lb_srv *lb_choose(struct lb_be *b, const struct lb_req *req)
{
	struct lb_srv *s = b->ops->pick(b, req);
	if (!s && req && req->avoid != UINT32_MAX) {
		struct lb_req again = *req;
		again.avoid = UINT32_MAX;
		s = b->ops->pick(b, &again);
	}
	return s;
}

int lb_pick(struct lb_be *b, const struct lb_req *req)
{
	lb_be_refresh(b);
	if (b->nset == 0)
		return -1;
	for (int tries = 0; tries < LB_PICK_TRIES; tries++) {
		struct lb_srv *s = lb_choose(b, req);
		if (!s)
			return -2;
		if (lb_take(b->shm, s->idx) == 0)
			return (int)s->idx;
	}
	return -2;
}
