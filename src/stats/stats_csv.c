/*
 * `show stat`: HAProxy 2.6's CSV (management guide, 9.1). One table below
 * lists every column in HAProxy's order; the header, each row and the
 * counter positions are derived from it. Counter columns take their value
 * from WEIR_COUNTERS (counters.h) through shm_counter_read(); the state
 * columns have a small function each. Also raises the rate maxima once a
 * second (stats_csv_raise_maxima).
 * Runs in the stats process. Reads the segment; writes only the GMAX rate
 * maxima (rate_max, req_rate_max, conn_rate_max), with atomics.
 *
 * After the static columns HAProxy prints a "-" column, then the columns of
 * its statistics modules (TLS, HTTP/2, HTTP/1 in a 2.6 build with OpenSSL
 * and without QUIC). weir prints the same names so parsers that index by
 * position keep working, and leaves the module values empty until those
 * counters exist.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "stats-int.h"
#include "weir/cfg-t.h"
#include "weir/checker.h"

/* One row being printed. */
struct csv_row {
	void *shm;
	struct weir_proc *p;
	enum shm_kind kind;
	uint32_t idx;                 /* record index of that kind */
	const struct shm_fe *fe;      /* FE rows */
	const struct shm_be *be;      /* BE and SRV rows (the server's backend) */
	const struct shm_srv *srv;    /* SRV rows */
	int iid, sid;
	int http;
	uint64_t now;
};

typedef void csv_fill_fn(const struct csv_row *r, struct sbuf *o);

#define COL_CTR 0x1   /* a counter of WEIR_COUNTERS at this position */
#define COL_HTTP 0x2  /* filled only for HTTP proxies, as HAProxy does */

struct csv_col {
	const char *name;
	csv_fill_fn *fill;            /* NULL: counter column, or always empty */
	unsigned flags;
};

/* ------------------------------------------------------- fill helpers */

static int is_srv(const struct csv_row *r)
{
	return r->kind == SHM_KIND_SRV;
}

static int srv_checked(const struct csv_row *r)
{
	return is_srv(r) && shm_srv_health_on(r->srv) && !(r->srv->flags & SHM_SRV_TRACKED);
}

static const struct proxy_conf *row_px(const struct csv_row *r)
{
	const struct cfg *cfg = r->p ? r->p->cfg : NULL;
	uint32_t i = r->kind == SHM_KIND_FE ? r->fe->cfg_index : r->be->cfg_index;
	if (!cfg || i >= (uint32_t)cfg->proxies.n)
		return NULL;
	return cfg->proxies.v[i];
}

static const struct server_conf *row_srv_conf(const struct csv_row *r)
{
	return is_srv(r) ? stats_obj_srv_conf(r->p, r->shm, r->idx) : NULL;
}

/* Effective (or user, with `user`) weight summed over the backend's usable
 * servers: the active ones, else the backups, as the balancer uses them. */
static uint64_t be_weight(const struct csv_row *r, int user, uint32_t *act, uint32_t *bck)
{
	uint64_t wa = 0, wb = 0;
	*act = *bck = 0;
	for (uint32_t i = r->be->srv_first; i < r->be->srv_first + r->be->srv_count; i++) {
		const struct shm_srv *s = shm_server(r->shm, i);
		if (!stats_obj_usable(s))
			continue;
		uint32_t w = user ? s->weight_user : stats_obj_eweight(s);
		if (s->flags & SHM_SRV_BACKUP) {
			(*bck)++;
			wb += w;
		} else {
			(*act)++;
			wa += w;
		}
	}
	return *act ? wa : wb;
}

static void put_u64(struct sbuf *o, uint64_t v)
{
	sbuf_printf(o, "%llu", (unsigned long long)v);
}

/* ------------------------------------------------------- fill functions */

static void f_pxname(const struct csv_row *r, struct sbuf *o)
{
	sbuf_adds(o, shm_name(r->shm, r->kind == SHM_KIND_FE ? r->fe->name_off : r->be->name_off));
}

