/*
 * Run-time evaluation of sample expressions and ACL conditions: what a
 * worker hands the evaluator (struct smp_ctx), the values it gets back
 * (struct smp_val), the per-session variables store, and the entry points.
 *
 * Runs in the workers, on the request path of every HTTP request: nothing
 * here allocates. A value points into the message buffer, into the
 * configuration (constants, map values), or into the scratch buffer the
 * caller passes in the context. Regexes were compiled (JIT) at load time;
 * one PCRE2 match-data block per process serves every match. Reads the
 * shared segment (backend and frontend records) and never writes it.
 * Implemented in src/acl/smp_rt*.c and src/acl/acl_rt.c.
 */
#ifndef WEIR_SAMPLE_RT_H
#define WEIR_SAMPLE_RT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "weir/acl-t.h"
#include "weir/http-t.h"
#include "weir/sample-t.h"

/* ------------------------------------------------------------ values */

#define SMP_VF_MORE  0x1   /* a multi-valued fetch has more values: call again */
#define SMP_VF_CONST 0x2   /* str points to read-only data (message, config) */

/* One value. Strings and binaries are spans, never NUL terminated. A
 * METH value carries enum http_meth in sint and the method text in str.
 * `it` is the cursor of multi-valued fetches (hdr() in an ACL walks every
 * value); keep it zero for the first call. */
struct smp_val {
	enum smp_type type;
	unsigned flags;            /* SMP_VF_* */
	long long sint;            /* BOOL, SINT, METH */
	struct in_addr ip4;        /* IPV4 */
	struct in6_addr ip6;       /* IPV6 */
	struct {
		const char *ptr;
		size_t len;
	} str;                     /* STR, BIN, METH */
	uint32_t it[2];            /* fetch cursor: header index, offset in value */
	int it_mode;               /* 0: single value; 1: iterate (set by ACLs) */
};

/* ------------------------------------------------------------ variables */

#define SMP_VARS_MAX 32        /* variables per session, all scopes together */
#define SMP_VARS_DATA 2048     /* bytes of string values per session */

/* One variable. `name` points to the configuration's copy of the name
 * (set-var/var arguments), compared by content. */
struct smp_var {
	enum smp_var_scope scope;
	const char *name;
	enum smp_type type;
	long long sint;
	unsigned char addr[16];
	uint32_t off, len;         /* STR/BIN: span of data[] */
};

/* A session's variables: fixed capacity, owned by the session. proc-scope
 * variables are out of scope here (they need the segment). */
struct smp_vars {
	struct smp_var v[SMP_VARS_MAX];
	int n;
	uint32_t used;
	char data[SMP_VARS_DATA];
};

/* ------------------------------------------------------------ context */

struct cfg;
struct proxy_conf;

/* The scratch space converters write into. The caller owns it and resets
 * `used` when it no longer needs the values of previous evaluations. */
struct smp_scratch {
	char *buf;
	size_t cap, used;
};

/* What a worker hands the evaluator for one stream. Any pointer may be
 * NULL when the data does not exist (no response yet, TCP mode): fetches
 * reading it then find nothing. */
struct http_caps;

struct smp_ctx {
	const struct sockaddr_storage *cli;   /* client address (src) */
	const struct sockaddr_storage *fe_addr; /* address the client reached (dst) */
	const struct cfg *cfg;
	const struct proxy_conf *fe, *be;     /* be: NULL before the backend is chosen */
	int fe_rec, be_rec;                   /* their records in the segment, -1 none */
	const int *be_of_px;                  /* layout: cfg->proxies index -> BE record */
	const int *fe_of_px;                  /* layout: cfg->proxies index -> FE record */
	void *shm;                            /* segment base, NULL: none */
	const struct http_msg *req, *res;
	int status;                           /* response status, 0 before it */
	struct smp_vars *vars;                /* NULL: variables unavailable */
	struct smp_scratch scr;
	int ssl;                              /* the client connection is TLS */
	/* layer 6: the client's first bytes while tcp-request content rules
	 * inspect them (payload_on); the L6 fetches are "not found" without */
	const unsigned char *payload;
	size_t payload_len;
	int payload_on;
	/* HTTP: the `capture request|response header` slots (capture.*.hdr) */
	const struct http_caps *caps;
};

/* ------------------------------------------------------------ entry points */

/* Prepares this process for evaluation: seeds the uuid()/rand() generator
 * (from getrandom) and creates the PCRE2 match-data block. Call once per
 * worker after fork; the evaluator also does it on first use. 0 or -1. */
int smp_rt_init(void);

/* Evaluates fetch and converters. 0 and *out filled, or -1: not found (data
 * missing, conversion failed, scratch full). For a multi-valued fetch with
 * out->it_mode set, call again while out->flags has SMP_VF_MORE. */
int sample_eval(const struct sample_expr *e, struct smp_ctx *c, struct smp_val *out);

/* Converts v in place to type t (casts as HAProxy does: "12" -> 12, an
 * address -> its text, ...). 0 or -1. May use the scratch. */
int smp_cast(struct smp_val *v, enum smp_type t, struct smp_ctx *c);

/* Does one ACL line match? Every value of a multi-valued fetch is tried. */
int acl_expr_eval(const struct acl_expr *e, struct smp_ctx *c);
/* 1 when the condition holds (after if/unless), 0 otherwise. A NULL
 * condition holds. */
int acl_cond_eval(const struct acl_cond *cond, struct smp_ctx *c);

/* Looks `v` up in a pattern list (ACL patterns or a map). Returns the
 * matching pattern or NULL. Maps take the first match in file order;
 * IP maps the longest prefix. */
const struct pattern *pat_list_match(const struct pat_list *pl, const struct smp_val *v,
				     struct smp_ctx *c);

/* Variables. Names are "name" without the scope. 0 or -1 (store full). */
int smp_var_set(struct smp_vars *vs, enum smp_var_scope scope, const char *name,
		const struct smp_val *v);
int smp_var_get(const struct smp_vars *vs, enum smp_var_scope scope, const char *name,
		struct smp_val *out);
/* Forgets the variables of one scope (req/res at the end of a transaction,
 * txn at the end of a request). */
void smp_vars_reset(struct smp_vars *vs, enum smp_var_scope scope);

/* Formats a random version-4 UUID (36 characters) into out[37]. */
void smp_uuid4(char out[37]);

/* Allocates n bytes from the context's scratch, NULL when full. */
char *smp_scratch_alloc(struct smp_ctx *c, size_t n);

#endif
