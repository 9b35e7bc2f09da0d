/*
 * TLS configuration checks: cipher lists, TLS 1.3 ciphersuites, curves
 * and signature algorithms are handed to the linked OpenSSL on a scratch
 * SSL_CTX, so a list OpenSSL would refuse at startup is a configuration
 * error under `weir -c` already; plus the TLS version and option words
 * shared by `ssl-default-*-options`, `bind` and `server`.
 *
 * Runs in the master and in `weir -c`. Owns only the scratch SSL_CTX of
 * each check (freed before returning).
 */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "weir/cfg.h"
#include "weir/ssl.h"
#include "weir/util.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* ------------------------------------------------------------ OpenSSL lists */

/* "OpenSSL 3.0.11": the library in use, for messages. */
static const char *openssl_name(void)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "OpenSSL %s", OpenSSL_version(OPENSSL_FULL_VERSION_STRING));
	return buf;
}

static SSL_CTX *scratch_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());
	WEIR_ASSERT(ctx != NULL);
	return ctx;
}

/* The reason OpenSSL gave last, or a default. Clears the error queue. */
static const char *ssl_reason(void)
{
	static char buf[160];
	unsigned long e = ERR_peek_last_error();
	if (!e)
		snprintf(buf, sizeof(buf), "not accepted by OpenSSL");
	else
		snprintf(buf, sizeof(buf), "%s", ERR_reason_error_string(e) ? ERR_reason_error_string(e)
									   : "not accepted by OpenSSL");
	ERR_clear_error();
	return buf;
}

/* Words of an OpenSSL cipher string that select ciphers (not operators
 * such as "!aNULL", "-RSA", "+SHA1" or "@STRENGTH"). */
static int cipher_word_selects(const char *w)
{
	return *w && *w != '!' && *w != '-' && *w != '+' && *w != '@';
}

/* Appends word to the list of ignored words in buf. */
static void note_ignored(char *buf, size_t len, const char *w)
{
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "%s'%s'", n ? ", " : "", w);
}

/*
 * OpenSSL accepts a cipher list when at least one word matches, and drops
 * the others silently. A list where nothing matches is an error; a word
 * that matches nothing (a typo, or a cipher this OpenSSL no longer offers)
 * is reported as a warning, since HAProxy would start with such a list.
 */
int ssl_check_ciphers(const char *list, char *err, size_t errlen)
{
	SSL_CTX *ctx = scratch_ctx();
	char ignored[512] = "";
	int ret = 0;

	if (!SSL_CTX_set_cipher_list(ctx, list)) {
		snprintf(err, errlen, "unable to set SSL cipher list to '%s' : no cipher in it is known to %s",
			 list, openssl_name());
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return -1;
	}
	char *copy = xstrdup(list), *save = NULL;
	for (char *w = strtok_r(copy, ":, ", &save); w; w = strtok_r(NULL, ":, ", &save)) {
		if (cipher_word_selects(w) && !SSL_CTX_set_cipher_list(ctx, w)) {
			note_ignored(ignored, sizeof(ignored), w);
			ret = 1;
		}
	}
	ERR_clear_error();
	if (ret)
		snprintf(err, errlen, "cipher list '%s' : %s match%s no cipher known to %s and %s ignored",
			 list, ignored, strchr(ignored, ',') ? "" : "es", openssl_name(),
			 strchr(ignored, ',') ? "are" : "is");
	free(copy);
	SSL_CTX_free(ctx);
	return ret;
}

/* Is name one of the TLS 1.3 suites OpenSSL offers once `list` is set? */
static int ctx_has_suite(SSL_CTX *ctx, const char *name)
{
	STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
	for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		if (strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0 && strcmp(SSL_CIPHER_get_name(c), name) == 0)
			return 1;
	}
	return 0;
}

/* OpenSSL ignores unknown TLS 1.3 suite names without a word, so each
 * name is looked up: none known is an error, some unknown a warning. */
