/*
 * The chunked transfer coding, decoded as it streams (worker processes,
 * traffic path; RFC 9112 7.1). The state is a small plain struct the
 * session owns, so a body may arrive in pieces of any size, one byte
 * included. Payload bytes are handed back as spans of the caller's input
 * (no copy, one span per run); the framing around them is checked a byte
 * at a time through a switch. Any fault is a 400: a chunked body that two
 * parsers could read differently is a smuggling vector.
 */
#include "h1_int.h"

enum {
	H1C_SIZE = 0,     /* chunk-size = 1*HEXDIG */
	H1C_SIZE_END,     /* BWS after the size, before ";" or CRLF */
	H1C_EXT,          /* chunk-ext, skipped up to CR */
	H1C_SIZE_LF,      /* LF ending the chunk-size line */
	H1C_DATA,         /* chunk-data */
	H1C_DATA_CR,      /* CRLF after chunk-data */
	H1C_DATA_LF,
	H1C_TRAILER,      /* start of a trailer line, or the final CRLF */
	H1C_TNAME,        /* field-name */
	H1C_TVALUE,       /* ":" OWS field-value OWS */
	H1C_TLF,          /* LF ending a trailer line */
	H1C_END_LF,       /* LF of the final CRLF */
	H1C_DONE,
	H1C_ERROR,
};

void h1_chunk_init(struct h1_chunk_state *st, uint32_t max_trailer)
{
	*st = (struct h1_chunk_state){ .st = H1C_SIZE, .max_trailer = max_trailer };
}

/* One hex digit of chunk-size, refusing a value past INT64_MAX (it would
 * wrap, and a wrapped size is exactly how a smuggler hides a request). */
static const char *h1c_digit(struct h1_chunk_state *st, unsigned char ch)
{
	unsigned d = ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;

	if (st->remain > ((uint64_t)INT64_MAX >> 4))
		return "chunk size too large";
	st->remain = (st->remain << 4) | d;
	st->ndigits++;
	return NULL;
}

/* The chunk-size line: 1*HEXDIG [ BWS ";" chunk-ext ] CRLF (7.1, 7.1.1). */
static const char *h1c_size_line(struct h1_chunk_state *st, unsigned char ch)
{
	switch (st->st) {
	case H1C_SIZE:
		if (H1_IS(ch, H1_C_HEX))
			return h1c_digit(st, ch);
		if (st->ndigits == 0)
			return "invalid chunk size";
		st->st = H1C_SIZE_END;
		/* fall through */
	case H1C_SIZE_END:
		if (H1_IS(ch, H1_C_OWS))
			return NULL;
		if (ch == ';')
			st->st = H1C_EXT;
		else if (ch == '\r')
			st->st = H1C_SIZE_LF;
		else
			return ch == '\n' ? "bare LF in a chunk-size line" : "invalid chunk size";
		return NULL;
	case H1C_EXT:
		/* Extensions are ignored (7.1.1), but stay field-content. */
		if (ch == '\r')
			st->st = H1C_SIZE_LF;
		else if (!H1_IS(ch, H1_C_FIELD))
			return ch == '\n' ? "bare LF in a chunk extension" : "invalid chunk extension";
		return NULL;
	default: /* H1C_SIZE_LF */
		if (ch != '\n')
			return "bare CR in a chunk-size line";
		st->st = st->remain ? H1C_DATA : H1C_TRAILER;
		st->ndigits = 0;
		return NULL;
	}
}

/* A byte of a trailer's field-value: kept in trailer_kept unless it is
 * OWS before or after the value (RFC 9110 5.5 strips those). */
static void h1c_value_byte(struct h1_chunk_state *st, unsigned char ch)
{
	if (H1_IS(ch, H1_C_OWS)) {
		st->value_ows += st->value_begun;
		return;
	}
	st->trailer_kept += st->value_ows + 1;
	st->value_ows = 0;
	st->value_begun = 1;
}

