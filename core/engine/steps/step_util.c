/*
 * step_util.c - what several step files share: documents and their wire
 * form, the "not found" and "reused" wording, final states, the recovery
 * of a create whose answer was lost, sharing a role or policy with other
 * repositories, the teardown's ownership decision and the aws CLI
 * fragments.
 */
#include "step.h"

#include "diff.h"
#include "json_doc.h"
#include "partition.h"
#include "sharing.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ew_step_priv *ew_step_priv_of(const struct ew_engine *e, size_t i)
{
	return &((struct ew_engine_priv *)e->priv)->sp[i];
}

struct ew_step_priv *ew_step_run_priv(struct ew_step_run *run)
{
	return ew_step_priv_of(run->e, run->idx);
}

/* The step of kind k for the same target as step i. */
const struct ew_step *ew_step_sibling(const struct ew_engine *e, size_t i,
				      enum ew_step_kind k)
{
	for (size_t j = 0; j < e->nsteps; j++)
		if (e->steps[j].kind == k &&
		    e->steps[j].target == e->steps[i].target)
			return &e->steps[j];
	return NULL;
}

/* Replace *slot with the detached content of b. */
int ew_step_take(char **slot, struct ew_buf *b, struct ew_error *err)
{
	char *v = ew_buf_detach(b);

	if (!v)
		return ew_error_oom(err);
	free(*slot);
	*slot = v;
	return 0;
}

int ew_step_arn_of(char **slot, ew_step_arn_fn fn, const struct ew_setup *s,
		   const struct ew_env_target *env, struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc = fn(&b, s, env, err);
	if (!rc)
		rc = ew_step_take(slot, &b, err);
	ew_buf_release(&b);
	return rc;
}

int ew_step_provider_arn(char **slot, const struct ew_setup *s,
			 struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc = ew_setup_provider_arn(&b, s, err);
	if (!rc)
		rc = ew_step_take(slot, &b, err);
	ew_buf_release(&b);
	return rc;
}

const char *ew_step_audience(const struct ew_setup *s)
{
	const struct ew_partition *p = ew_partition_for_region(s->region);

	return p ? p->audience : "sts.amazonaws.com";
}

/* Store a display-form document as desired_doc and its wire form. */
int ew_step_set_desired(struct ew_step *s, struct ew_step_priv *sp,
			struct ew_buf *display, struct ew_error *err)
{
	struct ew_buf wire;
	int rc;

	ew_buf_init(&wire);
	rc = ew_json_doc_compact(&wire, display->ptr, err);
	if (!rc)
		rc = ew_step_take(&sp->wire_doc, &wire, err);
	if (!rc)
		rc = ew_step_take(&s->desired_doc, display, err);
	ew_buf_release(&wire);
	return rc;
}

int ew_step_set_desired_json(struct ew_step *s, struct ew_step_priv *sp,
			     cJSON *doc, struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	if (!doc)
		return ew_error_oom(err);
	rc = ew_json_doc_print(&b, doc) ? ew_error_oom(err) : 0;
	if (!rc)
		rc = ew_step_set_desired(s, sp, &b, err);
	ew_buf_release(&b);
	cJSON_Delete(doc);
	return rc;
}

int ew_step_doc_file(struct ew_step *s, struct ew_step_priv *sp,
		     const char *base, struct ew_error *err)
{
	int n = sp->env ? snprintf(s->doc_file, sizeof(s->doc_file),
				   "%s-%s.json", base, sp->env->slug)
			: snprintf(s->doc_file, sizeof(s->doc_file), "%s.json",
				   base);

	if (n < 0 || (size_t)n >= sizeof(s->doc_file))
		return ew_error_set(err, EW_EINVAL,
				    "environment name too long for a file "
				    "name: '%s'",
				    sp->env ? sp->env->slug : "");
	return 0;
}

bool ew_step_is_aws(const struct ew_error *err, const char *code)
{
	return err->code == EW_EAWS && ew_error_is_aws(err, code);
}

const char *ew_step_reused(const struct ew_step *s)
{
	return s->is_managed ? ""
			     : " (not created by ecr-wizard: reused as is)";
}

/* The check found nothing: the step will create it. */
int ew_step_will_create(struct ew_step *s, struct ew_step_priv *sp,
			struct ew_error *err)
{
	ew_error_clear(err);
	sp->exists = false;
	s->action = EW_ACTION_CREATE;
	ew_engine_set_detail(s, "not found: will be created");
	return 0;
}

void ew_step_title(struct ew_step *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->title, sizeof(s->title), fmt, ap);
	va_end(ap);
}

