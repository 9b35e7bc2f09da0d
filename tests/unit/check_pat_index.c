/*
 * Unit tests of src/acl/pat_index.c, the prefix trees behind IP pattern
 * lists (ACL src/dst lists, -f files, map_ip files): the promise that a
 * lookup gives the pattern an in-order scan with pat_ip_match() would
 * choose -- the longest prefix, the first declared of equal prefixes,
 * IPv4 patterns matching IPv4-mapped IPv6 addresses and the reverse --
 * checked against a linear reference on thousands of random networks, on
 * the edges (/0, /32, /128, duplicates, mapped forms), and on a map_ip
 * file with overlapping networks. Also prints lookups/s with 50,000
 * networks, tree against the former linear scan (a measurement, not an
 * assertion).
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../src/acl/acl-int.h"
#include "../../src/acl/smp-rt-int.h"
#include "check_main.h"
#include "weir/arena.h"

static struct arena *arena;
static char err[512];

static void setup(void)
{
	arena = arena_new();
}

static void teardown(void)
{
	arena_free(arena);
}

/* ------------------------------------------------------------ helpers */

/* xorshift64*: deterministic, so a failure replays. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void list_init(struct pat_list *l)
{
	memset(l, 0, sizeof(*l));
	l->match = PAT_MATCH_IP;
}

static const struct pattern *add(struct pat_list *l, const char *text)
{
	ck_assert_msg(pat_add(arena, l, text, PAT_OP_NONE, err, sizeof(err)) == 0,
		      "%s: %s", text, err);
	return l->pats.v[l->pats.n - 1];
}

static struct smp_val addr(const char *text)
{
	struct smp_val v;
	memset(&v, 0, sizeof(v));
	if (inet_pton(AF_INET, text, &v.ip4) == 1) {
		v.type = SMP_T_IPV4;
	} else {
		ck_assert_msg(inet_pton(AF_INET6, text, &v.ip6) == 1, "bad address %s", text);
		v.type = SMP_T_IPV6;
	}
	return v;
}

/* The reference: every pattern in file order, the longest prefix (an IPv4
 * /n counting as the mapped /(96+n)), the first of equal lengths. */
static const struct pattern *ref_lookup(const struct pat_list *l, const struct smp_val *v)
{
	const struct pattern *p, *best = NULL;
	int best_bits = -1;
	VEC_EACH(&l->pats, const struct pattern *, p) {
		int bits = p->u.net.bits + (p->u.net.family == AF_INET ? 96 : 0);
		if (bits > best_bits && pat_ip_match(p, v)) {
			best = p;
			best_bits = bits;
		}
	}
	return best;
}

static const struct pattern *look(const struct pat_list *l, const char *text)
{
	struct smp_val v = addr(text);
	ck_assert_ptr_nonnull(l->idx);
	return pat_ipidx_lookup(l->idx, &v);
}

static const char *text_of(const struct pattern *p)
{
	return p ? p->text : "(none)";
}

#define LOOK_EQ(l, a, want) do { \
		const struct pattern *got_ = look(l, a); \
		ck_assert_msg(got_ == (want), "%s: got %s, want %s", a, text_of(got_), \
			      text_of(want)); \
	} while (0)

/* ------------------------------------------------------------ random */

/* A random address near one of a few roots, so that networks nest and
 * overlap instead of being disjoint. */
static void rnd_addr(int v6, unsigned char *b)
{
	static const unsigned char roots4[][2] = { { 10, 0 }, { 192, 168 }, { 172, 16 } };
	static const unsigned char roots6[][4] = {
		{ 0x20, 0x01, 0x0d, 0xb8 }, { 0xfd, 0x00, 0, 0 }, { 0, 0, 0, 0 },
	};
	int n = v6 ? 16 : 4;
	for (int i = 0; i < n; i++)
		b[i] = (unsigned char)rnd();
	unsigned r = rnd_below(4);
	if (r == 3)
		return;
	if (v6) {
		memcpy(b, roots6[r], 4);
		if (r == 2)        /* the IPv4-mapped range */
			memcpy(b, (unsigned char[12]){ [10] = 0xff, [11] = 0xff }, 12);
	} else {
		memcpy(b, roots4[r], 2);
	}
}

