/*
 * What a rule answers with: HTTP replies (`deny`, `tarpit`, `return`,
 * `http-error`: status, content type, payload, extra headers) and
 * redirects (`location`, `prefix`, `scheme`, code and options), and the
 * files they load. Runs in the master at load time; the replies it builds
 * (struct rule_reply, struct rule_redirect in rule-t.h) are what the
 * workers send.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weir/logfmt.h"
#include "rule-int.h"

size_t rule_bufsize(const struct cfg *cfg)
{
	return cfg->global.tune_bufsize > 0 ? (size_t)cfg->global.tune_bufsize : 16384;
}

int rule_read_file(struct rule_pctx *p, const char *path, size_t max, int truncate,
		   char **out, size_t *outlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		rule_err(p, "error opening file '%s'%s%s", path, fd < 0 ? " : " : "",
			 fd < 0 ? strerror(errno) : "");
		goto fail;
	}
	size_t len = (size_t)st.st_size;
	if (len > max) {
		if (!truncate) {
			rule_err(p, "file '%s' exceeds the buffer size (%zu > %zu)", path, len, max);
			goto fail;
		}
		cfg_warn(p->ctx, "custom error message file '%s' larger than %zu bytes. Truncating.",
			 path, max);
		len = max;
	}
	char *buf = arena_alloc(p->ctx->arena, len + 1);
	if (read(fd, buf, len) != (ssize_t)len) {
		rule_err(p, "error reading file '%s'", path);
		goto fail;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/*
 * An errorfile is sent as is, so it must be a whole HTTP/1 response head:
 * "HTTP/1.x NNN reason", headers, an empty line. An empty file (/dev/null)
 * is allowed: it means "close without answering", as in HAProxy.
 */
