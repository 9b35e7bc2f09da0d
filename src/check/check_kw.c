/*
 * The health-check keywords: `http-check ...`, `tcp-check ...` and the
 * `option ...check` family (parsers in check_opt.c), their ordered rule
 * lists, and the dump of all of it. Runs in the master (and `weir -c`)
 * while loading and dumping; owns the check fields of struct proxy_conf.
 *
 * The rule lists follow HAProxy 2.6 step by step, because its rules decide
 * which configurations are valid: a proxy's first own rule starts a fresh
 * list, `option httpchk` is an implicit send merged into the first explicit
 * one, and once `option httpchk` is active an `http-check send` must follow
 * a `connect` (each extra request needs its own connection), an `expect`
 * must follow a `send` and a `connect` an `expect`. `index` numbers the
 * steps as HAProxy does, so "at step N" in messages matches HAProxy's.
 */
#include <string.h>

#include "check_int.h"
#include "weir/kwtables.h"

/* ------------------------------------------------------------ list helpers */

int chk_is_step(const struct check_rule *r)
{
	return r->action != CHECK_ACT_COMMENT && r->action != CHECK_ACT_SET_VAR &&
	       r->action != CHECK_ACT_UNSET_VAR;
}

static struct check_rule *rule_at(const struct vec *v, int i)
{
	return v->v[i];
}

static int first_step(const struct vec *v, int from)
{
	for (int i = from; i < v->n; i++)
		if (chk_is_step(rule_at(v, i)))
			return i;
	return -1;
}

static int last_step(const struct vec *v)
{
	for (int i = v->n - 1; i >= 0; i--)
		if (chk_is_step(rule_at(v, i)))
			return i;
	return -1;
}

static int is_implicit_send(const struct check_rule *r)
{
	return r->action == CHECK_ACT_SEND && r->send.from_option;
}

/* Rebuilds v without item `drop` (-1: none), with `head` first if given:
 * a fresh array, so no inherited array is ever written. */
static void vec_rebuild(struct arena *a, struct vec *v, int drop, void *head)
{
	struct vec nv = {0};
	if (head)
		vec_push(a, &nv, head);
	for (int i = 0; i < v->n; i++)
		if (i != drop)
			vec_push(a, &nv, v->v[i]);
	*v = nv;
}

static void clear_httpchk(struct proxy_conf *px)
{
	px->httpchk_method = px->httpchk_uri = px->httpchk_version = NULL;
	px->httpchk_extra = px->httpchk_body = NULL;
	px->httpchk_hdrs = (struct vec){0};
	px->httpchk_src = (struct cfg_words){0};
}

struct vec *chk_own_rules(struct proxy_conf *px, int http)
{
	struct vec *v = http ? &px->http_check_rules : &px->tcp_check_rules;
	const struct proxy_conf *d = px->defaults;
	const struct vec *dv = d ? (http ? &d->http_check_rules : &d->tcp_check_rules) : NULL;
	if (dv && v->n && v->v == dv->v) {
		*v = (struct vec){0};
		if (http)
			clear_httpchk(px);
	}
	return v;
}

/* The fields of an HTTP send that `src` sets replace those of `dst`; the
 * headers are replaced as a whole, as HAProxy does. */
static void overwrite_send(struct check_send *dst, const struct check_send *src)
{
	if (src->meth)
		dst->meth = src->meth;
	if (src->uri) {
		dst->uri = src->uri;
		dst->uri_lf = src->uri_lf;
		dst->uri_fmt = src->uri_fmt;
	}
	if (src->ver)
		dst->ver = src->ver;
	dst->hdrs = src->hdrs;
	if (src->body) {
		dst->body = src->body;
		dst->body_lf = src->body_lf;
		dst->body_fmt = src->body_fmt;
	}
}

void chk_add_httpchk_rule(struct cfg_ctx *ctx, struct check_rule *r)
{
	struct vec *v = chk_own_rules(ctx->px, 1);
	int i = first_step(v, 0);
	if (i >= 0 && rule_at(v, i)->action == CHECK_ACT_CONNECT)
		i = first_step(v, i + 1);
	if (i < 0 || rule_at(v, i)->action != CHECK_ACT_SEND) {
		vec_rebuild(ctx->arena, v, -1, r);
	} else if (is_implicit_send(rule_at(v, i))) {
		vec_rebuild(ctx->arena, v, i, r);
	} else {
		/* an explicit send came first: the option's values win */
		struct check_rule *m = arena_alloc(ctx->arena, sizeof(*m));
		*m = *rule_at(v, i);
		overwrite_send(&m->send, &r->send);
		v->v[i] = m;    /* v is the proxy's own array here */
	}
}

/* ------------------------------------------------------------- adding */

