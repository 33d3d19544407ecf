/*
 * Unit tests: explain - cleaning, streaming, value extraction and the
 * settled diagnosis, on the logs in tests/fixtures/logs and on generated
 * ones (a 50 MB log, a 1 MB line).
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

static char *slurp(const char *name)
{
	const char *top = getenv("EW_TOP");
	struct ew_buf path, data;
	char chunk[4096];
	size_t n;
	FILE *f;

	ew_buf_init(&path);
	ew_buf_init(&data);
	ew_buf_printf(&path, "%s/tests/fixtures/logs/%s", top ? top : ".",
		      name);
	f = fopen(path.ptr, "rb");
	if (!f)
		fail_msg("cannot read '%s'", path.ptr);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(ew_buf_add(&data, chunk, n), 0);
	fclose(f);
	ew_buf_release(&path);
	return ew_buf_detach(&data);
}

static struct ew_explain *explain_files(const char *a, const char *b)
{
	struct ew_explain *ex;
	struct ew_error err;
	char *s;

	assert_int_equal(ew_explain_new(&ex, &err), 0);
	s = slurp(a);
	assert_int_equal(ew_explain_feed(ex, s, strlen(s), &err), 0);
	free(s);
	if (b) {
		s = slurp(b);
		assert_int_equal(ew_explain_feed(ex, s, strlen(s), &err), 0);
		free(s);
	}
	assert_int_equal(ew_explain_finish(ex, &err), 0);
	return ex;
}

static struct ew_explain *explain_string(const char *text)
{
	struct ew_explain *ex = NULL;
	struct ew_error err;

	assert_int_equal(ew_explain_text(&ex, text, &err), 0);
	assert_non_null(ex);
	return ex;
}

static void assert_ids(const struct ew_explain *ex, const char *const *ids,
		       const unsigned long *lines, size_t n)
{
	if (ew_explain_count(ex) != n) {
		for (size_t i = 0; i < ew_explain_count(ex); i++)
			print_message("got %s\n",
				      ew_explain_get(ex, i)->entry->id);
		fail_msg("want %zu matches, got %zu", n, ew_explain_count(ex));
	}
	for (size_t i = 0; i < n; i++) {
		const struct ew_explain_match *m = ew_explain_get(ex, i);
		assert_string_equal(m->entry->id, ids[i]);
		if (lines)
			assert_int_equal(m->line, lines[i]);
	}
}

static char *render(const struct ew_explain *ex, const char *tmpl)
{
	struct ew_buf b;

	ew_buf_init(&b);
	assert_int_equal(ew_explain_render(&b, ex, tmpl), 0);
	return ew_buf_detach(&b);
}

static void test_clean_line(void **state)
{
	static const char *const cases[][2] = {
	    {"2026-01-15T12:00:01.1234567Z ##[error]Error: Region is missing",
	     "Region is missing"},
	    {"\033[31m##[error]\033[0mCould not\033[1m load\033[0m",
	     "Could not load"},
	    {"2026-01-15T12:00:01Z   \033[1;31mERROR: denied: x\033[0m",
	     "denied: x"},
	    {"::error file=a.yml,line=3::no basic auth credentials",
	     "no basic auth credentials"},
	    {"2026-01-15T12:00:01+02:00 ##[warning]Skip output", "Skip output"},
	    {"\033]0;title\007plain\ttext  ", "plain text"},
	    {"2026-13-xx not a timestamp", "2026-13-xx not a timestamp"},
	    {"bad \xff\xfe utf8 \xc3\xa9 ok \x01", "bad ?? utf8 \xc3\xa9 ok"},
	    {"", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char buf[256];
		size_t len = strlen(cases[i][0]);
		memcpy(buf, cases[i][0], len + 1);
		len = ew_explain_clean_line(buf, len);
		assert_string_equal(buf, cases[i][1]);
		assert_int_equal(len, strlen(cases[i][1]));
	}
}

static void test_environment_with_trust_policy(void **state)
{
	static const char *const ids[] = {"sub-mismatch-environment"};
	static const unsigned long lines[] = {42};
	struct ew_explain *ex =
	    explain_files("trust-policy.txt", "environment.log");
	const struct ew_knowledge_values *v = ew_explain_values(ex);
	const struct ew_explain_match *m;
	char *s;

	(void)state;
	assert_ids(ex, ids, lines, 1);
	m = ew_explain_get(ex, 0);
	assert_string_equal(m->text, "Could not assume role with OIDC: Not "
				     "authorized to perform "
				     "sts:AssumeRoleWithWebIdentity");
	assert_string_equal(
	    m->detail, "the role trusts `repo:acme/app:ref:refs/heads/main` "
		       "but this job likely ran as "
		       "`repo:acme/app:environment:prod`");
	assert_string_equal(v->role_arn,
			    "arn:aws:iam::123456789012:role/gha-ecr-push");
	assert_string_equal(v->account, "123456789012");
	assert_string_equal(v->region, "eu-west-1");
	assert_string_equal(v->repo, "my-app");
	assert_string_equal(v->github_repo, "acme/app");
	assert_string_equal(v->trusted_sub,
			    "repo:acme/app:ref:refs/heads/main");
	assert_true(ew_explain_sub_inferred(ex));
	s = render(ex, m->entry->fix_steps[0]);
	assert_non_null(strstr(s, "repo:acme/app:environment:prod"));
	assert_non_null(strstr(s, "--role-name gha-ecr-push"));
	free(s);
	ew_explain_free(ex);
}

static void test_environment_alone(void **state)
{
	struct ew_explain *ex = explain_files("environment.log", NULL);
	const struct ew_explain_match *m;

	(void)state;
	assert_int_equal(ew_explain_count(ex), 1);
	m = ew_explain_get(ex, 0);
	assert_string_equal(m->entry->id, "sub-mismatch-environment");
	assert_int_equal(m->line, 22);
	assert_string_equal(m->detail, "this job likely ran as "
				       "`repo:acme/app:environment:prod`");
	assert_int_equal(ew_explain_lines(ex), 23);
	ew_explain_free(ex);
}

static void test_several_errors_in_one_log(void **state)
{
	static const char *const ids[] = {
	    "push-denied", "no-basic-auth-credentials", "masked-outputs"};
	static const unsigned long lines[] = {10, 14, 16};
	struct ew_explain *ex = explain_files("push-and-login.log", NULL);
	const struct ew_knowledge_values *v = ew_explain_values(ex);
	char *s;

	(void)state;
	assert_ids(ex, ids, lines, 3);
	assert_null(ew_explain_get(ex, 3));
	assert_string_equal(v->account, "210987654321");
	assert_string_equal(v->region, "us-east-2");
	assert_string_equal(v->repo, "shop/api");
	assert_string_equal(v->principal_arn,
			    "arn:aws:iam::210987654321:role/gha-shop-push");
	assert_string_equal(v->role_arn,
			    "arn:aws:iam::210987654321:role/gha-shop-push");
	assert_string_equal(ew_explain_assumed_role_arn(ex),
			    "arn:aws:sts::210987654321:assumed-role/"
			    "gha-shop-push/GitHubActions");
	s = render(ex, ew_explain_get(ex, 0)->entry->check_command);
	assert_string_equal(
	    s, "aws iam simulate-principal-policy --policy-source-arn "
	       "arn:aws:iam::210987654321:role/gha-shop-push --action-names "
	       "ecr:PutImage ecr:InitiateLayerUpload --resource-arns "
	       "arn:aws:ecr:us-east-2:210987654321:repository/shop/api");
	free(s);
	s = render(ex, ew_explain_get(ex, 1)->entry->check_command);
	assert_non_null(
	    strstr(s, "--password-stdin 210987654321.dkr.ecr.us-east-2."
		      "amazonaws.com"));
	free(s);
	ew_explain_free(ex);
}

static void test_aws_cli_output(void **state)
{
	static const char *const ids[] = {"denied-iam-create-role",
					  "repository-already-exists"};
	static const unsigned long lines[] = {3, 6};
	struct ew_explain *ex = explain_files("aws-cli.log", NULL);

	(void)state;
	assert_ids(ex, ids, lines, 2);
	assert_string_equal(ew_explain_values(ex)->principal_arn,
			    "arn:aws:iam::123456789012:user/dev");
	/* from the aws command line */
	assert_string_equal(ew_explain_values(ex)->region, "eu-central-1");
	assert_string_equal(ew_explain_values(ex)->repo, "my-app");
	ew_explain_free(ex);
}

