/*
 * test_workflow_scan.c - the workflow facts doctor relies on, from the
 * fixtures in tests/fixtures/workflows and from the workflow ecr-wizard
 * itself generates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "buf.h"
#include "documents.h"
#include "fsutil.h"
#include "model.h"
#include "workflow_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *top(void)
{
	const char *t = getenv("EW_TOP");

	return t && *t ? t : ".";
}

/* Read tests/fixtures/workflows/NAME and add it as
 * .github/workflows/NAME; returns add's result. */
static int add_fixture(struct ew_workflow_scan *s, const char *name,
		       struct ew_error *err)
{
	struct ew_buf path, text, as;
	int rc;

	ew_buf_init(&path);
	ew_buf_init(&text);
	ew_buf_init(&as);
	ew_buf_printf(&path, "%s/tests/fixtures/workflows/%s", top(), name);
	ew_buf_printf(&as, ".github/workflows/%s", name);
	if (ew_file_read(&text, path.ptr, EW_WF_MAX_FILE, err) != 0)
		fail_msg("cannot read fixture %s: %s", path.ptr, err->message);
	rc = ew_workflow_scan_add(s, as.ptr, text.ptr, text.len, err);
	ew_buf_release(&path);
	ew_buf_release(&text);
	ew_buf_release(&as);
	return rc;
}

/* Scan one fixture (which must parse) and finish. */
static void scan_one(struct ew_workflow_scan *s, const char *name)
{
	struct ew_error err;

	ew_workflow_scan_init(s);
	ew_error_clear(&err);
	if (add_fixture(s, name, &err) != 0)
		fail_msg("%s: %s", name, err.message);
	assert_int_equal(ew_workflow_scan_finish(s, "main", &err), 0);
	assert_int_equal(s->nproblems, 0);
}

static const struct ew_wf_aws_job *job(const struct ew_workflow_scan *s,
				       const char *name)
{
	for (size_t i = 0; i < s->njobs; i++)
		if (strcmp(s->jobs[i].job, name) == 0)
			return &s->jobs[i];
	fail_msg("no AWS job '%s' among %zu", name, s->njobs);
	return NULL;
}

static bool has_subject(const struct ew_wf_aws_job *j, const char *context)
{
	for (size_t i = 0; i < j->nsubjects; i++)
		if (strcmp(j->subjects[i].context, context) == 0)
			return true;
	return false;
}

