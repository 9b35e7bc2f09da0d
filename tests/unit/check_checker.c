/*
 * The checker process (src/checker). Promises checked, against a real
 * segment built from configuration text and real loopback sockets: a
 * listening server stays UP with L4OK; a server whose port closes goes
 * DOWN after exactly `fall` failed checks at the `inter`/`fastinter` pace,
 * with L4CON, chkfail and chkdown counted, srv_act lowered and lb_gen
 * moved; reopened, it comes back UP after `rise` checks at `downinter`
 * then `fastinter`; a server that never answers times out (L4TOUT) after
 * `inter`, or min(timeout connect, inter) with `timeout check`; backups
 * count in srv_bck; `disabled` servers and servers in maintenance are not
 * probed; `addr`/`port` override the address; IPv6 works; first checks
 * spread over the interval; the logs say what HAProxy says; `observe`'s
 * on-error actions act on the health as HAProxy's.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/checker.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "../../src/checker/checker-int.h"

/* ------------------------------------------------------------- helpers */

static uint64_t t_now(void)
{
	return checker_now_ms();
}

/* A listener on the loopback of `family` (port 0: any free one). With
 * `accepting`, its connections are accepted and closed from the loop. */
struct t_lsn {
	int fd;
	int port;
	struct event *ev;
};

static int t_bind(int family, int port, int backlog)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		in6->sin6_addr = in6addr_loopback;
		len = sizeof(*in6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, backlog) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int t_port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	return ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
				       : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int t_accepted;   /* connections the test servers accepted */

static void t_on_accept(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	(void)arg;
	int c = accept(fd, NULL, NULL);
	if (c >= 0) {
		t_accepted++;
		close(c);
	}
}

static void t_listen(struct t_lsn *l, struct event_base *base, int family, int port)
{
	l->fd = t_bind(family, port, 128);
	ck_assert_msg(l->fd >= 0, "listen: %s", strerror(errno));
	l->port = t_port_of(l->fd);
	l->ev = NULL;
	if (base) {
		l->ev = event_new(base, l->fd, EV_READ | EV_PERSIST, t_on_accept, NULL);
		event_add(l->ev, NULL);
	}
}

static void t_unlisten(struct t_lsn *l)
{
	if (l->ev)
		event_free(l->ev);
	if (l->fd >= 0)
		close(l->fd);
	l->ev = NULL;
	l->fd = -1;
}

/* A loopback port nobody listens on: connecting to it is refused. */
static int t_closed_port(void)
{
	int fd = t_bind(AF_INET, 0, 1);
	ck_assert_int_ge(fd, 0);
	int port = t_port_of(fd);
	close(fd);
	return port;
}

/* A checker on a real segment: config, layout, segment, loop. */
struct t_env {
	struct cfg *cfg;
	struct shm_layout layout;
	struct weir_proc p;
	struct event_base *base;
};

static struct event_base *t_base;   /* created before listeners need it */

static void t_up(struct t_env *e, const char *text)
{
	memset(e, 0, sizeof(*e));
	e->cfg = t_load_ok(text);
	ck_assert_int_eq(shm_layout_compute(e->cfg, 1, &e->layout), 0);
	ck_assert_int_eq(shm_create(&e->layout, &e->p.seg), 0);
	e->base = t_base ? t_base : event_base_new();
	t_base = NULL;
	e->p.cfg = e->cfg;
	e->p.layout = &e->layout;
	e->p.shm = e->p.seg.base;
	e->p.base = e->base;
	e->p.role = SHM_ROLE_CHECKER;
	e->p.worker = -1;
	ck_assert_int_eq(checker_start(&e->p), 0);
}

static void t_down(struct t_env *e)
{
	checker_stop();
	shm_destroy(&e->p.seg);
	shm_layout_release(&e->layout);
	cfg_free(e->cfg);
	event_base_free(e->base);
}

static struct shm_srv *t_srv(struct t_env *e, uint32_t i)
{
	return shm_server(e->p.shm, i);
}

static struct shm_be *t_be(struct t_env *e, uint32_t i)
{
	return shm_backend(e->p.shm, i);
}

/* Runs the loop until pred(arg) holds or max_ms pass; returns the elapsed
 * ms, or -1 on timeout. A NULL pred just runs for max_ms. */
struct t_wait {
	int (*pred)(void *);
	void *arg;
	uint64_t deadline;
	int ok;
	struct event_base *base;
};

static void t_tick(evutil_socket_t fd, short what, void *arg)
{
	struct t_wait *w = arg;
	(void)fd;
	(void)what;
	if (w->pred && w->pred(w->arg)) {
		w->ok = 1;
		event_base_loopbreak(w->base);
	} else if (t_now() >= w->deadline) {
		event_base_loopbreak(w->base);
	}
}

