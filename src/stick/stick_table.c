/*
 * `stick-table` declarations: key type, size, expiry, peers and the stored
 * data types, parsed into struct stick_table_conf (stick-t.h) as HAProxy
 * 2.6 reads them. Runs in the master at load time; the layout of the
 * shared-memory tables (later issue) is computed from this model.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "weir/stick.h"

enum dt_shape { DT_COUNTER = 0, DT_RATE, DT_ARRAY, DT_ARRAY_RATE };

struct dt_def {
	const char *name;
	enum dt_shape shape;
};

/* Indexed by enum stick_data; names as in HAProxy 2.6's `store`. */
static const struct dt_def dt_defs[STICK_DT__COUNT] = {
	[STICK_DT_SERVER_ID] = { "server_id", DT_COUNTER },
	[STICK_DT_GPT0] = { "gpt0", DT_COUNTER },
	[STICK_DT_GPC0] = { "gpc0", DT_COUNTER },
	[STICK_DT_GPC0_RATE] = { "gpc0_rate", DT_RATE },
	[STICK_DT_CONN_CNT] = { "conn_cnt", DT_COUNTER },
	[STICK_DT_CONN_RATE] = { "conn_rate", DT_RATE },
	[STICK_DT_CONN_CUR] = { "conn_cur", DT_COUNTER },
	[STICK_DT_SESS_CNT] = { "sess_cnt", DT_COUNTER },
	[STICK_DT_SESS_RATE] = { "sess_rate", DT_RATE },
	[STICK_DT_HTTP_REQ_CNT] = { "http_req_cnt", DT_COUNTER },
	[STICK_DT_HTTP_REQ_RATE] = { "http_req_rate", DT_RATE },
	[STICK_DT_HTTP_ERR_CNT] = { "http_err_cnt", DT_COUNTER },
	[STICK_DT_HTTP_ERR_RATE] = { "http_err_rate", DT_RATE },
	[STICK_DT_BYTES_IN_CNT] = { "bytes_in_cnt", DT_COUNTER },
	[STICK_DT_BYTES_IN_RATE] = { "bytes_in_rate", DT_RATE },
	[STICK_DT_BYTES_OUT_CNT] = { "bytes_out_cnt", DT_COUNTER },
	[STICK_DT_BYTES_OUT_RATE] = { "bytes_out_rate", DT_RATE },
	[STICK_DT_GPC1] = { "gpc1", DT_COUNTER },
	[STICK_DT_GPC1_RATE] = { "gpc1_rate", DT_RATE },
	[STICK_DT_SERVER_KEY] = { "server_key", DT_COUNTER },
	[STICK_DT_HTTP_FAIL_CNT] = { "http_fail_cnt", DT_COUNTER },
	[STICK_DT_HTTP_FAIL_RATE] = { "http_fail_rate", DT_RATE },
	[STICK_DT_GPT] = { "gpt", DT_ARRAY },
	[STICK_DT_GPC] = { "gpc", DT_ARRAY },
	[STICK_DT_GPC_RATE] = { "gpc_rate", DT_ARRAY_RATE },
};

/* HAProxy's limit on gpt(N)/gpc(N) arrays. */
#define STICK_ARRAY_MAX 100

int stick_data_find(const char *name)
{
	for (int i = 0; i < STICK_DT__COUNT; i++)
		if (strcmp(dt_defs[i].name, name) == 0)
			return i;
	return -1;
}

const char *stick_data_name(enum stick_data dt)
{
	return (unsigned)dt < STICK_DT__COUNT ? dt_defs[dt].name : "?";
}

int stick_data_is_rate(enum stick_data dt)
{
	return (unsigned)dt < STICK_DT__COUNT &&
	       (dt_defs[dt].shape == DT_RATE || dt_defs[dt].shape == DT_ARRAY_RATE);
}

int stick_table_stores(const struct stick_table_conf *t, const char *data_type)
{
	int dt = stick_data_find(data_type);
	return t && dt >= 0 && t->data[dt].stored;
}

static const char *suggest_dt(const char *name)
{
	const char *best = NULL;
	int bestd = 1000;
	for (int i = 0; i < STICK_DT__COUNT; i++) {
		int d = str_distance(name, dt_defs[i].name);
		if (d < bestd) {
			bestd = d;
			best = dt_defs[i].name;
		}
	}
	return bestd <= (int)strlen(name) / 3 + 1 ? best : NULL;
}

/* ------------------------------------------------------------ store */

