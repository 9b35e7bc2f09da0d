/*
 * The shared-segment layout (src/shm). Promises checked: for the seed
 * configurations and hand-written edge cases (no servers, 1500 servers,
 * stick tables of every key type, 1 and 64 workers), every region lies
 * inside the segment, every record is 64-byte aligned, no two regions
 * overlap, two workers' shards never share a cache line, and the header's
 * counts match the model; the counters table is consistent; a created
 * segment is shared for real (a forked child and a second mapping of the
 * same fd see and make the same writes).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/shm.h"
#include "weir/stick.h"
#include "weir/util.h"

/* ------------------------------------------------------------- helpers */

struct span {
	uint64_t lo, hi;
	const char *what;
};

static void assert_disjoint(struct span *s, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			if (s[i].lo == s[i].hi || s[j].lo == s[j].hi)
				continue;
			ck_assert_msg(s[i].hi <= s[j].lo || s[j].hi <= s[i].lo,
				      "%s [%llu,%llu) overlaps %s [%llu,%llu)", s[i].what,
				      (unsigned long long)s[i].lo, (unsigned long long)s[i].hi,
				      s[j].what, (unsigned long long)s[j].lo,
				      (unsigned long long)s[j].hi);
		}
}

static const char *const region_name[SHM_R__COUNT] = {
	"PROC", "FE", "BE", "SRV", "LI", "STICK", "SHARDS", "STDATA", "NAMES",
};

/* Regions: inside the segment, aligned, records aligned, disjoint from each
 * other and from the header. */
static void check_regions(const struct shm_layout *l)
{
	struct span s[SHM_R__COUNT + 1] = { { 0, sizeof(struct shm_header), "header" } };
	ck_assert_uint_eq(l->size % SHM_PAGE, 0);
	for (int r = 0; r < SHM_R__COUNT; r++) {
		const struct shm_region *g = &l->region[r];
		ck_assert_msg(g->off % SHM_ALIGN == 0, "%s not aligned", region_name[r]);
		ck_assert_msg(g->off + g->size <= l->size, "%s outside the segment", region_name[r]);
		if (r != SHM_R_NAMES && r != SHM_R_STDATA) {
			ck_assert_msg(g->stride % SHM_ALIGN == 0, "%s stride %u", region_name[r],
				      g->stride);
			ck_assert_uint_eq((uint64_t)g->count * g->stride, g->size);
		}
		s[r + 1] = (struct span){ g->off, g->off + g->size, region_name[r] };
	}
	assert_disjoint(s, SHM_R__COUNT + 1);
}

/* Shards: each kind's shards fit in the block without overlap; blocks of
 * different workers are disjoint and page aligned, so no cache line (nor
 * page) holds two workers' shards. */
static void check_shards(const struct shm_layout *l)
{
	const uint32_t count[SHM_KIND__COUNT] = { l->nli, l->nfe, l->nbe, l->nsrv };
	const struct shm_region *g = &l->region[SHM_R_SHARDS];
	struct span s[SHM_KIND__COUNT];
	ck_assert_uint_eq(g->count, l->nworkers);
	ck_assert_uint_eq(g->off % SHM_PAGE, 0);
	ck_assert_uint_eq(g->stride % SHM_PAGE, 0);
	for (int k = 0; k < SHM_KIND__COUNT; k++) {
		ck_assert_uint_eq(l->shard_size[k] % SHM_ALIGN, 0);
		ck_assert_uint_eq(l->shard_off[k] % SHM_ALIGN, 0);
		s[k] = (struct span){ l->shard_off[k],
				      l->shard_off[k] + (uint64_t)count[k] * l->shard_size[k], "kind" };
		ck_assert_uint_le(s[k].hi, g->stride);
	}
	assert_disjoint(s, SHM_KIND__COUNT);
	/* the last line of worker w and the first of worker w+1 */
	for (uint32_t w = 0; w + 1 < l->nworkers; w++) {
		uint64_t end_w = g->off + (uint64_t)w * g->stride + g->stride - 1;
		uint64_t start_next = g->off + (uint64_t)(w + 1) * g->stride;
		ck_assert_uint_lt(end_w / SHM_ALIGN, start_next / SHM_ALIGN);
	}
}

/* Stick tables: buckets and entries inside STDATA, aligned, disjoint; every
 * stored data type inside the entry, after the key. */
