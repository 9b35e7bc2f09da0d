/*
 * Health-check rules: the model of `http-check`, `tcp-check` and the
 * built-in protocol checks (`option redis-check`, ...), built by the parser
 * (src/check/) and read by the checker process (a later issue).
 *
 * A proxy holds two ordered lists of struct check_rule: http_check_rules
 * and tcp_check_rules (cfg-t.h). proxy_conf.check_kind says which one runs,
 * if any. The lists follow HAProxy's ruleset semantics exactly:
 *
 *  - `option httpchk [<meth>] <uri> [<ver>]` is an implicit `send` rule
 *    (from_option set, no source words) kept at the head of the list, or
 *    merged into the first explicit `http-check send` (the merged rule keeps
 *    the explicit line's words);
 *  - a proxy's first own rule starts a fresh list: the rules of the
 *    `defaults` section are inherited whole or not at all, never appended to;
 *  - `index` is the step number as HAProxy counts it in its messages.
 *
 * Built-in protocol checks (redis, mysql, ...) are not expanded into rules
 * here: the checker knows their fixed conversations from check_kind and the
 * parameters kept on the proxy (check_user, smtpchk_domain, ...).
 *
 * Every rule keeps its source words, so the canonical dump is exact.
 * Compiled regexes are freed with the model's arena (arena_on_free).
 */
#ifndef WEIR_CHECK_T_H
#define WEIR_CHECK_T_H

#include <stddef.h>

#include "weir/cfg-t.h"

struct logfmt;
struct sample_expr;
struct pcre2_real_code_8;   /* pcre2_code with PCRE2_CODE_UNIT_WIDTH 8 */

enum check_action {
	CHECK_ACT_CONNECT = 0,
	CHECK_ACT_SEND,
	CHECK_ACT_EXPECT,
	CHECK_ACT_COMMENT,
	CHECK_ACT_SET_VAR,          /* set-var(<name>) <expr> */
	CHECK_ACT_UNSET_VAR,        /* unset-var(<name>) */
};

/* `connect` options (bits) */
enum check_conn_opt {
	CHECK_CONN_DEFAULT = 1 << 0,     /* use the server's check settings */
	CHECK_CONN_SEND_PROXY = 1 << 1,
	CHECK_CONN_SOCKS4 = 1 << 2,
	CHECK_CONN_SSL = 1 << 3,
	CHECK_CONN_LINGER = 1 << 4,
};

struct check_connect {
	unsigned opts;              /* enum check_conn_opt */
	int port;                   /* 0: the server's (check) port */
	char *port_expr_text;       /* `port <sample>` when not a number */
	struct sample_expr *port_expr;
	char *addr;                 /* as written, NULL: the server's */
	struct cfg_addr addr_c;     /* parsed when addr is set */
	char *sni;
	char *alpn;                 /* as written: "h2,http/1.1" */
	char *proto;                /* mux protocol name */
};

enum check_send_type {
	CHECK_SEND_STRING = 0,      /* send <string> */
	CHECK_SEND_BINARY,          /* send-binary <hex> */
	CHECK_SEND_STRING_LF,       /* send-lf <fmt> */
	CHECK_SEND_BINARY_LF,       /* send-binary-lf <fmt> (hex after formatting) */
	CHECK_SEND_HTTP,            /* http-check send / option httpchk */
};

/* One request header of an HTTP check: the value is a log-format string. */
struct check_hdr {
	char *name;
	char *value;
	struct logfmt *value_fmt;
};

struct check_send {
	enum check_send_type type;
	char *data;                 /* string or format as written; binary: bytes */
	size_t len;                 /* bytes in data (binary may hold NULs) */
	struct logfmt *fmt;         /* -lf forms */
	/* HTTP */
	int from_option;            /* the implicit rule of `option httpchk` */
	char *meth;                 /* NULL: OPTIONS (or the merged value) */
	char *uri;                  /* NULL: "/" */
	int uri_lf;
	struct logfmt *uri_fmt;
	char *ver;                  /* NULL: HTTP/1.0 */
	struct vec hdrs;            /* struct check_hdr * */
	char *body;
	int body_lf;
	struct logfmt *body_fmt;
};

enum check_expect_type {
	CHECK_EXP_STRING = 0,       /* tcp: data contains; http: body contains */
	CHECK_EXP_RSTRING,
	CHECK_EXP_BINARY,
	CHECK_EXP_RBINARY,
	CHECK_EXP_STRING_LF,
	CHECK_EXP_BINARY_LF,
	CHECK_EXP_STATUS,           /* http: status code list/ranges */
	CHECK_EXP_RSTATUS,
	CHECK_EXP_HDR,              /* http: hdr / fhdr */
};

/* Check results as HAProxy names them in `show stat` (check_status). */
enum check_result {
	CHECK_RES_UNSET = 0,
	CHECK_RES_L4OK, CHECK_RES_L6OK, CHECK_RES_L7OK, CHECK_RES_L7OKC,
	CHECK_RES_L4CON, CHECK_RES_L6RSP, CHECK_RES_L7RSP, CHECK_RES_L7STS,
	CHECK_RES_L4TOUT, CHECK_RES_L6TOUT, CHECK_RES_L7TOUT,
};

/* Header name/value matching methods of `hdr`/`fhdr` (`-m str|beg|...`). */
enum check_hdr_match { CHECK_HM_STR = 0, CHECK_HM_BEG, CHECK_HM_END, CHECK_HM_SUB, CHECK_HM_REG };

struct check_status_range {
	int lo, hi;
};

struct check_expect {
	enum check_expect_type type;
	int inverse;                /* `!` */
	int min_recv;               /* -1: unset */
	char *pattern;              /* as written */
	unsigned char *bin;         /* binary: decoded bytes */
	size_t binlen;
	struct pcre2_real_code_8 *re;   /* r* forms */
	struct logfmt *fmt;         /* -lf forms */
	struct vec statuses;        /* struct check_status_range * (status) */
	/* hdr / fhdr */
	int hdr_full;               /* fhdr: the whole value, commas included */
	char *hdr_name;
	enum check_hdr_match hdr_name_match;
	int hdr_name_lf;
	struct pcre2_real_code_8 *hdr_name_re;
	char *hdr_value;            /* NULL: only the name must be present */
	enum check_hdr_match hdr_value_match;
	int hdr_value_lf;
	struct pcre2_real_code_8 *hdr_value_re;
	/* reporting */
	enum check_result ok_status, err_status, tout_status;
	char *on_success, *on_error;    /* log-format strings */
	struct logfmt *on_success_fmt, *on_error_fmt;
	char *status_code;          /* sample expression text */
	struct sample_expr *status_code_expr;
};

struct check_rule {
	struct cfg_loc loc;
	struct cfg_words src;       /* the whole line; n == 0 for implicit rules */
	enum check_action action;
	int index;                  /* step number - 1, as HAProxy counts */
	char *comment;
	struct check_connect connect;
	struct check_send send;
	struct check_expect expect;
	char *var_name;             /* set-var / unset-var */
	char *var_expr;             /* set-var: the expression as written */
};

/* Names of the check results ("L7OK"), indexed by enum check_result. */
extern const char *const check_result_names[];

#endif
