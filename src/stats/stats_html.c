/*
 * The HTTP stats page (`stats enable`, `stats uri`): HAProxy's HTML report,
 * one table per proxy (frontend row, server rows, backend row) with its
 * main columns, and `;csv`, the very CSV of `show stat`. Options after the
 * uri: `;csv`, `;norefresh`, `;up` (hide servers that are not up).
 * `stats auth` answers 401 with `stats realm` until the credentials match;
 * `stats refresh` adds a refresh header; `stats hide-version`, `show-node`,
 * `show-desc` and `scope` shape the page. When a `stats admin` condition
 * holds for the request, each backend's table becomes HAProxy's form: a
 * checkbox per server, the action list and Apply, POSTed to the stats uri
 * and answered 303 to `<uri>;st=<status>`, whose page shows the outcome.
 * The form is applied by the stats process (stats_admin.c).
 *
 * Runs in the worker that received the request, called by its HTTP engine.
 * Reads the segment through stats_csv_show(), the same code as `show stat`
 * (so both always agree), and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "stats-int.h"
#include "weir/cfg.h"
#include "weir/http-act.h"
#include "weir/http.h"

#define STATS_URI_DEFAULT "/haproxy?stats"
#define STATS_REALM_DEFAULT "HAProxy Statistics"
#define MAX_COLS 160

/* What the request asks for. */
struct page_opts {
	int csv, norefresh, up;
	int admin;                    /* a `stats admin` condition holds */
	int st;                       /* `;st=` status to show, -1 none */
	const char *uri;              /* the stats uri (prefix) */
};

/* One CSV row split in place into fields, named by the header's columns. */
struct csv_view {
	char *names[MAX_COLS];
	int ncols;
	char *f[MAX_COLS];
	int nf;
};

/* ------------------------------------------------------------ request */

void stats_req_target(const struct http_msg *req, const char **p, size_t *n)
{
	const char *u = http_str_ptr(req, req->uri);
	size_t len = req->uri.len;
	const char *s = len && u[0] != '/' ? memmem(u, len, "://", 3) : NULL;
	const char *slash = s ? memchr(s + 3, '/', (size_t)(u + len - s - 3)) : NULL;
	*p = s ? (slash ? slash : "/") : u;
	*n = s ? (slash ? (size_t)(u + len - slash) : 1) : len;
}

/* Is `opt` one of the ';'-separated words of rest ("csv" in ";csv;up")? */
static int has_opt(const char *rest, size_t n, const char *opt)
{
	size_t ol = strlen(opt);
	for (size_t i = 0; i < n;) {
		size_t w = i;
		while (w < n && rest[w] != ';')
			w++;
		if (w - i == ol && memcmp(rest + i, opt, ol) == 0)
			return 1;
		i = w + 1;
	}
	return 0;
}

/* `;st=DONE`: the outcome of an admin POST, redirected here; -1 none. */
static int opt_st(const char *rest, size_t n)
{
	for (size_t i = 0; i + 3 <= n;) {
		size_t w = i;
		while (w < n && rest[w] != ';')
			w++;
		if (w - i > 3 && memcmp(rest + i, "st=", 3) == 0)
			return (int)stats_admin_st_parse(rest + i + 3, w - i - 3);
		i = w + 1;
	}
	return -1;
}

/* Is this request for the page? Then the options after the uri. */
static int parse_request(const struct proxy_conf *px, const struct http_msg *req,
			 struct page_opts *o)
{
	const char *t;
	size_t n;
	memset(o, 0, sizeof(*o));
	o->st = -1;
	o->uri = px->stats.uri ? px->stats.uri : STATS_URI_DEFAULT;
	size_t ul = strlen(o->uri);
	if (!req || !req->uri.len)
		return 0;
	stats_req_target(req, &t, &n);
	if (n < ul || memcmp(t, o->uri, ul) != 0)
		return 0;
	const char *rest = t + ul;
	size_t rn = n - ul;
	const char *semi = memchr(rest, ';', rn);
	if (semi) {
		rn -= (size_t)(semi + 1 - rest);
		rest = semi + 1;
		o->csv = has_opt(rest, rn, "csv");
		o->norefresh = has_opt(rest, rn, "norefresh");
		o->up = has_opt(rest, rn, "up");
		o->st = opt_st(rest, rn);
	}
	return 1;
}