static void f_svname(const struct csv_row *r, struct sbuf *o)
{
	sbuf_adds(o, r->kind == SHM_KIND_FE ? "FRONTEND" : r->kind == SHM_KIND_BE ? "BACKEND" :
		  shm_name(r->shm, r->srv->name_off));
}

static void f_slim(const struct csv_row *r, struct sbuf *o)
{
	int v = r->kind == SHM_KIND_FE ? r->fe->maxconn : r->kind == SHM_KIND_BE ? r->be->fullconn :
		r->srv->maxconn;
	if (r->kind == SHM_KIND_FE && v <= 0 && r->p && r->p->cfg)
		v = r->p->cfg->global.maxconn;
	if (v > 0)
		sbuf_printf(o, "%d", v);
}

static void f_status(const struct csv_row *r, struct sbuf *o)
{
	uint32_t act, bck;
	if (r->kind == SHM_KIND_FE) {
		sbuf_adds(o, r->fe->state == SHM_PX_STOP ? "STOP" :
			  r->fe->state == SHM_PX_PAUSED ? "PAUSED" : "OPEN");
	} else if (r->kind == SHM_KIND_BE) {
		/* HAProxy: UP while some weight remains, or with no server at all */
		be_weight(r, 0, &act, &bck);
		sbuf_adds(o, act + bck > 0 || r->be->srv_count == 0 ? "UP" : "DOWN");
	} else {
		stats_obj_srv_status(r->shm, r->srv, o);
	}
}

static void f_weight(const struct csv_row *r, struct sbuf *o)
{
	uint32_t act, bck;
	if (r->kind == SHM_KIND_BE)
		put_u64(o, be_weight(r, 0, &act, &bck));
	else if (is_srv(r))
		put_u64(o, stats_obj_eweight(r->srv));
}

static void f_uweight(const struct csv_row *r, struct sbuf *o)
{
	uint32_t act, bck;
	if (r->kind == SHM_KIND_BE)
		put_u64(o, be_weight(r, 1, &act, &bck));
	else if (is_srv(r))
		put_u64(o, r->srv->weight_user);
}

static void f_act(const struct csv_row *r, struct sbuf *o)
{
	uint32_t act, bck;
	if (r->kind == SHM_KIND_BE) {
		be_weight(r, 0, &act, &bck);
		put_u64(o, act);
	} else if (is_srv(r)) {
		sbuf_adds(o, r->srv->flags & SHM_SRV_BACKUP ? "0" : "1");
	}
}

static void f_bck(const struct csv_row *r, struct sbuf *o)
{
	uint32_t act, bck;
	if (r->kind == SHM_KIND_BE) {
		be_weight(r, 0, &act, &bck);
		put_u64(o, bck);
	} else if (is_srv(r)) {
		sbuf_adds(o, r->srv->flags & SHM_SRV_BACKUP ? "1" : "0");
	}
}

static void f_chkfail(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r))
		put_u64(o, shm_counter_read(r->shm, SHM_KIND_SRV, r->idx, SHM_CTR_chkfail));
}

static void f_chkdown(const struct csv_row *r, struct sbuf *o)
{
	if (r->kind == SHM_KIND_BE || srv_checked(r))
		put_u64(o, shm_counter_read(r->shm, r->kind, r->idx, SHM_CTR_chkdown));
}

static void f_lastchg(const struct csv_row *r, struct sbuf *o)
{
	uint64_t t = r->kind == SHM_KIND_BE ? r->be->last_change : is_srv(r) ? r->srv->last_change : 0;
	if (r->kind != SHM_KIND_FE)
		put_u64(o, t && r->now > t ? r->now - t : 0);
}

static void f_downtime(const struct csv_row *r, struct sbuf *o)
{
	uint32_t act, bck;
	if (r->kind == SHM_KIND_BE) {
		uint64_t d = r->be->down_time;
		be_weight(r, 0, &act, &bck);
		if (act + bck == 0 && r->be->srv_count && r->be->last_change && r->now > r->be->last_change)
			d += r->now - r->be->last_change;
		put_u64(o, d);
	} else if (srv_checked(r)) {
		put_u64(o, stats_obj_srv_downtime(r->srv, r->now));
	}
}

