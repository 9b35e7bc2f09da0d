/*
 * The TCP relay of an established session: bytes both ways, half-closes,
 * inactivity timeouts. Runs in the workers. Touches in the segment only
 * this worker's byte counters (plain stores in its shards).
 *
 * The common case costs one recv and one send per chunk and no
 * allocation: a chunk is read into the worker's scratch buffer and sent on
 * at once; only what the peer does not take is copied into a buffer of the
 * session's own, and the source is not read again until that drained
 * (back-pressure: a session never holds more than one buffer per
 * direction). When a read fills the whole buffer the direction is moving
 * bulk data, and if both ends are plain sockets it switches to splice()
 * through a pipe from the worker's pool: the bytes then never cross into
 * user space.
 *
 * Timeouts follow HAProxy: `timeout client` bounds inactivity on the
 * client side, `timeout server` on the server side, `timeout tunnel`
 * replaces both once established, `client-fin`/`server-fin` once that side
 * has closed. Activity stamps move on every I/O; the session's one timer
 * is re-armed lazily, only when it fires early (session.c).
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weir/shm.h"
#include "weir/util.h"
#include "worker-int.h"

#define PIPE_CHUNK (1 << 16)    /* what one splice moves at most (a pipe's default size) */

/* One direction, with the connections and events it moves between. */
struct dir {
	struct session *s;
	struct half *h;
	struct conn *src, *dst;
	struct event *src_rd, *dst_wr;
	int64_t *src_act, *dst_act;
	int c2s;
};

static void dir_of(struct session *s, int c2s, struct dir *d)
{
	d->s = s;
	d->c2s = c2s;
	if (c2s) {
		d->h = &s->c2s;
		d->src = &s->cli, d->dst = &s->srvc;
		d->src_rd = s->cli_rd, d->dst_wr = s->srv_wr;
		d->src_act = &s->cli_active, d->dst_act = &s->srv_active;
	} else {
		d->h = &s->s2c;
		d->src = &s->srvc, d->dst = &s->cli;
		d->src_rd = s->srv_rd, d->dst_wr = s->cli_wr;
		d->src_act = &s->srv_active, d->dst_act = &s->cli_active;
	}
}

/* ------------------------------------------------------------ counters */

static void count_bytes(struct session *s, int c2s, size_t n)
{
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker;
	struct shm_fe_shard *fs = shm_fe_shard(shm, wk, s->fe_rec);
	struct shm_be_shard *bs = shm_be_shard(shm, wk, s->be->be);
	struct shm_srv_shard *ss = shm_srv_shard(shm, wk, (uint32_t)s->srv);
	struct shm_li_shard *ls = shm_li_shard(shm, wk, s->wl->l->li);
	if (c2s) {
		s->bytes_in += n;
		shm_shard_add(&fs->bin, n), shm_shard_add(&bs->bin, n);
		shm_shard_add(&ss->bin, n), shm_shard_add(&ls->bin, n);
	} else {
		s->bytes_out += n;
		shm_shard_add(&fs->bout, n), shm_shard_add(&bs->bout, n);
		shm_shard_add(&ss->bout, n), shm_shard_add(&ls->bout, n);
	}
}

/* ------------------------------------------------------------ pipes */

