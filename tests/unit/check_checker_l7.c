/*
 * The checker's conversation checks (src/checker/check_conv.c,
 * check_http.c, check_proto.c). Promises checked against small fake
 * servers on loopback, in the same event loop as the checker: an HTTP
 * check passes on 2xx/3xx (L7OK with the status as check_code) and fails
 * on another status (L7STS with the code and the reason phrase); expect
 * string/rstring look at the body, expect hdr at the headers; a
 * multi-step http-check sequence runs its connects, requests and expects
 * in order; tcp-check send/expect string and binary pass, and a mismatch
 * takes the server DOWN with L7RSP and HAProxy's "TCPCHK did not match
 * content" info; a silent server times out (L7TOUT) after `timeout
 * check`; redis passes on +PONG and fails with the server's -ERR line;
 * pgsql sends the protocol 3.0 StartupMessage byte for byte and passes on
 * an 'R' authentication request; mysql, smtp, ldap and ssl-hello judge
 * their servers as HAProxy does.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "check_main.h"
#include "checker_env.h"
#include "testutil.h"
#include "weir/checker.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "../../src/checker/checker-int.h"

/* ---------------------------------------------------------- fake servers */

/* When a fake server has heard enough to answer. */
enum t_until { T_HEAD = 0, T_LINE, T_BYTES, T_NEVER };

struct t_fake {
	int fd, port;
	struct event *ev;
	struct event_base *base;
	const char *banner;         /* sent on accept */
	size_t banner_len;
	const char *reply;          /* sent once the request is in, then closed */
	size_t reply_len;
	enum t_until until;
	size_t need;                /* T_BYTES */
	unsigned char got[4096];    /* the last complete request */
	size_t gotlen;
	int nreq;
	struct t_fconn *conns[64];  /* open connections, freed by t_fake_stop */
};

struct t_fconn {
	int fd;
	struct event *ev;
	struct t_fake *f;
	int slot;
	unsigned char buf[4096];
	size_t len;
};

static int t_complete(const struct t_fconn *k)
{
	const struct t_fake *f = k->f;
	switch (f->until) {
	case T_HEAD:
		for (size_t i = 0; i + 3 < k->len; i++)
			if (memcmp(k->buf + i, "\r\n\r\n", 4) == 0)
				return 1;
		return 0;
	case T_LINE:
		return memchr(k->buf, '\n', k->len) != NULL;
	case T_BYTES:
		return k->len >= f->need;
	default:
		return 0;
	}
}

static void t_fconn_close(struct t_fconn *k)
{
	if (k->slot >= 0)
		k->f->conns[k->slot] = NULL;
	event_free(k->ev);
	close(k->fd);
	free(k);
}

static void t_on_data(evutil_socket_t fd, short what, void *arg)
{
	struct t_fconn *k = arg;
	(void)what;
	ssize_t n = recv(fd, k->buf + k->len, sizeof(k->buf) - k->len - 1, 0);
	if (n <= 0) {
		t_fconn_close(k);
		return;
	}
	k->len += (size_t)n;
	if (!t_complete(k))
		return;
	struct t_fake *f = k->f;
	memcpy(f->got, k->buf, k->len);
	f->gotlen = k->len;
	f->got[k->len] = '\0';
	f->nreq++;
	if (f->reply_len && send(fd, f->reply, f->reply_len, MSG_NOSIGNAL) < 0)
		ck_abort_msg("fake server: %s", strerror(errno));
	shutdown(fd, SHUT_WR);
	k->len = 0;
}

static void t_on_accept(evutil_socket_t fd, short what, void *arg)
{
	struct t_fake *f = arg;
	(void)what;
	int c = accept(fd, NULL, NULL);
	if (c < 0)
		return;
	struct t_fconn *k = xcalloc(1, sizeof(*k));
	k->fd = c;
	k->f = f;
	k->slot = -1;
	for (int i = 0; i < 64 && k->slot < 0; i++)
		if (!f->conns[i]) {
			f->conns[i] = k;
			k->slot = i;
		}
	if (f->banner_len && send(c, f->banner, f->banner_len, MSG_NOSIGNAL) < 0)
		ck_abort_msg("fake server: %s", strerror(errno));
	k->ev = event_new(f->base, c, EV_READ | EV_PERSIST, t_on_data, k);
	event_add(k->ev, NULL);
}

static struct event_base *t_base;

