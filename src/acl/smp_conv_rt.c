/*
 * Run-time converters: case, hex and base64, time formatting, fields and
 * words, ipmask, length, JSON escaping, URL decoding, map lookups and
 * set-var. A converter that changes the bytes writes its output into the
 * caller's scratch (struct smp_ctx); one that only narrows a span (field,
 * word) keeps pointing into the input. Runs in the workers; touches no
 * shared memory.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smp-rt-int.h"

static int out_str(struct smp_val *smp, char *p, size_t n)
{
	smp->type = SMP_T_STR;
	smp->str.ptr = p;
	smp->str.len = n;
	smp->flags &= ~SMP_VF_CONST;
	return 0;
}

/* lower, upper (param "l" / "u") */
SMP_FN(smp_conv_case)
{
	char *p = smp_scratch_alloc(c, smp->str.len);
	if (!p && smp->str.len)
		return -1;
	for (size_t i = 0; i < smp->str.len; i++) {
		unsigned char ch = (unsigned char)smp->str.ptr[i];
		if (param[0] == 'l' && ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch + 32);
		else if (param[0] == 'u' && ch >= 'a' && ch <= 'z')
			ch = (unsigned char)(ch - 32);
		p[i] = (char)ch;
	}
	return out_str(smp, p, smp->str.len);
}

SMP_FN(smp_conv_hex)
{
	static const char hx[] = "0123456789ABCDEF";
	char *p = smp_scratch_alloc(c, smp->str.len * 2);
	if (!p && smp->str.len)
		return -1;
	for (size_t i = 0; i < smp->str.len; i++) {
		unsigned char ch = (unsigned char)smp->str.ptr[i];
		p[2 * i] = hx[ch >> 4];
		p[2 * i + 1] = hx[ch & 15];
	}
	return out_str(smp, p, smp->str.len * 2);
}

/* RFC 4648 section 4, with padding. */
SMP_FN(smp_conv_base64)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)smp->str.ptr;
	size_t n = smp->str.len, olen = (n + 2) / 3 * 4, o = 0;
	char *p = smp_scratch_alloc(c, olen);
	if (!p && olen)
		return -1;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		p[o++] = b64[(v >> 18) & 63];
		p[o++] = b64[(v >> 12) & 63];
		p[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		p[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	return out_str(smp, p, o);
}

/* ltime, utime (param "l" / "u"): strftime of the input seconds plus the
 * offset. The output is capped at 128 bytes, enough for any sane format. */
SMP_FN(smp_conv_time)
{
	time_t t = (time_t)(smp->sint + (nargs >= 2 ? args[1].u.sint : 0));
	struct tm tm;
	char tmp[128];
	if (!(param[0] == 'l' ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)))
		return -1;
	size_t n = strftime(tmp, sizeof(tmp), args[0].text, &tm);
	if (n == 0 && *args[0].text)
		return -1;
	char *p = smp_scratch_alloc(c, n);
	if (!p && n)
		return -1;
	memcpy(p, tmp, n);
	return out_str(smp, p, n);
}

/* field(<index>,<delims>[,<count>]) and word(...) (param "f" / "w"): the
 * index counts from 1, or from -1 at the end; count fields are returned
 * with their delimiters (0: all the rest). Words are fields with runs of
 * delimiters collapsed and the empty ones at the ends dropped. Both only
 * narrow the span: no copy. */
struct span {
	size_t s, e;
};

static int next_piece(const char *str, size_t len, const char *delim, int words, size_t *pos,
		      struct span *out)
{
	size_t i = *pos;
	if (words)
		while (i < len && strchr(delim, str[i]))
			i++;
	if (i > len || (words && i == len))
		return -1;
	size_t e = i;
	while (e < len && !strchr(delim, str[e]))
		e++;
	out->s = i;
	out->e = e;
	*pos = e + 1;
	return 0;
}

SMP_FN(smp_conv_field)
{
	long long idx = args[0].u.sint, cnt = nargs >= 3 ? args[2].u.sint : 1;
	const char *delim = args[1].text, *str = smp->str.ptr;
	int words = param[0] == 'w';
	size_t len = smp->str.len, pos = 0, start = 0;
	struct span sp;
	long long total = 0, k = 0;
	if (idx < 0) {   /* one pass to count, to turn the index around */
		while (next_piece(str, len, delim, words, &pos, &sp) == 0)
			total++;
		idx += total + 1;
		pos = 0;
	}
	if (idx < 1)
		return -1;
	long long last = cnt == 0 ? -1 : idx + cnt - 1;
	while (next_piece(str, len, delim, words, &pos, &sp) == 0) {
		if (++k == idx)
			start = sp.s;
		if (k >= idx) {
			smp->str.len = sp.e - start;
			if (k == last)
				break;
		}
	}
	if (k < idx)
		return -1;
	smp->type = SMP_T_STR;
	smp->str.ptr = str + start;
	return 0;
}

