/* Unit tests: UriEncode, percent-decoding and the Query form builder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"
#include "uri.h"

static char got[1024];

static const char *enc(const char *s, size_t len, bool keep_slash)
{
	struct ew_buf b;

	ew_buf_init(&b);
	assert_int_equal(ew_uri_encode(&b, s, len, keep_slash), 0);
	assert_true(b.len < sizeof(got));
	memcpy(got, b.ptr, b.len + 1);
	ew_buf_release(&b);
	return got;
}

static const char *enc_str(const char *s, bool keep_slash)
{
	return enc(s, strlen(s), keep_slash);
}

/* Decode, returning the length so embedded NULs can be checked. */
static size_t dec(const char *s)
{
	struct ew_buf b;
	struct ew_error err;
	size_t len;

	ew_buf_init(&b);
	assert_int_equal(ew_uri_decode(&b, s, strlen(s), &err), 0);
	assert_true(b.len < sizeof(got));
	memcpy(got, b.ptr, b.len + 1);
	len = b.len;
	ew_buf_release(&b);
	return len;
}

static void test_encode_unreserved_kept(void **state)
{
	static const char unreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "abcdefghijklmnopqrstuvwxyz"
					 "0123456789-_.~";

	(void)state;
	assert_string_equal(enc_str(unreserved, false), unreserved);
	assert_string_equal(enc_str("", false), "");
}

static void test_encode_reserved(void **state)
{
	(void)state;
	/* space is %20 and + is %2B: never form-style '+' */
	assert_string_equal(enc_str("a b+c", false), "a%20b%2Bc");
	assert_string_equal(enc_str("a/b", false), "a%2Fb");
	assert_string_equal(enc_str("/a b/c~", true), "/a%20b/c~");
	assert_string_equal(enc_str("!*'();:@&=$,?#[]%", false),
			    "%21%2A%27%28%29%3B%3A%40%26%3D%24%2C%3F%23%5B%5D"
			    "%25");
	/* upper-case hex, every byte of UTF-8 separately */
	assert_string_equal(enc_str("\xe1\x88\xb4", true), "%E1%88%B4");
	assert_string_equal(enc_str("caf\xc3\xa9", false), "caf%C3%A9");
	/* an encoded string is encoded again: '%' is not special */
	assert_string_equal(enc_str("%20", true), "%2520");
	/* NUL and high bytes */
	assert_string_equal(enc("a\0\xff", 3, false), "a%00%FF");
}

static void test_encode_appends(void **state)
{
	struct ew_buf b;

	(void)state;
	ew_buf_init(&b);
	assert_int_equal(ew_buf_puts(&b, "x="), 0);
	assert_int_equal(ew_uri_encode(&b, "a b", 3, false), 0);
	assert_string_equal(b.ptr, "x=a%20b");
	ew_buf_release(&b);
}

static void test_decode(void **state)
{
	(void)state;
	assert_int_equal(dec("a%20b"), 3);
	assert_string_equal(got, "a b");
	/* '+' stays '+': this is not form decoding */
	assert_int_equal(dec("a+b%2Bc"), 5);
	assert_string_equal(got, "a+b+c");
	/* either case of hex */
	assert_int_equal(dec("%2f%2F%e1%88%B4"), 5);
	assert_string_equal(got, "//\xe1\x88\xb4");
	assert_int_equal(dec("~.-_"), 4);
	assert_string_equal(got, "~.-_");
	assert_int_equal(dec(""), 0);
	assert_string_equal(got, "");
}

static void test_decode_malformed_is_literal(void **state)
{
	(void)state;
	/* As Python's unquote: a bad escape is copied, not an error. */
	assert_int_equal(dec("100%"), 4);
	assert_string_equal(got, "100%");
	assert_int_equal(dec("%4"), 2);
	assert_string_equal(got, "%4");
	assert_int_equal(dec("%zz%4g"), 6);
	assert_string_equal(got, "%zz%4g");
	assert_int_equal(dec("%%41"), 2);
	assert_string_equal(got, "%A");
	assert_int_equal(dec("%2%41"), 3);
	assert_string_equal(got, "%2A");
}

static void test_decode_nul_byte(void **state)
{
	(void)state;
	assert_int_equal(dec("a%00b"), 3);
	assert_memory_equal(got, "a\0b", 4);
}

static void test_decode_iam_policy(void **state)
{
	(void)state;
	/* The shape IAM returns AssumeRolePolicyDocument in. */
	dec("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B"
	    "%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated"
	    "%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2F"
	    "token.actions.githubusercontent.com%22%7D%7D%5D%7D");
	assert_string_equal(
	    got, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		 "\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::"
		 "123456789012:oidc-provider/token.actions.githubusercontent."
		 "com\"}}]}");
}

static void test_round_trip_all_bytes(void **state)
{
	char all[256];
	struct ew_buf e, d;

	(void)state;
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	ew_buf_init(&e);
	ew_buf_init(&d);
	assert_int_equal(ew_uri_encode(&e, all, sizeof(all), false), 0);
	/* 66 unreserved bytes stay, the other 190 take three each */
	assert_int_equal(e.len, 66 + 190 * 3);
	assert_int_equal(ew_uri_decode(&d, e.ptr, e.len, NULL), 0);
	assert_int_equal(d.len, sizeof(all));
	assert_memory_equal(d.ptr, all, sizeof(all));
	ew_buf_release(&e);
	ew_buf_release(&d);
}

static void test_form_add(void **state)
{
	struct ew_buf body;

	(void)state;
	ew_buf_init(&body);
	assert_int_equal(ew_uri_form_add(&body, "Action", "CreateRole"), 0);
	assert_string_equal(body.ptr, "Action=CreateRole");
	assert_int_equal(ew_uri_form_add(&body, "Version", "2010-05-08"), 0);
	assert_int_equal(ew_uri_form_add(&body, "Description", "a+b c/d~"), 0);
	assert_int_equal(ew_uri_form_add(&body, "Tags.member.1.Key", "k"), 0);
	assert_int_equal(ew_uri_form_add(&body, "Empty", NULL), 0);
	assert_int_equal(ew_uri_form_add(&body, "Path", ""), 0);
	assert_int_equal(ew_uri_form_add(&body, "Name", "r\xc3\xb4le"), 0);
	assert_string_equal(body.ptr,
			    "Action=CreateRole&Version=2010-05-08"
			    "&Description=a%2Bb%20c%2Fd~&Tags.member.1.Key=k"
			    "&Empty=&Path=&Name=r%C3%B4le");
	ew_buf_release(&body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_unreserved_kept),
	    cmocka_unit_test(test_encode_reserved),
	    cmocka_unit_test(test_encode_appends),
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_decode_malformed_is_literal),
	    cmocka_unit_test(test_decode_nul_byte),
	    cmocka_unit_test(test_decode_iam_policy),
	    cmocka_unit_test(test_round_trip_all_bytes),
	    cmocka_unit_test(test_form_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
