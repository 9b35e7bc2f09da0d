/*
 * The checker process's scheduler: builds one struct chk per server with
 * `check` (checker-int.h), runs each on a libevent timer of the process's
 * loop, and sweeps the backends for admin changes once a second.
 *
 * Runs in the checker process (or in the master with -d). Owns the check
 * contexts; in the segment it reads the servers' admin state, the runtime
 * API's switches (ctl) and health to choose intervals and writes nothing
 * itself: results go through check_state.c, the single writer of
 * operational state, and forced states through check_ctl.c.
 *
 * Timing follows HAProxy: a fully UP server is checked every `inter`, a
 * server at health 0 (DOWN) every `downinter`, anything in between
 * (going up or down) every `fastinter`, each defaulting to `inter`; the
 * next run is counted from the end of the previous one, with
 * `spread-checks` percent of random jitter. The first run of each server
 * waits a random part of its interval (at most `max-spread-checks`), so a
 * large farm is not probed in one burst at startup.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "weir/checker.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "checker-int.h"

/* How often backends are recounted for admin changes made by the stats
 * process: a server put in maintenance leaves srv_act within a second. */
#define CHECKER_SWEEP_MS 1000
/* spread-checks accepts 0..50 percent, as HAProxy's does. */
#define CHECKER_MAX_SPREAD 50
/* libevent's common timeouts: a queue per duration instead of the heap
 * (O(1) re-arming), a few per base; intervals beyond these use the heap. */
#define CHECKER_COMMON_TIMEOUTS 32

struct checker {
	struct weir_proc *p;
	struct chk *chks;
	int nchk;
	struct event *sweep;
	uint64_t rng;                       /* xorshift64 state */
	/* the intervals in use without jitter, as libevent common timeouts */
	struct { int ms; const struct timeval *tv; } common[CHECKER_COMMON_TIMEOUTS];
	int ncommon;
};

/* One checker per process: the contexts of the checks it runs. */
static struct checker *checker_ctx;

uint64_t checker_now_ms(void)
{
	return util_mono_ms();
}

/* Jitter only needs to decorrelate servers, not to be unpredictable. */
static uint32_t checker_rand(void)
{
	uint64_t x = checker_ctx->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	checker_ctx->rng = x;
	return (uint32_t)(x >> 32);
}

static struct timeval checker_tv(int ms)
{
	if (ms < 0)
		ms = 0;
	return (struct timeval){ .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
}

/* The interval HAProxy's health counter calls for (see the file comment). */
static int checker_interval(const struct chk *c)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	int32_t health = __atomic_load_n(&r->check_health, __ATOMIC_RELAXED);
	if (health >= c->rise + c->fall - 1)
		return c->inter;
	if (health == 0 && __atomic_load_n(&r->op_state, __ATOMIC_RELAXED) == SHM_OP_DOWN)
		return c->downinter ? c->downinter : c->inter;
	return c->fastinter ? c->fastinter : c->inter;
}

/* `spread-checks` N: the interval moves by up to N percent either way. */
static int checker_spread(int ms)
{
	int pct = checker_ctx->p->cfg->global.spread_checks;
	if (pct <= 0)
		return ms;
	if (pct > CHECKER_MAX_SPREAD)
		pct = CHECKER_MAX_SPREAD;
	int rv = (int)((int64_t)ms * pct / 100);
	return ms - rv + (int)(checker_rand() % (uint32_t)(2 * rv + 1));
}

/* Thousands of checks re-armed at the same few intervals: each interval
 * becomes one libevent common timeout, a FIFO queue behind a single heap
 * entry, so re-arming is O(1) instead of a heap walk over every server. */
static const struct timeval *checker_common(int ms)
{
	struct checker *ck = checker_ctx;
	for (int i = 0; i < ck->ncommon; i++)
		if (ck->common[i].ms == ms)
			return ck->common[i].tv;
	if (ck->ncommon == CHECKER_COMMON_TIMEOUTS)
		return NULL;
	struct timeval tv = checker_tv(ms);
	const struct timeval *q = event_base_init_common_timeout(ck->p->base, &tv);
	if (q) {
		ck->common[ck->ncommon].ms = ms;
		ck->common[ck->ncommon++].tv = q;
	}
	return q;
}

