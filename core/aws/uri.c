#include "uri.h"

#include <stdint.h>
#include <string.h>

static const char hex_upper[] = "0123456789ABCDEF";

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '~';
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int ew_uri_encode(struct ew_buf *out, const char *s, size_t len,
		  bool keep_slash)
{
	const unsigned char *p = (const unsigned char *)s;
	char *w;

	/* Reserve the worst case once, so the append is all or nothing. */
	if (len > (SIZE_MAX - 1) / 3 || ew_buf_grow(out, len * 3))
		return EW_ENOMEM;
	w = out->ptr + out->len;
	for (size_t i = 0; i < len; i++) {
		if (is_unreserved(p[i]) || (keep_slash && p[i] == '/')) {
			*w++ = (char)p[i];
		} else {
			*w++ = '%';
			*w++ = hex_upper[p[i] >> 4];
			*w++ = hex_upper[p[i] & 0x0f];
		}
	}
	out->len = (size_t)(w - out->ptr);
	out->ptr[out->len] = '\0';
	return 0;
}

int ew_uri_decode(struct ew_buf *out, const char *s, size_t len,
		  struct ew_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	char *w;
	size_t i = 0;

	/* Decoding never grows the text. */
	if (ew_buf_grow(out, len))
		return ew_error_oom(err);
	w = out->ptr + out->len;
	while (i < len) {
		int hi, lo;

		if (p[i] == '%' && len - i >= 3 &&
		    (hi = hex_value(p[i + 1])) >= 0 &&
		    (lo = hex_value(p[i + 2])) >= 0) {
			*w++ = (char)(hi << 4 | lo);
			i += 3;
		} else {
			*w++ = (char)p[i++];
		}
	}
	out->len = (size_t)(w - out->ptr);
	out->ptr[out->len] = '\0';
	return 0;
}

int ew_uri_form_add(struct ew_buf *body, const char *name, const char *value)
{
	size_t old = body->len;
	int rc;

	if (!value)
		value = "";
	rc = body->len ? ew_buf_putc(body, '&') : 0;
	if (!rc)
		rc = ew_uri_encode(body, name, strlen(name), false);
	if (!rc)
		rc = ew_buf_putc(body, '=');
	if (!rc)
		rc = ew_uri_encode(body, value, strlen(value), false);
	if (rc) {
		/* Keep the promise of uri.h: a failed call appends nothing. */
		body->len = old;
		if (body->cap)
			body->ptr[old] = '\0';
	}
	return rc;
}
