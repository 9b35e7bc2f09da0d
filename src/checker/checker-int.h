/*
 * The checker process's private types: one `struct chk` per checked
 * server, and the table of check kinds behind which each protocol (plain
 * connect now; HTTP, tcp-check, agent, TLS next) plugs into the scheduler.
 *
 * Runs in the checker process only. A struct chk is heap memory owned by
 * the checker context (checker.c); it refers to its server and backend in
 * the segment by record index, never by pointer into another process.
 *
 * Life of one check:
 *
 *   timer fires (checker.c) --> kind->start(c)
 *                                  |  check_tcp.c: non-blocking connect,
 *                                  |  an io event with the connect timeout
 *                                  v
 *                               kind->connected(c)   (L4 kind: L4OK now;
 *                                  |                  L7 kinds: converse)
 *                                  v
 *                               check_state_report(c, status, info)
 *                                  |  closes the connection (kind->stop),
 *                                  |  health counter, segment, logs
 *                                  v
 *                               checker_schedule(c): next run after the
 *                               interval the new health calls for
 */
#ifndef WEIR_CHECKER_INT_H
#define WEIR_CHECKER_INT_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "weir/cfg-t.h"
#include "weir/proc-t.h"

struct event;
struct sbuf;
struct chk;
struct chk_conv;
struct ssl_st;
struct ssl_ctx_st;

/* How one kind of check runs. `start` begins a check and must end it,
 * now or later from the loop, with exactly one check_state_report();
 * `stop` releases whatever a running check holds (socket, events) without
 * reporting: the report itself calls it first, and so does checker_stop(). */
struct chk_kind {
	const char *name;
	void (*start)(struct chk *c);
	void (*connected)(struct chk *c);   /* connection kinds: after connect */
	void (*stop)(struct chk *c);
	void (*release)(struct chk *c);     /* optional: frees what the kind keeps between runs */
	void (*describe)(struct chk *c, struct sbuf *info); /* optional: appends where a
	                                                      * connect failed to its info */
};

/* One server's check. Config-derived fields are set once by checker.c. */
struct chk {
	struct weir_proc *p;
	uint32_t srv, be;                   /* SRV and BE record indexes */
	const struct proxy_conf *px;
	const struct server_conf *conf;
	const struct chk_kind *kind;
	struct sockaddr_storage addr;       /* where to connect (port set) */
	socklen_t addrlen;
	int inter, fastinter, downinter;    /* ms; 0 means "use inter" */
	int rise, fall;
	int conn_timeout;                   /* ms, bounds the connect */
	int read_timeout;                   /* ms after connect, 0: the rest of conn_timeout */
	struct event *timer;                /* next run */
	struct event *io;                   /* the connection of a running check */
	int fd;                             /* -1 when idle */
	int running;
	int in_maint;                       /* admin MAINT seen at the last run */
	int no_last_ack;                    /* plain L4 sending nothing: TCP_QUICKACK off (check_tcp.c) */
	uint64_t start_ms;                  /* monotonic, when the running check began */
	struct chk_conv *conv;              /* L7 kinds: the program and its run (check_conv.h) */
	struct ssl_ctx_st *ssl_ctx;         /* servers checked over TLS (check_ssl.c) */
	struct ssl_st *ssl;                 /* the running check's TLS, NULL: plain */
	uint64_t conn_start_ms;             /* monotonic, when the last connect began */
	uint32_t addr_seq;                  /* the server's rt_seq c->addr follows */
	uint32_t chk_seq;                   /* the server's chk_seq, likewise */
	struct sockaddr_storage cfg_addr;   /* the target as configured (setup) */
	socklen_t cfg_addrlen;
	uint64_t ssl_deadline;              /* monotonic ms, bounds the handshake */
};

/* The kinds, by proxy_conf.check_kind (check_tcp.c). Kinds not written yet
 * run the plain connect check. */
