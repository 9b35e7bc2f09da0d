/*
 * Moving the bytes of HTTP transactions: reading the client's request head
 * and body, sending them to the server, reading the response head,
 * running the response rules, and streaming the body back. Bodies are
 * forwarded as they arrive (Content-Length counted down, chunked decoded
 * only to find where it ends, close-delimited until the server closes);
 * nothing is buffered whole. A side that does not take what it is sent
 * stops the reading of the other side until it drained.
 *
 * Upgrades (101) and CONNECT tunnels leave HTTP here: relay.c moves their
 * bytes under `timeout tunnel`.
 *
 * Touches in the segment this worker's byte counters and, for responses,
 * the denial and error counters.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "weir/cfg.h"
#include "weir/shm.h"
#include "http-int.h"

static void res_body(struct session *s);
static void maybe_end(struct session *s);
static void srv_read(struct session *s);

/* ------------------------------------------------------------ counters */

static void count_io(struct session *s, int c2s, size_t n)
{
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker;
	struct shm_fe_shard *fs = shm_fe_shard(shm, wk, s->fe_rec);
	struct shm_li_shard *ls = shm_li_shard(shm, wk, s->wl->l->li);
	struct shm_be_shard *bs = s->be ? shm_be_shard(shm, wk, s->be->be) : NULL;
	struct shm_srv_shard *ss = s->srv >= 0 ? shm_srv_shard(shm, wk, (uint32_t)s->srv) : NULL;
	if (c2s) {
		s->txn->bytes_in += n;
		shm_shard_add(&fs->bin, n), shm_shard_add(&ls->bin, n);
		if (bs)
			shm_shard_add(&bs->bin, n);
		if (ss)
			shm_shard_add(&ss->bin, n);
	} else {
		s->txn->bytes_out += n;
		shm_shard_add(&fs->bout, n), shm_shard_add(&ls->bout, n);
		if (bs)
			shm_shard_add(&bs->bout, n);
		if (ss)
			shm_shard_add(&ss->bout, n);
	}
}

/* ------------------------------------------------------------ output */

int http_obuf_pending(const struct obuf *o)
{
	return o->len > 0;
}

