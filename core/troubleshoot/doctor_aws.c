/* doctor_aws.c - the AWS half of doctor: credentials, provider, role,
 * trust, policies and repository of every target. */
#include "doctor.h"
#include "doctor_priv.h"

#include "buf.h"
#include "ecr.h"
#include "fsutil.h"
#include "iam.h"
#include "knowledge.h"
#include "pipeline.h"
#include "policy_eval.h"
#include "sts.h"

#include <stdlib.h>
#include <string.h>

#define WEB_IDENTITY "sts:AssumeRoleWithWebIdentity"

/* -------------------------------------------------------- AWS checks */

void ew_doctor_check_credentials(struct ew_doctor_run *r)
{
	const struct ew_doctor_input *in = r->in;
	struct ew_caller_identity id;
	struct ew_error e;
	const struct ew_knowledge_entry *k;
	char *title = ew_aprintf("credentials work and belong to the account");

	ew_error_clear(&e);
	if (!in->make_client ||
	    in->make_client(&r->client, r->s->region, in->payload, &e) != 0) {
		const struct ew_error *why =
		    in->make_client ? &e : in->cred_error;

		r->rep->no_credentials =
		    !why || why->code == EW_ENOCREDS || !in->make_client;
		k = why ? ew_knowledge_match_error(why) : NULL;
		ew_doctor_add(
		    r, "credentials", EW_DOCTOR_FAIL,
		    k ? k->id : "no-credentials", title,
		    ew_aprintf("%s", why && why->message[0]
					 ? why->message
					 : "no usable AWS credentials"),
		    ew_aprintf(
			"configure credentials (aws configure, aws sso login "
			"or --profile NAME) and run doctor again"));
		return;
	}
	r->has_client = true;
	if (ew_sts_get_caller_identity(&id, &r->client, &e) != 0) {
		r->rep->no_credentials = e.code == EW_ENOCREDS;
		ew_doctor_add_aws_failure(r, "credentials", title, &e,
					  "invalid-client-token-id");
		return;
	}
	snprintf(r->rep->account, sizeof(r->rep->account), "%s", id.account);
	snprintf(r->rep->caller_arn, sizeof(r->rep->caller_arn), "%s", id.arn);
	if (r->s->account && strcmp(r->s->account, id.account) != 0) {
		ew_doctor_add(
		    r, "credentials", EW_DOCTOR_FAIL, NULL, title,
		    ew_aprintf(
			"the credentials (%s) are for account %s, not %s",
			id.arn, id.account, r->s->account),
		    ew_aprintf(
			"use a profile of account %s (--profile NAME), or "
			"audit %s with --account %s",
			r->s->account, id.account, id.account));
		return;
	}
	if (!r->s->account && ew_setup_set_account(r->s, id.account, &e) != 0) {
		ew_doctor_add(r, "credentials", EW_DOCTOR_FAIL, NULL, title,
			      ew_aprintf("%s", e.message), NULL);
		return;
	}
	r->aws_ok = true;
	ew_doctor_add(r, "credentials", EW_DOCTOR_PASS, NULL, title,
		      ew_aprintf("account %s as %s", id.account, id.arn), NULL);
}

void ew_doctor_check_provider(struct ew_doctor_run *r)
{
	struct ew_iam_oidc_provider p;
	struct ew_error e;
	const char *aud = r->part->audience;
	bool listed = false;

	memset(&p, 0, sizeof(p));
	ew_error_clear(&e);
	if (ew_iam_get_oidc_provider(&p, &r->client, r->provider_arn, &e) !=
	    0) {
		if (ew_error_is_aws(&e, "NoSuchEntity")) {
			ew_doctor_add(
			    r, "provider", EW_DOCTOR_FAIL,
			    "oidc-provider-not-found",
			    ew_aprintf("the GitHub OIDC provider exists"),
			    ew_aprintf("no provider %s in account %s",
				       r->provider_arn, r->s->account),
			    ew_aprintf(
				"aws iam create-open-id-connect-provider --url "
				"https://" ISSUER " --client-id-list %s "
				"(or ecr-wizard apply)",
				aud));
		} else {
			ew_doctor_add_aws_failure(
			    r, "provider",
			    ew_aprintf("the GitHub OIDC provider exists"), &e,
			    "access-denied");
		}
		ew_doctor_add(
		    r, "provider-audience", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the provider lists the audience %s", aud),
		    ew_aprintf("no provider to read"), NULL);
		ew_iam_oidc_provider_release(&p);
		return;
	}
	ew_doctor_add(r, "provider", EW_DOCTOR_PASS, NULL,
		      ew_aprintf("the GitHub OIDC provider exists"),
		      ew_aprintf("%s", r->provider_arn), NULL);
	for (size_t i = 0; i < p.client_ids.n; i++)
		listed = listed || strcmp(p.client_ids.v[i], aud) == 0;
	if (listed) {
		ew_doctor_add(
		    r, "provider-audience", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the provider lists the audience %s", aud),
		    ew_aprintf("client IDs: %zu", p.client_ids.n), NULL);
	} else {
		struct ew_buf ids;

		ew_buf_init(&ids);
		for (size_t i = 0; i < p.client_ids.n; i++)
			ew_buf_printf(&ids, "%s%s", i ? ", " : "",
				      p.client_ids.v[i]);
		ew_doctor_add(
		    r, "provider-audience", EW_DOCTOR_FAIL,
		    "oidc-incorrect-audience",
		    ew_aprintf("the provider lists the audience %s", aud),
		    ew_aprintf("its client IDs are %s; tokens carry aud %s",
			       ids.len ? ids.ptr : "(none)", aud),
		    ew_aprintf(
			"aws iam add-client-id-to-open-id-connect-provider "
			"--open-id-connect-provider-arn %s --client-id %s",
			r->provider_arn, aud));
		ew_buf_release(&ids);
	}
	ew_iam_oidc_provider_release(&p);
}

