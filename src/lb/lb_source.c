/*
 * `balance source`: a hash of the client's address picks the server, so a
 * client keeps going to the same server while the usable set does not
 * change. Map-based (HAProxy's default hash-type for it): the hash indexes
 * a weighted map of the set (lb_map.c), so weights hold. Runs in the
 * workers; reads the servers' c.scur (through lb_skip), writes nothing in
 * the segment; the map lives in b->priv.
 *
 * - The address only, never the port: a client opens many connections
 *   from many ports. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a
 *   dual-stack listener reports) hashes as the IPv4 address it carries.
 * - Map-based means any change of the set moves most clients, as HAProxy
 *   documents; `hash-type consistent` is not implemented yet and is
 *   treated as map-based.
 * - When the client's server is full or to be avoided, the connection goes
 *   to the next server along the map (its neighbours in the interleaved
 *   order, so overflow spreads), for this connection only.
 * - With no IP address (a UNIX socket client), round robin over the map,
 *   as HAProxy does.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "weir/lb.h"
#include "weir/util.h"
#include "lb_int.h"

/* FNV-1a over the bytes, then a finalizer: FNV alone leaves the low bits
 * of close addresses (a /24 of clients) too alike for a modulo. */
static uint32_t lb_source_hash(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* The hash of the request's client address; 0 with none (*ok = 0). */
static uint32_t lb_source_key(const struct lb_req *req, int *ok)
{
	*ok = 0;
	if (!req || !req->src)
		return 0;
	if (req->src->sa_family == AF_INET && req->srclen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)req->src;
		*ok = 1;
		return lb_source_hash((const unsigned char *)&a->sin_addr, 4);
	}
	if (req->src->sa_family == AF_INET6 && req->srclen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)req->src;
		const unsigned char *p = a->sin6_addr.s6_addr;
		*ok = 1;
		if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
			return lb_source_hash(p + 12, 4);
		return lb_source_hash(p, 16);
	}
	return 0;
}

static struct lb_srv *lb_source_pick(struct lb_be *b, const struct lb_req *req)
{
	const struct lb_map *m = b->priv;
	uint32_t at;
	int ok;
	if (!m)
		return NULL;
	uint32_t h = lb_source_key(req, &ok);
	if (ok)
		return lb_map_walk(b, m, h % m->len, req, &at);
	struct lb_srv *s = lb_map_walk(b, m, b->rr_pos % m->len, req, &at);
	if (s)
		b->rr_pos = (at + 1) % m->len;
	return s;
}

const struct lb_ops lb_source_ops = {
	.algo = LB_ALGO_SOURCE,
	.build = lb_map_set_weights,
	.pick = lb_source_pick,
	.release = lb_map_release,
};
