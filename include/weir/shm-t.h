/*
 * The shared-memory segment: one per configuration generation, laid out by
 * the master from the configuration (src/shm/layout.c), created before the
 * first fork (src/shm/segment.c) and mapped MAP_SHARED by every process.
 * Children never allocate in it. Every reference inside it is a byte offset
 * from the segment's base, never a pointer: the segment may be mapped at a
 * different address after the master re-execs on reload.
 *
 *   offset 0 +------------------------------------------------+
 *            | struct shm_header                              |  master
 *            |  magic "WEIRSHM\0", layout version, generation,|
 *            |  total size, nworkers, and one shm_region      |
 *            |  {off, size, count, stride} per region below   |
 *            +------------------------------------------------+
 *            | PROC    shm_proc[1 + nworkers + 2]             |  master (heartbeat:
 *            |         slot 0 master, 1..N workers, checker,  |   the slot's process)
 *            |         stats                                  |
 *            +------------------------------------------------+
 *            | FE      shm_fe[nfe]      frontends and listens |  state: master
 *            | BE      shm_be[nbe]      backends and listens  |  up counts: checker
 *            | SRV     shm_srv[nsrv]    all servers, grouped  |  see struct shm_srv
 *            |                          by backend, in order  |
 *            | LI      shm_li[nli]      listeners (binds)     |  master
 *            |   each record: config-derived fields, then its |
 *            |   GAUGE/GMAX counters in their own cache line  |  atomics, any process
 *            +------------------------------------------------+
 *            | STICK   shm_stick[nstick] table descriptors    |  master (lock, LRU
 *            |                                                |   heads: workers)
 *            +------------------------------------------------+
 *            | NAMES   NUL-terminated names, by 32-bit offset |  master, then r/o
 *            |         (before the large regions below)       |
 *            +------------------------------------------------+
 *            | SHARDS  nworkers blocks of shard_block bytes,  |  worker w writes
 *            |         each block page aligned:               |   block w only,
 *            |    +-- shm_fe_shard[nfe]                       |   plain stores
 *            |    +-- shm_be_shard[nbe]                       |
 *            |    +-- shm_srv_shard[nsrv]                     |
 *            |    +-- shm_li_shard[nli]                       |
 *            +------------------------------------------------+
 *            | STDATA  per table: buckets (uint32[nbuckets]), |  workers (table
 *            |         then entries (entry_size * capacity)   |   implementation)
 *            +------------------------------------------------+  total_size (page
 *                                                                 multiple)
 *
 * Every record is 64-byte aligned and padded, so no two records share a
 * cache line, and the hot atomics of a record sit in a line of their own.
 * A worker's shards lie in its own pages (first touch puts them on its NUMA
 * node) and never share a cache line with another worker's.
 *
 * Names are in the segment because the re-exec'd master carries admin
 * states and weights over from the old segment by name, after the old
 * configuration is gone.
 */
#ifndef WEIR_SHM_T_H
#define WEIR_SHM_T_H

#include <stddef.h>
#include <stdint.h>

#include "weir/counters.h"
#include "weir/stick-t.h"

#define SHM_MAGIC 0x004d485352494557ULL   /* "WEIRSHM\0" little endian */
/* Bump whenever any struct in this file changes. */
#define SHM_LAYOUT_VERSION 11
#define SHM_ALIGN 64
#define SHM_PAGE 4096
#define SHM_MAX_WORKERS 1024
#define SHM_ALIGNED __attribute__((aligned(SHM_ALIGN)))

enum shm_region_id {
	SHM_R_PROC = 0, SHM_R_FE, SHM_R_BE, SHM_R_SRV, SHM_R_LI, SHM_R_STICK,
	SHM_R_SHARDS, SHM_R_STDATA, SHM_R_NAMES, SHM_R__COUNT
};

struct shm_region {
	uint64_t off;             /* from the base, SHM_ALIGN multiple */
	uint64_t size;            /* bytes */
	uint32_t count;           /* records (SHARDS: workers; NAMES, STDATA: 0) */
	uint32_t stride;          /* bytes per record (SHARDS: per worker block) */
};

