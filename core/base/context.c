#include "context.h"

#include <stdlib.h>
#include <string.h>

static struct ew_test_knobs knobs;

void ew_context_set_test_knobs(const struct ew_test_knobs *k)
{
	knobs = *k;
}

const struct ew_test_knobs *ew_context_test_knobs(void)
{
	return &knobs;
}

void ew_context_init_default(struct ew_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->scale_retries = knobs.scale_retries;
	ctx->retry_scale = knobs.retry_scale;
}

double ew_context_retry_scale(const struct ew_context *ctx)
{
	return ctx && ctx->scale_retries && ctx->retry_scale >= 0
		   ? ctx->retry_scale
		   : 1.0;
}

time_t ew_context_now(const struct ew_context *ctx)
{
	if (ctx && ctx->now)
		return ctx->now(ctx->payload);
	return time(NULL);
}

const char *ew_context_getenv(const struct ew_context *ctx, const char *name)
{
	const char *v;

	if (ctx && ctx->getenv)
		v = ctx->getenv(name, ctx->payload);
	else
		v = getenv(name);
	return v && *v ? v : NULL;
}

const char *ew_context_home(const struct ew_context *ctx)
{
	const char *h = ctx && ctx->home ? ctx->home : NULL;

	if (!h)
		h = ew_context_getenv(ctx, "HOME");
	return h ? h : "";
}