SMP_FN(smp_conv_ipmask)
{
	if (smp->type == SMP_T_IPV4) {
		int b = args[0].u.mask.bits;
		uint32_t m = b ? 0xffffffffu << (32 - b) : 0;
		smp->ip4.s_addr &= htonl(m);
		return 0;
	}
	if (nargs < 2)
		return -1;
	int b = args[1].u.mask.bits;
	for (int i = 0; i < 16; i++) {
		int keep = b - i * 8;
		if (keep < 8)
			smp->ip6.s6_addr[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
	return 0;
}

SMP_FN(smp_conv_length)
{
	smp->sint = (long long)smp->str.len;
	smp->type = SMP_T_SINT;
	return 0;
}

/* ------------------------------------------------ json */

enum { JS_ASCII, JS_UTF8, JS_UTF8S, JS_UTF8P, JS_UTF8PS };

/* Decodes one UTF-8 character at s: its length, or 0 for a bad sequence;
 * *bad_range is set for overlongs, surrogates and values past U+10FFFF. */
static size_t utf8_dec(const unsigned char *s, size_t n, uint32_t *cp, int *bad_range)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	static const uint32_t minv[] = { 0, 0, 0x80, 0x800, 0x10000 };
	*bad_range = 0;
	if (!len || len > n || s[0] >= 0xf8)
		return 0;
	uint32_t v = s[0] & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*bad_range = v < minv[len] || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff;
	*cp = v;
	return len;
}

static int json_mode(int nargs, const struct sample_arg *args)
{
	static const char *const names[] = { "ascii", "utf8", "utf8s", "utf8p", "utf8ps" };
	if (nargs >= 1)
		for (int i = 0; i < 5; i++)
			if (!strcmp(args[0].text, names[i]))
				return i;
	return JS_ASCII;
}

/* The escape of one character into out (at most 6 bytes), its length. */
static int json_esc(uint32_t ch, char *out)
{
	static const char hx[] = "0123456789abcdef";
	const char *e = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : ch == '/' ? "\\/" :
			ch == '\b' ? "\\b" : ch == '\f' ? "\\f" : ch == '\n' ? "\\n" :
			ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : NULL;
	if (e) {
		memcpy(out, e, 2);
		return 2;
	}
	if (ch >= 0x20 && ch < 0x7f) {
		out[0] = (char)ch;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'u';
	for (int i = 0; i < 4; i++)
		out[2 + i] = hx[(ch >> (12 - 4 * i)) & 15];
	return 6;
}

/* json([<input-code>]): the input escaped for a JSON string, as HAProxy
 * writes it (\" \\ \/ \b \f \n \r \t, \uXXXX for the rest outside ASCII).
 * utf8 fails on bad input; s skips bad sequences, p accepts bad ranges. */
SMP_FN(smp_conv_json)
{
	int mode = json_mode(nargs, args);
	const unsigned char *s = (const unsigned char *)smp->str.ptr;
	size_t n = smp->str.len, o = 0, cap = c->scr.buf ? c->scr.cap - c->scr.used : 0;
	char *p = c->scr.buf ? c->scr.buf + c->scr.used : NULL;
	for (size_t i = 0; i < n;) {
		uint32_t ch = s[i];
		size_t len = 1;
		int bad_range = 0;
		if (mode != JS_ASCII && ch >= 0x80) {
			len = utf8_dec(s + i, n - i, &ch, &bad_range);
			if (!len || (bad_range && mode != JS_UTF8P && mode != JS_UTF8PS)) {
				if (mode == JS_UTF8 || mode == JS_UTF8P)
					return -1;
				i += len ? len : 1;   /* skip it */
				continue;
			}
		}
		if (cap - o < 12)
			return -1;
		if (ch > 0xffff) {   /* RFC 8259 section 7: a surrogate pair */
			ch -= 0x10000;
			o += (size_t)json_esc(0xd800 + (ch >> 10), p + o);
			ch = 0xdc00 + (ch & 0x3ff);
		}
		o += (size_t)json_esc(ch, p + o);
		i += len;
	}
	c->scr.used += o;
	return out_str(smp, p, o);
}

/* ------------------------------------------------ url_dec */

static int hexval(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
	       ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* url_dec([<in_form>]): %XX decoded; '+' is a space in a form, or after
 * the '?' of a URL. */
SMP_FN(smp_conv_url_dec)
{
	int in_q = nargs >= 1 && args[0].u.sint;
	const char *s = smp->str.ptr;
	size_t n = smp->str.len, o = 0;
	char *p = smp_scratch_alloc(c, n);
	if (!p && n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h = i + 2 < n ? hexval(s[i + 1]) : -1, l = h >= 0 ? hexval(s[i + 2]) : -1;
			if (l < 0)
				return -1;
			p[o++] = (char)(h * 16 + l);
			i += 2;
			continue;
		}
		if (s[i] == '?')
			in_q = 1;
		p[o++] = s[i] == '+' && in_q ? ' ' : s[i];
	}
	return out_str(smp, p, o);
}

/* ------------------------------------------------ maps and variables */

/* map_<match>[_<out>](<file>[,<default>]): param is "<match>:<out>". */
SMP_FN(smp_conv_map)
{
	const struct pat_list *pl = args[0].data;
	const struct pattern *pat = pl ? pat_list_match(pl, smp, c) : NULL;
	const char *v = pat ? pat->value : nargs >= 2 ? args[1].text : NULL;
	const char *out = strchr(param, ':') + 1;
	if (!v)
		return -1;
	smp_set_str(smp, v, strlen(v));
	if (!strcmp(out, "int"))
		return smp_cast(smp, SMP_T_SINT, c);
	if (!strcmp(out, "ip"))
		return smp_cast(smp, SMP_T_ADDR, c);
	return 0;
}

SMP_FN(smp_conv_set_var)
{
	(void)smp_var_set(c->vars, args[0].u.var.scope, args[0].u.var.name, smp);
	return 0;
}

SMP_FN(smp_conv_same)
{
	return 0;
}
