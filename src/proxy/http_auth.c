/*
 * Userlist authentication at run time: the Basic credentials of a request
 * (Authorization, or Proxy-Authorization for a proxy request), checked
 * against the users of a `userlist` section: `insecure-password` compares
 * plain text, `password` runs crypt(3). Group membership counts both ways,
 * as in HAProxy: a user's `groups` and a group's `users`.
 *
 * Runs in the workers, on the request path (http-request auth, the
 * http_auth* fetches, stats auth). Reads the configuration model only;
 * the crypt(3) work area is per process (workers are single-threaded).
 */
#include <crypt.h>
#include <string.h>
#include <strings.h>

#include "weir/cfg.h"
#include "weir/http-act.h"
#include "weir/http.h"

/* ------------------------------------------------------------ credentials */

static int b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Standard base64 (RFC 4648 section 4), padding optional. The decoded
 * length, or -1 on a bad character or when it does not fit. */
static long b64_decode(const char *in, size_t len, char *out, size_t cap)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;
	while (len && in[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		int v = b64_val((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -1;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	return (long)n;
}

int http_auth_is_proxy(const struct proxy_conf *fe, const struct http_msg *req)
{
	/* HAProxy: a request in absolute form to a frontend that declares
	 * itself a proxy (option http-use-proxy-header) is a proxy request */
	return fe && req && (fe->options & (1ull << PX_OPT_HTTP_USE_PROXY_HEADER)) &&
	       req->uri.len && req->buf[req->uri.off] != '/';
}

enum http_auth_scheme http_auth_scheme(const struct http_msg *req, int proxy,
				       const char **cred, size_t *clen)
{
	const char *name = proxy ? "proxy-authorization" : "authorization";
	int i = req ? http_hdr_find(req, name, strlen(name), 0) : -1;
	if (i < 0)
		return HTTP_AUTH_NONE;
	const char *v = http_str_ptr(req, req->hdrs[i].value);
	size_t len = req->hdrs[i].value.len, w = 0;
	while (w < len && v[w] != ' ' && v[w] != '\t')
		w++;
	size_t s = w;
	while (s < len && (v[s] == ' ' || v[s] == '\t'))
		s++;
	*cred = v + s;
	*clen = len - s;
	if (w == 5 && strncasecmp(v, "basic", 5) == 0)
		return HTTP_AUTH_BASIC;
	if (w == 6 && strncasecmp(v, "digest", 6) == 0)
		return HTTP_AUTH_DIGEST;
	if (w == 6 && strncasecmp(v, "bearer", 6) == 0)
		return HTTP_AUTH_BEARER;
	return HTTP_AUTH_OTHER;
}

int http_auth_basic(const struct http_msg *req, int proxy, char *buf, size_t cap,
		    struct http_auth_cred *cr)
{
	const char *cred;
	size_t clen;
	if (cap < 2 || http_auth_scheme(req, proxy, &cred, &clen) != HTTP_AUTH_BASIC)
		return -1;
	long n = b64_decode(cred, clen, buf, cap - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	char *colon = memchr(buf, ':', (size_t)n);
	if (!colon)
		return -1;
	*colon = '\0';
	cr->user = buf;
	cr->ulen = (size_t)(colon - buf);
	cr->pass = colon + 1;
	cr->plen = (size_t)(buf + n - colon - 1);
	return 0;
}

/* ------------------------------------------------------------ userlists */

static int password_ok(const struct userlist_user *u, const char *pass)
{
	/* crypt(3) state is large (tens of KiB): one per process, which is
	 * enough since a worker runs one request at a time */
	static struct crypt_data cd;
	if (!u->password)
		return 0;
	if (u->insecure)
		return strcmp(u->password, pass) == 0;
	memset(&cd, 0, sizeof(cd));
	const char *h = crypt_r(pass, u->password, &cd);
	return h && h[0] != '*' && strcmp(h, u->password) == 0;
}

const struct userlist_user *http_auth_find_user(const struct userlist_conf *ul,
						const struct http_msg *req, int proxy)
{
	char buf[1024];
	struct http_auth_cred cr;
	const struct userlist_user *u;
	if (!ul || http_auth_basic(req, proxy, buf, sizeof(buf), &cr) < 0)
		return NULL;
	VEC_EACH(&ul->users, const struct userlist_user *, u)
		if (strlen(u->name) == cr.ulen && memcmp(u->name, cr.user, cr.ulen) == 0)
			return password_ok(u, cr.pass) ? u : NULL;
	return NULL;
}

static int name_is(const char *s, const char *n, size_t len)
{
	return strlen(s) == len && memcmp(s, n, len) == 0;
}

int http_auth_in_group(const struct userlist_conf *ul, const struct userlist_user *u,
		       const char *grp, size_t len)
{
	const char *g;
	const struct userlist_group *lg;
	VEC_EACH(&u->groups, const char *, g)
		if (name_is(g, grp, len))
			return 1;
	VEC_EACH(&ul->groups, const struct userlist_group *, lg) {
		if (!name_is(lg->name, grp, len))
			continue;
		const char *m;
		VEC_EACH(&lg->users, const char *, m)
			if (strcmp(m, u->name) == 0)
				return 1;
	}
	return 0;
}

/* Is u in one of the comma-separated groups? */
static int in_any_group(const struct userlist_conf *ul, const struct userlist_user *u,
			const char *groups)
{
	for (const char *p = groups; *p;) {
		size_t n = strcspn(p, ",");
		if (n && http_auth_in_group(ul, u, p, n))
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

int http_auth_check(const struct cfg *cfg, const char *ul, const char *groups,
		    const struct http_msg *req, int proxy)
{
	const struct userlist_conf *l = cfg && ul ? cfg_find_userlist(cfg, ul) : NULL;
	const struct userlist_user *u = http_auth_find_user(l, req, proxy);
	if (!u)
		return 0;
	return !groups || in_any_group(l, u, groups);
}
