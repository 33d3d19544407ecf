/* doctor.c - audit a live setup and the local workflow: the run, the
 * report and what the two halves share (doctor_priv.h). */
#include "doctor.h"
#include "doctor_priv.h"

#include "buf.h"
#include "hint.h"
#include "knowledge.h"
#include "partition.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ report */

const char *ew_doctor_status_name(enum ew_doctor_status s)
{
	switch (s) {
	case EW_DOCTOR_PASS:
		return "pass";
	case EW_DOCTOR_WARN:
		return "warn";
	case EW_DOCTOR_FAIL:
		return "fail";
	case EW_DOCTOR_SKIP:
		return "skip";
	}
	return "?";
}

void ew_doctor_report_release(struct ew_doctor_report *r)
{
	for (size_t i = 0; i < r->nchecks; i++) {
		free(r->checks[i].target);
		free(r->checks[i].title);
		free(r->checks[i].detail);
		free(r->checks[i].fix);
		free(r->checks[i].check_command);
	}
	free(r->checks);
	ew_workflow_scan_release(&r->workflows);
	memset(r, 0, sizeof(*r));
}

/* Add a check; takes over title, detail and fix (heap strings). */
void ew_doctor_add(struct ew_doctor_run *r, const char *id,
		   enum ew_doctor_status st, const char *kn, char *title,
		   char *detail, char *fix)
{
	struct ew_doctor_report *rep = r->rep;
	struct ew_doctor_check *grown, *c;
	const struct ew_knowledge_entry *e = kn ? ew_knowledge_find(kn) : NULL;

	grown = title
		    ? realloc(rep->checks, (rep->nchecks + 1) * sizeof(*grown))
		    : NULL;
	if (!grown) {
		free(title);
		free(detail);
		free(fix);
		r->oom = 1;
		return;
	}
	rep->checks = grown;
	c = &rep->checks[rep->nchecks++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->status = st;
	c->title = title;
	c->detail = detail ? detail : ew_strdup("");
	c->fix = st == EW_DOCTOR_PASS || st == EW_DOCTOR_SKIP ? NULL : fix;
	if (c->fix != fix)
		free(fix);
	if (r->target)
		c->target = ew_strdup(r->target);
	if (e && (st == EW_DOCTOR_FAIL || st == EW_DOCTOR_WARN)) {
		struct ew_hint h;

		c->knowledge_id = e->id;
		/* The check command in the words every front-end uses. */
		if (ew_hint_for_entry(&h, e, &r->kv, NULL) == 0) {
			c->check_command = h.check;
			h.check = NULL;
		}
		ew_hint_release(&h);
	}
	if (!c->detail || (r->target && !c->target))
		r->oom = 1;
	switch (st) {
	case EW_DOCTOR_PASS:
		rep->npass++;
		break;
	case EW_DOCTOR_WARN:
		rep->nwarn++;
		break;
	case EW_DOCTOR_FAIL:
		rep->nfail++;
		break;
	case EW_DOCTOR_SKIP:
		rep->nskip++;
		break;
	}
}

/* A failed AWS call as a failed check. */
void ew_doctor_add_aws_failure(struct ew_doctor_run *r, const char *id,
			       char *title, const struct ew_error *e,
			       const char *fallback_kn)
{
	const struct ew_knowledge_entry *k = ew_knowledge_match_error(e);
	struct ew_hint h;
	char *fix = NULL;

	/* The first fix with its placeholders filled, as `apply` shows it. */
	if (ew_hint_for_entry(&h, k, &r->kv, NULL) == 0 && h.nfixes)
		fix = ew_strdup(h.fixes[0]);
	ew_hint_release(&h);
	ew_doctor_add(r, id, EW_DOCTOR_FAIL, k ? k->id : fallback_kn, title,
		      ew_aprintf("%s", e->message), fix);
}

const struct ew_env_target *ew_doctor_job_target(const struct ew_setup *s,
						 const struct ew_wf_aws_job *j,
						 bool *unmapped)
{
	*unmapped = false;
	if (s->nenvs == 0)
		return NULL;
	for (size_t i = 0; i < j->nsubjects; i++) {
		const char *ctx = j->subjects[i].context;

		if (j->subjects[i].kind != EW_WF_SUB_ENV)
			continue;
		for (size_t e = 0; e < s->nenvs; e++) {
			char *want =
			    ew_aprintf("environment:%s", s->envs[e].name);
			bool eq;

			if (!want)
				continue;
			/* ':' in the name is %3A in the subject. */
			for (char *p = want + 12; *p; p++)
				if (*p == ':')
					*p = '\x01';
			eq = true;
			{
				const char *a = ctx, *b = want;

				while (*a && *b && eq) {
					if (*b == '\x01') {
						eq = strncmp(a, "%3A", 3) == 0;
						a += 3;
					} else {
						eq = *a == *b;
						a++;
					}
					b++;
				}
				eq = eq && !*a && !*b;
			}
			free(want);
			if (eq)
				return &s->envs[e];
		}
	}
	*unmapped = true;
	return NULL;
}

/* ------------------------------------------------------------- the run */

int ew_doctor_run(struct ew_doctor_report *out,
		  const struct ew_doctor_input *in, struct ew_error *err)
{
	struct ew_doctor_run r;
	struct ew_buf prov;
	struct ew_error scan_err;
	int scan_rc = 0;

	memset(out, 0, sizeof(*out));
	ew_workflow_scan_init(&out->workflows);
	if (!in || !in->setup)
		return ew_error_set(err, EW_EINVAL, "doctor needs a setup");
	memset(&r, 0, sizeof(r));
	ew_buf_init(&prov);
	ew_error_clear(&scan_err);
	r.rep = out;
	r.in = in;
	r.s = in->setup;
	r.part = ew_partition_for_region(r.s->region);
	if (!r.part)
		r.part = ew_partition_by_id("aws");
	if (r.s->owner && r.s->repo)
		snprintf(r.github, sizeof(r.github), "%s/%s", r.s->owner,
			 r.s->repo);
	if (r.s->owner_id && r.s->repo_id &&
	    strlen(r.s->owner_id) < sizeof(r.owner_id) &&
	    strlen(r.s->repo_id) < sizeof(r.repo_id)) {
		memcpy(r.owner_id, r.s->owner_id, strlen(r.s->owner_id) + 1);
		memcpy(r.repo_id, r.s->repo_id, strlen(r.s->repo_id) + 1);
		r.ids_from_setup = true;
	}
	r.kv.partition = r.part->id;
	r.kv.github_repo = r.github[0] ? r.github : NULL;

	/* The workflows first: the trust checks compare against them. */
	if (in->root) {
		out->has_workflows = true;
		scan_rc = ew_workflow_scan_dir(&out->workflows, in->root,
					       in->workflow, &scan_err);
		if (scan_rc == 0)
			scan_rc = ew_workflow_scan_finish(
			    &out->workflows,
			    in->default_branch ? in->default_branch
					       : r.s->default_branch,
			    &scan_err);
		if (scan_rc == EW_ENOMEM) {
			r.oom = 1;
			goto done;
		}
	}

	ew_doctor_check_credentials(&r);
	r.kv.account = r.s->account;
	r.kv.principal_arn = out->caller_arn[0] ? out->caller_arn : NULL;
	r.kv.region = r.s->region;
	if (r.aws_ok) {
		struct ew_error e;

		ew_error_clear(&e);
		if (ew_setup_provider_arn(&prov, r.s, &e) != 0) {
			r.aws_ok = false;
		} else {
			r.provider_arn = prov.ptr;
			ew_doctor_check_provider(&r);
		}
	} else {
		ew_doctor_add(
		    &r, "provider", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the GitHub OIDC provider exists"),
		    ew_aprintf("skipped: the credentials check failed"), NULL);
	}
	for (size_t i = 0; i < ew_setup_target_count(r.s); i++)
		ew_doctor_check_target(&r, ew_setup_target_env(r.s, i));
	r.kv.account = r.s->account;
	r.kv.region = r.s->region;
	if (in->root)
		ew_doctor_check_workflows(&r, scan_rc, &scan_err);
	if (in->github)
		ew_doctor_check_github_secrets(&r);
done:
	if (r.has_client)
		ew_aws_client_release(&r.client);
	ew_buf_release(&prov);
	if (r.oom)
		return ew_error_oom(err);
	return 0;
}
