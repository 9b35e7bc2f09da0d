/*
 * HTTP rules and replies at run time: what a worker's HTTP engine hands
 * the rule executor for one list of one transaction (struct http_act_ctx),
 * what comes back (enum http_verdict), and the builders of the responses
 * weir answers itself (deny, return, redirect, auth, error pages).
 *
 * Runs in the workers, on the request path. The executor edits the head
 * it is given in place (struct http_msg, http-t.h: edits are appended to
 * msg->buf, never allocated); replies are appended to a caller's sbuf.
 * Implemented in src/proxy/http_act.c (rules), src/proxy/http_reply.c
 * (replies, error pages), src/proxy/http_auth.c (userlist
 * authentication) and src/http/
 * http_edit.c (the head edits, declared in http.h).
 */
#ifndef WEIR_HTTP_ACT_H
#define WEIR_HTTP_ACT_H

#include <stddef.h>
#include <stdint.h>

#include "weir/http-t.h"
#include "weir/rule-t.h"

struct sbuf;
struct smp_ctx;
struct log_sess;
struct logfmt;
struct proxy_conf;
struct cfg;
struct userlist_conf;
struct userlist_user;

/* ------------------------------------------------------------ captures */

#define HTTP_CAPS_MAX  16     /* captured values per direction */
#define HTTP_CAPS_DATA 2048   /* bytes of captured text per transaction */

/* The captures of one transaction: `capture request|response header`
 * (slots in the order of px->captures), `http-request capture <sample>
 * len N [id]` and `http-response capture ... id N`. A slot with len 0 and
 * set 0 prints as empty in %hr/%hs. */
struct http_cap {
	uint16_t off, len;        /* span of data[] */
	uint8_t set;
};
struct http_caps {
	struct http_cap req[HTTP_CAPS_MAX], res[HTTP_CAPS_MAX];
	int nreq, nres;           /* slots in use (the highest index + 1) */
	uint32_t used;
	char data[HTTP_CAPS_DATA];
};

/* ------------------------------------------------------------ rules */

#define HTTP_LOG_SILENT (-2)  /* set-log-level silent: no log line */

/* The log-format values (%ci, %ID, ...) of one run of a rule list, filled
 * on first use (http_act_log_sess()): most runs print none, and filling
 * reads a dozen session fields and shared counters into a large struct. */
struct http_act_log {
	struct log_sess *ls;          /* the storage; ls->smp == the run's smp */
	int ready;                    /* ls is filled for this run */
	void (*fill)(void *arg, struct log_sess *ls);   /* the engine's; NULL: as is */
	void *arg;
};

/* One run of one rule list. The caller fills the inputs; the executor
 * fills the outputs. */
struct http_act_ctx {
	/* inputs */
	struct smp_ctx *smp;          /* fetches: addresses, req, res, vars, scratch */
	struct http_act_log *log;     /* log-format values for -lf arguments */
	struct http_msg *msg;         /* the head this list edits: the request for
				       * http-request, the response for
				       * http-response / http-after-response */
	const struct proxy_conf *px;  /* whose rules run (px->defaults' first) */
	struct http_caps *caps;       /* NULL: captures are dropped */
	/* outputs, left as they are when no rule sets them */
	int log_level;                /* set-log-level: LOG_LVL_*, HTTP_LOG_SILENT */
	int tmo_server, tmo_tunnel, tmo_client;   /* set-timeout, ms */
	unsigned failed_rewrites;     /* edits that did not fit (counted in stats) */
	const struct rule *final;     /* the rule that ended the list, NULL none */
};

/* c's log values for building fmt, NULL when c has none. They are filled
 * for this run the first time a format prints a %var; a format of text
 * and %[samples] only reads their smp, and fills nothing. */
const struct log_sess *http_act_log_sess(const struct http_act_ctx *c, const struct logfmt *fmt);

enum http_verdict {
	HTTP_V_CONTINUE = 0,  /* the list ran to its end: go on */
	HTTP_V_ALLOW,         /* `allow`: stop this list, go on */
	HTTP_V_DENY,          /* final: deny (reply: final->reply, status in it) */
	HTTP_V_TARPIT,        /* final: hold the client for timeout tarpit, then deny */
	HTTP_V_RETURN,        /* final: `return` */
	HTTP_V_REDIRECT,      /* final: `redirect` (final->redir) */
	HTTP_V_AUTH,          /* final: `auth` (401, or 407 in a proxy) */
	HTTP_V_REJECT,        /* final: close without an answer (reject, silent-drop) */
	HTTP_V_SERVICE,       /* final: `use-service` final->name */
	HTTP_V_ERROR,         /* an edit failed (strict mode): answer 500 */
	HTTP_V_BADREQ,        /* normalize-uri ... strict found an invalid URI: answer 400 */
};

/* Runs `list` (RULE_HTTP_REQ, RULE_HTTP_RES or RULE_HTTP_AFTER) of c->px:
 * px->defaults' rules first, then the proxy's own, each only when its
 * condition holds. Stops at the first final verdict or `allow`. */
enum http_verdict http_rules_run(struct http_act_ctx *c, enum rule_list list);

/* The text of a capture slot (NULL when unset), for %hr/%hs and
 * capture.req.hdr(N). */
const char *http_cap_get(const struct http_caps *caps, int is_res, int idx, size_t *len);
/* Stores a capture (truncated to `max` bytes); 0 or -1 when full. */
int http_cap_set(struct http_caps *caps, int is_res, int idx, const char *p, size_t len,
		 size_t max);
