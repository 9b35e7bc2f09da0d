/*
 * `server` and `default-server`: the servers of a backend and the template
 * they start from. Runs in the master (and `weir -c`) while loading and
 * dumping; owns struct server_conf (cfg-t.h) and proxy_conf.default_server.
 *
 * Every server option is one line of srv_opts[] below: its name, how many
 * words it takes, the field it sets and how. The parser, the "did you mean"
 * suggestion and the dump are all driven by that table, so an option is
 * declared once. HAProxy 2.6 semantics: a `default-server` line changes the
 * template of the servers that follow it (in `defaults`, of every proxy
 * that inherits it); `no-<option>` forms undo what the template set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "weir/cfg.h"
#include "weir/check-t.h"
#include "weir/kwtables.h"
#include "weir/sample.h"

/* HAProxy's limit on a server's user weight (SRV_UWGHT_MAX). */
#define SRV_WEIGHT_MAX 256

/* What a server line is being parsed into, for the option parsers. */
struct srv_parse {
	struct cfg_ctx *ctx;
	struct server_conf *srv;
	int is_default;
	const char *what;           /* "server web1" or "default-server" */
};

enum srv_opt_kind {
	SO_FLAG,     /* int field = val */
	SO_BIT,      /* unsigned field: set (val = 1) or clear (val = 0) bit `bit` */
	SO_INT,      /* int field in [min, max] */
	SO_TIME,     /* int field, milliseconds; min: smallest accepted */
	SO_STR,      /* char * field */
	SO_ENUM,     /* int field, index of the argument in `names` */
	SO_FN,       /* parse does everything; dumped through another entry */
	SO_EXTRA,    /* kept as words in server_conf.extra */
};

struct srv_opt {
	const char *name;
	enum srv_opt_kind kind;
	int nargs;                  /* words after the name; -1: variable (source) */
	size_t off;
	long val, min, max;
	unsigned bit;
	const char *const *names;   /* SO_ENUM, NULL-terminated; NULL entries: not emitted */
	int (*parse)(struct srv_parse *sp, const struct srv_opt *o, char **args);
	const char *neg;            /* SO_STR: option that clears it ("no-verifyhost") */
	int no_default;             /* refused in default-server (HAProxy: `id`) */
};

#define F(field) offsetof(struct server_conf, field)

