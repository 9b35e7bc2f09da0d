/*
 * The check connection's transport: the PROXY protocol header and TLS,
 * between the TCP connect (check_tcp.c) and the kind's conversation.
 * Once the socket is connected, check_ssl_established() sends the PROXY
 * header if the connection wants one, runs a non-blocking OpenSSL client
 * handshake if it wants TLS, and only then calls kind->connected; the
 * conversation's reads and writes then go through check_ssl_recv() and
 * check_ssl_send().
 *
 * Runs in the checker process. Owns one SSL_CTX per checked server that
 * may use TLS (built by check_ssl_setup() at checker start, freed by
 * check_ssl_release() at checker stop) and the SSL of the running check
 * (freed by check_ssl_close(), which check_tcp_stop() calls). Writes
 * nothing in the segment.
 *
 * HAProxy's rules (configuration manual: "check-ssl", "ssl", "verify",
 * "check-send-proxy", "tcp-check connect"):
 * - a server's checks use TLS with `check-ssl`, or with `ssl` when neither
 *   `port` nor `addr` sends the checks elsewhere, unless `no-check-ssl`;
 *   they send a PROXY header with `check-send-proxy`, or with
 *   `send-proxy[-v2]` under the same condition; v2 when the server has
 *   `send-proxy-v2`.
 * - `verify` defaults to required unless `ssl-server-verify none`; the
 *   name verified is `verifyhost`, else the check's SNI.
 * - a `connect` rule uses its own `ssl`, `send-proxy`, `sni`, `alpn`, and
 *   the server's check settings with `default`; the implicit connect uses
 *   the server's.
 * - the handshake is part of the connect: the connect timeout bounds both,
 *   and `timeout check` starts after it; running out is L6TOUT, a
 *   failed handshake (a certificate refused included) L6RSP with
 *   OpenSSL's reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "weir/checker.h"
#include "weir/proc-t.h"
#include "weir/util.h"
#include "checker-int.h"
#include "check_conv.h"

/* What the connection being opened asks of the transport. */
struct check_ssl_want {
	int ssl;
	int proxy;                  /* 0 none, 1 v1, 2 v2 */
	const char *sni, *alpn;
};

/* ------------------------------------------------------------ settings */

/* Checks go where the traffic goes: no `port`, no `addr`. */
static int check_ssl_same_path(const struct server_conf *s)
{
	return !s->check_port && !s->check_addr;
}

/* HAProxy's rule: `check-ssl` always, `no-check-ssl` never (from the
 * server line or a default-server before it), else as the traffic when
 * the checks go where it goes. */
static int check_ssl_server_ssl(const struct server_conf *s)
{
	if (s->check_ssl)
		return s->check_ssl > 0;
	return s->ssl && check_ssl_same_path(s);
}

static int check_ssl_server_proxy(const struct server_conf *s)
{
	int on = s->check_send_proxy ||
		 (check_ssl_same_path(s) && (s->send_proxy || s->send_proxy_v2));
	return on ? (s->send_proxy_v2 ? 2 : 1) : 0;
}

static void check_ssl_wanted(const struct chk *c, struct check_ssl_want *w)
{
	const struct chk_step *st = c->conv ? c->conv->connecting : NULL;
	const struct check_connect *k = st ? st->conn : NULL;
	*w = (struct check_ssl_want){ 0 };
	if (!k || (k->opts & CHECK_CONN_DEFAULT)) {
		w->ssl = check_ssl_server_ssl(c->conf);
		w->proxy = check_ssl_server_proxy(c->conf);
		w->sni = c->conf->check_sni;
		w->alpn = c->conf->check_alpn;
	}
	if (!k)
		return;
	if (k->opts & CHECK_CONN_SSL)
		w->ssl = 1;
	if (k->opts & CHECK_CONN_SEND_PROXY)
		w->proxy = c->conf->send_proxy_v2 ? 2 : 1;
	if (k->sni)
		w->sni = k->sni;
	if (k->alpn)
		w->alpn = k->alpn;
}

static int check_ssl_rules_want(const struct vec *rules)
{
	const struct check_rule *r;
	VEC_EACH(rules, const struct check_rule *, r)
		if (r->action == CHECK_ACT_CONNECT && (r->connect.opts & CHECK_CONN_SSL))
			return 1;
	return 0;
}

/* ------------------------------------------------------------- context */

static const char *check_ssl_err(const char *what, char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	snprintf(buf, len, "%s%s%s", what, r ? ": " : "", r ? r : "");
	ERR_clear_error();
	return buf;
}

