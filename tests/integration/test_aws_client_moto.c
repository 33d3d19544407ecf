/*
 * Integration tests: the AWS client against a real AWS emulator (moto
 * server at $EW_MOTO_URL, started by tests/tools/runtests.sh): the Query
 * protocol (STS, IAM) and JSON 1.1 (ECR), signing, error shapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_client.h"
#include "http.h"

static struct ew_transport *transport;
static struct ew_context ctx;
static const char *moto;

static int setup(void **state)
{
	struct ew_error err;

	(void)state;
	moto = getenv("EW_MOTO_URL");
	if (!moto || !*moto) {
		/* never skip silently: without moto this test fails */
		fprintf(stderr,
			"EW_MOTO_URL is not set (run via make check)\n");
		return -1;
	}
	transport = ew_http_transport_new(NULL, &err);
	if (!transport)
		return -1;
	ew_context_init_default(&ctx);
	ctx.transport = transport;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ew_transport_free(transport);
	return 0;
}

static void client(struct ew_aws_client *c, const char *token)
{
	struct ew_credentials cr;
	struct ew_error err;

	ew_credentials_init(&cr);
	cr.access_key_id = "AKIDEXAMPLE";
	cr.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	cr.session_token = (char *)token;
	assert_int_equal(ew_aws_client_init(c, &ctx, &cr, "eu-west-1", &err),
			 0);
	for (int s = 0; s < EW_SVC_COUNT; s++)
		assert_int_equal(ew_aws_client_set_endpoint(
				     c, (enum ew_service)s, moto, &err),
				 0);
}

static void test_default_endpoints(void **state)
{
	struct ew_credentials cr;
	struct ew_aws_client c, d;
	struct ew_error err;

	(void)state;
	ew_credentials_init(&cr);
	assert_int_equal(ew_aws_client_init(&c, &ctx, &cr, "cn-north-1", &err),
			 0);
	assert_string_equal(c.partition, "aws-cn");
	assert_string_equal(c.endpoint[EW_SVC_STS],
			    "https://sts.cn-north-1.amazonaws.com.cn");
	assert_string_equal(c.endpoint[EW_SVC_ECR],
			    "https://api.ecr.cn-north-1.amazonaws.com.cn");
	assert_string_equal(c.endpoint[EW_SVC_IAM],
			    "https://iam.cn-north-1.amazonaws.com.cn");
	assert_string_equal(c.signing_region[EW_SVC_IAM], "cn-north-1");
	assert_int_equal(ew_aws_client_clone(&d, &c, &err), 0);
	assert_string_equal(d.endpoint[EW_SVC_ECR], c.endpoint[EW_SVC_ECR]);
	assert_ptr_not_equal(d.endpoint[EW_SVC_ECR], c.endpoint[EW_SVC_ECR]);
	ew_aws_client_release(&d);
	ew_aws_client_release(&c);

	assert_int_equal(
	    ew_aws_client_init(&c, &ctx, &cr, "us-gov-west-1", &err), 0);
	assert_string_equal(c.endpoint[EW_SVC_IAM],
			    "https://iam.us-gov.amazonaws.com");
	assert_string_equal(c.signing_region[EW_SVC_IAM], "us-gov-west-1");
	ew_aws_client_release(&c);

	/* no region: IAM works, STS and ECR say why not */
	assert_int_equal(ew_aws_client_init(&c, &ctx, &cr, NULL, &err), 0);
	assert_string_equal(c.endpoint[EW_SVC_IAM],
			    "https://iam.amazonaws.com");
	assert_string_equal(c.signing_region[EW_SVC_IAM], "us-east-1");
	assert_null(c.endpoint[EW_SVC_STS]);
	{
		struct ew_xml_node *root = NULL;

		assert_int_equal(ew_aws_query(&c, EW_SVC_STS,
					      "GetCallerIdentity", NULL, 0,
					      &root, &err),
				 EW_EINVAL);
		assert_non_null(strstr(err.message, "no region"));
	}
	assert_int_equal(
	    ew_aws_client_set_endpoint(&c, EW_SVC_IAM, "ftp://x", &err),
	    EW_EINVAL);
	assert_int_equal(
	    ew_aws_client_set_endpoint(&c, EW_SVC_IAM, "not a url", &err),
	    EW_EINVAL);
	ew_aws_client_release(&c);
	assert_int_equal(ew_aws_client_init(&c, &ctx, &cr, "mars-1", &err),
			 EW_EINVAL);
}

