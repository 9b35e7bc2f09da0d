/*
 * Run-time ACLs: the matchers (-m str, beg, end, sub, reg, dom, dir, len,
 * int, ip, bin, bool, found, and the method matcher), pattern-list lookups
 * (ACLs and maps), ACL lines and if/unless conditions. Runs in the
 * workers on the request path: nothing allocates; regexes run with the
 * process's match-data block. Touches no shared memory.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "acl-int.h"
#include "smp-rt-int.h"

/* ------------------------------------------------ string matchers */

static int cmp(const char *a, const char *b, size_t n, int icase)
{
	return icase ? strncasecmp(a, b, n) : memcmp(a, b, n);
}

static int m_sub(const char *s, size_t n, const char *p, size_t pl, int icase)
{
	if (pl > n)
		return 0;
	if (!icase)
		return memmem(s, n, p, pl) != NULL;
	for (size_t i = 0; i + pl <= n; i++)
		if (!strncasecmp(s + i, p, pl))
			return 1;
	return 0;
}

/* -m dom and -m dir: the pattern, stripped of delimiters at its ends,
 * must appear between delimiters (or the ends) of the value. */
static int m_word(const char *s, size_t n, const char *p, size_t pl, int icase,
		  const char *delims)
{
	while (pl && strchr(delims, *p))
		p++, pl--;
	while (pl && strchr(delims, p[pl - 1]))
		pl--;
	if (!pl || pl > n)
		return 0;
	for (size_t i = 0; i + pl <= n; i++) {
		if (i && !strchr(delims, s[i - 1]))
			continue;
		if (i + pl < n && !strchr(delims, s[i + pl]))
			continue;
		if (!cmp(s + i, p, pl, icase))
			return 1;
	}
	return 0;
}

static int m_reg(const struct pattern *p, const char *s, size_t n)
{
	pcre2_match_data *md = smp_match_data();
	return md && pcre2_match(p->u.re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

static int m_range(const struct pattern *p, long long v)
{
	return (!p->u.range.has_min || v >= p->u.range.min) &&
	       (!p->u.range.has_max || v <= p->u.range.max);
}

/* ------------------------------------------------ addresses */

static int net_eq(const unsigned char *a, const unsigned char *net, int bits)
{
	int full = bits / 8, rest = bits % 8;
	if (memcmp(a, net, (size_t)full))
		return 0;
	return !rest || ((a[full] ^ net[full]) & (0xff << (8 - rest))) == 0;
}

/* An IPv4 pattern matches an IPv4-mapped IPv6 address and the reverse. */
int pat_ip_match(const struct pattern *p, const struct smp_val *v)
{
	unsigned char m6[16] = { [10] = 0xff, [11] = 0xff };
	if (p->u.net.family == AF_INET) {
		if (v->type == SMP_T_IPV4)
			return net_eq((const unsigned char *)&v->ip4, p->u.net.addr, p->u.net.bits);
		return IN6_IS_ADDR_V4MAPPED(&v->ip6) &&
		       net_eq(&v->ip6.s6_addr[12], p->u.net.addr, p->u.net.bits);
	}
	if (v->type == SMP_T_IPV6)
		return net_eq(v->ip6.s6_addr, p->u.net.addr, p->u.net.bits);
	memcpy(m6 + 12, &v->ip4, 4);
	return net_eq(m6, p->u.net.addr, p->u.net.bits);
}

/* ------------------------------------------------ one pattern */

static int match_one(const struct pat_list *pl, const struct pattern *p, const struct smp_val *v)
{
	const char *s = v->str.ptr, *ps = p->u.str.s;
	size_t n = v->str.len, pn = p->u.str.len;
	int ic = pl->icase;
	switch (pl->match) {
	case PAT_MATCH_STR:
	case PAT_MATCH_METH:
		return n == pn && !cmp(s, ps, n, ic);
	case PAT_MATCH_BIN:
		return n == pn && !memcmp(s, ps, n);
	case PAT_MATCH_BEG:
		return n >= pn && !cmp(s, ps, pn, ic);
	case PAT_MATCH_END:
		return n >= pn && !cmp(s + n - pn, ps, pn, ic);
	case PAT_MATCH_SUB:
		return m_sub(s, n, ps, pn, ic);
	case PAT_MATCH_DOM:
		return m_word(s, n, ps, pn, ic, "/?.:");
	case PAT_MATCH_DIR:
		return m_word(s, n, ps, pn, ic, "/?");
	case PAT_MATCH_REG:
		return m_reg(p, s, n);
	case PAT_MATCH_LEN:
		return m_range(p, (long long)n);
	case PAT_MATCH_INT:
		return m_range(p, v->sint);
	case PAT_MATCH_IP:
		return pat_ip_match(p, v);
	default:
		return 0;
	}
}

/* The input a matcher reads: -m len reads a string's length, -m str a
 * method's text. */
static enum smp_type match_input(int match)
{
	return match == PAT_MATCH_METH ? SMP_T_STR : pat_match_input(match);
}

const struct pattern *pat_list_match(const struct pat_list *pl, const struct smp_val *v,
				     struct smp_ctx *c)
{
	struct smp_val x = *v;
	const struct pattern *p;
	if (smp_cast(&x, match_input(pl->match), c) < 0)
		return NULL;
	if (pl->match == PAT_MATCH_IP && pl->idx)
		return pat_ipidx_lookup(pl->idx, &x);
	VEC_EACH(&pl->pats, const struct pattern *, p)
		if (match_one(pl, p, &x))
			return p;
	return NULL;
}

/* ------------------------------------------------ ACLs and conditions */

static int value_matches(const struct acl_expr *e, struct smp_val *v, struct smp_ctx *c)
{
	if (e->pats.match == PAT_MATCH_FOUND)
		return 1;
	if (e->pats.match == PAT_MATCH_BOOL) {
		struct smp_val x = *v;
		return smp_cast(&x, SMP_T_BOOL, c) == 0 && x.sint;
	}
	return pat_list_match(&e->pats, v, c) != NULL;
}

int acl_expr_eval(const struct acl_expr *e, struct smp_ctx *c)
{
	struct smp_val v;
	size_t mark = c->scr.used;
	int r = 0;
	memset(&v, 0, sizeof(v));
	v.it_mode = 1;
	for (;;) {
		if (sample_eval(e->smp, c, &v) == 0 && value_matches(e, &v, c)) {
			r = 1;
			break;
		}
		if (!(v.flags & SMP_VF_MORE))
			break;
		c->scr.used = mark;   /* the values tried so far are done with */
	}
	c->scr.used = mark;
	return r;
}

/* An ACL name declared on several lines is the OR of its lines. */
static int acl_def_eval(const struct acl_def *d, struct smp_ctx *c)
{
	const struct acl_expr *e;
	VEC_EACH(&d->exprs, const struct acl_expr *, e)
		if (acl_expr_eval(e, c))
			return 1;
	return 0;
}

/* Suites are ORed, the terms of a suite ANDed; evaluation stops at the
 * first term that decides, as HAProxy's does. */
int acl_cond_eval(const struct acl_cond *cond, struct smp_ctx *c)
{
	const struct acl_suite *s;
	const struct acl_term *t;
	int r = 0;
	if (!cond)
		return 1;
	VEC_EACH(&cond->suites, const struct acl_suite *, s) {
		r = 1;
		VEC_EACH(&s->terms, const struct acl_term *, t)
			if (acl_def_eval(t->acl, c) == t->neg) {
				r = 0;
				break;
			}
		if (r)
			break;
	}
	return cond->pol == ACL_COND_UNLESS ? !r : r;
}
