/*
 * Integration tests: the demo account driven through the real AWS client
 * (SigV4 signing, retries, error parsing) and the typed operations of
 * sts.h, iam.h and ecr.h - the same path `ecr-wizard --demo` takes.
 * Latency 0; the client's back-offs are scaled down through the context.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_client.h"
#include "context.h"
#include "demo_account.h"
#include "ecr.h"
#include "iam.h"
#include "sts.h"
#include "tags.h"

#define PROVIDER_URL "https://token.actions.githubusercontent.com"
#define PROVIDER_ARN                                                           \
	"arn:aws:iam::123456789012:oidc-provider/"                             \
	"token.actions.githubusercontent.com"
#define ROLE	   "GitHubActions-ECR-Role"
#define POLICY	   "GitHubActions-ECR-Policy"
#define POLICY_ARN "arn:aws:iam::123456789012:policy/GitHubActions-ECR-Policy"

static const char trust_doc[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Principal\":{\"Federated\":\"" PROVIDER_ARN "\"},"
    "\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{"
    "\"StringEquals\":{\"token.actions.githubusercontent.com:aud\":"
    "\"sts.amazonaws.com\"},\"StringLike\":{"
    "\"token.actions.githubusercontent.com:sub\":\"repo:octo/app:*\"}}}]}";

static const char push_doc[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Action\":\"ecr:GetAuthorizationToken\",\"Resource\":\"*\"},{"
    "\"Effect\":\"Allow\",\"Action\":[\"ecr:PutImage\"],\"Resource\":"
    "\"arn:aws:ecr:us-east-1:123456789012:repository/app\"}]}";

static const char lifecycle_doc[] =
    "{\"rules\":[{\"rulePriority\":1,\"description\":\"Keep the last 10 "
    "images\",\"selection\":{\"tagStatus\":\"any\",\"countType\":"
    "\"imageCountMoreThan\",\"countNumber\":10},\"action\":{\"type\":"
    "\"expire\"}}]}";

struct env {
	struct ew_context ctx;
	struct ew_transport *t;
	struct ew_aws_client c;
	struct ew_error err;
	int retries;
};

static time_t fixed_now(void *payload)
{
	(void)payload;
	return 1705320000; /* 2024-01-15T12:00:00Z */
}

/* An empty environment. */
static const char *test_getenv(const char *name, void *payload)
{
	(void)name;
	(void)payload;
	return NULL;
}

static void count_retry(const struct ew_retry_event *ev, void *payload)
{
	struct env *e = payload;

	(void)ev;
	e->retries++;
}

static void env_init_scale(struct env *e, const char *scenario, double scale)
{
	struct ew_demo_options o;
	struct ew_credentials cr;

	memset(e, 0, sizeof(*e));
	ew_demo_options_init(&o);
	o.scenario = scenario;
	o.latency_scale = scale;
	e->t = ew_demo_transport_new(&o, &e->err);
	assert_non_null(e->t);
	ew_context_init_default(&e->ctx);
	e->ctx.transport = e->t;
	e->ctx.now = fixed_now;
	e->ctx.getenv = test_getenv;
	/* The client reads its back-off scale through the context. */
	e->ctx.scale_retries = true;
	e->ctx.retry_scale = 0.001;
	assert_int_equal(ew_demo_credentials(&cr, &e->err), 0);
	assert_int_equal(
	    ew_aws_client_init(&e->c, &e->ctx, &cr, "us-east-1", &e->err), 0);
	ew_credentials_release(&cr);
	e->c.on_retry = count_retry;
	e->c.payload = e;
}

static void env_init(struct env *e, const char *scenario)
{
	env_init_scale(e, scenario, 0);
}

static void env_release(struct env *e)
{
	ew_aws_client_release(&e->c);
	ew_transport_free(e->t);
}

