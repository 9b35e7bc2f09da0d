/*
 * The HTTP engine of a worker: one struct http_txn per client connection
 * in `mode http`, reused by every request of that connection. Shared by
 * src/worker/http_*.c and srv_pool.c only.
 *
 * The session (worker-int.h) keeps what HTTP and TCP share: the two
 * connections, their events, the backend, the server slot, the connect
 * and retry logic and the counters. The transaction adds the framing:
 * the client's input buffer (heads are parsed there and pipelined
 * requests wait there), the server's input buffer, what each side has not
 * taken yet, the two parsed heads and the state of each direction.
 *
 * Data path: a read lands in cin/sin; the head parser copies a complete
 * head into its struct http_msg; body bytes are forwarded from the input
 * buffer as they are (a chunked body is decoded only to find its end, its
 * bytes go out unchanged). What the peer does not take waits in an output
 * buffer and the source is not read again until it drained.
 */
#ifndef WEIR_WORKER_HTTP_INT_H
#define WEIR_WORKER_HTTP_INT_H

#include <stdint.h>

#include "weir/http-act.h"
#include "weir/http.h"
#include "weir/log-t.h"
#include "weir/sample-rt.h"
#include "weir/util.h"
#include "worker-int.h"

/* The request direction. */
enum rq_state {
	RQ_HEAD = 0,      /* reading the head (keep-alive: waiting for it) */
	RQ_WAIT,          /* head processed, waiting for a server connection (or
			   * for the stats process's verdict on an admin form) */
	RQ_FORM,          /* reading a stats admin form into cin (rq_left bytes) */
	RQ_BODY,          /* forwarding the body */
	RQ_DONE,          /* all forwarded (or answered by weir) */
};

/* The response direction. */
enum rs_state {
	RS_NONE = 0,      /* nothing sent to a server yet */
	RS_HEAD,          /* waiting for the response head */
	RS_BODY,          /* forwarding the body */
	RS_DONE,          /* all of it is queued to the client */
	RS_LOCAL,         /* weir answers itself (reply in cout) */
};

/*
 * A server connection of the HTTP engine, with its one event: read, write
 * and peer-closed, edge-triggered, registered once for the connection's
 * whole life. Whether it is the connection of a transaction, held by a
 * client session for its next requests, or idle in the worker's pool,
 * only `owner` and the lists change: no epoll_ctl per request.
 */
struct srv_conn {
	struct worker *w;
	struct conn c;
	uint32_t srv;                /* SRV record */
	struct event *ev;
	struct session *owner;       /* NULL: in the pool */
	int rd_ready;                /* may have bytes (or the end) to read */
	int peer_closed;             /* EPOLLRDHUP seen */
	int64_t since;               /* idle since (coarse ms) */
	uint32_t nserved;            /* responses it carried to their end */
	uint32_t addr_seq;           /* the server's rt_seq when it connected: an
	                              * idle one to an older address is dropped */
};

#define HTTP_HELD_MAX 4              /* idle server connections a client session keeps */

/* Bytes waiting for a peer to take them. */
struct obuf {
	char *p;
	size_t off, len, cap;
};

struct http_txn {
	struct session *s;
	enum rq_state rq;
	enum rs_state rs;
	/* inputs: bytes read, not yet consumed */
	char *cin, *sin;
	uint32_t cin_len, sin_len, cap;
	uint32_t sin_skip;           /* the final response's head, parsed, still in sin */
	/* outputs */
	struct obuf cout, sout;
	/* heads */
	struct http_msg req, res;
	struct sbuf head;            /* a serialized head (reused) */
	/* bodies */
	uint64_t rq_left, rs_left;   /* Content-Length bytes still to forward */
	struct h1_chunk_state rq_ck, rs_ck;
	/* the request as sent, kept for a replay on a fresh connection while
	 * no response byte came back (head only: bodies are not replayed) */
	int replayable;
	int srv_reused;              /* the server connection came from the pool */
	int got_res_byte;            /* a response byte arrived */
	/* decisions */
	int keep_cli;                /* keep the client connection after this one */
	int keep_srv;                /* the server connection may be reused */
	int close_after;             /* close the client once cout drained */
	int cli_corked;              /* sent to the client with MSG_MORE, not pushed yet */
	int tunnel;                  /* 101 / CONNECT: relay.c moves the bytes */
	int nreq;                    /* requests served on this connection */
	int local_status;            /* status of a reply weir made, 0 none */
	int res_status;              /* status sent to the client */
	int log_level;
	int tmo_server, tmo_tunnel, tmo_client;   /* set-timeout, ms; 0: config */
	int tarpit;                  /* holding the client (deadline_state) */
	struct sbuf tarpit_reply;
	/* samples, variables, captures, unique id */
	struct smp_ctx smp;
	struct smp_vars vars;
	struct http_caps caps;
	char *smp_scratch;
	char reqline[LOG_REQLINE_MAX + 2];   /* the request line as received, for the log */
	const char *l_meth, *l_uri, *l_ver;
	char uid[128];
	int uid_len;
	/* times (monotonic ms) and counters of this transaction */
	int64_t t_start;             /* accept, or end of the previous transaction */
	int64_t t_first;             /* first byte of the request, 0 none yet */
	int64_t t_head;              /* head complete */
	int64_t t_sent;              /* head sent to the server */
	int64_t t_res;               /* response head received */
	struct timeval start_date;   /* wall clock of t_start */
	struct timeval req_date;     /* wall clock of t_first */
	uint64_t bytes_in, bytes_out;
	int64_t log_in_adj, log_out_adj;  /* to HAProxy's count of heads (logfmt_head_size)
					   * and chunked bodies (chunk_log_adj in http_fwd.c) */
	uint32_t req_counter;
	struct log_sess log_ls;      /* the log values of the rules' log-formats, */
	struct http_act_log log;     /* filled on first use (http_txn_log) */
	int no_pool;                 /* connect fresh (a replay after a stale reuse) */
	/* server connections */
	struct srv_conn *sc;         /* the transaction's, NULL none */
	struct srv_conn *held[HTTP_HELD_MAX];   /* idle, kept for this client's next
						 * requests (http-reuse never: only here) */
	int nheld;
	/* a stats admin form handed to the stats process, awaiting its verdict
	 * (http_admin.c), NULL none */
	struct http_admin *admin;
	/* the client connection's one edge-triggered event (s->cli_rd) */
	int cli_rd_ready, cli_closed;
};

