/*
 * test_doctor_moto.c - doctor against a real AWS emulator (moto server):
 * a correct setup passes every check; each broken setup, built with direct
 * IAM and ECR calls, fails the right check with the right knowledge entry.
 *
 * One moto serves every test program, so every case uses its own role,
 * policy and repository names; the state is reset once, at the start.
 * The OIDC provider is one per account: the audience case replaces it and
 * puts the right one back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ops_moto.h"

#include "doctor.h"
#include "documents.h"
#include "ecr.h"
#include "fsutil.h"
#include "iam.h"
#include "model.h"

#include <sys/stat.h>

#define ACCOUNT	 "123456789012"
#define ISSUER	 "token.actions.githubusercontent.com"
#define PROVIDER "arn:aws:iam::" ACCOUNT ":oidc-provider/" ISSUER
#define URL	 "https://" ISSUER

static struct ops_env env;

static void moto_reset(void)
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
	    ew_transport_perform(env.transport, &req, &resp, NULL, &err), 0);
	assert_int_equal(resp.status, 200);
	ew_http_response_release(&resp);
}

static void provider_with(const char *client_id)
{
	struct ew_error err;
	const char *ids[] = {client_id};
	int rc;

	ew_error_clear(&err);
	rc = ew_iam_delete_oidc_provider(&env.c, PROVIDER, &err);
	assert_ok(rc, err);
	rc = ew_iam_create_oidc_provider(NULL, &env.c, URL, ids, 1, NULL, 0,
					 NULL, &err);
	assert_ok(rc, err);
}

static int group_setup(void **state)
{
	(void)state;
	ops_env_init(&env);
	moto_reset();
	provider_with("sts.amazonaws.com");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	ops_env_release(&env);
	return 0;
}

/* A client for region against moto, like the front-end's. */
static int client_for(struct ew_aws_client *out, const char *region,
		      void *payload, struct ew_error *err)
{
	struct ew_credentials cr;
	int rc;

	(void)payload;
	ew_credentials_init(&cr);
	cr.access_key_id = (char *)OPS_AKID;
	cr.secret_access_key = (char *)OPS_SECRET;
	rc = ew_aws_client_init(out, &env.ctx, &cr, region, err);
	for (int s = 0; rc == 0 && s < EW_SVC_COUNT; s++)
		rc = ew_aws_client_set_endpoint(out, (enum ew_service)s,
						ops_moto_url(), err);
	return rc;
}

/* One audited setup: its names, its work tree, its report. */
struct dcase {
	struct ew_setup s;
	char root[512];
	struct ew_doctor_report rep;
};

/* How to break the setup (zero: the correct one). */
struct breakage {
	const char *trust;	 /* trust document; NULL: the wizard's */
	const char *policy;	 /* permissions policy; NULL: the wizard's */
	bool no_attach;		 /* leave the policy detached */
	const char *repo_region; /* NULL: the setup's */
	const char *workflow;	 /* NULL: the wizard's */
	const char *extra_file;	 /* another workflow file (name) ... */
	const char *extra_text;	 /* ... with this text */
	long max_session;	 /* 0: IAM's default */
};

static void case_init(struct dcase *c, const char *tag)
{
	struct ew_error err;
	char name[96];
	const char *out = getenv("EW_TEST_OUT");

	memset(c, 0, sizeof(*c));
	assert_int_equal(ew_setup_init(&c->s), 0);
	assert_ok(ew_setup_set_github(&c->s, "octo-org/app", &err), err);
	assert_ok(ew_setup_set_region(&c->s, "us-east-1", &err), err);
	assert_ok(ew_setup_set_account(&c->s, ACCOUNT, &err), err);
	snprintf(name, sizeof(name), "dr-%s-%s", tag, env.uniq);
	assert_ok(ew_setup_set_role_name(&c->s, name, &err), err);
	assert_ok(ew_setup_set_repo_name(&c->s, name, &err), err);
	snprintf(name, sizeof(name), "dp-%s-%s", tag, env.uniq);
	assert_ok(ew_setup_set_policy_name(&c->s, name, &err), err);
	snprintf(c->root, sizeof(c->root), "%s/doctor-%s-%s",
		 out && *out ? out : "/tmp", tag, env.uniq);
	if (mkdir(c->root, 0755) != 0)
		fail_msg("cannot create '%s'", c->root);
}

