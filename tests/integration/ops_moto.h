/*
 * ops_moto.h - shared set-up for the typed-operation tests against moto
 * (test_iam_moto.c, test_ecr_moto.c, test_sts_moto.c, test_auth_moto.c).
 *
 * A struct ops_env owns a real libcurl transport, a default context and
 * one client whose three endpoints point at one moto URL.  Include after
 * <cmocka.h>: the helpers assert.
 */
#ifndef OPS_MOTO_H
#define OPS_MOTO_H

#include "aws_client.h"
#include "context.h"
#include "credentials.h"
#include "http.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The SigV4 test-suite pair: moto without authentication takes any key. */
#define OPS_AKID   "AKIDEXAMPLE"
#define OPS_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

struct ops_env {
	struct ew_context ctx;
	struct ew_transport *transport;
	struct ew_aws_client c;
	char uniq[32]; /* unique per run: one moto serves every test */
};

/* The moto URL from the runner; a missing one fails the test (it must
 * never skip silently). */
static inline const char *ops_moto_url(void)
{
	const char *url = getenv("EW_MOTO_URL");

	if (!url || !*url)
		fail_msg("EW_MOTO_URL is not set: run through make check");
	return url;
}

static inline void ops_client_init(struct ew_aws_client *c,
				   struct ew_context *ctx, const char *url,
				   const char *akid, const char *secret)
{
	struct ew_credentials cr;
	struct ew_error err;

	ew_credentials_init(&cr);
	cr.access_key_id = (char *)akid;
	cr.secret_access_key = (char *)secret;
	ew_error_clear(&err);
	assert_int_equal(ew_aws_client_init(c, ctx, &cr, "us-east-1", &err), 0);
	for (int s = 0; s < EW_SVC_COUNT; s++)
		assert_int_equal(ew_aws_client_set_endpoint(
				     c, (enum ew_service)s, url, &err),
				 0);
}

static inline void ops_env_init_keys(struct ops_env *e, const char *url,
				     const char *akid, const char *secret)
{
	struct ew_http_options o;
	struct ew_error err;

	memset(e, 0, sizeof(*e));
	/* Retries back off for real; keep a failing test quick (what the
	 * test build's EW_RETRY_SCALE=0.05 does). */
	ew_context_set_test_knobs(&(struct ew_test_knobs){.scale_retries = true,
							  .retry_scale = 0.05});
	ew_context_init_default(&e->ctx);
	ew_http_options_init(&o);
	ew_error_clear(&err);
	e->transport = ew_http_transport_new(&o, &err);
	if (!e->transport)
		fail_msg("cannot start transport: %s", err.message);
	e->ctx.transport = e->transport;
	ops_client_init(&e->c, &e->ctx, url, akid, secret);
	snprintf(e->uniq, sizeof(e->uniq), "%ld-%ld", (long)getpid(),
		 (long)time(NULL) % 100000);
}

static inline void ops_env_init(struct ops_env *e)
{
	ops_env_init_keys(e, ops_moto_url(), OPS_AKID, OPS_SECRET);
}

static inline void ops_env_release(struct ops_env *e)
{
	ew_aws_client_release(&e->c);
	ew_transport_free(e->transport);
	memset(e, 0, sizeof(*e));
}

/* Documents are compared as parsed JSON, never as text. */
static inline bool ops_json_equal(const char *a, const char *b)
{
	cJSON *ja = cJSON_Parse(a), *jb = cJSON_Parse(b);
	bool eq = ja && jb && cJSON_Compare(ja, jb, true);

	cJSON_Delete(ja);
	cJSON_Delete(jb);
	return eq;
}

/* Assert an AWS error with this code (and HTTP status when non-zero). */
#define assert_aws_error(rc, err, code, status)                                \
	do {                                                                   \
		if ((rc) != EW_EAWS || !ew_error_is_aws(&(err), (code)))       \
			fail_msg("expected %s, got rc %d aws_code '%s': %s",   \
				 (code), (rc), (err).aws_code, (err).message); \
		if ((status) && (err).http_status != (status))                 \
			fail_msg("%s: expected HTTP %ld, got %ld", (code),     \
				 (long)(status), (err).http_status);           \
	} while (0)

/* Assert success, showing the error otherwise. */
#define assert_ok(rc, err)                                                     \
	do {                                                                   \
		if ((rc) != 0)                                                 \
			fail_msg("rc %d (%s): %s", (rc), (err).aws_code,       \
				 (err).message);                               \
	} while (0)

#endif
