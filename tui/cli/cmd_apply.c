/*
 * cmd_apply.c - `ecr-wizard apply`: the setup without the wizard.
 *
 * Plans, shows what will change (with the diffs), asks on a terminal
 * unless --yes, applies with one line per step as it finishes (and per
 * retry), writes the workflow, and ends with the secrets table and the gh
 * lines.  SIGINT/SIGTERM cancel the engine; the exit status is then 130.
 * --set-secrets then stores the secrets in GitHub (cli_secrets.h); a
 * failure there leaves AWS as it is and exits 1.
 */
#include "commands.h"

#include "cli_output.h"
#include "cli_run.h"
#include "cli_secrets.h"
#include "outputs.h"
#include "sharing.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The first step whose check failed, or NULL. */
static const struct ew_step *first_failed(const struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].state == EW_STATE_FAILED)
			return &e->steps[i];
	return NULL;
}

static bool has_changes(const struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].action == EW_ACTION_CREATE ||
		    e->steps[i].action == EW_ACTION_UPDATE ||
		    e->steps[i].state == EW_STATE_FAILED)
			if (e->steps[i].kind != EW_STEP_OUTPUTS)
				return true;
	return false;
}

static void header(FILE *out, struct ew_cli_run *r, const struct ew_engine *e)
{
	const struct ew_setup *s = e->setup;

	fprintf(out, "Setting up %s/%s in account %s (%s)%s%s\n", s->owner,
		s->repo, s->account ? s->account : "?", s->region,
		e->result.caller_arn[0] ? ", as " : "", e->result.caller_arn);
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(out, "note: %s\n", r->notes[i]);
}

static void workflow_text(FILE *out, const struct ew_setup *s,
			  const struct ew_cli_wf *wf)
{
	if (!strcmp(wf->status, "kept")) {
		fprintf(out,
			"\nWorkflow %s exists and differs: kept as it is "
			"(pass --force to overwrite). The difference:\n%s",
			s->workflow_path, wf->diff.ptr);
		return;
	}
	fprintf(out, "\nWorkflow %s: %s\n", s->workflow_path, wf->status);
	if (!strcmp(wf->status, "updated") && wf->diff.len)
		fputs(wf->diff.ptr, out);
}

/* The pipeline check of the workflow that will be in place, before any
 * change.  0, or the error (then out holds nothing). */
static int pipeline_before(struct ew_pipeline *out, struct ew_cli_run *r,
			   const struct ew_engine *e, struct ew_error *err)
{
	struct ew_cli_wf pre;
	bool have_pre = false;
	int rc;

	if (r->opt.setup.write_workflow) {
		have_pre = ew_cli_wf_check(r, &pre, err) == 0;
		if (!have_pre) {
			ew_cli_wf_release(&pre);
			ew_error_clear(err);
		}
	}
	rc = ew_cli_pipeline(out, r, e, have_pre ? &pre : NULL, err);
	if (have_pre)
		ew_cli_wf_release(&pre);
	return rc;
}

/* Name every refused trigger and the way on; apply then stops. */
static void refuse(FILE *out, const struct ew_setup *s,
		   const struct ew_pipeline *pl)
{
	bool with_job = ew_pipeline_names_jobs(pl);
	struct ew_buf line;

	ew_buf_init(&line);
	fprintf(out,
		"ecr-wizard apply: refused: %zu trigger%s of %s could never "
		"assume %s role:\n",
		pl->nrefused, pl->nrefused == 1 ? "" : "s", s->workflow_path,
		s->nenvs ? "their" : "its");
	for (size_t i = 0; i < pl->nruns; i++) {
		const struct ew_pipeline_run *r = &pl->runs[i];

		if (r->admitted)
			continue;
		ew_buf_clear(&line);
		if (ew_pipeline_run_line(&line, r, with_job) == 0)
			fprintf(out, "  %s\n    fix: %s\n", line.ptr, r->fix);
	}
	fputs("nothing changed: change the trust scopes (--trust) or the "
	      "workflow, or pass --allow-refused-triggers to apply anyway\n",
	      out);
	ew_buf_release(&line);
}

/* What the plan would take from other repositories, and the two ways
 * on, for the user (stderr: it is why apply stops). */
