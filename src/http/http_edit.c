/*
 * Edits of a parsed head (worker processes, traffic path): what
 * http-request / http-response rules change in a struct http_msg --
 * headers added, set, deleted, rewritten by regex; the method, the
 * request-target or its path and query; the status and reason.
 *
 * Nothing is allocated and nothing is moved: new text is appended to the
 * message's own buffer (m->buf + m->buf_len, up to m->buf_cap, the room
 * tune.maxrewrite reserves) and the span is repointed; a deleted header
 * keeps its slot with an empty name, which h1_write_*() skip. Every edit
 * writes its text past buf_len first and commits only when all of it fit
 * and is valid, so a refused edit leaves the message as it was.
 *
 * What goes in is validated as the parser validates what comes in: a
 * header name is a token, a value holds no CR, LF, NUL or other control
 * character, a request-target is visible ASCII. A rule therefore can never
 * split a header or a request line, whatever a sample returned. The
 * framing headers (Content-Length, Transfer-Encoding) belong to the
 * engine, which frames the body from what it parsed: editing them is
 * refused, so headers and body can never disagree.
 */
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "h1_int.h"

/* \0 .. \9 are the back-references a replacement can name. */
#define EDIT_GROUPS 10

/* ------------------------------------------------------------ validation */

static int is_token(const char *p, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!H1_IS(p[i], H1_C_TOKEN))
			return 0;
	return 1;
}

/* field-vchar, obs-text, SP, HTAB: never CR, LF, NUL or another CTL. */
static int is_field(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!H1_IS(p[i], H1_C_FIELD))
			return 0;
	return 1;
}

static int is_target(const char *p, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!H1_IS(p[i], H1_C_TARGET))
			return 0;
	return 1;
}

int http_hdr_is_framing(const char *name, size_t n)
{
	return h1_ieq(name, n, "content-length", 14) || h1_ieq(name, n, "transfer-encoding", 17);
}

/* ------------------------------------------------------------ the tail */

/* Text being written past m->buf_len, not yet part of the message. */
struct tail {
	struct http_msg *m;
	uint32_t len;
	int full;
};

static void tl_init(struct tail *t, struct http_msg *m)
{
	t->m = m;
	t->len = 0;
	t->full = 0;
}

static char *tl_ptr(const struct tail *t)
{
	return t->m->buf + t->m->buf_len;
}

/* p may point into the message (below buf_len): it is never overwritten. */
static void tl_add(struct tail *t, const char *p, size_t n)
{
	if (t->full || !n)
		return;
	if (n > (size_t)(t->m->buf_cap - t->m->buf_len - t->len)) {
		t->full = 1;
		return;
	}
	memmove(tl_ptr(t) + t->len, p, n);
	t->len += (uint32_t)n;
}

static void tl_addc(struct tail *t, char c)
{
	tl_add(t, &c, 1);
}

/* Makes the text part of the message: its span in *out. */
static int tl_commit(struct tail *t, struct http_str *out)
{
	if (t->full)
		return -1;
	out->off = t->m->buf_len;
	out->len = t->len;
	t->m->buf_len += t->len;
	return 0;
}

/* ------------------------------------------------------------ headers */

static int hdr_is(const struct http_msg *m, const struct http_hdr *h, const char *name, size_t n)
{
	return h->name.len == n && strncasecmp(m->buf + h->name.off, name, n) == 0;
}

/* Drops the slots of deleted headers, keeping the order of the others. */
static void hdr_compact(struct http_msg *m)
{
	int n = 0;
	for (int i = 0; i < m->nhdrs; i++)
		if (m->hdrs[i].name.len)
			m->hdrs[n++] = m->hdrs[i];
	m->nhdrs = n;
}

static int hdr_room(const struct http_msg *m, int freed)
{
	if (m->nhdrs < m->maxhdrs || freed)
		return 1;
	for (int i = 0; i < m->nhdrs; i++)
		if (!m->hdrs[i].name.len)
			return 1;
	return 0;
}

/* Appends a validated header; the caller checked hdr_room(). */
static int hdr_append(struct http_msg *m, const char *name, size_t nlen, const char *val,
		      size_t vlen)
{
	struct tail t;
	struct http_str s;
	tl_init(&t, m);
	tl_add(&t, name, nlen);
	tl_add(&t, val, vlen);
	if (tl_commit(&t, &s) < 0)
		return -1;
	if (m->nhdrs == m->maxhdrs)
		hdr_compact(m);
	struct http_hdr *h = &m->hdrs[m->nhdrs++];
	h->name = (struct http_str){ s.off, (uint32_t)nlen };
	h->value = (struct http_str){ s.off + (uint32_t)nlen, (uint32_t)vlen };
	return 0;
}

