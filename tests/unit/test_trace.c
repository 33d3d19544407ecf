/* Unit tests: the trace log never shows a secret (core/trace.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

static char *redact(const char *body)
{
	struct ew_buf b;

	ew_buf_init(&b);
	assert_int_equal(ew_trace_redact_body(&b, body, strlen(body)), 0);
	return ew_buf_detach(&b);
}

static void check(const char *body, const char *want)
{
	char *got = redact(body);

	assert_string_equal(got, want);
	free(got);
}

static void test_redact_xml(void **state)
{
	(void)state;
	check("<Credentials><AccessKeyId>ASIA1</AccessKeyId>"
	      "<SecretAccessKey>wJalr/K7+KEY</SecretAccessKey>"
	      "<SessionToken>\n  FwoGZX==\n</SessionToken>"
	      "<Expiration>2030</Expiration></Credentials>",
	      "<Credentials><AccessKeyId>ASIA1</AccessKeyId>"
	      "<SecretAccessKey>[redacted]</SecretAccessKey>"
	      "<SessionToken>[redacted]</SessionToken>"
	      "<Expiration>2030</Expiration></Credentials>");
	/* with a namespace prefix */
	check("<a:SessionToken>tok</a:SessionToken>",
	      "<a:SessionToken>[redacted]</a:SessionToken>");
	/* lookalikes stay */
	check("<SessionTokenName>x</SessionTokenName>",
	      "<SessionTokenName>x</SessionTokenName>");
}

static void test_redact_json(void **state)
{
	(void)state;
	check("{\"roleCredentials\":{\"accessKeyId\":\"ASIA\","
	      "\"secretAccessKey\":\"s3cr\\\"et\",\"sessionToken\" : "
	      "\"tok\",\"expiration\":1}}",
	      "{\"roleCredentials\":{\"accessKeyId\":\"ASIA\","
	      "\"secretAccessKey\":\"[redacted]\",\"sessionToken\" : "
	      "\"[redacted]\",\"expiration\":1}}");
	check("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\","
	      "\"SessionToken\":\"T\"}",
	      "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":"
	      "\"[redacted]\",\"SessionToken\":\"[redacted]\"}");
	check("{\"authorizationData\":[{\"authorizationToken\":\"QVdTOnB3\"}]"
	      ",\"accessToken\":\"a\",\"refreshToken\":\"r\","
	      "\"clientSecret\":\"c\",\"nextToken\":\"keep\"}",
	      "{\"authorizationData\":[{\"authorizationToken\":\"[redacted]\"}"
	      "],\"accessToken\":\"[redacted]\",\"refreshToken\":\"[redacted]"
	      "\",\"clientSecret\":\"[redacted]\",\"nextToken\":\"keep\"}");
	/* non-string values are left alone */
	check("{\"sessionToken\":null}", "{\"sessionToken\":null}");
}

static void test_redact_form(void **state)
{
	(void)state;
	check("Action=AssumeRoleWithWebIdentity&WebIdentityToken=eyJ.x.y&"
	      "RoleArn=arn",
	      "Action=AssumeRoleWithWebIdentity&WebIdentityToken=[redacted]&"
	      "RoleArn=arn");
	check("WebIdentityToken=eyJ", "WebIdentityToken=[redacted]");
	check("Action=GetCallerIdentity&Version=2011-06-15",
	      "Action=GetCallerIdentity&Version=2011-06-15");
}

static void test_trace_exchange(void **state)
{
	struct ew_http_header h[] = {
	    {"Host", "iam.amazonaws.com"},
	    {"Content-Type", "application/x-www-form-urlencoded"},
	    {"X-Amz-Date", "20240115T120000Z"},
	    {"X-Amz-Security-Token", "SESSIONTOKENVALUE"},
	    {"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/x, "
			      "SignedHeaders=host, Signature=abcdef0123"},
	    {"x-amz-sso_bearer_token", "BEARERVALUE"},
	};
	struct ew_http_request req = {"POST",
				      "https://iam.amazonaws.com/",
				      h,
				      6,
				      "Action=GetRole",
				      14,
				      "iam",
				      "GetRole",
				      false};
	struct ew_http_response resp;
	struct ew_error err;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	ew_http_response_init(&resp);
	resp.status = 200;
	ew_buf_puts(&resp.body, "<R><SecretAccessKey>SECRETKEYVALUE"
				"</SecretAccessKey></R>");
	ew_trace_request(f, &req);
	ew_trace_response(f, &req, &resp,
			  "HTTP/1.1 200 OK\r\nx-amzn-RequestId: rid\r\n"
			  "Set-Cookie: s=COOKIEVALUE\r\n\r\n",
			  12);
	ew_error_clear(&err);
	ew_error_set(&err, EW_ENET, "cannot connect to 'x': refused");
	ew_trace_failure(f, &req, &err, 3);
	fclose(f);

	assert_non_null(strstr(text, "> POST https://iam.amazonaws.com/ "
				     "(iam GetRole)"));
	assert_non_null(strstr(text, "> X-Amz-Date: 20240115T120000Z"));
	assert_non_null(strstr(text, "> Authorization: [redacted]"));
	assert_non_null(strstr(text, "> X-Amz-Security-Token: [redacted]"));
	assert_non_null(strstr(text, "Action=GetRole"));
	assert_non_null(strstr(text, "< 200 (iam GetRole, 12 ms)"));
	assert_non_null(strstr(text, "< x-amzn-RequestId: rid"));
	assert_non_null(strstr(text, "<SecretAccessKey>[redacted]<"));
	assert_non_null(strstr(text, "cannot connect to 'x': refused"));
	assert_null(strstr(text, "SESSIONTOKENVALUE"));
	assert_null(strstr(text, "abcdef0123"));
	assert_null(strstr(text, "BEARERVALUE"));
	assert_null(strstr(text, "SECRETKEYVALUE"));
	assert_null(strstr(text, "COOKIEVALUE"));
	free(text);
	ew_http_response_release(&resp);
	/* a NULL sink is a no-op */
	ew_trace_request(NULL, &req);
}

static void test_secret_names(void **state)
{
	(void)state;
	assert_true(ew_trace_is_secret_header("authorization"));
	assert_true(ew_trace_is_secret_header("X-AMZ-SECURITY-TOKEN"));
	assert_false(ew_trace_is_secret_header("X-Amz-Date"));
	assert_true(ew_trace_is_secret_field("secretaccesskey"));
	assert_false(ew_trace_is_secret_field("AccessKeyId"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_redact_xml),
	    cmocka_unit_test(test_redact_json),
	    cmocka_unit_test(test_redact_form),
	    cmocka_unit_test(test_trace_exchange),
	    cmocka_unit_test(test_secret_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
