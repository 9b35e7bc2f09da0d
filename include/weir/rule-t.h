/*
 * Rules of a proxy, as parsed from the configuration: `http-request`,
 * `http-response`, `http-after-response`, `tcp-request connection|session|
 * content`, `tcp-response content`, and the directives that choose where a
 * request goes (`use_backend`, `use-server`, `force-persist`,
 * `ignore-persist`, `redirect`, `monitor fail`, `http-error`).
 *
 * One struct rule serves every list: an action (enum rule_act) with its
 * arguments parsed ready to execute, an optional condition, and the words
 * of the line as written (the canonical dump re-emits them). Built by the
 * master at load time (src/proxy/), read by the workers after fork.
 *
 * Where the lists live in struct proxy_conf (cfg-t.h):
 *   http_req_rules .. tcp_res_cont_rules   one list each (enum rule_list)
 *   switching_rules                        use_backend (RULE_SWITCH)
 *   server_rules                           use-server, force-persist and
 *                                          ignore-persist (RULE_SERVER)
 *   redirect_rules                         the `redirect` directive
 *   monitor_uri                            `monitor-uri` and `monitor fail`
 *                                          (RULE_MONITOR; see rule_monitor_uri())
 *   http_errors                            `http-error` (RULE_HTTP_ERROR)
 *   errorfiles                             struct errorfile_conf *
 *   errorfiles_refs                        struct rule_errorfiles *
 *   error_decls                            struct rule_error_decl *: the
 *                                          errorfile, errorfiles and
 *                                          http-error lines in line order
 *
 * Rules of a named `defaults` section (HAProxy 2.6, only with `from`) stay
 * in that section's lists: a proxy runs px->defaults' rules of a list
 * before its own, as HAProxy does.
 */
#ifndef WEIR_RULE_T_H
#define WEIR_RULE_T_H

#include <stddef.h>

#include "weir/cfg-t.h"

enum rule_list {
	RULE_HTTP_REQ = 0,      /* http-request */
	RULE_HTTP_RES,          /* http-response */
	RULE_HTTP_AFTER,        /* http-after-response */
	RULE_TCP_CONN,          /* tcp-request connection */
	RULE_TCP_SESS,          /* tcp-request session */
	RULE_TCP_CONT,          /* tcp-request content */
	RULE_TCP_RES,           /* tcp-response content */
	RULE_SWITCH,            /* use_backend */
	RULE_SERVER,            /* use-server, force-persist, ignore-persist */
	RULE_REDIRECT,          /* redirect */
	RULE_MONITOR,           /* monitor-uri, monitor fail */
	RULE_HTTP_ERROR,        /* http-error */
	RULE_LIST__COUNT
};
#define RULE_LIST_BIT(l) (1u << (l))

enum rule_act {
	ACT_NONE = 0,
	/* final verdicts */
	ACT_ALLOW, ACT_ACCEPT, ACT_DENY, ACT_TARPIT, ACT_REJECT, ACT_SILENT_DROP,
	ACT_AUTH, ACT_REDIRECT, ACT_RETURN, ACT_USE_SERVICE, ACT_CLOSE,
	/* header and message rewriting */
	ACT_SET_HDR, ACT_ADD_HDR, ACT_DEL_HDR, ACT_REPLACE_HDR, ACT_REPLACE_VAL,
	ACT_SET_PATH, ACT_SET_PATHQ, ACT_SET_QUERY, ACT_SET_URI, ACT_SET_METHOD,
	ACT_REPLACE_PATH, ACT_REPLACE_PATHQ, ACT_REPLACE_URI,
	ACT_SET_STATUS, ACT_EARLY_HINT, ACT_NORMALIZE_URI,
	/* variables */
	ACT_SET_VAR, ACT_SET_VAR_FMT, ACT_UNSET_VAR,
	/* session settings */
	ACT_SET_LOG_LEVEL, ACT_SET_NICE, ACT_SET_TOS, ACT_SET_MARK, ACT_SET_TIMEOUT,
	ACT_SET_SRC, ACT_SET_DST, ACT_SET_SRC_PORT, ACT_SET_DST_PORT,
	ACT_SET_BANDWIDTH_LIMIT, ACT_STRICT_MODE, ACT_WAIT_FOR_BODY,
	ACT_WAIT_FOR_HANDSHAKE, ACT_DISABLE_L7_RETRY, ACT_DO_RESOLVE,
	ACT_EXPECT_PROXY, ACT_EXPECT_NETSCALER_CIP, ACT_SWITCH_MODE,
	/* captures, stick counters */
	ACT_CAPTURE, ACT_TRACK_SC, ACT_SC_INC_GPC0, ACT_SC_INC_GPC1, ACT_SC_INC_GPC,
	ACT_SC_SET_GPT0, ACT_SC_SET_GPT,
	/* map and ACL files */
	ACT_SET_MAP, ACT_DEL_MAP, ACT_ADD_ACL, ACT_DEL_ACL,
	/* directives */
	ACT_USE_BACKEND, ACT_USE_SERVER, ACT_FORCE_PERSIST, ACT_IGNORE_PERSIST,
	ACT_MONITOR_URI, ACT_MONITOR_FAIL, ACT_HTTP_ERROR,
	ACT__COUNT
};