static void ob_append(struct obuf *o, const char *p, size_t n, size_t min_cap)
{
	if (o->off && o->len)
		memmove(o->p, o->p + o->off, o->len);
	o->off = 0;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : min_cap;
		while (cap < o->len + n)
			cap *= 2;
		o->p = xrealloc(o->p, cap);
		o->cap = cap;
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

/* `observe layer7`: a read error (reset) or a close from the server
 * before the response head. Not held against the server on a client's
 * later keep-alive request, as HAProxy: it closes such a client silently,
 * taking the failure for the keep-alive race rather than the server's
 * (weir answers it 502, as the first request). */
static void observe_no_head(struct session *s, int err)
{
	if (s->txn->nreq == 0)
		sess_observe(s, err ? SHM_OBS_HTTP_READ_ERROR : SHM_OBS_HTTP_BROKEN_PIPE);
}

/* HAProxy's verdict on a status: 501 and 505 answer what the client
 * asked for, no fault of the server's. */
static unsigned observe_status(int status)
{
	return (status >= 100 && status < 500) || status == 501 || status == 505 ?
	       SHM_OBS_HTTP_OK : SHM_OBS_HTTP_STS;
}

/* A send failed: on the server side while connecting it is a connect
 * failure (retried); else the side that failed is to blame. */
static void io_fail(struct session *s, int to_cli)
{
	struct http_txn *t = s->txn;
	if (to_cli) {
		sess_set_term(s, 'C', t->rs == RS_HEAD || t->rs == RS_NONE ? 'H' : 'D');
		sess_close(s);
		return;
	}
	if (s->state == SESS_CONNECTING) {
		sess_connect_failed(s, 0);
		return;
	}
	if (t->rs == RS_HEAD || t->rs == RS_NONE)
		observe_no_head(s, 1);
	if (t->rs == RS_HEAD && !t->got_res_byte)
		http_fail(s, 502, 'S', 'H');
	else
		http_fail(s, 502, 'S', 'D');
}

/* Sends a then b (b may be empty) toward one side, in one syscall when
 * the transport gathers (a head and the body bytes after it, without
 * joining them first); what the socket does not take waits in the
 * side's output buffer for its next writable edge. `more`: further bytes
 * follow at once (res_more), so these may wait for them in the socket. */
static int send_spans(struct session *s, int to_cli, const char *a, size_t na, const char *b,
		      size_t nb, int more)
{
	struct http_txn *t = s->txn;
	struct obuf *o = to_cli ? &t->cout : &t->sout;
	struct conn *c = to_cli ? &s->cli : &s->srvc;
	ssize_t m = 0;
	if (!na && !nb)
		return 0;
	if (to_cli)
		count_io(s, 0, na + nb);
	if (!o->len) {
		if (nb && c->xprt->snd2) {
			m = c->xprt->snd2(c, a, na, b, nb, more);
		} else {
			m = c->xprt->snd(c, a, na, more || nb);
			/* no gather: b goes next, so that only a socket that is
			 * full leaves bytes waiting (for the edge it will give) */
			if (nb && m == (ssize_t)na) {
				ssize_t mb = c->xprt->snd(c, b, nb, more);
				m = mb == XPRT_ERROR ? mb : mb > 0 ? m + mb : m;
			}
		}
		if (m == XPRT_ERROR) {
			io_fail(s, to_cli);
			return -1;
		}
		if (m == XPRT_AGAIN)
			m = 0;
		if (m > 0) {
			if (to_cli) {
				s->cli_active = wk_coarse_ms();
				t->cli_corked = more;
			} else {
				s->srv_active = wk_coarse_ms();
			}
			if (!to_cli && s->state == SESS_CONNECTING)
				sess_confirm(s);
		}
	}
	size_t sent = (size_t)m;
	if (sent < na)
		ob_append(o, a + sent, na - sent, s->w->bufsize);
	sent = sent > na ? sent - na : 0;
	if (sent < nb)
		ob_append(o, b + sent, nb - sent, s->w->bufsize);
	return 0;
}

int http_send(struct session *s, int to_cli, const char *p, size_t n)
{
	return send_spans(s, to_cli, p, n, NULL, 0, 0);
}

/*
 * The last read from the server filled the buffer, so more of this body
 * waits in its socket and is read and sent right after: the bytes sent
 * now may wait for it in the client's socket (MSG_MORE). A 16 KiB
 * response then leaves in full segments and wakes the client once, not
 * twice. HAProxy sets MSG_MORE whenever a message is unfinished, and
 * documents up to 200 ms of delay for it (`option http-no-delay`); here it
 * is only set when the next bytes are already there, and uncork() sends
 * what waits as soon as the server has nothing more.
 */
static int res_more(const struct session *s, int done)
{
	const struct http_txn *t = s->txn;
	return !done && t->sc && t->sc->rd_ready &&
	       !((s->fe->options | s->be->px->options) >> PX_OPT_HTTP_NO_DELAY & 1);
}

static void uncork(struct session *s)
{
	struct http_txn *t = s->txn;
	if (!t->cli_corked)
		return;
	t->cli_corked = 0;
	if (s->cli.xprt->push && s->cli.fd >= 0)
		s->cli.xprt->push(&s->cli);
}

/* A writable edge: flush what waits. 1 when drained, 0 not yet, -1 when
 * the session failed. */
static int flush(struct session *s, int to_cli)
{
	struct http_txn *t = s->txn;
	struct obuf *o = to_cli ? &t->cout : &t->sout;
	struct conn *c = to_cli ? &s->cli : &s->srvc;
	while (o->len) {
		ssize_t m = c->xprt->snd(c, o->p + o->off, o->len, 0);
		if (m == XPRT_ERROR) {
			io_fail(s, to_cli);
			return -1;
		}
		if (m == XPRT_AGAIN)
			return 0;
		o->off += (size_t)m;
		o->len -= (size_t)m;
		if (to_cli)
			s->cli_active = wk_coarse_ms();
		else
			s->srv_active = wk_coarse_ms();
		if (!to_cli && m > 0 && s->state == SESS_CONNECTING)
			sess_confirm(s);
	}
	o->off = 0;
	return 1;
}

/* ------------------------------------------------------------ framing */

/*
 * The logs count a chunked body as HAProxy 2.6 does, by the size of its
 * HTX message: the chunk data, the trailer fields (names and values), and
 * one byte that ends the trailers, never the chunk-size lines and CRLFs.
 * *log_adj gets that count minus the wire bytes taken.
 */
static void chunk_log_adj(const struct h1_chunk_state *ck, const struct h1_span *sp, int nsp,
			  size_t used, int done, int64_t *log_adj)
{
	size_t data = 0;
	for (int i = 0; i < nsp; i++)
		data += sp[i].len;
	*log_adj += (int64_t)data - (int64_t)used;
	if (done)
		*log_adj += (int64_t)ck->trailer_kept + 1;
}

/*
 * How many of the n bytes at p belong to the body being forwarded. *done
 * is set when the body ends within them. -1 on a chunked framing error.
 * *log_adj: what the logs count of them minus n (chunk_log_adj()).
 */
static ssize_t body_take(enum http_body kind, uint64_t *left, struct h1_chunk_state *ck,
			 const char *p, size_t n, int *done, int64_t *log_adj, struct http_err *err)
{
	*done = 0;
	switch (kind) {
	case HTTP_BODY_LENGTH: {
		size_t k = n < *left ? n : (size_t)*left;
		*left -= k;
		*done = *left == 0;
		return (ssize_t)k;
	}
	case HTTP_BODY_CHUNKED: {
		size_t total = 0;
		while (total < n) {
			struct h1_span spans[32];
			int nsp = 32;
			size_t used = 0;
			int r = h1_chunk_feed(ck, p + total, n - total, &used, spans, &nsp, err);
			if (r < 0)
				return -1;
			chunk_log_adj(ck, spans, nsp, used, r == 1, log_adj);
			total += used;
			if (r == 1) {
				*done = 1;
				break;
			}
			if (!used)
				break;
		}
		return (ssize_t)total;
	}
	case HTTP_BODY_CLOSE:
	case HTTP_BODY_TUNNEL:
		return (ssize_t)n;
	default:
		*done = 1;
		return 0;
	}
}

static void consume(char *buf, uint32_t *len, size_t n)
{
	memmove(buf, buf + n, *len - n);
	*len -= (uint32_t)n;
}

/* ------------------------------------------------------------ request side */

static void client_gone(struct session *s, int err)
{
	struct http_txn *t = s->txn;
	(void)err;
	if (t->rq == RQ_HEAD && !t->cin_len && t->nreq > 0) {
		t->log_level = HTTP_LOG_SILENT;   /* an idle keep-alive connection ended */
		sess_close(s);
		return;
	}
	sess_set_term(s, 'C', t->rq == RQ_HEAD ? 'R' : 'D');
	sess_close(s);
}

/* One read from the client into cin. The edge is spent once a read comes
 * back short (the socket is empty; more data brings a new edge) unless
 * the peer closed, whose end of stream is still to be read. */
static ssize_t cli_recv(struct session *s)
{
	struct http_txn *t = s->txn;
	if (!t->cin)
		t->cin = wk_buf_get(s->w);
	size_t room = t->cap - t->cin_len;
	ssize_t n = s->cli.xprt->rcv(&s->cli, t->cin + t->cin_len, room);
	if (n == XPRT_AGAIN) {
		t->cli_rd_ready = 0;
		return 0;
	}
	if (n <= 0) {
		client_gone(s, n < 0);
		return -1;
	}
	if ((size_t)n < room && !t->cli_closed)
		t->cli_rd_ready = 0;
	t->cin_len += (uint32_t)n;
	s->cli_active = wk_coarse_ms();
	return n;
}

static void read_head(struct session *s)
{
	struct http_txn *t = s->txn;
	if (t->cin_len && http_parse_request(s))
		return;   /* a pipelined request, handled */
	while (t->cli_rd_ready) {
		if (t->cin_len >= t->cap) {
			http_parse_request(s);   /* full and incomplete: too large */
			return;
		}
		ssize_t n = cli_recv(s);
		if (n < 0)
			return;
		if (n > 0 && http_parse_request(s))
			return;
	}
}

/* Forwards the body bytes waiting in cin while the server takes them. */
void http_req_body(struct session *s)
{
	struct http_txn *t = s->txn;
	for (;;) {
		while (t->rq == RQ_BODY && t->cin_len && !t->sout.len) {
			struct http_err err;
			int done;
			ssize_t k = body_take(t->req.body, &t->rq_left, &t->rq_ck, t->cin, t->cin_len,
					      &done, &t->log_in_adj, &err);
			if (k < 0) {
				shm_shard_add(&shm_fe_shard(s->w->p->shm, (uint32_t)s->w->p->worker,
							    s->fe_rec)->ereq, 1);
				t->keep_srv = 0;
				http_fail(s, 400, 'P', 'D');
				return;
			}
			t->replayable = 0;
			count_io(s, 1, (size_t)k);
			if (http_send(s, 0, t->cin, (size_t)k) < 0)
				return;
			consume(t->cin, &t->cin_len, (size_t)k);
			if (done) {
				t->rq = RQ_DONE;
				maybe_end(s);
				return;
			}
		}
		/* read more only while the server keeps up (back-pressure) */
		if (t->rq != RQ_BODY || t->sout.len || !t->cli_rd_ready ||
		    s->state != SESS_ESTABLISHED || t->cin_len >= t->cap)
			return;
		if (cli_recv(s) < 0)
			return;
	}
}

/* A stats admin form: read until all rq_left bytes are in cin (the page
 * took only forms that fit). */
static void read_form(struct session *s)
{
	struct http_txn *t = s->txn;
	while (t->rq == RQ_FORM && t->cin_len < t->rq_left && t->cli_rd_ready)
		if (cli_recv(s) < 0)
			return;
	http_admin_form_more(s);
}

void http_cli_read(struct session *s)
{
	switch (s->txn->rq) {
	case RQ_HEAD:
		read_head(s);
		break;
	case RQ_FORM:
		read_form(s);
		break;
	case RQ_BODY:
		http_req_body(s);
		break;
	default:
		break;   /* not wanted now: the edge is remembered (cli_rd_ready) */
	}
}

/* ------------------------------------------------------------ events */

/* The client drained what waited for it: the response goes on, or the
 * transaction ends. */
static void cli_drained(struct session *s)
{
	struct http_txn *t = s->txn;
	if (t->rs == RS_BODY) {
		if (t->sin_len)
			res_body(s);
		if (!SESS_GONE(s) && t->rs == RS_BODY && !t->cout.len && t->sc && t->sc->rd_ready)
			srv_read(s);
		return;
	}
	maybe_end(s);
}

static void cli_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	struct http_txn *t = s->txn;
	(void)fd;
	if (!t || t->tunnel)
		return;
	sess_hold(s);
	if (what & EV_CLOSED)
		t->cli_closed = 1;
	if (what & (EV_READ | EV_CLOSED))
		t->cli_rd_ready = 1;
	if ((what & EV_WRITE) && t->cout.len) {
		if (flush(s, 1) == 1)
			cli_drained(s);
	}
	if (!SESS_GONE(s) && t->cli_rd_ready)
		http_cli_read(s);
	sess_release(s);
}