extern const struct chk_kind check_tcp_kind;
/* Every conversation kind: tcp-check, HTTP and the built-in protocol
 * checks (check_conv.c). */
extern const struct chk_kind check_conv_kind;

/* The connection layer shared by every connection kind (check_tcp.c):
 * opens a non-blocking connect to c->addr bounded by c->conn_timeout and
 * calls c->kind->connected(c) once established, or reports L4CON, L4TOUT
 * or SOCKERR itself. */
void check_tcp_start(struct chk *c);
/* Closes the connection with an RST (no TIME_WAIT on our side) and frees
 * its event. Accepts an idle check. */
void check_tcp_stop(struct chk *c);

/* The checker's TCP sockets, reused between checks (check_sock.c). open
 * returns a non-blocking, unconnected stream socket of `family` (-1 and
 * errno when none can be made); release ends its connection with an RST
 * and keeps it for the next check, or closes it. free closes the idle
 * ones (checker_stop). */
int check_sock_open(int family);
void check_sock_release(int fd, int family);
void check_sock_free(void);

/* The transport of the check connection (check_ssl.c). setup builds the
 * server's SSL_CTX at checker start when its checks may use TLS (NULL, or
 * why the server cannot be checked); release frees it. established runs
 * after the TCP connect: PROXY header, TLS handshake, then
 * kind->connected, or one report. close frees the running check's SSL;
 * send and recv are send(2)/recv(2) over TLS when the check has it. */
const char *check_ssl_setup(struct chk *c);
void check_ssl_release(struct chk *c);
void check_ssl_established(struct chk *c);
/* 1 when the transport writes nothing of its own (no PROXY header, no TLS). */
int check_ssl_silent(const struct chk *c);
void check_ssl_close(struct chk *c);
ssize_t check_ssl_send(struct chk *c, const void *buf, size_t len);
ssize_t check_ssl_recv(struct chk *c, void *buf, size_t len);
struct sbuf;
/* The PROXY protocol header of c's connection: version 1 from the
 * socket's two ends, version 2 a LOCAL header (check_ssl.c). */
void check_ssl_proxy_header(const struct chk *c, int version, struct sbuf *out);

/* The runtime API moved the server (`set server ... addr`) or its check
 * (`check-addr`, `check-port`; the agent's `agent-addr`, `agent-port`):
 * recomputes c->addr from the configured target. A check's own runtime
 * address and port come first; then the server's, for the parts `addr`
 * and `port` (`agent-addr`, `agent-port`) do not pin. Two loads when
 * nothing moved (returns 0); else 1, the runtime targets copied into v
 * (the agent takes its agent-send from there). */
int checker_retarget(struct chk *c, int agent, struct shm_chk_rt *v);

/* Monotonic milliseconds (the clock check durations are measured on). */
uint64_t checker_now_ms(void);
/* Arms c's timer for its next run, after the interval its health calls for
 * (inter, fastinter or downinter) with the spread-checks jitter. */
void checker_schedule(struct chk *c);

/* The end of one check (check_state.c): stops the kind, writes the result
 * to the server's record, moves the health counter, applies and logs a
 * state change, and schedules the next run. `info` is the detail HAProxy
 * prints as info: "..." (an errno text), NULL for none. */
void check_state_report(struct chk *c, unsigned status, const char *info);
/* `observe` reached `error-limit`: applies `on-error` (enum srv_on_error). */
void check_state_observe(struct chk *c, int action, uint32_t errors);
/* check_observe.c: watches the workers' error counts of observed servers. */
int check_observe_start(struct weir_proc *p, struct chk *chks, int nchk);
void check_observe_stop(void);
/* The same with the L7 code stored in check_code (an HTTP status, 0 for
 * a passed tcp-check, -1 none); logs print it for L7OK, L7OKC, L7STS. */
void check_state_report_code(struct chk *c, unsigned status, int code, const char *info);