static void assert_aws(const struct env *e, int rc, long status,
		       const char *code)
{
	if (rc != EW_EAWS || strcmp(e->err.aws_code, code) != 0)
		fail_msg("expected %s, got rc %d aws_code '%s': %s", code, rc,
			 e->err.aws_code, e->err.message);
	assert_int_equal(e->err.http_status, status);
	assert_true(strlen(e->err.request_id) > 30);
}

static void managed_tags(struct ew_tags *t)
{
	ew_tags_init(t);
	assert_int_equal(
	    ew_tags_add(t, EW_TAG_MANAGED_BY_KEY, EW_TAG_MANAGED_BY_VALUE), 0);
}

static void create_provider(struct env *e)
{
	const char *aud[] = {"sts.amazonaws.com"};
	struct ew_tags tags;
	char *arn = NULL;

	managed_tags(&tags);
	assert_int_equal(ew_iam_create_oidc_provider(&arn, &e->c, PROVIDER_URL,
						     aud, 1, NULL, 0, &tags,
						     &e->err),
			 0);
	assert_string_equal(arn, PROVIDER_ARN);
	free(arn);
	ew_tags_release(&tags);
}

static void test_happy_path(void **state)
{
	struct ew_iam_oidc_provider prov;
	struct ew_iam_policy pol;
	struct ew_iam_role role;
	struct ew_iam_attached_policies att;
	struct ew_iam_list arns;
	struct ew_ecr_repository repo;
	struct ew_ecr_repository_options ro;
	struct ew_caller_identity id;
	struct ew_tags tags;
	struct env e;
	char *text = NULL;
	bool has = true;
	int rc;

	(void)state;
	env_init(&e, NULL);
	assert_int_equal(ew_sts_get_caller_identity(&id, &e.c, &e.err), 0);
	assert_string_equal(id.account, EW_DEMO_ACCOUNT);
	assert_string_equal(id.arn, EW_DEMO_CALLER_ARN);

	/* provider */
	assert_int_equal(ew_iam_list_oidc_providers(&arns, &e.c, &e.err), 0);
	assert_int_equal(arns.n, 0);
	ew_iam_list_release(&arns);
	create_provider(&e);
	memset(&prov, 0, sizeof(prov));
	assert_int_equal(
	    ew_iam_get_oidc_provider(&prov, &e.c, PROVIDER_ARN, &e.err), 0);
	assert_string_equal(prov.url, "token.actions.githubusercontent.com");
	assert_int_equal(prov.client_ids.n, 1);
	assert_true(ew_tags_is_managed(&prov.tags));
	ew_iam_oidc_provider_release(&prov);

	/* policy */
	managed_tags(&tags);
	memset(&pol, 0, sizeof(pol));
	assert_int_equal(ew_iam_create_policy(&pol, &e.c, POLICY, NULL,
					      push_doc, NULL, &tags, &e.err),
			 0);
	assert_string_equal(pol.arn, POLICY_ARN);
	assert_string_equal(pol.default_version_id, "v1");
	ew_iam_policy_release(&pol);

	/* role */
	memset(&role, 0, sizeof(role));
	assert_int_equal(ew_iam_create_role(&role, &e.c, ROLE, NULL, trust_doc,
					    "push images", 0, &tags, &e.err),
			 0);
	assert_string_equal(role.arn, "arn:aws:iam::123456789012:role/" ROLE);
	ew_iam_role_release(&role);
	memset(&role, 0, sizeof(role));
	assert_int_equal(ew_iam_get_role(&role, &e.c, ROLE, &e.err), 0);
	/* the real decoder undoes the simulator's percent-encoding */
	assert_string_equal(role.trust_document, trust_doc);
	assert_int_equal(role.max_session_duration, 3600);
	assert_true(ew_tags_is_managed(&role.tags));
	ew_iam_role_release(&role);

	/* attach */
	assert_int_equal(
	    ew_iam_attach_role_policy(&e.c, ROLE, POLICY_ARN, &e.err), 0);
	memset(&att, 0, sizeof(att));
	assert_int_equal(
	    ew_iam_list_attached_role_policies(&att, &e.c, ROLE, &e.err), 0);
	assert_int_equal(att.n, 1);
	assert_string_equal(att.v[0].arn, POLICY_ARN);
	ew_iam_attached_policies_release(&att);

	/* repository */
	memset(&ro, 0, sizeof(ro));
	ro.tag_mutability = "IMMUTABLE";
	ro.scan_on_push = true;
	ro.tags = &tags;
	memset(&repo, 0, sizeof(repo));
	assert_int_equal(
	    ew_ecr_create_repository(&repo, &e.c, "app", &ro, &e.err), 0);
	assert_string_equal(repo.uri,
			    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app");
	ew_ecr_repository_release(&repo);
	memset(&repo, 0, sizeof(repo));
	assert_int_equal(ew_ecr_describe_repository(&repo, &e.c, "app", &e.err),
			 0);
	assert_string_equal(repo.tag_mutability, "IMMUTABLE");
	assert_true(repo.scan_on_push);
	assert_string_equal(repo.encryption_type, "AES256");
	ew_ecr_repository_release(&repo);
	ew_tags_release(&tags);
	assert_int_equal(ew_ecr_list_tags(&tags, &e.c,
					  "arn:aws:ecr:us-east-1:123456789012:"
					  "repository/app",
					  &e.err),
			 0);
	assert_true(ew_tags_is_managed(&tags));
	ew_tags_release(&tags);
	assert_int_equal(ew_ecr_has_images(&has, &e.c, "app", &e.err), 0);
	assert_false(has);

	/* lifecycle */
	rc = ew_ecr_get_lifecycle_policy(&text, &e.c, "app", &e.err);
	assert_aws(&e, rc, 400, "LifecyclePolicyNotFoundException");
	assert_int_equal(
	    ew_ecr_put_lifecycle_policy(&e.c, "app", lifecycle_doc, &e.err), 0);
	assert_int_equal(
	    ew_ecr_get_lifecycle_policy(&text, &e.c, "app", &e.err), 0);
	assert_string_equal(text, lifecycle_doc);
	free(text);

	/* a second run finds everything */
	rc = ew_iam_create_oidc_provider(NULL, &e.c, PROVIDER_URL,
					 (const char *[]){"sts.amazonaws.com"},
					 1, NULL, 0, NULL, &e.err);
	assert_aws(&e, rc, 409, "EntityAlreadyExists");
	assert_string_equal(e.err.message, "Provider with url " PROVIDER_URL
					   " already exists.");
	memset(&role, 0, sizeof(role));
	rc = ew_iam_create_role(&role, &e.c, ROLE, NULL, trust_doc, NULL, 0,
				NULL, &e.err);
	assert_aws(&e, rc, 409, "EntityAlreadyExists");
	assert_string_equal(e.err.message,
			    "Role with name " ROLE " already exists.");
	ew_iam_role_release(&role);
	rc = ew_ecr_create_repository(NULL, &e.c, "app", NULL, &e.err);
	assert_aws(&e, rc, 400, "RepositoryAlreadyExistsException");
	rc = ew_ecr_describe_repository(&repo, &e.c, "nope", &e.err);
	assert_aws(&e, rc, 400, "RepositoryNotFoundException");
	assert_string_equal(e.err.message,
			    "The repository with name 'nope' does not exist in "
			    "the registry with id '123456789012'");
	memset(&role, 0, sizeof(role));
	rc = ew_iam_get_role(&role, &e.c, "nope", &e.err);
	assert_aws(&e, rc, 404, "NoSuchEntity");
	ew_iam_role_release(&role);

	/* the client counted what the simulator saw, no retries */
	assert_int_equal(e.retries, 0);
	assert_int_equal(e.c.requests, ew_demo_transport_count(e.t, NULL));
	env_release(&e);
}

static void test_policy_version_limit(void **state)
{
	struct ew_iam_policy_versions vs;
	struct ew_iam_policy_version v;
	struct ew_iam_policy pol;
	struct env e;
	unsigned before;
	int rc;

	(void)state;
	env_init(&e, NULL);
	memset(&pol, 0, sizeof(pol));
	assert_int_equal(ew_iam_create_policy(&pol, &e.c, POLICY, NULL,
					      push_doc, NULL, NULL, &e.err),
			 0);
	ew_iam_policy_release(&pol);
	for (int i = 0; i < 4; i++)
		assert_int_equal(
		    ew_iam_create_policy_version(NULL, &e.c, POLICY_ARN,
						 push_doc, true, &e.err),
		    0);
	before = e.c.requests;
	rc = ew_iam_create_policy_version(NULL, &e.c, POLICY_ARN, push_doc,
					  true, &e.err);
	assert_aws(&e, rc, 409, "LimitExceeded");
	/* a quota, not throttling: never retried */
	assert_int_equal(e.c.requests, before + 1);
	assert_int_equal(e.retries, 0);

	memset(&vs, 0, sizeof(vs));
	assert_int_equal(
	    ew_iam_list_policy_versions(&vs, &e.c, POLICY_ARN, &e.err), 0);
	assert_int_equal(vs.n, 5);
	assert_string_equal(vs.v[0].version_id, "v5");
	assert_true(vs.v[0].is_default);
	ew_iam_policy_versions_release(&vs);
	rc = ew_iam_delete_policy_version(&e.c, POLICY_ARN, "v5", &e.err);
	assert_aws(&e, rc, 409, "DeleteConflict");
	assert_int_equal(
	    ew_iam_delete_policy_version(&e.c, POLICY_ARN, "v1", &e.err), 0);
	memset(&v, 0, sizeof(v));
	assert_int_equal(ew_iam_create_policy_version(&v, &e.c, POLICY_ARN,
						      push_doc, true, &e.err),
			 0);
	assert_string_equal(v.version_id, "v6");
	ew_iam_policy_version_release(&v);
	memset(&v, 0, sizeof(v));
	assert_int_equal(
	    ew_iam_get_policy_version(&v, &e.c, POLICY_ARN, "v6", &e.err), 0);
	assert_string_equal(v.document, push_doc);
	ew_iam_policy_version_release(&v);
	rc = ew_iam_create_policy_version(NULL, &e.c, POLICY_ARN,
					  "{\"a\":", true, &e.err);
	assert_aws(&e, rc, 409, "LimitExceeded");
	env_release(&e);
}

static void test_access_denied(void **state)
{
	struct ew_iam_role role;
	struct env e;
	int rc;

	(void)state;
	env_init(&e, "access-denied");
	create_provider(&e);
	memset(&role, 0, sizeof(role));
	rc = ew_iam_create_role(&role, &e.c, ROLE, NULL, trust_doc, NULL, 0,
				NULL, &e.err);
	assert_aws(&e, rc, 403, "AccessDenied");
	assert_string_equal(
	    e.err.message,
	    "User: arn:aws:iam::123456789012:user/demo-presenter is not "
	    "authorized to perform: iam:CreateRole on resource: "
	    "arn:aws:iam::123456789012:role/" ROLE " because no identity-based "
	    "policy allows the iam:CreateRole action");
	assert_string_equal(e.err.operation, "CreateRole");
	assert_int_equal(e.retries, 0);
	ew_iam_role_release(&role);
	env_release(&e);
}

static void test_provider_exists(void **state)
{
	struct ew_iam_oidc_provider prov;
	struct ew_iam_list arns;
	struct env e;
	int rc;

	(void)state;
	env_init(&e, "provider-exists");
	assert_int_equal(ew_iam_list_oidc_providers(&arns, &e.c, &e.err), 0);
	assert_int_equal(arns.n, 1);
	assert_string_equal(arns.v[0], PROVIDER_ARN);
	ew_iam_list_release(&arns);
	memset(&prov, 0, sizeof(prov));
	assert_int_equal(
	    ew_iam_get_oidc_provider(&prov, &e.c, PROVIDER_ARN, &e.err), 0);
	assert_false(ew_tags_is_managed(&prov.tags));
	assert_int_equal(prov.thumbprints.n, 1);
	ew_iam_oidc_provider_release(&prov);
	rc = ew_iam_create_oidc_provider(NULL, &e.c, PROVIDER_URL,
					 (const char *[]){"sts.amazonaws.com"},
					 1, NULL, 0, NULL, &e.err);
	assert_aws(&e, rc, 409, "EntityAlreadyExists");
	env_release(&e);
}

static void test_role_drift(void **state)
{
	struct ew_iam_role role;
	struct env e;

	(void)state;
	env_init(&e, "role-drift");
	memset(&role, 0, sizeof(role));
	assert_int_equal(ew_iam_get_role(&role, &e.c, ROLE, &e.err), 0);
	assert_true(ew_tags_is_managed(&role.tags));
	assert_non_null(strstr(role.trust_document,
			       "repo:example-org/legacy-app:ref:refs/heads/"
			       "main"));
	ew_iam_role_release(&role);
	assert_int_equal(
	    ew_iam_update_assume_role_policy(&e.c, ROLE, trust_doc, &e.err), 0);
	memset(&role, 0, sizeof(role));
	assert_int_equal(ew_iam_get_role(&role, &e.c, ROLE, &e.err), 0);
	assert_string_equal(role.trust_document, trust_doc);
	ew_iam_role_release(&role);
	env_release(&e);
}

static void test_throttling(void **state)
{
	struct ew_iam_role role;
	struct env e;

	(void)state;
	env_init(&e, "throttling");
	create_provider(&e);
	memset(&role, 0, sizeof(role));
	assert_int_equal(ew_iam_create_role(&role, &e.c, ROLE, NULL, trust_doc,
					    NULL, 0, NULL, &e.err),
			 0);
	ew_iam_role_release(&role);
	assert_int_equal(e.retries, 2);
	assert_int_equal(ew_demo_transport_count(e.t, "CreateRole"), 3);
	assert_int_equal(
	    ew_ecr_create_repository(NULL, &e.c, "app", NULL, &e.err), 0);
	assert_int_equal(e.retries, 4);
	assert_int_equal(ew_demo_transport_count(e.t, "CreateRepository"), 3);
	env_release(&e);
}

static void test_expired_token(void **state)
{
	struct ew_caller_identity id;
	struct ew_ecr_repository repo;
	struct env e;
	int rc;

	(void)state;
	env_init(&e, "expired-token");
	rc = ew_sts_get_caller_identity(&id, &e.c, &e.err);
	assert_aws(&e, rc, 403, "ExpiredToken");
	assert_string_equal(e.err.message, "The security token included in "
					   "the request is expired");
	memset(&repo, 0, sizeof(repo));
	rc = ew_ecr_describe_repository(&repo, &e.c, "app", &e.err);
	assert_aws(&e, rc, 400, "ExpiredTokenException");
	ew_ecr_repository_release(&repo);
	env_release(&e);
}

static void test_repository_exists(void **state)
{
	struct ew_ecr_repository repo;
	struct ew_tags tags;
	struct env e;
	bool has = false;
	int rc;

	(void)state;
	env_init(&e, "repository-exists");
	rc = ew_ecr_create_repository(NULL, &e.c, "app", NULL, &e.err);
	assert_aws(&e, rc, 400, "RepositoryAlreadyExistsException");
	memset(&repo, 0, sizeof(repo));
	assert_int_equal(ew_ecr_describe_repository(&repo, &e.c, "app", &e.err),
			 0);
	assert_string_equal(repo.tag_mutability, "MUTABLE");
	assert_false(repo.scan_on_push);
	assert_int_equal(ew_ecr_list_tags(&tags, &e.c, repo.arn, &e.err), 0);
	assert_false(ew_tags_is_managed(&tags));
	ew_tags_release(&tags);
	ew_ecr_repository_release(&repo);
	assert_int_equal(ew_ecr_has_images(&has, &e.c, "app", &e.err), 0);
	assert_true(has);
	rc = ew_ecr_delete_repository(&e.c, "app", false, &e.err);
	assert_aws(&e, rc, 400, "RepositoryNotEmptyException");
	env_release(&e);
}

static void test_existing_policies(void **state)
{
	struct ew_iam_policy_version v;
	struct ew_iam_policy pol;
	struct env e;
	int rc;

	(void)state;
	env_init(&e, "limit-exceeded");
	memset(&pol, 0, sizeof(pol));
	rc = ew_iam_create_policy(&pol, &e.c, POLICY, NULL, push_doc, NULL,
				  NULL, &e.err);
	assert_aws(&e, rc, 409, "EntityAlreadyExists");
	ew_iam_policy_release(&pol);
	rc = ew_iam_create_policy_version(NULL, &e.c, POLICY_ARN, push_doc,
					  true, &e.err);
	assert_aws(&e, rc, 409, "LimitExceeded");
	env_release(&e);

	env_init(&e, "drift-policy");
	memset(&pol, 0, sizeof(pol));
	assert_int_equal(ew_iam_get_policy(&pol, &e.c, POLICY_ARN, &e.err), 0);
	assert_true(ew_tags_is_managed(&pol.tags));
	memset(&v, 0, sizeof(v));
	assert_int_equal(ew_iam_get_policy_version(&v, &e.c, POLICY_ARN,
						   pol.default_version_id,
						   &e.err),
			 0);
	assert_non_null(strstr(v.document, "repository/legacy-app"));
	ew_iam_policy_version_release(&v);
	ew_iam_policy_release(&pol);
	env_release(&e);
}

static void test_assume_role(void **state)
{
	struct ew_caller_identity id;
	struct ew_aws_client c2;
	struct ew_credentials cr;
	struct env e;

	(void)state;
	env_init(&e, NULL);
	assert_int_equal(ew_sts_assume_role(&cr, &e.c,
					    "arn:aws:iam::123456789012:role/"
					    "OrganizationAccountAccessRole",
					    "demo", 0, NULL, &e.err),
			 0);
	assert_non_null(cr.session_token);
	assert_int_equal(cr.expiration, 1705320000 + 3600);
	assert_int_equal(
	    ew_aws_client_init(&c2, &e.ctx, &cr, "us-east-1", &e.err), 0);
	assert_int_equal(ew_sts_get_caller_identity(&id, &c2, &e.err), 0);
	assert_string_equal(id.arn, "arn:aws:sts::123456789012:assumed-role/"
				    "OrganizationAccountAccessRole/demo");
	ew_aws_client_release(&c2);
	ew_credentials_release(&cr);
	env_release(&e);
}

static void *cancel_soon(void *arg)
{
	struct timespec ts = {0, 30 * 1000000L};

	nanosleep(&ts, NULL);
	ew_cancel_request(arg);
	return NULL;
}

static void test_cancel(void **state)
{
	struct ew_caller_identity id;
	struct ew_cancel cx;
	struct env e;
	pthread_t th;
	int rc;

	(void)state;
	/* at least 6 s of simulated latency, cancelled after 30 ms */
	env_init_scale(&e, NULL, 100);
	ew_cancel_init(&cx);
	e.c.cancel = &cx;
	pthread_create(&th, NULL, cancel_soon, &cx);
	rc = ew_sts_get_caller_identity(&id, &e.c, &e.err);
	pthread_join(th, NULL);
	assert_int_equal(rc, EW_ECANCEL);
	ew_cancel_release(&cx);
	env_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_happy_path),
	    cmocka_unit_test(test_policy_version_limit),
	    cmocka_unit_test(test_access_denied),
	    cmocka_unit_test(test_provider_exists),
	    cmocka_unit_test(test_role_drift),
	    cmocka_unit_test(test_throttling),
	    cmocka_unit_test(test_expired_token),
	    cmocka_unit_test(test_repository_exists),
	    cmocka_unit_test(test_existing_policies),
	    cmocka_unit_test(test_assume_role),
	    cmocka_unit_test(test_cancel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