static void check_sticks(const struct shm_layout *l)
{
	const struct shm_region *g = &l->region[SHM_R_STDATA];
	struct span *s = xcalloc(2 * (size_t)l->nstick + 1, sizeof(*s));
	for (uint32_t i = 0; i < l->nstick; i++) {
		const struct shm_stick *t = &l->stick[i];
		ck_assert_uint_eq(t->entry_size % SHM_ALIGN, 0);
		ck_assert_uint_eq(t->buckets_off % SHM_ALIGN, 0);
		ck_assert_uint_eq(t->entries_off % SHM_ALIGN, 0);
		ck_assert_uint_ge(t->nbuckets, t->capacity);
		ck_assert_uint_eq(t->nbuckets & (t->nbuckets - 1), 0);
		ck_assert_uint_eq(t->capacity, (uint64_t)l->stick_conf[i]->size);
		s[2 * i] = (struct span){ t->buckets_off, t->buckets_off + 4ull * t->nbuckets, "buckets" };
		s[2 * i + 1] = (struct span){ t->entries_off,
					      t->entries_off + t->capacity * t->entry_size, "entries" };
		for (int k = 0; k < 2; k++)
			ck_assert(s[2 * i + k].lo >= g->off && s[2 * i + k].hi <= g->off + g->size);
		for (int dt = 0; dt < STICK_DT__COUNT; dt++) {
			int stored = l->stick_conf[i]->data[dt].stored;
			ck_assert_int_eq(t->data_off[dt] != 0, stored != 0);
			if (stored)
				ck_assert_uint_ge(t->data_off[dt], SHM_STICK_ENTRY_HDR + t->key_len);
			ck_assert_uint_lt(t->data_off[dt], t->entry_size);
		}
	}
	assert_disjoint(s, 2 * (int)l->nstick);
	free(s);
}

/* The counts, from the model by a walk of our own. */
static void check_counts(const struct cfg *cfg, const struct shm_layout *l)
{
	uint32_t nfe = 0, nbe = 0, nsrv = 0, nli = 0, nst = 0;
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		nfe += !!(px->cap & PX_CAP_FE);
		nli += px->cap & PX_CAP_FE ? (uint32_t)px->binds.n : 0;
		nbe += !!(px->cap & PX_CAP_BE);
		nsrv += px->cap & PX_CAP_BE ? (uint32_t)px->servers.n : 0;
		nst += px->table != NULL;
	}
	ck_assert_uint_eq(l->nfe, nfe);
	ck_assert_uint_eq(l->nbe, nbe);
	ck_assert_uint_eq(l->nsrv, nsrv);
	ck_assert_uint_eq(l->nli, nli);
	ck_assert_uint_eq(l->nstick, nst);
	ck_assert_uint_eq(l->nproc, l->nworkers + 3);
	ck_assert_uint_eq(l->region[SHM_R_FE].count, nfe);
	ck_assert_uint_eq(l->region[SHM_R_SRV].count, nsrv);
}

/* The segment as created: header copies the layout, names and ranges
 * match the model. */
static void check_segment(const struct cfg *cfg, const struct shm_layout *l)
{
	struct shm_seg seg;
	ck_assert_int_eq(shm_create(l, &seg), 0);
	void *b = seg.base;
	struct shm_header *h = shm_hdr(b);
	ck_assert_uint_eq(h->magic, SHM_MAGIC);
	ck_assert_uint_eq(h->total_size, l->size);
	ck_assert_uint_eq(h->nfe, l->nfe);
	ck_assert_uint_eq(h->nsrv, l->nsrv);
	ck_assert_uint_eq(h->nworkers, l->nworkers);
	ck_assert_int_eq(memcmp(h->region, l->region, sizeof(h->region)), 0);
	ck_assert_uint_eq(shm_proc(b, 0)->role, SHM_ROLE_MASTER);
	ck_assert_uint_eq(shm_proc(b, l->nworkers)->role, SHM_ROLE_WORKER);
	ck_assert_uint_eq(shm_proc(b, l->nworkers + 2)->role, SHM_ROLE_STATS);
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		int be = l->be_of_px[px_i];
		if (be < 0)
			continue;
		struct shm_be *r = shm_backend(b, (uint32_t)be);
		ck_assert_str_eq(shm_name(b, r->name_off), px->name);
		ck_assert_int_eq(r->srv_count, px->servers.n);
		for (int i = 0; i < px->servers.n; i++) {
			const struct server_conf *s = px->servers.v[i];
			struct shm_srv *sr = shm_server(b, r->srv_first + (uint32_t)i);
			ck_assert_str_eq(shm_name(b, sr->name_off), s->name);
			ck_assert_uint_eq(sr->weight_user, (uint32_t)s->weight);
			ck_assert_uint_eq(sr->be_index, (uint32_t)be);
			ck_assert_uint_eq(sr->admin, s->disabled ? SHM_ADMIN_CMAINT : 0);
		}
	}
	shm_destroy(&seg);
}

