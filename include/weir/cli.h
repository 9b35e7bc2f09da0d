/*
 * The command line, with HAProxy's flags and meanings (man/weir.1).
 * cli_parse() only reads argv; the actions are in src/weir.c.
 */
#ifndef WEIR_CLI_H
#define WEIR_CLI_H

#include <stdio.h>

enum cli_mode {
	CLI_RUN = 0,       /* start the daemon */
	CLI_CHECK,         /* -c */
	CLI_VERSION,       /* -v */
	CLI_BUILD_INFO,    /* -vv */
	CLI_COND,          /* -cc <expr> */
	CLI_HELP,          /* --help */
	CLI_LIST_KEYWORDS, /* --list-keywords (man page test) */
};

enum cli_dump { CLI_DUMP_NONE = 0, CLI_DUMP_CFG, CLI_DUMP_YAML };

struct cli_opts {
	enum cli_mode mode;
	const char **files;        /* -f, --config, and after -- */
	int nfiles;
	int quiet;                 /* -q */
	int verbose;               /* -V */
	int debug;                 /* -d: foreground, all roles in one process */
	int debug_no_background;   /* -db */
	int daemon;                /* -D */
	int master_worker;         /* -W */
	int systemd;               /* -Ws */
	const char *master_cli;    /* -S <bind>[,<opts>] */
	const char *pidfile;       /* -p */
	int *stop_pids;            /* -sf (soft) / -st (hard) */
	int nstop_pids;
	int hard_stop;             /* -st */
	const char *xfer_socket;   /* -x */
	int maxconn;               /* -n */
	int maxconn_default;       /* -N */
	const char *localpeer;     /* -L */
	const char *chdir;         /* -C */
	int warnings_fatal;        /* -dW */
	int mem_poison;            /* -dM[<byte>] */
	int mem_poison_byte;
	const char *cond;          /* -cc */
	enum cli_dump dump;        /* --dump=cfg|yaml */
};

/* Parses argv. Returns 0, or -1 with a one-line reason in err. */
int cli_parse(int argc, char **argv, struct cli_opts *o, char *err, size_t errlen);
void cli_opts_free(struct cli_opts *o);
void cli_usage(FILE *f, const char *prog);

#endif