int rule_check_http_response(const char *buf, size_t len, char *err, size_t errlen)
{
	if (len == 0)
		return 0;
	if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') ||
	    buf[8] != ' ' || buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' ||
	    buf[11] < '0' || buf[11] > '9') {
		snprintf(err, errlen, "invalid HTTP response: it must start with a status line "
			 "such as 'HTTP/1.0 503 Service Unavailable'");
		return -1;
	}
	if (!memmem(buf, len, "\r\n\r\n", 4) && !memmem(buf, len, "\n\n", 2)) {
		snprintf(err, errlen, "unable to parse headers: no empty line ends them");
		return -1;
	}
	if (strcasestr(buf, "\ntransfer-encoding:")) {
		snprintf(err, errlen, "chunk-encoded payload not supported");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- replies */

static const char *const payload_words[] = {
	[PAYLOAD_DEFAULT_ERRORFILE] = "default-errorfiles",
	[PAYLOAD_ERRORFILE] = "errorfile",
	[PAYLOAD_ERRORFILES] = "errorfiles",
	[PAYLOAD_FILE] = "file",
	[PAYLOAD_LF_FILE] = "lf-file",
	[PAYLOAD_STRING] = "string",
	[PAYLOAD_LF_STRING] = "lf-string",
};

static enum rule_payload payload_kind(const char *w)
{
	for (size_t k = 1; k < ARRAY_SIZE(payload_words); k++)
		if (strcmp(w, payload_words[k]) == 0)
			return (enum rule_payload)k;
	/* HAProxy 2.6 documents both spellings for `return` */
	if (strcmp(w, "default-errorfile") == 0)
		return PAYLOAD_DEFAULT_ERRORFILE;
	return PAYLOAD_NONE;
}

/* Loads or compiles the payload argument `arg` of kind `k`. */
static int reply_load(struct rule_pctx *p, struct rule_reply *rp, enum rule_payload k,
		      const char *arg)
{
	size_t max = rule_bufsize(p->ctx->cfg);
	char err[256];
	rp->arg = arena_strdup(p->ctx->arena, arg);
	switch (k) {
	case PAYLOAD_ERRORFILE:
		if (rule_read_file(p, arg, max, 1, &rp->content, &rp->content_len) < 0)
			return -1;
		if (rule_check_http_response(rp->content, rp->content_len, err, sizeof(err)) < 0)
			return rule_err(p, "'%s': %s", arg, err);
		return 0;
	case PAYLOAD_FILE:
	case PAYLOAD_LF_FILE:
		if (rule_read_file(p, arg, max, 0, &rp->content, &rp->content_len) < 0)
			return -1;
		return 0;
	case PAYLOAD_STRING:
	case PAYLOAD_LF_STRING:
		rp->content = rp->arg;
		rp->content_len = strlen(arg);
		return 0;
	default:
		return 0;
	}
}

/* `hdr <name> <fmt>`: Content-Length and friends are computed, never taken. */
static int reply_hdr(struct rule_pctx *p, struct rule_reply *rp, const char *name, const char *fmt)
{
	if (strcasecmp(name, "content-length") == 0 || strcasecmp(name, "transfer-encoding") == 0 ||
	    strcasecmp(name, "content-type") == 0) {
		cfg_warn(p->ctx, "header '%s' always ignored by the http reply.", name);
		return 0;
	}
	struct rule_hdr *h = arena_alloc(p->ctx->arena, sizeof(*h));
	h->name = arena_strdup(p->ctx->arena, name);
	h->fmt_text = arena_strdup(p->ctx->arena, fmt);
	h->fmt = logfmt_compile(p->ctx, fmt, p->where);
	if (!h->fmt)
		return -1;
	vec_push(p->ctx->arena, &rp->hdrs, h);
	return 0;
}

/* One option of a reply at argv[*i]; returns 1 when the word is not one. */
static int reply_option(struct rule_pctx *p, struct rule_reply *rp, int argc, char **argv, int *i)
{
	const char *w = argv[*i];
	enum rule_payload k = payload_kind(w);
	int has_arg = k != PAYLOAD_NONE && k != PAYLOAD_DEFAULT_ERRORFILE;
	if (strcmp(w, "status") == 0 || strcmp(w, "content-type") == 0)
		has_arg = 1;
	else if (strcmp(w, "hdr") == 0) {
		if (*i + 2 >= argc)
			return rule_err(p, "'%s' expects <name> and <value> as arguments", w);
		*i += 3;
		return reply_hdr(p, rp, argv[*i - 2], argv[*i - 1]);
	} else if (k == PAYLOAD_NONE)
		return 1;
	if (has_arg && *i + 1 >= argc)
		return rule_err(p, "'%s' expects <%s> as argument", w,
				strcmp(w, "status") == 0 ? "status_code" :
				strcmp(w, "content-type") == 0 ? "ctype" :
				k == PAYLOAD_ERRORFILES ? "name" :
				(k == PAYLOAD_STRING ? "str" : k == PAYLOAD_FILE || k == PAYLOAD_LF_FILE ? "file" : "fmt"));
	const char *arg = has_arg ? argv[*i + 1] : NULL;
	*i += has_arg ? 2 : 1;
	if (strcmp(w, "status") == 0) {
		char *end;
		long st = strtol(arg, &end, 10);
		if (*end || st < 200 || st > 599)
			return rule_err(p, "Unexpected status code '%s'", arg);
		rp->status = (int)st;
		return 0;
	}
	if (strcmp(w, "content-type") == 0) {
		rp->content_type = arena_strdup(p->ctx->arena, arg);
		return 0;
	}
	if (rp->payload != PAYLOAD_NONE)
		return rule_err(p, "unexpected '%s' argument, '%s' already defined", w,
				payload_words[rp->payload]);
	rp->payload = k;
	return reply_load(p, rp, k, arg ? arg : "");
}

/* The checks HAProxy makes once every option is known. */
static int reply_validate(struct rule_pctx *p, struct rule_reply *rp)
{
	switch (rp->payload) {
	case PAYLOAD_NONE:
		if (rp->content_type) {
			cfg_warn(p->ctx, "content-type '%s' ignored by the http reply because neither "
				 "errorfile nor payload defined.", rp->content_type);
			rp->content_type = NULL;
		}
		return 0;
	case PAYLOAD_DEFAULT_ERRORFILE:
	case PAYLOAD_ERRORFILES:
	case PAYLOAD_ERRORFILE:
		if (rp->payload != PAYLOAD_ERRORFILE && !rule_is_error_status(rp->status))
			return rule_err(p, "status code '%d' not handled by default with '%s' argument",
					rp->status, payload_words[rp->payload]);
		if (rp->content_type) {
			cfg_warn(p->ctx, "content-type '%s' ignored by the http reply when used with an "
				 "errorfile.", rp->content_type);
			rp->content_type = NULL;
		}
		if (rp->hdrs.n) {
			cfg_warn(p->ctx, "hdr parameters ignored by the http reply when used with an "
				 "errorfile.");
			rp->hdrs = (struct vec){ 0 };
		}
		return 0;
	case PAYLOAD_FILE:
	case PAYLOAD_STRING:
		if ((rp->status == 204 || rp->status == 304) && rp->content_len)
			return rule_err(p, "No body expected for %d responses", rp->status);
		if (!rp->content_type && rp->content_len)
			return rule_err(p, "a content type must be defined when non-empty payload is "
					"configured (add 'content-type text/plain' or the right type)");
		if (rp->content_type && !rp->content_len) {
			cfg_warn(p->ctx, "content-type '%s' ignored by the http reply when used with an "
				 "empty payload.", rp->content_type);
			rp->content_type = NULL;
		}
		return 0;
	case PAYLOAD_LF_FILE:
	case PAYLOAD_LF_STRING:
		if (rp->status == 204 || rp->status == 304)
			return rule_err(p, "No body expected for %d responses", rp->status);
		if (!rp->content_type)
			return rule_err(p, "a content type must be defined with a log-format payload");
		rp->lf = logfmt_compile(p->ctx, rp->content, p->where);
		return rp->lf ? 0 : -1;
	}
	return 0;
}

/*
 * deny/tarpit accept `deny_status N` first (HAProxy's legacy form), then
 * the reply options of `return`. Without a payload they answer with the
 * proxy's error page for the status, which must then be one it has.
 */
struct rule_reply *rule_parse_reply(struct rule_pctx *p, int argc, char **argv, int *i,
				    int default_status, int allow_deny_status)
{
	struct rule_reply *rp = arena_alloc(p->ctx->arena, sizeof(*rp));
	rp->status = default_status;
	if (allow_deny_status && *i < argc && strcmp(argv[*i], "deny_status") == 0) {
		char *end;
		if (*i + 1 >= argc)
			return rule_err(p, "'%s' expects <status_code> as argument", argv[*i]), NULL;
		long st = strtol(argv[*i + 1], &end, 10);
		if (*end || st < 200 || st > 599)
			return rule_err(p, "Unexpected status code '%s'", argv[*i + 1]), NULL;
		rp->status = (int)st;
		*i += 2;
	}
	while (*i < argc) {
		int rc = reply_option(p, rp, argc, argv, i);
		if (rc < 0)
			return NULL;
		if (rc > 0)
			break;
	}
	if (allow_deny_status && rp->payload == PAYLOAD_NONE && !rp->content_type && !rp->hdrs.n) {
		if (!rule_is_error_status(rp->status))
			return rule_err(p, "status code '%d' not handled by default with 'deny_status' "
					"argument (one of 200, 400, 401, 403, 404, 405, 407, 408, 410, "
					"413, 425, 429, 500, 501, 502, 503, 504, or give a payload)",
					rp->status), NULL;
		rp->payload = PAYLOAD_DEFAULT_ERRORFILE;
		return rp;
	}
	return reply_validate(p, rp) < 0 ? NULL : rp;
}

/* ------------------------------------------------------------- redirects */

static int redirect_code(struct rule_pctx *p, struct rule_redirect *rd, const char *kw,
			 const char *arg)
{
	char *end;
	long code = strtol(arg, &end, 10);
	if (*end || (code != 301 && code != 302 && code != 303 && code != 307 && code != 308))
		return rule_err(p, "'%s': unsupported HTTP code '%s' (must be one of 301, 302, 303, "
				"307 or 308)", kw, arg);
	rd->code = (int)code;
	return 0;
}

/* One word of a redirect at argv[*i]; advances *i. */
static int redirect_word(struct rule_pctx *p, struct rule_redirect *rd, int argc, char **argv,
			 int *i)
{
	static const char *const types[] = { "location", "prefix", "scheme" };
	const char *w = argv[*i];
	for (int t = 0; t < 3; t++) {
		if (strcmp(w, types[t]) != 0)
			continue;
		if (*i + 1 >= argc)
			return rule_err(p, "missing argument for '%s'", w);
		rd->type = (enum rule_redirect_type)(t + 1);
		rd->target = arena_strdup(p->ctx->arena, argv[*i + 1]);
		*i += 2;
		return 0;
	}
	if (strcmp(w, "code") == 0 || strcmp(w, "set-cookie") == 0 || strcmp(w, "clear-cookie") == 0) {
		if (*i + 1 >= argc)
			return rule_err(p, "missing argument for '%s'", w);
		const char *arg = argv[*i + 1];
		*i += 2;
		if (strcmp(w, "code") == 0)
			return redirect_code(p, rd, w, arg);
		/* like HAProxy, the last cookie option wins */
		rd->set_cookie = rd->clear_cookie = NULL;
		if (strcmp(w, "set-cookie") == 0)
			rd->set_cookie = arena_strdup(p->ctx->arena, arg);
		else
			rd->clear_cookie = arena_strdup(p->ctx->arena, arg);
		return 0;
	}
	*i += 1;
	if (strcmp(w, "drop-query") == 0)
		rd->drop_query = 1;
	else if (strcmp(w, "append-slash") == 0)
		rd->append_slash = 1;
	else if (strcmp(w, "ignore-empty") == 0)
		rd->ignore_empty = 1;
	else
		return rule_err(p, "expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', "
				"'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was '%s')",
				w);
	return 0;
}

struct rule_redirect *rule_parse_redirect(struct rule_pctx *p, int argc, char **argv)
{
	struct rule_redirect *rd = arena_alloc(p->ctx->arena, sizeof(*rd));
	rd->code = 302;
	for (int i = 0; i < argc;)
		if (redirect_word(p, rd, argc, argv, &i) < 0)
			return NULL;
	if (!rd->type)
		return rule_err(p, "redirection type expected ('prefix', 'location', or 'scheme')"), NULL;
	rd->fmt = logfmt_compile(p->ctx, rd->target, p->where);
	return rd->fmt ? rd : NULL;
}
