/*
 * fuzz_explain.c - libFuzzer target for the pasted-log parser: explain's
 * line cleaning, value extraction, streaming and rendering, and the
 * knowledge matcher on arbitrary text.
 *
 * The first input byte picks the chunk size, so line splitting across
 * chunk boundaries is exercised too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "explain.h"
#include "knowledge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void render_all(const struct ew_explain *ex)
{
	struct ew_buf b;

	ew_buf_init(&b);
	for (size_t i = 0; i < ew_explain_count(ex); i++) {
		const struct ew_explain_match *m = ew_explain_get(ex, i);
		const struct ew_knowledge_entry *e = m->entry;

		ew_explain_render(&b, ex, e->cause);
		ew_explain_render(&b, ex, e->check_command);
		for (size_t s = 0; e->fix_steps[s]; s++)
			ew_explain_render(&b, ex, e->fix_steps[s]);
		if (strlen(m->text) > EW_EXPLAIN_MAX_LINE)
			abort();
	}
	ew_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_explain *ex = NULL;
	const struct ew_knowledge_entry *out[4];
	size_t chunk;
	char *text;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] + 1;
	data++;
	size--;

	if (ew_explain_new(&ex, NULL) == 0) {
		for (size_t off = 0; off < size; off += chunk)
			if (ew_explain_feed(ex, (const char *)data + off,
					    size - off < chunk ? size - off
							       : chunk,
					    NULL) != 0)
				break;
		if (ew_explain_finish(ex, NULL) == 0)
			render_all(ex);
		ew_explain_free(ex);
	}

	/* the same bytes as one NUL-terminated message and as a template */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	ew_knowledge_match_text(out, 4, text);
	{
		struct ew_knowledge_values v = {
		    .job_sub = text, .trusted_sub = text, .role_arn = text};
		struct ew_knowledge_query q = {
		    .text = text, .aws_code = "AccessDenied", .values = &v};
		struct ew_buf b;

		ew_knowledge_match(out, 4, &q);
		ew_buf_init(&b);
		ew_knowledge_render(&b, text, &v);
		ew_buf_release(&b);
	}
	ew_explain_clean_line(text, size);
	free(text);
	return 0;
}