static const char *const observe_names[] = { "none", "layer4", "layer7", NULL };
static const char *const onerr_names[] = { "fastinter", "fail-check", "sudden-death", "mark-down", NULL };
static const char *const verify_names[] = { "", "none", "", "required", NULL };
static const char *const sslver_names[] = { "", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", NULL };
static const char *const mdown_names[] = { "", "shutdown-sessions", NULL };
static const char *const mup_names[] = { "", "shutdown-backup-sessions", NULL };

/* ------------------------------------------------------------ option parsers */

static int srv_err(struct srv_parse *sp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int srv_err(struct srv_parse *sp, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_alert(sp->ctx, "'%s' : %s", sp->what, msg);
	return -1;
}

static void *fieldp(struct server_conf *srv, size_t off)
{
	return (char *)srv + off;
}

static int opt_weight(struct srv_parse *sp, const struct srv_opt *o, char **args)
{
	char err[128];
	long w;
	if (cfg_parse_int(args[0], 0, SRV_WEIGHT_MAX, &w, err, sizeof(err)) < 0) {
		char num[32];
		snprintf(num, sizeof(num), "%d", SRV_WEIGHT_MAX);
		return srv_err(sp, "weight of server is not within 0 and %s (got '%s').", num, args[0]);
	}
	sp->srv->weight = (int)w;
	return 0;
}

static int opt_id(struct srv_parse *sp, const struct srv_opt *o, char **args)
{
	char err[128];
	long id;
	if (cfg_parse_int(args[0], 1, 2147483647L, &id, err, sizeof(err)) < 0)
		return srv_err(sp, "'id' expects a strictly positive integer but got '%s'.", args[0]);
	struct server_conf *other;
	VEC_EACH(&sp->ctx->px->servers, struct server_conf *, other) {
		if (other->id == id) {
			cfg_alert(sp->ctx, "'%s' : custom id %ld already used at %s:%d ('server %s')",
				  sp->what, id, other->loc.file, other->loc.line, other->name);
			return -1;
		}
	}
	sp->srv->id = (int)id;
	return 0;
}

/* ca-file, crl-file, crt: HAProxy loads them at startup, so -c opens them. */
static int opt_file(struct srv_parse *sp, const struct srv_opt *o, char **args)
{
	const char *what = strcmp(o->name, "crt") == 0 ? "certificate" :
			   strcmp(o->name, "ca-file") == 0 ? "CA file" : "CRL file";
	const char *saved = sp->ctx->kw;
	sp->ctx->kw = o->name;
	int r = cfg_check_file(sp->ctx, what, args[0], 0);
	sp->ctx->kw = saved;
	if (r < 0)
		return -1;
	*(char **)fieldp(sp->srv, o->off) = arena_strdup(sp->ctx->arena, args[0]);
	return 0;
}

static int opt_sni(struct srv_parse *sp, const struct srv_opt *o, char **args)
{
	char err[512];
	if (!sample_expr_parse(sp->ctx, args[0], SMP_AT_HTTP_REQ | SMP_AT_TCP_REQ | SMP_AT_BACKEND,
			       err, sizeof(err)))
		return srv_err(sp, "'sni' : %s", err);
	*(char **)fieldp(sp->srv, o->off) = arena_strdup(sp->ctx->arena, args[0]);
	return 0;
}

static int opt_force_ver(struct srv_parse *sp, const struct srv_opt *o, char **args)
{
	sp->srv->ssl_opts.min_ver = (enum ssl_ver)o->val;
	sp->srv->ssl_opts.max_ver = (enum ssl_ver)o->val;
	cfg_warn(sp->ctx, "'%s' : '%s' is deprecated; use 'ssl-min-ver %s ssl-max-ver %s' instead",
		 sp->what, o->name, sslver_names[o->val], sslver_names[o->val]);
	return 0;
}

static int opt_resolve_prefer(struct srv_parse *sp, const struct srv_opt *o, char **args)
{
	if (strcmp(args[0], "ipv4") == 0)
		sp->srv->resolve_prefer = AF_INET;
	else if (strcmp(args[0], "ipv6") == 0)
		sp->srv->resolve_prefer = AF_INET6;
	else
		return srv_err(sp, "'resolve-prefer' expects 'ipv4' or 'ipv6' but got '%s'.", args[0]);
	return 0;
}

/* init-addr: a comma-separated list of last, libc, none or IP addresses. */
static int opt_init_addr(struct srv_parse *sp, const struct srv_opt *o, char **args)
{
	char *list = arena_strdup(sp->ctx->arena, args[0]), *save = NULL;
	for (char *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		struct cfg_addr a;
		char err[256];
		if (strcmp(m, "last") == 0 || strcmp(m, "libc") == 0 || strcmp(m, "none") == 0)
			continue;
		if (cfg_parse_addr(sp->ctx->arena, m, CFG_ADDR_FOR_CHECK, &a, err, sizeof(err)) < 0 ||
		    a.is_name)
			return srv_err(sp, "'init-addr' : unsupported method '%s' (expects 'last', 'libc', "
				       "'none' or an IP address)", m);
	}
	sp->srv->init_addr = arena_strdup(sp->ctx->arena, args[0]);
	return 0;
}

/* `addr` (check address): a literal or a name resolved at startup, no port. */
static int opt_addr(struct srv_parse *sp, const struct srv_opt *o, char **args)
{
	struct cfg_addr a;
	char err[256];
	if (cfg_parse_addr(sp->ctx->arena, args[0], CFG_ADDR_FOR_CHECK, &a, err, sizeof(err)) < 0)
		return srv_err(sp, "'%s' : %s", o->name, err);
	*(char **)fieldp(sp->srv, o->off) = arena_strdup(sp->ctx->arena, args[0]);
	return 0;
}

/* source <addr>[:<port>] [usesrc <addr2>[:<port2>]|client|clientip] [interface <name>] */
static int source_words(char **args, int argc)
{
	int n = 1;
	while (n + 1 < argc && (strcmp(args[n], "usesrc") == 0 || strcmp(args[n], "interface") == 0))
		n += 2;
	return n;
}

/* -------------------------------------------------------------- the table */

#define FLAG(n, fld, v) { n, SO_FLAG, 0, F(fld), v, 0, 0, 0, NULL, NULL, NULL, 0 }
#define BIT(n, b, v) { n, SO_BIT, 0, F(ssl_opts.flags), v, 0, 0, b, NULL, NULL, NULL, 0 }
#define INT(n, fld, lo, hi) { n, SO_INT, 1, F(fld), 0, lo, hi, 0, NULL, NULL, NULL, 0 }
#define TIME(n, fld, lo) { n, SO_TIME, 1, F(fld), 0, lo, 0, 0, NULL, NULL, NULL, 0 }
#define STR(n, fld, neg) { n, SO_STR, 1, F(fld), 0, 0, 0, 0, NULL, NULL, neg, 0 }
#define ENUM(n, fld, names) { n, SO_ENUM, 1, F(fld), 0, 0, 0, 0, names, NULL, NULL, 0 }
#define FN(n, fld, nargs, fn) { n, SO_FN, nargs, F(fld), 0, 0, 0, 0, NULL, fn, NULL, 0 }
#define FNV(n, v, fn) { n, SO_FN, 0, 0, v, 0, 0, 0, NULL, fn, NULL, 0 }
#define EXTRA(n, nargs) { n, SO_EXTRA, nargs, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 }

static const struct srv_opt srv_opts[] = {
	/* load balancing and limits */
	FN("weight", weight, 1, opt_weight),
	INT("maxconn", maxconn, 0, 2147483647L),
	INT("minconn", minconn, 0, 2147483647L),
	INT("maxqueue", maxqueue, 0, 2147483647L),
	FLAG("backup", backup, 1), FLAG("no-backup", backup, 0),
	FLAG("disabled", disabled, 1), FLAG("enabled", disabled, 0),
	STR("cookie", cookie, NULL),
	TIME("slowstart", slowstart, 0),
	STR("track", track, NULL),
	{ "id", SO_FN, 1, F(id), 0, 0, 0, 0, NULL, opt_id, NULL, 1 },
	STR("redir", redir, NULL),
	FLAG("send-proxy", send_proxy, 1), FLAG("no-send-proxy", send_proxy, 0),
	FLAG("send-proxy-v2", send_proxy_v2, 1), FLAG("no-send-proxy-v2", send_proxy_v2, 0),
	FLAG("tfo", tfo, 1), FLAG("no-tfo", tfo, 0),
	INT("pool-max-conn", pool_max_conn, -1, 2147483647L),
	TIME("pool-purge-delay", pool_purge_delay, 0),
	STR("resolvers", resolvers, NULL),
	FN("resolve-prefer", resolve_prefer, 1, opt_resolve_prefer),
	FN("init-addr", init_addr, 1, opt_init_addr),
	/* health checks */
	FLAG("check", check, 1), FLAG("no-check", check, 0),
	TIME("inter", inter, 1), TIME("fastinter", fastinter, 1), TIME("downinter", downinter, 1),
	INT("rise", rise, 1, 2147483647L), INT("fall", fall, 1, 2147483647L),
	INT("port", check_port, 1, 65535),
	FN("addr", check_addr, 1, opt_addr),
	FLAG("check-ssl", check_ssl, 1), FLAG("no-check-ssl", check_ssl, -1),
	FLAG("check-send-proxy", check_send_proxy, 1), FLAG("no-check-send-proxy", check_send_proxy, 0),
	STR("check-sni", check_sni, NULL),
	STR("check-alpn", check_alpn, NULL),
	ENUM("observe", observe, observe_names),
	INT("error-limit", error_limit, 1, 2147483647L),
	ENUM("on-error", on_error, onerr_names),
	ENUM("on-marked-down", on_marked_down_shutdown, mdown_names),
	ENUM("on-marked-up", on_marked_up_shutdown_backup, mup_names),
	FLAG("agent-check", agent_check, 1), FLAG("no-agent-check", agent_check, 0),
	INT("agent-port", agent_port, 1, 65535),
	FN("agent-addr", agent_addr, 1, opt_addr),
	TIME("agent-inter", agent_inter, 1),
	STR("agent-send", agent_send, NULL),
	/* TLS */
	FLAG("ssl", ssl, 1), FLAG("no-ssl", ssl, 0),
	ENUM("verify", verify, verify_names),
	STR("verifyhost", verifyhost, "no-verifyhost"),
	{ "no-verifyhost", SO_STR, 0, F(verifyhost), 0, 0, 0, 0, NULL, NULL, NULL, 0 },
	FN("ca-file", ca_file, 1, opt_file),
	FN("crl-file", crl_file, 1, opt_file),
	FN("crt", crt, 1, opt_file),
	FN("sni", sni, 1, opt_sni),
	STR("alpn", alpn, NULL),
	FLAG("no-ssl-reuse", no_ssl_reuse, 1), FLAG("ssl-reuse", no_ssl_reuse, 0),
	ENUM("ssl-min-ver", ssl_opts.min_ver, sslver_names),
	ENUM("ssl-max-ver", ssl_opts.max_ver, sslver_names),
	BIT("no-sslv3", SSL_OPT_NO_SSLV3, 1), BIT("no-tlsv10", SSL_OPT_NO_TLSV10, 1),
	BIT("no-tlsv11", SSL_OPT_NO_TLSV11, 1), BIT("no-tlsv12", SSL_OPT_NO_TLSV12, 1),
	BIT("no-tlsv13", SSL_OPT_NO_TLSV13, 1),
	BIT("no-tls-tickets", SSL_OPT_NO_TLS_TICKETS, 1), BIT("tls-tickets", SSL_OPT_NO_TLS_TICKETS, 0),
	BIT("allow-0rtt", SSL_OPT_ALLOW_0RTT, 1),
	FNV("force-sslv3", SSL_VER_SSLV3, opt_force_ver), FNV("force-tlsv10", SSL_VER_TLSV10, opt_force_ver),
	FNV("force-tlsv11", SSL_VER_TLSV11, opt_force_ver), FNV("force-tlsv12", SSL_VER_TLSV12, opt_force_ver),
	FNV("force-tlsv13", SSL_VER_TLSV13, opt_force_ver),
	STR("ciphers", ssl_opts.ciphers, NULL),
	STR("ciphersuites", ssl_opts.ciphersuites, NULL),
	/* accepted and kept as written */
	EXTRA("namespace", 1), EXTRA("source", -1), EXTRA("proto", 1), EXTRA("ws", 1),
	EXTRA("max-reuse", 1), EXTRA("pool-low-conn", 1), EXTRA("shard", 1), EXTRA("log-proto", 1),
	EXTRA("socks4", 1), EXTRA("check-via-socks4", 0), EXTRA("check-proto", 1),
	EXTRA("resolve-net", 1), EXTRA("resolve-opts", 1), EXTRA("npn", 1), EXTRA("curves", 1),
	EXTRA("sigalgs", 1), EXTRA("client-sigalgs", 1), EXTRA("proxy-v2-options", 1),
	EXTRA("send-proxy-v2-ssl", 0), EXTRA("send-proxy-v2-ssl-cn", 0), EXTRA("non-stick", 0),
	EXTRA("stick", 0), EXTRA("no-send-proxy-v2-ssl", 0), EXTRA("no-send-proxy-v2-ssl-cn", 0),
};

static const struct srv_opt *srv_opt_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(srv_opts); i++)
		if (strcmp(srv_opts[i].name, name) == 0)
			return &srv_opts[i];
	return NULL;
}

