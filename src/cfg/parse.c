/*
 * The configuration loader: reads files and directories, runs the section
 * machine, hands each line to its keyword's parser, and finishes the model.
 * Runs in the master (at start and on reload) and in `weir -c`.
 *
 * It owns the struct cfg it builds and nothing else; it never binds,
 * connects or resolves (a `-c` run must not touch the network).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "weir/cfg.h"
#include "weir/cond.h"
#include "weir/lex.h"
#include "weir/yaml.h"

/* The state of the section machine between two lines. */
struct cfg_parser {
	enum cfg_section sec;
	struct proxy_conf *px;
	struct userlist_conf *ul;
	struct http_errors_conf *he;
	const char *skip_section;   /* inside an unsupported section: its name */
	struct proxy_conf *last_defaults;
	/* .if/.elif/.else/.endif: one frame per open block */
	struct cond_frame {
		int taken;          /* a branch of this block was already true */
		int active;         /* lines are being read in the current branch */
		int else_seen;
		struct cfg_loc loc;
	} conds[32];
	int nconds;
};

/* The section state lives in the model it fills, from the first line of
 * the first file to cfg_finish(). */
static struct cfg_parser *parser_of(struct cfg *cfg)
{
	if (!cfg->parser)
		cfg->parser = arena_alloc(cfg->arena, sizeof(*cfg->parser));
	return cfg->parser;
}

/* ------------------------------------------------------------------ model */

void cfg_global_builtin_defaults(struct cfg_global *g)
{
	memset(g, 0, sizeof(*g));
	g->uid = g->gid = -1;
	g->stats_timeout = 10000;
	g->tune_bufsize = 16384;
	g->tune_maxrewrite = -1;         /* -1: half of bufsize up to 1024, as HAProxy */
	g->tune_listener_multi_queue = 1;
	g->tune_idle_pool_shared = 1;
	g->hard_stop_after = TIME_UNSET;
	g->ssl_bind_defaults.min_ver = SSL_VER_TLSV12;
	g->ssl_server_defaults.min_ver = SSL_VER_TLSV12;
}

struct cfg *cfg_new(void)
{
	struct cfg *cfg = xcalloc(1, sizeof(*cfg));
	cfg->arena = arena_new();
	cfg_global_builtin_defaults(&cfg->global);
	return cfg;
}

void cfg_free(struct cfg *cfg)
{
	if (!cfg)
		return;
	arena_free(cfg->arena);
	free(cfg);
}

/* A proxy with HAProxy's built-in defaults (what a config with no
 * `defaults` section gets). */
void cfg_proxy_builtin_defaults(struct proxy_conf *px)
{
	px->mode = PX_MODE_TCP;
	px->retries = 3;
	px->retry_on = RETRY_ON_CONN_FAILURE;   /* HAProxy's default */
	px->timeout = (struct timeouts){
		TIME_UNSET, TIME_UNSET, TIME_UNSET, TIME_UNSET, TIME_UNSET, TIME_UNSET,
		TIME_UNSET, TIME_UNSET, TIME_UNSET, TIME_UNSET, TIME_UNSET };
	px->tcp_req_inspect_delay = TIME_UNSET;
	px->tcp_res_inspect_delay = TIME_UNSET;
	px->http_reuse = HTTP_REUSE_SAFE;
	px->balance.random_draws = 2;
	struct server_conf *ds = &px->default_server;
	ds->weight = 1;
	ds->inter = 2000;
	ds->rise = 2;
	ds->fall = 3;
	ds->agent_inter = 2000;
	ds->error_limit = 10;
	ds->on_error = SRV_ONERR_FAIL_CHECK;   /* HAProxy's default */
	ds->pool_max_conn = -1;
	ds->pool_purge_delay = 5000;
	ds->maxqueue = 0;
}

/*
 * What a proxy does not take from its defaults section: its identity, its
 * listeners and servers, and everything HAProxy keeps per proxy (ACLs,
 * rules, tables, captures). Lists that are inherited stay shared until the
 * proxy appends to them (see vec_push).
 */