/* --------------------------------------------------------------- header */

enum shm_seg_state { SHM_SEG_INIT = 0, SHM_SEG_READY, SHM_SEG_DRAINING };

/* Written by the master before the first fork; `state` changes later
 * (master only). */
struct shm_header {
	uint64_t magic;
	uint32_t layout_version;
	uint32_t header_size;
	uint64_t generation;
	uint64_t total_size;
	uint64_t created_ms;      /* wall clock, ms since the epoch */
	uint32_t state;           /* enum shm_seg_state */
	uint32_t nworkers;
	uint32_t nproc, nfe, nbe, nsrv, nli, nstick;
	/* inside each worker's shard block, where each kind's shards begin */
	uint32_t shard_off[SHM_KIND__COUNT];
	uint32_t shard_size[SHM_KIND__COUNT];   /* sizeof one shard of that kind */
	struct shm_region region[SHM_R__COUNT];
	/* Daemon-wide live connections (global `maxconn` holds across every
	 * worker): atomics, in a cache line of their own. */
	uint64_t actconn SHM_ALIGNED;
	uint64_t maxconn_reached;     /* times a worker paused accepting */
	/* `shutdown sessions server`: stats increments a server's kill_seq,
	 * then this (release); each worker polls it, in a line of its own so
	 * the polls share it with nothing that moves per connection */
	uint64_t kill_gen SHM_ALIGNED;
} SHM_ALIGNED;

/* --------------------------------------------------------- process table */

enum shm_role { SHM_ROLE_NONE = 0, SHM_ROLE_MASTER, SHM_ROLE_WORKER, SHM_ROLE_CHECKER,
		SHM_ROLE_STATS };

/* One slot per process of this generation. The master writes every field
 * but `heartbeat`, which the slot's own process stores (monotonic ms) from
 * its event loop so the master can tell a stuck child from a busy one. */
struct shm_proc {
	uint32_t role;            /* enum shm_role */
	uint32_t worker;          /* workers: 0..nworkers-1, the shard block index */
	int32_t pid;              /* 0: slot not running */
	uint32_t restarts;
	uint64_t generation;
	uint64_t start_ms;        /* wall clock */
	uint64_t heartbeat;       /* monotonic ms; the child itself */
	uint64_t log_drops;       /* log lines it could not send; the child, each second */
} SHM_ALIGNED;

/* ------------------------------------------------------ generated counters */

#define SHM__IF_0(...)
#define SHM__IF_1(...) __VA_ARGS__
#define SHM__CAT(a, b) SHM__CAT_(a, b)
#define SHM__CAT_(a, b) a##b

/* An AVG counter's shard: the sum of its samples (ms) and how many it
 * holds, at most SHM_AVG_SAMPLES; the mean is sum / n. */
#define SHM_AVG_SAMPLES 1024
struct shm_avg {
	uint64_t sum;
	uint64_t n;
};

#define SHM__SHARD_SUM(f) uint64_t f;
#define SHM__SHARD_AVG(f) struct shm_avg f;
#define SHM__REC_AVG(f)
#define SHM__SHARD_SMAX(f) uint64_t f;
#define SHM__SHARD_RATE(f) struct shm_freq f;
#define SHM__SHARD_GAUGE(f)
#define SHM__SHARD_GMAX(f)
#define SHM__REC_SUM(f)
#define SHM__REC_SMAX(f)
#define SHM__REC_RATE(f)
#define SHM__REC_GAUGE(f) uint64_t f;
#define SHM__REC_GMAX(f) uint64_t f;

