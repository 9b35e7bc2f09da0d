/*
 * Error pages (src/proxy/errorfile.c, and their use in http_reply.c).
 * Promises checked, against what HAProxy 2.6 did on loopback for the same
 * configurations: an `http-errors` section loads its `errorfile` lines at
 * load time and rejects what HAProxy rejects (unknown code, missing or
 * malformed file, duplicate or unnamed section) with file:line and a fix;
 * the shipped conf/errors files load and are whole, correctly framed
 * responses; `errorfile`, `errorfiles` and `http-error` override each
 * other in line order, defaults' lines first, `errorfiles` importing all
 * or the listed codes of a section that may be declared later;
 * default-errorfiles forgets the proxy's page; unknown sections and
 * codes a section lacks are reported once, where they are written; the
 * backend's page beats the frontend's, which beats the built-in one;
 * deny/return `errorfiles` send the section's page (an empty reply when
 * it has none); `errorloc[302|303] <code> <url>` is a 302 (303) redirect
 * page in the same precedence, its bad arguments rejected at file:line,
 * and a rule it answers keeps the rule's status; and the dump (haproxy.cfg and YAML) reloads to the same
 * model, order included.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/http-act.h"
#include "weir/rule.h"
#include "weir/sample-rt.h"
#include "weir/yaml.h"

/* ------------------------------------------------------------ fixture */

static char dir[] = "/tmp/weir-t-errorfile-XXXXXX";
static struct cfg *cfg;

/* Pages named by what they are; each body says its name. */
static const char *const page_names[] = {
	"s400", "s403", "s503", "s503b", "s502", "a403", "a503", "b503", "d400", "bad", "nohead",
};

static void write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s.http", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	strcpy(dir, "/tmp/weir-t-errorfile-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; i < ARRAY_SIZE(page_names) - 2; i++) {
		char text[256];
		const char *n = page_names[i];
		/* "s503b": status 503, body "s503b\n" */
		snprintf(text, sizeof(text), "HTTP/1.0 %.3s Custom\r\nContent-Type: text/plain\r\n"
			 "\r\n%s\n", n + 1, n);
		write_file(n, text);
	}
	write_file("bad", "<html>not a response</html>\n");
	write_file("nohead", "HTTP/1.0 503 X\r\nContent-Type: text/plain\r\n");
}

