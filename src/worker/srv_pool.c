/*
 * Idle server connections of one worker, per server: what `http-reuse`
 * reuses. A connection whose response ended cleanly with keep-alive comes
 * here; the next request for that server (of any client of this worker,
 * as the reuse mode allows) takes the most recently used one, which is
 * the likeliest to be still open and warm.
 *
 * An idle connection keeps its edge-triggered event (http_fwd.c): a server
 * that closes it (its keep-alive timeout) or sends anything unasked makes
 * it useless, and it is closed at once. Connections idle longer than POOL_IDLE_MS are closed
 * when the pool is next touched, so the pool shrinks after a burst.
 * Touches in the segment this worker's idle_conn_cur shards.
 *
 * Workers are single threaded, so nothing here locks; the pool of a worker
 * is never seen by another process.
 */
#include <stdlib.h>

#include "weir/shm.h"
#include "weir/util.h"
#include "http-int.h"

#define POOL_MAX_PER_SRV 128   /* idle connections kept per server and worker */
#define POOL_IDLE_MS 5000      /* HAProxy's pool-purge-delay default */

struct wk_pool {
	struct srv_conn **v;         /* a stack: the last one put is taken first */
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

/* Closes the connections idle for too long (the oldest sit at the bottom). */
static void pool_purge(struct worker *w, struct wk_pool *pl, int64_t now)
{
	int k = 0;
	while (k < pl->n && now - pl->v[k]->since > POOL_IDLE_MS)
		k++;
	for (int i = 0; i < k; i++) {
		idle_gauge(w, pl->v[i]->srv, -1);
		http_sc_free(pl->v[i], 1);
	}
	for (int j = k; j < pl->n; j++)
		pl->v[j - k] = pl->v[j];
	pl->n -= k;
}

struct srv_conn *pool_take(struct worker *w, uint32_t srv, uint32_t min_served)
{
	if (srv >= w->npools)
		return NULL;
	struct wk_pool *pl = &w->pools[srv];
	pool_purge(w, pl, wk_coarse_ms());
	int i = pl->n - 1;
	while (i >= 0 && pl->v[i]->nserved < min_served)
		i--;
	if (i < 0)
		return NULL;
	struct srv_conn *sc = pl->v[i];
	for (int j = i + 1; j < pl->n; j++)
		pl->v[j - 1] = pl->v[j];
	pl->n--;
	idle_gauge(w, srv, -1);
	return sc;
}

void pool_put(struct worker *w, struct srv_conn *sc)
{
	struct wk_pool *pl = sc->srv < w->npools ? &w->pools[sc->srv] : NULL;
	sc->owner = NULL;
	if (!pl || w->p->stopping || pl->n >= POOL_MAX_PER_SRV || sc->rd_ready || sc->peer_closed) {
		http_sc_free(sc, 1);
		return;
	}
	sc->since = wk_coarse_ms();
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 8;
		pl->v = xrealloc(pl->v, (size_t)pl->cap * sizeof(*pl->v));
	}
	pl->v[pl->n++] = sc;
	idle_gauge(w, sc->srv, 1);
	pool_purge(w, pl, sc->since);
}

void pool_drop(struct worker *w, struct srv_conn *sc)
{
	struct wk_pool *pl = &w->pools[sc->srv];
	for (int i = 0; i < pl->n; i++)
		if (pl->v[i] == sc) {
			for (int j = i + 1; j < pl->n; j++)
				pl->v[j - 1] = pl->v[j];
			pl->n--;
			idle_gauge(w, sc->srv, -1);
			break;
		}
	http_sc_free(sc, 1);
}

void pool_close_all(struct worker *w)
{
	for (uint32_t s = 0; s < w->npools; s++) {
		struct wk_pool *pl = &w->pools[s];
		for (int i = 0; i < pl->n; i++) {
			idle_gauge(w, s, -1);
			http_sc_free(pl->v[i], 1);
		}
		pl->n = 0;
	}
}
