/*
 * Sample expressions: `fetch(args),conv(args),conv` parsed with HAProxy's
 * argument syntax (commas separate arguments, quotes and backslashes
 * protect them, `)` ends the list), checked against the registries
 * (argument count and types, converter input types, where the fetch's
 * data exists), with the fix spelled out for the mistakes the guides make
 * (`date_hour`, `src,path`). Runs in the master at load time.
 */
#include <string.h>

#include "acl-int.h"

#define MAX_WORD_ARGS 16

/* Fixes for fetches that do not exist but that guides use. */
static const struct {
	const char *name;
	const char *fix;
} fetch_fixes[] = {
	{ "date_hour", "use 'date,ltime(%H)' (with -m int 9:17 for a range)" },
	{ "date_dow", "use 'date,ltime(%u)' (1 is Monday, 7 is Sunday; with -m int 1:5 for "
		      "weekdays)" },
	{ "date_min", "use 'date,ltime(%M)'" },
	{ "date_month", "use 'date,ltime(%m)'" },
	{ "date_year", "use 'date,ltime(%Y)'" },
	{ "date_day", "use 'date,ltime(%d)'" },
	{ "hdr_host", "use 'req.hdr(host)'" },
	{ "host", "use 'req.hdr(host)'" },
	{ "ssl_sni", "use 'ssl_fc_sni'" },
	{ "sni", "use 'ssl_fc_sni' (or 'req.ssl_sni' in tcp mode before TLS termination)" },
};

/* ------------------------------------------------ argument lists */

struct word_args {
	int n;
	char *v[MAX_WORD_ARGS];
};

/* Reads one argument starting at p, unquoting into the arena; stops at
 * ',' or ')' outside quotes. Returns the stop position, NULL on a missing
 * closing quote or end of text. */
static const char *read_arg(struct arena *a, const char *p, char **out)
{
	struct sbuf b = { 0 };
	char q = 0;
	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			else if (q == '"' && *p == '\\' && p[1])
				sbuf_addc(&b, *++p);
			else
				sbuf_addc(&b, *p);
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '\\' && p[1]) {
			sbuf_addc(&b, *++p);
		} else if (*p == ',' || *p == ')') {
			break;
		} else {
			sbuf_addc(&b, *p);
		}
	}
	*out = arena_strdup(a, sbuf_str(&b));
	sbuf_free(&b);
	return *p ? p : NULL;
}

/* Splits "(a,b)" at p (p points at '('). Returns the position after ')'. */
static const char *read_args(struct arena *a, const char *p, struct word_args *wa,
			     const char *what, const char *kw, char *err, size_t errlen)
{
	wa->n = 0;
	p++;
	if (*p == ')')
		return p + 1;
	for (;;) {
		char *arg;
		p = read_arg(a, p, &arg);
		if (!p) {
			snprintf(err, errlen, "missing closing ')' after arguments to %s '%s'",
				 what, kw);
			return NULL;
		}
		if (wa->n == MAX_WORD_ARGS) {
			snprintf(err, errlen, "too many arguments to %s '%s'", what, kw);
			return NULL;
		}
		wa->v[wa->n++] = arg;
		if (*p == ')')
			return p + 1;
		p++;  /* ',' */
	}
}

static int sig_count(const struct smp_args_sig *sig)
{
	int n = 0;
	while (n < SMP_MAX_ARGS && sig->t[n] != ARGT_NONE)
		n++;
	return n;
}

/*
 * Checks the number of arguments against the signature, parses each one,
 * and runs the keyword's checker. `what` is "fetch method" or "converter".
 */
static int args_build(struct cfg_ctx *ctx, const struct smp_args_sig *sig, const char *usage,
		      int (*check)(struct smp_check *), const char *param, const char *what,
		      const char *kw, struct word_args *wa, struct sample_arg **out, int *nout,
		      char *err, size_t errlen)
{
	int max = sig_count(sig);
	char m[256];
	*out = NULL;
	*nout = wa->n;
	if (wa->n > max) {
		if (max == 0)
			snprintf(err, errlen, "%s '%s' takes no argument", what, kw);
		else
			snprintf(err, errlen, "%s '%s' : end of arguments expected at position %d, "
				 "but got '%s' (usage: %s%s)", what, kw, max + 1, wa->v[max], kw, usage);
		return -1;
	}
	if (wa->n < sig->min) {
		snprintf(err, errlen, "%s '%s' : missing arguments (got %d/%d), type '%s' expected "
			 "(usage: %s%s)", what, kw, wa->n, sig->min,
			 smp_argt_name(sig->t[wa->n]), kw, usage);
		return -1;
	}
	if (wa->n)
		*out = arena_alloc(ctx->arena, sizeof(**out) * (size_t)wa->n);
	for (int i = 0; i < wa->n; i++) {
		if (smp_arg_parse(ctx, sig->t[i], wa->v[i], &(*out)[i], m, sizeof(m)) < 0) {
			snprintf(err, errlen, "%s '%s' : %s at position %d (usage: %s%s)", what, kw,
				 m, i + 1, kw, usage);
			return -1;
		}
	}
	if (check) {
		struct smp_check c = { ctx, kw, param, *out, wa->n, m, sizeof(m) };
		if (check(&c) < 0) {
			snprintf(err, errlen, "%s '%s' : %s", what, kw, m);
			return -1;
		}
	}
	return 0;
}

