/*
 * The YAML syntax of the configuration (libyaml). Runs where the
 * configuration is loaded (the master, `weir -c`) and for `--dump=yaml`.
 *
 * Loading turns every YAML directive into a word vector and feeds it to
 * cfg_feed_words(), so YAML goes through the same section machine and
 * keyword parsers as haproxy.cfg: one model, one set of checks, and every
 * message names the YAML file and line. Dumping is a cfg_emit that writes
 * with libyaml's emitter, so quoting is libyaml's, never hand-made.
 * This file owns only its scratch memory; the model belongs to the caller.
 *
 * The mapping (also in weir.cfg(5)):
 *
 *   global:                      # the global section's directives
 *     - maxconn: 4000
 *   userlists:                   # one item per userlist
 *     - name: admins
 *       directives:
 *         - user: [alice, password, "$6$..."]
 *   sections:                    # defaults/frontend/backend/listen,
 *     - defaults: base           # in file order (a proxy inherits from
 *       directives:              # the last defaults section above it)
 *         - mode: http
 *         - timeout connect: 5s
 *     - backend: app
 *       from: base               # optional, as "backend app from base"
 *       directives:
 *         - option httplog: []
 *         - server: [s1, "127.0.0.1:8080", check]
 *     - http-errors: site        # an http-errors section is an item too
 *       directives:
 *         - errorfile: [503, /etc/weir/errors/503.http]
 *
 * - Top level: a mapping with the keys global, userlists, sections, in any
 *   order; any other key is an error.
 * - A directive is a mapping with ONE key: the keyword, its words joined
 *   by one space ("timeout connect", "no option httplog"). Its value is
 *   the arguments: a scalar is exactly one argument, spaces included
 *   (never re-split); a sequence gives them word by word; [] or null
 *   (~, null, nothing) gives none. The line fed to the parsers is the
 *   key's words then the arguments. A null item inside the sequence, a
 *   mapping as value, or any other shape is an error naming file:line.
 * - A section item has exactly one of defaults/frontend/backend/listen/
 *   http-errors (the name; "" or null for an unnamed defaults), optionally
 *   `from` and `directives`. A userlist item has `name` and optionally
 *   `directives`.
 * - Values are literal: no ${VAR} expansion and no haproxy.cfg quoting;
 *   whatever the YAML type of a scalar, its text is the word. The dump
 *   quotes every word a YAML reader could take for something else than
 *   the same text (null, booleans, non-canonical numbers such as "0660").
 * - Several documents in one stream are read like several files.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "weir/yaml.h"

/* ============================================================== loading */

struct yload {
	struct cfg *cfg;
	yaml_document_t *doc;
	const char *file;           /* interned in cfg->files */
	struct arena *tmp;          /* word vectors; freed after the load */
};

/* Words of one line under construction. */
struct ywords {
	int n, cap;
	char **w;
};

static void words_add(struct yload *y, struct ywords *wv, const char *s)
{
	if (wv->n + 2 > wv->cap) {
		int cap = wv->cap ? wv->cap * 2 : 16;
		char **w = arena_alloc(y->tmp, sizeof(char *) * (size_t)cap);
		if (wv->n)
			memcpy(w, wv->w, sizeof(char *) * (size_t)wv->n);
		wv->w = w;
		wv->cap = cap;
	}
	wv->w[wv->n++] = arena_strdup(y->tmp, s);
	wv->w[wv->n] = NULL;
}

static struct cfg_loc node_loc(const struct yload *y, const yaml_node_t *n)
{
	return (struct cfg_loc){ y->file, (int)n->start_mark.line + 1 };
}

static void yalert(const struct yload *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void yalert(const struct yload *y, const yaml_node_t *n, const char *fmt, ...)
{
	struct cfg_loc loc = node_loc(y, n);
	va_list ap;
	va_start(ap, fmt);
	cfg_vdiag_at(y->cfg, CFG_ALERT, &loc, fmt, ap);
	va_end(ap);
}

static yaml_node_t *node_at(const struct yload *y, int index)
{
	return yaml_document_get_node(y->doc, index);
}

static const char *shape_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a sequence";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain ~, null or nothing: YAML's null, which we read as "absent". */
static int is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *s = scalar(n);
	return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* A scalar usable as a word (no NUL byte inside); reports otherwise. */
static int word_ok(const struct yload *y, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		yalert(y, n, "%s must be a scalar, got %s", what, shape_name(n));
		return 0;
	}
	if (strlen(scalar(n)) != n->data.scalar.length) {
		yalert(y, n, "%s contains a NUL character", what);
		return 0;
	}
	return 1;
}

