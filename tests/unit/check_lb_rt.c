/*
 * The balancing runtime (src/lb/lb*.c) on real segments. Promises checked:
 * roundrobin gives each server exactly its weight, interleaved, also when
 * two workers balance one backend, picks up weight changes when lb_gen
 * moves and does not restart at the first server on a rebuild; static-rr
 * ignores run-time weights but not states; leastconn prefers the least
 * loaded server (counts of every worker) and spreads ties; first fills
 * servers in order up to maxconn; backups serve only when no active server
 * can, the first one only unless `option allbackups`; down, maintenance
 * and draining servers get nothing; maxconn holds across workers (and
 * processes), -2 when everything is full, a released slot is usable
 * again; the avoided server is skipped while another exists; source
 * keeps a client on one server and spreads clients by weight.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/lb.h"
#include "weir/shm.h"

/* ------------------------------------------------------------- fixture */

struct fx {
	struct cfg *cfg;
	struct shm_layout l;
	struct shm_seg seg;
	void *b;
	const struct proxy_conf *px;
	uint32_t be;
};

/* Loads text, lays out and creates a segment; the fixture's backend is
 * the first proxy with a backend side. */
static void fx_open(struct fx *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	f->cfg = t_load_ok(text);
	ck_assert_int_eq(shm_layout_compute(f->cfg, 2, &f->l), 0);
	ck_assert_int_eq(shm_create(&f->l, &f->seg), 0);
	f->b = f->seg.base;
	const struct proxy_conf *px;
	VEC_EACH(&f->cfg->proxies, const struct proxy_conf *, px) {
		if (f->l.be_of_px[px_i] >= 0) {
			f->px = px;
			f->be = (uint32_t)f->l.be_of_px[px_i];
			return;
		}
	}
	ck_abort_msg("no backend");
}

static void fx_close(struct fx *f)
{
	shm_destroy(&f->seg);
	shm_layout_release(&f->l);
	cfg_free(f->cfg);
}

static uint32_t fx_first(struct fx *f)
{
	return shm_backend(f->b, f->be)->srv_first;
}

/* Server `pos` of the fixture's backend. */
static struct shm_srv *fx_srv(struct fx *f, int pos)
{
	return shm_server(f->b, fx_first(f) + (uint32_t)pos);
}

/* What the checker and stats do after every change. */
static void fx_bump(struct fx *f)
{
	__atomic_add_fetch(&shm_backend(f->b, f->be)->lb_gen, 1, __ATOMIC_ACQ_REL);
}

static void fx_lb(struct fx *f, struct lb_be *lb)
{
	lb_be_init(lb, f->px, f->b, f->be);
}

static const struct lb_req no_req = { NULL, 0, UINT32_MAX };

/* A pick whose connection ends at once: the server's position. */
static int pick_pos(struct fx *f, struct lb_be *lb, const struct lb_req *req)
{
	int idx = lb_pick(lb, req ? req : &no_req);
	if (idx < 0)
		return idx;
	lb_release_slot(f->b, (uint32_t)idx);
	return idx - (int)fx_first(f);
}

/* A pick whose connection stays open. */
static int hold_pos(struct fx *f, struct lb_be *lb)
{
	int idx = lb_pick(lb, &no_req);
	return idx < 0 ? idx : idx - (int)fx_first(f);
}

static void count_picks(struct fx *f, struct lb_be *lb, int n, int *count, int *seq)
{
	for (int i = 0; i < n; i++) {
		int p = pick_pos(f, lb, NULL);
		ck_assert_int_ge(p, 0);
		count[p]++;
		if (seq)
			seq[i] = p;
	}
}

static int longest_run(const int *seq, int n, int who)
{
	int best = 0, run = 0;
	for (int i = 0; i < n; i++) {
		run = seq[i] == who ? run + 1 : 0;
		best = run > best ? run : best;
	}
	return best;
}

static const char rr321[] =
	"backend be\n  balance roundrobin\n"
	"  server a 127.0.0.1:81 weight 3\n"
	"  server b 127.0.0.1:82 weight 2\n"
	"  server c 127.0.0.1:83 weight 1\n";

/* ---------------------------------------------------------- roundrobin */

/* An agent's maxconn:N (the checker's maxconn_agent) lowers a server's
 * limit for every worker, and 0 lifts it again. */