/* wide: any prefix length, /0 included (every address then hits);
 * otherwise lengths that leave misses. */
static void rnd_pattern(char *out, size_t len, int wide)
{
	unsigned char b[16];
	char a[INET6_ADDRSTRLEN];
	int v6 = rnd_below(3) == 0, host = rnd_below(4) == 0;
	rnd_addr(v6, b);
	inet_ntop(v6 ? AF_INET6 : AF_INET, b, a, sizeof(a));
	if (host) {
		snprintf(out, len, "%s", a);
		return;
	}
	int bits = wide ? (int)rnd_below(v6 ? 129 : 33) :
		   v6 ? 16 + (int)rnd_below(113) : 8 + (int)rnd_below(25);
	if (v6 && rnd_below(2))    /* often inside or around ::ffff:0:0/96 */
		bits = (wide ? 90 : 96) + (int)rnd_below(wide ? 39 : 33);
	snprintf(out, len, "%s/%d", a, bits);
}

/* A lookup address: random, or a pattern's address with random low bits,
 * or the IPv4-mapped / IPv4 twin of such an address. */
static struct smp_val rnd_lookup(const struct pat_list *l)
{
	struct smp_val v;
	memset(&v, 0, sizeof(v));
	unsigned char b[16];
	int v6 = rnd_below(2);
	rnd_addr(v6, b);
	if (rnd_below(2)) {
		const struct pattern *p = l->pats.v[rnd_below((unsigned)l->pats.n)];
		v6 = p->u.net.family == AF_INET6;
		int n = v6 ? 16 : 4, keep = p->u.net.bits + (int)rnd_below(9);
		for (int i = 0; i < n; i++) {
			int k = keep - 8 * i;
			unsigned char m = k >= 8 ? 0xff : k <= 0 ? 0 : (unsigned char)(0xff << (8 - k));
			b[i] = (unsigned char)((p->u.net.addr[i] & m) | (b[i] & ~m));
		}
	}
	if (v6) {
		v.type = SMP_T_IPV6;
		memcpy(v.ip6.s6_addr, b, 16);
		if (IN6_IS_ADDR_V4MAPPED(&v.ip6) && rnd_below(2)) {
			v.type = SMP_T_IPV4;
			memcpy(&v.ip4, b + 12, 4);
		}
	} else {
		v.type = SMP_T_IPV4;
		memcpy(&v.ip4, b, 4);
		if (rnd_below(4) == 0) {
			v.type = SMP_T_IPV6;
			memset(v.ip6.s6_addr, 0, 10);
			v.ip6.s6_addr[10] = v.ip6.s6_addr[11] = 0xff;
			memcpy(v.ip6.s6_addr + 12, b, 4);
		}
	}
	return v;
}

static void random_round(int npat, int nlook, int wide)
{
	struct pat_list l;
	char text[64];
	list_init(&l);
	for (int i = 0; i < npat; i++) {
		rnd_pattern(text, sizeof(text), wide);
		add(&l, text);
	}
	pat_list_index(arena, &l);
	int hits = 0;
	for (int i = 0; i < nlook; i++) {
		struct smp_val v = rnd_lookup(&l);
		const struct pattern *want = ref_lookup(&l, &v), *got = pat_ipidx_lookup(l.idx, &v);
		if (got != want) {
			char a[INET6_ADDRSTRLEN];
			inet_ntop(v.type == SMP_T_IPV4 ? AF_INET : AF_INET6,
				  v.type == SMP_T_IPV4 ? (void *)&v.ip4 : (void *)&v.ip6, a, sizeof(a));
			ck_abort_msg("lookup %d of %s: got %s, want %s", i, a, text_of(got),
				     text_of(want));
		}
		hits += want != NULL;
	}
	/* the generator must exercise hits and misses, not only one of them */
	ck_assert_int_gt(hits, nlook / 10);
	if (!wide)
		ck_assert_int_lt(hits, nlook - nlook / 50);
}