void checker_schedule(struct chk *c)
{
	int ms = checker_interval(c);
	const struct timeval *q = checker_ctx->p->cfg->global.spread_checks > 0 ? NULL :
				  checker_common(ms);
	if (q) {
		evtimer_add(c->timer, q);
		return;
	}
	struct timeval tv = checker_tv(checker_spread(ms));
	evtimer_add(c->timer, &tv);
}

/* A server in maintenance keeps its timer but is not probed: its state is
 * the operator's until it leaves maintenance, then it restarts UP at health
 * rise and this very run checks it. So does one whose checks the operator
 * disabled (`disable health`), its state left as it was, as HAProxy. */
static void checker_run(evutil_socket_t fd, short what, void *arg)
{
	struct chk *c = arg;
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	(void)fd;
	(void)what;
	if (__atomic_load_n(&r->ctl, __ATOMIC_RELAXED) & SHM_CTL_HEALTH_OFF) {
		checker_schedule(c);
		return;
	}
	if (__atomic_load_n(&r->admin, __ATOMIC_RELAXED) & SHM_ADMIN_MAINT) {
		c->in_maint = 1;
		checker_schedule(c);
		return;
	}
	if (c->in_maint) {
		c->in_maint = 0;
		check_state_resume(c);
	}
	struct shm_chk_rt v;
	checker_retarget(c, 0, &v);
	c->running = 1;
	c->start_ms = checker_now_ms();
	c->kind->start(c);
}

static void checker_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct checker *ck = arg;
	(void)fd;
	(void)what;
	check_state_sweep(ck->p->shm, shm_hdr(ck->p->shm)->nbe);
	/* a state posted while no checker ran (a restart) */
	check_ctl_poll();
}

/* ------------------------------------------------------------ addresses */

/* A literal or a name (resolved here, at startup, blocking). IPv6
 * literals may come in brackets. */
static int checker_resolve(const char *host, int family, struct sockaddr_storage *ss,
			   socklen_t *len)
{
	char buf[256];
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void checker_set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

static int checker_unix_addr(struct chk *c, const struct cfg_addr *a)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&c->addr;
	size_t n = strlen(a->path ? a->path : "");
	size_t skip = a->kind == CFG_ADDR_ABNS;   /* abstract: a leading NUL */
	if (n + skip >= sizeof(un->sun_path))
		return -1;
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path + skip, a->path, n);
	c->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + skip + n + !skip);
	return 0;
}

/* Where c connects: `addr` and `port` override the server's own. */
static const char *checker_address(struct chk *c)
{
	const struct server_conf *s = c->conf;
	const struct cfg_addr *a = &s->addr;
	if (a->kind == CFG_ADDR_UNIX || a->kind == CFG_ADDR_ABNS)
		return checker_unix_addr(c, a) < 0 ? "socket path too long" : NULL;
	if (a->kind != CFG_ADDR_INET)
		return "address kind not checkable";
	int port = s->check_port ? s->check_port : a->port;
	if (!port || (a->port_offset && !s->check_port))
		return "no port to check (add 'port <n>')";
	int family = a->forced_family ? a->forced_family : AF_UNSPEC;
	if (s->check_addr) {
		if (checker_resolve(s->check_addr, AF_UNSPEC, &c->addr, &c->addrlen) < 0)
			return "cannot resolve the check 'addr'";
	} else if (!a->is_name && a->sslen) {
		memcpy(&c->addr, &a->ss, a->sslen);
		c->addrlen = a->sslen;
	} else if (checker_resolve(a->host, family, &c->addr, &c->addrlen) < 0) {
		return "cannot resolve the server address";
	}
	checker_set_port(&c->addr, port);
	return NULL;
}

static void checker_set_ip(struct chk *c, int fam, const uint32_t ip[4])
{
	int port = ntohs(c->addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&c->addr)->sin6_port :
			 ((struct sockaddr_in *)&c->addr)->sin_port);
	memset(&c->addr, 0, sizeof(c->addr));
	c->addr.ss_family = (sa_family_t)fam;
	if (fam == AF_INET6)
		memcpy(&((struct sockaddr_in6 *)&c->addr)->sin6_addr, ip, 16);
	else
		memcpy(&((struct sockaddr_in *)&c->addr)->sin_addr, ip, 4);
	c->addrlen = fam == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	checker_set_port(&c->addr, port);
}

