/*
 * Agent checks and slowstart (src/checker/check_agent.c, check_slowstart.c).
 * Promises checked: the agent's reply is read as HAProxy reads it (words
 * split on spaces, commas and tabs, any case, a description after '#', the
 * last word of a kind wins, unknown words reported); "N%" is relative to
 * the configured weight and capped at weight 256; the slowstart ramp is
 * linear, at least 1 %, 100 % at the end of the period; the agent's drain
 * and weight combine with the ramp. Against a real segment and a loopback
 * agent: drain sets weight_pct 0, "ready 50%" 50, "down" takes the server
 * DOWN although its health check passes, "up" brings it back, with lb_gen
 * moved each time; a server coming back UP ramps from a small weight_pct;
 * agent-send is sent; an unreachable agent changes nothing; a restarted
 * checker adopts the weight_pct it finds.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/checker.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "../../src/checker/checker-int.h"

/* --------------------------------------------------------------- parser */

START_TEST(test_parse_words)
{
	struct agent_reply r;
	check_agent_parse("drain\n", &r);
	ck_assert_int_eq(r.admin, AGENT_AS_DRAIN);
	ck_assert_int_eq(r.health, 0);
	ck_assert_int_eq(r.weight, -1);
	ck_assert_int_eq(r.maxconn, -1);
	check_agent_parse("UP 75%,maxconn:30\tready\r\n", &r);
	ck_assert_int_eq(r.health, AGENT_HS_UP);
	ck_assert_int_eq(r.admin, AGENT_AS_READY);
	ck_assert_int_eq(r.weight, 75);
	ck_assert_int_eq(r.maxconn, 30);
	check_agent_parse("stopped#  planned window\r\n", &r);
	ck_assert_int_eq(r.health, AGENT_HS_STOPPED);
	ck_assert_str_eq(r.desc, "planned window");
	check_agent_parse("fail , maint # disk full", &r);
	ck_assert_int_eq(r.health, AGENT_HS_FAIL);
	ck_assert_int_eq(r.admin, AGENT_AS_MAINT);
	ck_assert_str_eq(r.desc, "disk full");
	check_agent_parse("up down 10% 20%", &r);      /* the last of each kind */
	ck_assert_int_eq(r.health, AGENT_HS_DOWN);
	ck_assert_int_eq(r.weight, 20);
	check_agent_parse("", &r);
	ck_assert_int_eq(r.health, 0);
	ck_assert_int_eq(r.admin, 0);
}
END_TEST

START_TEST(test_parse_errors)
{
	struct agent_reply r;
	check_agent_parse("hello 50% %", &r);
	ck_assert_str_eq(r.err, "hello");
	ck_assert_int_eq(r.weight, 50);
	check_agent_parse("5x% maxconn:abc", &r);
	ck_assert_str_eq(r.err, "5x%");
	ck_assert_int_eq(r.weight, -1);
	ck_assert_int_eq(r.maxconn, -1);
	check_agent_parse("upx", &r);
	ck_assert_int_eq(r.health, 0);
	ck_assert_str_eq(r.err, "upx");
	check_agent_parse("# only a description", &r);
	ck_assert_str_eq(r.desc, "only a description");
	ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(test_weight_pct)
{
	ck_assert_int_eq(check_agent_weight_pct(50, 1), 50);
	ck_assert_int_eq(check_agent_weight_pct(300, 100), 256);   /* weight 256 */
	ck_assert_int_eq(check_agent_weight_pct(300, 1), 300);
	ck_assert_int_eq(check_agent_weight_pct(0, 10), 0);
	ck_assert_int_eq(check_weight_pct(100, 0, 100), 100);
	ck_assert_int_eq(check_weight_pct(50, 0, 100), 50);
	ck_assert_int_eq(check_weight_pct(50, 0, 50), 25);
	ck_assert_int_eq(check_weight_pct(50, 1, 100), 0);      /* drained */
	ck_assert_int_eq(check_weight_pct(0, 0, 100), 0);
	ck_assert_int_eq(check_weight_pct(1, 0, 1), 1);         /* never rounds to 0 */
}
END_TEST

START_TEST(test_ramp)
{
	ck_assert_int_eq(check_slowstart_ramp(0, 10000), 1);
	ck_assert_int_eq(check_slowstart_ramp(1, 10000), 1);
	ck_assert_int_eq(check_slowstart_ramp(1000, 10000), 10);
	ck_assert_int_eq(check_slowstart_ramp(5000, 10000), 50);
	ck_assert_int_eq(check_slowstart_ramp(5001, 10000), 51);
	ck_assert_int_eq(check_slowstart_ramp(9999, 10000), 100);
	ck_assert_int_eq(check_slowstart_ramp(10000, 10000), 100);
	ck_assert_int_eq(check_slowstart_ramp(99999, 10000), 100);
	ck_assert_int_eq(check_slowstart_ramp(123, 0), 100);
	uint32_t prev = 0;
	for (uint64_t t = 0; t <= 6000; t += 1000) {
		uint32_t v = check_slowstart_ramp(t, 6000);
		ck_assert_uint_gt(v, prev);
		prev = v;
	}
}
END_TEST

/* ------------------------------------------------------------- loopback */

static int t_bind_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(in);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&in, len), 0);
	ck_assert_int_eq(listen(fd, 64), 0);
	getsockname(fd, (struct sockaddr *)&in, &len);
	*port = ntohs(in.sin_port);
	return fd;
}

