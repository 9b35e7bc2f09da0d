/*
 * The shared-memory segment (layout in shm-t.h): computing a layout from a
 * configuration, creating and mapping the segment, typed accessors from
 * offsets, and the counter update and read primitives.
 *
 * The master computes the layout and creates the segment before forking;
 * every process uses the accessors. Owned by src/shm/.
 */
#ifndef WEIR_SHM_H
#define WEIR_SHM_H

#include <stdint.h>
#include <string.h>

#include "weir/shm-t.h"

/* Lays out `cfg` for `nworkers` workers: pure computation, nothing is
 * mapped. 0, or -1 with out->error set (too many workers, a table too large
 * for 32-bit entry indexes). Release with shm_layout_release() either way. */
int shm_layout_compute(const struct cfg *cfg, int nworkers, struct shm_layout *out);
void shm_layout_release(struct shm_layout *l);

struct bind_conf;
/* What a listener is called in stats and in its record: its `name`, else
 * its address as written. */
const char *shm_listener_name(const struct bind_conf *b);

/* Creates the segment (memfd, sealed against resizing; shm_open where memfd
 * is missing), maps it MAP_SHARED and writes the header, the records' config
 * fields and the names. 0, or -1 with errno. The fd is close-on-exec: the
 * master clears that flag itself when it passes the segment across a
 * re-exec. */
int shm_create(const struct shm_layout *l, struct shm_seg *seg);
/* Maps an existing segment from its fd and checks its header (magic,
 * version, size): 0, or -1 with errno (EPROTO: not a weir segment of this
 * layout version). Takes ownership of fd on success. */
int shm_attach(int fd, struct shm_seg *seg);
/* Unmaps and closes. Accepts a seg that failed to create or attach. */
void shm_destroy(struct shm_seg *seg);

/* ----------------------------------------------------------- accessors */

static inline struct shm_header *shm_hdr(void *base)
{
	return (struct shm_header *)base;
}

static inline void *shm_at(void *base, uint64_t off)
{
	return (char *)base + off;
}

static inline void *shm_rec(void *base, enum shm_region_id r, uint32_t i)
{
	const struct shm_region *reg = &shm_hdr(base)->region[r];
	return (char *)base + reg->off + (uint64_t)i * reg->stride;
}

static inline struct shm_proc *shm_proc(void *base, uint32_t slot)
{
	return (struct shm_proc *)shm_rec(base, SHM_R_PROC, slot);
}

static inline struct shm_fe *shm_frontend(void *base, uint32_t i)
{
	return (struct shm_fe *)shm_rec(base, SHM_R_FE, i);
}

static inline struct shm_be *shm_backend(void *base, uint32_t i)
{
	return (struct shm_be *)shm_rec(base, SHM_R_BE, i);
}

static inline struct shm_srv *shm_server(void *base, uint32_t i)
{
	return (struct shm_srv *)shm_rec(base, SHM_R_SRV, i);
}

/* A server's health check (agent check) is configured and not disabled
 * by the runtime API (`disable health`, `disable agent`). */
static inline int shm_srv_health_on(const struct shm_srv *s)
{
	return (s->flags & SHM_SRV_CHECK) &&
	       !(__atomic_load_n(&s->ctl, __ATOMIC_RELAXED) & SHM_CTL_HEALTH_OFF);
}

static inline int shm_srv_agent_on(const struct shm_srv *s)
{
	return (s->flags & SHM_SRV_AGENT) &&
	       !(__atomic_load_n(&s->ctl, __ATOMIC_RELAXED) & SHM_CTL_AGENT_OFF);
}

/* A server's runtime address (`set server ... addr`): 1 with its version,
 * family, address (network order) and port (0: the configured one); 0
 * while the configured address holds. A writer in progress (odd version)
 * is waited out; it stores a few words. */
static inline int shm_srv_rt_addr(const struct shm_srv *s, uint32_t *seq, uint16_t *family,
				  uint32_t ip[4], uint16_t *port)
{
	for (;;) {
		uint32_t a = __atomic_load_n(&s->rt_seq, __ATOMIC_ACQUIRE);
		*seq = a;
		if (a == 0)
			return 0;
		if (a & 1)
			continue;
		*family = __atomic_load_n(&s->rt_family, __ATOMIC_RELAXED);
		*port = __atomic_load_n(&s->rt_port, __ATOMIC_RELAXED);
		for (int i = 0; i < 4; i++)
			ip[i] = __atomic_load_n(&s->rt_ip[i], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&s->rt_seq, __ATOMIC_RELAXED) == a)
			return 1;
	}
}

/* The checks' runtime targets (shm_chk_rt) copied out under chk_seq; the
 * version in *seq (0: nothing was ever set, v zeroed). */
static inline void shm_srv_chk_rt(const struct shm_srv *s, struct shm_chk_rt *v, uint32_t *seq)
{
	for (;;) {
		uint32_t a = __atomic_load_n(&s->chk_seq, __ATOMIC_ACQUIRE);
		*seq = a;
		if (a == 0) {
			memset(v, 0, sizeof(*v));
			return;
		}
		if (a & 1)
			continue;
		memcpy(v, &s->chk_rt, sizeof(*v));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&s->chk_seq, __ATOMIC_RELAXED) == a) {
			v->send[sizeof(v->send) - 1] = '\0';
			return;
		}
	}
}