START_TEST(random_against_linear)
{
	rng = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
	random_round(3000, 20000, _i == 2);
}
END_TEST

START_TEST(random_small_lists)
{
	/* small lists: many different tree shapes, with empty subtrees */
	rng = 12345;
	for (int i = 0; i < 300; i++)
		random_round(1 + (int)rnd_below(20), 200, 1);
}
END_TEST

/* ------------------------------------------------------------ edges */

START_TEST(edge_zero_prefixes)
{
	struct pat_list l;
	list_init(&l);
	const struct pattern *any4 = add(&l, "0.0.0.0/0");
	pat_list_index(arena, &l);
	LOOK_EQ(&l, "1.2.3.4", any4);
	LOOK_EQ(&l, "255.255.255.255", any4);
	LOOK_EQ(&l, "::ffff:1.2.3.4", any4);
	LOOK_EQ(&l, "::1", NULL);          /* not IPv4, not mapped */
	LOOK_EQ(&l, "2001:db8::1", NULL);

	list_init(&l);
	const struct pattern *any6 = add(&l, "::/0");
	pat_list_index(arena, &l);
	LOOK_EQ(&l, "2001:db8::1", any6);
	LOOK_EQ(&l, "1.2.3.4", any6);      /* IPv4 as ::ffff:1.2.3.4 */
	LOOK_EQ(&l, "::", any6);

	/* both: an IPv4 address prefers 0.0.0.0/0 (= ::ffff:0:0/96) */
	list_init(&l);
	any6 = add(&l, "::/0");
	any4 = add(&l, "0.0.0.0/0");
	pat_list_index(arena, &l);
	LOOK_EQ(&l, "1.2.3.4", any4);
	LOOK_EQ(&l, "::ffff:9.9.9.9", any4);
	LOOK_EQ(&l, "fe80::1", any6);
}
END_TEST