static void test_get_caller_identity(void **state)
{
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_error err;
	const char *acct, *arn;

	(void)state;
	client(&c, NULL);
	ew_error_clear(&err);
	assert_int_equal(ew_aws_query(&c, EW_SVC_STS, "GetCallerIdentity", NULL,
				      0, &root, &err),
			 0);
	assert_string_equal(root->name, "GetCallerIdentityResponse");
	acct = ew_xml_text(root, "GetCallerIdentityResult/Account");
	arn = ew_xml_text(root, "GetCallerIdentityResult/Arn");
	assert_non_null(acct);
	assert_non_null(arn);
	assert_int_equal(strlen(acct), 12);
	assert_true(strncmp(arn, "arn:aws:", 8) == 0);
	assert_non_null(strstr(arn, acct));
	printf("# caller: %s (account %s)\n", arn, acct);
	assert_int_equal(c.requests, 1);
	assert_int_equal(c.mutations, 0);
	ew_xml_free(root);
	ew_aws_client_release(&c);
}

static void test_ecr_missing_repository(void **state)
{
	struct ew_aws_client c;
	struct ew_error err;
	cJSON *body = cJSON_CreateObject(), *names, *out = NULL;

	(void)state;
	client(&c, "FAKESESSIONTOKEN");
	names = cJSON_AddArrayToObject(body, "repositoryNames");
	cJSON_AddItemToArray(names, cJSON_CreateString("ew-no-such-repo"));
	assert_int_equal(ew_aws_json(&c, EW_SVC_ECR, "DescribeRepositories",
				     body, &out, &err),
			 EW_EAWS);
	assert_null(out);
	assert_string_equal(err.aws_code, "RepositoryNotFoundException");
	assert_string_equal(err.operation, "DescribeRepositories");
	assert_int_equal(err.http_status, 400);
	assert_non_null(strstr(err.message, "ew-no-such-repo"));
	/* not retried: a plain 4xx */
	assert_int_equal(c.requests, 1);
	printf("# ecr: %s: %s\n", err.aws_code, err.message);

	/* and a JSON call that succeeds, with a NULL body ("{}") */
	assert_int_equal(ew_aws_json(&c, EW_SVC_ECR, "DescribeRepositories",
				     NULL, &out, &err),
			 0);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(out, "repositories")));
	cJSON_Delete(out);
	/* the JSON protocol is ECR's only */
	assert_int_equal(
	    ew_aws_json(&c, EW_SVC_IAM, "GetRole", NULL, &out, &err),
	    EW_EINVAL);
	cJSON_Delete(body);
	ew_aws_client_release(&c);
}

static void test_iam_missing_role(void **state)
{
	struct ew_query_param p[] = {{"RoleName", "ew-no-such-role"}};
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_error err;

	(void)state;
	client(&c, NULL);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", p, 1, &root, &err),
	    EW_EAWS);
	assert_null(root);
	assert_string_equal(err.aws_code, "NoSuchEntity");
	assert_int_equal(err.http_status, 404);
	assert_string_equal(err.operation, "GetRole");
	assert_non_null(strstr(err.message, "ew-no-such-role"));
	printf("# iam: %s (HTTP %ld): %s\n", err.aws_code, err.http_status,
	       err.message);
	ew_aws_client_release(&c);
}

static void test_iam_create_and_get_role(void **state)
{
	static const char trust[] =
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":"
	    "\"sts:AssumeRole\"}]}";
	char name[64];
	struct ew_query_param create[] = {
	    {"RoleName", name},
	    {"AssumeRolePolicyDocument", trust},
	    {"Tags.member.1.Key", "managed-by"},
	    {"Tags.member.1.Value", "ecr-wizard test+1"},
	};
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_error err;

	(void)state;
	/* unique, so a re-run against the same moto starts clean */
	snprintf(name, sizeof(name), "ew-client-test-%ld", (long)getpid());
	client(&c, NULL);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "CreateRole", create, 4, &root, &err),
	    0);
	assert_string_equal(ew_xml_text(root, "CreateRoleResult/Role/RoleName"),
			    name);
	ew_xml_free(root);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", create, 1, &root, &err), 0);
	assert_non_null(strstr(ew_xml_text(root, "GetRoleResult/Role/Arn"),
			       ":role/ew-client-test-"));
	ew_xml_free(root);
	/* a second create: EntityAlreadyExists, not retried */
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "CreateRole", create, 4, &root, &err),
	    EW_EAWS);
	assert_string_equal(err.aws_code, "EntityAlreadyExists");
	assert_int_equal(err.http_status, 409);
	assert_int_equal(c.requests, 3);
	/* the refused second create changed nothing */
	assert_int_equal(c.mutations, 1);
	ew_aws_client_release(&c);
}

/* A second moto that verifies signatures after its first three requests
 * (INITIAL_NO_AUTH_ACTION_COUNT), so what the client signs is checked by
 * botocore's verifier: Host with port, headers, body hash. */
static char auth_url[128];

