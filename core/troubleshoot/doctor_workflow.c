/* doctor_workflow.c - the local half of doctor: the workflow files
 * against the setup, and the secrets GitHub holds. */
#include "doctor.h"
#include "doctor_priv.h"

#include "buf.h"
#include "outputs.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------- workflow checks */

/* One function per check id, in report order; where names the file
 * ("ci.yml", or "ci.yml via deploy.yml" for a reusable workflow). */

/* workflow-region: with --env environments, the job runs in one of them. */
static void job_environment(struct ew_doctor_run *r,
			    const struct ew_wf_aws_job *j, const char *where)
{
	ew_doctor_add(
	    r, "workflow-region", EW_DOCTOR_WARN, NULL,
	    ew_aprintf("job '%s' runs in a configured environment", j->job),
	    ew_aprintf("%s: it runs in none of the --env environments", where),
	    ew_aprintf("give the job an environment: key naming one of "
		       "them"));
}

/* workflow-id-token: the job may request an OIDC token. */
static void job_id_token(struct ew_doctor_run *r, const struct ew_wf_aws_job *j,
			 const char *where)
{
	switch (j->id_token) {
	case EW_WF_ID_TOKEN_WRITE:
		ew_doctor_add(
		    r, "workflow-id-token", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' may request an OIDC token", j->job),
		    ew_aprintf("id-token: write from %s (%s)",
			       j->id_token_where, where),
		    NULL);
		break;
	case EW_WF_ID_TOKEN_DENIED:
	case EW_WF_ID_TOKEN_DEFAULT:
		ew_doctor_add(
		    r, "workflow-id-token", EW_DOCTOR_FAIL,
		    "id-token-permission-missing",
		    ew_aprintf("job '%s' may request an OIDC token", j->job),
		    ew_aprintf("%s: no id-token: write (%s)", where,
			       j->id_token_where),
		    j->caller
			? ew_aprintf(
			      "add `id-token: write` to the permissions of "
			      "the calling job %s",
			      j->caller)
			: ew_aprintf(
			      "add `id-token: write` (and `contents: read`) "
			      "to %s",
			      j->id_token == EW_WF_ID_TOKEN_DEFAULT
				  ? "the workflow's permissions"
				  : "the permissions block that applies "
				    "(a job-level block replaces the "
				    "workflow's)"));
		break;
	}
}

/* workflow-role: role-to-assume comes from a secret or variable (a
 * literal must be the role's ARN, role_arn; empty when unknown). */
static void job_role(struct ew_doctor_run *r, const struct ew_wf_aws_job *j,
		     const char *where, const struct ew_buf *role_arn)
{
	if (!j->role.raw)
		ew_doctor_add(
		    r, "workflow-role", EW_DOCTOR_FAIL, "no-credentials",
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf(
			"%s: configure-aws-credentials has no role-to-assume",
			where),
		    ew_aprintf("role-to-assume: ${{ secrets.AWS_ROLE_ARN }}"));
	else if (j->role.secret || j->role.var)
		ew_doctor_add(
		    r, "workflow-role", EW_DOCTOR_PASS, NULL,
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf("%s.%s (must hold %s)",
			       j->role.secret ? "secrets" : "vars",
			       j->role.secret ? j->role.secret : j->role.var,
			       role_arn->len ? role_arn->ptr
					     : "the role's ARN"),
		    NULL);
	else if (j->role.literal && !j->role.is_expr && role_arn->len &&
		 strcmp(j->role.literal, role_arn->ptr) == 0)
		ew_doctor_add(
		    r, "workflow-role", EW_DOCTOR_WARN, NULL,
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf("%s: the role ARN is written into the workflow",
			       where),
		    ew_aprintf(
			"store it once: gh variable set AWS_ROLE_ARN --body "
			"%s, then role-to-assume: ${{ vars.AWS_ROLE_ARN }}",
			role_arn->ptr));
	else if (j->role.literal && !j->role.is_expr)
		ew_doctor_add(
		    r, "workflow-role", EW_DOCTOR_FAIL,
		    strncmp(j->role.literal, "arn:", 4) == 0 &&
			    strstr(j->role.literal, ":role/")
			? "assume-role-oidc-denied"
			: "request-arn-invalid",
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf("%s: role-to-assume is '%s', not %s", where,
			       j->role.literal,
			       role_arn->len ? role_arn->ptr
					     : "the role's ARN"),
		    ew_aprintf(
			"role-to-assume: ${{ secrets.AWS_ROLE_ARN }} holding "
			"%s",
			role_arn->len ? role_arn->ptr : "the role's ARN"));
	else
		ew_doctor_add(
		    r, "workflow-role", EW_DOCTOR_WARN, NULL,
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf(
			"%s: role-to-assume is '%s', which doctor cannot "
			"follow",
			where, j->role.raw),
		    ew_aprintf("make sure it evaluates to %s",
			       role_arn->len ? role_arn->ptr
					     : "the role's ARN"));
}

