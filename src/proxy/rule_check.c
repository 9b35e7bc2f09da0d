/*
 * The rules' checks that need the whole model, run once after the last
 * file (rule_kw_table.finish): backends named by use_backend and
 * default_backend, servers named by use-server, stick tables named by
 * track-sc rules, the error pages (errorfile, errorfiles and http-error
 * lines, and the http-errors sections they and replies name: resolved in
 * errorfile.c), and the use of a `defaults` section holding rules.
 * Resolved targets are stored in the rules and proxies. Runs in the master.
 */
#include <string.h>

#include "weir/stick.h"
#include "rule-int.h"

static const char *px_kind(const struct proxy_conf *px)
{
	if (px->cap & PX_CAP_DEF)
		return "defaults";
	if ((px->cap & (PX_CAP_FE | PX_CAP_BE)) == (PX_CAP_FE | PX_CAP_BE))
		return "listen";
	return (px->cap & PX_CAP_FE) ? "frontend" : "backend";
}

static const char *mode_str(enum px_mode m)
{
	return m == PX_MODE_HTTP ? "HTTP" : m == PX_MODE_HEALTH ? "HEALTH" : "TCP";
}

/* "; did you mean 'x' ?" for the closest backend name, or "". */
static const char *suggest_backend(struct cfg *cfg, const char *name)
{
	const struct proxy_conf *px, *best = NULL;
	int bestd = 1000;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		if (!(px->cap & PX_CAP_BE))
			continue;
		int d = str_distance(name, px->name);
		if (d < bestd) {
			bestd = d;
			best = px;
		}
	}
	if (!best || bestd > (int)strlen(name) / 2 + 1)
		return "";
	return arena_printf(cfg->arena, "; did you mean '%s' ?", best->name);
}

/* Resolves one backend reference of `what` ("use_backend", "default_backend"). */
static const struct proxy_conf *check_backend(struct cfg *cfg, const struct proxy_conf *px,
					      const char *name, const char *what,
					      const struct cfg_loc *loc)
{
	const struct proxy_conf *be = cfg_find_proxy(cfg, name, PX_CAP_BE);
	if (!be) {
		const struct proxy_conf *any = cfg_find_proxy(cfg, name, PX_CAP_FE);
		if (any)
			cfg_diag_at(cfg, CFG_ALERT, loc, "Proxy '%s': unable to find required %s: '%s' "
				    "('%s' is a frontend, which cannot receive traffic from a %s; "
				    "declare a 'backend %s' or a 'listen %s').", px->name, what, name,
				    name, what, name, name);
		else
			cfg_diag_at(cfg, CFG_ALERT, loc, "Proxy '%s': unable to find required %s: '%s'%s.",
				    px->name, what, name, suggest_backend(cfg, name));
		return NULL;
	}
	if (be == px) {
		cfg_diag_at(cfg, CFG_ALERT, loc, "Proxy '%s': loop detected for %s: '%s'.", px->name,
			    what, name);
		return NULL;
	}
	if (be->mode != px->mode && !(px->mode == PX_MODE_TCP && be->mode == PX_MODE_HTTP)) {
		cfg_diag_at(cfg, CFG_ALERT, loc, "%s %s '%s' (%s:%d) tries to use incompatible %s %s "
			    "'%s' (%s:%d) %s (see 'mode').", mode_str(px->mode), px_kind(px),
			    px->name, px->loc.file, px->loc.line, mode_str(be->mode), px_kind(be),
			    be->name, be->loc.file, be->loc.line,
			    strcmp(what, "default_backend") == 0 ? "as its default backend"
								  : "in a 'use_backend' rule");
		return NULL;
	}
	return be;
}

static void check_switching(struct cfg *cfg, struct proxy_conf *px)
{
	struct rule *r;
	VEC_EACH(&px->switching_rules, struct rule *, r)
		if (!r->dynamic)
			r->backend = check_backend(cfg, px, r->name, "use_backend", &r->loc);
	if (px->default_backend)
		check_backend(cfg, px, px->default_backend, "default_backend", &px->loc);
}

static void check_servers(struct cfg *cfg, struct proxy_conf *px)
{
	struct rule *r;
	VEC_EACH(&px->server_rules, struct rule *, r) {
		if (r->act != ACT_USE_SERVER || r->dynamic)
			continue;
		r->server = cfg_find_server(px, r->name);
		if (!r->server)
			cfg_diag_at(cfg, CFG_ALERT, &r->loc, "%s '%s' : unable to find server '%s' "
				    "referenced in a 'use-server' rule.", px_kind(px), px->name, r->name);
	}
}