#define SHM__SH_LI(f, c, L, F, B, S, st, ...) SHM__CAT(SHM__IF_, L)(SHM__SHARD_##st(f))
#define SHM__SH_FE(f, c, L, F, B, S, st, ...) SHM__CAT(SHM__IF_, F)(SHM__SHARD_##st(f))
#define SHM__SH_BE(f, c, L, F, B, S, st, ...) SHM__CAT(SHM__IF_, B)(SHM__SHARD_##st(f))
#define SHM__SH_SRV(f, c, L, F, B, S, st, ...) SHM__CAT(SHM__IF_, S)(SHM__SHARD_##st(f))
#define SHM__RC_LI(f, c, L, F, B, S, st, ...) SHM__CAT(SHM__IF_, L)(SHM__REC_##st(f))
#define SHM__RC_FE(f, c, L, F, B, S, st, ...) SHM__CAT(SHM__IF_, F)(SHM__REC_##st(f))
#define SHM__RC_BE(f, c, L, F, B, S, st, ...) SHM__CAT(SHM__IF_, B)(SHM__REC_##st(f))
#define SHM__RC_SRV(f, c, L, F, B, S, st, ...) SHM__CAT(SHM__IF_, S)(SHM__REC_##st(f))

/* Per-worker shards: SUM, SMAX and RATE counters of one object, written by
 * one worker only (shm_shard_add() and friends in shm.h). */
struct shm_li_shard { WEIR_COUNTERS(SHM__SH_LI) } SHM_ALIGNED;
struct shm_fe_shard { WEIR_COUNTERS(SHM__SH_FE) } SHM_ALIGNED;
struct shm_be_shard { WEIR_COUNTERS(SHM__SH_BE) } SHM_ALIGNED;
struct shm_srv_shard { WEIR_COUNTERS(SHM__SH_SRV) } SHM_ALIGNED;

/* The GAUGE and GMAX counters of one object: exact across workers, updated
 * with atomics (shm_gauge_add(), shm_gmax()). */
struct shm_li_ctrs { WEIR_COUNTERS(SHM__RC_LI) } SHM_ALIGNED;
struct shm_fe_ctrs { WEIR_COUNTERS(SHM__RC_FE) } SHM_ALIGNED;
struct shm_be_ctrs { WEIR_COUNTERS(SHM__RC_BE) } SHM_ALIGNED;
struct shm_srv_ctrs { WEIR_COUNTERS(SHM__RC_SRV) } SHM_ALIGNED;

/* -------------------------------------------------------------- proxies */

enum shm_px_state { SHM_PX_OPEN = 0, SHM_PX_STOP, SHM_PX_PAUSED, SHM_PX_FULL };

/* A frontend (or the frontend side of a listen). The master writes it at
 * creation; `state` later by the master (soft stop) or stats (disable
 * frontend). */
struct shm_fe {
	uint32_t name_off;
	int32_t id;               /* HAProxy's iid */
	uint32_t cfg_index;       /* index in cfg->proxies */
	uint32_t li_first, li_count;   /* its listeners in the LI region */
	uint32_t state;           /* enum shm_px_state */
	int32_t maxconn;
	uint32_t mode;            /* enum px_mode */
	struct shm_fe_ctrs c;
} SHM_ALIGNED;

/* A backend (or the backend side of a listen). srv_act/srv_bck (servers up)
 * are written by the checker; lb_gen is bumped (atomically) by whoever
 * changes a server's weight or state, checker or stats, so workers rebuild
 * their balancing tables when it moves. */
struct shm_be {
	uint32_t name_off;
	int32_t id;
	uint32_t cfg_index;
	uint32_t srv_first, srv_count; /* its servers in the SRV region */
	uint32_t state;           /* enum shm_px_state */
	uint32_t algo;            /* enum lb_algo */
	uint32_t mode;
	uint32_t flags;           /* SHM_BE_* */
	int32_t fullconn;
	uint32_t srv_act, srv_bck;     /* checker */
	uint64_t lb_gen;          /* checker and stats, atomic increment */
	uint64_t last_change;     /* s since the epoch; checker */
	uint64_t down_time;       /* s accumulated while no server was up; checker */
	/* workers, atomic increment at each pick: the round-robin position
	 * they share (lb_rr.c); a line of its own, it moves per request */
	uint64_t lb_pos SHM_ALIGNED;
	struct shm_be_ctrs c;
} SHM_ALIGNED;

#define SHM_BE_ALLBACKUPS 0x1

/* ---------------------------------------------------------------- servers */

/* Admin state bits, the values `show servers state` prints (srv_admin_state)
 * as HAProxy does. Written by stats; CMAINT by the master at creation. */
