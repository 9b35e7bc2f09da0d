/*
 * The YAML syntax (src/cfg/yaml.c). Promises checked: a YAML file loads
 * into the same model as the equivalent haproxy.cfg; every valid seed
 * configuration survives cfg -> YAML -> model and cfg -> cfg -> model
 * unchanged; scalars are single, literal words; wrong shapes and keyword
 * errors are reported at the YAML file's line with what was expected.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "weir/yaml.h"

/* ------------------------------------------------------------- helpers */

static struct cfg *y_load(const char *text)
{
	struct cfg *cfg = cfg_new();
	cfg->check_only = 1;
	cfg_yaml_load(cfg, "t.yaml", text, strlen(text));
	cfg_finish(cfg);
	return cfg;
}

static struct cfg *c_load(const char *text)
{
	struct cfg *cfg = cfg_new();
	cfg->check_only = 1;
	cfg_load_buffer(cfg, "t.cfg", text, strlen(text));
	cfg_finish(cfg);
	return cfg;
}

/* The line of the first alert containing substring, -1 when none. */
static int alert_line(const struct cfg *cfg, const char *substring)
{
	const struct cfg_diag *d;
	VEC_EACH(&cfg->diags, const struct cfg_diag *, d)
		if (d->level == CFG_ALERT && strstr(d->msg, substring))
			return d->loc.file && strcmp(d->loc.file, "t.yaml") == 0 ? d->loc.line : 0;
	t_print(cfg);
	return -1;
}

static char *yaml_of(const struct cfg *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cfg_dump_yaml(cfg, f);
	fclose(f);
	return buf;
}

static void assert_clean(const struct cfg *cfg)
{
	if (cfg->nalerts)
		t_print(cfg);
	ck_assert_int_eq(cfg->nalerts, 0);
}

/* The last source line kept for the first proxy named `name`. */
static const struct cfg_words *last_line(const struct cfg *cfg, const char *name)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->sections, const struct proxy_conf *, px)
		if (strcmp(px->name, name) == 0 && px->src_lines.n)
			return px->src_lines.v[px->src_lines.n - 1];
	return NULL;
}

/* ---------------------------------------------------- the same model */

static const char hand_cfg[] =
	"global\n"
	"    maxconn 4000\n"
	"    daemon\n"
	"userlist admins\n"
	"    user alice insecure-password secret\n"
	"defaults base\n"
	"    mode http\n"
	"    timeout connect 5s\n"
	"    timeout client 30s\n"
	"    timeout server 30s\n"
	"frontend www\n"
	"    bind 127.0.0.1:18080\n"
	"    default_backend app\n"
	"defaults\n"
	"    mode tcp\n"
	"backend app from base\n"
	"    balance roundrobin\n"
	"    server s1 127.0.0.1:28080 check\n";

static const char hand_yaml[] =
	"# the same configuration as hand_cfg\n"
	"global:\n"
	"  - maxconn: 4000\n"
	"  - daemon: []\n"
	"userlists:\n"
	"  - name: admins\n"
	"    directives:\n"
	"      - user: [alice, insecure-password, secret]\n"
	"sections:\n"
	"  - defaults: base\n"
	"    directives:\n"
	"      - mode: http\n"
	"      - timeout connect: 5s\n"
	"      - timeout client: 30s\n"
	"      - {timeout server: 30s}\n"
	"  - frontend: www\n"
	"    directives:\n"
	"      - bind: 127.0.0.1:18080\n"
	"      - default_backend: app\n"
	"  - defaults:\n"
	"    directives: [ {mode: tcp} ]\n"
	"  - backend: app\n"
	"    from: base\n"
	"    directives:\n"
	"      - balance: roundrobin\n"
	"      - server:\n"
	"          - s1\n"
	"          - 127.0.0.1:28080\n"
	"          - check\n";

START_TEST(handwritten_equals_cfg)
{
	struct cfg *a = c_load(hand_cfg), *b = y_load(hand_yaml);
	assert_clean(a);
	assert_clean(b);
	ck_assert_int_eq(b->global.maxconn, 4000);
	ck_assert_int_eq(b->global.daemon, 1);
	ck_assert_int_eq(b->defaults.n, 2);
	ck_assert_int_eq(b->proxies.n, 2);
	const struct proxy_conf *app = cfg_find_proxy(b, "app", PX_CAP_BE);
	ck_assert_ptr_nonnull(app);
	ck_assert_str_eq(app->from, "base");
	ck_assert_int_eq(app->mode, PX_MODE_HTTP);       /* from base, not the last defaults */
	ck_assert_int_eq(app->timeout.connect, 5000);
	ck_assert_int_eq(app->servers.n, 1);
	ck_assert_ptr_nonnull(cfg_find_userlist(b, "admins"));
	char *da = t_dump(a), *db = t_dump(b);
	ck_assert_str_eq(da, db);
	free(da);
	free(db);
	cfg_free(a);
	cfg_free(b);
}
END_TEST

