/*
 * Server administration from the HTML stats page (`stats admin`): the
 * channel between the workers, which serve the page and read the POSTed
 * form, and the stats process, which applies it.
 *
 * Why a channel rather than a write from the worker: the segment gives
 * every field one writer (include/weir/shm-t.h), and a server's admin
 * bits and weight_user are the stats process's. A write is not one atomic
 * store: it sets and clears bits, propagates IMAINT/IDRAIN down `track`
 * chains and bumps lb_gen, a read-modify-write sequence that two writers
 * racing would leave half done (a tracker inheriting the wrong state). So
 * the worker hands the form over and the stats process runs it through
 * the very functions `set server ... state` uses (stats_cli_set_state),
 * one request at a time on its own loop.
 *
 * The channel: one SOCK_SEQPACKET socketpair the master creates before the
 * first fork and keeps, so restarted children find it again. Workers
 * share the sending end; each POST is one packet, the form as received,
 * with one end of a fresh socketpair attached (SCM_RIGHTS) for the reply:
 * several workers share the channel, and the attached end routes the
 * answer to the worker and transaction that asked with no ids to match.
 * A session that closes while waiting just drops its end. The reply is
 * HAProxy's status word (DONE, PART, NONE, ERRP, EXCD, ...).
 *
 * stats_admin_serve() runs in the stats process; stats_admin_send() and
 * stats_admin_recv() in a worker; the form rules in stats_admin_apply().
 */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stats-int.h"

/* HAProxy's limit on a key or value of the form ("Invalid key parameter
 * (empty or too long)"): a server name is far shorter. */
#define FORM_WORD_MAX 256

static const char *const st_words[] = {
	[STATS_ADMIN_DONE] = "DONE", [STATS_ADMIN_PART] = "PART", [STATS_ADMIN_NONE] = "NONE",
	[STATS_ADMIN_DENY] = "DENY", [STATS_ADMIN_ERRP] = "ERRP", [STATS_ADMIN_EXCD] = "EXCD",
	[STATS_ADMIN_IVAL] = "IVAL", [STATS_ADMIN_UNKN] = "UNKN",
};

const char *stats_admin_st_word(enum stats_admin_st st)
{
	return (unsigned)st < ARRAY_SIZE(st_words) ? st_words[st] : "UNKN";
}

enum stats_admin_st stats_admin_st_parse(const char *w, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(st_words); i++)
		if (strlen(st_words[i]) == n && memcmp(st_words[i], w, n) == 0)
			return (enum stats_admin_st)i;
	return STATS_ADMIN_UNKN;
}

/* ------------------------------------------------------------ the form */

/* The page's actions, HAProxy's values. */
enum form_action {
	ACT_NONE = 0, ACT_READY, ACT_DRAIN, ACT_MAINT,
	ACT_DHLTH, ACT_EHLTH, ACT_HRUNN, ACT_HNOLB, ACT_HDOWN,
	ACT_DAGENT, ACT_EAGENT, ACT_ARUNN, ACT_ADOWN, ACT_SHUTDOWN
};

static enum form_action parse_action(const char *v)
{
	static const char *const words[] = {
		[ACT_READY] = "ready", [ACT_DRAIN] = "drain", [ACT_MAINT] = "maint",
		[ACT_DHLTH] = "dhlth", [ACT_EHLTH] = "ehlth", [ACT_HRUNN] = "hrunn",
		[ACT_HNOLB] = "hnolb", [ACT_HDOWN] = "hdown", [ACT_DAGENT] = "dagent",
		[ACT_EAGENT] = "eagent", [ACT_ARUNN] = "arunn", [ACT_ADOWN] = "adown",
		[ACT_SHUTDOWN] = "shutdown",
	};
	for (size_t i = 1; i < ARRAY_SIZE(words); i++)
		if (strcmp(v, words[i]) == 0)
			return (enum form_action)i;
	return ACT_NONE;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes one application/x-www-form-urlencoded word ('+' is a space,
 * %XX a byte) into dst. -1 when malformed, empty or too long. */
static int form_decode(const char *s, size_t n, char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == '\0' || o + 1 >= cap)
			return -1;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return o ? 0 : -1;
}

/* The keys the page posts that mean something; others ("submit", or what
 * a script adds) are skipped without being decoded. */
static int known_key(const char *k)
{
	return strcmp(k, "b") == 0 || strcmp(k, "action") == 0 || strcmp(k, "s") == 0;
}

/* Walks the form's `key=value` pairs: fn(key, value, arg) for each known
 * key, in order ("key" alone has an empty value). -1 when a known pair
 * does not decode (fn not called for it). */
typedef int form_fn(const char *key, const char *val, void *arg);