static void print_conflicts(FILE *out, const struct ew_engine *e)
{
	struct ew_buf role, policy;

	ew_buf_init(&role);
	ew_buf_init(&policy);
	ew_sharing_suggest_names(&role, &policy, e->setup);
	fputs("\nDestructive: this change would take access away from "
	      "another repository:\n",
	      out);
	for (size_t i = 0; i < e->nsteps; i++) {
		const struct ew_step *s = &e->steps[i];

		if (s->conflict != EW_CONFLICT_SHARED || s->conflict_resolved)
			continue;
		fprintf(out, "  %s also %s %s\n", s->title,
			s->kind == EW_STEP_ROLE ? "trusts" : "grants push to",
			s->others);
	}
	fprintf(out,
		"Two ways on:\n"
		"  share them: run again with --share-role (their access is "
		"kept, %s/%s's is added)\n"
		"  use new names: run again with --role-name %s --policy-name "
		"%s\n",
		e->setup->owner, e->setup->repo, role.ptr, policy.ptr);
	ew_buf_release(&role);
	ew_buf_release(&policy);
}

/* On a terminal: 's' share, 'n' new names, anything else stops. */
static char ask_conflict(void)
{
	char line[64];

	fputs("Share them (s), use new names (n), or stop (q)? [s/n/Q] ",
	      stderr);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 'q';
	if (strcasecmp(line, "s\n") == 0 || strcasecmp(line, "share\n") == 0)
		return 's';
	if (strcasecmp(line, "n\n") == 0 || strcasecmp(line, "new\n") == 0)
		return 'n';
	return 'q';
}

static int use_new_names(struct ew_setup *s, struct ew_error *err)
{
	struct ew_buf role, policy;
	int rc;

	ew_buf_init(&role);
	ew_buf_init(&policy);
	rc = ew_sharing_suggest_names(&role, &policy, s);
	if (!rc)
		rc = ew_setup_set_role_name(s, role.ptr, err);
	if (!rc)
		rc = ew_setup_set_policy_name(s, policy.ptr, err);
	ew_buf_release(&role);
	ew_buf_release(&policy);
	return rc;
}

/*
 * The user's answers to what the plan found serving someone else: a
 * shared role or policy (refused under --yes; asked on a terminal), a
 * lifecycle policy that is not ours (kept under --yes; asked on a
 * terminal).  Returns 0 to go on with e as it is, 1 to plan again with
 * the changed setup, -1 to stop with nothing changed (exit 1).
 */
static int decide_conflicts(struct ew_cli_run *r, const struct ew_engine *e)
{
	const struct ew_step *c = ew_engine_conflict(e, EW_CONFLICT_SHARED);
	struct ew_error err;

	if (c) {
		print_conflicts(stderr, e);
		if (r->opt.yes) {
			fputs("ecr-wizard apply: refused under --yes: nothing "
			      "was changed\n",
			      stderr);
			return -1;
		}
		switch (ask_conflict()) {
		case 's':
			r->opt.setup.share_role = true;
			return 1;
		case 'n':
			if (use_new_names(&r->opt.setup, &err) == 0)
				return 1;
			fprintf(stderr, "ecr-wizard apply: %s\n", err.message);
			return -1;
		default:
			fputs("nothing changed\n", stderr);
			return -1;
		}
	}
	c = ew_engine_conflict(e, EW_CONFLICT_NOT_OURS);
	if (c && !r->opt.yes) {
		char q[1024];

		snprintf(q, sizeof(q),
			 "%s: the repository %s was not created by "
			 "ecr-wizard. Replace its lifecycle policy with keep "
			 "%d (--replace-lifecycle)?",
			 c->title, c->others, e->setup->keep_images);
		if (ew_cli_run_confirm(q)) {
			r->opt.setup.replace_lifecycle = true;
			return 1;
		}
	}
	return 0;
}

/* The plan alone as the JSON document (apply stopped before any change). */
static void print_plan_json(const struct ew_engine *e)
{
	struct ew_buf out;

	ew_buf_init(&out);
	ew_cli_json(&out, "apply", e, NULL, NULL, NULL, 0);
	fputs(out.ptr, stdout);
	ew_buf_release(&out);
}

/* The pipeline check before any change: shown, then a refused trigger
 * stops apply unless --allow-refused-triggers.  pl is filled either way
 * (the JSON lists it); 0 to go on, -1 when apply stops. */
