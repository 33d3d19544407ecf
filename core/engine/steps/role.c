/*
 * role.c - the target's IAM role and its trust policy (GitHub's OIDC
 * subjects of the repository).  A trust policy that also names another
 * repository is changed only with --share-role (then the union).
 * Creating it right after the provider may meet IAM's eventual
 * consistency: retried with a bounded back-off.
 */
#include "step.h"

#include "documents.h"
#include "iam.h"
#include "json_doc.h"
#include "sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void title(struct ew_engine *e, size_t i)
{
	ew_step_title(&e->steps[i], "IAM role %s",
		      ew_step_priv_of(e, i)->role_name);
}

static int prepare(struct ew_engine *e, size_t i, struct ew_error *err)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	const struct ew_setup *set = e->setup;
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc =
	    ew_step_arn_of(&sp->role_arn, ew_setup_role_arn, set, sp->env, err);
	if (!rc)
		rc = ew_step_provider_arn(&sp->provider_arn, set, err);
	if (!rc)
		rc = ew_doc_trust_policy(&b, set, sp->env, err);
	if (!rc)
		rc = ew_step_set_desired(s, sp, &b, err);
	if (!rc)
		rc = ew_step_doc_file(s, sp, "trust-policy", err);
	if (!rc)
		snprintf(s->arn, sizeof(s->arn), "%s", sp->role_arn);
	ew_buf_release(&b);
	return rc;
}

static int check_role(struct ew_step_run *run, bool teardown,
		      struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_role r;
	struct ew_sharing sh;
	int rc;

	(void)teardown;
	memset(&r, 0, sizeof(r));
	ew_sharing_init(&sh);
	rc = ew_iam_get_role(&r, &run->c, sp->role_name, err);
	if (rc && ew_step_is_aws(err, "NoSuchEntity")) {
		rc = ew_step_will_create(s, sp, err);
		goto done;
	}
	if (rc)
		goto done;
	sp->exists = true;
	s->is_managed = ew_tags_is_managed(&r.tags);
	/* Teardown too: a role that also serves another repository is
	 * kept (engine_teardown.c). */
	if (ew_sharing_scan_trust(&sh, r.trust_document, sp->provider_arn,
				  e->setup->owner, e->setup->repo))
		rc = ew_error_oom(err);
	if (!rc)
		rc = ew_step_shared_conflict(run, &sh, true, err);
	if (!rc)
		rc = ew_engine_set_current(
		    s, r.trust_document ? r.trust_document : "", err);
	if (rc)
		goto done;
	if (r.trust_document &&
	    ew_json_doc_equal(r.trust_document, s->desired_doc)) {
		s->action = EW_ACTION_UNCHANGED;
		ew_engine_set_detail(
		    s, "exists, same trust policy%s%s%s", ew_step_reused(s),
		    s->others[0] ? ", shared with " : "", s->others);
	} else {
		s->action = EW_ACTION_UPDATE;
		if (s->conflict == EW_CONFLICT_SHARED)
			ew_step_shared_detail(e, s, true);
		else
			ew_engine_set_detail(s,
					     "exists, trust policy differs: "
					     "will be updated%s",
					     ew_step_reused(s));
	}
done:
	ew_sharing_release(&sh);
	ew_iam_role_release(&r);
	return rc;
}

int ew_engine_role_description(struct ew_buf *b, const struct ew_engine *e,
			       const struct ew_step_priv *sp)
{
	(void)sp;
	return ew_buf_printf(b,
			     "Assumed by GitHub Actions in %s/%s through OIDC "
			     "to push to ECR (created by ecr-wizard)",
			     e->setup->owner, e->setup->repo);
}

static bool provider_created(const struct ew_engine *e)
{
	const struct ew_engine_priv *p = e->priv;

	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].kind == EW_STEP_PROVIDER)
			return p->sp[i].created;
	return false;
}

