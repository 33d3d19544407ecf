/*
 * Unit tests: struct ew_setup defaults and every validating setter, as
 * tables of (setter, input, expected result or message fragment).
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
#include "model.h"

typedef int (*setter_fn)(struct ew_setup *, const char *, struct ew_error *);

struct row {
	const char *field;
	setter_fn fn;
	const char *input;
	/* NULL: must be accepted.  Otherwise a fragment of the message. */
	const char *error;
};

#define OK(f, fn, in)                                                          \
	{                                                                      \
		f, fn, in, NULL                                                \
	}
#define BAD(f, fn, in, msg)                                                    \
	{                                                                      \
		f, fn, in, msg                                                 \
	}

static const struct row rows[] = {
    /* account */
    OK("account", ew_setup_set_account, "123456789012"),
    BAD("account", ew_setup_set_account, "12345678901", "exactly 12 digits"),
    BAD("account", ew_setup_set_account, "1234567890123", "exactly 12"),
    BAD("account", ew_setup_set_account, "12345678901a", "exactly 12"),
    BAD("account", ew_setup_set_account, "", "is empty"),
    BAD("account", ew_setup_set_account, " 123456789012",
	"leading or trailing spaces"),
    BAD("account", ew_setup_set_account, "123456789012\n", "control character"),
    BAD("account", ew_setup_set_account, "１２３４５６７８９０１２",
	"exactly 12 digits"),

    /* region */
    OK("region", ew_setup_set_region, "eu-west-1"),
    OK("region", ew_setup_set_region, "cn-northwest-1"),
    OK("region", ew_setup_set_region, "us-gov-east-1"),
    OK("region", ew_setup_set_region, "eu-west-9"), /* warned */
    BAD("region", ew_setup_set_region, "EU-WEST-1", "lower-case"),
    BAD("region", ew_setup_set_region, "mars-north-1", "no supported"),
    BAD("region", ew_setup_set_region, "us-iso-east-1", "no supported"),
    BAD("region", ew_setup_set_region, "eu_west_1", "lower-case"),
    BAD("region", ew_setup_set_region, "eu-west-1 ", "trailing spaces"),
    BAD("region", ew_setup_set_region, "", "is empty"),

    /* ECR repository name */
    OK("repo name", ew_setup_set_repo_name, "my-app"),
    OK("repo name", ew_setup_set_repo_name, "team/my-app"),
    OK("repo name", ew_setup_set_repo_name, "a1"),
    OK("repo name", ew_setup_set_repo_name, "a-b.c_d/e"),
    /* ECR's API pattern: one separator between runs */
    BAD("repo name", ew_setup_set_repo_name, "my--app", "single"),
    BAD("repo name", ew_setup_set_repo_name, "a__b", "single"),
    BAD("repo name", ew_setup_set_repo_name, "a---b.c_d/e", "single"),
    OK("repo name", ew_setup_set_repo_name, "9lives"),
    BAD("repo name", ew_setup_set_repo_name, "a", "2-256"),
    BAD("repo name", ew_setup_set_repo_name, "My-App", "lower-case"),
    BAD("repo name", ew_setup_set_repo_name, "-app", "starting"),
    BAD("repo name", ew_setup_set_repo_name, "app-", "ending"),
    BAD("repo name", ew_setup_set_repo_name, "a..b", "not valid"),
    BAD("repo name", ew_setup_set_repo_name, "a___b", "not valid"),
    BAD("repo name", ew_setup_set_repo_name, "a.-b", "not valid"),
    BAD("repo name", ew_setup_set_repo_name, "team//app", "not valid"),
    BAD("repo name", ew_setup_set_repo_name, "/app", "not valid"),
    BAD("repo name", ew_setup_set_repo_name, "app/", "not valid"),
    BAD("repo name", ew_setup_set_repo_name, "my app", "not valid"),
    BAD("repo name", ew_setup_set_repo_name, "café", "not valid"),

    /* IAM names */
    OK("role", ew_setup_set_role_name, "GitHubActions-ECR-Role"),
    OK("role", ew_setup_set_role_name, "a+b=c,d.e@f_g-h"),
    OK("role", ew_setup_set_role_name,
       "a234567890123456789012345678901234567890123456789012345678901234"),
    BAD("role", ew_setup_set_role_name, "a b",
	"role name 'a b' is not valid: use 1-64 letters, digits and + = , . "
	"@ _ - (no spaces)"),
    BAD("role", ew_setup_set_role_name,
	"a2345678901234567890123456789012345678901234567890123456789012345",
	"at most 64"),
    BAD("role", ew_setup_set_role_name, "role/x", "not valid"),
    BAD("role", ew_setup_set_role_name, "rôle", "not valid"),
    BAD("role", ew_setup_set_role_name, "", "role name is empty"),
    BAD("role", ew_setup_set_role_name, "\x1b[31mred", "control character"),
    OK("policy", ew_setup_set_policy_name, "GitHubActions-ECR-Policy"),
    BAD("policy", ew_setup_set_policy_name, "p*", "use 1-128"),

    /* GitHub */
    OK("github", ew_setup_set_github, "octo-org/my-app"),
    OK("github", ew_setup_set_github, "a/b.c_d-e"),
    OK("github", ew_setup_set_github, "A1/.github"),
    /* pasted forms become OWNER/REPO (GitHub drops ".git") */
    OK("github", ew_setup_set_github, "octo-org/widgets.git"),
    OK("github", ew_setup_set_github, "https://github.com/octo-org/widgets"),
    OK("github", ew_setup_set_github, "git@github.com:octo-org/w.git"),
    BAD("github", ew_setup_set_github, "https://gitlab.com/o/r",
	"--github-host"),
    BAD("github", ew_setup_set_github, "octo-org", "OWNER/REPO"),
    BAD("github", ew_setup_set_github, "a/b/c", "OWNER/REPO"),
    BAD("github", ew_setup_set_github, "/repo", "OWNER/REPO"),
    BAD("github", ew_setup_set_github, "owner/", "OWNER/REPO"),
    BAD("github", ew_setup_set_github, "-owner/repo", "single hyphens"),
    BAD("github", ew_setup_set_github, "owner-/repo", "single hyphens"),
    BAD("github", ew_setup_set_github, "ow--ner/repo", "single hyphens"),
    BAD("github", ew_setup_set_github, "ow_ner/repo", "GitHub owner"),
    BAD("github", ew_setup_set_github, "*/repo", "GitHub owner"),
    BAD("github", ew_setup_set_github, "owner/*", "GitHub repository"),
    BAD("github", ew_setup_set_github, "owner/..", "not '.' or '..'"),
    BAD("github", ew_setup_set_github, "owner/.", "not '.' or '..'"),
    BAD("github", ew_setup_set_github, "owner/re po", "GitHub repository"),
    BAD("github", ew_setup_set_github, "owner/repo:*", "GitHub repository"),
    BAD("github", ew_setup_set_github,
	"a234567890123456789012345678901234567890/r", "at most 39"),
    OK("owner", ew_setup_set_owner, "a23456789012345678901234567890123456789"),
    BAD("owner", ew_setup_set_owner, "a234567890123456789012345678901234567890",
	"at most 39"),
    OK("owner id", ew_setup_set_owner_id, "123456"),
    OK("owner id", ew_setup_set_owner_id, ""),
    BAD("owner id", ew_setup_set_owner_id, "0123", "numeric ID"),
    BAD("owner id", ew_setup_set_owner_id, "12a", "numeric ID"),
    BAD("repo id", ew_setup_set_repo_id, "12345678901234567890", "1-19"),
    OK("host", ew_setup_set_github_host, "github.example.com"),
    OK("host", ew_setup_set_github_host, "GHE.Example.COM"),
    BAD("host", ew_setup_set_github_host, "https://github.com", "host name"),
    BAD("host", ew_setup_set_github_host, "-bad.com", "host name"),
    BAD("host", ew_setup_set_github_host, "a..b", "host name"),
    OK("branch", ew_setup_set_default_branch, "main"),
    OK("branch", ew_setup_set_default_branch, "release/v1.2"),
    BAD("branch", ew_setup_set_default_branch, "ma*n", "wildcards"),
    BAD("branch", ew_setup_set_default_branch, "a..b", "'..'"),

    /* trust scopes */
    OK("scope", ew_setup_add_scope, "any"),
    OK("scope", ew_setup_add_scope, "ANY"),
    OK("scope", ew_setup_add_scope, "branch:main"),
    OK("scope", ew_setup_add_scope, "branch:feature/*"),
    OK("scope", ew_setup_add_scope, "branch:release-?"),
    OK("scope", ew_setup_add_scope, "tag:v*"),
    OK("scope", ew_setup_add_scope, "env:prod"),
    OK("scope", ew_setup_add_scope, "env:Production:V1"),
    OK("scope", ew_setup_add_scope, "environment:staging"),
    OK("scope", ew_setup_add_scope, "pull_request"),
    BAD("scope", ew_setup_add_scope, "branch:", "branch name is empty"),
    BAD("scope", ew_setup_add_scope, "branch:a b", "spaces"),
    BAD("scope", ew_setup_add_scope, "branch:a:b", "not valid"),
    BAD("scope", ew_setup_add_scope, "branch:../x", "'..'"),
    BAD("scope", ew_setup_add_scope, "branch:/x", "not valid"),
    BAD("scope", ew_setup_add_scope, "branch:x.lock", ".lock"),
    BAD("scope", ew_setup_add_scope, "branch:x[1]", "not valid"),
    BAD("scope", ew_setup_add_scope, "branch:${aws:username}", "$"),
    BAD("scope", ew_setup_add_scope, "branch:héllo", "ASCII"),
    BAD("scope", ew_setup_add_scope, "tag:v1@{u}", "'@{'"),
    BAD("scope", ew_setup_add_scope, "env:pr*d", "not valid"),
    BAD("scope", ew_setup_add_scope, "env:a/b", "not valid"),
    BAD("scope", ew_setup_add_scope, "env: prod", "leading"),
    BAD("scope", ew_setup_add_scope, "repo:other/repo:*", "use any, branch"),
    BAD("scope", ew_setup_add_scope, "*", "use any, branch"),
    BAD("scope", ew_setup_add_scope, "", "trust scope is empty"),

    /* images to keep */
    OK("keep", ew_setup_set_keep_images, "1"),
    OK("keep", ew_setup_set_keep_images, "10"),
    OK("keep", ew_setup_set_keep_images, "1000"),
    OK("keep", ew_setup_set_keep_images, "0010"),
    BAD("keep", ew_setup_set_keep_images, "0", "from 1 to 1000"),
    BAD("keep", ew_setup_set_keep_images, "1001", "from 1 to 1000"),
    BAD("keep", ew_setup_set_keep_images, "-1", "from 1 to 1000"),
    BAD("keep", ew_setup_set_keep_images, "+5", "from 1 to 1000"),
    BAD("keep", ew_setup_set_keep_images, "5x", "from 1 to 1000"),
    BAD("keep", ew_setup_set_keep_images, "1e3", "from 1 to 1000"),
    BAD("keep", ew_setup_set_keep_images, " 5", "leading"),
    BAD("keep", ew_setup_set_keep_images, "5 ", "trailing"),
    BAD("keep", ew_setup_set_keep_images, "99999999999999999999", "at most 16"),
    BAD("keep", ew_setup_set_keep_images, "9999999999", "from 1 to 1000"),

    /* mutability and scanning */
    OK("mutability", ew_setup_set_tag_mutability, "immutable"),
    OK("mutability", ew_setup_set_tag_mutability, "Mutable_With-Exclusion"),
    BAD("mutability", ew_setup_set_tag_mutability, "frozen",
	"use MUTABLE, IMMUTABLE"),
    OK("exclusion", ew_setup_add_tag_exclusion, "latest"),
    OK("exclusion", ew_setup_add_tag_exclusion, "dev-*"),
    BAD("exclusion", ew_setup_add_tag_exclusion, "a/b", "tag exclusion"),
    OK("scan", ew_setup_set_scan_on_push, "YES"),
    OK("scan", ew_setup_set_scan_on_push, "off"),
    BAD("scan", ew_setup_set_scan_on_push, "maybe", "use true or false"),

    /* environments */
    OK("env", ew_setup_add_env, "prod:us-east-1:app"),
    OK("env", ew_setup_add_env, "Production:V1:eu-west-1:team/app"),
    BAD("env", ew_setup_add_env, "prod", "NAME:REGION:REPO"),
    BAD("env", ew_setup_add_env, "prod:us-east-1", "NAME:REGION:REPO"),
    BAD("env", ew_setup_add_env, ":us-east-1:app", "NAME:REGION:REPO"),
    BAD("env", ew_setup_add_env, "prod:Mars:app", "region 'Mars'"),
    BAD("env", ew_setup_add_env, "prod:us-east-1:App", "repository name"),
    BAD("env", ew_setup_add_env, "pr*d:us-east-1:app", "environment name"),

    /* workflow */
    OK("workflow", ew_setup_set_workflow_path, ".github/workflows/ecr.yaml"),
    BAD("workflow", ew_setup_set_workflow_path, "ecr.yml",
	".github/workflows/NAME.yml"),
    BAD("workflow", ew_setup_set_workflow_path, ".github/workflows/../x.yml",
	"not valid"),
    BAD("workflow", ew_setup_set_workflow_path, ".github/workflows/a/b.yml",
	"not valid"),
    BAD("workflow", ew_setup_set_workflow_path, ".github/workflows/x.txt",
	"not valid"),
    OK("platforms", ew_setup_set_platforms, "linux/amd64,linux/arm64/v8"),
    BAD("platforms", ew_setup_set_platforms, "linux/amd64, linux/arm64",
	"without spaces"),
    BAD("platforms", ew_setup_set_platforms, "linux", "OS/ARCH"),
    BAD("platforms", ew_setup_set_platforms, "linux/amd64,linux/amd64",
	"different"),
    BAD("platforms", ew_setup_set_platforms, "linux/amd64,", "OS/ARCH"),
};