START_TEST(diag_locations_are_yaml_lines)
{
	/* keyword errors come from the shared parsers, at the YAML line */
	struct cfg *c = y_load("global:\n"
			       "  - maxconn: 10\n"
			       "  - maxconnn: 10\n"
			       "  - maxconn: lots\n");
	ck_assert_int_eq(alert_line(c, "unknown keyword 'maxconnn' in 'global' section"), 3);
	ck_assert_int_eq(alert_line(c, "lots"), 4);
	ck_assert_int_eq(c->nalerts, 2);
	ck_assert_str_eq(((const struct cfg_diag *)c->diags.v[0])->loc.file, "t.yaml");
	cfg_free(c);
}
END_TEST

/* ------------------------------------------------------- literal words */

START_TEST(scalar_is_one_literal_word)
{
	struct cfg *c = y_load("sections:\n"
			       "  - backend: b\n"
			       "    directives:\n"
			       "      - description: \"two words  and ${HOME}\"\n");
	assert_clean(c);
	const struct cfg_words *w = last_line(c, "b");
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(w->n, 2);
	ck_assert_str_eq(w->w[0], "description");
	/* never re-split, never expanded */
	ck_assert_str_eq(w->w[1], "two words  and ${HOME}");
	cfg_free(c);
}
END_TEST

START_TEST(key_words_then_arguments)
{
	/* the line is the key's words then the arguments, whatever the split */
	struct cfg *c = y_load("sections:\n"
			       "  - backend: b\n"
			       "    directives:\n"
			       "      - \"timeout   connect\": 7s\n"
			       "      - option: [httpchk, GET, /health]\n");
	assert_clean(c);
	const struct proxy_conf *b = cfg_find_proxy(c, "b", PX_CAP_BE);
	ck_assert_int_eq(b->timeout.connect, 7000);
	const struct cfg_words *w = last_line(c, "b");
	ck_assert_int_eq(w->n, 4);
	ck_assert_str_eq(w->w[1], "httpchk");
	ck_assert_str_eq(w->w[3], "/health");
	cfg_free(c);
}
END_TEST

START_TEST(null_means_no_argument)
{
	struct cfg *c = y_load("global:\n"
			       "  - daemon:\n"
			       "  - master-worker: ~\n"
			       "  - quiet: null\n"
			       "  - node: \"\"\n"
			       "  - description: 'null'\n");
	assert_clean(c);
	ck_assert_int_eq(c->global.daemon, 1);
	ck_assert_int_eq(c->global.master_worker, 1);
	ck_assert_int_eq(c->global.quiet, 1);
	ck_assert_str_eq(c->global.node, "");             /* a quoted empty word */
	ck_assert_str_eq(c->global.description, "null");  /* quoted: the text */
	cfg_free(c);
}
END_TEST

START_TEST(several_documents)
{
	struct cfg *c = y_load("sections:\n"
			       "  - defaults: d\n"
			       "    directives: [{mode: http}]\n"
			       "---\n"
			       "sections:\n"
			       "  - backend: b\n");
	assert_clean(c);
	/* the last defaults section stays in force across documents */
	ck_assert_int_eq(cfg_find_proxy(c, "b", PX_CAP_BE)->mode, PX_MODE_HTTP);
	cfg_free(c);
}
END_TEST

START_TEST(anchors_and_aliases)
{
	struct cfg *c = y_load("sections:\n"
			       "  - backend: a\n"
			       "    directives: &common\n"
			       "      - timeout connect: 3s\n"
			       "  - backend: b\n"
			       "    directives: *common\n");
	assert_clean(c);
	ck_assert_int_eq(cfg_find_proxy(c, "b", PX_CAP_BE)->timeout.connect, 3000);
	cfg_free(c);
}
END_TEST

START_TEST(load_path_by_extension)
{
	char dir[] = "/tmp/check_yaml.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/x.yml", dir);
	FILE *f = fopen(path, "w");
	fputs("global:\n  - maxconn: 77\n", f);
	fclose(f);
	struct cfg *c = cfg_new();
	ck_assert_int_eq(cfg_load_path(c, path), 0);
	cfg_finish(c);
	assert_clean(c);
	ck_assert_int_eq(c->global.maxconn, 77);
	cfg_free(c);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* --------------------------------------------------------------- errors */

