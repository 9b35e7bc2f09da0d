/*
 * The runtime log: the sockets of the `log` targets and the framing of the
 * lines sent to them. Runs in every process (master, workers, checker,
 * stats); each opens its own sockets with log_init() after fork and owns
 * them until log_deinit(). Touches nothing in the shared segment.
 *
 * One socket per distinct address, shared by every target that names it:
 * a UNIX datagram socket for a path (/dev/log), a connected UDP socket for
 * host:port (connected so that ICMP errors surface on the next send), and
 * plain write(2) for stdout, stderr and fd@N. Every send is non-blocking and
 * tried once: a line a target cannot take is dropped and counted, because a
 * slow syslog daemon must never stall traffic.
 *
 * Line shapes follow HAProxy 2.6 (see log_head_*): a header chosen by the
 * target's `format`, the message cut so that the whole line fits the
 * target's `len`, and a final LF, which HAProxy sends on every target.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "weir/log.h"
#include "weir/util.h"

#define LOG_DEFAULT_MAXLEN 1024
#define LOG_MAX_LINE 65536      /* `len` accepts at most 65535 */
#define LOG_MAX_RANGES 64       /* as log_target.c accepts */

/* One open destination, shared by the targets with the same address. */
struct log_sock {
	char key[160];              /* address identity, for sharing */
	int fd;                     /* -1: could not be opened */
	int is_fd;                  /* stdout, stderr, fd@: write(2), never closed */
	int is_unix;                /* reconnect after the receiver restarted */
	int connected;
	time_t last_try;            /* last reconnect attempt, at most one a second */
	struct sockaddr_storage ss;
	socklen_t sslen;
};

/* The runtime state of one `log` line (struct log_target). */
struct log_dest {
	const struct log_target *t;
	int sock;                   /* index in lg.socks, -1: unusable */
	uint64_t seen;              /* lines offered, for `sample` */
	int nranges;
	int lo[LOG_MAX_RANGES], hi[LOG_MAX_RANGES];
};

static struct {
	const struct cfg *cfg;
	char *tag;                  /* global log-tag, else the program name */
	char *hostname;             /* log-send-hostname; NULL: not sent */
	int pid;
	struct log_sock *socks;
	int nsocks;
	struct log_dest *dests;     /* sorted by target address, for bsearch */
	int ndests;
	uint64_t dropped;
} lg = { .pid = 0 };

/* ------------------------------------------------------------ sockets */

/* The identity of a target's address: equal keys share one socket. */
static void sock_key(const struct cfg_addr *a, char *key, size_t cap)
{
	char host[NI_MAXHOST] = "";
	switch (a->kind) {
	case CFG_ADDR_STDOUT:
	case CFG_ADDR_STDERR:
	case CFG_ADDR_FD:
		snprintf(key, cap, "fd:%d", a->fd);
		break;
	case CFG_ADDR_UNIX:
	case CFG_ADDR_ABNS:
		snprintf(key, cap, "%s:%s", a->kind == CFG_ADDR_UNIX ? "unix" : "abns",
			 a->path ? a->path : "");
		break;
	default:
		if (a->is_name || !a->sslen)
			snprintf(host, sizeof(host), "%s", a->host ? a->host : "");
		else
			getnameinfo((const struct sockaddr *)&a->ss, a->sslen, host, sizeof(host),
				    NULL, 0, NI_NUMERICHOST);
		snprintf(key, cap, "udp:%s:%d", host, a->port);
		break;
	}
}

/* Resolves an inet target (names are resolved here, at startup, never on
 * the traffic path) with its port set. */
static int sock_inet_addr(const struct cfg_addr *a, struct sockaddr_storage *ss, socklen_t *len)
{
	if (!a->is_name && a->sslen) {
		*ss = a->ss;
		*len = a->sslen;
	} else {
		struct addrinfo hints = { .ai_family = a->forced_family ? a->forced_family : AF_UNSPEC,
					  .ai_socktype = SOCK_DGRAM }, *res;
		if (getaddrinfo(a->host, NULL, &hints, &res) != 0 || !res)
			return -1;
		memcpy(ss, res->ai_addr, res->ai_addrlen);
		*len = res->ai_addrlen;
		freeaddrinfo(res);
	}
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)a->port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)a->port);
	else
		return -1;
	return 0;
}

/* stdout, stderr, fd@N: a pipe or socket is made non-blocking, because a
 * reader that stalls (a container's log collector) must not stall us; a
 * terminal or file is left alone, as other processes share its flags. */
