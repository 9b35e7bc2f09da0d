/*
 * Internal interfaces of src/acl/ (samples, converters, patterns, ACLs).
 * Everything here runs in the master while the configuration loads.
 */
#ifndef WEIR_ACL_INT_H
#define WEIR_ACL_INT_H

#include "weir/acl-t.h"
#include "weir/acl.h"
#include "weir/sample-t.h"
#include "weir/sample.h"

/* ------------------------------------------------ registries (tables) */

extern const struct sample_fetch_def sample_fetches[];
extern const int sample_fetches_n;
extern const struct sample_conv_def sample_convs[];
extern const int sample_convs_n;
extern const struct acl_kw_alias acl_aliases[];
extern const int acl_aliases_n;

const struct acl_kw_alias *acl_alias_find(const char *name, size_t len);
/* Closest fetch (or ACL keyword) / converter name, NULL when none is near. */
const char *sample_fetch_closest(const char *name);
const char *sample_conv_closest(const char *name);

/* Can the traffic path cast a sample of type `from` into `to`? */
int smp_cast_ok(enum smp_type from, enum smp_type to);
const char *smp_type_name(enum smp_type t);
const char *smp_argt_name(enum smp_argt t);
/* Is a fetch reading `src` usable everywhere in `where`? */
int smp_src_usable(enum smp_src src, unsigned where);

/* ------------------------------------------------ argument checkers */

int smp_chk_ctr(struct smp_check *c);
int smp_chk_uuid(struct smp_check *c);
int smp_chk_date(struct smp_check *c);
int smp_chk_const_bool(struct smp_check *c);
int smp_chk_const_bin(struct smp_check *c);
int smp_chk_const_ipv4(struct smp_check *c);
int smp_chk_const_ipv6(struct smp_check *c);
int smp_chk_const_meth(struct smp_check *c);
int smp_chk_const_int(struct smp_check *c);
int smp_chk_dn(struct smp_check *c);
int smp_chk_ltime(struct smp_check *c);
int smp_chk_field(struct smp_check *c);
int smp_chk_json(struct smp_check *c);
int smp_chk_map(struct smp_check *c);
int smp_chk_sha2(struct smp_check *c);
int smp_chk_digest(struct smp_check *c);
int smp_chk_hmac(struct smp_check *c);
int smp_chk_regsub(struct smp_check *c);
int smp_chk_int_or_var(struct smp_check *c);
int smp_chk_concat(struct smp_check *c);
int smp_chk_bytes(struct smp_check *c);

/* Parses `text` as argument type t into *arg (REG compiled, masks, vars). */
int smp_arg_parse(struct cfg_ctx *ctx, enum smp_argt t, const char *text,
		  struct sample_arg *arg, char *err, size_t errlen);
/* Parses "scope.name" of var()/set-var()/concat(). */
int smp_var_parse(struct arena *a, const char *text, struct sample_arg *arg,
		  char *err, size_t errlen);

/* Arguments naming objects: checked in finish (acl_kw.c). */
void acl_state_defer_arg(struct cfg_ctx *ctx, struct sample_expr *expr, const char *kw,
			 const char *what, int argi, struct sample_arg *arg);

/* ------------------------------------------------ patterns */

int pat_match_by_name(const char *name);
const char *pat_match_name(int match);
/* Input type a matcher reads (for the "cannot be used with" check). */
enum smp_type pat_match_input(int match);
/* The matcher a fetch implies when no -m is given. */
int pat_match_default(enum smp_type t);

/* Integer operators ("eq", "gt"...), applied to the following values. */
enum pat_op { PAT_OP_NONE = 0, PAT_OP_EQ, PAT_OP_GE, PAT_OP_GT, PAT_OP_LE, PAT_OP_LT };
enum pat_op pat_op_by_name(const char *s);

/* Parses one pattern for list->match and appends it. */
int pat_add(struct arena *a, struct pat_list *list, const char *text, enum pat_op op,
	    char *err, size_t errlen);
/* Loads a pattern file (-f) or a map file (is_map: "key value" lines).
 * value_type: SMP_T_STR, SMP_T_SINT or SMP_T_ADDR for map values. */
int pat_load_file(struct arena *a, struct pat_list *list, const char *path, int is_map,
		  enum smp_type value_type, char *err, size_t errlen);
/* Compiles a PCRE2 regex, JIT when available; freed with the arena. */
void *pat_regex_compile(struct arena *a, const char *re, int icase, char *err, size_t errlen);
/* Parses an IPv4/IPv6 address with an optional /mask into a pattern. */
int pat_parse_net(const char *text, struct pattern *p, char *err, size_t errlen);

/* ------------------------------------------------ ACLs */

/* Parses `criterion [flags] [operator] values...`; `name` is for messages
 * ("" for anonymous). Reports errors into err; returns NULL. */
struct acl_expr *acl_expr_parse(struct cfg_ctx *ctx, int argc, char **argv, const char *name,
				char *err, size_t errlen);
/* A predefined ACL (TRUE, LOCALHOST, ...) or NULL. */
struct acl_def *acl_predefined(struct cfg_ctx *ctx, const char *name);
struct acl_def *acl_find(const struct proxy_conf *px, const char *name);
/* Is `name` an ACL of another proxy of cfg? Writes the hint into out. */
int acl_elsewhere(const struct cfg *cfg, const struct proxy_conf *px, const char *name,
		  char *out, size_t outlen);
/* "frontend", "backend", "listen" or "defaults", for messages. */
const char *acl_px_kind(const struct proxy_conf *px);
/* Remembers an unknown ACL name, to say in finish where it was declared. */
void acl_state_missing(struct cfg_ctx *ctx, const char *name);

#endif
