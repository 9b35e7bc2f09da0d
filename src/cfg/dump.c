/*
 * Dumping the model: one walk over the sections, in file order, asking
 * every registered keyword to emit what it set. Two emitters read that
 * walk: canonical haproxy.cfg (here) and YAML (yaml.c). Runs in `weir -c
 * --dump=...` and in tests.
 */
#include <stdarg.h>
#include <string.h>

#include "weir/cfg.h"

void cfg_emitw(struct cfg_emit *em, const char *kw, const struct cfg_words *w, int from)
{
	int n = w->n - from;
	const char **argv = arena_alloc(em->tmp, sizeof(char *) * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		argv[i] = w->w[from + i];
	em->directive(em, kw, n, argv);
}

void cfg_emitv(struct cfg_emit *em, const char *kw, ...)
{
	const char *argv[64];
	int n = 0;
	va_list ap;
	va_start(ap, kw);
	const char *a;
	while ((a = va_arg(ap, const char *)) && n < 64)
		argv[n++] = a;
	va_end(ap);
	/* "no" leads the line: cfg_emitv(em, "no", "option httplog", NULL) */
	if (strcmp(kw, "no") == 0 && n >= 1) {
		em->directive(em, arena_printf(em->tmp, "no %s", argv[0]), n - 1, argv + 1);
		return;
	}
	em->directive(em, kw, n, argv);
}

const char *cfg_time_str(struct cfg_emit *em, int ms)
{
	static const struct { int ms; const char *unit; } units[] = {
		{ 86400000, "d" }, { 3600000, "h" }, { 60000, "m" }, { 1000, "s" },
	};
	if (ms == 0)
		return "0";
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (ms % units[i].ms == 0)
			return arena_printf(em->tmp, "%d%s", ms / units[i].ms, units[i].unit);
	return arena_printf(em->tmp, "%dms", ms);
}

struct dump_walk {
	struct cfg_emit *em;
	const void *obj;
	unsigned sec;
};

static void dump_kw(const struct cfg_kw *kw, void *arg)
{
	struct dump_walk *w = arg;
	if (kw->dump && (kw->sections & w->sec))
		kw->dump(kw, w->em, w->obj);
}

static void dump_userlist(const struct userlist_conf *ul, struct cfg_emit *em)
{
	em->section(em, "userlist", ul->name, NULL);
	const struct userlist_group *g;
	VEC_EACH(&ul->groups, const struct userlist_group *, g) {
		struct sbuf users = {0};
		const char *u;
		VEC_EACH(&g->users, const char *, u) {
			if (users.len)
				sbuf_addc(&users, ',');
			sbuf_adds(&users, u);
		}
		if (g->users.n)
			cfg_emitv(em, "group", g->name, "users", arena_strdup(em->tmp, users.s), NULL);
		else
			cfg_emitv(em, "group", g->name, NULL);
		sbuf_free(&users);
	}
	const struct userlist_user *u;
	VEC_EACH(&ul->users, const struct userlist_user *, u) {
		const char *a[6];
		int n = 0;
		a[n++] = u->name;
		if (u->password) {
			a[n++] = u->insecure ? "insecure-password" : "password";
			a[n++] = u->password;
		}
		if (u->groups.n) {
			struct sbuf gs = {0};
			const char *gn;
			VEC_EACH(&u->groups, const char *, gn) {
				if (gs.len)
					sbuf_addc(&gs, ',');
				sbuf_adds(&gs, gn);
			}
			a[n++] = "groups";
			a[n++] = arena_strdup(em->tmp, gs.s);
			sbuf_free(&gs);
		}
		struct cfg_words w = { n, (char **)a };
		cfg_emitw(em, "user", &w, 0);
	}
}

static unsigned proxy_section(const struct proxy_conf *px)
{
	if (px->cap & PX_CAP_DEF)
		return CFG_SEC_DEFAULTS;
	if ((px->cap & PX_CAP_FE) && (px->cap & PX_CAP_BE))
		return CFG_SEC_LISTEN;
	return (px->cap & PX_CAP_FE) ? CFG_SEC_FRONTEND : CFG_SEC_BACKEND;
}

void cfg_dump(const struct cfg *cfg, struct cfg_emit *em)
{
	struct dump_walk w = { em, &cfg->global, CFG_SEC_GLOBAL };
	em->sec = CFG_SEC_GLOBAL;
	em->section(em, "global", NULL, NULL);
	cfg_kw_foreach(dump_kw, &w);
	em->sec = CFG_SEC_USERLIST;
	const struct userlist_conf *ul;
	VEC_EACH(&cfg->userlists, const struct userlist_conf *, ul)
		dump_userlist(ul, em);
	/* http-errors sections: their keywords dump them, like a proxy's */
	const struct http_errors_conf *he;
	em->sec = CFG_SEC_HTTP_ERRORS;
	VEC_EACH(&cfg->http_errors_secs, const struct http_errors_conf *, he) {
		struct dump_walk hw = { em, he, CFG_SEC_HTTP_ERRORS };
		em->section(em, "http-errors", he->name, NULL);
		cfg_kw_foreach(dump_kw, &hw);
	}
	const struct proxy_conf *px;
	VEC_EACH(&cfg->sections, const struct proxy_conf *, px) {
		w.sec = proxy_section(px);
		w.obj = px;
		em->sec = (enum cfg_section)w.sec;
		em->section(em, cfg_section_name((enum cfg_section)w.sec), px->name, px->from);
		cfg_kw_foreach(dump_kw, &w);
	}
	if (em->end)
		em->end(em);
}

/* ------------------------------------------------------ haproxy.cfg text */

/* Bare when the lexer reads it back unchanged, else single quotes, else
 * double quotes with escapes (a word holding a single quote). */
void cfg_quote_word(struct sbuf *out, const char *w)
{
	int bare = *w != '\0';
	int has_squote = 0;
	for (const char *p = w; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == '#' || c == '"' || c == '\\' || c == '\'' || c == 0x7f)
			bare = 0;
		if (c == '\'')
			has_squote = 1;
	}
	if (bare) {
		sbuf_adds(out, w);
		return;
	}
	int ctrl = 0;
	for (const char *p = w; *p; p++)
		ctrl |= (unsigned char)*p < ' ' || *p == 0x7f;
	if (!has_squote && !ctrl) {
		sbuf_addc(out, '\'');
		sbuf_adds(out, w);
		sbuf_addc(out, '\'');
		return;
	}
	sbuf_addc(out, '"');
	for (const char *p = w; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\' || c == '$')
			sbuf_printf(out, "\\%c", c);
		else if (c == '\r')
			sbuf_adds(out, "\\r");
		else if (c == '\n')
			sbuf_adds(out, "\\n");
		else if (c == '\t')
			sbuf_adds(out, "\\t");
		else if (c < ' ' || c == 0x7f)
			sbuf_printf(out, "\\x%02x", c);
		else
			sbuf_addc(out, (char)c);
	}
	sbuf_addc(out, '"');
}

