/*
 * The condition evaluator of `weir -cc` and of .if/.elif blocks (grammar
 * and semantics in include/weir/cond.h). A recursive-descent parser that
 * evaluates as it goes; both sides of && and || are always parsed, so a
 * syntax error is reported even where evaluation would stop early.
 *
 * Runs in the master and in `weir -c`/`-cc`. Owns nothing; reads the
 * environment (defined()) and the build's feature list.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "weir/cond.h"
#include "weir/util.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

/* Deeper nesting than this is an error, not a stack overflow. */
#define COND_MAX_DEPTH 64
#define COND_MAX_ARGS 2
#define COND_ARG_LEN 256

/* ------------------------------------------------------------ features */

#ifdef __linux__
#define ON_LINUX 1
#else
#define ON_LINUX 0
#endif

/*
 * The names HAProxy's `-vv` uses where weir has the same thing, plus
 * LIBEVENT and YAML. THREAD is present: `nbthread` is accepted and sets
 * the number of worker processes, which is what configurations guarded
 * by feature(THREAD) want. PCRE2_JIT is filled in at run time from the
 * linked PCRE2. ENGINE and LUA are absent, as in Debian's 2.6 build
 * (ENGINE) or because weir has no such runtime (LUA).
 */
static struct cfg_feature features[] = {
	{ "EPOLL", ON_LINUX }, { "KQUEUE", 0 }, { "POLL", 1 }, { "THREAD", 1 },
	{ "PCRE", 0 }, { "PCRE_JIT", 0 }, { "PCRE2", 1 }, { "PCRE2_JIT", -1 },
	{ "TPROXY", ON_LINUX }, { "LINUX_TPROXY", ON_LINUX }, { "LINUX_SPLICE", ON_LINUX },
	{ "LIBCRYPT", 1 }, { "CRYPT_H", 1 }, { "ENGINE", 0 }, { "GETADDRINFO", 1 },
	{ "OPENSSL", 1 }, { "LUA", 0 }, { "ACCEPT4", ON_LINUX }, { "ZLIB", 0 }, { "SLZ", 0 },
	{ "CPU_AFFINITY", ON_LINUX }, { "TFO", ON_LINUX }, { "SYSTEMD", 1 }, { "PRCTL", ON_LINUX },
	{ "QUIC", 0 }, { "PROMEX", 1 }, { "LIBEVENT", 1 }, { "YAML", 1 },
};

const struct cfg_feature *cfg_cond_feature_table(size_t *n)
{
	for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
		if (features[i].present < 0) {
			uint32_t jit = 0;
			pcre2_config(PCRE2_CONFIG_JIT, &jit);
			features[i].present = jit != 0;
		}
	}
	*n = ARRAY_SIZE(features);
	return features;
}

const char *cfg_cond_features(void)
{
	static char buf[1024];
	size_t n, used = 0;
	const struct cfg_feature *f = cfg_cond_feature_table(&n);

	for (size_t i = 0; i < n && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%c%s", i ? " " : "",
					 f[i].present ? '+' : '-', f[i].name);
	return buf;
}

