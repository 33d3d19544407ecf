/*
 * Unit tests: the troubleshooting table.  Every entry has at least one
 * real-world message (docs/troubleshooting.md, docs/aws-wire.md 4.3 and 5)
 * that it is the FIRST match for, so no entry shadows another.
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
#include "error.h"
#include "explain.h"
#include "knowledge.h"

#include <dirent.h>
#include <fnmatch.h>

#define ASSUME_MSG                                                             \
	"Could not assume role with OIDC: Not authorized to perform "          \
	"sts:AssumeRoleWithWebIdentity"

struct sample {
	const char *id;
	const char *text;
	const char *code; /* AWS error code, for structured samples */
	const char *op;
	struct ew_knowledge_values v;
};

static const struct sample samples[] = {
    /* the sub-mismatch family: one STS text, told apart by the facts */
    {"sub-mismatch-org-template",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:acme/app:environment:prod:job_workflow_ref:acme/"
		 "automation/.github/workflows/x.yml@refs/heads/main",
      .trusted_sub = "repo:acme/app:environment:prod"}},
    {"sub-mismatch-org-template",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repository_owner:acme"}},
    {"sub-mismatch-immutable-id",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main",
      .trusted_sub = "repo:octo-org/octo-repo:ref:refs/heads/main"}},
    {"sub-mismatch-owner-casing",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:Acme/App:ref:refs/heads/main",
      .trusted_sub = "repo:acme/app:ref:refs/heads/main"}},
    {"sub-mismatch-environment",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:acme/app:environment:prod",
      .trusted_sub = "repo:acme/app:ref:refs/heads/main"}},
    {"sub-mismatch-environment",
     "Not authorized to perform sts:AssumeRoleWithWebIdentity",
     "AccessDenied",
     "AssumeRoleWithWebIdentity",
     {.job_sub = "repo:acme/app:environment:Production%3AV1"}},
    {"sub-mismatch-pull-request",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:acme/app:pull_request",
      .trusted_sub = "repo:acme/app:ref:refs/heads/*"}},
    {"sub-mismatch-tag",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:acme/app:ref:refs/tags/v1.2.3",
      .trusted_sub = "repo:acme/app:ref:refs/heads/main"}},
    {"sub-mismatch-branch",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:acme/app:ref:refs/heads/feature/x",
      .trusted_sub = "repo:acme/app:ref:refs/heads/main\n"
		     "repo:acme/app:environment:prod"}},
    {"sub-wildcard-string-equals",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:acme/app:ref:refs/heads/main",
      .trusted_sub = "repo:acme/app:*"}},
    {"role-named-github-actions",
     ASSUME_MSG,
     NULL,
     NULL,
     {.role_arn = "arn:aws:iam::123456789012:role/GitHubActions",
      .job_sub = "repo:acme/app:ref:refs/heads/main",
      .trusted_sub = "repo:acme/app:ref:refs/heads/main"}},
    {"role-named-github-actions",
     ASSUME_MSG,
     NULL,
     NULL,
     {.role = "GitHubActions"}},
    {"assume-role-oidc-denied", ASSUME_MSG, NULL, NULL, {0}},
    {"assume-role-oidc-denied",
     ASSUME_MSG,
     NULL,
     NULL,
     {.job_sub = "repo:acme/app:ref:refs/heads/main",
      .trusted_sub = "repo:acme/app:ref:refs/heads/main",
      .role = "GitHubActions-ECR-Role"}},
    {"sts-tag-session",
     "User: arn:aws:sts::123456789012:assumed-role/gha-base/GitHubActions "
     "is not authorized to perform: sts:TagSession on resource: "
     "arn:aws:iam::123456789012:role/deploy",
     NULL,
     NULL,
     {0}},
    {"ecr-get-authorization-token-scoped",
     "User: arn:aws:sts::123456789012:assumed-role/gha/GitHubActions is not "
     "authorized to perform: ecr:GetAuthorizationToken on resource: * "
     "because no identity-based policy allows the "
     "ecr:GetAuthorizationToken action",
     NULL,
     NULL,
     {0}},
    {"push-denied-cross-account",
     "denied: User: arn:aws:sts::111122223333:assumed-role/gha/GitHubActions "
     "is not authorized to perform: ecr:InitiateLayerUpload on resource: "
     "arn:aws:ecr:us-east-1:444455556666:repository/app because no "
     "resource-based policy allows the ecr:InitiateLayerUpload action",
     NULL,
     NULL,
     {0}},
    {"push-denied",
     "denied: User: arn:aws:sts::123456789012:assumed-role/role/"
     "GitHubActions is not authorized to perform: ecr:InitiateLayerUpload "
     "on resource: arn:aws:ecr:eu-west-1:123456789012:repository/app "
     "because no identity-based policy allows the ecr:InitiateLayerUpload "
     "action",
     NULL,
     NULL,
     {0}},
    {"push-denied",
     "denied: User: arn:aws:sts::123456789012:assumed-role/r/s is not "
     "authorized to perform: ecr:PutImage on resource: "
     "arn:aws:ecr:eu-west-1:123456789012:repository/app",
     NULL,
     NULL,
     {0}},
    /* the OIDC exchange */
    {"id-token-dependabot",
     "Credentials could not be loaded, please check your action inputs: "
     "Could not load credentials from any providers",
     NULL,
     NULL,
     {.actor = "dependabot[bot]"}},
    {"id-token-fork-pr",
     "Credentials could not be loaded, please check your action inputs: "
     "Could not load credentials from any providers",
     NULL,
     NULL,
     {.job_sub = "repo:acme/app:pull_request"}},
    {"id-token-permission-missing",
     "Credentials could not be loaded, please check your action inputs: "
     "Could not load credentials from any providers",
     NULL,
     NULL,
     {0}},
    {"id-token-permission-missing",
     "It looks like you might be trying to authenticate with OIDC. Did you "
     "mean to set the `id-token` permission? If you are not trying to "
     "authenticate with OIDC and the action is working successfully, you "
     "can ignore this message.",
     NULL,
     NULL,
     {0}},
    {"oidc-provider-not-found",
     "Could not assume role with OIDC: No OpenIDConnect provider found in "
     "your account for https://token.actions.githubusercontent.com",
     NULL,
     NULL,
     {0}},
    {"oidc-incorrect-audience",
     "Could not assume role with OIDC: Incorrect token audience",
     NULL,
     NULL,
     {0}},
    {"oidc-thumbprint-mismatch",
     "Could not assume role with OIDC: OpenIDConnect provider's HTTPS "
     "certificate doesn't match configured thumbprint",
     NULL,
     NULL,
     {0}},
    {"oidc-idp-communication-error",
     "Could not connect to the OpenID Connect identity provider",
     "OpenIdIdpCommunicationError",
     "CreateOpenIDConnectProvider",
     {0}},
    {"oidc-idp-communication-error",
     "Could not assume role with OIDC: Couldn't retrieve verification key "
     "from your identity provider,  please reference "
     "AssumeRoleWithWebIdentity documentation for requirements",
     NULL,
     NULL,
     {0}},
    {"request-arn-invalid",
     "Could not assume role with OIDC: Request ARN is invalid",
     NULL,
     NULL,
     {0}},
    {"request-arn-invalid",
     "ValidationError: Request ARN is invalid",
     NULL,
     NULL,
     {0}},
    {"duration-exceeds-max-session",
     "Could not assume role with OIDC: The requested DurationSeconds exceeds "
     "the MaxSessionDuration set for this role.",
     NULL,
     NULL,
     {0}},
    /* the caller's credentials */
    {"region-disabled",
     "An error occurred (RegionDisabledException) when calling the "
     "GetCallerIdentity operation: STS is not activated in this region for "
     "account:123456789012.",
     NULL,
     NULL,
     {0}},
    {"expired-token",
     "An error occurred (ExpiredToken) when calling the GetCallerIdentity "
     "operation: The security token included in the request is expired",
     NULL,
     NULL,
     {0}},
    {"expired-token",
     "The security token included in the request is expired",
     "ExpiredTokenException",
     "DescribeRepositories",
     {0}},
    {"invalid-client-token-id",
     "Could not assume role with OIDC: The security token included in the "
     "request is invalid",
     NULL,
     NULL,
     {0}},
    {"invalid-client-token-id",
     "The security token included in the request is invalid.",
     "UnrecognizedClientException",
     "CreateRepository",
     {0}},
    {"signature-does-not-match",
     "An error occurred (SignatureDoesNotMatch) when calling the "
     "GetCallerIdentity operation: The request signature we calculated does "
     "not match the signature you provided. Check your AWS Secret Access Key "
     "and signing method.",
     NULL,
     NULL,
     {0}},
    {"clock-skew",
     "An error occurred (RequestExpired) when calling the CreateRole "
     "operation: Request has expired.",
     NULL,
     NULL,
     {0}},
    {"clock-skew",
     "Signature expired: 20260115T120000Z is now earlier than "
     "20260115T121000Z (20260115T122000Z - 5 min.)",
     NULL,
     NULL,
     {0}},
    {"no-credentials",
     "Unable to locate credentials. You can configure credentials by running "
     "\"aws configure\".",
     NULL,
     NULL,
     {0}},
    /* ECR and docker */
    {"repository-uri-as-name",
     "name unknown: The repository with name "
     "'123456789012.dkr.ecr.us-east-1.amazonaws.com/app' does not exist in "
     "the registry with id '123456789012'",
     NULL,
     NULL,
     {0}},
    {"repository-uri-as-name",
     "name unknown: The repository with name 'public.ecr.aws/acme/app' does "
     "not exist in the registry with id '123456789012'",
     NULL,
     NULL,
     {0}},
    {"repository-not-found",
     "name unknown: The repository with name 'my-app' does not exist in the "
     "registry with id '123456789012'",
     NULL,
     NULL,
     {0}},
    {"repository-not-found",
     "The repository with name 'x' does not exist in the registry with id "
     "'123456789012'",
     "RepositoryNotFoundException",
     "DescribeRepositories",
     {0}},
    {"no-basic-auth-credentials", "no basic auth credentials", NULL, NULL, {0}},
    {"no-basic-auth-credentials",
     "denied: Your authorization token has expired. Reauthenticate and try "
     "again.",
     NULL,
     NULL,
     {0}},
    {"immutable-tag",
     "tag invalid: The image tag 'latest' already exists in the 'my-app' "
     "repository and cannot be overwritten because the repository is "
     "immutable.",
     NULL,
     NULL,
     {0}},
    {"ecr-public-region",
     "Error: getaddrinfo ENOTFOUND api.ecr-public.eu-west-1.amazonaws.com",
     NULL,
     NULL,
     {0}},
    {"region-missing", "Error: Region is missing", NULL, NULL, {0}},
    {"masked-outputs",
     "Warning: Skip output 'registry' since it may contain secret.",
     NULL,
     NULL,
     {0}},
    {"masked-outputs",
     "Error parsing reference: \"***.dkr.ecr.us-east-1.amazonaws.com/app:"
     "latest\" is not a valid repository/tag: invalid reference format",
     NULL,
     NULL,
     {0}},
    {"lambda-manifest-media-type",
     "InvalidParameterValueException: The image manifest, config or layer "
     "media type for the source image "
     "123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:latest is not "
     "supported.",
     NULL,
     NULL,
     {0}},
    /* conflicts and limits */
    {"provider-already-exists",
     "EntityAlreadyExists: Provider with url "
     "https://token.actions.githubusercontent.com already exists.",
     NULL,
     NULL,
     {0}},
    {"provider-already-exists",
     "",
     "EntityAlreadyExists",
     "CreateOpenIDConnectProvider",
     {0}},
    {"role-already-exists",
     "EntityAlreadyExists: Role with name gha-ecr already exists.",
     NULL,
     NULL,
     {0}},
    {"policy-already-exists",
     "EntityAlreadyExists: A policy called GitHubActions-ECR-Policy already "
     "exists. Duplicate names are not allowed.",
     NULL,
     NULL,
     {0}},
    {"entity-already-exists", "", "EntityAlreadyExists", "TagRole", {0}},
    {"repository-already-exists",
     "RepositoryAlreadyExistsException: The repository with name 'my-app' "
     "already exists in the registry with id '123456789012'",
     NULL,
     NULL,
     {0}},
    {"throttling", "Rate exceeded", "Throttling", "GetRole", {0}},
    {"throttling",
     "An error occurred (ThrottlingException) when calling the "
     "DescribeRepositories operation (reached max retries: 2): Rate exceeded",
     NULL,
     NULL,
     {0}},
    {"throttling",
     "RequestLimitExceeded: Request limit exceeded.",
     NULL,
     NULL,
     {0}},
    {"service-unavailable",
     "ServiceUnavailable: Service is unable to handle request.",
     NULL,
     NULL,
     {0}},
    {"service-unavailable",
     "We encountered an internal error.",
     "ServiceFailure",
     "CreateRole",
     {0}},
    {"service-unavailable",
     "unexpected response from iam (HTTP 503): <html>busy</html>",
     NULL,
     NULL,
     {0}},
    {"policy-version-limit",
     "LimitExceeded: A managed policy can have up to 5 versions. Before you "
     "create a new version, you must delete an existing version.",
     NULL,
     NULL,
     {0}},
    {"limit-exceeded",
     "Cannot exceed quota for PoliciesPerRole: 10",
     "LimitExceeded",
     "AttachRolePolicy",
     {0}},
    {"limit-exceeded",
     "LimitExceededException: The maximum number of repositories has been "
     "reached.",
     NULL,
     NULL,
     {0}},
    {"malformed-policy-document",
     "An error occurred (MalformedPolicyDocument) when calling the "
     "CreateRole operation: Invalid principal in policy: \"Federated\"",
     NULL,
     NULL,
     {0}},
    {"delete-conflict",
     "An error occurred (DeleteConflict) when calling the DeleteRole "
     "operation: Cannot delete entity, must detach all policies first.",
     NULL,
     NULL,
     {0}},
    {"repository-not-empty",
     "RepositoryNotEmptyException: The repository with name 'my-app' in "
     "registry with id '123456789012' cannot be deleted because it still "
     "contains images",
     NULL,
     NULL,
     {0}},
    {"concurrent-modification",
     "",
     "ConcurrentModification",
     "UpdateAssumeRolePolicy",
     {0}},
    /* added with issue 10 */
    {"explicit-deny",
     "User: arn:aws:sts::123456789012:assumed-role/gha/GitHubActions is not "
     "authorized to perform: ecr:InitiateLayerUpload on resource: "
     "arn:aws:ecr:eu-west-1:123456789012:repository/app with an explicit "
     "deny in a service control policy",
     NULL,
     NULL,
     {0}},
    {"explicit-deny",
     "An error occurred (AccessDenied) when calling the CreateRole "
     "operation: User: arn:aws:iam::123456789012:user/dev is not "
     "authorized to perform: iam:CreateRole on resource: "
     "arn:aws:iam::123456789012:role/gha with an explicit deny in a "
     "permissions boundary",
     NULL,
     NULL,
     {0}},
    {"explicit-deny",
     "User: arn:aws:sts::123456789012:assumed-role/gha/s is not authorized "
     "to perform: ecr:PutImage on resource: "
     "arn:aws:ecr:eu-west-1:123456789012:repository/app with an explicit "
     "deny in a session policy",
     NULL,
     NULL,
     {0}},
    {"chained-assume-role-denied",
     "User: arn:aws:sts::123456789012:assumed-role/gha-base/GitHubActions "
     "is not authorized to perform: sts:AssumeRole on resource: "
     "arn:aws:iam::210987654321:role/deploy",
     NULL,
     NULL,
     {0}},
    {"ecr-token-expired-mid-build",
     "ERROR: failed to solve: failed to push "
     "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0: no basic auth "
     "credentials",
     NULL,
     NULL,
     {.login_seen = true}},
    {"ecr-token-expired-mid-build",
     "denied: Your authorization token has expired. Reauthenticate and try "
     "again.",
     NULL,
     NULL,
     {.login_seen = true}},
    {"ecr-login-missing-anonymous-token",
     "buildx failed with: error: failed to solve: failed to authorize: rpc "
     "error: code = Unknown desc = failed to fetch anonymous token: "
     "unexpected status: 401 Unauthorized",
     NULL,
     NULL,
     {0}},
    {"ecr-cache-manifest-rejected",
     "ERROR: failed to solve: error writing manifest blob: failed commit on "
     "ref \"sha256:0a1b2c\": unexpected status from PUT request to "
     "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/app/"
     "manifests/cache: 400 Bad Request",
     NULL,
     NULL,
     {0}},
    {"ecr-registry-400",
     "failed to push: failed to do request: Put "
     "\"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/chatgpt-web/"
     "manifests/latest\": unexpected status: 400 Bad Request",
     NULL,
     NULL,
     {0}},
    {"ecr-registry-400",
     "failed to copy: failed to do request: Put "
     "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/app/blobs/"
     "uploads/abc?digest=sha256:00: unexpected status: 400 Bad Request",
     NULL,
     NULL,
     {0}},
    {"ecr-registry-403",
     "ERROR: failed to push "
     "720541322708.dkr.ecr.eu-west-2.amazonaws.com/medic/api:4.9.0: failed "
     "commit on ref \"manifest-sha256:fd\": unexpected status from PUT "
     "request to https://720541322708.dkr.ecr.eu-west-2.amazonaws.com/v2/"
     "medic/api/manifests/sha256:fd: 403 Forbidden",
     NULL,
     NULL,
     {0}},
    {"ecr-registry-403",
     "error parsing HTTP 403 response body: unexpected end of JSON input: "
     "\"\"",
     NULL,
     NULL,
     {0}},
    {"docker-io-push",
     "ERROR: failed to solve: failed to push docker.io/library/app:latest: "
     "push access denied, repository does not exist or may require "
     "authorization: server message: insufficient_scope: authorization "
     "failed",
     NULL,
     NULL,
     {0}},
    {"docker-io-push-denied",
     "denied: requested access to the resource is denied",
     NULL,
     NULL,
     {.docker_io_push = true}},
    {"docker-login-non-tty",
     "Error: Cannot perform an interactive login from a non TTY device",
     NULL,
     NULL,
     {0}},
    {"docker-hub-pull-rate-limit",
     "ERROR: failed to solve: node:20: failed to copy: httpReadSeeker: "
     "failed open: unexpected status code "
     "https://registry-1.docker.io/v2/library/node/manifests/sha256:ab: 429 "
     "Too Many Requests - Server message: toomanyrequests: You have "
     "reached your pull rate limit.",
     NULL,
     NULL,
     {0}},
    {"clock-skew",
     "An error occurred (InvalidSignatureException) when calling the "
     "GetAuthorizationToken operation: Signature expired: 20260115T120000Z "
     "is now earlier than 20260115T121500Z (20260115T122000Z - 5 min.)",
     NULL,
     NULL,
     {0}},
    {"clock-skew",
     "Signature expired: 20260115T120000Z is now earlier than "
     "20260115T121500Z",
     "InvalidSignatureException",
     "GetCallerIdentity",
     {0}},
    /* last resorts */
    {"access-denied",
     "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
     "s3:GetObject on resource: arn:aws:s3:::bucket/key",
     NULL,
     NULL,
     {0}},
    {"assume-role-oidc-failed",
     "Could not assume role with OIDC: Something unexpected happened",
     NULL,
     NULL,
     {0}},
};