static long t_run(struct t_env *e, int (*pred)(void *), void *arg, int max_ms)
{
	uint64_t t0 = t_now();
	struct t_wait w = { pred, arg, t0 + (uint64_t)max_ms, 0, e->base };
	struct event *tick = event_new(e->base, -1, EV_PERSIST, t_tick, &w);
	struct timeval tv = { 0, 1000 };
	event_add(tick, &tv);
	event_base_dispatch(e->base);
	event_free(tick);
	return w.ok ? (long)(t_now() - t0) : -1;
}

static int t_is_down(void *arg)
{
	return __atomic_load_n(&((struct shm_srv *)arg)->op_state, __ATOMIC_RELAXED) == SHM_OP_DOWN;
}

static int t_is_up(void *arg)
{
	return __atomic_load_n(&((struct shm_srv *)arg)->op_state, __ATOMIC_RELAXED) == SHM_OP_UP;
}

static int t_down_twice(void *arg)
{
	return __atomic_load_n(&((struct shm_srv *)arg)->c.chkdown, __ATOMIC_RELAXED) == 2;
}

static int t_full_health(void *arg)
{
	struct shm_srv *r = arg;
	return r->check_health == r->check_rise + r->check_fall - 1;
}

static int t_status_is(struct shm_srv *r, unsigned st)
{
	return __atomic_load_n(&r->check_status, __ATOMIC_RELAXED) == st;
}

static int t_l4con(void *arg)
{
	return t_status_is(arg, CHK_ST_L4CON);
}

static int t_checked(void *arg)
{
	return !t_status_is(arg, CHK_ST_UNKNOWN);
}

#define T_DEFAULTS \
	"defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n"

/* ------------------------------------------------------ the health counter */

START_TEST(test_step)
{
	/* rise 2, fall 3: 0..4, UP from 2 */
	int32_t h = 2;
	ck_assert_int_eq(check_state_step(&h, 2, 3, 0), 1);
	ck_assert_int_eq(h, 0);                 /* the starting server: one failure */
	ck_assert_int_eq(check_state_step(&h, 2, 3, 0), 0);
	ck_assert_int_eq(h, 0);                 /* not counted at 0 */
	check_state_step(&h, 2, 3, 1);
	ck_assert_int_eq(h, 1);
	check_state_step(&h, 2, 3, 1);
	ck_assert_int_eq(h, 4);                 /* UP and full after rise successes */
	check_state_step(&h, 2, 3, 1);
	ck_assert_int_eq(h, 4);
	ck_assert_int_eq(check_state_step(&h, 2, 3, 0), 1);
	ck_assert_int_eq(h, 3);
	ck_assert_int_eq(check_state_step(&h, 2, 3, 0), 1);
	ck_assert_int_eq(h, 2);                 /* still UP after fall-1 failures */
	ck_assert_int_eq(check_state_step(&h, 2, 3, 0), 1);
	ck_assert_int_eq(h, 0);                 /* DOWN at the fall-th */
	h = 1;
	check_state_step(&h, 1, 1, 1);
	ck_assert_int_eq(h, 1);                 /* rise 1 fall 1: 0..1 */
	check_state_step(&h, 1, 1, 0);
	ck_assert_int_eq(h, 0);
}
END_TEST

/* ------------------------------------------------------------- UP, DOWN */

START_TEST(test_listening_stays_up)
{
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n"
		 "  server s1 127.0.0.1:%d check inter 100 rise 2 fall 3\n", l.port);
	struct t_env e;
	t_up(&e, cfg);
	uint64_t gen0 = t_be(&e, 0)->lb_gen;
	t_run(&e, NULL, NULL, 600);
	struct shm_srv *r = t_srv(&e, 0);
	ck_assert_uint_eq(r->op_state, SHM_OP_UP);
	ck_assert_uint_eq(r->check_status, CHK_ST_L4OK);
	ck_assert_int_eq(r->check_health, 4);
	ck_assert_int_eq(r->check_code, -1);
	ck_assert_uint_lt(r->check_duration, 50);
	ck_assert_uint_eq(r->c.chkfail, 0);
	ck_assert_uint_eq(t_be(&e, 0)->srv_act, 1);
	ck_assert_uint_eq(t_be(&e, 0)->lb_gen, gen0);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

/* The brief's main scenario: UP at full health, the port closes, DOWN after
 * exactly `fall` failures spaced by `inter`, then UP again after `rise`. */
