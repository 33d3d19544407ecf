/*
 * policy.c - the target's IAM permissions policy (push to its ECR
 * repository).  A policy that differs gets a new default version (IAM
 * keeps five: the oldest non-default makes room), and older versions
 * that grant more are pruned on a policy ecr-wizard created.  One that
 * also serves another repository is changed only with --share-role.
 * Teardown deletes it with all its versions.
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
	ew_step_title(&e->steps[i], "IAM policy %s",
		      ew_step_priv_of(e, i)->policy_name);
}

static int prepare(struct ew_engine *e, size_t i, struct ew_error *err)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	const struct ew_setup *set = e->setup;
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc = ew_step_arn_of(&sp->policy_arn, ew_setup_policy_arn, set, sp->env,
			    err);
	if (!rc)
		rc = ew_step_arn_of(&sp->repo_arn, ew_setup_repository_arn, set,
				    sp->env, err);
	if (!rc)
		rc = ew_doc_permissions_policy(&b, set, sp->env, err);
	if (!rc)
		rc = ew_step_set_desired(s, sp, &b, err);
	if (!rc)
		rc = ew_step_doc_file(s, sp, "permissions-policy", err);
	if (!rc)
		snprintf(s->arn, sizeof(s->arn), "%s", sp->policy_arn);
	ew_buf_release(&b);
	return rc;
}

static int check_policy(struct ew_step_run *run, bool teardown,
			struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_policy pol;
	struct ew_iam_policy_version v;
	struct ew_sharing sh;
	int rc;

	memset(&pol, 0, sizeof(pol));
	memset(&v, 0, sizeof(v));
	ew_sharing_init(&sh);
	rc = ew_iam_get_policy(&pol, &run->c, sp->policy_arn, err);
	if (rc && ew_step_is_aws(err, "NoSuchEntity")) {
		rc = ew_step_will_create(s, sp, err);
		goto done;
	}
	if (rc)
		goto done;
	sp->exists = true;
	s->is_managed = ew_tags_is_managed(&pol.tags);
	free(sp->default_version);
	sp->default_version = ew_strdup(pol.default_version_id);
	/* Teardown reads the default version only of a policy it would
	 * delete: one that also serves another repository is kept. */
	if (teardown && !s->is_managed) {
		s->action = EW_ACTION_UNCHANGED;
		goto done;
	}
	rc = ew_iam_get_policy_version(
	    &v, &run->c, sp->policy_arn,
	    pol.default_version_id ? pol.default_version_id : "v1", err);
	if (!rc)
		rc = ew_sharing_scan_policy(&sh, v.document, sp->repo_arn)
			 ? ew_error_oom(err)
			 : 0;
	if (!rc)
		rc = ew_step_shared_conflict(run, &sh, false, err);
	if (!rc && teardown) {
		/* A shared one loses only this repository (teardown_check). */
		rc =
		    ew_engine_set_current(s, v.document ? v.document : "", err);
		s->action = EW_ACTION_UNCHANGED;
		goto done;
	}
	if (!rc)
		rc =
		    ew_engine_set_current(s, v.document ? v.document : "", err);
	if (rc)
		goto done;
	if (v.document && ew_json_doc_equal(v.document, s->desired_doc)) {
		s->action = EW_ACTION_UNCHANGED;
		ew_engine_set_detail(
		    s, "exists, same permissions (%s)%s%s%s",
		    v.version_id ? v.version_id : "default", ew_step_reused(s),
		    s->others[0] ? ", shared with " : "", s->others);
	} else {
		s->action = EW_ACTION_UPDATE;
		if (s->conflict == EW_CONFLICT_SHARED)
			ew_step_shared_detail(e, s, false);
		else
			ew_engine_set_detail(
			    s,
			    "exists, permissions differ: a new "
			    "default version will be created%s",
			    ew_step_reused(s));
	}
done:
	ew_sharing_release(&sh);
	ew_iam_policy_version_release(&v);
	ew_iam_policy_release(&pol);
	return rc;
}

/* The oldest version that is not the default, to make room for a new
 * one under IAM's limit of five. */
