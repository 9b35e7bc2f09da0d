/*
 * Keywords of the `global` section that belong to the process as a whole:
 * processes and limits, privileges, tunables, environment. TLS, logging
 * and stats keywords live with their subsystems. Runs in the master.
 */
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "weir/kwtables.h"

#define G(f) offsetof(struct cfg_global, f)
#define GS CFG_SEC_GLOBAL

static int kw_nbthread(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0 ||
	    cfg_arg_int(ctx, argv[0], 1, 4096, &ctx->cfg->global.nbthread) < 0)
		return -1;
	ctx->cfg->global.nbthread_loc = ctx->loc;
	return 0;
}

/*
 * `nbproc` left HAProxy in 2.5. In weir both nbproc and nbthread name the
 * number of worker processes, so an old configuration keeps its meaning;
 * setting both is contradictory and reported by global_finish().
 */
static int kw_nbproc(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0 ||
	    cfg_arg_int(ctx, argv[0], 1, 4096, &ctx->cfg->global.nbproc) < 0)
		return -1;
	ctx->cfg->global.nbproc_loc = ctx->loc;
	cfg_notice(ctx, "'nbproc' was removed from HAProxy 2.5; weir reads 'nbproc %s' as the "
		   "number of worker processes, like 'nbthread %s' (write that instead)",
		   argv[0], argv[0]);
	return 0;
}

static void dump_workers(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	if (g->nbthread)
		cfg_emitv(em, "nbthread", arena_printf(em->tmp, "%d", g->nbthread), NULL);
	else if (g->nbproc)
		cfg_emitv(em, "nbproc", arena_printf(em->tmp, "%d", g->nbproc), NULL);
}

/* `cpu-map [auto:]<process/thread set> <cpu set>` */
static int kw_cpu_map(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 2, 2) < 0)
		return -1;
	const char *spec = argv[0];
	if (strncmp(spec, "auto:", 5) == 0)
		spec += 5;
	if (!*spec || strspn(spec, "0123456789-/all,") != strlen(spec) ||
	    strspn(argv[1], "0123456789-,") != strlen(argv[1]) || !*argv[1]) {
		cfg_alert(ctx, "'cpu-map' expects [auto:]<process>[/<thread>] <cpu-set>, e.g. "
			  "'cpu-map auto:1/1-4 0-3', got '%s %s'", argv[0], argv[1]);
		return -1;
	}
	struct cpu_map_conf *m = arena_alloc(ctx->arena, sizeof(*m));
	m->spec = arena_strdup(ctx->arena, argv[0]);
	m->cpus = arena_strdup(ctx->arena, argv[1]);
	vec_push(ctx->arena, &ctx->cfg->global.cpu_maps, m);
	return 0;
}

static void dump_cpu_map(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	const struct cpu_map_conf *m;
	VEC_EACH(&g->cpu_maps, const struct cpu_map_conf *, m)
		cfg_emitv(em, "cpu-map", m->spec, m->cpus, NULL);
}

/* The user and group must exist where weir runs, but `-c` may check a file
 * written for another machine: a missing name is a warning there. */
static int kw_user_group(struct cfg_ctx *ctx, int argc, char **argv)
{
	if (cfg_need_args(ctx, argc, 1, 1) < 0)
		return -1;
	int is_user = strcmp(ctx->kw, "user") == 0;
	struct cfg_global *g = &ctx->cfg->global;
	if (is_user)
		g->user = arena_strdup(ctx->arena, argv[0]);
	else
		g->group = arena_strdup(ctx->arena, argv[0]);
	int known = is_user ? getpwnam(argv[0]) != NULL : getgrnam(argv[0]) != NULL;
	if (!known) {
		if (ctx->cfg->check_only)
			cfg_warn(ctx, "%s '%s' does not exist on this machine; weir will refuse to "
				 "start here until it does", ctx->kw, argv[0]);
		else {
			cfg_alert(ctx, "unknown %s '%s' (create it, or fix the '%s' line)",
				  ctx->kw, argv[0], ctx->kw);
			return -1;
		}
	}
	return 0;
}

static int kw_env(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct cfg_global *g = &ctx->cfg->global;
	if (strcmp(ctx->kw, "setenv") == 0 || strcmp(ctx->kw, "presetenv") == 0) {
		if (cfg_need_args(ctx, argc, 2, 2) < 0)
			return -1;
		int overwrite = strcmp(ctx->kw, "setenv") == 0;
		/* Applied now, as HAProxy does: later lines may use ${NAME}. */
		setenv(argv[0], argv[1], overwrite);
		vec_push(ctx->arena, overwrite ? &g->setenvs : &g->presetenvs,
			 arena_printf(ctx->arena, "%s=%s", argv[0], argv[1]));
		return 0;
	}
	if (strcmp(ctx->kw, "unsetenv") == 0) {
		if (cfg_need_args(ctx, argc, 1, INT_MAX) < 0)
			return -1;
		for (int i = 0; i < argc; i++) {
			unsetenv(argv[i]);
			vec_push(ctx->arena, &g->unsetenvs, arena_strdup(ctx->arena, argv[i]));
		}
		return 0;
	}
	/* resetenv [name...]: keep only these */
	for (int i = 0; i < argc; i++)
		vec_push(ctx->arena, &g->resetenvs, arena_strdup(ctx->arena, argv[i]));
	return 0;
}