static bool has_name(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

static void test_missing_id_token(void **state)
{
	struct ew_workflow_scan s;
	const struct ew_wf_aws_job *j;

	(void)state;
	scan_one(&s, "missing-id-token.yml");
	assert_int_equal(s.njobs, 1);
	j = job(&s, "build");
	assert_int_equal(j->id_token, EW_WF_ID_TOKEN_DENIED);
	assert_string_equal(j->id_token_where, "workflow permissions (line 6)");
	assert_int_equal(j->nsubjects, 1);
	assert_true(has_subject(j, "ref:refs/heads/main"));
	assert_false(j->subjects[0].is_pattern);
	assert_string_equal(j->role.secret, "AWS_ROLE_ARN");
	assert_true(j->role.is_expr);
	assert_string_equal(j->region.literal, "us-east-1");
	assert_false(j->region.is_expr);
	assert_true(j->has_ecr_login);
	assert_string_equal(j->ecr_login_id, "login-ecr");
	assert_int_equal(j->registry, EW_WF_REGISTRY_OUTPUT);
	assert_int_equal(j->line, 10);
	ew_workflow_scan_release(&s);
}

static void test_job_override_drops_id_token(void **state)
{
	struct ew_workflow_scan s;
	const struct ew_wf_aws_job *j;

	(void)state;
	scan_one(&s, "job-override.yml");
	assert_int_equal(s.njobs, 2);
	j = job(&s, "build");
	assert_int_equal(j->id_token, EW_WF_ID_TOKEN_DENIED);
	assert_non_null(strstr(j->id_token_where, "replace the workflow's"));
	assert_non_null(strstr(j->id_token_where, "line 13"));
	j = job(&s, "deploy");
	assert_int_equal(j->id_token, EW_WF_ID_TOKEN_WRITE);
	assert_false(j->has_ecr_login);
	assert_int_equal(j->registry, EW_WF_REGISTRY_NONE);
	ew_workflow_scan_release(&s);
}

static void test_no_permissions_block(void **state)
{
	static const char text[] =
	    "on: workflow_dispatch\n"
	    "jobs:\n"
	    "  go:\n"
	    "    runs-on: ubuntu-latest\n"
	    "    steps:\n"
	    "      - uses: AWS-Actions/configure-aws-credentials@main\n"
	    "        with:\n"
	    "          role-to-assume: ${{ vars.ROLE }}\n"
	    "          aws-region: ${{ vars.REGION }}\n";
	struct ew_workflow_scan s;
	struct ew_error err;

	(void)state;
	ew_workflow_scan_init(&s);
	assert_int_equal(
	    ew_workflow_scan_add(&s, "w.yml", text, sizeof(text) - 1, &err), 0);
	assert_int_equal(ew_workflow_scan_finish(&s, "trunk", &err), 0);
	assert_int_equal(s.njobs, 1);
	assert_int_equal(s.jobs[0].id_token, EW_WF_ID_TOKEN_DEFAULT);
	/* Dispatch runs on the default branch. */
	assert_true(has_subject(&s.jobs[0], "ref:refs/heads/trunk"));
	assert_string_equal(s.jobs[0].role.var, "ROLE");
	assert_null(s.jobs[0].role.literal);
	assert_true(has_name(s.vars, s.nvars, "REGION"));
	ew_workflow_scan_release(&s);
}

static void test_environment_jobs(void **state)
{
	struct ew_workflow_scan s;
	const struct ew_wf_aws_job *j;

	(void)state;
	scan_one(&s, "environment.yml");
	assert_int_equal(s.njobs, 5);
	j = job(&s, "deploy");
	assert_int_equal(j->nsubjects, 1);
	/* The environment wins over the branch. */
	assert_true(has_subject(j, "environment:production"));
	assert_int_equal(j->subjects[0].kind, EW_WF_SUB_ENV);
	j = job(&s, "canary");
	assert_true(has_subject(j, "environment:Prod%3AV1"));
	j = job(&s, "fanout (environment=staging)");
	assert_true(has_subject(j, "environment:staging"));
	assert_string_equal(j->region.literal, "eu-west-1");
	j = job(&s, "fanout (environment=prod)");
	assert_true(has_subject(j, "environment:prod"));
	assert_string_equal(j->region.literal, "us-east-1");
	j = job(&s, "dynamic");
	assert_int_equal(j->nsubjects, 0);
	assert_non_null(j->subjects_note);
	assert_non_null(strstr(j->subjects_note, "expression"));
	ew_workflow_scan_release(&s);
}

static void test_tag_triggers(void **state)
{
	struct ew_workflow_scan s;
	const struct ew_wf_aws_job *j;

	(void)state;
	scan_one(&s, "tags.yml");
	j = job(&s, "publish");
	assert_true(has_subject(j, "ref:refs/heads/main"));
	assert_true(has_subject(j, "ref:refs/heads/releases/*"));
	assert_true(has_subject(j, "ref:refs/tags/v*"));
	/* [0-9]+ : one character, then more. */
	assert_true(has_subject(j, "ref:refs/tags/release-?*"));
	/* on.release: any tag. */
	assert_true(has_subject(j, "ref:refs/tags/*"));
	/* The negated filter admits nothing. */
	assert_false(has_subject(j, "ref:refs/heads/releases/old"));
	assert_int_equal(j->nsubjects, 5);
	for (size_t i = 0; i < j->nsubjects; i++)
		if (strcmp(j->subjects[i].context, "ref:refs/heads/main") == 0)
			assert_false(j->subjects[i].is_pattern);
		else
			assert_true(j->subjects[i].is_pattern);
	ew_workflow_scan_release(&s);
}

static void test_pull_request(void **state)
{
	struct ew_workflow_scan s;
	const struct ew_wf_aws_job *j;

	(void)state;
	scan_one(&s, "pull-request.yml");
	j = job(&s, "test");
	/* write-all includes id-token. */
	assert_int_equal(j->id_token, EW_WF_ID_TOKEN_WRITE);
	assert_true(has_subject(j, "pull_request"));
	assert_true(has_subject(j, "ref:refs/heads/*"));
	assert_true(has_subject(j, "ref:refs/tags/*"));
	assert_int_equal(j->nsubjects, 3);
	ew_workflow_scan_release(&s);
}

static void test_reusable_caller(void **state)
{
	struct ew_workflow_scan s;
	struct ew_error err;
	struct ew_buf root;
	const struct ew_wf_aws_job *j;

	(void)state;
	ew_buf_init(&root);
	ew_buf_printf(&root, "%s/tests/fixtures/workflows/repo", top());
	ew_workflow_scan_init(&s);
	assert_int_equal(ew_workflow_scan_dir(&s, root.ptr, NULL, &err), 0);
	assert_int_equal(ew_workflow_scan_finish(&s, "main", &err), 0);
	assert_int_equal(s.nfiles, 2);
	assert_int_equal(s.nproblems, 0);
	/* The called job once per caller; not on its own. */
	assert_int_equal(s.njobs, 2);
	for (size_t i = 0; i < s.njobs; i++) {
		j = &s.jobs[i];
		assert_string_equal(j->file,
				    ".github/workflows/reusable-build.yml");
		assert_string_equal(j->job, "push");
		assert_non_null(j->caller);
		/* The caller's triggers give the subject. */
		assert_true(has_subject(j, "ref:refs/heads/main"));
		assert_string_equal(j->role.var, "AWS_ROLE_ARN");
		assert_int_equal(j->registry, EW_WF_REGISTRY_OUTPUT);
		if (strstr(j->caller, "call-denied")) {
			assert_int_equal(j->id_token, EW_WF_ID_TOKEN_DENIED);
			assert_non_null(strstr(j->id_token_where, "caller"));
		} else {
			assert_string_equal(
			    j->caller, ".github/workflows/caller.yml:call-ok");
			assert_int_equal(j->id_token, EW_WF_ID_TOKEN_WRITE);
		}
	}
	assert_true(has_name(s.vars, s.nvars, "AWS_ROLE_ARN"));
	assert_true(has_name(s.vars, s.nvars, "AWS_REGION"));
	ew_workflow_scan_release(&s);

	/* --workflow names the caller: the callee is read on demand. */
	ew_workflow_scan_init(&s);
	assert_int_equal(ew_workflow_scan_dir(&s, root.ptr,
					      ".github/workflows/caller.yml",
					      &err),
			 0);
	assert_int_equal(s.nfiles, 1);
	assert_int_equal(ew_workflow_scan_finish(&s, "main", &err), 0);
	assert_int_equal(s.nfiles, 2);
	assert_int_equal(s.njobs, 2);
	ew_workflow_scan_release(&s);

	/* The callee alone: no caller, so no subject, and no block. */
	ew_workflow_scan_init(&s);
	assert_int_equal(
	    ew_workflow_scan_dir(&s, root.ptr,
				 ".github/workflows/reusable-build.yml", &err),
	    0);
	assert_int_equal(ew_workflow_scan_finish(&s, "main", &err), 0);
	assert_int_equal(s.njobs, 1);
	assert_int_equal(s.jobs[0].nsubjects, 0);
	assert_non_null(strstr(s.jobs[0].subjects_note, "workflow_call"));
	assert_int_equal(s.jobs[0].id_token, EW_WF_ID_TOKEN_DEFAULT);
	ew_workflow_scan_release(&s);

	ew_workflow_scan_init(&s);
	assert_int_equal(ew_workflow_scan_dir(
			     &s, root.ptr, ".github/workflows/none.yml", &err),
			 EW_ENOTFOUND);
	ew_workflow_scan_release(&s);
	ew_buf_release(&root);
}

static void test_registry_from_output(void **state)
{
	struct ew_workflow_scan s;
	const struct ew_wf_aws_job *j;

	(void)state;
	scan_one(&s, "registry-output.yml");
	j = job(&s, "build");
	assert_int_equal(j->registry, EW_WF_REGISTRY_OUTPUT);
	assert_string_equal(j->ecr_login_id, "ecr");
	/* env.AWS_ROLE_ARN -> secrets.AWS_ROLE_ARN */
	assert_string_equal(j->role.raw, "${{ env.AWS_ROLE_ARN }}");
	assert_string_equal(j->role.secret, "AWS_ROLE_ARN");
	/* env.AWS_REGION (workflow env) -> secret with a literal fallback */
	assert_string_equal(j->region.secret, "AWS_REGION");
	assert_string_equal(j->region.literal, "eu-west-1");
	assert_int_equal(j->duration_seconds, 7200);
	assert_true(has_subject(j, "ref:refs/heads/main"));
	assert_int_equal(j->nsubjects, 1); /* dispatch: main again */
	assert_true(has_name(s.secrets, s.nsecrets, "AWS_ROLE_ARN"));
	assert_true(has_name(s.secrets, s.nsecrets, "AWS_REGION"));
	assert_false(has_name(s.secrets, s.nsecrets, "GITHUB_TOKEN"));
	assert_true(has_name(s.vars, s.nvars, "ECR_REPOSITORY"));
	assert_int_equal(s.nsecrets, 2);
	assert_string_equal(s.secrets[0], "AWS_REGION"); /* sorted */
	ew_workflow_scan_release(&s);
}

static void test_registry_hardcoded(void **state)
{
	struct ew_workflow_scan s;
	const struct ew_wf_aws_job *j;

	(void)state;
	scan_one(&s, "registry-hardcoded.yml");
	j = job(&s, "build");
	assert_true(j->has_ecr_login);
	assert_null(j->ecr_login_id);
	assert_int_equal(j->registry, EW_WF_REGISTRY_HARDCODED);
	assert_string_equal(j->registry_text,
			    "123456789012.dkr.ecr.eu-west-1.amazonaws.com");
	assert_string_equal(j->role.literal,
			    "arn:aws:iam::123456789012:role/pusher");
	assert_null(j->role.secret);
	assert_false(j->role.is_expr);
	assert_int_equal(s.nsecrets, 0);
	ew_workflow_scan_release(&s);
}

static void test_malformed_yaml(void **state)
{
	struct ew_workflow_scan s;
	struct ew_error err;

	(void)state;
	ew_workflow_scan_init(&s);
	ew_error_clear(&err);
	assert_int_equal(add_fixture(&s, "malformed.yml", &err), EW_EPARSE);
	assert_non_null(strstr(err.message, ".github/workflows/malformed.yml"));
	assert_non_null(strstr(err.message, "line 8"));
	assert_int_equal(s.nproblems, 1);
	assert_string_equal(s.problems[0].file,
			    ".github/workflows/malformed.yml");
	assert_int_equal(s.problems[0].line, 8);
	assert_int_equal(add_fixture(&s, "not-a-workflow.yml", &err),
			 EW_EPARSE);
	assert_int_equal(s.nproblems, 2);
	assert_int_equal(s.problems[1].line, 1);
	assert_non_null(strstr(s.problems[1].message, "not a workflow"));
	assert_int_equal(ew_workflow_scan_finish(&s, NULL, &err), 0);
	assert_int_equal(s.njobs, 0);
	assert_int_equal(s.nfiles, 2);
	ew_workflow_scan_release(&s);
}

static void test_hostile_yaml(void **state)
{
	/* Aliases, a self-referencing anchor, deep nesting, odd types:
	 * every input ends in a result or a problem, never a crash. */
	static const char *const texts[] = {
	    "a: &a [*a, *a]\non: push\njobs: {x: *a}\n",
	    "on: &o {push: *o}\njobs: {j: {steps: [{uses: "
	    "aws-actions/configure-aws-credentials@v6, with: *o}]}}\n",
	    "on: [push]\njobs:\n  j:\n    environment: ${{\n    steps:\n"
	    "      - uses: aws-actions/configure-aws-credentials@v6\n"
	    "        with: {role-to-assume: '${{ env.A }}', aws-region: "
	    "'${{ env.A'}\n    env: {A: '${{ env.A }}'}\n",
	    "on:\njobs:\n",
	    "",
	    "\t",
	    "on: {push: {branches: [[], {}, '', '!', '\\\\', '?', '+', '[']}}\n"
	    "jobs: {j: {steps: [{uses: aws-actions/configure-aws-credentials},"
	    " 7, null]}}\n",
	};

	struct ew_buf fan;
	struct ew_workflow_scan s;
	struct ew_error err;

	(void)state;
	/* env.A names itself 500 times: the expansion is bounded. */
	ew_buf_init(&fan);
	ew_buf_puts(&fan, "on: push\nenv:\n  A: '${{");
	for (int i = 0; i < 500; i++)
		ew_buf_puts(&fan, " env.A ||");
	ew_buf_puts(&fan, " 1 }}'\njobs:\n  j:\n    steps:\n      - uses: "
			  "aws-actions/configure-aws-credentials@v6\n"
			  "        with:\n          role-to-assume: "
			  "${{ env.A }}\n");
	ew_workflow_scan_init(&s);
	assert_int_equal(
	    ew_workflow_scan_add(&s, "fan.yml", fan.ptr, fan.len, &err), 0);
	assert_int_equal(ew_workflow_scan_finish(&s, "main", &err), 0);
	assert_int_equal(s.njobs, 1);
	assert_true(s.jobs[0].role.is_expr);
	ew_workflow_scan_release(&s);
	ew_buf_release(&fan);

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int rc;

		ew_workflow_scan_init(&s);
		rc = ew_workflow_scan_add(&s, "h.yml", texts[i],
					  strlen(texts[i]), &err);
		assert_true(rc == 0 || rc == EW_EPARSE);
		assert_int_equal(ew_workflow_scan_finish(&s, "main", &err), 0);
		ew_workflow_scan_release(&s);
	}
}