static void proxy_reset_uninherited(struct proxy_conf *px)
{
	px->id = 0;
	px->description = NULL;
	px->disabled = 0;
	px->binds = (struct vec){0};
	px->servers = (struct vec){0};
	px->acls = (struct vec){0};
	px->http_req_rules = (struct vec){0};
	px->http_res_rules = (struct vec){0};
	px->http_after_res_rules = (struct vec){0};
	px->tcp_req_conn_rules = (struct vec){0};
	px->tcp_req_sess_rules = (struct vec){0};
	px->tcp_req_cont_rules = (struct vec){0};
	px->tcp_res_cont_rules = (struct vec){0};
	px->switching_rules = (struct vec){0};
	px->server_rules = (struct vec){0};
	px->redirect_rules = (struct vec){0};
	px->stick_rules = (struct vec){0};
	px->block_rules = (struct vec){0};
	px->captures = (struct vec){0};
	px->monitor_uri = (struct vec){0};
	px->src_lines = (struct vec){0};
	px->table = NULL;
	px->options_set = 0;
}

static int valid_proxy_name(const char *name)
{
	if (!*name)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.:", *p))
			return 0;
	return 1;
}

static const char *cap_name(unsigned cap)
{
	if (cap & PX_CAP_DEF)
		return "defaults";
	if ((cap & (PX_CAP_FE | PX_CAP_BE)) == (PX_CAP_FE | PX_CAP_BE))
		return "listen";
	return (cap & PX_CAP_FE) ? "frontend" : "backend";
}

struct proxy_conf *cfg_find_proxy(const struct cfg *cfg, const char *name, unsigned cap)
{
	struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, struct proxy_conf *, px)
		if ((px->cap & cap) && strcmp(px->name, name) == 0)
			return px;
	return NULL;
}

struct proxy_conf *cfg_find_defaults(const struct cfg *cfg, const char *name)
{
	struct proxy_conf *px, *found = NULL;
	VEC_EACH(&cfg->defaults, struct proxy_conf *, px)
		if (strcmp(px->name, name) == 0)
			found = px;   /* the last one with that name, as HAProxy */
	return found;
}

struct server_conf *cfg_find_server(const struct proxy_conf *px, const char *name)
{
	struct server_conf *s;
	VEC_EACH(&px->servers, struct server_conf *, s)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

struct userlist_conf *cfg_find_userlist(const struct cfg *cfg, const char *name)
{
	struct userlist_conf *ul;
	VEC_EACH(&cfg->userlists, struct userlist_conf *, ul)
		if (strcmp(ul->name, name) == 0)
			return ul;
	return NULL;
}

struct http_errors_conf *cfg_find_http_errors(const struct cfg *cfg, const char *name)
{
	struct http_errors_conf *he;
	VEC_EACH(&cfg->http_errors_secs, struct http_errors_conf *, he)
		if (strcmp(he->name, name) == 0)
			return he;
	return NULL;
}

int cfg_count_listeners(const struct cfg *cfg)
{
	int n = 0;
	struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, struct proxy_conf *, px)
		if ((px->cap & PX_CAP_FE) && !px->disabled)
			n += px->binds.n;
	return n;
}

/* ------------------------------------------------------------- sections */

static const struct {
	const char *name;
	enum cfg_section sec;
} sections[] = {
	{ "global", CFG_SEC_GLOBAL },
	{ "defaults", CFG_SEC_DEFAULTS },
	{ "frontend", CFG_SEC_FRONTEND },
	{ "backend", CFG_SEC_BACKEND },
	{ "listen", CFG_SEC_LISTEN },
	{ "userlist", CFG_SEC_USERLIST },
	{ "http-errors", CFG_SEC_HTTP_ERRORS },
};

/* Sections HAProxy has and weir does not run yet: recognised, reported
 * once at their header, their lines skipped. */
