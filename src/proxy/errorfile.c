/*
 * Error pages: `errorfile <code> <file>` (a raw HTTP response loaded at
 * load time into struct errorfile_conf), `http-errors <name>` sections of
 * such files, `errorfiles <name> [codes]` (pages of a section imported
 * into a proxy), and `http-error status <code> ...` (a reply built like
 * `http-request return`). All may sit in `defaults` and are inherited.
 *
 * As in HAProxy 2.6, the proxy keywords override each other in
 * line order, the defaults' lines first: the proxy keeps them in one list
 * (error_decls), and at the end of the load that list is resolved into a
 * page per error status (error_pages), which is all the workers read.
 * Sections may be declared after the proxies that name them. Runs in the
 * master; the workers send the loaded bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weir/kwtables.h"
#include "rule-int.h"

/* The statuses HAProxy 2.6 keeps an error page for. */
static const int error_statuses[] = {
	200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504,
};
#define N_ERROR_STATUSES ((int)ARRAY_SIZE(error_statuses))
#define ERROR_STATUS_LIST "200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, " \
	"501, 502, 503, 504"

/* The slot of a status in a page table, -1 when it has none. */
static int error_index(int status)
{
	for (int i = 0; i < N_ERROR_STATUSES; i++)
		if (error_statuses[i] == status)
			return i;
	return -1;
}

int rule_is_error_status(int status)
{
	return error_index(status) >= 0;
}

static int parse_status(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return (*end || !*s || v <= 0 || v > 999) ? 0 : (int)v;
}

/* The <status_code> argument: a code weir has an error page for, or -1
 * after saying which codes are. */
static int error_status_arg(struct cfg_ctx *ctx, const char *arg)
{
	int status = parse_status(arg);
	if (rule_is_error_status(status))
		return status;
	cfg_alert(ctx, "%s : status code '%s' not handled (one of " ERROR_STATUS_LIST ").",
		  ctx->kw, arg);
	return -1;
}

/* The page as a reply the rules and error paths can send (what = its
 * file or url, for the dump). */
static void page_reply(struct cfg_ctx *ctx, struct errorfile_conf *ef, char *what)
{
	struct rule_reply *rp = arena_alloc(ctx->arena, sizeof(*rp));
	rp->status = ef->status;
	rp->payload = PAYLOAD_ERRORFILE;
	rp->arg = what;
	rp->content = ef->content;
	rp->content_len = ef->content_len;
	ef->reply = rp;
}

/* ------------------------------------------------------------ errorfile */

/*
 * `errorfile <code> <file>`, in a proxy or an http-errors section: the file
 * is read now (the workers may be chrooted) and must be a whole HTTP/1
 * response. Returns the page, or NULL after reporting.
 */
static struct errorfile_conf *load_page(struct cfg_ctx *ctx, int argc, char **argv)
{
	char err[256];
	if (argc < 2) {
		cfg_alert(ctx, "%s : expects <status_code> and <file> as arguments.", ctx->kw);
		return NULL;
	}
	/* HAProxy ignores them silently; a path with a space in it needs quotes */
	if (argc > 2)
		cfg_warn(ctx, "%s : unexpected '%s' after the file name, ignored (quote a path "
			  "that holds spaces).", ctx->kw, argv[2]);
	int status = error_status_arg(ctx, argv[0]);
	if (status < 0)
		return NULL;
	struct errorfile_conf *ef = arena_alloc(ctx->arena, sizeof(*ef));
	struct rule_pctx p = { .ctx = ctx };
	ef->status = status;
	ef->path = arena_strdup(ctx->arena, argv[1]);
	ef->loc = ctx->loc;
	if (rule_read_file(&p, argv[1], rule_bufsize(ctx->cfg), 1, &ef->content, &ef->content_len) < 0) {
		cfg_alert(ctx, "%s : %s.", ctx->kw, p.err);
		return NULL;
	}
	if (rule_check_http_response(ef->content, ef->content_len, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "%s : '%s': %s.", ctx->kw, argv[1], err);
		return NULL;
	}
	page_reply(ctx, ef, ef->path);
	return ef;
}

/* ------------------------------------------------------------ errorloc */

/* A url goes into a Location header as written: a control character
 * (an escaped CR or LF) would end the header early. */
static int url_is_clean(const char *url)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * `errorloc <code> <url>` (and errorloc302, errorloc303): instead of the
 * page for <code>, a redirect to <url>, 303 for errorloc303, else 302. As
 * HAProxy 2.6 does, the redirect is built now as a raw response and used
 * like an errorfile's, in the same precedence; the log keeps <code>.
 */