static int pipe_get(struct worker *w, int fds[2])
{
	if (w->npipes > 0) {
		w->npipes--;
		fds[0] = w->pipes[2 * w->npipes];
		fds[1] = w->pipes[2 * w->npipes + 1];
		return 0;
	}
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

/* An empty pipe goes back to the pool; one still holding data is closed. */
static void pipe_put(struct worker *w, struct half *h)
{
	if (h->pipe[0] < 0)
		return;
	if (h->in_pipe == 0 && w->npipes < w->maxpipes) {
		w->pipes[2 * w->npipes] = h->pipe[0];
		w->pipes[2 * w->npipes + 1] = h->pipe[1];
		w->npipes++;
	} else {
		close(h->pipe[0]);
		close(h->pipe[1]);
	}
	h->pipe[0] = h->pipe[1] = -1;
	h->in_pipe = 0;
}

void wk_pipes_release_all(struct worker *w)
{
	for (int i = 0; i < 2 * w->npipes; i++)
		close(w->pipes[i]);
	w->npipes = 0;
}

/* ------------------------------------------------------------ ends */

/* Where a failure on one end puts the blame: the client (C) or server (S). */
static void fail(struct dir *d, int on_src)
{
	int client = d->c2s ? on_src : !on_src;
	if (!client && d->s->state == SESS_CONNECTING) {
		sess_connect_failed(d->s, 0);
		return;
	}
	sess_set_term(d->s, client ? 'C' : 'S', 'D');
	sess_close(d->s);
}

/* Both directions closed cleanly: the session is over. */
static int finished(struct session *s)
{
	if (s->c2s.shut_w && s->s2c.shut_w) {
		sess_close(s);
		return 1;
	}
	return 0;
}

static void shut_dst(struct dir *d)
{
	struct half *other = d->c2s ? &d->s->s2c : &d->s->c2s;
	/* the last direction to end needs no shutdown(): the close that
	 * follows at once sends the FIN (one syscall less per session) */
	if (!d->h->shut_w && !other->shut_w)
		d->dst->xprt->shutw(d->dst);
	d->h->shut_w = 1;
	finished(d->s);
}

/* The source said end of stream. */
static void at_eof(struct dir *d)
{
	d->h->shut_r = 1;
	event_del(d->src_rd);
	if (d->h->len == 0 && d->h->in_pipe == 0)
		shut_dst(d);
	else
		sess_arm_timer(d->s);
}

/* The peer did not take everything: keep the rest and wait for it. */
static void stash(struct dir *d, const char *p, size_t n)
{
	struct half *h = d->h;
	if (!h->buf)
		h->buf = xmalloc(d->s->w->bufsize);
	memcpy(h->buf, p, n);
	h->len = n;
	h->off = 0;
	event_del(d->src_rd);
	event_add(d->dst_wr, NULL);
}

/* ------------------------------------------------------------ moving bytes */

/* Splices one chunk; 1 when it moved data, 0 to fall back to buffers. */
static int splice_chunk(struct dir *d)
{
	struct half *h = d->h;
	if (h->pipe[0] < 0 && pipe_get(d->s->w, h->pipe) < 0) {
		h->pipe[0] = h->pipe[1] = -1;
		return 0;
	}
	ssize_t n = splice(d->src->fd, NULL, h->pipe[1], NULL, PIPE_CHUNK,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n == 0) {
		at_eof(d);
		return 1;
	}
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 1;
		fail(d, 1);
		return 1;
	}
	h->in_pipe += (size_t)n;
	h->bulk = n >= (ssize_t)d->s->w->bufsize;
	*d->src_act = wk_coarse_ms();
	count_bytes(d->s, d->c2s, (size_t)n);
	ssize_t m = splice(h->pipe[0], NULL, d->dst->fd, NULL, h->in_pipe,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (m < 0 && errno != EAGAIN && errno != EINTR) {
		fail(d, 0);
		return 1;
	}
	if (m > 0) {
		h->in_pipe -= (size_t)m;
		*d->dst_act = *d->src_act;
	}
	if (h->in_pipe) {
		event_del(d->src_rd);
		event_add(d->dst_wr, NULL);
	}
	return 1;
}

/*
 * When epoll says the peer closed (EPOLLRDHUP), what is left to read is
 * the last data and the end of stream: read both now, so the data goes out
 * with the FIN in one packet (MSG_MORE, then the shutdown) instead of two.
 * Only then: a keep-alive peer never pays the second recv.
 */
static int drain_to_eof(struct dir *d, ssize_t *n)
{
	struct worker *w = d->s->w;
	if ((size_t)*n >= w->bufsize)
		return 0;
	ssize_t m = d->src->xprt->rcv(d->src, w->scratch + *n, w->bufsize - (size_t)*n);
	if (m > 0)
		*n += m;
	return m == 0;
}

static void read_chunk(struct dir *d, int peer_closed)
{
	struct session *s = d->s;
	struct worker *w = s->w;
	if (d->h->bulk && w->splice_ok && d->src->xprt->spliceable && d->dst->xprt->spliceable &&
	    splice_chunk(d))
		return;
	ssize_t n = d->src->xprt->rcv(d->src, w->scratch, w->bufsize);
	if (n == XPRT_AGAIN)
		return;
	if (n == XPRT_ERROR) {
		fail(d, 1);
		return;
	}
	if (!d->c2s && s->state == SESS_CONNECTING)
		sess_confirm(s);   /* the server spoke (or closed): it is connected */
	if (n == 0) {
		at_eof(d);
		return;
	}
	int eof = peer_closed && drain_to_eof(d, &n);
	d->h->bulk = (size_t)n == w->bufsize;
	*d->src_act = wk_coarse_ms();
	count_bytes(s, d->c2s, (size_t)n);
	ssize_t m = d->dst->xprt->snd(d->dst, w->scratch, (size_t)n, eof);
	if (m == XPRT_ERROR) {
		fail(d, 0);
		return;
	}
	if (m == XPRT_AGAIN)
		m = 0;
	if (m > 0) {
		*d->dst_act = *d->src_act;
		if (d->c2s && s->state == SESS_CONNECTING) {
			sess_confirm(s);
			event_del(d->dst_wr);
		}
	}
	if (m < n)
		stash(d, w->scratch + m, (size_t)(n - m));
	if (eof)
		at_eof(d);
}

/* The destination can take more: flush what is pending. */
static void flush_pending(struct dir *d)
{
	struct half *h = d->h;
	if (h->in_pipe) {
		ssize_t m = splice(h->pipe[0], NULL, d->dst->fd, NULL, h->in_pipe,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (m < 0 && errno != EAGAIN && errno != EINTR) {
			fail(d, 0);
			return;
		}
		if (m > 0)
			h->in_pipe -= (size_t)m;
	} else if (h->len) {
		ssize_t m = d->dst->xprt->snd(d->dst, h->buf + h->off, h->len, 0);
		if (m == XPRT_ERROR) {
			fail(d, 0);
			return;
		}
		if (m > 0)
			h->off += (size_t)m, h->len -= (size_t)m;
	}
	*d->dst_act = wk_coarse_ms();
	if (h->len || h->in_pipe)
		return;
	event_del(d->dst_wr);
	free(h->buf);
	h->buf = NULL;
	if (h->shut_r)
		shut_dst(d);
	else
		event_add(d->src_rd, NULL);
}

static void cli_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dir d;
	(void)fd;
	dir_of(arg, 1, &d);
	read_chunk(&d, what & EV_CLOSED);
}

static void srv_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dir d;
	(void)fd;
	dir_of(arg, 0, &d);
	read_chunk(&d, what & EV_CLOSED);
}

