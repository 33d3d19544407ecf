/*
 * credentials.h - AWS credentials and where they came from.
 *
 * struct ew_credentials owns its strings; ew_credentials_release() zeroes
 * the secret and the token before freeing them.  The resolver (the chain
 * the AWS CLI uses, docs/aws-wire.md 7) is ew_credential_chain_resolve()
 * in credential_chain.h; front-ends usually go through session.h.
 */
#ifndef EW_CREDENTIALS_H
#define EW_CREDENTIALS_H

#include <stdbool.h>
#include <time.h>

struct ew_credentials {
	char *access_key_id;
	char *secret_access_key;
	char *session_token; /* NULL for long-term keys */
	time_t expiration;   /* 0 when they never expire */
	/* Where they came from, for the UI: "environment",
	 * "profile dev (credentials file)", "sso (profile dev)",
	 * "credential_process (profile dev)", "assume-role (profile dev)". */
	char source[128];
	char account_id[16]; /* when the source told us; else empty */
};

void ew_credentials_init(struct ew_credentials *c);
void ew_credentials_release(struct ew_credentials *c);
/* Deep copy; 0 or EW_ENOMEM. */
int ew_credentials_copy(struct ew_credentials *out,
			const struct ew_credentials *src);
bool ew_credentials_is_set(const struct ew_credentials *c);
/* True when an expiration is set and is within `margin` seconds of now. */
bool ew_credentials_is_expired(const struct ew_credentials *c, time_t now,
			       long margin);

#endif