static void check_all(const struct cfg *cfg, int nworkers, int create)
{
	struct shm_layout l;
	ck_assert_msg(shm_layout_compute(cfg, nworkers, &l) == 0, "%s", l.error);
	check_regions(&l);
	check_shards(&l);
	check_sticks(&l);
	check_counts(cfg, &l);
	if (create)
		check_segment(cfg, &l);
	shm_layout_release(&l);
}

/* ------------------------------------------------------- hand-written */

START_TEST(no_servers)
{
	struct cfg *cfg = t_load_ok("frontend fe\n  bind :8080\n  default_backend be\n"
				  "backend be\n");
	check_all(cfg, 1, 1);
	check_all(cfg, 64, 1);
	struct shm_layout l;
	shm_layout_compute(cfg, 2, &l);
	ck_assert_uint_eq(l.nsrv, 0);
	ck_assert_uint_eq(l.region[SHM_R_SRV].size, 0);
	ck_assert_int_eq(l.fe_of_px[0], 0);
	ck_assert_int_eq(l.be_of_px[0], -1);
	ck_assert_int_eq(l.be_of_px[1], 0);
	shm_layout_release(&l);
	cfg_free(cfg);
}
END_TEST

START_TEST(empty_config)
{
	struct cfg *cfg = t_load_ok("global\n  maxconn 100\n");
	check_all(cfg, 1, 1);
	cfg_free(cfg);
}
END_TEST

START_TEST(many_servers)
{
	struct sbuf b = { 0 };
	sbuf_adds(&b, "listen app\n  bind :80\n  bind :81 name second\n  balance leastconn\n");
	for (int i = 0; i < 1500; i++)
		sbuf_printf(&b, "  server s%d 127.0.0.1:%d weight %d%s%s\n", i, 10000 + i, i % 256,
			    i % 7 == 0 ? " backup" : i % 11 == 0 ? " disabled" : "",
			    i == 3 ? " check" : "");
	sbuf_adds(&b, "backend other\n  server t1 127.0.0.2:80 track app/s3\n");
	struct cfg *cfg = t_load_ok(sbuf_str(&b));
	check_all(cfg, 1, 1);
	check_all(cfg, 64, 1);
	struct shm_layout l;
	struct shm_seg seg;
	ck_assert_int_eq(shm_layout_compute(cfg, 4, &l), 0);
	ck_assert_uint_eq(l.nsrv, 1501);
	ck_assert_uint_eq(l.nli, 2);
	ck_assert_int_eq(shm_create(&l, &seg), 0);
	ck_assert_str_eq(shm_name(seg.base, shm_listener(seg.base, 1)->name_off), "second");
	struct shm_be *be = shm_backend(seg.base, 0);
	ck_assert_uint_eq(be->srv_bck, 215);      /* multiples of 7 below 1500 */
	ck_assert_uint_eq(be->srv_act, 1500 - 215 - (136 - 19));  /* 11s, not 77s */
	struct shm_srv *t1 = shm_server(seg.base, 1500);
	ck_assert_uint_eq(t1->flags & SHM_SRV_TRACKED, SHM_SRV_TRACKED);
	ck_assert_uint_eq(t1->track_index, 3);
	shm_destroy(&seg);
	shm_layout_release(&l);
	cfg_free(cfg);
	sbuf_free(&b);
}
END_TEST

