#include "uri.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* RFC 3986 5.2.4, in place: "/a/./b/../c" becomes "/a/c". */
static void remove_dot_segments(char *path)
{
	char *in = path, *out = path;

	while (*in) {
		if (strncmp(in, "/./", 3) == 0) {
			in += 2;
		} else if (strcmp(in, "/.") == 0) {
			in[1] = '\0';
		} else if (strncmp(in, "/../", 4) == 0 ||
			   strcmp(in, "/..") == 0) {
			in += 3;
			if (!*in)
				*--in = '/';
			while (out > path && *--out != '/')
				;
		} else {
			do
				*out++ = *in++;
			while (*in && *in != '/');
		}
	}
	*out = '\0';
	if (!*path) {
		path[0] = '/';
		path[1] = '\0';
	}
}

static bool host_byte(unsigned char c, bool bracketed)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')
		return true;
	return bracketed && (c == ':' || c == '%');
}

int ew_uri_parse_endpoint(const char *url, char *host, size_t host_size,
			  char *path, size_t path_size, struct ew_error *err)
{
	const char *p, *auth, *end, *colon = NULL, *hend;
	bool https;
	long port = 0;
	size_t n;
	int rc = 0;

	if (!url)
		return ew_error_set(err, EW_EINVAL, "invalid endpoint URL");
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			goto bad;
	https = strncasecmp(url, "https://", 8) == 0;
	if (!https && strncasecmp(url, "http://", 7) != 0)
		goto bad;
	auth = url + (https ? 8 : 7);
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth)))
		goto bad;
	if (*auth == '[') {
		hend = memchr(auth, ']', (size_t)(end - auth));
		if (!hend || hend == auth + 1)
			goto bad;
		hend++;
		if (hend < end && *hend != ':')
			goto bad;
		colon = hend < end ? hend : NULL;
	} else {
		colon = memchr(auth, ':', (size_t)(end - auth));
		hend = colon ? colon : end;
		if (hend == auth)
			goto bad;
	}
	for (p = auth; p < hend; p++)
		if (!host_byte((unsigned char)*p, *auth == '[') &&
		    !(*auth == '[' && (p == auth || p == hend - 1)))
			goto bad;
	if (colon) {
		for (p = colon + 1; p < end; p++) {
			if (*p < '0' || *p > '9')
				goto bad;
			port = port * 10 + (*p - '0');
			if (port > 65535)
				goto bad;
		}
		if (colon + 1 < end && port == 0)
			goto bad;
	}
	if (end[strcspn(end, "?#")] == '?')
		return ew_error_set(err, EW_EINVAL,
				    "invalid endpoint URL '%s': no query "
				    "allowed",
				    url);
	n = (size_t)(hend - auth);
	if (port && port != (https ? 443 : 80))
		rc = snprintf(host, host_size, "%.*s:%ld", (int)n, auth, port) <
			     (int)host_size
			 ? 0
			 : -1;
	else
		rc = snprintf(host, host_size, "%.*s", (int)n, auth) <
			     (int)host_size
			 ? 0
			 : -1;
	n = strcspn(end, "#");
	if (rc || n + 2 > path_size)
		return ew_error_set(err, EW_EINVAL,
				    "invalid endpoint URL '%s': too long", url);
	if (n == 0)
		snprintf(path, path_size, "/");
	else
		snprintf(path, path_size, "%.*s", (int)n, end);
	remove_dot_segments(path);
	return 0;
bad:
	return ew_error_set(err, EW_EINVAL,
			    "invalid endpoint URL '%s': expected "
			    "https://host[:port]",
			    url);
}