/* Lines every CI log is full of: none may match anything. */
static const char *const benign[] = {
    "Run actions/checkout@v7",
    "Assuming role with OIDC",
    "Login Succeeded",
    "#12 pushing layers 0.9s done",
    "Syncing repository: acme/app",
    "Post job cleanup.",
    "role-to-assume: arn:aws:iam::123456789012:role/gha",
    "Authenticated as assumedRoleId AROAEXAMPLE:GitHubActions",
    "",
};

static size_t match_sample(const struct ew_knowledge_entry **out, size_t max,
			   const struct sample *s)
{
	struct ew_knowledge_query q;

	memset(&q, 0, sizeof(q));
	q.text = s->text;
	q.aws_code = s->code;
	q.operation = s->op;
	q.values = &s->v;
	return ew_knowledge_match(out, max, &q);
}

/* The per-action entries get a sample in AWS's own wording. */
static void denied_text(char *out, size_t size,
			const struct ew_knowledge_entry *e)
{
	snprintf(out, size,
		 "User: arn:aws:iam::123456789012:user/dev is not authorized "
		 "to perform: %s on resource: arn:aws:iam::123456789012:role/x "
		 "because no identity-based policy allows the %s action",
		 e->actions[0], e->actions[0]);
}

static bool is_generated(const struct ew_knowledge_entry *e)
{
	return strncmp(e->id, "denied-", 7) == 0;
}

