/*
 * retry.h - the AWS SDKs' "standard" retry mode (docs/aws-wire.md 8).
 *
 * Three pieces, all pure (no I/O, no clock), so the AWS client and the
 * tests share one definition:
 *   - classification: which failures are retried, and how;
 *   - back-off: full jitter, rand[0,1) * min(2^(i-1), 20) seconds;
 *   - the retry quota: a token bucket of 500 per client.
 *
 * Nothing here allocates.  struct ew_retry_bucket is plain storage inside
 * its owner (one per struct ew_aws_client, used from one thread).
 */
#ifndef EW_RETRY_H
#define EW_RETRY_H

#include "error.h"

#include <stdbool.h>

enum ew_retry_kind {
	EW_RETRY_NONE = 0,   /* final: report the error */
	EW_RETRY_TRANSIENT,  /* 5xx, transient codes, connection errors */
	EW_RETRY_THROTTLE,   /* a throttling code or HTTP 429 */
	EW_RETRY_TIMEOUT,    /* a connect or read time-out (costs more) */
	EW_RETRY_CLOCK_SKEW, /* signature expired: fix the clock, retry once */
};

#define EW_RETRY_MAX_ATTEMPTS 3
#define EW_RETRY_BUCKET_SIZE  500
#define EW_RETRY_COST	      5
#define EW_RETRY_COST_TIMEOUT 10
#define EW_RETRY_MAX_DELAY_S  20

/*
 * How to treat a failed attempt.  Reads err->code (EW_ENET is retried,
 * EW_EAWS by code and HTTP status, anything else is final), err->aws_code,
 * err->http_status and, for clock skew and time-outs, err->message.
 * IAM LimitExceeded (a real quota) is never retried; IAM
 * ConcurrentModification is.
 */
enum ew_retry_kind ew_retry_classify(const struct ew_error *err);

/* Whether code is on the SDKs' throttling list. */
bool ew_retry_is_throttling_code(const char *code);
/* Whether code is on the SDKs' transient list (RequestTimeout, ...). */
bool ew_retry_is_transient_code(const char *code);
/* Whether err is the server refusing our clock (SignatureDoesNotMatch
 * "Signature expired", RequestExpired, InvalidSignatureException with a
 * time message). */
bool ew_retry_is_clock_skew(const struct ew_error *err);

/*
 * Back-off before retry number `retry` (1 for the first retry), in
 * milliseconds: rand01 * min(2^(retry-1), 20) s, times scale (the
 * test build's EW_RETRY_SCALE knob that makes tests fast, context.h).  rand01 is in
 * [0, 1); out-of-range values are clamped.
 */
long ew_retry_backoff_ms(int retry, double rand01, double scale);

struct ew_retry_bucket {
	int tokens;
};

void ew_retry_bucket_init(struct ew_retry_bucket *b);
/* Take the cost of retrying a failure of this kind; false (nothing taken)
 * when the bucket cannot pay, and the error must be reported.  *cost
 * accumulates what was taken, for ew_retry_bucket_success(). */
bool ew_retry_bucket_acquire(struct ew_retry_bucket *b, enum ew_retry_kind kind,
			     int *cost);
/* After a success: give back `cost` (what its retries took), or 1 token
 * when it succeeded at the first try; never above the bucket size. */
void ew_retry_bucket_success(struct ew_retry_bucket *b, int cost);

#endif