static void test_tag_from_debugger_claims(void **state)
{
	struct ew_explain *ex = explain_files("tag-debugger.log", NULL);
	const struct ew_explain_match *m;

	(void)state;
	assert_int_equal(ew_explain_count(ex), 1);
	m = ew_explain_get(ex, 0);
	assert_string_equal(m->entry->id, "sub-mismatch-tag");
	assert_false(ew_explain_sub_inferred(ex));
	assert_string_equal(m->detail, "this job ran as "
				       "`repo:Acme/app:ref:refs/tags/v1.4.0`");
	ew_explain_free(ex);
}

static void test_owner_casing(void **state)
{
	struct ew_explain *ex = explain_string(
	    "\"token.actions.githubusercontent.com:sub\": "
	    "\"repo:acme/app:ref:refs/heads/main\"\n"
	    "  \"sub\": \"repo:Acme/app:ref:refs/heads/main\",\n"
	    "Error: Could not assume role with OIDC: Not authorized to "
	    "perform sts:AssumeRoleWithWebIdentity\n");
	const struct ew_explain_match *m;

	(void)state;
	assert_int_equal(ew_explain_count(ex), 1);
	m = ew_explain_get(ex, 0);
	assert_string_equal(m->entry->id, "sub-mismatch-owner-casing");
	assert_string_equal(
	    m->detail, "the role trusts `repo:acme/app:ref:refs/heads/main` "
		       "but this job ran as "
		       "`repo:Acme/app:ref:refs/heads/main`");
	ew_explain_free(ex);
}