static void test_samples_match_first(void **state)
{
	const struct ew_knowledge_entry *got[4];

	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		size_t n = match_sample(got, 4, &samples[i]);
		if (n == 0 || strcmp(got[0]->id, samples[i].id) != 0)
			fail_msg("sample %zu \"%s\": want %s, got %s", i,
				 samples[i].text, samples[i].id,
				 n ? got[0]->id : "(nothing)");
	}
}

static void test_every_entry_has_a_sample(void **state)
{
	size_t count;
	const struct ew_knowledge_entry *t = ew_knowledge_entries(&count);

	(void)state;
	assert_true(count > 60);
	for (size_t i = 0; i < count; i++) {
		bool found = is_generated(&t[i]);
		for (size_t j = 0;
		     !found && j < sizeof(samples) / sizeof(*samples); j++)
			found = strcmp(samples[j].id, t[i].id) == 0;
		if (!found)
			fail_msg("entry %s has no sample message", t[i].id);
	}
}

static void test_generated_entries(void **state)
{
	size_t count, generated = 0;
	const struct ew_knowledge_entry *t = ew_knowledge_entries(&count);
	char text[512];

	(void)state;
	for (size_t i = 0; i < count; i++) {
		const struct ew_knowledge_entry *got = NULL;
		if (!is_generated(&t[i]))
			continue;
		generated++;
		assert_non_null(t[i].actions);
		assert_non_null(t[i].operation);
		/* the title and the fix name the permission to add */
		assert_non_null(strstr(t[i].title, t[i].actions[0]));
		assert_non_null(strstr(t[i].fix_steps[0], t[i].actions[0]));
		denied_text(text, sizeof(text), &t[i]);
		assert_true(ew_knowledge_match_text(&got, 1, text) >= 1);
		if (got != &t[i])
			fail_msg("\"%s\": want %s, got %s", text, t[i].id,
				 got->id);
	}
	/* every IAM/ECR action the wizard calls */
	assert_int_equal(generated, 28);
}