#define SHM_ADMIN_FMAINT 0x01     /* forced: set server state maint / disable server */
#define SHM_ADMIN_IMAINT 0x02     /* inherited from a tracked server */
#define SHM_ADMIN_CMAINT 0x04     /* `disabled` in the configuration */
#define SHM_ADMIN_FDRAIN 0x08     /* forced drain: set server state drain */
#define SHM_ADMIN_IDRAIN 0x10     /* inherited drain */
#define SHM_ADMIN_MAINT (SHM_ADMIN_FMAINT | SHM_ADMIN_IMAINT | SHM_ADMIN_CMAINT)
#define SHM_ADMIN_DRAIN (SHM_ADMIN_FDRAIN | SHM_ADMIN_IDRAIN)

/* Operational state, the checker's verdict. Values as `show servers state`
 * prints srv_op_state (0 stopped, 1 starting, 2 running, 3 stopping);
 * "going up"/"going down" of the stats page are DOWN or UP with
 * check_health between 0 and rise+fall-1 (see struct shm_srv). */
enum shm_op_state { SHM_OP_DOWN = 0, SHM_OP_STARTING = 1, SHM_OP_UP = 2, SHM_OP_STOPPING = 3 };

#define SHM_SRV_BACKUP 0x01
#define SHM_SRV_CHECK 0x02        /* has `check` */
#define SHM_SRV_AGENT 0x04        /* has `agent-check` */
#define SHM_SRV_TRACKED 0x08      /* follows another server (`track`) */

/* The runtime API's switches of a server's checks (shm_srv.ctl): `disable
 * health` and `disable agent` stop them until `enable ...`. */
#define SHM_CTL_HEALTH_OFF 0x01
#define SHM_CTL_AGENT_OFF 0x02

/* A state the runtime API forces on a server (`set server ... health|agent`,
 * the stats page's Health and Agent actions), for the checker to apply:
 * shm_srv.force. */
enum shm_force {
	SHM_FORCE_NONE = 0,
	SHM_FORCE_HEALTH_UP,
	SHM_FORCE_HEALTH_STOPPING,
	SHM_FORCE_HEALTH_DOWN,
	SHM_FORCE_AGENT_UP,
	SHM_FORCE_AGENT_DOWN,
};
/* Or'ed into shm_srv.force: the stats page asked, not the CLI (the log
 * says "changed from Web interface"). */
#define SHM_FORCE_FROM_WEB 0x100u

/* What a worker saw of traffic to an observed server, HAProxy's health
 * analysis events: its words for each are check_observe_desc()'s, what each
 * means for layer4 and layer7 observers is the workers' (session.c). */
enum shm_obs_event {
	SHM_OBS_NONE = 0,
	SHM_OBS_L4_OK,            /* connected */
	SHM_OBS_L4_ERR,           /* the connect failed (refused, timed out) */
	SHM_OBS_HTTP_OK,          /* a response status 100-499, 501 or 505 */
	SHM_OBS_HTTP_STS,         /* any other status */
	SHM_OBS_HTTP_HDRRSP,      /* a response head that is not HTTP, or too big */
	SHM_OBS_HTTP_RSP,         /* an invalid body (bad chunk framing) */
	SHM_OBS_HTTP_READ_ERROR,  /* a reset or read error before the response head */
	SHM_OBS_HTTP_READ_TIMEOUT,/* timeout server before the response head */
	SHM_OBS_HTTP_BROKEN_PIPE, /* the server closed before the response head */
	SHM_OBS__COUNT
};

/* What the runtime API changed of a server's checks (`set server ...
 * check-addr|check-port|agent-addr|agent-port|agent-send`): zero ports
 * and families, and send_set 0, mean "as configured". */
struct shm_chk_rt {
	uint32_t chk_ip[4], agt_ip[4];      /* network order */
	uint16_t chk_port, chk_family, agt_port, agt_family;
	uint32_t send_set;
	char send[128];                     /* NUL-terminated */
};

