/*
 * cmd_wizard.c - `ecr-wizard` with no command: the interactive wizard,
 * including `--demo` and `--demo-scenario NAME|help`.
 *
 * Parses the shared flags (options.h), refuses to start without a
 * terminal (exit 2, pointing at plan/apply), runs the wizard (wizard.h)
 * and, once the terminal is back to normal, prints the secrets table and
 * the gh lines so they stay in the scroll-back.
 */
#include "commands.h"
#include "bootstrap.h"
#include "demo_account.h"
#include "options.h"
#include "outputs.h"
#include "test_hooks.h"
#include "wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool wants_scenario_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--demo-scenario=help") == 0)
			return true;
		if (strcmp(argv[i], "--demo-scenario") == 0 && i + 1 < argc &&
		    strcmp(argv[i + 1], "help") == 0)
			return true;
	}
	return false;
}

static void print_scenarios(FILE *out)
{
	size_t n;
	const struct ew_demo_scenario *sc = ew_demo_scenarios(&n);

	fputs("demo scenarios (ecr-wizard --demo-scenario NAME):\n", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-18s %s\n", sc[i].name, sc[i].description);
}

/* What stays in the terminal after the wizard: the secrets, the gh
 * lines and what happened to the workflow. */
static void print_outputs(struct ew_wizard *w)
{
	struct ew_buf b;

	ew_buf_init(&b);
	if (!w->offline && !ew_wizard_is_complete(w)) {
		/* No secrets for resources that may not exist. */
		ew_buf_puts(&b, "ecr-wizard: the setup is incomplete; run "
				"ecr-wizard again to finish it (what exists "
				"is reused).\n");
		fputs(b.ptr, stdout);
		ew_buf_release(&b);
		return;
	}
	if (!w->has_outputs) {
		ew_buf_release(&b);
		return;
	}
	if (w->offline)
		ew_buf_puts(&b, "ecr-wizard: preview only, nothing was "
				"created in AWS.\n\n");
	ew_buf_puts(&b, "GitHub secrets (Settings > Secrets and variables > "
			"Actions):\n\n");
	ew_outputs_table(&b, &w->outputs);
	ew_buf_puts(&b, "\nOr with the GitHub CLI:\n\n");
	ew_outputs_gh_commands(&b, &w->outputs, &w->setup, EW_GH_SECRET);
	if (w->workflow_note[0])
		ew_buf_printf(&b, "\n%s\n", w->workflow_note);
	fputs(b.ptr, stdout);
	ew_buf_release(&b);
}

/* Flags of the scripted commands that mean nothing on screens: refused
 * with the command that takes them, never ignored silently.  NULL when
 * none is there. */
static const char *script_only_flag(const struct ew_options *o, int argc,
				    char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], "--output", 8) == 0 &&
		    (argv[i][8] == '\0' || argv[i][8] == '='))
			return "--output";
	}
	if (o->output != EW_OUTPUT_TEXT)
		return "--output";
	if (o->yes)
		return "--yes";
	if (o->force)
		return "--force";
	return NULL;
}

/* --trace=FILE or EW_TRACE=FILE: the wizard's exchanges are logged as the
 * commands' are.  Plain --trace (standard error) would write across the
 * screen, so it needs a file here. */
static int wizard_trace(FILE **out, const struct ew_options *o)
{
	const char *path = o->trace_file;
	struct ew_bootstrap_env env;
	struct ew_error err;

	*out = NULL;
	ew_bootstrap_read_env(&env, NULL);
	if (!path && !o->trace && env.trace_file)
		path = env.trace_file;
	if (!path && o->trace) {
		fputs("ecr-wizard: --trace without a file would write over the "
		      "wizard's screen: give --trace=FILE\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (!path)
		return 0;
	ew_error_clear(&err);
	if (ew_bootstrap_trace_open(out, path, &err) != 0) {
		fprintf(stderr, "ecr-wizard: %s\n", err.message);
		return EXIT_USAGE;
	}
	return 0;
}

int ew_cmd_wizard(int argc, char **argv)
{
	FILE *trace = NULL;
	const char *flag;
	struct ew_options o;
	struct ew_error err;
	struct ew_wizard w;
	int cols, rows, status;

	if (wants_scenario_help(argc, argv)) {
		print_scenarios(stdout);
		return EXIT_DONE;
	}
	ew_error_clear(&err);
	if (ew_options_init(&o) != 0) {
		fputs("ecr-wizard: out of memory\n", stderr);
		return EXIT_FAILED;
	}
	if (ew_options_parse(&o, argc, argv, 0, &err) != 0) {
		fprintf(stderr, "ecr-wizard: %s\n", err.message);
		if (strstr(err.message, "unknown option"))
			fputs("see 'ecr-wizard --help'\n", stderr);
		ew_options_release(&o);
		return EXIT_USAGE;
	}
	if (o.set_secrets || o.delete_secrets) {
		fprintf(stderr,
			"ecr-wizard: %s is for %s; the wizard stores "
			"the secrets with g on its last screen\n",
			o.set_secrets ? "--set-secrets" : "--delete-secrets",
			o.set_secrets ? "apply" : "teardown");
		ew_options_release(&o);
		return EXIT_USAGE;
	}
	if (o.help || o.version) {
		if (o.help)
			ew_options_usage(stdout, NULL);
		else
			ew_options_print_version(stdout);
		ew_options_release(&o);
		return EXIT_DONE;
	}
	if ((flag = script_only_flag(&o, argc, argv)) != NULL) {
		fprintf(stderr,
			"ecr-wizard: %s is for the scripted commands; the "
			"wizard asks on screen. Use 'ecr-wizard plan' or "
			"'ecr-wizard apply %s' instead\n",
			flag,
			strcmp(flag, "--output") == 0 ? "--output json" : flag);
		ew_options_release(&o);
		return EXIT_USAGE;
	}
	if ((status = wizard_trace(&trace, &o)) != 0) {
		ew_options_release(&o);
		return status;
	}
	if (ew_test_init(&err) != 0) {
		fprintf(stderr, "ecr-wizard: %s\n", err.message);
		ew_options_release(&o);
		return EXIT_USAGE;
	}
	if (!ew_test_no_display(&cols, &rows) &&
	    (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fputs("ecr-wizard: the wizard needs a terminal (standard input "
		      "and output are not one).\nIn scripts use 'ecr-wizard "
		      "plan' to see what would be done, or\n'ecr-wizard "
		      "apply --yes' to do it.\n",
		      stderr);
		ew_options_release(&o);
		ew_test_release();
		if (trace)
			fclose(trace);
		return EXIT_USAGE;
	}
	if (ew_wizard_init(&w, &o, &err) != 0) {
		fprintf(stderr, "ecr-wizard: %s\n", err.message);
		ew_wizard_release(&w);
		ew_options_release(&o);
		ew_test_release();
		if (trace)
			fclose(trace);
		return EXIT_USAGE;
	}
	w.ctx.trace = trace;
	ew_options_release(&o);
	status = ew_wizard_run(&w);
	/* A run that was left unfinished says so even without Done. */
	if (w.print_outputs || (w.apply_started && !w.offline))
		print_outputs(&w);
	ew_wizard_release(&w);
	ew_test_release();
	if (trace)
		fclose(trace);
	return status;
}
