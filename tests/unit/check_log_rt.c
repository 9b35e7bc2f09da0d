/*
 * The runtime log (src/log/log.c, src/log/logfmt_build.c). Promises
 * checked: a session's `option tcplog` line is byte for byte HAProxy's;
 * IPv6 clients, <NOSRV>, a redispatch '+', the +Q, +E, +X and +M flags, a
 * JSON log-format and the HTTP variables print as HAProxy prints them;
 * lines reach a UNIX datagram receiver and a UDP receiver on 127.0.0.1 with
 * HAProxy's rfc3164, rfc5424, local, raw, short, priority, timed and iso
 * headers, cut to the target's `len`; `level` filters and `minlevel` caps;
 * `sample` keeps its share; a receiver that never reads makes lines drop
 * and be counted while sending never blocks; log_say() prints HAProxy's
 * "[WARNING]  (pid) : msg" shape. Everything runs on loopback and in a
 * temporary directory. TZ is UTC so local dates are known.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "testutil.h"
#include "weir/http-act.h"
#include "weir/http.h"
#include "weir/log.h"
#include "weir/logfmt.h"
#include "weir/sample-rt.h"

/* 02/Dec/2026:05:06:21.123 UTC */
#define T_ACCEPT 1796187981
#define T_MS 123

static char tmpdir[64];
static struct cfg *loaded[8];   /* freed by teardown */
static int nloaded;

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/weir-logrt-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	log_deinit();
	while (nloaded)
		cfg_free(loaded[--nloaded]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ------------------------------------------------------------ helpers */

static struct cfg *load(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct cfg *load(const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ck_assert_int_lt(nloaded, (int)ARRAY_SIZE(loaded));
	return loaded[nloaded++] = t_load_ok(text);
}

static const struct proxy_conf *px_find(const struct cfg *cfg, const char *name)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px)
		if (strcmp(px->name, name) == 0)
			return px;
	ck_abort_msg("no proxy %s", name);
	return NULL;
}

static void set_in4(struct sockaddr_storage *ss, const char *ip, int port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &in->sin_addr);
}

static void set_in6(struct sockaddr_storage *ss, const char *ip, int port)
{
	struct sockaddr_in6 *in = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	in->sin6_family = AF_INET6;
	in->sin6_port = htons((uint16_t)port);
	inet_pton(AF_INET6, ip, &in->sin6_addr);
}

/* The session of the brief's tcplog example. */
static void sess_init(struct log_sess *s)
{
	memset(s, 0, sizeof(*s));
	set_in4(&s->cli, "127.0.0.1", 41234);
	set_in4(&s->frt, "127.0.0.1", 8000);
	set_in4(&s->srv, "127.0.0.1", 9000);
	s->fe_name = "fe";
	s->be_name = "be";
	s->srv_name = "s1";
	s->accept_date = (struct timeval){ T_ACCEPT, T_MS * 1000 };
	s->request_date = s->accept_date;
	s->t_handshake = 0;
	s->t_idle = -1;
	s->t_request = -1;
	s->t_queue = 0;
	s->t_connect = 1;
	s->t_response = -1;
	s->t_active = -1;
	s->t_total = 5007;
	s->bytes_out = 212;
	s->bytes_in = 80;
	memcpy(s->term, "--", 3);
	s->actconn = 1;
	s->feconn = 1;
	s->status = -1;
}

/* Builds px's line for s, failing the test when the build fails. */
static const char *build(const struct proxy_conf *px, const struct log_sess *s)
{
	static char line[2048];
	ck_assert_ptr_nonnull(px->log_format_c);
	int n = logfmt_build(px->log_format_c, s, line, sizeof(line));
	ck_assert_int_ge(n, 0);
	ck_assert_uint_eq(strlen(line), (size_t)n);
	return line;
}

/* A one-format HTTP frontend. */
static const struct proxy_conf *http_fe(const char *fmt)
{
	struct cfg *cfg = load("defaults\n  mode http\n"
			       "frontend fe\n  bind 127.0.0.1:8000\n  log-format \"%s\"\n"
			       "  log stdout local0\n  default_backend be\n"
			       "backend be\n  server s1 127.0.0.1:9000\n", fmt);
	return px_find(cfg, "fe");
}

static int unix_rx(const char *name, char *path, size_t cap, int rcvbuf)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(path, cap, "%s/%s", tmpdir, name);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static int udp_rx(int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(struct sockaddr_in);
	set_in4(&ss, "127.0.0.1", 0);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* One datagram within a second, NUL terminated; -1 when none came. */
static int rx(int fd, char *buf, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 1000) != 1)
		return -1;
	ssize_t n = recv(fd, buf, cap - 1, 0);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return (int)n;
}

/* Nothing waiting (UNIX datagrams arrive within the send call). */
static void rx_none(int fd)
{
	char buf[64];
	ck_assert_int_lt(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 0);
	ck_assert_int_eq(errno, EAGAIN);
}

