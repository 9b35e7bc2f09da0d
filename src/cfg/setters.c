/*
 * Generic keyword setters and dumpers: one table line declares a keyword
 * that sets one field (see include/weir/cfg.h), so simple settings need no
 * code of their own. Runs in the master while loading and dumping.
 */
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "weir/cfg.h"

static void *field(struct cfg_ctx *ctx)
{
	char *base = ctx->sec == CFG_SEC_GLOBAL ? (char *)&ctx->cfg->global : (char *)ctx->px;
	return base + ctx->kw_data;
}

int cfg_set_int(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	return cfg_arg_int(ctx, argv[0], 0, INT_MAX, field(ctx));
}

int cfg_set_time(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	return cfg_arg_time(ctx, argv[0], field(ctx));
}

int cfg_set_size(struct cfg_ctx *ctx, int argc, char **argv)
{
	int64_t v;
	if (cfg_need_args(ctx, argc, 1, 1) < 0 || cfg_arg_size(ctx, argv[0], &v) < 0)
		return -1;
	if (v > INT_MAX) {
		cfg_alert(ctx, "'%s' : value '%s' is too large (at most %d)", ctx->kw, argv[0], INT_MAX);
		return -1;
	}
	*(int *)field(ctx) = (int)v;
	return 0;
}

int cfg_set_str(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	*(char **)field(ctx) = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

int cfg_set_flag(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 0) < 0)
		return -1;
	*(int *)field(ctx) = !cfg_is_no(ctx);
	return 0;
}

int cfg_set_onoff(struct cfg_ctx *ctx, int argc, char **argv)
{
	char err[128];
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	if (cfg_parse_onoff(argv[0], field(ctx), err, sizeof(err)) < 0) {
		cfg_alert(ctx, "'%s' expects 'on' or 'off', got '%s'", ctx->kw, argv[0]);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- dumps */

static struct cfg_global builtin_global;
static struct proxy_conf builtin_proxy;
static int builtin_ready;

const void *cfg_dump_base(const struct cfg_kw *kw, const void *obj)
{
	if (!builtin_ready) {
		cfg_global_builtin_defaults(&builtin_global);
		cfg_proxy_builtin_defaults(&builtin_proxy);
		builtin_ready = 1;
	}
	if (kw->sections & CFG_SEC_GLOBAL)
		return &builtin_global;
	const struct proxy_conf *px = obj;
	return px->defaults ? (const void *)px->defaults : (const void *)&builtin_proxy;
}

#define FIELD(obj, kw, type) (*(const type *)((const char *)(obj) + (kw)->data))

void cfg_dump_int(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	int v = FIELD(obj, kw, int);
	if (v == FIELD(cfg_dump_base(kw, obj), kw, int))
		return;
	cfg_emitv(em, kw->name, arena_printf(em->tmp, "%d", v), NULL);
}

void cfg_dump_time(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	int v = FIELD(obj, kw, int);
	if (v == FIELD(cfg_dump_base(kw, obj), kw, int) || v == TIME_UNSET)
		return;
	cfg_emitv(em, kw->name, cfg_time_str(em, v), NULL);
}

void cfg_dump_str(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const char *v = FIELD(obj, kw, char *);
	const char *b = FIELD(cfg_dump_base(kw, obj), kw, char *);
	if (!v || (b && strcmp(v, b) == 0))
		return;
	cfg_emitv(em, kw->name, v, NULL);
}

void cfg_dump_flag(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	int v = FIELD(obj, kw, int);
	if (v == FIELD(cfg_dump_base(kw, obj), kw, int))
		return;
	if (v)
		cfg_emitv(em, kw->name, NULL);
	else
		cfg_emitv(em, "no", kw->name, NULL);
}

void cfg_dump_onoff(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	int v = FIELD(obj, kw, int);
	if (v == FIELD(cfg_dump_base(kw, obj), kw, int))
		return;
	cfg_emitv(em, kw->name, v ? "on" : "off", NULL);
}
