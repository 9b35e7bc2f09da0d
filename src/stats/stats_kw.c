/*
 * Keywords of the stats subsystem: the global `stats socket|timeout|
 * maxconn|bind-process` (the runtime API socket served by the stats
 * process) and the proxy `stats ...` keywords of the HTML stats page.
 * Runs in the master at load time; fills cfg_global.stats_sockets and
 * proxy_conf.stats (cfg-t.h). As in HAProxy, every proxy `stats` keyword
 * also enables the page.
 */
#include <stddef.h>
#include <string.h>

#include "weir/acl.h"
#include "weir/bind.h"
#include "weir/kwtables.h"
#include "weir/stats.h"

#define G(f) offsetof(struct cfg_global, f)
#define S(f) offsetof(struct proxy_conf, stats.f)

static const char *px_kind(const struct proxy_conf *px)
{
	if (px->cap & PX_CAP_DEF)
		return "defaults";
	if ((px->cap & (PX_CAP_FE | PX_CAP_BE)) == (PX_CAP_FE | PX_CAP_BE))
		return "proxy";
	return (px->cap & PX_CAP_FE) ? "frontend" : "backend";
}

/* ------------------------------------------------------------ global */

static int parse_stats_socket(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc < 1) {
		cfg_alert(ctx, "'stats socket' in global section expects an address or a path to a "
			  "UNIX socket (e.g. 'stats socket /run/weir/admin.sock mode 660 level admin').");
		return -1;
	}
	return bind_parse_line(ctx, argc, argv, 1, &ctx->cfg->global.stats_sockets);
}

static void dump_stats_socket(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	const struct bind_conf *b;
	VEC_EACH(&g->stats_sockets, const struct bind_conf *, b)
		cfg_emitw(em, "stats socket", &b->src, 0);
}

static int parse_stats_bind_process(struct cfg_ctx *ctx, int argc, char **argv)
{
	cfg_notice(ctx, "'stats bind-process' is ignored: weir serves the stats socket from its "
		   "own stats process.");
	return 0;
}

/* ------------------------------------------------------------ proxies */

static struct stats_conf *stats_of(struct cfg_ctx *ctx)
{
	ctx->px->stats.enabled = 1;
	return &ctx->px->stats;
}

static int parse_stats_enable(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 0) < 0)
		return -1;
	stats_of(ctx);
	return 0;
}

/* uri, realm: one word (spaces escaped, as HAProxy requires). */
static int parse_stats_str(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc != 1) {
		cfg_alert(ctx, "'%s' expects exactly one argument%s.", ctx->kw,
			  argc > 1 ? " (escape the spaces: 'stats realm HAProxy\\ Statistics' or quote it)" : "");
		return -1;
	}
	stats_of(ctx);
	return cfg_set_str(ctx, argc, argv);
}

static int parse_stats_refresh(struct cfg_ctx *ctx, int argc, char **argv)
{
	stats_of(ctx);
	return cfg_set_time(ctx, argc, argv);
}

static int parse_stats_flag(struct cfg_ctx *ctx, int argc, char **argv)
{
	stats_of(ctx);
	return cfg_set_flag(ctx, argc, argv);
}

static int parse_stats_auth(struct cfg_ctx *ctx, int argc, char **argv)
{
	const char *colon = argc == 1 ? strchr(argv[0], ':') : NULL;
	if (argc != 1) {
		cfg_alert(ctx, "'stats auth' needs a user:password account.");
		return -1;
	}
	if (!colon || colon == argv[0]) {
		cfg_alert(ctx, "'stats auth' : '%s' is not a user:password account (the colon is "
			  "required, e.g. 'stats auth admin:secret').", argv[0]);
		return -1;
	}
	struct stats_auth *a = arena_alloc(ctx->arena, sizeof(*a));
	a->user = arena_strndup(ctx->arena, argv[0], (size_t)(colon - argv[0]));
	a->pass = arena_strdup(ctx->arena, colon + 1);
	vec_push(ctx->arena, &stats_of(ctx)->auths, a);
	return 0;
}

/* Conditions and rules are evaluated per request: not in `defaults`. */
static int not_in_defaults(struct cfg_ctx *ctx)
{
	if (!(ctx->px->cap & PX_CAP_DEF))
		return 0;
	cfg_alert(ctx, "'%s' not allowed in 'defaults' section.", ctx->kw);
	return -1;
}

