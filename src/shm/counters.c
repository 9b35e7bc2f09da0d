/*
 * The counter descriptors generated from WEIR_COUNTERS (counters.h), and
 * the primitives that read a counter across the shards. Runs in every
 * process: workers update, stats and the Prometheus exporter read. Writes
 * nothing in the segment except through shm_freq_add(), called by the
 * worker that owns the shard.
 */
#include <stddef.h>
#include <time.h>

#include "weir/shm.h"

#define SHM__SEL_0(a, b) b
#define SHM__SEL_1(a, b) a
#define SHM__OFF_SUM(sh, rc, f) (int)offsetof(struct sh, f)
#define SHM__OFF_SMAX(sh, rc, f) (int)offsetof(struct sh, f)
#define SHM__OFF_AVG(sh, rc, f) (int)offsetof(struct sh, f)
#define SHM__OFF_RATE(sh, rc, f) (int)offsetof(struct sh, f)
#define SHM__OFF_GAUGE(sh, rc, f) (int)offsetof(struct rc, f)
#define SHM__OFF_GMAX(sh, rc, f) (int)offsetof(struct rc, f)
/* The field's offset when the kind has it, -1 otherwise: the unselected
 * branch is discarded by the preprocessor, so offsetof never names a
 * member the struct lacks. */
#define SHM__OFFK(flag, sh, rc, st, f) SHM__CAT(SHM__SEL_, flag)(SHM__OFF_##st(sh, rc, f), -1)

#define SHM__DESC(f, c, L, F, B, S, st, prom_, label_, help_) \
	[SHM_CTR_##f] = { \
		.name = #f, .col = c, \
		.kinds = (L << SHM_KIND_LI) | (F << SHM_KIND_FE) | (B << SHM_KIND_BE) | \
			 (S << SHM_KIND_SRV), \
		.store = SHM_STORE_##st, .prom = prom_, .label = label_, .help = help_, \
		.off = { \
			[SHM_KIND_LI] = SHM__OFFK(L, shm_li_shard, shm_li_ctrs, st, f), \
			[SHM_KIND_FE] = SHM__OFFK(F, shm_fe_shard, shm_fe_ctrs, st, f), \
			[SHM_KIND_BE] = SHM__OFFK(B, shm_be_shard, shm_be_ctrs, st, f), \
			[SHM_KIND_SRV] = SHM__OFFK(S, shm_srv_shard, shm_srv_ctrs, st, f), \
		}, \
	},

const struct shm_counter_desc shm_counters[SHM_CTR__COUNT] = {
	WEIR_COUNTERS(SHM__DESC)
};

const char *shm_kind_prom_prefix(enum shm_kind kind)
{
	static const char *const prefix[SHM_KIND__COUNT] = {
		[SHM_KIND_LI] = "haproxy_listener_", [SHM_KIND_FE] = "haproxy_frontend_",
		[SHM_KIND_BE] = "haproxy_backend_", [SHM_KIND_SRV] = "haproxy_server_",
	};
	return prefix[kind];
}

void *shm_ctrs(void *base, enum shm_kind kind, uint32_t obj)
{
	switch (kind) {
	case SHM_KIND_LI: return &shm_listener(base, obj)->c;
	case SHM_KIND_FE: return &shm_frontend(base, obj)->c;
	case SHM_KIND_BE: return &shm_backend(base, obj)->c;
	case SHM_KIND_SRV: return &shm_server(base, obj)->c;
	default: return NULL;
	}
}

/* The owner stores with relaxed atomics so a concurrent reader sees whole
 * words; it may see curr of the new second with prev not yet shifted,
 * which skews one reading by one period's events at most. */
void shm_freq_add(struct shm_freq *f, uint32_t now_sec, uint32_t n)
{
	uint32_t sec = __atomic_load_n(&f->sec, __ATOMIC_RELAXED);
	if (sec != now_sec) {
		uint32_t prev = sec + 1 == now_sec ? f->curr : 0;
		__atomic_store_n(&f->prev, prev, __ATOMIC_RELAXED);
		__atomic_store_n(&f->curr, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&f->sec, now_sec, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&f->curr, f->curr + n, __ATOMIC_RELAXED);
}

/* The previous period's events weighted by the share of it that still lies
 * within the last 1000 ms, plus the current period's: HAProxy's estimate. */
uint32_t shm_freq_read(const struct shm_freq *f, uint32_t now_sec, uint32_t now_ms)
{
	uint32_t sec = __atomic_load_n(&f->sec, __ATOMIC_RELAXED);
	uint32_t curr = __atomic_load_n(&f->curr, __ATOMIC_RELAXED);
	uint32_t prev = __atomic_load_n(&f->prev, __ATOMIC_RELAXED);
	uint64_t left = now_ms < 1000 ? 1000 - now_ms : 0;
	if (sec == now_sec)
		return curr + (uint32_t)(prev * left / 1000);
	if (sec + 1 == now_sec)
		return (uint32_t)(curr * left / 1000);
	return 0;
}

static uint64_t read_shards(void *base, enum shm_kind kind, uint32_t obj,
			    const struct shm_counter_desc *d)
{
	uint32_t nw = shm_hdr(base)->nworkers;
	struct timespec ts;
	uint64_t v = 0;
	if (d->store == SHM_STORE_RATE)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t sum = 0, n = 0;
	for (uint32_t w = 0; w < nw; w++) {
		char *p = (char *)shm_shard(base, w, kind, obj) + d->off[kind];
		if (d->store == SHM_STORE_AVG) {
			const struct shm_avg *a = (const struct shm_avg *)(void *)p;
			sum += __atomic_load_n(&a->sum, __ATOMIC_RELAXED);
			n += __atomic_load_n(&a->n, __ATOMIC_RELAXED);
			continue;
		}
		if (d->store == SHM_STORE_RATE) {
			v += shm_freq_read((const struct shm_freq *)(void *)p, (uint32_t)ts.tv_sec,
					   (uint32_t)(ts.tv_nsec / 1000000));
			continue;
		}
		uint64_t x = __atomic_load_n((uint64_t *)(void *)p, __ATOMIC_RELAXED);
		v = d->store == SHM_STORE_SMAX ? (x > v ? x : v) : v + x;
	}
	/* each worker's mean weighs by its samples */
	if (d->store == SHM_STORE_AVG)
		return n ? (sum + n / 2) / n : 0;
	return v;
}

uint64_t shm_counter_read(void *base, enum shm_kind kind, uint32_t obj, enum shm_counter ctr)
{
	const struct shm_counter_desc *d = &shm_counters[ctr];
	if (d->off[kind] < 0)
		return 0;
	if (d->store == SHM_STORE_GAUGE || d->store == SHM_STORE_GMAX) {
		char *p = (char *)shm_ctrs(base, kind, obj) + d->off[kind];
		return __atomic_load_n((uint64_t *)(void *)p, __ATOMIC_RELAXED);
	}
	return read_shards(base, kind, obj, d);
}
