/*
 * Unit tests: the pipeline check (core/pipeline.h).  Every trigger of a
 * workflow becomes a token that the trust policy admits or refuses, with
 * the reason a user reads; the push actions are decided against the
 * permissions policy.  Lookalike repositories, other owners, a wrong
 * audience and a difference in case are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "documents.h"
#include "error.h"
#include "model.h"
#include "pipeline.h"

#define ACCOUNT "123456789012"
#define PROVIDER                                                               \
	"arn:aws:iam::" ACCOUNT ":oidc-provider/"                              \
	"token.actions.githubusercontent.com"

/* A setup: github "OWNER/REPO", scopes, NULL-terminated --env values. */
static void setup_make(struct ew_setup *s, const char *github,
		       const char *const *scopes, const char *const *envs)
{
	struct ew_error e;

	assert_int_equal(ew_setup_init(s), 0);
	assert_int_equal(ew_setup_set_github(s, github, &e), 0);
	assert_int_equal(ew_setup_set_account(s, ACCOUNT, &e), 0);
	for (size_t i = 0; scopes && scopes[i]; i++)
		assert_int_equal(ew_setup_add_scope(s, scopes[i], &e), 0);
	for (size_t i = 0; envs && envs[i]; i++)
		assert_int_equal(ew_setup_add_env(s, envs[i], &e), 0);
}

/* The check of s's own documents against workflow (NULL: the rendered
 * one). */
static void check_own(struct ew_pipeline *p, const struct ew_setup *s,
		      const char *workflow)
{
	struct ew_buf wf;
	struct ew_error e;

	ew_buf_init(&wf);
	if (!workflow) {
		assert_int_equal(ew_doc_workflow(&wf, s, &e), 0);
		workflow = wf.ptr;
	}
	assert_int_equal(
	    ew_pipeline_check_setup(p, s, NULL, workflow, strlen(workflow), &e),
	    0);
	ew_buf_release(&wf);
}

/* The check of s against the trust of another setup (the main target). */
static void check_against(struct ew_pipeline *p, const struct ew_setup *s,
			  const char *trust, const char *workflow)
{
	struct ew_pipeline_target t = {trust, NULL, 0};
	struct ew_pipeline_input in;
	struct ew_error e;

	memset(&in, 0, sizeof(in));
	in.setup = s;
	in.workflow_file = ".github/workflows/ecr-push.yml";
	in.workflow = workflow;
	in.workflow_len = strlen(workflow);
	in.targets = &t;
	assert_int_equal(ew_pipeline_check(p, &in, &e), 0);
}

static const struct ew_pipeline_run *find(const struct ew_pipeline *p,
					  const char *trigger)
{
	for (size_t i = 0; i < p->nruns; i++)
		if (strcmp(p->runs[i].trigger, trigger) == 0)
			return &p->runs[i];
	fail_msg("no run '%s'", trigger);
	return NULL;
}

static char *trust_of(const struct ew_setup *s)
{
	struct ew_buf b;
	struct ew_error e;

	ew_buf_init(&b);
	assert_int_equal(ew_doc_trust_policy(&b, s, NULL, &e), 0);
	return ew_buf_detach(&b);
}

#define WF_HEAD                                                                \
	"name: x\n"                                                            \
	"permissions:\n"                                                       \
	"  id-token: write\n"                                                  \
	"  contents: read\n"
#define WF_STEPS                                                               \
	"    steps:\n"                                                         \
	"      - uses: aws-actions/configure-aws-credentials@v6\n"             \
	"        with:\n"                                                      \
	"          role-to-assume: ${{ secrets.AWS_ROLE_ARN }}\n"              \
	"          aws-region: us-east-1\n"

static const char wf_many[] = WF_HEAD "on:\n"
				      "  push:\n"
				      "    branches: [main, 'release/**']\n"
				      "    tags: ['v*']\n"
				      "  pull_request:\n"
				      "  release:\n"
				      "    types: [published]\n"
				      "  workflow_dispatch:\n"
				      "jobs:\n"
				      "  build:\n"
				      "    runs-on: ubuntu-latest\n" WF_STEPS;

static const char wf_env[] = WF_HEAD "on:\n"
				     "  push:\n"
				     "    branches: [main]\n"
				     "jobs:\n"
				     "  deploy:\n"
				     "    runs-on: ubuntu-latest\n"
				     "    environment: production\n" WF_STEPS;

