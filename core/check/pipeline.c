/* pipeline.c - can every run of the workflow assume its role and push? */
#include "pipeline.h"

#include "documents.h"
#include "oidc_subject.h"
#include "glob.h"
#include "partition.h"

#include <stdlib.h>
#include <string.h>

#define ISSUER "token.actions.githubusercontent.com"

void ew_pipeline_release(struct ew_pipeline *p)
{
	for (size_t i = 0; i < p->nruns; i++) {
		struct ew_pipeline_run *r = &p->runs[i];

		free(r->job);
		free(r->target);
		free(r->trigger);
		free(r->context);
		free(r->subject);
		free(r->subject_id);
		free(r->audience);
		free(r->reason);
		free(r->fix);
	}
	free(p->runs);
	for (size_t i = 0; i < p->ngrants; i++) {
		free(p->grants[i].target);
		free(p->grants[i].resource);
	}
	free(p->grants);
	for (size_t i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p->notes);
	memset(p, 0, sizeof(*p));
}

bool ew_pipeline_ok(const struct ew_pipeline *p)
{
	return p->nrefused == 0 && p->ndenied == 0;
}

/* The subject in the repository's custom OIDC template: the scan's
 * context ("ref:refs/heads/main", "environment:prod", "pull_request")
 * gives the claims a job fixes; the rest are written '*'. */
static int template_subject(struct ew_buf *out, const struct ew_setup *s,
			    bool immutable, const char *context)
{
	struct ew_error err;
	const char *env = NULL, *event = NULL, *ref = NULL;
	int rc;

	if (immutable && (!s->owner_id || !s->repo_id))
		return EW_ENOTFOUND;
	ew_error_clear(&err);
	if (strncmp(context, "environment:", 12) == 0)
		env = context + 12;
	else if (strcmp(context, "pull_request") == 0)
		event = "pull_request";
	else if (strncmp(context, "ref:", 4) == 0)
		ref = context + 4;
	rc = ew_oidc_subject_token(out, s, env, event, ref, immutable, &err);
	return rc;
}

int ew_pipeline_subject(struct ew_buf *out, const struct ew_setup *s,
			bool immutable, const char *context)
{
	if (!s->owner || !s->repo)
		return EW_EINVAL;
	if (s->nsub_claim_keys > 0 && context[0])
		return template_subject(out, s, immutable, context);
	if (!immutable)
		return ew_buf_printf(out, "repo:%s/%s:%s", s->owner, s->repo,
				     context);
	if (!s->owner_id || !s->repo_id)
		return EW_ENOTFOUND;
	return ew_buf_printf(out, "repo:%s@%s/%s@%s:%s", s->owner, s->owner_id,
			     s->repo, s->repo_id, context);
}

/* ------------------------------------------------------------- words */

/* "on.push.branches 'main'" -> "main"; NULL when nothing is quoted. */
static char *quoted(const char *why)
{
	const char *a = strchr(why, '\''), *b = a ? strrchr(why, '\'') : NULL;

	if (!a || b == a)
		return NULL;
	return ew_aprintf("%.*s", (int)(b - a - 1), a + 1);
}

/* "(any branch)" in "on.push (any branch)"; NULL without parentheses. */
static char *paren(const char *why)
{
	const char *a = strchr(why, '('), *b = a ? strrchr(why, ')') : NULL;

	if (!a || !b || b < a)
		return NULL;
	return ew_aprintf("%.*s", (int)(b - a - 1), a + 1);
}

/* A trigger as a user says it, from the scan's `why`. */
static char *trigger_text(const struct ew_wf_subject *sj)
{
	const char *why = sj->why ? sj->why : "";
	char *q = quoted(why), *p = paren(why), *t;
	size_t n;

	if (strncmp(why, "environment ", 12) == 0) {
		t = ew_aprintf("environment %s", q ? q : why + 12);
	} else if (strncmp(why, "on.", 3) != 0) {
		t = ew_strdup(why);
	} else {
		const char *ev = why + 3;

		n = strcspn(ev, ". (");
		if (n == 4 && strncmp(ev, "push", 4) == 0) {
			bool tag = sj->kind == EW_WF_SUB_TAG;

			if (q)
				t = ew_aprintf(
				    tag ? "push of tag %s" : "push to %s", q);
			else
				t = ew_aprintf(tag ? "push of %s"
						   : "push to %s",
					       p ? p : "any ref");
		} else if (n == 7 && strncmp(ev, "release", 7) == 0) {
			t = ew_strdup("release");
		} else if (sj->kind == EW_WF_SUB_BRANCH &&
			   strncmp(sj->context, "ref:refs/heads/", 15) == 0) {
			t = ew_aprintf("%.*s on %s", (int)n, ev,
				       sj->context + 15);
		} else {
			t = ew_aprintf("%.*s", (int)n, ev);
		}
	}
	free(q);
	free(p);
	return t;
}

