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

/* ------------------------------------------------------------ stats page admin */

/* The outcome of an admin POST, HAProxy's `;st=` words on the page. */
enum stats_admin_st {
	STATS_ADMIN_DONE = 0,         /* every checked server changed */
	STATS_ADMIN_PART,             /* some did */
	STATS_ADMIN_NONE,             /* no server checked */
	STATS_ADMIN_DENY,             /* `stats admin` does not allow this request */
	STATS_ADMIN_ERRP,             /* bad action, backend or server names */
	STATS_ADMIN_EXCD,             /* the form is larger than a buffer */
	STATS_ADMIN_IVAL,             /* chunked or otherwise unreadable request */
	STATS_ADMIN_UNKN,             /* the stats process did not answer */
};
const char *stats_admin_st_word(enum stats_admin_st st);
enum stats_admin_st stats_admin_st_parse(const char *w, size_t n);

/* Applies an application/x-www-form-urlencoded admin form (b=, action=,
 * s=... in any order) to the segment. Stats process only (the writer of
 * admin states); src/stats/stats_admin.c says why. p (NULL in tests) is
 * the process whose checker takes the forced health and agent states. */
enum stats_admin_st stats_admin_apply(struct weir_proc *p, void *shm, const char *form, size_t len);
/* Stats process: serves the admin channel p->admin_rx on p->base. 0/-1. */
int stats_admin_serve(struct weir_proc *p);
/* Worker: hands a form to the stats process over p->admin_tx; returns
 * the non-blocking fd its answer will arrive on (read it with
 * stats_admin_recv once readable, then close it), or -1. */
int stats_admin_send(struct weir_proc *p, const char *form, size_t len);
enum stats_admin_st stats_admin_recv(int fd);
/* Does any proxy of cfg have `stats admin`? Then the stats process runs
 * (to apply the forms) even without a `stats socket`. */
int stats_admin_configured(const struct cfg *cfg);

/* ------------------------------------------------------------ HTTP stats page */

struct proxy_conf;
struct http_msg;

/* The stats page of px (`stats enable`, src/stats/stats_html.c), served by
 * the worker that received the request. Returns 0 when `req` is not for
 * it (stats not enabled, or the path does not start with `stats uri`,
 * "/haproxy?stats" by default); else appends a whole response (the HTML
 * page, `;csv` for show stat's CSV, the 401 of `stats auth`, or the 303
 * of a POST refused) and returns its status. `admin`: a `stats admin`
 * condition holds for this request (the caller evaluates them): the page
 * shows the admin forms, and a POST gets STATS_HTTP_FORM, nothing
 * appended: the caller reads the form (Content-Length bytes), hands it to
 * stats_admin_send() and answers with stats_http_admin_reply().
 * `close` adds connection: close. */
#define STATS_HTTP_FORM (-1)
int stats_http_serve(struct weir_proc *p, const struct proxy_conf *px, const struct http_msg *req,
		     int admin, int close, struct sbuf *out);
/* `http-request use-service prometheus-exporter` (src/stats/stats_prom.c):
 * appends the whole response (HAProxy 2.6's metrics, text format 0.0.4)
 * and returns 200, or returns 400, nothing appended, for a query with an
 * unknown scope. */
int stats_prom_serve(struct weir_proc *p, const struct http_msg *req, int close, struct sbuf *out);
/* HAProxy's answer to an admin POST: 303 to `<stats uri>;st=<WORD>`.
 * Returns 303. */
int stats_http_admin_reply(const struct proxy_conf *px, const struct http_msg *req,
			   enum stats_admin_st st, int close, struct sbuf *out);

#endif