static void test_any_admits_the_written_workflow(void **state)
{
	struct ew_setup s;
	struct ew_pipeline p;

	(void)state;
	setup_make(&s, "acme/widgets", NULL, NULL);
	check_own(&p, &s, NULL);
	assert_true(p.nruns >= 2);
	assert_int_equal(p.nrefused, 0);
	assert_true(ew_pipeline_ok(&p));
	assert_true(find(&p, "push to main")->admitted);
	assert_string_equal(find(&p, "push to main")->subject,
			    "repo:acme/widgets:ref:refs/heads/main");
	assert_string_equal(find(&p, "push to main")->audience,
			    "sts.amazonaws.com");
	assert_true(find(&p, "release")->admitted);
	/* The login on "*" and the seven push actions on the repository. */
	assert_int_equal(p.ngrants, 8);
	assert_int_equal(p.ndenied, 0);
	assert_string_equal(p.grants[0].action, "ecr:GetAuthorizationToken");
	assert_string_equal(p.grants[0].resource, "*");
	assert_string_equal(p.grants[1].resource,
			    "arn:aws:ecr:us-east-1:" ACCOUNT
			    ":repository/widgets");
	ew_pipeline_release(&p);
	ew_setup_release(&s);
}

static void test_branch_main_refuses_other_triggers(void **state)
{
	static const char *const scopes[] = {"branch:main", NULL};
	struct ew_setup s;
	struct ew_pipeline p;
	const struct ew_pipeline_run *r;
	struct ew_buf line;

	(void)state;
	setup_make(&s, "acme/widgets", scopes, NULL);
	check_own(&p, &s, wf_many);
	assert_true(find(&p, "push to main")->admitted);
	r = find(&p, "release");
	assert_false(r->admitted);
	assert_string_equal(r->reason, "the trust only admits branch main");
	assert_non_null(strstr(r->fix, "--trust 'tag:*'"));
	r = find(&p, "push to release/**");
	assert_false(r->admitted);
	assert_string_equal(r->subject,
			    "repo:acme/widgets:ref:refs/heads/release/*");
	assert_non_null(strstr(r->fix, "--trust 'branch:release/*'"));
	assert_false(find(&p, "push of tag v*")->admitted);
	r = find(&p, "pull_request");
	assert_false(r->admitted);
	assert_non_null(strstr(r->fix, "--trust 'pull_request'"));
	assert_int_equal(p.nrefused, 4);
	assert_false(ew_pipeline_ok(&p));

	ew_buf_init(&line);
	assert_int_equal(ew_pipeline_run_line(&line, r, false), 0);
	assert_string_equal(
	    line.ptr, "pull_request: refused - the trust only admits branch "
		      "main");
	ew_buf_release(&line);
	ew_pipeline_release(&p);
	ew_setup_release(&s);
}

static void test_scopes_admit_their_triggers(void **state)
{
	static const char *const scopes[] = {"branch:main", "branch:release/*",
					     "tag:v*", "pull_request", NULL};
	static const char *const tag_only[] = {"tag:v*", NULL};
	struct ew_setup s;
	struct ew_pipeline p;

	(void)state;
	setup_make(&s, "acme/widgets", scopes, NULL);
	check_own(&p, &s, wf_many);
	assert_true(find(&p, "push to main")->admitted);
	assert_true(find(&p, "push to release/**")->admitted);
	assert_true(find(&p, "push of tag v*")->admitted);
	assert_true(find(&p, "pull_request")->admitted);
	/* A release's tag can be anything, not only v*. */
	assert_false(find(&p, "release")->admitted);
	assert_int_equal(p.nrefused, 1);
	ew_pipeline_release(&p);
	ew_setup_release(&s);

	setup_make(&s, "acme/widgets", tag_only, NULL);
	check_own(&p, &s, wf_many);
	assert_true(find(&p, "push of tag v*")->admitted);
	assert_false(find(&p, "push to main")->admitted);
	assert_string_equal(find(&p, "push to main")->reason,
			    "the trust only admits tag v*");
	ew_pipeline_release(&p);
	ew_setup_release(&s);
}

