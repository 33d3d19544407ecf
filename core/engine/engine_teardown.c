/*
 * engine_teardown.c - removing what the setup created: deciding what is
 * ours (tagged managed-by=ecr-wizard) and deleting it.  The reads are the
 * setup's checks run in teardown mode (engine_steps.c); engine.c runs the
 * deletions in reverse order of the setup.
 */
#include "engine_priv.h"

#include "ecr.h"
#include "iam.h"

#include <stdio.h>
#include <string.h>

static struct ew_step_priv *spriv(struct ew_engine *e, size_t i)
{
	return &((struct ew_engine_priv *)e->priv)->sp[i];
}

static bool is_undecided(const struct ew_engine *e, size_t i)
{
	const struct ew_step *s = &e->steps[i];

	return (s->state == EW_STATE_PENDING || s->state == EW_STATE_RUNNING) &&
	       !((struct ew_engine_priv *)e->priv)->sp[i].check_failed;
}

/* The step of kind k for the same target as step i. */
static const struct ew_step *sibling(const struct ew_engine *e, size_t i,
				     enum ew_step_kind k)
{
	for (size_t j = 0; j < e->nsteps; j++)
		if (e->steps[j].kind == k &&
		    e->steps[j].target == e->steps[i].target)
			return &e->steps[j];
	return NULL;
}

static void keep(struct ew_step *s, const char *why)
{
	s->action = EW_ACTION_SKIP;
	ew_engine_set_detail(s, "kept: %s", why);
}

static void decide_owned(struct ew_engine *e, size_t i, const char *what)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = spriv(e, i);
	bool force = ((struct ew_engine_priv *)e->priv)->force;

	if (!sp->exists) {
		s->action = EW_ACTION_SKIP;
		ew_engine_set_detail(s, "not found: nothing to delete");
	} else if (!s->is_managed) {
		keep(s, "not created by ecr-wizard (no managed-by=ecr-wizard "
			"tag)");
	} else if (s->conflict == EW_CONFLICT_SHARED) {
		/* Teardown removes only what serves the repository it is
		 * asked about. */
		s->action = EW_ACTION_SKIP;
		ew_engine_set_detail(
		    s,
		    "kept: it also serves %s (remove this "
		    "repository's %s by hand, or tear down "
		    "the last repository that uses it)",
		    s->others,
		    s->kind == EW_STEP_ROLE ? "subjects" : "repository ARN");
	} else if (s->kind == EW_STEP_REPOSITORY && sp->has_images && !force) {
		keep(s, "it holds images (pass --force to delete them too)");
	} else {
		s->action = EW_ACTION_DELETE;
		ew_engine_set_detail(s, "will be deleted%s", what);
	}
}

/* Whether role name is one this teardown deletes. */
static bool deletes_role(const struct ew_engine *e, const char *name,
			 size_t len)
{
	for (size_t j = 0; j < e->nsteps; j++) {
		const struct ew_step_priv *sp =
		    &((struct ew_engine_priv *)e->priv)->sp[j];

		if (e->steps[j].kind == EW_STEP_ROLE &&
		    e->steps[j].action == EW_ACTION_DELETE && sp->role_name &&
		    strlen(sp->role_name) == len &&
		    memcmp(sp->role_name, name, len) == 0)
			return true;
	}
	return false;
}

static void decide_provider(struct ew_engine *e, size_t i)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = spriv(e, i);
	struct ew_buf others;
	const char *p = sp->trusted_by.ptr;

	decide_owned(e, i, "");
	if (s->action != EW_ACTION_DELETE)
		return;
	ew_buf_init(&others);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len && !deletes_role(e, p, len))
			ew_buf_printf(&others, "%s%.*s", others.len ? ", " : "",
				      (int)len, p);
		p += len + (nl ? 1 : 0);
	}
	if (others.len) {
		s->action = EW_ACTION_SKIP;
		ew_engine_set_detail(s,
				     "kept: other roles trust it (%s); the "
				     "provider goes when none does",
				     others.ptr);
	} else {
		ew_engine_set_detail(s, "will be deleted: no other role "
					"trusts it");
	}
	ew_buf_release(&others);
}

