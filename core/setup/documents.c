#include "documents.h"

#include "glob.h"
#include "json_doc.h"
#include "oidc_subject.h"
#include "partition.h"
#include "template.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* Render a JSON template, prove the result is JSON, append it in display
 * form.  A parse failure here is our bug, never the user's input. */
static int render_json(struct ew_buf *out, const char *name,
		       const struct ew_template_vars *vars,
		       struct ew_error *err)
{
	struct ew_buf raw;
	cJSON *doc = NULL;
	int rc;

	ew_buf_init(&raw);
	rc = ew_template_render_file(&raw, name, vars, err);
	if (rc)
		goto done;
	doc = cJSON_ParseWithLength(raw.ptr, raw.len);
	if (!doc) {
		rc = ew_error_set(err, EW_ERROR,
				  "template '%s' produced invalid JSON", name);
		goto done;
	}
	rc = ew_json_doc_print(out, doc);
	if (rc)
		rc = ew_error_oom(err);
done:
	cJSON_Delete(doc);
	ew_buf_release(&raw);
	return rc;
}

static int set_json_string(struct ew_template_vars *v, const char *name,
			   const char *value)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc = ew_json_doc_quote(&b, value);
	if (!rc)
		rc = ew_template_vars_set(v, name, b.ptr);
	ew_buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------ trust */

/* Whether subject is already in seen ('\n'-framed); adds it if not. */
static int seen_before(struct ew_buf *seen, const char *subject, bool *dup)
{
	struct ew_buf probe;
	int rc;

	ew_buf_init(&probe);
	rc = ew_buf_printf(&probe, "\n%s\n", subject);
	*dup = !rc && seen->len && strstr(seen->ptr, probe.ptr);
	if (!rc && !*dup)
		rc = seen->len ? ew_buf_printf(seen, "%s\n", subject)
			       : ew_buf_add(seen, probe.ptr, probe.len);
	ew_buf_release(&probe);
	return rc;
}

int ew_doc_trust_subjects(const struct ew_setup *s,
			  const struct ew_env_target *env,
			  int (*fn)(const char *subject, bool is_pattern,
				    void *payload),
			  void *payload, struct ew_error *err)
{
	struct ew_scope env_scope = {EW_SCOPE_ENV, NULL, false};
	const struct ew_scope *scopes = s->scopes;
	const char *const *keys = (const char *const *)s->sub_claim_keys;
	size_t nscopes = s->nscopes;
	struct ew_buf scratch, subj, envname, seen;
	struct ew_oidc_claims c;
	bool ids = s->owner_id && s->repo_id;
	int rc = 0;

	if (!s->owner || !s->repo)
		return ew_error_set(err, EW_EINVAL,
				    "no GitHub repository: give OWNER/REPO");
	ew_buf_init(&scratch);
	ew_buf_init(&subj);
	ew_buf_init(&envname);
	ew_buf_init(&seen);
	if (env) {
		/* GitHub writes ':' in an environment name as %3A. */
		for (const char *p = env->name; *p && !rc; p++)
			rc = *p == ':' ? ew_buf_puts(&envname, "%3A")
				       : ew_buf_putc(&envname, *p);
		env_scope.value = envname.ptr;
		scopes = &env_scope;
		nscopes = 1;
	}
	/* The name form for every scope, then the immutable form; both in
	 * the repository's subject template (oidc_subject.h). */
	for (int form = 0; form < (ids ? 2 : 1) && !rc; form++) {
		for (size_t i = 0; i < nscopes && !rc; i++) {
			bool pattern = false, dup = false;

			rc = ew_oidc_subject_scope_claims(&c, s, &scopes[i],
							  &scratch);
			if (rc)
				break;
			ew_buf_clear(&subj);
			rc = ew_oidc_subject_format(&subj, keys,
						    s->nsub_claim_keys, &c,
						    form == 1, &pattern, err);
			if (rc)
				goto done;
			/* A template without the scope's claims gives
			 * several scopes (or both forms) one subject. */
			rc = seen_before(&seen, subj.ptr, &dup);
			if (!rc && !dup)
				rc = fn(subj.ptr, pattern, payload);
		}
	}
	if (rc == EW_ENOMEM)
		rc = ew_error_oom(err);
done:
	ew_buf_release(&envname);
	ew_buf_release(&scratch);
	ew_buf_release(&subj);
	ew_buf_release(&seen);
	return rc;
}

