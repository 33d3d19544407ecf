/*
 * engine_steps.c - what each kind of step reads (check) and writes
 * (apply) for the setup.  Checks only read; applies act on what the check
 * decided and are idempotent: a resource found in place is left alone.
 */
#include "engine_priv.h"

#include "documents.h"
#include "ecr.h"
#include "iam.h"
#include "json_doc.h"
#include "diff.h"
#include "partition.h"
#include "sharing.h"
#include "tags.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GITHUB_OIDC_URL "https://token.actions.githubusercontent.com"

/* Replace *slot with the detached content of b. */
static int take(char **slot, struct ew_buf *b, struct ew_error *err)
{
	char *v = ew_buf_detach(b);

	if (!v)
		return ew_error_oom(err);
	free(*slot);
	*slot = v;
	return 0;
}

typedef int (*arn_fn)(struct ew_buf *, const struct ew_setup *,
		      const struct ew_env_target *, struct ew_error *);

static int arn_of(char **slot, arn_fn fn, const struct ew_setup *s,
		  const struct ew_env_target *env, struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc = fn(&b, s, env, err);
	if (!rc)
		rc = take(slot, &b, err);
	ew_buf_release(&b);
	return rc;
}

static int provider_arn(char **slot, const struct ew_setup *s,
			struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc = ew_setup_provider_arn(&b, s, err);
	if (!rc)
		rc = take(slot, &b, err);
	ew_buf_release(&b);
	return rc;
}

static const char *audience(const struct ew_setup *s)
{
	const struct ew_partition *p = ew_partition_for_region(s->region);

	return p ? p->audience : "sts.amazonaws.com";
}

/* Store a display-form document as desired_doc and its wire form. */
static int set_desired(struct ew_step *s, struct ew_step_priv *sp,
		       struct ew_buf *display, struct ew_error *err)
{
	struct ew_buf wire;
	int rc;

	ew_buf_init(&wire);
	rc = ew_json_doc_compact(&wire, display->ptr, err);
	if (!rc)
		rc = take(&sp->wire_doc, &wire, err);
	if (!rc)
		rc = take(&s->desired_doc, display, err);
	ew_buf_release(&wire);
	return rc;
}

static int set_desired_json(struct ew_step *s, struct ew_step_priv *sp,
			    cJSON *doc, struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	if (!doc)
		return ew_error_oom(err);
	rc = ew_json_doc_print(&b, doc) ? ew_error_oom(err) : 0;
	if (!rc)
		rc = set_desired(s, sp, &b, err);
	ew_buf_release(&b);
	cJSON_Delete(doc);
	return rc;
}

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

/* {"Url": ..., "ClientIDList": [...]}: ids plus extra when not in it. */
static cJSON *provider_doc(const struct ew_iam_list *ids, const char *extra)
{
	cJSON *o = cJSON_CreateObject(), *list;
	bool has = false;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "Url", GITHUB_OIDC_URL);
	list = cJSON_AddArrayToObject(o, "ClientIDList");
	for (size_t i = 0; ids && i < ids->n; i++) {
		cJSON_AddItemToArray(list, cJSON_CreateString(ids->v[i]));
		has = has || (extra && strcmp(ids->v[i], extra) == 0);
	}
	if (extra && !has)
		cJSON_AddItemToArray(list, cJSON_CreateString(extra));
	return o;
}

