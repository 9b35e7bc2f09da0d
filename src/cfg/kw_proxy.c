/*
 * Proxy keywords that are not owned by a subsystem: mode, limits, retries,
 * timeouts, the plain `option` flags, forwardfor, http-reuse, cookie
 * persistence, identity. Sections: defaults, frontend, backend, listen.
 * Runs in the master while loading.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "weir/kwtables.h"

#define P(f) offsetof(struct proxy_conf, f)
#define T(f) (offsetof(struct proxy_conf, timeout) + offsetof(struct timeouts, f))

/* ---------------------------------------------------------------- mode */

static int kw_mode(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	if (strcmp(argv[0], "http") == 0)
		ctx->px->mode = PX_MODE_HTTP;
	else if (strcmp(argv[0], "tcp") == 0)
		ctx->px->mode = PX_MODE_TCP;
	else if (strcmp(argv[0], "health") == 0) {
		cfg_alert(ctx, "'mode health' was removed in HAProxy 2.4; use 'monitor-uri' in "
			  "'mode http' instead");
		return -1;
	} else {
		cfg_alert(ctx, "'mode' expects 'http' or 'tcp', got '%s'", argv[0]);
		return -1;
	}
	ctx->px->mode_set = 1;
	return 0;
}

static void dump_mode(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct proxy_conf *base = cfg_dump_base(kw, obj);
	if (px->mode != base->mode)
		cfg_emitv(em, "mode", px->mode == PX_MODE_HTTP ? "http" : "tcp", NULL);
}

/* ---------------------------------------------------------------- retries */

static const struct {
	const char *name;
	unsigned bit;
} retry_on_names[] = {
	{ "none", 0 },
	{ "conn-failure", RETRY_ON_CONN_FAILURE },
	{ "empty-response", RETRY_ON_EMPTY_RESPONSE },
	{ "junk-response", RETRY_ON_JUNK_RESPONSE },
	{ "response-timeout", RETRY_ON_RESP_TIMEOUT },
	{ "0rtt-rejected", RETRY_ON_0RTT_REJECTED },
	{ "all-retryable-errors", RETRY_ON_ALL_RETRYABLE },
};

static const int retry_statuses[] = { 401, 403, 404, 408, 425, 500, 501, 502, 503, 504 };

static int parse_retry_word(struct cfg_ctx *ctx, const char *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(retry_on_names); i++)
		if (strcmp(w, retry_on_names[i].name) == 0) {
			ctx->px->retry_on |= retry_on_names[i].bit;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(retry_statuses); i++)
		if (atoi(w) == retry_statuses[i] && strlen(w) == 3) {
			vec_push(ctx->arena, &ctx->px->retry_on_status, (void *)(intptr_t)retry_statuses[i]);
			return 0;
		}
	cfg_alert(ctx, "'retry-on' : unknown keyword '%s' (expected: none, conn-failure, "
		  "empty-response, junk-response, response-timeout, 0rtt-rejected, "
		  "all-retryable-errors, or one of the status codes 401 403 404 408 425 500 "
		  "501 502 503 504)", w);
	return -1;
}

static int kw_retry_on(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, INT_MAX) < 0)
		return -1;
	ctx->px->retry_on = 0;
	ctx->px->retry_on_status = (struct vec){0};
	int r = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "none") == 0 && argc > 1) {
			cfg_alert(ctx, "'retry-on' : 'none' must be alone");
			return -1;
		}
		r |= parse_retry_word(ctx, argv[i]);
	}
	return r;
}

static int same_retry_on(const struct proxy_conf *a, const struct proxy_conf *b)
{
	if (a->retry_on != b->retry_on || a->retry_on_status.n != b->retry_on_status.n)
		return 0;
	for (int i = 0; i < a->retry_on_status.n; i++)
		if (a->retry_on_status.v[i] != b->retry_on_status.v[i])
			return 0;
	return 1;
}

static void dump_retry_on(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	if (same_retry_on(px, cfg_dump_base(kw, obj)))
		return;
	if (!px->retry_on && !px->retry_on_status.n) {
		cfg_emitv(em, "retry-on", "none", NULL);
		return;
	}
	const char *args[16];
	int n = 0;
	for (size_t i = 1; i + 1 < ARRAY_SIZE(retry_on_names); i++)
		if (px->retry_on & retry_on_names[i].bit)
			args[n++] = retry_on_names[i].name;
	for (int i = 0; i < px->retry_on_status.n && n < 15; i++)
		args[n++] = arena_printf(em->tmp, "%d", (int)(intptr_t)px->retry_on_status.v[i]);
	struct cfg_words w = { n, (char **)args };
	cfg_emitw(em, "retry-on", &w, 0);
}

