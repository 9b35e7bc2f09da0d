/*
 * The fetch registry: every sample fetch weir knows, with its argument
 * signature, output type and the data it reads (which decides where it can
 * be used), plus the ACL-only keywords derived from fetches (`path_beg` is
 * `path` with `-m beg`). This table is the one place a fetch is declared;
 * the `fetch` slots point to the run-time functions (src/acl/smp_*_rt.c).
 * Read by the master while it loads the configuration, and by the workers
 * after fork.
 */
#include <string.h>

#include "acl-int.h"
#include "smp-rt-int.h"

/* Where each kind of data exists. Request data stays readable at log time
 * (HAProxy only warns there); response data only exists after the server
 * answered. */
#define W_ALL (SMP_AT_TCP_CONN | SMP_AT_TCP_SESS | SMP_AT_TCP_REQ | SMP_AT_HTTP_REQ | \
	       SMP_AT_HTTP_RES | SMP_AT_TCP_RES | SMP_AT_LOG | SMP_AT_BACKEND)
#define W_REQ (SMP_AT_TCP_REQ | SMP_AT_HTTP_REQ | SMP_AT_BACKEND | SMP_AT_LOG)
#define W_RES (SMP_AT_HTTP_RES | SMP_AT_TCP_RES | SMP_AT_LOG)

static const struct {
	const char *name;
	unsigned where;
} smp_srcs[SMP_SRC__COUNT] = {
	[SMP_SRC_CONST] = { "constant values", W_ALL | SMP_AT_CHECK },
	[SMP_SRC_INTRN] = { "internal parameters", W_ALL | SMP_AT_CHECK },
	[SMP_SRC_L4CLI] = { "layer 4 client connection", W_ALL },
	[SMP_SRC_L5CLI] = { "layer 5 client connection", W_ALL & ~SMP_AT_TCP_CONN },
	[SMP_SRC_TRACK] = { "tracking counters", W_ALL },
	[SMP_SRC_L6REQ] = { "layer 6 request contents",
			    SMP_AT_TCP_REQ | SMP_AT_HTTP_REQ | SMP_AT_BACKEND },
	[SMP_SRC_HRQHV] = { "HTTP request headers", W_REQ },
	[SMP_SRC_HRQHP] = { "HTTP request", W_REQ },
	[SMP_SRC_HRQBO] = { "HTTP request body",
			    SMP_AT_TCP_REQ | SMP_AT_HTTP_REQ | SMP_AT_BACKEND },
	[SMP_SRC_BKEND] = { "backend", W_ALL },
	[SMP_SRC_SERVR] = { "server", W_RES },
	/* a health check reads its own response */
	[SMP_SRC_L6RES] = { "layer 6 response contents",
			    SMP_AT_HTTP_RES | SMP_AT_TCP_RES | SMP_AT_CHECK },
	[SMP_SRC_HRSHV] = { "HTTP response headers", W_RES | SMP_AT_CHECK },
	[SMP_SRC_HRSHP] = { "HTTP response", W_RES | SMP_AT_CHECK },
	[SMP_SRC_SSFIN] = { "session statistics", SMP_AT_LOG },
};

const char *smp_src_name(int src)
{
	return src >= 0 && src < SMP_SRC__COUNT ? smp_srcs[src].name : "?";
}

/* `where` may combine a stage with SMP_AT_BACKEND ("in a backend"); the
 * stage decides. Every stage named must have the data. */
int smp_src_usable(enum smp_src src, unsigned where)
{
	unsigned stages = where & ~(unsigned)SMP_AT_BACKEND;
	if (!where)
		return 1;
	if (!stages)
		stages = SMP_AT_BACKEND;
	return (stages & ~smp_srcs[src].where) == 0;
}

const char *smp_where_name(unsigned where)
{
	static const char *const names[] = {
		"tcp-request connection rule", "tcp-request session rule",
		"tcp-request content rule", "http-request rule", "http-response rule",
		"tcp-response content rule", "log-format", "health check", "backend",
	};
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (where & (1u << i))
			return names[i];
	return "this place";
}

/* ------------------------------------------------ the fetch table */

