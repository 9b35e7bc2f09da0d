/*
 * Helpers shared by the unit suites (see testutil.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static struct cfg *load(const char *text, int check_only)
{
	struct cfg *cfg = cfg_new();
	cfg->check_only = check_only;
	cfg_load_buffer(cfg, "test.cfg", text, strlen(text));
	cfg_finish(cfg);
	return cfg;
}

struct cfg *t_load(const char *text)
{
	return load(text, 0);
}

struct cfg *t_load_check(const char *text)
{
	return load(text, 1);
}

int t_diag(const struct cfg *cfg, int level, const char *substring)
{
	const struct cfg_diag *d;
	VEC_EACH(&cfg->diags, const struct cfg_diag *, d)
		if ((level < 0 || (int)d->level == level) && strstr(d->msg, substring))
			return 1;
	return 0;
}

char *t_dump(const struct cfg *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cfg_dump_cfg(cfg, f);
	fclose(f);
	return buf;
}

void t_print(const struct cfg *cfg)
{
	cfg_print_diags(cfg, stderr);
}