static int hdr_ok(const char *name, size_t nlen, const char *val, size_t vlen)
{
	return is_token(name, nlen) && is_field(val, vlen) && !http_hdr_is_framing(name, nlen);
}

int http_hdr_add(struct http_msg *m, const char *name, size_t nlen, const char *val, size_t vlen)
{
	if (!hdr_ok(name, nlen, val, vlen) || !hdr_room(m, 0))
		return -1;
	return hdr_append(m, name, nlen, val, vlen);
}

int http_hdr_set(struct http_msg *m, const char *name, size_t nlen, const char *val, size_t vlen)
{
	int found = 0;
	if (!hdr_ok(name, nlen, val, vlen))
		return -1;
	for (int i = 0; i < m->nhdrs; i++)
		found |= hdr_is(m, &m->hdrs[i], name, nlen);
	/* check everything before deleting: a set that fails keeps the old one */
	if (nlen + vlen > (size_t)(m->buf_cap - m->buf_len) || !hdr_room(m, found))
		return -1;
	http_hdr_del(m, name, nlen);
	return hdr_append(m, name, nlen, val, vlen);
}

int http_hdr_del(struct http_msg *m, const char *name, size_t nlen)
{
	if (http_hdr_is_framing(name, nlen))
		return -1;
	for (int i = 0; i < m->nhdrs; i++)
		if (hdr_is(m, &m->hdrs[i], name, nlen))
			m->hdrs[i].name.len = 0;
	return 0;
}

static int name_match(const char *s, size_t n, const char *pat, size_t plen,
		      enum http_name_match how, const void *re, pcre2_match_data *md)
{
	switch (how) {
	case HTTP_NM_STR:
		return n == plen && strncasecmp(s, pat, n) == 0;
	case HTTP_NM_BEG:
		return n >= plen && strncasecmp(s, pat, plen) == 0;
	case HTTP_NM_END:
		return n >= plen && strncasecmp(s + n - plen, pat, plen) == 0;
	case HTTP_NM_SUB:
		for (size_t i = 0; plen <= n && i <= n - plen; i++)
			if (strncasecmp(s + i, pat, plen) == 0)
				return 1;
		return 0;
	case HTTP_NM_REG:
		return re && md && pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
	}
	return 0;
}

/* One match-data block per process: workers are single threaded and
 * edits never nest. */
static pcre2_match_data *edit_md(void)
{
	static pcre2_match_data *md;
	if (!md)
		md = pcre2_match_data_create(EDIT_GROUPS, NULL);
	return md;
}

int http_hdr_del_match(struct http_msg *m, const char *pat, size_t plen, enum http_name_match how,
		       const void *re)
{
	if (how == HTTP_NM_STR)
		return http_hdr_del(m, pat, plen);
	pcre2_match_data *md = how == HTTP_NM_REG ? edit_md() : NULL;
	if (how == HTTP_NM_REG && (!re || !md))
		return -1;
	for (int i = 0; i < m->nhdrs; i++) {
		struct http_hdr *h = &m->hdrs[i];
		const char *name = m->buf + h->name.off;
		/* a pattern never takes the framing headers away from the engine */
		if (h->name.len && !http_hdr_is_framing(name, h->name.len) &&
		    name_match(name, h->name.len, pat, plen, how, re, md))
			h->name.len = 0;
	}
	return 0;
}

/* ------------------------------------------------------------ regex replacement */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The replacement text with \N (a group, empty when it did not take
 * part), \xHH (a byte) and \c (c itself) expanded, as HAProxy's
 * replace-* actions read it. */