/* ----------------------------------------------------------- directives */

/* Names that open a section in haproxy.cfg: as a directive key they would
 * silently switch sections, so YAML refuses them. */
static int opens_section(const char *w)
{
	static const char *const names[] = {
		"global", "defaults", "frontend", "backend", "listen", "userlist",
		"resolvers", "peers", "program", "cache", "ring", "mailers",
		"http-errors", "fcgi-app", "dynamic-update", "crt-store", "traces",
		"log-forward",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(w, names[i]) == 0)
			return 1;
	return 0;
}

/* Splits the key into the keyword's words; 0 when it is not usable. */
static int key_words(struct yload *y, const yaml_node_t *key, struct ywords *wv)
{
	if (!word_ok(y, key, "a directive's keyword"))
		return 0;
	char *s = arena_strdup(y->tmp, scalar(key)), *save = NULL;
	for (char *tok = strtok_r(s, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save))
		words_add(y, wv, tok);
	if (wv->n == 0) {
		yalert(y, key, "empty keyword in a directive (expected '- keyword: arguments')");
		return 0;
	}
	if (opens_section(wv->w[0])) {
		yalert(y, key, "'%s' opens a section, it is not a directive: in YAML, sections "
		       "are items of the top-level 'sections' or 'userlists' sequences "
		       "('- %s: <name>')", wv->w[0], wv->w[0]);
		return 0;
	}
	return 1;
}

static int arg_words(struct yload *y, const yaml_node_t *key, const yaml_node_t *val,
		     struct ywords *wv)
{
	if (is_null(val))
		return 1;
	if (val->type == YAML_SCALAR_NODE) {
		if (!word_ok(y, val, "an argument"))
			return 0;
		words_add(y, wv, scalar(val));
		return 1;
	}
	if (val->type != YAML_SEQUENCE_NODE) {
		yalert(y, val, "the arguments of '%s' must be one scalar or a sequence of "
		       "scalars ('- %s: [arg1, arg2]'), got %s", scalar(key), scalar(key),
		       shape_name(val));
		return 0;
	}
	int i = 0;
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	     it < val->data.sequence.items.top; it++, i++) {
		const yaml_node_t *a = node_at(y, *it);
		if (is_null(a)) {
			yalert(y, a, "argument %d of '%s' is null: quote it (\"%s\") if you mean "
			       "the text, or leave it out", i + 1, scalar(key), scalar(a));
			return 0;
		}
		if (!word_ok(y, a, "an argument"))
			return 0;
		words_add(y, wv, scalar(a));
	}
	return 1;
}

/* Says what a directive item should look like, from what it got. */
static void bad_directive(struct yload *y, const yaml_node_t *item)
{
	if (item->type == YAML_SCALAR_NODE)
		yalert(y, item, "directive '%s' must be a mapping with one key: write "
		       "'- %s: []' for a keyword without argument, or '- keyword: argument'",
		       scalar(item), scalar(item));
	else if (item->type == YAML_MAPPING_NODE)
		yalert(y, item, "a directive must be a mapping with exactly one key, this one "
		       "has %d (write each directive as its own '- keyword: arguments' item)",
		       (int)(item->data.mapping.pairs.top - item->data.mapping.pairs.start));
	else
		yalert(y, item, "a directive must be a mapping with one key ('- keyword: "
		       "argument' or '- keyword: [arg1, arg2]'), got %s", shape_name(item));
}

static void load_directive(struct yload *y, const yaml_node_t *item)
{
	if (item->type != YAML_MAPPING_NODE ||
	    item->data.mapping.pairs.top - item->data.mapping.pairs.start != 1) {
		bad_directive(y, item);
		return;
	}
	yaml_node_pair_t *pair = item->data.mapping.pairs.start;
	const yaml_node_t *key = node_at(y, pair->key);
	const yaml_node_t *val = node_at(y, pair->value);
	struct ywords wv = {0};
	if (!key_words(y, key, &wv) || !arg_words(y, key, val, &wv))
		return;
	cfg_feed_words(y->cfg, node_loc(y, key), wv.n, wv.w);
}

