/*
 * Patterns of ACLs and map files, parsed for their matcher so the workers
 * only compare: integers and lengths become inclusive ranges ("9:17",
 * "9-17", "gt 100"), addresses become networks, regexes are compiled with
 * PCRE2 (JIT when available), hex strings are decoded. Also loads `-f`
 * pattern files and map files. Runs in the master at load time; the
 * results live in the model's arena (compiled regexes are freed with it).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "acl-int.h"

static const char *const match_names[PAT_MATCH__COUNT] = {
	[PAT_MATCH_FOUND] = "found", [PAT_MATCH_BOOL] = "bool", [PAT_MATCH_INT] = "int",
	[PAT_MATCH_IP] = "ip", [PAT_MATCH_BIN] = "bin", [PAT_MATCH_LEN] = "len",
	[PAT_MATCH_STR] = "str", [PAT_MATCH_BEG] = "beg", [PAT_MATCH_SUB] = "sub",
	[PAT_MATCH_DOM] = "dom", [PAT_MATCH_END] = "end", [PAT_MATCH_REG] = "reg",
	[PAT_MATCH_DIR] = "dir", [PAT_MATCH_METH] = "meth",
};

int pat_match_by_name(const char *name)
{
	/* "meth" is implied by `method`, never written with -m */
	for (int i = 0; i < PAT_MATCH_METH; i++)
		if (!strcmp(name, match_names[i]))
			return i;
	return -1;
}

const char *pat_match_name(int match)
{
	return match >= 0 && match < PAT_MATCH__COUNT ? match_names[match] : "?";
}

enum smp_type pat_match_input(int match)
{
	switch (match) {
	case PAT_MATCH_FOUND: return SMP_T_ANY;
	case PAT_MATCH_BOOL: return SMP_T_BOOL;
	case PAT_MATCH_INT: return SMP_T_SINT;
	case PAT_MATCH_IP: return SMP_T_ADDR;
	case PAT_MATCH_BIN: return SMP_T_BIN;
	case PAT_MATCH_METH: return SMP_T_METH;
	default: return SMP_T_STR;
	}
}

int pat_match_default(enum smp_type t)
{
	switch (t) {
	case SMP_T_BOOL: return PAT_MATCH_BOOL;
	case SMP_T_SINT: return PAT_MATCH_INT;
	case SMP_T_ADDR: case SMP_T_IPV4: case SMP_T_IPV6: return PAT_MATCH_IP;
	case SMP_T_BIN: return PAT_MATCH_BIN;
	case SMP_T_METH: return PAT_MATCH_METH;
	default: return PAT_MATCH_STR;
	}
}

enum pat_op pat_op_by_name(const char *s)
{
	static const char *const ops[] = { "eq", "ge", "gt", "le", "lt" };
	for (unsigned i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(s, ops[i]))
			return (enum pat_op)(i + 1);
	return PAT_OP_NONE;
}

/* ------------------------------------------------ regexes */

static void regex_free(void *re)
{
	pcre2_code_free(re);
}

void *pat_regex_compile(struct arena *a, const char *re, int icase, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
				      icase ? PCRE2_CASELESS : 0, &code, &off, NULL);
	if (!c) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "regex '%s' is invalid (error=%s, erroffset=%zu)", re,
			 (const char *)msg, (size_t)off);
		return NULL;
	}
	/* JIT is an optimisation: without it (no JIT support, W^X policy) the
	 * interpreter gives the same results. */
	(void)pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	arena_on_free(a, regex_free, c);
	return c;
}

/* ------------------------------------------------ integers */

static int parse_bound(const char *s, size_t n, long long *out)
{
	char buf[32], *end;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return (*end || errno) ? -1 : 0;
}