static void expand(struct tail *t, const char *subj, const PCRE2_SIZE *ov, int ngroups,
		   const char *r, size_t rlen)
{
	for (size_t i = 0; i < rlen; i++) {
		if (r[i] != '\\' || i + 1 == rlen) {
			tl_addc(t, r[i]);
			continue;
		}
		char c = r[++i];
		if (c >= '0' && c <= '9') {
			int g = c - '0';
			if (g < ngroups && ov[2 * g] != PCRE2_UNSET)
				tl_add(t, subj + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		} else if (c == 'x' && i + 2 < rlen && hexval(r[i + 1]) >= 0 && hexval(r[i + 2]) >= 0) {
			tl_addc(t, (char)(hexval(r[i + 1]) * 16 + hexval(r[i + 2])));
			i += 2;
		} else {
			tl_addc(t, c);
		}
	}
}

/* Does re match s? Then the expansion of r is appended to t; 1 matched,
 * 0 not. The match is a search, not anchored (HAProxy's). */
static int re_replace(struct tail *t, const void *re, const char *s, size_t n, const char *r,
		      size_t rlen)
{
	pcre2_match_data *md = edit_md();
	if (!md)
		return 0;
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	if (rc < 0)
		return 0;
	expand(t, s, pcre2_get_ovector_pointer(md), rc ? rc : EDIT_GROUPS, r, rlen);
	return 1;
}

/* Repoints h's value at the tail text, if it is a valid field value. */
static int commit_value(struct tail *t, struct http_hdr *h)
{
	if (t->full || !is_field(tl_ptr(t), t->len))
		return -1;
	return tl_commit(t, &h->value);
}

int http_hdr_replace(struct http_msg *m, const char *name, size_t nlen, const void *re,
		     const char *repl, size_t rlen)
{
	if (http_hdr_is_framing(name, nlen) || !re)
		return -1;
	for (int i = 0; i < m->nhdrs; i++) {
		struct http_hdr *h = &m->hdrs[i];
		struct tail t;
		if (!hdr_is(m, h, name, nlen))
			continue;
		tl_init(&t, m);
		if (re_replace(&t, re, m->buf + h->value.off, h->value.len, repl, rlen) &&
		    commit_value(&t, h) < 0)
			return -1;
	}
	return 0;
}

/* End of the comma-separated element starting at s (commas inside a
 * quoted-string do not count), as the hdr() fetch splits. */
static size_t elem_end(const char *s, size_t n)
{
	int q = 0;
	for (size_t i = 0; i < n; i++) {
		if (q && s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == ',')
			return i;
	}
	return n;
}

/* replace-value on one header: each element (OWS trimmed) that matches is
 * replaced; separators and the other elements are kept as they were. */
static int replace_elems(struct http_msg *m, struct http_hdr *h, const void *re, const char *repl,
			 size_t rlen)
{
	struct tail t;
	int changed = 0;
	const char *v = m->buf + h->value.off;
	size_t n = h->value.len, i = 0;
	tl_init(&t, m);
	while (i <= n) {
		size_t e = i + elem_end(v + i, n - i), a = i, b = e;
		while (a < b && H1_IS(v[a], H1_C_OWS))
			a++;
		while (b > a && H1_IS(v[b - 1], H1_C_OWS))
			b--;
		tl_add(&t, v + i, a - i);
		if (re_replace(&t, re, v + a, b - a, repl, rlen))
			changed = 1;
		else
			tl_add(&t, v + a, b - a);
		tl_add(&t, v + b, e - b + (e < n));   /* trailing OWS and the comma */
		i = e + 1;
	}
	return changed ? commit_value(&t, h) : 0;
}

int http_hdr_replace_value(struct http_msg *m, const char *name, size_t nlen, const void *re,
			   const char *repl, size_t rlen)
{
	if (http_hdr_is_framing(name, nlen) || !re)
		return -1;
	for (int i = 0; i < m->nhdrs; i++)
		if (hdr_is(m, &m->hdrs[i], name, nlen) &&
		    replace_elems(m, &m->hdrs[i], re, repl, rlen) < 0)
			return -1;
	return 0;
}

/* ------------------------------------------------------------ request line */

int http_set_method(struct http_msg *m, const char *s, size_t n)
{
	struct tail t;
	if (m->is_response || !is_token(s, n))
		return -1;
	tl_init(&t, m);
	tl_add(&t, s, n);
	if (tl_commit(&t, &m->method) < 0)
		return -1;
	m->meth = h1_meth_lookup(s, n);
	return 0;
}

void http_uri_split(const struct http_msg *m, struct http_uri_parts *u)
{
	const char *s = m->buf + m->uri.off;
	size_t n = m->uri.len, p = 0;
	memset(u, 0, sizeof(*u));
	if (n && s[0] != '/') {
		/* absolute-form: scheme "://" authority, then the path at the
		 * first '/' (or where the query or the target ends) */
		size_t k = 0;
		while (k < n && H1_IS(s[k], H1_C_TOKEN))
			k++;
		if (k && k + 2 < n && s[k] == ':' && s[k + 1] == '/' && s[k + 2] == '/') {
			u->absolute = 1;
			for (p = k + 3; p < n && s[p] != '/' && s[p] != '?'; p++)
				;
		} else {
			/* "*" and authority-form: no path, the whole target is replaced */
			u->path_off = 0;
			u->path_end = u->q_end = (uint32_t)n;
			u->no_path = 1;
			return;
		}
	}
	u->path_off = (uint32_t)p;
	while (p < n && s[p] != '?')
		p++;
	u->path_end = (uint32_t)p;
	u->has_query = p < n;
	u->q_end = (uint32_t)n;
}

/* Replaces uri[from, to) with the given text; the result must be a valid
 * request-target. */
static int uri_splice(struct http_msg *m, uint32_t from, uint32_t to, const char *pre, size_t plen,
		      const char *s, size_t n)
{
	struct tail t;
	const char *u = m->buf + m->uri.off;
	tl_init(&t, m);
	tl_add(&t, u, from);
	tl_add(&t, pre, plen);
	tl_add(&t, s, n);
	tl_add(&t, u + to, m->uri.len - to);
	if (t.full || !is_target(tl_ptr(&t), t.len))
		return -1;
	return tl_commit(&t, &m->uri);
}

/* In absolute-form a path that does not start with '/' would become part
 * of the authority (another host): refused. */
static int path_ok(const struct http_uri_parts *u, const char *s, size_t n)
{
	return !u->absolute || !n || s[0] == '/';
}

int http_set_uri(struct http_msg *m, const char *s, size_t n)
{
	if (m->is_response)
		return -1;
	return uri_splice(m, 0, m->uri.len, NULL, 0, s, n);
}

int http_set_path(struct http_msg *m, const char *s, size_t n)
{
	struct http_uri_parts u;
	if (m->is_response)
		return -1;
	http_uri_split(m, &u);
	if (!path_ok(&u, s, n))
		return -1;
	return uri_splice(m, u.path_off, u.path_end, NULL, 0, s, n);
}

int http_set_pathq(struct http_msg *m, const char *s, size_t n)
{
	struct http_uri_parts u;
	if (m->is_response)
		return -1;
	http_uri_split(m, &u);
	if (!path_ok(&u, s, n))
		return -1;
	return uri_splice(m, u.path_off, m->uri.len, NULL, 0, s, n);
}

/* HAProxy's set-query: the text after the first '?' is replaced; without
 * one, a '?' is added only for a non-empty value; a '?' present is never
 * removed (set-pathq does that). */
int http_set_query(struct http_msg *m, const char *s, size_t n)
{
	struct http_uri_parts u;
	if (m->is_response)
		return -1;
	http_uri_split(m, &u);
	if (u.has_query && !u.no_path)
		return uri_splice(m, u.path_end + 1, m->uri.len, NULL, 0, s, n);
	if (!n)
		return 0;
	return uri_splice(m, m->uri.len, m->uri.len, "?", 1, s, n);
}

int http_replace_uri_part(struct http_msg *m, enum http_uri_part part, const void *re,
			  const char *repl, size_t rlen)
{
	struct http_uri_parts u;
	struct tail t;
	struct http_str e;
	if (m->is_response || !re)
		return -1;
	http_uri_split(m, &u);
	uint32_t from = part == HTTP_URI_ALL ? 0 : u.path_off;
	uint32_t to = part == HTTP_URI_PATH ? u.path_end : m->uri.len;
	/* the expansion is written past buf_len and taken in for the time
	 * of the splice, which writes the new target after it; a refused
	 * splice gives the room back */
	tl_init(&t, m);
	if (!re_replace(&t, re, m->buf + m->uri.off + from, to - from, repl, rlen))
		return 0;
	if (t.full || (part != HTTP_URI_ALL && !path_ok(&u, tl_ptr(&t), t.len)))
		return -1;
	uint32_t save = m->buf_len;
	tl_commit(&t, &e);
	int rc = uri_splice(m, from, to, NULL, 0, m->buf + e.off, e.len);
	if (rc < 0)
		m->buf_len = save;
	return rc;
}

/* ------------------------------------------------------------ status */

const char *http_status_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 101: return "Switching Protocols";
	case 102: return "Processing";
	case 103: return "Early Hints";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 203: return "Non-Authoritative Information";
	case 204: return "No Content";
	case 205: return "Reset Content";
	case 206: return "Partial Content";
	case 207: return "Multi-Status";
	case 208: return "Already Reported";
	case 226: return "IM Used";
	case 300: return "Multiple Choices";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 305: return "Use Proxy";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 418: return "I'm a teapot";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Entity";
	case 423: return "Locked";
	case 424: return "Failed Dependency";
	case 425: return "Too Early";
	case 426: return "Upgrade Required";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 451: return "Unavailable For Legal Reasons";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	case 506: return "Variant Also Negotiates";
	case 507: return "Insufficient Storage";
	case 508: return "Loop Detected";
	case 510: return "Not Extended";
	case 511: return "Network Authentication Required";
	default: break;
	}
	switch (status / 100) {
	case 1: return "Informational";
	case 2: return "Success";
	case 3: return "Redirection";
	case 4: return "Client Error";
	case 5: return "Server Error";
	default: return "Other";
	}
}

