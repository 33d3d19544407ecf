/*
 * sts.h - the two STS operations the wizard uses: GetCallerIdentity (whose
 * credentials are these?) and AssumeRole (for role_arn profiles).
 *
 * Both go through ew_aws_query() (aws_client.h), so signing, retries and
 * error parsing happen there; on an AWS error they return EW_EAWS with
 * err->aws_code set (e.g. "InvalidClientTokenId", "SignatureDoesNotMatch",
 * "ExpiredToken", "AccessDenied").
 *
 * Memory: struct ew_caller_identity is plain storage.  The credentials
 * that ew_sts_assume_role() fills are owned by the caller, who releases
 * them with ew_credentials_release() (which zeroes the secrets).
 *
 * The parse functions take the parsed response root and exist so the
 * parsing can be tested on canned answers without HTTP.
 */
#ifndef EW_STS_H
#define EW_STS_H

#include "aws_client.h"
#include "credentials.h"
#include "error.h"
#include "xml.h"

#include <time.h>

struct ew_caller_identity {
	char account[16];  /* "123456789012" */
	char arn[256];	   /* "arn:aws:sts::123456789012:assumed-role/R/s" */
	char user_id[128]; /* "AROA...:session", "AIDA...", or the account */
};

/*
 * STS GetCallerIdentity with c's credentials.  Needs no permission, so it
 * is the probe for "are these credentials valid".  A value too long for
 * its field is EW_EPARSE (never silently cut).
 */
int ew_sts_get_caller_identity(struct ew_caller_identity *out,
			       struct ew_aws_client *c, struct ew_error *err);

/*
 * STS AssumeRole with c's credentials (the source credentials).
 * duration_seconds 0 omits DurationSeconds (STS default, 1 hour);
 * external_id NULL omits ExternalId.  On success *out holds the temporary
 * key, secret, session token and expiration (parsed from ISO 8601),
 * account_id taken from the assumed-role ARN and source "assume-role".
 * On failure *out is left initialised and empty.
 */
int ew_sts_assume_role(struct ew_credentials *out, struct ew_aws_client *c,
		       const char *role_arn, const char *session_name,
		       long duration_seconds, const char *external_id,
		       struct ew_error *err);

/* Parse a <GetCallerIdentityResponse> root. */
int ew_sts_parse_caller_identity(struct ew_caller_identity *out,
				 const struct ew_xml_node *root,
				 struct ew_error *err);
/* Parse an <AssumeRoleResponse> root into *out (initialised here). */
int ew_sts_parse_assume_role(struct ew_credentials *out,
			     const struct ew_xml_node *root,
			     struct ew_error *err);

/* Zero the SecretAccessKey and SessionToken texts anywhere in the tree of
 * an answer that carries credentials (AssumeRole, AssumeRoleWithWeb-
 * Identity) before ew_xml_free(), so no secret is left in freed memory.
 * root may be NULL. */
void ew_sts_wipe_credentials(struct ew_xml_node *root);

#endif
