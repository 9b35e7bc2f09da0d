/*
 * Log-format strings: `%ci:%cp [%tr] %ft ...`, `%{+Q}r`, `%[sample]`,
 * compiled once at load into struct logfmt (logfmt-t.h) so that building a
 * log line is a walk over nodes, never a parse. Also used by
 * `unique-id-format`, `set-header ... %[...]` and other `-lf` values.
 * Also the names of syslog facilities and levels used by `log` lines.
 * Owned by src/log/.
 */
#ifndef WEIR_LOGFMT_H
#define WEIR_LOGFMT_H

#include "weir/cfg.h"
#include "weir/sample.h"
#include "weir/logfmt-t.h"

struct logfmt;

/* Compiles fmt; reports errors with cfg_alert and returns NULL.
 * `where` is the enum smp_where mask allowed for %[...] samples. */
struct logfmt *logfmt_compile(struct cfg_ctx *ctx, const char *fmt, unsigned where);

/* The formats of `option httplog`, `option tcplog`, `option httpslog`,
 * `option httplog clf`, as HAProxy documents them. */
extern const char logfmt_httplog[];
extern const char logfmt_httpslog[];
extern const char logfmt_tcplog[];
extern const char logfmt_clf[];

/* A variable's name ("ci") and its one-line meaning, for docs and dumps. */
const char *logfmt_var_name(enum logfmt_var var);
const char *logfmt_var_help(enum logfmt_var var);
/* Is the variable only meaningful in HTTP mode (%HM, %r, %tr, ...)? */
int logfmt_var_is_http(enum logfmt_var var);
/* The variable named exactly `name`, or -1. */
int logfmt_var_find(const char *name);

/* The name of the first HTTP-only variable in a compiled format, or NULL. */
const char *logfmt_first_http_var(const struct logfmt *lf);

/* The format a proxy logs with: its `log-format`, the format of its
 * `option httplog/httpslog/tcplog`, or NULL when it has none. The
 * built-in formats are returned as the very pointers logfmt_httplog etc.,
 * so callers may compare pointers to know which option set it. */
const char *logfmt_proxy_format(const struct proxy_conf *px);

/* Syslog facility number (kern=0 ... local7=23) or -1; and back. */
int log_facility_find(const char *name);
const char *log_facility_name(int facility);
/* Syslog level number (emerg=0 ... debug=7) or -1; and back. */
int log_level_find(const char *name);
const char *log_level_name(int level);
/* Name of a log target's `format` (rfc3164, raw, ...). */
const char *log_format_name(enum log_fmt fmt);

/* Parses the arguments of a `log` line other than `global` / `no log`
 * into *t (reports errors itself, returns -1); writes the line back. */
int log_target_parse(struct cfg_ctx *ctx, int argc, char **argv, struct log_target *t);
void log_target_dump(struct cfg_emit *em, const struct log_target *t);

#endif
