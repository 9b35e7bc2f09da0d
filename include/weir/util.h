/*
 * Small helpers shared by every process: checked allocation, string
 * comparison, the closest-word search used by "did you mean" messages.
 */
#ifndef WEIR_UTIL_H
#define WEIR_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* An assertion that stays on in release builds: for cheap invariants whose
 * violation means memory is already wrong. */
#define WEIR_ASSERT(cond) do { \
	if (__builtin_expect(!(cond), 0)) { \
		fprintf(stderr, "weir: assertion failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} } while (0)

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Milliseconds on the monotonic clock: the same time base in every process
 * (heartbeats in the segment are compared across processes). */
uint64_t util_mono_ms(void);

/* Edit distance between two short words (keyword suggestions). */
int str_distance(const char *a, const char *b);

/* A growable string buffer on the heap. */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_reset(struct sbuf *b);
void sbuf_free(struct sbuf *b);
/* Never NULL: an empty buffer reads as "". */
const char *sbuf_str(const struct sbuf *b);

#endif
