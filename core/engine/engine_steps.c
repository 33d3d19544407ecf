/*
 * engine_steps.c - one step's prepare, check and apply, through the step
 * table (steps/step.h): what each kind reads and writes lives in its own
 * file under steps/.  Checks only read; applies act on what the check
 * decided and are idempotent: a resource found in place is left alone.
 */
#include "engine_priv.h"

#include "diff.h"
#include "json_doc.h"
#include "step.h"

#include <stdlib.h>

int ew_engine_prepare_step(struct ew_engine *e, size_t i, struct ew_error *err)
{
	const struct ew_step_ops *ops = ew_step_ops_of(e->steps[i].kind);

	return ops->prepare ? ops->prepare(e, i, err) : 0;
}

int ew_engine_set_current(struct ew_step *s, const char *current,
			  struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	if (ew_json_doc_pretty(&b, current, NULL) != 0) {
		/* Not JSON: show it as it is. */
		ew_buf_clear(&b);
		if (ew_buf_puts(&b, current))
			return ew_error_oom(err);
	}
	rc = ew_step_take(&s->current_doc, &b, err);
	ew_buf_release(&b);
	if (rc)
		return rc;
	ew_buf_clear(&s->diff);
	if (s->desired_doc && !ew_json_doc_equal(current, s->desired_doc))
		rc = ew_diff_unified(&s->diff, s->current_doc, s->desired_doc,
				     "current (in AWS)", "desired (ecr-wizard)",
				     NULL, err);
	return rc;
}

int ew_engine_check_step(struct ew_step_run *run, bool teardown,
			 struct ew_error *err)
{
	struct ew_step *s = &run->e->steps[run->idx];
	struct ew_step_priv *sp =
	    &((struct ew_engine_priv *)run->e->priv)->sp[run->idx];
	const struct ew_step_ops *ops = ew_step_ops_of(s->kind);

	s->is_managed = false;
	s->conflict = EW_CONFLICT_NONE;
	s->conflict_resolved = false;
	s->others[0] = '\0';
	sp->exists = false;
	sp->has_images = false;
	ew_buf_clear(&sp->trusted_by);
	return ops->check ? ops->check(run, teardown, err) : 0;
}

int ew_engine_apply_step(struct ew_step_run *run, struct ew_error *err)
{
	const struct ew_step_ops *ops =
	    ew_step_ops_of(run->e->steps[run->idx].kind);

	return ops->apply ? ops->apply(run, err) : 0;
}
