/*
 * Loading, checking and dumping the configuration model (cfg-t.h).
 *
 * Keyword parsers never exit and never print: they report through
 * cfg_alert()/cfg_warn()/cfg_notice(), which record a diagnostic prefixed
 * with the current file:line, and return -1 (error) or 0. The loader goes on
 * after an error so that one run reports every mistake in the files.
 */
#ifndef WEIR_CFG_H
#define WEIR_CFG_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "weir/cfg-t.h"
#include "weir/util.h"

/* --------------------------------------------------------------- contexts */

/* What a keyword parser sees: where it is, and the object it fills. */
struct cfg_ctx {
	struct cfg *cfg;
	struct arena *arena;        /* == cfg->arena */
	enum cfg_section sec;
	struct cfg_loc loc;
	const char *kw;             /* the keyword as registered, "timeout connect" */
	struct proxy_conf *px;      /* current proxy or defaults section */
	struct userlist_conf *ul;
	struct http_errors_conf *he;  /* current http-errors section */
	struct cfg_words line;      /* the whole line: keyword words + arguments */
	uintptr_t kw_data;          /* the keyword's `data` (generic setters) */
};

/* True when the line is "no <keyword> ..." (keywords with CFG_KW_ALLOW_NO). */
static inline int cfg_is_no(const struct cfg_ctx *ctx)
{
	return ctx->line.n > 0 && ctx->line.w[0][0] == 'n' && ctx->line.w[0][1] == 'o' &&
	       ctx->line.w[0][2] == '\0';
}

/* --------------------------------------------------------------- keywords */

/*
 * A keyword: its name (one or more words, e.g. "option httplog"), the
 * sections it may appear in, and the parser called with the arguments that
 * follow the name. `dump` emits the canonical lines of what the keyword
 * set in `obj` (struct cfg_global * or struct proxy_conf *), or nothing;
 * keywords whose objects are dumped by another entry leave it NULL.
 */
struct cfg_emit;
struct cfg_kw {
	const char *name;
	unsigned sections;          /* enum cfg_section bits */
	int (*parse)(struct cfg_ctx *ctx, int argc, char **argv);
	void (*dump)(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj);
	const char *usage;          /* argument synopsis, "<time>" */
	const char *help;           /* one line for weir.cfg(5) */
	uintptr_t data;             /* free for the parser: an offset, a flag */
};

struct cfg_kw_table {
	const char *module;         /* for messages and the man page */
	const struct cfg_kw *kws;
	int n;
	/* Runs once after the last file: resolve references, check what needs
	 * the whole model. Reports with cfg_diag_at(). May be NULL. */
	void (*finish)(struct cfg *cfg);
};

/* Every keyword table, in canonical dump order (src/cfg/kw.c). */
extern const struct cfg_kw_table *const cfg_kw_tables[];

/* Finds the longest registered keyword matching words[0..]; returns the
 * number of words it spans in *nwords. NULL when none matches. */
const struct cfg_kw *cfg_kw_find(unsigned section, int argc, char **argv, int *nwords);
/* The registered keyword closest to words[0..] ("did you mean"), or NULL. */
const char *cfg_kw_suggest(unsigned section, int argc, char **argv);
/* Calls fn for every registered keyword (man page check, --list-keywords). */
void cfg_kw_foreach(void (*fn)(const struct cfg_kw *kw, void *arg), void *arg);
const char *cfg_section_name(enum cfg_section sec);

/* --------------------------------------------------------------- diags */