static void cli_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dir d;
	(void)fd, (void)what;
	dir_of(arg, 0, &d);
	flush_pending(&d);
}

static void srv_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	struct dir d;
	(void)fd, (void)what;
	if (s->state == SESS_CONNECTING) {
		if (sess_check_connect(s) < 0)
			return;
		if (!s->c2s.len && !s->c2s.in_pipe) {
			event_del(s->srv_wr);
			return;
		}
	}
	dir_of(s, 1, &d);
	flush_pending(&d);
}

/* ------------------------------------------------------------ lifecycle */

void relay_attach(struct session *s)
{
	struct event_base *base = s->w->p->base;
	if (!s->cli_rd) {
		s->cli_rd = event_new(base, s->cli.fd, EV_READ | EV_CLOSED | EV_PERSIST, cli_read_cb, s);
		s->cli_wr = event_new(base, s->cli.fd, EV_WRITE | EV_PERSIST, cli_write_cb, s);
	}
	s->srv_rd = event_new(base, s->srvc.fd, EV_READ | EV_CLOSED | EV_PERSIST, srv_read_cb, s);
	s->srv_wr = event_new(base, s->srvc.fd, EV_WRITE | EV_PERSIST, srv_write_cb, s);
	s->cli_active = s->srv_active = wk_coarse_ms();
	event_add(s->srv_rd, NULL);
	/* told when the connect completes, if no byte confirms it first */
	event_add(s->srv_wr, NULL);
	if (s->c2s.len || s->c2s.in_pipe)
		return;   /* a retry: flush what the client sent first */
	event_add(s->cli_rd, NULL);
	/* The client has usually spoken while the server connection was being
	 * set up: read it now rather than after another trip through epoll
	 * (a recv that finds nothing costs less than that trip). */
	struct dir d;
	dir_of(s, 1, &d);
	read_chunk(&d, 0);
}