/* 1xx, 204 and 304 carry no body (RFC 9112 6.3): a status change across
 * that line would make the client read the body the engine forwards (or
 * wait for one it never sends) as something else. */
static int bodyless(int st)
{
	return st < 200 || st == 204 || st == 304;
}

int http_set_status(struct http_msg *m, int status, const char *reason, size_t rlen)
{
	struct tail t;
	if (!m->is_response || status < 100 || status > 999)
		return -1;
	if (bodyless(status) != bodyless(m->status) || (status < 200) != (m->status < 200))
		return -1;
	if (!reason) {
		reason = http_status_reason(status);
		rlen = strlen(reason);
	}
	if (!is_field(reason, rlen))
		return -1;
	tl_init(&t, m);
	tl_add(&t, reason, rlen);
	if (tl_commit(&t, &m->reason) < 0)
		return -1;
	m->status = status;
	return 0;
}

/* ------------------------------------------------------------ normalize-uri */

static const char *const norm_names[] = {
	[HTTP_NORM_FRAGMENT_ENCODE] = "fragment-encode",
	[HTTP_NORM_FRAGMENT_STRIP] = "fragment-strip",
	[HTTP_NORM_MERGE_SLASHES] = "path-merge-slashes",
	[HTTP_NORM_STRIP_DOT] = "path-strip-dot",
	[HTTP_NORM_STRIP_DOTDOT] = "path-strip-dotdot",
	[HTTP_NORM_PCT_DECODE] = "percent-decode-unreserved",
	[HTTP_NORM_PCT_UPPER] = "percent-to-uppercase",
	[HTTP_NORM_QUERY_SORT] = "query-sort-by-name",
};

