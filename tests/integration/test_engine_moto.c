/*
 * Integration tests: the step engine against moto ($EW_MOTO_URL), each
 * test on a fresh moto state (POST /moto-api/reset): a first apply read
 * back field by field with the typed operations, a second apply that
 * changes nothing, drift repaired with the diff shown, the policy version
 * limit, teardown (only tagged resources, the provider kept while another
 * role trusts it), several environments, offline plans in the China and
 * GovCloud partitions, and the failure decisions (on the demo account's
 * staged failures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo_account.h"
#include "ecr.h"
#include "engine.h"
#include "iam.h"
#include "json_doc.h"
#include "ops_moto.h"

#define ACCOUNT "123456789012"
#define PROVIDER_ARN                                                           \
	"arn:aws:iam::" ACCOUNT                                                \
	":oidc-provider/token.actions.githubusercontent.com"
#define ROLE	   "GitHubActions-ECR-Role"
#define POLICY	   "GitHubActions-ECR-Policy"
#define POLICY_ARN "arn:aws:iam::" ACCOUNT ":policy/" POLICY
#define REPO_ARN   "arn:aws:ecr:us-east-1:" ACCOUNT ":repository/app"

/* ------------------------------------------------------------ helpers */

static void moto_reset(struct ops_env *env)
{
	struct ew_http_request req = {0};
	struct ew_http_response resp;
	struct ew_error err;
	char url[512];

	snprintf(url, sizeof(url), "%s/moto-api/reset", ops_moto_url());
	req.method = "POST";
	req.url = url;
	req.body = "";
	req.service = "moto";
	ew_http_response_init(&resp);
	assert_int_equal(
	    ew_transport_perform(env->transport, &req, &resp, NULL, &err), 0);
	assert_int_equal(resp.status, 200);
	ew_http_response_release(&resp);
}

static void setup_init(struct ew_setup *s)
{
	struct ew_error err;

	assert_int_equal(ew_setup_init(s), 0);
	assert_ok(ew_setup_set_github(s, "octo-org/app", &err), err);
	assert_ok(ew_setup_set_region(s, "us-east-1", &err), err);
}

struct events {
	unsigned finished, checked, retries, failures;
	enum ew_decision decision;
};

static void ev_step(const struct ew_step *s, enum ew_event ev, void *p)
{
	struct events *e = p;

	(void)s;
	if (ev == EW_EVENT_FINISHED)
		e->finished++;
	if (ev == EW_EVENT_CHECKED)
		e->checked++;
}

static void ev_retry(const struct ew_step *s, const struct ew_retry_event *ev,
		     void *p)
{
	struct events *e = p;

	(void)s;
	assert_non_null(ev->operation);
	e->retries++;
}

static enum ew_decision ev_failure(const struct ew_step *s, void *p)
{
	struct events *e = p;

	(void)s;
	e->failures++;
	return e->decision;
}

static struct ew_engine_observer observer(struct events *ev)
{
	struct ew_engine_observer o = {ev_step, ev_retry, ev_failure, ev};

	memset(ev, 0, sizeof(*ev));
	ev->decision = EW_DECISION_ABORT;
	return o;
}

/* Run a whole apply on s; returns the engine (caller releases). */
static int run_apply(struct ew_engine *e, struct ops_env *env,
		     struct ew_setup *s, struct events *ev)
{
	struct ew_engine_observer o = observer(ev);
	struct ew_error err;
	int rc;

	assert_ok(ew_engine_init(e, &env->ctx, s, &env->c, &o, false, &err),
		  err);
	rc = ew_engine_plan(e, &err);
	if (rc == 0)
		rc = ew_engine_apply(e, &err);
	return rc;
}

/* Show why steps failed, for a failing assertion's log. */
static void dump_failures(const struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].state == EW_STATE_FAILED)
			print_message("step '%s' failed: %s %s\n",
				      e->steps[i].title,
				      e->steps[i].error.aws_code,
				      e->steps[i].error.message);
}

static const struct ew_step *find(const struct ew_engine *e,
				  enum ew_step_kind k, int target)
{
	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].kind == k &&
		    (target < 0 || e->steps[i].target == target))
			return &e->steps[i];
	fail_msg("no step of kind %d", (int)k);
	return NULL;
}

static cJSON *path(cJSON *j, const char *a, const char *b, const char *c)
{
	j = cJSON_GetObjectItemCaseSensitive(j, a);
	if (b)
		j = cJSON_GetObjectItemCaseSensitive(j, b);
	if (c)
		j = cJSON_GetObjectItemCaseSensitive(j, c);
	return j;
}

static bool has_string(const cJSON *v, const char *s)
{
	const cJSON *c;

	if (cJSON_IsString(v))
		return strcmp(v->valuestring, s) == 0;
	cJSON_ArrayForEach(c, v)
	{
		if (cJSON_IsString(c) && strcmp(c->valuestring, s) == 0)
			return true;
	}
	return false;
}