/* trailer-section = *( field-line CRLF ) CRLF (7.1.2): validated like the
 * header section (no obs-fold, no space before the colon), then dropped;
 * only the size of its fields is kept (trailer_kept). */
static const char *h1c_trailer(struct h1_chunk_state *st, unsigned char ch)
{
	if (++st->trailer_len > st->max_trailer)
		return "trailer section too large";
	switch (st->st) {
	case H1C_TRAILER:
		if (ch == '\r') {
			st->st = H1C_END_LF;
		} else if (H1_IS(ch, H1_C_TOKEN)) {
			st->st = H1C_TNAME;
			st->trailer_kept++;
		} else
			return H1_IS(ch, H1_C_OWS) ? "obs-fold in the trailer section"
						   : "invalid trailer field";
		return NULL;
	case H1C_TNAME:
		if (ch == ':') {
			st->st = H1C_TVALUE;
			st->value_ows = 0;
			st->value_begun = 0;
		} else if (!H1_IS(ch, H1_C_TOKEN)) {
			return H1_IS(ch, H1_C_OWS) ? "whitespace before a trailer colon"
						   : "invalid trailer field name";
		} else {
			st->trailer_kept++;
		}
		return NULL;
	case H1C_TVALUE:
		if (ch == '\r')
			st->st = H1C_TLF;
		else if (!H1_IS(ch, H1_C_FIELD))
			return ch == '\n' ? "bare LF in a trailer field" : "invalid trailer field value";
		else
			h1c_value_byte(st, ch);
		return NULL;
	case H1C_TLF:
		if (ch != '\n')
			return "bare CR in a trailer field";
		st->st = H1C_TRAILER;
		return NULL;
	default: /* H1C_END_LF */
		if (ch != '\n')
			return "bare CR at the end of the trailer section";
		st->st = H1C_DONE;
		return NULL;
	}
}

/* One framing byte (everything but chunk-data). */
static const char *h1c_step(struct h1_chunk_state *st, unsigned char ch)
{
	switch (st->st) {
	case H1C_SIZE: case H1C_SIZE_END: case H1C_EXT: case H1C_SIZE_LF:
		return h1c_size_line(st, ch);
	case H1C_DATA_CR:
		/* 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF */
		if (ch != '\r')
			return "missing CRLF after chunk data";
		st->st = H1C_DATA_LF;
		return NULL;
	case H1C_DATA_LF:
		if (ch != '\n')
			return "missing CRLF after chunk data";
		st->st = H1C_SIZE;
		st->remain = 0;
		return NULL;
	default:
		return h1c_trailer(st, ch);
	}
}

/* Hand back the next run of chunk-data starting at data[i]. */
static size_t h1c_data(struct h1_chunk_state *st, const char *data, size_t avail, struct h1_span *sp)
{
	size_t take = st->remain < avail ? (size_t)st->remain : avail;

	sp->p = data;
	sp->len = take;
	st->remain -= take;
	if (!st->remain)
		st->st = H1C_DATA_CR;
	return take;
}

int h1_chunk_feed(struct h1_chunk_state *st, const char *data, size_t len, size_t *consumed,
		  struct h1_span *out, int *nout, struct http_err *err)
{
	int room = *nout, n = 0;
	const char *why = NULL;
	size_t i = 0;

	if (st->st == H1C_ERROR) {
		*consumed = 0;
		*nout = 0;
		return h1_fail(err, 400, "chunked body already in error", st->pos);
	}
	while (i < len && st->st != H1C_DONE) {
		if (st->st == H1C_DATA) {
			if (n == room)
				break;
			i += h1c_data(st, data + i, len - i, &out[n++]);
			continue;
		}
		if ((why = h1c_step(st, (unsigned char)data[i])) != NULL)
			break;
		i++;
	}
	*consumed = i;
	*nout = n;
	st->pos += i;
	if (why) {
		st->st = H1C_ERROR;
		return h1_fail(err, 400, why, st->pos);
	}
	return st->st == H1C_DONE;
}