static void sock_open_fd(struct log_sock *s, int fd)
{
	struct stat st;
	s->fd = fd;
	s->is_fd = 1;
	s->connected = 1;
	if (fstat(fd, &st) < 0) {
		s->fd = -1;
		return;
	}
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void sock_open(struct log_sock *s, const struct log_target *t)
{
	const struct cfg_addr *a = &t->addr;
	s->fd = -1;
	if (a->kind == CFG_ADDR_STDOUT || a->kind == CFG_ADDR_STDERR || a->kind == CFG_ADDR_FD) {
		sock_open_fd(s, a->fd);
		if (s->fd < 0)
			log_say(LOG_LVL_WARNING, "log: file descriptor %d of '%s' is not open; its lines are dropped",
				a->fd, a->text);
		return;
	}
	if (a->kind == CFG_ADDR_UNIX || a->kind == CFG_ADDR_ABNS) {
		s->ss = a->ss;
		s->sslen = a->sslen;
		s->is_unix = 1;
	} else if (a->kind != CFG_ADDR_INET || sock_inet_addr(a, &s->ss, &s->sslen) < 0) {
		log_say(LOG_LVL_WARNING, "log: cannot resolve '%s'; its lines are dropped", a->text);
		return;
	}
	s->fd = socket(s->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		log_say(LOG_LVL_WARNING, "log: cannot create a socket for '%s': %s", a->text, strerror(errno));
		return;
	}
	s->connected = connect(s->fd, (struct sockaddr *)&s->ss, s->sslen) == 0;
	s->last_try = time(NULL);
	if (!s->connected)
		log_say(LOG_LVL_WARNING, "log: cannot connect to '%s' (%s); its lines are dropped until it %s",
			a->text, strerror(errno), s->is_unix ? "appears" : "answers");
}

/* The socket of target t, opened on first use; -1 when out of room. */
static int sock_for(const struct log_target *t)
{
	char key[160];
	sock_key(&t->addr, key, sizeof(key));
	for (int i = 0; i < lg.nsocks; i++)
		if (strcmp(lg.socks[i].key, key) == 0)
			return i;
	lg.socks = xrealloc(lg.socks, sizeof(*lg.socks) * (size_t)(lg.nsocks + 1));
	struct log_sock *s = &lg.socks[lg.nsocks];
	memset(s, 0, sizeof(*s));
	snprintf(s->key, sizeof(s->key), "%s", key);
	sock_open(s, t);
	return lg.nsocks++;
}

/* ------------------------------------------------------------ targets */

/* `sample 1-3,5:10`: the ranges were validated at load (log_target.c). */
static void dest_parse_sample(struct log_dest *d)
{
	const char *p = d->t->sample_ranges;
	while (p && *p && d->nranges < LOG_MAX_RANGES) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		d->lo[d->nranges] = (int)lo;
		d->hi[d->nranges++] = (int)hi;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			break;
	}
}

static void dest_add(const struct log_target *t)
{
	if (t->is_global)
		return;
	for (int i = 0; i < lg.ndests; i++)
		if (lg.dests[i].t == t)
			return;   /* shared with a defaults section */
	lg.dests = xrealloc(lg.dests, sizeof(*lg.dests) * (size_t)(lg.ndests + 1));
	struct log_dest *d = &lg.dests[lg.ndests++];
	memset(d, 0, sizeof(*d));
	d->t = t;
	d->sock = sock_for(t);
	if (t->sample_size)
		dest_parse_sample(d);
}

static int dest_cmp(const void *a, const void *b)
{
	const struct log_target *x = ((const struct log_dest *)a)->t;
	const struct log_target *y = ((const struct log_dest *)b)->t;
	return x < y ? -1 : x > y;
}

static struct log_dest *dest_find(const struct log_target *t)
{
	struct log_dest key = { .t = t };
	if (!lg.ndests)
		return NULL;
	return bsearch(&key, lg.dests, (size_t)lg.ndests, sizeof(key), dest_cmp);
}

/* The host name of the headers: `log-send-hostname` alone means the
 * system's name. */
static char *log_hostname(const char *conf)
{
	char buf[256];
	if (!conf)
		return NULL;
	if (*conf)
		return xstrdup(conf);
	if (gethostname(buf, sizeof(buf)) < 0)
		return NULL;
	buf[sizeof(buf) - 1] = '\0';
	return xstrdup(buf);
}

void log_init(const struct cfg *cfg, const char *tag)
{
	const struct log_target *t;
	const struct proxy_conf *px;
	log_deinit();
	lg.cfg = cfg;
	lg.pid = (int)getpid();
	lg.tag = xstrdup(cfg->global.log_tag ? cfg->global.log_tag : tag ? tag : "weir");
	lg.hostname = log_hostname(cfg->global.log_send_hostname);
	VEC_EACH(&cfg->global.logs, const struct log_target *, t)
		dest_add(t);
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px)
		VEC_EACH(&px->logs, const struct log_target *, t)
			dest_add(t);
	if (lg.ndests)
		qsort(lg.dests, (size_t)lg.ndests, sizeof(*lg.dests), dest_cmp);
}

