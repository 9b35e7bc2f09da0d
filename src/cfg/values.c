/*
 * Value parsers of the configuration language: times, sizes, integers,
 * on/off, addresses and files, plus the helpers keyword parsers use to
 * report a bad argument in HAProxy's words.
 *
 * Runs in the master and in `weir -c`. Owns nothing: results go to the
 * caller, strings to the caller's arena. Nothing here touches the network
 * or binds: a host name stays a name (is_name = 1), resolved later by the
 * master at startup, never by `-c`.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "weir/cfg.h"

#define TIME_UNITS "us, ms, s, m, h, d"
/* HAProxy keeps times in a signed int of milliseconds. */
#define TIME_MAX_MS 2147483647LL
/* Default port of syslog targets given without one (RFC 5426). */
#define SYSLOG_PORT 514

/* ------------------------------------------------------------------ times */

/* Microseconds per unit, or 0 when the unit is unknown. */
static long long time_unit_us(const char *u)
{
	static const struct { const char *name; long long us; } units[] = {
		{ "us", 1 }, { "ms", 1000 }, { "s", 1000000LL }, { "m", 60000000LL },
		{ "h", 3600000000LL }, { "d", 86400000000LL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(u, units[i].name) == 0)
			return units[i].us;
	return 0;
}

/*
 * Times are a decimal number and an optional unit. A value below one
 * millisecond ("500us") rounds up to 1 ms rather than to 0, because 0 means
 * "no timeout" in most places and a user who wrote a tiny delay did not
 * mean "forever".
 */
int cfg_parse_time_unit(const char *s, int default_unit_ms, int *out_ms, char *err, size_t errlen)
{
	const char *p = s;
	unsigned long long v = 0;
	long long unit_us = (long long)default_unit_ms * 1000;

	if (!*s) {
		snprintf(err, errlen, "missing time value (expects a number with an optional unit: %s)", TIME_UNITS);
		return -1;
	}
	if (!isdigit((unsigned char)*p)) {
		snprintf(err, errlen, "'%s' is not a valid time (expects a number with an optional unit: %s)",
			 s, TIME_UNITS);
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > (unsigned long long)TIME_MAX_MS * 1000)
			goto overflow;
	}
	if (*p) {
		unit_us = time_unit_us(p);
		if (!unit_us) {
			snprintf(err, errlen, "'%s' : unknown unit '%s' (valid units are %s; the default is %s)",
				 s, p, TIME_UNITS, default_unit_ms == 1000 ? "s" : "ms");
			return -1;
		}
	}
	if (v > (unsigned long long)(TIME_MAX_MS * 1000) / (unsigned long long)unit_us)
		goto overflow;
	unsigned long long us = v * (unsigned long long)unit_us;
	unsigned long long ms = (us + 999) / 1000;
	if (ms > (unsigned long long)TIME_MAX_MS)
		goto overflow;
	*out_ms = (int)ms;
	return 0;
overflow:
	snprintf(err, errlen, "timer overflow in '%s' (maximum value is 2147483647 ms or ~24.8 days)", s);
	return -1;
}

int cfg_parse_time(const char *s, int *out_ms, char *err, size_t errlen)
{
	return cfg_parse_time_unit(s, 1, out_ms, err, errlen);
}

/* ------------------------------------------------------------------ sizes */

/*
 * A decimal number with an optional k, m or g suffix (either case). The
 * suffixes are powers of 1024, as in HAProxy's size parser, which serves
 * `stick-table size`, `tune.*` sizes and `maxlen`: "size 200k" is 204800.
 */