static const char *srv_opt_suggest(const char *name)
{
	const char *best = NULL;
	int bestd = 1000;
	for (size_t i = 0; i < ARRAY_SIZE(srv_opts); i++) {
		int d = str_distance(name, srv_opts[i].name);
		if (d < bestd) {
			bestd = d;
			best = srv_opts[i].name;
		}
	}
	return bestd <= (int)strlen(name) / 2 + 1 ? best : NULL;
}

/* ------------------------------------------------------------- applying */

static int apply_enum(struct srv_parse *sp, const struct srv_opt *o, const char *arg)
{
	struct sbuf list = {0};
	for (int i = 0; o->names[i]; i++) {
		if (*o->names[i] && strcmp(o->names[i], arg) == 0) {
			*(int *)fieldp(sp->srv, o->off) = i;
			return 0;
		}
	}
	for (int i = 0; o->names[i]; i++) {
		if (!*o->names[i])
			continue;
		sbuf_printf(&list, "%s'%s'", list.len ? ", " : "", o->names[i]);
	}
	cfg_alert(sp->ctx, "'%s' : '%s' expects one of %s but got '%s'", sp->what, o->name,
		  sbuf_str(&list), arg);
	sbuf_free(&list);
	return -1;
}

static int apply_number(struct srv_parse *sp, const struct srv_opt *o, const char *arg)
{
	char err[256];
	int *f = fieldp(sp->srv, o->off);
	if (o->kind == SO_INT) {
		long v;
		if (cfg_parse_int(arg, o->min, o->max, &v, err, sizeof(err)) < 0)
			return srv_err(sp, "'%s' : %s", o->name, err);
		*f = (int)v;
		return 0;
	}
	if (cfg_parse_time(arg, f, err, sizeof(err)) < 0)
		return srv_err(sp, "'%s' : %s", o->name, err);
	if (*f < o->min) {
		char lim[32];
		snprintf(lim, sizeof(lim), "%ld", o->min - 1);
		return srv_err(sp, "'%s' has to be > %s.", o->name, lim);
	}
	return 0;
}