START_TEST(test_down_after_fall_up_after_rise)
{
	t_base = event_base_new();
	struct t_lsn l1, l2;
	t_listen(&l1, t_base, AF_INET, 0);
	t_listen(&l2, t_base, AF_INET, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n"
		 "  server s1 127.0.0.1:%d check inter 100 rise 2 fall 3\n"
		 "  server s2 127.0.0.1:%d check inter 100 rise 2 fall 3\n", l1.port, l2.port);
	struct t_env e;
	t_up(&e, cfg);
	struct shm_srv *r = t_srv(&e, 0);
	struct shm_be *b = t_be(&e, 0);
	ck_assert_int_ge(t_run(&e, t_full_health, r, 1000), 0);
	ck_assert_uint_eq(b->srv_act, 2);
	uint64_t gen0 = b->lb_gen;
	int port = l1.port;

	t_unlisten(&l1);
	long down = t_run(&e, t_is_down, r, 2000);
	/* the first failure comes within one inter, then two more inters */
	ck_assert_msg(down >= 180 && down <= 600, "DOWN after %ld ms", down);
	ck_assert_uint_eq(r->check_status, CHK_ST_L4CON);
	ck_assert_uint_eq(r->c.chkfail, 3);
	ck_assert_uint_eq(r->c.chkdown, 1);
	ck_assert_int_eq(r->check_health, 0);
	ck_assert_uint_eq(b->srv_act, 1);
	ck_assert_uint_gt(b->lb_gen, gen0);
	ck_assert_uint_eq(b->c.chkdown, 0);     /* s2 kept the backend up */
	ck_assert_uint_le((uint64_t)time(NULL) - r->last_change, 1);

	/* still DOWN checks are not failures any more (health is 0) */
	t_run(&e, NULL, NULL, 250);
	ck_assert_uint_eq(r->c.chkfail, 3);

	gen0 = b->lb_gen;
	t_listen(&l1, e.base, AF_INET, port);
	long up = t_run(&e, t_is_up, r, 2000);
	/* one success within downinter (= inter), the second after fastinter */
	ck_assert_msg(up >= 80 && up <= 500, "UP after %ld ms", up);
	ck_assert_uint_eq(r->check_status, CHK_ST_L4OK);
	ck_assert_int_eq(r->check_health, 4);
	ck_assert_uint_eq(b->srv_act, 2);
	ck_assert_uint_gt(b->lb_gen, gen0);
	ck_assert_uint_eq(r->c.chkdown, 1);
	t_unlisten(&l1);
	t_unlisten(&l2);
	t_down(&e);
}
END_TEST

/* fastinter paces the checks between the first failure and DOWN, downinter
 * those of a DOWN server. */
START_TEST(test_fastinter_downinter)
{
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n"
		 "  server s1 127.0.0.1:%d check inter 1000 fastinter 60 downinter 400 rise 2 fall 3\n",
		 l.port);
	struct t_env e;
	t_up(&e, cfg);
	struct shm_srv *r = t_srv(&e, 0);
	ck_assert_int_ge(t_run(&e, t_full_health, r, 1500), 0);
	int port = l.port;
	t_unlisten(&l);
	ck_assert_int_ge(t_run(&e, t_l4con, r, 1500), 0);
	long down = t_run(&e, t_is_down, r, 1000);
	ck_assert_msg(down >= 100 && down <= 250, "DOWN %ld ms after the first failure", down);
	t_listen(&l, e.base, AF_INET, port);
	long up = t_run(&e, t_is_up, r, 2000);
	/* first success after up to downinter, the second after fastinter */
	ck_assert_msg(up >= 40 && up <= 560, "UP after %ld ms", up);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

/* The last server of a backend: DOWN at the first failed check (servers
 * start at health rise), backend chkdown counted, srv_act 0. */
START_TEST(test_last_server_down)
{
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n"
		 "  server s1 127.0.0.1:%d check inter 100\n", t_closed_port());
	struct t_env e;
	t_up(&e, cfg);
	struct shm_srv *r = t_srv(&e, 0);
	struct shm_be *b = t_be(&e, 0);
	ck_assert_int_ge(t_run(&e, t_is_down, r, 500), 0);
	ck_assert_uint_eq(r->check_status, CHK_ST_L4CON);
	ck_assert_uint_eq(r->c.chkfail, 1);
	ck_assert_uint_eq(r->c.chkdown, 1);
	ck_assert_uint_eq(b->srv_act, 0);
	ck_assert_uint_eq(b->srv_bck, 0);
	ck_assert_uint_eq(b->c.chkdown, 1);
	ck_assert_uint_le((uint64_t)time(NULL) - b->last_change, 1);
	t_down(&e);
}
END_TEST

START_TEST(test_backup_counts)
{
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n"
		 "  server a 127.0.0.1:%d check inter 100\n"
		 "  server b1 127.0.0.1:%d check inter 100 backup\n"
		 "  server b2 127.0.0.1:%d check inter 100 backup\n",
		 t_closed_port(), l.port, t_closed_port());
	struct t_env e;
	t_up(&e, cfg);
	struct shm_be *b = t_be(&e, 0);
	ck_assert_uint_eq(b->srv_act, 1);
	ck_assert_uint_eq(b->srv_bck, 2);
	ck_assert_int_ge(t_run(&e, t_is_down, t_srv(&e, 0), 500), 0);
	ck_assert_int_ge(t_run(&e, t_is_down, t_srv(&e, 2), 500), 0);
	ck_assert_uint_eq(b->srv_act, 0);
	ck_assert_uint_eq(b->srv_bck, 1);
	ck_assert_uint_eq(b->c.chkdown, 0);
	ck_assert_uint_eq(t_srv(&e, 1)->op_state, SHM_OP_UP);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

