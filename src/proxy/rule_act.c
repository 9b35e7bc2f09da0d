/*
 * The one table of rule actions (`http-request set-header`, `tcp-request
 * content reject`, ...): for each action its name, the rule lists that
 * accept it, and the parser that turns its words into ready-to-run
 * arguments of struct rule (rule-t.h). The man page lists the actions from
 * this table (rule_foreach_action). Runs in the master at load time.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "weir/logfmt.h"
#include "weir/sample.h"
#include "rule-int.h"

#define L_HREQ RULE_LIST_BIT(RULE_HTTP_REQ)
#define L_HRES RULE_LIST_BIT(RULE_HTTP_RES)
#define L_HAFT RULE_LIST_BIT(RULE_HTTP_AFTER)
#define L_TCON RULE_LIST_BIT(RULE_TCP_CONN)
#define L_TSES RULE_LIST_BIT(RULE_TCP_SESS)
#define L_TCNT RULE_LIST_BIT(RULE_TCP_CONT)
#define L_TRES RULE_LIST_BIT(RULE_TCP_RES)
#define L_HTTP (L_HREQ | L_HRES | L_HAFT)
#define L_TCP (L_TCON | L_TSES | L_TCNT | L_TRES)
#define L_ALL (L_HTTP | L_TCP)

/* ------------------------------------------------------------- helpers */

static int need_args(struct rule_pctx *p, int argc, int min, int max, const char *usage)
{
	if (argc < min || argc > max)
		return rule_err(p, "'%s' expects %s%s", p->act, usage,
				argc > max ? " (too many arguments)" : "");
	return 0;
}

static int compile_fmt(struct rule_pctx *p, const char *text, char **out_text, struct logfmt **out)
{
	*out_text = arena_strdup(p->ctx->arena, text);
	*out = logfmt_compile(p->ctx, text, p->where);
	return *out ? 0 : -1;
}

static int parse_expr(struct rule_pctx *p, const char *text)
{
	char err[256] = "";
	p->r->expr = sample_expr_parse(p->ctx, text, p->where, err, sizeof(err));
	if (!p->r->expr)
		return rule_err(p, "%s", err[0] ? err : "invalid sample expression");
	p->r->text = arena_strdup(p->ctx->arena, text);
	return 0;
}

static void regex_release(void *code)
{
	pcre2_code_free(code);
}

/* Compiles a PCRE2 regex; the arena frees it with the model. */
static int compile_regex(struct rule_pctx *p, const char *re, int icase)
{
	int errcode;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
					 icase ? PCRE2_CASELESS : 0, &errcode, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return rule_err(p, "regex '%s' is invalid: %s at offset %zu", re, (char *)msg,
				(size_t)off);
	}
	arena_on_free(p->ctx->arena, regex_release, code);
	p->r->regex = code;
	return 0;
}

static int parse_long(struct rule_pctx *p, const char *s, long min, long max, long *out)
{
	char err[160];
	if (cfg_parse_int(s, min, max, out, err, sizeof(err)) < 0)
		return rule_err(p, "'%s' : %s", p->act, err);
	return 0;
}

/* ------------------------------------------------------------- parsers */

static int p_noarg(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (argc > 0)
		return rule_err(p, "'%s' does not expect any argument, got '%s'", p->act, argv[0]);
	return 0;
}

static int p_unsupported(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	return rule_err(p, "'%s' is not supported by weir (it needs a section type weir does "
			"not implement yet)", p->act);
}

static int p_deny(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	int i = 0;
	int dflt = p->r->list == RULE_HTTP_RES ? 502 : p->r->act == ACT_TARPIT ? 500 : 403;
	p->r->reply = rule_parse_reply(p, argc, argv, &i, dflt, 1);
	if (!p->r->reply)
		return -1;
	if (i < argc)
		return rule_err(p, "'%s' : unexpected argument '%s'", p->act, argv[i]);
	return 0;
}

static int p_return(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	int i = 0;
	p->r->reply = rule_parse_reply(p, argc, argv, &i, 200, 0);
	if (!p->r->reply)
		return -1;
	if (i < argc)
		return rule_err(p, "'%s' : unexpected argument '%s' (expects 'status', "
				"'content-type', 'hdr', 'default-errorfiles', 'errorfile', "
				"'errorfiles', 'file', 'lf-file', 'string' or 'lf-string')", p->act, argv[i]);
	return 0;
}