/* Immutable-form IDs written in the trust for this repository. */
static void ids_from_trust(struct ew_doctor_run *r,
			   const struct ew_policy_trust *t)
{
	struct ew_buf all, prefix;
	const char *p;

	if (r->owner_id[0] || !r->s->owner || !r->s->repo)
		return;
	ew_buf_init(&all);
	ew_buf_init(&prefix);
	if (ew_policy_trust_sub_values(&all, t) == 0 &&
	    ew_buf_printf(&prefix, "repo:%s@", r->s->owner) == 0 &&
	    (p = strstr(all.ptr, prefix.ptr)) != NULL) {
		const char *oid = p + prefix.len, *q = oid;
		size_t rlen = strlen(r->s->repo);

		while (*q >= '0' && *q <= '9')
			q++;
		if (q > oid && (size_t)(q - oid) < sizeof(r->owner_id) &&
		    q[0] == '/' && strncmp(q + 1, r->s->repo, rlen) == 0 &&
		    q[1 + rlen] == '@') {
			const char *rid = q + 2 + rlen, *e = rid;

			while (*e >= '0' && *e <= '9')
				e++;
			if (e > rid && (size_t)(e - rid) < sizeof(r->repo_id)) {
				memcpy(r->owner_id, oid, (size_t)(q - oid));
				r->owner_id[q - oid] = '\0';
				memcpy(r->repo_id, rid, (size_t)(e - rid));
				r->repo_id[e - rid] = '\0';
			}
		}
	}
	ew_buf_release(&all);
	ew_buf_release(&prefix);
}

static const char *subject_kn(enum ew_wf_subject_kind k)
{
	switch (k) {
	case EW_WF_SUB_ENV:
		return "sub-mismatch-environment";
	case EW_WF_SUB_PR:
		return "sub-mismatch-pull-request";
	case EW_WF_SUB_TAG:
		return "sub-mismatch-tag";
	case EW_WF_SUB_BRANCH:
		break;
	}
	return "sub-mismatch-branch";
}

static const char *subject_trust_flag(const struct ew_wf_subject *sj)
{
	switch (sj->kind) {
	case EW_WF_SUB_ENV:
		return "env:";
	case EW_WF_SUB_PR:
		return "pull_request";
	case EW_WF_SUB_TAG:
		return "tag:";
	case EW_WF_SUB_BRANCH:
		break;
	}
	return "branch:";
}

/* The --trust value that admits sj ("branch:main", "env:prod"). */
static char *trust_flag(const struct ew_wf_subject *sj)
{
	const char *flag = subject_trust_flag(sj);
	const char *v = strchr(sj->context, ':');

	if (sj->kind == EW_WF_SUB_PR)
		return ew_aprintf("pull_request");
	if (sj->kind == EW_WF_SUB_ENV)
		return ew_aprintf("%s%s", flag, v ? v + 1 : sj->context);
	v = strrchr(sj->context, ':');
	v = v ? v + 1 : sj->context;
	/* ref:refs/heads/NAME, ref:refs/tags/NAME */
	v = strncmp(v, "refs/heads/", 11) == 0	? v + 11
	    : strncmp(v, "refs/tags/", 10) == 0 ? v + 10
						: v;
	return ew_aprintf("%s%s", flag, v);
}

/* Whether any job of this target has already been checked for context. */
static bool seen_context(char **seen, size_t n, const char *ctx)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(seen[i], ctx) == 0)
			return true;
	return false;
}

/*
 * The subjects GitHub mints for context, in the repository's OIDC subject
 * template when it has a custom one (ew_pipeline_subject, the one place a
 * token's sub is spelled): *legacy the name form, *imm the immutable ID
 * form when the IDs are known (from the setup or read off the trust),
 * else NULL.  0; EW_EINVAL when the template gives no subject for the
 * context; EW_ENOMEM (r->oom set).
 */
static int subject_forms(struct ew_doctor_run *r, const char *context,
			 char **legacy, char **imm)
{
	/* A shallow copy only to lend the pipeline the IDs doctor found;
	 * nothing is freed through it. */
	struct ew_setup s = *r->s;
	struct ew_buf a, b;
	int rc;

	*legacy = *imm = NULL;
	ew_buf_init(&a);
	ew_buf_init(&b);
	s.owner_id = r->owner_id[0] ? r->owner_id : NULL;
	s.repo_id = r->owner_id[0] ? r->repo_id : NULL;
	rc = ew_pipeline_subject(&a, &s, false, context);
	if (rc == 0 && r->owner_id[0])
		rc = ew_pipeline_subject(&b, &s, true, context);
	if (rc == 0) {
		*legacy = ew_buf_detach(&a);
		*imm = r->owner_id[0] ? ew_buf_detach(&b) : NULL;
		if (!*legacy || (r->owner_id[0] && !*imm))
			rc = EW_ENOMEM;
	}
	if (rc == EW_ENOMEM) {
		free(*legacy);
		free(*imm);
		*legacy = *imm = NULL;
		r->oom = 1;
	} else if (rc) {
		rc = EW_EINVAL;
	}
	ew_buf_release(&a);
	ew_buf_release(&b);
	return rc;
}

/* The trust-subject finding for one subject of job j: legacy and imm are
 * its name and ID forms (imm NULL when the IDs are unknown), taken over
 * and freed here. */