static void test_environment_job(void **state)
{
	static const char *const prod[] = {"env:production", NULL};
	static const char *const main_only[] = {"branch:main", NULL};
	struct ew_setup s;
	struct ew_pipeline p;
	const struct ew_pipeline_run *r;

	(void)state;
	setup_make(&s, "acme/widgets", prod, NULL);
	check_own(&p, &s, wf_env);
	assert_int_equal(p.nruns, 1);
	r = find(&p, "environment production");
	assert_true(r->admitted);
	assert_string_equal(r->subject,
			    "repo:acme/widgets:environment:production");
	ew_pipeline_release(&p);
	/* The push to main without an environment is refused. */
	check_own(&p, &s, wf_many);
	r = find(&p, "push to main");
	assert_false(r->admitted);
	assert_string_equal(r->reason,
			    "the trust only admits environment production");
	ew_pipeline_release(&p);
	ew_setup_release(&s);

	/* In an environment the branch no longer counts. */
	setup_make(&s, "acme/widgets", main_only, NULL);
	check_own(&p, &s, wf_env);
	assert_false(find(&p, "environment production")->admitted);
	assert_non_null(strstr(find(&p, "environment production")->fix,
			       "--trust 'env:production'"));
	ew_pipeline_release(&p);
	ew_setup_release(&s);
}

static void test_env_targets_map_to_their_roles(void **state)
{
	static const char *const envs[] = {"staging:us-west-2:app-staging",
					   "production:eu-west-1:app-prod",
					   NULL};
	struct ew_setup s;
	struct ew_pipeline p;
	struct ew_buf t0, t1;
	struct ew_pipeline_target t[2];
	struct ew_pipeline_input in;
	struct ew_buf wf;
	struct ew_error e;

	(void)state;
	setup_make(&s, "acme/widgets", NULL, envs);
	check_own(&p, &s, NULL);
	assert_true(find(&p, "environment staging")->admitted);
	assert_string_equal(find(&p, "environment staging")->target, "staging");
	assert_true(find(&p, "environment production")->admitted);
	assert_int_equal(p.nrefused, 0);
	assert_int_equal(p.ngrants, 16);
	assert_int_equal(p.ndenied, 0);
	assert_false(ew_pipeline_names_jobs(&p));
	ew_pipeline_release(&p);

	/* Each role trusts only its own environment: swapped, both fail. */
	ew_buf_init(&t0);
	ew_buf_init(&t1);
	ew_buf_init(&wf);
	assert_int_equal(ew_doc_trust_policy(&t0, &s, &s.envs[0], &e), 0);
	assert_int_equal(ew_doc_trust_policy(&t1, &s, &s.envs[1], &e), 0);
	assert_int_equal(ew_doc_workflow(&wf, &s, &e), 0);
	t[0] = (struct ew_pipeline_target){t1.ptr, NULL, 0};
	t[1] = (struct ew_pipeline_target){t0.ptr, NULL, 0};
	memset(&in, 0, sizeof(in));
	in.setup = &s;
	in.workflow = wf.ptr;
	in.workflow_len = wf.len;
	in.targets = t;
	assert_int_equal(ew_pipeline_check(&p, &in, &e), 0);
	assert_int_equal(p.nrefused, 2);
	assert_string_equal(find(&p, "environment staging")->reason,
			    "the trust only admits environment production");
	ew_pipeline_release(&p);

	/* A job in no environment of the setup has no role that trusts it. */
	t[0] = (struct ew_pipeline_target){t0.ptr, NULL, 0};
	t[1] = (struct ew_pipeline_target){t1.ptr, NULL, 0};
	in.workflow = wf_many;
	in.workflow_len = strlen(wf_many);
	assert_int_equal(ew_pipeline_check(&p, &in, &e), 0);
	assert_false(find(&p, "push to main")->admitted);
	assert_non_null(strstr(find(&p, "push to main")->reason,
			       "none of the environments staging, production"));
	ew_pipeline_release(&p);
	ew_buf_release(&t0);
	ew_buf_release(&t1);
	ew_buf_release(&wf);
	ew_setup_release(&s);
}

/* Tokens of a lookalike repository, another owner, another case. */
static void test_other_repositories_refused(void **state)
{
	static const struct {
		const char *github, *reason;
	} cases[] = {
	    {"acme/widgets-evil",
	     "the trust only admits 'repo:acme/widgets:*'"},
	    {"acme/widget", "the trust only admits 'repo:acme/widgets:*'"},
	    {"evil/widgets", "the trust only admits 'repo:acme/widgets:*'"},
	    {"ACME/widgets", "another case"},
	    {"acme/Widgets", "another case"},
	};
	struct ew_setup ours, other;
	struct ew_pipeline p;
	char *trust;

	(void)state;
	setup_make(&ours, "acme/widgets", NULL, NULL);
	trust = trust_of(&ours);
	check_against(&p, &ours, trust, wf_many);
	assert_int_equal(p.nrefused, 0);
	ew_pipeline_release(&p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup_make(&other, cases[i].github, NULL, NULL);
		check_against(&p, &other, trust, wf_many);
		if (p.nrefused != p.nruns || !p.nruns)
			fail_msg("%s: %zu of %zu runs refused", cases[i].github,
				 p.nrefused, p.nruns);
		if (!strstr(p.runs[0].reason, cases[i].reason))
			fail_msg("%s: reason '%s'", cases[i].github,
				 p.runs[0].reason);
		ew_pipeline_release(&p);
		ew_setup_release(&other);
	}
	free(trust);
	ew_setup_release(&ours);
}

