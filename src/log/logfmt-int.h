/*
 * Inside the log line builder: the output buffer and the value printers
 * that logfmt_build.c (session, timer, address and date variables,
 * samples) and logfmt_http.c (request line, captures, cookies) share.
 * Used by src/log/ only; runs in whichever process builds a line.
 *
 * Two kinds of text, as HAProxy 2.6 prints them:
 * - plain text (names, unique-id, cookies, samples): NULL and "" are both
 *   absent, printed "-" (`""` under +Q);
 * - encoded text (request line, URI parts, captured headers): bytes of an
 *   encoding set become "#XX"; NULL is absent ("-"), but "" is a value
 *   and prints nothing (`""` under +Q): %HQ of a URI without a query.
 * +E then puts a '\' before '"', '\' and ']' (RFC 5424 PARAM-VALUE).
 */
#ifndef WEIR_LOG_LOGFMT_INT_H
#define WEIR_LOG_LOGFMT_INT_H

#include <stddef.h>

#include "weir/log.h"

/* The output: writes stop silently at `end` (one byte kept for the NUL). */
struct lfb {
	char *p, *end;
	const struct log_sess *s;
	unsigned flags;       /* of the node being printed */
	int missing;          /* a +M value was empty */
	int after_sep;        /* the last thing printed was a separator (or nothing) */
};

/* Which bytes become "#XX". */
enum lf_enc {
	LF_ENC_NONE = 0,
	LF_ENC_URL,           /* request line: controls, 0x7F-0xFF, '"', '#' */
	LF_ENC_HDR,           /* captures: the same and '{', '|', '}' */
};

void lfb_add(struct lfb *b, const char *s, size_t n);
void lfb_addc(struct lfb *b, char c);
void lfb_printf(struct lfb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* '"' when the node has +Q. */
void lfb_quote(struct lfb *b);
/* The body of a value, without quotes: encoding, then +E escapes. */
void lfb_body(struct lfb *b, const char *s, size_t n, enum lf_enc enc);
/* An absent value: "-", or `""` under +Q; flags the line under +M. */
void lfb_absent(struct lfb *b);
/* Plain text: NULL or empty is absent. */
void lfb_textn(struct lfb *b, const char *s, size_t n);
void lfb_text(struct lfb *b, const char *s);
/* Encoded text: NULL is absent, "" prints empty. */
void lfb_enc_text(struct lfb *b, const char *s, size_t n, enum lf_enc enc);

/* logfmt_http.c: prints an HTTP variable (%r, %H*, %hr..., %CC, %CS);
 * 0 when v is not one of them. */
int logfmt_http_var(struct lfb *b, enum logfmt_var v);

#endif