struct subjects {
	struct ew_buf eq, like; /* JSON strings, comma separated */
	size_t neq, nlike;
};

static int collect(const char *subject, bool is_pattern, void *payload)
{
	struct subjects *S = payload;
	struct ew_buf *b = is_pattern ? &S->like : &S->eq;
	size_t *n = is_pattern ? &S->nlike : &S->neq;
	int rc = *n ? ew_buf_puts(b, ", ") : 0;

	if (!rc)
		rc = ew_json_doc_quote(b, subject);
	if (!rc)
		(*n)++;
	return rc;
}

/* One subject as a string, several as an array (IAM accepts both; the
 * single string is what the guide shows). */
static int set_json_list(struct ew_template_vars *v, const char *name,
			 const struct ew_buf *items, size_t n)
{
	struct ew_buf b;
	int rc;

	if (n == 0)
		return ew_template_vars_set(v, name, "");
	if (n == 1)
		return ew_template_vars_set(v, name, items->ptr);
	ew_buf_init(&b);
	rc = ew_buf_printf(&b, "[%s]", items->ptr);
	if (!rc)
		rc = ew_template_vars_set(v, name, b.ptr);
	ew_buf_release(&b);
	return rc;
}

int ew_doc_trust_policy(struct ew_buf *out, const struct ew_setup *s,
			const struct ew_env_target *env, struct ew_error *err)
{
	struct ew_template_vars *v = NULL;
	struct subjects S;
	struct ew_buf arn;
	const struct ew_partition *p;
	int rc;

	ew_buf_init(&S.eq);
	ew_buf_init(&S.like);
	ew_buf_init(&arn);
	S.neq = S.nlike = 0;
	rc = ew_setup_check(s, err);
	if (!rc)
		rc = ew_setup_provider_arn(&arn, s, err);
	if (!rc)
		rc = ew_doc_trust_subjects(s, env, collect, &S, err);
	if (rc)
		goto done;
	p = ew_partition_for_region(s->region);
	v = ew_template_vars_new();
	rc = v ? 0 : EW_ENOMEM;
	if (!rc)
		rc = set_json_string(v, "PROVIDER_ARN", arn.ptr);
	if (!rc)
		rc = set_json_string(v, "AUDIENCE", p->audience);
	if (!rc)
		rc = set_json_list(v, "SUB_EQUALS", &S.eq, S.neq);
	if (!rc)
		rc = set_json_list(v, "SUB_LIKE", &S.like, S.nlike);
	if (!rc)
		rc = ew_template_vars_set(v, "BOTH",
					  S.neq && S.nlike ? "yes" : "");
	if (rc) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = render_json(out, "trust-policy.json", v, err);
done:
	ew_template_vars_free(v);
	ew_buf_release(&S.eq);
	ew_buf_release(&S.like);
	ew_buf_release(&arn);
	return rc;
}

/* ------------------------------------------------------------ permissions */

int ew_doc_permissions_policy(struct ew_buf *out, const struct ew_setup *s,
			      const struct ew_env_target *env,
			      struct ew_error *err)
{
	struct ew_template_vars *v = NULL;
	struct ew_buf arn;
	int rc;

	ew_buf_init(&arn);
	rc = ew_setup_check(s, err);
	if (!rc)
		rc = ew_setup_repository_arn(&arn, s, env, err);
	if (rc)
		goto done;
	v = ew_template_vars_new();
	if (!v || set_json_string(v, "REPOSITORY_ARN", arn.ptr)) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = render_json(out, "permissions-policy.json", v, err);
done:
	ew_template_vars_free(v);
	ew_buf_release(&arn);
	return rc;
}

/* ------------------------------------------------------------ lifecycle */

