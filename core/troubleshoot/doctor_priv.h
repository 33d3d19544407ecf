/*
 * doctor_priv.h - what the parts of doctor share: the state of one audit
 * and the way a finding is recorded.  doctor.c runs the audit and owns the
 * report; doctor_aws.c holds the checks that ask AWS (credentials,
 * provider, role, trust, policies, repository), doctor_workflow.c those
 * that read the workflow files and GitHub's secret names.  Not for use
 * outside core/troubleshoot/doctor*.c.
 *
 * Memory: struct ew_doctor_run borrows the input and the report; the
 * strings handed to ew_doctor_add() become the report's.
 */
#ifndef EW_DOCTOR_PRIV_H
#define EW_DOCTOR_PRIV_H

#include "doctor.h"
#include "knowledge.h"
#include "partition.h"

#include <stdbool.h>

#define ISSUER "token.actions.githubusercontent.com"

/* Everything one audit needs to hand around. */
struct ew_doctor_run {
	struct ew_doctor_report *rep;
	const struct ew_doctor_input *in;
	struct ew_setup *s;
	const struct ew_partition *part;
	struct ew_aws_client client;
	bool has_client;
	bool aws_ok; /* the credentials check passed */
	char *provider_arn;
	char github[256]; /* OWNER/REPO, "" when unknown */
	/* The immutable subject IDs: from the setup, else from the trust. */
	char owner_id[24], repo_id[24];
	bool ids_from_setup;
	struct ew_knowledge_values kv;
	const char *target; /* the current target's environment name */
	int oom;
	/* The first target's repository tag mutability as ECR reports it
	 * ("" when it could not be read), for the workflow-tags check. */
	char repo_mutability[48];
};

/* Add a check; takes over title, detail and fix (heap strings; NULL
 * title means out of memory, and marks the run so). */
void ew_doctor_add(struct ew_doctor_run *r, const char *id,
		   enum ew_doctor_status st, const char *kn, char *title,
		   char *detail, char *fix);

/* A failed AWS call as a failed check. */
void ew_doctor_add_aws_failure(struct ew_doctor_run *r, const char *id,
			       char *title, const struct ew_error *e,
			       const char *fallback_kn);

/* The target a workflow job runs for: NULL for the main one (always, when
 * the setup has no --env environments); with environments, the one whose
 * subject the job presents, else NULL and *unmapped. */
const struct ew_env_target *ew_doctor_job_target(const struct ew_setup *s,
						 const struct ew_wf_aws_job *j,
						 bool *unmapped);

/* doctor_aws.c */
void ew_doctor_check_credentials(struct ew_doctor_run *r);
void ew_doctor_check_provider(struct ew_doctor_run *r);
/* Role, trust, pipeline, session, policies and repository of one target
 * (NULL: the main one). */
void ew_doctor_check_target(struct ew_doctor_run *r,
			    const struct ew_env_target *env);

/* doctor_workflow.c */
void ew_doctor_check_workflows(struct ew_doctor_run *r, int scan_rc,
			       const struct ew_error *scan_err);
void ew_doctor_check_github_secrets(struct ew_doctor_run *r);

#endif
