/*
 * The responses weir builds itself: the answers of final rules (deny,
 * tarpit, return, auth, redirect) and the error pages of a proxy (the
 * page its errorfile, errorfiles and http-error lines resolved to, else
 * the frontend's, else HAProxy 2.6's built-in pages).
 * Byte for byte what HAProxy 2.6 sends, as observed on the wire: header
 * names in lower case (its HTX layer lowercases them), content-length
 * always computed, `connection: close` last when the connection closes
 * (HAProxy leaves it out of a closing 502/503/504 to an HTTP/1.1 client;
 * weir always says it closes). The answer to a HEAD request keeps its
 * head, content-length included, and drops the body (RFC 9110 9.3.2).
 *
 * Runs in the workers, on the request path; appends to the caller's sbuf
 * and reads only the configuration model. Log-format bodies, headers and
 * redirect targets are built with logfmt_build() from the rule context.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "weir/http-act.h"
#include "weir/http.h"
#include "weir/log.h"
#include "weir/rule.h"
#include "weir/sample-rt.h"
#include "weir/util.h"

/* ------------------------------------------------------------ reasons */

struct reason {
	int status;
	const char *text;
};

/* What HAProxy 2.6 writes after a status it builds (from its answers to
 * `return status N` for every N). */
static const struct reason reasons[] = {
	{ 100, "Continue" }, { 101, "Switching Protocols" }, { 102, "Processing" },
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 203, "Non-Authoritative Information" }, { 204, "No Content" },
	{ 205, "Reset Content" }, { 206, "Partial Content" }, { 207, "Multi-Status" },
	{ 210, "Content Different" }, { 226, "IM Used" },
	{ 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Moved Temporarily" },
	{ 303, "See Other" }, { 304, "Not Modified" }, { 305, "Use Proxy" },
	{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
	{ 310, "Too many Redirects" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 402, "Payment Required" },
	{ 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" }, { 407, "Proxy Authentication Required" },
	{ 408, "Request Time-out" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 411, "Length Required" }, { 412, "Precondition Failed" },
	{ 413, "Request Entity Too Large" }, { 414, "Request-URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Requested range unsatisfiable" },
	{ 417, "Expectation failed" }, { 418, "I'm a teapot" }, { 421, "Misdirected Request" },
	{ 422, "Unprocessable Content" }, { 423, "Locked" }, { 424, "Method failure" },
	{ 425, "Too Early" }, { 426, "Upgrade Required" }, { 428, "Precondition Required" },
	{ 429, "Too Many Requests" }, { 431, "Request Header Fields Too Large" },
	{ 449, "Retry With" }, { 450, "Blocked by Windows Parental Controls" },
	{ 451, "Unavailable For Legal Reasons" }, { 456, "Unrecoverable Error" },
	{ 499, "client has closed connection" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway or Proxy Error" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Time-out" }, { 505, "HTTP Version not supported" },
	{ 506, "Variant also negotiate" }, { 507, "Insufficient storage" },
	{ 508, "Loop detected" }, { 509, "Bandwidth Limit Exceeded" }, { 510, "Not extended" },
	{ 511, "Network authentication required" },
	{ 520, "Web server is returning an unknown error" },
};

const char *http_reply_reason(int status)
{
	static const char *const classes[] = { "Other", "Informational", "Success",
					       "Redirection", "Client Error", "Server Error" };
	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++)
		if (reasons[i].status == status)
			return reasons[i].text;
	return status >= 100 && status <= 599 ? classes[status / 100] : classes[0];
}

/* ------------------------------------------------------------ built-in pages */

struct builtin_page {
	int status;
	const char *reason;       /* the page's own, not always http_reply_reason()'s */
	const char *text;
	int closes;               /* HAProxy's page says Connection: close */
};

static const struct builtin_page builtin_pages[] = {
	{ 200, "OK", "Service ready.", 0 },
	{ 400, "Bad request", "Your browser sent an invalid request.", 1 },
	{ 401, "Unauthorized", "You need a valid user and password to access this content.", 0 },
	{ 403, "Forbidden", "Request forbidden by administrative rules.", 0 },
	{ 404, "Not Found", "The resource could not be found.", 0 },
	{ 405, "Method Not Allowed", "A request was made of a resource using a request method "
	  "not supported by that resource", 0 },
	{ 407, "Unauthorized", "You need a valid user and password to access this content.", 0 },
	{ 408, "Request Time-out", "Your browser didn't send a complete request in time.", 1 },
	{ 410, "Gone", "The resource is no longer available and will not be available again.", 0 },
	{ 413, "Payload Too Large", "The request entity exceeds the maximum allowed.", 0 },
	/* 414, 431 and 505 are weir's own: HAProxy 2.6 answers 400 to an
	 * oversized head, where RFC 9112 3 and RFC 6585 5 name these */
	{ 414, "Request-URI Too Long", "Your browser sent a request line longer than the "
	  "server accepts.", 1 },
	{ 425, "Too Early", "Your browser sent early data.", 0 },
	{ 429, "Too Many Requests", "You have sent too many requests in a given amount of time.", 0 },
	{ 431, "Request Header Fields Too Large", "Your browser sent header fields larger than "
	  "the server accepts.", 1 },
	{ 500, "Internal Server Error", "An internal server error occurred.", 0 },
	/* sic: HAProxy's text starts with a dot */
	{ 501, "Not Implemented", ".The server does not support the functionality required to "
	  "fulfill the request.", 0 },
	{ 502, "Bad Gateway", "The server returned an invalid or incomplete response.", 0 },
	{ 503, "Service Unavailable", "No server is available to handle this request.", 0 },
	{ 504, "Gateway Time-out", "The server didn't respond in time.", 0 },
	{ 505, "HTTP Version Not Supported", "Your browser sent an HTTP version the server "
	  "does not speak.", 1 },
};

/* The page of a status; a status without one gets its class's: 400 or
 * 500. */
static const struct builtin_page *builtin_find(int status)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtin_pages); i++)
		if (builtin_pages[i].status == status)
			return &builtin_pages[i];
	return builtin_find(status >= 500 ? 500 : 400);
}