static void test_fork_pr_and_dependabot(void **state)
{
	struct ew_explain *ex = explain_string(
	    "Syncing repository: acme/app\n"
	    "git fetch origin +refs/pull/12/merge:refs/remotes/pull/12/merge\n"
	    "##[error]Credentials could not be loaded, please check your "
	    "action inputs: Could not load credentials from any providers\n");

	(void)state;
	assert_int_equal(ew_explain_count(ex), 1);
	assert_string_equal(ew_explain_get(ex, 0)->entry->id,
			    "id-token-fork-pr");
	assert_string_equal(ew_explain_values(ex)->job_sub,
			    "repo:acme/app:pull_request");
	ew_explain_free(ex);

	ex = explain_string(
	    "GITHUB_ACTOR: dependabot[bot]\n"
	    "Error: Credentials could not be loaded, please check your action "
	    "inputs: Could not load credentials from any providers\n");
	assert_string_equal(ew_explain_get(ex, 0)->entry->id,
			    "id-token-dependabot");
	ew_explain_free(ex);
}

static void test_nothing_matched(void **state)
{
	struct ew_explain *ex = explain_files("success.log", NULL);

	(void)state;
	assert_int_equal(ew_explain_count(ex), 0);
	assert_null(ew_explain_get(ex, 0));
	assert_int_equal(ew_explain_lines(ex), 11);
	/* values are still read */
	assert_string_equal(ew_explain_values(ex)->role_arn,
			    "arn:aws:iam::123456789012:role/gha-ecr-push");
	ew_explain_free(ex);

	ex = explain_string("");
	assert_int_equal(ew_explain_count(ex), 0);
	assert_int_equal(ew_explain_lines(ex), 0);
	ew_explain_free(ex);
}

/* The same log fed one byte at a time gives the same answer. */
static void test_chunking(void **state)
{
	struct ew_explain *ex;
	struct ew_error err;
	char *a = slurp("trust-policy.txt"), *b = slurp("push-and-login.log");

	(void)state;
	assert_int_equal(ew_explain_new(&ex, &err), 0);
	for (size_t i = 0; a[i]; i++)
		assert_int_equal(ew_explain_feed(ex, a + i, 1, &err), 0);
	for (size_t i = 0; b[i]; i++)
		assert_int_equal(ew_explain_feed(ex, b + i, 1, &err), 0);
	assert_int_equal(ew_explain_finish(ex, &err), 0);
	assert_int_equal(ew_explain_count(ex), 3);
	assert_string_equal(ew_explain_get(ex, 0)->entry->id, "push-denied");
	assert_int_equal(ew_explain_get(ex, 0)->line, 20 + 10);
	/* finish twice is harmless; feeding after it is an error */
	assert_int_equal(ew_explain_finish(ex, &err), 0);
	assert_int_equal(ew_explain_feed(ex, "x\n", 2, &err), EW_EINVAL);
	ew_explain_free(ex);
	free(a);
	free(b);
}

