/*
 * The check conversation engine: one check as a program of steps run on a
 * non-blocking connection (connect, send, expect), shared by every L7 kind:
 * `option tcp-check` (the backend's tcp-check rules), `option httpchk`
 * (the http-check rules), and the built-in protocol checks (redis, pgsql,
 * mysql, smtp, ldap, ssl-hello), which are generated programs.
 *
 * Runs in the checker process. A program is compiled once per server, on
 * its first run, from the parsed model (check-t.h, read only, never
 * written) and kept in the check's struct chk_conv until checker_stop().
 * The conversation state (buffers, position) lives in the same struct and
 * is reset at each run. Nothing here writes the segment: every check ends
 * with one check_state_report_code().
 *
 *   check_conv.c   the engine: steps, buffers, timeouts, tcp-check
 *                  matchers and HAProxy's tcp-check messages
 *   check_http.c   HTTP request building, response parsing, http expects
 *   check_proto.c  the built-in protocol checks as programs
 */
#ifndef WEIR_CHECK_CONV_H
#define WEIR_CHECK_CONV_H

#include <stddef.h>
#include <stdint.h>

#include "weir/check-t.h"
#include "weir/util.h"

struct chk;
struct chk_step;

enum chk_op {
	CHK_OP_CONNECT = 0,
	CHK_OP_SEND,                /* bytes ready in data/len */
	CHK_OP_EXPECT,              /* tcp-check matchers, or `custom` */
	CHK_OP_HTTP_SEND,           /* `http` holds the request rule */
	CHK_OP_HTTP_EXPECT,         /* `hexp` holds the rule; NULL: 2xx/3xx */
};

/* What evaluating an expect decided. */
enum chk_eval {
	CHK_EVAL_WAIT = 0,          /* more data is needed */
	CHK_EVAL_NEXT,              /* passed: go on with the next step */
	CHK_EVAL_DONE,              /* the check ended: chk_conv_end() was called */
};

struct chk_step {
	enum chk_op op;
	int index;                  /* HAProxy's step number - 1 */
	const char *comment;
	/* connect */
	int port;                   /* 0: the server's check port */
	const struct cfg_addr *addr;    /* `connect addr` (literals), NULL: the server's */
	const struct check_connect *conn;   /* the rule's options (ssl, sni, ...), NULL: implicit */
	/* send */
	unsigned char *data;        /* owned by the program */
	size_t len;
	const struct check_send *http;
	/* expect */
	enum check_expect_type type;
	int inverse;
	int min_recv;               /* -1: unset */
	const char *pattern;        /* as written, for messages */
	const unsigned char *bin;   /* string or binary bytes to find */
	size_t binlen;
	const void *re;             /* pcre2_code */
	unsigned ok_st, err_st, tout_st;   /* enum check_status; 0: default */
	char *on_success, *on_error;       /* rendered texts, owned; NULL: none */
	int info_payload;           /* >= 0: the info is the reply's first line from here */
	int code_payload;           /* the code is the reply's first 3 digits */
	enum chk_eval (*custom)(struct chk *c, const struct chk_step *s);
	const struct check_expect *hexp;
	void *re_owned;             /* a regex compiled for a built-in check */
};

struct chk_prog {
	struct chk_step *steps;
	int n;
	int tcpcheck;               /* plain tcp-check: HAProxy's TCPCHK messages */
};

/* The parsed HTTP response of the current exchange (check_http.c). */
struct chk_http_rsp {
	int parsed;
	int status;
	char reason[128];           /* the reason phrase, cut to fit */
	size_t head_len;            /* bytes of the head, blank line included */
	long clen;                  /* Content-Length, -1: none */
	int chunked;                /* Transfer-Encoding: chunked */
};

struct chk_conv {
	struct chk_prog prog;
	int compiled;
	int pc;                     /* the step running */
	unsigned char *buf;         /* what the server sent since the last send */
	size_t len, cap;
	int eof;                    /* the server closed (or the buffer is full) */
	struct sbuf out;            /* bytes still to send */
	size_t out_off;
	uint64_t deadline;          /* monotonic ms, 0 until connected */
	struct chk_http_rsp rsp;
	const struct chk_step *last;    /* the last expect evaluated */
	const struct chk_step *connecting;  /* the connect running, NULL: the implicit one */
};

/* The conversation of c, created on demand. */
struct chk_conv *chk_conv_of(struct chk *c);
/* Ends the running check with one report (status, code, info). */
void chk_conv_end(struct chk *c, unsigned st, int code, const char *info);
/* A step appended to p, zeroed but for min_recv (-1) and info_payload (-1). */
struct chk_step *chk_prog_add(struct chk_prog *p, enum chk_op op);
/* A send step of `len` bytes copied from `data`. */
void chk_prog_send(struct chk_prog *p, const void *data, size_t len);
/* A regex compiled for a built-in step (owned by it); NULL on error. */
void *chk_prog_regex(struct chk_step *s, const char *pattern);
/* The text of a log-format string with its literal parts only: samples
 * and variables print as "-" (what the checker can evaluate grows later). */
char *chk_render_lf(const struct logfmt *lf, const char *src);
/* Does the regex match `len` bytes? */
int chk_regex_match(const void *re, const void *s, size_t len);

/* The steps of a tcp-check or http-check rule list. */
void chk_conv_compile_rules(struct chk_prog *p, const struct vec *rules, int http);

/* check_http.c: the HTTP steps of a program from the http-check rules
 * (with the request of `option httpchk` and an implicit status expect). */
void chk_http_compile(struct chk *c, struct chk_prog *p);
/* The request of an HTTP send step, appended to out. */
void chk_http_request(struct chk *c, const struct chk_step *s, struct sbuf *out);
enum chk_eval chk_http_expect(struct chk *c, const struct chk_step *s);

/* check_proto.c: the program of a built-in check kind; 0, or -1 when the
 * kind has none (it then runs as a plain connect check). */
int chk_proto_compile(struct chk *c, struct chk_prog *p);

#endif
