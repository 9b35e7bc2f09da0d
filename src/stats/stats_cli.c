/*
 * The runtime API's commands, declared once: the table below (name words,
 * minimum level, handler, usage, help line) is what stats_exec() matches,
 * what `help` prints and where "did you mean" looks. Handlers for the
 * server commands live here; the dumps are in stats_csv.c, stats_info.c
 * and stats_state.c.
 * Runs in the stats process (and in the master for the master CLI's `@N`).
 * Writes into the segment only a server's admin bits and weight_user, and
 * bumps its backend's lb_gen after each write so the workers rebalance;
 * the checks' switches and forced states go through stats_health.c.
 * The stats page's admin form (stats_admin.c) writes through
 * stats_cli_set_state() too: one writer, one code path.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "stats-int.h"
#include "weir/cfg-t.h"

typedef int stats_cmd_fn(struct stats_ctx *c);

struct stats_cmd {
	const char *name;             /* the words that select it */
	int level;                    /* enum stats_level */
	stats_cmd_fn *fn;
	const char *usage;            /* arguments after the name */
	const char *help;
};

#define MAX_WORDS 64

/* ----------------------------------------------------------- writes */

/* Every admin write ends here: the new bits, then a generation bump that
 * tells the workers to rebuild their balancing tables. */
static void bump(void *shm, const struct shm_srv *s)
{
	__atomic_add_fetch(&shm_backend(shm, s->be_index)->lb_gen, 1, __ATOMIC_SEQ_CST);
}

/* A server that tracks another inherits its maintenance and drain
 * (IMAINT, IDRAIN), as in HAProxy; repeated so chains settle, bounded in
 * case of a loop. */
static void propagate_tracks(void *shm)
{
	const struct shm_header *h = shm_hdr(shm);
	for (int pass = 0, changed = 1; changed && pass < 16; pass++) {
		changed = 0;
		for (uint32_t i = 0; i < h->nsrv; i++) {
			struct shm_srv *s = shm_server(shm, i);
			if (!(s->flags & SHM_SRV_TRACKED) || s->track_index >= h->nsrv)
				continue;
			uint32_t t = __atomic_load_n(&shm_server(shm, s->track_index)->admin,
						     __ATOMIC_SEQ_CST);
			uint32_t want = (t & SHM_ADMIN_MAINT ? SHM_ADMIN_IMAINT : 0) |
					(t & SHM_ADMIN_DRAIN ? SHM_ADMIN_IDRAIN : 0);
			uint32_t cur = __atomic_load_n(&s->admin, __ATOMIC_SEQ_CST);
			if ((cur & (SHM_ADMIN_IMAINT | SHM_ADMIN_IDRAIN)) == want)
				continue;
			__atomic_store_n(&s->admin, (cur & ~(SHM_ADMIN_IMAINT | SHM_ADMIN_IDRAIN)) | want,
					 __ATOMIC_SEQ_CST);
			bump(shm, s);
			changed = 1;
		}
	}
}

/* Sets before it clears, so a move between drain and maint never shows
 * the server ready in between. */
static void set_admin(void *shm, uint32_t srv, uint32_t set, uint32_t clear)
{
	struct shm_srv *s = shm_server(shm, srv);
	if (set)
		__atomic_or_fetch(&s->admin, set, __ATOMIC_SEQ_CST);
	if (clear)
		__atomic_and_fetch(&s->admin, ~clear, __ATOMIC_SEQ_CST);
	bump(shm, s);
	propagate_tracks(shm);
}

/* HAProxy's srv_adm_set_ready/drain/maint: drain and maint each replace
 * the other, ready clears both. */
int stats_cli_set_state(void *shm, uint32_t srv, const char *state)
{
	if (strcmp(state, "ready") == 0)
		set_admin(shm, srv, 0, SHM_ADMIN_FMAINT | SHM_ADMIN_FDRAIN);
	else if (strcmp(state, "drain") == 0)
		set_admin(shm, srv, SHM_ADMIN_FDRAIN, SHM_ADMIN_FMAINT);
	else if (strcmp(state, "maint") == 0)
		set_admin(shm, srv, SHM_ADMIN_FMAINT, SHM_ADMIN_FDRAIN);
	else
		return -1;
	return 0;
}