static void test_setter_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		const struct row *r = &rows[i];
		struct ew_setup s;
		struct ew_error err;
		int rc;

		assert_int_equal(ew_setup_init(&s), 0);
		ew_error_clear(&err);
		rc = r->fn(&s, r->input, &err);
		if (!r->error && rc != 0)
			fail_msg("%s '%s' rejected: %s", r->field, r->input,
				 err.message);
		if (r->error) {
			if (rc != EW_EINVAL)
				fail_msg("%s '%s' accepted", r->field,
					 r->input);
			if (!strstr(err.message, r->error))
				fail_msg("%s '%s': message '%s' lacks '%s'",
					 r->field, r->input, err.message,
					 r->error);
		}
		ew_setup_release(&s);
	}
}

static void test_defaults(void **state)
{
	struct ew_setup s;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	assert_string_equal(s.region, "us-east-1");
	assert_string_equal(s.role_name, "GitHubActions-ECR-Role");
	assert_string_equal(s.policy_name, "GitHubActions-ECR-Policy");
	assert_string_equal(s.github_host, "github.com");
	assert_string_equal(s.default_branch, "main");
	assert_string_equal(s.workflow_path, ".github/workflows/ecr-push.yml");
	assert_string_equal(s.platforms, "linux/amd64");
	assert_int_equal(s.keep_images, 10);
	assert_int_equal(s.tag_mutability, EW_TAG_MUTABLE);
	assert_true(s.scan_on_push);
	assert_true(s.write_workflow);
	assert_int_equal(s.nscopes, 1);
	assert_int_equal(s.scopes[0].kind, EW_SCOPE_ANY);
	assert_null(s.owner);
	assert_null(s.account);
	assert_null(s.repo_name);
	assert_int_equal(ew_setup_target_count(&s), 1);
	assert_null(ew_setup_target_env(&s, 0));
	ew_setup_release(&s);
}

