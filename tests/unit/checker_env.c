/*
 * The checker suites' common fixture (checker_env.h).
 */
#include <check.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <event2/event.h>

#include "checker_env.h"
#include "testutil.h"
#include "weir/checker.h"
#include "weir/shm.h"
#include "weir/util.h"
#include "../../src/checker/checker-int.h"

void t_chk_up(struct t_env *e, const char *text, struct event_base *base)
{
	memset(e, 0, sizeof(*e));
	e->cfg = t_load_ok(text);
	ck_assert_int_eq(shm_layout_compute(e->cfg, 1, &e->layout), 0);
	ck_assert_int_eq(shm_create(&e->layout, &e->p.seg), 0);
	e->base = base ? base : event_base_new();
	e->p.cfg = e->cfg;
	e->p.layout = &e->layout;
	e->p.shm = e->p.seg.base;
	e->p.base = e->base;
	e->p.role = SHM_ROLE_CHECKER;
	e->p.worker = -1;
	e->cap = tmpfile();
	fflush(stderr);
	e->saved = dup(2);
	dup2(fileno(e->cap), 2);
	ck_assert_int_eq(checker_start(&e->p), 0);
}

char *t_chk_logs(struct t_env *e)
{
	fflush(stderr);
	struct stat st;
	fstat(fileno(e->cap), &st);
	char *s = xcalloc(1, (size_t)st.st_size + 1);
	ssize_t got = pread(fileno(e->cap), s, (size_t)st.st_size, 0);
	s[got > 0 ? got : 0] = '\0';
	return s;
}

void t_chk_down(struct t_env *e)
{
	checker_stop();
	fflush(stderr);
	dup2(e->saved, 2);
	close(e->saved);
	fclose(e->cap);
	shm_destroy(&e->p.seg);
	shm_layout_release(&e->layout);
	cfg_free(e->cfg);
	event_base_free(e->base);
}
