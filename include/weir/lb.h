/*
 * Load-balancing algorithms: the one table of `balance` algorithms that the
 * parser (src/lb/lb_kw.c) and the runtime (one file per algorithm under
 * src/lb/, keyed on enum lb_algo) share. Owned by src/lb/.
 */
#ifndef WEIR_LB_H
#define WEIR_LB_H

#include "weir/cfg.h"

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

#endif
