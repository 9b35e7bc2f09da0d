/*
 * The configuration model: plain data built by the parser (haproxy.cfg or
 * YAML syntax), read by every process after fork.
 *
 *   struct cfg
 *    +-- global          struct cfg_global (all `global` sections merged)
 *    +-- defaults[]      struct proxy_conf, cap PX_CAP_DEF (named or not)
 *    +-- proxies[]       struct proxy_conf: frontend / backend / listen
 *    |     +-- binds[]   struct bind_conf
 *    |     +-- servers[] struct server_conf
 *    |     +-- acls[], rules (acl-t.h, rule-t.h), checks (check-t.h),
 *    |         stick table (stick-t.h), log targets, log format (log-t.h)
 *    +-- userlists[]     struct userlist_conf
 *    +-- http_errors_secs[]  struct http_errors_conf (pages proxies import)
 *    +-- diags[]         every alert, warning and notice of the load
 *
 * Ownership: everything is allocated from cfg->arena and freed with it.
 * A proxy starts as a shallow copy of its defaults section, so strings and
 * lists may be shared: lists are `struct vec`, copied on first append; any
 * other inherited pointer is read-only (replace it, never write through it).
 * Times are milliseconds in an int (HAProxy's limit: 2^31 ms, ~24.8 days);
 * TIME_UNSET means "not configured".
 */
#ifndef WEIR_CFG_T_H
#define WEIR_CFG_T_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "weir/arena.h"

#define TIME_UNSET (-1)

struct cfg;
struct cfg_parser;
struct acl_def;
struct acl_cond;
struct sample_expr;
struct logfmt;
struct stick_table_conf;
struct rule_reply;

/* Where a line came from. `file` points into the model's list of files. */
struct cfg_loc {
	const char *file;
	int line;
};

/* The words of one configuration line after lexing, quotes removed and
 * variables expanded. Kept on objects whose model is a pure function of
 * their line (rules, ACLs), which makes their canonical dump exact. */
struct cfg_words {
	int n;
	char **w;
};

enum cfg_section {
	CFG_SEC_NONE = 0,
	CFG_SEC_GLOBAL = 1 << 0,
	CFG_SEC_DEFAULTS = 1 << 1,
	CFG_SEC_FRONTEND = 1 << 2,
	CFG_SEC_BACKEND = 1 << 3,
	CFG_SEC_LISTEN = 1 << 4,
	CFG_SEC_USERLIST = 1 << 5,
	CFG_SEC_HTTP_ERRORS = 1 << 6,
};
/* The highest section bit, for loops over every section. */
#define CFG_SEC_LAST CFG_SEC_HTTP_ERRORS
#define CFG_SEC_FE (CFG_SEC_DEFAULTS | CFG_SEC_FRONTEND | CFG_SEC_LISTEN)
#define CFG_SEC_BE (CFG_SEC_DEFAULTS | CFG_SEC_BACKEND | CFG_SEC_LISTEN)
#define CFG_SEC_PX (CFG_SEC_DEFAULTS | CFG_SEC_FRONTEND | CFG_SEC_BACKEND | CFG_SEC_LISTEN)
/* Proxies proper, where `defaults` is not allowed (servers, binds, ...). */
#define CFG_SEC_FE_ONLY (CFG_SEC_FRONTEND | CFG_SEC_LISTEN)
#define CFG_SEC_BE_ONLY (CFG_SEC_BACKEND | CFG_SEC_LISTEN)
/* Not a section: in a keyword's `sections`, says that "no <keyword>" is
 * accepted (the parser then sees ctx->line.w[0] == "no"; cfg_is_no()). */
#define CFG_KW_ALLOW_NO (1u << 16)

/* ---------------------------------------------------------------- addresses */

enum cfg_addr_kind {
	CFG_ADDR_NONE = 0,
	CFG_ADDR_INET,      /* IPv4/IPv6 literal or wildcard; `host` may be a name */
	CFG_ADDR_UNIX,      /* unix@path or an absolute path */
	CFG_ADDR_ABNS,      /* abns@name (Linux abstract namespace) */
	CFG_ADDR_FD,        /* fd@N: an inherited file descriptor */
	CFG_ADDR_SOCKPAIR,  /* sockpair@N */
	CFG_ADDR_STDOUT,    /* log targets only */
	CFG_ADDR_STDERR,
};

