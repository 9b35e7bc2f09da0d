/*
 * Keywords of the log subsystem: `log`, `log-tag`, `log-send-hostname`,
 * `log-format` and its relatives, the logging `option`s, `capture`,
 * `unique-id-*`. Runs in the master at load time; fills the logging fields
 * of struct cfg_global and struct proxy_conf (cfg-t.h) and compiles every
 * format once (logfmt.c). The finish hook applies HAProxy 2.6's checks that
 * need the whole model: HTTP-only variables outside HTTP mode, and formats
 * that can never be logged because the proxy has no log target.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "weir/kwtables.h"
#include "weir/logfmt.h"

#define OPT_BIT(o) ((uint64_t)1 << (o))

/* HAProxy's word for a proxy in messages ("proxy" is a listen section). */
static const char *px_kind(const struct proxy_conf *px)
{
	if (px->cap & PX_CAP_DEF)
		return "defaults";
	if ((px->cap & (PX_CAP_FE | PX_CAP_BE)) == (PX_CAP_FE | PX_CAP_BE))
		return "proxy";
	return (px->cap & PX_CAP_FE) ? "frontend" : "backend";
}

/* One argument exactly, or HAProxy's messages. */
static int need_one(struct cfg_ctx *ctx, int argc)
{
	if (argc < 1) {
		cfg_alert(ctx, "'%s' expects an argument.", ctx->kw);
		return -1;
	}
	if (argc > 1) {
		cfg_alert(ctx, "'%s' expects only one argument, don't forget to escape spaces!", ctx->kw);
		return -1;
	}
	return 0;
}

static int no_args(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc == 0)
		return 0;
	cfg_alert(ctx, "'%s' cannot handle unexpected argument '%s'.", ctx->kw, argv[0]);
	return -1;
}

/* Is s set here rather than inherited from the defaults section? */
static int str_set_here(const struct proxy_conf *px, const char *s, size_t off)
{
	const char *parent = px->defaults ? *(char *const *)((const char *)px->defaults + off) : NULL;
	return s && s != parent;
}

/* ------------------------------------------------------------ log */

static int parse_global_log(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct cfg_global *g = &ctx->cfg->global;
	if (cfg_is_no(ctx)) {
		if (argc) {
			cfg_alert(ctx, "'no log' does not expect arguments");
			return -1;
		}
		g->logs = (struct vec){ 0 };
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "global") == 0) {
		cfg_alert(ctx, "'log' : 'global' is not supported for a global syslog server");
		return -1;
	}
	struct log_target *t = arena_alloc(ctx->arena, sizeof(*t));
	if (log_target_parse(ctx, argc, argv, t) < 0)
		return -1;
	vec_push(ctx->arena, &g->logs, t);
	return 0;
}

static int has_global_ref(const struct vec *logs)
{
	const struct log_target *t;
	VEC_EACH(logs, const struct log_target *, t)
		if (t->is_global)
			return 1;
	return 0;
}

static int parse_px_log(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct proxy_conf *px = ctx->px;
	if (cfg_is_no(ctx)) {
		if (argc) {
			cfg_alert(ctx, "'no log' does not expect arguments");
			return -1;
		}
		px->logs = (struct vec){ 0 };   /* drop inherited targets too */
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "global") == 0) {
		if (has_global_ref(&px->logs))
			return 0;   /* HAProxy adds the global targets once */
		struct log_target *g = arena_alloc(ctx->arena, sizeof(*g));
		g->loc = ctx->loc;
		g->is_global = 1;
		g->level = g->minlevel = -1;
		vec_push(ctx->arena, &px->logs, g);
		return 0;
	}
	struct log_target *t = arena_alloc(ctx->arena, sizeof(*t));
	if (log_target_parse(ctx, argc, argv, t) < 0)
		return -1;
	vec_push(ctx->arena, &px->logs, t);
	return 0;
}

static void dump_global_log(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	const struct log_target *t;
	VEC_EACH(&g->logs, const struct log_target *, t)
		log_target_dump(em, t);
}

/* A proxy's own targets: those after the prefix it shares with its
 * defaults; when the prefix was dropped (`no log`), say so first. */
static void dump_px_log(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct vec *parent = px->defaults ? &px->defaults->logs : NULL;
	int from = 0;
	if (parent && parent->n) {
		while (from < parent->n && from < px->logs.n && px->logs.v[from] == parent->v[from])
			from++;
		if (from < parent->n) {
			cfg_emitv(em, "no", "log", NULL);
			from = 0;
		}
	}
	for (int i = from; i < px->logs.n; i++)
		log_target_dump(em, px->logs.v[i]);
}

