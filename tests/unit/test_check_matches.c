/*
 * test_check_matches.c - the "matches" comparisons behind the checks,
 * each given a value that differs from the right one only in case, and
 * one that differs only by a suffix (widgets vs widgets-evil): IAM
 * compares resource ARNs, principals, audiences and subjects exactly, so
 * neither may count as a match.  Also the workflow scanner's reading of
 * `permissions: id-token: read` / `none` (not write).
 *
 * Calls the evaluator by today's names (ew_policy_grants,
 * ew_policy_trust_admits); the CLI side of the same cases, against moto,
 * is tests/cli/check_reads_moto.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "doctor.h"
#include "error.h"
#include "knowledge.h"
#include "policy_eval.h"
#include "sharing.h"
#include "tags.h"
#include "workflow_scan.h"

#include <stdio.h>
#include <string.h>

#define ACCOUNT	       "123456789012"
#define ISSUER	       "token.actions.githubusercontent.com"
#define PROVIDER       "arn:aws:iam::" ACCOUNT ":oidc-provider/" ISSUER
#define AUD	       "sts.amazonaws.com"
#define REPO_ARN(name) "arn:aws:ecr:us-east-1:" ACCOUNT ":repository/" name
#define WIDGETS	       REPO_ARN("widgets")

/* ------------------------------------------------- resource ARNs */

/* A policy whose one Allow (or Deny) statement gives ecr:PutImage on
 * resource (a JSON value). */
static enum ew_policy_grant put_image(const char *effect,
				      const char *resource_key,
				      const char *resource, const char *on)
{
	char doc[1024];
	const char *docs[1] = {doc};

	snprintf(doc, sizeof(doc),
		 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		 "\"%s\",\"Action\":\"ecr:PutImage\",\"%s\":%s}]}",
		 effect, resource_key, resource);
	return ew_policy_grants(docs, 1, "ecr:PutImage", on);
}

static void test_resource_arn_case_and_prefix(void **state)
{
	(void)state;
	assert_int_equal(
	    put_image("Allow", "Resource", "\"" WIDGETS "\"", WIDGETS),
	    EW_GRANT_YES);
	/* Case only: repository/Widgets is another resource. */
	assert_int_equal(put_image("Allow", "Resource",
				   "\"" REPO_ARN("Widgets") "\"", WIDGETS),
			 EW_GRANT_NO);
	assert_int_equal(put_image("Allow", "Resource",
				   "[\"" REPO_ARN("WIDGETS") "\"]", WIDGETS),
			 EW_GRANT_NO);
	/* Prefix only, both ways. */
	assert_int_equal(put_image("Allow", "Resource",
				   "\"" REPO_ARN("widgets-evil") "\"", WIDGETS),
			 EW_GRANT_NO);
	assert_int_equal(put_image("Allow", "Resource", "\"" WIDGETS "\"",
				   REPO_ARN("widgets-evil")),
			 EW_GRANT_NO);
	assert_int_equal(put_image("Allow", "Resource",
				   "\"" REPO_ARN("widget") "\"", WIDGETS),
			 EW_GRANT_NO);
	/* A glob is a glob: widgets* does cover widgets-evil. */
	assert_int_equal(put_image("Allow", "Resource",
				   "\"" REPO_ARN("widgets*") "\"",
				   REPO_ARN("widgets-evil")),
			 EW_GRANT_YES);
	/* NotResource: excluding Widgets does not exclude widgets. */
	assert_int_equal(put_image("Allow", "NotResource",
				   "\"" REPO_ARN("Widgets") "\"", WIDGETS),
			 EW_GRANT_YES);
	assert_int_equal(put_image("Allow", "NotResource",
				   "\"" REPO_ARN("widgets-evil") "\"", WIDGETS),
			 EW_GRANT_YES);
	/* A Deny on Widgets or widgets-evil leaves widgets allowed. */
	{
		static const char *docs[] = {
		    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecr:*"
		    "\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":"
		    "\"ecr:PutImage\",\"Resource\":[\"" REPO_ARN(
			"Widgets") "\",\"" REPO_ARN("widgets-evil") "\"]}]}"};

		assert_int_equal(
		    ew_policy_grants(docs, 1, "ecr:PutImage", WIDGETS),
		    EW_GRANT_YES);
	}
	/* Actions are not case-sensitive in IAM. */
	assert_int_equal(
	    ew_policy_grants(
		(const char *[]){"{\"Statement\":{\"Effect\":"
				 "\"Allow\",\"Action\":\"ECR:"
				 "PUTIMAGE\",\"Resource\":\"" WIDGETS "\"}}"},
		1, "ecr:PutImage", WIDGETS),
	    EW_GRANT_YES);
}

