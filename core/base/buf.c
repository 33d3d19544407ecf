#include "buf.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty_string[1];

void ew_buf_init(struct ew_buf *b)
{
	b->ptr = empty_string;
	b->len = 0;
	b->cap = 0;
}

void ew_buf_release(struct ew_buf *b)
{
	if (b->cap)
		free(b->ptr);
	ew_buf_init(b);
}

void ew_buf_release_secret(struct ew_buf *b)
{
	/* explicit_bzero: a wipe the compiler may not drop before free */
	if (b->cap)
		explicit_bzero(b->ptr, b->cap);
	ew_buf_release(b);
}

void ew_buf_clear(struct ew_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

int ew_buf_grow(struct ew_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > (size_t)-1 - b->len - 1)
		return EW_ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = b->cap ? realloc(b->ptr, cap) : malloc(cap);
	if (!p)
		return EW_ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int ew_buf_add(struct ew_buf *b, const void *data, size_t len)
{
	if (ew_buf_grow(b, len))
		return EW_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int ew_buf_puts(struct ew_buf *b, const char *s)
{
	return ew_buf_add(b, s, strlen(s));
}

int ew_buf_putc(struct ew_buf *b, char c)
{
	return ew_buf_add(b, &c, 1);
}

int ew_buf_vprintf(struct ew_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return EW_ERROR;
	if (ew_buf_grow(b, (size_t)n))
		return EW_ENOMEM;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ew_buf_printf(struct ew_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ew_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *ew_buf_detach(struct ew_buf *b)
{
	char *s = b->cap ? b->ptr : ew_strdup("");

	ew_buf_init(b);
	return s;
}

char *ew_aprintf(const char *fmt, ...)
{
	struct ew_buf b;
	va_list ap;
	int rc;

	ew_buf_init(&b);
	va_start(ap, fmt);
	rc = ew_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc) {
		ew_buf_release(&b);
		return NULL;
	}
	return ew_buf_detach(&b);
}

char *ew_strdup(const char *s)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void ew_free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
