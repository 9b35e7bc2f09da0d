/*
 * Sample expressions: a fetch followed by converters, as in
 * `src,ipmask(24)` or `req.hdr(host),lower`. Parsed once at load time into
 * struct sample_expr (sample-t.h); evaluated by the workers (later issues).
 * Owned by src/acl/.
 */
#ifndef WEIR_SAMPLE_H
#define WEIR_SAMPLE_H

#include "weir/cfg.h"

/*
 * Where a sample may be used: a fetch that needs data not yet available at
 * that point (a response header in `http-request`) is a configuration
 * error, as in HAProxy ("fetch method 'res.hdr' extracts information from
 * 'HTTP response headers', none of which is available here").
 */
enum smp_where {
	SMP_AT_TCP_CONN = 1 << 0,     /* tcp-request connection */
	SMP_AT_TCP_SESS = 1 << 1,     /* tcp-request session */
	SMP_AT_TCP_REQ = 1 << 2,      /* tcp-request content, use_backend in tcp */
	SMP_AT_HTTP_REQ = 1 << 3,     /* http-request, use_backend, redirect, stick on */
	SMP_AT_HTTP_RES = 1 << 4,     /* http-response, stick store-response */
	SMP_AT_TCP_RES = 1 << 5,      /* tcp-response content */
	SMP_AT_LOG = 1 << 6,          /* log-format, http-after-response */
	SMP_AT_CHECK = 1 << 7,        /* health checks (tcp-check/http-check -lf) */
	SMP_AT_BACKEND = 1 << 8,      /* used in a backend (server choice etc.) */
};

struct sample_expr;

/* Parses `text` (one word: "fetch(args),conv(args),...") for use at `where`.
 * On error returns NULL with a message in err that names the bad part and,
 * where known, the fix (e.g. date_hour -> date,ltime(%H)). */
struct sample_expr *sample_expr_parse(struct cfg_ctx *ctx, const char *text, unsigned where,
				      char *err, size_t errlen);

/* Canonical text of an expression (for dumps and messages). */
const char *sample_expr_text(const struct sample_expr *expr);

/* The registries (src/acl/sample_fetch.c, src/acl/sample_conv.c). */
struct sample_fetch_def;
struct sample_conv_def;
const struct sample_fetch_def *sample_fetch_find(const char *name, size_t len);
const struct sample_conv_def *sample_conv_find(const char *name, size_t len);

/* Names for messages: "HTTP response headers", "http-request rule". */
const char *smp_src_name(int src);
const char *smp_where_name(unsigned where);

/* NULL when the fetch of expr can be used at `where`; otherwise the name of
 * the data it needs that is missing there (for callers such as log-format
 * that only warn, as HAProxy does). */
const char *sample_expr_missing(const struct sample_expr *expr, unsigned where);

#endif
