/*
 * `show info` (HAProxy 2.6's field names, in its order) and `show proc`
 * (the master CLI's table of processes, from the PROC region). Runs in the
 * stats process; reads the segment's header, process table and counters,
 * writes nothing.
 *
 * A field weir has no truthful value for (memory pools, TLS and
 * compression rates it does not keep yet) is left out, as HAProxy leaves
 * out an empty field: readers look fields up by name, and a made-up zero
 * would be worse than an absent line.
 */
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "stats-int.h"
#include "weir/cfg-t.h"

/* Prints the value of one field; returns 0 to leave the field out. */
typedef int info_fn(struct stats_ctx *c, struct sbuf *o);

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The daemon started when the master did (slot 0), else with the segment. */
static uint64_t start_ms(void *shm)
{
	uint64_t t = shm_proc(shm, 0)->start_ms;
	return t ? t : shm_hdr(shm)->created_ms;
}

static uint64_t uptime_s(void *shm)
{
	uint64_t now = now_ms(), t = start_ms(shm);
	return now > t ? (now - t) / 1000 : 0;
}

static uint64_t sum_fe(void *shm, enum shm_counter ctr)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < shm_hdr(shm)->nfe; i++)
		v += shm_counter_read(shm, SHM_KIND_FE, i, ctr);
	return v;
}

static const struct cfg_global *global_of(const struct stats_ctx *c)
{
	return c->p && c->p->cfg ? &c->p->cfg->global : NULL;
}

static int put_int_set(struct sbuf *o, int v)
{
	if (v <= 0)
		return 0;
	sbuf_printf(o, "%d", v);
	return 1;
}

/* ------------------------------------------------------------- fields */

static int i_name(struct stats_ctx *c, struct sbuf *o) { (void)c; sbuf_adds(o, "weir"); return 1; }
static int i_version(struct stats_ctx *c, struct sbuf *o) { (void)c; sbuf_adds(o, PACKAGE_VERSION); return 1; }
static int i_one(struct stats_ctx *c, struct sbuf *o) { (void)c; sbuf_adds(o, "1"); return 1; }
static int i_zero(struct stats_ctx *c, struct sbuf *o) { (void)c; sbuf_adds(o, "0"); return 1; }

static int i_nbthread(struct stats_ctx *c, struct sbuf *o)
{
	sbuf_printf(o, "%u", shm_hdr(c->shm)->nworkers);
	return 1;
}

static int i_pid(struct stats_ctx *c, struct sbuf *o)
{
	(void)c;
	sbuf_printf(o, "%ld", (long)getpid());
	return 1;
}

static int i_uptime(struct stats_ctx *c, struct sbuf *o)
{
	uint64_t up = uptime_s(c->shm);
	sbuf_printf(o, "%ud %uh%02um%02us", (unsigned)(up / 86400), (unsigned)(up % 86400 / 3600),
		    (unsigned)(up % 3600 / 60), (unsigned)(up % 60));
	return 1;
}

static int i_uptime_sec(struct stats_ctx *c, struct sbuf *o)
{
	sbuf_printf(o, "%llu", (unsigned long long)uptime_s(c->shm));
	return 1;
}

static int i_start_sec(struct stats_ctx *c, struct sbuf *o)
{
	sbuf_printf(o, "%llu", (unsigned long long)(start_ms(c->shm) / 1000));
	return 1;
}

static int i_ulimit(struct stats_ctx *c, struct sbuf *o)
{
	struct rlimit rl;
	(void)c;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	sbuf_printf(o, "%llu", (unsigned long long)rl.rlim_cur);
	return 1;
}

static int i_maxconn(struct stats_ctx *c, struct sbuf *o)
{
	const struct cfg_global *g = global_of(c);
	return g && put_int_set(o, g->maxconn);
}

static int i_currconns(struct stats_ctx *c, struct sbuf *o)
{
	sbuf_printf(o, "%llu", (unsigned long long)__atomic_load_n(&shm_hdr(c->shm)->actconn,
								   __ATOMIC_RELAXED));
	return 1;
}

#define SUM_FIELD(fn, ctr) \
	static int fn(struct stats_ctx *c, struct sbuf *o) \
	{ \
		sbuf_printf(o, "%llu", (unsigned long long)sum_fe(c->shm, ctr)); \
		return 1; \
	}
