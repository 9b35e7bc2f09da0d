/*
 * The check connection's transport (src/checker/check_ssl.c), against a
 * real OpenSSL server forked from the test with a certificate made here:
 * `check-ssl` passes at L6 (L6OK) and an HTTP check over TLS at L7; with
 * `verify required` the right ca-file passes and another CA fails with
 * L6RSP naming the verify error; `check-sni` and `check-alpn` reach the
 * server; `http-check connect ssl sni alpn` and `tcp-check connect ssl`
 * use their own settings; a plain server behind check-ssl is L6RSP and a
 * silent one L6TOUT; `check-send-proxy` puts the exact PROXY v1 line (the
 * v2 LOCAL header with `send-proxy-v2`, as HAProxy) before the check's
 * request.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "check_main.h"
#include "checker_env.h"
#include "testutil.h"
#include "weir/checker.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "../../src/checker/checker-int.h"

/* ------------------------------------------------------- certificates */

static char t_dir[64];

static void t_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", t_dir, name);
}

static void t_ext(X509 *x, int nid, const char *val)
{
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, nid, val);
	ck_assert_ptr_nonnull(e);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* A self-signed P-256 certificate for "localhost": <name>.pem holds the
 * certificate and its key, <name>.crt the certificate alone. */
static void t_make_cert(const char *name)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	ck_assert_ptr_nonnull(k);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)getpid() + name[0]);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
	X509_set_issuer_name(x, n);
	t_ext(x, NID_basic_constraints, "critical,CA:TRUE");
	t_ext(x, NID_subject_alt_name, "DNS:localhost");
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/%s.pem", t_dir, name);
	FILE *f = fopen(path, "w");
	PEM_write_X509(f, x);
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s.crt", t_dir, name);
	f = fopen(path, "w");
	PEM_write_X509(f, x);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void t_certs_up(void)
{
	snprintf(t_dir, sizeof(t_dir), "/tmp/weir-chkssl-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t_dir));
	t_make_cert("srv");
	t_make_cert("other");
}

static void t_certs_down(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ------------------------------------------------------- the server */

enum t_mode {
	T_TLS_HTTP = 0,     /* TLS, answers one HTTP request with 200 */
	T_TLS_IDLE,         /* TLS, reads until the client goes */
	T_PLAIN_GARBAGE,    /* plain, answers anything with an HTTP 400 */
	T_PLAIN_SILENT,     /* plain, never answers */
	T_PLAIN_HTTP,       /* plain HTTP 200 (send-proxy tests) */
};

/* What the child saw, in memory shared with the test. */
struct t_seen {
	int nconn, handshakes;
	char sni[128];
	char alpn[64];
	unsigned char got[4096];    /* the bytes of the last connection */
	size_t gotlen;
	struct sockaddr_storage peer, self;     /* its two ends */
};

struct t_srv {
	pid_t pid;
	int port;
	struct t_seen *seen;
};

static int t_alpn_pick(SSL *s, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned inlen, void *arg)
{
	(void)s;
	(void)arg;
	if (!inlen)
		return SSL_TLSEXT_ERR_NOACK;
	*out = in + 1;
	*outlen = in[0];
	return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *t_server_ctx(void)
{
	char pem[128];
	t_path(pem, sizeof(pem), "srv.pem");
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, pem) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, pem, SSL_FILETYPE_PEM) != 1)
		_exit(3);
	SSL_CTX_set_alpn_select_cb(ctx, t_alpn_pick, NULL);
	return ctx;
}

static int t_io(SSL *ssl, int fd, void *buf, size_t len)
{
	return ssl ? SSL_read(ssl, buf, (int)len) : (int)recv(fd, buf, len, 0);
}

/* Reads what the client sends: up to the end of an HTTP head, or its
 * close. */
static void t_read_request(struct t_seen *w, SSL *ssl, int fd, int until_head)
{
	w->gotlen = 0;
	for (;;) {
		int n = t_io(ssl, fd, w->got + w->gotlen, sizeof(w->got) - 1 - w->gotlen);
		if (n <= 0)
			break;
		w->gotlen += (size_t)n;
		w->got[w->gotlen] = 0;
		/* a PROXY v2 header begins with CRLFCRLF: look past it */
		size_t from = w->got[0] == '\r' ? 16 : 0;
		if (until_head && w->gotlen > from && memmem(w->got + from, w->gotlen - from, "\r\n\r\n", 4))
			break;
	}
}

