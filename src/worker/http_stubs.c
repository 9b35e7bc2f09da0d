/* TEMPORARY: stand-ins for the rules executor and reply builders until
 * their branches merge. */
#include <stdio.h>
#include <string.h>

#include "weir/http-act.h"
#include "weir/stats.h"
#include "weir/util.h"
#include "http-int.h"

enum http_verdict http_rules_run(struct http_act_ctx *c, enum rule_list list)
{
	(void)c, (void)list;
	return HTTP_V_CONTINUE;
}

const char *http_cap_get(const struct http_caps *caps, int is_res, int idx, size_t *len)
{
	(void)caps, (void)is_res, (void)idx, (void)len;
	return NULL;
}

void http_caps_take(const struct proxy_conf *fe, const struct http_msg *m, int is_res,
		    struct http_caps *caps)
{
	(void)fe, (void)m, (void)is_res, (void)caps;
}

int http_reply_rule(struct http_act_ctx *c, const struct rule *r, int close, struct sbuf *out)
{
	(void)c, (void)r;
	return http_reply_error(NULL, 403, NULL, out) + 0 * close;
}

int http_reply_redirect(struct http_act_ctx *c, const struct rule_redirect *rd, int close,
			struct sbuf *out)
{
	(void)c, (void)rd, (void)close;
	sbuf_adds(out, "HTTP/1.1 302 Found\r\ncontent-length: 0\r\n\r\n");
	return 302;
}

int http_reply_error(const struct proxy_conf *px, int status, struct http_act_ctx *c,
		     struct sbuf *out)
{
	(void)px, (void)c;
	char body[128];
	int n = snprintf(body, sizeof(body), "<html><body><h1>%d</h1></body></html>\n", status);
	sbuf_printf(out, "HTTP/1.1 %d Error\r\ncontent-length: %d\r\ncache-control: no-cache\r\n"
		    "content-type: text/html\r\nconnection: close\r\n\r\n%s", status, n, body);
	return status;
}

int stats_http_serve(struct weir_proc *p, const struct proxy_conf *px, const struct http_msg *req,
		     int close, struct sbuf *out)
{
	(void)p, (void)px, (void)req, (void)close, (void)out;
	return 0;
}
