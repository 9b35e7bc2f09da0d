/*
 * `bind` (frontend, listen): the listening addresses of a proxy and the
 * options of each, HAProxy 2.6's bind keywords. Also serves
 * `stats socket <addr> [options]` through bind_parse_line().
 *
 * Runs in the master and in `weir -c`: it parses and checks only; the
 * master binds later. Fills struct bind_conf (cfg-t.h) from ctx->arena.
 * A line with several addresses ("a:80,b:80") becomes one bind_conf per
 * address, each keeping "<address> <options...>" as its source words,
 * which is what the dump writes back.
 */
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include "weir/bind.h"
#include "weir/kwtables.h"
#include "weir/ssl.h"

struct bind_opt;
typedef int (*bind_opt_fn)(struct cfg_ctx *ctx, struct bind_conf *b, char **args,
			   const struct bind_opt *o);

/* One bind option: its name, how many argument words follow it, and the
 * parser; `data` is a field offset or a flag, `usage` names the argument. */
struct bind_opt {
	const char *name;
	int nargs;
	bind_opt_fn parse;
	uintptr_t data;
	const char *usage;
	int stats_only;      /* meaningful on `stats socket` lines only */
};

#define B_OFF(field) ((uintptr_t)offsetof(struct bind_conf, field))
#define B_INT(b, o) ((int *)((char *)(b) + (o)->data))
#define B_STR(b, o) ((char **)((char *)(b) + (o)->data))

static int opt_error(struct cfg_ctx *ctx, const char *name, const char *err)
{
	cfg_alert(ctx, "'%s' : '%s' %s", ctx->kw, name, err);
	return -1;
}

/* ------------------------------------------------------- generic setters */

static int opt_flag(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	*B_INT(b, o) = 1;
	return 0;
}

static int opt_str(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	if (!*args[0])
		return opt_error(ctx, o->name, "expects a non-empty value");
	*B_STR(b, o) = arena_strdup(ctx->arena, args[0]);
	return 0;
}

static int opt_int_range(struct cfg_ctx *ctx, const char *name, const char *arg, long min, long max,
			 int *out)
{
	char err[256];
	long v;
	if (cfg_parse_int(arg, min, max, &v, err, sizeof(err)) < 0)
		return opt_error(ctx, name, err);
	*out = (int)v;
	return 0;
}

static int opt_posint(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	return opt_int_range(ctx, o->name, args[0], 0, 2147483647, B_INT(b, o));
}

static int opt_id(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	return opt_int_range(ctx, o->name, args[0], 1, 2147483647, &b->id);
}

static int opt_nice(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	return opt_int_range(ctx, o->name, args[0], -1024, 1024, &b->nice);
}

static int opt_mss(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	/* a negative MSS means "at most" on Linux, as in HAProxy */
	return opt_int_range(ctx, o->name, args[0], -65535, 65535, &b->mss);
}

static int opt_time(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	char err[256];
	if (cfg_parse_time(args[0], B_INT(b, o), err, sizeof(err)) < 0)
		return opt_error(ctx, o->name, err);
	return 0;
}

/* ------------------------------------------------------- SSL options */

/* no-sslv3 .. no-tlsv13, force-*, ssl-min-ver, ssl-max-ver,
 * no-tls-tickets, prefer-client-ciphers: shared with the global
 * ssl-default-bind-options (src/ssl/ssl_conf.c). */
static int opt_sslword(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	char err[256];
	char *words[2] = { (char *)o->name, o->nargs ? args[0] : NULL };
	if (ssl_opts_word(&b->ssl_opts, SSL_OPTS_FOR_BIND, o->nargs + 1, words, err, sizeof(err)) <= 0) {
		cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
		return -1;
	}
	return 0;
}

static int opt_sslflag(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	b->ssl_opts.flags |= (unsigned)o->data;
	return 0;
}

static int (*const list_checks[])(const char *, char *, size_t) = {
	ssl_check_ciphers, ssl_check_ciphersuites, ssl_check_curves, ssl_check_ecdhe,
	ssl_check_sigalgs, ssl_check_client_sigalgs,
};
static const size_t list_fields[] = {
	offsetof(struct ssl_opts, ciphers), offsetof(struct ssl_opts, ciphersuites),
	offsetof(struct ssl_opts, curves), offsetof(struct ssl_opts, ecdhe),
	offsetof(struct ssl_opts, sigalgs), offsetof(struct ssl_opts, client_sigalgs),
};

