/*
 * workflow_scan.h - what the local GitHub Actions workflows say about the
 * AWS login, for `doctor`.
 *
 * Workflows are parsed with libyaml (never with regular expressions) and
 * reduced to the facts doctor checks, one struct ew_wf_aws_job per job
 * that runs aws-actions/configure-aws-credentials:
 *
 *   - whether the job's token can get an OIDC token (`id-token: write` at
 *     the level that applies: a job-level `permissions:` replaces the
 *     workflow's entirely; for a reusable workflow called with
 *     `uses: ./.github/workflows/x.yml`, the calling job's permissions
 *     bound what the called jobs get);
 *   - the OIDC subjects the job can present (GitHub's `sub` formats,
 *     docs/github-oidc.md): an `environment:` wins, then the pull_request
 *     event, then the ref.  Triggers give the refs: `on: push:
 *     branches/tags` (their filter patterns widened to IAM globs that
 *     admit at least what GitHub's do), `release` (any tag),
 *     `pull_request`, and `workflow_dispatch`, `schedule` and other
 *     events (the default branch).  `${{ matrix.X }}` in `environment:`
 *     is expanded from the job's matrix;
 *   - role-to-assume, aws-region, role-duration-seconds and audience as
 *     written and what they draw on after `env.` indirection (a secret,
 *     a variable, a literal);
 *   - the amazon-ecr-login step and whether the registry is taken from its
 *     `steps.<id>.outputs.registry` output or hard-coded.
 *
 * It also lists every `secrets.NAME` and `vars.NAME` the workflows name,
 * so the user can compare them with `gh secret list` / `gh variable list`.
 *
 * A file that is not YAML, or not a workflow, becomes a struct
 * ew_wf_problem naming the file and line; nothing here aborts on input.
 *
 * Memory: struct ew_workflow_scan owns everything reachable from it
 * (strings, arrays, the parsed documents); ew_workflow_scan_release()
 * frees it all and is safe on an initialised or released scan.
 */
#ifndef EW_WORKFLOW_SCAN_H
#define EW_WORKFLOW_SCAN_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>

/* Workflow files larger than this are reported, not parsed. */
#define EW_WF_MAX_FILE (1024 * 1024)
/* Nor those nesting deeper than this (libyaml's time grows with the
 * square of the depth; no real workflow comes near). */
#define EW_WF_MAX_DEPTH 256

/* Whether the job's GITHUB_TOKEN may request an OIDC token. */
enum ew_wf_id_token {
	EW_WF_ID_TOKEN_WRITE,	/* granted where it applies */
	EW_WF_ID_TOKEN_DENIED,	/* a permissions block without it applies */
	EW_WF_ID_TOKEN_DEFAULT, /* no block at all: the default has none */
};

enum ew_wf_subject_kind {
	EW_WF_SUB_BRANCH,
	EW_WF_SUB_TAG,
	EW_WF_SUB_ENV,
	EW_WF_SUB_PR,
};

/* One `sub` a job can present, without the "repo:OWNER/REPO:" prefix. */
struct ew_wf_subject {
	enum ew_wf_subject_kind kind;
	/* "ref:refs/heads/main", "ref:refs/tags/v*", "environment:prod"
	 * (':' in the name as %3A), "pull_request".  With is_pattern an
	 * IAM glob ('*', '?') standing for every subject it admits. */
	char *context;
	bool is_pattern;
	char *why; /* "on.push.branches 'v1'", "environment 'prod'" */
};

/* An action input as written, and what it draws on. */
struct ew_wf_value {
	char *raw; /* NULL when the input is absent */
	/* Plain text: the value itself.  An expression: the first string
	 * literal or matrix value in it ('us-east-1' in
	 * "${{ secrets.AWS_REGION || 'us-east-1' }}"), else NULL. */
	char *literal;
	char *secret; /* first secrets.NAME it uses (through env.), or NULL */
	char *var;    /* first vars.NAME it uses, or NULL */
	bool is_expr; /* contains ${{ }} */
};

enum ew_wf_registry {
	EW_WF_REGISTRY_NONE,	  /* the workflow never names a registry */
	EW_WF_REGISTRY_OUTPUT,	  /* steps.<login id>.outputs.registry */
	EW_WF_REGISTRY_HARDCODED, /* ACCOUNT.dkr.ecr.REGION... written out */
};

/* One image tag a job pushes, as the workflow writes it. */
struct ew_wf_tag {
	/* "latest", "type=ref,event=branch", "app:${{ github.sha }}",
	 * "latest (metadata-action flavor latest=auto)" */
	char *spec;
	char *where; /* "step 'Docker meta' (line 40)" */
	/* The same tag names another image on a later run (latest, a
	 * branch or pull request name, a fixed raw value, a major.minor
	 * version): a push to an IMMUTABLE repository fails then. */
	bool moving;
};

