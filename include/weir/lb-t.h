/*
 * Types of the balancing runtime (lb.h). Each worker keeps one struct lb_be
 * per backend: the servers that may take new connections right now, rebuilt
 * from the segment whenever the backend's lb_gen moves (the checker and the
 * stats process bump it on every state or weight change). The algorithm is
 * a small table of callbacks (struct lb_ops), one file per algorithm, so
 * hashing, cookies and stick tables can slot in without touching the others.
 */
#ifndef WEIR_LB_T_H
#define WEIR_LB_T_H

#include <stdint.h>
#include <sys/socket.h>

#include "weir/cfg-t.h"

struct lb_be;

/* A server as a worker's balancer sees it. */
struct lb_srv {
	uint32_t idx;               /* SRV record index in the segment */
	uint32_t pos;               /* position among the backend's servers (0-based) */
	uint32_t weight;            /* effective: weight_user * weight_pct / 100 */
	int32_t maxconn;            /* 0: unlimited */
	int64_t cur;                /* algorithm scratch (smooth WRR current weight) */
};

/* What a pick may look at: the client address (source), and a server to
 * avoid (the one whose connect just failed, on redispatch). */
struct lb_req {
	const struct sockaddr *src;
	socklen_t srclen;
	uint32_t avoid;             /* SRV index, UINT32_MAX: none */
};

struct lb_ops {
	enum lb_algo algo;
	/* (Re)builds the algorithm's state after b->set changed. */
	void (*build)(struct lb_be *b);
	/* Chooses one server of b->set that lb_srv_full() does not reject and
	 * that is not req->avoid, or NULL (lb_pick asks again without the
	 * avoid when NULL). Must not take the connection slot (lb_take()
	 * does that). req may be NULL. */
	struct lb_srv *(*pick)(struct lb_be *b, const struct lb_req *req);
	/* Frees what build allocated (may be NULL). */
	void (*release)(struct lb_be *b);
};

/* One backend's balancing state in one worker. */
struct lb_be {
	const struct lb_ops *ops;
	const struct proxy_conf *px;
	void *shm;                  /* segment base */
	uint32_t be;                /* BE record index */
	uint64_t gen;               /* lb_gen of the record when last rebuilt */
	struct lb_srv *all;         /* every server of the backend, in order */
	int nall;
	struct lb_srv **set;        /* the usable servers: the active ones, else
				     * the first backup (all backups with
				     * `option allbackups`) */
	int nset;
	int backup_set;             /* set holds backups */
	uint64_t total_weight;      /* of set */
	uint32_t rr_pos;            /* algorithm scratch */
	void *priv;                 /* algorithm state */
};

#endif