/* Arguments that name objects are checked once every file is read. A
 * missing table argument of src_* and table_* means the proxy's own table;
 * sc_* without one use the table the counter tracks (known at run time). */
static void defer_refs(struct cfg_ctx *ctx, struct sample_expr *expr, const char *kw,
		       const char *what, const struct smp_args_sig *sig, struct sample_arg *args,
		       int nargs, int tracked)
{
	for (int i = 0; i < sig_count(sig); i++) {
		enum smp_argt t = sig->t[i];
		if (t != ARGT_FE && t != ARGT_BE && t != ARGT_TAB && t != ARGT_SRV &&
		    t != ARGT_USR)
			continue;
		if (i < nargs)
			acl_state_defer_arg(ctx, expr, kw, what, i + 1, &args[i]);
		else if (t == ARGT_TAB && !tracked)
			acl_state_defer_arg(ctx, expr, kw, what, i + 1, NULL);
	}
}

/* ------------------------------------------------ messages */

static size_t name_span(const char *p)
{
	return strcspn(p, "(),");
}

static void unknown_fetch(const char *name, char *err, size_t errlen)
{
	int n = snprintf(err, errlen, "unknown fetch method '%s'", name);
	size_t off = n < 0 ? 0 : (size_t)n < errlen ? (size_t)n : errlen - 1;
	const struct acl_kw_alias *al = acl_alias_find(name, strlen(name));
	for (unsigned i = 0; i < ARRAY_SIZE(fetch_fixes); i++)
		if (!strcmp(name, fetch_fixes[i].name)) {
			snprintf(err + off, errlen - off, "; %s", fetch_fixes[i].fix);
			return;
		}
	if (!strncmp(name, "lua.", 4)) {
		snprintf(err + off, errlen - off, "; weir has no Lua support");
	} else if (al) {
		snprintf(err + off, errlen - off, "; '%s' is an ACL keyword ('%s' matched with "
			 "-m %s), not a sample fetch: use '%s' here", name, al->fetch,
			 pat_match_name(al->match), al->fetch);
	} else if (sample_conv_find(name, strlen(name))) {
		snprintf(err + off, errlen - off, "; '%s' is a converter, not a sample fetch: "
			 "write it after a fetch, as in 'req.hdr(host),%s'", name, name);
	} else {
		const char *c = sample_fetch_closest(name);
		if (c)
			snprintf(err + off, errlen - off, "; did you mean '%s' ?", c);
	}
}

static void unknown_conv(const char *name, char *err, size_t errlen)
{
	int n = snprintf(err, errlen, "unknown converter '%s'", name);
	size_t off = n < 0 ? 0 : (size_t)n < errlen ? (size_t)n : errlen - 1;
	if (!strcmp(name, "path"))
		snprintf(err + off, errlen - off, "; 'path' is a sample fetch, not a converter; "
			 "to track per client and path, use 'base32+src'");
	else if (!strncmp(name, "lua.", 4))
		snprintf(err + off, errlen - off, "; weir has no Lua support");
	else if (sample_fetch_find(name, strlen(name)) || acl_alias_find(name, strlen(name)))
		snprintf(err + off, errlen - off, "; '%s' is a sample fetch, not a converter: an "
			 "expression is one fetch followed by converters", name);
	else {
		const char *c = sample_conv_closest(name);
		if (c)
			snprintf(err + off, errlen - off, "; did you mean '%s' ?", c);
	}
}