/* The server connection drained what waited for it. */
static void srv_drained(struct session *s)
{
	if (s->txn->rq == RQ_BODY)
		http_req_body(s);
}

static void sc_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srv_conn *sc = arg;
	struct session *s = sc->owner;
	(void)fd;
	if (what & EV_CLOSED)
		sc->peer_closed = 1;
	if (what & (EV_READ | EV_CLOSED))
		sc->rd_ready = 1;
	if (!s || !s->txn || s->txn->sc != sc) {
		http_sc_idle_event(sc, what);
		return;
	}
	sess_hold(s);
	if (what & EV_WRITE) {
		if (s->state == SESS_CONNECTING && sess_check_connect(s) < 0)
			goto out;
		if (!SESS_GONE(s) && s->txn->sout.len && flush(s, 0) == 1)
			srv_drained(s);
	}
	if (!SESS_GONE(s) && sc->rd_ready)
		srv_read(s);
out:
	sess_release(s);
}

void http_cli_events(struct session *s)
{
	if (s->cli_rd)
		return;
	/* one edge-triggered event for the connection's life */
	s->cli_rd = event_new(s->w->p->base, s->cli.fd, EV_READ | EV_WRITE | EV_CLOSED | EV_ET |
			      EV_PERSIST, cli_io_cb, s);
	event_add(s->cli_rd, NULL);
	s->txn->cli_rd_ready = 1;   /* the request usually came with the handshake */
}