static int p_auth(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (argc == 0)
		return 0;
	if (argc != 2 || strcmp(argv[0], "realm") != 0)
		return rule_err(p, "'%s' expects 'realm' <realm> or nothing (was '%s')", p->act, argv[0]);
	p->r->text = arena_strdup(p->ctx->arena, argv[1]);
	return 0;
}

static int p_redirect(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	p->r->redir = rule_parse_redirect(p, argc, argv);
	return p->r->redir ? 0 : -1;
}

/* The services weir provides to `use-service`. */
static const char *const services[] = { "prometheus-exporter" };

static int p_use_service(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (need_args(p, argc, 1, 1, "<service-name>") < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(services); i++)
		if (strcmp(argv[0], services[i]) == 0) {
			p->r->name = arena_strdup(p->ctx->arena, argv[0]);
			return 0;
		}
	return rule_err(p, "'%s' : unknown service '%s' (known services: 'prometheus-exporter')",
			p->act, argv[0]);
}

/* set-header, add-header, early-hint: <name> <fmt> */
static int p_hdr_fmt(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (need_args(p, argc, 2, 2, "exactly 2 arguments: <name> <fmt>") < 0)
		return -1;
	if (!argv[0][0])
		return rule_err(p, "'%s' : the header name must not be empty", p->act);
	p->r->name = arena_strdup(p->ctx->arena, argv[0]);
	return compile_fmt(p, argv[1], &p->r->text, &p->r->fmt);
}

static int p_del_hdr(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	static const char *const methods[] = { "str", "beg", "end", "sub", "reg" };
	if (argc != 1 && !(argc == 3 && strcmp(argv[1], "-m") == 0))
		return rule_err(p, "'%s' expects exactly 1 argument <name> optionally followed by "
				"'-m <method>'", p->act);
	p->r->name = arena_strdup(p->ctx->arena, argv[0]);
	if (argc == 1)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
		if (strcmp(argv[2], methods[i]) == 0) {
			p->r->match = (int)i;
			return i == HDR_MATCH_REG ? compile_regex(p, argv[0], 1) : 0;
		}
	return rule_err(p, "'%s': only exact, prefix, suffix, substring and regex matching "
			"methods are supported ('str', 'beg', 'end', 'sub', 'reg'), got '%s'",
			p->act, argv[2]);
}

/* replace-header, replace-value: <name> <regex> <fmt> */
static int p_replace_hdr(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (need_args(p, argc, 3, 3, "exactly 3 arguments: <name> <match-regex> <replace-fmt>") < 0)
		return -1;
	p->r->name = arena_strdup(p->ctx->arena, argv[0]);
	p->r->text = arena_strdup(p->ctx->arena, argv[1]);
	if (compile_regex(p, argv[1], 0) < 0)
		return -1;
	return compile_fmt(p, argv[2], &p->r->text2, &p->r->fmt2);
}

/* replace-path, replace-pathq, replace-uri: <regex> <fmt> */
static int p_replace_uri(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (need_args(p, argc, 2, 2, "exactly 2 arguments: <match-regex> <replace-fmt>") < 0)
		return -1;
	p->r->text = arena_strdup(p->ctx->arena, argv[0]);
	if (compile_regex(p, argv[0], 0) < 0)
		return -1;
	return compile_fmt(p, argv[1], &p->r->text2, &p->r->fmt2);
}

/* set-path, set-query, set-uri, set-method, ...: <fmt> */
static int p_fmt(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (need_args(p, argc, 1, 1, "exactly 1 argument <format>") < 0)
		return -1;
	return compile_fmt(p, argv[0], &p->r->text, &p->r->fmt);
}

static int p_set_status(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (argc != 1 && !(argc == 3 && strcmp(argv[1], "reason") == 0))
		return rule_err(p, "'%s' expects <status_code> [reason <str>]", p->act);
	if (parse_long(p, argv[0], 100, 999, &p->r->ival) < 0)
		return -1;
	if (argc == 3)
		p->r->reason = arena_strdup(p->ctx->arena, argv[2]);
	return 0;
}

static int p_normalize_uri(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	static const char *const norms[] = {
		"fragment-encode", "fragment-strip", "path-merge-slashes", "path-strip-dot",
		"path-strip-dotdot", "percent-decode-unreserved", "percent-to-uppercase",
		"query-sort-by-name",
	};
	if (argc < 1 || argc > 2)
		return rule_err(p, "'%s' expects <normalizer> [option]", p->act);
	for (size_t i = 0; i < ARRAY_SIZE(norms); i++) {
		if (strcmp(argv[0], norms[i]) != 0)
			continue;
		const char *opt = i == 4 ? "full" : (i == 5 || i == 6) ? "strict" : NULL;
		if (argc == 2 && (!opt || strcmp(argv[1], opt) != 0))
			return rule_err(p, "'%s %s' : unexpected argument '%s'%s%s%s", p->act, argv[0],
					argv[1], opt ? " (only '" : "", opt ? opt : "", opt ? "')" : "");
		p->r->name = arena_strdup(p->ctx->arena, argv[0]);
		p->r->ival = argc == 2;
		return 0;
	}
	return rule_err(p, "'%s' : unknown normalizer '%s'", p->act, argv[0]);
}