/* The health check's port: accepted and closed. The agent's: the current
 * reply written, then closed. */
static const char *t_reply = "up\n";
static int t_agent_hits;

static void t_on_health(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	(void)arg;
	int c = accept(fd, NULL, NULL);
	if (c >= 0)
		close(c);
}

/* The agent answers once it read what the checker sent (agent-send) or
 * after 50 ms of silence. */
static char t_got[128];

#define T_MAXPEND 16
static struct event *t_pend[T_MAXPEND];   /* accepted, not answered yet */

static void t_on_agent_conn(evutil_socket_t fd, short what, void *arg)
{
	struct event **slot = arg;
	if (what & EV_READ) {
		ssize_t n = recv(fd, t_got, sizeof(t_got) - 1, MSG_DONTWAIT);
		t_got[n > 0 ? n : 0] = '\0';
	}
	ssize_t n = write(fd, t_reply, strlen(t_reply));
	(void)n;
	t_agent_hits++;
	close(fd);
	event_free(*slot);
	*slot = NULL;
}

static void t_on_agent(evutil_socket_t fd, short what, void *base)
{
	(void)what;
	int c = accept(fd, NULL, NULL);
	if (c < 0)
		return;
	struct event **slot = NULL;
	for (int i = 0; i < T_MAXPEND && !slot; i++)
		if (!t_pend[i])
			slot = &t_pend[i];
	if (!slot) {
		close(c);
		return;
	}
	*slot = event_new(base, c, EV_READ, t_on_agent_conn, slot);
	struct timeval tv = { 0, 50000 };
	event_add(*slot, &tv);
}

static void t_pend_free(void)
{
	for (int i = 0; i < T_MAXPEND; i++) {
		if (!t_pend[i])
			continue;
		close(event_get_fd(t_pend[i]));
		event_free(t_pend[i]);
		t_pend[i] = NULL;
	}
}

struct t_env {
	struct cfg *cfg;
	struct shm_layout layout;
	struct weir_proc p;
	struct event_base *base;
	int hfd, afd;
	struct event *hev, *aev;
};

static void t_up_at(struct t_env *e, const char *fmt, int start)
{
	int hport, aport;
	memset(e, 0, sizeof(*e));
	e->base = event_base_new();
	e->hfd = t_bind_any(&hport);
	e->afd = t_bind_any(&aport);
	e->hev = event_new(e->base, e->hfd, EV_READ | EV_PERSIST, t_on_health, NULL);
	e->aev = event_new(e->base, e->afd, EV_READ | EV_PERSIST, t_on_agent, e->base);
	event_add(e->hev, NULL);
	event_add(e->aev, NULL);
	char text[1024];
	snprintf(text, sizeof(text), fmt, hport, aport);
	e->cfg = t_load_ok(text);
	ck_assert_int_eq(shm_layout_compute(e->cfg, 1, &e->layout), 0);
	ck_assert_int_eq(shm_create(&e->layout, &e->p.seg), 0);
	e->p.cfg = e->cfg;
	e->p.layout = &e->layout;
	e->p.shm = e->p.seg.base;
	e->p.base = e->base;
	e->p.role = SHM_ROLE_CHECKER;
	e->p.worker = -1;
	if (start)
		ck_assert_int_eq(checker_start(&e->p), 0);
}