/* ------------------------------------------------------------ tags */

static int parse_global_log_tag(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc != 1) {
		cfg_alert(ctx, "'log-tag' expects a tag for use in syslog.");
		return -1;
	}
	ctx->cfg->global.log_tag = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

static void dump_global_log_tag(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	if (g->log_tag)
		cfg_emitv(em, "log-tag", g->log_tag, NULL);
}

static int parse_log_send_hostname(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc > 1) {
		cfg_alert(ctx, "'log-send-hostname' cannot handle unexpected argument '%s'.", argv[1]);
		return -1;
	}
	/* "" means the system's host name, read when logging starts */
	ctx->cfg->global.log_send_hostname = arena_strdup(ctx->arena, argc ? argv[0] : "");
	return 0;
}

static void dump_log_send_hostname(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	if (!g->log_send_hostname)
		return;
	if (*g->log_send_hostname)
		cfg_emitv(em, "log-send-hostname", g->log_send_hostname, NULL);
	else
		cfg_emitv(em, "log-send-hostname", NULL);
}

static int parse_px_log_tag(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc != 1) {
		cfg_alert(ctx, "'log-tag' requires an argument (the tag for use in syslog).");
		return -1;
	}
	ctx->px->log_tag = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

static void dump_px_log_tag(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	if (str_set_here(px, px->log_tag, offsetof(struct proxy_conf, log_tag)))
		cfg_emitv(em, "log-tag", px->log_tag, NULL);
}

/* ------------------------------------------------------------ formats */

/* The name of the directive that set the current format, for messages. */
static const char *format_origin(const char *fmt)
{
	if (fmt == logfmt_httplog)
		return "option httplog";
	if (fmt == logfmt_clf)
		return "option httplog clf";
	if (fmt == logfmt_httpslog)
		return "option httpslog";
	if (fmt == logfmt_tcplog)
		return "option tcplog";
	return "log-format";
}

/*
 * Sets the proxy's log format to fmt (a built-in string or the user's),
 * with HAProxy's warnings: overriding a format within a `defaults`
 * section, and formats in backends, which never log on their own.
 */
static int set_log_format(struct cfg_ctx *ctx, const char *fmt, const char *what)
{
	struct proxy_conf *px = ctx->px;
	if (px->log_format && (px->cap & PX_CAP_DEF))
		cfg_warn(ctx, "'%s' overrides previous '%s' in 'defaults' section.", what,
			 format_origin(px->log_format));
	struct logfmt *lf = logfmt_compile(ctx, fmt, SMP_AT_LOG);
	if (!lf)
		return -1;
	px->log_format = (char *)fmt;
	px->log_format_c = lf;
	px->log_format_loc = ctx->loc;
	px->options &= ~(OPT_BIT(PX_OPT_HTTPLOG) | OPT_BIT(PX_OPT_TCPLOG));
	if (fmt == logfmt_httplog || fmt == logfmt_clf || fmt == logfmt_httpslog)
		px->options |= OPT_BIT(PX_OPT_HTTPLOG);
	else if (fmt == logfmt_tcplog)
		px->options |= OPT_BIT(PX_OPT_TCPLOG);
	if (!(px->cap & (PX_CAP_FE | PX_CAP_DEF)))
		cfg_warn(ctx, "backend '%s' : '%s' directive is ignored in backends.", px->name, what);
	return 0;
}

static int parse_log_format(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (need_one(ctx, argc) < 0)
		return -1;
	return set_log_format(ctx, arena_strdup(ctx->arena, argv[0]), "log-format");
}

static int parse_option_httplog(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc > 0 && strcmp(argv[0], "clf") != 0) {
		cfg_alert(ctx, "keyword 'httplog' only supports option 'clf'.");
		return -1;
	}
	if (argc > 1)
		return no_args(ctx, argc - 1, argv + 1);
	ctx->px->options_set |= OPT_BIT(PX_OPT_HTTPLOG);
	return set_log_format(ctx, argc ? logfmt_clf : logfmt_httplog,
			      argc ? "option httplog clf" : "option httplog");
}

static int parse_option_httpslog(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (no_args(ctx, argc, argv) < 0)
		return -1;
	ctx->px->options_set |= OPT_BIT(PX_OPT_HTTPLOG);
	return set_log_format(ctx, logfmt_httpslog, "option httpslog");
}

