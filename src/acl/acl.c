/*
 * ACL expressions (`<criterion> [flags] [operator] <values>`), the
 * predefined ACLs, and conditions (`if`/`unless` with `!`, `||`/`or`,
 * implicit AND and anonymous `{ ... }` ACLs). ACL names are resolved when
 * the condition is parsed, as HAProxy does: an ACL must be declared in the
 * same proxy before the rule that uses it. Runs in the master at load
 * time; everything is allocated from the model's arena.
 */
#include <string.h>
#include <strings.h>

#include "acl-int.h"
#include "smp-rt-int.h"

/* HAProxy 2.6's predefined ACLs (LOCALHOST also covers ::1). */
static const struct {
	const char *name;
	const char *expr;
} predefined[] = {
	{ "FALSE", "always_false" },
	{ "HTTP", "req.proto_http" },
	{ "HTTP_1.0", "req.ver 1.0" },
	{ "HTTP_1.1", "req.ver 1.1" },
	{ "HTTP_CONTENT", "req.hdr_val(content-length) gt 0" },
	{ "HTTP_URL_ABS", "url_reg ^[^/:]*://" },
	{ "HTTP_URL_SLASH", "url_beg /" },
	{ "HTTP_URL_STAR", "url *" },
	{ "LOCALHOST", "src 127.0.0.1/8 ::1" },
	{ "METH_CONNECT", "method CONNECT" },
	{ "METH_DELETE", "method DELETE" },
	{ "METH_GET", "method GET HEAD" },
	{ "METH_HEAD", "method HEAD" },
	{ "METH_OPTIONS", "method OPTIONS" },
	{ "METH_POST", "method POST" },
	{ "METH_PUT", "method PUT" },
	{ "METH_TRACE", "method TRACE" },
	{ "RDP_COOKIE", "req.rdp_cookie_cnt gt 0" },
	{ "REQ_CONTENT", "req.len gt 0" },
	{ "TRUE", "always_true" },
	{ "WAIT_END", "wait_end" },
};

#define MAX_PREDEF_WORDS 8

/* ------------------------------------------------ expressions */

struct acl_parse {
	struct cfg_ctx *ctx;
	struct acl_expr *expr;
	const char *name;
	int match;                /* -m, or -1 */
	int dashdash;
	char *err;
	size_t errlen;
};

/* Reads the flags; returns the index of the first pattern, -1 on error. */
static int parse_flags(struct acl_parse *ap, int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *f = argv[i];
		if (!strcmp(f, "--")) {
			ap->dashdash = 1;
			return i + 1;
		} else if (!strcmp(f, "-i")) {
			ap->expr->flags |= ACL_F_ICASE;
		} else if (!strcmp(f, "-n")) {
			ap->expr->flags |= ACL_F_NO_DNS;
		} else if (!strcmp(f, "-M")) {
			ap->expr->flags |= ACL_F_MAP;
		} else if (!strcmp(f, "-f") || !strcmp(f, "-m") || !strcmp(f, "-u")) {
			if (i + 1 >= argc) {
				snprintf(ap->err, ap->errlen, "'%s' expects %s", f,
					 f[1] == 'f' ? "a file name" : f[1] == 'm' ?
					 "a matching method" : "a unique id");
				return -1;
			}
			const char *v = argv[++i];
			if (f[1] == 'f') {
				vec_push(ap->ctx->arena, &ap->expr->files, arena_strdup(ap->ctx->arena, v));
			} else if (f[1] == 'm') {
				ap->match = pat_match_by_name(v);
				if (ap->match < 0) {
					snprintf(ap->err, ap->errlen, "unknown matching method '%s' when "
						 "parsing ACL expression (expected found, bool, int, ip, bin, "
						 "len, str, sub, reg, beg, end, dir or dom)", v);
					return -1;
				}
			} else {
				char *end;
				long id = strtol(v, &end, 10);
				if (!*v || *end || id < 0) {
					snprintf(ap->err, ap->errlen, "'-u' expects a positive integer, "
						 "got '%s'", v);
					return -1;
				}
				ap->expr->uid = (int)id;
			}
		} else {
			snprintf(ap->err, ap->errlen, "'%s' is not a valid ACL option. Please use '--' "
				 "before any pattern beginning with a '-'", f);
			return -1;
		}
	}
	return i;
}

/* The criterion: an ACL-only keyword (path_beg) stands for a fetch plus a
 * matcher; anything else is a sample expression. */