int ew_step_managed_tags(struct ew_tags *t, struct ew_error *err)
{
	ew_tags_init(t);
	if (ew_tags_add(t, EW_TAG_MANAGED_BY_KEY, EW_TAG_MANAGED_BY_VALUE))
		return ew_error_oom(err);
	return 0;
}

/* A resource this run created: ours to tear down later. */
void ew_step_finish_created(struct ew_engine *e, struct ew_step *s,
			    struct ew_step_priv *sp)
{
	sp->created = true;
	s->is_managed = true;
	ew_engine_set_detail(s, "created, tagged managed-by=ecr-wizard");
	ew_engine_set_state(e, s, EW_STATE_DONE);
}

/*
 * A create answered EntityAlreadyExists: its first attempt may have
 * succeeded with the answer lost (a reset connection, then the client's
 * retry), or someone made it since the check.  Read it again and carry on
 * from what is there: ours and as wanted is "created"; otherwise the
 * ordinary update (or nothing) follows.
 */
int ew_step_recover_exists(
    struct ew_step_run *run,
    int (*check)(struct ew_step_run *, bool, struct ew_error *),
    int (*apply)(struct ew_step_run *, struct ew_error *), struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	int rc;

	ew_error_clear(err);
	rc = check(run, false, err);
	if (rc)
		return rc;
	if (s->action == EW_ACTION_UPDATE)
		return apply(run, err);
	if (s->action != EW_ACTION_UNCHANGED)
		return ew_error_set(err, EW_ERROR,
				    "'%s' exists and then does not: try again",
				    s->title);
	if (s->is_managed) {
		((struct ew_engine_priv *)e->priv)->sp[run->idx].created = true;
		ew_engine_set_detail(s, "created, tagged managed-by=ecr-wizard "
					"(found in place after a lost answer)");
		ew_engine_set_state(e, s, EW_STATE_DONE);
	} else {
		ew_engine_set_state(e, s, EW_STATE_UNCHANGED);
	}
	return 0;
}

/* "--role-name X --policy-name Y": the per-repository names. */
void ew_step_new_names(char *out, size_t size, const struct ew_setup *set)
{
	struct ew_buf role, policy;

	ew_buf_init(&role);
	ew_buf_init(&policy);
	if (ew_sharing_suggest_names(&role, &policy, set) == 0)
		snprintf(out, size, "--role-name %s --policy-name %s", role.ptr,
			 policy.ptr);
	else
		snprintf(out, size, "--role-name NAME --policy-name NAME");
	ew_buf_release(&role);
	ew_buf_release(&policy);
}

/*
 * The current document also serves the other repositories in sh.  Note
 * them; when the user chose to share, the desired document becomes the
 * union (their subjects or ARNs kept, ours added).  Unresolved, the
 * update is refused (apply_role, apply_policy) and the front-ends offer
 * the two ways on.
 */
int ew_step_shared_conflict(struct ew_step_run *run,
			    const struct ew_sharing *sh, bool trust,
			    struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_buf b;
	int rc;

	if (!sh->nnames)
		return 0;
	ew_buf_init(&b);
	s->conflict = EW_CONFLICT_SHARED;
	if (ew_sharing_names(&b, sh)) {
		ew_buf_release(&b);
		return ew_error_oom(err);
	}
	snprintf(s->others, sizeof(s->others), "%s", b.ptr);
	ew_buf_clear(&b);
	if (!e->setup->share_role) {
		ew_buf_release(&b);
		return 0;
	}
	s->conflict_resolved = true;
	rc = trust ? ew_sharing_trust_union(&b, s->desired_doc, sh, err)
		   : ew_sharing_policy_union(&b, s->desired_doc, sp->repo_arn,
					     sh, err);
	if (!rc)
		rc = ew_step_set_desired(s, sp, &b, err);
	ew_buf_release(&b);
	return rc;
}

/* The detail of a role or policy update that another repository shares. */
void ew_step_shared_detail(struct ew_engine *e, struct ew_step *s, bool trust)
{
	char flags[300];

	if (s->conflict_resolved) {
		ew_engine_set_detail(
		    s, "shared with %s (--share-role): %s kept, %s/%s's added",
		    s->others, trust ? "their subjects" : "their repositories",
		    e->setup->owner, e->setup->repo);
		return;
	}
	ew_step_new_names(flags, sizeof(flags), e->setup);
	ew_engine_set_detail(s,
			     "DESTRUCTIVE: it also %s %s, which would lose "
			     "access; pass --share-role to keep %s and add "
			     "%s/%s, or use new names: %s",
			     trust ? "trusts" : "grants push to", s->others,
			     trust ? "them" : "it", e->setup->owner,
			     e->setup->repo, flags);
}