struct srv_conn *http_sc_new(struct session *s)
{
	struct srv_conn *sc = xcalloc(1, sizeof(*sc));
	sc->w = s->w;
	sc->c = s->srvc;
	sc->srv = (uint32_t)s->srv;
	sc->addr_seq = s->addr_seq;
	sc->owner = s;
	sc->ev = event_new(s->w->p->base, sc->c.fd, EV_READ | EV_WRITE | EV_CLOSED | EV_ET |
			   EV_PERSIST, sc_cb, sc);
	event_add(sc->ev, NULL);
	return sc;
}

void http_sc_free(struct srv_conn *sc, int close_fd)
{
	event_free(sc->ev);
	if (close_fd)
		sc->c.xprt->close(&sc->c, 0);
	free(sc);
}

/* Forgets the transaction's server connection (the caller closes the fd
 * or keeps it). */
void http_srv_detach(struct session *s)
{
	struct http_txn *t = s->txn;
	if (!t)
		return;
	if (t->sc) {
		http_sc_free(t->sc, 0);
		t->sc = NULL;
	}
	t->sout.len = t->sout.off = 0;
}

/* A held or pooled connection spoke or closed: it is dead. */
void http_sc_idle_event(struct srv_conn *sc, short what)
{
	struct session *s = sc->owner;
	if (!(what & (EV_READ | EV_CLOSED)))
		return;
	if (!s) {
		pool_drop(sc->w, sc);
		return;
	}
	struct http_txn *t = s->txn;
	for (int i = 0; i < t->nheld; i++)
		if (t->held[i] == sc) {
			t->held[i] = t->held[--t->nheld];
			break;
		}
	http_sc_free(sc, 1);
}

