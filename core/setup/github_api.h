/*
 * github_api.h - what the GitHub REST API says about the repository.
 *
 * Read-only calls, each one GET through ctx->transport with the short
 * time-out, to `${GITHUB_API_URL:-https://api.github.com}`:
 *   - the repository's numeric IDs and GitHub's own casing of its names
 *     (full_name), for the immutable OIDC subject
 *     `repo:OWNER@OWNER_ID/REPO@REPO_ID:...` and because the `sub` claim
 *     matches case-sensitively;
 *   - the repository's OIDC `sub` customization, and the organization's
 *     template that a repository may opt in to, so the trust policy can
 *     follow a custom template (docs/github-oidc.md).
 * A token from GH_TOKEN, else GITHUB_TOKEN, is sent as a bearer token when
 * set; it is never logged or put in a message.  Environment reads go
 * through ew_context_getenv().  Both are best effort: on failure the caller
 * falls back to the legacy subject and says why (err->message).
 *
 * Memory: struct ew_github_ids is plain storage.  struct
 * ew_github_sub_template owns its key array: ew_github_sub_template_release().
 */
#ifndef EW_GITHUB_API_H
#define EW_GITHUB_API_H

#include "context.h"
#include "error.h"
#include "git_remote.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EW_GITHUB_API_DEFAULT "https://api.github.com"

/* Why a call failed, for callers that word their own advice. */
enum ew_github_status {
	EW_GITHUB_OK = 0,
	EW_GITHUB_NOT_FOUND,	/* 404: missing, or private and no access */
	EW_GITHUB_BAD_TOKEN,	/* 401: token invalid/expired, or one needed */
	EW_GITHUB_RATE_LIMITED, /* 403/429 with a rate-limit answer */
	EW_GITHUB_FORBIDDEN,	/* any other 403 */
	EW_GITHUB_MOVED,	/* a redirect that could not be followed */
	EW_GITHUB_SERVER_ERROR, /* 5xx or another unexpected status */
	EW_GITHUB_UNREACHABLE,	/* transport failure (EW_ENET) */
	EW_GITHUB_BAD_RESPONSE, /* 200 with a body we cannot read */
	EW_GITHUB_NOT_ASKED,	/* no request sent: bad input, no transport,
				   bad GITHUB_API_URL, out of memory */
};

struct ew_github_ids {
	enum ew_github_status status;
	int64_t owner_id; /* owner.id; 0 when unknown */
	int64_t repo_id;  /* id; 0 when unknown */
	/* GitHub's spelling: the OIDC sub matches case-sensitively. */
	char owner_login[EW_GITHUB_OWNER_MAX + 1];
	char repo_name[EW_GITHUB_REPO_MAX + 1];
	char default_branch[256]; /* empty when the answer had none */
	bool is_private;
	/* "public", "private" or "internal"; empty when not said. */
	char visibility[16];
	/* The name asked for redirected to another: renamed or transferred
	 * (repositories renamed after 15 July 2026 emit the immutable sub). */
	bool was_moved;
};

/*
 * GET /repos/OWNER/REPO.  owner and repo must pass the git_remote rules
 * (EW_EINVAL otherwise).  One 301 (renamed or transferred repository) is
 * followed when it points under the same API URL.
 *
 * owner_login and repo_name come from full_name (GitHub's casing), else
 * from owner.login and name.
 *
 * Returns 0 with out filled (status EW_GITHUB_OK), or:
 *   EW_ENOTFOUND  404; the message says private-without-token or missing
 *   EW_EAWS       401, 403, 429, 5xx, an unfollowed redirect (err->
 *                 http_status set; the message says bad token or rate
 *                 limit, with the Retry-After when given)
 *   EW_ENET       GitHub could not be reached (time-out included)
 *   EW_EPARSE     a 200 whose JSON lacks id or owner.id
 *   EW_EINVAL     bad owner/repo, no transport, GITHUB_API_URL not http(s)
 * out->status says which outcome it was.
 */
int ew_github_repo_ids(struct ew_github_ids *out, struct ew_context *ctx,
		       const char *owner, const char *repo,
		       struct ew_error *err);

struct ew_github_sub_template {
	enum ew_github_status status;
	/* true: GitHub's default subject.  false: a custom template, from
	 * include_claim_keys, or the organization's when keys is empty. */
	bool use_default;
	char **keys; /* include_claim_keys, in order; NULL when none */
	size_t nkeys;
};

/*
 * GET /repos/OWNER/REPO/actions/oidc/customization/sub.  Same arguments
 * and failures as ew_github_repo_ids() (no redirect following); GitHub may
 * want a token that can read the repository's Actions settings.
 * Call ew_github_sub_template_release() after every call.
 */
int ew_github_sub_template(struct ew_github_sub_template *out,
			   struct ew_context *ctx, const char *owner,
			   const char *repo, struct ew_error *err);

/*
 * GET /orgs/OWNER/actions/oidc/customization/sub: the organization's
 * template, which applies to a repository whose own answer is use_default
 * false without keys.  A 404 (no template, or the owner is a user) is
 * success with use_default true.  GitHub wants a token with read:org.
 */
int ew_github_org_sub_template(struct ew_github_sub_template *out,
			       struct ew_context *ctx, const char *owner,
			       struct ew_error *err);

/* Whether a custom template replaces the default subject. */
bool ew_github_sub_template_is_custom(const struct ew_github_sub_template *t);

void ew_github_sub_template_release(struct ew_github_sub_template *t);

#endif
