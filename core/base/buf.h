/*
 * buf.h - a growable, always NUL-terminated byte buffer.
 *
 * The one way core builds strings (no sprintf/strcat).  A struct ew_buf
 * lives on the stack or inside another struct: ew_buf_init() it, append,
 * then ew_buf_release() (or ew_buf_release_secret() when it held a secret,
 * which zeroes the bytes first).  ew_buf_detach() hands the heap string to
 * the caller, who frees it with free().
 *
 * Appending functions return 0 or EW_ENOMEM; after a failed allocation the
 * buffer keeps its previous content.
 */
#ifndef EW_BUF_H
#define EW_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ew_buf {
	char *ptr;  /* NUL-terminated; never NULL after init */
	size_t len; /* bytes used, not counting the NUL */
	size_t cap; /* bytes allocated; 0 while ptr points at a static "" */
};

void ew_buf_init(struct ew_buf *b);
void ew_buf_release(struct ew_buf *b);
/* Zero the bytes, then release: for buffers that held credentials. */
void ew_buf_release_secret(struct ew_buf *b);
/* Empty the buffer, keeping its allocation. */
void ew_buf_clear(struct ew_buf *b);
/* Make room for `extra` more bytes. */
int ew_buf_grow(struct ew_buf *b, size_t extra);
int ew_buf_add(struct ew_buf *b, const void *data, size_t len);
int ew_buf_puts(struct ew_buf *b, const char *s);
int ew_buf_putc(struct ew_buf *b, char c);
int ew_buf_printf(struct ew_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int ew_buf_vprintf(struct ew_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Return the heap string (caller frees) and re-init the buffer. */
char *ew_buf_detach(struct ew_buf *b);

/* A new heap string formatted like printf (caller frees); NULL when out of
 * memory. */
char *ew_aprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strdup that returns NULL for NULL input. */
char *ew_strdup(const char *s);
/* Zero and free a heap string that held a secret. */
void ew_free_secret(char *s);

#endif