/* The connection in s->srvc (new and maybe still connecting, or reused)
 * carries this transaction: the head goes out, then the body. An idle
 * connection comes with its srv_conn (reused = its event stays). */
void http_srv_attach_sc(struct session *s, struct srv_conn *sc)
{
	struct http_txn *t = s->txn;
	if (!t->sin)
		t->sin = wk_buf_get(s->w);
	t->sin_len = t->sin_skip = 0;
	t->sout.len = t->sout.off = 0;
	t->got_res_byte = 0;
	if (t->sc && t->sc != sc)
		http_srv_detach(s);
	if (sc) {
		sc->owner = s;
		t->sc = sc;
	} else {
		t->sc = http_sc_new(s);
	}
	s->srv_active = wk_coarse_ms();
	t->rs = RS_HEAD;
	t->rq = t->req.body == HTTP_BODY_NONE ? RQ_DONE : RQ_BODY;
	t->t_sent = wk_now_ms();
	if (http_send(s, 0, t->head.s, t->head.len) < 0 || SESS_GONE(s))
		return;
	sess_arm_timer(s);
	if (t->rq == RQ_BODY && !t->sout.len && s->state == SESS_ESTABLISHED)
		http_req_body(s);
	/* a reused connection may already hold the answer's edge */
	if (!SESS_GONE(s) && t->sc && t->sc->rd_ready && t->rs == RS_HEAD)
		srv_read(s);
}

void http_srv_attach(struct session *s)
{
	http_srv_attach_sc(s, NULL);
}

/* ------------------------------------------------------------ response side */

/* The transaction is over when the response is queued to the client, the
 * request is done and the client took everything. */
static void maybe_end(struct session *s)
{
	struct http_txn *t = s->txn;
	if ((t->rs != RS_DONE && t->rs != RS_LOCAL) || t->cout.len)
		return;
	uncork(s);
	if (t->rq != RQ_DONE) {
		/* answered before the request ended: the rest of the request
		 * would be taken for the next one, so close */
		t->keep_cli = 0;
		t->keep_srv = 0;
	}
	http_txn_end(s);
}

/* A response head that broke a rule (or did not fit): 502. */
static void bad_response(struct session *s)
{
	s->txn->keep_srv = 0;
	http_fail(s, 502, 'P', 'H');
}

/* A response head that is not HTTP (or never ends): retried when
 * `retry-on junk-response` allows, else 502. Either way the server sent
 * it: `observe layer7` counts it first, as HAProxy. */
static void junk_response(struct session *s)
{
	sess_observe(s, SHM_OBS_HTTP_HDRRSP);
	if (!sess_l7_retry(s, RETRY_ON_JUNK_RESPONSE, 0))
		bad_response(s);
}

void http_res_reset(struct session *s)
{
	struct http_txn *t = s->txn;
	http_msg_reset(&t->res);
	t->sin_len = t->sin_skip = 0;
	t->got_res_byte = 0;
	t->res_status = 0;
	t->t_res = 0;
	t->rs = RS_NONE;
}

