/*
 * Keywords of the rules subsystem: `http-request`, `http-response`,
 * `http-after-response`, `tcp-request ...`, `tcp-response ...`,
 * `use_backend`, `default_backend`, `use-server`, `force-persist`,
 * `ignore-persist`, `redirect`, `monitor-uri`, `monitor fail`,
 * `errorfile`, `errorfiles`, `http-error`, `errorloc[302|303]`, and the
 * 2.1-removed directives that now only explain what to write instead. Each rule-list keyword
 * dispatches on its action word through the action table (rule_act.c) and
 * its dump re-emits the whole list in order. Runs in the master.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "weir/acl.h"
#include "weir/kwtables.h"
#include "weir/logfmt.h"
#include "weir/sample.h"
#include "rule-int.h"

/* ------------------------------------------------------------- lists */

static const char *const list_kws[RULE_LIST__COUNT] = {
	[RULE_HTTP_REQ] = "http-request",
	[RULE_HTTP_RES] = "http-response",
	[RULE_HTTP_AFTER] = "http-after-response",
	[RULE_TCP_CONN] = "tcp-request connection",
	[RULE_TCP_SESS] = "tcp-request session",
	[RULE_TCP_CONT] = "tcp-request content",
	[RULE_TCP_RES] = "tcp-response content",
	[RULE_SWITCH] = "use_backend",
	[RULE_SERVER] = "use-server",
	[RULE_REDIRECT] = "redirect",
	[RULE_MONITOR] = "monitor fail",
	[RULE_HTTP_ERROR] = "http-error",
};

const char *rule_list_kw(enum rule_list list)
{
	return list < RULE_LIST__COUNT ? list_kws[list] : "?";
}

const struct vec *rule_list_cvec(const struct proxy_conf *px, enum rule_list list)
{
	return rule_list_vec((struct proxy_conf *)px, list);
}

struct vec *rule_list_vec(struct proxy_conf *px, enum rule_list list)
{
	switch (list) {
	case RULE_HTTP_REQ: return &px->http_req_rules;
	case RULE_HTTP_RES: return &px->http_res_rules;
	case RULE_HTTP_AFTER: return &px->http_after_res_rules;
	case RULE_TCP_CONN: return &px->tcp_req_conn_rules;
	case RULE_TCP_SESS: return &px->tcp_req_sess_rules;
	case RULE_TCP_CONT: return &px->tcp_req_cont_rules;
	case RULE_TCP_RES: return &px->tcp_res_cont_rules;
	case RULE_SWITCH: return &px->switching_rules;
	case RULE_SERVER: return &px->server_rules;
	case RULE_REDIRECT: return &px->redirect_rules;
	case RULE_MONITOR: return &px->monitor_uri;
	case RULE_HTTP_ERROR: return &px->http_errors;
	default: break;
	}
	WEIR_ASSERT(0);
	return NULL;
}

unsigned rule_list_where(const struct cfg_ctx *ctx, enum rule_list list)
{
	switch (list) {
	case RULE_HTTP_REQ: return SMP_AT_HTTP_REQ;
	case RULE_HTTP_RES: return SMP_AT_HTTP_RES;
	case RULE_HTTP_AFTER: return SMP_AT_LOG;
	case RULE_TCP_CONN: return SMP_AT_TCP_CONN;
	case RULE_TCP_SESS: return SMP_AT_TCP_SESS;
	case RULE_TCP_CONT: return SMP_AT_TCP_REQ;
	case RULE_TCP_RES: return SMP_AT_TCP_RES;
	case RULE_SERVER: return SMP_AT_HTTP_REQ | SMP_AT_BACKEND;
	case RULE_HTTP_ERROR: return SMP_AT_HTTP_REQ | SMP_AT_HTTP_RES;
	default: return SMP_AT_HTTP_REQ;
	}
}

int rule_own_start(const struct vec *v, const struct vec *inherited)
{
	int n = 0;
	if (!inherited)
		return 0;
	while (n < inherited->n && n < v->n && v->v[n] == inherited->v[n])
		n++;
	return n;
}

/* ------------------------------------------------------------- rules */