static int pipeline_gate(struct ew_pipeline *pl, struct ew_cli_run *r,
			 struct ew_cli_printer *p, const struct ew_engine *e,
			 bool json)
{
	struct ew_error perr;

	ew_error_clear(&perr);
	if (pipeline_before(pl, r, e, &perr) != 0)
		ew_cli_run_note(r, "pipeline check: %s", perr.message);
	if (!json)
		ew_cli_print_pipeline(p, pl, r->opt.setup.workflow_path);
	if (pl->nrefused && !r->opt.allow_refused) {
		if (json) {
			struct ew_buf out;
			struct ew_cli_workflow w = {0};
			const char *notes[EW_CLI_MAX_NOTES + 1];
			size_t nn = 0;

			for (size_t i = 0; i < r->nnotes; i++)
				notes[nn++] = r->notes[i];
			notes[nn++] = "apply refused: a workflow trigger "
				      "could never assume its role (pass "
				      "--allow-refused-triggers to apply "
				      "anyway)";
			w.pipeline = pl;
			ew_buf_init(&out);
			ew_cli_json(&out, "apply", e, NULL, &w, notes, nn);
			fputs(out.ptr, stdout);
			ew_buf_release(&out);
		}
		refuse(stderr, &r->opt.setup, pl);
		return -1;
	}
	if (pl->nrefused && !json)
		fprintf(stdout,
			"note: --allow-refused-triggers: applying although "
			"the runs refused above will fail\n");
	if (pl->nrefused)
		ew_cli_run_note(
		    r,
		    "--allow-refused-triggers: applying although "
		    "%zu trigger%s of %s could never assume %s role",
		    pl->nrefused, pl->nrefused == 1 ? "" : "s",
		    r->opt.setup.workflow_path,
		    r->opt.setup.nenvs ? "their" : "its");
	return 0;
}

/* The closing line of a text run; complete: exit status 0 (a workflow
 * that could not be written, or secrets not stored, make it
 * "Incomplete"). */
static void summary(const struct ew_engine *e, int rc, bool complete)
{
	size_t doubt = 0;

	for (size_t i = 0; i < e->nsteps; i++)
		doubt += ew_cli_step_in_doubt(&e->steps[i]) != NULL;
	fprintf(stdout,
		"\n%s: %u requests, %u change%s confirmed by AWS, %u "
		"on the longest chain, %.2fs\n",
		complete	   ? "Done"
		: rc == 0	   ? "Incomplete"
		: rc == EW_ECANCEL ? "Interrupted"
				   : "Failed",
		e->result.requests, e->result.mutations,
		e->result.mutations == 1 ? "" : "s", e->result.sequential_depth,
		e->result.elapsed);
	if (rc == EW_ECANCEL && doubt)
		fprintf(stdout,
			"%zu change%s in flight when interrupted: the "
			"request may have reached AWS (marked "
			"unknown). Run apply again: it adopts what "
			"exists and finishes.\n",
			doubt, doubt == 1 ? " was" : "s were");
	else if (rc == EW_ECANCEL)
		fputs("No change was in flight: run apply again to "
		      "finish.\n",
		      stdout);
}

