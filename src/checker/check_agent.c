/*
 * Agent checks (`agent-check`): every `agent-inter` a separate TCP
 * connection to `agent-addr`:`agent-port`, `agent-send` written if set,
 * one line read (ended by a newline or a carriage return), and the words
 * of that line applied to the server as HAProxy documents them
 * (configuration manual, "agent-check"):
 *
 *   up                    UP again, if the health check also says so
 *   down, fail, stopped   DOWN, with the word and the description as reason
 *   ready                 out of the agent's drain and maintenance
 *   drain                 no new sessions (established ones go on)
 *   maint                 DOWN and kept down by the agent until "ready"
 *   N%                    weight N % of the configured weight
 *   maxconn:N             the server's connection limit (shm_srv.maxconn_agent)
 *
 * Words are separated by spaces, tabs or commas; a '#' starts a free
 * description. Words the agent does not send leave their setting alone,
 * and only the agent reverts what the agent did. Failing to reach the
 * agent changes nothing: reachability is the health check's business.
 * Neither does a reply without its end of line (the agent closed or
 * filled the buffer first): as HAProxy, it is ignored, and only last_agt
 * says so ("Ignoring incomplete line from agent").
 *
 * Runs in the checker process. Owns each agent's socket and its line
 * buffer. In the segment: op_state through check_state.c, weight_pct
 * through check_slowstart.c, maxconn_agent (an agent's maxconn:N), and the
 * agent's own result for `show stat` (agent_status, agent_code,
 * agent_duration, agent_health, last_agt), as HAProxy 2.6 shows them: a
 * state word gives L7OK ("up") or L7STS (down, fail, stopped) with code 0
 * and "via agent : <word> (<description>)"; a reply without one is
 * CHECKED, "No status change" (its info only a word not understood); an
 * agent not reached is L4CON, L4TOUT or SOCKERR, one silent past the
 * timeout L7TOUT, one closing without a word L7RSP. The agent's health
 * (rise = fall = 1) is 0 after down/fail/stopped, 1 after up, and what it
 * was otherwise.
 *
 * weir's admin bits are the stats process's, so the agent's drain and
 * maintenance are checker-owned: drain is weight_pct 0, maint is an
 * operational DOWN that health checks cannot lift until "ready".
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "weir/checker.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "checker-int.h"

/* HAProxy's default agent-inter (it does not follow `inter`). */
#define AGENT_INTER_DEFAULT 2000
/* HAProxy caps a weight at 256 whatever way it is set. */
#define AGENT_MAX_WEIGHT 256
#define AGENT_LINE_MAX 512

struct agent_srv {
	char buf[AGENT_LINE_MAX];
	size_t len;
	int down;                 /* the agent said down/fail/stopped */
	int maint;                /* the agent said maint */
	int maxconn;              /* the last maxconn:N logged, -1 none */
	int send_set;             /* `set server ... agent-send`: send, not the config's */
	char send[128];
};

static struct agent_srv *agent_tab;
static uint32_t agent_n;
static void *agent_shm;           /* the segment agent_tab describes */

/* `disable agent`: no agent run, no reply applied, and what the agent
 * said holds the server down no longer. */
static int agent_off(uint32_t srv)
{
	return agent_shm &&
	       (__atomic_load_n(&shm_server(agent_shm, srv)->ctl, __ATOMIC_RELAXED) &
		SHM_CTL_AGENT_OFF);
}

/* ------------------------------------------------------------ parsing */

static int agent_sep(char ch)
{
	return ch == ' ' || ch == '\t' || ch == ',';
}

static int agent_end(char ch)
{
	return ch == '\0' || ch == '\r' || ch == '\n' || ch == '#';
}

/* One word [w, w+n): the last of each kind wins, as HAProxy's. */
static void agent_word(struct agent_reply *rep, const char *w, size_t n)
{
	static const struct { const char *word; int health, admin; } words[] = {
		{ "up", AGENT_HS_UP, 0 }, { "down", AGENT_HS_DOWN, 0 },
		{ "fail", AGENT_HS_FAIL, 0 }, { "stopped", AGENT_HS_STOPPED, 0 },
		{ "ready", 0, AGENT_AS_READY }, { "drain", 0, AGENT_AS_DRAIN },
		{ "maint", 0, AGENT_AS_MAINT },
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (strlen(words[i].word) != n || strncasecmp(w, words[i].word, n))
			continue;
		if (words[i].health)
			rep->health = words[i].health;
		else
			rep->admin = words[i].admin;
		return;
	}
	char *end;
	if (n > 1 && w[0] >= '0' && w[0] <= '9' && w[n - 1] == '%') {
		long v = strtol(w, &end, 10);
		if (end == w + n - 1 && v <= 100000) {
			rep->weight = (int)v;
			return;
		}
	}
	if (n > 8 && !strncasecmp(w, "maxconn:", 8)) {
		long v = strtol(w + 8, &end, 10);
		if (end == w + n && v >= 0 && v <= 1000000000) {
			rep->maxconn = (int)v;
			return;
		}
	}
	if (!rep->err[0])
		snprintf(rep->err, sizeof(rep->err), "%.*s", (int)n, w);
}

