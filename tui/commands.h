/*
 * commands.h - the front-ends main() dispatches to.
 *
 * Each takes the arguments after the command name (argv[0] is the command)
 * and returns the process exit status: 0 done, 1 a step failed, 2 bad usage
 * or input, 3 no usable credentials, 130 interrupted.
 */
#ifndef EW_COMMANDS_H
#define EW_COMMANDS_H

enum {
	EXIT_DONE = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_NOCREDS = 3,
	EXIT_INTERRUPTED = 130,
};

int ew_cmd_wizard(int argc, char **argv); /* the interactive wizard */
int ew_cmd_plan(int argc, char **argv);
int ew_cmd_apply(int argc, char **argv);
int ew_cmd_doctor(int argc, char **argv);
int ew_cmd_explain(int argc, char **argv);
int ew_cmd_teardown(int argc, char **argv);

#endif