/*
 * A server. Who writes what:
 *   master   everything at creation (config fields, initial states)
 *   checker  op_state, check_*, weight_pct (slowstart ramp, agent weight),
 *            last_change, down_time, chkfail, chkdown: the only writer of
 *            operational state
 *   stats    admin, weight_user (set server ... state / weight, and the
 *            stats page's admin forms the workers hand it), ctl, and the
 *            force mailbox (force, force_seq) the checker answers in
 *            force_ack, kill_seq (`shutdown sessions server`), the
 *            runtime address rt_* (`set server ... addr`)
 *   workers  the counters in `c` (scur, qcur: atomics) and their shards,
 *            obs_consec and obs_last (`observe`)
 * The weight a balancer uses is weight_user * weight_pct / 100; readers
 * see a consistent pair by re-reading lb_gen of the backend.
 */
struct shm_srv {
	uint32_t name_off;
	uint32_t be_index;        /* in the BE region */
	int32_t id;               /* HAProxy's sid (puid) */
	uint32_t flags;           /* SHM_SRV_* */
	int32_t maxconn, maxqueue;     /* 0: unlimited */
	uint32_t track_index;     /* tracked server's index, when SHM_SRV_TRACKED */
	uint32_t weight_cfg;      /* configured weight, never changes */
	uint32_t weight_user;     /* stats: `set server ... weight` (starts at weight_cfg) */
	uint32_t weight_pct;      /* checker: 100, or less while slow-starting */
	uint32_t admin;           /* SHM_ADMIN_* bits */
	/* stats: SHM_CTL_* bits; the checker reads them at each run, with
	 * admin and the two seqlock versions below: one cache line */
	uint32_t ctl;
	/* stats: the versions of the runtime address (rt_*) and of the
	 * checks' runtime targets (chk_rt), seqlocks: odd while stats writes,
	 * 0 while nothing was ever set (readers in shm.h) */
	uint32_t rt_seq, chk_seq;
	uint32_t op_state;        /* enum shm_op_state */
	int32_t check_health;     /* 0..rise+fall-1: < rise means DOWN */
	int32_t check_rise, check_fall;
	uint32_t check_status;    /* check result code (checker's enum) */
	int32_t check_code;       /* L7 status, -1 none */
	uint32_t check_duration;  /* ms, last check */
	uint64_t last_change;     /* s since the epoch */
	uint64_t down_time;       /* s accumulated down */
	/* checker: the last check's info text (show stat `last_chk`), as long
	 * as HAProxy's (128). Written without a lock: a reader may see a line
	 * being replaced, never one past the NUL the buffer always ends with. */
	char last_chk[128];
	/* checker: the agent's last result, for the agent_* columns of show
	 * stat (agent-check servers only); written like last_chk */
	uint32_t agent_status;    /* check result code, CHK_ST_CHECKED for no change */
	int32_t agent_code;       /* 0 for a state the agent said, -1 none */
	uint32_t agent_duration;  /* ms */
	int32_t agent_health;     /* 0 or 1: HAProxy's agent has rise = fall = 1 */
	char last_agt[128];
	/* workers (`observe`): consecutive errors on traffic to this server
	 * (layer4: failed connects; layer7: those and the failed or wrong
	 * responses, enum shm_obs_event), atomic increment on an error, reset
	 * to 0 on a success; the checker reads it, applies `on-error` at
	 * `error-limit` and resets it after a passed check */
	uint32_t obs_consec;
	/* workers: the kind of the last error counted (enum shm_obs_event),
	 * relaxed store before the increment, only when it changes; the
	 * checker's "last one was: ..." */
	uint32_t obs_last;
	/* checker: an agent's `maxconn:N` (0: none); the limit is the lower of
	 * it and the configured maxconn */
	int32_t maxconn_agent;
	/* stats -> checker, one request at a time: stats waits for force_ack
	 * to equal force_seq, stores force (enum shm_force), then increments
	 * force_seq (release) and kicks the checker; the checker applies it
	 * as the only writer of op_state and stores force_seq in force_ack */
	uint32_t force;
	uint32_t force_seq;
	uint32_t force_ack;
	/* stats: `shutdown sessions server` count (see shm_header.kill_gen) */
	uint32_t kill_seq;
	/* stats: `set server ... addr <ip> [port <p>]`, under rt_seq; readers
	 * (workers at each connect, the checker before each check, stats) copy
	 * it between two equal even reads (shm_srv_rt_addr in shm.h) */
	uint32_t rt_ip[4];        /* network order, AF_INET in rt_ip[0] */
	uint16_t rt_port;         /* 0: the configured port (or port map) */
	uint16_t rt_family;       /* AF_INET or AF_INET6 */
	/* stats: the checks' own runtime targets, under chk_seq */
	struct shm_chk_rt chk_rt;
	struct shm_srv_ctrs c;    /* scur is the live connection count across
				   * all workers: leastconn and maxconn read it */
} SHM_ALIGNED;