/* ------------------------------------------------------------- variables */

static int var_name(struct rule_pctx *p, const char *inner)
{
	static const char *const scopes[] = { "proc", "sess", "txn", "req", "res", "check" };
	if (!inner || !*inner)
		return rule_err(p, "missing variable name: expects '%s(<scope>.<name>)'", p->act);
	for (size_t i = 0; i < ARRAY_SIZE(scopes); i++) {
		size_t n = strlen(scopes[i]);
		if (strncmp(inner, scopes[i], n) == 0 && inner[n] == '.' && inner[n + 1]) {
			p->r->var_scope = (int)i;
			p->r->name = arena_strdup(p->ctx->arena, inner);
			return 0;
		}
	}
	return rule_err(p, "invalid variable name '%s'. A variable name must start with its scope. "
			"The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check' "
			"(e.g. 'txn.%s')", inner, inner);
}

static int p_set_var(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (var_name(p, inner) < 0 || need_args(p, argc, 1, 1, "exactly 1 sample expression") < 0)
		return -1;
	return parse_expr(p, argv[0]);
}

static int p_set_var_fmt(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (var_name(p, inner) < 0 || need_args(p, argc, 1, 1, "exactly 1 <format>") < 0)
		return -1;
	return compile_fmt(p, argv[0], &p->r->text, &p->r->fmt);
}

static int p_unset_var(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (var_name(p, inner) < 0)
		return -1;
	return p_noarg(p, argc, argv, inner);
}

/* ------------------------------------------------------------- settings */

static int p_log_level(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning",
					      "notice", "info", "debug", "silent" };
	if (need_args(p, argc, 1, 1, "a log level") < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		if (strcmp(argv[0], levels[i]) == 0) {
			p->r->ival = i == 8 ? -1 : (long)i;
			return 0;
		}
	return rule_err(p, "'%s' : unknown log level '%s' (expects emerg, alert, crit, err, "
			"warning, notice, info, debug or silent)", p->act, argv[0]);
}

static int p_int_arg(struct rule_pctx *p, int argc, char **argv, long min, long max)
{
	if (need_args(p, argc, 1, 1, "exactly 1 integer") < 0)
		return -1;
	return parse_long(p, argv[0], min, max, &p->r->ival);
}

static int p_set_nice(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	return p_int_arg(p, argc, argv, -1024, 1024);
}

static int p_set_tos(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	return p_int_arg(p, argc, argv, 0, 255);
}

static int p_set_mark(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	char *end;
	if (need_args(p, argc, 1, 1, "exactly 1 integer (decimal or 0x hex)") < 0)
		return -1;
	unsigned long v = strtoul(argv[0], &end, 0);
	if (*end || !argv[0][0] || argv[0][0] == '-' || v > 0xffffffffUL)
		return rule_err(p, "'%s' : invalid mark value '%s'", p->act, argv[0]);
	p->r->ival = (long)v;
	return 0;
}

static int p_set_timeout(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	static const char *const kinds[] = { "server", "tunnel", "client" };
	char err[160];
	int ms;
	if (need_args(p, argc, 2, 2, "'server', 'tunnel' or 'client' followed by a time or "
		      "a sample expression") < 0)
		return -1;
	size_t k;
	for (k = 0; k < ARRAY_SIZE(kinds) && strcmp(argv[0], kinds[k]) != 0; k++)
		;
	if (k == ARRAY_SIZE(kinds))
		return rule_err(p, "'%s' : unsupported timeout '%s' (expects 'server', 'tunnel' or "
				"'client')", p->act, argv[0]);
	/* as HAProxy 2.6: a frontend has no server side whose timeout to set */
	const struct proxy_conf *px = p->ctx->px;
	if (k != 2 && px && !(px->cap & (PX_CAP_BE | PX_CAP_DEF)))
		return rule_err(p, "'%s %s' : proxy '%s' has no backend capability (write it in a "
				"'backend' or 'listen' section)", p->act, argv[0], px->name);
	p->r->timeout = (int)k;
	if (cfg_parse_time(argv[1], &ms, err, sizeof(err)) == 0) {
		p->r->ival = ms;
		p->r->ival_set = 1;
		return 0;
	}
	return parse_expr(p, argv[1]);
}

