/*
 * Lays out the shared segment from a configuration (shm-t.h draws the
 * result): counts the objects, places every region at a SHM_ALIGN
 * boundary, sizes the stick tables. Pure computation in the master; it
 * touches no segment. The same walk order (cfg->proxies, then binds and
 * servers in file order) is what gives records their indexes, and
 * src/shm/segment.c follows it when it fills them.
 */
#include <string.h>

#include "weir/cfg-t.h"
#include "weir/shm.h"
#include "weir/stick.h"
#include "weir/util.h"

#define ALIGN_UP(x, a) (((x) + (uint64_t)(a) - 1) / (uint64_t)(a) * (uint64_t)(a))

const char *shm_listener_name(const struct bind_conf *b)
{
	if (b->name)
		return b->name;
	return b->addr.text ? b->addr.text : "";
}

static uint64_t name_bytes(const char *s)
{
	return strlen(s ? s : "") + 1;
}

/* Counts records and name bytes, and numbers frontends and backends. */
static uint64_t count_objects(const struct cfg *cfg, struct shm_layout *l)
{
	const struct proxy_conf *px;
	uint64_t names = 1;       /* offset 0 of NAMES is "" */
	l->npx = cfg->proxies.n;
	l->fe_of_px = xcalloc((size_t)l->npx + 1, sizeof(int));
	l->be_of_px = xcalloc((size_t)l->npx + 1, sizeof(int));
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		int i = px_i;
		l->fe_of_px[i] = l->be_of_px[i] = -1;
		if (px->cap & PX_CAP_FE) {
			const struct bind_conf *b;
			l->fe_of_px[i] = (int)l->nfe++;
			names += name_bytes(px->name);
			VEC_EACH(&px->binds, const struct bind_conf *, b)
				names += name_bytes(shm_listener_name(b));
			l->nli += (uint32_t)px->binds.n;
		}
		if (px->cap & PX_CAP_BE) {
			const struct server_conf *s;
			l->be_of_px[i] = (int)l->nbe++;
			names += name_bytes(px->name);
			VEC_EACH(&px->servers, const struct server_conf *, s)
				names += name_bytes(s->name);
			l->nsrv += (uint32_t)px->servers.n;
		}
		if (px->table) {
			l->nstick++;
			names += name_bytes(px->table->name);
		}
	}
	return names;
}

static uint64_t place(struct shm_layout *l, enum shm_region_id r, uint64_t off,
		      uint32_t count, uint64_t stride, uint64_t size)
{
	l->region[r].off = off;
	l->region[r].count = count;
	l->region[r].stride = (uint32_t)stride;
	l->region[r].size = size;
	return ALIGN_UP(off + size, SHM_ALIGN);
}

static uint32_t key_bytes(const struct stick_table_conf *t)
{
	switch (t->type) {
	case STICK_KEY_IP: return 4;
	case STICK_KEY_IPV6: return 16;
	case STICK_KEY_INTEGER: return 4;
	case STICK_KEY_STRING: return (uint32_t)t->key_len + 1;   /* NUL */
	case STICK_KEY_BINARY: return (uint32_t)t->key_len;
	}
	return 0;
}

/* Bytes and alignment of one stored data type: counters are 32 bits as in
 * HAProxy, except the byte counters; rates are struct shm_freq. */
static uint32_t data_bytes(enum stick_data dt, const struct stick_data_conf *c, uint32_t *align)
{
	uint32_t n = c->count > 0 ? (uint32_t)c->count : 1;
	*align = 4;
	switch (dt) {
	case STICK_DT_BYTES_IN_CNT:
	case STICK_DT_BYTES_OUT_CNT:
		*align = 8;
		return 8;
	case STICK_DT_GPT:
	case STICK_DT_GPC:
		return 4 * n;
	case STICK_DT_GPC_RATE:
		return (uint32_t)sizeof(struct shm_freq) * n;
	default:
		return stick_data_is_rate(dt) ? (uint32_t)sizeof(struct shm_freq) : 4;
	}
}

/* Fills the entry layout of one table; -1 when an entry outgrows the
 * 16-bit data offsets (a key of ~64 kB). */
static int stick_entry_layout(const struct stick_table_conf *t, struct shm_stick *st)
{
	uint32_t off = SHM_STICK_ENTRY_HDR + key_bytes(t);
	st->type = t->type;
	st->key_len = key_bytes(t);
	for (int dt = 0; dt < STICK_DT__COUNT; dt++) {
		uint32_t align;
		if (!t->data[dt].stored)
			continue;
		uint32_t sz = data_bytes((enum stick_data)dt, &t->data[dt], &align);
		off = (uint32_t)ALIGN_UP(off, align);
		if (off > UINT16_MAX)
			return -1;
		st->data_off[dt] = (uint16_t)off;
		off += sz;
	}
	st->entry_size = (uint32_t)ALIGN_UP(off, SHM_ALIGN);
	return st->entry_size > UINT16_MAX ? -1 : 0;
}

static uint32_t pow2_at_least(uint64_t n)
{
	uint64_t p = 1;
	while (p < n)
		p <<= 1;
	return (uint32_t)p;
}

