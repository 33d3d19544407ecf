/*
 * model.h - the wizard's inputs (struct ew_setup) and their validating
 * setters.
 *
 * Like kconfig's sym_set_string_value(): the TUI form, the command-line
 * flags and any answers file all call the same setter, so each rule exists
 * once.  The fields a user sets, with their flags, labels and rule texts,
 * are listed once in the field table (fields.h).  Every setter takes the raw user text, rejects it with EW_EINVAL
 * and a message that names the rule (git's voice, the value quoted), or
 * stores a normalised copy.  A rejected value leaves the setup unchanged.
 *
 * Common rules for every text input: at most EW_SETUP_MAX_INPUT bytes
 * (checked first, so a 1 MB paste is rejected in constant time), no
 * control characters, no leading or trailing spaces.
 *
 * A setter may accept a value with a warning (an unknown but well-formed
 * region): it returns 0 and fills s->warning; every setter clears
 * s->warning first, so after a successful call warning[0] != '\0' means
 * "accepted, but tell the user".
 *
 * Memory: struct ew_setup lives wherever the caller wants; ew_setup_init()
 * fills defaults, ew_setup_copy() makes an independent deep copy,
 * ew_setup_release() frees every string and list it owns.
 * All char * members are heap strings owned by the setup; read them, never
 * free or replace them directly.
 *
 * Targets: with no environment, the setup has one target (the main role and
 * repository).  With environments (--env NAME:REGION:REPO), there is one
 * target per environment, each with its own role and policy, named
 * ROLE-SLUG / POLICY-SLUG where SLUG is the environment name with every
 * character IAM does not allow replaced by '-'.
 */
#ifndef EW_MODEL_H
#define EW_MODEL_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>

/* Longer inputs are rejected before any other check. */
#define EW_SETUP_MAX_INPUT 4096

#define EW_DEFAULT_REGION      "us-east-1"
#define EW_DEFAULT_ROLE_NAME   "GitHubActions-ECR-Role"
#define EW_DEFAULT_POLICY_NAME "GitHubActions-ECR-Policy"
#define EW_DEFAULT_BRANCH      "main"
#define EW_DEFAULT_GITHUB_HOST "github.com"
#define EW_DEFAULT_WORKFLOW    ".github/workflows/ecr-push.yml"
#define EW_DEFAULT_PLATFORMS   "linux/amd64"
#define EW_DEFAULT_KEEP_IMAGES 10
#define EW_MAX_KEEP_IMAGES     1000
#define EW_MAX_TAG_EXCLUSIONS  5

/* Which GitHub OIDC subjects the trust policy admits (docs/github-oidc.md). */
enum ew_scope_kind {
	EW_SCOPE_ANY,	       /* repo:O/R:*  (the guide's default) */
	EW_SCOPE_BRANCH,       /* repo:O/R:ref:refs/heads/NAME */
	EW_SCOPE_TAG,	       /* repo:O/R:ref:refs/tags/PATTERN */
	EW_SCOPE_ENV,	       /* repo:O/R:environment:NAME */
	EW_SCOPE_PULL_REQUEST, /* repo:O/R:pull_request */
};

struct ew_scope {
	enum ew_scope_kind kind;
	/* The value as it appears in the sub claim (":" already encoded as
	 * "%3A"); NULL for ANY and PULL_REQUEST. */
	char *value;
	/* The value contains '*' or '?': the subject is a StringLike
	 * pattern rather than an exact StringEquals subject. */
	bool is_pattern;
};

enum ew_tag_mutability {
	EW_TAG_MUTABLE, /* ECR's default */
	EW_TAG_IMMUTABLE,
	EW_TAG_IMMUTABLE_WITH_EXCLUSION,
	EW_TAG_MUTABLE_WITH_EXCLUSION,
};

