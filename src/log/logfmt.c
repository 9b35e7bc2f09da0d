/*
 * The log-format compiler: turns `%ci:%cp [%tr] %{+Q}r %[src]` into an
 * array of nodes (logfmt-t.h) once, at load time in the master, so that the
 * workers build a log line by walking nodes. Owns the table of HAProxy 2.6's
 * log-format variables and the built-in formats of `option httplog` & co.
 *
 * Syntax, as HAProxy 2.6 reads it: `%%` is a literal '%'; `%name` is a
 * variable whose name runs over letters and digits; `%{+Q,-X}name` applies
 * flags to one variable, `%{+Q}o` to every variable after it; `%[expr]` is
 * a sample expression. A '%' followed by a digit or a blank is an error
 * (HAProxy's "Maybe you want to write a single '%'").
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "weir/logfmt.h"

/* The formats as HAProxy 2.6's documentation gives them (section 8.2). */
const char logfmt_httplog[] =
	"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc "
	"%ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";
const char logfmt_httpslog[] =
	"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc "
	"%ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r "
	"%[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] "
	"%[ssl_fc_sni]/%sslv/%sslc";
const char logfmt_tcplog[] =
	"%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";
const char logfmt_clf[] =
	"%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc "
	"%Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl";

struct lf_var_def {
	const char *name;
	enum logfmt_var var;
	int http;            /* reserved for HTTP mode in HAProxy 2.6 */
	unsigned needs;      /* enum logfmt_need */
	const char *help;
};