static void test_normalised_values(void **state)
{
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	assert_int_equal(ew_setup_set_tag_mutability(&s,
						     "immutable-with-"
						     "exclusion",
						     &err),
			 0);
	assert_string_equal(ew_tag_mutability_name(s.tag_mutability),
			    "IMMUTABLE_WITH_EXCLUSION");
	assert_int_equal(ew_setup_set_keep_images(&s, "0042", &err), 0);
	assert_int_equal(s.keep_images, 42);
	assert_int_equal(ew_setup_set_scan_on_push(&s, "No", &err), 0);
	assert_false(s.scan_on_push);
	assert_int_equal(ew_setup_set_github_host(&s, "GHE.Example.COM", &err),
			 0);
	assert_string_equal(s.github_host, "ghe.example.com");
	/* A rejected value leaves the old one. */
	assert_int_equal(ew_setup_set_keep_images(&s, "x", &err), EW_EINVAL);
	assert_int_equal(s.keep_images, 42);
	assert_int_equal(ew_setup_set_role_name(&s, "bad name", &err),
			 EW_EINVAL);
	assert_string_equal(s.role_name, "GitHubActions-ECR-Role");
	assert_int_equal(ew_setup_set_github(&s, "good/bad repo", &err),
			 EW_EINVAL);
	assert_null(s.owner);
	ew_setup_release(&s);
}