static void load_directives(struct yload *y, const yaml_node_t *seq, const char *where)
{
	if (is_null(seq))
		return;
	if (seq->type != YAML_SEQUENCE_NODE) {
		yalert(y, seq, "%s must be a sequence of directives ('- keyword: arguments'), "
		       "got %s", where, shape_name(seq));
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++)
		load_directive(y, node_at(y, *it));
}

/* ------------------------------------------------------------- sections */

/* The keys of one section or userlist item, found and checked. */
struct yitem {
	const yaml_node_t *kind_key;    /* "frontend", ... or "name" */
	const yaml_node_t *name;
	const yaml_node_t *from;
	const yaml_node_t *directives;
};

static const char *const section_kinds[] = { "defaults", "frontend", "backend", "listen",
						"http-errors" };

static int is_section_kind(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(section_kinds); i++)
		if (strcmp(k, section_kinds[i]) == 0)
			return 1;
	return 0;
}

/* Files one key of an item; 0 on an error (reported). */
static int item_key(struct yload *y, struct yitem *it, const yaml_node_t *k,
		    const yaml_node_t *v, int userlist)
{
	const char *name = scalar(k);
	const yaml_node_t **slot = NULL;
	if (strcmp(name, "directives") == 0)
		slot = &it->directives;
	else if (!userlist && strcmp(name, "from") == 0)
		slot = &it->from;
	else if (userlist ? strcmp(name, "name") == 0 : is_section_kind(name))
		slot = &it->name;
	if (!slot) {
		yalert(y, k, userlist ? "unknown key '%s' in a userlist item (expected 'name' "
		       "and 'directives')" : "unknown key '%s' in a section item (expected one "
		       "of 'defaults', 'frontend', 'backend', 'listen', 'http-errors', then "
		       "'from' and 'directives')", name);
		return 0;
	}
	if (*slot) {
		const yaml_node_t *prev = slot == &it->name ? it->kind_key : NULL;
		if (prev && strcmp(scalar(prev), name) != 0)
			yalert(y, k, "a section item has both '%s' and '%s': write one section "
			       "per item", scalar(prev), name);
		else
			yalert(y, k, "key '%s' appears twice in the same item", name);
		return 0;
	}
	*slot = v;
	if (slot == &it->name)
		it->kind_key = k;
	return 1;
}

static int read_item(struct yload *y, const yaml_node_t *item, struct yitem *it, int userlist)
{
	memset(it, 0, sizeof(*it));
	if (item->type != YAML_MAPPING_NODE) {
		yalert(y, item, userlist ? "a userlist item must be a mapping ('- name: <name>' "
		       "then 'directives:'), got %s" : "a section item must be a mapping "
		       "('- backend: <name>', optionally 'from:', then 'directives:'), got %s",
		       shape_name(item));
		return 0;
	}
	int ok = 1;
	for (yaml_node_pair_t *p = item->data.mapping.pairs.start;
	     p < item->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node_at(y, p->key);
		if (!word_ok(y, k, "a key"))
			ok = 0;
		else if (!item_key(y, it, k, node_at(y, p->value), userlist))
			ok = 0;
	}
	if (ok && !it->name)
		yalert(y, item, userlist ? "a userlist item needs the key 'name'" :
		       "a section item needs one of the keys 'defaults', 'frontend', "
		       "'backend' or 'listen' (its value is the section's name)");
	return ok && it->name;
}

/* The header words of an item: {"backend", name, "from", x}. */
static int header_words(struct yload *y, const struct yitem *it, const char *kind,
			struct ywords *wv)
{
	words_add(y, wv, kind);
	if (!is_null(it->name)) {
		if (!word_ok(y, it->name, "a section's name"))
			return 0;
		words_add(y, wv, scalar(it->name));
	}
	if (it->from) {
		if (is_null(it->from)) {
			yalert(y, it->from, "'from' expects the name of a defaults section");
			return 0;
		}
		if (!word_ok(y, it->from, "'from'"))
			return 0;
		words_add(y, wv, "from");
		words_add(y, wv, scalar(it->from));
	}
	return 1;
}

/* One section or userlist: its header, then its directives. An item
 * whose header is wrong is skipped whole, so that its directives do not
 * land in the previous section. */
