/*
 * The counters, declared once. WEIR_COUNTERS is the single table from which
 * everything else is derived: the struct fields of the shared segment
 * (shm-t.h), the `show stat` CSV columns they fill, and the Prometheus
 * metric names. Adding a counter is one line here.
 *
 * X(field, col, L, F, B, S, store, prom, label, help)
 *   field  C field name, which is also the `show stat` CSV column name
 *   col    the column's position in HAProxy 2.6's `show stat` (management
 *          guide, 9.1 "CSV format"; 0 is pxname)
 *   L F B S  1 when listeners / frontends / backends / servers have it
 *          (the [LFBS] of the management guide)
 *   store  how it is kept in the segment and who writes it:
 *          SUM   per-worker shard, plain stores by its worker; readers sum
 *          SMAX  per-worker shard holding the worker's own maximum or last
 *                value; readers take the maximum over the shards
 *          RATE  per-worker frequency counter (struct shm_freq); readers sum
 *                the shards' rates
 *          GAUGE one value in the object's record, updated with atomics by
 *                every writer: for what must be exact across workers (current
 *                sessions and queue, that `maxconn`/`leastconn` rely on)
 *          AVG   per-worker shard holding a running mean in ms (struct
 *                shm_avg: exact over the first 1024 samples, then sliding
 *                over about the last 1024, HAProxy's window); readers weigh
 *                the shards by their samples
 *          GMAX  one value in the record, raised with an atomic max. The
 *                rate maxima are raised by the stats process, which sums
 *                the shards' rates once a second (no worker sees the
 *                daemon-wide rate on its own)
 *   prom   HAProxy's Prometheus exporter name after its
 *          haproxy_frontend_ / haproxy_backend_ / haproxy_server_ prefix
 *          (listeners: haproxy_listener_); "" when the exporter has none
 *   label  a label distinguishing several columns under one metric
 *          ("code=\"2xx\""), or ""
 *   help   the metric's HELP text
 *
 * Only counters are here. The state columns of `show stat` (status, weight,
 * act, bck, lastchg, downtime, check_status, ...) come from the state fields
 * of the records in shm-t.h and belong to the stats process's column table.
 */
#ifndef WEIR_COUNTERS_H
#define WEIR_COUNTERS_H

#include <stdint.h>

