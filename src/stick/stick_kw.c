/*
 * Keywords of the stick-table subsystem: `stick-table` and the `stick
 * on|match|store-request|store-response` rules. Runs in the master at load
 * time; fills proxy_conf.table and proxy_conf.stick_rules (stick-t.h).
 * The finish hook resolves `table <name>` references and warns about
 * `sc_*` fetches reading data their table does not store: such a fetch
 * always returns 0, a mistake HAProxy lets through silently.
 */
#include <ctype.h>
#include <string.h>

#include "weir/acl.h"
#include "weir/kwtables.h"
#include "weir/sample.h"
#include "weir/stick.h"

static const char *px_kind(const struct proxy_conf *px)
{
	if (px->cap & PX_CAP_DEF)
		return "defaults";
	if ((px->cap & (PX_CAP_FE | PX_CAP_BE)) == (PX_CAP_FE | PX_CAP_BE))
		return "proxy";
	return (px->cap & PX_CAP_FE) ? "frontend" : "backend";
}

struct stick_table_conf *stick_table_find(const struct cfg *cfg, const char *name)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px)
		if (px->table && strcmp(px->table->name, name) == 0)
			return px->table;
	return NULL;
}

/* ------------------------------------------------------------ stick-table */

static int parse_stick_table(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct proxy_conf *px = ctx->px;
	if (px->cap & PX_CAP_DEF) {
		cfg_alert(ctx, "'stick-table' is not supported in 'defaults' section.");
		return -1;
	}
	const struct stick_table_conf *other = stick_table_find(ctx->cfg, px->name);
	if (other) {
		cfg_alert(ctx, "stick-table name '%s' conflicts with table declared in %s '%s' at %s:%d. "
			  "A proxy holds one table: declare the second one in its own 'backend <name>' "
			  "section holding only the 'stick-table' line, and refer to it with "
			  "'table <name>' (e.g. 'http-request track-sc1 ... table <name>').",
			  px->name, other->owner_kind, other->name, other->loc.file, other->loc.line);
		return -1;
	}
	struct stick_table_conf *t = arena_alloc(ctx->arena, sizeof(*t));
	if (stick_table_parse(ctx, argc, argv, t) < 0)
		return -1;
	t->name = px->name;
	t->owner_kind = px_kind(px);
	px->table = t;
	return 0;
}

static void dump_stick_table(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	if (px->table)
		cfg_emitw(em, "stick-table", &px->table->src, 0);
}

/* ------------------------------------------------------------ stick rules */

static const char *const rule_kw[] = {
	[STICK_ON] = "stick on", [STICK_MATCH] = "stick match",
	[STICK_STORE_REQ] = "stick store-request", [STICK_STORE_RES] = "stick store-response",
};

static enum stick_rule_kind rule_kind_of(const char *kw)
{
	for (int k = 0; k < (int)ARRAY_SIZE(rule_kw); k++)
		if (strcmp(rule_kw[k], kw) == 0)
			return (enum stick_rule_kind)k;
	return STICK_ON;
}

/* `stick` lives in backends: an error in defaults, a warning in a frontend. */
static int stick_allowed(struct cfg_ctx *ctx)
{
	if (ctx->px->cap & PX_CAP_DEF) {
		cfg_alert(ctx, "'%s' not allowed in 'defaults' section.", ctx->kw);
		return -1;
	}
	if (!(ctx->px->cap & PX_CAP_BE)) {
		cfg_warn(ctx, "'%s' ignored because %s '%s' has no backend capability.", ctx->kw,
			 px_kind(ctx->px), ctx->px->name);
		return 0;
	}
	return 1;
}