static void test_table_is_well_formed(void **state)
{
	size_t count;
	const struct ew_knowledge_entry *t = ew_knowledge_entries(&count);

	(void)state;
	for (size_t i = 0; i < count; i++) {
		const struct ew_knowledge_entry *e = &t[i];
		size_t npat = 0;

		assert_non_null(e->id);
		for (const char *p = e->id; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			      (*p >= '0' && *p <= '9') || *p == '-'))
				fail_msg("id '%s' is not a slug", e->id);
		for (size_t j = i + 1; j < count; j++)
			if (strcmp(e->id, t[j].id) == 0)
				fail_msg("duplicate id %s", e->id);
		assert_ptr_equal(ew_knowledge_find(e->id), e);
		assert_true(e->title && *e->title);
		assert_true(e->cause && *e->cause);
		assert_true(e->check_command && *e->check_command);
		assert_non_null(e->fix_steps);
		assert_non_null(e->fix_steps[0]);
		/* something to match on */
		assert_true(e->codes || e->patterns || e->actions);
		for (; e->patterns && e->patterns[npat]; npat++)
			assert_true(strlen(e->patterns[npat]) >= 3);
		/* the matcher's trigram gate covers 8 patterns per entry */
		assert_true(npat <= 8);
	}
	assert_null(ew_knowledge_find("no-such-entry"));
}

static void test_benign_lines_match_nothing(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(benign) / sizeof(*benign); i++) {
		const struct ew_knowledge_entry *got = NULL;
		if (ew_knowledge_match_text(&got, 1, benign[i]))
			fail_msg("\"%s\" matched %s", benign[i], got->id);
	}
	assert_int_equal(ew_knowledge_match_text(NULL, 0, NULL), 0);
}

static const struct ew_knowledge_entry *
error_match(const char *code, const char *op, long status, const char *msg)
{
	struct ew_error err;

	ew_error_clear(&err);
	ew_error_set_aws(&err, status, code, msg, "rid");
	snprintf(err.operation, sizeof(err.operation), "%s", op ? op : "");
	return ew_knowledge_match_error(&err);
}

