/*
 * plan_render.h - how a plan shows each step's aws CLI equivalent, shared
 * by the text `plan` script and the wizard's Plan tab so both say the same
 * thing: commands of a step that changes something (or reads what the
 * run needs) are live, the others - a resource that is already right -
 * are shown commented out.
 *
 * Nothing is allocated here except what the caller's buffer grows by.
 */
#ifndef EW_PLAN_RENDER_H
#define EW_PLAN_RENDER_H

#include "buf.h"
#include "engine.h"

#include <stdbool.h>

/* Whether step s's commands run: it creates, updates or cannot be
 * checked (setup), deletes (teardown), or is the identity or outputs
 * step, which only read. */
bool ew_plan_step_runs(const struct ew_step *s, bool teardown);

/*
 * Append each line of s's CLI text: "<live>cmd" when the step runs,
 * "<off>cmd" when it does not (e.g. live "  $ ", off "  # ").  0 or
 * EW_ENOMEM.
 */
int ew_plan_render_cli(struct ew_buf *out, const struct ew_step *s,
		       bool teardown, const char *live, const char *off);

#endif