/* An update that would take another repository's access away is never
 * made without the user's choice; the front-ends stop before applying,
 * this is the engine's own guard. */
int ew_step_refuse_shared(const struct ew_engine *e, const struct ew_step *s,
			  struct ew_error *err)
{
	char flags[300];

	ew_step_new_names(flags, sizeof(flags), e->setup);
	return ew_error_set(err, EW_ERROR,
			    "refused: '%s' also serves %s, which would lose "
			    "access: pass --share-role to share it, or use "
			    "new names (%s)",
			    s->title, s->others, flags);
}

void ew_step_keep(struct ew_step *s, const char *why)
{
	s->action = EW_ACTION_SKIP;
	ew_engine_set_detail(s, "kept: %s", why);
}

void ew_step_decide_owned(struct ew_engine *e, size_t i, const char *what,
			  const char *ours_part)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = ew_step_priv_of(e, i);

	if (!sp->exists) {
		s->action = EW_ACTION_SKIP;
		ew_engine_set_detail(s, "not found: nothing to delete");
	} else if (!s->is_managed) {
		ew_step_keep(s, "not created by ecr-wizard (no "
				"managed-by=ecr-wizard tag)");
	} else if (s->conflict == EW_CONFLICT_SHARED) {
		/* Teardown removes only what serves the repository it is
		 * asked about: the others keep theirs. */
		(void)ours_part;
		ew_step_teardown_shared(e, i, s->kind == EW_STEP_ROLE);
	} else {
		s->action = EW_ACTION_DELETE;
		ew_engine_set_detail(s, "will be deleted%s", what);
	}
}

int ew_step_changed_meanwhile(struct ew_step_run *run, const char *doc,
			      bool trust, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	struct ew_sharing sh;
	struct ew_buf names;
	int rc;

	if (doc && s->current_doc && ew_json_doc_equal(doc, s->current_doc))
		return 0;
	ew_sharing_init(&sh);
	ew_buf_init(&names);
	/* Name what is there besides this repository: scanned against no
	 * repository of ours, every repository it serves is "other". */
	rc = trust ? ew_sharing_scan_trust(&sh, doc, sp->provider_arn, "", "")
		   : ew_sharing_scan_policy(&sh, doc, "");
	if (rc || ew_sharing_names(&names, &sh)) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = ew_error_set(
	    err, EW_ERROR,
	    "'%s' changed while this apply ran: it is not what was written "
	    "(it now %s %s; another apply at the same time?): run apply "
	    "again to see the difference, and share the names on purpose "
	    "(--share-role) or use new ones",
	    s->title, trust ? "trusts" : "grants push to",
	    names.len ? names.ptr : "no repository");
done:
	ew_buf_release(&names);
	ew_sharing_release(&sh);
	return rc;
}

void ew_step_teardown_shared(struct ew_engine *e, size_t i, bool trust)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	struct ew_buf b;
	struct ew_error err;
	char *cur = NULL;
	size_t removed = 0;
	int rc;

	ew_buf_init(&b);
	ew_error_clear(&err);
	rc = trust ? ew_sharing_trust_without(&b, &removed, s->current_doc,
					      sp->provider_arn, e->setup->owner,
					      e->setup->repo, &err)
		   : ew_sharing_policy_without(&b, &removed, s->current_doc,
					       sp->repo_arn, &err);
	if (!rc && !removed) {
		ew_step_keep(s, "it serves other repositories, not this one");
		ew_engine_set_detail(s, "kept: it serves %s, not %s/%s",
				     s->others, e->setup->owner,
				     e->setup->repo);
		goto done;
	}
	cur = rc ? NULL : ew_strdup(s->current_doc);
	if (!rc && !cur)
		rc = ew_error_oom(&err);
	if (!rc)
		rc = ew_step_set_desired(s, sp, &b, &err);
	/* The diff shows what this repository loses. */
	if (!rc)
		rc = ew_engine_set_current(s, cur, &err);
	if (rc) {
		ew_engine_set_detail(s,
				     "kept: it also serves %s, and this "
				     "repository's part could not be taken "
				     "out (%s): remove it by hand",
				     s->others, err.message);
		s->action = EW_ACTION_SKIP;
		goto done;
	}
	s->action = EW_ACTION_UPDATE;
	ew_engine_set_detail(s,
			     "shared: only %s/%s's %s will be removed, kept "
			     "for %s",
			     e->setup->owner, e->setup->repo,
			     trust ? "subjects" : "repository ARN", s->others);
done:
	free(cur);
	ew_buf_release(&b);
}
