/* cmd_wizard.c - placeholder until the wizard front-end lands. */
#include "commands.h"

#include <stdio.h>

int ew_cmd_wizard(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("ecr-wizard: the wizard is not built yet\n", stderr);
	return EXIT_FAILED;
}