static void dump_env(const struct cfg_kw *kw, struct cfg_emit *em, const void *obj)
{
	const struct cfg_global *g = obj;
	const char *s;
	const struct vec *v = strcmp(kw->name, "setenv") == 0 ? &g->setenvs :
			      strcmp(kw->name, "presetenv") == 0 ? &g->presetenvs :
			      strcmp(kw->name, "unsetenv") == 0 ? &g->unsetenvs : &g->resetenvs;
	VEC_EACH(v, const char *, s) {
		const char *eq = strchr(s, '=');
		if (eq)
			cfg_emitv(em, kw->name, arena_strndup(em->tmp, s, (size_t)(eq - s)), eq + 1, NULL);
		else
			cfg_emitv(em, kw->name, s, NULL);
	}
}

/* `tune.maxrewrite` must leave room in the buffer for a request head. */
static void global_finish(struct cfg *cfg)
{
	struct cfg_global *g = &cfg->global;
	if (g->nbproc && g->nbthread) {
		cfg_diag_at(cfg, CFG_ALERT, &g->nbproc_loc,
			    "'nbproc %d' and 'nbthread %d' (line %d) both set the number of worker "
			    "processes in weir, and they disagree; keep one line: 'nbthread %d' "
			    "(nbproc was removed from HAProxy 2.5)", g->nbproc, g->nbthread,
			    g->nbthread_loc.line, g->nbthread);
	}
	if (g->tune_maxrewrite >= 0 && g->tune_maxrewrite >= g->tune_bufsize / 2)
		cfg_diag_at(cfg, CFG_WARNING, NULL,
			    "tune.maxrewrite %d is at least half of tune.bufsize %d: requests with "
			    "large headers will be rejected; keep it under %d",
			    g->tune_maxrewrite, g->tune_bufsize, g->tune_bufsize / 2);
	if (g->tune_bufsize < 1024)
		cfg_diag_at(cfg, CFG_ALERT, NULL, "tune.bufsize %d is too small (at least 1024)",
			    g->tune_bufsize);
}

static int kw_unsupported(struct cfg_ctx *ctx, int argc, char **argv)
{
	cfg_alert(ctx, "'%s' is not supported by weir: %s", ctx->kw,
		  (const char *)ctx->kw_data);
	return -1;
}

static int kw_ignored(struct cfg_ctx *ctx, int argc, char **argv)
{
	cfg_notice(ctx, "'%s' has no effect in weir: %s", ctx->kw, (const char *)ctx->kw_data);
	return 0;
}

#define INT(name, f, help) { name, GS, cfg_set_int, cfg_dump_int, "<number>", help, G(f) }
#define TIME(name, f, help) { name, GS, cfg_set_time, cfg_dump_time, "<time>", help, G(f) }
#define SIZE(name, f, help) { name, GS, cfg_set_size, cfg_dump_int, "<size>", help, G(f) }
#define STR(name, f, help) { name, GS, cfg_set_str, cfg_dump_str, "<string>", help, G(f) }
#define FLAG(name, f, help) { name, GS | CFG_KW_ALLOW_NO, cfg_set_flag, cfg_dump_flag, "", help, G(f) }
#define ONOFF(name, f, help) { name, GS, cfg_set_onoff, cfg_dump_onoff, "on|off", help, G(f) }