static int form_each(const char *body, size_t len, form_fn *fn, void *arg)
{
	char key[FORM_WORD_MAX], val[FORM_WORD_MAX];
	for (size_t i = 0, end; i < len; i = end + 1) {
		const char *p = body + i;
		const char *amp = memchr(p, '&', len - i);
		end = amp ? (size_t)(amp - body) : len;
		if (end == i)
			continue;             /* "a=1&&b=2": an empty pair is nothing */
		const char *eq = memchr(p, '=', end - i);
		size_t klen = eq ? (size_t)(eq - p) : end - i;
		if (form_decode(p, klen, key, sizeof(key)) < 0)
			return -1;
		if (!known_key(key))
			continue;
		size_t vo = eq ? (size_t)(eq + 1 - body) : end;
		if (vo == end)
			val[0] = '\0';
		else if (form_decode(body + vo, end - vo, val, sizeof(val)) < 0)
			return -1;
		if (fn(key, val, arg) < 0)
			return -1;
	}
	return 0;
}

struct form {
	struct weir_proc *p;          /* NULL in tests: forced states are posted only */
	void *shm;
	int be;                       /* BE index, -1 none, -2 unknown */
	enum form_action act;         /* ACT_NONE: none given */
	int bad_action;
	int nsrv;
	int total, altered;
};

/* Pass one: the backend and the action, wherever they are in the form
 * (the page posts the checked servers first). */
static int form_head(const char *key, const char *val, void *arg)
{
	struct form *f = arg;
	if (strcmp(key, "b") == 0 && f->be == -1) {
		struct stats_ids ids;
		stats_obj_ids(f->shm, &ids);
		f->be = stats_obj_find_backend(f->shm, &ids, val);
		stats_obj_ids_free(&ids);
		if (f->be < 0)
			f->be = -2;
	} else if (strcmp(key, "action") == 0 && f->act == ACT_NONE && !f->bad_action) {
		f->act = parse_action(val);
		f->bad_action = f->act == ACT_NONE;
	} else if (strcmp(key, "s") == 0) {
		f->nsrv++;
	}
	return 0;
}

/* A server of backend `be` by name; -1 when unknown or ambiguous (HAProxy
 * refuses a name two servers share). */
static int find_srv(void *shm, int be, const char *name)
{
	const struct shm_be *b = shm_backend(shm, (uint32_t)be);
	int found = -1;
	for (uint32_t i = b->srv_first; i < b->srv_first + b->srv_count; i++) {
		if (strcmp(shm_name(shm, shm_server(shm, i)->name_off), name) != 0)
			continue;
		if (found >= 0)
			return -1;
		found = (int)i;
	}
	return found;
}

/* One action on one server, HAProxy's conditions: a check is switched
 * only where configured, health forced but on a tracking server, an agent
 * forced only while it runs. 1 when the server was altered, 0 when the
 * action does not apply to it (HAProxy then leaves it out of the count). */
static int form_act(struct form *f, uint32_t srv)
{
	const struct shm_srv *s = shm_server(f->shm, srv);
	const uint32_t web = SHM_FORCE_FROM_WEB;
	switch (f->act) {
	case ACT_READY:
		return stats_cli_set_state(f->shm, srv, "ready") == 0;
	case ACT_DRAIN:
		return stats_cli_set_state(f->shm, srv, "drain") == 0;
	case ACT_MAINT:
		return stats_cli_set_state(f->shm, srv, "maint") == 0;
	case ACT_DHLTH:
	case ACT_EHLTH:
		return (s->flags & SHM_SRV_CHECK) &&
		       stats_health_switch(f->shm, srv, 0, f->act == ACT_EHLTH) == 0;
	case ACT_DAGENT:
	case ACT_EAGENT:
		return (s->flags & SHM_SRV_AGENT) &&
		       stats_health_switch(f->shm, srv, 1, f->act == ACT_EAGENT) == 0;
	case ACT_HRUNN:
	case ACT_HNOLB:
	case ACT_HDOWN:
		if (s->flags & SHM_SRV_TRACKED)
			return 0;
		stats_health_force(f->p, f->shm, srv, web | (f->act == ACT_HRUNN ? SHM_FORCE_HEALTH_UP :
			f->act == ACT_HNOLB ? SHM_FORCE_HEALTH_STOPPING : SHM_FORCE_HEALTH_DOWN));
		return 1;
	case ACT_ARUNN:
	case ACT_ADOWN:
		if (!shm_srv_agent_on(s))
			return 0;
		stats_health_force(f->p, f->shm, srv, web | (f->act == ACT_ARUNN ?
			SHM_FORCE_AGENT_UP : SHM_FORCE_AGENT_DOWN));
		return 1;
	case ACT_SHUTDOWN:
		stats_health_kill(f->shm, srv);
		return 1;
	default:
		return 0;
	}
}

