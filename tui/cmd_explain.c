/* cmd_explain.c - placeholder until the explain front-end lands. */
#include "commands.h"

#include <stdio.h>

int ew_cmd_explain(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("ecr-wizard: 'explain' is not built yet\n", stderr);
	return EXIT_FAILED;
}
