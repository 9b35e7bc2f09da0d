/*
 * Helpers shared by the unit suites: load a configuration from a string,
 * look for diagnostics.
 */
#ifndef WEIR_TESTUTIL_H
#define WEIR_TESTUTIL_H

#include "weir/cfg.h"

/* Parses text as one file named "test.cfg" and runs cfg_finish(). */
struct cfg *t_load(const char *text);
/* Same, with -c semantics (check_only). */
struct cfg *t_load_check(const char *text);
/* 1 if a diagnostic of `level` (CFG_ALERT, CFG_WARNING, CFG_NOTICE; -1 any)
 * contains `substring`. */
int t_diag(const struct cfg *cfg, int level, const char *substring);
/* The canonical dump of a model, as a heap string (free() it). */
char *t_dump(const struct cfg *cfg);
/* Prints every diagnostic (for failing tests). */
void t_print(const struct cfg *cfg);
/* t_load() that fails the test (printing the diagnostics) on any alert. */
struct cfg *t_load_ok(const char *text);
/* Loads a file or directory with -c semantics and runs cfg_finish(). */
struct cfg *t_load_file(const char *path);

/* The guides' runnable seed configurations, for suites that run over all. */
#define T_MAX_SEEDS 128
struct t_seeds {
	char *dir;                  /* .../seed-configs/runnable; NULL: not found */
	char *names[T_MAX_SEEDS];   /* its *.cfg, sorted */
	int n;
	char certs[64];             /* make-test-certs.sh output; "" when none */
};
/*
 * Finds shared/seed-configs beside the checkout ($WEIR_SHARED, else
 * $WEIR_SRCDIR/../shared or ../../shared, as a tarball build sits one level
 * deeper), lists the runnable files and points ERRDIR at conf/errors. With
 * make_certs, writes test certificates into a temporary directory and
 * points CERTDIR there. Call once, before the runner forks.
 */
void t_seeds_find(struct t_seeds *s, int make_certs);
/* Frees the list and removes the certificates. */
void t_seeds_free(struct t_seeds *s);
struct cfg *t_load_seed(const struct t_seeds *s, int i);

#endif