static void test_scopes(void **state)
{
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	assert_true(s.scopes_default);
	assert_int_equal(ew_setup_add_scope(&s, "branch:main", &err), 0);
	/* The first explicit scope replaces the default "any". */
	assert_int_equal(s.nscopes, 1);
	assert_int_equal(s.scopes[0].kind, EW_SCOPE_BRANCH);
	assert_string_equal(s.scopes[0].value, "main");
	assert_false(s.scopes[0].is_pattern);
	assert_int_equal(ew_setup_add_scope(&s, "branch:main", &err), 0);
	assert_int_equal(s.nscopes, 1); /* duplicate ignored */
	assert_int_equal(ew_setup_add_scope(&s, "tag:v*", &err), 0);
	assert_true(s.scopes[1].is_pattern);
	assert_int_equal(ew_setup_add_scope(&s, "env:Production:V1", &err), 0);
	assert_string_equal(s.scopes[2].value, "Production%3AV1");
	assert_false(s.scopes[2].is_pattern);
	assert_int_equal(ew_setup_add_scope(&s, "pull_request", &err), 0);
	assert_int_equal(s.scopes[3].kind, EW_SCOPE_PULL_REQUEST);
	assert_null(s.scopes[3].value);
	assert_int_equal(ew_setup_add_scope(&s, "bad", &err), EW_EINVAL);
	assert_int_equal(s.nscopes, 4);
	ew_setup_clear_scopes(&s);
	assert_int_equal(s.nscopes, 0);
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	assert_int_equal(ew_setup_set_account(&s, "123456789012", &err), 0);
	assert_int_equal(ew_setup_check(&s, &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "no trust scope"));
	ew_setup_release(&s);
}

