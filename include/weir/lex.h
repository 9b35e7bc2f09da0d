/*
 * The haproxy.cfg line lexer: splits one line into words the way HAProxy
 * does (src/cfg/lex.c documents the rules).
 */
#ifndef WEIR_LEX_H
#define WEIR_LEX_H

#include <stddef.h>

#include "weir/util.h"

/* Reusable storage for the words of one line. */
struct lex_line {
	struct sbuf text;   /* the words, each NUL-terminated */
	size_t *offs;
	char **argv;
	int argc, cap;
};

/*
 * Lexes line[0..len). Returns 0 and fills ll->argc/argv (valid until the
 * next call), or -1 with a message in err ("unmatched quote ...").
 */
int lex_split(struct lex_line *ll, const char *line, size_t len, char *err, size_t errlen);
void lex_line_free(struct lex_line *ll);

#endif