static void case_release(struct dcase *c)
{
	ew_doctor_report_release(&c->rep);
	ew_setup_release(&c->s);
}

static void write_file(const char *root, const char *rel, const char *text)
{
	struct ew_error err;

	ew_error_clear(&err);
	assert_ok(
	    ew_file_write_atomic(root, rel, text, strlen(text), 0644, &err),
	    err);
}

/* Create the role, policy, repository and workflow, broken as b says. */
static void build(struct dcase *c, const struct breakage *b)
{
	struct ew_setup *s = &c->s;
	struct ew_buf trust, policy, lc, arn, wf;
	struct ew_iam_policy pol;
	struct ew_iam_role role;
	struct ew_aws_client ecr;
	struct ew_error err;
	int rc;

	ew_buf_init(&trust);
	ew_buf_init(&policy);
	ew_buf_init(&lc);
	ew_buf_init(&arn);
	ew_buf_init(&wf);
	memset(&pol, 0, sizeof(pol));
	memset(&role, 0, sizeof(role));
	ew_error_clear(&err);
	if (b->trust)
		ew_buf_puts(&trust, b->trust);
	else
		assert_ok(ew_doc_trust_policy(&trust, s, NULL, &err), err);
	if (b->policy)
		ew_buf_puts(&policy, b->policy);
	else
		assert_ok(ew_doc_permissions_policy(&policy, s, NULL, &err),
			  err);
	rc = ew_iam_create_role(&role, &env.c, s->role_name, NULL, trust.ptr,
				NULL, b->max_session, NULL, &err);
	assert_ok(rc, err);
	rc = ew_iam_create_policy(&pol, &env.c, s->policy_name, NULL,
				  policy.ptr, NULL, NULL, &err);
	assert_ok(rc, err);
	if (!b->no_attach) {
		rc = ew_iam_attach_role_policy(&env.c, s->role_name, pol.arn,
					       &err);
		assert_ok(rc, err);
	}
	assert_ok(client_for(&ecr, b->repo_region ? b->repo_region : s->region,
			     NULL, &err),
		  err);
	rc = ew_ecr_create_repository(NULL, &ecr, s->repo_name, NULL, &err);
	assert_ok(rc, err);
	assert_ok(ew_doc_lifecycle_policy(&lc, s, &err), err);
	rc = ew_ecr_put_lifecycle_policy(&ecr, s->repo_name, lc.ptr, &err);
	assert_ok(rc, err);
	ew_aws_client_release(&ecr);

	if (b->workflow)
		ew_buf_puts(&wf, b->workflow);
	else
		assert_ok(ew_doc_workflow(&wf, s, &err), err);
	write_file(c->root, EW_DEFAULT_WORKFLOW, wf.ptr);
	if (b->extra_file)
		write_file(c->root, b->extra_file, b->extra_text);

	ew_iam_role_release(&role);
	ew_iam_policy_release(&pol);
	ew_buf_release(&trust);
	ew_buf_release(&policy);
	ew_buf_release(&lc);
	ew_buf_release(&arn);
	ew_buf_release(&wf);
}

static void run(struct dcase *c)
{
	struct ew_doctor_input in;
	struct ew_error err;

	memset(&in, 0, sizeof(in));
	ew_error_clear(&err);
	in.setup = &c->s;
	in.make_client = client_for;
	in.root = c->root;
	assert_ok(ew_doctor_run(&c->rep, &in, &err), err);
}