static const struct ew_iam_policy_version *
oldest_non_default(const struct ew_iam_policy_versions *l)
{
	const struct ew_iam_policy_version *best = NULL;

	for (size_t i = 0; i < l->n; i++) {
		const struct ew_iam_policy_version *v = &l->v[i];

		if (v->is_default || !v->version_id)
			continue;
		if (!best || v->create_date < best->create_date ||
		    (v->create_date == best->create_date &&
		     strtol(v->version_id + 1, NULL, 10) <
			 strtol(best->version_id + 1, NULL, 10)))
			best = v;
	}
	return best;
}

/*
 * After a new default version: delete the older versions that grant more
 * than it, so that a later "set default version" cannot quietly bring
 * back access the repair took away.  Only on a policy ecr-wizard created;
 * on another's, they are named in the detail and kept.
 */
static int prune_versions(struct ew_step_run *run, const char *new_id,
			  struct ew_buf *deleted, struct ew_buf *kept,
			  struct ew_error *err)
{
	struct ew_step *s = &run->e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_policy_versions l;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = ew_iam_list_policy_versions(&l, &run->c, sp->policy_arn, err);
	for (size_t i = 0; i < l.n && !rc; i++) {
		struct ew_iam_policy_version v;
		bool more;

		if (l.v[i].is_default || !l.v[i].version_id ||
		    (new_id && strcmp(l.v[i].version_id, new_id) == 0))
			continue;
		memset(&v, 0, sizeof(v));
		rc = ew_iam_get_policy_version(&v, &run->c, sp->policy_arn,
					       l.v[i].version_id, err);
		more = !rc && ew_sharing_grants_more(v.document, sp->wire_doc);
		ew_iam_policy_version_release(&v);
		if (rc || !more)
			continue;
		if (!s->is_managed) {
			ew_buf_printf(kept, "%s%s", kept->len ? ", " : "",
				      l.v[i].version_id);
			continue;
		}
		rc = ew_iam_delete_policy_version(&run->c, sp->policy_arn,
						  l.v[i].version_id, err);
		if (!rc)
			ew_buf_printf(deleted, "%s%s", deleted->len ? ", " : "",
				      l.v[i].version_id);
	}
	ew_iam_policy_versions_release(&l);
	return rc;
}

int ew_engine_policy_description(struct ew_buf *b, const struct ew_engine *e,
				 const struct ew_step_priv *sp)
{
	return ew_buf_printf(b,
			     "Lets GitHub Actions in %s/%s push images to the "
			     "ECR repository %s (created by ecr-wizard)",
			     e->setup->owner, e->setup->repo, sp->repo_name);
}

/* wire_doc as the new default version, after making room under IAM's
 * limit of five by deleting the oldest non-default (its id into
 * deleted).  nv: the new version, for the caller to release. */
static int new_default(struct ew_step_run *run,
		       struct ew_iam_policy_version *nv, char *deleted,
		       size_t size, struct ew_error *err)
{
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_policy_versions l;
	int rc;

	memset(&l, 0, sizeof(l));
	memset(nv, 0, sizeof(*nv));
	rc = ew_iam_list_policy_versions(&l, &run->c, sp->policy_arn, err);
	if (!rc && l.n >= 5) {
		const struct ew_iam_policy_version *old =
		    oldest_non_default(&l);

		if (old) {
			snprintf(deleted, size, "%s", old->version_id);
			rc = ew_iam_delete_policy_version(
			    &run->c, sp->policy_arn, old->version_id, err);
		}
	}
	ew_iam_policy_versions_release(&l);
	if (!rc)
		rc = ew_iam_create_policy_version(nv, &run->c, sp->policy_arn,
						  sp->wire_doc, true, err);
	return rc;
}