static const char *const unsupported_sections[] = {
	"resolvers", "peers", "program", "cache", "ring", "mailers", "fcgi-app", "dynamic-update", "crt-store", "traces", "log-forward",
};

static unsigned sec_cap(enum cfg_section sec)
{
	switch (sec) {
	case CFG_SEC_DEFAULTS: return PX_CAP_DEF | PX_CAP_FE | PX_CAP_BE;
	case CFG_SEC_FRONTEND: return PX_CAP_FE;
	case CFG_SEC_BACKEND: return PX_CAP_BE;
	case CFG_SEC_LISTEN: return PX_CAP_FE | PX_CAP_BE;
	default: return 0;
	}
}

/* Two proxies may share a name only as one frontend and one backend. */
static void check_duplicate_proxy(struct cfg_ctx *ctx, const char *name, unsigned cap)
{
	struct proxy_conf *other;
	VEC_EACH(&ctx->cfg->proxies, struct proxy_conf *, other) {
		if (strcmp(other->name, name) != 0 || !(other->cap & cap))
			continue;
		cfg_alert(ctx, "%s '%s' has the same name as %s '%s' declared at %s:%d; "
			  "proxy names must be unique (a frontend and a backend may share one)",
			  cap_name(cap), name, cap_name(other->cap), other->name,
			  other->loc.file, other->loc.line);
		return;
	}
}

static struct proxy_conf *pick_defaults(struct cfg_ctx *ctx, struct cfg_parser *p,
					enum cfg_section sec, const char *from)
{
	/* A defaults section without `from` starts from the built-in values,
	 * as in HAProxy; a proxy takes the last defaults section before it. */
	if (!from)
		return sec == CFG_SEC_DEFAULTS ? NULL : p->last_defaults;
	struct proxy_conf *def = cfg_find_defaults(ctx->cfg, from);
	if (!def)
		cfg_alert(ctx, "defaults section '%s' not found (it must be declared before "
			  "the section that names it with 'from')", from);
	return def;
}

static void start_proxy(struct cfg_ctx *ctx, struct cfg_parser *p, enum cfg_section sec,
			int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "";
	const char *from = NULL;
	int i = 2;
	if (argc > 1 && strcmp(argv[1], "from") == 0 && sec == CFG_SEC_DEFAULTS) {
		name = "";
		i = 1;
	}
	if (i < argc && strcmp(argv[i], "from") == 0) {
		if (i + 1 >= argc)
			cfg_alert(ctx, "'from' expects the name of a defaults section");
		else
			from = argv[i + 1];
		i += 2;
	}
	if (i < argc)
		cfg_alert(ctx, "unexpected word '%s' after '%s %s' (expected: %s <name> [from <defaults>])",
			  argv[i], argv[0], name, argv[0]);
	if (sec != CFG_SEC_DEFAULTS && !*name)
		cfg_alert(ctx, "'%s' expects a name (%s <name>)", argv[0], argv[0]);
	else if (*name && !valid_proxy_name(name))
		cfg_alert(ctx, "character not allowed in %s name '%s' (letters, digits, '-', '_', "
			  "'.' and ':' only)", argv[0], name);
	unsigned cap = sec_cap(sec);
	if (sec != CFG_SEC_DEFAULTS && *name)
		check_duplicate_proxy(ctx, name, cap & (PX_CAP_FE | PX_CAP_BE));

	struct proxy_conf *px = arena_alloc(ctx->arena, sizeof(*px));
	const struct proxy_conf *def = pick_defaults(ctx, p, sec, from);
	if (def) {
		*px = *def;
		proxy_reset_uninherited(px);
	} else {
		cfg_proxy_builtin_defaults(px);
	}
	px->defaults = def;
	px->name = arena_strdup(ctx->arena, name);
	px->from = from ? arena_strdup(ctx->arena, from) : NULL;
	px->cap = cap;
	px->loc = ctx->loc;
	vec_push(ctx->arena, &ctx->cfg->sections, px);
	if (sec == CFG_SEC_DEFAULTS) {
		vec_push(ctx->arena, &ctx->cfg->defaults, px);
		p->last_defaults = px;
	} else {
		vec_push(ctx->arena, &ctx->cfg->proxies, px);
	}
	p->px = px;
}