/* A sub value of the trust in words, relative to this repository. */
static int describe_value(struct ew_buf *out, const struct ew_setup *s,
			  const char *v)
{
	struct ew_buf pre, pre_id;
	const char *ctx = NULL;
	int rc = 0;

	ew_buf_init(&pre);
	ew_buf_init(&pre_id);
	if (ew_pipeline_subject(&pre, s, false, "") == EW_ENOMEM ||
	    ew_pipeline_subject(&pre_id, s, true, "") == EW_ENOMEM) {
		rc = EW_ENOMEM;
		goto done;
	}
	if (pre.len && strncmp(v, pre.ptr, pre.len) == 0)
		ctx = v + pre.len;
	else if (pre_id.len && strncmp(v, pre_id.ptr, pre_id.len) == 0)
		ctx = v + pre_id.len;
	if (!ctx)
		rc = ew_buf_printf(out, "'%s'", v);
	else if (strcmp(ctx, "*") == 0)
		rc = ew_buf_puts(out, "any subject");
	else if (strncmp(ctx, "ref:refs/heads/", 15) == 0)
		rc = ew_buf_printf(out, "branch %s", ctx + 15);
	else if (strncmp(ctx, "ref:refs/tags/", 14) == 0)
		rc = ew_buf_printf(out, "tag %s", ctx + 14);
	else if (strncmp(ctx, "environment:", 12) == 0)
		rc = ew_buf_printf(out, "environment %s", ctx + 12);
	else if (strcmp(ctx, "pull_request") == 0)
		rc = ew_buf_puts(out, "pull requests");
	else
		rc = ew_buf_printf(out, "'%s'", ctx);
done:
	ew_buf_release(&pre);
	ew_buf_release(&pre_id);
	return rc;
}

/* "branch main, tag v*" from the trust's sub values (one per line),
 * each description once. */
static char *describe_values(const struct ew_setup *s, const char *lines)
{
	struct ew_buf all, one;
	const char *p = lines;
	char *res = NULL;

	ew_buf_init(&all);
	ew_buf_init(&one);
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		char *v = ew_aprintf("%.*s", (int)n, p);

		ew_buf_clear(&one);
		if (!v || describe_value(&one, s, v)) {
			free(v);
			goto done;
		}
		free(v);
		/* The legacy and immutable forms say the same thing. */
		if (!all.len || !strstr(all.ptr, one.ptr))
			if ((all.len && ew_buf_puts(&all, ", ")) ||
			    ew_buf_puts(&all, one.ptr))
				goto done;
		p += n;
		if (*p == '\n')
			p++;
	}
	res = ew_buf_detach(&all);
	if (res && !*res) {
		free(res);
		res = ew_strdup("nothing");
	}
done:
	ew_buf_release(&all);
	ew_buf_release(&one);
	return res;
}

/* The --trust value that admits a context, as doctor suggests it. */
static char *trust_flag(const struct ew_wf_subject *sj)
{
	const char *c = sj->context;

	switch (sj->kind) {
	case EW_WF_SUB_PR:
		return ew_strdup("pull_request");
	case EW_WF_SUB_ENV: {
		struct ew_buf b;
		const char *name = strchr(c, ':');

		ew_buf_init(&b);
		ew_buf_puts(&b, "env:");
		/* GitHub's %3A is a ':' in the name the user typed. */
		for (const char *p = name ? name + 1 : c; *p; p++) {
			if (strncmp(p, "%3A", 3) == 0) {
				ew_buf_putc(&b, ':');
				p += 2;
			} else {
				ew_buf_putc(&b, *p);
			}
		}
		return ew_buf_detach(&b);
	}
	case EW_WF_SUB_TAG:
		return ew_aprintf(
		    "tag:%s", strncmp(c, "ref:refs/tags/", 14) ? c : c + 14);
	case EW_WF_SUB_BRANCH:
		break;
	}
	return ew_aprintf("branch:%s",
			  strncmp(c, "ref:refs/heads/", 15) ? c : c + 15);
}