static void test_match_error_per_operation(void **state)
{
	size_t count;
	const struct ew_knowledge_entry *t = ew_knowledge_entries(&count);
	const struct ew_knowledge_entry *e;

	(void)state;
	/* AccessDenied on each operation names that operation's action,
	 * with or without the message */
	for (size_t i = 0; i < count; i++) {
		const char *code;
		char text[512];
		if (!is_generated(&t[i]))
			continue;
		code = strncmp(t[i].actions[0], "ecr:", 4) == 0
			   ? "AccessDeniedException"
			   : "AccessDenied";
		e = error_match(code, t[i].operation, 403, "");
		assert_non_null(e);
		assert_string_equal(e->id, t[i].id);
		denied_text(text, sizeof(text), &t[i]);
		e = error_match(code, t[i].operation, 403, text);
		assert_string_equal(e->id, t[i].id);
	}
	e = error_match("AccessDenied", "CreateRole", 403,
			"User: arn:aws:iam::123456789012:user/dev is not "
			"authorized to perform: iam:CreateRole on resource: "
			"arn:aws:iam::123456789012:role/gha");
	assert_string_equal(e->id, "denied-iam-create-role");
	assert_non_null(strstr(e->fix_steps[0], "iam:CreateRole"));
	/* tagging on create: the message names iam:TagRole, not CreateRole */
	e = error_match("AccessDenied", "CreateRole", 403,
			"User: arn:aws:iam::123456789012:user/dev is not "
			"authorized to perform: iam:TagRole on resource: "
			"arn:aws:iam::123456789012:role/gha");
	assert_string_equal(e->id, "denied-iam-tag-role");
	/* GetPolicy is not GetPolicyVersion */
	e = error_match("AccessDenied", "GetPolicy", 403,
			"is not authorized to perform: iam:GetPolicyVersion on "
			"resource: policy x");
	assert_string_equal(e->id, "denied-iam-get-policy-version");
	/* an action the wizard does not call */
	e = error_match("AccessDenied", "GetCallerIdentity", 403, "");
	assert_string_equal(e->id, "access-denied");

	e = error_match("EntityAlreadyExists", "CreateRole", 409,
			"Role with name gha already exists.");
	assert_string_equal(e->id, "role-already-exists");
	e = error_match("EntityAlreadyExists", "CreatePolicy", 409, "x");
	assert_string_equal(e->id, "policy-already-exists");
	e = error_match("LimitExceeded", "CreatePolicyVersion", 409, "");
	assert_string_equal(e->id, "policy-version-limit");
	e = error_match("LimitExceeded", "AttachRolePolicy", 409, "");
	assert_string_equal(e->id, "limit-exceeded");
	e = error_match("ThrottlingException", "DescribeRepositories", 400,
			"Rate exceeded");
	assert_string_equal(e->id, "throttling");
	e = error_match("RepositoryAlreadyExistsException", "CreateRepository",
			400, "The repository with name 'app' already exists");
	assert_string_equal(e->id, "repository-already-exists");
	e = error_match("MalformedPolicyDocument", "CreateRole", 400,
			"Syntax errors in policy.");
	assert_string_equal(e->id, "malformed-policy-document");
	e = error_match("InvalidClientTokenId", "GetCallerIdentity", 403,
			"The security token included in the request is "
			"invalid.");
	assert_string_equal(e->id, "invalid-client-token-id");
	e = error_match("SignatureDoesNotMatch", "GetCallerIdentity", 403, "");
	assert_string_equal(e->id, "signature-does-not-match");
	e = error_match("ExpiredToken", "GetRole", 403, "");
	assert_string_equal(e->id, "expired-token");
	e = error_match("OpenIdIdpCommunicationError",
			"CreateOpenIDConnectProvider", 400, "");
	assert_string_equal(e->id, "oidc-idp-communication-error");
	assert_null(error_match("NoSuchThing", "GetRole", 400, "nothing"));
	assert_null(ew_knowledge_match_error(NULL));
}

static void test_needs(void **state)
{
	struct ew_knowledge_values v;

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(ew_knowledge_needs_met(&v), 0);
	assert_int_equal(ew_knowledge_needs_met(NULL), 0);
	v.job_sub = "repo:acme/app:environment:prod";
	assert_true(ew_knowledge_needs_met(&v) & EW_KN_SUB_ENV);
	/* admitted: no mismatch, but only through a wildcard */
	v.trusted_sub = "repo:acme/app:*";
	assert_int_equal(ew_knowledge_needs_met(&v), EW_KN_SUB_WILDCARD);
	v.trusted_sub = "repo:acme/app:ref:refs/heads/main\nrepo:acme/app:"
			"environment:prod";
	assert_int_equal(ew_knowledge_needs_met(&v), 0);
	/* StringLike is case-sensitive */
	v.trusted_sub = "repo:ACME/app:*";
	assert_true(ew_knowledge_needs_met(&v) & EW_KN_SUB_CASE);
	v.job_sub = "repo:acme/app:pull_request";
	v.trusted_sub = NULL;
	assert_true(ew_knowledge_needs_met(&v) & EW_KN_SUB_PR);
	assert_true(ew_knowledge_needs_met(&v) & EW_KN_JOB_PR);
	/* a branch is only "another" branch when the trusted one is known */
	v.job_sub = "repo:acme/app:ref:refs/heads/dev";
	assert_int_equal(ew_knowledge_needs_met(&v) & EW_KN_SUB_BRANCH, 0);
	v.trusted_sub = "repo:acme/app:ref:refs/heads/main";
	assert_true(ew_knowledge_needs_met(&v) & EW_KN_SUB_BRANCH);
	v.role = "githubactions";
	assert_true(ew_knowledge_needs_met(&v) & EW_KN_ROLE_GITHUB);
	v.role = "GitHubActions-ECR-Role";
	assert_int_equal(ew_knowledge_needs_met(&v) & EW_KN_ROLE_GITHUB, 0);

	assert_true(ew_knowledge_sub_admitted("repo:a/b:ref:refs/heads/*",
					      "repo:a/b:ref:refs/heads/x/y"));
	assert_false(ew_knowledge_sub_admitted("repo:a/b:ref:refs/heads/?",
					       "repo:a/b:ref:refs/heads/xy"));
	assert_false(ew_knowledge_sub_admitted("", "repo:a/b:pull_request"));
	assert_false(ew_knowledge_sub_admitted("repo:a/b:*", NULL));
}

