/*
 * The stats process: the UNIX stats sockets (`stats socket`) and the
 * runtime API behind them (show info, show stat, show servers state,
 * set server, ...). It reads the segment and writes only admin requests
 * into it (admin state, user weight), bumping the backend's lb_gen so the
 * workers rebalance. The command table is declared once in
 * src/stats/stats_cli.c; the master CLI (-S) runs the same table for
 * `@N <command>`. Owned by src/stats/.
 */
#ifndef WEIR_STATS_H
#define WEIR_STATS_H

#include "weir/proc-t.h"
#include "weir/util.h"

/* Starts serving every socket of p->stats on p->base: accepts connections,
 * reads commands (`;`-chained, `prompt` mode, `quit`), enforces each
 * socket's level and `stats timeout`. 0, or -1 with a message on stderr. */
int stats_start(struct weir_proc *p);

/* What a command line asks of the session after it ran. */
enum stats_exec_rc { STATS_EXEC_OK = 0, STATS_EXEC_QUIT, STATS_EXEC_PROMPT };

/* Runs one command (already split from a `;` chain) at `level` (enum
 * stats_level) and appends its reply to out. An unknown command, a missing
 * argument or too low a level append a one-line error. */
enum stats_exec_rc stats_exec(struct weir_proc *p, int level, const char *line, struct sbuf *out);


/* ------------------------------------------------------------ HTTP stats page */

struct proxy_conf;
struct http_msg;

/* The stats page of px (`stats enable`, src/stats/stats_html.c), served by
 * the worker that received the request. Returns 0 when `req` is not for
 * it (stats not enabled, or the path does not start with `stats uri`,
 * "/haproxy?stats" by default); else appends a whole response (the HTML
 * page, `;csv` for show stat's CSV, or the 401 of `stats auth`) and
 * returns its status. `close` adds connection: close. */
int stats_http_serve(struct weir_proc *p, const struct proxy_conf *px, const struct http_msg *req,
		     int close, struct sbuf *out);

#endif
