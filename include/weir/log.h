/*
 * The runtime log: sending lines to the `log` targets of the configuration
 * (UNIX datagram sockets such as /dev/log, UDP host:port, stdout, stderr)
 * in their `format` (rfc3164, rfc5424, raw, short, ...), and building
 * session lines from compiled log-formats (logfmt-t.h).
 *
 * Every process opens its own sockets with log_init() after fork and
 * before chroot. Sending never blocks: a target whose socket buffer is full
 * drops the line and counts the drop (log_dropped()). Owned by src/log/.
 */
#ifndef WEIR_LOG_H
#define WEIR_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "weir/arena.h"
#include "weir/cfg-t.h"
#include "weir/http-t.h"
#include "weir/log-t.h"
#include "weir/logfmt-t.h"

/* Syslog levels, as HAProxy names them. */
enum { LOG_LVL_EMERG = 0, LOG_LVL_ALERT, LOG_LVL_CRIT, LOG_LVL_ERR, LOG_LVL_WARNING,
       LOG_LVL_NOTICE, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Opens a socket for each target of the configuration: the global ones
 * and every proxy's own. `tag` is the syslog tag when `log-tag` is not set
 * (the program name). May be called again (after a reload): it closes the
 * previous sockets first. Unreachable targets are reported on stderr once
 * and skipped. */
void log_init(const struct cfg *cfg, const char *tag);
/* Closes every socket opened by log_init(). */
void log_deinit(void);

/* Sends `msg` (no trailing newline) at syslog `level` to each target of
 * `targets` (struct log_target *); a `log global` entry stands for the
 * global targets. Targets whose level filter excludes `level` are skipped. */
void log_emit(const struct vec *targets, int level, const char *msg, size_t len);

/* A formatted line to a proxy's targets (as log_emit). */
void log_proxy(const struct proxy_conf *px, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A formatted line to the global targets. */
void log_global(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Lines dropped because a target could not take them, in this process. */
uint64_t log_dropped(void);

/* A diagnostic on stderr in HAProxy's shape, "[WARNING]  (pid) : msg";
 * level LOG_LVL_ALERT prints [ALERT], WARNING [WARNING], NOTICE [NOTICE]. */
void log_say(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Builds the line of `lf` for session `s` into out (at most cap-1 bytes,
 * NUL terminated). Returns the length, or -1 when a mandatory (%{+M})
 * field is empty and the line must not be sent. Sample expressions
 * (%[...]) are evaluated against s->smp (its scratch is used and given
 * back), cast to text and printed with the node's flags; "-" when s->smp
 * is NULL or the fetch finds nothing. */
int logfmt_build(const struct logfmt *lf, const struct log_sess *s, char *out, size_t cap);

/* Points ls->method, uri and version at copies of req's request line
 * ("HTTP/x.y" for the version) made in buf[0..cap): call it when the head
 * is parsed, before rules rewrite it. What does not fit is cut, as the
 * log would cut it (cap >= LOG_REQLINE_MAX + 2 keeps everything a log
 * line shows). Returns 0, or -1 when cap cannot hold even the method
 * (the fields are then NULL: "<BADREQ>"). */
int logfmt_sess_request(struct log_sess *ls, const struct http_msg *req, char *buf, size_t cap);

/* The size HAProxy 2.6 counts in %B and %U for an HTTP head of len wire
 * bytes: its internal form, not the wire's. A start line costs 20 bytes
 * plus its three parts, a header its name and value, the end of the head
 * one; "Connection: close|keep-alive" is a flag there, not a header. The
 * log adds (this - len) to the wire count so that lines match HAProxy's. */
int64_t logfmt_head_size(const char *head, size_t len);

#endif