/* A relative path under ca-base / crt-base, as the bind lines have it. */
static void check_ssl_path(char *out, size_t len, const char *base, const char *path)
{
	if (!base || !*base || path[0] == '/')
		snprintf(out, len, "%s", path);
	else
		snprintf(out, len, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", path);
}

static int check_ssl_verify_mode(const struct chk *c)
{
	const char *g = c->p->cfg->global.ssl_server_verify;
	enum ssl_verify v = c->conf->verify;
	if (v == CFG_VERIFY_UNSET)
		v = g && strcmp(g, "none") == 0 ? CFG_VERIFY_NONE : CFG_VERIFY_REQUIRED;
	return v == CFG_VERIFY_REQUIRED ? SSL_VERIFY_PEER : SSL_VERIFY_NONE;
}

static int check_ssl_proto_version(enum ssl_ver v)
{
	static const int map[] = {
		[SSL_VER_ANY] = 0, [SSL_VER_SSLV3] = SSL3_VERSION, [SSL_VER_TLSV10] = TLS1_VERSION,
		[SSL_VER_TLSV11] = TLS1_1_VERSION, [SSL_VER_TLSV12] = TLS1_2_VERSION,
		[SSL_VER_TLSV13] = TLS1_3_VERSION,
	};
	return (unsigned)v < ARRAY_SIZE(map) ? map[v] : 0;
}

static int check_ssl_ctx_opts(SSL_CTX *ctx, const struct ssl_opts *o)
{
	uint64_t op = SSL_OP_IGNORE_UNEXPECTED_EOF;
	if (o->flags & SSL_OPT_NO_SSLV3) op |= SSL_OP_NO_SSLv3;
	if (o->flags & SSL_OPT_NO_TLSV10) op |= SSL_OP_NO_TLSv1;
	if (o->flags & SSL_OPT_NO_TLSV11) op |= SSL_OP_NO_TLSv1_1;
	if (o->flags & SSL_OPT_NO_TLSV12) op |= SSL_OP_NO_TLSv1_2;
	if (o->flags & SSL_OPT_NO_TLSV13) op |= SSL_OP_NO_TLSv1_3;
	if (o->flags & SSL_OPT_NO_TLS_TICKETS) op |= SSL_OP_NO_TICKET;
	SSL_CTX_set_options(ctx, op);
	if (o->min_ver && !SSL_CTX_set_min_proto_version(ctx, check_ssl_proto_version(o->min_ver)))
		return -1;
	if (o->max_ver && !SSL_CTX_set_max_proto_version(ctx, check_ssl_proto_version(o->max_ver)))
		return -1;
	if (o->ciphers && !SSL_CTX_set_cipher_list(ctx, o->ciphers))
		return -1;
	if (o->ciphersuites && !SSL_CTX_set_ciphersuites(ctx, o->ciphersuites))
		return -1;
	return 0;
}

/* The server's trust and identity: ca-file and verify, crt. */
static const char *check_ssl_ctx_files(struct chk *c, SSL_CTX *ctx, char *err, size_t errlen)
{
	const struct server_conf *s = c->conf;
	const struct cfg_global *g = &c->p->cfg->global;
	char path[4096];
	SSL_CTX_set_verify(ctx, check_ssl_verify_mode(c), NULL);
	if (s->ca_file) {
		check_ssl_path(path, sizeof(path), g->ca_base, s->ca_file);
		if (!SSL_CTX_load_verify_locations(ctx, path, NULL))
			return check_ssl_err("cannot load its ca-file", err, errlen);
	}
	if (s->crt) {
		check_ssl_path(path, sizeof(path), g->crt_base, s->crt);
		if (SSL_CTX_use_certificate_chain_file(ctx, path) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM) != 1)
			return check_ssl_err("cannot load its crt", err, errlen);
	}
	return NULL;
}

const char *check_ssl_setup(struct chk *c)
{
	static char err[256];
	const struct proxy_conf *px = c->px;
	if (!check_ssl_server_ssl(c->conf) && !check_ssl_rules_want(&px->tcp_check_rules) &&
	    !check_ssl_rules_want(&px->http_check_rules))
		return NULL;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return check_ssl_err("cannot create its TLS context", err, sizeof(err));
	const char *why = NULL;
	/* the engine may retry a write from a buffer that has grown since */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (check_ssl_ctx_opts(ctx, &c->conf->ssl_opts) < 0)
		why = check_ssl_err("its TLS options are refused", err, sizeof(err));
	else
		why = check_ssl_ctx_files(c, ctx, err, sizeof(err));
	if (why) {
		SSL_CTX_free(ctx);
		return why;
	}
	c->ssl_ctx = ctx;
	return NULL;
}

void check_ssl_release(struct chk *c)
{
	check_ssl_close(c);
	SSL_CTX_free(c->ssl_ctx);
	c->ssl_ctx = NULL;
}

