/*
 * The stats process's server: accepts on every `stats socket` the master
 * bound (p->stats[i].fd, listening and non-blocking), one session per
 * client, on the process's libevent loop. Follows HAProxy's CLI: a line
 * holds one or more `;`-separated commands; without `prompt` the session
 * answers that line and closes, with it the session stays and prints a
 * "> " prompt until `quit`. Each socket's `level` bounds what its sessions
 * may run; `stats timeout` closes an idle session; `stats maxconn` bounds
 * how many run at once. Replies go through a bufferevent, so a slow reader
 * gets all of a long `show stat` without blocking the loop.
 * Also beats the process's heartbeat in the PROC region and raises the
 * rate maxima once a second.
 * Also serves the stats page's admin channel (stats_admin.c).
 * Runs in the stats process. Writes the segment only through stats_exec
 * (stats_cli.c) and stats_admin_apply, stats_csv_raise_maxima and its own
 * PROC slot's heartbeat.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "stats-int.h"

/* A line longer than this is no command: the session is answered and
 * closed rather than buffering without bound. */
#define STATS_MAX_LINE 65536

struct stats_srv {
	struct weir_proc *p;
	struct event **accepts;       /* one per p->stats[i] */
	struct event *tick;
	int nsessions;
	int maxconn;                  /* 0: unlimited */
	struct timeval timeout;
};

struct stats_sess {
	struct stats_srv *srv;
	struct bufferevent *bev;
	int level;                    /* enum stats_level, from the socket */
	int expose;                   /* `expose-fd listeners`: _getsocks allowed */
	int prompt;                   /* interactive mode */
	int closing;                  /* free once the output is flushed */
};

/* ------------------------------------------------------------ session */

static void sess_free(struct stats_sess *s)
{
	s->srv->nsessions--;
	bufferevent_free(s->bev);
	free(s);
}

/* Stops reading and frees the session once every byte is written. */
static void sess_close(struct stats_sess *s)
{
	s->closing = 1;
	bufferevent_disable(s->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		sess_free(s);
}

/* Runs one command and appends HAProxy's separator: an empty line, or the
 * prompt in interactive mode. Returns 1 when the session must end. */
static int sess_run(struct stats_sess *s, const char *cmd, struct sbuf *out)
{
	if (strcmp(cmd, "_getsocks") == 0) {
		if (!s->expose || s->level < STATS_LEVEL_ADMIN) {
			sbuf_adds(out, "Permission denied: _getsocks needs a socket with "
				  "'level admin expose-fd listeners'.\n");
			return 1;
		}
		if (stats_xfer_send(s->srv->p, bufferevent_getfd(s->bev)) < 0)
			sbuf_adds(out, "Failed to send the listening sockets.\n");
		return 1;
	}
	enum stats_exec_rc rc = stats_exec(s->srv->p, s->level, cmd, out);
	if (rc == STATS_EXEC_QUIT)
		return 1;
	if (rc == STATS_EXEC_PROMPT)
		s->prompt = !s->prompt;
	sbuf_adds(out, s->prompt ? "\n> " : "\n");
	return 0;
}

/* A line's commands, split at every `;` not escaped by a backslash (the
 * escape itself is removed later, with the words). */
static int sess_line(struct stats_sess *s, char *line, struct sbuf *out)
{
	char *cmd = line;
	for (char *p = line;; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != ';' && *p != '\0')
			continue;
		int last = *p == '\0';
		*p = '\0';
		if (sess_run(s, cmd, out))
			return 1;
		if (last)
			return 0;
		cmd = p + 1;
	}
}

/* Every complete line in the input; returns 1 once the session is done. */
static int sess_lines(struct stats_sess *s, struct evbuffer *in, int at_eof)
{
	struct sbuf out = { 0 };
	int done = 0;
	while (!done) {
		size_t len;
		char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
		if (!line && at_eof && evbuffer_get_length(in)) {
			len = evbuffer_get_length(in);
			line = xmalloc(len + 1);
			evbuffer_remove(in, line, len);
			line[len] = '\0';
		}
		if (!line)
			break;
		done = sess_line(s, line, &out) || !s->prompt;
		free(line);
	}
	if (!done && evbuffer_get_length(in) > STATS_MAX_LINE) {
		sbuf_adds(&out, "Command line too long.\n");
		done = 1;
	}
	if (out.len)
		bufferevent_write(s->bev, out.s, out.len);
	sbuf_free(&out);
	return done || at_eof;
}

