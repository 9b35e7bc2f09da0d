/*
 * The keyword tables of every subsystem, listed in src/cfg/kw.c.
 * Each is defined in the subsystem that owns the keywords.
 */
#ifndef WEIR_KWTABLES_H
#define WEIR_KWTABLES_H

#include "weir/cfg.h"

extern const struct cfg_kw_table cfg_global_kw_table;  /* src/cfg/kw_global.c */
extern const struct cfg_kw_table ssl_global_kw_table;  /* src/ssl/ssl_kw.c */
extern const struct cfg_kw_table stats_kw_table;       /* src/stats/stats_kw.c */
extern const struct cfg_kw_table log_kw_table;         /* src/log/log_kw.c */
extern const struct cfg_kw_table cfg_proxy_kw_table;   /* src/cfg/kw_proxy.c */
extern const struct cfg_kw_table bind_kw_table;        /* src/cfg/kw_bind.c */
extern const struct cfg_kw_table lb_kw_table;          /* src/lb/lb_kw.c */
extern const struct cfg_kw_table server_kw_table;      /* src/cfg/kw_server.c */
extern const struct cfg_kw_table check_kw_table;       /* src/check/check_kw.c */
extern const struct cfg_kw_table acl_kw_table;         /* src/acl/acl_kw.c */
extern const struct cfg_kw_table rule_kw_table;        /* src/proxy/rule_kw.c */
extern const struct cfg_kw_table stick_kw_table;       /* src/stick/stick_kw.c */
extern const struct cfg_kw_table userlist_kw_table;    /* src/cfg/kw_userlist.c */
extern const struct cfg_kw_table errorfile_kw_table;   /* src/proxy/errorfile.c */

#endif