struct cfg_addr {
	enum cfg_addr_kind kind;
	int family;          /* AF_INET, AF_INET6, AF_UNIX, or AF_UNSPEC for `*`/empty */
	int forced_family;   /* set by ipv4@/ipv6@ prefixes */
	char *text;          /* as written, for messages and dumps */
	char *host;          /* "" for the wildcard; a name is kept unresolved */
	int is_name;         /* host is a DNS name: resolved at startup, never by -c */
	struct sockaddr_storage ss;  /* filled for literals (port of the first one) */
	socklen_t sslen;
	int port;            /* 0 when absent */
	int port_last;       /* == port, or the end of a range */
	int port_offset;     /* server "+N"/"-N" relative ports (port then 0) */
	char *path;          /* unix / abns */
	int fd;              /* fd@ / sockpair@ */
};

/* ---------------------------------------------------------------- SSL */

enum ssl_ver { SSL_VER_ANY = 0, SSL_VER_SSLV3, SSL_VER_TLSV10, SSL_VER_TLSV11,
	       SSL_VER_TLSV12, SSL_VER_TLSV13 };

enum ssl_opt_flag {
	SSL_OPT_NO_SSLV3 = 1 << 0,
	SSL_OPT_NO_TLSV10 = 1 << 1,
	SSL_OPT_NO_TLSV11 = 1 << 2,
	SSL_OPT_NO_TLSV12 = 1 << 3,
	SSL_OPT_NO_TLSV13 = 1 << 4,
	SSL_OPT_NO_TLS_TICKETS = 1 << 5,
	SSL_OPT_PREFER_CLIENT_CIPHERS = 1 << 6,
	SSL_OPT_STRICT_SNI = 1 << 7,
	SSL_OPT_ALLOW_0RTT = 1 << 8,
	SSL_OPT_NO_CA_NAMES = 1 << 9,
};

/* The options shared by `ssl-default-bind-options`, `bind ... ssl` and
 * `server ... ssl`. */
struct ssl_opts {
	unsigned flags;          /* enum ssl_opt_flag */
	enum ssl_ver min_ver, max_ver;
	char *ciphers;           /* TLS <= 1.2 cipher list */
	char *ciphersuites;      /* TLS 1.3 */
	char *curves;
	char *sigalgs;
	char *ecdhe;
	char *client_sigalgs;    /* client-sigalgs / ssl-default-bind-client-sigalgs */
};

/* Not SSL_VERIFY_*: OpenSSL defines SSL_VERIFY_NONE. */
enum ssl_verify { CFG_VERIFY_UNSET = 0, CFG_VERIFY_NONE, CFG_VERIFY_OPTIONAL, CFG_VERIFY_REQUIRED };

/* ---------------------------------------------------------------- logging */

enum log_fmt { LOG_FMT_RFC3164 = 0, LOG_FMT_RFC5424, LOG_FMT_RAW, LOG_FMT_SHORT,
	       LOG_FMT_ISO, LOG_FMT_LOCAL, LOG_FMT_PRIORITY, LOG_FMT_TIMED };

struct log_target {
	struct cfg_loc loc;
	int is_global;           /* `log global`: use the global targets */
	struct cfg_addr addr;    /* UDP host:port, unix path, stdout/stderr */
	enum log_fmt format;
	int maxlen;              /* 0: default (1024) */
	int facility;            /* syslog facility number 0..23 */
	int level;               /* max level sent, -1 all */
	int minlevel;            /* -1 none */
	int sample_range_n;      /* `sample` N:M, 0 when absent */
	int sample_size;
	char *sample_ranges;     /* the ranges of `sample` as written ("1-3,5"), NULL when absent;
				  * sample_range_n counts the indexes they select */
};

/* ---------------------------------------------------------------- binds */

struct bind_conf {
	struct cfg_loc loc;
	struct cfg_words src;
	struct cfg_addr addr;
	char *name;
	int ssl;
	struct vec crts;             /* char *: files or directories */
	char *crt_list;
	char *ca_file;
	char *crl_file;
	enum ssl_verify verify;
	char *alpn;                  /* as written: "h2,http/1.1" */
	char *npn;
	struct ssl_opts ssl_opts;
	int accept_proxy;
	int accept_netscaler_cip;
	int maxconn;
	int backlog;
	char *interface;
	int transparent;
	int v4v6, v6only;
	int defer_accept;
	int tfo;
	int unix_mode;               /* -1 unset */
	char *unix_user, *unix_group;
	int unix_uid, unix_gid;      /* -1 unset */
	int nice;
	int id;
	char *thread;                /* `thread`/`process` as written */
	/* `stats socket` only */
	int level;                   /* enum stats_level */
	int expose_fd_listeners;
	int severity_output;
	/* less common options (src/cfg/kw_bind.c) */
	int mss;                     /* 0 unset */
	int tcp_ut;                  /* ms, 0 unset */
	char *ns;                    /* `namespace` */
	char *proto;
	char *ca_verify_file;
	char *ca_ignore_err, *crt_ignore_err;
	char *ca_sign_file, *ca_sign_pass;
	int generate_certs;
	char *tls_ticket_keys;
};

