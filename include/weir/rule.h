/*
 * Rules of a proxy (types in rule-t.h): the keyword table lives in
 * src/proxy/rule_kw.c; the one table of actions in src/proxy/rule_act.c.
 * Used by the master at load time, and by the man page generator.
 */
#ifndef WEIR_RULE_H
#define WEIR_RULE_H

#include "weir/cfg.h"
#include "weir/rule-t.h"

/* The configuration keyword of a rule list ("http-request",
 * "tcp-request content", "use_backend", ...). */
const char *rule_list_kw(enum rule_list list);

/* The list of rules `list` in a proxy (never NULL). */
struct vec *rule_list_vec(struct proxy_conf *px, enum rule_list list);
const struct vec *rule_list_cvec(const struct proxy_conf *px, enum rule_list list);

/* Calls fn once per (rule list, action) pair that the action table allows,
 * in table order: for the man page and --list-keywords. */
void rule_foreach_action(void (*fn)(const char *list, const char *action, const char *usage,
				    const char *help, void *arg), void *arg);

/* The name of an action ("set-header"), for messages. */
const char *rule_act_name(enum rule_act act);

/* The `monitor-uri` of a proxy, NULL when none. */
const char *rule_monitor_uri(const struct proxy_conf *px);

/* The loaded `errorfile` line for a status (the last one declared wins,
 * the proxy's own before the inherited ones), NULL when none. Only the
 * errorfile lines: the page a proxy sends is rule_error_page()'s. */
const struct errorfile_conf *rule_errorfile(const struct proxy_conf *px, int status);

/* Is `status` one HAProxy keeps an error page for (200, 400, ... 504)? */
int rule_is_error_status(int status);

/* The page px answers `status` with, resolved at the end of the load
 * from its errorfile, errorfiles and http-error lines (its defaults' first,
 * the last line naming the status wins): an errorfile's reply
 * (PAYLOAD_ERRORFILE), or an http-error rule's. NULL when px has none of
 * its own: the frontend's page, else the built-in one, applies. */
const struct rule_reply *rule_error_page(const struct proxy_conf *px, int status);

#endif