static void apply_extra(struct srv_parse *sp, int n, char **args)
{
	struct cfg_words *w = arena_alloc(sp->ctx->arena, sizeof(*w));
	*w = cfg_words_dup(sp->ctx->arena, n, args);
	vec_push(sp->ctx->arena, &sp->srv->extra, w);
}

/* Applies option args[0]: the value of the option, or -1 on error. */
static int apply_value(struct srv_parse *sp, const struct srv_opt *o, int nargs, char **args)
{
	char **a = args + 1;
	if (o->no_default && sp->is_default)
		return srv_err(sp, "'%s' option is not accepted in default-server sections.", o->name);
	switch (o->kind) {
	case SO_FLAG: *(int *)fieldp(sp->srv, o->off) = (int)o->val; return 0;
	case SO_BIT: {
		unsigned *f = fieldp(sp->srv, o->off);
		*f = o->val ? (*f | o->bit) : (*f & ~o->bit);
		return 0;
	}
	case SO_INT:
	case SO_TIME: return apply_number(sp, o, a[0]);
	case SO_STR:
		*(char **)fieldp(sp->srv, o->off) = nargs ? arena_strdup(sp->ctx->arena, a[0]) : NULL;
		return 0;
	case SO_ENUM: return apply_enum(sp, o, a[0]);
	case SO_FN: return o->parse(sp, o, a);
	case SO_EXTRA: apply_extra(sp, nargs + 1, args); return 0;
	}
	return 0;
}