START_TEST(stick_tables_every_key_type)
{
	static const char text[] =
		"backend t_ip\n  stick-table type ip size 200k expire 30s store conn_cur,http_req_rate(10s)\n"
		"backend t_ipv6\n  stick-table type ipv6 size 1m store bytes_in_cnt,gpc0,bytes_out_rate(1m)\n"
		"backend t_int\n  stick-table type integer size 1 store server_id\n"
		"backend t_str\n  stick-table type string len 64 size 10k store gpc(3),gpc_rate(2,10s),gpt(5)\n"
		"backend t_bin\n  stick-table type binary len 20 size 100 store http_err_cnt,sess_rate(1s)\n";
	struct cfg *cfg = t_load_ok(text);
	check_all(cfg, 1, 1);
	check_all(cfg, 64, 1);
	struct shm_layout l;
	ck_assert_int_eq(shm_layout_compute(cfg, 2, &l), 0);
	ck_assert_uint_eq(l.nstick, 5);
	/* ip: 4-byte key, two u32-aligned data, one 64-byte line */
	ck_assert_uint_eq(l.stick[0].key_len, 4);
	ck_assert_uint_eq(l.stick[0].entry_size, 64);
	ck_assert_uint_eq(l.stick[0].nbuckets, 262144);
	ck_assert_uint_eq(l.stick[0].capacity, 200 * 1024);   /* HAProxy's k is 1024 */
	/* ipv6: bytes_in_cnt is a 64-bit counter, 8-aligned */
	ck_assert_uint_eq(l.stick[1].key_len, 16);
	ck_assert_uint_eq(l.stick[1].data_off[STICK_DT_BYTES_IN_CNT] % 8, 0);
	ck_assert_uint_eq(l.stick[1].capacity, 1024 * 1024);
	ck_assert_uint_eq(l.stick[2].nbuckets, 1);
	/* string len 64: 65 bytes with its NUL, then in enum order gpt(5),
	 * gpc(3), gpc_rate(2): 4-byte elements and 16-byte frequency counters */
	ck_assert_uint_eq(l.stick[3].key_len, 65);
	ck_assert_uint_eq(l.stick[3].data_off[STICK_DT_GPT], 32 + 68);
	ck_assert_uint_eq(l.stick[3].data_off[STICK_DT_GPC], 32 + 68 + 20);
	ck_assert_uint_eq(l.stick[3].data_off[STICK_DT_GPC_RATE], 32 + 68 + 20 + 12);
	ck_assert_uint_eq(l.stick[3].entry_size, 192);
	ck_assert_uint_eq(l.stick[4].key_len, 20);
	struct shm_seg seg;
	ck_assert_int_eq(shm_create(&l, &seg), 0);
	struct shm_stick *t = shm_stick(seg.base, 3);
	ck_assert_str_eq(shm_name(seg.base, t->name_off), "t_str");
	ck_assert_uint_eq(t->lru_head, SHM_STICK_NONE);
	ck_assert_uint_eq(((uint32_t *)shm_at(seg.base, t->buckets_off))[0], SHM_STICK_NONE);
	/* the last entry of the last table is writable and inside */
	struct shm_stick *tb = shm_stick(seg.base, 4);
	struct shm_stick_entry *e = shm_stick_entry(seg.base, tb, (uint32_t)tb->capacity - 1);
	ck_assert((char *)e + tb->entry_size <= (char *)seg.base + seg.size);
	e->key_len = 20;
	shm_destroy(&seg);
	shm_layout_release(&l);
	cfg_free(cfg);
}
END_TEST

START_TEST(worker_bounds)
{
	struct cfg *cfg = t_load_ok("backend b\n  server s 127.0.0.1:80\n");
	struct shm_layout l;
	ck_assert_int_eq(shm_layout_compute(cfg, 0, &l), -1);
	ck_assert_ptr_nonnull(strstr(l.error, "between 1 and 1024"));
	shm_layout_release(&l);
	ck_assert_int_eq(shm_layout_compute(cfg, SHM_MAX_WORKERS + 1, &l), -1);
	shm_layout_release(&l);
	ck_assert_int_eq(shm_layout_compute(cfg, SHM_MAX_WORKERS, &l), 0);
	check_shards(&l);
	shm_layout_release(&l);
	cfg_free(cfg);
}
END_TEST

/* ------------------------------------------------------ counters table */