/* workflow-region: aws-region is the target's region. */
static void job_region(struct ew_doctor_run *r, const struct ew_wf_aws_job *j,
		       const char *where, const char *region)
{
	if (!j->region.raw)
		ew_doctor_add(
		    r, "workflow-region", EW_DOCTOR_FAIL, "region-missing",
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    ew_aprintf(
			"%s: configure-aws-credentials has no aws-region",
			where),
		    ew_aprintf("aws-region: %s", region));
	else if (j->region.literal && strcmp(j->region.literal, region) == 0)
		ew_doctor_add(
		    r, "workflow-region", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    j->region.secret || j->region.var
			? ew_aprintf("%s (%s.%s must hold it too)", region,
				     j->region.secret ? "secrets" : "vars",
				     j->region.secret ? j->region.secret
						      : j->region.var)
			: ew_aprintf("%s", region),
		    NULL);
	else if (j->region.literal)
		ew_doctor_add(
		    r, "workflow-region",
		    j->region.secret || j->region.var ? EW_DOCTOR_WARN
						      : EW_DOCTOR_FAIL,
		    "repository-not-found",
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    ew_aprintf("%s: aws-region gives '%s'%s", where,
			       j->region.literal,
			       j->region.secret || j->region.var
				   ? " when the secret or variable is unset"
				   : ""),
		    ew_aprintf(
			"use aws-region: %s, where the repository and role "
			"are",
			region));
	else if (j->region.secret || j->region.var)
		ew_doctor_add(
		    r, "workflow-region", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    ew_aprintf("from %s.%s (must hold %s)",
			       j->region.secret ? "secrets" : "vars",
			       j->region.secret ? j->region.secret
						: j->region.var,
			       region),
		    NULL);
	else
		ew_doctor_add(
		    r, "workflow-region", EW_DOCTOR_WARN, NULL,
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    ew_aprintf(
			"%s: aws-region is '%s', which doctor cannot follow",
			where, j->region.raw),
		    ew_aprintf("make sure it evaluates to %s", region));
}

/* workflow-audience: an audience input, when set, is the partition's. */
static void job_audience(struct ew_doctor_run *r, const struct ew_wf_aws_job *j,
			 const char *where)
{
	const char *aud = r->part->audience;

	if (j->audience.raw) {
		if (j->audience.literal && !j->audience.is_expr &&
		    strcmp(j->audience.literal, aud) == 0)
			ew_doctor_add(
			    r, "workflow-audience", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("job '%s' asks for audience %s", j->job,
				       aud),
			    NULL, NULL);
		else
			ew_doctor_add(
			    r, "workflow-audience", EW_DOCTOR_FAIL,
			    "oidc-incorrect-audience",
			    ew_aprintf("job '%s' asks for audience %s", j->job,
				       aud),
			    ew_aprintf("%s: audience is '%s'", where,
				       j->audience.raw),
			    ew_aprintf(
				"remove the audience input (the default is "
				"right)"));
	}
}

/* workflow-ecr-login: the job runs amazon-ecr-login. */
static void job_ecr_login(struct ew_doctor_run *r,
			  const struct ew_wf_aws_job *j, const char *where)
{
	if (!j->has_ecr_login) {
		ew_doctor_add(
		    r, "workflow-ecr-login", EW_DOCTOR_FAIL,
		    "no-basic-auth-credentials",
		    ew_aprintf("job '%s' logs in to ECR", j->job),
		    ew_aprintf("%s: no aws-actions/amazon-ecr-login step",
			       where),
		    ew_aprintf("add after configure-aws-credentials:\n"
			       "  - id: login-ecr\n"
			       "    uses: aws-actions/amazon-ecr-login@v2"));
		return;
	}
	ew_doctor_add(r, "workflow-ecr-login", EW_DOCTOR_PASS, NULL,
		      ew_aprintf("job '%s' logs in to ECR", j->job),
		      ew_aprintf("step id '%s'",
				 j->ecr_login_id ? j->ecr_login_id : "(none)"),
		      NULL);
}