static int parse_stats_admin(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (not_in_defaults(ctx) < 0)
		return -1;
	if (argc < 2 || (strcmp(argv[0], "if") != 0 && strcmp(argv[0], "unless") != 0)) {
		cfg_alert(ctx, "'stats admin' requires either 'if' or 'unless' followed by a condition "
			  "(e.g. 'stats admin if LOCALHOST').");
		return -1;
	}
	struct acl_cond *cond = acl_cond_parse(ctx, argc, argv, SMP_AT_HTTP_REQ);
	if (!cond)
		return -1;
	vec_push(ctx->arena, &stats_of(ctx)->admin_conds, cond);
	return 0;
}

static int parse_stats_http_request(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (not_in_defaults(ctx) < 0)
		return -1;
	if (argc < 1) {
		cfg_alert(ctx, "'stats http-request' requires an action (allow, deny or auth).");
		return -1;
	}
	struct cfg_words *w = arena_alloc(ctx->arena, sizeof(*w));
	*w = cfg_words_dup(ctx->arena, argc, argv);
	vec_push(ctx->arena, &stats_of(ctx)->http_rules, w);
	return 0;
}

/* show-node [name], show-desc [text]: the optional word replaces the
 * node's name or description. */
static int parse_stats_show(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 1) < 0)
		return -1;
	struct stats_conf *s = stats_of(ctx);
	char *v = arena_strdup(ctx->arena, argc ? argv[0] : "");
	if (strcmp(ctx->kw, "stats show-node") == 0) {
		s->show_node = v;
	} else {
		s->show_desc_set = 1;
		s->show_desc = argc ? v : NULL;
	}
	return 0;
}

static int parse_stats_scope(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc != 1) {
		cfg_alert(ctx, "'stats scope' needs a proxy name ('.' for this one).");
		return -1;
	}
	struct stats_conf *s = stats_of(ctx);
	s->scope_set = 1;
	vec_push(ctx->arena, &s->scopes, arena_strdup(ctx->arena, argv[0]));
	return 0;
}

/* ------------------------------------------------------------ dumps */

static const struct stats_conf *base_stats(const struct cfg_kw *kw, const void *obj)
{
	return &((const struct proxy_conf *)cfg_dump_base(kw, obj))->stats;
}

/* The items of a list that the proxy added to what it inherited. */
static int own_from(const struct vec *v, const struct vec *base)
{
	int i = 0;
	while (i < base->n && i < v->n && v->v[i] == base->v[i])
		i++;
	return i == base->n ? i : 0;
}

static void dump_stats_enable(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	if (px->stats.enabled && !base_stats(kw, obj)->enabled)
		cfg_emitv(em, "stats enable", NULL);
}

static void dump_stats_auth(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct stats_conf *s = &((const struct proxy_conf *)obj)->stats;
	for (int i = own_from(&s->auths, &base_stats(kw, obj)->auths); i < s->auths.n; i++) {
		const struct stats_auth *a = s->auths.v[i];
		cfg_emitv(em, "stats auth", arena_printf(em->tmp, "%s:%s", a->user, a->pass), NULL);
	}
}

static void dump_stats_admin(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct stats_conf *s = &((const struct proxy_conf *)obj)->stats;
	for (int i = own_from(&s->admin_conds, &base_stats(kw, obj)->admin_conds);
	     i < s->admin_conds.n; i++)
		cfg_emitw(em, "stats admin", acl_cond_words(s->admin_conds.v[i]), 0);
}

static void dump_stats_http_request(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct stats_conf *s = &((const struct proxy_conf *)obj)->stats;
	for (int i = own_from(&s->http_rules, &base_stats(kw, obj)->http_rules);
	     i < s->http_rules.n; i++)
		cfg_emitw(em, "stats http-request", s->http_rules.v[i], 0);
}

static void dump_stats_show(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct stats_conf *s = &((const struct proxy_conf *)obj)->stats;
	const struct stats_conf *b = base_stats(kw, obj);
	if (strcmp(kw->name, "stats show-node") == 0) {
		if (s->show_node && s->show_node != b->show_node)
			cfg_emitv(em, kw->name, *s->show_node ? s->show_node : NULL, NULL);
	} else if (s->show_desc_set && (s->show_desc_set != b->show_desc_set ||
					 s->show_desc != b->show_desc)) {
		cfg_emitv(em, kw->name, s->show_desc, NULL);
	}
}