static void teardown(void)
{
	char path[128];
	cfg_free(cfg);
	cfg = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(page_names); i++) {
		snprintf(path, sizeof(path), "%s/%s.http", dir, page_names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The configuration text with every "@" replaced by the fixture's folder. */
static char *subst(const char *tmpl)
{
	struct sbuf b = { 0 };
	for (const char *p = tmpl; *p; p++)
		if (*p == '@')
			sbuf_adds(&b, dir);
		else
			sbuf_addc(&b, *p);
	return b.s;
}

static struct cfg *load(const char *tmpl)
{
	char *text = subst(tmpl);
	cfg = t_load(text);
	free(text);
	return cfg;
}

static struct cfg *load_ok(const char *tmpl)
{
	char *text = subst(tmpl);
	cfg = t_load_ok(text);
	free(text);
	return cfg;
}

static const struct proxy_conf *px(const char *name)
{
	const struct proxy_conf *p = cfg_find_proxy(cfg, name, PX_CAP_FE | PX_CAP_BE);
	if (!p)
		p = cfg_find_defaults(cfg, name);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* What px's page for status is: the name of its file ("s503"), the text
 * of a string payload, "builtin" when px has none, "reset" never (the
 * table holds no default-errorfiles reply). */
static const char *page(const char *pxname, int status)
{
	static char name[64];
	const struct rule_reply *rp = rule_error_page(px(pxname), status);
	if (!rp)
		return "builtin";
	if (rp->payload == PAYLOAD_ERRORFILE) {
		const char *slash = strrchr(rp->arg, '/');
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(slash + 1, "."), slash + 1);
		return name;
	}
	ck_assert_int_ne(rp->payload, PAYLOAD_DEFAULT_ERRORFILE);
	ck_assert_int_ne(rp->payload, PAYLOAD_ERRORFILES);
	return rp->content ? rp->content : "";
}

#define DEFS "defaults\n mode http\n timeout connect 1s\n timeout client 5s\n timeout server 5s\n"
#define BE "backend be\n server s1 127.0.0.1:9\n"

/* ------------------------------------------------------------ the section */

START_TEST(section_loads_pages)
{
	load_ok(DEFS "http-errors site\n  errorfile 403 @/s403.http\n  errorfile 503 @/s503.http\n"
		"  errorfile 503 @/s503b.http\n"
		"frontend fe\n bind 127.0.0.1:18080\n errorfiles site\n default_backend be\n" BE);
	const struct http_errors_conf *he = cfg_find_http_errors(cfg, "site");
	ck_assert_ptr_nonnull(he);
	ck_assert_str_eq(he->loc.file, "test.cfg");
	ck_assert_int_eq(he->loc.line, 6);
	ck_assert_int_eq(he->pages.n, 3);
	const struct errorfile_conf *ef = he->pages.v[0];
	ck_assert_int_eq(ef->status, 403);
	ck_assert_ptr_nonnull(strstr(ef->content, "\r\n\r\ns403\n"));
	ck_assert_ptr_null(cfg_find_http_errors(cfg, "other"));
	/* the last line of a status wins, as in a proxy */
	ck_assert_str_eq(page("fe", 503), "s503b");
	ck_assert_str_eq(page("fe", 403), "s403");
	ck_assert_str_eq(page("fe", 400), "builtin");
	ck_assert_str_eq(page("be", 503), "builtin");
}
END_TEST

/* Every file of conf/errors is a whole response whose Content-Length is
 * its body's length, and loads in a section under its own status. */
START_TEST(shipped_pages_load)
{
	static const int codes[] = { 400, 403, 408, 500, 502, 503, 504 };
	const char *src = getenv("WEIR_SRCDIR");
	struct sbuf text = { 0 };
	sbuf_printf(&text, DEFS "http-errors shipped\n");
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
		sbuf_printf(&text, "  errorfile %d %s/conf/errors/%d.http\n", codes[i],
			    src ? src : ".", codes[i]);
	sbuf_printf(&text, "frontend fe\n bind 127.0.0.1:18080\n errorfiles shipped\n"
		    " default_backend be\n" BE);
	cfg = t_load_ok(text.s);
	sbuf_free(&text);
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		const struct rule_reply *rp = rule_error_page(px("fe"), codes[i]);
		ck_assert_ptr_nonnull(rp);
		ck_assert_int_eq(atoi(rp->content + 9), codes[i]);
		const char *body = strstr(rp->content, "\r\n\r\n");
		const char *cl = strstr(rp->content, "Content-Length: ");
		ck_assert(body && cl && cl < body);
		ck_assert_int_eq(atoi(cl + 16), (int)(rp->content_len - (size_t)(body + 4 - rp->content)));
		ck_assert_ptr_nonnull(strstr(rp->content, "Connection: close\r\n"));
	}
}
END_TEST

START_TEST(section_errors)
{
	load(DEFS "http-errors site\n"
	     "  errorfile 999 @/s403.http\n"                      /* 7 */
	     "  errorfile 503 @/missing.http\n"                   /* 8 */
	     "  errorfile 502 @/bad.http\n"                       /* 9 */
	     "  errorfile 504 @/nohead.http\n"                    /* 10 */
	     "  errorfile 500\n"                                  /* 11 */
	     "  foo bar\n"                                        /* 12 */
	     "  errorfile 403 @/s403.http extra\n"                /* 13 */
	     "http-errors site\n"                                 /* 14 */
	     "  errorfile 400 @/s400.http\n"
	     "http-errors\n"                                      /* 16 */
	     "frontend fe\n bind 127.0.0.1:18080\n default_backend be\n" BE);
	ck_assert(t_diag(cfg, CFG_ALERT, "errorfile : status code '999' not handled (one of 200, "
			 "400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, "
			 "504)."));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorfile : error opening file"));
	ck_assert(t_diag(cfg, CFG_ALERT, "bad.http': invalid HTTP response: it must start with "
			 "a status line such as 'HTTP/1.0 503 Service Unavailable'."));
	ck_assert(t_diag(cfg, CFG_ALERT, "nohead.http': unable to parse headers: no empty line "
			 "ends them."));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorfile : expects <status_code> and <file> as "
			 "arguments."));
	ck_assert(t_diag(cfg, CFG_ALERT, "unknown keyword 'foo' in 'http-errors' section"));
	ck_assert(t_diag(cfg, CFG_WARNING, "errorfile : unexpected 'extra' after the file name, "
			 "ignored (quote a path that holds spaces)."));
	ck_assert(t_diag(cfg, CFG_ALERT, "http-errors section 'site' already exists (declared at "
			 "test.cfg:6); give this one another name"));
	ck_assert(t_diag(cfg, CFG_ALERT, "missing name for http-errors section (write "
			 "'http-errors <name>')"));
	ck_assert_int_eq(cfg->nalerts, 8);
	/* every one at its own line */
	static const int lines[] = { 7, 8, 9, 10, 11, 12, 14, 16 };
	int seen = 0;
	const struct cfg_diag *d;
	VEC_EACH(&cfg->diags, const struct cfg_diag *, d)
		for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
			seen += d->level == CFG_ALERT && d->loc.line == lines[i];
	ck_assert_int_eq(seen, 8);
	/* the first section keeps its good line, the duplicate is nobody's */
	ck_assert_int_eq(cfg_find_http_errors(cfg, "site")->pages.n, 1);
	ck_assert_int_eq(cfg->http_errors_secs.n, 1);
	/* the section keyword is only the section's */
	teardown();
	setup();
	load(DEFS "frontend fe\n bind 127.0.0.1:18080\n default_backend be\n" BE
	     "userlist ul\n errorfile 503 @/s503.http\n");
	ck_assert(t_diag(cfg, CFG_ALERT, "'errorfile' is not allowed in 'userlist' section (it "
			 "belongs in: defaults, frontend, backend, listen"));
}
END_TEST