int ew_doc_lifecycle_policy(struct ew_buf *out, const struct ew_setup *s,
			    struct ew_error *err)
{
	struct ew_template_vars *v = NULL;
	struct ew_buf desc, doc, wire;
	int rc;

	ew_buf_init(&desc);
	ew_buf_init(&doc);
	ew_buf_init(&wire);
	if (s->keep_images < 1 || s->keep_images > EW_MAX_KEEP_IMAGES) {
		rc = ew_error_set(err, EW_EINVAL,
				  "images to keep must be 1-%d, not %d",
				  EW_MAX_KEEP_IMAGES, s->keep_images);
		goto done;
	}
	rc = s->keep_images == 1
		 ? ew_buf_puts(&desc, "Keep only the last image")
		 : ew_buf_printf(&desc, "Keep only the last %d images",
				 s->keep_images);
	v = rc ? NULL : ew_template_vars_new();
	if (!v || set_json_string(v, "DESCRIPTION", desc.ptr) ||
	    ew_template_vars_setf(v, "KEEP", "%d", s->keep_images)) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = render_json(&doc, "lifecycle-policy.json", v, err);
	if (!rc)
		rc = ew_json_doc_compact(&wire, doc.ptr, err);
	if (rc)
		goto done;
	/* ECR's model: lifecyclePolicyText is 100-30720 characters. */
	if (wire.len < 100 || wire.len > 30720) {
		rc = ew_error_set(err, EW_ERROR,
				  "lifecycle policy is %zu characters; ECR "
				  "takes 100-30720",
				  wire.len);
		goto done;
	}
	rc = ew_buf_add(out, doc.ptr, doc.len);
	if (rc)
		rc = ew_error_oom(err);
done:
	ew_template_vars_free(v);
	ew_buf_release(&desc);
	ew_buf_release(&doc);
	ew_buf_release(&wire);
	return rc;
}

/* ------------------------------------------------------------ workflow */

/*
 * The workflow is derived from the same setup as the trust policy, so that
 * every run it starts presents a token the role admits (docs/workflow.md):
 * the triggers come from the scopes that name refs (any, branch, tag,
 * pull_request), a job-level environment from the env scopes, and the
 * image tags from the repository's tag mutability.
 */

/* A YAML single-quoted scalar, which is also a GitHub expression string
 * literal: the only escape either needs is '' for '. */
static int quoted(struct ew_buf *b, const char *s)
{
	int rc = ew_buf_putc(b, '\'');

	for (; *s && !rc; s++)
		rc = *s == '\'' ? ew_buf_puts(b, "''") : ew_buf_putc(b, *s);
	return rc ? rc : ew_buf_putc(b, '\'');
}

static int set_quoted(struct ew_template_vars *v, const char *name,
		      const char *prefix, const char *value)
{
	struct ew_buf b, q;
	int rc;

	ew_buf_init(&b);
	ew_buf_init(&q);
	rc = ew_buf_printf(&b, "%s%s", prefix, value);
	if (!rc)
		rc = quoted(&q, b.ptr);
	if (!rc)
		rc = ew_template_vars_set(v, name, q.ptr);
	ew_buf_release(&b);
	ew_buf_release(&q);
	return rc;
}

/* A GitHub branch/tag filter admitting no ref the trust subject (an IAM
 * glob: '*' any run, '?' one character) refuses.  GitHub's '*' stops at
 * '/', so the trust's '*' becomes "**"; GitHub has no "any one
 * character", so '?' becomes one letter or digit (a narrower filter is
 * safe: it can only start fewer runs); GitHub's other glob characters in
 * a name are escaped so they stand for themselves. */
static int ref_filter(struct ew_buf *b, const char *value, bool pattern)
{
	int rc = 0;

	for (const char *p = value; *p && !rc; p++) {
		if (pattern && *p == '*') {
			rc = ew_buf_puts(b, "**");
			while (p[1] == '*')
				p++;
		} else if (pattern && *p == '?') {
			rc = ew_buf_puts(b, "[0-9A-Za-z]");
		} else {
			if (strchr("+!*?[]\\", *p))
				rc = ew_buf_putc(b, '\\');
			if (!rc)
				rc = ew_buf_putc(b, *p);
		}
	}
	return rc;
}