/* Indexed by enum logfmt_var. */
static const struct lf_var_def lf_vars[LFV__COUNT] = {
	{ "B", LFV_BYTES_DOWN, 0, 0, "bytes sent to the client" },
	{ "CC", LFV_CCLIENT, 1, LFN_NEED_REQ_HDRS, "captured request cookie" },
	{ "CS", LFV_CSERVER, 1, LFN_NEED_RES_HDRS, "captured response cookie" },
	{ "H", LFV_HOSTNAME, 0, 0, "host name of the machine" },
	{ "ID", LFV_UNIQUE_ID, 0, LFN_NEED_UNIQUE_ID, "unique-id of the request" },
	{ "ST", LFV_STATUS, 0, 0, "status code" },
	{ "T", LFV_DATE_GMT, 0, 0, "accept date, GMT" },
	{ "Ta", LFV_TA, 1, 0, "active time of the request (Tr to end)" },
	{ "Tc", LFV_TC, 0, 0, "time to connect to the server" },
	{ "Td", LFV_TD, 0, 0, "data transfer time (Tt - (Tq + Tw + Tc + Tr))" },
	{ "Th", LFV_TH, 0, 0, "connection handshake time" },
	{ "Ti", LFV_TI, 1, 0, "idle time before the request" },
	{ "Tl", LFV_DATE_LOCAL, 0, 0, "accept date, local time" },
	{ "Tq", LFV_TQ, 1, 0, "Th + Ti + TR" },
	{ "TR", LFV_TR_RECV, 1, 0, "time to receive the full request" },
	{ "Tr", LFV_TR_RESP, 1, 0, "server response time" },
	{ "Ts", LFV_TS, 0, 0, "accept date as a UNIX timestamp" },
	{ "Tt", LFV_TT, 0, 0, "total session time" },
	{ "Tu", LFV_TU, 0, 0, "total time minus idle time" },
	{ "Tw", LFV_TW, 0, 0, "time waiting in queues" },
	{ "U", LFV_BYTES_UP, 0, 0, "bytes received from the client" },
	{ "ac", LFV_ACTCONN, 0, 0, "concurrent connections of the process" },
	{ "b", LFV_BACKEND, 0, 0, "backend name" },
	{ "bc", LFV_BECONN, 0, 0, "concurrent connections of the backend" },
	{ "bi", LFV_BACKEND_IP, 0, LFN_NEED_SRC_ADDR, "backend source IP" },
	{ "bp", LFV_BACKEND_PORT, 0, LFN_NEED_SRC_ADDR, "backend source port" },
	{ "bq", LFV_BCKQUEUE, 0, 0, "requests in the backend queue" },
	{ "ci", LFV_CLIENT_IP, 0, 0, "client IP" },
	{ "cp", LFV_CLIENT_PORT, 0, 0, "client port" },
	{ "f", LFV_FRONTEND, 0, 0, "frontend name" },
	{ "fc", LFV_FECONN, 0, 0, "concurrent connections of the frontend" },
	{ "fi", LFV_FRONTEND_IP, 0, 0, "frontend IP (accepting address)" },
	{ "fp", LFV_FRONTEND_PORT, 0, 0, "frontend port" },
	{ "ft", LFV_FRONTEND_XPRT, 0, 0, "frontend name with '~' when TLS" },
	{ "hr", LFV_HDR_REQ, 0, LFN_NEED_REQ_HDRS, "captured request headers" },
	{ "hrl", LFV_HDR_REQ_LIST, 0, LFN_NEED_REQ_HDRS, "captured request headers, as a list" },
	{ "hs", LFV_HDR_RES, 0, LFN_NEED_RES_HDRS, "captured response headers" },
	{ "hsl", LFV_HDR_RES_LIST, 0, LFN_NEED_RES_HDRS, "captured response headers, as a list" },
	{ "HM", LFV_HTTP_METHOD, 1, 0, "HTTP method" },
	{ "HP", LFV_HTTP_PATH, 1, 0, "HTTP request URI without the query string" },
	{ "HPO", LFV_HTTP_PATH_ONLY, 1, 0, "HTTP path only (no host, no query string)" },
	{ "HQ", LFV_HTTP_QUERY, 1, 0, "HTTP query string, with its '?'" },
	{ "HU", LFV_HTTP_URI, 1, 0, "HTTP request URI" },
	{ "HV", LFV_HTTP_VERSION, 1, 0, "HTTP version" },
	{ "lc", LFV_LOG_COUNTER, 0, 0, "log counter" },
	{ "ms", LFV_MS, 0, 0, "accept date, milliseconds" },
	{ "pid", LFV_PID, 0, 0, "process id" },
	{ "r", LFV_REQUEST, 1, 0, "HTTP request line" },
	{ "rc", LFV_RETRIES, 0, 0, "connection retries" },
	{ "rt", LFV_REQ_COUNTER, 0, 0, "request counter" },
	{ "s", LFV_SERVER, 0, 0, "server name" },
	{ "sc", LFV_SRVCONN, 0, 0, "concurrent connections of the server" },
	{ "si", LFV_SERVER_IP, 0, 0, "server IP" },
	{ "sp", LFV_SERVER_PORT, 0, 0, "server port" },
	{ "sq", LFV_SRVQUEUE, 0, 0, "requests in the server queue" },
	{ "sslc", LFV_SSL_CIPHER, 0, 0, "client-side TLS cipher" },
	{ "sslv", LFV_SSL_VERSION, 0, 0, "client-side TLS version" },
	{ "t", LFV_DATE, 0, 0, "accept date, local time with milliseconds" },
	{ "tr", LFV_TR_DATE, 1, 0, "request date, local time with milliseconds" },
	{ "trg", LFV_TR_DATE_GMT, 1, 0, "request date, GMT" },
	{ "trl", LFV_TR_DATE_LOCAL, 1, 0, "request date, local time" },
	{ "ts", LFV_TERMSTATE, 0, 0, "termination state" },
	{ "tsc", LFV_TERMSTATE_CK, 0, 0, "termination state with cookie status" },
};

const char *logfmt_var_name(enum logfmt_var var)
{
	return (unsigned)var < LFV__COUNT ? lf_vars[var].name : "?";
}

const char *logfmt_var_help(enum logfmt_var var)
{
	return (unsigned)var < LFV__COUNT ? lf_vars[var].help : "";
}

int logfmt_var_is_http(enum logfmt_var var)
{
	return (unsigned)var < LFV__COUNT && lf_vars[var].http;
}

int logfmt_var_find(const char *name)
{
	for (int i = 0; i < LFV__COUNT; i++)
		if (strcmp(lf_vars[i].name, name) == 0)
			return i;
	return -1;
}

const char *logfmt_first_http_var(const struct logfmt *lf)
{
	if (!lf || lf->first_http_var < 0)
		return NULL;
	return lf_vars[lf->nodes[lf->first_http_var].var].name;
}

/* The closest variable name for "did you mean", or NULL. Names differing
 * only in case come first: %hm is surely %HM. */
static const char *lf_suggest(const char *name)
{
	const char *best = NULL;
	int bestd = 1000;
	int limit = (int)strlen(name) / 2;
	for (int i = 0; i < LFV__COUNT; i++) {
		if (strcasecmp(lf_vars[i].name, name) == 0)
			return lf_vars[i].name;
		/* on equal distance, prefer a name of the same length (Tx: Tt, not T) */
		int d = str_distance(name, lf_vars[i].name) * 2 +
			(strlen(lf_vars[i].name) != strlen(name));
		if (d < bestd) {
			bestd = d;
			best = lf_vars[i].name;
		}
	}
	return bestd / 2 <= (limit > 1 ? limit : 1) ? best : NULL;
}