static struct errorfile_conf *build_redirect(struct cfg_ctx *ctx, int argc, char **argv)
{
	int code = strcmp(ctx->kw, "errorloc303") == 0 ? 303 : 302;
	if (argc < 2 || !*argv[1]) {
		cfg_alert(ctx, "%s : expects <status_code> and <url> as arguments (for example "
			  "'%s 503 https://example.com/maintenance.html').", ctx->kw, ctx->kw);
		return NULL;
	}
	if (argc > 2)
		cfg_warn(ctx, "%s : unexpected '%s' after the url, ignored (quote a url that "
			 "holds spaces).", ctx->kw, argv[2]);
	int status = error_status_arg(ctx, argv[0]);
	if (status < 0)
		return NULL;
	if (!url_is_clean(argv[1])) {
		cfg_alert(ctx, "%s : the url may not hold control characters (write it "
			  "percent-encoded).", ctx->kw);
		return NULL;
	}
	struct errorfile_conf *ef = arena_alloc(ctx->arena, sizeof(*ef));
	ef->status = status;
	ef->kw = arena_strdup(ctx->arena, ctx->kw);
	ef->url = arena_strdup(ctx->arena, argv[1]);
	ef->loc = ctx->loc;
	ef->content = arena_printf(ctx->arena, "HTTP/1.1 %s\r\nCache-Control: no-cache\r\n"
				   "Content-length: 0\r\nLocation: %s\r\n\r\n",
				   code == 303 ? "303 See Other" : "302 Found", argv[1]);
	ef->content_len = strlen(ef->content);
	page_reply(ctx, ef, ef->url);
	return ef;
}

/* Appends one line to the proxy's ordered list of page-setting lines. */
static void push_decl(struct cfg_ctx *ctx, const struct errorfile_conf *file,
		      const struct rule_errorfiles *ref, const struct rule *http_error)
{
	struct rule_error_decl *d = arena_alloc(ctx->arena, sizeof(*d));
	d->file = file;
	d->ref = ref;
	d->http_error = http_error;
	vec_push(ctx->arena, &ctx->px->error_decls, d);
}

int rule_kw_errorfile(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct errorfile_conf *ef = load_page(ctx, argc, argv);
	if (!ef)
		return -1;
	vec_push(ctx->arena, &ctx->px->errorfiles, ef);
	push_decl(ctx, ef, NULL, NULL);
	return 0;
}

int rule_kw_errorloc(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct errorfile_conf *ef = build_redirect(ctx, argc, argv);
	if (!ef)
		return -1;
	push_decl(ctx, ef, NULL, NULL);
	return 0;
}

const struct errorfile_conf *rule_errorfile(const struct proxy_conf *px, int status)
{
	for (int i = px->errorfiles.n - 1; i >= 0; i--) {
		const struct errorfile_conf *ef = px->errorfiles.v[i];
		if (ef->status == status)
			return ef;
	}
	return NULL;
}

/* ------------------------------------------------------------ errorfiles */

int rule_kw_errorfiles(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc < 1) {
		cfg_alert(ctx, "%s : expects <name> as argument (the name of an http-errors "
			  "section, then optionally the status codes to import).", ctx->kw);
		return -1;
	}
	struct rule_errorfiles *ref = arena_alloc(ctx->arena, sizeof(*ref));
	ref->name = arena_strdup(ctx->arena, argv[0]);
	ref->loc = ctx->loc;
	ref->src = cfg_words_dup(ctx->arena, ctx->line.n, ctx->line.w);
	for (int i = 1; i < argc; i++) {
		int status = parse_status(argv[i]);
		if (!rule_is_error_status(status)) {
			cfg_alert(ctx, "%s : status code '%s' not handled (one of " ERROR_STATUS_LIST
				  ").", ctx->kw, argv[i]);
			return -1;
		}
		vec_push(ctx->arena, &ref->codes, (void *)(intptr_t)status);
	}
	vec_push(ctx->arena, &ctx->px->errorfiles_refs, ref);
	push_decl(ctx, NULL, ref, NULL);
	return 0;
}

/* ------------------------------------------------------------ http-error */

/* `http-error status <code> [reply options]`: the status must be one with
 * an error page, and the reply replaces that page. */
int rule_kw_http_error(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct rule *r = rule_new(ctx, RULE_HTTP_ERROR, ACT_HTTP_ERROR);
	struct rule_pctx p = { .ctx = ctx, .r = r, .act = "status",
			       .where = rule_list_where(ctx, RULE_HTTP_ERROR) };
	int i = 0;
	if (argc < 2 || strcmp(argv[0], "status") != 0) {
		cfg_alert(ctx, "%s : expects 'status' <code> followed by reply options.", ctx->kw);
		return -1;
	}
	int status = parse_status(argv[1]);
	if (!rule_is_error_status(status)) {
		cfg_alert(ctx, "%s : status code '%s' not handled (one of " ERROR_STATUS_LIST ").",
			  ctx->kw, argv[1]);
		return -1;
	}
	r->reply = rule_parse_reply(&p, argc, argv, &i, status, 0);
	if (r->reply && i < argc)
		rule_err(&p, "unexpected argument '%s'", argv[i]);
	if (!r->reply || i < argc) {
		if (p.err[0])
			cfg_alert(ctx, "%s : %s.", ctx->kw, p.err);
		return -1;
	}
	if (r->reply->status != status) {
		cfg_alert(ctx, "%s : the status may only be given once.", ctx->kw);
		return -1;
	}
	r->ival = status;
	rule_append(ctx, r);
	push_decl(ctx, NULL, NULL, r);
	return 0;
}

