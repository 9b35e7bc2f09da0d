/*
 * An HTTP client connection in a worker: its transactions one after the
 * other. Reading and checking the request head, running the frontend's
 * rules, choosing the backend (use_backend, default_backend, redirect),
 * the backend's rules, the headers weir adds (X-Forwarded-For, unique id,
 * Connection), the answers weir gives itself (deny, return, redirect,
 * stats, error pages), then at the end of each transaction the log line,
 * the counters and the keep-alive decision. The bytes themselves move in
 * http_fwd.c; connecting, queueing and retries are the session's
 * (session.c).
 *
 * Touches in the segment: this worker's shards (requests, statuses,
 * denials, errors) and, through session.c, the gauges and server slots.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "weir/cfg.h"
#include "weir/lb.h"
#include "weir/log.h"
#include "weir/rule.h"
#include "weir/shm.h"
#include "weir/stats.h"
#include "http-int.h"

#define SMP_SCRATCH 8192       /* converters' room for one evaluation */

static void process_request(struct session *s);
static void start_next(struct session *s);

/* ------------------------------------------------------------ sizes */

static uint32_t max_head(const struct worker *w)
{
	const struct cfg_global *g = &w->p->cfg->global;
	uint32_t rw = g->tune_maxrewrite > 0 ? (uint32_t)g->tune_maxrewrite : 1024;
	if (rw > w->bufsize / 2)
		rw = (uint32_t)w->bufsize / 2;
	return (uint32_t)w->bufsize - rw;
}

static int max_hdrs(const struct worker *w)
{
	int n = w->p->cfg->global.tune_http_maxhdr;
	return n > 0 ? n : HTTP_MAX_HDRS_DEFAULT;
}

static int tmo(int v)
{
	return v > 0 ? v : 0;
}

static int opt(const struct proxy_conf *px, enum px_opt o)
{
	return px && (px->options >> o & 1);
}

/* ------------------------------------------------------------ counters */

static void count_request(struct session *s)
{
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker;
	struct shm_fe_shard *fs = shm_fe_shard(shm, wk, s->fe_rec);
	shm_shard_add(&fs->req_tot, 1);
	shm_freq_add(&fs->req_rate, wk_now_sec(), 1);
}

static uint64_t *status_ctr(struct shm_fe_shard *fs, struct shm_be_shard *bs,
			    struct shm_srv_shard *ss, int status, int which)
{
	int c = status / 100;
	/* the three shard types share the counter table, field by field */
	switch (which) {
	case 0:
		return c == 1 ? &fs->hrsp_1xx : c == 2 ? &fs->hrsp_2xx : c == 3 ? &fs->hrsp_3xx :
		       c == 4 ? &fs->hrsp_4xx : c == 5 ? &fs->hrsp_5xx : &fs->hrsp_other;
	case 1:
		return c == 1 ? &bs->hrsp_1xx : c == 2 ? &bs->hrsp_2xx : c == 3 ? &bs->hrsp_3xx :
		       c == 4 ? &bs->hrsp_4xx : c == 5 ? &bs->hrsp_5xx : &bs->hrsp_other;
	default:
		return c == 1 ? &ss->hrsp_1xx : c == 2 ? &ss->hrsp_2xx : c == 3 ? &ss->hrsp_3xx :
		       c == 4 ? &ss->hrsp_4xx : c == 5 ? &ss->hrsp_5xx : &ss->hrsp_other;
	}
}

static void count_status(struct session *s, int status)
{
	if (status <= 0)
		return;
	void *shm = s->w->p->shm;
	uint32_t wk = (uint32_t)s->w->p->worker;
	struct shm_fe_shard *fs = shm_fe_shard(shm, wk, s->fe_rec);
	shm_shard_add(status_ctr(fs, NULL, NULL, status, 0), 1);
	if (s->be) {
		struct shm_be_shard *bs = shm_be_shard(shm, wk, s->be->be);
		shm_shard_add(status_ctr(NULL, bs, NULL, status, 1), 1);
		shm_shard_add(&bs->req_tot, 1);
	}
	if (s->srv >= 0 && !s->txn->local_status)
		shm_shard_add(status_ctr(NULL, NULL, shm_srv_shard(shm, wk, (uint32_t)s->srv),
					 status, 2), 1);
}

static void count_fe(struct session *s, size_t field_off)
{
	void *shm = s->w->p->shm;
	struct shm_fe_shard *fs = shm_fe_shard(shm, (uint32_t)s->w->p->worker, s->fe_rec);
	shm_shard_add((uint64_t *)((char *)fs + field_off), 1);
}

/* ------------------------------------------------------------ transaction */

static void smp_setup(struct session *s)
{
	struct http_txn *t = s->txn;
	struct weir_proc *p = s->w->p;
	memset(&t->smp, 0, sizeof(t->smp));
	t->smp.cli = &s->cli_addr;
	t->smp.fe_addr = sess_frontend_addr(s);
	t->smp.cfg = p->cfg;
	t->smp.fe = s->fe;
	t->smp.fe_rec = (int)s->fe_rec;
	t->smp.be_rec = -1;
	t->smp.be_of_px = p->layout->be_of_px;
	t->smp.fe_of_px = p->layout->fe_of_px;
	t->smp.shm = p->shm;
	t->smp.req = &t->req;
	t->smp.caps = &t->caps;
	t->smp.vars = &t->vars;
	t->smp.scr.buf = t->smp_scratch;
	t->smp.scr.cap = SMP_SCRATCH;
}