static int parse_criterion(struct acl_parse *ap, const char *crit, int *def_match)
{
	struct cfg_ctx *ctx = ap->ctx;
	size_t n = strcspn(crit, "(,");
	const struct acl_kw_alias *al = acl_alias_find(crit, n);
	const char *text = crit;
	char m[768];
	if (al)
		text = arena_printf(ctx->arena, "%s%s", al->fetch, crit + n);
	ap->expr->smp = sample_expr_parse(ctx, text, 0, m, sizeof(m));
	if (!ap->expr->smp) {
		/* HAProxy's words first, then the hint: "<what> in ACL expression
		 * '<crit>'; <hint>" */
		const char *hint = strstr(m, "; ");
		int len = hint ? (int)(hint - m) : (int)strlen(m);
		snprintf(ap->err, ap->errlen, "%.*s in ACL expression '%s'%s", len, m, crit,
			 hint ? hint : "");
		return -1;
	}
	*def_match = al ? al->match : pat_match_default(ap->expr->smp->out);
	return 0;
}

/* For the guides' `date_hour 9-17`: the whole corrected line. */
static void date_fix(struct acl_parse *ap, int argc, char **argv)
{
	const char *fmt = !strcmp(argv[0], "date_hour") ? "%H" :
			  !strcmp(argv[0], "date_dow") ? "%u" : NULL;
	size_t off = strlen(ap->err);
	if (!fmt || !ap->name || !*ap->name || off >= ap->errlen)
		return;
	struct sbuf b = { 0 };
	for (int i = 1; i < argc; i++)
		sbuf_printf(&b, " %s", argv[i]);
	snprintf(ap->err + off, ap->errlen - off, "; write: acl %s date,ltime(%s) -m int%s",
		 ap->name, fmt, sbuf_str(&b));
	sbuf_free(&b);
}

static int add_patterns(struct acl_parse *ap, int argc, char **argv, int first)
{
	struct pat_list *pl = &ap->expr->pats;
	enum pat_op op = PAT_OP_NONE;
	int is_int = pl->match == PAT_MATCH_INT || pl->match == PAT_MATCH_LEN;
	for (int i = first; i < argc; i++) {
		enum pat_op o = is_int ? pat_op_by_name(argv[i]) : PAT_OP_NONE;
		if (o != PAT_OP_NONE) {
			op = o;
			if (i + 1 == argc) {
				snprintf(ap->err, ap->errlen, "missing value after operator '%s'",
					 argv[i]);
				return -1;
			}
			continue;
		}
		if (pat_add(ap->ctx->arena, pl, argv[i], op, ap->err, ap->errlen) < 0)
			return -1;
	}
	for (int i = 0; i < ap->expr->files.n; i++)
		if (pat_load_file(ap->ctx->arena, pl, ap->expr->files.v[i],
				  (ap->expr->flags & ACL_F_MAP) != 0, SMP_T_STR, ap->err,
				  ap->errlen) < 0)
			return -1;
	pat_list_index(ap->ctx->arena, pl);
	return 0;
}

static void warn_no_pattern(struct acl_parse *ap, int npat)
{
	const struct acl_expr *e = ap->expr;
	if (npat || e->files.n || ap->dashdash || e->smp->out == SMP_T_BOOL ||
	    e->pats.match == PAT_MATCH_FOUND || e->pats.match == PAT_MATCH_BOOL)
		return;
	cfg_warn(ap->ctx, "parsing acl keyword '%s' : no pattern to match against were provided, "
		 "so this ACL will never match. If this is what you intended, add '--' to get rid "
		 "of this warning. To match only for existence, use '-m found'. To force an int "
		 "to match as a bool, use '-m bool'.", e->kw);
}

struct acl_expr *acl_expr_parse(struct cfg_ctx *ctx, int argc, char **argv, const char *name,
				char *err, size_t errlen)
{
	struct acl_expr *e = arena_alloc(ctx->arena, sizeof(*e));
	struct acl_parse ap = { ctx, e, name, -1, 0, err, errlen };
	int def_match;
	e->uid = -1;
	e->loc = ctx->loc;
	if (argc < 1) {
		snprintf(err, errlen, "missing ACL criterion");
		return NULL;
	}
	e->kw = arena_strdup(ctx->arena, argv[0]);
	if (parse_criterion(&ap, argv[0], &def_match) < 0) {
		date_fix(&ap, argc, argv);
		return NULL;
	}
	int first = parse_flags(&ap, argc, argv);
	if (first < 0)
		return NULL;
	e->match_forced = ap.match >= 0;
	e->pats.match = ap.match >= 0 ? ap.match : def_match;
	e->pats.icase = (e->flags & ACL_F_ICASE) != 0;
	if (e->match_forced && !smp_cast_ok(e->smp->out, pat_match_input(e->pats.match))) {
		snprintf(err, errlen, "matching method '%s' cannot be used with fetch keyword '%s' "
			 "(it returns %s)", pat_match_name(e->pats.match), e->kw,
			 smp_type_name(e->smp->out));
		return NULL;
	}
	if (add_patterns(&ap, argc, argv, first) < 0)
		return NULL;
	warn_no_pattern(&ap, argc - first);
	return e;
}