static void test_denied_action_and_glob(void **state)
{
	char a[64];

	(void)state;
	assert_true(ew_knowledge_denied_action(
	    a, sizeof(a),
	    "Not authorized to perform sts:AssumeRoleWithWebIdentity"));
	assert_string_equal(a, "sts:AssumeRoleWithWebIdentity");
	assert_true(ew_knowledge_denied_action(
	    a, sizeof(a),
	    "is not authorized to perform: iam:GetRole on resource: role x"));
	assert_string_equal(a, "iam:GetRole");
	assert_true(ew_knowledge_denied_action(
	    a, sizeof(a),
	    "no identity-based policy allows the ecr:PutImage "
	    "action"));
	assert_string_equal(a, "ecr:PutImage");
	assert_false(ew_knowledge_denied_action(a, sizeof(a),
						"not authorized to perform"));
	assert_false(ew_knowledge_denied_action(a, 4, "perform: iam:GetRole"));

	assert_true(
	    ew_knowledge_glob_search("no basic AUTH", "x No Basic auth"));
	assert_true(ew_knowledge_glob_search("a*c", "xxabbbcxx"));
	assert_true(ew_knowledge_glob_search("a?c", "abc"));
	assert_false(ew_knowledge_glob_search("a?c", "ac"));
	assert_false(ew_knowledge_glob_search("abc", "ab"));
	assert_true(ew_knowledge_glob_search("", "anything"));
}

static char *render(const char *tmpl, const struct ew_knowledge_values *v)
{
	struct ew_buf b;

	ew_buf_init(&b);
	assert_int_equal(ew_knowledge_render(&b, tmpl, v), 0);
	return ew_buf_detach(&b);
}

static void test_render(void **state)
{
	struct ew_knowledge_values v;
	char *s;

	(void)state;
	memset(&v, 0, sizeof(v));
	s = render("aws iam get-role --role-name {role} in {account}/{region}",
		   &v);
	assert_string_equal(s, "aws iam get-role --role-name <ROLE_NAME> in "
			       "<ACCOUNT_ID>/<REGION>");
	free(s);
	s = render("{role_arn} {repo_arn} {registry} {audience}", NULL);
	assert_string_equal(s, "arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME> "
			       "arn:aws:ecr:<REGION>:<ACCOUNT_ID>:repository/"
			       "<REPOSITORY> <ACCOUNT_ID>.dkr.ecr.<REGION>."
			       "amazonaws.com sts.amazonaws.com");
	free(s);

	v.role_arn = "arn:aws:iam::123456789012:role/path/gha";
	v.account = "123456789012";
	v.region = "cn-north-1";
	v.repo = "app";
	v.trusted_sub = "repo:a/b:ref:refs/heads/main\nrepo:a/b:pull_request";
	s = render("{role} {role_arn} {registry} {audience} {partition} "
		   "{repo_arn} [{trusted_sub}]",
		   &v);
	assert_string_equal(
	    s, "gha arn:aws:iam::123456789012:role/path/gha "
	       "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn "
	       "sts.amazonaws.com.cn aws-cn "
	       "arn:aws-cn:ecr:cn-north-1:123456789012:repository/app "
	       "[repo:a/b:ref:refs/heads/main, repo:a/b:pull_request]");
	free(s);
	/* GitHub expressions and unknown names are left alone */
	s = render("${{ steps.login-ecr.outputs.registry }} {nope} {unclosed",
		   &v);
	assert_string_equal(
	    s, "${{ steps.login-ecr.outputs.registry }} {nope} {unclosed");
	free(s);
}

/* Every entry's texts render with no values and with all of them. */
static void test_render_every_entry(void **state)
{
	size_t count;
	const struct ew_knowledge_entry *t = ew_knowledge_entries(&count);
	struct ew_knowledge_values v = {
	    .account = "123456789012",
	    .region = "eu-west-1",
	    .role = "gha",
	    .policy = "gha-policy",
	    .repo = "app",
	    .github_repo = "acme/app",
	    .job_sub = "repo:acme/app:environment:prod",
	    .trusted_sub = "repo:acme/app:ref:refs/heads/main",
	    .principal_arn = "arn:aws:iam::123456789012:user/dev",
	    .repo_account = "210987654321",
	    .duration = "7200",
	    .chained_role_arn = "arn:aws:iam::123456789012:role/deploy",
	    .tag = "v1",
	};

	(void)state;
	for (size_t i = 0; i < count; i++) {
		const char *texts[16];
		size_t n = 0;
		texts[n++] = t[i].cause;
		texts[n++] = t[i].check_command;
		for (size_t j = 0; t[i].fix_steps[j] && n < 16; j++)
			texts[n++] = t[i].fix_steps[j];
		for (size_t j = 0; j < n; j++) {
			char *s = render(texts[j], &v);
			/* every placeholder is one we know */
			if (strstr(s, "{") && !strstr(s, "${{"))
				fail_msg("%s: unfilled placeholder in \"%s\"",
					 t[i].id, s);
			if (strchr(s, '<'))
				fail_msg("%s: unknown value in \"%s\"", t[i].id,
					 s);
			free(s);
		}
	}
}

/* Lines that carry two diagnoses at once, as real logs do. */
#define CLI_ASSUME                                                             \
	"An error occurred (AccessDenied) when calling the "                   \
	"AssumeRoleWithWebIdentity operation: Not authorized to perform "      \
	"sts:AssumeRoleWithWebIdentity"
#define PUSH_403                                                               \
	"failed to push: unexpected status from POST request to "              \
	"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/app/blobs/"   \
	"uploads/: 403 Forbidden: denied: User: "                              \
	"arn:aws:sts::123456789012:assumed-role/gha/s is not authorized to "   \
	"perform: ecr:InitiateLayerUpload on resource: "                       \
	"arn:aws:ecr:eu-west-1:123456789012:repository/app "

static const struct sample both[] = {
    {"sub-mismatch-environment",
     CLI_ASSUME,
     NULL,
     NULL,
     {.role = "GitHubActions",
      .job_sub = "repo:acme/app:environment:prod",
      .trusted_sub = "repo:acme/app:ref:refs/heads/main"}},
    {"sub-wildcard-string-equals",
     CLI_ASSUME,
     NULL,
     NULL,
     {.role = "GitHubActions",
      .job_sub = "repo:acme/app:ref:refs/heads/main",
      .trusted_sub = "repo:acme/app:*"}},
    {"id-token-dependabot",
     "Could not load credentials from any providers",
     NULL,
     NULL,
     {.actor = "dependabot[bot]", .job_sub = "repo:acme/app:pull_request"}},
    {"explicit-deny",
     PUSH_403 "with an explicit deny in a service control policy",
     NULL,
     NULL,
     {0}},
    {"push-denied",
     PUSH_403 "because no identity-based policy allows the "
	      "ecr:InitiateLayerUpload action",
     NULL,
     NULL,
     {0}},
    {"immutable-tag",
     "failed to push: unexpected status from PUT request to "
     "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/app/"
     "manifests/latest: 400 Bad Request: tag invalid: The image tag "
     "'latest' already exists in the 'app' repository and cannot be "
     "overwritten because the repository is immutable.",
     NULL,
     NULL,
     {0}},
    {"docker-io-push",
     "failed to push docker.io/library/app:latest: push access denied, "
     "repository does not exist or may require authorization: server "
     "message: insufficient_scope: authorization failed",
     NULL,
     NULL,
     {.docker_io_push = true}},
};

