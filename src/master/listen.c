/*
 * Binding, in the master: every `bind` of every enabled frontend and every
 * `stats socket`, before any child exists, so the children inherit them
 * and only the master needs the privilege to bind. Across a re-exec the
 * sockets are inherited, matched by address key, and never closed: only
 * new addresses are bound, removed ones closed.
 *
 * inet listeners get one SO_REUSEPORT socket per worker (proc-t.h says
 * why); UNIX sockets are bound under a temporary name, given their mode and
 * owner, then renamed over the final path, so a client never meets a
 * missing or half-set-up socket during a restart.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <unistd.h>

#include "weir/cfg.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "master-int.h"

/* ------------------------------------------------------------ addresses */

static void addr_key(const struct cfg_addr *a, const struct sockaddr_storage *ss, int w,
		     char *key, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "";
	switch (a->kind) {
	case CFG_ADDR_UNIX:
		snprintf(key, len, "unix %s", a->path);
		return;
	case CFG_ADDR_ABNS:
		snprintf(key, len, "abns %s", a->path);
		return;
	case CFG_ADDR_FD:
	case CFG_ADDR_SOCKPAIR:
		snprintf(key, len, "fd %d", a->fd);
		return;
	default:
		break;
	}
	int port;
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
	}
	snprintf(key, len, "inet %s %d #%d", ip, port, w);
}

/* The address to bind: the literal, or the name resolved now. */
static int resolve(const struct cfg_addr *a, struct sockaddr_storage *ss, socklen_t *len)
{
	if (!a->is_name) {
		memcpy(ss, &a->ss, sizeof(*ss));
		*len = a->sslen;
		return 0;
	}
	struct addrinfo hints = { .ai_family = a->family, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char port[16];
	snprintf(port, sizeof(port), "%d", a->port);
	int rc = getaddrinfo(a->host, port, &hints, &res);
	if (rc != 0 || !res) {
		log_say(LOG_LVL_ALERT, "cannot resolve '%s': %s", a->text, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int inherited_take(struct inherited *inh, const char *key)
{
	for (int i = 0; inh && i < inh->n; i++)
		if (!inh->used[i] && strcmp(inh->key[i], key) == 0) {
			inh->used[i] = 1;
			return inh->fd[i];
		}
	return -1;
}

/* ------------------------------------------------------------ inet */

static void inet_options(int fd, const struct bind_conf *b, int family)
{
	int one = 1;
	if (family == AF_INET6 && (b->v6only || b->v4v6)) {
		int v6only = b->v6only ? 1 : 0;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	}
	if (b->defer_accept)
		setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof(one));
	if (b->tfo) {
		int qlen = 256;
		setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof(qlen));
	}
	if (b->mss > 0)
		setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &b->mss, sizeof(b->mss));
	if (b->transparent)
		setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one));
	if (b->interface)
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, b->interface,
			   (socklen_t)strlen(b->interface) + 1);
}

static int bind_inet(const struct bind_conf *b, const struct sockaddr_storage *ss,
		     socklen_t len, int reuseport, int backlog)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	inet_options(fd, b, ss->ss_family);
	if (bind(fd, (const struct sockaddr *)ss, len) < 0 || listen(fd, backlog) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* ------------------------------------------------------------ -sf handover */

/* How many sockets (the old instance's) already listen on the address:
 * ours join the reuseport group after them (steer.c says why it matters). */
static int count_listening(const struct sockaddr_storage *ss)
{
	const char *path = ss->ss_family == AF_INET6 ? "/proc/net/tcp6" : "/proc/net/tcp";
	char want[64], line[512];
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;
		const uint32_t *w = (const uint32_t *)&s6->sin6_addr;
		snprintf(want, sizeof(want), "%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3],
			 ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;
		snprintf(want, sizeof(want), "%08X:%04X", s4->sin_addr.s_addr, ntohs(s4->sin_port));
	}
	FILE *f = fopen(path, "r");
	int n = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char local[64], remote[64], st[8];
		if (sscanf(line, "%*s %63s %63s %7s", local, remote, st) == 3 &&
		    strcmp(st, "0A") == 0 && strcmp(local, want) == 0)
			n++;
	}
	fclose(f);
	return n;
}

