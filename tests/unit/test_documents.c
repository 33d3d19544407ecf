/*
 * Unit tests: trust, permissions and lifecycle policies, the workflow and
 * the outputs, against golden files in tests/golden/ (UPDATE=1 rewrites
 * them).  Every JSON document is parsed back with cJSON and checked for
 * the properties that matter for security; every workflow is parsed with
 * libyaml and written to $EW_TEST_OUT/workflows/ for tests/cli/actionlint.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "buf.h"
#include "diff.h"
#include "doctor.h"
#include "documents.h"
#include "error.h"
#include "json_doc.h"
#include "model.h"
#include "oidc_subject.h"
#include "outputs.h"

struct doc_case {
	const char *name;
	const char *github;
	const char *account;
	const char *region;
	const char *scopes[6];
	const char *owner_id, *repo_id;
	const char *envs[3];
	const char *platforms;
	const char *keep;
	const char *branch;
	const char *role, *policy, *repo_name, *host;
};

static const struct doc_case cases[] = {
    {.name = "default", .github = "octo-org/My-App"},
    {.name = "aws-cn", .github = "octo-org/app", .region = "cn-north-1"},
    {.name = "aws-us-gov", .github = "octo-org/app", .region = "us-gov-west-1"},
    {.name = "branch-main",
     .github = "octo-org/app",
     .scopes = {"branch:main"}},
    {.name = "tag-pattern", .github = "octo-org/app", .scopes = {"tag:v*"}},
    {.name = "env-prod", .github = "octo-org/app", .scopes = {"env:prod"}},
    {.name = "pull-request",
     .github = "octo-org/app",
     .scopes = {"pull_request"}},
    {.name = "several",
     .github = "octo-org/app",
     .scopes = {"branch:main", "branch:release/*", "tag:v*", "env:prod",
		"pull_request"}},
    {.name = "immutable-ids",
     .github = "octo-org/app",
     .scopes = {"any", "branch:main"},
     .owner_id = "123456",
     .repo_id = "456789"},
    {.name = "colon",
     .github = "octo-org/app",
     .scopes = {"env:Production:V1"}},
    {.name = "multi-env",
     .github = "octo-org/app",
     .envs = {"staging:eu-west-1:app-staging", "Production:V1:us-west-2:app"},
     .owner_id = "123456",
     .repo_id = "456789"},
    {.name = "multi-arch",
     .github = "octo-org/app",
     .platforms = "linux/amd64,linux/arm64",
     .keep = "1",
     .branch = "trunk",
     .role = "ci-push",
     .policy = "ci-push-ecr",
     .repo_name = "team/app",
     .region = "eu-central-1"},
    {.name = "enterprise",
     .github = "octo-org/app",
     .host = "github.example.com",
     .keep = "1000",
     .branch = "release+1",
     .scopes = {"branch:release+1"}},
};

#define NCASES (sizeof(cases) / sizeof(*cases))

static const char *top(void)
{
	const char *t = getenv("EW_TOP");

	return t && *t ? t : ".";
}

static bool updating(void)
{
	const char *u = getenv("UPDATE");

	return u && strcmp(u, "1") == 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct ew_buf b;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	ew_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(ew_buf_add(&b, chunk, n), 0);
	fclose(f);
	return ew_buf_detach(&b);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Compare with tests/golden/NAME, printing a unified diff on mismatch. */
static void golden(const char *name, const char *text)
{
	char path[1024];
	char *want;

	snprintf(path, sizeof(path), "%s/tests/golden/%s", top(), name);
	if (updating()) {
		write_file(path, text);
		return;
	}
	want = read_file(path);
	if (!want) {
		print_error("missing golden file %s (run with UPDATE=1)\n",
			    path);
		fail();
	}
	if (strcmp(want, text) != 0) {
		struct ew_buf d;

		ew_buf_init(&d);
		ew_diff_unified(&d, want, text, name, "generated", NULL, NULL);
		print_error("%s", d.ptr);
		ew_buf_release(&d);
		free(want);
		fail_msg("%s differs from the golden file", name);
	}
	free(want);
}