int cfg_parse_size(const char *s, int64_t *out, char *err, size_t errlen)
{
	const char *p = s;
	int64_t v = 0, mult = 1;

	if (!isdigit((unsigned char)*p)) {
		snprintf(err, errlen, "'%s' is not a valid size (expects a number with an optional suffix k, m or g)", s);
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (INT64_MAX - 9) / 10)
			goto overflow;
		v = v * 10 + (*p - '0');
	}
	switch (*p) {
	case 0: break;
	case 'k': case 'K': mult = 1024; break;
	case 'm': case 'M': mult = 1024 * 1024; break;
	case 'g': case 'G': mult = 1024 * 1024 * 1024; break;
	default:
		snprintf(err, errlen, "'%s' : unknown size suffix '%s' (valid suffixes are k, m and g, multiples of 1024)",
			 s, p);
		return -1;
	}
	if (*p && p[1]) {
		snprintf(err, errlen, "'%s' : unexpected characters '%s' after the size suffix", s, p + 1);
		return -1;
	}
	if (v > INT64_MAX / mult)
		goto overflow;
	*out = v * mult;
	return 0;
overflow:
	snprintf(err, errlen, "size '%s' is too large", s);
	return -1;
}

/* --------------------------------------------------------------- integers */

int cfg_parse_int(const char *s, long min, long max, long *out, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || isspace((unsigned char)*s)) {
		snprintf(err, errlen, "'%s' is not a valid integer (expects an integer between %ld and %ld)",
			 s, min, max);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		snprintf(err, errlen, "'%s' is out of range (expects an integer between %ld and %ld)", s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int cfg_parse_onoff(const char *s, int *out, char *err, size_t errlen)
{
	if (strcmp(s, "on") == 0)
		*out = 1;
	else if (strcmp(s, "off") == 0)
		*out = 0;
	else {
		snprintf(err, errlen, "expects 'on' or 'off' but got '%s'", s);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- addresses */

/* What each use of an address accepts. */
struct addr_rules {
	int port_mandatory;   /* binds */
	int port_range;       /* binds */
	int port_offset;      /* servers */
	int default_port;     /* logs: 514 */
	int unix_ok, fd_ok, sockpair_ok;
};

static struct addr_rules addr_rules_for(enum cfg_addr_use use)
{
	struct addr_rules r = { 0 };
	switch (use) {
	case CFG_ADDR_FOR_BIND:
		r.port_mandatory = r.port_range = r.unix_ok = r.fd_ok = r.sockpair_ok = 1;
		break;
	case CFG_ADDR_FOR_SERVER:
		r.port_offset = r.unix_ok = r.sockpair_ok = 1;
		break;
	case CFG_ADDR_FOR_LOG:
		r.default_port = SYSLOG_PORT;
		r.unix_ok = r.fd_ok = 1;
		break;
	case CFG_ADDR_FOR_CHECK:
		break;
	}
	return r;
}

/* The prefixes of HAProxy's address syntax. `family` forces the IP
 * family; `log_only` ones name datagram transports. */
static const struct addr_prefix {
	const char *name;
	enum cfg_addr_kind kind;
	int family;
	int log_only;
} addr_prefixes[] = {
	{ "ipv4@", CFG_ADDR_INET, AF_INET, 0 },
	{ "ipv6@", CFG_ADDR_INET, AF_INET6, 0 },
	{ "tcp@", CFG_ADDR_INET, 0, 0 },
	{ "tcp4@", CFG_ADDR_INET, AF_INET, 0 },
	{ "tcp6@", CFG_ADDR_INET, AF_INET6, 0 },
	{ "udp@", CFG_ADDR_INET, 0, 1 },
	{ "udp4@", CFG_ADDR_INET, AF_INET, 1 },
	{ "udp6@", CFG_ADDR_INET, AF_INET6, 1 },
	{ "unix@", CFG_ADDR_UNIX, AF_UNIX, 0 },
	{ "uxst@", CFG_ADDR_UNIX, AF_UNIX, 0 },
	{ "uxdg@", CFG_ADDR_UNIX, AF_UNIX, 1 },
	{ "abns@", CFG_ADDR_ABNS, AF_UNIX, 0 },
	{ "fd@", CFG_ADDR_FD, 0, 0 },
	{ "sockpair@", CFG_ADDR_SOCKPAIR, AF_UNIX, 0 },
};

static const struct addr_prefix *addr_find_prefix(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(addr_prefixes); i++)
		if (strncmp(s, addr_prefixes[i].name, strlen(addr_prefixes[i].name)) == 0)
			return &addr_prefixes[i];
	return NULL;
}

/* "xyz@..." with an unknown prefix: a word of letters and digits before '@'. */
static int addr_unknown_prefix(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s)
		return 0;
	for (const char *p = s; p < at; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
	return 1;
}

static int addr_parse_path(struct arena *a, const char *path, const char *s, struct cfg_addr *out,
			   char *err, size_t errlen)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&out->ss;
	size_t max = sizeof(sun->sun_path) - 1;

	if (!*path) {
		snprintf(err, errlen, "missing socket path in '%s'", s);
		return -1;
	}
	/* abns names take a leading NUL byte in sun_path */
	if (strlen(path) > max - (out->kind == CFG_ADDR_ABNS)) {
		snprintf(err, errlen, "socket path '%s' is too long (at most %zu characters)", path,
			 max - (out->kind == CFG_ADDR_ABNS));
		return -1;
	}
	out->path = arena_strdup(a, path);
	out->family = AF_UNIX;
	sun->sun_family = AF_UNIX;
	if (out->kind == CFG_ADDR_ABNS)
		memcpy(sun->sun_path + 1, path, strlen(path));
	else
		memcpy(sun->sun_path, path, strlen(path));
	out->sslen = sizeof(*sun);
	return 0;
}

static int addr_parse_fdnum(const char *num, const char *s, struct cfg_addr *out, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(num, &end, 10);
	if (!*num || *end || errno || v < 0 || v > INT_MAX) {
		snprintf(err, errlen, "file descriptor '%s' is not a valid integer in '%s'", num, s);
		return -1;
	}
	out->fd = (int)v;
	return 0;
}

/* One port number: digits only, 0..65535 (1..65535 when mandatory). */
static int addr_port_num(const char *p, int min, int *out, char *err, size_t errlen)
{
	long v = 0;
	if (!*p) {
		snprintf(err, errlen, "invalid port '%s'", p);
		return -1;
	}
	for (const char *q = p; *q; q++) {
		if (!isdigit((unsigned char)*q) || (v = v * 10 + (*q - '0')) > 65535) {
			snprintf(err, errlen, "invalid port '%s'", p);
			return -1;
		}
	}
	if (v < min) {
		snprintf(err, errlen, "invalid port '%s'", p);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* The text after the last colon: "80", "80-90", "+1", "-1". */
static int addr_parse_port(char *port, const char *s, const struct addr_rules *r, struct cfg_addr *out,
			   char *err, size_t errlen)
{
	char *dash;

	if (*port == '+' || *port == '-') {
		int v;
		if (!r->port_offset) {
			snprintf(err, errlen, "port offset not permitted here in '%s'", s);
			return -1;
		}
		if (addr_port_num(port + 1, 0, &v, err, errlen) < 0)
			return -1;
		out->port_offset = *port == '-' ? -v : v;
		return 0;
	}
	if (!isdigit((unsigned char)*port)) {
		snprintf(err, errlen, "invalid character '%c' in port number '%s' in '%s'", *port, port, s);
		return -1;
	}
	dash = strchr(port, '-');
	if (dash) {
		if (!r->port_range) {
			snprintf(err, errlen, "port range not permitted here in '%s'", s);
			return -1;
		}
		*dash++ = 0;
	}
	if (addr_port_num(port, r->port_mandatory, &out->port, err, errlen) < 0)
		return -1;
	out->port_last = out->port;
	if (dash) {
		if (addr_port_num(dash, r->port_mandatory, &out->port_last, err, errlen) < 0)
			return -1;
		if (out->port_last < out->port) {
			snprintf(err, errlen, "invalid port range '%d-%d'", out->port, out->port_last);
			return -1;
		}
	}
	return 0;
}

/* A DNS name as RFC 1123 allows it (plus '_', which real zones contain). */
static int addr_valid_name(const char *h)
{
	if (!*h || *h == '-' || *h == '.' || strlen(h) > 253)
		return 0;
	for (const char *p = h; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return 0;
	return 1;
}

static void addr_fill_inet(struct cfg_addr *out, int family, const void *ip)
{
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)out->port);
		if (ip)
			memcpy(&s6->sin6_addr, ip, sizeof(s6->sin6_addr));
		out->sslen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&out->ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)out->port);
		if (ip)
			memcpy(&s4->sin_addr, ip, sizeof(s4->sin_addr));
		out->sslen = sizeof(*s4);
	}
}

