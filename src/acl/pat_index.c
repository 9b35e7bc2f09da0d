/*
 * The lookup index of IP pattern lists (ACL `src` lists, -f files, map_ip
 * files). Built by the master once a list is complete, in the model's
 * arena; read-only afterwards, read by the workers after fork.
 *
 * Choice: two path-compressed binary prefix trees, one of IPv4 prefixes
 * and one of IPv6 prefixes. A lookup walks one branch from the root and
 * keeps the last pattern it passed, so its cost grows with the depth of
 * the tree (at most the prefix length, about log2 of the list for random
 * prefixes), not with the number of networks: a 50,000-line CIDR
 * blocklist or a GeoIP map_ip file costs a few dozen node visits per
 * request where the former array of networks was scanned to its end on
 * every miss.
 *
 * The IPv4 /32 hosts (and ::ffff:a.b.c.d/128, the same thing) stay out of
 * the trees, in a sorted array searched by bisection and looked at first:
 * a host is the longest prefix an IPv4 address can have, so a hit ends
 * the lookup. Measured with 50,000 random hosts (check_pat_index, -O2),
 * the bisection of their 200 KB array did about 7 million lookups/s, a
 * walk of the 100,000-node tree they make (3 MB, out of cache) 2.6
 * million; long allow and deny lists of single hosts keep the faster one.
 *
 * IPv4 and IPv4-mapped IPv6 (pat_ip_match() in acl_rt.c): an IPv4 pattern
 * a.b.c.d/n is the IPv6 prefix ::ffff:a.b.c.d/(96+n), and either kind of
 * address matches either kind of pattern through that mapping. So IPv6
 * patterns inside ::ffff:0:0/96 go to the IPv4 side (as /(n-96)); IPv4
 * and mapped addresses look there first (hosts, then the IPv4 tree) and
 * only on a miss look up the IPv6 tree with the mapped address, where
 * only prefixes shorter than /96 (::/0, ...) can hold it, none longer than
 * a hit on the IPv4 side. Other IPv6 addresses only read the IPv6 tree.
 *
 * The longest prefix wins (map_ip needs it; for an ACL any hit would do),
 * and equal prefixes share one node (one host entry) holding the first
 * pattern in file order, whichever family it was written in. Nodes are
 * one arena array per tree and refer to each other by index; nodes and
 * hosts name their pattern by its position in `pat`.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "smp-rt-int.h"
#include "weir/util.h"

#define IPT_NONE UINT32_MAX

/* ------------------------------------------------ 128-bit keys */

/* Keys are two host-order halves, most significant first; an IPv4 key is
 * the address in the top 32 bits of k[0]. */
static void key_load16(uint64_t k[2], const unsigned char *b)
{
	k[0] = k[1] = 0;
	for (int i = 0; i < 8; i++) {
		k[0] = k[0] << 8 | b[i];
		k[1] = k[1] << 8 | b[i + 8];
	}
}

