/*
 * outputs.c - the values to store in GitHub (the role ARN, region,
 * repository: outputs.h).  No request: its check counts the values, its
 * apply reports whether anything they name changed, after every other
 * step.  Nothing to remove in teardown.
 */
#include "step.h"

#include "outputs.h"

static void title(struct ew_engine *e, size_t i)
{
	ew_step_title(&e->steps[i], "GitHub secrets");
}

static int prepare(struct ew_engine *e, size_t i, struct ew_error *err)
{
	return ew_step_arn_of(&ew_step_priv_of(e, i)->role_arn,
			      ew_setup_role_arn, e->setup,
			      ew_setup_target_env(e->setup, 0), err);
}

static int check(struct ew_step_run *run, bool teardown, struct ew_error *err)
{
	struct ew_step *s = &run->e->steps[run->idx];
	struct ew_outputs o;
	struct ew_error ignored;

	(void)teardown;
	(void)err;
	s->action = EW_ACTION_CREATE;
	if (ew_outputs_build(&o, run->e->setup, &ignored) == 0) {
		ew_engine_set_detail(s, "%zu values to store in GitHub",
				     o.nrows);
		ew_outputs_release(&o);
	}
	return 0;
}

static int apply(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	bool changed = false;

	(void)err;
	for (size_t k = 0; k < run->idx; k++)
		changed = changed || (e->steps[k].kind != EW_STEP_IDENTITY &&
				      e->steps[k].state != EW_STATE_UNCHANGED);
	s->action = changed ? EW_ACTION_CREATE : EW_ACTION_UNCHANGED;
	ew_engine_set_state(e, s, changed ? EW_STATE_DONE : EW_STATE_UNCHANGED);
	return 0;
}

static void teardown_check(struct ew_engine *e, size_t i)
{
	struct ew_step *s = &e->steps[i];

	s->action = EW_ACTION_SKIP;
	ew_engine_set_detail(s, "nothing to remove");
}

/* The role ARNs the secrets hold. */
static void cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	(void)i;
	for (size_t t = 0; t < e->nsteps; t++) {
		if (e->steps[t].kind != EW_STEP_ROLE)
			continue;
		if (b->len)
			ew_buf_putc(b, '\n');
		ew_step_cli_iam(b, e, "get-role");
		ew_buf_puts(b, " --role-name ");
		ew_step_cli_quote(b, ew_step_priv_of(e, t)->role_name);
		ew_buf_puts(b, " --query Role.Arn --output text");
	}
}

const struct ew_step_ops ew_step_outputs = {
    .kind = EW_STEP_OUTPUTS,
    .name = "outputs",
    .after_all = true,
    .title = title,
    .prepare = prepare,
    .check = check,
    .local = true,
    .apply = apply,
    .teardown_check = teardown_check,
    .cli = cli,
};