/* workflow-registry: images are tagged with the login step's registry
 * output. */
static void job_registry(struct ew_doctor_run *r, const struct ew_wf_aws_job *j,
			 const char *where, const struct ew_env_target *env)
{
	struct ew_buf registry;
	struct ew_error e;

	if (!j->has_ecr_login) {
		ew_doctor_add(
		    r, "workflow-registry", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf(
			"job '%s' takes the registry from the login step",
			j->job),
		    ew_aprintf("no login step"), NULL);
		return;
	}
	ew_buf_init(&registry);
	ew_error_clear(&e);
	if (ew_setup_registry_host(&registry, r->s, env, &e) != 0)
		ew_buf_puts(&registry, "");
	switch (j->registry) {
	case EW_WF_REGISTRY_OUTPUT:
		ew_doctor_add(
		    r, "workflow-registry", EW_DOCTOR_PASS, NULL,
		    ew_aprintf(
			"job '%s' takes the registry from the login step",
			j->job),
		    ew_aprintf("steps.%s.outputs.registry", j->ecr_login_id),
		    NULL);
		break;
	case EW_WF_REGISTRY_HARDCODED:
		if (registry.len && strcmp(registry.ptr, j->registry_text) == 0)
			ew_doctor_add(
			    r, "workflow-registry", EW_DOCTOR_WARN, NULL,
			    ew_aprintf(
				"job '%s' takes the registry from the login "
				"step",
				j->job),
			    ew_aprintf("%s: the registry %s is written out",
				       where, j->registry_text),
			    ew_aprintf("use ${{ steps.%s.outputs.registry }}",
				       j->ecr_login_id ? j->ecr_login_id
						       : "login-ecr"));
		else
			ew_doctor_add(
			    r, "workflow-registry", EW_DOCTOR_FAIL,
			    "no-basic-auth-credentials",
			    ew_aprintf(
				"job '%s' takes the registry from the login "
				"step",
				j->job),
			    ew_aprintf(
				"%s: the workflow pushes to %s, but the login "
				"is for %s",
				where, j->registry_text,
				registry.len ? registry.ptr
					     : "the account's registry"),
			    ew_aprintf(
				"give the login step an id and tag images "
				"with ${{ steps.%s.outputs.registry }}",
				j->ecr_login_id ? j->ecr_login_id
						: "login-ecr"));
		break;
	case EW_WF_REGISTRY_NONE:
		ew_doctor_add(
		    r, "workflow-registry", EW_DOCTOR_WARN, NULL,
		    ew_aprintf(
			"job '%s' takes the registry from the login step",
			j->job),
		    ew_aprintf(
			j->ecr_login_id
			    ? "%s: steps.%s.outputs.registry is never used"
			    : "%s: the login step has no id, so its registry "
			      "output cannot be used%s",
			where, j->ecr_login_id ? j->ecr_login_id : ""),
		    ew_aprintf("tag images ${{ steps.%s.outputs.registry "
			       "}}/REPOSITORY:TAG",
			       j->ecr_login_id ? j->ecr_login_id
					       : "login-ecr"));
		break;
	}
	ew_buf_release(&registry);
}

