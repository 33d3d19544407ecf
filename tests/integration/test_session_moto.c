/* Integration tests: the session glue against moto ($EW_MOTO_URL) — a
 * source_profile chain of two AssumeRole calls, the STS endpoint set
 * through a [services] section of the config file, and a client built
 * from the session whose GetCallerIdentity shows the assumed role. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "session.h"
#include "sts.h"
#include "unit/aws_config_fixture.h"

static const char *moto_url(void)
{
	const char *url = getenv("EW_MOTO_URL");

	/* never skip silently: this test only means something with moto */
	if (!url || !*url)
		fail_msg("EW_MOTO_URL is not set: run through make check");
	return url;
}

struct fx {
	char *home;
	struct fx_env env;
	struct ew_context ctx;
	struct ew_transport *t;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ew_http_options ho;
	struct ew_error err;

	f->home = fx_tmpdir();
	fx_context(&f->ctx, &f->env, f->home);
	f->ctx.now = NULL; /* the real clock: moto checks nothing, but
			      signatures carry the time */
	ew_http_options_init(&ho);
	f->t = ew_http_transport_new(&ho, &err);
	if (!f->home || !f->t)
		return -1;
	f->ctx.transport = f->t;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ew_transport_free(f->t);
	fx_env_release(&f->env);
	free(f->home);
	free(f);
	return 0;
}

static void write_files(struct fx *f, bool services)
{
	char cfg[2048];

	snprintf(cfg, sizeof(cfg),
		 "[profile base]\n"
		 "region = us-east-1\n"
		 "%s"
		 "[profile dev]\n"
		 "role_arn = arn:aws:iam::123456789012:role/ew-session-one\n"
		 "source_profile = base\n"
		 "role_session_name = ew-first\n"
		 "duration_seconds = 900\n"
		 "region = eu-west-1\n"
		 "%s"
		 "[profile deep]\n"
		 "role_arn = arn:aws:iam::123456789012:role/ew-session-two\n"
		 "source_profile = dev\n"
		 "role_session_name = ew-second\n"
		 "external_id = ext-42\n"
		 "%s"
		 "[services moto]\n"
		 "sts =\n"
		 "  endpoint_url = %s\n"
		 "iam =\n"
		 "  endpoint_url = %s\n",
		 services ? "services = moto\n" : "",
		 services ? "services = moto\n" : "",
		 services ? "services = moto\n" : "", moto_url(), moto_url());
	fx_write(f->home, ".aws/config", cfg, 0600);
	fx_write(f->home, ".aws/credentials",
		 "[base]\n"
		 "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
		 "aws_secret_access_key = "
		 "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
		 0600);
}

static void test_assume_role_chain(void **state)
{
	struct fx *f = *state;
	struct ew_aws_options o = {"deep", NULL, NULL, 0};
	struct ew_caller_identity id;
	struct ew_aws_client c;
	struct ew_session s;
	struct ew_error err;
	time_t now = time(NULL);
	int rc;

	write_files(f, true);
	rc = ew_session_resolve(&s, &f->ctx, &o, &err);
	if (rc)
		fail_msg("resolve: %s", err.message);
	assert_string_equal(s.profile, "deep");
	assert_null(s.region); /* "deep" has none */
	assert_string_equal(s.endpoint[EW_SVC_STS], moto_url());
	assert_string_equal(s.endpoint[EW_SVC_IAM], moto_url());
	assert_null(s.endpoint[EW_SVC_ECR]);
	assert_string_equal(s.creds.source, "assume-role (profile deep)");
	assert_non_null(s.creds.session_token);
	assert_string_not_equal(s.creds.access_key_id, "AKIAIOSFODNN7EXAMPLE");
	assert_true(s.creds.expiration > now);
	assert_string_equal(s.creds.account_id, "123456789012");

	/* the credentials are the second role's */
	rc = ew_session_client(&c, &s, "us-east-1", &err);
	assert_int_equal(rc, 0);
	rc = ew_sts_get_caller_identity(&id, &c, &err);
	if (rc)
		fail_msg("GetCallerIdentity: %s", err.message);
	assert_string_equal(id.arn, "arn:aws:sts::123456789012:assumed-role/"
				    "ew-session-two/ew-second");
	ew_aws_client_release(&c);
	ew_session_release(&s);

	/* one hop, duration_seconds honoured */
	o.profile = "dev";
	rc = ew_session_resolve(&s, &f->ctx, &o, &err);
	if (rc)
		fail_msg("resolve dev: %s", err.message);
	assert_string_equal(s.region, "eu-west-1");
	assert_true(s.creds.expiration > now + 600 &&
		    s.creds.expiration < now + 1800);
	rc = ew_session_client(&c, &s, NULL, &err);
	assert_int_equal(rc, 0);
	rc = ew_sts_get_caller_identity(&id, &c, &err);
	if (rc)
		fail_msg("GetCallerIdentity: %s", err.message);
	assert_string_equal(id.arn, "arn:aws:sts::123456789012:assumed-role/"
				    "ew-session-one/ew-first");
	ew_aws_client_release(&c);
	ew_session_release(&s);
}

static void test_env_endpoint_and_static_keys(void **state)
{
	struct fx *f = *state;
	struct ew_aws_options o = {NULL, "us-east-1", NULL, 0};
	struct ew_caller_identity id;
	struct ew_aws_client c;
	struct ew_session s;
	struct ew_error err;
	int rc;

	/* no services section: the endpoint comes from the environment */
	write_files(f, false);
	fx_setenv(&f->env, "AWS_ENDPOINT_URL", moto_url());
	fx_setenv(&f->env, "AWS_PROFILE", "dev");
	rc = ew_session_resolve(&s, &f->ctx, &o, &err);
	if (rc)
		fail_msg("resolve: %s", err.message);
	assert_string_equal(s.creds.source, "assume-role (profile dev)");
	assert_string_equal(s.endpoint[EW_SVC_ECR], moto_url());
	ew_session_release(&s);

	/* environment keys win over AWS_PROFILE: no STS call needed */
	fx_setenv(&f->env, "AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE000000");
	fx_setenv(&f->env, "AWS_SECRET_ACCESS_KEY", "envsecretenvsecret");
	rc = ew_session_resolve(&s, &f->ctx, &o, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(s.creds.source, "environment");
	rc = ew_session_client(&c, &s, NULL, &err);
	assert_int_equal(rc, 0);
	rc = ew_sts_get_caller_identity(&id, &c, &err);
	if (rc)
		fail_msg("GetCallerIdentity: %s", err.message);
	assert_string_equal(id.account, "123456789012");
	ew_aws_client_release(&c);
	ew_session_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_assume_role_chain, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_env_endpoint_and_static_keys,
					    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
