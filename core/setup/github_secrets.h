/*
 * github_secrets.h - store, list and delete a repository's GitHub Actions
 * secrets (and its environments' secrets) through the REST API.
 *
 * The last step of the setup is the four secrets the workflow reads
 * (outputs.h).  With a token (github_token.h) this module stores them:
 *
 *   GET  /repos/O/R/actions/secrets/public-key       {key_id, key}
 *   PUT  /repos/O/R/actions/secrets/NAME             {encrypted_value,
 *                                                     key_id}
 * and per GitHub environment (outputs with env set):
 *   GET  /repos/O/R/environments/ENV                 exists?
 *   PUT  /repos/O/R/environments/ENV                 {} when it does not
 *   GET  /repos/O/R/environments/ENV/secrets/public-key
 *   PUT  /repos/O/R/environments/ENV/secrets/NAME
 * and, for doctor, GET .../secrets lists (also the organization secrets
 * shared with the repository: /repos/O/R/actions/organization-secrets).
 *
 * Each value is sealed to the scope's public key with libsodium's
 * crypto_box_seal (an anonymous sealed box: only the holder of GitHub's
 * private key can open it) and sent base64-encoded.  GitHub never gives a
 * value back: listing (GET .../secrets) returns names only.
 * docs/github-secrets.md has the facts relied on.
 *
 * Every request goes through ctx->transport with the headers GitHub asks
 * for and "Authorization: Bearer TOKEN"; it is logged to ctx->trace when
 * set, where trace.h redacts the Authorization header.  The token is
 * never put in a message.
 *
 * Errors (err->http_status set, err->message says what failed and the
 * fix): 401 a bad token; 403 a token without the permission (named: from
 * GitHub's X-Accepted-GitHub-Permissions header when it sends one);
 * 404 a repository the token cannot see; 422 a request GitHub rejected,
 * with its reason.  Rate limits (429, or 403 with x-ratelimit-remaining 0
 * or a "rate limit" message) are waited out and retried when GitHub's
 * Retry-After / x-ratelimit-reset asks for at most max_wait_s, else they
 * fail saying when to retry.
 *
 * Memory: struct ew_github_client owns its base URL and borrows the rest
 * (context, names, token) for its life; ew_github_client_release().
 * struct ew_github_names owns its names: ew_github_names_release().
 */
#ifndef EW_GITHUB_SECRETS_H
#define EW_GITHUB_SECRETS_H

#include "buf.h"
#include "cancel.h"
#include "context.h"
#include "error.h"
#include "outputs.h"

#include <stdbool.h>
#include <stddef.h>

/* The longest rate-limit wait honoured by default, in seconds. */
#define EW_GITHUB_MAX_WAIT_S 60

struct ew_github_client {
	struct ew_context *ctx;
	const char *owner, *repo;
	const char *token;	  /* borrowed, never NULL */
	const char *token_source; /* "GH_TOKEN", ...: for messages */
	struct ew_buf base;	  /* API URL, no trailing '/' */
	long max_wait_s;	  /* rate-limit waits up to this; 0: none */
	struct ew_cancel *cancel; /* may be NULL */
	/* Counters since init, for the summary line. */
	unsigned requests;
	long waited_s;
};

/*
 * host: the GitHub host (NULL: github.com), for the API URL when
 * GITHUB_API_URL is unset.  owner/repo must be valid GitHub names, token
 * non-empty.  EW_EINVAL (bad names, no transport, bad GITHUB_API_URL) or
 * EW_ENOMEM; release c whatever the result.
 */
int ew_github_client_init(struct ew_github_client *c, struct ew_context *ctx,
			  const char *host, const char *owner, const char *repo,
			  const char *token, const char *token_source,
			  struct ew_error *err);
void ew_github_client_release(struct ew_github_client *c);

/* What a store or delete did, one call per event, for progress lines. */
enum ew_github_event {
	EW_GITHUB_ENV_CREATED,	 /* env: the environment was created */
	EW_GITHUB_SECRET_STORED, /* env (or NULL), name */
	EW_GITHUB_SECRET_DELETED,
	EW_GITHUB_SECRET_ABSENT, /* delete: it was not there */
	EW_GITHUB_RATE_WAIT,	 /* waiting wait_s seconds, then retrying */
};

typedef void (*ew_github_event_fn)(enum ew_github_event ev, const char *env,
				   const char *name, long wait_s,
				   void *payload);

/*
 * Store every row of o as a secret of its scope (the repository, or the
 * row's environment, created when missing).  Stops at the first failure:
 * rows stored before it stay stored (a re-run overwrites them).  on may
 * be NULL.  *nstored (may be NULL) counts the rows stored.
 * 0, or the failure as above (EW_EAWS, EW_ENOTFOUND, EW_ENET, EW_EPARSE
 * for an unreadable public key, EW_ECANCEL, EW_ENOMEM).
 */
int ew_github_secrets_store(struct ew_github_client *c,
			    const struct ew_outputs *o, ew_github_event_fn on,
			    void *payload, size_t *nstored,
			    struct ew_error *err);

/*
 * Delete the secrets named by o's rows from their scopes.  A secret (or
 * environment) that is not there counts as deleted (event ABSENT).
 * Environments themselves are kept: they may hold other settings.
 */
int ew_github_secrets_delete(struct ew_github_client *c,
			     const struct ew_outputs *o, ew_github_event_fn on,
			     void *payload, struct ew_error *err);

struct ew_github_names {
	char **names; /* secret names as GitHub lists them */
	size_t n;
	bool env_missing; /* listing an environment that does not exist */
};

/*
 * List the secret names of the repository (env NULL) or of environment
 * env, every page.  An environment that does not exist gives 0 with no
 * names and env_missing set.  Release out whatever the result.
 */
int ew_github_secrets_list(struct ew_github_names *out,
			   struct ew_github_client *c, const char *env,
			   struct ew_error *err);
/*
 * The names of the organization secrets the repository may use (GET
 * /repos/O/R/actions/organization-secrets).  A 404 (not an organization's
 * repository) gives 0 with no names.
 */
int ew_github_secrets_list_org(struct ew_github_names *out,
			       struct ew_github_client *c,
			       struct ew_error *err);
bool ew_github_names_has(const struct ew_github_names *l, const char *name);
void ew_github_names_release(struct ew_github_names *l);

/*
 * Seal value with crypto_box_seal to key_b64 (a 32-byte Curve25519 public
 * key, standard base64, as GitHub's public-key endpoint gives it) and
 * append the base64 of the sealed box to out.  EW_EPARSE for a key that
 * is not 32 bytes of base64, EW_ERROR when libsodium cannot start,
 * EW_ENOMEM.
 */
int ew_github_seal(struct ew_buf *out, const char *key_b64, const char *value,
		   struct ew_error *err);

#endif