START_TEST(agent_maxconn_limits_slots)
{
	struct fx f;
	struct lb_be lb;
	fx_open(&f, rr321);
	fx_lb(&f, &lb);
	uint32_t a = lb.all[0].idx;
	fx_srv(&f, 0)->maxconn_agent = 1;
	fx_bump(&f);
	lb_be_refresh(&lb);
	ck_assert_int_eq(lb_take(f.b, a), 0);
	ck_assert_int_eq(lb_take(f.b, a), -1);
	fx_srv(&f, 0)->maxconn_agent = 0;
	ck_assert_int_eq(lb_take(f.b, a), 0);
	lb_release_slot(f.b, a);
	lb_release_slot(f.b, a);
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

START_TEST(rr_weighted_exact_and_interleaved)
{
	struct fx f;
	struct lb_be lb;
	int count[3] = { 0 }, seq[600];
	fx_open(&f, rr321);
	fx_lb(&f, &lb);
	ck_assert_ptr_eq(lb.ops, &lb_rr_ops);
	ck_assert_int_eq(lb.nset, 3);
	ck_assert_uint_eq(lb.total_weight, 6 * 16);   /* weights in 1/16ths */
	count_picks(&f, &lb, 600, count, seq);
	ck_assert_int_eq(count[0], 300);
	ck_assert_int_eq(count[1], 200);
	ck_assert_int_eq(count[2], 100);
	/* smooth: every 6 consecutive picks hold 3 a, 2 b, 1 c, and a never
	 * comes three times in a row (a a a b b c would) */
	for (int i = 0; i + 6 <= 600; i++) {
		int w[3] = { 0 };
		for (int j = i; j < i + 6; j++)
			w[seq[j]]++;
		ck_assert_msg(w[0] == 3 && w[1] == 2 && w[2] == 1, "window at %d", i);
	}
	ck_assert_int_le(longest_run(seq, 600, 0), 2);
	ck_assert_int_eq(longest_run(seq, 600, 1), 1);
	ck_assert_int_eq(longest_run(seq, 600, 2), 1);
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

START_TEST(rr_two_workers_share)
{
	struct fx f;
	struct lb_be w1, w2;
	int count[3] = { 0 };
	fx_open(&f, rr321);
	fx_lb(&f, &w1);
	fx_lb(&f, &w2);
	/* uneven traffic: worker 1 takes two connections for each of worker 2 */
	for (int i = 0; i < 2000; i++) {
		count[pick_pos(&f, &w1, NULL)]++;
		if (i % 2 == 0)
			count[pick_pos(&f, &w2, NULL)]++;
	}
	int total = count[0] + count[1] + count[2];
	ck_assert_int_eq(total, 3000);
	ck_assert_int_le(abs(count[0] * 100 / total - 50), 2);
	ck_assert_int_le(abs(count[1] * 100 / total - 33), 2);
	ck_assert_int_le(abs(count[2] * 100 / total - 17), 2);
	/* one shared round: picks spread over the two workers in any order
	 * still give exact shares, as one balancer would */
	memset(count, 0, sizeof(count));
	for (int i = 0; i < 600; i++)
		count[pick_pos(&f, (i * 7 / 3) % 2 ? &w1 : &w2, NULL)]++;
	ck_assert_int_eq(count[0], 300);
	ck_assert_int_eq(count[1], 200);
	ck_assert_int_eq(count[2], 100);
	lb_be_release(&w1);
	lb_be_release(&w2);
	fx_close(&f);
}
END_TEST

START_TEST(rr_weight_change_needs_gen)
{
	struct fx f;
	struct lb_be lb;
	int before[3] = { 0 }, stale[3] = { 0 }, after[3] = { 0 };
	fx_open(&f, "backend be\n  server a 127.0.0.1:81\n  server b 127.0.0.1:82\n"
		    "  server c 127.0.0.1:83\n");
	fx_lb(&f, &lb);
	count_picks(&f, &lb, 300, before, NULL);
	ck_assert_int_eq(before[0], 100);
	fx_srv(&f, 0)->weight_user = 4;    /* `set server be/a weight 4` */
	count_picks(&f, &lb, 300, stale, NULL);
	ck_assert_int_eq(stale[0], 100);   /* not seen before lb_gen moves */
	fx_bump(&f);
	count_picks(&f, &lb, 600, after, NULL);
	ck_assert_int_le(abs(after[0] - 400), 2);
	ck_assert_int_le(abs(after[1] - 100), 2);
	ck_assert_int_le(abs(after[2] - 100), 2);
	/* slowstart: 10% of 4 is 6/16ths; 1% of weight 4 rounds to 0 but
	 * still counts as 1/16th */
	fx_srv(&f, 0)->weight_pct = 10;
	fx_bump(&f);
	lb_be_refresh(&lb);
	ck_assert_int_eq(lb.nset, 3);
	ck_assert_uint_eq(lb.set[0]->weight, 6);
	fx_srv(&f, 0)->weight_pct = 1;
	fx_bump(&f);
	lb_be_refresh(&lb);
	ck_assert_uint_eq(lb.set[0]->weight, 1);
	fx_srv(&f, 0)->weight_pct = 0;
	fx_bump(&f);
	lb_be_refresh(&lb);
	ck_assert_int_eq(lb.nset, 2);
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

/* A rebuild that changes nothing must not send the next pick back to the
 * first server: with a rebuild before every pick, still a fair share. */
START_TEST(rr_rebuild_keeps_position)
{
	struct fx f;
	struct lb_be lb;
	int count[3] = { 0 };
	fx_open(&f, "backend be\n  server a 127.0.0.1:81\n  server b 127.0.0.1:82\n"
		    "  server c 127.0.0.1:83\n");
	fx_lb(&f, &lb);
	for (int i = 0; i < 300; i++) {
		fx_bump(&f);
		count[pick_pos(&f, &lb, NULL)]++;
	}
	ck_assert_int_eq(count[0], 100);
	ck_assert_int_eq(count[1], 100);
	ck_assert_int_eq(count[2], 100);
	/* weight changes mid-stream (c between 1 and 2, a rebuild every 4
	 * picks): a and b, whose weights never change, keep equal shares
	 * (restarting from zero at each rebuild would favour a) */
	memset(count, 0, sizeof(count));
	for (int r = 0; r < 60; r++) {
		fx_srv(&f, 2)->weight_user = 1 + (uint32_t)(r % 2);
		fx_bump(&f);
		for (int i = 0; i < 4; i++)
			count[pick_pos(&f, &lb, NULL)]++;
	}
	ck_assert_int_le(abs(count[0] - count[1]), 2);
	ck_assert_int_le(abs(count[2] - 100), 4);   /* 2/4 half the time, 1/3 the rest */
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

/* ----------------------------------------------------------- static-rr */

START_TEST(static_rr_ignores_weight_not_state)
{
	struct fx f;
	struct lb_be lb;
	int c1[3] = { 0 }, c2[3] = { 0 }, c3[3] = { 0 }, seq[600];
	fx_open(&f, "backend be\n  balance static-rr\n"
		    "  server a 127.0.0.1:81 weight 3\n  server b 127.0.0.1:82 weight 2\n"
		    "  server c 127.0.0.1:83 weight 1\n");
	fx_lb(&f, &lb);
	ck_assert_ptr_eq(lb.ops, &lb_static_rr_ops);
	count_picks(&f, &lb, 600, c1, seq);
	ck_assert_int_eq(c1[0], 300);
	ck_assert_int_eq(c1[1], 200);
	ck_assert_int_eq(c1[2], 100);
	ck_assert_int_le(longest_run(seq, 600, 0), 2);
	fx_srv(&f, 2)->weight_user = 50;
	fx_srv(&f, 0)->weight_pct = 20;
	fx_bump(&f);
	count_picks(&f, &lb, 600, c2, NULL);
	ck_assert_int_eq(c2[0], 300);
	ck_assert_int_eq(c2[1], 200);
	ck_assert_int_eq(c2[2], 100);
	fx_srv(&f, 0)->admin |= SHM_ADMIN_FMAINT;
	fx_bump(&f);
	count_picks(&f, &lb, 600, c3, NULL);
	ck_assert_int_eq(c3[0], 0);
	ck_assert_int_eq(c3[1], 400);
	ck_assert_int_eq(c3[2], 200);
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

/* ----------------------------------------------------------- leastconn */

START_TEST(leastconn_prefers_idle_and_spreads_ties)
{
	struct fx f;
	struct lb_be w1, w2;
	int count[3] = { 0 };
	fx_open(&f, "backend be\n  balance leastconn\n  server a 127.0.0.1:81\n"
		    "  server b 127.0.0.1:82\n  server c 127.0.0.1:83\n");
	fx_lb(&f, &w1);
	fx_lb(&f, &w2);
	ck_assert_ptr_eq(w1.ops, &lb_lc_ops);
	/* idle: connections that end at once share evenly */
	count_picks(&f, &w1, 300, count, NULL);
	ck_assert_int_eq(count[0], 100);
	ck_assert_int_eq(count[1], 100);
	ck_assert_int_eq(count[2], 100);
	/* ... across workers too: three in a row, whichever worker takes
	 * each, go to three different servers */
	memset(count, 0, sizeof(count));
	count[pick_pos(&f, &w1, NULL)]++;
	count[pick_pos(&f, &w1, NULL)]++;
	count[pick_pos(&f, &w2, NULL)]++;
	ck_assert(count[0] == 1 && count[1] == 1 && count[2] == 1);
	/* another worker holds 5 on a and b: this one sees it and goes to c */
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(lb_take(f.b, fx_first(&f)), 0);
		ck_assert_int_eq(lb_take(f.b, fx_first(&f) + 1), 0);
	}
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(hold_pos(&f, &w2), 2);
	/* now 5/5/5: held connections keep the counts level */
	for (int i = 0; i < 30; i++)
		hold_pos(&f, i % 2 ? &w1 : &w2);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(fx_srv(&f, i)->c.scur, 15);
	lb_be_release(&w1);
	lb_be_release(&w2);
	fx_close(&f);
}
END_TEST

START_TEST(leastconn_weighted)
{
	struct fx f;
	struct lb_be lb;
	fx_open(&f, "backend be\n  balance leastconn\n  server a 127.0.0.1:81 weight 2\n"
		    "  server b 127.0.0.1:82 weight 1\n");
	fx_lb(&f, &lb);
	for (int i = 0; i < 300; i++)
		ck_assert_int_ge(hold_pos(&f, &lb), 0);
	ck_assert_int_le(abs((int)fx_srv(&f, 0)->c.scur - 200), 1);
	ck_assert_int_le(abs((int)fx_srv(&f, 1)->c.scur - 100), 1);
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

/* ---------------------------------------------------------------- first */

START_TEST(first_fills_in_order)
{
	struct fx f;
	struct lb_be lb;
	fx_open(&f, "backend be\n  balance first\n  server a 127.0.0.1:81 maxconn 2\n"
		    "  server b 127.0.0.1:82 maxconn 2\n  server c 127.0.0.1:83 maxconn 2\n");
	fx_lb(&f, &lb);
	ck_assert_ptr_eq(lb.ops, &lb_first_ops);
	static const int want[6] = { 0, 0, 1, 1, 2, 2 };
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(hold_pos(&f, &lb), want[i]);
	ck_assert_int_eq(lb_pick(&lb, &no_req), -2);
	lb_release_slot(f.b, fx_first(&f) + 1);
	ck_assert_int_eq(hold_pos(&f, &lb), 1);
	lb_release_slot(f.b, fx_first(&f) + 2);
	lb_release_slot(f.b, fx_first(&f));
	ck_assert_int_eq(hold_pos(&f, &lb), 0);
	lb_be_release(&lb);
	fx_close(&f);

	fx_open(&f, "backend be\n  balance first\n  server a 127.0.0.1:81\n"
		    "  server b 127.0.0.1:82\n");
	fx_lb(&f, &lb);
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(hold_pos(&f, &lb), 0);
	fx_srv(&f, 0)->op_state = SHM_OP_DOWN;
	fx_bump(&f);
	ck_assert_int_eq(hold_pos(&f, &lb), 1);
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

/* -------------------------------------------------------------- backups */

static const char with_backups[] =
	"backend be\n%s  server a 127.0.0.1:81\n  server b 127.0.0.1:82\n"
	"  server x 127.0.0.1:91 backup\n  server y 127.0.0.1:92 backup\n";

static void backups_case(int allbackups)
{
	char text[512];
	struct fx f;
	struct lb_be lb;
	int count[4] = { 0 };
	snprintf(text, sizeof(text), with_backups, allbackups ? "  option allbackups\n" : "");
	fx_open(&f, text);
	fx_lb(&f, &lb);
	count_picks(&f, &lb, 100, count, NULL);
	ck_assert_int_eq(count[0] + count[1], 100);
	ck_assert_int_eq(lb.backup_set, 0);
	fx_srv(&f, 0)->op_state = SHM_OP_DOWN;
	fx_bump(&f);
	memset(count, 0, sizeof(count));
	count_picks(&f, &lb, 100, count, NULL);
	ck_assert_int_eq(count[1], 100);      /* one active left: no backup */
	fx_srv(&f, 1)->admin |= SHM_ADMIN_FMAINT;
	fx_bump(&f);
	memset(count, 0, sizeof(count));
	count_picks(&f, &lb, 100, count, NULL);
	ck_assert_int_eq(lb.backup_set, 1);
	if (allbackups) {
		ck_assert_int_eq(count[2], 50);
		ck_assert_int_eq(count[3], 50);
	} else {
		ck_assert_int_eq(count[2], 100);
	}
	/* the first backup down: the next one takes over */
	fx_srv(&f, 2)->op_state = SHM_OP_DOWN;
	fx_bump(&f);
	ck_assert_int_eq(pick_pos(&f, &lb, NULL), 3);
	/* an active back: backups stop */
	fx_srv(&f, 0)->op_state = SHM_OP_UP;
	fx_bump(&f);
	ck_assert_int_eq(pick_pos(&f, &lb, NULL), 0);
	ck_assert_int_eq(lb.backup_set, 0);
	lb_be_release(&lb);
	fx_close(&f);
}

START_TEST(backups_first_only)
{
	backups_case(0);
}
END_TEST

START_TEST(backups_all)
{
	backups_case(1);
}
END_TEST

/* -------------------------------------------------------- unusable ones */

START_TEST(unusable_servers_skipped)
{
	struct fx f;
	struct lb_be lb;
	int count[7] = { 0 };
	fx_open(&f, "backend be\n  server ok 127.0.0.1:80\n  server off 127.0.0.1:81 disabled\n"
		    "  server m 127.0.0.1:82\n  server d 127.0.0.1:83\n  server dn 127.0.0.1:84\n"
		    "  server st 127.0.0.1:85\n  server w0 127.0.0.1:86 weight 0\n");
	fx_srv(&f, 2)->admin |= SHM_ADMIN_FMAINT;
	fx_srv(&f, 3)->admin |= SHM_ADMIN_FDRAIN;
	fx_srv(&f, 4)->op_state = SHM_OP_DOWN;
	fx_srv(&f, 5)->op_state = SHM_OP_STOPPING;
	fx_lb(&f, &lb);
	count_picks(&f, &lb, 50, count, NULL);
	ck_assert_int_eq(count[0], 50);
	ck_assert_int_eq(lb.nset, 1);
	fx_srv(&f, 0)->admin |= SHM_ADMIN_IDRAIN;
	fx_bump(&f);
	ck_assert_int_eq(lb_pick(&lb, &no_req), -1);
	fx_srv(&f, 3)->admin &= ~(uint32_t)SHM_ADMIN_FDRAIN;
	fx_bump(&f);
	ck_assert_int_eq(pick_pos(&f, &lb, NULL), 3);
	lb_be_release(&lb);
	fx_close(&f);

	fx_open(&f, "backend be\n");
	fx_lb(&f, &lb);
	ck_assert_int_eq(lb_pick(&lb, &no_req), -1);
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

/* -------------------------------------------------------------- maxconn */

START_TEST(maxconn_across_workers)
{
	struct fx f;
	struct lb_be w1, w2;
	fx_open(&f, "backend be\n  server a 127.0.0.1:81 maxconn 3\n"
		    "  server b 127.0.0.1:82 maxconn 3\n");
	fx_lb(&f, &w1);
	fx_lb(&f, &w2);
	for (int i = 0; i < 6; i++)
		ck_assert_int_ge(hold_pos(&f, i % 2 ? &w2 : &w1), 0);
	ck_assert_uint_eq(fx_srv(&f, 0)->c.scur, 3);
	ck_assert_uint_eq(fx_srv(&f, 1)->c.scur, 3);
	ck_assert_uint_eq(fx_srv(&f, 0)->c.smax, 3);
	ck_assert_int_eq(lb_pick(&w1, &no_req), -2);
	ck_assert_int_eq(lb_pick(&w2, &no_req), -2);
	ck_assert_int_eq(lb_take(f.b, fx_first(&f)), -1);
	ck_assert_uint_eq(fx_srv(&f, 0)->c.scur, 3);
	lb_release_slot(f.b, fx_first(&f) + 1);
	ck_assert_int_eq(hold_pos(&f, &w2), 1);
	ck_assert_int_eq(lb_pick(&w1, &no_req), -2);
	/* a release never takes the count below zero */
	for (int i = 0; i < 5; i++)
		lb_release_slot(f.b, fx_first(&f));
	ck_assert_uint_eq(fx_srv(&f, 0)->c.scur, 0);
	lb_be_release(&w1);
	lb_be_release(&w2);
	fx_close(&f);
}
END_TEST

/* Two processes racing for 4 slots never see more than 4 taken. */
START_TEST(maxconn_across_processes)
{
	struct fx f;
	fx_open(&f, "backend be\n  balance leastconn\n  server a 127.0.0.1:81 maxconn 4\n");
	pid_t pid[2];
	for (int p = 0; p < 2; p++) {
		pid[p] = fork();
		ck_assert_int_ge(pid[p], 0);
		if (pid[p] == 0) {
			struct lb_be lb;
			int held[3] = { -1, -1, -1 }, bad = 0;
			fx_lb(&f, &lb);
			for (int i = 0; i < 20000; i++) {
				int k = i % 3;
				if (held[k] >= 0) {
					lb_release_slot(f.b, (uint32_t)held[k]);
					held[k] = -1;
				} else {
					held[k] = lb_pick(&lb, &no_req);
					bad |= fx_srv(&f, 0)->c.scur > 4;
				}
			}
			for (int k = 0; k < 3; k++)
				if (held[k] >= 0)
					lb_release_slot(f.b, (uint32_t)held[k]);
			_exit(bad);
		}
	}
	for (int p = 0; p < 2; p++) {
		int st;
		ck_assert_int_eq(waitpid(pid[p], &st, 0), pid[p]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ck_assert_uint_eq(fx_srv(&f, 0)->c.scur, 0);
	ck_assert_uint_le(fx_srv(&f, 0)->c.smax, 4);
	fx_close(&f);
}
END_TEST

/* ---------------------------------------------------------------- avoid */

START_TEST(avoid_honoured)
{
	static const char *const algos[] = { "roundrobin", "static-rr", "leastconn", "first",
					     "source" };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	for (size_t a = 0; a < sizeof(algos) / sizeof(algos[0]); a++) {
		char text[256];
		struct fx f;
		struct lb_be lb;
		snprintf(text, sizeof(text), "backend be\n  balance %s\n  server a 127.0.0.1:81\n"
			 "  server b 127.0.0.1:82\n", algos[a]);
		fx_open(&f, text);
		fx_lb(&f, &lb);
		struct lb_req req = { (struct sockaddr *)&sin, sizeof(sin), UINT32_MAX };
		int usual = pick_pos(&f, &lb, &req);
		ck_assert_int_ge(usual, 0);
		req.avoid = fx_first(&f) + (uint32_t)usual;
		for (int i = 0; i < 20; i++)
			ck_assert_msg(pick_pos(&f, &lb, &req) == 1 - usual, "%s", algos[a]);
		/* the only one left is used anyway */
		fx_srv(&f, 1 - usual)->op_state = SHM_OP_DOWN;
		fx_bump(&f);
		ck_assert_int_eq(pick_pos(&f, &lb, &req), usual);
		lb_be_release(&lb);
		fx_close(&f);
	}
}
END_TEST

/* --------------------------------------------------------------- source */

static int source_pick4(struct fx *f, struct lb_be *lb, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	sin.sin_addr.s_addr = htonl(ip);
	struct lb_req req = { (struct sockaddr *)&sin, sizeof(sin), UINT32_MAX };
	return pick_pos(f, lb, &req);
}

START_TEST(source_sticky_and_spread)
{
	struct fx f;
	struct lb_be lb, other;
	int count[4] = { 0 };
	fx_open(&f, "backend be\n  balance source\n  server a 127.0.0.1:81\n"
		    "  server b 127.0.0.1:82\n  server c 127.0.0.1:83\n  server d 127.0.0.1:84\n");
	fx_lb(&f, &lb);
	fx_lb(&f, &other);
	ck_assert_ptr_eq(lb.ops, &lb_source_ops);
	for (uint32_t i = 0; i < 4000; i++) {
		uint32_t ip = 0x0a000000u + i;     /* 10.0.0.0/20: close addresses */
		int p = source_pick4(&f, &lb, ip, 1000);
		count[p]++;
		ck_assert_int_eq(source_pick4(&f, &lb, ip, 40000), p);
		ck_assert_int_eq(source_pick4(&f, &other, ip, 2), p);   /* every worker agrees */
	}
	for (int i = 0; i < 4; i++)
		ck_assert_msg(count[i] > 850 && count[i] < 1150, "server %d: %d", i, count[i]);
	lb_be_release(&lb);
	lb_be_release(&other);
	fx_close(&f);
}
END_TEST

START_TEST(source_weighted_ipv6)
{
	struct fx f;
	struct lb_be lb;
	int count[2] = { 0 };
	fx_open(&f, "backend be\n  balance source\n  server a 127.0.0.1:81 weight 3\n"
		    "  server b 127.0.0.1:82 weight 1\n");
	fx_lb(&f, &lb);
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct lb_req req = { (struct sockaddr *)&s6, sizeof(s6), UINT32_MAX };
	inet_pton(AF_INET6, "2001:db8::", &s6.sin6_addr);
	for (int i = 0; i < 4000; i++) {
		s6.sin6_addr.s6_addr[14] = (unsigned char)(i >> 8);
		s6.sin6_addr.s6_addr[15] = (unsigned char)i;
		s6.sin6_port = htons(1000);
		int p = pick_pos(&f, &lb, &req);
		s6.sin6_port = htons(2000);
		ck_assert_int_eq(pick_pos(&f, &lb, &req), p);
		count[p]++;
	}
	ck_assert_msg(abs(count[0] * 100 / 4000 - 75) <= 4, "%d/%d", count[0], count[1]);
	/* an IPv4 client seen on a dual-stack socket is the same client */
	inet_pton(AF_INET6, "::ffff:198.51.100.9", &s6.sin6_addr);
	ck_assert_int_eq(pick_pos(&f, &lb, &req), source_pick4(&f, &lb, 0xc6336409u, 5));
	/* no address (UNIX socket): round robin, no failure */
	struct lb_req none = { NULL, 0, UINT32_MAX };
	int c2[2] = { 0 };
	for (int i = 0; i < 40; i++)
		c2[pick_pos(&f, &lb, &none)]++;
	ck_assert_int_eq(c2[0], 30);
	lb_be_release(&lb);
	fx_close(&f);
}
END_TEST

/* ------------------------------------------------------------- fallback */

START_TEST(ops_and_fallback)
{
	ck_assert_ptr_eq(lb_ops_get(LB_ALGO_ROUNDROBIN), &lb_rr_ops);
	ck_assert_ptr_eq(lb_ops_get(LB_ALGO_SOURCE), &lb_source_ops);
	ck_assert_ptr_null(lb_ops_get(LB_ALGO_URI));
	ck_assert_ptr_null(lb_ops_get(LB_ALGO_RANDOM));
	ck_assert_ptr_null(lb_ops_get(LB_ALGO_HDR));
	struct fx f;
	struct lb_be lb;
	int count[2] = { 0 };
	fx_open(&f, "backend be\n  mode http\n  balance uri\n  server a 127.0.0.1:81\n"
		    "  server b 127.0.0.1:82\n");
	fx_lb(&f, &lb);
	ck_assert_ptr_eq(lb.ops, &lb_rr_ops);
	count_picks(&f, &lb, 10, count, NULL);
	ck_assert_int_eq(count[0], 5);
	lb_be_release(&lb);
	lb_be_release(NULL);
	fx_close(&f);
}
END_TEST

static Suite *lb_rt_suite(void)
{
	Suite *s = suite_create("lb_rt");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, rr_weighted_exact_and_interleaved);
	tcase_add_test(tc, agent_maxconn_limits_slots);
	tcase_add_test(tc, rr_two_workers_share);
	tcase_add_test(tc, rr_weight_change_needs_gen);
	tcase_add_test(tc, rr_rebuild_keeps_position);
	tcase_add_test(tc, static_rr_ignores_weight_not_state);
	tcase_add_test(tc, leastconn_prefers_idle_and_spreads_ties);
	tcase_add_test(tc, leastconn_weighted);
	tcase_add_test(tc, first_fills_in_order);
	tcase_add_test(tc, backups_first_only);
	tcase_add_test(tc, backups_all);
	tcase_add_test(tc, unusable_servers_skipped);
	tcase_add_test(tc, maxconn_across_workers);
	tcase_add_test(tc, maxconn_across_processes);
	tcase_add_test(tc, avoid_honoured);
	tcase_add_test(tc, source_sticky_and_spread);
	tcase_add_test(tc, source_weighted_ipv6);
	tcase_add_test(tc, ops_and_fallback);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(lb_rt_suite)