/* `stats auth user:pass` lines: plain text, any of them. */
static int auth_ok(const struct proxy_conf *px, const struct http_msg *req)
{
	char buf[512];
	struct http_auth_cred cr;
	const struct stats_auth *a;
	if (!px->stats.auths.n)
		return 1;
	if (http_auth_basic(req, 0, buf, sizeof(buf), &cr) < 0)
		return 0;
	VEC_EACH(&px->stats.auths, const struct stats_auth *, a)
		if (a->user && a->pass && strlen(a->user) == cr.ulen && strlen(a->pass) == cr.plen &&
		    memcmp(a->user, cr.user, cr.ulen) == 0 && memcmp(a->pass, cr.pass, cr.plen) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ the CSV */

static void csv_dump(struct weir_proc *p, int up, struct sbuf *csv)
{
	char show[] = "show", stat[] = "stat", upw[] = "up";
	char *argv[] = { show, stat, upw };
	struct stats_ctx c = { .p = p, .shm = p->shm, .level = STATS_LEVEL_USER,
			       .argc = up ? 3 : 2, .argv = argv, .out = csv };
	stats_csv_show(&c);
}

/* One field at p, unquoted in place ("a ""b"", c" is a "b", c: the CSV
 * quoting of text fields such as last_chk); where the next one starts,
 * NULL after the last. */
static char *split_one(char *p, char **field)
{
	if (*p != '"') {
		*field = p;
		char *c = strchr(p, ',');
		if (c)
			*c++ = '\0';
		return c;
	}
	char *w = ++p;
	*field = w;
	for (; *p; p++) {
		if (*p == '"' && p[1] == '"')
			p++;
		else if (*p == '"')
			break;
		*w++ = *p;
	}
	char *next = *p ? strchr(p, ',') : NULL;
	*w = '\0';
	return next ? next + 1 : NULL;
}

void stats_split_fields(char *line, char **f, int *nf, int max)
{
	*nf = 0;
	for (char *p = line; p && *nf < max;)
		p = split_one(p, &f[(*nf)++]);
}

static void split_fields(char *line, char **f, int *nf)
{
	stats_split_fields(line, f, nf, MAX_COLS);
}

static const char *fld(const struct csv_view *v, const char *name)
{
	for (int i = 0; i < v->ncols && i < v->nf; i++)
		if (strcmp(v->names[i], name) == 0)
			return v->f[i];
	return "";
}

static long long fnum(const struct csv_view *v, const char *name)
{
	return atoll(fld(v, name));
}

/* `stats scope`: only the named proxies ("." is this one); all without. */
static int in_scope(const struct proxy_conf *px, const char *name)
{
	const char *s;
	if (!px->stats.scopes.n)
		return 1;
	VEC_EACH(&px->stats.scopes, const char *, s)
		if (strcmp(s, name) == 0 || (strcmp(s, ".") == 0 && strcmp(px->name, name) == 0))
			return 1;
	return 0;
}

/* The CSV lines of the proxies in scope (the header always). */
static void csv_scoped(const struct proxy_conf *px, char *csv, struct sbuf *out)
{
	for (char *line = csv, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		size_t name_len = strcspn(line, ",\n");
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)name_len, line);
		if (line[0] == '#' || in_scope(px, name))
			sbuf_add(out, line, (size_t)(nl + 1 - line));
	}
}

/* ------------------------------------------------------------ HTML pieces */

static void esc(struct sbuf *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sbuf_adds(o, "&lt;"); break;
		case '>': sbuf_adds(o, "&gt;"); break;
		case '&': sbuf_adds(o, "&amp;"); break;
		case '"': sbuf_adds(o, "&quot;"); break;
		default: sbuf_addc(o, *s);
		}
	}
}

