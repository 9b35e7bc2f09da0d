/*
 * Checks of health-check configurations that need whole rule sequences or
 * the whole model, run once after all files (the check table's finish).
 * Beyond HAProxy's own errors, it warns about conversations that parse but
 * can never succeed, as found in the users' guides: a PostgreSQL startup
 * message whose length field disagrees with the bytes sent (seed s000-05),
 * a Redis command without its line ending (seed s002-01). Warnings only:
 * `weir -c` still accepts what HAProxy accepts. Runs in the master.
 */
#include <ctype.h>
#include <string.h>

#include "check_int.h"

/* Escapes a short string for a message ("PING\r\n" stays readable). */
static const char *escaped(struct arena *a, const char *s, size_t len)
{
	struct sbuf b = {0};
	for (size_t i = 0; i < len && i < 64; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r')
			sbuf_adds(&b, "\\r");
		else if (c == '\n')
			sbuf_adds(&b, "\\n");
		else if (isprint(c))
			sbuf_addc(&b, (char)c);
		else
			sbuf_printf(&b, "\\x%02x", c);
	}
	const char *r = arena_strdup(a, sbuf_str(&b));
	sbuf_free(&b);
	return r;
}

static int next_step_from(const struct vec *v, int from)
{
	for (int i = from; i < v->n; i++)
		if (chk_is_step(v->v[i]))
			return i;
	return -1;
}

/* ------------------------------------------------------------ PostgreSQL */

static int is_send_binary(const struct check_rule *r)
{
	return r->action == CHECK_ACT_SEND && r->send.type == CHECK_SEND_BINARY;
}

/*
 * A run of send-binary steps is one message. When it starts like a
 * PostgreSQL v3 startup message (a big-endian length, then 00 03 00 00),
 * the length must count every byte of the run: the server waits for the
 * rest otherwise, and the check times out.
 */
static int pgsql_run(struct cfg *cfg, const struct vec *v, int start)
{
	unsigned char head[8];
	size_t total = 0;
	int i = start;
	for (; i < v->n; i++) {
		const struct check_rule *r = v->v[i];
		if (!chk_is_step(r))
			continue;
		if (!is_send_binary(r))
			break;
		for (size_t k = 0; k < r->send.len && total + k < 8; k++)
			head[total + k] = (unsigned char)r->send.data[k];
		total += r->send.len;
	}
	if (total >= 8 && memcmp(head + 4, "\x00\x03\x00\x00", 4) == 0) {
		unsigned long declared = (unsigned long)head[0] << 24 | (unsigned long)head[1] << 16 |
					 (unsigned long)head[2] << 8 | head[3];
		const struct check_rule *first = v->v[start];
		if (declared != total)
			cfg_diag_at(cfg, CFG_WARNING, &first->loc, "tcp-check send-binary: the PostgreSQL "
				    "startup message declares %lu bytes but %zu are sent; the server will "
				    "wait for the rest and the check will time out. Write the length as "
				    "%08zx (it counts itself and every byte up to the next expect), or use "
				    "'option pgsql-check user <name>'.", declared, total, total);
	}
	return i;
}

static void lint_pgsql(struct cfg *cfg, const struct vec *v)
{
	for (int i = 0; i < v->n;) {
		if (is_send_binary(v->v[i]))
			i = pgsql_run(cfg, v, i);
		else
			i++;
	}
}

/* ----------------------------------------------------------------- Redis */

/* Redis reads a command up to "\n" (inline form): without it, it waits. */
static void lint_redis(struct cfg *cfg, const struct vec *v)
{
	for (int i = 0; i < v->n; i++) {
		const struct check_rule *r = v->v[i];
		if (r->action != CHECK_ACT_SEND || r->send.type != CHECK_SEND_STRING || !r->send.len ||
		    r->send.data[r->send.len - 1] == '\n')
			continue;
		int n = next_step_from(v, i + 1);
		const struct check_rule *e = n >= 0 ? v->v[n] : NULL;
		if (!e || e->action != CHECK_ACT_EXPECT || e->expect.inverse ||
		    (e->expect.type != CHECK_EXP_STRING && e->expect.type != CHECK_EXP_RSTRING))
			continue;
		const char *p = e->expect.pattern;
		if (e->expect.type == CHECK_EXP_RSTRING && p[0] == '^')
			p += p[1] == '\\' ? 2 : 1;
		if (p[0] != '+')
			continue;
		const char *data = escaped(cfg->arena, r->send.data, r->send.len);
		cfg_diag_at(cfg, CFG_WARNING, &r->loc, "tcp-check send '%s': Redis will not answer a "
			    "command without \\r\\n, so the 'expect %s' that follows will time out. "
			    "Write: tcp-check send \"%s\\r\\n\"", data, e->expect.pattern, data);
	}
}

