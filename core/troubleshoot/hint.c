#include "hint.h"
#include "buf.h"
#include "partition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The values a run knows, with the storage of the derived ones. */
struct run_values {
	struct ew_knowledge_values v;
	struct ew_buf role_arn, github, role, policy;
};

static void run_values_init(struct run_values *r, const struct ew_hint_facts *f)
{
	const struct ew_setup *s = f ? f->setup : NULL;
	const struct ew_env_target *env = NULL;
	const struct ew_partition *p;

	memset(r, 0, sizeof(*r));
	ew_buf_init(&r->role_arn);
	ew_buf_init(&r->github);
	ew_buf_init(&r->role);
	ew_buf_init(&r->policy);
	if (f) {
		r->v.account = f->caller_account && f->caller_account[0]
				   ? f->caller_account
				   : NULL;
		r->v.principal_arn =
		    f->caller_arn && f->caller_arn[0] ? f->caller_arn : NULL;
	}
	if (!s)
		return;
	if (f->target >= 0 && (size_t)f->target < ew_setup_target_count(s))
		env = ew_setup_target_env(s, (size_t)f->target);
	r->v.region = ew_setup_target_region(s, env);
	p = ew_partition_for_region(r->v.region);
	r->v.partition = p ? p->id : NULL;
	if (!r->v.account)
		r->v.account = s->account;
	r->v.repo = ew_setup_target_repo_name(s, env);
	/* A failed name or ARN (out of memory, or no account yet) leaves
	 * the placeholder, which then says how to find the value. */
	if (ew_setup_role_name_for(&r->role, s, env) == 0 && r->role.len)
		r->v.role = r->role.ptr;
	if (ew_setup_policy_name_for(&r->policy, s, env) == 0 && r->policy.len)
		r->v.policy = r->policy.ptr;
	if (s->account && ew_setup_role_arn(&r->role_arn, s, env, NULL) == 0)
		r->v.role_arn = r->role_arn.ptr;
	if (s->owner && s->repo &&
	    ew_buf_printf(&r->github, "%s/%s", s->owner, s->repo) == 0)
		r->v.github_repo = r->github.ptr;
}

static void run_values_release(struct run_values *r)
{
	ew_buf_release(&r->role_arn);
	ew_buf_release(&r->github);
	ew_buf_release(&r->role);
	ew_buf_release(&r->policy);
}

/* tmpl rendered into a new heap string, or NULL (out of memory). */
static char *render(const char *tmpl, const struct ew_knowledge_values *v)
{
	struct ew_buf b;

	ew_buf_init(&b);
	if (ew_knowledge_render(&b, tmpl, v)) {
		ew_buf_release(&b);
		return NULL;
	}
	return ew_buf_detach(&b);
}

static bool listed(char *const *list, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(list[i], name, len) == 0 && list[i][len] == ':')
			return true;
	return false;
}

/* Add a "values to find" line for each <UPPER_CASE> placeholder of s that
 * ew_knowledge_placeholder_hint() can explain and that is not listed. */
static int collect_unknown(struct ew_hint *h, const char *s)
{
	for (const char *p = s ? strchr(s, '<') : NULL; p;
	     p = strchr(p + 1, '<')) {
		size_t n = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
		const char *how;
		char **grown;
		char *line;

		if (!n || p[n + 1] != '>')
			continue;
		how = ew_knowledge_placeholder_hint(p);
		if (!how || listed(h->find, h->nfind, p, n + 2))
			continue;
		line = ew_aprintf("%.*s: %s", (int)(n + 2), p, how);
		grown = realloc(h->find, (h->nfind + 1) * sizeof(*grown));
		if (!line || !grown) {
			free(line);
			if (grown)
				h->find = grown;
			return EW_ENOMEM;
		}
		h->find = grown;
		h->find[h->nfind++] = line;
	}
	return 0;
}

int ew_hint_for_entry(struct ew_hint *out, const struct ew_knowledge_entry *k,
		      const struct ew_knowledge_values *v, struct ew_error *err)
{
	size_t n = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->entry = k;
	if (!k)
		goto done;
	while (k->fix_steps && k->fix_steps[n])
		n++;
	out->cause = render(k->cause, v);
	out->fixes = n ? calloc(n, sizeof(*out->fixes)) : NULL;
	if (!out->cause || (n && !out->fixes)) {
		rc = ew_error_oom(err);
		goto done;
	}
	for (; out->nfixes < n; out->nfixes++) {
		out->fixes[out->nfixes] = render(k->fix_steps[out->nfixes], v);
		if (!out->fixes[out->nfixes]) {
			rc = ew_error_oom(err);
			goto done;
		}
	}
	if (k->check_command && !(out->check = render(k->check_command, v))) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = collect_unknown(out, out->cause);
	for (size_t i = 0; !rc && i < out->nfixes; i++)
		rc = collect_unknown(out, out->fixes[i]);
	if (!rc)
		rc = collect_unknown(out, out->check);
	if (rc)
		rc = ew_error_oom(err);
done:
	return rc;
}

int ew_hint_for_error(struct ew_hint *out, const struct ew_error *error,
		      const struct ew_hint_facts *facts, struct ew_error *err)
{
	const struct ew_knowledge_entry *k = ew_knowledge_match_error(error);
	struct run_values r;
	int rc;

	run_values_init(&r, facts);
	rc = ew_hint_for_entry(out, k, &r.v, err);
	run_values_release(&r);
	if (rc || !error || !error->code)
		goto done;
	out->error = error->aws_code[0]
			 ? ew_aprintf("%s: %s", error->aws_code, error->message)
			 : ew_strdup(error->message);
	if (!out->error)
		rc = ew_error_oom(err);
done:
	return rc;
}

void ew_hint_release(struct ew_hint *h)
{
	free(h->error);
	free(h->cause);
	for (size_t i = 0; i < h->nfixes; i++)
		free(h->fixes[i]);
	free(h->fixes);
	free(h->check);
	for (size_t i = 0; i < h->nfind; i++)
		free(h->find[i]);
	free(h->find);
	memset(h, 0, sizeof(*h));
}
