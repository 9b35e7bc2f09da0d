/*
 * Run-time HTTP fetches: the request line (method, path, query, url,
 * url_param, base, version), headers (hdr and fhdr, counts), cookies and
 * the status. They read the HTTP message model (include/weir/http-t.h):
 * values are spans of the message buffer, never copies, except `base`,
 * which joins two parts in the scratch. Runs in the workers; touches no
 * shared memory.
 *
 * hdr() splits a header's value on commas (outside double quotes), so
 * `Accept: a, b` has two values, as in HAProxy; fhdr() takes the whole
 * line. Without an occurrence, an ACL tries every value, a sample takes
 * the last one.
 *
 * The http_auth* fetches check Basic credentials against a userlist
 * through src/proxy/http_auth.c (crypt(3) runs there).
 */
#include <string.h>
#include <strings.h>

#include "smp-rt-int.h"
#include "weir/http-act.h"

const struct http_msg *smp_http_msg(struct smp_ctx *c, const char *param)
{
	return param && param[2] == 's' ? c->res : c->req;
}

static int is_full(const char *param)
{
	return param && param[3] == 'f';
}

/* ------------------------------------------------ header values */

struct hcur {
	uint32_t h, off;   /* header index; offset in its value, len+1 when done */
};

static int name_eq(const struct http_msg *m, const struct http_hdr *x, const char *n, size_t nl)
{
	return !n || (x->name.len == nl && !strncasecmp(m->buf + x->name.off, n, nl));
}

static void trim(const char *v, uint32_t *s, uint32_t *e)
{
	while (*s < *e && (v[*s] == ' ' || v[*s] == '\t'))
		(*s)++;
	while (*e > *s && (v[*e - 1] == ' ' || v[*e - 1] == '\t'))
		(*e)--;
}

/* The next value of header `n` (every header when NULL) after cur. */
static int hdr_next(const struct http_msg *m, const char *n, size_t nl, int full,
		    struct hcur *cur, const char **vp, size_t *vl)
{
	for (; cur->h < (uint32_t)m->nhdrs; cur->h++, cur->off = 0) {
		const struct http_hdr *x = &m->hdrs[cur->h];
		const char *v = m->buf + x->value.off;
		uint32_t len = x->value.len, s = cur->off, e = s;
		int q = 0;
		if (!name_eq(m, x, n, nl) || s > len)
			continue;
		if (full) {
			e = len;
		} else {
			for (; e < len && (q || v[e] != ','); e++) {
				if (v[e] == '"')
					q = !q;
				else if (v[e] == '\\' && q && e + 1 < len)
					e++;
			}
		}
		cur->off = e + 1;
		trim(v, &s, &e);
		*vp = v + s;
		*vl = e - s;
		return 0;
	}
	return -1;
}

static int hdr_count(const struct http_msg *m, const char *n, size_t nl, int full)
{
	struct hcur cur = { 0, 0 };
	const char *v;
	size_t l;
	int k = 0;
	while (hdr_next(m, n, nl, full, &cur, &v, &l) == 0)
		k++;
	return k;
}

/* The occ-th value (1: first, -1: last). */
static int hdr_occ(const struct http_msg *m, const char *n, size_t nl, int full, long long occ,
		   const char **vp, size_t *vl)
{
	struct hcur cur = { 0, 0 };
	const char *v;
	size_t l;
	int found = -1;
	if (occ == -1) {   /* the common case of a sample: one pass */
		while (hdr_next(m, n, nl, full, &cur, &v, &l) == 0) {
			*vp = v;
			*vl = l;
			found = 0;
		}
		return found;
	}
	if (occ < 0)
		occ += hdr_count(m, n, nl, full) + 1;
	if (occ < 1)
		return -1;
	while (occ-- > 0)
		if (hdr_next(m, n, nl, full, &cur, vp, vl) < 0)
			return -1;
	return 0;
}

/* hdr, req.hdr, res.hdr, req.fhdr, ... and their _val, _ip forms (the
 * evaluator casts to the registry's output type). */
SMP_FN(smp_fetch_hdr)
{
	const struct http_msg *m = smp_http_msg(c, param);
	const char *n = nargs >= 1 && *args[0].text ? args[0].text : NULL, *v;
	size_t nl = n ? strlen(n) : 0, l;
	long long occ = nargs >= 2 ? args[1].u.sint : 0;
	if (!m)
		return -1;
	if (occ == 0 && smp->it_mode) {
		struct hcur cur = { smp->it[0], smp->it[1] };
		if (hdr_next(m, n, nl, is_full(param), &cur, &v, &l) < 0)
			return -1;
		smp->it[0] = cur.h;
		smp->it[1] = cur.off;
		smp_set_str(smp, v, l);
		smp->flags |= SMP_VF_MORE;
		return 0;
	}
	if (hdr_occ(m, n, nl, is_full(param), occ ? occ : -1, &v, &l) < 0)
		return -1;
	smp_set_str(smp, v, l);
	return 0;
}