static void check_job(struct ew_doctor_run *r, const struct ew_wf_aws_job *j)
{
	bool unmapped;
	const struct ew_env_target *env =
	    ew_doctor_job_target(r->s, j, &unmapped);
	const char *region = ew_setup_target_region(r->s, env);
	struct ew_buf role_arn, role_name;
	struct ew_error e;
	char *where = j->caller ? ew_aprintf("%s via %s", j->file, j->caller)
				: ew_aprintf("%s", j->file);

	ew_buf_init(&role_arn);
	ew_buf_init(&role_name);
	ew_error_clear(&e);
	r->target = env ? env->name : NULL;
	if (!where) {
		r->oom = 1;
		return;
	}
	if (unmapped)
		job_environment(r, j, where);
	job_id_token(r, j, where);
	if (ew_setup_role_arn(&role_arn, r->s, env, &e) != 0)
		ew_buf_puts(&role_arn, "");
	if (ew_setup_role_name_for(&role_name, r->s, env) != 0)
		r->oom = 1;
	/* The knowledge entries' commands name this job's target. */
	r->kv.role = role_name.ptr;
	r->kv.role_arn = role_arn.len ? role_arn.ptr : NULL;
	r->kv.repo = ew_setup_target_repo_name(r->s, env);
	r->kv.region = region;
	job_role(r, j, where, &role_arn);
	job_region(r, j, where, region);
	job_audience(r, j, where);
	job_ecr_login(r, j, where);
	job_registry(r, j, where, env);
	r->target = NULL;
	r->kv.role = r->kv.role_arn = r->kv.repo = NULL;
	r->kv.region = r->s->region;
	free(where);
	ew_buf_release(&role_arn);
	ew_buf_release(&role_name);
}

/* ------------------------------------------------ tags and secrets */

/* Whether a moving tag is let through by an exclusion filter ('*'
 * wildcards, as ECR's WILDCARD filters). */
static bool excluded(const struct ew_setup *s, const char *tag)
{
	for (size_t i = 0; i < s->ntag_exclusions; i++) {
		const char *f = s->tag_exclusions[i];
		size_t n = strcspn(tag, " ");
		char t[128];

		if (n >= sizeof(t))
			continue;
		memcpy(t, tag, n);
		t[n] = '\0';
		if (fnmatch(f, t, 0) == 0)
			return true;
	}
	return false;
}

/*
 * An IMMUTABLE repository refuses a tag that already names an image, so a
 * workflow that pushes `latest`, a branch or pull request name or a fixed
 * raw value fails from its second run on (docs/troubleshooting.md).
 */
static void check_job_tags(struct ew_doctor_run *r,
			   const struct ew_wf_aws_job *j, const char *mode,
			   bool live)
{
	struct ew_buf moving;
	bool immutable = strncmp(mode, "IMMUTABLE", 9) == 0;
	bool exclusions = strstr(mode, "WITH_EXCLUSION") != NULL;
	const char *repo = r->kv.repo ? r->kv.repo : "REPOSITORY";
	const char *region = r->kv.region ? r->kv.region : "REGION";

	ew_buf_init(&moving);
	for (size_t i = 0; i < j->ntags; i++) {
		const struct ew_wf_tag *t = &j->tags[i];
		if (!t->moving || (exclusions && excluded(r->s, t->spec)))
			continue;
		ew_buf_printf(&moving, "%s'%s' (%s)", moving.len ? ", " : "",
			      t->spec, t->where);
	}
	if (!j->ntags)
		ew_doctor_add(
		    r, "workflow-tags", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' pushes tags the repository accepts",
			       j->job),
		    ew_aprintf("%s: no image tag found to compare with %s",
			       j->file, mode),
		    NULL);
	else if (!immutable || !moving.len)
		ew_doctor_add(
		    r, "workflow-tags", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' pushes tags the repository accepts",
			       j->job),
		    ew_aprintf("%zu tag(s); the repository is %s%s%s", j->ntags,
			       mode, live ? "" : " (as configured)",
			       immutable ? " and every tag is unique per run"
					 : ""),
		    NULL);
	else
		ew_doctor_add(
		    r, "workflow-tags", EW_DOCTOR_FAIL, "immutable-tag",
		    ew_aprintf("job '%s' pushes tags the repository accepts",
			       j->job),
		    ew_aprintf(
			"%s: the repository %s is %s%s but the job pushes "
			"moving tags: %s; the second run's push fails "
			"with \"tag invalid: ... cannot be overwritten "
			"because the repository is immutable\"",
			j->file, repo, mode, live ? "" : " (as configured)",
			moving.ptr),
		    ew_aprintf(
			"push only tags that are new on every run: the "
			"commit SHA (type=sha, or "
			":${{ github.sha }}) and version tags "
			"(type=semver,pattern={{version}}), with "
			"`flavor: latest=false` on "
			"docker/metadata-action; or keep moving tags and "
			"exclude them: aws ecr put-image-tag-mutability "
			"--repository-name %s --region %s "
			"--image-tag-mutability IMMUTABLE_WITH_EXCLUSION "
			"--image-tag-mutability-exclusion-filters "
			"filterType=WILDCARD,filter=latest",
			repo, region));
	ew_buf_release(&moving);
}

