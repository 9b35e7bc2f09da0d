/*
 * Parsers of one health-check rule: `connect`, `send*`, `expect`,
 * `set-var`/`unset-var`, shared by `tcp-check` and `http-check`
 * (include/weir/check-t.h). Each turns the words of one line into a
 * struct check_rule; ordering between rules is check_kw.c's business.
 * Runs in the master while loading. Compiled regexes belong to the
 * model's arena (freed by arena_free through arena_on_free).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <limits.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check_int.h"
#include "weir/logfmt.h"
#include "weir/sample.h"

#define CHK_SMP (SMP_AT_CHECK | SMP_AT_BACKEND)

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A value word after an option ("comment <text>"): must exist and not be empty. */
static const char *need_value(int argc, char **argv, int i, char *err, size_t errlen, const char *what)
{
	if (i + 1 >= argc || !*argv[i + 1]) {
		fail(err, errlen, "'%s' expects %s as argument.", argv[i], what);
		return NULL;
	}
	return argv[i + 1];
}

static struct logfmt *compile_lf(struct cfg_ctx *ctx, const char *fmt, char *err)
{
	struct logfmt *lf = logfmt_compile(ctx, fmt, CHK_SMP);
	if (!lf)
		err[0] = '\0';      /* logfmt_compile has reported it */
	return lf;
}

static void re_free(void *p)
{
	pcre2_code_free(p);
}

/* Compiles a regex of the model (the lifetime of the arena). */
static pcre2_code *compile_re(struct cfg_ctx *ctx, const char *pattern, int icase, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       icase ? PCRE2_CASELESS : 0, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		fail(err, errlen, "regex '%s' is invalid (error=%s, erroffset=%zu)", pattern,
		     (const char *)msg, (size_t)off);
		return NULL;
	}
	arena_on_free(ctx->arena, re_free, re);
	return re;
}

int chk_parse_hex(struct arena *a, const char *hex, unsigned char **out, size_t *len,
		  char *err, size_t errlen)
{
	size_t n = strlen(hex);
	if (n % 2)
		return fail(err, errlen, "'%s' invalid binary string (an even number of hex digits is "
			    "expected, got %zu)", hex, n);
	unsigned char *b = arena_alloc(a, n / 2 + 1);
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)hex[i]))
			return fail(err, errlen, "'%s' invalid binary string ('%c' is not a hex digit)",
				    hex, hex[i]);
		int v = isdigit((unsigned char)hex[i]) ? hex[i] - '0' : (tolower((unsigned char)hex[i]) - 'a' + 10);
		b[i / 2] = (unsigned char)(i % 2 ? (b[i / 2] | v) : (v << 4));
	}
	*out = b;
	*len = n / 2;
	return 0;
}

/* ----------------------------------------------------------------- connect */

static int connect_port(struct cfg_ctx *ctx, struct check_connect *c, const char *arg, char *err,
			size_t errlen)
{
	char *end;
	long port = strtol(arg, &end, 10);
	if (*arg && !*end) {
		if (port < 1 || port > 65535)
			return fail(err, errlen, "expects a valid TCP port (from range 1 to 65535) or a "
				    "sample expression, got %s.", arg);
		c->port = (int)port;
		return 0;
	}
	char serr[512];
	c->port_expr = sample_expr_parse(ctx, arg, CHK_SMP, serr, sizeof(serr));
	if (!c->port_expr)
		return fail(err, errlen, "error detected while parsing port expression : %s", serr);
	c->port_expr_text = arena_strdup(ctx->arena, arg);
	return 0;
}

static int connect_proto(int http, const char *p, char *err, size_t errlen)
{
	static const char *const http_protos[] = { "h1", "h2", "fcgi", NULL };
	for (int i = 0; http_protos[i]; i++)
		if (strcmp(p, http_protos[i]) == 0)
			return http ? 0 : fail(err, errlen, "'proto' : invalid MUX protocol '%s' for tcp-check", p);
	if (!http && strcmp(p, "none") == 0)
		return 0;
	return fail(err, errlen, "'proto' : unknown MUX protocol '%s' (expects %s).", p,
		    http ? "'h1', 'h2' or 'fcgi'" : "'none'");
}