static int p_expr1(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (need_args(p, argc, 1, 1, "exactly 1 sample expression") < 0)
		return -1;
	return parse_expr(p, argv[0]);
}

static int p_do_resolve(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (!inner || !strchr(inner, ','))
		return rule_err(p, "'%s' expects '%s(<var>,<resolvers>[,ipv4|ipv6])' <expr>",
				p->act, p->act);
	char *var = arena_strndup(p->ctx->arena, inner, (size_t)(strchr(inner, ',') - inner));
	if (var_name(p, var) < 0)
		return -1;
	p->r->text2 = arena_strdup(p->ctx->arena, inner);
	return p_expr1(p, argc, argv, inner);
}

static int p_bwlim(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (argc < 1 || argc % 2 == 0)
		return rule_err(p, "'%s' expects <filter> [limit <expr>] [period <expr>]", p->act);
	p->r->name = arena_strdup(p->ctx->arena, argv[0]);
	for (int i = 1; i < argc; i += 2)
		if (strcmp(argv[i], "limit") != 0 && strcmp(argv[i], "period") != 0)
			return rule_err(p, "'%s' : unexpected argument '%s' (expects 'limit' or "
					"'period')", p->act, argv[i]);
	return 0;
}

static int p_strict_mode(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	char err[160];
	int on;
	if (need_args(p, argc, 1, 1, "'on' or 'off'") < 0)
		return -1;
	if (cfg_parse_onoff(argv[0], &on, err, sizeof(err)) < 0)
		return rule_err(p, "'%s' expects 'on' or 'off', got '%s'", p->act, argv[0]);
	p->r->ival = on;
	return 0;
}

static int p_wait_body(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	char err[160];
	int ms;
	int64_t sz;
	if ((argc != 2 && argc != 4) || strcmp(argv[0], "time") != 0 ||
	    (argc == 4 && strcmp(argv[2], "at-least") != 0))
		return rule_err(p, "'%s' expects 'time' <time> [ 'at-least' <bytes> ]", p->act);
	if (cfg_parse_time(argv[1], &ms, err, sizeof(err)) < 0)
		return rule_err(p, "'%s' : %s", p->act, err);
	p->r->ival = ms;
	if (argc == 4) {
		if (cfg_parse_size(argv[3], &sz, err, sizeof(err)) < 0)
			return rule_err(p, "'%s' : %s", p->act, err);
		p->r->ival2 = (long)sz;
		p->r->ival_set = 1;
	}
	return 0;
}

static int p_expect_layer4(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (argc != 1 || strcmp(argv[0], "layer4") != 0)
		return rule_err(p, "'%s' only supports 'layer4' in 'tcp-request connection' rules",
				p->act);
	return 0;
}

static int p_switch_mode(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if ((argc != 1 && argc != 3) || strcmp(argv[0], "http") != 0 ||
	    (argc == 3 && strcmp(argv[1], "proto") != 0))
		return rule_err(p, "'%s' expects 'http' [proto <name>]", p->act);
	if (argc == 3) {
		if (strcmp(argv[2], "h1") != 0 && strcmp(argv[2], "h2") != 0)
			return rule_err(p, "'%s' : unknown proto '%s' (expects 'h1' or 'h2')", p->act,
					argv[2]);
		p->r->name = arena_strdup(p->ctx->arena, argv[2]);
	}
	return 0;
}

/* ------------------------------------------------------------- captures, counters */

static int p_capture(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	int resp = p->r->list == RULE_HTTP_RES;
	if (argc != 3 || (strcmp(argv[1], "len") != 0 && strcmp(argv[1], "id") != 0))
		return rule_err(p, "'%s' expects <expression> %s", p->act,
				resp ? "'id' <idx>" : "'len' <length> or 'id' <idx>");
	if (resp && strcmp(argv[1], "len") == 0)
		return rule_err(p, "'%s' in 'http-response' only supports 'id' <idx>", p->act);
	/* `len` declares a capture slot of the frontend that logs it */
	if (strcmp(argv[1], "len") == 0 && !(p->ctx->px->cap & (PX_CAP_FE | PX_CAP_DEF)))
		return rule_err(p, "'%s' : proxy '%s' has no frontend capability (use 'len' in the "
				"frontend, or 'id' with a slot it declares)", p->act, p->ctx->px->name);
	if (parse_expr(p, argv[0]) < 0 || parse_long(p, argv[2], 0, 65535, &p->r->ival) < 0)
		return -1;
	p->r->ival_set = strcmp(argv[1], "len") == 0;    /* 1: len, 0: id */
	return 0;
}