static void start_userlist(struct cfg_ctx *ctx, struct cfg_parser *p, int argc, char **argv)
{
	if (argc != 2) {
		cfg_alert(ctx, "'userlist' expects exactly one name (userlist <name>)");
		argv[1] = argc > 1 ? argv[1] : "";
	}
	if (cfg_find_userlist(ctx->cfg, argv[1]))
		cfg_alert(ctx, "userlist '%s' is declared twice", argv[1]);
	struct userlist_conf *ul = arena_alloc(ctx->arena, sizeof(*ul));
	ul->name = arena_strdup(ctx->arena, argc > 1 ? argv[1] : "");
	ul->loc = ctx->loc;
	vec_push(ctx->arena, &ctx->cfg->userlists, ul);
	p->ul = ul;
}

/* http-errors <name>: HAProxy's messages. A second section of the same name
 * is reported and its pages still parsed (into a section nobody finds). */
static void start_http_errors(struct cfg_ctx *ctx, struct cfg_parser *p, int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "";
	if (!*name)
		cfg_alert(ctx, "missing name for http-errors section (write 'http-errors <name>')");
	else if (argc > 2)
		cfg_alert(ctx, "'http-errors' expects exactly one name (http-errors <name>)");
	const struct http_errors_conf *other = *name ? cfg_find_http_errors(ctx->cfg, name) : NULL;
	if (other)
		cfg_alert(ctx, "http-errors section '%s' already exists (declared at %s:%d); "
			  "give this one another name", name, other->loc.file, other->loc.line);
	struct http_errors_conf *he = arena_alloc(ctx->arena, sizeof(*he));
	he->name = arena_strdup(ctx->arena, name);
	he->loc = ctx->loc;
	if (*name && !other)
		vec_push(ctx->arena, &ctx->cfg->http_errors_secs, he);
	p->he = he;
}

/* Returns 1 when the line opened a section. */
static int try_section(struct cfg_ctx *ctx, struct cfg_parser *p, int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(unsupported_sections); i++) {
		if (strcmp(argv[0], unsupported_sections[i]) == 0) {
			cfg_alert(ctx, "section '%s' is not supported yet by weir; its lines are "
				  "ignored until the next section (remove it, or keep it in a "
				  "file that only HAProxy reads)", argv[0]);
			p->sec = CFG_SEC_NONE;
			p->skip_section = unsupported_sections[i];
			return 1;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		if (strcmp(argv[0], sections[i].name) != 0)
			continue;
		p->sec = sections[i].sec;
		p->px = NULL;
		p->ul = NULL;
		p->he = NULL;
		p->skip_section = NULL;
		if (p->sec == CFG_SEC_GLOBAL) {
			if (argc > 1)
				cfg_alert(ctx, "'global' takes no argument");
		} else if (p->sec == CFG_SEC_USERLIST) {
			start_userlist(ctx, p, argc, argv);
		} else if (p->sec == CFG_SEC_HTTP_ERRORS) {
			start_http_errors(ctx, p, argc, argv);
		} else {
			start_proxy(ctx, p, p->sec, argc, argv);
		}
		return 1;
	}
	return 0;
}

/* -------------------------------------------------------- unknown words */

/*
 * The guides' mistakes that are not keywords at all get a message that
 * says what the author meant. The flattened "Host:\ x" lines come from old
 * `option httpchk` lines that continued headers after the version.
 */