/* Everything the first apply creates, read back with direct calls. */
static void assert_setup_in_aws(struct ops_env *env, bool own_provider)
{
	static const char *const push[] = {"ecr:BatchCheckLayerAvailability",
					   "ecr:BatchGetImage",
					   "ecr:CompleteLayerUpload",
					   "ecr:GetDownloadUrlForLayer",
					   "ecr:InitiateLayerUpload",
					   "ecr:PutImage",
					   "ecr:UploadLayerPart"};
	struct ew_iam_role role = {0};
	struct ew_iam_policy pol = {0};
	struct ew_iam_policy_version ver = {0};
	struct ew_iam_oidc_provider pr = {0};
	struct ew_iam_attached_policies att = {0};
	struct ew_ecr_repository repo = {0};
	struct ew_tags tags;
	struct ew_error err;
	char *lifecycle = NULL;
	cJSON *doc, *st, *cond;
	bool attached = false;

	/* role and its trust policy */
	assert_ok(ew_iam_get_role(&role, &env->c, ROLE, &err), err);
	assert_true(ew_tags_is_managed(&role.tags));
	doc = cJSON_Parse(role.trust_document);
	assert_non_null(doc);
	st = cJSON_GetArrayItem(path(doc, "Statement", NULL, NULL), 0);
	assert_string_equal(
	    path(st, "Principal", "Federated", NULL)->valuestring,
	    PROVIDER_ARN);
	assert_string_equal(path(st, "Action", NULL, NULL)->valuestring,
			    "sts:AssumeRoleWithWebIdentity");
	cond = path(st, "Condition", NULL, NULL);
	assert_string_equal(path(cond, "StringEquals",
				 "token.actions.githubusercontent.com:aud",
				 NULL)
				->valuestring,
			    "sts.amazonaws.com");
	/* repo:octo-org/app:* is a pattern: StringLike, never ForAllValues */
	assert_string_equal(path(cond, "StringLike",
				 "token.actions.githubusercontent.com:sub",
				 NULL)
				->valuestring,
			    "repo:octo-org/app:*");
	assert_null(path(cond, "ForAllValues:StringLike", NULL, NULL));
	cJSON_Delete(doc);

	/* permissions policy */
	assert_ok(ew_iam_get_policy(&pol, &env->c, POLICY_ARN, &err), err);
	assert_true(ew_tags_is_managed(&pol.tags));
	assert_ok(ew_iam_get_policy_version(&ver, &env->c, POLICY_ARN,
					    pol.default_version_id, &err),
		  err);
	doc = cJSON_Parse(ver.document);
	assert_non_null(doc);
	st = path(doc, "Statement", NULL, NULL);
	assert_int_equal(cJSON_GetArraySize(st), 2);
	assert_true(
	    has_string(path(cJSON_GetArrayItem(st, 0), "Action", NULL, NULL),
		       "ecr:GetAuthorizationToken"));
	assert_string_equal(
	    path(cJSON_GetArrayItem(st, 0), "Resource", NULL, NULL)
		->valuestring,
	    "*");
	assert_string_equal(
	    path(cJSON_GetArrayItem(st, 1), "Resource", NULL, NULL)
		->valuestring,
	    REPO_ARN);
	for (size_t i = 0; i < sizeof(push) / sizeof(push[0]); i++)
		assert_true(has_string(
		    path(cJSON_GetArrayItem(st, 1), "Action", NULL, NULL),
		    push[i]));
	cJSON_Delete(doc);

	/* provider */
	assert_ok(ew_iam_get_oidc_provider(&pr, &env->c, PROVIDER_ARN, &err),
		  err);
	assert_string_equal(pr.url, "token.actions.githubusercontent.com");
	if (own_provider) {
		assert_int_equal(pr.client_ids.n, 1);
		assert_true(ew_tags_is_managed(&pr.tags));
	}
	{
		bool aud = false;

		for (size_t i = 0; i < pr.client_ids.n; i++)
			aud |= strcmp(pr.client_ids.v[i],
				      "sts.amazonaws.com") == 0;
		assert_true(aud);
	}

	/* attachment */
	assert_ok(ew_iam_list_attached_role_policies(&att, &env->c, ROLE, &err),
		  err);
	for (size_t i = 0; i < att.n; i++)
		attached |= strcmp(att.v[i].arn, POLICY_ARN) == 0;
	assert_true(attached);

	/* repository, its tags and lifecycle */
	assert_ok(ew_ecr_describe_repository(&repo, &env->c, "app", &err), err);
	assert_string_equal(repo.tag_mutability, "MUTABLE");
	assert_true(repo.scan_on_push);
	assert_string_equal(repo.encryption_type, "AES256");
	assert_string_equal(repo.arn, REPO_ARN);
	assert_ok(ew_ecr_list_tags(&tags, &env->c, repo.arn, &err), err);
	assert_true(ew_tags_is_managed(&tags));
	ew_tags_release(&tags);
	assert_ok(ew_ecr_get_lifecycle_policy(&lifecycle, &env->c, "app", &err),
		  err);
	doc = cJSON_Parse(lifecycle);
	assert_non_null(doc);
	st = cJSON_GetArrayItem(path(doc, "rules", NULL, NULL), 0);
	assert_int_equal(path(st, "selection", "countNumber", NULL)->valueint,
			 10);
	assert_string_equal(
	    path(st, "selection", "countType", NULL)->valuestring,
	    "imageCountMoreThan");
	assert_string_equal(path(st, "action", "type", NULL)->valuestring,
			    "expire");
	cJSON_Delete(doc);

	free(lifecycle);
	ew_ecr_repository_release(&repo);
	ew_iam_attached_policies_release(&att);
	ew_iam_oidc_provider_release(&pr);
	ew_iam_policy_version_release(&ver);
	ew_iam_policy_release(&pol);
	ew_iam_role_release(&role);
}