static void t_fake_start(struct t_fake *f, const char *reply, size_t len, enum t_until until)
{
	if (!t_base)
		t_base = event_base_new();
	memset(f, 0, sizeof(*f));
	f->base = t_base;
	f->reply = reply;
	f->reply_len = len;
	f->until = until;
	f->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(f->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&in, sizeof(in)), 0);
	ck_assert_int_eq(listen(f->fd, 64), 0);
	socklen_t sl = sizeof(in);
	getsockname(f->fd, (struct sockaddr *)&in, &sl);
	f->port = ntohs(in.sin_port);
	f->ev = event_new(t_base, f->fd, EV_READ | EV_PERSIST, t_on_accept, f);
	event_add(f->ev, NULL);
}

#define T_FAKE(f, lit, until) t_fake_start((f), (lit), sizeof(lit) - 1, (until))

static void t_fake_stop(struct t_fake *f)
{
	for (int i = 0; i < 64; i++)
		if (f->conns[i])
			t_fconn_close(f->conns[i]);
	event_free(f->ev);
	close(f->fd);
}

/* ----------------------------------------------------------- the checker */

/* Starts the checker on `text`, on the loop the fake servers live on. */
static void t_up(struct t_env *e, const char *text)
{
	if (!t_base)
		t_base = event_base_new();
	t_chk_up(e, text, t_base);
}

#define t_logs t_chk_logs

static void t_down(struct t_env *e)
{
	t_chk_down(e);
	t_base = NULL;
}

static struct shm_srv *t_srv(struct t_env *e, uint32_t i)
{
	return shm_server(e->p.shm, i);
}

struct t_wait {
	struct shm_srv *r;
	uint64_t deadline;
	int ok;
	struct event_base *base;
};

static void t_tick(evutil_socket_t fd, short what, void *arg)
{
	struct t_wait *w = arg;
	(void)fd;
	(void)what;
	if (__atomic_load_n(&w->r->check_status, __ATOMIC_RELAXED) != CHK_ST_UNKNOWN) {
		w->ok = 1;
		event_base_loopbreak(w->base);
	} else if (checker_now_ms() >= w->deadline) {
		event_base_loopbreak(w->base);
	}
}

/* Runs the loop until server i has a first result; its elapsed ms. */
static long t_checked(struct t_env *e, uint32_t i, int max_ms)
{
	uint64_t t0 = checker_now_ms();
	struct t_wait w = { t_srv(e, i), t0 + (uint64_t)max_ms, 0, e->base };
	struct event *tick = event_new(e->base, -1, EV_PERSIST, t_tick, &w);
	struct timeval tv = { 0, 1000 };
	event_add(tick, &tv);
	event_base_dispatch(e->base);
	event_free(tick);
	ck_assert_msg(w.ok, "server %u was not checked within %d ms", i, max_ms);
	return (long)(checker_now_ms() - t0);
}

/* Server i's first result is `st` with `code` and the logs say `line`. */
static void t_expect(struct t_env *e, uint32_t i, unsigned st, int code, const char *line)
{
	t_checked(e, i, 2000);
	struct shm_srv *r = t_srv(e, i);
	char *logs = t_logs(e);
	ck_assert_msg(r->check_status == st, "status %s, expected %s; logs:\n%s",
		      check_status_name(r->check_status), check_status_name(st), logs);
	ck_assert_msg(r->check_code == code, "code %d, expected %d; logs:\n%s", r->check_code, code,
		      logs);
	int passed = st == CHK_ST_L7OK || st == CHK_ST_L6OK || st == CHK_ST_L7OKC;
	ck_assert_uint_eq(r->op_state, passed ? SHM_OP_UP : SHM_OP_DOWN);
	if (line)
		ck_assert_msg(strstr(logs, line), "'%s' not in the logs:\n%s", line, logs);
	free(logs);
}

#define T_DEFAULTS \
	"global\n  max-spread-checks 20\n" \
	"defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n" \
	"  option log-health-checks\n"
#define T_SRV "  server s 127.0.0.1:%d check inter 3000 rise 1 fall 1\n"

/* ------------------------------------------------------------------ HTTP */