static int parse_option_tcplog(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (no_args(ctx, argc, argv) < 0)
		return -1;
	ctx->px->options_set |= OPT_BIT(PX_OPT_TCPLOG);
	return set_log_format(ctx, logfmt_tcplog, "option tcplog");
}

/* The effective format, written once: by the directive that set it. */
static void dump_log_format(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct proxy_conf *base = cfg_dump_base(kw, obj);
	const char *fmt = px->log_format;
	if (!fmt || fmt == base->log_format)
		return;
	if (fmt == logfmt_clf)
		cfg_emitv(em, "option httplog", "clf", NULL);
	else if (fmt == logfmt_httplog || fmt == logfmt_httpslog || fmt == logfmt_tcplog)
		cfg_emitv(em, format_origin(fmt), NULL);
	else
		cfg_emitv(em, "log-format", fmt, NULL);
}

/* A format kept beside the main one: error-log-format, log-format-sd. */
static int parse_side_format(struct cfg_ctx *ctx, int argc, char **argv, char **text,
			     struct logfmt **compiled)
{
	if (need_one(ctx, argc) < 0)
		return -1;
	struct logfmt *lf = logfmt_compile(ctx, argv[0], SMP_AT_LOG);
	if (!lf)
		return -1;
	*text = arena_strdup(ctx->arena, argv[0]);
	*compiled = lf;
	return 0;
}

static int parse_error_log_format(struct cfg_ctx *ctx, int argc, char **argv)
{
	return parse_side_format(ctx, argc, argv, &ctx->px->error_log_format,
				 &ctx->px->error_log_format_c);
}

static int parse_log_format_sd(struct cfg_ctx *ctx, int argc, char **argv)
{
	return parse_side_format(ctx, argc, argv, &ctx->px->log_format_sd,
				 &ctx->px->log_format_sd_c);
}

static void dump_str_field(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const char *s = *(char *const *)((const char *)px + kw->data);
	if (str_set_here(px, s, kw->data))
		cfg_emitv(em, kw->name, s, NULL);
}

/* ------------------------------------------------------------ unique id */

static int parse_unique_id_format(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (need_one(ctx, argc) < 0)
		return -1;
	struct logfmt *lf = logfmt_compile(ctx, argv[0], SMP_AT_LOG | SMP_AT_HTTP_REQ);
	if (!lf)
		return -1;
	ctx->px->unique_id_format = arena_strdup(ctx->arena, argv[0]);
	ctx->px->unique_id_format_c = lf;
	return 0;
}

static int parse_unique_id_header(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc != 1) {
		cfg_alert(ctx, "'unique-id-header' expects an argument (a header name).");
		return -1;
	}
	ctx->px->unique_id_header = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

/* ------------------------------------------------------------ options */

/* `option X` / `no option X` for the plain logging flags; kw->data is the
 * enum px_opt bit. */
static int parse_option_flag(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (no_args(ctx, argc, argv) < 0)
		return -1;
	cfg_px_set_option(ctx, (enum px_opt)ctx->kw_data, !cfg_is_no(ctx));
	return 0;
}

static void dump_option_flag(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct proxy_conf *base = cfg_dump_base(kw, obj);
	uint64_t bit = OPT_BIT(kw->data);
	if ((px->options & bit) == (base->options & bit))
		return;
	if (px->options & bit)
		cfg_emitv(em, kw->name, NULL);
	else
		cfg_emitv(em, "no", kw->name, NULL);
}

/* ------------------------------------------------------------ captures */

/* `capture` lives in frontends: an error in `defaults`, ignored with a
 * warning in a backend, as in HAProxy. Returns 1 to go on, 0 to ignore,
 * -1 on error. */
static int capture_allowed(struct cfg_ctx *ctx)
{
	if (ctx->px->cap & PX_CAP_DEF) {
		cfg_alert(ctx, "'%s' not allowed in 'defaults' section.", ctx->kw);
		return -1;
	}
	if (!(ctx->px->cap & PX_CAP_FE)) {
		cfg_warn(ctx, "'%s' ignored because %s '%s' has no frontend capability.", ctx->kw,
			 px_kind(ctx->px), ctx->px->name);
		return 0;
	}
	return 1;
}