/*
 * The host part: "" or "*" (any address), an IPv4 or IPv6 literal, an IPv6
 * literal in brackets, or a name. The wildcard keeps family AF_UNSPEC in the
 * model (as written) but its sockaddr is IPv4's 0.0.0.0, as HAProxy binds
 * "*:80"; with "ipv6@" it is "::".
 */
static int addr_parse_host(struct arena *a, char *host, const char *s, struct cfg_addr *out,
			   char *err, size_t errlen)
{
	unsigned char ip[sizeof(struct in6_addr)];
	size_t len = strlen(host);

	if (host[0] == '[' && len >= 2 && host[len - 1] == ']') {
		host[len - 1] = 0;
		host++;
		if (inet_pton(AF_INET6, host, ip) != 1) {
			snprintf(err, errlen, "invalid IPv6 address '%s' in '%s'", host, s);
			return -1;
		}
	}
	if (!*host || strcmp(host, "*") == 0) {
		out->host = arena_strdup(a, "");
		out->family = out->forced_family ? out->forced_family : AF_UNSPEC;
		addr_fill_inet(out, out->family == AF_INET6 ? AF_INET6 : AF_INET, NULL);
		return 0;
	}
	out->host = arena_strdup(a, host);
	int fam = inet_pton(AF_INET, host, ip) == 1 ? AF_INET
		: inet_pton(AF_INET6, host, ip) == 1 ? AF_INET6 : 0;
	if (fam) {
		if (out->forced_family && out->forced_family != fam) {
			snprintf(err, errlen, "'%s' is not an %s address in '%s'", host,
				 out->forced_family == AF_INET ? "IPv4" : "IPv6", s);
			return -1;
		}
		out->family = fam;
		addr_fill_inet(out, fam, ip);
		return 0;
	}
	if (!addr_valid_name(host)) {
		snprintf(err, errlen, "invalid address: '%s' in '%s'", host, s);
		return -1;
	}
	out->is_name = 1;
	out->family = out->forced_family ? out->forced_family : AF_UNSPEC;
	return 0;
}

