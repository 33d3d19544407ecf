/*
 * sso.h - IAM Identity Center (SSO) credentials, as the AWS CLI gets them
 * (docs/aws-wire.md section 7.2, step 4).
 *
 * A profile is an SSO profile when it has any of sso_session,
 * sso_start_url, sso_region, sso_account_id, sso_role_name.  It needs
 * sso_account_id and sso_role_name, and either `sso_session = NAME` (whose
 * [sso-session NAME] has sso_start_url and sso_region) or, legacy,
 * sso_start_url and sso_region in the profile itself.
 *
 * `aws sso login` leaves a token in <home>/.aws/sso/cache/<sha1>.json,
 * the SHA-1 taken over the session name (sso_session) or the start URL
 * (legacy).  With it, an unsigned GET of
 *   https://portal.sso.<region>.<dns suffix>/federation/credentials
 *       ?role_name=<r>&account_id=<a>
 * with the header x-amz-sso_bearer_token gives role credentials.  The
 * portal URL is overridden by AWS_ENDPOINT_URL_SSO and the other endpoint
 * settings (endpoints.h).  The token is not refreshed here: a missing,
 * expired or rejected token is EW_ENOCREDS telling the user to run
 * `aws sso login --profile NAME`.
 *
 * Memory: struct ew_sso_token owns its strings (the token is zeroed on
 * release); credentials are the caller's.
 */
#ifndef EW_SSO_H
#define EW_SSO_H

#include "aws_config.h"
#include "cancel.h"
#include "context.h"
#include "credentials.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct ew_sso_config {
	const char *session_name; /* NULL for the legacy form */
	const char *start_url;
	const char *region;
	const char *account_id;
	const char *role_name;
};

struct ew_sso_token {
	char *access_token;
	time_t expires_at;
};

/* Whether the profile has any SSO setting. */
bool ew_sso_is_configured(const struct ew_aws_config *cfg, const char *profile);

/*
 * The profile's SSO settings (pointers into cfg).  EW_EINVAL naming what
 * is missing or inconsistent, e.g. "profile 'dev' is configured for SSO
 * but lacks sso_role_name".
 */
int ew_sso_config_get(struct ew_sso_config *out,
		      const struct ew_aws_config *cfg, const char *profile,
		      struct ew_error *err);

/* <home>/.aws/sso/cache/<sha1 hex of key>.json; the caller frees it. */
int ew_sso_cache_path(char **out, const struct ew_context *ctx, const char *key,
		      struct ew_error *err);

/*
 * An expiresAt value: "2024-01-15T12:00:00Z" (fractional seconds
 * allowed), the old CLI's "2024-01-15T12:00:00UTC", or "+00:00" (any
 * offset).  0 or EW_EPARSE.
 */
int ew_sso_parse_time(time_t *out, const char *s, struct ew_error *err);

/* Parse a token cache file's JSON into *out.  EW_EPARSE without
 * accessToken or a readable expiresAt. */
int ew_sso_token_parse(struct ew_sso_token *out, const char *json, size_t len,
		       struct ew_error *err);
void ew_sso_token_release(struct ew_sso_token *t);

/*
 * GetRoleCredentials through ctx->transport.  endpoint is the portal base
 * URL (an override) or NULL for the default of region's partition.  On
 * success *out (initialised here) holds the role credentials with their
 * expiration; source is left empty.  HTTP 401/403 is EW_ENOCREDS (the
 * token was rejected); other errors EW_EAWS or EW_ENET.
 */
int ew_sso_get_role_credentials(struct ew_credentials *out,
				struct ew_context *ctx, const char *endpoint,
				const char *region, const char *access_token,
				const char *account_id, const char *role_name,
				struct ew_cancel *cancel, struct ew_error *err);

/*
 * The whole step for one profile: settings, cached token, expiry, call.
 * Every failure a user can fix by logging in is EW_ENOCREDS with "run
 * `aws sso login --profile <profile>`".
 */
int ew_sso_resolve(struct ew_credentials *out, struct ew_context *ctx,
		   const struct ew_aws_config *cfg, const char *profile,
		   const char *endpoint, struct ew_cancel *cancel,
		   struct ew_error *err);

#endif
