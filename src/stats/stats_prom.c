/*
 * `http-request use-service prometheus-exporter`: HAProxy 2.6's exporter,
 * its metric names, help texts, types and labels (compared by hand with
 * haproxy 2.6's output for the same configuration), in Prometheus' text
 * format 0.0.4. Scopes as HAProxy's: `?scope=global|frontend|backend|
 * server|sticktable` (repeatable; none given: all), `no-maint` leaves out
 * servers in maintenance; an unknown scope is a 400.
 *
 * Runs in the worker that received the request. Reads the segment through
 * the very dumps of the runtime API (`show info`, `show stat`), so the
 * three views never disagree, and writes nothing. A column weir has no
 * figure for yet is "NaN", as HAProxy prints a field it lacks; metrics
 * that only mean something for HTTP proxies or checked servers are left
 * out elsewhere, as in HAProxy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "stats-int.h"
#include "weir/http.h"

#define PROM_MAX_COLS 160

enum prom_kind { PK_PROCESS = 0, PK_FE, PK_BE, PK_SRV };
enum prom_src {
	PS_INFO,          /* a `show info` field */
	PS_BUILD,         /* build_info{version=...} 1 */
	PS_COL,           /* a `show stat` column */
	PS_STATUS,        /* one sample per state, 1 for the current one */
	PS_CHECK_STATUS,  /* one sample per check result */
	PS_HRSP,          /* one sample per status class (hrsp_*) */
	PS_AGG_SRV,       /* a backend's servers counted per state */
	PS_AGG_CHECK,     /* a backend's servers counted per check result */
};
#define PF_SECONDS 0x01   /* the column is in ms */
#define PF_HTTP 0x02      /* HTTP proxies only */
#define PF_CHECKED 0x04   /* servers whose health check runs only */
#define PF_ZERO 0x08      /* an empty column is 0, not NaN */

struct prom_metric {
	const char *name;             /* after haproxy_<kind>_ */
	unsigned char kind;           /* enum prom_kind */
	unsigned char counter;        /* else a gauge */
	unsigned char src;            /* enum prom_src */
	unsigned char flags;          /* PF_* */
	const char *field;            /* the info field or CSV column */
	const char *help;
};

