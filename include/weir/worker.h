/*
 * A worker process: one libevent loop that accepts on its listeners and
 * proxies traffic (TCP now, HTTP with its issue). Owned by src/worker/.
 */
#ifndef WEIR_WORKER_H
#define WEIR_WORKER_H

#include "weir/proc-t.h"

/* Sets up accepting and the backends' balancers on p->base. 0 or -1. */
int worker_start(struct weir_proc *p);
/* Soft stop: stop accepting, let the sessions finish, then leave the loop. */
void worker_soft_stop(struct weir_proc *p);
/* Hard stop: close every session now and leave the loop. */
void worker_hard_stop(struct weir_proc *p);

#endif