/* Applies option args[0]; returns the words it spans (its value words are
 * skipped even when wrong, so they are not taken for options), *failed set
 * on error. */
static int apply_opt(struct srv_parse *sp, int argc, char **args, int *failed)
{
	const struct srv_opt *o = srv_opt_find(args[0]);
	if (!o) {
		const char *best = srv_opt_suggest(args[0]);
		if (best)
			cfg_alert(sp->ctx, "'%s' unknown keyword '%s'; did you mean '%s' maybe ?",
				  sp->what, args[0], best);
		else
			cfg_alert(sp->ctx, "'%s' unknown keyword '%s'", sp->what, args[0]);
		*failed = 1;
		return 1;
	}
	int nargs = o->nargs >= 0 ? o->nargs : argc > 1 ? source_words(args + 1, argc - 1) : 1;
	if (argc - 1 < nargs) {
		srv_err(sp, "'%s' expects an argument.", o->name);
		*failed = 1;
		return argc;
	}
	if (apply_value(sp, o, nargs, args) < 0)
		*failed = 1;
	return nargs + 1;
}

/* Parses every option; an error does not stop the others (all reported). */
static int apply_opts(struct srv_parse *sp, int argc, char **argv)
{
	int failed = 0;
	for (int i = 0; i < argc;)
		i += apply_opt(sp, argc - i, argv + i, &failed);
	return failed ? -1 : 0;
}

/* ------------------------------------------------------------- keywords */

static int valid_server_name(struct cfg_ctx *ctx, const char *name)
{
	for (const char *p = name; *p; p++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:", *p)) {
			cfg_alert(ctx, "'server' : invalid character '%c' in server name '%s' "
				  "(use letters, digits, '-', '_', '.' and ':')", *p, name);
			return 0;
		}
	}
	return 1;
}

static int check_duplicate(struct cfg_ctx *ctx, const char *name)
{
	struct server_conf *other;
	VEC_EACH(&ctx->px->servers, struct server_conf *, other) {
		if (strcmp(other->name, name) == 0) {
			cfg_alert(ctx, "%s '%s' has already a server named '%s' at %s:%d; "
				  "please use distinct names", ctx->px->cap & PX_CAP_FE ? "listen" : "backend",
				  ctx->px->name, name, other->loc.file, other->loc.line);
			return -1;
		}
	}
	return 0;
}

static int kw_server(struct cfg_ctx *ctx, int argc, char **argv)
{
	char err[256];
	if (argc < 2) {
		cfg_alert(ctx, "'server' expects <name> and <addr>[:<port>] as arguments");
		return -1;
	}
	if (!valid_server_name(ctx, argv[0]) || check_duplicate(ctx, argv[0]) < 0)
		return -1;
	struct server_conf *srv = arena_alloc(ctx->arena, sizeof(*srv));
	*srv = ctx->px->default_server;   /* the template; its lists stay shared */
	srv->loc = ctx->loc;
	srv->name = arena_strdup(ctx->arena, argv[0]);
	srv->src = cfg_words_dup(ctx->arena, ctx->line.n, ctx->line.w);
	srv->id = 0;
	struct srv_parse sp = { ctx, srv, 0, arena_printf(ctx->arena, "server %s", argv[0]) };
	if (cfg_parse_addr(ctx->arena, argv[1], CFG_ADDR_FOR_SERVER, &srv->addr, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "'%s' : %s", sp.what, err);
		apply_opts(&sp, argc - 2, argv + 2);    /* still report the options' errors */
		return -1;
	}
	int ret = apply_opts(&sp, argc - 2, argv + 2);
	if (ret == 0)
		vec_push(ctx->arena, &ctx->px->servers, srv);
	return ret;
}

