/*
 * engine_cli.c - the aws CLI command(s) equivalent to each step, so a plan
 * can be printed as a script a person could run instead.  Documents are
 * read from the files named in the step (file://trust-policy.json ...),
 * which the front-end writes next to the script.  Every argument that
 * comes from user input is shell-quoted.
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

#include <string.h>

#define TAGS " --tags Key=managed-by,Value=ecr-wizard"

static void q(struct ew_buf *b, const char *s)
{
	ew_shell_quote(b, s ? s : "");
}

/* " --region R" with the partition's IAM region, for iam and sts. */
static void iam_region(struct ew_buf *b, const struct ew_engine *e)
{
	const struct ew_partition *p =
	    ew_partition_for_region(e->setup->region);

	ew_buf_puts(b, " --region ");
	q(b, p ? p->iam_signing_region : e->setup->region);
}

/* "aws iam OPERATION --region R". */
static void iam(struct ew_buf *b, const struct ew_engine *e, const char *op)
{
	ew_buf_printf(b, "aws iam %s", op);
	iam_region(b, e);
}

/* "aws ecr OPERATION --region R --repository-name NAME". */
static void ecr(struct ew_buf *b, const struct ew_step_priv *sp, const char *op)
{
	ew_buf_printf(b, "aws ecr %s --region ", op);
	q(b, sp->region);
	ew_buf_puts(b, " --repository-name ");
	q(b, sp->repo_name);
}

/* The exclusion filters as the CLI's shorthand, one per filter, in the
 * form the apply sends them (WILDCARD filters). */
static void exclusions(struct ew_buf *b, const struct ew_setup *set)
{
	if (!set->ntag_exclusions)
		return;
	ew_buf_puts(b, " --image-tag-mutability-exclusion-filters");
	for (size_t i = 0; i < set->ntag_exclusions; i++) {
		struct ew_buf f;

		ew_buf_init(&f);
		ew_buf_printf(&f, "filterType=WILDCARD,filter=%s",
			      set->tag_exclusions[i]);
		ew_buf_putc(b, ' ');
		q(b, f.ptr);
		ew_buf_release(&f);
	}
}

static void description(struct ew_buf *b, const struct ew_engine *e,
			const struct ew_step_priv *sp, bool role)
{
	struct ew_buf d;

	ew_buf_init(&d);
	if (role)
		ew_engine_role_description(&d, e, sp);
	else
		ew_engine_policy_description(&d, e, sp);
	ew_buf_puts(b, " --description ");
	q(b, d.ptr);
	ew_buf_release(&d);
}