static int feature_present(const char *name)
{
	size_t n;
	const struct cfg_feature *f = cfg_cond_feature_table(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return f[i].present;
	return 0;
}

/* ------------------------------------------------------------ versions */

/* A version: up to 4 numbers, then a stage (dev < pre < rc < release)
 * and the stage's number ("-dev3", "-rc1"; for a release "-N" counts
 * packaging revisions). */
struct version {
	long num[4];
	int stage;
	long stage_num;
};

enum { STAGE_DEV = 0, STAGE_PRE, STAGE_RC, STAGE_RELEASE };

static int version_suffix(const char *p, struct version *v)
{
	static const struct { const char *word; int stage; } stages[] = {
		{ "dev", STAGE_DEV }, { "pre", STAGE_PRE }, { "rc", STAGE_RC },
	};
	char *end;

	v->stage = STAGE_RELEASE;
	if (!*p)
		return 0;
	if (*p != '-' && *p != '+' && *p != '~')
		return -1;
	p++;
	for (size_t i = 0; i < ARRAY_SIZE(stages); i++) {
		size_t len = strlen(stages[i].word);
		if (strncmp(p, stages[i].word, len) == 0) {
			v->stage = stages[i].stage;
			v->stage_num = strtol(p + len, &end, 10);
			return 0;   /* anything after "-devN" (a commit id) is ignored */
		}
	}
	/* "-1+deb12u4", "-abcdef" (a packaging revision or a commit) */
	v->stage_num = isdigit((unsigned char)*p) ? strtol(p, &end, 10) : 0;
	return 0;
}

static int version_parse(const char *s, struct version *v)
{
	const char *p = s;
	int n = 0;

	memset(v, 0, sizeof(*v));
	if (!isdigit((unsigned char)*p))
		return -1;
	while (n < 4 && isdigit((unsigned char)*p)) {
		char *end;
		v->num[n++] = strtol(p, &end, 10);
		p = end;
		if (*p != '.' || !isdigit((unsigned char)p[1]))
			break;
		p++;
	}
	return version_suffix(p, v);
}

int cfg_version_compare(const char *a, const char *b)
{
	struct version va, vb;
	if (version_parse(a, &va) < 0 || version_parse(b, &vb) < 0)
		return -2;
	for (int i = 0; i < 4; i++)
		if (va.num[i] != vb.num[i])
			return va.num[i] < vb.num[i] ? -1 : 1;
	if (va.stage != vb.stage)
		return va.stage < vb.stage ? -1 : 1;
	if (va.stage_num != vb.stage_num)
		return va.stage_num < vb.stage_num ? -1 : 1;
	return 0;
}

/* ------------------------------------------------------------ parser */

struct cond_parser {
	const char *text;       /* the whole expression, for messages */
	const char *p;
	char *err;
	size_t errlen;
	int depth;
};

static void skip_spaces(struct cond_parser *cp)
{
	while (*cp->p == ' ' || *cp->p == '\t')
		cp->p++;
}

static int cond_fail(struct cond_parser *cp, const char *fmt, const char *arg)
{
	snprintf(cp->err, cp->errlen, fmt, arg, cp->text);
	return -1;
}

static const char pred_list[] = "defined(), feature(), streq(), strneq(), version_atleast(), version_before()";

/* One argument: up to ',' or ')', spaces trimmed, '...' and "..." quote,
 * backslash escapes the next character. */
static int cond_arg(struct cond_parser *cp, char *out)
{
	size_t n = 0, keep = 0;
	char quote = 0;

	skip_spaces(cp);
	for (; *cp->p; cp->p++) {
		char c = *cp->p;
		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (!quote && (c == '\'' || c == '"')) {
			quote = c;
			continue;
		}
		if (!quote && (c == ',' || c == ')'))
			break;
		if (c == '\\' && cp->p[1])
			c = *++cp->p;
		if (n + 1 >= COND_ARG_LEN) {
			out[n] = 0;
			return cond_fail(cp, "argument '%.40s...' is too long in conditional expression '%s'", out);
		}
		out[n++] = c;
		/* trailing spaces are dropped unless quoted or escaped */
		if (quote || (c != ' ' && c != '\t') || cp->p[-1] == '\\')
			keep = n;
	}
	if (quote)
		return cond_fail(cp, "missing closing quote %s in conditional expression '%s'",
				 quote == '"' ? "'\"'" : "\"'\"");
	out[keep] = 0;
	return 0;
}

static const struct cond_pred {
	const char *name;
	int nargs;
} cond_preds[] = {
	{ "defined", 1 }, { "feature", 1 }, { "streq", 2 }, { "strneq", 2 },
	{ "version_atleast", 1 }, { "version_before", 1 },
};

static const struct cond_pred *pred_lookup(const char *p, size_t *len)
{
	*len = 0;
	while (isalnum((unsigned char)p[*len]) || p[*len] == '_')
		(*len)++;
	for (size_t i = 0; i < ARRAY_SIZE(cond_preds); i++)
		if (strlen(cond_preds[i].name) == *len && strncmp(p, cond_preds[i].name, *len) == 0)
			return &cond_preds[i];
	return NULL;
}

static int pred_args(struct cond_parser *cp, const struct cond_pred *pr, char args[][COND_ARG_LEN])
{
	int n = 0;

	if (*cp->p != '(') {
		snprintf(cp->err, cp->errlen, "predicate '%s' expects %d argument%s in parentheses in "
			 "conditional expression '%s'", pr->name, pr->nargs, pr->nargs > 1 ? "s" : "", cp->text);
		return -1;
	}
	cp->p++;
	skip_spaces(cp);
	if (*cp->p != ')') {
		for (;;) {
			if (n == COND_MAX_ARGS) {
				n++;    /* too many: reported below */
				break;
			}
			if (cond_arg(cp, args[n++]) < 0)
				return -1;
			if (*cp->p != ',')
				break;
			cp->p++;
		}
		if (n <= COND_MAX_ARGS && *cp->p != ')')
			return cond_fail(cp, "missing ')' after the arguments of predicate '%s' in "
					 "conditional expression '%s'", pr->name);
	}
	if (n != pr->nargs) {
		snprintf(cp->err, cp->errlen, "predicate '%s' expects %d argument%s but got %s%d in conditional "
			 "expression '%s'", pr->name, pr->nargs, pr->nargs > 1 ? "s" : "",
			 n > COND_MAX_ARGS ? "more than " : "", n > COND_MAX_ARGS ? COND_MAX_ARGS : n, cp->text);
		return -1;
	}
	cp->p++;
	return 0;
}

static int pred_version(struct cond_parser *cp, const struct cond_pred *pr, const char *ver)
{
	int cmp = cfg_version_compare(PACKAGE_VERSION, ver);
	if (cmp == -2) {
		snprintf(cp->err, cp->errlen, "invalid version '%s' in argument 1 of predicate '%s' used in "
			 "conditional expression '%s' (expects a version such as 2.6 or 2.6.12)",
			 ver, pr->name, cp->text);
		return -1;
	}
	return strcmp(pr->name, "version_atleast") == 0 ? cmp >= 0 : cmp < 0;
}

static int cond_pred(struct cond_parser *cp)
{
	char args[COND_MAX_ARGS][COND_ARG_LEN] = { "", "" };
	size_t len;
	const struct cond_pred *pr = pred_lookup(cp->p, &len);

	if (!pr) {
		snprintf(cp->err, cp->errlen, "unparsable conditional expression '%s' (expects 0, 1, a predicate "
			 "among %s, '!', or a parenthesised expression)", cp->p, pred_list);
		return -1;
	}
	cp->p += len;
	if (pred_args(cp, pr, args) < 0)
		return -1;
	switch (pr - cond_preds) {
	case 0: return getenv(args[0]) != NULL;
	case 1: return feature_present(args[0]);
	case 2: return strcmp(args[0], args[1]) == 0;
	case 3: return strcmp(args[0], args[1]) != 0;
	default: return pred_version(cp, pr, args[0]);
	}
}

static int cond_expr(struct cond_parser *cp);

static int cond_term(struct cond_parser *cp)
{
	int neg = 0, val;
	char *end;

	skip_spaces(cp);
	while (*cp->p == '!') {
		neg = !neg;
		cp->p++;
		skip_spaces(cp);
	}
	if (!*cp->p)
		return cond_fail(cp, "missing term%s at the end of conditional expression '%s'",
				 neg ? " after '!'" : "");
	long num = strtol(cp->p, &end, 0);
	if (end != cp->p) {
		cp->p = end;
		val = num != 0;
	} else if (*cp->p == '(') {
		if (++cp->depth > COND_MAX_DEPTH)
			return cond_fail(cp, "too many nested parentheses%s in conditional expression '%s'", "");
		cp->p++;
		if ((val = cond_expr(cp)) < 0)
			return -1;
		skip_spaces(cp);
		if (*cp->p != ')')
			return cond_fail(cp, "expected ')' after conditional expression '%s'%.0s", cp->text);
		cp->p++;
		cp->depth--;
	} else if ((val = cond_pred(cp)) < 0) {
		return -1;
	}
	skip_spaces(cp);
	return neg ? !val : val;
}

/* term { "&&" term } */
static int cond_and(struct cond_parser *cp)
{
	int val = cond_term(cp);
	while (val >= 0 && cp->p[0] == '&' && cp->p[1] == '&') {
		cp->p += 2;
		int right = cond_term(cp);
		if (right < 0)
			return -1;
		val = val && right;
	}
	return val;
}

/* and { "||" and } */
static int cond_expr(struct cond_parser *cp)
{
	int val = cond_and(cp);
	while (val >= 0 && cp->p[0] == '|' && cp->p[1] == '|') {
		cp->p += 2;
		int right = cond_and(cp);
		if (right < 0)
			return -1;
		val = val || right;
	}
	return val;
}

int cfg_cond_eval(const char *expr, char *err, size_t errlen)
{
	struct cond_parser cp = { expr, expr, err, errlen, 0 };
	int val;

	if (errlen)
		err[0] = 0;
	skip_spaces(&cp);
	if (!*cp.p)
		return 0;    /* an empty condition is false */
	val = cond_expr(&cp);
	if (val < 0)
		return -1;
	if (*cp.p) {
		snprintf(err, errlen, "unexpected character '%c' at the end of conditional expression '%s'",
			 *cp.p, expr);
		return -1;
	}
	return val;
}