/* Extra header lines (already CRLF-terminated) go before connection: close. */
static int builtin_emit(const struct builtin_page *b, int close, const char *extra,
			struct sbuf *out)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "<html><body><h1>%d %s</h1>\n%s\n</body></html>\n",
			 b->status, b->reason, b->text);
	sbuf_printf(out, "HTTP/1.1 %d %s\r\ncontent-length: %d\r\ncache-control: no-cache\r\n"
		    "content-type: text/html\r\n%s%s\r\n", b->status, b->reason, n,
		    extra ? extra : "", close || b->closes ? "connection: close\r\n" : "");
	sbuf_add(out, body, (size_t)n);
	return b->status;
}

/* The mux's form: HAProxy's page text as written, never converted. */
static int builtin_emit_raw(const struct builtin_page *b, struct sbuf *out)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "<html><body><h1>%d %s</h1>\n%s\n</body></html>\n",
			 b->status, b->reason, b->text);
	sbuf_printf(out, "HTTP/1.1 %d %s\r\nContent-length: %d\r\nCache-Control: no-cache\r\n"
		    "Connection: close\r\nContent-Type: text/html\r\n\r\n", b->status, b->reason, n);
	sbuf_add(out, body, (size_t)n);
	return b->status;
}

/* ------------------------------------------------------------ errorfiles */

/* One line of a raw response: [p, p+len) without its CR LF. */
static const char *next_line(const char *p, const char *end, size_t *len, const char **next)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));
	const char *e = lf ? lf : end;
	*next = lf ? lf + 1 : end;
	if (e > p && e[-1] == '\r')
		e--;
	*len = (size_t)(e - p);
	return p;
}

static int hdr_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