/* ---------------------------------------------------------------- timeouts */

/* The 1.x names, removed in HAProxy 2.x; say what replaced them. */
static int kw_old_timeout(struct cfg_ctx *ctx, int argc, char **argv)
{
	cfg_alert(ctx, "'%s' was removed; write 'timeout %s %s' instead", ctx->kw,
		  (const char *)ctx->kw_data, argc > 0 ? argv[0] : "<time>");
	return -1;
}

/* ---------------------------------------------------------------- options */

struct px_option {
	const char *name;
	enum px_opt opt;
	unsigned sections;
	const char *help;
};

/*
 * The `option` flags that need no argument and no module of their own.
 * Logging, checks and forwardfor options are registered by their owners.
 */
static const struct px_option px_options[] = {
	{ "http-server-close", PX_OPT_HTTP_SERVER_CLOSE, CFG_SEC_PX, "close the server connection after each response" },
	{ "httpclose", PX_OPT_HTTPCLOSE, CFG_SEC_PX, "close both connections after each response" },
	{ "http-keep-alive", PX_OPT_HTTP_KEEP_ALIVE, CFG_SEC_PX, "keep-alive on both sides (default)" },
	{ "redispatch", PX_OPT_REDISPATCH, CFG_SEC_BE, "retry on another server after a failed connect" },
	{ "abortonclose", PX_OPT_ABORTONCLOSE, CFG_SEC_BE, "abort queued requests whose client left" },
	{ "allbackups", PX_OPT_ALLBACKUPS, CFG_SEC_BE, "use all backup servers at once" },
	{ "tcpka", PX_OPT_TCPKA, CFG_SEC_PX, "TCP keep-alive on both sides" },
	{ "clitcpka", PX_OPT_CLITCPKA, CFG_SEC_FE, "TCP keep-alive on the client side" },
	{ "srvtcpka", PX_OPT_SRVTCPKA, CFG_SEC_BE, "TCP keep-alive on the server side" },
	{ "http-buffer-request", PX_OPT_HTTP_BUFFER_REQUEST, CFG_SEC_PX, "wait for the request body before choosing a server" },
	{ "http-use-proxy-header", PX_OPT_HTTP_USE_PROXY_HEADER, CFG_SEC_FE, "read Proxy-Connection like Connection" },
	{ "http-pretend-keepalive", PX_OPT_HTTP_PRETEND_KEEPALIVE, CFG_SEC_PX, "announce keep-alive to the server" },
	{ "http-no-delay", PX_OPT_HTTP_NO_DELAY, CFG_SEC_PX, "send every byte at once (interactive HTTP)" },
	{ "accept-invalid-http-request", PX_OPT_ACCEPT_INVALID_HTTP_REQUEST, CFG_SEC_FE, "relax request parsing (dangerous)" },
	{ "accept-invalid-http-response", PX_OPT_ACCEPT_INVALID_HTTP_RESPONSE, CFG_SEC_BE, "relax response parsing (dangerous)" },
	{ "splice-auto", PX_OPT_SPLICE_AUTO, CFG_SEC_PX, "splice when it looks worth it" },
	{ "splice-request", PX_OPT_SPLICE_REQUEST, CFG_SEC_PX, "splice requests" },
	{ "splice-response", PX_OPT_SPLICE_RESPONSE, CFG_SEC_PX, "splice responses" },
	{ "nolinger", PX_OPT_NOLINGER, CFG_SEC_PX, "reset connections on close" },
	{ "persist", PX_OPT_PERSIST, CFG_SEC_BE, "keep cookie persistence to a down server" },
	{ "prefer-last-server", PX_OPT_PREFER_LAST_SERVER, CFG_SEC_BE, "reuse the last server of a connection" },
	{ "socket-stats", PX_OPT_SOCKET_STATS, CFG_SEC_FE, "per-listener statistics" },
	{ "transparent", PX_OPT_TRANSPARENT, CFG_SEC_BE, "connect to the original destination" },
	{ "contstats", PX_OPT_CONTSTATS, CFG_SEC_FE, "update byte counters continuously" },
	{ "independent-streams", PX_OPT_INDEPSTR, CFG_SEC_PX, "time out each direction on its own" },
	{ "http-ignore-probes", PX_OPT_HTTP_IGNORE_PROBES, CFG_SEC_FE, "do not log or count empty pre-connects" },
	{ "idle-close-on-response", PX_OPT_IDLE_CLOSE_ON_RESPONSE, CFG_SEC_FE, "close idle front connections on soft stop after a response" },
	{ "disable-h2-upgrade", PX_OPT_DISABLE_H2_UPGRADE, CFG_SEC_FE, "refuse HTTP/1 to HTTP/2 upgrades" },
	{ "h1-case-adjust-bogus-client", PX_OPT_H1_CASE_ADJUST_BOGUS_CLIENT, CFG_SEC_FE, "adjust header case towards clients" },
	{ "h1-case-adjust-bogus-server", PX_OPT_H1_CASE_ADJUST_BOGUS_SERVER, CFG_SEC_BE, "adjust header case towards servers" },
	{ "checkcache", PX_OPT_CHECKCACHE, CFG_SEC_BE, "block cacheable responses carrying cookies" },
};