/* --------------------------------------------------------- trust */

/* A trust policy for principal with one StringEquals aud value and a sub
 * test (operator, JSON value). */
static const char *trust(const char *principal, const char *aud,
			 const char *sub_op, const char *sub)
{
	static char b[2048];

	snprintf(b, sizeof(b),
		 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		 "\"Allow\",\"Principal\":{\"Federated\":\"%s\"},\"Action\":"
		 "\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{"
		 "\"StringEquals\":{\"" ISSUER
		 ":aud\":\"%s\"},\"%s\":{\"" ISSUER ":sub\":%s}}}]}",
		 principal, aud, sub_op, sub);
	return b;
}

#define MAIN_SUB "repo:octo/widgets:ref:refs/heads/main"

static bool admits(const char *doc, const char *sub)
{
	return ew_policy_trust_admits(doc, PROVIDER, ISSUER, sub, AUD, false);
}

static void test_trust_principal_case_and_prefix(void **state)
{
	struct ew_buf b;

	(void)state;
	ew_buf_init(&b);
	assert_true(
	    admits(trust(PROVIDER, AUD, "StringEquals", "\"" MAIN_SUB "\""),
		   MAIN_SUB));
	assert_false(
	    admits(trust("arn:aws:iam::" ACCOUNT ":oidc-provider/Token.Actions."
			 "GitHubUserContent.com",
			 AUD, "StringEquals", "\"" MAIN_SUB "\""),
		   MAIN_SUB));
	assert_false(admits(
	    trust(PROVIDER "-evil", AUD, "StringEquals", "\"" MAIN_SUB "\""),
	    MAIN_SUB));
	assert_false(
	    admits(trust("arn:aws:iam::" ACCOUNT ":oidc-provider/token.actions",
			 AUD, "StringEquals", "\"" MAIN_SUB "\""),
		   MAIN_SUB));
	/* The values of a statement naming another principal are not ours. */
	assert_int_equal(
	    ew_policy_trust_values(&b,
				   trust(PROVIDER "-evil", AUD, "StringEquals",
					 "\"" MAIN_SUB "\""),
				   PROVIDER, ISSUER, false),
	    EW_ENOTFOUND);
	ew_buf_release(&b);
}

static void test_trust_audience_case_and_prefix(void **state)
{
	(void)state;
	assert_false(admits(trust(PROVIDER, "STS.amazonaws.com", "StringEquals",
				  "\"" MAIN_SUB "\""),
			    MAIN_SUB));
	assert_false(admits(
	    trust(PROVIDER, AUD ".evil", "StringEquals", "\"" MAIN_SUB "\""),
	    MAIN_SUB));
	assert_false(admits(trust(PROVIDER, "sts.amazonaws", "StringEquals",
				  "\"" MAIN_SUB "\""),
			    MAIN_SUB));
	/* The audience is never compared ignoring case, even when the
	 * subject is. */
	assert_false(
	    ew_policy_trust_admits(trust(PROVIDER, "STS.amazonaws.com",
					 "StringEquals", "\"" MAIN_SUB "\""),
				   PROVIDER, ISSUER, MAIN_SUB, AUD, true));
}