/* IPv4/IPv6/name with a port: HAProxy splits at the last colon that is
 * not inside brackets, so ":::443" is host "::" port 443. */
static int addr_parse_inet(struct arena *a, const char *rest, const char *s, const struct addr_rules *r,
			   struct cfg_addr *out, char *err, size_t errlen)
{
	char *host = arena_strdup(a, rest);
	char *chr = host + strlen(host);

	while (chr > host && chr[-1] != ':' && chr[-1] != ']')
		chr--;
	if (chr > host && chr[-1] == ':') {
		chr[-1] = 0;
		if (addr_parse_port(chr, s, r, out, err, errlen) < 0)
			return -1;
	} else if (r->port_mandatory) {
		snprintf(err, errlen, "missing port specification in '%s'", s);
		return -1;
	} else if (r->default_port) {
		out->port = out->port_last = r->default_port;
	}
	return addr_parse_host(a, host, s, out, err, errlen);
}

static int addr_check_allowed(const struct addr_prefix *pf, const struct addr_rules *r,
			      enum cfg_addr_use use, const char *s, char *err, size_t errlen)
{
	int ok = 1;
	if (!pf)
		return 0;
	if (pf->kind == CFG_ADDR_UNIX || pf->kind == CFG_ADDR_ABNS)
		ok = r->unix_ok;
	else if (pf->kind == CFG_ADDR_FD)
		ok = r->fd_ok;
	else if (pf->kind == CFG_ADDR_SOCKPAIR)
		ok = r->sockpair_ok;
	if (ok && pf->log_only && use != CFG_ADDR_FOR_LOG)
		ok = 0;
	if (ok && use == CFG_ADDR_FOR_LOG && !pf->log_only && pf->kind == CFG_ADDR_INET &&
	    strncmp(pf->name, "tcp", 3) == 0) {
		snprintf(err, errlen, "'%s' : TCP log targets need a 'ring' section, which weir does not "
			 "support yet; use a UDP ('udp@host:port') or UNIX ('/dev/log') target", s);
		return -1;
	}
	if (!ok) {
		snprintf(err, errlen, "'%.*s' addresses are not permitted here in '%s'",
			 (int)strlen(pf->name), pf->name, s);
		return -1;
	}
	return 0;
}