/* Appends one "name: value" line, the name in lower case. */
static void put_hdr_lower(struct sbuf *out, const char *name, size_t nlen, const char *val,
			  size_t vlen)
{
	for (size_t i = 0; i < nlen; i++)
		sbuf_addc(out, (char)tolower((unsigned char)name[i]));
	sbuf_adds(out, ": ");
	sbuf_add(out, val, vlen);
	sbuf_adds(out, "\r\n");
}

/*
 * A raw response loaded from a file (errorfile, deny/return errorfile):
 * its status line and headers as written, names lowercased as HAProxy
 * does; Content-Length is recomputed from the body actually there (added
 * when missing, so keep-alive framing holds), Connection headers are
 * replaced by ours. An empty file means "close without answering": nothing
 * is appended. Returns `status`, the page's or the rule's, not the file's:
 * HAProxy 2.6 logs and counts that one (an errorloc for 503 logs 503 and
 * sends 302).
 */
static const char *raw_body(const char *raw, size_t len)
{
	const char *crlf = memmem(raw, len, "\r\n\r\n", 4), *lf = memmem(raw, len, "\n\n", 2);
	if (crlf && (!lf || crlf < lf))
		return crlf + 4;
	return lf ? lf + 2 : raw + len;
}

static int errorfile_emit(const char *raw, size_t len, int status, int close, const char *extra,
			  struct sbuf *out)
{
	const char *p = raw, *end = raw + len, *next, *line;
	size_t l;
	int has_cl = 0;
	if (!len)
		return status;
	const char *body = raw_body(raw, len);
	size_t blen = (size_t)(end - body);
	line = next_line(p, body, &l, &next);
	sbuf_add(out, line, l);
	sbuf_adds(out, "\r\n");
	for (p = next; p < body; p = next) {
		line = next_line(p, body, &l, &next);
		if (!l)
			break;
		const char *colon = memchr(line, ':', l);
		if (!colon)
			continue;
		size_t nlen = (size_t)(colon - line);
		const char *v = colon + 1, *ve = line + l;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (hdr_is(line, nlen, "connection"))
			continue;
		if (hdr_is(line, nlen, "content-length")) {
			if (!has_cl)
				sbuf_printf(out, "content-length: %zu\r\n", blen);
			has_cl = 1;
			continue;
		}
		put_hdr_lower(out, line, nlen, v, (size_t)(ve - v));
	}
	if (!has_cl)
		sbuf_printf(out, "content-length: %zu\r\n", blen);
	sbuf_printf(out, "%s%s\r\n", extra ? extra : "", close ? "connection: close\r\n" : "");
	sbuf_add(out, body, blen);
	return status;
}

/* ------------------------------------------------------------ replies */

static const struct log_sess *sess_of(const struct http_act_ctx *c, const struct logfmt *lf)
{
	static const struct log_sess none = { .status = -1 };
	const struct log_sess *ls = c ? http_act_log_sess(c, lf) : NULL;
	return ls ? ls : &none;
}

/* Appends the text of a log-format (logfmt_build() at most cap-1 bytes). */
static size_t build_fmt(const struct logfmt *lf, const struct http_act_ctx *c, size_t cap,
			struct sbuf *out)
{
	char *buf = xmalloc(cap);
	int n = logfmt_build(lf, sess_of(c, lf), buf, cap);
	if (n > 0)
		sbuf_add(out, buf, (size_t)n);
	free(buf);
	return n > 0 ? (size_t)n : 0;
}

/* Room for one log-format value: a head never outgrows tune.bufsize. */
#define REPLY_FMT_CAP 16384

/* sbuf_add() of a span that may be empty (and then NULL). */
static void add_span(struct sbuf *out, const char *p, size_t n)
{
	if (n)
		sbuf_add(out, p, n);
}

static int status_has_body(int status)
{
	return status >= 200 && status != 204 && status != 304;
}

static int error_page(const struct proxy_conf *px, int status, struct http_act_ctx *c, int close,
		      const char *extra, struct sbuf *out);
