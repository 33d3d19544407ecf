/* Unit tests: parsing AWS error answers of both shapes (core/aws_error.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "aws_error.h"

static struct ew_error parse(long status, const char *body,
			     const char *type_header, const char *rid_header)
{
	struct ew_aws_error_input in = {
	    "iam",	 "GetRole", status, body, body ? strlen(body) : 0,
	    type_header, rid_header};
	struct ew_error e;

	assert_int_equal(ew_aws_error_parse(&e, &in), EW_EAWS);
	assert_int_equal(e.code, EW_EAWS);
	assert_int_equal(e.http_status, status);
	assert_string_equal(e.operation, "GetRole");
	return e;
}

static void test_query_error(void **state)
{
	struct ew_error e;

	(void)state;
	e = parse(404,
		  "<?xml version=\"1.0\"?>\n"
		  "<ErrorResponse "
		  "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
		  "  <Error>\n    <Type>Sender</Type>\n"
		  "    <Code>NoSuchEntity</Code>\n"
		  "    <Message>The role with name &quot;my-role&quot; cannot "
		  "be found.</Message>\n  </Error>\n"
		  "  <RequestId>6b8c-rid</RequestId>\n</ErrorResponse>\n",
		  NULL, NULL);
	assert_string_equal(e.aws_code, "NoSuchEntity");
	assert_string_equal(e.message,
			    "The role with name \"my-role\" cannot be found.");
	assert_string_equal(e.request_id, "6b8c-rid");
	assert_true(ew_error_is_aws(&e, "NoSuchEntity"));

	/* the header's request id wins over the body's */
	e = parse(403,
		  "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no"
		  "</Message></Error><RequestId>body</RequestId>"
		  "</ErrorResponse>",
		  NULL, "header-rid");
	assert_string_equal(e.request_id, "header-rid");

	/* a bare <Error> root (S3-style answers from some front ends) */
	e = parse(400,
		  "<Error><Code>RequestExpired</Code><Message>old</Message>"
		  "<RequestId>r2</RequestId></Error>",
		  NULL, NULL);
	assert_string_equal(e.aws_code, "RequestExpired");
	assert_string_equal(e.request_id, "r2");

	/* EC2's shape, which moto uses for its auth errors */
	e = parse(403,
		  "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		  "<ErrorResponse><Errors><Error><Code>AccessDenied</Code>"
		  "<Message>User: x is not authorized</Message></Error>"
		  "</Errors><RequestId>r3</RequestId></ErrorResponse>",
		  NULL, NULL);
	assert_string_equal(e.aws_code, "AccessDenied");
	assert_string_equal(e.message, "User: x is not authorized");
	assert_string_equal(e.request_id, "r3");
}

static void test_json_type_forms(void **state)
{
	struct ew_error e;
	char code[64];

	(void)state;
	e = parse(400,
		  "{\"__type\":\"RepositoryNotFoundException\",\"message\":"
		  "\"The repository with name 'x' does not exist\"}",
		  NULL, "rid-j");
	assert_string_equal(e.aws_code, "RepositoryNotFoundException");
	assert_string_equal(e.message,
			    "The repository with name 'x' does not exist");
	assert_string_equal(e.request_id, "rid-j");

	e = parse(400,
		  "{\"__type\":\"com.amazonaws.ecr#ThrottlingException:"
		  "http://internal.amazon.com/coral/\",\"Message\":\"Rate "
		  "exceeded\"}",
		  NULL, NULL);
	assert_string_equal(e.aws_code, "ThrottlingException");
	assert_string_equal(e.message, "Rate exceeded");

	ew_aws_error_code_from_type(code, sizeof(code), "a.b#Name:extra");
	assert_string_equal(code, "Name");
	ew_aws_error_code_from_type(code, sizeof(code), "a#b#Name");
	assert_string_equal(code, "Name");
	ew_aws_error_code_from_type(code, sizeof(code), "Plain");
	assert_string_equal(code, "Plain");
	ew_aws_error_code_from_type(code, sizeof(code), "Name:x#y");
	assert_string_equal(code, "Name");
	ew_aws_error_code_from_type(code, 5, "LongerName");
	assert_string_equal(code, "Long");
}

static void test_error_type_header(void **state)
{
	struct ew_error e;

	(void)state;
	/* no code in the body: the header tells */
	e = parse(400, "{\"message\":\"bad\"}",
		  "UnrecognizedClientException:http://internal/", NULL);
	assert_string_equal(e.aws_code, "UnrecognizedClientException");
	assert_string_equal(e.message, "bad");
	/* an empty body and only the header */
	e = parse(400, "", "AccessDeniedException", NULL);
	assert_string_equal(e.aws_code, "AccessDeniedException");
	assert_string_equal(e.message, "AccessDeniedException");
	/* the body wins when both are present */
	e = parse(400, "{\"__type\":\"A\",\"message\":\"m\"}", "B", NULL);
	assert_string_equal(e.aws_code, "A");
}

static void test_non_aws_bodies(void **state)
{
	struct ew_error e;
	char big[600];

	(void)state;
	e = parse(502, "<html>\n<body><h1>502 Bad Gateway</h1></body>\n</html>",
		  NULL, NULL);
	assert_string_equal(e.aws_code, "");
	assert_string_equal(e.message,
			    "unexpected response from iam (HTTP 502): <html> "
			    "<body><h1>502 Bad Gateway</h1></body> </html>");
	e = parse(503, "", NULL, NULL);
	assert_string_equal(e.message, "unexpected response from iam (HTTP "
				       "503) with an empty body");
	e = parse(500, "{not json", NULL, NULL);
	assert_non_null(strstr(e.message, "(HTTP 500): {not json"));
	e = parse(500, "<Error><Broken></Error>", NULL, NULL);
	assert_non_null(strstr(e.message, "unexpected response"));
	/* at most 200 characters of the body, control bytes replaced */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[3] = '\a';
	e = parse(500, big, NULL, NULL);
	assert_non_null(strstr(e.message, "xxx?xxx"));
	assert_int_equal(strlen(strstr(e.message, ": ") + 2), 200);
	/* NULL err is allowed */
	{
		struct ew_aws_error_input in = {NULL, NULL, 500, NULL,
						0,    NULL, NULL};
		assert_int_equal(ew_aws_error_parse(NULL, &in), EW_EAWS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_query_error),
	    cmocka_unit_test(test_json_type_forms),
	    cmocka_unit_test(test_error_type_header),
	    cmocka_unit_test(test_non_aws_bodies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