static void key_load4(uint64_t k[2], const unsigned char *b)
{
	k[0] = (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
	       (uint64_t)b[3] << 32;
	k[1] = 0;
}

static uint64_t half_mask(int bits)
{
	if (bits <= 0)
		return 0;
	return bits >= 64 ? ~0ULL : ~0ULL << (64 - bits);
}

/* Do the first `bits` bits of a and b agree? */
static int key_prefix_eq(const uint64_t a[2], const uint64_t b[2], int bits)
{
	return ((a[0] ^ b[0]) & half_mask(bits)) == 0 &&
	       ((a[1] ^ b[1]) & half_mask(bits - 64)) == 0;
}

/* The number of leading bits a and b share, at most limit. */
static int key_common(const uint64_t a[2], const uint64_t b[2], int limit)
{
	uint64_t x0 = a[0] ^ b[0], x1 = a[1] ^ b[1];
	int c = x0 ? __builtin_clzll(x0) : x1 ? 64 + __builtin_clzll(x1) : 128;
	return c < limit ? c : limit;
}

/* Bit i (0: the most significant), i < 128. */
static int key_bit(const uint64_t k[2], int i)
{
	return i < 64 ? (int)(k[0] >> (63 - i) & 1) : (int)(k[1] >> (127 - i) & 1);
}

static void key_trim(uint64_t k[2], int bits)
{
	k[0] &= half_mask(bits);
	k[1] &= half_mask(bits - 64);
}

/* ------------------------------------------------ the tree */

/* One node: a prefix, the pattern declared for exactly that prefix (-1
 * when the node only branches), and the subtrees whose next bit after the
 * prefix is 0 or 1. Every node of a subtree has a longer prefix that
 * starts with this one. */
struct ipt_node {
	uint64_t key[2];
	uint32_t child[2];
	int32_t pat;
	uint8_t bits;
};

/* Load time: the tree being built, in a malloc'ed array sized for the
 * worst case (each insertion adds at most a leaf and a branching node),
 * so slots stay valid while inserting. */
struct ipt_build {
	struct ipt_node *node;
	uint32_t n, root;
};

static uint32_t ipt_new(struct ipt_build *t, const uint64_t k[2], int bits, int32_t pat)
{
	struct ipt_node *d = &t->node[t->n];
	d->key[0] = k[0];
	d->key[1] = k[1];
	key_trim(d->key, bits);
	d->bits = (uint8_t)bits;
	d->pat = pat;
	d->child[0] = d->child[1] = IPT_NONE;
	return t->n++;
}

/* Inserts prefix k/bits for pattern pat. Called in file order: a prefix
 * already present keeps its first pattern. */
static void ipt_insert(struct ipt_build *t, const uint64_t k[2], int bits, int32_t pat)
{
	uint32_t *slot = &t->root;
	for (;;) {
		if (*slot == IPT_NONE) {
			*slot = ipt_new(t, k, bits, pat);
			return;
		}
		struct ipt_node *d = &t->node[*slot];
		int c = key_common(k, d->key, bits < d->bits ? bits : d->bits);
		if (c == d->bits && c == bits) {
			if (d->pat < 0)
				d->pat = pat;
			return;
		}
		if (c == d->bits) {        /* d is a prefix of k: go down */
			slot = &d->child[key_bit(k, c)];
			continue;
		}
		uint32_t old = *slot;
		uint32_t up = ipt_new(t, k, c, c == bits ? pat : -1);
		t->node[up].child[key_bit(t->node[old].key, c)] = old;
		if (c < bits)              /* k and d part at bit c: k gets the other side */
			t->node[up].child[key_bit(k, c)] = ipt_new(t, k, bits, pat);
		*slot = up;
		return;
	}
}

/* The pattern of the longest prefix of the tree holding a, -1 none. */
static int32_t ipt_find(const struct ipt_node *node, uint32_t root, const uint64_t a[2])
{
	int32_t best = -1;
	for (uint32_t n = root; n != IPT_NONE;) {
		const struct ipt_node *d = &node[n];
		if (!key_prefix_eq(a, d->key, d->bits))
			break;
		if (d->pat >= 0)
			best = d->pat;
		if (d->bits == 128)
			break;
		n = d->child[key_bit(a, d->bits)];
	}
	return best;
}

/* ------------------------------------------------ the index */

/* Is the IPv6 key in ::ffff:0:0/96? */
static int key_v4mapped(const uint64_t k[2])
{
	return k[0] == 0 && k[1] >> 32 == 0xffff;
}

/* The tree (1: IPv4) and the key of pattern p, in *k and *bits. */
static int pat_key(const struct pattern *p, uint64_t k[2], int *bits)
{
	*bits = p->u.net.bits;
	if (p->u.net.family == AF_INET) {
		key_load4(k, p->u.net.addr);
		return 1;
	}
	key_load16(k, p->u.net.addr);
	if (*bits < 96 || !key_v4mapped(k))
		return 0;
	k[0] = k[1] << 32;
	k[1] = 0;
	*bits -= 96;
	return 1;
}

struct host_key {
	uint32_t key;
	int32_t pat;      /* the index in file order, which breaks ties */
};

static int by_key(const void *a, const void *b)
{
	const struct host_key *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->pat < y->pat ? -1 : x->pat > y->pat;
}

/* The sorted host array, one entry per address (its first pattern). */
static void hosts_freeze(struct arena *a, struct pat_ipidx *x, struct host_key *h, int nh)
{
	qsort(h, (size_t)nh, sizeof(*h), by_key);
	x->host = arena_alloc(a, sizeof(*x->host) * (size_t)(nh + 1));
	x->host_pat = arena_alloc(a, sizeof(*x->host_pat) * (size_t)(nh + 1));
	for (int i = 0; i < nh; i++) {
		if (x->nhost && x->host[x->nhost - 1] == h[i].key)
			continue;
		x->host[x->nhost] = h[i].key;
		x->host_pat[x->nhost++] = h[i].pat;
	}
}

static int32_t host_find(const struct pat_ipidx *x, uint32_t k)
{
	int lo = 0, hi = x->nhost - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (x->host[mid] == k)
			return x->host_pat[mid];
		if (x->host[mid] < k)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Copies a built tree into the arena, exactly sized. */
static struct ipt_node *ipt_freeze(struct arena *a, const struct ipt_build *t)
{
	struct ipt_node *d = arena_alloc(a, sizeof(*d) * (t->n ? t->n : 1));
	memcpy(d, t->node, sizeof(*d) * t->n);
	return d;
}

void pat_list_index(struct arena *a, struct pat_list *list)
{
	const struct pattern *p;
	int n = list->pats.n;
	if (list->match != PAT_MATCH_IP || n == 0)
		return;
	struct ipt_build b[2] = { { .root = IPT_NONE }, { .root = IPT_NONE } };
	struct host_key *h = calloc((size_t)n, sizeof(*h));
	int nh = 0;
	WEIR_ASSERT(h);
	for (int i = 0; i < 2; i++) {
		b[i].node = calloc(2 * (size_t)n + 1, sizeof(struct ipt_node));
		WEIR_ASSERT(b[i].node);
	}
	struct pat_ipidx *x = arena_alloc(a, sizeof(*x));
	x->pat = arena_alloc(a, sizeof(*x->pat) * (size_t)n);
	VEC_EACH(&list->pats, const struct pattern *, p) {
		uint64_t k[2];
		int bits, v4 = pat_key(p, k, &bits);
		x->pat[p_i] = p;
		if (v4 && bits == 32)
			h[nh++] = (struct host_key){ (uint32_t)(k[0] >> 32), p_i };
		else
			ipt_insert(&b[v4], k, bits, p_i);
	}
	hosts_freeze(a, x, h, nh);
	x->v6 = ipt_freeze(a, &b[0]);
	x->root6 = b[0].root;
	x->n6 = b[0].n;
	x->v4 = ipt_freeze(a, &b[1]);
	x->root4 = b[1].root;
	x->n4 = b[1].n;
	free(h);
	free(b[0].node);
	free(b[1].node);
	list->idx = x;
}

const struct pattern *pat_ipidx_lookup(const struct pat_ipidx *x, const struct smp_val *v)
{
	uint64_t k[2], m[2];
	int32_t i = -1;
	if (v->type == SMP_T_IPV4) {
		key_load4(k, (const unsigned char *)&v->ip4);
	} else {
		key_load16(k, v->ip6.s6_addr);
		if (!key_v4mapped(k)) {
			i = ipt_find(x->v6, x->root6, k);
			return i >= 0 ? x->pat[i] : NULL;
		}
		k[0] = k[1] << 32;
		k[1] = 0;
	}
	if (x->nhost)
		i = host_find(x, (uint32_t)(k[0] >> 32));
	if (i < 0)
		i = ipt_find(x->v4, x->root4, k);
	if (i < 0 && x->root6 != IPT_NONE) {
		m[0] = 0;
		m[1] = 0xffffULL << 32 | k[0] >> 32;
		i = ipt_find(x->v6, x->root6, m);
	}
	return i >= 0 ? x->pat[i] : NULL;
}
