#include "context.h"

#include <stdlib.h>
#include <string.h>

void ew_context_init_default(struct ew_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
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