void check_agent_parse(const char *line, struct agent_reply *rep)
{
	*rep = (struct agent_reply){ .weight = -1, .maxconn = -1 };
	const char *p = line;
	while (!agent_end(*p)) {
		while (agent_sep(*p))
			p++;
		const char *w = p;
		while (!agent_end(*p) && !agent_sep(*p))
			p++;
		if (p > w)
			agent_word(rep, w, (size_t)(p - w));
	}
	if (*p != '#')
		return;
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	size_t n = strcspn(p, "\r\n");
	snprintf(rep->desc, sizeof(rep->desc), "%.*s", (int)n, p);
}

/* The weight_pct an "N%" asks for: relative to the configured weight,
 * capped so the weight stays within HAProxy's 256. */
int check_agent_weight_pct(int pct, uint32_t weight_cfg)
{
	if (pct < 0)
		return -1;
	if (weight_cfg && (uint64_t)pct * weight_cfg > (uint64_t)AGENT_MAX_WEIGHT * 100)
		pct = (int)(AGENT_MAX_WEIGHT * 100 / weight_cfg);
	return pct;
}

/* ------------------------------------------------------------ results */

/* The agent's result for show stat; health -1 keeps it. */
static void agent_store(const struct chk *c, unsigned st, int code, const char *info, int health)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	uint32_t dur = (uint32_t)(checker_now_ms() - c->start_ms);
	size_t n = info ? strlen(info) : 0;
	if (n >= sizeof(r->last_agt))
		n = sizeof(r->last_agt) - 1;
	r->last_agt[n] = '\0';
	if (n)
		memcpy(r->last_agt, info, n);
	__atomic_store_n(&r->agent_status, st, __ATOMIC_RELAXED);
	__atomic_store_n(&r->agent_code, (int32_t)code, __ATOMIC_RELAXED);
	__atomic_store_n(&r->agent_duration, dur, __ATOMIC_RELAXED);
	if (health >= 0)
		__atomic_store_n(&r->agent_health, (int32_t)health, __ATOMIC_RELAXED);
}

/* What show stat says of an applied reply (see the file comment). */
static void agent_store_reply(const struct chk *c, const struct agent_reply *rep,
			      const char *said)
{
	char err[96] = "";
	if (rep->health) {
		agent_store(c, rep->health == AGENT_HS_UP ? CHK_ST_L7OK : CHK_ST_L7STS, 0, said,
			    rep->health == AGENT_HS_UP);
		return;
	}
	if (rep->err[0])
		snprintf(err, sizeof(err), "agent reports an error : %s", rep->err);
	agent_store(c, CHK_ST_CHECKED, -1, err, -1);
}

/* ------------------------------------------------------------ applying */

static struct agent_srv *agent_of(uint32_t srv)
{
	return agent_tab && srv < agent_n ? &agent_tab[srv] : NULL;
}

int check_agent_allows_up(uint32_t srv)
{
	const struct agent_srv *a = agent_of(srv);
	return !a || (!a->down && !a->maint) || agent_off(srv);
}

static const char *agent_health_word(int hs)
{
	switch (hs) {
	case AGENT_HS_UP: return "up";
	case AGENT_HS_DOWN: return "down";
	case AGENT_HS_FAIL: return "fail";
	case AGENT_HS_STOPPED: return "stopped";
	default: return "";
	}
}

/* Would the server be UP now: its health check (if any) passes and the
 * agent holds it neither down nor in maintenance. */
static int agent_want_up(const struct chk *c)
{
	const struct shm_srv *r = shm_server(c->p->shm, c->srv);
	if (!check_agent_allows_up(c->srv))
		return 0;
	/* a disabled health check holds nothing down (HAProxy) */
	return !c->conf->check || (__atomic_load_n(&r->ctl, __ATOMIC_RELAXED) & SHM_CTL_HEALTH_OFF) ||
	       __atomic_load_n(&r->check_health, __ATOMIC_RELAXED) >= r->check_rise;
}

