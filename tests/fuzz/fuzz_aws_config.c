/* Fuzz the config/credentials file parser (aws_config.h): any bytes, as
 * either kind of file; then every lookup path over what was parsed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws_config.h"
#include "endpoints.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_aws_config cfg;
	struct ew_error err;
	const char **names = NULL;
	size_t n = 0;
	char *url = NULL;

	if (size > 64 * 1024)
		return 0;
	ew_aws_config_init(&cfg);
	if (ew_aws_config_parse_string(&cfg.config, "/fuzz/config",
				       (const char *)data, size, false,
				       &err) == 0) {
		/* an error message must stay a C string in its buffer */
		if (strlen(err.message) >= sizeof(err.message))
			abort();
	}
	ew_aws_config_parse_string(&cfg.credentials, "/fuzz/credentials",
				   (const char *)data, size, true, &err);
	if (ew_aws_config_list_profiles(&names, &n, &cfg, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			ew_aws_config_get(&cfg, names[i], "region");
			ew_endpoints_resolve(&url, "iam", NULL, &cfg, names[i],
					     &err);
			free(url);
			url = NULL;
		}
		free(names);
	}
	ew_aws_config_release(&cfg);
	return 0;
}
