/*
 * Sample evaluation at run time: a fetch then its converters, the casts
 * between sample types, the scratch space, the per-session variables and
 * the per-process random generator of uuid() and rand(). Runs in the
 * workers on the request path: nothing here allocates after smp_rt_init().
 * Owns the process's PCRE2 match data and RNG state; touches no shared
 * memory.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "smp-rt-int.h"
#include "weir/util.h"

/* ------------------------------------------------ per-process state */

/* One match block for every regex: evaluation never nests two matches,
 * and a worker is one thread. 32 pairs cover map_regm and regsub. */
#define SMP_OVECTOR_PAIRS 32

static pcre2_match_data *match_data;
static uint64_t rng_s[4];
static int rt_ready;
static pid_t rng_pid;

/* xoshiro256** (Blackman & Vigna): fast, and good enough for uuid() and
 * rand(); nothing here needs to be unpredictable to an attacker beyond the
 * seed from getrandom(). */
static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
	uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;
	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rotl(rng_s[3], 45);
	return r;
}

/* Seeds from getrandom(); without an entropy source, time and pid still
 * differ per worker. */
static void rng_seed(void)
{
	if (getrandom(rng_s, sizeof(rng_s), 0) != (ssize_t)sizeof(rng_s)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		rng_s[0] = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
		rng_s[1] = (uint64_t)ts.tv_sec * 0x9e3779b97f4a7c15ull;
		rng_s[2] = ~rng_s[0];
		rng_s[3] = rng_s[1] ^ 0x5851f42d4c957f2dull;
	}
	if (!(rng_s[0] | rng_s[1] | rng_s[2] | rng_s[3]))
		rng_s[0] = 1;
	rng_pid = getpid();
}

int smp_rt_init(void)
{
	if (rt_ready)
		return 0;
	rng_seed();
	/* ltime() reads the zone once, before a chroot hides /etc/localtime */
	tzset();
	match_data = pcre2_match_data_create(SMP_OVECTOR_PAIRS, NULL);
	if (!match_data)
		return -1;
	rt_ready = 1;
	return 0;
}

void *smp_match_data(void)
{
	if (!rt_ready)
		(void)smp_rt_init();
	return match_data;
}

/* A child forked after the generator was seeded must not repeat its
 * parent's sequence (two workers handing out the same uuid): the pid
 * check reseeds it on its first draw. */
uint64_t smp_rand64(void)
{
	if (!rt_ready)
		(void)smp_rt_init();
	if (rng_pid != getpid())
		rng_seed();
	return rng_next();
}

/* RFC 9562 section 5.4: 122 random bits, version 4, variant 10. */
void smp_uuid4(char out[37])
{
	uint64_t hi = smp_rand64(), lo = smp_rand64();
	hi = (hi & ~0xf000ull) | 0x4000ull;
	lo = (lo & ~(3ull << 62)) | (2ull << 62);
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(hi >> 32),
		 (unsigned)(hi >> 16) & 0xffff, (unsigned)hi & 0xffff, (unsigned)(lo >> 48),
		 (unsigned long long)(lo & 0xffffffffffffull));
}

/* ------------------------------------------------ scratch */

char *smp_scratch_alloc(struct smp_ctx *c, size_t n)
{
	if (!c->scr.buf || c->scr.cap - c->scr.used < n)
		return NULL;
	char *p = c->scr.buf + c->scr.used;
	c->scr.used += n;
	return p;
}

void smp_set_str(struct smp_val *smp, const char *p, size_t n)
{
	smp->type = SMP_T_STR;
	smp->str.ptr = p;
	smp->str.len = n;
	smp->flags |= SMP_VF_CONST;
}

/* ------------------------------------------------ casts */

static int str_to_sint(struct smp_val *v)
{
	char buf[32], *end;
	size_t n = v->str.len;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v->str.ptr, n);
	buf[n] = 0;
	errno = 0;
	long long x = strtoll(buf, &end, 10);
	/* HAProxy reads the leading digits and ignores the rest ("12abc") */
	if (end == buf || errno)
		return -1;
	v->sint = x;
	return 0;
}

static int str_to_addr(struct smp_val *v, enum smp_type t)
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (v->str.len >= sizeof(buf))
		return -1;
	memcpy(buf, v->str.ptr, v->str.len);
	buf[v->str.len] = 0;
	if (t != SMP_T_IPV6 && inet_pton(AF_INET, buf, &v->ip4) == 1) {
		v->type = SMP_T_IPV4;
		return 0;
	}
	if (t != SMP_T_IPV4 && inet_pton(AF_INET6, buf, &v->ip6) == 1) {
		v->type = SMP_T_IPV6;
		return 0;
	}
	return -1;
}