static void check_tags(struct ew_doctor_run *r)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	bool live = r->repo_mutability[0] != '\0';
	const char *mode = live ? r->repo_mutability
				: ew_tag_mutability_name(r->s->tag_mutability);

	r->target = NULL;
	r->kv.repo = ew_setup_target_repo_name(r->s, NULL);
	r->kv.region = r->s->region;
	for (size_t i = 0; i < w->njobs; i++)
		check_job_tags(r, &w->jobs[i], mode, live);
}

/* The produced name closest to a read one: a shared prefix of at least
 * four characters ("AWS_ROLE" -> "AWS_ROLE_ARN"), or NULL. */
static const char *near_name(const struct ew_outputs *o, const char *name)
{
	const char *best = NULL;
	size_t best_n = 3;

	for (size_t i = 0; i < o->nrows; i++) {
		const char *p = o->rows[i].name;
		size_t n = 0;
		while (p[n] && name[n] && p[n] == name[n])
			n++;
		if (n > best_n) {
			best = p;
			best_n = n;
		}
	}
	return best;
}

static bool produced(const struct ew_outputs *o, const char *name)
{
	for (size_t i = 0; i < o->nrows; i++)
		if (strcmp(o->rows[i].name, name) == 0)
			return true;
	return false;
}

/*
 * The secrets a job reads against those the setup tells the user to store
 * (ew_outputs_build): a name the setup does not produce fails when the AWS
 * login depends on it (role-to-assume, aws-region) or when it looks like
 * one of ours (AWS_*, ECR_*); other secrets (a chat webhook, a Docker Hub
 * token) are the workflow's own business and only listed.
 */
static void check_secrets(struct ew_doctor_run *r)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	struct ew_outputs o;
	struct ew_error e;

	memset(&o, 0, sizeof(o));
	ew_error_clear(&e);
	r->target = NULL;
	if (ew_outputs_build(&o, r->s, &e) != 0) {
		if (e.code == EW_ENOMEM)
			r->oom = 1;
		else
			ew_doctor_add(
			    r, "workflow-secrets", EW_DOCTOR_SKIP, NULL,
			    ew_aprintf("the workflow reads the secrets the "
				       "setup produces"),
			    ew_aprintf("skipped: %s", e.message), NULL);
		return;
	}
	for (size_t i = 0; i < w->njobs; i++) {
		const struct ew_wf_aws_job *j = &w->jobs[i];
		struct ew_buf bad, other, fix;

		ew_buf_init(&bad);
		ew_buf_init(&other);
		ew_buf_init(&fix);
		for (size_t k = 0; k < j->njob_secrets; k++) {
			const char *n = j->job_secrets[k], *near;
			bool login = (j->role.secret &&
				      strcmp(j->role.secret, n) == 0) ||
				     (j->region.secret &&
				      strcmp(j->region.secret, n) == 0);
			if (produced(&o, n))
				continue;
			if (!login && strncmp(n, "AWS_", 4) != 0 &&
			    strncmp(n, "ECR_", 4) != 0) {
				ew_buf_printf(&other, "%s%s",
					      other.len ? ", " : "", n);
				continue;
			}
			near = near_name(&o, n);
			ew_buf_printf(
			    &bad, "%ssecrets.%s%s", bad.len ? ", " : "", n,
			    login ? (j->role.secret &&
					     strcmp(j->role.secret, n) == 0
					 ? " (role-to-assume)"
					 : " (aws-region)")
				  : "");
			if (near)
				ew_buf_printf(
				    &fix, "%schange secrets.%s to secrets.%s",
				    fix.len ? "; " : "", n, near);
			else
				ew_buf_printf(&fix,
					      "%sstore %s (gh secret set %s) "
					      "or stop reading it",
					      fix.len ? "; " : "", n, n);
		}
		if (bad.len)
			ew_doctor_add(
			    r, "workflow-secrets", EW_DOCTOR_FAIL,
			    j->role.secret && strstr(bad.ptr, "role-to-assume")
				? "no-credentials"
				: NULL,
			    ew_aprintf("job '%s' reads the secrets the setup "
				       "produces",
				       j->job),
			    ew_aprintf(
				"%s: %s %s not among the setup's secrets "
				"(AWS_REGION, ECR_REPOSITORY, "
				"ECR_REGISTRY, AWS_ROLE_ARN); an unset "
				"secret is an empty string",
				j->file, bad.ptr,
				strchr(bad.ptr, ',') ? "are" : "is"),
			    ew_aprintf("%s", fix.ptr));
		else
			ew_doctor_add(
			    r, "workflow-secrets", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("job '%s' reads the secrets the setup "
				       "produces",
				       j->job),
			    other.len ? ew_aprintf("also reads %s (not from "
						   "this setup)",
						   other.ptr)
				      : ew_aprintf("%zu secret(s), all from "
						   "the setup",
						   j->njob_secrets),
			    NULL);
		ew_buf_release(&bad);
		ew_buf_release(&other);
		ew_buf_release(&fix);
	}
	ew_outputs_release(&o);
}