static void subject_verdict(struct ew_doctor_run *r,
			    const struct ew_policy_trust *t,
			    const struct ew_wf_aws_job *j,
			    const struct ew_wf_subject *sj, char *legacy,
			    char *imm, const char *role_name)
{
	bool ok_l, ok_i;
	char *flag;

	ok_l = ew_policy_trust_admits_sub(t, legacy, false);
	ok_i = imm && ew_policy_trust_admits_sub(t, imm, false);
	r->kv.job_sub = legacy;
	flag = trust_flag(sj);
	if (ok_l && (ok_i || !imm || !r->ids_from_setup)) {
		ew_doctor_add(r, "trust-subject", EW_DOCTOR_PASS, NULL,
			      ew_aprintf("the trust admits %s", legacy),
			      ew_aprintf("%s (job '%s')%s", sj->why, j->job,
					 ok_i ? "; immutable form too" : ""),
			      NULL);
	} else if (ok_l) {
		r->kv.job_sub = imm;
		ew_doctor_add(
		    r, "trust-subject", EW_DOCTOR_WARN,
		    "sub-mismatch-immutable-id",
		    ew_aprintf("the trust admits %s", legacy),
		    ew_aprintf("%s (job '%s'); not the immutable form "
			       "%s, which GitHub sends for new, "
			       "renamed or opted-in repositories",
			       sj->why, j->job, imm),
		    ew_aprintf("ecr-wizard apply --github %s "
			       "--role-name %s adds both forms",
			       r->github, role_name));
	} else if (ok_i) {
		ew_doctor_add(r, "trust-subject", EW_DOCTOR_PASS, NULL,
			      ew_aprintf("the trust admits %s", imm),
			      ew_aprintf("%s (job '%s'); immutable form only",
					 sj->why, j->job),
			      NULL);
	} else if (ew_policy_trust_admits_sub(t, legacy, true)) {
		ew_doctor_add(r, "trust-subject", EW_DOCTOR_FAIL,
			      "sub-mismatch-owner-casing",
			      ew_aprintf("the trust admits %s", legacy),
			      ew_aprintf("%s (job '%s'): admitted only if case "
					 "is ignored, and IAM compares it "
					 "exactly",
					 sj->why, j->job),
			      ew_aprintf("write %s exactly as GitHub spells it "
					 "in the role's sub condition",
					 r->github));
	} else {
		ew_doctor_add(
		    r, "trust-subject", EW_DOCTOR_FAIL, subject_kn(sj->kind),
		    ew_aprintf("the trust admits %s", legacy),
		    ew_aprintf("%s (job '%s' in %s) is not admitted "
			       "by the role's sub condition",
			       sj->why, j->job, j->file),
		    ew_aprintf("add it: ecr-wizard apply --github %s "
			       "--role-name %s --trust '%s'%s",
			       r->github, role_name, flag ? flag : "",
			       sj->is_pattern ? " (a pattern: StringLike)"
					      : ""));
	}
	r->kv.job_sub = NULL;
	free(flag);
	free(legacy);
	free(imm);
}

static void check_subjects(struct ew_doctor_run *r,
			   const struct ew_policy_trust *t,
			   const struct ew_env_target *env,
			   const char *role_name)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	char **seen = NULL;
	size_t nseen = 0;
	struct ew_buf trusted;
	size_t added = 0;

	ew_buf_init(&trusted);
	if (ew_policy_trust_sub_values(&trusted, t))
		r->oom = 1;
	r->kv.trusted_sub = trusted.ptr;
	if (!r->github[0]) {
		ew_doctor_add(
		    r, "trust-subject", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the trust admits the workflow's subjects"),
		    ew_aprintf("the GitHub repository is unknown (use --github "
			       "OWNER/REPO)"),
		    NULL);
		goto done;
	}
	if (!r->rep->has_workflows || w->njobs == 0) {
		ew_doctor_add(
		    r, "trust-subject", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the trust admits the workflow's subjects"),
		    ew_aprintf("no workflow job to compare with"), NULL);
		goto done;
	}
	for (size_t i = 0; i < w->njobs; i++) {
		const struct ew_wf_aws_job *j = &w->jobs[i];
		bool unmapped;

		if (ew_doctor_job_target(r->s, j, &unmapped) != env || unmapped)
			continue;
		if (j->nsubjects == 0) {
			ew_doctor_add(
			    r, "trust-subject", EW_DOCTOR_WARN, NULL,
			    ew_aprintf("the trust admits job '%s' (%s)", j->job,
				       j->file),
			    ew_aprintf("cannot tell the job's subject: %s",
				       j->subjects_note ? j->subjects_note
							: "no trigger"),
			    ew_aprintf(
				"compare the role's sub condition with the "
				"subject the job presents (github/"
				"actions-oidc-debugger prints it)"));
			added++;
			continue;
		}
		for (size_t k = 0; k < j->nsubjects; k++) {
			const struct ew_wf_subject *sj = &j->subjects[k];
			char *legacy, *imm = NULL, **grown;

			if (seen_context(seen, nseen, sj->context))
				continue;
			grown = realloc(seen, (nseen + 1) * sizeof(*grown));
			if (!grown) {
				r->oom = 1;
				goto done;
			}
			seen = grown;
			seen[nseen++] = sj->context;
			if (subject_forms(r, sj->context, &legacy, &imm)) {
				if (r->oom)
					goto done;
				ew_doctor_add(
				    r, "trust-subject", EW_DOCTOR_WARN, NULL,
				    ew_aprintf("the trust admits job '%s' (%s)",
					       j->job, j->file),
				    ew_aprintf(
					"%s: the repository's OIDC subject "
					"template gives no subject for it (a "
					"template naming \"environment\" "
					"gets no token in a job without one)",
					sj->why),
				    ew_aprintf("give job '%s' an environment, "
					       "or drop \"environment\" from "
					       "the template",
					       j->job));
				added++;
				continue;
			}
			added++;
			subject_verdict(r, t, j, sj, legacy, imm, role_name);
		}
	}
	if (added == 0)
		ew_doctor_add(
		    r, "trust-subject", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the trust admits the workflow's subjects"),
		    ew_aprintf("no workflow job runs for this target"), NULL);
done:
	r->kv.trusted_sub = NULL;
	ew_buf_release(&trusted);
	free(seen);
}

/*
 * Whether a sub value of the trust names this repository, pre being
 * "repo:OWNER/REPO:" and pre_id "repo:OWNER@".  In GitHub's default
 * format the value starts with either.  In a custom subject template the
 * "repo" claim may come after others ("repository_owner:OWNER:repo:..."):
 * the value must hold one of them (or end in "repo:OWNER/REPO") with no
 * wildcard before it, since a '*' there could stand for another
 * repository's claims.
 */