static void txn_reset(struct session *s)
{
	struct http_txn *t = s->txn;
	http_msg_reset(&t->req);
	http_msg_reset(&t->res);
	smp_vars_reset(&t->vars, VAR_SCOPE_TXN);
	smp_vars_reset(&t->vars, VAR_SCOPE_REQ);
	smp_vars_reset(&t->vars, VAR_SCOPE_RES);
	memset(&t->caps, 0, offsetof(struct http_caps, data));
	t->rq = RQ_HEAD;
	t->rs = RS_NONE;
	t->rq_left = t->rs_left = 0;
	t->replayable = t->srv_reused = t->got_res_byte = 0;
	t->keep_cli = t->keep_srv = t->close_after = 0;
	t->local_status = t->res_status = 0;
	t->log_level = -1;
	t->tmo_server = t->tmo_tunnel = t->tmo_client = 0;
	t->tarpit = 0;
	t->no_pool = 0;
	t->uid_len = 0;
	t->l_meth = t->l_uri = t->l_ver = NULL;
	t->t_start = wk_now_ms();
	t->t_first = t->t_head = t->t_sent = t->t_res = 0;
	gettimeofday(&t->start_date, NULL);
	t->bytes_in = t->bytes_out = 0;
	t->log_in_adj = t->log_out_adj = 0;
	s->be = NULL;
	s->srv = -1;
	s->srv_conf = NULL;
	s->observe = 0;
	s->retries = s->redispatched = 0;
	s->avoid = UINT32_MAX;
	s->tw = s->tc = -1;
	memcpy(s->term, "--", 3);
	s->state = SESS_INIT;
	smp_setup(s);
}

void http_sess_start(struct session *s)
{
	struct worker *w = s->w;
	struct http_txn *t = xcalloc(1, sizeof(*t));
	s->txn = t;
	t->s = s;
	t->cap = (uint32_t)w->bufsize;
	t->smp_scratch = xmalloc(SMP_SCRATCH);
	http_msg_init(&t->req, 0, max_hdrs(w), t->cap);
	http_msg_init(&t->res, 1, max_hdrs(w), t->cap);
	txn_reset(s);
	t->t_start = s->t_accept;
	t->start_date = s->accept_date;
	http_cli_events(s);
	sess_arm_timer(s);
	/* a client usually sends its request with the handshake's last ACK:
	 * read it now instead of after a trip through epoll */
	http_cli_read(s);
}

void http_txn_free(struct session *s)
{
	struct http_txn *t = s->txn;
	if (!t)
		return;
	http_msg_free(&t->req);
	http_msg_free(&t->res);
	wk_buf_put(s->w, t->cin);
	wk_buf_put(s->w, t->sin);
	free(t->cout.p);
	free(t->sout.p);
	free(t->smp_scratch);
	sbuf_free(&t->head);
	sbuf_free(&t->tarpit_reply);
	http_admin_free(t);
	free(t);
	s->txn = NULL;
}

/* ------------------------------------------------------------ logging */

/* Slots the frontend declares per direction: they print even empty. */
static int ncaps(const struct proxy_conf *fe, int is_res)
{
	int n = 0;
	const struct capture_conf *c;
	VEC_EACH(&fe->captures, const struct capture_conf *, c)
		if (c->is_response == is_res)
			n++;
	return n;
}

void http_fill_log(void *arg, struct log_sess *ls)
{
	struct session *s = arg;
	struct http_txn *t = s->txn;
	int64_t now = wk_now_ms();
	sess_fill_log(s, ls, now);
	ls->smp = &t->smp;
	ls->accept_date = t->start_date;
	ls->request_date = t->t_first ? t->req_date : t->start_date;
	ls->t_handshake = 0;
	ls->t_idle = t->t_first ? t->t_first - t->t_start : -1;
	ls->t_request = t->t_head && t->t_first ? t->t_head - t->t_first : -1;
	ls->t_response = t->t_res && t->t_sent ? t->t_res - t->t_sent : -1;
	ls->t_total = now - t->t_start;
	ls->t_active = t->t_first ? now - t->t_first : ls->t_total;
	ls->bytes_in = (uint64_t)((int64_t)(t->bytes_in + s->bytes_in) + t->log_in_adj);
	ls->bytes_out = (uint64_t)((int64_t)(t->bytes_out + s->bytes_out) + t->log_out_adj);
	ls->status = t->res_status ? t->res_status : -1;
	/* a client that closed before its request head was whole got no
	 * reply, yet HAProxy logs that as a 400 (with CR--): so does weir,
	 * in the log only (no 4xx is counted, none was sent) */
	if (!t->res_status && s->term[0] == 'C' && s->term[1] == 'R')
		ls->status = 400;
	/* HAProxy 2.6 answers `timeout http-request` (408, cR--) before any
	 * stream exists and logs that its stream sent nothing: %B is 0 */
	if (s->term[0] == 'c' && s->term[1] == 'R')
		ls->bytes_out = 0;
	ls->req_counter = t->req_counter;
	ls->unique_id = t->uid_len ? t->uid : NULL;
	/* the request line as received, before rules rewrote it */
	ls->method = t->l_meth;
	ls->uri = t->l_uri;
	ls->version = t->l_ver;
	ls->caps = &t->caps;
	ls->req_ncap = ncaps(s->fe, 0);
	ls->res_ncap = ncaps(s->fe, 1);
	ls->logasap = opt(s->fe, PX_OPT_LOGASAP);
}

struct http_act_log *http_txn_log(struct session *s, void (*fill)(void *s, struct log_sess *ls))
{
	struct http_act_log *lg = &s->txn->log;
	lg->ls = &s->txn->log_ls;
	lg->ready = 0;
	lg->fill = fill;
	lg->arg = s;
	return lg;
}