static int connect_opt(struct cfg_ctx *ctx, int http, int argc, char **argv, int i,
		       struct check_connect *c, char **comment, char *err, size_t errlen)
{
	const char *o = argv[i], *v;
	static const struct { const char *name; unsigned bit; } flags[] = {
		{ "default", CHECK_CONN_DEFAULT }, { "send-proxy", CHECK_CONN_SEND_PROXY },
		{ "via-socks4", CHECK_CONN_SOCKS4 }, { "linger", CHECK_CONN_LINGER }, { "ssl", CHECK_CONN_SSL },
	};
	for (size_t k = 0; k < ARRAY_SIZE(flags); k++)
		if (strcmp(o, flags[k].name) == 0) {
			c->opts |= flags[k].bit;
			return 1;
		}
	if (strcmp(o, "addr") == 0) {
		if (!(v = need_value(argc, argv, i, err, errlen, "<ipv4|ipv6>")))
			return -1;
		char aerr[256];
		if (cfg_parse_addr(ctx->arena, v, CFG_ADDR_FOR_CHECK, &c->addr_c, aerr, sizeof(aerr)) < 0)
			return fail(err, errlen, "'addr' : %s.", aerr);
		c->addr = arena_strdup(ctx->arena, v);
	} else if (strcmp(o, "port") == 0) {
		if (!(v = need_value(argc, argv, i, err, errlen, "a port number or a sample expression")) ||
		    connect_port(ctx, c, v, err, errlen) < 0)
			return -1;
	} else if (strcmp(o, "proto") == 0) {
		if (!(v = need_value(argc, argv, i, err, errlen, "a MUX protocol")) ||
		    connect_proto(http, v, err, errlen) < 0)
			return -1;
		c->proto = arena_strdup(ctx->arena, v);
	} else if (strcmp(o, "comment") == 0 || strcmp(o, "sni") == 0 || strcmp(o, "alpn") == 0) {
		if (!(v = need_value(argc, argv, i, err, errlen, "a string")))
			return -1;
		char **dst = o[0] == 'c' ? comment : o[0] == 's' ? &c->sni : &c->alpn;
		*dst = arena_strdup(ctx->arena, v);
	} else {
		return fail(err, errlen, "expects 'comment', 'port', 'addr', 'send-proxy', 'ssl', 'sni', "
			    "'alpn', 'proto' or 'via-socks4', 'linger', 'default' but got '%s' as argument.", o);
	}
	return 2;
}

int chk_parse_connect(struct cfg_ctx *ctx, int http, int argc, char **argv,
		      struct check_rule *r, char *err, size_t errlen)
{
	r->action = CHECK_ACT_CONNECT;
	for (int i = 0; i < argc;) {
		int n = connect_opt(ctx, http, argc, argv, i, &r->connect, &r->comment, err, errlen);
		if (n < 0)
			return -1;
		i += n;
	}
	return 0;
}

/* -------------------------------------------------------------------- send */

/* Trailing `comment <text>`, the only option of the tcp-check send forms. */
static int trailing_comment(struct cfg_ctx *ctx, int argc, char **argv, int i, struct check_rule *r,
			    char *err, size_t errlen)
{
	for (; i < argc; i += 2) {
		if (strcmp(argv[i], "comment") != 0)
			return fail(err, errlen, "expects 'comment' but got '%s' as argument.", argv[i]);
		const char *v = need_value(argc, argv, i, err, errlen, "a string");
		if (!v)
			return -1;
		r->comment = arena_strdup(ctx->arena, v);
	}
	return 0;
}