static int head_only(struct http_act_ctx *c, size_t start, int status, struct sbuf *out);

/* Whose pages a rule's answer takes first: the backend's once chosen (a
 * frontend's http-response rules too), as HAProxy does, else the proxy
 * whose rules run. */
static const struct proxy_conf *answer_px(const struct http_act_ctx *c)
{
	if (!c)
		return NULL;
	return c->smp && c->smp->be ? c->smp->be : c->px;
}

/*
 * A reply of struct rule_reply built like HAProxy's `return`: status line,
 * the `hdr` headers, content-length, content-type, connection: close, then
 * the body. `extra` (auth's www-authenticate) follows the `hdr` headers.
 * A page table never holds a default-errorfiles reply (errorfile.c), so
 * the error_page() below cannot come back here with one.
 */
static int reply_emit(struct http_act_ctx *c, const struct rule_reply *rp, int close,
		      const char *extra, struct sbuf *out)
{
	const struct rule_hdr *h;
	switch (rp->payload) {
	case PAYLOAD_DEFAULT_ERRORFILE:
		return error_page(answer_px(c), rp->status, c, close, extra, out);
	case PAYLOAD_ERRORFILES:
		if (rp->page)
			return errorfile_emit(rp->page->content, rp->page->content_len, rp->status,
					      close, extra, out);
		break;      /* the section has no page for the status: an empty reply */
	case PAYLOAD_ERRORFILE:
		return errorfile_emit(rp->content, rp->content_len, rp->status, close, extra, out);
	default:
		break;
	}
	struct sbuf body = { 0 };
	if (rp->payload == PAYLOAD_LF_STRING || rp->payload == PAYLOAD_LF_FILE)
		build_fmt(rp->lf, c, REPLY_FMT_CAP, &body);
	else if (rp->content_len)
		sbuf_add(&body, rp->content, rp->content_len);
	sbuf_printf(out, "HTTP/1.1 %d %s\r\n", rp->status, http_reply_reason(rp->status));
	VEC_EACH(&rp->hdrs, const struct rule_hdr *, h) {
		struct sbuf v = { 0 };
		build_fmt(h->fmt, c, REPLY_FMT_CAP, &v);
		put_hdr_lower(out, h->name, strlen(h->name), sbuf_str(&v), v.len);
		sbuf_free(&v);
	}
	if (extra)
		sbuf_adds(out, extra);
	if (status_has_body(rp->status))
		sbuf_printf(out, "content-length: %zu\r\n", body.len);
	if (rp->content_type && status_has_body(rp->status))
		sbuf_printf(out, "content-type: %s\r\n", rp->content_type);
	sbuf_printf(out, "%s\r\n", close ? "connection: close\r\n" : "");
	if (status_has_body(rp->status))
		add_span(out, body.s, body.len);
	sbuf_free(&body);
	return rp->status;
}

/* HAProxy 2.6's order: px's page (the backend's, once chosen), then the
 * frontend's, then the built-in one. A page is what px's errorfile,
 * errorfiles and http-error lines resolved to, the last line naming the
 * status winning (rule_error_page()). */
static const struct rule_reply *page_of(const struct proxy_conf *px, const struct http_act_ctx *c,
					int status)
{
	const struct rule_reply *rp = rule_error_page(px, status);
	const struct proxy_conf *fe = c && c->smp ? c->smp->fe : NULL;
	if (!rp && fe && fe != px)
		rp = rule_error_page(fe, status);
	return rp;
}

static int error_page(const struct proxy_conf *px, int status, struct http_act_ctx *c, int close,
		      const char *extra, struct sbuf *out)
{
	const struct rule_reply *rp = page_of(px, c, status);
	if (!rp)
		return builtin_emit(builtin_find(status), close, extra, out);
	struct http_act_ctx tmp = { 0 };
	if (!c) {
		tmp.px = px;
		c = &tmp;
	}
	return reply_emit(c, rp, close, extra, out);
}