/* -------------------------------------------------------------- tests */

static void test_fresh_then_second_apply(void **state)
{
	struct ops_env env;
	struct ew_setup s;
	struct ew_engine e;
	struct events ev;
	int rc;

	(void)state;
	ops_env_init(&env);
	moto_reset(&env);
	setup_init(&s);

	rc = run_apply(&e, &env, &s, &ev);
	assert_ok(rc, e.steps[0].error);
	assert_string_equal(s.account, ACCOUNT); /* filled by identity */
	assert_true(e.result.requests <= 13);
	assert_true(e.result.sequential_depth <= 6);
	assert_int_equal(e.result.mutations, 6);
	for (size_t i = 1; i + 1 < e.nsteps; i++) {
		assert_int_equal(e.steps[i].state, EW_STATE_DONE);
		assert_true(e.steps[i].cli.len > 0);
	}
	assert_non_null(strstr(find(&e, EW_STEP_ROLE, -1)->cli.ptr,
			       "aws iam create-role --region us-east-1 "
			       "--role-name " ROLE
			       " --assume-role-policy-document "
			       "file://trust-policy.json --description "));
	assert_int_equal(ev.failures, 0);
	assert_true(ev.finished >= e.nsteps);
	ew_engine_release(&e);
	assert_setup_in_aws(&env, true);

	/* Second apply: everything in place, not one mutating call. */
	rc = run_apply(&e, &env, &s, &ev);
	assert_ok(rc, e.steps[0].error);
	assert_int_equal(e.result.mutations, 0);
	for (size_t i = 1; i + 1 < e.nsteps; i++) {
		assert_int_equal(e.steps[i].state, EW_STATE_UNCHANGED);
		assert_int_equal(e.steps[i].mutations, 0);
		/* lifecycle policies carry no tags of their own */
		if (e.steps[i].kind != EW_STEP_LIFECYCLE)
			assert_true(e.steps[i].is_managed);
		assert_int_equal(e.steps[i].diff.len, 0);
	}
	ew_engine_release(&e);
	ew_setup_release(&s);
	ops_env_release(&env);
}

static void test_drift_repaired(void **state)
{
	const char *other_trust =
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"Federated\":\"" PROVIDER_ARN
	    "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":"
	    "{\"StringLike\":{\"token.actions.githubusercontent.com:sub\":"
	    "\"repo:octo-org/*\"}}}]}";
	const char *other_perm =
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"ecr:*\",\"Resource\":\"*\"}]}";
	struct ops_env env;
	struct ew_setup s;
	struct ew_engine e;
	struct events ev;
	struct ew_error err;
	int rc;

	(void)state;
	ops_env_init(&env);
	moto_reset(&env);
	setup_init(&s);
	assert_ok(run_apply(&e, &env, &s, &ev), e.steps[0].error);
	ew_engine_release(&e);

	/* Behind its back: another trust, other permissions, and the
	 * audience removed from the provider. */
	assert_ok(
	    ew_iam_update_assume_role_policy(&env.c, ROLE, other_trust, &err),
	    err);
	assert_ok(ew_iam_create_policy_version(NULL, &env.c, POLICY_ARN,
					       other_perm, true, &err),
		  err);

	{
		struct ew_engine_observer o = observer(&ev);

		assert_ok(
		    ew_engine_init(&e, &env.ctx, &s, &env.c, &o, false, &err),
		    err);
		assert_ok(ew_engine_plan(&e, &err), err);
	}
	assert_int_equal(find(&e, EW_STEP_ROLE, -1)->action, EW_ACTION_UPDATE);
	assert_non_null(strstr(find(&e, EW_STEP_ROLE, -1)->diff.ptr,
			       "-          \"token.actions.githubusercontent."
			       "com:sub\": \"repo:octo-org/*\""));
	assert_non_null(strstr(find(&e, EW_STEP_ROLE, -1)->diff.ptr,
			       "+          \"token.actions.githubusercontent."
			       "com:sub\": \"repo:octo-org/app:*\""));
	assert_int_equal(find(&e, EW_STEP_POLICY, -1)->action,
			 EW_ACTION_UPDATE);
	assert_non_null(
	    strstr(find(&e, EW_STEP_POLICY, -1)->diff.ptr, "\"ecr:*\""));
	assert_int_equal(find(&e, EW_STEP_PROVIDER, -1)->action,
			 EW_ACTION_UNCHANGED);
	assert_int_equal(find(&e, EW_STEP_REPOSITORY, -1)->action,
			 EW_ACTION_UNCHANGED);
	assert_int_equal(find(&e, EW_STEP_ATTACH, -1)->action,
			 EW_ACTION_UNCHANGED);
	/* Nothing written by the plan. */
	assert_int_equal(e.result.mutations, 0);

	rc = ew_engine_apply(&e, &err);
	if (rc)
		dump_failures(&e);
	assert_ok(rc, err);
	/* The two repairs, and the superseded version that granted more
	 * (ecr:* on *) deleted, so no rollback can bring it back. */
	assert_int_equal(e.result.mutations, 3);
	assert_non_null(strstr(find(&e, EW_STEP_POLICY, -1)->detail,
			       "deleted v2, which granted more"));
	assert_int_equal(find(&e, EW_STEP_ROLE, -1)->state, EW_STATE_UPDATED);
	assert_int_equal(find(&e, EW_STEP_POLICY, -1)->state, EW_STATE_UPDATED);
	assert_int_equal(find(&e, EW_STEP_LIFECYCLE, -1)->state,
			 EW_STATE_UNCHANGED);
	ew_engine_release(&e);
	assert_setup_in_aws(&env, true);
	ew_setup_release(&s);
	ops_env_release(&env);
}

