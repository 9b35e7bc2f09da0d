/*
 * The checker process: every health check. It is the only writer of the
 * servers' operational state in the segment (op_state, check_*, the
 * backend's srv_act/srv_bck), bumps the backend's lb_gen on each change so
 * the workers rebalance, and logs state changes in HAProxy's words. Check
 * kinds are steps behind a small table so HTTP, tcp-check, agent and TLS
 * checks slot in. Owned by src/checker/.
 */
#ifndef WEIR_CHECKER_H
#define WEIR_CHECKER_H

#include "weir/proc-t.h"

/* Schedules the checks of every server with `check` on p->base. 0, or -1
 * with a message on stderr. */
int checker_start(struct weir_proc *p);
/* Cancels every check and frees the checker's state (before a reload's new
 * generation, and in tests). Calling it when nothing runs is harmless. */
void checker_stop(void);
/* Applies the states the runtime API posted in the segment (shm_srv.force)
 * and acknowledges each; the kick pipe and the admin sweep call it, and so
 * does the stats code itself when every role shares one process (-d). */
void check_ctl_poll(void);

/* The check_status codes stored in struct shm_srv, and their names as
 * `show stat` prints them (L4OK, L4TOUT, L4CON, ...). */
enum check_status {
	CHK_ST_UNKNOWN = 0,  /* ""        no check run yet */
	CHK_ST_INI,          /* INI       initialising */
	CHK_ST_SOCKERR,      /* SOCKERR   socket error */
	CHK_ST_L4OK,         /* L4OK      layer 4 check passed */
	CHK_ST_L4TOUT,       /* L4TOUT    layer 1-4 timeout */
	CHK_ST_L4CON,        /* L4CON     layer 1-4 connection problem */
	CHK_ST_L6OK,         /* L6OK      layer 6 (TLS) passed */
	CHK_ST_L6TOUT,       /* L6TOUT    layer 6 timeout */
	CHK_ST_L6RSP,        /* L6RSP     layer 6 invalid response */
	CHK_ST_L7TOUT,       /* L7TOUT    layer 7 timeout */
	CHK_ST_L7RSP,        /* L7RSP     layer 7 invalid response */
	CHK_ST_L7OK,         /* L7OK      layer 7 passed */
	CHK_ST_L7OKC,        /* L7OKC     layer 7 passed, conditionally */
	CHK_ST_L7STS,        /* L7STS     layer 7 wrong status */
	CHK_ST_HANA,         /* HANA      health analyze: errors seen on traffic (`observe`) */
	CHK_ST_CHECKED,      /* CHECKED   no status change (an agent's reply without a state) */
	CHK_ST__COUNT
};
/* check_duration (and agent_duration) of a result that was no timed check
 * (HANA): `show stat` leaves the column empty. */
#define CHK_DURATION_NONE 0xffffffffu
const char *check_status_name(unsigned st);
/* HAProxy's description of a status ("Layer4 connection problem"). */
const char *check_status_desc(unsigned st);
/* HAProxy's words for an `observe` event (enum shm_obs_event): "Wrong http
 * response", "L4 unsuccessful connection", ...; "Unknown" for others. */
const char *check_observe_desc(unsigned ev);

#endif