void check_ssl_close(struct chk *c)
{
	SSL_free(c->ssl);
	c->ssl = NULL;
}

/* ---------------------------------------------------------- PROXY header */

static int check_ssl_ports(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static const void *check_ssl_inaddr(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return &((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = 16;
	return &((const struct sockaddr_in6 *)ss)->sin6_addr;
}

/* Version 1 (PROXY protocol spec, section 2.1): "PROXY TCP4 ..." from the
 * check socket's own ends; "PROXY UNKNOWN" for anything but IP. */
static void check_ssl_proxy_v1(const struct sockaddr_storage *src,
			       const struct sockaddr_storage *dst, int ip, struct sbuf *out)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	size_t n;
	if (!ip) {
		sbuf_adds(out, "PROXY UNKNOWN\r\n");
		return;
	}
	inet_ntop(src->ss_family, check_ssl_inaddr(src, &n), a, sizeof(a));
	inet_ntop(dst->ss_family, check_ssl_inaddr(dst, &n), b, sizeof(b));
	sbuf_printf(out, "PROXY %s %s %s %d %d\r\n", src->ss_family == AF_INET ? "TCP4" : "TCP6", a, b,
		    check_ssl_ports(src), check_ssl_ports(dst));
}

/* Version 2 (section 2.2): the 12-byte signature and the LOCAL command
 * with no address, which the spec reserves for connections the proxy
 * opens on its own such as health checks; HAProxy sends the same. */
static void check_ssl_proxy_v2(struct sbuf *out)
{
	static const char hdr[16] = "\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00";
	sbuf_add(out, hdr, sizeof(hdr));
}

/* The header of c's connection, version 1 or 2. */
void check_ssl_proxy_header(const struct chk *c, int version, struct sbuf *out)
{
	struct sockaddr_storage src = { 0 }, dst = { 0 };
	socklen_t sl = sizeof(src), dl = sizeof(dst);
	int ip = getsockname(c->fd, (struct sockaddr *)&src, &sl) == 0 &&
		 getpeername(c->fd, (struct sockaddr *)&dst, &dl) == 0 &&
		 (src.ss_family == AF_INET || src.ss_family == AF_INET6) &&
		 src.ss_family == dst.ss_family;
	if (version == 2)
		check_ssl_proxy_v2(out);
	else
		check_ssl_proxy_v1(&src, &dst, ip, out);
}

/* The header goes out before anything else: on a connection that has
 * just been established the socket buffer is empty, so a header of at
 * most 107 bytes is written whole or the connection is broken. */
static int check_ssl_send_proxy(struct chk *c, int version)
{
	struct sbuf h = { 0 };
	check_ssl_proxy_header(c, version, &h);
	ssize_t n;
	do
		n = send(c->fd, h.s, h.len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	int ok = n == (ssize_t)h.len;
	sbuf_free(&h);
	if (!ok)
		check_state_report(c, n < 0 ? CHK_ST_L4CON : CHK_ST_SOCKERR,
				   n < 0 ? strerror(errno) : "PROXY header not sent whole");
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------ handshake */

static void check_ssl_fail(struct chk *c, unsigned st, const char *msg)
{
	struct sbuf m = { 0 };
	if (msg)
		sbuf_adds(&m, msg);
	if (c->kind->describe)
		c->kind->describe(c, &m);
	check_state_report(c, st, m.len ? sbuf_str(&m) : NULL);
	sbuf_free(&m);
}

/* HAProxy's "SSL handshake failure", with what OpenSSL and the
 * certificate verification said. */
static void check_ssl_failed(struct chk *c, int sslerr)
{
	char msg[512];
	long vr = SSL_get_verify_result(c->ssl);
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	if (vr != X509_V_OK && (SSL_get_verify_mode(c->ssl) & SSL_VERIFY_PEER))
		snprintf(msg, sizeof(msg), "SSL handshake failure: certificate verify failed: %s",
			 X509_verify_cert_error_string(vr));
	else if (r)
		snprintf(msg, sizeof(msg), "SSL handshake failure: %s", r);
	else if (sslerr == SSL_ERROR_SYSCALL && errno)
		snprintf(msg, sizeof(msg), "SSL handshake failure: %s", strerror(errno));
	else
		snprintf(msg, sizeof(msg), "SSL handshake failure: connection closed by the server");
	ERR_clear_error();
	check_ssl_fail(c, CHK_ST_L6RSP, msg);
}

static void check_ssl_step(struct chk *c);

static void check_ssl_on_io(evutil_socket_t fd, short what, void *arg)
{
	struct chk *c = arg;
	(void)fd;
	if (what & EV_TIMEOUT) {
		check_ssl_fail(c, CHK_ST_L6TOUT, NULL);
		return;
	}
	check_ssl_step(c);
}

/* One turn of SSL_connect: done, failed, or an event for what it wants
 * until the handshake deadline. */
static void check_ssl_step(struct chk *c)
{
	ERR_clear_error();
	errno = 0;
	int rc = SSL_connect(c->ssl);
	if (rc == 1) {
		if (c->io) {
			event_free(c->io);
			c->io = NULL;
		}
		c->kind->connected(c);
		return;
	}
	int e = SSL_get_error(c->ssl, rc);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
		check_ssl_failed(c, e);
		return;
	}
	uint64_t now = checker_now_ms();
	int ms = c->ssl_deadline > now ? (int)(c->ssl_deadline - now) : 0;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	if (c->io)
		event_free(c->io);
	c->io = event_new(c->p->base, c->fd, e == SSL_ERROR_WANT_READ ? EV_READ : EV_WRITE,
			  check_ssl_on_io, c);
	if (!c->io || event_add(c->io, &tv) < 0)
		check_state_report(c, CHK_ST_SOCKERR, "cannot watch the connection");
}

/* ALPN as written ("h2,http/1.1") into the wire form: length-prefixed. */
static int check_ssl_alpn(SSL *ssl, const char *list)
{
	unsigned char wire[256];
	size_t n = 0;
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ",");
		if (l == 0 || l > 255 || n + 1 + l > sizeof(wire))
			return -1;
		wire[n++] = (unsigned char)l;
		memcpy(wire + n, p, l);
		n += l;
		p += l + (p[l] == ',');
	}
	return SSL_set_alpn_protos(ssl, wire, (unsigned)n) == 0 ? 0 : -1;
}

/* SNI and the name verified: `verifyhost`, else the SNI (HAProxy). */
static int check_ssl_names(struct chk *c, const struct check_ssl_want *w)
{
	const char *host = c->conf->verifyhost ? c->conf->verifyhost : w->sni;
	if (w->sni && !SSL_set_tlsext_host_name(c->ssl, w->sni))
		return -1;
	if (host && SSL_get_verify_mode(c->ssl) != SSL_VERIFY_NONE && !SSL_set1_host(c->ssl, host))
		return -1;
	if (w->alpn && check_ssl_alpn(c->ssl, w->alpn) < 0)
		return -1;
	return 0;
}

static void check_ssl_begin(struct chk *c, const struct check_ssl_want *w)
{
	if (!c->ssl_ctx) {
		check_state_report(c, CHK_ST_SOCKERR, "no TLS context for this server");
		return;
	}
	c->ssl = SSL_new(c->ssl_ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd) || check_ssl_names(c, w) < 0) {
		char err[256];
		check_state_report(c, CHK_ST_SOCKERR, check_ssl_err("cannot start TLS", err, sizeof(err)));
		return;
	}
	/* HAProxy waits for the transport under the connect timeout, and
	 * starts `timeout check` once the handshake is done */
	c->ssl_deadline = c->conn_start_ms + (uint64_t)c->conn_timeout;
	check_ssl_step(c);
}

