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
#include "glob.h"
#include "policy_eval.h"
#include "documents.h"
#include "error.h"
#include "json_doc.h"
#include "model.h"
#include "oidc_subject.h"
#include "outputs.h"
#include "workflow_scan.h"

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
	const char *mutability;
	const char *exclusions[3];
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
    {.name = "branch-patterns",
     .github = "octo-org/app",
     .branch = "trunk",
     .scopes = {"branch:trunk", "branch:release/*", "branch:hotfix-?"}},
    {.name = "immutable",
     .github = "octo-org/app",
     .scopes = {"any", "pull_request"},
     .mutability = "IMMUTABLE"},
    {.name = "immutable-exclusion",
     .github = "octo-org/app",
     .scopes = {"branch:main", "tag:v*", "pull_request"},
     .mutability = "IMMUTABLE_WITH_EXCLUSION",
     .exclusions = {"latest", "main", "pr-*"}},
    {.name = "mutable-exclusion",
     .github = "octo-org/app",
     .scopes = {"any", "env:prod"},
     .mutability = "MUTABLE_WITH_EXCLUSION",
     .exclusions = {"v*", "latest"}},
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
	SET(ew_setup_set_tag_mutability, c->mutability);
	for (size_t i = 0; i < 3 && c->exclusions[i]; i++)
		SET(ew_setup_add_tag_exclusion, c->exclusions[i]);
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

/* ------------------------------------------------ workflow and trust */

struct trust_list {
	char *v[64];
	size_t n;
};

static int add_subject(const char *subject, bool is_pattern, void *payload)
{
	struct trust_list *l = payload;

	(void)is_pattern;
	assert_true(l->n < 64);
	l->v[l->n++] = ew_strdup(subject);
	return 0;
}