START_TEST(test_http_status)
{
	struct t_fake ok, bad, redirect;
	T_FAKE(&ok, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", T_HEAD);
	T_FAKE(&bad, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", T_HEAD);
	T_FAKE(&redirect, "HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n", T_HEAD);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend ok\n  option httpchk GET /health\n" T_SRV
		 "backend bad\n  option httpchk\n" T_SRV
		 "backend redirect\n  option httpchk HEAD / HTTP/1.1\n  http-check send hdr Host www\n" T_SRV,
		 ok.port, bad.port, redirect.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 200, "Health check for server ok/s succeeded, reason: Layer7 "
		 "check passed, code: 200, check duration: ");    /* a pass has no info */
	ck_assert_msg(strncmp((char *)ok.got, "GET /health HTTP/1.0\r\n", 22) == 0, "%s", ok.got);
	t_expect(&e, 1, CHK_ST_L7STS, 503, "Health check for server bad/s failed, reason: Layer7 "
		 "wrong status, code: 503, info: \"Service Unavailable\"");
	/* with log-health-checks, HAProxy's DOWN line leaves the reason to it */
	char *logs = t_logs(&e);
	ck_assert_msg(strstr(logs, "Server bad/s is DOWN. 0 active and 0 backup servers left."), "%s",
		      logs);
	free(logs);
	ck_assert_msg(strncmp((char *)bad.got, "OPTIONS / HTTP/1.0\r\n", 20) == 0, "%s", bad.got);
	t_expect(&e, 2, CHK_ST_L7OK, 302, NULL);
	ck_assert_msg(strncmp((char *)redirect.got, "HEAD / HTTP/1.1\r\nHost: www\r\n", 28) == 0, "%s",
		      redirect.got);
	t_fake_stop(&ok);
	t_fake_stop(&bad);
	t_fake_stop(&redirect);
	t_down(&e);
}
END_TEST

/* Explicit status lists and ranges, and `!`. */
START_TEST(test_http_expect_status)
{
	struct t_fake nc;
	T_FAKE(&nc, "HTTP/1.1 204 No Content\r\n\r\n", T_HEAD);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend range\n  option httpchk\n  http-check expect status 200,201-204\n" T_SRV
		 "backend not\n  option httpchk\n  http-check expect ! status 204\n" T_SRV
		 "backend rstatus\n  option httpchk\n  http-check expect rstatus ^2\n" T_SRV,
		 nc.port, nc.port, nc.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 204, NULL);
	t_expect(&e, 1, CHK_ST_L7STS, 204, "code: 204, info: \"No Content\"");
	t_expect(&e, 2, CHK_ST_L7OK, 204, NULL);
	t_fake_stop(&nc);
	t_down(&e);
}
END_TEST

/* The deprecated form hides headers after the version; they are sent. */
START_TEST(test_http_deprecated_host)
{
	struct t_fake f;
	T_FAKE(&f, "HTTP/1.1 200 OK\r\n\r\n", T_HEAD);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend be\n  option httpchk GET /ping HTTP/1.1\\r\\nHost:\\ www.example.com\n" T_SRV,
		 f.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 200, NULL);
	ck_assert_msg(strncmp((char *)f.got, "GET /ping HTTP/1.1\r\nHost: www.example.com\r\n", 43) == 0,
		      "%s", f.got);
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

START_TEST(test_http_body)
{
	struct t_fake f;
	T_FAKE(&f, "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nstatus: green", T_HEAD);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend str\n  option httpchk\n  http-check expect string green\n" T_SRV
		 "backend rstr\n  option httpchk\n  http-check expect rstring ^status:\\ (red|amber)$\n" T_SRV
		 "backend rstr_ok\n  option httpchk\n  http-check expect rstring ^status:\\ gr[e]+n$\n" T_SRV,
		 f.port, f.port, f.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 200, NULL);
	t_expect(&e, 1, CHK_ST_L7RSP, 200, "reason: Layer7 invalid response, info: \"HTTP content "
		 "check did not match\"");
	t_expect(&e, 2, CHK_ST_L7OK, 200, NULL);
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

/* A chunked body is matched decoded: the framing would break the anchor. */
START_TEST(test_http_chunked)
{
	struct t_fake f;
	T_FAKE(&f, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	       "6\r\nstatus\r\n6;ext=1\r\n: gree\r\n1\r\nn\r\n0\r\n\r\n", T_HEAD);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend be\n  option httpchk\n  http-check expect rstring ^status:\\ green$\n" T_SRV,
		 f.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 200, NULL);
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

