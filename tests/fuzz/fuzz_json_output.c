/*
 * fuzz_json_output.c - every JSON the program prints is valid UTF-8 JSON.
 *
 * The input, cut at NUL bytes, becomes the keys and string values of an
 * object (as a server's error body or a workflow file's text would reach
 * a report); it is printed the two ways the commands print JSON
 * (ew_json_doc_print for plan/apply/teardown, cJSON_Print and
 * ew_json_doc_utf8 for doctor/explain) and each result must pass the
 * strict checker of tests/json_strict.h.
 */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json_doc.h"
#include "../json_strict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	cJSON *root = cJSON_CreateObject(), *arr;
	struct ew_buf a, b;
	char *text, *key = NULL;

	if (!copy || !root)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	arr = cJSON_AddArrayToObject(root, "values");
	for (size_t i = 0; i <= size;) {
		char *piece = copy + i;

		cJSON_AddItemToArray(arr, cJSON_CreateString(piece));
		if (key)
			cJSON_AddStringToObject(root, key, piece);
		key = piece;
		i += strlen(piece) + 1;
	}
	ew_buf_init(&a);
	ew_buf_init(&b);
	if (ew_json_doc_print(&a, root) != 0)
		abort();
	if (!json_strict_ok(a.ptr, a.len))
		abort();
	text = cJSON_Print(root);
	if (!text || ew_json_doc_utf8(&b, text) != 0)
		abort();
	if (!json_strict_ok(b.ptr, b.len))
		abort();
	cJSON_free(text);
	ew_buf_release(&a);
	ew_buf_release(&b);
	cJSON_Delete(root);
	free(copy);
	return 0;
}