static void test_policy_version_limit(void **state)
{
	struct ew_iam_policy_versions l = {0};
	struct ops_env env;
	struct ew_setup s;
	struct ew_engine e;
	struct events ev;
	struct ew_error err;
	char doc[256];

	(void)state;
	ops_env_init(&env);
	moto_reset(&env);
	setup_init(&s);
	assert_ok(run_apply(&e, &env, &s, &ev), e.steps[0].error);
	ew_engine_release(&e);
	/* Four more versions: five in all, the last one the default.  Each
	 * grants less than the setup's, so the repair keeps them. */
	for (int i = 2; i <= 5; i++) {
		snprintf(doc, sizeof(doc),
			 "{\"Version\":\"2012-10-17\",\"Statement\":[{"
			 "\"Sid\":\"V%d\",\"Effect\":\"Allow\",\"Action\":"
			 "\"ecr:BatchGetImage\",\"Resource\":\"" REPO_ARN
			 "\"}]}",
			 i);
		assert_ok(ew_iam_create_policy_version(NULL, &env.c, POLICY_ARN,
						       doc, true, &err),
			  err);
	}
	assert_ok(run_apply(&e, &env, &s, &ev), e.steps[0].error);
	assert_int_equal(find(&e, EW_STEP_POLICY, -1)->state, EW_STATE_UPDATED);
	assert_non_null(strstr(find(&e, EW_STEP_POLICY, -1)->detail,
			       "deleted the oldest, v1"));
	ew_engine_release(&e);
	assert_ok(ew_iam_list_policy_versions(&l, &env.c, POLICY_ARN, &err),
		  err);
	assert_int_equal(l.n, 5);
	for (size_t i = 0; i < l.n; i++)
		assert_string_not_equal(l.v[i].version_id, "v1");
	ew_iam_policy_versions_release(&l);
	assert_setup_in_aws(&env, true);
	ew_setup_release(&s);
	ops_env_release(&env);
}

static void test_teardown(void **state)
{
	const char *other_trust =
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"Federated\":\"" PROVIDER_ARN
	    "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}";
	struct ew_iam_role r = {0};
	struct ew_iam_oidc_provider pr = {0};
	struct ew_ecr_repository repo = {0};
	struct ops_env env;
	struct ew_setup s;
	struct ew_engine e;
	struct events ev;
	struct ew_error err;
	int rc;

	(void)state;
	ops_env_init(&env);
	moto_reset(&env);
	setup_init(&s);
	assert_ok(run_apply(&e, &env, &s, &ev), e.steps[0].error);
	ew_engine_release(&e);
	/* Someone else's role trusts the provider too. */
	assert_ok(ew_iam_create_role(&r, &env.c, "OtherDeployRole", NULL,
				     other_trust, NULL, 0, NULL, &err),
		  err);
	ew_iam_role_release(&r);

	{
		struct ew_engine_observer o = observer(&ev);

		assert_ok(
		    ew_engine_init(&e, &env.ctx, &s, &env.c, &o, false, &err),
		    err);
	}
	assert_ok(ew_engine_plan_teardown(&e, false, &err), err);
	assert_int_equal(find(&e, EW_STEP_PROVIDER, -1)->action,
			 EW_ACTION_SKIP);
	assert_non_null(
	    strstr(find(&e, EW_STEP_PROVIDER, -1)->detail, "OtherDeployRole"));
	assert_int_equal(find(&e, EW_STEP_ROLE, -1)->action, EW_ACTION_DELETE);
	assert_non_null(strstr(find(&e, EW_STEP_ROLE, -1)->cli.ptr,
			       "aws iam delete-role --region us-east-1 "
			       "--role-name " ROLE));
	rc = ew_engine_teardown(&e, false, &err);
	assert_ok(rc, err);
	ew_engine_release(&e);

	assert_aws_error(ew_iam_get_role(&r, &env.c, ROLE, &err), err,
			 "NoSuchEntity", 0);
	assert_aws_error(ew_iam_get_policy(&(struct ew_iam_policy){0}, &env.c,
					   POLICY_ARN, &err),
			 err, "NoSuchEntity", 0);
	assert_aws_error(ew_ecr_describe_repository(&repo, &env.c, "app", &err),
			 err, "RepositoryNotFoundException", 0);
	assert_ok(ew_iam_get_oidc_provider(&pr, &env.c, PROVIDER_ARN, &err),
		  err);
	ew_iam_oidc_provider_release(&pr);
	/* The other role untouched. */
	assert_ok(ew_iam_get_role(&r, &env.c, "OtherDeployRole", &err), err);
	ew_iam_role_release(&r);

	/* Once nobody else trusts it, the provider goes too. */
	assert_ok(ew_iam_delete_role(&env.c, "OtherDeployRole", &err), err);
	{
		struct ew_engine_observer o = observer(&ev);

		assert_ok(
		    ew_engine_init(&e, &env.ctx, &s, &env.c, &o, false, &err),
		    err);
	}
	assert_ok(ew_engine_teardown(&e, false, &err), err);
	assert_int_equal(find(&e, EW_STEP_PROVIDER, -1)->state, EW_STATE_DONE);
	ew_engine_release(&e);
	assert_aws_error(
	    ew_iam_get_oidc_provider(&pr, &env.c, PROVIDER_ARN, &err), err,
	    "NoSuchEntity", 0);
	ew_setup_release(&s);
	ops_env_release(&env);
}