/* Add FILTER to list name unless it is there already. */
static int add_filter(struct ew_template_vars *v, const char *name,
		      struct ew_buf *seen, const char *value, bool pattern)
{
	struct ew_buf f, q;
	struct ew_template_vars *item;
	int rc;

	ew_buf_init(&f);
	ew_buf_init(&q);
	rc = ref_filter(&f, value, pattern);
	if (!rc)
		rc = quoted(&q, f.ptr ? f.ptr : "");
	/* seen holds "\n" + each quoted filter + "\n" */
	if (!rc) {
		char *key = ew_aprintf("\n%s\n", q.ptr);

		rc = key ? 0 : EW_ENOMEM;
		if (key && seen->ptr && strstr(seen->ptr, key)) {
			free(key);
			goto done;
		}
		free(key);
	}
	if (!rc)
		rc = ew_buf_printf(seen, "\n%s\n", q.ptr);
	item = rc ? NULL : ew_template_vars_add_item(v, name);
	if (!rc && !item)
		rc = EW_ENOMEM;
	if (!rc)
		rc = ew_template_vars_set(item, "FILTER", q.ptr);
done:
	ew_buf_release(&f);
	ew_buf_release(&q);
	return rc;
}

/* Whether some string matches both '*'/'?' globs a and b (ECR exclusion
 * filters use '*' only; the trust's branch patterns may hold '?'). */
static bool globs_meet(const char *a, const char *b)
{
	size_t m = strlen(a), n = strlen(b);
	bool *t = calloc((m + 1) * (n + 1), sizeof(bool));
	bool r;

	if (!t)
		return true; /* the cautious answer */
#define AT(i, j) t[(i) * (n + 1) + (j)]
	/* AT(i, j): a[i..] and b[j..] have a common match. */
	for (size_t i = m + 1; i-- > 0;)
		for (size_t j = n + 1; j-- > 0;) {
			bool v;

			if (i == m && j == n)
				v = true;
			else if (i < m && a[i] == '*')
				v = AT(i + 1, j) || (j < n && AT(i, j + 1));
			else if (j < n && b[j] == '*')
				v = AT(i, j + 1) || (i < m && AT(i + 1, j));
			else if (i == m || j == n)
				v = false;
			else
				v = (a[i] == '?' || b[j] == '?' ||
				     a[i] == b[j]) &&
				    AT(i + 1, j + 1);
			AT(i, j) = v;
		}
	r = AT(0, 0);
#undef AT
	free(t);
	return r;
}

/* The tag a moving kind pushes, as a glob: metadata-action turns every run
 * of characters a Docker tag may not hold into '-'. */