START_TEST(test_http_hdr)
{
	struct t_fake f;
	T_FAKE(&f, "HTTP/1.1 200 OK\r\nX-Role: replica, primary\r\nContent-Length: 0\r\n\r\n", T_HEAD);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend has\n  option httpchk\n  http-check expect hdr name x-role value primary\n" T_SRV
		 "backend wrong\n  option httpchk\n  http-check expect hdr name X-Role value secondary\n"
		 T_SRV
		 "backend present\n  option httpchk\n  http-check expect hdr name -m beg x-ro\n" T_SRV
		 "backend absent\n  option httpchk\n  http-check expect hdr name X-Missing\n" T_SRV,
		 f.port, f.port, f.port, f.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 200, NULL);
	/* HAProxy 2.6 reports a header mismatch as a wrong status (L7STS), as
	 * tests/integration/checks/http.sh shows against the real one */
	t_expect(&e, 1, CHK_ST_L7STS, 200, "HTTP header check did not match");
	t_expect(&e, 2, CHK_ST_L7OK, 200, NULL);
	t_expect(&e, 3, CHK_ST_L7STS, 200, NULL);
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

/* Two exchanges on two connections: the second one on another port. */
START_TEST(test_http_sequence)
{
	struct t_fake one, two, one2, two2;
	T_FAKE(&one, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none", T_HEAD);
	T_FAKE(&two, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo", T_HEAD);
	T_FAKE(&one2, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none", T_HEAD);
	T_FAKE(&two2, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo", T_HEAD);
	char cfg[2048];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend seq\n  option httpchk\n"
		 "  http-check connect\n"
		 "  http-check send meth GET uri /a ver HTTP/1.1 hdr Host a.example body hello\n"
		 "  http-check expect status 200\n"
		 "  http-check connect port %d\n"
		 "  http-check send uri /b\n"
		 "  http-check expect string two\n" T_SRV
		 "backend seqfail\n  option httpchk\n"
		 "  http-check connect\n"
		 "  http-check send uri /a\n"
		 "  http-check expect status 200\n"
		 "  http-check connect port %d\n"
		 "  http-check send uri /b\n"
		 "  http-check expect string one\n" T_SRV,
		 two.port, one.port, two2.port, one2.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 200, NULL);
	ck_assert_msg(strncmp((char *)one.got, "GET /a HTTP/1.1\r\nHost: a.example\r\n", 34) == 0, "%s",
		      one.got);
	ck_assert_msg(strstr((char *)one.got, "Content-Length: 5\r\n"), "%s", one.got);
	ck_assert_msg(strncmp((char *)two.got, "OPTIONS /b HTTP/1.0\r\n", 21) == 0, "%s", two.got);
	t_expect(&e, 1, CHK_ST_L7RSP, 200, NULL);
	ck_assert_int_eq(one.nreq + two.nreq + one2.nreq + two2.nreq, 4);
	t_fake_stop(&one);
	t_fake_stop(&two);
	t_fake_stop(&one2);
	t_fake_stop(&two2);
	t_down(&e);
}
END_TEST

START_TEST(test_http_malformed_and_timeout)
{
	struct t_fake junk, silent;
	T_FAKE(&junk, "SSH-2.0-OpenSSH\r\n\r\n", T_HEAD);
	T_FAKE(&silent, "", T_NEVER);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend junk\n  option httpchk\n" T_SRV
		 "backend silent\n  timeout check 200\n  option httpchk\n" T_SRV, junk.port, silent.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7RSP, -1, NULL);
	t_expect(&e, 1, CHK_ST_L7TOUT, -1, "reason: Layer7 timeout");
	ck_assert_uint_ge(t_srv(&e, 1)->check_duration, 190);
	ck_assert_uint_le(t_srv(&e, 1)->check_duration, 400);
	t_fake_stop(&junk);
	t_fake_stop(&silent);
	t_down(&e);
}
END_TEST

/* disable-on-404: a 404 keeps the server in NOLB (STOPPING, out of
 * srv_act); a 200 brings it back UP. */
START_TEST(test_http_disable_on_404)
{
	struct t_fake f;
	T_FAKE(&f, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", T_HEAD);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend be\n  option httpchk\n  http-check disable-on-404\n  http-check send-state\n"
		 "  server s 127.0.0.1:%d check inter 100 rise 1 fall 1\n", f.port);
	struct t_env e;
	t_up(&e, cfg);
	struct shm_srv *r = t_srv(&e, 0);
	struct shm_be *b = shm_backend(e.p.shm, 0);
	t_checked(&e, 0, 2000);
	char *logs = t_logs(&e);
	ck_assert_msg(r->check_status == CHK_ST_L7OKC, "%s", logs);
	ck_assert_int_eq(r->check_code, 404);
	ck_assert_uint_eq(r->op_state, SHM_OP_STOPPING);
	ck_assert_uint_eq(b->srv_act, 0);
	ck_assert_msg(strstr(logs, "Health check for server be/s conditionally succeeded, reason: "
			     "Layer7 check conditionally passed, code: 404, check duration: "), "%s", logs);
	ck_assert_msg(strstr(logs, "Server be/s is stopping. 0 active and 0 backup servers online. "
			     "0 sessions requeued, 0 total in queue."), "%s", logs);
	ck_assert_msg(strstr((char *)f.got, "\r\nX-Haproxy-Server-State: UP; name=be/s; node="),
		      "%s", f.got);
	free(logs);
	f.reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	f.reply_len = strlen(f.reply);
	uint64_t t0 = checker_now_ms();
	while (r->op_state != SHM_OP_UP && checker_now_ms() - t0 < 2000)
		event_base_loop(e.base, EVLOOP_ONCE);
	ck_assert_uint_eq(r->op_state, SHM_OP_UP);
	ck_assert_uint_eq(r->check_status, CHK_ST_L7OK);
	ck_assert_uint_eq(b->srv_act, 1);
	ck_assert_msg(strstr((char *)f.got, "X-Haproxy-Server-State: NOLB; name=be/s"), "%s", f.got);
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

/* ------------------------------------------------------------- tcp-check */

START_TEST(test_tcpcheck_string)
{
	struct t_fake pong, err;
	T_FAKE(&pong, "+PONG\r\n", T_LINE);
	T_FAKE(&err, "-ERR unknown\r\n", T_LINE);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend pong\n  option tcp-check\n  tcp-check send PING\\r\\n\n"
		 "  tcp-check expect string +PONG\n" T_SRV
		 "backend err\n  option tcp-check\n  tcp-check send PING\\r\\n\n"
		 "  tcp-check expect string +PONG comment ping-pong\n" T_SRV,
		 pong.port, err.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 0, "succeeded, reason: Layer7 check passed, code: 0, info: "
		 "\"(tcp-check)\"");
	ck_assert_str_eq((char *)pong.got, "PING\r\n");
	t_expect(&e, 1, CHK_ST_L7RSP, 0, "Health check for server err/s failed, reason: Layer7 "
		 "invalid response, info: \"TCPCHK did not match content '+PONG' at step 2 comment: "
		 "'ping-pong'\"");
	t_fake_stop(&pong);
	t_fake_stop(&err);
	t_down(&e);
}
END_TEST

START_TEST(test_tcpcheck_binary)
{
	struct t_fake f;
	static const char reply[] = { 0x01, 0x02, 0x00, (char)0xff, 0x7f };
	t_fake_start(&f, reply, sizeof(reply), T_BYTES);
	f.need = 3;
	char cfg[2048];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend bin\n  option tcp-check\n  tcp-check send-binary 00ff10\n"
		 "  tcp-check expect binary 00ff\n" T_SRV
		 "backend rbin\n  option tcp-check\n  tcp-check send-binary 00ff10\n"
		 "  tcp-check expect rbinary ^0102\n  tcp-check expect ! binary 0000\n" T_SRV
		 "backend miss\n  option tcp-check\n  tcp-check send-binary 00ff10\n"
		 "  tcp-check expect binary 0203\n" T_SRV
		 "backend unwanted\n  option tcp-check\n  tcp-check send-binary 00ff10\n"
		 "  tcp-check expect ! rbinary FF7F\n" T_SRV,
		 f.port, f.port, f.port, f.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 0, NULL);
	ck_assert_uint_eq(f.gotlen, 3);
	ck_assert_int_eq(memcmp(f.got, "\x00\xff\x10", 3), 0);
	t_expect(&e, 1, CHK_ST_L7OK, 0, NULL);
	t_expect(&e, 2, CHK_ST_L7RSP, 0, "info: \"TCPCHK did not match content (binary) at step 2\"");
	t_expect(&e, 3, CHK_ST_L7RSP, 0, "info: \"TCPCHK matched unwanted content (binary regex) at "
		 "step 2\"");
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

/* A server that never answers: L7TOUT after `timeout check`, with the
 * step HAProxy names. */
START_TEST(test_tcpcheck_timeout)
{
	struct t_fake f;
	T_FAKE(&f, "", T_NEVER);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend be\n  timeout check 250\n  option tcp-check\n  tcp-check send hello\\n\n"
		 "  tcp-check expect string world\n" T_SRV, f.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7TOUT, -1, "reason: Layer7 timeout, info: \" at step 2 of tcp-check "
		 "(expect string 'world')\"");
	uint32_t d = t_srv(&e, 0)->check_duration;
	ck_assert_msg(d >= 240 && d <= 450, "timed out after %u ms", d);
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

/* `connect addr` goes elsewhere than the server (TEST-NET, never
 * answering); string-lf matches its rendered text. */
START_TEST(test_tcpcheck_connect_addr)
{
	struct t_fake f;
	T_FAKE(&f, "+PONG\r\n", T_LINE);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend be\n  option tcp-check\n  tcp-check connect addr 127.0.0.1 port %d\n"
		 "  tcp-check send PING\\r\\n\n  tcp-check expect string-lf +PONG\n"
		 "  server s 192.0.2.1:80 check inter 3000 rise 1 fall 1\n", f.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 0, NULL);
	ck_assert_str_eq((char *)f.got, "PING\r\n");
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

/* A refused connect names its step as HAProxy does. */
START_TEST(test_tcpcheck_connect_refused)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(in);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	getsockname(fd, (struct sockaddr *)&in, &sl);
	int port = ntohs(in.sin_port);
	close(fd);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend explicit\n  option tcp-check\n  tcp-check connect port %d\n"
		 "  tcp-check send x\n" T_SRV
		 "backend implicit\n  option tcp-check\n  tcp-check send x\n" T_SRV, port, port, port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L4CON, -1, "info: \"Connection refused at step 1 of tcp-check "
		 "(connect port");
	t_expect(&e, 1, CHK_ST_L4CON, -1, "info: \"Connection refused at initial connection step of "
		 "tcp-check\"");
	t_down(&e);
}
END_TEST

