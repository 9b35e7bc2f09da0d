/*
 * Seamless reload, in the master. The new configuration is loaded first;
 * if it has errors, every one is logged and the running generation keeps
 * serving. Otherwise the master re-execs itself (same pid, possibly an
 * upgraded binary) and hands over through the environment:
 *
 *   WEIR_FDS     "<fd> <key>\n" per listening socket, kept open across
 *                exec (close-on-exec cleared), matched by key afterwards
 *   WEIR_SHM     the old segment's fd, to carry states over by name
 *   WEIR_OLD     "<pid> <role>\n" per process still running, which the
 *                new image stops once its own children are ready
 *   WEIR_GEN, WEIR_RELOADS, WEIR_START  generation, reload count, start time
 *
 * The listening sockets never close, so the kernel keeps queueing
 * connections while the image changes: none is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "weir/cfg.h"
#include "weir/log.h"
#include "weir/master.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "master-int.h"

extern char **environ;

static void set_cloexec(int fd, int on)
{
	int fl = fcntl(fd, F_GETFD);
	if (fl >= 0)
		fcntl(fd, F_SETFD, on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC);
}

/* Every socket the next image inherits, with its key; cloexec cleared. */
static void export_fds(struct master *m, struct sbuf *out, int keep)
{
	struct weir_proc *p = &m->p;
	for (int i = 0; i < p->nlisteners; i++) {
		struct listener *l = &p->listeners[i];
		for (int w = 0; w < l->nfds; w++) {
			char key[sizeof(l->key)];
			snprintf(key, sizeof(key), "%s", l->key);
			/* the key of worker w's socket ends in "#w" (listen.c) */
			char *hash = strrchr(key, '#');
			if (hash && l->nfds > 1)
				snprintf(hash, sizeof(key) - (size_t)(hash - key), "#%d", w);
			sbuf_printf(out, "%d %s\n", l->fds[w], key);
			set_cloexec(l->fds[w], !keep);
		}
	}
	for (int i = 0; i < p->nstats; i++) {
		sbuf_printf(out, "%d %s\n", p->stats[i].fd, p->stats[i].key);
		set_cloexec(p->stats[i].fd, !keep);
	}
	if (m->mcli_fd >= 0) {
		sbuf_printf(out, "%d %s\n", m->mcli_fd, m->mcli_key);
		set_cloexec(m->mcli_fd, !keep);
	}
}

static void export_old(struct master *m, struct sbuf *out)
{
	for (int i = 0; i < m->nkids; i++)
		if (m->kids[i].pid > 0)
			sbuf_printf(out, "%d %d\n", (int)m->kids[i].pid, (int)m->kids[i].role);
	for (int i = 0; i < m->nold; i++)
		sbuf_printf(out, "%d %d\n", (int)m->old[i].pid, (int)m->old[i].role);
}

static void setenv_num(const char *name, unsigned long long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", v);
	setenv(name, buf, 1);
}

/* Logs every error of a configuration that will not be loaded. */
static void reject(struct master *m, struct cfg *cfg)
{
	const struct cfg_diag *d;
	VEC_EACH(&cfg->diags, const struct cfg_diag *, d) {
		if (d->level != CFG_ALERT)
			continue;
		if (d->loc.file)
			log_say(LOG_LVL_ALERT, "config : parsing [%s:%d] : %s", d->loc.file,
				d->loc.line, d->msg);
		else
			log_say(LOG_LVL_ALERT, "config : %s", d->msg);
		log_global(LOG_LVL_ALERT, "Reload failed: %s:%d : %s", d->loc.file ? d->loc.file : "",
			   d->loc.line, d->msg);
	}
	m->failed_reloads++;
	log_say(LOG_LVL_ALERT, "Reload failed: the configuration has %d error%s; the running "
		"generation keeps serving.", cfg->nalerts, cfg->nalerts == 1 ? "" : "s");
	sd_notify_msg("READY=1\nSTATUS=Reload failed: configuration errors; still serving the "
		      "previous configuration.\n");
}