void http_log(struct session *s)
{
	struct http_txn *t = s->txn;
	const struct proxy_conf *fe = s->fe;
	if (!fe->log_format_c || !fe->logs.n || t->log_level == HTTP_LOG_SILENT)
		return;
	int err = s->term[0] != '-' || s->term[1] != '-';
	if (opt(fe, PX_OPT_DONTLOGNULL) && !t->t_first && t->bytes_out == 0)
		return;
	if (opt(fe, PX_OPT_DONTLOG_NORMAL) && !err && t->res_status < 500)
		return;
	struct log_sess ls;
	char line[4096];
	http_fill_log(s, &ls);
	t->smp.scr.used = 0;
	int n = logfmt_build(fe->log_format_c, &ls, line, sizeof(line));
	if (n < 0)
		return;
	int lvl = LOG_LVL_INFO;
	if (t->log_level >= 0)
		lvl = t->log_level;
	else if ((err || t->res_status >= 500) && opt(fe, PX_OPT_LOG_SEPARATE_ERRORS))
		lvl = LOG_LVL_ERR;
	log_emit(&fe->logs, lvl, line, (size_t)n);
}

/* ------------------------------------------------------------ local replies */

/* A head sent to the client: what the log counts for it differs from its
 * wire bytes as HAProxy's does (logfmt_head_size). Only when logging. */
void http_log_head_out(struct session *s, const char *head, size_t len)
{
	if (s->fe->logs.n)
		s->txn->log_out_adj += logfmt_head_size(head, len) - (int64_t)len;
}

/* Sends a response weir built, as it is, and ends the transaction once it
 * is out. The request's body, if any, is not read: the connection closes
 * after the reply then. */
static void reply_send(struct session *s, struct sbuf *reply, int status, int close)
{
	struct http_txn *t = s->txn;
	t->local_status = status;
	t->res_status = status;
	if (close || t->rq == RQ_HEAD || (t->rq != RQ_DONE && t->req.body != HTTP_BODY_NONE))
		t->keep_cli = 0;
	if (!t->keep_cli)
		t->close_after = 1;
	t->rq = RQ_DONE;
	t->rs = RS_LOCAL;
	if (t->sc) {
		/* a response weir replaced: that connection is done with */
		http_sc_free(t->sc, 1);
		t->sc = NULL;
		s->srvc.fd = -1;
	}
	t->sout.len = t->sout.off = 0;
	const char *eoh = s->fe->logs.n ? memmem(reply->s, reply->len, "\r\n\r\n", 4) : NULL;
	if (eoh)
		http_log_head_out(s, reply->s, (size_t)(eoh + 4 - reply->s));
	if (http_send(s, 1, reply->s, reply->len) < 0)
		return;
	if (!http_obuf_pending(&t->cout))
		http_txn_end(s);
}

/* A response weir built (error page, deny, tarpit, return, redirect,
 * stats), after the http-after-response rules. */
void http_reply_local(struct session *s, struct sbuf *reply, int status, int close)
{
	status = http_after_local(s, reply, status);
	reply_send(s, reply, status, close);
}

/* An error page of the backend (once chosen) else the frontend. */
static void reply_error(struct session *s, int status, int close)
{
	struct http_txn *t = s->txn;
	const struct proxy_conf *px = s->be ? s->be->px : s->fe;
	struct http_act_ctx c = { .smp = &t->smp, .log = http_txn_log(s, http_fill_log),
				  .msg = &t->req, .px = px, .caps = &t->caps };
	struct sbuf sb = { 0 };
	http_reply_error(px, status, &c, &sb);
	http_reply_local(s, &sb, status, close);
	sbuf_free(&sb);
}

/* The pages of the HTTP/1 layer itself (a request that does not parse,
 * timeout http-request): HAProxy sends them raw, as written. */
static void reply_error_h1(struct session *s, int status)
{
	struct sbuf sb = { 0 };
	http_reply_error_h1(s->fe, status, &sb);
	reply_send(s, &sb, status, 1);   /* no http-after-response either */
	sbuf_free(&sb);
}

void http_fail(struct session *s, int status, char cause, char phase)
{
	struct http_txn *t = s->txn;
	sess_set_term(s, cause, phase);
	if (t->rs == RS_BODY || t->rs == RS_DONE || t->rs == RS_LOCAL || t->bytes_out) {
		/* the client already has part of a response: all we can do is close */
		sess_close(s);
		return;
	}
	if (status == 502 || status == 504) {
		void *shm = s->w->p->shm;
		uint32_t wk = (uint32_t)s->w->p->worker;
		if (s->be)
			shm_shard_add(&shm_be_shard(shm, wk, s->be->be)->eresp, 1);
		if (s->srv >= 0)
			shm_shard_add(&shm_srv_shard(shm, wk, (uint32_t)s->srv)->eresp, 1);
	}
	reply_error(s, status, 1);
}

/* ------------------------------------------------------------ end of transaction */

/* Keeps an idle server connection for this client's next requests; the
 * oldest one held goes to the pool when there are too many. */
static void hold_conn(struct session *s, struct srv_conn *sc)
{
	struct http_txn *t = s->txn;
	if (t->nheld == HTTP_HELD_MAX) {
		struct srv_conn *old = t->held[0];
		memmove(t->held, t->held + 1, (HTTP_HELD_MAX - 1) * sizeof(*t->held));
		t->nheld--;
		if (s->be && s->be->px->http_reuse == HTTP_REUSE_NEVER)
			http_sc_free(old, 1);
		else
			pool_put(s->w, old);
	}
	t->held[t->nheld++] = sc;
}

/* The last read of the response filled the buffer exactly, so the edge
 * is not spent: is there more? One peek answers, in that rare case only
 * (without it the connection would be closed for nothing). */