/* ---------------------------------------------------------------- servers */

enum srv_observe { SRV_OBSERVE_NONE = 0, SRV_OBSERVE_LAYER4, SRV_OBSERVE_LAYER7 };
enum srv_on_error { SRV_ONERR_FASTINTER = 0, SRV_ONERR_FAIL_CHECK, SRV_ONERR_SUDDEN_DEATH,
		    SRV_ONERR_MARK_DOWN };

struct server_conf {
	struct cfg_loc loc;
	char *name;
	struct cfg_addr addr;       /* kind NONE for a default-server */
	int id;                     /* `id`, 0 when automatic */
	int weight;                 /* 0..256, default 1 */
	int maxconn, minconn, maxqueue;
	int backup, disabled;
	char *cookie;
	char *track;                /* backend/server */
	int slowstart;              /* ms, 0 none */
	char *redir;
	int send_proxy, send_proxy_v2;
	/* health check */
	int check;
	int check_ssl;              /* 1 `check-ssl`, -1 `no-check-ssl` (not even over `ssl`), 0 unset */
	int check_send_proxy;
	int inter, fastinter, downinter;
	int rise, fall;
	int check_port;             /* `port`, 0 unset */
	char *check_addr;           /* `addr` */
	char *check_sni;
	char *check_alpn;
	int observe;                /* enum srv_observe */
	int error_limit;
	int on_error;               /* enum srv_on_error */
	int on_marked_down_shutdown, on_marked_up_shutdown_backup;
	/* agent check */
	int agent_check;
	int agent_port;
	char *agent_addr;
	int agent_inter;
	char *agent_send;
	/* TLS to the server */
	int ssl;
	enum ssl_verify verify;
	char *ca_file, *crl_file, *crt;
	char *sni;                  /* sample expression text */
	char *alpn;
	int no_ssl_reuse;
	char *verifyhost;
	struct ssl_opts ssl_opts;
	char *resolvers;
	char *init_addr;
	int resolve_prefer;         /* AF_INET / AF_INET6 / 0 */
	int pool_max_conn;          /* -1 unlimited */
	int pool_purge_delay;
	int tfo;
	struct cfg_words src;       /* own words (without default-server) */
	/* options weir accepts and dumps but does not model yet (namespace,
	 * source, proxy-v2-options, ...): struct cfg_words *, name first */
	struct vec extra;
};

/* ---------------------------------------------------------------- proxies */

enum px_cap { PX_CAP_FE = 1, PX_CAP_BE = 2, PX_CAP_DEF = 4 };
enum px_mode { PX_MODE_TCP = 0, PX_MODE_HTTP, PX_MODE_HEALTH };

enum lb_algo {
	LB_ALGO_ROUNDROBIN = 0, LB_ALGO_STATIC_RR, LB_ALGO_LEASTCONN, LB_ALGO_FIRST,
	LB_ALGO_SOURCE, LB_ALGO_URI, LB_ALGO_URL_PARAM, LB_ALGO_HDR, LB_ALGO_RANDOM,
	LB_ALGO_RDP_COOKIE,
};
enum hash_type { HASH_MAP_BASED = 0, HASH_CONSISTENT };
enum hash_fn { HASH_FN_SDBM = 0, HASH_FN_DJB2, HASH_FN_WT6, HASH_FN_CRC32, HASH_FN_NONE };

struct balance_conf {
	enum lb_algo algo;
	char *arg;                  /* hdr name, url_param name, rdp cookie name */
	int uri_len, uri_depth, uri_whole, uri_path_only;
	int hdr_use_domain_only;
	int random_draws;           /* random(N), default 2 */
	char *check_post;           /* url_param ... check_post */
	enum hash_type hash_type;
	enum hash_fn hash_fn;
	int hash_avalanche;
	struct cfg_words src;
};

