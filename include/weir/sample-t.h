/*
 * Types of sample expressions: the fetch and converter registries (one
 * table each, in src/acl/sample_fetch.c and src/acl/sample_conv.c), their
 * argument signatures, and a parsed expression `fetch(args),conv(args),...`.
 *
 * Built by the master while loading the configuration (src/acl/), read by
 * the workers after fork. The evaluation slots (`fetch`, `conv`) are NULL
 * until the traffic path fills them; the tables stay the one place where a
 * fetch or a converter is declared.
 */
#ifndef WEIR_SAMPLE_T_H
#define WEIR_SAMPLE_T_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "weir/cfg-t.h"

/* Type of a sample value. SMP_T_SAME is only a converter output: "the
 * type of my input" (debug, set-var). */
enum smp_type {
	SMP_T_ANY = 0, SMP_T_BOOL, SMP_T_SINT, SMP_T_ADDR, SMP_T_IPV4, SMP_T_IPV6,
	SMP_T_STR, SMP_T_BIN, SMP_T_METH, SMP_T_SAME,
	SMP_T__COUNT
};

/*
 * What a fetch reads. Each source is available at some points of a
 * session only (enum smp_where in sample.h); the availability table is in
 * src/acl/sample_fetch.c, and the names below are what error messages say
 * ("extracts information from 'HTTP response headers'").
 */
enum smp_src {
	SMP_SRC_CONST = 0,   /* constant values */
	SMP_SRC_INTRN,       /* internal parameters (date, env, nbsrv...) */
	SMP_SRC_L4CLI,       /* layer 4 client connection (src, dst) */
	SMP_SRC_L5CLI,       /* layer 5 client connection (TLS) */
	SMP_SRC_TRACK,       /* tracking counters (sc*_) */
	SMP_SRC_L6REQ,       /* layer 6 request contents (req.len, req.ssl_sni) */
	SMP_SRC_HRQHV,       /* HTTP request headers */
	SMP_SRC_HRQHP,       /* HTTP request (method, path, url) */
	SMP_SRC_HRQBO,       /* HTTP request body */
	SMP_SRC_BKEND,       /* backend */
	SMP_SRC_SERVR,       /* server */
	SMP_SRC_L6RES,       /* layer 6 response contents */
	SMP_SRC_HRSHV,       /* HTTP response headers */
	SMP_SRC_HRSHP,       /* HTTP response (status) */
	SMP_SRC_SSFIN,       /* session statistics (log time only) */
	SMP_SRC__COUNT
};

/* Argument types of fetches and converters. References (FE, BE, TAB, SRV,
 * USR) are checked after the last file, when every name is known. */
enum smp_argt {
	ARGT_NONE = 0, ARGT_STR, ARGT_SINT, ARGT_FE, ARGT_BE, ARGT_TAB, ARGT_SRV,
	ARGT_USR, ARGT_MAP, ARGT_REG, ARGT_VAR, ARGT_MSK4, ARGT_MSK6, ARGT_TIME,
	ARGT__COUNT
};

#define SMP_MAX_ARGS 5

/* An argument signature: `min` mandatory arguments, then the types of
 * every argument in order (ARGT_NONE ends the list). */
struct smp_args_sig {
	unsigned char min;
	unsigned char t[SMP_MAX_ARGS];
};
#define SMP_ARGS(m, ...) { .min = (m), .t = { __VA_ARGS__ } }
#define SMP_NOARGS { .min = 0, .t = { ARGT_NONE } }

/* Variable scopes, as in `var(txn.name)`. */
enum smp_var_scope { VAR_SCOPE_PROC = 0, VAR_SCOPE_SESS, VAR_SCOPE_TXN, VAR_SCOPE_REQ,
		     VAR_SCOPE_RES, VAR_SCOPE_CHECK };

/* One parsed argument. `text` is always the argument as written. */
struct sample_arg {
	enum smp_argt type;
	char *text;
	int resolved;            /* references: set once the name is found */
	union {
		long long sint;      /* SINT, TIME (ms) */
		struct {             /* MSK4 / MSK6 */
			unsigned char addr[16];
			int bits;
		} mask;
		struct {             /* VAR */
			enum smp_var_scope scope;
			char *name;  /* after the scope and the dot */
		} var;
		void *re;            /* REG: pcre2_code * (8-bit), freed with the arena */
		const void *ref;     /* FE/BE: struct proxy_conf *, TAB: struct
				      * stick_table_conf *, USR: struct userlist_conf *,
				      * SRV: struct server_conf * (after resolution) */
	} u;
	void *data;              /* MAP: struct pat_list * (acl-t.h), loaded at parse */
};

/* A runtime sample value (filled by fetches, transformed by converters). */
struct sample {
	enum smp_type type;
	unsigned flags;
	union {
		long long sint;
		struct in_addr ipv4;
		struct in6_addr ipv6;
		struct {
			char *ptr;
			size_t len;
		} str;
		int meth;
	} data;
};

/* The stream a sample is taken from and the value evaluation produces
 * (include/weir/sample-rt.h). Fetches and converters return 0 with the
 * value filled, or -1: not found. */
struct smp_ctx;
struct smp_val;

typedef int (*smp_fetch_fn)(const struct sample_arg *args, int nargs, struct smp_val *smp,
			    struct smp_ctx *sctx, const char *param);
typedef int (*smp_conv_fn)(const struct sample_arg *args, int nargs, struct smp_val *smp,
			   struct smp_ctx *sctx, const char *param);

/* What an argument checker sees; it writes a message in err on failure. */
struct smp_check {
	struct cfg_ctx *ctx;
	const char *kw;
	const char *param;            /* the definition's param */
	struct sample_arg *args;
	int nargs;
	char *err;
	size_t errlen;
};

struct sample_fetch_def {
	const char *name;
	const char *usage;            /* the arguments: "[<name>[,<occ>]]", "" for none */
	struct smp_args_sig args;
	enum smp_type out;
	enum smp_src src;
	int (*check)(struct smp_check *c);   /* extra argument validation, may be NULL */
	smp_fetch_fn fetch;           /* NULL until the traffic path implements it */
	const char *param;            /* per-fetch parameter: the stick-table data
				       * type of a counter fetch, ... */
};

struct sample_conv_def {
	const char *name;
	const char *usage;
	struct smp_args_sig args;
	enum smp_type in, out;
	int (*check)(struct smp_check *c);
	smp_conv_fn conv;
	const char *param;            /* counter name of table_*, map matcher */
};

/*
 * ACL keywords that are not fetches of their own: `path_beg` is `path`
 * matched with `-m beg`; `hdr_sub(x)` is `hdr(x)` with `-m sub`.
 */
struct acl_kw_alias {
	const char *name;
	const char *fetch;
	int match;                    /* enum pat_match (acl-t.h) */
};

/* A converter applied in an expression. */
struct sample_conv_step {
	const struct sample_conv_def *def;
	struct sample_arg *args;
	int nargs;
};

/* `fetch(args),conv(args),...` parsed for one place of use. */
struct sample_expr {
	const struct sample_fetch_def *fetch;
	struct sample_arg *args;
	int nargs;
	struct vec convs;             /* struct sample_conv_step * */
	enum smp_type out;            /* type after the last converter */
	char *text;                   /* as written */
	struct cfg_loc loc;
	unsigned where;               /* enum smp_where mask it was parsed for */
	const struct proxy_conf *px;  /* proxy it belongs to (default tables) */
};

#endif