START_TEST(edge_full_prefixes)
{
	struct pat_list l;
	list_init(&l);
	const struct pattern *net = add(&l, "192.168.1.0/24");
	const struct pattern *h32 = add(&l, "192.168.1.7/32");
	const struct pattern *h = add(&l, "192.168.1.8");
	const struct pattern *n6 = add(&l, "2001:db8::/64");
	const struct pattern *h128 = add(&l, "2001:db8::7/128");
	const struct pattern *top = add(&l, "255.255.255.255");
	const struct pattern *top6 = add(&l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	pat_list_index(arena, &l);
	LOOK_EQ(&l, "192.168.1.7", h32);
	LOOK_EQ(&l, "192.168.1.8", h);
	LOOK_EQ(&l, "192.168.1.9", net);
	LOOK_EQ(&l, "192.168.2.7", NULL);
	LOOK_EQ(&l, "2001:db8::7", h128);
	LOOK_EQ(&l, "2001:db8::6", n6);
	LOOK_EQ(&l, "2001:db8:0:1::7", NULL);
	LOOK_EQ(&l, "255.255.255.255", top);
	LOOK_EQ(&l, "255.255.255.254", NULL);
	LOOK_EQ(&l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", top6);
	LOOK_EQ(&l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NULL);
}
END_TEST

START_TEST(edge_v4_mapped)
{
	struct pat_list l;
	list_init(&l);
	const struct pattern *ten = add(&l, "10.0.0.0/8");
	const struct pattern *m16 = add(&l, "::ffff:10.1.0.0/112");   /* = 10.1.0.0/16 */
	const struct pattern *h = add(&l, "10.1.2.3");
	const struct pattern *m_h = add(&l, "::ffff:10.9.9.9");
	const struct pattern *pre = add(&l, "::ffff:0:0/95");         /* shorter than /96 */
	pat_list_index(arena, &l);
	LOOK_EQ(&l, "::ffff:10.200.0.1", ten);
	LOOK_EQ(&l, "10.1.200.1", m16);
	LOOK_EQ(&l, "::ffff:10.1.200.1", m16);
	LOOK_EQ(&l, "::ffff:10.1.2.3", h);
	LOOK_EQ(&l, "10.9.9.9", m_h);
	LOOK_EQ(&l, "11.0.0.1", pre);       /* ::ffff:11.0.0.1 is in ::ffff:0:0/95 */
	LOOK_EQ(&l, "::fffe:1.2.3.4", pre);
	LOOK_EQ(&l, "::1:0:1.2.3.4", NULL);
	LOOK_EQ(&l, "::10.1.2.3", NULL);    /* IPv4-compatible, not mapped */
}
END_TEST

START_TEST(edge_duplicates)
{
	struct pat_list l;
	list_init(&l);
	const struct pattern *first = add(&l, "10.0.0.0/8");
	add(&l, "10.0.0.0/8");
	add(&l, "10.7.7.7/8");               /* host bits cleared: the same network */
	add(&l, "::ffff:10.0.0.0/104");      /* the same network, written in IPv6 */
	const struct pattern *m6 = add(&l, "::ffff:1.2.3.4");
	add(&l, "1.2.3.4");
	const struct pattern *d6 = add(&l, "2001:db8::/32");
	add(&l, "2001:db8:ffff::/32");
	pat_list_index(arena, &l);
	LOOK_EQ(&l, "10.1.1.1", first);
	LOOK_EQ(&l, "::ffff:10.1.1.1", first);
	LOOK_EQ(&l, "1.2.3.4", m6);
	LOOK_EQ(&l, "2001:db8:1::1", d6);
}
END_TEST

START_TEST(edge_only_one_family)
{
	struct pat_list l;
	list_init(&l);
	add(&l, "2001:db8::/32");
	pat_list_index(arena, &l);
	LOOK_EQ(&l, "10.0.0.1", NULL);
	LOOK_EQ(&l, "::ffff:10.0.0.1", NULL);
	list_init(&l);
	add(&l, "10.0.0.0/8");
	pat_list_index(arena, &l);
	LOOK_EQ(&l, "2001:db8::1", NULL);
	list_init(&l);
	pat_list_index(arena, &l);
	ck_assert_ptr_null(l.idx);           /* empty: nothing to index */
}
END_TEST

START_TEST(map_ip_overlapping)
{
	char path[] = "/tmp/weir-check-pat-index-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	static const char text[] =
		"10.1.2.3 host\n"
		"10.0.0.0/8 ten\n"
		"0.0.0.0/0 world\n"
		"10.1.0.0/16 ten-one\n"
		"10.1.2.0/24 ten-one-two\n"
		"10.1.0.0/16 dup-ignored\n"
		"2001:db8:1::/48 doc1\n"
		"2001:db8::/32 doc\n";
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (int)sizeof(text) - 1);
	close(fd);
	struct pat_list l;
	list_init(&l);
	int rc = pat_load_file(arena, &l, path, 1, SMP_T_STR, err, sizeof(err));
	unlink(path);
	ck_assert_msg(rc == 0, "%s", err);
	pat_list_index(arena, &l);
	static const struct { const char *ip, *want; } want[] = {
		{ "10.1.2.3", "host" }, { "10.1.2.4", "ten-one-two" }, { "10.1.3.1", "ten-one" },
		{ "10.2.0.1", "ten" }, { "8.8.8.8", "world" }, { "::ffff:10.1.2.9", "ten-one-two" },
		{ "2001:db8:1:2::1", "doc1" }, { "2001:db8:2::1", "doc" },
	};
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct pattern *p = look(&l, want[i].ip);
		ck_assert_msg(p, "%s: no match", want[i].ip);
		ck_assert_msg(!strcmp(p->value, want[i].want), "%s: got %s, want %s",
			      want[i].ip, p->value, want[i].want);
	}
	ck_assert_ptr_null(look(&l, "2001:db9::1"));
}
END_TEST