int ssl_check_ciphersuites(const char *list, char *err, size_t errlen)
{
	SSL_CTX *ctx = scratch_ctx();
	char ignored[512] = "";
	int known = 0, unknown = 0;

	char *copy = xstrdup(list), *save = NULL;
	for (char *w = strtok_r(copy, ":", &save); w; w = strtok_r(NULL, ":", &save)) {
		if (SSL_CTX_set_ciphersuites(ctx, w) && ctx_has_suite(ctx, w)) {
			known++;
		} else {
			unknown++;
			note_ignored(ignored, sizeof(ignored), w);
		}
	}
	ERR_clear_error();
	free(copy);
	SSL_CTX_free(ctx);
	if (unknown && !known) {
		snprintf(err, errlen, "unable to set TLS 1.3 cipher suites to '%s' : no suite in it is known to %s "
			 "(expects names such as TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
			 "TLS_CHACHA20_POLY1305_SHA256)", list, openssl_name());
		return -1;
	}
	if (unknown) {
		snprintf(err, errlen, "TLS 1.3 cipher suites '%s' : %s %s not known to %s and %s ignored",
			 list, ignored, unknown > 1 ? "are" : "is", openssl_name(),
			 unknown > 1 ? "are" : "is");
		return 1;
	}
	return 0;
}

/* Curves, signature algorithms: OpenSSL refuses a list with any unknown
 * name, and so does HAProxy at startup. */
static int check_list(const char *what, const char *list, int (*set)(SSL_CTX *, const char *),
		      char *err, size_t errlen)
{
	SSL_CTX *ctx = scratch_ctx();
	int ok = set(ctx, list);
	if (!ok)
		snprintf(err, errlen, "unable to set %s to '%s' : %s", what, list, ssl_reason());
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int set_curves(SSL_CTX *ctx, const char *l) { return (int)SSL_CTX_set1_curves_list(ctx, l); }
static int set_sigalgs(SSL_CTX *ctx, const char *l) { return (int)SSL_CTX_set1_sigalgs_list(ctx, l); }
static int set_client_sigalgs(SSL_CTX *ctx, const char *l)
{
	return (int)SSL_CTX_set1_client_sigalgs_list(ctx, l);
}

int ssl_check_curves(const char *list, char *err, size_t errlen)
{
	return check_list("SSL curves list", list, set_curves, err, errlen);
}

int ssl_check_ecdhe(const char *name, char *err, size_t errlen)
{
	if (strchr(name, ':')) {
		snprintf(err, errlen, "'%s' : 'ecdhe' takes one named curve (use 'curves' for a list)", name);
		return -1;
	}
	return check_list("ECDHE curve", name, set_curves, err, errlen);
}

int ssl_check_sigalgs(const char *list, char *err, size_t errlen)
{
	return check_list("signature algorithms", list, set_sigalgs, err, errlen);
}

int ssl_check_client_sigalgs(const char *list, char *err, size_t errlen)
{
	return check_list("client signature algorithms", list, set_client_sigalgs, err, errlen);
}

/* ------------------------------------------------------------ PEM files */

/* Encrypted keys cannot be used unattended: refuse to prompt. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf; (void)size; (void)rwflag; (void)u;
	return -1;
}

static X509 *pem_first_cert(const char *path)
{
	BIO *in = BIO_new_file(path, "r");
	X509 *x = in ? PEM_read_bio_X509(in, NULL, no_passphrase, NULL) : NULL;
	BIO_free(in);
	ERR_clear_error();
	return x;
}

static EVP_PKEY *pem_key(const char *path)
{
	BIO *in = BIO_new_file(path, "r");
	EVP_PKEY *k = in ? PEM_read_bio_PrivateKey(in, NULL, no_passphrase, NULL) : NULL;
	BIO_free(in);
	ERR_clear_error();
	return k;
}

/*
 * A certificate file as HAProxy loads it: a certificate, and its private
 * key in the same file or beside it in "<file>.key"; the two must match.
 * Chain certificates may follow the first one.
 */
int ssl_check_cert_file(const char *path, char *err, size_t errlen)
{
	X509 *x = pem_first_cert(path);
	EVP_PKEY *k = NULL;
	int ret = -1;

	if (!x) {
		snprintf(err, errlen, "unable to load SSL certificate from PEM file '%s'", path);
		return -1;
	}
	k = pem_key(path);
	if (!k) {
		char keypath[4096];
		snprintf(keypath, sizeof(keypath), "%s.key", path);
		k = pem_key(keypath);
	}
	if (!k)
		snprintf(err, errlen, "unable to load SSL private key from PEM file '%s' (nor from '%s.key'; "
			 "an encrypted key cannot be used)", path, path);
	else if (X509_check_private_key(x, k) != 1)
		snprintf(err, errlen, "inconsistencies between private key and certificate loaded from PEM "
			 "file '%s'", path);
	else
		ret = 0;
	ERR_clear_error();
	EVP_PKEY_free(k);
	X509_free(x);
	return ret;
}

/* Names `crt <dir>` skips: companions of a certificate, hidden files. */
static int cert_dir_skips(const char *name)
{
	static const char *const ext[] = { ".key", ".ocsp", ".issuer", ".sctl" };
	const char *dot = strrchr(name, '.');
	if (name[0] == '.')
		return 1;
	for (size_t i = 0; dot && i < ARRAY_SIZE(ext); i++)
		if (strcmp(dot, ext[i]) == 0)
			return 1;
	return 0;
}

int ssl_check_cert_dir(const char *dir, char *err, size_t errlen)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort), ret = 0;

	if (n < 0) {
		snprintf(err, errlen, "unable to read directory '%s'", dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
			 list[i]->d_name);
		if (ret == 0 && !cert_dir_skips(list[i]->d_name) && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			ret = ssl_check_cert_file(path, err, errlen);
		free(list[i]);
	}
	free(list);
	return ret;
}

