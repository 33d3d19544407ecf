#include "oidc_subject.h"

#include "github_api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GitHub writes a ':' inside a value as %3A, so a value can never be
 * mistaken for the next key. */
static int put_value(struct ew_buf *b, const char *v)
{
	int rc = 0;

	if (!v)
		return ew_buf_putc(b, '*');
	for (const char *p = v; *p && !rc; p++)
		rc = *p == ':' ? ew_buf_puts(b, "%3A") : ew_buf_putc(b, *p);
	return rc;
}

static int put_context(struct ew_buf *b, const struct ew_oidc_claims *c)
{
	int rc;

	if (c->context)
		return ew_buf_puts(b, c->context);
	if (c->environment) {
		rc = ew_buf_puts(b, "environment:");
		return rc ? rc : put_value(b, c->environment);
	}
	if (c->event_name && strcmp(c->event_name, "pull_request") == 0)
		return ew_buf_puts(b, "pull_request");
	if (c->ref) {
		rc = ew_buf_puts(b, "ref:");
		return rc ? rc : put_value(b, c->ref);
	}
	return ew_buf_putc(b, '*');
}

/* OWNER/REPO/PATH@REF: the workflow_ref of a job that runs the workflow
 * file itself, which is also its job_workflow_ref (no reusable workflow
 * in between). */
static int put_workflow_ref(struct ew_buf *b, const struct ew_oidc_claims *c)
{
	int rc;

	if (!c->workflow_path)
		return ew_buf_putc(b, '*');
	rc = ew_buf_printf(b, "%s/%s/", c->owner, c->repo);
	if (!rc)
		rc = put_value(b, c->workflow_path);
	if (!rc)
		rc = ew_buf_putc(b, '@');
	if (!rc)
		rc = put_value(b, c->ref);
	return rc;
}

static const char *extra_claim(const struct ew_oidc_claims *c, const char *key)
{
	for (size_t i = 0; i < c->nextra; i++)
		if (c->extra[i].key && strcmp(c->extra[i].key, key) == 0)
			return c->extra[i].value ? c->extra[i].value : "";
	return NULL;
}

/* The value of a plain "key:value" claim; NULL when not known. */
static const char *plain_claim(const struct ew_oidc_claims *c, const char *key)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
	    {"repository_owner", offsetof(struct ew_oidc_claims, owner)},
	    {"repository_owner_id", offsetof(struct ew_oidc_claims, owner_id)},
	    {"repository_id", offsetof(struct ew_oidc_claims, repo_id)},
	    {"repository_visibility",
	     offsetof(struct ew_oidc_claims, visibility)},
	    {"environment", offsetof(struct ew_oidc_claims, environment)},
	    {"event_name", offsetof(struct ew_oidc_claims, event_name)},
	    {"ref", offsetof(struct ew_oidc_claims, ref)},
	    {"ref_type", offsetof(struct ew_oidc_claims, ref_type)},
	    {"base_ref", offsetof(struct ew_oidc_claims, base_ref)},
	    {"head_ref", offsetof(struct ew_oidc_claims, head_ref)},
	    {"workflow", offsetof(struct ew_oidc_claims, workflow)},
	    {"runner_environment",
	     offsetof(struct ew_oidc_claims, runner_environment)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i].key, key) == 0)
			return *(const char *const *)((const char *)c +
						      fields[i].off);
	return NULL;
}

static bool has_wildcard(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '*' || p[i] == '?')
			return true;
	return false;
}

static int template_text(struct ew_buf *b, const char *const *keys,
			 size_t nkeys)
{
	int rc = 0;

	for (size_t i = 0; i < nkeys && !rc; i++)
		rc = ew_buf_printf(b, "%s%s", i ? ", " : "", keys[i]);
	return rc;
}

/* The message for a template the wizard cannot satisfy safely. */
static int refuse(const char *const *keys, size_t nkeys,
		  const struct ew_oidc_claims *c, const char *why,
		  struct ew_error *err)
{
	struct ew_buf t, fix;
	int rc;

	ew_buf_init(&t);
	ew_buf_init(&fix);
	if (template_text(&t, keys, nkeys) ||
	    ew_oidc_subject_reset_command(&fix, c->owner, c->repo)) {
		rc = ew_error_oom(err);
	} else {
		rc = ew_error_set(err, EW_EINVAL,
				  "the OIDC subject template of %s/%s "
				  "(include_claim_keys: %s) %s; or put the "
				  "repository back on GitHub's default "
				  "subject: %s",
				  c->owner, c->repo, t.ptr, why, fix.ptr);
	}
	ew_buf_release(&t);
	ew_buf_release(&fix);
	return rc;
}

