/*
 * TLS configuration helpers shared by the `global` SSL keywords, `bind`
 * and `server` lines: validation of OpenSSL lists against the linked
 * library (on a scratch SSL_CTX, never a live one), TLS versions, and the
 * option words common to `ssl-default-*-options`, `bind` and `server`.
 * Runs in the master and in `weir -c` (src/ssl/ssl_kw.c).
 */
#ifndef WEIR_SSL_H
#define WEIR_SSL_H

#include <stddef.h>

#include "weir/cfg-t.h"

/*
 * Each check returns 0 when OpenSSL accepts the list, -1 when it rejects it
 * (err says why), and 1 when it accepts it but ignores some of its words
 * (err names them: report it as a warning, as HAProxy would load it).
 */
int ssl_check_ciphers(const char *list, char *err, size_t errlen);
int ssl_check_ciphersuites(const char *list, char *err, size_t errlen);
int ssl_check_curves(const char *list, char *err, size_t errlen);
int ssl_check_ecdhe(const char *name, char *err, size_t errlen);
int ssl_check_sigalgs(const char *list, char *err, size_t errlen);
int ssl_check_client_sigalgs(const char *list, char *err, size_t errlen);

/*
 * Files as the TLS layer loads them: a certificate with its matching key
 * (in the file or in "<file>.key"); every certificate of a `crt <dir>`
 * (companion .key/.ocsp/.issuer/.sctl files skipped); at least one CA
 * certificate (crl = 0) or CRL (crl = 1). 0 or -1 with a message.
 */
int ssl_check_cert_file(const char *path, char *err, size_t errlen);
int ssl_check_cert_dir(const char *dir, char *err, size_t errlen);
int ssl_check_ca_file(const char *path, int crl, char *err, size_t errlen);

/* "SSLv3", "TLSv1.0" .. "TLSv1.3" <-> enum ssl_ver. -1 when unknown. */
int ssl_parse_version(const char *s, enum ssl_ver *out);
const char *ssl_version_name(enum ssl_ver v);

/* Which option words a list of TLS options accepts. */
enum ssl_opts_for { SSL_OPTS_FOR_BIND, SSL_OPTS_FOR_SERVER };

/*
 * Applies the option word argv[0] (with argv[1] for ssl-min-ver and
 * ssl-max-ver) to o: no-sslv3, no-tlsv10..13, force-sslv3, force-tlsv10..13,
 * ssl-min-ver, ssl-max-ver, no-tls-tickets, and for binds
 * prefer-client-ciphers. force-X is stored as ssl-min-ver X ssl-max-ver X.
 * Returns the number of words used, 0 when argv[0] is not such a word,
 * -1 on error (message in err).
 */
int ssl_opts_word(struct ssl_opts *o, enum ssl_opts_for use, int argc, char **argv,
		  char *err, size_t errlen);
/* The option words that rebuild o's flags and versions, for dumps. */
struct cfg_words ssl_opts_words(struct arena *a, const struct ssl_opts *o);
/* Checks the versions o leaves enabled: -1 and a message when none is. */
int ssl_opts_check_versions(const struct ssl_opts *o, char *err, size_t errlen);

/* Joins base and a relative path as HAProxy's ca-base/crt-base do. */
const char *ssl_base_path(struct arena *a, const char *base, const char *path);

#endif