static const struct px_option *find_option(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(px_options); i++)
		if (strcmp(px_options[i].name, name) == 0)
			return &px_options[i];
	return NULL;
}

/* Sets or clears one option bit and records that this proxy chose it. */
void cfg_px_set_option(struct cfg_ctx *ctx, enum px_opt opt, int on)
{
	uint64_t bit = 1ULL << opt;
	if (on)
		ctx->px->options |= bit;
	else
		ctx->px->options &= ~bit;
	ctx->px->options_set |= bit;
}

/* The HTTP connection modes exclude each other: the last one wins. */
static void clear_http_modes(struct cfg_ctx *ctx, enum px_opt keep)
{
	static const enum px_opt modes[] = { PX_OPT_HTTP_SERVER_CLOSE, PX_OPT_HTTPCLOSE,
					     PX_OPT_HTTP_KEEP_ALIVE };
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (modes[i] != keep)
			ctx->px->options &= ~(1ULL << modes[i]);
}

static int kw_option(struct cfg_ctx *ctx, int argc, char **argv)
{
	const char *name = ctx->kw + strlen("option ");
	const struct px_option *o = find_option(name);
	if (cfg_need_args(ctx, argc, 0, 0) < 0)
		return -1;
	if (!(o->sections & ctx->sec)) {
		cfg_warn(ctx, "'option %s' ignored because %s '%s' has no %s capability", name,
			 cfg_section_name(ctx->sec), ctx->px->name,
			 (o->sections & CFG_SEC_FRONTEND) ? "frontend" : "backend");
		return 0;
	}
	int on = !cfg_is_no(ctx);
	if (on)
		clear_http_modes(ctx, o->opt);
	cfg_px_set_option(ctx, o->opt, on);
	return 0;
}

/* Emits `option X` / `no option X` where the proxy differs from its base. */
static void dump_option(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct proxy_conf *base = cfg_dump_base(kw, obj);
	const struct px_option *o = find_option(kw->name + strlen("option "));
	uint64_t bit = 1ULL << o->opt;
	if ((px->options & bit) == (base->options & bit))
		return;
	if (px->options & bit)
		cfg_emitv(em, kw->name, NULL);
	else
		cfg_emitv(em, "no", kw->name, NULL);
}

/* <addr>[/<bits>|/<dotted mask>] of `except` into ff; -1 when it is not
 * a network (the caller says what to write). */