SUM_FIELD(i_cumconns, SHM_CTR_conn_tot)
SUM_FIELD(i_cumreq, SHM_CTR_req_tot)
SUM_FIELD(i_connrate, SHM_CTR_conn_rate)
SUM_FIELD(i_sessrate, SHM_CTR_rate)

/* Limits of `global`, 0 meaning none as in HAProxy. */
#define LIMIT_FIELD(fn, field) \
	static int fn(struct stats_ctx *c, struct sbuf *o) \
	{ \
		const struct cfg_global *g = global_of(c); \
		sbuf_printf(o, "%d", g && g->field > 0 ? g->field : 0); \
		return 1; \
	}
LIMIT_FIELD(i_maxsslconns, maxsslconn)
LIMIT_FIELD(i_maxpipes, maxpipes)
LIMIT_FIELD(i_connratelimit, maxconnrate)
LIMIT_FIELD(i_sessratelimit, maxsessrate)
LIMIT_FIELD(i_sslratelimit, maxsslrate)

static int i_node(struct stats_ctx *c, struct sbuf *o)
{
	const struct cfg_global *g = global_of(c);
	char host[256] = "";
	if (g && g->node) {
		sbuf_adds(o, g->node);
		return 1;
	}
	if (gethostname(host, sizeof(host) - 1) < 0)
		return 0;
	sbuf_adds(o, host);
	return 1;
}

static int i_description(struct stats_ctx *c, struct sbuf *o)
{
	const struct cfg_global *g = global_of(c);
	if (!g || !g->description)
		return 0;
	sbuf_adds(o, g->description);
	return 1;
}

static int i_stopping(struct stats_ctx *c, struct sbuf *o)
{
	int s = (c->p && c->p->stopping) || shm_hdr(c->shm)->state == SHM_SEG_DRAINING;
	sbuf_adds(o, s ? "1" : "0");
	return 1;
}

static int i_listeners(struct stats_ctx *c, struct sbuf *o)
{
	sbuf_printf(o, "%u", shm_hdr(c->shm)->nli);
	return 1;
}

/* Log lines dropped by every process of this generation (each publishes
 * its count once a second with its heartbeat). */
static int i_droppedlogs(struct stats_ctx *c, struct sbuf *o)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < shm_hdr(c->shm)->nproc; i++)
		n += __atomic_load_n(&shm_proc(c->shm, i)->log_drops, __ATOMIC_RELAXED);
	sbuf_printf(o, "%llu", (unsigned long long)n);
	return 1;
}

static int i_busypolling(struct stats_ctx *c, struct sbuf *o)
{
	const struct cfg_global *g = global_of(c);
	sbuf_adds(o, g && g->busy_polling ? "1" : "0");
	return 1;
}

/* HAProxy 2.6's fields in order; NULL: weir has no truthful value yet. */
static const struct info_field {
	const char *name;
	info_fn *fn;
} info_fields[] = {
	{ "Name", i_name }, { "Version", i_version }, { "Release_date", NULL },
	{ "Nbthread", i_nbthread }, { "Nbproc", i_one }, { "Process_num", i_one },
	{ "Pid", i_pid }, { "Uptime", i_uptime }, { "Uptime_sec", i_uptime_sec },
	{ "Memmax_MB", i_zero }, { "PoolAlloc_MB", NULL }, { "PoolUsed_MB", NULL },
	{ "PoolFailed", NULL }, { "Ulimit-n", i_ulimit }, { "Maxsock", i_ulimit },
	{ "Maxconn", i_maxconn }, { "Hard_maxconn", i_maxconn }, { "CurrConns", i_currconns },
	{ "CumConns", i_cumconns }, { "CumReq", i_cumreq }, { "MaxSslConns", i_maxsslconns },
	{ "CurrSslConns", NULL }, { "CumSslConns", NULL }, { "Maxpipes", i_maxpipes },
	{ "PipesUsed", NULL }, { "PipesFree", NULL }, { "ConnRate", i_connrate },
	{ "ConnRateLimit", i_connratelimit }, { "MaxConnRate", NULL }, { "SessRate", i_sessrate },
	{ "SessRateLimit", i_sessratelimit }, { "MaxSessRate", NULL }, { "SslRate", NULL },
	{ "SslRateLimit", i_sslratelimit }, { "MaxSslRate", NULL }, { "SslFrontendKeyRate", NULL },
	{ "SslFrontendMaxKeyRate", NULL }, { "SslFrontendSessionReuse_pct", NULL },
	{ "SslBackendKeyRate", NULL }, { "SslBackendMaxKeyRate", NULL },
	{ "SslCacheLookups", NULL }, { "SslCacheMisses", NULL }, { "CompressBpsIn", NULL },
	{ "CompressBpsOut", NULL }, { "CompressBpsRateLim", NULL }, { "ZlibMemUsage", NULL },
	{ "MaxZlibMemUsage", NULL }, { "Tasks", NULL }, { "Run_queue", NULL },
	{ "Idle_pct", NULL }, { "node", i_node }, { "description", i_description },
	{ "Stopping", i_stopping }, { "Jobs", NULL }, { "Unstoppable Jobs", NULL },
	{ "Listeners", i_listeners }, { "ActivePeers", i_zero }, { "ConnectedPeers", i_zero },
	{ "DroppedLogs", i_droppedlogs }, { "BusyPolling", i_busypolling }, { "FailedResolutions", NULL },
	{ "TotalBytesOut", NULL }, { "TotalSplicdedBytesOut", NULL }, { "BytesOutRate", NULL },
	{ "DebugCommandsIssued", i_zero }, { "CumRecvLogs", i_zero }, { "Build info", NULL },
	{ "Memmax_bytes", i_zero }, { "PoolAlloc_bytes", NULL }, { "PoolUsed_bytes", NULL },
	{ "Start_time_sec", i_start_sec }, { "Tainted", NULL },
};

