/*
 * What the balancing runtime's files share among themselves and nothing
 * else needs: the skip test every pick applies and the weighted map that
 * static-rr and source are built on. Worker processes only; private to
 * src/lb/ (the contract for the rest of weir is include/weir/lb.h).
 */
#ifndef WEIR_LB_INT_H
#define WEIR_LB_INT_H

#include <stdint.h>

#include "weir/lb-t.h"

/* May a pick not return s for req? It is at its maxconn, or it is the
 * server the request asks to avoid (lb_pick retries without the avoid
 * when nothing else is left). req may be NULL. */
int lb_skip(const struct lb_be *b, const struct lb_srv *s, const struct lb_req *req);

/* The backend's next round-robin position, shared by every worker (one
 * relaxed atomic increment of the record's lb_pos): roundrobin and
 * leastconn's ties advance it, so N workers balance as one. */
uint64_t lb_shared_pos(const struct lb_be *b);

/* A weighted map: each server of b->set appears weight times, spread
 * evenly (slot k of a server of weight w sits at (2k+1)/2w of the way),
 * so walking it in order is a smooth weighted round robin and indexing it
 * by a hash is a weighted hash. slot[] holds indexes into b->set. */
struct lb_map {
	uint32_t len;
	uint32_t slot[];
};

/* Builds the map of b->set with weight[i] for set[i] (0: left out),
 * reduced by the weights' common divisor. NULL when the weights add up
 * to 0. Free with free(). */
struct lb_map *lb_map_build(const struct lb_be *b, const uint32_t *weight);
/* b->priv = the map of the set's current (dynamic) weights; and its free. */
void lb_map_set_weights(struct lb_be *b);
void lb_map_release(struct lb_be *b);

/* The first server at or after map slot `from` (wrapping) that lb_skip()
 * lets through, with *at set to its slot; NULL when none is. */
struct lb_srv *lb_map_walk(const struct lb_be *b, const struct lb_map *m, uint32_t from,
			   const struct lb_req *req, uint32_t *at);

#endif