static void test_audience(void **state)
{
	static const char wf_aud[] =
	    WF_HEAD "on:\n"
		    "  push:\n"
		    "    branches: [main]\n"
		    "jobs:\n"
		    "  build:\n"
		    "    runs-on: ubuntu-latest\n" WF_STEPS
		    "          audience: sts.example.com\n";
	struct ew_setup s;
	struct ew_pipeline p;
	struct ew_error e;
	char *trust, *at;
	const struct ew_pipeline_run *r;

	(void)state;
	setup_make(&s, "acme/widgets", NULL, NULL);
	check_own(&p, &s, wf_aud);
	r = find(&p, "push to main");
	assert_false(r->admitted);
	assert_string_equal(r->audience, "sts.example.com");
	assert_string_equal(r->reason, "the trust pins aud to "
				       "sts.amazonaws.com; the token carries "
				       "sts.example.com");
	ew_pipeline_release(&p);

	/* A trust pinning another audience refuses the default one. */
	trust = trust_of(&s);
	at = strstr(trust, "sts.amazonaws.com");
	assert_non_null(at);
	memcpy(at, "sts.amazonaws.org", 17);
	check_against(&p, &s, trust, wf_many);
	assert_int_equal(p.nrefused, p.nruns);
	assert_non_null(strstr(p.runs[0].reason, "pins aud to "
						 "sts.amazonaws.org"));
	ew_pipeline_release(&p);
	free(trust);

	/* China: the token's aud is sts.amazonaws.com.cn, and the trust
	 * ecr-wizard writes there pins it. */
	assert_int_equal(ew_setup_set_region(&s, "cn-north-1", &e), 0);
	check_own(&p, &s, wf_many);
	assert_string_equal(p.runs[0].audience, "sts.amazonaws.com.cn");
	assert_int_equal(p.nrefused, 0);
	ew_pipeline_release(&p);
	ew_setup_release(&s);
}

static void test_immutable_ids(void **state)
{
	struct ew_setup s;
	struct ew_pipeline p;
	struct ew_error e;
	struct ew_buf b;
	char *legacy_trust;
	const struct ew_pipeline_run *r;

	(void)state;
	setup_make(&s, "acme/widgets", NULL, NULL);
	legacy_trust = trust_of(&s);
	assert_int_equal(ew_setup_set_owner_id(&s, "1001", &e), 0);
	assert_int_equal(ew_setup_set_repo_id(&s, "2002", &e), 0);

	ew_buf_init(&b);
	assert_int_equal(ew_pipeline_subject(&b, &s, true, "pull_request"), 0);
	assert_string_equal(b.ptr, "repo:acme@1001/widgets@2002:pull_request");
	ew_buf_release(&b);

	check_own(&p, &s, wf_many);
	assert_int_equal(p.nrefused, 0);
	r = find(&p, "push to main");
	assert_string_equal(r->subject_id,
			    "repo:acme@1001/widgets@2002:ref:refs/heads/main");
	ew_pipeline_release(&p);

	/* A trust without the immutable form refuses what GitHub may send. */
	check_against(&p, &s, legacy_trust, wf_many);
	r = find(&p, "push to main");
	assert_false(r->admitted);
	assert_non_null(strstr(r->reason, "lacks the immutable subject "
					  "repo:acme@1001/widgets@2002:"));
	ew_pipeline_release(&p);
	free(legacy_trust);
	ew_setup_release(&s);
}

/* A repository with a custom OIDC subject template: the tokens are
 * spelled in it, and the trust written in the same template admits them;
 * the default-form trust refuses them. */
