/*
 * The lookup index of IP pattern lists (ACL `src` lists, map_ip files).
 * Built by the master once a list is complete, in the model's arena; read
 * by the workers.
 *
 * Choice: a sorted array of /32 IPv4 addresses searched by bisection,
 * plus the other patterns (networks, IPv6) in an array ordered by prefix
 * length, longest first. Allow and deny lists are mostly single hosts with
 * a few networks, so this is a binary search and a short scan, in two flat
 * arrays that stay in cache, and the first network hit is the longest
 * prefix, which map_ip needs. A prefix tree would only pay off for long
 * lists of networks; it can replace `nets` behind the same two functions.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "smp-rt-int.h"
#include "weir/util.h"


struct keyed {
	uint32_t key;
	int order;
	const struct pattern *p;
};

static int by_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->order - y->order;
}

static int by_bits(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int bx = x->p->u.net.bits + (x->p->u.net.family == AF_INET ? 96 : 0);
	int by = y->p->u.net.bits + (y->p->u.net.family == AF_INET ? 96 : 0);
	return bx != by ? by - bx : x->order - y->order;
}

void pat_list_index(struct arena *a, struct pat_list *list)
{
	const struct pattern *p;
	int n = list->pats.n, nh = 0, nn = 0;
	if (list->match != PAT_MATCH_IP || n == 0)
		return;
	struct keyed *h = calloc((size_t)n, sizeof(*h)), *o = calloc((size_t)n, sizeof(*o));
	WEIR_ASSERT(h && o);
	VEC_EACH(&list->pats, const struct pattern *, p) {
		if (p->u.net.family == AF_INET && p->u.net.bits == 32) {
			uint32_t k;
			memcpy(&k, p->u.net.addr, 4);
			h[nh++] = (struct keyed){ ntohl(k), p_i, p };
		} else {
			o[nn++] = (struct keyed){ 0, p_i, p };
		}
	}
	qsort(h, (size_t)nh, sizeof(*h), by_key);
	qsort(o, (size_t)nn, sizeof(*o), by_bits);
	struct pat_ipidx *x = arena_alloc(a, sizeof(*x));
	x->host = arena_alloc(a, sizeof(uint32_t) * (size_t)(nh + 1));
	x->host_pat = arena_alloc(a, sizeof(*x->host_pat) * (size_t)(nh + 1));
	x->nets = arena_alloc(a, sizeof(*x->nets) * (size_t)(nn + 1));
	for (int i = 0; i < nh; i++) {
		if (x->nhost && x->host[x->nhost - 1] == h[i].key)
			continue;   /* a duplicate key: the first one in file order wins */
		x->host[x->nhost] = h[i].key;
		x->host_pat[x->nhost++] = h[i].p;
	}
	for (int i = 0; i < nn; i++)
		x->nets[x->nnets++] = o[i].p;
	free(h);
	free(o);
	list->idx = x;
}

static const struct pattern *host_lookup(const struct pat_ipidx *x, uint32_t k)
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
	return NULL;
}

const struct pattern *pat_ipidx_lookup(const struct pat_ipidx *x, const struct smp_val *v)
{
	uint32_t k;
	int is4 = v->type == SMP_T_IPV4 || (v->type == SMP_T_IPV6 &&
					    IN6_IS_ADDR_V4MAPPED(&v->ip6));
	if (is4 && x->nhost) {
		memcpy(&k, v->type == SMP_T_IPV4 ? (const void *)&v->ip4 :
		       (const void *)&v->ip6.s6_addr[12], 4);
		const struct pattern *p = host_lookup(x, ntohl(k));
		if (p)
			return p;
	}
	for (int i = 0; i < x->nnets; i++)
		if (pat_ip_match(x->nets[i], v))
			return x->nets[i];
	return NULL;
}