static int srv_quiet(struct session *s, struct srv_conn *sc)
{
	if (!sc->rd_ready)
		return 1;
	if (s->srvc.xprt != &xprt_raw)
		return 0;   /* TLS may hold records the socket does not show */
	char c;
	ssize_t n = recv(s->srvc.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		sc->rd_ready = 0;
		return 1;
	}
	return 0;
}

/* The transaction's server connection after its response: held for the
 * client's next request, given to the pool, or closed. */
static void release_server(struct session *s)
{
	struct http_txn *t = s->txn;
	void *shm = s->w->p->shm;
	if (t->sc) {
		struct srv_conn *sc = t->sc;
		int reuse = t->keep_srv && t->rs == RS_DONE && t->rq == RQ_DONE && !t->sin_len &&
			    !t->sout.len && s->state == SESS_ESTABLISHED && !sc->peer_closed &&
			    srv_quiet(s, sc);
		t->sc = NULL;
		s->srvc.fd = -1;
		sc->nserved++;
		if (!reuse)
			http_sc_free(sc, 1);
		else if (t->keep_cli && !s->w->p->stopping)
			hold_conn(s, sc);
		else if (s->be->px->http_reuse == HTTP_REUSE_NEVER)
			http_sc_free(sc, 1);
		else
			pool_put(s->w, sc);
	}
	t->sin_len = t->sin_skip = 0;
	if (s->has_slot) {
		lb_release_slot(shm, (uint32_t)s->srv);
		s->has_slot = 0;
	}
	if (s->be_counted) {
		shm_gauge_add(&shm_backend(shm, s->be->be)->c.scur, -1);
		s->be_counted = 0;
	}
}

/* The transaction's times, for the server's and backend's means (a
 * response is needed: without one, Tr is -1 and nothing counts). */
static void txn_time_stats(struct session *s)
{
	struct http_txn *t = s->txn;
	long tr = t->t_res && t->t_sent ? (long)(t->t_res - t->t_sent) : -1;
	sess_time_stats(s, s->tw, s->tc, tr, (long)(wk_now_ms() - t->t_start));
}

void http_txn_end(struct session *s)
{
	struct http_txn *t = s->txn;
	struct wk_be *be = s->be;
	int had_slot = s->has_slot;
	count_status(s, t->res_status);
	txn_time_stats(s);
	http_log(s);
	t->nreq++;
	release_server(s);
	if (had_slot && be && be->q_head)
		sess_queue_kick(be);
	if (!t->keep_cli || s->w->p->stopping) {
		/* logged already: close without a second line */
		t->log_level = HTTP_LOG_SILENT;
		sess_close(s);
		return;
	}
	start_next(s);
}

/* The next request of a keep-alive connection: it may be waiting in cin
 * already (pipelining), else wait for it under timeout http-keep-alive. */
static void start_next(struct session *s)
{
	struct http_txn *t = s->txn;
	txn_reset(s);
	/* idle between two requests: the buffers go back to the worker */
	if (!t->cin_len) {
		wk_buf_put(s->w, t->cin);
		t->cin = NULL;
	}
	wk_buf_put(s->w, t->sin);
	t->sin = NULL;
	t->sin_len = t->sin_skip = 0;
	t->req_counter = 0;
	s->state = SESS_INIT;
	http_cli_events(s);
	sess_arm_timer(s);
	if (t->cin_len || t->cli_rd_ready)
		http_cli_read(s);
}

void http_closing(struct session *s)
{
	struct http_txn *t = s->txn;
	if (t->log_level != HTTP_LOG_SILENT && !(t->rq == RQ_HEAD && !t->t_first && t->nreq > 0)) {
		count_status(s, t->res_status);
		txn_time_stats(s);
		http_log(s);
	}
	/* the transaction's connection is closed by sess_close() (s->srvc) */
	if (t->sc) {
		http_sc_free(t->sc, 0);
		t->sc = NULL;
	}
	/* what this client held goes to the pool, unless reuse is `never`
	 * (the held ones were all clean at the end of their response) */
	int never = s->be && s->be->px->http_reuse == HTTP_REUSE_NEVER;
	for (int i = 0; i < t->nheld; i++) {
		if (never || s->w->p->stopping)
			http_sc_free(t->held[i], 1);
		else
			pool_put(s->w, t->held[i]);
	}
	t->nheld = 0;
}

void http_soft_stop(struct worker *w)
{
	struct session *s = w->sessions, *next;
	for (; s; s = next) {
		next = s->next;
		struct http_txn *t = s->txn;
		if (!t || t->tunnel)
			continue;
		if (t->rq == RQ_HEAD && !t->cin_len && t->nreq > 0) {
			t->log_level = HTTP_LOG_SILENT;
			sess_close(s);
		}
	}
}

/* ------------------------------------------------------------ timeouts */

