/*
 * Configuration diagnostics: every alert, warning and notice of a load is
 * recorded in the model (so tests and the reload path can read them) and
 * printed in HAProxy's shape:
 *
 *   [ALERT]    (1234) : config : parsing [file:line] : message
 *
 * Runs in the master and in `weir -c`.
 */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "weir/cfg.h"

void cfg_vdiag_at(struct cfg *cfg, enum cfg_diag_level level, const struct cfg_loc *loc,
		  const char *fmt, va_list ap)
{
	struct cfg_diag *d = arena_alloc(cfg->arena, sizeof(*d));
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	d->msg = arena_alloc(cfg->arena, (size_t)n + 1);
	vsnprintf(d->msg, (size_t)n + 1, fmt, ap);
	d->level = level;
	if (loc)
		d->loc = *loc;
	/* -dW: a warning is as fatal as an alert */
	if (level == CFG_WARNING && cfg->warnings_fatal)
		d->level = CFG_ALERT;
	vec_push(cfg->arena, &cfg->diags, d);
	if (d->level == CFG_ALERT)
		cfg->nalerts++;
	else if (d->level == CFG_WARNING)
		cfg->nwarnings++;
	else
		cfg->nnotices++;
}

void cfg_diag_at(struct cfg *cfg, enum cfg_diag_level level, const struct cfg_loc *loc,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cfg_vdiag_at(cfg, level, loc, fmt, ap);
	va_end(ap);
}

#define CFG_CTX_DIAG(name, level) \
	void name(struct cfg_ctx *ctx, const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		cfg_vdiag_at(ctx->cfg, level, &ctx->loc, fmt, ap); \
		va_end(ap); \
	}

CFG_CTX_DIAG(cfg_alert, CFG_ALERT)
CFG_CTX_DIAG(cfg_warn, CFG_WARNING)
CFG_CTX_DIAG(cfg_notice, CFG_NOTICE)

static const char *level_tag(enum cfg_diag_level l)
{
	switch (l) {
	case CFG_ALERT: return "[ALERT]  ";
	case CFG_WARNING: return "[WARNING]";
	default: return "[NOTICE] ";
	}
}

void cfg_print_diags(const struct cfg *cfg, FILE *f)
{
	int pid = (int)getpid();
	const struct cfg_diag *d;
	VEC_EACH(&cfg->diags, const struct cfg_diag *, d) {
		if (d->loc.file)
			fprintf(f, "%s  (%d) : config : parsing [%s:%d] : %s\n", level_tag(d->level),
				pid, d->loc.file, d->loc.line, d->msg);
		else
			fprintf(f, "%s  (%d) : config : %s\n", level_tag(d->level), pid, d->msg);
	}
}