/* `disabled` and maintenance: not probed (the port is closed, yet no
 * L4CON); maintenance set at run time leaves srv_act within a sweep. */
START_TEST(test_disabled_and_maint)
{
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n"
		 "  server d 127.0.0.1:%d check inter 100 disabled\n"
		 "  server m 127.0.0.1:%d check inter 100\n"
		 "  server n 127.0.0.1:%d inter 100\n",
		 t_closed_port(), t_closed_port(), t_closed_port());
	struct t_env e;
	t_up(&e, cfg);
	struct shm_be *b = t_be(&e, 0);
	struct shm_srv *m = t_srv(&e, 1);
	ck_assert_uint_eq(b->srv_act, 2);       /* m and n */
	__atomic_store_n(&m->admin, SHM_ADMIN_FMAINT, __ATOMIC_RELAXED);
	uint64_t gen0 = b->lb_gen;
	t_run(&e, NULL, NULL, 1200);
	ck_assert_uint_eq(t_srv(&e, 0)->check_status, CHK_ST_UNKNOWN);
	ck_assert_uint_eq(m->check_status, CHK_ST_UNKNOWN);
	ck_assert_uint_eq(t_srv(&e, 2)->check_status, CHK_ST_UNKNOWN);  /* no `check` */
	ck_assert_uint_eq(b->srv_act, 1);
	ck_assert_uint_gt(b->lb_gen, gen0);
	/* out of maintenance, checks resume */
	__atomic_store_n(&m->admin, 0, __ATOMIC_RELAXED);
	ck_assert_int_ge(t_run(&e, t_is_down, m, 500), 0);
	ck_assert_uint_eq(m->c.chkdown, 1);
	/* a DOWN server put in maintenance and back restarts UP at health
	 * rise (HAProxy's rule), so its next failure is a new UP->DOWN */
	__atomic_store_n(&m->admin, SHM_ADMIN_FMAINT, __ATOMIC_RELAXED);
	t_run(&e, NULL, NULL, 250);
	__atomic_store_n(&m->admin, 0, __ATOMIC_RELAXED);
	ck_assert_int_ge(t_run(&e, t_down_twice, m, 500), 0);
	ck_assert_uint_eq(m->op_state, SHM_OP_DOWN);
	ck_assert_uint_eq(m->c.chkfail, 2);
	t_down(&e);
}
END_TEST

START_TEST(test_disabled_backend)
{
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n  disabled\n"
		 "  server s 127.0.0.1:%d check inter 100\n", t_closed_port());
	struct t_env e;
	t_up(&e, cfg);
	t_run(&e, NULL, NULL, 300);
	ck_assert_uint_eq(t_srv(&e, 0)->check_status, CHK_ST_UNKNOWN);
	t_down(&e);
}
END_TEST

/* ------------------------------------------------------------- timeouts */

/* A listener whose accept queue is full drops SYNs: the connect hangs. */
static int t_blackhole(int *fillers, int n)
{
	int fd = t_bind(AF_INET, 0, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)t_port_of(fd)),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	for (int i = 0; i < n; i++) {
		fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fillers[i], (struct sockaddr *)&in, sizeof(in));
	}
	usleep(50 * 1000);
	return fd;
}

START_TEST(test_timeout)
{
	int fill[4];
	int fd = t_blackhole(fill, 4);
	int port = t_port_of(fd);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend plain\n"
		 "  server s 127.0.0.1:%d check inter 300\n"
		 "backend bounded\n"
		 "  timeout connect 100\n  timeout check 1s\n"
		 "  server s 127.0.0.1:%d check inter 300\n", port, port);
	struct t_env e;
	t_up(&e, cfg);
	struct shm_srv *plain = t_srv(&e, 0), *bounded = t_srv(&e, 1);
	ck_assert_int_ge(t_run(&e, t_is_down, plain, 1500), 0);
	ck_assert_int_ge(t_run(&e, t_is_down, bounded, 1500), 0);
	ck_assert_uint_eq(plain->check_status, CHK_ST_L4TOUT);
	ck_assert_uint_eq(bounded->check_status, CHK_ST_L4TOUT);
	/* inter bounds the check; with timeout check, min(connect, inter) */
	ck_assert_msg(plain->check_duration >= 280 && plain->check_duration <= 450,
		      "plain timeout %u ms", plain->check_duration);
	ck_assert_msg(bounded->check_duration >= 90 && bounded->check_duration <= 200,
		      "bounded timeout %u ms", bounded->check_duration);
	t_down(&e);
	for (int i = 0; i < 4; i++)
		close(fill[i]);
	close(fd);
}
END_TEST

