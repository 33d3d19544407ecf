/*
 * engine_cli.c - the aws CLI command(s) equivalent to each step, so a plan
 * can be printed as a script a person could run instead.  Each step file
 * (steps/) renders its own; documents are read from the files named in
 * the step (file://trust-policy.json ...), which the front-end writes next
 * to the script.  Every argument that comes from user input is
 * shell-quoted.
 *
 * The commands send what the step's apply sends (the same names, settings,
 * descriptions and managed-by tag), so the script run against a fresh
 * account leaves the state apply would leave; docs/plan-script.md says how
 * that is checked.  Every command names its region: the aws CLI would
 * otherwise fall back on whatever default the user's profile has, and
 * fail without one.  IAM and STS commands use the partition's IAM region
 * (us-east-1, cn-north-1, us-gov-west-1), ECR commands the target's.
 */
#include "engine_priv.h"

#include "outputs.h"
#include "partition.h"
#include "step.h"

void ew_step_cli_quote(struct ew_buf *b, const char *s)
{
	ew_shell_quote(b, s ? s : "");
}

/* " --region R" with the partition's IAM region, for iam and sts. */
void ew_step_cli_iam_region(struct ew_buf *b, const struct ew_engine *e)
{
	const struct ew_partition *p =
	    ew_partition_for_region(e->setup->region);

	ew_buf_puts(b, " --region ");
	ew_step_cli_quote(b, p ? p->iam_signing_region : e->setup->region);
}

/* "aws iam OPERATION --region R". */
void ew_step_cli_iam(struct ew_buf *b, const struct ew_engine *e,
		     const char *op)
{
	ew_buf_printf(b, "aws iam %s", op);
	ew_step_cli_iam_region(b, e);
}

/* "aws ecr OPERATION --region R --repository-name NAME". */
void ew_step_cli_ecr(struct ew_buf *b, const struct ew_step_priv *sp,
		     const char *op)
{
	ew_buf_printf(b, "aws ecr %s --region ", op);
	ew_step_cli_quote(b, sp->region);
	ew_buf_puts(b, " --repository-name ");
	ew_step_cli_quote(b, sp->repo_name);
}

int ew_engine_cli(struct ew_engine *e, size_t i, bool teardown)
{
	struct ew_step *s = &e->steps[i];
	const struct ew_step_ops *ops = ew_step_ops_of(s->kind);
	struct ew_buf *b = &s->cli;

	ew_buf_clear(b);
	/* Teardown shows the commands of what it deletes; a step it never
	 * removes (rank 0: the identity) shows its read whatever the
	 * decision. */
	if (!teardown && ops->cli)
		ops->cli(e, i, b);
	else if (teardown && ops->teardown_cli &&
		 (s->action == EW_ACTION_DELETE ||
		  s->action == EW_ACTION_UPDATE || !ops->teardown_rank))
		ops->teardown_cli(e, i, b);
	return 0;
}
