/*
 * The keyword registry: every subsystem declares its keywords in one table
 * (name, sections, parser, dumper, synopsis, help) and lists it here. The
 * order of this list is the canonical order of --dump output and of
 * weir.cfg(5). Runs in the master (and in `weir -c`).
 */
#include <string.h>

#include "weir/cfg.h"
#include "weir/kwtables.h"

const struct cfg_kw_table *const cfg_kw_tables[] = {
	&cfg_global_kw_table,
	&ssl_global_kw_table,
	&stats_kw_table,
	&log_kw_table,
	&cfg_proxy_kw_table,
	&bind_kw_table,
	&lb_kw_table,
	&server_kw_table,
	&check_kw_table,
	&acl_kw_table,
	&rule_kw_table,
	&stick_kw_table,
	&userlist_kw_table,
	&errorfile_kw_table,
	NULL
};

const char *cfg_section_name(enum cfg_section sec)
{
	switch (sec) {
	case CFG_SEC_GLOBAL: return "global";
	case CFG_SEC_DEFAULTS: return "defaults";
	case CFG_SEC_FRONTEND: return "frontend";
	case CFG_SEC_BACKEND: return "backend";
	case CFG_SEC_LISTEN: return "listen";
	case CFG_SEC_USERLIST: return "userlist";
	case CFG_SEC_HTTP_ERRORS: return "http-errors";
	default: return "none";
	}
}

/* Does the keyword `name` ("a b c") equal the first words of argv? Returns
 * the number of words matched, 0 if it does not match. */
static int kw_match(const char *name, int argc, char **argv)
{
	int n = 0;
	const char *p = name;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (n >= argc || strlen(argv[n]) != len || memcmp(argv[n], p, len) != 0)
			return 0;
		n++;
		p += len;
		if (*p == ' ')
			p++;
	}
	return n;
}

const struct cfg_kw *cfg_kw_find(unsigned section, int argc, char **argv, int *nwords)
{
	const struct cfg_kw *best = NULL;
	int bestn = 0;
	for (int t = 0; cfg_kw_tables[t]; t++) {
		const struct cfg_kw_table *tab = cfg_kw_tables[t];
		for (int i = 0; i < tab->n; i++) {
			const struct cfg_kw *kw = &tab->kws[i];
			int n = kw_match(kw->name, argc, argv);
			if (n > bestn && (kw->sections & section)) {
				best = kw;
				bestn = n;
			}
		}
	}
	*nwords = bestn;
	return best;
}

/*
 * The closest keyword: compare the line's first word (and, for keywords of
 * two words, the first two) with every keyword allowed in this section.
 * A distance above a third of the word's length is no suggestion at all.
 */
const char *cfg_kw_suggest(unsigned section, int argc, char **argv)
{
	const char *best = NULL;
	int bestd = 1000;
	char two[256];
	if (argc < 1)
		return NULL;
	snprintf(two, sizeof(two), "%s %s", argv[0], argc > 1 ? argv[1] : "");
	for (int t = 0; cfg_kw_tables[t]; t++) {
		const struct cfg_kw_table *tab = cfg_kw_tables[t];
		for (int i = 0; i < tab->n; i++) {
			const struct cfg_kw *kw = &tab->kws[i];
			if (!(kw->sections & section))
				continue;
			int d = strchr(kw->name, ' ') ? str_distance(two, kw->name)
						      : str_distance(argv[0], kw->name);
			if (d < bestd) {
				bestd = d;
				best = kw->name;
			}
		}
	}
	int limit = (int)strlen(argv[0]) / 3 + 1;
	return bestd <= limit ? best : NULL;
}

void cfg_kw_foreach(void (*fn)(const struct cfg_kw *kw, void *arg), void *arg)
{
	for (int t = 0; cfg_kw_tables[t]; t++)
		for (int i = 0; i < cfg_kw_tables[t]->n; i++)
			fn(&cfg_kw_tables[t]->kws[i], arg);
}