START_TEST(error_syntax)
{
	struct cfg *c = y_load("global:\n"
			       "  - maxconn: 1\n"
			       "  - nbthread: [2\n"
			       "sections: []\n");
	ck_assert_int_ge(alert_line(c, "YAML syntax error"), 3);
	ck_assert(t_diag(c, CFG_ALERT, "column"));
	ck_assert_int_eq(c->nalerts, 1);
	cfg_free(c);

	c = y_load("global:\n  - maxconn: 1\n bad: x\n");
	ck_assert_int_eq(alert_line(c, "YAML syntax error at column"), 3);
	cfg_free(c);
}
END_TEST

START_TEST(error_top_level)
{
	struct cfg *c = y_load("- global\n");
	ck_assert_int_eq(alert_line(c, "the top level must be a mapping with the keys 'global', "
				    "'userlists' and 'sections', got a sequence"), 1);
	cfg_free(c);

	c = y_load("global\n    maxconn 100\n");
	ck_assert_int_eq(alert_line(c, "got a scalar (if this is haproxy.cfg syntax, name the "
				    "file .cfg)"), 1);
	cfg_free(c);

	c = y_load("global: []\nbackends:\n  - backend: x\n");
	ck_assert_int_eq(alert_line(c, "unknown top-level key 'backends' (expected 'global', "
				    "'userlists' or 'sections')"), 2);
	cfg_free(c);

	c = y_load("global:\n  - maxconn: 1\nglobal:\n  - maxconn: 2\n");
	ck_assert_int_eq(alert_line(c, "top-level key 'global' appears twice"), 3);
	cfg_free(c);

	c = y_load("global:\n  maxconn: 4000\n");
	ck_assert_int_eq(alert_line(c, "'global' must be a sequence of directives "
				    "('- keyword: arguments'), got a mapping"), 2);
	cfg_free(c);
}
END_TEST

START_TEST(error_directive_shapes)
{
	struct cfg *c = y_load("global:\n"
			       "  - daemon\n"
			       "  - maxconn: 1\n"
			       "    nbthread: 2\n"
			       "  - maxconn: {value: 3}\n"
			       "  - cpu-map: [1, ~]\n"
			       "  - [maxconn, 4]\n"
			       "  - \"  \": x\n");
	ck_assert_int_eq(alert_line(c, "directive 'daemon' must be a mapping with one key: "
				    "write '- daemon: []' for a keyword without argument"), 2);
	ck_assert_int_eq(alert_line(c, "a directive must be a mapping with exactly one key, "
				    "this one has 2"), 3);
	ck_assert_int_eq(alert_line(c, "the arguments of 'maxconn' must be one scalar or a "
				    "sequence of scalars ('- maxconn: [arg1, arg2]'), got a "
				    "mapping"), 5);
	ck_assert_int_eq(alert_line(c, "argument 2 of 'cpu-map' is null: quote it (\"~\")"), 6);
	ck_assert_int_eq(alert_line(c, "a directive must be a mapping with one key "
				    "('- keyword: argument' or '- keyword: [arg1, arg2]'), got "
				    "a sequence"), 7);
	ck_assert_int_eq(alert_line(c, "empty keyword in a directive"), 8);
	ck_assert_int_eq(c->nalerts, 6);
	ck_assert_int_eq(c->global.maxconn, 0);
	cfg_free(c);
}
END_TEST

START_TEST(error_section_in_directives)
{
	struct cfg *c = y_load("sections:\n"
			       "  - frontend: f\n"
			       "    directives:\n"
			       "      - backend: b\n");
	ck_assert_int_eq(alert_line(c, "'backend' opens a section, it is not a directive: in "
				    "YAML, sections are items of the top-level 'sections' or "
				    "'userlists' sequences ('- backend: <name>')"), 4);
	ck_assert_ptr_null(cfg_find_proxy(c, "b", PX_CAP_BE));
	cfg_free(c);
}
END_TEST