int stats_info_show(struct stats_ctx *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(info_fields); i++) {
		if (!info_fields[i].fn)
			continue;
		size_t mark = c->out->len;
		sbuf_printf(c->out, "%s: ", info_fields[i].name);
		if (info_fields[i].fn(c, c->out))
			sbuf_addc(c->out, '\n');
		else
			c->out->len = mark, c->out->s[mark] = '\0';
	}
	return STATS_EXEC_OK;
}

/* ---------------------------------------------------------- show proc */

static void proc_uptime(const struct shm_proc *pr, uint64_t now, char *buf, size_t len)
{
	uint64_t up = pr->start_ms && now > pr->start_ms ? (now - pr->start_ms) / 1000 : 0;
	snprintf(buf, len, "%ud%02uh%02um%02us", (unsigned)(up / 86400), (unsigned)(up % 86400 / 3600),
		 (unsigned)(up % 3600 / 60), (unsigned)(up % 60));
}

static void proc_line(const struct shm_proc *pr, const char *type, uint64_t now, struct sbuf *o)
{
	char up[32];
	proc_uptime(pr, now, up, sizeof(up));
	sbuf_printf(o, "%-15d %-15s %-15u %-15s %s\n", (int)pr->pid, type, pr->restarts, up,
		    PACKAGE_VERSION);
}

static const char *role_name(uint32_t role)
{
	switch (role) {
	case SHM_ROLE_MASTER: return "master";
	case SHM_ROLE_WORKER: return "worker";
	case SHM_ROLE_CHECKER: return "checker";
	case SHM_ROLE_STATS: return "stats";
	default: return "unknown";
	}
}

/* The master CLI's layout; weir's checker and stats processes, which
 * HAProxy does not have, get a section of their own after the workers so
 * scripts counting "# workers" lines still count workers. */
int stats_info_proc(struct stats_ctx *c)
{
	const struct shm_header *h = shm_hdr(c->shm);
	uint64_t now = now_ms();
	sbuf_printf(c->out, "#%-14s %-15s %-15s %-15s %s\n", "<PID>", "<type>", "<reloads>",
		    "<uptime>", "<version>");
	proc_line(shm_proc(c->shm, 0), "master", now, c->out);
	sbuf_adds(c->out, "# workers\n");
	for (uint32_t i = 1; i < h->nproc; i++)
		if (shm_proc(c->shm, i)->role == SHM_ROLE_WORKER && shm_proc(c->shm, i)->pid > 0)
			proc_line(shm_proc(c->shm, i), "worker", now, c->out);
	sbuf_adds(c->out, "# helpers\n");
	for (uint32_t i = 1; i < h->nproc; i++) {
		const struct shm_proc *pr = shm_proc(c->shm, i);
		if (pr->role != SHM_ROLE_WORKER && pr->pid > 0)
			proc_line(pr, role_name(pr->role), now, c->out);
	}
	sbuf_adds(c->out, "# old workers\n# programs\n");
	return STATS_EXEC_OK;
}