int rule_err(struct rule_pctx *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	return -1;
}

struct rule *rule_new(struct cfg_ctx *ctx, enum rule_list list, enum rule_act act)
{
	struct rule *r = arena_alloc(ctx->arena, sizeof(*r));
	int kwn = 1;
	r->list = list;
	r->act = act;
	r->kw = ctx->kw;
	r->loc = ctx->loc;
	r->src = cfg_words_dup(ctx->arena, ctx->line.n, ctx->line.w);
	for (const char *s = ctx->kw; *s; s++)
		kwn += *s == ' ';
	r->src_from = kwn;
	return r;
}

/* Does list `l` of this proxy hold a rule that counts for the order
 * warnings? (`use-server` shares its list with the persist directives, and
 * `monitor fail` with `monitor-uri`.) */
static int list_has_rules(struct proxy_conf *px, enum rule_list l)
{
	const struct vec *v = rule_list_vec(px, l);
	const struct rule *r;
	VEC_EACH(v, const struct rule *, r)
		if ((l != RULE_SERVER || r->act == ACT_USE_SERVER) &&
		    (l != RULE_MONITOR || r->act == ACT_MONITOR_FAIL))
			return 1;
	return 0;
}

/*
 * HAProxy runs the lists in a fixed order whatever the order of the
 * lines; a rule written after one of a later stage reads as if it ran
 * after it, so HAProxy warns, and so do we (same wording).
 */
static void warn_misplaced(struct cfg_ctx *ctx, enum rule_list list)
{
	static const enum rule_list order[] = {
		RULE_TCP_CONN, RULE_TCP_SESS, RULE_TCP_CONT, RULE_MONITOR, RULE_HTTP_REQ,
		RULE_REDIRECT, RULE_SWITCH, RULE_SERVER,
	};
	size_t i = 0, n = ARRAY_SIZE(order);
	while (i < n && order[i] != list)
		i++;
	/* use_backend and use-server do not order against each other */
	if (list == RULE_SWITCH)
		n--;
	for (size_t j = i + 1; j < n; j++) {
		if (!list_has_rules(ctx->px, order[j]))
			continue;
		const char *later = rule_list_kw(order[j]);
		cfg_warn(ctx, "a '%s' rule placed after %s '%s' rule will still be processed before.",
			 ctx->kw, later[0] == 'h' ? "an" : "a", later);
		return;
	}
}

void rule_append(struct cfg_ctx *ctx, struct rule *r)
{
	if (r->list != RULE_SERVER || r->act == ACT_USE_SERVER)
		if (r->list != RULE_MONITOR || r->act == ACT_MONITOR_FAIL)
			warn_misplaced(ctx, r->list);
	vec_push(ctx->arena, rule_list_vec(ctx->px, r->list), r);
}

/* Rules in `defaults` (HAProxy 2.6): only in a named section, which the
 * proxies must then name with `from` (checked in rule_finish). */
static int defaults_allowed(struct cfg_ctx *ctx)
{
	if (ctx->sec == CFG_SEC_DEFAULTS && (!ctx->px->name || !ctx->px->name[0])) {
		cfg_alert(ctx, "'%s' not allowed in anonymous 'defaults' section. Name the section "
			  "('defaults <name>') and reference it with 'from <name>', or move the rule "
			  "into the frontend or backend.", ctx->kw);
		return -1;
	}
	return 0;
}

static const struct rule_action *find_action(const char *name, enum rule_list list, int *elsewhere)
{
	*elsewhere = 0;
	for (int i = 0; i < rule_nactions; i++) {
		if (strcmp(rule_actions[i].name, name) != 0)
			continue;
		if (rule_actions[i].lists & RULE_LIST_BIT(list))
			return &rule_actions[i];
		*elsewhere = 1;
	}
	return NULL;
}

