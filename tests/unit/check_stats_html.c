/*
 * The HTTP stats page (src/stats/stats_html.c) on a real segment built
 * from a configuration. Promises checked: only requests under `stats uri`
 * (default "/haproxy?stats") of a proxy with `stats enable` are answered;
 * `stats auth` answers HAProxy's 401 page with `stats realm` (default
 * "HAProxy Statistics") until the credentials match; `;csv` is byte for
 * byte `show stat`; `stats refresh` sends a refresh header unless
 * `;norefresh`; the HTML has one table per proxy with its frontend,
 * server and backend rows, counters summed over the workers' shards, row
 * colours from the server state; `;up` hides servers that are not up;
 * `stats hide-version` and `stats scope` shape the page. With `stats
 * admin` allowed, each backend's table is HAProxy's form (checkboxes,
 * actions, b=#<id>); a POST is DENY without it, IVAL chunked, else left
 * to the caller to read; the 303 keeps ;up; `;st=` shows HAProxy's
 * message; stats_admin_apply() gives HAProxy's statuses and admin bits.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "config.h"
#include "testutil.h"
#include "weir/http.h"
#include "weir/proc-t.h"
#include "weir/shm.h"
#include "weir/stats.h"
#include "weir/util.h"

static const char *const CFG =
	"defaults\n"
	"    mode http\n"
	"    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\n"
	"frontend fe1\n"
	"    bind 127.0.0.1:8080\n"
	"    stats enable\n"
	"    stats refresh 10s\n"
	"    stats auth admin:pw\n"
	"    stats auth ro:ro\n"
	"    default_backend be1\n"
	"frontend fe2\n"
	"    bind 127.0.0.1:8082\n"
	"    stats enable\n"
	"    stats uri /st\n"
	"    stats hide-version\n"
	"    stats realm Weir\\ Stats\n"
	"    stats scope be1\n"
	"    stats scope .\n"
	"    default_backend be1\n"
	"frontend plain\n"
	"    bind 127.0.0.1:8083\n"
	"    default_backend be1\n"
	"backend be1\n"
	"    server s1 127.0.0.1:9001 weight 10\n"
	"    server s2 127.0.0.1:9002 weight 3\n"
	"    server s3 127.0.0.1:9003 backup\n"
	"backend be2\n"
	"    server m1 127.0.0.1:9201\n";

static struct cfg *cfg;
static struct shm_layout layout;
static struct shm_seg seg;
static struct weir_proc proc;
static struct http_msg req;
static struct sbuf out;

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
	proc.worker = 0;
	proc.role = SHM_ROLE_WORKER;
	proc.slot = 1;
	http_msg_init(&req, 0, HTTP_MAX_HDRS_DEFAULT, 8192);
	memset(&out, 0, sizeof(out));
}

static void teardown(void)
{
	sbuf_free(&out);
	http_msg_free(&req);
	shm_destroy(&seg);
	shm_layout_release(&layout);
	cfg_free(cfg);
}

/* Serves `target` (with an Authorization header when auth != NULL) on
 * proxy `px`; the response in `out`. */
static int serve(const char *px, const char *target, const char *auth, int close)
{
	char buf[2048];
	struct http_err err;
	int n = snprintf(buf, sizeof(buf), "GET %s HTTP/1.1\r\nHost: x\r\n%s%s%s\r\n", target,
			 auth ? "Authorization: Basic " : "", auth ? auth : "", auth ? "\r\n" : "");
	http_msg_reset(&req);
	ck_assert_int_eq(h1_parse_request(&req, buf, (size_t)n, sizeof(buf), &err), n);
	sbuf_reset(&out);
	return stats_http_serve(&proc, cfg_find_proxy(cfg, px, PX_CAP_FE), &req, 0, close, &out);
}

/* A request with any method and extra header lines, `admin` allowed or not. */
static int serve_as(const char *meth, const char *px, const char *target, const char *hdrs,
		    int admin)
{
	char buf[2048];
	struct http_err err;
	int n = snprintf(buf, sizeof(buf), "%s %s HTTP/1.1\r\nHost: x\r\n"
			 "Authorization: Basic YWRtaW46cHc=\r\n%s\r\n", meth, target, hdrs);
	http_msg_reset(&req);
	ck_assert_int_eq(h1_parse_request(&req, buf, (size_t)n, sizeof(buf), &err), n);
	sbuf_reset(&out);
	return stats_http_serve(&proc, cfg_find_proxy(cfg, px, PX_CAP_FE), &req, admin, 0, &out);
}

