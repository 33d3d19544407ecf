#include "documents.h"

#include "json_doc.h"
#include "oidc_subject.h"
#include "partition.h"
#include "template.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static int nomem(struct ew_error *err)
{
	return ew_error_set(err, EW_ENOMEM, "out of memory");
}

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
		rc = nomem(err);
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
		rc = nomem(err);
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
		rc = nomem(err);
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
		rc = nomem(err);
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
		rc = nomem(err);
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
		rc = nomem(err);
done:
	ew_template_vars_free(v);
	ew_buf_release(&desc);
	ew_buf_release(&doc);
	ew_buf_release(&wire);
	return rc;
}

/* ------------------------------------------------------------ workflow */

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

/* A branch filter matches by glob: escape the glob characters a branch
 * name may hold so the filter names exactly the default branch. */
static int set_branch_filter(struct ew_template_vars *v, const char *branch)
{
	struct ew_buf b;
	int rc = 0;

	ew_buf_init(&b);
	for (const char *p = branch; *p && !rc; p++) {
		if (strchr("+!*?[]", *p))
			rc = ew_buf_putc(&b, '\\');
		if (!rc)
			rc = ew_buf_putc(&b, *p);
	}
	if (!rc)
		rc = set_quoted(v, "BRANCH_FILTER", "", b.ptr);
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
	int rc = 0;

	for (size_t i = 0; i < sizeof(actions) / sizeof(*actions) && !rc; i++)
		rc = ew_template_vars_set(v, actions[i].name,
					  actions[i].version);
	if (!rc)
		rc = ew_template_vars_set(v, "HAS_ENVS", s->nenvs ? "1" : "");
	if (!rc)
		rc = ew_template_vars_set(
		    v, "SECRETS_WHERE",
		    s->nenvs ? "secrets of each GitHub environment"
			     : "repository secrets");
	if (!rc)
		rc = set_branch_filter(v, s->default_branch);
	if (!rc)
		rc = set_quoted(v, "DEFAULT_REF_LITERAL", "refs/heads/",
				s->default_branch);
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
	if (!rc)
		rc = ew_template_vars_list(v, "ENVS");
	for (size_t i = 0; i < s->nenvs && !rc; i++) {
		struct ew_template_vars *item =
		    ew_template_vars_add_item(v, "ENVS");

		rc = item ? 0 : EW_ENOMEM;
		if (!rc)
			rc = set_quoted(item, "ENV_NAME", "", s->envs[i].name);
		if (!rc)
			rc = set_quoted(item, "ENV_REGION", "",
					s->envs[i].region);
		if (!rc)
			rc = set_quoted(item, "ENV_REPOSITORY", "",
					s->envs[i].repo_name);
	}
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
	v = ew_template_vars_new();
	if (!v || workflow_vars(v, s)) {
		ew_template_vars_free(v);
		return nomem(err);
	}
	rc = ew_template_render_file(out, "ecr-push.yml", v, err);
	ew_template_vars_free(v);
	return rc;
}