#define F(n, u, a, o, s) { n, u, a, SMP_T_##o, SMP_SRC_##s, NULL, NULL, NULL }
#define FC(n, u, a, o, s, chk) { n, u, a, SMP_T_##o, SMP_SRC_##s, chk, NULL, NULL }
/* with the run-time function (smp_*_rt.c) and its parameter */
#define FR(n, u, a, o, s, fn, p) { n, u, a, SMP_T_##o, SMP_SRC_##s, NULL, fn, p }
#define FCR(n, u, a, o, s, chk, fn, p) { n, u, a, SMP_T_##o, SMP_SRC_##s, chk, fn, p }
#define A0 SMP_NOARGS
#define A(m, ...) SMP_ARGS(m, __VA_ARGS__)
#define S ARGT_STR
#define I ARGT_SINT

/* Stick counters: every data type a tracked entry offers, as
 * sc_<x>(<ctr>[,<table>]), sc0_<x>([<table>]) .. sc2_<x>, src_<x>([<table>]).
 * The table names the data type in `param` so checks can compare it with
 * the table's `store` list. */
#define COUNTERS(X) \
	X(conn_cnt) X(conn_cur) X(conn_rate) X(sess_cnt) X(sess_rate) \
	X(http_req_cnt) X(http_req_rate) X(http_err_cnt) X(http_err_rate) \
	X(http_fail_cnt) X(http_fail_rate) X(kbytes_in) X(bytes_in_rate) \
	X(kbytes_out) X(bytes_out_rate) X(gpc0) X(gpc0_rate) X(gpc1) X(gpc1_rate) \
	X(get_gpc0) X(get_gpc1) X(get_gpt0) X(inc_gpc0) X(inc_gpc1) \
	X(clr_gpc0) X(clr_gpc1)

#define SC_ANY(x) { "sc_" #x, "(<ctr>[,<table>])", A(1, I, ARGT_TAB), SMP_T_SINT, \
		    SMP_SRC_TRACK, smp_chk_ctr, NULL, #x },
#define SC_N(x, n) { "sc" #n "_" #x, "([<table>])", A(0, ARGT_TAB), SMP_T_SINT, \
		     SMP_SRC_TRACK, NULL, NULL, #x },
#define SC_0(x) SC_N(x, 0)
#define SC_1(x) SC_N(x, 1)
#define SC_2(x) SC_N(x, 2)
#define SRC_X(x) { "src_" #x, "([<table>])", A(0, ARGT_TAB), SMP_T_SINT, \
		   SMP_SRC_L4CLI, NULL, NULL, #x },