static int tag_glob(struct ew_buf *b, const char *prefix, const char *value)
{
	int rc = ew_buf_puts(b, prefix);
	bool bad = false;

	for (const char *p = value; *p && !rc; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') ||
			  (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || strchr("_.-*?", *p);

		if (!ok) {
			bad = true;
			continue;
		}
		if (bad)
			rc = ew_buf_putc(b, '-');
		bad = false;
		if (!rc)
			rc = ew_buf_putc(b, *p);
	}
	if (!rc && bad)
		rc = ew_buf_putc(b, '-');
	return rc;
}

/*
 * Whether a moving tag (one a later run pushes again: latest, a branch
 * name, pr-N), given as a glob of the values it takes, may be pushed in
 * this repository.  IMMUTABLE_WITH_EXCLUSION: the filters name the tags
 * that stay mutable, so one must cover every value.  MUTABLE_WITH_
 * EXCLUSION: the filters name the immutable tags, so none may match any
 * value.
 */
static bool may_move(const struct ew_setup *s, const char *glob)
{
	switch (s->tag_mutability) {
	case EW_TAG_MUTABLE:
		return true;
	case EW_TAG_IMMUTABLE:
		return false;
	case EW_TAG_IMMUTABLE_WITH_EXCLUSION:
		for (size_t i = 0; i < s->ntag_exclusions; i++)
			if (ew_glob_covers(s->tag_exclusions[i], glob, false))
				return true;
		return false;
	case EW_TAG_MUTABLE_WITH_EXCLUSION:
		for (size_t i = 0; i < s->ntag_exclusions; i++)
			if (globs_meet(s->tag_exclusions[i], glob))
				return false;
		return true;
	}
	return false;
}

/* What the scopes ask of the workflow. */
struct wf_shape {
	bool ref_job;	   /* a job without environment (any/branch/tag/PR) */
	bool any;	   /* push to the default branch + releases */
	bool pull_request; /* on.pull_request */
	size_t nbranch, ntag, nenv;
};

static void wf_shape(struct wf_shape *w, const struct ew_setup *s)
{
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < s->nscopes; i++) {
		switch (s->scopes[i].kind) {
		case EW_SCOPE_ANY:
			w->any = true;
			break;
		case EW_SCOPE_BRANCH:
			w->nbranch++;
			break;
		case EW_SCOPE_TAG:
			w->ntag++;
			break;
		case EW_SCOPE_ENV:
			w->nenv++;
			break;
		case EW_SCOPE_PULL_REQUEST:
			w->pull_request = true;
			break;
		}
	}
	w->ref_job = s->nenvs == 0 &&
		     (w->any || w->nbranch || w->ntag || w->pull_request);
	/* Only environments (env scopes, or --env targets): any trigger
	 * gives the environment's subject, so use the guide's. */
	if (!w->any && !w->nbranch && !w->ntag && !w->pull_request)
		w->any = true;
	if (s->nenvs)
		w->nenv = 0; /* the --env targets are the environments */
}

static int trigger_vars(struct ew_template_vars *v, const struct ew_setup *s,
			const struct wf_shape *w)
{
	struct ew_buf seen_b, seen_t;
	bool branches = w->any || w->nbranch, tags = w->ntag > 0;
	int rc;

	ew_buf_init(&seen_b);
	ew_buf_init(&seen_t);
	rc = ew_template_vars_set(v, "PUSH", branches || tags ? "1" : "");
	if (!rc)
		rc = ew_template_vars_set(v, "HAS_BRANCHES",
					  branches ? "1" : "");
	if (!rc)
		rc = ew_template_vars_set(v, "HAS_TAGS", tags ? "1" : "");
	if (!rc)
		rc = ew_template_vars_set(v, "RELEASE", w->any ? "1" : "");
	if (!rc)
		rc = ew_template_vars_set(v, "PULL_REQUEST",
					  w->pull_request ? "1" : "");
	if (!rc)
		rc = ew_template_vars_list(v, "BRANCHES");
	if (!rc)
		rc = ew_template_vars_list(v, "TAGS");
	if (!rc && w->any)
		rc = add_filter(v, "BRANCHES", &seen_b, s->default_branch,
				false);
	for (size_t i = 0; i < s->nscopes && !rc; i++) {
		const struct ew_scope *sc = &s->scopes[i];

		if (sc->kind == EW_SCOPE_BRANCH)
			rc = add_filter(v, "BRANCHES", &seen_b, sc->value,
					sc->is_pattern);
		else if (sc->kind == EW_SCOPE_TAG)
			rc = add_filter(v, "TAGS", &seen_t, sc->value,
					sc->is_pattern);
	}
	ew_buf_release(&seen_b);
	ew_buf_release(&seen_t);
	return rc;
}

static int add_line(struct ew_template_vars *v, const char *line)
{
	struct ew_template_vars *item =
	    ew_template_vars_add_item(v, "TAG_LINES");

	if (!item)
		return EW_ENOMEM;
	return ew_template_vars_set(item, "LINE", line);
}

/*
 * The metadata-action tag lines and the build step's condition
 * (docs/workflow.md).  flavor latest=false everywhere: metadata-action's
 * default (latest=auto) adds latest to every tag push.  MUTABLE: latest
 * from the default branch only, the branch, the git tag, pr-N, sha-.
 * Otherwise the run's own tag (computed and looked up by the check step:
 * the git tag, or sha- and the full commit) unless it is already there,
 * plus each moving tag the repository lets move.
 */