static void setup_case(struct ew_setup *s, const struct doc_case *c)
{
	struct ew_error err;

	ew_error_clear(&err);
	assert_int_equal(ew_setup_init(s), 0);
#define SET(fn, v)                                                             \
	do {                                                                   \
		if (v && fn(s, v, &err) != 0)                                  \
			fail_msg("%s: %s", c->name, err.message);              \
	} while (0)
	SET(ew_setup_set_github_host, c->host);
	SET(ew_setup_set_github, c->github);
	SET(ew_setup_set_account,
	    (const char *)(c->account ? c->account : "123456789012"));
	SET(ew_setup_set_region, c->region);
	SET(ew_setup_set_owner_id, c->owner_id);
	SET(ew_setup_set_repo_id, c->repo_id);
	SET(ew_setup_set_platforms, c->platforms);
	SET(ew_setup_set_keep_images, c->keep);
	SET(ew_setup_set_default_branch, c->branch);
	SET(ew_setup_set_role_name, c->role);
	SET(ew_setup_set_policy_name, c->policy);
	SET(ew_setup_set_repo_name, c->repo_name);
	for (size_t i = 0; i < 6 && c->scopes[i]; i++)
		SET(ew_setup_add_scope, c->scopes[i]);
	for (size_t i = 0; i < 3 && c->envs[i]; i++)
		SET(ew_setup_add_env, c->envs[i]);
#undef SET
	if (ew_setup_check(s, &err) != 0)
		fail_msg("%s: %s", c->name, err.message);
}

static const char *string_at(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* Each sub value must name this repository and nothing wider. */
static void check_sub(const struct ew_setup *s, const cJSON *v, int *count)
{
	char legacy[256], immutable[256];

	snprintf(legacy, sizeof(legacy), "repo:%s/%s:", s->owner, s->repo);
	snprintf(immutable, sizeof(immutable), "repo:%s@%s/%s@%s:", s->owner,
		 s->owner_id ? s->owner_id : "-", s->repo,
		 s->repo_id ? s->repo_id : "-");
	if (cJSON_IsArray(v)) {
		assert_true(cJSON_GetArraySize(v) > 1);
		for (const cJSON *c = v->child; c; c = c->next)
			check_sub(s, c, count);
		return;
	}
	assert_true(cJSON_IsString(v));
	assert_true(strncmp(v->valuestring, legacy, strlen(legacy)) == 0 ||
		    strncmp(v->valuestring, immutable, strlen(immutable)) == 0);
	(*count)++;
}

static void check_trust(const struct ew_setup *s,
			const struct ew_env_target *env, const char *text)
{
	cJSON *doc = cJSON_Parse(text);
	const cJSON *st, *cond, *eq, *like;
	const char *region = s->region;
	char want[256];
	int subs = 0;

	assert_non_null(doc);
	assert_null(strstr(text, "ForAllValues"));
	assert_null(strstr(text, "\"repo:*"));
	st = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(doc, "Statement"), 0);
	assert_non_null(st);
	assert_string_equal(string_at(st, "Action"),
			    "sts:AssumeRoleWithWebIdentity");
	snprintf(want, sizeof(want),
		 "arn:%s:iam::%s:oidc-provider/"
		 "token.actions.githubusercontent.com",
		 strncmp(region, "cn-", 3) == 0	      ? "aws-cn"
		 : strncmp(region, "us-gov-", 7) == 0 ? "aws-us-gov"
						      : "aws",
		 s->account);
	assert_string_equal(
	    string_at(cJSON_GetObjectItemCaseSensitive(st, "Principal"),
		      "Federated"),
	    want);
	cond = cJSON_GetObjectItemCaseSensitive(st, "Condition");
	eq = cJSON_GetObjectItemCaseSensitive(cond, "StringEquals");
	like = cJSON_GetObjectItemCaseSensitive(cond, "StringLike");
	assert_string_equal(
	    string_at(eq, "token.actions.githubusercontent.com:aud"),
	    strncmp(region, "cn-", 3) == 0 ? "sts.amazonaws.com.cn"
					   : "sts.amazonaws.com");
	if (cJSON_GetObjectItemCaseSensitive(
		eq, "token.actions.githubusercontent.com:sub"))
		check_sub(s,
			  cJSON_GetObjectItemCaseSensitive(
			      eq, "token.actions.githubusercontent.com:sub"),
			  &subs);
	if (like) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		    like, "token.actions.githubusercontent.com:sub");
		assert_non_null(v);
		check_sub(s, v, &subs);
		/* Only patterns belong under StringLike. */
		for (const cJSON *c = cJSON_IsArray(v) ? v->child : v; c;
		     c = cJSON_IsArray(v) ? c->next : NULL)
			assert_non_null(strpbrk(c->valuestring, "*?"));
	}
	assert_true(subs > 0);
	if (env)
		assert_non_null(strstr(text, ":environment:"));
	cJSON_Delete(doc);
}