int ew_oidc_subject_format(struct ew_buf *out, const char *const *keys,
			   size_t nkeys, const struct ew_oidc_claims *c,
			   bool immutable, bool *is_pattern,
			   struct ew_error *err)
{
	static const char *const default_keys[] = {"repo", "context"};
	const char *wild_key = NULL; /* first wildcard before the repo */
	bool identified = false, pattern = false;
	struct ew_buf res, seg, why;
	int rc = 0;

	if (!c->owner || !c->repo)
		return ew_error_set(err, EW_EINVAL,
				    "no GitHub repository: give OWNER/REPO");
	if (immutable && !(c->owner_id && c->repo_id))
		return ew_error_set(err, EW_EINVAL,
				    "the immutable subject form needs both "
				    "numeric IDs: give --github-ids "
				    "OWNER_ID/REPO_ID");
	if (nkeys == 0) {
		keys = default_keys;
		nkeys = 2;
	}
	ew_buf_init(&res);
	ew_buf_init(&seg);
	ew_buf_init(&why);
	for (size_t i = 0; i < nkeys && !rc; i++) {
		const char *k = keys[i];
		const char *v = extra_claim(c, k);
		bool ident = false;

		ew_buf_clear(&seg);
		if (strcmp(k, "repo") == 0) {
			ident = true;
			rc = immutable ? ew_buf_printf(&seg, "repo:%s@%s/%s@%s",
						       c->owner, c->owner_id,
						       c->repo, c->repo_id)
				       : ew_buf_printf(&seg, "repo:%s/%s",
						       c->owner, c->repo);
		} else if (strcmp(k, "context") == 0) {
			rc = put_context(&seg, c);
		} else if (strcmp(k, "repository") == 0) {
			ident = true;
			rc = ew_buf_printf(&seg, "repository:%s/%s", c->owner,
					   c->repo);
		} else if (strcmp(k, "environment") == 0 && !v &&
			   !c->environment) {
			rc = refuse(keys, nkeys, c,
				    "names 'environment': GitHub mints a "
				    "token only for jobs that run in an "
				    "environment; use environment scopes "
				    "(--trust env:NAME or --env NAME:REGION:"
				    "REPO)",
				    err);
			break;
		} else if (!v && (strcmp(k, "workflow_ref") == 0 ||
				  strcmp(k, "job_workflow_ref") == 0)) {
			rc = ew_buf_printf(&seg, "%s:", k);
			if (!rc)
				rc = put_workflow_ref(&seg, c);
		} else {
			if (!v)
				v = plain_claim(c, k);
			ident = strcmp(k, "repository_id") == 0 && v;
			rc = ew_buf_printf(&seg, "%s:", k);
			if (!rc)
				rc = put_value(&seg, v);
		}
		if (rc)
			break;
		if (has_wildcard(seg.ptr, seg.len)) {
			pattern = true;
			ident = false;
			if (!identified && !wild_key)
				wild_key = k;
		}
		identified = identified || ident;
		rc = ew_buf_printf(&res, "%s%s", i ? ":" : "", seg.ptr);
	}
	if (rc == EW_ENOMEM)
		rc = ew_error_oom(err);
	if (!rc && (!identified || wild_key)) {
		bool by_name = false, by_id = false;

		for (size_t i = 0; i < nkeys; i++) {
			by_name = by_name || !strcmp(keys[i], "repo") ||
				  !strcmp(keys[i], "repository");
			by_id = by_id || !strcmp(keys[i], "repository_id");
		}
		if (!by_name && !by_id)
			rc = ew_buf_puts(
			    &why, "names no claim that identifies the "
				  "repository (repo, repository or "
				  "repository_id): a trust policy in that "
				  "template would admit other repositories; "
				  "add repo to the template");
		else if (!by_name && !c->repo_id)
			rc = ew_buf_puts(&why,
					 "needs the repository's numeric ID, "
					 "which the GitHub API did not give: "
					 "give --github-ids OWNER_ID/REPO_ID");
		else
			rc = ew_buf_printf(
			    &why,
			    "puts '%s' before the claim that names the "
			    "repository, and the wizard cannot know its "
			    "value: a wildcard there could admit another "
			    "repository's tokens; start the template with "
			    "repo",
			    wild_key ? wild_key : "?");
		rc = rc ? ew_error_oom(err)
			: refuse(keys, nkeys, c, why.ptr, err);
	}
	if (!rc && ew_buf_add(out, res.ptr, res.len))
		rc = ew_error_oom(err);
	if (!rc && is_pattern)
		*is_pattern = pattern;
	ew_buf_release(&res);
	ew_buf_release(&seg);
	ew_buf_release(&why);
	return rc;
}

