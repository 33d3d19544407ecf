/* cmd_apply.c - placeholder until the apply front-end lands. */
#include "commands.h"

#include <stdio.h>

int ew_cmd_apply(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("ecr-wizard: 'apply' is not built yet\n", stderr);
	return EXIT_FAILED;
}
