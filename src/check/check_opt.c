/*
 * The `option ...check` keywords that choose a proxy's check kind
 * (`option httpchk`, `option tcp-check`, the built-in protocol checks) and
 * `external-check command|path`. As in HAProxy the last check option of a
 * proxy wins. Runs in the master while loading and dumping.
 */
#include <string.h>

#include "check_int.h"

static void set_kind(struct cfg_ctx *ctx, enum check_kind kind)
{
	ctx->px->check_kind = kind;
	ctx->px->check_opt_src = cfg_words_dup(ctx->arena, ctx->line.n, ctx->line.w);
}

/* ----------------------------------------------------------- option httpchk */

/* "Name: value" lines (CR LF separated) hidden after the version. */
static int hidden_headers(struct cfg_ctx *ctx, const char *text, struct vec *hdrs, struct sbuf *hint)
{
	const char *p = text;
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		if (!colon || colon == p) {
			cfg_alert(ctx, "'option httpchk' : unable to parse the request '%s' (expects "
				  "'Name: value' header lines after the version).", text);
			return -1;
		}
		struct check_hdr *h = arena_alloc(ctx->arena, sizeof(*h));
		const char *v = colon + 1, *end = p + len;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		h->name = arena_strndup(ctx->arena, p, (size_t)(colon - p));
		h->value = arena_strndup(ctx->arena, v, (size_t)(end - v));
		vec_push(ctx->arena, hdrs, h);
		sbuf_printf(hint, " hdr %s %s", h->name, h->value);
		p = eol ? eol + 2 : p + len;
	}
	return 0;
}

/* The deprecated form: `option httpchk GET / HTTP/1.1\r\nHost:\ x`. After
 * lexing the version word holds CR LF and the headers (and maybe a body
 * after an empty line); HAProxy accepts it with a warning. */
static int httpchk_split_version(struct cfg_ctx *ctx, struct check_rule *r, char *ver)
{
	struct proxy_conf *px = ctx->px;
	char *body = strstr(ver, "\r\n\r\n");
	char *hdrs = strstr(ver, "\r\n");
	struct sbuf hint = {0};
	if (!hdrs)
		return 0;
	px->httpchk_extra = arena_strdup(ctx->arena, hdrs + 2);
	if (body) {
		*body = '\0';
		px->httpchk_body = arena_strdup(ctx->arena, body + 4);
		r->send.body = px->httpchk_body;
	}
	*hdrs = '\0';
	if (hdrs != body && hidden_headers(ctx, hdrs + 2, &r->send.hdrs, &hint) < 0) {
		sbuf_free(&hint);
		return -1;
	}
	px->httpchk_hdrs = r->send.hdrs;
	cfg_warn(ctx, "'option httpchk' : hiding headers or body at the end of the version string is "
		 "deprecated. Please, consider to use 'http-check send' directive instead%s%s%s.",
		 hint.len ? " (here: 'http-check send" : "", sbuf_str(&hint), hint.len ? "')" : "");
	sbuf_free(&hint);
	return 0;
}

int chk_kw_httpchk(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct proxy_conf *px = ctx->px;
	if (cfg_need_args(ctx, argc, 0, 3) < 0)
		return -1;
	struct check_rule *r = arena_alloc(ctx->arena, sizeof(*r));
	r->loc = ctx->loc;
	r->action = CHECK_ACT_SEND;
	r->send.type = CHECK_SEND_HTTP;
	r->send.from_option = 1;
	/* one word is the URI; two or three start with the method */
	char *meth = argc >= 2 ? argv[0] : NULL;
	char *uri = argc == 1 ? argv[0] : argc >= 2 ? argv[1] : NULL;
	char *ver = argc == 3 ? arena_strdup(ctx->arena, argv[2]) : NULL;
	chk_own_rules(px, 1);       /* drops the inherited request and rules */
	px->httpchk_extra = px->httpchk_body = NULL;
	px->httpchk_hdrs = (struct vec){0};
	if (ver && httpchk_split_version(ctx, r, ver) < 0)
		return -1;
	r->send.meth = meth ? arena_strdup(ctx->arena, meth) : NULL;
	r->send.uri = uri ? arena_strdup(ctx->arena, uri) : NULL;
	r->send.ver = ver;
	px->httpchk_method = r->send.meth;
	px->httpchk_uri = r->send.uri;
	px->httpchk_version = ver;
	set_kind(ctx, CHECK_KIND_HTTP);
	px->httpchk_src = px->check_opt_src;
	chk_add_httpchk_rule(ctx, r);
	return 0;
}

/* ------------------------------------------------------- the other kinds */

int chk_kw_tcp_check(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 0) < 0)
		return -1;
	/* Coming from another kind, HAProxy uses the proxy's own tcp-check
	 * ruleset, never the one of the defaults section. */
	if (ctx->px->check_kind != CHECK_KIND_TCPCHECK)
		chk_own_rules(ctx->px, 0);
	set_kind(ctx, CHECK_KIND_TCPCHECK);
	return 0;
}

