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

#include <stdio.h>
#include <string.h>

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

int ew_cmd_apply(int argc, char **argv)
{
	struct ew_cli_run r;
	struct ew_cli_printer p;
	struct ew_engine_observer obs;
	struct ew_engine e;
	struct ew_outputs secrets = {0};
	struct ew_cli_wf wf;
	bool have_wf = false, have_secrets = false, have_engine = false;
	bool json, secrets_failed = false;
	struct ew_error err, werr;
	int rc, status;

	ew_error_clear(&err);
	ew_error_clear(&werr);
	status = ew_cli_run_start(&r, "apply", argc, argv, EW_CLI_CONFIRMS);
	if (status >= 0)
		goto done;
	json = r.opt.output == EW_OUTPUT_JSON;
	/* Quiet while planning: the plan is shown as a whole. */
	ew_cli_printer_init(&p, stdout, r.color, true, &r.opt.setup);
	p.json = json;
	ew_cli_observer(&obs, &p);
	rc = ew_engine_init(&e, &r.ctx, &r.opt.setup, &r.client, &obs, false,
			    &err);
	have_engine = true;
	if (rc) {
		fprintf(stderr, "ecr-wizard apply: %s\n", err.message);
		status = rc == EW_EINVAL ? 2 : 1;
		goto out;
	}
	ew_cli_run_engine(&e);
	rc = ew_engine_plan(&e, &err);
	if (rc == EW_EINVAL && e.steps[0].state != EW_STATE_FAILED) {
		fprintf(stderr, "ecr-wizard apply: %s\n", err.message);
		status = 2;
		goto out;
	}
	if (!json) {
		header(stdout, &r, &e);
		fputc('\n', stdout);
		ew_cli_print_plan(&p, &e, false);
		ew_cli_print_diffs(&p, &e);
	}
	if (e.steps[0].state == EW_STATE_FAILED) {
		if (json) {
			struct ew_buf out;

			ew_buf_init(&out);
			ew_cli_json(&out, "apply", &e, NULL, NULL, NULL, 0);
			fputs(out.ptr, stdout);
			ew_buf_release(&out);
		}
		status = ew_cli_run_exit(rc, &e);
		goto out;
	}
	if (has_changes(&e) && !r.opt.yes) {
		if (!ew_cli_run_confirm("Apply these changes?")) {
			fputs("nothing changed\n", stderr);
			status = 1;
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
		ew_cli_run_protect(true);
		if (ew_cli_wf_check(&r, &wf, &werr) == 0)
			ew_cli_wf_write(&r, &wf, r.opt.force, &werr);
		else
			wf.status = "failed";
		ew_cli_run_protect(false);
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
		ew_buf_init(&out);
		ew_cli_json(&out, "apply", &e, have_secrets ? &secrets : NULL,
			    have_wf ? &w : NULL, notes, nn);
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
		fprintf(stdout,
			"\n%s: %u requests, %u change%s, %u on the longest "
			"chain, %.2fs\n",
			rc == 0		   ? "Done"
			: rc == EW_ECANCEL ? "Interrupted"
					   : "Failed",
			e.result.requests, e.result.mutations,
			e.result.mutations == 1 ? "" : "s",
			e.result.sequential_depth, e.result.elapsed);
		if (rc == EW_ECANCEL)
			fputs("Nothing is half-written: run apply again to "
			      "finish.\n",
			      stdout);
	}
	status = ew_cli_run_exit(rc, &e);
	if (status == 0 && (werr.code || secrets_failed))
		status = 1;
out:
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
