/*
 * repository.c - the target's ECR repository: created with the chosen
 * tag mutability, scan on push and AES256 encryption; one found in place
 * is reused as is (its settings are reported, not changed).  Teardown
 * deletes it when ours, and only with --force while it holds images.
 */
#include "step.h"

#include "ecr.h"
#include "tags.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *repo_doc(const char *name, const char *mutability,
		       bool scan_on_push, const char *encryption)
{
	cJSON *o = cJSON_CreateObject(), *sc, *enc;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "repositoryName", name);
	cJSON_AddStringToObject(o, "imageTagMutability", mutability);
	sc = cJSON_AddObjectToObject(o, "imageScanningConfiguration");
	if (sc)
		cJSON_AddBoolToObject(sc, "scanOnPush", scan_on_push);
	enc = cJSON_AddObjectToObject(o, "encryptionConfiguration");
	if (enc)
		cJSON_AddStringToObject(enc, "encryptionType", encryption);
	return o;
}

static void title(struct ew_engine *e, size_t i)
{
	struct ew_step_priv *sp = ew_step_priv_of(e, i);

	ew_step_title(&e->steps[i], "ECR repository %s (%s)", sp->repo_name,
		      sp->region);
}

static int prepare(struct ew_engine *e, size_t i, struct ew_error *err)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	const struct ew_setup *set = e->setup;
	int rc;

	rc = ew_step_arn_of(&sp->repo_arn, ew_setup_repository_arn, set,
			    sp->env, err);
	if (!rc)
		rc = ew_step_set_desired_json(
		    s, sp,
		    repo_doc(sp->repo_name,
			     ew_tag_mutability_name(set->tag_mutability),
			     set->scan_on_push, "AES256"),
		    err);
	if (!rc)
		snprintf(s->arn, sizeof(s->arn), "%s", sp->repo_arn);
	return rc;
}

static int check_repository(struct ew_step_run *run, bool teardown,
			    struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	const struct ew_setup *set = e->setup;
	struct ew_ecr_repository r;
	struct ew_tags tags;
	struct ew_buf diffs;
	const char *want_mut = ew_tag_mutability_name(set->tag_mutability);
	cJSON *cur;
	char *curtext = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	ew_tags_init(&tags);
	ew_buf_init(&diffs);
	rc = ew_ecr_describe_repository(&r, &run->c, sp->repo_name, err);
	if (rc && ew_step_is_aws(err, "RepositoryNotFoundException")) {
		rc = ew_step_will_create(s, sp, err);
		goto done;
	}
	if (rc)
		goto done;
	sp->exists = true;
	cur = repo_doc(r.name ? r.name : sp->repo_name,
		       r.tag_mutability ? r.tag_mutability : "MUTABLE",
		       r.scan_on_push,
		       r.encryption_type ? r.encryption_type : "AES256");
	curtext = cur ? cJSON_PrintUnformatted(cur) : NULL;
	cJSON_Delete(cur);
	if (!curtext) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = ew_engine_set_current(s, curtext, err);
	if (rc)
		goto done;
	rc =
	    ew_ecr_list_tags(&tags, &run->c, r.arn ? r.arn : sp->repo_arn, err);
	if (rc)
		goto done;
	s->is_managed = ew_tags_is_managed(&tags);

	if (r.tag_mutability && strcmp(r.tag_mutability, want_mut) != 0)
		ew_buf_printf(&diffs, "; tag mutability is %s (chose %s)",
			      r.tag_mutability, want_mut);
	if (r.scan_on_push != set->scan_on_push)
		ew_buf_printf(&diffs, "; scan on push is %s (chose %s)",
			      r.scan_on_push ? "on" : "off",
			      set->scan_on_push ? "on" : "off");
	if (r.encryption_type && strcmp(r.encryption_type, "AES256") != 0)
		ew_buf_printf(&diffs,
			      "; encryption is %s (kept: encryption cannot "
			      "change)",
			      r.encryption_type);
	s->action = EW_ACTION_UNCHANGED;
	ew_engine_set_detail(s, "exists%s%s%s", ew_step_reused(s), diffs.ptr,
			     diffs.len ? "; settings not changed" : "");
	if (teardown && s->is_managed)
		rc = ew_ecr_has_images(&sp->has_images, &run->c, sp->repo_name,
				       err);
done:
	free(curtext);
	ew_buf_release(&diffs);
	ew_tags_release(&tags);
	ew_ecr_repository_release(&r);
	return rc;
}

