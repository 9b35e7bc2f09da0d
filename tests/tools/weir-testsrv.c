/*
 * weir-testsrv: the real backend of weir's integration tests. One process,
 * one thread, one epoll loop; no libevent, so a bug in weir's event code
 * can never hide behind the same bug in its test server.
 *
 * It listens on loopback addresses (--listen, repeatable) and serves each
 * connection in one mode: banner (send NAME\n, then echo), echo, close
 * (send NAME\n and close), or http (a minimal HTTP/1.1 responder that
 * answers NAME\n, with keep-alive). It counts connections (current, the
 * most ever open at once, total accepted) and reports them on a separate
 * control port, so a test can assert how weir spread or limited its load.
 * Nothing here is on weir's own code path; it links no weir code.
 *
 * The interface tests rely on (keep these names stable):
 *   --record FILE  every byte received on a served connection (any mode) is
 *                  appended to FILE as received, under a separator line
 *                  "### conn N PEER" written at accept (N counts from 1 and
 *                  is never reset). When bytes of another connection come
 *                  in between, "### conn N" is written again before the
 *                  next bytes of N, so every section belongs to one
 *                  connection; a separator line is preceded by a "\n" when
 *                  the bytes before it did not end in one. A test greps it
 *                  to show that a request never reached the backend.
 *   --echo         every http request is answered with an echo (below).
 *   http paths     /echo, /echo/..., /echo?...: 200, body the request line
 *                  and the header lines exactly as received, one per line
 *                  ending in "\n" (the CR of each CRLF removed, nothing
 *                  else changed), without the empty line; /status/NNN:
 *                  status NNN; /close: "Connection: close" and close after
 *                  the response. An absolute-form URI is matched on its
 *                  path. The request headers X-Status: NNN (wins over the
 *                  path) and X-Delay-Ms: N still apply. X-Chunked: N,N,...
 *                  makes the body chunked, one chunk of N letters (a, b,
 *                  ...) per size, then the last-chunk and, with
 *                  X-Trailer: LINE, that trailer line.
 *   control port   each client gets "cur=N max=M total=T" at once; then a
 *                  command line: RESET (forget max, total and the request
 *                  counts; answers OK) or REQUESTS (answers
 *                  "requests=R accepted=T rejected=B": HTTP request heads
 *                  parsed, connections accepted, heads the server itself
 *                  refused with 400 or 431).
 *
 * Startup contract for tests: the pidfile is written only once every
 * listener is bound, so "wait for the pidfile" means "ready".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TS_MAX_LISTEN 16
/* Past this much unsent output we stop reading: a client that never reads
 * must not make the server grow without bound. */
#define TS_OUT_HIGH (256 * 1024)
/* A request head larger than this is refused (431), as a real server would. */
#define TS_HEAD_MAX (64 * 1024)
/* How long a control client may take to send a command after the counts. */
#define TS_CTL_WAIT_MS 200

enum ts_mode { TS_BANNER, TS_ECHO, TS_HTTP, TS_CLOSE };
enum ts_kind { TS_LISTENER, TS_CTL_LISTENER, TS_CONN, TS_CTL_CONN, TS_SIGNAL };
/* Where a connection is in reading one HTTP request. */
enum ts_http_state {
	TS_H_HEAD,        /* waiting for a full request head */
	TS_H_BODY,        /* skipping body_left bytes of a Content-Length body */
	TS_H_CHUNK_SIZE,  /* chunked: expecting a size line */
	TS_H_CHUNK_DATA,  /* chunked: skipping body_left bytes of data */
	TS_H_CHUNK_CRLF,  /* chunked: the CRLF after the data */
	TS_H_TRAILER,     /* chunked: trailers up to the empty line */
	TS_H_WAIT,        /* body read; response delayed until respond_at */
	TS_H_DONE,        /* the last response is queued; read no more */
};

struct ts_buf {
	char *data;
	size_t len, cap;
};

/* First member of everything registered in epoll: data.ptr points here. */
struct ts_handle {
	enum ts_kind kind;
	int fd;
};

/* The pending response of the request being read (http mode). */
struct ts_reply {
	int status;
	bool head;        /* HEAD request: no body */
	bool close;       /* close after this response */
	bool echo;        /* body: the request head (struct ts_conn.echo) */
	long delay_ms;    /* X-Delay-Ms */
	char chunks[128]; /* X-Chunked: the chunk sizes, comma separated; "" none */
	char trailer[256];/* X-Trailer: one trailer line after the last chunk */
};