/* ciphers, ciphersuites, curves, ecdhe, sigalgs, client-sigalgs: checked
 * by OpenSSL now, so a typo fails `weir -c` instead of the start. */
static int opt_ssllist(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	char err[1024];
	int ret = list_checks[o->data](args[0], err, sizeof(err));

	if (ret < 0) {
		cfg_alert(ctx, "'%s' : '%s' : %s", ctx->kw, o->name, err);
		return -1;
	}
	if (ret > 0)
		cfg_warn(ctx, "'%s' : '%s' : %s", ctx->kw, o->name, err);
	*(char **)((char *)&b->ssl_opts + list_fields[o->data]) = arena_strdup(ctx->arena, args[0]);
	return 0;
}

/* crt, crt-list (relative to crt-base), ca-file, crl-file, ca-verify-file,
 * ca-sign-file (relative to ca-base), tls-ticket-keys: the file must
 * exist now, as HAProxy loads it while parsing. */
static const char *opt_path(struct cfg_ctx *ctx, const struct bind_opt *o, const char *arg)
{
	const struct cfg_global *g = &ctx->cfg->global;
	int crt = strncmp(o->name, "crt", 3) == 0;
	int ca = strncmp(o->name, "ca-", 3) == 0 || strcmp(o->name, "crl-file") == 0;
	return ssl_base_path(ctx->arena, crt ? g->crt_base : ca ? g->ca_base : NULL, arg);
}

static const char *opt_file_what(const struct bind_opt *o)
{
	if (strcmp(o->name, "crt") == 0)
		return "SSL certificate";
	if (strcmp(o->name, "crt-list") == 0)
		return "SSL certificate list";
	if (strcmp(o->name, "crl-file") == 0)
		return "CRL";
	if (strcmp(o->name, "tls-ticket-keys") == 0)
		return "TLS ticket keys";
	return "CA certificates";
}

/* The content check of a file option, or NULL when only its presence is. */
static int opt_file_content(const struct bind_opt *o, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (strcmp(o->name, "crt") == 0)
		return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? ssl_check_cert_dir(path, err, errlen)
								: ssl_check_cert_file(path, err, errlen);
	if (strcmp(o->name, "ca-file") == 0 || strcmp(o->name, "ca-verify-file") == 0)
		return ssl_check_ca_file(path, 0, err, errlen);
	if (strcmp(o->name, "crl-file") == 0)
		return ssl_check_ca_file(path, 1, err, errlen);
	return 0;
}