/* `set server ... agent up|down`: the agent's health, as a reply saying
 * "up" or "down" would set it, and the state, as HAProxy forces it (up
 * even while the health check fails: its next failure decides); the next
 * check or reply goes on from there. */
int check_agent_force(struct chk *c, int up, const char *why)
{
	struct agent_srv *a = agent_of(c->srv);
	if (!a || agent_off(c->srv))
		return -1;
	a->down = !up;
	__atomic_store_n(&shm_server(c->p->shm, c->srv)->agent_health, up, __ATOMIC_RELAXED);
	check_state_force_op(c, up ? SHM_OP_UP : SHM_OP_DOWN, why);
	return 0;
}

static void agent_settle(struct chk *c, unsigned st, const char *info, uint32_t dur)
{
	const struct shm_srv *r = shm_server(c->p->shm, c->srv);
	int up = agent_want_up(c);
	/* running means UP or NOLB (STOPPING, disable-on-404): an agent's
	 * "down" takes either down */
	if (up != (__atomic_load_n(&r->op_state, __ATOMIC_RELAXED) != SHM_OP_DOWN))
		check_state_set(c, up, st, info, dur);
}

static void agent_log(const struct chk *c, const char *fmt, const char *what)
{
	struct sbuf m = { 0 };
	sbuf_printf(&m, "%sServer %s/%s ", c->conf->backup ? "Backup " : "", c->px->name,
		    c->conf->name);
	sbuf_printf(&m, fmt, what);
	log_proxy(c->px, LOG_LVL_NOTICE, "%s", sbuf_str(&m));
	log_say(LOG_LVL_WARNING, "%s", sbuf_str(&m));
	sbuf_free(&m);
}

/* HAProxy's order: admin first, then weight and maxconn, health last. */
static void agent_apply(struct chk *c, struct agent_srv *a, const struct agent_reply *rep,
			uint32_t dur)
{
	const struct shm_srv *r = shm_server(c->p->shm, c->srv);
	if (rep->admin == AGENT_AS_READY) {
		a->maint = 0;
		if (check_weight_agent(c, -1, 0))
			agent_log(c, "is %s (leaving drain via agent).", "UP/READY");
	} else if (rep->admin == AGENT_AS_DRAIN) {
		if (check_weight_agent(c, -1, 1))
			agent_log(c, "enters %s (via agent).", "drain state");
	} else if (rep->admin == AGENT_AS_MAINT) {
		a->maint = 1;
	}
	if (rep->weight >= 0)
		check_weight_agent(c, check_agent_weight_pct(rep->weight, r->weight_cfg), -1);
	if (rep->maxconn >= 0 && rep->maxconn != a->maxconn) {
		/* the checker's own limit beside the configured one (lb.c takes
		 * the lower); the workers see it at their next rebuild */
		struct shm_srv *w = shm_server(c->p->shm, c->srv);
		__atomic_store_n(&w->maxconn_agent, (int32_t)rep->maxconn, __ATOMIC_RELAXED);
		__atomic_add_fetch(&shm_backend(c->p->shm, c->be)->lb_gen, 1, __ATOMIC_RELEASE);
		a->maxconn = rep->maxconn;
	}
	if (rep->health)
		a->down = rep->health != AGENT_HS_UP;
	char info[200];
	const char *word = rep->health ? agent_health_word(rep->health) :
			   rep->admin == AGENT_AS_MAINT ? "maint" :
			   rep->admin == AGENT_AS_READY ? "ready" : NULL;
	const char *msg = rep->desc[0] ? rep->desc : rep->err;
	if (word)
		snprintf(info, sizeof(info), "via agent : %s%s%s%s", word, *msg ? " (" : "", msg,
			 *msg ? ")" : "");
	else if (rep->err[0])
		snprintf(info, sizeof(info), "agent reports an error : %s", rep->err);
	else
		snprintf(info, sizeof(info), "via agent");
	agent_store_reply(c, rep, info);
	unsigned st = a->down || a->maint ? CHK_ST_L7STS : CHK_ST_L7OK;
	agent_settle(c, st, info, dur);
}

/* ------------------------------------------------------------ the check */

static void agent_done(struct chk *c)
{
	check_tcp_stop(c);
	c->running = 0;
	checker_schedule(c);
}

/* The agent said nothing usable: its result only, nothing else changes. */
static void agent_failed(struct chk *c, unsigned st, const char *info)
{
	agent_store(c, st, -1, info, -1);
	agent_done(c);
}

