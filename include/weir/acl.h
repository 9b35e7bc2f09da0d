/*
 * ACLs and conditions: `acl <name> <fetch> [flags] [operator] <patterns>`,
 * predefined ACLs (TRUE, LOCALHOST, METH_GET, ...), and the `if`/`unless`
 * conditions of rules with `!`, `||` and anonymous `{ ... }` ACLs.
 * ACLs belong to one proxy: a condition may only name ACLs defined earlier
 * in the same proxy, or predefined ones. Owned by src/acl/.
 */
#ifndef WEIR_ACL_H
#define WEIR_ACL_H

#include "weir/cfg.h"
#include "weir/sample.h"

struct acl_cond;

/* Index of the first "if" or "unless" word in argv, or argc if none. */
int acl_cond_start(int argc, char **argv);

/*
 * Parses a condition: argv[0] is "if" or "unless", the rest is the
 * expression. Reports errors itself (cfg_alert) and returns NULL.
 * `where` is a mask of enum smp_where allowed for the fetches.
 */
struct acl_cond *acl_cond_parse(struct cfg_ctx *ctx, int argc, char **argv, unsigned where);

/* The words of a condition as written (for dumps). */
const struct cfg_words *acl_cond_words(const struct acl_cond *cond);

#endif