int cfg_parse_addr(struct arena *a, const char *s, enum cfg_addr_use use,
		   struct cfg_addr *out, char *err, size_t errlen)
{
	struct addr_rules r = addr_rules_for(use);
	const struct addr_prefix *pf;
	const char *rest = s;

	memset(out, 0, sizeof(*out));
	out->text = arena_strdup(a, s);
	out->fd = -1;
	if (!*s) {
		snprintf(err, errlen, "missing address");
		return -1;
	}
	if (use == CFG_ADDR_FOR_LOG && (strcmp(s, "stdout") == 0 || strcmp(s, "stderr") == 0)) {
		out->kind = s[3] == 'o' ? CFG_ADDR_STDOUT : CFG_ADDR_STDERR;
		out->fd = s[3] == 'o' ? 1 : 2;
		return 0;
	}
	pf = addr_find_prefix(s);
	if (addr_check_allowed(pf, &r, use, s, err, errlen) < 0)
		return -1;
	if (!pf && addr_unknown_prefix(s)) {
		snprintf(err, errlen, "unknown address family '%.*s' in '%s' (valid prefixes: ipv4@, ipv6@, "
			 "unix@, abns@, fd@, sockpair@, udp@)", (int)(strchr(s, '@') - s + 1), s, s);
		return -1;
	}
	if (pf)
		rest = s + strlen(pf->name);
	else if (*s == '/' && r.unix_ok)
		pf = addr_find_prefix("unix@");
	out->kind = pf ? pf->kind : CFG_ADDR_INET;
	switch (out->kind) {
	case CFG_ADDR_UNIX:
	case CFG_ADDR_ABNS:
		return addr_parse_path(a, rest, s, out, err, errlen);
	case CFG_ADDR_FD:
	case CFG_ADDR_SOCKPAIR:
		return addr_parse_fdnum(rest, s, out, err, errlen);
	default:
		out->forced_family = pf ? pf->family : 0;
		return addr_parse_inet(a, rest, s, &r, out, err, errlen);
	}
}

static const char *addr_port_str(struct arena *a, const struct cfg_addr *addr)
{
	if (addr->port_offset)
		return arena_printf(a, ":%+d", addr->port_offset);
	if (!addr->port)
		return "";
	if (addr->port_last > addr->port)
		return arena_printf(a, ":%d-%d", addr->port, addr->port_last);
	return arena_printf(a, ":%d", addr->port);
}

/* The canonical text: parsing it again gives the same cfg_addr (except
 * `text`). IPv6 literals are bracketed so the port cannot be misread. */
const char *cfg_addr_str(struct arena *a, const struct cfg_addr *addr)
{
	const char *pfx = addr->forced_family == AF_INET ? "ipv4@"
			: addr->forced_family == AF_INET6 ? "ipv6@" : "";
	switch (addr->kind) {
	case CFG_ADDR_NONE: return "";
	case CFG_ADDR_STDOUT: return "stdout";
	case CFG_ADDR_STDERR: return "stderr";
	case CFG_ADDR_UNIX:
		return addr->path[0] == '/' ? addr->path : arena_printf(a, "unix@%s", addr->path);
	case CFG_ADDR_ABNS: return arena_printf(a, "abns@%s", addr->path);
	case CFG_ADDR_FD: return arena_printf(a, "fd@%d", addr->fd);
	case CFG_ADDR_SOCKPAIR: return arena_printf(a, "sockpair@%d", addr->fd);
	case CFG_ADDR_INET:
		break;
	}
	const char *host = addr->host && *addr->host ? addr->host : (*pfx ? "" : "*");
	if (strchr(host, ':'))
		host = arena_printf(a, "[%s]", host);
	return arena_printf(a, "%s%s%s", pfx, host, addr_port_str(a, addr));
}