/* A last line without '\n', and CRLF line ends. */
static void test_line_ends(void **state)
{
	struct ew_explain *ex =
	    explain_string("one\r\ntwo\r\nError: Region is missing\r\nfour");

	(void)state;
	assert_int_equal(ew_explain_count(ex), 1);
	assert_string_equal(ew_explain_get(ex, 0)->text, "Region is missing");
	assert_int_equal(ew_explain_get(ex, 0)->line, 3);
	assert_int_equal(ew_explain_lines(ex), 4);
	ew_explain_free(ex);
}

/* A 1 MB line is cut at EW_EXPLAIN_MAX_LINE; counting goes on right. */
static void test_long_line(void **state)
{
	struct ew_explain *ex;
	struct ew_error err;
	size_t big = 1 << 20;
	char *line = malloc(big);

	(void)state;
	assert_non_null(line);
	memset(line, 'x', big);
	memcpy(line, "Error: Region is missing ", 25);
	/* past the cut: never seen */
	memcpy(line + big - 40, " Incorrect token audience ", 26);
	assert_int_equal(ew_explain_new(&ex, &err), 0);
	assert_int_equal(ew_explain_feed(ex, "first\n", 6, &err), 0);
	for (size_t off = 0; off < big; off += 1000)
		assert_int_equal(
		    ew_explain_feed(ex, line + off,
				    big - off < 1000 ? big - off : 1000, &err),
		    0);
	assert_int_equal(
	    ew_explain_feed(ex, "\nno basic auth credentials\n", 27, &err), 0);
	assert_int_equal(ew_explain_finish(ex, &err), 0);
	assert_int_equal(ew_explain_count(ex), 2);
	assert_string_equal(ew_explain_get(ex, 0)->entry->id, "region-missing");
	assert_int_equal(ew_explain_get(ex, 0)->line, 2);
	assert_true(strlen(ew_explain_get(ex, 0)->text) <= EW_EXPLAIN_MAX_LINE);
	assert_string_equal(ew_explain_get(ex, 1)->entry->id,
			    "no-basic-auth-credentials");
	assert_int_equal(ew_explain_get(ex, 1)->line, 3);
	ew_explain_free(ex);
	free(line);
}

static void test_secrets_are_redacted(void **state)
{
	struct ew_explain *ex = explain_string(
	    "Error: The security token included in the request is invalid. "
	    "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY "
	    "AWS_SESSION_TOKEN: \"FwoGZXIvYXdzEJrSECRETTOKEN\"\n"
	    "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/"
	    "us-east-1/iam/aws4_request, SignedHeaders=host, "
	    "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924"
	    " SignatureDoesNotMatch\n"
	    "docker login --password-stdin: no basic auth credentials\n");
	const char *t;

	(void)state;
	assert_int_equal(ew_explain_count(ex), 3);
	t = ew_explain_get(ex, 0)->text;
	assert_null(strstr(t, "wJalrXUtnFEMI"));
	assert_null(strstr(t, "FwoGZXIvYXdzEJr"));
	assert_non_null(strstr(t, "aws_secret_access_key=***"));
	t = ew_explain_get(ex, 1)->text;
	assert_string_equal(ew_explain_get(ex, 1)->entry->id,
			    "signature-does-not-match");
	assert_null(strstr(t, "5d672d79c15b"));
	assert_null(strstr(t, "AKIDEXAMPLE"));
	/* a flag named "password-stdin" is not a secret */
	assert_string_equal(ew_explain_get(ex, 2)->text,
			    "docker login --password-stdin: no basic auth "
			    "credentials");
	ew_explain_free(ex);
}

