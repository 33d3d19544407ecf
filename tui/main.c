/*
 * main.c - ecr-wizard's entry point: parse the command line, dispatch.
 */
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: ecr-wizard [--demo] [options]\n"
	      "       ecr-wizard plan|apply|doctor|explain|teardown [options]\n"
	      "       ecr-wizard --help | --version\n",
	      f);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("ecr-wizard %s\n", EW_VERSION);
			return 0;
		}
		fprintf(stderr, "ecr-wizard: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	usage(stdout);
	return 0;
}
