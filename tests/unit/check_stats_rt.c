/*
 * The stats process's runtime API (src/stats). Promises checked, on a real
 * segment built from a configuration: `show stat` prints HAProxy 2.6's
 * header byte for byte, one row per frontend, server and backend, counters
 * summed over every worker's shard, HAProxy's status words; `set server`
 * changes the admin bits and bumps the backend's lb_gen; weights follow
 * HAProxy's N / N% rules; `get weight`, `show servers state` and `show info`
 * print HAProxy's formats; admin commands are refused at level user; an
 * unknown command answers one line. Through a real UNIX socket served by a
 * forked stats loop: `;` chains, prompt mode, quit, and the idle timeout.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/proc-t.h"
#include "weir/shm.h"
#include "weir/stats.h"
#include "weir/util.h"

static const char *const CFG =
	"global\n"
	"    stats socket /tmp/weir-test-unused.sock level admin\n"
	"    stats timeout 1s\n"
	"    node testnode\n"
	"defaults\n"
	"    mode http\n"
	"    timeout connect 1s\n"
	"    timeout client 1s\n"
	"    timeout server 1s\n"
	"frontend fe1\n"
	"    bind 127.0.0.1:8080\n"
	"    default_backend be1\n"
	"backend be1\n"
	"    balance roundrobin\n"
	"    server s1 127.0.0.1:9001 check weight 10\n"
	"    server s2 127.0.0.1:9002 weight 3\n"
	"    server s3 127.0.0.1:9003 check backup\n"
	"backend be2\n"
	"    server m1 127.0.0.1:9201 track be1/s1\n"
	"listen li1\n"
	"    mode tcp\n"
	"    bind 127.0.0.1:8081\n"
	"    balance static-rr\n"
	"    server t1 127.0.0.1:9100\n";

/* HAProxy 2.6's header, written out independently of src/stats. */
static const char *const HEADER_26 =
	"# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,"
	"wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,"
	"sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,"
	"check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,"
	"req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,"
	"lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,"
	"agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,"
	"agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,"
	"intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,"
	"qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,"
	"used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,"
	"agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,"
	"h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,"
	"h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,"
	"h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,"
	"h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,"
	"h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,"
	"h1_spliced_bytes_out,\n";

/* column positions used below */
enum { C_PXNAME = 0, C_SVNAME = 1, C_SCUR = 4, C_STOT = 7, C_BIN = 8, C_STATUS = 17,
       C_WEIGHT = 18, C_ACT = 19, C_BCK = 20, C_IID = 27, C_SID = 28, C_TYPE = 32,
       C_CHECK_STATUS = 36, C_HRSP_2XX = 40, C_ADDR = 73, C_MODE = 75, C_ALGO = 76,
       C_UWEIGHT = 99 };

/* ------------------------------------------------------------ fixture */

static struct cfg *cfg;
static struct shm_layout layout;
static struct shm_seg seg;
static struct weir_proc proc;

static void setup(void)
{
	cfg = t_load_ok(CFG);
	ck_assert_int_eq(shm_layout_compute(cfg, 2, &layout), 0);
	ck_assert_int_eq(shm_create(&layout, &seg), 0);
	memset(&proc, 0, sizeof(proc));
	proc.cfg = cfg;
	proc.layout = &layout;
	proc.shm = seg.base;
	proc.seg = seg;
	proc.nworkers = 2;
	proc.worker = -1;
	proc.role = SHM_ROLE_STATS;
	proc.slot = 2 + 1;
}

static void teardown(void)
{
	shm_destroy(&seg);
	shm_layout_release(&layout);
	cfg_free(cfg);
}

/* One command's reply, as a heap string (free() it). */
static char *run(int level, const char *line)
{
	struct sbuf out = { 0 };
	stats_exec(&proc, level, line, &out);
	char *s = xstrdup(sbuf_str(&out));
	sbuf_free(&out);
	return s;
}

static char *admin(const char *line)
{
	return run(STATS_LEVEL_ADMIN, line);
}