enum cookie_mode { COOKIE_NONE = 0, COOKIE_INSERT, COOKIE_REWRITE, COOKIE_PREFIX };

struct cookie_conf {
	char *name;                 /* NULL: no cookie persistence */
	enum cookie_mode mode;
	int indirect, nocache, postonly, preserve, httponly, secure, dynamic;
	char *domain;
	char *attr;
	int maxidle, maxlife;
	struct cfg_words src;
};

enum http_reuse { HTTP_REUSE_SAFE = 0, HTTP_REUSE_NEVER, HTTP_REUSE_AGGRESSIVE, HTTP_REUSE_ALWAYS };

/* `option` flags: each proxy holds the result of every `option X` /
 * `no option X` after inheritance. The table of names is in src/cfg/kw_proxy.c. */
enum px_opt {
	PX_OPT_HTTPLOG = 0, PX_OPT_TCPLOG, PX_OPT_DONTLOGNULL, PX_OPT_DONTLOG_NORMAL,
	PX_OPT_LOG_SEPARATE_ERRORS, PX_OPT_LOG_HEALTH_CHECKS, PX_OPT_HTTP_SERVER_CLOSE,
	PX_OPT_HTTPCLOSE, PX_OPT_HTTP_KEEP_ALIVE, PX_OPT_FORWARDFOR, PX_OPT_REDISPATCH,
	PX_OPT_ABORTONCLOSE, PX_OPT_ALLBACKUPS, PX_OPT_TCPKA, PX_OPT_CLITCPKA, PX_OPT_SRVTCPKA,
	PX_OPT_HTTP_BUFFER_REQUEST, PX_OPT_HTTP_USE_PROXY_HEADER, PX_OPT_HTTP_PRETEND_KEEPALIVE,
	PX_OPT_HTTP_NO_DELAY, PX_OPT_ACCEPT_INVALID_HTTP_REQUEST,
	PX_OPT_ACCEPT_INVALID_HTTP_RESPONSE, PX_OPT_SPLICE_AUTO, PX_OPT_SPLICE_REQUEST,
	PX_OPT_SPLICE_RESPONSE, PX_OPT_NOLINGER, PX_OPT_PERSIST, PX_OPT_PREFER_LAST_SERVER,
	PX_OPT_SOCKET_STATS, PX_OPT_TRANSPARENT, PX_OPT_CONTSTATS, PX_OPT_INDEPSTR,
	PX_OPT_HTTP_IGNORE_PROBES, PX_OPT_LOGASAP, PX_OPT_IDLE_CLOSE_ON_RESPONSE,
	PX_OPT_DISABLE_H2_UPGRADE, PX_OPT_H1_CASE_ADJUST_BOGUS_CLIENT,
	PX_OPT_H1_CASE_ADJUST_BOGUS_SERVER, PX_OPT_CHECKCACHE, PX_OPT_ORIGINALTO,
	/* checks: at most one of these names the proxy's check kind */
	PX_OPT_HTTPCHK, PX_OPT_TCP_CHECK, PX_OPT_SSL_HELLO_CHK, PX_OPT_SMTPCHK,
	PX_OPT_LDAP_CHECK, PX_OPT_MYSQL_CHECK, PX_OPT_PGSQL_CHECK, PX_OPT_REDIS_CHECK,
	PX_OPT_SPOP_CHECK, PX_OPT_EXTERNAL_CHECK,
	PX_OPT__COUNT
};

/* Which check a backend runs, from `option ...-check`/`option httpchk`. */
enum check_kind {
	CHECK_KIND_TCP = 0,        /* plain connect (the default) */
	CHECK_KIND_HTTP,           /* option httpchk + http-check rules */
	CHECK_KIND_TCPCHECK,       /* option tcp-check + tcp-check rules */
	CHECK_KIND_SSL_HELLO, CHECK_KIND_SMTP, CHECK_KIND_LDAP, CHECK_KIND_MYSQL,
	CHECK_KIND_PGSQL, CHECK_KIND_REDIS, CHECK_KIND_SPOP, CHECK_KIND_EXTERNAL,
};

struct timeouts {
	int client, client_fin, server, server_fin, connect, queue, tunnel,
	    http_request, http_keep_alive, tarpit, check;
};

