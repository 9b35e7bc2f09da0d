/*
 * Arena allocator (see include/weir/arena.h). Used by the master while it
 * loads a configuration; children inherit the result read-only via fork.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weir/arena.h"
#include "weir/util.h"

#define ARENA_CHUNK 65536
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *ptr;
};

struct arena {
	struct arena_chunk *chunks;
	struct arena_cleanup *cleanups;
};

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct arena_cleanup *c = a->cleanups, *n; c; c = n) {
		n = c->next;
		c->fn(c->ptr);
	}
	for (struct arena_chunk *c = a->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct arena_chunk *c = a->chunks;
	if (!c || c->size - c->used < size) {
		size_t want = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;
		c = xmalloc(sizeof(*c) + want);
		c->used = 0;
		c->size = want;
		/* Big one-off blocks go behind the current chunk so its free
		 * tail stays usable for the small objects that follow. */
		if (a->chunks && want != ARENA_CHUNK) {
			c->next = a->chunks->next;
			a->chunks->next = c;
		} else {
			c->next = a->chunks;
			a->chunks = c;
		}
	}
	void *p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *d = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

void arena_on_free(struct arena *a, void (*fn)(void *), void *ptr)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));
	c->fn = fn;
	c->ptr = ptr;
	c->next = a->cleanups;
	a->cleanups = c;
}

/*
 * The slot before the first item records which struct vec owns the array.
 * A struct copied by value (a proxy made from its defaults) carries a vec
 * at a new address, so its first append sees a foreign owner and copies:
 * inheritance needs no per-list bookkeeping.
 */
void vec_push(struct arena *a, struct vec *vec, void *item)
{
	int foreign = vec->v && vec->v[-1] != (void *)vec;
	if (vec->n == vec->cap || foreign) {
		int ncap = vec->n < 4 ? 4 : vec->n * 2;
		void **nv = arena_alloc(a, sizeof(void *) * (size_t)(ncap + 1));
		nv[0] = vec;
		nv++;
		if (vec->n)
			memcpy(nv, vec->v, sizeof(void *) * (size_t)vec->n);
		vec->v = nv;
		vec->cap = ncap;
	}
	vec->v[vec->n++] = item;
}

void vec_share(struct vec *vec, const struct vec *src)
{
	vec->v = src->v;
	vec->n = src->n;
	vec->cap = 0;
}