START_TEST(references_checked)
{
	load(DEFS "http-errors site\n  errorfile 403 @/s403.http\n"
	     "frontend fe\n bind 127.0.0.1:18080\n"
	     "  errorfiles sitf\n"                                 /* 10 */
	     "  errorfiles nosuch\n"                               /* 11 */
	     "  errorfiles site 404 403\n"                         /* 12 */
	     "  errorfiles site 999\n"                             /* 13 */
	     "  errorfiles\n"                                      /* 14 */
	     "  http-error status 404 errorfiles site\n"           /* 15 */
	     "  http-error status 404 errorfiles gone\n"           /* 16 */
	     "  http-request deny errorfiles lost\n"               /* 17 */
	     "  http-request deny deny_status 500 errorfiles site\n"  /* 18 */
	     "  http-request return status 999 errorfiles site\n"  /* 19 */
	     "  default_backend be\n" BE);
	ck_assert(t_diag(cfg, CFG_ALERT, "proxy 'fe': unknown http-errors section 'sitf'; did you "
			 "mean 'site' ?"));
	ck_assert(t_diag(cfg, CFG_ALERT, "proxy 'fe': unknown http-errors section 'nosuch'; "
			 "declare it with 'http-errors nosuch' followed by 'errorfile <code> <file>' "
			 "lines"));
	ck_assert(t_diag(cfg, CFG_WARNING, "proxy 'fe': status '404' not declared in http-errors "
			 "section 'site' (test.cfg:6); the proxy keeps its other page for it (add "
			 "'errorfile 404 <file>' to the section)"));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorfiles : status code '999' not handled"));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorfiles : expects <name> as argument"));
	ck_assert(t_diag(cfg, CFG_ALERT, "proxy 'fe': unknown http-errors section 'gone'"));
	ck_assert(t_diag(cfg, CFG_ALERT, "proxy 'fe': unknown http-errors section 'lost' referenced "
			 "by an http reply; declare it"));
	ck_assert(t_diag(cfg, CFG_WARNING, "proxy 'fe': status '500' referenced by an http reply "
			 "not declared in http-errors section 'site' (test.cfg:6): an empty 500 "
			 "response is sent (add 'errorfile 500 <file>' to the section)"));
	ck_assert(t_diag(cfg, CFG_ALERT, "Unexpected status code '999'"));
	ck_assert_int_eq(cfg->nalerts, 7);
	ck_assert_int_eq(cfg->nwarnings, 3);
	/* each at the line that says it */
	const struct cfg_diag *d;
	VEC_EACH(&cfg->diags, const struct cfg_diag *, d) {
		if (strstr(d->msg, "'sitf'"))
			ck_assert_int_eq(d->loc.line, 10);
		if (strstr(d->msg, "'lost'"))
			ck_assert_int_eq(d->loc.line, 17);
		if (strstr(d->msg, "'500' referenced"))
			ck_assert_int_eq(d->loc.line, 18);
	}
}
END_TEST