static void setup_cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = &((struct ew_engine_priv *)e->priv)->sp[i];
	const struct ew_partition *p =
	    ew_partition_for_region(e->setup->region);
	const char *aud = p ? p->audience : "sts.amazonaws.com";
	bool update = s->action == EW_ACTION_UPDATE;

	switch (s->kind) {
	case EW_STEP_IDENTITY:
		/* The script checks the account against the one its ARNs
		 * name (see ew_cli_script), so it prints the account only. */
		ew_buf_puts(b, "aws sts get-caller-identity");
		iam_region(b, e);
		ew_buf_puts(b, " --query Account --output text");
		break;
	case EW_STEP_PROVIDER:
		if (update) {
			iam(b, e, "add-client-id-to-open-id-connect-provider");
			ew_buf_puts(b, " --open-id-connect-provider-arn ");
			q(b, sp->provider_arn);
			ew_buf_puts(b, " --client-id ");
			q(b, aud);
		} else {
			/* No thumbprint, like the apply: IAM no longer uses
			 * one for GitHub's issuer. */
			iam(b, e, "create-open-id-connect-provider");
			ew_buf_puts(b, " --url "
				       "https://token.actions.githubusercontent"
				       ".com --client-id-list ");
			q(b, aud);
			ew_buf_puts(b, TAGS);
		}
		break;
	case EW_STEP_REPOSITORY:
		ecr(b, sp, "create-repository");
		ew_buf_printf(b, " --image-tag-mutability %s",
			      ew_tag_mutability_name(e->setup->tag_mutability));
		exclusions(b, e->setup);
		ew_buf_printf(b,
			      " --image-scanning-configuration scanOnPush=%s "
			      "--encryption-configuration "
			      "encryptionType=AES256" TAGS,
			      e->setup->scan_on_push ? "true" : "false");
		break;
	case EW_STEP_LIFECYCLE:
		ecr(b, sp, "put-lifecycle-policy");
		ew_buf_puts(b, " --lifecycle-policy-text file://");
		q(b, s->doc_file);
		break;
	case EW_STEP_POLICY:
		if (update) {
			/* IAM keeps five versions at most: make room as the
			 * apply does, by deleting the oldest non-default. */
			ew_buf_puts(b, "if [ \"$(");
			iam(b, e, "list-policy-versions");
			ew_buf_puts(b, " --policy-arn ");
			q(b, sp->policy_arn);
			ew_buf_puts(b, " --query 'length(Versions)' --output "
				       "text)\" -ge 5 ]; then\n\t");
			iam(b, e, "delete-policy-version");
			ew_buf_puts(b, " --policy-arn ");
			q(b, sp->policy_arn);
			ew_buf_puts(b, " --version-id \"$(");
			iam(b, e, "list-policy-versions");
			ew_buf_puts(b, " --policy-arn ");
			q(b, sp->policy_arn);
			ew_buf_puts(b, " --query 'sort_by(Versions[?!IsDefault"
				       "Version], &CreateDate)[0].VersionId' "
				       "--output text)\"\nfi\n");
			iam(b, e, "create-policy-version");
			ew_buf_puts(b, " --policy-arn ");
			q(b, sp->policy_arn);
			ew_buf_puts(b, " --policy-document file://");
			q(b, s->doc_file);
			ew_buf_puts(b, " --set-as-default");
		} else {
			iam(b, e, "create-policy");
			ew_buf_puts(b, " --policy-name ");
			q(b, sp->policy_name);
			ew_buf_puts(b, " --policy-document file://");
			q(b, s->doc_file);
			description(b, e, sp, false);
			ew_buf_puts(b, TAGS);
		}
		break;
	case EW_STEP_ROLE:
		if (update) {
			iam(b, e, "update-assume-role-policy");
			ew_buf_puts(b, " --role-name ");
			q(b, sp->role_name);
			ew_buf_puts(b, " --policy-document file://");
			q(b, s->doc_file);
		} else {
			iam(b, e, "create-role");
			ew_buf_puts(b, " --role-name ");
			q(b, sp->role_name);
			ew_buf_puts(b,
				    " --assume-role-policy-document file://");
			q(b, s->doc_file);
			description(b, e, sp, true);
			ew_buf_puts(b, TAGS);
		}
		break;
	case EW_STEP_ATTACH:
		iam(b, e, "attach-role-policy");
		ew_buf_puts(b, " --role-name ");
		q(b, sp->role_name);
		ew_buf_puts(b, " --policy-arn ");
		q(b, sp->policy_arn);
		break;
	case EW_STEP_OUTPUTS:
		for (size_t t = 0; t < e->nsteps; t++) {
			const struct ew_step_priv *r =
			    &((struct ew_engine_priv *)e->priv)->sp[t];

			if (e->steps[t].kind != EW_STEP_ROLE)
				continue;
			if (b->len)
				ew_buf_putc(b, '\n');
			iam(b, e, "get-role");
			ew_buf_puts(b, " --role-name ");
			q(b, r->role_name);
			ew_buf_puts(b, " --query Role.Arn --output text");
		}
		break;
	}
}

static void teardown_cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = &((struct ew_engine_priv *)e->priv)->sp[i];

	if (s->kind == EW_STEP_IDENTITY) {
		ew_buf_puts(b, "aws sts get-caller-identity");
		iam_region(b, e);
		ew_buf_puts(b, " --query Account --output text");
		return;
	}
	if (s->action != EW_ACTION_DELETE)
		return;
	switch (s->kind) {
	case EW_STEP_ATTACH:
		iam(b, e, "detach-role-policy");
		ew_buf_puts(b, " --role-name ");
		q(b, sp->role_name);
		ew_buf_puts(b, " --policy-arn ");
		q(b, sp->policy_arn);
		break;
	case EW_STEP_POLICY:
		ew_buf_puts(b, "for v in $(");
		iam(b, e, "list-policy-versions");
		ew_buf_puts(b, " --policy-arn ");
		q(b, sp->policy_arn);
		ew_buf_puts(b, " --query 'Versions[?!IsDefaultVersion]."
			       "VersionId' --output text); do ");
		iam(b, e, "delete-policy-version");
		ew_buf_puts(b, " --policy-arn ");
		q(b, sp->policy_arn);
		ew_buf_puts(b, " --version-id \"$v\"; done\n");
		iam(b, e, "delete-policy");
		ew_buf_puts(b, " --policy-arn ");
		q(b, sp->policy_arn);
		break;
	case EW_STEP_ROLE:
		iam(b, e, "delete-role");
		ew_buf_puts(b, " --role-name ");
		q(b, sp->role_name);
		break;
	case EW_STEP_REPOSITORY:
		ecr(b, sp, "delete-repository");
		if (((struct ew_engine_priv *)e->priv)->force)
			ew_buf_puts(b, " --force");
		break;
	case EW_STEP_PROVIDER:
		iam(b, e, "delete-open-id-connect-provider");
		ew_buf_puts(b, " --open-id-connect-provider-arn ");
		q(b, sp->provider_arn);
		break;
	default:
		break;
	}
}

int ew_engine_cli(struct ew_engine *e, size_t i, bool teardown)
{
	struct ew_buf *b = &e->steps[i].cli;

	ew_buf_clear(b);
	if (teardown)
		teardown_cli(e, i, b);
	else
		setup_cli(e, i, b);
	return 0;
}