START_TEST(error_section_items)
{
	struct cfg *c = y_load("sections:\n"
			       "  - backend: ok\n"
			       "  - directives:\n"
			       "      - timeout connect: 9s\n"
			       "  - frontend: f\n"
			       "    backend: b\n"
			       "  - backend: x\n"
			       "    form: base\n"
			       "  - listen\n"
			       "  - backend: y\n"
			       "    from:\n"
			       "userlists:\n"
			       "  - users: [alice]\n"
			       "  - name: u\n"
			       "    group: g\n");
	ck_assert_int_eq(alert_line(c, "a section item needs one of the keys 'defaults', "
				    "'frontend', 'backend' or 'listen'"), 3);
	ck_assert_int_eq(alert_line(c, "a section item has both 'frontend' and 'backend': "
				    "write one section per item"), 6);
	ck_assert_int_eq(alert_line(c, "unknown key 'form' in a section item"), 8);
	ck_assert_int_eq(alert_line(c, "a section item must be a mapping"), 9);
	ck_assert_int_eq(alert_line(c, "'from' expects the name of a defaults section"), 11);
	ck_assert_int_eq(alert_line(c, "unknown key 'users' in a userlist item (expected "
				    "'name' and 'directives')"), 13);
	ck_assert_int_eq(alert_line(c, "unknown key 'group' in a userlist item"), 15);
	/* a skipped item's directives never land in the previous section */
	ck_assert_int_eq(cfg_find_proxy(c, "ok", PX_CAP_BE)->timeout.connect, TIME_UNSET);
	ck_assert_ptr_null(cfg_find_proxy(c, "x", PX_CAP_BE));
	cfg_free(c);
}
END_TEST

START_TEST(error_from_the_driver)
{
	/* a missing name goes to the section machine, which says so */
	struct cfg *c = y_load("sections:\n  - frontend:\n  - backend: b\n    from: nope\n");
	ck_assert_int_eq(alert_line(c, "'frontend' expects a name"), 2);
	ck_assert_int_eq(alert_line(c, "defaults section 'nope' not found"), 3);
	cfg_free(c);
}
END_TEST

/* ------------------------------------------------------------- dumping */

START_TEST(dump_shape)
{
	struct cfg *c = c_load("global\n    maxconn 100\n    daemon\n"
			       "defaults\n    mode http\n"
			       "backend app\n    server s1 127.0.0.1:80\n");
	assert_clean(c);
	char *y = yaml_of(c);
	ck_assert_msg(strstr(y, "\nglobal:\n- maxconn: 100\n- daemon: []\n"), "%s", y);
	ck_assert_msg(strstr(y, "\nsections:\n- defaults: \"\"\n  directives:\n  - mode: http\n"),
		      "%s", y);
	ck_assert_msg(strstr(y, "\n- backend: app\n  directives:\n"), "%s", y);
	ck_assert_msg(strstr(y, "  - server: [s1, '127.0.0.1:80']\n"), "%s", y);
	ck_assert_ptr_null(strstr(y, "userlists"));
	ck_assert_ptr_null(strstr(y, "# error"));
	free(y);
	cfg_free(c);
}
END_TEST

/* Words a YAML reader would take for something else are quoted, and all
 * of them come back unchanged. */
START_TEST(dump_quoting_round_trip)
{
	static const char *const words[] = {
		"0660", "on", "Off", "yes", "~", "null", "", "1.10", "0x1f", "1:30",
		"2024-01-31", "1_000", "-x", "a: b # c", "'q'", "\"dq\"", "tab\there",
		"new\nline", "caf\xc3\xa9", "[x]", "{y}", "*star", "&amp", "!bang",
		"%pct", "@at", "`tick", "?", "|", ">", "=", "<<", "-", "4000", "-0",
	};
	struct sbuf cfgtext = {0};
	sbuf_adds(&cfgtext, "global\n");
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		sbuf_printf(&cfgtext, "    setenv WEIR_YTEST_%zu ", i);
		cfg_quote_word(&cfgtext, words[i]);
		sbuf_addc(&cfgtext, '\n');
	}
	struct cfg *a = c_load(sbuf_str(&cfgtext));
	assert_clean(a);
	char *y = yaml_of(a);
	ck_assert_msg(strstr(y, "\"0660\"") && strstr(y, "\"on\"") && strstr(y, "\"1.10\""),
		      "%s", y);
	ck_assert_msg(strstr(y, "[WEIR_YTEST_33, 4000]"), "%s", y);   /* canonical int: plain */
	ck_assert_ptr_null(strstr(y, "# error"));
	struct cfg *b = y_load(y);
	assert_clean(b);
	char *da = t_dump(a), *db = t_dump(b);
	ck_assert_str_eq(da, db);
	free(da);
	free(db);
	free(y);
	cfg_free(a);
	cfg_free(b);
	sbuf_free(&cfgtext);
}
END_TEST

/* ---------------------------------------------------- seed round trips */

static struct t_seeds seeds;

