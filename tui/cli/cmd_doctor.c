/*
 * cmd_doctor.c - `ecr-wizard doctor`: audit a live setup and the local
 * workflow, one line per check with the fix for each failure.
 *
 * Takes the same flags as apply (cli_run.h fills the same defaults: the
 * GitHub repository and its IDs, the region and credentials).  The checks
 * themselves are core's (doctor.h); this file prints them.
 *
 * `--output json` prints this stable shape (fields are only ever added):
 *
 *   {"version": 1, "command": "doctor", "ok": true|false,
 *    "github": "OWNER/REPO", "account": "...", "region": "...",
 *    "caller_arn": "...",
 *    "summary": {"pass": N, "warn": N, "fail": N, "skip": N},
 *    "checks": [{"id": "trust-subject", "target": null|"ENV",
 *                "status": "pass|warn|fail|skip", "title": "...",
 *                "detail": "...", "fix": null|"...",
 *                "knowledge": null|"entry-id", "check": null|"command"}],
 *    "workflow": {"files": [...], "secrets": [...], "variables": [...],
 *                 "jobs": [{"file", "job", "caller", "subjects": [...]}]}
 *                | null,
 *    "notes": [...]}
 *
 * Exit status: 0 nothing failed (warnings allowed), 1 a check failed,
 * 2 bad usage or input, 3 no usable credentials.
 */
#include "commands.h"

#include "cli_run.h"
#include "cli_secrets.h"
#include "doctor.h"

#include "json_doc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#define RED    "\033[31m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define DIM    "\033[2m"
#define RESET  "\033[0m"

/* A client for region with the run's credentials and endpoints. */
static int make_client(struct ew_aws_client *out, const char *region,
		       void *payload, struct ew_error *err)
{
	struct ew_cli_run *r = payload;

	return ew_bootstrap_client(&r->boot, region, out, err);
}

static const char *status_word(enum ew_doctor_status s, bool color,
			       const char **on)
{
	switch (s) {
	case EW_DOCTOR_PASS:
		*on = color ? GREEN : "";
		return "pass";
	case EW_DOCTOR_WARN:
		*on = color ? YELLOW : "";
		return "WARN";
	case EW_DOCTOR_FAIL:
		*on = color ? RED : "";
		return "FAIL";
	case EW_DOCTOR_SKIP:
		break;
	}
	*on = color ? DIM : "";
	return "skip";
}

/* Print text indented under a check, line by line. */
static void indented(FILE *out, const char *label, const char *text)
{
	const char *p = text;
	bool first = true;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(out, "        %s%.*s\n", first ? label : "     ", len,
			p);
		first = false;
		p = nl ? nl + 1 : NULL;
	}
}

