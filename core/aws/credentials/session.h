/*
 * session.h - everything the AWS CLI would work out before its first call:
 * the profile, the region, endpoint overrides and credentials, and from
 * them ready struct ew_aws_client values.
 *
 *   profile   --profile (explicit: environment credentials are then
 *             skipped), else AWS_DEFAULT_PROFILE, else AWS_PROFILE (in
 *             botocore's order), else "default".  A profile other than
 *             "default" that is in neither file is an error.
 *   region    --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's
 *             `region`, else NULL (the caller asks or defaults).
 *   endpoints per service, endpoints.h.
 *   creds     the chain, credential_chain.h.
 *
 * All environment reads go through ew_context_getenv(), the home through
 * ew_context_home() and the time through ew_context_now().
 *
 * Memory: struct ew_session owns its strings, its copy of the parsed
 * config files and its credentials; ew_session_release() frees them
 * (zeroing the secrets).  It keeps the ctx pointer, which must outlive it.
 */
#ifndef EW_SESSION_H
#define EW_SESSION_H

#include "aws_client.h"
#include "aws_config.h"
#include "cancel.h"
#include "context.h"
#include "credentials.h"
#include "error.h"

#include <stdbool.h>

struct ew_aws_options {
	const char *profile; /* --profile, or NULL */
	const char *region;  /* --region, or NULL */
	/* Optional, zero for the defaults. */
	struct ew_cancel *cancel; /* ends a credential_process or SSO call */
	long process_timeout_ms;  /* credential_process time-out; 0: 30 s */
};

struct ew_session {
	struct ew_context *ctx;
	char *profile;
	bool profile_explicit;
	/* Where the profile name came from: "--profile", "AWS_PROFILE",
	 * "AWS_DEFAULT_PROFILE" or "default". */
	const char *profile_origin;
	char *region; /* may be NULL */
	/* "--region", "AWS_REGION", "AWS_DEFAULT_REGION", "profile" or
	 * NULL. */
	const char *region_origin;
	struct ew_credentials creds;  /* empty when resolution failed */
	char *endpoint[EW_SVC_COUNT]; /* overrides or NULL */
	char *sso_endpoint;	      /* override or NULL */
	struct ew_aws_config cfg;     /* both files, for listing profiles */
};

/*
 * Resolve profile, region, endpoints and credentials into *out
 * (initialised here; release it whatever the result).  Region and
 * endpoints are always filled when they can be; then
 *   EW_EPARSE / EW_EIO  a config file is malformed or unreadable;
 *   EW_EINVAL           the profile does not exist, or an endpoint URL
 *                       is invalid;
 *   EW_ENOCREDS         no usable credentials (out->creds empty), with
 *                       what was tried and what to do;
 *   EW_ENET / EW_ECANCEL from an STS or SSO call.
 */
int ew_session_resolve(struct ew_session *out, struct ew_context *ctx,
		       const struct ew_aws_options *o, struct ew_error *err);

/*
 * A client for region (NULL: s->region) with s's credentials and
 * endpoint overrides applied.  Release with ew_aws_client_release().
 */
int ew_session_client(struct ew_aws_client *out, const struct ew_session *s,
		      const char *region, struct ew_error *err);

void ew_session_release(struct ew_session *s);

#endif