static void dump(const struct ew_doctor_report *r)
{
	for (size_t i = 0; i < r->nchecks; i++)
		print_message(
		    "  %s %-20s %s | %s | %s\n",
		    ew_doctor_status_name(r->checks[i].status), r->checks[i].id,
		    r->checks[i].title, r->checks[i].detail,
		    r->checks[i].knowledge_id ? r->checks[i].knowledge_id
					      : "-");
}

/* The first check with this id (and title containing `title`, when
 * given). */
static const struct ew_doctor_check *find(const struct ew_doctor_report *r,
					  const char *id, const char *title)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].id, id) == 0 &&
		    (!title || strstr(r->checks[i].title, title)))
			return &r->checks[i];
	dump(r);
	fail_msg("no check '%s' (%s)", id, title ? title : "any");
	return NULL;
}

static void expect(const struct ew_doctor_report *r, const char *id,
		   const char *title, enum ew_doctor_status st, const char *kn)
{
	const struct ew_doctor_check *c = find(r, id, title);

	if (c->status != st ||
	    (kn && (!c->knowledge_id || strcmp(c->knowledge_id, kn) != 0))) {
		dump(r);
		fail_msg("check %s (%s): expected %s/%s, got %s/%s", id,
			 c->title, ew_doctor_status_name(st), kn ? kn : "-",
			 ew_doctor_status_name(c->status),
			 c->knowledge_id ? c->knowledge_id : "-");
	}
	if (st == EW_DOCTOR_FAIL && !c->fix)
		fail_msg("check %s failed without a fix", id);
}

/* ----------------------------------------------------------- the cases */

static void test_correct_setup_passes(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	case_init(&c, "ok");
	build(&c, &b);
	run(&c);
	if (c.rep.nfail || c.rep.nwarn || c.rep.nskip) {
		dump(&c.rep);
		fail_msg("a correct setup: %zu failed, %zu warned, %zu skipped",
			 c.rep.nfail, c.rep.nwarn, c.rep.nskip);
	}
	assert_true(c.rep.npass >= 22);
	assert_string_equal(c.rep.account, ACCOUNT);
	expect(&c.rep, "trust-subject", "ref:refs/heads/main", EW_DOCTOR_PASS,
	       NULL);
	expect(&c.rep, "trust-subject", "ref:refs/tags/*", EW_DOCTOR_PASS,
	       NULL);
	expect(&c.rep, "policy-push", NULL, EW_DOCTOR_PASS, NULL);
	case_release(&c);
}

static void test_wrong_sub(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	b.trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		  "\"Allow\",\"Principal\":{\"Federated\":\"" PROVIDER "\"},"
		  "\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":"
		  "{\"StringEquals\":{\"" ISSUER ":aud\":\"sts.amazonaws.com\","
		  "\"" ISSUER ":sub\":\"repo:octo-org/other:ref:refs/heads/"
		  "main\"}}}]}";
	case_init(&c, "sub");
	build(&c, &b);
	run(&c);
	expect(&c.rep, "trust-subject", "ref:refs/heads/main", EW_DOCTOR_FAIL,
	       "sub-mismatch-branch");
	expect(&c.rep, "trust-subject", "ref:refs/tags/*", EW_DOCTOR_FAIL,
	       "sub-mismatch-tag");
	expect(&c.rep, "trust-sub", NULL, EW_DOCTOR_WARN, NULL);
	expect(&c.rep, "trust-audience", NULL, EW_DOCTOR_PASS, NULL);
	/* The fix names the --trust flag that admits it. */
	assert_non_null(strstr(find(&c.rep, "trust-subject", "heads/main")->fix,
			       "--trust 'branch:main'"));
	case_release(&c);
}

/* A repository with a custom OIDC subject template: the trust apply
 * writes for it admits the template's subjects, and doctor spells the
 * job's subject in that template too (not GitHub's default form, which
 * the trust does not admit). */
