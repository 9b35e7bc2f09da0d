/*
 * Helpers shared by the unit suites (see testutil.h).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

struct cfg *t_load_ok(const char *text)
{
	struct cfg *cfg = t_load(text);
	if (cfg->nalerts)
		t_print(cfg);
	ck_assert_int_eq(cfg->nalerts, 0);
	return cfg;
}

struct cfg *t_load_file(const char *path)
{
	struct cfg *cfg = cfg_new();
	cfg->check_only = 1;
	cfg_load_path(cfg, path);
	cfg_finish(cfg);
	return cfg;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The shared folder, or NULL (heap string). */
static char *find_shared(const char *src)
{
	const char *env = getenv("WEIR_SHARED");
	if (env)
		return xstrdup(env);
	static const char *const ups[] = { "..", "../.." };
	for (size_t i = 0; src && i < ARRAY_SIZE(ups); i++) {
		char *dir = NULL;
		if (asprintf(&dir, "%s/%s/shared/seed-configs", src, ups[i]) < 0)
			continue;
		int found = access(dir, R_OK) == 0;
		dir[strlen(dir) - strlen("/seed-configs")] = '\0';
		if (found)
			return dir;
		free(dir);
	}
	return NULL;
}

static void list_seeds(struct t_seeds *s)
{
	DIR *d = opendir(s->dir);
	struct dirent *de;
	while (d && (de = readdir(d)) && s->n < T_MAX_SEEDS) {
		size_t n = strlen(de->d_name);
		if (n > 4 && strcmp(de->d_name + n - 4, ".cfg") == 0)
			s->names[s->n++] = xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	qsort(s->names, (size_t)s->n, sizeof(char *), cmp_str);
}

static void make_certs(struct t_seeds *s, const char *shared)
{
	char *cmd = NULL;
	snprintf(s->certs, sizeof(s->certs), "/tmp/weir-test-certs.XXXXXX");
	if (!mkdtemp(s->certs)) {
		s->certs[0] = '\0';
		return;
	}
	if (asprintf(&cmd, "sh '%s/seed-configs/make-test-certs.sh' '%s' >/dev/null",
		     shared, s->certs) > 0 && system(cmd) != 0)
		fprintf(stderr, "testutil: make-test-certs.sh failed\n");
	free(cmd);
	setenv("CERTDIR", s->certs, 1);
}

void t_seeds_find(struct t_seeds *s, int want_certs)
{
	const char *src = getenv("WEIR_SRCDIR");
	char *errdir = NULL;
	memset(s, 0, sizeof(*s));
	if (asprintf(&errdir, "%s/conf/errors", src ? src : ".") > 0)
		setenv("ERRDIR", errdir, 1);
	free(errdir);
	char *shared = find_shared(src);
	if (shared && asprintf(&s->dir, "%s/seed-configs/runnable", shared) > 0)
		list_seeds(s);
	if (shared && s->n && want_certs)
		make_certs(s, shared);
	else
		setenv("CERTDIR", "/nonexistent", 0);
	free(shared);
}

void t_seeds_free(struct t_seeds *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->dir);
	if (s->certs[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->certs);
		if (system(cmd) != 0)
			fprintf(stderr, "testutil: could not remove %s\n", s->certs);
	}
	memset(s, 0, sizeof(*s));
}

struct cfg *t_load_seed(const struct t_seeds *s, int i)
{
	char *path = NULL;
	ck_assert_int_gt(asprintf(&path, "%s/%s", s->dir, s->names[i]), 0);
	struct cfg *cfg = t_load_file(path);
	free(path);
	return cfg;
}
