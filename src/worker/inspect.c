/*
 * `tcp-request content` rules and `tcp-request inspect-delay`: what a
 * frontend decides from the first bytes a client sends, before a backend
 * is chosen (mode tcp), or from each request (mode http). Runs in the
 * workers; counts denied requests in this worker's frontend shard.
 *
 * Mode tcp, with an inspect-delay: the session reads the client into its
 * client-to-server buffer (which the relay then flushes to the server
 * first, as it does for a retry) and evaluates the rules, in order, at
 * each read. The first rule whose condition holds decides: `accept` goes
 * on to the backend, `reject` closes (logged with PR, counted in dreq).
 * When none holds, the session goes on, as HAProxy's default is, once
 * the bytes are enough to judge; until then it waits for more, up to the
 * end of the delay, a full buffer or the client's close.
 *
 * "Enough to judge": HAProxy waits while a rule's sample "may change"
 * with more data. Weir's rule is simpler: the first bytes, and the whole
 * TLS record when they start one (a ClientHello split over reads). That
 * covers what inspection is used for (SNI routing, protocol detection)
 * without per-fetch bookkeeping; a rule on data that trickles in should
 * come with a condition on req.len.
 *
 * Without an inspect-delay the rules run once at accept, on no data, as
 * HAProxy runs them (it warns about fetches that need data; so does
 * `weir -c`, see rule_check.c).
 */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "weir/cfg.h"
#include "weir/rule-t.h"
#include "weir/sample-rt.h"
#include "weir/shm.h"
#include "worker-int.h"

enum verdict { V_NONE, V_ACCEPT, V_REJECT };

static int inspect_delay(const struct proxy_conf *fe)
{
	int d = fe->tcp_req_inspect_delay;
	if (d == TIME_UNSET && fe->defaults)
		d = fe->defaults->tcp_req_inspect_delay;
	return d > 0 ? d : 0;
}

int inspect_wanted(const struct proxy_conf *fe)
{
	return fe->tcp_req_cont_rules.n || (fe->defaults && fe->defaults->tcp_req_cont_rules.n);
}

static enum verdict run_list(const struct vec *rules, struct smp_ctx *c)
{
	const struct rule *r;
	VEC_EACH(rules, const struct rule *, r) {
		c->scr.used = 0;
		if (!acl_cond_eval(r->cond, c))
			continue;
		if (r->act == ACT_ACCEPT)
			return V_ACCEPT;
		if (r->act == ACT_REJECT || r->act == ACT_SILENT_DROP)
			return V_REJECT;
		/* other actions (set-var, capture, ...) do not decide */
	}
	return V_NONE;
}

/* The defaults' rules first, then the frontend's own (as HAProxy). */
static enum verdict run_rules(const struct proxy_conf *fe, struct smp_ctx *c)
{
	enum verdict v = V_NONE;
	if (fe->defaults)
		v = run_list(&fe->defaults->tcp_req_cont_rules, c);
	if (v == V_NONE)
		v = run_list(&fe->tcp_req_cont_rules, c);
	return v;
}

static void reject(struct session *s)
{
	shm_shard_add(&shm_fe_shard(s->w->p->shm, (uint32_t)s->w->p->worker, s->fe_rec)->dreq, 1);
	sess_set_term(s, 'P', 'R');
	sess_close(s);
}

/* Has a TLS record begun whose end has not arrived yet? */
static int tls_record_pending(const unsigned char *p, size_t n)
{
	if (n < 1 || p[0] != 22)
		return 0;
	if (n < 5)
		return 1;
	size_t len = (size_t)p[3] << 8 | p[4];
	return n < 5 + len;
}

/* Leaves inspection: the rest is the relay's (the bytes read so far
 * stay in s->c2s for it to send first). */
static void inspect_done(struct session *s)
{
	if (s->cli_rd) {
		event_free(s->cli_rd);
		s->cli_rd = NULL;
	}
	s->state = SESS_INIT;
	sess_arm_timer(s);
	sess_tcp_route(s);
}

static void inspect_step(struct session *s, int final)
{
	struct smp_ctx c;
	sess_smp_ctx(s, &c);
	c.payload = (const unsigned char *)s->c2s.buf;
	c.payload_len = s->c2s.len;
	c.payload_on = 1;
	enum verdict v = run_rules(s->fe, &c);
	if (v == V_REJECT) {
		reject(s);
		return;
	}
	int full = s->c2s.len >= s->w->bufsize;
	int ready = s->c2s.len && !tls_record_pending(c.payload, c.payload_len);
	if (v == V_NONE && !final && !full && !ready)
		return;   /* not enough to judge yet: wait for more */
	inspect_done(s);
}

static void inspect_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	(void)what;
	size_t cap = s->w->bufsize;
	ssize_t n = recv(fd, s->c2s.buf + s->c2s.len, cap - s->c2s.len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	sess_hold(s);
	if (n <= 0) {
		if (!s->c2s.len) {
			/* gone before saying anything */
			sess_set_term(s, 'C', 'R');
			sess_close(s);
		} else {
			s->c2s.shut_r = 1;   /* the relay shuts the server side after these */
			inspect_step(s, 1);
		}
		sess_release(s);
		return;
	}
	s->c2s.len += (size_t)n;
	s->cli_active = wk_coarse_ms();
	sess_count_in(s, (size_t)n);
	inspect_step(s, 0);
	sess_release(s);
}

void inspect_start(struct session *s)
{
	int delay = inspect_delay(s->fe);
	if (!delay) {
		struct smp_ctx c;
		sess_smp_ctx(s, &c);
		c.payload_on = 1;   /* on no data: req.len is 0 */
		if (run_rules(s->fe, &c) == V_REJECT) {
			reject(s);
			return;
		}
		sess_tcp_route(s);
		return;
	}
	s->c2s.buf = xmalloc(s->w->bufsize);
	s->c2s.len = s->c2s.off = 0;
	s->cli_rd = event_new(s->w->p->base, s->cli.fd, EV_READ | EV_PERSIST, inspect_read_cb, s);
	event_add(s->cli_rd, NULL);
	s->state = SESS_INSPECT;
	s->deadline_state = wk_coarse_ms() + delay;
	sess_arm_timer(s);
}

void inspect_expired(struct session *s)
{
	inspect_step(s, 1);
}

int inspect_http(struct session *s, struct smp_ctx *c)
{
	if (!inspect_wanted(s->fe) || run_rules(s->fe, c) != V_REJECT)
		return 0;
	reject(s);
	return 1;
}