static int parse_capture(struct cfg_ctx *ctx, int argc, char **argv)
{
	int is_cookie = strcmp(ctx->kw, "capture cookie") == 0;
	long len;
	char *end;
	if (argc != 3 || strcmp(argv[1], "len") != 0) {
		cfg_alert(ctx, "'%s' expects <%s> 'len' <len>.", ctx->kw,
			  is_cookie ? "cookie_name" : "header name");
		return -1;
	}
	len = strtol(argv[2], &end, 10);
	if (*end || len <= 0 || len > 65535) {
		cfg_alert(ctx, "'%s' : invalid length '%s', expects a positive number.", ctx->kw, argv[2]);
		return -1;
	}
	int ok = capture_allowed(ctx);
	if (ok <= 0)
		return ok;
	if (is_cookie && len > 63) {
		cfg_warn(ctx, "cookie capture length must not be greater than 63, truncating to 63.");
		len = 63;
	}
	struct capture_conf *c = arena_alloc(ctx->arena, sizeof(*c));
	c->is_response = strcmp(ctx->kw, "capture response header") == 0;
	c->is_cookie = is_cookie;
	c->name = arena_strdup(ctx->arena, argv[0]);
	c->len = (int)len;
	vec_push(ctx->arena, &ctx->px->captures, c);
	return 0;
}

/* Every capture, in order: the order numbers the captured headers of %hr. */
static void dump_captures(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct capture_conf *c;
	VEC_EACH(&px->captures, const struct capture_conf *, c) {
		const char *name = c->is_cookie ? "capture cookie"
				  : c->is_response ? "capture response header" : "capture request header";
		cfg_emitv(em, name, c->name, "len", arena_printf(em->tmp, "%d", c->len), NULL);
	}
}

/* ------------------------------------------------------------ finish */

static int has_log_target(const struct cfg *cfg, const struct proxy_conf *px)
{
	const struct log_target *t;
	VEC_EACH(&px->logs, const struct log_target *, t)
		if (!t->is_global || cfg->global.logs.n > 0)
			return 1;
	return 0;
}

/* Outside HTTP mode: the httplog formats fall back to tcplog; a custom
 * format using an HTTP-only variable is an error (HAProxy 2.6). */
static void check_format_mode(struct cfg *cfg, struct proxy_conf *px)
{
	const char *var;
	if (px->mode == PX_MODE_HTTP)
		return;
	if (px->log_format == logfmt_httplog || px->log_format == logfmt_clf ||
	    px->log_format == logfmt_httpslog) {
		cfg_diag_at(cfg, CFG_WARNING, &px->log_format_loc,
			    "'%s' not usable with %s '%s' (needs 'mode http'). Falling back to 'option tcplog'.",
			    format_origin(px->log_format), px_kind(px), px->name);
		struct cfg_ctx c = { .cfg = cfg, .arena = cfg->arena, .sec = CFG_SEC_FRONTEND,
				     .loc = px->log_format_loc, .kw = "option tcplog", .px = px };
		px->log_format = (char *)logfmt_tcplog;
		px->log_format_c = logfmt_compile(&c, logfmt_tcplog, SMP_AT_LOG);
		px->options = (px->options & ~OPT_BIT(PX_OPT_HTTPLOG)) | OPT_BIT(PX_OPT_TCPLOG);
	} else if ((var = logfmt_first_http_var(px->log_format_c)) != NULL) {
		cfg_diag_at(cfg, CFG_ALERT, &px->log_format_loc,
			    "failed to parse log-format : format variable '%s' is reserved for HTTP mode "
			    "(%s '%s' is not in 'mode http').", var, px_kind(px), px->name);
	}
	if ((var = logfmt_first_http_var(px->unique_id_format_c)) != NULL)
		cfg_diag_at(cfg, CFG_ALERT, &px->unique_id_format_c->loc,
			    "failed to parse unique-id : format variable '%s' is reserved for HTTP mode "
			    "(%s '%s' is not in 'mode http').", var, px_kind(px), px->name);
}

static void log_finish(struct cfg *cfg)
{
	struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, struct proxy_conf *, px) {
		if (!(px->cap & PX_CAP_FE) || px->disabled)
			continue;
		check_format_mode(cfg, px);
		if (px->log_format && !has_log_target(cfg, px))
			cfg_diag_at(cfg, CFG_WARNING, NULL,
				    "log format ignored for %s '%s' since it has no log address.",
				    px_kind(px), px->name);
	}
}

/* ------------------------------------------------------------ table */

#define PXOFF(f) offsetof(struct proxy_conf, f)