static void test_custom_subject_template(void **state)
{
	static const char *const scopes[] = {"branch:main", "tag:v*", NULL};
	static const char *const keys[] = {"repo", "context",
					   "job_workflow_ref"};
	struct ew_setup s, plain;
	struct ew_pipeline p;
	struct ew_buf wf, trust;
	struct ew_error e;
	const struct ew_pipeline_run *r;

	(void)state;
	setup_make(&s, "acme/widgets", scopes, NULL);
	setup_make(&plain, "acme/widgets", scopes, NULL);
	assert_int_equal(ew_setup_set_sub_claim_keys(&s, keys, 3, &e), 0);
	check_own(&p, &s, NULL);
	assert_int_equal(p.nrefused, 0);
	r = find(&p, "push to main");
	assert_non_null(r);
	assert_true(r->admitted);
	assert_non_null(strstr(r->subject, "job_workflow_ref:"));
	ew_pipeline_release(&p);

	ew_buf_init(&wf);
	ew_buf_init(&trust);
	assert_int_equal(ew_doc_workflow(&wf, &s, &e), 0);
	assert_int_equal(ew_doc_trust_policy(&trust, &plain, NULL, &e), 0);
	check_against(&p, &s, trust.ptr, wf.ptr);
	assert_false(find(&p, "push to main")->admitted);
	ew_pipeline_release(&p);
	ew_buf_release(&wf);
	ew_buf_release(&trust);
	ew_setup_release(&plain);
	ew_setup_release(&s);
}

static void test_push_grants(void **state)
{
	static const char narrow[] =
	    "{\"Version\":\"2012-10-17\",\"Statement\":["
	    "{\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\","
	    "\"Resource\":\"*\"},"
	    "{\"Effect\":\"Allow\",\"Action\":[\"ecr:BatchGetImage\"],"
	    "\"Resource\":\"arn:aws:ecr:us-east-1:" ACCOUNT
	    ":repository/widgets\"}]}";
	const char *docs[] = {narrow};
	struct ew_setup s;
	struct ew_pipeline p;
	struct ew_pipeline_target t;
	struct ew_pipeline_input in;
	struct ew_error e;
	char *trust;

	(void)state;
	setup_make(&s, "acme/widgets", NULL, NULL);
	trust = trust_of(&s);
	t = (struct ew_pipeline_target){trust, docs, 1};
	memset(&in, 0, sizeof(in));
	in.setup = &s;
	in.workflow = wf_many;
	in.workflow_len = strlen(wf_many);
	in.targets = &t;
	assert_int_equal(ew_pipeline_check(&p, &in, &e), 0);
	assert_int_equal(p.nrefused, 0);
	assert_int_equal(p.ngrants, 8);
	assert_int_equal(p.ndenied, 6);
	assert_false(ew_pipeline_ok(&p));
	ew_pipeline_release(&p);
	free(trust);
	ew_setup_release(&s);
}

static void test_notes_and_errors(void **state)
{
	static const char no_aws[] =
	    "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
	    "      - run: true\n";
	static const char bad[] = "on: [push\n";
	struct ew_setup s;
	struct ew_pipeline p;
	struct ew_error e;

	(void)state;
	setup_make(&s, "acme/widgets", NULL, NULL);
	check_own(&p, &s, no_aws);
	assert_int_equal(p.nruns, 0);
	assert_int_equal(p.nnotes, 1);
	assert_non_null(strstr(p.notes[0], "configure-aws-credentials"));
	ew_pipeline_release(&p);
	check_own(&p, &s, bad);
	assert_int_equal(p.nruns, 0);
	assert_true(p.nnotes >= 1);
	ew_pipeline_release(&p);
	ew_setup_release(&s);

	/* No account: the provider, hence the decision, is unknown. */
	assert_int_equal(ew_setup_init(&s), 0);
	assert_int_equal(ew_setup_set_github(&s, "acme/widgets", &e), 0);
	{
		struct ew_pipeline_target t = {"{}", NULL, 0};
		struct ew_pipeline_input in = {
		    &s, NULL, wf_many, strlen(wf_many), &t, NULL};

		assert_int_equal(ew_pipeline_check(&p, &in, &e), EW_EINVAL);
		ew_pipeline_release(&p);
	}
	ew_setup_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_any_admits_the_written_workflow),
	    cmocka_unit_test(test_branch_main_refuses_other_triggers),
	    cmocka_unit_test(test_scopes_admit_their_triggers),
	    cmocka_unit_test(test_environment_job),
	    cmocka_unit_test(test_env_targets_map_to_their_roles),
	    cmocka_unit_test(test_other_repositories_refused),
	    cmocka_unit_test(test_audience),
	    cmocka_unit_test(test_immutable_ids),
	    cmocka_unit_test(test_custom_subject_template),
	    cmocka_unit_test(test_push_grants),
	    cmocka_unit_test(test_notes_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
