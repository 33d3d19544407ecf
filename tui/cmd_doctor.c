/* cmd_doctor.c - placeholder until the doctor front-end lands. */
#include "commands.h"

#include <stdio.h>

int ew_cmd_doctor(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("ecr-wizard: 'doctor' is not built yet\n", stderr);
	return EXIT_FAILED;
}