/* Queues bytes for one direction's destination as if the source had just
 * sent them and the destination had not taken them yet. */
static void preload(struct session *s, int c2s, const char *p, size_t n)
{
	struct dir d;
	dir_of(s, c2s, &d);
	struct half *h = d.h;
	h->buf = xmalloc(n > s->w->bufsize ? n : s->w->bufsize);
	memcpy(h->buf, p, n);
	h->len = n;
	h->off = 0;
	event_add(d.dst_wr, NULL);
}

void relay_attach_tunnel(struct session *s, const char *c2s, size_t n1, const char *s2c, size_t n2)
{
	struct event_base *base = s->w->p->base;
	s->cli_rd = event_new(base, s->cli.fd, EV_READ | EV_CLOSED | EV_PERSIST, cli_read_cb, s);
	s->cli_wr = event_new(base, s->cli.fd, EV_WRITE | EV_PERSIST, cli_write_cb, s);
	s->srv_rd = event_new(base, s->srvc.fd, EV_READ | EV_CLOSED | EV_PERSIST, srv_read_cb, s);
	s->srv_wr = event_new(base, s->srvc.fd, EV_WRITE | EV_PERSIST, srv_write_cb, s);
	s->cli_active = s->srv_active = wk_coarse_ms();
	if (n1)
		preload(s, 1, c2s, n1);
	else
		event_add(s->cli_rd, NULL);
	if (n2)
		preload(s, 0, s2c, n2);
	else
		event_add(s->srv_rd, NULL);
}

void relay_detach_server(struct session *s)
{
	if (s->srv_rd) {
		event_free(s->srv_rd);
		event_free(s->srv_wr);
		s->srv_rd = s->srv_wr = NULL;
	}
	if (s->cli_rd)
		event_del(s->cli_rd);
}

void relay_stop(struct session *s)
{
	pipe_put(s->w, &s->c2s);
	pipe_put(s->w, &s->s2c);
	free(s->c2s.buf);
	free(s->s2c.buf);
	s->c2s.buf = s->s2c.buf = NULL;
}

static int side_timeout(const struct session *s, int client)
{
	const struct proxy_conf *fe = s->fe, *be = s->be->px;
	int t = client ? fe->timeout.client : be->timeout.server;
	int fin = client ? fe->timeout.client_fin : be->timeout.server_fin;
	int closed = client ? s->c2s.shut_r : s->s2c.shut_r;
	if (be->timeout.tunnel > 0)
		t = be->timeout.tunnel;
	if (closed && fin > 0)
		t = fin;
	return t > 0 ? t : 0;
}

int64_t relay_deadline(const struct session *s)
{
	int tc = side_timeout(s, 1), ts = side_timeout(s, 0);
	int64_t dc = tc ? s->cli_active + tc : 0, ds = ts ? s->srv_active + ts : 0;
	if (!dc)
		return ds;
	if (!ds)
		return dc;
	return dc < ds ? dc : ds;
}

int relay_expired(struct session *s, int64_t now)
{
	int tc = side_timeout(s, 1), ts = side_timeout(s, 0);
	if (tc && now >= s->cli_active + tc) {
		sess_set_term(s, 'c', 'D');
		sess_close(s);
		return 1;
	}
	if (ts && now >= s->srv_active + ts) {
		sess_set_term(s, 's', 'D');
		sess_close(s);
		return 1;
	}
	return 0;
}