/* A line of defaults is reported once, in defaults, not again in each
 * proxy that inherits it. */
START_TEST(inherited_reported_once)
{
	load(DEFS " errorfiles nosuch\n errorfiles site 404 403\n"
	     "http-errors site\n  errorfile 403 @/s403.http\n"
	     "frontend fe\n bind 127.0.0.1:18080\n default_backend be\n" BE
	     "backend be2\n server s1 127.0.0.1:9\n");
	ck_assert_int_eq(cfg->nalerts, 1);
	ck_assert_int_eq(cfg->nwarnings, 1);
	ck_assert(t_diag(cfg, CFG_ALERT, "unnamed defaults section: unknown http-errors section "
			 "'nosuch'"));
	/* and the pages that resolve still apply everywhere */
	ck_assert_str_eq(page("be2", 403), "s403");
}
END_TEST

/* ------------------------------------------------------------ which page */

START_TEST(line_order_wins)
{
	load_ok(DEFS
		"frontend f1\n bind 127.0.0.1:18081\n errorfile 403 @/a403.http\n"
		" http-error status 403 content-type text/plain string he403\n default_backend be\n"
		"frontend f2\n bind 127.0.0.1:18082\n"
		" http-error status 403 content-type text/plain string he403\n"
		" errorfile 403 @/a403.http\n default_backend be\n"
		"frontend f3\n bind 127.0.0.1:18083\n errorfiles site\n errorfile 403 @/a403.http\n"
		" default_backend be\n"
		"frontend f4\n bind 127.0.0.1:18084\n errorfile 403 @/a403.http\n errorfiles site\n"
		" errorfile 503 @/a503.http\n default_backend be\n"
		"frontend f5\n bind 127.0.0.1:18085\n errorfiles site 503\n default_backend be\n"
		"frontend f6\n bind 127.0.0.1:18086\n errorfile 503 @/a503.http\n"
		" http-error status 503 errorfiles site\n http-error status 403 default-errorfiles\n"
		" default_backend be\n"
		/* declared after the proxies that name it, as HAProxy allows */
		"http-errors site\n  errorfile 403 @/s403.http\n  errorfile 503 @/s503.http\n" BE);
	ck_assert_str_eq(page("f1", 403), "he403");
	ck_assert_str_eq(page("f2", 403), "a403");
	ck_assert_str_eq(page("f3", 403), "a403");
	ck_assert_str_eq(page("f3", 503), "s503");
	ck_assert_str_eq(page("f4", 403), "s403");
	ck_assert_str_eq(page("f4", 503), "a503");
	/* only the listed codes come in */
	ck_assert_str_eq(page("f5", 503), "s503");
	ck_assert_str_eq(page("f5", 403), "builtin");
	ck_assert_str_eq(page("f6", 503), "s503");
	ck_assert_str_eq(page("f6", 403), "builtin");
}
END_TEST