static int doc_file(struct ew_step *s, struct ew_step_priv *sp,
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

int ew_engine_prepare_step(struct ew_engine *e, size_t i, struct ew_error *err)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = &((struct ew_engine_priv *)e->priv)->sp[i];
	const struct ew_setup *set = e->setup;
	struct ew_buf b;
	int rc = 0;

	ew_buf_init(&b);
	switch (s->kind) {
	case EW_STEP_IDENTITY:
		break;
	case EW_STEP_PROVIDER:
		rc = provider_arn(&sp->provider_arn, set, err);
		if (!rc)
			rc = set_desired_json(
			    s, sp, provider_doc(NULL, audience(set)), err);
		if (!rc)
			snprintf(s->arn, sizeof(s->arn), "%s",
				 sp->provider_arn);
		break;
	case EW_STEP_REPOSITORY:
		rc = arn_of(&sp->repo_arn, ew_setup_repository_arn, set,
			    sp->env, err);
		if (!rc)
			rc = set_desired_json(
			    s, sp,
			    repo_doc(
				sp->repo_name,
				ew_tag_mutability_name(set->tag_mutability),
				set->scan_on_push, "AES256"),
			    err);
		if (!rc)
			snprintf(s->arn, sizeof(s->arn), "%s", sp->repo_arn);
		break;
	case EW_STEP_LIFECYCLE:
		rc = arn_of(&sp->repo_arn, ew_setup_repository_arn, set,
			    sp->env, err);
		if (!rc)
			rc = ew_doc_lifecycle_policy(&b, set, err);
		if (!rc)
			rc = set_desired(s, sp, &b, err);
		if (!rc)
			rc = doc_file(s, sp, "lifecycle-policy", err);
		if (!rc)
			snprintf(s->arn, sizeof(s->arn), "%s", sp->repo_arn);
		break;
	case EW_STEP_POLICY:
		rc = arn_of(&sp->policy_arn, ew_setup_policy_arn, set, sp->env,
			    err);
		if (!rc)
			rc = arn_of(&sp->repo_arn, ew_setup_repository_arn, set,
				    sp->env, err);
		if (!rc)
			rc = ew_doc_permissions_policy(&b, set, sp->env, err);
		if (!rc)
			rc = set_desired(s, sp, &b, err);
		if (!rc)
			rc = doc_file(s, sp, "permissions-policy", err);
		if (!rc)
			snprintf(s->arn, sizeof(s->arn), "%s", sp->policy_arn);
		break;
	case EW_STEP_ROLE:
		rc =
		    arn_of(&sp->role_arn, ew_setup_role_arn, set, sp->env, err);
		if (!rc)
			rc = provider_arn(&sp->provider_arn, set, err);
		if (!rc)
			rc = ew_doc_trust_policy(&b, set, sp->env, err);
		if (!rc)
			rc = set_desired(s, sp, &b, err);
		if (!rc)
			rc = doc_file(s, sp, "trust-policy", err);
		if (!rc)
			snprintf(s->arn, sizeof(s->arn), "%s", sp->role_arn);
		break;
	case EW_STEP_ATTACH:
		rc =
		    arn_of(&sp->role_arn, ew_setup_role_arn, set, sp->env, err);
		if (!rc)
			rc = arn_of(&sp->policy_arn, ew_setup_policy_arn, set,
				    sp->env, err);
		if (!rc)
			snprintf(s->arn, sizeof(s->arn), "%s", sp->policy_arn);
		break;
	case EW_STEP_OUTPUTS:
		rc = arn_of(&sp->role_arn, ew_setup_role_arn, set,
			    ew_setup_target_env(set, 0), err);
		break;
	}
	ew_buf_release(&b);
	return rc;
}

int ew_engine_set_current(struct ew_step *s, const char *current,
			  struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	if (ew_json_doc_pretty(&b, current, NULL) != 0) {
		/* Not JSON: show it as it is. */
		ew_buf_clear(&b);
		if (ew_buf_puts(&b, current))
			return ew_error_oom(err);
	}
	rc = take(&s->current_doc, &b, err);
	ew_buf_release(&b);
	if (rc)
		return rc;
	ew_buf_clear(&s->diff);
	if (s->desired_doc && !ew_json_doc_equal(current, s->desired_doc))
		rc = ew_diff_unified(&s->diff, s->current_doc, s->desired_doc,
				     "current (in AWS)", "desired (ecr-wizard)",
				     NULL, err);
	return rc;
}

static bool is_not_found(const struct ew_error *err, const char *code)
{
	return err->code == EW_EAWS && ew_error_is_aws(err, code);
}

static const char *reused(const struct ew_step *s)
{
	return s->is_managed ? ""
			     : " (not created by ecr-wizard: reused as is)";
}

