/*
 * test_doctor.c - doctor's IAM evaluators without AWS: glob coverage,
 * permissions policies (wildcards, NotAction, Deny, conditions) and trust
 * policies (operators AND-ed within a statement, StringEquals vs
 * StringLike, aud, principal).  The checks against live resources are in
 * tests/integration/test_doctor_moto.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "doctor.h"
#include "documents.h"
#include "model.h"

#include <string.h>

#define PROVIDER                                                               \
	"arn:aws:iam::123456789012:oidc-provider/"                             \
	"token.actions.githubusercontent.com"
#define ISSUER "token.actions.githubusercontent.com"
#define AUD    "sts.amazonaws.com"
#define REPO   "arn:aws:ecr:us-east-1:123456789012:repository/app"

static void test_glob_covers(void **state)
{
	static const struct {
		const char *pattern, *subject;
		bool icase, want;
	} cases[] = {
	    {"repo:o/r:*", "repo:o/r:ref:refs/heads/main", false, true},
	    {"repo:o/r:*", "repo:o/r:ref:refs/tags/*", false, true},
	    {"repo:o/r:ref:refs/tags/v*", "repo:o/r:ref:refs/tags/*", false,
	     false},
	    {"repo:o/r:ref:refs/tags/*", "repo:o/r:ref:refs/tags/v*", false,
	     true},
	    {"repo:o/r:ref:refs/heads/main", "repo:o/r:ref:refs/heads/main",
	     false, true},
	    {"repo:o/r:ref:refs/heads/main", "repo:O/R:ref:refs/heads/main",
	     false, false},
	    {"repo:o/r:ref:refs/heads/main", "repo:O/R:ref:refs/heads/main",
	     true, true},
	    {"a?c", "abc", false, true},
	    {"a?c", "a?c", false, true},
	    {"a?c", "a*c", false, false},
	    {"*", "", false, true},
	    {"", "", false, true},
	    {"", "x", false, false},
	    {"x", "", false, false},
	    {"ecr:*", "ecr:PutImage", true, true},
	    {"ECR:put*", "ecr:PutImage", true, true},
	    {"ecr:Put*", "ecr:GetAuthorizationToken", true, false},
	    {"arn:aws:ecr:*:123456789012:repository/*", REPO, false, true},
	    {"arn:aws:ecr:eu-west-1:123456789012:repository/*", REPO, false,
	     false},
	    /* The request resource of GetAuthorizationToken is "*". */
	    {REPO, "*", false, false},
	    {"*", "*", false, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ew_doctor_glob_covers(cases[i].pattern, cases[i].subject,
					  cases[i].icase) != cases[i].want)
			fail_msg("'%s' covers '%s': expected %d",
				 cases[i].pattern, cases[i].subject,
				 cases[i].want);
}

static enum ew_doctor_grant grant1(const char *doc, const char *action,
				   const char *res)
{
	const char *docs[] = {doc};

	return ew_doctor_policy_grants(docs, 1, action, res);
}