/* ----------------------------------------------------------- decide */

struct ctx {
	const struct ew_pipeline_input *in;
	const struct ew_setup *s;
	struct ew_pipeline *out;
	const char *provider_arn;
	const char *audience; /* the partition's */
};

static int add_note(struct ew_pipeline *p, char *note)
{
	char **grown;

	if (!note)
		return EW_ENOMEM;
	grown = realloc(p->notes, (p->nnotes + 1) * sizeof(*grown));
	if (!grown) {
		free(note);
		return EW_ENOMEM;
	}
	p->notes = grown;
	p->notes[p->nnotes++] = note;
	return 0;
}

/* Why the trust refuses r, and the fix.  Fills r->reason and r->fix. */
static int explain(struct ctx *c, struct ew_pipeline_run *r,
		   const struct ew_wf_subject *sj, const char *trust,
		   bool name_ok)
{
	const char *failed = name_ok ? r->subject_id : r->subject;
	struct ew_buf vals, auds;
	char *flag = NULL, *words = NULL;
	bool sub_ok = false;
	int rc;

	ew_buf_init(&vals);
	ew_buf_init(&auds);
	rc = ew_policy_trust_values(&vals, trust, c->provider_arn, ISSUER,
				    false);
	if (rc == EW_EPARSE) {
		r->reason = ew_strdup("the trust policy is not JSON");
		r->fix = ew_strdup("ecr-wizard apply rewrites it");
		rc = 0;
		goto done;
	}
	if (rc == EW_ENOTFOUND) {
		r->reason =
		    ew_aprintf("no statement of the trust lets %s assume "
			       "the role with sts:AssumeRoleWithWebIdentity",
			       c->provider_arn);
		r->fix = ew_strdup("ecr-wizard apply rewrites the trust");
		rc = 0;
		goto done;
	}
	if (rc)
		goto done;
	if (ew_policy_trust_values(&auds, trust, c->provider_arn, ISSUER,
				   true) == EW_ENOMEM) {
		rc = EW_ENOMEM;
		goto done;
	}
	for (const char *p = vals.ptr; p && *p && !sub_ok;) {
		size_t n = strcspn(p, "\n");
		char *v = ew_aprintf("%.*s", (int)n, p);

		if (!v) {
			rc = EW_ENOMEM;
			goto done;
		}
		sub_ok = ew_glob_covers(v, failed, false);
		free(v);
		p += n;
		if (*p == '\n')
			p++;
	}
	if (name_ok) {
		r->reason = ew_aprintf(
		    "the trust lacks the immutable subject %s, which GitHub "
		    "sends for new, renamed or opted-in repositories",
		    r->subject_id);
		r->fix = ew_strdup("ecr-wizard apply writes both forms when "
				   "it knows the IDs");
	} else if (ew_policy_trust_admits(trust, c->provider_arn, ISSUER,
					  failed, r->audience, true)) {
		r->reason = ew_aprintf(
		    "the trust spells the repository in another case than "
		    "GitHub's %s/%s, and IAM compares it exactly",
		    c->s->owner, c->s->repo);
		r->fix = ew_aprintf("write %s/%s in the trust exactly as "
				    "GitHub spells it",
				    c->s->owner, c->s->repo);
	} else if (sub_ok) {
		r->reason =
		    ew_aprintf("the trust pins aud to %s; the token carries %s",
			       auds.len ? auds.ptr : "(nothing)", r->audience);
		for (char *p = r->reason; p && *p; p++)
			if (*p == '\n')
				*p = ',';
		r->fix = ew_aprintf("the audience must be %s on both sides "
				    "(drop the workflow's audience input)",
				    c->audience);
	} else {
		words = describe_values(c->s, vals.ptr);
		flag = trust_flag(sj);
		if (!words || !flag) {
			rc = EW_ENOMEM;
			goto done;
		}
		r->reason = ew_aprintf("the trust only admits %s", words);
		r->fix = ew_aprintf(
		    "admit it (--trust '%s') or remove this trigger from %s",
		    flag,
		    c->in->workflow_file ? c->in->workflow_file
					 : "the workflow");
	}
	if (!r->reason || !r->fix)
		rc = EW_ENOMEM;
done:
	free(flag);
	free(words);
	ew_buf_release(&vals);
	ew_buf_release(&auds);
	return rc;
}