/* One GitHub environment with its own region, repository and role. */
struct ew_env_target {
	char *name;	 /* GitHub environment name, as typed */
	char *region;	 /* its AWS region */
	char *repo_name; /* its ECR repository */
	char *slug;	 /* name with IAM-invalid characters as '-' */
};

struct ew_setup {
	/* GitHub */
	char *github_host;    /* default "github.com" */
	char *owner;	      /* NULL until set */
	char *repo;	      /* NULL until set */
	char *owner_id;	      /* numeric, NULL when unknown */
	char *repo_id;	      /* numeric, NULL when unknown */
	char *default_branch; /* default "main" */
	/* The OIDC subject template's include_claim_keys, in order (see
	 * oidc_subject.h); none: GitHub's default subject. */
	char **sub_claim_keys;
	size_t nsub_claim_keys;
	char *github_visibility; /* public/private/internal, NULL unknown */

	/* AWS */
	char *account;	 /* 12 digits, NULL until set */
	char *region;	 /* default us-east-1 */
	char *repo_name; /* ECR repository; follows the GitHub repo name
			      until set explicitly */
	bool repo_name_explicit;
	char *role_name;   /* default GitHubActions-ECR-Role */
	char *policy_name; /* default GitHubActions-ECR-Policy */

	/* Trust: default one EW_SCOPE_ANY.  The first ew_setup_add_scope()
	 * replaces the default. */
	struct ew_scope *scopes;
	size_t nscopes;
	bool scopes_default;

	/* Repository options */
	int keep_images; /* 1-1000, default 10 */
	enum ew_tag_mutability tag_mutability;
	/* Wildcard filters for the *_WITH_EXCLUSION modes (1-5 needed). */
	char **tag_exclusions;
	size_t ntag_exclusions;
	/* Default true: the guide creates the repository with
	 * scanOnPush=true.  ECR marks the setting deprecated in favour of
	 * registry-level scanning but still honours it, and a registry
	 * scanning configuration overrides it, so true is harmless. */
	bool scan_on_push;

	/* Environments (one target each). */
	struct ew_env_target *envs;
	size_t nenvs;

	/* Workflow */
	char *workflow_path; /* default .github/workflows/ecr-push.yml */
	bool write_workflow; /* default true */
	char *platforms;     /* comma separated, default linux/amd64 */

	/* What the user chose where a change would touch what serves
	 * someone else (sharing.h): keep another repository's subjects and
	 * repository ARNs in a shared role and policy (--share-role), and
	 * replace the lifecycle policy of a repository ecr-wizard did not
	 * create (--replace-lifecycle).  Default false: such changes are
	 * refused (role, policy) or skipped (lifecycle). */
	bool share_role;
	bool replace_lifecycle;

	/* Filled by a setter that accepted the value with a caveat. */
	char warning[256];
};

/* Fill defaults.  Returns 0 or EW_ENOMEM (then release is still safe). */
int ew_setup_init(struct ew_setup *s);
void ew_setup_release(struct ew_setup *s);
/* A deep copy of src in dst (which is overwritten, not released): every
 * string and list is duplicated, so either can be changed or released
 * without touching the other; scalars, flags and the warning as they are.
 * 0 or EW_ENOMEM (then dst holds nothing to release). */
int ew_setup_copy(struct ew_setup *dst, const struct ew_setup *src,
		  struct ew_error *err);

/* --- setters: 0 or EW_EINVAL/EW_ENOMEM; err names the rule ------------ */

/* "OWNER/REPO": both parts by the rules below, stored only if both pass. */
int ew_setup_set_github(struct ew_setup *s, const char *value,
			struct ew_error *err);
/* 1-39 letters, digits and single hyphens, no hyphen at either end. */
int ew_setup_set_owner(struct ew_setup *s, const char *value,
		       struct ew_error *err);
/* 1-100 of [A-Za-z0-9._-], not "." or "..".  Updates the default ECR
 * repository name unless one was set explicitly. */
int ew_setup_set_repo(struct ew_setup *s, const char *value,
		      struct ew_error *err);