struct forwardfor_conf {
	char *except;               /* network as written, NULL none */
	char *header;               /* NULL: X-Forwarded-For */
	int if_none;
	/* `except`, parsed at load so a request only compares bytes */
	int ex_family;              /* AF_INET, AF_INET6 */
	unsigned char ex_addr[16];
	int ex_bits;
};

/* `errorfile <code> <file>`, in a proxy or an http-errors section. */
struct errorfile_conf {
	int status;
	char *path;                 /* errorfile; NULL for errorloc */
	char *kw;                   /* errorloc, errorloc302, errorloc303 as written */
	char *url;                  /* errorloc's Location */
	char *content;              /* loaded file content (raw HTTP response), or the
				     * redirect errorloc built */
	size_t content_len;
	struct cfg_loc loc;
	const struct rule_reply *reply;  /* the same page as a reply (PAYLOAD_ERRORFILE),
					  * what a proxy's page table points to */
};

struct stats_auth {
	char *user;
	char *pass;
};

struct stats_conf {
	int enabled;
	char *uri;                  /* NULL: not set ("/haproxy?stats" if enabled) */
	int refresh;                /* ms */
	char *realm;
	struct vec auths;           /* struct stats_auth * */
	struct vec admin_conds;     /* struct acl_cond * (stats admin if ...) */
	int show_legends, show_desc_set;
	char *show_node;            /* "" for the local name */
	char *show_desc;
	int hide_version;
	int scope_set;
	struct vec scopes;          /* char * */
	struct vec http_rules;      /* struct cfg_words *: `stats http-request` lines
				     * after the keyword (accepted, kept for dumps) */
};

struct capture_conf {
	int is_response;            /* capture response header */
	char *name;                 /* header name or cookie name */
	int len;
	int is_cookie;
};

/*
 * One proxy: frontend, backend, listen, or a defaults section.
 * Fields marked (FE) matter only with PX_CAP_FE, (BE) only with PX_CAP_BE.
 */
/* `retry-on` conditions (HAProxy's names; statuses are a list of their own). */
#define RETRY_ON_CONN_FAILURE   (1u << 0)
#define RETRY_ON_EMPTY_RESPONSE (1u << 1)
#define RETRY_ON_JUNK_RESPONSE  (1u << 2)
#define RETRY_ON_RESP_TIMEOUT   (1u << 3)
#define RETRY_ON_0RTT_REJECTED  (1u << 4)
#define RETRY_ON_ALL_RETRYABLE  (0x1fu | (1u << 5))

