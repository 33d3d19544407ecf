/*
 * json_strict.h - a strict RFC 8259 JSON checker for tests: the grammar
 * (no trailing commas, no bare control characters, only the escapes
 * JSON has) and strict UTF-8 (no overlong forms, no surrogates, nothing
 * beyond U+10FFFF).  Written apart from the code it checks, so a bug in
 * the printer is not hidden by the same bug here.  Header-only.
 */
#ifndef EW_TEST_JSON_STRICT_H
#define EW_TEST_JSON_STRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct js {
	const unsigned char *p, *end;
	int depth;
};

static void js_ws(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* One UTF-8 character (lead byte >= 0x80) at j->p, strictly. */
static bool js_utf8(struct js *j)
{
	const unsigned char *s = j->p;
	unsigned cp, n, min;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u, min = 0x10000;
	else
		return false;
	if ((size_t)(j->end - s) < n)
		return false;
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return false;
	j->p += n;
	return true;
}

static bool js_string(struct js *j)
{
	j->p++; /* the opening quote */
	while (j->p < j->end) {
		unsigned char c = *j->p;

		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (j->end - j->p < 2)
				return false;
			c = j->p[1];
			if (c == 'u') {
				if (j->end - j->p < 6)
					return false;
				for (int i = 2; i < 6; i++)
					if (!strchr("0123456789abcdefABCDEF",
						    j->p[i]) ||
					    !j->p[i])
						return false;
				j->p += 6;
			} else if (c && strchr("\"\\/bfnrt", c)) {
				j->p += 2;
			} else {
				return false;
			}
		} else if (c >= 0x80) {
			if (!js_utf8(j))
				return false;
		} else {
			j->p++;
		}
	}
	return false;
}

static bool js_number(struct js *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return false;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool js_value(struct js *j);

static bool js_container(struct js *j, unsigned char close, bool object)
{
	bool first = true;

	if (++j->depth > 1000)
		return false;
	j->p++;
	for (;;) {
		js_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == close && first) {
			j->p++;
			break;
		}
		if (object) {
			if (*j->p != '"' || !js_string(j))
				return false;
			js_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return false;
			j->p++;
		}
		if (!js_value(j))
			return false;
		js_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			first = false;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			break;
		}
		return false;
	}
	j->depth--;
	return true;
}

static bool js_lit(struct js *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static bool js_value(struct js *j)
{
	js_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return js_container(j, '}', true);
	case '[':
		return js_container(j, ']', false);
	case '"':
		return js_string(j);
	case 't':
		return js_lit(j, "true");
	case 'f':
		return js_lit(j, "false");
	case 'n':
		return js_lit(j, "null");
	default:
		return js_number(j);
	}
}

/* Whether text[0..len) is exactly one JSON value (whitespace around). */
static inline bool json_strict_ok(const char *text, size_t len)
{
	struct js j = {(const unsigned char *)text,
		       (const unsigned char *)text + len, 0};

	if (!js_value(&j))
		return false;
	js_ws(&j);
	return j.p == j.end;
}

#endif