void ew_doctor_check_workflows(struct ew_doctor_run *r, int scan_rc,
			       const struct ew_error *scan_err)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	const char *what =
	    r->in->workflow ? r->in->workflow : ".github/workflows";

	if (scan_rc) {
		ew_doctor_add(
		    r, "workflow", EW_DOCTOR_FAIL, NULL,
		    ew_aprintf("a workflow pushes to ECR"),
		    ew_aprintf("%s", scan_err->message),
		    ew_aprintf("ecr-wizard apply writes %s (or name yours with "
			       "--workflow PATH)",
			       r->s->workflow_path));
		return;
	}
	for (size_t i = 0; i < w->nproblems; i++)
		ew_doctor_add(
		    r, "workflow", EW_DOCTOR_FAIL, NULL,
		    ew_aprintf("%s parses", w->problems[i].file),
		    ew_aprintf("%s", w->problems[i].message),
		    ew_aprintf("fix %s line %ld (actionlint shows the same)",
			       w->problems[i].file, w->problems[i].line));
	if (w->njobs == 0) {
		ew_doctor_add(
		    r, "workflow", EW_DOCTOR_FAIL, NULL,
		    ew_aprintf("a workflow pushes to ECR"),
		    ew_aprintf("no job in %s runs "
			       "aws-actions/configure-aws-credentials",
			       what),
		    ew_aprintf("ecr-wizard apply writes %s",
			       r->s->workflow_path));
		return;
	}
	ew_doctor_add(
	    r, "workflow", EW_DOCTOR_PASS, NULL,
	    ew_aprintf("a workflow pushes to ECR"),
	    ew_aprintf("%zu AWS job(s) in %zu file(s)", w->njobs, w->nfiles),
	    NULL);
	for (size_t i = 0; i < w->njobs; i++)
		check_job(r, &w->jobs[i]);
	check_tags(r);
	check_secrets(r);
	{
		struct ew_buf names;

		ew_buf_init(&names);
		ew_buf_puts(&names, "secrets: ");
		for (size_t i = 0; i < w->nsecrets; i++)
			ew_buf_printf(&names, "%s%s", i ? ", " : "",
				      w->secrets[i]);
		if (!w->nsecrets)
			ew_buf_puts(&names, "none");
		ew_buf_puts(&names, "; variables: ");
		for (size_t i = 0; i < w->nvars; i++)
			ew_buf_printf(&names, "%s%s", i ? ", " : "",
				      w->vars[i]);
		if (!w->nvars)
			ew_buf_puts(&names, "none");
		if (r->github[0])
			ew_buf_printf(&names,
				      " (compare: gh secret list --repo %s; "
				      "gh variable list --repo %s)",
				      r->github, r->github);
		ew_doctor_add(
		    r, "workflow-names", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the secrets and variables the workflow uses"),
		    ew_buf_detach(&names), NULL);
	}
}

/* ------------------------------------------------------ GitHub secrets */

/* Whether GitHub has name for the target: its environment's secrets or
 * the repository's, or the organization's shared with it (a job in an
 * environment gets all three). */