static void check_permissions(const struct ew_setup *s,
			      const struct ew_env_target *env, const char *text)
{
	cJSON *doc = cJSON_Parse(text);
	const cJSON *sts, *s1, *s2;
	struct ew_buf arn;

	assert_non_null(doc);
	sts = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
	assert_int_equal(cJSON_GetArraySize(sts), 2);
	s1 = cJSON_GetArrayItem(sts, 0);
	s2 = cJSON_GetArrayItem(sts, 1);
	assert_string_equal(string_at(s1, "Action"),
			    "ecr:GetAuthorizationToken");
	assert_string_equal(string_at(s1, "Resource"), "*");
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s2, "Action")),
	    7);
	ew_buf_init(&arn);
	assert_int_equal(ew_setup_repository_arn(&arn, s, env, NULL), 0);
	assert_string_equal(string_at(s2, "Resource"), arn.ptr);
	ew_buf_release(&arn);
	cJSON_Delete(doc);
}

static void check_lifecycle(const struct ew_setup *s, const char *text)
{
	cJSON *doc = cJSON_Parse(text);
	char *wire;
	const cJSON *rule, *sel;

	assert_non_null(doc);
	wire = cJSON_PrintUnformatted(doc);
	assert_true(strlen(wire) >= 100);
	cJSON_free(wire);
	rule = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(doc, "rules"), 0);
	sel = cJSON_GetObjectItemCaseSensitive(rule, "selection");
	assert_string_equal(string_at(sel, "tagStatus"), "any");
	assert_string_equal(string_at(sel, "countType"), "imageCountMoreThan");
	assert_int_equal(
	    cJSON_GetObjectItemCaseSensitive(sel, "countNumber")->valueint,
	    s->keep_images);
	cJSON_Delete(doc);
}

/* The workflow must be well-formed YAML; actionlint checks the rest. */
static void check_yaml(const char *text)
{
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;

	assert_int_equal(yaml_parser_initialize(&p), 1);
	yaml_parser_set_input_string(&p, (const unsigned char *)text,
				     strlen(text));
	while (!done) {
		if (!yaml_parser_parse(&p, &ev))
			fail_msg("workflow is not YAML: %s at line %zu",
				 p.problem ? p.problem : "?",
				 p.problem_mark.line + 1);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	assert_non_null(strstr(text, "id-token: write"));
	assert_non_null(strstr(text, "contents: read"));
	assert_non_null(strstr(text, "cache-to: type=gha,mode=max"));
	assert_null(strstr(text, "{{"
				 "#")); /* no template tag left behind */
}

static void workflow_out(const char *name, const char *text)
{
	const char *o = getenv("EW_TEST_OUT");
	char dir[1024], path[1100];

	snprintf(dir, sizeof(dir), "%s/workflows", o && *o ? o : "tests/.out");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		/* tests/.out may not exist when run by hand */
		char parent[1024];

		snprintf(parent, sizeof(parent), "%s",
			 o && *o ? o : "tests/.out");
		mkdir(parent, 0777);
		assert_int_equal(mkdir(dir, 0777) == 0 || errno == EEXIST, 1);
	}
	snprintf(path, sizeof(path), "%s/%s.yml", dir, name);
	write_file(path, text);
}