#define WEIR_COUNTERS(X) \
	X(qcur, 2, 0, 0, 1, 1, GAUGE, "current_queue", "", \
	  "Number of current queued connections.") \
	X(qmax, 3, 0, 0, 1, 1, GMAX, "max_queue", "", \
	  "Highest value of queued connections encountered since process started.") \
	X(scur, 4, 1, 1, 1, 1, GAUGE, "current_sessions", "", \
	  "Number of current sessions.") \
	X(smax, 5, 1, 1, 1, 1, GMAX, "max_sessions", "", \
	  "Highest value of current sessions encountered since process started.") \
	X(stot, 7, 1, 1, 1, 1, SUM, "sessions_total", "", \
	  "Total number of sessions.") \
	X(bin, 8, 1, 1, 1, 1, SUM, "bytes_in_total", "", \
	  "Total number of request bytes since process started.") \
	X(bout, 9, 1, 1, 1, 1, SUM, "bytes_out_total", "", \
	  "Total number of response bytes since process started.") \
	X(dreq, 10, 1, 1, 1, 0, SUM, "requests_denied_total", "", \
	  "Total number of denied requests since process started.") \
	X(dresp, 11, 1, 1, 1, 1, SUM, "responses_denied_total", "", \
	  "Total number of denied responses since process started.") \
	X(ereq, 12, 1, 1, 0, 0, SUM, "request_errors_total", "", \
	  "Total number of invalid requests since process started.") \
	X(econ, 13, 0, 0, 1, 1, SUM, "connection_errors_total", "", \
	  "Total number of failed connections to server since the worker process started.") \
	X(eresp, 14, 0, 0, 1, 1, SUM, "response_errors_total", "", \
	  "Total number of invalid responses since the worker process started.") \
	X(wretr, 15, 0, 0, 1, 1, SUM, "retry_warnings_total", "", \
	  "Total number of server connection retries since the worker process started.") \
	X(wredis, 16, 0, 0, 1, 1, SUM, "redispatch_warnings_total", "", \
	  "Total number of server redispatches due to connection failures since the worker process started.") \
	X(chkfail, 21, 0, 0, 0, 1, GAUGE, "check_failures_total", "", \
	  "Total number of failed individual health checks per server/backend, since the worker process started.") \
	X(chkdown, 22, 0, 0, 1, 1, GAUGE, "check_up_down_total", "", \
	  "Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started.") \
	X(lbtot, 30, 0, 0, 1, 1, SUM, "loadbalanced_total", "", \
	  "Total number of requests routed by load balancing since the worker process started.") \
	X(rate, 33, 0, 1, 1, 1, RATE, "current_session_rate", "", \
	  "Current number of sessions per second over last elapsed second.") \
	X(rate_max, 35, 0, 1, 1, 1, GMAX, "max_session_rate", "", \
	  "Highest value of sessions per second observed since the worker process started.") \
	X(hrsp_1xx, 39, 0, 1, 1, 1, SUM, "http_responses_total", "code=\"1xx\"", \
	  "Total number of HTTP responses.") \
	X(hrsp_2xx, 40, 0, 1, 1, 1, SUM, "http_responses_total", "code=\"2xx\"", \
	  "Total number of HTTP responses.") \
	X(hrsp_3xx, 41, 0, 1, 1, 1, SUM, "http_responses_total", "code=\"3xx\"", \
	  "Total number of HTTP responses.") \
	X(hrsp_4xx, 42, 0, 1, 1, 1, SUM, "http_responses_total", "code=\"4xx\"", \
	  "Total number of HTTP responses.") \
	X(hrsp_5xx, 43, 0, 1, 1, 1, SUM, "http_responses_total", "code=\"5xx\"", \
	  "Total number of HTTP responses.") \
	X(hrsp_other, 44, 0, 1, 1, 1, SUM, "http_responses_total", "code=\"other\"", \
	  "Total number of HTTP responses.") \
	X(hanafail, 45, 0, 0, 0, 1, GAUGE, "", "", \
	  "Failed health analyses (observe), each one an on-error action.") \
	X(req_rate, 46, 0, 1, 0, 0, RATE, "", "", \
	  "Current number of HTTP requests per second over last elapsed second.") \
	X(req_rate_max, 47, 0, 1, 0, 0, GMAX, "http_requests_rate_max", "", \
	  "Highest value of http requests observed since the worker process started.") \
	X(req_tot, 48, 0, 1, 1, 0, SUM, "http_requests_total", "", \
	  "Total number of HTTP requests processed since the worker process started.") \
	X(cli_abrt, 49, 0, 0, 1, 1, SUM, "client_aborts_total", "", \
	  "Total number of requests or connections aborted by the client since the worker process started.") \
	X(srv_abrt, 50, 0, 0, 1, 1, SUM, "server_aborts_total", "", \
	  "Total number of requests or connections aborted by the server since the worker process started.") \
	X(comp_in, 51, 0, 1, 1, 0, SUM, "http_comp_bytes_in_total", "", \
	  "Total number of bytes submitted to the HTTP compressor since the worker process started.") \
	X(comp_out, 52, 0, 1, 1, 0, SUM, "http_comp_bytes_out_total", "", \
	  "Total number of bytes emitted by the HTTP compressor since the worker process started.") \
	X(comp_byp, 53, 0, 1, 1, 0, SUM, "http_comp_bytes_bypassed_total", "", \
	  "Total number of bytes that bypassed HTTP compression since the worker process started (CPU/memory/bandwidth limitation).") \
	X(comp_rsp, 54, 0, 1, 1, 0, SUM, "http_comp_responses_total", "", \
	  "Total number of HTTP responses that were compressed since the worker process started.") \
	X(lastsess, 55, 0, 0, 1, 1, SMAX, "last_session_seconds", "", \
	  "Number of seconds since last session assigned to server/backend.") \
	X(qtime, 58, 0, 0, 1, 1, AVG, "queue_time_average_seconds", "", \
	  "Avg. queue time for last 1024 successful connections.") \
	X(ctime, 59, 0, 0, 1, 1, AVG, "connect_time_average_seconds", "", \
	  "Avg. connect time for last 1024 successful connections.") \
	X(rtime, 60, 0, 0, 1, 1, AVG, "response_time_average_seconds", "", \
	  "Avg. response time for last 1024 successful connections.") \
	X(ttime, 61, 0, 0, 1, 1, AVG, "total_time_average_seconds", "", \
	  "Avg. total time for last 1024 successful connections.") \
	X(conn_rate, 77, 0, 1, 0, 0, RATE, "", "", \
	  "Current number of connections per second over last elapsed second.") \
	X(conn_rate_max, 78, 0, 1, 0, 0, GMAX, "connections_rate_max", "", \
	  "Highest value of connections per second observed since the worker process started.") \
	X(conn_tot, 79, 0, 1, 0, 0, SUM, "connections_total", "", \
	  "Total number of new connections.") \
	X(intercepted, 80, 0, 1, 0, 0, SUM, "intercepted_requests_total", "", \
	  "Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started.") \
	X(dcon, 81, 1, 1, 0, 0, SUM, "denied_connections_total", "", \
	  "Total number of requests denied by \"tcp-request connection\" rules since the worker process started.") \
	X(dses, 82, 1, 1, 0, 0, SUM, "denied_sessions_total", "", \
	  "Total number of requests denied by \"tcp-request session\" rules since the worker process started.") \
	X(wrew, 83, 1, 1, 1, 1, SUM, "failed_header_rewriting_total", "", \
	  "Total number of failed HTTP header rewrites since the worker process started.") \
	X(connect, 84, 0, 0, 1, 1, SUM, "connection_attempts_total", "", \
	  "Total number of outgoing connection attempts on this backend/server since the worker process started.") \
	X(reuse, 85, 0, 0, 1, 1, SUM, "connection_reuses_total", "", \
	  "Total number of reused connection on this backend/server since the worker process started.") \
	X(cache_lookups, 86, 0, 1, 1, 0, SUM, "http_cache_lookups_total", "", \
	  "Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started.") \
	X(cache_hits, 87, 0, 1, 1, 0, SUM, "http_cache_hits_total", "", \
	  "Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started.") \
	X(qtime_max, 90, 0, 0, 1, 1, SMAX, "max_queue_time_seconds", "", \
	  "Maximum observed time spent in the queue") \
	X(ctime_max, 91, 0, 0, 1, 1, SMAX, "max_connect_time_seconds", "", \
	  "Maximum observed time spent waiting for a connection to complete") \
	X(rtime_max, 92, 0, 0, 1, 1, SMAX, "max_response_time_seconds", "", \
	  "Maximum observed time spent waiting for a server response") \
	X(ttime_max, 93, 0, 0, 1, 1, SMAX, "max_total_time_seconds", "", \
	  "Maximum observed total request+response time (request+queue+connect+response+processing)") \
	X(eint, 94, 1, 1, 1, 1, SUM, "internal_errors_total", "", \
	  "Total number of internal errors since process started.") \
	X(idle_conn_cur, 95, 0, 0, 0, 1, SUM, "idle_connections_current", "", \
	  "Current number of idle connections available for reuse") \
	X(used_conn_cur, 97, 0, 0, 0, 1, SUM, "used_connections_current", "", \
	  "Current number of connections in use")