START_TEST(defaults_first)
{
	load_ok(DEFS " errorfiles site\n errorfile 400 @/d400.http\n"
		"http-errors site\n  errorfile 403 @/s403.http\n  errorfile 503 @/s503.http\n"
		"  errorfile 400 @/s400.http\n"
		"frontend fe\n bind 127.0.0.1:18080\n errorfile 403 @/a403.http\n default_backend be\n"
		"backend be\n http-error status 503 default-errorfiles\n server s1 127.0.0.1:9\n"
		"backend be2\n errorfile 503 @/b503.http\n server s1 127.0.0.1:9\n");
	ck_assert_str_eq(page("fe", 400), "d400");
	ck_assert_str_eq(page("fe", 403), "a403");
	ck_assert_str_eq(page("fe", 503), "s503");
	/* default-errorfiles forgets the inherited page: the frontend's applies */
	ck_assert_str_eq(page("be", 503), "builtin");
	ck_assert_str_eq(page("be", 403), "s403");
	ck_assert_str_eq(page("be2", 503), "b503");
	/* the defaults section resolves too (and is what -c reports on) */
	ck_assert_str_eq(page("", 403), "s403");
	/* rule_errorfile() still names the errorfile lines only */
	ck_assert_ptr_null(rule_errorfile(px("fe"), 503));
	ck_assert_str_eq(rule_errorfile(px("fe"), 400)->path + strlen(dir), "/d400.http");
}
END_TEST

/* ------------------------------------------------------------ on the wire */

static struct smp_ctx sc;
static struct http_act_ctx ac;
static struct sbuf out;

/* The error page for status as the engine asks for it: px the backend
 * (or the frontend before one is chosen), fe the frontend. */
static const char *error_reply(const char *pxname, const char *fename, int status)
{
	memset(&sc, 0, sizeof(sc));
	memset(&ac, 0, sizeof(ac));
	sc.cfg = cfg;
	sc.fe = px(fename);
	sc.fe_rec = sc.be_rec = -1;
	ac.smp = &sc;
	ac.px = px(pxname);
	sbuf_reset(&out);
	http_reply_error(ac.px, status, &ac, &out);
	return sbuf_str(&out);
}

/* The answer of http-request rule i of frontend fe. */
static const char *rule_reply(const char *fename, int i, int *status)
{
	memset(&sc, 0, sizeof(sc));
	memset(&ac, 0, sizeof(ac));
	sc.cfg = cfg;
	sc.fe = px(fename);
	sc.fe_rec = sc.be_rec = -1;
	ac.smp = &sc;
	ac.px = sc.fe;
	sbuf_reset(&out);
	ck_assert_int_lt(i, ac.px->http_req_rules.n);
	*status = http_reply_rule(&ac, ac.px->http_req_rules.v[i], 0, &out);
	return sbuf_str(&out);
}

#define WIRE_CFG DEFS \
	"http-errors site\n  errorfile 403 @/s403.http\n  errorfile 503 @/s503.http\n" \
	"  errorfile 502 @/s502.http\n  errorfile 400 /dev/null\n" \
	"frontend fe\n bind 127.0.0.1:18080\n errorfiles site\n" \
	" http-request deny errorfiles site\n" \
	" http-request deny deny_status 500 errorfiles site\n" \
	" http-request return status 503 errorfiles site\n" \
	" http-request deny deny_status 502\n" \
	" default_backend be\n" \
	"frontend plain\n bind 127.0.0.1:18081\n http-request deny errorfiles site\n" \
	" default_backend be\n" \
	"backend be\n errorfile 503 @/b503.http\n server s1 127.0.0.1:9\n" \
	"backend be2\n server s1 127.0.0.1:9\n"