int chk_parse_send(struct cfg_ctx *ctx, const char *action, int argc, char **argv,
		   struct check_rule *r, char *err, size_t errlen)
{
	struct check_send *s = &r->send;
	r->action = CHECK_ACT_SEND;
	s->type = strcmp(action, "send-binary") == 0 ? CHECK_SEND_BINARY :
		  strcmp(action, "send-lf") == 0 ? CHECK_SEND_STRING_LF :
		  strcmp(action, "send-binary-lf") == 0 ? CHECK_SEND_BINARY_LF : CHECK_SEND_STRING;
	if (argc < 1 || !*argv[0])
		return fail(err, errlen, "'%s' expects a %s as argument", action,
			    s->type == CHECK_SEND_BINARY ? "binary string" : "string");
	if (trailing_comment(ctx, argc, argv, 1, r, err, errlen) < 0)
		return -1;
	s->data = arena_strdup(ctx->arena, argv[0]);
	s->len = strlen(argv[0]);
	switch (s->type) {
	case CHECK_SEND_BINARY: {
		unsigned char *b;
		if (chk_parse_hex(ctx->arena, argv[0], &b, &s->len, err, errlen) < 0)
			return -1;
		s->data = (char *)b;
		break;
	}
	case CHECK_SEND_STRING_LF:
	case CHECK_SEND_BINARY_LF:
		if (!(s->fmt = compile_lf(ctx, argv[0], err)))
			return -1;
		break;
	default:
		break;
	}
	return 0;
}

/* hdr <name> <value>: at most one Host; Content-Length and Transfer-Encoding
 * are computed by the checker, so HAProxy drops them silently. */
static int send_hdr(struct cfg_ctx *ctx, struct check_send *s, const char *name, const char *value,
		    char *err, size_t errlen)
{
	struct check_hdr *h;
	if (strcasecmp(name, "content-length") == 0 || strcasecmp(name, "transfer-encoding") == 0)
		return 0;
	if (strcasecmp(name, "host") == 0) {
		VEC_EACH(&s->hdrs, struct check_hdr *, h)
			if (strcasecmp(h->name, "host") == 0)
				return fail(err, errlen, "'%s' header already defined (previous value is '%s')",
					    name, h->value);
	}
	h = arena_alloc(ctx->arena, sizeof(*h));
	h->name = arena_strdup(ctx->arena, name);
	h->value = arena_strdup(ctx->arena, value);
	if (!(h->value_fmt = compile_lf(ctx, value, err)))
		return -1;
	vec_push(ctx->arena, &s->hdrs, h);
	return 0;
}

static int send_http_opt(struct cfg_ctx *ctx, struct check_rule *r, int argc, char **argv, int i,
			 char *err, size_t errlen)
{
	struct check_send *s = &r->send;
	const char *o = argv[i];
	if (strcmp(o, "hdr") == 0) {
		if (i + 2 >= argc || !*argv[i + 1] || !*argv[i + 2])
			return fail(err, errlen, "'hdr' expects <name> and <value> as arguments");
		return send_hdr(ctx, s, argv[i + 1], argv[i + 2], err, errlen) < 0 ? -1 : 3;
	}
	static const char *const opts[] = { "meth", "uri", "uri-lf", "ver", "body", "body-lf", "comment" };
	size_t k = 0;
	while (k < ARRAY_SIZE(opts) && strcmp(o, opts[k]) != 0)
		k++;
	if (k == ARRAY_SIZE(opts))
		return fail(err, errlen, "expects 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body' "
			    "or 'body-lf' but got '%s' as argument.", o);
	const char *v = need_value(argc, argv, i, err, errlen, "a string");
	if (!v)
		return -1;
	char *dup = arena_strdup(ctx->arena, v);
	switch (k) {
	case 0: s->meth = dup; break;
	case 1: case 2: s->uri = dup; s->uri_lf = k == 2; s->uri_fmt = NULL; break;
	case 3: s->ver = dup; break;
	case 4: case 5: s->body = dup; s->body_lf = k == 5; s->body_fmt = NULL; break;
	default: r->comment = dup; break;
	}
	return 2;
}