/* ------------------------------------------------------- keyword helpers */

int cfg_arg_time(struct cfg_ctx *ctx, const char *arg, int *out)
{
	char err[256];
	if (cfg_parse_time(arg, out, err, sizeof(err)) == 0)
		return 0;
	cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
	return -1;
}

int cfg_arg_int(struct cfg_ctx *ctx, const char *arg, long min, long max, int *out)
{
	char err[256];
	long v;
	if (max > INT_MAX)
		max = INT_MAX;
	if (min < INT_MIN)
		min = INT_MIN;
	if (cfg_parse_int(arg, min, max, &v, err, sizeof(err)) == 0) {
		*out = (int)v;
		return 0;
	}
	cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
	return -1;
}

int cfg_arg_size(struct cfg_ctx *ctx, const char *arg, int64_t *out)
{
	char err[256];
	if (cfg_parse_size(arg, out, err, sizeof(err)) == 0)
		return 0;
	cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
	return -1;
}

/* The synopsis of the keyword being parsed, from the registry. */
static const char *ctx_usage(struct cfg_ctx *ctx)
{
	int n;
	const struct cfg_kw *kw = cfg_kw_find(ctx->sec, ctx->line.n, ctx->line.w, &n);
	return kw && kw->usage && *kw->usage ? kw->usage : NULL;
}

int cfg_need_args(struct cfg_ctx *ctx, int argc, int min, int max)
{
	const char *usage;
	if (argc >= min && (max < 0 || argc <= max))
		return 0;
	usage = ctx_usage(ctx);
	if (argc < min) {
		if (usage)
			cfg_alert(ctx, "'%s' expects %s as argument%s", ctx->kw, usage, min > 1 ? "s" : "");
		else
			cfg_alert(ctx, "'%s' expects at least %d argument%s", ctx->kw, min, min > 1 ? "s" : "");
		return -1;
	}
	/* argv is the tail of the line, so the first extra word is found
	 * counting back from the end of the line */
	const char *extra = ctx->line.n >= argc - max ? ctx->line.w[ctx->line.n - (argc - max)] : "";
	if (max == 0)
		cfg_alert(ctx, "'%s' takes no argument but got '%s'", ctx->kw, extra);
	else if (usage)
		cfg_alert(ctx, "'%s' cannot handle unexpected argument '%s' (expects %s)", ctx->kw, extra, usage);
	else
		cfg_alert(ctx, "'%s' cannot handle unexpected argument '%s'", ctx->kw, extra);
	return -1;
}

/*
 * A file the configuration names (certificate, CA, error page) must exist
 * and be readable by the user running the check, as HAProxy loads them at
 * startup. `what` names it in the message ("SSL certificate").
 */
int cfg_check_file(struct cfg_ctx *ctx, const char *what, const char *path, int dir_ok)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		cfg_alert(ctx, "'%s' : unable to stat %s from file '%s' : %s", ctx->kw, what, path,
			  strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode) && !dir_ok) {
		cfg_alert(ctx, "'%s' : %s '%s' is a directory, expected a file", ctx->kw, what, path);
		return -1;
	}
	if (access(path, S_ISDIR(st.st_mode) ? R_OK | X_OK : R_OK) != 0) {
		cfg_alert(ctx, "'%s' : unable to read %s from %s '%s' : %s", ctx->kw, what,
			  S_ISDIR(st.st_mode) ? "directory" : "file", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct cfg_words cfg_words_dup(struct arena *a, int argc, char **argv)
{
	struct cfg_words w;
	w.n = argc;
	w.w = arena_alloc(a, sizeof(char *) * (size_t)(argc + 1));
	for (int i = 0; i < argc; i++)
		w.w[i] = arena_strdup(a, argv[i]);
	w.w[argc] = NULL;
	return w;
}
