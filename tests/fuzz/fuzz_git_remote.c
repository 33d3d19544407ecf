/*
 * Fuzz target: remote URL parsing and redaction.  Any bytes, as a URL and
 * as a typed OWNER/REPO, against github.com and an Enterprise host; checks
 * that a success always yields names that pass the validators.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "git_remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct ew_github_ref *ref, int rc)
{
	if (rc == 0 &&
	    (!ew_git_remote_is_valid_owner(ref->owner) ||
	     !ew_git_remote_is_valid_repo(ref->repo) || !ref->host[0]))
		abort();
	if (rc != 0 && (ref->owner[0] || ref->repo[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_github_ref ref;
	struct ew_error err;
	char *s = malloc(size + 1), *r;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check(&ref, ew_git_remote_parse(&ref, s, NULL, &err));
	check(&ref, ew_git_remote_parse(&ref, s, "ghe.example.com", &err));
	check(&ref, ew_git_remote_parse_slug(&ref, s, NULL, &err));
	r = ew_git_remote_redact(s);
	if (!r || strlen(r) > strlen(s) + 3)
		abort();
	free(r);
	free(s);
	return 0;
}
