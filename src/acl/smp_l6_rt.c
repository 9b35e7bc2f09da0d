/*
 * Run-time fetches of layer 6: the first bytes of the client's stream as
 * `tcp-request content` rules see them while inspecting (req.len,
 * req.payload, and the TLS ClientHello fields req.ssl_hello_type,
 * req.ssl_ver, req.ssl_sni, req.ssl_alpn). Runs in the workers; reads
 * only c->payload, which the session points at its input buffer.
 *
 * The ClientHello is parsed as RFC 8446 4.1.2 lays it out, inside the
 * first record only (RFC 8446 5.1), as HAProxy does: a hello split over
 * several records is not found, which the inspect-delay bounds. Every
 * length is checked against what was received: a truncated or hostile
 * hello gives "not found", never a read past the data.
 */
#include <string.h>

#include "smp-rt-int.h"

/* A cursor over received bytes; any read past the end fails. */
struct rd {
	const unsigned char *p;
	size_t n;
};

static int rd_skip(struct rd *r, size_t k)
{
	if (r->n < k)
		return -1;
	r->p += k, r->n -= k;
	return 0;
}

static int rd_u8(struct rd *r, unsigned *v)
{
	if (r->n < 1)
		return -1;
	*v = r->p[0];
	return rd_skip(r, 1);
}

static int rd_u16(struct rd *r, unsigned *v)
{
	if (r->n < 2)
		return -1;
	*v = (unsigned)r->p[0] << 8 | r->p[1];
	return rd_skip(r, 2);
}

/* A sub-cursor of a length-prefixed vector (lbytes: 1 or 2). */
static int rd_vec(struct rd *r, int lbytes, struct rd *sub)
{
	unsigned len;
	if ((lbytes == 1 ? rd_u8(r, &len) : rd_u16(r, &len)) < 0 || r->n < len)
		return -1;
	*sub = (struct rd){ r->p, len };
	return rd_skip(r, len);
}

SMP_FN(smp_fetch_req_len)
{
	(void)args, (void)nargs, (void)param;
	if (!c->payload_on)
		return -1;
	smp->type = SMP_T_SINT;
	smp->sint = (long long)c->payload_len;
	return 0;
}

/* req.payload(<offset>,<length>): length 0 means "to the end". Not found
 * while the bytes have not all arrived. */
SMP_FN(smp_fetch_req_payload)
{
	(void)param;
	if (!c->payload_on || nargs < 2 || args[0].u.sint < 0 || args[1].u.sint < 0)
		return -1;
	size_t off = (size_t)args[0].u.sint, len = (size_t)args[1].u.sint;
	if (off > c->payload_len || (len && c->payload_len - off < len))
		return -1;
	smp->type = SMP_T_BIN;
	smp->str.ptr = (const char *)c->payload + off;
	smp->str.len = len ? len : c->payload_len - off;
	return 0;
}

/* The handshake message of the first record: its type, and the cursor
 * on its body. -1 when the data is not (yet) a TLS handshake record. */
static int tls_handshake(const struct smp_ctx *c, unsigned *type, struct rd *body,
			 unsigned *rec_ver)
{
	struct rd r = { c->payload, c->payload_len }, rec;
	unsigned ct, v, hi, lo;
	if (!c->payload_on || rd_u8(&r, &ct) < 0 || ct != 22 || rd_u16(&r, &v) < 0 ||
	    (v >> 8) != 3 || rd_vec(&r, 2, &rec) < 0)
		return -1;
	*rec_ver = v;
	if (rd_u8(&rec, type) < 0 || rd_u8(&rec, &hi) < 0 || rd_u16(&rec, &lo) < 0)
		return -1;
	size_t len = (size_t)hi << 16 | lo;
	if (rec.n < len)
		return -1;
	*body = (struct rd){ rec.p, len };
	return 0;
}

/* req.ssl_hello_type: 1 for a ClientHello, 2 for a ServerHello. */
SMP_FN(smp_fetch_req_ssl_hello_type)
{
	(void)args, (void)nargs, (void)param;
	unsigned type, v;
	struct rd body;
	if (tls_handshake(c, &type, &body, &v) < 0)
		return -1;
	smp->type = SMP_T_SINT;
	smp->sint = type;
	return 0;
}

/* The extensions of a ClientHello, or -1. */
static int client_hello_exts(const struct smp_ctx *c, struct rd *exts, unsigned *hello_ver)
{
	unsigned type, v;
	struct rd h, skip;
	if (tls_handshake(c, &type, &h, &v) < 0 || type != 1)
		return -1;
	if (rd_u16(&h, hello_ver) < 0 || rd_skip(&h, 32) < 0 ||   /* version, random */
	    rd_vec(&h, 1, &skip) < 0 ||                          /* session id */
	    rd_vec(&h, 2, &skip) < 0 ||                          /* cipher suites */
	    rd_vec(&h, 1, &skip) < 0)                            /* compression */
		return -1;
	if (h.n == 0) {
		*exts = (struct rd){ h.p, 0 };
		return 0;
	}
	return rd_vec(&h, 2, exts);
}

/* The body of extension `want` of the ClientHello, or -1. */
static int client_hello_ext(const struct smp_ctx *c, unsigned want, struct rd *ext)
{
	struct rd exts;
	unsigned ver, type;
	if (client_hello_exts(c, &exts, &ver) < 0)
		return -1;
	while (exts.n) {
		if (rd_u16(&exts, &type) < 0 || rd_vec(&exts, 2, ext) < 0)
			return -1;
		if (type == want)
			return 0;
	}
	return -1;
}

/* req.ssl_ver: the hello's version as HAProxy reports it (0x0303 ... as
 * an integer); supported_versions (RFC 8446 4.2.1) wins when present. */
SMP_FN(smp_fetch_req_ssl_ver)
{
	(void)args, (void)nargs, (void)param;
	struct rd exts, sv;
	unsigned ver;
	if (client_hello_exts(c, &exts, &ver) < 0)
		return -1;
	if (client_hello_ext(c, 43, &sv) == 0) {
		struct rd list;
		unsigned best = 0, v;
		if (rd_vec(&sv, 1, &list) == 0)
			while (rd_u16(&list, &v) == 0)
				if ((v >> 8) == 3 && v > best)
					best = v;
		if (best)
			ver = best;
	}
	smp->type = SMP_T_SINT;
	smp->sint = ver;
	return 0;
}

/* req.ssl_sni: the host_name of server_name (RFC 6066 3). */
SMP_FN(smp_fetch_req_ssl_sni)
{
	(void)args, (void)nargs, (void)param;
	struct rd ext, list, name;
	unsigned type;
	if (client_hello_ext(c, 0, &ext) < 0 || rd_vec(&ext, 2, &list) < 0)
		return -1;
	while (list.n) {
		if (rd_u8(&list, &type) < 0 || rd_vec(&list, 2, &name) < 0)
			return -1;
		if (type == 0 && name.n) {
			smp_set_str(smp, (const char *)name.p, name.n);
			return 0;
		}
	}
	return -1;
}

/* req.ssl_alpn: the first protocol the client offers (RFC 7301 3.1). */
SMP_FN(smp_fetch_req_ssl_alpn)
{
	(void)args, (void)nargs, (void)param;
	struct rd ext, list, proto;
	if (client_hello_ext(c, 16, &ext) < 0 || rd_vec(&ext, 2, &list) < 0 ||
	    rd_vec(&list, 1, &proto) < 0 || proto.n == 0)
		return -1;
	smp_set_str(smp, (const char *)proto.p, proto.n);
	return 0;
}
