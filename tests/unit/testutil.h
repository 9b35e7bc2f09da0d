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

#endif
