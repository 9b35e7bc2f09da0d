/*
 * The servers' operational state: HAProxy's health counter, the result
 * and state fields of the segment, the backends' usable-server counts, and
 * the state-change logs in HAProxy's words.
 *
 * Runs in the checker process, the only writer of op_state, check_*,
 * last_change, down_time and the chkfail/chkdown counters of a server, and
 * of srv_act, srv_bck, last_change, down_time and chkdown of a backend.
 * Workers read those without locks: every field of a change is stored
 * first, then the backend's lb_gen is incremented with release ordering,
 * so a worker that reads lb_gen (acquire) and sees it move also sees the
 * whole new state.
 *
 * Semantics are HAProxy's (configuration manual: rise, fall; management
 * guide: chkfail, chkdown):
 *  - health runs 0..rise+fall-1; a server is UP from rise. A failure steps
 *    down, and below rise falls to 0 (DOWN); a success steps up, and from
 *    rise jumps to rise+fall-1. So a fully UP server goes DOWN after
 *    `fall` consecutive failures and a DOWN one comes UP after `rise`
 *    successes. Servers start UP at health rise (the segment's choice, as
 *    HAProxy 2.6): one failed first check marks a dead server DOWN.
 *  - chkfail counts failed checks while the health was above 0 (HAProxy:
 *    "only counts checks failed when the server is up"), chkdown the
 *    server's UP->DOWN transitions; a backend's chkdown counts the times
 *    the whole backend went without a usable server.
 */
#include <stdio.h>
#include <time.h>

#include <event2/event.h>

#include <string.h>

#include "weir/checker.h"
#include "weir/log.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "checker-int.h"

#define STORE(field, val) __atomic_store_n(&(field), (val), __ATOMIC_RELAXED)
#define LOAD(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

int check_state_step(int32_t *health, int rise, int fall, int passed)
{
	int32_t h = *health, top = rise + fall - 1;
	if (!passed) {
		if (h <= 0)
			return 0;
		h--;
		*health = h < rise ? 0 : h;
		return 1;
	}
	if (h < top) {
		h++;
		*health = h >= rise ? top : h;
	}
	return 0;
}

static int check_state_passed(unsigned st)
{
	return st == CHK_ST_L4OK || st == CHK_ST_L6OK || st == CHK_ST_L7OK || st == CHK_ST_L7OKC;
}

int check_state_recount(void *shm, uint32_t be)
{
	struct shm_be *b = shm_backend(shm, be);
	uint32_t act = 0, bck = 0;
	for (uint32_t i = b->srv_first; i < b->srv_first + b->srv_count; i++) {
		struct shm_srv *r = shm_server(shm, i);
		if (LOAD(r->op_state) != SHM_OP_UP || (LOAD(r->admin) & SHM_ADMIN_MAINT))
			continue;
		if (r->flags & SHM_SRV_BACKUP)
			bck++;
		else
			act++;
	}
	if (act == LOAD(b->srv_act) && bck == LOAD(b->srv_bck))
		return 0;
	STORE(b->srv_act, act);
	STORE(b->srv_bck, bck);
	return 1;
}

