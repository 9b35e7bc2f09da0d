/*
 * weir's entry point: reads the command line and runs the one-shot modes
 * (-c, -v, -vv, -cc, --help); any other run starts the daemon
 * (src/master/).
 */
#include <errno.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "config.h"
#include "weir/cfg.h"
#include "weir/cli.h"
#include "weir/cond.h"
#include "weir/master.h"
#include "weir/rule.h"
#include "weir/yaml.h"

static void print_version(void)
{
	printf("weir version %s - an HAProxy-compatible load balancer and reverse proxy\n",
	       PACKAGE_VERSION);
	printf("Configuration language: HAProxy 2.6 (haproxy.cfg), and YAML\n");
}

static void print_build_info(void)
{
	char pcre[64] = "";
	uint32_t jit = 0;
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	print_version();
	printf("\nBuild options :\n  CC      = %s\n  OPTIONS = %s\n", WEIR_CC, WEIR_BUILD_OPTIONS);
	printf("\nFeature list : %s\n", cfg_cond_features());
	printf("\nBuilt with OpenSSL version : %s\n", OPENSSL_VERSION_TEXT);
	printf("Running on OpenSSL version : %s\n", OpenSSL_version(OPENSSL_VERSION));
	printf("OpenSSL library supports TLS extensions : yes\n");
	printf("OpenSSL library supports SNI : yes\n");
	printf("OpenSSL library supports : TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3\n");
	printf("Built with libevent version : %s\n", LIBEVENT_VERSION);
	printf("Running on libevent version : %s\n", event_get_version());
	printf("Built with PCRE2 version : %s\n", pcre);
	printf("PCRE2 library supports JIT : %s\n", jit ? "yes" : "no (USE_PCRE2_JIT not set)");
	printf("Built with libyaml version : %s\n", yaml_get_version_string());
	printf("\nAvailable polling systems :\n      epoll : pref=300,  test result OK\n"
	       "       poll : pref=200,  test result OK\n");
	printf("Total: 2 (2 usable), will use epoll.\n");
}

/* One line per keyword: name, sections, synopsis, help (tab-separated);
 * contrib/gen-man-keywords turns it into weir.cfg(5)'s reference. */
static void print_keyword(const struct cfg_kw *kw, void *arg)
{
	(void)arg;
	char secs[128] = "";
	for (unsigned b = CFG_SEC_GLOBAL; b <= CFG_SEC_LAST; b <<= 1)
		if (kw->sections & b) {
			if (secs[0])
				strcat(secs, ",");
			strcat(secs, cfg_section_name((enum cfg_section)b));
		}
	printf("%s\t%s\t%s\t%s\n", kw->name, secs, kw->usage ? kw->usage : "",
	       kw->help ? kw->help : "");
}

/* The actions of http-request and the other rule lists, listed as
 * "<list> <action>" so the man page documents each one. */
static void print_action(const char *list, const char *action, const char *usage,
			 const char *help, void *arg)
{
	(void)arg;
	printf("%s %s\t%s\t%s\t%s\n", list, action, "frontend,backend,listen",
	       usage ? usage : "", help ? help : "");
}

/* What `weir -c -V` and `quickstart run` print: what the file declares. */
static void print_summary(const struct cfg *cfg)
{
	const struct proxy_conf *px;
	int workers = cfg->global.nbthread ? cfg->global.nbthread : cfg->global.nbproc;
	if (workers)
		printf("Workers: %d, maxconn: %d\n", workers, cfg->global.maxconn);
	else
		printf("Workers: one per CPU (%ld), maxconn: %d\n", sysconf(_SC_NPROCESSORS_ONLN),
		       cfg->global.maxconn);
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px) {
		const char *kind = (px->cap & PX_CAP_FE) && (px->cap & PX_CAP_BE) ? "listen" :
				   (px->cap & PX_CAP_FE) ? "frontend" : "backend";
		printf("%-8s %-20s mode %-4s", kind, px->name, px->mode == PX_MODE_HTTP ? "http" : "tcp");
		const struct bind_conf *b;
		VEC_EACH(&px->binds, const struct bind_conf *, b)
			printf(" bind %s%s", b->addr.text, b->ssl ? " (ssl)" : "");
		if (px->default_backend)
			printf(" -> %s", px->default_backend);
		if (px->servers.n)
			printf(" servers %d", px->servers.n);
		printf("\n");
		const struct server_conf *s;
		VEC_EACH(&px->servers, const struct server_conf *, s)
			printf("    server %-16s %s%s%s\n", s->name, s->addr.text,
			       s->check ? " check" : "", s->backup ? " backup" : "");
	}
}