int chk_parse_send_http(struct cfg_ctx *ctx, int argc, char **argv,
			struct check_rule *r, char *err, size_t errlen)
{
	struct check_send *s = &r->send;
	r->action = CHECK_ACT_SEND;
	s->type = CHECK_SEND_HTTP;
	for (int i = 0; i < argc;) {
		int n = send_http_opt(ctx, r, argc, argv, i, err, errlen);
		if (n < 0)
			return -1;
		i += n;
	}
	if (s->uri_lf && !(s->uri_fmt = compile_lf(ctx, s->uri, err)))
		return -1;
	if (s->body_lf && !(s->body_fmt = compile_lf(ctx, s->body, err)))
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ expect */

const char *const check_result_names[] = {
	"", "L4OK", "L6OK", "L7OK", "L7OKC", "L4CON", "L6RSP", "L7RSP", "L7STS", "L4TOUT", "L6TOUT", "L7TOUT",
};

/* ok-status / error-status / tout-status: `allowed` lists the results the
 * option accepts, as HAProxy does. */
static int expect_status(const char *opt, const char *v, const enum check_result *allowed, int n,
			 enum check_result *out, char *err, size_t errlen)
{
	struct sbuf list = {0};
	for (int i = 0; i < n; i++)
		if (strcasecmp(v, check_result_names[allowed[i]]) == 0) {
			*out = allowed[i];
			return 0;
		}
	for (int i = 0; i < n; i++)
		sbuf_printf(&list, "%s'%s'", i ? (i == n - 1 ? " or " : ", ") : "", check_result_names[allowed[i]]);
	fail(err, errlen, "'%s' only supports %s status (got '%s').", opt, sbuf_str(&list), v);
	sbuf_free(&list);
	return -1;
}

static int expect_statuses(struct cfg_ctx *ctx, struct check_expect *e, const char *pat, char *err,
			   size_t errlen)
{
	const char *p = pat;
	for (;;) {
		struct check_status_range *rg = arena_alloc(ctx->arena, sizeof(*rg));
		char *end;
		rg->lo = rg->hi = (int)strtol(p, &end, 10);
		if (end == p)
			rg->lo = rg->hi = 0;
		p = end;
		if (*p == '-') {
			rg->hi = (int)strtol(p + 1, &end, 10);
			p = end;
		}
		if (rg->lo > rg->hi)
			return fail(err, errlen, "invalid range of status codes '%s'", pat);
		vec_push(ctx->arena, &e->statuses, rg);
		if (!*p)
			return 0;
		if (*p != ',')
			return fail(err, errlen, "invalid character '%c' in the list of status codes", *p);
		p++;
	}
}

/* hdr|fhdr name [-m meth] <pattern> [value [-m meth] <pattern>]; returns words used. */
static int hdr_method(const char *kw, int argc, char **argv, int i, enum check_hdr_match *m,
		      char *err, size_t errlen)
{
	static const char *const names[] = { "str", "beg", "end", "sub", "reg" };
	if (i >= argc || strcmp(argv[i], "-m") != 0) {
		*m = CHECK_HM_STR;
		return 0;
	}
	if (i + 1 >= argc || !*argv[i + 1])
		return fail(err, errlen, "'%s' : '-m' expects at a matching pattern ('str', 'beg', 'end', "
			    "'sub' or 'reg')", kw);
	for (int k = 0; k < 5; k++)
		if (strcmp(argv[i + 1], names[k]) == 0) {
			*m = (enum check_hdr_match)k;
			return 2;
		}
	return fail(err, errlen, "'%s' : '-m' only supports 'str', 'beg', 'end', 'sub' or 'reg' (got '%s')",
		    kw, argv[i + 1]);
}

static int expect_hdr(struct cfg_ctx *ctx, struct check_expect *e, int argc, char **argv, int i,
		      char *err, size_t errlen)
{
	const char *kw = argv[i];
	int j = i + 1, n;
	e->type = CHECK_EXP_HDR;
	e->hdr_full = kw[0] == 'f';
	if (j + 1 >= argc || (strcmp(argv[j], "name") && strcmp(argv[j], "name-lf")))
		return fail(err, errlen, "'%s' expects at the name keyword as first argument followed by a "
			    "pattern", kw);
	e->hdr_name_lf = strcmp(argv[j], "name-lf") == 0;
	if ((n = hdr_method(kw, argc, argv, j + 1, &e->hdr_name_match, err, errlen)) < 0)
		return -1;
	j += 1 + n;
	if (j >= argc || !*argv[j])
		return fail(err, errlen, "'%s' expects at the name keyword as first argument followed by a "
			    "pattern", kw);
	e->hdr_name = arena_strdup(ctx->arena, argv[j++]);
	if (j >= argc || (strcmp(argv[j], "value") && strcmp(argv[j], "value-lf")))
		return j - i;
	e->hdr_value_lf = strcmp(argv[j], "value-lf") == 0;
	if ((n = hdr_method(kw, argc, argv, j + 1, &e->hdr_value_match, err, errlen)) < 0)
		return -1;
	j += 1 + n;
	if (j >= argc || !*argv[j])
		return fail(err, errlen, "'%s' expect a pattern with the value keyword", kw);
	e->hdr_value = arena_strdup(ctx->arena, argv[j++]);
	return j - i;
}

static int bad_matcher(int http, const char *w, char *err, size_t errlen)
{
	if (!http)
		return fail(err, errlen, "'only supports min-recv, '[!]binary', '[!]string', '[!]rstring', "
			    "'[!]string-lf', '[!]rbinary', '[!]binary-lf' or comment but got '%s' as argument.", w);
	int n = snprintf(err, errlen, "'only supports min-recv, [!]string', '[!]rstring', '[!]string-lf', "
			 "'[!]status', '[!]rstatus', [!]hdr, [!]fhdr or comment but got '%s' as argument.", w);
	if (strcmp(w, "body") == 0 && n > 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, " To match the response body, use 'string' (or "
			 "'rstring' for a regex): 'http-check expect string <text>'.");
	return -1;
}

/* The matcher word at argv[i] and its pattern; returns words used. */
static int expect_matcher(struct cfg_ctx *ctx, int http, struct check_expect *e, int argc, char **argv,
			  int i, char *err, size_t errlen)
{
	static const struct { const char *w; enum check_expect_type t; int http_ok, tcp_ok; } m[] = {
		{ "string", CHECK_EXP_STRING, 1, 1 }, { "rstring", CHECK_EXP_RSTRING, 1, 1 },
		{ "string-lf", CHECK_EXP_STRING_LF, 1, 1 }, { "binary", CHECK_EXP_BINARY, 0, 1 },
		{ "rbinary", CHECK_EXP_RBINARY, 0, 1 }, { "binary-lf", CHECK_EXP_BINARY_LF, 0, 1 },
		{ "status", CHECK_EXP_STATUS, 1, 0 }, { "rstatus", CHECK_EXP_RSTATUS, 1, 0 },
	};
	const char *w = argv[i];
	if (e->pattern || e->hdr_name)
		return fail(err, errlen, "only on pattern expected");
	if (strcmp(w, "hdr") == 0 || strcmp(w, "fhdr") == 0)
		return http ? expect_hdr(ctx, e, argc, argv, i, err, errlen) : bad_matcher(0, w, err, errlen);
	for (size_t k = 0; k < ARRAY_SIZE(m); k++) {
		if (strcmp(w, m[k].w) != 0)
			continue;
		if (!(http ? m[k].http_ok : m[k].tcp_ok))
			break;
		if (i + 1 >= argc || !*argv[i + 1])
			return fail(err, errlen, "'%s' expects a <pattern> as argument", w);
		e->type = m[k].t;
		e->pattern = arena_strdup(ctx->arena, argv[i + 1]);
		return 2;
	}
	return bad_matcher(http, w, err, errlen);
}

static int expect_opt(struct cfg_ctx *ctx, struct check_expect *e, char **comment, int argc, char **argv,
		      int i, char *err, size_t errlen)
{
	static const enum check_result ok[] = { CHECK_RES_L4OK, CHECK_RES_L6OK, CHECK_RES_L7OK, CHECK_RES_L7OKC };
	static const enum check_result ko[] = { CHECK_RES_L4CON, CHECK_RES_L6RSP, CHECK_RES_L7RSP,
						CHECK_RES_L7STS, CHECK_RES_L7OKC };
	static const enum check_result to[] = { CHECK_RES_L4TOUT, CHECK_RES_L6TOUT, CHECK_RES_L7TOUT };
	const char *o = argv[i];
	const char *v = need_value(argc, argv, i, err, errlen,
				   strcmp(o, "min-recv") == 0 ? "an integer" : "a string");
	if (!v)
		return -1;
	if (strcmp(o, "min-recv") == 0) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < -1 || n > INT_MAX)
			return fail(err, errlen, "'min-recv' expects -1 or an integer from 0 to INT_MAX");
		e->min_recv = (int)n;
	} else if (strcmp(o, "comment") == 0) {
		*comment = arena_strdup(ctx->arena, v);
	} else if (strcmp(o, "on-success") == 0 || strcmp(o, "on-error") == 0) {
		struct logfmt *lf = compile_lf(ctx, v, err);
		if (!lf)
			return -1;
		*(o[3] == 's' ? &e->on_success : &e->on_error) = arena_strdup(ctx->arena, v);
		*(o[3] == 's' ? &e->on_success_fmt : &e->on_error_fmt) = lf;
	} else if (strcmp(o, "ok-status") == 0) {
		return expect_status(o, v, ok, 4, &e->ok_status, err, errlen) < 0 ? -1 : 2;
	} else if (strcmp(o, "error-status") == 0) {
		return expect_status(o, v, ko, 5, &e->err_status, err, errlen) < 0 ? -1 : 2;
	} else if (strcmp(o, "tout-status") == 0) {
		return expect_status(o, v, to, 3, &e->tout_status, err, errlen) < 0 ? -1 : 2;
	} else {
		char serr[512];
		if (!(e->status_code_expr = sample_expr_parse(ctx, v, CHK_SMP, serr, sizeof(serr))))
			return fail(err, errlen, "error detected while parsing status-code expression : %s", serr);
		e->status_code = arena_strdup(ctx->arena, v);
	}
	return 2;
}

