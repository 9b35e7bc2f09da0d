/*
 * `bind` lines and the global TLS keywords (src/cfg/kw_bind.c, src/ssl/):
 * each option lands in the model, the global ssl-default-bind-* settings
 * reach the binds parsed after them, files must exist, OpenSSL rejects
 * bad cipher lists at check time, and the two keywords the guides get
 * wrong (ssl-engine, tune.ssl.ocsp-update.mode) say what to do.
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "weir/bind.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "check_main.h"

static char dir[64];
static char pem[128], ca[128], certs[128];
static struct cfg *cfg;

static EVP_PKEY *key1, *key2;
static X509 *cert1;

/* A self-signed certificate for key, named cn. */
static X509 *make_cert(EVP_PKEY *key, const char *cn)
{
	X509 *x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509_NAME *name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	ck_assert_int_gt(X509_sign(x, key, EVP_sha256()), 0);
	return x;
}

/* Writes a PEM file with the certificate and/or key given. */
static void write_pem(const char *path, X509 *x, EVP_PKEY *k)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	if (x)
		PEM_write_X509(f, x);
	if (k)
		PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
}

static void write_file(const char *path)
{
	write_pem(path, cert1, key1);
}

static void setup(void)
{
	strcpy(dir, "/tmp/weir-bind-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pem, sizeof(pem), "%s/site.pem", dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(certs, sizeof(certs), "%s/certs", dir);
	if (!key1) {
		key1 = EVP_EC_gen("P-256");
		key2 = EVP_EC_gen("P-256");
		cert1 = make_cert(key1, "site.test");
	}
	write_file(pem);
	write_pem(ca, cert1, NULL);
	mkdir(certs, 0700);
	char path[200];
	snprintf(path, sizeof(path), "%s/site.pem", certs);
	write_file(path);
	cfg = NULL;
}

static void teardown(void)
{
	char path[200];
	cfg_free(cfg);
	unlink(pem);
	unlink(ca);
	const char *names[] = { "site.pem", "bad.pem", "nokey.pem", "split.pem", "split.pem.key", "x.ocsp" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", certs, names[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(certs);
	rmdir(dir);
}

/* Loads text after replacing every @D with the temporary directory. */
static struct cfg *load(const char *fmt)
{
	char text[4096];
	size_t n = 0;
	for (const char *p = fmt; *p && n < sizeof(text) - 100; p++) {
		if (p[0] == '@' && p[1] == 'D') {
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", dir);
			p++;
		} else {
			text[n++] = *p;
		}
	}
	text[n] = 0;
	cfg_free(cfg);
	cfg = t_load(text);
	return cfg;
}

static struct bind_conf *bind_n(int px, int i)
{
	struct proxy_conf *p = cfg->proxies.v[px];
	ck_assert_int_gt(p->binds.n, i);
	return p->binds.v[i];
}

static void no_alerts(void)
{
	if (cfg->nalerts)
		t_print(cfg);
	ck_assert_int_eq(cfg->nalerts, 0);
}

static void alert(const char *msg)
{
	if (!t_diag(cfg, CFG_ALERT, msg)) {
		t_print(cfg);
		ck_abort_msg("no alert containing \"%s\"", msg);
	}
}

static void warning(const char *msg)
{
	if (!t_diag(cfg, CFG_WARNING, msg)) {
		t_print(cfg);
		ck_abort_msg("no warning containing \"%s\"", msg);
	}
}

/* ------------------------------------------------------------ addresses */

START_TEST(plain_binds)
{
	load("frontend fe\n  bind *:80\n  bind 0.0.0.0:3307\n  bind :::443 v6only\n");
	no_alerts();
	struct bind_conf *b = bind_n(0, 0);
	ck_assert_int_eq(b->addr.port, 80);
	ck_assert_int_eq(b->ssl, 0);
	ck_assert_int_eq(b->src.n, 1);
	ck_assert_str_eq(b->src.w[0], "*:80");
	ck_assert_int_eq(b->loc.line, 2);
	ck_assert_int_eq(b->unix_mode, -1);
	ck_assert_int_eq(bind_n(0, 1)->addr.port, 3307);
	b = bind_n(0, 2);
	ck_assert_str_eq(b->addr.host, "::");
	ck_assert_int_eq(b->v6only, 1);
}
END_TEST

START_TEST(address_list)
{
	load("frontend fe\n  bind :80,127.0.0.1:8080,unix@fe.sock accept-proxy maxconn 100\n");
	no_alerts();
	ck_assert_int_eq(((struct proxy_conf *)cfg->proxies.v[0])->binds.n, 3);
	for (int i = 0; i < 3; i++) {
		struct bind_conf *b = bind_n(0, i);
		ck_assert_int_eq(b->accept_proxy, 1);
		ck_assert_int_eq(b->maxconn, 100);
		ck_assert_int_eq(b->src.n, 4);
		ck_assert_str_eq(b->src.w[1], "accept-proxy");
	}
	ck_assert_str_eq(bind_n(0, 0)->src.w[0], ":80");
	ck_assert_str_eq(bind_n(0, 1)->src.w[0], "127.0.0.1:8080");
	ck_assert_int_eq(bind_n(0, 2)->addr.kind, CFG_ADDR_UNIX);
}
END_TEST

START_TEST(address_errors)
{
	load("frontend fe\n  bind admin.sock\n  bind *:80\n");
	alert("'bind admin.sock' : missing port specification in 'admin.sock'");
	/* the error does not stop the rest of the file */
	ck_assert_int_eq(((struct proxy_conf *)cfg->proxies.v[0])->binds.n, 1);
	load("frontend fe\n  bind *:99999\n");
	alert("'bind *:99999' : invalid port '99999'");
	load("frontend fe\n  bind :80,,:81\n");
	alert("empty address in the list");
	load("frontend fe\n  bind\n");
	alert("'bind' expects {<path>|[addr1]:port1[-end1]}{,...} [ param* ] as arguments");
	load("backend be\n  bind *:80\n");
	ck_assert_int_ge(cfg->nalerts, 1);
}
END_TEST

/* ------------------------------------------------------------ TLS */

START_TEST(ssl_crt_alpn)
{
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem alpn h2,http/1.1\n");
	no_alerts();
	struct bind_conf *b = bind_n(0, 0);
	ck_assert_int_eq(b->ssl, 1);
	ck_assert_int_eq(b->crts.n, 1);
	ck_assert_str_eq(b->crts.v[0], pem);
	ck_assert_str_eq(b->alpn, "h2,http/1.1");
	ck_assert_int_eq(b->verify, CFG_VERIFY_UNSET);
	ck_assert(!t_diag(cfg, CFG_WARNING, "'bind *:443'"));
}
END_TEST

START_TEST(ssl_crt_directory_and_repeat)
{
	load("frontend fe\n  bind *:443 ssl crt @D/certs/ crt @D/site.pem\n");
	no_alerts();
	struct bind_conf *b = bind_n(0, 0);
	ck_assert_int_eq(b->crts.n, 2);
	ck_assert_str_eq(b->crts.v[1], pem);
}
END_TEST

START_TEST(ssl_missing_files)
{
	load("frontend fe\n  bind *:443 ssl crt /etc/haproxy/certs/nope.pem\n");
	alert("'bind *:443' : unable to stat SSL certificate from file '/etc/haproxy/certs/nope.pem' : "
	      "No such file or directory");
	load("frontend fe\n  bind *:8443 ssl crt @D/site.pem ca-file /nope/ca.pem verify required\n");
	alert("'bind *:8443' : unable to stat CA certificates from file '/nope/ca.pem'");
	load("frontend fe\n  bind *:443 ssl crt-list /nope/list.txt\n");
	alert("unable to stat SSL certificate list from file '/nope/list.txt'");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem crl-file /nope/crl.pem\n");
	alert("unable to stat CRL from file '/nope/crl.pem'");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ca-file @D/certs\n");
	alert("is a directory, expected a file");
}
END_TEST

START_TEST(ssl_file_contents)
{
	char path[200];
	/* a certificate without its key */
	snprintf(path, sizeof(path), "%s/nokey.pem", dir);
	write_pem(path, cert1, NULL);
	load("frontend fe\n  bind *:443 ssl crt @D/nokey.pem\n");
	alert("'bind *:443' : unable to load SSL private key from PEM file '");
	/* the key may be beside it, in <file>.key */
	snprintf(path, sizeof(path), "%s/split.pem", dir);
	write_pem(path, cert1, NULL);
	snprintf(path, sizeof(path), "%s/split.pem.key", dir);
	write_pem(path, NULL, key1);
	load("frontend fe\n  bind *:443 ssl crt @D/split.pem\n");
	no_alerts();
	/* a key that does not belong to the certificate */
	snprintf(path, sizeof(path), "%s/bad.pem", dir);
	write_pem(path, cert1, key2);
	load("frontend fe\n  bind *:443 ssl crt @D/bad.pem\n");
	alert("inconsistencies between private key and certificate loaded from PEM file '");
	/* not PEM at all */
	snprintf(path, sizeof(path), "%s/nokey.pem", dir);
	FILE *f = fopen(path, "w");
	fputs("hello\n", f);
	fclose(f);
	load("frontend fe\n  bind *:443 ssl crt @D/nokey.pem\n");
	alert("unable to load SSL certificate from PEM file '");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ca-file @D/nokey.pem verify required\n");
	alert("unable to load CA certificates from file '");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ca-file @D/ca.pem crl-file @D/ca.pem\n");
	alert("unable to load CRL from file '");
	/* every certificate of a directory is loaded; companions are skipped */
	snprintf(path, sizeof(path), "%s/x.ocsp", certs);
	f = fopen(path, "w");
	fputs("not a certificate\n", f);
	fclose(f);
	load("frontend fe\n  bind *:443 ssl crt @D/certs/\n");
	no_alerts();
	snprintf(path, sizeof(path), "%s/bad.pem", certs);
	write_pem(path, cert1, key2);
	load("frontend fe\n  bind *:443 ssl crt @D/certs\n");
	alert("inconsistencies between private key and certificate loaded from PEM file '");
	ck_assert(t_diag(cfg, CFG_ALERT, "/certs/bad.pem'"));
}
END_TEST

START_TEST(ssl_without_crt)
{
	load("frontend fe\n  bind *:443 ssl\n");
	alert("'bind *:443' : 'ssl' is set but no certificate is specified (add 'crt <file|dir>' or "
	      "'crt-list <file>')");
	load("frontend fe\n  bind *:443 ssl strict-sni\n");
	no_alerts();
	warning("no SSL certificate specified");
	load("frontend fe\n  bind *:443 crt @D/site.pem\n");
	no_alerts();
	warning("certificates are given but 'ssl' is missing");
}
END_TEST

START_TEST(verify_and_ca)
{
	load("frontend fe\n  bind *:8443 ssl crt @D/site.pem ca-file @D/ca.pem verify required\n");
	no_alerts();
	struct bind_conf *b = bind_n(0, 0);
	ck_assert_int_eq(b->verify, CFG_VERIFY_REQUIRED);
	ck_assert_str_eq(b->ca_file, ca);
	load("frontend fe\n  bind *:8443 ssl crt @D/site.pem verify optional\n");
	alert("'bind *:8443' : verify is enabled but no CA file specified");
	load("frontend fe\n  bind *:8443 ssl crt @D/site.pem verify none\n");
	no_alerts();
	ck_assert_int_eq(bind_n(0, 0)->verify, CFG_VERIFY_NONE);
	load("frontend fe\n  bind *:8443 ssl crt @D/site.pem verify always\n");
	alert("unknown verify method 'always' (expects none, optional or required)");
}
END_TEST

START_TEST(unknown_option)
{
	load("frontend fe\n  bind *:443 ssl crtx @D/site.pem\n");
	alert("'bind *:443' unknown keyword 'crtx'. Did you mean 'crt' maybe ?");
	load("frontend fe\n  bind *:443 frobnicate\n");
	alert("'bind *:443' unknown keyword 'frobnicate'.");
	ck_assert(!t_diag(cfg, CFG_ALERT, "Did you mean"));
	load("frontend fe\n  bind *:443 ssl crt\n");
	alert("'bind *:443' : 'crt' expects <file|dir> as argument");
}
END_TEST

START_TEST(global_defaults_are_copied)
{
	load("global\n"
	     "  ssl-default-bind-ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384\n"
	     "  ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384\n"
	     "  ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets\n"
	     "frontend fe\n"
	     "  bind *:443 ssl crt @D/site.pem\n"
	     "  bind *:8443 ssl crt @D/site.pem ssl-min-ver TLSv1.3 ciphers ECDHE-RSA-AES256-GCM-SHA384\n");
	no_alerts();
	const struct cfg_global *g = &cfg->global;
	ck_assert_int_eq(g->ssl_bind_defaults.min_ver, SSL_VER_TLSV12);
	ck_assert_uint_eq(g->ssl_bind_defaults.flags, SSL_OPT_NO_TLS_TICKETS);
	struct bind_conf *b = bind_n(0, 0);
	ck_assert_int_eq(b->ssl_opts.min_ver, SSL_VER_TLSV12);
	ck_assert_uint_eq(b->ssl_opts.flags & SSL_OPT_NO_TLS_TICKETS, SSL_OPT_NO_TLS_TICKETS);
	ck_assert_str_eq(b->ssl_opts.ciphers, "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
	ck_assert_str_eq(b->ssl_opts.ciphersuites, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384");
	b = bind_n(0, 1);
	ck_assert_int_eq(b->ssl_opts.min_ver, SSL_VER_TLSV13);
	ck_assert_str_eq(b->ssl_opts.ciphers, "ECDHE-RSA-AES256-GCM-SHA384");
	/* the global copy is not changed by the bind */
	ck_assert_int_eq(g->ssl_bind_defaults.min_ver, SSL_VER_TLSV12);
}
END_TEST

START_TEST(bind_versions)
{
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem force-tlsv12\n");
	no_alerts();
	ck_assert_int_eq(bind_n(0, 0)->ssl_opts.min_ver, SSL_VER_TLSV12);
	ck_assert_int_eq(bind_n(0, 0)->ssl_opts.max_ver, SSL_VER_TLSV12);
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem no-sslv3 no-tlsv10 no-tlsv11 prefer-client-ciphers "
	     "allow-0rtt strict-sni no-ca-names\n");
	no_alerts();
	unsigned f = bind_n(0, 0)->ssl_opts.flags;
	ck_assert_uint_eq(f, SSL_OPT_NO_SSLV3 | SSL_OPT_NO_TLSV10 | SSL_OPT_NO_TLSV11 |
			  SSL_OPT_PREFER_CLIENT_CIPHERS | SSL_OPT_ALLOW_0RTT | SSL_OPT_STRICT_SNI |
			  SSL_OPT_NO_CA_NAMES);
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.2\n");
	alert("ssl-min-ver TLSv1.3 is above ssl-max-ver TLSv1.2");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ssl-min-ver TLSv1.2 no-tlsv12 no-tlsv13\n");
	alert("all SSL/TLS versions are disabled");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ssl-min-ver TLSv1.4\n");
	alert("'ssl-min-ver' : unknown version 'TLSv1.4' (expects SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3)");
}
END_TEST

START_TEST(bind_cipher_lists)
{
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ciphers NOPE-CIPHER\n");
	alert("'bind *:443' : 'ciphers' : unable to set SSL cipher list to 'NOPE-CIPHER'");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ciphers ECDHE-RSA-AES128-GCM-SHA256:TYPO-SHA\n");
	no_alerts();
	warning("'TYPO-SHA' matches no cipher known to");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem ciphersuites TLS_AES_128_GCM_SHA257\n");
	alert("unable to set TLS 1.3 cipher suites to 'TLS_AES_128_GCM_SHA257'");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem curves X25519:P-256 ecdhe prime256v1 "
	     "sigalgs RSA-PSS+SHA256:ECDSA+SHA256\n");
	no_alerts();
	struct bind_conf *b = bind_n(0, 0);
	ck_assert_str_eq(b->ssl_opts.curves, "X25519:P-256");
	ck_assert_str_eq(b->ssl_opts.ecdhe, "prime256v1");
	ck_assert_str_eq(b->ssl_opts.sigalgs, "RSA-PSS+SHA256:ECDSA+SHA256");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem curves X25519:P-999\n");
	alert("'curves' : unable to set SSL curves list to 'X25519:P-999'");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem sigalgs RSA+MD1\n");
	alert("unable to set signature algorithms to 'RSA+MD1'");
	load("frontend fe\n  bind *:443 ssl crt @D/site.pem alpn h2,,http/1.1\n");
	alert("'alpn' : empty protocol name in 'h2,,http/1.1'");
}
END_TEST

START_TEST(crt_base)
{
	char *path;
	load("global\n  crt-base @D\n  ca-base @D/\nfrontend fe\n"
	     "  bind *:443 ssl crt site.pem ca-file ca.pem verify optional\n");
	no_alerts();
	ck_assert_str_eq(bind_n(0, 0)->crts.v[0], pem);
	ck_assert_str_eq(bind_n(0, 0)->ca_file, ca);
	/* the dump keeps the words as written */
	path = t_dump(cfg);
	ck_assert_ptr_nonnull(strstr(path, "bind *:443 ssl crt site.pem ca-file ca.pem verify optional"));
	free(path);
	load("global\n  crt-base /a\n  crt-base /b\n");
	alert("'crt-base' already specified (as '/a')");
}
END_TEST

/* ------------------------------------------------------------ socket options */

START_TEST(socket_options)
{
	load("frontend fe\n"
	     "  bind *:80 name web id 7 maxconn 5000 backlog 1024 interface eth0 transparent defer-accept "
	     "tfo nice -10 mss 1400 tcp-ut 30s namespace blue thread 1-4 accept-netscaler-cip 4660\n"
	     "  bind unix@fe.sock mode 660 user haproxy group haproxy uid 100 gid 101\n");
	no_alerts();
	struct bind_conf *b = bind_n(0, 0);
	ck_assert_str_eq(b->name, "web");
	ck_assert_int_eq(b->id, 7);
	ck_assert_int_eq(b->maxconn, 5000);
	ck_assert_int_eq(b->backlog, 1024);
	ck_assert_str_eq(b->interface, "eth0");
	ck_assert_int_eq(b->transparent, 1);
	ck_assert_int_eq(b->defer_accept, 1);
	ck_assert_int_eq(b->tfo, 1);
	ck_assert_int_eq(b->nice, -10);
	ck_assert_int_eq(b->mss, 1400);
	ck_assert_int_eq(b->tcp_ut, 30000);
	ck_assert_str_eq(b->ns, "blue");
	ck_assert_str_eq(b->thread, "1-4");
	ck_assert_int_eq(b->accept_netscaler_cip, 4660);
	b = bind_n(0, 1);
	ck_assert_int_eq(b->unix_mode, 0660);
	ck_assert_str_eq(b->unix_user, "haproxy");
	ck_assert_str_eq(b->unix_group, "haproxy");
	ck_assert_int_eq(b->unix_uid, 100);
	ck_assert_int_eq(b->unix_gid, 101);
}
END_TEST

START_TEST(socket_option_errors)
{
	load("frontend fe\n  bind *:80 maxconn -1\n");
	alert("'bind *:80' : 'maxconn' '-1' is out of range");
	load("frontend fe\n  bind *:80 nice 2000\n");
	alert("'nice' '2000' is out of range (expects an integer between -1024 and 1024)");
	load("frontend fe\n  bind unix@x.sock mode 999\n");
	alert("'mode' expects an octal file mode such as 660");
	load("frontend fe\n  bind *:80 interface averyveryverylongname\n");
	alert("'interface' expects an interface name of 1 to 15 characters");
	load("frontend fe\n  bind *:80 id 0\n");
	alert("'id' '0' is out of range");
	load("frontend fe\n  bind *:80,*:81 id 3\n");
	alert("'id' can only be used with a single socket");
	load("frontend fe\n  bind *:80-81 id 3\n");
	alert("'id' can only be used with a single socket");
	load("frontend fe\n  bind *:80 id 3\n  bind *:81 id 3\n");
	alert("Proxy 'fe': custom id 3 of 'bind *:81' is already used by 'bind *:80' at test.cfg:2");
	load("frontend fe\n  bind *:80 thread 1..4\n");
	alert("invalid thread set '1..4'");
	load("frontend fe\n  bind *:80 tcp-ut 5x\n");
	alert("'tcp-ut' '5x' : unknown unit 'x'");
	load("frontend fe\n  bind *:80 level admin\n");
	no_alerts();
	warning("'level' only applies to 'stats socket' lines; ignored here");
	load("frontend fe\n  bind *:80 process 1\n");
	no_alerts();
	ck_assert(t_diag(cfg, CFG_NOTICE, "'process 1' is ignored"));
}
END_TEST

/* `stats socket` reuses the bind parser with its own options. */
START_TEST(stats_socket_options)
{
	struct cfg_ctx ctx;
	struct vec out = { 0 };
	char *argv[] = { "unix@admin.sock", "mode", "660", "level", "admin", "expose-fd", "listeners",
			 "severity-output", "string", NULL };
	char *line[] = { "stats", "socket", "unix@admin.sock", "mode", "660", "level", "admin",
			 "expose-fd", "listeners", "severity-output", "string", NULL };

	cfg = cfg_new();
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.arena = cfg->arena;
	ctx.sec = CFG_SEC_GLOBAL;
	ctx.kw = "stats socket";
	ctx.loc.file = "test.cfg";
	ctx.loc.line = 1;
	ctx.line.n = 11;
	ctx.line.w = line;
	ck_assert_int_eq(bind_parse_line(&ctx, 9, argv, 1, &out), 0);
	ck_assert_int_eq(out.n, 1);
	struct bind_conf *b = out.v[0];
	ck_assert_int_eq(b->addr.kind, CFG_ADDR_UNIX);
	ck_assert_int_eq(b->unix_mode, 0660);
	ck_assert_int_eq(b->level, STATS_LEVEL_ADMIN);
	ck_assert_int_eq(b->expose_fd_listeners, 1);
	ck_assert_int_eq(b->severity_output, 2);
	ck_assert_int_eq(cfg->nwarnings, 0);   /* level & co belong on stats sockets */

	char *argv2[] = { "unix@b.sock", NULL };
	ck_assert_int_eq(bind_parse_line(&ctx, 1, argv2, 1, &out), 0);
	ck_assert_int_eq(((struct bind_conf *)out.v[1])->level, STATS_LEVEL_OPERATOR);

	char *argv3[] = { "unix@c.sock", "level", "root", NULL };
	ck_assert_int_eq(bind_parse_line(&ctx, 3, argv3, 1, &out), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'stats socket unix@c.sock' : 'level' only supports 'user', "
			 "'operator', and 'admin' (got 'root')"));
	char *argv4[] = { "admin.sock", NULL };
	ck_assert_int_eq(bind_parse_line(&ctx, 1, argv4, 1, &out), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'stats socket admin.sock' : missing port specification in 'admin.sock'"));
	char *argv5[] = { "unix@d.sock", "expose-fd", "all", NULL };
	ck_assert_int_eq(bind_parse_line(&ctx, 3, argv5, 1, &out), -1);
	ck_assert(t_diag(cfg, CFG_ALERT, "'expose-fd' only supports 'listeners' (got 'all')"));
}
END_TEST

/* ------------------------------------------------------------ dump */

START_TEST(dump_round_trip)
{
	load("global\n  ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets\n"
	     "  ssl-default-bind-ciphers ECDHE-RSA-AES128-GCM-SHA256\n"
	     "  tune.ssl.cachesize 100000\n  tune.ssl.lifetime 600\n  tune.ssl.default-dh-param 2048\n"
	     "  ssl-mode-async\n"
	     "frontend fe\n  bind :80,:81 accept-proxy\n"
	     "  bind *:443 ssl crt \"@D/site.pem\" alpn h2,http/1.1 force-tlsv12\n");
	no_alerts();
	char *d1 = t_dump(cfg);
	ck_assert_ptr_nonnull(strstr(d1, "bind :80 accept-proxy"));
	ck_assert_ptr_nonnull(strstr(d1, "bind :81 accept-proxy"));
	ck_assert_ptr_nonnull(strstr(d1, "alpn h2,http/1.1 force-tlsv12"));
	ck_assert_ptr_nonnull(strstr(d1, "ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets"));
	ck_assert_ptr_nonnull(strstr(d1, "tune.ssl.cachesize 100000"));
	ck_assert_ptr_nonnull(strstr(d1, "tune.ssl.lifetime 600"));
	ck_assert_ptr_nonnull(strstr(d1, "ssl-mode-async"));
	ck_assert_ptr_null(strstr(d1, "tune.ssl.maxrecord"));
	struct cfg *again = t_load(d1);
	ck_assert_int_eq(again->nalerts, 0);
	char *d2 = t_dump(again);
	ck_assert_str_eq(d1, d2);
	free(d1);
	free(d2);
	cfg_free(again);
}
END_TEST

/* ------------------------------------------------------------ global TLS keywords */

START_TEST(global_ssl_values)
{
	load("global\n  tune.ssl.cachesize 100000\n  tune.ssl.lifetime 10m\n  tune.ssl.default-dh-param 2048\n"
	     "  tune.ssl.maxrecord 1419\n  tune.ssl.capture-buffer-size 96\n  tune.ssl.keylog on\n"
	     "  ssl-server-verify none\n  ssl-default-server-options ssl-min-ver TLSv1.2\n"
	     "  ssl-default-server-ciphers ECDHE-RSA-AES128-GCM-SHA256\n  ssl-dh-param-file @D/ca.pem\n"
	     "  ssl-load-extra-files bundle key\n");
	no_alerts();
	const struct cfg_global *g = &cfg->global;
	ck_assert_int_eq(g->tune_ssl_cachesize, 100000);
	ck_assert_int_eq(g->tune_ssl_lifetime, 600);
	ck_assert_int_eq(g->tune_ssl_default_dh_param, 2048);
	ck_assert_int_eq(g->tune_ssl_maxrecord, 1419);
	ck_assert_int_eq(g->tune_ssl_capture_buffer_size, 96);
	ck_assert_int_eq(g->tune_ssl_keylog, 1);
	ck_assert_str_eq(g->ssl_server_verify, "none");
	ck_assert_int_eq(g->ssl_server_defaults.min_ver, SSL_VER_TLSV12);
	ck_assert_str_eq(g->ssl_server_defaults.ciphers, "ECDHE-RSA-AES128-GCM-SHA256");
	ck_assert_str_eq(g->ssl_load_extra_files, "bundle key");
}
END_TEST

START_TEST(global_ssl_errors)
{
	load("global\n  ssl-default-bind-ciphers NOT-A-CIPHER:ALSO-NOT\n");
	alert("'ssl-default-bind-ciphers' : unable to set SSL cipher list to 'NOT-A-CIPHER:ALSO-NOT'");
	load("global\n  ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_FOO\n");
	no_alerts();
	warning("'TLS_FOO' is not known to");
	load("global\n  ssl-default-bind-options no-sslv3 no-tlsv9\n");
	alert("'ssl-default-bind-options' : unknown option 'no-tlsv9'");
	load("global\n  ssl-default-bind-options ssl-min-ver\n");
	alert("'ssl-min-ver' expects a version");
	load("global\n  ssl-default-server-options prefer-client-ciphers\n");
	alert("'ssl-default-server-options' : unknown option 'prefer-client-ciphers'");
	load("global\n  tune.ssl.default-dh-param 512\n");
	alert("'tune.ssl.default-dh-param' : '512' is out of range (expects an integer between 1024 and 16384)");
	load("global\n  ssl-server-verify maybe\n");
	alert("'ssl-server-verify' : unknown value 'maybe' (expects 'none' or 'required')");
	load("global\n  ssl-dh-param-file /nope/dh.pem\n");
	alert("unable to stat DH parameters from file '/nope/dh.pem'");
	load("global\n  tune.ssl.keylog maybe\n");
	alert("expects 'on' or 'off' but got 'maybe'");
	load("global\n  ssl-default-bind-curves X25519:nope\n");
	alert("'ssl-default-bind-curves' : unable to set SSL curves list to 'X25519:nope'");
}
END_TEST

START_TEST(refused_keywords)
{
	load("global\n  ssl-engine rdrand\n  ssl-mode-async\n");
	ck_assert_int_eq(cfg->nalerts, 1);
	alert("'ssl-engine rdrand' : weir is built on OpenSSL 3");
	alert("without ENGINE support (like Debian's HAProxy 2.6 package");
	alert("Remove the line: OpenSSL uses the CPU's AES-NI and RDRAND instructions by itself");
	ck_assert(!t_diag(cfg, -1, "unknown keyword"));
	ck_assert_int_eq(cfg->global.ssl_mode_async, 1);
	load("global\n  tune.ssl.ocsp-update.mode on\n");
	ck_assert_int_eq(cfg->nalerts, 1);
	alert("'tune.ssl.ocsp-update.mode' is not supported : it existed only in HAProxy 3.0 development "
	      "versions");
	alert("Remove the line.");
	ck_assert(!t_diag(cfg, -1, "unknown keyword"));
}
END_TEST

static Suite *bind_suite(void)
{
	Suite *s = suite_create("bind");
	TCase *tc = tcase_create("bind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plain_binds);
	tcase_add_test(tc, address_list);
	tcase_add_test(tc, address_errors);
	tcase_add_test(tc, ssl_crt_alpn);
	tcase_add_test(tc, ssl_crt_directory_and_repeat);
	tcase_add_test(tc, ssl_missing_files);
	tcase_add_test(tc, ssl_file_contents);
	tcase_add_test(tc, ssl_without_crt);
	tcase_add_test(tc, verify_and_ca);
	tcase_add_test(tc, unknown_option);
	tcase_add_test(tc, global_defaults_are_copied);
	tcase_add_test(tc, bind_versions);
	tcase_add_test(tc, bind_cipher_lists);
	tcase_add_test(tc, crt_base);
	tcase_add_test(tc, socket_options);
	tcase_add_test(tc, socket_option_errors);
	tcase_add_test(tc, stats_socket_options);
	tcase_add_test(tc, dump_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("global");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, global_ssl_values);
	tcase_add_test(tc, global_ssl_errors);
	tcase_add_test(tc, refused_keywords);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(bind_suite)
