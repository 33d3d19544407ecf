/*
 * aws_client.h - signed calls to STS, IAM and ECR, with the SDKs' retries.
 *
 * One struct ew_aws_client per thread of work (the engine gives each branch
 * its own); they may share one context, and so one transport whose
 * connections and multi handle they all use.  The client owns a copy of
 * the credentials and its endpoint strings.
 *
 * ew_aws_query() speaks the Query protocol (form POST, XML answer) for STS
 * and IAM; ew_aws_json() speaks JSON 1.1 for ECR.  Both:
 *   - sign with SigV4 (sigv4.h) for the service's signing name and region;
 *   - retry in the SDKs' standard mode (docs/aws-wire.md 8): 3 attempts,
 *     full-jitter back-off, on throttling codes, 5xx, time-outs and
 *     connection errors, plus ConcurrentModification; never IAM
 *     LimitExceeded.  Clock skew: retry once with the server's Date.
 *     Each retry is reported through on_retry before its back-off;
 *   - parse both error shapes into err (code EW_EAWS, http_status, aws_code,
 *     message, request_id, operation);
 *   - count requests in `requests`, and in `mutations` the calls that
 *     change state and that AWS answered with success;
 *   - stop promptly with EW_ECANCEL when `cancel` is set;
 *   - log each exchange to ctx->trace when set (trace.h: secrets redacted).
 * The back-off delays are multiplied by the context's retry scale (the
 * test build's EW_RETRY_SCALE, context.h; 1 in the shipped program), so
 * tests can make them short.  A transport failure that survives the
 * retries is EW_ENET; a 2xx answer that cannot be parsed is EW_EPARSE.
 */
#ifndef EW_AWS_CLIENT_H
#define EW_AWS_CLIENT_H

#include "context.h"
#include "credentials.h"
#include "error.h"
#include "retry.h"
#include "xml.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

enum ew_service { EW_SVC_STS, EW_SVC_IAM, EW_SVC_ECR, EW_SVC_COUNT };

struct ew_retry_event {
	const char *service;	      /* "iam" */
	const char *operation;	      /* "CreateRole" */
	int attempt;		      /* the attempt that failed: 1 or 2 */
	int max_attempts;	      /* 3 */
	long delay_ms;		      /* back-off before the next attempt */
	const struct ew_error *error; /* why it is retried */
};

struct ew_aws_client {
	struct ew_context *ctx;
	struct ew_credentials creds;
	char region[32];    /* for STS and ECR */
	char partition[16]; /* "aws", "aws-cn", "aws-us-gov" */
	char *endpoint
	    [EW_SVC_COUNT]; /* base URL, e.g. "https://iam.amazonaws.com" */
	char signing_region[EW_SVC_COUNT][32];
	struct ew_cancel *cancel; /* may be NULL */
	int max_attempts;	  /* 3 unless configured */
	long clock_skew;	  /* seconds to add to the local clock */
	/* Called from the calling thread before each back-off. */
	void (*on_retry)(const struct ew_retry_event *ev, void *payload);
	void *payload;
	unsigned requests;  /* HTTP exchanges made, retries included */
	unsigned mutations; /* of which changed state: a 2xx answer */

	/* Source of the back-off jitter, a number in [0, 1).  NULL (the
	 * default) uses a generator private to this client; tests set a
	 * fixed one. */
	double (*jitter)(void *jitter_payload);
	void *jitter_payload;
	/* Called once when the service says the session token expired
	 * (ExpiredToken, ExpiredTokenException), with `payload` above:
	 * replace *creds with fresh ones (release the old ones first) and
	 * return 0, and the call is retried once.  NULL: the error is
	 * reported.  This retry and the clock-skew one fix their cause, so
	 * they do not count against max_attempts; on_retry reports them
	 * with delay_ms 0. */
	int (*refresh_credentials)(struct ew_credentials *creds, void *payload,
				   struct ew_error *err);
	/* private */
	struct ew_retry_bucket bucket; /* the retry quota, per client */
	unsigned long long jitter_state;
};

struct ew_query_param {
	const char *name; /* "RoleName", "Tags.member.1.Key" */
	const char *value;
};

/*
 * Set up a client for `region` (may be NULL: then STS and ECR calls fail
 * with EW_EINVAL "no region") with default endpoints of its partition
 * (docs/aws-wire.md 1.9).  Copies creds.  Endpoint overrides are applied
 * afterwards with ew_aws_client_set_endpoint().
 */
int ew_aws_client_init(struct ew_aws_client *c, struct ew_context *ctx,
		       const struct ew_credentials *creds, const char *region,
		       struct ew_error *err);
void ew_aws_client_release(struct ew_aws_client *c);
/* Use url for svc (an override); the signing region stays as set. */
int ew_aws_client_set_endpoint(struct ew_aws_client *c, enum ew_service svc,
			       const char *url, struct ew_error *err);
/* Deep copy, for another thread; counters start at zero and the retry
 * quota full; hooks, cancel token and clock skew are copied. */
int ew_aws_client_clone(struct ew_aws_client *out,
			const struct ew_aws_client *src, struct ew_error *err);

/* Query protocol: Action and Version are added.  *out receives the parsed
 * response root (<ActionResponse>); free with ew_xml_free(). */
int ew_aws_query(struct ew_aws_client *c, enum ew_service svc,
		 const char *action, const struct ew_query_param *params,
		 size_t nparams, struct ew_xml_node **out,
		 struct ew_error *err);

/* JSON 1.1: X-Amz-Target is AmazonEC2ContainerRegistry_V20150921.<op> for
 * ECR.  body may be NULL ("{}").  *out receives the parsed answer; free it
 * with cJSON_Delete(). */
int ew_aws_json(struct ew_aws_client *c, enum ew_service svc,
		const char *operation, const cJSON *body, cJSON **out,
		struct ew_error *err);

#endif
