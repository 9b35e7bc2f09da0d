/*
 * Internal interface of src/proxy/ (rules, switching, error pages): what
 * the files of this folder share and nobody else uses. Master only.
 */
#ifndef WEIR_PROXY_RULE_INT_H
#define WEIR_PROXY_RULE_INT_H

#include <stddef.h>

#include "weir/cfg.h"
#include "weir/rule.h"

/* The state of one rule line while its action parses it. */
struct rule_pctx {
	struct cfg_ctx *ctx;
	struct rule *r;
	const char *act;            /* action word as written, without "(...)" */
	unsigned where;             /* enum smp_where for samples and formats */
	char err[512];              /* "" when the callee reported by itself */
};

/* An action parser: argv are the words after the action, up to the
 * condition; `inner` is the text between parentheses ("txn.x" of
 * `set-var(txn.x)`), NULL when absent. Returns 0, or -1 with p->err set
 * (or empty when the error was already reported). */
typedef int (*rule_act_parse_fn)(struct rule_pctx *p, int argc, char **argv, const char *inner);

enum rule_paren { PAREN_NO = 0, PAREN_REQUIRED, PAREN_OPTIONAL };

struct rule_action {
	const char *name;
	enum rule_act act;
	unsigned lists;             /* RULE_LIST_BIT() of the lists that accept it */
	rule_act_parse_fn parse;
	enum rule_paren paren;
	const char *usage;
	const char *help;
};

extern const struct rule_action rule_actions[];
extern const int rule_nactions;

/* Records an error for the rule being parsed; returns -1. */
int rule_err(struct rule_pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses `http-request ...`-style lines: dispatch on argv[0] through the
 * action table, attach the condition, append to the list. */
int rule_parse_line(struct cfg_ctx *ctx, enum rule_list list, int argc, char **argv);
/* A new rule of `list` for the current line, not yet in any list. */
struct rule *rule_new(struct cfg_ctx *ctx, enum rule_list list, enum rule_act act);
/* Appends r to its list and reports rules placed after rules of a list
 * that runs later (HAProxy's "will still be processed before"). */
void rule_append(struct cfg_ctx *ctx, struct rule *r);
/* The enum smp_where of a list in this proxy. */
unsigned rule_list_where(const struct cfg_ctx *ctx, enum rule_list list);

/* Reply arguments (deny, tarpit, return, http-error): from argv[*i]. */
struct rule_reply *rule_parse_reply(struct rule_pctx *p, int argc, char **argv, int *i,
				    int default_status, int allow_deny_status);
/* Redirect arguments (http-request redirect and the `redirect` directive). */
struct rule_redirect *rule_parse_redirect(struct rule_pctx *p, int argc, char **argv);

/* Reads a whole file into the arena (NUL-terminated). `max` bytes at most:
 * larger files are an error, or truncated with a warning if `truncate`. */
int rule_read_file(struct rule_pctx *p, const char *path, size_t max, int truncate,
		   char **out, size_t *outlen);
/* tune.bufsize, or its default. */
size_t rule_bufsize(const struct cfg *cfg);
/* Checks a raw HTTP response (errorfile); "" or a reason in err. */
int rule_check_http_response(const char *buf, size_t len, char *err, size_t errlen);

/* Items of `v` a proxy owns: those after the prefix it shares with the
 * same list of its defaults section (inherited items are dumped there). */
int rule_own_start(const struct vec *v, const struct vec *inherited);

/* Finish hook: references and whole-model checks (rule_check.c). */
void rule_finish(struct cfg *cfg);

/* Keyword parsers and dump of errorfile.c. The one dump emits errorfile,
 * errorfiles and http-error lines together, in the order they override
 * each other. */
int rule_kw_errorfile(struct cfg_ctx *ctx, int argc, char **argv);
int rule_kw_errorfiles(struct cfg_ctx *ctx, int argc, char **argv);
int rule_kw_errorloc(struct cfg_ctx *ctx, int argc, char **argv);
int rule_kw_http_error(struct cfg_ctx *ctx, int argc, char **argv);
void rule_dump_error_decls(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj);

/* Resolves px's errorfile, errorfiles and http-error lines into its page
 * table (px->error_pages), reporting unknown sections and codes a section
 * lacks for the lines px owns (errorfile.c). */
void rule_error_pages_resolve(struct cfg *cfg, struct proxy_conf *px);
/* Resolves the `errorfiles <name>` payload of rule r's reply (deny,
 * tarpit, return) to the section's page, reporting an unknown section. */
void rule_reply_resolve_errorfiles(struct cfg *cfg, const struct proxy_conf *px, struct rule *r);

#endif