void log_deinit(void)
{
	for (int i = 0; i < lg.nsocks; i++)
		if (lg.socks[i].fd >= 0 && !lg.socks[i].is_fd)
			close(lg.socks[i].fd);
	free(lg.socks);
	free(lg.dests);
	free(lg.tag);
	free(lg.hostname);
	lg.socks = NULL;
	lg.dests = NULL;
	lg.tag = lg.hostname = NULL;
	lg.nsocks = lg.ndests = 0;
	lg.cfg = NULL;
}

uint64_t log_dropped(void)
{
	return lg.dropped;
}

/* ------------------------------------------------------------ headers */

static const char log_months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Appends to a header, never past cap - 1: a long tag or host name cuts
 * the header, it never overflows the line. Returns the new length. */
static int hput(char *out, size_t cap, int n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int hput(char *out, size_t cap, int n, const char *fmt, ...)
{
	va_list ap;
	if ((size_t)n + 1 >= cap)
		return n;
	va_start(ap, fmt);
	int m = vsnprintf(out + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return n;
	return (size_t)n + (size_t)m < cap ? n + m : (int)cap - 1;
}

/* When a line is sent: read once, shared by every target of the line. */
struct log_when {
	struct tm tm;
	long usec;
};

/* RFC 3164's "Mmm dd hh:mm:ss ", the day padded with a space, local time. */
static int log_date_3164(char *out, size_t cap, int n, const struct log_when *w)
{
	const struct tm *tm = &w->tm;
	return hput(out, cap, n, "%s %2d %02d:%02d:%02d ", log_months[tm->tm_mon], tm->tm_mday,
		    tm->tm_hour, tm->tm_min, tm->tm_sec);
}

/* RFC 5424's timestamp, as HAProxy writes it: local time, microseconds,
 * the UTC offset with a colon: "2026-12-02T05:06:21.123456+00:00 ". */
static int log_date_iso(char *out, size_t cap, int n, const struct log_when *w)
{
	const struct tm *tm = &w->tm;
	long off = tm->tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	return hput(out, cap, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld%c%02ld:%02ld ",
		    tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min,
		    tm->tm_sec, w->usec, sign, off / 60, off % 60);
}

/*
 * The header of one line, per HAProxy 2.6: PRI is facility*8+level for
 * rfc3164, local, rfc5424 and priority, the level alone for short and
 * timed; rfc3164 and local carry "tag[pid]: ", rfc5424 "host tag pid
 * msgid sd " with "-" for the missing parts (weir has no msgid nor
 * structured data yet). Returns the length (at most cap - 1).
 */
static int log_head(char *out, size_t cap, const struct log_target *t, int level,
		    const char *tag, const struct log_when *w)
{
	int fac = t->format == LOG_FMT_SHORT || t->format == LOG_FMT_TIMED ? 0 : t->facility;
	int n = 0;
	if (t->minlevel >= 0 && level < t->minlevel)
		level = t->minlevel;   /* `minlevel` caps severity, it filters nothing */
	if (t->format != LOG_FMT_RAW && t->format != LOG_FMT_ISO)
		n = hput(out, cap, n, "<%d>", fac * 8 + level);
	switch (t->format) {
	case LOG_FMT_RFC3164:
	case LOG_FMT_LOCAL:
		n = log_date_3164(out, cap, n, w);
		if (t->format == LOG_FMT_RFC3164 && lg.hostname)
			n = hput(out, cap, n, "%s ", lg.hostname);
		n = hput(out, cap, n, "%s[%d]: ", tag, lg.pid);
		break;
	case LOG_FMT_RFC5424:
		n = hput(out, cap, n, "1 ");
		n = log_date_iso(out, cap, n, w);
		n = hput(out, cap, n, "%s %s %d - - ", lg.hostname ? lg.hostname : "-", tag, lg.pid);
		break;
	case LOG_FMT_TIMED:
	case LOG_FMT_ISO:
		n = log_date_iso(out, cap, n, w);
		break;
	default:   /* raw, short, priority: the message alone */
		break;
	}
	return n;
}

/* ------------------------------------------------------------ sending */

/* One try, never blocking, never repeated: a short or failed send is a
 * dropped line. A UNIX receiver that went away (syslog restarted) is
 * reconnected for later lines, at most once a second. */
static void sock_send(struct log_sock *s, const char *buf, size_t len)
{
	ssize_t n = -1;
	if (!s->connected && s->is_unix && time(NULL) != s->last_try) {
		s->last_try = time(NULL);
		s->connected = connect(s->fd, (struct sockaddr *)&s->ss, s->sslen) == 0;
	}
	if (s->is_fd)
		n = write(s->fd, buf, len);
	else if (s->connected)
		n = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n == (ssize_t)len)
		return;
	lg.dropped++;
	if (n < 0 && s->is_unix && (errno == ECONNREFUSED || errno == ENOTCONN))
		s->connected = 0;
}

/* `sample R:S`: sends the lines whose index (1-based, modulo S) is in R. */
static int dest_sampled(struct log_dest *d)
{
	if (!d->t->sample_size)
		return 1;
	int idx = (int)(d->seen++ % (uint64_t)d->t->sample_size) + 1;
	for (int i = 0; i < d->nranges; i++)
		if (idx >= d->lo[i] && idx <= d->hi[i])
			return 1;
	return 0;
}

static void dest_send(struct log_dest *d, int level, const char *tag, const struct log_when *w,
		      const char *msg, size_t len)
{
	static char line[LOG_MAX_LINE + 1];
	const struct log_target *t = d->t;
	size_t maxlen = t->maxlen > 0 ? (size_t)t->maxlen : LOG_DEFAULT_MAXLEN;
	if (t->level >= 0 && level > t->level)
		return;
	if (!dest_sampled(d))
		return;
	if (d->sock < 0 || lg.socks[d->sock].fd < 0) {
		lg.dropped++;
		return;
	}
	size_t n = (size_t)log_head(line, maxlen, t, level, tag, w);
	size_t room = maxlen - n - 1;   /* keep one byte for the LF */
	if (len > room)
		len = room;
	memcpy(line + n, msg, len);
	n += len;
	line[n++] = '\n';
	sock_send(&lg.socks[d->sock], line, n);
}

static void log_now(struct log_when *w)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	time_t sec = tv.tv_sec;
	localtime_r(&sec, &w->tm);
	w->usec = (long)tv.tv_usec;
}