/* ---------------------------------------------------------- whole proxies */

static int own_list(const struct proxy_conf *px, const struct vec *v, int http)
{
	const struct proxy_conf *d = px->defaults;
	return v->n && (!d || v->v != (http ? d->http_check_rules.v : d->tcp_check_rules.v));
}

/* HAProxy ignores rules of a kind the proxy does not run, with a warning. */
static void lint_unused(struct cfg *cfg, const struct proxy_conf *px)
{
	if (own_list(px, &px->http_check_rules, 1) && px->check_kind != CHECK_KIND_HTTP) {
		const struct check_rule *r = px->http_check_rules.v[0];
		cfg_diag_at(cfg, CFG_WARNING, &r->loc, "backend '%s' uses http-check rules without "
			    "'option httpchk', so the rules are ignored. Add 'option httpchk'.", px->name);
	}
	if (own_list(px, &px->tcp_check_rules, 0) && px->check_kind != CHECK_KIND_TCPCHECK) {
		const struct check_rule *r = px->tcp_check_rules.v[0];
		cfg_diag_at(cfg, CFG_WARNING, &r->loc, "backend '%s' uses tcp-check rules without "
			    "'option tcp-check', so the rules are ignored. Add 'option tcp-check'.", px->name);
	}
}

static int any_checked(const struct proxy_conf *px)
{
	const struct server_conf *s;
	VEC_EACH(&px->servers, const struct server_conf *, s)
		if (s->check)
			return 1;
	return 0;
}

static void lint_external(struct cfg *cfg, const struct proxy_conf *px)
{
	if (px->check_kind != CHECK_KIND_EXTERNAL || !any_checked(px))
		return;
	if (!cfg->global.external_check)
		cfg_diag_at(cfg, CFG_ALERT, &px->loc, "Proxy '%s' : 'option external-check' needs the "
			    "'external-check' keyword in the global section (it allows forking "
			    "commands).", px->name);
	if (!px->external_check_command)
		cfg_diag_at(cfg, CFG_ALERT, &px->loc, "Proxy '%s' : 'option external-check' needs "
			    "'external-check command <program>'.", px->name);
}

/* The SSLv3 hello of ssl-hello-chk is meant to be sent in clear. */
static void lint_ssl_hello(struct cfg *cfg, const struct proxy_conf *px)
{
	const struct server_conf *s;
	if (px->check_kind != CHECK_KIND_SSL_HELLO)
		return;
	VEC_EACH(&px->servers, const struct server_conf *, s)
		if (s->check && s->check_ssl > 0)
			cfg_diag_at(cfg, CFG_WARNING, &s->loc, "backend '%s': server '%s' has 'check-ssl' "
				    "with 'option ssl-hello-chk': the SSLv3 hello would be sent inside "
				    "the TLS session. Drop 'check-ssl' (the hello itself tests SSL) or "
				    "keep 'check-ssl' with a plain check.", px->name, s->name);
}

static void lint_section(struct cfg *cfg, const struct proxy_conf *px)
{
	if (own_list(px, &px->tcp_check_rules, 0)) {
		lint_pgsql(cfg, &px->tcp_check_rules);
		lint_redis(cfg, &px->tcp_check_rules);
	}
	if (!(px->cap & PX_CAP_BE) || (px->cap & PX_CAP_DEF))
		return;
	lint_unused(cfg, px);
	lint_external(cfg, px);
	lint_ssl_hello(cfg, px);
}

void chk_lint(struct cfg *cfg)
{
	const struct proxy_conf *px;
	VEC_EACH(&cfg->defaults, const struct proxy_conf *, px)
		lint_section(cfg, px);
	VEC_EACH(&cfg->proxies, const struct proxy_conf *, px)
		lint_section(cfg, px);
}