static int is_expect_opt(const char *w)
{
	static const char *const opts[] = { "min-recv", "comment", "on-success", "on-error", "ok-status",
					    "error-status", "tout-status", "status-code" };
	for (size_t k = 0; k < ARRAY_SIZE(opts); k++)
		if (strcmp(w, opts[k]) == 0)
			return 1;
	return 0;
}

/* Compiles what the matcher needs once all words are read. */
static int expect_compile(struct cfg_ctx *ctx, struct check_expect *e, char *err, size_t errlen)
{
	switch (e->type) {
	case CHECK_EXP_STATUS:
		return expect_statuses(ctx, e, e->pattern, err, errlen);
	case CHECK_EXP_BINARY:
		return chk_parse_hex(ctx->arena, e->pattern, &e->bin, &e->binlen, err, errlen);
	case CHECK_EXP_RSTRING:
	case CHECK_EXP_RBINARY:
	case CHECK_EXP_RSTATUS:
		return (e->re = compile_re(ctx, e->pattern, 0, err, errlen)) ? 0 : -1;
	case CHECK_EXP_STRING_LF:
	case CHECK_EXP_BINARY_LF:
		return (e->fmt = compile_lf(ctx, e->pattern, err)) ? 0 : -1;
	case CHECK_EXP_HDR:
		if (e->hdr_name_match == CHECK_HM_REG &&
		    !(e->hdr_name_re = compile_re(ctx, e->hdr_name, 1, err, errlen)))
			return -1;
		if (e->hdr_value && e->hdr_value_match == CHECK_HM_REG &&
		    !(e->hdr_value_re = compile_re(ctx, e->hdr_value, 0, err, errlen)))
			return -1;
		return 0;
	default:
		return 0;
	}
}