/* Runs one response list of one proxy. 1 when the response was replaced
 * (deny), 0 to go on. */
/* The log values of response rules: the transaction's, as HAProxy
 * evaluates %ci, %b, %s... there; %ST is the status just received. */
static void res_fill_log(void *arg, struct log_sess *ls)
{
	struct session *s = arg;
	http_fill_log(s, ls);
	ls->status = s->txn->res.status;
}

static int run_res_rules(struct session *s, const struct proxy_conf *px, enum rule_list list)
{
	struct http_txn *t = s->txn;
	const struct vec *own = list == RULE_HTTP_RES ? &px->http_res_rules : &px->http_after_res_rules;
	const struct vec *dfl = !px->defaults ? NULL :
		list == RULE_HTTP_RES ? &px->defaults->http_res_rules : &px->defaults->http_after_res_rules;
	if (!own->n && !(dfl && dfl->n))
		return 0;
	struct http_act_ctx c = { .smp = &t->smp, .log = http_txn_log(s, res_fill_log),
				  .msg = &t->res, .px = px, .caps = &t->caps,
				  .log_level = t->log_level };
	t->smp.scr.used = 0;
	enum http_verdict v = http_rules_run(&c, list);
	t->log_level = c.log_level;
	if (c.tmo_tunnel)
		t->tmo_tunnel = c.tmo_tunnel;
	if (v == HTTP_V_CONTINUE || v == HTTP_V_ALLOW)
		return 0;
	if (list == RULE_HTTP_AFTER)
		return 0;
	/* every final verdict of a response is a denial: 502 unless the rule
	 * says otherwise */
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker;
	shm_shard_add(&shm_fe_shard(shm, wk, s->fe_rec)->dresp, 1);
	if (s->be)
		shm_shard_add(&shm_be_shard(shm, wk, s->be->be)->dresp, 1);
	t->keep_srv = 0;
	sess_set_term(s, 'P', 'H');
	if (v == HTTP_V_REJECT) {
		sess_close(s);
		return 1;
	}
	struct sbuf sb = { 0 };
	int st = v == HTTP_V_ERROR ? http_reply_error(px, 500, &c, &sb) :
		 http_reply_rule(&c, c.final, 1, &sb);
	http_reply_local(s, &sb, st, 1);
	sbuf_free(&sb);
	return 1;
}

static int has_after_rules(const struct proxy_conf *px)
{
	return px->http_after_res_rules.n ||
	       (px->defaults && px->defaults->http_after_res_rules.n);
}

/* http-after-response on a reply weir built (deny, tarpit, error pages,
 * redirects, return): HAProxy runs it on those too. The reply's head is
 * parsed into the response message, edited by the rules (backend's, then
 * frontend's, as for a server's response) and written back before its
 * body; a head that does not parse is sent as written. Returns the
 * status, which set-status may have changed. */
int http_after_local(struct session *s, struct sbuf *reply, int status)
{
	struct http_txn *t = s->txn;
	const struct proxy_conf *fe = s->fe, *be = s->be ? s->be->px : NULL;
	if (!has_after_rules(fe) && !(be && has_after_rules(be)))
		return status;
	struct http_err err;
	http_msg_reset(&t->res);
	int n = h1_parse_response(&t->res, reply->s, reply->len, t->cap / 2, t->req.meth, &err);
	if (n <= 0)
		return status;
	t->smp.res = &t->res;
	t->smp.status = t->res.status;
	if (be)
		run_res_rules(s, be, RULE_HTTP_AFTER);
	if (fe != be)
		run_res_rules(s, fe, RULE_HTTP_AFTER);
	struct sbuf out = { 0 };
	h1_write_response(&t->res, &out);
	sbuf_add(&out, reply->s + n, reply->len - (size_t)n);
	sbuf_free(reply);
	*reply = out;
	return t->res.status;
}

/* 101 Switching Protocols, or a 2xx to CONNECT: relay.c takes over. */
static void start_tunnel(struct session *s)
{
	struct http_txn *t = s->txn;
	struct sbuf all = { 0 };
	t->tunnel = 1;
	t->res_status = t->res.status;
	sbuf_add(&all, t->cout.p ? t->cout.p + t->cout.off : "", t->cout.len);
	sbuf_add(&all, t->head.s, t->head.len);
	count_io(s, 0, t->head.len);
	sbuf_add(&all, t->sin, t->sin_len);
	if (t->sin_len)
		count_io(s, 0, t->sin_len);
	event_free(s->cli_rd);
	s->cli_rd = NULL;
	http_srv_detach(s);
	t->cout.len = t->cout.off = 0;
	s->state = SESS_ESTABLISHED;
	relay_attach_tunnel(s, t->cin, t->cin_len, all.s ? all.s : "", all.len);
	t->cin_len = t->sin_len = 0;
	sbuf_free(&all);
	sess_arm_timer(s);
}