int http_reply_error(const struct proxy_conf *px, int status, struct http_act_ctx *c,
		     struct sbuf *out)
{
	size_t start = out->len;
	return head_only(c, start, error_page(px, status, c, 1, NULL, out), out);
}

/* HAProxy's mux sends its built-in page whatever the configuration says
 * (only an empty errorfile, "close without answering", is honoured); weir
 * keeps the promise of the documentation and sends the frontend's page
 * when it has one. */
int http_reply_error_h1(const struct proxy_conf *px, int status, struct sbuf *out)
{
	if (rule_error_page(px, status))
		return error_page(px, status, NULL, 1, NULL, out);
	return builtin_emit_raw(builtin_find(status), out);
}

/* A HEAD request gets the head alone: a body would be read as the next
 * response on a kept-alive connection. */
static int head_only(struct http_act_ctx *c, size_t start, int status, struct sbuf *out)
{
	const struct http_msg *req = c && c->smp && c->smp->req ? c->smp->req : c ? c->msg : NULL;
	if (!req || req->is_response || req->meth != HTTP_METH_HEAD || out->len <= start)
		return status;
	const char *h = memmem(out->s + start, out->len - start, "\r\n\r\n", 4);
	if (h) {
		out->len = (size_t)(h + 4 - out->s);
		out->s[out->len] = '\0';
	}
	return status;
}

/* ------------------------------------------------------------ auth */

int http_reply_auth(const struct proxy_conf *px, const char *realm, int proxy, int close,
		    struct http_act_ctx *c, struct sbuf *out)
{
	struct sbuf hdr = { 0 };
	sbuf_printf(&hdr, "%s: Basic realm=\"%s\"\r\n", proxy ? "proxy-authenticate" :
		    "www-authenticate", realm ? realm : "");
	int st = error_page(px, proxy ? 407 : 401, c, close, sbuf_str(&hdr), out);
	sbuf_free(&hdr);
	return st;
}

/* `auth [realm R]`: the realm defaults to the proxy's name; a proxy request
 * gets 407. */
static int reply_auth(struct http_act_ctx *c, const struct rule *r, int close, struct sbuf *out)
{
	const struct proxy_conf *fe = c->smp && c->smp->fe ? c->smp->fe : c->px;
	const struct http_msg *req = c->smp && c->smp->req ? c->smp->req : c->msg;
	const char *realm = r->text ? r->text : c->px && c->px->name ? c->px->name : "";
	return http_reply_auth(c->px, realm, http_auth_is_proxy(fe, req), close, c, out);
}

static int rule_answer(struct http_act_ctx *c, const struct rule *r, int close, struct sbuf *out)
{
	switch (r->act) {
	case ACT_REDIRECT:
		return http_reply_redirect(c, r->redir, close, out);
	case ACT_AUTH:
		return reply_auth(c, r, close, out);
	case ACT_DENY:
	case ACT_TARPIT:
	case ACT_RETURN:
	case ACT_HTTP_ERROR:
		if (r->reply)
			return reply_emit(c, r->reply, close, NULL, out);
		return error_page(answer_px(c), r->act == ACT_RETURN ? 200 :
				  r->act == ACT_TARPIT ? 500 : 403, c, close, NULL, out);
	default:
		/* not a rule with an answer: the engine should not ask */
		return error_page(answer_px(c), 500, c, 1, NULL, out);
	}
}

int http_reply_rule(struct http_act_ctx *c, const struct rule *r, int close, struct sbuf *out)
{
	size_t start = out->len;
	return head_only(c, start, rule_answer(c, r, close, out), out);
}

/* ------------------------------------------------------------ redirects */

static const char *redirect_reason(int code)
{
	switch (code) {
	case 301: return "Moved Permanently";
	case 303: return "See Other";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	default: return "Found";
	}
}

/* The request's origin-form path and query (absolute form: after the
 * authority; "/" when it has no path). */