static int unknown_action(struct cfg_ctx *ctx, enum rule_list list, const char *name, int elsewhere)
{
	struct sbuf b = { 0 };
	const char *best = NULL;
	int bestd = 1000;
	for (int i = 0; i < rule_nactions; i++) {
		if (!(rule_actions[i].lists & RULE_LIST_BIT(list)))
			continue;
		sbuf_printf(&b, "%s'%s'", b.len ? ", " : "", rule_actions[i].name);
		int d = str_distance(name, rule_actions[i].name);
		if (d < bestd) {
			bestd = d;
			best = rule_actions[i].name;
		}
	}
	if (elsewhere)
		cfg_alert(ctx, "'%s %s' is not supported in '%s' rules; '%s' expects %s.", ctx->kw,
			  name, ctx->kw, ctx->kw, sbuf_str(&b));
	else if (best && bestd <= (int)strlen(name) / 3 + 1)
		cfg_alert(ctx, "'%s' expects %s, but got '%s'; did you mean '%s' maybe ?", ctx->kw,
			  sbuf_str(&b), name, best);
	else
		cfg_alert(ctx, "'%s' expects %s, but got '%s'%s.", ctx->kw, sbuf_str(&b), name,
			  *name ? "" : " (missing argument)");
	sbuf_free(&b);
	return -1;
}

static void report_rule_error(struct cfg_ctx *ctx, const char *act, const char *err)
{
	size_t n = strlen(err);
	while (n && err[n - 1] == '.')
		n--;
	cfg_alert(ctx, "error detected in %s '%s' while parsing '%s %s' rule : %.*s.",
		  cfg_section_name(ctx->sec), ctx->px->name ? ctx->px->name : "", ctx->kw, act,
		  (int)n, err);
}

/* Splits "set-var(txn.x)" into "set-var" and "txn.x". */
static int split_action(struct cfg_ctx *ctx, const char *word, char **base, char **inner)
{
	const char *open = strchr(word, '(');
	*inner = NULL;
	if (!open) {
		*base = (char *)word;
		return 0;
	}
	size_t len = strlen(word);
	if (word[len - 1] != ')') {
		cfg_alert(ctx, "'%s %s' : missing closing parenthesis", ctx->kw, word);
		return -1;
	}
	*base = arena_strndup(ctx->arena, word, (size_t)(open - word));
	*inner = arena_strndup(ctx->arena, open + 1, len - (size_t)(open - word) - 2);
	return 0;
}

int rule_parse_line(struct cfg_ctx *ctx, enum rule_list list, int argc, char **argv)
{
	char *base, *inner;
	int elsewhere;
	if (defaults_allowed(ctx) < 0)
		return -1;
	if (argc == 0)
		return unknown_action(ctx, list, "", 0);
	if (split_action(ctx, argv[0], &base, &inner) < 0)
		return -1;
	const struct rule_action *a = find_action(base, list, &elsewhere);
	if (!a)
		return unknown_action(ctx, list, base, elsewhere);
	if (inner && a->paren == PAREN_NO) {
		cfg_alert(ctx, "'%s %s' : '%s' takes no argument between parentheses", ctx->kw,
			  argv[0], base);
		return -1;
	}
	int ci = 1 + acl_cond_start(argc - 1, argv + 1);
	struct rule *r = rule_new(ctx, list, a->act);
	struct rule_pctx p = { .ctx = ctx, .r = r, .act = base, .where = rule_list_where(ctx, list) };
	if (a->parse(&p, ci - 1, argv + 1, inner) < 0) {
		if (p.err[0])
			report_rule_error(ctx, base, p.err);
		return -1;
	}
	if (ci < argc) {
		r->cond = acl_cond_parse(ctx, argc - ci, argv + ci, p.where);
		if (!r->cond)
			return -1;
	}
	rule_append(ctx, r);
	return 0;
}

/* ------------------------------------------------------------- list keywords */

/* Every rule list keyword: the table's `data` names the list. */
static int kw_rule_list(struct cfg_ctx *ctx, int argc, char **argv)
{
	return rule_parse_line(ctx, (enum rule_list)ctx->kw_data, argc, argv);
}

