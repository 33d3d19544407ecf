/*
 * lifecycle.c - the target repository's lifecycle policy (keep the last N
 * images).  Put or replaced on a repository ecr-wizard created; on
 * another's, kept unless --replace-lifecycle.  It goes with its
 * repository in teardown.
 */
#include "step.h"

#include "documents.h"
#include "ecr.h"
#include "json_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void title(struct ew_engine *e, size_t i)
{
	ew_step_title(&e->steps[i], "Lifecycle policy of %s (keep %d images)",
		      ew_step_priv_of(e, i)->repo_name, e->setup->keep_images);
}

static int prepare(struct ew_engine *e, size_t i, struct ew_error *err)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc = ew_step_arn_of(&sp->repo_arn, ew_setup_repository_arn, e->setup,
			    sp->env, err);
	if (!rc)
		rc = ew_doc_lifecycle_policy(&b, e->setup, err);
	if (!rc)
		rc = ew_step_set_desired(s, sp, &b, err);
	if (!rc)
		rc = ew_step_doc_file(s, sp, "lifecycle-policy", err);
	if (!rc)
		snprintf(s->arn, sizeof(s->arn), "%s", sp->repo_arn);
	ew_buf_release(&b);
	return rc;
}

/*
 * The lifecycle policy is about to be put or replaced on a repository that
 * exists.  Expiring images is not ours to decide on a repository someone
 * else made (no managed-by tag): keep what is there unless the user chose
 * --replace-lifecycle.  One ListTagsForResource, only on this path.
 */
static int lifecycle_not_ours(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	bool had = s->action == EW_ACTION_UPDATE;
	struct ew_tags tags;
	int rc;

	ew_tags_init(&tags);
	rc = ew_ecr_list_tags(&tags, &run->c, sp->repo_arn, err);
	if (rc && ew_step_is_aws(err, "RepositoryNotFoundException")) {
		/* Gone since: the repository step creates it, ours. */
		ew_error_clear(err);
		rc = 0;
		goto done;
	}
	if (rc || ew_tags_is_managed(&tags))
		goto done;
	s->conflict = EW_CONFLICT_NOT_OURS;
	snprintf(s->others, sizeof(s->others), "%s", sp->repo_name);
	if (e->setup->replace_lifecycle) {
		s->conflict_resolved = true;
		ew_engine_set_detail(s,
				     "%s on a repository ecr-wizard did not "
				     "create: will be %s (--replace-lifecycle)",
				     had ? "differs" : "none",
				     had ? "replaced" : "put");
		goto done;
	}
	s->action = EW_ACTION_UNCHANGED;
	if (had)
		ew_engine_set_detail(s,
				     "differs, kept: the repository was not "
				     "created by ecr-wizard (pass "
				     "--replace-lifecycle to replace it with "
				     "keep %d)",
				     e->setup->keep_images);
	else
		ew_engine_set_detail(s,
				     "none, none added: the repository was not "
				     "created by ecr-wizard and keep %d would "
				     "expire its older images (pass "
				     "--replace-lifecycle to add it)",
				     e->setup->keep_images);
done:
	ew_tags_release(&tags);
	return rc;
}

static int check_lifecycle(struct ew_step_run *run, bool teardown,
			   struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	char *text = NULL;
	int rc;

	if (teardown) {
		/* It goes with its repository: nothing to read. */
		s->action = EW_ACTION_SKIP;
		return 0;
	}
	rc = ew_ecr_get_lifecycle_policy(&text, &run->c, sp->repo_name, err);
	if (rc && (ew_step_is_aws(err, "RepositoryNotFoundException") ||
		   ew_step_is_aws(err, "LifecyclePolicyNotFoundException"))) {
		bool no_repo =
		    ew_step_is_aws(err, "RepositoryNotFoundException");

		ew_error_clear(err);
		sp->exists = false;
		s->action = EW_ACTION_CREATE;
		ew_engine_set_detail(s, "%s: will be put",
				     no_repo ? "no repository yet" : "none");
		return no_repo ? 0 : lifecycle_not_ours(run, err);
	}
	if (rc)
		return rc;
	sp->exists = true;
	rc = ew_engine_set_current(s, text, err);
	if (!rc && ew_json_doc_equal(text, s->desired_doc)) {
		s->action = EW_ACTION_UNCHANGED;
		ew_engine_set_detail(s, "in place");
	} else if (!rc) {
		s->action = EW_ACTION_UPDATE;
		ew_engine_set_detail(s, "differs: will be replaced");
		rc = lifecycle_not_ours(run, err);
	}
	free(text);
	return rc;
}

static int apply_lifecycle(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	int rc;

	if (s->action != EW_ACTION_CREATE && s->action != EW_ACTION_UPDATE) {
		ew_engine_set_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	rc = ew_ecr_put_lifecycle_policy(&run->c, sp->repo_name, sp->wire_doc,
					 err);
	if (rc)
		return rc;
	ew_engine_set_detail(s, "%s: keep the last %d images",
			     s->action == EW_ACTION_CREATE ? "put" : "replaced",
			     e->setup->keep_images);
	ew_engine_set_state(e, s,
			    s->action == EW_ACTION_CREATE ? EW_STATE_DONE
							  : EW_STATE_UPDATED);
	return 0;
}

static void teardown_check(struct ew_engine *e, size_t i)
{
	struct ew_step *s = &e->steps[i];
	const struct ew_step *r = ew_step_sibling(e, i, EW_STEP_REPOSITORY);

	s->action = EW_ACTION_SKIP;
	ew_engine_set_detail(s, "%s",
			     r && r->action == EW_ACTION_DELETE
				 ? "goes with its repository"
				 : "kept with its repository");
}

static void cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	ew_step_cli_ecr(b, ew_step_priv_of(e, i), "put-lifecycle-policy");
	ew_buf_puts(b, " --lifecycle-policy-text file://");
	ew_step_cli_quote(b, e->steps[i].doc_file);
}

const struct ew_step_ops ew_step_lifecycle = {
    .kind = EW_STEP_LIFECYCLE,
    .name = "lifecycle",
    .per_target = true,
    .deps = {EW_STEP_REPOSITORY},
    .ndeps = 1,
    .title = title,
    .prepare = prepare,
    .check = check_lifecycle,
    .apply = apply_lifecycle,
    /* After the repositories: it follows its repository's fate. */
    .teardown_check = teardown_check,
    .teardown_pass = 1,
    .teardown_rank = 4,
    .cli = cli,
};
