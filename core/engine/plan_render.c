/* plan_render.c - live or commented-out CLI lines of a plan's steps. */
#include "plan_render.h"

#include <string.h>

bool ew_plan_step_runs(const struct ew_step *s, bool teardown)
{
	if (s->kind == EW_STEP_IDENTITY || s->kind == EW_STEP_OUTPUTS)
		return true;
	if (teardown)
		return s->action == EW_ACTION_DELETE;
	return s->action == EW_ACTION_CREATE || s->action == EW_ACTION_UPDATE ||
	       s->action == EW_ACTION_UNKNOWN;
}

int ew_plan_render_cli(struct ew_buf *out, const struct ew_step *s,
		       bool teardown, const char *live, const char *off)
{
	const char *prefix = ew_plan_step_runs(s, teardown) ? live : off;
	const char *l = s->cli.ptr ? s->cli.ptr : "";

	while (*l) {
		size_t len = strcspn(l, "\n");

		ew_buf_printf(out, "%s%.*s\n", prefix, (int)len, l);
		l += len;
		if (*l)
			l++;
	}
	return ew_buf_puts(out, "");
}