static void load_item(struct yload *y, const yaml_node_t *item, int userlist)
{
	struct yitem it;
	struct ywords wv = {0};
	if (!read_item(y, item, &it, userlist))
		return;
	const char *kind = userlist ? "userlist" : scalar(it.kind_key);
	if (!header_words(y, &it, kind, &wv))
		return;
	cfg_feed_words(y->cfg, node_loc(y, it.kind_key), wv.n, wv.w);
	if (it.directives)
		load_directives(y, it.directives, userlist ? "a userlist's 'directives'" :
				"a section's 'directives'");
}

static void load_items(struct yload *y, const yaml_node_t *key, const yaml_node_t *seq,
		       int userlist)
{
	if (is_null(seq))
		return;
	if (seq->type != YAML_SEQUENCE_NODE) {
		yalert(y, seq, "'%s' must be a sequence of %s items, got %s", scalar(key),
		       userlist ? "userlist" : "section", shape_name(seq));
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++)
		load_item(y, node_at(y, *it), userlist);
}

/* ------------------------------------------------------------ documents */

static void load_top_key(struct yload *y, const yaml_node_t *k, const yaml_node_t *v)
{
	const char *name = scalar(k);
	if (strcmp(name, "global") == 0) {
		char *w[2] = { "global", NULL };
		cfg_feed_words(y->cfg, node_loc(y, k), 1, w);
		load_directives(y, v, "'global'");
	} else if (strcmp(name, "userlists") == 0) {
		load_items(y, k, v, 1);
	} else if (strcmp(name, "sections") == 0) {
		load_items(y, k, v, 0);
	} else {
		yalert(y, k, "unknown top-level key '%s' (expected 'global', 'userlists' or "
		       "'sections')", name);
	}
}

static void load_document(struct yload *y)
{
	const yaml_node_t *root = yaml_document_get_root_node(y->doc);
	if (root->type != YAML_MAPPING_NODE) {
		/* haproxy.cfg text reads as one long plain scalar */
		yalert(y, root, "the top level must be a mapping with the keys 'global', "
		       "'userlists' and 'sections', got %s%s", shape_name(root),
		       root->type == YAML_SCALAR_NODE ? " (if this is haproxy.cfg syntax, "
		       "name the file .cfg)" : "");
		return;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node_at(y, p->key);
		if (!word_ok(y, k, "a top-level key"))
			continue;
		int dup = 0;
		for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < p; q++) {
			const yaml_node_t *kq = node_at(y, q->key);
			dup |= kq->type == YAML_SCALAR_NODE && strcmp(scalar(kq), scalar(k)) == 0;
		}
		if (dup)
			yalert(y, k, "top-level key '%s' appears twice (YAML keys are unique: "
			       "merge the two)", scalar(k));
		else
			load_top_key(y, k, node_at(y, p->value));
	}
	cfg_end_section(y->cfg);
}

/* Reader errors (bad encoding) carry an offset, not a mark. */
static int offset_line(const char *text, size_t len, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off && i < len; i++)
		line += text[i] == '\n';
	return line;
}

static void syntax_error(struct yload *y, const yaml_parser_t *p, const char *text, size_t len)
{
	struct cfg_loc loc = { y->file, (int)p->problem_mark.line + 1 };
	const char *problem = p->problem ? p->problem : "cannot parse";
	if (p->error == YAML_MEMORY_ERROR) {
		cfg_diag_at(y->cfg, CFG_ALERT, &loc, "YAML: out of memory");
	} else if (p->error == YAML_READER_ERROR) {
		loc.line = offset_line(text, len, p->problem_offset);
		cfg_diag_at(y->cfg, CFG_ALERT, &loc, "YAML syntax error: %s (byte %zu; a YAML "
			    "file must be UTF-8 text)", problem, p->problem_offset);
	} else if (p->context) {
		cfg_diag_at(y->cfg, CFG_ALERT, &loc, "YAML syntax error at column %d: %s (%s at "
			    "line %d, column %d)", (int)p->problem_mark.column + 1, problem,
			    p->context, (int)p->context_mark.line + 1,
			    (int)p->context_mark.column + 1);
	} else {
		cfg_diag_at(y->cfg, CFG_ALERT, &loc, "YAML syntax error at column %d: %s",
			    (int)p->problem_mark.column + 1, problem);
	}
}

