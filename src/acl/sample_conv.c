/*
 * The converter registry: every converter weir knows (`lower`,
 * `ltime(<format>[,<offset>])`, `map_str(<file>)`, ...), with its argument
 * signature, input and output types, and argument checker. This table is
 * the one place a converter is declared; the `conv` slots point to the
 * run-time functions (src/acl/smp_conv_rt.c). Read by the master at load
 * time and by the workers.
 */
#include <string.h>

#include "acl-int.h"
#include "smp-rt-int.h"

#define C(n, u, a, i, o) { n, u, a, SMP_T_##i, SMP_T_##o, NULL, NULL, NULL }
#define CC(n, u, a, i, o, chk) { n, u, a, SMP_T_##i, SMP_T_##o, chk, NULL, NULL }
/* with the run-time function (smp_conv_rt.c) and its parameter */
#define CR(n, u, a, i, o, fn, p) { n, u, a, SMP_T_##i, SMP_T_##o, NULL, fn, p }
#define CCR(n, u, a, i, o, chk, fn, p) { n, u, a, SMP_T_##i, SMP_T_##o, chk, fn, p }
#define A0 SMP_NOARGS
#define A(m, ...) SMP_ARGS(m, __VA_ARGS__)
#define S ARGT_STR
#define I ARGT_SINT

/* map_<match>[_<output>]: the key is matched as <match> (the input type
 * follows), the value is returned as str, int or ip. `param` carries the
 * matcher and output for smp_chk_map: "<match>:<out>". */