/* HAProxy 2.6's metrics, in its order. */
static const struct prom_metric prom_metrics[] = {
	{ "nbthread", PK_PROCESS, 0, PS_INFO, 0, "Nbthread",
	  "Number of started threads (global.nbthread)" },
	{ "nbproc", PK_PROCESS, 0, PS_INFO, 0, "Nbproc",
	  "Number of started worker processes (historical, always 1)" },
	{ "relative_process_id", PK_PROCESS, 0, PS_INFO, 0, "Process_num",
	  "Relative worker process number (1)" },
	{ "uptime_seconds", PK_PROCESS, 0, PS_INFO, 0, "Uptime_sec",
	  "How long ago this worker process was started (seconds)" },
	{ "pool_failures_total", PK_PROCESS, 1, PS_INFO, 0, "PoolFailed",
	  "Number of failed pool allocations since this worker was started" },
	{ "max_fds", PK_PROCESS, 0, PS_INFO, 0, "Ulimit-n",
	  "Hard limit on the number of per-process file descriptors" },
	{ "max_sockets", PK_PROCESS, 0, PS_INFO, 0, "Maxsock",
	  "Hard limit on the number of per-process sockets" },
	{ "max_connections", PK_PROCESS, 0, PS_INFO, 0, "Maxconn",
	  "Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)" },
	{ "hard_max_connections", PK_PROCESS, 0, PS_INFO, 0, "Hard_maxconn",
	  "Hard limit on the number of per-process connections (imposed by Memmax_MB or Ulimit-n)" },
	{ "current_connections", PK_PROCESS, 0, PS_INFO, 0, "CurrConns",
	  "Current number of connections on this worker process" },
	{ "connections_total", PK_PROCESS, 1, PS_INFO, 0, "CumConns",
	  "Total number of connections on this worker process since started" },
	{ "requests_total", PK_PROCESS, 1, PS_INFO, 0, "CumReq",
	  "Total number of requests on this worker process since started" },
	{ "max_ssl_connections", PK_PROCESS, 0, PS_INFO, 0, "MaxSslConns",
	  "Hard limit on the number of per-process SSL endpoints (front+back), 0=unlimited" },
	{ "current_ssl_connections", PK_PROCESS, 0, PS_INFO, 0, "CurrSslConns",
	  "Current number of SSL endpoints on this worker process (front+back)" },
	{ "ssl_connections_total", PK_PROCESS, 1, PS_INFO, 0, "CumSslConns",
	  "Total number of SSL endpoints on this worker process since started (front+back)" },
	{ "max_pipes", PK_PROCESS, 0, PS_INFO, 0, "Maxpipes",
	  "Hard limit on the number of pipes for splicing, 0=unlimited" },
	{ "pipes_used_total", PK_PROCESS, 1, PS_INFO, 0, "PipesUsed",
	  "Current number of pipes in use in this worker process" },
	{ "pipes_free_total", PK_PROCESS, 1, PS_INFO, 0, "PipesFree",
	  "Current number of allocated and available pipes in this worker process" },
	{ "current_connection_rate", PK_PROCESS, 0, PS_INFO, 0, "ConnRate",
	  "Number of front connections created on this worker process over the last second" },
	{ "limit_connection_rate", PK_PROCESS, 0, PS_INFO, 0, "ConnRateLimit",
	  "Hard limit for ConnRate (global.maxconnrate)" },
	{ "max_connection_rate", PK_PROCESS, 0, PS_INFO, 0, "MaxConnRate",
	  "Highest ConnRate reached on this worker process since started (in connections per second)" },
	{ "current_session_rate", PK_PROCESS, 0, PS_INFO, 0, "SessRate",
	  "Number of sessions created on this worker process over the last second" },
	{ "limit_session_rate", PK_PROCESS, 0, PS_INFO, 0, "SessRateLimit",
	  "Hard limit for SessRate (global.maxsessrate)" },
	{ "max_session_rate", PK_PROCESS, 0, PS_INFO, 0, "MaxSessRate",
	  "Highest SessRate reached on this worker process since started (in sessions per second)" },
	{ "current_ssl_rate", PK_PROCESS, 0, PS_INFO, 0, "SslRate",
	  "Number of SSL connections created on this worker process over the last second" },
	{ "limit_ssl_rate", PK_PROCESS, 0, PS_INFO, 0, "SslRateLimit",
	  "Hard limit for SslRate (global.maxsslrate)" },
	{ "max_ssl_rate", PK_PROCESS, 0, PS_INFO, 0, "MaxSslRate",
	  "Highest SslRate reached on this worker process since started (in connections per second)" },
	{ "current_frontend_ssl_key_rate", PK_PROCESS, 0, PS_INFO, 0, "SslFrontendKeyRate",
	  "Number of SSL keys created on frontends in this worker process over the last second" },
	{ "max_frontend_ssl_key_rate", PK_PROCESS, 0, PS_INFO, 0, "SslFrontendMaxKeyRate",
	  "Highest SslFrontendKeyRate reached on this worker process since started (in SSL keys per second)" },
	{ "frontend_ssl_reuse", PK_PROCESS, 0, PS_INFO, 0, "SslFrontendSessionReuse_pct",
	  "Percent of frontend SSL connections which did not require a new key" },
	{ "current_backend_ssl_key_rate", PK_PROCESS, 0, PS_INFO, 0, "SslBackendKeyRate",
	  "Number of SSL keys created on backends in this worker process over the last second" },
	{ "max_backend_ssl_key_rate", PK_PROCESS, 0, PS_INFO, 0, "SslBackendMaxKeyRate",
	  "Highest SslBackendKeyRate reached on this worker process since started (in SSL keys per second)" },
	{ "ssl_cache_lookups_total", PK_PROCESS, 1, PS_INFO, 0, "SslCacheLookups",
	  "Total number of SSL session ID lookups in the SSL session cache on this worker since started" },
	{ "ssl_cache_misses_total", PK_PROCESS, 1, PS_INFO, 0, "SslCacheMisses",
	  "Total number of SSL session ID lookups that didn't find a session in the SSL session cache on this worker since started" },
	{ "http_comp_bytes_in_total", PK_PROCESS, 1, PS_INFO, 0, "CompressBpsIn",
	  "Number of bytes submitted to the HTTP compressor in this worker process over the last second" },
	{ "http_comp_bytes_out_total", PK_PROCESS, 1, PS_INFO, 0, "CompressBpsOut",
	  "Number of bytes emitted by the HTTP compressor in this worker process over the last second" },
	{ "limit_http_comp", PK_PROCESS, 0, PS_INFO, 0, "CompressBpsRateLim",
	  "Limit of CompressBpsOut beyond which HTTP compression is automatically disabled" },
	{ "current_zlib_memory", PK_PROCESS, 0, PS_INFO, 0, "ZlibMemUsage",
	  "Amount of memory currently used by HTTP compression on the current worker process (in bytes)" },
	{ "max_zlib_memory", PK_PROCESS, 0, PS_INFO, 0, "MaxZlibMemUsage",
	  "Limit on the amount of memory used by HTTP compression above which it is automatically disabled (in bytes, see global.maxzlibmem)" },
	{ "current_tasks", PK_PROCESS, 0, PS_INFO, 0, "Tasks",
	  "Total number of tasks in the current worker process (active + sleeping)" },
	{ "current_run_queue", PK_PROCESS, 0, PS_INFO, 0, "Run_queue",
	  "Total number of active tasks+tasklets in the current worker process" },
	{ "idle_time_percent", PK_PROCESS, 0, PS_INFO, 0, "Idle_pct",
	  "Percentage of last second spent waiting in the current worker thread" },
	{ "stopping", PK_PROCESS, 0, PS_INFO, 0, "Stopping",
	  "1 if the worker process is currently stopping, otherwise zero" },
	{ "jobs", PK_PROCESS, 0, PS_INFO, 0, "Jobs",
	  "Current number of active jobs on the current worker process (frontend connections, master connections, listeners)" },
	{ "unstoppable_jobs", PK_PROCESS, 0, PS_INFO, 0, "Unstoppable Jobs",
	  "Current number of unstoppable jobs on the current worker process (master connections)" },
	{ "listeners", PK_PROCESS, 0, PS_INFO, 0, "Listeners",
	  "Current number of active listeners on the current worker process" },
	{ "active_peers", PK_PROCESS, 0, PS_INFO, 0, "ActivePeers",
	  "Current number of verified active peers connections on the current worker process" },
	{ "connected_peers", PK_PROCESS, 0, PS_INFO, 0, "ConnectedPeers",
	  "Current number of peers having passed the connection step on the current worker process" },
	{ "dropped_logs_total", PK_PROCESS, 1, PS_INFO, 0, "DroppedLogs",
	  "Total number of dropped logs for current worker process since started" },
	{ "busy_polling_enabled", PK_PROCESS, 0, PS_INFO, 0, "BusyPolling",
	  "1 if busy-polling is currently in use on the worker process, otherwise zero (config.busy-polling)" },
	{ "failed_resolutions", PK_PROCESS, 1, PS_INFO, 0, "FailedResolutions",
	  "Total number of failed DNS resolutions in current worker process since started" },
	{ "bytes_out_total", PK_PROCESS, 1, PS_INFO, 0, "TotalBytesOut",
	  "Total number of bytes emitted by current worker process since started" },
	{ "spliced_bytes_out_total", PK_PROCESS, 1, PS_INFO, 0, "TotalSplicdedBytesOut",
	  "Total number of bytes emitted by current worker process through a kernel pipe since started" },
	{ "bytes_out_rate", PK_PROCESS, 0, PS_INFO, 0, "BytesOutRate",
	  "Number of bytes emitted by current worker process over the last second" },
	{ "recv_logs_total", PK_PROCESS, 1, PS_INFO, 0, "CumRecvLogs",
	  "Total number of log messages received by log-forwarding listeners on this worker process since started" },
	{ "build_info", PK_PROCESS, 0, PS_BUILD, 0, NULL,
	  "Build info" },
	{ "max_memory_bytes", PK_PROCESS, 0, PS_INFO, 0, "Memmax_bytes",
	  "Worker process's hard limit on memory usage in byes (-m on command line)" },
	{ "pool_allocated_bytes", PK_PROCESS, 0, PS_INFO, 0, "PoolAlloc_bytes",
	  "Amount of memory allocated in pools (in bytes)" },
	{ "pool_used_bytes", PK_PROCESS, 0, PS_INFO, 0, "PoolUsed_bytes",
	  "Amount of pool memory currently used (in bytes)" },
	{ "start_time_seconds", PK_PROCESS, 0, PS_INFO, 0, "Start_time_sec",
	  "Start time in seconds" },
	{ "current_sessions", PK_FE, 0, PS_COL, 0, "scur",
	  "Number of current sessions on the frontend, backend or server" },
	{ "max_sessions", PK_FE, 0, PS_COL, 0, "smax",
	  "Highest value of current sessions encountered since process started" },
	{ "limit_sessions", PK_FE, 0, PS_COL, 0, "slim",
	  "Frontend/listener/server's maxconn, backend's fullconn" },
	{ "sessions_total", PK_FE, 1, PS_COL, 0, "stot",
	  "Total number of sessions since process started" },
	{ "bytes_in_total", PK_FE, 1, PS_COL, 0, "bin",
	  "Total number of request bytes since process started" },
	{ "bytes_out_total", PK_FE, 1, PS_COL, 0, "bout",
	  "Total number of response bytes since process started" },
	{ "requests_denied_total", PK_FE, 1, PS_COL, 0, "dreq",
	  "Total number of denied requests since process started" },
	{ "responses_denied_total", PK_FE, 1, PS_COL, 0, "dresp",
	  "Total number of denied responses since process started" },
	{ "request_errors_total", PK_FE, 1, PS_COL, 0, "ereq",
	  "Total number of invalid requests since process started" },
	{ "status", PK_FE, 0, PS_STATUS, 0, "status",
	  "Current status of the service, per state label value." },
	{ "limit_session_rate", PK_FE, 0, PS_COL, 0, "rate_lim",
	  "Limit on the number of sessions accepted in a second (frontend only, 'rate-limit sessions' setting)" },
	{ "max_session_rate", PK_FE, 0, PS_COL, 0, "rate_max",
	  "Highest value of sessions per second observed since the worker process started" },
	{ "http_responses_total", PK_FE, 1, PS_HRSP, PF_HTTP, NULL,
	  "Total number of HTTP responses with status 100-199 returned by this object since the worker process started" },
	{ "http_requests_rate_max", PK_FE, 0, PS_COL, PF_HTTP, "req_rate_max",
	  "Highest value of http requests observed since the worker process started" },
	{ "http_requests_total", PK_FE, 1, PS_COL, PF_HTTP, "req_tot",
	  "Total number of HTTP requests processed by this object since the worker process started" },
	{ "http_comp_bytes_in_total", PK_FE, 1, PS_COL, PF_HTTP, "comp_in",
	  "Total number of bytes submitted to the HTTP compressor for this object since the worker process started" },
	{ "http_comp_bytes_out_total", PK_FE, 1, PS_COL, PF_HTTP, "comp_out",
	  "Total number of bytes emitted by the HTTP compressor for this object since the worker process started" },
	{ "http_comp_bytes_bypassed_total", PK_FE, 1, PS_COL, PF_HTTP, "comp_byp",
	  "Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)" },
	{ "http_comp_responses_total", PK_FE, 1, PS_COL, PF_HTTP, "comp_rsp",
	  "Total number of HTTP responses that were compressed for this object since the worker process started" },
	{ "connections_rate_max", PK_FE, 0, PS_COL, 0, "conn_rate_max",
	  "Highest value of connections per second observed since the worker process started" },
	{ "connections_total", PK_FE, 1, PS_COL, 0, "conn_tot",
	  "Total number of new connections accepted on this frontend since the worker process started" },
	{ "intercepted_requests_total", PK_FE, 1, PS_COL, PF_HTTP, "intercepted",
	  "Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started" },
	{ "denied_connections_total", PK_FE, 1, PS_COL, 0, "dcon",
	  "Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started" },
	{ "denied_sessions_total", PK_FE, 1, PS_COL, 0, "dses",
	  "Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started" },
	{ "failed_header_rewriting_total", PK_FE, 1, PS_COL, 0, "wrew",
	  "Total number of failed HTTP header rewrites since the worker process started" },
	{ "http_cache_lookups_total", PK_FE, 1, PS_COL, PF_HTTP, "cache_lookups",
	  "Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started" },
	{ "http_cache_hits_total", PK_FE, 1, PS_COL, PF_HTTP, "cache_hits",
	  "Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started" },
	{ "internal_errors_total", PK_FE, 1, PS_COL, 0, "eint",
	  "Total number of internal errors since process started" },
	{ "current_queue", PK_BE, 0, PS_COL, 0, "qcur",
	  "Number of current queued connections" },
	{ "max_queue", PK_BE, 0, PS_COL, 0, "qmax",
	  "Highest value of queued connections encountered since process started" },
	{ "current_sessions", PK_BE, 0, PS_COL, 0, "scur",
	  "Number of current sessions on the frontend, backend or server" },
	{ "max_sessions", PK_BE, 0, PS_COL, 0, "smax",
	  "Highest value of current sessions encountered since process started" },
	{ "limit_sessions", PK_BE, 0, PS_COL, 0, "slim",
	  "Frontend/listener/server's maxconn, backend's fullconn" },
	{ "sessions_total", PK_BE, 1, PS_COL, 0, "stot",
	  "Total number of sessions since process started" },
	{ "bytes_in_total", PK_BE, 1, PS_COL, 0, "bin",
	  "Total number of request bytes since process started" },
	{ "bytes_out_total", PK_BE, 1, PS_COL, 0, "bout",
	  "Total number of response bytes since process started" },
	{ "requests_denied_total", PK_BE, 1, PS_COL, 0, "dreq",
	  "Total number of denied requests since process started" },
	{ "responses_denied_total", PK_BE, 1, PS_COL, 0, "dresp",
	  "Total number of denied responses since process started" },
	{ "connection_errors_total", PK_BE, 1, PS_COL, 0, "econ",
	  "Total number of failed connections to server since the worker process started" },
	{ "response_errors_total", PK_BE, 1, PS_COL, 0, "eresp",
	  "Total number of invalid responses since the worker process started" },
	{ "retry_warnings_total", PK_BE, 1, PS_COL, 0, "wretr",
	  "Total number of server connection retries since the worker process started" },
	{ "redispatch_warnings_total", PK_BE, 1, PS_COL, 0, "wredis",
	  "Total number of server redispatches due to connection failures since the worker process started" },
	{ "status", PK_BE, 0, PS_STATUS, 0, "status",
	  "Current status of the service, per state label value." },
	{ "weight", PK_BE, 0, PS_COL, 0, "weight",
	  "Server's effective weight, or sum of active servers' effective weights for a backend" },
	{ "active_servers", PK_BE, 0, PS_COL, 0, "act",
	  "Total number of active UP servers with a non-zero weight" },
	{ "backup_servers", PK_BE, 0, PS_COL, 0, "bck",
	  "Total number of backup UP servers with a non-zero weight" },
	{ "check_up_down_total", PK_BE, 1, PS_COL, 0, "chkdown",
	  "Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started" },
	{ "check_last_change_seconds", PK_BE, 0, PS_COL, 0, "lastchg",
	  "How long ago the last server state changed, in seconds" },
	{ "downtime_seconds_total", PK_BE, 1, PS_COL, 0, "downtime",
	  "Total time spent in DOWN state, for server or backend" },
	{ "loadbalanced_total", PK_BE, 1, PS_COL, 0, "lbtot",
	  "Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)" },
	{ "max_session_rate", PK_BE, 0, PS_COL, 0, "rate_max",
	  "Highest value of sessions per second observed since the worker process started" },
	{ "http_responses_total", PK_BE, 1, PS_HRSP, PF_HTTP, NULL,
	  "Total number of HTTP responses with status 100-199 returned by this object since the worker process started" },
	{ "http_requests_total", PK_BE, 1, PS_COL, PF_HTTP, "req_tot",
	  "Total number of HTTP requests processed by this object since the worker process started" },
	{ "client_aborts_total", PK_BE, 1, PS_COL, 0, "cli_abrt",
	  "Total number of requests or connections aborted by the client since the worker process started" },
	{ "server_aborts_total", PK_BE, 1, PS_COL, 0, "srv_abrt",
	  "Total number of requests or connections aborted by the server since the worker process started" },
	{ "http_comp_bytes_in_total", PK_BE, 1, PS_COL, PF_HTTP, "comp_in",
	  "Total number of bytes submitted to the HTTP compressor for this object since the worker process started" },
	{ "http_comp_bytes_out_total", PK_BE, 1, PS_COL, PF_HTTP, "comp_out",
	  "Total number of bytes emitted by the HTTP compressor for this object since the worker process started" },
	{ "http_comp_bytes_bypassed_total", PK_BE, 1, PS_COL, PF_HTTP, "comp_byp",
	  "Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)" },
	{ "http_comp_responses_total", PK_BE, 1, PS_COL, PF_HTTP, "comp_rsp",
	  "Total number of HTTP responses that were compressed for this object since the worker process started" },
	{ "last_session_seconds", PK_BE, 0, PS_COL, 0, "lastsess",
	  "How long ago some traffic was seen on this object on this worker process, in seconds" },
	{ "queue_time_average_seconds", PK_BE, 0, PS_COL, PF_SECONDS, "qtime",
	  "Avg. queue time for last 1024 successful connections." },
	{ "connect_time_average_seconds", PK_BE, 0, PS_COL, PF_SECONDS, "ctime",
	  "Avg. connect time for last 1024 successful connections." },
	{ "response_time_average_seconds", PK_BE, 0, PS_COL, PF_SECONDS, "rtime",
	  "Avg. response time for last 1024 successful connections." },
	{ "total_time_average_seconds", PK_BE, 0, PS_COL, PF_SECONDS, "ttime",
	  "Avg. total time for last 1024 successful connections." },
	{ "failed_header_rewriting_total", PK_BE, 1, PS_COL, 0, "wrew",
	  "Total number of failed HTTP header rewrites since the worker process started" },
	{ "connection_attempts_total", PK_BE, 1, PS_COL, 0, "connect",
	  "Total number of outgoing connection attempts on this backend/server since the worker process started" },
	{ "connection_reuses_total", PK_BE, 1, PS_COL, 0, "reuse",
	  "Total number of reused connection on this backend/server since the worker process started" },
	{ "http_cache_lookups_total", PK_BE, 1, PS_COL, PF_HTTP, "cache_lookups",
	  "Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started" },
	{ "http_cache_hits_total", PK_BE, 1, PS_COL, PF_HTTP, "cache_hits",
	  "Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started" },
	{ "max_queue_time_seconds", PK_BE, 0, PS_COL, PF_SECONDS, "qtime_max",
	  "Maximum observed time spent in the queue" },
	{ "max_connect_time_seconds", PK_BE, 0, PS_COL, PF_SECONDS, "ctime_max",
	  "Maximum observed time spent waiting for a connection to complete" },
	{ "max_response_time_seconds", PK_BE, 0, PS_COL, PF_SECONDS, "rtime_max",
	  "Maximum observed time spent waiting for a server response" },
	{ "max_total_time_seconds", PK_BE, 0, PS_COL, PF_SECONDS, "ttime_max",
	  "Maximum observed total request+response time (request+queue+connect+response+processing)" },
	{ "internal_errors_total", PK_BE, 1, PS_COL, 0, "eint",
	  "Total number of internal errors since process started" },
	{ "uweight", PK_BE, 0, PS_COL, 0, "uweight",
	  "Server's user weight, or sum of active servers' user weights for a backend" },
	{ "agg_server_status", PK_BE, 0, PS_AGG_SRV, 0, "status",
	  "Backend's aggregated gauge of servers' status" },
	{ "agg_server_check_status", PK_BE, 0, PS_AGG_SRV, 0, "status",
	  "Backend's aggregated gauge of servers' state check status" },
	{ "agg_check_status", PK_BE, 0, PS_AGG_CHECK, 0, "check_status",
	  "Backend's aggregated gauge of servers' state check status" },
	{ "current_queue", PK_SRV, 0, PS_COL, 0, "qcur",
	  "Number of current queued connections" },
	{ "max_queue", PK_SRV, 0, PS_COL, 0, "qmax",
	  "Highest value of queued connections encountered since process started" },
	{ "current_sessions", PK_SRV, 0, PS_COL, 0, "scur",
	  "Number of current sessions on the frontend, backend or server" },
	{ "max_sessions", PK_SRV, 0, PS_COL, 0, "smax",
	  "Highest value of current sessions encountered since process started" },
	{ "limit_sessions", PK_SRV, 0, PS_COL, 0, "slim",
	  "Frontend/listener/server's maxconn, backend's fullconn" },
	{ "sessions_total", PK_SRV, 1, PS_COL, 0, "stot",
	  "Total number of sessions since process started" },
	{ "bytes_in_total", PK_SRV, 1, PS_COL, 0, "bin",
	  "Total number of request bytes since process started" },
	{ "bytes_out_total", PK_SRV, 1, PS_COL, 0, "bout",
	  "Total number of response bytes since process started" },
	{ "responses_denied_total", PK_SRV, 1, PS_COL, 0, "dresp",
	  "Total number of denied responses since process started" },
	{ "connection_errors_total", PK_SRV, 1, PS_COL, 0, "econ",
	  "Total number of failed connections to server since the worker process started" },
	{ "response_errors_total", PK_SRV, 1, PS_COL, 0, "eresp",
	  "Total number of invalid responses since the worker process started" },
	{ "retry_warnings_total", PK_SRV, 1, PS_COL, 0, "wretr",
	  "Total number of server connection retries since the worker process started" },
	{ "redispatch_warnings_total", PK_SRV, 1, PS_COL, 0, "wredis",
	  "Total number of server redispatches due to connection failures since the worker process started" },
	{ "status", PK_SRV, 0, PS_STATUS, 0, "status",
	  "Current status of the service, per state label value." },
	{ "weight", PK_SRV, 0, PS_COL, 0, "weight",
	  "Server's effective weight, or sum of active servers' effective weights for a backend" },
	{ "check_failures_total", PK_SRV, 1, PS_COL, 0, "chkfail",
	  "Total number of failed individual health checks per server/backend, since the worker process started" },
	{ "check_up_down_total", PK_SRV, 1, PS_COL, 0, "chkdown",
	  "Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started" },
	{ "check_last_change_seconds", PK_SRV, 0, PS_COL, 0, "lastchg",
	  "How long ago the last server state changed, in seconds" },
	{ "downtime_seconds_total", PK_SRV, 1, PS_COL, 0, "downtime",
	  "Total time spent in DOWN state, for server or backend" },
	{ "queue_limit", PK_SRV, 0, PS_COL, 0, "qlimit",
	  "Limit on the number of connections in queue, for servers only (maxqueue argument)" },
	{ "current_throttle", PK_SRV, 0, PS_COL, 0, "throttle",
	  "Throttling ratio applied to a server's maxconn and weight during the slowstart period (0 to 100%)" },
	{ "loadbalanced_total", PK_SRV, 1, PS_COL, 0, "lbtot",
	  "Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)" },
	{ "max_session_rate", PK_SRV, 0, PS_COL, 0, "rate_max",
	  "Highest value of sessions per second observed since the worker process started" },
	{ "check_status", PK_SRV, 0, PS_CHECK_STATUS, PF_CHECKED, "check_status",
	  "Status of last health check, per state label value." },
	{ "check_code", PK_SRV, 0, PS_COL, PF_CHECKED | PF_ZERO, "check_code",
	  "layer5-7 code, if available of the last health check." },
	{ "check_duration_seconds", PK_SRV, 0, PS_COL, PF_SECONDS | PF_CHECKED, "check_duration",
	  "Total duration of the latest server health check, in seconds." },
	{ "http_responses_total", PK_SRV, 1, PS_HRSP, PF_HTTP, NULL,
	  "Total number of HTTP responses with status 100-199 returned by this object since the worker process started" },
	{ "client_aborts_total", PK_SRV, 1, PS_COL, 0, "cli_abrt",
	  "Total number of requests or connections aborted by the client since the worker process started" },
	{ "server_aborts_total", PK_SRV, 1, PS_COL, 0, "srv_abrt",
	  "Total number of requests or connections aborted by the server since the worker process started" },
	{ "last_session_seconds", PK_SRV, 0, PS_COL, 0, "lastsess",
	  "How long ago some traffic was seen on this object on this worker process, in seconds" },
	{ "queue_time_average_seconds", PK_SRV, 0, PS_COL, PF_SECONDS, "qtime",
	  "Avg. queue time for last 1024 successful connections." },
	{ "connect_time_average_seconds", PK_SRV, 0, PS_COL, PF_SECONDS, "ctime",
	  "Avg. connect time for last 1024 successful connections." },
	{ "response_time_average_seconds", PK_SRV, 0, PS_COL, PF_SECONDS, "rtime",
	  "Avg. response time for last 1024 successful connections." },
	{ "total_time_average_seconds", PK_SRV, 0, PS_COL, PF_SECONDS, "ttime",
	  "Avg. total time for last 1024 successful connections." },
	{ "failed_header_rewriting_total", PK_SRV, 1, PS_COL, 0, "wrew",
	  "Total number of failed HTTP header rewrites since the worker process started" },
	{ "connection_attempts_total", PK_SRV, 1, PS_COL, 0, "connect",
	  "Total number of outgoing connection attempts on this backend/server since the worker process started" },
	{ "connection_reuses_total", PK_SRV, 1, PS_COL, 0, "reuse",
	  "Total number of reused connection on this backend/server since the worker process started" },
	{ "idle_connections_current", PK_SRV, 0, PS_COL, 0, "srv_icur",
	  "Current number of idle connections available for reuse on this server" },
	{ "idle_connections_limit", PK_SRV, 0, PS_COL, 0, "src_ilim",
	  "Limit on the number of available idle connections on this server (server 'pool_max_conn' directive)" },
	{ "max_queue_time_seconds", PK_SRV, 0, PS_COL, PF_SECONDS, "qtime_max",
	  "Maximum observed time spent in the queue" },
	{ "max_connect_time_seconds", PK_SRV, 0, PS_COL, PF_SECONDS, "ctime_max",
	  "Maximum observed time spent waiting for a connection to complete" },
	{ "max_response_time_seconds", PK_SRV, 0, PS_COL, PF_SECONDS, "rtime_max",
	  "Maximum observed time spent waiting for a server response" },
	{ "max_total_time_seconds", PK_SRV, 0, PS_COL, PF_SECONDS, "ttime_max",
	  "Maximum observed total request+response time (request+queue+connect+response+processing)" },
	{ "internal_errors_total", PK_SRV, 1, PS_COL, 0, "eint",
	  "Total number of internal errors since process started" },
	{ "unsafe_idle_connections_current", PK_SRV, 0, PS_COL, 0, "idle_conn_cur",
	  "Current number of unsafe idle connections" },
	{ "safe_idle_connections_current", PK_SRV, 0, PS_COL, 0, "safe_conn_cur",
	  "Current number of safe idle connections" },
	{ "used_connections_current", PK_SRV, 0, PS_COL, 0, "used_conn_cur",
	  "Current number of connections in use" },
	{ "need_connections_current", PK_SRV, 0, PS_COL, 0, "need_conn_est",
	  "Estimated needed number of connections" },
	{ "uweight", PK_SRV, 0, PS_COL, 0, "uweight",
	  "Server's user weight, or sum of active servers' user weights for a backend" },
};

