/*
 * The `acl` keyword (frontend, backend, listen), its dump, and the end of
 * load checks of src/acl/: arguments of fetches and converters that name
 * tables, backends, frontends, servers or userlists are resolved once every
 * file is read (a table may be declared after the rule that uses it), and
 * unknown ACL names get a note when they turn up later in the files.
 * Runs in the master (and in `weir -c`).
 */
#include <string.h>
#include <strings.h>

#include "weir/kwtables.h"
#include "weir/stick.h"

#include "acl-int.h"

/* What finish() works on, kept in cfg->acl_state (arena data). */
struct acl_state {
	struct vec args;          /* struct deferred_arg * */
	struct vec missing;       /* struct missing_acl * */
};

struct deferred_arg {
	const struct sample_expr *expr;
	const char *kw, *what;
	int argi;
	struct sample_arg *arg;   /* NULL: the proxy's own table */
};

struct missing_acl {
	const struct proxy_conf *px;
	char *name;
	struct cfg_loc loc;
	int hinted;               /* the alert already named where it is */
};

static struct acl_state *state_get(struct cfg *cfg)
{
	if (!cfg->acl_state)
		cfg->acl_state = arena_alloc(cfg->arena, sizeof(struct acl_state));
	return cfg->acl_state;
}

void acl_state_defer_arg(struct cfg_ctx *ctx, struct sample_expr *expr, const char *kw,
			 const char *what, int argi, struct sample_arg *arg)
{
	struct deferred_arg *d = arena_alloc(ctx->arena, sizeof(*d));
	d->expr = expr;
	d->kw = kw;
	d->what = what;
	d->argi = argi;
	d->arg = arg;
	vec_push(ctx->arena, &state_get(ctx->cfg)->args, d);
}

void acl_state_missing(struct cfg_ctx *ctx, const char *name)
{
	struct missing_acl *m = arena_alloc(ctx->arena, sizeof(*m));
	m->px = ctx->px;
	m->name = arena_strdup(ctx->arena, name);
	m->loc = ctx->loc;
	vec_push(ctx->arena, &state_get(ctx->cfg)->missing, m);
}

/* ------------------------------------------------ the keyword */

static int valid_acl_name(struct cfg_ctx *ctx, const char *name)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("-_.:", *p))) {
			cfg_alert(ctx, "'acl' : invalid character '%c' in ACL name '%s' (use letters, "
				  "digits, '-', '_', '.' and ':')", *p, name);
			return 0;
		}
	if (!strcasecmp(name, "or"))
		cfg_warn(ctx, "acl name '%s' will never match: 'or' expresses a logical OR "
			 "between two ACLs in a condition", name);
	return 1;
}

static int acl_kw_parse(struct cfg_ctx *ctx, int argc, char **argv)
{
	char err[1024];
	if (ctx->sec == CFG_SEC_DEFAULTS) {
		cfg_alert(ctx, "'acl' not allowed in 'defaults' section: ACLs belong to one proxy; "
			  "declare it in each frontend, backend or listen that uses it");
		return -1;
	}
	if (argc < 2) {
		cfg_alert(ctx, "'acl' expects an ACL name and a criterion: acl <name> <criterion> "
			  "[flags] [operator] <value> ...");
		return -1;
	}
	if (!*argv[0] || !valid_acl_name(ctx, argv[0]))
		return -1;
	struct acl_expr *e = acl_expr_parse(ctx, argc - 1, argv + 1, argv[0], err, sizeof(err));
	if (!e) {
		cfg_alert(ctx, "error detected while parsing ACL '%s' : %s.", argv[0], err);
		return -1;
	}
	e->words = cfg_words_dup(ctx->arena, ctx->line.n, ctx->line.w);
	struct acl_def *d = acl_find(ctx->px, argv[0]);
	if (!d) {
		d = arena_alloc(ctx->arena, sizeof(*d));
		d->name = arena_strdup(ctx->arena, argv[0]);
		d->loc = ctx->loc;
		vec_push(ctx->arena, &ctx->px->acls, d);
	}
	/* several lines with one name are ORed; conditions parsed earlier
	 * hold the definition, so they see this line too, as in HAProxy */
	vec_push(ctx->arena, &d->exprs, e);
	return 0;
}

/* Every ACL line of the proxy, grouped by name in declaration order: the
 * grouping never changes a condition (lines of one name are ORed). */
static void acl_kw_dump(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct acl_def *d;
	const struct acl_expr *e;
	VEC_EACH(&px->acls, const struct acl_def *, d)
		VEC_EACH(&d->exprs, const struct acl_expr *, e)
			cfg_emitw(em, kw->name, &e->words, 1);
}

/* ------------------------------------------------ finish */