static void agent_line(struct chk *c, struct agent_srv *a)
{
	/* `disable agent` came while it ran: nothing it said applies */
	if (agent_off(c->srv)) {
		agent_done(c);
		return;
	}
	a->buf[a->len < sizeof(a->buf) ? a->len : sizeof(a->buf) - 1] = '\0';
	struct agent_reply rep;
	check_agent_parse(a->buf, &rep);
	uint32_t dur = (uint32_t)(checker_now_ms() - c->start_ms);
	check_tcp_stop(c);
	agent_apply(c, a, &rep, dur);
	c->running = 0;
	checker_schedule(c);
}

/* HAProxy's agent line ends at a LF or a CR. */
static int agent_line_ended(const struct agent_srv *a)
{
	return memchr(a->buf, '\n', a->len) || memchr(a->buf, '\r', a->len);
}

/* The agent closed (or filled the buffer) before ending its line: HAProxy
 * ignores what it said, keeps the agent's status and tells the admin. */
static void agent_incomplete(struct chk *c)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	agent_store(c, __atomic_load_n(&r->agent_status, __ATOMIC_RELAXED),
		    __atomic_load_n(&r->agent_code, __ATOMIC_RELAXED),
		    "Ignoring incomplete line from agent", -1);
	agent_done(c);
}

static void agent_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct chk *c = arg;
	struct agent_srv *a = agent_of(c->srv);
	if (what & EV_TIMEOUT) {
		agent_failed(c, CHK_ST_L7TOUT, NULL);
		return;
	}
	ssize_t n = recv(fd, a->buf + a->len, sizeof(a->buf) - 1 - a->len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		a->len += (size_t)n;
	int ended = agent_line_ended(a);
	if (n > 0 && !ended && a->len < sizeof(a->buf) - 1)
		return;
	if (ended) {
		agent_line(c, a);
	} else if (a->len) {
		agent_incomplete(c);
	} else if (n < 0) {
		agent_failed(c, CHK_ST_SOCKERR, strerror(errno));
	} else {
		/* nothing said: nothing changes; HAProxy's words, its agent
		 * program being connect, [send,] expect */
		char info[64];
		const char *sent = a->send_set ? a->send : c->conf->agent_send;
		snprintf(info, sizeof(info), "TCPCHK got an empty response at step %d",
			 sent && *sent ? 3 : 2);
		agent_failed(c, CHK_ST_L7RSP, info);
	}
}

static void agent_watch(struct chk *c, short what, event_callback_fn cb, int ms)
{
	if (c->io)
		event_free(c->io);
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	c->io = event_new(c->p->base, c->fd, what | (what & EV_READ ? EV_PERSIST : 0), cb, c);
	if (!c->io || event_add(c->io, &tv) < 0)
		agent_done(c);
}

static void agent_connected(struct chk *c)
{
	const struct agent_srv *a = agent_of(c->srv);
	const char *send_str = a && a->send_set ? a->send : c->conf->agent_send;
	if (send_str && *send_str &&
	    send(c->fd, send_str, strlen(send_str), MSG_NOSIGNAL) < 0) {
		agent_failed(c, CHK_ST_SOCKERR, strerror(errno));
		return;
	}
	int left = c->read_timeout ? c->read_timeout :
		   c->conn_timeout - (int)(checker_now_ms() - c->start_ms);
	agent_watch(c, EV_READ, agent_on_read, left > 0 ? left : 1);
}

static void agent_on_connect(evutil_socket_t fd, short what, void *arg)
{
	struct chk *c = arg;
	int err = 0;
	socklen_t len = sizeof(err);
	/* not the agent's job to say the server is unreachable: no change
	 * but the agent's own result */
	if (what & EV_TIMEOUT)
		agent_failed(c, CHK_ST_L4TOUT, NULL);
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
		agent_failed(c, CHK_ST_L4CON, strerror(err ? err : errno));
	else
		agent_connected(c);
}

static void agent_start(struct chk *c)
{
	agent_of(c->srv)->len = 0;
	c->fd = check_sock_open(c->addr.ss_family);
	if (c->fd < 0) {
		agent_failed(c, CHK_ST_SOCKERR, strerror(errno));
		return;
	}
	if (connect(c->fd, (struct sockaddr *)&c->addr, c->addrlen) == 0)
		agent_connected(c);
	else if (errno != EINPROGRESS)
		agent_failed(c, CHK_ST_L4CON, strerror(errno));
	else
		agent_watch(c, EV_WRITE, agent_on_connect, c->conn_timeout);
}