static void f_qlimit(const struct csv_row *r, struct sbuf *o)
{
	if (is_srv(r) && r->srv->maxqueue > 0)
		sbuf_printf(o, "%d", r->srv->maxqueue);
}

/* The relative process number: 1, as HAProxy prints for its only process. */
static void f_pid(const struct csv_row *r, struct sbuf *o)
{
	(void)r;
	sbuf_adds(o, "1");
}

static void f_iid(const struct csv_row *r, struct sbuf *o)
{
	sbuf_printf(o, "%d", r->iid);
}

static void f_sid(const struct csv_row *r, struct sbuf *o)
{
	sbuf_printf(o, "%d", is_srv(r) ? r->sid : 0);
}

/* HAProxy's throttle: the slowstart ramp, from the time the server came
 * UP (last_change), shown only while below 100 %. Recomputed here rather
 * than read from weight_pct, which also carries the agent's weight. */
static void f_throttle(const struct csv_row *r, struct sbuf *o)
{
	const struct server_conf *s = row_srv_conf(r);
	if (!s || s->slowstart <= 0 || r->srv->op_state != SHM_OP_UP ||
	    r->srv->weight_pct >= 100 || r->now < r->srv->last_change)
		return;
	uint64_t ms = (r->now - r->srv->last_change) * 1000;
	if (ms >= (uint64_t)s->slowstart)
		return;
	uint64_t pct = (ms * 100 + (uint64_t)s->slowstart - 1) / (uint64_t)s->slowstart;
	sbuf_printf(o, "%u", pct ? (unsigned)pct : 1u);
}

static void f_tracked(const struct csv_row *r, struct sbuf *o)
{
	if (!is_srv(r) || !(r->srv->flags & SHM_SRV_TRACKED))
		return;
	const struct shm_srv *t = shm_server(r->shm, r->srv->track_index);
	sbuf_printf(o, "%s/%s", shm_name(r->shm, shm_backend(r->shm, t->be_index)->name_off),
		    shm_name(r->shm, t->name_off));
}

static void f_type(const struct csv_row *r, struct sbuf *o)
{
	sbuf_adds(o, r->kind == SHM_KIND_FE ? "0" : r->kind == SHM_KIND_BE ? "1" : "2");
}

/* weir has no per-frontend `rate-limit sessions` yet: 0, as HAProxy prints
 * for a frontend without one. */
static void f_rate_lim(const struct csv_row *r, struct sbuf *o)
{
	if (r->kind == SHM_KIND_FE)
		sbuf_adds(o, "0");
}

static void f_check_status(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r))
		sbuf_adds(o, check_status_name(r->srv->check_status));
}

static void f_check_code(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r) && r->srv->check_code >= 0)
		sbuf_printf(o, "%d", r->srv->check_code);
}

/* A duration exists once a check completed (not while unknown or
 * initialising). */
static void f_check_duration(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r) && r->srv->check_status > CHK_ST_INI &&
	    r->srv->check_duration != CHK_DURATION_NONE)
		sbuf_printf(o, "%u", r->srv->check_duration);
}

/* `observe`'s on-error actions taken (the checker counts them). */
static void f_hanafail(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r))
		put_u64(o, shm_counter_read(r->shm, SHM_KIND_SRV, r->idx, SHM_CTR_hanafail));
}

/* The shards keep the time of the last session (s since the epoch, the
 * latest over the workers); HAProxy prints its age, -1 for never. */
static void f_lastsess(const struct csv_row *r, struct sbuf *o)
{
	if (r->kind == SHM_KIND_FE)
		return;
	uint64_t t = shm_counter_read(r->shm, r->kind, r->idx, SHM_CTR_lastsess);
	if (!t)
		sbuf_adds(o, "-1");
	else
		put_u64(o, r->now > t ? r->now - t : 0);
}

/* A free text as one CSV field, as HAProxy's csv_enc() writes it: in
 * double quotes (doubled inside) when it holds a comma, a quote or a line
 * break, line breaks turned to spaces. `src` is a segment buffer another
 * process rewrites: copied first, and never read past its size. */