static void ref_alert(struct cfg *cfg, const struct deferred_arg *d, const char *kind,
		      const char *hint)
{
	const struct proxy_conf *px = d->expr->px;
	cfg_diag_at(cfg, CFG_ALERT, &d->expr->loc, "unable to find %s '%s' referenced in arg %d "
		    "of %s '%s' in %s '%s'%s", kind, d->arg->text, d->argi, d->what, d->kw,
		    px ? acl_px_kind(px) : "proxy", px ? px->name : "?", hint);
}

static void resolve_table(struct cfg *cfg, const struct deferred_arg *d)
{
	const struct proxy_conf *px = d->expr->px;
	char hint[256] = "";
	if (!d->arg) {
		if (px && !px->table)
			cfg_diag_at(cfg, CFG_ALERT, &d->expr->loc, "%s '%s' uses the stick-table of "
				    "%s '%s', which has none: declare one with 'stick-table' or name "
				    "a table as in '%s(<table>)'", d->what, d->kw, acl_px_kind(px),
				    px->name, d->kw);
		return;
	}
	const struct stick_table_conf *t = stick_table_find(cfg, d->arg->text);
	if (t) {
		d->arg->u.ref = t;
		d->arg->resolved = 1;
		return;
	}
	if (cfg_find_proxy(cfg, d->arg->text, PX_CAP_FE | PX_CAP_BE))
		snprintf(hint, sizeof(hint), ": proxy '%s' has no 'stick-table'", d->arg->text);
	ref_alert(cfg, d, "table", hint);
}

static void resolve_server(struct cfg *cfg, const struct deferred_arg *d)
{
	const char *slash = strchr(d->arg->text, '/');
	char be[256];
	if (!slash) {
		cfg_diag_at(cfg, CFG_ALERT, &d->expr->loc, "%s '%s' : server '%s' must be written "
			    "as <backend>/<server>", d->what, d->kw, d->arg->text);
		return;
	}
	snprintf(be, sizeof(be), "%.*s", (int)(slash - d->arg->text), d->arg->text);
	const struct proxy_conf *px = cfg_find_proxy(cfg, be, PX_CAP_BE);
	const struct server_conf *s = px ? cfg_find_server(px, slash + 1) : NULL;
	if (!s) {
		ref_alert(cfg, d, px ? "server" : "backend", "");
		return;
	}
	d->arg->u.ref = s;
	d->arg->resolved = 1;
}

static void resolve_arg(struct cfg *cfg, const struct deferred_arg *d)
{
	const void *ref = NULL;
	enum smp_argt t = d->arg ? d->arg->type : ARGT_TAB;
	switch (t) {
	case ARGT_TAB:
		resolve_table(cfg, d);
		return;
	case ARGT_SRV:
		resolve_server(cfg, d);
		return;
	case ARGT_BE:
		ref = cfg_find_proxy(cfg, d->arg->text, PX_CAP_BE);
		break;
	case ARGT_FE:
		ref = cfg_find_proxy(cfg, d->arg->text, PX_CAP_FE);
		break;
	case ARGT_USR:
		ref = cfg_find_userlist(cfg, d->arg->text);
		break;
	default:
		return;
	}
	if (!ref) {
		ref_alert(cfg, d, smp_argt_name(t), "");
		return;
	}
	d->arg->u.ref = ref;
	d->arg->resolved = 1;
}

/* An unknown ACL may be declared later (same proxy: too late, HAProxy
 * resolves names when it reads the rule) or in a proxy read later. */
static void explain_missing(struct cfg *cfg, const struct missing_acl *m)
{
	char hint[1024];
	const struct acl_def *d = acl_find(m->px, m->name);
	if (d)
		cfg_diag_at(cfg, CFG_NOTICE, &m->loc, "ACL '%s' is declared at %s:%d, after the "
			    "rule that uses it: move the 'acl' line above the rule", m->name,
			    d->loc.file ? d->loc.file : "?", d->loc.line);
	else if (acl_elsewhere(cfg, m->px, m->name, hint, sizeof(hint)))
		cfg_diag_at(cfg, CFG_NOTICE, &m->loc, "%s", hint);
}

static void acl_finish(struct cfg *cfg)
{
	struct acl_state *st = cfg->acl_state;
	const struct deferred_arg *d;
	const struct missing_acl *m;
	if (!st)
		return;
	VEC_EACH(&st->args, const struct deferred_arg *, d)
		resolve_arg(cfg, d);
	VEC_EACH(&st->missing, const struct missing_acl *, m)
		explain_missing(cfg, m);
}

static const struct cfg_kw acl_kws[] = {
	{ "acl", CFG_SEC_PX, acl_kw_parse, acl_kw_dump,
	  "<name> <criterion> [flags] [operator] <value> ...",
	  "declare an ACL (lines with the same name are ORed)", 0 },
};

const struct cfg_kw_table acl_kw_table = { "acl", acl_kws, (int)ARRAY_SIZE(acl_kws),
					   acl_finish };