static void agent_run(evutil_socket_t fd, short what, void *arg)
{
	struct chk *c = arg;
	(void)fd;
	(void)what;
	/* As health checks: none while the operator holds it in maintenance
	 * or has disabled the agent. */
	if ((__atomic_load_n(&shm_server(c->p->shm, c->srv)->admin, __ATOMIC_RELAXED) &
	     SHM_ADMIN_MAINT) || agent_off(c->srv)) {
		checker_schedule(c);
		return;
	}
	struct shm_chk_rt v;
	if (checker_retarget(c, 1, &v)) {
		struct agent_srv *a = agent_of(c->srv);
		a->send_set = v.send_set != 0;
		if (a->send_set)
			snprintf(a->send, sizeof(a->send), "%s", v.send);
	}
	c->running = 1;
	c->start_ms = checker_now_ms();
	agent_start(c);
}

const struct chk_kind check_agent_kind = {
	.name = "agent",
	.start = agent_start,
	.connected = agent_connected,
	.stop = check_tcp_stop,
};

/* ------------------------------------------------------------ set up */

static const char *agent_address(struct chk *c)
{
	const struct server_conf *s = c->conf;
	const char *host = s->agent_addr ? s->agent_addr : s->addr.host;
	if (!s->agent_addr && s->addr.kind == CFG_ADDR_INET && !s->addr.is_name && s->addr.sslen) {
		memcpy(&c->addr, &s->addr.ss, s->addr.sslen);
		c->addrlen = s->addr.sslen;
	} else {
		if (!host)
			return "no address for the agent (add 'agent-addr')";
		struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
		struct addrinfo *res = NULL;
		if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
			return "cannot resolve the agent address";
		memcpy(&c->addr, res->ai_addr, res->ai_addrlen);
		c->addrlen = res->ai_addrlen;
		freeaddrinfo(res);
	}
	uint16_t port = htons((uint16_t)s->agent_port);
	if (c->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&c->addr)->sin_port = port;
	else if (c->addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&c->addr)->sin6_port = port;
	else
		return "address kind not checkable";
	return NULL;
}

int check_agent_setup(struct chk *c, struct weir_proc *p, const struct proxy_conf *px,
		      const struct server_conf *s, uint32_t be, uint32_t srv)
{
	*c = (struct chk){ .p = p, .srv = srv, .be = be, .px = px, .conf = s,
			   .kind = &check_agent_kind, .fd = -1 };
	/* Scheduled at full health: every agent-inter. */
	c->inter = s->agent_inter > 0 ? s->agent_inter : AGENT_INTER_DEFAULT;
	c->fastinter = c->downinter = c->inter;
	c->rise = c->fall = 1;
	int tcheck = px->timeout.check, tconn = px->timeout.connect;
	c->conn_timeout = tconn != TIME_UNSET && tconn > 0 && tconn < c->inter ? tconn : c->inter;
	c->read_timeout = tcheck != TIME_UNSET && tcheck > 0 ? tcheck : 0;
	if (!c->read_timeout)
		c->conn_timeout = c->inter;
	const char *why = agent_address(c);
	c->cfg_addr = c->addr;
	c->cfg_addrlen = c->addrlen;
	if (why) {
		log_say(LOG_LVL_WARNING, "backend '%s': server '%s' agent will not be checked: %s.",
			px->name, s->name, why);
		return -1;
	}
	if (!agent_tab) {
		agent_shm = p->shm;
		agent_n = shm_hdr(p->shm)->nsrv;
		agent_tab = xcalloc(agent_n ? agent_n : 1, sizeof(*agent_tab));
		for (uint32_t i = 0; i < agent_n; i++)
			agent_tab[i].maxconn = -1;
	}
	c->timer = evtimer_new(p->base, agent_run, c);
	if (!c->timer)
		return -1;
	/* HAProxy's agent starts initialising, healthy (its health is rise) */
	struct shm_srv *r = shm_server(p->shm, srv);
	r->last_agt[0] = '\0';
	__atomic_store_n(&r->agent_code, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&r->agent_duration, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&r->agent_status, (uint32_t)CHK_ST_INI, __ATOMIC_RELAXED);
	__atomic_store_n(&r->agent_health, 1, __ATOMIC_RELAXED);
	/* First run spread over the interval by the server's position. */
	int first = (int)((srv * 613u) % (uint32_t)c->inter);
	struct timeval tv = { .tv_sec = first / 1000, .tv_usec = (first % 1000) * 1000 };
	evtimer_add(c->timer, &tv);
	return 0;
}

void check_agent_free(void)
{
	free(agent_tab);
	agent_tab = NULL;
	agent_shm = NULL;
	agent_n = 0;
}
