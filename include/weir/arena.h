/*
 * Arena allocation for the configuration model.
 *
 * The parsed configuration is plain data that lives exactly as long as one
 * generation: it is built once, read by every process after fork, and freed
 * whole. An arena makes that ownership trivial: every object of a model is
 * carved from the model's arena and nothing is freed on its own, so a proxy
 * may share inherited data with its `defaults` section by pointer.
 * Resources that are not memory (compiled regexes) register a cleanup.
 */
#ifndef WEIR_ARENA_H
#define WEIR_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* Frees every allocation and runs every registered cleanup. Accepts NULL. */
void arena_free(struct arena *a);

/* Zeroed memory, aligned for any type. Aborts on out-of-memory: the arena
 * serves configuration loading, where there is nothing sensible to recover. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Run fn(ptr) when the arena is freed (last registered runs first). */
void arena_on_free(struct arena *a, void (*fn)(void *), void *ptr);

/*
 * A growable array of pointers in an arena. Appending copies the array when
 * it is shared (an inherited list), so a proxy that adds to a list it got
 * from `defaults` never changes the defaults' copy.
 */
struct vec {
	void **v;
	int n;
	int cap;
};

void vec_push(struct arena *a, struct vec *vec, void *item);
/* Make vec share src's items (copy-on-write). */
void vec_share(struct vec *vec, const struct vec *src);

#define VEC_EACH(vec, type, var) \
	for (int var##_i = 0; var##_i < (vec)->n && ((var) = (type)(vec)->v[var##_i], 1); var##_i++)

#endif
