/*
 * Arguments of fetches and converters: typed parsing (integers, masks,
 * variables, regexes) and the per-keyword checkers named in the fetch and
 * converter tables (`uuid(4)`, `ltime(<format>)`, `map(<file>)`, ...).
 * Runs in the master at load time; results live in the model's arena.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "acl-int.h"
#include "smp-rt-int.h"

const char *smp_argt_name(enum smp_argt t)
{
	static const char *const names[ARGT__COUNT] = {
		"none", "string", "integer", "frontend", "backend", "table", "server",
		"userlist", "map", "regex", "variable", "IPv4 mask", "IPv6 mask", "time",
	};
	return (unsigned)t < ARGT__COUNT ? names[t] : "?";
}

static int parse_ll(const char *s, long long *out)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return (*end || errno) ? -1 : 0;
}

/* An IPv4 mask: a prefix length or a dotted netmask with contiguous bits. */
static int parse_mask4(const char *s, struct sample_arg *arg)
{
	long long bits;
	struct in_addr in;
	if (parse_ll(s, &bits) == 0) {
		if (bits < 0 || bits > 32)
			return -1;
		arg->u.mask.bits = (int)bits;
		return 0;
	}
	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	uint32_t m = ntohl(in.s_addr);
	int n = 0;
	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	if (n < 32 && (m << n) != 0)
		return -1;  /* holes in the mask */
	arg->u.mask.bits = n;
	return 0;
}

int smp_var_parse(struct arena *a, const char *text, struct sample_arg *arg,
		  char *err, size_t errlen)
{
	static const char *const scopes[] = { "proc", "sess", "txn", "req", "res", "check" };
	const char *dot = strchr(text, '.');
	size_t n = dot ? (size_t)(dot - text) : 0;
	for (unsigned i = 0; dot && i < ARRAY_SIZE(scopes); i++) {
		if (strlen(scopes[i]) != n || strncmp(text, scopes[i], n) != 0)
			continue;
		if (!dot[1]) {
			snprintf(err, errlen, "missing variable name after '%s'", text);
			return -1;
		}
		for (const char *p = dot + 1; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.') {
				snprintf(err, errlen, "invalid character '%c' in variable name '%s'",
					 *p, text);
				return -1;
			}
		arg->u.var.scope = (enum smp_var_scope)i;
		arg->u.var.name = arena_strdup(a, dot + 1);
		return 0;
	}
	snprintf(err, errlen, "invalid variable name '%s'. A variable name must start with its "
		 "scope: 'proc', 'sess', 'txn', 'req', 'res' or 'check' (e.g. 'txn.%s')", text,
		 dot ? dot + 1 : text);
	return -1;
}

int smp_arg_parse(struct cfg_ctx *ctx, enum smp_argt t, const char *text,
		  struct sample_arg *arg, char *err, size_t errlen)
{
	arg->type = t;
	arg->text = arena_strdup(ctx->arena, text);
	switch (t) {
	case ARGT_SINT:
		if (parse_ll(text, &arg->u.sint) == 0)
			return 0;
		break;
	case ARGT_TIME: {
		int ms;
		if (cfg_parse_time(text, &ms, err, errlen) < 0)
			return -1;
		arg->u.sint = ms;
		return 0;
	}
	case ARGT_MSK4:
		if (parse_mask4(text, arg) == 0)
			return 0;
		break;
	case ARGT_MSK6: {
		long long bits;
		if (parse_ll(text, &bits) == 0 && bits >= 0 && bits <= 128) {
			arg->u.mask.bits = (int)bits;
			return 0;
		}
		break;
	}
	case ARGT_VAR:
		return smp_var_parse(ctx->arena, text, arg, err, errlen);
	case ARGT_REG:
		arg->u.re = pat_regex_compile(ctx->arena, text, 0, err, errlen);
		return arg->u.re ? 0 : -1;
	case ARGT_FE: case ARGT_BE: case ARGT_TAB: case ARGT_SRV: case ARGT_USR:
		if (*text)
			return 0;  /* resolved after the last file */
		snprintf(err, errlen, "empty %s name", smp_argt_name(t));
		return -1;
	default:
		return 0;
	}
	snprintf(err, errlen, "failed to parse '%s' as type '%s'", text, smp_argt_name(t));
	return -1;
}

/* ------------------------------------------------ checkers */