struct ts_conn {
	struct ts_handle h;
	struct ts_conn *prev, *next;
	struct ts_buf in, out;
	struct ts_buf echo;    /* the echo body of the current request */
	unsigned long id;      /* connection number in the --record file */
	int64_t close_at;      /* monotonic ms; 0: none (--hold-ms, ctl wait) */
	int64_t respond_at;    /* monotonic ms; 0: none (X-Delay-Ms) */
	uint32_t events;       /* what epoll currently watches */
	bool rd_eof;           /* the peer has shut its side down */
	bool close_after_flush;
	enum ts_http_state hs;
	uint64_t body_left;
	struct ts_reply reply;
};

struct ts_opts {
	const char *listen[TS_MAX_LISTEN];
	int nlisten;
	const char *name;
	enum ts_mode mode;
	long hold_ms;
	const char *ctl;
	const char *pidfile;
	const char *logfile;
	const char *recfile;
	bool echo;
};

struct ts {
	struct ts_opts o;
	int epfd;
	int logfd;
	int recfd;
	unsigned long rec_conn;    /* whose bytes the record file shows last */
	bool rec_nl;               /* the record file ends in a newline */
	struct ts_handle listeners[TS_MAX_LISTEN];
	int nlisteners;
	struct ts_handle ctl;
	struct ts_handle sig;
	struct ts_conn *conns;
	unsigned long cur, max, total;
	unsigned long seq;         /* connections ever accepted (ids) */
	unsigned long requests;    /* request heads parsed (http mode) */
	unsigned long rejected;    /* heads answered 400/431 by us */
	bool stop;
};

static void ts_conn_close(struct ts *ts, struct ts_conn *c);

