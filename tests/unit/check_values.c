/*
 * The value parsers of src/cfg/values.c: a time, size, integer or address
 * written as HAProxy accepts it gives the value HAProxy would use, and
 * every malformed one gives the message a user needs to fix it.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"
#include "check_main.h"

static char err[512];

/* ------------------------------------------------------------ times */

static int t(const char *s)
{
	int v = -12345;
	err[0] = 0;
	ck_assert_msg(cfg_parse_time(s, &v, err, sizeof(err)) == 0, "'%s' rejected: %s", s, err);
	return v;
}

static void t_bad(const char *s, const char *msg)
{
	int v = -12345;
	err[0] = 0;
	ck_assert_int_eq(cfg_parse_time(s, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(v, -12345);
	ck_assert_msg(strstr(err, msg) != NULL, "'%s': got '%s', want '%s'", s, err, msg);
}

START_TEST(time_units)
{
	ck_assert_int_eq(t("0"), 0);
	ck_assert_int_eq(t("100"), 100);
	ck_assert_int_eq(t("10ms"), 10);
	ck_assert_int_eq(t("5s"), 5000);
	ck_assert_int_eq(t("30m"), 1800000);
	ck_assert_int_eq(t("1h"), 3600000);
	ck_assert_int_eq(t("2d"), 172800000);
	ck_assert_int_eq(t("24d"), 2073600000);
	ck_assert_int_eq(t("2147483647"), 2147483647);
	ck_assert_int_eq(t("2147483647ms"), 2147483647);
}
END_TEST

START_TEST(time_microseconds_round_up)
{
	ck_assert_int_eq(t("1us"), 1);
	ck_assert_int_eq(t("999us"), 1);
	ck_assert_int_eq(t("1000us"), 1);
	ck_assert_int_eq(t("1001us"), 2);
	ck_assert_int_eq(t("0us"), 0);
	ck_assert_int_eq(t("2500000us"), 2500);
}
END_TEST

START_TEST(time_overflow)
{
	t_bad("2147483648", "timer overflow in '2147483648' (maximum value is 2147483647 ms or ~24.8 days)");
	t_bad("25d", "timer overflow in '25d'");
	t_bad("596524h", "timer overflow");
	t_bad("2147484s", "timer overflow");
	t_bad("99999999999999999999999", "timer overflow");
	t_bad("2147483648000us", "timer overflow");
}
END_TEST

START_TEST(time_errors)
{
	t_bad("5x", "'5x' : unknown unit 'x' (valid units are us, ms, s, m, h, d; the default is ms)");
	t_bad("5sec", "unknown unit 'sec'");
	t_bad("1.5s", "unknown unit '.5s'");
	t_bad("", "missing time value");
	t_bad("-1", "'-1' is not a valid time");
	t_bad("s", "'s' is not a valid time (expects a number with an optional unit: us, ms, s, m, h, d)");
	t_bad(" 5s", "is not a valid time");
}
END_TEST

START_TEST(time_default_unit_seconds)
{
	int v;
	ck_assert_int_eq(cfg_parse_time_unit("600", 1000, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 600000);
	ck_assert_int_eq(cfg_parse_time_unit("10m", 1000, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 600000);
	ck_assert_int_eq(cfg_parse_time_unit("250ms", 1000, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 250);
	ck_assert_int_eq(cfg_parse_time_unit("2147484", 1000, &v, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "timer overflow"));
	ck_assert_int_eq(cfg_parse_time_unit("3y", 1000, &v, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "the default is s"));
}
END_TEST

/* ------------------------------------------------------------ sizes */

static int64_t sz(const char *s)
{
	int64_t v = -1;
	ck_assert_msg(cfg_parse_size(s, &v, err, sizeof(err)) == 0, "'%s' rejected: %s", s, err);
	return v;
}

static void sz_bad(const char *s, const char *msg)
{
	int64_t v = -7;
	ck_assert_int_eq(cfg_parse_size(s, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(v, -7);
	ck_assert_msg(strstr(err, msg) != NULL, "'%s': got '%s', want '%s'", s, err, msg);
}

START_TEST(sizes)
{
	ck_assert_int_eq(sz("0"), 0);
	ck_assert_int_eq(sz("16384"), 16384);
	ck_assert_int_eq(sz("200k"), 204800);
	ck_assert_int_eq(sz("100K"), 102400);
	ck_assert_int_eq(sz("1m"), 1048576);
	ck_assert_int_eq(sz("1M"), 1048576);
	ck_assert_int_eq(sz("2g"), 2147483648LL);
	ck_assert_int_eq(sz("3G"), 3221225472LL);
}
END_TEST

START_TEST(size_errors)
{
	sz_bad("5x", "'5x' : unknown size suffix 'x' (valid suffixes are k, m and g, multiples of 1024)");
	sz_bad("1kb", "unexpected characters 'b' after the size suffix");
	sz_bad("k", "'k' is not a valid size");
	sz_bad("", "is not a valid size");
	sz_bad("-5", "is not a valid size");
	sz_bad("99999999999999999999", "size '99999999999999999999' is too large");
	sz_bad("9999999999999999g", "is too large");
}
END_TEST

/* ------------------------------------------------------------ integers */

START_TEST(integers)
{
	long v;
	ck_assert_int_eq(cfg_parse_int("42", 0, 100, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(cfg_parse_int("-5", -10, 10, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, -5);
	ck_assert_int_eq(cfg_parse_int("101", 0, 100, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "'101' is out of range (expects an integer between 0 and 100)");
	ck_assert_int_eq(cfg_parse_int("12a", 0, 100, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "'12a' is not a valid integer (expects an integer between 0 and 100)");
	ck_assert_int_eq(cfg_parse_int("", 0, 100, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(cfg_parse_int("99999999999999999999999", 0, 100, &v, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "out of range"));
}
END_TEST

START_TEST(onoff)
{
	int v = 5;
	ck_assert_int_eq(cfg_parse_onoff("on", &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(cfg_parse_onoff("off", &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(cfg_parse_onoff("yes", &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "expects 'on' or 'off' but got 'yes'");
}
END_TEST

/* ------------------------------------------------------------ addresses */

static struct arena *ar;
static struct cfg_addr addr;

static void addr_setup(void)
{
	ar = arena_new();
}

static void addr_teardown(void)
{
	arena_free(ar);
}

static void a_ok(const char *s, enum cfg_addr_use use)
{
	err[0] = 0;
	ck_assert_msg(cfg_parse_addr(ar, s, use, &addr, err, sizeof(err)) == 0, "'%s' rejected: %s", s, err);
	ck_assert_str_eq(addr.text, s);
}

static void a_bad(const char *s, enum cfg_addr_use use, const char *msg)
{
	err[0] = 0;
	ck_assert_msg(cfg_parse_addr(ar, s, use, &addr, err, sizeof(err)) == -1, "'%s' accepted", s);
	ck_assert_msg(strstr(err, msg) != NULL, "'%s': got '%s', want '%s'", s, err, msg);
}

static int sin_port(void)
{
	return ntohs(((struct sockaddr_in *)&addr.ss)->sin_port);
}

START_TEST(addr_bind_wildcards)
{
	a_ok("*:80", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.kind, CFG_ADDR_INET);
	ck_assert_str_eq(addr.host, "");
	ck_assert_int_eq(addr.family, AF_UNSPEC);
	ck_assert_int_eq(addr.ss.ss_family, AF_INET);
	ck_assert_int_eq(addr.port, 80);
	ck_assert_int_eq(addr.port_last, 80);
	ck_assert_int_eq(sin_port(), 80);
	ck_assert_int_eq(addr.is_name, 0);

	a_ok(":8404", CFG_ADDR_FOR_BIND);
	ck_assert_str_eq(addr.host, "");
	ck_assert_int_eq(addr.port, 8404);

	a_ok("0.0.0.0:3307", CFG_ADDR_FOR_BIND);
	ck_assert_str_eq(addr.host, "0.0.0.0");
	ck_assert_int_eq(addr.family, AF_INET);
	ck_assert_int_eq(addr.port, 3307);
	ck_assert_int_eq(addr.sslen, sizeof(struct sockaddr_in));
}
END_TEST

START_TEST(addr_ipv4_ipv6)
{
	a_ok("127.0.0.1:18080", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.family, AF_INET);
	ck_assert_int_eq(((struct sockaddr_in *)&addr.ss)->sin_addr.s_addr, htonl(0x7f000001));
	ck_assert_int_eq(sin_port(), 18080);

	/* HAProxy's IPv6 form: the last colon separates the port */
	a_ok(":::443", CFG_ADDR_FOR_BIND);
	ck_assert_str_eq(addr.host, "::");
	ck_assert_int_eq(addr.family, AF_INET6);
	ck_assert_int_eq(addr.port, 443);
	ck_assert_int_eq(ntohs(((struct sockaddr_in6 *)&addr.ss)->sin6_port), 443);
	ck_assert_int_eq(addr.sslen, sizeof(struct sockaddr_in6));

	a_ok("::1:443", CFG_ADDR_FOR_BIND);
	ck_assert_str_eq(addr.host, "::1");
	ck_assert_int_eq(addr.port, 443);

	a_ok("[::1]:443", CFG_ADDR_FOR_BIND);
	ck_assert_str_eq(addr.host, "::1");
	ck_assert_int_eq(addr.family, AF_INET6);
	ck_assert_int_eq(addr.port, 443);

	a_ok("[2001:db8::1]", CFG_ADDR_FOR_SERVER);
	ck_assert_str_eq(addr.host, "2001:db8::1");
	ck_assert_int_eq(addr.port, 0);
}
END_TEST

START_TEST(addr_prefixes)
{
	a_ok("ipv4@:80", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.forced_family, AF_INET);
	ck_assert_int_eq(addr.family, AF_INET);
	a_ok("ipv6@:443", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.forced_family, AF_INET6);
	ck_assert_int_eq(addr.ss.ss_family, AF_INET6);
	ck_assert_int_eq(addr.port, 443);
	a_ok("ipv6@::1:443", CFG_ADDR_FOR_BIND);
	ck_assert_str_eq(addr.host, "::1");
	a_bad("ipv4@::1:443", CFG_ADDR_FOR_BIND, "'::1' is not an IPv4 address in 'ipv4@::1:443'");
	a_bad("ipv6@127.0.0.1:80", CFG_ADDR_FOR_BIND, "is not an IPv6 address");

	a_ok("unix@s000-01-admin.sock", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.kind, CFG_ADDR_UNIX);
	ck_assert_int_eq(addr.family, AF_UNIX);
	ck_assert_str_eq(addr.path, "s000-01-admin.sock");
	ck_assert_str_eq(((struct sockaddr_un *)&addr.ss)->sun_path, "s000-01-admin.sock");

	a_ok("/run/haproxy/admin.sock", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.kind, CFG_ADDR_UNIX);
	ck_assert_str_eq(addr.path, "/run/haproxy/admin.sock");

	a_ok("abns@weir-peer", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.kind, CFG_ADDR_ABNS);
	ck_assert_str_eq(addr.path, "weir-peer");
	ck_assert_int_eq(((struct sockaddr_un *)&addr.ss)->sun_path[0], 0);

	a_ok("fd@3", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.kind, CFG_ADDR_FD);
	ck_assert_int_eq(addr.fd, 3);
	a_ok("sockpair@7", CFG_ADDR_FOR_SERVER);
	ck_assert_int_eq(addr.kind, CFG_ADDR_SOCKPAIR);
	ck_assert_int_eq(addr.fd, 7);
	a_bad("fd@x", CFG_ADDR_FOR_BIND, "file descriptor 'x' is not a valid integer in 'fd@x'");
	a_bad("fd@", CFG_ADDR_FOR_BIND, "file descriptor '' is not a valid integer");
	a_bad("fd@3", CFG_ADDR_FOR_SERVER, "'fd@' addresses are not permitted here in 'fd@3'");
	a_bad("unix@", CFG_ADDR_FOR_BIND, "missing socket path in 'unix@'");
	a_bad("quic4@:443", CFG_ADDR_FOR_BIND, "unknown address family 'quic4@' in 'quic4@:443'");
	a_bad("unix@/a/very/long/path/that/does/not/fit/in/sun_path/at/all/because/it/is/way/more/"
	      "than/one/hundred/and/eight/characters.sock", CFG_ADDR_FOR_BIND, "is too long");
	a_bad("unix@/x.sock", CFG_ADDR_FOR_CHECK, "'unix@' addresses are not permitted here");
}
END_TEST

START_TEST(addr_bind_ports)
{
	a_ok("*:80-90", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.port, 80);
	ck_assert_int_eq(addr.port_last, 90);
	a_bad("admin.sock", CFG_ADDR_FOR_BIND, "missing port specification in 'admin.sock'");
	a_bad("127.0.0.1", CFG_ADDR_FOR_BIND, "missing port specification in '127.0.0.1'");
	a_bad("*:99999", CFG_ADDR_FOR_BIND, "invalid port '99999'");
	a_bad("*:0", CFG_ADDR_FOR_BIND, "invalid port '0'");
	a_bad("*:90-80", CFG_ADDR_FOR_BIND, "invalid port range '90-80'");
	a_bad("*:80x", CFG_ADDR_FOR_BIND, "invalid port '80x'");
	a_bad("*:http", CFG_ADDR_FOR_BIND, "invalid character 'h' in port number 'http' in '*:http'");
	a_bad("*:+1", CFG_ADDR_FOR_BIND, "port offset not permitted here in '*:+1'");
	a_bad("", CFG_ADDR_FOR_BIND, "missing address");
	a_bad("127.0.0.1:80-81", CFG_ADDR_FOR_SERVER, "port range not permitted here in '127.0.0.1:80-81'");
}
END_TEST

START_TEST(addr_server_forms)
{
	a_ok("127.0.1.10:8080", CFG_ADDR_FOR_SERVER);
	ck_assert_int_eq(addr.port, 8080);
	a_ok("10.0.1.10", CFG_ADDR_FOR_SERVER);
	ck_assert_int_eq(addr.port, 0);       /* the client's destination port */
	ck_assert_int_eq(addr.port_offset, 0);
	a_ok("10.0.1.10:+1", CFG_ADDR_FOR_SERVER);
	ck_assert_int_eq(addr.port, 0);
	ck_assert_int_eq(addr.port_offset, 1);
	a_ok("10.0.1.10:-1000", CFG_ADDR_FOR_SERVER);
	ck_assert_int_eq(addr.port_offset, -1000);
	/* names stay names: -c never resolves */
	a_ok("db.example.com:5432", CFG_ADDR_FOR_SERVER);
	ck_assert_int_eq(addr.is_name, 1);
	ck_assert_str_eq(addr.host, "db.example.com");
	ck_assert_int_eq(addr.port, 5432);
	ck_assert_int_eq(addr.ss.ss_family, AF_UNSPEC);
	a_ok("localhost:80", CFG_ADDR_FOR_BIND);
	ck_assert_int_eq(addr.is_name, 1);
	a_ok("/var/run/app.sock", CFG_ADDR_FOR_SERVER);
	ck_assert_int_eq(addr.kind, CFG_ADDR_UNIX);
	a_bad("bad host!:80", CFG_ADDR_FOR_SERVER, "invalid address: 'bad host!' in 'bad host!:80'");
	a_bad("-x:80", CFG_ADDR_FOR_SERVER, "invalid address");
	a_ok("10.0.0.5", CFG_ADDR_FOR_CHECK);
	a_bad("10.0.0.5:+1", CFG_ADDR_FOR_CHECK, "port offset not permitted here");
}
END_TEST

START_TEST(addr_log_targets)
{
	a_ok("/dev/log", CFG_ADDR_FOR_LOG);
	ck_assert_int_eq(addr.kind, CFG_ADDR_UNIX);
	ck_assert_str_eq(addr.path, "/dev/log");
	a_ok("127.0.0.1", CFG_ADDR_FOR_LOG);
	ck_assert_int_eq(addr.port, 514);
	ck_assert_int_eq(sin_port(), 514);
	a_ok("127.0.0.1:1514", CFG_ADDR_FOR_LOG);
	ck_assert_int_eq(addr.port, 1514);
	a_ok("udp@logs.example.com:5140", CFG_ADDR_FOR_LOG);
	ck_assert_int_eq(addr.is_name, 1);
	ck_assert_int_eq(addr.port, 5140);
	a_ok("logs.example.com", CFG_ADDR_FOR_LOG);
	ck_assert_int_eq(addr.port, 514);
	a_ok("stdout", CFG_ADDR_FOR_LOG);
	ck_assert_int_eq(addr.kind, CFG_ADDR_STDOUT);
	a_ok("stderr", CFG_ADDR_FOR_LOG);
	ck_assert_int_eq(addr.kind, CFG_ADDR_STDERR);
	a_ok("fd@1", CFG_ADDR_FOR_LOG);
	ck_assert_int_eq(addr.kind, CFG_ADDR_FD);
	a_bad("udp@:80", CFG_ADDR_FOR_BIND, "'udp@' addresses are not permitted here");
	a_bad("tcp@127.0.0.1:514", CFG_ADDR_FOR_LOG, "TCP log targets need a 'ring' section");
	a_bad("stdout", CFG_ADDR_FOR_BIND, "missing port specification in 'stdout'");
}
END_TEST

static void roundtrip(const char *s, enum cfg_addr_use use, const char *canon)
{
	struct cfg_addr again;
	a_ok(s, use);
	const char *c = cfg_addr_str(ar, &addr);
	ck_assert_str_eq(c, canon);
	ck_assert_int_eq(cfg_parse_addr(ar, c, use, &again, err, sizeof(err)), 0);
	ck_assert_str_eq(cfg_addr_str(ar, &again), canon);
	ck_assert_int_eq(again.port, addr.port);
	ck_assert_int_eq(again.port_offset, addr.port_offset);
	ck_assert_int_eq(again.family, addr.family);
	ck_assert_int_eq(again.kind, addr.kind);
}

START_TEST(addr_canonical_text)
{
	roundtrip("*:80", CFG_ADDR_FOR_BIND, "*:80");
	roundtrip(":80", CFG_ADDR_FOR_BIND, "*:80");
	roundtrip("*:80-90", CFG_ADDR_FOR_BIND, "*:80-90");
	roundtrip(":::443", CFG_ADDR_FOR_BIND, "[::]:443");
	roundtrip("ipv6@:443", CFG_ADDR_FOR_BIND, "ipv6@:443");
	roundtrip("ipv4@127.0.0.1:80", CFG_ADDR_FOR_BIND, "ipv4@127.0.0.1:80");
	roundtrip("unix@admin.sock", CFG_ADDR_FOR_BIND, "unix@admin.sock");
	roundtrip("unix@/run/a.sock", CFG_ADDR_FOR_BIND, "/run/a.sock");
	roundtrip("abns@x", CFG_ADDR_FOR_BIND, "abns@x");
	roundtrip("fd@3", CFG_ADDR_FOR_BIND, "fd@3");
	roundtrip("10.0.0.1:-1", CFG_ADDR_FOR_SERVER, "10.0.0.1:-1");
	roundtrip("10.0.0.1:+2", CFG_ADDR_FOR_SERVER, "10.0.0.1:+2");
	roundtrip("10.0.0.1", CFG_ADDR_FOR_SERVER, "10.0.0.1");
	roundtrip("127.0.0.1", CFG_ADDR_FOR_LOG, "127.0.0.1:514");
	roundtrip("stdout", CFG_ADDR_FOR_LOG, "stdout");
	roundtrip("web.example.com:8080", CFG_ADDR_FOR_SERVER, "web.example.com:8080");
}
END_TEST

/* ------------------------------------------------------------ keyword helpers */

static struct cfg *cfg;
static struct cfg_ctx ctx;

static void ctx_setup(void)
{
	static char *line[] = { "maxconn", "10", "20", NULL };
	cfg = cfg_new();
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.arena = cfg->arena;
	ctx.sec = CFG_SEC_GLOBAL;
	ctx.loc.file = "test.cfg";
	ctx.loc.line = 3;
	ctx.kw = "maxconn";
	ctx.line.n = 3;
	ctx.line.w = line;
}

static void ctx_teardown(void)
{
	cfg_free(cfg);
}

START_TEST(arg_helpers_report)
{
	int v = 0;
	int64_t s = 0;
	ck_assert_int_eq(cfg_arg_time(&ctx, "5s", &v), 0);
	ck_assert_int_eq(v, 5000);
	ck_assert_int_eq(cfg_arg_time(&ctx, "5q", &v), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'maxconn' : '5q' : unknown unit 'q'"));
	ck_assert_int_eq(cfg_arg_int(&ctx, "70", 0, 65535, &v), 0);
	ck_assert_int_eq(v, 70);
	ck_assert_int_eq(cfg_arg_int(&ctx, "70000", 0, 65535, &v), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'maxconn' : '70000' is out of range (expects an integer between 0 and 65535)"));
	ck_assert_int_eq(cfg_arg_size(&ctx, "16k", &s), 0);
	ck_assert_int_eq(s, 16384);
	ck_assert_int_eq(cfg_arg_size(&ctx, "16q", &s), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "unknown size suffix 'q'"));
	ck_assert_int_eq(cfg->nalerts, 3);
}
END_TEST

START_TEST(need_args)
{
	char **argv = ctx.line.w + 1;
	ck_assert_int_eq(cfg_need_args(&ctx, 2, 1, 2), 0);
	ck_assert_int_eq(cfg_need_args(&ctx, 2, 1, -1), 0);
	ck_assert_int_eq(cfg_need_args(&ctx, 2, 1, 1), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'maxconn' cannot handle unexpected argument '20'"));
	(void)argv;
	ctx.line.n = 1;
	ck_assert_int_eq(cfg_need_args(&ctx, 0, 1, 1), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'maxconn' expects"));
	ctx.line.n = 3;
	ck_assert_int_eq(cfg_need_args(&ctx, 2, 0, 0), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'maxconn' takes no argument but got '10'"));
}
END_TEST

START_TEST(check_file)
{
	char dir[] = "/tmp/weir-values-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *file = arena_printf(cfg->arena, "%s/site.pem", dir);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("x\n", f);
	fclose(f);

	ck_assert_int_eq(cfg_check_file(&ctx, "SSL certificate", file, 0), 0);
	ck_assert_int_eq(cfg_check_file(&ctx, "SSL certificate", dir, 1), 0);
	ck_assert_int_eq(cfg->nalerts, 0);
	ck_assert_int_eq(cfg_check_file(&ctx, "SSL certificate", dir, 0), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "is a directory, expected a file"));
	ck_assert_int_eq(cfg_check_file(&ctx, "SSL certificate", "/etc/haproxy/certs/nope.pem", 0), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'maxconn' : unable to stat SSL certificate from file "
			 "'/etc/haproxy/certs/nope.pem' : No such file or directory"));
	if (geteuid() != 0) {
		chmod(file, 0);
		ck_assert_int_eq(cfg_check_file(&ctx, "SSL certificate", file, 0), -1);
		ck_assert(t_diag(cfg, CFG_ALERT, "unable to read SSL certificate from file"));
	}
	unlink(file);
	rmdir(dir);
}
END_TEST

START_TEST(words_dup)
{
	char *in[] = { "a", "b c", "" };
	struct cfg_words w = cfg_words_dup(cfg->arena, 3, in);
	ck_assert_int_eq(w.n, 3);
	ck_assert_str_eq(w.w[1], "b c");
	ck_assert_ptr_ne(w.w[1], in[1]);
	ck_assert_str_eq(w.w[2], "");
	ck_assert_ptr_null(w.w[3]);
}
END_TEST

static Suite *values_suite(void)
{
	Suite *s = suite_create("values");
	TCase *tc = tcase_create("times");
	tcase_add_test(tc, time_units);
	tcase_add_test(tc, time_microseconds_round_up);
	tcase_add_test(tc, time_overflow);
	tcase_add_test(tc, time_errors);
	tcase_add_test(tc, time_default_unit_seconds);
	suite_add_tcase(s, tc);
	tc = tcase_create("numbers");
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, size_errors);
	tcase_add_test(tc, integers);
	tcase_add_test(tc, onoff);
	suite_add_tcase(s, tc);
	tc = tcase_create("addresses");
	tcase_add_checked_fixture(tc, addr_setup, addr_teardown);
	tcase_add_test(tc, addr_bind_wildcards);
	tcase_add_test(tc, addr_ipv4_ipv6);
	tcase_add_test(tc, addr_prefixes);
	tcase_add_test(tc, addr_bind_ports);
	tcase_add_test(tc, addr_server_forms);
	tcase_add_test(tc, addr_log_targets);
	tcase_add_test(tc, addr_canonical_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("helpers");
	tcase_add_checked_fixture(tc, ctx_setup, ctx_teardown);
	tcase_add_test(tc, arg_helpers_report);
	tcase_add_test(tc, need_args);
	tcase_add_test(tc, check_file);
	tcase_add_test(tc, words_dup);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(values_suite)