static void one_case(const struct doc_case *c)
{
	struct ew_setup s;
	struct ew_buf b;
	struct ew_error err;
	struct ew_outputs o;
	char name[256];
	size_t n;

	setup_case(&s, c);
	ew_buf_init(&b);
	n = ew_setup_target_count(&s);
	for (size_t t = 0; t < n; t++) {
		const struct ew_env_target *env = ew_setup_target_env(&s, t);
		const char *sfx = env ? env->slug : NULL;

		ew_buf_clear(&b);
		if (ew_doc_trust_policy(&b, &s, env, &err))
			fail_msg("%s: %s", c->name, err.message);
		check_trust(&s, env, b.ptr);
		snprintf(name, sizeof(name), "%s%s%s.trust.json", c->name,
			 sfx ? "." : "", sfx ? sfx : "");
		golden(name, b.ptr);

		ew_buf_clear(&b);
		if (ew_doc_permissions_policy(&b, &s, env, &err))
			fail_msg("%s: %s", c->name, err.message);
		check_permissions(&s, env, b.ptr);
		snprintf(name, sizeof(name), "%s%s%s.permissions.json", c->name,
			 sfx ? "." : "", sfx ? sfx : "");
		golden(name, b.ptr);
	}
	ew_buf_clear(&b);
	assert_int_equal(ew_doc_lifecycle_policy(&b, &s, &err), 0);
	check_lifecycle(&s, b.ptr);
	snprintf(name, sizeof(name), "%s.lifecycle.json", c->name);
	golden(name, b.ptr);

	ew_buf_clear(&b);
	if (ew_doc_workflow(&b, &s, &err))
		fail_msg("%s: %s", c->name, err.message);
	check_yaml(b.ptr);
	snprintf(name, sizeof(name), "%s.workflow.yml", c->name);
	golden(name, b.ptr);
	workflow_out(c->name, b.ptr);

	ew_buf_clear(&b);
	assert_int_equal(ew_outputs_build(&o, &s, &err), 0);
	assert_int_equal(o.nrows, 4 * n);
	assert_int_equal(ew_outputs_table(&b, &o), 0);
	assert_int_equal(ew_buf_puts(&b, "\n"), 0);
	assert_int_equal(ew_outputs_gh_commands(&b, &o, &s, EW_GH_SECRET), 0);
	assert_int_equal(ew_outputs_gh_commands(&b, &o, &s, EW_GH_VARIABLE), 0);
	snprintf(name, sizeof(name), "%s.outputs.txt", c->name);
	golden(name, b.ptr);
	ew_outputs_release(&o);

	ew_buf_release(&b);
	ew_setup_release(&s);
}

static void test_golden_documents(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++)
		one_case(&cases[i]);
}

static void test_outputs_values(void **state)
{
	struct ew_setup s;
	struct ew_outputs o;

	(void)state;
	setup_case(&s, &cases[1]); /* aws-cn */
	assert_int_equal(ew_outputs_build(&o, &s, NULL), 0);
	assert_string_equal(o.rows[0].name, "AWS_REGION");
	assert_string_equal(o.rows[0].value, "cn-north-1");
	assert_string_equal(o.rows[1].value, "app"); /* bare name */
	assert_string_equal(o.rows[2].value,
			    "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn");
	assert_string_equal(
	    o.rows[3].value,
	    "arn:aws-cn:iam::123456789012:role/GitHubActions-ECR-Role");
	ew_outputs_release(&o);
	ew_setup_release(&s);
}