static int to_text(struct smp_val *v, struct smp_ctx *c)
{
	char tmp[INET6_ADDRSTRLEN];
	int n;
	switch (v->type) {
	case SMP_T_BOOL:
	case SMP_T_SINT:
		n = snprintf(tmp, sizeof(tmp), "%lld", v->sint);
		break;
	case SMP_T_IPV4:
	case SMP_T_IPV6:
		inet_ntop(v->type == SMP_T_IPV4 ? AF_INET : AF_INET6,
			  v->type == SMP_T_IPV4 ? (const void *)&v->ip4 : (const void *)&v->ip6,
			  tmp, sizeof(tmp));
		n = (int)strlen(tmp);
		break;
	default:
		v->type = SMP_T_STR;   /* BIN, METH: the bytes already are the text */
		return 0;
	}
	char *p = smp_scratch_alloc(c, (size_t)n);
	if (!p)
		return -1;
	memcpy(p, tmp, (size_t)n);
	v->type = SMP_T_STR;
	v->str.ptr = p;
	v->str.len = (size_t)n;
	v->flags &= ~SMP_VF_CONST;
	return 0;
}

static const char *const meth_names[] = {
	[HTTP_METH_GET] = "GET", [HTTP_METH_HEAD] = "HEAD", [HTTP_METH_POST] = "POST",
	[HTTP_METH_PUT] = "PUT", [HTTP_METH_DELETE] = "DELETE", [HTTP_METH_CONNECT] = "CONNECT",
	[HTTP_METH_OPTIONS] = "OPTIONS", [HTTP_METH_TRACE] = "TRACE", [HTTP_METH_PATCH] = "PATCH",
};

static void str_to_meth(struct smp_val *v)
{
	v->sint = HTTP_METH_OTHER;
	for (unsigned i = 1; i < ARRAY_SIZE(meth_names); i++)
		if (strlen(meth_names[i]) == v->str.len &&
		    !memcmp(meth_names[i], v->str.ptr, v->str.len))
			v->sint = (long long)i;
	v->type = SMP_T_METH;
}

static int v4_to_v6(struct smp_val *v)
{
	memset(&v->ip6, 0, sizeof(v->ip6));
	v->ip6.s6_addr[10] = v->ip6.s6_addr[11] = 0xff;
	memcpy(&v->ip6.s6_addr[12], &v->ip4, 4);
	v->type = SMP_T_IPV6;
	return 0;
}

static int v6_to_v4(struct smp_val *v)
{
	if (!IN6_IS_ADDR_V4MAPPED(&v->ip6))
		return -1;
	memcpy(&v->ip4, &v->ip6.s6_addr[12], 4);
	v->type = SMP_T_IPV4;
	return 0;
}

static int cast_addr(struct smp_val *v, enum smp_type t)
{
	switch (v->type) {
	case SMP_T_IPV4:
		return t == SMP_T_IPV6 ? v4_to_v6(v) : 0;
	case SMP_T_IPV6:
		return t == SMP_T_IPV4 ? v6_to_v4(v) : 0;
	case SMP_T_SINT:
		if (t == SMP_T_IPV6)
			return -1;
		v->ip4.s_addr = htonl((uint32_t)v->sint);
		v->type = SMP_T_IPV4;
		return 0;
	case SMP_T_STR:
	case SMP_T_BIN:
		return str_to_addr(v, t);
	default:
		return -1;
	}
}

int smp_cast(struct smp_val *v, enum smp_type t, struct smp_ctx *c)
{
	if (t == SMP_T_ANY || t == SMP_T_SAME || v->type == t)
		return 0;
	switch (t) {
	case SMP_T_BOOL:
	case SMP_T_SINT:
		if (v->type == SMP_T_STR || v->type == SMP_T_BIN) {
			if (str_to_sint(v) < 0)
				return -1;
		} else if (v->type == SMP_T_IPV4) {
			v->sint = ntohl(v->ip4.s_addr);
		} else if (v->type != SMP_T_BOOL && v->type != SMP_T_SINT) {
			return -1;
		}
		if (t == SMP_T_BOOL)
			v->sint = v->sint != 0;
		v->type = t;
		return 0;
	case SMP_T_ADDR:
		if (v->type == SMP_T_IPV4 || v->type == SMP_T_IPV6)
			return 0;
		return cast_addr(v, t);
	case SMP_T_IPV4:
	case SMP_T_IPV6:
		return cast_addr(v, t);
	case SMP_T_STR:
		return to_text(v, c);
	case SMP_T_BIN:
		if (v->type == SMP_T_STR || v->type == SMP_T_METH) {
			v->type = SMP_T_BIN;
			return 0;
		}
		if (to_text(v, c) < 0)
			return -1;
		v->type = SMP_T_BIN;
		return 0;
	case SMP_T_METH:
		if (v->type != SMP_T_STR && v->type != SMP_T_BIN)
			return -1;
		str_to_meth(v);
		return 0;
	default:
		return -1;
	}
}

/* ------------------------------------------------ evaluation */