/* The `capture request header` (is_res 0) or `capture response header`
 * slots of frontend fe, filled from head m: the last occurrence of each
 * header, truncated to its `len`; a missing header leaves its slot empty.
 * For requests the slots of fe's `http-request capture ... len` rules
 * (numbered after the header slots, in rule order) are counted too, so
 * %hr always shows every declared slot. Call once the head is parsed,
 * before the rules run. */
void http_caps_take(const struct proxy_conf *fe, const struct http_msg *m, int is_res,
		    struct http_caps *caps);

/* ------------------------------------------------------------ replies */

/*
 * Every builder appends one whole HTTP/1.1 response (status line, headers,
 * body) to `out` and returns its status code: the one to log and count,
 * which for a page loaded from a file (errorfile, errorloc) is the rule's
 * or the error's, not the file's own, as in HAProxy 2.6. With `close` set
 * the head carries `connection: close`, and the engine closes after
 * sending it.
 * `c` gives the samples and log values that lf-string, lf-file and
 * redirect formats need; it may be NULL for the error pages.
 */

/* The answer of a final rule of http_rules_run(): deny, tarpit (after the
 * wait), return, redirect, auth. */
int http_reply_rule(struct http_act_ctx *c, const struct rule *r, int close, struct sbuf *out);

/* The `redirect` directive or `http-request redirect` of a request. */
int http_reply_redirect(struct http_act_ctx *c, const struct rule_redirect *rd, int close,
			struct sbuf *out);

/* The error page of px (the backend once chosen, else the frontend) for
 * `status`: px's page (what its errorfile, errorfiles, http-error and
 * errorloc lines resolved to, the last line naming the status winning), else the
 * frontend's (c->smp->fe), else the built-in page (HAProxy 2.6's text).
 * Error pages always close. */
int http_reply_error(const struct proxy_conf *px, int status, struct http_act_ctx *c,
		     struct sbuf *out);

/* Does the request's Authorization (Proxy-Authorization when `proxy`)
 * carry a user of userlist `ul` (and of one of `groups`, comma separated,
 * when not NULL) with the right password? crypt(3) hashes and
 * insecure-password both. 1 yes, 0 no. */
int http_auth_check(const struct cfg *cfg, const char *ul, const char *groups,
		    const struct http_msg *req, int proxy);

/* A redirect with `ignore-empty` whose location came out empty does not
 * apply: http_reply_redirect() then returns 0 and appends nothing, and the
 * rule list goes on (HAProxy skips the rule). */

/* The reason phrase HAProxy 2.6 sends with a status it builds (`return`,
 * deny with a payload): "Created", "I'm a teapot", "Client Error" for an
 * unnamed 4xx. Redirects and the built-in error pages have their own. */
const char *http_reply_reason(int status);

/* The error page for a request the HTTP/1 layer refused before any rule
 * ran (a parse error's 400, the 408 of `timeout http-request`, 501): the
 * frontend px's own page if it has one, else the built-in page as
 * HAProxy's mux sends it, header names in their original case
 * ("Content-length: 90").
 * Always closes. */
int http_reply_error_h1(const struct proxy_conf *px, int status, struct sbuf *out);

/* The challenge of `auth`: px's 401 page with `www-authenticate: Basic
 * realm="<realm>"`, or its 407 page with proxy-authenticate when `proxy`.
 * c may be NULL. Used by the auth action and the stats page. */
int http_reply_auth(const struct proxy_conf *px, const char *realm, int proxy, int close,
		    struct http_act_ctx *c, struct sbuf *out);

/* ------------------------------------------------------------ authentication */

/* Is `req` a proxy request: absolute-form target to a frontend with
 * `option http-use-proxy-header`? Then `auth` answers 407 with
 * proxy-authenticate, and credentials come from Proxy-Authorization. */
int http_auth_is_proxy(const struct proxy_conf *fe, const struct http_msg *req);

enum http_auth_scheme { HTTP_AUTH_NONE = 0, HTTP_AUTH_BASIC, HTTP_AUTH_DIGEST,
			HTTP_AUTH_BEARER, HTTP_AUTH_OTHER };

/* The scheme of the request's Authorization (Proxy-Authorization when
 * `proxy`) header, case-insensitive; *cred is the text after it. */
enum http_auth_scheme http_auth_scheme(const struct http_msg *req, int proxy,
				       const char **cred, size_t *clen);

/* Decoded Basic credentials: spans of the caller's buffer. */
struct http_auth_cred {
	const char *user, *pass;
	size_t ulen, plen;
};
/* Decodes "Basic <base64(user:pass)>" into buf (cap bytes, NUL-separated).
 * 0, or -1: no Basic credentials, bad base64, no ':' or too long. */
int http_auth_basic(const struct http_msg *req, int proxy, char *buf, size_t cap,
		    struct http_auth_cred *cr);

/* The user of `ul` whose name and password the request carries, NULL when
 * none (no credentials, unknown user, wrong password). */
const struct userlist_user *http_auth_find_user(const struct userlist_conf *ul,
						const struct http_msg *req, int proxy);
/* Is u in group grp[0..len): in its own `groups`, or in the group's `users`? */
int http_auth_in_group(const struct userlist_conf *ul, const struct userlist_user *u,
		       const char *grp, size_t len);

#endif