int64_t http_deadline(const struct session *s)
{
	const struct http_txn *t = s->txn;
	const struct proxy_conf *fe = s->fe, *be = s->be ? s->be->px : s->fe;
	int64_t d = 0;
#define EARLIEST(x) do { int64_t v_ = (x); if (v_ && (!d || v_ < d)) d = v_; } while (0)
	if (t->tarpit)
		return s->deadline_state;
	int tc = t->tmo_client ? t->tmo_client : tmo(fe->timeout.client);
	int ts = t->tmo_server ? t->tmo_server : tmo(be->timeout.server);
	switch (t->rq) {
	case RQ_HEAD: {
		int hr = tmo(fe->timeout.http_request) ? tmo(fe->timeout.http_request) : tc;
		int ka = tmo(fe->timeout.http_keep_alive) ? tmo(fe->timeout.http_keep_alive) : hr;
		if (t->nreq > 0 && !t->cin_len)
			EARLIEST(ka ? t->t_start + ka : 0);
		else
			EARLIEST(hr ? t->t_start + hr : 0);
		return d;
	}
	case RQ_BODY:
	case RQ_FORM:
		EARLIEST(tc ? s->cli_active + tc : 0);
		break;
	default:
		break;
	}
	if (t->rs == RS_HEAD || t->rs == RS_BODY || t->rq == RQ_BODY)
		EARLIEST(ts ? s->srv_active + ts : 0);
	if (t->cout.len || t->rs == RS_BODY)
		EARLIEST(tc ? s->cli_active + tc : 0);
	return d;
#undef EARLIEST
}

static void tarpit_done(struct session *s)
{
	struct http_txn *t = s->txn;
	struct sbuf sb = t->tarpit_reply;
	t->tarpit = 0;
	memset(&t->tarpit_reply, 0, sizeof(t->tarpit_reply));
	sess_set_term(s, 'P', 'T');
	http_reply_local(s, &sb, t->local_status ? t->local_status : 500, 1);
	sbuf_free(&sb);
}

int http_expired(struct session *s, int64_t now)
{
	struct http_txn *t = s->txn;
	int64_t d = http_deadline(s);
	if (!d || now < d)
		return 0;
	if (t->tarpit) {
		tarpit_done(s);
		return 1;
	}
	switch (t->rq) {
	case RQ_HEAD:
		if (t->nreq > 0 && !t->cin_len) {
			t->log_level = HTTP_LOG_SILENT;   /* an idle keep-alive connection */
			sess_close(s);
			return 1;
		}
		count_fe(s, offsetof(struct shm_fe_shard, ereq));
		sess_set_term(s, 'c', 'R');
		reply_error_h1(s, 408);
		return 1;
	case RQ_BODY:
		if (now >= s->cli_active + (t->tmo_client ? t->tmo_client : tmo(s->fe->timeout.client))) {
			sess_set_term(s, 'c', 'D');
			if (t->rs == RS_HEAD && !t->bytes_out) {
				reply_error(s, 408, 1);
				return 1;
			}
			sess_close(s);
			return 1;
		}
		break;
	case RQ_FORM:
		/* a stats admin form that stopped coming */
		count_fe(s, offsetof(struct shm_fe_shard, ereq));
		sess_set_term(s, 'c', 'R');
		reply_error(s, 408, 1);
		return 1;
	default:
		break;
	}
	if (t->rs == RS_HEAD) {
		if (!sess_l7_retry(s, RETRY_ON_RESP_TIMEOUT, 0)) {
			sess_observe(s, SHM_OBS_HTTP_READ_TIMEOUT);
			http_fail(s, 504, 's', 'H');
		}
		return 1;
	}
	int cli_side = t->cout.len && now >= s->cli_active +
		(t->tmo_client ? t->tmo_client : tmo(s->fe->timeout.client));
	sess_set_term(s, cli_side ? 'c' : 's', 'D');
	sess_close(s);
	return 1;
}

/* ------------------------------------------------------------ the request */

/* A request head that broke a rule: answer, count, log, close. */
static void bad_request(struct session *s, const struct http_err *err)
{
	count_fe(s, offsetof(struct shm_fe_shard, ereq));
	sess_set_term(s, 'P', 'R');
	/* nothing of it is trusted: the log shows <BADREQ> */
	s->txn->l_meth = s->txn->l_uri = s->txn->l_ver = NULL;
	reply_error_h1(s, err->status);
}

/* Called by http_fwd.c after each read while the head is incomplete.
 * Returns 1 when the head was complete and has been processed. */
int http_parse_request(struct session *s)
{
	struct http_txn *t = s->txn;
	struct http_err err;
	if (!t->t_first && t->cin_len) {
		t->t_first = wk_now_ms();
		gettimeofday(&t->req_date, NULL);
		sess_arm_timer(s);
	}
	int n = h1_parse_request(&t->req, t->cin, t->cin_len, max_head(s->w), &err);
	if (n == 0) {
		if (t->cin_len >= t->cap) {
			err.status = 431;
			bad_request(s, &err);
			return 1;
		}
		return 0;
	}
	if (n < 0) {
		bad_request(s, &err);
		return 1;
	}
	t->t_head = wk_now_ms();
	{
		struct log_sess ls = { 0 };
		logfmt_sess_request(&ls, &t->req, t->reqline, sizeof(t->reqline));
		t->l_meth = ls.method, t->l_uri = ls.uri, t->l_ver = ls.version;
	}
	/* the head is in t->req.buf now: keep what follows it */
	if (s->fe->logs.n)
		t->log_in_adj += logfmt_head_size(t->cin, (size_t)n) - n;
	memmove(t->cin, t->cin + n, t->cin_len - (uint32_t)n);
	t->cin_len -= (uint32_t)n;
	t->bytes_in += (uint64_t)n;
	process_request(s);
	return 1;
}

/* ------------------------------------------------------------ forwardfor */

/* Is the client in `except`'s network (parsed at load)? */
static int addr_in_net(const struct sockaddr_storage *a, const struct forwardfor_conf *ff)
{
	const uint8_t *x;
	if (a->ss_family != ff->ex_family)
		return 0;
	if (a->ss_family == AF_INET)
		x = (const uint8_t *)&((const struct sockaddr_in *)a)->sin_addr;
	else
		x = ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr;
	int bits = ff->ex_bits;
	for (int i = 0; bits > 0; i++, bits -= 8) {
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		if ((x[i] & m) != (ff->ex_addr[i] & m))
			return 0;
	}
	return 1;
}