START_TEST(counters_table)
{
	for (int i = 0; i < SHM_CTR__COUNT; i++) {
		const struct shm_counter_desc *d = &shm_counters[i];
		ck_assert_ptr_nonnull(d->name);
		if (i > 0)  /* declared in `show stat` column order, no duplicates */
			ck_assert_int_gt(d->col, shm_counters[i - 1].col);
		ck_assert_uint_ne(d->kinds, 0);
		for (int k = 0; k < SHM_KIND__COUNT; k++) {
			int has = (d->kinds >> k) & 1;
			ck_assert_msg((d->off[k] >= 0) == has, "%s kind %d", d->name, k);
		}
		ck_assert_int_gt((int)strlen(d->help), 0);
	}
	const struct shm_counter_desc *d = &shm_counters[SHM_CTR_scur];
	ck_assert_str_eq(d->name, "scur");
	ck_assert_int_eq(d->col, 4);
	ck_assert_int_eq(d->store, SHM_STORE_GAUGE);
	ck_assert_int_eq(d->off[SHM_KIND_SRV], (int)offsetof(struct shm_srv_ctrs, scur));
	d = &shm_counters[SHM_CTR_hrsp_5xx];
	ck_assert_int_eq(d->col, 43);
	ck_assert_str_eq(d->label, "code=\"5xx\"");
	ck_assert_int_eq(d->off[SHM_KIND_LI], -1);
	ck_assert_int_eq(d->off[SHM_KIND_FE], (int)offsetof(struct shm_fe_shard, hrsp_5xx));
	ck_assert_str_eq(shm_counters[SHM_CTR_bin].prom, "bytes_in_total");
	ck_assert_str_eq(shm_kind_prom_prefix(SHM_KIND_SRV), "haproxy_server_");
	ck_assert_int_eq(shm_counters[SHM_CTR_ereq].off[SHM_KIND_BE], -1);
	/* the hot global lives in its own cache line of the record */
	ck_assert_uint_eq(offsetof(struct shm_srv, c) % SHM_ALIGN, 0);
	ck_assert_uint_eq(sizeof(struct shm_srv_shard) % SHM_ALIGN, 0);
}
END_TEST

START_TEST(freq_counter)
{
	struct shm_freq f = { 0 };
	shm_freq_add(&f, 100, 10);
	shm_freq_add(&f, 100, 5);
	ck_assert_uint_eq(shm_freq_read(&f, 100, 0), 15);
	shm_freq_add(&f, 101, 4);
	ck_assert_uint_eq(shm_freq_read(&f, 101, 500), 4 + 15 / 2);
	ck_assert_uint_eq(shm_freq_read(&f, 102, 0), 4);
	ck_assert_uint_eq(shm_freq_read(&f, 104, 0), 0);
	shm_freq_add(&f, 110, 1);   /* after a gap the previous period is empty */
	ck_assert_uint_eq(f.prev, 0);
}
END_TEST

/* ------------------------------------------------------- real segment */

/* AVG counters: the exact mean over the first 1024 samples, then a window
 * that forgets old ones: after 4096 samples of 10 ms the mean of an early
 * burst of 1000 ms samples is gone. */
START_TEST(avg_counter)
{
	struct shm_avg a = { 0 };
	shm_avg_add(&a, 100);
	shm_avg_add(&a, 300);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_uint_eq(a.sum / a.n, 200);
	for (int i = 0; i < 1022; i++)
		shm_avg_add(&a, 1000);
	ck_assert_uint_eq(a.n, SHM_AVG_SAMPLES);
	ck_assert_uint_eq(a.sum, 100 + 300 + 1022 * 1000);
	for (int i = 0; i < 4096; i++)
		shm_avg_add(&a, 10);
	ck_assert_uint_eq(a.n, SHM_AVG_SAMPLES);
	ck_assert_uint_le(a.sum / a.n, 30);
	ck_assert_uint_ge(a.sum / a.n, 10);
}
END_TEST

