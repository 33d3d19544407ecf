/*
 * cmd_plan.c - `ecr-wizard plan`: what apply would do, reads only.
 *
 * The steps with their decided actions, every document, the differences
 * with what is in AWS, the workflow, and the whole thing as a runnable aws
 * CLI script.  Without credentials but with --account, an offline plan
 * (nothing read, every resource "create (not checked)").
 */
#include "commands.h"

#include "cli_output.h"
#include "cli_run.h"
#include "outputs.h"

#include <stdio.h>
#include <string.h>

static void print_text(struct ew_cli_printer *p, struct ew_cli_run *r,
		       const struct ew_engine *e, const struct ew_cli_wf *wf,
		       const struct ew_pipeline *pl, int rc)
{
	const struct ew_setup *s = e->setup;
	struct ew_buf script;

	fprintf(p->out, "Plan for %s/%s in account %s (%s)%s%s\n", s->owner,
		s->repo, s->account ? s->account : "?", s->region,
		e->result.caller_arn[0] ? ", as " : "", e->result.caller_arn);
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(p->out, "note: %s\n", r->notes[i]);
	fputc('\n', p->out);
	ew_cli_print_plan(p, e, false);
	if (rc && ew_engine_identity_failed(e))
		return;
	ew_cli_print_diffs(p, e);
	if (pl)
		ew_cli_print_pipeline(p, pl, s->workflow_path);
	ew_cli_print_documents(p, e);
	if (wf && s->write_workflow && !strcmp(wf->status, "failed")) {
		fprintf(p->out,
			"\nWorkflow %s: would not be written (see the "
			"note above)\n",
			s->workflow_path);
	} else if (wf && s->write_workflow) {
		fprintf(p->out, "\nWorkflow %s: %s\n", s->workflow_path,
			wf->exists ? (wf->same ? "in place, unchanged"
					       : "exists and differs (apply "
						 "keeps it unless --force)")
				   : "will be written");
		if (wf->diff.len)
			fputs(wf->diff.ptr, p->out);
		else if (!wf->exists)
			fputs(wf->content.ptr, p->out);
	}
	ew_buf_init(&script);
	ew_cli_script(&script, e, false);
	fprintf(p->out, "\nThe same with the aws CLI:\n\n%s", script.ptr);
	ew_buf_release(&script);
	fprintf(p->out, "\n%u request%s, none of them changed anything.\n",
		e->result.requests, e->result.requests == 1 ? "" : "s");
}

int ew_cmd_plan(int argc, char **argv)
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
	struct ew_error err;
	int rc, status;

	ew_error_clear(&err);
	status = ew_cli_run_start(&r, "plan", argc, argv, EW_CLI_ALLOW_OFFLINE);
	if (status >= 0)
		goto done;
	ew_cli_printer_init(&p, stdout, r.color, true, &r.opt.setup);
	p.json = r.opt.output == EW_OUTPUT_JSON;
	p.result = &e.result;
	ew_cli_observer(&obs, &p);
	rc =
	    ew_engine_init(&e, &r.ctx, &r.opt.setup,
			   r.offline ? NULL : &r.client, &obs, r.offline, &err);
	have_engine = true;
	if (!rc) {
		ew_cli_run_engine(&e);
		rc = ew_engine_plan(&e, &err);
		ew_cli_run_engine(NULL);
	}
	if (rc == EW_EINVAL && e.nsteps && !ew_engine_identity_failed(&e)) {
		/* The setup check after the identity: bad input. */
		fprintf(stderr, "ecr-wizard plan: %s\n", err.message);
		status = EXIT_USAGE;
		goto out;
	}
	if (e.nsteps && !ew_engine_identity_failed(&e) && r.opt.setup.account) {
		have_secrets =
		    ew_outputs_build(&secrets, &r.opt.setup, NULL) == 0;
		if (r.opt.setup.write_workflow) {
			struct ew_error werr;

			have_wf = true;
			if (ew_cli_wf_check(&r, &wf, &werr) != 0) {
				ew_cli_run_note(&r, "workflow: %s",
						werr.message);
				wf.status = "failed";
			}
		}
		{
			struct ew_error perr;

			ew_error_clear(&perr);
			have_pl = true;
			if (ew_cli_pipeline(&pl, &r, &e, have_wf ? &wf : NULL,
					    &perr) != 0)
				ew_cli_run_note(&r, "pipeline check: %s",
						perr.message);
		}
	}
	if (r.opt.output == EW_OUTPUT_JSON) {
		struct ew_buf out;
		const char *notes[EW_CLI_MAX_NOTES];
		struct ew_cli_workflow w = {0};

		for (size_t i = 0; i < r.nnotes; i++)
			notes[i] = r.notes[i];
		if (have_wf) {
			w.path = r.opt.setup.workflow_path;
			w.status = !strcmp(wf.status, "failed") ? "failed"
				   : wf.exists
				       ? (wf.same ? "unchanged" : "differs")
				       : "planned";
			w.diff = wf.diff.len ? wf.diff.ptr : NULL;
			w.content = wf.content.ptr;
		}
		w.pipeline = have_pl ? &pl : NULL;
		ew_buf_init(&out);
		ew_cli_json(&out, "plan", &e, have_secrets ? &secrets : NULL,
			    have_wf ? &w : NULL, notes, r.nnotes);
		fputs(out.ptr, stdout);
		ew_buf_release(&out);
	} else if (e.nsteps) {
		print_text(&p, &r, &e, have_wf ? &wf : NULL,
			   have_pl ? &pl : NULL, rc);
	} else {
		fprintf(stderr, "ecr-wizard plan: %s\n", err.message);
	}
	if (rc && rc != EW_ECANCEL && e.nsteps == 0)
		status = rc == EW_EINVAL ? EXIT_USAGE : EXIT_FAILED;
	else
		status = ew_cli_run_exit(rc, &e);
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
