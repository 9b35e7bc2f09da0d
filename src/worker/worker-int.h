/*
 * The worker's internals: the worker itself, its listeners, its per-backend
 * state (balancer and queue) and the TCP session. Shared by the files of
 * src/worker/ only.
 *
 * Ownership: the worker owns its listeners' events, the backend states and
 * every session; a session owns its two connections, their events, its
 * timer and its buffers. Sessions refer to segment records by index.
 */
#ifndef WEIR_WORKER_INT_H
#define WEIR_WORKER_INT_H

#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "weir/conn.h"
#include "weir/lb-t.h"
#include "weir/proc-t.h"

struct event;
struct session;
struct http_txn;
struct wk_pool;

struct wk_listener {
	struct worker *w;
	const struct listener *l;
	int fd;
	struct event *ev;
	int paused;                  /* accept event removed (a limit was reached) */
};

/* A backend as one worker sees it. */
struct wk_be {
	const struct proxy_conf *px;
	uint32_t be;                 /* BE record */
	struct lb_be lb;
	struct session *q_head, *q_tail;   /* sessions waiting for a server slot */
	int qlen;
	struct event *q_timer;       /* retries the queue while it is not empty */
};

struct worker {
	struct weir_proc *p;
	struct wk_listener *ls;
	int nls;
	struct wk_be *bes;           /* indexed by BE record */
	int nbes;
	struct session *sessions;    /* every live session (hard stop walks it) */
	int nsess;
	char *scratch;               /* tune.bufsize: the read-then-send buffer */
	size_t bufsize;
	int *pipes;                  /* idle pipes (pairs), for splicing */
	int npipes, maxpipes;
	int splice_ok;               /* not `nosplice` */
	int paused;                  /* some listener paused by a limit */
	struct event *resume_timer;  /* retries paused listeners */
	uint32_t maxconn;            /* global, daemon-wide (segment actconn) */
	struct wk_pool *pools;       /* idle server connections, by SRV record (srv_pool.c) */
	uint32_t npools;
	char *smp_scratch;           /* converters' scratch for one evaluation at a time */
	size_t smp_scratch_cap;
	char **bufs;                 /* free bufsize buffers (wk_buf_get/put) */
	int nbufs;
	uint32_t req_count;          /* HTTP requests begun: their %rt, as HAProxy's
	                              * process-wide counter (with %pid, unique) */
	struct event *kill_timer;    /* polls `shutdown sessions server` (worker.c) */
	uint64_t kill_gen;           /* the segment's kill_gen last seen */
	uint32_t *kill_seen;         /* each server's kill_seq last seen */
	unsigned char *kill_hit;     /* scratch: servers whose kill_seq moved */
};

/* HTTP sessions hold their input buffers only while a message is read or
 * answered: an idle keep-alive client costs no buffer, as in HAProxy.
 * Free buffers wait here, up to WK_BUFS_KEEP, so a busy worker does not
 * go back to malloc for each request. */
#define WK_BUFS_KEEP 256
char *wk_buf_get(struct worker *w);
void wk_buf_put(struct worker *w, char *buf);

/* One direction of a relay: from one connection to the other. */
struct half {
	char *buf;                   /* pending bytes the peer did not take yet */
	size_t len, off;
	int pipe[2];                 /* splicing: -1 when not */
	size_t in_pipe;
	int shut_r;                  /* end of stream read from the source */
	int shut_w;                  /* shutdown sent to the destination */
	int bulk;                    /* last read filled the buffer: splice next */
};

enum sess_state {
	SESS_INIT = 0,
	SESS_QUEUED,                 /* waiting for a server slot */
	SESS_TURNAROUND,             /* waiting before a retry */
	SESS_INSPECT,                /* tcp-request inspect-delay: reading the first bytes */
	SESS_CONNECTING,
	SESS_ESTABLISHED,
	SESS_CLOSED,
};

struct session {
	struct worker *w;
	struct session *prev, *next; /* in w->sessions */
	struct session *q_next;      /* in its backend's queue */
	struct wk_listener *wl;
	const struct proxy_conf *fe;
	uint32_t fe_rec;
	struct wk_be *be;
	int srv;                     /* SRV record, -1 none yet */
	const struct server_conf *srv_conf;
	int observe;                 /* srv_conf's `observe` (enum srv_observe), 0: none */
	int has_slot;                /* holds one of srv's connection slots */
	int be_counted;              /* counted in the backend's scur */
	enum sess_state state;
	struct conn cli, srvc;
	struct event *cli_rd, *cli_wr, *srv_rd, *srv_wr;
	struct event *tmo;
	struct half c2s, s2c;        /* client to server, server to client */
	struct sockaddr_storage cli_addr, frt_addr, srv_addr;
	uint32_t addr_seq;           /* the server's rt_seq srv_addr was taken at */
	socklen_t cli_len;
	int retries, redispatched;
	uint32_t avoid;              /* server that failed, for redispatch */
	/* times, ms on the monotonic clock */
	int64_t t_accept, t_queue_start, t_connect_start, t_established;
	int64_t cli_active, srv_active;    /* last I/O on each side (coarse clock) */
	int64_t deadline_state;      /* queue, connect or turn-around deadline */
	long tw, tc;                 /* %Tw %Tc, -1 unset */
	struct timeval accept_date;
	uint64_t bytes_in, bytes_out;
	char term[3];                /* termination state, "--" when normal */
	struct http_txn *txn;        /* mode http: the transaction (http-int.h), else NULL */
	int nolog;                   /* rejected by tcp-request connection: no log line */
	int in_cb;                   /* held by a callback: sess_close() defers the free */
};

