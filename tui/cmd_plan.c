/* cmd_plan.c - placeholder until the plan front-end lands. */
#include "commands.h"

#include <stdio.h>

int ew_cmd_plan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("ecr-wizard: 'plan' is not built yet\n", stderr);
	return EXIT_FAILED;
}