/* "; did you mean 'x' ?" for the closest stick-table name, or "". */
static const char *suggest_table(struct cfg *cfg, const char *name)
{
	const struct proxy_conf *px;
	const char *best = NULL;
	int bestd = 1000;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		if (!px->table)
			continue;
		int d = str_distance(name, px->table->name);
		if (d < bestd) {
			bestd = d;
			best = px->table->name;
		}
	}
	if (!best || bestd > (int)strlen(name) / 2 + 1)
		return "";
	return arena_printf(cfg->arena, "; did you mean '%s' ?", best);
}

static void check_track(struct cfg *cfg, struct proxy_conf *px, struct rule *r)
{
	if (r->name) {
		r->table = stick_table_find(cfg, r->name);
		if (!r->table)
			cfg_diag_at(cfg, CFG_ALERT, &r->loc, "Proxy '%s': unable to find table '%s' "
				    "referenced by track-sc%d%s.", px->name, r->name, r->sc,
				    suggest_table(cfg, r->name));
		return;
	}
	r->table = px->table;
	/* a defaults section has no table: the proxies' own serve at run time */
	if (!r->table && !(px->cap & PX_CAP_DEF))
		cfg_diag_at(cfg, CFG_ALERT, &r->loc, "Proxy '%s': unable to find table '%s' referenced "
			    "by track-sc%d: %s '%s' declares no stick-table (no table). Add a "
			    "'stick-table type ip size 100k expire 30s store http_req_rate(10s)' line "
			    "to it, or name another proxy's table with 'table <name>'.", px->name,
			    px->name, r->sc, px_kind(px), px->name);
}

static void check_action_rules(struct cfg *cfg, struct proxy_conf *px)
{
	/* http-error rules are error pages, resolved with the others */
	for (int l = RULE_HTTP_REQ; l < RULE_HTTP_ERROR; l++) {
		struct rule *r;
		if (l == RULE_SWITCH || l == RULE_SERVER || l == RULE_MONITOR)
			continue;
		VEC_EACH(rule_list_vec(px, (enum rule_list)l), struct rule *, r) {
			if (r->act == ACT_TRACK_SC)
				check_track(cfg, px, r);
			if (r->reply && r->reply->payload == PAYLOAD_ERRORFILES)
				rule_reply_resolve_errorfiles(cfg, px, r);
		}
	}
}

static int has_tcp_http_rules(const struct proxy_conf *px)
{
	for (int l = RULE_HTTP_REQ; l <= RULE_TCP_RES; l++)
		if (rule_list_cvec(px, (enum rule_list)l)->n)
			return 1;
	return 0;
}

/* HAProxy 2.6: a defaults section with rules applies them to the proxies
 * that name it with `from`; using it implicitly is an error. */
static void check_defaults_use(struct cfg *cfg, const struct proxy_conf *px)
{
	const struct proxy_conf *def = px->defaults;
	if (!def || px->from || !has_tcp_http_rules(def))
		return;
	cfg_diag_at(cfg, CFG_ALERT, &px->loc, "%s '%s' cannot use defaults section '%s' (%s:%d) "
		    "implicitly because it contains TCP/HTTP rules: write '%s %s from %s'.",
		    px_kind(px), px->name, def->name, def->loc.file, def->loc.line,
		    px_kind(px), px->name, def->name);
}

static void check_proxy(struct cfg *cfg, struct proxy_conf *px)
{
	rule_error_pages_resolve(cfg, px);
	if (px->cap & PX_CAP_DEF) {
		check_action_rules(cfg, px);
		return;
	}
	check_defaults_use(cfg, px);
	if (px->disabled)
		return;
	if (px->cap & PX_CAP_FE)
		check_switching(cfg, px);
	if (px->cap & PX_CAP_BE)
		check_servers(cfg, px);
	check_action_rules(cfg, px);
}

void rule_finish(struct cfg *cfg)
{
	struct proxy_conf *px;
	VEC_EACH(&cfg->defaults, struct proxy_conf *, px)
		check_proxy(cfg, px);
	VEC_EACH(&cfg->proxies, struct proxy_conf *, px)
		check_proxy(cfg, px);
}
