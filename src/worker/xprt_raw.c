/*
 * The plain TCP (and UNIX stream) transport: recv/send on a non-blocking
 * socket. Runs in the workers. MSG_NOSIGNAL instead of ignoring SIGPIPE
 * process-wide, so a reset peer is an error return, never a signal.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "weir/conn.h"

static ssize_t raw_rcv(struct conn *c, void *buf, size_t len)
{
	ssize_t n = recv(c->fd, buf, len, 0);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return XPRT_AGAIN;
	return XPRT_ERROR;
}

static ssize_t raw_snd(struct conn *c, const void *buf, size_t len, int more)
{
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0));
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return XPRT_AGAIN;
	return XPRT_ERROR;
}

/* A gathering send: a response head and its first body bytes leave in
 * one syscall without being copied together first. */
static ssize_t raw_snd2(struct conn *c, const void *a, size_t na, const void *b, size_t nb,
			int more)
{
	struct iovec iov[2] = { { (void *)a, na }, { (void *)b, nb } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0));
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return XPRT_AGAIN;
	return XPRT_ERROR;
}

/* Setting TCP_NODELAY (again) sends what MSG_MORE held back; on a UNIX
 * socket, where MSG_MORE holds nothing, it fails harmlessly. */
static void raw_push(struct conn *c)
{
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void raw_shutw(struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
}

static void raw_close(struct conn *c, int abort)
{
	if (c->fd < 0)
		return;
	if (abort) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(c->fd);
	c->fd = -1;
}

const struct xprt_ops xprt_raw = {
	.name = "raw",
	.rcv = raw_rcv,
	.snd = raw_snd,
	.snd2 = raw_snd2,
	.push = raw_push,
	.shutw = raw_shutw,
	.close = raw_close,
	.spliceable = 1,
};