/* The canonical lines of the three keywords, in the order they override
 * each other (dumping them keyword by keyword would change the meaning). */
void rule_dump_error_decls(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	(void)kw;
	const struct proxy_conf *px = obj;
	const struct vec *inh = px->defaults ? &px->defaults->error_decls : NULL;
	for (int i = rule_own_start(&px->error_decls, inh); i < px->error_decls.n; i++) {
		const struct rule_error_decl *d = px->error_decls.v[i];
		if (d->file) {
			char code[16];
			snprintf(code, sizeof(code), "%d", d->file->status);
			if (d->file->url)
				cfg_emitv(em, d->file->kw, code, d->file->url, NULL);
			else
				cfg_emitv(em, "errorfile", code, d->file->path, NULL);
		} else if (d->ref) {
			cfg_emitw(em, "errorfiles", &d->ref->src, 1);
		} else {
			cfg_emitw(em, d->http_error->kw, &d->http_error->src, d->http_error->src_from);
		}
	}
}

/* ------------------------------------------------------------ resolution */

/* The last page of `status` in a section, NULL when it has none. */
static const struct errorfile_conf *section_page(const struct http_errors_conf *he, int status)
{
	for (int i = he->pages.n - 1; i >= 0; i--) {
		const struct errorfile_conf *ef = he->pages.v[i];
		if (ef->status == status)
			return ef;
	}
	return NULL;
}

/* What to write instead of an unknown section name: the closest one
 * declared, else the section to declare. */
static const char *suggest_section(struct cfg *cfg, const char *name)
{
	const struct http_errors_conf *he;
	const char *best = NULL;
	int bestd = 1000;
	VEC_EACH(&cfg->http_errors_secs, const struct http_errors_conf *, he) {
		int d = str_distance(name, he->name);
		if (d < bestd) {
			bestd = d;
			best = he->name;
		}
	}
	if (!best || bestd > (int)strlen(name) / 3 + 1)
		return arena_printf(cfg->arena, "; declare it with 'http-errors %s' followed by "
				    "'errorfile <code> <file>' lines", name);
	return arena_printf(cfg->arena, "; did you mean '%s' ?", best);
}

/* Who a message is about: "proxy 'fe'", or the unnamed defaults section. */
static const char *px_label(struct cfg *cfg, const struct proxy_conf *px)
{
	if (!*px->name)
		return "unnamed defaults section";
	return arena_printf(cfg->arena, "proxy '%s'", px->name);
}

/* The section `name`, or NULL after an alert at loc (when `report`). */
static const struct http_errors_conf *find_section(struct cfg *cfg, const struct proxy_conf *px,
						   const char *name, const char *what,
						   const struct cfg_loc *loc, int report)
{
	const struct http_errors_conf *he = cfg_find_http_errors(cfg, name);
	if (!he && report)
		cfg_diag_at(cfg, CFG_ALERT, loc, "%s: unknown http-errors section '%s'%s%s",
			    px_label(cfg, px), name, what, suggest_section(cfg, name));
	return he;
}

/* The state of one proxy's resolution. Diagnostics are given once, for
 * the lines the proxy owns (inherited ones were reported in defaults). */
struct resolve {
	struct cfg *cfg;
	const struct proxy_conf *px;
	const struct rule_reply **pages;
	int report;
};

/* Imports `status` from section he; `explicit`: the line names the code,
 * so a section without it deserves a warning. */
static void import_one(struct resolve *rs, const struct http_errors_conf *he, int status,
		       int explicit, const struct cfg_loc *loc)
{
	const struct errorfile_conf *ef = section_page(he, status);
	if (ef) {
		rs->pages[error_index(status)] = ef->reply;
		return;
	}
	if (explicit && rs->report)
		cfg_diag_at(rs->cfg, CFG_WARNING, loc, "%s: status '%d' not declared in "
			    "http-errors section '%s' (%s:%d); the proxy keeps its other page for "
			    "it (add 'errorfile %d <file>' to the section)", px_label(rs->cfg, rs->px),
			    status, he->name, he->loc.file, he->loc.line, status);
}