static void test_custom_subject_template(void **state)
{
	static const char *const keys[] = {"repository_owner", "repo",
					   "context"};
	struct dcase c;
	struct breakage b = {0};
	struct ew_error err;

	(void)state;
	case_init(&c, "tmpl");
	assert_ok(ew_setup_set_sub_claim_keys(&c.s, keys, 3, &err), err);
	build(&c, &b);
	run(&c);
	expect(&c.rep, "trust-subject",
	       "repository_owner:octo-org:repo:octo-org/app:ref:refs/heads/"
	       "main",
	       EW_DOCTOR_PASS, NULL);
	expect(&c.rep, "trust-sub", NULL, EW_DOCTOR_PASS, NULL);
	if (c.rep.nfail) {
		dump(&c.rep);
		fail_msg("a correct setup with a subject template: %zu failed",
			 c.rep.nfail);
	}
	case_release(&c);
}

static void test_missing_aud(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	b.trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		  "\"Allow\",\"Principal\":{\"Federated\":\"" PROVIDER "\"},"
		  "\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":"
		  "{\"StringLike\":{\"" ISSUER ":sub\":\"repo:octo-org/app:*\""
		  "}}}]}";
	case_init(&c, "aud");
	build(&c, &b);
	run(&c);
	expect(&c.rep, "trust-audience", NULL, EW_DOCTOR_FAIL,
	       "assume-role-oidc-denied");
	expect(&c.rep, "trust-subject", "heads/main", EW_DOCTOR_PASS, NULL);
	expect(&c.rep, "trust-sub", NULL, EW_DOCTOR_PASS, NULL);
	case_release(&c);
}

static void test_for_all_values(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	/* SAM's template: ForAllValues:StringLike on aud and sub. */
	b.trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		  "\"Allow\",\"Principal\":{\"Federated\":\"" PROVIDER "\"},"
		  "\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":"
		  "{\"ForAllValues:StringLike\":{\"" ISSUER ":aud\":"
		  "\"sts.amazonaws.com\",\"" ISSUER ":sub\":"
		  "\"repo:octo-org/app:*\"}}}]}";
	case_init(&c, "fav");
	build(&c, &b);
	run(&c);
	expect(&c.rep, "trust-for-all-values", NULL, EW_DOCTOR_FAIL,
	       "assume-role-oidc-denied");
	case_release(&c);
}

static void test_provider_without_audience(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	/* moto has no AddClientIDToOpenIDConnectProvider: the provider is
	 * created with another client id instead. */
	provider_with("sigstore");
	case_init(&c, "pa");
	build(&c, &b);
	run(&c);
	provider_with("sts.amazonaws.com");
	expect(&c.rep, "provider", NULL, EW_DOCTOR_PASS, NULL);
	expect(&c.rep, "provider-audience", NULL, EW_DOCTOR_FAIL,
	       "oidc-incorrect-audience");
	assert_non_null(strstr(find(&c.rep, "provider-audience", NULL)->detail,
			       "sigstore"));
	case_release(&c);
}

static void test_policy_not_attached(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	b.no_attach = true;
	case_init(&c, "na");
	build(&c, &b);
	run(&c);
	expect(&c.rep, "policy-attached", NULL, EW_DOCTOR_FAIL, "push-denied");
	expect(&c.rep, "policy-login", NULL, EW_DOCTOR_SKIP, NULL);
	expect(&c.rep, "policy-push", NULL, EW_DOCTOR_SKIP, NULL);
	assert_non_null(strstr(find(&c.rep, "policy-attached", NULL)->fix,
			       "attach-role-policy"));
	case_release(&c);
}