int chk_parse_expect(struct cfg_ctx *ctx, int http, int argc, char **argv,
		     struct check_rule *r, char *err, size_t errlen)
{
	struct check_expect *e = &r->expect;
	r->action = CHECK_ACT_EXPECT;
	e->min_recv = -1;
	if (argc < 1)
		return fail(err, errlen, "expects at least a matching pattern as arguments");
	for (int i = 0; i < argc;) {
		const char *w = argv[i];
		int n, bang = 0;
		while (w[0] == '!') {
			e->inverse = !e->inverse;
			w++;
			bang = 1;
		}
		if (bang && !*w) {          /* "!" alone: the matcher is the next word */
			i++;
			continue;
		}
		if (is_expect_opt(w)) {
			if (bang)
				return fail(err, errlen, "[!] not supported with '%s'", w);
			n = expect_opt(ctx, e, &r->comment, argc, argv, i, err, errlen);
		} else {
			argv[i] = (char *)w;
			n = expect_matcher(ctx, http, e, argc, argv, i, err, errlen);
		}
		if (n < 0)
			return -1;
		i += n;
	}
	if (!e->pattern && !e->hdr_name)
		return fail(err, errlen, "pattern not found (expects a matcher such as %s)",
			    http ? "'status 200' or 'string <text>'" : "'string <text>' or 'binary <hex>'");
	return expect_compile(ctx, e, err, errlen);
}