int check_ssl_silent(const struct chk *c)
{
	struct check_ssl_want w;
	check_ssl_wanted(c, &w);
	return !w.proxy && !w.ssl;
}

void check_ssl_established(struct chk *c)
{
	struct check_ssl_want w;
	check_ssl_wanted(c, &w);
	if (w.proxy && check_ssl_send_proxy(c, w.proxy) < 0)
		return;
	if (w.ssl) {
		check_ssl_begin(c, &w);
		return;
	}
	c->kind->connected(c);
}

/* ------------------------------------------------------------ data */

/* send(2) and recv(2) semantics over TLS: EAGAIN while OpenSSL waits for
 * the socket, 0 at the server's close. */
static ssize_t check_ssl_io_result(struct chk *c, int rc)
{
	int e = SSL_get_error(c->ssl, rc);
	switch (e) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (!errno)
			errno = ECONNRESET;
		return -1;
	default:
		ERR_clear_error();
		errno = EPROTO;
		return -1;
	}
}

ssize_t check_ssl_send(struct chk *c, const void *buf, size_t len)
{
	if (!c->ssl)
		return send(c->fd, buf, len, MSG_NOSIGNAL);
	ERR_clear_error();
	errno = 0;
	int rc = SSL_write(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	return rc > 0 ? rc : check_ssl_io_result(c, rc);
}

ssize_t check_ssl_recv(struct chk *c, void *buf, size_t len)
{
	if (!c->ssl)
		return recv(c->fd, buf, len, 0);
	ERR_clear_error();
	errno = 0;
	int rc = SSL_read(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	return rc > 0 ? rc : check_ssl_io_result(c, rc);
}