SMP_FN(smp_fetch_hdr_cnt)
{
	const struct http_msg *m = smp_http_msg(c, param);
	const char *n = nargs >= 1 && *args[0].text ? args[0].text : NULL;
	if (!m)
		return -1;
	smp->type = SMP_T_SINT;
	smp->sint = hdr_count(m, n, n ? strlen(n) : 0, is_full(param));
	return 0;
}

/* ------------------------------------------------ cookies */

/* The next cookie called `n` (any when NULL): in requests every pair of
 * the Cookie headers, in responses the first pair of each Set-Cookie. */
static int cook_next(const struct http_msg *m, const char *n, struct hcur *cur,
		     const char **vp, size_t *vl)
{
	const char *hn = m->is_response ? "set-cookie" : "cookie";
	size_t hnl = strlen(hn), nl = n ? strlen(n) : 0;
	for (; cur->h < (uint32_t)m->nhdrs; cur->h++, cur->off = 0) {
		const struct http_hdr *x = &m->hdrs[cur->h];
		const char *v = m->buf + x->value.off;
		uint32_t len = x->value.len;
		if (!name_eq(m, x, hn, hnl))
			continue;
		while (cur->off <= len) {
			uint32_t s = cur->off, e = s;
			while (e < len && v[e] != ';')
				e++;
			cur->off = m->is_response ? len + 1 : e + 1;
			trim(v, &s, &e);
			const char *eq = memchr(v + s, '=', e - s);
			if (!eq)
				continue;
			uint32_t ne = (uint32_t)(eq - v), vs = ne + 1;
			trim(v, &s, &ne);
			if (n && (ne - s != nl || memcmp(v + s, n, nl)))
				continue;
			trim(v, &vs, &e);
			*vp = v + vs;
			*vl = e - vs;
			return 0;
		}
	}
	return -1;
}

/* cook(<name>): every occurrence in an ACL, the last one otherwise; the
 * first cookie of all without a name. */
SMP_FN(smp_fetch_cook)
{
	const struct http_msg *m = smp_http_msg(c, param);
	const char *n = nargs >= 1 && *args[0].text ? args[0].text : NULL, *v, *lv = NULL;
	size_t l, ll = 0;
	if (!m)
		return -1;
	struct hcur cur = { smp->it[0], smp->it[1] };
	if (smp->it_mode) {
		if (cook_next(m, n, &cur, &v, &l) < 0)
			return -1;
		smp->it[0] = cur.h;
		smp->it[1] = cur.off;
		smp_set_str(smp, v, l);
		smp->flags |= SMP_VF_MORE;
		return 0;
	}
	cur = (struct hcur){ 0, 0 };
	while (cook_next(m, n, &cur, &v, &l) == 0) {
		lv = v;
		ll = l;
		if (!n)
			break;
	}
	if (!lv)
		return -1;
	smp_set_str(smp, lv, ll);
	return 0;
}

SMP_FN(smp_fetch_cook_cnt)
{
	const struct http_msg *m = smp_http_msg(c, param);
	const char *n = nargs >= 1 && *args[0].text ? args[0].text : NULL, *v;
	struct hcur cur = { 0, 0 };
	size_t l;
	if (!m)
		return -1;
	smp->type = SMP_T_SINT;
	smp->sint = 0;
	while (cook_next(m, n, &cur, &v, &l) == 0)
		smp->sint++;
	return 0;
}

/* ------------------------------------------------ request line */

static const char *uri(const struct http_msg *m, size_t *len)
{
	*len = m->uri.len;
	return m->buf + m->uri.off;
}

/* The path of the request target: origin form "/p?q", or the part of an
 * absolute form after its authority. with_q keeps the query. */
static int uri_path(const struct http_msg *m, int with_q, const char **pp, size_t *pl)
{
	size_t n;
	const char *u = uri(m, &n), *end = u + n, *p = u;
	if (n && u[0] != '/') {
		const char *s = memchr(u, ':', n);
		if (!s || end - s < 3 || s[1] != '/' || s[2] != '/')
			return -1;
		p = memchr(s + 3, '/', (size_t)(end - s - 3));
		if (!p)
			return -1;
	}
	if (!n)
		return -1;
	const char *q = with_q ? NULL : memchr(p, '?', (size_t)(end - p));
	*pp = p;
	*pl = (size_t)((q ? q : end) - p);
	return 0;
}