static void put_text(struct sbuf *o, const char *src, size_t size)
{
	char t[256];
	size_t n = size < sizeof(t) ? size : sizeof(t);
	memcpy(t, src, n);
	t[n - 1] = '\0';
	int quote = strpbrk(t, ",\"\r\n") != NULL;
	if (quote)
		sbuf_adds(o, "\"");
	for (const char *c = t; *c; c++) {
		if (*c == '"')
			sbuf_adds(o, "\"\"");
		else
			sbuf_addc(o, *c == '\r' || *c == '\n' ? ' ' : *c);
	}
	if (quote)
		sbuf_adds(o, "\"");
}

/* `last_chk`: the last check's info */
static void f_last_chk(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r))
		put_text(o, r->srv->last_chk, sizeof(r->srv->last_chk));
}

/* ------------------------------------------ agent columns (agent-check) */

static int srv_agent(const struct csv_row *r)
{
	return is_srv(r) && shm_srv_agent_on(r->srv) &&
	       __atomic_load_n(&r->srv->agent_status, __ATOMIC_RELAXED) != CHK_ST_UNKNOWN;
}

static void f_last_agt(const struct csv_row *r, struct sbuf *o)
{
	if (srv_agent(r))
		put_text(o, r->srv->last_agt, sizeof(r->srv->last_agt));
}

static void f_agent_status(const struct csv_row *r, struct sbuf *o)
{
	if (srv_agent(r))
		sbuf_adds(o, check_status_name(r->srv->agent_status));
}

static void f_agent_code(const struct csv_row *r, struct sbuf *o)
{
	if (srv_agent(r) && r->srv->agent_code >= 0)
		sbuf_printf(o, "%d", r->srv->agent_code);
}

static void f_agent_duration(const struct csv_row *r, struct sbuf *o)
{
	if (srv_agent(r) && r->srv->agent_status > CHK_ST_INI &&
	    r->srv->agent_duration != CHK_DURATION_NONE)
		sbuf_printf(o, "%u", r->srv->agent_duration);
}

static void f_agent_desc(const struct csv_row *r, struct sbuf *o)
{
	if (srv_agent(r))
		sbuf_adds(o, check_status_desc(r->srv->agent_status));
}

/* HAProxy's agent counts one result either way: rise = fall = 1. */
static void f_agent_rise(const struct csv_row *r, struct sbuf *o)
{
	if (srv_agent(r))
		sbuf_adds(o, "1");
}

static void f_agent_fall(const struct csv_row *r, struct sbuf *o)
{
	f_agent_rise(r, o);
}

static void f_agent_health(const struct csv_row *r, struct sbuf *o)
{
	if (srv_agent(r))
		sbuf_printf(o, "%d", r->srv->agent_health);
}

static void f_check_desc(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r))
		sbuf_adds(o, check_status_desc(r->srv->check_status));
}

static void f_check_rise(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r))
		sbuf_printf(o, "%d", r->srv->check_rise);
}

static void f_check_fall(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r))
		sbuf_printf(o, "%d", r->srv->check_fall);
}

static void f_check_health(const struct csv_row *r, struct sbuf *o)
{
	if (srv_checked(r))
		sbuf_printf(o, "%d", r->srv->check_health);
}

