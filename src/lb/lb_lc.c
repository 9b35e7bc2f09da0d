/*
 * `balance leastconn`: the server with the fewest live connections for its
 * weight. Runs in the workers; reads the servers' c.scur, the count of
 * every worker together (so N workers balance as one), and advances the
 * backend's shared lb_pos for ties; it has no state of its own.
 *
 * scur_a / w_a < scur_b / w_b is compared as scur_a * w_b < scur_b * w_a,
 * in 64 bits, without division. Ties go round robin from the shared
 * position, so equally idle servers share new connections instead of all
 * going to the first one (which would matter most right after a start or
 * reload), across workers too.
 * O(n) per pick: each pick reads every count, which is the point.
 */
#include "weir/lb.h"
#include "weir/shm.h"
#include "lb_int.h"

static uint64_t lb_lc_scur(const struct lb_be *b, const struct lb_srv *s)
{
	return __atomic_load_n(&shm_server(b->shm, s->idx)->c.scur, __ATOMIC_RELAXED);
}

static struct lb_srv *lb_lc_pick(struct lb_be *b, const struct lb_req *req)
{
	struct lb_srv *best = NULL;
	uint64_t best_cur = 0;
	uint32_t n = (uint32_t)b->nset;
	if (n == 0)
		return NULL;
	uint32_t start = (uint32_t)(lb_shared_pos(b) % n);
	for (uint32_t j = 0; j < n; j++) {
		struct lb_srv *s = b->set[(start + j) % n];
		if (lb_skip(b, s, req))
			continue;
		uint64_t cur = lb_lc_scur(b, s);
		/* weights are at most 2^32 and counts far below 2^32 */
		if (!best || cur * best->weight < best_cur * s->weight) {
			best = s;
			best_cur = cur;
		}
	}
	return best;
}

const struct lb_ops lb_lc_ops = {
	.algo = LB_ALGO_LEASTCONN,
	.build = NULL,
	.pick = lb_lc_pick,
	.release = NULL,
};