static void resolve_ref(struct resolve *rs, const struct rule_errorfiles *ref)
{
	const struct http_errors_conf *he = find_section(rs->cfg, rs->px, ref->name, "",
							 &ref->loc, rs->report);
	if (!he)
		return;
	if (!ref->codes.n) {
		for (int i = 0; i < N_ERROR_STATUSES; i++)
			import_one(rs, he, error_statuses[i], 0, &ref->loc);
		return;
	}
	for (int i = 0; i < ref->codes.n; i++)
		import_one(rs, he, (int)(intptr_t)ref->codes.v[i], 1, &ref->loc);
}

/* `http-error status N <payload>`: `errorfiles <name>` imports N from the
 * section, `default-errorfiles` forgets the proxy's page for N (the
 * frontend's, else the built-in one, is used), anything else is the page. */
static void resolve_http_error(struct resolve *rs, const struct rule *r)
{
	const struct rule_reply *rp = r->reply;
	int idx = error_index(rp->status);
	if (rp->payload == PAYLOAD_ERRORFILES) {
		const struct http_errors_conf *he = find_section(rs->cfg, rs->px, rp->arg, "",
								 &r->loc, rs->report);
		if (he)
			import_one(rs, he, rp->status, 1, &r->loc);
	} else if (rp->payload == PAYLOAD_DEFAULT_ERRORFILE) {
		rs->pages[idx] = NULL;
	} else {
		rs->pages[idx] = rp;
	}
}

void rule_error_pages_resolve(struct cfg *cfg, struct proxy_conf *px)
{
	const struct rule_reply **pages = arena_alloc(cfg->arena, sizeof(*pages) * N_ERROR_STATUSES);
	struct resolve rs = { cfg, px, pages, 0 };
	const struct vec *inh = px->defaults ? &px->defaults->error_decls : NULL;
	int own = rule_own_start(&px->error_decls, inh);
	for (int i = 0; i < px->error_decls.n; i++) {
		const struct rule_error_decl *d = px->error_decls.v[i];
		rs.report = i >= own;
		if (d->file)
			pages[error_index(d->file->status)] = d->file->reply;
		else if (d->ref)
			resolve_ref(&rs, d->ref);
		else
			resolve_http_error(&rs, d->http_error);
	}
	px->error_pages = pages;
}

/* A rule's reply `errorfiles <name>` (deny, tarpit, return): the section's
 * page for the reply's status. HAProxy sends an empty response with that
 * status when the section has none, and so does weir (with a warning). */
void rule_reply_resolve_errorfiles(struct cfg *cfg, const struct proxy_conf *px, struct rule *r)
{
	struct rule_reply *rp = r->reply;
	const struct http_errors_conf *he = find_section(cfg, px, rp->arg, " referenced by an "
							 "http reply", &r->loc, 1);
	if (!he)
		return;
	const struct errorfile_conf *ef = section_page(he, rp->status);
	rp->page = ef ? ef->reply : NULL;
	if (!ef)
		cfg_diag_at(cfg, CFG_WARNING, &r->loc, "%s: status '%d' referenced by an http "
			    "reply not declared in http-errors section '%s' (%s:%d): an empty %d "
			    "response is sent (add 'errorfile %d <file>' to the section)",
			    px_label(cfg, px), rp->status, he->name, he->loc.file, he->loc.line, rp->status,
			    rp->status);
}

const struct rule_reply *rule_error_page(const struct proxy_conf *px, int status)
{
	int idx = error_index(status);
	if (!px || idx < 0 || !px->error_pages)
		return NULL;
	return px->error_pages[idx];
}

/* ------------------------------------------------------------ http-errors section */

static int kw_section_errorfile(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct errorfile_conf *ef = load_page(ctx, argc, argv);
	if (!ef)
		return -1;
	vec_push(ctx->arena, &ctx->he->pages, ef);
	return 0;
}

static void dump_section_errorfile(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct http_errors_conf *he = obj;
	const struct errorfile_conf *ef;
	VEC_EACH(&he->pages, const struct errorfile_conf *, ef) {
		char code[16];
		snprintf(code, sizeof(code), "%d", ef->status);
		cfg_emitv(em, kw->name, code, ef->path, NULL);
	}
}

static const struct cfg_kw errorfile_kws[] = {
	{ "errorfile", CFG_SEC_HTTP_ERRORS, kw_section_errorfile, dump_section_errorfile,
	  "<code> <file>", "a page of the section: a raw HTTP response file for this status", 0 },
};

/* The proxies' error keywords are in rule_kw_table (src/proxy/rule_kw.c),
 * which also resolves them (rule_finish). */
const struct cfg_kw_table errorfile_kw_table = {
	"http-errors", errorfile_kws, (int)ARRAY_SIZE(errorfile_kws), NULL
};