static void print_text(FILE *out, const struct ew_cli_run *r,
		       const struct ew_doctor_report *rep)
{
	const struct ew_setup *s = &r->opt.setup;

	fprintf(out, "Doctor: %s/%s, account %s (%s)%s%s\n", s->owner, s->repo,
		rep->account[0] ? rep->account
				: (s->account ? s->account : "?"),
		s->region, rep->caller_arn[0] ? ", as " : "", rep->caller_arn);
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(out, "note: %s\n", r->notes[i]);
	fputc('\n', out);
	for (size_t i = 0; i < rep->nchecks; i++) {
		const struct ew_doctor_check *c = &rep->checks[i];
		const char *on, *word = status_word(c->status, r->color, &on);

		fprintf(out, "  %s%s%s  %-20s %s%s%s%s\n", on, word,
			r->color ? RESET : "", c->id, c->target ? "[" : "",
			c->target ? c->target : "", c->target ? "] " : "",
			c->title);
		if (c->detail && c->detail[0])
			indented(out, "", c->detail);
		if (c->fix)
			indented(out, "fix: ", c->fix);
		if (c->knowledge_id) {
			fprintf(out, "        see: %s (ecr-wizard explain)\n",
				c->knowledge_id);
			if (c->check_command)
				indented(out, "check: ", c->check_command);
		}
	}
	fprintf(out, "\n%zu passed, %zu warning%s, %zu failed, %zu skipped\n",
		rep->npass, rep->nwarn, rep->nwarn == 1 ? "" : "s", rep->nfail,
		rep->nskip);
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *string_array(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static cJSON *workflow_json(const struct ew_doctor_report *rep)
{
	const struct ew_workflow_scan *w = &rep->workflows;
	cJSON *o, *jobs;

	if (!rep->has_workflows)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "files", string_array(w->files, w->nfiles));
	cJSON_AddItemToObject(o, "secrets",
			      string_array(w->secrets, w->nsecrets));
	cJSON_AddItemToObject(o, "variables", string_array(w->vars, w->nvars));
	jobs = cJSON_AddArrayToObject(o, "jobs");
	for (size_t i = 0; i < w->njobs; i++) {
		const struct ew_wf_aws_job *j = &w->jobs[i];
		cJSON *jo = cJSON_CreateObject(), *subs;

		cJSON_AddStringToObject(jo, "file", j->file);
		cJSON_AddStringToObject(jo, "job", j->job);
		cJSON_AddItemToObject(jo, "caller", str_or_null(j->caller));
		subs = cJSON_AddArrayToObject(jo, "subjects");
		for (size_t k = 0; k < j->nsubjects; k++)
			cJSON_AddItemToArray(
			    subs, cJSON_CreateString(j->subjects[k].context));
		cJSON_AddItemToArray(jobs, jo);
	}
	return o;
}

static int print_json(FILE *out, const struct ew_cli_run *r,
		      const struct ew_doctor_report *rep)
{
	const struct ew_setup *s = &r->opt.setup;
	cJSON *o = cJSON_CreateObject(), *sum, *checks, *notes;
	char github[256];
	char *text;

	if (!o)
		return -1;
	snprintf(github, sizeof(github), "%s/%s", s->owner, s->repo);
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "command", "doctor");
	cJSON_AddBoolToObject(o, "ok", rep->nfail == 0);
	cJSON_AddStringToObject(o, "github", github);
	cJSON_AddItemToObject(
	    o, "account",
	    str_or_null(rep->account[0] ? rep->account : s->account));
	cJSON_AddStringToObject(o, "region", s->region);
	cJSON_AddItemToObject(
	    o, "caller_arn",
	    str_or_null(rep->caller_arn[0] ? rep->caller_arn : NULL));
	sum = cJSON_AddObjectToObject(o, "summary");
	cJSON_AddNumberToObject(sum, "pass", (double)rep->npass);
	cJSON_AddNumberToObject(sum, "warn", (double)rep->nwarn);
	cJSON_AddNumberToObject(sum, "fail", (double)rep->nfail);
	cJSON_AddNumberToObject(sum, "skip", (double)rep->nskip);
	checks = cJSON_AddArrayToObject(o, "checks");
	for (size_t i = 0; i < rep->nchecks; i++) {
		const struct ew_doctor_check *c = &rep->checks[i];
		cJSON *co = cJSON_CreateObject();

		cJSON_AddStringToObject(co, "id", c->id);
		cJSON_AddItemToObject(co, "target", str_or_null(c->target));
		cJSON_AddStringToObject(co, "status",
					ew_doctor_status_name(c->status));
		cJSON_AddStringToObject(co, "title", c->title);
		cJSON_AddStringToObject(co, "detail", c->detail);
		cJSON_AddItemToObject(co, "fix", str_or_null(c->fix));
		cJSON_AddItemToObject(co, "knowledge",
				      str_or_null(c->knowledge_id));
		cJSON_AddItemToObject(co, "check",
				      str_or_null(c->check_command));
		cJSON_AddItemToArray(checks, co);
	}
	cJSON_AddItemToObject(o, "workflow", workflow_json(rep));
	notes = cJSON_AddArrayToObject(o, "notes");
	for (size_t i = 0; i < r->nnotes; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
	text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text)
		return -1;
	{
		/* details quote workflow files and AWS answers: any byte
		 * that is not UTF-8 becomes U+FFFD */
		struct ew_buf b;
		int rc;

		ew_buf_init(&b);
		rc = ew_json_doc_utf8(&b, text);
		if (!rc)
			fprintf(out, "%s\n", b.ptr);
		ew_buf_release(&b);
		cJSON_free(text);
		return rc ? -1 : 0;
	}
}

int ew_cmd_doctor(int argc, char **argv)
{
	struct ew_cli_run r;
	struct ew_doctor_input in;
	struct ew_doctor_report rep;
	struct ew_error err;
	int rc;

	rc = ew_cli_run_start(&r, "doctor", argc, argv, 0);
	if (rc >= 0) {
		ew_cli_run_finish(&r);
		return rc;
	}
	memset(&in, 0, sizeof(in));
	ew_error_clear(&err);
	in.setup = &r.opt.setup;
	in.make_client = r.has_client ? make_client : NULL;
	in.payload = &r;
	/* --no-workflow: audit AWS only. */
	if (r.opt.setup.write_workflow) {
		in.root = r.workdir ? r.workdir : ".";
		if (r.opt.has_workflow)
			in.workflow = r.opt.setup.workflow_path;
	}
	/* With a GitHub token: the secret names, for github-secrets. */
	ew_cli_secrets_doctor(&r, &in);
	rc = ew_doctor_run(&rep, &in, &err);
	ew_cli_secrets_doctor_release(&in);
	if (rc) {
		fprintf(stderr, "ecr-wizard doctor: %s\n", err.message);
		ew_doctor_report_release(&rep);
		ew_cli_run_finish(&r);
		return EXIT_FAILED;
	}
	if (r.opt.output == EW_OUTPUT_JSON)
		rc = print_json(stdout, &r, &rep);
	else
		print_text(stdout, &r, &rep);
	if (rc)
		fputs("ecr-wizard doctor: out of memory\n", stderr);
	if (rep.no_credentials)
		rc = EXIT_NOCREDS;
	else
		rc = rep.nfail || rc ? EXIT_FAILED : EXIT_DONE;
	ew_doctor_report_release(&rep);
	ew_cli_run_finish(&r);
	return rc;
}