static int sc_index(struct rule_pctx *p, const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '2' || s[1])
		return rule_err(p, "'%s' : invalid stick counter '%s' (expects 0, 1 or 2)", p->act, s);
	*out = s[0] - '0';
	return 0;
}

static int p_track_sc(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (sc_index(p, p->act + strlen("track-sc"), &p->r->sc) < 0)
		return -1;
	if ((argc != 1 && argc != 3) || (argc == 3 && strcmp(argv[1], "table") != 0))
		return rule_err(p, "'%s' expects <key> [table <table>]", p->act);
	if (parse_expr(p, argv[0]) < 0)
		return -1;
	if (argc == 3)
		p->r->name = arena_strdup(p->ctx->arena, argv[2]);
	return 0;
}

/* sc-inc-gpc0(<sc>), sc-inc-gpc1(<sc>), sc-inc-gpc(<idx>,<sc>) and the gpt forms */
static int sc_args(struct rule_pctx *p, const char *inner, int two)
{
	if (!inner)
		return rule_err(p, "'%s' expects '(%s)' after its name", p->act,
				two ? "<idx>,<sc-id>" : "<sc-id>");
	const char *comma = strchr(inner, ',');
	if (two != (comma != NULL))
		return rule_err(p, "'%s(%s)' : expects %s", p->act, inner,
				two ? "<idx>,<sc-id>" : "a stick counter <sc-id> (0, 1 or 2)");
	if (two) {
		char *idx = arena_strndup(p->ctx->arena, inner, (size_t)(comma - inner));
		if (parse_long(p, idx, 0, 99, &p->r->ival2) < 0)
			return -1;
		inner = comma + 1;
	}
	return sc_index(p, inner, &p->r->sc);
}

static int p_sc_inc(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	if (sc_args(p, inner, p->r->act == ACT_SC_INC_GPC) < 0)
		return -1;
	return p_noarg(p, argc, argv, inner);
}

static int p_sc_set_gpt(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	char err[160];
	if (sc_args(p, inner, p->r->act == ACT_SC_SET_GPT) < 0 ||
	    need_args(p, argc, 1, 1, "exactly 1 argument <int> or <expr>") < 0)
		return -1;
	if (cfg_parse_int(argv[0], INT_MIN, INT_MAX, &p->r->ival, err, sizeof(err)) == 0) {
		p->r->ival_set = 1;
		return 0;
	}
	return parse_expr(p, argv[0]);
}

/* set-map(file) <key> <value>, del-map(file) <key>, add-acl(file) <key>, del-acl(file) <key> */
static int p_map(struct rule_pctx *p, int argc, char **argv, const char *inner)
{
	int want = p->r->act == ACT_SET_MAP ? 2 : 1;
	if (!inner || !*inner)
		return rule_err(p, "'%s' expects a file name between parentheses: '%s(<file>)'",
				p->act, p->act);
	if (need_args(p, argc, want, want, want == 2 ? "<key fmt> <value fmt>" : "<key fmt>") < 0)
		return -1;
	if (cfg_check_file(p->ctx, p->act, inner, 0) < 0)
		return -1;
	p->r->name = arena_strdup(p->ctx->arena, inner);
	if (compile_fmt(p, argv[0], &p->r->text, &p->r->fmt) < 0)
		return -1;
	return want == 2 ? compile_fmt(p, argv[1], &p->r->text2, &p->r->fmt2) : 0;
}

/* ------------------------------------------------------------- the table */

#define A(n, a, l, f, par, u, h) { n, a, l, f, par, u, h }