/* Pass two: each checked server. */
static int form_servers(const char *key, const char *val, void *arg)
{
	struct form *f = arg;
	if (strcmp(key, "s") != 0)
		return 0;
	int srv = find_srv(f->shm, f->be, val);
	if (srv < 0) {
		f->total++;           /* unknown or ambiguous: counted, not altered */
	} else if (form_act(f, (uint32_t)srv)) {
		f->total++;
		f->altered++;
	}
	return 0;
}

/* HAProxy's verdicts: nothing checked is NONE; a bad action, an unknown
 * backend or servers without both is ERRP; then, over the servers named
 * (but those the action does not apply to), DONE when every one changed,
 * PART when some did, ERRP when none did, NONE when none counted. */
enum stats_admin_st stats_admin_apply(struct weir_proc *p, void *shm, const char *body,
				      size_t len)
{
	struct form f = { .p = p, .shm = shm, .be = -1 };
	if (form_each(body, len, form_head, &f) < 0 || f.bad_action || f.be == -2)
		return STATS_ADMIN_ERRP;
	if (!f.nsrv)
		return STATS_ADMIN_NONE;
	if (f.be < 0 || f.act == ACT_NONE)
		return STATS_ADMIN_ERRP;
	form_each(body, len, form_servers, &f);
	if (!f.total)
		return STATS_ADMIN_NONE;
	if (!f.altered)
		return STATS_ADMIN_ERRP;
	return f.altered == f.total ? STATS_ADMIN_DONE : STATS_ADMIN_PART;
}

/* ------------------------------------------------------------ the stats process */

struct admin_srv {
	struct weir_proc *p;
	struct event *ev;
	size_t max;                   /* the largest form taken (tune.bufsize) */
	char *buf;
};

/* The reply fd the packet carried, -1 none. Closes any extra ones. */
static int take_fd(struct msghdr *mh)
{
	int fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int x;
			memcpy(&x, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = x;
			else
				close(x);
		}
	}
	return fd;
}

static void admin_one(struct admin_srv *a, int rx)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int) * 4)]; } ctl;
	struct iovec iov = { a->buf, a->max + 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b) };
	ssize_t n = recvmsg(rx, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return;
	int fd = take_fd(&mh);
	if (fd < 0)
		return;   /* no one to answer: not a request of ours */
	enum stats_admin_st st = (mh.msg_flags & MSG_TRUNC) || (size_t)n > a->max
		? STATS_ADMIN_EXCD : stats_admin_apply(a->p, a->p->shm, a->buf, (size_t)n);
	const char *w = stats_admin_st_word(st);
	/* a fresh socketpair with nothing queued: four bytes never block */
	if (send(fd, w, strlen(w), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* the worker gave up waiting; the change stands */
	}
	close(fd);
}

static void admin_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	/* bounded, so a burst of POSTs cannot starve the CLI sessions */
	for (int i = 0; i < 32; i++) {
		char peek;
		if (recv(fd, &peek, 1, MSG_PEEK | MSG_DONTWAIT) < 0)
			return;   /* EAGAIN: all taken */
		admin_one(arg, fd);
	}
}

int stats_admin_serve(struct weir_proc *p)
{
	if (!p->admin_chan || p->admin_rx < 0)
		return 0;
	struct admin_srv *a = xcalloc(1, sizeof(*a));
	int bs = p->cfg ? p->cfg->global.tune_bufsize : 0;
	a->p = p;
	a->max = bs > 0 ? (size_t)bs : 16384;
	a->buf = xmalloc(a->max + 1);
	a->ev = event_new(p->base, p->admin_rx, EV_READ | EV_PERSIST, admin_cb, a);
	if (!a->ev || event_add(a->ev, NULL) < 0) {
		fprintf(stderr, "weir: stats: cannot watch the stats page's admin channel.\n");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ a worker */

int stats_admin_send(struct weir_proc *p, const char *form, size_t len)
{
	int sv[2];
	if (!p->admin_chan || p->admin_tx < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ctl;
	memset(&ctl, 0, sizeof(ctl));
	/* an empty form is still a request: a zero-length packet carries no
	 * descriptor on every kernel, so send one byte the form cannot hold */
	struct iovec iov = { (void *)(len ? form : "&"), len ? len : 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
	ssize_t n = sendmsg(p->admin_tx, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(sv[1]);
	if (n < 0) {
		close(sv[0]);
		return -1;
	}
	return sv[0];
}

enum stats_admin_st stats_admin_recv(int fd)
{
	char w[8];
	ssize_t n = recv(fd, w, sizeof(w), MSG_DONTWAIT);
	return n > 0 ? stats_admin_st_parse(w, (size_t)n) : STATS_ADMIN_UNKN;
}