/* The shell must give back exactly the string that was quoted. */
static void test_shell_quote_roundtrip(void **state)
{
	static const char *const values[] = {
	    "plain",	 "with space", "it's",	"'",	      "''",
	    "$(id)",	 "`x`",	       "a\\b",	"semi;colon", "star*",
	    "tab\there", "new\nline",  "-dash", "",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
		struct ew_buf cmd, got;
		FILE *p;
		char chunk[256];
		size_t n;

		ew_buf_init(&cmd);
		ew_buf_init(&got);
		assert_int_equal(ew_buf_puts(&cmd, "printf %s "), 0);
		assert_int_equal(ew_shell_quote(&cmd, values[i]), 0);
		if (values[i][0] == '\0')
			assert_string_equal(cmd.ptr, "printf %s ''");
		p = popen(cmd.ptr, "r");
		assert_non_null(p);
		while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
			assert_int_equal(ew_buf_add(&got, chunk, n), 0);
		assert_int_equal(pclose(p), 0);
		assert_string_equal(got.ptr, values[i]);
		ew_buf_release(&cmd);
		ew_buf_release(&got);
	}
}

static void test_incomplete_setup(void **state)
{
	struct ew_setup s;
	struct ew_buf b;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	ew_buf_init(&b);
	assert_int_equal(ew_doc_trust_policy(&b, &s, NULL, &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "GitHub repository"));
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	assert_int_equal(ew_doc_permissions_policy(&b, &s, NULL, &err),
			 EW_EINVAL);
	assert_non_null(strstr(err.message, "account"));
	ew_setup_clear_scopes(&s);
	assert_int_equal(ew_setup_set_account(&s, "123456789012", &err), 0);
	assert_int_equal(ew_doc_trust_policy(&b, &s, NULL, &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "trust scope"));
	assert_int_equal(b.len, 0);
	/* The lifecycle policy needs nothing but the count. */
	assert_int_equal(ew_doc_lifecycle_policy(&b, &s, &err), 0);
	ew_buf_release(&b);
	ew_setup_release(&s);
}

/* ----------------------------------------------- OIDC subject templates */

#define T_PROVIDER                                                             \
	"arn:aws:iam::123456789012:oidc-provider/"                             \
	"token.actions.githubusercontent.com"
#define T_ISSUER "token.actions.githubusercontent.com"
#define T_WF	 "/.github/workflows/ecr-push.yml@"

/* A setup for octo-org/octo-repo with the template keys (NULL-ended),
 * the scopes (NULL-ended) and, when ids, the numeric IDs. */
static void template_setup(struct ew_setup *s, const char *const *keys,
			   const char *const *scopes, bool ids)
{
	struct ew_error err;
	size_t n = 0;

	ew_error_clear(&err);
	assert_int_equal(ew_setup_init(s), 0);
	assert_int_equal(ew_setup_set_github(s, "octo-org/octo-repo", &err), 0);
	assert_int_equal(ew_setup_set_account(s, "123456789012", &err), 0);
	if (ids)
		assert_int_equal(
		    ew_setup_set_github_ids(s, "123456/456789", &err), 0);
	while (keys && keys[n])
		n++;
	assert_int_equal(ew_setup_set_sub_claim_keys(s, keys, n, &err), 0);
	for (size_t i = 0; scopes && scopes[i]; i++)
		assert_int_equal(ew_setup_add_scope(s, scopes[i], &err), 0);
}

static char *trust_of(const struct ew_setup *s)
{
	struct ew_buf b;
	struct ew_error err;

	ew_buf_init(&b);
	ew_error_clear(&err);
	if (ew_doc_trust_policy(&b, s, NULL, &err) != 0)
		fail_msg("trust policy: %s", err.message);
	return b.ptr;
}

static bool admits(const char *trust, const char *sub)
{
	return ew_doctor_trust_admits(trust, T_PROVIDER, T_ISSUER, sub,
				      "sts.amazonaws.com", false);
}

/* GitHub's documented example template (repo, context, job_workflow_ref):
 * the token a push to main mints is admitted; the same token from another
 * repository, a lookalike, other casing, and the default-format subject
 * (which this repository no longer gets) are refused. */
