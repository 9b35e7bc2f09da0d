/*
 * The `global` keywords of TLS: ssl-default-bind-* and ssl-default-server-*
 * (copied into each bind or server when its line is parsed), ca-base and
 * crt-base, the DH parameters, ssl-server-verify, ssl-mode-async and the
 * tune.ssl.* settings. Two keywords the guides use exist only to say why
 * they are refused: `ssl-engine` (no ENGINE API: OpenSSL 3) and
 * `tune.ssl.ocsp-update.mode` (a 3.0 development name).
 *
 * Runs in the master and in `weir -c`; fills struct cfg_global.
 */
#include <stddef.h>
#include <string.h>

#include "weir/kwtables.h"
#include "weir/ssl.h"

/* after weir's headers: see src/ssl/ssl_conf.c */
#include <openssl/opensslv.h>

/* ----------------------------------------------------- cipher lists */

/* data: offset in struct cfg_global of the char * to set. */
#define G_OFF(field) ((uintptr_t)offsetof(struct cfg_global, field))
#define G_FIELD(g, kw) ((char **)((char *)(g) + (kw)->data))
#define G_CFIELD(g, kw) ((char *const *)((const char *)(g) + (kw)->data))

static const struct cfg_kw *self_kw(struct cfg_ctx *ctx);

/* Reports a check result: an error, or a warning when OpenSSL ignores
 * part of the list. Returns -1 only on error. */
static int report_check(struct cfg_ctx *ctx, int ret, const char *err)
{
	if (ret < 0) {
		cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
		return -1;
	}
	if (ret > 0)
		cfg_warn(ctx, "'%s' : %s", ctx->kw, err);
	return 0;
}