/* -c: 0 valid, 1 errors, 2 valid but nothing listens (HAProxy's codes). */
static int run_check(const struct cli_opts *o)
{
	struct cfg *cfg = master_load_config(o);
	if (!o->quiet)
		cfg_print_diags(cfg, stderr);
	int rc;
	if (cfg->nalerts) {
		if (!o->quiet)
			fprintf(stderr, "[ALERT]    (%d) : config : Fatal errors found in configuration "
				"(%d error%s, %d warning%s).\n", (int)getpid(), cfg->nalerts,
				cfg->nalerts > 1 ? "s" : "", cfg->nwarnings,
				cfg->nwarnings == 1 ? "" : "s");
		rc = 1;
	} else if (o->dump == CLI_DUMP_CFG) {
		cfg_dump_cfg(cfg, stdout);
		rc = 0;
	} else if (o->dump == CLI_DUMP_YAML) {
		cfg_dump_yaml(cfg, stdout);
		rc = 0;
	} else if (cfg_count_listeners(cfg) == 0) {
		if (!o->quiet)
			fprintf(stderr, "[ALERT]    (%d) : config : Configuration file has no error "
				"but will not start (no listener) => exit(2).\n", (int)getpid());
		rc = 2;
	} else {
		if (o->verbose)
			print_summary(cfg);
		if (!o->quiet)
			printf("Configuration file is valid\n");
		rc = 0;
	}
	cfg_free(cfg);
	return rc;
}

static int run_cond(const struct cli_opts *o)
{
	char err[256];
	int r = cfg_cond_eval(o->cond, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "Failed to evaluate condition: %s\n", err);
		return 2;
	}
	return r ? 0 : 1;
}

/*
 * Flags that only matter to the running daemon are still checked now, so
 * a typo in an init script fails at once: -S takes a listening address
 * (then bind options after commas), -x a UNIX socket path.
 */
static int validate_daemon_flags(const struct cli_opts *o, char *err, size_t errlen)
{
	if (o->master_cli) {
		char addr[256], why[200];
		snprintf(addr, sizeof(addr), "%s", o->master_cli);
		addr[strcspn(addr, ",")] = '\0';
		struct arena *a = arena_new();
		struct cfg_addr out;
		int r = cfg_parse_addr(a, addr, CFG_ADDR_FOR_BIND, &out, why, sizeof(why));
		arena_free(a);
		if (r < 0) {
			snprintf(err, errlen, "-S '%s' : %s (expected a path such as "
				 "/run/weir-master.sock, or <ip>:<port>)", o->master_cli, why);
			return -1;
		}
	}
	if (o->xfer_socket && strncmp(o->xfer_socket, "unix@", 5) != 0 && o->xfer_socket[0] != '/' &&
	    !strchr(o->xfer_socket, '/')) {
		snprintf(err, errlen, "-x '%s' : expected the path of a stats socket declared with "
			 "'expose-fd listeners'", o->xfer_socket);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_opts o;
	char err[1024];
	if (cli_parse(argc, argv, &o, err, sizeof(err)) < 0 ||
	    validate_daemon_flags(&o, err, sizeof(err)) < 0) {
		fprintf(stderr, "[ALERT]    (%d) : %s\n", (int)getpid(), err);
		cli_usage(stderr, "weir");
		cli_opts_free(&o);
		return 1;
	}
	if (o.chdir && chdir(o.chdir) < 0) {
		fprintf(stderr, "[ALERT]    (%d) : cannot change to directory '%s' (-C): %s\n",
			(int)getpid(), o.chdir, strerror(errno));
		cli_opts_free(&o);
		return 1;
	}
	int rc = 0;
	switch (o.mode) {
	case CLI_VERSION: print_version(); break;
	case CLI_BUILD_INFO: print_build_info(); break;
	case CLI_HELP: print_version(); cli_usage(stdout, "weir"); break;
	case CLI_LIST_KEYWORDS:
		cfg_kw_foreach(print_keyword, NULL);
		rule_foreach_action(print_action, NULL);
		break;
	case CLI_COND: rc = run_cond(&o); break;
	case CLI_CHECK: rc = run_check(&o); break;
	case CLI_RUN: rc = master_main(&o, argv); break;
	}
	cli_opts_free(&o);
	return rc;
}