int checker_retarget(struct chk *c, int agent, struct shm_chk_rt *v)
{
	const struct shm_srv *r = shm_server(c->p->shm, c->srv);
	if (__atomic_load_n(&r->rt_seq, __ATOMIC_ACQUIRE) == c->addr_seq &&
	    __atomic_load_n(&r->chk_seq, __ATOMIC_ACQUIRE) == c->chk_seq)
		return 0;
	shm_srv_chk_rt(r, v, &c->chk_seq);
	uint16_t fam = 0, rport = 0;
	uint32_t rip[4] = { 0 };
	int moved = shm_srv_rt_addr(r, &c->addr_seq, &fam, rip, &rport);
	int cf = c->cfg_addr.ss_family;
	if (cf != AF_INET && cf != AF_INET6)
		return 1;                     /* a UNIX socket has no IP to change */
	memcpy(&c->addr, &c->cfg_addr, sizeof(c->addr));
	c->addrlen = c->cfg_addrlen;
	int fixed_addr = agent ? c->conf->agent_addr != NULL : c->conf->check_addr != NULL;
	int fixed_port = agent || c->conf->check_port != 0;
	uint16_t own_fam = agent ? v->agt_family : v->chk_family;
	uint16_t own_port = agent ? v->agt_port : v->chk_port;
	if (own_fam)
		checker_set_ip(c, own_fam, agent ? v->agt_ip : v->chk_ip);
	else if (moved && !fixed_addr)
		checker_set_ip(c, fam, rip);
	if (own_port)
		checker_set_port(&c->addr, own_port);
	else if (moved && !fixed_port && rport)
		checker_set_port(&c->addr, rport);
	return 1;
}

/* ------------------------------------------------------------ set up */

/* The kinds by proxy_conf.check_kind; the others are later issues. */
static const struct chk_kind *const checker_kinds[] = {
	[CHECK_KIND_TCP] = &check_tcp_kind,
	[CHECK_KIND_HTTP] = &check_conv_kind,
	[CHECK_KIND_TCPCHECK] = &check_conv_kind,
	[CHECK_KIND_SSL_HELLO] = &check_conv_kind,
	[CHECK_KIND_SMTP] = &check_conv_kind,
	[CHECK_KIND_LDAP] = &check_conv_kind,
	[CHECK_KIND_MYSQL] = &check_conv_kind,
	[CHECK_KIND_PGSQL] = &check_conv_kind,
	[CHECK_KIND_REDIS] = &check_conv_kind,
};

static const struct chk_kind *checker_kind(const struct proxy_conf *px)
{
	unsigned k = (unsigned)px->check_kind;
	if (k < ARRAY_SIZE(checker_kinds) && checker_kinds[k])
		return checker_kinds[k];
	log_say(LOG_LVL_NOTICE, "backend '%s': this check kind is not implemented yet; "
		"a plain TCP connect check is used instead.", px->name);
	return &check_tcp_kind;
}

/* HAProxy's rule: without `timeout check`, `inter` bounds the whole check;
 * with it, the connect gets min(timeout connect, inter) and the rest of
 * the conversation `timeout check`. */
static void checker_timeouts(struct chk *c)
{
	int tcheck = c->px->timeout.check, tconn = c->px->timeout.connect;
	c->conn_timeout = c->inter;
	c->read_timeout = 0;
	if (tcheck == TIME_UNSET || tcheck <= 0)
		return;
	if (tconn != TIME_UNSET && tconn > 0 && tconn < c->inter)
		c->conn_timeout = tconn;
	c->read_timeout = tcheck;
}

static int checker_setup(struct checker *ck, struct chk *c, const struct proxy_conf *px,
			 const struct server_conf *s, uint32_t be, uint32_t srv,
			 const struct chk_kind *kind)
{
	*c = (struct chk){ .p = ck->p, .srv = srv, .be = be, .px = px, .conf = s,
			   .kind = kind, .fd = -1 };
	c->inter = s->inter > 0 ? s->inter : 2000;
	c->fastinter = s->fastinter > 0 ? s->fastinter : 0;
	c->downinter = s->downinter > 0 ? s->downinter : 0;
	c->rise = s->rise > 0 ? s->rise : 2;
	c->fall = s->fall > 0 ? s->fall : 3;
	checker_timeouts(c);
	const char *why = checker_address(c);
	if (!why)
		why = check_ssl_setup(c);
	if (why) {
		log_say(LOG_LVL_WARNING, "backend '%s': server '%s' will not be checked: %s.",
			px->name, s->name, why);
		return -1;
	}
	c->cfg_addr = c->addr;
	c->cfg_addrlen = c->addrlen;
	/* decided once: nothing of it changes while the checker runs */
	c->no_last_ack = kind == &check_tcp_kind && c->addr.ss_family != AF_UNIX && check_ssl_silent(c);
	c->timer = evtimer_new(ck->p->base, checker_run, c);
	return c->timer ? 0 : -1;
}