int ssl_check_ca_file(const char *path, int crl, char *err, size_t errlen)
{
	BIO *in = BIO_new_file(path, "r");
	void *obj = NULL;

	if (in)
		obj = crl ? (void *)PEM_read_bio_X509_CRL(in, NULL, no_passphrase, NULL)
			  : (void *)PEM_read_bio_X509(in, NULL, no_passphrase, NULL);
	BIO_free(in);
	ERR_clear_error();
	if (!obj) {
		snprintf(err, errlen, "unable to load %s from file '%s' : no PEM %s found in it",
			 crl ? "CRL" : "CA certificates", path, crl ? "X509 CRL" : "certificate");
		return -1;
	}
	if (crl)
		X509_CRL_free(obj);
	else
		X509_free(obj);
	return 0;
}

/* ------------------------------------------------------------ versions */

static const char *const ssl_ver_names[] = {
	[SSL_VER_ANY] = "any", [SSL_VER_SSLV3] = "SSLv3", [SSL_VER_TLSV10] = "TLSv1.0",
	[SSL_VER_TLSV11] = "TLSv1.1", [SSL_VER_TLSV12] = "TLSv1.2", [SSL_VER_TLSV13] = "TLSv1.3",
};

int ssl_parse_version(const char *s, enum ssl_ver *out)
{
	for (int v = SSL_VER_SSLV3; v <= SSL_VER_TLSV13; v++) {
		if (strcmp(s, ssl_ver_names[v]) == 0) {
			*out = (enum ssl_ver)v;
			return 0;
		}
	}
	return -1;
}

const char *ssl_version_name(enum ssl_ver v)
{
	return v <= SSL_VER_TLSV13 ? ssl_ver_names[v] : "?";
}

/* The no-* flag of each version, indexed by enum ssl_ver. */
static const unsigned ssl_ver_noflag[] = {
	[SSL_VER_SSLV3] = SSL_OPT_NO_SSLV3, [SSL_VER_TLSV10] = SSL_OPT_NO_TLSV10,
	[SSL_VER_TLSV11] = SSL_OPT_NO_TLSV11, [SSL_VER_TLSV12] = SSL_OPT_NO_TLSV12,
	[SSL_VER_TLSV13] = SSL_OPT_NO_TLSV13,
};

/* The suffix of no-X / force-X words ("tlsv12") for a version. */
static const char *const ssl_ver_words[] = {
	[SSL_VER_SSLV3] = "sslv3", [SSL_VER_TLSV10] = "tlsv10", [SSL_VER_TLSV11] = "tlsv11",
	[SSL_VER_TLSV12] = "tlsv12", [SSL_VER_TLSV13] = "tlsv13",
};