static void test_login_scoped_to_repository(void **state)
{
	struct dcase c;
	struct breakage b = {0};
	struct ew_buf pol, arn;
	struct ew_error err;

	(void)state;
	case_init(&c, "gat");
	ew_buf_init(&pol);
	ew_buf_init(&arn);
	assert_ok(ew_setup_repository_arn(&arn, &c.s, NULL, &err), err);
	ew_buf_printf(&pol,
		      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		      "\"Allow\",\"Action\":[\"ecr:GetAuthorizationToken\","
		      "\"ecr:BatchCheckLayerAvailability\","
		      "\"ecr:BatchGetImage\",\"ecr:CompleteLayerUpload\","
		      "\"ecr:GetDownloadUrlForLayer\","
		      "\"ecr:InitiateLayerUpload\",\"ecr:PutImage\","
		      "\"ecr:UploadLayerPart\"],\"Resource\":\"%s\"}]}",
		      arn.ptr);
	b.policy = pol.ptr;
	build(&c, &b);
	run(&c);
	expect(&c.rep, "policy-login", NULL, EW_DOCTOR_FAIL,
	       "ecr-get-authorization-token-scoped");
	assert_non_null(
	    strstr(find(&c.rep, "policy-login", NULL)->detail, "repository"));
	expect(&c.rep, "policy-push", NULL, EW_DOCTOR_PASS, NULL);
	ew_buf_release(&pol);
	ew_buf_release(&arn);
	case_release(&c);
}

static void test_wildcards_and_deny(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	b.policy = "{\"Version\":\"2012-10-17\",\"Statement\":["
		   "{\"Effect\":\"Allow\",\"Action\":\"ecr:Get*\","
		   "\"Resource\":\"*\"},"
		   "{\"Effect\":\"Allow\",\"Action\":\"ecr:*\",\"Resource\":"
		   "\"arn:aws:ecr:*:" ACCOUNT ":repository/*\"},"
		   "{\"Effect\":\"Deny\",\"Action\":\"ecr:PutImage\","
		   "\"Resource\":\"*\"}]}";
	case_init(&c, "wild");
	build(&c, &b);
	run(&c);
	expect(&c.rep, "policy-login", NULL, EW_DOCTOR_PASS, NULL);
	expect(&c.rep, "policy-push", NULL, EW_DOCTOR_FAIL, "push-denied");
	{
		const char *d = find(&c.rep, "policy-push", NULL)->detail;

		assert_non_null(strstr(d, "ecr:PutImage"));
		assert_null(strstr(d, "ecr:UploadLayerPart"));
	}
	case_release(&c);
}

static void test_repository_in_other_region(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	b.repo_region = "us-west-2";
	case_init(&c, "reg");
	build(&c, &b);
	run(&c);
	expect(&c.rep, "repository", NULL, EW_DOCTOR_FAIL,
	       "repository-not-found");
	expect(&c.rep, "lifecycle", NULL, EW_DOCTOR_SKIP, NULL);
	/* The policy names the setup's region: still right. */
	expect(&c.rep, "policy-push", NULL, EW_DOCTOR_PASS, NULL);
	case_release(&c);
}

static void test_principal_of_other_account(void **state)
{
	struct dcase c;
	struct breakage b = {0};

	(void)state;
	b.trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		  "\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::"
		  "999999999999:oidc-provider/" ISSUER "\"},"
		  "\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":"
		  "{\"StringEquals\":{\"" ISSUER ":aud\":\"sts.amazonaws.com\""
		  "},\"StringLike\":{\"" ISSUER ":sub\":"
		  "\"repo:octo-org/app:*\"}}}]}";
	case_init(&c, "acct");
	build(&c, &b);
	run(&c);
	expect(&c.rep, "trust-provider", NULL, EW_DOCTOR_FAIL,
	       "oidc-provider-not-found");
	assert_non_null(strstr(find(&c.rep, "trust-provider", NULL)->detail,
			       "999999999999"));
	case_release(&c);
}