static void moto_auth(const char *verb, char *out, size_t size)
{
	const char *top = getenv("EW_TOP"), *dir = getenv("EW_TEST_OUT");
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "INITIAL_NO_AUTH_ACTION_COUNT=3 sh '%s/tests/tools/moto.sh' "
		 "%s '%s/moto-auth'",
		 top ? top : ".", verb, dir ? dir : "/tmp");
	p = popen(cmd, "r");
	if (!p)
		return;
	if (out && !fgets(out, (int)size, p))
		out[0] = '\0';
	pclose(p);
	if (out)
		out[strcspn(out, "\n")] = '\0';
}

static int start_auth_moto(void **state)
{
	(void)state;
	moto_auth("start", auth_url, sizeof(auth_url));
	return strncmp(auth_url, "http://", 7) == 0 ? 0 : -1;
}

static int stop_auth_moto(void **state)
{
	(void)state;
	moto_auth("stop", NULL, 0);
	return 0;
}

static void test_signatures_verified_by_moto(void **state)
{
	struct ew_query_param user[] = {
	    {"UserName", "ew-signer"},
	    {"PolicyName", "all"},
	    {"PolicyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":"
			       "[{\"Effect\":\"Allow\",\"Action\":\"*\","
			       "\"Resource\":\"*\"}]}"},
	};
	struct ew_credentials real;
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c, signer;
	struct ew_error err;
	const char *saved = moto;
	cJSON *list = NULL;

	(void)state;
	moto = auth_url;
	/* three free requests: a user, its rights and its access key */
	client(&c, NULL);
	moto = saved;
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "CreateUser", user, 1, &root, &err),
	    0);
	ew_xml_free(root);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "PutUserPolicy", user, 3, &root, &err),
	    0);
	ew_xml_free(root);
	assert_int_equal(ew_aws_query(&c, EW_SVC_IAM, "CreateAccessKey", user,
				      1, &root, &err),
			 0);
	ew_credentials_init(&real);
	real.access_key_id = (char *)ew_xml_text(
	    root, "CreateAccessKeyResult/AccessKey/AccessKeyId");
	real.secret_access_key = (char *)ew_xml_text(
	    root, "CreateAccessKeyResult/AccessKey/SecretAccessKey");
	assert_non_null(real.access_key_id);
	assert_non_null(real.secret_access_key);
	assert_int_equal(
	    ew_aws_client_init(&signer, &ctx, &real, "eu-west-1", &err), 0);
	ew_xml_free(root);
	for (int s = 0; s < EW_SVC_COUNT; s++)
		assert_int_equal(ew_aws_client_set_endpoint(&signer,
							    (enum ew_service)s,
							    auth_url, &err),
				 0);

	/* from now on moto checks every signature: all three services */
	assert_int_equal(ew_aws_query(&signer, EW_SVC_STS, "GetCallerIdentity",
				      NULL, 0, &root, &err),
			 0);
	assert_non_null(strstr(ew_xml_text(root, "GetCallerIdentityResult/Arn"),
			       ":user/ew-signer"));
	ew_xml_free(root);
	assert_int_equal(ew_aws_json(&signer, EW_SVC_ECR,
				     "DescribeRepositories", NULL, &list, &err),
			 0);
	cJSON_Delete(list);
	assert_int_equal(
	    ew_aws_query(&signer, EW_SVC_IAM, "GetUser", user, 1, &root, &err),
	    0);
	ew_xml_free(root);

	/* a wrong secret for the real key: refused, and not retried */
	ew_free_secret(signer.creds.secret_access_key);
	signer.creds.secret_access_key = strdup("not-the-secret");
	signer.requests = 0;
	assert_int_equal(
	    ew_aws_query(&signer, EW_SVC_IAM, "GetUser", user, 1, &root, &err),
	    EW_EAWS);
	assert_string_equal(err.aws_code, "SignatureDoesNotMatch");
	assert_int_equal(signer.requests, 1);
	/* the fake key is unknown now */
	assert_int_equal(ew_aws_query(&c, EW_SVC_STS, "GetCallerIdentity", NULL,
				      0, &root, &err),
			 EW_EAWS);
	assert_string_equal(err.aws_code, "InvalidClientTokenId");
	assert_int_equal(err.http_status, 403);
	ew_aws_client_release(&signer);
	ew_aws_client_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_endpoints),
	    cmocka_unit_test(test_get_caller_identity),
	    cmocka_unit_test(test_ecr_missing_repository),
	    cmocka_unit_test(test_iam_missing_role),
	    cmocka_unit_test(test_iam_create_and_get_role),
	    cmocka_unit_test_setup_teardown(test_signatures_verified_by_moto,
					    start_auth_moto, stop_auth_moto),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