/* `tcp-request foo`: none of the registered sub-keywords matched. */
static int kw_tcp_unknown(struct cfg_ctx *ctx, int argc, char **argv)
{
	static const char *const fe_only[] = { "connection", "session" };
	int res = strcmp(ctx->kw, "tcp-response") == 0;
	for (size_t i = 0; i < ARRAY_SIZE(fe_only) && argc && !res; i++)
		if (strcmp(argv[0], fe_only[i]) == 0) {
			cfg_alert(ctx, "'%s %s' is not allowed in %s '%s': it needs a frontend (use "
				  "'tcp-request content' in a backend)", ctx->kw, argv[0],
				  cfg_section_name(ctx->sec), ctx->px->name ? ctx->px->name : "");
			return -1;
		}
	cfg_alert(ctx, "'%s' expects 'inspect-delay'%s or 'content' in %s '%s' (got '%s')", ctx->kw,
		  res ? "" : ", 'connection', 'session'", cfg_section_name(ctx->sec),
		  ctx->px->name ? ctx->px->name : "", argc ? argv[0] : "");
	return -1;
}

static int kw_inspect_delay(struct cfg_ctx *ctx, int argc, char **argv)
{
	int *field = ctx->kw[4] == 'r' && ctx->kw[5] == 'e' && ctx->kw[6] == 's'
		     ? &ctx->px->tcp_res_inspect_delay : &ctx->px->tcp_req_inspect_delay;
	if (argc != 1) {
		cfg_alert(ctx, "'%s' expects exactly 1 argument <time>", ctx->kw);
		return -1;
	}
	return cfg_arg_time(ctx, argv[0], field);
}

/* ------------------------------------------------------------- switching */

/* A name with a log-format variable is resolved per request (HAProxy 2.6:
 * any '%' makes the name a format). */
static int backend_name(struct cfg_ctx *ctx, struct rule *r, const char *name)
{
	r->name = arena_strdup(ctx->arena, name);
	if (!strchr(name, '%'))
		return 0;
	r->dynamic = 1;
	r->text = r->name;
	r->fmt = logfmt_compile(ctx, name, rule_list_where(ctx, r->list));
	return r->fmt ? 0 : -1;
}

/* `<kw> <name> [if|unless <cond>]` for use_backend and use-server. */
static int kw_target_rule(struct cfg_ctx *ctx, int argc, char **argv, enum rule_list list,
			  enum rule_act act, int cond_required)
{
	int ci = acl_cond_start(argc, argv);
	if (ci != 1 || (cond_required && ci == argc)) {
		cfg_alert(ctx, "'%s' expects a %s name%s%s", ctx->kw,
			  list == RULE_SWITCH ? "backend" : "server",
			  cond_required ? " followed by 'if' or 'unless' <condition>"
					: " optionally followed by 'if' or 'unless' <condition>",
			  ci > 1 ? " (too many arguments)" : "");
		return -1;
	}
	struct rule *r = rule_new(ctx, list, act);
	if (backend_name(ctx, r, argv[0]) < 0)
		return -1;
	if (ci < argc) {
		r->cond = acl_cond_parse(ctx, argc - ci, argv + ci, rule_list_where(ctx, list));
		if (!r->cond)
			return -1;
	}
	rule_append(ctx, r);
	return 0;
}

static int kw_use_backend(struct cfg_ctx *ctx, int argc, char **argv)
{
	return kw_target_rule(ctx, argc, argv, RULE_SWITCH, ACT_USE_BACKEND, 0);
}

static int kw_use_server(struct cfg_ctx *ctx, int argc, char **argv)
{
	return kw_target_rule(ctx, argc, argv, RULE_SERVER, ACT_USE_SERVER, 1);
}

static int kw_default_backend(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc != 1) {
		cfg_alert(ctx, "'%s' expects exactly 1 argument <backend name>", ctx->kw);
		return -1;
	}
	if (ctx->px->default_backend && ctx->sec != CFG_SEC_DEFAULTS &&
	    (!ctx->px->defaults || ctx->px->default_backend != ctx->px->defaults->default_backend))
		cfg_warn(ctx, "'%s' : overriding the previous default backend '%s' with '%s'.",
			 ctx->kw, ctx->px->default_backend, argv[0]);
	ctx->px->default_backend = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

