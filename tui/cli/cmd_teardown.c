/*
 * cmd_teardown.c - `ecr-wizard teardown`: remove what the setup created.
 *
 * Only resources tagged managed-by=ecr-wizard, in reverse order; the OIDC
 * provider stays while another role trusts it; a repository holding
 * images stays unless --force.  Shows what it deletes and what it keeps
 * (and why), asks on a terminal unless --yes.  The workflow file is never
 * touched.  --delete-secrets also deletes the GitHub secrets apply
 * --set-secrets stores (cli_secrets.h), after the AWS resources.
 */
#include "commands.h"

#include "cli_output.h"
#include "cli_run.h"
#include "cli_secrets.h"

#include <stdio.h>

static bool deletes_any(const struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].action == EW_ACTION_DELETE ||
		    e->steps[i].action == EW_ACTION_UPDATE)
			return true;
	return false;
}

int ew_cmd_teardown(int argc, char **argv)
{
	struct ew_cli_run r;
	struct ew_cli_printer p;
	struct ew_engine_observer obs;
	struct ew_engine e;
	bool have_engine = false, json;
	struct ew_error err;
	int rc, status;

	ew_error_clear(&err);
	status = ew_cli_run_start(&r, "teardown", argc, argv, EW_CLI_CONFIRMS);
	if (status >= 0)
		goto done;
	json = r.opt.output == EW_OUTPUT_JSON;
	ew_cli_printer_init(&p, stdout, r.color, true, &r.opt.setup);
	p.json = json;
	p.result = &e.result;
	ew_cli_observer(&obs, &p);
	rc = ew_engine_init(&e, &r.ctx, &r.opt.setup, &r.client, &obs, false,
			    &err);
	have_engine = true;
	if (rc) {
		fprintf(stderr, "ecr-wizard teardown: %s\n", err.message);
		status = rc == EW_EINVAL ? EXIT_USAGE : EXIT_FAILED;
		goto out;
	}
	ew_cli_run_engine(&e);
	rc = ew_engine_plan_teardown(&e, r.opt.force, &err);
	if (!json) {
		const struct ew_setup *s = &r.opt.setup;

		printf("Teardown of %s/%s in account %s (%s)\n", s->owner,
		       s->repo, s->account ? s->account : "?", s->region);
		for (size_t i = 0; i < r.nnotes; i++)
			printf("note: %s\n", r.notes[i]);
		fputc('\n', stdout);
		ew_cli_print_plan(&p, &e, true);
		if (r.opt.delete_secrets)
			printf("\nGitHub: the secrets AWS_REGION, "
			       "ECR_REPOSITORY, ECR_REGISTRY and AWS_ROLE_ARN "
			       "of %s/%s%s are deleted too (--delete-secrets)"
			       "\n",
			       s->owner, s->repo,
			       s->nenvs ? " (in each environment)" : "");
	}
	if (ew_engine_identity_failed(&e) || rc == EW_EINVAL) {
		if (rc == EW_EINVAL && !ew_engine_identity_failed(&e))
			fprintf(stderr, "ecr-wizard teardown: %s\n",
				err.message);
		status = rc == EW_EINVAL && !ew_engine_identity_failed(&e)
			     ? 2
			     : ew_cli_run_exit(rc, &e);
		goto print;
	}
	if (!deletes_any(&e)) {
		if (!json)
			puts("\nNothing to delete in AWS.");
		status = ew_cli_run_exit(rc, &e);
		if (r.opt.delete_secrets && !r.opt.yes &&
		    !ew_cli_run_confirm("Delete the GitHub secrets?")) {
			fputs("nothing deleted\n", stderr);
			status = EXIT_FAILED;
			goto out;
		}
		goto print;
	}
	if (!r.opt.yes && !ew_cli_run_confirm("Delete these resources?")) {
		fputs("nothing deleted\n", stderr);
		status = EXIT_FAILED;
		goto out;
	}
	if (!json)
		fputc('\n', stdout);
	p.quiet = json;
	rc = ew_engine_teardown(&e, r.opt.force, &err);
	ew_cli_run_engine(NULL);
	if (!json)
		printf("\n%s: %u requests, %u change%s, %.2fs.  The workflow "
		       "file, if any, is left as it is.\n",
		       rc == 0		  ? "Done"
		       : rc == EW_ECANCEL ? "Interrupted"
					  : "Failed",
		       e.result.requests, e.result.mutations,
		       e.result.mutations == 1 ? "" : "s", e.result.elapsed);
	status = ew_cli_run_exit(rc, &e);
print:
	/* After AWS: a role left behind still needs its secrets. */
	if (r.opt.delete_secrets && status == 0 &&
	    ew_cli_secrets_delete(&r, json) < 0)
		status = EXIT_FAILED;
	if (json) {
		struct ew_buf out;
		const char *notes[EW_CLI_MAX_NOTES];

		for (size_t i = 0; i < r.nnotes; i++)
			notes[i] = r.notes[i];
		ew_buf_init(&out);
		ew_cli_json(&out, "teardown", &e, NULL, NULL, notes, r.nnotes);
		fputs(out.ptr, stdout);
		ew_buf_release(&out);
	}
out:
	ew_cli_printer_release(&p);
done:
	if (have_engine)
		ew_engine_release(&e);
	ew_cli_run_finish(&r);
	return status;
}