/* ------------------------------------------------------------- addresses */

/* `addr` and `port` take the check elsewhere than the traffic: the server
 * address is TEST-NET (never answers), the check goes to the listener. */
START_TEST(test_addr_port_override)
{
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n"
		 "  server a 192.0.2.1:80 check inter 100 addr 127.0.0.1 port %d\n"
		 "  server b 127.0.0.1:%d check inter 100 port %d\n",
		 l.port, t_closed_port(), l.port);
	struct t_env e;
	t_up(&e, cfg);
	ck_assert_int_ge(t_run(&e, t_full_health, t_srv(&e, 0), 800), 0);
	ck_assert_int_ge(t_run(&e, t_full_health, t_srv(&e, 1), 800), 0);
	ck_assert_uint_eq(t_srv(&e, 0)->check_status, CHK_ST_L4OK);
	ck_assert_uint_eq(t_srv(&e, 1)->check_status, CHK_ST_L4OK);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

START_TEST(test_ipv6)
{
	int probe = t_bind(AF_INET6, 0, 1);
	if (probe < 0)
		return;                         /* no IPv6 loopback here */
	close(probe);
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET6, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n"
		 "  server up ipv6@::1:%d check inter 100\n"
		 "  server down [::1]:%d check inter 100\n", l.port, t_closed_port());
	struct t_env e;
	t_up(&e, cfg);
	ck_assert_int_ge(t_run(&e, t_full_health, t_srv(&e, 0), 800), 0);
	ck_assert_int_ge(t_run(&e, t_is_down, t_srv(&e, 1), 800), 0);
	ck_assert_uint_eq(t_srv(&e, 1)->check_status, CHK_ST_L4CON);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

/* ------------------------------------------------------------- spreading */

struct t_count {
	struct t_env *e;
	int n;
};

static int t_all_checked(void *arg)
{
	struct t_count *c = arg;
	for (int i = 0; i < c->n; i++)
		if (!t_checked(t_srv(c->e, (uint32_t)i)))
			return 0;
	return 1;
}

static int t_nchecked(struct t_env *e, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += t_checked(t_srv(e, (uint32_t)i));
	return k;
}

START_TEST(test_first_checks_spread)
{
	enum { N = 20 };
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	struct sbuf cfg = { 0 };
	sbuf_adds(&cfg, T_DEFAULTS "backend be\n");
	for (int i = 0; i < N; i++)
		sbuf_printf(&cfg, "  server s%d 127.0.0.1:%d check inter 1000\n", i, l.port);
	struct t_env e;
	t_up(&e, sbuf_str(&cfg));
	t_run(&e, NULL, NULL, 500);
	int half = t_nchecked(&e, N);
	/* uniform over 1 s: about 10 by now; all 20 (or none) is p < 1e-6 */
	ck_assert_msg(half > 0 && half < N, "%d of %d checked after 500 ms", half, N);
	struct t_count c = { &e, N };
	ck_assert_int_ge(t_run(&e, t_all_checked, &c, 700), 0);
	t_unlisten(&l);
	t_down(&e);
	sbuf_free(&cfg);
}
END_TEST

/* ------------------------------------------------------------------ logs */

/* stderr into a file for the duration of a test. */
static FILE *t_capture_begin(int *saved)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	fflush(stderr);
	*saved = dup(2);
	dup2(fileno(f), 2);
	return f;
}

static char *t_capture_end(FILE *f, int saved)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	long n = ftell(f);
	char *s = xcalloc(1, (size_t)n + 1);
	rewind(f);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = '\0';
	fclose(f);
	return s;
}

START_TEST(test_logs)
{
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n  option log-health-checks\n"
		 "  server s1 127.0.0.1:%d check inter 100 rise 2 fall 3\n", l.port);
	struct t_env e;
	t_up(&e, cfg);
	struct shm_srv *r = t_srv(&e, 0);
	ck_assert_int_ge(t_run(&e, t_full_health, r, 800), 0);
	int port = l.port;
	int saved;
	FILE *f = t_capture_begin(&saved);
	t_unlisten(&l);
	ck_assert_int_ge(t_run(&e, t_is_down, r, 1000), 0);
	t_listen(&l, e.base, AF_INET, port);
	ck_assert_int_ge(t_run(&e, t_is_up, r, 1000), 0);
	char *out = t_capture_end(f, saved);
	ck_assert_msg(strstr(out, "Health check for server be/s1 failed, reason: Layer4 connection "
			     "problem, info: \"Connection refused\", check duration: "), "%s", out);
	ck_assert_msg(strstr(out, "ms, status: 2/3 UP."), "%s", out);
	ck_assert_msg(strstr(out, "ms, status: 1/3 UP."), "%s", out);
	/* HAProxy: the "Health check" line gave the reason, the change does not */
	ck_assert_msg(strstr(out, "Server be/s1 is DOWN. 0 active and 0 backup servers left. "
			     "0 sessions active, 0 requeued, 0 remaining in queue."), "%s", out);
	ck_assert_msg(strstr(out, "backend 'be' has no server available!"), "%s", out);
	ck_assert_msg(strstr(out, "Health check for server be/s1 succeeded, reason: Layer4 check "
			     "passed, check duration: "), "%s", out);
	ck_assert_msg(strstr(out, "ms, status: 1/2 DOWN."), "%s", out);
	ck_assert_msg(strstr(out, "Server be/s1 is UP. 1 active and 0 backup servers online. "
			     "0 sessions requeued, 0 total in queue."), "%s", out);
	free(out);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