/* ------------------------------------------------------------ unix */

static int owner_ids(const struct bind_conf *b, uid_t *uid, gid_t *gid)
{
	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (b->unix_uid >= 0)
		*uid = (uid_t)b->unix_uid;
	if (b->unix_gid >= 0)
		*gid = (gid_t)b->unix_gid;
	if (b->unix_user) {
		struct passwd *pw = getpwnam(b->unix_user);
		if (!pw)
			return -1;
		*uid = pw->pw_uid;
	}
	if (b->unix_group) {
		struct group *gr = getgrnam(b->unix_group);
		if (!gr)
			return -1;
		*gid = gr->gr_gid;
	}
	return 0;
}

static int bind_unix(const struct bind_conf *b, const struct cfg_addr *a, int backlog)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char tmp[sizeof(sun.sun_path)];
	int abstract = a->kind == CFG_ADDR_ABNS;
	if (strlen(a->path) + 16 >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(tmp, sizeof(tmp), abstract ? "%s" : "%s.%d.tmp", a->path, (int)getpid());
	memcpy(sun.sun_path + abstract, tmp, strlen(tmp));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + strlen(tmp));
	if (!abstract)
		unlink(tmp);
	if (bind(fd, (struct sockaddr *)&sun, len) < 0)
		goto fail;
	if (!abstract) {
		uid_t uid;
		gid_t gid;
		if (b->unix_mode >= 0 && chmod(tmp, (mode_t)b->unix_mode) < 0)
			goto fail_unlink;
		if (owner_ids(b, &uid, &gid) < 0) {
			errno = ENOENT;
			goto fail_unlink;
		}
		if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(tmp, uid, gid) < 0)
			goto fail_unlink;
	}
	if (listen(fd, backlog) < 0)
		goto fail_unlink;
	if (!abstract && rename(tmp, a->path) < 0)
		goto fail_unlink;
	return fd;
fail_unlink:
	if (!abstract)
		unlink(tmp);
fail:;
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* ------------------------------------------------------------ listeners */

static int backlog_of(const struct master *m, const struct proxy_conf *px,
		      const struct bind_conf *b)
{
	int bl = b->backlog > 0 ? b->backlog : px->backlog > 0 ? px->backlog
		 : px->maxconn > 0 ? px->maxconn : m->p.cfg->global.maxconn;
	return bl < 1024 ? 1024 : bl;
}

static void bind_failed(const struct proxy_conf *px, const struct bind_conf *b)
{
	log_say(LOG_LVL_ALERT, "Starting %s %s: cannot bind socket (%s) for [%s]",
		(px->cap & PX_CAP_BE) ? "proxy" : "frontend", px->name, strerror(errno),
		b->addr.text);
}