int chk_kw_simple_check(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 0) < 0)
		return -1;
	set_kind(ctx, (enum check_kind)ctx->kw_data);
	return 0;
}

int chk_kw_mysql_check(struct cfg_ctx *ctx, int argc, char **argv)
{
	int post41 = 1;
	if (cfg_need_args(ctx, argc, 0, 3) < 0)
		return -1;
	if (argc >= 1 && strcmp(argv[0], "user") != 0) {
		cfg_alert(ctx, "'option mysql-check' only supports optional values: 'user' (got '%s').", argv[0]);
		return -1;
	}
	if (argc == 1 || (argc >= 2 && !*argv[1])) {
		cfg_alert(ctx, "'option mysql-check user' expects <username> as argument.");
		return -1;
	}
	if (argc == 3) {
		if (strcmp(argv[2], "pre-41") == 0)
			post41 = 0;
		else if (strcmp(argv[2], "post-41") != 0) {
			cfg_alert(ctx, "keyword 'user' only supports 'post-41' and 'pre-41' (got '%s').", argv[2]);
			return -1;
		}
	}
	ctx->px->check_user = argc >= 2 ? arena_strdup(ctx->arena, argv[1]) : NULL;
	ctx->px->mysql_check_post41 = post41;
	set_kind(ctx, CHECK_KIND_MYSQL);
	return 0;
}

int chk_kw_pgsql_check(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 2) < 0)
		return -1;
	if (argc < 2 || !*argv[1]) {
		cfg_alert(ctx, "'option pgsql-check' expects 'user <username>' as argument.");
		return -1;
	}
	if (strcmp(argv[0], "user") != 0) {
		cfg_alert(ctx, "'option pgsql-check' only supports optional values: 'user' (got '%s').", argv[0]);
		return -1;
	}
	ctx->px->check_user = arena_strdup(ctx->arena, argv[1]);
	set_kind(ctx, CHECK_KIND_PGSQL);
	return 0;
}

/* Without EHLO|HELO <domain>, HAProxy sends "HELO localhost". */
int chk_kw_smtpchk(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 2) < 0)
		return -1;
	if (argc == 2 && (strcmp(argv[0], "EHLO") == 0 || strcmp(argv[0], "HELO") == 0)) {
		ctx->px->smtpchk_verb = arena_strdup(ctx->arena, argv[0]);
		ctx->px->smtpchk_domain = arena_strdup(ctx->arena, argv[1]);
	} else {
		if (argc)
			cfg_warn(ctx, "'option smtpchk' : arguments ignored; write 'option smtpchk EHLO "
				 "<domain>' or 'option smtpchk HELO <domain>' (default: HELO localhost).");
		ctx->px->smtpchk_verb = arena_strdup(ctx->arena, "HELO");
		ctx->px->smtpchk_domain = arena_strdup(ctx->arena, "localhost");
	}
	set_kind(ctx, CHECK_KIND_SMTP);
	return 0;
}

int chk_kw_external_check_cmd(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	char *v = arena_strdup(ctx->arena, argv[0]);
	if (strcmp(ctx->kw, "external-check command") == 0)
		ctx->px->external_check_command = v;
	else
		ctx->px->external_check_path = v;
	return 0;
}

/* ---------------------------------------------------------------- dump */

static int own_words(const struct cfg_words *w, const struct cfg_words *base)
{
	return w->n && w->w != base->w;
}

static void emit_words(struct cfg_emit *em, const struct cfg_words *w)
{
	const char *kw = w->n > 1 ? arena_printf(em->tmp, "%s %s", w->w[0], w->w[1]) : w->w[0];
	cfg_emitw(em, kw, w, w->n > 1 ? 2 : 1);
}

static void emit_str(struct cfg_emit *em, const char *kw, const char *v, const char *base)
{
	if (v && (!base || strcmp(v, base) != 0))
		cfg_emitv(em, kw, v, NULL);
}

/*
 * Before the rules: `option httpchk` when the proxy has its own (the
 * http-check rules merge into it on reload). After them: the proxy's own
 * last check option, so that it wins again, and external-check settings.
 */
void chk_dump_options(struct cfg_emit *em, const struct proxy_conf *px,
		      const struct proxy_conf *base, int before_rules)
{
	if (before_rules) {
		if (own_words(&px->httpchk_src, &base->httpchk_src))
			emit_words(em, &px->httpchk_src);
		return;
	}
	if (own_words(&px->check_opt_src, &base->check_opt_src) &&
	    px->check_opt_src.w != px->httpchk_src.w)
		emit_words(em, &px->check_opt_src);
	emit_str(em, "external-check command", px->external_check_command, base->external_check_command);
	emit_str(em, "external-check path", px->external_check_path, base->external_check_path);
}