/* The runtime API's forced states (check_ctl.c calls them): force_op moves
 * op_state (enum shm_op_state) as a check would, logged "changed from
 * CLI"; force_health first sets the health HAProxy gives (full for up and
 * stopping, 0 for down). */
void check_state_force_op(struct chk *c, uint32_t want, const char *why);
void check_state_force_health(struct chk *c, uint32_t want, const char *why);
/* check_ctl.c: applies what the stats process posts (shm_srv.force) when
 * kicked on p->kick_rx, and from the admin sweep (check_ctl_poll, in
 * weir/checker.h). */
int check_ctl_start(struct weir_proc *p, struct chk *chks, int nchk);
void check_ctl_stop(void);
/* check_agent.c: `set server ... agent up|down`. 0, or -1 when the server
 * has no agent running. */
int check_agent_force(struct chk *c, int up, const char *why);

/* A server leaves maintenance as HAProxy has it: UP at health rise, one
 * failed check from DOWN, so its next check decides. */
void check_state_resume(struct chk *c);
/* HAProxy's health counter for one result, 0..rise+fall-1, UP from rise:
 * a failure steps down and falls to 0 below rise, a success steps up and
 * jumps to rise+fall-1 from rise. Returns 1 when the step counts as a
 * failed check (health was above 0). */
int check_state_step(int32_t *health, int rise, int fall, int passed);
/* Recounts a backend's usable servers (UP and not in maintenance) into
 * srv_act/srv_bck. Returns 1 when a count changed. Caller bumps lb_gen. */
int check_state_recount(void *shm, uint32_t be);
/* The admin sweep over every backend: one whose servers entered or left
 * maintenance (the stats process writes admin) gets its counts refreshed
 * and its lb_gen bumped. */
void check_state_sweep(void *shm, uint32_t nbe);

/* Agent checks (check_agent.c) and the checker-owned weight factor with
 * the slowstart ramp (check_slowstart.c). */
enum { AGENT_HS_UP = 1, AGENT_HS_DOWN, AGENT_HS_FAIL, AGENT_HS_STOPPED };
enum { AGENT_AS_READY = 1, AGENT_AS_DRAIN, AGENT_AS_MAINT };
struct agent_reply {
	int health, admin;        /* AGENT_HS_*, AGENT_AS_*; 0 not said */
	int weight, maxconn;      /* -1 not said */
	char desc[128];           /* after '#' */
	char err[64];             /* the first word not understood */
};
extern const struct chk_kind check_agent_kind;
void check_agent_parse(const char *line, struct agent_reply *rep);
int check_agent_weight_pct(int pct, uint32_t weight_cfg);
int check_agent_setup(struct chk *c, struct weir_proc *p, const struct proxy_conf *px,
		      const struct server_conf *s, uint32_t be, uint32_t srv);
int check_agent_allows_up(uint32_t srv);
void check_agent_free(void);
/* Moves op_state as a check result would (logs, counts, slowstart). */
void check_state_set(struct chk *c, int up, unsigned status, const char *info, uint32_t dur);
uint32_t check_slowstart_ramp(uint64_t elapsed_ms, int period_ms);
uint32_t check_weight_pct(uint32_t agent_pct, int drain, uint32_t ramp);
/* Before a DOWN<->UP store: starts or stops the ramp, stores weight_pct. */
void check_slowstart_change(struct chk *c, int up);
/* At checker start, per server: adopts a weight_pct left by a previous
 * checker (restart, reload). */
void check_slowstart_adopt(struct weir_proc *p, const struct server_conf *conf, uint32_t be,
			   uint32_t srv);
/* The agent's weight (-1 keep) and drain (-1 keep); 1 if weight_pct moved
 * (lb_gen bumped). */
int check_weight_agent(struct chk *c, int pct, int drain);
int check_weight_drained(uint32_t srv);
void check_slowstart_free(void);

#endif
