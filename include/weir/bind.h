/*
 * `bind` lines: the listener addresses and options of a frontend, also
 * used by `stats socket <addr> [options]` (src/cfg/kw_bind.c).
 * Runs in the master and in `weir -c`.
 */
#ifndef WEIR_BIND_H
#define WEIR_BIND_H

#include "weir/cfg.h"

/*
 * Parses a whole bind line: argv[0] is the address list ("a,b,c"), the
 * rest are options. Each address becomes one struct bind_conf (with the
 * same options and its own `src` words: "<addr> <options...>") appended
 * to out. stats_socket selects the defaults and the options of
 * `stats socket` (level, severity-output, expose-fd). Messages use
 * "'<ctx->kw> <addr>' : ...". Returns 0, or -1 after reporting an error.
 */
int bind_parse_line(struct cfg_ctx *ctx, int argc, char **argv, int stats_socket, struct vec *out);

/* A new bind_conf for addr: unset markers, the stats socket defaults when
 * stats_socket, and a copy of the global `ssl-default-bind-*` settings
 * (taken when the line is parsed, as HAProxy does: a later `global`
 * section does not change binds already read). */
struct bind_conf *bind_conf_new(struct cfg_ctx *ctx, const struct cfg_addr *addr, int stats_socket);

/*
 * Parses bind options argv[0..argc) into b, then checks the whole (ssl
 * without a certificate, verify without a CA file, no TLS version left).
 * ctx->kw should name the line ("bind *:443") as messages quote it.
 */
int bind_parse_options(struct cfg_ctx *ctx, struct bind_conf *b, int argc, char **argv, int stats_socket);

#endif