/* Numeric GitHub IDs (1-19 digits, no leading zero) for the immutable
 * subject form repo:OWNER@ID/REPO@ID:...; NULL or "" clears. */
int ew_setup_set_owner_id(struct ew_setup *s, const char *value,
			  struct ew_error *err);
int ew_setup_set_repo_id(struct ew_setup *s, const char *value,
			 struct ew_error *err);
/* "OWNER_ID/REPO_ID" (--github-ids): both IDs by the rule above, stored
 * only if both pass. */
int ew_setup_set_github_ids(struct ew_setup *s, const char *value,
			    struct ew_error *err);
/* The OIDC subject template: 1-32 claim keys of [A-Za-z0-9_], no
 * duplicates; n == 0 restores GitHub's default subject. */
int ew_setup_set_sub_claim_keys(struct ew_setup *s, const char *const *keys,
				size_t n, struct ew_error *err);
/* public, private or internal; NULL or "" clears. */
int ew_setup_set_github_visibility(struct ew_setup *s, const char *value,
				   struct ew_error *err);
/* A host name, e.g. "github.example.com". */
int ew_setup_set_github_host(struct ew_setup *s, const char *value,
			     struct ew_error *err);
/* A branch name by git's ref rules, without wildcards. */
int ew_setup_set_default_branch(struct ew_setup *s, const char *value,
				struct ew_error *err);

/* Exactly 12 digits. */
int ew_setup_set_account(struct ew_setup *s, const char *value,
			 struct ew_error *err);
/* A known region, or a well-formed unknown one (accepted with a warning). */
int ew_setup_set_region(struct ew_setup *s, const char *value,
			struct ew_error *err);
/* ECR's name pattern, 2-256, lower case, starting with a letter or digit. */
int ew_setup_set_repo_name(struct ew_setup *s, const char *value,
			   struct ew_error *err);
/* 1-64 of [A-Za-z0-9+=,.@_-]. */
int ew_setup_set_role_name(struct ew_setup *s, const char *value,
			   struct ew_error *err);
/* 1-128 of [A-Za-z0-9+=,.@_-]. */
int ew_setup_set_policy_name(struct ew_setup *s, const char *value,
			     struct ew_error *err);

/* Add one trust scope: "any", "branch:NAME", "tag:PATTERN", "env:NAME",
 * "pull_request".  '*' and '?' only in branch and tag patterns.  The
 * first call replaces the default scope; a duplicate is ignored. */
int ew_setup_add_scope(struct ew_setup *s, const char *value,
		       struct ew_error *err);
/* Remove every scope (the policy then needs at least one added). */
void ew_setup_clear_scopes(struct ew_setup *s);
/* Remove every tag exclusion filter / every environment (a form that
 * edits the whole list clears it and adds the items again). */
void ew_setup_clear_tag_exclusions(struct ew_setup *s);
void ew_setup_clear_envs(struct ew_setup *s);

/* 1-1000, decimal digits only. */
int ew_setup_set_keep_images(struct ew_setup *s, const char *value,
			     struct ew_error *err);
/* MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION;
 * any case, '-' accepted for '_'. */
int ew_setup_set_tag_mutability(struct ew_setup *s, const char *value,
				struct ew_error *err);
/* One exclusion filter (1-128 of [A-Za-z0-9._*-], at most 5). */
int ew_setup_add_tag_exclusion(struct ew_setup *s, const char *value,
			       struct ew_error *err);
/* true/false/yes/no/on/off/1/0, any case. */
int ew_setup_set_scan_on_push(struct ew_setup *s, const char *value,
			      struct ew_error *err);
/* --share-role and --replace-lifecycle (see the members above), as text
 * by the same rule. */
int ew_setup_set_share_role(struct ew_setup *s, const char *value,
			    struct ew_error *err);
int ew_setup_set_replace_lifecycle(struct ew_setup *s, const char *value,
				   struct ew_error *err);
