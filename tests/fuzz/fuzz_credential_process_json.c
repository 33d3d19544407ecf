/* Fuzz the credential_process output parser and the command-line splitter
 * (credential_process.h) with the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credential_process.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_credentials c;
	struct ew_error err;
	char **argv = NULL;
	char *s;
	int argc = 0;

	if (ew_credential_process_parse(&c, (const char *)data, size,
					1700000000, &err) == 0) {
		if (!ew_credentials_is_set(&c))
			abort();
		ew_credentials_release(&c);
	}
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (ew_credential_process_split(&argv, &argc, s, &err) == 0) {
		if (argc < 1 || argv[argc] != NULL)
			abort();
		ew_credential_process_free_argv(argv);
	}
	free(s);
	return 0;
}