static void test_defaults(void **state)
{
	struct ew_knowledge_values d = {.github_repo = "acme/app",
					.region = "eu-central-1",
					.role = "from-flag"};
	struct ew_explain *ex;
	struct ew_error err;
	const char *log = "environment: staging\n"
			  "Error: Could not assume role with OIDC: Not "
			  "authorized to perform sts:AssumeRoleWithWebIdentity"
			  "\n";
	char *s;

	(void)state;
	assert_int_equal(ew_explain_new(&ex, &err), 0);
	ew_explain_set_defaults(ex, &d);
	assert_int_equal(ew_explain_feed(ex, log, strlen(log), &err), 0);
	assert_int_equal(ew_explain_finish(ex, &err), 0);
	assert_string_equal(ew_explain_get(ex, 0)->entry->id,
			    "sub-mismatch-environment");
	assert_string_equal(ew_explain_values(ex)->job_sub,
			    "repo:acme/app:environment:staging");
	s = render(ex, "{role} {region}");
	assert_string_equal(s, "from-flag eu-central-1");
	free(s);
	ew_explain_free(ex);
}

/* The whole answer of the first match, every text rendered, in one string. */
static char *answer(const struct ew_explain *ex)
{
	const struct ew_knowledge_entry *e = ew_explain_get(ex, 0)->entry;
	struct ew_buf b;

	ew_buf_init(&b);
	assert_int_equal(ew_explain_render(&b, ex, e->cause), 0);
	for (size_t i = 0; e->fix_steps[i]; i++) {
		ew_buf_puts(&b, "\n");
		assert_int_equal(ew_explain_render(&b, ex, e->fix_steps[i]), 0);
	}
	ew_buf_puts(&b, "\n");
	assert_int_equal(ew_explain_render(&b, ex, e->check_command), 0);
	return ew_buf_detach(&b);
}

static void assert_has(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("want \"%s\" in:\n%s", want, s);
}

static void assert_lacks(const char *s, const char *unwanted)
{
	if (strstr(s, unwanted))
		fail_msg("did not want \"%s\" in:\n%s", unwanted, s);
}

/* The guide's "Common Errors", pasted exactly as the guide prints them and
 * as today's buildx prints them (URL in quotes). */
