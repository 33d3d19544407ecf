/*
 * transport.h - one HTTP exchange, as core's AWS client needs it.
 *
 * Every request core sends goes through a struct ew_transport reached via
 * the context (context.h), so tests and --demo swap it: the real one is
 * libcurl (http.c, a curl multi handle shared by all threads), the demo one
 * is the in-process simulated account.
 *
 * perform() is thread-safe and blocks only the calling thread: the engine
 * runs independent branches in their own threads and their requests are in
 * flight together.  It sends the request exactly as given (headers already
 * signed) and stores the response in *resp, which the caller initialised
 * with ew_http_response_init() and releases with ew_http_response_release().
 *
 * Returns 0 when an HTTP response arrived, whatever its status; EW_ENET for
 * a transport failure (connect, reset, TLS, time-out, truncated body: err
 * says which); EW_ECANCEL when the cancel token was set during the wait.
 */
#ifndef EW_TRANSPORT_H
#define EW_TRANSPORT_H

#include "buf.h"
#include "cancel.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>

struct ew_http_header {
	const char *name;
	const char *value;
};

struct ew_http_request {
	const char *method; /* "POST", "GET" */
	const char *url;    /* scheme://host[:port]/path[?query] */
	const struct ew_http_header *headers;
	size_t nheaders;
	const char *body; /* may be NULL when body_len is 0 */
	size_t body_len;
	/* For tracing, counting and the simulator; not sent. */
	const char *service;   /* "sts", "iam", "ecr", "sso", "github" */
	const char *operation; /* "CreateRole"; NULL when not an AWS call */
	bool is_timeout_short; /* a probe: use the short time-out */
};

struct ew_http_response {
	long status;
	struct ew_buf body;
	char request_id[96];  /* x-amzn-RequestId or x-amz-request-id */
	char date[64];	      /* Date, for clock-skew correction */
	char error_type[160]; /* x-amzn-ErrorType */
	char retry_after[32]; /* x-amz-retry-after or Retry-After */
	/* GitHub's rate limit and permission answers (github_secrets.h). */
	char ratelimit_remaining[16];	/* x-ratelimit-remaining */
	char ratelimit_reset[24];	/* x-ratelimit-reset, epoch seconds */
	char accepted_permissions[128]; /* x-accepted-github-permissions */
};

void ew_http_response_init(struct ew_http_response *r);
/* Zeroes the body before freeing it: STS and SSO answers carry secrets. */
void ew_http_response_release(struct ew_http_response *r);

struct ew_transport;

struct ew_transport_ops {
	int (*perform)(struct ew_transport *t,
		       const struct ew_http_request *req,
		       struct ew_http_response *resp, struct ew_cancel *cancel,
		       struct ew_error *err);
	void (*free)(struct ew_transport *t);
};

struct ew_transport {
	const struct ew_transport_ops *ops;
};

static inline int ew_transport_perform(struct ew_transport *t,
				       const struct ew_http_request *req,
				       struct ew_http_response *resp,
				       struct ew_cancel *cancel,
				       struct ew_error *err)
{
	return t->ops->perform(t, req, resp, cancel, err);
}

static inline void ew_transport_free(struct ew_transport *t)
{
	if (t)
		t->ops->free(t);
}

#endif
