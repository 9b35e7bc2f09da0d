/*
 * `balance`, `hash-type` and `hash-balance-factor`, and the table of
 * load-balancing algorithms (include/weir/lb.h) that the runtime keys on.
 * Runs in the master (and `weir -c`) while loading and dumping; owns
 * proxy_conf.balance and proxy_conf.hash_balance_factor.
 */
#include <limits.h>
#include <string.h>

#include "weir/cfg.h"
#include "weir/kwtables.h"
#include "weir/lb.h"

/* ------------------------------------------------------ algorithm parsers */

static int lb_no_args(struct cfg_ctx *ctx, struct balance_conf *b, const char *arg, int argc, char **argv)
{
	return 0;
}

static int lb_parse_uri(struct cfg_ctx *ctx, struct balance_conf *b, const char *arg, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "whole") == 0) {
			b->uri_whole = 1;
		} else if (strcmp(argv[i], "path-only") == 0) {
			b->uri_path_only = 1;
		} else if (strcmp(argv[i], "len") == 0 || strcmp(argv[i], "depth") == 0) {
			char err[128];
			long v;
			if (i + 1 >= argc || cfg_parse_int(argv[i + 1], 1, INT_MAX, &v, err, sizeof(err)) < 0) {
				cfg_alert(ctx, "'balance uri %s' expects a positive integer (got '%s').",
					  argv[i], i + 1 < argc ? argv[i + 1] : "");
				return -1;
			}
			*(argv[i][0] == 'l' ? &b->uri_len : &b->uri_depth) = (int)v;
			i++;
		} else {
			cfg_alert(ctx, "'balance uri' only accepts parameters 'len', 'depth', 'path-only' "
				  "and 'whole' (got '%s').", argv[i]);
			return -1;
		}
	}
	return 0;
}

static int lb_parse_url_param(struct cfg_ctx *ctx, struct balance_conf *b, const char *arg, int argc,
			      char **argv)
{
	if (argc < 1 || !*argv[0]) {
		cfg_alert(ctx, "'balance url_param' requires an URL parameter name.");
		return -1;
	}
	b->arg = arena_strdup(ctx->arena, argv[0]);
	if (argc == 1)
		return 0;
	if (strcmp(argv[1], "check_post") != 0 || argc > 3) {
		cfg_alert(ctx, "'balance url_param' only accepts 'check_post' modifier (got '%s').",
			  strcmp(argv[1], "check_post") ? argv[1] : argv[3]);
		return -1;
	}
	b->check_post = arena_strdup(ctx->arena, argc == 3 ? argv[2] : "");
	return 0;
}

static int lb_parse_hdr(struct cfg_ctx *ctx, struct balance_conf *b, const char *arg, int argc, char **argv)
{
	if (!arg || !*arg) {
		cfg_alert(ctx, "'balance hdr' requires an http header field name: write 'balance hdr(<name>)'.");
		return -1;
	}
	b->arg = arena_strdup(ctx->arena, arg);
	if (argc == 0)
		return 0;
	if (argc > 1 || strcmp(argv[0], "use_domain_only") != 0) {
		cfg_alert(ctx, "'balance hdr(%s)' only accepts 'use_domain_only' modifier (got '%s').",
			  arg, argv[0]);
		return -1;
	}
	b->hdr_use_domain_only = 1;
	return 0;
}

static int lb_parse_random(struct cfg_ctx *ctx, struct balance_conf *b, const char *arg, int argc,
			   char **argv)
{
	char err[128];
	long v = 2;
	if (arg && cfg_parse_int(arg, 1, INT_MAX, &v, err, sizeof(err)) < 0) {
		cfg_alert(ctx, "'balance random(%s)' : the number of draws must be an integer of at least 1.",
			  arg);
		return -1;
	}
	b->random_draws = (int)v;
	return 0;
}

static int lb_parse_rdp(struct cfg_ctx *ctx, struct balance_conf *b, const char *arg, int argc, char **argv)
{
	if (arg && !*arg) {
		cfg_alert(ctx, "'balance rdp-cookie()' requires an rdp cookie name (or none for 'mstshash').");
		return -1;
	}
	b->arg = arena_strdup(ctx->arena, arg ? arg : "mstshash");
	return 0;
}

/* ------------------------------------------------------------- the table */