static int parse_checked_list(struct cfg_ctx *ctx, int argc, char **argv,
			      int (*check)(const char *, char *, size_t))
{
	char err[1024];
	const struct cfg_kw *kw;

	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	if (report_check(ctx, check(argv[0], err, sizeof(err)), err) < 0)
		return -1;
	kw = self_kw(ctx);
	*G_FIELD(&ctx->cfg->global, kw) = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

static int parse_ciphers(struct cfg_ctx *ctx, int argc, char **argv)
{
	return parse_checked_list(ctx, argc, argv, ssl_check_ciphers);
}

static int parse_ciphersuites(struct cfg_ctx *ctx, int argc, char **argv)
{
	return parse_checked_list(ctx, argc, argv, ssl_check_ciphersuites);
}

static int parse_curves(struct cfg_ctx *ctx, int argc, char **argv)
{
	return parse_checked_list(ctx, argc, argv, ssl_check_curves);
}

static int parse_sigalgs(struct cfg_ctx *ctx, int argc, char **argv)
{
	return parse_checked_list(ctx, argc, argv, ssl_check_sigalgs);
}

static int parse_client_sigalgs(struct cfg_ctx *ctx, int argc, char **argv)
{
	return parse_checked_list(ctx, argc, argv, ssl_check_client_sigalgs);
}

static void dump_str(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const char *v = *G_CFIELD(obj, kw);
	if (v)
		cfg_emitv(em, kw->name, v, NULL);
}

/* ----------------------------------------------------- option lists */

static const char bind_opts_usage[] =
	"[ssl-min-ver <ver>] [ssl-max-ver <ver>] [no-sslv3] [no-tlsv10] [no-tlsv11] [no-tlsv12] "
	"[no-tlsv13] [force-sslv3|force-tlsv10|force-tlsv11|force-tlsv12|force-tlsv13] "
	"[no-tls-tickets] [prefer-client-ciphers]";

static int parse_options(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct cfg_global *g = &ctx->cfg->global;
	int server = strstr(ctx->kw, "server") != NULL;
	struct ssl_opts *o = server ? &g->ssl_server_defaults : &g->ssl_bind_defaults;
	char err[512];

	if (cfg_need_args(ctx, argc, 1, -1) < 0)
		return -1;
	for (int i = 0; i < argc;) {
		int n = ssl_opts_word(o, server ? SSL_OPTS_FOR_SERVER : SSL_OPTS_FOR_BIND,
				      argc - i, argv + i, err, sizeof(err));
		if (n < 0) {
			cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
			return -1;
		}
		if (n == 0) {
			cfg_alert(ctx, "'%s' : unknown option '%s' (expects %s)", ctx->kw, argv[i],
				  server ? "[ssl-min-ver <ver>] [ssl-max-ver <ver>] [no-sslv3] [no-tlsv10] "
					   "[no-tlsv11] [no-tlsv12] [no-tlsv13] [force-<ver>] [no-tls-tickets]"
					 : bind_opts_usage);
			return -1;
		}
		i += n;
	}
	if (ssl_opts_check_versions(o, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
		return -1;
	}
	return 0;
}

static void dump_options(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	const struct ssl_opts *o = kw->data ? &g->ssl_server_defaults : &g->ssl_bind_defaults;
	struct cfg_words w = ssl_opts_words(em->tmp, o);
	if (w.n)
		cfg_emitw(em, kw->name, &w, 0);
}

/* ----------------------------------------------------- files and bases */

static int parse_base(struct cfg_ctx *ctx, int argc, char **argv)
{
	char **field = G_FIELD(&ctx->cfg->global, self_kw(ctx));

	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	if (*field) {
		cfg_alert(ctx, "'%s' already specified (as '%s')", ctx->kw, *field);
		return -1;
	}
	/* not checked here: HAProxy looks into it only when a relative
	 * certificate path is used, and that path is checked then */
	*field = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

static int parse_dh_param_file(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	if (cfg_check_file(ctx, "DH parameters", argv[0], 0) < 0)
		return -1;
	ctx->cfg->global.ssl_dh_param_file = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

static int parse_server_verify(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	if (strcmp(argv[0], "none") != 0 && strcmp(argv[0], "required") != 0) {
		cfg_alert(ctx, "'%s' : unknown value '%s' (expects 'none' or 'required')", ctx->kw, argv[0]);
		return -1;
	}
	ctx->cfg->global.ssl_server_verify = arena_strdup(ctx->arena, argv[0]);
	return 0;
}

static int parse_load_extra_files(struct cfg_ctx *ctx, int argc, char **argv)
{
	static const char *const ok[] = { "none", "all", "bundle", "sctl", "ocsp", "issuer", "key" };
	struct sbuf b = { 0 };

	if (cfg_need_args(ctx, argc, 1, -1) < 0)
		return -1;
	for (int i = 0; i < argc; i++) {
		size_t j;
		for (j = 0; j < ARRAY_SIZE(ok) && strcmp(argv[i], ok[j]) != 0; j++)
			;
		if (j == ARRAY_SIZE(ok)) {
			cfg_alert(ctx, "'%s' : unknown value '%s' (expects none, all, bundle, sctl, ocsp, issuer "
				  "or key)", ctx->kw, argv[i]);
			sbuf_free(&b);
			return -1;
		}
		sbuf_printf(&b, "%s%s", i ? " " : "", argv[i]);
	}
	ctx->cfg->global.ssl_load_extra_files = arena_strdup(ctx->arena, sbuf_str(&b));
	sbuf_free(&b);
	return 0;
}

static void dump_words_str(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const char *v = *G_CFIELD(obj, kw);
	char *copy, *save = NULL, *w[32];
	int n = 0;

	if (!v)
		return;
	copy = arena_strdup(em->tmp, v);
	for (char *t = strtok_r(copy, " ", &save); t && n < 32; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	struct cfg_words words = { n, w };
	cfg_emitw(em, kw->name, &words, 0);
}

/* ----------------------------------------------------- flags */

/* data: offset of an int set to 1 by a keyword without argument. */
static int parse_flag(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 0, 0) < 0)
		return -1;
	*(int *)((char *)&ctx->cfg->global + self_kw(ctx)->data) = 1;
	return 0;
}

static void dump_flag(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	if (*(const int *)((const char *)obj + kw->data))
		cfg_emitv(em, kw->name, NULL);
}

/* ----------------------------------------------------- tune.ssl.* */

/*
 * tune.ssl.* integers keep HAProxy's defaults implicit: a bit in
 * ssl_tune_set records that the line was given, so a dump writes exactly
 * the lines that were set (0 is a meaningful value for several of them).
 * data packs the field offset (low 16 bits) and the bit (high bits).
 */
#define TUNE(field, bit) (G_OFF(field) | ((uintptr_t)(bit) << 16))
#define TUNE_OFF(kw) ((kw)->data & 0xffff)
#define TUNE_BIT(kw) (1u << ((kw)->data >> 16))

enum tune_kind { TUNE_INT, TUNE_DH, TUNE_LIFETIME, TUNE_SIZE, TUNE_ONOFF, TUNE_FLAG };

static enum tune_kind tune_kind(const char *name)
{
	if (strcmp(name, "tune.ssl.default-dh-param") == 0)
		return TUNE_DH;
	if (strcmp(name, "tune.ssl.lifetime") == 0)
		return TUNE_LIFETIME;
	if (strcmp(name, "tune.ssl.keylog") == 0)
		return TUNE_ONOFF;
	if (strcmp(name, "tune.ssl.force-private-cache") == 0)
		return TUNE_FLAG;
	if (strncmp(name, "tune.ssl.capture-", 17) == 0)
		return TUNE_SIZE;
	return TUNE_INT;
}

static int tune_value(struct cfg_ctx *ctx, enum tune_kind k, const char *arg, int *v)
{
	char err[256];
	int64_t sz;

	switch (k) {
	case TUNE_DH:
		if (cfg_arg_int(ctx, arg, 1024, 16384, v) < 0)
			return -1;
		return 0;
	case TUNE_LIFETIME:
		/* seconds by default, as in HAProxy; any time unit is allowed */
		if (cfg_parse_time_unit(arg, 1000, v, err, sizeof(err)) < 0) {
			cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
			return -1;
		}
		*v = (*v + 999) / 1000;
		return 0;
	case TUNE_SIZE:
		if (cfg_arg_size(ctx, arg, &sz) < 0)
			return -1;
		if (sz > 65535) {
			cfg_alert(ctx, "'%s' : %s is too large (at most 65535 bytes)", ctx->kw, arg);
			return -1;
		}
		*v = (int)sz;
		return 0;
	case TUNE_ONOFF:
		if (cfg_parse_onoff(arg, v, err, sizeof(err)) < 0) {
			cfg_alert(ctx, "'%s' : %s", ctx->kw, err);
			return -1;
		}
		return 0;
	default:
		return cfg_arg_int(ctx, arg, 0, 2147483647, v);
	}
}

static int parse_tune(struct cfg_ctx *ctx, int argc, char **argv)
{
	const struct cfg_kw *kw = self_kw(ctx);
	enum tune_kind k = tune_kind(kw->name);
	int v = 1;

	if (cfg_need_args(ctx, argc, k == TUNE_FLAG ? 0 : 1, k == TUNE_FLAG ? 0 : 1) < 0)
		return -1;
	if (k != TUNE_FLAG && tune_value(ctx, k, argv[0], &v) < 0)
		return -1;
	if (k == TUNE_DH && v != 1024 && v != 2048 && v != 3072 && v != 4096 && v != 8192)
		cfg_warn(ctx, "'%s' : %d is not a usual DH size (1024, 2048, 3072, 4096, 8192)", ctx->kw, v);
	*(int *)((char *)&ctx->cfg->global + TUNE_OFF(kw)) = v;
	ctx->cfg->global.ssl_tune_set |= TUNE_BIT(kw);
	return 0;
}

static void dump_tune(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	int v = *(const int *)((const char *)obj + TUNE_OFF(kw));
	enum tune_kind k = tune_kind(kw->name);

	if (!(g->ssl_tune_set & TUNE_BIT(kw)))
		return;
	if (k == TUNE_FLAG)
		cfg_emitv(em, kw->name, NULL);
	else if (k == TUNE_ONOFF)
		cfg_emitv(em, kw->name, v ? "on" : "off", NULL);
	else
		cfg_emitv(em, kw->name, arena_printf(em->tmp, "%d", v), NULL);
}

/* ----------------------------------------------------- refused keywords */

/*
 * Keywords the guides use that weir (like Debian's HAProxy 2.6) cannot
 * honour. They are registered so the message says why and what to do,
 * rather than "unknown keyword".
 */
static int parse_ssl_engine(struct cfg_ctx *ctx, int argc, char **argv)
{
	cfg_alert(ctx, "'ssl-engine%s%s' : weir is built on OpenSSL %d without ENGINE support (like Debian's "
		  "HAProxy 2.6 package, '-ENGINE' in 'haproxy -vv'), so 'ssl-engine' is not supported. "
		  "Remove the line: OpenSSL uses the CPU's AES-NI and RDRAND instructions by itself, "
		  "without an engine.", argc ? " " : "", argc ? argv[0] : "", OPENSSL_VERSION_MAJOR);
	return -1;
}

static int parse_ocsp_update_mode(struct cfg_ctx *ctx, int argc, char **argv)
{
	cfg_alert(ctx, "'%s' is not supported : it existed only in HAProxy 3.0 development versions "
		  "(3.0-dev7 to 3.0-dev11; the released 3.0 calls it 'ocsp-update.mode'), and HAProxy 2.6 "
		  "rejects it too. Remove the line.", ctx->kw);
	return -1;
}

/* ----------------------------------------------------- table */

#define OPTS_SERVER 1

static const struct cfg_kw ssl_kws[] = {
	{ "ssl-default-bind-ciphers", CFG_SEC_GLOBAL, parse_ciphers, dump_str, "<ciphers>",
	  "default TLS <= 1.2 cipher list of 'bind ... ssl' lines (OpenSSL syntax)",
	  G_OFF(ssl_bind_defaults.ciphers) },
	{ "ssl-default-bind-ciphersuites", CFG_SEC_GLOBAL, parse_ciphersuites, dump_str, "<ciphersuites>",
	  "default TLS 1.3 cipher suites of 'bind ... ssl' lines", G_OFF(ssl_bind_defaults.ciphersuites) },
	{ "ssl-default-bind-curves", CFG_SEC_GLOBAL, parse_curves, dump_str, "<curves>",
	  "default elliptic curves of 'bind ... ssl' lines", G_OFF(ssl_bind_defaults.curves) },
	{ "ssl-default-bind-sigalgs", CFG_SEC_GLOBAL, parse_sigalgs, dump_str, "<sigalgs>",
	  "default signature algorithms of 'bind ... ssl' lines", G_OFF(ssl_bind_defaults.sigalgs) },
	{ "ssl-default-bind-client-sigalgs", CFG_SEC_GLOBAL, parse_client_sigalgs, dump_str, "<sigalgs>",
	  "default signature algorithms accepted for client certificates",
	  G_OFF(ssl_bind_defaults.client_sigalgs) },
	{ "ssl-default-bind-options", CFG_SEC_GLOBAL, parse_options, dump_options, bind_opts_usage,
	  "default TLS versions and options of 'bind ... ssl' lines", 0 },
	{ "ssl-default-server-ciphers", CFG_SEC_GLOBAL, parse_ciphers, dump_str, "<ciphers>",
	  "default TLS <= 1.2 cipher list of 'server ... ssl' lines", G_OFF(ssl_server_defaults.ciphers) },
	{ "ssl-default-server-ciphersuites", CFG_SEC_GLOBAL, parse_ciphersuites, dump_str, "<ciphersuites>",
	  "default TLS 1.3 cipher suites of 'server ... ssl' lines",
	  G_OFF(ssl_server_defaults.ciphersuites) },
	{ "ssl-default-server-options", CFG_SEC_GLOBAL, parse_options, dump_options,
	  "[ssl-min-ver <ver>] [ssl-max-ver <ver>] [no-sslv3] [no-tlsv1x] [force-<ver>] [no-tls-tickets]",
	  "default TLS versions and options of 'server ... ssl' lines", OPTS_SERVER },
	{ "ca-base", CFG_SEC_GLOBAL, parse_base, dump_str, "<dir>",
	  "directory of relative ca-file and crl-file paths", G_OFF(ca_base) },
	{ "crt-base", CFG_SEC_GLOBAL, parse_base, dump_str, "<dir>",
	  "directory of relative crt and crt-list paths", G_OFF(crt_base) },
	{ "ssl-dh-param-file", CFG_SEC_GLOBAL, parse_dh_param_file, dump_str, "<file>",
	  "DH parameters used for DHE key exchange when a certificate file carries none",
	  G_OFF(ssl_dh_param_file) },
	{ "ssl-server-verify", CFG_SEC_GLOBAL, parse_server_verify, dump_str, "none|required",
	  "default certificate verification of TLS servers ('required' unless set)",
	  G_OFF(ssl_server_verify) },
	{ "ssl-mode-async", CFG_SEC_GLOBAL, parse_flag, dump_flag, "",
	  "asynchronous TLS operations (accepted; without engines it changes nothing)",
	  G_OFF(ssl_mode_async) },
	{ "ssl-skip-self-issued-ca", CFG_SEC_GLOBAL, parse_flag, dump_flag, "",
	  "do not send self-issued CA certificates of the chain", G_OFF(ssl_skip_self_issued_ca) },
	{ "ssl-load-extra-del-ext", CFG_SEC_GLOBAL, parse_flag, dump_flag, "",
	  "look for .key/.ocsp/... beside the certificate file without its extension",
	  G_OFF(ssl_load_extra_del_ext) },
	{ "ssl-load-extra-files", CFG_SEC_GLOBAL, parse_load_extra_files, dump_words_str,
	  "none|all|bundle|sctl|ocsp|issuer|key ...",
	  "which files beside a certificate are loaded with it", G_OFF(ssl_load_extra_files) },
	{ "tune.ssl.default-dh-param", CFG_SEC_GLOBAL, parse_tune, dump_tune, "<bits>",
	  "size of the DH parameters generated when none are given (default 2048)",
	  TUNE(tune_ssl_default_dh_param, 0) },
	{ "tune.ssl.cachesize", CFG_SEC_GLOBAL, parse_tune, dump_tune, "<number>",
	  "entries of the shared TLS session cache (default 20000; 0 disables it)",
	  TUNE(tune_ssl_cachesize, 1) },
	{ "tune.ssl.lifetime", CFG_SEC_GLOBAL, parse_tune, dump_tune, "<time>",
	  "lifetime of a cached TLS session, in seconds unless a unit is given (default 300)",
	  TUNE(tune_ssl_lifetime, 2) },
	{ "tune.ssl.maxrecord", CFG_SEC_GLOBAL, parse_tune, dump_tune, "<bytes>",
	  "largest TLS record sent (default 0: no limit)", TUNE(tune_ssl_maxrecord, 3) },
	{ "tune.ssl.capture-buffer-size", CFG_SEC_GLOBAL, parse_tune, dump_tune, "<bytes>",
	  "size of the buffer capturing the client hello cipher list (default 0: none)",
	  TUNE(tune_ssl_capture_buffer_size, 4) },
	{ "tune.ssl.capture-cipherlist-size", CFG_SEC_GLOBAL, parse_tune, NULL, "<bytes>",
	  "older name of tune.ssl.capture-buffer-size", TUNE(tune_ssl_capture_buffer_size, 4) },
	{ "tune.ssl.force-private-cache", CFG_SEC_GLOBAL, parse_tune, dump_tune, "",
	  "keep the TLS session cache per worker instead of shared", TUNE(tune_ssl_force_private_cache, 5) },
	{ "tune.ssl.keylog", CFG_SEC_GLOBAL, parse_tune, dump_tune, "on|off",
	  "keep the TLS secrets so that ssl_fc_*_secret fetches can log them (default off)",
	  TUNE(tune_ssl_keylog, 6) },
	{ "tune.ssl.ssl-ctx-cache-size", CFG_SEC_GLOBAL, parse_tune, dump_tune, "<number>",
	  "entries of the cache of generated certificates' contexts (default 1000)",
	  TUNE(tune_ssl_ctx_cache_size, 7) },
	{ "ssl-engine", CFG_SEC_GLOBAL, parse_ssl_engine, NULL, "<name> [algo ...]",
	  "refused: OpenSSL 3 has no engines; remove the line (AES-NI and RDRAND are used automatically)", 0 },
	{ "tune.ssl.ocsp-update.mode", CFG_SEC_GLOBAL, parse_ocsp_update_mode, NULL, "on|off",
	  "refused: a HAProxy 3.0 development keyword; remove the line", 0 },
};

const struct cfg_kw_table ssl_global_kw_table = { "ssl", ssl_kws, (int)ARRAY_SIZE(ssl_kws), NULL };

/* The table entry being parsed (several entries share one parser and
 * tell their field through `data`). */
static const struct cfg_kw *self_kw(struct cfg_ctx *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(ssl_kws); i++)
		if (strcmp(ssl_kws[i].name, ctx->kw) == 0)
			return &ssl_kws[i];
	WEIR_ASSERT(!"ssl keyword not in its table");
	return NULL;
}