static void test_trust_subject_case_and_prefix(void **state)
{
	const char *eq =
	    trust(PROVIDER, AUD, "StringEquals", "\"" MAIN_SUB "\"");

	(void)state;
	/* StringEquals: case-only and prefix-only differences refused. */
	assert_false(admits(eq, "repo:Octo/Widgets:ref:refs/heads/main"));
	assert_false(admits(eq, "repo:octo/widgets-evil:ref:refs/heads/main"));
	assert_false(admits(eq, "repo:octo/widgets:ref:refs/heads/main-evil"));
	assert_false(admits(eq, "repo:octo/widgets:ref:refs/heads/mai"));
	/* ... unless asked to ignore case (doctor's "casing" diagnosis). */
	assert_true(ew_policy_trust_admits(
	    eq, PROVIDER, ISSUER, "repo:Octo/Widgets:ref:refs/heads/main", AUD,
	    true));
	/* StringLike: the repository's own pattern refuses widgets-evil;
	 * a pattern without the ':' admits it. */
	assert_false(admits(
	    trust(PROVIDER, AUD, "StringLike", "\"repo:octo/widgets:*\""),
	    "repo:octo/widgets-evil:ref:refs/heads/main"));
	assert_false(admits(
	    trust(PROVIDER, AUD, "StringLike", "\"repo:octo/widgets:*\""),
	    "repo:Octo/widgets:ref:refs/heads/main"));
	assert_true(
	    admits(trust(PROVIDER, AUD, "StringLike", "\"repo:octo/widgets*\""),
		   "repo:octo/widgets-evil:ref:refs/heads/main"));
	/* StringEqualsIgnoreCase: case only is admitted, prefix is not. */
	assert_true(admits(
	    trust(PROVIDER, AUD, "StringEqualsIgnoreCase", "\"" MAIN_SUB "\""),
	    "repo:Octo/Widgets:ref:refs/heads/main"));
	assert_false(admits(
	    trust(PROVIDER, AUD, "StringEqualsIgnoreCase", "\"" MAIN_SUB "\""),
	    "repo:octo/widgets-evil:ref:refs/heads/main"));
}

/* ------------------------------------------------ knowledge's test */

static void test_knowledge_sub_admitted_case_and_prefix(void **state)
{
	(void)state;
	assert_true(ew_knowledge_sub_admitted(MAIN_SUB, MAIN_SUB));
	assert_false(ew_knowledge_sub_admitted(
	    MAIN_SUB, "repo:Octo/Widgets:ref:refs/heads/main"));
	assert_false(ew_knowledge_sub_admitted(
	    "repo:Octo/Widgets:ref:refs/heads/main", MAIN_SUB));
	assert_false(ew_knowledge_sub_admitted(
	    MAIN_SUB, "repo:octo/widgets-evil:ref:refs/heads/main"));
	assert_false(ew_knowledge_sub_admitted(
	    "repo:octo/widgets:*", "repo:octo/widgets-evil:pull_request"));
	assert_false(ew_knowledge_sub_admitted(
	    "repo:octo/widgets:*", "repo:OCTO/widgets:pull_request"));
	assert_false(ew_knowledge_sub_admitted(MAIN_SUB, MAIN_SUB "-evil"));
	/* One pattern per line: any line may admit, the others do not
	 * widen it. */
	assert_true(ew_knowledge_sub_admitted(
	    "repo:Octo/Widgets:*\nrepo:octo/widgets:*",
	    "repo:octo/widgets:pull_request"));
	assert_false(ew_knowledge_sub_admitted(
	    "repo:Octo/Widgets:*\nrepo:octo/widgets-evil:*",
	    "repo:octo/widgets:pull_request"));
}

/* ------------------------------------------------ sharing and tags */

static void test_sharing_prefix(void **state)
{
	struct ew_sharing sh;
	char doc[1024];

	(void)state;
	/* A subject of widgets-evil is another repository's. */
	ew_sharing_init(&sh);
	assert_int_equal(
	    ew_sharing_scan_trust(
		&sh,
		trust(PROVIDER, AUD, "StringLike",
		      "[\"repo:octo/widgets:*\",\"repo:octo/widgets-evil:*\"]"),
		PROVIDER, "octo", "widgets"),
	    0);
	assert_int_equal(sh.nnames, 1);
	assert_string_equal(sh.names[0], "octo/widgets-evil");
	ew_sharing_release(&sh);

	/* A permissions policy granting widgets-evil serves another
	 * repository; one granting widgets only serves none. */
	snprintf(doc, sizeof(doc),
		 "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
		 "\"ecr:PutImage\",\"Resource\":[\"%s\",\"%s\"]}]}",
		 WIDGETS, REPO_ARN("widgets-evil"));
	ew_sharing_init(&sh);
	assert_int_equal(ew_sharing_scan_policy(&sh, doc, WIDGETS), 0);
	assert_int_equal(sh.nnames, 1);
	assert_non_null(strstr(sh.names[0], "widgets-evil"));
	ew_sharing_release(&sh);
	snprintf(doc, sizeof(doc),
		 "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
		 "\"ecr:PutImage\",\"Resource\":\"%s\"}]}",
		 WIDGETS);
	ew_sharing_init(&sh);
	assert_int_equal(ew_sharing_scan_policy(&sh, doc, WIDGETS), 0);
	assert_int_equal(sh.nnames, 0);
	ew_sharing_release(&sh);
}