static void match(const char *re, const char *s)
{
	regex_t r;
	ck_assert_int_eq(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	int rc = regexec(&r, s, 0, NULL, 0);
	regfree(&r);
	ck_assert_msg(rc == 0, "'%s' does not match /%s/", s, re);
}

#define RE_3164 "[A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} "
#define RE_ISO "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}\\+00:00 "

/* ------------------------------------------------------------ line building */

START_TEST(tcplog_exact)
{
	struct cfg *cfg = load("frontend fe\n  mode tcp\n  bind 127.0.0.1:8000\n  option tcplog\n"
			       "  log stdout local0\n  default_backend be\n"
			       "backend be\n  mode tcp\n  server s1 127.0.0.1:9000\n");
	const struct proxy_conf *px = px_find(cfg, "fe");
	struct log_sess s;
	sess_init(&s);
	ck_assert_ptr_eq(px->log_format, logfmt_tcplog);
	ck_assert_str_eq(build(px, &s),
			 "127.0.0.1:41234 [02/Dec/2026:05:06:21.123] fe be/s1 0/1/5007 212 -- 1/1/0/0/0 0/0");
}
END_TEST

START_TEST(tcplog_ipv6_nosrv_redispatch)
{
	struct cfg *cfg = load("frontend fe\n  mode tcp\n  bind 127.0.0.1:8000\n  option tcplog\n"
			       "  log stdout local0\n  default_backend be\n"
			       "backend be\n  mode tcp\n  server s1 127.0.0.1:9000\n");
	const struct proxy_conf *px = px_find(cfg, "fe");
	struct log_sess s;
	sess_init(&s);
	set_in6(&s.cli, "::1", 41234);
	s.srv_name = NULL;
	s.t_connect = -1;
	s.retries = 3;
	s.redispatched = 1;
	s.fe_ssl = 1;
	memcpy(s.term, "SC", 3);
	ck_assert_str_eq(build(px, &s),
			 "::1:41234 [02/Dec/2026:05:06:21.123] fe~ be/<NOSRV> 0/-1/5007 212 SC 1/1/0/0/+3 0/0");
	/* no backend chosen: HAProxy names the frontend there */
	s.be_name = NULL;
	ck_assert_ptr_nonnull(strstr(build(px, &s), " fe~ fe/<NOSRV> "));
}
END_TEST

START_TEST(flags_quote_escape_hex)
{
	struct log_sess s;
	sess_init(&s);
	s.method = "GET";
	s.uri = "/a\"b]?x=1";
	s.version = "HTTP/1.1";
	const struct proxy_conf *px = http_fe("%{+Q}ci %{+Q}f %{+Q}r %{+Q}ID %ID %{+E}HU %{+X}ci:%{+X}cp "
					      "%{+Q}cp %{+X}Ts %{+Q}ft %{+Q}tsc");
	/* '"' of the request line is "#22" (HAProxy's encoding), then +E
	 * escapes ']'; the termination state is never quoted */
	ck_assert_str_eq(build(px, &s),
			 "\"127.0.0.1\" \"fe\" \"GET /a#22b]?x=1 HTTP/1.1\" \"\" - /a#22b\\]?x=1 "
			 "7F000001:A112 41234 6B0FA74D \"fe\" ----");
}
END_TEST

START_TEST(mandatory_field)
{
	struct log_sess s;
	char line[256];
	sess_init(&s);
	const struct proxy_conf *px = http_fe("%{+M}ID %ci");
	ck_assert_int_eq(logfmt_build(px->log_format_c, &s, line, sizeof(line)), -1);
	s.unique_id = "7F000001:A112_1";
	ck_assert_str_eq(build(px, &s), "7F000001:A112_1 127.0.0.1");
}
END_TEST

START_TEST(json_format)
{
	struct cfg *cfg = load("defaults\n  mode http\n"
			       "frontend fe\n  bind 127.0.0.1:8000\n"
			       "  log-format '{\"client\":\"%%ci\",\"port\":%%cp,\"be\":\"%%b\",\"srv\":\"%%s\","
			       "\"status\":%%ST,\"bytes\":%%B,\"date\":\"%%t\",\"ts\":%%Ts,\"tt\":%%Tt}'\n"
			       "  log stdout local0\n  default_backend be\n"
			       "backend be\n  server s1 127.0.0.1:9000\n");
	struct log_sess s;
	sess_init(&s);
	s.status = 200;
	ck_assert_str_eq(build(px_find(cfg, "fe"), &s),
			 "{\"client\":\"127.0.0.1\",\"port\":41234,\"be\":\"be\",\"srv\":\"s1\",\"status\":200,"
			 "\"bytes\":212,\"date\":\"02/Dec/2026:05:06:21.123\",\"ts\":1796187981,\"tt\":5007}");
}
END_TEST

START_TEST(httplog_and_http_vars)
{
	struct cfg *cfg = load("defaults\n  mode http\n"
			       "frontend fe\n  bind 127.0.0.1:8000\n  option httplog\n"
			       "  log stdout local0\n  default_backend be\n"
			       "backend be\n  server s1 127.0.0.1:9000\n");
	struct log_sess s;
	sess_init(&s);
	s.method = "GET";
	s.uri = "/index.html";
	s.version = "HTTP/1.1";
	s.t_request = 10;
	s.t_response = 69;
	s.t_active = 109;
	s.status = 200;
	memcpy(s.term, "----", 5);
	s.req_captures = "1wt.eu";
	s.res_captures = "";
	ck_assert_str_eq(build(px_find(cfg, "fe"), &s),
			 "127.0.0.1:41234 [02/Dec/2026:05:06:21.123] fe be/s1 10/0/1/69/109 200 212 - - ---- "
			 "1/1/0/0/0 0/0 {1wt.eu} {} \"GET /index.html HTTP/1.1\"");
	s.uri = "http://h.example/p/q?x=1";
	const struct proxy_conf *px = http_fe("%HM|%HU|%HP|%HPO|%HQ|%HV|%T|%Tl|%trg|%ms|%Tq|%Tu|%Td|%hrl");
	s.req_captures = "a||b";
	ck_assert_str_eq(build(px, &s),
			 "GET|http://h.example/p/q?x=1|http://h.example/p/q|/p/q|?x=1|HTTP/1.1|"
			 "02/Dec/2026:05:06:21 +0000|02/Dec/2026:05:06:21 +0000|02/Dec/2026:05:06:21 +0000|"
			 "123|10|5007|4927|a  b");   /* a captured empty value prints empty */
	s.method = NULL;
	ck_assert_str_eq(build(http_fe("%{+Q}r"), &s), "\"<BADREQ>\"");
}
END_TEST

START_TEST(build_truncates_and_samples_dash)
{
	struct log_sess s;
	char line[8];
	sess_init(&s);
	const struct proxy_conf *px = http_fe("%ci %[src]");
	ck_assert_int_eq(logfmt_build(px->log_format_c, &s, line, sizeof(line)), 7);
	ck_assert_str_eq(line, "127.0.0");
	ck_assert_str_eq(build(px, &s), "127.0.0.1 -");
	set_in4(&s.cli, "0.0.0.0", 0);
	s.cli.ss_family = AF_UNIX;
	ck_assert_str_eq(build(http_fe("%ci:%cp"), &s), "unix:-");
}
END_TEST

/* ------------------------------------------------------------ HTTP sessions */

/* What the HTTP engine hands the builder for one request: the parsed head,
 * a sample context over it, the captures, and the log session. */
static struct {
	struct http_msg req;
	struct smp_ctx smp;
	struct smp_vars vars;
	char scratch[1024];
	char rl[LOG_REQLINE_MAX + 2];
	struct http_caps caps;
	struct log_sess ls;
} th;

/* A frontend of `body` (its lines, "\n" separated) and its backend. */
static const struct proxy_conf *http_fe_lines(const char *body)
{
	struct cfg *cfg = load("defaults\n  mode http\n"
			       "frontend fe\n  bind 127.0.0.1:8000\n  log stdout local0\n%s"
			       "  default_backend be\n"
			       "backend be\n  server s1 127.0.0.1:9000\n", body);
	th.smp.cfg = cfg;
	return px_find(cfg, "fe");
}

/* Parses `head` (CRLF lines) and fills th as the engine does once the
 * request is complete; the response has not come yet. */
static void th_request(const struct proxy_conf *fe, const char *head)
{
	struct http_err err;
	http_msg_free(&th.req);
	http_msg_init(&th.req, 0, HTTP_MAX_HDRS_DEFAULT, 16384);
	ck_assert_int_eq(h1_parse_request(&th.req, head, strlen(head), 16384, &err), (int)strlen(head));
	sess_init(&th.ls);
	memset(&th.caps, 0, sizeof(th.caps));
	memset(&th.vars, 0, sizeof(th.vars));
	th.smp.cli = &th.ls.cli;
	th.smp.fe_addr = &th.ls.frt;
	th.smp.fe = fe;
	th.smp.be = NULL;
	th.smp.fe_rec = th.smp.be_rec = -1;
	th.smp.req = &th.req;
	th.smp.vars = &th.vars;
	th.smp.scr = (struct smp_scratch){ th.scratch, sizeof(th.scratch), 0 };
	th.ls.smp = &th.smp;
	th.ls.caps = &th.caps;
	ck_assert_int_eq(logfmt_sess_request(&th.ls, &th.req, th.rl, sizeof(th.rl)), 0);
}

/* A capture slot, as `capture request|response header` stores it. */
static void th_cap(int is_res, int idx, const char *v)
{
	struct http_cap *c = is_res ? &th.caps.res[idx] : &th.caps.req[idx];
	size_t n = strlen(v);
	ck_assert_uint_le(th.caps.used + n, sizeof(th.caps.data));
	memcpy(th.caps.data + th.caps.used, v, n);
	*c = (struct http_cap){ (uint16_t)th.caps.used, (uint16_t)n, 1 };
	th.caps.used += (uint32_t)n;
	int *used = is_res ? &th.caps.nres : &th.caps.nreq;
	if (idx >= *used)
		*used = idx + 1;
}

/* The end of a 200 that took no time: what HAProxy 2.6 logged for the
 * same request through the same configuration (lab run on loopback). */
static void th_served(void)
{
	th.ls.t_request = th.ls.t_queue = th.ls.t_connect = th.ls.t_response = 0;
	th.ls.t_active = th.ls.t_total = 0;
	th.ls.status = 200;
	th.ls.bytes_out = 87;
	memcpy(th.ls.term, "----", 5);
}

static void th_teardown(void)
{
	http_msg_free(&th.req);
	teardown();
}

static const char *const httplog_req =
	"GET /p/a?x=1&y=\"2\" HTTP/1.1\r\n"
	"Host: WWW.Example.COM\r\n"
	"User-Agent: curl/x \"q\"\r\n"
	"Accept: */*\r\n\r\n";

START_TEST(httplog_request_exact)
{
	const struct proxy_conf *fe = http_fe_lines("  option httplog\n"
						    "  capture request header Host len 32\n"
						    "  capture request header User-Agent len 64\n"
						    "  capture response header Content-Type len 20\n");
	th_request(fe, httplog_req);
	th.ls.req_ncap = th.ls.res_ncap = 0;   /* as counted from the slots set */
	th_cap(0, 0, "WWW.Example.COM");
	th_cap(0, 1, "curl/x \"q\"");
	th_cap(1, 0, "text/plain");
	th_served();
	/* HAProxy 2.6: '"' of the request line and of a capture is "#22" */
	ck_assert_str_eq(build(fe, &th.ls),
			 "127.0.0.1:41234 [02/Dec/2026:05:06:21.123] fe be/s1 0/0/0/0/0 200 87 - - ---- "
			 "1/1/0/0/0 0/0 {WWW.Example.COM|curl/x #22q#22} {text/plain} "
			 "\"GET /p/a?x=1&y=#222#22 HTTP/1.1\"");
	/* option logasap: the values are those known when the line left */
	th.ls.logasap = 1;
	ck_assert_str_eq(strstr(build(fe, &th.ls), "0/0/0/0/+0 200 +87 "), "0/0/0/0/+0 200 +87 - - ---- "
			 "1/1/0/0/0 0/0 {WWW.Example.COM|curl/x #22q#22} {text/plain} "
			 "\"GET /p/a?x=1&y=#222#22 HTTP/1.1\"");
}
END_TEST

START_TEST(httplog_captures_and_badreq)
{
	const struct proxy_conf *fe = http_fe_lines("  option httplog\n"
						    "  capture request header X-A len 8\n"
						    "  capture request header X-B len 8\n"
						    "  capture response header X-C len 8\n");
	th_request(fe, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
	th.ls.req_ncap = 2;
	th.ls.res_ncap = 1;
	th_served();
	/* declared slots print even when nothing was captured */
	ck_assert_ptr_nonnull(strstr(build(fe, &th.ls), " 0/0 {|} {} \"GET /x HTTP/1.1\""));
	/* the delimiters of a capture and bytes outside 0x20-0x7E are encoded */
	th_cap(0, 1, "v{1|2}\"#\\]\xe9\x01x");
	ck_assert_ptr_nonnull(strstr(build(fe, &th.ls), " {|v#7B1#7C2#7D#22#23\\]#E9#01x} {} "));
	/* a frontend without captures: the separators around %hr %hs collapse */
	const struct proxy_conf *plain = http_fe_lines("  option httplog\n");
	th_request(plain, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
	th_served();
	th.ls.caps = NULL;
	ck_assert_str_eq(build(plain, &th.ls),
			 "127.0.0.1:41234 [02/Dec/2026:05:06:21.123] fe be/s1 0/0/0/0/0 200 87 - - ---- "
			 "1/1/0/0/0 0/0 \"GET /x HTTP/1.1\"");
	/* a request that never parsed (HAProxy's line for a bad request) */
	th.ls.caps = &th.caps;
	th.ls.method = th.ls.uri = th.ls.version = NULL;
	th.ls.srv_name = NULL;
	th.ls.be_name = NULL;
	th.ls.t_request = th.ls.t_queue = th.ls.t_connect = th.ls.t_response = -1;
	th.ls.status = 400;
	th.ls.bytes_out = 0;
	memcpy(th.ls.term, "PR--", 5);
	ck_assert_str_eq(build(fe, &th.ls),
			 "127.0.0.1:41234 [02/Dec/2026:05:06:21.123] fe fe/<NOSRV> -1/-1/-1/-1/0 400 0 - - "
			 "PR-- 1/1/0/0/0 0/0 \"<BADREQ>\"");
	ck_assert_str_eq(build(http_fe("%HM|%HU|%HP|%HPO|%HQ|%HV|%{+Q}HU|%hr|%hrl|%{+Q}hs|%{+Q}b"),
			       &th.ls),
			 "<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|\"<BADREQ>\"|||"
			 "|\"fe\"");
}
END_TEST

START_TEST(http_vars_as_haproxy)
{
	const struct proxy_conf *fe =
		http_fe_lines("  capture request header X-A len 8\n"
			      "  capture request header X-B len 8\n"
			      "  log-format \"%HM|%HU|%HP|%HPO|%HQ|%HV|%{+Q}HQ|%{+Q}HPO|%{+Q}hrl|%{+E}hr|"
			      "%{+E}HU|%{+Q}ID|%CC|%{+Q}CS\"\n");
	th_request(fe, "GET /p?a=1 HTTP/1.1\r\nHost: h\r\nX-B:\r\n\r\n");
	th.ls.req_ncap = 2;
	th_cap(0, 0, "01234567");
	th_cap(0, 1, "");
	th.ls.cli_cookie = "SID=xyz";
	/* lines of a HAProxy 2.6 lab run with the same format and requests */
	ck_assert_str_eq(build(fe, &th.ls), "GET|/p?a=1|/p|/p|?a=1|HTTP/1.1|\"?a=1\"|\"/p\"|"
			 "\"01234567\" \"\"|{01234567|}|/p?a=1|\"\"|SID=xyz|\"\"");
	th_request(fe, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
	th.ls.req_ncap = 2;
	ck_assert_str_eq(build(fe, &th.ls), "OPTIONS|*|*|||HTTP/1.1|\"\"|\"\"|\"\" \"\"|{|}|*|\"\"|-|\"\"");
	th_request(fe, "GET http://h.example:81/abs/p?q=1 HTTP/1.1\r\nHost: h.example:81\r\n\r\n");
	th.ls.req_ncap = 2;
	ck_assert_str_eq(build(fe, &th.ls), "GET|http://h.example:81/abs/p?q=1|http://h.example:81/abs/p|"
			 "/abs/p|?q=1|HTTP/1.1|\"?q=1\"|\"/abs/p\"|\"\" \"\"|{|}|http://h.example:81/abs/p?q=1|"
			 "\"\"|-|\"\"");
	th_request(fe, "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(build(fe, &th.ls), "CONNECT|h:443|h:443|||HTTP/1.1|\"\"|\"\"|"));
	/* +E after the encoding: '\' and ']' escaped, '"' already "#22" */
	th_request(fe, "GET /a\\b]\"c?d HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(build(fe, &th.ls), "|/a\\\\b\\]#22c?d|"));
}
END_TEST

START_TEST(long_request_line_cut)
{
	static char head[2048];
	char uri[1200];
	const struct proxy_conf *fe = http_fe("%HV|%{+Q}r|%HU|%HQ");
	memset(uri, 'a', sizeof(uri));
	/* cut inside the URI: HAProxy reads the cut line as HTTP/0.9 */
	snprintf(head, sizeof(head), "GET /%.1100s?q=1 HTTP/1.1\r\nHost: h\r\n\r\n", uri);
	th_request(fe, head);
	static char line[4096];
	ck_assert_int_gt(logfmt_build(fe->log_format_c, &th.ls, line, sizeof(line)), 0);
	ck_assert_str_eq(strtok(line, "|"), "HTTP/0.9");
	ck_assert_uint_eq(strlen(strtok(NULL, "|")), LOG_REQLINE_MAX - 1 + 2);
	ck_assert_uint_eq(strlen(strtok(NULL, "|")), LOG_REQLINE_MAX - 1 - 4);   /* "GET " */
	ck_assert_ptr_null(strtok(NULL, "|"));   /* no query left: %HQ empty */
	/* cut inside the version: as much of it as fits */
	snprintf(head, sizeof(head), "GET /%.1010s?q=1 HTTP/1.1\r\nHost: h\r\n\r\n", uri);
	th_request(fe, head);
	ck_assert_int_gt(logfmt_build(fe->log_format_c, &th.ls, line, sizeof(line)), 0);
	ck_assert_str_eq(strtok(line, "|"), "HTT");
	strtok(NULL, "|");
	strtok(NULL, "|");
	ck_assert_str_eq(strtok(NULL, "|"), "?q=1");
}
END_TEST

START_TEST(sample_fetches)
{
	const struct proxy_conf *fe =
		http_fe_lines("  log-format \"%[req.hdr(host),lower] %{+Q}[req.hdr(host),lower] "
			      "%[req.hdr(x-n)] %{+Q}[req.hdr(x-n)] %{+X}[str(abcdefghijkl),length] "
			      "%[req.hdr(x-missing)] %{+Q}[req.hdr(x-missing)] %[req.hdr(x-e)] "
			      "%{+E}[req.hdr(x-e)] %[req.hdr(x-m)] %[src] %{+X}[src] %[req.hdr(x-e),json] "
			      "%{+Q}[str(abc),length]\"\n");
	th_request(fe, "GET / HTTP/1.1\r\nHost: WWW.Ex\"ample.COM\r\nX-N: 42\r\n"
		   "X-E: a\"b\\c]d\r\nX-M: one\r\nX-M: two\r\n\r\n");
	/* as HAProxy 2.6 prints the same samples (through set-var there, as
	 * it refuses req.hdr in a log-format): text whatever the type, +Q
	 * quotes integers, +X changes nothing, no "#XX" encoding */
	ck_assert_str_eq(build(fe, &th.ls),
			 "www.ex\"ample.com \"www.ex\"ample.com\" 42 \"42\" 12 - \"\" a\"b\\c]d "
			 "a\\\"b\\\\c\\]d two 127.0.0.1 127.0.0.1 a\\\"b\\\\c]d \"3\"");
	/* the scratch the converters used is given back */
	ck_assert_uint_eq(th.smp.scr.used, 0);
	/* no sample context (a session that has none): "-" */
	th.ls.smp = NULL;
	ck_assert_str_eq(build(http_fe("%[src] %{+Q}[src]"), &th.ls), "- \"\"");
	/* a missing mandatory sample drops the line */
	th.ls.smp = &th.smp;
	char line[64];
	ck_assert_int_eq(logfmt_build(http_fe("%{+M}[req.hdr(x-missing)]")->log_format_c, &th.ls, line,
				      sizeof(line)), -1);
}
END_TEST

/* A small JSON checker: one value, the whole text (RFC 8259). */
static const char *js_value(const char *p);
static const char *js_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *js_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p != '\\')
			continue;
		p++;
		if (*p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
					return NULL;
			p += 4;
		} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
			return NULL;
		}
	}
	return p + 1;
}