/* `option forwardfor [except <net>] [header <name>] [if-none]`, in the
 * frontend or the backend (the backend's settings win, as HAProxy's). */
static int add_forwardfor(struct session *s)
{
	struct http_txn *t = s->txn;
	const struct proxy_conf *px = NULL;
	if (opt(s->be->px, PX_OPT_FORWARDFOR))
		px = s->be->px;
	else if (opt(s->fe, PX_OPT_FORWARDFOR))
		px = s->fe;
	if (!px)
		return 0;
	const struct forwardfor_conf *ff = &px->forwardfor;
	const char *name = ff->header ? ff->header : "X-Forwarded-For";
	if (ff->except && addr_in_net(&s->cli_addr, ff))
		return 0;
	if (ff->if_none && http_hdr_find(&t->req, name, strlen(name), 0) >= 0)
		return 0;
	char ip[INET6_ADDRSTRLEN] = "";
	if (s->cli_addr.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&s->cli_addr)->sin_addr, ip, sizeof(ip));
	else if (s->cli_addr.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&s->cli_addr)->sin6_addr, ip, sizeof(ip));
	else
		return 0;   /* a UNIX socket client has no address to forward */
	return http_hdr_add(&t->req, name, strlen(name), ip, strlen(ip));
}

/* ------------------------------------------------------------ rules */

static void act_ctx(struct session *s, struct http_act_ctx *c, const struct proxy_conf *px,
		    struct http_msg *m)
{
	struct http_txn *t = s->txn;
	memset(c, 0, sizeof(*c));
	c->smp = &t->smp;
	c->log = http_txn_log(s, http_fill_log);
	c->msg = m;
	c->px = px;
	c->caps = &t->caps;
	c->log_level = t->log_level;
	t->smp.scr.used = 0;
}

static void act_done(struct session *s, const struct http_act_ctx *c)
{
	struct http_txn *t = s->txn;
	t->log_level = c->log_level;
	if (c->tmo_server)
		t->tmo_server = c->tmo_server;
	if (c->tmo_client)
		t->tmo_client = c->tmo_client;
	if (c->tmo_tunnel)
		t->tmo_tunnel = c->tmo_tunnel;
	if (c->failed_rewrites && s->be)
		shm_shard_add(&shm_be_shard(s->w->p->shm, (uint32_t)s->w->p->worker, s->be->be)->wrew,
			      c->failed_rewrites);
}

/* A final verdict of http-request rules. 1 when the transaction is
 * answered (the caller stops), 0 to go on. */
static int request_verdict(struct session *s, struct http_act_ctx *c, enum http_verdict v)
{
	struct http_txn *t = s->txn;
	struct sbuf sb = { 0 };
	int st;
	switch (v) {
	case HTTP_V_CONTINUE:
	case HTTP_V_ALLOW:
		return 0;
	case HTTP_V_DENY:
		count_fe(s, offsetof(struct shm_fe_shard, dreq));
		/* the reply's log-formats see the session as the rules left it */
		st = http_reply_rule(c, c->final, 0, &sb);
		sess_set_term(s, 'P', 'R');
		http_reply_local(s, &sb, st, 0);
		break;
	case HTTP_V_TARPIT:
		count_fe(s, offsetof(struct shm_fe_shard, dreq));
		t->local_status = http_reply_rule(c, c->final, 1, &t->tarpit_reply);
		t->tarpit = 1;
		t->rq = RQ_WAIT;
		{
			const struct proxy_conf *px = s->be ? s->be->px : s->fe;
			int tt = tmo(px->timeout.tarpit) ? tmo(px->timeout.tarpit) : tmo(px->timeout.connect);
			s->deadline_state = wk_coarse_ms() + (tt ? tt : 1);
		}
		sess_arm_timer(s);
		return 1;
	case HTTP_V_RETURN:
	case HTTP_V_REDIRECT:
	case HTTP_V_AUTH:
		st = http_reply_rule(c, c->final, 0, &sb);
		if (!st) {
			/* a redirect with ignore-empty whose location came out empty */
			sbuf_free(&sb);
			return 0;
		}
		count_fe(s, offsetof(struct shm_fe_shard, intercepted));
		sess_set_term(s, v == HTTP_V_AUTH ? 'P' : 'L', 'R');
		http_reply_local(s, &sb, st, 0);
		break;
	case HTTP_V_REJECT:
		count_fe(s, offsetof(struct shm_fe_shard, dreq));
		sess_set_term(s, 'P', 'R');
		t->log_level = HTTP_LOG_SILENT;
		sess_close(s);
		return 1;
	case HTTP_V_SERVICE: {
		/* prometheus-exporter, the only service (rule_act.c) */
		count_fe(s, offsetof(struct shm_fe_shard, intercepted));
		sess_set_term(s, 'L', 'R');
		int code = stats_prom_serve(s->w->p, &t->req, 0, &sb);
		if (code == 200)
			http_reply_local(s, &sb, code, 0);
		else
			reply_error(s, code, 0);
		break;
	}
	case HTTP_V_ERROR:
		sess_set_term(s, 'P', 'R');
		reply_error(s, 500, 1);
		return 1;
	case HTTP_V_BADREQ:
		count_fe(s, offsetof(struct shm_fe_shard, ereq));
		sess_set_term(s, 'P', 'R');
		reply_error(s, 400, 1);
		return 1;
	}
	sbuf_free(&sb);
	return 1;
}

