/*
 * The HTTP message model's lifecycle (worker processes): the header array
 * and head buffer are sized once per session direction, so parsing never
 * allocates. A message owns both arrays.
 */
#include <string.h>
#include <strings.h>

#include "h1_int.h"
#include "weir/util.h"

void http_msg_init(struct http_msg *m, int is_response, int maxhdrs, uint32_t buf_cap)
{
	memset(m, 0, sizeof(*m));
	m->is_response = is_response;
	m->maxhdrs = maxhdrs;
	m->hdrs = xcalloc((size_t)maxhdrs, sizeof(*m->hdrs));
	m->buf = xmalloc(buf_cap);
	m->buf_cap = buf_cap;
}

void http_msg_reset(struct http_msg *m)
{
	struct http_hdr *hdrs = m->hdrs;
	char *buf = m->buf;
	int is_response = m->is_response, maxhdrs = m->maxhdrs;
	uint32_t cap = m->buf_cap;

	memset(m, 0, sizeof(*m));
	m->is_response = is_response;
	m->hdrs = hdrs;
	m->maxhdrs = maxhdrs;
	m->buf = buf;
	m->buf_cap = cap;
}

void http_msg_free(struct http_msg *m)
{
	if (!m)
		return;
	free(m->hdrs);
	free(m->buf);
	m->hdrs = NULL;
	m->buf = NULL;
	m->maxhdrs = 0;
	m->buf_cap = m->buf_len = 0;
}

int http_hdr_find(const struct http_msg *m, const char *name, size_t nlen, int from)
{
	for (int i = from < 0 ? 0 : from; i < m->nhdrs; i++) {
		const struct http_hdr *h = &m->hdrs[i];
		if (h->name.len == nlen && strncasecmp(m->buf + h->name.off, name, nlen) == 0)
			return i;
	}
	return -1;
}