/* "N", "N:M", "N-M", ":M", "N:" (HAProxy accepts both ':' and '-'). */
static int parse_range(const char *s, struct pattern *p)
{
	const char *sep = strchr(s, ':');
	if (!sep && *s)
		sep = strchr(s + 1, '-');  /* a leading '-' is a sign */
	if (!sep) {
		if (parse_bound(s, strlen(s), &p->u.range.min) < 0)
			return -1;
		p->u.range.max = p->u.range.min;
		p->u.range.has_min = p->u.range.has_max = 1;
		return 0;
	}
	p->u.range.has_min = sep > s;
	p->u.range.has_max = sep[1] != 0;
	if (!p->u.range.has_min && !p->u.range.has_max)
		return -1;
	if (p->u.range.has_min && parse_bound(s, (size_t)(sep - s), &p->u.range.min) < 0)
		return -1;
	if (p->u.range.has_max && parse_bound(sep + 1, strlen(sep + 1), &p->u.range.max) < 0)
		return -1;
	if (p->u.range.has_min && p->u.range.has_max && p->u.range.min > p->u.range.max)
		return -1;
	return 0;
}

static int parse_int_pat(const char *text, enum pat_op op, struct pattern *p, char *err,
			 size_t errlen)
{
	if (parse_range(text, p) < 0) {
		snprintf(err, errlen, "'%s' is not a number or a range (write 'N', 'N:M' or "
			 "'N-M', optionally after 'eq', 'ge', 'gt', 'le' or 'lt')", text);
		return -1;
	}
	if (op == PAT_OP_NONE || op == PAT_OP_EQ)
		return 0;
	if (p->u.range.min != p->u.range.max || !p->u.range.has_min || !p->u.range.has_max) {
		snprintf(err, errlen, "an operator cannot be combined with the range '%s'", text);
		return -1;
	}
	long long v = p->u.range.min;
	p->u.range.has_min = op == PAT_OP_GE || op == PAT_OP_GT;
	p->u.range.has_max = !p->u.range.has_min;
	if (op == PAT_OP_GT)
		p->u.range.min = v == LLONG_MAX ? v : v + 1;
	if (op == PAT_OP_LT)
		p->u.range.max = v == LLONG_MIN ? v : v - 1;
	return 0;
}

/* ------------------------------------------------ addresses */

static int v4_mask_bits(const char *s)
{
	struct in_addr m;
	char *end;
	long bits = strtol(s, &end, 10);
	if (*s && !*end)
		return bits >= 0 && bits <= 32 ? (int)bits : -1;
	if (inet_pton(AF_INET, s, &m) != 1)
		return -1;
	uint32_t v = ntohl(m.s_addr);
	int n = 0;
	while (n < 32 && (v & (0x80000000u >> n)))
		n++;
	return (n < 32 && (v << n)) ? -1 : n;
}

static void clear_host_bits(unsigned char *addr, int len, int bits)
{
	for (int i = 0; i < len; i++) {
		int keep = bits - i * 8;
		if (keep >= 8)
			continue;
		addr[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

int pat_parse_net(const char *text, struct pattern *p, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	if (n >= sizeof(buf))
		goto bad;
	memcpy(buf, text, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, p->u.net.addr) == 1) {
		p->u.net.family = AF_INET;
		p->u.net.bits = slash ? v4_mask_bits(slash + 1) : 32;
		if (p->u.net.bits < 0)
			goto bad;
		clear_host_bits(p->u.net.addr, 4, p->u.net.bits);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, p->u.net.addr) == 1) {
		char *end;
		long bits = slash ? strtol(slash + 1, &end, 10) : 128;
		if (slash && (!slash[1] || *end || bits < 0 || bits > 128))
			goto bad;
		p->u.net.family = AF_INET6;
		p->u.net.bits = (int)bits;
		clear_host_bits(p->u.net.addr, 16, p->u.net.bits);
		return 0;
	}
bad:
	snprintf(err, errlen, "'%s' is not a valid IPv4 or IPv6 address or network (weir does "
		 "not resolve host names in patterns)", text);
	return -1;
}

/* ------------------------------------------------ other kinds */

static int parse_hex(struct arena *a, const char *text, struct pattern *p, char *err,
		     size_t errlen)
{
	size_t n = strlen(text);
	if (n % 2)
		goto bad;
	p->u.str.s = arena_alloc(a, n / 2 + 1);
	p->u.str.len = n / 2;
	for (size_t i = 0; i < n; i += 2) {
		if (!isxdigit((unsigned char)text[i]) || !isxdigit((unsigned char)text[i + 1]))
			goto bad;
		char byte[3] = { text[i], text[i + 1], 0 };
		p->u.str.s[i / 2] = (char)strtol(byte, NULL, 16);
	}
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not an even-length hexadecimal string", text);
	return -1;
}

static int parse_meth(const char *text, char *err, size_t errlen)
{
	for (const char *s = text; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s)) {
			snprintf(err, errlen, "'%s' is not a valid HTTP method", text);
			return -1;
		}
	return *text ? 0 : -1;
}