START_TEST(backend_then_frontend_then_builtin)
{
	load_ok(WIRE_CFG);
	memset(&out, 0, sizeof(out));
	/* the backend's own page */
	ck_assert_str_eq(error_reply("be", "fe", 503), "HTTP/1.0 503 Custom\r\n"
			 "content-type: text/plain\r\ncontent-length: 5\r\nconnection: close\r\n"
			 "\r\nb503\n");
	/* a backend without one: the frontend's */
	ck_assert_str_eq(error_reply("be", "fe", 502), "HTTP/1.0 502 Custom\r\n"
			 "content-type: text/plain\r\ncontent-length: 5\r\nconnection: close\r\n"
			 "\r\ns502\n");
	ck_assert_str_eq(error_reply("be2", "fe", 503), "HTTP/1.0 503 Custom\r\n"
			 "content-type: text/plain\r\ncontent-length: 5\r\nconnection: close\r\n"
			 "\r\ns503\n");
	/* neither: the built-in page */
	ck_assert_str_eq(error_reply("be2", "plain", 503), "HTTP/1.1 503 Service Unavailable\r\n"
			 "content-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n"
			 "connection: close\r\n\r\n<html><body><h1>503 Service Unavailable</h1>\n"
			 "No server is available to handle this request.\n</body></html>\n");
	/* an empty page: close without answering */
	ck_assert_str_eq(error_reply("fe", "fe", 400), "");
	sbuf_free(&out);
}
END_TEST

START_TEST(replies_from_a_section)
{
	int st;
	load_ok(WIRE_CFG);
	memset(&out, 0, sizeof(out));
	ck_assert_str_eq(rule_reply("fe", 0, &st), "HTTP/1.0 403 Custom\r\n"
			 "content-type: text/plain\r\ncontent-length: 5\r\n\r\ns403\n");
	ck_assert_int_eq(st, 403);
	/* the section has no 500: HAProxy's empty reply */
	ck_assert_str_eq(rule_reply("fe", 1, &st), "HTTP/1.1 500 Internal Server Error\r\n"
			 "content-length: 0\r\n\r\n");
	ck_assert_int_eq(st, 500);
	ck_assert_str_eq(rule_reply("fe", 2, &st), "HTTP/1.0 503 Custom\r\n"
			 "content-type: text/plain\r\ncontent-length: 5\r\n\r\ns503\n");
	/* deny_status 502: the proxy's page, imported from the section */
	ck_assert_str_eq(rule_reply("fe", 3, &st), "HTTP/1.0 502 Custom\r\n"
			 "content-type: text/plain\r\ncontent-length: 5\r\n\r\ns502\n");
	/* a proxy that imports nothing still names the section in a reply */
	ck_assert_str_eq(rule_reply("plain", 0, &st), "HTTP/1.0 403 Custom\r\n"
			 "content-type: text/plain\r\ncontent-length: 5\r\n\r\ns403\n");
	ck_assert_int_eq(st, 403);
	sbuf_free(&out);
}
END_TEST

START_TEST(h1_layer_uses_the_frontend_page)
{
	load_ok(DEFS "http-errors site\n  errorfile 400 @/s400.http\n"
		"frontend fe\n bind 127.0.0.1:18080\n errorfiles site\n default_backend be\n"
		"frontend plain\n bind 127.0.0.1:18081\n default_backend be\n" BE);
	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(http_reply_error_h1(px("fe"), 400, &out), 400);
	ck_assert_str_eq(sbuf_str(&out), "HTTP/1.0 400 Custom\r\ncontent-type: text/plain\r\n"
			 "content-length: 5\r\nconnection: close\r\n\r\ns400\n");
	sbuf_reset(&out);
	http_reply_error_h1(px("plain"), 400, &out);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "HTTP/1.1 400 Bad request\r\nContent-length: 90"));
	sbuf_free(&out);
}
END_TEST

/* ------------------------------------------------------------ errorloc */