static void trust_list_release(struct trust_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

/* The target whose role a scanned job assumes: with --env targets the
 * matrix entry's environment, else the main role. */
static const struct ew_env_target *job_target(const struct ew_setup *s,
					      const struct ew_wf_aws_job *j)
{
	for (size_t i = 0; i < s->nenvs; i++) {
		char want[300];

		snprintf(want, sizeof(want), "(environment=%s)",
			 s->envs[i].name);
		if (strstr(j->job, want))
			return &s->envs[i];
	}
	assert_int_equal(s->nenvs, 0);
	return NULL;
}

/*
 * The invariant the pipeline check relies on: every subject a job of the
 * workflow can present (as workflow_scan.c reads it: triggers, matrix
 * environments) is admitted by the trust policy of the role it assumes.
 * Returns the number of subjects refused, naming each.
 */
static int refused_runs(const struct ew_setup *s, const char *name,
			const char *text)
{
	struct ew_workflow_scan sc;
	struct ew_error err;
	int refused = 0;

	ew_workflow_scan_init(&sc);
	if (ew_workflow_scan_add(&sc, EW_DEFAULT_WORKFLOW, text, strlen(text),
				 &err))
		fail_msg("%s: %s", name, err.message);
	assert_int_equal(ew_workflow_scan_finish(&sc, s->default_branch, &err),
			 0);
	assert_true(sc.njobs > 0);
	for (size_t i = 0; i < sc.njobs; i++) {
		const struct ew_wf_aws_job *j = &sc.jobs[i];
		struct trust_list tl = {.n = 0};

		assert_int_equal(j->id_token, EW_WF_ID_TOKEN_WRITE);
		assert_null(j->subjects_note);
		assert_true(j->nsubjects > 0);
		assert_int_equal(ew_doc_trust_subjects(s, job_target(s, j),
						       add_subject, &tl, &err),
				 0);
		for (size_t k = 0; k < j->nsubjects; k++) {
			char full[600];
			bool ok = false;

			snprintf(full, sizeof(full), "repo:%s/%s:%s", s->owner,
				 s->repo, j->subjects[k].context);
			for (size_t t = 0; t < tl.n && !ok; t++)
				ok = ew_glob_covers(tl.v[t], full, false);
			if (!ok) {
				print_error("%s: job %s presents %s (%s), "
					    "which the trust refuses\n",
					    name, j->job, full,
					    j->subjects[k].why);
				refused++;
			}
		}
		trust_list_release(&tl);
	}
	ew_workflow_scan_release(&sc);
	return refused;
}

/* Beside the golden cases: every scope combination with every tag
 * mutability (tests/cli/actionlint.sh lints each, tests/cli/tag_rules.sh
 * replays runs of each through metadata-action's rules). */
static const char *const matrix_scopes[][6] = {
    {"any"},
    {"branch:main"},
    {"branch:main", "branch:release/*"},
    {"branch:develop"},
    {"tag:v*"},
    {"tag:v*", "tag:release-?"},
    {"env:prod"},
    {"env:prod", "env:Production:V1"},
    {"pull_request"},
    {"branch:main", "pull_request"},
    {"tag:v*", "env:prod"},
    {"pull_request", "env:staging"},
    {"any", "pull_request"},
    {"branch:main", "branch:release/*", "tag:v*", "env:prod", "pull_request"},
    {NULL}, /* --env targets */
};

static const struct {
	const char *mutability;
	const char *exclusions[4];
} matrix_mut[] = {
    {"MUTABLE", {NULL}},
    {"IMMUTABLE", {NULL}},
    {"IMMUTABLE_WITH_EXCLUSION", {"latest"}},
    {"IMMUTABLE_WITH_EXCLUSION", {"*"}},
    {"IMMUTABLE_WITH_EXCLUSION", {"latest", "main", "release-*", "pr-*"}},
    {"MUTABLE_WITH_EXCLUSION", {"v*"}},
    {"MUTABLE_WITH_EXCLUSION", {"latest", "sha-*"}},
    {"MUTABLE_WITH_EXCLUSION", {"*"}},
};

static void sidecar(const char *name, const struct ew_setup *s)
{
	const char *o = getenv("EW_TEST_OUT");
	cJSON *j = cJSON_CreateObject(), *a;
	char path[1100], *text;

	cJSON_AddStringToObject(j, "name", name);
	cJSON_AddStringToObject(j, "default_branch", s->default_branch);
	cJSON_AddStringToObject(j, "mutability",
				ew_tag_mutability_name(s->tag_mutability));
	a = cJSON_AddArrayToObject(j, "exclusions");
	for (size_t i = 0; i < s->ntag_exclusions; i++)
		cJSON_AddItemToArray(a,
				     cJSON_CreateString(s->tag_exclusions[i]));
	a = cJSON_AddArrayToObject(j, "scopes");
	for (size_t i = 0; i < s->nscopes; i++) {
		char sc[400];

		snprintf(sc, sizeof(sc), "%s%s%s",
			 ew_scope_kind_name(s->scopes[i].kind),
			 s->scopes[i].value ? ":" : "",
			 s->scopes[i].value ? s->scopes[i].value : "");
		cJSON_AddItemToArray(a, cJSON_CreateString(sc));
	}
	a = cJSON_AddArrayToObject(j, "envs");
	for (size_t i = 0; i < s->nenvs; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(s->envs[i].name));
	text = cJSON_Print(j);
	snprintf(path, sizeof(path), "%s/workflows/%s.json",
		 o && *o ? o : "tests/.out", name);
	write_file(path, text);
	cJSON_free(text);
	cJSON_Delete(j);
}

static void test_workflow_matrix(void **state)
{
	size_t ns = sizeof(matrix_scopes) / sizeof(*matrix_scopes);
	size_t nm = sizeof(matrix_mut) / sizeof(*matrix_mut);
	int refused = 0, n = 0;

	(void)state;
	for (size_t i = 0; i < ns; i++) {
		for (size_t m = 0; m < nm; m++) {
			struct doc_case c = {.github = "octo-org/app"};
			struct ew_setup s;
			struct ew_buf b;
			struct ew_error err;
			char name[64];

			snprintf(name, sizeof(name), "m%02zu-%zu", i, m);
			c.name = name;
			for (size_t k = 0; k < 6 && matrix_scopes[i][k]; k++)
				c.scopes[k] = matrix_scopes[i][k];
			if (!matrix_scopes[i][0]) {
				c.envs[0] = "staging:eu-west-1:app-staging";
				c.envs[1] = "Production:V1:us-west-2:app";
			}
			/* a default branch other than main now and then */
			if (i % 4 == 3)
				c.branch = "trunk";
			c.mutability = matrix_mut[m].mutability;
			for (size_t k = 0; k < 3 && matrix_mut[m].exclusions[k];
			     k++)
				c.exclusions[k] = matrix_mut[m].exclusions[k];
			setup_case(&s, &c);
			ew_buf_init(&b);
			if (ew_doc_workflow(&b, &s, &err))
				fail_msg("%s: %s", name, err.message);
			check_yaml(b.ptr);
			refused += refused_runs(&s, name, b.ptr);
			workflow_out(name, b.ptr);
			sidecar(name, &s);
			ew_buf_release(&b);
			ew_setup_release(&s);
			n++;
		}
	}
	print_message("# workflow matrix: %d variants, %d refused subjects\n",
		      n, refused);
	assert_int_equal(refused, 0);
}

/* The check can fail: the old workflow (push to main and releases) under
 * a tag-only trust, or any trigger under a branch trust, is refused. */
static void test_workflow_invariant_can_fail(void **state)
{
	static const char old[] =
	    "on:\n"
	    "  push:\n"
	    "    branches: [main]\n"
	    "  release:\n"
	    "    types: [published]\n"
	    "permissions:\n"
	    "  id-token: write\n"
	    "jobs:\n"
	    "  build-and-push:\n"
	    "    runs-on: ubuntu-latest\n"
	    "    steps:\n"
	    "      - uses: aws-actions/configure-aws-credentials@v6\n"
	    "        with:\n"
	    "          role-to-assume: ${{ secrets.AWS_ROLE_ARN }}\n"
	    "          aws-region: us-east-1\n";
	struct doc_case tag = {
	    .name = "tag", .github = "octo-org/app", .scopes = {"tag:v*"}};
	struct doc_case br = {.name = "branch",
			      .github = "octo-org/app",
			      .scopes = {"branch:main"}};
	struct ew_setup s;

	(void)state;
	setup_case(&s, &tag);
	assert_int_equal(refused_runs(&s, "old workflow, tag:v*", old), 2);
	ew_setup_release(&s);
	setup_case(&s, &br);
	assert_int_equal(refused_runs(&s, "old workflow, branch:main", old), 1);
	ew_setup_release(&s);
}

/* What the scopes ask of the workflow, as a user reads it. */
static void test_workflow_shape(void **state)
{
	static const struct {
		const char *scopes[4];
		const char *branch;
		const char *has[4], *lacks[4];
	} want[] = {
	    {{"branch:main"},
	     NULL,
	     {"branches:\n      - 'main'\n"},
	     {"release:", "pull_request:", "tags:\n      -", "environment:"}},
	    {{"tag:v*"},
	     NULL,
	     {"tags:\n      - 'v**'\n"},
	     {"release:", "branches:", "latest,enable"}},
	    {{"any"},
	     "trunk",
	     {"branches:\n      - 'trunk'\n", "release:", "refs/heads/trunk'"},
	     {"'main'", "refs/heads/main"}},
	    {{"env:prod"},
	     NULL,
	     {"environment: ${{ matrix.environment }}",
	      "- environment: 'prod'"},
	     {"pull_request:"}},
	    {{"pull_request"},
	     NULL,
	     {"pull_request:\n", "type=ref,event=pr"},
	     {"\n  push:", "release:", "latest,enable"}},
	    {{"branch:main", "env:prod"},
	     NULL,
	     {"needs: build-and-push", "- environment: 'prod'"},
	     {"release:"}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		struct doc_case c = {.name = "shape",
				     .github = "octo-org/app",
				     .branch = want[i].branch};
		struct ew_setup s;
		struct ew_buf b;
		struct ew_error err;

		for (size_t k = 0; k < 4 && want[i].scopes[k]; k++)
			c.scopes[k] = want[i].scopes[k];
		setup_case(&s, &c);
		ew_buf_init(&b);
		assert_int_equal(ew_doc_workflow(&b, &s, &err), 0);
		for (size_t k = 0; k < 4 && want[i].has[k]; k++)
			if (!strstr(b.ptr, want[i].has[k]))
				fail_msg("%s: workflow lacks '%s'",
					 want[i].scopes[0], want[i].has[k]);
		for (size_t k = 0; k < 4 && want[i].lacks[k]; k++)
			if (strstr(b.ptr, want[i].lacks[k]))
				fail_msg("%s: workflow has '%s'",
					 want[i].scopes[0], want[i].lacks[k]);
		ew_buf_release(&b);
		ew_setup_release(&s);
	}
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
	assert_int_equal(refused_runs(&s, c->name, b.ptr), 0);
	snprintf(name, sizeof(name), "%s.workflow.yml", c->name);
	golden(name, b.ptr);
	workflow_out(c->name, b.ptr);
	sidecar(c->name, &s);

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
	return ew_policy_trust_admits(trust, T_PROVIDER, T_ISSUER, sub,
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
	    cmocka_unit_test(test_workflow_shape),
	    cmocka_unit_test(test_workflow_invariant_can_fail),
	    cmocka_unit_test(test_workflow_matrix),
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