static int chk_fail(struct smp_check *c, const char *fmt, const char *arg)
{
	snprintf(c->err, c->errlen, fmt, arg);
	return -1;
}

int smp_chk_ctr(struct smp_check *c)
{
	/* HAProxy's default build tracks 3 counters: sc0, sc1, sc2 */
	if (c->args[0].u.sint < 0 || c->args[0].u.sint > 2)
		return chk_fail(c, "invalid stick counter '%s': it must be 0, 1 or 2 "
				"(sc0, sc1, sc2)", c->args[0].text);
	return 0;
}

int smp_chk_uuid(struct smp_check *c)
{
	if (c->nargs > 0 && c->args[0].u.sint != 4)
		return chk_fail(c, "unsupported UUID version '%s': only version 4 is supported",
				c->args[0].text);
	return 0;
}

int smp_chk_date(struct smp_check *c)
{
	if (c->nargs < 2)
		return 0;
	const char *u = c->args[1].text;
	if (strcmp(u, "s") && strcmp(u, "ms") && strcmp(u, "us"))
		return chk_fail(c, "invalid unit '%s': expected 's', 'ms' or 'us'", u);
	return 0;
}

int smp_chk_const_bool(struct smp_check *c)
{
	const char *s = c->args[0].text;
	if (!strcmp(s, "true") || !strcmp(s, "1")) {
		c->args[0].u.sint = 1;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "0")) {
		c->args[0].u.sint = 0;
		return 0;
	}
	return chk_fail(c, "'%s' is not a boolean: expected 'true', 'false', '1' or '0'", s);
}

int smp_chk_const_int(struct smp_check *c)
{
	if (parse_ll(c->args[0].text, &c->args[0].u.sint) < 0)
		return chk_fail(c, "'%s' is not an integer", c->args[0].text);
	return 0;
}

int smp_chk_const_bin(struct smp_check *c)
{
	const char *s = c->args[0].text;
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return chk_fail(c, "'%s' is not a hexadecimal string", s);
	if (n % 2)
		return chk_fail(c, "'%s' has an odd number of hexadecimal digits", s);
	return 0;
}

int smp_chk_const_ipv4(struct smp_check *c)
{
	struct in_addr a;
	if (inet_pton(AF_INET, c->args[0].text, &a) != 1)
		return chk_fail(c, "'%s' is not an IPv4 address", c->args[0].text);
	return 0;
}

int smp_chk_const_ipv6(struct smp_check *c)
{
	struct in6_addr a;
	if (inet_pton(AF_INET6, c->args[0].text, &a) != 1)
		return chk_fail(c, "'%s' is not an IPv6 address", c->args[0].text);
	return 0;
}

int smp_chk_const_meth(struct smp_check *c)
{
	const char *s = c->args[0].text;
	if (!*s)
		return chk_fail(c, "empty method%s", "");
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s))
			return chk_fail(c, "'%s' is not a valid HTTP method", c->args[0].text);
	return 0;
}

int smp_chk_dn(struct smp_check *c)
{
	if (c->nargs >= 3 && *c->args[2].text && strcmp(c->args[2].text, "rfc2253") != 0)
		return chk_fail(c, "invalid format '%s': only 'rfc2253' or an empty value is "
				"supported", c->args[2].text);
	if (c->nargs >= 2 && !*c->args[0].text)
		return chk_fail(c, "an occurrence needs an entry name%s", "");
	return 0;
}

int smp_chk_ltime(struct smp_check *c)
{
	if (!*c->args[0].text)
		return chk_fail(c, "empty time format%s", "");
	return 0;
}

int smp_chk_field(struct smp_check *c)
{
	if (c->args[0].u.sint == 0)
		return chk_fail(c, "field index must not be 0 (fields count from 1, or from -1 "
				"at the end)%s", "");
	if (!*c->args[1].text)
		return chk_fail(c, "empty delimiter list%s", "");
	if (c->nargs >= 3 && c->args[2].u.sint < 0)
		return chk_fail(c, "negative field count '%s'", c->args[2].text);
	return 0;
}

int smp_chk_json(struct smp_check *c)
{
	static const char *const codes[] = { "", "ascii", "utf8", "utf8s", "utf8p", "utf8ps" };
	if (c->nargs == 0)
		return 0;
	for (unsigned i = 0; i < ARRAY_SIZE(codes); i++)
		if (!strcmp(c->args[0].text, codes[i]))
			return 0;
	return chk_fail(c, "unexpected input code type '%s': allowed values are 'ascii', "
			"'utf8', 'utf8s', 'utf8p' and 'utf8ps'", c->args[0].text);
}