static void t_up(struct t_env *e, const char *fmt)
{
	t_up_at(e, fmt, 1);
}

static void t_down(struct t_env *e)
{
	checker_stop();
	t_pend_free();
	event_free(e->hev);
	event_free(e->aev);
	close(e->hfd);
	close(e->afd);
	shm_destroy(&e->p.seg);
	shm_layout_release(&e->layout);
	cfg_free(e->cfg);
	event_base_free(e->base);
}

static void t_break(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

/* Runs the loop for ms milliseconds. */
static void t_run(struct t_env *e, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	struct event *t = evtimer_new(e->base, t_break, e->base);
	evtimer_add(t, &tv);
	event_base_dispatch(e->base);
	event_free(t);
}

static uint32_t t_load32(uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

#define T_AGENT_CFG \
	"defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n" \
	"backend be\n  server s 127.0.0.1:%d check inter 100ms rise 1 fall 1 " \
	"agent-check agent-port %d agent-inter 100ms\n"

START_TEST(test_agent_loopback)
{
	struct t_env e;
	t_reply = "drain\n";
	t_up(&e, T_AGENT_CFG);
	struct shm_srv *r = shm_server(e.p.shm, 0);
	struct shm_be *b = shm_backend(e.p.shm, 0);
	t_run(&e, 400);
	ck_assert_int_gt(t_agent_hits, 0);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 0);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_UP);
	uint64_t gen = __atomic_load_n(&b->lb_gen, __ATOMIC_ACQUIRE);

	t_reply = "50%\n";                      /* still drained: only ready undoes it */
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 0);
	t_reply = "ready 50%\n";
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 50);
	ck_assert_uint_gt(__atomic_load_n(&b->lb_gen, __ATOMIC_ACQUIRE), gen);

	t_reply = "down # planned\n";
	t_run(&e, 400);                         /* health checks pass meanwhile */
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_DOWN);
	ck_assert_uint_eq(t_load32(&b->srv_act), 0);

	t_reply = "up\n";
	t_run(&e, 400);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_UP);
	ck_assert_uint_eq(t_load32(&b->srv_act), 1);

	t_reply = "maint\n";
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_DOWN);
	t_reply = "up\n";                       /* maint holds until ready */
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_DOWN);
	t_reply = "ready\n";
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_UP);
	t_down(&e);
}
END_TEST

/* The agent takes the server down and back up: the way back ramps. */
START_TEST(test_slowstart_loopback)
{
	struct t_env e;
	t_reply = "up\n";
	t_up(&e, "defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 1s\n"
	     "  timeout server 1s\nbackend be\n  server s 127.0.0.1:%d check inter 100ms "
	     "rise 1 fall 1 slowstart 3s agent-check agent-port %d agent-inter 100ms\n");
	struct shm_srv *r = shm_server(e.p.shm, 0);
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 100);   /* not at startup */
	t_reply = "down\n";
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_DOWN);
	t_reply = "up\n";
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_UP);
	uint32_t w0 = t_load32(&r->weight_pct);
	ck_assert_uint_le(w0, 5);
	t_run(&e, 1100);
	uint32_t w1 = t_load32(&r->weight_pct);
	ck_assert_uint_gt(w1, w0);
	ck_assert_uint_lt(w1, 100);
	t_run(&e, 2200);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 100);
	t_down(&e);
}
END_TEST

/* agent-send is written verbatim once connected; a reply may end with a
 * CR instead of a LF (HAProxy ends the line at either). */
START_TEST(test_agent_send)
{
	struct t_env e;
	t_reply = "25%\r";
	t_got[0] = '\0';
	t_up(&e, "defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 1s\n"
	     "  timeout server 1s\nbackend be\n  server s 127.0.0.1:%d weight 8 "
	     "agent-check agent-port %d agent-inter 100ms agent-send \"hello be/s\\n\"\n");
	struct shm_srv *r = shm_server(e.p.shm, 0);
	t_run(&e, 400);
	ck_assert_str_eq(t_got, "hello be/s\n");
	ck_assert_uint_eq(t_load32(&r->weight_pct), 25);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_UP);    /* no `check`: agent only */
	t_down(&e);
}
END_TEST