static int next_index(const struct vec *v, int http)
{
	if (!v->n)
		return 0;
	const struct check_rule *last = rule_at(v, v->n - 1);
	return http && is_implicit_send(last) ? 0 : last->index + 1;
}

/* HAProxy: a `connect` that is not the first step is an error when other
 * steps come before it (the first connect may be implicit otherwise). */
static int connect_first(const struct vec *v, char *err, size_t errlen)
{
	for (int i = 0; i < v->n; i++) {
		const struct check_rule *r = rule_at(v, i);
		if (r->action == CHECK_ACT_CONNECT)
			return 0;
		if (!chk_is_step(r) || is_implicit_send(r))
			continue;
		snprintf(err, errlen, "first step MUST also be a 'connect', optionally preceded by a "
			 "'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in the "
			 "tcp-check ruleset");
		return -1;
	}
	return 0;
}

/* The order HAProxy enforces on an active http-check ruleset. */
static int http_order(struct cfg_ctx *ctx, const struct vec *v, const struct check_rule *r)
{
	int li = last_step(v);
	const struct check_rule *last = li >= 0 ? rule_at(v, li) : NULL;
	if (!last || is_implicit_send(last))
		return 0;
	if (r->action == CHECK_ACT_SEND && last->action != CHECK_ACT_CONNECT) {
		cfg_alert(ctx, "'http-check send' : unable to add http-check send rule at step %d (missing "
			  "connect rule). Add 'http-check connect' before this 'http-check send': each "
			  "request after the first needs its own connection.", r->index + 1);
		return -1;
	}
	if (r->action == CHECK_ACT_EXPECT && last->action != CHECK_ACT_SEND &&
	    last->action != CHECK_ACT_EXPECT) {
		cfg_alert(ctx, "'http-check expect' : unable to add http-check expect rule at step %d "
			  "(missing send rule). Add an 'http-check send' before it.", r->index + 1);
		return -1;
	}
	if (r->action == CHECK_ACT_CONNECT && last->action != CHECK_ACT_EXPECT) {
		cfg_alert(ctx, "'http-check connect' : unable to add http-check connect rule at step %d "
			  "(missing expect rule). Add an 'http-check expect' before it.", r->index + 1);
		return -1;
	}
	return 0;
}

/* An explicit send merges into the implicit one of `option httpchk`,
 * which then moves to the end with its step number. */
static struct check_rule *http_merge(struct cfg_ctx *ctx, struct vec *v, struct check_rule *r)
{
	int fi = first_step(v, 0);
	if (r->action != CHECK_ACT_SEND || fi < 0 || !is_implicit_send(rule_at(v, fi)))
		return r;
	struct check_rule *m = arena_alloc(ctx->arena, sizeof(*m));
	*m = *rule_at(v, fi);
	overwrite_send(&m->send, &r->send);
	m->send.from_option = 0;
	m->src = r->src;
	m->loc = r->loc;
	if (r->comment)
		m->comment = r->comment;
	vec_rebuild(ctx->arena, v, fi, NULL);
	return m;
}

static int parse_rule(struct cfg_ctx *ctx, int http, const char *action, int argc, char **argv,
		      struct check_rule *r, char *err, size_t errlen)
{
	if (strcmp(action, "connect") == 0)
		return chk_parse_connect(ctx, http, argc, argv, r, err, errlen);
	if (strcmp(action, "expect") == 0)
		return chk_parse_expect(ctx, http, argc, argv, r, err, errlen);
	if (strcmp(action, "comment") == 0) {
		r->action = CHECK_ACT_COMMENT;
		if (argc < 1 || !*argv[0]) {
			snprintf(err, errlen, "expects a string as argument");
			return -1;
		}
		r->comment = arena_strdup(ctx->arena, argv[0]);
		return 0;
	}
	if (http && strcmp(action, "send") == 0)
		return chk_parse_send_http(ctx, argc, argv, r, err, errlen);
	if (!http && strncmp(action, "send", 4) == 0)
		return chk_parse_send(ctx, action, argc, argv, r, err, errlen);
	return chk_parse_var(ctx, action, argc, argv, r, err, errlen);
}