/* `table <name>` between the pattern and the condition. */
static int parse_rule_options(struct cfg_ctx *ctx, int argc, char **argv, struct stick_rule *r)
{
	for (int i = 0; i < argc; i += 2) {
		if (strcmp(argv[i], "table") != 0) {
			cfg_alert(ctx, "'%s' : unexpected argument '%s' (expected 'table <name>' or "
				  "'if'/'unless' <condition>).", ctx->kw, argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			cfg_alert(ctx, "'%s' : missing table name.", ctx->kw);
			return -1;
		}
		r->table = arena_strdup(ctx->arena, argv[i + 1]);
	}
	return 0;
}

static int parse_stick_rule(struct cfg_ctx *ctx, int argc, char **argv)
{
	enum stick_rule_kind kind = rule_kind_of(ctx->kw);
	unsigned where = kind == STICK_STORE_RES ? (SMP_AT_HTTP_RES | SMP_AT_TCP_RES)
			 : (SMP_AT_HTTP_REQ | SMP_AT_TCP_REQ);
	char err[400] = "";
	if (argc < 1 || strcmp(argv[0], "if") == 0 || strcmp(argv[0], "unless") == 0) {
		cfg_alert(ctx, "'%s' : missing fetch method (e.g. '%s src').", ctx->kw, ctx->kw);
		return -1;
	}
	int ok = stick_allowed(ctx);
	if (ok <= 0)
		return ok;
	struct stick_rule *r = arena_alloc(ctx->arena, sizeof(*r));
	r->loc = ctx->loc;
	r->kind = kind;
	r->expr = sample_expr_parse(ctx, argv[0], where, err, sizeof(err));
	if (!r->expr) {
		cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
		return -1;
	}
	int c = acl_cond_start(argc, argv);
	if (parse_rule_options(ctx, c - 1, argv + 1, r) < 0)
		return -1;
	if (c < argc && !(r->cond = acl_cond_parse(ctx, argc - c, argv + c, where)))
		return -1;
	r->src = cfg_words_dup(ctx->arena, ctx->line.n, ctx->line.w);
	vec_push(ctx->arena, &ctx->px->stick_rules, r);
	return 0;
}

/* Every stick rule, in order (the order is the matching order). */
static void dump_stick_rules(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct stick_rule *r;
	VEC_EACH(&px->stick_rules, const struct stick_rule *, r)
		cfg_emitw(em, rule_kw[r->kind], &r->src, 2);
}

/* ------------------------------------------------------------ finish */

static void resolve_stick_rules(struct cfg *cfg, const struct proxy_conf *px)
{
	const struct stick_rule *r;
	VEC_EACH(&px->stick_rules, const struct stick_rule *, r) {
		const char *name = r->table ? r->table : px->name;
		if (!stick_table_find(cfg, name))
			cfg_diag_at(cfg, CFG_ALERT, &r->loc, "Proxy '%s': unable to find stick-table '%s'.%s",
				    px->name, name, r->table ? "" :
				    " Declare one in this backend ('stick-table type ip size 100k ...') "
				    "or name another with 'table <name>'.");
	}
}

/*
 * The sc_* check. A fetch names a data type and a tracking counter:
 * `sc_http_req_rate(1)`, `sc1_http_req_rate`, optionally with a table
 * (`sc_http_req_rate(1,per_ip)`). The counter is tracked by a `track-scN`
 * rule of the same proxy, whose table is its `table` argument or the
 * proxy's own. Source words are scanned, which keeps this check free of
 * any knowledge of the rule and ACL structures.
 */
struct sc_track {
	const char *table[3];        /* table tracked by sc0..sc2, NULL: unknown */
};

/* Fetch-name suffixes that read a data type other than their own name. */
static const char *sc_data_of(const char *fn)
{
	static const struct { const char *fetch, *data; } alias[] = {
		{ "kbytes_in", "bytes_in_cnt" }, { "kbytes_out", "bytes_out_cnt" },
		{ "get_gpc0", "gpc0" }, { "inc_gpc0", "gpc0" }, { "clr_gpc0", "gpc0" },
		{ "get_gpc1", "gpc1" }, { "inc_gpc1", "gpc1" }, { "clr_gpc1", "gpc1" },
		{ "get_gpt0", "gpt0" }, { "get_gpc", "gpc" }, { "inc_gpc", "gpc" },
		{ "clr_gpc", "gpc" }, { "get_gpt", "gpt" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(alias); i++)
		if (strcmp(alias[i].fetch, fn) == 0)
			return alias[i].data;
	return stick_data_find(fn) >= 0 ? fn : NULL;
}

static void note_tracking(struct sc_track *tr, const struct cfg_words *w, const char *own)
{
	for (int i = 0; i < w->n; i++) {
		const char *s = w->w[i];
		if (strncmp(s, "track-sc", 8) != 0 || !isdigit((unsigned char)s[8]) || s[9])
			continue;
		int n = s[8] - '0';
		if (n > 2)
			continue;
		tr->table[n] = own;
		for (int j = i + 2; j + 1 < w->n; j++)
			if (strcmp(w->w[j], "table") == 0)
				tr->table[n] = w->w[j + 1];
	}
}

/* Parses a fetch word into data type, counter and explicit table. */
static int sc_fetch_parse(struct arena *a, const char *s, const char **data, int *ctr,
			  const char **table)
{
	const char *p, *args = NULL;
	*table = NULL;
	if (strncmp(s, "sc_", 3) == 0) {
		p = s + 3;
		*ctr = -1;
	} else if (strncmp(s, "sc", 2) == 0 && s[2] >= '0' && s[2] <= '2' && s[3] == '_') {
		p = s + 4;
		*ctr = s[2] - '0';
	} else {
		return -1;
	}
	size_t len = strcspn(p, "(, ");
	if (p[len] == '(')
		args = p + len + 1;
	*data = sc_data_of(arena_strndup(a, p, len));
	if (!*data)
		return -1;
	if (*ctr < 0) {
		if (!args || !isdigit((unsigned char)*args))
			return -1;
		*ctr = *args - '0';
		args = args[1] == ',' ? args + 2 : NULL;
	}
	if (args && *args && *args != ')')
		*table = arena_strndup(a, args, strcspn(args, ",)"));
	return *ctr <= 2 ? 0 : -1;
}

static void check_sc_word(struct cfg *cfg, const struct proxy_conf *px, const struct sc_track *tr,
			  const char *word)
{
	const char *data, *tname;
	int ctr;
	if (sc_fetch_parse(cfg->arena, word, &data, &ctr, &tname) < 0)
		return;
	if (!tname)
		tname = tr->table[ctr];
	const struct stick_table_conf *t = tname ? stick_table_find(cfg, tname) : NULL;
	if (!t || stick_table_stores(t, data))
		return;
	cfg_diag_at(cfg, CFG_WARNING, &t->loc,
		    "%s '%s': '%s' reads '%s' from table '%s', which does not store it: the fetch "
		    "always returns 0 and the rule never matches. Add '%s%s' to the 'store' list of "
		    "the 'stick-table' declared here.", px_kind(px), px->name, word, data, t->name,
		    data, stick_data_is_rate((enum stick_data)stick_data_find(data)) ? "(<period>)" : "");
}

static void check_sc_fetches(struct cfg *cfg, const struct proxy_conf *px)
{
	struct sc_track tr = { { NULL, NULL, NULL } };
	const struct cfg_words *w;
	VEC_EACH(&px->src_lines, const struct cfg_words *, w)
		note_tracking(&tr, w, px->name);
	VEC_EACH(&px->src_lines, const struct cfg_words *, w)
		for (int i = 0; i < w->n; i++)
			if (strncmp(w->w[i], "sc", 2) == 0)
				check_sc_word(cfg, px, &tr, w->w[i]);
}

static void stick_finish(struct cfg *cfg)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		resolve_stick_rules(cfg, px);
		check_sc_fetches(cfg, px);
	}
	/* TODO: resolve `peers <name>` once peers sections are parsed. */
}

