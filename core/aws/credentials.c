#include "credentials.h"
#include "buf.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ew_credentials_init(struct ew_credentials *c)
{
	memset(c, 0, sizeof(*c));
}

void ew_credentials_release(struct ew_credentials *c)
{
	free(c->access_key_id);
	ew_free_secret(c->secret_access_key);
	ew_free_secret(c->session_token);
	ew_credentials_init(c);
}

int ew_credentials_copy(struct ew_credentials *out,
			const struct ew_credentials *src)
{
	ew_credentials_init(out);
	out->access_key_id = ew_strdup(src->access_key_id);
	out->secret_access_key = ew_strdup(src->secret_access_key);
	out->session_token = ew_strdup(src->session_token);
	out->expiration = src->expiration;
	memcpy(out->source, src->source, sizeof(out->source));
	memcpy(out->account_id, src->account_id, sizeof(out->account_id));
	if ((src->access_key_id && !out->access_key_id) ||
	    (src->secret_access_key && !out->secret_access_key) ||
	    (src->session_token && !out->session_token)) {
		ew_credentials_release(out);
		return EW_ENOMEM;
	}
	return 0;
}

bool ew_credentials_is_set(const struct ew_credentials *c)
{
	return c && c->access_key_id && *c->access_key_id &&
	       c->secret_access_key && *c->secret_access_key;
}

bool ew_credentials_is_expired(const struct ew_credentials *c, time_t now,
			       long margin)
{
	return c->expiration != 0 && c->expiration - margin <= now;
}
