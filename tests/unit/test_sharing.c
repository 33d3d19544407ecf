/*
 * test_sharing.c - which other repositories a trust or permissions policy
 * serves, the union documents that share it, the documents without this
 * repository (teardown), the policy versions that grant more, and the
 * per-repository names.  The engine's use of them
 * against moto is tests/cli/sharing_moto.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "json_doc.h"
#include "model.h"
#include "sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROVIDER                                                               \
	"arn:aws:iam::123456789012:oidc-provider/"                             \
	"token.actions.githubusercontent.com"
#define ARN "arn:aws:ecr:us-east-1:123456789012:repository/"

#define STMT                                                                   \
	"{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" PROVIDER       \
	"\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{"     \
	"\"StringEquals\":{\"token.actions.githubusercontent.com:aud\":"       \
	"\"sts.amazonaws.com\"%s%s}%s%s%s}}"

/* A trust policy for PROVIDER with StringEquals subjects eq and
 * StringLike subjects like (JSON values or NULL). */
static char *trust(const char *eq, const char *like)
{
	static char b[4096];
	char s1[1024] = "", s2[1024] = "";

	if (eq)
		snprintf(s1, sizeof(s1), STMT,
			 ",\"token.actions.githubusercontent.com:sub\":", eq,
			 "", "", "");
	if (like)
		snprintf(s2, sizeof(s2), STMT, "", "",
			 ",\"StringLike\":{\"token.actions."
			 "githubusercontent.com:sub\":",
			 like, "}");
	snprintf(b, sizeof(b),
		 "{\"Version\":\"2012-10-17\",\"Statement\":[%s%s%s]}", s1,
		 eq && like ? "," : "", s2);
	return b;
}

static void test_scan_trust(void **state)
{
	struct ew_sharing sh;

	(void)state;
	ew_sharing_init(&sh);
	assert_int_equal(ew_sharing_scan_trust(
			     &sh,
			     trust("[\"repo:acme/widgets:ref:refs/heads/main\","
				   "\"repo:ACME/Gadgets:pull_request\","
				   "\"repo:acme@1/tools@2:environment:prod\"]",
				   "[\"repo:acme/widgets:*\",\"repo:acme/*\","
				   "\"repo:other/thing:ref:refs/tags/v*\"]"),
			     PROVIDER, "acme", "gadgets"),
			 0);
	/* Ours (any case) and the wildcard over repositories are not
	 * another repository. */
	assert_int_equal(sh.nnames, 3);
	assert_string_equal(sh.names[0], "acme/widgets");
	assert_string_equal(sh.names[1], "acme/tools");
	assert_string_equal(sh.names[2], "other/thing");
	assert_int_equal(sh.nitems, 4);
	assert_false(sh.is_pattern[0]);
	assert_string_equal(sh.items[2], "repo:acme/widgets:*");
	assert_true(sh.is_pattern[2]);
	ew_sharing_release(&sh);

	/* Another provider's statements are not ours to judge. */
	ew_sharing_init(&sh);
	assert_int_equal(
	    ew_sharing_scan_trust(&sh, trust("\"repo:acme/widgets:*\"", NULL),
				  "arn:aws:iam::1:oidc-provider/x", "acme",
				  "gadgets"),
	    0);
	assert_int_equal(sh.nnames, 0);
	assert_int_equal(
	    ew_sharing_scan_trust(&sh, "not json", PROVIDER, "acme", "gadgets"),
	    0);
	assert_int_equal(sh.nnames, 0);
	ew_sharing_release(&sh);
}

static void test_trust_union(void **state)
{
	struct ew_sharing sh;
	struct ew_buf out;
	struct ew_error err;
	char *desired = ew_strdup(trust(NULL, "\"repo:acme/gadgets:*\""));

	(void)state;
	ew_sharing_init(&sh);
	ew_buf_init(&out);
	assert_int_equal(ew_sharing_scan_trust(
			     &sh,
			     trust("\"repo:acme/widgets:ref:refs/heads/main\"",
				   "\"repo:acme/widgets:ref:refs/tags/v*\""),
			     PROVIDER, "acme", "gadgets"),
			 0);
	assert_int_equal(ew_sharing_trust_union(&out, desired, &sh, &err), 0);
	/* The exact subject gets a StringEquals statement of its own,
	 * first; the pattern joins ours. */
	assert_true(ew_json_doc_equal(
	    out.ptr, trust("\"repo:acme/widgets:ref:refs/heads/main\"",
			   "[\"repo:acme/gadgets:*\","
			   "\"repo:acme/widgets:ref:refs/tags/v*\"]")));
	ew_buf_release(&out);
	ew_sharing_release(&sh);
	free(desired);
}

static const char *policy(const char *resources)
{
	static char b[2048];

	snprintf(
	    b, sizeof(b),
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\","
	    "\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\","
	    "\"Resource\":\"*\"},{\"Sid\":\"P\",\"Effect\":\"Allow\","
	    "\"Action\":[\"ecr:PutImage\",\"ecr:BatchGetImage\"],"
	    "\"Resource\":%s}]}",
	    resources);
	return b;
}

