/*
 * The built-in protocol checks as programs of the conversation engine
 * (check_conv.h): `option redis-check`, `pgsql-check`, `mysql-check`,
 * `smtpchk`, `ldap-check` and `ssl-hello-chk`, with the bytes, matchers
 * and results HAProxy 2.6 uses for each, so a server judged by HAProxy is
 * judged the same here.
 *
 * Runs in the checker process; reads the proxy's check parameters
 * (check_user, smtpchk_verb/domain, mysql_check_post41); owns nothing but
 * the steps it adds to a program.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "weir/checker.h"
#include "checker-int.h"
#include "check_conv.h"

static struct chk_step *chk_proto_expect(struct chk_prog *p, enum check_expect_type t,
					 const char *pat, int min_recv, unsigned err_st)
{
	struct chk_step *s = chk_prog_add(p, CHK_OP_EXPECT);
	s->type = t;
	s->pattern = pat;
	s->min_recv = min_recv;
	s->err_st = err_st;
	if (t == CHECK_EXP_RSTRING || t == CHECK_EXP_RBINARY)
		chk_prog_regex(s, pat);
	else {
		s->bin = (const unsigned char *)pat;
		s->binlen = strlen(pat);
	}
	return s;
}

/* ---------------------------------------------------------------- redis */

/* PING as a RESP array, "+PONG" back; anything else is L7STS with the
 * server's line (HAProxy: "-ERR ..." or "-LOADING ..."). */
static void chk_proto_redis(struct chk_prog *p)
{
	static const char ping[] = "*1\r\n$4\r\nPING\r\n";
	chk_prog_send(p, ping, sizeof(ping) - 1);
	struct chk_step *s = chk_proto_expect(p, CHECK_EXP_STRING, "+PONG\r\n", -1, CHK_ST_L7STS);
	s->info_payload = 0;
	s->on_success = xstrdup("Redis server is ok");
}

/* ---------------------------------------------------------------- pgsql */

