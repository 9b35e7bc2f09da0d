/*
 * `balance roundrobin`: weighted round robin, dynamic, shared by every
 * worker. Runs in the workers; reads the servers' c.scur (through
 * lb_skip) and advances the backend's lb_pos in the segment; its private
 * state is a weighted map (lb_map.c) in b->priv.
 *
 * Why a shared position: each worker balancing on its own gives exact
 * shares per worker but not overall. Connections land on workers as the
 * kernel pleases, so three requests in a row over two workers could all
 * go to the first server of each worker's round. HAProxy's threads share
 * one round; so do weir's workers: one relaxed atomic increment per pick
 * on a cache line of its own (the counters' gauges cost the same), and
 * every worker indexes the same map, since they all build it from the
 * same weights in the same order.
 *
 * The map repeats each server weight / gcd times, interleaved: 3:2:1
 * gives a b a c b a, so over any W consecutive picks (W the reduced
 * total weight) each server gets exactly its weight and no server sees
 * bursts (the map is source's too, lb_map.c). Weights are re-read at
 * each rebuild (slowstart, agent, `set weight`); the position simply
 * carries on modulo the new map, so a rebuild never sends the next pick
 * back to the first server.
 *
 * Full servers (maxconn) and the avoided one are stepped over to the next
 * slot. A pick is O(1) whatever the number of servers; a rebuild is
 * O(W log W), and W stays small because weights are reduced by their gcd.
 */
#include "weir/lb.h"
#include "weir/shm.h"
#include "lb_int.h"

static struct lb_srv *lb_rr_pick(struct lb_be *b, const struct lb_req *req)
{
	const struct lb_map *m = b->priv;
	uint32_t at;
	if (!m)
		return NULL;
	return lb_map_walk(b, m, (uint32_t)(lb_shared_pos(b) % m->len), req, &at);
}

const struct lb_ops lb_rr_ops = {
	.algo = LB_ALGO_ROUNDROBIN,
	.build = lb_map_set_weights,
	.pick = lb_rr_pick,
	.release = lb_map_release,
};