static void test_region_warning(void **state)
{
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	assert_int_equal(ew_setup_set_region(&s, "eu-west-9", &err), 0);
	assert_string_equal(s.region, "eu-west-9");
	assert_non_null(strstr(s.warning, "not in the list of known regions"));
	/* The next setter clears it. */
	assert_int_equal(ew_setup_set_region(&s, "eu-west-1", &err), 0);
	assert_string_equal(s.warning, "");
	assert_int_equal(ew_setup_add_env(&s, "qa:ap-south-9:app", &err), 0);
	assert_non_null(strstr(s.warning, "ap-south-9"));
	ew_setup_release(&s);
}

static void test_default_repo_name(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"My-App", "my-app"},
	    {"my_app", "my_app"},
	    {"My.Cool.App", "my.cool.app"},
	    {"a--b", "a-b"},
	    {"__init__", "init"},
	    {"x", "x-repo"},
	    {"..a._b", "a-b"},
	    {"_", ""},
	    {"App2", "app2"},
	    {"a.-_b", "a-b"},
	};
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct ew_buf b;

		ew_buf_init(&b);
		assert_int_equal(ew_setup_default_repo_name(&b, cases[i].in),
				 0);
		assert_string_equal(b.ptr, cases[i].out);
		/* Whatever it suggests must pass the ECR setter. */
		if (b.len) {
			assert_int_equal(ew_setup_init(&s), 0);
			assert_int_equal(
			    ew_setup_set_repo_name(&s, b.ptr, &err), 0);
			ew_setup_release(&s);
		}
		ew_buf_release(&b);
	}
	assert_int_equal(ew_setup_init(&s), 0);
	assert_int_equal(ew_setup_set_github(&s, "Octo-Org/My-App", &err), 0);
	assert_string_equal(s.repo_name, "my-app");
	assert_int_equal(ew_setup_set_repo_name(&s, "custom", &err), 0);
	assert_int_equal(ew_setup_set_repo(&s, "Other", &err), 0);
	assert_string_equal(s.repo_name, "custom"); /* explicit wins */
	ew_setup_release(&s);
}