static void test_unmanaged_reused_and_kept(void **state)
{
	const char *trust =
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
	    "\"Action\":\"sts:AssumeRole\"}]}";
	struct ew_ecr_repository_options o = {.tag_mutability = "IMMUTABLE"};
	struct ew_iam_role r = {0};
	struct ops_env env;
	struct ew_setup s;
	struct ew_engine e;
	struct events ev;
	struct ew_error err;

	(void)state;
	ops_env_init(&env);
	moto_reset(&env);
	setup_init(&s);
	/* Made by hand, untagged: the wizard reuses them, never deletes. */
	assert_ok(ew_iam_create_role(&r, &env.c, ROLE, NULL, trust, NULL, 0,
				     NULL, &err),
		  err);
	ew_iam_role_release(&r);
	assert_ok(ew_ecr_create_repository(NULL, &env.c, "app", &o, &err), err);

	assert_ok(run_apply(&e, &env, &s, &ev), e.steps[0].error);
	assert_false(find(&e, EW_STEP_ROLE, -1)->is_managed);
	assert_non_null(strstr(find(&e, EW_STEP_ROLE, -1)->detail, "reused"));
	assert_int_equal(find(&e, EW_STEP_ROLE, -1)->state, EW_STATE_UPDATED);
	/* Settings that differ are reported, not changed. */
	assert_int_equal(find(&e, EW_STEP_REPOSITORY, -1)->state,
			 EW_STATE_UNCHANGED);
	assert_non_null(strstr(find(&e, EW_STEP_REPOSITORY, -1)->detail,
			       "tag mutability is IMMUTABLE (chose MUTABLE)"));
	ew_engine_release(&e);

	{
		struct ew_engine_observer ob = observer(&ev);

		assert_ok(
		    ew_engine_init(&e, &env.ctx, &s, &env.c, &ob, false, &err),
		    err);
	}
	assert_ok(ew_engine_teardown(&e, false, &err), err);
	assert_int_equal(find(&e, EW_STEP_ROLE, -1)->state, EW_STATE_SKIPPED);
	assert_non_null(strstr(find(&e, EW_STEP_ROLE, -1)->detail,
			       "not created by ecr-wizard"));
	assert_int_equal(find(&e, EW_STEP_REPOSITORY, -1)->state,
			 EW_STATE_SKIPPED);
	/* The policy was ours: gone, detached first. */
	assert_int_equal(find(&e, EW_STEP_ATTACH, -1)->state, EW_STATE_DONE);
	assert_int_equal(find(&e, EW_STEP_POLICY, -1)->state, EW_STATE_DONE);
	ew_engine_release(&e);
	assert_ok(ew_iam_get_role(&r, &env.c, ROLE, &err), err);
	ew_iam_role_release(&r);
	ew_setup_release(&s);
	ops_env_release(&env);
}

