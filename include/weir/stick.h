/*
 * Stick tables, as declared in the configuration: `stick-table type ip
 * size 200k expire 30s store http_req_rate(10s),conn_cur`, and the
 * `stick on|match|store-request|store-response` rules. The runtime tables
 * live in the shared segment (later issue). Owned by src/stick/.
 */
#ifndef WEIR_STICK_H
#define WEIR_STICK_H

#include "weir/cfg.h"
#include "weir/stick-t.h"

/* The table named `name`: a proxy's own table carries the proxy's name. */
struct stick_table_conf *stick_table_find(const struct cfg *cfg, const char *name);

/* Does the table store this data type (e.g. "http_req_rate", "gpc")? */
int stick_table_stores(const struct stick_table_conf *t, const char *data_type);

/* The data type named `name` ("conn_rate"), or -1; and back. */
int stick_data_find(const char *name);
const char *stick_data_name(enum stick_data dt);
/* Is it a frequency counter (needs a period)? */
int stick_data_is_rate(enum stick_data dt);

/* Parses the arguments of a `stick-table` line into t (errors reported
 * with cfg_alert, -1). */
int stick_table_parse(struct cfg_ctx *ctx, int argc, char **argv, struct stick_table_conf *t);

#endif
