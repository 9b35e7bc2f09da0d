/*
 * `log` lines: where log lines go and how they are framed. Parses
 * `log <target> [len N] [format F] [sample R:S] <facility> [<level> [<minlevel>]]`
 * into struct log_target (cfg-t.h) and writes it back for dumps. Also the
 * syslog facility, level and framing names. Runs in the master at load.
 */
#include <stdlib.h>
#include <string.h>

#include "weir/logfmt.h"

static const char *const log_facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
};

static const char *const log_levels[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

/* Indexed by enum log_fmt. */
static const char *const log_formats[] = {
	[LOG_FMT_RFC3164] = "rfc3164", [LOG_FMT_RFC5424] = "rfc5424", [LOG_FMT_RAW] = "raw",
	[LOG_FMT_SHORT] = "short", [LOG_FMT_ISO] = "iso", [LOG_FMT_LOCAL] = "local",
	[LOG_FMT_PRIORITY] = "priority", [LOG_FMT_TIMED] = "timed",
};

static int name_find(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int log_facility_find(const char *name)
{
	return name_find(log_facilities, (int)ARRAY_SIZE(log_facilities), name);
}

const char *log_facility_name(int facility)
{
	return facility >= 0 && facility < 24 ? log_facilities[facility] : "?";
}

int log_level_find(const char *name)
{
	return name_find(log_levels, (int)ARRAY_SIZE(log_levels), name);
}

const char *log_level_name(int level)
{
	return level >= 0 && level < 8 ? log_levels[level] : "?";
}

const char *log_format_name(enum log_fmt fmt)
{
	return (unsigned)fmt < ARRAY_SIZE(log_formats) ? log_formats[fmt] : "?";
}

/* Reads a positive decimal number in [p, end); -1 if it is not one. */
static long read_count(const char *p, const char *end)
{
	long v = 0;
	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || v > 1000000)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/*
 * `sample <ranges>:<size>`: ranges are "N" or "N-M", comma separated,
 * 1-based, not overlapping, all within size. Counts the selected indexes
 * into sample_range_n, as HAProxy checks them.
 */
static int parse_sample(struct cfg_ctx *ctx, const char *arg, struct log_target *t)
{
	const char *colon = strchr(arg, ':');
	long lows[64], highs[64], maxhigh = 0;
	int n = 0;
	if (!colon) {
		cfg_alert(ctx, "'log' : Missing sample size in '%s' (expected 'sample <ranges>:<size>', e.g. 'sample 1:10')", arg);
		return -1;
	}
	for (const char *p = arg; p < colon;) {
		const char *end = memchr(p, ',', (size_t)(colon - p));
		if (!end)
			end = colon;
		const char *dash = memchr(p, '-', (size_t)(end - p));
		long lo = read_count(p, dash ? dash : end), hi = dash ? read_count(dash + 1, end) : lo;
		if (lo <= 0 || hi <= 0 || hi < lo || (dash && hi == lo) || n == 64) {
			cfg_alert(ctx, "'log' : wrong sample range '%.*s'", (int)(end - p), p);
			return -1;
		}
		for (int i = 0; i < n; i++)
			if ((lo >= lows[i] && lo <= highs[i]) || (hi >= lows[i] && hi <= highs[i]) ||
			    (lo < lows[i] && hi > highs[i])) {
				cfg_alert(ctx, "'log' : ranges are overlapping in '%s'", arg);
				return -1;
			}
		lows[n] = lo;
		highs[n++] = hi;
		t->sample_range_n += (int)(hi - lo + 1);
		if (hi > maxhigh)
			maxhigh = hi;
		p = end < colon ? end + 1 : end;
	}
	if (!n) {
		cfg_alert(ctx, "'log' : no sampling ranges given in '%s'", arg);
		return -1;
	}
	long size = read_count(colon + 1, colon + strlen(colon));
	if (size <= 0) {
		cfg_alert(ctx, "'log' : wrong sample size '%s' for sample range '%.*s'", colon + 1,
			  (int)(colon - arg), arg);
		return -1;
	}
	if (size < maxhigh) {
		cfg_alert(ctx, "'log' : sample size %ld should be greater or equal to %ld the maximum of the high ranges limits",
			  size, maxhigh);
		return -1;
	}
	t->sample_size = (int)size;
	t->sample_ranges = arena_strndup(ctx->arena, arg, (size_t)(colon - arg));
	return 0;
}

/* The target word: stdout/stderr, a path, udp@, host:port; no rings yet. */
static int parse_target_addr(struct cfg_ctx *ctx, const char *s, struct log_target *t)
{
	char err[256] = "";
	if (strncmp(s, "ring@", 5) == 0) {
		cfg_alert(ctx, "'log' : rings are not supported yet ('%s'); log to a UNIX socket "
			  "(/dev/log), to udp@<host>:<port> or to stdout instead", s);
		return -1;
	}
	if (strncmp(s, "tcp@", 4) == 0 || strncmp(s, "tcp4@", 5) == 0 || strncmp(s, "tcp6@", 5) == 0) {
		cfg_alert(ctx, "'log' : logging over TCP ('%s') needs a ring, which is not supported yet; "
			  "use udp@<host>:<port> or a UNIX socket instead", s);
		return -1;
	}
	if (strcmp(s, "stdout") == 0 || strcmp(s, "stderr") == 0) {
		t->addr.kind = s[3] == 'o' ? CFG_ADDR_STDOUT : CFG_ADDR_STDERR;
		t->addr.text = arena_strdup(ctx->arena, s);
		t->addr.fd = s[3] == 'o' ? 1 : 2;
		return 0;
	}
	if (cfg_parse_addr(ctx->arena, s, CFG_ADDR_FOR_LOG, &t->addr, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "'log' : %s", err);
		return -1;
	}
	if (!t->addr.text)
		t->addr.text = arena_strdup(ctx->arena, s);
	if (t->addr.kind == CFG_ADDR_INET && !t->addr.port)
		t->addr.port = t->addr.port_last = 514;   /* the syslog port */
	return 0;
}

/* `len N` then `format F` then `sample R:S`, each optional, in this order
 * (HAProxy reads them in this order only). Returns the next index or -1. */
static int parse_target_options(struct cfg_ctx *ctx, int argc, char **argv, int i,
				struct log_target *t)
{
	if (i + 1 < argc && strcmp(argv[i], "len") == 0) {
		char *end;
		long len = strtol(argv[i + 1], &end, 10);
		if (*end || len < 80 || len > 65535) {
			cfg_alert(ctx, "'log' : invalid log length '%s', must be between 80 and 65535",
				  argv[i + 1]);
			return -1;
		}
		t->maxlen = (int)len;
		i += 2;
	}
	if (i + 1 < argc && strcmp(argv[i], "format") == 0) {
		int f = name_find(log_formats, (int)ARRAY_SIZE(log_formats), argv[i + 1]);
		if (f < 0) {
			cfg_alert(ctx, "'log' : unknown log format '%s' (expected rfc3164, rfc5424, raw, "
				  "short, iso, local, priority or timed)", argv[i + 1]);
			return -1;
		}
		t->format = (enum log_fmt)f;
		i += 2;
	}
	if (i + 1 < argc && strcmp(argv[i], "sample") == 0) {
		if (parse_sample(ctx, argv[i + 1], t) < 0)
			return -1;
		i += 2;
	}
	return i;
}

/* Facility, then the optional max and min levels. */
static int parse_target_levels(struct cfg_ctx *ctx, int argc, char **argv, int i,
			       struct log_target *t)
{
	if (i >= argc) {
		cfg_alert(ctx, "'log' : missing <facility> after the target (e.g. 'log %s local0')",
			  argv[0]);
		return -1;
	}
	t->facility = log_facility_find(argv[i]);
	if (t->facility < 0) {
		cfg_alert(ctx, "'log' : unknown log facility '%s' (expected kern, user, mail, daemon, "
			  "auth, syslog, lpr, news, uucp, cron, auth2, ftp, ntp, audit, alert, cron2 "
			  "or local0..local7)", argv[i]);
		return -1;
	}
	i++;
	if (i < argc && (t->level = log_level_find(argv[i])) < 0) {
		cfg_alert(ctx, "'log' : unknown optional log level '%s' (expected emerg, alert, crit, "
			  "err, warning, notice, info or debug)", argv[i]);
		return -1;
	}
	if (i < argc)
		i++;
	if (i < argc && (t->minlevel = log_level_find(argv[i])) < 0) {
		cfg_alert(ctx, "'log' : unknown optional minimum log level '%s'", argv[i]);
		return -1;
	}
	if (i < argc)
		i++;
	if (i < argc) {
		cfg_alert(ctx, "'log' : cannot handle unexpected argument '%s'", argv[i]);
		return -1;
	}
	return 0;
}

/* Parses the arguments of a `log` line other than `global`. */
int log_target_parse(struct cfg_ctx *ctx, int argc, char **argv, struct log_target *t)
{
	memset(t, 0, sizeof(*t));
	t->loc = ctx->loc;
	t->level = -1;
	t->minlevel = -1;
	t->format = LOG_FMT_RFC3164;
	if (argc < 2) {
		cfg_alert(ctx, "'log' : expects <address> and <facility>%s as arguments",
			  ctx->sec == CFG_SEC_GLOBAL ? "" : " or global");
		return -1;
	}
	if (parse_target_addr(ctx, argv[0], t) < 0)
		return -1;
	int i = parse_target_options(ctx, argc, argv, 1, t);
	if (i < 0)
		return -1;
	return parse_target_levels(ctx, argc, argv, i, t);
}

/* The canonical line of one target. */
void log_target_dump(struct cfg_emit *em, const struct log_target *t)
{
	const char *w[16];
	int n = 0;
	if (t->is_global) {
		cfg_emitv(em, "log", "global", NULL);
		return;
	}
	w[n++] = t->addr.text;
	if (t->maxlen) {
		w[n++] = "len";
		w[n++] = arena_printf(em->tmp, "%d", t->maxlen);
	}
	if (t->format != LOG_FMT_RFC3164) {
		w[n++] = "format";
		w[n++] = log_format_name(t->format);
	}
	if (t->sample_size) {
		w[n++] = "sample";
		w[n++] = arena_printf(em->tmp, "%s:%d", t->sample_ranges, t->sample_size);
	}
	w[n++] = log_facility_name(t->facility);
	if (t->level >= 0)
		w[n++] = log_level_name(t->level);
	if (t->minlevel >= 0)
		w[n++] = log_level_name(t->minlevel);
	em->directive(em, "log", n, w);
}