const struct sample_fetch_def sample_fetches[] = {
	/* constants and internal state */
	FR("always_true", "", A0, BOOL, CONST, smp_fetch_const, "true"),
	FR("always_false", "", A0, BOOL, CONST, smp_fetch_const, "false"),
	FCR("bool", "(<bool>)", A(1, S), BOOL, CONST, smp_chk_const_bool, smp_fetch_const, "b"),
	FCR("int", "(<integer>)", A(1, S), SINT, CONST, smp_chk_const_int,
	  smp_fetch_const, "i"),
	FR("str", "(<string>)", A(1, S), STR, CONST, smp_fetch_const, "s"),
	FC("bin", "(<hex>)", A(1, S), BIN, CONST, smp_chk_const_bin),
	FCR("ipv4", "(<ipv4>)", A(1, S), IPV4, CONST, smp_chk_const_ipv4, smp_fetch_const, "4"),
	FCR("ipv6", "(<ipv6>)", A(1, S), IPV6, CONST, smp_chk_const_ipv6, smp_fetch_const, "6"),
	FCR("meth", "(<method>)", A(1, S), METH, CONST, smp_chk_const_meth,
	  smp_fetch_const, "m"),
	FCR("date", "([<offset>[,<unit>]])", A(0, I, S), SINT, INTRN, smp_chk_date,
	  smp_fetch_date, NULL),
	FR("date_us", "", A0, SINT, INTRN, smp_fetch_date_us, NULL),
	FR("env", "(<name>)", A(1, S), STR, INTRN, smp_fetch_env, NULL),
	FCR("uuid", "([<version>])", A(0, I), STR, INTRN, smp_chk_uuid, smp_fetch_uuid, NULL),
	FR("var", "(<name>[,<default>])", A(1, ARGT_VAR, S), ANY, INTRN, smp_fetch_var, NULL),
	FR("rand", "([<range>])", A(0, I), SINT, INTRN, smp_fetch_rand, NULL),
	F("hostname", "", A0, STR, INTRN),
	F("nbproc", "", A0, SINT, INTRN),
	F("nbthread", "", A0, SINT, INTRN),
	F("thread", "", A0, SINT, INTRN),
	FR("pid", "", A0, SINT, INTRN, smp_fetch_pid, NULL),
	F("stopping", "", A0, BOOL, INTRN),
	F("wait_end", "", A0, BOOL, INTRN),
	F("unique-id", "", A0, STR, INTRN),
	F("table_avl", "([<table>])", A(0, ARGT_TAB), SINT, INTRN),
	F("table_cnt", "([<table>])", A(0, ARGT_TAB), SINT, INTRN),
	FR("fe_conn", "([<frontend>])", A(0, ARGT_FE), SINT, INTRN, smp_fetch_px_conn, "f"),
	F("fe_req_rate", "([<frontend>])", A(0, ARGT_FE), SINT, INTRN),
	F("fe_sess_rate", "([<frontend>])", A(0, ARGT_FE), SINT, INTRN),
	FR("fe_id", "", A0, SINT, INTRN, smp_fetch_px_id, "f"),
	FR("fe_name", "", A0, STR, INTRN, smp_fetch_px_name, "f"),
	FR("be_conn", "([<backend>])", A(0, ARGT_BE), SINT, BKEND, smp_fetch_px_conn, "b"),
	F("be_conn_free", "([<backend>])", A(0, ARGT_BE), SINT, BKEND),
	F("be_sess_rate", "([<backend>])", A(0, ARGT_BE), SINT, BKEND),
	FR("be_id", "", A0, SINT, BKEND, smp_fetch_px_id, "b"),
	FR("be_name", "", A0, STR, BKEND, smp_fetch_px_name, "b"),
	FR("nbsrv", "([<backend>])", A(0, ARGT_BE), SINT, BKEND, smp_fetch_nbsrv, NULL),
	F("connslots", "([<backend>])", A(0, ARGT_BE), SINT, BKEND),
	F("queue", "([<backend>])", A(0, ARGT_BE), SINT, BKEND),
	F("avg_queue", "([<backend>])", A(0, ARGT_BE), SINT, BKEND),
	F("srv_conn", "(<backend>/<server>)", A(1, ARGT_SRV), SINT, INTRN),
	F("srv_is_up", "(<backend>/<server>)", A(1, ARGT_SRV), BOOL, INTRN),
	F("srv_queue", "(<backend>/<server>)", A(1, ARGT_SRV), SINT, INTRN),
	F("srv_id", "", A0, SINT, SERVR),
	F("srv_name", "", A0, STR, SERVR),

	/* layer 4 and TLS of the client connection */
	FR("src", "", A0, ADDR, L4CLI, smp_fetch_addr, "s"),
	FR("src_port", "", A0, SINT, L4CLI, smp_fetch_port, "s"),
	F("src_is_local", "", A0, BOOL, L4CLI),
	FR("dst", "", A0, ADDR, L4CLI, smp_fetch_addr, "d"),
	FR("dst_port", "", A0, SINT, L4CLI, smp_fetch_port, "d"),
	F("dst_is_local", "", A0, BOOL, L4CLI),
	F("dst_conn", "", A0, SINT, L4CLI),
	F("so_id", "", A0, SINT, L4CLI),
	FR("ssl_fc", "", A0, BOOL, L5CLI, smp_fetch_ssl_fc, NULL),
	F("ssl_fc_sni", "", A0, STR, L5CLI),
	F("ssl_fc_has_sni", "", A0, BOOL, L5CLI),
	F("ssl_fc_protocol", "", A0, STR, L5CLI),
	F("ssl_fc_cipher", "", A0, STR, L5CLI),
	F("ssl_fc_alpn", "", A0, STR, L5CLI),
	F("ssl_fc_npn", "", A0, STR, L5CLI),
	F("ssl_fc_has_crt", "", A0, BOOL, L5CLI),
	F("ssl_fc_use_keysize", "", A0, SINT, L5CLI),
	F("ssl_fc_session_id", "", A0, BIN, L5CLI),
	F("ssl_c_used", "", A0, BOOL, L5CLI),
	F("ssl_c_verify", "", A0, SINT, L5CLI),
	F("ssl_c_err", "", A0, SINT, L5CLI),
	F("ssl_c_ca_err", "", A0, SINT, L5CLI),
	F("ssl_c_version", "", A0, SINT, L5CLI),
	FC("ssl_c_s_dn", "([<entry>[,<occ>[,<format>]]])", A(0, S, I, S), STR, L5CLI, smp_chk_dn),
	FC("ssl_c_i_dn", "([<entry>[,<occ>[,<format>]]])", A(0, S, I, S), STR, L5CLI, smp_chk_dn),
	FC("ssl_f_s_dn", "([<entry>[,<occ>[,<format>]]])", A(0, S, I, S), STR, L5CLI, smp_chk_dn),
	FC("ssl_f_i_dn", "([<entry>[,<occ>[,<format>]]])", A(0, S, I, S), STR, L5CLI, smp_chk_dn),
	F("ssl_c_serial", "", A0, BIN, L5CLI),
	F("ssl_c_sha1", "", A0, BIN, L5CLI),
	F("ssl_c_der", "", A0, BIN, L5CLI),
	F("ssl_c_notafter", "", A0, STR, L5CLI),
	F("ssl_c_notbefore", "", A0, STR, L5CLI),
	F("ssl_c_sig_alg", "", A0, STR, L5CLI),
	F("ssl_c_key_alg", "", A0, STR, L5CLI),
	F("ssl_bc", "", A0, BOOL, SERVR),
	F("ssl_bc_protocol", "", A0, STR, SERVR),

	/* stick counters */
	COUNTERS(SC_ANY) COUNTERS(SC_0) COUNTERS(SC_1) COUNTERS(SC_2) COUNTERS(SRC_X)
	SC_ANY(trackers) SC_0(trackers) SC_1(trackers) SC_2(trackers)
	{ "sc_tracked", "(<ctr>[,<table>])", A(1, I, ARGT_TAB), SMP_T_BOOL, SMP_SRC_TRACK,
	  smp_chk_ctr, NULL, "tracked" },
	{ "sc0_tracked", "([<table>])", A(0, ARGT_TAB), SMP_T_BOOL, SMP_SRC_TRACK, NULL, NULL, "tracked" },
	{ "sc1_tracked", "([<table>])", A(0, ARGT_TAB), SMP_T_BOOL, SMP_SRC_TRACK, NULL, NULL, "tracked" },
	{ "sc2_tracked", "([<table>])", A(0, ARGT_TAB), SMP_T_BOOL, SMP_SRC_TRACK, NULL, NULL, "tracked" },
	F("sc_get_gpc", "(<idx>,<ctr>[,<table>])", A(2, I, I, ARGT_TAB), SINT, TRACK),
	F("sc_gpc_rate", "(<idx>,<ctr>[,<table>])", A(2, I, I, ARGT_TAB), SINT, TRACK),
	F("sc_inc_gpc", "(<idx>,<ctr>[,<table>])", A(2, I, I, ARGT_TAB), SINT, TRACK),
	F("sc_clr_gpc", "(<idx>,<ctr>[,<table>])", A(2, I, I, ARGT_TAB), SINT, TRACK),
	F("sc_get_gpt", "(<idx>,<ctr>[,<table>])", A(2, I, I, ARGT_TAB), SINT, TRACK),
	F("src_updt_conn_cnt", "([<table>])", A(0, ARGT_TAB), SINT, L4CLI),
	F("src_get_gpc", "(<idx>[,<table>])", A(1, I, ARGT_TAB), SINT, L4CLI),
	F("src_gpc_rate", "(<idx>[,<table>])", A(1, I, ARGT_TAB), SINT, L4CLI),
	F("src_inc_gpc", "(<idx>[,<table>])", A(1, I, ARGT_TAB), SINT, L4CLI),
	F("src_get_gpt", "(<idx>[,<table>])", A(1, I, ARGT_TAB), SINT, L4CLI),

	/* layer 6: request and response contents */
	FR("req.len", "", A0, SINT, L6REQ, smp_fetch_req_len, NULL),
	FR("req_len", "", A0, SINT, L6REQ, smp_fetch_req_len, NULL),
	FR("req.payload", "(<offset>,<length>)", A(2, I, I), BIN, L6REQ, smp_fetch_req_payload, NULL),
	FR("payload", "(<offset>,<length>)", A(2, I, I), BIN, L6REQ, smp_fetch_req_payload, NULL),
	FR("req.ssl_sni", "", A0, STR, L6REQ, smp_fetch_req_ssl_sni, NULL),
	FR("req_ssl_sni", "", A0, STR, L6REQ, smp_fetch_req_ssl_sni, NULL),
	FR("req.ssl_ver", "", A0, SINT, L6REQ, smp_fetch_req_ssl_ver, NULL),
	FR("req_ssl_ver", "", A0, SINT, L6REQ, smp_fetch_req_ssl_ver, NULL),
	FR("req.ssl_hello_type", "", A0, SINT, L6REQ, smp_fetch_req_ssl_hello_type, NULL),
	FR("req_ssl_hello_type", "", A0, SINT, L6REQ, smp_fetch_req_ssl_hello_type, NULL),
	FR("req.ssl_alpn", "", A0, STR, L6REQ, smp_fetch_req_ssl_alpn, NULL),
	F("req.rdp_cookie", "([<name>])", A(0, S), STR, L6REQ),
	F("rdp_cookie", "([<name>])", A(0, S), STR, L6REQ),
	F("req.rdp_cookie_cnt", "([<name>])", A(0, S), SINT, L6REQ),
	F("rdp_cookie_cnt", "([<name>])", A(0, S), SINT, L6REQ),
	F("res.len", "", A0, SINT, L6RES),
	F("res.payload", "(<offset>,<length>)", A(2, I, I), BIN, L6RES),

	/* HTTP request */
	FR("req.proto_http", "", A0, BOOL, HRQHP, smp_fetch_proto_http, NULL),
	FR("method", "", A0, METH, HRQHP, smp_fetch_method, NULL),
	FR("path", "", A0, STR, HRQHP, smp_fetch_path, "p"),
	FR("pathq", "", A0, STR, HRQHP, smp_fetch_path, "q"),
	FR("query", "", A0, STR, HRQHP, smp_fetch_query, NULL),
	FR("url", "", A0, STR, HRQHP, smp_fetch_url, NULL),
	F("url_ip", "", A0, ADDR, HRQHP),
	F("url_port", "", A0, SINT, HRQHP),
	FR("url_param", "([<name>[,<delim>]])", A(0, S, S), STR, HRQHP,
	  smp_fetch_url_param, NULL),
	FR("urlp", "([<name>[,<delim>]])", A(0, S, S), STR, HRQHP, smp_fetch_url_param, NULL),
	FR("urlp_val", "([<name>[,<delim>]])", A(0, S, S), SINT, HRQHP,
	  smp_fetch_url_param, NULL),
	F("url32", "", A0, SINT, HRQHP),
	F("url32+src", "", A0, BIN, HRQHP),
	FR("base", "", A0, STR, HRQHV, smp_fetch_base, NULL),
	F("base32", "", A0, SINT, HRQHV),
	F("base32+src", "", A0, BIN, HRQHV),
	FR("req.ver", "", A0, STR, HRQHP, smp_fetch_ver, "req"),
	FR("req_ver", "", A0, STR, HRQHP, smp_fetch_ver, "req"),
	F("http_first_req", "", A0, BOOL, HRQHP),
	FR("hdr", "([<name>[,<occ>]])", A(0, S, I), STR, HRQHV, smp_fetch_hdr, "req"),
	FR("req.hdr", "([<name>[,<occ>]])", A(0, S, I), STR, HRQHV, smp_fetch_hdr, "req"),
	FR("req.fhdr", "(<name>[,<occ>])", A(1, S, I), STR, HRQHV, smp_fetch_hdr, "reqf"),
	FR("hdr_cnt", "([<name>])", A(0, S), SINT, HRQHV, smp_fetch_hdr_cnt, "req"),
	FR("req.hdr_cnt", "([<name>])", A(0, S), SINT, HRQHV, smp_fetch_hdr_cnt, "req"),
	FR("req.fhdr_cnt", "([<name>])", A(0, S), SINT, HRQHV, smp_fetch_hdr_cnt, "reqf"),
	FR("hdr_ip", "([<name>[,<occ>]])", A(0, S, I), ADDR, HRQHV, smp_fetch_hdr, "req"),
	FR("req.hdr_ip", "([<name>[,<occ>]])", A(0, S, I), ADDR, HRQHV, smp_fetch_hdr, "req"),
	FR("hdr_val", "([<name>[,<occ>]])", A(0, S, I), SINT, HRQHV, smp_fetch_hdr, "req"),
	FR("req.hdr_val", "([<name>[,<occ>]])", A(0, S, I), SINT, HRQHV, smp_fetch_hdr, "req"),
	F("req.hdrs", "", A0, STR, HRQHV),
	F("req.hdr_names", "([<delim>])", A(0, S), STR, HRQHV),
	FR("cook", "([<name>])", A(0, S), STR, HRQHV, smp_fetch_cook, "req"),
	FR("req.cook", "([<name>])", A(0, S), STR, HRQHV, smp_fetch_cook, "req"),
	FR("cook_cnt", "([<name>])", A(0, S), SINT, HRQHV, smp_fetch_cook_cnt, "req"),
	FR("req.cook_cnt", "([<name>])", A(0, S), SINT, HRQHV, smp_fetch_cook_cnt, "req"),
	FR("cook_val", "([<name>])", A(0, S), SINT, HRQHV, smp_fetch_cook, "req"),
	FR("req.cook_val", "([<name>])", A(0, S), SINT, HRQHV, smp_fetch_cook, "req"),
	FR("http_auth", "(<userlist>)", A(1, ARGT_USR), BOOL, HRQHV, smp_fetch_http_auth, NULL),
	FR("http_auth_group", "(<userlist>)", A(1, ARGT_USR), STR, HRQHV,
	   smp_fetch_http_auth_group, NULL),
	FR("http_auth_user", "", A0, STR, HRQHV, smp_fetch_http_auth_cred, "u"),
	FR("http_auth_pass", "", A0, STR, HRQHV, smp_fetch_http_auth_cred, "p"),
	FR("http_auth_type", "", A0, STR, HRQHV, smp_fetch_http_auth_type, NULL),
	F("req.body", "", A0, BIN, HRQBO),
	F("req.body_len", "", A0, SINT, HRQBO),
	F("req.body_size", "", A0, SINT, HRQBO),
	F("req.body_param", "([<name>])", A(0, S), STR, HRQBO),
	/* captures outlive the request, so responses and logs may read them */
	FR("capture.req.hdr", "(<idx>)", A(1, I), STR, INTRN, smp_fetch_capture_hdr, NULL),
	F("capture.req.method", "", A0, STR, INTRN),
	F("capture.req.uri", "", A0, STR, INTRN),
	F("capture.req.ver", "", A0, STR, INTRN),
	FR("capture.res.hdr", "(<idx>)", A(1, I), STR, HRSHV, smp_fetch_capture_hdr, "s"),
	F("capture.res.ver", "", A0, STR, HRSHV),

	/* HTTP response */
	FR("status", "", A0, SINT, HRSHP, smp_fetch_status, NULL),
	FR("res.ver", "", A0, STR, HRSHP, smp_fetch_ver, "res"),
	FR("resp_ver", "", A0, STR, HRSHP, smp_fetch_ver, "res"),
	FR("res.hdr", "([<name>[,<occ>]])", A(0, S, I), STR, HRSHV, smp_fetch_hdr, "res"),
	FR("shdr", "([<name>[,<occ>]])", A(0, S, I), STR, HRSHV, smp_fetch_hdr, "res"),
	FR("res.fhdr", "(<name>[,<occ>])", A(1, S, I), STR, HRSHV, smp_fetch_hdr, "resf"),
	FR("res.hdr_cnt", "([<name>])", A(0, S), SINT, HRSHV, smp_fetch_hdr_cnt, "res"),
	FR("shdr_cnt", "([<name>])", A(0, S), SINT, HRSHV, smp_fetch_hdr_cnt, "res"),
	FR("res.hdr_ip", "([<name>[,<occ>]])", A(0, S, I), ADDR, HRSHV, smp_fetch_hdr, "res"),
	FR("shdr_ip", "([<name>[,<occ>]])", A(0, S, I), ADDR, HRSHV, smp_fetch_hdr, "res"),
	FR("res.hdr_val", "([<name>[,<occ>]])", A(0, S, I), SINT, HRSHV, smp_fetch_hdr, "res"),
	FR("shdr_val", "([<name>[,<occ>]])", A(0, S, I), SINT, HRSHV, smp_fetch_hdr, "res"),
	F("res.hdrs", "", A0, STR, HRSHV),
	FR("res.cook", "([<name>])", A(0, S), STR, HRSHV, smp_fetch_cook, "res"),
	FR("scook", "([<name>])", A(0, S), STR, HRSHV, smp_fetch_cook, "res"),
	FR("res.cook_cnt", "([<name>])", A(0, S), SINT, HRSHV, smp_fetch_cook_cnt, "res"),
	FR("scook_cnt", "([<name>])", A(0, S), SINT, HRSHV, smp_fetch_cook_cnt, "res"),
	FR("res.cook_val", "([<name>])", A(0, S), SINT, HRSHV, smp_fetch_cook, "res"),
	FR("scook_val", "([<name>])", A(0, S), SINT, HRSHV, smp_fetch_cook, "res"),
	F("res.body", "", A0, BIN, HRSHV),
	F("res.body_len", "", A0, SINT, HRSHV),

	/* session statistics, known when the log line is written */
	F("txn.timer.total", "", A0, SINT, SSFIN),
	F("fc_rtt", "", A0, SINT, L4CLI),
};