/* The target a job's runs assume: index into the setup's targets, -1 when
 * the setup has environments and the job runs in none of them. */
static long job_target(const struct ew_setup *s, const struct ew_wf_aws_job *j)
{
	if (s->nenvs == 0)
		return 0;
	for (size_t i = 0; i < j->nsubjects; i++) {
		if (j->subjects[i].kind != EW_WF_SUB_ENV)
			continue;
		for (size_t e = 0; e < ew_setup_target_count(s); e++) {
			const struct ew_env_target *env =
			    ew_setup_target_env(s, e);
			const char *a = j->subjects[i].context + 12;
			const char *b = env ? env->name : "";

			/* ':' in the name is %3A in the subject. */
			while (*a && *b) {
				if (*b == ':' && strncmp(a, "%3A", 3) == 0)
					a += 3;
				else if (*a == *b)
					a++;
				else
					break;
				b++;
			}
			if (!*a && !*b)
				return (long)e;
		}
	}
	return -1;
}

static int add_run(struct ctx *c, const struct ew_wf_aws_job *j,
		   const struct ew_wf_subject *sj, long ti)
{
	const struct ew_setup *s = c->s;
	struct ew_pipeline *p = c->out;
	const struct ew_env_target *env =
	    ti >= 0 ? ew_setup_target_env(s, (size_t)ti) : NULL;
	const char *trust = ti >= 0 ? c->in->targets[ti].trust : NULL;
	struct ew_pipeline_run *grown, *r;
	struct ew_buf sub, sub_id;
	bool name_ok = false, id_ok = true;
	int rc = 0;

	if (ti >= 0 && !trust)
		return add_note(
		    p, ew_aprintf("job '%s': the trust policy of its role is "
				  "unknown, so its runs are not decided",
				  j->job));
	grown = realloc(p->runs, (p->nruns + 1) * sizeof(*grown));
	if (!grown)
		return EW_ENOMEM;
	p->runs = grown;
	r = &p->runs[p->nruns++];
	memset(r, 0, sizeof(*r));
	ew_buf_init(&sub);
	ew_buf_init(&sub_id);
	r->kind = sj->kind;
	r->job = ew_strdup(j->job);
	r->target = env ? ew_strdup(env->name) : NULL;
	r->trigger = trigger_text(sj);
	r->context = ew_strdup(sj->context);
	/* The token's aud is the action's audience input when it is
	 * written out, else the partition's default. */
	r->audience = ew_strdup(j->audience.raw && j->audience.literal &&
					!j->audience.is_expr
				    ? j->audience.literal
				    : c->audience);
	if (!r->job || (env && !r->target) || !r->trigger || !r->context ||
	    !r->audience) {
		rc = EW_ENOMEM;
		goto done;
	}
	rc = ew_pipeline_subject(&sub, s, false, sj->context);
	if (rc == 0) {
		rc = ew_pipeline_subject(&sub_id, s, true, sj->context);
		if (rc == EW_ENOTFOUND)
			rc = 0;
	}
	if (rc)
		goto done;
	r->subject = ew_buf_detach(&sub);
	if (sub_id.len && !(r->subject_id = ew_buf_detach(&sub_id)))
		rc = EW_ENOMEM;
	if (rc || !r->subject) {
		rc = EW_ENOMEM;
		goto done;
	}
	if (ti < 0) {
		struct ew_buf names;

		ew_buf_init(&names);
		for (size_t e = 0; e < s->nenvs; e++)
			ew_buf_printf(&names, "%s%s", e ? ", " : "",
				      s->envs[e].name);
		r->reason = ew_aprintf(
		    "the job runs in none of the environments %s, and each "
		    "environment's role trusts only its own jobs",
		    names.ptr ? names.ptr : "");
		r->fix = ew_aprintf("give job '%s' an environment: naming "
				    "one of them",
				    j->job);
		ew_buf_release(&names);
		if (!r->reason || !r->fix)
			rc = EW_ENOMEM;
		p->nrefused++;
		goto done;
	}
	name_ok = ew_policy_trust_admits(trust, c->provider_arn, ISSUER,
					 r->subject, r->audience, false);
	if (r->subject_id)
		id_ok =
		    ew_policy_trust_admits(trust, c->provider_arn, ISSUER,
					   r->subject_id, r->audience, false);
	r->admitted = name_ok && id_ok;
	if (r->admitted) {
		if (!(r->reason = ew_strdup("")))
			rc = EW_ENOMEM;
	} else {
		p->nrefused++;
		rc = explain(c, r, sj, trust, name_ok);
	}
done:
	ew_buf_release(&sub);
	ew_buf_release(&sub_id);
	return rc;
}

