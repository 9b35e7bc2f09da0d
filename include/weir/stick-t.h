/*
 * Types of stick tables as declared in the configuration, and of the
 * `stick on|match|store-request|store-response` rules. Plain data in the
 * configuration arena (cfg-t.h); the master lays out the runtime tables in
 * the shared segment from these (later issue), so every size here is final.
 */
#ifndef WEIR_STICK_T_H
#define WEIR_STICK_T_H

#include <stdint.h>

#include "weir/cfg-t.h"

enum stick_key_type {
	STICK_KEY_IP = 0,         /* IPv4 address (IPv6 clients are folded when possible) */
	STICK_KEY_IPV6,
	STICK_KEY_INTEGER,        /* 32-bit signed */
	STICK_KEY_STRING,         /* up to key_len bytes (default 32) */
	STICK_KEY_BINARY,         /* exactly key_len bytes, zero padded (default 32) */
};

/*
 * The storable data types, HAProxy 2.6's list. A counter is a 32 or 64-bit
 * value; a rate is a frequency counter over `period`; gpt/gpc/gpc_rate
 * hold an array of `count` elements.
 */
enum stick_data {
	STICK_DT_SERVER_ID = 0,
	STICK_DT_GPT0,
	STICK_DT_GPC0,
	STICK_DT_GPC0_RATE,
	STICK_DT_CONN_CNT,
	STICK_DT_CONN_RATE,
	STICK_DT_CONN_CUR,
	STICK_DT_SESS_CNT,
	STICK_DT_SESS_RATE,
	STICK_DT_HTTP_REQ_CNT,
	STICK_DT_HTTP_REQ_RATE,
	STICK_DT_HTTP_ERR_CNT,
	STICK_DT_HTTP_ERR_RATE,
	STICK_DT_BYTES_IN_CNT,
	STICK_DT_BYTES_IN_RATE,
	STICK_DT_BYTES_OUT_CNT,
	STICK_DT_BYTES_OUT_RATE,
	STICK_DT_GPC1,
	STICK_DT_GPC1_RATE,
	STICK_DT_SERVER_KEY,
	STICK_DT_HTTP_FAIL_CNT,
	STICK_DT_HTTP_FAIL_RATE,
	STICK_DT_GPT,             /* gpt(N) */
	STICK_DT_GPC,             /* gpc(N) */
	STICK_DT_GPC_RATE,        /* gpc_rate(N,period) */
	STICK_DT__COUNT
};

struct stick_data_conf {
	int stored;               /* declared in `store` */
	int period;               /* ms, rates only */
	int count;                /* array types: number of elements (1..100) */
};

enum stick_srvkey { STICK_SRVKEY_NAME = 0, STICK_SRVKEY_ADDR };

struct stick_table_conf {
	char *name;               /* the declaring proxy's name */
	const char *owner_kind;   /* "frontend", "backend", "proxy" (listen) */
	struct cfg_loc loc;
	enum stick_key_type type;
	int key_len;              /* string/binary: bytes; others: the fixed size */
	int64_t size;             /* maximum entries */
	int expire;               /* ms, TIME_UNSET: entries never expire */
	int nopurge;
	char *peers;              /* `peers` section name, NULL none */
	enum stick_srvkey srvkey;
	int srvkey_set;
	struct stick_data_conf data[STICK_DT__COUNT];
	struct cfg_words src;     /* the line's arguments after `stick-table` (dumps) */
};

enum stick_rule_kind { STICK_ON = 0, STICK_MATCH, STICK_STORE_REQ, STICK_STORE_RES };

/* One `stick ...` rule of a backend (proxy_conf.stick_rules). */
struct stick_rule {
	struct cfg_loc loc;
	enum stick_rule_kind kind;
	struct sample_expr *expr;
	char *table;              /* `table <name>`, NULL: the proxy's own */
	struct acl_cond *cond;    /* NULL: always */
	struct cfg_words src;     /* the whole line, for dumps */
};

#endif
