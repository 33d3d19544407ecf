/*
 * oidc_subject.h - the `sub` claim of a GitHub Actions OIDC token, in
 * GitHub's default format or in a repository's custom template
 * (include_claim_keys), and what the GitHub API says about it.
 *
 * Used two ways: documents.c builds one trust-policy subject per trust
 * scope (unknown claims become the '*' wildcard where that cannot admit
 * another repository), and a pipeline check builds the exact subject of
 * one token (every claim it knows filled in).  The rules are written out
 * in docs/github-oidc.md:
 *   - default: "repo:OWNER/REPO:CONTEXT", CONTEXT being
 *     "environment:NAME" for a job in an environment, else "pull_request"
 *     for a pull_request event, else "ref:REF";
 *   - custom: the claims of include_claim_keys, in that order, each as
 *     "key:value", joined with ':'; "repo" is written "repo:OWNER/REPO" and
 *     "context" as the default CONTEXT above (no key prefix);
 *   - immutable form: the "repo" part becomes
 *     "repo:OWNER@OWNER_ID/REPO@REPO_ID" (also in a custom template);
 *   - every ':' inside a value is written "%3A".
 *
 * Memory: the structs only point at the caller's strings; results are
 * appended to the caller's ew_buf.
 */
#ifndef EW_OIDC_SUBJECT_H
#define EW_OIDC_SUBJECT_H

#include "buf.h"
#include "context.h"
#include "error.h"
#include "github_api.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

/* A claim the template names that struct ew_oidc_claims has no field for
 * (actor, run_id, repo_property_x, ...). */
struct ew_oidc_extra_claim {
	const char *key;
	const char *value;
};

/*
 * What one token says, or what every token of a trust scope shares.
 * NULL means "not known": '*' in a pattern.  Values are raw (':' is
 * encoded here), except context, which is already in sub form.
 */
struct ew_oidc_claims {
	const char *owner, *repo;	/* GitHub's casing; required */
	const char *owner_id, *repo_id; /* numeric, NULL when unknown */
	const char *visibility;		/* repository_visibility */
	/* NULL: derived from environment, event_name and ref (see above);
	 * "*" for a scope that admits every context. */
	const char *context;
	/* The job's environment.  NULL: the job has none, and GitHub mints
	 * no token at all for a template naming "environment". */
	const char *environment;
	const char *event_name; /* push, pull_request, release, ... */
	const char *ref;	/* refs/heads/main, refs/tags/v*, ... */
	const char *ref_type;	/* branch, tag */
	const char *base_ref, *head_ref;
	const char *workflow;		/* the workflow's name: */
	const char *workflow_path;	/* .github/workflows/ecr-push.yml */
	const char *runner_environment; /* github-hosted, self-hosted */
	const struct ew_oidc_extra_claim *extra;
	size_t nextra;
};

/*
 * Append the subject for claims c in the template keys[0..nkeys-1]
 * (nkeys == 0: GitHub's default format).  immutable: write the "repo"
 * part in the OWNER@ID/REPO@ID form (needs both IDs; EW_EINVAL without).
 * *is_pattern (may be NULL) says whether the result holds '*' or '?'.
 *
 * Refuses with EW_EINVAL, the message naming the claim and the way out,
 * a subject that would need a wildcard before (or instead of) the part
 * that names this one repository ("repo", "repository" or
 * "repository_id"), and a template naming "environment" for a job without
 * one.  0, EW_EINVAL or EW_ENOMEM.
 */
int ew_oidc_subject_format(struct ew_buf *out, const char *const *keys,
			   size_t nkeys, const struct ew_oidc_claims *c,
			   bool immutable, bool *is_pattern,
			   struct ew_error *err);

/*
 * The subject GitHub mints for one job of s's repository, in s's template
 * (for a pipeline check: decide it with ew_policy_trust_admits()).
 * environment: the job's GitHub environment, NULL for none; event_name:
 * "push", "release", "pull_request", ...; ref: "refs/heads/main",
 * "refs/tags/v1.0.0", "refs/pull/7/merge".  Claims a job does not fix
 * (actor, run_id, ...) are written '*', which a StringLike '*' admits and
 * no exact subject contains.  immutable: the OWNER@ID/REPO@ID form (needs
 * s->owner_id and s->repo_id).  0, EW_EINVAL (see ew_oidc_subject_format)
 * or EW_ENOMEM.
 */
int ew_oidc_subject_token(struct ew_buf *out, const struct ew_setup *s,
			  const char *environment, const char *event_name,
			  const char *ref, bool immutable,
			  struct ew_error *err);

/*
 * The claims every token of one trust scope shares, from the setup
 * (names, IDs, visibility, workflow path) and the scope: branch and tag
 * scopes give the ref, env scopes the environment, pull_request the
 * event; the rest stays unknown.  The strings point into s, sc and buf
 * (ew_buf_init'ed by the caller, released after the claims are used).
 */
int ew_oidc_subject_scope_claims(struct ew_oidc_claims *c,
				 const struct ew_setup *s,
				 const struct ew_scope *sc, struct ew_buf *buf);

/*
 * Ask the GitHub API about s->owner/s->repo and fill the setup with what
 * it says: GitHub's casing of the names (full_name), the numeric IDs
 * (unless ids_given: --github-ids wins), the visibility, and the OIDC
 * subject template (the repository's, or its organization's when the
 * repository opted in to it).  Best effort: when the API cannot answer,
 * the setup keeps what it has and a note says so.  Appends the notes for
 * the user to notes, one per line.
 *
 * Returns 0, or EW_EINVAL when the repository uses its organization's
 * template and the template cannot be read (the trust policy would
 * otherwise be written for a subject GitHub does not mint).
 */
int ew_oidc_subject_learn(struct ew_setup *s, struct ew_context *ctx,
			  bool ids_given, struct ew_buf *notes,
			  struct ew_error *err);

/*
 * The OIDC subject template that applies to OWNER/REPO: the repository's,
 * or its organization's when the repository opted in to it (use_default
 * false without keys).  out->use_default true means GitHub's default;
 * release out with ew_github_sub_template_release() in every case.  A
 * template that cannot be read is the default plus a line in notes,
 * except an organization's template (EW_EINVAL: the repository is known
 * to use a template we cannot see).
 */
int ew_oidc_subject_template(struct ew_github_sub_template *out,
			     struct ew_context *ctx, const char *owner,
			     const char *repo, struct ew_buf *notes,
			     struct ew_error *err);

/*
 * Append notes about the template to out, one per line: the template
 * itself (so the user sees the subject's shape) and the scopes it cannot
 * tell apart (a template without "context" or "ref" gives every run of
 * the repository the same subject).  Nothing for the default template.
 */
int ew_oidc_subject_notes(struct ew_buf *out, const struct ew_setup *s);

/* The command that puts a repository back on GitHub's default subject. */
int ew_oidc_subject_reset_command(struct ew_buf *out, const char *owner,
				  const char *repo);

#endif