static int apply_convs(const struct sample_expr *e, struct smp_ctx *c, struct smp_val *v)
{
	for (int i = 0; i < e->convs.n; i++) {
		const struct sample_conv_step *st = e->convs.v[i];
		const struct sample_conv_def *d = st->def;
		if (!d->conv || smp_cast(v, d->in, c) < 0)
			return -1;
		if (d->conv(st->args, st->nargs, v, c, d->param) < 0)
			return -1;
	}
	return 0;
}

int sample_eval(const struct sample_expr *e, struct smp_ctx *c, struct smp_val *out)
{
	const struct sample_fetch_def *f = e->fetch;
	int mode = out->it_mode;
	if (!mode)
		memset(out, 0, sizeof(*out));
	out->flags &= ~(unsigned)(SMP_VF_MORE | SMP_VF_CONST);
	if (!f->fetch || f->fetch(e->args, e->nargs, out, c, f->param) < 0)
		return -1;
	/* hdr_val, hdr_ip, urlp_val share the string fetch: the registry's
	 * output type decides */
	if (f->out != SMP_T_ANY && f->out != out->type && smp_cast(out, f->out, c) < 0)
		return -1;
	/* the cursor survives the converters, which only see the value */
	uint32_t it0 = out->it[0], it1 = out->it[1];
	unsigned more = out->flags & SMP_VF_MORE;
	if (apply_convs(e, c, out) < 0) {
		out->flags |= more;
		return -1;
	}
	out->it[0] = it0;
	out->it[1] = it1;
	out->flags |= more;
	return 0;
}

/* ------------------------------------------------ variables */

/* proc.* variables: one table per worker process. They are not shared
 * between workers (that needs the segment); set them from rules that every
 * worker runs alike. */
static struct smp_vars proc_vars;

static struct smp_vars *vars_of(struct smp_vars *vs, enum smp_var_scope scope)
{
	return scope == VAR_SCOPE_PROC ? &proc_vars : vs;
}

static struct smp_var *var_find(const struct smp_vars *vs, enum smp_var_scope scope,
				const char *name)
{
	for (int i = 0; i < vs->n; i++)
		if (vs->v[i].scope == scope && !strcmp(vs->v[i].name, name))
			return (struct smp_var *)&vs->v[i];
	return NULL;
}

int smp_var_set(struct smp_vars *vs, enum smp_var_scope scope, const char *name,
		const struct smp_val *v)
{
	vs = vars_of(vs, scope);
	if (!vs)
		return -1;
	struct smp_var *x = var_find(vs, scope, name);
	if (!x) {
		if (vs->n == SMP_VARS_MAX)
			return -1;
		x = &vs->v[vs->n++];
		memset(x, 0, sizeof(*x));
		x->scope = scope;
		x->name = name;
	}
	x->type = v->type;
	x->sint = v->sint;
	if (v->type == SMP_T_IPV4)
		memcpy(x->addr, &v->ip4, 4);
	else if (v->type == SMP_T_IPV6)
		memcpy(x->addr, &v->ip6, 16);
	if (v->type != SMP_T_STR && v->type != SMP_T_BIN && v->type != SMP_T_METH)
		return 0;
	/* a string replacing one of the same size or less reuses its place */
	if (v->str.len > x->len || !x->len) {
		if (SMP_VARS_DATA - vs->used < v->str.len) {
			x->type = SMP_T_ANY;
			x->len = 0;
			return -1;
		}
		x->off = vs->used;
		vs->used += (uint32_t)v->str.len;
	}
	memmove(vs->data + x->off, v->str.ptr, v->str.len);
	x->len = (uint32_t)v->str.len;
	return 0;
}

int smp_var_get(const struct smp_vars *vs, enum smp_var_scope scope, const char *name,
		struct smp_val *out)
{
	if (scope == VAR_SCOPE_PROC)
		vs = &proc_vars;
	const struct smp_var *x = vs ? var_find(vs, scope, name) : NULL;
	if (!x || x->type == SMP_T_ANY)
		return -1;
	out->type = x->type;
	out->sint = x->sint;
	memcpy(&out->ip4, x->addr, 4);
	memcpy(&out->ip6, x->addr, 16);
	out->str.ptr = vs->data + x->off;
	out->str.len = x->len;
	out->flags |= SMP_VF_CONST;
	return 0;
}

/* Removes the scope's entries and compacts the string data behind them. */
void smp_vars_reset(struct smp_vars *vs, enum smp_var_scope scope)
{
	char tmp[SMP_VARS_DATA];
	uint32_t used = 0;
	int n = 0;
	for (int i = 0; i < vs->n; i++) {
		struct smp_var x = vs->v[i];
		if (x.scope == scope)
			continue;
		memcpy(tmp + used, vs->data + x.off, x.len);
		x.off = used;
		used += x.len;
		vs->v[n++] = x;
	}
	memcpy(vs->data, tmp, used);
	vs->n = n;
	vs->used = used;
}