void check_state_sweep(void *shm, uint32_t nbe)
{
	for (uint32_t be = 0; be < nbe; be++)
		if (check_state_recount(shm, be))
			__atomic_add_fetch(&shm_backend(shm, be)->lb_gen, 1, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ logs */

/* ", reason: ..., info: "...", check duration: Nms", HAProxy's order; no
 * duration for a result that was no check (HANA). */
static void check_state_status(struct sbuf *m, unsigned st, int code, const char *info,
			       uint32_t dur)
{
	sbuf_printf(m, ", reason: %s", check_status_desc(st));
	if (code >= 0)
		sbuf_printf(m, ", code: %d", code);
	if (info && *info)
		sbuf_printf(m, ", info: \"%s\"", info);
	if (dur != CHK_DURATION_NONE)
		sbuf_printf(m, ", check duration: %ums", dur);
}

static int check_state_logs_checks(const struct chk *c)
{
	return (c->px->options >> PX_OPT_LOG_HEALTH_CHECKS) & 1;
}

static void check_state_emit(const struct chk *c, int syslog_level, int say_level,
			     const struct sbuf *m)
{
	log_proxy(c->px, syslog_level, "%s", sbuf_str(m));
	log_say(say_level, "%s", sbuf_str(m));
}

/* `option log-health-checks`: every check that moved the health or
 * changed the status, with the health as HAProxy shows it ("2/3 UP":
 * failures left before DOWN, or successes so far towards UP). */
static void check_state_log_check(const struct chk *c, unsigned st, int code, const char *info,
				  uint32_t dur, int32_t health)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	struct sbuf m = { 0 };
	int up = health >= c->rise;
	int drain = LOAD(r->weight_user) == 0 || LOAD(r->weight_pct) == 0 ||
		    (LOAD(r->admin) & SHM_ADMIN_DRAIN);
	sbuf_printf(&m, "Health check for %sserver %s/%s %s%s", c->conf->backup ? "backup " : "",
		    c->px->name, c->conf->name, st == CHK_ST_L7OKC ? "conditionally " : "",
		    check_state_passed(st) ? "succeeded" : "failed");
	check_state_status(&m, st, code, info, dur);
	sbuf_printf(&m, ", status: %d/%d %s.", up ? health - c->rise + 1 : health,
		    up ? c->fall : c->rise, up ? (drain ? "DRAIN" : "UP") : "DOWN");
	check_state_emit(c, LOG_LVL_NOTICE, LOG_LVL_WARNING, &m);
	sbuf_free(&m);
}

/* The end of a state-change line: the servers left in the backend. */
static void check_state_counts(struct sbuf *m, const struct chk *c, int up)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	struct shm_be *b = shm_backend(c->p->shm, c->be);
	uint32_t act = LOAD(b->srv_act), bck = LOAD(b->srv_bck);
	const char *on_backup = bck && !act ? " Running on backup." : "";
	/* Nothing is requeued yet: the queue subsystem will redispatch. */
	if (up)
		sbuf_printf(m, ". %u active and %u backup servers online.%s 0 sessions requeued, "
			    "%llu total in queue.", act, bck, on_backup,
			    (unsigned long long)LOAD(b->c.qcur));
	else
		sbuf_printf(m, ". %u active and %u backup servers left.%s %llu sessions active, "
			    "0 requeued, %llu remaining in queue.", act, bck, on_backup,
			    (unsigned long long)LOAD(r->c.scur), (unsigned long long)LOAD(r->c.qcur));
}

/* HAProxy gives the reason of a change only when no "Health check for"
 * line (`option log-health-checks`) said it already: st CHK_ST_UNKNOWN
 * leaves it out. */
static void check_state_log_change(const struct chk *c, int up, unsigned st, int code,
				   const char *info, uint32_t dur)
{
	struct sbuf m = { 0 };
	sbuf_printf(&m, "%sServer %s/%s is %s", c->conf->backup ? "Backup " : "", c->px->name,
		    c->conf->name, up ? "UP" : "DOWN");
	if (st != CHK_ST_UNKNOWN)
		check_state_status(&m, st, code, info, dur);
	check_state_counts(&m, c, up);
	check_state_emit(c, up ? LOG_LVL_NOTICE : LOG_LVL_ALERT, LOG_LVL_WARNING, &m);
	sbuf_free(&m);
}

/* HAProxy's two lines: quoted on stderr as an alert, unquoted to syslog
 * at emerg; a `listen` section is a "proxy" there, a backend a "backend". */
static void check_state_log_empty(const struct chk *c)
{
	const char *type = (c->px->cap & PX_CAP_FE) ? "proxy" : "backend";
	log_proxy(c->px, LOG_LVL_EMERG, "%s %s has no server available!", type, c->px->name);
	log_say(LOG_LVL_ALERT, "%s '%s' has no server available!", type, c->px->name);
}

/* ----------------------------------------------------------- transitions */

/* The backend gained its first usable server or lost its last one. */
static void check_state_backend(struct shm_be *b, int was_avail, uint64_t now_s)
{
	int avail = LOAD(b->srv_act) + LOAD(b->srv_bck) > 0;
	if (avail == was_avail)
		return;
	if (avail)
		STORE(b->down_time, LOAD(b->down_time) + (now_s - LOAD(b->last_change)));
	else
		shm_gauge_add(&b->c.chkdown, 1);
	STORE(b->last_change, now_s);
}

