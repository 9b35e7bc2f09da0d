/*
 * Internal interfaces of the run-time half of src/acl/: the fetch and
 * converter functions the registries point to (sample_fetch.c,
 * sample_conv.c), the HTTP helpers they share, and the IP index of
 * pattern lists. Runs in the workers, except pat_list_index() (master,
 * load time).
 */
#ifndef WEIR_SMP_RT_INT_H
#define WEIR_SMP_RT_INT_H

#include "weir/arena.h"
#include "weir/sample-rt.h"

#define SMP_FN(n) int n(const struct sample_arg *args, int nargs, struct smp_val *smp, \
			struct smp_ctx *c, const char *param)

/* ------------------------------------------------ fetches (smp_fetch_rt.c) */
SMP_FN(smp_fetch_const);
SMP_FN(smp_fetch_date);
SMP_FN(smp_fetch_date_us);
SMP_FN(smp_fetch_env);
SMP_FN(smp_fetch_uuid);
SMP_FN(smp_fetch_var);
SMP_FN(smp_fetch_rand);
SMP_FN(smp_fetch_pid);
SMP_FN(smp_fetch_px_conn);
SMP_FN(smp_fetch_nbsrv);
SMP_FN(smp_fetch_px_id);
SMP_FN(smp_fetch_px_name);
SMP_FN(smp_fetch_addr);
SMP_FN(smp_fetch_port);
SMP_FN(smp_fetch_ssl_fc);

/* ------------------------------------------------ layer 6 (smp_l6_rt.c) */
SMP_FN(smp_fetch_req_len);
SMP_FN(smp_fetch_req_payload);
SMP_FN(smp_fetch_req_ssl_hello_type);
SMP_FN(smp_fetch_req_ssl_ver);
SMP_FN(smp_fetch_req_ssl_sni);
SMP_FN(smp_fetch_req_ssl_alpn);

/* ------------------------------------------------ HTTP fetches (smp_http_rt.c) */
SMP_FN(smp_fetch_proto_http);
SMP_FN(smp_fetch_method);
SMP_FN(smp_fetch_capture_hdr);
SMP_FN(smp_fetch_path);
SMP_FN(smp_fetch_query);
SMP_FN(smp_fetch_url);
SMP_FN(smp_fetch_url_param);
SMP_FN(smp_fetch_base);
SMP_FN(smp_fetch_ver);
SMP_FN(smp_fetch_hdr);
SMP_FN(smp_fetch_hdr_cnt);
SMP_FN(smp_fetch_cook);
SMP_FN(smp_fetch_cook_cnt);
SMP_FN(smp_fetch_status);
SMP_FN(smp_fetch_http_auth);
SMP_FN(smp_fetch_http_auth_group);
SMP_FN(smp_fetch_http_auth_cred);
SMP_FN(smp_fetch_http_auth_type);

/* ------------------------------------------------ converters (smp_conv_rt.c) */
SMP_FN(smp_conv_case);
SMP_FN(smp_conv_hex);
SMP_FN(smp_conv_base64);
SMP_FN(smp_conv_time);
SMP_FN(smp_conv_field);
SMP_FN(smp_conv_ipmask);
SMP_FN(smp_conv_length);
SMP_FN(smp_conv_json);
SMP_FN(smp_conv_url_dec);
SMP_FN(smp_conv_map);
SMP_FN(smp_conv_set_var);
SMP_FN(smp_conv_same);

/* ------------------------------------------------ shared helpers */

/* The request or response message a fetch reads, by its `param` ("req",
 * "res"); NULL when absent. */
const struct http_msg *smp_http_msg(struct smp_ctx *c, const char *param);
/* Sets smp to the string span [p, p+n) of read-only data. */
void smp_set_str(struct smp_val *smp, const char *p, size_t n);
/* The record of the proxy an argument names (or the current one, when
 * arg is NULL): BE or FE index in the segment, -1 none. */
int smp_px_rec(struct smp_ctx *c, const struct sample_arg *arg, int backend);

/* ------------------------------------------------ IP index (pat_index.c) */

/* The IP patterns of a list, ready for lookup: IPv4 hosts in a sorted
 * array, the networks in two path-compressed prefix trees, IPv4 (with the
 * IPv6 patterns inside ::ffff:0:0/96) and IPv6, giving the longest
 * matching prefix, the first pattern in file order on equal prefixes.
 * Arena arrays, nodes linked by index (pat_index.c). */
struct ipt_node;
struct pat_ipidx {
	uint32_t *host;                 /* host-order IPv4 addresses, sorted */
	int32_t *host_pat;              /* their index in pat */
	int nhost;
	const struct ipt_node *v4, *v6;
	uint32_t root4, root6;          /* UINT32_MAX: an empty tree */
	uint32_t n4, n6;                /* nodes */
	const struct pattern **pat;     /* the list's patterns, in file order */
};

/* Builds list->idx from list->pats when list->match is IP (arena owned). */
void pat_list_index(struct arena *a, struct pat_list *list);
const struct pattern *pat_ipidx_lookup(const struct pat_ipidx *x, const struct smp_val *v);
/* Is v in the network of IP pattern p? (acl_rt.c) */
int pat_ip_match(const struct pattern *p, const struct smp_val *v);

/* The per-process PCRE2 match data and random generator (smp_rt.c). */
void *smp_match_data(void);
uint64_t smp_rand64(void);

#endif