/* ------------------------------------------------------------ compiler */

struct lf_state {
	struct cfg_ctx *ctx;
	const char *fmt;
	unsigned where;
	unsigned defflags;    /* from %{...}o */
	struct sbuf text;     /* pending literal text */
	struct vec nodes;     /* struct logfmt_node * */
	unsigned needs;
	int first_http;
	int builtin;          /* one of the formats of the `option`s */
	char err[512];
};

static struct logfmt_node *lf_add(struct lf_state *st, enum logfmt_node_kind kind)
{
	struct logfmt_node *n = arena_alloc(st->ctx->arena, sizeof(*n));
	n->kind = kind;
	vec_push(st->ctx->arena, &st->nodes, n);
	return n;
}

static void lf_flush_text(struct lf_state *st)
{
	if (!st->text.len)
		return;
	struct logfmt_node *n = lf_add(st, LFN_TEXT);
	n->text = arena_strndup(st->ctx->arena, st->text.s, st->text.len);
	sbuf_reset(&st->text);
}

/*
 * Applies "+Q,-X" (args[0..len)) to *flags. Unknown flags are ignored by
 * HAProxy 2.6; weir keeps accepting them but says so, because a misspelt
 * flag silently changes the log line.
 */
static void lf_apply_flags(struct lf_state *st, const char *args, size_t len, unsigned *flags)
{
	static const struct { char c; unsigned bit; } known[] = {
		{ 'M', LFF_MANDATORY }, { 'Q', LFF_QUOTE }, { 'X', LFF_HEX }, { 'E', LFF_ESCAPE },
	};
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && args[j] != ',')
			j++;
		int ok = 0;
		if (j - i == 2 && (args[i] == '+' || args[i] == '-')) {
			for (size_t k = 0; k < ARRAY_SIZE(known); k++) {
				if (known[k].c != args[i + 1])
					continue;
				if (args[i] == '+')
					*flags |= known[k].bit;
				else
					*flags &= ~known[k].bit;
				ok = 1;
			}
		}
		if (!ok && j > i)
			cfg_warn(st->ctx, "'%s' : unknown log-format flag '%.*s' ignored "
				 "(known flags: +M, +Q, +X, +E and their '-' forms)",
				 st->ctx->kw, (int)(j - i), args + i);
		i = j + 1;
	}
}

/* Returns the end of a %[...] expression (the ']' at nesting depth 0), or
 * NULL when it is missing. Parentheses and quotes nest: `%[req.hdr(x),regsub(a],b)]`. */
static const char *lf_expr_end(const char *p)
{
	int depth = 0;
	char quote = 0;
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '\'' || *p == '"')
			quote = *p;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (*p == ']' && depth == 0)
			return p;
	}
	return NULL;
}