void master_reload(struct master *m)
{
	sd_notify_msg("RELOADING=1\nSTATUS=Reloading configuration.\n");
	log_say(LOG_LVL_NOTICE, "Reloading %s.", m->p.progname);
	struct cfg *cfg = master_load_config(m->o);
	if (cfg->nalerts || cfg_count_listeners(cfg) == 0) {
		if (!cfg->nalerts)
			cfg_diag_at(cfg, CFG_ALERT, NULL, "the configuration has no listener");
		reject(m, cfg);
		cfg_free(cfg);
		return;
	}
	cfg_free(cfg);
	struct sbuf fds = { 0 }, old = { 0 };
	export_fds(m, &fds, 1);
	export_old(m, &old);
	set_cloexec(m->p.seg.fd, 0);
	setenv("WEIR_FDS", sbuf_str(&fds), 1);
	setenv("WEIR_OLD", sbuf_str(&old), 1);
	setenv_num("WEIR_SHM", (unsigned long long)m->p.seg.fd);
	setenv_num("WEIR_GEN", m->p.generation);
	setenv_num("WEIR_RELOADS", (unsigned long long)m->reloads + 1);
	setenv_num("WEIR_START", m->start_ms);
	fflush(stdout);
	fflush(stderr);
	execve(m->exe, m->argv, environ);
	/* still here: the exec failed, and this image goes on serving */
	log_say(LOG_LVL_ALERT, "Reload failed: cannot re-execute '%s': %s", m->exe, strerror(errno));
	sbuf_reset(&fds);
	export_fds(m, &fds, 0);
	set_cloexec(m->p.seg.fd, 1);
	sbuf_free(&fds);
	sbuf_free(&old);
	unsetenv("WEIR_FDS");
	unsetenv("WEIR_OLD");
	unsetenv("WEIR_SHM");
	sd_notify_msg("READY=1\nSTATUS=Reload failed: cannot re-execute.\n");
}

/* ------------------------------------------------------------ the new image */

