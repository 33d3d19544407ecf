/*
 * Integration test: our SigV4 signatures are accepted by a moto that
 * checks them, on all three services, and the auth errors come back with
 * their real codes.
 *
 * A second moto is started with INITIAL_NO_AUTH_ACTION_COUNT=3: moto
 * serves that many actions without authentication, counting each call,
 * and checks the signature and IAM permissions of every later one
 * (moto/core/authorization.py).  The three free actions make an IAM user,
 * its access key and give it an allow-everything inline policy; everything after is
 * signed with that key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "ecr.h"
#include "iam.h"
#include "ops_moto.h"
#include "sts.h"

#define NO_AUTH_ACTIONS 3

static char moto_dir[1024];
static char moto_url[256];

static int start_moto(void **state)
{
	const char *top = getenv("EW_TOP"), *out = getenv("EW_TEST_OUT");
	struct ew_buf cmd;
	FILE *p;
	size_t n;

	(void)state;
	if (!top || !out) {
		fprintf(stderr, "EW_TOP and EW_TEST_OUT must be set: run "
				"through make check\n");
		return -1;
	}
	snprintf(moto_dir, sizeof(moto_dir), "%s/auth-moto", out);
	ew_buf_init(&cmd);
	if (ew_buf_printf(&cmd,
			  "INITIAL_NO_AUTH_ACTION_COUNT=%d sh '%s/tests/tools/"
			  "moto.sh' start '%s'",
			  NO_AUTH_ACTIONS, top, moto_dir))
		return -1;
	p = popen(cmd.ptr, "r");
	ew_buf_release(&cmd);
	if (!p)
		return -1;
	n = fread(moto_url, 1, sizeof(moto_url) - 1, p);
	moto_url[n] = '\0';
	moto_url[strcspn(moto_url, "\r\n")] = '\0';
	if (pclose(p) != 0 || strncmp(moto_url, "http://", 7) != 0) {
		fprintf(stderr, "cannot start the authenticating moto\n");
		return -1;
	}
	return 0;
}

static int stop_moto(void **state)
{
	const char *top = getenv("EW_TOP");
	struct ew_buf cmd;
	int rc;

	(void)state;
	ew_buf_init(&cmd);
	if (!top || ew_buf_printf(&cmd, "sh '%s/tests/tools/moto.sh' stop '%s'",
				  top, moto_dir))
		return -1;
	rc = system(cmd.ptr);
	ew_buf_release(&cmd);
	return rc == 0 ? 0 : -1;
}

/* The user's key; the secret is only ever held in memory. */
struct user_key {
	char *akid;
	char *secret;
};

static void make_admin_user(struct ops_env *e, struct user_key *k)
{
	struct ew_query_param user[] = {{"UserName", "ew-auth-admin"}};
	/* Inline: moto's server does not load the AWS managed policies. */
	struct ew_query_param attach[] = {
	    {"UserName", "ew-auth-admin"},
	    {"PolicyName", "admin"},
	    {"PolicyDocument",
	     "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	     "\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}};
	struct ew_xml_node *root = NULL;
	struct ew_error err;
	int rc;

	rc =
	    ew_aws_query(&e->c, EW_SVC_IAM, "CreateUser", user, 1, &root, &err);
	assert_ok(rc, err);
	ew_xml_free(root);
	rc = ew_aws_query(&e->c, EW_SVC_IAM, "CreateAccessKey", user, 1, &root,
			  &err);
	assert_ok(rc, err);
	k->akid = ew_strdup(
	    ew_xml_text(root, "CreateAccessKeyResult/AccessKey/AccessKeyId"));
	k->secret = ew_strdup(ew_xml_text(
	    root, "CreateAccessKeyResult/AccessKey/SecretAccessKey"));
	ew_xml_free(root);
	assert_non_null(k->akid);
	assert_non_null(k->secret);
	rc = ew_aws_query(&e->c, EW_SVC_IAM, "PutUserPolicy", attach, 3, &root,
			  &err);
	assert_ok(rc, err);
	ew_xml_free(root);
}