static void test_workflow_problems(void **state)
{
	static const char wf[] =
	    "name: deploy\n"
	    "on:\n"
	    "  push:\n"
	    "    branches: [main]\n"
	    "permissions:\n"
	    "  contents: read\n"
	    "jobs:\n"
	    "  deploy:\n"
	    "    runs-on: ubuntu-latest\n"
	    "    environment: production\n"
	    "    steps:\n"
	    "      - uses: aws-actions/configure-aws-credentials@v6\n"
	    "        with:\n"
	    "          role-to-assume: ${{ secrets.AWS_ROLE_ARN }}\n"
	    "          aws-region: eu-west-1\n"
	    "          role-duration-seconds: 7200\n"
	    "      - uses: aws-actions/amazon-ecr-login@v2\n"
	    "      - run: docker push "
	    "210987654321.dkr.ecr.eu-west-1.amazonaws.com/app:1\n";
	struct dcase c;
	struct breakage b = {0};
	struct ew_error err;
	const struct ew_doctor_check *bad;

	(void)state;
	case_init(&c, "wf");
	/* The role trusts the main branch only. */
	assert_ok(ew_setup_add_scope(&c.s, "branch:main", &err), err);
	b.workflow = wf;
	b.extra_file = ".github/workflows/broken.yml";
	b.extra_text = "on: push\njobs:\n  a: [\n";
	build(&c, &b);
	run(&c);
	expect(&c.rep, "trust-subject", "environment:production",
	       EW_DOCTOR_FAIL, "sub-mismatch-environment");
	expect(&c.rep, "workflow-id-token", NULL, EW_DOCTOR_FAIL,
	       "id-token-permission-missing");
	expect(&c.rep, "max-session", NULL, EW_DOCTOR_FAIL,
	       "duration-exceeds-max-session");
	expect(&c.rep, "workflow-region", NULL, EW_DOCTOR_FAIL,
	       "repository-not-found");
	expect(&c.rep, "workflow-registry", NULL, EW_DOCTOR_FAIL,
	       "no-basic-auth-credentials");
	expect(&c.rep, "workflow-role", NULL, EW_DOCTOR_PASS, NULL);
	bad = find(&c.rep, "workflow", "broken.yml");
	assert_int_equal(bad->status, EW_DOCTOR_FAIL);
	assert_non_null(strstr(bad->detail, ".github/workflows/broken.yml"));
	assert_non_null(strstr(bad->detail, "line 4"));
	/* The names the workflow uses, for gh secret list. */
	assert_non_null(strstr(find(&c.rep, "workflow-names", NULL)->detail,
			       "AWS_ROLE_ARN"));
	case_release(&c);
}

static void test_no_credentials(void **state)
{
	struct dcase c;
	struct breakage b = {0};
	struct ew_doctor_input in;
	struct ew_error why, err;

	(void)state;
	case_init(&c, "nc");
	build(&c, &b);
	ew_error_set(&why, EW_ENOCREDS, "no AWS credentials found");
	memset(&in, 0, sizeof(in));
	in.setup = &c.s;
	in.cred_error = &why;
	in.root = c.root;
	assert_ok(ew_doctor_run(&c.rep, &in, &err), err);
	assert_true(c.rep.no_credentials);
	expect(&c.rep, "credentials", NULL, EW_DOCTOR_FAIL, "no-credentials");
	expect(&c.rep, "role", NULL, EW_DOCTOR_SKIP, NULL);
	/* The local workflow is still audited. */
	expect(&c.rep, "workflow-id-token", NULL, EW_DOCTOR_PASS, NULL);
	case_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_correct_setup_passes),
	    cmocka_unit_test(test_wrong_sub),
	    cmocka_unit_test(test_custom_subject_template),
	    cmocka_unit_test(test_missing_aud),
	    cmocka_unit_test(test_for_all_values),
	    cmocka_unit_test(test_provider_without_audience),
	    cmocka_unit_test(test_policy_not_attached),
	    cmocka_unit_test(test_login_scoped_to_repository),
	    cmocka_unit_test(test_wildcards_and_deny),
	    cmocka_unit_test(test_repository_in_other_region),
	    cmocka_unit_test(test_principal_of_other_account),
	    cmocka_unit_test(test_workflow_problems),
	    cmocka_unit_test(test_no_credentials),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
