/*
 * wizard_hint.c - the facts the wizard hands to the one hint renderer
 * (core/troubleshoot/hint.h), so the account, preview and run screens
 * show the same fix text as `apply` for the same error.
 */
#include "hint.h"
#include "wizard.h"

void ew_wizard_hint(const struct ew_wizard *w, long step,
		    const struct ew_error *e, struct ew_hint *out)
{
	struct ew_hint_facts f = {&w->setup, -1, NULL, NULL};

	/* The engine's steps are fixed once built, so their target can be
	 * read while the workers run. */
	if (step >= 0 && w->has_engine && (size_t)step < w->engine.nsteps)
		f.target = w->engine.steps[step].target;
	if (w->account == EW_PROBE_OK) {
		f.caller_account = w->ident.account;
		f.caller_arn = w->ident.arn;
	}
	/* Out of memory leaves a partial hint: the screen shows what there
	 * is. */
	ew_hint_for_error(out, e, &f, NULL);
}