int http_norm_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(norm_names) / sizeof(norm_names[0]); i++)
		if (strcmp(name, norm_names[i]) == 0)
			return (int)i;
	return -1;
}

/* Drops the last "/segment" written to t (not below `floor`). */
static void tl_pop_segment(struct tail *t, uint32_t floor)
{
	const char *p = tl_ptr(t);
	while (t->len > floor && p[t->len - 1] != '/')
		t->len--;
	if (t->len > floor)
		t->len--;
}

static int last_is_dotdot(const struct tail *t, uint32_t floor)
{
	const char *p = tl_ptr(t);
	return t->len >= floor + 3 && memcmp(p + t->len - 3, "/..", 3) == 0;
}

/* path-strip-dot and path-strip-dotdot (RFC 3986 6.2.2.3), segment by
 * segment: "." is dropped, ".." takes the segment before it away (an
 * empty one too), a leading ".." stays unless `full`. A dot segment at
 * the end leaves a trailing slash, as remove_dot_segments does. */
static void norm_dots(struct tail *t, const char *s, size_t n, int dotdot, int full)
{
	uint32_t floor = t->len;
	int trailing = 0;
	for (size_t i = 1; i <= n;) {
		size_t e = i;
		while (e < n && s[e] != '/')
			e++;
		size_t len = e - i;
		trailing = 0;
		if (len == 1 && s[i] == '.') {
			trailing = 1;
		} else if (dotdot && len == 2 && s[i] == '.' && s[i + 1] == '.') {
			if (t->len > floor && !last_is_dotdot(t, floor)) {
				tl_pop_segment(t, floor);
				trailing = 1;
			} else if (full) {
				trailing = 1;
			} else {
				tl_add(t, "/..", 3);
			}
		} else {
			tl_addc(t, '/');
			tl_add(t, s + i, len);
		}
		i = e + 1;
	}
	if (trailing || t->len == floor)
		tl_addc(t, '/');
}