static void sess_read_cb(struct bufferevent *bev, void *arg)
{
	struct stats_sess *s = arg;
	if (!s->closing && sess_lines(s, bufferevent_get_input(bev), 0))
		sess_close(s);
}

static void sess_write_cb(struct bufferevent *bev, void *arg)
{
	struct stats_sess *s = arg;
	(void)bev;
	if (s->closing)
		sess_free(s);
}

/* End of input still answers what was sent (`echo cmd | socat`); errors
 * and timeouts drop the session. */
static void sess_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct stats_sess *s = arg;
	if ((what & BEV_EVENT_EOF) && (what & BEV_EVENT_READING) && !(what & BEV_EVENT_ERROR)) {
		if (!s->closing)
			sess_lines(s, bufferevent_get_input(bev), 1);
		sess_close(s);
		return;
	}
	sess_free(s);
}

static void sess_new(struct stats_srv *srv, int fd, int level, int expose)
{
	struct stats_sess *s = xcalloc(1, sizeof(*s));
	s->srv = srv;
	s->level = level;
	s->expose = expose;
	s->bev = bufferevent_socket_new(srv->p->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!s->bev) {
		close(fd);
		free(s);
		return;
	}
	srv->nsessions++;
	bufferevent_setcb(s->bev, sess_read_cb, sess_write_cb, sess_event_cb, s);
	if (srv->timeout.tv_sec || srv->timeout.tv_usec)
		bufferevent_set_timeouts(s->bev, &srv->timeout, &srv->timeout);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

/* ------------------------------------------------------------- accept */

/* One listening socket and the server it feeds. */
struct stats_port {
	struct stats_srv *srv;
	int level;
	int expose;
};

static void accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct stats_port *port = arg;
	struct stats_srv *srv = port->srv;
	(void)what;
	/* bounded, so one busy socket cannot starve the loop */
	for (int n = 0; n < 64; n++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;   /* EAGAIN, or an aborted connection: nothing to do */
		if (srv->maxconn > 0 && srv->nsessions >= srv->maxconn) {
			close(fd);
			continue;
		}
		sess_new(srv, fd, port->level, port->expose);
	}
}

/* --------------------------------------------------------------- tick */

/* Once a second: the rate maxima (the heartbeat is child.c's, for every
 * role). */
static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stats_srv *srv = arg;
	struct weir_proc *p = srv->p;
	(void)fd;
	(void)what;
	stats_csv_raise_maxima(p->shm);
}

/* ---------------------------------------------------------------- start */

static int start_port(struct stats_srv *srv, const struct stats_listener *l, int i)
{
	struct stats_port *port = xcalloc(1, sizeof(*port));
	port->srv = srv;
	/* HAProxy's default for a stats socket without `level` is operator;
	 * the parser already wrote it into bind_conf */
	port->level = l->bind ? l->bind->level : STATS_LEVEL_OPERATOR;
	port->expose = l->bind && l->bind->expose_fd_listeners;
	srv->accepts[i] = event_new(srv->p->base, l->fd, EV_READ | EV_PERSIST, accept_cb, port);
	if (!srv->accepts[i] || event_add(srv->accepts[i], NULL) < 0) {
		fprintf(stderr, "weir: stats: cannot watch the stats socket %s.\n", l->key);
		free(port);
		return -1;
	}
	return 0;
}

int stats_start(struct weir_proc *p)
{
	static const struct timeval one_s = { 1, 0 };
	if (!p->base || !p->shm) {
		fprintf(stderr, "weir: stats: no event loop or segment to serve.\n");
		return -1;
	}
	struct stats_srv *srv = xcalloc(1, sizeof(*srv));
	const struct cfg_global *g = p->cfg ? &p->cfg->global : NULL;
	int ms = g && g->stats_timeout > 0 ? g->stats_timeout : 10000;
	srv->p = p;
	srv->maxconn = g ? g->stats_maxconn : 0;
	srv->timeout = (struct timeval){ ms / 1000, (ms % 1000) * 1000 };
	srv->accepts = xcalloc((size_t)p->nstats + 1, sizeof(*srv->accepts));
	for (int i = 0; i < p->nstats; i++)
		if (start_port(srv, &p->stats[i], i) < 0)
			return -1;
	if (stats_admin_serve(p) < 0)
		return -1;
	srv->tick = event_new(p->base, -1, EV_PERSIST, tick_cb, srv);
	if (!srv->tick || event_add(srv->tick, &one_s) < 0) {
		fprintf(stderr, "weir: stats: cannot schedule the once-a-second tick.\n");
		return -1;
	}
	return 0;
}