static void test_filter_to_glob(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"main", "main"},
	    {"releases/**", "releases/*"},
	    {"feature/*", "feature/*"},
	    {"v[12].*", "v?.*"},
	    {"v1.?", "v1*"},
	    {"ab+", "ab*"},
	    {"a\\*b", "a*b"},
	    {"**", "*"},
	    {"!main", NULL},
	    {"", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		bool ok = ew_workflow_filter_to_glob(&out, cases[i].in);

		if (!cases[i].out) {
			assert_false(ok);
			assert_null(out);
		} else {
			assert_true(ok);
			assert_string_equal(out, cases[i].out);
		}
		free(out);
	}
}

/* What ecr-wizard writes must read back as a correct setup. */
static void test_generated_workflow(void **state)
{
	struct ew_setup s;
	struct ew_workflow_scan sc;
	struct ew_error err;
	struct ew_buf wf;
	const struct ew_wf_aws_job *j;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	assert_int_equal(ew_setup_set_github(&s, "octo/app", &err), 0);
	assert_int_equal(ew_setup_set_account(&s, "123456789012", &err), 0);
	assert_int_equal(ew_setup_set_region(&s, "eu-west-1", &err), 0);
	ew_buf_init(&wf);
	assert_int_equal(ew_doc_workflow(&wf, &s, &err), 0);
	ew_workflow_scan_init(&sc);
	assert_int_equal(ew_workflow_scan_add(&sc, EW_DEFAULT_WORKFLOW, wf.ptr,
					      wf.len, &err),
			 0);
	assert_int_equal(ew_workflow_scan_finish(&sc, "main", &err), 0);
	assert_int_equal(sc.njobs, 1);
	j = &sc.jobs[0];
	assert_int_equal(j->id_token, EW_WF_ID_TOKEN_WRITE);
	assert_true(has_subject(j, "ref:refs/heads/main"));
	assert_true(has_subject(j, "ref:refs/tags/*"));
	assert_string_equal(j->role.secret, "AWS_ROLE_ARN");
	assert_string_equal(j->region.literal, "eu-west-1");
	assert_int_equal(j->registry, EW_WF_REGISTRY_OUTPUT);
	assert_true(has_name(sc.secrets, sc.nsecrets, "ECR_REGISTRY"));
	ew_workflow_scan_release(&sc);

	/* With environments: one job per matrix entry. */
	ew_buf_clear(&wf);
	assert_int_equal(ew_setup_add_env(&s, "prod:us-east-1:app-prod", &err),
			 0);
	assert_int_equal(ew_setup_add_env(&s, "dev:eu-west-1:app-dev", &err),
			 0);
	assert_int_equal(ew_doc_workflow(&wf, &s, &err), 0);
	ew_workflow_scan_init(&sc);
	assert_int_equal(ew_workflow_scan_add(&sc, EW_DEFAULT_WORKFLOW, wf.ptr,
					      wf.len, &err),
			 0);
	assert_int_equal(ew_workflow_scan_finish(&sc, "main", &err), 0);
	assert_int_equal(sc.njobs, 2);
	j = job(&sc, "build-and-push (environment=prod)");
	assert_true(has_subject(j, "environment:prod"));
	assert_int_equal(j->nsubjects, 1);
	assert_string_equal(j->region.literal, "us-east-1");
	ew_workflow_scan_release(&sc);
	ew_buf_release(&wf);
	ew_setup_release(&s);
}