/* HAProxy's form: a.b.c.d:port, [v6]:port, "unix" for a UNIX socket. */
static void f_addr(const struct csv_row *r, struct sbuf *o)
{
	const struct server_conf *s = row_srv_conf(r);
	char ip[INET6_ADDRSTRLEN] = "";
	if (!s || s->addr.kind == CFG_ADDR_NONE)
		return;
	if (s->addr.kind == CFG_ADDR_UNIX || s->addr.kind == CFG_ADDR_ABNS) {
		sbuf_adds(o, "unix");
		return;
	}
	int port;
	stats_obj_srv_addr(r->srv, s, ip, sizeof(ip), &port);
	if (!r->srv->rt_seq)
		port = s->addr.port;
	const char *host = *ip ? ip : s->addr.host ? s->addr.host : "";
	int v6 = strchr(host, ':') != NULL;
	sbuf_printf(o, "%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "", port);
}

static void f_cookie(const struct csv_row *r, struct sbuf *o)
{
	const struct proxy_conf *px = r->kind == SHM_KIND_FE ? NULL : row_px(r);
	const struct server_conf *s = row_srv_conf(r);
	if (is_srv(r) && s && s->cookie)
		sbuf_adds(o, s->cookie);
	else if (r->kind == SHM_KIND_BE && px && px->cookie.name)
		sbuf_adds(o, px->cookie.name);
}

static void f_mode(const struct csv_row *r, struct sbuf *o)
{
	uint32_t m = r->kind == SHM_KIND_FE ? r->fe->mode : r->be->mode;
	sbuf_adds(o, m == PX_MODE_HTTP ? "http" : m == PX_MODE_TCP ? "tcp" :
		  m == PX_MODE_HEALTH ? "health" : "unknown");
}

static void f_algo(const struct csv_row *r, struct sbuf *o)
{
	static const char *const names[] = {
		[LB_ALGO_ROUNDROBIN] = "roundrobin", [LB_ALGO_STATIC_RR] = "static-rr",
		[LB_ALGO_LEASTCONN] = "leastconn", [LB_ALGO_FIRST] = "first",
		[LB_ALGO_SOURCE] = "source", [LB_ALGO_URI] = "uri",
		[LB_ALGO_URL_PARAM] = "url_param", [LB_ALGO_HDR] = "hdr",
		[LB_ALGO_RANDOM] = "random", [LB_ALGO_RDP_COOKIE] = "rdp-cookie",
	};
	if (r->kind == SHM_KIND_BE)
		sbuf_adds(o, r->be->algo < ARRAY_SIZE(names) && names[r->be->algo] ?
			  names[r->be->algo] : "unknown");
}

static void f_srv_icur(const struct csv_row *r, struct sbuf *o)
{
	if (is_srv(r))
		put_u64(o, shm_counter_read(r->shm, SHM_KIND_SRV, r->idx, SHM_CTR_idle_conn_cur));
}

static void f_src_ilim(const struct csv_row *r, struct sbuf *o)
{
	const struct server_conf *s = row_srv_conf(r);
	if (s && s->pool_max_conn >= 0)
		sbuf_printf(o, "%d", s->pool_max_conn);
}

/* Gauges for the Prometheus exporter; HAProxy's CSV shows 0 on backends. */
static void f_agg(const struct csv_row *r, struct sbuf *o)
{
	if (r->kind == SHM_KIND_BE)
		sbuf_adds(o, "0");
}

/* --------------------------------------------------------- the table */

#define CTR(n) { #n, NULL, COL_CTR }
#define CTRH(n) { #n, NULL, COL_CTR | COL_HTTP }
#define FILL(n) { #n, f_##n, 0 }
#define NONE(n) { #n, NULL, 0 }

/* HAProxy 2.6's columns, in order: the position is the index. */
static const struct csv_col csv_cols[] = {
	FILL(pxname), FILL(svname), CTR(qcur), CTR(qmax), CTR(scur), CTR(smax), FILL(slim),
	CTR(stot), CTR(bin), CTR(bout), CTR(dreq), CTR(dresp), CTR(ereq), CTR(econ),
	CTR(eresp), CTR(wretr), CTR(wredis), FILL(status), FILL(weight), FILL(act), FILL(bck),
	FILL(chkfail), FILL(chkdown), FILL(lastchg), FILL(downtime), FILL(qlimit), FILL(pid),
	FILL(iid), FILL(sid), FILL(throttle), CTR(lbtot), FILL(tracked), FILL(type), CTR(rate),
	FILL(rate_lim), CTR(rate_max), FILL(check_status), FILL(check_code),
	FILL(check_duration), CTRH(hrsp_1xx), CTRH(hrsp_2xx), CTRH(hrsp_3xx), CTRH(hrsp_4xx),
	CTRH(hrsp_5xx), CTRH(hrsp_other), FILL(hanafail), CTRH(req_rate), CTRH(req_rate_max),
	CTRH(req_tot), CTR(cli_abrt), CTR(srv_abrt), CTRH(comp_in), CTRH(comp_out),
	CTRH(comp_byp), CTRH(comp_rsp), FILL(lastsess), FILL(last_chk), FILL(last_agt),
	CTR(qtime), CTR(ctime), CTR(rtime), CTR(ttime), FILL(agent_status),
	FILL(agent_code), FILL(agent_duration), FILL(check_desc), FILL(agent_desc),
	FILL(check_rise), FILL(check_fall), FILL(check_health), FILL(agent_rise),
	FILL(agent_fall), FILL(agent_health), FILL(addr), FILL(cookie), FILL(mode), FILL(algo),
	CTR(conn_rate), CTR(conn_rate_max), CTR(conn_tot), CTRH(intercepted), CTR(dcon),
	CTR(dses), CTR(wrew), CTR(connect), CTR(reuse), CTRH(cache_lookups), CTRH(cache_hits),
	FILL(srv_icur), FILL(src_ilim), CTR(qtime_max), CTR(ctime_max), CTR(rtime_max),
	CTR(ttime_max), CTR(eint), CTR(idle_conn_cur), NONE(safe_conn_cur), CTR(used_conn_cur),
	NONE(need_conn_est), FILL(uweight), { "agg_server_status", f_agg, 0 },
	{ "agg_server_check_status", f_agg, 0 }, { "agg_check_status", f_agg, 0 },
};

/* The statistics modules' columns of a 2.6 build (after the "-" column). */
static const char *const csv_module_cols[] = {
	"ssl_sess", "ssl_reused_sess", "ssl_failed_handshake", "h2_headers_rcvd",
	"h2_data_rcvd", "h2_settings_rcvd", "h2_rst_stream_rcvd", "h2_goaway_rcvd",
	"h2_detected_conn_protocol_errors", "h2_detected_strm_protocol_errors",
	"h2_rst_stream_resp", "h2_goaway_resp", "h2_open_connections",
	"h2_backend_open_streams", "h2_total_connections", "h2_backend_total_streams",
	"h1_open_connections", "h1_open_streams", "h1_total_connections", "h1_total_streams",
	"h1_bytes_in", "h1_bytes_out", "h1_spliced_bytes_in", "h1_spliced_bytes_out",
};

#define NCOLS ((int)ARRAY_SIZE(csv_cols))

/* Column position to counter id, from the counters' own positions. Checks
 * once that both tables agree on every name: a counter printed under
 * another column's header would silently mislead every dashboard. (A few
 * counter columns have a fill function of their own, for HAProxy's rules
 * on when they are shown.) */
static const int *counter_of_col(void)
{
	static int map[ARRAY_SIZE(csv_cols)];
	static int done;
	if (done)
		return map;
	for (int c = 0; c < NCOLS; c++)
		map[c] = -1;
	for (int i = 0; i < SHM_CTR__COUNT; i++) {
		int c = shm_counters[i].col;
		WEIR_ASSERT(c >= 0 && c < NCOLS && strcmp(csv_cols[c].name, shm_counters[i].name) == 0);
		map[c] = i;
	}
	for (int c = 0; c < NCOLS; c++)
		WEIR_ASSERT(!(csv_cols[c].flags & COL_CTR) || map[c] >= 0);
	done = 1;
	return map;
}

void stats_csv_header(struct sbuf *out)
{
	sbuf_adds(out, "# ");
	for (int c = 0; c < NCOLS; c++)
		sbuf_printf(out, "%s,", csv_cols[c].name);
	sbuf_adds(out, "-,");
	for (size_t i = 0; i < ARRAY_SIZE(csv_module_cols); i++)
		sbuf_printf(out, "%s,", csv_module_cols[i]);
	sbuf_addc(out, '\n');
}

static void put_counter(const struct csv_row *r, int col, struct sbuf *o)
{
	int ctr = counter_of_col()[col];
	if (ctr < 0 || !(shm_counters[ctr].kinds & (1u << r->kind)))
		return;
	if ((csv_cols[col].flags & COL_HTTP) && !r->http)
		return;
	put_u64(o, shm_counter_read(r->shm, r->kind, r->idx, (enum shm_counter)ctr));
}

static void put_row(const struct csv_row *r, struct sbuf *o)
{
	for (int c = 0; c < NCOLS; c++) {
		if (csv_cols[c].fill)
			csv_cols[c].fill(r, o);
		else if (csv_cols[c].flags & COL_CTR)
			put_counter(r, c, o);
		sbuf_addc(o, ',');
	}
	sbuf_adds(o, "-,");
	for (size_t i = 0; i < ARRAY_SIZE(csv_module_cols); i++)
		sbuf_addc(o, ',');
	sbuf_addc(o, '\n');
}

/* ------------------------------------------------------------ filters */

#define SHOW_FE 1
#define SHOW_BE 2
#define SHOW_SRV 4

struct csv_filter {
	int iid;                      /* -1: every proxy */
	int types;                    /* SHOW_* bits */
	int sid;                      /* -1: every server */
	int up, no_maint;
};

/* `show stat [{<iid>|<proxy>} <type> <sid>] [up|no-maint] [desc]`. 0, or
 * -1 with the error in out. */
static int parse_filter(struct stats_ctx *c, const struct stats_ids *ids, struct csv_filter *f)
{
	int i = 2;
	*f = (struct csv_filter){ -1, SHOW_FE | SHOW_BE | SHOW_SRV, -1, 0, 0 };
	if (c->argc >= 5 && strcmp(c->argv[2], "domain") != 0 && strcmp(c->argv[2], "up") &&
	    strcmp(c->argv[2], "no-maint") && strcmp(c->argv[2], "typed") &&
	    strcmp(c->argv[2], "json") && strcmp(c->argv[2], "desc")) {
		char *end;
		long v = strtol(c->argv[2], &end, 10);
		if (*end) {
			int b = stats_obj_find_backend(c->shm, ids, c->argv[2]);
			v = b >= 0 ? ids->be[b] : -2;
			for (uint32_t k = 0; v == -2 && k < shm_hdr(c->shm)->nfe; k++)
				if (strcmp(shm_name(c->shm, shm_frontend(c->shm, k)->name_off), c->argv[2]) == 0)
					v = ids->fe[k];
			if (v == -2) {
				sbuf_adds(c->out, "No such proxy.\n");
				return -1;
			}
		}
		f->iid = (int)v;
		f->types = atoi(c->argv[3]);
		f->sid = atoi(c->argv[4]);
		i = 5;
	}
	for (; i < c->argc; i++) {
		if (strcmp(c->argv[i], "up") == 0) {
			f->up = 1;
		} else if (strcmp(c->argv[i], "no-maint") == 0) {
			f->no_maint = 1;
		} else if (strcmp(c->argv[i], "typed") == 0 || strcmp(c->argv[i], "json") == 0) {
			sbuf_printf(c->out, "weir does not implement the '%s' form of 'show stat' "
				    "yet; use the CSV form.\n", c->argv[i]);
			return -1;
		} else if (strcmp(c->argv[i], "desc") != 0) {
			sbuf_printf(c->out, "'show stat' does not take '%s'.\n", c->argv[i]);
			return -1;
		}
	}
	return 0;
}

static int hide_server(const struct csv_filter *f, const struct shm_srv *s, int sid)
{
	if (f->sid != -1 && sid != f->sid)
		return 1;
	if (f->no_maint && (s->admin & SHM_ADMIN_MAINT))
		return 1;
	return f->up && (s->op_state == SHM_OP_DOWN || (s->admin & SHM_ADMIN_MAINT));
}

/* ------------------------------------------------------------ dumping */

static void dump_backend(struct csv_row *r, const struct csv_filter *f,
			 const struct stats_ids *ids, uint32_t b, struct sbuf *o)
{
	r->be = shm_backend(r->shm, b);
	r->iid = ids->be[b];
	r->http = r->be->mode == PX_MODE_HTTP;
	for (uint32_t i = r->be->srv_first; (f->types & SHOW_SRV) &&
	     i < r->be->srv_first + r->be->srv_count; i++) {
		r->kind = SHM_KIND_SRV;
		r->idx = i;
		r->srv = shm_server(r->shm, i);
		r->sid = ids->srv[i];
		if (!hide_server(f, r->srv, r->sid))
			put_row(r, o);
	}
	if (f->types & SHOW_BE) {
		r->kind = SHM_KIND_BE;
		r->idx = b;
		r->srv = NULL;
		r->sid = 0;
		put_row(r, o);
	}
}

/* Rows in configuration order: per proxy its FRONTEND, its servers, its
 * BACKEND, as HAProxy orders them. */
static void dump_rows(struct stats_ctx *c, const struct csv_filter *f, const struct stats_ids *ids)
{
	const struct shm_header *h = shm_hdr(c->shm);
	uint32_t npx = 0;
	for (uint32_t i = 0; i < h->nfe; i++)
		npx = shm_frontend(c->shm, i)->cfg_index >= npx ? shm_frontend(c->shm, i)->cfg_index + 1 : npx;
	for (uint32_t i = 0; i < h->nbe; i++)
		npx = shm_backend(c->shm, i)->cfg_index >= npx ? shm_backend(c->shm, i)->cfg_index + 1 : npx;
	struct csv_row r = { .shm = c->shm, .p = c->p, .now = stats_obj_now_s() };
	for (uint32_t px = 0, fe = 0, be = 0; px < npx; px++) {
		if (fe < h->nfe && shm_frontend(c->shm, fe)->cfg_index == px) {
			if ((f->types & SHOW_FE) && (f->iid == -1 || f->iid == ids->fe[fe])) {
				r = (struct csv_row){ .shm = c->shm, .p = c->p, .now = r.now,
						      .kind = SHM_KIND_FE, .idx = fe,
						      .fe = shm_frontend(c->shm, fe), .iid = ids->fe[fe] };
				r.http = r.fe->mode == PX_MODE_HTTP;
				put_row(&r, c->out);
			}
			fe++;
		}
		if (be < h->nbe && shm_backend(c->shm, be)->cfg_index == px) {
			if (f->iid == -1 || f->iid == ids->be[be])
				dump_backend(&r, f, ids, be, c->out);
			be++;
		}
	}
}

int stats_csv_show(struct stats_ctx *c)
{
	struct stats_ids ids;
	struct csv_filter f;
	stats_obj_ids(c->shm, &ids);
	if (parse_filter(c, &ids, &f) == 0) {
		stats_csv_header(c->out);
		dump_rows(c, &f, &ids);
	}
	stats_obj_ids_free(&ids);
	return STATS_EXEC_OK;
}

/* ------------------------------------------------------- rate maxima */

static void raise_one(void *shm, enum shm_kind kind, uint32_t i, enum shm_counter rate,
		      enum shm_counter max)
{
	if (!(shm_counters[rate].kinds & (1u << kind)))
		return;
	uint64_t v = shm_counter_read(shm, kind, i, rate);
	uint64_t *m = (uint64_t *)(void *)((char *)shm_ctrs(shm, kind, i) + shm_counters[max].off[kind]);
	shm_gmax(m, v);
}

void stats_csv_raise_maxima(void *shm)
{
	const struct shm_header *h = shm_hdr(shm);
	const uint32_t n[SHM_KIND__COUNT] = { h->nli, h->nfe, h->nbe, h->nsrv };
	for (int k = SHM_KIND_FE; k < SHM_KIND__COUNT; k++)
		for (uint32_t i = 0; i < n[k]; i++) {
			raise_one(shm, (enum shm_kind)k, i, SHM_CTR_rate, SHM_CTR_rate_max);
			raise_one(shm, (enum shm_kind)k, i, SHM_CTR_req_rate, SHM_CTR_req_rate_max);
			raise_one(shm, (enum shm_kind)k, i, SHM_CTR_conn_rate, SHM_CTR_conn_rate_max);
		}
}