const int sample_fetches_n = (int)ARRAY_SIZE(sample_fetches);

/* ------------------------------------------------ ACL-only keywords */

#define DERIVED(f, pfx) \
	{ pfx "_beg", f, PAT_MATCH_BEG }, { pfx "_dir", f, PAT_MATCH_DIR }, \
	{ pfx "_dom", f, PAT_MATCH_DOM }, { pfx "_end", f, PAT_MATCH_END }, \
	{ pfx "_len", f, PAT_MATCH_LEN }, { pfx "_reg", f, PAT_MATCH_REG }, \
	{ pfx "_sub", f, PAT_MATCH_SUB }

const struct acl_kw_alias acl_aliases[] = {
	DERIVED("path", "path"),
	DERIVED("pathq", "pathq"),
	DERIVED("url", "url"),
	DERIVED("base", "base"),
	DERIVED("url_param", "urlp"),
	DERIVED("url_param", "url_param"),
	DERIVED("hdr", "hdr"),
	DERIVED("req.hdr", "req.hdr"),
	DERIVED("cook", "cook"),
	DERIVED("req.cook", "req.cook"),
	DERIVED("res.hdr", "shdr"),
	DERIVED("res.hdr", "res.hdr"),
	DERIVED("res.cook", "scook"),
	DERIVED("res.cook", "res.cook"),
	DERIVED("req.ssl_sni", "req.ssl_sni"),
	DERIVED("req.ssl_sni", "req_ssl_sni"),
	DERIVED("ssl_fc_sni", "ssl_fc_sni"),
	DERIVED("env", "env"),
	DERIVED("var", "var"),
	{ "ssl_c_s_dn_reg", "ssl_c_s_dn", PAT_MATCH_REG },
	{ "ssl_c_i_dn_reg", "ssl_c_i_dn", PAT_MATCH_REG },
};