const struct lb_algo_def lb_algos[] = {
	{ "roundrobin", LB_ALGO_ROUNDROBIN, LB_F_DYNAMIC, HASH_MAP_BASED, lb_no_args,
	  "each server in turn, by weight; weights may change at run time" },
	{ "static-rr", LB_ALGO_STATIC_RR, 0, HASH_MAP_BASED, lb_no_args,
	  "each server in turn, by weight; weights fixed at startup" },
	{ "leastconn", LB_ALGO_LEASTCONN, LB_F_DYNAMIC, HASH_MAP_BASED, lb_no_args,
	  "the server with the fewest connections" },
	{ "first", LB_ALGO_FIRST, 0, HASH_MAP_BASED, lb_no_args,
	  "the first server (by id) with a free connection slot" },
	{ "source", LB_ALGO_SOURCE, LB_F_HASH, HASH_MAP_BASED, lb_no_args,
	  "a hash of the client's source address" },
	{ "uri", LB_ALGO_URI, LB_F_HASH | LB_F_HTTP, HASH_MAP_BASED, lb_parse_uri,
	  "a hash of the request URI (len, depth, whole, path-only)" },
	{ "url_param", LB_ALGO_URL_PARAM, LB_F_HASH | LB_F_HTTP, HASH_MAP_BASED, lb_parse_url_param,
	  "a hash of a URL parameter (or of the POST body with check_post)" },
	{ "hdr", LB_ALGO_HDR, LB_F_HASH | LB_F_HTTP | LB_F_ARG | LB_F_ARG_REQUIRED, HASH_MAP_BASED,
	  lb_parse_hdr, "a hash of a request header (use_domain_only for Host)" },
	{ "random", LB_ALGO_RANDOM, LB_F_DYNAMIC | LB_F_ARG, HASH_CONSISTENT, lb_parse_random,
	  "the least loaded of <draws> random servers (power of two choices)" },
	{ "rdp-cookie", LB_ALGO_RDP_COOKIE, LB_F_HASH | LB_F_ARG, HASH_MAP_BASED, lb_parse_rdp,
	  "a hash of an RDP cookie (default mstshash)" },
};
const int lb_algos_count = (int)ARRAY_SIZE(lb_algos);

const struct lb_algo_def *lb_algo_get(enum lb_algo algo)
{
	for (int i = 0; i < lb_algos_count; i++)
		if (lb_algos[i].algo == algo)
			return &lb_algos[i];
	return &lb_algos[0];
}

const struct lb_algo_def *lb_algo_find(const char *name)
{
	for (int i = 0; i < lb_algos_count; i++)
		if (strcmp(lb_algos[i].name, name) == 0)
			return &lb_algos[i];
	return NULL;
}

/* ------------------------------------------------------------- keywords */

/* Splits "hdr(host)" into "hdr" and "host"; *arg is NULL without parentheses. */
static int split_algo(struct cfg_ctx *ctx, const char *word, char **name, char **arg)
{
	const char *par = strchr(word, '(');
	*arg = NULL;
	if (!par) {
		*name = arena_strdup(ctx->arena, word);
		return 0;
	}
	size_t len = strlen(par);
	if (par[len - 1] != ')') {
		cfg_alert(ctx, "'balance %s' : missing closing parenthesis.", word);
		return -1;
	}
	*name = arena_strndup(ctx->arena, word, (size_t)(par - word));
	*arg = arena_strndup(ctx->arena, par + 1, len - 2);
	return 0;
}

static void unknown_algo(struct cfg_ctx *ctx, const char *word)
{
	struct sbuf list = {0};
	for (int i = 0; i < lb_algos_count; i++) {
		const struct lb_algo_def *d = &lb_algos[i];
		sbuf_printf(&list, "%s'%s%s'", i == 0 ? "" : i == lb_algos_count - 1 ? " and " : ", ",
			    d->name, d->flags & LB_F_ARG_REQUIRED ? "(name)" :
			    d->algo == LB_ALGO_RDP_COOKIE ? "(name)" : "");
	}
	cfg_alert(ctx, "'balance' : unknown algorithm '%s'. 'balance' only supports %s options.",
		  word, sbuf_str(&list));
	sbuf_free(&list);
}

static int kw_balance(struct cfg_ctx *ctx, int argc, char **argv)
{
	char *name, *arg;
	if (cfg_need_args(ctx, argc, 1, -1) < 0 || split_algo(ctx, argv[0], &name, &arg) < 0)
		return -1;
	const struct lb_algo_def *d = lb_algo_find(name);
	if (!d) {
		unknown_algo(ctx, argv[0]);
		return -1;
	}
	if (arg && !(d->flags & LB_F_ARG)) {
		cfg_alert(ctx, "'balance %s' takes no argument in parentheses; write 'balance %s'.",
			  argv[0], name);
		return -1;
	}
	/* A new `balance` line replaces the previous algorithm and its
	 * parameters; hash-type is a separate setting and stays. */
	struct balance_conf b = ctx->px->balance;
	b.algo = d->algo;
	b.arg = NULL;
	b.check_post = NULL;
	b.uri_len = b.uri_depth = b.uri_whole = b.uri_path_only = b.hdr_use_domain_only = 0;
	b.random_draws = 2;
	if (d->parse(ctx, &b, arg, argc - 1, argv + 1) < 0)
		return -1;
	b.src = cfg_words_dup(ctx->arena, argc, argv);
	ctx->px->balance = b;
	return 0;
}

static const char *const hash_type_names[] = { "map-based", "consistent" };
static const char *const hash_fn_names[] = { "sdbm", "djb2", "wt6", "crc32", "none" };