static int hint_header_line(struct cfg_ctx *ctx, int argc, char **argv)
{
	const char *colon = strchr(argv[0], ':');
	if (!colon || colon == argv[0] || (colon[1] != ' ' && colon[1] != '\0'))
		return 0;
	for (const char *c = argv[0]; c < colon; c++)
		if (!isalnum((unsigned char)*c) && *c != '-')
			return 0;
	const char *value = colon[1] ? colon + 2 : (argc > 1 ? argv[1] : "<value>");
	cfg_alert(ctx, "unknown keyword '%s' in '%s' section: this is an HTTP header left "
		  "from an old 'option httpchk' line; send check headers with "
		  "'http-check send hdr %.*s %s' (one line may carry several "
		  "'hdr <name> <value>' pairs)", argv[0], cfg_section_name(ctx->sec),
		  (int)(colon - argv[0]), argv[0], value);
	return 1;
}

static void report_unknown(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (hint_header_line(ctx, argc, argv))
		return;
	const char *best = cfg_kw_suggest(ctx->sec, argc, argv);
	if (best)
		cfg_alert(ctx, "unknown keyword '%s' in '%s' section; did you mean '%s' maybe ?",
			  argv[0], cfg_section_name(ctx->sec), best);
	else
		cfg_alert(ctx, "unknown keyword '%s' in '%s' section", argv[0],
			  cfg_section_name(ctx->sec));
}

/* A keyword that exists, used in a section that does not take it. */
static int report_misplaced(struct cfg_ctx *ctx, int argc, char **argv)
{
	int n;
	const unsigned all = CFG_SEC_GLOBAL | CFG_SEC_PX | CFG_SEC_USERLIST | CFG_SEC_HTTP_ERRORS;
	const struct cfg_kw *kw = cfg_kw_find(all, argc, argv, &n);
	if (!kw)
		return 0;
	struct sbuf where = {0};
	for (unsigned b = 1; b <= CFG_SEC_LAST; b <<= 1)
		if (kw->sections & b) {
			if (where.len)
				sbuf_adds(&where, ", ");
			sbuf_adds(&where, cfg_section_name((enum cfg_section)b));
		}
	cfg_alert(ctx, "'%s' is not allowed in '%s' section (it belongs in: %s)", kw->name,
		  cfg_section_name(ctx->sec), sbuf_str(&where));
	sbuf_free(&where);
	return 1;
}

/* ------------------------------------------------------------ dispatch */

static void dispatch_keyword(struct cfg_ctx *ctx, int argc, char **argv)
{
	int neg = argc > 1 && strcmp(argv[0], "no") == 0;
	int off = neg ? 1 : 0;
	int n;
	const struct cfg_kw *kw = cfg_kw_find(ctx->sec, argc - off, argv + off, &n);
	if (!kw) {
		if (!report_misplaced(ctx, argc - off, argv + off))
			report_unknown(ctx, argc - off, argv + off);
		return;
	}
	if (neg && !(kw->sections & CFG_KW_ALLOW_NO)) {
		cfg_alert(ctx, "'no %s' is not supported: remove the '%s' line instead",
			  kw->name, kw->name);
		return;
	}
	ctx->kw = kw->name;
	ctx->kw_data = kw->data;
	ctx->line = (struct cfg_words){ argc, argv };
	kw->parse(ctx, argc - off - n, argv + off + n);
}

static void keep_source_line(struct cfg_ctx *ctx, struct cfg_parser *p, int argc, char **argv)
{
	if (!p->px)
		return;
	struct cfg_words *w = arena_alloc(ctx->arena, sizeof(*w));
	*w = cfg_words_dup(ctx->arena, argc, argv);
	vec_push(ctx->arena, &p->px->src_lines, w);
}