/* The framing and connection decisions of a final response, then its head
 * and the first body bytes go to the client in one send. */
static void send_response(struct session *s)
{
	struct http_txn *t = s->txn;
	struct http_msg *m = &t->res;
	if (m->flags & HTTP_F_CONN_CLOSE || (m->vminor == 0 && !(m->flags & HTTP_F_CONN_KEEPALIVE)) ||
	    m->body == HTTP_BODY_CLOSE)
		t->keep_srv = 0;
	if (m->body == HTTP_BODY_CLOSE || s->w->p->stopping)
		t->keep_cli = 0;
	int upgrade = m->status == 101 || (t->req.meth == HTTP_METH_CONNECT && m->status / 100 == 2);
	if (!upgrade) {
		http_hdr_del(m, "Connection", 10);
		if (!t->keep_cli)
			http_hdr_add(m, "connection", 10, "close", 5);
		else if (t->req.vminor == 0)
			http_hdr_add(m, "connection", 10, "keep-alive", 10);
	}
	t->res_status = m->status;
	t->rs_left = m->body == HTTP_BODY_LENGTH ? m->content_length : 0;
	if (m->body == HTTP_BODY_CHUNKED)
		h1_chunk_init(&t->rs_ck, 16384);
	sbuf_reset(&t->head);
	h1_write_response(m, &t->head);
	http_log_head_out(s, t->head.s, t->head.len);
	size_t skip = t->sin_skip;
	t->sin_skip = 0;
	if (upgrade) {
		consume(t->sin, &t->sin_len, skip);
		start_tunnel(s);
		return;
	}
	int done = 0;
	struct http_err err;
	ssize_t k = body_take(m->body, &t->rs_left, &t->rs_ck, t->sin + skip, t->sin_len - skip,
			      &done, &t->log_out_adj, &err);
	if (k < 0) {
		sess_observe(s, SHM_OBS_HTTP_RSP);
		bad_response(s);
		return;
	}
	t->rs = done && m->body != HTTP_BODY_CLOSE ? RS_DONE : RS_BODY;
	if (t->rs == RS_DONE && t->sin_len > skip + (size_t)k)
		t->keep_srv = 0;   /* bytes after the response: not a clean connection */
	if (send_spans(s, 1, t->head.s, t->head.len, t->sin + skip, (size_t)k,
		       res_more(s, t->rs == RS_DONE)) < 0)
		return;
	consume(t->sin, &t->sin_len, skip + (size_t)k);
	sess_arm_timer(s);
	maybe_end(s);
}

static void process_response(struct session *s)
{
	struct http_txn *t = s->txn;
	const struct proxy_conf *be = s->be->px, *fe = s->fe;
	t->smp.res = &t->res;
	t->smp.status = t->res.status;
	sess_observe(s, observe_status(t->res.status));
	if (run_res_rules(s, be, RULE_HTTP_RES))
		return;
	if (fe != be && run_res_rules(s, fe, RULE_HTTP_RES))
		return;
	if (fe->captures.n)
		http_caps_take(fe, &t->res, 1, &t->caps);
	run_res_rules(s, be, RULE_HTTP_AFTER);
	if (fe != be)
		run_res_rules(s, fe, RULE_HTTP_AFTER);
	send_response(s);
}