int ew_cmd_apply(int argc, char **argv)
{
	struct ew_cli_run r;
	struct ew_cli_printer p;
	struct ew_engine_observer obs;
	struct ew_engine e;
	struct ew_outputs secrets = {0};
	struct ew_cli_wf wf;
	struct ew_pipeline pl;
	bool have_wf = false, have_secrets = false, have_engine = false;
	bool have_pl = false;
	const struct ew_step *failed;
	bool json, secrets_failed = false;
	struct ew_error err, werr;
	int rc, status;

	ew_error_clear(&err);
	ew_error_clear(&werr);
	status = ew_cli_run_start(&r, "apply", argc, argv,
				  EW_CLI_CONFIRMS | EW_CLI_WRITES_WORKFLOW);
	if (status >= 0)
		goto done;
	json = r.opt.output == EW_OUTPUT_JSON;
	/* Quiet while planning: the plan is shown as a whole. */
	ew_cli_printer_init(&p, stdout, r.color, true, &r.opt.setup);
	p.json = json;
	p.result = &e.result;
	ew_cli_observer(&obs, &p);
replan:
	rc = ew_engine_init(&e, &r.ctx, &r.opt.setup, &r.client, &obs, false,
			    &err);
	have_engine = true;
	if (rc) {
		fprintf(stderr, "ecr-wizard apply: %s\n", err.message);
		status = rc == EW_EINVAL ? EXIT_USAGE : EXIT_FAILED;
		goto out;
	}
	ew_cli_run_engine(&e);
	rc = ew_engine_plan(&e, &err);
	if (rc == EW_EINVAL && !ew_engine_identity_failed(&e)) {
		fprintf(stderr, "ecr-wizard apply: %s\n", err.message);
		status = EXIT_USAGE;
		goto out;
	}
	if (!json) {
		header(stdout, &r, &e);
		fputc('\n', stdout);
		ew_cli_print_plan(&p, &e, false);
		ew_cli_print_diffs(&p, &e);
	}
	/* A check that could not read the current state (denied, a server
	 * error after retries) leaves the plan unknown: nothing is changed,
	 * not even the steps that check does not guard. */
	failed = first_failed(&e);
	if (failed) {
		if (json)
			print_plan_json(&e);
		if (!ew_engine_identity_failed(&e))
			fprintf(stderr,
				"ecr-wizard apply: nothing changed: the check "
				"of %s failed (%s); fix that and run apply "
				"again\n",
				failed->title, failed->error.message);
		status = ew_cli_run_exit(rc ? rc : failed->error.code, &e);
		if (status == EXIT_DONE)
			status = EXIT_FAILED;
		goto out;
	}
	rc = decide_conflicts(&r, &e);
	if (rc == 1) {
		ew_cli_run_engine(NULL);
		ew_engine_release(&e);
		have_engine = false;
		if (!json)
			fputc('\n', stdout);
		goto replan;
	}
	if (rc < 0) {
		if (json)
			print_plan_json(&e);
		status = EXIT_FAILED;
		goto out;
	}
	have_pl = true;
	if (pipeline_gate(&pl, &r, &p, &e, json) != 0) {
		status = EXIT_FAILED;
		goto out;
	}
	if (has_changes(&e) && !r.opt.yes) {
		if (!ew_cli_run_confirm("Apply these changes?")) {
			fputs("nothing changed\n", stderr);
			status = EXIT_FAILED;
			goto out;
		}
	}
	if (!json)
		fputc('\n', stdout);
	p.quiet = json;
	rc = ew_engine_apply(&e, &err);
	ew_cli_run_engine(NULL);

	if (rc == 0 && r.opt.setup.write_workflow) {
		have_wf = true;
		/* Only the write is protected from signals: reading what is
		 * there could block (never hold signals across that). */
		if (ew_cli_wf_check(&r, &wf, &werr) == 0) {
			ew_cli_run_protect(true);
			ew_cli_wf_write(&r, &wf, r.opt.force, &werr);
			ew_cli_run_protect(false);
		} else {
			wf.status = "failed";
		}
	}
	if (rc == 0)
		have_secrets =
		    ew_outputs_build(&secrets, &r.opt.setup, &err) == 0;
	/* JSON lists the outcome as a note, so it is stored first. */
	if (json && have_secrets && r.opt.set_secrets)
		secrets_failed = ew_cli_secrets_store(&r, &secrets, true) < 0;

	if (json) {
		struct ew_buf out;
		const char *notes[EW_CLI_MAX_NOTES + 1];
		size_t nn = 0;
		struct ew_cli_workflow w = {0};

		for (size_t i = 0; i < r.nnotes; i++)
			notes[nn++] = r.notes[i];
		if (werr.code)
			notes[nn++] = werr.message;
		if (have_wf) {
			w.path = r.opt.setup.workflow_path;
			w.written = wf.written;
			w.status = wf.status;
			w.diff = wf.diff.len ? wf.diff.ptr : NULL;
		}
		w.pipeline = have_pl ? &pl : NULL;
		ew_buf_init(&out);
		ew_cli_json(&out, "apply", &e, have_secrets ? &secrets : NULL,
			    &w, notes, nn);
		fputs(out.ptr, stdout);
		ew_buf_release(&out);
	} else {
		if (have_wf && werr.code)
			fprintf(stdout, "\nWorkflow %s: not written: %s\n",
				r.opt.setup.workflow_path, werr.message);
		else if (have_wf)
			workflow_text(stdout, &r.opt.setup, &wf);
		if (have_secrets)
			ew_cli_print_secrets(stdout, &secrets, &r.opt.setup);
		/* A failure here leaves AWS as it is: the lines above
		 * finish the job by hand. */
		if (have_secrets && r.opt.set_secrets)
			secrets_failed =
			    ew_cli_secrets_store(&r, &secrets, false) < 0;
		summary(&e, rc, rc == 0 && !werr.code && !secrets_failed);
	}
	status = ew_cli_run_exit(rc, &e);
	if (status == 0 && (werr.code || secrets_failed))
		status = EXIT_FAILED;
out:
	if (have_pl)
		ew_pipeline_release(&pl);
	if (have_wf)
		ew_cli_wf_release(&wf);
	if (have_secrets)
		ew_outputs_release(&secrets);
	ew_cli_printer_release(&p);
done:
	if (have_engine)
		ew_engine_release(&e);
	ew_cli_run_finish(&r);
	return status;
}