static int add_rule(struct cfg_ctx *ctx, int http, const char *action, int argc, char **argv)
{
	const char *kw = http ? "http-check" : "tcp-check";
	char err[1024] = "invalid arguments";
	struct check_rule *r = arena_alloc(ctx->arena, sizeof(*r));
	r->loc = ctx->loc;
	r->src = cfg_words_dup(ctx->arena, ctx->line.n, ctx->line.w);
	if (parse_rule(ctx, http, action, argc, argv, r, err, sizeof(err)) < 0) {
		if (err[0])
			cfg_alert(ctx, "'%s %s' : %s", kw, action, err);
		return -1;
	}
	struct vec *v = chk_own_rules(ctx->px, http);
	if (r->action == CHECK_ACT_CONNECT && connect_first(v, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "'%s %s' : %s.", kw, action, err);
		return -1;
	}
	r->index = next_index(v, http);
	if (http && ctx->px->check_kind == CHECK_KIND_HTTP) {
		if (http_order(ctx, v, r) < 0)
			return -1;
		r = http_merge(ctx, v, r);
	}
	vec_push(ctx->arena, v, r);
	return 0;
}

/* ------------------------------------------------------------- keywords */

/* "http-check send" -> "send"; the catch-all entries take argv[0]. */
static const char *action_of(struct cfg_ctx *ctx, int *argc, char ***argv)
{
	const char *sp = strchr(ctx->kw, ' ');
	if (sp)
		return sp + 1;
	const char *a = (*argv)[0];
	(*argc)--;
	(*argv)++;
	return a;
}

static int kw_rule(struct cfg_ctx *ctx, int argc, char **argv, int http)
{
	if (!strchr(ctx->kw, ' ')) {
		const char *a = argc ? argv[0] : "";
		if (strncmp(a, "set-var(", 8) != 0 && strncmp(a, "unset-var(", 10) != 0) {
			if (http)
				cfg_alert(ctx, "'http-check' only supports 'disable-on-404', 'send-state', "
					  "'comment', 'connect', 'send', 'expect', 'set-var(<name>)', "
					  "'unset-var(<name>)'. but got '%s'", a);
			else
				cfg_alert(ctx, "'tcp-check' only supports 'comment', 'connect', 'send', "
					  "'send-binary', 'send-lf', 'send-binary-lf', 'expect', "
					  "'set-var(<name>)', 'unset-var(<name>)'. but got '%s'", a);
			return -1;
		}
	}
	const char *action = action_of(ctx, &argc, &argv);
	return add_rule(ctx, http, action, argc, argv);
}

static int kw_http_check(struct cfg_ctx *ctx, int argc, char **argv)
{
	return kw_rule(ctx, argc, argv, 1);
}

static int kw_tcp_check(struct cfg_ctx *ctx, int argc, char **argv)
{
	return kw_rule(ctx, argc, argv, 0);
}

static int kw_http_check_flag(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 0) < 0)
		return -1;
	if (strcmp(ctx->kw, "http-check send-state") == 0)
		ctx->px->http_check_send_state = 1;
	else
		ctx->px->http_check_disable_on_404 = 1;
	return 0;
}

/* ---------------------------------------------------------------- dumps */

/* A rule line: the registered keyword spans two words except set-var/unset-var. */
static void dump_rule(struct cfg_emit *em, const struct check_rule *r)
{
	if (!r->src.n)
		return;     /* implicit (option httpchk): dumped with its option */
	int two = r->action != CHECK_ACT_SET_VAR && r->action != CHECK_ACT_UNSET_VAR && r->src.n > 1;
	const char *kw = two ? arena_printf(em->tmp, "%s %s", r->src.w[0], r->src.w[1]) : r->src.w[0];
	cfg_emitw(em, kw, &r->src, two ? 2 : 1);
}

static void dump_rules(struct cfg_emit *em, const struct vec *v, const struct vec *base)
{
	const struct check_rule *r;
	if (!v->n || v->v == base->v)
		return;     /* inherited whole from the defaults section */
	VEC_EACH(v, const struct check_rule *, r)
		dump_rule(em, r);
}

/* Everything about checks, in an order that reloads to the same model. */
static void dump_checks(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj, *base = cfg_dump_base(kw, obj);
	chk_dump_options(em, px, base, 1);
	dump_rules(em, &px->http_check_rules, &base->http_check_rules);
	if (px->http_check_send_state && !base->http_check_send_state)
		cfg_emitv(em, "http-check send-state", NULL);
	if (px->http_check_disable_on_404 && !base->http_check_disable_on_404)
		cfg_emitv(em, "http-check disable-on-404", NULL);
	dump_rules(em, &px->tcp_check_rules, &base->tcp_check_rules);
	chk_dump_options(em, px, base, 0);
}

/* ---------------------------------------------------------------- table */

#define BE CFG_SEC_BE
#define HC(name, fn, usage, help) { "http-check " name, BE, fn, NULL, usage, help, 0 }
#define TC(name, usage, help) { "tcp-check " name, BE, kw_tcp_check, NULL, usage, help, 0 }

