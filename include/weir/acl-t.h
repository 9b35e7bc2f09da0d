/*
 * Types of ACLs, patterns and conditions.
 *
 *   struct acl_cond      if/unless: an OR of suites
 *    +-- acl_suite[]     an AND of terms
 *         +-- acl_term   [!]acl (named, predefined or anonymous { ... })
 *              +-- acl_def      one name: an OR of expressions (acl lines)
 *                   +-- acl_expr   sample expression + matcher + patterns
 *                        +-- pat_list  patterns parsed for the matcher
 *
 * Built by the master while loading the configuration (src/acl/), in the
 * model's arena; read by the workers. Patterns are stored ready to
 * evaluate: integers parsed into ranges, addresses into networks, regexes
 * compiled (PCRE2, JIT when available).
 */
#ifndef WEIR_ACL_T_H
#define WEIR_ACL_T_H

#include "weir/cfg-t.h"
#include "weir/sample-t.h"

/* Matching methods (`-m <name>`); METH is the implicit one of `method`. */
enum pat_match {
	PAT_MATCH_FOUND = 0, PAT_MATCH_BOOL, PAT_MATCH_INT, PAT_MATCH_IP, PAT_MATCH_BIN,
	PAT_MATCH_LEN, PAT_MATCH_STR, PAT_MATCH_BEG, PAT_MATCH_SUB, PAT_MATCH_DOM,
	PAT_MATCH_END, PAT_MATCH_REG, PAT_MATCH_DIR, PAT_MATCH_METH,
	PAT_MATCH__COUNT
};

/* One pattern, parsed for its matcher. */
struct pattern {
	char *text;                   /* as written */
	union {
		struct {              /* INT, LEN: an inclusive range */
			long long min, max;
			int has_min, has_max;
		} range;
		struct {              /* IP */
			int family;   /* AF_INET or AF_INET6 */
			unsigned char addr[16];   /* network address, host bits cleared */
			int bits;
		} net;
		struct {              /* STR, BEG, SUB, DOM, END, DIR, BIN, METH */
			char *s;      /* BIN: the decoded bytes */
			size_t len;
		} str;
		void *re;             /* REG: pcre2_code * (8-bit), freed with the arena */
	} u;
	char *value;                  /* maps: the value after the key */
};

/* Patterns of one ACL line or one map file. */
struct pat_list {
	enum pat_match match;
	int icase;                    /* -i */
	struct vec pats;              /* struct pattern * */
	void *idx;                    /* IP: struct pat_ipidx * (src/acl/pat_index.c),
				       * built once the list is complete */
};

enum acl_flag {
	ACL_F_ICASE = 1 << 0,         /* -i */
	ACL_F_NO_DNS = 1 << 1,        /* -n */
	ACL_F_MAP = 1 << 2,           /* -M: -f files are maps, keys are patterns */
};

/* One ACL line (or the inside of an anonymous { }). */
struct acl_expr {
	struct sample_expr *smp;
	const char *kw;               /* the criterion as written ("hdr_sub(User-Agent)") */
	int match_forced;             /* `-m` given */
	unsigned flags;               /* enum acl_flag */
	int uid;                      /* -u <id>, -1 unset */
	struct vec files;             /* char *: -f files, loaded into pats */
	struct pat_list pats;
	struct cfg_words words;       /* the whole line ("acl", name, ...) */
	struct cfg_loc loc;
};

struct acl_def {
	char *name;                   /* "" for an anonymous ACL */
	struct cfg_loc loc;           /* first line */
	int predefined;
	struct vec exprs;             /* struct acl_expr *, ORed */
};

struct acl_term {
	const struct acl_def *acl;
	int neg;
};

struct acl_suite {
	struct vec terms;             /* struct acl_term *, ANDed */
};

enum acl_pol { ACL_COND_IF = 0, ACL_COND_UNLESS };

struct acl_cond {
	enum acl_pol pol;
	struct vec suites;            /* struct acl_suite *, ORed */
	struct cfg_words words;       /* "if"/"unless" and the rest, as written */
	struct cfg_loc loc;
	unsigned where;
};

#endif