static inline struct shm_li *shm_listener(void *base, uint32_t i)
{
	return (struct shm_li *)shm_rec(base, SHM_R_LI, i);
}

static inline struct shm_stick *shm_stick(void *base, uint32_t i)
{
	return (struct shm_stick *)shm_rec(base, SHM_R_STICK, i);
}

static inline const char *shm_name(void *base, uint32_t name_off)
{
	return (const char *)base + name_off;
}

/* The shard of object `obj` of `kind` in worker `worker`'s block. */
static inline void *shm_shard(void *base, uint32_t worker, enum shm_kind kind, uint32_t obj)
{
	const struct shm_header *h = shm_hdr(base);
	const struct shm_region *reg = &h->region[SHM_R_SHARDS];
	return (char *)base + reg->off + (uint64_t)worker * reg->stride + h->shard_off[kind] +
	       (uint64_t)obj * h->shard_size[kind];
}

static inline struct shm_fe_shard *shm_fe_shard(void *base, uint32_t worker, uint32_t i)
{
	return (struct shm_fe_shard *)shm_shard(base, worker, SHM_KIND_FE, i);
}

static inline struct shm_be_shard *shm_be_shard(void *base, uint32_t worker, uint32_t i)
{
	return (struct shm_be_shard *)shm_shard(base, worker, SHM_KIND_BE, i);
}

static inline struct shm_srv_shard *shm_srv_shard(void *base, uint32_t worker, uint32_t i)
{
	return (struct shm_srv_shard *)shm_shard(base, worker, SHM_KIND_SRV, i);
}

static inline struct shm_li_shard *shm_li_shard(void *base, uint32_t worker, uint32_t i)
{
	return (struct shm_li_shard *)shm_shard(base, worker, SHM_KIND_LI, i);
}

/* The counter block (GAUGE/GMAX) of object `obj` of `kind`. */
void *shm_ctrs(void *base, enum shm_kind kind, uint32_t obj);

/* Entry `i` of a stick table. */
static inline struct shm_stick_entry *shm_stick_entry(void *base, const struct shm_stick *t,
						      uint32_t i)
{
	return (struct shm_stick_entry *)((char *)base + t->entries_off +
					  (uint64_t)i * t->entry_size);
}

/* ------------------------------------------------------ counter updates */

/* A shard counter, by its owning worker: relaxed load and store (plain
 * instructions), no read-modify-write bus lock. */
static inline void shm_shard_add(uint64_t *ctr, uint64_t n)
{
	__atomic_store_n(ctr, __atomic_load_n(ctr, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* One sample (ms) into an AVG counter's shard: the exact mean over the
 * first SHM_AVG_SAMPLES, then each new sample replaces an average one
 * (HAProxy's sliding window of about the last 1024). */
static inline void shm_avg_add(struct shm_avg *a, uint64_t v)
{
	uint64_t n = __atomic_load_n(&a->n, __ATOMIC_RELAXED);
	uint64_t sum = __atomic_load_n(&a->sum, __ATOMIC_RELAXED);
	if (n < SHM_AVG_SAMPLES)
		__atomic_store_n(&a->n, n + 1, __ATOMIC_RELAXED);
	else
		sum -= sum / SHM_AVG_SAMPLES;
	__atomic_store_n(&a->sum, sum + v, __ATOMIC_RELAXED);
}

static inline void shm_shard_max(uint64_t *ctr, uint64_t v)
{
	if (__atomic_load_n(ctr, __ATOMIC_RELAXED) < v)
		__atomic_store_n(ctr, v, __ATOMIC_RELAXED);
}

/* A global counter, by any process. Returns the new value. */
static inline uint64_t shm_gauge_add(uint64_t *ctr, int64_t n)
{
	return __atomic_add_fetch(ctr, (uint64_t)n, __ATOMIC_ACQ_REL);
}

static inline void shm_gmax(uint64_t *ctr, uint64_t v)
{
	uint64_t cur = __atomic_load_n(ctr, __ATOMIC_RELAXED);
	while (cur < v && !__atomic_compare_exchange_n(ctr, &cur, v, 1, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
}

/* Counts n events at second `now_sec` in a worker's frequency counter. */
void shm_freq_add(struct shm_freq *f, uint32_t now_sec, uint32_t n);
/* Events per second over the last elapsed second, at now_sec + now_ms/1000. */
uint32_t shm_freq_read(const struct shm_freq *f, uint32_t now_sec, uint32_t now_ms);

/* ------------------------------------------------------- counter reads */

/* The daemon-wide value of counter `ctr` for object `obj` of `kind`: the
 * record's value, or the sum (maximum, rate) over every worker's shard.
 * 0 when the kind does not have the counter. */
uint64_t shm_counter_read(void *base, enum shm_kind kind, uint32_t obj, enum shm_counter ctr);

#endif