/* ------------------------------------------------ definitions */

struct acl_def *acl_find(const struct proxy_conf *px, const char *name)
{
	struct acl_def *d;
	if (!px)
		return NULL;
	VEC_EACH(&px->acls, struct acl_def *, d)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

struct acl_def *acl_predefined(struct cfg_ctx *ctx, const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(predefined); i++) {
		if (strcmp(predefined[i].name, name))
			continue;
		char *words[MAX_PREDEF_WORDS], err[512];
		char *copy = arena_strdup(ctx->arena, predefined[i].expr), *save;
		int n = 0;
		for (char *t = strtok_r(copy, " ", &save); t && n < MAX_PREDEF_WORDS;
		     t = strtok_r(NULL, " ", &save))
			words[n++] = t;
		struct acl_expr *e = acl_expr_parse(ctx, n, words, name, err, sizeof(err));
		WEIR_ASSERT(e != NULL);  /* the table above is ours: it must parse */
		e->words = cfg_words_dup(ctx->arena, n, words);
		struct acl_def *d = arena_alloc(ctx->arena, sizeof(*d));
		d->name = arena_strdup(ctx->arena, name);
		d->predefined = 1;
		vec_push(ctx->arena, &d->exprs, e);
		return d;
	}
	return NULL;
}

/* ------------------------------------------------ conditions */

int acl_cond_start(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "if") || !strcmp(argv[i], "unless"))
			return i;
	return argc;
}

const struct cfg_words *acl_cond_words(const struct acl_cond *cond)
{
	return &cond->words;
}

const char *acl_px_kind(const struct proxy_conf *px)
{
	if (px->cap & PX_CAP_DEF)
		return "defaults";
	if ((px->cap & (PX_CAP_FE | PX_CAP_BE)) == (PX_CAP_FE | PX_CAP_BE))
		return "listen";
	return (px->cap & PX_CAP_FE) ? "frontend" : "backend";
}

/* The closest ACL name known here (own or predefined), for typos. */
static const char *closest_acl(const struct proxy_conf *px, const char *name)
{
	const char *best = NULL;
	int bestd = (int)strlen(name) / 3 + 1;
	struct acl_def *d;
	if (px)
		VEC_EACH(&px->acls, struct acl_def *, d) {
			int dist = str_distance(name, d->name);
			if (dist < bestd || (dist == bestd && !best)) {
				bestd = dist;
				best = d->name;
			}
		}
	for (unsigned i = 0; i < ARRAY_SIZE(predefined); i++) {
		int dist = strcasecmp(name, predefined[i].name) ? str_distance(name,
			   predefined[i].name) : 0;
		if (dist < bestd || (dist == bestd && !best)) {
			bestd = dist;
			best = predefined[i].name;
		}
	}
	return best;
}

/* Finds `name` in the other proxies read so far (the s002-02 mistake). */
int acl_elsewhere(const struct cfg *cfg, const struct proxy_conf *px, const char *name,
		  char *out, size_t outlen)
{
	const struct proxy_conf *o;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, o) {
		const struct acl_def *d = o == px ? NULL : acl_find(o, name);
		if (!d)
			continue;
		snprintf(out, outlen, "ACLs belong to one proxy: '%s' is defined in %s '%s' at "
			 "%s:%d; copy that 'acl' line into this proxy", name, acl_px_kind(o), o->name,
			 d->loc.file ? d->loc.file : "?", d->loc.line);
		return 1;
	}
	return 0;
}

static void no_such_acl(struct cfg_ctx *ctx, const char *name)
{
	char hint[1024] = "";
	const char *c;
	if (acl_elsewhere(ctx->cfg, ctx->px, name, hint, sizeof(hint))) {
		cfg_alert(ctx, "'%s' : no such ACL : '%s'; %s", ctx->kw, name, hint);
		return;
	}
	c = closest_acl(ctx->px, name);
	if (c)
		snprintf(hint, sizeof(hint), "; did you mean '%s' ?", c);
	cfg_alert(ctx, "'%s' : no such ACL : '%s'%s", ctx->kw, name, hint);
	acl_state_missing(ctx, name);
}