/* One id per counter: SHM_CTR_scur, ... */
enum shm_counter {
#define SHM__CTR_ENUM(f, ...) SHM_CTR_##f,
	WEIR_COUNTERS(SHM__CTR_ENUM)
#undef SHM__CTR_ENUM
	SHM_CTR__COUNT
};

/* The object kinds that carry counters; also the bits of shm_counter_desc.kinds. */
enum shm_kind { SHM_KIND_LI = 0, SHM_KIND_FE, SHM_KIND_BE, SHM_KIND_SRV, SHM_KIND__COUNT };

enum shm_store { SHM_STORE_SUM = 0, SHM_STORE_SMAX, SHM_STORE_RATE, SHM_STORE_GAUGE,
		 SHM_STORE_GMAX, SHM_STORE_AVG };

/* A counter as data: what stats and the Prometheus exporter iterate over. */
struct shm_counter_desc {
	const char *name;         /* CSV column name */
	int col;                  /* position in `show stat` */
	unsigned kinds;           /* bit (1 << enum shm_kind) per kind that has it */
	enum shm_store store;
	const char *prom;         /* metric name after the kind prefix, "" none */
	const char *label;
	const char *help;
	/* byte offset of the field, per kind: in that kind's shard struct for
	 * SUM/SMAX/RATE, in its record's counter block for GAUGE/GMAX; -1 when
	 * the kind does not have the counter */
	int off[SHM_KIND__COUNT];
};

extern const struct shm_counter_desc shm_counters[SHM_CTR__COUNT];

/* The Prometheus prefix of a kind: "haproxy_frontend_", ... */
const char *shm_kind_prom_prefix(enum shm_kind kind);

/*
 * A frequency counter over one-second periods, as HAProxy's rate columns
 * report. Owned by one worker (plain stores); readers in other processes
 * may see a torn update, which costs one event in a statistic.
 */
struct shm_freq {
	uint32_t sec;             /* the period curr counts (seconds) */
	uint32_t curr;            /* events in that period */
	uint32_t prev;            /* events in the period before it */
	uint32_t pad;
};

#endif
