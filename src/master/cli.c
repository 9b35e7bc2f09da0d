/*
 * Command-line parsing for the master (and every one-shot mode: -c, -v,
 * -vv, -cc). HAProxy's flags keep HAProxy's meaning and exit codes so that
 * init scripts, systemd units and habits carry over. Pure: reads argv,
 * fills struct cli_opts, prints nothing.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "weir/cli.h"
#include "weir/util.h"

void cli_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage : %s [-f <cfgfile|cfgdir>]* [ -vdVD ] [ -n <maxconn> ] [ -N <maxpconn> ]\n"
		"        [ -p <pidfile> ] [ -C <dir> ] [-- <cfgfile>*]\n"
		"        -v displays version ; -vv shows known build options.\n"
		"        -d enters debug mode ; -db only disables background mode.\n"
		"        -dM[<byte>] poisons memory with <byte> (defaults to 0x50)\n"
		"        -V enters verbose mode (disables quiet mode)\n"
		"        -D goes daemon ; -C changes to <dir> before loading files.\n"
		"        -W master-worker mode.\n"
		"        -Ws master-worker mode with systemd notify support.\n"
		"        -q quiet mode : don't display messages\n"
		"        -c check mode : only check config files and exit\n"
		"           (exit 0: valid, 1: errors, 2: valid but no listener)\n"
		"        -cc check condition : evaluate a condition and exit (0: true, 1: false, 2: error)\n"
		"        -n sets the maximum total # of connections (uses ulimit -n)\n"
		"        -N sets the default, per-proxy maximum # of connections\n"
		"        -L set local peer name\n"
		"        -p writes pids of all children to this file\n"
		"        -dW fails if any warning is emitted\n"
		"        -S <bind>[,<bind options>...] new master CLI\n"
		"        -sf/-st [pid ]* finishes/terminates old pids.\n"
		"        -x <unix_socket> get listening sockets from a unix socket\n"
		"        --dump=cfg|yaml prints the parsed configuration (with -c)\n"
		"        --help shows this help ; --version is -v ; --config is -f ; --check is -c\n",
		prog);
}

static int parse_count(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 0 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

static void add_file(struct cli_opts *o, const char *f)
{
	o->files = xrealloc(o->files, sizeof(char *) * (size_t)(o->nfiles + 1));
	o->files[o->nfiles++] = f;
}

/* Options that take the next word as their value. */
static int take_value(int argc, char **argv, int *i, const char **val, char *err, size_t errlen)
{
	if (*i + 1 >= argc || !argv[*i + 1][0]) {
		snprintf(err, errlen, "option '%s' requires an argument", argv[*i]);
		return -1;
	}
	*val = argv[++*i];
	return 0;
}

static int parse_long_opt(const char *a, struct cli_opts *o, char *err, size_t errlen)
{
	if (strcmp(a, "--check") == 0)
		o->mode = CLI_CHECK;
	else if (strcmp(a, "--version") == 0)
		o->mode = CLI_VERSION;
	else if (strcmp(a, "--help") == 0)
		o->mode = CLI_HELP;
	else if (strcmp(a, "--list-keywords") == 0)
		o->mode = CLI_LIST_KEYWORDS;
	else if (strcmp(a, "--dump=cfg") == 0)
		o->dump = CLI_DUMP_CFG;
	else if (strcmp(a, "--dump=yaml") == 0)
		o->dump = CLI_DUMP_YAML;
	else {
		snprintf(err, errlen, "unknown option '%s'", a);
		return -1;
	}
	return 0;
}

/* -sf/-st: every following word that is a pid. */
static int parse_pids(int argc, char **argv, int *i, struct cli_opts *o, char *err, size_t errlen)
{
	o->hard_stop = strcmp(argv[*i], "-st") == 0;
	while (*i + 1 < argc && is_pid(argv[*i + 1])) {
		int pid;
		if (parse_count(argv[*i + 1], &pid) < 0 || pid == 0) {
			snprintf(err, errlen, "invalid pid '%s' after %s", argv[*i + 1], argv[*i]);
			return -1;
		}
		o->stop_pids = xrealloc(o->stop_pids, sizeof(int) * (size_t)(o->nstop_pids + 1));
		o->stop_pids[o->nstop_pids++] = pid;
		(*i)++;
	}
	return 0;
}