const struct rule_action rule_actions[] = {
	A("allow", ACT_ALLOW, L_HTTP, p_noarg, PAREN_NO, "", "stop evaluating the rules and let the message pass"),
	A("accept", ACT_ACCEPT, L_TCP, p_noarg, PAREN_NO, "", "accept the connection or content and stop evaluating"),
	A("deny", ACT_DENY, L_HREQ | L_HRES, p_deny, PAREN_NO,
	  "[deny_status <status>] [content-type <type>] [string|lf-string|file|lf-file|errorfile <arg>|errorfiles <name>] [hdr <name> <fmt>]*",
	  "block the request (403) or response (502) with an error page or a custom reply"),
	A("tarpit", ACT_TARPIT, L_HREQ, p_deny, PAREN_NO,
	  "[deny_status <status>] [content-type <type>] [string|lf-string|file|lf-file|errorfile <arg>|errorfiles <name>] [hdr <name> <fmt>]*",
	  "hold the request for 'timeout tarpit', then answer 500 or the given status"),
	A("reject", ACT_REJECT, L_HREQ | L_TCP, p_noarg, PAREN_NO, "", "close the connection at once, without a response"),
	A("silent-drop", ACT_SILENT_DROP, L_HREQ | L_HRES | L_TCP, p_noarg, PAREN_NO, "", "drop the connection without notifying the client"),
	A("auth", ACT_AUTH, L_HREQ, p_auth, PAREN_NO, "[realm <realm>]", "answer 401 asking for authentication"),
	A("redirect", ACT_REDIRECT, L_HREQ | L_HRES, p_redirect, PAREN_NO,
	  "location|prefix|scheme <fmt> [code <code>] [drop-query] [append-slash] [set-cookie <name>[=<value>]] [clear-cookie <name>]",
	  "answer with an HTTP redirect"),
	A("return", ACT_RETURN, L_HREQ | L_HRES, p_return, PAREN_NO,
	  "[status <code>] [content-type <type>] [default-errorfiles|errorfile <file>|errorfiles <name>|file <file>|lf-file <file>|string <str>|lf-string <fmt>] [hdr <name> <fmt>]*",
	  "answer with a response built from the arguments"),
	A("use-service", ACT_USE_SERVICE, L_HREQ | L_TCNT, p_use_service, PAREN_NO, "<service-name>",
	  "hand the request to a built-in service (prometheus-exporter)"),
	A("close", ACT_CLOSE, L_TRES, p_noarg, PAREN_NO, "", "close the connection with the server"),
	A("set-header", ACT_SET_HDR, L_HTTP, p_hdr_fmt, PAREN_NO, "<name> <fmt>", "replace a header with a formatted value"),
	A("add-header", ACT_ADD_HDR, L_HTTP, p_hdr_fmt, PAREN_NO, "<name> <fmt>", "append a header with a formatted value"),
	A("del-header", ACT_DEL_HDR, L_HTTP, p_del_hdr, PAREN_NO, "<name> [-m str|beg|end|sub|reg]", "remove matching headers"),
	A("replace-header", ACT_REPLACE_HDR, L_HTTP, p_replace_hdr, PAREN_NO, "<name> <regex> <fmt>", "rewrite whole header lines matching a regex"),
	A("replace-value", ACT_REPLACE_VAL, L_HTTP, p_replace_hdr, PAREN_NO, "<name> <regex> <fmt>", "rewrite each comma-separated header value matching a regex"),
	A("set-path", ACT_SET_PATH, L_HREQ, p_fmt, PAREN_NO, "<fmt>", "replace the request path"),
	A("set-pathq", ACT_SET_PATHQ, L_HREQ, p_fmt, PAREN_NO, "<fmt>", "replace the request path and query string"),
	A("set-query", ACT_SET_QUERY, L_HREQ, p_fmt, PAREN_NO, "<fmt>", "replace the query string"),
	A("set-uri", ACT_SET_URI, L_HREQ, p_fmt, PAREN_NO, "<fmt>", "replace the request URI"),
	A("set-method", ACT_SET_METHOD, L_HREQ, p_fmt, PAREN_NO, "<fmt>", "replace the request method"),
	A("replace-path", ACT_REPLACE_PATH, L_HREQ, p_replace_uri, PAREN_NO, "<regex> <fmt>", "rewrite the path with a regex"),
	A("replace-pathq", ACT_REPLACE_PATHQ, L_HREQ, p_replace_uri, PAREN_NO, "<regex> <fmt>", "rewrite path and query with a regex"),
	A("replace-uri", ACT_REPLACE_URI, L_HREQ, p_replace_uri, PAREN_NO, "<regex> <fmt>", "rewrite the URI with a regex"),
	A("set-status", ACT_SET_STATUS, L_HRES | L_HAFT, p_set_status, PAREN_NO, "<status> [reason <str>]", "replace the response status"),
	A("early-hint", ACT_EARLY_HINT, L_HREQ, p_hdr_fmt, PAREN_NO, "<name> <fmt>", "send a 103 Early Hints header"),
	A("normalize-uri", ACT_NORMALIZE_URI, L_HREQ, p_normalize_uri, PAREN_NO, "<normalizer> [full|strict]", "normalize the request URI"),
	A("set-var", ACT_SET_VAR, L_ALL, p_set_var, PAREN_REQUIRED, "(<scope>.<name>) <expr>", "store a sample in a variable"),
	A("set-var-fmt", ACT_SET_VAR_FMT, L_ALL, p_set_var_fmt, PAREN_REQUIRED, "(<scope>.<name>) <fmt>", "store a formatted string in a variable"),
	A("unset-var", ACT_UNSET_VAR, L_ALL, p_unset_var, PAREN_REQUIRED, "(<scope>.<name>)", "remove a variable"),
	A("set-log-level", ACT_SET_LOG_LEVEL, L_HTTP | L_TCNT | L_TRES, p_log_level, PAREN_NO, "<level>", "change the log level of this stream (silent: no log)"),
	A("set-nice", ACT_SET_NICE, L_HREQ | L_HRES | L_TCNT | L_TRES, p_set_nice, PAREN_NO, "<nice>", "change the scheduling priority (-1024..1024)"),
	A("set-tos", ACT_SET_TOS, L_HREQ | L_HRES | L_TCON | L_TSES | L_TCNT | L_TRES, p_set_tos, PAREN_NO, "<tos>", "set the IP TOS field of packets to the client"),
	A("set-mark", ACT_SET_MARK, L_HREQ | L_HRES | L_TCON | L_TSES | L_TCNT | L_TRES, p_set_mark, PAREN_NO, "<mark>", "set the Netfilter mark of packets to the client"),
	A("set-timeout", ACT_SET_TIMEOUT, L_HREQ | L_HRES, p_set_timeout, PAREN_NO, "server|tunnel|client <time|expr>", "change a timeout of this stream"),
	A("set-src", ACT_SET_SRC, L_HREQ | L_TCON | L_TSES | L_TCNT, p_expr1, PAREN_NO, "<expr>", "replace the client address"),
	A("set-dst", ACT_SET_DST, L_HREQ | L_TCON | L_TSES | L_TCNT, p_expr1, PAREN_NO, "<expr>", "replace the destination address"),
	A("set-src-port", ACT_SET_SRC_PORT, L_HREQ | L_TCON | L_TSES | L_TCNT, p_expr1, PAREN_NO, "<expr>", "replace the client port"),
	A("set-dst-port", ACT_SET_DST_PORT, L_HREQ | L_TCON | L_TSES | L_TCNT, p_expr1, PAREN_NO, "<expr>", "replace the destination port"),
	A("set-bandwidth-limit", ACT_SET_BANDWIDTH_LIMIT, L_HREQ | L_HRES | L_TCNT | L_TRES, p_bwlim, PAREN_NO, "<filter> [limit <expr>] [period <expr>]", "enable a bandwidth limitation filter"),
	A("strict-mode", ACT_STRICT_MODE, L_HTTP, p_strict_mode, PAREN_NO, "on|off", "fail the message when a rewrite fails (on) or ignore it"),
	A("wait-for-body", ACT_WAIT_FOR_BODY, L_HREQ | L_HRES, p_wait_body, PAREN_NO, "time <time> [at-least <bytes>]", "wait for the message body before evaluating further"),
	A("wait-for-handshake", ACT_WAIT_FOR_HANDSHAKE, L_HREQ, p_noarg, PAREN_NO, "", "wait for the TLS handshake to complete (0-RTT)"),
	A("disable-l7-retry", ACT_DISABLE_L7_RETRY, L_HREQ, p_noarg, PAREN_NO, "", "disable retries of this request"),
	A("do-resolve", ACT_DO_RESOLVE, L_HREQ | L_TCNT, p_do_resolve, PAREN_REQUIRED, "(<var>,<resolvers>[,ipv4|ipv6]) <expr>", "resolve a name into a variable"),
	A("expect-proxy", ACT_EXPECT_PROXY, L_TCON, p_expect_layer4, PAREN_NO, "layer4", "expect a PROXY protocol header on this connection"),
	A("expect-netscaler-cip", ACT_EXPECT_NETSCALER_CIP, L_TCON, p_expect_layer4, PAREN_NO, "layer4", "expect a NetScaler Client IP header"),
	A("switch-mode", ACT_SWITCH_MODE, L_TCNT, p_switch_mode, PAREN_NO, "http [proto <name>]", "upgrade a TCP stream to HTTP"),
	A("capture", ACT_CAPTURE, L_HREQ | L_HRES | L_TCNT, p_capture, PAREN_NO, "<expr> len <length> | id <idx>", "capture a sample for the logs"),
	A("track-sc0", ACT_TRACK_SC, L_HREQ | L_HRES | L_TCON | L_TSES | L_TCNT, p_track_sc, PAREN_NO, "<key> [table <table>]", "track the key in stick counter 0"),
	A("track-sc1", ACT_TRACK_SC, L_HREQ | L_HRES | L_TCON | L_TSES | L_TCNT, p_track_sc, PAREN_NO, "<key> [table <table>]", "track the key in stick counter 1"),
	A("track-sc2", ACT_TRACK_SC, L_HREQ | L_HRES | L_TCON | L_TSES | L_TCNT, p_track_sc, PAREN_NO, "<key> [table <table>]", "track the key in stick counter 2"),
	A("sc-inc-gpc0", ACT_SC_INC_GPC0, L_HREQ | L_HRES | L_TCP, p_sc_inc, PAREN_REQUIRED, "(<sc-id>)", "increment gpc0 of a tracked counter"),
	A("sc-inc-gpc1", ACT_SC_INC_GPC1, L_HREQ | L_HRES | L_TCP, p_sc_inc, PAREN_REQUIRED, "(<sc-id>)", "increment gpc1 of a tracked counter"),
	A("sc-inc-gpc", ACT_SC_INC_GPC, L_HREQ | L_HRES | L_TCP, p_sc_inc, PAREN_REQUIRED, "(<idx>,<sc-id>)", "increment a gpc array element of a tracked counter"),
	A("sc-set-gpt0", ACT_SC_SET_GPT0, L_HREQ | L_HRES | L_TCP, p_sc_set_gpt, PAREN_REQUIRED, "(<sc-id>) <int|expr>", "set gpt0 of a tracked counter"),
	A("sc-set-gpt", ACT_SC_SET_GPT, L_HREQ | L_HRES | L_TCP, p_sc_set_gpt, PAREN_REQUIRED, "(<idx>,<sc-id>) <int|expr>", "set a gpt array element of a tracked counter"),
	A("set-map", ACT_SET_MAP, L_HREQ | L_HRES, p_map, PAREN_REQUIRED, "(<file>) <key fmt> <value fmt>", "add or update an entry of a loaded map"),
	A("del-map", ACT_DEL_MAP, L_HREQ | L_HRES, p_map, PAREN_REQUIRED, "(<file>) <key fmt>", "remove an entry of a loaded map"),
	A("add-acl", ACT_ADD_ACL, L_HREQ | L_HRES, p_map, PAREN_REQUIRED, "(<file>) <key fmt>", "add a pattern to a loaded ACL file"),
	A("del-acl", ACT_DEL_ACL, L_HREQ | L_HRES, p_map, PAREN_REQUIRED, "(<file>) <key fmt>", "remove a pattern from a loaded ACL file"),
	A("send-spoe-group", ACT_NONE, L_HREQ | L_HRES | L_TCNT | L_TRES, p_unsupported, PAREN_OPTIONAL, "<engine> <group>", "not supported: SPOE filters are not implemented"),
	A("cache-use", ACT_NONE, L_HREQ, p_unsupported, PAREN_OPTIONAL, "<cache>", "not supported: cache sections are not implemented"),
	A("cache-store", ACT_NONE, L_HRES, p_unsupported, PAREN_OPTIONAL, "<cache>", "not supported: cache sections are not implemented"),
};
const int rule_nactions = (int)ARRAY_SIZE(rule_actions);

const char *rule_act_name(enum rule_act act)
{
	for (int i = 0; i < rule_nactions; i++)
		if (rule_actions[i].act == act && act != ACT_NONE)
			return rule_actions[i].name;
	switch (act) {
	case ACT_USE_BACKEND: return "use_backend";
	case ACT_USE_SERVER: return "use-server";
	case ACT_FORCE_PERSIST: return "force-persist";
	case ACT_IGNORE_PERSIST: return "ignore-persist";
	case ACT_MONITOR_URI: return "monitor-uri";
	case ACT_MONITOR_FAIL: return "monitor fail";
	case ACT_HTTP_ERROR: return "http-error";
	default: return "none";
	}
}

void rule_foreach_action(void (*fn)(const char *list, const char *action, const char *usage,
				    const char *help, void *arg), void *arg)
{
	for (int l = RULE_HTTP_REQ; l <= RULE_TCP_RES; l++)
		for (int i = 0; i < rule_nactions; i++)
			if (rule_actions[i].lists & RULE_LIST_BIT(l))
				fn(rule_list_kw((enum rule_list)l), rule_actions[i].name,
				   rule_actions[i].usage, rule_actions[i].help, arg);
}
