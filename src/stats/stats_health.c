/*
 * The runtime API's hand on a server's checks, shared by the CLI
 * (stats_cli.c: `enable|disable health|agent`, `set server <b>/<s>
 * health|agent ...`) and the stats page's Health and Agent actions
 * (stats_admin.c), and `shutdown sessions server` (the page's Kill
 * Sessions).
 *
 * A switch is a bit of shm_srv.ctl that the checker reads before each run.
 * A forced state is the checker's to write (it alone writes op_state): it
 * is posted in the server's record, the checker is kicked over its pipe,
 * and the answer waits until the checker acknowledges, so the next command
 * already sees the new state. Waiting blocks the stats loop, at most
 * STATS_FORCE_WAIT_MS and only when the checker is not running.
 *
 * `shutdown sessions server` is the workers' to carry out: a server's
 * kill_seq and the segment's kill_gen move, and each worker closes its
 * sessions on that server within a tenth of a second (worker.c).
 *
 * Runs in the stats process (in the master for the master CLI, in the
 * only process with -d). Writes ctl, force, force_seq, kill_seq and the
 * header's kill_gen.
 */
#include <time.h>
#include <unistd.h>

#include "stats-int.h"
#include "weir/checker.h"

#define STATS_FORCE_WAIT_MS 1000

int stats_health_switch(void *shm, uint32_t srv, int agent, int on)
{
	struct shm_srv *s = shm_server(shm, srv);
	uint32_t bit = agent ? SHM_CTL_AGENT_OFF : SHM_CTL_HEALTH_OFF;
	if (on && !(s->flags & (agent ? SHM_SRV_AGENT : SHM_SRV_CHECK)))
		return -1;
	if (on)
		__atomic_and_fetch(&s->ctl, ~bit, __ATOMIC_SEQ_CST);
	else
		__atomic_or_fetch(&s->ctl, bit, __ATOMIC_SEQ_CST);
	return 0;
}

void stats_health_kill(void *shm, uint32_t srv)
{
	__atomic_add_fetch(&shm_server(shm, srv)->kill_seq, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&shm_hdr(shm)->kill_gen, 1, __ATOMIC_RELEASE);
}

/* A full pipe (EAGAIN) means a kick is pending already; the checker's
 * once-a-second sweep catches anything a lost kick would miss. */
static void kick(const struct weir_proc *p)
{
	char b = 'k';
	if (p->kick_chan && p->kick_tx >= 0) {
		ssize_t n = write(p->kick_tx, &b, 1);
		(void)n;
	}
}

static int acked(const struct shm_srv *s, uint32_t seq)
{
	return __atomic_load_n(&s->force_ack, __ATOMIC_ACQUIRE) == seq;
}

int stats_health_force(struct weir_proc *p, void *shm, uint32_t srv, uint32_t what)
{
	struct shm_srv *s = shm_server(shm, srv);
	__atomic_store_n(&s->force, what, __ATOMIC_RELAXED);
	uint32_t seq = __atomic_add_fetch(&s->force_seq, 1, __ATOMIC_RELEASE);
	if (!p)
		return 1;
	if (p->all_in_one) {
		/* the checker runs in this very process: apply it now */
		check_ctl_poll();
		return acked(s, seq) ? 0 : 1;
	}
	kick(p);
	if (!p->kick_chan)
		return 1;
	struct timespec step = { 0, 1000000 };
	for (int ms = 0; ms < STATS_FORCE_WAIT_MS; ms++) {
		if (acked(s, seq))
			return 0;
		nanosleep(&step, NULL);
	}
	return acked(s, seq) ? 0 : 1;
}