static bool managed(const char *key, const char *value)
{
	struct ew_tags t;
	bool m;

	ew_tags_init(&t);
	assert_int_equal(ew_tags_add(&t, key, value), 0);
	m = ew_tags_is_managed(&t);
	ew_tags_release(&t);
	return m;
}

/* Only the exact managed-by=ecr-wizard tag makes a resource ours (and
 * so something apply may change and teardown may delete). */
static void test_managed_tag_case_and_prefix(void **state)
{
	(void)state;
	assert_true(managed("managed-by", "ecr-wizard"));
	assert_false(managed("managed-by", "ECR-Wizard"));
	assert_false(managed("Managed-By", "ecr-wizard"));
	assert_false(managed("managed-by", "ecr-wizard-evil"));
	assert_false(managed("managed-by", "ecr-wiz"));
	assert_false(managed("managed-by-evil", "ecr-wizard"));
}

/* ------------------------------------------------ id-token: read */

static enum ew_wf_id_token id_token_of(const char *workflow_perms,
				       const char *job_perms)
{
	char text[2048];
	struct ew_workflow_scan s;
	struct ew_error err;
	enum ew_wf_id_token t;

	snprintf(text, sizeof(text),
		 "on: push\n%s"
		 "jobs:\n"
		 "  build:\n"
		 "    runs-on: ubuntu-latest\n%s"
		 "    steps:\n"
		 "      - uses: aws-actions/configure-aws-credentials@v4\n"
		 "        with:\n"
		 "          role-to-assume: ${{ secrets.AWS_ROLE_ARN }}\n"
		 "          aws-region: us-east-1\n",
		 workflow_perms, job_perms);
	ew_workflow_scan_init(&s);
	ew_error_clear(&err);
	assert_int_equal(ew_workflow_scan_add(&s, ".github/workflows/p.yml",
					      text, strlen(text), &err),
			 0);
	assert_int_equal(ew_workflow_scan_finish(&s, "main", &err), 0);
	assert_int_equal(s.njobs, 1);
	t = s.jobs[0].id_token;
	ew_workflow_scan_release(&s);
	return t;
}

static void test_id_token_read_and_none(void **state)
{
	(void)state;
	assert_int_equal(id_token_of("permissions:\n  id-token: write\n", ""),
			 EW_WF_ID_TOKEN_WRITE);
	assert_int_equal(id_token_of("permissions:\n  id-token: read\n", ""),
			 EW_WF_ID_TOKEN_DENIED);
	assert_int_equal(id_token_of("permissions:\n  id-token: none\n", ""),
			 EW_WF_ID_TOKEN_DENIED);
	assert_int_equal(id_token_of("permissions:\n  id-token: Write\n", ""),
			 EW_WF_ID_TOKEN_DENIED);
	assert_int_equal(
	    id_token_of("", "    permissions:\n      id-token: read\n"),
	    EW_WF_ID_TOKEN_DENIED);
	assert_int_equal(
	    id_token_of("", "    permissions:\n      id-token: none\n"),
	    EW_WF_ID_TOKEN_DENIED);
	/* A job's read replaces the workflow's write. */
	assert_int_equal(
	    id_token_of("permissions:\n  id-token: write\n",
			"    permissions:\n      id-token: read\n"),
	    EW_WF_ID_TOKEN_DENIED);
	assert_int_equal(id_token_of("permissions: read-all\n", ""),
			 EW_WF_ID_TOKEN_DENIED);
	assert_int_equal(id_token_of("permissions: write-all\n", ""),
			 EW_WF_ID_TOKEN_WRITE);
	assert_int_equal(id_token_of("", ""), EW_WF_ID_TOKEN_DEFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resource_arn_case_and_prefix),
	    cmocka_unit_test(test_trust_principal_case_and_prefix),
	    cmocka_unit_test(test_trust_audience_case_and_prefix),
	    cmocka_unit_test(test_trust_subject_case_and_prefix),
	    cmocka_unit_test(test_knowledge_sub_admitted_case_and_prefix),
	    cmocka_unit_test(test_sharing_prefix),
	    cmocka_unit_test(test_managed_tag_case_and_prefix),
	    cmocka_unit_test(test_id_token_read_and_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