static void t_serve_tls(struct t_seen *w, SSL_CTX *ctx, int fd, int http)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	SSL *ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1) {
		const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
		const unsigned char *a = NULL;
		unsigned al = 0;
		SSL_get0_alpn_selected(ssl, &a, &al);
		snprintf(w->sni, sizeof(w->sni), "%s", sni ? sni : "");
		snprintf(w->alpn, sizeof(w->alpn), "%.*s", (int)al, a ? (const char *)a : "");
		w->handshakes++;
		t_read_request(w, ssl, fd, http);
		if (http) {
			SSL_write(ssl, ok, sizeof(ok) - 1);
			SSL_shutdown(ssl);
		}
	}
	SSL_free(ssl);
}

static void t_serve(struct t_seen *w, SSL_CTX *ctx, enum t_mode mode, int fd)
{
	static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	char junk[512];
	switch (mode) {
	case T_TLS_HTTP:
	case T_TLS_IDLE:
		t_serve_tls(w, ctx, fd, mode == T_TLS_HTTP);
		break;
	case T_PLAIN_GARBAGE:
		if (recv(fd, junk, sizeof(junk), 0) > 0 && send(fd, bad, sizeof(bad) - 1, MSG_NOSIGNAL) < 0)
			break;
		break;
	case T_PLAIN_SILENT:
		while (recv(fd, junk, sizeof(junk), 0) > 0)
			;
		break;
	case T_PLAIN_HTTP:
		t_read_request(w, NULL, fd, 1);
		if (send(fd, ok, sizeof(ok) - 1, MSG_NOSIGNAL) < 0)
			break;
		break;
	}
}

/* The child accepts one connection at a time until the test kills it. */
static void t_child(int lfd, enum t_mode mode, struct t_seen *w)
{
	SSL_CTX *ctx = mode == T_TLS_HTTP || mode == T_TLS_IDLE ? t_server_ctx() : NULL;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof(peer), sl = sizeof(w->self);
		int fd = accept(lfd, (struct sockaddr *)&peer, &pl);
		if (fd < 0)
			continue;
		w->nconn++;
		w->peer = peer;
		getsockname(fd, (struct sockaddr *)&w->self, &sl);
		t_serve(w, ctx, mode, fd);
		close(fd);
	}
}

static void t_srv_start(struct t_srv *s, enum t_mode mode)
{
	s->seen = mmap(NULL, sizeof(*s->seen), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(s->seen, MAP_FAILED);
	memset(s->seen, 0, sizeof(*s->seen));
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(in);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	getsockname(fd, (struct sockaddr *)&in, &sl);
	s->port = ntohs(in.sin_port);
	fflush(NULL);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		t_child(fd, mode, s->seen);
		_exit(0);
	}
	close(fd);
}

static void t_srv_stop(struct t_srv *s)
{
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	munmap(s->seen, sizeof(*s->seen));
}

/* ------------------------------------------------------------ the checker */

static void t_up(struct t_env *e, const char *text)
{
	t_chk_up(e, text, NULL);
}

#define t_logs t_chk_logs
#define t_down t_chk_down

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

/* Server i's first result is `st` and the logs say `line`. */
static void t_expect(struct t_env *e, uint32_t i, unsigned st, const char *line)
{
	struct shm_srv *r = shm_server(e->p.shm, i);
	struct t_wait w = { r, checker_now_ms() + 4000, 0, e->base };
	struct event *tick = event_new(e->base, -1, EV_PERSIST, t_tick, &w);
	struct timeval tv = { 0, 1000 };
	event_add(tick, &tv);
	event_base_dispatch(e->base);
	event_free(tick);
	char *logs = t_logs(e);
	ck_assert_msg(w.ok, "server %u was not checked; logs:\n%s", i, logs);
	ck_assert_msg(r->check_status == st, "status %s, expected %s; logs:\n%s",
		      check_status_name(r->check_status), check_status_name(st), logs);
	if (line)
		ck_assert_msg(strstr(logs, line), "'%s' not in the logs:\n%s", line, logs);
	free(logs);
}

#define T_DEFAULTS \
	"global\n  max-spread-checks 20\n" \
	"defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n" \
	"  option log-health-checks\n"
#define T_SRV "  server s 127.0.0.1:%d check inter 3000 rise 1 fall 1 "

/* A one-server configuration: backend lines, then the server's words. */
static void t_run(struct t_env *e, const char *be, int port, const char *words)
{
	char cfg[2048];
	snprintf(cfg, sizeof(cfg), T_DEFAULTS "backend be\n%s" T_SRV "%s\n", be, port, words);
	t_up(e, cfg);
}

/* The checker's side of a TLS 1.3 handshake ends before the server's
 * (the client's Finished is the last message), so the check can report
 * before the child counted the handshake: wait for the child (2 s max). */
static void t_wait_handshake(const struct t_srv *s)
{
	for (int i = 0; i < 200 && !__atomic_load_n(&s->seen->handshakes, __ATOMIC_ACQUIRE); i++)
		usleep(10000);
}