static bool names_repository(const struct ew_setup *s, const char *v,
			     const struct ew_buf *pre,
			     const struct ew_buf *pre_id)
{
	const char *at;
	size_t n;

	if (strncmp(v, pre->ptr, pre->len) == 0 ||
	    strncmp(v, pre_id->ptr, pre_id->len) == 0)
		return true;
	if (s->nsub_claim_keys == 0)
		return false;
	at = strstr(v, pre->ptr);
	if (!at)
		at = strstr(v, pre_id->ptr);
	n = strlen(v);
	/* "...:repo:OWNER/REPO" at the end: pre without its ':'. */
	if (!at && n >= pre->len - 1 &&
	    strncmp(v + n - (pre->len - 1), pre->ptr, pre->len - 1) == 0)
		at = v + n - (pre->len - 1);
	return at && (at == v || at[-1] == ':') &&
	       strcspn(v, "*?") >= (size_t)(at - v);
}

/* trust-provider, when the trust cannot be read at all: rc is
 * ew_policy_trust_parse()'s (EW_EPARSE: not JSON), else no statement. */
static void trust_unreadable(struct ew_doctor_run *r, int rc,
			     const struct ew_iam_role *role)
{
	ew_doctor_add(
	    r, "trust-provider", EW_DOCTOR_FAIL, "assume-role-oidc-denied",
	    ew_aprintf("the trust policy lets GitHub's provider assume the "
		       "role"),
	    ew_aprintf(rc ? "the trust policy is not JSON"
			  : "no Allow statement for " WEB_IDENTITY),
	    ew_aprintf("ecr-wizard apply --github %s --role-name %s rewrites "
		       "the trust policy",
		       r->github[0] ? r->github : "OWNER/REPO", role->name));
}

/* trust-provider: the statements name this account's GitHub provider. */
static void trust_provider(struct ew_doctor_run *r,
			   const struct ew_policy_trust *t,
			   const struct ew_iam_role *role)
{
	struct ew_buf other;

	ew_buf_init(&other);
	if (t->nours == 0) {
		ew_policy_trust_principals(&other, t);
		ew_doctor_add(
		    r, "trust-provider", EW_DOCTOR_FAIL,
		    "oidc-provider-not-found",
		    ew_aprintf(
			"the trust policy names the provider of account %s",
			r->s->account),
		    ew_aprintf("the Federated principal is %s, not %s",
			       other.len ? other.ptr : "missing",
			       r->provider_arn),
		    ew_aprintf("make the principal {\"Federated\": \"%s\"}: "
			       "ecr-wizard apply --github %s --role-name %s",
			       r->provider_arn,
			       r->github[0] ? r->github : "OWNER/REPO",
			       role->name));
	} else {
		ew_doctor_add(
		    r, "trust-provider", EW_DOCTOR_PASS, NULL,
		    ew_aprintf(
			"the trust policy names the provider of account %s",
			r->s->account),
		    ew_aprintf("%s", r->provider_arn), NULL);
	}

	ew_buf_release(&other);
}

/* trust-audience: every judged statement pins aud to the audience. */
static void trust_audience(struct ew_doctor_run *r,
			   const struct ew_policy_trust *t)
{
	const char *aud = r->part->audience;
	bool aud_missing = false, aud_wrong = false;

	for (size_t i = 0; i < t->n; i++) {
		const struct ew_policy_trust_stmt *st = &t->v[i];

		if (!ew_policy_trust_judged(t, st))
			continue;
		if (st->naud == 0)
			aud_missing = true;
		else if (!ew_policy_tests_admit(st->aud, st->naud, aud, false))
			aud_wrong = true;
	}
	if (aud_missing || aud_wrong)
		ew_doctor_add(
		    r, "trust-audience", EW_DOCTOR_FAIL,
		    aud_wrong ? "oidc-incorrect-audience"
			      : "assume-role-oidc-denied",
		    ew_aprintf("the trust policy pins aud to %s", aud),
		    ew_aprintf(aud_wrong
				   ? "its " ISSUER ":aud condition does not "
				     "admit %s"
				   : "a statement has no " ISSUER ":aud "
				     "condition (it would accept tokens minted "
				     "for any audience, not only %s)",
			       aud),
		    ew_aprintf("add \"StringEquals\": {\"" ISSUER
			       ":aud\": \"%s\"} "
			       "to the statement's Condition",
			       aud));
	else
		ew_doctor_add(
		    r, "trust-audience", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the trust policy pins aud to %s", aud), NULL,
		    NULL);
}

/* trust-sub: every judged statement has a sub condition, each value
 * limited to this repository. */
static void trust_sub(struct ew_doctor_run *r, const struct ew_policy_trust *t,
		      const struct ew_iam_role *role)
{
	struct ew_buf other;
	bool sub_missing = false, broad = false;

	ew_buf_init(&other);
	for (size_t i = 0; i < t->n; i++)
		if (ew_policy_trust_judged(t, &t->v[i]) && t->v[i].nsub == 0)
			sub_missing = true;
	if (sub_missing) {
		ew_doctor_add(
		    r, "trust-sub", EW_DOCTOR_FAIL, "assume-role-oidc-denied",
		    ew_aprintf(
			"the trust policy limits sub to this repository"),
		    ew_aprintf("a statement has no " ISSUER
			       ":sub condition: any "
			       "GitHub repository could assume the role"),
		    ew_aprintf(
			"add a sub condition for repo:%s:...: ecr-wizard "
			"apply --github %s --role-name %s",
			r->github[0] ? r->github : "OWNER/REPO",
			r->github[0] ? r->github : "OWNER/REPO", role->name));
	} else {
		struct ew_buf vals, pre, pre_id;

		ew_buf_init(&vals);
		ew_buf_init(&pre);
		ew_buf_init(&pre_id);
		if (ew_policy_trust_sub_values(&vals, t) ||
		    ew_buf_printf(&pre, "repo:%s:", r->github) ||
		    ew_buf_printf(&pre_id, "repo:%s@",
				  r->s->owner ? r->s->owner : ""))
			r->oom = 1;
		/* A value that does not start with this repository's own
		 * prefix admits other repositories too. */
		for (char *line = vals.ptr; r->github[0] && line && *line;) {
			char *nl = strchr(line, '\n');

			if (nl)
				*nl = '\0';
			if (!names_repository(r->s, line, &pre, &pre_id)) {
				broad = true;
				ew_buf_clear(&other);
				ew_buf_puts(&other, line);
			}
			line = nl ? nl + 1 : NULL;
		}
		if (broad)
			ew_doctor_add(
			    r, "trust-sub", EW_DOCTOR_WARN, NULL,
			    ew_aprintf("the trust policy limits sub to this "
				       "repository"),
			    ew_aprintf(
				"'%s' admits subjects of other repositories",
				other.ptr),
			    ew_aprintf(
				"name the repository in every sub value: "
				"repo:%s:...",
				r->github));
		else
			ew_doctor_add(
			    r, "trust-sub", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("the trust policy limits sub to this "
				       "repository"),
			    NULL, NULL);
		ew_buf_release(&vals);
		ew_buf_release(&pre);
		ew_buf_release(&pre_id);
	}

	ew_buf_release(&other);
}