static int apply_policy(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_policy_version nv;
	struct ew_iam_policy pol;
	struct ew_tags tags;
	struct ew_buf desc;
	char deleted[32] = "";
	int rc;

	if (s->action == EW_ACTION_UPDATE &&
	    s->conflict == EW_CONFLICT_SHARED && !s->conflict_resolved)
		return ew_step_refuse_shared(e, s, err);
	if (s->action == EW_ACTION_UPDATE) {
		struct ew_buf pruned, kept;

		rc = new_default(run, &nv, deleted, sizeof(deleted), err);
		if (rc)
			return rc;
		ew_buf_init(&pruned);
		ew_buf_init(&kept);
		rc = prune_versions(run, nv.version_id, &pruned, &kept, err);
		ew_engine_set_detail(
		    s, "updated: new default version %s%s%s%s%s%s%s%s%s",
		    nv.version_id ? nv.version_id : "",
		    deleted[0] ? " (deleted the oldest, " : "", deleted,
		    deleted[0] ? ")" : "", pruned.len ? "; deleted " : "",
		    pruned.ptr, pruned.len ? ", which granted more" : "",
		    kept.len
			? "; kept older versions that grant more "
			  "(the policy was not created by ecr-wizard; "
			  "delete them with aws iam delete-policy-version): "
			: "",
		    kept.ptr);
		ew_buf_release(&pruned);
		ew_buf_release(&kept);
		ew_iam_policy_version_release(&nv);
		if (rc)
			return rc;
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
	memset(&pol, 0, sizeof(pol));
	if (ew_engine_policy_description(&desc, e, sp))
		rc = ew_error_oom(err);
	if (!rc)
		rc = ew_iam_create_policy(&pol, &run->c, sp->policy_name, NULL,
					  sp->wire_doc, desc.ptr, &tags, err);
	ew_iam_policy_release(&pol);
	ew_buf_release(&desc);
	ew_tags_release(&tags);
	if (rc && ew_step_is_aws(err, "EntityAlreadyExists"))
		return ew_step_recover_exists(run, check_policy, apply_policy,
					      err);
	if (rc)
		return rc;
	ew_step_finish_created(e, s, sp);
	return 0;
}

/* The default version is what apply_policy wrote, or the run fails
 * naming the change. */
static int verify_policy(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_iam_policy pol;
	struct ew_iam_policy_version v;
	struct ew_error lag;
	int rc, attempt = 1;

	for (;;) {
		bool same;

		memset(&pol, 0, sizeof(pol));
		memset(&v, 0, sizeof(v));
		rc = ew_iam_get_policy(&pol, &run->c, sp->policy_arn, err);
		if (!rc)
			rc = ew_iam_get_policy_version(
			    &v, &run->c, sp->policy_arn,
			    pol.default_version_id ? pol.default_version_id
						   : "v1",
			    err);
		same = !rc && v.document &&
		       ew_json_doc_equal(v.document, sp->wire_doc);
		if (!rc && !same)
			rc = ew_step_changed_meanwhile(run, v.document, false,
						       err);
		ew_iam_policy_version_release(&v);
		ew_iam_policy_release(&pol);
		if (rc || same)
			return rc;
		/* Still the version from before the write: IAM's reads
		 * lag. */
		ew_error_clear(&lag);
		ew_error_set(&lag, EW_ERROR, "the write is not visible yet");
		rc =
		    ew_engine_backoff(run, attempt++, "iam", "GetPolicy", &lag);
		if (rc == EW_ECANCEL)
			return ew_error_set(err, EW_ECANCEL, "cancelled");
		if (rc)
			return ew_error_set(
			    err, EW_ERROR,
			    "'%s': IAM still returns the default version "
			    "from before this apply's write: "
			    "run apply again",
			    run->e->steps[run->idx].title);
	}
}

static void teardown_check(struct ew_engine *e, size_t i)
{
	ew_step_decide_owned(e, i, " with all its versions", "repository ARN");
}

static int delete_policy(struct ew_step_run *run, const char *arn,
			 struct ew_error *err)
{
	struct ew_iam_policy_versions l;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = ew_iam_list_policy_versions(&l, &run->c, arn, err);
	for (size_t i = 0; !rc && i < l.n; i++)
		if (!l.v[i].is_default && l.v[i].version_id)
			rc = ew_iam_delete_policy_version(
			    &run->c, arn, l.v[i].version_id, err);
	ew_iam_policy_versions_release(&l);
	if (!rc)
		rc = ew_iam_delete_policy(&run->c, arn, err);
	return rc;
}

static int teardown_apply(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_iam_policy_version nv;
	struct ew_buf pruned, kept;
	char deleted[32] = "";
	int rc;

	if (run->e->steps[run->idx].action != EW_ACTION_UPDATE)
		return delete_policy(run, ew_step_run_priv(run)->policy_arn,
				     err);
	/* Shared: a new default without this repository, and the older
	 * versions that still grant it go (ours: ecr-wizard created it). */
	rc = new_default(run, &nv, deleted, sizeof(deleted), err);
	ew_buf_init(&pruned);
	ew_buf_init(&kept);
	if (!rc)
		rc = prune_versions(run, nv.version_id, &pruned, &kept, err);
	ew_buf_release(&pruned);
	ew_buf_release(&kept);
	ew_iam_policy_version_release(&nv);
	return rc;
}

static void cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	struct ew_buf d;

	if (e->steps[i].action == EW_ACTION_UPDATE) {
		/* IAM keeps five versions at most: make room as the apply
		 * does, by deleting the oldest non-default. */
		ew_buf_puts(b, "if [ \"$(");
		ew_step_cli_iam(b, e, "list-policy-versions");
		ew_buf_puts(b, " --policy-arn ");
		ew_step_cli_quote(b, sp->policy_arn);
		ew_buf_puts(b, " --query 'length(Versions)' --output "
			       "text)\" -ge 5 ]; then\n\t");
		ew_step_cli_iam(b, e, "delete-policy-version");
		ew_buf_puts(b, " --policy-arn ");
		ew_step_cli_quote(b, sp->policy_arn);
		ew_buf_puts(b, " --version-id \"$(");
		ew_step_cli_iam(b, e, "list-policy-versions");
		ew_buf_puts(b, " --policy-arn ");
		ew_step_cli_quote(b, sp->policy_arn);
		ew_buf_puts(b, " --query 'sort_by(Versions[?!IsDefault"
			       "Version], &CreateDate)[0].VersionId' "
			       "--output text)\"\nfi\n");
		ew_step_cli_iam(b, e, "create-policy-version");
		ew_buf_puts(b, " --policy-arn ");
		ew_step_cli_quote(b, sp->policy_arn);
		ew_buf_puts(b, " --policy-document file://");
		ew_step_cli_quote(b, e->steps[i].doc_file);
		ew_buf_puts(b, " --set-as-default");
		return;
	}
	ew_step_cli_iam(b, e, "create-policy");
	ew_buf_puts(b, " --policy-name ");
	ew_step_cli_quote(b, sp->policy_name);
	ew_buf_puts(b, " --policy-document file://");
	ew_step_cli_quote(b, e->steps[i].doc_file);
	ew_buf_init(&d);
	ew_engine_policy_description(&d, e, sp);
	ew_buf_puts(b, " --description ");
	ew_step_cli_quote(b, d.ptr);
	ew_buf_release(&d);
	ew_buf_puts(b, EW_STEP_CLI_TAGS);
}