START_TEST(shared_round_trip)
{
	struct cfg *cfg = t_load_ok("listen app\n  bind :80\n  server s1 127.0.0.1:81\n"
				  "  server s2 127.0.0.1:82\n");
	struct shm_layout l;
	struct shm_seg seg, second;
	ck_assert_int_eq(shm_layout_compute(cfg, 2, &l), 0);
	ck_assert_int_eq(shm_create(&l, &seg), 0);
	void *b = seg.base;
	/* workers 0 and 1 count into their shards, both into the global */
	shm_shard_add(&shm_srv_shard(b, 0, 1)->bin, 5);
	shm_shard_add(&shm_srv_shard(b, 1, 1)->bin, 7);
	shm_shard_max(&shm_srv_shard(b, 0, 1)->ttime_max, 30);
	shm_shard_max(&shm_srv_shard(b, 1, 1)->ttime_max, 20);
	ck_assert_uint_eq(shm_gauge_add(&shm_server(b, 1)->c.scur, 1), 1);
	ck_assert_uint_eq(shm_gauge_add(&shm_server(b, 1)->c.scur, 1), 2);
	shm_gmax(&shm_server(b, 1)->c.smax, 2);
	ck_assert_uint_eq(shm_counter_read(b, SHM_KIND_SRV, 1, SHM_CTR_bin), 12);
	ck_assert_uint_eq(shm_counter_read(b, SHM_KIND_SRV, 1, SHM_CTR_ttime_max), 30);
	ck_assert_uint_eq(shm_counter_read(b, SHM_KIND_SRV, 1, SHM_CTR_scur), 2);
	ck_assert_uint_eq(shm_counter_read(b, SHM_KIND_SRV, 0, SHM_CTR_bin), 0);
	ck_assert_uint_eq(shm_counter_read(b, SHM_KIND_LI, 0, SHM_CTR_qcur), 0);

	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* the child: the inherited mapping, and a second one of the fd */
		int ok = shm_counter_read(b, SHM_KIND_SRV, 1, SHM_CTR_bin) == 12;
		struct shm_seg m;
		ok = ok && shm_attach(dup(seg.fd), &m) == 0;
		ok = ok && m.base != b && shm_server(m.base, 1)->c.scur == 2;
		ok = ok && strcmp(shm_name(m.base, shm_server(m.base, 1)->name_off), "s2") == 0;
		if (ok) {
			shm_server(m.base, 0)->admin |= SHM_ADMIN_FMAINT;
			shm_gauge_add(&shm_server(b, 1)->c.scur, -1);
		}
		_exit(ok ? 0 : 1);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_eq(shm_server(b, 0)->admin, SHM_ADMIN_FMAINT);
	ck_assert_uint_eq(shm_server(b, 1)->c.scur, 1);

	/* a second mapping in this process sees the same bytes */
	ck_assert_int_eq(shm_attach(dup(seg.fd), &second), 0);
	ck_assert_uint_eq(shm_server(second.base, 1)->c.scur, 1);
	shm_hdr(b)->state = SHM_SEG_READY;
	ck_assert_uint_eq(shm_hdr(second.base)->state, SHM_SEG_READY);
	shm_destroy(&second);
	shm_destroy(&seg);
	shm_layout_release(&l);
	cfg_free(cfg);
}
END_TEST

START_TEST(attach_rejects_foreign)
{
	int fd = memfd_create("not-weir", 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8192), 0);
	struct shm_seg seg;
	ck_assert_int_eq(shm_attach(fd, &seg), -1);
	ck_assert_int_eq(errno, EPROTO);
	shm_destroy(&seg);
	close(fd);
}
END_TEST

/* -------------------------------------------------------------- seeds */

static struct t_seeds seeds;

/* Whatever a seed's diagnostics, its model lays out cleanly. */
START_TEST(seed_layouts)
{
	if (_i >= seeds.n) {
		fprintf(stderr, "check_shm: seed configurations not found, skipped\n");
		return;
	}
	struct cfg *cfg = t_load_seed(&seeds, _i);
	ck_assert_int_gt(cfg->proxies.n, 0);
	check_all(cfg, 1, 0);
	check_all(cfg, 2, 1);
	check_all(cfg, 64, 0);
	if (strncmp(seeds.names[_i], "s000-23-", 8) == 0) {
		struct shm_layout l;
		shm_layout_compute(cfg, 2, &l);
		fprintf(stderr, "check_shm: %s, 2 workers: %llu bytes (fe %u be %u srv %u li %u "
			"stick %u; shard block %u, stick data %llu, names %llu)\n", seeds.names[_i],
			(unsigned long long)l.size, l.nfe, l.nbe, l.nsrv, l.nli, l.nstick,
			l.region[SHM_R_SHARDS].stride,
			(unsigned long long)l.region[SHM_R_STDATA].size,
			(unsigned long long)l.region[SHM_R_NAMES].size);
		shm_layout_release(&l);
	}
	cfg_free(cfg);
}
END_TEST

static Suite *shm_suite(void)
{
	t_seeds_find(&seeds, 0);
	Suite *s = suite_create("shm");
	TCase *tc = tcase_create("layout");
	tcase_add_test(tc, no_servers);
	tcase_add_test(tc, empty_config);
	tcase_add_test(tc, many_servers);
	tcase_add_test(tc, stick_tables_every_key_type);
	tcase_add_test(tc, worker_bounds);
	tcase_add_loop_test(tc, seed_layouts, 0, seeds.n > 0 ? seeds.n : 1);
	suite_add_tcase(s, tc);
	tc = tcase_create("counters");
	tcase_add_test(tc, counters_table);
	tcase_add_test(tc, freq_counter);
	tcase_add_test(tc, avg_counter);
	suite_add_tcase(s, tc);
	tc = tcase_create("segment");
	tcase_add_test(tc, shared_round_trip);
	tcase_add_test(tc, attach_rejects_foreign);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(shm_suite)