static int t_l4ok_no_failure(void *arg)
{
	return __atomic_load_n(&((struct shm_srv *)arg)->c.chkfail, __ATOMIC_RELAXED) == 0 &&
	       t_status_is(arg, CHK_ST_L4OK);
}

/* A plain L4 check ends on the SYN-ACK (TCP_QUICKACK off, then a reset),
 * as HAProxy's: the server's application never accepts it. A check that
 * sends something (here a PROXY header) completes the handshake. */
START_TEST(test_l4_not_accepted)
{
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), "global\n  max-spread-checks 20\n" T_DEFAULTS "backend be\n"
		 "  server s1 127.0.0.1:%d check inter 50\n", l.port);
	struct t_env e;
	t_up(&e, cfg);
	t_accepted = 0;
	ck_assert_int_ge(t_run(&e, t_l4ok_no_failure, t_srv(&e, 0), 500), 0);
	t_run(&e, NULL, NULL, 300);                    /* a few more checks */
	ck_assert_int_eq(t_accepted, 0);
	event_free(l.ev);                              /* its base goes with the checker */
	t_down(&e);
	snprintf(cfg, sizeof(cfg), "global\n  max-spread-checks 20\n" T_DEFAULTS "backend be\n"
		 "  server s1 127.0.0.1:%d check inter 50 check-send-proxy\n", l.port);
	t_up(&e, cfg);
	l.ev = event_new(e.base, l.fd, EV_READ | EV_PERSIST, t_on_accept, NULL);
	event_add(l.ev, NULL);
	t_run(&e, NULL, NULL, 300);
	ck_assert_int_gt(t_accepted, 0);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

/* `no-check` and `no-agent-check` on a server line cancel a default-server
 * `check` and `agent-check`: nothing probes that server. */
START_TEST(test_default_server_no_checks)
{
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), "global\n  max-spread-checks 20\n" T_DEFAULTS "backend be\n"
		 "  default-server check inter 100 agent-check agent-port %d agent-inter 100\n"
		 "  server both 127.0.0.1:%d\n"
		 "  server none 127.0.0.1:%d no-check no-agent-check\n", l.port, l.port, l.port);
	struct t_env e;
	t_up(&e, cfg);
	t_run(&e, NULL, NULL, 300);
	struct shm_srv *both = t_srv(&e, 0), *none = t_srv(&e, 1);
	ck_assert_uint_eq(both->check_status, CHK_ST_L4OK);
	ck_assert_uint_ne(both->agent_status, CHK_ST_UNKNOWN);
	ck_assert_uint_eq(none->check_status, CHK_ST_UNKNOWN);
	ck_assert_uint_eq(none->agent_status, CHK_ST_UNKNOWN);
	ck_assert_uint_eq(none->flags & (SHM_SRV_CHECK | SHM_SRV_AGENT), 0);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

/* ------------------------------------------------------------- observe */

static int t_all_full(void *arg)
{
	struct t_env *e = arg;
	for (uint32_t i = 0; i < shm_hdr(e->p.shm)->nsrv; i++)
		if (!t_full_health(t_srv(e, i)))
			return 0;
	return 1;
}

static uint64_t t_hana(struct shm_srv *r)
{
	return __atomic_load_n(&r->c.hanafail, __ATOMIC_RELAXED);
}

/* Errors the workers would count: n more on server i. */
/* n errors on traffic to server i, as a worker counts them: the kind of
 * the last one (what its mode counts most: failed connects for the layer4
 * server l4, wrong statuses for the others), then the count. */
static void t_errors(struct t_env *e, uint32_t i, uint32_t n)
{
	__atomic_store_n(&t_srv(e, i)->obs_last, i == 4 ? SHM_OBS_L4_ERR : SHM_OBS_HTTP_STS,
			 __ATOMIC_RELAXED);
	__atomic_add_fetch(&t_srv(e, i)->obs_consec, n, __ATOMIC_RELAXED);
}

