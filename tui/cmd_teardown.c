/* cmd_teardown.c - placeholder until the teardown front-end lands. */
#include "commands.h"

#include <stdio.h>

int ew_cmd_teardown(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("ecr-wizard: 'teardown' is not built yet\n", stderr);
	return EXIT_FAILED;
}