static void teardown_cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	const char *arn = ew_step_priv_of(e, i)->policy_arn;

	if (e->steps[i].action == EW_ACTION_UPDATE) {
		cli(e, i, b);
		return;
	}

	ew_buf_puts(b, "for v in $(");
	ew_step_cli_iam(b, e, "list-policy-versions");
	ew_buf_puts(b, " --policy-arn ");
	ew_step_cli_quote(b, arn);
	ew_buf_puts(b, " --query 'Versions[?!IsDefaultVersion]."
		       "VersionId' --output text); do ");
	ew_step_cli_iam(b, e, "delete-policy-version");
	ew_buf_puts(b, " --policy-arn ");
	ew_step_cli_quote(b, arn);
	ew_buf_puts(b, " --version-id \"$v\"; done\n");
	ew_step_cli_iam(b, e, "delete-policy");
	ew_buf_puts(b, " --policy-arn ");
	ew_step_cli_quote(b, arn);
}

const struct ew_step_ops ew_step_policy = {
    .kind = EW_STEP_POLICY,
    .name = "policy",
    .per_target = true,
    .title = title,
    .prepare = prepare,
    .check = check_policy,
    .apply = apply_policy,
    .verify = verify_policy,
    .teardown_check = teardown_check,
    .teardown_apply = teardown_apply,
    .teardown_rank = 2,
    .removed = "deleted",
    .cli = cli,
    .teardown_cli = teardown_cli,
};