/* The check found nothing: the step will create it. */
static int will_create(struct ew_step *s, struct ew_step_priv *sp,
		       struct ew_error *err)
{
	ew_error_clear(err);
	sp->exists = false;
	s->action = EW_ACTION_CREATE;
	ew_engine_set_detail(s, "not found: will be created");
	return 0;
}

/* The step's private state, beside its public struct ew_step. */
static struct ew_step_priv *run_priv(struct ew_step_run *run)
{
	return &((struct ew_engine_priv *)run->e->priv)->sp[run->idx];
}

/* ------------------------------------------------------------ checks */

static int check_repository(struct ew_step_run *run, bool teardown,
			    struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
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
	if (rc && is_not_found(err, "RepositoryNotFoundException")) {
		rc = will_create(s, sp, err);
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
	ew_engine_set_detail(s, "exists%s%s%s", reused(s), diffs.ptr,
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
	struct ew_step_priv *sp = run_priv(run);
	bool had = s->action == EW_ACTION_UPDATE;
	struct ew_tags tags;
	int rc;

	ew_tags_init(&tags);
	rc = ew_ecr_list_tags(&tags, &run->c, sp->repo_arn, err);
	if (rc && is_not_found(err, "RepositoryNotFoundException")) {
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
	struct ew_step_priv *sp = run_priv(run);
	char *text = NULL;
	int rc;

	if (teardown) {
		/* It goes with its repository: nothing to read. */
		s->action = EW_ACTION_SKIP;
		return 0;
	}
	rc = ew_ecr_get_lifecycle_policy(&text, &run->c, sp->repo_name, err);
	if (rc && (is_not_found(err, "RepositoryNotFoundException") ||
		   is_not_found(err, "LifecyclePolicyNotFoundException"))) {
		bool no_repo = is_not_found(err, "RepositoryNotFoundException");

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

struct trust_scan {
	const char *arn;
	struct ew_buf *names;
};

static bool json_names(const cJSON *j, const char *arn)
{
	const cJSON *c;

	if (cJSON_IsString(j))
		return strcmp(j->valuestring, arn) == 0;
	cJSON_ArrayForEach(c, j)
	{
		if (json_names(c, arn))
			return true;
	}
	return false;
}

static int scan_role(const struct ew_iam_role *role, void *payload)
{
	struct trust_scan *ts = payload;
	cJSON *doc;

	if (!role->trust_document || !role->name)
		return 0;
	doc = cJSON_Parse(role->trust_document);
	if (doc && json_names(doc, ts->arn))
		ew_buf_printf(ts->names, "%s\n", role->name);
	cJSON_Delete(doc);
	return 0;
}

static int check_provider(struct ew_step_run *run, bool teardown,
			  struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	const char *aud = audience(e->setup);
	struct ew_iam_oidc_provider pr;
	struct ew_buf cur;
	cJSON *doc;
	bool has = false;
	int rc;

	memset(&pr, 0, sizeof(pr));
	ew_buf_init(&cur);
	rc = ew_iam_get_oidc_provider(&pr, &run->c, sp->provider_arn, err);
	if (rc && is_not_found(err, "NoSuchEntity")) {
		rc = will_create(s, sp, err);
		goto done;
	}
	if (rc)
		goto done;
	sp->exists = true;
	s->is_managed = ew_tags_is_managed(&pr.tags);
	for (size_t i = 0; i < pr.client_ids.n; i++)
		has = has || strcmp(pr.client_ids.v[i], aud) == 0;
	/* What will be there: the audiences it has, plus ours. */
	rc = set_desired_json(s, sp, provider_doc(&pr.client_ids, aud), err);
	doc = rc ? NULL : provider_doc(&pr.client_ids, NULL);
	if (!rc && (!doc || ew_json_doc_print(&cur, doc)))
		rc = ew_error_oom(err);
	cJSON_Delete(doc);
	if (!rc)
		rc = ew_engine_set_current(s, cur.ptr, err);
	if (rc)
		goto done;
	s->action = has ? EW_ACTION_UNCHANGED : EW_ACTION_UPDATE;
	if (has)
		ew_engine_set_detail(s, "exists with audience %s%s", aud,
				     reused(s));
	else
		ew_engine_set_detail(s,
				     "exists without audience %s: will add "
				     "it%s",
				     aud, reused(s));
	if (teardown && s->is_managed) {
		struct trust_scan ts = {.arn = sp->provider_arn,
					.names = &sp->trusted_by};

		rc = ew_iam_list_roles(&run->c, NULL, 0, scan_role, &ts, err);
	}
done:
	ew_buf_release(&cur);
	ew_iam_oidc_provider_release(&pr);
	return rc;
}

/* "--role-name X --policy-name Y": the per-repository names. */
static void new_names(char *out, size_t size, const struct ew_setup *set)
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
static int shared_conflict(struct ew_step_run *run, const struct ew_sharing *sh,
			   bool trust, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
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
		rc = set_desired(s, sp, &b, err);
	ew_buf_release(&b);
	return rc;
}

/* The detail of a role or policy update that another repository shares. */
static void shared_detail(struct ew_engine *e, struct ew_step *s, bool trust)
{
	char flags[300];

	if (s->conflict_resolved) {
		ew_engine_set_detail(
		    s, "shared with %s (--share-role): %s kept, %s/%s's added",
		    s->others, trust ? "their subjects" : "their repositories",
		    e->setup->owner, e->setup->repo);
		return;
	}
	new_names(flags, sizeof(flags), e->setup);
	ew_engine_set_detail(s,
			     "DESTRUCTIVE: it also %s %s, which would lose "
			     "access; pass --share-role to keep %s and add "
			     "%s/%s, or use new names: %s",
			     trust ? "trusts" : "grants push to", s->others,
			     trust ? "them" : "it", e->setup->owner,
			     e->setup->repo, flags);
}

static int check_policy(struct ew_step_run *run, bool teardown,
			struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	struct ew_iam_policy pol;
	struct ew_iam_policy_version v;
	struct ew_sharing sh;
	int rc;

	memset(&pol, 0, sizeof(pol));
	memset(&v, 0, sizeof(v));
	ew_sharing_init(&sh);
	rc = ew_iam_get_policy(&pol, &run->c, sp->policy_arn, err);
	if (rc && is_not_found(err, "NoSuchEntity")) {
		rc = will_create(s, sp, err);
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
		rc = shared_conflict(run, &sh, false, err);
	if (!rc && teardown) {
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
		    v.version_id ? v.version_id : "default", reused(s),
		    s->others[0] ? ", shared with " : "", s->others);
	} else {
		s->action = EW_ACTION_UPDATE;
		if (s->conflict == EW_CONFLICT_SHARED)
			shared_detail(e, s, false);
		else
			ew_engine_set_detail(
			    s,
			    "exists, permissions differ: a new "
			    "default version will be created%s",
			    reused(s));
	}
done:
	ew_sharing_release(&sh);
	ew_iam_policy_version_release(&v);
	ew_iam_policy_release(&pol);
	return rc;
}

static int check_role(struct ew_step_run *run, bool teardown,
		      struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	struct ew_iam_role r;
	struct ew_sharing sh;
	int rc;

	(void)teardown;
	memset(&r, 0, sizeof(r));
	ew_sharing_init(&sh);
	rc = ew_iam_get_role(&r, &run->c, sp->role_name, err);
	if (rc && is_not_found(err, "NoSuchEntity")) {
		rc = will_create(s, sp, err);
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
		rc = shared_conflict(run, &sh, true, err);
	if (!rc)
		rc = ew_engine_set_current(
		    s, r.trust_document ? r.trust_document : "", err);
	if (rc)
		goto done;
	if (r.trust_document &&
	    ew_json_doc_equal(r.trust_document, s->desired_doc)) {
		s->action = EW_ACTION_UNCHANGED;
		ew_engine_set_detail(
		    s, "exists, same trust policy%s%s%s", reused(s),
		    s->others[0] ? ", shared with " : "", s->others);
	} else {
		s->action = EW_ACTION_UPDATE;
		if (s->conflict == EW_CONFLICT_SHARED)
			shared_detail(e, s, true);
		else
			ew_engine_set_detail(s,
					     "exists, trust policy differs: "
					     "will be updated%s",
					     reused(s));
	}
done:
	ew_sharing_release(&sh);
	ew_iam_role_release(&r);
	return rc;
}

static int check_attach(struct ew_step_run *run, bool teardown,
			struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	struct ew_iam_attached_policies l;
	bool found = false;
	int rc;

	(void)teardown;
	memset(&l, 0, sizeof(l));
	rc =
	    ew_iam_list_attached_role_policies(&l, &run->c, sp->role_name, err);
	if (rc && is_not_found(err, "NoSuchEntity")) {
		ew_error_clear(err);
		sp->exists = false;
		s->action = EW_ACTION_CREATE;
		ew_engine_set_detail(s, "role not there yet: will attach");
		return 0;
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < l.n; i++)
		found = found ||
			(l.v[i].arn && strcmp(l.v[i].arn, sp->policy_arn) == 0);
	ew_iam_attached_policies_release(&l);
	sp->exists = found;
	s->is_managed = true;
	s->action = found ? EW_ACTION_UNCHANGED : EW_ACTION_CREATE;
	ew_engine_set_detail(s, "%s",
			     found ? "attached" : "not attached: will attach");
	return 0;
}

int ew_engine_check_step(struct ew_step_run *run, bool teardown,
			 struct ew_error *err)
{
	struct ew_step *s = &run->e->steps[run->idx];
	struct ew_step_priv *sp =
	    &((struct ew_engine_priv *)run->e->priv)->sp[run->idx];

	s->is_managed = false;
	s->conflict = EW_CONFLICT_NONE;
	s->conflict_resolved = false;
	s->others[0] = '\0';
	sp->exists = false;
	sp->has_images = false;
	ew_buf_clear(&sp->trusted_by);
	switch (s->kind) {
	case EW_STEP_REPOSITORY:
		return check_repository(run, teardown, err);
	case EW_STEP_LIFECYCLE:
		return check_lifecycle(run, teardown, err);
	case EW_STEP_PROVIDER:
		return check_provider(run, teardown, err);
	case EW_STEP_POLICY:
		return check_policy(run, teardown, err);
	case EW_STEP_ROLE:
		return check_role(run, teardown, err);
	case EW_STEP_ATTACH:
		return check_attach(run, teardown, err);
	case EW_STEP_IDENTITY:
	case EW_STEP_OUTPUTS:
		break;
	}
	return 0;
}

/* ------------------------------------------------------------ applies */

static int apply_policy(struct ew_step_run *run, struct ew_error *err);
static int apply_role(struct ew_step_run *run, struct ew_error *err);

static int managed_tags(struct ew_tags *t, struct ew_error *err)
{
	ew_tags_init(t);
	if (ew_tags_add(t, EW_TAG_MANAGED_BY_KEY, EW_TAG_MANAGED_BY_VALUE))
		return ew_error_oom(err);
	return 0;
}

static void finish_state(struct ew_engine *e, struct ew_step *s,
			 enum ew_step_state st)
{
	struct ew_engine_priv *p = e->priv;

	pthread_mutex_lock(&p->lock);
	s->state = st;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* A resource this run created: ours to tear down later. */
static void finish_created(struct ew_engine *e, struct ew_step *s,
			   struct ew_step_priv *sp)
{
	sp->created = true;
	s->is_managed = true;
	ew_engine_set_detail(s, "created, tagged managed-by=ecr-wizard");
	finish_state(e, s, EW_STATE_DONE);
}

/*
 * A create answered EntityAlreadyExists: its first attempt may have
 * succeeded with the answer lost (a reset connection, then the client's
 * retry), or someone made it since the check.  Read it again and carry on
 * from what is there: ours and as wanted is "created"; otherwise the
 * ordinary update (or nothing) follows.
 */
static int recover_exists(struct ew_step_run *run,
			  int (*check)(struct ew_step_run *, bool,
				       struct ew_error *),
			  int (*apply)(struct ew_step_run *, struct ew_error *),
			  struct ew_error *err)
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
		finish_state(e, s, EW_STATE_DONE);
	} else {
		finish_state(e, s, EW_STATE_UNCHANGED);
	}
	return 0;
}

static int apply_repository(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	struct ew_ecr_repository_options o;
	struct ew_tags tags;
	int rc;

	if (s->action != EW_ACTION_CREATE) {
		finish_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	rc = managed_tags(&tags, err);
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
	if (rc && is_not_found(err, "RepositoryAlreadyExistsException")) {
		/* Created by someone else since the check: fine. */
		ew_error_clear(err);
		ew_engine_set_detail(s, "exists (created since the check)");
		finish_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	if (rc)
		return rc;
	finish_created(e, s, sp);
	return 0;
}

static int apply_lifecycle(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	int rc;

	if (s->action != EW_ACTION_CREATE && s->action != EW_ACTION_UPDATE) {
		finish_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	rc = ew_ecr_put_lifecycle_policy(&run->c, sp->repo_name, sp->wire_doc,
					 err);
	if (rc)
		return rc;
	ew_engine_set_detail(s, "%s: keep the last %d images",
			     s->action == EW_ACTION_CREATE ? "put" : "replaced",
			     e->setup->keep_images);
	finish_state(e, s,
		     s->action == EW_ACTION_CREATE ? EW_STATE_DONE
						   : EW_STATE_UPDATED);
	return 0;
}

static int apply_provider(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	const char *aud = audience(e->setup);
	struct ew_tags tags;
	char *arn = NULL;
	int rc;

	if (s->action == EW_ACTION_UPDATE) {
		rc = ew_iam_add_oidc_client_id(&run->c, sp->provider_arn, aud,
					       err);
		if (rc)
			return rc;
		ew_engine_set_detail(s, "audience %s added%s", aud, reused(s));
		finish_state(e, s, EW_STATE_UPDATED);
		return 0;
	}
	if (s->action != EW_ACTION_CREATE) {
		finish_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	rc = managed_tags(&tags, err);
	if (rc)
		return rc;
	rc = ew_iam_create_oidc_provider(&arn, &run->c, GITHUB_OIDC_URL, &aud,
					 1, NULL, 0, &tags, err);
	ew_tags_release(&tags);
	free(arn);
	if (rc && is_not_found(err, "EntityAlreadyExists")) {
		/* Created since the check: make sure it has our audience. */
		ew_error_clear(err);
		rc = ew_iam_add_oidc_client_id(&run->c, sp->provider_arn, aud,
					       err);
		if (rc)
			return rc;
		ew_engine_set_detail(s,
				     "exists (created since the check); "
				     "audience %s ensured",
				     aud);
		finish_state(e, s, EW_STATE_UPDATED);
		return 0;
	}
	if (rc)
		return rc;
	sp->created = true;
	s->is_managed = true;
	ew_engine_set_detail(s,
			     "created with audience %s, tagged "
			     "managed-by=ecr-wizard",
			     aud);
	finish_state(e, s, EW_STATE_DONE);
	return 0;
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

/* An update that would take another repository's access away is never
 * made without the user's choice; the front-ends stop before applying,
 * this is the engine's own guard. */
static int refuse_shared(const struct ew_engine *e, const struct ew_step *s,
			 struct ew_error *err)
{
	char flags[300];

	new_names(flags, sizeof(flags), e->setup);
	return ew_error_set(err, EW_ERROR,
			    "refused: '%s' also serves %s, which would lose "
			    "access: pass --share-role to share it, or use "
			    "new names (%s)",
			    s->title, s->others, flags);
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
	struct ew_step_priv *sp = run_priv(run);
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

int ew_engine_role_description(struct ew_buf *b, const struct ew_engine *e,
			       const struct ew_step_priv *sp)
{
	(void)sp;
	return ew_buf_printf(b,
			     "Assumed by GitHub Actions in %s/%s through OIDC "
			     "to push to ECR (created by ecr-wizard)",
			     e->setup->owner, e->setup->repo);
}

static int apply_policy(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	struct ew_iam_policy_versions l;
	struct ew_iam_policy_version nv;
	struct ew_iam_policy pol;
	struct ew_tags tags;
	struct ew_buf desc;
	char deleted[32] = "";
	int rc;

	if (s->action == EW_ACTION_UPDATE &&
	    s->conflict == EW_CONFLICT_SHARED && !s->conflict_resolved)
		return refuse_shared(e, s, err);
	if (s->action == EW_ACTION_UPDATE) {
		struct ew_buf pruned, kept;

		memset(&l, 0, sizeof(l));
		memset(&nv, 0, sizeof(nv));
		rc = ew_iam_list_policy_versions(&l, &run->c, sp->policy_arn,
						 err);
		if (!rc && l.n >= 5) {
			const struct ew_iam_policy_version *old =
			    oldest_non_default(&l);

			if (old) {
				snprintf(deleted, sizeof(deleted), "%s",
					 old->version_id);
				rc = ew_iam_delete_policy_version(
				    &run->c, sp->policy_arn, old->version_id,
				    err);
			}
		}
		ew_iam_policy_versions_release(&l);
		if (!rc)
			rc = ew_iam_create_policy_version(
			    &nv, &run->c, sp->policy_arn, sp->wire_doc, true,
			    err);
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
		finish_state(e, s, EW_STATE_UPDATED);
		return 0;
	}
	if (s->action != EW_ACTION_CREATE) {
		finish_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	rc = managed_tags(&tags, err);
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
	if (rc && is_not_found(err, "EntityAlreadyExists"))
		return recover_exists(run, check_policy, apply_policy, err);
	if (rc)
		return rc;
	finish_created(e, s, sp);
	return 0;
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
	struct ew_step_priv *sp = run_priv(run);
	struct ew_iam_role r;
	struct ew_tags tags;
	struct ew_buf desc;
	int rc, attempt = 1;

	if (s->action == EW_ACTION_UPDATE &&
	    s->conflict == EW_CONFLICT_SHARED && !s->conflict_resolved)
		return refuse_shared(e, s, err);
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
					     reused(s));
		finish_state(e, s, EW_STATE_UPDATED);
		return 0;
	}
	if (s->action != EW_ACTION_CREATE) {
		finish_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	rc = managed_tags(&tags, err);
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
		    is_not_found(err, "MalformedPolicyDocument") &&
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
	if (rc && is_not_found(err, "EntityAlreadyExists"))
		return recover_exists(run, check_role, apply_role, err);
	if (rc)
		return rc;
	finish_created(e, s, sp);
	return 0;
}

static int apply_attach(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = run_priv(run);
	int rc, attempt = 1;

	if (s->action != EW_ACTION_CREATE) {
		finish_state(e, s, EW_STATE_UNCHANGED);
		return 0;
	}
	for (;;) {
		struct ew_error why;
		int b;

		rc = ew_iam_attach_role_policy(&run->c, sp->role_name,
					       sp->policy_arn, err);
		if (!rc || !is_not_found(err, "NoSuchEntity"))
			break;
		/* Right after CreateRole/CreatePolicy IAM may not know them
		 * yet: wait and try again, a bounded number of times. */
		why = *err;
		b = ew_engine_backoff(run, attempt++, "iam", "AttachRolePolicy",
				      &why);
		if (b == EW_ECANCEL)
			return ew_error_set(err, EW_ECANCEL, "cancelled");
		if (b)
			break;
	}
	if (rc)
		return rc;
	ew_engine_set_detail(s, "attached");
	finish_state(e, s, EW_STATE_DONE);
	return 0;
}

int ew_engine_apply_step(struct ew_step_run *run, struct ew_error *err)
{
	switch (run->e->steps[run->idx].kind) {
	case EW_STEP_REPOSITORY:
		return apply_repository(run, err);
	case EW_STEP_LIFECYCLE:
		return apply_lifecycle(run, err);
	case EW_STEP_PROVIDER:
		return apply_provider(run, err);
	case EW_STEP_POLICY:
		return apply_policy(run, err);
	case EW_STEP_ROLE:
		return apply_role(run, err);
	case EW_STEP_ATTACH:
		return apply_attach(run, err);
	case EW_STEP_IDENTITY:
	case EW_STEP_OUTPUTS:
		break;
	}
	return 0;
}