int ew_oidc_subject_scope_claims(struct ew_oidc_claims *c,
				 const struct ew_setup *s,
				 const struct ew_scope *sc, struct ew_buf *buf)
{
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->owner = s->owner;
	c->repo = s->repo;
	c->owner_id = s->owner_id;
	c->repo_id = s->repo_id;
	c->visibility = s->github_visibility;
	c->workflow_path = s->workflow_path;
	/* The workflow ecr-wizard writes runs on GitHub's runners. */
	c->runner_environment = "github-hosted";
	ew_buf_clear(buf);
	switch (sc->kind) {
	case EW_SCOPE_ANY:
		c->context = "*";
		break;
	case EW_SCOPE_BRANCH:
		rc = ew_buf_printf(buf, "refs/heads/%s", sc->value);
		c->ref = buf->ptr;
		c->ref_type = "branch";
		c->event_name = "push";
		break;
	case EW_SCOPE_TAG:
		/* a tag push, or a release published for that tag */
		rc = ew_buf_printf(buf, "refs/tags/%s", sc->value);
		c->ref = buf->ptr;
		c->ref_type = "tag";
		break;
	case EW_SCOPE_ENV:
		c->environment = sc->value;
		break;
	case EW_SCOPE_PULL_REQUEST:
		c->event_name = "pull_request";
		c->ref = "refs/pull/*/merge";
		break;
	}
	return rc ? EW_ENOMEM : 0;
}

int ew_oidc_subject_token(struct ew_buf *out, const struct ew_setup *s,
			  const char *environment, const char *event_name,
			  const char *ref, bool immutable, struct ew_error *err)
{
	struct ew_oidc_claims c;

	memset(&c, 0, sizeof(c));
	c.owner = s->owner;
	c.repo = s->repo;
	c.owner_id = s->owner_id;
	c.repo_id = s->repo_id;
	c.visibility = s->github_visibility;
	c.workflow_path = s->workflow_path;
	c.runner_environment = "github-hosted";
	c.environment = environment;
	c.event_name = event_name;
	c.ref = ref;
	if (ref && strncmp(ref, "refs/heads/", 11) == 0)
		c.ref_type = "branch";
	else if (ref && strncmp(ref, "refs/tags/", 10) == 0)
		c.ref_type = "tag";
	return ew_oidc_subject_format(
	    out, (const char *const *)s->sub_claim_keys, s->nsub_claim_keys, &c,
	    immutable, NULL, err);
}

int ew_oidc_subject_reset_command(struct ew_buf *out, const char *owner,
				  const char *repo)
{
	return ew_buf_printf(out,
			     "gh api -X PUT repos/%s/%s/actions/oidc/"
			     "customization/sub -F use_default=true",
			     owner, repo);
}

int ew_oidc_subject_notes(struct ew_buf *out, const struct ew_setup *s)
{
	const char *const *keys = (const char *const *)s->sub_claim_keys;
	bool ctx = false;
	int rc;

	if (s->nsub_claim_keys == 0)
		return 0;
	rc = ew_buf_printf(out,
			   "the OIDC subject template of %s/%s is "
			   "custom (include_claim_keys: ",
			   s->owner, s->repo);
	if (!rc)
		rc = template_text(out, keys, s->nsub_claim_keys);
	if (!rc)
		rc = ew_buf_puts(out, "): the trust policy's sub patterns "
				      "follow it\n");
	for (size_t i = 0; i < s->nsub_claim_keys; i++)
		if (!strcmp(keys[i], "context") || !strcmp(keys[i], "ref") ||
		    !strcmp(keys[i], "environment"))
			ctx = true;
	for (size_t i = 0; i < s->nscopes && !rc && !ctx; i++)
		if (s->scopes[i].kind != EW_SCOPE_ANY) {
			rc = ew_buf_printf(
			    out,
			    "the template has no context, ref or "
			    "environment claim: every run of %s/%s gets "
			    "the same subject, so the trust policy cannot "
			    "limit the role to the chosen scopes\n",
			    s->owner, s->repo);
			break;
		}
	return rc;
}

/* ------------------------------------------------------------ the API */

int ew_oidc_subject_template(struct ew_github_sub_template *out,
			     struct ew_context *ctx, const char *owner,
			     const char *repo, struct ew_buf *notes,
			     struct ew_error *err)
{
	struct ew_github_sub_template org;
	struct ew_error e;
	struct ew_buf fix;
	int rc = 0;

