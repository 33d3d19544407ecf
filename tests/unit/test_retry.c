/* Unit tests: standard-mode retry policy (core/retry.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "retry.h"

static struct ew_error aws(long status, const char *code, const char *msg)
{
	struct ew_error e;

	ew_error_clear(&e);
	ew_error_set_aws(&e, status, code, msg, NULL);
	return e;
}

static enum ew_retry_kind kind_of(long status, const char *code)
{
	struct ew_error e = aws(status, code, "m");

	return ew_retry_classify(&e);
}

static void test_codes_that_retry(void **state)
{
	static const char *const throttles[] = {
	    "Throttling",
	    "ThrottlingException",
	    "ThrottledException",
	    "RequestThrottledException",
	    "TooManyRequestsException",
	    "RequestLimitExceeded",
	    "BandwidthLimitExceeded",
	    "LimitExceededException",
	    "RequestThrottled",
	    "SlowDown",
	    "EC2ThrottledException",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(throttles) / sizeof(*throttles); i++)
		assert_int_equal(kind_of(400, throttles[i]), EW_RETRY_THROTTLE);
	assert_int_equal(kind_of(429, ""), EW_RETRY_THROTTLE);
	assert_int_equal(kind_of(500, ""), EW_RETRY_TRANSIENT);
	assert_int_equal(kind_of(502, ""), EW_RETRY_TRANSIENT);
	assert_int_equal(kind_of(503, "ServiceUnavailable"),
			 EW_RETRY_TRANSIENT);
	assert_int_equal(kind_of(504, ""), EW_RETRY_TRANSIENT);
	assert_int_equal(kind_of(500, "ServiceFailure"), EW_RETRY_TRANSIENT);
	assert_int_equal(kind_of(400, "RequestTimeout"), EW_RETRY_TRANSIENT);
	assert_int_equal(kind_of(400, "RequestTimeoutException"),
			 EW_RETRY_TRANSIENT);
	assert_int_equal(kind_of(400, "IDPCommunicationError"),
			 EW_RETRY_TRANSIENT);
	/* ours: IAM's "another change is in flight" */
	assert_int_equal(kind_of(409, "ConcurrentModification"),
			 EW_RETRY_TRANSIENT);
}

static void test_codes_that_do_not(void **state)
{
	struct ew_error e;

	(void)state;
	/* IAM's quota error is not the throttling LimitExceededException */
	assert_int_equal(kind_of(409, "LimitExceeded"), EW_RETRY_NONE);
	assert_int_equal(kind_of(409, "EntityAlreadyExists"), EW_RETRY_NONE);
	assert_int_equal(kind_of(404, "NoSuchEntity"), EW_RETRY_NONE);
	assert_int_equal(kind_of(403, "AccessDenied"), EW_RETRY_NONE);
	assert_int_equal(kind_of(400, "RepositoryNotFoundException"),
			 EW_RETRY_NONE);
	assert_int_equal(kind_of(403, "ExpiredToken"), EW_RETRY_NONE);
	assert_int_equal(kind_of(501, ""), EW_RETRY_NONE);
	/* a wrong secret looks like skew but is not */
	e = aws(403, "SignatureDoesNotMatch",
		"The request signature we calculated does not match");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_NONE);
	/* local errors are final */
	ew_error_clear(&e);
	ew_error_set(&e, EW_EINVAL, "bad input");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_NONE);
	ew_error_set(&e, EW_ECANCEL, "cancelled");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_NONE);
	assert_int_equal(ew_retry_classify(NULL), EW_RETRY_NONE);
}