struct proxy_conf {
	char *name;                 /* "" for an anonymous defaults section */
	unsigned cap;               /* enum px_cap */
	struct cfg_loc loc;
	char *from;                 /* name of the defaults it inherits from, NULL: last */
	const struct proxy_conf *defaults;   /* the section actually inherited */
	int id;
	char *description;
	int disabled;               /* `disabled` keyword */
	enum px_mode mode;
	int mode_set;
	int maxconn;                /* (FE) 0: from global */
	int fullconn;               /* (BE) */
	int backlog;
	int retries;                /* default 3 */
	unsigned retry_on;          /* RETRY_ON_* bitmask (conn-failure by default) */
	struct vec retry_on_status; /* int status codes, as intptr_t */
	struct timeouts timeout;
	uint64_t options;           /* bit per enum px_opt */
	uint64_t options_set;       /* explicitly set or cleared here */
	struct forwardfor_conf forwardfor;
	char *originalto_header;
	enum http_reuse http_reuse;
	struct balance_conf balance;
	struct cookie_conf cookie;
	/* (FE) */
	struct vec binds;           /* struct bind_conf * */
	char *default_backend;
	struct vec monitor_uri;     /* struct rule *: `monitor-uri`, `monitor fail` (rule-t.h) */
	/* (BE) */
	struct vec servers;         /* struct server_conf * */
	struct server_conf default_server;   /* template for the servers after it */
	/* rules (item types in rule-t.h / acl-t.h) */
	struct vec acls;            /* struct acl_def * */
	struct vec http_req_rules;
	struct vec http_res_rules;
	struct vec http_after_res_rules;
	struct vec tcp_req_conn_rules;
	struct vec tcp_req_sess_rules;
	struct vec tcp_req_cont_rules;
	struct vec tcp_res_cont_rules;
	int tcp_req_inspect_delay;  /* ms, TIME_UNSET */
	int tcp_res_inspect_delay;
	struct vec switching_rules; /* use_backend */
	struct vec server_rules;    /* use-server, force-persist, ignore-persist */
	struct vec redirect_rules;  /* the `redirect` directive */
	struct vec stick_rules;     /* stick on/match/store-request/store-response */
	struct vec block_rules;
	/* health checks (rule types in check-t.h) */
	enum check_kind check_kind;
	char *httpchk_method, *httpchk_uri, *httpchk_version;
	char *httpchk_extra;        /* deprecated headers after the version */
	struct vec httpchk_hdrs;    /* struct check_hdr * moved out of httpchk_extra */
	char *httpchk_body;         /* body after "\r\n\r\n" in httpchk_extra */
	struct cfg_words check_opt_src; /* the last `option ...check` line (dump) */
	struct vec http_check_rules;
	struct vec tcp_check_rules;
	int http_check_send_state;
	int http_check_disable_on_404;
	char *check_user;           /* mysql-check / pgsql-check user */
	int mysql_check_post41;
	char *smtpchk_verb, *smtpchk_domain;
	char *external_check_command, *external_check_path;
	struct cfg_words httpchk_src;
	/* stick table declared in this proxy (stick-t.h) */
	struct stick_table_conf *table;
	/* logging */
	struct vec logs;            /* struct log_target * */
	char *log_format;           /* as written; for `option httplog` & co. the very
				     * string logfmt_httplog etc. (logfmt.h); NULL: none */
	struct logfmt *log_format_c;    /* compiled (log-t.h) */
	struct cfg_loc log_format_loc;
	char *error_log_format;
	struct logfmt *error_log_format_c;
	char *log_format_sd;        /* `log-format-sd`: RFC 5424 structured data */
	struct logfmt *log_format_sd_c;
	char *log_tag;
	int log_level_normal;       /* unused placeholder */
	char *unique_id_format;
	struct logfmt *unique_id_format_c;
	char *unique_id_header;
	struct vec captures;        /* struct capture_conf * */
	struct vec errorfiles;      /* struct errorfile_conf * */
	struct vec errorfiles_refs; /* struct rule_errorfiles * (rule-t.h) */
	struct vec http_errors;     /* struct rule *: `http-error` (rule-t.h) */
	struct vec error_decls;     /* struct rule_error_decl *: the three above in line
				     * order, inherited ones first (rule-t.h) */
	const struct rule_reply **error_pages;  /* the page of each error status,
				     * resolved from error_decls at the end of the load
				     * (src/proxy/errorfile.c); NULL entry: none here */
	struct stats_conf stats;
	/* hash-balance-factor, server-state-file-name and the like */
	int hash_balance_factor;
	char *server_state_file_name;
	int lb_persist_first_unused;
	struct vec src_lines;       /* struct cfg_words *: every line, for -c summaries */
};

/* ---------------------------------------------------------------- userlists */

struct userlist_user {
	char *name;
	char *password;             /* crypt(3) hash or plain text */
	int insecure;               /* insecure-password (plain) */
	struct vec groups;          /* char * */
	struct cfg_loc loc;
};

struct userlist_group {
	char *name;
	struct vec users;           /* char * */
	struct cfg_loc loc;
};

struct userlist_conf {
	char *name;
	struct cfg_loc loc;
	struct vec users;           /* struct userlist_user * */
	struct vec groups;          /* struct userlist_group * */
};

/* ---------------------------------------------------------------- http-errors */

/* `http-errors <name>`: error pages that proxies import with `errorfiles
 * <name> [codes]`, `http-error status <code> errorfiles <name>` or a
 * reply's `errorfiles <name>`. */
struct http_errors_conf {
	char *name;
	struct cfg_loc loc;
	struct vec pages;           /* struct errorfile_conf *, in line order: the last
				     * one of a status wins, as in a proxy */
};

/* ---------------------------------------------------------------- global */

enum stats_level { STATS_LEVEL_USER = 0, STATS_LEVEL_OPERATOR, STATS_LEVEL_ADMIN };

struct cpu_map_conf {
	char *spec;                 /* e.g. "auto:1/1-4" */
	char *cpus;                 /* e.g. "0-3" */
};