static int tag_vars(struct ew_template_vars *v, const struct ew_setup *s,
		    const struct wf_shape *w)
{
	bool branches = w->any || w->nbranch;
	bool tags = w->any || w->ntag;
	bool latest = false, branch = false, pr = false;
	struct ew_buf def, cond, g;
	int rc;

	ew_buf_init(&def);
	ew_buf_init(&cond);
	ew_buf_init(&g);
	rc = ew_template_vars_list(v, "TAG_LINES");
	if (!rc)
		rc = ew_buf_printf(&g, "refs/heads/%s", s->default_branch);
	if (!rc)
		rc = ew_buf_puts(&def, "github.ref == ");
	if (!rc)
		rc = quoted(&def, g.ptr);
	ew_buf_clear(&g);
	if (rc)
		goto done;
	if (branches) {
		latest = may_move(s, "latest");
		branch = true;
		if (w->any) {
			rc = tag_glob(&g, "", s->default_branch);
			branch = !rc && may_move(s, g.ptr);
		}
		for (size_t i = 0; i < s->nscopes && !rc && branch; i++) {
			if (s->scopes[i].kind != EW_SCOPE_BRANCH)
				continue;
			ew_buf_clear(&g);
			rc = tag_glob(&g, "", s->scopes[i].value);
			branch = !rc && may_move(s, g.ptr);
		}
	}
	if (w->pull_request)
		pr = may_move(s, "pr-*");
	if (rc)
		goto done;

	if (s->tag_mutability != EW_TAG_MUTABLE) {
		rc =
		    add_line(v, "type=raw,value=${{ steps.check.outputs.tag }},"
				"enable=${{ steps.check.outputs.exists == "
				"'false' }}");
		if (!rc)
			rc = ew_buf_puts(
			    &cond, "steps.check.outputs.exists == 'false'");
	}
	if (!rc && latest) {
		char *line = ew_aprintf(
		    "type=raw,value=latest,enable=${{ %s }}", def.ptr);

		rc = line ? add_line(v, line) : EW_ENOMEM;
		free(line);
	}
	if (!rc && latest && cond.len)
		rc = ew_buf_printf(&cond, " || %s", def.ptr);
	if (!rc && branch)
		rc = add_line(v, "type=ref,event=branch");
	if (!rc && branch && cond.len)
		rc = ew_buf_puts(&cond,
				 " || startsWith(github.ref, 'refs/heads/')");
	if (!rc && pr)
		rc = add_line(v, "type=ref,event=pr");
	if (!rc && pr && cond.len)
		rc = ew_buf_puts(&cond,
				 " || github.event_name == 'pull_request'");
	if (!rc && s->tag_mutability == EW_TAG_MUTABLE && tags)
		rc = add_line(v, "type=ref,event=tag");
	if (!rc && s->tag_mutability == EW_TAG_MUTABLE)
		rc = add_line(v, "type=sha");
	if (!rc)
		rc = ew_template_vars_set(v, "CHECK", cond.len ? "1" : "");
	if (!rc)
		rc = ew_template_vars_set(v, "BUILD_IF",
					  cond.ptr ? cond.ptr : "");
	if (!rc)
		rc = ew_template_vars_set(
		    v, "MUTABILITY", ew_tag_mutability_name(s->tag_mutability));
done:
	ew_buf_release(&def);
	ew_buf_release(&cond);
	ew_buf_release(&g);
	return rc;
}

/* An env scope's value is the sub claim's, ':' written %3A; the workflow
 * names the environment itself. */
static int env_name(struct ew_buf *b, const char *value)
{
	int rc = 0;

	for (const char *p = value; *p && !rc; p++) {
		if (strncmp(p, "%3A", 3) == 0) {
			rc = ew_buf_putc(b, ':');
			p += 2;
		} else {
			rc = ew_buf_putc(b, *p);
		}
	}
	return rc;
}

