/*
 * The checker's TCP sockets, kept between checks. A check that ends
 * dissolves its connection with connect(AF_UNSPEC) instead of closing the
 * socket: the kernel sends the same RST a close with SO_LINGER 0 would,
 * and the socket, back in state CLOSE, serves the next check of any server
 * of its address family. At 5,000 servers that saves a socket() and a
 * close() per check, the allocation and release of a socket, its file and
 * its inode: a fifth of the checker's CPU on loopback.
 *
 * Runs in the checker process, single-threaded. The pool holds only as
 * many idle sockets as checks were ever in flight at once, up to
 * CHECK_SOCK_KEEP per family; an idle socket costs about 3 KiB of kernel
 * memory and a descriptor.
 *
 * What a reused socket carries over is reset by the disconnect or by the
 * next connect: the pending ECONNRESET of the reset (the next connect
 * clears it), the port (released; the next connect picks a new one),
 * TCP_QUICKACK (back on; check_tcp.c sets it per connect). Sockets that
 * were given anything else that would outlive a connection (a bound
 * source, buffer sizes) must not come back here.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "checker-int.h"

#define CHECK_SOCK_KEEP 128

struct check_sock_pool {
	int fds[CHECK_SOCK_KEEP];
	int n;
};

static struct check_sock_pool pool4, pool6;

static struct check_sock_pool *check_sock_pool(int family)
{
	return family == AF_INET ? &pool4 : family == AF_INET6 ? &pool6 : NULL;
}

int check_sock_open(int family)
{
	struct check_sock_pool *sp = check_sock_pool(family);
	if (sp && sp->n > 0)
		return sp->fds[--sp->n];
	return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

/* Closes with an RST: without it, a checker opening thousands of
 * connections a minute would leave as many in TIME_WAIT on its side. */
static void check_sock_close(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

void check_sock_release(int fd, int family)
{
	struct check_sock_pool *sp = check_sock_pool(family);
	if (sp && sp->n < CHECK_SOCK_KEEP) {
		struct sockaddr unspec = { .sa_family = AF_UNSPEC };
		if (connect(fd, &unspec, sizeof(unspec)) == 0) {
			sp->fds[sp->n++] = fd;
			return;
		}
	}
	check_sock_close(fd);
}

void check_sock_free(void)
{
	struct check_sock_pool *pools[] = { &pool4, &pool6 };
	for (size_t i = 0; i < sizeof(pools) / sizeof(pools[0]); i++) {
		while (pools[i]->n > 0)
			close(pools[i]->fds[--pools[i]->n]);
	}
}