void ew_engine_teardown_decide(struct ew_engine *e)
{
	/* Roles first: the provider and attachments depend on them. */
	for (size_t i = 0; i < e->nsteps; i++) {
		struct ew_step *s = &e->steps[i];

		if (!is_undecided(e, i))
			continue;
		switch (s->kind) {
		case EW_STEP_REPOSITORY:
			decide_owned(e, i,
				     spriv(e, i)->has_images
					 ? ", images included (--force)"
					 : "");
			break;
		case EW_STEP_POLICY:
			decide_owned(e, i, " with all its versions");
			break;
		case EW_STEP_ROLE:
			decide_owned(e, i, "");
			break;
		case EW_STEP_OUTPUTS:
			s->action = EW_ACTION_SKIP;
			ew_engine_set_detail(s, "nothing to remove");
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < e->nsteps; i++) {
		struct ew_step *s = &e->steps[i];
		const struct ew_step *a, *b;

		if (!is_undecided(e, i))
			continue;
		switch (s->kind) {
		case EW_STEP_PROVIDER:
			decide_provider(e, i);
			break;
		case EW_STEP_LIFECYCLE:
			a = sibling(e, i, EW_STEP_REPOSITORY);
			s->action = EW_ACTION_SKIP;
			ew_engine_set_detail(s, "%s",
					     a && a->action == EW_ACTION_DELETE
						 ? "goes with its repository"
						 : "kept with its repository");
			break;
		case EW_STEP_ATTACH:
			a = sibling(e, i, EW_STEP_ROLE);
			b = sibling(e, i, EW_STEP_POLICY);
			if (!spriv(e, i)->exists) {
				s->action = EW_ACTION_SKIP;
				ew_engine_set_detail(s, "not attached: nothing "
							"to detach");
			} else if ((a && a->action == EW_ACTION_DELETE) ||
				   (b && b->action == EW_ACTION_DELETE)) {
				s->action = EW_ACTION_DELETE;
				ew_engine_set_detail(s, "will be detached");
			} else {
				keep(s, "neither the role nor the policy is "
					"ecr-wizard's");
			}
			break;
		default:
			break;
		}
	}
}

static bool gone(const struct ew_error *err, const char *code)
{
	return err->code == EW_EAWS && ew_error_is_aws(err, code);
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

int ew_engine_teardown_step(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_engine_priv *p = e->priv;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = &p->sp[run->idx];
	int rc = 0;

	if (s->action != EW_ACTION_DELETE) {
		pthread_mutex_lock(&p->lock);
		s->state = EW_STATE_SKIPPED;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	switch (s->kind) {
	case EW_STEP_ATTACH:
		rc = ew_iam_detach_role_policy(&run->c, sp->role_name,
					       sp->policy_arn, err);
		break;
	case EW_STEP_POLICY:
		rc = delete_policy(run, sp->policy_arn, err);
		break;
	case EW_STEP_ROLE:
		rc = ew_iam_delete_role(&run->c, sp->role_name, err);
		break;
	case EW_STEP_REPOSITORY:
		rc = ew_ecr_delete_repository(&run->c, sp->repo_name, p->force,
					      err);
		if (rc && gone(err, "RepositoryNotFoundException"))
			rc = 0;
		break;
	case EW_STEP_PROVIDER:
		rc =
		    ew_iam_delete_oidc_provider(&run->c, sp->provider_arn, err);
		break;
	default:
		break;
	}
	/* Gone already (deleted by hand meanwhile) is what we wanted. */
	if (rc && gone(err, "NoSuchEntity"))
		rc = 0;
	if (rc)
		return rc;
	ew_error_clear(err);
	ew_engine_set_detail(
	    s, "%s", s->kind == EW_STEP_ATTACH ? "detached" : "deleted");
	pthread_mutex_lock(&p->lock);
	s->state = EW_STATE_DONE;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return 0;
}