static int parse_value_opt(int argc, char **argv, int *i, struct cli_opts *o,
			   char *err, size_t errlen)
{
	const char *a = argv[*i], *v;
	if (take_value(argc, argv, i, &v, err, errlen) < 0)
		return -1;
	if (!strcmp(a, "-f") || !strcmp(a, "--config"))
		add_file(o, v);
	else if (!strcmp(a, "-S"))
		o->master_cli = v;
	else if (!strcmp(a, "-p"))
		o->pidfile = v;
	else if (!strcmp(a, "-x"))
		o->xfer_socket = v;
	else if (!strcmp(a, "-L"))
		o->localpeer = v;
	else if (!strcmp(a, "-C"))
		o->chdir = v;
	else if (!strcmp(a, "-cc")) {
		o->cond = v;
		o->mode = CLI_COND;
	} else if (!strcmp(a, "-n") || !strcmp(a, "-N")) {
		int *dst = a[1] == 'n' ? &o->maxconn : &o->maxconn_default;
		if (parse_count(v, dst) < 0 || *dst == 0) {
			snprintf(err, errlen, "option '%s' expects a positive number, got '%s'", a, v);
			return -1;
		}
	}
	return 0;
}

static int is_value_opt(const char *a)
{
	static const char *const opts[] = { "-f", "--config", "-S", "-p", "-x", "-L", "-C",
					    "-cc", "-n", "-N" };
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (strcmp(a, opts[i]) == 0)
			return 1;
	return 0;
}

/* Flags without a value. Returns 1 if `a` was one. */
static int parse_flag(const char *a, struct cli_opts *o)
{
	if (!strcmp(a, "-c")) o->mode = CLI_CHECK;
	else if (!strcmp(a, "-q")) o->quiet = 1;
	else if (!strcmp(a, "-V")) o->verbose = 1;
	else if (!strcmp(a, "-d")) o->debug = 1;
	else if (!strcmp(a, "-db")) o->debug_no_background = 1;
	else if (!strcmp(a, "-D")) o->daemon = 1;
	else if (!strcmp(a, "-W")) o->master_worker = 1;
	else if (!strcmp(a, "-Ws")) { o->master_worker = 1; o->systemd = 1; }
	else if (!strcmp(a, "-v")) { if (o->mode != CLI_BUILD_INFO) o->mode = CLI_VERSION; }
	else if (!strcmp(a, "-vv")) o->mode = CLI_BUILD_INFO;
	else if (!strcmp(a, "-dW")) o->warnings_fatal = 1;
	else return 0;
	return 1;
}

/* -dM or -dM<byte> (hex or decimal, as strtol reads it). */
static int parse_poison(const char *a, struct cli_opts *o, char *err, size_t errlen)
{
	o->mem_poison = 1;
	o->mem_poison_byte = 0x50;
	if (a[3]) {
		char *end;
		long b = strtol(a + 3, &end, 0);
		if (*end || b < 0 || b > 255) {
			snprintf(err, errlen, "-dM expects a byte value (0-255), got '%s'", a + 3);
			return -1;
		}
		o->mem_poison_byte = (int)b;
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_opts *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = 0;
		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				add_file(o, argv[i]);
			break;
		}
		if (is_value_opt(a))
			r = parse_value_opt(argc, argv, &i, o, err, errlen);
		else if (!strcmp(a, "-sf") || !strcmp(a, "-st"))
			r = parse_pids(argc, argv, &i, o, err, errlen);
		else if (strncmp(a, "-dM", 3) == 0)
			r = parse_poison(a, o, err, errlen);
		else if (strncmp(a, "--", 2) == 0)
			r = parse_long_opt(a, o, err, errlen);
		else if (!parse_flag(a, o)) {
			snprintf(err, errlen, "unknown option '%s'", a);
			r = -1;
		}
		if (r < 0)
			return -1;
	}
	if (o->dump && o->mode != CLI_CHECK) {
		snprintf(err, errlen, "--dump needs -c (check mode)");
		return -1;
	}
	if ((o->mode == CLI_CHECK || o->mode == CLI_RUN) && o->nfiles == 0) {
		snprintf(err, errlen, "No configuration file specified (use -f <file>)");
		return -1;
	}
	return 0;
}

void cli_opts_free(struct cli_opts *o)
{
	free(o->files);
	free(o->stop_pids);
	o->files = NULL;
	o->stop_pids = NULL;
}