__attribute__((noreturn, format(printf, 1, 2)))
static void ts_die(const char *fmt, ...)
{
	va_list ap;

	fputs("weir-testsrv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int64_t ts_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- buffers ---- */

static void ts_buf_add(struct ts_buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			ts_die("out of memory");
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

__attribute__((format(printf, 2, 3)))
static void ts_buf_printf(struct ts_buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		ts_buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void ts_buf_consume(struct ts_buf *b, size_t n)
{
	if (!n)
		return;
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

/* Length of the first line (with its "\n"), or 0 when none is complete. */
static size_t ts_buf_line(const struct ts_buf *b)
{
	const char *nl = b->len ? memchr(b->data, '\n', b->len) : NULL;

	return nl ? (size_t)(nl - b->data) + 1 : 0;
}

/* ---- the log file: one write() per line, so tests see it at once ---- */

__attribute__((format(printf, 2, 3)))
static void ts_log(struct ts *ts, const char *fmt, ...)
{
	char line[8192];
	va_list ap;
	int n;

	if (ts->logfd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(ts->logfd, line, (size_t)n) < 0)
		fprintf(stderr, "weir-testsrv: log: %s\n", strerror(errno));
}

/* ---- the record file: the bytes as received, by connection ---- */

static void ts_rec_write(struct ts *ts, const void *p, size_t n)
{
	const char *d = p;

	while (n) {
		ssize_t w = write(ts->recfd, d, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "weir-testsrv: record: %s\n", strerror(errno));
			return;
		}
		d += w;
		n -= (size_t)w;
	}
	if (d != p)
		ts->rec_nl = d[-1] == '\n';
}

/* A separator line on a line of its own: "### conn N[ PEER]". */
static void ts_rec_separator(struct ts *ts, unsigned long id, const char *peer)
{
	char line[128];
	int n;

	n = snprintf(line, sizeof(line), "%s### conn %lu%s%s\n", ts->rec_nl ? "" : "\n",
		     id, peer ? " " : "", peer ? peer : "");
	ts_rec_write(ts, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	ts->rec_conn = id;
}

/* Bytes a served connection sent us, under its own separator. */
static void ts_record(struct ts *ts, const struct ts_conn *c, const void *p, size_t n)
{
	if (ts->recfd < 0 || !n)
		return;
	if (ts->rec_conn != c->id)
		ts_rec_separator(ts, c->id, NULL);
	ts_rec_write(ts, p, n);
}

/* "ip:port", with brackets for IPv6 as the command line writes it. */
static void ts_fmt_peer(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(out, len, "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(out, len, "%s:%u", ip, ntohs(s4->sin_port));
	}
}

/* ---- epoll interest ---- */

static void ts_watch(struct ts *ts, struct ts_handle *h, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	if (epoll_ctl(ts->epfd, op, h->fd, &ev) < 0)
		ts_die("epoll_ctl: %s", strerror(errno));
}

/* Read while the peer is open and we are not sitting on too much output;
 * write while output is pending. Level-triggered, so a stale EPOLLIN on a
 * closed peer must be dropped, not left firing. */
static void ts_conn_update(struct ts *ts, struct ts_conn *c)
{
	uint32_t want = 0;

	if (!c->rd_eof && c->out.len < TS_OUT_HIGH && c->in.len < TS_OUT_HIGH)
		want |= EPOLLIN;
	if (c->out.len)
		want |= EPOLLOUT;
	if (want != c->events) {
		c->events = want;
		ts_watch(ts, &c->h, want, EPOLL_CTL_MOD);
	}
}

/* Send what we can. Returns false when the connection was closed. */
static bool ts_conn_flush(struct ts *ts, struct ts_conn *c)
{
	while (c->out.len) {
		ssize_t n = send(c->h.fd, c->out.data, c->out.len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			ts_conn_close(ts, c);
			return false;
		}
		ts_buf_consume(&c->out, (size_t)n);
	}
	if (!c->out.len && c->close_after_flush) {
		ts_conn_close(ts, c);
		return false;
	}
	ts_conn_update(ts, c);
	return true;
}

/* ---- connections ---- */

static struct ts_conn *ts_conn_new(struct ts *ts, int fd, enum ts_kind kind)
{
	struct ts_conn *c = calloc(1, sizeof(*c));

	if (!c)
		ts_die("out of memory");
	c->h.kind = kind;
	c->h.fd = fd;
	c->next = ts->conns;
	if (ts->conns)
		ts->conns->prev = c;
	ts->conns = c;
	c->events = EPOLLIN;
	ts_watch(ts, &c->h, c->events, EPOLL_CTL_ADD);
	return c;
}

static void ts_conn_close(struct ts *ts, struct ts_conn *c)
{
	if (c->h.kind == TS_CONN)
		ts->cur--;
	if (c->prev)
		c->prev->next = c->next;
	else
		ts->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	close(c->h.fd);    /* also removes it from epoll */
	free(c->in.data);
	free(c->out.data);
	free(c->echo.data);
	free(c);
}

/* A served connection starts by mode: banner, immediate close, or nothing. */
static void ts_conn_start(struct ts *ts, struct ts_conn *c)
{
	if (ts->o.mode == TS_BANNER || ts->o.mode == TS_CLOSE)
		ts_buf_printf(&c->out, "%s\n", ts->o.name);
	if (ts->o.mode == TS_CLOSE)
		c->close_after_flush = true;
	else if (ts->o.hold_ms > 0)
		c->close_at = ts_now_ms() + ts->o.hold_ms;
	ts_conn_flush(ts, c);
}

/* The control client gets the counts at once, then has TS_CTL_WAIT_MS to
 * send a command; a client that only reads sees EOF after that wait, one
 * that shuts its side (socat </dev/null) sees it at once. */
static void ts_ctl_start(struct ts *ts, struct ts_conn *c)
{
	ts_buf_printf(&c->out, "cur=%lu max=%lu total=%lu\n", ts->cur, ts->max, ts->total);
	c->close_at = ts_now_ms() + TS_CTL_WAIT_MS;
	ts_conn_flush(ts, c);
}

static void ts_accept(struct ts *ts, struct ts_handle *l)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char peer[INET6_ADDRSTRLEN + 16];
		struct ts_conn *c;
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				fprintf(stderr, "weir-testsrv: accept: %s\n", strerror(errno));
			return;
		}
		if (l->kind == TS_CTL_LISTENER) {
			ts_ctl_start(ts, ts_conn_new(ts, fd, TS_CTL_CONN));
			continue;
		}
		ts->cur++;
		ts->total++;
		if (ts->cur > ts->max)
			ts->max = ts->cur;
		ts_fmt_peer(&ss, peer, sizeof(peer));
		ts_log(ts, "accept %s", peer);
		c = ts_conn_new(ts, fd, TS_CONN);
		c->id = ++ts->seq;
		if (ts->recfd >= 0)
			ts_rec_separator(ts, c->id, peer);
		ts_conn_start(ts, c);
	}
}

/* ---- control commands ---- */

/* RESET forgets history, not the present: max restarts at what is open.
 * REQUESTS tells how far the HTTP traffic got: heads parsed, connections
 * accepted, heads we refused ourselves. */
static void ts_ctl_input(struct ts *ts, struct ts_conn *c)
{
	size_t n = ts_buf_line(&c->in);
	char cmd[64] = "";

	if (!n && !c->rd_eof)
		return;
	if (n) {
		size_t l = n < sizeof(cmd) ? n : sizeof(cmd) - 1;

		memcpy(cmd, c->in.data, l);
		cmd[l] = '\0';
		cmd[strcspn(cmd, "\r\n")] = '\0';
	}
	if (!strcmp(cmd, "RESET")) {
		ts->max = ts->cur;
		ts->total = 0;
		ts->requests = 0;
		ts->rejected = 0;
		ts_buf_printf(&c->out, "OK\n");
	} else if (!strcmp(cmd, "REQUESTS")) {
		ts_buf_printf(&c->out, "requests=%lu accepted=%lu rejected=%lu\n",
			      ts->requests, ts->total, ts->rejected);
	} else if (cmd[0]) {
		ts_buf_printf(&c->out, "ERR unknown command '%s' (try RESET or REQUESTS)\n", cmd);
	}
	c->in.len = 0;
	c->close_after_flush = true;
	ts_conn_flush(ts, c);
}

/* ---- http mode ---- */

static const char *ts_reason(int status)
{
	static const struct { int code; const char *text; } t[] = {
		{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" }, { 304, "Not Modified" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 408, "Request Timeout" },
		{ 413, "Content Too Large" }, { 414, "URI Too Long" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" }, { 500, "Internal Server Error" },
		{ 501, "Not Implemented" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == status)
			return t[i].text;
	return "Status";
}

/* The chunked body of X-Chunked: one chunk per size, of the letters a, b,
 * c... (a size 0 ends the list early), the last-chunk, X-Trailer's line. */
static void ts_http_chunks(struct ts_conn *c)
{
	const struct ts_reply *r = &c->reply;
	char letter = 'a';

	for (const char *p = r->chunks; *p; letter = letter == 'z' ? 'a' : letter + 1) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);

		if (end == p || !n)
			break;
		ts_buf_printf(&c->out, "%lx\r\n", n);
		for (unsigned long i = 0; i < n; i++)
			ts_buf_add(&c->out, &letter, 1);
		ts_buf_add(&c->out, "\r\n", 2);
		p = end + strspn(end, ", ");
	}
	ts_buf_add(&c->out, "0\r\n", 3);
	if (r->trailer[0])
		ts_buf_printf(&c->out, "%s\r\n", r->trailer);
	ts_buf_add(&c->out, "\r\n", 2);
}

/* Queue the response of the current request; body NAME\n (or the echo, or
 * X-Chunked's chunks) unless the status or the method forbids a body (RFC
 * 9110 6.4.1). */
static void ts_http_respond(struct ts *ts, struct ts_conn *c)
{
	const struct ts_reply *r = &c->reply;
	bool nobody = r->status == 204 || r->status == 304 || (r->status >= 100 && r->status < 200);
	size_t blen = r->echo ? c->echo.len : strlen(ts->o.name) + 1;

	ts_buf_printf(&c->out, "HTTP/1.1 %d %s\r\n", r->status, ts_reason(r->status));
	ts_buf_printf(&c->out, "Content-Type: text/plain\r\nX-Served-By: %s\r\n", ts->o.name);
	if (!nobody && r->chunks[0])
		ts_buf_printf(&c->out, "Transfer-Encoding: chunked\r\n");
	else if (!nobody)
		ts_buf_printf(&c->out, "Content-Length: %zu\r\n", blen);
	ts_buf_printf(&c->out, "Connection: %s\r\n\r\n", r->close ? "close" : "keep-alive");
	if (!nobody && !r->head && r->chunks[0])
		ts_http_chunks(c);
	else if (!nobody && !r->head && r->echo)
		ts_buf_add(&c->out, c->echo.data, c->echo.len);
	else if (!nobody && !r->head)
		ts_buf_printf(&c->out, "%s\n", ts->o.name);
	c->hs = r->close ? TS_H_DONE : TS_H_HEAD;
	if (r->close)
		c->close_after_flush = true;
}

/* Does a comma-separated header value hold this token (case-insensitive)? */
static bool ts_has_token(const char *v, const char *tok)
{
	size_t tl = strlen(tok);

	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (!strncasecmp(v, tok, tl) && (v[tl] == '\0' || v[tl] == ',' ||
		    v[tl] == ' ' || v[tl] == '\t'))
			return true;
		v += strcspn(v, ",");
	}
	return false;
}

/* Apply one request header to the reply and body framing being built. */
static void ts_http_header(struct ts_conn *c, const char *name, const char *val,
			   bool *ka, bool *cl, bool *chunked, bool *expect)
{
	if (!strcasecmp(name, "Connection")) {
		if (ts_has_token(val, "close"))
			*ka = false;
		else if (ts_has_token(val, "keep-alive"))
			*ka = true;
	} else if (!strcasecmp(name, "Content-Length")) {
		c->body_left = strtoull(val, NULL, 10);
		*cl = true;
	} else if (!strcasecmp(name, "Transfer-Encoding")) {
		*chunked = ts_has_token(val, "chunked");
	} else if (!strcasecmp(name, "X-Status")) {
		int s = atoi(val);

		if (s >= 100 && s <= 999)
			c->reply.status = s;
	} else if (!strcasecmp(name, "X-Delay-Ms")) {
		c->reply.delay_ms = atol(val);
	} else if (!strcasecmp(name, "X-Chunked")) {
		snprintf(c->reply.chunks, sizeof(c->reply.chunks), "%s", val);
	} else if (!strcasecmp(name, "X-Trailer")) {
		snprintf(c->reply.trailer, sizeof(c->reply.trailer), "%s", val);
	} else if (!strcasecmp(name, "Expect")) {
		*expect = ts_has_token(val, "100-continue");
	}
}

/* Split "Name: value" in place; false when the line has no colon. */
static bool ts_split_header(char *line, char **name, char **val)
{
	char *colon = strchr(line, ':');
	char *end;

	if (!colon || colon == line)
		return false;
	*colon = '\0';
	*name = line;
	*val = colon + 1;
	while (**val == ' ' || **val == '\t')
		(*val)++;
	end = *val + strlen(*val);
	while (end > *val && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return true;
}

/* Is path this one, or below it ("/echo", "/echo/x")? */
static bool ts_path_is(const char *path, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(path, base, n) && (path[n] == '\0' || path[n] == '/');
}

/* The built-in paths. A target in absolute form ("http://h/echo") is
 * matched on its path, as an origin server must accept it (RFC 9112 3.2.2). */
static void ts_http_route(struct ts *ts, struct ts_conn *c, const char *uri)
{
	const char *path = uri, *scheme = strstr(uri, "://");
	char p[4096];
	size_t n;

	if (uri[0] != '/' && scheme) {
		path = strchr(scheme + 3, '/');
		if (!path)
			path = "/";
	}
	n = strcspn(path, "?#");
	if (n >= sizeof(p))
		n = sizeof(p) - 1;
	memcpy(p, path, n);
	p[n] = '\0';
	c->reply.echo = ts->o.echo || ts_path_is(p, "/echo");
	c->reply.close = ts_path_is(p, "/close");
	if (!strncmp(p, "/status/", 8) && isdigit((unsigned char)p[8]) &&
	    isdigit((unsigned char)p[9]) && isdigit((unsigned char)p[10]) &&
	    (p[11] == '\0' || p[11] == '/') && p[8] != '0')
		c->reply.status = atoi(p + 8);
}

/* The echo body: the head's lines as received, each ending in "\n" (one
 * CR before the LF dropped), up to the empty line that ends the head. */
static void ts_http_echo(struct ts_conn *c, const char *head, size_t len)
{
	const char *p = head, *end = head + len;

	c->echo.len = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l && p[l - 1] == '\r')
			l--;
		if (!l)
			break;
		ts_buf_add(&c->echo, p, l);
		ts_buf_add(&c->echo, "\n", 1);
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* Parse the head (NUL-terminated copy, lines end in \n or \r\n), log it,
 * fill c->reply and the body state. False: malformed, answer 400. */
static bool ts_http_parse(struct ts *ts, struct ts_conn *c, char *head)
{
	char logline[8192], method[32], uri[4096], ver[16];
	bool ka, cl = false, chunked = false, expect = false;
	char *save = NULL, *line = strtok_r(head, "\r\n", &save);
	size_t ll;

	if (!line || sscanf(line, "%31s %4095s %15s", method, uri, ver) != 3 ||
	    strncmp(ver, "HTTP/1.", 7))
		return false;
	c->reply = (struct ts_reply){ .status = 200, .head = !strcmp(method, "HEAD") };
	ts_http_route(ts, c, uri);
	c->body_left = 0;
	ka = strcmp(ver, "HTTP/1.0") != 0;
	ll = (size_t)snprintf(logline, sizeof(logline), "req %s %s", method, uri);
	for (int i = 0; (line = strtok_r(NULL, "\r\n", &save)); i++) {
		char *name, *val;

		if (!ts_split_header(line, &name, &val))
			return false;
		if (ll < sizeof(logline))
			ll += (size_t)snprintf(logline + ll, sizeof(logline) - ll, "%s%s: %s",
					       i ? " | " : " ", name, val);
		ts_http_header(c, name, val, &ka, &cl, &chunked, &expect);
	}
	ts_log(ts, "%s", logline);
	ts->requests++;
	c->reply.close = c->reply.close || !ka;
	c->hs = chunked ? TS_H_CHUNK_SIZE : TS_H_BODY;
	if (chunked)
		c->body_left = 0;
	if (expect && (chunked || c->body_left))
		ts_buf_printf(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
	return true;
}

/* Find the end of the head: the first empty line. 0 when not there yet. */
static size_t ts_head_len(const struct ts_buf *b)
{
	for (size_t i = 0; i + 1 < b->len; i++) {
		if (b->data[i] != '\n')
			continue;
		if (b->data[i + 1] == '\n')
			return i + 2;
		if (i + 2 < b->len && b->data[i + 1] == '\r' && b->data[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* One step of reading a request. Returns false when it needs more input. */
static bool ts_http_step(struct ts *ts, struct ts_conn *c)
{
	size_t n;

	switch (c->hs) {
	case TS_H_HEAD: {
		char *head;

		n = ts_head_len(&c->in);
		if (!n) {
			if (c->in.len > TS_HEAD_MAX) {
				ts->rejected++;
				c->reply = (struct ts_reply){ .status = 431, .close = true };
				ts_http_respond(ts, c);
			}
			return false;
		}
		/* a copy, not strndup: a NUL in the head must not cut the echo */
		head = malloc(n + 1);
		if (!head)
			ts_die("out of memory");
		memcpy(head, c->in.data, n);
		head[n] = '\0';
		ts_buf_consume(&c->in, n);
		ts_http_echo(c, head, n);
		if (!ts_http_parse(ts, c, head)) {
			ts->rejected++;
			c->reply = (struct ts_reply){ .status = 400, .close = true };
			ts_http_respond(ts, c);
		}
		free(head);
		return true;
	}
	case TS_H_BODY:
	case TS_H_CHUNK_DATA:
		n = c->body_left < c->in.len ? c->body_left : c->in.len;
		ts_buf_consume(&c->in, n);
		c->body_left -= n;
		if (c->body_left)
			return false;
		c->hs = c->hs == TS_H_BODY ? TS_H_WAIT : TS_H_CHUNK_CRLF;
		if (c->hs == TS_H_WAIT)
			c->respond_at = ts_now_ms() + (c->reply.delay_ms > 0 ? c->reply.delay_ms : 0);
		return true;
	case TS_H_CHUNK_SIZE:
	case TS_H_CHUNK_CRLF:
	case TS_H_TRAILER: {
		bool empty;

		if (!(n = ts_buf_line(&c->in)))
			return false;
		empty = n == 1 || (n == 2 && c->in.data[0] == '\r');
		if (c->hs == TS_H_CHUNK_SIZE) {
			c->body_left = strtoull(c->in.data, NULL, 16);
			c->hs = c->body_left ? TS_H_CHUNK_DATA : TS_H_TRAILER;
		} else if (c->hs == TS_H_CHUNK_CRLF) {
			c->hs = TS_H_CHUNK_SIZE;
		} else if (empty) {
			c->hs = TS_H_WAIT;
			c->respond_at = ts_now_ms() + (c->reply.delay_ms > 0 ? c->reply.delay_ms : 0);
		}
		ts_buf_consume(&c->in, n);
		return true;
	}
	case TS_H_WAIT:
		if (ts_now_ms() < c->respond_at)
			return false;
		c->respond_at = 0;
		ts_http_respond(ts, c);
		return true;
	case TS_H_DONE:
		c->in.len = 0;
		return false;
	}
	return false;
}

/* Run the request reader as far as the input allows, then send. */
static void ts_http_advance(struct ts *ts, struct ts_conn *c)
{
	while (ts_http_step(ts, c))
		;
	/* A peer that closed mid-request gets nothing more; one that closed
	 * after a complete exchange is done. Either way: flush and close. */
	if (c->rd_eof && c->hs != TS_H_WAIT)
		c->close_after_flush = true;
	ts_conn_flush(ts, c);
}

/* ---- reading ---- */

/* Read what is there into c->in (recorded first). False when the
 * connection was closed. */
static bool ts_conn_read(struct ts *ts, struct ts_conn *c)
{
	char tmp[16384];
	ssize_t n = recv(c->h.fd, tmp, sizeof(tmp), 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return true;
	if (n < 0) {
		ts_conn_close(ts, c);
		return false;
	}
	if (n == 0) {
		c->rd_eof = true;
		return true;
	}
	if (c->h.kind != TS_CONN) {
		ts_buf_add(&c->in, tmp, (size_t)n);
		return true;
	}
	ts_record(ts, c, tmp, (size_t)n);
	if (ts->o.mode == TS_HTTP)
		ts_buf_add(&c->in, tmp, (size_t)n);
	else
		ts_buf_add(&c->out, tmp, (size_t)n);    /* echo */
	return true;
}

static void ts_conn_event(struct ts *ts, struct ts_conn *c, uint32_t ev)
{
	if ((ev & EPOLLERR) || ((ev & EPOLLHUP) && !(ev & EPOLLIN))) {
		ts_conn_close(ts, c);
		return;
	}
	if ((ev & EPOLLIN) && !ts_conn_read(ts, c))
		return;
	if (c->h.kind == TS_CTL_CONN) {
		ts_ctl_input(ts, c);
	} else if (ts->o.mode == TS_HTTP) {
		ts_http_advance(ts, c);
	} else {
		/* echo modes: the peer's EOF ends the exchange once echoed */
		if (c->rd_eof)
			c->close_after_flush = true;
		ts_conn_flush(ts, c);
	}
}

/* ---- timers: a linear scan is plenty for a test server ---- */

static int ts_next_timeout(const struct ts *ts)
{
	int64_t now = ts_now_ms(), next = -1;

	for (const struct ts_conn *c = ts->conns; c; c = c->next) {
		if (c->close_at && (next < 0 || c->close_at < next))
			next = c->close_at;
		if (c->respond_at && (next < 0 || c->respond_at < next))
			next = c->respond_at;
	}
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

static void ts_run_timers(struct ts *ts)
{
	int64_t now = ts_now_ms();
	struct ts_conn *c = ts->conns, *next;

	for (; c; c = next) {
		next = c->next;
		if (c->close_at && c->close_at <= now)
			ts_conn_close(ts, c);
		else if (c->respond_at && c->respond_at <= now)
			ts_http_advance(ts, c);
	}
}

/* ---- setup ---- */

/* "127.0.0.1:8080", "[::1]:8080". Numeric only: tests never resolve. */
static int ts_listen_on(const char *spec)
{
	char host[256];
	const char *colon = strrchr(spec, ':'), *h = spec;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai;
	size_t hl;
	int fd, one = 1, rc;

	if (!colon || !colon[1])
		ts_die("'%s': expected ADDR:PORT or [IPv6]:PORT", spec);
	hl = (size_t)(colon - spec);
	if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') {
		h = spec + 1;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		ts_die("'%s': address too long", spec);
	memcpy(host, h, hl);
	host[hl] = '\0';
	rc = getaddrinfo(host, colon + 1, &hints, &ai);
	if (rc)
		ts_die("'%s': %s", spec, gai_strerror(rc));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		ts_die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0)
		ts_die("cannot listen on %s: %s", spec, strerror(errno));
	freeaddrinfo(ai);
	return fd;
}

static void ts_usage(FILE *f)
{
	fprintf(f,
		"Usage: weir-testsrv --listen ADDR:PORT [--listen ...] --name NAME\n"
		"         [--mode banner|echo|http|close] [--hold-ms N] [--ctl ADDR:PORT]\n"
		"         [--pidfile FILE] [--log FILE] [--record FILE] [--echo]\n"
		"  banner: send NAME\\n, then echo; echo: echo only; close: send NAME\\n, close;\n"
		"  http: 200 with body NAME\\n (request headers X-Status: N, X-Delay-Ms: N;\n"
		"        paths /echo (body: the request head as received), /status/NNN, /close;\n"
		"        X-Chunked: N,N,... a chunked body of those chunk sizes, X-Trailer: LINE).\n"
		"  --hold-ms N: close each connection N ms after accept.\n"
		"  --record FILE: append every byte received, under \"### conn N PEER\" lines.\n"
		"  --echo: answer every http request as /echo does.\n"
		"  --ctl: each client gets \"cur=N max=M total=T\"; RESET resets the counts,\n"
		"         REQUESTS answers \"requests=R accepted=T rejected=B\".\n");
}

static enum ts_mode ts_parse_mode(const char *s)
{
	static const char *const names[] = { "banner", "echo", "http", "close" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return (enum ts_mode)i;
	ts_die("unknown mode '%s' (banner, echo, http or close)", s);
	return TS_BANNER;
}

static void ts_parse_args(struct ts_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "listen", required_argument, NULL, 'l' }, { "name", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' }, { "hold-ms", required_argument, NULL, 'H' },
		{ "ctl", required_argument, NULL, 'c' }, { "pidfile", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'L' }, { "help", no_argument, NULL, 'h' },
		{ "record", required_argument, NULL, 'r' }, { "echo", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	char *end;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (o->nlisten == TS_MAX_LISTEN)
				ts_die("at most %d --listen", TS_MAX_LISTEN);
			o->listen[o->nlisten++] = optarg;
			break;
		case 'n': o->name = optarg; break;
		case 'm': o->mode = ts_parse_mode(optarg); break;
		case 'H':
			o->hold_ms = strtol(optarg, &end, 10);
			if (*end || o->hold_ms < 0)
				ts_die("--hold-ms: '%s' is not a number of milliseconds", optarg);
			break;
		case 'c': o->ctl = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'L': o->logfile = optarg; break;
		case 'r': o->recfile = optarg; break;
		case 'e': o->echo = true; break;
		case 'h': ts_usage(stdout); exit(0);
		default: ts_usage(stderr); exit(1);
		}
	}
	if (optind < argc || !o->nlisten || !o->name) {
		ts_usage(stderr);
		exit(1);
	}
}

static void ts_setup_signals(struct ts *ts)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		ts_die("sigprocmask: %s", strerror(errno));
	ts->sig.kind = TS_SIGNAL;
	ts->sig.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (ts->sig.fd < 0)
		ts_die("signalfd: %s", strerror(errno));
	ts_watch(ts, &ts->sig, EPOLLIN, EPOLL_CTL_ADD);
}

static void ts_setup(struct ts *ts)
{
	ts->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ts->epfd < 0)
		ts_die("epoll_create1: %s", strerror(errno));
	ts_setup_signals(ts);
	for (int i = 0; i < ts->o.nlisten; i++) {
		struct ts_handle *l = &ts->listeners[ts->nlisteners++];

		l->kind = TS_LISTENER;
		l->fd = ts_listen_on(ts->o.listen[i]);
		ts_watch(ts, l, EPOLLIN, EPOLL_CTL_ADD);
	}
	if (ts->o.ctl) {
		ts->ctl.kind = TS_CTL_LISTENER;
		ts->ctl.fd = ts_listen_on(ts->o.ctl);
		ts_watch(ts, &ts->ctl, EPOLLIN, EPOLL_CTL_ADD);
	}
	ts->logfd = -1;
	if (ts->o.logfile) {
		ts->logfd = open(ts->o.logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (ts->logfd < 0)
			ts_die("--log %s: %s", ts->o.logfile, strerror(errno));
	}
	ts->recfd = -1;
	ts->rec_nl = true;
	if (ts->o.recfile) {
		ts->recfd = open(ts->o.recfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (ts->recfd < 0)
			ts_die("--record %s: %s", ts->o.recfile, strerror(errno));
	}
}

/* Written last, and atomically (rename), so its presence means ready. */
static void ts_write_pidfile(const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0 ||
	    rename(tmp, path) < 0)
		ts_die("--pidfile %s: %s", path, strerror(errno));
}

static void ts_dispatch(struct ts *ts, struct ts_handle *h, uint32_t ev)
{
	struct signalfd_siginfo si;

	switch (h->kind) {
	case TS_LISTENER:
	case TS_CTL_LISTENER:
		ts_accept(ts, h);
		break;
	case TS_CONN:
	case TS_CTL_CONN:
		ts_conn_event(ts, (struct ts_conn *)h, ev);
		break;
	case TS_SIGNAL:
		while (read(h->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			ts->stop = true;
		break;
	}
}

int main(int argc, char **argv)
{
	static struct ts ts;
	struct epoll_event evs[64];

	ts_parse_args(&ts.o, argc, argv);
	ts_setup(&ts);
	if (ts.o.pidfile)
		ts_write_pidfile(ts.o.pidfile);
	while (!ts.stop) {
		int n = epoll_wait(ts.epfd, evs, 64, ts_next_timeout(&ts));

		if (n < 0 && errno != EINTR)
			ts_die("epoll_wait: %s", strerror(errno));
		/* A connection closed by an earlier event of this batch is freed:
		 * each event is handled before the next is looked at, and a
		 * handler closes only its own connection. */
		for (int i = 0; i < n; i++)
			ts_dispatch(&ts, evs[i].data.ptr, evs[i].events);
		ts_run_timers(&ts);
	}
	while (ts.conns)
		ts_conn_close(&ts, ts.conns);
	if (ts.o.pidfile)
		unlink(ts.o.pidfile);
	return 0;
}
