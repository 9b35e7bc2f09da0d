/*
 * Internal interface of the health-check keyword parsers (src/check/):
 * the rule parsers of check_rules.c, the rule lists of check_kw.c and the
 * semantic checks of check_lint.c. Runs in the master while loading.
 */
#ifndef WEIR_CHECK_INT_H
#define WEIR_CHECK_INT_H

#include <stddef.h>

#include "weir/cfg.h"
#include "weir/check-t.h"

/* Rule parsers: argv are the words after "tcp-check <action>" (or
 * "http-check <action>"). They fill r and return 0, or return -1 with a
 * message in err (HAProxy's wording, without the "'<kw>' : " prefix), or
 * with err empty when the message was already reported (log-format errors).
 * `http` selects http-check semantics (body matchers, HTTP send). */
int chk_parse_connect(struct cfg_ctx *ctx, int http, int argc, char **argv,
		      struct check_rule *r, char *err, size_t errlen);
int chk_parse_send(struct cfg_ctx *ctx, const char *action, int argc, char **argv,
		   struct check_rule *r, char *err, size_t errlen);
int chk_parse_send_http(struct cfg_ctx *ctx, int argc, char **argv,
			struct check_rule *r, char *err, size_t errlen);
int chk_parse_expect(struct cfg_ctx *ctx, int http, int argc, char **argv,
		     struct check_rule *r, char *err, size_t errlen);
int chk_parse_var(struct cfg_ctx *ctx, const char *action, int argc, char **argv,
		  struct check_rule *r, char *err, size_t errlen);

/* Decodes an even-length hex string into arena bytes; -1 with err. */
int chk_parse_hex(struct arena *a, const char *hex, unsigned char **out, size_t *len,
		  char *err, size_t errlen);

/* The proxy's own rule list, started afresh when it still is the list of
 * its defaults section (HAProxy never appends to an inherited ruleset). */
struct vec *chk_own_rules(struct proxy_conf *px, int http);
/* Adds the implicit request of `option httpchk` as HAProxy does. */
void chk_add_httpchk_rule(struct cfg_ctx *ctx, struct check_rule *r);
/* Does the rule count as a step (not a comment or variable action)? */
int chk_is_step(const struct check_rule *r);

/* The checks of check_lint.c, run once after all files. */
void chk_lint(struct cfg *cfg);

/* Dumps the options of check_opt.c (one call from the table's dump). */
void chk_dump_options(struct cfg_emit *em, const struct proxy_conf *px,
		      const struct proxy_conf *base, int before_rules);

/* Keyword parsers of check_opt.c (registered in check_kw.c's table). */
int chk_kw_httpchk(struct cfg_ctx *ctx, int argc, char **argv);
int chk_kw_tcp_check(struct cfg_ctx *ctx, int argc, char **argv);
int chk_kw_simple_check(struct cfg_ctx *ctx, int argc, char **argv);   /* data: enum check_kind */
int chk_kw_mysql_check(struct cfg_ctx *ctx, int argc, char **argv);
int chk_kw_pgsql_check(struct cfg_ctx *ctx, int argc, char **argv);
int chk_kw_smtpchk(struct cfg_ctx *ctx, int argc, char **argv);
int chk_kw_external_check_cmd(struct cfg_ctx *ctx, int argc, char **argv);

#endif
