#include "transport.h"

#include <string.h>

void ew_http_response_init(struct ew_http_response *r)
{
	memset(r, 0, sizeof(*r));
	ew_buf_init(&r->body);
}

void ew_http_response_release(struct ew_http_response *r)
{
	/* STS and SSO answers carry credentials: wipe every body */
	ew_buf_release_secret(&r->body);
	memset(r, 0, sizeof(*r));
	ew_buf_init(&r->body);
}