static const char *intern_file(struct cfg *cfg, const char *name)
{
	char *s = arena_strdup(cfg->arena, name);
	vec_push(cfg->arena, &cfg->files, s);
	return s;
}

int cfg_yaml_load(struct cfg *cfg, const char *name, const char *text, size_t len)
{
	struct yload y = { .cfg = cfg, .file = intern_file(cfg, name), .tmp = arena_new() };
	yaml_parser_t parser;
	int r = 0;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			syntax_error(&y, &parser, text, len);
			r = -1;
			break;
		}
		int end = yaml_document_get_root_node(&doc) == NULL;
		y.doc = &doc;
		if (!end)
			load_document(&y);
		yaml_document_delete(&doc);
		if (end)
			break;
	}
	yaml_parser_delete(&parser);
	arena_free(y.tmp);
	cfg_end_section(cfg);
	return r;
}

/* ============================================================== dumping */

enum ytop { YTOP_NONE = 0, YTOP_GLOBAL, YTOP_USERLISTS, YTOP_SECTIONS };

struct ydump {
	yaml_emitter_t e;
	enum ytop top;              /* the top-level key whose sequence is open */
	int in_item;                /* a userlist/section item mapping is open */
	const char *failed;         /* the first emitter error */
};

static void emit(struct ydump *d, yaml_event_t *ev, int initialized)
{
	if (!initialized) {
		if (!d->failed)
			d->failed = "a word is not valid UTF-8";
		return;
	}
	if (d->failed) {
		yaml_event_delete(ev);
		return;
	}
	/* the emitter owns the event from here, even when it fails */
	if (!yaml_emitter_emit(&d->e, ev))
		d->failed = d->e.problem ? d->e.problem : "emitter error";
}

/* YAML 1.1 and 1.2 read these as non-strings; quoting keeps them text. */
static int is_special_word(const char *s)
{
	static const char *const words[] = {
		"~", "null", "y", "n", "yes", "no", "true", "false", "on", "off",
		".inf", "-.inf", "+.inf", ".nan", "=", "<<",
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

/* YAML 1.1 base 60: 1:30 is 90, 1:30.5 a float. */
static int is_sexagesimal(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	while (isdigit((unsigned char)*s) || *s == '_')
		s++;
	if (*s != ':')
		return 0;
	while (*s == ':') {
		s++;
		int n = 0;
		while (isdigit((unsigned char)*s) && n < 2)
			s++, n++;
		if (n == 0)
			return 0;
	}
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s) || *s == '_'; s++)
			;
	return *s == '\0';
}

/* A number other than a plain decimal integer ("0660", "1.10", "0x1f",
 * "1_000", "1e3") would come back from a YAML reader as another text. */
static int is_number_like(const char *s)
{
	char buf[128];
	size_t n = 0;
	for (const char *p = s; *p && n < sizeof(buf) - 1; p++)
		if (*p != '_')
			buf[n++] = *p;
	buf[n] = '\0';
	const char *b = buf + (buf[0] == '-' || buf[0] == '+');
	if (b[0] == '0' && (b[1] == 'o' || b[1] == 'b') && b[2])
		return 1;
	char *end;
	strtod(buf, &end);
	if (end == buf || *end || !n)
		return is_sexagesimal(s);
	/* canonical decimal: -?(0|[1-9][0-9]*), no '_' or '+' */
	const char *c = s + (s[0] == '-');
	if (strspn(c, "0123456789") == strlen(c) && *c && (c[0] != '0' || (!c[1] && c == s)))
		return 0;
	return 1;
}

/* YAML 1.1 reads 2024-01-31 (and longer timestamps) as a date. */
static int is_date_like(const char *s)
{
	static const char shape[] = "dddd-d";
	for (int i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	return 1;
}

/* Line breaks and tabs read best as escapes ("a\nb"); libyaml would fold
 * them into a multi-line single-quoted scalar. */
static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return 1;
	return 0;
}

static void emit_scalar(struct ydump *d, const char *s)
{
	int quote = !*s || is_special_word(s) || is_number_like(s) || is_date_like(s) ||
		    has_control(s);
	yaml_event_t ev;
	int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
					      1, 1, quote ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
					      YAML_ANY_SCALAR_STYLE);
	emit(d, &ev, ok);
}

