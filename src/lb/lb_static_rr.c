/*
 * `balance static-rr`: weighted round robin on the weights of the
 * configuration. Runs in the workers; reads the servers' weight_cfg and
 * c.scur from the segment, writes nothing there; its state is a weighted
 * map (lb_map.c) in b->priv and the map position in b->rr_pos.
 *
 * As HAProxy documents, changing a server's weight at run time has no
 * effect with static-rr (nor does slowstart): the map is built on
 * weight_cfg. State changes still rebuild it, since the usable set comes
 * from lb.c: a server down, in maintenance, draining or set to weight 0
 * (the one run-time weight HAProxy accepts for static algorithms besides
 * 100%) leaves the map. In exchange a pick is O(1): no per-server work,
 * whatever the number of servers. The position is kept across rebuilds
 * (modulo the new map) so a state change does not restart at the top.
 */
#include <stdlib.h>

#include "weir/lb.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "lb_int.h"

static void lb_static_rr_build(struct lb_be *b)
{
	uint32_t *w = xcalloc(b->nset ? (size_t)b->nset : 1, sizeof(*w));
	for (int i = 0; i < b->nset; i++)
		w[i] = shm_server(b->shm, b->set[i]->idx)->weight_cfg;
	lb_map_release(b);
	b->priv = lb_map_build(b, w);
	free(w);
}

static struct lb_srv *lb_static_rr_pick(struct lb_be *b, const struct lb_req *req)
{
	const struct lb_map *m = b->priv;
	uint32_t at;
	if (!m)
		return NULL;
	struct lb_srv *s = lb_map_walk(b, m, b->rr_pos % m->len, req, &at);
	if (s)
		b->rr_pos = (at + 1) % m->len;
	return s;
}

const struct lb_ops lb_static_rr_ops = {
	.algo = LB_ALGO_STATIC_RR,
	.build = lb_static_rr_build,
	.pick = lb_static_rr_pick,
	.release = lb_map_release,
};
