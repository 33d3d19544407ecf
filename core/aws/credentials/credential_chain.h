/*
 * credential_chain.h - find AWS credentials the way the AWS CLI does
 * (docs/aws-wire.md section 7.2).  The first source that has them wins:
 *
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (one
 *      without the other is an error), AWS_SESSION_TOKEN (or the legacy
 *      AWS_SECURITY_TOKEN), AWS_CREDENTIAL_EXPIRATION, AWS_ACCOUNT_ID.
 *      Skipped when the profile was chosen explicitly (--profile).
 *   2. assume role: the profile's role_arn with source_profile (which may
 *      itself assume a role; a loop is an error naming it) or
 *      credential_source = Environment.  role_session_name (default
 *      "ecr-wizard-<epoch>"), external_id, duration_seconds (default
 *      3600).  mfa_serial is refused: there is no prompt for the code.
 *   3. web identity: the profile's web_identity_token_file + role_arn, or
 *      AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME);
 *      STS AssumeRoleWithWebIdentity, unsigned.
 *   4. SSO (sso.h).
 *   5. static keys of the profile in the credentials file.
 *   6. credential_process of the profile (credential_process.h).
 *   7. static keys of the profile in the config file.
 * Containers and EC2 instance metadata are not tried (not the wizard's
 * place).  A source that is configured but fails stops the chain, as in
 * botocore: its error is returned, not hidden by a later source.
 *
 * Every failure that leaves the user without credentials is EW_ENOCREDS
 * (the AWS fields of err are kept when STS said why); EW_ENOMEM,
 * EW_ECANCEL and EW_ENET keep their codes.  Nothing secret is ever put
 * in a message.
 *
 * Memory: *out is the caller's (ew_credentials_release()).
 */
#ifndef EW_CREDENTIAL_CHAIN_H
#define EW_CREDENTIAL_CHAIN_H

#include "aws_config.h"
#include "cancel.h"
#include "context.h"
#include "credentials.h"
#include "error.h"

#include <stdbool.h>

struct ew_chain_options {
	const char *profile;	  /* the selected profile; NULL: "default" */
	bool profile_explicit;	  /* --profile: env credentials are skipped */
	const char *region;	  /* for STS; NULL: us-east-1 */
	const char *sts_endpoint; /* override or NULL */
	const char *sso_endpoint; /* override or NULL */
	long process_timeout_ms;  /* credential_process; 0: 30 s */
	struct ew_cancel *cancel; /* may be NULL */
};

/*
 * Resolve credentials into *out (initialised here) with cfg already
 * loaded.  out->source says where they came from: "environment",
 * "profile dev (credentials file)", "profile dev (config file)",
 * "assume-role (profile dev)", "web-identity (profile dev)",
 * "sso (profile dev)", "credential_process (profile dev)".
 * EW_ENOCREDS when there are none, listing what was tried and what to do.
 */
int ew_credential_chain_resolve(struct ew_credentials *out,
				struct ew_context *ctx,
				const struct ew_aws_config *cfg,
				const struct ew_chain_options *o,
				struct ew_error *err);

/*
 * Only step 1.  *found tells whether the environment had a key pair.
 * EW_ENOCREDS when just one of the two keys is set, EW_EPARSE for an
 * unreadable AWS_CREDENTIAL_EXPIRATION.
 */
int ew_credential_chain_from_env(struct ew_credentials *out, bool *found,
				 const struct ew_context *ctx,
				 struct ew_error *err);

#endif