static void emit_seq_start(struct ydump *d, int flow)
{
	yaml_event_t ev;
	int ok = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	emit(d, &ev, ok);
}

static void emit_seq_end(struct ydump *d)
{
	yaml_event_t ev;
	int ok = yaml_sequence_end_event_initialize(&ev);
	emit(d, &ev, ok);
}

static void emit_map_start(struct ydump *d)
{
	yaml_event_t ev;
	int ok = yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	emit(d, &ev, ok);
}

static void emit_map_end(struct ydump *d)
{
	yaml_event_t ev;
	int ok = yaml_mapping_end_event_initialize(&ev);
	emit(d, &ev, ok);
}

static void close_item(struct ydump *d)
{
	if (!d->in_item)
		return;
	emit_seq_end(d);        /* directives */
	emit_map_end(d);
	d->in_item = 0;
}

static void open_top(struct ydump *d, enum ytop top)
{
	static const char *const keys[] = { NULL, "global", "userlists", "sections" };
	if (d->top == top)
		return;
	if (d->top != YTOP_NONE)
		emit_seq_end(d);
	emit_scalar(d, keys[top]);
	emit_seq_start(d, 0);
	d->top = top;
}

static void ydump_section(struct cfg_emit *em, const char *kind, const char *name,
			  const char *from)
{
	struct ydump *d = em->priv;
	close_item(d);
	if (strcmp(kind, "global") == 0) {
		open_top(d, YTOP_GLOBAL);
		return;
	}
	int userlist = strcmp(kind, "userlist") == 0;
	open_top(d, userlist ? YTOP_USERLISTS : YTOP_SECTIONS);
	emit_map_start(d);
	emit_scalar(d, userlist ? "name" : kind);
	emit_scalar(d, name ? name : "");
	if (from) {
		emit_scalar(d, "from");
		emit_scalar(d, from);
	}
	emit_scalar(d, "directives");
	emit_seq_start(d, 0);
	d->in_item = 1;
}

static void ydump_directive(struct cfg_emit *em, const char *kw, int argc,
			    const char *const *argv)
{
	struct ydump *d = em->priv;
	emit_map_start(d);
	emit_scalar(d, kw);
	if (argc == 1) {
		emit_scalar(d, argv[0]);
	} else {
		emit_seq_start(d, 1);
		for (int i = 0; i < argc; i++)
			emit_scalar(d, argv[i]);
		emit_seq_end(d);
	}
	emit_map_end(d);
}

static void ydump_end(struct cfg_emit *em)
{
	struct ydump *d = em->priv;
	close_item(d);
	if (d->top != YTOP_NONE)
		emit_seq_end(d);
	d->top = YTOP_NONE;
}

static void emit_frame(struct ydump *d, int start)
{
	yaml_event_t ev;
	int ok;
	if (start) {
		ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
		emit(d, &ev, ok);
		ok = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		emit(d, &ev, ok);
		emit_map_start(d);
	} else {
		emit_map_end(d);
		ok = yaml_document_end_event_initialize(&ev, 1);
		emit(d, &ev, ok);
		ok = yaml_stream_end_event_initialize(&ev);
		emit(d, &ev, ok);
	}
}

void cfg_dump_yaml(const struct cfg *cfg, FILE *f)
{
	struct ydump d = {0};
	struct cfg_emit em = { .section = ydump_section, .directive = ydump_directive,
			       .end = ydump_end, .priv = &d, .tmp = arena_new() };
	fprintf(f, "# weir configuration, YAML form (weir -c --dump=yaml)\n");
	fflush(f);
	yaml_emitter_initialize(&d.e);
	yaml_emitter_set_output_file(&d.e, f);
	yaml_emitter_set_unicode(&d.e, 1);
	yaml_emitter_set_indent(&d.e, 2);
	yaml_emitter_set_width(&d.e, -1);   /* one directive per line, however long */
	emit_frame(&d, 1);
	cfg_dump(cfg, &em);
	emit_frame(&d, 0);
	yaml_emitter_flush(&d.e);
	if (d.failed)
		fprintf(f, "\n# error: the YAML dump is incomplete: %s\n", d.failed);
	yaml_emitter_delete(&d.e);
	arena_free(em.tmp);
}