/* force-persist / ignore-persist / monitor fail: a condition is mandatory. */
static int kw_cond_only(struct cfg_ctx *ctx, int argc, char **argv, enum rule_list list,
			enum rule_act act)
{
	if (argc < 2 || acl_cond_start(argc, argv) != 0) {
		cfg_alert(ctx, "'%s' requires either 'if' or 'unless' followed by a condition.",
			  ctx->kw);
		return -1;
	}
	struct rule *r = rule_new(ctx, list, act);
	r->cond = acl_cond_parse(ctx, argc, argv, rule_list_where(ctx, list));
	if (!r->cond)
		return -1;
	rule_append(ctx, r);
	return 0;
}

static int kw_force_persist(struct cfg_ctx *ctx, int argc, char **argv)
{
	return kw_cond_only(ctx, argc, argv, RULE_SERVER, ACT_FORCE_PERSIST);
}

static int kw_ignore_persist(struct cfg_ctx *ctx, int argc, char **argv)
{
	return kw_cond_only(ctx, argc, argv, RULE_SERVER, ACT_IGNORE_PERSIST);
}

static int kw_monitor_fail(struct cfg_ctx *ctx, int argc, char **argv)
{
	return kw_cond_only(ctx, argc, argv, RULE_MONITOR, ACT_MONITOR_FAIL);
}

static int kw_monitor_uri(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc != 1 || argv[0][0] != '/') {
		cfg_alert(ctx, "'%s' expects exactly 1 argument <uri> starting with '/'", ctx->kw);
		return -1;
	}
	struct rule *r = rule_new(ctx, RULE_MONITOR, ACT_MONITOR_URI);
	r->name = arena_strdup(ctx->arena, argv[0]);
	rule_append(ctx, r);
	return 0;
}

/* `monitor-uri` is inherited from defaults (HAProxy copies it); the
 * proxy's list only holds its own lines, so look up the chain. */
const char *rule_monitor_uri(const struct proxy_conf *px)
{
	for (; px; px = px->defaults) {
		const char *uri = NULL;
		const struct rule *r;
		VEC_EACH(&px->monitor_uri, const struct rule *, r)
			if (r->act == ACT_MONITOR_URI)
				uri = r->name;
		if (uri)
			return uri;
	}
	return NULL;
}

static int kw_redirect(struct cfg_ctx *ctx, int argc, char **argv)
{
	int ci = acl_cond_start(argc, argv);
	struct rule *r = rule_new(ctx, RULE_REDIRECT, ACT_REDIRECT);
	struct rule_pctx p = { .ctx = ctx, .r = r, .act = "redirect",
			       .where = rule_list_where(ctx, RULE_REDIRECT) };
	r->redir = rule_parse_redirect(&p, ci, argv);
	if (!r->redir) {
		if (p.err[0])
			cfg_alert(ctx, "error detected in %s '%s' while parsing redirect rule : %s.",
				  cfg_section_name(ctx->sec), ctx->px->name ? ctx->px->name : "", p.err);
		return -1;
	}
	if (ci < argc) {
		r->cond = acl_cond_parse(ctx, argc - ci, argv + ci, p.where);
		if (!r->cond)
			return -1;
	}
	rule_append(ctx, r);
	return 0;
}

/* Directives HAProxy 2.1 removed; 2.6 names the replacement. */
static int kw_removed(struct cfg_ctx *ctx, int argc, char **argv)
{
	cfg_alert(ctx, "The '%s' directive is not supported anymore since HAProxy 2.1. %s",
		  ctx->kw, (const char *)ctx->kw_data);
	return -1;
}

/* ------------------------------------------------------------- dumps */

static void dump_rules(struct cfg_emit *em, const struct proxy_conf *px, enum rule_list list,
		       int only_act)
{
	const struct vec *v = rule_list_cvec(px, list);
	const struct vec *inh = px->defaults ? rule_list_cvec(px->defaults, list) : NULL;
	for (int i = rule_own_start(v, inh); i < v->n; i++) {
		const struct rule *r = v->v[i];
		if (only_act && (int)r->act != only_act)
			continue;
		cfg_emitw(em, r->kw, &r->src, r->src_from);
	}
}