#define ADMIN "YWRtaW46cHc="   /* admin:pw */
#define RO "cm86cm8="          /* ro:ro */
#define WRONG "YWRtaW46eA=="   /* admin:x */

/* The body after the head; checks that content-length announces it. */
static const char *body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");
	const char *cl = strstr(resp, "content-length: ");
	ck_assert(b && cl && cl < b);
	b += 4;
	ck_assert_int_eq(atol(cl + 16), (long)strlen(b));
	return b;
}

static char *show_stat(const char *line)
{
	struct sbuf o = { 0 };
	stats_exec(&proc, STATS_LEVEL_ADMIN, line, &o);
	char *s = xstrdup(sbuf_str(&o));
	sbuf_free(&o);
	return s;
}

START_TEST(not_for_the_page)
{
	ck_assert_int_eq(serve("fe1", "/", NULL, 0), 0);
	ck_assert_int_eq(serve("fe1", "/haproxy", NULL, 0), 0);
	ck_assert_int_eq(serve("fe2", "/haproxy?stats", NULL, 0), 0);
	ck_assert_int_eq(serve("plain", "/haproxy?stats", NULL, 0), 0);
	ck_assert_uint_eq(out.len, 0);
}
END_TEST

START_TEST(auth_required)
{
	const char *page = "content-length: 112\r\ncache-control: no-cache\r\n"
			   "content-type: text/html\r\n";
	char want[512];
	ck_assert_int_eq(serve("fe1", "/haproxy?stats", NULL, 0), 401);
	snprintf(want, sizeof(want), "HTTP/1.1 401 Unauthorized\r\n%swww-authenticate: Basic "
		 "realm=\"HAProxy Statistics\"\r\n\r\n<html><body><h1>401 Unauthorized</h1>\nYou "
		 "need a valid user and password to access this content.\n</body></html>\n", page);
	ck_assert_str_eq(sbuf_str(&out), want);
	ck_assert_int_eq(serve("fe1", "/haproxy?stats;csv", WRONG, 1), 401);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "\r\nconnection: close\r\n\r\n"));
	ck_assert_int_eq(serve("fe1", "/haproxy?stats", ADMIN, 0), 200);
	ck_assert_int_eq(serve("fe1", "/haproxy?stats", RO, 0), 200);
}
END_TEST

START_TEST(csv_is_show_stat)
{
	shm_shard_add(&shm_srv_shard(seg.base, 0, 0)->stot, 5);
	shm_shard_add(&shm_srv_shard(seg.base, 1, 0)->stot, 7);
	char *want = show_stat("show stat");
	ck_assert_int_eq(serve("fe1", "/haproxy?stats;csv", ADMIN, 0), 200);
	ck_assert(strncmp(sbuf_str(&out), "HTTP/1.1 200 OK\r\ncache-control: no-cache\r\n"
			  "content-type: text/plain\r\nrefresh: 10\r\ncontent-length: ", 94) == 0);
	ck_assert_str_eq(body_of(sbuf_str(&out)), want);
	ck_assert_ptr_nonnull(strstr(want, "be1,s1,0,0,0,0,,12,"));
	/* ;norefresh drops the header; ;up is show stat's `up` */
	ck_assert_int_eq(serve("fe1", "/haproxy?stats;csv;norefresh", ADMIN, 1), 200);
	ck_assert_ptr_null(strstr(sbuf_str(&out), "refresh:"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "\r\nconnection: close\r\n\r\n# pxname,"));
	free(want);
	want = show_stat("show stat up");
	ck_assert_int_eq(serve("fe1", "/haproxy?stats;up;csv", ADMIN, 0), 200);
	ck_assert_str_eq(body_of(sbuf_str(&out)), want);
	free(want);
}
END_TEST