static void check_state_change(struct chk *c, int up, unsigned st, int code, const char *info,
			       uint32_t dur)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	struct shm_be *b = shm_backend(c->p->shm, c->be);
	uint64_t now_s = (uint64_t)time(NULL);
	int was_avail = LOAD(b->srv_act) + LOAD(b->srv_bck) > 0;
	if (up)
		STORE(r->down_time, LOAD(r->down_time) + (now_s - LOAD(r->last_change)));
	else
		shm_gauge_add(&r->c.chkdown, 1);
	check_slowstart_change(c, up);
	STORE(r->op_state, (uint32_t)(up ? SHM_OP_UP : SHM_OP_DOWN));
	STORE(r->last_change, now_s);
	check_state_recount(c->p->shm, c->be);
	check_state_backend(b, was_avail, now_s);
	__atomic_add_fetch(&b->lb_gen, 1, __ATOMIC_RELEASE);
	check_state_log_change(c, up, st, code, info, dur);
	if (was_avail && !LOAD(b->srv_act) && !LOAD(b->srv_bck))
		check_state_log_empty(c);
}

/* HAProxy's NOLB (`http-check disable-on-404`): a conditional pass
 * (L7OKC) keeps an UP server in the segment's STOPPING state, out of the
 * balance but still serving its persistent sessions; a full pass brings
 * it back. Logged as HAProxy: "Server be/s is stopping" with the servers
 * left, or "is UP" again. */
static void check_state_nolb(struct chk *c, int stopping, unsigned st, int code,
			     const char *info, uint32_t dur)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	struct shm_be *b = shm_backend(c->p->shm, c->be);
	uint32_t want = stopping ? SHM_OP_STOPPING : SHM_OP_UP;
	if (LOAD(r->op_state) == want)
		return;
	uint64_t now_s = (uint64_t)time(NULL);
	int was_avail = LOAD(b->srv_act) + LOAD(b->srv_bck) > 0;
	STORE(r->op_state, want);
	STORE(r->last_change, now_s);
	check_state_recount(c->p->shm, c->be);
	check_state_backend(b, was_avail, now_s);
	__atomic_add_fetch(&b->lb_gen, 1, __ATOMIC_RELEASE);
	if (!stopping) {
		check_state_log_change(c, 1, st, code, info, dur);
		return;
	}
	struct sbuf m = { 0 };
	sbuf_printf(&m, "%sServer %s/%s is stopping", c->conf->backup ? "Backup " : "", c->px->name,
		    c->conf->name);
	if (st != CHK_ST_UNKNOWN)
		check_state_status(&m, st, code, info, dur);
	/* HAProxy 2.6 words a stopping server's line as an UP one's */
	sbuf_printf(&m, ". %u active and %u backup servers online. 0 sessions requeued, "
		    "%llu total in queue.", LOAD(b->srv_act), LOAD(b->srv_bck),
		    (unsigned long long)LOAD(b->c.qcur));
	check_state_emit(c, LOG_LVL_NOTICE, LOG_LVL_WARNING, &m);
	sbuf_free(&m);
	if (was_avail && !LOAD(b->srv_act) && !LOAD(b->srv_bck))
		check_state_log_empty(c);
}

void check_state_resume(struct chk *c)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	struct shm_be *b = shm_backend(c->p->shm, c->be);
	STORE(r->check_health, (int32_t)c->rise);
	if (LOAD(r->op_state) == SHM_OP_UP || !check_agent_allows_up(c->srv))
		return;
	uint64_t now_s = (uint64_t)time(NULL);
	int was_avail = LOAD(b->srv_act) + LOAD(b->srv_bck) > 0;
	STORE(r->down_time, LOAD(r->down_time) + (now_s - LOAD(r->last_change)));
	check_slowstart_change(c, 1);
	STORE(r->op_state, (uint32_t)SHM_OP_UP);
	STORE(r->last_change, now_s);
	check_state_recount(c->p->shm, c->be);
	check_state_backend(b, was_avail, now_s);
	__atomic_add_fetch(&b->lb_gen, 1, __ATOMIC_RELEASE);
}

