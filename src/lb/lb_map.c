/*
 * The weighted map under static-rr and source (lb_int.h): every usable
 * server repeated as many times as its weight, interleaved. Runs in the
 * workers, at rebuild time (building) and on every pick (walking); touches
 * nothing in the shared segment but what lb_skip() reads (c.scur).
 *
 * Placement: the k-th copy of a server of weight w sits at the point
 * (2k+1)/2w of [0, 1), and the map is all copies sorted by that point
 * (ties by configuration order). Weights 3:2:1 give a b a c b a: each
 * server's copies spaced as evenly as its weight allows, in O(W log W)
 * for a total weight W, where a pick-by-pick simulation would cost O(W n).
 */
#include <stdlib.h>

#include "weir/lb.h"
#include "weir/util.h"
#include "lb_int.h"

struct lb_map_copy {
	uint32_t k, w, i;           /* copy number, server weight, index in set */
};

/* (2ka+1)/2wa against (2kb+1)/2wb without division. */
static int lb_map_cmp(const void *pa, const void *pb)
{
	const struct lb_map_copy *a = pa, *b = pb;
	uint64_t la = (2 * (uint64_t)a->k + 1) * b->w;
	uint64_t lb = (2 * (uint64_t)b->k + 1) * a->w;
	if (la != lb)
		return la < lb ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static uint32_t lb_gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

struct lb_map *lb_map_build(const struct lb_be *b, const uint32_t *weight)
{
	/* reduced by the weights' common divisor: the same cycle in fewer
	 * slots (equal weights make a map of one slot each) */
	uint32_t g = 0;
	for (int i = 0; i < b->nset; i++)
		g = lb_gcd(g, weight[i]);
	uint64_t total = 0;
	for (int i = 0; i < b->nset; i++)
		total += g ? weight[i] / g : 0;
	/* 256 per server in the configuration language; the bound only
	 * guards the 32-bit slot count against a corrupt record. */
	if (total == 0 || total > UINT32_MAX / 2)
		return NULL;
	struct lb_map_copy *c = xcalloc(total, sizeof(*c));
	uint32_t n = 0;
	for (int i = 0; i < b->nset; i++)
		for (uint32_t k = 0; k < weight[i] / g; k++)
			c[n++] = (struct lb_map_copy){ k, weight[i] / g, (uint32_t)i };
	qsort(c, n, sizeof(*c), lb_map_cmp);
	struct lb_map *m = xmalloc(sizeof(*m) + (size_t)n * sizeof(m->slot[0]));
	m->len = n;
	for (uint32_t j = 0; j < n; j++)
		m->slot[j] = c[j].i;
	free(c);
	return m;
}

void lb_map_set_weights(struct lb_be *b)
{
	uint32_t *w = xcalloc(b->nset ? (size_t)b->nset : 1, sizeof(*w));
	for (int i = 0; i < b->nset; i++)
		w[i] = b->set[i]->weight;
	lb_map_release(b);
	b->priv = lb_map_build(b, w);
	free(w);
}

void lb_map_release(struct lb_be *b)
{
	free(b->priv);
	b->priv = NULL;
}

/* Looks at the set first: when every server is full the walk would visit
 * all W slots for nothing, and that is exactly when picks come fastest. */
static int lb_map_any(const struct lb_be *b, const struct lb_req *req)
{
	for (int i = 0; i < b->nset; i++)
		if (!lb_skip(b, b->set[i], req))
			return 1;
	return 0;
}

struct lb_srv *lb_map_walk(const struct lb_be *b, const struct lb_map *m, uint32_t from,
			   const struct lb_req *req, uint32_t *at)
{
	if (!m || m->len == 0 || !lb_map_any(b, req))
		return NULL;
	for (uint32_t n = 0; n < m->len; n++) {
		uint32_t j = (from + n) % m->len;
		struct lb_srv *s = b->set[m->slot[j]];
		if (!lb_skip(b, s, req)) {
			*at = j;
			return s;
		}
	}
	return NULL;   /* a slot freed and refilled under the walk */
}