/* trust-for-all-values: no ForAllValues: operator. */
static void trust_for_all_values(struct ew_doctor_run *r,
				 const struct ew_policy_trust *t)
{
	bool for_all = false;

	for (size_t i = 0; i < t->n; i++)
		for_all = for_all || (ew_policy_trust_judged(t, &t->v[i]) &&
				      t->v[i].for_all_values);
	if (for_all)
		ew_doctor_add(
		    r, "trust-for-all-values", EW_DOCTOR_FAIL,
		    "assume-role-oidc-denied",
		    ew_aprintf(
			"the trust policy uses no ForAllValues: operator"),
		    ew_aprintf(
			"ForAllValues: is true when the key is missing or "
			"empty, so it does not restrict a single-valued "
			"claim"),
		    ew_aprintf(
			"use StringEquals / StringLike for " ISSUER ":aud and "
			":sub (ecr-wizard apply rewrites the trust policy)"));
	else
		ew_doctor_add(
		    r, "trust-for-all-values", EW_DOCTOR_PASS, NULL,
		    ew_aprintf(
			"the trust policy uses no ForAllValues: operator"),
		    NULL, NULL);
}

static void check_trust(struct ew_doctor_run *r, const struct ew_iam_role *role,
			const struct ew_env_target *env)
{
	struct ew_policy_trust t;
	int rc = ew_policy_trust_parse(&t, role->trust_document,
				       r->provider_arn, ISSUER);

	if (rc == EW_ENOMEM) {
		r->oom = 1;
		goto done;
	}
	if (rc || t.n == 0) {
		trust_unreadable(r, rc, role);
		goto done;
	}
	ids_from_trust(r, &t);
	trust_provider(r, &t, role);
	trust_audience(r, &t);
	trust_sub(r, &t, role);
	trust_for_all_values(r, &t);
	check_subjects(r, &t, env, role->name);
done:
	ew_policy_trust_release(&t);
}

/* The knowledge entry for a refused run. */
static const char *run_kn(const struct ew_pipeline_run *pr)
{
	if (strstr(pr->reason, "pins aud"))
		return "oidc-incorrect-audience";
	if (strstr(pr->reason, "another case"))
		return "sub-mismatch-owner-casing";
	if (strstr(pr->reason, "immutable subject"))
		return "sub-mismatch-immutable-id";
	return subject_kn(pr->kind);
}

/* The pipeline check (pipeline.h) of one workflow file against this
 * target's trust: a fail line per refused trigger, one pass line naming
 * the admitted ones. */
static void pipeline_file(struct ew_doctor_run *r, const char *file, size_t ti,
			  const char *trust, const char *role_name)
{
	size_t n = ew_setup_target_count(r->s);
	struct ew_pipeline_target *t = calloc(n, sizeof(*t));
	struct ew_pipeline_input in;
	struct ew_pipeline pl;
	struct ew_buf text, ok;
	struct ew_error e;

	memset(&pl, 0, sizeof(pl));
	ew_buf_init(&text);
	ew_buf_init(&ok);
	ew_error_clear(&e);
	if (!t) {
		r->oom = 1;
		goto done;
	}
	/* Only this target's trust: the other targets' jobs stay notes. */
	t[ti].trust = trust;
	if (ew_file_read_in(&text, r->in->root, file, EW_WF_MAX_FILE, &e))
		goto done; /* the workflow checks report it */
	memset(&in, 0, sizeof(in));
	in.setup = r->s;
	in.workflow_file = file;
	in.workflow = text.ptr;
	in.workflow_len = text.len;
	in.targets = t;
	in.default_branch = r->in->default_branch;
	if (ew_pipeline_check(&pl, &in, &e) != 0) {
		r->oom = r->oom || e.code == EW_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < pl.nruns; i++) {
		const struct ew_pipeline_run *pr = &pl.runs[i];

		/* A job in none of the environments: check_job warns. */
		if (r->s->nenvs && !pr->target)
			continue;
		if (pr->admitted) {
			ew_buf_printf(&ok, "%s%s", ok.len ? ", " : "",
				      pr->trigger);
			continue;
		}
		r->kv.job_sub = pr->subject;
		ew_doctor_add(
		    r, "pipeline-trigger", EW_DOCTOR_FAIL, run_kn(pr),
		    ew_aprintf("the '%s' runs of job '%s' (%s) can assume %s",
			       pr->trigger, pr->job, file, role_name),
		    ew_aprintf("refused: %s (token sub %s, aud %s)", pr->reason,
			       pr->subject, pr->audience),
		    ew_aprintf("%s", pr->fix));
		r->kv.job_sub = NULL;
	}
	if (ok.len)
		ew_doctor_add(r, "pipeline-trigger", EW_DOCTOR_PASS, NULL,
			      ew_aprintf("these runs of %s can assume %s", file,
					 role_name),
			      ew_aprintf("%s", ok.ptr), NULL);
done:
	ew_pipeline_release(&pl);
	ew_buf_release(&text);
	ew_buf_release(&ok);
	free(t);
}