/*
 * The runtime API forced the state (check_ctl.c): `set server ... health`,
 * an agent forced up or down. The same bookkeeping as a checked change
 * (down time, chkdown, slowstart, counts, lb_gen), logged in HAProxy's
 * words: "Server be/s is UP, changed from CLI. ..." (`why`: "changed from
 * CLI" or "changed from Web interface"). Nothing is logged
 * when the state does not move.
 */
void check_state_force_op(struct chk *c, uint32_t want, const char *why)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	struct shm_be *b = shm_backend(c->p->shm, c->be);
	uint32_t cur = LOAD(r->op_state);
	if (cur == want)
		return;
	uint64_t now_s = (uint64_t)time(NULL);
	int was_avail = LOAD(b->srv_act) + LOAD(b->srv_bck) > 0;
	if (cur == SHM_OP_DOWN) {
		STORE(r->down_time, LOAD(r->down_time) + (now_s - LOAD(r->last_change)));
		check_slowstart_change(c, 1);
	} else if (want == SHM_OP_DOWN) {
		shm_gauge_add(&r->c.chkdown, 1);
		check_slowstart_change(c, 0);
	}
	STORE(r->op_state, want);
	STORE(r->last_change, now_s);
	check_state_recount(c->p->shm, c->be);
	check_state_backend(b, was_avail, now_s);
	__atomic_add_fetch(&b->lb_gen, 1, __ATOMIC_RELEASE);
	struct sbuf m = { 0 };
	sbuf_printf(&m, "%sServer %s/%s is %s, %s", c->conf->backup ? "Backup " : "",
		    c->px->name, c->conf->name, want == SHM_OP_UP ? "UP" :
		    want == SHM_OP_STOPPING ? "stopping" : "DOWN", why);
	check_state_counts(&m, c, want != SHM_OP_DOWN);
	check_state_emit(c, want == SHM_OP_DOWN ? LOG_LVL_ALERT : LOG_LVL_NOTICE, LOG_LVL_WARNING,
			 &m);
	sbuf_free(&m);
	if (was_avail && !LOAD(b->srv_act) && !LOAD(b->srv_bck))
		check_state_log_empty(c);
}

/* HAProxy's `set server ... health`: up and stopping give full health
 * (rise+fall-1), down none, then the state; the next check goes on from
 * there. */
void check_state_force_health(struct chk *c, uint32_t want, const char *why)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	STORE(r->check_health, want == SHM_OP_DOWN ? 0 : (int32_t)(c->rise + c->fall - 1));
	check_state_force_op(c, want, why);
}

void check_state_report(struct chk *c, unsigned st, const char *info)
{
	check_state_report_code(c, st, -1, info);
}

/* HAProxy prints ", code: N" only for the L7 results that carry one. */
static int check_state_logged_code(unsigned st, int code)
{
	return st == CHK_ST_L7OK || st == CHK_ST_L7OKC || st == CHK_ST_L7STS ? code : -1;
}

static void check_state_store_info(struct shm_srv *r, const char *info)
{
	size_t n = info ? strlen(info) : 0;
	if (n >= sizeof(r->last_chk))
		n = sizeof(r->last_chk) - 1;
	r->last_chk[n] = '\0';
	if (n)
		memcpy(r->last_chk, info, n);
}

