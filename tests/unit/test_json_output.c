/*
 * test_json_output.c - the JSON the commands print is valid UTF-8 JSON
 * whatever bytes its strings carry (a server's garbage error body, a
 * workflow file in Latin-1): checked by the strict parser of
 * tests/json_strict.h on chosen cases and on 3000 pseudo-random byte
 * strings (the same property tests/fuzz/fuzz_json_output.c explores).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "buf.h"
#include "json_doc.h"
#include "json_strict.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void both_ways_valid(const char *s)
{
	cJSON *o = cJSON_CreateObject();
	struct ew_buf a, b;
	char *text;

	cJSON_AddStringToObject(o, "message", s);
	cJSON_AddStringToObject(o, s, "as a key");
	ew_buf_init(&a);
	ew_buf_init(&b);
	assert_int_equal(ew_json_doc_print(&a, o), 0);
	if (!json_strict_ok(a.ptr, a.len))
		fail_msg("ew_json_doc_print: not strict JSON: %s", a.ptr);
	text = cJSON_Print(o);
	assert_non_null(text);
	assert_int_equal(ew_json_doc_utf8(&b, text), 0);
	if (!json_strict_ok(b.ptr, b.len))
		fail_msg("cJSON_Print + utf8: not strict JSON: %s", b.ptr);
	cJSON_free(text);
	ew_buf_release(&a);
	ew_buf_release(&b);
	cJSON_Delete(o);
}

static void test_garbage_bytes(void **state)
{
	static const char *const cases[] = {
	    "\xff",
	    "\x80",
	    "\xc0\xaf" /* overlong '/' */,
	    "\xed\xa0\x80" /* surrogate */,
	    "\xf4\x90\x80\x80" /* > 10FFFF */,
	    "\xe2\x82",
	    "caf\xe9 latin-1",
	    "\x1b[2J \x7f",
	    "ok: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3"};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		both_ways_valid(cases[i]);
}

/* Valid text passes through unchanged; an invalid byte becomes U+FFFD. */
static void test_valid_kept_invalid_replaced(void **state)
{
	struct ew_buf b;

	(void)state;
	ew_buf_init(&b);
	assert_int_equal(ew_json_doc_utf8(&b, "caf\xc3\xa9 \xff!"), 0);
	assert_string_equal(b.ptr, "caf\xc3\xa9 \xef\xbf\xbd!");
	ew_buf_release(&b);
	ew_buf_init(&b);
	assert_int_equal(ew_json_doc_quote(&b, "a\xc0\xafz"), 0);
	assert_string_equal(b.ptr, "\"a\\ufffd\\ufffdz\"");
	ew_buf_release(&b);
}

static void test_random_bytes(void **state)
{
	unsigned long x = 12345;
	char s[64];

	(void)state;
	for (int n = 0; n < 3000; n++) {
		size_t len = (size_t)(n % 63);

		for (size_t i = 0; i < len; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			s[i] = (char)((x >> 33) % 255 + 1); /* no NUL */
		}
		s[len] = '\0';
		both_ways_valid(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_garbage_bytes),
	    cmocka_unit_test(test_valid_kept_invalid_replaced),
	    cmocka_unit_test(test_random_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
