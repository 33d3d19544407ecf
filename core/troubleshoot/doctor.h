/*
 * doctor.h - audit a live setup and the local workflow (`ecr-wizard
 * doctor`): one check per fact a push from GitHub Actions depends on, each
 * pass / warn / fail / skip with what was found and, for a failure, the fix
 * and the matching troubleshooting entry (knowledge.h).  Never prints.
 *
 * The checks, in report order (per target: the main role and repository,
 * or one per --env environment; per AWS job for the workflow checks):
 *
 *   credentials         GetCallerIdentity works; the account is the one
 *                       asked for (--account), else it becomes the setup's
 *   provider            the GitHub OIDC provider exists in that account
 *   provider-audience   ... and lists the partition's audience
 *   role                the role exists
 *   trust-provider      its trust policy allows sts:AssumeRoleWithWebIdentity
 *                       for that provider of the same account
 *   trust-audience      ... pins `aud` to the audience
 *   trust-sub           ... has a `sub` condition, limited to this repository
 *   trust-for-all-values ... uses no ForAllValues: operator
 *   trust-subject       one per OIDC subject the workflow can present: the
 *                       trust admits it (IAM semantics: operators of one
 *                       statement AND-ed, StringEquals exact, StringLike
 *                       '*'/'?' globs; legacy repo:OWNER/REPO:... and
 *                       immutable repo:OWNER@ID/REPO@ID:... forms, spelled
 *                       in the repository's custom OIDC subject template
 *                       when it has one, as pipeline.h spells them)
 *   pipeline-trigger    one fail per trigger of each workflow file whose
 *                       token (pipeline.h) the trust refuses, naming the
 *                       trigger ("release", "push to main") and its fix;
 *                       one pass naming the admitted ones
 *   max-session         the role's MaxSessionDuration covers every
 *                       role-duration-seconds in the workflow
 *   policy-attached     the permissions policy is attached to the role
 *   policy-login        the attached policies allow ecr:GetAuthorizationToken
 *                       on "*"
 *   policy-push         ... and the seven push actions on the exact
 *                       repository ARN (region and account included);
 *                       wildcards in Action/Resource, NotAction/NotResource
 *                       and explicit denies are evaluated
 *   repository          the ECR repository exists in the target's region
 *   lifecycle           it has a lifecycle policy (warn only)
 *   workflow            each workflow file parses (fail names file:line);
 *                       some job runs configure-aws-credentials
 *   workflow-id-token   the job gets `id-token: write` where it applies
 *   workflow-role       role-to-assume comes from a secret or variable
 *                       (a literal must be the role's ARN)
 *   workflow-region     aws-region is the target's region
 *   workflow-audience   an `audience:` input, when set, is the audience
 *   workflow-ecr-login  the job runs amazon-ecr-login
 *   workflow-registry   images are tagged with the login step's
 *                       `steps.<id>.outputs.registry`
 *   workflow-tags       an IMMUTABLE repository gets no moving tag
 *                       (latest, branch, pull request, fixed raw value)
 *   workflow-secrets    the secrets the job reads are those the setup
 *                       produces (docs/troubleshooting.md)
 *   workflow-names      the secrets and variables the workflows use (pass;
 *                       compare with `gh secret list` / `gh variable list`)
 *   github-secrets      with a GitHub token: every secret the workflows read
 *                       (the four apply sets when no workflow was read) is
 *                       set in the repository, or per --env environment in
 *                       it or the repository; names only, GitHub never
 *                       returns values.  Skip without a token.
 *
 * The IAM semantics are policy_eval.h's; the checks live in doctor_aws.c
 * (credentials to repository) and doctor_workflow.c (workflow files,
 * GitHub secrets), one function per check id.
 *
 * A check that cannot run because an earlier one failed is "skip".
 * Warnings do not make the audit fail.
 *
 * Memory: struct ew_doctor_report owns every string and the workflow scan
 * it holds; ew_doctor_report_release() frees them.  The input's setup is
 * borrowed, and its account is filled in (ew_setup_set_account) from the
 * credentials when unset; nothing else in it changes.
 */
#ifndef EW_DOCTOR_H
#define EW_DOCTOR_H

#include "aws_client.h"
#include "buf.h"
#include "error.h"
#include "github_secrets.h"
#include "model.h"
#include "workflow_scan.h"

#include <stdbool.h>
#include <stddef.h>

enum ew_doctor_status {
	EW_DOCTOR_PASS,
	EW_DOCTOR_WARN,
	EW_DOCTOR_FAIL,
	EW_DOCTOR_SKIP,
};

struct ew_doctor_check {
	const char *id; /* one of the ids above (static) */
	char *target;	/* environment name, or NULL for the main one */
	enum ew_doctor_status status;
	char *title;  /* what was checked, one line */
	char *detail; /* what was found, one line; may be "" */
	char *fix;    /* failures and warnings: what to do; else NULL */
	const char *knowledge_id; /* the matching knowledge.h entry, or NULL */
	char *check_command;	  /* that entry's check command, filled in */
};

struct ew_doctor_report {
	struct ew_doctor_check *checks;
	size_t nchecks;
	size_t npass, nwarn, nfail, nskip;
	char account[16];     /* the credentials' account, "" when unknown */
	char caller_arn[256]; /* who ran the audit */
	/* The workflow scan (files read, AWS jobs, secret and variable
	 * names); empty when workflows were not read. */
	struct ew_workflow_scan workflows;
	bool has_workflows;
	/* True when the credentials check failed for want of credentials
	 * (the front-end's exit status 3). */
	bool no_credentials;
};

/* Make a client for region with the audit's credentials and endpoints. */
typedef int (*ew_doctor_client_fn)(struct ew_aws_client *out,
				   const char *region, void *payload,
				   struct ew_error *err);

/* The secret names GitHub listed, read by the front-end with its token. */
struct ew_doctor_github {
	/* NULL: the names below were read.  Else why not (no token, or
	 * the listing failed: the message). */
	const char *why_not;
	bool listing_failed; /* why_not is a failed listing, not no token */
	const struct ew_github_names *repo;
	/* Organization secrets shared with the repository; NULL when they
	 * could not be read. */
	const struct ew_github_names *org;
	/* Per environment of the setup, in ew_setup_target_env() order;
	 * NULL when the setup has none. */
	const struct ew_github_names *envs;
	size_t nenvs;
};

struct ew_doctor_input {
	struct ew_setup *setup; /* same inputs as apply; see Memory above */
	/* NULL when there are no usable credentials: every AWS check is
	 * then skipped and the credentials check fails with cred_error. */
	ew_doctor_client_fn make_client;
	void *payload;
	const struct ew_error *cred_error;
	/* The work tree holding .github/workflows; NULL skips every
	 * workflow check. */
	const char *root;
	const char *workflow; /* one file relative to root, or NULL: all */
	/* For workflow_dispatch/schedule subjects; NULL: the setup's. */
	const char *default_branch;
	/* GitHub secret names; NULL skips the github-secrets check. */
	const struct ew_doctor_github *github;
};

/*
 * Run every check into *out (initialised here; release it whatever the
 * result).  Findings, AWS errors included, are checks, not errors: the
 * return is 0, or EW_ENOMEM / EW_EINVAL (no setup) when the audit itself
 * could not run.
 */
int ew_doctor_run(struct ew_doctor_report *out,
		  const struct ew_doctor_input *in, struct ew_error *err);

void ew_doctor_report_release(struct ew_doctor_report *r);

/* "pass", "warn", "fail", "skip". */
const char *ew_doctor_status_name(enum ew_doctor_status s);

#endif