static int apply_role(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_role r;
	struct ew_tags tags;
	struct ew_buf desc;
	int rc, attempt = 1;

	if (s->action == EW_ACTION_UPDATE &&
	    s->conflict == EW_CONFLICT_SHARED && !s->conflict_resolved)
		return ew_step_refuse_shared(e, s, err);
	if (s->action == EW_ACTION_UPDATE) {
		rc = ew_iam_update_assume_role_policy(&run->c, sp->role_name,
						      sp->wire_doc, err);
		if (rc)
			return rc;
		if (s->conflict_resolved)
			ew_engine_set_detail(s,
					     "trust policy updated, shared "
					     "with %s",
					     s->others);
		else
			ew_engine_set_detail(s, "trust policy updated%s",
					     ew_step_reused(s));
		ew_engine_set_state(e, s, EW_STATE_UPDATED);
		return 0;
	}
	if (s->action != EW_ACTION_CREATE) {
		ew_engine_set_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	rc = ew_step_managed_tags(&tags, err);
	if (rc)
		return rc;
	ew_buf_init(&desc);
	if (ew_engine_role_description(&desc, e, sp))
		rc = ew_error_oom(err);
	for (; !rc;) {
		memset(&r, 0, sizeof(r));
		rc = ew_iam_create_role(&r, &run->c, sp->role_name, NULL,
					sp->wire_doc, desc.ptr, 0, &tags, err);
		ew_iam_role_release(&r);
		/* A provider created a moment ago may not be visible to the
		 * policy validator yet (IAM is eventually consistent). */
		if (rc && provider_created(e) &&
		    ew_step_is_aws(err, "MalformedPolicyDocument") &&
		    strstr(err->message, "rincipal")) {
			struct ew_error why = *err;
			int b = ew_engine_backoff(run, attempt++, "iam",
						  "CreateRole", &why);

			if (b == 0) {
				ew_error_clear(err);
				rc = 0;
				ew_engine_count(run, true);
				continue;
			}
			if (b == EW_ECANCEL)
				rc = ew_error_set(err, EW_ECANCEL, "cancelled");
		}
		break;
	}
	ew_buf_release(&desc);
	ew_tags_release(&tags);
	if (rc && ew_step_is_aws(err, "EntityAlreadyExists"))
		return ew_step_recover_exists(run, check_role, apply_role, err);
	if (rc)
		return rc;
	ew_step_finish_created(e, s, sp);
	return 0;
}

/* The trust policy is what apply_role wrote, or the run fails naming
 * the change. */
static int verify_role(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_role r;
	struct ew_error lag;
	int rc, attempt = 1;

	for (;;) {
		memset(&r, 0, sizeof(r));
		rc = ew_iam_get_role(&r, &run->c, sp->role_name, err);
		if (!rc && !(r.trust_document &&
			     ew_json_doc_equal(r.trust_document, sp->wire_doc)))
			rc = ew_step_changed_meanwhile(run, r.trust_document,
						       true, err);
		else if (!rc)
			break;
		ew_iam_role_release(&r);
		if (rc)
			return rc;
		/* Still the trust from before the write: IAM's reads lag. */
		ew_error_clear(&lag);
		ew_error_set(&lag, EW_ERROR, "the write is not visible yet");
		rc = ew_engine_backoff(run, attempt++, "iam", "GetRole", &lag);
		if (rc == EW_ECANCEL)
			return ew_error_set(err, EW_ECANCEL, "cancelled");
		if (rc)
			return ew_error_set(
			    err, EW_ERROR,
			    "'%s': IAM still returns the trust policy "
			    "from before this apply's write: "
			    "run apply again",
			    run->e->steps[run->idx].title);
	}
	ew_iam_role_release(&r);
	return 0;
}

static void teardown_check(struct ew_engine *e, size_t i)
{
	ew_step_decide_owned(e, i, "", "subjects");
}

static int teardown_apply(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_step_priv *sp = ew_step_run_priv(run);

	/* Shared: only this repository's subjects go. */
	if (run->e->steps[run->idx].action == EW_ACTION_UPDATE)
		return ew_iam_update_assume_role_policy(&run->c, sp->role_name,
							sp->wire_doc, err);
	return ew_iam_delete_role(&run->c, sp->role_name, err);
}

static void cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	struct ew_buf d;

	if (e->steps[i].action == EW_ACTION_UPDATE) {
		ew_step_cli_iam(b, e, "update-assume-role-policy");
		ew_buf_puts(b, " --role-name ");
		ew_step_cli_quote(b, sp->role_name);
		ew_buf_puts(b, " --policy-document file://");
		ew_step_cli_quote(b, e->steps[i].doc_file);
		return;
	}
	ew_step_cli_iam(b, e, "create-role");
	ew_buf_puts(b, " --role-name ");
	ew_step_cli_quote(b, sp->role_name);
	ew_buf_puts(b, " --assume-role-policy-document file://");
	ew_step_cli_quote(b, e->steps[i].doc_file);
	ew_buf_init(&d);
	ew_engine_role_description(&d, e, sp);
	ew_buf_puts(b, " --description ");
	ew_step_cli_quote(b, d.ptr);
	ew_buf_release(&d);
	ew_buf_puts(b, EW_STEP_CLI_TAGS);
}

static void teardown_cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	if (e->steps[i].action == EW_ACTION_UPDATE) {
		cli(e, i, b);
		return;
	}
	ew_step_cli_iam(b, e, "delete-role");
	ew_buf_puts(b, " --role-name ");
	ew_step_cli_quote(b, ew_step_priv_of(e, i)->role_name);
}

const struct ew_step_ops ew_step_role = {
    .kind = EW_STEP_ROLE,
    .name = "role",
    .per_target = true,
    .deps = {EW_STEP_PROVIDER},
    .ndeps = 1,
    .title = title,
    .prepare = prepare,
    .check = check_role,
    .apply = apply_role,
    .verify = verify_role,
    .teardown_check = teardown_check,
    .teardown_apply = teardown_apply,
    .teardown_rank = 3,
    .removed = "deleted",
    .cli = cli,
    .teardown_cli = teardown_cli,
};