/* Static algorithms (static-rr, map-based hashing) cannot change a weight
 * on the fly: HAProxy accepts only 0% and 100% there. */
static int backend_static(struct stats_ctx *c, const struct shm_be *be)
{
	if (be->algo == LB_ALGO_STATIC_RR)
		return 1;
	if (be->algo != LB_ALGO_SOURCE && be->algo != LB_ALGO_URI && be->algo != LB_ALGO_URL_PARAM &&
	    be->algo != LB_ALGO_HDR && be->algo != LB_ALGO_RDP_COOKIE)
		return 0;
	const struct cfg *cfg = c->p ? c->p->cfg : NULL;
	if (!cfg || be->cfg_index >= (uint32_t)cfg->proxies.n)
		return 1;
	const struct proxy_conf *px = cfg->proxies.v[be->cfg_index];
	return px->balance.hash_type == HASH_MAP_BASED;
}

/* HAProxy's rules: "N%" is relative to the configured weight and capped at
 * 256; a bare N must lie in 0..256. */
static int parse_weight(struct stats_ctx *c, const struct shm_srv *s, const char *arg, uint32_t *out)
{
	if (!arg || !*arg) {
		sbuf_adds(c->out, "Require <weight> or <weight%>.\n");
		return -1;
	}
	long w = strtol(arg, NULL, 10);
	if (strchr(arg, '%')) {
		if (w < 0) {
			sbuf_adds(c->out, "Relative weight must be positive.\n");
			return -1;
		}
		w = (long)s->weight_cfg * (w > 25600 ? 25600 : w) / 100;
		w = w > 256 ? 256 : w;
	} else if (w < 0 || w > 256) {
		sbuf_adds(c->out, "Absolute weight can only be between 0 and 256 inclusive.\n");
		return -1;
	}
	if (w && (uint32_t)w != s->weight_cfg && backend_static(c, shm_backend(c->shm, s->be_index))) {
		sbuf_adds(c->out, "Backend is using a static LB algorithm and only accepts weights "
			  "'0%' and '100%'.\n");
		return -1;
	}
	*out = (uint32_t)w;
	return 0;
}

static int apply_weight(struct stats_ctx *c, uint32_t srv, const char *arg)
{
	struct shm_srv *s = shm_server(c->shm, srv);
	uint32_t w;
	if (parse_weight(c, s, arg, &w) == 0) {
		__atomic_store_n(&s->weight_user, w, __ATOMIC_SEQ_CST);
		bump(c->shm, s);
	}
	return STATS_EXEC_OK;
}