static int opt_file(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	const char *path;
	char err[4096 + 256];

	if (!*args[0])
		return opt_error(ctx, o->name, "expects a file name");
	path = opt_path(ctx, o, args[0]);
	/* "@system-ca": the system's trust store, not a file */
	if (strcmp(path, "@system-ca") != 0 &&
	    cfg_check_file(ctx, opt_file_what(o), path, strcmp(o->name, "crt") == 0) < 0)
		return -1;
	if (strcmp(path, "@system-ca") != 0 && opt_file_content(o, path, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
		return -1;
	}
	if (strcmp(o->name, "crt") == 0)
		vec_push(ctx->arena, &b->crts, arena_strdup(ctx->arena, path));
	else
		*B_STR(b, o) = arena_strdup(ctx->arena, path);
	return 0;
}

static int opt_verify(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	if (strcmp(args[0], "none") == 0)
		b->verify = CFG_VERIFY_NONE;
	else if (strcmp(args[0], "optional") == 0)
		b->verify = CFG_VERIFY_OPTIONAL;
	else if (strcmp(args[0], "required") == 0)
		b->verify = CFG_VERIFY_REQUIRED;
	else {
		cfg_alert(ctx, "'%s' : 'verify' : unknown verify method '%s' (expects none, optional or required)",
			  ctx->kw, args[0]);
		return -1;
	}
	return 0;
}

/* alpn/npn: a comma-separated list of protocol names, each 1..255 bytes
 * (RFC 7301, section 3.1). */
static int opt_protos(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	const char *p = args[0];
	while (1) {
		size_t len = strcspn(p, ",");
		if (len == 0 || len > 255) {
			cfg_alert(ctx, "'%s' : '%s' : %s protocol name in '%s' (expects names such as h2,http/1.1)",
				  ctx->kw, o->name, len ? "too long a" : "empty", args[0]);
			return -1;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	*B_STR(b, o) = arena_strdup(ctx->arena, args[0]);
	return 0;
}

/* ------------------------------------------------------- sockets */

static int opt_mode(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	char *end;
	long v = strtol(args[0], &end, 8);
	if (!*args[0] || *end || v < 0 || v > 07777)
		return opt_error(ctx, o->name, "expects an octal file mode such as 660");
	b->unix_mode = (int)v;
	return 0;
}

static int opt_interface(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	/* IFNAMSIZ is 16 with the final NUL */
	if (!*args[0] || strlen(args[0]) > 15)
		return opt_error(ctx, o->name, "expects an interface name of 1 to 15 characters");
	b->interface = arena_strdup(ctx->arena, args[0]);
	return 0;
}

/* thread [<group>/]<set>[,...] and the older `process`: kept as written;
 * weir's workers are processes that all serve every listener. */
static int opt_thread(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	const char *bad = args[0] + strspn(args[0], "0123456789/,-alodevn");
	if (!*args[0] || *bad) {
		cfg_alert(ctx, "'%s' : '%s' : invalid %s set '%s' (expects all, odd, even, N, N-M, or "
			  "G/N-M, separated by commas)", ctx->kw, o->name, o->name, args[0]);
		return -1;
	}
	if (strcmp(o->name, "process") == 0)
		cfg_notice(ctx, "'%s' : 'process %s' is ignored: every weir worker process serves every "
			   "listener (use 'nbthread' for their number)", ctx->kw, args[0]);
	b->thread = arena_strdup(ctx->arena, args[0]);
	return 0;
}

/* ------------------------------------------------------- stats socket */

static int opt_level(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	if (strcmp(args[0], "user") == 0)
		b->level = STATS_LEVEL_USER;
	else if (strcmp(args[0], "operator") == 0)
		b->level = STATS_LEVEL_OPERATOR;
	else if (strcmp(args[0], "admin") == 0)
		b->level = STATS_LEVEL_ADMIN;
	else {
		cfg_alert(ctx, "'%s' : 'level' only supports 'user', 'operator', and 'admin' (got '%s')",
			  ctx->kw, args[0]);
		return -1;
	}
	return 0;
}

static int opt_severity(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	static const char *const names[] = { "none", "number", "string" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(args[0], names[i]) == 0) {
			b->severity_output = (int)i;
			return 0;
		}
	}
	cfg_alert(ctx, "'%s' : 'severity-output' only supports 'none', 'number', and 'string' (got '%s')",
		  ctx->kw, args[0]);
	return -1;
}

static int opt_expose_fd(struct cfg_ctx *ctx, struct bind_conf *b, char **args, const struct bind_opt *o)
{
	if (strcmp(args[0], "listeners") != 0) {
		cfg_alert(ctx, "'%s' : 'expose-fd' only supports 'listeners' (got '%s')", ctx->kw, args[0]);
		return -1;
	}
	b->expose_fd_listeners = 1;
	return 0;
}

/* ------------------------------------------------------- the table */

#define FLAG(n, f)        { n, 0, opt_flag, B_OFF(f), "", 0 }
#define STR(n, f, u)      { n, 1, opt_str, B_OFF(f), u, 0 }
#define SSLWORD(n)        { n, 0, opt_sslword, 0, "", 0 }
#define SSLFLAG(n, f)     { n, 0, opt_sslflag, f, "", 0 }
#define SSLLIST(n, i, u)  { n, 1, opt_ssllist, i, u, 0 }
#define FILEOPT(n, f, u)  { n, 1, opt_file, B_OFF(f), u, 0 }

static const struct bind_opt bind_opts[] = {
	FLAG("ssl", ssl),
	FILEOPT("crt", crts, "<file|dir>"),
	FILEOPT("crt-list", crt_list, "<file>"),
	FILEOPT("ca-file", ca_file, "<file>"),
	FILEOPT("crl-file", crl_file, "<file>"),
	FILEOPT("ca-verify-file", ca_verify_file, "<file>"),
	FILEOPT("ca-sign-file", ca_sign_file, "<file>"),
	FILEOPT("tls-ticket-keys", tls_ticket_keys, "<file>"),
	STR("ca-sign-pass", ca_sign_pass, "<passphrase>"),
	STR("ca-ignore-err", ca_ignore_err, "all|<errorID>,..."),
	STR("crt-ignore-err", crt_ignore_err, "all|<errorID>,..."),
	FLAG("generate-certificates", generate_certs),
	{ "verify", 1, opt_verify, 0, "none|optional|required", 0 },
	{ "alpn", 1, opt_protos, B_OFF(alpn), "<protocols>", 0 },
	{ "npn", 1, opt_protos, B_OFF(npn), "<protocols>", 0 },
	SSLLIST("ciphers", 0, "<ciphers>"),
	SSLLIST("ciphersuites", 1, "<ciphersuites>"),
	SSLLIST("curves", 2, "<curves>"),
	SSLLIST("ecdhe", 3, "<named curve>"),
	SSLLIST("sigalgs", 4, "<sigalgs>"),
	SSLLIST("client-sigalgs", 5, "<sigalgs>"),
	{ "ssl-min-ver", 1, opt_sslword, 0, "SSLv3|TLSv1.0|TLSv1.1|TLSv1.2|TLSv1.3", 0 },
	{ "ssl-max-ver", 1, opt_sslword, 0, "SSLv3|TLSv1.0|TLSv1.1|TLSv1.2|TLSv1.3", 0 },
	SSLWORD("no-sslv3"), SSLWORD("no-tlsv10"), SSLWORD("no-tlsv11"), SSLWORD("no-tlsv12"),
	SSLWORD("no-tlsv13"), SSLWORD("force-sslv3"), SSLWORD("force-tlsv10"), SSLWORD("force-tlsv11"),
	SSLWORD("force-tlsv12"), SSLWORD("force-tlsv13"), SSLWORD("no-tls-tickets"),
	SSLWORD("prefer-client-ciphers"),
	SSLFLAG("strict-sni", SSL_OPT_STRICT_SNI),
	SSLFLAG("allow-0rtt", SSL_OPT_ALLOW_0RTT),
	SSLFLAG("no-ca-names", SSL_OPT_NO_CA_NAMES),
	FLAG("accept-proxy", accept_proxy),
	{ "accept-netscaler-cip", 1, opt_posint, B_OFF(accept_netscaler_cip), "<magic number>", 0 },
	{ "maxconn", 1, opt_posint, B_OFF(maxconn), "<maxconn>", 0 },
	{ "backlog", 1, opt_posint, B_OFF(backlog), "<backlog>", 0 },
	{ "interface", 1, opt_interface, 0, "<interface>", 0 },
	FLAG("transparent", transparent),
	FLAG("v4v6", v4v6),
	FLAG("v6only", v6only),
	FLAG("defer-accept", defer_accept),
	FLAG("tfo", tfo),
	{ "mss", 1, opt_mss, 0, "<maxseg>", 0 },
	{ "tcp-ut", 1, opt_time, B_OFF(tcp_ut), "<delay>", 0 },
	STR("namespace", ns, "<name>"),
	STR("proto", proto, "<name>"),
	{ "mode", 1, opt_mode, 0, "<mode>", 0 },
	STR("user", unix_user, "<user>"),
	STR("group", unix_group, "<group>"),
	{ "uid", 1, opt_posint, B_OFF(unix_uid), "<uid>", 0 },
	{ "gid", 1, opt_posint, B_OFF(unix_gid), "<gid>", 0 },
	STR("name", name, "<name>"),
	{ "id", 1, opt_id, 0, "<id>", 0 },
	{ "nice", 1, opt_nice, 0, "<nice>", 0 },
	{ "process", 1, opt_thread, 0, "<process-set>", 0 },
	{ "thread", 1, opt_thread, 0, "[<group>/]<thread-set>", 0 },
	{ "level", 1, opt_level, 0, "user|operator|admin", 1 },
	{ "severity-output", 1, opt_severity, 0, "none|number|string", 1 },
	{ "expose-fd", 1, opt_expose_fd, 0, "listeners", 1 },
};

static const struct bind_opt *bind_opt_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(bind_opts); i++)
		if (strcmp(bind_opts[i].name, name) == 0)
			return &bind_opts[i];
	return NULL;
}

