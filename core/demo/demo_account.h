/*
 * demo_account.h - a simulated AWS account inside the process, for --demo.
 *
 * ew_demo_transport_new() returns a struct ew_transport (transport.h) that
 * the context hands to the real AWS client in place of libcurl.  Its
 * perform() receives the exact signed requests the client sends - Query
 * protocol form POSTs for STS and IAM, JSON 1.1 with X-Amz-Target for ECR -
 * and answers in AWS's wire shapes (docs/aws-wire.md 2-5): XML results
 * and <ErrorResponse> for STS/IAM, JSON and __type errors for ECR, with the
 * real error codes, HTTP statuses and messages, a request id and a Date.
 * So the real signer, parsers, retries and hints all run; only the network
 * is missing.
 *
 * The account is fixed (EW_DEMO_ACCOUNT) and starts in the state a
 * scenario describes (ew_demo_scenarios()); it then changes as calls create
 * and delete things, in memory, per transport.  Requests must carry a SigV4
 * Authorization header for EW_DEMO_ACCESS_KEY_ID (or for a session the
 * simulator issued through AssumeRole); the signature itself is not
 * checked.
 *
 * perform() is thread-safe: the state sits behind a mutex, the simulated
 * latency is slept outside it with ew_cancel_sleep(), so overlapping
 * requests overlap in time and a cancel ends the wait with EW_ECANCEL.
 *
 * Memory: the transport owns its state; free it with ew_transport_free().
 * Scenario descriptions are static.
 */
#ifndef EW_DEMO_ACCOUNT_H
#define EW_DEMO_ACCOUNT_H

#include "credentials.h"
#include "error.h"
#include "transport.h"

#include <stdbool.h>
#include <stddef.h>

#define EW_DEMO_ACCOUNT	   "123456789012"
#define EW_DEMO_USER_NAME  "demo-presenter"
#define EW_DEMO_CALLER_ARN "arn:aws:iam::123456789012:user/demo-presenter"
#define EW_DEMO_USER_ID	   "AIDADEMOPRESENTER0001"
#define EW_DEMO_REGION	   "us-east-1"
/* The sample repository the demo shows wherever it runs, with the
 * numeric IDs it plays (the demo never asks the GitHub API). */
#define EW_DEMO_SAMPLE	 "octo-org/octo-app"
#define EW_DEMO_OWNER	 "octo-org"
#define EW_DEMO_REPO	 "octo-app"
#define EW_DEMO_OWNER_ID "9919"
#define EW_DEMO_REPO_ID	 "583231"
/* Fake keys: they only have to look like credentials to the signer. */
#define EW_DEMO_ACCESS_KEY_ID	  "AKIDEXAMPLEDEMO00001"
#define EW_DEMO_SECRET_ACCESS_KEY "demo/NOT-A-REAL-SECRET/ecr-wizard/000000"
/* The tag the wizard puts on what it creates (docs/architecture.md). */
#define EW_DEMO_TAG_KEY	  "managed-by"
#define EW_DEMO_TAG_VALUE "ecr-wizard"

struct ew_demo_options {
	/* A name from ew_demo_scenarios(); NULL or "" is "happy". */
	const char *scenario;
	/* 1.0: realistic latency, 60-350 ms per call depending on the
	 * operation, with deterministic jitter; 0: instant (tests). */
	double latency_scale;
	/* Seeds the jitter, request ids and resource ids. */
	unsigned long seed;
};

struct ew_demo_scenario {
	const char *name;	 /* "access-denied" */
	const char *description; /* one line, for --demo-scenario help */
};

/* Defaults: happy path, latency 1.0, seed 1. */
void ew_demo_options_init(struct ew_demo_options *o);

/* All scenarios, the happy path first; *n receives the count. */
const struct ew_demo_scenario *ew_demo_scenarios(size_t *n);
/* The scenario called name (NULL or "" is the happy path), or NULL. */
const struct ew_demo_scenario *ew_demo_scenario_find(const char *name);

/*
 * A new simulated account behind a transport.  o may be NULL (defaults).
 * EW_EINVAL for an unknown scenario name or a negative latency scale,
 * EW_ENOMEM.  Free with ew_transport_free().
 */
struct ew_transport *ew_demo_transport_new(const struct ew_demo_options *o,
					   struct ew_error *err);

/* Whether t was made by ew_demo_transport_new(). */
bool ew_demo_is_transport(const struct ew_transport *t);

/*
 * How many requests t received for operation ("CreateRole",
 * "CreateRepository"), retries included; all requests when operation is
 * NULL.  0 when t is not a demo transport.  For tests and the demo's
 * statistics; the client counts its own requests.
 */
unsigned ew_demo_transport_count(struct ew_transport *t, const char *operation);

/*
 * Fill out with the demo credentials (long-term keys, source "demo
 * account", account id set).  0 or EW_ENOMEM; release with
 * ew_credentials_release().
 */
int ew_demo_credentials(struct ew_credentials *out, struct ew_error *err);

#endif
