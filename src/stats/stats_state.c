/*
 * `show servers state [<backend>]`: HAProxy 2.6's format, version 1, which
 * `server-state-file` reads back. Runs in the stats process; reads the
 * server records and the configuration (addresses, ports, TLS), writes
 * nothing.
 *
 * The numeric codes are HAProxy's, not weir's: srv_check_status uses
 * HAProxy's healthcheck status numbers, srv_check_result its CHK_RES_*
 * values and srv_check_state its CHK_ST_* bits, so a state file written by
 * weir means the same to HAProxy and to tools made for it.
 */
#include <arpa/inet.h>
#include <string.h>

#include "stats-int.h"
#include "weir/cfg-t.h"
#include "weir/checker.h"

#define STATE_HEADER \
	"# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight " \
	"srv_iweight srv_time_since_last_change srv_check_status srv_check_result " \
	"srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id " \
	"srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr " \
	"srv_agent_addr srv_agent_port\n"

/* HAProxy's check state bits. */
#define HA_CHK_CONFIGURED 0x02
#define HA_CHK_ENABLED 0x04
#define HA_CHK_PAUSED 0x08
#define HA_CHK_AGENT 0x10

enum ha_check_result { HA_RES_UNKNOWN = 0, HA_RES_NEUTRAL, HA_RES_FAILED, HA_RES_PASSED,
		       HA_RES_CONDPASS };

/* weir's check_status codes as HAProxy 2.6 numbers them (HCHK_STATUS_*:
 * START is 2, CHECKED 3, HANA 4; checked by hand against its `show
 * servers state`: L7OK is 15, HANA 4). */
static int ha_check_status(uint32_t st)
{
	static const int map[CHK_ST__COUNT] = {
		[CHK_ST_UNKNOWN] = 0, [CHK_ST_INI] = 1, [CHK_ST_CHECKED] = 3, [CHK_ST_HANA] = 4,
		[CHK_ST_SOCKERR] = 5, [CHK_ST_L4OK] = 6, [CHK_ST_L4TOUT] = 7, [CHK_ST_L4CON] = 8,
		[CHK_ST_L6OK] = 9, [CHK_ST_L6TOUT] = 10, [CHK_ST_L6RSP] = 11, [CHK_ST_L7TOUT] = 12,
		[CHK_ST_L7RSP] = 13, [CHK_ST_L7OK] = 15, [CHK_ST_L7OKC] = 16, [CHK_ST_L7STS] = 17,
	};
	return st < CHK_ST__COUNT ? map[st] : 0;
}

static int ha_check_result(uint32_t st)
{
	switch (st) {
	case CHK_ST_UNKNOWN: case CHK_ST_INI: return HA_RES_UNKNOWN;
	case CHK_ST_CHECKED: return HA_RES_NEUTRAL;
	case CHK_ST_L4OK: case CHK_ST_L6OK: case CHK_ST_L7OK: return HA_RES_PASSED;
	case CHK_ST_L7OKC: return HA_RES_CONDPASS;
	default: return HA_RES_FAILED;
	}
}

static int check_state(const struct shm_srv *s, uint32_t flag, int agent)
{
	if (!(s->flags & flag))
		return 0;
	/* `disable health|agent` clears HAProxy's ENABLED bit */
	int on = agent ? shm_srv_agent_on(s) : shm_srv_health_on(s);
	int st = HA_CHK_CONFIGURED | (on ? HA_CHK_ENABLED : 0) | (agent ? HA_CHK_AGENT : 0);
	return s->admin & SHM_ADMIN_MAINT ? st | HA_CHK_PAUSED : st;
}


/* The address without its port (the runtime one first); "-" when there
 * is none. Its port in *port. */
static void put_addr(const struct shm_srv *s, const struct server_conf *sc, struct sbuf *o,
		     int *port)
{
	char ip[INET6_ADDRSTRLEN];
	stats_obj_srv_addr(s, sc, ip, sizeof(ip), port);
	if (sc && !s->rt_seq && sc->addr.port_offset)
		*port = sc->addr.port;
	sbuf_adds(o, *ip ? ip : "-");
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void state_line(struct stats_ctx *c, const struct stats_ids *ids, uint32_t b, uint32_t i,
		       uint64_t now)
{
	const struct shm_be *be = shm_backend(c->shm, b);
	const struct shm_srv *s = shm_server(c->shm, i);
	const struct server_conf *sc = stats_obj_srv_conf(c->p, c->shm, i);
	struct sbuf *o = c->out;
	sbuf_printf(o, "%d %s %d %s ", ids->be[b], shm_name(c->shm, be->name_off), ids->srv[i],
		    shm_name(c->shm, s->name_off));
	int port = 0;
	put_addr(s, sc, o, &port);
	/* `set server ... check-* | agent-*` over the configuration */
	struct shm_chk_rt v;
	uint32_t seq;
	shm_srv_chk_rt(s, &v, &seq);
	char caddr[INET6_ADDRSTRLEN], aaddr[INET6_ADDRSTRLEN];
	snprintf(caddr, sizeof(caddr), "%s", or_dash(sc ? sc->check_addr : NULL));
	snprintf(aaddr, sizeof(aaddr), "%s", or_dash(sc ? sc->agent_addr : NULL));
	if (v.chk_family)
		inet_ntop(v.chk_family, v.chk_ip, caddr, sizeof(caddr));
	if (v.agt_family)
		inet_ntop(v.agt_family, v.agt_ip, aaddr, sizeof(aaddr));
	int cport = v.chk_port ? v.chk_port : sc ? sc->check_port : 0;
	int aport = v.agt_port ? v.agt_port : sc ? sc->agent_port : 0;
	sbuf_printf(o, " %u %u %u %u %llu %d %d %d %d %d %d %d %s %d - %d %d %s %s %d\n",
		    s->op_state, s->admin, s->weight_user, s->weight_cfg,
		    (unsigned long long)(s->last_change && now > s->last_change ? now - s->last_change : 0),
		    ha_check_status(s->check_status), ha_check_result(s->check_status),
		    s->check_health, check_state(s, SHM_SRV_CHECK, 0), check_state(s, SHM_SRV_AGENT, 1),
		    be->id > 0, s->id > 0,
		    sc && sc->addr.is_name ? sc->addr.host : "-", port,
		    sc ? sc->ssl : 0, cport, caddr, aaddr, aport);
}

int stats_state_show(struct stats_ctx *c)
{
	struct stats_ids ids;
	const struct shm_header *h = shm_hdr(c->shm);
	int only = -1;
	stats_obj_ids(c->shm, &ids);
	if (c->argc > 3 && (only = stats_obj_find_backend(c->shm, &ids, c->argv[3])) < 0) {
		sbuf_adds(c->out, "Can't find backend.\n");
		stats_obj_ids_free(&ids);
		return STATS_EXEC_OK;
	}
	uint64_t now = stats_obj_now_s();
	sbuf_adds(c->out, "1\n" STATE_HEADER);
	for (uint32_t b = 0; b < h->nbe; b++) {
		if (only >= 0 && b != (uint32_t)only)
			continue;
		const struct shm_be *be = shm_backend(c->shm, b);
		for (uint32_t i = be->srv_first; i < be->srv_first + be->srv_count; i++)
			state_line(c, &ids, b, i, now);
	}
	stats_obj_ids_free(&ids);
	return STATS_EXEC_OK;
}