static int parse_except(const char *text, struct forwardfor_conf *ff)
{
	char buf[INET6_ADDRSTRLEN + 20];
	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	ff->ex_family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	int max = ff->ex_family == AF_INET ? 32 : 128;
	/* HAProxy also takes IPv4's short forms ("10.0.0/8"), as inet_aton */
	if (inet_pton(ff->ex_family, buf, ff->ex_addr) != 1 &&
	    (ff->ex_family != AF_INET || inet_aton(buf, (struct in_addr *)ff->ex_addr) == 0))
		return -1;
	ff->ex_bits = max;
	if (!slash)
		return 0;
	struct in_addr m;
	char *end;
	long bits = strtol(slash, &end, 10);
	if (*slash && !*end && bits >= 0 && bits <= max) {
		ff->ex_bits = (int)bits;
		return 0;
	}
	if (ff->ex_family != AF_INET || inet_pton(AF_INET, slash, &m) != 1)
		return -1;
	uint32_t v = ntohl(m.s_addr);
	int n = __builtin_popcount(v);
	if (n && v != ~0u << (32 - n))
		return -1;   /* not contiguous: no such network */
	ff->ex_bits = n;
	return 0;
}

/* option forwardfor [except <network>] [header <name>] [if-none] */
static int kw_forwardfor(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct forwardfor_conf ff = {0};
	if (cfg_is_no(ctx)) {
		cfg_px_set_option(ctx, PX_OPT_FORWARDFOR, 0);
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "if-none") == 0) {
			ff.if_none = 1;
		} else if ((strcmp(argv[i], "except") == 0 || strcmp(argv[i], "header") == 0) &&
			   i + 1 < argc) {
			char **dst = argv[i][0] == 'e' ? &ff.except : &ff.header;
			*dst = arena_strdup(ctx->arena, argv[++i]);
			if (dst == &ff.except && parse_except(ff.except, &ff) < 0) {
				cfg_alert(ctx, "'option forwardfor' : '%s' is not a network after "
					  "'except' (write an address with an optional mask, such as "
					  "10.0.0.0/8 or 127.0.0.1)", ff.except);
				return -1;
			}
		} else {
			cfg_alert(ctx, "'option forwardfor' : unexpected '%s' (expected: "
				  "[except <network>] [header <name>] [if-none])", argv[i]);
			return -1;
		}
	}
	ctx->px->forwardfor = ff;
	cfg_px_set_option(ctx, PX_OPT_FORWARDFOR, 1);
	return 0;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void dump_forwardfor(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct proxy_conf *base = cfg_dump_base(kw, obj);
	uint64_t bit = 1ULL << PX_OPT_FORWARDFOR;
	if (!(px->options & bit)) {
		if (base->options & bit)
			cfg_emitv(em, "no", kw->name, NULL);
		return;
	}
	if ((base->options & bit) && same_str(px->forwardfor.except, base->forwardfor.except) &&
	    same_str(px->forwardfor.header, base->forwardfor.header) &&
	    px->forwardfor.if_none == base->forwardfor.if_none)
		return;
	const char *a[6];
	int n = 0;
	if (px->forwardfor.except) {
		a[n++] = "except";
		a[n++] = px->forwardfor.except;
	}
	if (px->forwardfor.header) {
		a[n++] = "header";
		a[n++] = px->forwardfor.header;
	}
	if (px->forwardfor.if_none)
		a[n++] = "if-none";
	struct cfg_words w = { n, (char **)a };
	cfg_emitw(em, kw->name, &w, 0);
}

/* option originalto [except <network>] [header <name>] */
static int kw_originalto(struct cfg_ctx *ctx, int argc, char **argv)
{
	int on = !cfg_is_no(ctx);
	for (int i = 0; on && i < argc; i++) {
		if (strcmp(argv[i], "header") == 0 && i + 1 < argc)
			ctx->px->originalto_header = arena_strdup(ctx->arena, argv[++i]);
		else if (strcmp(argv[i], "except") == 0 && i + 1 < argc)
			i++;
		else {
			cfg_alert(ctx, "'option originalto' : unexpected '%s'", argv[i]);
			return -1;
		}
	}
	cfg_px_set_option(ctx, PX_OPT_ORIGINALTO, on);
	return 0;
}

/* ---------------------------------------------------------------- reuse */

static const char *const reuse_names[] = { "safe", "never", "aggressive", "always" };

static int kw_http_reuse(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(reuse_names); i++)
		if (strcmp(argv[0], reuse_names[i]) == 0) {
			ctx->px->http_reuse = (enum http_reuse)i;
			return 0;
		}
	cfg_alert(ctx, "'http-reuse' expects 'never', 'safe', 'aggressive' or 'always', got '%s'",
		  argv[0]);
	return -1;
}