static void test_signatures(void **state)
{
	const char *trust =
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
	    "\"Action\":\"sts:AssumeRole\"}]}";
	struct ew_ecr_repository repo;
	struct ew_caller_identity id;
	struct ew_iam_roles roles;
	struct ew_iam_role role;
	struct user_key key = {NULL, NULL};
	struct ew_aws_client bad;
	struct ew_error err;
	struct ops_env e;
	char *wrong;
	int rc;

	(void)state;
	ops_env_init_keys(&e, moto_url, OPS_AKID, OPS_SECRET);
	make_admin_user(&e, &key);

	/* The budget is spent: the example key is now refused. */
	rc = ew_sts_get_caller_identity(&id, &e.c, &err);
	assert_aws_error(rc, err, "InvalidClientTokenId", 403);
	ew_aws_client_release(&e.c);

	/* Signed with the user's key: accepted on STS, IAM and ECR. */
	ops_client_init(&e.c, &e.ctx, moto_url, key.akid, key.secret);
	rc = ew_sts_get_caller_identity(&id, &e.c, &err);
	assert_ok(rc, err);
	assert_string_equal(id.arn,
			    "arn:aws:iam::123456789012:user/ew-auth-admin");
	rc = ew_iam_create_role(&role, &e.c, "ew-auth-role", NULL, trust, NULL,
				0, NULL, &err);
	assert_ok(rc, err);
	ew_iam_role_release(&role);
	rc = ew_iam_get_role(&role, &e.c, "ew-auth-role", &err);
	assert_ok(rc, err);
	assert_true(ops_json_equal(role.trust_document, trust));
	ew_iam_role_release(&role);
	rc = ew_iam_list_roles_all(&roles, &e.c, NULL, 0, &err);
	assert_ok(rc, err);
	assert_true(roles.n >= 1);
	ew_iam_roles_release(&roles);
	rc = ew_ecr_create_repository(NULL, &e.c, "ew-auth-repo", NULL, &err);
	assert_ok(rc, err);
	rc = ew_ecr_describe_repository(&repo, &e.c, "ew-auth-repo", &err);
	assert_ok(rc, err);
	assert_string_equal(repo.name, "ew-auth-repo");
	ew_ecr_repository_release(&repo);
	printf("# sigv4 accepted by an authenticating moto: sts "
	       "GetCallerIdentity, iam CreateRole/GetRole/ListRoles, ecr "
	       "CreateRepository/DescribeRepositories\n");

	/* The right key with a wrong secret. */
	wrong = ew_strdup(key.secret);
	assert_non_null(wrong);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	ops_client_init(&bad, &e.ctx, moto_url, key.akid, wrong);
	ew_free_secret(wrong);
	rc = ew_sts_get_caller_identity(&id, &bad, &err);
	assert_aws_error(rc, err, "SignatureDoesNotMatch", 403);
	rc = ew_iam_get_role(&role, &bad, "ew-auth-role", &err);
	assert_aws_error(rc, err, "SignatureDoesNotMatch", 403);
	rc = ew_ecr_describe_repository(&repo, &bad, "ew-auth-repo", &err);
	/* moto answers ECR with the Query services' code, not ECR's own
	 * InvalidSignatureException (docs/aws-wire.md 5). */
	assert_aws_error(rc, err, "SignatureDoesNotMatch", 403);
	ew_aws_client_release(&bad);
	printf("# wrong secret: SignatureDoesNotMatch 403 from sts, iam and "
	       "ecr (moto's code for ecr)\n");

	/* A key moto has never issued. */
	ops_client_init(&bad, &e.ctx, moto_url, "AKIDNOSUCHKEYEXAMPLE",
			OPS_SECRET);
	rc = ew_sts_get_caller_identity(&id, &bad, &err);
	assert_aws_error(rc, err, "InvalidClientTokenId", 403);
	rc = ew_iam_get_role(&role, &bad, "ew-auth-role", &err);
	assert_aws_error(rc, err, "InvalidClientTokenId", 403);
	rc = ew_ecr_describe_repository(&repo, &bad, "ew-auth-repo", &err);
	assert_aws_error(rc, err, "InvalidClientTokenId", 403);
	ew_aws_client_release(&bad);
	printf("# unknown key: InvalidClientTokenId 403 from sts, iam and ecr "
	       "(moto's code for ecr)\n");

	/* Clean up with the good key. */
	rc = ew_ecr_delete_repository(&e.c, "ew-auth-repo", true, &err);
	assert_ok(rc, err);
	rc = ew_iam_delete_role(&e.c, "ew-auth-role", &err);
	assert_ok(rc, err);

	free(key.akid);
	ew_free_secret(key.secret);
	ops_env_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signatures),
	};
	return cmocka_run_group_tests(tests, start_moto, stop_moto);
}