/* ------------------------------------------------------------- variables */

static int valid_var_name(const char *name)
{
	static const char *const scopes[] = { "proc.", "sess.", "txn.", "req.", "res.", "check." };
	for (size_t k = 0; k < ARRAY_SIZE(scopes); k++)
		if (strncmp(name, scopes[k], strlen(scopes[k])) == 0 && name[strlen(scopes[k])])
			return 1;
	return 0;
}

/* set-var(<name>) <expr> | unset-var(<name>); action holds the parenthesis. */
int chk_parse_var(struct cfg_ctx *ctx, const char *action, int argc, char **argv,
		  struct check_rule *r, char *err, size_t errlen)
{
	int set = strncmp(action, "set-var(", 8) == 0;
	const char *open = strchr(action, '(');
	size_t len = strlen(action);
	if (!open || action[len - 1] != ')')
		return fail(err, errlen, "'%s' : missing closing parenthesis (expects %s(<name>)).", action,
			    set ? "set-var" : "unset-var");
	r->action = set ? CHECK_ACT_SET_VAR : CHECK_ACT_UNSET_VAR;
	r->var_name = arena_strndup(ctx->arena, open + 1, (size_t)(action + len - 1 - (open + 1)));
	char *comma = strchr(r->var_name, ',');
	if (comma)
		*comma = '\0';      /* set-var(name,cond...): conditions are kept in src */
	if (!valid_var_name(r->var_name))
		return fail(err, errlen, "invalid variable name '%s' (expects a 'proc.', 'sess.', 'txn.', "
			    "'req.', 'res.' or 'check.' scope followed by a name)", r->var_name);
	if (!set)
		return argc ? fail(err, errlen, "'%s' takes no argument but got '%s'", action, argv[0]) : 0;
	if (argc != 1)
		return fail(err, errlen, "'%s' expects exactly one sample expression as argument", action);
	char serr[512];
	if (!sample_expr_parse(ctx, argv[0], CHK_SMP, serr, sizeof(serr)))
		return fail(err, errlen, "'%s' : %s", action, serr);
	r->var_expr = arena_strdup(ctx->arena, argv[0]);
	return 0;
}