void check_state_report_code(struct chk *c, unsigned st, int code, const char *info)
{
	c->kind->stop(c);
	c->running = 0;
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	/* `disable health` came while this check ran: its result is ignored */
	if (LOAD(r->ctl) & SHM_CTL_HEALTH_OFF) {
		checker_schedule(c);
		return;
	}
	uint32_t dur = (uint32_t)(checker_now_ms() - c->start_ms);
	unsigned prev = LOAD(r->check_status);
	int32_t old = LOAD(r->check_health), health = old;
	/* a conditional pass cannot make the first step up (HAProxy) */
	int passed = check_state_passed(st) && !(st == CHK_ST_L7OKC && old == 0);
	if (check_state_step(&health, c->rise, c->fall, passed))
		shm_gauge_add(&r->c.chkfail, 1);
	/* HAProxy: a passed check also forgets the errors `observe` counted */
	if (passed && c->conf->observe != SRV_OBSERVE_NONE && LOAD(r->obs_consec))
		STORE(r->obs_consec, 0);
	STORE(r->check_status, st);
	STORE(r->check_code, (int32_t)code);
	check_state_store_info(r, info);
	int lcode = check_state_logged_code(st, code);
	STORE(r->check_duration, dur);
	STORE(r->check_health, health);
	unsigned why = st;
	if (check_state_logs_checks(c)) {
		if (st != prev || health != old)
			check_state_log_check(c, st, lcode, info, dur, health);
		why = CHK_ST_UNKNOWN;           /* said already */
	}
	/* a passing check brings a server up unless its agent holds it down;
	 * only a failing one takes it down (the agent's "down" acts itself,
	 * and one said before `disable agent` must not act later) */
	int healthy = health >= c->rise, running = LOAD(r->op_state) != SHM_OP_DOWN;
	if (healthy && !running && check_agent_allows_up(c->srv))
		check_state_change(c, 1, why, lcode, info, dur);
	else if (!healthy && running)
		check_state_change(c, 0, why, lcode, info, dur);
	if (healthy && LOAD(r->op_state) != SHM_OP_DOWN)
		check_state_nolb(c, st == CHK_ST_L7OKC, why, lcode, info, dur);
	checker_schedule(c);
}

void check_state_set(struct chk *c, int up, unsigned st, const char *info, uint32_t dur)
{
	/* HAProxy: only the health check takes a server out of NOLB */
	if (up && LOAD(shm_server(c->p->shm, c->srv)->op_state) == SHM_OP_STOPPING)
		return;
	check_state_change(c, up, st, -1, info, dur);
}

/* ------------------------------------------------------------ observe */

/*
 * `observe` saw `error-limit` consecutive errors on live traffic:
 * HAProxy's `on-error` actions (configuration manual, "on-error"), which
 * all count in hanafail and make the next check come at `fastinter`
 * (check_observe.c reschedules). fastinter does only that. fail-check is
 * one failed check of status HANA; sudden-death first leaves a server
 * with more health than that one failed check from DOWN (health rise+1),
 * then fails a check; mark-down sets the health to rise, so its failed
 * check takes the server DOWN. A HANA result has no check duration, and
 * is logged as a check with `option log-health-checks`.
 */
void check_state_observe(struct chk *c, int action, uint32_t errors)
{
	struct shm_srv *r = shm_server(c->p->shm, c->srv);
	/* no health check to fail while the operator has them disabled */
	if (LOAD(r->ctl) & SHM_CTL_HEALTH_OFF)
		return;
	shm_gauge_add(&r->c.hanafail, 1);
	int32_t health = LOAD(r->check_health);
	switch (action) {
	case SRV_ONERR_FAIL_CHECK:
		break;
	case SRV_ONERR_SUDDEN_DEATH:
		if (health > c->rise)
			health = c->rise + 1;
		break;
	case SRV_ONERR_MARK_DOWN:
		health = c->rise;
		break;
	default:
		return;
	}
	char info[128];
	/* the workers name the kind of the last error they counted */
	snprintf(info, sizeof(info), "Detected %u consecutive errors, last one was: %s", errors,
		 check_observe_desc(LOAD(r->obs_last)));
	unsigned prev = LOAD(r->check_status);
	int failed = check_state_step(&health, c->rise, c->fall, 0);
	if (failed)
		shm_gauge_add(&r->c.chkfail, 1);
	STORE(r->check_status, CHK_ST_HANA);
	STORE(r->check_code, -1);
	STORE(r->check_duration, CHK_DURATION_NONE);
	check_state_store_info(r, info);
	STORE(r->check_health, health);
	unsigned why = CHK_ST_HANA;
	if (check_state_logs_checks(c)) {
		if (prev != CHK_ST_HANA || failed)
			check_state_log_check(c, CHK_ST_HANA, -1, info, CHK_DURATION_NONE, health);
		why = CHK_ST_UNKNOWN;
	}
	if (health < c->rise && LOAD(r->op_state) != SHM_OP_DOWN)
		check_state_change(c, 0, why, -1, info, CHK_DURATION_NONE);
}