static int add_env_item(struct ew_template_vars *job, const char *name,
			const char *region, const char *repo)
{
	struct ew_template_vars *item = ew_template_vars_add_item(job, "ENVS");
	int rc = item ? 0 : EW_ENOMEM;

	if (!rc)
		rc = set_quoted(item, "ENV_NAME", "", name);
	if (!rc)
		rc = set_quoted(item, "ENV_REGION", "", region);
	if (!rc)
		rc = set_quoted(item, "ENV_REPOSITORY", "", repo);
	return rc;
}

static struct ew_template_vars *
add_job(struct ew_template_vars *v, const char *id, bool first, bool has_envs)
{
	struct ew_template_vars *job = ew_template_vars_add_item(v, "JOBS");

	if (!job || ew_template_vars_set(job, "JOB_ID", id) ||
	    ew_template_vars_set(job, "SEPARATOR", first ? "" : "1") ||
	    ew_template_vars_set(job, "HAS_ENVS", has_envs ? "1" : "") ||
	    ew_template_vars_set(job, "NEEDS", "") ||
	    ew_template_vars_set(job, "JOB_IF", "") ||
	    ew_template_vars_set(job, "COMMENT", "") ||
	    ew_template_vars_list(job, "ENVS"))
		return NULL;
	return job;
}

/*
 * The jobs.  --env targets: one matrix job, each entry in its environment
 * with its own region and repository.  Otherwise a job without environment
 * when a scope names refs, and a job in the env scopes' environments (a
 * matrix) when there are any.  Beside the first, the environment job runs
 * after it on the same events, pull requests left out when there are
 * others (an environment's protection rules usually keep pull requests
 * away), so the two never push the same tags at the same time.
 */
/* A pull request from a fork gets no OIDC token (nor secrets): its run is
 * skipped rather than failed at the AWS login. */
#define NOT_PR	  "github.event_name != 'pull_request'"
#define NOT_PR_OR NOT_PR " || "
#define SAME_REPO                                                              \
	"github.event.pull_request.head.repo.full_name == github.repository"

static int job_vars(struct ew_template_vars *v, const struct ew_setup *s,
		    const struct wf_shape *w)
{
	struct ew_template_vars *job;
	struct ew_buf name;
	bool only_prs = !w->any && !w->nbranch && !w->ntag;
	int rc = ew_template_vars_list(v, "JOBS");

	ew_buf_init(&name);
	if (!rc && s->nenvs) {
		job = add_job(v, "build-and-push", true, true);
		rc = job ? 0 : EW_ENOMEM;
		for (size_t i = 0; i < s->nenvs && !rc; i++)
			rc = add_env_item(job, s->envs[i].name,
					  s->envs[i].region,
					  s->envs[i].repo_name);
		goto done;
	}
	if (!rc && w->ref_job) {
		job = add_job(v, "build-and-push", true, false);
		rc = job ? 0 : EW_ENOMEM;
		if (!rc && w->pull_request)
			rc = ew_template_vars_set(
			    job, "JOB_IF",
			    only_prs ? SAME_REPO : NOT_PR_OR SAME_REPO);
	}
	if (!rc && w->nenv) {
		job = add_job(v,
			      w->ref_job ? "build-and-push-environment"
					 : "build-and-push",
			      !w->ref_job, true);
		rc = job ? 0 : EW_ENOMEM;
		if (!rc && w->ref_job)
			rc = ew_template_vars_set(job, "NEEDS",
						  "build-and-push");
		if (!rc && w->ref_job)
			rc = ew_template_vars_set(
			    job, "COMMENT",
			    "The same image again, in each trusted "
			    "environment (after the job above).");
		/* Pull requests alone: the environment job has no other
		 * event to run on. */
		if (!rc && w->ref_job && w->pull_request)
			rc = ew_template_vars_set(
			    job, "JOB_IF", only_prs ? SAME_REPO : NOT_PR);
		for (size_t i = 0; i < s->nscopes && !rc; i++) {
			if (s->scopes[i].kind != EW_SCOPE_ENV)
				continue;
			ew_buf_clear(&name);
			rc = env_name(&name, s->scopes[i].value);
			if (!rc)
				rc = add_env_item(job, name.ptr, s->region,
						  s->repo_name);
		}
	}
done:
	ew_buf_release(&name);
	return rc;
}