static const char *const prom_kind_name[] = { "process", "frontend", "backend", "server" };
static const char *const px_states[] = { "DOWN", "UP" };
static const char *const srv_states[] = { "DOWN", "UP", "MAINT", "DRAIN", "NOLB" };
static const char *const chk_states[] = {
	"HANA", "SOCKERR", "L4OK", "L4TOUT", "L4CON", "L6OK", "L6TOUT", "L6RSP", "L7TOUT",
	"L7RSP", "L7OK", "L7OKC", "L7STS", "PROCERR", "PROCTOUT", "PROCOK",
};
static const char *const hrsp_codes[] = { "1xx", "2xx", "3xx", "4xx", "5xx", "other" };
#define N_SRV_STATES ARRAY_SIZE(srv_states)
#define N_CHK_STATES ARRAY_SIZE(chk_states)

/* ------------------------------------------------------------ the dumps */

struct prom_row {
	char **f;
	int nf;
	const char *px, *sv;          /* pxname, svname */
	int checked;                  /* a check_status: its health check runs */
	int kind;                     /* PK_FE, PK_BE, PK_SRV */
	int http;                     /* mode http */
	int state;                    /* index in srv_states / px_states */
	int chk;                      /* index in chk_states, -1 none */
	int agg;                      /* PK_BE: its entry in prom_dump.aggs, -1 none */
};