/* Every workflow file with an AWS job, once. */
static void check_pipeline(struct ew_doctor_run *r,
			   const struct ew_iam_role *role,
			   const struct ew_env_target *env)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	size_t ti = 0;

	if (!r->rep->has_workflows || !r->github[0] || !role->trust_document)
		return;
	for (size_t i = 0; i < ew_setup_target_count(r->s); i++)
		if (ew_setup_target_env(r->s, i) == env)
			ti = i;
	for (size_t f = 0; f < w->nfiles; f++) {
		bool has_job = false;

		for (size_t j = 0; j < w->njobs && !has_job; j++)
			has_job = !w->jobs[j].caller &&
				  strcmp(w->jobs[j].file, w->files[f]) == 0;
		if (has_job)
			pipeline_file(r, w->files[f], ti, role->trust_document,
				      role->name);
	}
}

static void check_max_session(struct ew_doctor_run *r,
			      const struct ew_iam_role *role,
			      const struct ew_env_target *env)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	long max =
	    role->max_session_duration ? role->max_session_duration : 3600;
	long want = 0;
	const struct ew_wf_aws_job *worst = NULL, *unknown = NULL;
	char *title =
	    ew_aprintf("the role's MaxSessionDuration covers the workflow");

	for (size_t i = 0; r->rep->has_workflows && i < w->njobs; i++) {
		const struct ew_wf_aws_job *j = &w->jobs[i];
		bool unmapped;

		if (ew_doctor_job_target(r->s, j, &unmapped) != env || unmapped)
			continue;
		if (j->duration.raw && !j->duration_seconds)
			unknown = j;
		if (j->duration_seconds > want) {
			want = j->duration_seconds;
			worst = j;
		}
	}
	if (worst && want > max)
		ew_doctor_add(
		    r, "max-session", EW_DOCTOR_FAIL,
		    "duration-exceeds-max-session", title,
		    ew_aprintf(
			"job '%s' asks role-duration-seconds %ld; the role "
			"allows %ld",
			worst->job, want, max),
		    ew_aprintf(
			"lower role-duration-seconds to %ld or less, or: aws "
			"iam update-role --role-name %s "
			"--max-session-duration %ld",
			max, role->name, want > 43200 ? 43200 : want));
	else if (unknown)
		ew_doctor_add(
		    r, "max-session", EW_DOCTOR_WARN, NULL, title,
		    ew_aprintf(
			"job '%s' sets role-duration-seconds to '%s', which "
			"cannot be read here; the role allows %ld",
			unknown->job, unknown->duration.raw, max),
		    ew_aprintf("keep role-duration-seconds at %ld or less",
			       max));
	else
		ew_doctor_add(
		    r, "max-session", EW_DOCTOR_PASS, NULL, title,
		    ew_aprintf("the role allows %ld s; the workflow asks %ld s",
			       max, want ? want : 3600),
		    NULL);
}

/* The default version of every policy attached to the role. */
static int attached_docs(struct ew_doctor_run *r, const char *role_name,
			 const char *policy_arn, char ***docs, size_t *ndocs,
			 bool *ours, struct ew_buf *names, struct ew_error *e)
{
	struct ew_iam_attached_policies ap;
	int rc;

	memset(&ap, 0, sizeof(ap));
	*ours = false;
	rc = ew_iam_list_attached_role_policies(&ap, &r->client, role_name, e);
	for (size_t i = 0; rc == 0 && i < ap.n; i++) {
		struct ew_iam_policy pol;
		struct ew_iam_policy_version v;
		char **grown;

		memset(&pol, 0, sizeof(pol));
		memset(&v, 0, sizeof(v));
		*ours = *ours || strcmp(ap.v[i].arn, policy_arn) == 0;
		ew_buf_printf(names, "%s%s", names->len ? ", " : "",
			      ap.v[i].name);
		rc = ew_iam_get_policy(&pol, &r->client, ap.v[i].arn, e);
		if (rc == 0)
			rc = ew_iam_get_policy_version(
			    &v, &r->client, ap.v[i].arn, pol.default_version_id,
			    e);
		if (rc == 0) {
			grown = realloc(*docs, (*ndocs + 1) * sizeof(*grown));
			if (!grown) {
				rc = ew_error_oom(e);
			} else {
				*docs = grown;
				(*docs)[(*ndocs)++] = v.document;
				v.document = NULL;
			}
		}
		ew_iam_policy_release(&pol);
		ew_iam_policy_version_release(&v);
	}
	ew_iam_attached_policies_release(&ap);
	return rc;
}

/* policy-login: ecr:GetAuthorizationToken on "*" (the login is not tied to
 * a repository, so a grant on the repository ARN gives nothing). */
static void policy_login(struct ew_doctor_run *r, const char *const *docs,
			 size_t ndocs, const char *repo_arn)
{
	enum ew_policy_grant g;

	g = ew_policy_grants(docs, ndocs, EW_POLICY_ECR_LOGIN_ACTION, "*");
	if (g == EW_GRANT_YES)
		ew_doctor_add(
		    r, "policy-login", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("ecr:GetAuthorizationToken is allowed on \"*\""),
		    NULL, NULL);
	else if (g == EW_GRANT_CONDITIONAL)
		ew_doctor_add(
		    r, "policy-login", EW_DOCTOR_WARN, NULL,
		    ew_aprintf("ecr:GetAuthorizationToken is allowed on \"*\""),
		    ew_aprintf("only under a Condition, which doctor cannot "
			       "evaluate"),
		    ew_aprintf(
			"check the condition holds for GitHub Actions runs"));
	else
		ew_doctor_add(
		    r, "policy-login", EW_DOCTOR_FAIL,
		    "ecr-get-authorization-token-scoped",
		    ew_aprintf("ecr:GetAuthorizationToken is allowed on \"*\""),
		    ew_aprintf(g == EW_GRANT_DENIED
				   ? "an explicit Deny covers it"
			       : ew_policy_grants(docs, ndocs,
						  "ecr:GetAuthorizationToken",
						  repo_arn) != EW_GRANT_NO
				   ? "it is allowed only on a repository ARN, "
				     "which grants nothing: the login is not "
				     "tied to a repository"
				   : "no attached policy allows it"),
		    ew_aprintf(
			"give it its own statement: {\"Effect\": \"Allow\", "
			"\"Action\": \"ecr:GetAuthorizationToken\", "
			"\"Resource\": \"*\"}"));
}