SMP_FN(smp_fetch_proto_http)
{
	smp->type = SMP_T_BOOL;
	smp->sint = c->req != NULL;
	return 0;
}

SMP_FN(smp_fetch_method)
{
	if (!c->req)
		return -1;
	smp_set_str(smp, c->req->buf + c->req->method.off, c->req->method.len);
	smp->type = SMP_T_METH;
	smp->sint = c->req->meth;
	return 0;
}

/* capture.req.hdr(<idx>) / capture.res.hdr(<idx>) (param "s"): what
 * `capture request|response header` slot idx holds, in declaration order
 * as HAProxy numbers them; not found while the slot is unset. */
SMP_FN(smp_fetch_capture_hdr)
{
	const struct http_caps *k = c->caps;
	if (!k || nargs < 1 || args[0].u.sint < 0)
		return -1;
	int res = param && param[0] == 's', i = (int)args[0].u.sint;
	const struct http_cap *cap = res ? k->res : k->req;
	if (i >= (res ? k->nres : k->nreq) || i >= HTTP_CAPS_MAX || !cap[i].set)
		return -1;
	smp_set_str(smp, k->data + cap[i].off, cap[i].len);
	return 0;
}

/* path, pathq (param "q") */
SMP_FN(smp_fetch_path)
{
	const char *p;
	size_t l;
	if (!c->req || uri_path(c->req, param && param[0] == 'q', &p, &l) < 0)
		return -1;
	smp_set_str(smp, p, l);
	return 0;
}

SMP_FN(smp_fetch_query)
{
	size_t n;
	if (!c->req)
		return -1;
	const char *u = uri(c->req, &n), *q = memchr(u, '?', n);
	if (!q)
		return -1;
	smp_set_str(smp, q + 1, n - (size_t)(q + 1 - u));
	return 0;
}

SMP_FN(smp_fetch_url)
{
	size_t n;
	if (!c->req)
		return -1;
	const char *u = uri(c->req, &n);
	smp_set_str(smp, u, n);
	return 0;
}

/* url_param([<name>[,<delim>]]): the first parameter called name (any
 * without one) of the query string; parameters end at any delimiter
 * character (default '&'). */
SMP_FN(smp_fetch_url_param)
{
	const char *n = nargs >= 1 && *args[0].text ? args[0].text : NULL;
	const char *delim = nargs >= 2 && *args[1].text ? args[1].text : "&";
	size_t len, nl = n ? strlen(n) : 0;
	if (!c->req)
		return -1;
	const char *u = uri(c->req, &len), *end = u + len, *p = memchr(u, '?', len);
	if (!p)
		return -1;
	for (p++; p < end;) {
		const char *e = p;
		while (e < end && !strchr(delim, *e) && *e != '#')
			e++;
		const char *eq = memchr(p, '=', (size_t)(e - p));
		if (eq && (!n || ((size_t)(eq - p) == nl && !memcmp(p, n, nl)))) {
			smp_set_str(smp, eq + 1, (size_t)(e - eq - 1));
			return 0;
		}
		if (e == end || *e == '#')
			break;
		p = e + 1;
	}
	return -1;
}

/* base: the first Host header followed by the path (no query). */
SMP_FN(smp_fetch_base)
{
	const char *p, *h;
	size_t pl, hl;
	if (!c->req || uri_path(c->req, 0, &p, &pl) < 0)
		return -1;
	if (hdr_occ(c->req, "host", 4, 1, 1, &h, &hl) < 0) {
		smp_set_str(smp, p, pl);
		return 0;
	}
	char *out = smp_scratch_alloc(c, hl + pl);
	if (!out)
		return -1;
	memcpy(out, h, hl);
	memcpy(out + hl, p, pl);
	smp->type = SMP_T_STR;
	smp->str.ptr = out;
	smp->str.len = hl + pl;
	return 0;
}