static void dump_list(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	dump_rules(em, obj, (enum rule_list)kw->data, 0);
}

static void dump_monitor_uri(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	dump_rules(em, obj, RULE_MONITOR, ACT_MONITOR_URI);
}

static void dump_monitor_fail(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	dump_rules(em, obj, RULE_MONITOR, ACT_MONITOR_FAIL);
}

static void dump_inspect_delay(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	int res = kw->name[4] == 'r' && kw->name[5] == 'e' && kw->name[6] == 's';
	int v = res ? px->tcp_res_inspect_delay : px->tcp_req_inspect_delay;
	int inh = !px->defaults ? TIME_UNSET
		  : res ? px->defaults->tcp_res_inspect_delay : px->defaults->tcp_req_inspect_delay;
	if (v != TIME_UNSET && (v != inh || !px->defaults))
		cfg_emitv(em, kw->name, cfg_time_str(em, v), NULL);
}

static void dump_default_backend(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	if (px->default_backend &&
	    (!px->defaults || px->default_backend != px->defaults->default_backend))
		cfg_emitv(em, kw->name, px->default_backend, NULL);
}

/* ------------------------------------------------------------- the table */

#define SEC_PX CFG_SEC_PX
#define SEC_FE CFG_SEC_FE_ONLY
#define SEC_BE CFG_SEC_BE_ONLY
#define SEC_FE_DEF (CFG_SEC_DEFAULTS | CFG_SEC_FE_ONLY)
#define SEC_BE_DEF (CFG_SEC_DEFAULTS | CFG_SEC_BE_ONLY)
#define SEC_PROXY (CFG_SEC_FRONTEND | CFG_SEC_BACKEND | CFG_SEC_LISTEN)

