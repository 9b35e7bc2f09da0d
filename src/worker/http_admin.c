/*
 * The worker's half of a stats page admin POST (`stats admin`): read the
 * form the client sends (Content-Length bytes, over as many reads as it
 * takes, no more than one buffer), hand it to the stats process over the
 * admin channel, wait for its verdict without blocking the loop, and
 * answer HAProxy's 303 to `<stats uri>;st=<verdict>`.
 *
 * The worker applies nothing itself: admin states have one writer, the
 * stats process (src/stats/stats_admin.c says why). It reads the form
 * into the client input buffer it already owns, so a form costs no
 * allocation, and the bytes after it (a pipelined request) stay there.
 *
 * Runs in a worker. Touches nothing in the segment.
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weir/stats.h"
#include "http-int.h"

/* The stats process answers in microseconds; this only bounds a wait on
 * one that is being restarted. A form it takes later still applies. */
#define ADMIN_REPLY_MS 3000

struct http_admin {
	struct event *ev;
	int fd;
};

void http_admin_free(struct http_txn *t)
{
	if (!t->admin)
		return;
	event_free(t->admin->ev);
	close(t->admin->fd);
	free(t->admin);
	t->admin = NULL;
}

static void answer(struct session *s, enum stats_admin_st st)
{
	struct http_txn *t = s->txn;
	struct sbuf sb = { 0 };
	int code = stats_http_admin_reply(s->be ? s->be->px : s->fe, &t->req, st, 0, &sb);
	http_reply_local(s, &sb, code, 0);
	sbuf_free(&sb);
}

static void reply_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	struct http_txn *t = s->txn;
	enum stats_admin_st st = (what & EV_READ) ? stats_admin_recv(fd) : STATS_ADMIN_UNKN;
	http_admin_free(t);
	sess_hold(s);
	answer(s, st);
	sess_release(s);
}

/* The whole form is in cin: hand it over, keep what follows it. */
static void hand_over(struct session *s)
{
	struct http_txn *t = s->txn;
	size_t len = (size_t)t->rq_left;
	int fd = stats_admin_send(s->w->p, t->cin, len);
	t->bytes_in += len;
	memmove(t->cin, t->cin + len, t->cin_len - len);
	t->cin_len -= (uint32_t)len;
	t->rq_left = 0;
	t->rq = RQ_WAIT;
	if (fd < 0) {
		answer(s, STATS_ADMIN_UNKN);   /* no stats process to apply it */
		return;
	}
	struct timeval tv = { ADMIN_REPLY_MS / 1000, (ADMIN_REPLY_MS % 1000) * 1000 };
	t->admin = xcalloc(1, sizeof(*t->admin));
	t->admin->fd = fd;
	t->admin->ev = event_new(s->w->p->base, fd, EV_READ, reply_cb, s);
	if (!t->admin->ev || event_add(t->admin->ev, &tv) < 0) {
		http_admin_free(t);
		answer(s, STATS_ADMIN_UNKN);
	}
}

void http_admin_form_more(struct session *s)
{
	struct http_txn *t = s->txn;
	if (t->rq == RQ_FORM && t->cin_len >= t->rq_left)
		hand_over(s);
}

void http_admin_start(struct session *s)
{
	struct http_txn *t = s->txn;
	uint64_t len = t->req.body == HTTP_BODY_LENGTH ? t->req.content_length : 0;
	if (len > t->cap) {
		/* HAProxy's EXCD: the form must fit in one buffer. The body is
		 * not read, so the connection closes after the answer. */
		answer(s, STATS_ADMIN_EXCD);
		return;
	}
	t->rq = RQ_FORM;
	t->rq_left = len;
	sess_arm_timer(s);            /* timeout client now bounds the form */
	/* a client that sent Expect: 100-continue holds the form back until
	 * told (or until it tires of waiting): the page wants it, say so
	 * (RFC 9110 10.1.1) */
	if ((t->req.flags & HTTP_F_EXPECT_100) && t->cin_len < len) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
		if (http_send(s, 1, cont, sizeof(cont) - 1) < 0)
			return;
	}
	http_admin_form_more(s);
	if (!SESS_GONE(s) && t->rq == RQ_FORM && t->cli_rd_ready)
		http_cli_read(s);
}