struct ew_wf_aws_job {
	char *file;   /* workflow the job is in, e.g. .github/workflows/x.yml */
	char *job;    /* "build", or "build (environment=prod)" per matrix */
	char *caller; /* "FILE:JOB" of the local reusable-workflow caller */
	long line;    /* 1-based line of the job in file */

	enum ew_wf_id_token id_token;
	/* Where the deciding permissions are: "job 'build' permissions
	 * (line 12)", "workflow permissions (line 5)", "no permissions
	 * block", or the caller's. */
	char *id_token_where;

	struct ew_wf_subject *subjects;
	size_t nsubjects;
	/* Why the list may be incomplete (an environment from an
	 * expression, a reusable workflow with no local caller), or NULL. */
	char *subjects_note;

	struct ew_wf_value role;     /* role-to-assume */
	struct ew_wf_value region;   /* aws-region */
	struct ew_wf_value duration; /* role-duration-seconds */
	struct ew_wf_value audience; /* audience */
	long duration_seconds;	     /* literal number, else 0 */

	bool has_ecr_login;
	char *ecr_login_id; /* the login step's id, NULL when it has none */
	enum ew_wf_registry registry;
	char *registry_text; /* the hard-coded host, or NULL */

	/* The tags the job pushes: docker/metadata-action's tags and
	 * flavor, docker/build-push-action's tags (when it pushes), and
	 * `docker push` / `docker tag` / `docker build -t` in run steps. */
	struct ew_wf_tag *tags;
	size_t ntags;
	/* Every secrets.NAME the job reads (its steps, env and with, and
	 * the workflow's env), sorted, unique; GITHUB_TOKEN left out. */
	char **job_secrets;
	size_t njob_secrets;
};

struct ew_wf_problem {
	char *file;
	long line; /* 1-based; 0 when the whole file is concerned */
	char *message;
};

struct ew_workflow_scan {
	char **files; /* every workflow read, in order */
	size_t nfiles;
	struct ew_wf_problem *problems;
	size_t nproblems;
	struct ew_wf_aws_job *jobs;
	size_t njobs;
	char **secrets; /* names, sorted, unique; GITHUB_TOKEN left out */
	size_t nsecrets;
	char **vars;
	size_t nvars;
	void *priv; /* parsed documents, root */
};

void ew_workflow_scan_init(struct ew_workflow_scan *s);
void ew_workflow_scan_release(struct ew_workflow_scan *s);

/*
 * Parse one workflow held in memory and add it under the name file (used
 * in messages and to resolve `uses: ./FILE`).  Malformed YAML, or YAML
 * that is not a workflow, adds a problem naming file and line and returns
 * EW_EPARSE with the same message in err; EW_ENOMEM.  text need not be
 * NUL-terminated.
 */
int ew_workflow_scan_add(struct ew_workflow_scan *s, const char *file,
			 const char *text, size_t len, struct ew_error *err);

/*
 * Read the workflows of the work tree root: only (relative to root) when
 * not NULL, else every .yml and .yaml file in .github/workflows, in name order.
 * Local reusable workflows a caller names are read on demand by
 * ew_workflow_scan_finish().  Unreadable or malformed files become
 * problems (and do not stop the scan).  EW_ENOTFOUND when only names a
 * file that does not exist or, without only, there is no workflow at all;
 * EW_ENOMEM.
 */
int ew_workflow_scan_dir(struct ew_workflow_scan *s, const char *root,
			 const char *only, struct ew_error *err);

/*
 * Work out the AWS jobs, their permissions and subjects, and the secret and
 * variable names, from everything added.  default_branch (NULL: "main")
 * stands for events that run on the default branch.  0 or EW_ENOMEM.
 */
int ew_workflow_scan_finish(struct ew_workflow_scan *s,
			    const char *default_branch, struct ew_error *err);

/*
 * Widen a GitHub branch/tag filter pattern to an IAM glob admitting at
 * least the same names: '*' and '**' become '*', "[...]" becomes '?',
 * "x?" (optional x) becomes '*', "x+" becomes "x*", "\x" is x.  Appends to
 * *out (a heap string the caller frees); false for a negated pattern
 * ("!x", which admits nothing) or out of memory.
 */
bool ew_workflow_filter_to_glob(char **out, const char *filter);

const char *ew_wf_subject_kind_name(enum ew_wf_subject_kind k);

/*
 * Whether a docker/metadata-action `tags:` line, or the tag part of an
 * image reference, names a tag that repeats across runs (see struct
 * ew_wf_tag).  An expression that cannot be followed counts as unique.
 */
bool ew_workflow_tag_is_moving(const char *spec);

#endif
