/*
 * `balance first`: the first server in configuration order that has a
 * free slot, so a backend uses as few servers as possible and the others
 * can be powered down. Runs in the workers; reads the servers' c.scur
 * (through lb_skip), writes nothing in the segment, keeps no state.
 *
 * Order is the usable set's, which is configuration order (HAProxy sorts
 * by server id, which is configuration order unless `id` is set by hand).
 * Without maxconn every connection goes to the first usable server, as
 * HAProxy documents.
 */
#include "weir/lb.h"
#include "lb_int.h"

static struct lb_srv *lb_first_pick(struct lb_be *b, const struct lb_req *req)
{
	for (int i = 0; i < b->nset; i++)
		if (!lb_skip(b, b->set[i], req))
			return b->set[i];
	return NULL;
}

const struct lb_ops lb_first_ops = {
	.algo = LB_ALGO_FIRST,
	.build = NULL,
	.pick = lb_first_pick,
	.release = NULL,
};
