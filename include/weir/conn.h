/*
 * A connection and the transport under it. Every byte a session moves
 * goes through conn->xprt, so the TCP and HTTP code never care whether the
 * socket is plain TCP (xprt_raw) or TLS (the TLS issue adds xprt_ssl).
 * Only a raw transport may be spliced. Owned by src/worker/.
 */
#ifndef WEIR_CONN_H
#define WEIR_CONN_H

#include <stddef.h>
#include <sys/types.h>

struct conn;

/* Return values of rcv/snd beyond a byte count. */
#define XPRT_AGAIN (-1)   /* would block */
#define XPRT_ERROR (-2)   /* the peer reset, or a socket error: errno says which */

struct xprt_ops {
	const char *name;
	/* > 0 bytes, 0 at end of stream, XPRT_AGAIN or XPRT_ERROR. */
	ssize_t (*rcv)(struct conn *c, void *buf, size_t len);
	/* >= 0 bytes taken (possibly fewer than len), XPRT_AGAIN or XPRT_ERROR.
	 * `more`: a shutdown or more data follows at once, so the bytes may
	 * wait for it in one segment (MSG_MORE: data and FIN in one packet). */
	ssize_t (*snd)(struct conn *c, const void *buf, size_t len, int more);
	/* Two spans in one send (a head and the body bytes after it), as snd
	 * returns. NULL when the transport cannot gather: the caller joins. */
	ssize_t (*snd2)(struct conn *c, const void *a, size_t na, const void *b, size_t nb,
			int more);
	/* Sends at once what `more` left waiting (NULL: nothing ever waits). */
	void (*push)(struct conn *c);
	/* Half-close: no more data will be sent. */
	void (*shutw)(struct conn *c);
	/* Closes the socket. `abort` resets it (SO_LINGER 0) instead of a FIN. */
	void (*close)(struct conn *c, int abort);
	int spliceable;   /* the fd carries the payload as is */
};

struct conn {
	int fd;
	const struct xprt_ops *xprt;
	void *xprt_ctx;
};

extern const struct xprt_ops xprt_raw;

#endif