struct prom_agg {
	const char *px;
	unsigned srv[N_SRV_STATES], chk[N_CHK_STATES];
};

struct prom_dump {
	struct sbuf info, csv;
	char *names[PROM_MAX_COLS];
	int ncols;
	int i_hrsp[ARRAY_SIZE(hrsp_codes)];   /* hrsp_* columns, looked up once */
	struct prom_row *rows;
	int nrows;
	struct prom_agg *aggs;
	int naggs;
};

static int col_index(const struct prom_dump *d, const char *name)
{
	for (int i = 0; i < d->ncols; i++)
		if (strcmp(d->names[i], name) == 0)
			return i;
	return -1;
}

static const char *row_col(const struct prom_row *r, int i)
{
	return i >= 0 && i < r->nf ? r->f[i] : "";
}

static int word_index(const char *w, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w, words[i]) == 0)
			return (int)i;
	return -1;
}

/* HAProxy's state of a server from its status column: "no check" and
 * "UP 1/3" are UP, "DOWN (agent)" DOWN, "MAINT (via x/y)" MAINT. */
static int srv_state(const char *st)
{
	static const struct { const char *prefix; int state; } map[] = {
		{ "MAINT", 2 }, { "DRAIN", 3 }, { "NOLB", 4 }, { "UP", 1 }, { "no check", 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strncmp(st, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].state;
	return 0;
}

static struct prom_agg *agg_of(struct prom_dump *d, const char *px)
{
	if (d->naggs && strcmp(d->aggs[d->naggs - 1].px, px) == 0)
		return &d->aggs[d->naggs - 1];
	d->aggs = xrealloc(d->aggs, (size_t)(d->naggs + 1) * sizeof(*d->aggs));
	d->aggs[d->naggs] = (struct prom_agg){ .px = px };
	return &d->aggs[d->naggs++];
}

/* The CSV's rows, split in place, with what the metrics ask of each. In
 * `show stat` a backend's servers come just before its BACKEND row. */
static void dump_rows(struct prom_dump *d)
{
	char *csv = d->csv.s;
	char *nl = csv ? strchr(csv, '\n') : NULL;
	if (!nl || csv[0] != '#')
		return;
	*nl = '\0';
	stats_split_fields(csv + 2, d->names, &d->ncols, PROM_MAX_COLS);
	int i_type = col_index(d, "type"), i_mode = col_index(d, "mode");
	int i_status = col_index(d, "status"), i_chk = col_index(d, "check_status");
	int i_px = col_index(d, "pxname"), i_sv = col_index(d, "svname");
	char name[16];
	for (size_t i = 0; i < ARRAY_SIZE(hrsp_codes); i++) {
		snprintf(name, sizeof(name), "hrsp_%s", hrsp_codes[i]);
		d->i_hrsp[i] = col_index(d, name);
	}
	for (char *line = nl + 1; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		struct prom_row r = { .f = xcalloc(PROM_MAX_COLS, sizeof(char *)), .agg = -1 };
		stats_split_fields(line, r.f, &r.nf, PROM_MAX_COLS);
		r.kind = atoi(row_col(&r, i_type)) + PK_FE;
		r.http = strcmp(row_col(&r, i_mode), "http") == 0;
		r.px = row_col(&r, i_px);
		r.sv = row_col(&r, i_sv);
		const char *st = row_col(&r, i_status), *chk = row_col(&r, i_chk);
		r.checked = *chk != '\0';
		if (r.kind == PK_SRV)
			r.state = srv_state(st);
		else
			r.state = strcmp(st, "UP") == 0 || strcmp(st, "OPEN") == 0;
		if (strncmp(chk, "* ", 2) == 0)
			chk += 2;
		r.chk = word_index(chk, chk_states, N_CHK_STATES);
		if (r.kind == PK_SRV) {
			struct prom_agg *a = agg_of(d, r.px);
			a->srv[r.state]++;
			if (r.chk >= 0)
				a->chk[r.chk]++;
		} else if (r.kind == PK_BE) {
			struct prom_agg *a = agg_of(d, r.px);
			r.agg = (int)(a - d->aggs);
		}
		d->rows = xrealloc(d->rows, (size_t)(d->nrows + 1) * sizeof(*d->rows));
		d->rows[d->nrows++] = r;
	}
}

static void dump_take(struct weir_proc *p, struct prom_dump *d)
{
	char show[] = "show", stat[] = "stat", info[] = "info";
	char *argv_stat[] = { show, stat }, *argv_info[] = { show, info };
	struct stats_ctx c = { .p = p, .shm = p->shm, .level = STATS_LEVEL_USER,
			       .argc = 2, .argv = argv_info, .out = &d->info };
	stats_info_show(&c);
	c.argv = argv_stat;
	c.out = &d->csv;
	stats_csv_show(&c);
	dump_rows(d);
}

static void dump_free(struct prom_dump *d)
{
	for (int i = 0; i < d->nrows; i++)
		free(d->rows[i].f);
	free(d->rows);
	free(d->aggs);
	sbuf_free(&d->info);
	sbuf_free(&d->csv);
}

/* A `show info` field's value, NULL when weir does not report it. */
static const char *info_field(const struct prom_dump *d, const char *name, size_t *len)
{
	size_t n = strlen(name);
	for (const char *l = d->info.s; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t ll = end ? (size_t)(end - l) : strlen(l);
		if (ll > n + 1 && memcmp(l, name, n) == 0 && l[n] == ':') {
			const char *v = l + n + 1;
			while (*v == ' ')
				v++;
			*len = (size_t)(l + ll - v);
			return v;
		}
		l = end ? end + 1 : l + ll;
	}
	return NULL;
}

/* ------------------------------------------------------------ output */

static void put_label(struct sbuf *o, const char *name, const char *v, int first)
{
	sbuf_printf(o, "%s%s=\"", first ? "" : ",", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			sbuf_addc(o, '\\');
		if (*v == '\n')
			sbuf_adds(o, "\\n");
		else
			sbuf_addc(o, *v);
	}
	sbuf_addc(o, '"');
}

/* name{proxy="..."[,server="..."][,<extra>="<value>"]} */
static void put_sample_head(struct sbuf *o, const struct prom_metric *m, const struct prom_dump *d,
			    const struct prom_row *r, const char *extra, const char *xval)
{
	sbuf_printf(o, "haproxy_%s_%s", prom_kind_name[m->kind], m->name);
	if (!r && !extra)
		return;
	sbuf_addc(o, '{');
	if (r) {
		put_label(o, "proxy", r->px, 1);
		if (r->kind == PK_SRV)
			put_label(o, "server", r->sv, 0);
	}
	if (extra)
		put_label(o, extra, xval, !r);
	sbuf_addc(o, '}');
}

static void put_value(struct sbuf *o, const struct prom_metric *m, const char *v)
{
	if (!*v && (m->flags & PF_ZERO))
		v = "0";
	if (!*v)
		sbuf_adds(o, " NaN\n");
	else if (m->flags & PF_SECONDS)
		sbuf_printf(o, " %.6f\n", strtod(v, NULL) / 1000.0);
	else
		sbuf_printf(o, " %s\n", v);
}

static void put_states(struct sbuf *o, const struct prom_metric *m, const struct prom_dump *d,
		       const struct prom_row *r, const char *const *words, size_t n,
		       const unsigned *counts, int current)
{
	for (size_t i = 0; i < n; i++) {
		put_sample_head(o, m, d, r, "state", words[i]);
		sbuf_printf(o, " %u\n", counts ? counts[i] : (unsigned)((int)i == current));
	}
}

static void put_row(struct sbuf *o, const struct prom_metric *m, const struct prom_dump *d,
		    const struct prom_row *r, int col)
{
	switch (m->src) {
	case PS_COL:
		put_sample_head(o, m, d, r, NULL, NULL);
		put_value(o, m, row_col(r, col));
		break;
	case PS_STATUS:
		if (r->kind == PK_SRV)
			put_states(o, m, d, r, srv_states, N_SRV_STATES, NULL, r->state);
		else
			put_states(o, m, d, r, px_states, ARRAY_SIZE(px_states), NULL, r->state);
		break;
	case PS_CHECK_STATUS:
		put_states(o, m, d, r, chk_states, N_CHK_STATES, NULL, r->chk);
		break;
	case PS_HRSP:
		for (size_t i = 0; i < ARRAY_SIZE(hrsp_codes); i++) {
			put_sample_head(o, m, d, r, "code", hrsp_codes[i]);
			put_value(o, m, row_col(r, d->i_hrsp[i]));
		}
		break;
	case PS_AGG_SRV:
	case PS_AGG_CHECK:
		if (r->agg < 0)
			break;
		if (m->src == PS_AGG_SRV)
			put_states(o, m, d, r, srv_states, N_SRV_STATES, d->aggs[r->agg].srv, -1);
		else
			put_states(o, m, d, r, chk_states, N_CHK_STATES, d->aggs[r->agg].chk, -1);
		break;
	default:
		break;
	}
}

static void put_process(struct sbuf *o, const struct prom_metric *m, const struct prom_dump *d)
{
	if (m->src == PS_BUILD) {
		put_sample_head(o, m, d, NULL, "version", PACKAGE_VERSION);
		sbuf_adds(o, " 1\n");
		return;
	}
	size_t n = 0;
	const char *v = info_field(d, m->field, &n);
	put_sample_head(o, m, d, NULL, NULL, NULL);
	if (v)
		sbuf_printf(o, " %.*s\n", (int)n, v);
	else
		sbuf_adds(o, " NaN\n");
}

struct prom_opts {
	unsigned scopes;              /* 1 << enum prom_kind */
	int no_maint;
};

static void put_metric(struct sbuf *o, const struct prom_metric *m, const struct prom_dump *d,
		       const struct prom_opts *opt)
{
	sbuf_printf(o, "# HELP haproxy_%s_%s %s\n# TYPE haproxy_%s_%s %s\n",
		    prom_kind_name[m->kind], m->name, m->help, prom_kind_name[m->kind], m->name,
		    m->counter ? "counter" : "gauge");
	if (m->kind == PK_PROCESS) {
		put_process(o, m, d);
		return;
	}
	int col = m->field && m->src == PS_COL ? col_index(d, m->field) : -1;
	for (int i = 0; i < d->nrows; i++) {
		const struct prom_row *r = &d->rows[i];
		if (r->kind != m->kind || ((m->flags & PF_HTTP) && !r->http) ||
		    ((m->flags & PF_CHECKED) && !r->checked) ||
		    (opt->no_maint && r->kind == PK_SRV && r->state == 2))
			continue;
		put_row(o, m, d, r, col);
	}
}

/* ------------------------------------------------------------ request */

/* The query string's scope= and no-maint, HAProxy's: 0, or -1 for an
 * unknown scope. */
static int parse_query(const struct http_msg *req, struct prom_opts *o)
{
	static const struct { const char *word; unsigned bits; } scopes[] = {
		{ "global", 1u << PK_PROCESS }, { "frontend", 1u << PK_FE },
		{ "backend", 1u << PK_BE }, { "server", 1u << PK_SRV }, { "sticktable", 0 },
	};
	const char *t;
	size_t n;
	*o = (struct prom_opts){ .scopes = ~0u };
	stats_req_target(req, &t, &n);
	const char *q = memchr(t, '?', n);
	if (!q)
		return 0;
	int scoped = 0;
	for (const char *p = q + 1, *end = t + n; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);
		if (len == 8 && memcmp(p, "no-maint", 8) == 0) {
			o->no_maint = 1;
		} else if (len >= 6 && memcmp(p, "scope=", 6) == 0) {
			if (!scoped)
				o->scopes = 0;
			scoped = 1;
			size_t vl = len - 6;
			int found = vl == 0;
			for (size_t i = 0; i < ARRAY_SIZE(scopes) && !found; i++)
				if (strlen(scopes[i].word) == vl && memcmp(p + 6, scopes[i].word, vl) == 0) {
					o->scopes |= scopes[i].bits;
					found = 1;
				}
			if (!found)
				return -1;
		}
		p += len + 1;
	}
	return 0;
}

int stats_prom_serve(struct weir_proc *p, const struct http_msg *req, int close, struct sbuf *out)
{
	struct prom_opts opt;
	if (parse_query(req, &opt) < 0)
		return 400;
	struct prom_dump d = { .ncols = 0 };
	struct sbuf body = { 0 };
	dump_take(p, &d);
	for (size_t i = 0; i < ARRAY_SIZE(prom_metrics); i++)
		if (opt.scopes & (1u << prom_metrics[i].kind))
			put_metric(&body, &prom_metrics[i], &d, &opt);
	dump_free(&d);
	sbuf_printf(out, "HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: text/plain; "
		    "version=0.0.4\r\ncontent-length: %zu\r\n%s\r\n", body.len,
		    close ? "connection: close\r\n" : "");
	if (body.len && req->meth != HTTP_METH_HEAD)
		sbuf_add(out, body.s, body.len);
	sbuf_free(&body);
	return 200;
}
