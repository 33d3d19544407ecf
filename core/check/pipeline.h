/*
 * pipeline.h - the pipeline check: can every run of the workflow assume its
 * role and push?
 *
 * The pieces of a setup can each be right and still not fit: a workflow
 * that runs on a release whose token the trust policy refuses fails on
 * its first run although every document passed its own checks.  This
 * module decides the whole: for every AWS job of the workflow (reduced by
 * workflow_scan.h) and every trigger of that job, the token GitHub would
 * mint -
 *
 *   aud  the partition's audience (sts.amazonaws.com, .com.cn in China),
 *        or the job's literal `audience:` input;
 *   sub  repo:OWNER/REPO:CONTEXT and, when the setup knows both numeric
 *        IDs, also repo:OWNER@ID/REPO@ID:CONTEXT (docs/pipeline-check.md);
 *
 * - is decided against the trust policy of the job's target with the
 * IAM evaluator (ew_policy_trust_admits), and the push actions against the
 * target's permissions policies (ew_policy_grants).  plan, apply,
 * the wizard's Preview and doctor all call it; none of them decides this
 * on its own.
 *
 * A trigger whose `sub` is a pattern (a push to a branch filter with a
 * wildcard; a release, whose tag can be any) is admitted only when the
 * trust admits every subject the pattern stands for.  A job that runs in an `environment:` presents that
 * environment's subject whatever its trigger, so it is one run.
 *
 * Never prints; no curses.
 *
 * Memory: struct ew_pipeline owns every string and array reachable from
 * it; ew_pipeline_release() frees them and is safe on a zeroed or
 * released struct.  The input is borrowed.
 */
#ifndef EW_PIPELINE_H
#define EW_PIPELINE_H

#include "buf.h"
#include "policy_eval.h"
#include "error.h"
#include "model.h"
#include "workflow_scan.h"

#include <stdbool.h>
#include <stddef.h>

/* The documents of one target (model.h), in ew_setup_target_env() order. */
struct ew_pipeline_target {
	const char *trust; /* trust policy JSON; NULL: unknown, not decided */
	const char *const *policies; /* permissions policies (JSON texts) */
	size_t npolicies;
};

struct ew_pipeline_input {
	const struct ew_setup *setup; /* owner, repo, IDs, account, targets */
	const char *workflow_file;    /* its name in messages */
	const char *workflow;	      /* the YAML text */
	size_t workflow_len;
	/* ew_setup_target_count(setup) entries. */
	const struct ew_pipeline_target *targets;
	/* The branch workflow_dispatch and schedule run on; NULL: the
	 * setup's default branch. */
	const char *default_branch;
};

/* One run of one job: the token it presents and the decision. */
struct ew_pipeline_run {
	char *job;     /* "build-and-push", "build (environment=prod)" */
	char *target;  /* the --env environment it maps to, or NULL */
	char *trigger; /* "push to main", "release", "environment prod" */
	enum ew_wf_subject_kind kind;
	char *context;	  /* "ref:refs/heads/main" */
	char *subject;	  /* repo:OWNER/REPO:CONTEXT */
	char *subject_id; /* repo:OWNER@ID/REPO@ID:CONTEXT, or NULL */
	char *audience;
	bool admitted;
	/* Refused: why, one line ("the trust only admits branch main");
	 * admitted: "". */
	char *reason;
	/* Refused: what makes it pass (a --trust value or a workflow
	 * change); else NULL. */
	char *fix;
};

/* One push permission the runs of a target need. */
struct ew_pipeline_grant {
	char *target;	    /* environment name, or NULL for the main target */
	const char *action; /* static */
	char *resource;
	enum ew_policy_grant grant;
};

struct ew_pipeline {
	struct ew_pipeline_run *runs;
	size_t nruns;
	size_t nrefused;
	struct ew_pipeline_grant *grants;
	size_t ngrants;
	size_t ndenied; /* grants that are not EW_GRANT_YES */
	/* What could not be decided (a job whose environment comes from an
	 * expression, a workflow with no AWS job, a malformed workflow), one
	 * line each. */
	char **notes;
	size_t nnotes;
	size_t njobs; /* AWS jobs found */
};

/*
 * Decide every run of in->workflow into *out (zeroed first; release it
 * whatever the result).  Refusals and denials are results, not errors:
 * 0, EW_EINVAL (no setup, owner, repo or account: the tokens cannot be
 * computed) or EW_ENOMEM.  A workflow that does not parse is a note.
 */
int ew_pipeline_check(struct ew_pipeline *out,
		      const struct ew_pipeline_input *in, struct ew_error *err);

/*
 * The same with the documents ecr-wizard writes for s (ew_doc_trust_policy,
 * ew_doc_permissions_policy per target): what plan and the wizard show
 * before anything exists.  workflow_file may be NULL (s->workflow_path).
 */
int ew_pipeline_check_setup(struct ew_pipeline *out, const struct ew_setup *s,
			    const char *workflow_file, const char *workflow,
			    size_t workflow_len, struct ew_error *err);

void ew_pipeline_release(struct ew_pipeline *p);

/* No refused run and no missing push grant. */
bool ew_pipeline_ok(const struct ew_pipeline *p);

/*
 * The subject GitHub mints for context: the name form
 * repo:OWNER/REPO:CONTEXT (immutable false) or the ID form
 * repo:OWNER@OWNER_ID/REPO@REPO_ID:CONTEXT (immutable true; EW_ENOTFOUND
 * when the setup lacks an ID).  The one place a token's sub is spelled,
 * so a repository's custom OIDC subject template can be honoured here.
 * Appends to out; 0, EW_EINVAL (no owner/repo), EW_ENOTFOUND, EW_ENOMEM.
 */
int ew_pipeline_subject(struct ew_buf *out, const struct ew_setup *s,
			bool immutable, const char *context);

/* One line for a run: "push to main: admitted", "release: refused - the
 * trust only admits branch main"; with the job's name first when
 * with_job.  Appends to out; 0 or EW_ENOMEM. */
int ew_pipeline_run_line(struct ew_buf *out, const struct ew_pipeline_run *r,
			 bool with_job);

/* Whether the lines should name the job: more than one job (or one per
 * environment) in p. */
bool ew_pipeline_names_jobs(const struct ew_pipeline *p);

#endif
