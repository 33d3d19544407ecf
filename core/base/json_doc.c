#include "json_doc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

size_t ew_utf8_seq_len(const char *p)
{
	const unsigned char *s = (const unsigned char *)p;
	unsigned cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0; /* a continuation byte, 0xc0/0xc1 or 0xf5.. */
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

int ew_json_doc_utf8(struct ew_buf *out, const char *text)
{
	int rc = 0;

	while (!rc && *text) {
		size_t n = ew_utf8_seq_len(text);

		if (n) {
			rc = ew_buf_add(out, text, n);
			text += n;
		} else {
			rc = ew_buf_puts(out, "\xef\xbf\xbd");
			text++;
		}
	}
	return rc;
}

/* A JSON string, always valid UTF-8: a server's garbage bytes (an error
 * body, a header) become U+FFFD, never raw bytes a strict parser
 * refuses. */
static int put_string(struct ew_buf *out, const char *s)
{
	int rc = ew_buf_putc(out, '"');

	for (; !rc && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			rc = ew_buf_puts(out, "\\\"");
			break;
		case '\\':
			rc = ew_buf_puts(out, "\\\\");
			break;
		case '\n':
			rc = ew_buf_puts(out, "\\n");
			break;
		case '\r':
			rc = ew_buf_puts(out, "\\r");
			break;
		case '\t':
			rc = ew_buf_puts(out, "\\t");
			break;
		default:
			if (c < 0x20) {
				rc = ew_buf_printf(out, "\\u%04x", c);
			} else if (c < 0x80) {
				rc = ew_buf_putc(out, (char)c);
			} else {
				size_t n = ew_utf8_seq_len(s);

				if (n) {
					rc = ew_buf_add(out, s, n);
					s += n - 1;
				} else {
					rc = ew_buf_puts(out, "\\ufffd");
				}
			}
		}
	}
	return rc ? rc : ew_buf_putc(out, '"');
}

static int put_number(struct ew_buf *out, double d)
{
	/* Integers (rulePriority, countNumber) print without a fraction. */
	if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
		return ew_buf_printf(out, "%.0f", d);
	if (!isfinite(d))
		return ew_buf_puts(out, "null");
	return ew_buf_printf(out, "%.17g", d);
}

static int indent(struct ew_buf *out, int level)
{
	int rc = 0;

	for (int i = 0; i < level && !rc; i++)
		rc = ew_buf_puts(out, "  ");
	return rc;
}

static int print_item(struct ew_buf *out, const cJSON *it, int level)
{
	const cJSON *c;
	int rc = 0;

	if (cJSON_IsString(it))
		return put_string(out, it->valuestring ? it->valuestring : "");
	if (cJSON_IsNumber(it))
		return put_number(out, it->valuedouble);
	if (cJSON_IsTrue(it))
		return ew_buf_puts(out, "true");
	if (cJSON_IsFalse(it))
		return ew_buf_puts(out, "false");
	if (cJSON_IsRaw(it))
		return ew_buf_puts(out, it->valuestring ? it->valuestring : "");
	if (!cJSON_IsArray(it) && !cJSON_IsObject(it))
		return ew_buf_puts(out, "null");
	if (!it->child)
		return ew_buf_puts(out, cJSON_IsArray(it) ? "[]" : "{}");
	rc = ew_buf_puts(out, cJSON_IsArray(it) ? "[\n" : "{\n");
	for (c = it->child; c && !rc; c = c->next) {
		rc = indent(out, level + 1);
		if (!rc && cJSON_IsObject(it)) {
			rc = put_string(out, c->string ? c->string : "");
			if (!rc)
				rc = ew_buf_puts(out, ": ");
		}
		if (!rc)
			rc = print_item(out, c, level + 1);
		if (!rc)
			rc = ew_buf_puts(out, c->next ? ",\n" : "\n");
	}
	if (!rc)
		rc = indent(out, level);
	return rc ? rc : ew_buf_putc(out, cJSON_IsArray(it) ? ']' : '}');
}

int ew_json_doc_print(struct ew_buf *out, const cJSON *doc)
{
	int rc = print_item(out, doc, 0);

	return rc ? rc : ew_buf_putc(out, '\n');
}

