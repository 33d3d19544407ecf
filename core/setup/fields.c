/* fields.c - the setup field table and its getters (fields.h). */
#include "fields.h"

#include <string.h>

/* ------------------------------------------------------------ getters */

static int put(struct ew_buf *out, const char *v)
{
	return ew_buf_puts(out, v ? v : "");
}

static int put_bool(struct ew_buf *out, bool v)
{
	return ew_buf_puts(out, v ? "yes" : "no");
}

static int get_github(struct ew_buf *out, const struct ew_setup *s)
{
	if (!s->owner || !s->repo)
		return 0;
	return ew_buf_printf(out, "%s/%s", s->owner, s->repo);
}

static int get_github_host(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->github_host);
}

static int get_github_ids(struct ew_buf *out, const struct ew_setup *s)
{
	if (!s->owner_id || !s->repo_id)
		return 0;
	return ew_buf_printf(out, "%s/%s", s->owner_id, s->repo_id);
}

static int get_branch(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->default_branch);
}

static int get_account(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->account);
}

static int get_region(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->region);
}

static int get_repo_name(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->repo_name);
}

static int get_role_name(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->role_name);
}

static int get_policy_name(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->policy_name);
}

/* As typed: the setup keeps a ':' inside a value as %3A (the sub claim's
 * encoding, docs/github-oidc.md). */
static int get_trust(struct ew_buf *out, const struct ew_setup *s)
{
	int rc = 0;

	for (size_t i = 0; i < s->nscopes && !rc; i++) {
		const struct ew_scope *sc = &s->scopes[i];

		if (i)
			rc = ew_buf_puts(out, ", ");
		if (!rc)
			rc = ew_buf_puts(out, ew_scope_kind_name(sc->kind));
		if (rc || !sc->value)
			continue;
		rc = ew_buf_putc(out, ':');
		for (const char *p = sc->value; *p && !rc; p++) {
			if (strncmp(p, "%3A", 3) == 0) {
				rc = ew_buf_putc(out, ':');
				p += 2;
			} else {
				rc = ew_buf_putc(out, *p);
			}
		}
	}
	return rc;
}

static int get_keep_images(struct ew_buf *out, const struct ew_setup *s)
{
	return ew_buf_printf(out, "%d", s->keep_images);
}

static int get_tag_mutability(struct ew_buf *out, const struct ew_setup *s)
{
	return ew_buf_puts(out, ew_tag_mutability_name(s->tag_mutability));
}

static int get_tag_exclusions(struct ew_buf *out, const struct ew_setup *s)
{
	int rc = 0;

	for (size_t i = 0; i < s->ntag_exclusions && !rc; i++)
		rc = ew_buf_printf(out, "%s%s", i ? ", " : "",
				   s->tag_exclusions[i]);
	return rc;
}

static int get_scan_on_push(struct ew_buf *out, const struct ew_setup *s)
{
	return put_bool(out, s->scan_on_push);
}

static int get_no_scan_on_push(struct ew_buf *out, const struct ew_setup *s)
{
	return put_bool(out, !s->scan_on_push);
}

static int get_envs(struct ew_buf *out, const struct ew_setup *s)
{
	int rc = 0;

	for (size_t i = 0; i < s->nenvs && !rc; i++)
		rc = ew_buf_printf(out, "%s%s:%s:%s", i ? ", " : "",
				   s->envs[i].name, s->envs[i].region,
				   s->envs[i].repo_name);
	return rc;
}

static int get_workflow(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->workflow_path);
}

static int get_no_workflow(struct ew_buf *out, const struct ew_setup *s)
{
	return put_bool(out, !s->write_workflow);
}

static int get_platforms(struct ew_buf *out, const struct ew_setup *s)
{
	return put(out, s->platforms);
}

static int get_share_role(struct ew_buf *out, const struct ew_setup *s)
{
	return put_bool(out, s->share_role);
}

static int get_replace_lifecycle(struct ew_buf *out, const struct ew_setup *s)
{
	return put_bool(out, s->replace_lifecycle);
}

/* ------------------------------------------------- setters for "no-" */

/* --no-scan-on-push and --no-workflow are yes/no values of their own,
 * the inverse of the member they set. */