static void test_policy_grants(void **state)
{
	static const char least[] =
	    "{\"Version\":\"2012-10-17\",\"Statement\":["
	    "{\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\","
	    "\"Resource\":\"*\"},"
	    "{\"Effect\":\"Allow\",\"Action\":[\"ecr:PutImage\","
	    "\"ecr:InitiateLayerUpload\"],\"Resource\":\"" REPO "\"}]}";
	static const char scoped[] =
	    "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"ecr:*\"],"
	    "\"Resource\":\"" REPO "\"}}";
	static const char wide[] =
	    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
	    "\"Resource\":\"arn:aws:ecr:*:123456789012:repository/*\"}]}";
	static const char not_action[] =
	    "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":"
	    "\"iam:*\",\"Resource\":\"*\"}]}";
	static const char deny[] =
	    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
	    "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":"
	    "\"ecr:PutImage\",\"Resource\":\"*\"}]}";
	static const char cond[] =
	    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
	    "\"Resource\":\"*\",\"Condition\":{\"Bool\":"
	    "{\"aws:SecureTransport\":\"true\"}}}]}";
	static const char not_resource[] =
	    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
	    "\"NotResource\":\"" REPO "\"}]}";

	(void)state;
	assert_int_equal(grant1(least, "ecr:GetAuthorizationToken", "*"),
			 EW_GRANT_YES);
	assert_int_equal(grant1(least, "ecr:PutImage", REPO), EW_GRANT_YES);
	assert_int_equal(grant1(least, "ecr:putimage", REPO), EW_GRANT_YES);
	assert_int_equal(grant1(least, "ecr:UploadLayerPart", REPO),
			 EW_GRANT_NO);
	assert_int_equal(grant1(least, "ecr:PutImage",
				"arn:aws:ecr:us-west-2:123456789012:"
				"repository/app"),
			 EW_GRANT_NO);
	/* Scoped to a repository, the login grants nothing. */
	assert_int_equal(grant1(scoped, "ecr:GetAuthorizationToken", "*"),
			 EW_GRANT_NO);
	assert_int_equal(grant1(scoped, "ecr:UploadLayerPart", REPO),
			 EW_GRANT_YES);
	assert_int_equal(grant1(wide, "ecr:BatchGetImage", REPO), EW_GRANT_YES);
	assert_int_equal(grant1(wide, "ecr:GetAuthorizationToken", "*"),
			 EW_GRANT_NO);
	assert_int_equal(grant1(not_action, "ecr:PutImage", REPO),
			 EW_GRANT_YES);
	assert_int_equal(grant1(not_action, "iam:CreateRole", "*"),
			 EW_GRANT_NO);
	assert_int_equal(grant1(deny, "ecr:PutImage", REPO), EW_GRANT_DENIED);
	assert_int_equal(grant1(deny, "ecr:BatchGetImage", REPO), EW_GRANT_YES);
	assert_int_equal(grant1(cond, "ecr:PutImage", REPO),
			 EW_GRANT_CONDITIONAL);
	assert_int_equal(grant1(not_resource, "ecr:PutImage", REPO),
			 EW_GRANT_NO);
	assert_int_equal(grant1(not_resource, "ecr:GetAuthorizationToken", "*"),
			 EW_GRANT_YES);
	assert_int_equal(grant1("not json", "ecr:PutImage", REPO), EW_GRANT_NO);
	{
		/* Two policies: one allows, the other denies. */
		const char *docs[] = {least, deny};

		assert_int_equal(
		    ew_doctor_policy_grants(docs, 2, "ecr:PutImage", REPO),
		    EW_GRANT_DENIED);
	}
}

#define TRUST(cond)                                                            \
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","    \
	"\"Principal\":{\"Federated\":\"" PROVIDER "\"},"                      \
	"\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":" cond     \
	"}]}"

static bool admits(const char *trust, const char *sub, const char *aud)
{
	return ew_doctor_trust_admits(trust, PROVIDER, ISSUER, sub, aud, false);
}