/* http_sess.c */
void http_sess_start(struct session *s);
void http_txn_free(struct session *s);
/* The transaction could not reach a server (no server, queue timeout,
 * connect failures): answer `status` with the backend's error page. */
void http_fail(struct session *s, int status, char cause, char phase);
int64_t http_deadline(const struct session *s);
int http_expired(struct session *s, int64_t now);
void http_log(struct session *s);
/* The session closes: log the transaction in flight, drop private state. */
void http_closing(struct session *s);
/* After a read while the head is incomplete: 1 when it was handled. */
int http_parse_request(struct session *s);
/* Soft stop: close the idle keep-alive connections, and tell the busy
 * ones to close after their response. */
void http_soft_stop(struct worker *w);
/* A transaction ended (response fully queued, request done): log, then
 * keep the client for the next request or close. */
void http_txn_end(struct session *s);
/* Accounts a head sent to the client as HAProxy's logs count it. */
void http_log_head_out(struct session *s, const char *head, size_t len);
void http_reply_local(struct session *s, struct sbuf *reply, int status, int close);
int http_after_local(struct session *s, struct sbuf *reply, int status);

/* The log values for one run of rules or one reply, armed to be filled by
 * fill(s, ls) on first use, as late as HAProxy evaluates them. */
struct http_act_log *http_txn_log(struct session *s, void (*fill)(void *s, struct log_sess *ls));
/* The values of the transaction's log line (%ci, %b, %Tt...) now; also
 * the fill of http_txn_log() (s: the session). */
void http_fill_log(void *s, struct log_sess *ls);
/* http_admin.c: a stats admin POST the page accepted (STATS_HTTP_FORM):
 * reads its form, has the stats process apply it, answers the 303. */
void http_admin_start(struct session *s);
/* After a read in RQ_FORM: hands the form over once all of it is in. */
void http_admin_form_more(struct session *s);
void http_admin_free(struct http_txn *t);

/* http_fwd.c */
/* Forgets the response of a failed attempt (before a retry). */
void http_res_reset(struct session *s);
/* A server connection is ready (new, connecting, or from the pool):
 * send the request head and start reading the response. */
void http_srv_attach(struct session *s);
void http_srv_attach_sc(struct session *s, struct srv_conn *sc);
void http_srv_detach(struct session *s);
void http_cli_events(struct session *s);
void http_cli_read(struct session *s);
/* Queues bytes to one side: sends what it takes now, keeps the rest.
 * -1 when the peer failed (the session is closed). */
int http_send(struct session *s, int to_cli, const char *p, size_t n);
void http_req_body(struct session *s);
int http_obuf_pending(const struct obuf *o);

/* The server connection of s->srvc gets its event (a new connection). */
struct srv_conn *http_sc_new(struct session *s);
/* Frees the wrapper and its event; closes the fd when `close_fd`. */
void http_sc_free(struct srv_conn *sc, int close_fd);
/* An event on a connection that is not a transaction's (held or pooled):
 * anything readable means it is dead. */
void http_sc_idle_event(struct srv_conn *sc, short what);

/* srv_pool.c: idle server connections, per worker and server */
void pool_init(struct worker *w);
/* Takes an idle connection to server `srv` (SRV record), or NULL. */
/* The most recently pooled connection to srv that carried at least
 * min_served responses, or NULL. */
struct srv_conn *pool_take(struct worker *w, uint32_t srv, uint32_t min_served);
/* Gives a connection back; closes it when the pool is full. */
void pool_put(struct worker *w, struct srv_conn *sc);
/* A pooled connection died: forget and free it. */
void pool_drop(struct worker *w, struct srv_conn *sc);
void pool_close_all(struct worker *w);

#endif