struct cfg_global {
	int maxconn;                /* 0: computed from the file limit */
	int nbthread;               /* worker processes; 0: number of CPUs */
	struct cfg_loc nbthread_loc;
	int nbproc;                 /* accepted for old configs: workers too */
	struct cfg_loc nbproc_loc;
	struct vec cpu_maps;        /* struct cpu_map_conf * */
	int daemon;
	int master_worker;
	char *chroot;
	char *user, *group;
	int uid, gid;               /* -1 unset */
	char *pidfile;
	int hard_stop_after;        /* ms */
	int grace;
	int spread_checks;          /* percent */
	int max_spread_checks;      /* ms */
	char *node;
	char *description;
	char *localpeer;
	char *server_state_file, *server_state_base;
	char *log_tag;
	char *log_send_hostname;
	struct vec logs;            /* struct log_target * */
	struct vec stats_sockets;   /* struct bind_conf * (level, expose-fd) */
	int stats_timeout;          /* ms, default 10s */
	int stats_maxconn;
	int ulimit_n;
	int maxsslconn, maxconnrate, maxsessrate, maxsslrate, maxpipes;
	int nosplice, noepoll, nogetaddrinfo, noreuseport;
	/* tune.* */
	int tune_bufsize;           /* default 16384 */
	int tune_maxrewrite;        /* default 1024 */
	int tune_maxaccept;
	int tune_http_maxhdr;
	int tune_ssl_default_dh_param;
	int tune_ssl_cachesize;
	int tune_ssl_lifetime;      /* seconds */
	int tune_ssl_maxrecord;
	int tune_ssl_capture_buffer_size;
	int tune_ssl_force_private_cache;
	int tune_ssl_keylog;
	int tune_ssl_ctx_cache_size;
	unsigned ssl_tune_set;      /* bit per tune.ssl.* set (src/ssl/ssl_kw.c), 0: defaults */
	int tune_h2_max_concurrent_streams;
	int tune_h2_initial_window_size;
	int tune_listener_multi_queue;    /* on/off, default on */
	int tune_idle_pool_shared;        /* on/off, default on */
	int tune_rcvbuf_client, tune_rcvbuf_server, tune_sndbuf_client, tune_sndbuf_server;
	int tune_pipesize;
	int tune_recv_enough;
	/* TLS defaults */
	struct ssl_opts ssl_bind_defaults;      /* ssl-default-bind-* */
	struct ssl_opts ssl_server_defaults;    /* ssl-default-server-* */
	int ssl_mode_async;
	char *ssl_dh_param_file;
	char *ca_base, *crt_base;
	char *ssl_server_verify;
	int ssl_skip_self_issued_ca;
	int ssl_load_extra_del_ext;
	char *ssl_load_extra_files;
	struct vec setenvs;         /* char *: "NAME=value", applied in order */
	struct vec presetenvs;
	struct vec unsetenvs;
	struct vec resetenvs;
	int h1_case_adjust_set;
	int external_check;
	int insecure_fork_wanted;
	int lua_loads;              /* counted, rejected later */
	int busy_polling;
	int set_dumpable;
	int strict_limits;
	int expose_experimental;
	int profiling_tasks;
	int quiet;
	int debug;
};

/* ---------------------------------------------------------------- diags */

enum cfg_diag_level { CFG_NOTICE = 0, CFG_WARNING, CFG_ALERT };

struct cfg_diag {
	enum cfg_diag_level level;
	struct cfg_loc loc;         /* file NULL: not tied to a line */
	char *msg;
};

/* ---------------------------------------------------------------- the model */

struct cfg {
	struct arena *arena;
	struct cfg_global global;
	struct vec defaults;        /* struct proxy_conf *, in file order */
	struct vec proxies;         /* struct proxy_conf *: fe/be/listen, in file order */
	struct vec sections;        /* struct proxy_conf *: defaults and proxies interleaved,
				     * in file order (what inherits from what) */
	struct vec userlists;       /* struct userlist_conf * */
	struct vec http_errors_secs; /* struct http_errors_conf *: http-errors sections */
	struct vec files;           /* char *: loaded files, in order */
	struct vec diags;           /* struct cfg_diag * */
	int nalerts, nwarnings, nnotices;
	/* load options (command line) */
	int warnings_fatal;         /* -dW */
	int check_only;             /* -c: open files, never bind/connect/resolve */
	int quiet;                  /* -q: keep diags, print none */
	int cli_maxconn;            /* -n */
	int cli_maxconn_default;    /* -N */
	char *localpeer;            /* -L */
	/* src/acl: sample arguments that name objects (tables, backends,
	 * userlists) and are resolved by acl_kw_table.finish. Arena data. */
	struct cfg_parser *parser;  /* the loader's section state (src/cfg/parse.c) */
	void *acl_state;
};

#endif