/*
 * Specificity order.  Every pair of entries that can match the same line
 * is listed here, the one that must win first, with why.  The test below
 * finds the overlapping pairs mechanically, over the sample messages and
 * every line of the fixture logs (with and without the log-wide facts
 * that gate entries), and fails on a pair missing here or listed in the
 * wrong table order.  `*` globs name the generated denied-* entries.
 */
static const struct {
	const char *first, *then, *why;
} order[] = {
    {"explicit-deny", "denied-*", "no Allow can beat a Deny"},
    {"explicit-deny", "push-denied", "no Allow can beat a Deny"},
    {"explicit-deny", "ecr-get-authorization-token-scoped",
     "no Allow can beat a Deny"},
    {"explicit-deny", "access-denied", "no Allow can beat a Deny"},
    {"explicit-deny", "ecr-registry-40?", "a bare status says less"},
    {"sub-mismatch-*", "assume-role-oidc-denied",
     "the job's subject shows which part differs"},
    {"sub-mismatch-*", "assume-role-oidc-failed", "the same"},
    {"sub-mismatch-*", "access-denied", "the same"},
    {"sub-wildcard-string-equals", "assume-role-oidc-*", "the same"},
    {"sub-wildcard-string-equals", "access-denied", "the same"},
    {"sub-mismatch-*", "sub-mismatch-*",
     "template, immutable IDs, casing, environment, PR, tag, branch"},
    {"sub-mismatch-*", "role-named-github-actions", "the same"},
    {"sub-wildcard-string-equals", "role-named-github-actions", "the same"},
    {"role-named-github-actions", "assume-role-oidc-*",
     "a known cause beats the generic one"},
    {"role-named-github-actions", "access-denied", "the same"},
    {"assume-role-oidc-denied", "access-denied",
     "the action names the trust policy"},
    {"assume-role-oidc-denied", "assume-role-oidc-failed",
     "STS's reason beats the action's prefix"},
    {"chained-assume-role-denied", "access-denied", "the action is known"},
    {"sts-tag-session", "access-denied", "the action is known"},
    {"ecr-get-authorization-token-scoped", "access-denied",
     "the action is known"},
    {"push-denied-cross-account", "push-denied",
     "\"no resource-based policy\" says the repository is elsewhere"},
    {"push-denied*", "access-denied", "the action is known"},
    {"push-denied*", "ecr-registry-40?", "a bare status says less"},
    {"denied-*", "access-denied", "the action is known"},
    {"id-token-dependabot", "id-token-permission-missing",
     "Dependabot never gets a token"},
    {"id-token-fork-pr", "id-token-permission-missing",
     "fork PRs never get a token"},
    {"id-token-dependabot", "id-token-fork-pr",
     "a Dependabot PR is a PR, but the actor is the cause"},
    {"oidc-*", "assume-role-oidc-failed", "STS's reason is known"},
    {"request-arn-invalid", "assume-role-oidc-failed", "the same"},
    {"invalid-client-token-id", "assume-role-oidc-failed", "the same"},
    {"duration-exceeds-max-session", "assume-role-oidc-failed", "the same"},
    {"clock-skew", "signature-does-not-match",
     "\"Signature expired\" is a clock, not a key"},
    {"repository-uri-as-name", "repository-not-found",
     "the name in the message is a URI"},
    {"ecr-token-expired-mid-build", "ecr-login-missing-anonymous-token",
     "the log shows the login worked earlier"},
    {"ecr-token-expired-mid-build", "no-basic-auth-credentials", "the same"},
    {"ecr-registry-403", "access-denied",
     "the registry path says which push failed; its causes are listed"},
    {"immutable-tag", "ecr-registry-400", "ECR's own text is precise"},
    {"ecr-cache-manifest-rejected", "ecr-registry-400",
     "the cache export is named"},
    {"docker-io-push", "docker-io-push-denied", "the same cause"},
    {"provider-already-exists", "entity-already-exists",
     "the operation names the entity"},
    {"role-already-exists", "entity-already-exists", "the same"},
    {"policy-already-exists", "entity-already-exists", "the same"},
    {"policy-version-limit", "limit-exceeded", "the operation is known"},
    {"throttling", "limit-exceeded",
     "RequestLimitExceeded is throttling, not a quota"},
};

static bool named(const char *pat, const char *id)
{
	return fnmatch(pat, id, 0) == 0;
}

static size_t index_of(const struct ew_knowledge_entry *t, size_t count,
		       const struct ew_knowledge_entry *e)
{
	for (size_t i = 0; i < count; i++)
		if (&t[i] == e)
			return i;
	return count;
}

struct overlap_state {
	bool seen[sizeof(order) / sizeof(*order)];
	size_t unlisted;
};

static void note_overlaps(struct overlap_state *st,
			  const struct ew_knowledge_query *q, const char *where)
{
	const struct ew_knowledge_entry *got[32];
	size_t n = ew_knowledge_match(got, 32, q);

	if (n > 32)
		n = 32;
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++) {
			bool listed = false;
			for (size_t k = 0; k < sizeof(order) / sizeof(*order);
			     k++)
				if (named(order[k].first, got[a]->id) &&
				    named(order[k].then, got[b]->id)) {
					st->seen[k] = true;
					listed = true;
				}
			if (!listed) {
				print_message("unordered overlap: %s before "
					      "%s on %s\n",
					      got[a]->id, got[b]->id, where);
				st->unlisted++;
			}
		}
}