static void test_template_job_workflow_ref(void **state)
{
	static const char *const keys[] = {"repo", "context",
					   "job_workflow_ref", NULL};
	static const char *const scopes[] = {"branch:main", NULL};
	struct ew_setup s;
	char *t;

	(void)state;
	template_setup(&s, keys, scopes, false);
	t = trust_of(&s);
	assert_true(admits(t, "repo:octo-org/octo-repo:ref:refs/heads/main:"
			      "job_workflow_ref:octo-org/octo-repo" T_WF
			      "refs/heads/main"));
	assert_false(admits(t, "repo:octo-org/other:ref:refs/heads/main:"
			       "job_workflow_ref:octo-org/other" T_WF
			       "refs/heads/main"));
	assert_false(admits(t,
			    "repo:octo-org/octo-repo-evil:ref:refs/heads/"
			    "main:job_workflow_ref:octo-org/octo-repo-evil" T_WF
			    "refs/heads/main"));
	assert_false(admits(t, "repo:Octo-Org/octo-repo:ref:refs/heads/main:"
			       "job_workflow_ref:Octo-Org/octo-repo" T_WF
			       "refs/heads/main"));
	assert_false(admits(t, "repo:octo-org/octo-repo:ref:refs/heads/dev:"
			       "job_workflow_ref:octo-org/octo-repo" T_WF
			       "refs/heads/dev"));
	assert_false(admits(t, "repo:octo-org/octo-repo:ref:refs/heads/main"));
	free(t);
	ew_setup_release(&s);
}

/* The default scope (any) in a template: every context of this
 * repository, still only this repository; with the IDs, the immutable
 * form of the repo part is admitted too (GitHub keeps the IDs in it even
 * in a custom template). */
static void test_template_any_and_immutable(void **state)
{
	static const char *const keys[] = {"repo", "context",
					   "job_workflow_ref", NULL};
	struct ew_setup s;
	char *t;

	(void)state;
	template_setup(&s, keys, NULL, true);
	t = trust_of(&s);
	assert_true(admits(t, "repo:octo-org/octo-repo:ref:refs/tags/v1.0.0:"
			      "job_workflow_ref:octo-org/octo-repo" T_WF
			      "refs/tags/v1.0.0"));
	assert_true(admits(t, "repo:octo-org@123456/octo-repo@456789:"
			      "environment:prod:job_workflow_ref:"
			      "octo-org/octo-repo" T_WF "refs/heads/main"));
	assert_false(
	    admits(t, "repo:octo-org@123456/octo-repo@999:ref:refs/"
		      "heads/main:job_workflow_ref:octo-org/octo-repo" T_WF
		      "refs/heads/main"));
	assert_false(admits(t, "repo:evil-org/octo-repo:ref:refs/heads/main:"
			       "job_workflow_ref:octo-org/octo-repo" T_WF
			       "refs/heads/main"));
	free(t);
	ew_setup_release(&s);
}

/* A template of IDs only: exact IDs admit, another repository's ID does
 * not; without the IDs the wizard refuses and names --github-ids. */
static void test_template_ids(void **state)
{
	static const char *const keys[] = {"repository_owner_id",
					   "repository_id", "context", NULL};
	static const char *const scopes[] = {"env:Production:V1",
					     "pull_request", NULL};
	struct ew_setup s;
	struct ew_buf b;
	struct ew_error err;
	char *t;

	(void)state;
	template_setup(&s, keys, scopes, true);
	t = trust_of(&s);
	assert_true(admits(t, "repository_owner_id:123456:repository_id:"
			      "456789:environment:Production%3AV1"));
	assert_true(admits(t, "repository_owner_id:123456:repository_id:"
			      "456789:pull_request"));
	assert_false(admits(t, "repository_owner_id:123456:repository_id:"
			       "456790:pull_request"));
	assert_false(admits(t, "repository_owner_id:123456:repository_id:"
			       "456789:ref:refs/heads/main"));
	free(t);
	ew_setup_release(&s);

	template_setup(&s, keys, scopes, false);
	ew_buf_init(&b);
	assert_int_equal(ew_doc_trust_policy(&b, &s, NULL, &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "--github-ids"));
	assert_non_null(strstr(err.message, "use_default=true"));
	ew_buf_release(&b);
	ew_setup_release(&s);
}

/* Templates the wizard cannot satisfy: a message naming the claim and a
 * way out, and no document. */