START_TEST(html_tables)
{
	shm_shard_add(&shm_srv_shard(seg.base, 0, 1)->stot, 40);
	shm_shard_add(&shm_srv_shard(seg.base, 1, 1)->stot, 2);
	char *r = show_stat("set server be1/s2 state maint");
	free(r);
	ck_assert_int_eq(serve("fe1", "/haproxy?stats", ADMIN, 0), 200);
	const char *s = sbuf_str(&out);
	ck_assert(strncmp(s, "HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n"
			  "refresh: 10\r\ncontent-length: ", 93) == 0);
	const char *b = body_of(s);
	ck_assert(strncmp(b, "<!DOCTYPE HTML PUBLIC", 21) == 0);
	ck_assert_ptr_nonnull(strstr(b, "<h1>weir version " PACKAGE_VERSION "</h1>"));
	ck_assert(strlen(b) > 15 && strcmp(b + strlen(b) - 15, "</body></html>\n") == 0);
	/* one table per proxy, in configuration order */
	const char *t1 = strstr(b, "<a class=px href=\"#fe1\">fe1</a>");
	const char *t2 = strstr(b, "<a class=px href=\"#be1\">be1</a>");
	const char *t3 = strstr(b, "<a class=px href=\"#be2\">be2</a>");
	ck_assert(t1 && t2 && t3 && t1 < t2 && t2 < t3);
	ck_assert_ptr_nonnull(strstr(b, "<a class=px href=\"#plain\">plain</a>"));
	/* the frontend row: status OPEN, limit column from maxconn */
	ck_assert_ptr_nonnull(strstr(t1, "<tr class=\"frontend\"><td class=ac><a name=\"fe1/Frontend\">"
				     "</a><a class=lfsb href=\"#fe1/Frontend\">Frontend</a></td>"
				     "<td colspan=3></td>"));
	ck_assert_ptr_nonnull(strstr(t1, "<td class=ac>OPEN</td><td class=ac colspan=8></td></tr>"));
	/* servers: s1 not checked, s2 in maintenance with 42 sessions summed
	 * over both shards, s3 a backup */
	const char *s1 = strstr(t2, "<tr class=\"active_no_check\"><td class=ac><a name=\"be1/s1\">");
	const char *s2 = strstr(t2, "<tr class=\"maintain\"><td class=ac><a name=\"be1/s2\">");
	const char *s3 = strstr(t2, "<tr class=\"backup_no_check\"><td class=ac><a name=\"be1/s3\">");
	const char *bk = strstr(t2, "<tr class=\"backend\"><td class=ac><a name=\"be1/Backend\">");
	ck_assert(s1 && s2 && s3 && bk && s1 < s2 && s2 < s3 && s3 < bk && bk < t3);
	/* s2: Cur Max Limit of queue and rate, then Cur Max Limit Total of sessions */
	ck_assert_ptr_nonnull(strstr(s2, "</a></td><td>0</td><td>0</td><td>-</td><td>0</td>"
				     "<td>0</td><td></td><td>0</td><td>0</td><td>-</td><td>42</td>"));
	ck_assert_ptr_nonnull(strstr(s2, "s MAINT</td><td></td><td class=ac>3/3</td>"
				     "<td class=ac>Y</td><td class=ac>-</td>"));
	ck_assert_ptr_nonnull(strstr(s1, "<td class=ac>10/10</td><td class=ac>Y</td>"));
	ck_assert_ptr_nonnull(strstr(s3, "<td class=ac>1/1</td><td class=ac>-</td>"
				     "<td class=ac>Y</td>"));
	/* the backend: weight of its usable active servers, act/bck counts */
	ck_assert_ptr_nonnull(strstr(bk, "<td class=ac>10/10</td><td class=ac>1</td>"
				     "<td class=ac>1</td>"));
	ck_assert_ptr_nonnull(strstr(bk, " UP</td>"));
	/* ;up: the server in maintenance is gone */
	ck_assert_int_eq(serve("fe1", "/haproxy?stats;up", ADMIN, 0), 200);
	ck_assert_ptr_null(strstr(sbuf_str(&out), "name=\"be1/s2\""));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "name=\"be1/s1\""));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "Show all servers"));
}
END_TEST

