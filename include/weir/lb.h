/*
 * Load-balancing algorithms: the one table of `balance` algorithms that the
 * parser (src/lb/lb_kw.c) and the runtime (one file per algorithm under
 * src/lb/, keyed on enum lb_algo) share. Owned by src/lb/.
 */
#ifndef WEIR_LB_H
#define WEIR_LB_H

#include "weir/cfg.h"
#include "weir/lb-t.h"

/* What an algorithm needs and does. */
enum lb_algo_flag {
	LB_F_HASH = 1 << 0,         /* picks by a hash: hash-type applies */
	LB_F_HTTP = 1 << 1,         /* needs `mode http` (layer 7 input) */
	LB_F_DYNAMIC = 1 << 2,      /* weights may change at run time (slowstart, agent) */
	LB_F_ARG = 1 << 3,          /* takes "(<arg>)" after the name: hdr(name), random(2) */
	LB_F_ARG_REQUIRED = 1 << 4, /* ... and the argument is mandatory */
};

struct lb_algo_def {
	const char *name;           /* as written after `balance` ("hdr" for hdr(<name>)) */
	enum lb_algo algo;
	unsigned flags;             /* enum lb_algo_flag */
	enum hash_type default_hash;    /* hash-type when none is given */
	/* Parses the words after the algorithm name into b (arg: what was
	 * between the parentheses, NULL if none). Reports with cfg_alert. */
	int (*parse)(struct cfg_ctx *ctx, struct balance_conf *b, const char *arg, int argc, char **argv);
	const char *help;
};

/* Every algorithm, in the order HAProxy's documentation lists them. */
extern const struct lb_algo_def lb_algos[];
extern const int lb_algos_count;

/* The entry of an algorithm (never NULL for a valid enum value). */
const struct lb_algo_def *lb_algo_get(enum lb_algo algo);
/* By name as written after `balance` ("hdr", "rdp-cookie"); NULL if unknown. */
const struct lb_algo_def *lb_algo_find(const char *name);

/* ------------------------------------------------------------ runtime */

/* The callbacks of an algorithm, or NULL when it has no runtime yet (the
 * HTTP-only and hash algorithms arrive with their issues; lb_be_init then
 * falls back to roundrobin). */
const struct lb_ops *lb_ops_get(enum lb_algo algo);

/* Sets up b for backend record `be` of the segment at `shm` (px is its
 * configuration) and builds the usable set. Release with lb_be_release. */
void lb_be_init(struct lb_be *b, const struct proxy_conf *px, void *shm, uint32_t be);
void lb_be_release(struct lb_be *b);
/* Rebuilds the usable set and the algorithm state if the record's lb_gen
 * moved since the last build; cheap (one load) otherwise. */
void lb_be_refresh(struct lb_be *b);

/* Is this server at its maxconn (live connections across all workers)? */
int lb_srv_full(const struct lb_be *b, const struct lb_srv *s);

/* Picks a server for a new connection and takes one of its connection
 * slots (the server's scur, atomically, bounded by maxconn across every
 * worker). Returns the SRV index; -1 when no server is usable at all;
 * -2 when every usable server is at its maxconn (the caller queues). */
int lb_pick(struct lb_be *b, const struct lb_req *req);
/* Takes a slot on server record `srv` (for retries on the same server):
 * 0, or -1 when it is at maxconn. */
int lb_take(void *shm, uint32_t srv);
/* Gives back a slot taken by lb_pick or lb_take. */
void lb_release_slot(void *shm, uint32_t srv);

/* The algorithms' callbacks, one file each under src/lb/. */
extern const struct lb_ops lb_rr_ops;         /* roundrobin (weighted, dynamic) */
extern const struct lb_ops lb_static_rr_ops;  /* static-rr */
extern const struct lb_ops lb_lc_ops;         /* leastconn */
extern const struct lb_ops lb_first_ops;      /* first */
extern const struct lb_ops lb_source_ops;     /* source (map-based hash) */

#endif