static void test_template_refused(void **state)
{
	static const struct {
		const char *keys[4];
		const char *scope;
		const char *why;
	} tcases[] = {
	    {{"actor", "repo"}, NULL, "'actor'"},
	    {{"repository_owner", "repository_visibility"},
	     NULL,
	     "names no claim that identifies the repository"},
	    {{"repo", "environment"}, "branch:main", "'environment'"},
	};
	struct ew_setup s;
	struct ew_buf b;
	struct ew_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++) {
		const char *scopes[] = {tcases[i].scope, NULL};

		template_setup(&s, tcases[i].keys, scopes, true);
		ew_buf_init(&b);
		ew_error_clear(&err);
		assert_int_equal(ew_doc_trust_policy(&b, &s, NULL, &err),
				 EW_EINVAL);
		if (!strstr(err.message, tcases[i].why) ||
		    !strstr(err.message,
			    "gh api -X PUT repos/octo-org/octo-repo/actions/"
			    "oidc/customization/sub -F use_default=true"))
			fail_msg("case %zu: %s", i, err.message);
		assert_int_equal(b.len, 0);
		ew_buf_release(&b);
		ew_setup_release(&s);
	}
	/* environment in the template is fine for environment scopes */
	{
		static const char *const keys[] = {"repo", "environment", NULL};
		static const char *const scopes[] = {"env:prod", NULL};
		char *t;

		template_setup(&s, keys, scopes, false);
		t = trust_of(&s);
		assert_true(
		    admits(t, "repo:octo-org/octo-repo:environment:prod"));
		assert_false(
		    admits(t, "repo:octo-org/octo-repo:environment:dev"));
		free(t);
		ew_setup_release(&s);
	}
}

/* A template without the scope's claims: one subject for every scope,
 * listed once, and a note that the scopes cannot be told apart. */
static void test_template_without_context(void **state)
{
	static const char *const keys[] = {"repo", NULL};
	static const char *const scopes[] = {"branch:main", "tag:v*", NULL};
	struct ew_setup s;
	struct ew_buf notes;
	char *t;

	(void)state;
	template_setup(&s, keys, scopes, false);
	t = trust_of(&s);
	assert_non_null(strstr(t, "\"repo:octo-org/octo-repo\"\n"));
	assert_null(strstr(t, "ref:"));
	assert_true(admits(t, "repo:octo-org/octo-repo"));
	assert_false(admits(t, "repo:octo-org/octo-repo2"));
	ew_buf_init(&notes);
	assert_int_equal(ew_oidc_subject_notes(&notes, &s), 0);
	assert_non_null(strstr(notes.ptr, "include_claim_keys: repo)"));
	assert_non_null(strstr(notes.ptr, "cannot limit the role"));
	ew_buf_release(&notes);
	free(t);
	ew_setup_release(&s);
}

/* The subject of one job's token in the repository's template, decided
 * against the trust policy built for the scopes: what a pipeline check
 * does for each trigger. */
static void test_subject_token_against_policy(void **state)
{
	static const char *const keys[] = {"repo", "context", "event_name",
					   "job_workflow_ref", NULL};
	static const char *const scopes[] = {"branch:main", "env:prod", NULL};
	struct ew_setup s;
	struct ew_buf b;
	struct ew_error err;
	char *t;

	(void)state;
	template_setup(&s, keys, scopes, true);
	t = trust_of(&s);
	ew_buf_init(&b);
	/* a push to main, both forms: admitted */
	assert_int_equal(ew_oidc_subject_token(&b, &s, NULL, "push",
					       "refs/heads/main", false, &err),
			 0);
	assert_string_equal(b.ptr,
			    "repo:octo-org/octo-repo:ref:refs/heads/main:"
			    "event_name:push:job_workflow_ref:octo-org/"
			    "octo-repo" T_WF "refs/heads/main");
	assert_true(admits(t, b.ptr));
	ew_buf_clear(&b);
	assert_int_equal(ew_oidc_subject_token(&b, &s, NULL, "push",
					       "refs/heads/main", true, &err),
			 0);
	assert_true(admits(t, b.ptr));
	/* a job in the prod environment, whatever the trigger: admitted */
	ew_buf_clear(&b);
	assert_int_equal(ew_oidc_subject_token(&b, &s, "prod", "release",
					       "refs/tags/v1.0.0", false, &err),
			 0);
	assert_true(admits(t, b.ptr));
	/* a published release outside an environment: refused */
	ew_buf_clear(&b);
	assert_int_equal(ew_oidc_subject_token(&b, &s, NULL, "release",
					       "refs/tags/v1.0.0", false, &err),
			 0);
	assert_false(admits(t, b.ptr));
	ew_buf_release(&b);
	free(t);
	ew_setup_release(&s);
}

