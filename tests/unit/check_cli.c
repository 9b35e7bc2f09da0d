/*
 * The command line (src/master/cli.c): HAProxy's flags, values and errors.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weir/cli.h"
#include "weir/util.h"
#include "check_main.h"

static struct cli_opts o;
static char err[256];

static int parse(const char *line)
{
	char *copy = xstrdup(line);
	char *argv[64];
	int argc = 0;
	argv[argc++] = "weir";
	for (char *t = strtok(copy, " "); t && argc < 63; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	cli_opts_free(&o);
	int r = cli_parse(argc, argv, &o, err, sizeof(err));
	/* keep the words alive for the assertions: leak-free via a static */
	static char *keep;
	free(keep);
	keep = copy;
	return r;
}

START_TEST(check_mode_and_files)
{
	ck_assert_int_eq(parse("-c -f a.cfg -f conf.d --config b.cfg -- c.cfg d.cfg"), 0);
	ck_assert_int_eq(o.mode, CLI_CHECK);
	ck_assert_int_eq(o.nfiles, 5);
	ck_assert_str_eq(o.files[1], "conf.d");
	ck_assert_str_eq(o.files[4], "d.cfg");
}
END_TEST

START_TEST(daemon_flags)
{
	ck_assert_int_eq(parse("-Ws -f a -p /run/w.pid -S /run/m.sock,level,admin -x /run/s.sock "
			       "-sf 10 20 -n 100 -N 50 -L me -C /etc -dW -dM0x41 -q -V -D -db"), 0);
	ck_assert(o.master_worker && o.systemd && o.daemon && o.quiet && o.verbose);
	ck_assert(o.debug_no_background && o.warnings_fatal && o.mem_poison);
	ck_assert_int_eq(o.mem_poison_byte, 0x41);
	ck_assert_str_eq(o.pidfile, "/run/w.pid");
	ck_assert_str_eq(o.master_cli, "/run/m.sock,level,admin");
	ck_assert_str_eq(o.xfer_socket, "/run/s.sock");
	ck_assert_int_eq(o.nstop_pids, 2);
	ck_assert_int_eq(o.stop_pids[1], 20);
	ck_assert_int_eq(o.hard_stop, 0);
	ck_assert_int_eq(o.maxconn, 100);
	ck_assert_int_eq(o.maxconn_default, 50);
	ck_assert_str_eq(o.localpeer, "me");
	ck_assert_str_eq(o.chdir, "/etc");
	ck_assert_int_eq(parse("-f a -st 7"), 0);
	ck_assert_int_eq(o.hard_stop, 1);
}
END_TEST

START_TEST(one_shot_modes)
{
	ck_assert_int_eq(parse("-v"), 0);
	ck_assert_int_eq(o.mode, CLI_VERSION);
	ck_assert_int_eq(parse("-vv"), 0);
	ck_assert_int_eq(o.mode, CLI_BUILD_INFO);
	ck_assert_int_eq(parse("--help"), 0);
	ck_assert_int_eq(o.mode, CLI_HELP);
	ck_assert_int_eq(parse("-cc defined(X)"), 0);
	ck_assert_int_eq(o.mode, CLI_COND);
	ck_assert_str_eq(o.cond, "defined(X)");
	ck_assert_int_eq(parse("-c -f x --dump=yaml"), 0);
	ck_assert_int_eq(o.dump, CLI_DUMP_YAML);
}
END_TEST

START_TEST(errors)
{
	ck_assert_int_eq(parse("-Z"), -1);
	ck_assert_str_eq(err, "unknown option '-Z'");
	ck_assert_int_eq(parse("--frobnicate"), -1);
	ck_assert_int_eq(parse("-f"), -1);
	ck_assert_str_eq(err, "option '-f' requires an argument");
	ck_assert_int_eq(parse("-c"), -1);
	ck_assert_ptr_nonnull(strstr(err, "No configuration file specified"));
	ck_assert_int_eq(parse("-f a -n x"), -1);
	ck_assert_int_eq(parse("-f a -dM300"), -1);
	ck_assert_int_eq(parse("-f a --dump=cfg"), -1);
	ck_assert_str_eq(err, "--dump needs -c (check mode)");
}
END_TEST

static void teardown(void)
{
	cli_opts_free(&o);
}

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, check_mode_and_files);
	tcase_add_test(tc, daemon_flags);
	tcase_add_test(tc, one_shot_modes);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(cli_suite)