START_TEST(errorloc_errors)
{
	load(DEFS "frontend fe\n bind 127.0.0.1:18080\n"
	     " errorloc 999 http://x/\n"                        /* 8 */
	     " errorloc303 503\n"                               /* 9 */
	     " errorloc302 503 \"\"\n"                          /* 10 */
	     " errorloc 503 \"http://x/\\r\\nSet-Cookie: a=b\"\n"  /* 11 */
	     " errorloc abc http://x/\n"                        /* 12 */
	     " errorloc 503 http://x/ extra\n"                  /* 13 */
	     " default_backend be\n" BE);
	ck_assert(t_diag(cfg, CFG_ALERT, "errorloc : status code '999' not handled (one of 200, "
			 "400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, "
			 "504)."));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorloc303 : expects <status_code> and <url> as "
			 "arguments (for example 'errorloc303 503 https://example.com/maintenance.html')."));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorloc302 : expects <status_code> and <url>"));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorloc : the url may not hold control characters"));
	ck_assert(t_diag(cfg, CFG_ALERT, "errorloc : status code 'abc' not handled"));
	ck_assert(t_diag(cfg, CFG_WARNING, "errorloc : unexpected 'extra' after the url, ignored"));
	ck_assert_int_eq(cfg->nalerts, 5);
	static const int lines[] = { 8, 9, 10, 11, 12 };
	int seen = 0;
	const struct cfg_diag *d;
	VEC_EACH(&cfg->diags, const struct cfg_diag *, d)
		for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
			seen += d->level == CFG_ALERT && d->loc.line == lines[i];
	ck_assert_int_eq(seen, 5);
}
END_TEST

/* errorloc takes its place among errorfile, errorfiles and http-error:
 * the last line naming a status wins, defaults' lines first, the
 * backend's page before the frontend's. */
START_TEST(errorloc_in_line_order)
{
	load_ok(DEFS " errorloc 404 http://d/404\n errorloc 400 http://d/400\n"
		"http-errors site\n  errorfile 403 @/s403.http\n  errorfile 503 @/s503.http\n"
		"frontend fe\n bind 127.0.0.1:18080\n errorfile 503 @/a503.http\n"
		" errorloc303 503 /fe503\n errorloc302 403 http://fe/403\n errorfiles site 403\n"
		" errorfile 400 @/s400.http\n default_backend be\n"
		"backend be\n errorloc 502 http://be/502\n"
		" http-error status 502 content-type text/plain string he502\n"
		" errorloc 504 http://be/504\n server s1 127.0.0.1:9\n"
		"backend be2\n errorloc 503 http://be2/503\n server s1 127.0.0.1:9\n");
	ck_assert_str_eq(page("fe", 503), "fe503");
	ck_assert_str_eq(page("fe", 403), "s403");
	ck_assert_str_eq(page("fe", 404), "404");
	ck_assert_str_eq(page("fe", 400), "s400");
	ck_assert_str_eq(page("be", 502), "he502");
	ck_assert_str_eq(page("be", 504), "504");
	ck_assert_str_eq(page("be", 400), "400");
	memset(&out, 0, sizeof(out));
	/* the backend's redirect, else the frontend's */
	ck_assert_str_eq(error_reply("be2", "fe", 503), "HTTP/1.1 302 Found\r\n"
			 "cache-control: no-cache\r\ncontent-length: 0\r\nlocation: http://be2/503\r\n"
			 "connection: close\r\n\r\n");
	ck_assert_str_eq(error_reply("be", "fe", 503), "HTTP/1.1 303 See Other\r\n"
			 "cache-control: no-cache\r\ncontent-length: 0\r\nlocation: /fe503\r\n"
			 "connection: close\r\n\r\n");
	sbuf_free(&out);
}
END_TEST

/* A rule answered with a redirect page reports the rule's status (what
 * HAProxy 2.6 logs: 403 for a deny sent as a 303), as a page whose file
 * says another status does. */
START_TEST(errorloc_answers_a_deny)
{
	int st;
	load_ok(DEFS "frontend fe\n bind 127.0.0.1:18080\n errorloc303 403 https://x.example/d?a=1\n"
		" errorfile 429 @/s503.http\n"
		" http-request deny\n http-request deny deny_status 429\n default_backend be\n" BE);
	memset(&out, 0, sizeof(out));
	ck_assert_str_eq(rule_reply("fe", 0, &st), "HTTP/1.1 303 See Other\r\n"
			 "cache-control: no-cache\r\ncontent-length: 0\r\n"
			 "location: https://x.example/d?a=1\r\n\r\n");
	ck_assert_int_eq(st, 403);
	ck_assert_ptr_nonnull(strstr(rule_reply("fe", 1, &st), "HTTP/1.0 503 Custom\r\n"));
	ck_assert_int_eq(st, 429);
	sbuf_free(&out);
}
END_TEST