static void test_envs(void **state)
{
	struct ew_setup s;
	struct ew_error err;
	struct ew_buf b;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	assert_int_equal(ew_setup_set_account(&s, "123456789012", &err), 0);
	assert_int_equal(
	    ew_setup_add_env(&s, "Production:V1:cn-north-1:team/app", &err), 0);
	assert_string_equal(s.envs[0].name, "Production:V1");
	assert_string_equal(s.envs[0].region, "cn-north-1");
	assert_string_equal(s.envs[0].repo_name, "team/app");
	assert_string_equal(s.envs[0].slug, "Production-V1");
	assert_int_equal(
	    ew_setup_add_env(&s, "production:v1:us-east-1:x1", &err),
	    EW_EINVAL);
	assert_non_null(strstr(err.message, "given twice"));
	assert_int_equal(
	    ew_setup_add_env(&s, "Production V1:us-east-1:x1", &err),
	    EW_EINVAL);
	assert_non_null(strstr(err.message, "share the role name"));
	assert_int_equal(ew_setup_target_count(&s), 1);
	assert_ptr_equal(ew_setup_target_env(&s, 0), &s.envs[0]);

	ew_buf_init(&b);
	assert_int_equal(ew_setup_role_arn(&b, &s, &s.envs[0], &err), 0);
	assert_string_equal(b.ptr, "arn:aws:iam::123456789012:role/"
				   "GitHubActions-ECR-Role-Production-V1");
	ew_buf_clear(&b);
	assert_int_equal(ew_setup_repository_arn(&b, &s, &s.envs[0], &err), 0);
	assert_string_equal(
	    b.ptr,
	    "arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/app");
	ew_buf_clear(&b);
	assert_int_equal(ew_setup_registry_host(&b, &s, &s.envs[0], &err), 0);
	assert_string_equal(b.ptr,
			    "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn");
	ew_buf_release(&b);

	/* A role name that leaves no room for the suffix. */
	assert_int_equal(
	    ew_setup_set_role_name(
		&s,
		"r234567890123456789012345678901234567890123456789012345678901",
		&err),
	    0);
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	assert_int_equal(ew_setup_check(&s, &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "at most 64"));
	assert_int_equal(ew_setup_add_env(&s, "staging:us-east-1:x1", &err),
			 EW_EINVAL);
	ew_setup_release(&s);
}

static void test_arns_by_partition(void **state)
{
	static const struct {
		const char *region, *role, *provider, *repo, *host;
	} cases[] = {
	    {"us-east-1", "arn:aws:iam::123456789012:role/R",
	     "arn:aws:iam::123456789012:oidc-provider/"
	     "token.actions.githubusercontent.com",
	     "arn:aws:ecr:us-east-1:123456789012:repository/app",
	     "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
	    {"cn-north-1", "arn:aws-cn:iam::123456789012:role/R",
	     "arn:aws-cn:iam::123456789012:oidc-provider/"
	     "token.actions.githubusercontent.com",
	     "arn:aws-cn:ecr:cn-north-1:123456789012:repository/app",
	     "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"},
	    {"us-gov-west-1", "arn:aws-us-gov:iam::123456789012:role/R",
	     "arn:aws-us-gov:iam::123456789012:oidc-provider/"
	     "token.actions.githubusercontent.com",
	     "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app",
	     "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com"},
	};
	struct ew_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct ew_setup s;
		struct ew_buf b;

		assert_int_equal(ew_setup_init(&s), 0);
		ew_buf_init(&b);
		assert_int_equal(ew_setup_role_arn(&b, &s, NULL, &err),
				 EW_EINVAL); /* no account yet */
		assert_int_equal(ew_setup_set_account(&s, "123456789012", &err),
				 0);
		assert_int_equal(ew_setup_set_region(&s, cases[i].region, &err),
				 0);
		assert_int_equal(ew_setup_set_role_name(&s, "R", &err), 0);
		assert_int_equal(ew_setup_set_policy_name(&s, "P", &err), 0);
		assert_int_equal(ew_setup_set_repo_name(&s, "app", &err), 0);
		assert_int_equal(ew_setup_role_arn(&b, &s, NULL, &err), 0);
		assert_string_equal(b.ptr, cases[i].role);
		ew_buf_clear(&b);
		assert_int_equal(ew_setup_provider_arn(&b, &s, &err), 0);
		assert_string_equal(b.ptr, cases[i].provider);
		ew_buf_clear(&b);
		assert_int_equal(ew_setup_repository_arn(&b, &s, NULL, &err),
				 0);
		assert_string_equal(b.ptr, cases[i].repo);
		ew_buf_clear(&b);
		assert_int_equal(ew_setup_registry_host(&b, &s, NULL, &err), 0);
		assert_string_equal(b.ptr, cases[i].host);
		ew_buf_clear(&b);
		assert_int_equal(ew_setup_policy_arn(&b, &s, NULL, &err), 0);
		assert_non_null(strstr(b.ptr, ":policy/P"));
		ew_buf_release(&b);
		ew_setup_release(&s);
	}
}