static const char *js_number(const char *p)
{
	const char *q = p + (*p == '-');
	if (*q < '0' || *q > '9')
		return NULL;
	while (*q >= '0' && *q <= '9')
		q++;
	return q;
}

static const char *js_value(const char *p)
{
	p = js_ws(p);
	if (*p == '"')
		return js_string(p);
	if (*p != '{')
		return js_number(p);
	p = js_ws(p + 1);
	if (*p == '}')
		return p + 1;
	for (;;) {
		p = js_string(js_ws(p));
		if (!p || *(p = js_ws(p)) != ':' || !(p = js_value(p + 1)))
			return NULL;
		p = js_ws(p);
		if (*p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static int is_json(const char *s)
{
	const char *end = js_value(s);
	return end && !*js_ws(end);
}

/* s000-20's log-format, as the guide writes it. */
static const char *const guide_json =
	"{\"time\":\"%t\",\"client\":\"%ci:%cp\",\"frontend\":\"%f\",\"backend\":\"%b\",\"server\":\"%s\","
	"\"method\":\"%HM\",\"uri\":\"%HP\",\"status\":%ST,\"bytes_read\":%B,\"time_total\":%Tt,"
	"\"time_queue\":%Tw,\"time_connect\":%Tc,\"time_response\":%Tr,\"retries\":%rc,"
	"\"conn_active\":%ac,\"conn_frontend\":%fc,\"conn_backend\":%bc,\"conn_server\":%sc}";

START_TEST(json_guide_format)
{
	struct cfg *cfg = load("defaults\n  log-format '%s'\n  mode http\n"
			       "listen stub\n  bind 127.0.0.1:18080\n  log stdout local0\n"
			       "  server stub1 127.0.0.1:28080\n", guide_json);
	const struct proxy_conf *px = px_find(cfg, "stub");
	th.smp.cfg = cfg;
	th_request(px, "GET /a\"b%22c/?q=\"x\" HTTP/1.1\r\nHost: h\r\n\r\n");
	th_served();
	th.ls.fe_name = th.ls.be_name = "stub";
	th.ls.srv_name = "stub1";
	const char *line = build(px, &th.ls);
	/* the quote inside the path is "#22", so the line stays valid JSON */
	ck_assert_str_eq(line, "{\"time\":\"02/Dec/2026:05:06:21.123\",\"client\":\"127.0.0.1:41234\","
			 "\"frontend\":\"stub\",\"backend\":\"stub\",\"server\":\"stub1\",\"method\":\"GET\","
			 "\"uri\":\"/a#22b%22c/\",\"status\":200,\"bytes_read\":87,\"time_total\":0,"
			 "\"time_queue\":0,\"time_connect\":0,\"time_response\":0,\"retries\":0,"
			 "\"conn_active\":1,\"conn_frontend\":1,\"conn_backend\":0,\"conn_server\":0}");
	ck_assert(is_json(line));
	/* a request that never parsed, a response that never came: still JSON */
	th.ls.method = NULL;
	th.ls.status = -1;
	th.ls.t_response = th.ls.t_connect = -1;
	ck_assert(is_json(build(px, &th.ls)));
	/* a backslash in the path is printed as it is, by HAProxy 2.6 too:
	 * the guide's format then gives an invalid JSON escape ("\d") */
	th_request(px, "GET /a\\d HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(build(px, &th.ls), "\"uri\":\"/a\\d\""));
	ck_assert(!is_json(build(px, &th.ls)));
	/* what does make it valid: the json converter over a sample */
	const struct proxy_conf *fixed = http_fe_lines("  log-format '{\"path\":\"%[path,json]\","
						       "\"ua\":\"%[req.hdr(user-agent),json(utf8s)]\"}'\n");
	th_request(fixed, "GET /a\\d\"e HTTP/1.1\r\nHost: h\r\nUser-Agent: x\"y\\z\r\n\r\n");
	/* HAProxy's json converter escapes '/' too */
	ck_assert_str_eq(build(fixed, &th.ls), "{\"path\":\"\\/a\\\\d\\\"e\",\"ua\":\"x\\\"y\\\\z\"}");
	ck_assert(is_json(build(fixed, &th.ls)));
}
END_TEST

START_TEST(sess_request_fill)
{
	char small[12];
	const struct proxy_conf *fe = http_fe("%r");
	th_request(fe, "POST /upload?x HTTP/1.0\r\nHost: h\r\n\r\n");
	ck_assert_str_eq(th.ls.method, "POST");
	ck_assert_str_eq(th.ls.uri, "/upload?x");
	ck_assert_str_eq(th.ls.version, "HTTP/1.0");
	/* a rule rewriting the head later does not change the copies */
	th.req.buf[5] = 'X';
	ck_assert_str_eq(build(fe, &th.ls), "POST /upload?x HTTP/1.0");
	/* too small a buffer cuts the URI, then the version */
	ck_assert_int_eq(logfmt_sess_request(&th.ls, &th.req, small, sizeof(small)), 0);
	ck_assert_str_eq(th.ls.method, "POST");
	ck_assert_str_eq(th.ls.uri, "Xuplo");
	ck_assert_str_eq(th.ls.version, "");
	ck_assert_int_eq(logfmt_sess_request(&th.ls, &th.req, small, 6), -1);
	ck_assert_ptr_null(th.ls.method);
}
END_TEST

START_TEST(separators_collapse)
{
	const struct proxy_conf *fe = http_fe(" %ci  %HP %HQ %HV %HPO %hr %hrl %hs|%HQ|%hr| %hr "
					      "%{+Q}hr %hrl x %[req.hdr(none)] %ID %HQ  %{+Q}HQ ");
	th_request(fe, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
	th.ls.caps = NULL;
	/* HAProxy 2.6's line: no leading blank, one blank per run, none
	 * after a capture that printed nothing, but one after an empty %HQ */
	ck_assert_str_eq(build(fe, &th.ls), "127.0.0.1 /x  HTTP/1.1 /x ||| x - -  \"\" ");
}
END_TEST

/* ------------------------------------------------------------ sending */

START_TEST(headers_on_unix)
{
	char p1[128], p2[128], p3[128], p4[128], p5[128], buf[2048], re[512];
	int f1 = unix_rx("3164", p1, sizeof(p1), 0), f2 = unix_rx("5424", p2, sizeof(p2), 0);
	int f3 = unix_rx("raw", p3, sizeof(p3), 0), f4 = unix_rx("short", p4, sizeof(p4), 0);
	int f5 = unix_rx("local", p5, sizeof(p5), 0);
	struct cfg *cfg = load("global\n  log-send-hostname myhost\n"
			       "  log %s local0\n  log %s format rfc5424 local0\n"
			       "  log %s format raw local0\n  log %s format short local0\n"
			       "  log %s format local local0\n", p1, p2, p3, p4, p5);
	int pid = (int)getpid();
	log_init(cfg, "weir");
	log_global(LOG_LVL_INFO, "hello %s", "world");
	ck_assert_int_gt(rx(f1, buf, sizeof(buf)), 0);
	snprintf(re, sizeof(re), "^<134>" RE_3164 "myhost weir\\[%d\\]: hello world\n$", pid);
	match(re, buf);
	ck_assert_int_gt(rx(f2, buf, sizeof(buf)), 0);
	snprintf(re, sizeof(re), "^<134>1 " RE_ISO "myhost weir %d - - hello world\n$", pid);
	match(re, buf);
	ck_assert_int_gt(rx(f3, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "hello world\n");
	ck_assert_int_gt(rx(f4, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "<6>hello world\n");
	ck_assert_int_gt(rx(f5, buf, sizeof(buf)), 0);
	snprintf(re, sizeof(re), "^<134>" RE_3164 "weir\\[%d\\]: hello world\n$", pid);
	match(re, buf);
	ck_assert_uint_eq(log_dropped(), 0);
}
END_TEST

START_TEST(headers_priority_timed_iso)
{
	char p1[128], p2[128], p3[128], buf[2048];
	int f1 = unix_rx("prio", p1, sizeof(p1), 0), f2 = unix_rx("timed", p2, sizeof(p2), 0);
	int f3 = unix_rx("iso", p3, sizeof(p3), 0);
	struct cfg *cfg = load("global\n  log %s format priority local7\n"
			       "  log %s format timed local7\n  log %s format iso local7\n"
			       "  log-tag mytag\n", p1, p2, p3);
	log_init(cfg, "weir");
	log_global(LOG_LVL_ERR, "x");
	ck_assert_int_gt(rx(f1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "<187>x\n");
	ck_assert_int_gt(rx(f2, buf, sizeof(buf)), 0);
	match("^<3>" RE_ISO "x\n$", buf);
	ck_assert_int_gt(rx(f3, buf, sizeof(buf)), 0);
	match("^" RE_ISO "x\n$", buf);
}
END_TEST

START_TEST(udp_proxy_tag_len_global)
{
	char buf[2048], re[256], long_msg[300];
	int port, fd = udp_rx(&port);
	struct cfg *cfg = load("global\n  log 127.0.0.1:%d format raw local0\n"
			       "frontend fe\n  bind 127.0.0.1:8000\n  log-tag fetag\n  log global\n"
			       "  log 127.0.0.1:%d len 100 local1\n  default_backend be\n"
			       "backend be\n  server s1 127.0.0.1:9000\n", port, port);
	const struct proxy_conf *px = px_find(cfg, "fe");
	log_init(cfg, "weir");
	memset(long_msg, 'a', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	log_proxy(px, LOG_LVL_NOTICE, "%s", long_msg);
	/* `log global` first: raw, the whole message */
	ck_assert_int_eq(rx(fd, buf, sizeof(buf)), 300);
	ck_assert_int_eq(buf[299], '\n');
	/* then the proxy's own target: its tag, cut to 100 bytes with the LF */
	ck_assert_int_eq(rx(fd, buf, sizeof(buf)), 100);
	snprintf(re, sizeof(re), "^<141>" RE_3164 "fetag\\[%d\\]: a+\n$", (int)getpid());
	match(re, buf);
	close(fd);
}
END_TEST

START_TEST(level_filter_and_minlevel)
{
	char p1[128], p2[128], buf[256];
	int f1 = unix_rx("notice", p1, sizeof(p1), 0), f2 = unix_rx("min", p2, sizeof(p2), 0);
	struct cfg *cfg = load("global\n  log %s format priority local0 notice\n"
			       "  log %s format priority local0 debug err\n", p1, p2);
	log_init(cfg, "weir");
	log_global(LOG_LVL_INFO, "info");
	rx_none(f1);
	ck_assert_int_gt(rx(f2, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "<134>info\n");
	log_global(LOG_LVL_WARNING, "warn");
	ck_assert_int_gt(rx(f1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "<132>warn\n");
	ck_assert_int_gt(rx(f2, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "<132>warn\n");
	/* minlevel err: an emerg line goes out as err, it is not filtered */
	log_global(LOG_LVL_EMERG, "emerg");
	ck_assert_int_gt(rx(f1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "<128>emerg\n");
	ck_assert_int_gt(rx(f2, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "<131>emerg\n");
}
END_TEST

START_TEST(sample_ranges)
{
	char p[128], buf[256];
	int fd = unix_rx("sample", p, sizeof(p), 0), got = 0;
	struct cfg *cfg = load("global\n  log %s format raw sample 1,3:4 local0\n", p);
	log_init(cfg, "weir");
	for (int i = 1; i <= 8; i++)
		log_global(LOG_LVL_INFO, "%d", i);
	while (recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT) > 0)
		got++;
	ck_assert_int_eq(got, 4);
}
END_TEST

START_TEST(full_socket_drops_never_blocks)
{
	char p[128], buf[2048];
	int fd = unix_rx("full", p, sizeof(p), 1024), got = 0;
	struct cfg *cfg = load("global\n  log %s local0\n", p);
	struct timeval t0, t1;
	log_init(cfg, "weir");
	gettimeofday(&t0, NULL);
	for (int i = 0; i < 5000; i++)
		log_global(LOG_LVL_INFO, "line %d of a receiver that never reads", i);
	gettimeofday(&t1, NULL);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000;
	ck_assert_msg(ms < 2000, "5000 lines took %ld ms", ms);
	ck_assert_uint_gt(log_dropped(), 0);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	ck_assert_uint_eq(log_dropped() + (uint64_t)got, 5000);
}
END_TEST

START_TEST(missing_unix_path)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/absent", tmpdir);
	struct cfg *cfg = load("global\n  log %s local0\n", path);
	log_init(cfg, "weir");   /* warns once on stderr, goes on */
	log_global(LOG_LVL_INFO, "lost");
	log_global(LOG_LVL_INFO, "lost");
	ck_assert_uint_eq(log_dropped(), 2);
}
END_TEST

/* Runs log_say with stderr on a pipe and returns what it wrote. */
static const char *say(int level, const char *msg)
{
	static char buf[512];
	int p[2], saved = dup(2);
	ck_assert_int_eq(pipe(p), 0);
	dup2(p[1], 2);
	log_say(level, "%s", msg);
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	return buf;
}

START_TEST(say_shape)
{
	char want[128];
	int pid = (int)getpid();
	snprintf(want, sizeof(want), "[WARNING]  (%d) : disk full\n", pid);
	ck_assert_str_eq(say(LOG_LVL_WARNING, "disk full"), want);
	snprintf(want, sizeof(want), "[ALERT]    (%d) : cannot bind\n", pid);
	ck_assert_str_eq(say(LOG_LVL_ALERT, "cannot bind"), want);
	snprintf(want, sizeof(want), "[NOTICE]   (%d) : new worker\n", pid);
	ck_assert_str_eq(say(LOG_LVL_NOTICE, "new worker\n"), want);
}
END_TEST

static Suite *log_rt_suite(void)
{
	Suite *s = suite_create("log_rt");
	TCase *tc = tcase_create("log_rt");
	setenv("TZ", "UTC", 1);
	tzset();
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tcplog_exact);
	tcase_add_test(tc, tcplog_ipv6_nosrv_redispatch);
	tcase_add_test(tc, flags_quote_escape_hex);
	tcase_add_test(tc, mandatory_field);
	tcase_add_test(tc, json_format);
	tcase_add_test(tc, httplog_and_http_vars);
	tcase_add_test(tc, build_truncates_and_samples_dash);
	suite_add_tcase(s, tc);
	tc = tcase_create("http");
	tcase_add_checked_fixture(tc, setup, th_teardown);
	tcase_add_test(tc, httplog_request_exact);
	tcase_add_test(tc, httplog_captures_and_badreq);
	tcase_add_test(tc, http_vars_as_haproxy);
	tcase_add_test(tc, long_request_line_cut);
	tcase_add_test(tc, sample_fetches);
	tcase_add_test(tc, json_guide_format);
	tcase_add_test(tc, sess_request_fill);
	tcase_add_test(tc, separators_collapse);
	suite_add_tcase(s, tc);
	tc = tcase_create("send");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, headers_on_unix);
	tcase_add_test(tc, headers_priority_timed_iso);
	tcase_add_test(tc, udp_proxy_tag_len_global);
	tcase_add_test(tc, level_filter_and_minlevel);
	tcase_add_test(tc, sample_ranges);
	tcase_add_test(tc, full_socket_drops_never_blocks);
	tcase_add_test(tc, missing_unix_path);
	tcase_add_test(tc, say_shape);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(log_rt_suite)