/* The first run: a random point of the server's interval, bounded by
 * max-spread-checks. */
static void checker_first(struct checker *ck, struct chk *c)
{
	int span = c->inter;
	int max = ck->p->cfg->global.max_spread_checks;
	if (max > 0 && max < span)
		span = max;
	struct timeval tv = checker_tv(span > 0 ? (int)(checker_rand() % (uint32_t)span) : 0);
	evtimer_add(c->timer, &tv);
}

static void checker_add_backend(struct checker *ck, const struct proxy_conf *px, uint32_t be)
{
	const struct shm_be *b = shm_backend(ck->p->shm, be);
	const struct chk_kind *kind = NULL;
	const struct server_conf *s;
	VEC_EACH(&px->servers, const struct server_conf *, s) {
		check_slowstart_adopt(ck->p, s, be, b->srv_first + (uint32_t)s_i);
		if (s->agent_check && s->agent_port &&
		    check_agent_setup(&ck->chks[ck->nchk], ck->p, px, s, be,
				      b->srv_first + (uint32_t)s_i) == 0)
			ck->nchk++;
		if (!s->check)
			continue;
		if (!kind)
			kind = checker_kind(px);
		struct chk *c = &ck->chks[ck->nchk];
		if (checker_setup(ck, c, px, s, be, b->srv_first + (uint32_t)s_i, kind) == 0) {
			checker_first(ck, c);
			ck->nchk++;
		}
	}
}

static int checker_count(const struct weir_proc *p)
{
	int n = 0;
	const struct proxy_conf *px;
	const struct server_conf *s;
	VEC_EACH(&p->cfg->proxies, const struct proxy_conf *, px)
		VEC_EACH(&px->servers, const struct server_conf *, s)
			n += (s->check != 0) + (s->agent_check && s->agent_port);
	return n;
}

int checker_start(struct weir_proc *p)
{
	checker_stop();
	struct checker *ck = xcalloc(1, sizeof(*ck));
	ck->p = p;
	ck->rng = ((uint64_t)getpid() << 32) ^ (uint64_t)checker_now_ms() ^ 0x9e3779b97f4a7c15ULL;
	ck->chks = xcalloc((size_t)checker_count(p) + 1, sizeof(*ck->chks));
	checker_ctx = ck;
	const struct proxy_conf *px;
	VEC_EACH(&p->cfg->proxies, const struct proxy_conf *, px) {
		int be = px_i < p->layout->npx ? p->layout->be_of_px[px_i] : -1;
		if (be >= 0 && !px->disabled)
			checker_add_backend(ck, px, (uint32_t)be);
	}
	struct timeval tv = checker_tv(CHECKER_SWEEP_MS);
	ck->sweep = event_new(p->base, -1, EV_PERSIST, checker_sweep, ck);
	if (!ck->sweep || event_add(ck->sweep, &tv) < 0 ||
	    check_observe_start(p, ck->chks, ck->nchk) < 0 ||
	    check_ctl_start(p, ck->chks, ck->nchk) < 0) {
		fprintf(stderr, "weir: checker: cannot arm its timers\n");
		checker_stop();
		return -1;
	}
	return 0;
}

void checker_stop(void)
{
	struct checker *ck = checker_ctx;
	check_observe_stop();
	check_ctl_stop();
	if (!ck)
		return;
	for (int i = 0; i < ck->nchk; i++) {
		struct chk *c = &ck->chks[i];
		if (c->running)
			c->kind->stop(c);
		if (c->kind && c->kind->release)
			c->kind->release(c);
		check_ssl_release(c);
		if (c->timer)
			event_free(c->timer);
	}
	if (ck->sweep)
		event_free(ck->sweep);
	free(ck->chks);
	free(ck);
	checker_ctx = NULL;
	check_agent_free();
	check_slowstart_free();
	check_sock_free();
}