static void chk_put32(struct sbuf *b, uint32_t v)
{
	char be[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	sbuf_add(b, be, 4);
}

/* The StartupMessage of protocol 3.0 (PostgreSQL "Message Formats"):
 * Int32 length, Int32 196608, "user" NUL <user> NUL, a final NUL. The
 * reply must not be an ErrorResponse ('E'), and must be an
 * Authentication request: 'R', length 8, 10 or 12, a method HAProxy
 * accepts (ok, Kerberos, cleartext, MD5, SCM, GSS). */
static int chk_proto_pgsql(struct chk *c, struct chk_prog *p)
{
	const char *user = c->px->check_user;
	if (!user)
		return -1;
	size_t ulen = strlen(user);
	struct sbuf m = { 0 };
	chk_put32(&m, (uint32_t)(15 + ulen));
	chk_put32(&m, 0x00030000);
	sbuf_add(&m, "user", 5);
	sbuf_add(&m, user, ulen + 1);
	sbuf_addc(&m, '\0');
	chk_prog_send(p, m.s, m.len);
	sbuf_free(&m);
	struct chk_step *s = chk_proto_expect(p, CHECK_EXP_RSTRING, "^E", 5, CHK_ST_L7RSP);
	s->inverse = 1;
	s->info_payload = 6;        /* the error's fields, after 'E', length, 'S' */
	s = chk_proto_expect(p, CHECK_EXP_RBINARY, "^52000000(08|0A|0C)000000(00|02|03|04|05|06)", 9,
			     CHK_ST_L7STS);
	s->on_success = xstrdup("PostgreSQL server is ok");
	s->on_error = xstrdup("PostgreSQL unknown error");
	return 0;
}

/* ----------------------------------------------------------------- smtp */

/* A 3-digit banner, which must be 2xx, then HELO/EHLO and a 2xx; the
 * code of the result is the server's and the info its text. */
static void chk_proto_smtp(struct chk *c, struct chk_prog *p)
{
	struct chk_step *s = chk_proto_expect(p, CHECK_EXP_RSTRING, "^[0-9]{3}[ \r]", 4, CHK_ST_L7RSP);
	s->info_payload = 0;
	s = chk_proto_expect(p, CHECK_EXP_RSTRING, "^2[0-9]{2}[ \r]", 4, CHK_ST_L7STS);
	s->info_payload = 4;
	s->code_payload = 1;
	struct sbuf m = { 0 };
	sbuf_printf(&m, "%s %s\r\n", c->px->smtpchk_verb ? c->px->smtpchk_verb : "HELO",
		    c->px->smtpchk_domain ? c->px->smtpchk_domain : "localhost");
	chk_prog_send(p, m.s, m.len);
	sbuf_free(&m);
	s = chk_proto_expect(p, CHECK_EXP_RSTRING, "^2[0-9]{2}[- \r]", 4, CHK_ST_L7STS);
	s->info_payload = 4;
	s->code_payload = 1;
}

/* ---------------------------------------------------------------- mysql */

/* One MySQL packet at `off` of the reply: 3 bytes of length (LE), a
 * sequence id, the payload. Returns its total size, 0 to wait, -1 when
 * it can never be complete. */
static long chk_mysql_packet(const struct chk_conv *v, size_t off)
{
	if (v->len < off + 4)
		return v->eof ? -1 : 0;
	size_t plen = v->buf[off] | (size_t)v->buf[off + 1] << 8 | (size_t)v->buf[off + 2] << 16;
	if (v->len < off + 4 + plen)
		return v->eof ? -1 : 0;
	return (long)(4 + plen);
}

/* An error packet (0xff): its code and message are the result (L7STS). */
static enum chk_eval chk_mysql_error(struct chk *c, size_t off, long plen)
{
	const struct chk_conv *v = c->conv;
	int code = v->buf[off + 5] | v->buf[off + 6] << 8;
	size_t mo = off + 7, me = off + (size_t)plen;
	char msg[256];
	size_t n = me > mo ? me - mo : 0;
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	memcpy(msg, v->buf + mo, n);
	msg[n] = '\0';
	chk_conv_end(c, CHK_ST_L7STS, code, msg);
	return CHK_EVAL_DONE;
}

/* The server's version in the handshake (protocol byte, then a C string). */
static void chk_mysql_version(const struct chk_conv *v, char *out, size_t cap)
{
	size_t i = 5, k = 0;
	while (i < v->len && v->buf[i] && k + 1 < cap)
		out[k++] = (char)v->buf[i++];
	out[k] = '\0';
}

static enum chk_eval chk_mysql_iniths(struct chk *c, const struct chk_step *s)
{
	struct chk_conv *v = c->conv;
	long plen = chk_mysql_packet(v, 0);
	if (plen == 0)
		return CHK_EVAL_WAIT;
	if (plen < 0) {
		chk_conv_end(c, CHK_ST_L7RSP, 0, "MySQL: incomplete handshake");
		return CHK_EVAL_DONE;
	}
	if (v->buf[4] == 0xff)
		return chk_mysql_error(c, 0, plen);
	if (s->index + 1 < v->prog.n)
		return CHK_EVAL_NEXT;   /* with a user: the auth's answer decides */
	char ver[64];
	chk_mysql_version(v, ver, sizeof(ver));
	chk_conv_end(c, CHK_ST_L7OK, 0, ver);
	return CHK_EVAL_DONE;
}

static enum chk_eval chk_mysql_ok(struct chk *c, const struct chk_step *s)
{
	struct chk_conv *v = c->conv;
	(void)s;
	long first = chk_mysql_packet(v, 0);
	long plen = first > 0 ? chk_mysql_packet(v, (size_t)first) : first;
	if (plen == 0)
		return CHK_EVAL_WAIT;
	if (plen < 0) {
		chk_conv_end(c, CHK_ST_L7RSP, 0, "MySQL: no answer to the authentication");
		return CHK_EVAL_DONE;
	}
	if (v->buf[first + 4] == 0xff)
		return chk_mysql_error(c, (size_t)first, plen);
	char ver[64];
	chk_mysql_version(v, ver, sizeof(ver));
	chk_conv_end(c, CHK_ST_L7OK, 0, ver);
	return CHK_EVAL_DONE;
}

/* The client authentication packet HAProxy sends ahead of the handshake
 * (sequence 1, no password), then COM_QUIT, so the server logs no aborted
 * connection: 4.1 capabilities and a 23-byte filler, or the 4.0 form. */
static void chk_mysql_auth(struct chk *c, struct chk_prog *p)
{
	const char *user = c->px->check_user;
	size_t ulen = strlen(user);
	int post41 = c->px->mysql_check_post41;
	size_t plen = ulen + 7 + (post41 ? 27 : 0);
	struct sbuf m = { 0 };
	char hdr[4] = { (char)(plen & 0xff), (char)(plen >> 8 & 0xff), (char)(plen >> 16 & 0xff), 1 };
	sbuf_add(&m, hdr, 4);
	if (post41) {
		static const char caps[] = { 0x00, (char)0x82, 0x00, 0x00, 0x00, (char)0x80, 0x00, 0x01,
					     0x21 };
		static const char zeros[23] = { 0 };
		sbuf_add(&m, caps, sizeof(caps));
		sbuf_add(&m, zeros, sizeof(zeros));
	} else {
		static const char caps[] = { 0x00, (char)0x80, 0x00, 0x00, 0x01 };
		sbuf_add(&m, caps, sizeof(caps));
	}
	sbuf_add(&m, user, ulen + 1);
	static const char tail[] = { 0x00, 0x01, 0x00, 0x00, 0x00, 0x01 };
	sbuf_add(&m, tail, sizeof(tail));
	chk_prog_send(p, m.s, m.len);
	sbuf_free(&m);
}

static void chk_proto_mysql(struct chk *c, struct chk_prog *p)
{
	if (c->px->check_user)
		chk_mysql_auth(c, p);
	struct chk_step *s = chk_prog_add(p, CHK_OP_EXPECT);
	s->custom = chk_mysql_iniths;
	if (c->px->check_user) {
		s = chk_prog_add(p, CHK_OP_EXPECT);
		s->custom = chk_mysql_ok;
	}
}

/* ----------------------------------------------------------------- ldap */

/* A BER length at *pos; -1 when malformed or truncated. */
static long chk_ber_len(const struct chk_conv *v, size_t *pos)
{
	if (*pos >= v->len)
		return -1;
	unsigned b = v->buf[(*pos)++];
	if (!(b & 0x80))
		return (long)b;
	unsigned n = b & 0x7f;
	if (!n || n > 4 || *pos + n > v->len)
		return -1;
	long len = 0;
	while (n--)
		len = len << 8 | v->buf[(*pos)++];
	return len;
}

/* RFC 4511 section 4.2.2: LDAPMessage { messageID 1, bindResponse
 * [APPLICATION 1] { resultCode ENUMERATED ... } }. resultCode 0 passes;
 * any other is L7STS with the code. */
static enum chk_eval chk_ldap_bindrsp(struct chk *c, const struct chk_step *s)
{
	struct chk_conv *v = c->conv;
	(void)s;
	size_t pos = 1;
	long mlen = chk_ber_len(v, &pos);
	if (mlen >= 0 && v->len < pos + (size_t)mlen && !v->eof)
		return CHK_EVAL_WAIT;
	long blen = -1;
	if (mlen >= 0 && pos + 4 <= v->len && memcmp(v->buf + pos, "\x02\x01\x01\x61", 4) == 0) {
		pos += 4;
		blen = chk_ber_len(v, &pos);
	}
	if (blen < 3 || pos + 3 > v->len || v->buf[pos] != 0x0a || v->buf[pos + 1] != 0x01) {
		chk_conv_end(c, CHK_ST_L7RSP, 0, "Not LDAPv3 protocol");
		return CHK_EVAL_DONE;
	}
	int rc = v->buf[pos + 2];
	if (rc)
		chk_conv_end(c, CHK_ST_L7STS, rc, "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9");
	else
		chk_conv_end(c, CHK_ST_L7OK, 0, "Success");
	return CHK_EVAL_DONE;
}

/* An anonymous simple bind, LDAPv3: messageID 1, version 3, empty name
 * and password. */
static void chk_proto_ldap(struct chk_prog *p)
{
	static const unsigned char bind[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02,
					      0x01, 0x03, 0x04, 0x00, 0x80, 0x00 };
	chk_prog_send(p, bind, sizeof(bind));
	struct chk_step *s = chk_proto_expect(p, CHECK_EXP_RBINARY, "^30", 14, CHK_ST_L7RSP);
	s->on_error = xstrdup("Not LDAPv3 protocol");
	s = chk_prog_add(p, CHK_OP_EXPECT);
	s->custom = chk_ldap_bindrsp;
}

/* ------------------------------------------------------------ ssl-hello */

/* An SSLv3 ClientHello (RFC 6101 section 5.6.1.2): record 0x16 v3.0 of
 * 0x79 bytes, ClientHello of 0x75, the time and 28 random bytes, no
 * session, 39 common RSA/DH cipher suites, null compression. Any
 * handshake (0x16) or alert (0x15) record back shows a TLS stack: L6OK. */
static void chk_proto_ssl_hello(struct chk_prog *p)
{
	struct sbuf m = { 0 };
	static const char head[] = { 0x16, 0x03, 0x00, 0x00, 0x79, 0x01, 0x00, 0x00, 0x75, 0x03, 0x00 };
	sbuf_add(&m, head, sizeof(head));
	chk_put32(&m, (uint32_t)time(NULL));
	sbuf_adds(&m, "HAPROXYSSLCHK\nHAPROXYSSLCHK\n");
	static const char ciphers_len[] = { 0x00, 0x00, 0x4e };   /* no session id, 78 bytes */
	sbuf_add(&m, ciphers_len, sizeof(ciphers_len));
	for (int cs = 0x01; cs <= 0x3a; cs++) {
		if (cs > 0x1b && cs < 0x2f)
			continue;
		char two[2] = { 0x00, (char)cs };
		sbuf_add(&m, two, 2);
	}
	static const char comp[] = { 0x01, 0x00 };
	sbuf_add(&m, comp, sizeof(comp));
	chk_prog_send(p, m.s, m.len);
	sbuf_free(&m);
	struct chk_step *s = chk_proto_expect(p, CHECK_EXP_RBINARY, "^1[56]", 5, CHK_ST_L6RSP);
	s->ok_st = CHK_ST_L6OK;
	s->tout_st = CHK_ST_L6TOUT;
}

int chk_proto_compile(struct chk *c, struct chk_prog *p)
{
	switch (c->px->check_kind) {
	case CHECK_KIND_REDIS:
		chk_proto_redis(p);
		return 0;
	case CHECK_KIND_PGSQL:
		return chk_proto_pgsql(c, p);
	case CHECK_KIND_SMTP:
		chk_proto_smtp(c, p);
		return 0;
	case CHECK_KIND_MYSQL:
		chk_proto_mysql(c, p);
		return 0;
	case CHECK_KIND_LDAP:
		chk_proto_ldap(p);
		return 0;
	case CHECK_KIND_SSL_HELLO:
		chk_proto_ssl_hello(p);
		return 0;
	default:
		return -1;
	}
}
