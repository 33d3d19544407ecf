/*
 * attach.c - the permissions policy attached to the role (per target).
 * Retried with a bounded back-off while IAM does not know a role or
 * policy created a moment ago; detached in teardown when either of them
 * goes.
 */
#include "step.h"

#include "iam.h"

#include <stdio.h>
#include <string.h>

static void title(struct ew_engine *e, size_t i)
{
	struct ew_step_priv *sp = ew_step_priv_of(e, i);

	ew_step_title(&e->steps[i], "Attach %s to %s", sp->policy_name,
		      sp->role_name);
}

static int prepare(struct ew_engine *e, size_t i, struct ew_error *err)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	int rc;

	rc = ew_step_arn_of(&sp->role_arn, ew_setup_role_arn, e->setup, sp->env,
			    err);
	if (!rc)
		rc = ew_step_arn_of(&sp->policy_arn, ew_setup_policy_arn,
				    e->setup, sp->env, err);
	if (!rc)
		snprintf(s->arn, sizeof(s->arn), "%s", sp->policy_arn);
	return rc;
}

static int check_attach(struct ew_step_run *run, bool teardown,
			struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_attached_policies l;
	bool found = false;
	int rc;

	(void)teardown;
	memset(&l, 0, sizeof(l));
	rc =
	    ew_iam_list_attached_role_policies(&l, &run->c, sp->role_name, err);
	if (rc && ew_step_is_aws(err, "NoSuchEntity")) {
		ew_error_clear(err);
		sp->exists = false;
		s->action = EW_ACTION_CREATE;
		ew_engine_set_detail(s, "role not there yet: will attach");
		return 0;
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < l.n; i++)
		found = found ||
			(l.v[i].arn && strcmp(l.v[i].arn, sp->policy_arn) == 0);
	ew_iam_attached_policies_release(&l);
	sp->exists = found;
	s->is_managed = true;
	s->action = found ? EW_ACTION_UNCHANGED : EW_ACTION_CREATE;
	ew_engine_set_detail(s, "%s",
			     found ? "attached" : "not attached: will attach");
	return 0;
}

static int apply_attach(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	int rc, attempt = 1;

	if (s->action != EW_ACTION_CREATE) {
		ew_engine_set_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	for (;;) {
		struct ew_error why;
		int b;

		rc = ew_iam_attach_role_policy(&run->c, sp->role_name,
					       sp->policy_arn, err);
		if (!rc || !ew_step_is_aws(err, "NoSuchEntity"))
			break;
		/* Right after CreateRole/CreatePolicy IAM may not know them
		 * yet: wait and try again, a bounded number of times. */
		why = *err;
		b = ew_engine_backoff(run, attempt++, "iam", "AttachRolePolicy",
				      &why);
		if (b == EW_ECANCEL)
			return ew_error_set(err, EW_ECANCEL, "cancelled");
		if (b)
			break;
	}
	if (rc)
		return rc;
	ew_engine_set_detail(s, "attached");
	ew_engine_set_state(e, s, EW_STATE_DONE);
	return 0;
}

static void teardown_check(struct ew_engine *e, size_t i)
{
	struct ew_step *s = &e->steps[i];
	const struct ew_step *a = ew_step_sibling(e, i, EW_STEP_ROLE);
	const struct ew_step *b = ew_step_sibling(e, i, EW_STEP_POLICY);

	if (!ew_step_priv_of(e, i)->exists) {
		s->action = EW_ACTION_SKIP;
		ew_engine_set_detail(s, "not attached: nothing to detach");
	} else if ((a && a->action == EW_ACTION_DELETE) ||
		   (b && b->action == EW_ACTION_DELETE)) {
		s->action = EW_ACTION_DELETE;
		ew_engine_set_detail(s, "will be detached");
	} else if ((a && a->action == EW_ACTION_UPDATE) ||
		   (b && b->action == EW_ACTION_UPDATE)) {
		ew_step_keep(s, "the role and the policy still serve other "
				"repositories");
	} else {
		ew_step_keep(s, "neither the role nor the policy is "
				"ecr-wizard's");
	}
}

static int teardown_apply(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_step_priv *sp = ew_step_run_priv(run);

	return ew_iam_detach_role_policy(&run->c, sp->role_name, sp->policy_arn,
					 err);
}

static void cli(struct ew_engine *e, size_t i, struct ew_buf *b, const char *op)
{
	struct ew_step_priv *sp = ew_step_priv_of(e, i);

	ew_step_cli_iam(b, e, op);
	ew_buf_puts(b, " --role-name ");
	ew_step_cli_quote(b, sp->role_name);
	ew_buf_puts(b, " --policy-arn ");
	ew_step_cli_quote(b, sp->policy_arn);
}

static void attach_cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	cli(e, i, b, "attach-role-policy");
}

static void detach_cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	cli(e, i, b, "detach-role-policy");
}

const struct ew_step_ops ew_step_attach = {
    .kind = EW_STEP_ATTACH,
    .name = "attach",
    .per_target = true,
    .deps = {EW_STEP_ROLE, EW_STEP_POLICY},
    .ndeps = 2,
    .title = title,
    .prepare = prepare,
    .check = check_attach,
    .apply = apply_attach,
    /* After the roles and policies: detached when either goes. */
    .teardown_check = teardown_check,
    .teardown_pass = 1,
    .teardown_apply = teardown_apply,
    .teardown_rank = 1,
    .removed = "detached",
    .cli = attach_cli,
    .teardown_cli = detach_cli,
};