static int run_req_rules(struct session *s, const struct proxy_conf *px)
{
	struct http_act_ctx c;
	if (!px->http_req_rules.n && !(px->defaults && px->defaults->http_req_rules.n))
		return 0;
	act_ctx(s, &c, px, &s->txn->req);
	enum http_verdict v = http_rules_run(&c, RULE_HTTP_REQ);
	act_done(s, &c);
	return request_verdict(s, &c, v);
}

/* The `redirect` directive of the frontend. */
static int run_redirects(struct session *s, const struct proxy_conf *px)
{
	const struct rule *r;
	VEC_EACH(&px->redirect_rules, const struct rule *, r) {
		s->txn->smp.scr.used = 0;
		if (!acl_cond_eval(r->cond, &s->txn->smp))
			continue;
		struct http_act_ctx c;
		struct sbuf sb = { 0 };
		act_ctx(s, &c, px, &s->txn->req);
		int st = http_reply_redirect(&c, r->redir, 0, &sb);
		if (!st) {
			sbuf_free(&sb);
			continue;   /* ignore-empty: the next rule decides */
		}
		count_fe(s, offsetof(struct shm_fe_shard, intercepted));
		sess_set_term(s, 'L', 'R');
		http_reply_local(s, &sb, st, 0);
		sbuf_free(&sb);
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ switching */

/* use_backend rules in order (a dynamic name that names no backend falls
 * through to the next rule, as HAProxy's), then default_backend, then a
 * listen section itself. */
static struct wk_be *switch_backend(struct session *s)
{
	struct http_txn *t = s->txn;
	const struct cfg *cfg = s->w->p->cfg;
	const struct rule *r;
	VEC_EACH(&s->fe->switching_rules, const struct rule *, r) {
		t->smp.scr.used = 0;
		if (!acl_cond_eval(r->cond, &t->smp))
			continue;
		if (!r->dynamic)
			return sess_be_of(s, r->backend);
		struct log_sess ls;
			char name[256];
		http_fill_log(s, &ls);
		if (!r->fmt || logfmt_build(r->fmt, &ls, name, sizeof(name)) <= 0)
			continue;
		struct wk_be *be = sess_be_of(s, cfg_find_proxy(cfg, name, PX_CAP_BE));
		if (be)
			return be;
	}
	if (s->fe->default_backend)
		return sess_be_of(s, cfg_find_proxy(cfg, s->fe->default_backend, PX_CAP_BE));
	if (s->fe->cap & PX_CAP_BE)
		return sess_be_of(s, s->fe);
	return NULL;
}

/* ------------------------------------------------------------ processing */

static void take_captures(struct session *s)
{
	if (s->fe->captures.n)
		http_caps_take(s->fe, &s->txn->req, 0, &s->txn->caps);
}

static void make_unique_id(struct session *s)
{
	struct http_txn *t = s->txn;
	const struct proxy_conf *fe = s->fe;
	if (!fe->unique_id_format_c)
		return;
	struct log_sess ls;
	http_fill_log(s, &ls);
	t->smp.scr.used = 0;
	int n = logfmt_build(fe->unique_id_format_c, &ls, t->uid, sizeof(t->uid));
	t->uid_len = n > 0 ? n : 0;
	if (t->uid_len && fe->unique_id_header)
		http_hdr_add(&t->req, fe->unique_id_header, strlen(fe->unique_id_header), t->uid,
			     (size_t)t->uid_len);
}

/* Who closes after this request: the client (Connection: close, HTTP/1.0
 * without keep-alive, option httpclose) and the server side (also
 * http-server-close). Then the Connection header toward the server says
 * what weir wants of it, whatever the client asked. */
static void connection_mode(struct session *s)
{
	struct http_txn *t = s->txn;
	const struct http_msg *m = &t->req;
	const struct proxy_conf *fe = s->fe, *be = s->be->px;
	int httpclose = opt(fe, PX_OPT_HTTPCLOSE) || opt(be, PX_OPT_HTTPCLOSE);
	t->keep_cli = !(m->flags & HTTP_F_CONN_CLOSE) &&
		      (m->vminor >= 1 || (m->flags & HTTP_F_CONN_KEEPALIVE)) && !httpclose;
	t->keep_srv = !httpclose && !opt(fe, PX_OPT_HTTP_SERVER_CLOSE) &&
		      !opt(be, PX_OPT_HTTP_SERVER_CLOSE);
	if (m->flags & HTTP_F_UPGRADE)
		return;   /* Connection: upgrade goes through as the client wrote it */
	http_hdr_del(&t->req, "Connection", 10);
	if (!t->keep_srv)
		http_hdr_add(&t->req, "Connection", 10, "close", 5);
	else if (m->vminor == 0)
		http_hdr_add(&t->req, "Connection", 10, "keep-alive", 10);
}

/* Can this request be sent again on a fresh connection if a reused one
 * turns out closed? Only without a body and with a method that is safe to
 * repeat (RFC 9110 9.2.2). */
static int replayable(const struct http_msg *m)
{
	if (m->body != HTTP_BODY_NONE)
		return 0;
	switch (m->meth) {
	case HTTP_METH_GET:
	case HTTP_METH_HEAD:
	case HTTP_METH_OPTIONS:
	case HTTP_METH_TRACE:
	case HTTP_METH_PUT:
	case HTTP_METH_DELETE:
		return 1;
	default:
		return 0;
	}
}

/* `stats admin {if|unless} <cond>`: any line that holds makes this
 * request an administrator's, as HAProxy's rules. */
static int stats_admin_allowed(struct session *s, const struct proxy_conf *px)
{
	const struct acl_cond *c;
	VEC_EACH(&px->stats.admin_conds, const struct acl_cond *, c) {
		s->txn->smp.scr.used = 0;
		if (acl_cond_eval(c, &s->txn->smp))
			return 1;
	}
	return 0;
}

/* The stats page of px: the chosen backend's, or the frontend's own when
 * no backend is chosen (the guides' `frontend stats` has none). */
static int serve_stats(struct session *s, const struct proxy_conf *px)
{
	struct http_txn *t = s->txn;
	if (!px->stats.enabled)
		return 0;
	struct sbuf sb = { 0 };
	int st = stats_http_serve(s->w->p, px, &t->req, stats_admin_allowed(s, px), 0, &sb);
	if (!st) {
		sbuf_free(&sb);
		return 0;
	}
	count_fe(s, offsetof(struct shm_fe_shard, intercepted));
	sess_set_term(s, 'L', 'R');
	if (st == STATS_HTTP_FORM)
		http_admin_start(s);
	else
		http_reply_local(s, &sb, st, 0);
	sbuf_free(&sb);
	return 1;
}

/* `monitor-uri`: a probe of weir itself by an outer load balancer,
 * answered here before any rule, neither forwarded nor logged, as HAProxy
 * documents: 200, or 503 when a `monitor fail` condition holds (say, no
 * server left in the backend). The URI is compared as received. */
static int serve_monitor(struct session *s)
{
	struct http_txn *t = s->txn;
	const char *uri = rule_monitor_uri(s->fe);
	if (!uri || strlen(uri) != t->req.uri.len ||
	    memcmp(uri, http_str_ptr(&t->req, t->req.uri), t->req.uri.len) != 0)
		return 0;
	int st = 200;
	const struct rule *r;
	VEC_EACH(&s->fe->monitor_uri, const struct rule *, r) {
		t->smp.scr.used = 0;
		if (r->act == ACT_MONITOR_FAIL && acl_cond_eval(r->cond, &t->smp)) {
			st = 503;
			break;
		}
	}
	count_fe(s, offsetof(struct shm_fe_shard, intercepted));
	sess_set_term(s, 'L', 'R');
	t->log_level = HTTP_LOG_SILENT;
	reply_error(s, st, 1);
	return 1;
}

static void serialize_request(struct session *s)
{
	struct http_txn *t = s->txn;
	sbuf_reset(&t->head);
	h1_write_request(&t->req, &t->head);
}

/*
 * What can be judged before anything is forwarded: an absolute-form
 * target whose authority is not the Host header (RFC 9112 3.2.2 lets a
 * proxy take either; two different answers is how requests get routed
 * past rules), and the chunked framing of the body bytes that came with
 * the head (streamed bodies are checked as they pass; these are checked
 * before the head leaves, so a broken first chunk never reaches a server).
 */
static int request_sane(struct session *s)
{
	struct http_txn *t = s->txn;
	const struct http_msg *m = &t->req;
	struct http_uri_parts u;
	http_uri_split(m, &u);
	if (u.absolute) {
		const char *uri = m->buf + m->uri.off;
		const char *a = memchr(uri, ':', m->uri.len);
		int h = http_hdr_find(m, "Host", 4, 0);
		if (a && h >= 0 && a + 3 <= uri + u.path_off) {
			const char *auth = a + 3;
			size_t alen = (size_t)(uri + u.path_off - auth);
			const struct http_hdr *hh = &m->hdrs[h];
			if (alen != hh->value.len || strncasecmp(auth, m->buf + hh->value.off, alen))
				return 0;
		}
	}
	if (m->body == HTTP_BODY_CHUNKED && t->cin_len) {
		struct h1_chunk_state probe;
		h1_chunk_init(&probe, max_head(s->w));
		size_t off = 0;
		while (off < t->cin_len) {
			struct h1_span sp[32];
			int nsp = 32;
			size_t used = 0;
			struct http_err err;
			int r = h1_chunk_feed(&probe, t->cin + off, t->cin_len - off, &used, sp, &nsp, &err);
			if (r < 0)
				return 0;
			off += used;
			if (r == 1 || !used)
				break;
		}
	}
	return 1;
}

static void process_request(struct session *s)
{
	struct http_txn *t = s->txn;
	if (!request_sane(s)) {
		struct http_err err = { .status = 400, .why = "inconsistent request", .at = 0 };
		bad_request(s, &err);
		return;
	}
	t->rq = RQ_WAIT;
	/* the worker's count, not the connection's: two requests of one
	 * keep-alive connection get two unique ids */
	t->req_counter = ++s->w->req_count;
	count_request(s);
	t->smp.scr.used = 0;
	if (inspect_http(s, &t->smp))
		return;
	if (serve_monitor(s))
		return;
	take_captures(s);
	if (run_req_rules(s, s->fe))
		return;
	if (run_redirects(s, s->fe))
		return;
	s->be = switch_backend(s);
	if (!s->be) {
		if (!serve_stats(s, s->fe))
			http_fail(s, 503, 'S', 'C');
		return;
	}
	t->smp.be = s->be->px;
	t->smp.be_rec = (int)s->be->be;
	sess_backend_chosen(s);
	if (s->be->px != s->fe && run_req_rules(s, s->be->px))
		return;
	if (serve_stats(s, s->be->px))
		return;
	if (add_forwardfor(s) < 0) {
		http_fail(s, 500, 'P', 'R');
		return;
	}
	make_unique_id(s);
	connection_mode(s);
	t->replayable = replayable(&t->req);
	serialize_request(s);
	t->rq_left = t->req.body == HTTP_BODY_LENGTH ? t->req.content_length : 0;
	if (t->req.body == HTTP_BODY_CHUNKED)
		h1_chunk_init(&t->rq_ck, max_head(s->w));
	sess_get_server(s);
}