static bool secret_is_set(const struct ew_doctor_github *g, size_t target,
			  const char *name)
{
	if (ew_github_names_has(g->repo, name) ||
	    ew_github_names_has(g->org, name))
		return true;
	return g->envs && target < g->nenvs &&
	       ew_github_names_has(&g->envs[target], name);
}

void ew_doctor_check_github_secrets(struct ew_doctor_run *r)
{
	static const char *const apply_sets[] = {
	    "AWS_REGION", "ECR_REPOSITORY", "ECR_REGISTRY", "AWS_ROLE_ARN"};
	const struct ew_doctor_github *g = r->in->github;
	const struct ew_workflow_scan *w = &r->rep->workflows;
	bool from_wf = r->rep->has_workflows && w->nsecrets > 0;
	const char *const *want =
	    from_wf ? (const char *const *)w->secrets : apply_sets;
	size_t nwant = from_wf ? w->nsecrets : 4;
	size_t ntargets = ew_setup_target_count(r->s);

	r->target = NULL;
	if (g->why_not) {
		ew_doctor_add(
		    r, "github-secrets",
		    g->listing_failed ? EW_DOCTOR_WARN : EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the secrets the workflow reads are set in "
			       "GitHub"),
		    ew_aprintf("%s%s", g->listing_failed ? "" : "skipped: ",
			       g->why_not),
		    ew_aprintf("compare by hand: gh secret list --repo %s",
			       r->github));
		return;
	}
	for (size_t t = 0; t <= (g->envs ? g->nenvs : 0); t++) {
		const struct ew_github_names *l = t ? &g->envs[t - 1] : g->repo;
		struct ew_buf names;

		r->target = t ? r->s->envs[t - 1].name : NULL;
		ew_buf_init(&names);
		for (size_t i = 0; l && i < l->n; i++)
			ew_buf_printf(&names, "%s%s", i ? ", " : "",
				      l->names[i]);
		if (!t && g->org && g->org->n) {
			ew_buf_puts(&names, names.len
						? "; from the organization: "
						: "from the organization: ");
			for (size_t i = 0; i < g->org->n; i++)
				ew_buf_printf(&names, "%s%s", i ? ", " : "",
					      g->org->names[i]);
		}
		ew_doctor_add(r, "github-secret-names", EW_DOCTOR_PASS, NULL,
			      ew_aprintf("the secrets GitHub has for %s%s%s%s",
					 r->github, t ? " environment '" : "",
					 t ? r->target : "", t ? "'" : ""),
			      ew_aprintf("%s", names.len ? names.ptr : "none"),
			      NULL);
		ew_buf_release(&names);
	}
	for (size_t t = 0; t < ntargets; t++) {
		const struct ew_env_target *env = ew_setup_target_env(r->s, t);
		size_t nmissing = 0;

		r->target = env ? env->name : NULL;
		for (size_t i = 0; i < nwant; i++) {
			if (secret_is_set(g, t, want[i]))
				continue;
			nmissing++;
			ew_doctor_add(
			    r, "github-secrets", EW_DOCTOR_FAIL, NULL,
			    ew_aprintf("secret %s is set in GitHub", want[i]),
			    ew_aprintf("%s reads secrets.%s, which is not set "
				       "in %s%s%s%s",
				       from_wf ? "the workflow"
					       : "apply's "
						 "workflow",
				       want[i], r->github,
				       env ? " nor in its environment '" : "",
				       env ? env->name : "", env ? "'" : ""),
			    ew_aprintf("ecr-wizard apply --set-secrets stores "
				       "it, or: gh secret set %s --repo "
				       "%s%s%s%s",
				       want[i], r->github,
				       env ? " --env '" : "",
				       env ? env->name : "", env ? "'" : ""));
		}
		if (!nmissing)
			ew_doctor_add(
			    r, "github-secrets", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("the secrets the workflow reads are set "
				       "in GitHub"),
			    ew_aprintf("%zu of %zu set in %s%s%s%s (names "
				       "only: GitHub never returns values, "
				       "so they are not checked)",
				       nwant, nwant, r->github,
				       env ? " or its environment '" : "",
				       env ? env->name : "", env ? "'" : ""),
			    NULL);
	}
	r->target = NULL;
}