static void where_error(const struct sample_fetch_def *f, unsigned where, char *err,
			size_t errlen)
{
	const char *hint = "";
	unsigned resp = SMP_AT_HTTP_RES | SMP_AT_TCP_RES;
	if ((f->src == SMP_SRC_HRQHV || f->src == SMP_SRC_HRQHP || f->src == SMP_SRC_HRQBO ||
	     f->src == SMP_SRC_L6REQ) && (where & resp))
		hint = "; to use it in a response, save it with 'http-request set-var(txn.<name>)' "
		       "and read it with 'var(txn.<name>)'";
	else if (f->src == SMP_SRC_HRSHV || f->src == SMP_SRC_HRSHP || f->src == SMP_SRC_SERVR ||
		 f->src == SMP_SRC_L6RES)
		hint = "; the response does not exist yet here: use it in 'http-response' rules";
	else if (f->src == SMP_SRC_L5CLI)
		hint = "; the TLS handshake is not done yet here: use it in 'tcp-request session' "
		       "or later rules";
	snprintf(err, errlen, "fetch method '%s' extracts information from '%s', none of which "
		 "is available here (%s)%s", f->name, smp_src_name(f->src), smp_where_name(where),
		 hint);
}

/* ------------------------------------------------ the parser */

static const char *parse_fetch(struct cfg_ctx *ctx, struct sample_expr *expr, const char *p,
			       unsigned where, char *err, size_t errlen)
{
	size_t n = name_span(p);
	char *name = arena_strndup(ctx->arena, p, n);
	struct word_args wa = { 0 };
	if (!n) {
		snprintf(err, errlen, "missing fetch method in '%s'", expr->text);
		return NULL;
	}
	const struct sample_fetch_def *f = sample_fetch_find(name, n);
	if (!f) {
		unknown_fetch(name, err, errlen);
		return NULL;
	}
	p += n;
	if (*p == '(' && !(p = read_args(ctx->arena, p, &wa, "fetch method", name, err, errlen)))
		return NULL;
	if (args_build(ctx, &f->args, f->usage, f->check, f->param, "fetch method", f->name,
		       &wa, &expr->args, &expr->nargs, err, errlen) < 0)
		return NULL;
	if (!smp_src_usable(f->src, where)) {
		where_error(f, where, err, errlen);
		return NULL;
	}
	expr->fetch = f;
	expr->out = f->out;
	defer_refs(ctx, expr, f->name, "fetch method", &f->args, expr->args, expr->nargs,
		   f->src == SMP_SRC_TRACK);
	return p;
}

static const char *parse_conv(struct cfg_ctx *ctx, struct sample_expr *expr, const char *p,
			      char *err, size_t errlen)
{
	size_t n = name_span(p);
	char *name = arena_strndup(ctx->arena, p, n);
	struct word_args wa = { 0 };
	if (!n) {
		snprintf(err, errlen, "missing converter name after ',' in '%s'", expr->text);
		return NULL;
	}
	const struct sample_conv_def *c = sample_conv_find(name, n);
	if (!c) {
		unknown_conv(name, err, errlen);
		return NULL;
	}
	p += n;
	if (*p == '(' && !(p = read_args(ctx->arena, p, &wa, "converter", name, err, errlen)))
		return NULL;
	struct sample_conv_step *st = arena_alloc(ctx->arena, sizeof(*st));
	st->def = c;
	if (args_build(ctx, &c->args, c->usage, c->check, c->param, "converter", c->name, &wa,
		       &st->args, &st->nargs, err, errlen) < 0)
		return NULL;
	if (!smp_cast_ok(expr->out, c->in)) {
		snprintf(err, errlen, "converter '%s' cannot be applied: it takes %s input and "
			 "the expression before it gives %s", c->name, smp_type_name(c->in),
			 smp_type_name(expr->out));
		return NULL;
	}
	if (c->out != SMP_T_SAME)
		expr->out = c->out;
	vec_push(ctx->arena, &expr->convs, st);
	defer_refs(ctx, expr, c->name, "converter", &c->args, st->args, st->nargs, 0);
	return p;
}

struct sample_expr *sample_expr_parse(struct cfg_ctx *ctx, const char *text, unsigned where,
				      char *err, size_t errlen)
{
	struct sample_expr *expr = arena_alloc(ctx->arena, sizeof(*expr));
	expr->text = arena_strdup(ctx->arena, text);
	expr->loc = ctx->loc;
	expr->where = where;
	expr->px = ctx->px;
	const char *p = parse_fetch(ctx, expr, text, where, err, errlen);
	while (p && *p == ',')
		p = parse_conv(ctx, expr, p + 1, err, errlen);
	if (p && *p) {
		snprintf(err, errlen, "unexpected '%s' after '%.*s' (converters are separated "
			 "by ',')", p, (int)(p - text), text);
		p = NULL;
	}
	return p ? expr : NULL;
}

const char *sample_expr_text(const struct sample_expr *expr)
{
	return expr ? expr->text : "";
}

const char *sample_expr_missing(const struct sample_expr *expr, unsigned where)
{
	if (!expr || !expr->fetch || smp_src_usable(expr->fetch->src, where))
		return NULL;
	return smp_src_name(expr->fetch->src);
}