/* A reply the agent ends by its close, without an end of line, is
 * ignored as HAProxy ignores it: nothing changes but last_agt, and the
 * agent's status stays what its last complete line gave. */
START_TEST(test_agent_incomplete)
{
	struct t_env e;
	t_reply = "50%\n";
	t_up(&e, T_AGENT_CFG);
	struct shm_srv *r = shm_server(e.p.shm, 0);
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 50);
	unsigned st = t_load32(&r->agent_status);
	t_reply = "down 10%";
	t_run(&e, 400);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_UP);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 50);
	ck_assert_uint_eq(t_load32(&r->agent_status), st);
	ck_assert_str_eq(r->last_agt, "Ignoring incomplete line from agent");
	t_reply = "down 10%\n";
	t_run(&e, 400);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_DOWN);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 10);
	t_down(&e);
}
END_TEST

/* An agent that is not there changes nothing (the health check decides). */
START_TEST(test_agent_unreachable)
{
	struct t_env e;
	t_reply = "down\n";
	t_up(&e, T_AGENT_CFG);
	struct shm_srv *r = shm_server(e.p.shm, 0);
	close(e.afd);
	event_del(e.aev);
	e.afd = socket(AF_INET, SOCK_STREAM, 0);   /* closed by t_down */
	t_run(&e, 400);
	ck_assert_uint_eq(t_load32(&r->op_state), SHM_OP_UP);
	ck_assert_uint_eq(t_load32(&r->weight_pct), 100);
	/* only the agent's own result (show stat agent_*) says so */
	ck_assert_uint_eq(t_load32(&r->agent_status), CHK_ST_L4CON);
	ck_assert_str_eq(r->last_agt, "Connection refused");
	ck_assert_int_eq(r->agent_health, 1);
	ck_assert_int_eq(r->agent_code, -1);
	t_down(&e);
}
END_TEST

/* A checker restarted on a live segment (or after a reload, which carries
 * weight_pct over) goes on with a ramp, keeps an agent's drain until the
 * agent says "ready", and resets what nothing holds any more. */
START_TEST(test_adopt)
{
	struct t_env e;
	t_reply = "up\n";
	t_up_at(&e, "defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 1s\n"
		"  timeout server 1s\nbackend be\n"
		"  server ramp 127.0.0.1:%d check inter 100ms slowstart 2s\n"
		"  server plain 127.0.0.1:1\n"
		"  server agent 127.0.0.1:1 agent-check agent-port %d agent-inter 100ms\n", 0);
	struct shm_srv *ramp = shm_server(e.p.shm, 0), *plain = shm_server(e.p.shm, 1);
	struct shm_srv *agent = shm_server(e.p.shm, 2);
	ramp->weight_pct = 50;
	plain->weight_pct = 30;
	agent->weight_pct = 0;
	ck_assert_int_eq(checker_start(&e.p), 0);
	ck_assert_uint_eq(t_load32(&plain->weight_pct), 100);
	ck_assert_uint_eq(t_load32(&ramp->weight_pct), 50);
	t_run(&e, 1300);
	ck_assert_uint_eq(t_load32(&ramp->weight_pct), 100);
	ck_assert_int_gt(t_agent_hits, 0);
	ck_assert_uint_eq(t_load32(&agent->weight_pct), 0);
	t_reply = "ready\n";
	t_run(&e, 300);
	ck_assert_uint_eq(t_load32(&agent->weight_pct), 100);
	t_down(&e);
}
END_TEST

static Suite *agent_suite(void)
{
	Suite *s = suite_create("agent");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_parse_words);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_weight_pct);
	tcase_add_test(tc, test_ramp);
	suite_add_tcase(s, tc);
	tc = tcase_create("loopback");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_agent_loopback);
	tcase_add_test(tc, test_slowstart_loopback);
	tcase_add_test(tc, test_agent_send);
	tcase_add_test(tc, test_agent_incomplete);
	tcase_add_test(tc, test_agent_unreachable);
	tcase_add_test(tc, test_adopt);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(agent_suite)
