/*
 * `_getsocks` on a stats socket declared with `expose-fd listeners`: hands
 * every listening socket of this generation to the caller with SCM_RIGHTS,
 * so a new instance started with `-x <this socket>` takes them over
 * instead of binding anew, and no connection queued on them is lost.
 * Runs in the stats process, which keeps the listeners open for that
 * (src/master/child.c). Only admin-level sockets may do it.
 *
 * weir's format (weir to weir): batches of at most XFER_BATCH descriptors,
 * each one message "WEIRFDS <n>\n" followed by one address key per line
 * (the keys src/master/listen.c matches by), the descriptors attached; a
 * last message "WEIRFDS 0\n" ends the transfer.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "stats-int.h"

#define XFER_BATCH 200

static int send_batch(int fd, const int *fds, const char **keys, int n)
{
	struct sbuf text = { 0 };
	sbuf_printf(&text, "WEIRFDS %d\n", n);
	for (int i = 0; i < n; i++)
		sbuf_printf(&text, "%s\n", keys[i]);
	char cbuf[CMSG_SPACE(sizeof(int) * XFER_BATCH)];
	memset(cbuf, 0, sizeof(cbuf));
	struct iovec iov = { text.s, text.len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (n) {
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	}
	ssize_t r;
	do
		r = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (r < 0 && (errno == EINTR || errno == EAGAIN));
	sbuf_free(&text);
	return r == (ssize_t)iov.iov_len ? 0 : -1;
}

int stats_xfer_send(struct weir_proc *p, int fd)
{
	int fds[XFER_BATCH];
	const char *keys[XFER_BATCH];
	char names[XFER_BATCH][sizeof(p->listeners[0].key)];
	int n = 0;
	for (int i = 0; i < p->nlisteners; i++) {
		const struct listener *l = &p->listeners[i];
		for (int w = 0; w < l->nfds; w++) {
			if (n == XFER_BATCH) {
				if (send_batch(fd, fds, keys, n) < 0)
					return -1;
				n = 0;
			}
			/* the key of worker w's socket ends in "#w" (listen.c) */
			snprintf(names[n], sizeof(names[n]), "%s", l->key);
			char *hash = strrchr(names[n], '#');
			if (hash && l->nfds > 1)
				snprintf(hash, sizeof(names[n]) - (size_t)(hash - names[n]), "#%d", w);
			fds[n] = l->fds[w];
			keys[n] = names[n];
			n++;
		}
	}
	if (n && send_batch(fd, fds, keys, n) < 0)
		return -1;
	return send_batch(fd, NULL, NULL, 0);
}