/* policy-push: the seven push actions on exactly the repository ARN. */
static void policy_push(struct ew_doctor_run *r, const char *const *docs,
			size_t ndocs, const char *repo_arn)
{
	struct ew_buf missing, res;
	enum ew_policy_grant g;
	bool denied = false, conditional = false;

	ew_buf_init(&missing);
	ew_buf_init(&res);
	for (size_t a = 0; a < ew_policy_ecr_push_nactions; a++) {
		g = ew_policy_grants(docs, ndocs, ew_policy_ecr_push_actions[a],
				     repo_arn);
		if (g == EW_GRANT_YES)
			continue;
		if (g == EW_GRANT_CONDITIONAL) {
			conditional = true;
			continue;
		}
		denied = denied || g == EW_GRANT_DENIED;
		ew_buf_printf(&missing, "%s%s", missing.len ? ", " : "",
			      ew_policy_ecr_push_actions[a]);
	}
	ew_policy_allow_resources(&res, docs, ndocs, ew_policy_ecr_push_actions,
				  ew_policy_ecr_push_nactions);
	if (missing.len)
		ew_doctor_add(
		    r, "policy-push", EW_DOCTOR_FAIL, "push-denied",
		    ew_aprintf("the push actions are allowed on %s", repo_arn),
		    ew_aprintf("%s %s on it%s%s", missing.ptr,
			       denied ? "denied or not allowed" : "not allowed",
			       res.len ? "; the policy grants push actions "
					 "on "
				       : "",
			       res.len ? res.ptr : ""),
		    ew_aprintf("allow the seven push actions on exactly %s "
			       "(ecr-wizard apply writes that policy)",
			       repo_arn));
	else if (conditional)
		ew_doctor_add(
		    r, "policy-push", EW_DOCTOR_WARN, NULL,
		    ew_aprintf("the push actions are allowed on %s", repo_arn),
		    ew_aprintf("some only under a Condition, which doctor "
			       "cannot evaluate"),
		    ew_aprintf("check the condition holds for GitHub "
			       "Actions runs"));
	else
		ew_doctor_add(
		    r, "policy-push", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the push actions are allowed on %s", repo_arn),
		    NULL, NULL);
	ew_buf_release(&missing);
	ew_buf_release(&res);
}

static void check_policy(struct ew_doctor_run *r, const char *role_name,
			 const char *policy_name, const char *policy_arn,
			 const char *repo_arn)
{
	char **docs = NULL;
	size_t ndocs = 0;
	bool ours;
	struct ew_buf names;
	struct ew_error e;

	ew_buf_init(&names);
	ew_error_clear(&e);
	if (attached_docs(r, role_name, policy_arn, &docs, &ndocs, &ours,
			  &names, &e) != 0) {
		ew_doctor_add_aws_failure(
		    r, "policy-attached",
		    ew_aprintf("the permissions policy %s is attached",
			       policy_name),
		    &e, "access-denied");
		goto done;
	}
	/* policy-attached */
	if (ours)
		ew_doctor_add(
		    r, "policy-attached", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the permissions policy %s is attached",
			       policy_name),
		    ew_aprintf("%s", policy_arn), NULL);
	else
		ew_doctor_add(
		    r, "policy-attached", EW_DOCTOR_FAIL, "push-denied",
		    ew_aprintf("the permissions policy %s is attached",
			       policy_name),
		    ew_aprintf("%s is not attached to role %s (attached: %s)",
			       policy_arn, role_name,
			       names.len ? names.ptr : "none"),
		    ew_aprintf("aws iam attach-role-policy --role-name %s "
			       "--policy-arn %s (ecr-wizard apply creates and "
			       "attaches it)",
			       role_name, policy_arn));
	if (ndocs == 0) {
		ew_doctor_add(
		    r, "policy-login", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("ecr:GetAuthorizationToken is allowed on \"*\""),
		    ew_aprintf("no policy attached to the role"), NULL);
		ew_doctor_add(
		    r, "policy-push", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the push actions are allowed on %s", repo_arn),
		    ew_aprintf("no policy attached to the role"), NULL);
		goto done;
	}
	policy_login(r, (const char *const *)docs, ndocs, repo_arn);
	policy_push(r, (const char *const *)docs, ndocs, repo_arn);
done:
	for (size_t i = 0; i < ndocs; i++)
		free(docs[i]);
	free(docs);
	ew_buf_release(&names);
}

