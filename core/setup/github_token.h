/*
 * github_token.h - find a GitHub token, and the API URL it is for.
 *
 * Storing secrets (github_secrets.h) needs a token that may write the
 * repository's Actions secrets.  It is looked for where the GitHub CLI
 * and Actions keep one, in this order:
 *   1. GH_TOKEN,
 *   2. GITHUB_TOKEN,
 *   3. the output of `gh auth token [--hostname HOST]`, when the GitHub
 *      CLI is installed and logged in.  It is run without a shell
 *      (posix_spawnp, PATH searched), stdin /dev/null, stderr discarded,
 *      in its own process group, and killed after a time-out.
 * Environment reads go through ew_context_getenv().
 *
 * The API URL: GITHUB_API_URL when set (as on Actions runners), else
 * https://api.github.com for github.com, else https://HOST/api/v3 for a
 * GitHub Enterprise Server host (--github-host).
 *
 * The token is a credential: it is never put in a message, and the
 * buffer that held it is zeroed when released.
 *
 * Memory: struct ew_github_token owns its value; release it with
 * ew_github_token_release().  The source string is static.
 */
#ifndef EW_GITHUB_TOKEN_H
#define EW_GITHUB_TOKEN_H

#include "buf.h"
#include "context.h"
#include "error.h"

#include <stdbool.h>

/* How long `gh auth token` may take before it is killed. */
#define EW_GITHUB_GH_TIMEOUT_MS 5000L

struct ew_github_token {
	char *value;	    /* NULL when none was found */
	const char *source; /* "GH_TOKEN", "GITHUB_TOKEN", "gh auth token" */
};

void ew_github_token_init(struct ew_github_token *t);
/* Zeroes the value before freeing it. */
void ew_github_token_release(struct ew_github_token *t);

/*
 * Look for a token as above.  host is the GitHub host ("github.com" or an
 * Enterprise host; NULL means github.com), passed to `gh auth token
 * --hostname` for Enterprise hosts.  timeout_ms 0 means
 * EW_GITHUB_GH_TIMEOUT_MS.
 *
 * Returns 0 with out->value set, or EW_ENOTFOUND (err says where it
 * looked and how to get one: `gh auth login`, or a fine-grained token
 * with "Secrets: read and write").  A `gh` that is missing, not logged in,
 * fails or times out counts as "no token from gh"; EW_EINVAL when
 * GH_TOKEN or GITHUB_TOKEN holds spaces or control characters (it would
 * go into a header); EW_ENOMEM.
 */
int ew_github_token_find(struct ew_github_token *out,
			 const struct ew_context *ctx, const char *host,
			 long timeout_ms, struct ew_error *err);

/*
 * The REST API base URL, without a trailing '/', into out (cleared
 * first).  EW_EINVAL when GITHUB_API_URL is not an http(s) URL.
 */
int ew_github_api_base(struct ew_buf *out, const struct ew_context *ctx,
		       const char *host, struct ew_error *err);

/* Whether host is github.com (NULL and "" count as github.com). */
bool ew_github_host_is_dotcom(const char *host);

#endif