/* ------------------------------------------------------------------ tests */

START_TEST(test_check_ssl_l6ok)
{
	struct t_srv s;
	struct t_env e;
	t_srv_start(&s, T_TLS_IDLE);
	t_run(&e, "", s.port, "check-ssl verify none");
	t_expect(&e, 0, CHK_ST_L6OK, "Layer6 check passed");
	t_wait_handshake(&s);
	ck_assert_int_eq(s.seen->handshakes, 1);
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

/* `ssl` on the server line checks over TLS too; `no-check-ssl` not. */
START_TEST(test_server_ssl_implies)
{
	struct t_srv s;
	struct t_env e;
	t_srv_start(&s, T_TLS_IDLE);
	t_run(&e, "", s.port, "ssl verify none");
	t_expect(&e, 0, CHK_ST_L6OK, NULL);
	t_down(&e);
	t_run(&e, "", s.port, "ssl verify none no-check-ssl");
	t_expect(&e, 0, CHK_ST_L4OK, NULL);
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

/* The `no-` words cancel what a default-server line gave: `no-check-ssl`
 * a `check-ssl`, and even the TLS a server's `ssl` would give its checks
 * (HAProxy); a later `check-ssl` wins over a default `no-check-ssl`. */
START_TEST(test_default_server_no_check_ssl)
{
	static const struct { const char *be, *words; unsigned st; } cases[] = {
		{ "  default-server check-ssl verify none\n", "no-check-ssl", CHK_ST_L4OK },
		{ "  default-server check-ssl verify none\n", "", CHK_ST_L6OK },
		{ "  default-server no-check-ssl\n", "ssl verify none", CHK_ST_L4OK },
		{ "  default-server ssl verify none no-check-ssl\n", "check-ssl", CHK_ST_L6OK },
	};
	struct t_srv s;
	t_srv_start(&s, T_TLS_IDLE);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct t_env e;
		t_run(&e, cases[i].be, s.port, cases[i].words);
		t_expect(&e, 0, cases[i].st, NULL);
		t_down(&e);
	}
	t_srv_stop(&s);
}
END_TEST

START_TEST(test_http_over_tls)
{
	struct t_srv s;
	struct t_env e;
	t_srv_start(&s, T_TLS_HTTP);
	t_run(&e, "  option httpchk GET /health\n", s.port, "check-ssl verify none");
	t_expect(&e, 0, CHK_ST_L7OK, "code: 200");
	ck_assert_msg(strncmp((char *)s.seen->got, "GET /health HTTP/1.0\r\n", 22) == 0, "%s",
		      s.seen->got);
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

START_TEST(test_verify_ca)
{
	struct t_srv s;
	struct t_env e;
	char words[256];
	t_srv_start(&s, T_TLS_IDLE);
	snprintf(words, sizeof(words), "check-ssl verify required ca-file %s/srv.crt", t_dir);
	t_run(&e, "", s.port, words);
	t_expect(&e, 0, CHK_ST_L6OK, NULL);
	t_down(&e);
	snprintf(words, sizeof(words), "check-ssl ca-file %s/other.crt", t_dir);
	t_run(&e, "", s.port, words);
	t_expect(&e, 0, CHK_ST_L6RSP, "certificate verify failed");
	t_down(&e);
	/* the name verified is the SNI */
	snprintf(words, sizeof(words), "check-ssl ca-file %s/srv.crt check-sni wrong.example", t_dir);
	t_run(&e, "", s.port, words);
	t_expect(&e, 0, CHK_ST_L6RSP, "hostname mismatch");
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

START_TEST(test_sni_alpn)
{
	struct t_srv s;
	struct t_env e;
	t_srv_start(&s, T_TLS_IDLE);
	t_run(&e, "", s.port, "check-ssl verify none check-sni check.example check-alpn h2,http/1.1");
	t_expect(&e, 0, CHK_ST_L6OK, NULL);
	t_wait_handshake(&s);
	ck_assert_str_eq(s.seen->sni, "check.example");
	ck_assert_str_eq(s.seen->alpn, "h2");
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

START_TEST(test_rule_connect_ssl)
{
	struct t_srv s;
	struct t_env e;
	t_srv_start(&s, T_TLS_HTTP);
	t_run(&e, "  option httpchk\n  http-check connect ssl sni rule.example alpn http/1.1\n"
		  "  http-check send meth GET uri /r\n", s.port, "verify none");
	t_expect(&e, 0, CHK_ST_L7OK, NULL);
	t_wait_handshake(&s);
	ck_assert_str_eq(s.seen->sni, "rule.example");
	ck_assert_str_eq(s.seen->alpn, "http/1.1");
	ck_assert_msg(strncmp((char *)s.seen->got, "GET /r HTTP/1.0\r\n", 17) == 0, "%s", s.seen->got);
	t_down(&e);
	t_srv_stop(&s);
	t_srv_start(&s, T_TLS_IDLE);
	t_run(&e, "  option tcp-check\n  tcp-check connect ssl\n", s.port, "verify none");
	t_expect(&e, 0, CHK_ST_L6OK, "(tcp-check)");
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

START_TEST(test_plain_server)
{
	struct t_srv s;
	struct t_env e;
	t_srv_start(&s, T_PLAIN_GARBAGE);
	t_run(&e, "", s.port, "check-ssl verify none");
	t_expect(&e, 0, CHK_ST_L6RSP, "SSL handshake failure");
	t_down(&e);
	t_srv_stop(&s);
	t_srv_start(&s, T_PLAIN_SILENT);
	t_run(&e, "  timeout check 300ms\n  timeout connect 300ms\n", s.port, "check-ssl verify none");
	t_expect(&e, 0, CHK_ST_L6TOUT, "Layer6 timeout");
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

static void t_expected_v1(const struct t_seen *w, char *out, size_t len)
{
	const struct sockaddr_in *p = (const void *)&w->peer, *d = (const void *)&w->self;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &p->sin_addr, a, sizeof(a));
	inet_ntop(AF_INET, &d->sin_addr, b, sizeof(b));
	snprintf(out, len, "PROXY TCP4 %s %s %d %d\r\n", a, b, ntohs(p->sin_port), ntohs(d->sin_port));
}

START_TEST(test_send_proxy_v1)
{
	struct t_srv s;
	struct t_env e;
	char line[128];
	t_srv_start(&s, T_PLAIN_HTTP);
	t_run(&e, "  option httpchk GET /pp\n", s.port, "check-send-proxy");
	t_expect(&e, 0, CHK_ST_L7OK, NULL);
	t_expected_v1(s.seen, line, sizeof(line));
	size_t n = strlen(line);
	ck_assert_msg(s.seen->gotlen > n && memcmp(s.seen->got, line, n) == 0, "got '%s', expected '%s'",
		      s.seen->got, line);
	ck_assert_msg(strncmp((char *)s.seen->got + n, "GET /pp HTTP/1.0\r\n", 18) == 0, "%s",
		      s.seen->got + n);
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

START_TEST(test_send_proxy_v2)
{
	struct t_srv s;
	struct t_env e;
	t_srv_start(&s, T_PLAIN_HTTP);
	t_run(&e, "  option httpchk GET /pp\n", s.port, "check-send-proxy send-proxy-v2");
	t_expect(&e, 0, CHK_ST_L7OK, NULL);
	/* LOCAL, no address: what the spec asks of health checks (HAProxy) */
	static const unsigned char want[16] = "\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00";
	ck_assert_uint_gt(s.seen->gotlen, sizeof(want));
	ck_assert_int_eq(memcmp(s.seen->got, want, sizeof(want)), 0);
	ck_assert_int_eq(strncmp((char *)s.seen->got + sizeof(want), "GET /pp HTTP/1.0\r\n", 18), 0);
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

/* PROXY first, then TLS: the header travels in clear before the hello. */
START_TEST(test_send_proxy_then_tls)
{
	struct t_srv s;
	struct t_env e;
	t_srv_start(&s, T_PLAIN_SILENT);
	t_run(&e, "  timeout check 300ms\n  timeout connect 300ms\n", s.port,
	      "check-ssl verify none check-send-proxy");
	t_expect(&e, 0, CHK_ST_L6TOUT, NULL);
	t_down(&e);
	t_srv_stop(&s);
}
END_TEST

static Suite *checker_ssl_suite(void)
{
	Suite *s = suite_create("checker_ssl");
	TCase *tc = tcase_create("tls");
	tcase_add_unchecked_fixture(tc, t_certs_up, t_certs_down);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_check_ssl_l6ok);
	tcase_add_test(tc, test_server_ssl_implies);
	tcase_add_test(tc, test_default_server_no_check_ssl);
	tcase_add_test(tc, test_http_over_tls);
	tcase_add_test(tc, test_verify_ca);
	tcase_add_test(tc, test_sni_alpn);
	tcase_add_test(tc, test_rule_connect_ssl);
	tcase_add_test(tc, test_plain_server);
	suite_add_tcase(s, tc);
	tc = tcase_create("proxy");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_send_proxy_v1);
	tcase_add_test(tc, test_send_proxy_v2);
	tcase_add_unchecked_fixture(tc, t_certs_up, t_certs_down);
	tcase_add_test(tc, test_send_proxy_then_tls);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(checker_ssl_suite)