/* The exact subject of one token (what a pipeline check decides): every
 * claim given, ':' inside values encoded, no wildcard. */
static void test_subject_format_token(void **state)
{
	static const char *const keys[] = {"repo",	 "context",  "actor",
					   "event_name", "ref_type", NULL};
	static const struct ew_oidc_extra_claim actor[] = {
	    {"actor", "octocat"}};
	struct ew_oidc_claims c = {
	    .owner = "octo-org",
	    .repo = "octo-repo",
	    .owner_id = "123456",
	    .repo_id = "456789",
	    .environment = "Production:V1",
	    .event_name = "release",
	    .ref = "refs/tags/v1.0.0",
	    .ref_type = "tag",
	    .extra = actor,
	    .nextra = 1,
	};
	struct ew_buf b;
	struct ew_error err;
	bool pattern = true;

	(void)state;
	ew_buf_init(&b);
	assert_int_equal(
	    ew_oidc_subject_format(&b, keys, 5, &c, true, &pattern, &err), 0);
	assert_string_equal(b.ptr,
			    "repo:octo-org@123456/octo-repo@456789:environment:"
			    "Production%3AV1:actor:octocat:event_name:release:"
			    "ref_type:tag");
	assert_false(pattern);
	ew_buf_clear(&b);
	c.environment = NULL;
	assert_int_equal(
	    ew_oidc_subject_format(&b, NULL, 0, &c, false, &pattern, &err), 0);
	assert_string_equal(b.ptr,
			    "repo:octo-org/octo-repo:ref:refs/tags/v1.0.0");
	ew_buf_release(&b);
}

/* --github-ids: digits only, both parts, a message that names the rule. */
static void test_github_ids_setter(void **state)
{
	static const struct {
		const char *v, *why;
	} bad[] = {
	    {"123456", "OWNER_ID/REPO_ID"},
	    {"123456/", "OWNER_ID/REPO_ID"},
	    {"/456789", "OWNER_ID/REPO_ID"},
	    {"12a/456789", "numeric ID"},
	    {"123456/0456789", "numeric ID"},
	    {"123456/45678901234567890123", "numeric ID"},
	};
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ew_setup_set_github_ids(&s, bad[i].v, &err),
				 EW_EINVAL);
		if (!strstr(err.message, bad[i].why))
			fail_msg("'%s': %s", bad[i].v, err.message);
		assert_null(s.owner_id);
	}
	assert_int_equal(ew_setup_set_github_ids(&s, "123456/456789", &err), 0);
	assert_string_equal(s.owner_id, "123456");
	assert_string_equal(s.repo_id, "456789");
	ew_setup_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden_documents),
	    cmocka_unit_test(test_outputs_values),
	    cmocka_unit_test(test_shell_quote_roundtrip),
	    cmocka_unit_test(test_incomplete_setup),
	    cmocka_unit_test(test_template_job_workflow_ref),
	    cmocka_unit_test(test_template_any_and_immutable),
	    cmocka_unit_test(test_template_ids),
	    cmocka_unit_test(test_template_refused),
	    cmocka_unit_test(test_template_without_context),
	    cmocka_unit_test(test_subject_format_token),
	    cmocka_unit_test(test_subject_token_against_policy),
	    cmocka_unit_test(test_github_ids_setter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