START_TEST(version_scope_refresh)
{
	/* no auth, no refresh, own uri; scope: be1 and the frontend itself */
	ck_assert_int_eq(serve("fe2", "/st", NULL, 0), 200);
	const char *s = sbuf_str(&out);
	ck_assert_ptr_null(strstr(s, "refresh:"));
	ck_assert_ptr_nonnull(strstr(s, "<h1>weir</h1>"));
	ck_assert_ptr_null(strstr(s, "version"));
	ck_assert_ptr_nonnull(strstr(s, "href=\"#fe2\""));
	ck_assert_ptr_nonnull(strstr(s, "href=\"#be1\""));
	ck_assert_ptr_null(strstr(s, "href=\"#fe1\""));
	ck_assert_ptr_null(strstr(s, "href=\"#be2\""));
	ck_assert_ptr_nonnull(strstr(s, "<a href=\"/st;csv;norefresh\">CSV export</a>"));
	ck_assert_ptr_null(strstr(s, "Disable refresh"));
	/* the CSV in scope too; the header stays */
	ck_assert_int_eq(serve("fe2", "/st;csv", NULL, 0), 200);
	s = body_of(sbuf_str(&out));
	ck_assert(strncmp(s, "# pxname,svname,", 16) == 0);
	ck_assert_ptr_nonnull(strstr(s, "\nfe2,FRONTEND,"));
	ck_assert_ptr_nonnull(strstr(s, "\nbe1,BACKEND,"));
	ck_assert_ptr_null(strstr(s, "\nfe1,"));
	ck_assert_ptr_null(strstr(s, "\nbe2,"));
	/* an absolute-form request reaches the page as well */
	ck_assert_int_eq(serve("fe2", "http://x/st", NULL, 0), 200);
	/* the realm of `stats realm` */
	ck_assert_int_eq(serve("fe1", "/haproxy?stats;csv", NULL, 0), 401);
}
END_TEST

START_TEST(custom_realm)
{
	/* a copy of fe2 with auth: the realm is `stats realm` */
	struct proxy_conf px = *cfg_find_proxy(cfg, "fe2", PX_CAP_FE);
	struct stats_auth a = { "u", "p" };
	void *v[1] = { &a };
	px.stats.auths.v = v;
	px.stats.auths.n = 1;
	char buf[256];
	struct http_err err;
	int n = snprintf(buf, sizeof(buf), "GET /st HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_int_eq(h1_parse_request(&req, buf, (size_t)n, sizeof(buf), &err), n);
	ck_assert_int_eq(stats_http_serve(&proc, &px, &req, 0, 0, &out), 401);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "\r\nwww-authenticate: Basic realm=\"Weir Stats\""
				     "\r\n\r\n"));
}
END_TEST

START_TEST(admin_forms)
{
	ck_assert_int_eq(serve_as("GET", "fe1", "/haproxy?stats", "", 1), 200);
	const char *b = body_of(sbuf_str(&out));
	/* one form per backend with servers, none for the frontends */
	const char *f = strstr(b, "<form method=\"post\" action=\"/haproxy?stats\">");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f + 1, "<form method="));
	ck_assert_ptr_null(strstr(strstr(f + 1, "<form method=") + 1, "<form method="));
	ck_assert_ptr_null(strstr(b, "value=\"fe1\""));
	ck_assert_ptr_nonnull(strstr(b, "<input class='be1-checkbox' type=\"checkbox\" name=\"s\" "
					"value=\"s1\">"));
	ck_assert_ptr_nonnull(strstr(b, "name=\"s\" value=\"s3\""));
	ck_assert_ptr_nonnull(strstr(b, "name=\"s\" value=\"m1\""));
	ck_assert_ptr_nonnull(strstr(b, "Choose the action to perform on the checked servers"));
	ck_assert_ptr_nonnull(strstr(b, "<option value=\"maint\">Set state to MAINT</option>"));
	ck_assert_ptr_nonnull(strstr(b, "<option value=\"hnolb\">Health: force NOLB"));
	ck_assert_ptr_nonnull(strstr(b, "<option value=\"shutdown\">Kill Sessions"));
	/* be1 is the fourth proxy declared: HAProxy's automatic id 4 */
	ck_assert_ptr_nonnull(strstr(b, "<input type=\"hidden\" name=\"b\" value=\"#4\">"));
	ck_assert_int_eq(serve_as("GET", "fe1", "/haproxy?stats", "", 0), 200);
	b = body_of(sbuf_str(&out));
	ck_assert_ptr_null(strstr(b, "<form"));
	ck_assert_ptr_null(strstr(b, "name=\"s\""));
	ck_assert_ptr_null(strstr(b, "Choose the action"));
}
END_TEST

