#include "retry.h"

#include <string.h>

/* botocore retries/standard.py and the SDKs' shared list; note
 * "LimitExceededException" (a throttle) is not IAM's "LimitExceeded". */
static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    /* STS: the web identity provider did not answer in time */
    "IDPCommunicationError",
    /* ours, not the SDKs': IAM asks callers to try again later */
    "ConcurrentModification",
    /* IAM's and ECR's names for an internal error (HTTP 500 anyway) */
    "ServiceFailure",
    "ServerException",
    "InternalFailure",
    "ServiceUnavailable",
};

static bool in_list(const char *code, const char *const *list, size_t n)
{
	if (!code || !*code)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(code, list[i]) == 0)
			return true;
	return false;
}

bool ew_retry_is_throttling_code(const char *code)
{
	return in_list(code, throttling_codes,
		       sizeof(throttling_codes) / sizeof(*throttling_codes));
}

bool ew_retry_is_transient_code(const char *code)
{
	return in_list(code, transient_codes,
		       sizeof(transient_codes) / sizeof(*transient_codes));
}

bool ew_retry_is_clock_skew(const struct ew_error *err)
{
	if (!err || err->code != EW_EAWS)
		return false;
	if (strcmp(err->aws_code, "RequestExpired") == 0 ||
	    strcmp(err->aws_code, "RequestTimeTooSkewed") == 0)
		return true;
	/* A wrong secret gives the same code: only the message tells the
	 * clock apart, so look for the server's wording. */
	if (strcmp(err->aws_code, "SignatureDoesNotMatch") == 0)
		return strstr(err->message, "Signature expired") != NULL ||
		       strstr(err->message, "Signature not yet current") !=
			   NULL;
	if (strcmp(err->aws_code, "InvalidSignatureException") == 0)
		return strstr(err->message, "Signature expired") != NULL ||
		       strstr(err->message, "Signature not yet current") !=
			   NULL ||
		       strstr(err->message, "earlier than") != NULL;
	return false;
}

enum ew_retry_kind ew_retry_classify(const struct ew_error *err)
{
	if (!err)
		return EW_RETRY_NONE;
	if (err->code == EW_ENET)
		/* the transport words every time-out "timed out" */
		return strstr(err->message, "timed out") ? EW_RETRY_TIMEOUT
							 : EW_RETRY_TRANSIENT;
	if (err->code != EW_EAWS)
		return EW_RETRY_NONE;
	if (strcmp(err->aws_code, "LimitExceeded") == 0)
		return EW_RETRY_NONE;
	if (ew_retry_is_clock_skew(err))
		return EW_RETRY_CLOCK_SKEW;
	if (ew_retry_is_throttling_code(err->aws_code) ||
	    err->http_status == 429)
		return EW_RETRY_THROTTLE;
	if (ew_retry_is_transient_code(err->aws_code))
		return EW_RETRY_TRANSIENT;
	switch (err->http_status) {
	case 500:
	case 502:
	case 503:
	case 504:
		return EW_RETRY_TRANSIENT;
	default:
		return EW_RETRY_NONE;
	}
}

long ew_retry_backoff_ms(int retry, double rand01, double scale)
{
	double cap = EW_RETRY_MAX_DELAY_S;
	double base = 1;

	if (retry < 1)
		retry = 1;
	for (int i = 1; i < retry && base < cap; i++)
		base *= 2;
	if (base > cap)
		base = cap;
	if (!(rand01 >= 0)) /* also catches NaN */
		rand01 = 0;
	if (rand01 >= 1)
		rand01 = 0.999999;
	if (!(scale >= 0))
		scale = 0;
	return (long)(rand01 * base * 1000.0 * scale);
}

void ew_retry_bucket_init(struct ew_retry_bucket *b)
{
	b->tokens = EW_RETRY_BUCKET_SIZE;
}

bool ew_retry_bucket_acquire(struct ew_retry_bucket *b, enum ew_retry_kind kind,
			     int *cost)
{
	int c =
	    kind == EW_RETRY_TIMEOUT ? EW_RETRY_COST_TIMEOUT : EW_RETRY_COST;

	if (b->tokens < c)
		return false;
	b->tokens -= c;
	if (cost)
		*cost += c;
	return true;
}

void ew_retry_bucket_success(struct ew_retry_bucket *b, int cost)
{
	b->tokens += cost > 0 ? cost : 1;
	if (b->tokens > EW_RETRY_BUCKET_SIZE)
		b->tokens = EW_RETRY_BUCKET_SIZE;
}