static void dump_stats_scope(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct stats_conf *s = &((const struct proxy_conf *)obj)->stats;
	for (int i = own_from(&s->scopes, &base_stats(kw, obj)->scopes); i < s->scopes.n; i++)
		cfg_emitv(em, "stats scope", (const char *)s->scopes.v[i], NULL);
}

/* ------------------------------------------------------------ finish */

/* The stats page is HTTP: HAProxy ignores it elsewhere, with a warning. */
static void stats_finish(struct cfg *cfg)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px)
		if (px->stats.enabled && px->mode != PX_MODE_HTTP && !px->disabled)
			cfg_diag_at(cfg, CFG_WARNING, NULL,
				    "'stats' statement ignored for %s '%s' as it requires HTTP mode.",
				    px_kind(px), px->name);
}

int stats_admin_configured(const struct cfg *cfg)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px)
		if (px->stats.admin_conds.n && px->mode == PX_MODE_HTTP && !px->disabled)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ table */

#define PXS CFG_SEC_PX

static const struct cfg_kw stats_kws[] = {
	{ "stats socket", CFG_SEC_GLOBAL, parse_stats_socket, dump_stats_socket,
	  "<address> [mode <mode>] [level user|operator|admin] [expose-fd listeners] [user <u>] "
	  "[group <g>] [uid <n>] [gid <n>]",
	  "the runtime API socket (show stat, set server, ...)", 0 },
	{ "stats timeout", CFG_SEC_GLOBAL, cfg_set_time, cfg_dump_time, "<time>",
	  "idle timeout of runtime API connections (default 10s)", G(stats_timeout) },
	{ "stats maxconn", CFG_SEC_GLOBAL, cfg_set_int, cfg_dump_int, "<number>",
	  "maximum concurrent runtime API connections", G(stats_maxconn) },
	{ "stats bind-process", CFG_SEC_GLOBAL, parse_stats_bind_process, NULL, "<process>...",
	  "accepted for old configurations; ignored", 0 },
	{ "stats enable", PXS, parse_stats_enable, dump_stats_enable, "",
	  "serve the HTML stats page on this proxy", 0 },
	{ "stats uri", PXS, parse_stats_str, cfg_dump_str, "<prefix>",
	  "URI prefix of the stats page (default /haproxy?stats)", S(uri) },
	{ "stats realm", PXS, parse_stats_str, cfg_dump_str, "<realm>",
	  "HTTP authentication realm of the stats page", S(realm) },
	{ "stats refresh", PXS, parse_stats_refresh, cfg_dump_time, "<time>",
	  "automatic refresh period of the stats page", S(refresh) },
	{ "stats auth", PXS, parse_stats_auth, dump_stats_auth, "<user>:<password>",
	  "an account allowed to see the stats page", 0 },
	{ "stats admin", PXS, parse_stats_admin, dump_stats_admin, "{if|unless} <condition>",
	  "allow server administration from the stats page when the condition holds", 0 },
	{ "stats http-request", PXS, parse_stats_http_request, dump_stats_http_request,
	  "{allow|deny|auth [realm <realm>]} [{if|unless} <condition>]",
	  "access rules of the stats page", 0 },
	{ "stats show-legends", PXS, parse_stats_flag, cfg_dump_flag, "",
	  "show extra information (legends, server addresses) on the stats page", S(show_legends) },
	{ "stats show-node", PXS, parse_stats_show, dump_stats_show, "[<name>]",
	  "show the node name on the stats page", 0 },
	{ "stats show-desc", PXS, parse_stats_show, dump_stats_show, "[<description>]",
	  "show the node description on the stats page", 0 },
	{ "stats hide-version", PXS, parse_stats_flag, cfg_dump_flag, "",
	  "hide the version on the stats page", S(hide_version) },
	{ "stats scope", PXS, parse_stats_scope, dump_stats_scope, "{<proxy>|.}",
	  "limit the stats page to these proxies", 0 },
};

const struct cfg_kw_table stats_kw_table = { "stats", stats_kws, (int)ARRAY_SIZE(stats_kws),
					     stats_finish };