static void dump_http_reuse(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct proxy_conf *base = cfg_dump_base(kw, obj);
	if (px->http_reuse != base->http_reuse)
		cfg_emitv(em, "http-reuse", reuse_names[px->http_reuse], NULL);
}

/* ---------------------------------------------------------------- cookie */

static int cookie_flag(struct cookie_conf *c, const char *w)
{
	static const struct { const char *name; size_t off; } flags[] = {
		{ "indirect", offsetof(struct cookie_conf, indirect) },
		{ "nocache", offsetof(struct cookie_conf, nocache) },
		{ "postonly", offsetof(struct cookie_conf, postonly) },
		{ "preserve", offsetof(struct cookie_conf, preserve) },
		{ "httponly", offsetof(struct cookie_conf, httponly) },
		{ "secure", offsetof(struct cookie_conf, secure) },
		{ "dynamic", offsetof(struct cookie_conf, dynamic) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (strcmp(w, flags[i].name) == 0) {
			*(int *)((char *)c + flags[i].off) = 1;
			return 1;
		}
	return 0;
}

static int cookie_mode(struct cookie_conf *c, const char *w)
{
	static const char *const modes[] = { NULL, "insert", "rewrite", "prefix" };
	for (int i = 1; i < 4; i++)
		if (strcmp(w, modes[i]) == 0) {
			c->mode = (enum cookie_mode)i;
			return 1;
		}
	return 0;
}

/* cookie <name> [rewrite|insert|prefix] [indirect] [nocache] [postonly]
 *        [preserve] [httponly] [secure] [domain <d>]* [maxidle <t>]
 *        [maxlife <t>] [dynamic] [attr <v>]* */
static int kw_cookie(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, INT_MAX) < 0)
		return -1;
	struct cookie_conf c = { .name = arena_strdup(ctx->arena, argv[0]) };
	for (int i = 1; i < argc; i++) {
		if (cookie_flag(&c, argv[i]) || cookie_mode(&c, argv[i]))
			continue;
		if (i + 1 < argc && strcmp(argv[i], "domain") == 0)
			c.domain = arena_strdup(ctx->arena, argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "attr") == 0)
			c.attr = arena_strdup(ctx->arena, argv[++i]);
		else if (i + 1 < argc && (strcmp(argv[i], "maxidle") == 0 || strcmp(argv[i], "maxlife") == 0)) {
			int *dst = argv[i][3] == 'i' ? &c.maxidle : &c.maxlife;
			if (cfg_arg_time(ctx, argv[++i], dst) < 0)
				return -1;
		} else {
			cfg_alert(ctx, "'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', "
				  "'nocache', 'postonly', 'domain', 'maxidle', 'maxlife', 'dynamic', "
				  "'attr', 'preserve', 'httponly' and 'secure' options, got '%s'", argv[i]);
			return -1;
		}
	}
	if (c.mode == COOKIE_NONE && (c.indirect || c.nocache || c.postonly))
		cfg_warn(ctx, "'cookie %s' : 'indirect', 'nocache' and 'postonly' only apply to "
			 "'insert' (add 'insert' to let weir set the cookie)", c.name);
	c.src = cfg_words_dup(ctx->arena, argc, argv);
	ctx->px->cookie = c;
	return 0;
}

static void dump_cookie(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct proxy_conf *base = cfg_dump_base(kw, obj);
	if (px->cookie.name && px->cookie.src.w != base->cookie.src.w)
		cfg_emitw(em, "cookie", &px->cookie.src, 0);
}

/* ---------------------------------------------------------------- identity */

static int kw_description(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct sbuf b = {0};
	for (int i = 0; i < argc; i++) {
		if (i)
			sbuf_addc(&b, ' ');
		sbuf_adds(&b, argv[i]);
	}
	ctx->px->description = arena_strdup(ctx->arena, sbuf_str(&b));
	sbuf_free(&b);
	return 0;
}

static int kw_disabled(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 0) < 0)
		return -1;
	ctx->px->disabled = strcmp(ctx->kw, "disabled") == 0;
	return 0;
}

static int kw_id(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	return cfg_arg_int(ctx, argv[0], 1, INT_MAX, &ctx->px->id);
}

static void dump_disabled(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	if (px->disabled)
		cfg_emitv(em, "disabled", NULL);
}

static void dump_description(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	if (px->description)
		cfg_emitv(em, "description", px->description, NULL);
}