/* on-success / on-error texts replace the info; samples print "-". */
START_TEST(test_tcpcheck_messages)
{
	struct t_fake f;
	T_FAKE(&f, "220 ready\r\n", T_LINE);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend ok\n  option tcp-check\n  tcp-check send-lf hi\\ %%[str(abc)]\\r\\n\n"
		 "  tcp-check expect rstring ^220 on-success \"all good\"\n" T_SRV
		 "backend ko\n  option tcp-check\n  tcp-check send x\\n\n"
		 "  tcp-check expect string 250 error-status L7STS on-error \"got %%[res.payload(0,3)]\"\n"
		 T_SRV, f.port, f.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 0, "info: \"all good\"");
	t_expect(&e, 1, CHK_ST_L7STS, 0, "reason: Layer7 wrong status, code: 0, info: \"got -\"");
	t_fake_stop(&f);
	t_down(&e);
}
END_TEST

/* --------------------------------------------------- built-in protocols */

START_TEST(test_redis)
{
	struct t_fake ok, err;
	T_FAKE(&ok, "+PONG\r\n", T_BYTES);
	T_FAKE(&err, "-LOADING Redis is loading the dataset in memory\r\n", T_BYTES);
	ok.need = err.need = 14;
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend ok\n  option redis-check\n" T_SRV
		 "backend err\n  option redis-check\n" T_SRV, ok.port, err.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 0, "info: \"Redis server is ok\"");
	ck_assert_str_eq((char *)ok.got, "*1\r\n$4\r\nPING\r\n");
	t_expect(&e, 1, CHK_ST_L7STS, 0, "info: \"-LOADING Redis is loading the dataset in memory\"");
	t_fake_stop(&ok);
	t_fake_stop(&err);
	t_down(&e);
}
END_TEST

