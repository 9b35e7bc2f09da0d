/*
 * The master process (src/master/): entry point of a daemon run.
 */
#ifndef WEIR_MASTER_H
#define WEIR_MASTER_H

#include "weir/cfg-t.h"
#include "weir/cli.h"

/* Runs the daemon as the command line says (-W, -Ws, -D, -d, -db, -p,
 * -sf/-st); returns the exit status. argv is kept: a reload re-execs it. */
int master_main(const struct cli_opts *o, char **argv);

/* Loads the files of the command line into a new model (diagnostics kept
 * in it, not printed); with -c nothing is bound, connected or resolved.
 * Shared by `weir -c`, the start and every reload. */
struct cfg *master_load_config(const struct cli_opts *o);

#endif