static void req_pathq(const struct http_msg *req, const char **p, size_t *len)
{
	const char *u = req ? http_str_ptr(req, req->uri) : "";
	size_t n = req ? req->uri.len : 0;
	*p = u;
	*len = n;
	if (!n || u[0] == '/')
		return;
	const char *s = memmem(u, n, "://", 3);
	const char *slash = s ? memchr(s + 3, '/', (size_t)(u + n - s - 3)) : NULL;
	if (!slash) {
		*p = "/";
		*len = 1;
		return;
	}
	*p = slash;
	*len = (size_t)(u + n - slash);
}

/* The location of a prefix or scheme redirect: base, then the request's
 * path (and query unless drop-query). */
static void redirect_pathq(const struct rule_redirect *rd, const struct http_msg *req,
			   struct sbuf *loc)
{
	const char *p;
	size_t n;
	req_pathq(req, &p, &n);
	if (rd->drop_query) {
		const char *q = memchr(p, '?', n);
		if (q)
			n = (size_t)(q - p);
	}
	sbuf_add(loc, p, n);
}

static void redirect_host(const struct http_msg *req, struct sbuf *loc)
{
	int i = req ? http_hdr_find(req, "host", 4, 0) : -1;
	if (i >= 0)
		sbuf_add(loc, http_str_ptr(req, req->hdrs[i].value), req->hdrs[i].value.len);
}

/* Builds the location; -1 when ignore-empty says the rule does not apply. */
static int redirect_location(struct http_act_ctx *c, const struct rule_redirect *rd,
			     struct sbuf *loc)
{
	const struct http_msg *req = c && c->smp && c->smp->req ? c->smp->req : c ? c->msg : NULL;
	struct sbuf t = { 0 };
	build_fmt(rd->fmt, c, REPLY_FMT_CAP, &t);
	if (!t.len && rd->ignore_empty) {
		sbuf_free(&t);
		return -1;
	}
	switch (rd->type) {
	case REDIRECT_PREFIX:
		/* a prefix of exactly "/" adds nothing: it only keeps the path */
		if (!(t.len == 1 && t.s[0] == '/'))
			add_span(loc, t.s, t.len);
		redirect_pathq(rd, req, loc);
		break;
	case REDIRECT_SCHEME:
		add_span(loc, t.s, t.len);
		sbuf_adds(loc, "://");
		redirect_host(req, loc);
		redirect_pathq(rd, req, loc);
		break;
	default:
		add_span(loc, t.s, t.len);
		sbuf_free(&t);
		return 0;
	}
	sbuf_free(&t);
	/* HAProxy looks at the last byte of the whole location, query and all */
	if (rd->append_slash && (!loc->len || loc->s[loc->len - 1] != '/'))
		sbuf_addc(loc, '/');
	return 0;
}

int http_reply_redirect(struct http_act_ctx *c, const struct rule_redirect *rd, int close,
			struct sbuf *out)
{
	struct sbuf loc = { 0 };
	if (redirect_location(c, rd, &loc) < 0) {
		sbuf_free(&loc);
		return 0;
	}
	int code = rd->code ? rd->code : 302;
	sbuf_printf(out, "HTTP/1.1 %d %s\r\ncontent-length: 0\r\nlocation: ", code,
		    redirect_reason(code));
	add_span(out, loc.s, loc.len);
	sbuf_adds(out, "\r\n");
	/* temporary redirects must not be cached; permanent ones may */
	if (code == 302 || code == 303 || code == 307)
		sbuf_adds(out, "cache-control: no-cache\r\n");
	if (rd->set_cookie)
		sbuf_printf(out, "set-cookie: %s; path=/;\r\n", rd->set_cookie);
	else if (rd->clear_cookie)
		sbuf_printf(out, "set-cookie: %s; path=/; Max-Age=0;\r\n", rd->clear_cookie);
	sbuf_printf(out, "%s\r\n", close ? "connection: close\r\n" : "");
	sbuf_free(&loc);
	return code;
}
