/*
 * identity.c - the caller's identity (sts:GetCallerIdentity) and the
 * account check.  engine.c runs it first, before the other steps are
 * prepared (they need the account for their ARNs); this row gives its
 * title and its aws CLI command, the same for setup and teardown.
 */
#include "step.h"

static void title(struct ew_engine *e, size_t i)
{
	ew_step_title(&e->steps[i], "AWS identity");
}

/* The script checks the account against the one its ARNs name (see
 * ew_cli_script), so it prints the account only. */
static void cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	(void)i;
	ew_buf_puts(b, "aws sts get-caller-identity");
	ew_step_cli_iam_region(b, e);
	ew_buf_puts(b, " --query Account --output text");
}

const struct ew_step_ops ew_step_identity = {
    .kind = EW_STEP_IDENTITY,
    .name = "identity",
    .title = title,
    .cli = cli,
    .teardown_cli = cli,
};