static void test_network_and_skew(void **state)
{
	struct ew_error e;

	(void)state;
	ew_error_clear(&e);
	ew_error_set(&e, EW_ENET, "cannot connect to 'x': connection refused");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_TRANSIENT);
	ew_error_set(&e, EW_ENET, "request to 'x' timed out after 30 s");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_TIMEOUT);

	e = aws(403, "SignatureDoesNotMatch",
		"Signature expired: 20240115T120000Z is now earlier than "
		"20240115T130000Z (20240115T130500Z - 5 min.)");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_CLOCK_SKEW);
	e = aws(400, "RequestExpired", "Request has expired.");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_CLOCK_SKEW);
	e = aws(400, "InvalidSignatureException",
		"Signature expired: 20240115T120000Z is now earlier than ...");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_CLOCK_SKEW);
	e = aws(400, "InvalidSignatureException", "The signature is wrong");
	assert_int_equal(ew_retry_classify(&e), EW_RETRY_NONE);
}

static void test_backoff_bounds(void **state)
{
	(void)state;
	/* rand * min(2^(i-1), 20) seconds */
	assert_int_equal(ew_retry_backoff_ms(1, 0.0, 1), 0);
	assert_int_equal(ew_retry_backoff_ms(1, 0.5, 1), 500);
	assert_int_equal(ew_retry_backoff_ms(2, 0.5, 1), 1000);
	assert_int_equal(ew_retry_backoff_ms(3, 0.5, 1), 2000);
	assert_int_equal(ew_retry_backoff_ms(5, 0.5, 1), 8000);
	/* capped at 20 s */
	assert_int_equal(ew_retry_backoff_ms(6, 0.5, 1), 10000);
	assert_int_equal(ew_retry_backoff_ms(60, 0.5, 1), 10000);
	assert_true(ew_retry_backoff_ms(60, 0.9999999, 1) < 20000);
	for (int i = 1; i < 10; i++)
		for (double r = 0; r < 1; r += 0.125) {
			long d = ew_retry_backoff_ms(i, r, 1);
			long cap = i >= 6 ? 20000 : 1000L << (i - 1);

			assert_true(d >= 0 && d < cap);
		}
	/* the EW_RETRY_SCALE knob */
	assert_int_equal(ew_retry_backoff_ms(2, 0.5, 0.01), 10);
	assert_int_equal(ew_retry_backoff_ms(2, 0.5, 0), 0);
	/* nonsense is clamped, never negative */
	assert_int_equal(ew_retry_backoff_ms(0, -3, 1), 0);
	assert_true(ew_retry_backoff_ms(1, 7, 1) < 1000);
	assert_int_equal(ew_retry_backoff_ms(1, 0.5, -1), 0);
}

static void test_token_bucket(void **state)
{
	struct ew_retry_bucket b;
	int cost = 0, n = 0;

	(void)state;
	ew_retry_bucket_init(&b);
	assert_int_equal(b.tokens, 500);
	assert_true(ew_retry_bucket_acquire(&b, EW_RETRY_TRANSIENT, &cost));
	assert_int_equal(b.tokens, 495);
	assert_true(ew_retry_bucket_acquire(&b, EW_RETRY_TIMEOUT, &cost));
	assert_int_equal(b.tokens, 485);
	assert_int_equal(cost, 15);
	/* a success after retries gives back what they took */
	ew_retry_bucket_success(&b, cost);
	assert_int_equal(b.tokens, 500);
	/* a first-try success adds 1, never above 500 */
	ew_retry_bucket_success(&b, 0);
	assert_int_equal(b.tokens, 500);
	/* drain: 100 retries of 5, then none */
	cost = 0;
	while (ew_retry_bucket_acquire(&b, EW_RETRY_THROTTLE, &cost))
		n++;
	assert_int_equal(n, 100);
	assert_int_equal(b.tokens, 0);
	assert_false(ew_retry_bucket_acquire(&b, EW_RETRY_TRANSIENT, NULL));
	ew_retry_bucket_success(&b, 0);
	assert_int_equal(b.tokens, 1);
	assert_false(ew_retry_bucket_acquire(&b, EW_RETRY_TRANSIENT, NULL));
	assert_int_equal(b.tokens, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_codes_that_retry),
	    cmocka_unit_test(test_codes_that_do_not),
	    cmocka_unit_test(test_network_and_skew),
	    cmocka_unit_test(test_backoff_bounds),
	    cmocka_unit_test(test_token_bucket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