/* HAProxy's on-error actions at error-limit (3 here), on servers at full
 * health (rise 2, fall 3: health 4): fastinter only hurries the next
 * check; fail-check (the default) is one failed check of status HANA
 * (UP 2/3); sudden-death leaves the server one failure from DOWN (health
 * rise); mark-down takes it DOWN. Each counts in hanafail, the failures
 * in chkfail; HANA has no duration; twice the limit in one look is two
 * actions; the remainder stays counted; a passed check forgets it. */
START_TEST(test_observe_actions)
{
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), "global\n  max-spread-checks 20\n" T_DEFAULTS "backend be\n"
		 "  default-server check inter 5000 rise 2 fall 3 observe layer7 error-limit 3\n"
		 "  server fi 127.0.0.1:%d fastinter 50 on-error fastinter\n"
		 "  server fc 127.0.0.1:%d\n"
		 "  server sd 127.0.0.1:%d on-error sudden-death\n"
		 "  server md 127.0.0.1:%d on-error mark-down\n"
		 "  server l4 127.0.0.1:%d inter 100 observe layer4 on-error mark-down\n",
		 l.port, l.port, l.port, l.port, l.port);
	struct t_env e;
	t_up(&e, cfg);
	ck_assert_int_ge(t_run(&e, t_all_full, &e, 1000), 0);
	struct shm_srv *fi = t_srv(&e, 0), *fc = t_srv(&e, 1), *sd = t_srv(&e, 2);
	struct shm_srv *md = t_srv(&e, 3), *l4 = t_srv(&e, 4);
	for (uint32_t i = 0; i < 4; i++)
		t_errors(&e, i, 3);
	t_errors(&e, 4, 2);                 /* below the limit */
	t_run(&e, NULL, NULL, 250);
	ck_assert_uint_eq(t_hana(fi), 1);
	ck_assert_int_eq(fi->check_health, 4);
	ck_assert_uint_eq(fi->c.chkfail, 0);
	ck_assert_uint_eq(fc->check_status, CHK_ST_HANA);
	ck_assert_int_eq(fc->check_health, 3);
	ck_assert_uint_eq(fc->op_state, SHM_OP_UP);
	ck_assert_uint_eq(fc->c.chkfail, 1);
	ck_assert_uint_eq(fc->check_duration, CHK_DURATION_NONE);
	ck_assert_str_eq(fc->last_chk, "Detected 3 consecutive errors, last one was: Wrong http "
			 "response");
	ck_assert_uint_eq(fc->obs_consec, 0);
	ck_assert_int_eq(sd->check_health, 2);
	ck_assert_uint_eq(sd->op_state, SHM_OP_UP);
	ck_assert_uint_eq(sd->c.chkfail, 1);
	ck_assert_int_eq(md->check_health, 0);
	ck_assert_uint_eq(md->op_state, SHM_OP_DOWN);
	ck_assert_uint_eq(md->c.chkfail, 1);
	ck_assert_uint_eq(md->c.chkdown, 1);
	ck_assert_uint_eq(t_hana(md), 1);
	/* l4's checks (every 100 ms) passed meanwhile: its 2 errors forgotten */
	ck_assert_uint_eq(l4->obs_consec, 0);
	ck_assert_uint_eq(t_hana(l4), 0);

	/* fastinter: the next check within fastinter, not inter (5 s) */
	__atomic_store_n(&fi->check_status, CHK_ST_UNKNOWN, __ATOMIC_RELAXED);
	t_errors(&e, 0, 3);
	long at = t_run(&e, t_checked, fi, 1000);
	ck_assert_msg(at >= 0 && at < 400, "check %ld ms after the errors", at);

	int saved;
	FILE *f = t_capture_begin(&saved);
	t_errors(&e, 1, 7);                 /* two limits and one more */
	t_errors(&e, 2, 3);
	t_errors(&e, 4, 3);
	t_run(&e, NULL, NULL, 250);
	char *out = t_capture_end(f, saved);
	ck_assert_uint_eq(t_hana(fc), 3);
	ck_assert_int_eq(fc->check_health, 0);
	ck_assert_uint_eq(fc->op_state, SHM_OP_DOWN);
	ck_assert_uint_eq(fc->c.chkfail, 3);
	ck_assert_uint_eq(fc->obs_consec, 1);
	ck_assert_uint_eq(sd->op_state, SHM_OP_DOWN);
	ck_assert_uint_eq(sd->c.chkfail, 2);
	/* layer4 names what it counts, connects; a HANA change has no duration */
	ck_assert_uint_eq(t_hana(l4), 1);
	ck_assert_msg(strstr(out, "Server be/l4 is DOWN, reason: Health analyze, info: \"Detected 3 "
			     "consecutive errors, last one was: L4 unsuccessful connection\". 1 "
			     "active and 0 backup servers left."), "%s", out);
	free(out);
	/* the info names the kind of the last error a worker counted */
	__atomic_store_n(&md->obs_last, SHM_OBS_HTTP_READ_TIMEOUT, __ATOMIC_RELAXED);
	__atomic_add_fetch(&md->obs_consec, 3, __ATOMIC_RELAXED);
	t_run(&e, NULL, NULL, 250);
	ck_assert_str_eq(md->last_chk, "Detected 3 consecutive errors, last one was: Read timeout "
			 "(http)");
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