/* Deep nesting is refused before libyaml (whose time grows with the
 * square of the depth) sees it: 400 KB of '[' (issue: 89 s) and of
 * "- " take well under a second; a workflow of ordinary depth parses. */
static void test_deep_nesting_refused(void **state)
{
	static const char *const units[] = {"[", "{a: ", "- "};
	struct ew_workflow_scan sc;
	struct ew_error err;
	struct ew_buf text;
	clock_t t0;

	(void)state;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		ew_buf_init(&text);
		for (size_t i = 0; text.len < 400 * 1024; i++)
			assert_int_equal(ew_buf_puts(&text, units[u]), 0);
		ew_workflow_scan_init(&sc);
		ew_error_clear(&err);
		t0 = clock();
		assert_int_not_equal(ew_workflow_scan_add(&sc, "deep.yml",
							  text.ptr, text.len,
							  &err),
				     0);
		assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
		assert_non_null(strstr(err.message, "nested more than"));
		assert_int_equal(sc.nproblems, 1);
		ew_workflow_scan_release(&sc);
		ew_buf_release(&text);
	}
	/* 40 levels is unusual but fine: parsed, not refused for depth */
	ew_buf_init(&text);
	ew_buf_puts(&text, "on: push\njobs:\n  a:\n    runs-on: x\n    "
			   "steps:\n      - run: echo\n        with: ");
	for (int i = 0; i < 40; i++)
		ew_buf_puts(&text, "[");
	for (int i = 0; i < 40; i++)
		ew_buf_puts(&text, "]");
	ew_buf_puts(&text, "\n");
	ew_workflow_scan_init(&sc);
	ew_error_clear(&err);
	ew_workflow_scan_add(&sc, "ok.yml", text.ptr, text.len, &err);
	assert_null(strstr(err.message, "nested more than"));
	ew_workflow_scan_release(&sc);
	ew_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing_id_token),
	    cmocka_unit_test(test_job_override_drops_id_token),
	    cmocka_unit_test(test_no_permissions_block),
	    cmocka_unit_test(test_environment_jobs),
	    cmocka_unit_test(test_tag_triggers),
	    cmocka_unit_test(test_pull_request),
	    cmocka_unit_test(test_reusable_caller),
	    cmocka_unit_test(test_registry_from_output),
	    cmocka_unit_test(test_registry_hardcoded),
	    cmocka_unit_test(test_malformed_yaml),
	    cmocka_unit_test(test_hostile_yaml),
	    cmocka_unit_test(test_filter_to_glob),
	    cmocka_unit_test(test_generated_workflow),
	    cmocka_unit_test(test_deep_nesting_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