/* A listener: one `bind` line of a frontend. */
struct shm_li {
	uint32_t name_off;        /* bind `name`, or the address as written */
	uint32_t fe_index;
	int32_t id;
	uint32_t state;           /* enum shm_px_state; master */
	int32_t maxconn;
	struct shm_li_ctrs c;
} SHM_ALIGNED;

/* ----------------------------------------------------------- stick tables */

/*
 * Stick table entry: a 32-byte header, the key, then each stored data type
 * at data_off[dt] (0: not stored; the header makes 0 impossible), padded to
 * a SHM_ALIGN multiple so concurrent updates of two entries never contend
 * for one cache line. Links are entry indexes (UINT32_MAX: none).
 */
struct shm_stick_entry {
	uint32_t lru_prev, lru_next;
	uint32_t hash_next;
	uint32_t expire;          /* tick (ms, wrapping) */
	uint32_t key_hash;
	uint32_t ref_cnt;         /* sessions tracking it: not evictable while > 0 */
	uint32_t key_len;         /* string keys: actual length */
	uint32_t flags;
	unsigned char key[];      /* then the data */
};
#define SHM_STICK_ENTRY_HDR 32u
#define SHM_STICK_NONE UINT32_MAX

/* A table's descriptor. Sizes and offsets by the master; lock, LRU ends and
 * the free count by the workers (table implementation, later issue). */
struct shm_stick {
	uint32_t name_off;
	uint32_t type;            /* enum stick_key_type */
	uint32_t key_len;         /* bytes reserved for the key */
	uint32_t entry_size;      /* SHM_ALIGN multiple */
	uint64_t capacity;        /* `size` */
	int32_t expire;           /* ms, -1 never */
	uint32_t nbuckets;        /* power of two >= capacity */
	uint64_t buckets_off;     /* uint32_t[nbuckets]: first entry index */
	uint64_t entries_off;     /* capacity * entry_size bytes */
	uint16_t data_off[STICK_DT__COUNT];
	uint32_t lock;
	uint32_t lru_head, lru_tail;
	uint32_t used;
} SHM_ALIGNED;

/* -------------------------------------------------------------- the layout */

struct cfg;

/*
 * A layout computed from a configuration: where each region goes, plus the
 * maps from configuration objects to record indexes. Heap memory, freed by
 * shm_layout_release(); `cfg` is borrowed and must outlive shm_create().
 */
struct shm_layout {
	const struct cfg *cfg;
	uint64_t generation;      /* set by the caller before shm_create (default 1) */
	uint32_t nworkers;
	uint32_t nproc, nfe, nbe, nsrv, nli, nstick;
	uint64_t size;            /* total, SHM_PAGE multiple */
	struct shm_region region[SHM_R__COUNT];
	uint32_t shard_off[SHM_KIND__COUNT];
	uint32_t shard_size[SHM_KIND__COUNT];
	/* per cfg->proxies index: its FE / BE record index, or -1 */
	int *fe_of_px, *be_of_px;
	int npx;
	/* per stick table (in FE/BE proxy order): its sizes and offsets */
	struct shm_stick *stick;
	const struct stick_table_conf **stick_conf;
	const char *error;        /* why shm_layout_compute() failed */
};

/* A mapped segment. */
struct shm_seg {
	void *base;
	size_t size;
	int fd;
};

#endif