static int add_grant(struct ew_pipeline *p, const struct ew_env_target *env,
		     const char *action, const char *resource,
		     const struct ew_pipeline_target *t)
{
	struct ew_pipeline_grant *grown, *g;

	grown = realloc(p->grants, (p->ngrants + 1) * sizeof(*grown));
	if (!grown)
		return EW_ENOMEM;
	p->grants = grown;
	g = &p->grants[p->ngrants++];
	memset(g, 0, sizeof(*g));
	g->action = action;
	g->target = env ? ew_strdup(env->name) : NULL;
	g->resource = ew_strdup(resource);
	g->grant =
	    ew_policy_grants(t->policies, t->npolicies, action, resource);
	if (g->grant != EW_GRANT_YES)
		p->ndenied++;
	return !g->resource || (env && !g->target) ? EW_ENOMEM : 0;
}

static int check_grants(struct ctx *c, struct ew_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < ew_setup_target_count(c->s) && !rc; i++) {
		const struct ew_env_target *env = ew_setup_target_env(c->s, i);
		const struct ew_pipeline_target *t = &c->in->targets[i];
		struct ew_buf arn;

		if (!t->policies)
			continue;
		ew_buf_init(&arn);
		rc = ew_setup_repository_arn(&arn, c->s, env, err);
		if (!rc)
			rc = add_grant(c->out, env, EW_POLICY_ECR_LOGIN_ACTION,
				       "*", t);
		for (size_t a = 0; a < ew_policy_ecr_push_nactions && !rc; a++)
			rc = add_grant(c->out, env,
				       ew_policy_ecr_push_actions[a], arn.ptr,
				       t);
		ew_buf_release(&arn);
	}
	return rc;
}