static int unreserved(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* percent-to-uppercase and percent-decode-unreserved; 1 when `strict`
 * found a '%' without two hex digits. */
static int norm_percent(struct tail *t, const char *s, size_t n, int decode, int strict)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			tl_addc(t, s[i]);
			continue;
		}
		int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
		int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
		if (hi < 0 || lo < 0) {
			if (strict)
				return 1;
			tl_addc(t, '%');
			continue;
		}
		int c = hi * 16 + lo;
		if (decode && unreserved(c)) {
			tl_addc(t, (char)c);
		} else {
			char enc[3] = { '%', decode ? s[i + 1] : hex[hi], decode ? s[i + 2] : hex[lo] };
			tl_add(t, enc, 3);
		}
		i += 2;
	}
	return 0;
}

static int param_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	const char *ea = memchr(a, '=', an), *eb = memchr(b, '=', bn);
	size_t la = ea ? (size_t)(ea - a) : an, lb = eb ? (size_t)(eb - b) : bn;
	int c = memcmp(a, b, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

#define NORM_MAX_PARAMS 128

/* query-sort-by-name: '&'-separated parameters, stably sorted by name. */
static int norm_query_sort(struct tail *t, const char *q, size_t n)
{
	struct http_str p[NORM_MAX_PARAMS];
	int np = 0;
	for (size_t i = 0; i <= n;) {
		const char *amp = memchr(q + i, '&', n - i);
		size_t e = amp ? (size_t)(amp - q) : n;
		if (np == NORM_MAX_PARAMS)
			return -1;
		p[np++] = (struct http_str){ (uint32_t)i, (uint32_t)(e - i) };
		i = e + 1;
	}
	for (int i = 1; i < np; i++) {   /* insertion sort: stable */
		struct http_str x = p[i];
		int j = i;
		for (; j > 0 && param_cmp(q + p[j - 1].off, p[j - 1].len, q + x.off, x.len) > 0; j--)
			p[j] = p[j - 1];
		p[j] = x;
	}
	for (int i = 0; i < np; i++) {
		if (i)
			tl_addc(t, '&');
		tl_add(t, q + p[i].off, p[i].len);
	}
	return 0;
}

/* Rewrites the part of the target that the normalizer works on. */
static int norm_apply(struct tail *t, enum http_norm which, int opt, const char *u,
		      const struct http_uri_parts *p)
{
	const char *path = u + p->path_off;
	size_t plen = p->path_end - p->path_off, rest = p->q_end - p->path_end;
	switch (which) {
	case HTTP_NORM_FRAGMENT_STRIP: {
		const char *h = memchr(path, '#', plen + rest);
		tl_add(t, path, h ? (size_t)(h - path) : plen + rest);
		return 0;
	}
	case HTTP_NORM_FRAGMENT_ENCODE:
		for (size_t i = 0; i < plen + rest; i++)
			if (path[i] == '#')
				tl_add(t, "%23", 3);
			else
				tl_addc(t, path[i]);
		return 0;
	case HTTP_NORM_MERGE_SLASHES:
		for (size_t i = 0; i < plen; i++)
			if (path[i] != '/' || !i || path[i - 1] != '/')
				tl_addc(t, path[i]);
		break;
	case HTTP_NORM_STRIP_DOT:
	case HTTP_NORM_STRIP_DOTDOT:
		if (!plen || path[0] != '/')
			return 2;
		norm_dots(t, path, plen, which == HTTP_NORM_STRIP_DOTDOT, opt);
		break;
	case HTTP_NORM_PCT_DECODE:
	case HTTP_NORM_PCT_UPPER:
		return norm_percent(t, path, plen + rest, which == HTTP_NORM_PCT_DECODE, opt);
	case HTTP_NORM_QUERY_SORT:
		tl_add(t, path, plen);
		if (rest) {
			tl_addc(t, '?');
			return norm_query_sort(t, path + plen + 1, rest - 1);
		}
		return 0;
	}
	tl_add(t, path + plen, rest);
	return 0;
}

int http_uri_normalize(struct http_msg *m, enum http_norm which, int opt)
{
	struct http_uri_parts p;
	struct tail t;
	if (m->is_response)
		return -1;
	http_uri_split(m, &p);
	if (p.no_path)
		return 0;
	tl_init(&t, m);
	const char *u = m->buf + m->uri.off;
	tl_add(&t, u, p.path_off);
	int rc = norm_apply(&t, which, opt, u, &p);
	if (rc == 2)
		return 0;       /* nothing to normalize */
	if (rc)
		return rc;
	if (t.full || !is_target(tl_ptr(&t), t.len))
		return -1;
	return tl_commit(&t, &m->uri);
}
