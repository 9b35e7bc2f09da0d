/*
 * Inside the stats process: what its files share. The command context a
 * handler receives, the dumps each file exports (CSV, info, servers state,
 * processes) and the segment objects as the runtime API names them.
 * Runs only in the stats process (or in the master for `-d` and the master
 * CLI's `@N`); reads the segment, writes only what stats_cli.c says.
 */
#ifndef WEIR_STATS_INT_H
#define WEIR_STATS_INT_H

#include <stdint.h>

#include "weir/proc-t.h"
#include "weir/shm.h"
#include "weir/stats.h"
#include "weir/util.h"

/* One command being run: its words (after the table's name words are
 * matched, argv still holds every word of the line). */
struct stats_ctx {
	struct weir_proc *p;
	void *shm;
	int level;                    /* enum stats_level */
	int argc;
	char **argv;
	struct sbuf *out;
};

/* HAProxy's automatic numbering: objects without a configured `id` get the
 * lowest unused one, in declaration order. Proxies (a listen's FE and BE
 * share one), then servers per backend. Heap arrays; free with
 * stats_obj_ids_free(). */
struct stats_ids {
	int *fe, *be, *srv;           /* by FE / BE / SRV record index */
};
void stats_obj_ids(void *shm, struct stats_ids *ids);
void stats_obj_ids_free(struct stats_ids *ids);

/* "backend/server" to a SRV record index: 0, or -1 with a one-line
 * HAProxy-style error appended to out. */
int stats_obj_find_server(void *shm, const char *arg, uint32_t *srv, struct sbuf *out);
/* A backend by name or by `#<id>`: its BE index, or -1. */
int stats_obj_find_backend(void *shm, const struct stats_ids *ids, const char *name);

/* What the balancer gives a server now: weight_user scaled by weight_pct. */
uint32_t stats_obj_eweight(const struct shm_srv *s);
/* A server takes new traffic: up (or stopping), not in maint or drain,
 * weight above 0. */
int stats_obj_usable(const struct shm_srv *s);
/* The `status` column of a server ("UP", "DOWN 1/2", "MAINT", ...). */
void stats_obj_srv_status(void *shm, const struct shm_srv *s, struct sbuf *out);
/* Seconds accumulated down, counting the current down period. */
uint64_t stats_obj_srv_downtime(const struct shm_srv *s, uint64_t now_s);
uint64_t stats_obj_now_s(void);
/* A server's address as traffic goes to it now: the runtime one (`set
 * server ... addr`), else the configured one; ip "" when it has none (a
 * name, a UNIX socket). *port: the runtime port, else the configured
 * one (0 for a port map or none). sc may be NULL. */
struct server_conf;
void stats_obj_srv_addr(const struct shm_srv *s, const struct server_conf *sc, char *ip, size_t n,
			int *port);
/* The server_conf of SRV record srv, NULL without a configuration. */
const struct server_conf *stats_obj_srv_conf(const struct weir_proc *p, void *shm, uint32_t srv);

/* stats_xfer.c: `_getsocks`, the listening sockets over SCM_RIGHTS on the
 * session's socket `fd`. 0 or -1. */
int stats_xfer_send(struct weir_proc *p, int fd);

/* stats_cli.c: `set server ... state ready|drain|maint` on SRV record
 * srv, as HAProxy sets it (drain clears maint, maint clears drain), with
 * tracking servers and lb_gen updated. 0, or -1 for another word. */
int stats_cli_set_state(void *shm, uint32_t srv, const char *state);

/* stats_health.c: `enable|disable health|agent` (agent 0: health; on 0:
 * disable), 0, or -1 enabling a check the server has not configured;
 * and a forced state (enum shm_force, maybe | SHM_FORCE_FROM_WEB) posted
 * for the checker: 0 applied, 1 posted but not applied within a second. */
int stats_health_switch(void *shm, uint32_t srv, int agent, int on);
int stats_health_force(struct weir_proc *p, void *shm, uint32_t srv, uint32_t what);
/* `shutdown sessions server`: asks every worker to close its sessions on
 * SRV record srv. */
void stats_health_kill(void *shm, uint32_t srv);

/* stats_html.c, for the HTTP services: a `show stat` CSV line split in
 * place on its commas (text fields unquoted), at most max fields; and the
 * origin-form target of a request (an absolute form's path). */
struct http_msg;
void stats_split_fields(char *line, char **f, int *nf, int max);
void stats_req_target(const struct http_msg *req, const char **p, size_t *n);

/* The dumps. */
int stats_csv_show(struct stats_ctx *c);
void stats_csv_header(struct sbuf *out);
int stats_info_show(struct stats_ctx *c);
int stats_info_proc(struct stats_ctx *c);
int stats_state_show(struct stats_ctx *c);

/* Raises the rate maxima from the summed per-worker rates (once a second,
 * from the stats loop): no worker sees the daemon-wide rate alone. */
void stats_csv_raise_maxima(void *shm);

#endif