static void read_fds(struct inherited *inh, const char *s)
{
	for (const char *line = s; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[256];
		int fd;
		if (len < sizeof(buf)) {
			memcpy(buf, line, len);
			buf[len] = '\0';
			char *sp = strchr(buf, ' ');
			if (sp && sscanf(buf, "%d", &fd) == 1 && fd >= 0) {
				inh->fd = xrealloc(inh->fd, (size_t)(inh->n + 1) * sizeof(int));
				inh->key = xrealloc(inh->key, (size_t)(inh->n + 1) * sizeof(char *));
				inh->used = xrealloc(inh->used, (size_t)(inh->n + 1) * sizeof(int));
				inh->fd[inh->n] = fd;
				inh->key[inh->n] = xstrdup(sp + 1);
				inh->used[inh->n] = 0;
				set_cloexec(fd, 1);
				inh->n++;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
}

static void read_old(struct master *m, const char *s)
{
	for (const char *line = s; line && *line;) {
		int pid, role;
		if (sscanf(line, "%d %d", &pid, &role) == 2 && pid > 0) {
			m->old = xrealloc(m->old, (size_t)(m->nold + 1) * sizeof(*m->old));
			m->old[m->nold++] = (struct old_proc){ .pid = pid, .role = (enum shm_role)role };
		}
		const char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : NULL;
	}
}

void master_read_inheritance(struct master *m, struct inherited *inh, int *old_shm_fd)
{
	const char *fds = getenv("WEIR_FDS"), *gen = getenv("WEIR_GEN");
	m->p.generation = 1;
	if (!fds || !gen)
		return;
	m->reexeced = 1;
	m->p.generation = strtoull(gen, NULL, 10) + 1;
	read_fds(inh, fds);
	read_old(m, getenv("WEIR_OLD"));
	const char *v = getenv("WEIR_SHM");
	*old_shm_fd = v ? atoi(v) : -1;
	if (*old_shm_fd >= 0)
		set_cloexec(*old_shm_fd, 1);
	if ((v = getenv("WEIR_RELOADS")))
		m->reloads = atoi(v);
	if ((v = getenv("WEIR_START")))
		m->start_ms = strtoull(v, NULL, 10);
	unsetenv("WEIR_FDS");
	unsetenv("WEIR_OLD");
	unsetenv("WEIR_SHM");
	unsetenv("WEIR_GEN");
	unsetenv("WEIR_RELOADS");
	unsetenv("WEIR_START");
}

/* ------------------------------------------------------------ carrying states */

static int find_be(void *base, const char *name)
{
	const struct shm_header *h = shm_hdr(base);
	for (uint32_t i = 0; i < h->nbe; i++)
		if (strcmp(shm_name(base, shm_backend(base, i)->name_off), name) == 0)
			return (int)i;
	return -1;
}

static struct shm_srv *find_srv(void *base, const struct shm_be *be, const char *name)
{
	for (uint32_t i = 0; i < be->srv_count; i++) {
		struct shm_srv *s = shm_server(base, be->srv_first + i);
		if (strcmp(shm_name(base, s->name_off), name) == 0)
			return s;
	}
	return NULL;
}

/* An operator's choices survive (forced maint/drain, a changed weight,
 * disabled checks, a forced state of an unchecked server), and
 * so does the checker's verdict, so a reload neither flaps servers nor
 * sends traffic to one known to be down. */
static void carry_server(struct shm_srv *n, const struct shm_srv *o)
{
	n->admin = (n->admin & ~(uint32_t)(SHM_ADMIN_FMAINT | SHM_ADMIN_FDRAIN)) |
		   (o->admin & (SHM_ADMIN_FMAINT | SHM_ADMIN_FDRAIN));
	if (o->weight_user != o->weight_cfg)
		n->weight_user = o->weight_user;
	n->weight_pct = o->weight_pct;
	if (n->flags & SHM_SRV_CHECK) {
		n->op_state = o->op_state;
		int top = n->check_rise + n->check_fall - 1;
		n->check_health = o->check_health > top ? top : o->check_health;
		n->check_status = o->check_status;
		n->check_code = o->check_code;
		n->check_duration = o->check_duration;
		n->last_change = o->last_change;
		n->down_time = o->down_time;
	} else if (!(o->flags & SHM_SRV_CHECK)) {
		/* unchecked before and now: only `set server ... health`
		 * moved it, and that is the operator's choice too */
		n->op_state = o->op_state;
		n->last_change = o->last_change;
		n->down_time = o->down_time;
	}
	/* `disable health|agent` holds across reloads as maint does */
	n->ctl = o->ctl & (SHM_CTL_HEALTH_OFF | SHM_CTL_AGENT_OFF);
}

static void recount_backend(void *base, struct shm_be *be)
{
	be->srv_act = be->srv_bck = 0;
	for (uint32_t i = 0; i < be->srv_count; i++) {
		const struct shm_srv *s = shm_server(base, be->srv_first + i);
		if (s->op_state != SHM_OP_UP || (s->admin & SHM_ADMIN_MAINT))
			continue;
		if (s->flags & SHM_SRV_BACKUP)
			be->srv_bck++;
		else
			be->srv_act++;
	}
}

void master_carry_states(struct master *m, int old_shm_fd)
{
	struct shm_seg old = { .fd = -1 };
	int fd = dup(old_shm_fd);
	if (fd < 0 || shm_attach(fd, &old) < 0) {
		if (fd >= 0)
			close(fd);
		log_say(LOG_LVL_WARNING, "the previous shared segment cannot be read (%s): server "
			"states start afresh", strerror(errno));
		return;
	}
	void *nb = m->p.shm;
	int carried = 0;
	for (uint32_t b = 0; b < shm_hdr(nb)->nbe; b++) {
		struct shm_be *nbe = shm_backend(nb, b);
		int ob = find_be(old.base, shm_name(nb, nbe->name_off));
		if (ob < 0)
			continue;
		const struct shm_be *obe = shm_backend(old.base, (uint32_t)ob);
		for (uint32_t i = 0; i < nbe->srv_count; i++) {
			struct shm_srv *ns = shm_server(nb, nbe->srv_first + i);
			const struct shm_srv *os = find_srv(old.base, obe, shm_name(nb, ns->name_off));
			if (os) {
				carry_server(ns, os);
				carried++;
			}
		}
		recount_backend(nb, nbe);
	}
	shm_destroy(&old);
	log_say(LOG_LVL_NOTICE, "generation %llu: carried %d server state%s over from the "
		"previous generation", (unsigned long long)m->p.generation, carried,
		carried == 1 ? "" : "s");
}

/* ------------------------------------------------------------ -x */

static void add_inherited(struct inherited *inh, int fd, const char *key)
{
	inh->fd = xrealloc(inh->fd, (size_t)(inh->n + 1) * sizeof(int));
	inh->key = xrealloc(inh->key, (size_t)(inh->n + 1) * sizeof(char *));
	inh->used = xrealloc(inh->used, (size_t)(inh->n + 1) * sizeof(int));
	inh->fd[inh->n] = fd;
	inh->key[inh->n] = xstrdup(key);
	inh->used[inh->n] = 0;
	inh->n++;
}

/* One batch (src/stats/stats_xfer.c): "WEIRFDS <n>\n" and n keys, with the
 * descriptors attached. Returns n, 0 at the end, -1 on a broken answer. */
static int recv_batch(int fd, struct inherited *inh)
{
	char text[65536], cbuf[CMSG_SPACE(sizeof(int) * 256)];
	struct iovec iov = { text, sizeof(text) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	ssize_t r = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	int n;
	if (r <= 0)
		return -1;
	text[r] = '\0';
	if (sscanf(text, "WEIRFDS %d", &n) != 1 || n < 0 || n > 256)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int fds[256];
	if (n && (!c || c->cmsg_type != SCM_RIGHTS ||
		  c->cmsg_len != CMSG_LEN(sizeof(int) * (size_t)n)))
		return -1;
	if (n)
		memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)n);
	char *line = strchr(text, '\n');
	for (int i = 0; i < n; i++) {
		char *key = line ? line + 1 : NULL;
		line = key ? strchr(key, '\n') : NULL;
		if (!line) {
			close(fds[i]);
			continue;
		}
		*line = '\0';
		add_inherited(inh, fds[i], key);
	}
	return n;
}

/* -x <socket>: asks a running weir for its listening sockets over its
 * stats socket (`expose-fd listeners`), so that this instance takes them
 * over rather than binding beside them. */
int master_fetch_sockets(struct master *m, struct inherited *inh)
{
	const char *path = m->o->xfer_socket;
	if (strncmp(path, "unix@", 5) == 0)
		path += 5;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, path, strlen(path));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 5, 0 };
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    write(fd, "_getsocks\n", 10) != 10) {
		log_say(LOG_LVL_ALERT, "-x '%s' : cannot reach the running instance: %s",
			m->o->xfer_socket, strerror(errno));
		close(fd);
		return -1;
	}
	int n, total = 0;
	while ((n = recv_batch(fd, inh)) > 0)
		total += n;
	close(fd);
	if (n < 0) {
		log_say(LOG_LVL_ALERT, "-x '%s' : the running instance did not hand its sockets "
			"over (is the socket declared with 'level admin expose-fd listeners'?)",
			m->o->xfer_socket);
		return -1;
	}
	log_say(LOG_LVL_NOTICE, "took %d listening socket%s over from '%s'", total,
		total == 1 ? "" : "s", m->o->xfer_socket);
	return 0;
}