/* Anonymous ACL between braces: argv[*i] is "{". */
static struct acl_def *parse_anon(struct cfg_ctx *ctx, int argc, char **argv, int *i)
{
	int start = *i + 1, end = start;
	char err[1024];
	while (end < argc && strcmp(argv[end], "}"))
		end++;
	if (end == argc) {
		cfg_alert(ctx, "'%s' : missing closing '}' in condition", ctx->kw);
		return NULL;
	}
	*i = end;
	if (end == start) {
		cfg_alert(ctx, "'%s' : empty anonymous ACL '{ }' in condition", ctx->kw);
		return NULL;
	}
	struct acl_expr *e = acl_expr_parse(ctx, end - start, argv + start, "", err, sizeof(err));
	if (!e) {
		cfg_alert(ctx, "'%s' : error detected while parsing anonymous ACL '{ %s }' : %s",
			  ctx->kw, argv[start], err);
		return NULL;
	}
	e->words = cfg_words_dup(ctx->arena, end - start, argv + start);
	struct acl_def *d = arena_alloc(ctx->arena, sizeof(*d));
	d->name = "";
	d->loc = ctx->loc;
	vec_push(ctx->arena, &d->exprs, e);
	return d;
}

/* HAProxy's warning for an ACL whose every keyword is unusable here. */
static void check_where(struct cfg_ctx *ctx, const struct acl_def *d, unsigned where)
{
	const struct acl_expr *e;
	int usable = 0;
	const char *bad = NULL;
	VEC_EACH(&d->exprs, const struct acl_expr *, e) {
		if (smp_src_usable(e->smp->fetch->src, where))
			usable = 1;
		else if (!bad)
			bad = e->kw;
	}
	if (!bad || (usable && *d->name))
		return;
	if (*d->name)
		cfg_warn(ctx, "acl '%s' will never match because it only involves keywords that "
			 "are incompatible with '%s'", d->name, smp_where_name(where));
	else
		cfg_warn(ctx, "anonymous acl will never match because it uses keyword '%s' which "
			 "is incompatible with '%s'", bad, smp_where_name(where));
}

static struct acl_def *resolve_name(struct cfg_ctx *ctx, const char *name)
{
	struct acl_def *d = acl_find(ctx->px, name);
	if (!d)
		d = acl_predefined(ctx, name);
	if (!d)
		no_such_acl(ctx, name);
	return d;
}

static int add_term(struct cfg_ctx *ctx, struct acl_cond *c, struct acl_suite **suite,
		    const struct acl_def *d, int neg)
{
	if (!*suite) {
		*suite = arena_alloc(ctx->arena, sizeof(**suite));
		vec_push(ctx->arena, &c->suites, *suite);
	}
	struct acl_term *t = arena_alloc(ctx->arena, sizeof(*t));
	t->acl = d;
	t->neg = neg;
	vec_push(ctx->arena, &(*suite)->terms, t);
	if (c->where)
		check_where(ctx, d, c->where);
	return 0;
}

static int parse_terms(struct cfg_ctx *ctx, struct acl_cond *c, int argc, char **argv)
{
	struct acl_suite *suite = NULL;
	int neg = 0;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		while (*w == '!') {
			neg = !neg;
			w++;
		}
		if (!*w)
			continue;  /* "! name" is allowed */
		if (!strcasecmp(w, "or") || !strcmp(w, "||")) {
			if (!suite || i + 1 == argc) {
				cfg_alert(ctx, "'%s' : '%s' must stand between two ACLs", ctx->kw, w);
				return -1;
			}
			suite = NULL;
			neg = 0;
			continue;
		}
		struct acl_def *d = !strcmp(w, "{") ? parse_anon(ctx, argc, argv, &i)
						    : resolve_name(ctx, w);
		if (!d)
			return -1;
		add_term(ctx, c, &suite, d, neg);
		neg = 0;
	}
	return 0;
}

struct acl_cond *acl_cond_parse(struct cfg_ctx *ctx, int argc, char **argv, unsigned where)
{
	if (argc < 1 || (strcmp(argv[0], "if") && strcmp(argv[0], "unless"))) {
		cfg_alert(ctx, "'%s' : a condition starts with 'if' or 'unless', not '%s'", ctx->kw,
			  argc ? argv[0] : "");
		return NULL;
	}
	struct acl_cond *c = arena_alloc(ctx->arena, sizeof(*c));
	c->pol = strcmp(argv[0], "unless") ? ACL_COND_IF : ACL_COND_UNLESS;
	c->words = cfg_words_dup(ctx->arena, argc, argv);
	c->loc = ctx->loc;
	c->where = where;
	if (parse_terms(ctx, c, argc, argv) < 0)
		return NULL;
	if (!c->suites.n) {
		cfg_alert(ctx, "'%s' : missing condition after '%s'", ctx->kw, argv[0]);
		return NULL;
	}
	return c;
}
