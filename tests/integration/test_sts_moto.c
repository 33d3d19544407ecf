/* Integration tests: STS GetCallerIdentity and AssumeRole against moto
 * ($EW_MOTO_URL), and the assumed credentials used for a second call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "iam.h"
#include "ops_moto.h"
#include "sts.h"

static void test_caller_identity(void **state)
{
	struct ew_caller_identity id;
	struct ew_error err;
	struct ops_env e;
	int rc;

	(void)state;
	ops_env_init(&e);
	rc = ew_sts_get_caller_identity(&id, &e.c, &err);
	assert_ok(rc, err);
	/* moto's default account. */
	assert_string_equal(id.account, "123456789012");
	assert_true(strncmp(id.arn, "arn:aws:", 8) == 0);
	assert_non_null(strstr(id.arn, id.account));
	assert_true(id.user_id[0] != '\0');
	assert_int_equal(e.c.requests, 1);
	assert_int_equal(e.c.mutations, 0);
	ops_env_release(&e);
}

static void test_assume_role(void **state)
{
	static const char trust[] =
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},"
	    "\"Action\":\"sts:AssumeRole\"}]}";
	struct ew_caller_identity id;
	struct ew_aws_client assumed;
	struct ew_credentials cr;
	struct ew_iam_role role;
	struct ew_error err;
	struct ops_env e;
	char name[64], session[64], want[256];
	time_t now = time(NULL);
	unsigned before;
	int rc;

	(void)state;
	ops_env_init(&e);
	snprintf(name, sizeof(name), "ew-sts-%s", e.uniq);
	snprintf(session, sizeof(session), "ew-session-%s", e.uniq);
	rc = ew_iam_create_role(&role, &e.c, name, NULL, trust, NULL, 0, NULL,
				&err);
	assert_ok(rc, err);

	rc = ew_sts_assume_role(&cr, &e.c, role.arn, session, 900, "ext-123",
				&err);
	assert_ok(rc, err);
	assert_true(ew_credentials_is_set(&cr));
	assert_non_null(cr.session_token);
	assert_true(strlen(cr.session_token) > 10);
	assert_string_not_equal(cr.access_key_id, OPS_AKID);
	/* 900 s from now, give or take the clocks. */
	assert_true(cr.expiration > now + 600 && cr.expiration < now + 1800);
	assert_string_equal(cr.account_id, "123456789012");
	assert_string_equal(cr.source, "assume-role");

	/* The new credentials work and are the assumed role's. */
	ops_client_init(&assumed, &e.ctx, ops_moto_url(), cr.access_key_id,
			cr.secret_access_key);
	ew_credentials_release(&assumed.creds);
	assert_int_equal(ew_credentials_copy(&assumed.creds, &cr), 0);
	rc = ew_sts_get_caller_identity(&id, &assumed, &err);
	assert_ok(rc, err);
	snprintf(want, sizeof(want),
		 "arn:aws:sts::123456789012:assumed-role/%s/%s", name, session);
	assert_string_equal(id.arn, want);
	ew_aws_client_release(&assumed);
	ew_credentials_release(&cr);

	/* Missing inputs are refused before any request. */
	before = e.c.requests;
	rc = ew_sts_assume_role(&cr, &e.c, role.arn, "", 0, NULL, &err);
	assert_int_equal(rc, EW_EINVAL);
	assert_null(cr.access_key_id);
	assert_int_equal(e.c.requests, before);

	/* Defaults: no DurationSeconds (one hour), no ExternalId. */
	rc = ew_sts_assume_role(&cr, &e.c, role.arn, session, 0, NULL, &err);
	assert_ok(rc, err);
	assert_true(cr.expiration > now + 3000 && cr.expiration < now + 4200);
	ew_credentials_release(&cr);

	rc = ew_iam_delete_role(&e.c, name, &err);
	assert_ok(rc, err);
	ew_iam_role_release(&role);
	ops_env_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_caller_identity),
	    cmocka_unit_test(test_assume_role),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