START_TEST(test_pgsql)
{
	struct t_fake ok, md5, err;
	static const char auth_ok[] = { 'R', 0, 0, 0, 8, 0, 0, 0, 0 };
	static const char auth_md5[] = { 'R', 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4 };
	static const char error[] = "E\0\0\0\x30SFATAL\0C28000\0Mno pg_hba.conf entry\0\0";
	t_fake_start(&ok, auth_ok, sizeof(auth_ok), T_BYTES);
	t_fake_start(&md5, auth_md5, sizeof(auth_md5), T_BYTES);
	t_fake_start(&err, error, sizeof(error) - 1, T_BYTES);
	ok.need = md5.need = err.need = 19;
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend ok\n  option pgsql-check user weir\n" T_SRV
		 "backend md5\n  option pgsql-check user weir\n" T_SRV
		 "backend err\n  option pgsql-check user weir\n" T_SRV, ok.port, md5.port, err.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 0, "info: \"PostgreSQL server is ok\"");
	/* Int32 length 19, Int32 protocol 3.0, "user" NUL "weir" NUL, NUL */
	static const unsigned char startup[] = { 0, 0, 0, 19, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0,
						 'w', 'e', 'i', 'r', 0, 0 };
	ck_assert_uint_eq(ok.gotlen, sizeof(startup));
	ck_assert_int_eq(memcmp(ok.got, startup, sizeof(startup)), 0);
	t_expect(&e, 1, CHK_ST_L7OK, 0, NULL);
	t_expect(&e, 2, CHK_ST_L7RSP, 0, "reason: Layer7 invalid response, info: \"FATAL\"");
	t_fake_stop(&ok);
	t_fake_stop(&md5);
	t_fake_stop(&err);
	t_down(&e);
}
END_TEST

