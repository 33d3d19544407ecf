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
#include "glob.h"
#include "policy_eval.h"
#include "documents.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
		if (ew_glob_covers(cases[i].pattern, cases[i].subject,
				   cases[i].icase) != cases[i].want)
			fail_msg("'%s' covers '%s': expected %d",
				 cases[i].pattern, cases[i].subject,
				 cases[i].want);
}

static enum ew_policy_grant grant1(const char *doc, const char *action,
				   const char *res)
{
	const char *docs[] = {doc};

	return ew_policy_grants(docs, 1, action, res);
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
		    ew_policy_grants(docs, 2, "ecr:PutImage", REPO),
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
	return ew_policy_trust_admits(trust, PROVIDER, ISSUER, sub, aud, false);
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
	assert_true(ew_policy_trust_admits(exact, PROVIDER, ISSUER,
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

/* ------------------------------------------- the workflow, offline */

#define WF_HEAD                                                                \
	"name: push\n"                                                         \
	"on:\n"                                                                \
	"  push:\n"                                                            \
	"    branches: [main]\n"                                               \
	"permissions:\n"                                                       \
	"  id-token: write\n"                                                  \
	"  contents: read\n"                                                   \
	"jobs:\n"                                                              \
	"  push:\n"                                                            \
	"    runs-on: ubuntu-latest\n"                                         \
	"    steps:\n"                                                         \
	"      - uses: aws-actions/configure-aws-credentials@v5\n"             \
	"        with:\n"                                                      \
	"          role-to-assume: ${{ secrets.%s }}\n"                        \
	"          aws-region: ${{ secrets.AWS_REGION }}\n"                    \
	"      - id: login-ecr\n"                                              \
	"        uses: aws-actions/amazon-ecr-login@v2\n"

/* Run doctor without AWS on one workflow; the report goes to *rep. */
static void doctor_on(struct ew_doctor_report *rep, const char *mutability,
		      const char *workflow)
{
	char root[] = "/tmp/ew-doctor-XXXXXX", path[256];
	struct ew_setup s;
	struct ew_doctor_input in;
	struct ew_error why, err;
	FILE *f;

	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/.github", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/.github/workflows", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/.github/workflows/push.yml", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(workflow, f);
	fclose(f);
	assert_int_equal(ew_setup_init(&s), 0);
	assert_int_equal(ew_setup_set_github(&s, "acme/app", &err), 0);
	assert_int_equal(ew_setup_set_region(&s, "eu-west-1", &err), 0);
	assert_int_equal(ew_setup_set_account(&s, "123456789012", &err), 0);
	assert_int_equal(ew_setup_set_repo_name(&s, "app", &err), 0);
	assert_int_equal(ew_setup_set_tag_mutability(&s, mutability, &err), 0);
	ew_error_clear(&why);
	ew_error_set(&why, EW_ENOCREDS, "no AWS credentials found");
	memset(&in, 0, sizeof(in));
	in.setup = &s;
	in.cred_error = &why;
	in.root = root;
	assert_int_equal(ew_doctor_run(rep, &in, &err), 0);
	ew_setup_release(&s);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.github/workflows", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/.github", root);
	rmdir(path);
	rmdir(root);
}

static const struct ew_doctor_check *
find_check(const struct ew_doctor_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->nchecks; i++)
		if (strcmp(rep->checks[i].id, id) == 0)
			return &rep->checks[i];
	fail_msg("no '%s' check in the report", id);
	return NULL;
}

static char *workflow(const char *role_secret, const char *tail)
{
	size_t n = strlen(WF_HEAD) + strlen(role_secret) + strlen(tail) + 1;
	char *w = malloc(n);

	assert_non_null(w);
	snprintf(w, n, WF_HEAD, role_secret);
	memcpy(w + strlen(w), tail, strlen(tail) + 1);
	return w;
}

#define META_STEPS(TAGS, FLAVOR)                                               \
	"      - id: meta\n"                                                   \
	"        uses: docker/metadata-action@v5\n"                            \
	"        with:\n"                                                      \
	"          images: ${{ steps.login-ecr.outputs.registry }}/app\n"      \
	"          flavor: " FLAVOR "\n"                                       \
	"          tags: |\n" TAGS                                             \
	"      - uses: docker/build-push-action@v6\n"                          \
	"        with:\n"                                                      \
	"          push: true\n"                                               \
	"          tags: ${{ steps.meta.outputs.tags }}\n"

static void test_tags_against_mutability(void **state)
{
	static const struct {
		const char *mutability, *steps;
		enum ew_doctor_status want;
		const char *names; /* in the detail when failing */
	} cases[] = {
	    /* what the new generator writes for IMMUTABLE: passes */
	    {"IMMUTABLE",
	     META_STEPS("            type=sha,format=long\n"
			"            type=semver,pattern={{version}}\n",
			"latest=false"),
	     EW_DOCTOR_PASS, NULL},
	    /* moving tags on an IMMUTABLE repository: fails */
	    {"IMMUTABLE",
	     META_STEPS("            type=ref,event=branch\n"
			"            type=sha\n",
			"latest=false"),
	     EW_DOCTOR_FAIL, "type=ref,event=branch"},
	    {"IMMUTABLE",
	     META_STEPS("            type=ref,event=pr\n", "latest=false"),
	     EW_DOCTOR_FAIL, "type=ref,event=pr"},
	    {"IMMUTABLE",
	     META_STEPS("            type=raw,value=stable\n", "latest=false"),
	     EW_DOCTOR_FAIL, "type=raw,value=stable"},
	    /* latest=auto adds latest for version tags */
	    {"IMMUTABLE",
	     META_STEPS("            type=semver,pattern={{version}}\n",
			"latest=auto"),
	     EW_DOCTOR_FAIL, "latest (metadata-action"},
	    /* build-push-action with literal tags */
	    {"IMMUTABLE",
	     "      - uses: docker/build-push-action@v6\n"
	     "        with:\n"
	     "          push: true\n"
	     "          tags: ${{ steps.login-ecr.outputs.registry }}/app:"
	     "latest,${{ steps.login-ecr.outputs.registry }}/app:${{ "
	     "github.sha }}\n",
	     EW_DOCTOR_FAIL, "'latest'"},
	    {"IMMUTABLE",
	     "      - uses: docker/build-push-action@v6\n"
	     "        with:\n"
	     "          push: true\n"
	     "          tags: ${{ steps.login-ecr.outputs.registry }}/app:${{ "
	     "github.sha }}\n",
	     EW_DOCTOR_PASS, NULL},
	    /* docker push in a run step, no tag = latest */
	    {"IMMUTABLE",
	     "      - run: |\n"
	     "          docker build -t app .\n"
	     "          docker tag app ${{ steps.login-ecr.outputs.registry "
	     "}}/app:${{ github.ref_name }}\n"
	     "          docker push ${{ steps.login-ecr.outputs.registry "
	     "}}/app\n",
	     EW_DOCTOR_FAIL, "'latest'"},
	    /* the same moving tags on a MUTABLE repository: fine */
	    {"MUTABLE",
	     META_STEPS("            type=ref,event=branch\n", "latest=auto"),
	     EW_DOCTOR_PASS, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct ew_doctor_report rep;
		const struct ew_doctor_check *c;
		char *w = workflow("AWS_ROLE_ARN", cases[i].steps);

		doctor_on(&rep, cases[i].mutability, w);
		c = find_check(&rep, "workflow-tags");
		if (c->status != cases[i].want)
			fail_msg("case %zu: status %d, want %d: %s", i,
				 (int)c->status, (int)cases[i].want, c->detail);
		if (cases[i].names) {
			if (!strstr(c->detail, cases[i].names))
				fail_msg("case %zu: '%s' not in: %s", i,
					 cases[i].names, c->detail);
			assert_non_null(strstr(c->fix, "latest=false"));
			assert_non_null(
			    strstr(c->fix,
				   "--repository-name app --region eu-west-1"));
			assert_string_equal(c->knowledge_id, "immutable-tag");
		}
		ew_doctor_report_release(&rep);
		free(w);
	}
}

static void test_secrets_against_setup(void **state)
{
	struct ew_doctor_report rep;
	const struct ew_doctor_check *c;
	char *w;

	(void)state;
	/* the table says AWS_ROLE_ARN; the hand-edited workflow AWS_ROLE */
	w = workflow("AWS_ROLE",
		     "      - run: echo ${{ secrets.SLACK_HOOK }}\n");
	doctor_on(&rep, "MUTABLE", w);
	c = find_check(&rep, "workflow-secrets");
	assert_int_equal(c->status, EW_DOCTOR_FAIL);
	assert_non_null(strstr(c->detail, "secrets.AWS_ROLE (role-to-assume)"));
	assert_null(strstr(c->detail, "SLACK_HOOK"));
	assert_non_null(
	    strstr(c->fix, "change secrets.AWS_ROLE to secrets.AWS_ROLE_ARN"));
	ew_doctor_report_release(&rep);
	free(w);

	/* the setup's own names pass; another secret is only listed */
	w = workflow("AWS_ROLE_ARN",
		     "      - run: echo ${{ secrets.SLACK_HOOK }}\n");
	doctor_on(&rep, "MUTABLE", w);
	c = find_check(&rep, "workflow-secrets");
	assert_int_equal(c->status, EW_DOCTOR_PASS);
	assert_non_null(strstr(c->detail, "SLACK_HOOK"));
	ew_doctor_report_release(&rep);
	free(w);

	/* an ECR_ name the setup does not write */
	w = workflow("AWS_ROLE_ARN",
		     "      - run: echo ${{ secrets.ECR_REPO }}\n");
	doctor_on(&rep, "MUTABLE", w);
	c = find_check(&rep, "workflow-secrets");
	assert_int_equal(c->status, EW_DOCTOR_FAIL);
	assert_non_null(strstr(
	    c->fix, "change secrets.ECR_REPO to secrets.ECR_REPOSITORY"));
	ew_doctor_report_release(&rep);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_glob_covers),
	    cmocka_unit_test(test_policy_grants),
	    cmocka_unit_test(test_trust_admits),
	    cmocka_unit_test(test_generated_trust_admits_exact_and_pattern),
	    cmocka_unit_test(test_status_names),
	    cmocka_unit_test(test_tags_against_mutability),
	    cmocka_unit_test(test_secrets_against_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