void cfg_feed_words(struct cfg *cfg, struct cfg_loc loc, int argc, char **argv)
{
	struct cfg_parser *p = parser_of(cfg);
	struct cfg_ctx ctx = { .cfg = cfg, .arena = cfg->arena, .loc = loc };
	if (argc == 0)
		return;
	ctx.sec = p->sec;
	if (try_section(&ctx, p, argc, argv))
		return;
	if (p->skip_section)
		return;
	ctx.sec = p->sec;
	ctx.px = p->px;
	ctx.ul = p->ul;
	ctx.he = p->he;
	if (p->sec == CFG_SEC_NONE) {
		cfg_alert(&ctx, "unknown keyword '%s' out of section (a line must follow "
			  "'global', 'defaults', 'frontend', 'backend', 'listen', 'userlist' or "
			  "'http-errors')",
			  argv[0]);
		return;
	}
	keep_source_line(&ctx, p, argc, argv);
	dispatch_keyword(&ctx, argc, argv);
}

void cfg_end_section(struct cfg *cfg)
{
	struct cfg_parser *p = parser_of(cfg);
	/* A file ends its section, as in HAProxy: the next file starts fresh,
	 * but the last defaults section stays in force. */
	p->sec = CFG_SEC_NONE;
	p->px = NULL;
	p->ul = NULL;
	p->he = NULL;
	p->skip_section = NULL;
}

/* ------------------------------------------------------- .if / .endif */

static int cond_active(const struct cfg_parser *p)
{
	return p->nconds == 0 || p->conds[p->nconds - 1].active;
}

static int eval_line_cond(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct sbuf expr = {0};
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			sbuf_addc(&expr, ' ');
		sbuf_adds(&expr, argv[i]);
	}
	char err[256];
	int r = cfg_cond_eval(sbuf_str(&expr), err, sizeof(err));
	if (r < 0)
		cfg_alert(ctx, "%s : %s", argv[0], err);
	sbuf_free(&expr);
	return r > 0;
}

/* Handles a line starting with '.'; returns 1 when it was a directive. */
static int handle_directive(struct cfg_ctx *ctx, struct cfg_parser *p, int argc, char **argv)
{
	const char *d = argv[0];
	int parent_active = p->nconds < 2 || p->conds[p->nconds - 2].active;
	if (strcmp(d, ".if") == 0) {
		if (p->nconds == (int)ARRAY_SIZE(p->conds)) {
			cfg_alert(ctx, ".if blocks nested too deep (at most %zu)", ARRAY_SIZE(p->conds));
			return 1;
		}
		int outer = cond_active(p);
		struct cond_frame *f = &p->conds[p->nconds++];
		*f = (struct cond_frame){ .loc = ctx->loc };
		f->active = outer && eval_line_cond(ctx, argc, argv);
		f->taken = f->active;
		return 1;
	}
	if (strcmp(d, ".elif") == 0 || strcmp(d, ".else") == 0 || strcmp(d, ".endif") == 0) {
		if (p->nconds == 0) {
			cfg_alert(ctx, "'%s' without a matching '.if'", d);
			return 1;
		}
		struct cond_frame *f = &p->conds[p->nconds - 1];
		parent_active = p->nconds < 2 || p->conds[p->nconds - 2].active;
		if (strcmp(d, ".endif") == 0) {
			p->nconds--;
		} else if (f->else_seen) {
			cfg_alert(ctx, "'%s' after '.else' in the block opened at %s:%d", d,
				  f->loc.file, f->loc.line);
		} else if (strcmp(d, ".else") == 0) {
			f->else_seen = 1;
			f->active = parent_active && !f->taken;
			f->taken = 1;
		} else {
			f->active = parent_active && !f->taken && eval_line_cond(ctx, argc, argv);
			f->taken |= f->active;
		}
		return 1;
	}
	if (!cond_active(p))
		return 1;
	enum cfg_diag_level lvl;
	if (strcmp(d, ".diag") == 0 || strcmp(d, ".notice") == 0)
		lvl = CFG_NOTICE;
	else if (strcmp(d, ".warning") == 0)
		lvl = CFG_WARNING;
	else if (strcmp(d, ".alert") == 0)
		lvl = CFG_ALERT;
	else
		return 0;
	cfg_diag_at(ctx->cfg, lvl, &ctx->loc, "%s", argc > 1 ? argv[1] : "");
	return 1;
}