/* A 4.1 handshake: length 0x34, sequence 0, protocol 10, "8.0.36", ... */
static const char t_mysql_hs[] = "\x34\x00\x00\x00\x0a" "8.0.36\x00"
	"\x01\x00\x00\x00" "abcdefgh\x00" "\xff\xf7\x21\x02\x00\xff\xdf\x15" "\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00" "ijklmnopqrst\x00";

START_TEST(test_mysql)
{
	struct t_fake ok, denied, nouser;
	static char okrep[256], denrep[256];
	size_t hl = sizeof(t_mysql_hs) - 1;
	memcpy(okrep, t_mysql_hs, hl);
	memcpy(okrep + hl, "\x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00", 11);
	static const char den[] = "\x1f\x00\x00\x02\xff\x15\x04#28000Access denied for weir";
	memcpy(denrep, t_mysql_hs, hl);
	memcpy(denrep + hl, den, sizeof(den) - 1);
	t_fake_start(&ok, okrep, hl + 11, T_BYTES);
	t_fake_start(&denied, denrep, hl + sizeof(den) - 1, T_BYTES);
	t_fake_start(&nouser, t_mysql_hs, hl, T_NEVER);
	ok.need = denied.need = 4 + 4 + 4 + 1 + 23 + 5 + 1 + 5;
	nouser.banner = t_mysql_hs;
	nouser.banner_len = hl;
	nouser.reply_len = 0;
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend ok\n  option mysql-check user weir\n" T_SRV
		 "backend denied\n  option mysql-check user weir post-41\n" T_SRV
		 "backend nouser\n  option mysql-check\n" T_SRV, ok.port, denied.port, nouser.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 0, "info: \"8.0.36\"");
	/* the client auth packet: length 38, sequence 1, then COM_QUIT */
	ck_assert_uint_eq(ok.gotlen, 47);
	ck_assert_int_eq(memcmp(ok.got, "\x26\x00\x00\x01\x00\x82\x00\x00\x00\x80\x00\x01\x21", 13), 0);
	ck_assert_int_eq(memcmp(ok.got + 36, "weir\0\0\x01\x00\x00\x00\x01", 11), 0);
	t_expect(&e, 1, CHK_ST_L7STS, 1045, "code: 1045, info: \"#28000Access denied for weir\"");
	t_expect(&e, 2, CHK_ST_L7OK, 0, "info: \"8.0.36\"");
	t_fake_stop(&ok);
	t_fake_stop(&denied);
	t_fake_stop(&nouser);
	t_down(&e);
}
END_TEST

