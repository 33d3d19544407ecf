/*
 * Unit tests: the signed examples of docs/aws-wire.md 1.11 (computed
 * with botocore), the empty-payload hash, the headers the signer hands
 * back, and its input checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "credentials.h"
#include "sigv4.h"

#define AKID   "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define DATE   "20240115T120000Z"
#define FORM   "application/x-www-form-urlencoded; charset=utf-8"

static struct ew_credentials creds(const char *token)
{
	struct ew_credentials c;

	ew_credentials_init(&c);
	/* Borrowed literals: these structs are never released. */
	c.access_key_id = (char *)AKID;
	c.secret_access_key = (char *)SECRET;
	c.session_token = (char *)token;
	return c;
}

static const char *find_added(const struct ew_sigv4_output *out,
			      const char *name)
{
	for (size_t i = 0; i < out->nadd; i++)
		if (!strcmp(out->add[i].name, name))
			return out->add[i].value;
	return NULL;
}

static void test_sts_get_caller_identity(void **state)
{
	static const char body[] =
	    "Action=GetCallerIdentity&Version=2011-06-15";
	struct ew_credentials c = creds(NULL);
	struct ew_http_header h[] = {
	    {"Content-Type", FORM},
	    {"Host", "sts.us-east-1.amazonaws.com"},
	};
	struct ew_sigv4_input in = {
	    .method = "POST",
	    .path = "/",
	    .headers = h,
	    .nheaders = 2,
	    .body = body,
	    .body_len = sizeof(body) - 1,
	    .region = "us-east-1",
	    .service = "sts",
	    .amz_date = DATE,
	    .creds = &c,
	    .normalize_path = true,
	};
	struct ew_sigv4_output out;
	struct ew_error err;

	(void)state;
	assert_int_equal(in.body_len, 43);
	ew_sigv4_output_init(&out);
	assert_int_equal(ew_sigv4_sign(&out, &in, &err), 0);
	assert_string_equal(out.canonical_request.ptr,
			    "POST\n/\n\n"
			    "content-type:" FORM "\n"
			    "host:sts.us-east-1.amazonaws.com\n"
			    "x-amz-date:" DATE "\n\n"
			    "content-type;host;x-amz-date\n"
			    "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39"
			    "bd6458fbb4f843");
	assert_string_equal(out.string_to_sign.ptr,
			    "AWS4-HMAC-SHA256\n" DATE
			    "\n20240115/us-east-1/sts/aws4_request\n"
			    "8542f7d650db52356332e9a68b4df6c28377435a82d102dc8e"
			    "e6ebd87d2149e6");
	assert_string_equal(out.signature, "dd9ab938b8d98ec85c45b76314efafb2b6e"
					   "0532977d897ca00680b231ef18a10");
	assert_string_equal(
	    out.authorization.ptr,
	    "AWS4-HMAC-SHA256 Credential=" AKID
	    "/20240115/us-east-1/sts/aws4_request, "
	    "SignedHeaders=content-type;host;x-amz-date, "
	    "Signature=dd9ab938b8d98ec85c45b76314efafb2b6e0532977d897ca00680b2"
	    "31ef18a10");
	/* What the caller adds: the date, then Authorization, nothing else. */
	assert_int_equal(out.nadd, 2);
	assert_string_equal(out.add[0].name, "X-Amz-Date");
	assert_string_equal(out.add[0].value, DATE);
	assert_string_equal(out.add[1].name, "Authorization");
	assert_string_equal(out.add[1].value, out.authorization.ptr);
	ew_sigv4_output_release(&out);
	assert_int_equal(out.nadd, 0);
	assert_string_equal(out.authorization.ptr, "");
}

static void test_ecr_create_repository(void **state)
{
	static const char body[] =
	    "{\"repositoryName\":\"my-app\",\"imageTagMutability\":"
	    "\"IMMUTABLE\",\"imageScanningConfiguration\":{\"scanOnPush\":"
	    "true}}";
	struct ew_credentials c = creds(NULL);
	struct ew_http_header h[] = {
	    {"Host", "api.ecr.eu-west-1.amazonaws.com"},
	    {"Content-Type", "application/x-amz-json-1.1"},
	    {"X-Amz-Target",
	     "AmazonEC2ContainerRegistry_V20150921.CreateRepository"},
	    /* Sent but never signed: libcurl and proxies touch these. */
	    {"User-Agent", "ecr-wizard/0.1.0"},
	    {"Accept-Encoding", "gzip"},
	    {"Expect", ""},
	};
	struct ew_sigv4_input in = {
	    .method = "POST",
	    .path = "/",
	    .headers = h,
	    .nheaders = sizeof(h) / sizeof(h[0]),
	    .body = body,
	    .body_len = sizeof(body) - 1,
	    .region = "eu-west-1",
	    .service = "ecr",
	    .amz_date = DATE,
	    .creds = &c,
	    .normalize_path = true,
	};
	struct ew_sigv4_output out;

	(void)state;
	assert_int_equal(in.body_len, 109);
	ew_sigv4_output_init(&out);
	assert_int_equal(ew_sigv4_sign(&out, &in, NULL), 0);
	assert_string_equal(out.signed_headers.ptr,
			    "content-type;host;x-amz-date;x-amz-target");
	assert_string_equal(out.payload_hash,
			    "a96eca29a67e60cde5516dc756d1b276"
			    "057b6a2ad34837bb41f9313bd32aaee8");
	assert_non_null(strstr(out.string_to_sign.ptr,
			       "\n20240115/eu-west-1/ecr/aws4_request\n"));
	assert_string_equal(out.signature, "d9065c0d614bfbac2a8761682fccdfad988"
					   "56f9096ea854d03c80343daac0530");
	ew_sigv4_output_release(&out);
}

