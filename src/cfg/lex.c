/*
 * haproxy.cfg lexer. Runs in the master (and `weir -c`) while loading.
 *
 * The rules are HAProxy's, so a file means the same to both:
 * - words are separated by spaces and tabs; leading blanks are ignored;
 * - `#` outside quotes starts a comment, anywhere on the line;
 * - '...' quotes everything literally (no escapes, no variables);
 * - "..." allows backslash escapes and expands environment variables
 *   ($NAME, ${NAME}, ${NAME-default}); outside any quotes, backslash
 *   escapes work too but variables are left as written;
 * - quoted and unquoted parts of one word join: foo"bar baz" is one word,
 *   and "" is an empty word;
 * - escapes: \<space> \\ \# \' \" \$ are literal, \r \n \t are CR LF TAB,
 *   \xHH is a byte (a bad one is an error); any other pair, such as the
 *   regex back-reference \1, is kept as written.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "weir/lex.h"

static void lex_reset(struct lex_line *ll)
{
	sbuf_reset(&ll->text);
	ll->argc = 0;
}

static void lex_end_word(struct lex_line *ll, size_t start)
{
	if (ll->argc == ll->cap) {
		ll->cap = ll->cap ? ll->cap * 2 : 16;
		ll->offs = xrealloc(ll->offs, sizeof(*ll->offs) * (size_t)ll->cap);
	}
	ll->offs[ll->argc++] = start;
	sbuf_addc(&ll->text, '\0');
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Handles the escape at line[*i] (a backslash); returns -1 if unsupported. */
static int lex_escape(struct lex_line *ll, const char *line, size_t len, size_t *i,
		      char *err, size_t errlen)
{
	if (*i + 1 >= len) {
		sbuf_addc(&ll->text, '\\');   /* a trailing backslash is kept */
		*i += 1;
		return 0;
	}
	char c = line[*i + 1];
	switch (c) {
	case ' ': case '\\': case '#': case '\'': case '"': case '$': case '\t':
		sbuf_addc(&ll->text, c);
		*i += 2;
		return 0;
	case 'r': sbuf_addc(&ll->text, '\r'); *i += 2; return 0;
	case 'n': sbuf_addc(&ll->text, '\n'); *i += 2; return 0;
	case 't': sbuf_addc(&ll->text, '\t'); *i += 2; return 0;
	case 'x':
		if (*i + 3 < len && hexval(line[*i + 2]) >= 0 && hexval(line[*i + 3]) >= 0) {
			sbuf_addc(&ll->text, (char)(hexval(line[*i + 2]) * 16 + hexval(line[*i + 3])));
			*i += 4;
			return 0;
		}
		snprintf(err, errlen, "truncated or invalid hexadecimal sequence '\\x' at position %zu", *i + 1);
		return -1;
	default:
		/* Other pairs stay as written, as in HAProxy: `\1` in a
		 * replace-header or set-path regex is a back-reference. */
		sbuf_addc(&ll->text, '\\');
		sbuf_addc(&ll->text, c);
		*i += 2;
		return 0;
	}
}

/* Expands $NAME, ${NAME} or ${NAME-default} at line[*i] (inside "..."). */
static int lex_variable(struct lex_line *ll, const char *line, size_t len, size_t *i,
			char *err, size_t errlen)
{
	size_t p = *i + 1;
	int braces = p < len && line[p] == '{';
	if (braces)
		p++;
	size_t name = p;
	while (p < len && (isalnum((unsigned char)line[p]) || line[p] == '_'))
		p++;
	size_t name_len = p - name;
	const char *def = NULL;
	size_t def_len = 0;
	if (braces) {
		if (p < len && line[p] == '-') {
			def = line + p + 1;
			while (p < len && line[p] != '}')
				p++;
			def_len = (size_t)(line + p - def);
		}
		if (p >= len || line[p] != '}') {
			snprintf(err, errlen, "missing '}' after variable name at position %zu", *i + 1);
			return -1;
		}
		p++;
	}
	if (name_len == 0) {
		if (braces) {
			snprintf(err, errlen, "empty variable name at position %zu", *i + 1);
			return -1;
		}
		sbuf_addc(&ll->text, '$');   /* a lone '$' stays as written */
		*i += 1;
		return 0;
	}
	char var[256];
	snprintf(var, sizeof(var), "%.*s", (int)name_len, line + name);
	const char *val = getenv(var);
	if (val)
		sbuf_adds(&ll->text, val);
	else if (def)
		sbuf_add(&ll->text, def, def_len);
	*i = p;
	return 0;
}

int lex_split(struct lex_line *ll, const char *line, size_t len, char *err, size_t errlen)
{
	lex_reset(ll);
	size_t i = 0;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		size_t start = ll->text.len;
		char quote = 0;
		size_t quote_pos = 0;
		while (i < len) {
			char c = line[i];
			if (quote == '\'') {
				if (c == '\'')
					quote = 0;
				else
					sbuf_addc(&ll->text, c);
				i++;
			} else if (c == '\\') {
				if (lex_escape(ll, line, len, &i, err, errlen) < 0)
					return -1;
			} else if (quote == '"' && c == '$') {
				if (lex_variable(ll, line, len, &i, err, errlen) < 0)
					return -1;
			} else if (c == '"' || c == '\'') {
				if (!quote) {
					quote = c;
					quote_pos = i;
				} else if (quote == c) {
					quote = 0;
				} else {
					sbuf_addc(&ll->text, c);   /* ' inside "..." */
				}
				i++;
			} else if (!quote && (c == ' ' || c == '\t' || c == '#' || c == '\r')) {
				break;
			} else {
				sbuf_addc(&ll->text, c);
				i++;
			}
		}
		if (quote) {
			snprintf(err, errlen, "unmatched %s quote at position %zu",
				 quote == '"' ? "double" : "simple", quote_pos + 1);
			return -1;
		}
		lex_end_word(ll, start);
	}
	ll->argv = xrealloc(ll->argv, sizeof(char *) * (size_t)(ll->argc + 1));
	for (int k = 0; k < ll->argc; k++)
		ll->argv[k] = ll->text.s + ll->offs[k];
	ll->argv[ll->argc] = NULL;
	return 0;
}

void lex_line_free(struct lex_line *ll)
{
	sbuf_free(&ll->text);
	free(ll->offs);
	free(ll->argv);
	ll->offs = NULL;
	ll->argv = NULL;
	ll->argc = ll->cap = 0;
}
