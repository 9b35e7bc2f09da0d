/*
 * HTTP/1 head serialization (worker processes, traffic path): a struct
 * http_msg, possibly edited by http-request/http-response rules, back to
 * the bytes sent on the wire (RFC 9112 3, 4, 5). Headers keep their order
 * and spelling; a header a rule deleted has an empty name and is skipped.
 * The caller owns out; nothing here parses or validates again (rules
 * validate what they insert).
 */
#include "h1_int.h"
#include "weir/util.h"

static void h1w_str(struct sbuf *out, const struct http_msg *m, struct http_str s)
{
	sbuf_add(out, m->buf + s.off, s.len);
}

static void h1w_version(struct sbuf *out, const struct http_msg *m)
{
	char v[8] = { 'H', 'T', 'T', 'P', '/', (char)('0' + m->vmajor), '.', (char)('0' + m->vminor) };

	sbuf_add(out, v, sizeof(v));
}

/* field-name ": " field-value CRLF per header, then the empty line. */
static void h1w_headers(struct sbuf *out, const struct http_msg *m)
{
	for (int i = 0; i < m->nhdrs; i++) {
		const struct http_hdr *h = &m->hdrs[i];
		if (h->name.len == 0)
			continue;
		h1w_str(out, m, h->name);
		sbuf_add(out, ": ", 2);
		h1w_str(out, m, h->value);
		sbuf_add(out, "\r\n", 2);
	}
	sbuf_add(out, "\r\n", 2);
}

void h1_write_request(const struct http_msg *m, struct sbuf *out)
{
	h1w_str(out, m, m->method);
	sbuf_addc(out, ' ');
	h1w_str(out, m, m->uri);
	sbuf_addc(out, ' ');
	h1w_version(out, m);
	sbuf_add(out, "\r\n", 2);
	h1w_headers(out, m);
}

void h1_write_response(const struct http_msg *m, struct sbuf *out)
{
	char code[5] = { ' ', (char)('0' + m->status / 100 % 10), (char)('0' + m->status / 10 % 10),
			 (char)('0' + m->status % 10), ' ' };

	h1w_version(out, m);
	sbuf_add(out, code, sizeof(code));
	h1w_str(out, m, m->reason);
	sbuf_add(out, "\r\n", 2);
	h1w_headers(out, m);
}
