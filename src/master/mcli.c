/*
 * The master CLI (-S <addr>[,mode <octal>]), in the master. Commands:
 * `help`, `show proc`, `reload`, and `@<n> <command>` (`@!<pid>`,
 * `@master`) to run a runtime API command "in" a process. In weir every
 * process shares one segment, so the master answers those itself with the
 * stats process's command table (stats_exec), at admin level: the master
 * CLI is only reachable by whoever may reach its socket.
 *
 * The socket is bound once and inherited across re-execs like a listener.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/stats.h"
#include "weir/util.h"
#include "master-int.h"

struct mcli_sess {
	struct master *m;
	struct bufferevent *bev;
	int prompt;
	int closing;
};

static void uptime_str(uint64_t start_ms, char *buf, size_t len)
{
	uint64_t now = (uint64_t)master_now_ms();
	uint64_t s = now > start_ms ? (now - start_ms) / 1000 : 0;
	snprintf(buf, len, "%llud%02lluh%02llum%02llus", (unsigned long long)(s / 86400),
		 (unsigned long long)(s / 3600 % 24), (unsigned long long)(s / 60 % 60),
		 (unsigned long long)(s % 60));
}

static const char *role_word(enum shm_role r)
{
	return r == SHM_ROLE_WORKER ? "worker" : r == SHM_ROLE_CHECKER ? "checker" : "stats";
}

/* HAProxy's `show proc` table, with weir's checker and stats processes. */
static void show_proc(struct master *m, struct sbuf *out)
{
	char up[32], rl[32];
	sbuf_printf(out, "#%-15s%-16s%-16s%-16s%s\n", "<PID>", "<type>", "<reloads>", "<uptime>",
		    "<version>");
	uptime_str(m->start_ms, up, sizeof(up));
	snprintf(rl, sizeof(rl), "%d [failed: %d]", m->reloads, m->failed_reloads);
	sbuf_printf(out, "%-16d%-16s%-16s%-16s%s\n", (int)getpid(), "master", rl, up, PACKAGE_VERSION);
	sbuf_adds(out, "# workers\n");
	for (int i = 0; i < m->nkids; i++) {
		const struct child *c = &m->kids[i];
		if (c->pid <= 0)
			continue;
		uptime_str((uint64_t)c->started_ms, up, sizeof(up));
		snprintf(rl, sizeof(rl), "%u", shm_proc(m->p.shm, c->slot)->restarts);
		sbuf_printf(out, "%-16d%-16s%-16s%-16s%s\n", (int)c->pid, role_word(c->role), rl, up,
			    PACKAGE_VERSION);
	}
	sbuf_adds(out, "# old workers\n");
	for (int i = 0; i < m->nold; i++)
		sbuf_printf(out, "%-16d%-16s%-16s%-16s%s\n", (int)m->old[i].pid,
			    role_word(m->old[i].role), "-", "-", PACKAGE_VERSION);
	sbuf_adds(out, "# programs\n\n");
}

static int known_target(struct master *m, const char *t)
{
	if (strcmp(t, "master") == 0)
		return 1;
	if (t[0] == '!') {
		int pid = atoi(t + 1);
		for (int i = 0; i < m->nkids; i++)
			if (m->kids[i].pid == pid)
				return 1;
		return pid == (int)getpid();
	}
	int n = atoi(t);
	return n >= 1 && n <= m->p.nworkers;
}

/* Runs one command; returns 1 when the session must close. */
static int run_one(struct mcli_sess *s, char *cmd, struct sbuf *out)
{
	struct master *m = s->m;
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	if (!*cmd)
		return 0;
	if (cmd[0] == '@') {
		char *sp = strchr(cmd, ' ');
		if (sp)
			*sp++ = '\0';
		if (!known_target(m, cmd + 1)) {
			sbuf_printf(out, "Can't find the target '%s'.\n", cmd);
			return 0;
		}
		if (!sp || !*sp)
			return 0;
		return stats_exec(&m->p, STATS_LEVEL_ADMIN, sp, out) == STATS_EXEC_QUIT;
	}
	if (strcmp(cmd, "help") == 0) {
		sbuf_adds(out, "The following commands are valid at this level:\n"
			  "  @<n> <cmd>     : run <cmd> in worker <n> (same answers for every process)\n"
			  "  @!<pid> <cmd>  : run <cmd> in the process <pid>\n"
			  "  help           : this message\n"
			  "  prompt         : toggle interactive mode with prompt\n"
			  "  quit           : disconnect\n"
			  "  reload         : reload the configuration (as SIGUSR2)\n"
			  "  show proc      : show processes status\n");
	} else if (strcmp(cmd, "show proc") == 0) {
		show_proc(m, out);
	} else if (strcmp(cmd, "reload") == 0) {
		s->closing = 1;
		return 2;
	} else if (strcmp(cmd, "prompt") == 0) {
		s->prompt = !s->prompt;
	} else if (strcmp(cmd, "quit") == 0) {
		return 1;
	} else {
		sbuf_printf(out, "Unknown command '%s'. Type 'help' for the master CLI commands, or "
			    "'@1 <command>' for the runtime API.\n", cmd);
	}
	return 0;
}

static void sess_free(struct mcli_sess *s)
{
	bufferevent_free(s->bev);
	free(s);
}

static void write_done_cb(struct bufferevent *bev, void *arg)
{
	struct mcli_sess *s = arg;
	(void)bev;
	if (s->closing)
		sess_free(s);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct mcli_sess *s = arg;
	char *line;
	size_t n;
	while (!s->closing && (line = evbuffer_readln(bufferevent_get_input(bev), &n,
						      EVBUFFER_EOL_CRLF))) {
		struct sbuf out = { 0 };
		int rc = 0;
		for (char *save = NULL, *c = strtok_r(line, ";", &save); c && !rc;
		     c = strtok_r(NULL, ";", &save))
			rc = run_one(s, c, &out);
		free(line);
		if (!s->prompt || rc == 1)
			s->closing = 1;
		else
			sbuf_adds(&out, "\nmaster> ");
		bufferevent_write(bev, sbuf_str(&out), out.len);
		sbuf_free(&out);
		if (rc == 2) {
			/* the reply is on its way out before the image is replaced */
			bufferevent_flush(bev, EV_WRITE, BEV_FLUSH);
			master_reload(s->m);
		}
	}
	if (s->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		sess_free(s);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		sess_free(arg);
}

static void accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct master *m = arg;
	(void)what;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	struct mcli_sess *s = xcalloc(1, sizeof(*s));
	s->m = m;
	s->bev = bufferevent_socket_new(m->p.base, cfd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(s->bev, read_cb, write_done_cb, event_cb, s);
	struct timeval tv = { 60, 0 };
	bufferevent_set_timeouts(s->bev, &tv, &tv);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

int master_cli_start(struct master *m)
{
	if (m->mcli_fd < 0)
		return 0;
	m->mcli_ev = event_new(m->p.base, m->mcli_fd, EV_READ | EV_PERSIST, accept_cb, m);
	return event_add(m->mcli_ev, NULL);
}
