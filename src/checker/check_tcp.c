/*
 * The connection layer of every connection check, and the plain L4 check
 * built on it: a non-blocking connect to the server (or its `addr` and
 * `port`), IPv4, IPv6 or a UNIX socket, bounded by the check's connect
 * timeout. Connected is L4OK for the L4 kind; L7 kinds take over from
 * chk_kind.connected instead. Refused or unreachable is L4CON with the
 * errno text as info, no answer in time L4TOUT, no local resource
 * (descriptors, ports) SOCKERR.
 *
 * Runs in the checker process. Owns the check's socket and io event while
 * a check runs; writes nothing in the segment (check_state.c does).
 *
 * Every connection ends with an RST: a checker opening thousands of
 * connections a minute would otherwise leave as many sockets in TIME_WAIT
 * on its side, as HAProxy's checks avoid too. The socket itself goes back
 * to check_sock.c for the next check.
 *
 * A plain L4 check that sends nothing (no PROXY header, no TLS) connects
 * with TCP_QUICKACK off, as HAProxy's do: the kernel holds back the last
 * ACK of the handshake, the SYN-ACK alone proves the server listens, and
 * the RST that ends the check reaches a connection the server never
 * accepted. The server's application sees no check at all, and neither
 * side builds an established connection only to tear it down (at 5,000
 * servers a tenth of the checker's CPU on loopback, where the server's
 * side of the handshake runs in the checker's system calls).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "weir/checker.h"
#include "weir/util.h"
#include "checker-int.h"

static struct timeval check_tcp_tv(int ms)
{
	return (struct timeval){ .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
}

/* What a failed connect means for the report: the server's side (refused,
 * unreachable) or ours (no free port, no buffers). */
static unsigned check_tcp_status(int err)
{
	switch (err) {
	case EAGAIN:
	case EADDRINUSE:
	case EADDRNOTAVAIL:
	case ENOBUFS:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return CHK_ST_SOCKERR;
	case ETIMEDOUT:
		return CHK_ST_L4TOUT;
	default:
		return CHK_ST_L4CON;
	}
}

/* Connected: the transport's turn (PROXY header, TLS), then the kind's.
 * A plain L4 check that writes nothing of its own (no_last_ack, decided
 * once at setup) is over at once, without looking at its server's TLS
 * and PROXY settings again: at thousands of checks a second those reads
 * are cache misses worth saving. */
static void check_tcp_established(struct chk *c)
{
	if (c->no_last_ack) {
		c->kind->connected(c);
		return;
	}
	check_ssl_established(c);
}

/* The report of a failed connect, with the kind's say on where it was
 * (tcp-check: "at step 1 of tcp-check (connect)"). */
static void check_tcp_report(struct chk *c, unsigned st, const char *err)
{
	struct sbuf m = { 0 };
	if (err)
		sbuf_adds(&m, err);
	if (c->kind->describe)
		c->kind->describe(c, &m);
	check_state_report(c, st, m.len ? sbuf_str(&m) : NULL);
	sbuf_free(&m);
}

static void check_tcp_failed(struct chk *c, int err)
{
	unsigned st = check_tcp_status(err);
	check_tcp_report(c, st, st == CHK_ST_L4TOUT ? NULL : strerror(err));
}

static void check_tcp_on_event(evutil_socket_t fd, short what, void *arg)
{
	struct chk *c = arg;
	if (what & EV_TIMEOUT) {
		check_tcp_report(c, CHK_ST_L4TOUT, NULL);
		return;
	}
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		check_tcp_failed(c, err);
		return;
	}
	check_tcp_established(c);
}

/* Whether the connect that just answered EINPROGRESS is over already.
 * To a server on this host (loopback, a container's veth) the kernel runs
 * the whole handshake, or the refusal, inside the first connect(), and a
 * second one says so at once: that saves the event registration, its
 * removal and the wait, three system calls, for one. To a remote server it
 * answers EALREADY and the check waits as usual. */
static int check_tcp_done_already(struct chk *c)
{
	if (connect(c->fd, (struct sockaddr *)&c->addr, c->addrlen) == 0 || errno == EISCONN) {
		check_tcp_established(c);
		return 1;
	}
	if (errno == EALREADY || errno == EINPROGRESS)
		return 0;
	check_tcp_failed(c, errno);
	return 1;
}

void check_tcp_start(struct chk *c)
{
	c->conn_start_ms = checker_now_ms();
	c->fd = check_sock_open(c->addr.ss_family);
	if (c->fd < 0) {
		check_state_report(c, CHK_ST_SOCKERR, strerror(errno));
		return;
	}
	if (c->no_last_ack) {
		int off = 0;
		setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof(off));
	}
	if (connect(c->fd, (struct sockaddr *)&c->addr, c->addrlen) == 0) {
		check_tcp_established(c);
		return;
	}
	if (errno != EINPROGRESS) {
		check_tcp_failed(c, errno);
		return;
	}
	if (check_tcp_done_already(c))
		return;
	struct timeval tv = check_tcp_tv(c->conn_timeout);
	c->io = event_new(c->p->base, c->fd, EV_WRITE, check_tcp_on_event, c);
	if (!c->io || event_add(c->io, &tv) < 0)
		check_state_report(c, CHK_ST_SOCKERR, "cannot watch the connection");
}

void check_tcp_stop(struct chk *c)
{
	check_ssl_close(c);
	if (c->io) {
		event_free(c->io);
		c->io = NULL;
	}
	if (c->fd >= 0) {
		check_sock_release(c->fd, c->addr.ss_family);
		c->fd = -1;
	}
}

/* The L4 check is done as soon as the connection is; L6 over TLS. */
static void check_tcp_connected(struct chk *c)
{
	check_state_report(c, c->ssl ? CHK_ST_L6OK : CHK_ST_L4OK, NULL);
}

const struct chk_kind check_tcp_kind = {
	.name = "tcp",
	.start = check_tcp_start,
	.connected = check_tcp_connected,
	.stop = check_tcp_stop,
};