static int set_no_scan_on_push(struct ew_setup *s, const char *value,
			       struct ew_error *err)
{
	bool no;
	int rc = ew_setup_parse_bool("no scan on push", value, &no, err);

	return rc ? rc
		  : ew_setup_set_scan_on_push(s, no ? "false" : "true", err);
}

static int set_no_workflow(struct ew_setup *s, const char *value,
			   struct ew_error *err)
{
	bool no;
	int rc = ew_setup_parse_bool("no workflow", value, &no, err);

	if (!rc)
		ew_setup_set_write_workflow(s, !no);
	return rc;
}

/* -------------------------------------------------------- conditions */

static bool wants_exclusions(const struct ew_setup *s)
{
	return s->tag_mutability == EW_TAG_IMMUTABLE_WITH_EXCLUSION ||
	       s->tag_mutability == EW_TAG_MUTABLE_WITH_EXCLUSION;
}

/* ------------------------------------------------------------- table */

static const char *const mutabilities[] = {
    "MUTABLE",
    "IMMUTABLE",
    "IMMUTABLE_WITH_EXCLUSION",
    "MUTABLE_WITH_EXCLUSION",
    NULL,
};

static const struct ew_field table[EW_FIELD_COUNT] = {
    [EW_FIELD_GITHUB] =
	{
	    .id = EW_FIELD_GITHUB,
	    .flag = "github",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "OWNER/REPO",
	    .help = "GitHub repository (default: detected from the git "
		    "remote)",
	    .get = get_github,
	    .set = ew_setup_set_github,
	},
    [EW_FIELD_GITHUB_HOST] =
	{
	    .id = EW_FIELD_GITHUB_HOST,
	    .flag = "github-host",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "HOST",
	    .help = "GitHub Enterprise host (default github.com)",
	    .get = get_github_host,
	    .set = ew_setup_set_github_host,
	},
    [EW_FIELD_GITHUB_IDS] =
	{
	    .id = EW_FIELD_GITHUB_IDS,
	    .flag = "github-ids",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "OWNER_ID/REPO_ID",
	    .help = "the numeric GitHub IDs, for the immutable sub form "
		    "when the GitHub API cannot be asked",
	    .get = get_github_ids,
	    .set = ew_setup_set_github_ids,
	},
    [EW_FIELD_BRANCH] =
	{
	    .id = EW_FIELD_BRANCH,
	    .flag = "branch",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "NAME",
	    .help = "branch the workflow pushes from (default main)",
	    .get = get_branch,
	    .set = ew_setup_set_default_branch,
	},
    [EW_FIELD_ACCOUNT] =
	{
	    .id = EW_FIELD_ACCOUNT,
	    .flag = "account",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "ID",
	    .help = "12-digit AWS account (checked, or used for an offline "
		    "plan)",
	    .get = get_account,
	    .set = ew_setup_set_account,
	},
    [EW_FIELD_REGION] =
	{
	    .id = EW_FIELD_REGION,
	    .flag = "region",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "REGION",
	    .help = "AWS region (default: AWS_REGION, profile, us-east-1)",
	    .label = "Region",
	    .kind = EW_KIND_REGION,
	    .rule = "an AWS region; type to search by code or name, Up/Down "
		    "to pick",
	    .get = get_region,
	    .set = ew_setup_set_region,
	},
    [EW_FIELD_REPO_NAME] =
	{
	    .id = EW_FIELD_REPO_NAME,
	    .flag = "repo",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "NAME",
	    .help = "ECR repository (default: the GitHub repository, lower "
		    "case)",
	    .label = "ECR repository",
	    .kind = EW_KIND_TEXT,
	    .rule = "2-256 characters: lower-case letters, digits, '.', "
		    "'_', '-' and '/', starting with a letter or digit",
	    .get = get_repo_name,
	    .set = ew_setup_set_repo_name,
	},
    [EW_FIELD_ROLE_NAME] =
	{
	    .id = EW_FIELD_ROLE_NAME,
	    .flag = "role-name",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "NAME",
	    .help = "IAM role (default " EW_DEFAULT_ROLE_NAME ")",
	    .label = "Role name",
	    .kind = EW_KIND_TEXT,
	    .rule = "1-64 characters: letters, digits and + = , . @ _ -",
	    .dflt = EW_DEFAULT_ROLE_NAME,
	    .get = get_role_name,
	    .set = ew_setup_set_role_name,
	},
    [EW_FIELD_POLICY_NAME] =
	{
	    .id = EW_FIELD_POLICY_NAME,
	    .flag = "policy-name",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "NAME",
	    .help = "IAM policy (default " EW_DEFAULT_POLICY_NAME ")",
	    .label = "Policy name",
	    .kind = EW_KIND_TEXT,
	    .rule = "1-128 characters: letters, digits and + = , . @ _ -",
	    .dflt = EW_DEFAULT_POLICY_NAME,
	    .get = get_policy_name,
	    .set = ew_setup_set_policy_name,
	},
    [EW_FIELD_TRUST] =
	{
	    .id = EW_FIELD_TRUST,
	    .flag = "trust",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "SCOPE",
	    .help = "who may assume the role, repeatable: any, branch:NAME, "
		    "tag:PATTERN, env:NAME, pull_request (default any)",
	    .label = "Trust scope",
	    .kind = EW_KIND_LIST,
	    .rule = "any, or a comma-separated list of branch:NAME, "
		    "tag:PATTERN, env:NAME, pull_request ('*' and '?' in "
		    "branch and tag patterns)",
	    .dflt = "any",
	    .empty = "the trust scope needs at least one item: 'any' is the "
		     "guide's default",
	    .get = get_trust,
	    .set = ew_setup_add_scope,
	    .clear_list = ew_setup_clear_scopes,
	},
    [EW_FIELD_KEEP_IMAGES] =
	{
	    .id = EW_FIELD_KEEP_IMAGES,
	    .flag = "keep-images",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "N",
	    .help = "lifecycle policy keeps the last N images, 1-1000 "
		    "(default 10)",
	    .label = "Images to keep",
	    .kind = EW_KIND_TEXT,
	    .rule = "the lifecycle policy keeps the last N images, 1-1000",
	    .dflt = "10",
	    .get = get_keep_images,
	    .set = ew_setup_set_keep_images,
	},
    [EW_FIELD_TAG_MUTABILITY] =
	{
	    .id = EW_FIELD_TAG_MUTABILITY,
	    .flag = "tag-mutability",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "MODE",
	    .help = "MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or "
		    "MUTABLE_WITH_EXCLUSION",
	    .label = "Tag mutability",
	    .kind = EW_KIND_CHOICE,
	    .rule = "Space or Left/Right to change; IMMUTABLE rejects a "
		    "push that reuses a tag",
	    .dflt = "MUTABLE",
	    .choices = mutabilities,
	    .get = get_tag_mutability,
	    .set = ew_setup_set_tag_mutability,
	},
    [EW_FIELD_TAG_EXCLUSIONS] =
	{
	    .id = EW_FIELD_TAG_EXCLUSIONS,
	    .flag = "tag-exclusion",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "FILTER",
	    .help = "tag filter for the *_WITH_EXCLUSION modes, repeatable",
	    .label = "Tag exclusions",
	    .kind = EW_KIND_LIST,
	    .rule = "1-5 comma-separated tag filters that stay mutable "
		    "(letters, digits, . _ - and *)",
	    .get = get_tag_exclusions,
	    .set = ew_setup_add_tag_exclusion,
	    .clear_list = ew_setup_clear_tag_exclusions,
	    .applies = wants_exclusions,
	},
    [EW_FIELD_SCAN_ON_PUSH] =
	{
	    .id = EW_FIELD_SCAN_ON_PUSH,
	    .flag = "scan-on-push",
	    .arg = EW_ARG_OPTIONAL,
	    .metavar = "BOOL",
	    .implied = "true",
	    .help = "scan images on push (default true)",
	    .label = "Scan on push",
	    .kind = EW_KIND_BOOL,
	    .rule = "Space to change; ECR scans each pushed image for "
		    "vulnerabilities",
	    .dflt = "yes",
	    .get = get_scan_on_push,
	    .set = ew_setup_set_scan_on_push,
	},
    [EW_FIELD_NO_SCAN_ON_PUSH] =
	{
	    .id = EW_FIELD_NO_SCAN_ON_PUSH,
	    .flag = "no-scan-on-push",
	    .arg = EW_ARG_NONE,
	    .implied = "true",
	    .help = "same as --scan-on-push=false",
	    .get = get_no_scan_on_push,
	    .set = set_no_scan_on_push,
	},
    [EW_FIELD_ENVS] =
	{
	    .id = EW_FIELD_ENVS,
	    .flag = "env",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "NAME:REGION:REPO",
	    .help = "one role and repository per GitHub environment, "
		    "repeatable",
	    .label = "Environments",
	    .kind = EW_KIND_LIST,
	    .rule = "optional: NAME:REGION:REPO, comma-separated; one role "
		    "and repository per GitHub environment",
	    .dflt = "none",
	    .get = get_envs,
	    .set = ew_setup_add_env,
	    .clear_list = ew_setup_clear_envs,
	},
    [EW_FIELD_WORKFLOW] =
	{
	    .id = EW_FIELD_WORKFLOW,
	    .flag = "workflow",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "PATH",
	    .help = "workflow file (default " EW_DEFAULT_WORKFLOW ")",
	    .excludes = "no-workflow",
	    .label = "Workflow file",
	    .kind = EW_KIND_TEXT,
	    .rule = "a path under .github/workflows/ ending in .yml or "
		    ".yaml",
	    .dflt = EW_DEFAULT_WORKFLOW,
	    .get = get_workflow,
	    .set = ew_setup_set_workflow_path,
	},
    [EW_FIELD_NO_WORKFLOW] =
	{
	    .id = EW_FIELD_NO_WORKFLOW,
	    .flag = "no-workflow",
	    .arg = EW_ARG_NONE,
	    .implied = "true",
	    .help = "do not write the workflow file",
	    .excludes = "workflow",
	    .get = get_no_workflow,
	    .set = set_no_workflow,
	},
    [EW_FIELD_PLATFORMS] =
	{
	    .id = EW_FIELD_PLATFORMS,
	    .flag = "platforms",
	    .arg = EW_ARG_REQUIRED,
	    .metavar = "LIST",
	    .help =
		"workflow build platforms (default " EW_DEFAULT_PLATFORMS ")",
	    .label = "Platforms",
	    .kind = EW_KIND_TEXT,
	    .rule = "comma-separated OS/ARCH[/VARIANT] for docker buildx, "
		    "e.g. linux/amd64,linux/arm64",
	    .dflt = EW_DEFAULT_PLATFORMS,
	    .get = get_platforms,
	    .set = ew_setup_set_platforms,
	},
    [EW_FIELD_SHARE_ROLE] =
	{
	    .id = EW_FIELD_SHARE_ROLE,
	    .flag = "share-role",
	    .arg = EW_ARG_NONE,
	    .implied = "true",
	    .help = "a role or policy that serves another repository: keep "
		    "its access and add this repository's (default: refuse)",
	    .get = get_share_role,
	    .set = ew_setup_set_share_role,
	},
    [EW_FIELD_REPLACE_LIFECYCLE] =
	{
	    .id = EW_FIELD_REPLACE_LIFECYCLE,
	    .flag = "replace-lifecycle",
	    .arg = EW_ARG_NONE,
	    .implied = "true",
	    .help = "replace the lifecycle policy of a repository ecr-wizard "
		    "did not create (default: keep it)",
	    .get = get_replace_lifecycle,
	    .set = ew_setup_set_replace_lifecycle,
	},
};

const struct ew_field *ew_fields(size_t *n)
{
	*n = EW_FIELD_COUNT;
	return table;
}

const struct ew_field *ew_field_get(enum ew_field_id id)
{
	return (unsigned)id < EW_FIELD_COUNT ? &table[id] : NULL;
}

const struct ew_field *ew_field_by_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < EW_FIELD_COUNT; i++)
		if (table[i].flag && strlen(table[i].flag) == len &&
		    memcmp(table[i].flag, name, len) == 0)
			return &table[i];
	return NULL;
}

bool ew_field_applies(const struct ew_field *f, const struct ew_setup *s)
{
	return !f->applies || f->applies(s);
}