/* A message to every target of `targets` with a tag; `log global`
 * entries expand to the global targets. */
static void log_emit_tag(const struct vec *targets, const char *tag, int level, const char *msg,
			 size_t len)
{
	const struct log_target *t;
	struct log_when w;
	if (!targets || !targets->n || !lg.cfg)
		return;
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\0'))
		len--;   /* the LF is ours to add */
	log_now(&w);
	VEC_EACH(targets, const struct log_target *, t) {
		if (t->is_global) {
			const struct log_target *g;
			VEC_EACH(&lg.cfg->global.logs, const struct log_target *, g) {
				struct log_dest *d = dest_find(g);
				if (d)
					dest_send(d, level, tag, &w, msg, len);
			}
			continue;
		}
		struct log_dest *d = dest_find(t);
		if (d)
			dest_send(d, level, tag, &w, msg, len);
	}
}

void log_emit(const struct vec *targets, int level, const char *msg, size_t len)
{
	log_emit_tag(targets, lg.tag ? lg.tag : "weir", level, msg, len);
}

static void log_vemit(const struct vec *targets, const char *tag, int level, const char *fmt,
		      va_list ap)
{
	static char msg[LOG_MAX_LINE];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof(msg))
		n = (int)sizeof(msg) - 1;
	log_emit_tag(targets, tag, level, msg, (size_t)n);
}

void log_proxy(const struct proxy_conf *px, int level, const char *fmt, ...)
{
	va_list ap;
	if (!px)
		return;
	va_start(ap, fmt);
	log_vemit(&px->logs, px->log_tag ? px->log_tag : lg.tag ? lg.tag : "weir", level, fmt, ap);
	va_end(ap);
}

void log_global(int level, const char *fmt, ...)
{
	va_list ap;
	if (!lg.cfg)
		return;
	va_start(ap, fmt);
	log_vemit(&lg.cfg->global.logs, lg.tag, level, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ stderr */

/* HAProxy's label column is ten wide, so the pids line up:
 * "[WARNING]  (1234) : ...", "[ALERT]    (1234) : ...". */
void log_say(int level, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	const char *label = level <= LOG_LVL_ERR ? "[ALERT]"
			  : level == LOG_LVL_WARNING ? "[WARNING]" : "[NOTICE]";
	int n = snprintf(line, sizeof(line), "%-10s (%d) : ", label, (int)getpid());
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	if (line[n - 1] != '\n')
		line[n++] = '\n';
	/* one write(2), so lines of several processes never interleave */
	ssize_t w = write(2, line, (size_t)n);
	(void)w;
}