/* Field `col` of line `row` (0: first line), copied into buf. */
static const char *field(const char *text, int row, int col, char *buf, size_t len)
{
	const char *p = text;
	for (int r = 0; r < row && p; r++)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	ck_assert_ptr_nonnull(p);
	for (int c = 0; c < col; c++) {
		p = p + strcspn(p, ",\n");
		ck_assert_msg(*p == ',', "row %d has no column %d", row, col);
		p++;
	}
	size_t n = strcspn(p, ",\n");
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The CSV row whose pxname and svname match. */
static int row_of(const char *csv, const char *px, const char *sv)
{
	char a[64], b[64];
	for (int r = 1; r < count_lines(csv); r++)
		if (strcmp(field(csv, r, C_PXNAME, a, sizeof(a)), px) == 0 &&
		    strcmp(field(csv, r, C_SVNAME, b, sizeof(b)), sv) == 0)
			return r;
	ck_abort_msg("no row %s/%s", px, sv);
	return -1;
}

static struct shm_srv *srv_rec(const char *name)
{
	const struct shm_header *h = shm_hdr(seg.base);
	for (uint32_t i = 0; i < h->nsrv; i++)
		if (strcmp(shm_name(seg.base, shm_server(seg.base, i)->name_off), name) == 0)
			return shm_server(seg.base, i);
	ck_abort_msg("no server %s", name);
	return NULL;
}

static uint32_t srv_idx(const char *name)
{
	return (uint32_t)(((char *)srv_rec(name) - (char *)shm_server(seg.base, 0)) /
			  shm_hdr(seg.base)->region[SHM_R_SRV].stride);
}

/* The status column of a server. */
static void assert_status(const char *sv, const char *want)
{
	char *csv = admin("show stat");
	char buf[64];
	ck_assert_str_eq(field(csv, row_of(csv, "be1", sv), C_STATUS, buf, sizeof(buf)), want);
	free(csv);
}

/* ------------------------------------------------------------ show stat */

START_TEST(test_header_26)
{
	char *csv = run(STATS_LEVEL_USER, "show stat");
	ck_assert_int_eq(strncmp(csv, HEADER_26, strlen(HEADER_26)), 0);
	free(csv);
}
END_TEST

START_TEST(test_rows)
{
	char *csv = run(STATS_LEVEL_USER, "show stat");
	char buf[64];
	ck_assert_int_eq(count_lines(csv), 1 + 10);
	static const char *const order[][2] = {
		{ "fe1", "FRONTEND" }, { "be1", "s1" }, { "be1", "s2" }, { "be1", "s3" },
		{ "be1", "BACKEND" }, { "be2", "m1" }, { "be2", "BACKEND" }, { "li1", "FRONTEND" },
		{ "li1", "t1" }, { "li1", "BACKEND" },
	};
	for (int i = 0; i < 10; i++) {
		ck_assert_str_eq(field(csv, i + 1, C_PXNAME, buf, sizeof(buf)), order[i][0]);
		ck_assert_str_eq(field(csv, i + 1, C_SVNAME, buf, sizeof(buf)), order[i][1]);
	}
	/* every row has as many columns as the header */
	int commas = 0;
	for (const char *p = HEADER_26; *p; p++)
		commas += *p == ',';
	for (int r = 1; r <= 10; r++) {
		const char *p = csv;
		for (int k = 0; k < r; k++)
			p = strchr(p, '\n') + 1;
		int n = 0;
		for (; *p != '\n'; p++)
			n += *p == ',';
		ck_assert_int_eq(n, commas);
	}
	ck_assert_str_eq(field(csv, 1, C_STATUS, buf, sizeof(buf)), "OPEN");
	ck_assert_str_eq(field(csv, 1, C_TYPE, buf, sizeof(buf)), "0");
	ck_assert_str_eq(field(csv, 2, C_TYPE, buf, sizeof(buf)), "2");
	ck_assert_str_eq(field(csv, 5, C_TYPE, buf, sizeof(buf)), "1");
	/* automatic ids: proxies 1, 2, 3 in order; servers per backend */
	ck_assert_str_eq(field(csv, 1, C_IID, buf, sizeof(buf)), "1");
	ck_assert_str_eq(field(csv, 3, C_IID, buf, sizeof(buf)), "2");
	ck_assert_str_eq(field(csv, 3, C_SID, buf, sizeof(buf)), "2");
	ck_assert_str_eq(field(csv, 9, C_IID, buf, sizeof(buf)), "4");
	ck_assert_str_eq(field(csv, 9, C_SID, buf, sizeof(buf)), "1");
	ck_assert_str_eq(field(csv, 2, C_ADDR, buf, sizeof(buf)), "127.0.0.1:9001");
	ck_assert_str_eq(field(csv, 2, C_WEIGHT, buf, sizeof(buf)), "10");
	ck_assert_str_eq(field(csv, 4, C_BCK, buf, sizeof(buf)), "1");
	ck_assert_str_eq(field(csv, 5, C_WEIGHT, buf, sizeof(buf)), "13");
	ck_assert_str_eq(field(csv, 5, C_ACT, buf, sizeof(buf)), "2");
	ck_assert_str_eq(field(csv, 5, C_BCK, buf, sizeof(buf)), "1");
	ck_assert_str_eq(field(csv, 5, C_ALGO, buf, sizeof(buf)), "roundrobin");
	ck_assert_str_eq(field(csv, 10, C_ALGO, buf, sizeof(buf)), "static-rr");
	ck_assert_str_eq(field(csv, 10, C_MODE, buf, sizeof(buf)), "tcp");
	ck_assert_str_eq(field(csv, 5, C_MODE, buf, sizeof(buf)), "http");
	ck_assert_str_eq(field(csv, 2, C_CHECK_STATUS, buf, sizeof(buf)), "");
	ck_assert_str_eq(field(csv, 2, C_UWEIGHT, buf, sizeof(buf)), "10");
	/* HTTP-only columns stay empty on a TCP proxy */
	ck_assert_str_eq(field(csv, 9, C_HRSP_2XX, buf, sizeof(buf)), "");
	ck_assert_str_eq(field(csv, 2, C_HRSP_2XX, buf, sizeof(buf)), "0");
	free(csv);
}
END_TEST

START_TEST(test_counters_sum_shards)
{
	uint32_t s1 = srv_idx("s1");
	shm_shard_add(&shm_srv_shard(seg.base, 0, s1)->stot, 5);
	shm_shard_add(&shm_srv_shard(seg.base, 1, s1)->stot, 7);
	shm_shard_add(&shm_srv_shard(seg.base, 0, s1)->bin, 1000);
	shm_shard_add(&shm_srv_shard(seg.base, 1, s1)->bin, 24);
	shm_shard_add(&shm_fe_shard(seg.base, 1, 0)->hrsp_2xx, 42);
	shm_gauge_add(&srv_rec("s1")->c.scur, 3);
	char *csv = admin("show stat");
	char buf[64];
	int r = row_of(csv, "be1", "s1");
	ck_assert_str_eq(field(csv, r, C_STOT, buf, sizeof(buf)), "12");
	ck_assert_str_eq(field(csv, r, C_BIN, buf, sizeof(buf)), "1024");
	ck_assert_str_eq(field(csv, r, C_SCUR, buf, sizeof(buf)), "3");
	ck_assert_str_eq(field(csv, row_of(csv, "fe1", "FRONTEND"), C_HRSP_2XX, buf, sizeof(buf)),
			 "42");
	free(csv);
}
END_TEST

START_TEST(test_statuses)
{
	struct shm_srv *s1 = srv_rec("s1");
	assert_status("s2", "no check");
	s1->check_health = s1->check_rise + s1->check_fall - 1;
	assert_status("s1", "UP");
	s1->check_health = 3;  /* rise 2, fall 3: one failure so far */
	assert_status("s1", "UP 2/3");
	s1->op_state = SHM_OP_DOWN;
	s1->check_health = 1;
	assert_status("s1", "DOWN 1/2");
	s1->check_health = 0;
	assert_status("s1", "DOWN");
	s1->admin = SHM_ADMIN_FMAINT;
	assert_status("s1", "MAINT");
	s1->admin = SHM_ADMIN_FDRAIN;
	s1->op_state = SHM_OP_UP;
	s1->check_health = 4;
	assert_status("s1", "DRAIN");
	/* every active server down and the backup in maint: the backend is DOWN */
	srv_rec("s2")->op_state = SHM_OP_DOWN;
	srv_rec("s3")->admin = SHM_ADMIN_FMAINT;
	s1->admin = 0;
	s1->op_state = SHM_OP_DOWN;
	char *csv = admin("show stat");
	char buf[64];
	ck_assert_str_eq(field(csv, row_of(csv, "be1", "BACKEND"), C_STATUS, buf, sizeof(buf)),
			 "DOWN");
	ck_assert_str_eq(field(csv, row_of(csv, "li1", "BACKEND"), C_STATUS, buf, sizeof(buf)),
			 "UP");
	free(csv);
}
END_TEST

START_TEST(test_filters)
{
	char *csv = admin("show stat 2 4 -1");
	char buf[64];
	ck_assert_int_eq(count_lines(csv), 1 + 3);
	ck_assert_str_eq(field(csv, 1, C_SVNAME, buf, sizeof(buf)), "s1");
	free(csv);
	csv = admin("show stat be1 6 3");
	ck_assert_int_eq(count_lines(csv), 1 + 2);
	ck_assert_str_eq(field(csv, 1, C_SVNAME, buf, sizeof(buf)), "s3");
	ck_assert_str_eq(field(csv, 2, C_SVNAME, buf, sizeof(buf)), "BACKEND");
	free(csv);
	csv = admin("show stat typed");
	ck_assert_int_eq(count_lines(csv), 1);
	free(csv);
}
END_TEST

/* ----------------------------------------------------------- writes */

START_TEST(test_set_state)
{
	struct shm_srv *s1 = srv_rec("s1");
	struct shm_be *be = shm_backend(seg.base, s1->be_index);
	uint64_t gen = be->lb_gen;
	char *r = admin("set server be1/s1 state maint");
	ck_assert_str_eq(r, "");
	free(r);
	ck_assert_uint_eq(s1->admin, SHM_ADMIN_FMAINT);
	ck_assert_uint_eq(be->lb_gen, gen + 1);
	assert_status("s1", "MAINT");
	/* the server tracking s1 inherits its maintenance, and its backend rebalances */
	struct shm_srv *m1 = srv_rec("m1");
	ck_assert_uint_eq(m1->admin, SHM_ADMIN_IMAINT);
	ck_assert_uint_eq(shm_backend(seg.base, m1->be_index)->lb_gen, 1);
	char *csv = admin("show stat");
	char buf[64];
	ck_assert_str_eq(field(csv, row_of(csv, "be2", "m1"), C_STATUS, buf, sizeof(buf)),
			 "MAINT (via be1/s1)");
	free(csv);
	/* drain and maint replace each other, as HAProxy's srv_adm_set_drain
	 * and srv_adm_set_maint do; the tracker follows */
	free(admin("set server be1/s1 state drain"));
	ck_assert_uint_eq(s1->admin, SHM_ADMIN_FDRAIN);
	ck_assert_uint_eq(m1->admin, SHM_ADMIN_IDRAIN);
	free(admin("set server be1/s1 state ready"));
	ck_assert_uint_eq(s1->admin, 0);
	ck_assert_uint_eq(m1->admin, 0);
	free(admin("set server be1/s1 state drain"));
	ck_assert_uint_eq(s1->admin, SHM_ADMIN_FDRAIN);
	ck_assert_uint_eq(be->lb_gen, gen + 4);
	free(admin("disable server be1/s2"));
	ck_assert_uint_eq(srv_rec("s2")->admin, SHM_ADMIN_FMAINT);
	free(admin("enable server be1/s2"));
	ck_assert_uint_eq(srv_rec("s2")->admin, 0);
	ck_assert_uint_eq(be->lb_gen, gen + 6);
	r = admin("set server be1/s1 state up");
	ck_assert_str_eq(r, "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
	free(r);
	r = admin("set server be1/nope state ready");
	ck_assert_str_eq(r, "No such server.\n");
	free(r);
	r = admin("set server nope/s1 state ready");
	ck_assert_str_eq(r, "No such backend.\n");
	free(r);
	r = admin("set server s1 state ready");
	ck_assert_str_eq(r, "Require 'backend/server'.\n");
	free(r);
	free(admin("set server #2/#1 state maint"));
	ck_assert_uint_eq(s1->admin, SHM_ADMIN_FMAINT);
}
END_TEST

START_TEST(test_weights)
{
	struct shm_srv *s1 = srv_rec("s1");
	uint64_t gen = shm_backend(seg.base, s1->be_index)->lb_gen;
	free(admin("set server be1/s1 weight 5"));
	ck_assert_uint_eq(s1->weight_user, 5);
	ck_assert_uint_eq(shm_backend(seg.base, s1->be_index)->lb_gen, gen + 1);
	free(admin("set server be1/s1 weight 50%"));
	ck_assert_uint_eq(s1->weight_user, 5);
	free(admin("set server be1/s1 weight 300%"));
	ck_assert_uint_eq(s1->weight_user, 30);
	free(admin("set server be1/s1 weight 99999%"));
	ck_assert_uint_eq(s1->weight_user, 256);
	char *r = admin("set server be1/s1 weight 300");
	ck_assert_str_eq(r, "Absolute weight can only be between 0 and 256 inclusive.\n");
	free(r);
	r = admin("set server be1/s1 weight -5%");
	ck_assert_str_eq(r, "Relative weight must be positive.\n");
	free(r);
	ck_assert_uint_eq(s1->weight_user, 256);
	free(admin("set weight be1/s1 7"));
	ck_assert_uint_eq(s1->weight_user, 7);
	r = admin("get weight be1/s1");
	ck_assert_str_eq(r, "7 (initial 10)\n");
	free(r);
	r = run(STATS_LEVEL_USER, "get weight be1/s2");
	ck_assert_str_eq(r, "3 (initial 3)\n");
	free(r);
	/* static-rr: only 0% and 100% */
	r = admin("set server li1/t1 weight 5");
	ck_assert_str_eq(r, "Backend is using a static LB algorithm and only accepts weights "
			 "'0%' and '100%'.\n");
	free(r);
	free(admin("set server li1/t1 weight 0%"));
	ck_assert_uint_eq(srv_rec("t1")->weight_user, 0);
	free(admin("set server li1/t1 weight 100%"));
	ck_assert_uint_eq(srv_rec("t1")->weight_user, 1);
}
END_TEST

START_TEST(test_levels)
{
	char *r = run(STATS_LEVEL_USER, "set server be1/s1 state maint");
	ck_assert_str_eq(r, "Permission denied\n");
	free(r);
	r = run(STATS_LEVEL_OPERATOR, "disable server be1/s1");
	ck_assert_str_eq(r, "Permission denied\n");
	free(r);
	ck_assert_uint_eq(srv_rec("s1")->admin, 0);
	r = run(STATS_LEVEL_USER, "help");
	ck_assert_ptr_nonnull(strstr(r, "show stat"));
	ck_assert_ptr_null(strstr(r, "set server"));
	free(r);
	r = admin("help");
	ck_assert_ptr_nonnull(strstr(r, "set server"));
	free(r);
}
END_TEST

START_TEST(test_unknown)
{
	char *r = admin("shwo stat");
	ck_assert_str_eq(r, "Unknown command 'shwo stat'. Did you mean 'show stat'? Type 'help' "
			 "for the list.\n");
	free(r);
	r = admin("frobnicate the widgets");
	ck_assert_int_eq(count_lines(r), 1);
	ck_assert_ptr_null(strstr(r, "Did you mean"));
	free(r);
	r = admin("");
	ck_assert_str_eq(r, "");
	free(r);
}
END_TEST

/* ---------------------------------------------------- other dumps */

START_TEST(test_servers_state)
{
	char *r = run(STATS_LEVEL_USER, "show servers state");
	char line[512];
	ck_assert_int_eq(count_lines(r), 2 + 5);
	ck_assert_int_eq(strncmp(r, "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state "
				 "srv_admin_state srv_uweight srv_iweight srv_time_since_last_change "
				 "srv_check_status srv_check_result srv_check_health srv_check_state "
				 "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port "
				 "srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr "
				 "srv_agent_port\n", 310), 0);
	const char *p = strchr(strchr(r, '\n') + 1, '\n') + 1;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	/* time since last change may be 0 or 1 here */
	ck_assert_int_eq(strncmp(line, "2 be1 1 s1 127.0.0.1 2 0 10 10 ", 31), 0);
	ck_assert_str_eq(strchr(line + 31, ' '), " 0 0 2 6 0 0 0 - 9001 - 0 0 - - 0");
	free(r);
	r = run(STATS_LEVEL_USER, "show servers state li1");
	ck_assert_int_eq(count_lines(r), 3);
	ck_assert_ptr_nonnull(strstr(r, "\n4 li1 1 t1 127.0.0.1 2 0 1 1 "));
	free(r);
	r = run(STATS_LEVEL_USER, "show servers state nope");
	ck_assert_str_eq(r, "Can't find backend.\n");
	free(r);
}
END_TEST

START_TEST(test_info)
{
	shm_gauge_add(&shm_hdr(seg.base)->actconn, 7);
	char *r = run(STATS_LEVEL_USER, "show info");
	ck_assert_int_eq(strncmp(r, "Name: weir\nVersion: ", 20), 0);
	ck_assert_ptr_nonnull(strstr(r, "\nNbthread: 2\nNbproc: 1\nProcess_num: 1\nPid: "));
	ck_assert_ptr_nonnull(strstr(r, "\nCurrConns: 7\nCumConns: 0\nCumReq: 0\n"));
	ck_assert_ptr_nonnull(strstr(r, "\nnode: testnode\n"));
	ck_assert_ptr_nonnull(strstr(r, "\nUptime_sec: "));
	ck_assert_ptr_null(strstr(r, "description:"));
	/* HAProxy's order: Uptime before Ulimit-n, before node */
	ck_assert(strstr(r, "Uptime:") < strstr(r, "Ulimit-n:"));
	ck_assert(strstr(r, "Ulimit-n:") < strstr(r, "node:"));
	free(r);
	shm_proc(seg.base, 1)->pid = 4242;
	r = run(STATS_LEVEL_USER, "show proc");
	ck_assert_int_eq(strncmp(r, "#<PID>          <type>          <reloads>       <uptime>  ", 58), 0);
	ck_assert_ptr_nonnull(strstr(r, "\n# workers\n4242            worker          0 "));
	free(r);
}
END_TEST

/* ------------------------------------------------------------ socket */

static pid_t server_pid;
static char sock_path[108];
static char sock_dir[64];

/* The stats loop in a child, on a socket bound here. */
static void start_server(void)
{
	snprintf(sock_dir, sizeof(sock_dir), "/tmp/weir-stats-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sock_dir));
	snprintf(sock_path, sizeof(sock_path), "%s/s.sock", sock_dir);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	server_pid = fork();
	ck_assert_int_ge(server_pid, 0);
	if (server_pid == 0) {
		static struct stats_listener l;
		l.bind = cfg->global.stats_sockets.v[0];
		l.fd = fd;
		snprintf(l.key, sizeof(l.key), "%s", sock_path);
		proc.stats = &l;
		proc.nstats = 1;
		proc.base = event_base_new();
		if (stats_start(&proc) < 0)
			_exit(2);
		event_base_dispatch(proc.base);
		_exit(0);
	}
	close(fd);
}

static void stop_server(void)
{
	kill(server_pid, SIGKILL);
	waitpid(server_pid, NULL, 0);
	unlink(sock_path);
	rmdir(sock_dir);
}

static int client(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void send_str(int fd, const char *s)
{
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* Reads until `until` appears (NULL: until EOF) or ms pass; returns what
 * came, heap string. *eof says whether the server closed. */
static char *recv_until(int fd, const char *until, int ms, int *eof)
{
	struct sbuf b = { 0 };
	*eof = 0;
	while (!until || !strstr(sbuf_str(&b), until)) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, ms) <= 0)
			break;
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			*eof = 1;
			break;
		}
		sbuf_add(&b, buf, (size_t)n);
	}
	char *s = xstrdup(sbuf_str(&b));
	sbuf_free(&b);
	return s;
}

START_TEST(test_socket_chain)
{
	start_server();
	int fd = client(), eof;
	send_str(fd, "get weight be1/s1;show servers state li1;set server be1/s2 state maint\n");
	char *r = recv_until(fd, NULL, 3000, &eof);
	ck_assert_int_eq(eof, 1);
	ck_assert_int_eq(strncmp(r, "10 (initial 10)\n\n1\n# be_id", 26), 0);
	ck_assert_ptr_nonnull(strstr(r, "\n4 li1 1 t1 "));
	/* three commands, three empty-line separators; the last one printed nothing */
	ck_assert_int_eq(strcmp(r + strlen(r) - 3, "\n\n\n"), 0);
	free(r);
	close(fd);
	ck_assert_uint_eq(srv_rec("s2")->admin, SHM_ADMIN_FMAINT);
	/* a long reply to a client that shuts its side at once still arrives whole */
	fd = client();
	send_str(fd, "show stat\n");
	shutdown(fd, SHUT_WR);
	r = recv_until(fd, NULL, 3000, &eof);
	ck_assert_int_eq(eof, 1);
	ck_assert_int_eq(strncmp(r, HEADER_26, strlen(HEADER_26)), 0);
	ck_assert_int_eq(count_lines(r), 1 + 10 + 1);
	free(r);
	close(fd);
	stop_server();
}
END_TEST

START_TEST(test_socket_prompt)
{
	start_server();
	int fd = client(), eof;
	send_str(fd, "prompt\n");
	char *r = recv_until(fd, "> ", 3000, &eof);
	ck_assert_str_eq(r, "\n> ");
	free(r);
	send_str(fd, "get weight be1/s3\n");
	r = recv_until(fd, "> ", 3000, &eof);
	ck_assert_str_eq(r, "1 (initial 1)\n\n> ");
	free(r);
	send_str(fd, "shwo info\n");
	r = recv_until(fd, "> ", 3000, &eof);
	ck_assert_int_eq(strncmp(r, "Unknown command 'shwo info'. Did you mean 'show info'?", 53), 0);
	free(r);
	send_str(fd, "quit\n");
	r = recv_until(fd, NULL, 3000, &eof);
	ck_assert_int_eq(eof, 1);
	ck_assert_str_eq(r, "");
	free(r);
	close(fd);
	stop_server();
}
END_TEST

START_TEST(test_socket_timeout)
{
	start_server();
	int fd = client(), eof;
	send_str(fd, "prompt\n");
	free(recv_until(fd, "> ", 3000, &eof));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *r = recv_until(fd, NULL, 4000, &eof);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(eof, 1);
	double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(dt > 0.5 && dt < 3.5, "idle session closed after %.2fs (stats timeout 1s)", dt);
	free(r);
	close(fd);
	stop_server();
}
END_TEST

static Suite *stats_rt_suite(void)
{
	Suite *s = suite_create("stats_rt");
	TCase *tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_header_26);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_counters_sum_shards);
	tcase_add_test(tc, test_statuses);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_set_state);
	tcase_add_test(tc, test_weights);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_servers_state);
	tcase_add_test(tc, test_info);
	suite_add_tcase(s, tc);
	TCase *so = tcase_create("socket");
	tcase_add_checked_fixture(so, setup, teardown);
	tcase_set_timeout(so, 20);
	tcase_add_test(so, test_socket_chain);
	tcase_add_test(so, test_socket_prompt);
	tcase_add_test(so, test_socket_timeout);
	suite_add_tcase(s, so);
	return s;
}

CHECK_MAIN(stats_rt_suite)