static int apply_repository(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_ecr_repository_options o;
	struct ew_tags tags;
	int rc;

	if (s->action != EW_ACTION_CREATE) {
		ew_engine_set_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	rc = ew_step_managed_tags(&tags, err);
	if (rc)
		return rc;
	memset(&o, 0, sizeof(o));
	o.tag_mutability = ew_tag_mutability_name(e->setup->tag_mutability);
	o.scan_on_push = e->setup->scan_on_push;
	o.tag_exclusions = (const char *const *)e->setup->tag_exclusions;
	o.ntag_exclusions = e->setup->ntag_exclusions;
	o.encryption_type = "AES256";
	o.tags = &tags;
	rc = ew_ecr_create_repository(NULL, &run->c, sp->repo_name, &o, err);
	ew_tags_release(&tags);
	if (rc && ew_step_is_aws(err, "RepositoryAlreadyExistsException")) {
		/* Created by someone else since the check: fine. */
		ew_error_clear(err);
		ew_engine_set_detail(s, "exists (created since the check)");
		ew_engine_set_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	if (rc)
		return rc;
	ew_step_finish_created(e, s, sp);
	return 0;
}

static void teardown_check(struct ew_engine *e, size_t i)
{
	struct ew_step *s = &e->steps[i];
	bool images = ew_step_priv_of(e, i)->has_images;

	ew_step_decide_owned(e, i, images ? ", images included (--force)" : "",
			     "repository ARN");
	if (s->action == EW_ACTION_DELETE && images &&
	    !((struct ew_engine_priv *)e->priv)->force)
		ew_step_keep(s, "it holds images (pass --force to delete them "
				"too)");
}

static int teardown_apply(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine_priv *p = run->e->priv;
	int rc;

	rc = ew_ecr_delete_repository(&run->c, ew_step_run_priv(run)->repo_name,
				      p->force, err);
	if (rc && ew_step_is_aws(err, "RepositoryNotFoundException"))
		rc = 0;
	return rc;
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
		ew_step_cli_quote(b, f.ptr);
		ew_buf_release(&f);
	}
}

static void cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	ew_step_cli_ecr(b, ew_step_priv_of(e, i), "create-repository");
	ew_buf_printf(b, " --image-tag-mutability %s",
		      ew_tag_mutability_name(e->setup->tag_mutability));
	exclusions(b, e->setup);
	ew_buf_printf(b,
		      " --image-scanning-configuration scanOnPush=%s "
		      "--encryption-configuration "
		      "encryptionType=AES256" EW_STEP_CLI_TAGS,
		      e->setup->scan_on_push ? "true" : "false");
}

static void teardown_cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	ew_step_cli_ecr(b, ew_step_priv_of(e, i), "delete-repository");
	if (((struct ew_engine_priv *)e->priv)->force)
		ew_buf_puts(b, " --force");
}

const struct ew_step_ops ew_step_repository = {
    .kind = EW_STEP_REPOSITORY,
    .name = "repository",
    .per_target = true,
    .title = title,
    .prepare = prepare,
    .check = check_repository,
    .apply = apply_repository,
    .teardown_check = teardown_check,
    .teardown_apply = teardown_apply,
    .teardown_rank = 5,
    .removed = "deleted",
    .cli = cli,
    .teardown_cli = teardown_cli,
};