int pat_add(struct arena *a, struct pat_list *list, const char *text, enum pat_op op,
	    char *err, size_t errlen)
{
	struct pattern *p = arena_alloc(a, sizeof(*p));
	p->text = arena_strdup(a, text);
	p->u.str.s = p->text;
	p->u.str.len = strlen(text);
	int rc = 0;
	switch (list->match) {
	case PAT_MATCH_FOUND:
	case PAT_MATCH_BOOL:
		snprintf(err, errlen, "'-m %s' takes no pattern, but got '%s'",
			 pat_match_name(list->match), text);
		return -1;
	case PAT_MATCH_INT:
	case PAT_MATCH_LEN:
		rc = parse_int_pat(text, op, p, err, errlen);
		break;
	case PAT_MATCH_IP:
		rc = pat_parse_net(text, p, err, errlen);
		break;
	case PAT_MATCH_BIN:
		rc = parse_hex(a, text, p, err, errlen);
		break;
	case PAT_MATCH_REG:
		p->u.re = pat_regex_compile(a, text, list->icase, err, errlen);
		rc = p->u.re ? 0 : -1;
		break;
	case PAT_MATCH_METH:
		rc = parse_meth(text, err, errlen);
		break;
	default:
		break;
	}
	if (rc < 0)
		return -1;
	vec_push(a, &list->pats, p);
	return 0;
}

/* ------------------------------------------------ files */

static int map_value_check(const char *v, enum smp_type t, char *err, size_t errlen)
{
	struct pattern tmp;
	char *end;
	if (t == SMP_T_SINT) {
		errno = 0;
		(void)strtoll(v, &end, 10);
		if (!*v || *end || errno) {
			snprintf(err, errlen, "value '%s' is not an integer", v);
			return -1;
		}
	} else if (t == SMP_T_ADDR && pat_parse_net(v, &tmp, err, errlen) < 0) {
		return -1;
	}
	return 0;
}

/* One line of a pattern or map file; blank lines and '#' comments skip. */
static int load_line(struct arena *a, struct pat_list *list, char *line, int is_map,
		     enum smp_type vt, char *err, size_t errlen)
{
	char *value = NULL;
	line[strcspn(line, "\r\n")] = 0;
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#')
		return 0;
	if (is_map) {
		size_t k = strcspn(line, " \t");
		if (line[k]) {
			line[k] = 0;
			value = line + k + 1;
			value += strspn(value, " \t");
			size_t vl = strlen(value);
			while (vl && (value[vl - 1] == ' ' || value[vl - 1] == '\t'))
				value[--vl] = 0;
		}
		if (!value || !*value) {
			snprintf(err, errlen, "key '%.200s' has no value", line);
			return -1;
		}
		if (map_value_check(value, vt, err, errlen) < 0)
			return -1;
	}
	if (pat_add(a, list, line, PAT_OP_NONE, err, errlen) < 0)
		return -1;
	if (value)
		((struct pattern *)list->pats.v[list->pats.n - 1])->value = arena_strdup(a, value);
	return 0;
}

int pat_load_file(struct arena *a, struct pat_list *list, const char *path, int is_map,
		  enum smp_type value_type, char *err, size_t errlen)
{
	char line[4096], m[512];
	int lineno = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "failed to open %s file '%s' : %s", is_map ? "map" : "pattern",
			 path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (load_line(a, list, line, is_map, value_type, m, sizeof(m)) < 0) {
			snprintf(err, errlen, "%s file '%s' line %d : %s", is_map ? "map" : "pattern",
				 path, lineno, m);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}