static cJSON *parse(const char *json, struct ew_error *err)
{
	const char *end = NULL;
	cJSON *doc;

	if (!json)
		json = "";
	doc = cJSON_ParseWithOpts(json, &end, true);
	if (!doc) {
		size_t at = end && end >= json ? (size_t)(end - json) : 0;
		ew_error_set(err, EW_EPARSE,
			     "cannot parse JSON document: error at offset %zu",
			     at);
	}
	return doc;
}

int ew_json_doc_pretty(struct ew_buf *out, const char *json,
		       struct ew_error *err)
{
	cJSON *doc = parse(json, err);
	int rc;

	if (!doc)
		return EW_EPARSE;
	rc = ew_json_doc_print(out, doc);
	cJSON_Delete(doc);
	return rc ? ew_error_set(err, rc, "out of memory") : 0;
}

int ew_json_doc_compact(struct ew_buf *out, const char *json,
			struct ew_error *err)
{
	cJSON *doc = parse(json, err);
	char *s;
	int rc;

	if (!doc)
		return EW_EPARSE;
	s = cJSON_PrintUnformatted(doc);
	rc = s ? ew_buf_puts(out, s) : EW_ENOMEM;
	cJSON_free(s);
	cJSON_Delete(doc);
	return rc ? ew_error_set(err, rc, "out of memory") : 0;
}

int ew_json_doc_quote(struct ew_buf *out, const char *s)
{
	return put_string(out, s ? s : "");
}

void ew_json_doc_wipe(cJSON *doc)
{
	for (; doc; doc = doc->next) {
		if (doc->valuestring) {
			/* volatile: the wipe must survive the free after it */
			volatile char *p = doc->valuestring;
			while (*p)
				*p++ = 0;
		}
		ew_json_doc_wipe(doc->child);
	}
}

static bool is_scalar(const cJSON *it)
{
	return !cJSON_IsArray(it) && !cJSON_IsObject(it);
}

static bool all_scalars(const cJSON *arr)
{
	for (const cJSON *c = arr->child; c; c = c->next)
		if (!is_scalar(c))
			return false;
	return true;
}

static int count_equal(const cJSON *arr, const cJSON *it)
{
	int n = 0;

	for (const cJSON *c = arr->child; c; c = c->next)
		if (ew_json_doc_equal_items(c, it))
			n++;
	return n;
}

bool ew_json_doc_equal_items(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return a == b;
	/* "x" and ["x"] mean the same to IAM. */
	if (cJSON_IsString(a) && cJSON_IsArray(b))
		return cJSON_GetArraySize(b) == 1 &&
		       ew_json_doc_equal_items(a, b->child);
	if (cJSON_IsArray(a) && cJSON_IsString(b))
		return ew_json_doc_equal_items(b, a);
	if ((a->type & 0xff) != (b->type & 0xff))
		return false;
	if (cJSON_IsString(a) || cJSON_IsRaw(a))
		return strcmp(a->valuestring ? a->valuestring : "",
			      b->valuestring ? b->valuestring : "") == 0;
	if (cJSON_IsNumber(a))
		return a->valuedouble == b->valuedouble;
	if (cJSON_IsObject(a)) {
		if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
			return false;
		for (const cJSON *c = a->child; c; c = c->next) {
			const cJSON *o =
			    cJSON_GetObjectItemCaseSensitive(b, c->string);
			if (!o || !ew_json_doc_equal_items(c, o))
				return false;
		}
		return true;
	}
	if (cJSON_IsArray(a)) {
		const cJSON *x, *y;

		if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
			return false;
		if (all_scalars(a) && all_scalars(b)) {
			/* A multiset comparison: same elements, any order. */
			for (x = a->child; x; x = x->next)
				if (count_equal(a, x) != count_equal(b, x))
					return false;
			return true;
		}
		for (x = a->child, y = b->child; x && y;
		     x = x->next, y = y->next)
			if (!ew_json_doc_equal_items(x, y))
				return false;
		return true;
	}
	return true; /* true, false, null: the type says it all */
}

bool ew_json_doc_equal(const char *a, const char *b)
{
	cJSON *x = parse(a, NULL), *y = parse(b, NULL);
	bool eq = x && y && ew_json_doc_equal_items(x, y);

	cJSON_Delete(x);
	cJSON_Delete(y);
	return eq;
}
