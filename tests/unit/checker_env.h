/*
 * The checker suites' common fixture: a configuration loaded from text, a
 * real segment, the checker started on an event loop, and stderr captured
 * so tests can read the log lines it wrote.
 */
#ifndef WEIR_TEST_CHECKER_ENV_H
#define WEIR_TEST_CHECKER_ENV_H

#include <stdio.h>

#include "weir/cfg.h"
#include "weir/proc-t.h"
#include "weir/shm-t.h"

struct event_base;

struct t_env {
	struct cfg *cfg;
	struct shm_layout layout;
	struct weir_proc p;
	struct event_base *base;
	FILE *cap;
	int saved;
};

/* Starts the checker on `text` with one worker's layout. `base`: the loop
 * to run on (fake servers may live on it already), NULL for a new one.
 * Takes ownership of base. */
void t_chk_up(struct t_env *e, const char *text, struct event_base *base);
/* Everything logged so far (heap string, free() it). */
char *t_chk_logs(struct t_env *e);
/* Stops the checker, restores stderr, frees everything, the loop too. */
void t_chk_down(struct t_env *e);

#endif