static int find_word(const char *const *names, int n, const char *w)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], w) == 0)
			return i;
	return -1;
}

static int kw_hash_type(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct balance_conf *b = &ctx->px->balance;
	if (cfg_need_args(ctx, argc, 1, 3) < 0)
		return -1;
	int t = find_word(hash_type_names, 2, argv[0]);
	if (t < 0) {
		cfg_alert(ctx, "'hash-type' expects 'map-based' or 'consistent' but got '%s'.", argv[0]);
		return -1;
	}
	int fn = HASH_FN_SDBM, aval = 0;
	for (int i = 1; i < argc; i++) {
		int f = find_word(hash_fn_names, (int)ARRAY_SIZE(hash_fn_names), argv[i]);
		if (i == 1 && f >= 0) {
			fn = f;
		} else if (strcmp(argv[i], "avalanche") == 0 && i == argc - 1) {
			aval = 1;
		} else {
			cfg_alert(ctx, "'hash-type %s' : unknown hash function or modifier '%s' (expects a "
				  "function among 'sdbm', 'djb2', 'wt6', 'crc32', 'none', then optionally "
				  "'avalanche').", argv[0], argv[i]);
			return -1;
		}
	}
	b->hash_type = (enum hash_type)t;
	b->hash_fn = (enum hash_fn)fn;
	b->hash_avalanche = aval;
	return 0;
}

static int kw_hash_balance_factor(struct cfg_ctx *ctx, int argc, char **argv)
{
	int v;
	if (cfg_need_args(ctx, argc, 1, 1) < 0 || cfg_arg_int(ctx, argv[0], 0, INT_MAX, &v) < 0)
		return -1;
	if (v != 0 && v <= 100) {
		cfg_alert(ctx, "'hash-balance-factor' must be 0 (disabled) or greater than 100, got %d.", v);
		return -1;
	}
	ctx->px->hash_balance_factor = v;
	return 0;
}

/* ---------------------------------------------------------------- dumps */

static void dump_balance(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj, *base = cfg_dump_base(kw, obj);
	if (px->balance.src.n && px->balance.src.w != base->balance.src.w)
		cfg_emitw(em, "balance", &px->balance.src, 0);
}

static void dump_hash_type(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct balance_conf *b = &((const struct proxy_conf *)obj)->balance;
	const struct balance_conf *bb = &((const struct proxy_conf *)cfg_dump_base(kw, obj))->balance;
	if (b->hash_type == bb->hash_type && b->hash_fn == bb->hash_fn &&
	    b->hash_avalanche == bb->hash_avalanche)
		return;
	cfg_emitv(em, "hash-type", hash_type_names[b->hash_type], hash_fn_names[b->hash_fn],
		  b->hash_avalanche ? "avalanche" : NULL, NULL);
}

static void dump_hash_balance_factor(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct proxy_conf *px = obj, *base = cfg_dump_base(kw, obj);
	if (px->hash_balance_factor != base->hash_balance_factor)
		cfg_emitv(em, "hash-balance-factor", arena_printf(em->tmp, "%d", px->hash_balance_factor),
			  NULL);
}

/* ---------------------------------------------------------------- finish */

/* HAProxy falls back to round robin when a layer 7 hash has no HTTP input. */
static void lb_finish(struct cfg *cfg)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		const struct lb_algo_def *d = lb_algo_get(px->balance.algo);
		if (!(px->cap & PX_CAP_BE) || !(d->flags & LB_F_HTTP) || px->mode == PX_MODE_HTTP)
			continue;
		cfg_diag_at(cfg, CFG_WARNING, &px->loc, "backend '%s' : 'balance %s' needs 'mode http' "
			    "(layer 7 hash not possible in TCP mode); falling back to round robin. Add "
			    "'mode http' or choose 'balance source'.", px->name, d->name);
	}
}

static const struct cfg_kw lb_kws[] = {
	{ "balance", CFG_SEC_BE, kw_balance, dump_balance,
	  "roundrobin|static-rr|leastconn|first|source|uri [...]|url_param <name> [check_post]|"
	  "hdr(<name>) [use_domain_only]|random[(<draws>)]|rdp-cookie[(<name>)]",
	  "the load-balancing algorithm of the backend", 0 },
	{ "hash-type", CFG_SEC_BE, kw_hash_type, dump_hash_type,
	  "map-based|consistent [sdbm|djb2|wt6|crc32|none] [avalanche]",
	  "how hash-based algorithms map a hash to a server", 0 },
	{ "hash-balance-factor", CFG_SEC_BE, kw_hash_balance_factor, dump_hash_balance_factor,
	  "<factor>", "bound a consistent-hash server's load to <factor> percent of the average", 0 },
};

const struct cfg_kw_table lb_kw_table = { "lb", lb_kws, (int)ARRAY_SIZE(lb_kws), lb_finish };