static void cfgtext_section(struct cfg_emit *em, const char *kind, const char *name,
			    const char *from)
{
	FILE *f = em->priv;
	struct sbuf b = {0};
	sbuf_printf(&b, "\n%s", kind);
	if (name && *name) {
		sbuf_addc(&b, ' ');
		cfg_quote_word(&b, name);
	}
	if (from) {
		sbuf_adds(&b, " from ");
		cfg_quote_word(&b, from);
	}
	fprintf(f, "%s\n", sbuf_str(&b));
	sbuf_free(&b);
}

static void cfgtext_directive(struct cfg_emit *em, const char *kw, int argc,
			      const char *const *argv)
{
	FILE *f = em->priv;
	struct sbuf b = {0};
	sbuf_printf(&b, "    %s", kw);
	for (int i = 0; i < argc; i++) {
		sbuf_addc(&b, ' ');
		cfg_quote_word(&b, argv[i]);
	}
	fprintf(f, "%s\n", sbuf_str(&b));
	sbuf_free(&b);
}

void cfg_dump_cfg(const struct cfg *cfg, FILE *f)
{
	struct cfg_emit em = { .section = cfgtext_section, .directive = cfgtext_directive,
			       .priv = f, .tmp = arena_new() };
	fprintf(f, "# weir canonical configuration (weir -c --dump=cfg)\n");
	cfg_dump(cfg, &em);
	arena_free(em.tmp);
}