static const struct cfg_kw rule_kws[] = {
	/* in the order HAProxy evaluates them, so a dump reloads without
	 * "will still be processed before" warnings */
	{ "tcp-request", SEC_PX, kw_tcp_unknown, NULL, "connection|session|content|inspect-delay ...",
	  "layer 4 request rules (see the forms below)", 0 },
	{ "tcp-request connection", SEC_FE_DEF, kw_rule_list, dump_list, "<action> [options...] [if|unless <condition>]",
	  "a rule evaluated when a connection is accepted", RULE_TCP_CONN },
	{ "tcp-request session", SEC_FE_DEF, kw_rule_list, dump_list, "<action> [options...] [if|unless <condition>]",
	  "a rule evaluated once the session is set up (after the TLS handshake)", RULE_TCP_SESS },
	{ "tcp-request content", SEC_PX, kw_rule_list, dump_list, "<action> [options...] [if|unless <condition>]",
	  "a rule evaluated on the request contents, during inspect-delay", RULE_TCP_CONT },
	{ "tcp-request inspect-delay", SEC_PX, kw_inspect_delay, dump_inspect_delay, "<time>",
	  "how long tcp-request content rules may wait for data", 0 },
	{ "tcp-response", SEC_BE_DEF, kw_tcp_unknown, NULL, "content|inspect-delay ...",
	  "layer 4 response rules (see the forms below)", 0 },
	{ "tcp-response content", SEC_BE_DEF, kw_rule_list, dump_list, "<action> [options...] [if|unless <condition>]",
	  "a rule evaluated on the response contents, during inspect-delay", RULE_TCP_RES },
	{ "tcp-response inspect-delay", SEC_BE_DEF, kw_inspect_delay, dump_inspect_delay, "<time>",
	  "how long tcp-response content rules may wait for data", 0 },
	{ "monitor-uri", SEC_FE_DEF, kw_monitor_uri, dump_monitor_uri, "<uri>",
	  "answer 200 (or 503 on 'monitor fail') to requests for this URI, for external monitors", 0 },
	{ "monitor fail", SEC_FE, kw_monitor_fail, dump_monitor_fail, "if|unless <condition>",
	  "make monitor-uri answer 503 when the condition matches", 0 },
	{ "http-request", SEC_PX, kw_rule_list, dump_list, "<action> [options...] [if|unless <condition>]",
	  "a rule evaluated on each HTTP request (see the actions below)", RULE_HTTP_REQ },
	{ "http-response", SEC_PX, kw_rule_list, dump_list, "<action> [options...] [if|unless <condition>]",
	  "a rule evaluated on each HTTP response", RULE_HTTP_RES },
	{ "http-after-response", SEC_PX, kw_rule_list, dump_list, "<action> [options...] [if|unless <condition>]",
	  "a rule evaluated on every response, including the ones weir generates", RULE_HTTP_AFTER },
	{ "redirect", SEC_PROXY, kw_redirect, dump_list,
	  "location|prefix|scheme <to> [code <code>] [options...] [if|unless <condition>]",
	  "answer with an HTTP redirect (evaluated after the http-request rules)", RULE_REDIRECT },
	{ "use_backend", SEC_FE, kw_use_backend, dump_list, "<backend> [if|unless <condition>]",
	  "switch to a backend when the condition matches; the name may be a log-format", RULE_SWITCH },
	{ "default_backend", SEC_FE_DEF, kw_default_backend, dump_default_backend, "<backend>",
	  "the backend used when no use_backend rule matches", 0 },
	{ "use-server", SEC_BE, kw_use_server, dump_list, "<server> if|unless <condition>",
	  "send to this server when the condition matches", RULE_SERVER },
	{ "force-persist", SEC_PROXY, kw_force_persist, NULL, "if|unless <condition>",
	  "keep persistence to a down or maintenance server when the condition matches", 0 },
	{ "ignore-persist", SEC_PROXY, kw_ignore_persist, NULL, "if|unless <condition>",
	  "ignore cookie or stick persistence when the condition matches", 0 },
	/* one dump for the error keywords: their order is their meaning */
	{ "errorfile", SEC_PX, rule_kw_errorfile, rule_dump_error_decls, "<code> <file>",
	  "send this raw HTTP response file instead of the built-in error page", 0 },
	{ "errorfiles", SEC_PX, rule_kw_errorfiles, NULL, "<name> [<code> ...]",
	  "import the error pages of an http-errors section", 0 },
	{ "errorloc", SEC_PX, rule_kw_errorloc, NULL, "<code> <url>",
	  "answer a 302 redirect to this url instead of the error page", 0 },
	{ "errorloc302", SEC_PX, rule_kw_errorloc, NULL, "<code> <url>",
	  "answer a 302 redirect to this url instead of the error page", 0 },
	{ "errorloc303", SEC_PX, rule_kw_errorloc, NULL, "<code> <url>",
	  "answer a 303 redirect to this url instead of the error page (the client "
	  "follows it with GET)", 0 },
	{ "http-error", SEC_PX, rule_kw_http_error, NULL,
	  "status <code> [content-type <type>] [payload options...] [hdr <name> <fmt>]*",
	  "define the reply weir sends for an error status", RULE_HTTP_ERROR },
	{ "block", SEC_PROXY, kw_removed, NULL, "", "removed in HAProxy 2.1: use 'http-request deny'",
	  (uintptr_t)"Use 'http-request deny' which uses the exact same syntax." },
	{ "reqadd", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-request add-header' instead." },
	{ "reqdel", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-request del-header' instead." },
	{ "reqrep", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-request replace-header' instead." },
	{ "reqirep", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-request replace-header' instead." },
	{ "reqdeny", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-request deny' instead." },
	{ "reqallow", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-request allow' instead." },
	{ "reqtarpit", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-request tarpit' instead." },
	{ "rspadd", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-response add-header' instead." },
	{ "rspdel", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-response del-header' instead." },
	{ "rsprep", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-response replace-header' instead." },
	{ "rspirep", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-response replace-header' instead." },
	{ "rspdeny", SEC_PX, kw_removed, NULL, "", "removed in HAProxy 2.1", (uintptr_t)"Use 'http-response deny' instead." },
};

const struct cfg_kw_table rule_kw_table = {
	"rules", rule_kws, (int)ARRAY_SIZE(rule_kws), rule_finish
};