const int acl_aliases_n = (int)ARRAY_SIZE(acl_aliases);

/* ------------------------------------------------ lookups */

const struct sample_fetch_def *sample_fetch_find(const char *name, size_t len)
{
	for (int i = 0; i < sample_fetches_n; i++) {
		const char *n = sample_fetches[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return &sample_fetches[i];
	}
	return NULL;
}

const struct acl_kw_alias *acl_alias_find(const char *name, size_t len)
{
	for (int i = 0; i < acl_aliases_n; i++) {
		const char *n = acl_aliases[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return &acl_aliases[i];
	}
	return NULL;
}

/* A name closer than a third of its length is worth suggesting. */
static void closest_update(const char *name, const char *cand, const char **best, int *bestd)
{
	int d = str_distance(name, cand);
	if (d < *bestd) {
		*bestd = d;
		*best = cand;
	}
}

const char *sample_fetch_closest(const char *name)
{
	const char *best = NULL;
	int bestd = 1000;
	for (int i = 0; i < sample_fetches_n; i++)
		closest_update(name, sample_fetches[i].name, &best, &bestd);
	for (int i = 0; i < acl_aliases_n; i++)
		closest_update(name, acl_aliases[i].name, &best, &bestd);
	return bestd <= (int)strlen(name) / 3 + 1 ? best : NULL;
}
