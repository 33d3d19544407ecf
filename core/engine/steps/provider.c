/*
 * provider.c - the account's one GitHub OIDC provider
 * (token.actions.githubusercontent.com): created with the partition's
 * audience, or the audience added to the one in place; in teardown,
 * removed only when no role left in the account trusts it.
 */
#include "step.h"

#include "iam.h"
#include "json_doc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void title(struct ew_engine *e, size_t i)
{
	ew_step_title(&e->steps[i],
		      "OIDC provider token.actions.githubusercontent.com");
}

static int prepare(struct ew_engine *e, size_t i, struct ew_error *err)
{
	struct ew_step *s = &e->steps[i];
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	int rc;

	rc = ew_step_provider_arn(&sp->provider_arn, e->setup, err);
	if (!rc)
		rc = ew_step_set_desired_json(
		    s, sp, provider_doc(NULL, ew_step_audience(e->setup)), err);
	if (!rc)
		snprintf(s->arn, sizeof(s->arn), "%s", sp->provider_arn);
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
	struct ew_step_priv *sp = ew_step_run_priv(run);
	const char *aud = ew_step_audience(e->setup);
	struct ew_iam_oidc_provider pr;
	struct ew_buf cur;
	cJSON *doc;
	bool has = false;
	int rc;

	memset(&pr, 0, sizeof(pr));
	ew_buf_init(&cur);
	rc = ew_iam_get_oidc_provider(&pr, &run->c, sp->provider_arn, err);
	if (rc && ew_step_is_aws(err, "NoSuchEntity")) {
		rc = ew_step_will_create(s, sp, err);
		goto done;
	}
	if (rc)
		goto done;
	sp->exists = true;
	s->is_managed = ew_tags_is_managed(&pr.tags);
	for (size_t i = 0; i < pr.client_ids.n; i++)
		has = has || strcmp(pr.client_ids.v[i], aud) == 0;
	/* What will be there: the audiences it has, plus ours. */
	rc = ew_step_set_desired_json(s, sp, provider_doc(&pr.client_ids, aud),
				      err);
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
				     ew_step_reused(s));
	else
		ew_engine_set_detail(s,
				     "exists without audience %s: will add "
				     "it%s",
				     aud, ew_step_reused(s));
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

static int apply_provider(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = ew_step_run_priv(run);
	const char *aud = ew_step_audience(e->setup);
	struct ew_tags tags;
	char *arn = NULL;
	int rc;

	if (s->action == EW_ACTION_UPDATE) {
		rc = ew_iam_add_oidc_client_id(&run->c, sp->provider_arn, aud,
					       err);
		if (rc)
			return rc;
		ew_engine_set_detail(s, "audience %s added%s", aud,
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
	rc = ew_iam_create_oidc_provider(&arn, &run->c, GITHUB_OIDC_URL, &aud,
					 1, NULL, 0, &tags, err);
	ew_tags_release(&tags);
	free(arn);
	if (rc && ew_step_is_aws(err, "EntityAlreadyExists")) {
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
		ew_engine_set_state(e, s, EW_STATE_UPDATED);
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
	ew_engine_set_state(e, s, EW_STATE_DONE);
	return 0;
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
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	struct ew_buf others;
	const char *p = sp->trusted_by.ptr;

	ew_step_decide_owned(e, i, "", "");
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

static int teardown_apply(struct ew_step_run *run, struct ew_error *err)
{
	return ew_iam_delete_oidc_provider(
	    &run->c, ew_step_run_priv(run)->provider_arn, err);
}

static void cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	struct ew_step_priv *sp = ew_step_priv_of(e, i);
	const char *aud = ew_step_audience(e->setup);

	if (e->steps[i].action == EW_ACTION_UPDATE) {
		ew_step_cli_iam(b, e,
				"add-client-id-to-open-id-connect-provider");
		ew_buf_puts(b, " --open-id-connect-provider-arn ");
		ew_step_cli_quote(b, sp->provider_arn);
		ew_buf_puts(b, " --client-id ");
		ew_step_cli_quote(b, aud);
		return;
	}
	/* No thumbprint, like the apply: IAM no longer uses one for
	 * GitHub's issuer. */
	ew_step_cli_iam(b, e, "create-open-id-connect-provider");
	ew_buf_puts(b, " --url "
		       "https://token.actions.githubusercontent"
		       ".com --client-id-list ");
	ew_step_cli_quote(b, aud);
	ew_buf_puts(b, EW_STEP_CLI_TAGS);
}

static void teardown_cli(struct ew_engine *e, size_t i, struct ew_buf *b)
{
	ew_step_cli_iam(b, e, "delete-open-id-connect-provider");
	ew_buf_puts(b, " --open-id-connect-provider-arn ");
	ew_step_cli_quote(b, ew_step_priv_of(e, i)->provider_arn);
}

const struct ew_step_ops ew_step_provider = {
    .kind = EW_STEP_PROVIDER,
    .name = "provider",
    .title = title,
    .prepare = prepare,
    .check = check_provider,
    .apply = apply_provider,
    /* After the roles: it stays while a role it does not delete
     * trusts it. */
    .teardown_check = decide_provider,
    .teardown_pass = 1,
    .teardown_apply = teardown_apply,
    .teardown_rank = 6,
    .removed = "deleted",
    .cli = cli,
    .teardown_cli = teardown_cli,
};