/* ------------------------------------------------------------- files */

static const char *intern_file(struct cfg *cfg, const char *name)
{
	char *s = arena_strdup(cfg->arena, name);
	vec_push(cfg->arena, &cfg->files, s);
	return s;
}

int cfg_load_buffer(struct cfg *cfg, const char *name, const char *text, size_t len)
{
	struct cfg_parser *p = parser_of(cfg);
	struct lex_line ll = {0};
	const char *file = intern_file(cfg, name);
	int lineno = 0;
	int conds_at_start = p->nconds;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct cfg_ctx ctx = { .cfg = cfg, .arena = cfg->arena, .sec = p->sec,
				       .loc = { file, ++lineno } };
		char err[256];
		if (memchr(text + pos, '\0', end - pos)) {
			cfg_alert(&ctx, "NUL character in the line: is this a text file?");
		} else if (lex_split(&ll, text + pos, end - pos, err, sizeof(err)) < 0) {
			if (cond_active(p))
				cfg_alert(&ctx, "%s", err);
		} else if (ll.argc > 0) {
			if (ll.argv[0][0] == '.' && handle_directive(&ctx, p, ll.argc, ll.argv))
				;
			else if (cond_active(p))
				cfg_feed_words(cfg, ctx.loc, ll.argc, ll.argv);
		}
		pos = end + 1;
	}
	if (p->nconds > conds_at_start) {
		struct cfg_loc *l = &p->conds[p->nconds - 1].loc;
		cfg_diag_at(cfg, CFG_ALERT, l, "'.if' block not closed by '.endif' before the end of the file");
		p->nconds = conds_at_start;
	}
	cfg_end_section(cfg);
	lex_line_free(&ll);
	return 0;
}

static int read_file(const char *path, char **out, size_t *outlen)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct sbuf b = {0};
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&b, buf, n);
	int err = ferror(f);
	fclose(f);
	if (err) {
		sbuf_free(&b);
		errno = EIO;
		return -1;
	}
	*outlen = b.len;
	*out = b.s ? b.s : xstrdup("");
	return 0;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int load_file(struct cfg *cfg, const char *path)
{
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0) {
		cfg_diag_at(cfg, CFG_ALERT, NULL, "Cannot open configuration file/directory %s : %s",
			    path, strerror(errno));
		return -1;
	}
	int r;
	if (has_suffix(path, ".yaml") || has_suffix(path, ".yml"))
		r = cfg_yaml_load(cfg, path, text, len);
	else
		r = cfg_load_buffer(cfg, path, text, len);
	free(text);
	return r;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory loads its *.cfg files in C-locale order (strcmp), as HAProxy. */
static int load_dir(struct cfg *cfg, const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		cfg_diag_at(cfg, CFG_ALERT, NULL, "Cannot open configuration directory %s : %s",
			    path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".cfg"))
			continue;
		names = xrealloc(names, sizeof(char *) * (n + 1));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_names);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && load_file(cfg, full) < 0)
			r = -1;
		free(names[i]);
	}
	free(names);
	return r;
}

int cfg_load_path(struct cfg *cfg, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		cfg_diag_at(cfg, CFG_ALERT, NULL, "Cannot open configuration file/directory %s : %s",
			    path, strerror(errno));
		return -1;
	}
	return S_ISDIR(st.st_mode) ? load_dir(cfg, path) : load_file(cfg, path);
}

/* ------------------------------------------------------------- finish */

int cfg_finish(struct cfg *cfg)
{
	struct cfg_parser *p = parser_of(cfg);
	for (int t = 0; cfg_kw_tables[t]; t++)
		if (cfg_kw_tables[t]->finish)
			cfg_kw_tables[t]->finish(cfg);
	/* a later load into the same model starts a fresh section machine */
	memset(p, 0, sizeof(*p));
	return cfg->nalerts;
}