START_TEST(admin_post)
{
	ck_assert_int_eq(serve_as("POST", "fe1", "/haproxy?stats", "Content-Length: 3\r\n", 0), 303);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "HTTP/1.1 303 See Other\r\n"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "\r\nlocation: /haproxy?stats;st=DENY\r\n"));
	ck_assert_int_eq(serve_as("POST", "fe1", "/haproxy?stats;up", "Content-Length: 3\r\n", 0), 303);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "\r\nlocation: /haproxy?stats;up;st=DENY\r\n"));
	ck_assert_int_eq(serve_as("POST", "fe1", "/haproxy?stats", "Content-Length: 3\r\n", 1),
			 STATS_HTTP_FORM);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(serve_as("POST", "fe1", "/haproxy?stats",
				  "Transfer-Encoding: chunked\r\n", 1), 303);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), ";st=IVAL\r\n"));
	/* not for the page: still 0 */
	ck_assert_int_eq(serve_as("POST", "plain", "/haproxy?stats", "Content-Length: 3\r\n", 1), 0);
	/* the stats auth comes first */
	sbuf_reset(&out);
	ck_assert_int_eq(serve("fe1", "/haproxy?stats", NULL, 0), 401);
}
END_TEST

START_TEST(admin_status_message)
{
	ck_assert_int_eq(serve_as("GET", "fe1", "/haproxy?stats;st=DONE", "", 1), 200);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "<div class=active_up><a class=lfsb href=\""
					"/haproxy?stats\" title=\"Remove this message\">[X]</a> Action "
					"processed successfully.</div>"));
	ck_assert_int_eq(serve_as("GET", "fe1", "/haproxy?stats;up;st=DENY", "", 0), 200);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "<b>Action denied.</b>"));
	ck_assert_int_eq(serve_as("GET", "fe1", "/haproxy?stats;st=ERRP", "", 1), 200);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "Action not processed because of invalid"));
	ck_assert_int_eq(serve_as("GET", "fe1", "/haproxy?stats;st=what", "", 1), 200);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "Unexpected result."));
	ck_assert_int_eq(serve_as("GET", "fe1", "/haproxy?stats", "", 1), 200);
	ck_assert_ptr_null(strstr(sbuf_str(&out), "title=\"Remove this message\""));
}
END_TEST

static uint32_t admin_of(const char *name)
{
	const struct shm_header *h = shm_hdr(seg.base);
	for (uint32_t i = 0; i < h->nsrv; i++)
		if (strcmp(shm_name(seg.base, shm_server(seg.base, i)->name_off), name) == 0)
			return shm_server(seg.base, i)->admin;
	ck_abort_msg("no server %s", name);
	return 0;
}

static enum stats_admin_st apply(const char *form)
{
	return stats_admin_apply(NULL, seg.base, form, strlen(form));
}