static int bind_one(struct master *m, struct listener *l, struct inherited *inh)
{
	const struct bind_conf *b = l->bind;
	const struct cfg_addr *a = &b->addr;
	int backlog = backlog_of(m, l->px, b);
	if (a->kind == CFG_ADDR_INET && a->port_last != a->port) {
		log_say(LOG_LVL_ALERT, "%s:%d : port ranges on 'bind' are not supported yet; "
			"write one 'bind' line per port", b->loc.file, b->loc.line);
		return -1;
	}
	if (a->kind == CFG_ADDR_INET) {
		struct sockaddr_storage ss;
		socklen_t len;
		if (resolve(a, &ss, &len) < 0)
			return -1;
		int reuseport = !m->p.cfg->global.noreuseport;
		l->nfds = reuseport ? m->p.nworkers : 1;
		l->fds = xcalloc((size_t)l->nfds, sizeof(int));
		int fresh = 0, n_old = reuseport && m->o->nstop_pids ? count_listening(&ss) : 0;
		for (int w = 0; w < l->nfds; w++) {
			addr_key(a, &ss, w, l->key, sizeof(l->key));
			l->fds[w] = inherited_take(inh, l->key);
			if (l->fds[w] < 0) {
				l->fds[w] = bind_inet(b, &ss, len, reuseport, backlog);
				fresh++;
			}
			if (l->fds[w] < 0)
				return -1;
		}
		if (n_old > 0 && fresh == l->nfds)
			steer_to_new(l->fds, n_old, l->nfds);
		return 0;
	}
	l->nfds = 1;
	l->fds = xcalloc(1, sizeof(int));
	addr_key(a, NULL, 0, l->key, sizeof(l->key));
	l->fds[0] = inherited_take(inh, l->key);
	if (l->fds[0] >= 0)
		return 0;
	if (a->kind == CFG_ADDR_FD || a->kind == CFG_ADDR_SOCKPAIR) {
		int type = 0;
		socklen_t tl = sizeof(type);
		if (getsockopt(a->fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
			return -1;
		fcntl(a->fd, F_SETFL, fcntl(a->fd, F_GETFL) | O_NONBLOCK);
		fcntl(a->fd, F_SETFD, FD_CLOEXEC);
		l->fds[0] = a->fd;
		return 0;
	}
	l->fds[0] = bind_unix(b, a, backlog);
	return l->fds[0] < 0 ? -1 : 0;
}

static int bind_listeners(struct master *m, struct inherited *inh)
{
	struct weir_proc *p = &m->p;
	const struct proxy_conf *px;
	p->listeners = xcalloc((size_t)cfg_count_listeners(p->cfg) + 1, sizeof(*p->listeners));
	VEC_EACH(&p->cfg->proxies, const struct proxy_conf *, px) {
		int fe = p->layout->fe_of_px[px_i];
		if (fe < 0 || px->disabled)
			continue;
		const struct shm_fe *rec = shm_frontend(p->shm, (uint32_t)fe);
		const struct bind_conf *b;
		VEC_EACH(&px->binds, const struct bind_conf *, b) {
			struct listener *l = &p->listeners[p->nlisteners++];
			l->px = px;
			l->bind = b;
			l->px_index = px_i;
			l->fe = (uint32_t)fe;
			l->li = rec->li_first + (uint32_t)b_i;
			if (bind_one(m, l, inh) < 0) {
				bind_failed(px, b);
				return -1;
			}
		}
	}
	return 0;
}

static int bind_stats(struct master *m, struct inherited *inh)
{
	struct weir_proc *p = &m->p;
	const struct vec *socks = &p->cfg->global.stats_sockets;
	const struct bind_conf *b;
	p->stats = xcalloc((size_t)socks->n + 1, sizeof(*p->stats));
	VEC_EACH(socks, const struct bind_conf *, b) {
		struct stats_listener *sl = &p->stats[p->nstats++];
		sl->bind = b;
		sl->fd = -1;
		char key[150];
		addr_key(&b->addr, &b->addr.ss, 0, key, sizeof(key));
		snprintf(sl->key, sizeof(sl->key), "stats %s", key);
		sl->fd = inherited_take(inh, sl->key);
		if (sl->fd >= 0)
			continue;
		if (b->addr.kind == CFG_ADDR_UNIX || b->addr.kind == CFG_ADDR_ABNS)
			sl->fd = bind_unix(b, &b->addr, 64);
		else if (b->addr.kind == CFG_ADDR_INET)
			sl->fd = bind_inet(b, &b->addr.ss, b->addr.sslen, 0, 64);
		if (sl->fd < 0) {
			log_say(LOG_LVL_ALERT, "Starting the stats socket: cannot bind socket (%s) "
				"for [%s]", strerror(errno), b->addr.text);
			return -1;
		}
	}
	return 0;
}

/* -S <addr>[,mode <octal>][,level ...]: a UNIX path or ip:port. */
int master_cli_bind(struct master *m, struct inherited *inh)
{
	char addr[256], why[200];
	m->mcli_fd = -1;
	if (!m->o->master_cli)
		return 0;
	snprintf(addr, sizeof(addr), "%s", m->o->master_cli);
	char *opts = strchr(addr, ',');
	if (opts)
		*opts++ = '\0';
	struct bind_conf *b = arena_alloc(m->p.cfg->arena, sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->unix_mode = -1;
	b->unix_uid = b->unix_gid = -1;
	if (opts && strncmp(opts, "mode ", 5) == 0)
		b->unix_mode = (int)strtol(opts + 5, NULL, 8);
	if (cfg_parse_addr(m->p.cfg->arena, addr, CFG_ADDR_FOR_BIND, &b->addr, why, sizeof(why)) < 0) {
		log_say(LOG_LVL_ALERT, "-S '%s' : %s", m->o->master_cli, why);
		return -1;
	}
	char key[150];
	addr_key(&b->addr, &b->addr.ss, 0, key, sizeof(key));
	snprintf(m->mcli_key, sizeof(m->mcli_key), "mcli %s", key);
	m->mcli_fd = inherited_take(inh, m->mcli_key);
	if (m->mcli_fd >= 0)
		return 0;
	if (b->addr.kind == CFG_ADDR_INET)
		m->mcli_fd = bind_inet(b, &b->addr.ss, b->addr.sslen, 0, 16);
	else
		m->mcli_fd = bind_unix(b, &b->addr, 16);
	if (m->mcli_fd < 0) {
		log_say(LOG_LVL_ALERT, "cannot bind the master CLI socket '%s': %s", addr,
			strerror(errno));
		return -1;
	}
	return 0;
}

int master_bind_all(struct master *m, struct inherited *inh)
{
	if (bind_listeners(m, inh) < 0 || bind_stats(m, inh) < 0 || master_cli_bind(m, inh) < 0)
		return -1;
	/* what the new configuration no longer names is closed now */
	for (int i = 0; inh && i < inh->n; i++)
		if (!inh->used[i])
			close(inh->fd[i]);
	return 0;
}

void master_close_listeners(struct master *m)
{
	struct weir_proc *p = &m->p;
	for (int i = 0; i < p->nlisteners; i++)
		for (int w = 0; w < p->listeners[i].nfds; w++)
			if (p->listeners[i].fds[w] >= 0) {
				close(p->listeners[i].fds[w]);
				p->listeners[i].fds[w] = -1;
			}
	for (int i = 0; i < p->nstats; i++)
		if (p->stats[i].fd >= 0) {
			close(p->stats[i].fd);
			p->stats[i].fd = -1;
		}
}

/* ------------------------------------------------------------ servers */

static int resolve_server(struct server_conf *s)
{
	struct cfg_addr *a = &s->addr;
	if (a->kind != CFG_ADDR_INET || !a->is_name)
		return 0;
	struct addrinfo hints = { .ai_family = a->family, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(a->host, NULL, &hints, &res);
	if (rc != 0 || !res) {
		log_say(LOG_LVL_ALERT, "%s:%d : could not resolve address '%s' of server '%s': %s",
			s->loc.file, s->loc.line, a->host, s->name, gai_strerror(rc));
		return -1;
	}
	memcpy(&a->ss, res->ai_addr, res->ai_addrlen);
	a->sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int master_resolve_servers(struct master *m)
{
	struct proxy_conf *px;
	int rc = 0;
	VEC_EACH(&m->p.cfg->proxies, struct proxy_conf *, px) {
		struct server_conf *s;
		VEC_EACH(&px->servers, struct server_conf *, s)
			if (resolve_server(s) < 0)
				rc = -1;
	}
	return rc;
}