static int ssl_word_version(const char *suffix)
{
	for (int v = SSL_VER_SSLV3; v <= SSL_VER_TLSV13; v++)
		if (strcmp(suffix, ssl_ver_words[v]) == 0)
			return v;
	return -1;
}

static int opts_minmax(struct ssl_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	enum ssl_ver v;
	if (argc < 2) {
		snprintf(err, errlen, "'%s' expects a version (SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3)",
			 argv[0]);
		return -1;
	}
	if (ssl_parse_version(argv[1], &v) < 0) {
		snprintf(err, errlen, "'%s' : unknown version '%s' (expects SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 "
			 "or TLSv1.3)", argv[0], argv[1]);
		return -1;
	}
	if (strcmp(argv[0], "ssl-min-ver") == 0)
		o->min_ver = v;
	else
		o->max_ver = v;
	return 2;
}

int ssl_opts_word(struct ssl_opts *o, enum ssl_opts_for use, int argc, char **argv,
		  char *err, size_t errlen)
{
	const char *w = argv[0];
	int v;

	if (strcmp(w, "ssl-min-ver") == 0 || strcmp(w, "ssl-max-ver") == 0)
		return opts_minmax(o, argc, argv, err, errlen);
	if (strncmp(w, "no-", 3) == 0 && (v = ssl_word_version(w + 3)) > 0) {
		o->flags |= ssl_ver_noflag[v];
		return 1;
	}
	if (strncmp(w, "force-", 6) == 0 && (v = ssl_word_version(w + 6)) > 0) {
		o->min_ver = o->max_ver = (enum ssl_ver)v;
		return 1;
	}
	if (strcmp(w, "no-tls-tickets") == 0) {
		o->flags |= SSL_OPT_NO_TLS_TICKETS;
		return 1;
	}
	if (use == SSL_OPTS_FOR_BIND && strcmp(w, "prefer-client-ciphers") == 0) {
		o->flags |= SSL_OPT_PREFER_CLIENT_CIPHERS;
		return 1;
	}
	return 0;
}

struct cfg_words ssl_opts_words(struct arena *a, const struct ssl_opts *o)
{
	char *w[16];
	int n = 0;

	if (o->min_ver) {
		w[n++] = "ssl-min-ver";
		w[n++] = (char *)ssl_version_name(o->min_ver);
	}
	if (o->max_ver) {
		w[n++] = "ssl-max-ver";
		w[n++] = (char *)ssl_version_name(o->max_ver);
	}
	for (int v = SSL_VER_SSLV3; v <= SSL_VER_TLSV13; v++)
		if (o->flags & ssl_ver_noflag[v])
			w[n++] = arena_printf(a, "no-%s", ssl_ver_words[v]);
	if (o->flags & SSL_OPT_NO_TLS_TICKETS)
		w[n++] = "no-tls-tickets";
	if (o->flags & SSL_OPT_PREFER_CLIENT_CIPHERS)
		w[n++] = "prefer-client-ciphers";
	return cfg_words_dup(a, n, w);
}

int ssl_opts_check_versions(const struct ssl_opts *o, char *err, size_t errlen)
{
	int lo = o->min_ver ? (int)o->min_ver : SSL_VER_SSLV3;
	int hi = o->max_ver ? (int)o->max_ver : SSL_VER_TLSV13;

	if (lo > hi) {
		snprintf(err, errlen, "ssl-min-ver %s is above ssl-max-ver %s: no TLS version is left",
			 ssl_version_name((enum ssl_ver)lo), ssl_version_name((enum ssl_ver)hi));
		return -1;
	}
	for (int v = lo; v <= hi; v++)
		if (!(o->flags & ssl_ver_noflag[v]))
			return 0;
	snprintf(err, errlen, "all SSL/TLS versions are disabled (between %s and %s, every version has its "
		 "no-* option); remove some of them or use 'ssl-min-ver TLSv1.2'",
		 ssl_version_name((enum ssl_ver)lo), ssl_version_name((enum ssl_ver)hi));
	return -1;
}

const char *ssl_base_path(struct arena *a, const char *base, const char *path)
{
	if (!base || !*base || path[0] == '/' || path[0] == '@')
		return path;
	return arena_printf(a, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", path);
}