/* Arguments of one data type, "10s" or "3,10s": count and period. */
static int parse_dt_args(struct cfg_ctx *ctx, enum stick_data dt, const char *args,
			 struct stick_data_conf *d)
{
	const char *name = dt_defs[dt].name;
	enum dt_shape shape = dt_defs[dt].shape;
	char err[200];
	char *end;
	if (shape == DT_ARRAY || shape == DT_ARRAY_RATE) {
		long n = strtol(args, &end, 10);
		if (end == args || n < 1 || n > STICK_ARRAY_MAX ||
		    (shape == DT_ARRAY ? *end != '\0' : *end != ',')) {
			cfg_alert(ctx, "'stick-table' : failed to parse arguments to data type '%s' "
				  "(expected %s(<count 1..%d>%s)).", name, name, STICK_ARRAY_MAX,
				  shape == DT_ARRAY ? "" : ",<period>");
			return -1;
		}
		d->count = (int)n;
		if (shape == DT_ARRAY)
			return 0;
		args = end + 1;
	}
	if (cfg_parse_time(args, &d->period, err, sizeof(err)) < 0 || d->period <= 0) {
		cfg_alert(ctx, "'stick-table' : failed to parse arguments to data type '%s': "
			  "invalid period '%s' (a time such as '10s')", name, args);
		return -1;
	}
	return 0;
}

/* One element of a store list, "http_req_rate(10s)" or "conn_cur". */
static int parse_store_item(struct cfg_ctx *ctx, const char *item, struct stick_table_conf *t)
{
	const char *paren = strchr(item, '(');
	size_t nlen = paren ? (size_t)(paren - item) : strlen(item);
	char *name = arena_strndup(ctx->arena, item, nlen);
	char *args = NULL;
	if (paren) {
		size_t alen = strlen(paren + 1);
		if (alen == 0 || paren[alen] != ')') {
			cfg_alert(ctx, "'stick-table' : missing ')' after arguments to data type '%s'.", name);
			return -1;
		}
		args = arena_strndup(ctx->arena, paren + 1, alen - 1);
	}
	int dt = stick_data_find(name);
	if (dt < 0) {
		const char *s = suggest_dt(name);
		cfg_alert(ctx, "'stick-table' : unknown data type '%s'%s%s%s.", name,
			  s ? "; did you mean '" : "", s ? s : "", s ? "'" : "");
		return -1;
	}
	struct stick_data_conf d = { .stored = 1 };
	if (dt_defs[dt].shape == DT_COUNTER && args) {
		cfg_alert(ctx, "'stick-table' : unexpected argument to data type '%s'.", name);
		return -1;
	}
	if (dt_defs[dt].shape != DT_COUNTER && (!args || !*args)) {
		cfg_alert(ctx, "'stick-table' : missing argument to data type '%s' (%s, e.g. '%s(%s)').",
			  name, dt_defs[dt].shape == DT_ARRAY ? "the number of elements"
			  : "a rate is counted over a period", name,
			  dt_defs[dt].shape == DT_RATE ? "10s" : dt_defs[dt].shape == DT_ARRAY ? "2" : "2,10s");
		return -1;
	}
	if (args && parse_dt_args(ctx, (enum stick_data)dt, args, &d) < 0)
		return -1;
	if (t->data[dt].stored) {
		cfg_warn(ctx, "'stick-table' : ignoring duplicate data type '%s'.", name);
		return 0;
	}
	t->data[dt] = d;
	return 0;
}

/* "a,b(10s),gpc_rate(2,1m)": commas inside parentheses do not split. */
static int parse_store_list(struct cfg_ctx *ctx, const char *list, struct stick_table_conf *t)
{
	const char *p = list;
	while (*p) {
		const char *q = p;
		int depth = 0;
		for (; *q && (depth > 0 || *q != ','); q++)
			depth += (*q == '(') - (*q == ')');
		if (q == p) {
			cfg_alert(ctx, "'stick-table' : empty data type in store list '%s'.", list);
			return -1;
		}
		if (parse_store_item(ctx, arena_strndup(ctx->arena, p, (size_t)(q - p)), t) < 0)
			return -1;
		p = *q ? q + 1 : q;
	}
	return 0;
}

/* ------------------------------------------------------------ table */

/* "200k": entries, with HAProxy's binary k/m/g suffixes. */
static int parse_entries(const char *s, int64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	long long v = strtoll(s, &end, 10);
	int shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end || v > (1LL << 40))
		return -1;
	*out = (int64_t)v << shift;
	return 0;
}

static const char *const key_types[] = { "ip", "ipv6", "integer", "string", "binary" };