static const struct cfg_kw global_kws[] = {
	INT("maxconn", maxconn, "maximum concurrent connections per process set (0: from the file limit)"),
	{ "nbthread", GS, kw_nbthread, dump_workers, "<number>",
	  "number of worker processes (default: number of CPUs)", 0 },
	{ "nbproc", GS, kw_nbproc, NULL, "<number>",
	  "old name of nbthread, accepted with a notice", 0 },
	{ "cpu-map", GS, kw_cpu_map, dump_cpu_map, "[auto:]<process>[/<thread>] <cpu-set>",
	  "pin worker processes to CPUs", 0 },
	FLAG("daemon", daemon, "detach from the terminal (like -D)"),
	FLAG("master-worker", master_worker, "run in master-worker mode (like -W)"),
	STR("chroot", chroot, "directory the children chroot into after start"),
	{ "user", GS, kw_user_group, cfg_dump_str, "<user>", "user the children run as", G(user) },
	{ "group", GS, kw_user_group, cfg_dump_str, "<group>", "group the children run as", G(group) },
	INT("uid", uid, "numeric user id the children run as"),
	INT("gid", gid, "numeric group id the children run as"),
	STR("pidfile", pidfile, "file to write the master's pid into (like -p)"),
	TIME("hard-stop-after", hard_stop_after, "longest time old workers may drain after a reload"),
	TIME("grace", grace, "delay between a soft stop and the closing of listeners"),
	INT("spread-checks", spread_checks, "random spread (percent) added to check intervals"),
	TIME("max-spread-checks", max_spread_checks, "upper bound of the delay before the first checks"),
	STR("node", node, "name of this node, shown in the stats"),
	STR("description", description, "description of this node, shown in the stats"),
	STR("localpeer", localpeer, "name of the local peer (like -L)"),
	STR("server-state-file", server_state_file, "file of server states to load at start"),
	STR("server-state-base", server_state_base, "directory of server-state-file names"),
	INT("ulimit-n", ulimit_n, "file descriptor limit (default: from maxconn)"),
	INT("maxsslconn", maxsslconn, "maximum concurrent TLS connections"),
	INT("maxconnrate", maxconnrate, "maximum new connections per second"),
	INT("maxsessrate", maxsessrate, "maximum new sessions per second"),
	INT("maxsslrate", maxsslrate, "maximum new TLS sessions per second"),
	INT("maxpipes", maxpipes, "maximum pipes used for splicing"),
	FLAG("nosplice", nosplice, "never use splice() to relay"),
	FLAG("noepoll", noepoll, "do not use epoll"),
	FLAG("nogetaddrinfo", nogetaddrinfo, "resolve with gethostbyname instead of getaddrinfo"),
	FLAG("noreuseport", noreuseport, "do not set SO_REUSEPORT on listeners"),
	SIZE("tune.bufsize", tune_bufsize, "size of each session buffer (default 16384)"),
	SIZE("tune.maxrewrite", tune_maxrewrite, "space kept in the buffer for header rewrites"),
	INT("tune.maxaccept", tune_maxaccept, "connections accepted per wake-up of a worker"),
	INT("tune.http.maxhdr", tune_http_maxhdr, "maximum number of headers in a message (default 101)"),
	INT("tune.h2.max-concurrent-streams", tune_h2_max_concurrent_streams,
	    "HTTP/2 streams per connection"),
	SIZE("tune.h2.initial-window-size", tune_h2_initial_window_size, "HTTP/2 initial window"),
	ONOFF("tune.listener.multi-queue", tune_listener_multi_queue,
	      "spread accepted connections over the workers (default on)"),
	ONOFF("tune.idle-pool.shared", tune_idle_pool_shared,
	      "share idle server connections between threads (default on)"),
	SIZE("tune.rcvbuf.client", tune_rcvbuf_client, "kernel receive buffer on client sockets"),
	SIZE("tune.rcvbuf.server", tune_rcvbuf_server, "kernel receive buffer on server sockets"),
	SIZE("tune.sndbuf.client", tune_sndbuf_client, "kernel send buffer on client sockets"),
	SIZE("tune.sndbuf.server", tune_sndbuf_server, "kernel send buffer on server sockets"),
	SIZE("tune.pipesize", tune_pipesize, "size of the pipes used for splicing"),
	SIZE("tune.recv_enough", tune_recv_enough, "bytes after which a worker stops reading"),
	{ "setenv", GS, kw_env, dump_env, "<name> <value>", "set an environment variable", 0 },
	{ "presetenv", GS, kw_env, dump_env, "<name> <value>",
	  "set an environment variable unless already set", 0 },
	{ "unsetenv", GS, kw_env, dump_env, "<name>...", "remove environment variables", 0 },
	{ "resetenv", GS, kw_env, dump_env, "[<name>...]", "keep only these environment variables", 0 },
	FLAG("external-check", external_check, "allow external check commands"),
	FLAG("insecure-fork-wanted", insecure_fork_wanted, "allow forking from workers"),
	FLAG("busy-polling", busy_polling, "poll without sleeping (lower latency, more CPU)"),
	FLAG("set-dumpable", set_dumpable, "allow core dumps after dropping privileges"),
	FLAG("strict-limits", strict_limits, "fail to start if limits cannot be raised"),
	FLAG("expose-experimental-directives", expose_experimental, "accept experimental keywords"),
	FLAG("quiet", quiet, "print nothing at start (like -q)"),
	FLAG("debug", debug, "print debugging output (like -d)"),
	{ "profiling.tasks", GS, kw_ignored, NULL, "on|auto|off",
	  "task profiling (accepted, no effect)", (uintptr_t)"weir has no task profiler" },
	{ "lua-load", GS, kw_unsupported, NULL, "<file>", "Lua scripts (not supported)",
	  (uintptr_t)"weir has no Lua engine; remove the line and the Lua actions that use it" },
	{ "lua-prepend-path", GS, kw_unsupported, NULL, "<path>", "Lua paths (not supported)",
	  (uintptr_t)"weir has no Lua engine" },
	{ "h1-case-adjust", GS, kw_ignored, NULL, "<from> <to>",
	  "HTTP/1 header case rewriting (accepted, no effect)",
	  (uintptr_t)"weir sends header names as received" },
	{ "h1-case-adjust-file", GS, kw_ignored, NULL, "<file>",
	  "HTTP/1 header case rewriting (accepted, no effect)",
	  (uintptr_t)"weir sends header names as received" },
};

const struct cfg_kw_table cfg_global_kw_table = {
	"global", global_kws, (int)ARRAY_SIZE(global_kws), global_finish
};