/* HAProxy's short durations: "42s", "3m12s", "5h02m", "2d4h". */
static void human_time(struct sbuf *o, unsigned long long s)
{
	if (s < 60)
		sbuf_printf(o, "%llus", s);
	else if (s < 3600)
		sbuf_printf(o, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		sbuf_printf(o, "%lluh%02llum", s / 3600, (s % 3600) / 60);
	else
		sbuf_printf(o, "%llud%02lluh", s / 86400, (s % 86400) / 3600);
}

static void td(struct sbuf *o, const char *s)
{
	sbuf_adds(o, "<td>");
	esc(o, s);
	sbuf_adds(o, "</td>");
}

/* An empty value shows as `dash` (HAProxy's "-" for unset limits). */
static void td_or(struct sbuf *o, const char *s, const char *dash)
{
	td(o, *s ? s : dash);
}

static void td_ac(struct sbuf *o, const char *s)
{
	sbuf_adds(o, "<td class=ac>");
	sbuf_adds(o, s);
	sbuf_adds(o, "</td>");
}

/* Age of the last session: "?" for never. */
static void td_last(struct sbuf *o, const struct csv_view *v)
{
	const char *t = fld(v, "lastsess");
	sbuf_adds(o, "<td>");
	if (!*t || t[0] == '-')
		sbuf_addc(o, '?');
	else
		human_time(o, strtoull(t, NULL, 10));
	sbuf_adds(o, "</td>");
}

static void td_name(struct sbuf *o, const char *px, const char *anchor, const char *label)
{
	sbuf_adds(o, "<td class=ac><a name=\"");
	esc(o, px);
	sbuf_addc(o, '/');
	esc(o, anchor);
	sbuf_adds(o, "\"></a><a class=lfsb href=\"#");
	esc(o, px);
	sbuf_addc(o, '/');
	esc(o, anchor);
	sbuf_adds(o, "\">");
	esc(o, label);
	sbuf_adds(o, "</a></td>");
}

/* "lastchg status", as HAProxy's "0s UP". */
static void td_status(struct sbuf *o, const struct csv_view *v)
{
	sbuf_adds(o, "<td class=ac>");
	human_time(o, (unsigned long long)fnum(v, "lastchg"));
	sbuf_addc(o, ' ');
	esc(o, fld(v, "status"));
	sbuf_adds(o, "</td>");
}

/* Columns common to servers and backends: queue, rates, sessions, bytes. */
static void cells_traffic(struct sbuf *o, const struct csv_view *v, int is_srv)
{
	td(o, fld(v, "qcur"));
	td(o, fld(v, "qmax"));
	if (is_srv)
		td_or(o, fld(v, "qlimit"), "-");
	else
		td(o, "");
	td(o, fld(v, "rate"));
	td(o, fld(v, "rate_max"));
	td(o, "");
	td(o, fld(v, "scur"));
	td(o, fld(v, "smax"));
	td_or(o, fld(v, "slim"), "-");
	td(o, fld(v, "stot"));
	td(o, fld(v, "lbtot"));
	td_last(o, v);
	td(o, fld(v, "bin"));
	td(o, fld(v, "bout"));
}

/* Admin form: the checkbox cell of a server row (its class lets the
 * header's box check them all), an empty one on the other rows. */
static void td_check(struct sbuf *o, int form, const struct csv_view *v)
{
	if (!form)
		return;
	if (!v) {
		sbuf_adds(o, "<td></td>");
		return;
	}
	sbuf_adds(o, "<td><input class='");
	esc(o, fld(v, "pxname"));
	sbuf_adds(o, "-checkbox' type=\"checkbox\" name=\"s\" value=\"");
	esc(o, fld(v, "svname"));
	sbuf_adds(o, "\"></td>");
}

static void row_frontend(struct sbuf *o, const struct csv_view *v, int form)
{
	const char *px = fld(v, "pxname");
	sbuf_adds(o, "<tr class=\"frontend\">");
	td_check(o, form, NULL);
	td_name(o, px, "Frontend", "Frontend");
	sbuf_adds(o, "<td colspan=3></td>");
	td(o, fld(v, "rate"));
	td(o, fld(v, "rate_max"));
	td_or(o, strcmp(fld(v, "rate_lim"), "0") ? fld(v, "rate_lim") : "", "-");
	td(o, fld(v, "scur"));
	td(o, fld(v, "smax"));
	td_or(o, fld(v, "slim"), "-");
	td(o, fld(v, "stot"));
	td(o, "");
	td(o, "");
	td(o, fld(v, "bin"));
	td(o, fld(v, "bout"));
	td(o, fld(v, "dreq"));
	td(o, fld(v, "dresp"));
	td(o, fld(v, "ereq"));
	td(o, "");
	td(o, "");
	td(o, "");
	td(o, "");
	td_ac(o, fld(v, "status"));
	sbuf_adds(o, "<td class=ac colspan=8></td></tr>\n");
}

/* The class of a server row: its colour in HAProxy's legend. */
static const char *srv_class(const struct csv_view *v)
{
	const char *st = fld(v, "status");
	int bck = strcmp(fld(v, "bck"), "1") == 0;
	if (strncmp(st, "MAINT", 5) == 0)
		return "maintain";
	if (strcmp(st, "DRAIN") == 0)
		return "active_draining";
	if (strcmp(st, "no check") == 0)
		return bck ? "backup_no_check" : "active_no_check";
	if (strncmp(st, "NOLB", 4) == 0)
		return bck ? "backup_nolb" : "active_nolb";
	if (strcmp(st, "UP") == 0)
		return bck ? "backup_up" : "active_up";
	if (strncmp(st, "UP ", 3) == 0)
		return bck ? "backup_going_down" : "active_going_down";
	if (strncmp(st, "DOWN ", 5) == 0)
		return bck ? "backup_going_up" : "active_going_up";
	return "active_down";
}

static void cells_check(struct sbuf *o, const struct csv_view *v)
{
	const char *cs = fld(v, "check_status");
	if (!*cs) {
		/* not checked: MAINT and DRAIN still say so */
		if (strcmp(fld(v, "status"), "no check") == 0)
			td_ac(o, "<i>no check</i>");
		else
			td_status(o, v);
		sbuf_adds(o, "<td></td>");
		return;
	}
	td_status(o, v);
	sbuf_adds(o, "<td class=ac><u> ");
	esc(o, cs);
	if (*fld(v, "check_duration"))
		sbuf_printf(o, " in %sms", fld(v, "check_duration"));
	sbuf_adds(o, "<div class=tips>");
	esc(o, fld(v, "check_desc"));
	if (*fld(v, "last_chk")) {
		sbuf_adds(o, ": ");
		esc(o, fld(v, "last_chk"));
	}
	sbuf_adds(o, "</div></u></td>");
}

static void row_server(struct sbuf *o, const struct csv_view *v, int form)
{
	char w[64];
	int checked = *fld(v, "check_status") != '\0';
	sbuf_printf(o, "<tr class=\"%s\">", srv_class(v));
	td_check(o, form, v);
	td_name(o, fld(v, "pxname"), fld(v, "svname"), fld(v, "svname"));
	cells_traffic(o, v, 1);
	td(o, "");
	td(o, fld(v, "dresp"));
	td(o, "");
	td(o, fld(v, "econ"));
	td(o, fld(v, "eresp"));
	td(o, fld(v, "wretr"));
	td(o, fld(v, "wredis"));
	cells_check(o, v);
	snprintf(w, sizeof(w), "%s/%s", fld(v, "weight"), fld(v, "uweight"));
	td_ac(o, w);
	td_ac(o, strcmp(fld(v, "bck"), "1") ? "Y" : "-");
	td_ac(o, strcmp(fld(v, "bck"), "1") ? "-" : "Y");
	if (checked) {
		td(o, fld(v, "chkfail"));
		td(o, fld(v, "chkdown"));
		sbuf_adds(o, "<td>");
		human_time(o, (unsigned long long)fnum(v, "downtime"));
		sbuf_adds(o, "</td>");
	} else {
		sbuf_adds(o, "<td colspan=3></td>");
	}
	if (*fld(v, "throttle"))
		sbuf_printf(o, "<td class=ac>%s %%</td>", fld(v, "throttle"));
	else
		td_ac(o, "-");
	sbuf_adds(o, "</tr>\n");
}

static void row_backend(struct sbuf *o, const struct csv_view *v, int form)
{
	char w[64];
	sbuf_adds(o, "<tr class=\"backend\">");
	td_check(o, form, NULL);
	td_name(o, fld(v, "pxname"), "Backend", "Backend");
	cells_traffic(o, v, 0);
	td(o, fld(v, "dreq"));
	td(o, fld(v, "dresp"));
	td(o, "");
	td(o, fld(v, "econ"));
	td(o, fld(v, "eresp"));
	td(o, fld(v, "wretr"));
	td(o, fld(v, "wredis"));
	td_status(o, v);
	td_ac(o, "&nbsp;");
	snprintf(w, sizeof(w), "%s/%s", fld(v, "weight"), fld(v, "uweight"));
	td_ac(o, w);
	td_ac(o, fld(v, "act"));
	td_ac(o, fld(v, "bck"));
	td_ac(o, "&nbsp;");
	td(o, fld(v, "chkdown"));
	sbuf_adds(o, "<td>");
	human_time(o, (unsigned long long)fnum(v, "downtime"));
	sbuf_adds(o, "</td><td></td></tr>\n");
}

static const char TABLE_HEAD[] =
	"<th rowspan=2></th><th colspan=3>Queue</th><th colspan=3>Session "
	"rate</th><th colspan=6>Sessions</th><th colspan=2>Bytes</th><th colspan=2>Denied</th>"
	"<th colspan=3>Errors</th><th colspan=2>Warnings</th><th colspan=9>Server</th></tr>\n"
	"<tr class=\"titre\"><th>Cur</th><th>Max</th><th>Limit</th><th>Cur</th><th>Max</th>"
	"<th>Limit</th><th>Cur</th><th>Max</th><th>Limit</th><th>Total</th><th>LbTot</th>"
	"<th>Last</th><th>In</th><th>Out</th><th>Req</th><th>Resp</th><th>Req</th><th>Conn</th>"
	"<th>Resp</th><th>Retr</th><th>Redis</th><th>Status</th><th>LastChk</th><th>Wght</th>"
	"<th>Act</th><th>Bck</th><th>Chk</th><th>Dwn</th><th>Dwntme</th><th>Thrtle</th></tr>\n";

/* HAProxy's action list. */
static const char ACTIONS[] =
	"<option value=\"\"></option>"
	"<option value=\"ready\">Set state to READY</option>"
	"<option value=\"drain\">Set state to DRAIN</option>"
	"<option value=\"maint\">Set state to MAINT</option>"
	"<option value=\"dhlth\">Health: disable checks</option>"
	"<option value=\"ehlth\">Health: enable checks</option>"
	"<option value=\"hrunn\">Health: force UP</option>"
	"<option value=\"hnolb\">Health: force NOLB</option>"
	"<option value=\"hdown\">Health: force DOWN</option>"
	"<option value=\"dagent\">Agent: disable checks</option>"
	"<option value=\"eagent\">Agent: enable checks</option>"
	"<option value=\"arunn\">Agent: force UP</option>"
	"<option value=\"adown\">Agent: force DOWN</option>"
	"<option value=\"shutdown\">Kill Sessions</option>";

/* The end of a backend's form: the action, the backend by id, Apply. */
static void form_close(struct sbuf *o, const char *iid)
{
	sbuf_adds(o, "<div class=middle>Choose the action to perform on the checked servers : "
		  "<select name=action onchange='this.form.submit.disabled=(this.value==\"\")'>");
	sbuf_adds(o, ACTIONS);
	sbuf_adds(o, "</select><input type=\"hidden\" name=\"b\" value=\"#");
	esc(o, iid);
	sbuf_adds(o, "\"><input type=\"submit\" name=\"submit\" value=\"Apply\" disabled>"
		  "</div></form>\n");
}

static void table_open(struct sbuf *o, const char *px, const char *uri, int form)
{
	if (form) {
		sbuf_adds(o, "<form method=\"post\" action=\"");
		esc(o, uri);
		sbuf_adds(o, "\">\n");
	}
	sbuf_adds(o, "<table class=\"tbl\" width=\"100%\">\n<tr class=\"titre\"><th class=\"pxname\" "
		  "width=\"10%\"><a name=\"");
	esc(o, px);
	sbuf_adds(o, "\"></a><a class=px href=\"#");
	esc(o, px);
	sbuf_adds(o, "\">");
	esc(o, px);
	sbuf_adds(o, "</a></th><th class=\"empty\" width=\"90%\"></th></tr>\n</table>\n"
		  "<table class=\"tbl\" width=\"100%\">\n<tr class=\"titre\">");
	if (form) {
		sbuf_adds(o, "<th rowspan=2 width=1><input type=\"checkbox\" onclick=\"for(c of "
			  "document.getElementsByClassName('");
		esc(o, px);
		sbuf_adds(o, "-checkbox')) c.checked = this.checked\"></th>");
	}
	sbuf_adds(o, TABLE_HEAD);
}

/* ------------------------------------------------------------ the page */

static const char STYLE[] =
	"<style type=\"text/css\"><!--\n"
	"body { font-family: arial, helvetica, sans-serif; font-size: 12px; font-weight: normal;"
	" color: black; background: white;}\n"
	"th,td { font-size: 10px;}\n"
	"h1 { font-size: x-large; margin-bottom: 0.5em;}\n"
	"h2 { font-family: helvetica, arial; font-size: x-large; font-weight: bold; font-style: "
	"italic; color: #6020a0; margin-top: 0em; margin-bottom: 0em;}\n"
	"h3 { font-family: helvetica, arial; font-size: 16px; font-weight: bold; color: #b00040;"
	" background: #e8e8d0; margin-top: 0em; margin-bottom: 0em;}\n"
	".hr {margin-top: 0.25em; border-color: black; border-bottom-style: solid;}\n"
	".titre {background: #20D0D0;color: #000000; font-weight: bold; text-align: center;}\n"
	".frontend {background: #e8e8d0;}\n"
	".backend {background: #e8e8d0;}\n"
	".active_down {background: #ff9090;}\n"
	".active_going_up {background: #ffd020;}\n"
	".active_going_down {background: #ffffa0;}\n"
	".active_up {background: #c0ffc0;}\n"
	".active_nolb {background: #20a0ff;}\n"
	".active_draining {background: #20a0FF;}\n"
	".active_no_check {background: #e0e0e0;}\n"
	".backup_down {background: #ff9090;}\n"
	".backup_going_up {background: #ff80ff;}\n"
	".backup_going_down {background: #c060ff;}\n"
	".backup_up {background: #b0d0ff;}\n"
	".backup_nolb {background: #90b0e0;}\n"
	".backup_no_check {background: #e0e0e0;}\n"
	".maintain {background: #c07820;}\n"
	"a.px:link {color: #ffff40; text-decoration: none;}\n"
	"a.px:visited {color: #ffff40; text-decoration: none;}\n"
	"a.lfsb:link {color: #000000; text-decoration: none;}\n"
	"a.lfsb:visited {color: #000000; text-decoration: none;}\n"
	"table.tbl { border-collapse: collapse; border-style: none;}\n"
	"table.tbl td { text-align: right; border-width: 1px 1px 1px 1px; border-style: solid "
	"solid solid solid; padding: 2px 3px; border-color: gray; white-space: nowrap;}\n"
	"table.tbl td.ac { text-align: center;}\n"
	"table.tbl th { border-width: 1px; border-style: solid solid solid solid; border-color: "
	"gray;}\n"
	"table.tbl th.pxname { background: #b00040; color: #ffff40; font-weight: bold; "
	"border-style: solid solid none solid; padding: 2px 3px; white-space: nowrap;}\n"
	"table.tbl th.empty { border-style: none; empty-cells: hide; background: white;}\n"
	"u {text-decoration:none; border-bottom: 1px dotted black;}\n"
	"div.tips { display:block; visibility:hidden; z-index:2147483647; position:absolute; "
	"padding:2px 4px 3px; background:#f0f060; color:#000000; border:1px solid #7040c0; "
	"white-space:nowrap; font-style:normal;font-size:11px;font-weight:normal;}\n"
	"u:hover div.tips {visibility:visible;}\n"
	"-->\n</style>";

static uint64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void page_info(struct weir_proc *p, const struct proxy_conf *px,
		      const struct page_opts *opt, unsigned long long scur, struct sbuf *o)
{
	const struct cfg_global *g = &p->cfg->global;
	uint64_t start = shm_proc(p->shm, 0)->start_ms, now = wall_ms();
	unsigned long long up = start && now > start ? (now - start) / 1000 : 0;
	sbuf_printf(o, "<h2>Statistics Report for pid %ld", (long)getpid());
	if (px->stats.show_node) {
		sbuf_adds(o, " on ");
		esc(o, *px->stats.show_node ? px->stats.show_node : g->node ? g->node : "");
	}
	if (px->stats.show_desc_set) {
		sbuf_adds(o, ": ");
		esc(o, px->stats.show_desc ? px->stats.show_desc : g->description ? g->description : "");
	}
	sbuf_printf(o, "</h2>\n<hr width=\"100%%\" class=\"hr\">\n<h3>&gt; General process "
		    "information</h3>\n<p><b>pid = </b> %ld (workers = %d)<br>\n<b>uptime = </b> "
		    "%llud %lluh%02llum%02llus<br>\n<b>maxconn = </b> %d<br>\ncurrent conns = %llu"
		    "<br>\n</p>\n", (long)getpid(), p->nworkers, up / 86400, (up % 86400) / 3600,
		    (up % 3600) / 60, up % 60, g->maxconn, scur);
	sbuf_adds(o, "<ul>\n<li><a href=\"");
	esc(o, opt->uri);
	sbuf_adds(o, opt->up ? "\">Show all servers</a>\n" : ";up\">Hide 'DOWN' servers</a>\n");
	if (px->stats.refresh > 0 && !opt->norefresh) {
		sbuf_adds(o, "<li><a href=\"");
		esc(o, opt->uri);
		sbuf_adds(o, ";norefresh\">Disable refresh</a>\n");
	}
	sbuf_adds(o, "<li><a href=\"");
	esc(o, opt->uri);
	sbuf_adds(o, "\">Refresh now</a>\n<li><a href=\"");
	esc(o, opt->uri);
	sbuf_adds(o, ";csv;norefresh\">CSV export</a>\n</ul>\n");
}

/* Does the admin form go around this proxy's table? HAProxy's rule: a
 * backend with servers, on a page the condition allows. */
static int wants_form(const struct cfg *cfg, const struct page_opts *opt, const char *name)
{
	const struct proxy_conf *be = opt->admin ? cfg_find_proxy(cfg, name, PX_CAP_BE) : NULL;
	return be && be->servers.n;
}

/* The table being written: its proxy, its form, the backend id for it. */
struct table_state {
	char name[256];
	char iid[32];
	int open, form;
};

static void table_close(struct sbuf *o, struct table_state *ts)
{
	if (!ts->open)
		return;
	sbuf_adds(o, "</table>");
	if (ts->form)
		form_close(o, ts->iid);
	sbuf_adds(o, "<p>\n");
	ts->open = 0;
}

/* The proxies' tables, from the CSV rows in `show stat`'s order. */
static void page_tables(const struct cfg *cfg, const struct proxy_conf *px,
			const struct page_opts *opt, char *csv, struct sbuf *o,
			unsigned long long *fe_scur)
{
	struct csv_view v = { .ncols = 0 };
	struct table_state ts = { .open = 0 };
	char *nl = strchr(csv, '\n');
	if (!nl || csv[0] != '#')
		return;
	*nl = '\0';
	split_fields(csv + 2, v.names, &v.ncols);
	for (char *line = nl + 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		split_fields(line, v.f, &v.nf);
		const char *name = fld(&v, "pxname"), *sv = fld(&v, "svname");
		if (!in_scope(px, name))
			continue;
		if (!ts.open || strcmp(ts.name, name) != 0) {
			table_close(o, &ts);
			snprintf(ts.name, sizeof(ts.name), "%s", name);
			snprintf(ts.iid, sizeof(ts.iid), "%s", fld(&v, "iid"));
			ts.form = wants_form(cfg, opt, name);
			table_open(o, name, opt->uri, ts.form);
			ts.open = 1;
		}
		if (strcmp(sv, "FRONTEND") == 0) {
			*fe_scur += (unsigned long long)fnum(&v, "scur");
			row_frontend(o, &v, ts.form);
		} else if (strcmp(sv, "BACKEND") == 0) {
			row_backend(o, &v, ts.form);
		} else {
			row_server(o, &v, ts.form);
		}
	}
	table_close(o, &ts);
}

/* HAProxy's words for the outcome of an admin POST, and its colours. */
static void page_status(const struct page_opts *opt, struct sbuf *o)
{
	static const struct { const char *cls, *msg; } m[] = {
		[STATS_ADMIN_DONE] = { "active_up", "Action processed successfully." },
		[STATS_ADMIN_PART] = { "active_going_down", "Action partially processed.<br>Some "
				       "server names are probably unknown or ambiguous (duplicated "
				       "names in the backend)." },
		[STATS_ADMIN_NONE] = { "active_going_down", "Nothing has changed." },
		[STATS_ADMIN_DENY] = { "active_down", "<b>Action denied.</b>" },
		[STATS_ADMIN_ERRP] = { "active_down", "Action not processed because of invalid "
				       "parameters.<ul><li>The action is maybe unknown.</li><li>Invalid "
				       "key parameter (empty or too long).</li><li>The backend name is "
				       "probably unknown or ambiguous (duplicated names).</li><li>Some "
				       "server names are probably unknown or ambiguous (duplicated names "
				       "in the backend).</li></ul>" },
		[STATS_ADMIN_EXCD] = { "active_down", "<b>Action not processed : the buffer couldn't "
				       "store all the data.<br>You should retry with less servers at a "
				       "time.</b>" },
		[STATS_ADMIN_IVAL] = { "active_down", "<b>Invalid requests (unsupported method or "
				       "chunked encoded request).</b>" },
		[STATS_ADMIN_UNKN] = { "active_no_check", "Unexpected result." },
	};
	if (opt->st < 0 || (size_t)opt->st >= ARRAY_SIZE(m))
		return;
	sbuf_printf(o, "<p><div class=%s><a class=lfsb href=\"", m[opt->st].cls);
	esc(o, opt->uri);
	sbuf_adds(o, opt->up ? ";up" : "");
	sbuf_adds(o, opt->norefresh ? ";norefresh" : "");
	sbuf_printf(o, "\" title=\"Remove this message\">[X]</a> %s</div>\n", m[opt->st].msg);
}

static void page_html(struct weir_proc *p, const struct proxy_conf *px,
		      const struct page_opts *opt, char *csv, struct sbuf *o)
{
	struct sbuf tables = { 0 };
	unsigned long long scur = 0;
	page_tables(p->cfg, px, opt, csv, &tables, &scur);
	sbuf_adds(o, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"\n"
		  "\"http://www.w3.org/TR/html4/loose.dtd\">\n<html><head><title>Statistics Report "
		  "for weir</title>\n<link rel=\"icon\" href=\"data:,\">\n<meta http-equiv=\"content-"
		  "type\" content=\"text/html; charset=iso-8859-1\">\n");
	sbuf_adds(o, STYLE);
	sbuf_adds(o, "</head>\n<body>");
	if (px->stats.hide_version)
		sbuf_adds(o, "<h1>weir</h1>\n");
	else
		sbuf_adds(o, "<h1>weir version " PACKAGE_VERSION "</h1>\n");
	page_info(p, px, opt, scur, o);
	page_status(opt, o);
	if (tables.len)
		sbuf_add(o, tables.s, tables.len);
	sbuf_adds(o, "</body></html>\n");
	sbuf_free(&tables);
}

/* ------------------------------------------------------------ entry point */

int stats_http_admin_reply(const struct proxy_conf *px, const struct http_msg *req,
			   enum stats_admin_st st, int close, struct sbuf *out)
{
	struct page_opts opt;
	parse_request(px, req, &opt);
	/* HAProxy's redirect keeps the page's options and adds the outcome */
	sbuf_printf(out, "HTTP/1.1 303 See Other\r\ncache-control: no-cache\r\ncontent-type: "
		    "text/plain\r\ncontent-length: 0\r\nlocation: %s%s%s;st=%s\r\n%s\r\n", opt.uri,
		    opt.up ? ";up" : "", opt.norefresh ? ";norefresh" : "", stats_admin_st_word(st),
		    close ? "connection: close\r\n" : "");
	return 303;
}

int stats_http_serve(struct weir_proc *p, const struct proxy_conf *px, const struct http_msg *req,
		     int admin, int close, struct sbuf *out)
{
	struct page_opts opt;
	if (!p || !px || !px->stats.enabled || !parse_request(px, req, &opt))
		return 0;
	if (!auth_ok(px, req))
		return http_reply_auth(px, px->stats.realm ? px->stats.realm : STATS_REALM_DEFAULT, 0,
				       close, NULL, out);
	opt.admin = admin;
	if (req->meth == HTTP_METH_POST) {
		if (!admin)
			return stats_http_admin_reply(px, req, STATS_ADMIN_DENY, close, out);
		if (req->body == HTTP_BODY_CHUNKED)
			return stats_http_admin_reply(px, req, STATS_ADMIN_IVAL, close, out);
		return STATS_HTTP_FORM;
	}
	struct sbuf csv = { 0 }, body = { 0 };
	csv_dump(p, opt.up, &csv);
	if (opt.csv)
		csv_scoped(px, csv.s ? csv.s : (char *)"", &body);
	else
		page_html(p, px, &opt, csv.s ? csv.s : (char *)"", &body);
	sbuf_printf(out, "HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: %s\r\n",
		    opt.csv ? "text/plain" : "text/html");
	if (px->stats.refresh > 0 && !opt.norefresh)
		sbuf_printf(out, "refresh: %d\r\n", (px->stats.refresh + 999) / 1000);
	sbuf_printf(out, "content-length: %zu\r\n%s\r\n", body.len,
		    close ? "connection: close\r\n" : "");
	/* HEAD: the head alone, its content-length still the page's */
	if (body.len && req->meth != HTTP_METH_HEAD)
		sbuf_add(out, body.s, body.len);
	sbuf_free(&csv);
	sbuf_free(&body);
	return 200;
}
