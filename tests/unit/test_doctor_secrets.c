/*
 * Unit tests: doctor's github-secrets check against listed names (no AWS:
 * no credentials, so the AWS checks skip): a missing secret fails by name,
 * an environment's secret or the repository's satisfies a job in that
 * environment, and without a token the check is skipped saying why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "doctor.h"

static char *repo_names[] = {"AWS_REGION", "AWS_ROLE_ARN", "ECR_REPOSITORY"};
static char *env_names[] = {"ECR_REGISTRY"};

static const struct ew_doctor_check *find(const struct ew_doctor_report *r,
					  const char *id,
					  enum ew_doctor_status st,
					  const char *detail_part)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].id, id) && r->checks[i].status == st &&
		    strstr(r->checks[i].detail, detail_part))
			return &r->checks[i];
	return NULL;
}

static void run(struct ew_doctor_report *rep, struct ew_setup *s,
		const struct ew_doctor_github *g)
{
	struct ew_doctor_input in;
	struct ew_error cred, err;

	memset(&in, 0, sizeof(in));
	ew_error_clear(&cred);
	ew_error_set(&cred, EW_ENOCREDS, "no credentials");
	in.setup = s;
	in.cred_error = &cred;
	in.github = g;
	assert_int_equal(ew_doctor_run(rep, &in, &err), 0);
}

static void test_missing_secret_named(void **state)
{
	struct ew_github_names repo = {repo_names, 3, false};
	struct ew_doctor_github g = {NULL, false, &repo, NULL, NULL, 0};
	struct ew_doctor_report rep;
	struct ew_setup s;
	struct ew_error err;
	const struct ew_doctor_check *c;

	(void)state;
	ew_setup_init(&s);
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	run(&rep, &s, &g);
	c = find(&rep, "github-secrets", EW_DOCTOR_FAIL,
		 "secrets.ECR_REGISTRY, which is not set in o/r");
	assert_non_null(c);
	assert_non_null(
	    strstr(c->fix, "gh secret set ECR_REGISTRY --repo o/r"));
	/* exactly one missing */
	assert_null(find(&rep, "github-secrets", EW_DOCTOR_FAIL, "AWS_REGION"));
	assert_non_null(find(&rep, "github-secret-names", EW_DOCTOR_PASS,
			     "AWS_REGION, AWS_ROLE_ARN, ECR_REPOSITORY"));
	ew_doctor_report_release(&rep);
	ew_setup_release(&s);
}

static void test_environment_secret_counts(void **state)
{
	struct ew_github_names repo = {repo_names, 3, false};
	struct ew_github_names envs[2] = {{env_names, 1, false},
					  {NULL, 0, true}};
	struct ew_doctor_github g = {NULL, false, &repo, NULL, envs, 2};
	struct ew_doctor_report rep;
	struct ew_setup s;
	struct ew_error err;
	const struct ew_doctor_check *c;

	(void)state;
	ew_setup_init(&s);
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	assert_int_equal(ew_setup_add_env(&s, "staging:us-west-2:app-a", &err),
			 0);
	assert_int_equal(ew_setup_add_env(&s, "prod:eu-west-1:app-b", &err), 0);
	run(&rep, &s, &g);
	c = find(&rep, "github-secrets", EW_DOCTOR_PASS, "4 of 4");
	assert_non_null(c);
	assert_string_equal(c->target, "staging");
	c = find(&rep, "github-secrets", EW_DOCTOR_FAIL, "ECR_REGISTRY");
	assert_non_null(c);
	assert_string_equal(c->target, "prod");
	assert_non_null(strstr(c->detail, "nor in its environment 'prod'"));
	ew_doctor_report_release(&rep);
	ew_setup_release(&s);
}

static void test_organization_secret_counts(void **state)
{
	struct ew_github_names repo = {repo_names, 3, false};
	struct ew_github_names org = {env_names, 1, false};
	struct ew_doctor_github g = {NULL, false, &repo, &org, NULL, 0};
	struct ew_doctor_report rep;
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	ew_setup_init(&s);
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	run(&rep, &s, &g);
	assert_non_null(find(&rep, "github-secrets", EW_DOCTOR_PASS, "4 of 4"));
	assert_null(find(&rep, "github-secrets", EW_DOCTOR_FAIL, ""));
	ew_doctor_report_release(&rep);
	ew_setup_release(&s);
}

static void test_no_token_skips(void **state)
{
	struct ew_doctor_github g = {
	    "no GitHub token", false, NULL, NULL, NULL, 0};
	struct ew_doctor_report rep;
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	ew_setup_init(&s);
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	run(&rep, &s, &g);
	assert_non_null(find(&rep, "github-secrets", EW_DOCTOR_SKIP,
			     "skipped: no GitHub token"));
	ew_doctor_report_release(&rep);
	ew_setup_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing_secret_named),
	    cmocka_unit_test(test_environment_secret_counts),
	    cmocka_unit_test(test_organization_secret_counts),
	    cmocka_unit_test(test_no_token_skips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