static void test_guide_errors(void **state)
{
	static const char *const cases[][2] = {
	    {"Error: buildx failed with: error: failed to solve: failed to "
	     "authorize: rpc error: code = Unknown desc = failed to fetch "
	     "anonymous token: unexpected status: 401 Unauthorized",
	     "ecr-login-missing-anonymous-token"},
	    {"Error: failed to push: failed to do request: Put "
	     "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/"
	     "chatgpt-web/manifests/latest: unexpected status: 400 Bad Request",
	     "ecr-registry-400"},
	    {"Error: failed to push: failed to do request: Put "
	     "\"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/"
	     "chatgpt-web/manifests/latest\": unexpected status: 400 Bad "
	     "Request",
	     "ecr-registry-400"},
	    {"no basic auth credentials", "no-basic-auth-credentials"},
	    {"name unknown: The repository with name 'chatgpt-web' does not "
	     "exist in the registry with id '123456789012'",
	     "repository-not-found"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct ew_explain *ex = explain_string(cases[i][0]);
		if (ew_explain_count(ex) != 1)
			fail_msg("\"%s\": %zu matches", cases[i][0],
				 ew_explain_count(ex));
		assert_string_equal(ew_explain_get(ex, 0)->entry->id,
				    cases[i][1]);
		if (i == 1 || i == 2) {
			char *a = answer(ex);
			/* the guide's cause, and the wizard's own */
			assert_has(a, "repository chatgpt-web does not exist "
				      "in account 123456789012, region "
				      "us-east-1");
			assert_has(a, "the tag latest already exists");
			assert_has(a, "--registry-id 123456789012 "
				      "--repository-names chatgpt-web "
				      "--region us-east-1");
			free(a);
		}
		ew_explain_free(ex);
	}
}

/* The new fixture logs: one diagnosis each, at the error line. */
static void test_new_logs(void **state)
{
	static const struct {
		const char *file, *id;
		unsigned long line;
	} cases[] = {
	    {"guide-anonymous-token.log", "ecr-login-missing-anonymous-token",
	     15},
	    {"guide-manifest-400.log", "ecr-registry-400", 11},
	    {"explicit-deny.log", "explicit-deny", 10},
	    {"token-expired-mid-build.log", "ecr-token-expired-mid-build", 11},
	    {"docker-io-push.log", "docker-io-push-denied", 11},
	    {"signature-expired.log", "clock-skew", 3},
	    {"chained-role.log", "chained-assume-role-denied", 14},
	    {"cache-to-registry.log", "ecr-cache-manifest-rejected", 12},
	    {"registry-403.log", "ecr-registry-403", 9},
	    {"pull-rate-limit.log", "docker-hub-pull-rate-limit", 4},
	    {"buildx-docker-io.log", "docker-io-push", 8},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct ew_explain *ex = explain_files(cases[i].file, NULL);
		if (!ew_explain_count(ex))
			fail_msg("%s: nothing matched", cases[i].file);
		if (strcmp(ew_explain_get(ex, 0)->entry->id, cases[i].id) != 0)
			fail_msg("%s: want %s, got %s", cases[i].file,
				 cases[i].id, ew_explain_get(ex, 0)->entry->id);
		assert_int_equal(ew_explain_get(ex, 0)->line, cases[i].line);
		/* one failure, one answer: follow-on lines are not repeated */
		if (ew_explain_count(ex) != 1)
			fail_msg("%s: %zu answers, the second %s",
				 cases[i].file, ew_explain_count(ex),
				 ew_explain_get(ex, 1)->entry->id);
		ew_explain_free(ex);
	}
}

/* The same expired-token line without the earlier login is the plain
 * "log in first" answer; with the login after it, too. */
static void test_login_before_matters(void **state)
{
	const char *err = "denied: Your authorization token has expired. "
			  "Reauthenticate and try again.\n";
	struct ew_explain *ex;
	struct ew_buf b;

	(void)state;
	ex = explain_string(err);
	assert_string_equal(ew_explain_get(ex, 0)->entry->id,
			    "no-basic-auth-credentials");
	ew_explain_free(ex);
	ew_buf_init(&b);
	ew_buf_printf(&b, "%sLogin Succeeded\n", err);
	ex = explain_string(b.ptr);
	assert_string_equal(ew_explain_get(ex, 0)->entry->id,
			    "no-basic-auth-credentials");
	ew_explain_free(ex);
	ew_buf_clear(&b);
	ew_buf_printf(&b, "Login Succeeded\n%s", err);
	ex = explain_string(b.ptr);
	assert_string_equal(ew_explain_get(ex, 0)->entry->id,
			    "ecr-token-expired-mid-build");
	ew_explain_free(ex);
	ew_buf_release(&b);
}

/*
 * Values come from the log: each template is explained twice with values
 * that differ, and the answer must carry each value in its place.
 */
struct value_case {
	const char *id;
	const char *tmpl; /* printf format taking the values in order */
	const char *vals[2][4];
	/* what the answer must say, as formats over the same values */
	const char *want[4];
	const char *never[2]; /* formats that would be a swap */
};

/* Fill "%1$s" .. "%4$s" in f from v (a tiny printf of our own, so the
 * formats can be data). */
static void fmt4(char *out, size_t size, const char *f, const char *const *v)
{
	size_t n = 0;

	for (; *f && n + 1 < size; f++) {
		if (f[0] == '%' && f[1] >= '1' && f[1] <= '4' && f[2] == '$' &&
		    f[3] == 's') {
			const char *val = v[f[1] - '1'] ? v[f[1] - '1'] : "";
			size_t l = strlen(val);
			if (n + l >= size)
				break;
			memcpy(out + n, val, l);
			n += l;
			f += 3;
			continue;
		}
		out[n++] = *f;
	}
	out[n] = '\0';
}

static void test_values_from_the_log(void **state)
{
	static const struct value_case cases[] = {
	    /* cross-account: the role's account and the repository's */
	    {"push-denied-cross-account",
	     "role-to-assume: arn:aws:iam::%1$s:role/gha\n"
	     "denied: User: arn:aws:sts::%1$s:assumed-role/gha/GitHubActions "
	     "is not authorized to perform: ecr:InitiateLayerUpload on "
	     "resource: arn:aws:ecr:us-east-1:%2$s:repository/%3$s because no "
	     "resource-based policy allows the ecr:InitiateLayerUpload "
	     "action\n",
	     {{"111122223333", "444455556666", "app"},
	      {"999988887777", "222233334444", "shop/api"}},
	     {"belongs to account %2$s, the role to account %1$s",
	      "get-repository-policy --registry-id %2$s --repository-name %3$s",
	      "allows arn:aws:iam::%1$s:role/gha",
	      "arn:aws:ecr:us-east-1:%2$s:repository/%3$s"},
	     {"belongs to account %1$s", "--registry-id %1$s"}},
	    /* session duration: at least what the workflow asks */
	    {"duration-exceeds-max-session",
	     "role-to-assume: arn:aws:iam::123456789012:role/%2$s\n"
	     "role-duration-seconds: %1$s\n"
	     "Error: Could not assume role with OIDC: The requested "
	     "DurationSeconds exceeds the MaxSessionDuration set for this "
	     "role.\n",
	     {{"7200", "gha"}, {"14400", "deploy-role"}},
	     {"--role-name %2$s --max-session-duration %1$s",
	      "asks for %1$s seconds"},
	     {"--max-session-duration 3600", NULL}},
	    /* a chained role: the second role in the check */
	    {"sts-tag-session",
	     "role-to-assume: arn:aws:iam::123456789012:role/%1$s\n"
	     "User: arn:aws:sts::123456789012:assumed-role/%1$s/GitHubActions "
	     "is not authorized to perform: sts:TagSession on resource: "
	     "arn:aws:iam::123456789012:role/%2$s\n",
	     {{"gha-base", "deploy"}, {"ci-entry", "prod-pusher"}},
	     {"aws iam get-role --role-name %2$s --query "
	      "Role.AssumeRolePolicyDocument",
	      "trust statement of %2$s"},
	     {"--role-name %1$s", NULL}},
	    {"chained-assume-role-denied",
	     "role-to-assume: arn:aws:iam::123456789012:role/%1$s\n"
	     "User: arn:aws:sts::123456789012:assumed-role/%1$s/GitHubActions "
	     "is not authorized to perform: sts:AssumeRole on resource: "
	     "arn:aws:iam::%3$s:role/%2$s\n",
	     {{"gha-base", "deploy", "210987654321"},
	      {"ci-entry", "prod-pusher", "555566667777"}},
	     {"aws iam get-role --role-name %2$s",
	      "could not assume arn:aws:iam::%3$s:role/%2$s",
	      "allow the first role (arn:aws:iam::123456789012:role/%1$s)"},
	     {"get-role --role-name %1$s", NULL}},
	    /* the guide's 400: account, region, repository and tag */
	    {"ecr-registry-400",
	     "Error: failed to push: failed to do request: Put "
	     "\"https://%1$s.dkr.ecr.%2$s.amazonaws.com/v2/%3$s/manifests/"
	     "%4$s\": unexpected status: 400 Bad Request\n",
	     {{"123456789012", "us-east-1", "chatgpt-web", "latest"},
	      {"210987654321", "eu-west-3", "team/api", "v2.0.1"}},
	     {"repository %3$s does not exist in account %1$s, region %2$s",
	      "the tag %4$s already exists", "--image-ids imageTag=%4$s",
	      "--registry-id %1$s --repository-names %3$s --region %2$s"},
	     {NULL, NULL}},
	    /* explicit deny: the account and the role in the fix */
	    {"explicit-deny",
	     "role-to-assume: arn:aws:iam::%1$s:role/%2$s\n"
	     "Error: User: arn:aws:sts::%1$s:assumed-role/%2$s/GitHubActions "
	     "is not authorized to perform: ecr:GetAuthorizationToken on "
	     "resource: * with an explicit deny in a service control policy\n",
	     {{"444455556666", "gha-ecr-push"}, {"777788889999", "builder"}},
	     {"--target-id %1$s --filter SERVICE_CONTROL_POLICY",
	      "aws iam get-role --role-name %2$s --query "
	      "Role.PermissionsBoundary"},
	     {NULL, NULL}},
	    /* expired mid-build: the registry that was logged in */
	    {"ecr-token-expired-mid-build",
	     "Login Succeeded\n"
	     "#15 ERROR: failed to push %1$s.dkr.ecr.%2$s.amazonaws.com/app:1: "
	     "no basic auth credentials\n",
	     {{"123456789012", "eu-west-1"}, {"210987654321", "sa-east-1"}},
	     {"--password-stdin %1$s.dkr.ecr.%2$s.amazonaws.com",
	      "get-login-password --region %2$s"},
	     {NULL, NULL}},
	};
	char log[2048], want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		for (size_t k = 0; k < 2; k++) {
			const struct value_case *c = &cases[i];
			struct ew_explain *ex;
			char *a;

			fmt4(log, sizeof(log), c->tmpl, c->vals[k]);
			ex = explain_string(log);
			if (!ew_explain_count(ex) ||
			    strcmp(ew_explain_get(ex, 0)->entry->id, c->id))
				fail_msg("case %zu/%zu: want %s, got %s", i, k,
					 c->id,
					 ew_explain_count(ex)
					     ? ew_explain_get(ex, 0)->entry->id
					     : "nothing");
			a = answer(ex);
			for (size_t j = 0; j < 4 && c->want[j]; j++) {
				fmt4(want, sizeof(want), c->want[j],
				     c->vals[k]);
				assert_has(a, want);
			}
			for (size_t j = 0; j < 2 && c->never[j]; j++) {
				fmt4(want, sizeof(want), c->never[j],
				     c->vals[k]);
				assert_lacks(a, want);
			}
			free(a);
			ew_explain_free(ex);
		}
	}
}

