/*
 * Conditions of `weir -cc '<expr>'` and of the configuration's
 * .if/.elif/.else/.endif blocks, as HAProxy 2.6 defines them:
 *
 *   expr := and { "||" and }        and := term { "&&" term }
 *   term := { "!" } ( <integer> | "(" expr ")" | predicate "(" args ")" )
 *
 * An empty expression is false, an integer is true unless it is 0.
 * Predicates: defined(<env var>), feature(<name>), streq(<a>,<b>),
 * strneq(<a>,<b>), version_atleast(<ver>), version_before(<ver>).
 * Versions compare with weir's own version (PACKAGE_VERSION), not with a
 * HAProxy version: `.if version_atleast(2.4)` guards HAProxy features
 * and is false on weir 0.x, so such blocks take their fallback branch.
 * Features are weir's build features (cfg_cond_features()).
 * Runs in the master and in `weir -c` / `-cc` (src/cfg/cond.c).
 */
#ifndef WEIR_COND_H
#define WEIR_COND_H

#include <stddef.h>

/* 1 true, 0 false, -1 error (message in err, HAProxy's wording). */
int cfg_cond_eval(const char *expr, char *err, size_t errlen);

/* Compares two versions ("2.6", "2.6.12", "2.7-dev3", "2.6-rc1",
 * "2.6.12-1+deb12u4"): <0, 0, >0 like strcmp; -2 when one is unparsable.
 * dev < pre < rc < release < release with a packaging revision. */
int cfg_version_compare(const char *a, const char *b);

struct cfg_feature {
	const char *name;
	int present;
};
/* weir's build features, in `weir -vv` order. */
const struct cfg_feature *cfg_cond_feature_table(size_t *n);
/* The same as one line for `weir -vv`: "+EPOLL -KQUEUE ..." (static). */
const char *cfg_cond_features(void);

#endif