/* ------------------------------------------------------------ table */

static const struct cfg_kw stick_kws[] = {
	{ "stick-table", CFG_SEC_PX, parse_stick_table, dump_stick_table,
	  "type {ip|ipv6|integer|string [len <n>]|binary [len <n>]} size <n>[k|m|g] "
	  "[expire <time>] [nopurge] [peers <name>] [srvkey name|addr] [store <data>[,<data>]...]",
	  "declare this proxy's stick table (named after the proxy)", 0 },
	{ "stick on", CFG_SEC_PX, parse_stick_rule, dump_stick_rules,
	  "<pattern> [table <name>] [{if|unless} <condition>]",
	  "match and store the request's pattern for persistence", 0 },
	{ "stick match", CFG_SEC_PX, parse_stick_rule, NULL,
	  "<pattern> [table <name>] [{if|unless} <condition>]",
	  "look the request's pattern up for persistence", 0 },
	{ "stick store-request", CFG_SEC_PX, parse_stick_rule, NULL,
	  "<pattern> [table <name>] [{if|unless} <condition>]",
	  "store the request's pattern with the chosen server", 0 },
	{ "stick store-response", CFG_SEC_PX, parse_stick_rule, NULL,
	  "<pattern> [table <name>] [{if|unless} <condition>]",
	  "store the response's pattern with the chosen server", 0 },
};

const struct cfg_kw_table stick_kw_table = { "stick", stick_kws, (int)ARRAY_SIZE(stick_kws),
					     stick_finish };