static void test_environments(void **state)
{
	struct ew_aws_client west;
	struct ew_ecr_repository repo = {0};
	struct ew_iam_role r = {0};
	struct ops_env env;
	struct ew_setup s;
	struct ew_engine e;
	struct events ev;
	struct ew_error err;

	(void)state;
	ops_env_init(&env);
	moto_reset(&env);
	setup_init(&s);
	assert_ok(ew_setup_add_env(&s, "staging:us-west-2:app-staging", &err),
		  err);
	assert_ok(ew_setup_add_env(&s, "production:us-east-1:app-prod", &err),
		  err);
	assert_ok(run_apply(&e, &env, &s, &ev), e.steps[0].error);
	assert_int_equal(e.nsteps, 3 + 5 * 2);
	ew_engine_release(&e);

	/* One role per environment, trusting only that environment. */
	assert_ok(ew_iam_get_role(&r, &env.c, ROLE "-staging", &err), err);
	assert_non_null(
	    strstr(r.trust_document, "repo:octo-org/app:environment:staging"));
	assert_null(strstr(r.trust_document, "production"));
	ew_iam_role_release(&r);
	assert_ok(ew_iam_get_role(&r, &env.c, ROLE "-production", &err), err);
	assert_non_null(strstr(r.trust_document,
			       "repo:octo-org/app:environment:production"));
	ew_iam_role_release(&r);
	/* The staging repository in its own region. */
	ops_client_init(&west, &env.ctx, ops_moto_url(), OPS_AKID, OPS_SECRET);
	snprintf(west.region, sizeof(west.region), "us-west-2");
	snprintf(west.signing_region[EW_SVC_ECR],
		 sizeof(west.signing_region[0]), "us-west-2");
	assert_ok(ew_ecr_describe_repository(&repo, &west, "app-staging", &err),
		  err);
	assert_non_null(strstr(repo.arn, ":us-west-2:"));
	ew_ecr_repository_release(&repo);
	ew_aws_client_release(&west);

	/* Second apply: nothing to do in either environment. */
	assert_ok(run_apply(&e, &env, &s, &ev), e.steps[0].error);
	assert_int_equal(e.result.mutations, 0);
	ew_engine_release(&e);
	ew_setup_release(&s);
	ops_env_release(&env);
}

static void offline_partition(const char *region, const char *partition,
			      const char *audience, const char *suffix)
{
	struct ew_setup s;
	struct ew_engine e;
	struct ew_context ctx;
	struct ew_error err;
	struct ew_buf host;
	char want[256];
	const struct ew_step *st;

	ew_context_init_default(&ctx); /* no transport at all */
	setup_init(&s);
	assert_ok(ew_setup_set_region(&s, region, &err), err);
	assert_ok(ew_setup_set_account(&s, ACCOUNT, &err), err);
	assert_ok(ew_engine_init(&e, &ctx, &s, NULL, NULL, true, &err), err);
	assert_ok(ew_engine_plan(&e, &err), err);
	assert_int_equal(e.result.requests, 0);
	st = find(&e, EW_STEP_ROLE, -1);
	assert_int_equal(st->action, EW_ACTION_CREATE);
	assert_non_null(strstr(st->detail, "not checked"));
	snprintf(want, sizeof(want),
		 "arn:%s:iam::" ACCOUNT
		 ":oidc-provider/token.actions.githubusercontent.com",
		 partition);
	assert_non_null(strstr(st->desired_doc, want));
	snprintf(want, sizeof(want), "\"%s\"", audience);
	assert_non_null(strstr(st->desired_doc, want));
	snprintf(want, sizeof(want), "arn:%s:iam::" ACCOUNT ":role/" ROLE,
		 partition);
	assert_string_equal(st->arn, want);
	snprintf(want, sizeof(want), "arn:%s:ecr:%s:" ACCOUNT ":repository/app",
		 partition, region);
	assert_non_null(
	    strstr(find(&e, EW_STEP_POLICY, -1)->desired_doc, want));
	snprintf(want, sizeof(want), "--client-id-list %s", audience);
	assert_non_null(strstr(find(&e, EW_STEP_PROVIDER, -1)->cli.ptr, want));
	/* apply needs credentials */
	assert_int_equal(ew_engine_apply(&e, &err), EW_ENOCREDS);
	ew_engine_release(&e);
	ew_buf_init(&host);
	assert_ok(ew_setup_registry_host(&host, &s, NULL, &err), err);
	snprintf(want, sizeof(want), ACCOUNT ".dkr.ecr.%s.%s", region, suffix);
	assert_string_equal(host.ptr, want);
	ew_buf_release(&host);
	ew_setup_release(&s);
}

static void test_offline_partitions(void **state)
{
	(void)state;
	offline_partition("us-east-1", "aws", "sts.amazonaws.com",
			  "amazonaws.com");
	offline_partition("cn-north-1", "aws-cn", "sts.amazonaws.com.cn",
			  "amazonaws.com.cn");
	offline_partition("us-gov-west-1", "aws-us-gov", "sts.amazonaws.com",
			  "amazonaws.com");
}

/* --- failures, on the demo account's staged failures ----------------- */

struct demo_env {
	struct ew_context ctx;
	struct ew_transport *t;
	struct ew_aws_client c;
};

static void demo_init(struct demo_env *d, const char *scenario)
{
	struct ew_demo_options o;
	struct ew_credentials cr;
	struct ew_error err;

	ew_context_set_test_knobs(&(struct ew_test_knobs){.scale_retries = true,
							  .retry_scale = 0.01});
	ew_context_init_default(&d->ctx);
	ew_demo_options_init(&o);
	o.scenario = scenario;
	o.latency_scale = 0;
	d->t = ew_demo_transport_new(&o, &err);
	assert_non_null(d->t);
	d->ctx.transport = d->t;
	assert_ok(ew_demo_credentials(&cr, &err), err);
	assert_ok(ew_aws_client_init(&d->c, &d->ctx, &cr, "us-east-1", &err),
		  err);
	ew_credentials_release(&cr);
}