static void test_trust_admits(void **state)
{
	static const char exact[] =
	    TRUST("{\"StringEquals\":{\"" ISSUER ":aud\":\"" AUD "\",\"" ISSUER
		  ":sub\":[\"repo:o/r:ref:refs/heads/main\","
		  "\"repo:o/r:environment:prod\"]}}");
	static const char like[] =
	    TRUST("{\"StringEquals\":{\"" ISSUER ":aud\":\"" AUD "\"},"
		  "\"StringLike\":{\"" ISSUER ":sub\":\"repo:o/r:*\"}}");
	/* Two sub operators in one statement: IAM ANDs them, so nothing
	 * both equals main and matches the tag pattern. */
	static const char both[] = TRUST(
	    "{\"StringEquals\":{\"" ISSUER ":aud\":\"" AUD "\",\"" ISSUER
	    ":sub\":\"repo:o/r:ref:refs/heads/main\"},\"StringLike\":{\"" ISSUER
	    ":sub\":\"repo:o/r:ref:refs/tags/v*\"}}");
	static const char star_equals[] =
	    TRUST("{\"StringEquals\":{\"" ISSUER ":sub\":\"repo:o/r:*\"}}");
	static const char if_exists[] = TRUST(
	    "{\"StringLikeIfExists\":{\"" ISSUER ":sub\":\"repo:o/r:*\"}}");
	static const char other_principal[] =
	    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{"
	    "\"Federated\":\"arn:aws:iam::999999999999:oidc-provider/" ISSUER
	    "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}";

	(void)state;
	assert_true(admits(exact, "repo:o/r:ref:refs/heads/main", AUD));
	assert_true(admits(exact, "repo:o/r:environment:prod", AUD));
	assert_false(admits(exact, "repo:o/r:pull_request", AUD));
	/* A wildcard subject is never admitted by StringEquals. */
	assert_false(admits(exact, "repo:o/r:ref:refs/heads/*", AUD));
	assert_false(admits(exact, "repo:o/r:ref:refs/heads/main", "sigstore"));
	assert_true(admits(like, "repo:o/r:ref:refs/tags/*", AUD));
	assert_true(admits(like, "repo:o/r:pull_request", AUD));
	assert_false(admits(like, "repo:o/x:pull_request", AUD));
	assert_false(admits(both, "repo:o/r:ref:refs/heads/main", AUD));
	assert_false(admits(both, "repo:o/r:ref:refs/tags/v1", AUD));
	/* StringEquals compares '*' literally. */
	assert_false(admits(star_equals, "repo:o/r:ref:refs/heads/main", AUD));
	assert_true(admits(if_exists, "repo:o/r:pull_request", AUD));
	assert_false(admits(other_principal, "repo:o/r:pull_request", AUD));
	assert_false(admits("[]", "repo:o/r:pull_request", AUD));
	assert_true(ew_doctor_trust_admits(exact, PROVIDER, ISSUER,
					   "repo:O/R:ref:refs/heads/main", AUD,
					   true));
}

/* The wizard's own trust policy with an exact scope and a pattern scope
 * must admit both kinds of job (IAM ANDs operators inside a statement, so
 * they need separate statements) and nothing of another repository. */
static void test_generated_trust_admits_exact_and_pattern(void **state)
{
	struct ew_setup s;
	struct ew_buf doc;
	struct ew_error err;

	(void)state;
	ew_setup_init(&s);
	ew_buf_init(&doc);
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	assert_int_equal(ew_setup_set_account(&s, "123456789012", &err), 0);
	assert_int_equal(ew_setup_add_scope(&s, "branch:main", &err), 0);
	assert_int_equal(ew_setup_add_scope(&s, "tag:v*", &err), 0);
	assert_int_equal(ew_doc_trust_policy(&doc, &s, NULL, &err), 0);
	assert_true(admits(doc.ptr, "repo:o/r:ref:refs/heads/main", AUD));
	assert_true(admits(doc.ptr, "repo:o/r:ref:refs/tags/v1.2", AUD));
	assert_false(admits(doc.ptr, "repo:o/r:ref:refs/heads/dev", AUD));
	assert_false(admits(doc.ptr, "repo:o/r2:ref:refs/heads/main", AUD));
	assert_false(admits(doc.ptr, "repo:o/r:ref:refs/tags/v1", "sigstore"));
	ew_buf_release(&doc);
	ew_setup_release(&s);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(ew_doctor_status_name(EW_DOCTOR_PASS), "pass");
	assert_string_equal(ew_doctor_status_name(EW_DOCTOR_WARN), "warn");
	assert_string_equal(ew_doctor_status_name(EW_DOCTOR_FAIL), "fail");
	assert_string_equal(ew_doctor_status_name(EW_DOCTOR_SKIP), "skip");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_glob_covers),
	    cmocka_unit_test(test_policy_grants),
	    cmocka_unit_test(test_trust_admits),
	    cmocka_unit_test(test_generated_trust_admits_exact_and_pattern),
	    cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
