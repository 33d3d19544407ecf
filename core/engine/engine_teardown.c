/*
 * engine_teardown.c - removing what the setup created: deciding what is
 * ours (tagged managed-by=ecr-wizard) and deleting it.  The reads are the
 * setup's checks run in teardown mode; each step file (steps/) decides
 * and deletes its own resource; engine.c runs the deletions in reverse
 * order of the setup.
 */
#include "engine_priv.h"

#include "step.h"

static bool is_undecided(const struct ew_engine *e, size_t i)
{
	const struct ew_step *s = &e->steps[i];

	return (s->state == EW_STATE_PENDING || s->state == EW_STATE_RUNNING) &&
	       !((struct ew_engine_priv *)e->priv)->sp[i].check_failed;
}

void ew_engine_teardown_decide(struct ew_engine *e)
{
	/* Pass 0 first (roles, policies, repositories): the provider,
	 * lifecycle policies and attachments decide from theirs. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < e->nsteps; i++) {
			const struct ew_step_ops *ops =
			    ew_step_ops_of(e->steps[i].kind);

			if (is_undecided(e, i) && ops->teardown_check &&
			    ops->teardown_pass == pass)
				ops->teardown_check(e, i);
		}
}

int ew_engine_teardown_step(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	const struct ew_step_ops *ops = ew_step_ops_of(s->kind);
	int rc = 0;

	/* UPDATE: a shared role or policy loses this repository only. */
	if ((s->action != EW_ACTION_DELETE && s->action != EW_ACTION_UPDATE) ||
	    !ops->teardown_apply) {
		ew_engine_set_state(e, s, EW_STATE_SKIPPED);
		return 0;
	}
	rc = ops->teardown_apply(run, err);
	/* Gone already (deleted by hand meanwhile) is what we wanted. */
	if (rc && ew_step_is_aws(err, "NoSuchEntity"))
		rc = 0;
	if (rc)
		return rc;
	ew_error_clear(err);
	if (s->action == EW_ACTION_UPDATE) {
		ew_engine_set_detail(s, "updated: %s/%s removed, kept for %s",
				     e->setup->owner, e->setup->repo,
				     s->others);
		ew_engine_set_state(e, s, EW_STATE_UPDATED);
		return 0;
	}
	ew_engine_set_detail(s, "%s", ops->removed ? ops->removed : "deleted");
	ew_engine_set_state(e, s, EW_STATE_DONE);
	return 0;
}