/* The seeds HAProxy 2.6 itself rejects (seed-configs/INVENTORY.md). */
static int known_invalid(const char *name)
{
	static const char *const bad[] = {
		"s000-08-", "s000-09-", "s000-12-", "s000-14-", "s000-19-",
		"s001-08-", "s002-02-", "s002-03-", "s002-07-",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (strncmp(name, bad[i], strlen(bad[i])) == 0)
			return 1;
	return 0;
}

static struct cfg *reload(const char *name, const char *text, int yaml)
{
	struct cfg *cfg = cfg_new();
	cfg->check_only = 1;
	if (yaml)
		cfg_yaml_load(cfg, name, text, strlen(text));
	else
		cfg_load_buffer(cfg, name, text, strlen(text));
	cfg_finish(cfg);
	return cfg;
}

static void assert_reloads(const char *seed, const char *text, int yaml, const char *want)
{
	struct cfg *b = reload(yaml ? "dump.yaml" : "dump.cfg", text, yaml);
	if (b->nalerts) {
		fprintf(stderr, "%s: reloading its %s dump:\n%s\n", seed, yaml ? "YAML" : "cfg", text);
		t_print(b);
	}
	ck_assert_msg(b->nalerts == 0, "%s: its %s dump does not load", seed, yaml ? "YAML" : "cfg");
	char *got = t_dump(b);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "%s: model after the %s round trip:\n%s\nexpected:\n%s\n", seed,
			yaml ? "YAML" : "cfg", got, want);
	ck_assert_msg(strcmp(got, want) == 0, "%s: the %s round trip changes the model", seed,
		      yaml ? "YAML" : "cfg");
	if (yaml) {   /* and the YAML dump is stable */
		char *y2 = yaml_of(b);
		ck_assert_msg(strcmp(y2, text) == 0, "%s: YAML dump not stable", seed);
		free(y2);
	}
	free(got);
	cfg_free(b);
}

START_TEST(seed_round_trip)
{
	if (_i >= seeds.n) {
		if (_i == 0)
			fprintf(stderr, "check_yaml: seed configurations not found, round trips skipped\n");
		return;
	}
	const char *name = seeds.names[_i];
	struct cfg *a = t_load_seed(&seeds, _i);
	if (known_invalid(name)) {
		ck_assert_msg(a->nalerts > 0, "%s: known invalid but loads without alert", name);
		cfg_free(a);
		return;
	}
	if (a->nalerts)
		t_print(a);
	ck_assert_msg(a->nalerts == 0, "%s: a valid seed has alerts", name);
	char *want = t_dump(a);
	char *y = yaml_of(a);
	ck_assert_msg(!strstr(y, "# error"), "%s: %s", name, y);
	assert_reloads(name, want, 0, want);
	assert_reloads(name, y, 1, want);
	free(y);
	free(want);
	cfg_free(a);
}
END_TEST

/* conf/example.yaml loads cleanly and round-trips */
START_TEST(example_yaml)
{
	const char *src = getenv("WEIR_SRCDIR");
	char *path = NULL;
	ck_assert_int_gt(asprintf(&path, "%s/conf/example.yaml", src ? src : "."), 0);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "check_yaml: %s not found, skipped\n", path);
		free(path);
		return;
	}
	struct cfg *a = cfg_new();
	a->check_only = 1;
	cfg_load_path(a, path);
	cfg_finish(a);
	free(path);
	assert_clean(a);
	ck_assert_int_ge(a->proxies.n, 2);
	char *want = t_dump(a), *y = yaml_of(a);
	assert_reloads("example.yaml", y, 1, want);
	free(want);
	free(y);
	cfg_free(a);
}
END_TEST

static Suite *yaml_suite(void)
{
	Suite *s = suite_create("yaml");
	TCase *tc = tcase_create("load");
	tcase_add_test(tc, handwritten_equals_cfg);
	tcase_add_test(tc, diag_locations_are_yaml_lines);
	tcase_add_test(tc, scalar_is_one_literal_word);
	tcase_add_test(tc, key_words_then_arguments);
	tcase_add_test(tc, null_means_no_argument);
	tcase_add_test(tc, several_documents);
	tcase_add_test(tc, anchors_and_aliases);
	tcase_add_test(tc, load_path_by_extension);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, error_syntax);
	tcase_add_test(tc, error_top_level);
	tcase_add_test(tc, error_directive_shapes);
	tcase_add_test(tc, error_section_in_directives);
	tcase_add_test(tc, error_section_items);
	tcase_add_test(tc, error_from_the_driver);
	suite_add_tcase(s, tc);
	tc = tcase_create("dump");
	tcase_add_test(tc, dump_shape);
	tcase_add_test(tc, dump_quoting_round_trip);
	tcase_add_test(tc, example_yaml);
	tcase_add_loop_test(tc, seed_round_trip, 0, seeds.n > 0 ? seeds.n : 1);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	t_seeds_find(&seeds, 1);
	SRunner *sr = srunner_create(yaml_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	t_seeds_free(&seeds);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