static int lf_fail(struct lf_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lf_fail(struct lf_state *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* %[expr]: p points after '['. Returns the position after ']' or NULL. */
static const char *lf_parse_sample(struct lf_state *st, const char *p, unsigned flags)
{
	const char *end = lf_expr_end(p);
	if (!end) {
		lf_fail(st, "missing ']' after '%s'", p);
		return NULL;
	}
	char *text = arena_strndup(st->ctx->arena, p, (size_t)(end - p));
	char err[400] = "";
	struct sample_expr *expr = sample_expr_parse(st->ctx, text, st->where, err, sizeof(err));
	if (!expr && st->builtin) {
		/* A built-in format (httpslog) names fetches the sample module may
		 * not provide yet: that is weir's gap, not the user's mistake. The
		 * node stays, without an expression, and renders as "-". */
	} else if (!expr) {
		lf_fail(st, "failed to parse sample expression <%s> : %s", text, err);
		return NULL;
	}
	lf_flush_text(st);
	struct logfmt_node *n = lf_add(st, LFN_SAMPLE);
	n->text = text;
	n->expr = expr;
	n->flags = flags;
	st->needs |= LFN_NEED_SAMPLES;
	return end + 1;
}

/* %name: p points at the name. Returns the position after it or NULL. */
static const char *lf_parse_var(struct lf_state *st, const char *p, const char *args,
				size_t argslen)
{
	const char *q = p;
	while (isalnum((unsigned char)*q))
		q++;
	char *name = arena_strndup(st->ctx->arena, p, (size_t)(q - p));
	unsigned flags = st->defflags;
	if (strcmp(name, "o") == 0) {
		/* %{...}o: global flags for every variable after it */
		lf_apply_flags(st, args, argslen, &st->defflags);
		return q;
	}
	int v = logfmt_var_find(name);
	if (v < 0) {
		const char *sugg = lf_suggest(name);
		lf_fail(st, "no such format variable '%s'%s%s%s If you wanted to emit the '%%' "
			"character verbatim, you need to use '%%%%'", name,
			sugg ? ", did you mean '" : ".", sugg ? sugg : "", sugg ? "' ?" : "");
		return NULL;
	}
	lf_apply_flags(st, args, argslen, &flags);
	lf_flush_text(st);
	struct logfmt_node *n = lf_add(st, LFN_VAR);
	n->var = (enum logfmt_var)v;
	n->flags = flags;
	st->needs |= lf_vars[v].needs | LFN_NEED_VARS;
	if (lf_vars[v].http) {
		st->needs |= LFN_NEED_HTTP;
		if (st->first_http < 0)
			st->first_http = st->nodes.n - 1;
	}
	return q;
}

/* One '%' construct; p points after the '%'. Returns where to go on. */
static const char *lf_parse_percent(struct lf_state *st, const char *p)
{
	const char *args = NULL;
	size_t argslen = 0;
	if (*p == '%') {
		sbuf_addc(&st->text, '%');
		return p + 1;
	}
	if (*p == '\0') {
		lf_fail(st, "truncated line after '%%'");
		return NULL;
	}
	if (isdigit((unsigned char)*p) || *p == ' ' || *p == '\t') {
		lf_fail(st, "unexpected variable name near '%c' at position %d line : '%s'. "
			"Maybe you want to write a single '%%', use the syntax '%%%%'",
			*p, (int)(p - st->fmt), st->fmt);
		return NULL;
	}
	if (*p == '{') {
		const char *close = strchr(p, '}');
		if (!close) {
			lf_fail(st, "truncated line after '%s'", p + 1);
			return NULL;
		}
		args = p + 1;
		argslen = (size_t)(close - args);
		p = close + 1;
		if (*p != '[' && !isalnum((unsigned char)*p)) {
			lf_fail(st, "parse argument modifier without variable name near '%%{%.*s}'",
				(int)argslen, args);
			return NULL;
		}
	}
	if (*p == '[') {
		unsigned flags = st->defflags;
		lf_apply_flags(st, args, argslen, &flags);
		return lf_parse_sample(st, p + 1, flags);
	}
	if (isalnum((unsigned char)*p))
		return lf_parse_var(st, p, args, argslen);
	/* '%' before punctuation: HAProxy keeps it as text */
	sbuf_addc(&st->text, '%');
	return p;
}

static struct logfmt *lf_finish(struct lf_state *st)
{
	struct logfmt *lf = arena_alloc(st->ctx->arena, sizeof(*lf));
	lf->src = arena_strdup(st->ctx->arena, st->fmt);
	lf->loc = st->ctx->loc;
	lf->n = st->nodes.n;
	lf->nodes = arena_alloc(st->ctx->arena, sizeof(*lf->nodes) * (size_t)(lf->n ? lf->n : 1));
	for (int i = 0; i < lf->n; i++)
		lf->nodes[i] = *(struct logfmt_node *)st->nodes.v[i];
	lf->needs = st->needs;
	lf->first_http_var = st->first_http;
	return lf;
}

struct logfmt *logfmt_compile(struct cfg_ctx *ctx, const char *fmt, unsigned where)
{
	struct lf_state st = { .ctx = ctx, .fmt = fmt, .where = where, .first_http = -1,
			       .builtin = fmt == logfmt_httplog || fmt == logfmt_httpslog ||
					  fmt == logfmt_tcplog || fmt == logfmt_clf };
	const char *p = fmt;
	struct logfmt *lf = NULL;
	while (p && *p) {
		if (*p != '%') {
			sbuf_addc(&st.text, *p++);
			continue;
		}
		p = lf_parse_percent(&st, p + 1);
	}
	if (p) {
		lf_flush_text(&st);
		lf = lf_finish(&st);
	} else {
		cfg_alert(ctx, "'%s' : failed to parse log-format : %s.", ctx->kw, st.err);
	}
	sbuf_free(&st.text);
	return lf;
}

/* ------------------------------------------------------------ proxies */

const char *logfmt_proxy_format(const struct proxy_conf *px)
{
	return px ? px->log_format : NULL;
}