static const struct cfg_kw log_kws[] = {
	{ "log", CFG_SEC_GLOBAL | CFG_KW_ALLOW_NO, parse_global_log, dump_global_log,
	  "<target> [len <n>] [format <fmt>] [sample <ranges>:<size>] <facility> [<level> [<minlevel>]]",
	  "send the process's logs to a syslog target, stdout or stderr", 0 },
	{ "log-tag", CFG_SEC_GLOBAL, parse_global_log_tag, dump_global_log_tag, "<tag>",
	  "syslog tag of every log line (default: the program name)", 0 },
	{ "log-send-hostname", CFG_SEC_GLOBAL, parse_log_send_hostname, dump_log_send_hostname,
	  "[<name>]", "put a host name in the syslog header", 0 },
	{ "log", CFG_SEC_PX | CFG_KW_ALLOW_NO, parse_px_log, dump_px_log,
	  "global | <target> [len <n>] [format <fmt>] [sample <ranges>:<size>] <facility> [<level> [<minlevel>]]",
	  "where this proxy's traffic logs go; `log global` uses the global targets, `no log` none", 0 },
	{ "log-tag", CFG_SEC_PX, parse_px_log_tag, dump_px_log_tag, "<tag>",
	  "syslog tag of this proxy's log lines", 0 },
	{ "log-format", CFG_SEC_PX, parse_log_format, dump_log_format, "<format>",
	  "format of the traffic log lines (%-variables and %[samples])", 0 },
	{ "option httplog", CFG_SEC_PX, parse_option_httplog, NULL, "[clf]",
	  "log HTTP requests in HAProxy's HTTP format (or the Common Log Format)", 0 },
	{ "option httpslog", CFG_SEC_PX, parse_option_httpslog, NULL, "",
	  "log HTTP requests with TLS details", 0 },
	{ "option tcplog", CFG_SEC_PX, parse_option_tcplog, NULL, "",
	  "log TCP sessions in HAProxy's TCP format", 0 },
	{ "error-log-format", CFG_SEC_PX, parse_error_log_format, dump_str_field, "<format>",
	  "format of the lines logged for connection errors", PXOFF(error_log_format) },
	{ "log-format-sd", CFG_SEC_PX, parse_log_format_sd, dump_str_field, "<format>",
	  "RFC 5424 structured-data part of the log lines", PXOFF(log_format_sd) },
	{ "option dontlognull", CFG_SEC_PX | CFG_KW_ALLOW_NO, parse_option_flag, dump_option_flag, "",
	  "do not log connections that carried no data", PX_OPT_DONTLOGNULL },
	{ "option dontlog-normal", CFG_SEC_PX | CFG_KW_ALLOW_NO, parse_option_flag, dump_option_flag, "",
	  "log only errors, timeouts and unusual sessions", PX_OPT_DONTLOG_NORMAL },
	{ "option log-separate-errors", CFG_SEC_PX | CFG_KW_ALLOW_NO, parse_option_flag, dump_option_flag, "",
	  "raise the level of lines about errors to 'err'", PX_OPT_LOG_SEPARATE_ERRORS },
	{ "option log-health-checks", CFG_SEC_PX | CFG_KW_ALLOW_NO, parse_option_flag, dump_option_flag, "",
	  "log every health check state change, not only up/down", PX_OPT_LOG_HEALTH_CHECKS },
	{ "option logasap", CFG_SEC_PX | CFG_KW_ALLOW_NO, parse_option_flag, dump_option_flag, "",
	  "log as soon as the response headers are received, before the end of the transfer",
	  PX_OPT_LOGASAP },
	{ "capture request header", CFG_SEC_PX, parse_capture, dump_captures, "<name> len <n>",
	  "capture a request header for the logs (%hr)", 0 },
	{ "capture response header", CFG_SEC_PX, parse_capture, NULL, "<name> len <n>",
	  "capture a response header for the logs (%hs)", 0 },
	{ "capture cookie", CFG_SEC_PX, parse_capture, NULL, "<name> len <n>",
	  "capture a request and response cookie for the logs (%CC, %CS)", 0 },
	{ "unique-id-format", CFG_SEC_FE, parse_unique_id_format, dump_str_field, "<format>",
	  "format of the unique request id (%ID)", PXOFF(unique_id_format) },
	{ "unique-id-header", CFG_SEC_FE, parse_unique_id_header, dump_str_field, "<name>",
	  "request header that carries the unique id to the server", PXOFF(unique_id_header) },
};

const struct cfg_kw_table log_kw_table = { "log", log_kws, (int)ARRAY_SIZE(log_kws), log_finish };