static const struct cfg_kw check_kws[] = {
	{ "option httpchk", BE, chk_kw_httpchk, dump_checks, "[[<method>] <uri> [<version>]]",
	  "check servers with an HTTP request (default OPTIONS / HTTP/1.0)", 0 },
	{ "option tcp-check", BE, chk_kw_tcp_check, NULL, "",
	  "check servers with the tcp-check rules of the proxy", 0 },
	{ "option redis-check", BE, chk_kw_simple_check, NULL, "",
	  "check servers with a Redis PING", CHECK_KIND_REDIS },
	{ "option ldap-check", BE, chk_kw_simple_check, NULL, "",
	  "check servers with an LDAPv3 anonymous bind", CHECK_KIND_LDAP },
	{ "option ssl-hello-chk", BE, chk_kw_simple_check, NULL, "",
	  "check servers with an SSLv3 client hello", CHECK_KIND_SSL_HELLO },
	{ "option spop-check", BE, chk_kw_simple_check, NULL, "",
	  "check SPOE agents with a HAPROXY-HELLO", CHECK_KIND_SPOP },
	{ "option external-check", BE, chk_kw_simple_check, NULL, "",
	  "check servers by running the external-check command", CHECK_KIND_EXTERNAL },
	{ "option mysql-check", BE, chk_kw_mysql_check, NULL, "[user <username> [post-41|pre-41]]",
	  "check MySQL servers with a handshake (and a login as <username>)", 0 },
	{ "option pgsql-check", BE, chk_kw_pgsql_check, NULL, "user <username>",
	  "check PostgreSQL servers with a startup message for <username>", 0 },
	{ "option smtpchk", BE, chk_kw_smtpchk, NULL, "[EHLO|HELO <domain>]",
	  "check SMTP servers with a greeting and HELO/EHLO", 0 },
	{ "external-check command", BE, chk_kw_external_check_cmd, NULL, "<command>",
	  "the program run by option external-check", 0 },
	{ "external-check path", BE, chk_kw_external_check_cmd, NULL, "<path>",
	  "the PATH given to the external-check command", 0 },
	HC("connect", kw_http_check, "[default] [port <n>] [addr <a>] [send-proxy] [via-socks4] [ssl] "
	   "[sni <s>] [alpn <a>] [linger] [proto <p>] [comment <c>]",
	   "open a new connection in a multi-step HTTP check"),
	HC("send", kw_http_check, "[meth <m>] [uri <u>|uri-lf <f>] [ver <v>] [hdr <name> <fmt>]... "
	   "[body <s>|body-lf <f>] [comment <c>]", "the HTTP request of a check step"),
	HC("expect", kw_http_check, "[min-recv <n>] [comment <c>] [ok-status <st>] [error-status <st>] "
	   "[tout-status <st>] [on-success <fmt>] [on-error <fmt>] [status-code <expr>] [!] "
	   "status|rstatus|string|rstring|string-lf|hdr|fhdr <pattern>",
	   "what the HTTP response of a check step must match"),
	HC("comment", kw_http_check, "<text>", "a comment reported with the next check steps"),
	HC("send-state", kw_http_check_flag, "", "send the server's state in an X-Haproxy-Server-State header"),
	HC("disable-on-404", kw_http_check_flag, "", "put a server in drain mode while it answers 404"),
	{ "http-check", BE, kw_http_check, NULL, "set-var(<name>) <expr>|unset-var(<name>)",
	  "set or unset a variable during an HTTP check", 0 },
	TC("connect", "[default] [port <n>] [addr <a>] [send-proxy] [via-socks4] [ssl] [sni <s>] "
	   "[alpn <a>] [linger] [proto <p>] [comment <c>]", "open a connection in a TCP check"),
	TC("send", "<string> [comment <c>]", "send a string (escapes such as \\r\\n apply)"),
	TC("send-binary", "<hex> [comment <c>]", "send bytes written in hexadecimal"),
	TC("send-lf", "<fmt> [comment <c>]", "send a log-format string"),
	TC("send-binary-lf", "<fmt> [comment <c>]", "send a log-format string that yields hexadecimal"),
	TC("expect", "[min-recv <n>] [comment <c>] [ok-status <st>] [error-status <st>] [tout-status "
	   "<st>] [on-success <fmt>] [on-error <fmt>] [status-code <expr>] [!] "
	   "string|rstring|binary|rbinary|string-lf|binary-lf <pattern>",
	   "what the server must answer in a TCP check"),
	TC("comment", "<text>", "a comment reported with the next check steps"),
	{ "tcp-check", BE, kw_tcp_check, NULL, "set-var(<name>) <expr>|unset-var(<name>)",
	  "set or unset a variable during a TCP check", 0 },
};

const struct cfg_kw_table check_kw_table = {
	"check", check_kws, (int)ARRAY_SIZE(check_kws), chk_lint
};