	ew_error_clear(&e);
	ew_buf_init(&fix);
	memset(&org, 0, sizeof(org));
	if (ew_github_sub_template(out, ctx, owner, repo, &e) != 0) {
		/* 404: no customisation; anything else: we cannot tell. */
		if (out->status != EW_GITHUB_NOT_FOUND)
			rc = ew_buf_printf(
			    notes,
			    "%s: the trust policy assumes GitHub's default "
			    "subject\n",
			    e.message);
		ew_github_sub_template_release(out);
		out->use_default = true;
		goto done;
	}
	if (!ew_github_sub_template_is_custom(out) || out->nkeys > 0)
		goto done;
	/* use_default false without keys: the repository opted in to its
	 * organization's template, which only the organization endpoint
	 * shows (none there: GitHub's default). */
	if (ew_github_org_sub_template(&org, ctx, owner, &e) != 0) {
		if (ew_oidc_subject_reset_command(&fix, owner, repo)) {
			rc = ew_error_oom(err);
			goto done;
		}
		rc = ew_error_set(err, EW_EINVAL,
				  "%s/%s uses its organization's OIDC subject "
				  "template, which cannot be read (%s): set "
				  "GH_TOKEN to a token with read:org, or put "
				  "the repository back on GitHub's default "
				  "subject: %s",
				  owner, repo, e.message, fix.ptr);
		goto done;
	}
	ew_github_sub_template_release(out);
	*out = org;
	memset(&org, 0, sizeof(org));
done:
	ew_github_sub_template_release(&org);
	ew_buf_release(&fix);
	if (rc == EW_ENOMEM)
		rc = ew_error_oom(err);
	return rc;
}

static int learn_template(struct ew_setup *s, struct ew_context *ctx,
			  struct ew_buf *notes, struct ew_error *err)
{
	struct ew_github_sub_template t;
	int rc;

	rc = ew_oidc_subject_template(&t, ctx, s->owner, s->repo, notes, err);
	if (!rc && ew_github_sub_template_is_custom(&t))
		rc = ew_setup_set_sub_claim_keys(s, (const char *const *)t.keys,
						 t.nkeys, err);
	ew_github_sub_template_release(&t);
	return rc;
}

int ew_oidc_subject_learn(struct ew_setup *s, struct ew_context *ctx,
			  bool ids_given, struct ew_buf *notes,
			  struct ew_error *err)
{
	struct ew_github_ids ids;
	struct ew_error e;
	char num[32];
	int rc = 0;

	ew_error_clear(&e);
	if (ew_github_repo_ids(&ids, ctx, s->owner, s->repo, &e) != 0) {
		if (ids_given)
			return ew_buf_printf(notes,
					     "cannot read the repository from "
					     "the GitHub API (%s): using the "
					     "IDs given with --github-ids\n",
					     e.message)
				   ? ew_error_oom(err)
				   : 0;
		return ew_buf_printf(notes,
				     "cannot read the repository IDs from the "
				     "GitHub API (%s): the trust policy uses "
				     "the OWNER/REPO subject form only; give "
				     "them with --github-ids OWNER_ID/REPO_ID "
				     "to add the immutable form\n",
				     e.message)
			   ? ew_error_oom(err)
			   : 0;
	}
	/* The sub claim matches case-sensitively: GitHub's spelling. */
	if (ids.owner_login[0] && ids.repo_name[0] &&
	    (strcmp(ids.owner_login, s->owner) != 0 ||
	     strcmp(ids.repo_name, s->repo) != 0)) {
		char slug[160];

		rc = ew_buf_printf(notes,
				   "GitHub spells the repository %s/%s, not "
				   "%s/%s: the trust policy's sub patterns "
				   "use GitHub's spelling, as its tokens "
				   "do\n",
				   ids.owner_login, ids.repo_name, s->owner,
				   s->repo);
		snprintf(slug, sizeof(slug), "%s/%s", ids.owner_login,
			 ids.repo_name);
		if (!rc)
			rc = ew_setup_set_github(s, slug, err);
		if (rc)
			return rc == EW_ENOMEM ? ew_error_oom(err) : rc;
	}
	if (!ids_given) {
		snprintf(num, sizeof(num), "%" PRId64, ids.owner_id);
		if (ew_setup_set_owner_id(s, num, NULL) == 0) {
			snprintf(num, sizeof(num), "%" PRId64, ids.repo_id);
			if (ew_setup_set_repo_id(s, num, NULL) != 0)
				ew_setup_set_owner_id(s, NULL, NULL);
		}
	} else if (s->owner_id && s->repo_id) {
		char o[32], r[32];

		snprintf(o, sizeof(o), "%" PRId64, ids.owner_id);
		snprintf(r, sizeof(r), "%" PRId64, ids.repo_id);
		if (strcmp(o, s->owner_id) != 0 || strcmp(r, s->repo_id) != 0)
			rc =
			    ew_buf_printf(notes,
					  "the GitHub API gives the IDs %s/%s, "
					  "not %s/%s as given with "
					  "--github-ids: using the given "
					  "ones\n",
					  o, r, s->owner_id, s->repo_id);
	}
	if (!rc && ids.visibility[0])
		(void)ew_setup_set_github_visibility(s, ids.visibility, NULL);
	else if (!rc)
		(void)ew_setup_set_github_visibility(
		    s, ids.is_private ? "private" : "public", NULL);
	if (rc)
		return ew_error_oom(err);
	return learn_template(s, ctx, notes, err);
}
