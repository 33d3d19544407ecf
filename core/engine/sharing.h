/*
 * sharing.h - whether writing our document would take access away from
 * another repository, the documents that share a role or policy instead,
 * and the per-repository names that avoid sharing at all.
 *
 * The rule (docs/sharing.md): a role's trust policy or a permissions
 * policy may serve several repositories when they were set up with the
 * same names.  Replacing it with a document written for one repository
 * would lock the others out, silently.  So before an update the engine
 * asks this module which other repositories the current document serves:
 *
 *   - trust: the GitHub repositories named by the `sub` conditions of the
 *     statements that trust our OIDC provider, "repo:OWNER/REPO:..." or the
 *     immutable form "repo:OWNER@ID/REPO@ID:...", when OWNER/REPO is
 *     another repository (GitHub compares names case-insensitively).  A
 *     subject whose owner or name holds a wildcard (all of acme's) names
 *     no repository: it is over-broad drift, and repairing it is the point
 *     of a drift repair.
 *   - permissions: the ECR repository ARNs of the Allow statements, other
 *     than ours, without wildcards ("*" alone is drift again).
 *
 * Sharing keeps least privilege: the union trust lists each repository's
 * subjects (never a wildcard over repositories) and the union policy lists
 * each repository ARN; GetAuthorizationToken stays on "*".
 *
 * Memory: struct ew_sharing owns its strings; ew_sharing_release() frees
 * them.  Output buffers belong to the caller.
 */
#ifndef EW_SHARING_H
#define EW_SHARING_H

#include "buf.h"
#include "error.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

struct ew_sharing {
	/* The other repositories, each once, in the order found:
	 * "OWNER/REPO" (trust) or "NAME (REGION)" (permissions). */
	char **names;
	size_t nnames;
	/* What the current document grants them: sub values (trust) or
	 * repository ARNs (permissions), each once. */
	char **items;
	bool *is_pattern; /* trust: the sub value holds '*' or '?' */
	size_t nitems;
};

void ew_sharing_init(struct ew_sharing *sh);
void ew_sharing_release(struct ew_sharing *sh);

/* Read a current trust policy (JSON text; NULL or not JSON: nothing
 * found).  0 or EW_ENOMEM. */
int ew_sharing_scan_trust(struct ew_sharing *out, const char *trust,
			  const char *provider_arn, const char *owner,
			  const char *repo);
/* Read a current permissions policy for repository ARNs other than
 * repo_arn.  0 or EW_ENOMEM. */
int ew_sharing_scan_policy(struct ew_sharing *out, const char *policy,
			   const char *repo_arn);

/* The desired trust policy (display JSON) with the other repositories'
 * subjects added: exact ones to the StringEquals statement, patterns to
 * the StringLike one (made when missing).  Appends display JSON to out. */
int ew_sharing_trust_union(struct ew_buf *out, const char *desired,
			   const struct ew_sharing *sh, struct ew_error *err);
/* The desired permissions policy with the other repository ARNs added to
 * the statement that grants repo_arn.  Appends display JSON to out. */
int ew_sharing_policy_union(struct ew_buf *out, const char *desired,
			    const char *repo_arn, const struct ew_sharing *sh,
			    struct ew_error *err);

/*
 * Teardown of a shared role or policy: the current document without this
 * repository.  Trust: the sub values naming OWNER/REPO dropped from the
 * statements that trust provider_arn, a statement left without any sub
 * value dropped whole (never a trust without its sub condition).
 * Permissions: repo_arn dropped from the Allow statements' resources, a
 * statement left with none dropped.  *removed counts what was dropped (0:
 * nothing of this repository is there).  Appends display JSON to out.
 */
int ew_sharing_trust_without(struct ew_buf *out, size_t *removed,
			     const char *current, const char *provider_arn,
			     const char *owner, const char *repo,
			     struct ew_error *err);
int ew_sharing_policy_without(struct ew_buf *out, size_t *removed,
			      const char *current, const char *repo_arn,
			      struct ew_error *err);

/* "acme/widgets, acme/tools": the names, comma separated, into out. */
int ew_sharing_names(struct ew_buf *out, const struct ew_sharing *sh);

/*
 * Whether policy document old grants anything new does not: some Allow
 * statement of old has an action and resource pair that new does not
 * allow unconditionally (NotAction/NotResource count as more).  A
 * document that does not parse counts as more (it cannot be judged).
 */
bool ew_sharing_grants_more(const char *old_doc, const char *new_doc);

/*
 * Per-repository names for a setup that should not share: the role and
 * policy names with "-REPO" appended (REPO: the GitHub repository name
 * with characters IAM does not allow as '-'), shortened to fit IAM's 64
 * (role) and 128 (policy) characters, leaving room for an environment
 * suffix.  Appends to role and policy; 0 or EW_ENOMEM.
 */
int ew_sharing_suggest_names(struct ew_buf *role, struct ew_buf *policy,
			     const struct ew_setup *s);

#endif