static void dump_id(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	if (px->id)
		cfg_emitv(em, "id", arena_printf(em->tmp, "%d", px->id), NULL);
}

/* ---------------------------------------------------------------- finish */

/* A mode http frontend handing traffic to a mode tcp backend (or the
 * reverse) cannot work; HAProxy refuses it, and so does weir. */
static void proxy_finish(struct cfg *cfg)
{
	struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, struct proxy_conf *, px) {
		if ((px->cap & PX_CAP_FE) && !px->binds.n && !px->disabled)
			cfg_diag_at(cfg, CFG_WARNING, &px->loc, "%s '%s' has no 'bind' line: it will "
				    "not accept any connection",
				    (px->cap & PX_CAP_BE) ? "listen" : "frontend", px->name);
		if ((px->cap & PX_CAP_FE) && px->timeout.client == TIME_UNSET)
			cfg_diag_at(cfg, CFG_WARNING, &px->loc,
				    "missing timeouts for %s '%s'. | While not properly invalid, you "
				    "will certainly encounter various problems with such a "
				    "configuration. To fix this, please ensure that all following "
				    "timeouts are set to a non-zero value: 'client', 'connect', "
				    "'server'.", (px->cap & PX_CAP_BE) ? "proxy" : "frontend", px->name);
		else if ((px->cap & PX_CAP_BE) && (px->timeout.connect == TIME_UNSET ||
						   px->timeout.server == TIME_UNSET))
			cfg_diag_at(cfg, CFG_WARNING, &px->loc,
				    "missing timeouts for %s '%s'. | While not properly invalid, you "
				    "will certainly encounter various problems with such a "
				    "configuration. To fix this, please ensure that all following "
				    "timeouts are set to a non-zero value: 'client', 'connect', "
				    "'server'.", (px->cap & PX_CAP_FE) ? "proxy" : "backend", px->name);
	}
}

#define PX CFG_SEC_PX
#define OPT(name, help) { "option " name, PX | CFG_KW_ALLOW_NO, kw_option, dump_option, "", help, 0 }
#define TIMEOUT(name, f, help) \
	{ "timeout " name, PX, cfg_set_time, cfg_dump_time, "<time>", help, T(f) }