int smp_chk_sha2(struct smp_check *c)
{
	if (c->nargs == 0)
		return 0;
	long long b = c->args[0].u.sint;
	if (b != 224 && b != 256 && b != 384 && b != 512)
		return chk_fail(c, "unsupported number of bits '%s': expected 224, 256, 384 "
				"or 512", c->args[0].text);
	return 0;
}

int smp_chk_digest(struct smp_check *c)
{
	if (!EVP_get_digestbyname(c->args[0].text))
		return chk_fail(c, "'%s' is not an OpenSSL message digest (e.g. sha256)",
				c->args[0].text);
	return 0;
}

int smp_chk_hmac(struct smp_check *c)
{
	if (smp_chk_digest(c) < 0)
		return -1;
	if (!*c->args[1].text)
		return chk_fail(c, "empty key%s", "");
	return 0;
}

int smp_chk_regsub(struct smp_check *c)
{
	int icase = 0;
	if (c->nargs < 3)
		return 0;
	for (const char *f = c->args[2].text; *f; f++) {
		if (*f == 'i')
			icase = 1;
		else if (*f != 'g') {
			char fl[2] = { *f, 0 };
			return chk_fail(c, "invalid regex flag '%s': only 'i' and 'g' are "
					"supported", fl);
		}
	}
	if (icase) {
		void *re = pat_regex_compile(c->ctx->arena, c->args[0].text, 1, c->err, c->errlen);
		if (!re)
			return -1;
		c->args[0].u.re = re;
	}
	return 0;
}

/* add(3) or add(txn.x): an integer, or a variable read at run time. */
int smp_chk_int_or_var(struct smp_check *c)
{
	struct sample_arg *a = &c->args[0];
	if (parse_ll(a->text, &a->u.sint) == 0) {
		a->type = ARGT_SINT;
		return 0;
	}
	a->type = ARGT_VAR;
	if (smp_var_parse(c->ctx->arena, a->text, a, c->err, c->errlen) < 0) {
		size_t n = strlen(c->err);
		snprintf(c->err + n, c->errlen - n, "; '%s' expects an integer or a variable",
			 c->kw);
		return -1;
	}
	return 0;
}

int smp_chk_concat(struct smp_check *c)
{
	if (c->nargs < 2 || !*c->args[1].text)
		return 0;
	c->args[1].type = ARGT_VAR;
	return smp_var_parse(c->ctx->arena, c->args[1].text, &c->args[1], c->err, c->errlen);
}

int smp_chk_bytes(struct smp_check *c)
{
	if (c->args[0].u.sint < 0)
		return chk_fail(c, "negative offset '%s'", c->args[0].text);
	if (c->nargs >= 2 && c->args[1].u.sint <= 0)
		return chk_fail(c, "length must be positive, got '%s'", c->args[1].text);
	return 0;
}

/* map_<match>_<out>(<file>[,<default>]): the file must exist; it is loaded
 * now, keys parsed for the matcher and values for the output type. */
int smp_chk_map(struct smp_check *c)
{
	char match[16];
	const char *colon = strchr(c->param, ':');
	size_t n = (size_t)(colon - c->param);
	snprintf(match, sizeof(match), "%.*s", (int)n, c->param);
	enum smp_type out = !strcmp(colon + 1, "int") ? SMP_T_SINT :
			    !strcmp(colon + 1, "ip") ? SMP_T_ADDR : SMP_T_STR;
	struct pat_list *list = arena_alloc(c->ctx->arena, sizeof(*list));
	/* map_regm is a regex match whose groups feed the value */
	list->match = !strcmp(match, "regm") ? PAT_MATCH_REG : pat_match_by_name(match);
	if (pat_load_file(c->ctx->arena, list, c->args[0].text, 1, out, c->err, c->errlen) < 0)
		return -1;
	pat_list_index(c->ctx->arena, list);
	c->args[0].type = ARGT_MAP;
	c->args[0].data = list;
	if (c->nargs >= 2 && out == SMP_T_SINT) {
		long long v;
		if (parse_ll(c->args[1].text, &v) < 0)
			return chk_fail(c, "default value '%s' is not an integer", c->args[1].text);
	}
	return 0;
}