static void demo_release(struct demo_env *d)
{
	ew_aws_client_release(&d->c);
	ew_transport_free(d->t);
}

static void test_failure_skip_and_abort(void **state)
{
	struct demo_env d;
	struct ew_setup s;
	struct ew_engine e;
	struct events ev;
	struct ew_engine_observer o;
	struct ew_error err;
	int rc;

	(void)state;
	/* Skip: the role fails, its attachment is skipped with it, the
	 * rest is done, and the run counts as finished. */
	demo_init(&d, "access-denied");
	setup_init(&s);
	o = observer(&ev);
	ev.decision = EW_DECISION_SKIP;
	assert_ok(ew_engine_init(&e, &d.ctx, &s, &d.c, &o, false, &err), err);
	rc = ew_engine_apply(&e, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(ev.failures, 1);
	assert_int_equal(find(&e, EW_STEP_ROLE, -1)->state, EW_STATE_SKIPPED);
	assert_int_equal(find(&e, EW_STEP_ATTACH, -1)->state, EW_STATE_SKIPPED);
	assert_non_null(strstr(find(&e, EW_STEP_ATTACH, -1)->detail, "needs"));
	assert_int_equal(find(&e, EW_STEP_REPOSITORY, -1)->state,
			 EW_STATE_DONE);
	ew_engine_release(&e);
	ew_setup_release(&s);
	demo_release(&d);

	/* No on_failure (scripts): the failure's code, the error kept. */
	demo_init(&d, "access-denied");
	setup_init(&s);
	o = observer(&ev);
	o.on_failure = NULL;
	assert_ok(ew_engine_init(&e, &d.ctx, &s, &d.c, &o, false, &err), err);
	rc = ew_engine_apply(&e, &err);
	assert_int_equal(rc, EW_EAWS);
	assert_string_equal(err.aws_code, "AccessDenied");
	assert_int_equal(find(&e, EW_STEP_ROLE, -1)->state, EW_STATE_FAILED);
	assert_false(e.result.aborted);
	ew_engine_release(&e);
	ew_setup_release(&s);
	demo_release(&d);

	/* Throttling: retried, reported, then done. */
	demo_init(&d, "throttling");
	setup_init(&s);
	o = observer(&ev);
	assert_ok(ew_engine_init(&e, &d.ctx, &s, &d.c, &o, false, &err), err);
	assert_ok(ew_engine_apply(&e, &err), err);
	assert_true(ev.retries >= 2);
	assert_true(find(&e, EW_STEP_ROLE, -1)->retries >= 1);
	ew_engine_release(&e);
	ew_setup_release(&s);
	demo_release(&d);
}

/* The provider lacking the audience gets it added (moto has no
 * AddClientIDToOpenIDConnectProvider, the simulator does). */
static void test_provider_audience_added(void **state)
{
	const char *aud = "sigstore";
	struct demo_env d;
	struct ew_setup s;
	struct ew_engine e;
	struct events ev;
	struct ew_engine_observer o;
	struct ew_iam_oidc_provider pr = {0};
	struct ew_error err;
	bool has = false;

	(void)state;
	demo_init(&d, NULL);
	setup_init(&s);
	assert_ok(ew_iam_create_oidc_provider(
		      NULL, &d.c, "https://token.actions.githubusercontent.com",
		      &aud, 1, NULL, 0, NULL, &err),
		  err);
	o = observer(&ev);
	assert_ok(ew_engine_init(&e, &d.ctx, &s, &d.c, &o, false, &err), err);
	assert_ok(ew_engine_plan(&e, &err), err);
	assert_int_equal(find(&e, EW_STEP_PROVIDER, -1)->action,
			 EW_ACTION_UPDATE);
	assert_false(find(&e, EW_STEP_PROVIDER, -1)->is_managed);
	assert_non_null(strstr(find(&e, EW_STEP_PROVIDER, -1)->diff.ptr,
			       "+    \"sts.amazonaws.com\""));
	assert_non_null(strstr(find(&e, EW_STEP_PROVIDER, -1)->cli.ptr,
			       "add-client-id-to-open-id-connect-provider"));
	assert_ok(ew_engine_apply(&e, &err), err);
	assert_int_equal(find(&e, EW_STEP_PROVIDER, -1)->state,
			 EW_STATE_UPDATED);
	assert_int_equal(
	    ew_demo_transport_count(d.t, "AddClientIDToOpenIDConnectProvider"),
	    1);
	assert_int_equal(
	    ew_demo_transport_count(d.t, "CreateOpenIDConnectProvider"), 1);
	ew_engine_release(&e);
	assert_ok(ew_iam_get_oidc_provider(&pr, &d.c, PROVIDER_ARN, &err), err);
	for (size_t i = 0; i < pr.client_ids.n; i++)
		has |= strcmp(pr.client_ids.v[i], "sts.amazonaws.com") == 0;
	assert_true(has);
	ew_iam_oidc_provider_release(&pr);
	ew_setup_release(&s);
	demo_release(&d);
}

static void test_cancel_and_account_mismatch(void **state)
{
	struct demo_env d;
	struct ew_setup s;
	struct ew_engine e;
	struct ew_error err;

	(void)state;
	demo_init(&d, NULL);
	setup_init(&s);
	assert_ok(ew_engine_init(&e, &d.ctx, &s, &d.c, NULL, false, &err), err);
	ew_engine_cancel(&e);
	assert_int_equal(ew_engine_apply(&e, &err), EW_ECANCEL);
	assert_int_equal(ew_demo_transport_count(d.t, "CreateRole"), 0);
	ew_engine_release(&e);

	/* --account that is not the credentials' account: nothing more. */
	assert_ok(ew_setup_set_account(&s, "210987654321", &err), err);
	assert_ok(ew_engine_init(&e, &d.ctx, &s, &d.c, NULL, false, &err), err);
	assert_int_equal(ew_engine_apply(&e, &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "210987654321"));
	assert_int_equal(e.result.requests, 1);
	ew_engine_release(&e);
	ew_setup_release(&s);
	demo_release(&d);
}

/*
 * A role and policy another repository set up with the same names: the
 * plan marks both updates as shared; the engine itself refuses them
 * without a choice (whatever the front-end), and with share_role writes
 * the union.
 */
static void test_shared_role_guarded(void **state)
{
	struct ops_env env;
	struct ew_setup other, s;
	struct ew_engine e;
	struct events ev;
	struct ew_iam_role r = {0};
	struct ew_error err;
	int rc;

	(void)state;
	ops_env_init(&env);
	moto_reset(&env);
	setup_init(&other);
	assert_ok(ew_setup_set_github(&other, "octo-org/other", &err), err);
	assert_ok(run_apply(&e, &env, &other, &ev), e.steps[0].error);
	ew_engine_release(&e);

	setup_init(&s);
	{
		struct ew_engine_observer o = observer(&ev);

		assert_ok(
		    ew_engine_init(&e, &env.ctx, &s, &env.c, &o, false, &err),
		    err);
		assert_ok(ew_engine_plan(&e, &err), err);
	}
	assert_non_null(strstr(find(&e, EW_STEP_ROLE, -1)->detail,
			       "DESTRUCTIVE: it also trusts octo-org/other"));
	assert_ptr_equal(ew_engine_conflict(&e, EW_CONFLICT_SHARED),
			 find(&e, EW_STEP_POLICY, -1));
	rc = ew_engine_apply(&e, &err);
	assert_int_not_equal(rc, 0);
	assert_int_equal(find(&e, EW_STEP_ROLE, -1)->conflict,
			 EW_CONFLICT_SHARED);
	assert_string_equal(find(&e, EW_STEP_ROLE, -1)->others,
			    "octo-org/other");
	assert_string_equal(find(&e, EW_STEP_POLICY, -1)->others,
			    "other (us-east-1)");
	assert_true(find(&e, EW_STEP_ROLE, -1)->state == EW_STATE_FAILED ||
		    find(&e, EW_STEP_POLICY, -1)->state == EW_STATE_FAILED);
	assert_non_null(
	    strstr(find(&e, EW_STEP_ROLE, -1)->state == EW_STATE_FAILED
		       ? find(&e, EW_STEP_ROLE, -1)->error.message
		       : find(&e, EW_STEP_POLICY, -1)->error.message,
		   "refused: "));
	ew_engine_release(&e);
	assert_ok(ew_iam_get_role(&r, &env.c, ROLE, &err), err);
	assert_non_null(strstr(r.trust_document, "repo:octo-org/other:*"));
	assert_null(strstr(r.trust_document, "repo:octo-org/app:*"));
	ew_iam_role_release(&r);

	s.share_role = true;
	rc = run_apply(&e, &env, &s, &ev);
	if (rc)
		dump_failures(&e);
	assert_ok(rc, err);
	assert_true(find(&e, EW_STEP_ROLE, -1)->conflict_resolved);
	ew_engine_release(&e);
	memset(&r, 0, sizeof(r));
	assert_ok(ew_iam_get_role(&r, &env.c, ROLE, &err), err);
	assert_non_null(strstr(r.trust_document, "repo:octo-org/other:*"));
	assert_non_null(strstr(r.trust_document, "repo:octo-org/app:*"));
	ew_iam_role_release(&r);
	ew_setup_release(&s);
	ew_setup_release(&other);
	ops_env_release(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fresh_then_second_apply),
	    cmocka_unit_test(test_drift_repaired),
	    cmocka_unit_test(test_policy_version_limit),
	    cmocka_unit_test(test_teardown),
	    cmocka_unit_test(test_unmanaged_reused_and_kept),
	    cmocka_unit_test(test_environments),
	    cmocka_unit_test(test_offline_partitions),
	    cmocka_unit_test(test_failure_skip_and_abort),
	    cmocka_unit_test(test_provider_audience_added),
	    cmocka_unit_test(test_cancel_and_account_mismatch),
	    cmocka_unit_test(test_shared_role_guarded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