/* ------------------------------------------------------------ dumps */

static char *yaml_of(const struct cfg *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cfg_dump_yaml(c, f);
	fclose(f);
	return buf;
}

START_TEST(dump_round_trips)
{
	load_ok(DEFS " errorfiles site 403\n"
		"http-errors site\n  errorfile 403 @/s403.http\n  errorfile 503 @/s503.http\n"
		"frontend fe\n bind 127.0.0.1:18080\n errorfile 403 @/a403.http\n"
		" errorfiles site\n http-error status 503 content-type text/plain string x\n"
		" errorfile 503 @/a503.http\n errorloc303 403 \"/sorry page\"\n default_backend be\n"
		"backend be\n errorloc 503 http://b/503\n errorloc302 502 http://b/502\n"
		" server s1 127.0.0.1:9\n");
	char *dump = t_dump(cfg);
	/* the section, then the lines in the order they override each other,
	 * inherited ones only in defaults */
	char *want = subst("\nhttp-errors site\n    errorfile 403 @/s403.http\n"
			   "    errorfile 503 @/s503.http\n");
	ck_assert_ptr_nonnull(strstr(dump, want));
	free(want);
	want = subst("    errorfile 403 @/a403.http\n    errorfiles site\n"
		     "    http-error status 503 content-type text/plain string x\n"
		     "    errorfile 503 @/a503.http\n    errorloc303 403 '/sorry page'\n");
	ck_assert_ptr_nonnull(strstr(dump, want));
	free(want);
	ck_assert_ptr_nonnull(strstr(dump, "    errorloc 503 http://b/503\n"
				     "    errorloc302 502 http://b/502\n"));
	ck_assert_ptr_nonnull(strstr(dump, "    errorfiles site 403\n"));
	ck_assert_ptr_null(strstr(strstr(dump, "errorfiles site 403") + 1, "errorfiles site 403"));
	/* haproxy.cfg and YAML both reload to the same model */
	struct cfg *again = t_load_ok(dump);
	char *dump2 = t_dump(again);
	ck_assert_str_eq(dump2, dump);
	ck_assert_str_eq(page("fe", 503), "a503");
	char *y = yaml_of(cfg);
	ck_assert_ptr_nonnull(strstr(y, "- http-errors: site\n"));
	struct cfg *yc = cfg_new();
	yc->check_only = 1;
	cfg_yaml_load(yc, "t.yaml", y, strlen(y));
	cfg_finish(yc);
	if (yc->nalerts)
		t_print(yc);
	ck_assert_int_eq(yc->nalerts, 0);
	char *dump3 = t_dump(yc);
	ck_assert_str_eq(dump3, dump);
	free(dump3);
	cfg_free(yc);
	free(y);
	free(dump2);
	cfg_free(again);
	free(dump);
}
END_TEST

static Suite *errorfile_suite(void)
{
	Suite *s = suite_create("errorfile");
	TCase *tc = tcase_create("section");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, section_loads_pages);
	tcase_add_test(tc, shipped_pages_load);
	tcase_add_test(tc, section_errors);
	tcase_add_test(tc, references_checked);
	tcase_add_test(tc, inherited_reported_once);
	suite_add_tcase(s, tc);
	TCase *tp = tcase_create("pages");
	tcase_add_checked_fixture(tp, setup, teardown);
	tcase_add_test(tp, line_order_wins);
	tcase_add_test(tp, defaults_first);
	tcase_add_test(tp, backend_then_frontend_then_builtin);
	tcase_add_test(tp, replies_from_a_section);
	tcase_add_test(tp, h1_layer_uses_the_frontend_page);
	tcase_add_test(tp, errorloc_errors);
	tcase_add_test(tp, errorloc_in_line_order);
	tcase_add_test(tp, errorloc_answers_a_deny);
	tcase_add_test(tp, dump_round_trips);
	suite_add_tcase(s, tp);
	return s;
}

CHECK_MAIN(errorfile_suite)