static void test_check_exclusions(void **state)
{
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	assert_int_equal(ew_setup_set_github(&s, "o/r", &err), 0);
	assert_int_equal(ew_setup_set_account(&s, "123456789012", &err), 0);
	assert_int_equal(ew_setup_check(&s, &err), 0);
	assert_int_equal(
	    ew_setup_set_tag_mutability(&s, "IMMUTABLE_WITH_EXCLUSION", &err),
	    0);
	assert_int_equal(ew_setup_check(&s, &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "exclusion filters"));
	for (int i = 0; i < 5; i++) {
		char f[16];

		snprintf(f, sizeof(f), "f%d-*", i);
		assert_int_equal(ew_setup_add_tag_exclusion(&s, f, &err), 0);
	}
	assert_int_equal(ew_setup_add_tag_exclusion(&s, "latest", &err),
			 EW_EINVAL);
	assert_non_null(strstr(err.message, "at most 5"));
	assert_int_equal(ew_setup_check(&s, &err), 0);
	ew_setup_release(&s);
}

/* Huge pastes are refused by the length check, which looks at no more
 * than EW_SETUP_MAX_INPUT bytes (strnlen), with a short message. */
static void test_huge_inputs_are_cheap(void **state)
{
	static const setter_fn setters[] = {
	    ew_setup_set_github,	 ew_setup_set_owner,
	    ew_setup_set_repo,		 ew_setup_set_owner_id,
	    ew_setup_set_repo_id,	 ew_setup_set_github_host,
	    ew_setup_set_default_branch, ew_setup_set_account,
	    ew_setup_set_region,	 ew_setup_set_repo_name,
	    ew_setup_set_role_name,	 ew_setup_set_policy_name,
	    ew_setup_add_scope,		 ew_setup_set_keep_images,
	    ew_setup_set_tag_mutability, ew_setup_add_tag_exclusion,
	    ew_setup_set_scan_on_push,	 ew_setup_add_env,
	    ew_setup_set_workflow_path,	 ew_setup_set_platforms,
	};
	size_t n = 1u << 20;
	char *big = malloc(n + 1);
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	memcpy(big, "branch:", 7); /* a plausible prefix for add_scope */
	assert_int_equal(ew_setup_init(&s), 0);
	for (size_t i = 0; i < sizeof(setters) / sizeof(*setters); i++) {
		assert_int_equal(setters[i](&s, big, &err), EW_EINVAL);
		assert_non_null(strstr(err.message, "too long"));
		/* The message never echoes the whole paste. */
		assert_true(strlen(err.message) < 200);
	}
	ew_setup_release(&s);
	free(big);
}

/* `--github acme/widgets.git` or a pasted URL means acme/widgets: the
 * trust subject and the ECR name must not carry ".git". */
static void test_github_normalised(void **state)
{
	static const char *const forms[] = {
	    "acme/widgets.git", "https://github.com/acme/widgets.git",
	    "git@github.com:acme/widgets.git",
	    "ssh://git@github.com/acme/widgets"};
	struct ew_setup s;
	struct ew_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(ew_setup_init(&s), 0);
		if (ew_setup_set_github(&s, forms[i], &err) != 0)
			fail_msg("%s: %s", forms[i], err.message);
		assert_string_equal(s.owner, "acme");
		assert_string_equal(s.repo, "widgets");
		assert_string_equal(s.repo_name, "widgets");
		ew_setup_release(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_github_normalised),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_setter_table),
	    cmocka_unit_test(test_normalised_values),
	    cmocka_unit_test(test_scopes),
	    cmocka_unit_test(test_region_warning),
	    cmocka_unit_test(test_default_repo_name),
	    cmocka_unit_test(test_envs),
	    cmocka_unit_test(test_arns_by_partition),
	    cmocka_unit_test(test_check_exclusions),
	    cmocka_unit_test(test_huge_inputs_are_cheap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