void cfg_alert(struct cfg_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cfg_warn(struct cfg_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cfg_notice(struct cfg_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For checks after parsing; loc may be NULL. */
void cfg_diag_at(struct cfg *cfg, enum cfg_diag_level level, const struct cfg_loc *loc,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cfg_vdiag_at(struct cfg *cfg, enum cfg_diag_level level, const struct cfg_loc *loc,
		  const char *fmt, va_list ap);
/* Prints every diagnostic in HAProxy's shape to f. */
void cfg_print_diags(const struct cfg *cfg, FILE *f);

/* --------------------------------------------------------------- loading */

struct cfg *cfg_new(void);
/* What a configuration that does not mention a setting gets. */
void cfg_global_builtin_defaults(struct cfg_global *g);
void cfg_proxy_builtin_defaults(struct proxy_conf *px);
void cfg_free(struct cfg *cfg);

/* Loads one file, a directory (its *.cfg in C-locale order), or, when the
 * name ends in .yaml/.yml, a YAML file. Errors become diags. Returns -1 when
 * the file could not be read. Call cfg_finish() after the last file. */
int cfg_load_path(struct cfg *cfg, const char *path);
/* Parses a whole buffer as haproxy.cfg text (tests, YAML round trips). */
int cfg_load_buffer(struct cfg *cfg, const char *name, const char *text, size_t len);
/* Resolves references and runs the checks that need the whole model.
 * Returns the number of alerts of the whole load. */
int cfg_finish(struct cfg *cfg);

/* Feeds one already-lexed line to the section machine (the YAML loader
 * uses this, so both syntaxes go through the same keyword parsers). */
void cfg_feed_words(struct cfg *cfg, struct cfg_loc loc, int argc, char **argv);
/* Ends the current section (end of a file). */
void cfg_end_section(struct cfg *cfg);

/* Count of listeners (binds of enabled frontends); -c exits 2 on zero. */
int cfg_count_listeners(const struct cfg *cfg);

struct proxy_conf *cfg_find_proxy(const struct cfg *cfg, const char *name, unsigned cap);
struct proxy_conf *cfg_find_defaults(const struct cfg *cfg, const char *name);
struct server_conf *cfg_find_server(const struct proxy_conf *px, const char *name);
struct userlist_conf *cfg_find_userlist(const struct cfg *cfg, const char *name);
struct http_errors_conf *cfg_find_http_errors(const struct cfg *cfg, const char *name);

/* --------------------------------------------------------------- values */

/* Each parser returns 0 and sets *out, or returns -1 with a message in
 * err[errlen] that says what was expected ("'5x' : unknown unit 'x'..."). */
int cfg_parse_time(const char *s, int *out_ms, char *err, size_t errlen);
int cfg_parse_time_unit(const char *s, int default_unit_ms, int *out_ms, char *err, size_t errlen);
int cfg_parse_size(const char *s, int64_t *out, char *err, size_t errlen);
int cfg_parse_int(const char *s, long min, long max, long *out, char *err, size_t errlen);
int cfg_parse_onoff(const char *s, int *out, char *err, size_t errlen);

enum cfg_addr_use { CFG_ADDR_FOR_BIND, CFG_ADDR_FOR_SERVER, CFG_ADDR_FOR_LOG,
		    CFG_ADDR_FOR_CHECK };
/* Parses an address as HAProxy does: "*:80", ":::443", "ipv4@", "ipv6@",
 * "unix@", "abns@", "fd@N", "fd@${NAME}" (expanded before), port ranges
 * (binds), "+N" offsets (servers), "/path" (unix). Never resolves names. */
int cfg_parse_addr(struct arena *a, const char *s, enum cfg_addr_use use,
		   struct cfg_addr *out, char *err, size_t errlen);
/* Canonical text of an address (for dumps). */
const char *cfg_addr_str(struct arena *a, const struct cfg_addr *addr);

/* Helpers for keyword parsers: parse argv[i] with the keyword named in the
 * error, report it, return -1 on error. */
int cfg_arg_time(struct cfg_ctx *ctx, const char *arg, int *out);
int cfg_arg_int(struct cfg_ctx *ctx, const char *arg, long min, long max, int *out);
int cfg_arg_size(struct cfg_ctx *ctx, const char *arg, int64_t *out);
/* Checks the argument count; reports "'<kw>' expects <usage>". */
int cfg_need_args(struct cfg_ctx *ctx, int argc, int min, int max);
/* An existing, readable file (crt, ca-file, errorfile); "" when ok. */
int cfg_check_file(struct cfg_ctx *ctx, const char *what, const char *path, int dir_ok);

/* Makes a copy of words in the arena. */
struct cfg_words cfg_words_dup(struct arena *a, int argc, char **argv);

/* Sets (on=1) or clears an `option` bit of ctx->px and records the choice
 * (src/cfg/kw_proxy.c). For option keywords of any module. */
void cfg_px_set_option(struct cfg_ctx *ctx, enum px_opt opt, int on);

/* ------------------------------------------------------- generic keywords */

/*
 * Keywords that set one field: kw->data is the field's offset in the
 * object of the section (struct cfg_global for global keywords, struct
 * proxy_conf otherwise). The matching dumpers emit the field when it
 * differs from what the object inherited (builtin defaults, or the proxy's
 * defaults section), so a dump is short and reloads to the same model.
 */
int cfg_set_int(struct cfg_ctx *ctx, int argc, char **argv);      /* >= 0 */
int cfg_set_time(struct cfg_ctx *ctx, int argc, char **argv);
int cfg_set_size(struct cfg_ctx *ctx, int argc, char **argv);     /* int field */
int cfg_set_str(struct cfg_ctx *ctx, int argc, char **argv);
int cfg_set_flag(struct cfg_ctx *ctx, int argc, char **argv);     /* no argument */
int cfg_set_onoff(struct cfg_ctx *ctx, int argc, char **argv);
void cfg_dump_int(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj);
void cfg_dump_time(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj);
void cfg_dump_str(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj);
void cfg_dump_flag(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj);
void cfg_dump_onoff(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj);
/* The object a dump compares against: builtin defaults or the defaults
 * section a proxy inherited from. */
const void *cfg_dump_base(const struct cfg_kw *kw, const void *obj);

/* --------------------------------------------------------------- dumping */

/*
 * An emitter receives the model as sections and directives; the canonical
 * haproxy.cfg writer and the YAML writer are two emitters, so both syntaxes
 * come from one walk of the model.
 */
struct cfg_emit {
	void (*section)(struct cfg_emit *em, const char *kind, const char *name,
			const char *from);
	/* kw: registered keyword name; argv: the arguments */
	void (*directive)(struct cfg_emit *em, const char *kw, int argc, const char *const *argv);
	void (*end)(struct cfg_emit *em);
	void *priv;
	struct arena *tmp;          /* scratch for formatting values */
	enum cfg_section sec;       /* the section being dumped: a keyword allowed
				     * in several (log) tells its object's type */
};

/* Emits kw with the NULL-terminated list of arguments. */
void cfg_emitv(struct cfg_emit *em, const char *kw, ...);
/* Emits kw with a word vector. */
void cfg_emitw(struct cfg_emit *em, const char *kw, const struct cfg_words *w, int from);
/* Formats a time the way it was most likely written ("5s", "50000ms"). */
const char *cfg_time_str(struct cfg_emit *em, int ms);

void cfg_dump(const struct cfg *cfg, struct cfg_emit *em);
/* Writes canonical haproxy.cfg text. */
void cfg_dump_cfg(const struct cfg *cfg, FILE *f);
/* Quotes one word for haproxy.cfg so the lexer reads it back unchanged. */
void cfg_quote_word(struct sbuf *out, const char *w);

#endif
