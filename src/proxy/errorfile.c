/*
 * Error pages: `errorfile <code> <file>` (a raw HTTP response loaded at
 * load time into struct errorfile_conf), `errorfiles <name> [codes]`
 * (pages of an http-errors section), and `http-error status <code> ...`
 * (a reply built like `http-request return`). All may sit in `defaults`
 * and are inherited. Runs in the master; the workers send the loaded
 * bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rule-int.h"

/* The statuses HAProxy 2.6 keeps an error page for. */
static const int error_statuses[] = {
	200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504,
};

int rule_is_error_status(int status)
{
	for (size_t i = 0; i < ARRAY_SIZE(error_statuses); i++)
		if (error_statuses[i] == status)
			return 1;
	return 0;
}

static int parse_status(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return (*end || !*s || v <= 0 || v > 999) ? 0 : (int)v;
}

int rule_kw_errorfile(struct cfg_ctx *ctx, int argc, char **argv)
{
	char err[256];
	if (argc != 2) {
		cfg_alert(ctx, "%s : expects <status_code> and <file> as arguments.", ctx->kw);
		return -1;
	}
	int status = parse_status(argv[0]);
	if (!rule_is_error_status(status)) {
		cfg_alert(ctx, "%s : status code '%s' not handled (one of 200, 400, 401, 403, 404, "
			  "405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504).", ctx->kw, argv[0]);
		return -1;
	}
	struct errorfile_conf *ef = arena_alloc(ctx->arena, sizeof(*ef));
	struct rule_pctx p = { .ctx = ctx };
	ef->status = status;
	ef->path = arena_strdup(ctx->arena, argv[1]);
	ef->loc = ctx->loc;
	if (rule_read_file(&p, argv[1], rule_bufsize(ctx->cfg), 1, &ef->content, &ef->content_len) < 0) {
		cfg_alert(ctx, "%s : %s.", ctx->kw, p.err);
		return -1;
	}
	if (rule_check_http_response(ef->content, ef->content_len, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "%s : '%s': %s.", ctx->kw, argv[1], err);
		return -1;
	}
	vec_push(ctx->arena, &ctx->px->errorfiles, ef);
	return 0;
}

const struct errorfile_conf *rule_errorfile(const struct proxy_conf *px, int status)
{
	for (int i = px->errorfiles.n - 1; i >= 0; i--) {
		const struct errorfile_conf *ef = px->errorfiles.v[i];
		if (ef->status == status)
			return ef;
	}
	return NULL;
}

void rule_dump_errorfile(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct vec *inh = px->defaults ? &px->defaults->errorfiles : NULL;
	for (int i = rule_own_start(&px->errorfiles, inh); i < px->errorfiles.n; i++) {
		const struct errorfile_conf *ef = px->errorfiles.v[i];
		char code[16];
		snprintf(code, sizeof(code), "%d", ef->status);
		cfg_emitv(em, kw->name, code, ef->path, NULL);
	}
}

int rule_kw_errorfiles(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (argc < 1) {
		cfg_alert(ctx, "%s : expects <name> as argument.", ctx->kw);
		return -1;
	}
	struct rule_errorfiles *ref = arena_alloc(ctx->arena, sizeof(*ref));
	ref->name = arena_strdup(ctx->arena, argv[0]);
	ref->loc = ctx->loc;
	ref->src = cfg_words_dup(ctx->arena, ctx->line.n, ctx->line.w);
	for (int i = 1; i < argc; i++) {
		int status = parse_status(argv[i]);
		if (!rule_is_error_status(status)) {
			cfg_alert(ctx, "%s : status code '%s' not handled.", ctx->kw, argv[i]);
			return -1;
		}
		vec_push(ctx->arena, &ref->codes, (void *)(intptr_t)status);
	}
	vec_push(ctx->arena, &ctx->px->errorfiles_refs, ref);
	return 0;
}

void rule_dump_errorfiles(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj;
	const struct vec *inh = px->defaults ? &px->defaults->errorfiles_refs : NULL;
	for (int i = rule_own_start(&px->errorfiles_refs, inh); i < px->errorfiles_refs.n; i++) {
		const struct rule_errorfiles *ref = px->errorfiles_refs.v[i];
		cfg_emitw(em, kw->name, &ref->src, 1);
	}
}

/* `http-error status <code> [reply options]`: the status must be one with
 * an error page, and the reply replaces that page. */
int rule_kw_http_error(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct rule *r = rule_new(ctx, RULE_HTTP_ERROR, ACT_HTTP_ERROR);
	struct rule_pctx p = { .ctx = ctx, .r = r, .act = "status",
			       .where = rule_list_where(ctx, RULE_HTTP_ERROR) };
	int i = 0;
	if (argc < 2 || strcmp(argv[0], "status") != 0) {
		cfg_alert(ctx, "%s : expects 'status' <code> followed by reply options.", ctx->kw);
		return -1;
	}
	int status = parse_status(argv[1]);
	if (!rule_is_error_status(status)) {
		cfg_alert(ctx, "%s : status code '%s' not handled.", ctx->kw, argv[1]);
		return -1;
	}
	r->reply = rule_parse_reply(&p, argc, argv, &i, status, 0);
	if (r->reply && i < argc)
		rule_err(&p, "unexpected argument '%s'", argv[i]);
	if (!r->reply || i < argc) {
		if (p.err[0])
			cfg_alert(ctx, "%s : %s.", ctx->kw, p.err);
		return -1;
	}
	if (r->reply->status != status) {
		cfg_alert(ctx, "%s : the status may only be given once.", ctx->kw);
		return -1;
	}
	r->ival = status;
	rule_append(ctx, r);
	return 0;
}