static void test_policy(void **state)
{
	struct ew_sharing sh;
	struct ew_buf out;
	struct ew_error err;
	char *desired = ew_strdup(policy("\"" ARN "gadgets\""));

	(void)state;
	ew_sharing_init(&sh);
	ew_buf_init(&out);
	assert_int_equal(
	    ew_sharing_scan_policy(
		&sh,
		policy("[\"" ARN "widgets\",\"" ARN "gadgets\",\"" ARN
		       "w*\",\"arn:aws:ecr:eu-west-1:123456789012:repository/"
		       "eu\"]"),
		ARN "gadgets"),
	    0);
	assert_int_equal(sh.nnames, 2);
	assert_string_equal(sh.names[0], "widgets (us-east-1)");
	assert_string_equal(sh.names[1], "eu (eu-west-1)");
	assert_int_equal(
	    ew_sharing_policy_union(&out, desired, ARN "gadgets", &sh, &err),
	    0);
	assert_true(ew_json_doc_equal(
	    out.ptr, policy("[\"" ARN "gadgets\",\"" ARN "widgets\","
			    "\"arn:aws:ecr:eu-west-1:123456789012:"
			    "repository/eu\"]")));
	ew_buf_release(&out);
	ew_sharing_release(&sh);
	free(desired);
}

static void test_grants_more(void **state)
{
	char *want = ew_strdup(policy("\"" ARN "gadgets\""));

	(void)state;
	assert_false(ew_sharing_grants_more(want, want));
	assert_false(ew_sharing_grants_more(
	    "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecr:PutImage\","
	    "\"Resource\":\"" ARN "gadgets\"}}",
	    want));
	assert_true(ew_sharing_grants_more(
	    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
	    "\"Resource\":\"*\"}]}",
	    want));
	assert_true(ew_sharing_grants_more(policy("\"" ARN "widgets\""), want));
	assert_true(ew_sharing_grants_more(
	    "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\","
	    "\"Resource\":\"*\"}]}",
	    want));
	/* A Deny takes nothing away from what the new one grants. */
	assert_false(ew_sharing_grants_more(
	    "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
	    "\"Resource\":\"*\"}]}",
	    want));
	assert_true(ew_sharing_grants_more("garbage", want));
	free(want);
}

static void test_suggest_names(void **state)
{
	struct ew_setup s;
	struct ew_buf role, pol;
	struct ew_error err;
	char longname[101];

	(void)state;
	ew_setup_init(&s);
	ew_buf_init(&role);
	ew_buf_init(&pol);
	assert_int_equal(ew_setup_set_github(&s, "acme/gadgets", &err), 0);
	assert_int_equal(ew_sharing_suggest_names(&role, &pol, &s), 0);
	assert_string_equal(role.ptr, "GitHubActions-ECR-Role-gadgets");
	assert_string_equal(pol.ptr, "GitHubActions-ECR-Policy-gadgets");
	/* Within IAM's limits, and the names the setters accept. */
	memset(longname, 'x', 100);
	longname[100] = '\0';
	assert_int_equal(ew_setup_set_repo(&s, longname, &err), 0);
	ew_buf_clear(&role);
	ew_buf_clear(&pol);
	assert_int_equal(ew_sharing_suggest_names(&role, &pol, &s), 0);
	assert_int_equal(role.len, 64);
	assert_true(pol.len <= 128);
	assert_int_equal(ew_setup_set_role_name(&s, role.ptr, &err), 0);
	assert_int_equal(ew_setup_set_policy_name(&s, pol.ptr, &err), 0);
	ew_buf_release(&role);
	ew_buf_release(&pol);
	ew_setup_release(&s);
}

/* Teardown of a shared role or policy: this repository out, the others
 * kept; a statement left without subjects goes whole (a trust without
 * its sub condition would trust every repository). */
static void test_without(void **state)
{
	struct ew_buf out;
	struct ew_error err;
	size_t removed = 9;

	(void)state;
	ew_buf_init(&out);
	assert_int_equal(
	    ew_sharing_trust_without(
		&out, &removed,
		trust("[\"repo:acme/gadgets:*\",\"repo:ACME/Gadgets:ref:x\"]",
		      "[\"repo:acme/widgets:ref:refs/tags/v*\","
		      "\"repo:acme/gadgets:ref:*\"]"),
		PROVIDER, "acme", "gadgets", &err),
	    0);
	assert_int_equal(removed, 3);
	assert_true(ew_json_doc_equal(
	    out.ptr, trust(NULL, "[\"repo:acme/widgets:ref:refs/tags/v*\"]")));
	assert_null(strstr(out.ptr, "gadgets"));

	/* Nothing of this repository there: nothing removed. */
	ew_buf_clear(&out);
	assert_int_equal(
	    ew_sharing_trust_without(&out, &removed,
				     trust("\"repo:other/thing:*\"", NULL),
				     PROVIDER, "acme", "gadgets", &err),
	    0);
	assert_int_equal(removed, 0);
	assert_true(
	    ew_json_doc_equal(out.ptr, trust("\"repo:other/thing:*\"", NULL)));

	ew_buf_clear(&out);
	assert_int_equal(ew_sharing_policy_without(
			     &out, &removed,
			     policy("[\"" ARN "widgets\",\"" ARN "gadgets\"]"),
			     ARN "gadgets", &err),
			 0);
	assert_int_equal(removed, 1);
	assert_true(ew_json_doc_equal(out.ptr, policy("[\"" ARN "widgets\"]")));

	/* The push statement for this repository alone goes;
	 * GetAuthorizationToken on "*" stays. */
	ew_buf_clear(&out);
	assert_int_equal(ew_sharing_policy_without(&out, &removed,
						   policy("\"" ARN "gadgets\""),
						   ARN "gadgets", &err),
			 0);
	assert_int_equal(removed, 1);
	assert_null(strstr(out.ptr, "gadgets"));
	assert_non_null(strstr(out.ptr, "ecr:GetAuthorizationToken"));
	ew_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scan_trust),
	    cmocka_unit_test(test_trust_union),
	    cmocka_unit_test(test_policy),
	    cmocka_unit_test(test_grants_more),
	    cmocka_unit_test(test_suggest_names),
	    cmocka_unit_test(test_without),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