/* req.ver, res.ver: "1.0", "1.1", "2.0". */
SMP_FN(smp_fetch_ver)
{
	static const char digits[] = "0123456789";
	const struct http_msg *m = smp_http_msg(c, param);
	if (!m || m->vmajor < 0 || m->vmajor > 9 || m->vminor < 0 || m->vminor > 9)
		return -1;
	char *out = smp_scratch_alloc(c, 3);
	if (!out)
		return -1;
	out[0] = digits[m->vmajor];
	out[1] = '.';
	out[2] = digits[m->vminor];
	smp->type = SMP_T_STR;
	smp->str.ptr = out;
	smp->str.len = 3;
	return 0;
}

SMP_FN(smp_fetch_status)
{
	int st = c->status ? c->status : c->res ? c->res->status : 0;
	if (!st)
		return -1;
	smp->type = SMP_T_SINT;
	smp->sint = st;
	return 0;
}

/* ------------------------------------------------ userlist authentication */

/* Credentials come from Proxy-Authorization for a proxy request, as the
 * `auth` action answers 407 then (src/proxy/http_auth.c). */
static int auth_proxy(const struct smp_ctx *c)
{
	return http_auth_is_proxy(c->fe, c->req);
}

static int user_index(const struct userlist_conf *ul, const struct userlist_user *u)
{
	for (int i = 0; i < ul->users.n; i++)
		if (ul->users.v[i] == u)
			return i;
	return -1;
}

/* http_auth(<userlist>): valid credentials of a user of the list. */
SMP_FN(smp_fetch_http_auth)
{
	const struct userlist_conf *ul = args[0].u.ref;
	if (!c->req || !ul)
		return -1;
	smp->type = SMP_T_BOOL;
	smp->sint = http_auth_find_user(ul, c->req, auth_proxy(c)) != NULL;
	return 0;
}

/*
 * http_auth_group(<userlist>): as a sample, the name of the authenticated
 * user; in an ACL, whose patterns are group names, every group the user
 * belongs to, one value each. The password is checked once per ACL line:
 * it[1] keeps the user (index + 1), it[0] the next group to try.
 */
SMP_FN(smp_fetch_http_auth_group)
{
	const struct userlist_conf *ul = args[0].u.ref;
	const struct userlist_user *u = NULL;
	if (!c->req || !ul)
		return -1;
	if (smp->it_mode && smp->it[1])
		u = ul->users.v[smp->it[1] - 1];
	else
		u = http_auth_find_user(ul, c->req, auth_proxy(c));
	if (!u)
		return -1;
	if (!smp->it_mode) {
		smp_set_str(smp, u->name, strlen(u->name));
		return 0;
	}
	smp->it[1] = (uint32_t)user_index(ul, u) + 1;
	for (uint32_t g = smp->it[0]; g < (uint32_t)ul->groups.n; g++) {
		const struct userlist_group *lg = ul->groups.v[g];
		if (!http_auth_in_group(ul, u, lg->name, strlen(lg->name)))
			continue;
		smp->it[0] = g + 1;
		smp_set_str(smp, lg->name, strlen(lg->name));
		smp->flags |= SMP_VF_MORE;
		return 0;
	}
	return -1;
}

/* http_auth_user, http_auth_pass (param "u" / "p"): the Basic credentials
 * as sent, checked against nothing. */
SMP_FN(smp_fetch_http_auth_cred)
{
	const char *cred;
	size_t clen;
	struct http_auth_cred cr;
	if (!c->req || http_auth_scheme(c->req, auth_proxy(c), &cred, &clen) != HTTP_AUTH_BASIC)
		return -1;
	char *buf = smp_scratch_alloc(c, clen + 2);
	if (!buf || http_auth_basic(c->req, auth_proxy(c), buf, clen + 2, &cr) < 0)
		return -1;
	if (param && param[0] == 'p')
		smp_set_str(smp, cr.pass, cr.plen);
	else
		smp_set_str(smp, cr.user, cr.ulen);
	smp->flags &= ~(unsigned)SMP_VF_CONST;
	return 0;
}

/* http_auth_type: the scheme of the credentials, spelled as HAProxy does. */
SMP_FN(smp_fetch_http_auth_type)
{
	static const char *const names[] = { [HTTP_AUTH_BASIC] = "Basic",
					     [HTTP_AUTH_DIGEST] = "Digest",
					     [HTTP_AUTH_BEARER] = "Bearer" };
	const char *cred;
	size_t clen;
	enum http_auth_scheme s = c->req ? http_auth_scheme(c->req, auth_proxy(c), &cred, &clen) :
			       HTTP_AUTH_NONE;
	if (s == HTTP_AUTH_NONE || s == HTTP_AUTH_OTHER)
		return -1;
	smp_set_str(smp, names[s], strlen(names[s]));
	return 0;
}