static void res_head(struct session *s)
{
	struct http_txn *t = s->txn;
	struct http_err err;
	for (;;) {
		int n = h1_parse_response(&t->res, t->sin, t->sin_len, t->cap / 2, t->req.meth, &err);
		if (n == 0) {
			if (t->sin_len >= t->cap)
				junk_response(s);
			return;
		}
		if (n < 0) {
			junk_response(s);
			return;
		}
		if (t->res.status >= 200 && sess_l7_retry(s, 0, t->res.status))
			return;   /* a status retry-on names: this response is dropped */
		if (t->res.status >= 200 || t->res.status == 101) {
			/* the head's bytes leave sin with the first body bytes
			 * (send_response): one memmove less per response */
			t->sin_skip = (uint32_t)n;
			break;
		}
		consume(t->sin, &t->sin_len, (size_t)n);
		sess_observe(s, SHM_OBS_HTTP_OK);   /* HAProxy judges 1xx too */
		/* 1xx interim (100 Continue, 103): forwarded as it came */
		sbuf_reset(&t->head);
		h1_write_response(&t->res, &t->head);
		http_log_head_out(s, t->head.s, t->head.len);
		if (http_send(s, 1, t->head.s, t->head.len) < 0)
			return;
		http_msg_reset(&t->res);
		if (!t->sin_len)
			return;
	}
	t->t_res = wk_now_ms();
	process_response(s);
}

static void res_body(struct session *s)
{
	struct http_txn *t = s->txn;
	while (t->rs == RS_BODY && t->sin_len && !t->cout.len) {
		int done;
		struct http_err err;
		ssize_t k = body_take(t->res.body, &t->rs_left, &t->rs_ck, t->sin, t->sin_len, &done,
				      &t->log_out_adj, &err);
		if (k < 0) {
			sess_observe(s, SHM_OBS_HTTP_RSP);
			t->keep_srv = 0;
			sess_set_term(s, 'S', 'D');
			sess_close(s);
			return;
		}
		if (send_spans(s, 1, t->sin, (size_t)k, NULL, 0, res_more(s, done)) < 0)
			return;
		consume(t->sin, &t->sin_len, (size_t)k);
		if (done) {
			t->rs = RS_DONE;
			if (t->sin_len)
				t->keep_srv = 0;
			maybe_end(s);
			return;
		}
	}
}

/* The server closed (or reset) its connection. */
static void srv_gone(struct session *s, int err)
{
	struct http_txn *t = s->txn;
	t->keep_srv = 0;
	uncork(s);
	if (s->state == SESS_CONNECTING) {
		sess_connect_failed(s, 0);
		return;
	}
	if (t->rs == RS_BODY && t->res.body == HTTP_BODY_CLOSE && !err) {
		t->rs = RS_DONE;   /* a close-delimited body ends here */
		maybe_end(s);
		return;
	}
	if (t->rs == RS_HEAD && !t->got_res_byte && t->srv_reused && t->replayable) {
		/* the idle connection was closed by the server as we reused
		 * it: the request never reached it, send it on a fresh one */
		sess_reconnect(s);
		return;
	}
	if (t->rs == RS_HEAD) {
		/* closed with nothing, or in the middle of a head */
		if (!sess_l7_retry(s, t->got_res_byte ? RETRY_ON_JUNK_RESPONSE :
				   RETRY_ON_EMPTY_RESPONSE, 0)) {
			observe_no_head(s, err);
			http_fail(s, 502, 'S', 'H');
		}
		return;
	}
	sess_set_term(s, 'S', 'D');
	sess_close(s);
}

/* Reads the server while the response wants bytes and the client keeps
 * up. Like the client side, a short read spends the edge. */
static void srv_read(struct session *s)
{
	struct http_txn *t = s->txn;
	struct srv_conn *sc = t->sc;
	while (sc->rd_ready && (t->rs == RS_HEAD || t->rs == RS_BODY) && !t->cout.len &&
	       t->sin_len < t->cap) {
		size_t room = t->cap - t->sin_len;
		ssize_t n = s->srvc.xprt->rcv(&s->srvc, t->sin + t->sin_len, room);
		if (n == XPRT_AGAIN) {
			sc->rd_ready = 0;
			uncork(s);
			return;
		}
		if (n <= 0) {
			srv_gone(s, n < 0);
			return;
		}
		if ((size_t)n < room && !sc->peer_closed)
			sc->rd_ready = 0;
		if (s->state == SESS_CONNECTING)
			sess_confirm(s);
		t->got_res_byte = 1;
		t->sin_len += (uint32_t)n;
		s->srv_active = wk_coarse_ms();
		if (t->rs == RS_HEAD)
			res_head(s);
		else
			res_body(s);
		if (SESS_GONE(s) || t->sc != sc)
			return;
	}
	if (t->rs == RS_HEAD && t->sin_len >= t->cap) {
		sess_observe(s, SHM_OBS_HTTP_HDRRSP);   /* a head that never ends */
		bad_response(s);
	}
}