/* 50 MB of build noise with two errors in it, in bounded memory. */
static void test_fifty_megabytes(void **state)
{
	static const char noise[] =
	    "2026-01-15T12:00:01.1234567Z #7 [build 3/9] RUN npm ci "
	    "--no-audit --prefer-offline added 1234 packages in 12s\n";
	const size_t target = 50u << 20, per = 1000;
	struct ew_explain *ex;
	struct ew_error err;
	struct ew_buf chunk;
	size_t fed = 0;
	unsigned long lines = 0, mid = 0;

	(void)state;
	ew_buf_init(&chunk);
	for (size_t i = 0; i < per; i++)
		assert_int_equal(ew_buf_puts(&chunk, noise), 0);
	assert_int_equal(ew_explain_new(&ex, &err), 0);
	while (fed < target) {
		assert_int_equal(
		    ew_explain_feed(ex, chunk.ptr, chunk.len, &err), 0);
		fed += chunk.len;
		lines += per;
		if (!mid && fed >= target / 2) {
			const char *e = "##[error]Error: Region is missing\n";
			assert_int_equal(
			    ew_explain_feed(ex, e, strlen(e), &err), 0);
			mid = ++lines;
		}
	}
	assert_int_equal(
	    ew_explain_feed(ex, "no basic auth credentials", 25, &err), 0);
	assert_int_equal(ew_explain_finish(ex, &err), 0);
	assert_int_equal(ew_explain_lines(ex), lines + 1);
	assert_int_equal(ew_explain_count(ex), 2);
	assert_string_equal(ew_explain_get(ex, 0)->entry->id, "region-missing");
	assert_int_equal(ew_explain_get(ex, 0)->line, mid);
	assert_string_equal(ew_explain_get(ex, 1)->entry->id,
			    "no-basic-auth-credentials");
	assert_int_equal(ew_explain_get(ex, 1)->line, lines + 1);
	ew_explain_free(ex);
	ew_buf_release(&chunk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_line),
	    cmocka_unit_test(test_environment_with_trust_policy),
	    cmocka_unit_test(test_environment_alone),
	    cmocka_unit_test(test_several_errors_in_one_log),
	    cmocka_unit_test(test_aws_cli_output),
	    cmocka_unit_test(test_tag_from_debugger_claims),
	    cmocka_unit_test(test_owner_casing),
	    cmocka_unit_test(test_fork_pr_and_dependabot),
	    cmocka_unit_test(test_nothing_matched),
	    cmocka_unit_test(test_chunking),
	    cmocka_unit_test(test_line_ends),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_secrets_are_redacted),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_guide_errors),
	    cmocka_unit_test(test_new_logs),
	    cmocka_unit_test(test_login_before_matters),
	    cmocka_unit_test(test_values_from_the_log),
	    cmocka_unit_test(test_fifty_megabytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