/* `type <t> [len <n>]`; returns the words consumed or -1. */
static int parse_type(struct cfg_ctx *ctx, int argc, char **argv, struct stick_table_conf *t)
{
	int k = -1;
	for (int i = 0; argc > 1 && i < (int)ARRAY_SIZE(key_types); i++)
		if (strcmp(argv[1], key_types[i]) == 0)
			k = i;
	if (k < 0) {
		cfg_alert(ctx, "'stick-table' : unknown type '%s' (expected ip, ipv6, integer, "
			  "string [len <n>] or binary [len <n>]).", argc > 1 ? argv[1] : "");
		return -1;
	}
	t->type = (enum stick_key_type)k;
	static const int fixed_len[] = { 4, 16, 4, 32, 32 };
	t->key_len = fixed_len[k];
	if ((k == STICK_KEY_STRING || k == STICK_KEY_BINARY) && argc > 2 &&
	    strcmp(argv[2], "len") == 0) {
		char *end;
		long len = argc > 3 ? strtol(argv[3], &end, 10) : 0;
		if (argc < 4 || *end || len < 1 || len > 65535) {
			cfg_alert(ctx, "'stick-table' : invalid length '%s' for type '%s' (1..65535 bytes).",
				  argc > 3 ? argv[3] : "", argv[1]);
			return -1;
		}
		t->key_len = (int)len;
		return 4;
	}
	return 2;
}

/* One option at argv[0]; returns the words consumed or -1. */
static int parse_table_option(struct cfg_ctx *ctx, int argc, char **argv,
			      struct stick_table_conf *t, int *seen_type)
{
	char err[200];
	const char *o = argv[0];
	if (strcmp(o, "type") == 0) {
		*seen_type = 1;
		return parse_type(ctx, argc, argv, t);
	}
	if (strcmp(o, "nopurge") == 0) {
		t->nopurge = 1;
		return 1;
	}
	static const char *const with_arg[] = { "size", "expire", "peers", "srvkey", "store" };
	int known = 0;
	for (size_t i = 0; i < ARRAY_SIZE(with_arg); i++)
		known |= strcmp(o, with_arg[i]) == 0;
	if (known && argc < 2) {
		cfg_alert(ctx, "'stick-table' : missing argument after '%s'.", o);
		return -1;
	}
	if (strcmp(o, "size") == 0) {
		if (parse_entries(argv[1], &t->size) < 0) {
			cfg_alert(ctx, "'stick-table' : invalid size value '%s' (a number of entries, "
				  "with an optional k, m or g suffix).", argv[1]);
			return -1;
		}
	} else if (strcmp(o, "expire") == 0) {
		if (cfg_parse_time(argv[1], &t->expire, err, sizeof(err)) < 0) {
			cfg_alert(ctx, "'stick-table' : invalid expire value: %s", err);
			return -1;
		}
	} else if (strcmp(o, "peers") == 0) {
		t->peers = arena_strdup(ctx->arena, argv[1]);
	} else if (strcmp(o, "srvkey") == 0) {
		if (strcmp(argv[1], "name") != 0 && strcmp(argv[1], "addr") != 0) {
			cfg_alert(ctx, "'stick-table' : unknown srvkey '%s' (expected 'name' or 'addr').",
				  argv[1]);
			return -1;
		}
		t->srvkey = argv[1][0] == 'a' ? STICK_SRVKEY_ADDR : STICK_SRVKEY_NAME;
		t->srvkey_set = 1;
	} else if (strcmp(o, "store") == 0) {
		if (parse_store_list(ctx, argv[1], t) < 0)
			return -1;
	} else {
		cfg_alert(ctx, "'stick-table' : unknown argument '%s' (expected type, size, expire, "
			  "nopurge, peers, srvkey or store).", o);
		return -1;
	}
	return 2;
}

int stick_table_parse(struct cfg_ctx *ctx, int argc, char **argv, struct stick_table_conf *t)
{
	int seen_type = 0;
	t->expire = TIME_UNSET;
	t->loc = ctx->loc;
	for (int i = 0; i < argc;) {
		int n = parse_table_option(ctx, argc - i, argv + i, t, &seen_type);
		if (n < 0)
			return -1;
		i += n;
	}
	if (!seen_type) {
		cfg_alert(ctx, "'stick-table' : missing type (e.g. 'stick-table type ip size 100k').");
		return -1;
	}
	if (t->size <= 0) {
		cfg_alert(ctx, "'stick-table' : missing size (e.g. 'size 100k' for 102400 entries).");
		return -1;
	}
	t->src = cfg_words_dup(ctx->arena, argc, argv);
	return 0;
}
