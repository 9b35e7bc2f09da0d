/*
 * Idle server connections of one worker, per server: what `http-reuse`
 * reuses. A connection whose response ended cleanly with keep-alive comes
 * here; the next request for that server (of any client of this worker,
 * as the reuse mode allows) takes the most recently used one, which is
 * the likeliest to be still open and warm.
 *
 * An idle connection is watched for reading: a server that closes it (its
 * keep-alive timeout) or sends anything unasked makes it useless, and it
 * is closed at once. Connections idle longer than POOL_IDLE_MS are closed
 * when the pool is next touched, so the pool shrinks after a burst.
 * Touches in the segment this worker's idle_conn_cur shards.
 *
 * Workers are single threaded, so nothing here locks; the pool of a worker
 * is never seen by another process.
 */
#include <event2/event.h>
#include <stdlib.h>
#include <unistd.h>

#include "weir/shm.h"
#include "weir/util.h"
#include "http-int.h"

#define POOL_MAX_PER_SRV 128   /* idle connections kept per server and worker */
#define POOL_IDLE_MS 5000      /* HAProxy's pool-purge-delay default */

struct idle_conn {
	struct worker *w;
	uint32_t srv;
	int fd;
	int64_t since;
	struct event *ev;
};

struct wk_pool {
	struct idle_conn **v;        /* a stack: the last one put is taken first */
	int n, cap;
};

void pool_init(struct worker *w)
{
	w->npools = shm_hdr(w->p->shm)->nsrv;
	w->pools = xcalloc((size_t)w->npools + 1, sizeof(*w->pools));
}

static void idle_gauge(struct worker *w, uint32_t srv, int d)
{
	/* a per-worker shard (readers sum): the pool is this worker's own */
	shm_shard_add(&shm_srv_shard(w->p->shm, (uint32_t)w->p->worker, srv)->idle_conn_cur,
		      (uint64_t)(int64_t)d);
}

static void idle_free(struct idle_conn *ic, int close_fd)
{
	event_free(ic->ev);
	if (close_fd)
		close(ic->fd);
	idle_gauge(ic->w, ic->srv, -1);
	free(ic);
}

/* Removes entry i of the pool, keeping the order of the others. */
static void pool_remove(struct wk_pool *pl, int i)
{
	for (int j = i + 1; j < pl->n; j++)
		pl->v[j - 1] = pl->v[j];
	pl->n--;
}

/* The server closed an idle connection, or spoke out of turn. */
static void idle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct idle_conn *ic = arg;
	struct wk_pool *pl = &ic->w->pools[ic->srv];
	(void)fd, (void)what;
	for (int i = 0; i < pl->n; i++)
		if (pl->v[i] == ic) {
			pool_remove(pl, i);
			break;
		}
	idle_free(ic, 1);
}

/* Closes the connections idle for too long (the oldest sit at the bottom). */
static void pool_purge(struct wk_pool *pl, int64_t now)
{
	int k = 0;
	while (k < pl->n && now - pl->v[k]->since > POOL_IDLE_MS)
		k++;
	for (int i = 0; i < k; i++)
		idle_free(pl->v[i], 1);
	for (int j = k; j < pl->n; j++)
		pl->v[j - k] = pl->v[j];
	pl->n -= k;
}

int pool_take(struct worker *w, uint32_t srv)
{
	if (srv >= w->npools)
		return -1;
	struct wk_pool *pl = &w->pools[srv];
	pool_purge(pl, wk_coarse_ms());
	if (!pl->n)
		return -1;
	struct idle_conn *ic = pl->v[--pl->n];
	int fd = ic->fd;
	idle_free(ic, 0);
	return fd;
}

void pool_put(struct worker *w, uint32_t srv, int fd)
{
	struct wk_pool *pl = srv < w->npools ? &w->pools[srv] : NULL;
	if (!pl || w->p->stopping || pl->n >= POOL_MAX_PER_SRV) {
		close(fd);
		return;
	}
	struct idle_conn *ic = xcalloc(1, sizeof(*ic));
	ic->w = w;
	ic->srv = srv;
	ic->fd = fd;
	ic->since = wk_coarse_ms();
	ic->ev = event_new(w->p->base, fd, EV_READ, idle_cb, ic);
	event_add(ic->ev, NULL);
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 8;
		pl->v = xrealloc(pl->v, (size_t)pl->cap * sizeof(*pl->v));
	}
	pl->v[pl->n++] = ic;
	idle_gauge(w, srv, 1);
	pool_purge(pl, ic->since);
}

void pool_close_all(struct worker *w)
{
	for (uint32_t s = 0; s < w->npools; s++) {
		struct wk_pool *pl = &w->pools[s];
		for (int i = 0; i < pl->n; i++)
			idle_free(pl->v[i], 1);
		pl->n = 0;
	}
}