int ew_pipeline_check(struct ew_pipeline *out,
		      const struct ew_pipeline_input *in, struct ew_error *err)
{
	const struct ew_setup *s = in ? in->setup : NULL;
	const struct ew_partition *part;
	struct ew_workflow_scan scan;
	struct ew_buf prov;
	struct ew_error e;
	struct ctx c;
	int rc;

	memset(out, 0, sizeof(*out));
	ew_workflow_scan_init(&scan);
	ew_buf_init(&prov);
	ew_error_clear(&e);
	if (!s || !s->owner || !s->repo || !in->targets) {
		rc = ew_error_set(err, EW_EINVAL,
				  "the pipeline check needs the GitHub "
				  "repository (OWNER/REPO)");
		goto done;
	}
	if ((rc = ew_setup_provider_arn(&prov, s, err)) != 0)
		goto done;
	part = ew_partition_for_region(s->region);
	if (!part)
		part = ew_partition_by_id("aws");
	c.in = in;
	c.s = s;
	c.out = out;
	c.provider_arn = prov.ptr;
	c.audience = part->audience;

	rc = ew_workflow_scan_add(
	    &scan, in->workflow_file ? in->workflow_file : s->workflow_path,
	    in->workflow ? in->workflow : "",
	    in->workflow ? in->workflow_len : 0, &e);
	if (rc == 0)
		rc = ew_workflow_scan_finish(
		    &scan,
		    in->default_branch ? in->default_branch : s->default_branch,
		    &e);
	if (rc == EW_ENOMEM)
		goto oom;
	rc = 0;
	for (size_t i = 0; i < scan.nproblems && !rc; i++)
		rc = add_note(out, ew_aprintf("%s", scan.problems[i].message));
	out->njobs = scan.njobs;
	if (!rc && scan.njobs == 0 && scan.nproblems == 0)
		rc = add_note(
		    out, ew_aprintf("no job of %s runs "
				    "aws-actions/configure-aws-credentials",
				    in->workflow_file ? in->workflow_file
						      : s->workflow_path));
	for (size_t i = 0; i < scan.njobs && !rc; i++) {
		const struct ew_wf_aws_job *j = &scan.jobs[i];
		long ti = job_target(s, j);

		if (j->nsubjects == 0)
			rc = add_note(
			    out, ew_aprintf("job '%s': its subject cannot be "
					    "told (%s)",
					    j->job,
					    j->subjects_note ? j->subjects_note
							     : "no trigger"));
		for (size_t k = 0; k < j->nsubjects && !rc; k++)
			rc = add_run(&c, j, &j->subjects[k], ti);
	}
	if (rc == EW_ENOMEM)
		goto oom;
	rc = check_grants(&c, err);
	if (rc == EW_ENOMEM)
		goto oom;
	goto done;
oom:
	rc = ew_error_oom(err);
done:
	if (rc)
		ew_pipeline_release(out);
	ew_workflow_scan_release(&scan);
	ew_buf_release(&prov);
	return rc;
}

int ew_pipeline_check_setup(struct ew_pipeline *out, const struct ew_setup *s,
			    const char *workflow_file, const char *workflow,
			    size_t workflow_len, struct ew_error *err)
{
	size_t n = ew_setup_target_count(s);
	struct ew_pipeline_target *t = calloc(n, sizeof(*t));
	struct ew_buf *docs = calloc(2 * n, sizeof(*docs));
	const char **pol = calloc(n, sizeof(*pol));
	struct ew_pipeline_input in;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!t || !docs || !pol) {
		rc = ew_error_oom(err);
		goto done;
	}
	for (size_t i = 0; i < 2 * n; i++)
		ew_buf_init(&docs[i]);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct ew_env_target *env = ew_setup_target_env(s, i);

		rc = ew_doc_trust_policy(&docs[2 * i], s, env, err);
		if (!rc)
			rc = ew_doc_permissions_policy(&docs[2 * i + 1], s, env,
						       err);
		if (rc)
			break;
		t[i].trust = docs[2 * i].ptr;
		pol[i] = docs[2 * i + 1].ptr;
		t[i].policies = &pol[i];
		t[i].npolicies = 1;
	}
	if (rc)
		goto done;
	memset(&in, 0, sizeof(in));
	in.setup = s;
	in.workflow_file = workflow_file ? workflow_file : s->workflow_path;
	in.workflow = workflow;
	in.workflow_len = workflow_len;
	in.targets = t;
	rc = ew_pipeline_check(out, &in, err);
done:
	for (size_t i = 0; docs && i < 2 * n; i++)
		ew_buf_release(&docs[i]);
	free(docs);
	free(pol);
	free(t);
	return rc;
}

/* ------------------------------------------------------------ lines */

bool ew_pipeline_names_jobs(const struct ew_pipeline *p)
{
	bool all_env = true;

	for (size_t i = 0; i < p->nruns; i++)
		all_env = all_env && p->runs[i].kind == EW_WF_SUB_ENV;
	if (all_env)
		return false;
	for (size_t i = 1; i < p->nruns; i++)
		if (strcmp(p->runs[i].job, p->runs[0].job) != 0)
			return true;
	return false;
}

int ew_pipeline_run_line(struct ew_buf *out, const struct ew_pipeline_run *r,
			 bool with_job)
{
	int rc = 0;

	if (with_job)
		rc = ew_buf_printf(out, "job %s, ", r->job);
	if (!rc)
		rc = r->admitted
			 ? ew_buf_printf(out, "%s: admitted", r->trigger)
			 : ew_buf_printf(out, "%s: refused - %s", r->trigger,
					 r->reason);
	return rc;
}