static void test_iam_get_role_with_token(void **state)
{
	static const char body[] =
	    "Action=GetRole&RoleName=my-role&Version=2010-05-08";
	struct ew_credentials c = creds("EXAMPLETOKEN");
	struct ew_http_header h[] = {
	    {"Content-Type", FORM},
	    {"Host", "iam.amazonaws.com"},
	    /* A stale token and date from an earlier attempt are replaced. */
	    {"X-Amz-Security-Token", "OLDTOKEN"},
	    {"X-Amz-Date", "20000101T000000Z"},
	};
	struct ew_sigv4_input in = {
	    .method = "post",
	    .path = "",
	    .headers = h,
	    .nheaders = 4,
	    .body = body,
	    .body_len = sizeof(body) - 1,
	    .region = "us-east-1",
	    .service = "iam",
	    .amz_date = DATE,
	    .creds = &c,
	    .normalize_path = true,
	};
	struct ew_sigv4_output out;

	(void)state;
	ew_sigv4_output_init(&out);
	/* Signing twice into one output (the clock-skew retry) is fine. */
	assert_int_equal(ew_sigv4_sign(&out, &in, NULL), 0);
	assert_int_equal(ew_sigv4_sign(&out, &in, NULL), 0);
	assert_string_equal(
	    out.signed_headers.ptr,
	    "content-type;host;x-amz-date;x-amz-security-token");
	assert_string_equal(out.payload_hash,
			    "67f28715b9ef50f3e8beb248940a7c3c"
			    "7374993342a2c6046f53111a7e95484f");
	assert_non_null(strstr(out.string_to_sign.ptr,
			       "\n20240115/us-east-1/iam/aws4_request\n"));
	assert_string_equal(out.signature, "fe044cbf339d8e5912ea94298681e6489"
					   "4b5b15a6e4eb6ff0ec6024de4f5ed9a");
	assert_memory_equal(out.canonical_request.ptr, "POST\n/\n\n", 8);
	assert_null(strstr(out.canonical_request.ptr, "OLDTOKEN"));
	assert_int_equal(out.nadd, 3);
	assert_string_equal(find_added(&out, "X-Amz-Security-Token"),
			    "EXAMPLETOKEN");
	assert_string_equal(find_added(&out, "X-Amz-Date"), DATE);
	assert_non_null(find_added(&out, "Authorization"));
	ew_sigv4_output_release(&out);
}

static void test_empty_payload_hash(void **state)
{
	char hex[65];

	(void)state;
	assert_int_equal(ew_sigv4_sha256_hex(hex, NULL, 0), 0);
	assert_string_equal(hex, EW_SIGV4_EMPTY_SHA256);
	assert_string_equal(
	    hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_format_date(void **state)
{
	char d[17];

	(void)state;
	ew_sigv4_format_date(d, 1705320000); /* 2024-01-15 12:00:00 UTC */
	assert_string_equal(d, DATE);
	ew_sigv4_format_date(d, 0);
	assert_string_equal(d, "19700101T000000Z");
}

static void test_bad_input(void **state)
{
	struct ew_credentials c = creds(NULL);
	struct ew_credentials none = creds(NULL);
	struct ew_http_header host = {"Host", "iam.amazonaws.com"};
	struct ew_http_header other = {"Content-Type", FORM};
	struct ew_sigv4_input in = {
	    .method = "POST",
	    .path = "/",
	    .headers = &host,
	    .nheaders = 1,
	    .region = "us-east-1",
	    .service = "iam",
	    .amz_date = DATE,
	    .creds = &c,
	};
	struct ew_sigv4_output out;
	struct ew_error err;

	(void)state;
	ew_sigv4_output_init(&out);
	assert_int_equal(ew_sigv4_sign(&out, &in, &err), 0);

	in.headers = &other;
	assert_int_equal(ew_sigv4_sign(&out, &in, &err), EW_EINVAL);
	assert_string_equal(err.message, "cannot sign: no Host header");
	assert_int_equal(out.nadd, 0);
	assert_string_equal(out.signature, "");
	in.headers = &host;

	in.amz_date = "2024-01-15T12:00:00Z";
	assert_int_equal(ew_sigv4_sign(&out, &in, &err), EW_EINVAL);
	in.amz_date = DATE;

	none.secret_access_key = NULL;
	in.creds = &none;
	assert_int_equal(ew_sigv4_sign(&out, &in, &err), EW_ENOCREDS);
	/* The message names what is missing, never a secret's value. */
	assert_null(strstr(err.message, SECRET));
	in.creds = &c;

	in.region = "";
	assert_int_equal(ew_sigv4_sign(&out, &in, &err), EW_EINVAL);
	ew_sigv4_output_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sts_get_caller_identity),
	    cmocka_unit_test(test_ecr_create_repository),
	    cmocka_unit_test(test_iam_get_role_with_token),
	    cmocka_unit_test(test_empty_payload_hash),
	    cmocka_unit_test(test_format_date),
	    cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
