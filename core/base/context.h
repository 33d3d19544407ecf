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
};

/* Real clock, real environment, no transport, no trace. */
void ew_context_init_default(struct ew_context *ctx);

time_t ew_context_now(const struct ew_context *ctx);
/* NULL when unset; an empty value counts as unset. */
const char *ew_context_getenv(const struct ew_context *ctx, const char *name);
/* The home directory: ctx->home, else the environment's HOME, else "". */
const char *ew_context_home(const struct ew_context *ctx);

#endif
