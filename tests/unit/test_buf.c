/* Unit tests: growable buffer and error struct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

static void test_buf_append_and_printf(void **state)
{
	struct ew_buf b;

	(void)state;
	ew_buf_init(&b);
	assert_string_equal(b.ptr, "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ew_buf_printf(&b, "%d,", i % 10), 0);
	assert_int_equal(b.len, 2000);
	assert_memory_equal(b.ptr, "0,1,2,", 6);
	ew_buf_clear(&b);
	assert_int_equal(ew_buf_puts(&b, "abc"), 0);
	assert_string_equal(b.ptr, "abc");
	char *s = ew_buf_detach(&b);
	assert_string_equal(s, "abc");
	assert_string_equal(b.ptr, "");
	free(s);
	ew_buf_release(&b);
}

static void test_error_set_and_prefix(void **state)
{
	struct ew_error err;

	(void)state;
	ew_error_clear(&err);
	assert_int_equal(ew_error_set(&err, EW_EIO, "permission denied"),
			 EW_EIO);
	ew_error_prefix(&err, "cannot read '%s'", "~/.aws/config");
	assert_string_equal(err.message,
			    "cannot read '~/.aws/config': permission denied");
	ew_error_set_aws(&err, 404, "NoSuchEntity", "gone", "rid-1");
	assert_true(ew_error_is_aws(&err, "NoSuchEntity"));
	assert_false(ew_error_is_aws(&err, "AccessDenied"));
	assert_int_equal(err.http_status, 404);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_append_and_printf),
	    cmocka_unit_test(test_error_set_and_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