/* A callback that may close the session and still looks at it afterwards
 * holds it: sess_close() then only marks it SESS_CLOSED, and the last
 * release frees it. */
static inline void sess_hold(struct session *s)
{
	s->in_cb++;
}
void sess_free(struct session *s);
static inline void sess_release(struct session *s)
{
	if (--s->in_cb == 0 && s->state == SESS_CLOSED)
		sess_free(s);
}
#define SESS_GONE(s) ((s)->state == SESS_CLOSED)

/* worker.c */
int64_t wk_now_ms(void);         /* monotonic, ms (precise) */
int64_t wk_coarse_ms(void);      /* monotonic, ms (coarse: for activity stamps) */
uint32_t wk_now_sec(void);
void wk_listeners_resume(struct worker *w);

/* session.c */
void sess_accept(struct wk_listener *wl, int fd, const struct sockaddr_storage *ss, socklen_t len);
void sess_close(struct session *s);
void sess_set_term(struct session *s, char cause, char phase);
void sess_arm_timer(struct session *s);
void sess_queue_kick(struct wk_be *be);
void sess_connect_failed(struct session *s, int timeout);

/* worker.c: a session ended (resume paused listeners, finish a soft stop) */
void wk_session_gone(struct worker *w);

void sess_confirm(struct session *s);
int sess_check_connect(struct session *s);
/* The address the client connected to (asked of the kernel once). */
const struct sockaddr_storage *sess_frontend_addr(struct session *s);
struct log_sess;
void sess_fill_log(struct session *s, struct log_sess *ls, int64_t now);
/* A session or transaction that reached a server: its times (ms; tr 0 in
 * TCP, -1 no response) into the time statistics (session.c). */
void sess_time_stats(struct session *s, long tw, long tc, long tr, long tt);
/* HTTP: the backend is chosen (count it), then get a server and connect. */
void sess_backend_chosen(struct session *s);
struct wk_be *sess_be_of(struct session *s, const struct proxy_conf *bpx);
void sess_get_server(struct session *s);
void sess_reconnect(struct session *s);
/* Mode tcp after the frontend's rules: the backend, a server, connect. */
void sess_tcp_route(struct session *s);
/* The sample context of the session's client connection (and, once
 * inspected, of the bytes it sent: see inspect.c). */
struct smp_ctx;
void sess_smp_ctx(struct session *s, struct smp_ctx *c);
/* Bytes read from the client before a backend is chosen. */
void sess_count_in(struct session *s, size_t n);

/* inspect.c: tcp-request content rules and inspect-delay */
int inspect_wanted(const struct proxy_conf *fe);
/* Mode tcp: inspects (or judges at once) and then routes, or closes. */
void inspect_start(struct session *s);
void inspect_expired(struct session *s);
/* Mode http, for each request: 1 when a rule rejected it (closed). */
int inspect_http(struct session *s, struct smp_ctx *c);
/* `retry-on` beyond conn-failure (HAProxy's layer-7 retries): the server
 * failed this request in a way `why` (a RETRY_ON_* bit; 0 with `status`
 * for a response status) names. When retry-on lists it, retries are
 * left and the request can be sent again as it was, the server
 * connection is dropped and the request goes out on a fresh one (another
 * server on the last try with `option redispatch`): 1. Else 0, and the
 * caller fails the request as it would have. */
int sess_l7_retry(struct session *s, unsigned why, int status);
int http_take_idle(struct session *s);
int http_reuse_min_served(enum http_reuse mode, int later, int replayable);
/* `observe`: one event (enum shm_obs_event) of traffic to s->srv. Costs
 * servers without `observe` one test. */
void sess_observe_event(struct session *s, unsigned ev);
static inline void sess_observe(struct session *s, unsigned ev)
{
	if (s->observe)
		sess_observe_event(s, ev);
}

/* relay.c */
/* Starts relaying on a connection in progress (speculative connect). */
void relay_attach(struct session *s);
/* Forgets the server side's events after a failed connect (the client's
 * bytes read so far stay, for the next attempt). */
void relay_detach_server(struct session *s);
/* HTTP upgraded (101, CONNECT): relay the rest as a tunnel; c2s/s2c are
 * bytes already read that each side still has to receive. */
void relay_attach_tunnel(struct session *s, const char *c2s, size_t n1, const char *s2c, size_t n2);
void relay_stop(struct session *s);
int64_t relay_deadline(const struct session *s);
/* Closes the session if a side timed out: 1 then (s is freed). */
int relay_expired(struct session *s, int64_t now);

/* pipes (relay.c) */
void wk_pipes_release_all(struct worker *w);

extern struct worker *wk_self;

#endif