#define MAP3(m, in) \
	{ "map_" #m, "(<map_file>[,<default_value>])", A(1, S, S), SMP_T_##in, SMP_T_STR, \
	  smp_chk_map, smp_conv_map, #m ":str" }, \
	{ "map_" #m "_int", "(<map_file>[,<default_value>])", A(1, S, S), SMP_T_##in, \
	  SMP_T_SINT, smp_chk_map, smp_conv_map, #m ":int" }, \
	{ "map_" #m "_ip", "(<map_file>[,<default_value>])", A(1, S, S), SMP_T_##in, \
	  SMP_T_ADDR, smp_chk_map, smp_conv_map, #m ":ip" }

/* table_<x>(<table>): the input is the key, looked up in <table>. */
#define TABLE_CONV(x) { "table_" #x, "(<table>)", A(1, ARGT_TAB), SMP_T_ANY, SMP_T_SINT, \
			NULL, NULL, #x },

#define TABLE_DATA(X) \
	X(conn_cnt) X(conn_cur) X(conn_rate) X(sess_cnt) X(sess_rate) X(http_req_cnt) \
	X(http_req_rate) X(http_err_cnt) X(http_err_rate) X(http_fail_cnt) \
	X(http_fail_rate) X(kbytes_in) X(bytes_in_rate) X(kbytes_out) X(bytes_out_rate) \
	X(gpc0) X(gpc0_rate) X(gpc1) X(gpc1_rate) X(gpt0) X(trackers) X(expire) X(idle) \
	X(server_id)

const struct sample_conv_def sample_convs[] = {
	/* strings */
	CR("lower", "", A0, STR, STR, smp_conv_case, "l"),
	CR("upper", "", A0, STR, STR, smp_conv_case, "u"),
	CCR("field", "(<index>,<delimiters>[,<count>])", A(2, I, S, I), STR, STR, smp_chk_field,
	  smp_conv_field, "f"),
	CCR("word", "(<index>,<delimiters>[,<count>])", A(2, I, S, I), STR, STR, smp_chk_field,
	  smp_conv_field, "w"),
	CR("length", "", A0, STR, SINT, smp_conv_length, NULL),
	CCR("json", "([<input-code>])", A(0, S), STR, STR, smp_chk_json, smp_conv_json, NULL),
	CR("url_dec", "([<in_form>])", A(0, I), STR, STR, smp_conv_url_dec, NULL),
	C("url_enc", "([<enc_type>])", A(0, S), STR, STR),
	CC("concat", "([<start>][,<var>][,<end>])", A(0, S, S, S), STR, STR, smp_chk_concat),
	CC("regsub", "(<regex>,<subst>[,<flags>])", A(2, ARGT_REG, S, S), STR, STR, smp_chk_regsub),
	C("strcmp", "(<var>)", A(1, ARGT_VAR), STR, SINT),
	C("secure_memcmp", "(<var>)", A(1, ARGT_VAR), BIN, BOOL),
	C("ltrim", "(<chars>)", A(1, S), STR, STR),
	C("rtrim", "(<chars>)", A(1, S), STR, STR),
	C("protobuf", "(<field_number>[,<field_type>])", A(1, S, S), BIN, BIN),
	C("host_only", "", A0, STR, STR),
	C("port_only", "", A0, STR, SINT),
	/* encodings and bytes */
	CR("hex", "", A0, BIN, STR, smp_conv_hex, NULL),
	C("hex2i", "", A0, STR, SINT),
	CR("base64", "", A0, BIN, STR, smp_conv_base64, NULL),
	C("b64dec", "", A0, STR, BIN),
	C("ub64enc", "", A0, BIN, STR),
	C("ub64dec", "", A0, STR, BIN),
	CC("bytes", "(<offset>[,<length>])", A(1, I, I), BIN, BIN, smp_chk_bytes),
	/* time */
	CCR("ltime", "(<format>[,<offset>])", A(1, S, I), SINT, STR, smp_chk_ltime,
	  smp_conv_time, "l"),
	CCR("utime", "(<format>[,<offset>])", A(1, S, I), SINT, STR, smp_chk_ltime,
	  smp_conv_time, "u"),
	C("http_date", "([<offset>[,<unit>]])", A(0, I, S), SINT, STR),
	/* addresses */
	CR("ipmask", "(<mask4>[,<mask6>])", A(1, ARGT_MSK4, ARGT_MSK6), ADDR, ADDR,
	  smp_conv_ipmask, NULL),
	/* arithmetic and logic */
	CC("add", "(<value>)", A(1, S), SINT, SINT, smp_chk_int_or_var),
	CC("sub", "(<value>)", A(1, S), SINT, SINT, smp_chk_int_or_var),
	CC("mul", "(<value>)", A(1, S), SINT, SINT, smp_chk_int_or_var),
	CC("div", "(<value>)", A(1, S), SINT, SINT, smp_chk_int_or_var),
	CC("mod", "(<value>)", A(1, S), SINT, SINT, smp_chk_int_or_var),
	CC("and", "(<value>)", A(1, S), SINT, SINT, smp_chk_int_or_var),
	CC("or", "(<value>)", A(1, S), SINT, SINT, smp_chk_int_or_var),
	CC("xor", "(<value>)", A(1, S), SINT, SINT, smp_chk_int_or_var),
	C("neg", "", A0, SINT, SINT),
	C("cpl", "", A0, SINT, SINT),
	C("not", "", A0, SINT, BOOL),
	C("bool", "", A0, SINT, BOOL),
	C("odd", "", A0, SINT, BOOL),
	C("even", "", A0, SINT, BOOL),
	/* hashes and digests */
	C("crc32", "([<avalanche>])", A(0, I), BIN, SINT),
	C("crc32c", "([<avalanche>])", A(0, I), BIN, SINT),
	C("djb2", "([<avalanche>])", A(0, I), BIN, SINT),
	C("sdbm", "([<avalanche>])", A(0, I), BIN, SINT),
	C("wt6", "([<avalanche>])", A(0, I), BIN, SINT),
	C("xxh32", "([<seed>])", A(0, I), BIN, SINT),
	C("xxh64", "([<seed>])", A(0, I), BIN, SINT),
	C("xxh3", "([<seed>])", A(0, I), BIN, SINT),
	C("sha1", "", A0, BIN, BIN),
	CC("sha2", "([<bits>])", A(0, I), BIN, BIN, smp_chk_sha2),
	CC("digest", "(<algorithm>)", A(1, S), BIN, BIN, smp_chk_digest),
	CC("hmac", "(<algorithm>,<key>)", A(2, S, S), BIN, BIN, smp_chk_hmac),
	/* variables and debugging: the sample goes through unchanged */
	CR("set-var", "(<var>)", A(1, ARGT_VAR), ANY, SAME, smp_conv_set_var, NULL),
	C("unset-var", "(<var>)", A(1, ARGT_VAR), ANY, SAME),
	CR("debug", "([<prefix>][,<buffer>])", A(0, S, S), ANY, SAME, smp_conv_same, NULL),
	/* maps */
	{ "map", "(<map_file>[,<default_value>])", A(1, S, S), SMP_T_STR, SMP_T_STR,
	  smp_chk_map, smp_conv_map, "str:str" },
	MAP3(str, STR), MAP3(beg, STR), MAP3(sub, STR), MAP3(dir, STR), MAP3(dom, STR),
	MAP3(end, STR), MAP3(reg, STR), MAP3(regm, STR), MAP3(int, SINT), MAP3(ip, ADDR),
	/* stick tables */
	TABLE_DATA(TABLE_CONV)
	{ "in_table", "(<table>)", A(1, ARGT_TAB), SMP_T_ANY, SMP_T_BOOL, NULL, NULL, NULL },
};

const int sample_convs_n = (int)ARRAY_SIZE(sample_convs);

const struct sample_conv_def *sample_conv_find(const char *name, size_t len)
{
	for (int i = 0; i < sample_convs_n; i++) {
		const char *n = sample_convs[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return &sample_convs[i];
	}
	return NULL;
}

const char *sample_conv_closest(const char *name)
{
	const char *best = NULL;
	int bestd = 1000;
	for (int i = 0; i < sample_convs_n; i++) {
		int d = str_distance(name, sample_convs[i].name);
		if (d < bestd) {
			bestd = d;
			best = sample_convs[i].name;
		}
	}
	return bestd <= (int)strlen(name) / 3 + 1 ? best : NULL;
}

/* ------------------------------------------------ types */

const char *smp_type_name(enum smp_type t)
{
	static const char *const names[SMP_T__COUNT] = {
		"any", "bool", "integer", "address", "ipv4", "ipv6", "string", "binary",
		"method", "any",
	};
	return (unsigned)t < SMP_T__COUNT ? names[t] : "?";
}

/*
 * The casts the traffic path performs between types. Strings convert to
 * anything (parsed at run time); addresses never become booleans; a method
 * is only ever text.
 */
int smp_cast_ok(enum smp_type from, enum smp_type to)
{
	if (from == SMP_T_ANY || to == SMP_T_ANY || from == to || from == SMP_T_SAME)
		return 1;
	switch (from) {
	case SMP_T_BOOL:
	case SMP_T_SINT:
		return to != SMP_T_METH && (from == SMP_T_SINT || (to != SMP_T_ADDR &&
			to != SMP_T_IPV4 && to != SMP_T_IPV6));
	case SMP_T_ADDR:
	case SMP_T_IPV4:
	case SMP_T_IPV6:
		return to == SMP_T_ADDR || to == SMP_T_IPV4 || to == SMP_T_IPV6 ||
		       to == SMP_T_STR || to == SMP_T_BIN || (to == SMP_T_SINT && from == SMP_T_IPV4);
	case SMP_T_STR:
		return 1;
	case SMP_T_BIN:
		return to == SMP_T_STR;
	case SMP_T_METH:
		return to == SMP_T_STR || to == SMP_T_BIN;
	default:
		return 0;
	}
}