/* Variable scopes, as in `set-var(txn.name)`. */
enum rule_var_scope { VAR_PROC = 0, VAR_SESS, VAR_TXN, VAR_REQ, VAR_RES, VAR_CHECK };

/* `del-header <name> -m <method>` */
enum rule_hdr_match { HDR_MATCH_STR = 0, HDR_MATCH_BEG, HDR_MATCH_END, HDR_MATCH_SUB,
		      HDR_MATCH_REG };

/* `set-timeout <kind>` */
enum rule_timeout { RULE_TIMEOUT_SERVER = 0, RULE_TIMEOUT_TUNNEL, RULE_TIMEOUT_CLIENT };

/* What an HTTP reply carries (deny, tarpit, return, http-error, auth). */
enum rule_payload {
	PAYLOAD_NONE = 0,         /* no body: empty, or the proxy's error page for deny */
	PAYLOAD_DEFAULT_ERRORFILE,/* the proxy's errorfile for the status */
	PAYLOAD_ERRORFILE,        /* a raw HTTP response file (content loaded) */
	PAYLOAD_ERRORFILES,       /* the status' page of an http-errors section */
	PAYLOAD_FILE,             /* body from a file (content loaded) */
	PAYLOAD_LF_FILE,          /* log-format body from a file (compiled) */
	PAYLOAD_STRING,           /* body text */
	PAYLOAD_LF_STRING,        /* log-format body (compiled) */
};

/* `hdr <name> <fmt>` of a reply, and the header of set-header & co. */
struct rule_hdr {
	char *name;
	char *fmt_text;
	struct logfmt *fmt;
};

struct rule_reply {
	int status;
	char *content_type;       /* NULL: none (ignored, with a warning, without payload) */
	enum rule_payload payload;
	char *arg;                /* file path, string, or http-errors name */
	char *content;            /* loaded file / string bytes */
	size_t content_len;
	struct logfmt *lf;        /* PAYLOAD_LF_* */
	struct vec hdrs;          /* struct rule_hdr * */
	const struct rule_reply *page;  /* PAYLOAD_ERRORFILES: the section's page for
				   * the status, resolved at the end of the load;
				   * NULL: it has none (an empty reply is sent) */
};

enum rule_redirect_type { REDIRECT_LOCATION = 1, REDIRECT_PREFIX, REDIRECT_SCHEME };

struct rule_redirect {
	enum rule_redirect_type type;
	char *target;             /* as written */
	struct logfmt *fmt;       /* compiled target */
	int code;                 /* 301, 302 (default), 303, 307, 308 */
	int drop_query, append_slash, ignore_empty;
	char *set_cookie;         /* "NAME" or "NAME=VALUE" */
	char *clear_cookie;       /* "NAME" or "NAME=" */
};

struct rule {
	enum rule_list list;
	enum rule_act act;
	const char *kw;           /* registered keyword of the line ("http-request") */
	struct cfg_loc loc;
	struct cfg_words src;     /* the whole line, as lexed */
	int src_from;             /* words of the keyword itself ("tcp-request content": 2) */
	struct acl_cond *cond;    /* NULL: always */

	/* Action arguments; which ones are set depends on `act`. */
	char *name;               /* header, variable ("txn.x"), backend, server, service,
				   * table, map/ACL file, bandwidth filter, normalizer */
	int var_scope;            /* enum rule_var_scope, for the variable actions */
	char *text;               /* format, regex or value as written */
	struct logfmt *fmt;       /* `text` compiled when it is a log-format */
	char *text2;              /* second format (replace-*, set-map value) */
	struct logfmt *fmt2;
	struct sample_expr *expr; /* sample argument (set-var, track-sc, capture, ...) */
	void *regex;              /* pcre2_code *, released with the arena */
	int match;                /* enum rule_hdr_match (del-header) */
	long ival;                /* status, log level, nice, tos, mark, timeout (ms),
				   * capture len, gpc index, on/off, gpt value */
	int ival_set;             /* ival given (capture len/id, wait-for-body at-least) */
	long ival2;               /* wait-for-body at-least (bytes), capture id */
	int sc;                   /* stick counter 0..2 */
	int timeout;              /* enum rule_timeout */
	char *reason;             /* set-status reason */
	struct rule_reply *reply; /* deny, tarpit, return, http-error, auth realm */
	struct rule_redirect *redir;
	int dynamic;              /* use_backend / use-server name is a log-format */

	/* Resolved by the finish hook (rule_kw_table.finish). */
	const struct proxy_conf *backend;
	const struct server_conf *server;
	const struct stick_table_conf *table;
};

/* `errorfiles <name> [<code> ...]`: an http-errors section to import. */
struct rule_errorfiles {
	char *name;
	struct vec codes;         /* int status codes as intptr_t; empty: all */
	struct cfg_loc loc;
	struct cfg_words src;
};

/*
 * One line that sets a proxy's error pages, kept in line order (HAProxy's
 * conf.errors): `errorfile`, `errorfiles` and `http-error` override each
 * other, the last one naming a status wins. Exactly one pointer is set.
 */
struct rule_error_decl {
	const struct errorfile_conf *file;
	const struct rule_errorfiles *ref;
	const struct rule *http_error;
};

#endif