/* Every line of every fixture log, cleaned as explain cleans it. */
static void overlaps_in_logs(struct overlap_state *st)
{
	const char *top = getenv("EW_TOP");
	char dir[1024], path[2048], line[EW_EXPLAIN_MAX_LINE + 1];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/logs", top ? top : ".");
	dp = opendir(dir);
	if (!dp)
		fail_msg("cannot read '%s'", dir);
	while ((d = readdir(dp)) != NULL) {
		FILE *f;
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (!(f = fopen(path, "rb")))
			fail_msg("cannot read '%s'", path);
		while (fgets(line, sizeof(line), f)) {
			size_t len = strcspn(line, "\r\n");
			for (unsigned ctx = 0; ctx < 4; ctx++) {
				struct ew_knowledge_values v = {
				    .login_seen = ctx & 1,
				    .docker_io_push = ctx & 2};
				struct ew_knowledge_query q = {.values = &v};
				char copy[sizeof(line)];
				memcpy(copy, line, len);
				ew_explain_clean_line(copy, len);
				q.text = copy;
				note_overlaps(st, &q, d->d_name);
			}
		}
		fclose(f);
	}
	closedir(dp);
}

static void test_specificity_order(void **state)
{
	size_t count;
	const struct ew_knowledge_entry *t = ew_knowledge_entries(&count);
	struct overlap_state st;
	size_t stale = 0;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		struct ew_knowledge_query q;
		memset(&q, 0, sizeof(q));
		q.text = samples[i].text;
		q.aws_code = samples[i].code;
		q.operation = samples[i].op;
		q.values = &samples[i].v;
		note_overlaps(&st, &q, samples[i].id);
	}
	for (size_t i = 0; i < sizeof(both) / sizeof(*both); i++) {
		const struct ew_knowledge_entry *got = NULL;
		struct ew_knowledge_query q = {.text = both[i].text,
					       .values = &both[i].v};
		ew_knowledge_match(&got, 1, &q);
		if (!got || strcmp(got->id, both[i].id) != 0)
			fail_msg("\"%s\": want %s, got %s", both[i].text,
				 both[i].id, got ? got->id : "nothing");
		note_overlaps(&st, &q, both[i].id);
	}
	for (size_t i = 0; i < count; i++) {
		char msg[512];
		if (!is_generated(&t[i]))
			continue;
		denied_text(msg, sizeof(msg), &t[i]);
		note_overlaps(&st, &(struct ew_knowledge_query){.text = msg},
			      t[i].id);
	}
	overlaps_in_logs(&st);
	if (st.unlisted)
		fail_msg("%zu overlapping pairs have no explicit order",
			 st.unlisted);
	for (size_t k = 0; k < sizeof(order) / sizeof(*order); k++) {
		if (!st.seen[k]) {
			print_message("order %s before %s: no line matches "
				      "both (stale rule)\n",
				      order[k].first, order[k].then);
			stale++;
		}
		/* the table order agrees with every listed pair */
		for (size_t i = 0; i < count; i++)
			for (size_t j = 0; j < i; j++)
				if (named(order[k].first, t[i].id) &&
				    named(order[k].then, t[j].id) &&
				    !(named(order[k].first, t[j].id) &&
				      named(order[k].then, t[i].id)))
					fail_msg("%s must come before %s (%s)",
						 t[i].id, t[j].id,
						 order[k].why);
	}
	if (stale)
		fail_msg("%zu order rules match no line", stale);
	(void)index_of;
}

/*
 * Values come from the log, per entry: every sample message is explained
 * twice inside a log whose header gives the role, region, ECR repository
 * and GitHub repository, with two different sets of those values.  Each
 * placeholder an entry uses must render as this log's value and never as
 * the other log's.
 */
static void test_values_per_entry(void **state)
{
	static const char *const sets[2][4] = {
	    {"gha-push", "eu-west-3", "team/api", "acme/shop"},
	    {"ci-builder", "ap-south-1", "web", "octo/site"},
	};
	static const char *const names[4] = {"{role}", "{region}", "{repo}",
					     "{github_repo}"};
	size_t checked = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		const struct sample *sm = &samples[i];
		const struct ew_knowledge_entry *e = ew_knowledge_find(sm->id);
		bool ok = true;

		if (sm->code || memcmp(&sm->v, &(struct ew_knowledge_values){0},
				       sizeof(sm->v)) != 0)
			continue; /* needs facts a log header does not give */
		for (size_t k = 0; k < 2 && ok; k++) {
			const char *const *v = sets[k], *const *o = sets[1 - k];
			struct ew_explain *ex = NULL;
			struct ew_error err;
			struct ew_buf log, out;

			ew_buf_init(&log);
			ew_buf_init(&out);
			ew_buf_printf(&log,
				      "role-to-assume: "
				      "arn:aws:iam::123456789012:role/%s\n"
				      "aws-region: %s\nECR_REPOSITORY: %s\n"
				      "GITHUB_REPOSITORY: %s\n%s\n",
				      v[0], v[1], v[2], v[3], sm->text);
			assert_int_equal(ew_explain_text(&ex, log.ptr, &err),
					 0);
			if (!ew_explain_count(ex) ||
			    ew_explain_get(ex, 0)->entry != e) {
				ok = false; /* the header changed the verdict */
			} else {
				const char *texts[16];
				size_t n = 0;
				texts[n++] = e->cause;
				texts[n++] = e->check_command;
				for (size_t j = 0; e->fix_steps[j] && n < 16;
				     j++)
					texts[n++] = e->fix_steps[j];
				for (size_t j = 0; j < n; j++) {
					ew_buf_clear(&out);
					assert_int_equal(
					    ew_explain_render(&out, ex,
							      texts[j]),
					    0);
					for (size_t f = 0; f < 4; f++) {
						if (!strstr(texts[j], names[f]))
							continue;
						if (!strstr(out.ptr, v[f]) ||
						    strstr(out.ptr, o[f]))
							fail_msg(
							    "%s: %s is not "
							    "'%s' in \"%s\"",
							    e->id, names[f],
							    v[f], out.ptr);
					}
				}
			}
			ew_explain_free(ex);
			ew_buf_release(&log);
			ew_buf_release(&out);
		}
		checked += ok;
	}
	print_message("values checked for %zu sample messages\n", checked);
	assert_true(checked >= 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_samples_match_first),
	    cmocka_unit_test(test_every_entry_has_a_sample),
	    cmocka_unit_test(test_generated_entries),
	    cmocka_unit_test(test_table_is_well_formed),
	    cmocka_unit_test(test_benign_lines_match_nothing),
	    cmocka_unit_test(test_match_error_per_operation),
	    cmocka_unit_test(test_needs),
	    cmocka_unit_test(test_denied_action_and_glob),
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_render_every_entry),
	    cmocka_unit_test(test_specificity_order),
	    cmocka_unit_test(test_values_per_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