static const char *bind_opt_suggest(const char *name)
{
	const char *best = NULL;
	int bestd = 1000;
	for (size_t i = 0; i < ARRAY_SIZE(bind_opts); i++) {
		int d = str_distance(name, bind_opts[i].name);
		if (d < bestd) {
			bestd = d;
			best = bind_opts[i].name;
		}
	}
	return bestd <= (int)strlen(name) / 3 + 1 ? best : NULL;
}

/* ------------------------------------------------------- whole-line checks */

static int bind_check_ssl(struct cfg_ctx *ctx, struct bind_conf *b)
{
	char err[512];

	if (!b->ssl) {
		if (b->crts.n || b->crt_list)
			cfg_warn(ctx, "'%s' : certificates are given but 'ssl' is missing, so this listener "
				 "speaks plain TCP; add 'ssl' to terminate TLS", ctx->kw);
		return 0;
	}
	if (!b->crts.n && !b->crt_list) {
		if (b->ssl_opts.flags & SSL_OPT_STRICT_SNI) {
			cfg_warn(ctx, "'%s' : no SSL certificate specified: with 'strict-sni' every TLS "
				 "handshake will fail (use 'crt <file|dir>')", ctx->kw);
		} else {
			cfg_alert(ctx, "'%s' : 'ssl' is set but no certificate is specified (add "
				  "'crt <file|dir>' or 'crt-list <file>')", ctx->kw);
			return -1;
		}
	}
	if ((b->verify == CFG_VERIFY_OPTIONAL || b->verify == CFG_VERIFY_REQUIRED) && !b->ca_file) {
		cfg_alert(ctx, "'%s' : verify is enabled but no CA file specified (add 'ca-file <file>' "
			  "with the CA that signs the client certificates, or use 'verify none')", ctx->kw);
		return -1;
	}
	if (ssl_opts_check_versions(&b->ssl_opts, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
		return -1;
	}
	return 0;
}

int bind_parse_options(struct cfg_ctx *ctx, struct bind_conf *b, int argc, char **argv, int stats_socket)
{
	for (int i = 0; i < argc;) {
		const struct bind_opt *o = bind_opt_find(argv[i]);
		if (!o) {
			const char *best = bind_opt_suggest(argv[i]);
			cfg_alert(ctx, "'%s' unknown keyword '%s'.%s%s%s", ctx->kw, argv[i],
				  best ? " Did you mean '" : "", best ? best : "", best ? "' maybe ?" : "");
			return -1;
		}
		if (i + o->nargs > argc - 1) {
			cfg_alert(ctx, "'%s' : '%s' expects %s as argument", ctx->kw, o->name, o->usage);
			return -1;
		}
		if (o->stats_only && !stats_socket)
			cfg_warn(ctx, "'%s' : '%s' only applies to 'stats socket' lines; ignored here",
				 ctx->kw, o->name);
		if (o->parse(ctx, b, argv + i + 1, o) < 0)
			return -1;
		i += 1 + o->nargs;
	}
	return bind_check_ssl(ctx, b);
}

struct bind_conf *bind_conf_new(struct cfg_ctx *ctx, const struct cfg_addr *addr, int stats_socket)
{
	struct bind_conf *b = arena_alloc(ctx->arena, sizeof(*b));

	b->loc = ctx->loc;
	b->addr = *addr;
	b->unix_mode = -1;
	b->unix_uid = b->unix_gid = -1;
	b->ssl_opts = ctx->cfg->global.ssl_bind_defaults;
	/* HAProxy's stats sockets default to the operator level */
	b->level = stats_socket ? STATS_LEVEL_OPERATOR : STATS_LEVEL_USER;
	b->severity_output = 0;
	return b;
}

/* "a:80,b:81" -> its addresses; an empty item is an error. */
static int bind_split_addrs(struct cfg_ctx *ctx, const char *list, struct vec *addrs)
{
	char *copy = arena_strdup(ctx->arena, list), *save = NULL;
	char err[512];

	if (!*list || list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,")) {
		cfg_alert(ctx, "'%s %s' : empty address in the list", ctx->kw, list);
		return -1;
	}
	for (char *a = strtok_r(copy, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		struct cfg_addr *addr = arena_alloc(ctx->arena, sizeof(*addr));
		if (cfg_parse_addr(ctx->arena, a, CFG_ADDR_FOR_BIND, addr, err, sizeof(err)) < 0) {
			cfg_alert(ctx, "'%s %s' : %s", ctx->kw, list, err);
			return -1;
		}
		vec_push(ctx->arena, addrs, addr);
	}
	return 0;
}

int bind_parse_line(struct cfg_ctx *ctx, int argc, char **argv, int stats_socket, struct vec *out)
{
	struct vec addrs = { 0 };
	struct cfg_ctx sub = *ctx;
	struct bind_conf *tmpl;

	if (argc < 1) {
		cfg_alert(ctx, "'%s' expects {<path>|[addr1]:port1[-end1]}{,...} [ param* ] as arguments",
			  ctx->kw);
		return -1;
	}
	if (bind_split_addrs(ctx, argv[0], &addrs) < 0)
		return -1;
	sub.kw = arena_printf(ctx->arena, "%s %s", ctx->kw, argv[0]);
	tmpl = bind_conf_new(&sub, addrs.v[0], stats_socket);
	if (bind_parse_options(&sub, tmpl, argc - 1, argv + 1, stats_socket) < 0)
		return -1;
	const struct cfg_addr *first = addrs.v[0];
	if (tmpl->id && (addrs.n > 1 || first->port_last > first->port)) {
		cfg_alert(ctx, "'%s' : 'id' can only be used with a single socket (one address, no port "
			  "range)", sub.kw);
		return -1;
	}
	for (int i = 0; i < addrs.n; i++) {
		struct bind_conf *b = arena_alloc(ctx->arena, sizeof(*b));
		struct cfg_addr *addr = addrs.v[i];
		*b = *tmpl;
		b->addr = *addr;
		vec_share(&b->crts, &tmpl->crts);
		b->src = cfg_words_dup(ctx->arena, argc, argv);
		b->src.w[0] = addr->text;
		vec_push(ctx->arena, out, b);
	}
	return 0;
}

/* ------------------------------------------------------- the keyword */

static int parse_bind(struct cfg_ctx *ctx, int argc, char **argv)
{
	return bind_parse_line(ctx, argc, argv, 0, &ctx->px->binds);
}

static void dump_bind(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct bind_conf *b;
	VEC_EACH(&px->binds, const struct bind_conf *, b)
		cfg_emitw(em, kw->name, &b->src, 0);
}

/* Listener ids are unique within a frontend (HAProxy checks it too). */
static void bind_finish(struct cfg *cfg)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		for (int i = 0; i < px->binds.n; i++) {
			const struct bind_conf *b = px->binds.v[i];
			for (int j = 0; b->id && j < i; j++) {
				const struct bind_conf *o = px->binds.v[j];
				if (o->id == b->id)
					cfg_diag_at(cfg, CFG_ALERT, &b->loc, "Proxy '%s': custom id %d of 'bind %s' "
						    "is already used by 'bind %s' at %s:%d", px->name, b->id,
						    b->addr.text, o->addr.text, o->loc.file, o->loc.line);
			}
		}
	}
}

static const struct cfg_kw bind_kws[] = {
	{ "bind", CFG_SEC_FE_ONLY, parse_bind, dump_bind,
	  "[<address>]:<port>[-<end>] | <path> [,...] [ssl crt <file|dir>] [alpn <protos>] [options...]",
	  "listening address(es) of the frontend, with TLS and socket options", 0 },
};

const struct cfg_kw_table bind_kw_table = { "bind", bind_kws, (int)ARRAY_SIZE(bind_kws), bind_finish };
