/*
 * context.h - everything with a side effect reaches core through here.
 *
 * The HTTP transport, the clock, the environment, the home directory and
 * the trace sink.  Front-ends fill one struct ew_context at start-up
 * (ew_context_init_default() gives the real ones); tests and --demo swap
 * members.  Core never calls getenv(), time() or curl directly.
 *
 * The context does not own the transport: whoever created it frees it.
 */
#ifndef EW_CONTEXT_H
#define EW_CONTEXT_H

#include "transport.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

struct ew_context {
	struct ew_transport *transport;
	/* Current UTC time.  NULL means time(). */
	time_t (*now)(void *payload);
	/* Environment lookup.  NULL means getenv(). */
	const char *(*getenv)(const char *name, void *payload);
	void *payload; /* passed to now() and getenv() */
	/* Directory that "~" means for ~/.aws; NULL means $HOME. */
	const char *home;
	/* When not NULL, every HTTP exchange is logged here, with the
	 * Authorization header, secret key and session token redacted. */
	FILE *trace;
	/* Tests only: when scale_retries is set, every retry wait (the
	 * client's and the engine's) is multiplied by retry_scale (0 and
	 * up), so a test of retries need not wait.  A zeroed context waits
	 * as AWS asks; ew_context_init_default() takes the test knobs. */
	bool scale_retries;
	double retry_scale;
};

/*
 * Knobs only the test build sets (its main reads EW_RETRY_SCALE and
 * EW_DEMO_LATENCY and calls ew_context_set_test_knobs()): the shipped
 * program never calls the setter and never names those variables, so a
 * user's environment cannot change how it retries or how long --demo
 * takes.  Process-wide; set before the first context is made.
 */
struct ew_test_knobs {
	bool scale_retries;
	double retry_scale; /* see struct ew_context */
	bool scale_demo;
	double demo_latency; /* the demo's latency scale, 0 to 100 */
};

void ew_context_set_test_knobs(const struct ew_test_knobs *k);
/* All false unless the test build set them. */
const struct ew_test_knobs *ew_context_test_knobs(void);

/* Real clock, real environment, no transport, no trace; the test
 * knobs' retry scale. */
void ew_context_init_default(struct ew_context *ctx);

time_t ew_context_now(const struct ew_context *ctx);
/* NULL when unset; an empty value counts as unset. */
const char *ew_context_getenv(const struct ew_context *ctx, const char *name);
/* The home directory: ctx->home, else the environment's HOME, else "". */
const char *ew_context_home(const struct ew_context *ctx);
/* What retry waits are multiplied by: 1 unless scale_retries. */
double ew_context_retry_scale(const struct ew_context *ctx);

#endif