static void check_repository(struct ew_doctor_run *r, const char *region,
			     const char *repo_name, const char *repo_arn)
{
	struct ew_aws_client c;
	struct ew_ecr_repository repo;
	struct ew_error e;
	char *lc = NULL;

	memset(&repo, 0, sizeof(repo));
	ew_error_clear(&e);
	if (r->in->make_client(&c, region, r->in->payload, &e) != 0) {
		ew_doctor_add_aws_failure(
		    r, "repository",
		    ew_aprintf("the ECR repository %s exists in %s", repo_name,
			       region),
		    &e, NULL);
		return;
	}
	if (ew_ecr_describe_repository(&repo, &c, repo_name, &e) != 0) {
		if (ew_error_is_aws(&e, "RepositoryNotFoundException"))
			ew_doctor_add(
			    r, "repository", EW_DOCTOR_FAIL,
			    "repository-not-found",
			    ew_aprintf("the ECR repository %s exists in %s",
				       repo_name, region),
			    ew_aprintf(
				"no repository %s in account %s, region %s",
				repo_name, r->s->account, region),
			    ew_aprintf(
				"aws ecr create-repository --repository-name "
				"%s --region %s (or ecr-wizard apply --repo "
				"%s --region %s)",
				repo_name, region, repo_name, region));
		else
			ew_doctor_add_aws_failure(
			    r, "repository",
			    ew_aprintf("the ECR repository %s exists in "
				       "%s",
				       repo_name, region),
			    &e, "access-denied");
		ew_doctor_add(
		    r, "lifecycle", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the repository has a lifecycle policy"),
		    ew_aprintf("no repository to read"), NULL);
		goto done;
	}
	ew_doctor_add(
	    r, "repository", EW_DOCTOR_PASS, NULL,
	    ew_aprintf("the ECR repository %s exists in %s", repo_name, region),
	    ew_aprintf("%s", repo.uri ? repo.uri : repo_arn), NULL);
	if (!r->repo_mutability[0] && repo.tag_mutability)
		snprintf(r->repo_mutability, sizeof(r->repo_mutability), "%s",
			 repo.tag_mutability);
	if (ew_ecr_get_lifecycle_policy(&lc, &c, repo_name, &e) != 0) {
		if (ew_error_is_aws(&e, "LifecyclePolicyNotFoundException"))
			ew_doctor_add(
			    r, "lifecycle", EW_DOCTOR_WARN, NULL,
			    ew_aprintf("the repository has a lifecycle policy"),
			    ew_aprintf(
				"none: old images are kept (and paid for) "
				"forever"),
			    ew_aprintf(
				"ecr-wizard apply --repo %s --region %s sets "
				"one (keeps the last %d images)",
				repo_name, region, r->s->keep_images));
		else
			ew_doctor_add_aws_failure(
			    r, "lifecycle",
			    ew_aprintf("the repository has a lifecycle "
				       "policy"),
			    &e, "access-denied");
	} else {
		ew_doctor_add(
		    r, "lifecycle", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the repository has a lifecycle policy"), NULL,
		    NULL);
	}
done:
	free(lc);
	ew_ecr_repository_release(&repo);
	ew_aws_client_release(&c);
}

static void skip_target(struct ew_doctor_run *r, const char *role_name,
			const char *repo_name, const char *why)
{
	ew_doctor_add(r, "role", EW_DOCTOR_SKIP, NULL,
		      ew_aprintf("the role %s exists", role_name),
		      ew_aprintf("%s", why), NULL);
	ew_doctor_add(r, "policy-attached", EW_DOCTOR_SKIP, NULL,
		      ew_aprintf("the permissions policy is attached"),
		      ew_aprintf("%s", why), NULL);
	ew_doctor_add(r, "repository", EW_DOCTOR_SKIP, NULL,
		      ew_aprintf("the ECR repository %s exists", repo_name),
		      ew_aprintf("%s", why), NULL);
}

void ew_doctor_check_target(struct ew_doctor_run *r,
			    const struct ew_env_target *env)
{
	struct ew_buf role, policy, role_arn, policy_arn, repo_arn;
	const char *region = ew_setup_target_region(r->s, env);
	const char *repo_name = ew_setup_target_repo_name(r->s, env);
	struct ew_iam_role ro;
	struct ew_error e;

	ew_buf_init(&role);
	ew_buf_init(&policy);
	ew_buf_init(&role_arn);
	ew_buf_init(&policy_arn);
	ew_buf_init(&repo_arn);
	memset(&ro, 0, sizeof(ro));
	ew_error_clear(&e);
	r->target = env ? env->name : NULL;
	if (!repo_name)
		repo_name = "(unknown)";
	if (ew_setup_role_name_for(&role, r->s, env) ||
	    ew_setup_policy_name_for(&policy, r->s, env)) {
		r->oom = 1;
		goto done;
	}
	if (!r->aws_ok) {
		skip_target(r, role.ptr, repo_name,
			    "skipped: the credentials check failed");
		goto done;
	}
	if (ew_setup_role_arn(&role_arn, r->s, env, &e) ||
	    ew_setup_policy_arn(&policy_arn, r->s, env, &e) ||
	    ew_setup_repository_arn(&repo_arn, r->s, env, &e)) {
		skip_target(r, role.ptr, repo_name, e.message);
		goto done;
	}
	r->kv.role = role.ptr;
	r->kv.role_arn = role_arn.ptr;
	r->kv.policy = policy.ptr;
	r->kv.repo = repo_name;
	r->kv.region = region;

	if (ew_iam_get_role(&ro, &r->client, role.ptr, &e) != 0) {
		if (ew_error_is_aws(&e, "NoSuchEntity"))
			ew_doctor_add(
			    r, "role", EW_DOCTOR_FAIL,
			    "assume-role-oidc-denied",
			    ew_aprintf("the role %s exists", role.ptr),
			    ew_aprintf("no role %s in account %s", role.ptr,
				       r->s->account),
			    ew_aprintf(
				"ecr-wizard apply --github %s --role-name %s "
				"creates it",
				r->github[0] ? r->github : "OWNER/REPO",
				role.ptr));
		else
			ew_doctor_add_aws_failure(
			    r, "role",
			    ew_aprintf("the role %s exists", role.ptr), &e,
			    "access-denied");
		ew_doctor_add(r, "trust-provider", EW_DOCTOR_SKIP, NULL,
			      ew_aprintf("the trust policy"),
			      ew_aprintf("no role to read"), NULL);
	} else {
		ew_doctor_add(r, "role", EW_DOCTOR_PASS, NULL,
			      ew_aprintf("the role %s exists", role.ptr),
			      ew_aprintf("%s", ro.arn), NULL);
		check_trust(r, &ro, env);
		check_pipeline(r, &ro, env);
		check_max_session(r, &ro, env);
		check_policy(r, role.ptr, policy.ptr, policy_arn.ptr,
			     repo_arn.ptr);
	}
	check_repository(r, region, repo_name, repo_arn.ptr);
done:
	r->kv.role = r->kv.role_arn = r->kv.policy = r->kv.repo = NULL;
	r->target = NULL;
	ew_iam_role_release(&ro);
	ew_buf_release(&role);
	ew_buf_release(&policy);
	ew_buf_release(&role_arn);
	ew_buf_release(&policy_arn);
	ew_buf_release(&repo_arn);
}