START_TEST(test_smtp)
{
	struct t_fake ok, busy;
	T_FAKE(&ok, "250-mx.example Hello\r\n250 SIZE 1000\r\n", T_LINE);
	ok.banner = "220 mx.example ESMTP\r\n";
	ok.banner_len = strlen(ok.banner);
	T_FAKE(&busy, "", T_NEVER);
	busy.banner = "554 5.3.2 too busy\r\n";
	busy.banner_len = strlen(busy.banner);
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS
		 "backend ok\n  option smtpchk EHLO lb.example\n" T_SRV
		 "backend busy\n  option smtpchk\n" T_SRV, ok.port, busy.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 250, "code: 250, info: \"mx.example Hello\"");
	ck_assert_str_eq((char *)ok.got, "EHLO lb.example\r\n");
	t_expect(&e, 1, CHK_ST_L7STS, 554, "code: 554, info: \"5.3.2 too busy\"");
	t_fake_stop(&ok);
	t_fake_stop(&busy);
	t_down(&e);
}
END_TEST

START_TEST(test_ldap)
{
	struct t_fake ok, bad;
	static const char success[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x00,
					0x04, 0x00, 0x04, 0x00 };
	static const char invalid[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x31,
					0x04, 0x00, 0x04, 0x00 };
	t_fake_start(&ok, success, sizeof(success), T_BYTES);
	t_fake_start(&bad, invalid, sizeof(invalid), T_BYTES);
	ok.need = bad.need = 14;
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend ok\n  option ldap-check\n" T_SRV
		 "backend bad\n  option ldap-check\n" T_SRV, ok.port, bad.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L7OK, 0, "info: \"Success\"");
	ck_assert_int_eq(memcmp(ok.got, "\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03\x04\x00\x80\x00", 14), 0);
	t_expect(&e, 1, CHK_ST_L7STS, 49, "code: 49");
	t_fake_stop(&ok);
	t_fake_stop(&bad);
	t_down(&e);
}
END_TEST

START_TEST(test_ssl_hello)
{
	struct t_fake tls, plain;
	static const char hello[] = { 0x16, 0x03, 0x01, 0x00, 0x02, 0x02, 0x00 };
	t_fake_start(&tls, hello, sizeof(hello), T_BYTES);
	T_FAKE(&plain, "HTTP/1.0 400 Bad\r\n\r\n", T_BYTES);
	tls.need = plain.need = 126;
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend tls\n  option ssl-hello-chk\n" T_SRV
		 "backend plain\n  option ssl-hello-chk\n" T_SRV, tls.port, plain.port);
	struct t_env e;
	t_up(&e, cfg);
	t_expect(&e, 0, CHK_ST_L6OK, 0, "reason: Layer6 check passed");
	ck_assert_uint_eq(tls.gotlen, 126);
	ck_assert_int_eq(memcmp(tls.got, "\x16\x03\x00\x00\x79\x01\x00\x00\x75\x03\x00", 11), 0);
	ck_assert_int_eq(memcmp(tls.got + 15, "HAPROXYSSLCHK\nHAPROXYSSLCHK\n\x00\x00\x4e\x00\x01", 33), 0);
	ck_assert_int_eq(memcmp(tls.got + 122, "\x00\x3a\x01\x00", 4), 0);
	t_expect(&e, 1, CHK_ST_L6RSP, 0, NULL);
	t_fake_stop(&tls);
	t_fake_stop(&plain);
	t_down(&e);
}
END_TEST

static Suite *checker_l7_suite(void)
{
	Suite *s = suite_create("checker_l7");
	TCase *tc = tcase_create("http");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_http_status);
	tcase_add_test(tc, test_http_expect_status);
	tcase_add_test(tc, test_http_deprecated_host);
	tcase_add_test(tc, test_http_body);
	tcase_add_test(tc, test_http_hdr);
	tcase_add_test(tc, test_http_chunked);
	tcase_add_test(tc, test_http_sequence);
	tcase_add_test(tc, test_http_malformed_and_timeout);
	tcase_add_test(tc, test_http_disable_on_404);
	suite_add_tcase(s, tc);
	tc = tcase_create("tcp-check");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tcpcheck_string);
	tcase_add_test(tc, test_tcpcheck_binary);
	tcase_add_test(tc, test_tcpcheck_timeout);
	tcase_add_test(tc, test_tcpcheck_connect_refused);
	tcase_add_test(tc, test_tcpcheck_connect_addr);
	tcase_add_test(tc, test_tcpcheck_messages);
	suite_add_tcase(s, tc);
	tc = tcase_create("protocols");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_redis);
	tcase_add_test(tc, test_pgsql);
	tcase_add_test(tc, test_mysql);
	tcase_add_test(tc, test_smtp);
	tcase_add_test(tc, test_ldap);
	tcase_add_test(tc, test_ssl_hello);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(checker_l7_suite)