static const struct cfg_kw proxy_kws[] = {
	{ "mode", PX, kw_mode, dump_mode, "http|tcp", "the protocol the proxy speaks", 0 },
	{ "description", PX, kw_description, dump_description, "<text>", "a description for the stats", 0 },
	{ "id", CFG_SEC_FRONTEND | CFG_SEC_BACKEND | CFG_SEC_LISTEN, kw_id, dump_id, "<number>",
	  "a fixed numeric id (stats iid)", 0 },
	{ "disabled", PX, kw_disabled, dump_disabled, "", "declare the proxy but do not start it", 0 },
	{ "enabled", PX, kw_disabled, NULL, "", "undo 'disabled' from a defaults section", 0 },
	{ "maxconn", CFG_SEC_FE, cfg_set_int, cfg_dump_int, "<number>",
	  "maximum concurrent connections of the frontend", P(maxconn) },
	{ "fullconn", CFG_SEC_BE, cfg_set_int, cfg_dump_int, "<number>",
	  "backend load at which servers reach their maxconn (dynamic minconn)", P(fullconn) },
	{ "backlog", CFG_SEC_FE, cfg_set_int, cfg_dump_int, "<number>",
	  "listen queue length of the binds", P(backlog) },
	{ "retries", CFG_SEC_BE, cfg_set_int, cfg_dump_int, "<number>",
	  "connection attempts to a server after the first (default 3)", P(retries) },
	{ "retry-on", CFG_SEC_BE, kw_retry_on, dump_retry_on, "<keyword>...",
	  "which failures a request is retried on", 0 },
	TIMEOUT("client", client, "inactivity timeout on the client side"),
	TIMEOUT("client-fin", client_fin, "inactivity timeout on a half-closed client side"),
	TIMEOUT("server", server, "inactivity timeout on the server side"),
	TIMEOUT("server-fin", server_fin, "inactivity timeout on a half-closed server side"),
	TIMEOUT("connect", connect, "time to establish a connection to a server"),
	TIMEOUT("queue", queue, "longest wait in a queue for a free server slot"),
	TIMEOUT("tunnel", tunnel, "inactivity timeout of tunnels (WebSocket, CONNECT, TCP)"),
	TIMEOUT("http-request", http_request, "time to receive a complete request head"),
	TIMEOUT("http-keep-alive", http_keep_alive, "time to wait for the next request"),
	TIMEOUT("tarpit", tarpit, "how long a tarpitted connection is held"),
	TIMEOUT("check", check, "read timeout of health checks once connected"),
	{ "contimeout", PX, kw_old_timeout, NULL, "<time>", "removed: use 'timeout connect'", (uintptr_t)"connect" },
	{ "clitimeout", PX, kw_old_timeout, NULL, "<time>", "removed: use 'timeout client'", (uintptr_t)"client" },
	{ "srvtimeout", PX, kw_old_timeout, NULL, "<time>", "removed: use 'timeout server'", (uintptr_t)"server" },
	{ "option forwardfor", PX | CFG_KW_ALLOW_NO, kw_forwardfor, dump_forwardfor,
	  "[except <network>] [header <name>] [if-none]", "add the client address in X-Forwarded-For", 0 },
	{ "option originalto", PX | CFG_KW_ALLOW_NO, kw_originalto, NULL, "[except <network>] [header <name>]",
	  "add the original destination in X-Original-To", 0 },
	OPT("http-server-close", "close the server connection after each response"),
	OPT("httpclose", "close both connections after each response"),
	OPT("http-keep-alive", "keep-alive on both sides (default)"),
	OPT("redispatch", "retry on another server after a failed connect"),
	OPT("abortonclose", "abort queued requests whose client left"),
	OPT("allbackups", "use all backup servers at once"),
	OPT("tcpka", "TCP keep-alive on both sides"),
	OPT("clitcpka", "TCP keep-alive on the client side"),
	OPT("srvtcpka", "TCP keep-alive on the server side"),
	OPT("http-buffer-request", "wait for the request body before choosing a server"),
	OPT("http-use-proxy-header", "read Proxy-Connection like Connection"),
	OPT("http-pretend-keepalive", "announce keep-alive to the server"),
	OPT("http-no-delay", "send every byte at once (interactive HTTP)"),
	OPT("accept-invalid-http-request", "relax request parsing (dangerous)"),
	OPT("accept-invalid-http-response", "relax response parsing (dangerous)"),
	OPT("splice-auto", "splice when it looks worth it"),
	OPT("splice-request", "splice requests"),
	OPT("splice-response", "splice responses"),
	OPT("nolinger", "reset connections on close"),
	OPT("persist", "keep cookie persistence to a down server"),
	OPT("prefer-last-server", "reuse the last server of a connection"),
	OPT("socket-stats", "per-listener statistics"),
	OPT("transparent", "connect to the original destination"),
	OPT("contstats", "update byte counters continuously"),
	OPT("independent-streams", "time out each direction on its own"),
	OPT("http-ignore-probes", "do not log or count empty pre-connects"),
	OPT("idle-close-on-response", "close idle front connections after a response on soft stop"),
	OPT("disable-h2-upgrade", "refuse HTTP/1 to HTTP/2 upgrades"),
	OPT("h1-case-adjust-bogus-client", "adjust header case towards clients"),
	OPT("h1-case-adjust-bogus-server", "adjust header case towards servers"),
	OPT("checkcache", "block cacheable responses carrying cookies"),
	{ "http-reuse", CFG_SEC_BE, kw_http_reuse, dump_http_reuse, "never|safe|aggressive|always",
	  "when idle server connections are shared between requests", 0 },
	{ "cookie", CFG_SEC_BE, kw_cookie, dump_cookie,
	  "<name> [insert|rewrite|prefix] [indirect] [nocache] [postonly] [preserve] [httponly] "
	  "[secure] [domain <d>] [maxidle <t>] [maxlife <t>] [dynamic] [attr <v>]",
	  "cookie-based server persistence", 0 },
	{ "server-state-file-name", CFG_SEC_BE, cfg_set_str, cfg_dump_str, "[<file>|use-backend-name]",
	  "where this backend's server states are loaded from", P(server_state_file_name) },
};

const struct cfg_kw_table cfg_proxy_kw_table = {
	"proxy", proxy_kws, (int)ARRAY_SIZE(proxy_kws), proxy_finish
};