/* ------------------------------------------------------------ measurement */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_bits_desc(const void *a, const void *b)
{
	const struct pattern *x = *(const struct pattern *const *)a;
	const struct pattern *y = *(const struct pattern *const *)b;
	return y->u.net.bits - x->u.net.bits;
}

/* The former index's network part: the networks sorted by prefix length,
 * longest first, scanned up to the first hit. */
static const struct pattern *old_scan(const struct pattern **nets, int n, const struct smp_val *v)
{
	for (int i = 0; i < n; i++)
		if (pat_ip_match(nets[i], v))
			return nets[i];
	return NULL;
}

/* The former index's host part: a bisection of sorted host-order keys. */
static int old_bisect(const uint32_t *k, int n, uint32_t a)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (k[mid] == a)
			return 1;
		if (k[mid] < a)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

static int by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static uint32_t lookup_keys[200000];
static uint32_t host_keys[50000];

static void measure(const char *what, int hosts)
{
	enum { NPAT = 50000, NTREE = 200000, NOLD = 500 };
	struct pat_list l;
	char text[64];
	list_init(&l);
	for (int i = 0; i < NPAT; i++) {
		uint32_t a = (uint32_t)rnd();
		unsigned char b[4] = { a >> 24, a >> 16, a >> 8, a };
		host_keys[i] = a;
		snprintf(text, sizeof(text), "%u.%u.%u.%u/%d", b[0], b[1], b[2], b[3],
			 hosts ? 32 : 12 + (int)rnd_below(13));
		add(&l, text);
	}
	const struct pattern **nets = calloc(NPAT, sizeof(*nets));
	ck_assert_ptr_nonnull(nets);
	memcpy(nets, l.pats.v, NPAT * sizeof(*nets));
	qsort(nets, NPAT, sizeof(*nets), by_bits_desc);
	double t0 = now();
	pat_list_index(arena, &l);
	double build = now() - t0;
	for (int i = 0; i < NTREE; i++)
		lookup_keys[i] = (uint32_t)rnd();
	struct smp_val v;
	memset(&v, 0, sizeof(v));
	v.type = SMP_T_IPV4;
	int hit_tree = 0, hit_old = 0;
	t0 = now();
	for (int i = 0; i < NTREE; i++) {
		v.ip4.s_addr = lookup_keys[i];
		hit_tree += pat_ipidx_lookup(l.idx, &v) != NULL;
	}
	double tree = now() - t0;
	qsort(host_keys, NPAT, sizeof(host_keys[0]), by_u32);
	int nold = hosts ? NTREE : NOLD;
	t0 = now();
	for (int i = 0; i < nold; i++) {
		v.ip4.s_addr = lookup_keys[i];
		hit_old += hosts ? old_bisect(host_keys, NPAT, ntohl(lookup_keys[i])) :
				   old_scan(nets, NPAT, &v) != NULL;
	}
	double old = now() - t0;
	const struct pat_ipidx *x = l.idx;
	printf("pat_index: %d %s: build %.1f ms, %u+%u nodes; index %.0f lookups/s (%d%% hit), "
	       "old %s %.0f lookups/s\n", NPAT, what, build * 1e3, x->n4, x->n6,
	       NTREE / tree, hit_tree * 100 / NTREE, hosts ? "bisection" : "linear scan", nold / old);
	(void)hit_old;
	free(nets);
}

START_TEST(measure_50000)
{
	rng = 777;
	measure("IPv4 networks /12../24", 0);
	measure("IPv4 hosts", 1);
}
END_TEST

static Suite *pat_index_suite(void)
{
	Suite *s = suite_create("pat_index");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, random_against_linear, 0, 3);
	tcase_add_test(tc, random_small_lists);
	tcase_add_test(tc, edge_zero_prefixes);
	tcase_add_test(tc, edge_full_prefixes);
	tcase_add_test(tc, edge_v4_mapped);
	tcase_add_test(tc, edge_duplicates);
	tcase_add_test(tc, edge_only_one_family);
	tcase_add_test(tc, map_ip_overlapping);
	tcase_add_test(tc, measure_50000);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pat_index_suite)