static int apply_state(struct stats_ctx *c, uint32_t srv, const char *arg)
{
	if (!arg || stats_cli_set_state(c->shm, srv, arg) < 0)
		sbuf_adds(c->out, "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
	return STATS_EXEC_OK;
}

/* The checker did not take a forced state within a second: it applies it
 * when it runs again, but the operator should know now. */
static void force_result(struct stats_ctx *c, int rc)
{
	if (rc > 0)
		sbuf_adds(c->out, "Posted, but the checker has not applied it yet (is it running? "
			  "'show proc' tells).\n");
}

/* `set server <b>/<s> health up|stopping|down`, HAProxy's words */
static int apply_health(struct stats_ctx *c, uint32_t srv, const char *arg)
{
	static const struct { const char *word; uint32_t force; } words[] = {
		{ "up", SHM_FORCE_HEALTH_UP }, { "stopping", SHM_FORCE_HEALTH_STOPPING },
		{ "down", SHM_FORCE_HEALTH_DOWN },
	};
	if (shm_server(c->shm, srv)->flags & SHM_SRV_TRACKED) {
		sbuf_adds(c->out, "cannot change health on a tracking server.\n");
		return STATS_EXEC_OK;
	}
	for (size_t i = 0; arg && i < ARRAY_SIZE(words); i++)
		if (strcmp(arg, words[i].word) == 0) {
			force_result(c, stats_health_force(c->p, c->shm, srv, words[i].force));
			return STATS_EXEC_OK;
		}
	sbuf_adds(c->out, "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n");
	return STATS_EXEC_OK;
}

/* `set server <b>/<s> agent up|down` */
static int apply_agent(struct stats_ctx *c, uint32_t srv, const char *arg)
{
	if (!shm_srv_agent_on(shm_server(c->shm, srv)))
		sbuf_adds(c->out, "agent checks are not enabled on this server.\n");
	else if (arg && strcmp(arg, "up") == 0)
		force_result(c, stats_health_force(c->p, c->shm, srv, SHM_FORCE_AGENT_UP));
	else if (arg && strcmp(arg, "down") == 0)
		force_result(c, stats_health_force(c->p, c->shm, srv, SHM_FORCE_AGENT_DOWN));
	else
		sbuf_adds(c->out, "'set server <srv> agent' expects 'up' or 'down'.\n");
	return STATS_EXEC_OK;
}

/* The writer's half of the seqlocks in a server's record (rt_seq,
 * chk_seq; readers in shm.h): odd while the fields change, then the next
 * even value. Stats is their only writer. */
static uint32_t seq_write_begin(uint32_t *seq)
{
	uint32_t odd = (__atomic_load_n(seq, __ATOMIC_RELAXED) + 1) | 1;
	__atomic_store_n(seq, odd, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return odd;
}

static void seq_write_end(uint32_t *seq, uint32_t odd)
{
	__atomic_store_n(seq, odd + 1, __ATOMIC_RELEASE);
}

/* `set server <b>/<s> addr <ip> [port <port>]`: HAProxy's replies ("IP
 * changed from 'a' to 'b', port changed from ..."), but a port that is no
 * port is refused whole rather than half applied. The write is a seqlock
 * the workers and the checker read at each connect. */
static int apply_addr(struct stats_ctx *c, uint32_t srv)
{
	const char *ipw = c->argc > 4 ? c->argv[4] : NULL;
	const char *portw = c->argc > 6 && strcmp(c->argv[5], "port") == 0 ? c->argv[6] : NULL;
	struct shm_srv *s = shm_server(c->shm, srv);
	const struct server_conf *sc = stats_obj_srv_conf(c->p, c->shm, srv);
	unsigned char a[16] = { 0 };
	if (!ipw || (c->argc > 5 && !portw)) {
		sbuf_adds(c->out, "set server <b>/<s> addr requires an address and optionally a port.\n");
		return STATS_EXEC_OK;
	}
	int fam = inet_pton(AF_INET, ipw, a) == 1 ? AF_INET : inet_pton(AF_INET6, ipw, a) == 1 ?
		  AF_INET6 : 0;
	if (!fam) {
		sbuf_printf(c->out, "Invalid addr '%s' by 'stats socket command'\n", ipw);
		return STATS_EXEC_OK;
	}
	char *end = NULL;
	long port = portw ? strtol(portw, &end, 10) : 0;
	if (portw && (!*portw || *end || port < 1 || port > 65535 || !(*portw >= '0' && *portw <= '9'))) {
		sbuf_printf(c->out, "Invalid port '%s': a port is 1 to 65535 (nothing changed) by "
			    "'stats socket command'\n", portw);
		return STATS_EXEC_OK;
	}
	if (sc && (sc->addr.kind == CFG_ADDR_UNIX || sc->addr.kind == CFG_ADDR_ABNS)) {
		sbuf_adds(c->out, "This server's address is a UNIX socket: 'set server ... addr' changes "
			  "IP addresses only.\n");
		return STATS_EXEC_OK;
	}
	char old[INET6_ADDRSTRLEN], now[INET6_ADDRSTRLEN];
	int old_port;
	stats_obj_srv_addr(s, sc, old, sizeof(old), &old_port);
	inet_ntop(fam, a, now, sizeof(now));
	uint16_t new_port = portw ? (uint16_t)port : s->rt_seq ? s->rt_port : 0;
	uint32_t seq = seq_write_begin(&s->rt_seq);
	uint32_t w[4];
	memcpy(w, a, sizeof(w));
	for (int i = 0; i < 4; i++)
		__atomic_store_n(&s->rt_ip[i], w[i], __ATOMIC_RELAXED);
	__atomic_store_n(&s->rt_family, (uint16_t)fam, __ATOMIC_RELAXED);
	__atomic_store_n(&s->rt_port, new_port, __ATOMIC_RELAXED);
	seq_write_end(&s->rt_seq, seq);
	if (strcmp(old, now) == 0)
		sbuf_adds(c->out, "no need to change the addr");
	else
		sbuf_printf(c->out, "IP changed from '%s' to '%s'", *old ? old : "(none)", now);
	if (portw && port == old_port)
		sbuf_adds(c->out, ", no need to change the port");
	else if (portw)
		sbuf_printf(c->out, ", port changed from '%d' to '%ld'", old_port, port);
	sbuf_adds(c->out, " by 'stats socket command'\n");
	return STATS_EXEC_OK;
}

/* ------------------------------------------- the checks' runtime targets */

/* The single writer of chk_rt, under chk_seq as rt_seq. */
static void chk_rt_write(struct shm_srv *s, const struct shm_chk_rt *v)
{
	uint32_t seq = seq_write_begin(&s->chk_seq);
	memcpy(&s->chk_rt, v, sizeof(*v));
	seq_write_end(&s->chk_seq, seq);
}

/* HAProxy's refusals: a check the server does not run. */
static int chk_enabled(struct stats_ctx *c, const struct shm_srv *s, int agent)
{
	if (agent ? shm_srv_agent_on(s) : shm_srv_health_on(s))
		return 1;
	sbuf_adds(c->out, agent ? "agent checks are not enabled on this server.\n" :
		  "health checks are not enabled on this server\n");
	return 0;
}

static int parse_port(struct stats_ctx *c, const char *w, uint16_t *port)
{
	char *end = NULL;
	long v = strtol(w, &end, 10);
	if (!*w || *end || !(*w >= '0' && *w <= '9')) {
		sbuf_adds(c->out, "provided port is not an integer\n");
		return -1;
	}
	if (v < 1 || v > 65535) {
		sbuf_printf(c->out, "Invalid port '%s': a port is 1 to 65535.\n", w);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

/* `set server <b>/<s> check-port|agent-port <port>` */
static int apply_chk_port(struct stats_ctx *c, uint32_t srv, int agent)
{
	struct shm_srv *s = shm_server(c->shm, srv);
	const char *w = c->argc > 4 ? c->argv[4] : NULL;
	if (!chk_enabled(c, s, agent))
		return STATS_EXEC_OK;
	if (!w) {
		sbuf_printf(c->out, "set server <b>/<s> %s requires a port.\n",
			    agent ? "agent-port" : "check-port");
		return STATS_EXEC_OK;
	}
	struct shm_chk_rt v = s->chk_rt;
	if (parse_port(c, w, agent ? &v.agt_port : &v.chk_port) == 0)
		chk_rt_write(s, &v);
	return STATS_EXEC_OK;
}

/* `set server <b>/<s> check-addr|agent-addr <ip> [port <port>]` */
static int apply_chk_addr(struct stats_ctx *c, uint32_t srv, int agent)
{
	struct shm_srv *s = shm_server(c->shm, srv);
	const char *ipw = c->argc > 4 ? c->argv[4] : NULL;
	const char *portw = c->argc > 6 && strcmp(c->argv[5], "port") == 0 ? c->argv[6] : NULL;
	if (!chk_enabled(c, s, agent))
		return STATS_EXEC_OK;
	if (!ipw || (c->argc > 5 && !portw)) {
		sbuf_printf(c->out, "set server <b>/<s> %s requires an address and optionally a port.\n",
			    agent ? "agent-addr" : "check-addr");
		return STATS_EXEC_OK;
	}
	struct shm_chk_rt v = s->chk_rt;
	uint32_t *ip = agent ? v.agt_ip : v.chk_ip;
	unsigned char a[16] = { 0 };
	int fam = inet_pton(AF_INET, ipw, a) == 1 ? AF_INET : inet_pton(AF_INET6, ipw, a) == 1 ?
		  AF_INET6 : 0;
	if (!fam) {
		sbuf_printf(c->out, "invalid addr '%s'\n", ipw);
		return STATS_EXEC_OK;
	}
	if (portw && parse_port(c, portw, agent ? &v.agt_port : &v.chk_port) < 0)
		return STATS_EXEC_OK;
	memcpy(ip, a, 16);
	*(agent ? &v.agt_family : &v.chk_family) = (uint16_t)fam;
	chk_rt_write(s, &v);
	return STATS_EXEC_OK;
}

/* `set server <b>/<s> agent-send <string>`: one word, as HAProxy reads it;
 * none sends nothing. */
static int apply_agent_send(struct stats_ctx *c, uint32_t srv)
{
	struct shm_srv *s = shm_server(c->shm, srv);
	const char *w = c->argc > 4 ? c->argv[4] : "";
	if (!chk_enabled(c, s, 1))
		return STATS_EXEC_OK;
	struct shm_chk_rt v = s->chk_rt;
	if (strlen(w) >= sizeof(v.send)) {
		sbuf_printf(c->out, "agent-send: at most %zu bytes.\n", sizeof(v.send) - 1);
		return STATS_EXEC_OK;
	}
	snprintf(v.send, sizeof(v.send), "%s", w);
	v.send_set = 1;
	chk_rt_write(s, &v);
	return STATS_EXEC_OK;
}

/* --------------------------------------------------------- handlers */

/* `set server <b>/<s> state|weight|health|agent|addr|check-*|agent-* <value>` */
static int cmd_set_server(struct stats_ctx *c)
{
	uint32_t srv;
	if (stats_obj_find_server(c->shm, c->argc > 2 ? c->argv[2] : NULL, &srv, c->out) < 0)
		return STATS_EXEC_OK;
	const char *what = c->argc > 3 ? c->argv[3] : "";
	if (strcmp(what, "state") == 0)
		return apply_state(c, srv, c->argc > 4 ? c->argv[4] : NULL);
	if (strcmp(what, "weight") == 0)
		return apply_weight(c, srv, c->argc > 4 ? c->argv[4] : NULL);
	if (strcmp(what, "health") == 0)
		return apply_health(c, srv, c->argc > 4 ? c->argv[4] : NULL);
	if (strcmp(what, "agent") == 0)
		return apply_agent(c, srv, c->argc > 4 ? c->argv[4] : NULL);
	if (strcmp(what, "addr") == 0)
		return apply_addr(c, srv);
	if (strcmp(what, "check-port") == 0 || strcmp(what, "agent-port") == 0)
		return apply_chk_port(c, srv, what[0] == 'a');
	if (strcmp(what, "check-addr") == 0 || strcmp(what, "agent-addr") == 0)
		return apply_chk_addr(c, srv, what[0] == 'a');
	if (strcmp(what, "agent-send") == 0)
		return apply_agent_send(c, srv);
	sbuf_adds(c->out, "'set server <srv>' supports 'state', 'weight', 'health', 'agent', 'addr', "
		  "'check-addr', 'check-port', 'agent-addr', 'agent-port' and 'agent-send' in weir "
		  "(not yet 'fqdn' or 'ssl').\n");
	return STATS_EXEC_OK;
}

/* `set weight <b>/<s> <w>`: HAProxy's older spelling. */
static int cmd_set_weight(struct stats_ctx *c)
{
	uint32_t srv;
	if (stats_obj_find_server(c->shm, c->argc > 2 ? c->argv[2] : NULL, &srv, c->out) == 0)
		apply_weight(c, srv, c->argc > 3 ? c->argv[3] : NULL);
	return STATS_EXEC_OK;
}

static int cmd_get_weight(struct stats_ctx *c)
{
	uint32_t srv;
	if (stats_obj_find_server(c->shm, c->argc > 2 ? c->argv[2] : NULL, &srv, c->out) == 0) {
		const struct shm_srv *s = shm_server(c->shm, srv);
		sbuf_printf(c->out, "%u (initial %u)\n", __atomic_load_n(&s->weight_user,
									 __ATOMIC_RELAXED), s->weight_cfg);
	}
	return STATS_EXEC_OK;
}

static int cmd_enable_server(struct stats_ctx *c)
{
	uint32_t srv;
	if (stats_obj_find_server(c->shm, c->argc > 2 ? c->argv[2] : NULL, &srv, c->out) == 0)
		set_admin(c->shm, srv, 0, SHM_ADMIN_FMAINT);
	return STATS_EXEC_OK;
}

static int cmd_disable_server(struct stats_ctx *c)
{
	uint32_t srv;
	if (stats_obj_find_server(c->shm, c->argc > 2 ? c->argv[2] : NULL, &srv, c->out) == 0)
		set_admin(c->shm, srv, SHM_ADMIN_FMAINT, 0);
	return STATS_EXEC_OK;
}

/* `enable|disable health|agent <b>/<s>`: HAProxy enables only a check the
 * server has, and disables silently either way. */
static int switch_check(struct stats_ctx *c, int agent, int on)
{
	uint32_t srv;
	if (stats_obj_find_server(c->shm, c->argc > 2 ? c->argv[2] : NULL, &srv, c->out) < 0)
		return STATS_EXEC_OK;
	if (stats_health_switch(c->shm, srv, agent, on) < 0)
		sbuf_adds(c->out, agent ? "Agent was not configured on this server, cannot enable.\n" :
			  "Health check was not configured on this server, cannot enable.\n");
	return STATS_EXEC_OK;
}

static int cmd_enable_health(struct stats_ctx *c)
{
	return switch_check(c, 0, 1);
}

static int cmd_disable_health(struct stats_ctx *c)
{
	return switch_check(c, 0, 0);
}

static int cmd_enable_agent(struct stats_ctx *c)
{
	return switch_check(c, 1, 1);
}

static int cmd_disable_agent(struct stats_ctx *c)
{
	return switch_check(c, 1, 0);
}

/* `shutdown sessions server <b>/<s>`: the workers close them (HAProxy's
 * termination cause K), within a tenth of a second. */
static int cmd_shutdown_sessions(struct stats_ctx *c)
{
	uint32_t srv;
	if (stats_obj_find_server(c->shm, c->argc > 3 ? c->argv[3] : NULL, &srv, c->out) == 0)
		stats_health_kill(c->shm, srv);
	return STATS_EXEC_OK;
}

static int cmd_help(struct stats_ctx *c);

static int cmd_prompt(struct stats_ctx *c)
{
	(void)c;
	return STATS_EXEC_PROMPT;
}

static int cmd_quit(struct stats_ctx *c)
{
	(void)c;
	return STATS_EXEC_QUIT;
}

/* ------------------------------------------------------------ table */

#define USER STATS_LEVEL_USER
#define ADMIN STATS_LEVEL_ADMIN

static const struct stats_cmd stats_cmds[] = {
	{ "help", USER, cmd_help, "", "list the commands valid at this level" },
	{ "prompt", USER, cmd_prompt, "", "toggle interactive mode with prompt" },
	{ "quit", USER, cmd_quit, "", "disconnect" },
	{ "show info", USER, stats_info_show, "", "report information about the running process" },
	{ "show stat", USER, stats_csv_show, "[{<iid>|<proxy>} <type> <sid>] [up|no-maint]",
	  "report counters for each proxy and server (CSV)" },
	{ "show servers state", USER, stats_state_show, "[<backend>]",
	  "dump volatile server information for all known backends" },
	{ "show proc", USER, stats_info_proc, "", "show the processes of this generation" },
	{ "get weight", USER, cmd_get_weight, "<bk>/<srv>", "report a server's current weight" },
	{ "set server", ADMIN, cmd_set_server, "<bk>/<srv> state|weight|health|agent|addr <value>",
	  "change a server's state (ready, drain, maint), weight (N or N%), health or agent "
	  "state (up, stopping, down), or address (addr <ip> [port <port>])" },
	{ "set weight", ADMIN, cmd_set_weight, "<bk>/<srv> <weight>",
	  "change a server's weight (use 'set server ... weight')" },
	{ "enable server", ADMIN, cmd_enable_server, "<bk>/<srv>",
	  "take a server out of maintenance (use 'set server ... state ready')" },
	{ "disable server", ADMIN, cmd_disable_server, "<bk>/<srv>",
	  "put a server in maintenance (use 'set server ... state maint')" },
	{ "enable health", ADMIN, cmd_enable_health, "<bk>/<srv>", "enable health checks" },
	{ "disable health", ADMIN, cmd_disable_health, "<bk>/<srv>", "disable health checks" },
	{ "enable agent", ADMIN, cmd_enable_agent, "<bk>/<srv>", "enable agent checks" },
	{ "disable agent", ADMIN, cmd_disable_agent, "<bk>/<srv>", "disable agent checks" },
	{ "shutdown sessions server", ADMIN, cmd_shutdown_sessions, "<bk>/<srv>",
	  "kill sessions on a server" },
};
static const size_t stats_ncmds = ARRAY_SIZE(stats_cmds);

/* Generated from the table: the commands this session may run. */
static int cmd_help(struct stats_ctx *c)
{
	sbuf_adds(c->out, "The following commands are valid at this level:\n");
	for (size_t i = 0; i < stats_ncmds; i++) {
		const struct stats_cmd *k = &stats_cmds[i];
		if (k->level > c->level)
			continue;
		char syn[96];
		snprintf(syn, sizeof(syn), "%s%s%s", k->name, *k->usage ? " " : "", k->usage);
		sbuf_printf(c->out, "  %-40s: %s\n", syn, k->help);
	}
	return STATS_EXEC_OK;
}

/* ---------------------------------------------------------- parsing */

/* Splits on blanks; a backslash keeps the next character as is. Words are
 * written into buf (the line's copy). */
static int split_words(char *buf, char **argv)
{
	int argc = 0;
	char *r = buf, *w = buf;
	while (*r && argc < MAX_WORDS) {
		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (!*r)
			break;
		argv[argc++] = w;
		while (*r && *r != ' ' && *r != '\t' && *r != '\r' && *r != '\n') {
			if (*r == '\\' && r[1])
				r++;
			*w++ = *r++;
		}
		if (*r)
			r++;
		*w++ = '\0';
	}
	return argc;
}

/* How many leading words of argv spell `name`: its word count, or 0. */
static int name_matches(const char *name, int argc, char **argv)
{
	int n = 0;
	for (const char *p = name; *p; n++) {
		size_t len = strcspn(p, " ");
		if (n >= argc || strlen(argv[n]) != len || strncmp(argv[n], p, len) != 0)
			return 0;
		p += len + (p[len] == ' ');
	}
	return n;
}

static const struct stats_cmd *find_cmd(int argc, char **argv)
{
	for (size_t i = 0; i < stats_ncmds; i++)
		if (name_matches(stats_cmds[i].name, argc, argv))
			return &stats_cmds[i];
	return NULL;
}

/* The first `n` words joined, to compare with an n-word command name. */
static void join_words(char *dst, size_t len, int n, int argc, char **argv)
{
	size_t off = 0;
	dst[0] = '\0';
	for (int i = 0; i < n && i < argc && off < len; i++)
		off += (size_t)snprintf(dst + off, len - off, "%s%s", i ? " " : "", argv[i]);
}

static const struct stats_cmd *closest_cmd(int argc, char **argv)
{
	const struct stats_cmd *best = NULL;
	int best_d = 0;
	for (size_t i = 0; i < stats_ncmds; i++) {
		char typed[256];
		int words = 1;
		for (const char *p = stats_cmds[i].name; *p; p++)
			words += *p == ' ';
		join_words(typed, sizeof(typed), words, argc, argv);
		int d = str_distance(typed, stats_cmds[i].name);
		if (!best || d < best_d) {
			best = &stats_cmds[i];
			best_d = d;
		}
	}
	/* a suggestion further than a third of the name is noise */
	return best && best_d * 3 <= (int)strlen(best->name) ? best : NULL;
}

static void unknown_cmd(int argc, char **argv, struct sbuf *out)
{
	char typed[128];
	join_words(typed, sizeof(typed), argc, argc, argv);
	const struct stats_cmd *near = closest_cmd(argc, argv);
	sbuf_printf(out, "Unknown command '%s'.", typed);
	if (near)
		sbuf_printf(out, " Did you mean '%s'?", near->name);
	sbuf_adds(out, " Type 'help' for the list.\n");
}

enum stats_exec_rc stats_exec(struct weir_proc *p, int level, const char *line, struct sbuf *out)
{
	char *buf = xstrdup(line ? line : "");
	char *argv[MAX_WORDS];
	int argc = split_words(buf, argv);
	int rc = STATS_EXEC_OK;
	const struct stats_cmd *k = argc ? find_cmd(argc, argv) : NULL;
	if (!argc) {
		/* an empty command does nothing, as in HAProxy */
	} else if (!k) {
		unknown_cmd(argc, argv, out);
	} else if (level < k->level) {
		sbuf_adds(out, "Permission denied\n");
	} else {
		struct stats_ctx c = { .p = p, .shm = p->shm, .level = level, .argc = argc,
				       .argv = argv, .out = out };
		rc = k->fn(&c);
	}
	free(buf);
	return (enum stats_exec_rc)rc;
}
