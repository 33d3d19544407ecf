/*
 * main.c - ecr-wizard's entry point: dispatch to a command.
 *
 * `ecr-wizard` alone (or with options only) is the interactive wizard;
 * a first word naming a command runs that front-end.
 */
#include "commands.h"
#include "context.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"plan", ew_cmd_plan},	   {"apply", ew_cmd_apply},
    {"doctor", ew_cmd_doctor},	   {"explain", ew_cmd_explain},
    {"teardown", ew_cmd_teardown},
};

/* The process holds AWS credentials and tokens in memory: a core dump
 * (Ctrl-\ on a system that keeps them) would write them to disk, and a
 * same-user ptrace could read them.  Off for the whole run, as ssh-agent
 * and gpg-agent do. */
static void no_core_dumps(void)
{
	struct rlimit none = {0, 0};

	(void)setrlimit(RLIMIT_CORE, &none);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

#ifdef EW_TEST_HOOKS
/*
 * The test build only: EW_RETRY_SCALE (a factor for every retry wait, so
 * a test of retries is quick; anything but a number from 0 to 1000 is
 * ignored) and EW_DEMO_LATENCY (the demo's latency scale, 0 to 100).
 * The shipped program has neither: its retries and its demo behave the
 * same whatever the environment says.  0, or 2 after saying what is
 * wrong.
 */
static int test_knobs(void)
{
	struct ew_test_knobs k = {0};
	const char *v;
	char *end;
	double d;

	if ((v = getenv("EW_RETRY_SCALE")) && *v) {
		d = strtod(v, &end);
		if (end != v && !*end && d >= 0 && d <= 1000) {
			k.scale_retries = true;
			k.retry_scale = d;
		}
	}
	if ((v = getenv("EW_DEMO_LATENCY")) && *v) {
		d = strtod(v, &end);
		if (end == v || *end || !(d >= 0) || d > 100) {
			fprintf(stderr,
				"ecr-wizard: invalid EW_DEMO_LATENCY '%s': a "
				"number from 0 to 100\n",
				v);
			return EXIT_USAGE;
		}
		k.scale_demo = true;
		k.demo_latency = d;
	}
	ew_context_set_test_knobs(&k);
	return 0;
}
#endif

int main(int argc, char **argv)
{
	no_core_dumps();
#ifdef EW_TEST_HOOKS
	if (test_knobs() != 0)
		return EXIT_USAGE;
#endif
	/* a peer resetting a connection must end a request, not the process */
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && argv[1][0] != '-') {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]);
		     i++)
			if (strcmp(argv[1], commands[i].name) == 0)
				return commands[i].run(argc - 1, argv + 1);
		fprintf(stderr,
			"ecr-wizard: '%s' is not a command; see "
			"'ecr-wizard --help'\n",
			argv[1]);
		return EXIT_USAGE;
	}
	return ew_cmd_wizard(argc, argv);
}
