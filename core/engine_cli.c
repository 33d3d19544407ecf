/*
 * engine_cli.c - the aws CLI command(s) equivalent to each step, so a plan
 * can be printed as a script a person could run instead.  Documents are
 * read from the files named in the step (file://trust-policy.json ...),
 * which the front-end writes next to the script.  Every argument that
 * comes from user input is shell-quoted.
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
		ew_buf_puts(b, "aws sts get-caller-identity");
		break;
	case EW_STEP_PROVIDER:
		if (update) {
			ew_buf_puts(b, "aws iam add-client-id-to-open-id-"
				       "connect-provider "
				       "--open-id-connect-provider-arn ");
			q(b, sp->provider_arn);
			ew_buf_puts(b, " --client-id ");
			q(b, aud);
		} else {
			ew_buf_puts(b,
				    "aws iam create-open-id-connect-provider "
				    "--url "
				    "https://token.actions.githubusercontent"
				    ".com --client-id-list ");
			q(b, aud);
			ew_buf_puts(b, TAGS);
		}
		break;
	case EW_STEP_REPOSITORY:
		ew_buf_puts(b, "aws ecr create-repository --region ");
		q(b, sp->region);
		ew_buf_puts(b, " --repository-name ");
		q(b, sp->repo_name);
		ew_buf_printf(
		    b,
		    " --image-tag-mutability %s --image-scanning-configuration "
		    "scanOnPush=%s --encryption-configuration "
		    "encryptionType=AES256" TAGS,
		    ew_tag_mutability_name(e->setup->tag_mutability),
		    e->setup->scan_on_push ? "true" : "false");
		break;
	case EW_STEP_LIFECYCLE:
		ew_buf_puts(b, "aws ecr put-lifecycle-policy --region ");
		q(b, sp->region);
		ew_buf_puts(b, " --repository-name ");
		q(b, sp->repo_name);
		ew_buf_puts(b, " --lifecycle-policy-text file://");
		q(b, s->doc_file);
		break;
	case EW_STEP_POLICY:
		if (update) {
			ew_buf_puts(b, "# at five versions first: aws iam "
				       "delete-policy-version --policy-arn ");
			q(b, sp->policy_arn);
			ew_buf_puts(b, " --version-id OLDEST_NON_DEFAULT\n"
				       "aws iam create-policy-version "
				       "--policy-arn ");
			q(b, sp->policy_arn);
			ew_buf_puts(b, " --policy-document file://");
			q(b, s->doc_file);
			ew_buf_puts(b, " --set-as-default");
		} else {
			ew_buf_puts(b, "aws iam create-policy --policy-name ");
			q(b, sp->policy_name);
			ew_buf_puts(b, " --policy-document file://");
			q(b, s->doc_file);
			ew_buf_puts(b, TAGS);
		}
		break;
	case EW_STEP_ROLE:
		if (update) {
			ew_buf_puts(b, "aws iam update-assume-role-policy "
				       "--role-name ");
			q(b, sp->role_name);
			ew_buf_puts(b, " --policy-document file://");
			q(b, s->doc_file);
		} else {
			ew_buf_puts(b, "aws iam create-role --role-name ");
			q(b, sp->role_name);
			ew_buf_puts(b,
				    " --assume-role-policy-document file://");
			q(b, s->doc_file);
			ew_buf_puts(b, TAGS);
		}
		break;
	case EW_STEP_ATTACH:
		ew_buf_puts(b, "aws iam attach-role-policy --role-name ");
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
			ew_buf_puts(b, "aws iam get-role --role-name ");
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
		return;
	}
	if (s->action != EW_ACTION_DELETE)
		return;
	switch (s->kind) {
	case EW_STEP_ATTACH:
		ew_buf_puts(b, "aws iam detach-role-policy --role-name ");
		q(b, sp->role_name);
		ew_buf_puts(b, " --policy-arn ");
		q(b, sp->policy_arn);
		break;
	case EW_STEP_POLICY:
		ew_buf_puts(b, "for v in $(aws iam list-policy-versions "
			       "--policy-arn ");
		q(b, sp->policy_arn);
		ew_buf_puts(b, " --query 'Versions[?!IsDefaultVersion]."
			       "VersionId' --output text); do aws iam "
			       "delete-policy-version --policy-arn ");
		q(b, sp->policy_arn);
		ew_buf_puts(b, " --version-id \"$v\"; done\n"
			       "aws iam delete-policy --policy-arn ");
		q(b, sp->policy_arn);
		break;
	case EW_STEP_ROLE:
		ew_buf_puts(b, "aws iam delete-role --role-name ");
		q(b, sp->role_name);
		break;
	case EW_STEP_REPOSITORY:
		ew_buf_puts(b, "aws ecr delete-repository --region ");
		q(b, sp->region);
		ew_buf_puts(b, " --repository-name ");
		q(b, sp->repo_name);
		if (((struct ew_engine_priv *)e->priv)->force)
			ew_buf_puts(b, " --force");
		break;
	case EW_STEP_PROVIDER:
		ew_buf_puts(b, "aws iam delete-open-id-connect-provider "
			       "--open-id-connect-provider-arn ");
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
