/*
 * `balance roundrobin`: smooth weighted round robin, dynamic. Runs in the
 * workers; reads the servers' c.scur (through lb_skip) and nothing else
 * of the segment; keeps its state in each lb_srv's `cur` and b->rr_pos.
 *
 * Each pick adds every eligible server's weight to its current weight,
 * takes the largest and charges it the round's total. Over any W picks
 * (W the total weight) each server gets exactly its weight, interleaved:
 * 3:2:1 gives a b a c b a, never a a a b b c, so no server sees bursts.
 * Weights are re-read at each rebuild (slowstart, agent, `set weight`).
 *
 * Across rebuilds the current weights of the servers that stay are kept:
 * starting every server from zero again after each state change would
 * send the next connection to the heaviest (or first) server each time,
 * and a flapping neighbour would bias it. Only the relative values
 * matter (the largest wins), so keeping them is always sound; they are
 * clamped to the new total so a large weight drop does not leave a long
 * debt or credit behind.
 *
 * Full servers (maxconn) and the avoided one sit out a round: they get no
 * weight added, so they build no credit while they cannot serve.
 *
 * Ties go to the first server at or after b->rr_pos, a per-worker random
 * start: N workers with equal weights begin on N different servers.
 * The cost is O(n) per pick, fine for the tens of servers a backend
 * usually has; a tree would pay off past several hundred.
 */
#include "weir/lb.h"
#include "lb_int.h"

static void lb_rr_build(struct lb_be *b)
{
	int64_t lim = (int64_t)b->total_weight;
	for (int i = 0; i < b->nset; i++) {
		struct lb_srv *s = b->set[i];
		if (s->cur > lim)
			s->cur = lim;
		else if (s->cur < -lim)
			s->cur = -lim;
	}
}

static struct lb_srv *lb_rr_pick(struct lb_be *b, const struct lb_req *req)
{
	struct lb_srv *best = NULL;
	int64_t total = 0;
	int n = b->nset;
	if (n == 0)
		return NULL;
	uint32_t start = b->rr_pos % (uint32_t)n;
	for (int j = 0; j < n; j++) {
		struct lb_srv *s = b->set[(start + (uint32_t)j) % (uint32_t)n];
		if (lb_skip(b, s, req))
			continue;
		s->cur += s->weight;
		total += s->weight;
		if (!best || s->cur > best->cur)
			best = s;
	}
	if (best)
		best->cur -= total;
	return best;
}

const struct lb_ops lb_rr_ops = {
	.algo = LB_ALGO_ROUNDROBIN,
	.build = lb_rr_build,
	.pick = lb_rr_pick,
	.release = NULL,
};