START_TEST(admin_apply)
{
	/* the page's order: servers first, then action and backend */
	ck_assert_int_eq(apply("s=s1&s=s2&action=maint&b=%234&submit=Apply"), STATS_ADMIN_DONE);
	ck_assert_uint_eq(admin_of("s1"), SHM_ADMIN_FMAINT);
	ck_assert_uint_eq(admin_of("s2"), SHM_ADMIN_FMAINT);
	ck_assert_uint_eq(admin_of("s3"), 0);
	ck_assert_int_eq(apply("b=be1&action=drain&s=s1"), STATS_ADMIN_DONE);
	ck_assert_uint_eq(admin_of("s1"), SHM_ADMIN_FDRAIN);
	ck_assert_int_eq(apply("b=be1&action=ready&s=s1&s=s2"), STATS_ADMIN_DONE);
	ck_assert_uint_eq(admin_of("s1") | admin_of("s2"), 0);
	ck_assert_int_eq(apply("b=be1&action=maint&s=s1&s=m1"), STATS_ADMIN_PART);
	ck_assert_uint_eq(admin_of("s1"), SHM_ADMIN_FMAINT);
	ck_assert_uint_eq(admin_of("m1"), 0);   /* m1 is be2's */
	ck_assert_int_eq(apply("b=be1&action=ready&s=s1"), STATS_ADMIN_DONE);
	ck_assert_int_eq(apply("b=be1&action=maint"), STATS_ADMIN_NONE);
	ck_assert_int_eq(apply(""), STATS_ADMIN_NONE);
	ck_assert_int_eq(apply("&&"), STATS_ADMIN_NONE);
	ck_assert_int_eq(apply("b=be1&action=maint&s=nope"), STATS_ADMIN_ERRP);
	ck_assert_int_eq(apply("b=nope&action=maint&s=s1"), STATS_ADMIN_ERRP);
	ck_assert_int_eq(apply("b=%2399&action=maint&s=s1"), STATS_ADMIN_ERRP);
	ck_assert_int_eq(apply("action=maint&s=s1"), STATS_ADMIN_ERRP);
	ck_assert_int_eq(apply("b=be1&s=s1"), STATS_ADMIN_ERRP);
	ck_assert_int_eq(apply("b=be1&action=up&s=s1"), STATS_ADMIN_ERRP);
	/* an action that does not apply to a server leaves it out (HAProxy):
	 * s1 has no check, so nothing was counted */
	ck_assert_int_eq(apply("b=be1&action=dhlth&s=s1"), STATS_ADMIN_NONE);
	ck_assert_int_eq(apply("b=be1&action=dhlth&s=s1&s=nope"), STATS_ADMIN_ERRP);
	uint64_t kills = shm_hdr(seg.base)->kill_gen;
	ck_assert_int_eq(apply("b=be1&action=shutdown&s=s1"), STATS_ADMIN_DONE);
	ck_assert_uint_eq(shm_hdr(seg.base)->kill_gen, kills + 1);
	/* a forced health is posted for the checker (no process here to
	 * apply it), marked as the page's */
	const struct shm_srv *s1 = NULL;
	for (uint32_t i = 0; i < shm_hdr(seg.base)->nsrv; i++)
		if (strcmp(shm_name(seg.base, shm_server(seg.base, i)->name_off), "s1") == 0)
			s1 = shm_server(seg.base, i);
	ck_assert_ptr_nonnull(s1);
	uint32_t seq = s1->force_seq;
	ck_assert_int_eq(apply("b=be1&action=hdown&s=s1"), STATS_ADMIN_DONE);
	ck_assert_uint_eq(s1->force_seq, seq + 1);
	ck_assert_uint_eq(s1->force, SHM_FORCE_HEALTH_DOWN | SHM_FORCE_FROM_WEB);
	ck_assert_uint_eq(s1->force_ack, 0);
	ck_assert_int_eq(apply("b=be1&action=maint&s=s%1"), STATS_ADMIN_ERRP);
	ck_assert_int_eq(apply("b=be1&action=maint&s=s%"), STATS_ADMIN_ERRP);
	ck_assert_int_eq(apply("b=be1&action=maint&s=s%00"), STATS_ADMIN_ERRP);
	ck_assert_int_eq(apply("b=be1&action=maint&s"), STATS_ADMIN_ERRP);
	ck_assert_uint_eq(admin_of("s1"), 0);
	/* %-encoding and '+' decode: "s%31" is s1 */
	ck_assert_int_eq(apply("b=b%651&action=m%61int&s=s%31"), STATS_ADMIN_DONE);
	ck_assert_uint_eq(admin_of("s1"), SHM_ADMIN_FMAINT);
	/* keys the page does not use are skipped, however long */
	char form[512];
	snprintf(form, sizeof(form), "s=s1&x=%0300d&action=ready&submit&b=be1", 7);
	ck_assert_int_eq(apply(form), STATS_ADMIN_DONE);
	ck_assert_uint_eq(admin_of("s1"), 0);
	ck_assert_str_eq(stats_admin_st_word(STATS_ADMIN_EXCD), "EXCD");
	ck_assert_int_eq(stats_admin_st_parse("PART", 4), STATS_ADMIN_PART);
	ck_assert_int_eq(stats_admin_st_parse("PARTS", 5), STATS_ADMIN_UNKN);
}
END_TEST

static Suite *stats_html_suite(void)
{
	Suite *s = suite_create("stats_html");
	TCase *tc = tcase_create("page");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, not_for_the_page);
	tcase_add_test(tc, auth_required);
	tcase_add_test(tc, csv_is_show_stat);
	tcase_add_test(tc, html_tables);
	tcase_add_test(tc, version_scope_refresh);
	tcase_add_test(tc, custom_realm);
	tcase_add_test(tc, admin_forms);
	tcase_add_test(tc, admin_post);
	tcase_add_test(tc, admin_status_message);
	tcase_add_test(tc, admin_apply);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(stats_html_suite)