/* HAProxy's words for each `observe` event (its analyze_statuses), as the
 * "last one was: ..." of a HANA result; anything else is "Unknown". */
START_TEST(test_observe_desc)
{
	static const struct { unsigned ev; const char *desc; } want[] = {
		{ SHM_OBS_NONE, "Unknown" },
		{ SHM_OBS_L4_OK, "L4 successful connection" },
		{ SHM_OBS_L4_ERR, "L4 unsuccessful connection" },
		{ SHM_OBS_HTTP_OK, "Correct http response" },
		{ SHM_OBS_HTTP_STS, "Wrong http response" },
		{ SHM_OBS_HTTP_HDRRSP, "Invalid http response (headers)" },
		{ SHM_OBS_HTTP_RSP, "Invalid http response" },
		{ SHM_OBS_HTTP_READ_ERROR, "Read error (http)" },
		{ SHM_OBS_HTTP_READ_TIMEOUT, "Read timeout (http)" },
		{ SHM_OBS_HTTP_BROKEN_PIPE, "Close from server (http)" },
		{ SHM_OBS__COUNT, "Unknown" },
		{ 1000, "Unknown" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_str_eq(check_observe_desc(want[i].ev), want[i].desc);
}
END_TEST

/* The backend's own log targets get the lines at HAProxy's levels: DOWN
 * alert (<129> in local0), UP notice (<133>), the empty backend emerg
 * (<128>, unquoted name). */
static int t_udp(int *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	*port = t_port_of(fd);
	return fd;
}

/* Every datagram received so far, one per line. */
static void t_drain(int fd, char *all, size_t cap)
{
	char buf[2048];
	ssize_t n;
	all[0] = '\0';
	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		strncat(all, buf, cap - strlen(all) - 2);
		strcat(all, "\n");
	}
}

START_TEST(test_syslog_targets)
{
	int lport, ufd = t_udp(&lport);
	t_base = event_base_new();
	struct t_lsn l;
	t_listen(&l, t_base, AF_INET, 0);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n  log 127.0.0.1:%d local0\n"
		 "  server s1 127.0.0.1:%d check inter 100 rise 1 fall 1\n", lport, l.port);
	struct t_env e;
	t_up(&e, cfg);
	log_init(e.cfg, "weir");
	struct shm_srv *r = t_srv(&e, 0);
	ck_assert_int_ge(t_run(&e, t_checked, r, 500), 0);
	int port = l.port;
	t_unlisten(&l);
	ck_assert_int_ge(t_run(&e, t_is_down, r, 500), 0);
	t_listen(&l, e.base, AF_INET, port);
	ck_assert_int_ge(t_run(&e, t_is_up, r, 500), 0);
	t_run(&e, NULL, NULL, 20);
	char all[8192];
	t_drain(ufd, all, sizeof(all));
	ck_assert_msg(strstr(all, "<129>") && strstr(all, "Server be/s1 is DOWN, reason: Layer4 "
		      "connection problem, info: \"Connection refused\""), "%s", all);
	ck_assert_msg(strstr(all, "<128>") && strstr(all, "backend be has no server available!"),
		      "%s", all);
	ck_assert_msg(strstr(all, "<133>") && strstr(all, "Server be/s1 is UP, reason: Layer4 check "
		      "passed"), "%s", all);
	log_deinit();
	close(ufd);
	t_unlisten(&l);
	t_down(&e);
}
END_TEST

static Suite *checker_suite(void)
{
	Suite *s = suite_create("checker");
	TCase *tc = tcase_create("state");
	tcase_add_test(tc, test_step);
	suite_add_tcase(s, tc);
	tc = tcase_create("loopback");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_listening_stays_up);
	tcase_add_test(tc, test_down_after_fall_up_after_rise);
	tcase_add_test(tc, test_fastinter_downinter);
	tcase_add_test(tc, test_last_server_down);
	tcase_add_test(tc, test_backup_counts);
	tcase_add_test(tc, test_disabled_and_maint);
	tcase_add_test(tc, test_disabled_backend);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_addr_port_override);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_first_checks_spread);
	tcase_add_test(tc, test_logs);
	tcase_add_test(tc, test_syslog_targets);
	tcase_add_test(tc, test_observe_actions);
	tcase_add_test(tc, test_observe_desc);
	tcase_add_test(tc, test_default_server_no_checks);
	tcase_add_test(tc, test_l4_not_accepted);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(checker_suite)