/* Places each table's buckets and entries from `off`; returns the end, 0
 * on error. */
static uint64_t place_stick_data(const struct cfg *cfg, struct shm_layout *l, uint64_t off)
{
	const struct proxy_conf *px;
	uint32_t n = 0;
	l->stick = xcalloc((size_t)l->nstick + 1, sizeof(*l->stick));
	l->stick_conf = xcalloc((size_t)l->nstick + 1, sizeof(*l->stick_conf));
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		if (!px->table)
			continue;
		struct shm_stick *st = &l->stick[n];
		l->stick_conf[n++] = px->table;
		if (px->table->size < 0 || px->table->size >= SHM_STICK_NONE) {
			l->error = "stick-table size exceeds 4294967294 entries";
			return 0;
		}
		if (stick_entry_layout(px->table, st) < 0) {
			l->error = "stick-table entry exceeds 64 kB (key length too large)";
			return 0;
		}
		st->capacity = (uint64_t)px->table->size;
		st->expire = px->table->expire;
		st->nbuckets = pow2_at_least(st->capacity ? st->capacity : 1);
		st->buckets_off = off;
		off = ALIGN_UP(off + (uint64_t)st->nbuckets * 4, SHM_ALIGN);
		st->entries_off = off;
		off = ALIGN_UP(off + st->capacity * st->entry_size, SHM_ALIGN);
	}
	return off;
}

/* One block per worker: its frontend, backend, server and listener shards
 * in that order, the block rounded to a page. */
static uint64_t shard_block(struct shm_layout *l)
{
	static const enum shm_kind order[] = { SHM_KIND_FE, SHM_KIND_BE, SHM_KIND_SRV, SHM_KIND_LI };
	const uint32_t count[SHM_KIND__COUNT] = {
		[SHM_KIND_LI] = l->nli, [SHM_KIND_FE] = l->nfe,
		[SHM_KIND_BE] = l->nbe, [SHM_KIND_SRV] = l->nsrv,
	};
	l->shard_size[SHM_KIND_LI] = sizeof(struct shm_li_shard);
	l->shard_size[SHM_KIND_FE] = sizeof(struct shm_fe_shard);
	l->shard_size[SHM_KIND_BE] = sizeof(struct shm_be_shard);
	l->shard_size[SHM_KIND_SRV] = sizeof(struct shm_srv_shard);
	uint64_t off = 0;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		l->shard_off[order[i]] = (uint32_t)off;
		off += (uint64_t)count[order[i]] * l->shard_size[order[i]];
	}
	return ALIGN_UP(off, SHM_PAGE);
}

int shm_layout_compute(const struct cfg *cfg, int nworkers, struct shm_layout *out)
{
	struct shm_layout *l = out;
	memset(l, 0, sizeof(*l));
	l->cfg = cfg;
	l->generation = 1;
	if (nworkers < 1 || nworkers > SHM_MAX_WORKERS) {
		l->error = "the number of workers must be between 1 and 1024";
		return -1;
	}
	l->nworkers = (uint32_t)nworkers;
	l->nproc = 1 + l->nworkers + 2;
	uint64_t names = count_objects(cfg, l);
	uint64_t off = ALIGN_UP(sizeof(struct shm_header), SHM_ALIGN);
	off = place(l, SHM_R_PROC, off, l->nproc, sizeof(struct shm_proc),
		    l->nproc * sizeof(struct shm_proc));
	off = place(l, SHM_R_FE, off, l->nfe, sizeof(struct shm_fe), l->nfe * sizeof(struct shm_fe));
	off = place(l, SHM_R_BE, off, l->nbe, sizeof(struct shm_be), l->nbe * sizeof(struct shm_be));
	off = place(l, SHM_R_SRV, off, l->nsrv, sizeof(struct shm_srv),
		    (uint64_t)l->nsrv * sizeof(struct shm_srv));
	off = place(l, SHM_R_LI, off, l->nli, sizeof(struct shm_li), l->nli * sizeof(struct shm_li));
	off = place(l, SHM_R_STICK, off, l->nstick, sizeof(struct shm_stick),
		    l->nstick * sizeof(struct shm_stick));
	/* names before the large regions: name offsets are 32-bit */
	off = place(l, SHM_R_NAMES, off, 0, 0, names);
	uint64_t block = shard_block(l);
	off = place(l, SHM_R_SHARDS, ALIGN_UP(off, SHM_PAGE), l->nworkers, block,
		    block * l->nworkers);
	uint64_t end = place_stick_data(cfg, l, off);
	if (!end)
		return -1;
	place(l, SHM_R_STDATA, off, 0, 0, end - off);
	l->size = ALIGN_UP(end, SHM_PAGE);
	return 0;
}

void shm_layout_release(struct shm_layout *l)
{
	if (!l)
		return;
	free(l->fe_of_px);
	free(l->be_of_px);
	free(l->stick);
	free(l->stick_conf);
	l->fe_of_px = l->be_of_px = NULL;
	l->stick = NULL;
	l->stick_conf = NULL;
}