/* The rule of the setters above, for a yes/no value named what: *out is
 * written only when value is valid.  0 or EW_EINVAL. */
int ew_setup_parse_bool(const char *what, const char *value, bool *out,
			struct ew_error *err);

/* "NAME:REGION:REPO"; NAME may itself contain ':' (split from the right).
 * NAME: 1-255 of letters, digits, space and "._-:" (no space at either
 * end); REGION and REPO by the rules above.  Names must be unique (GitHub
 * compares them case-insensitively), and so must their role names. */
int ew_setup_add_env(struct ew_setup *s, const char *value,
		     struct ew_error *err);

/* A relative path under .github/workflows/ ending in .yml or .yaml. */
int ew_setup_set_workflow_path(struct ew_setup *s, const char *value,
			       struct ew_error *err);
void ew_setup_set_write_workflow(struct ew_setup *s, bool on);
/* Comma-separated OS/ARCH[/VARIANT], e.g. "linux/amd64,linux/arm64". */
int ew_setup_set_platforms(struct ew_setup *s, const char *value,
			   struct ew_error *err);

/* Cross-field check before documents are built or AWS is called: owner,
 * repo and account set; at least one scope; exclusion filters present
 * exactly when the mutability mode wants them; target names within IAM's
 * limits.  0 or EW_EINVAL. */
int ew_setup_check(const struct ew_setup *s, struct ew_error *err);

/* --- derived values ---------------------------------------------------- */

/* The ECR name a GitHub repository name suggests: lower case, characters
 * ECR does not allow and repeated separators folded to '-', separators
 * trimmed from the ends, padded to ECR's 2-character minimum.  Appends to
 * out; 0 or EW_ENOMEM.  An empty result means no usable name. */
int ew_setup_default_repo_name(struct ew_buf *out, const char *github_repo);

/* Per-target names: env NULL = the main role/policy/repository/region. */
const char *ew_setup_target_region(const struct ew_setup *s,
				   const struct ew_env_target *env);
const char *ew_setup_target_repo_name(const struct ew_setup *s,
				      const struct ew_env_target *env);
int ew_setup_role_name_for(struct ew_buf *out, const struct ew_setup *s,
			   const struct ew_env_target *env);
int ew_setup_policy_name_for(struct ew_buf *out, const struct ew_setup *s,
			     const struct ew_env_target *env);

/* Computed ARNs and hosts (partition from the target's region).  Append to
 * out; 0, EW_EINVAL (account or region missing) or EW_ENOMEM. */
int ew_setup_role_arn(struct ew_buf *out, const struct ew_setup *s,
		      const struct ew_env_target *env, struct ew_error *err);
int ew_setup_policy_arn(struct ew_buf *out, const struct ew_setup *s,
			const struct ew_env_target *env, struct ew_error *err);
/* The OIDC provider ARN (partition of the main region). */
int ew_setup_provider_arn(struct ew_buf *out, const struct ew_setup *s,
			  struct ew_error *err);
int ew_setup_repository_arn(struct ew_buf *out, const struct ew_setup *s,
			    const struct ew_env_target *env,
			    struct ew_error *err);
/* ACCOUNT.dkr.ecr.REGION.amazonaws.com(.cn) */
int ew_setup_registry_host(struct ew_buf *out, const struct ew_setup *s,
			   const struct ew_env_target *env,
			   struct ew_error *err);

/* The number of targets (1, or the number of environments) and target i:
 * NULL for the main target, else &s->envs[i]. */
size_t ew_setup_target_count(const struct ew_setup *s);
const struct ew_env_target *ew_setup_target_env(const struct ew_setup *s,
						size_t i);

/* Canonical names: "MUTABLE", "any"/"branch"/... */
const char *ew_tag_mutability_name(enum ew_tag_mutability m);
const char *ew_scope_kind_name(enum ew_scope_kind k);

#endif
