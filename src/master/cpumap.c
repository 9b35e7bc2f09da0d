/*
 * `cpu-map [auto:]<process>[/<thread>] <cpu-set>`, applied by each worker
 * to itself right after fork. weir's workers are processes that stand for
 * HAProxy's threads, so the thread set (after '/') names workers; without
 * one, the process set does. Workers are numbered from 1 as HAProxy's
 * threads are. `auto:` hands the CPUs of the set out one per worker in
 * order; otherwise each named worker may run on the whole set. A CPU the
 * machine does not have is skipped: the guides' `0-3` on a 2-CPU box pins
 * to 0-1 rather than failing.
 */
#include <ctype.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "weir/log.h"
#include "weir/util.h"
#include "master-int.h"

#define SET_MAX 1024

/* Parses "1-4", "0,2", "all", "odd", "even", "3" into bits 0..SET_MAX-1,
 * in the order written; returns how many were set, -1 on a bad set. */
static int parse_set(const char *s, int base, int *order, int max)
{
	int n = 0;
	if (strcmp(s, "all") == 0 || strcmp(s, "odd") == 0 || strcmp(s, "even") == 0) {
		for (int i = base; i < SET_MAX && n < max; i++)
			if (s[0] == 'a' || (s[0] == 'o') == (i % 2 == 1))
				order[n++] = i;
		return n;
	}
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (end == s || a < base || a >= SET_MAX)
			return -1;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b >= SET_MAX)
				return -1;
			s = end;
		}
		for (long i = a; i <= b && n < max; i++)
			order[n++] = (int)i;
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
	}
	return n;
}

/* The CPUs worker `w` (0-based) may run on under one cpu-map line. */
static int map_worker(const struct cpu_map_conf *m, int w, cpu_set_t *cpus)
{
	int workers[SET_MAX], cpu[SET_MAX];
	const char *spec = m->spec;
	int is_auto = strncmp(spec, "auto:", 5) == 0;
	if (is_auto)
		spec += 5;
	const char *slash = strchr(spec, '/');
	int nw = parse_set(slash ? slash + 1 : spec, 1, workers, SET_MAX);
	int nc = parse_set(m->cpus, 0, cpu, SET_MAX);
	if (nw <= 0 || nc <= 0)
		return 0;
	for (int i = 0; i < nw; i++) {
		if (workers[i] != w + 1)
			continue;
		CPU_ZERO(cpus);
		if (is_auto)
			CPU_SET(cpu[i % nc], cpus);
		else
			for (int k = 0; k < nc; k++)
				CPU_SET(cpu[k], cpus);
		return 1;
	}
	return 0;
}

void master_apply_cpu_map(const struct cfg *cfg, int w)
{
	const struct cpu_map_conf *m;
	cpu_set_t cpus, online;
	int found = 0;
	VEC_EACH(&cfg->global.cpu_maps, const struct cpu_map_conf *, m)
		found |= map_worker(m, w, &cpus);
	if (!found || sched_getaffinity(0, sizeof(online), &online) < 0)
		return;
	CPU_AND(&cpus, &cpus, &online);
	if (CPU_COUNT(&cpus) == 0 || sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
		log_say(LOG_LVL_WARNING, "cpu-map: worker %d keeps every CPU (the CPUs named for it "
			"are not available here)", w + 1);
}