static int trust_summary(struct ew_template_vars *v, const struct ew_setup *s)
{
	struct ew_buf b;
	int rc = 0;

	ew_buf_init(&b);
	if (s->nenvs)
		rc = ew_buf_puts(&b, "each environment's role trusts the jobs "
				     "of that environment");
	for (size_t i = 0; i < s->nscopes && !s->nenvs && !rc; i++) {
		const struct ew_scope *sc = &s->scopes[i];

		rc = ew_buf_printf(
		    &b, "%s%s%s%s", i ? ", " : "", ew_scope_kind_name(sc->kind),
		    sc->value ? ":" : "", sc->value ? sc->value : "");
	}
	if (!rc)
		rc = ew_template_vars_set(v, "TRUST_SUMMARY",
					  b.ptr ? b.ptr : "");
	ew_buf_release(&b);
	return rc;
}

static bool needs_qemu(const char *platforms)
{
	const char *p = platforms;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n != strlen("linux/amd64") ||
		    strncmp(p, "linux/amd64", n) != 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static int workflow_vars(struct ew_template_vars *v, const struct ew_setup *s)
{
	static const struct {
		const char *name, *version;
	} actions[] = {
	    {"CHECKOUT", EW_ACTION_CHECKOUT},
	    {"CONFIGURE_AWS_CREDENTIALS", EW_ACTION_CONFIGURE_AWS_CREDENTIALS},
	    {"AMAZON_ECR_LOGIN", EW_ACTION_AMAZON_ECR_LOGIN},
	    {"SETUP_QEMU", EW_ACTION_SETUP_QEMU},
	    {"SETUP_BUILDX", EW_ACTION_SETUP_BUILDX},
	    {"METADATA", EW_ACTION_METADATA},
	    {"BUILD_PUSH", EW_ACTION_BUILD_PUSH},
	};
	struct wf_shape w;
	int rc = 0;

	wf_shape(&w, s);
	for (size_t i = 0; i < sizeof(actions) / sizeof(*actions) && !rc; i++)
		rc = ew_template_vars_set(v, actions[i].name,
					  actions[i].version);
	if (!rc)
		rc = ew_template_vars_set(
		    v, "SECRETS_WHERE",
		    s->nenvs ? "secrets of each GitHub environment"
			     : "repository secrets");
	if (!rc)
		rc = trust_summary(v, s);
	if (!rc)
		rc = trigger_vars(v, s, &w);
	if (!rc)
		rc = tag_vars(v, s, &w);
	if (!rc)
		rc = job_vars(v, s, &w);
	if (!rc)
		rc = set_quoted(v, "REGION_LITERAL", "", s->region);
	if (!rc)
		rc = set_quoted(v, "REPOSITORY_LITERAL", "",
				s->repo_name ? s->repo_name : "");
	if (!rc)
		rc = ew_template_vars_set(v, "NEEDS_QEMU",
					  needs_qemu(s->platforms) ? "1" : "");
	if (!rc)
		rc = ew_template_vars_set(v, "PLATFORMS", s->platforms);
	return rc;
}

int ew_doc_workflow(struct ew_buf *out, const struct ew_setup *s,
		    struct ew_error *err)
{
	struct ew_template_vars *v;
	int rc;

	if (!s->repo_name && s->nenvs == 0)
		return ew_error_set(err, EW_EINVAL,
				    "no ECR repository name for the workflow");
	if (s->nscopes == 0)
		return ew_error_set(err, EW_EINVAL,
				    "no trust scope: the workflow's triggers "
				    "follow the trust scopes");
	v = ew_template_vars_new();
	if (!v || workflow_vars(v, s)) {
		ew_template_vars_free(v);
		return ew_error_oom(err);
	}
	rc = ew_template_render_file(out, "ecr-push.yml", v, err);
	ew_template_vars_free(v);
	return rc;
}