static int kw_default_server(struct cfg_ctx *ctx, int argc, char **argv)
{
	/* Work on a copy so that a line with an error leaves the template as it was. */
	struct server_conf tmpl = ctx->px->default_server;
	struct srv_parse sp = { ctx, &tmpl, 1, "default-server" };
	if (apply_opts(&sp, argc, argv) < 0)
		return -1;
	ctx->px->default_server = tmpl;
	return 0;
}

/* ---------------------------------------------------------------- dump */

struct wordlist {
	struct vec v;
	struct arena *a;
};

static void wl_add(struct wordlist *wl, const char *w)
{
	vec_push(wl->a, &wl->v, (void *)w);
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int extra_in(const struct vec *v, const void *item)
{
	for (int i = 0; i < v->n; i++)
		if (v->v[i] == item)
			return 1;
	return 0;
}

/*
 * Emits the options of `srv` that differ from `base` or, when `builtin` is
 * given (server lines), from the builtin defaults too: a server line then
 * shows every effective option, and reloading it on top of the dumped
 * template gives back the same server.
 */
static int differs(int v, int base, const int *builtin)
{
	return v != base || (builtin && v != *builtin);
}

static void dump_opt(struct wordlist *wl, const struct srv_opt *o, const struct server_conf *s,
		     const struct server_conf *base, const struct server_conf *bi, struct cfg_emit *em)
{
	const char *sp = (const char *)s, *bp = (const char *)base, *ip = (const char *)bi;
	switch (o->kind) {
	case SO_FLAG: {
		int v = *(const int *)(sp + o->off);
		if (v == o->val && differs(v, *(const int *)(bp + o->off), bi ? (const int *)(ip + o->off) : NULL))
			wl_add(wl, o->name);
		break;
	}
	case SO_BIT: {
		unsigned v = *(const unsigned *)(sp + o->off) & o->bit;
		unsigned b = *(const unsigned *)(bp + o->off) & o->bit;
		unsigned i = bi ? *(const unsigned *)(ip + o->off) & o->bit : b;
		if ((v != 0) == (o->val != 0) && (v != b || v != i))
			wl_add(wl, o->name);
		break;
	}
	case SO_INT:
	case SO_TIME:
	case SO_ENUM: {
		int v = *(const int *)(sp + o->off);
		if (!differs(v, *(const int *)(bp + o->off), bi ? (const int *)(ip + o->off) : NULL))
			break;
		if (o->kind == SO_ENUM && !*o->names[v])
			break;
		wl_add(wl, o->name);
		wl_add(wl, o->kind == SO_ENUM ? o->names[v] : o->kind == SO_TIME ? cfg_time_str(em, v)
			   : arena_printf(em->tmp, "%d", v));
		break;
	}
	case SO_STR:
	case SO_FN: {
		if (o->nargs != 1 || o->off == F(weight) || o->off == F(id) || o->off == F(resolve_prefer))
			break;
		const char *v = *(char *const *)(sp + o->off);
		const char *b = *(char *const *)(bp + o->off);
		if (v && (!same_str(v, b) || bi)) {
			wl_add(wl, o->name);
			wl_add(wl, v);
		} else if (!v && b && o->neg) {
			wl_add(wl, o->neg);
		}
		break;
	}
	case SO_EXTRA:
		break;
	}
}

/* weight, id and resolve-prefer have no generic form in the table. */
static void dump_special(struct wordlist *wl, const struct server_conf *s,
			 const struct server_conf *base, const struct server_conf *bi, struct cfg_emit *em)
{
	if (differs(s->weight, base->weight, bi ? &bi->weight : NULL)) {
		wl_add(wl, "weight");
		wl_add(wl, arena_printf(em->tmp, "%d", s->weight));
	}
	if (s->id) {
		wl_add(wl, "id");
		wl_add(wl, arena_printf(em->tmp, "%d", s->id));
	}
	if (s->resolve_prefer && differs(s->resolve_prefer, base->resolve_prefer,
					 bi ? &bi->resolve_prefer : NULL)) {
		wl_add(wl, "resolve-prefer");
		wl_add(wl, s->resolve_prefer == AF_INET ? "ipv4" : "ipv6");
	}
}

static void dump_opts(struct wordlist *wl, const struct server_conf *s, const struct server_conf *base,
		      const struct server_conf *bi, struct cfg_emit *em)
{
	dump_special(wl, s, base, bi, em);
	for (size_t i = 0; i < ARRAY_SIZE(srv_opts); i++)
		dump_opt(wl, &srv_opts[i], s, base, bi, em);
	const struct cfg_words *w;
	VEC_EACH(&s->extra, const struct cfg_words *, w) {
		if (extra_in(&base->extra, w))
			continue;
		for (int i = 0; i < w->n; i++)
			wl_add(wl, w->w[i]);
	}
}

static void emit_wordlist(struct cfg_emit *em, const char *kw, struct wordlist *wl)
{
	struct cfg_words w = { wl->v.n, (char **)wl->v.v };
	cfg_emitw(em, kw, &w, 0);
}

static const struct server_conf *builtin_server(void)
{
	static struct proxy_conf bp;
	static int ready;
	if (!ready) {
		cfg_proxy_builtin_defaults(&bp);
		ready = 1;
	}
	return &bp.default_server;
}

/* `default-server` (template differences), then one `server` line each. */
static void dump_servers(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct proxy_conf *base = cfg_dump_base(kw, obj);
	struct wordlist wl = { {0}, em->tmp };

	dump_opts(&wl, &px->default_server, &base->default_server, NULL, em);
	if (wl.v.n)
		emit_wordlist(em, "default-server", &wl);
	const struct server_conf *s;
	VEC_EACH(&px->servers, const struct server_conf *, s) {
		wl = (struct wordlist){ {0}, em->tmp };
		wl_add(&wl, s->name);
		wl_add(&wl, s->addr.text);
		dump_opts(&wl, s, &px->default_server, builtin_server(), em);
		emit_wordlist(em, "server", &wl);
	}
}

/* ---------------------------------------------------------------- finish */

static int rules_give_port(const struct proxy_conf *px)
{
	const struct vec *rules = px->check_kind == CHECK_KIND_HTTP ? &px->http_check_rules :
				  px->check_kind == CHECK_KIND_TCPCHECK ? &px->tcp_check_rules : NULL;
	const struct check_rule *r;
	if (!rules)
		return 0;
	VEC_EACH(rules, const struct check_rule *, r) {
		if (r->action == CHECK_ACT_CONNECT)
			return r->connect.port || r->connect.port_expr_text;
		if (r->action != CHECK_ACT_COMMENT && r->action != CHECK_ACT_SET_VAR &&
		    r->action != CHECK_ACT_UNSET_VAR && !(r->action == CHECK_ACT_SEND && r->send.from_option))
			return 0;
	}
	return 0;
}

static void finish_check_port(struct cfg *cfg, const struct proxy_conf *px, const struct server_conf *s)
{
	if (!s->check || s->addr.kind != CFG_ADDR_INET || s->addr.port || s->addr.port_offset ||
	    s->check_port || rules_give_port(px))
		return;
	cfg_diag_at(cfg, CFG_ALERT, &s->loc, "backend '%s': server '%s' has neither service port nor "
		    "check port nor tcp_check rule 'connect' with port information. Check has been "
		    "disabled. Add a port to the address or 'port <n>' to the server line.",
		    px->name, s->name);
}

static void finish_agent(struct cfg *cfg, const struct proxy_conf *px, const struct server_conf *s)
{
	if (s->agent_check && !s->agent_port)
		cfg_diag_at(cfg, CFG_ALERT, &s->loc, "backend '%s': server '%s' does not have agent "
			    "port. Agent check has been disabled. Add 'agent-port <port>' to the "
			    "server line.", px->name, s->name);
}

/* HAProxy 2.6 alerts (without failing) and the workers of a TCP proxy see
 * no HTTP response to judge: the observation would never fire. */
static void finish_observe(struct cfg *cfg, const struct proxy_conf *px, const struct server_conf *s)
{
	if (s->observe == SRV_OBSERVE_LAYER7 && px->mode != PX_MODE_HTTP)
		cfg_diag_at(cfg, CFG_WARNING, &s->loc, "'server %s/%s' : 'observe layer7' can only be "
			    "used in http proxies; it observes nothing here. Use 'observe layer4' (failed "
			    "connects), or 'mode http'.", px->name, s->name);
}

static void finish_verify(struct cfg *cfg, const struct proxy_conf *px, const struct server_conf *s)
{
	int global_none = cfg->global.ssl_server_verify && strcmp(cfg->global.ssl_server_verify, "none") == 0;
	if (!(s->ssl || s->check_ssl > 0) || s->ca_file)
		return;
	if (s->verify == CFG_VERIFY_UNSET && !global_none)
		cfg_diag_at(cfg, CFG_ALERT, &s->loc, "Proxy '%s', server '%s' verify is enabled by "
			    "default but no CA file specified. If you're running on a LAN where you're "
			    "certain to trust the server's certificate, please set an explicit 'verify "
			    "none' statement on the 'server' line, or use 'ssl-server-verify none' in "
			    "the global section to disable server-side verifications by default.",
			    px->name, s->name);
	else if (s->verify == CFG_VERIFY_REQUIRED)
		cfg_diag_at(cfg, CFG_ALERT, &s->loc, "Proxy '%s', server '%s' verify is enabled but "
			    "no CA file specified; add 'ca-file <file>' to the server line.",
			    px->name, s->name);
}

static void finish_track(struct cfg *cfg, const struct proxy_conf *px, const struct server_conf *s)
{
	if (!s->track)
		return;
	const char *slash = strchr(s->track, '/');
	const struct proxy_conf *tpx = px;
	const char *sname = s->track;
	if (slash) {
		char *pname = arena_strndup(cfg->arena, s->track, (size_t)(slash - s->track));
		tpx = cfg_find_proxy(cfg, pname, PX_CAP_BE);
		sname = slash + 1;
		if (!tpx) {
			cfg_diag_at(cfg, CFG_ALERT, &s->loc, "config : backend '%s', server '%s': unable "
				    "to find required proxy '%s' for tracking.", px->name, s->name, pname);
			return;
		}
	}
	const struct server_conf *t = NULL, *c;
	VEC_EACH(&tpx->servers, const struct server_conf *, c)
		if (strcmp(c->name, sname) == 0)
			t = c;
	if (!t)
		cfg_diag_at(cfg, CFG_ALERT, &s->loc, "config : backend '%s', server '%s': unable to find "
			    "required server '%s' for tracking.", px->name, s->name, s->track);
	else if (t == s)
		cfg_diag_at(cfg, CFG_ALERT, &s->loc, "config : backend '%s', server '%s': unable to "
			    "track itself.", px->name, s->name);
	else if (!t->check && !t->agent_check)
		cfg_diag_at(cfg, CFG_ALERT, &s->loc, "config : backend '%s', server '%s': unable to use "
			    "%s/%s for tracking as it does not have any check nor agent enabled.",
			    px->name, s->name, tpx->name, t->name);
}

/* Server TLS settings not given on the line come from ssl-default-server-*. */
static void finish_ssl_defaults(struct cfg *cfg, struct server_conf *s)
{
	const struct ssl_opts *g = &cfg->global.ssl_server_defaults;
	if (!(s->ssl || s->check_ssl > 0))
		return;
	if (!s->ssl_opts.ciphers && g->ciphers)
		s->ssl_opts.ciphers = g->ciphers;
	if (!s->ssl_opts.ciphersuites && g->ciphersuites)
		s->ssl_opts.ciphersuites = g->ciphersuites;
	if (s->ssl_opts.min_ver == SSL_VER_ANY && s->ssl_opts.max_ver == SSL_VER_ANY) {
		s->ssl_opts.min_ver = g->min_ver;
		s->ssl_opts.max_ver = g->max_ver;
	}
	s->ssl_opts.flags |= g->flags;
}

static void server_finish(struct cfg *cfg)
{
	struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, struct proxy_conf *, px) {
		struct server_conf *s;
		VEC_EACH(&px->servers, struct server_conf *, s) {
			finish_check_port(cfg, px, s);
			finish_agent(cfg, px, s);
			finish_observe(cfg, px, s);
			finish_verify(cfg, px, s);
			finish_track(cfg, px, s);
			finish_ssl_defaults(cfg, s);
		}
	}
}

static const struct cfg_kw server_kws[] = {
	{ "default-server", CFG_SEC_BE, kw_default_server, dump_servers, "[<option>...]",
	  "set the options every following server starts from (in defaults: of every proxy after it)", 0 },
	{ "server", CFG_SEC_BE_ONLY, kw_server, NULL, "<name> <addr>[:<port>] [<option>...]",
	  "declare a server of the backend, with its check, TLS and balancing options", 0 },
};

const struct cfg_kw_table server_kw_table = {
	"server", server_kws, (int)ARRAY_SIZE(server_kws), server_finish
};
