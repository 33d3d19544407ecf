/*
 * libFuzzer target: the template renderer on arbitrary templates, with a
 * fixed set of values and lists; then the unified diff of the template
 * against its rendering, and the JSON helpers on the rendering.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diff.h"
#include "error.h"
#include "json_doc.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ew_template_vars *make_vars(void)
{
	struct ew_template_vars *v = ew_template_vars_new();
	struct ew_template_vars *it;

	if (!v)
		abort();
	ew_template_vars_set(v, "NAME", "world");
	ew_template_vars_set(v, "EMPTY", "");
	ew_template_vars_set(v, "JSON", "\"a\\\"b\"");
	ew_template_vars_list(v, "NONE");
	for (int i = 0; i < 3; i++) {
		it = ew_template_vars_add_item(v, "ITEMS");
		if (!it)
			abort();
		ew_template_vars_setf(it, "ID", "%d", i);
		ew_template_vars_set(it, "ON", i % 2 ? "1" : "");
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ew_template_vars *vars;
	struct ew_buf out, d;
	struct ew_error err;
	char *text;

	if (!vars)
		vars = make_vars();
	if (size > 1 << 16)
		return 0;
	ew_buf_init(&out);
	ew_buf_init(&d);
	if (ew_template_render(&out, (const char *)data, size, vars, &err) ==
	    0) {
		/* diff and JSON take NUL-terminated text */
		text = malloc(size + 1);
		if (!text)
			abort();
		memcpy(text, data, size);
		text[size] = '\0';
		ew_diff_unified(&d, text, out.ptr, "template", "rendered", NULL,
				&err);
		ew_json_doc_equal(text, out.ptr);
		ew_buf_clear(&d);
		ew_json_doc_pretty(&d, out.ptr, &err);
		free(text);
	} else if (out.len != 0) {
		abort(); /* a failed render must leave the output untouched */
	}
	ew_buf_release(&out);
	ew_buf_release(&d);
	return 0;
}
