/*
 * Fuzz target: sharing.c's reading of a current trust or permissions
 * policy (any bytes, as AWS could return them), then the union documents
 * built from what it found.  Checks the invariants the engine relies on:
 * every other repository is named once with at least one item, this
 * repository is never among them, and each union still parses as JSON.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_doc.h"
#include "sharing.h"

#define PROVIDER                                                               \
	"arn:aws:iam::123456789012:oidc-provider/"                             \
	"token.actions.githubusercontent.com"
#define REPO_ARN "arn:aws:ecr:us-east-1:123456789012:repository/app"

static const char trust[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Principal\":{\"Federated\":\"" PROVIDER "\"},\"Action\":"
    "\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{"
    "\"token.actions.githubusercontent.com:aud\":\"sts.amazonaws.com\"},"
    "\"StringLike\":{\"token.actions.githubusercontent.com:sub\":"
    "\"repo:octo/app:*\"}}}]}";
static const char policy[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Action\":\"ecr:PutImage\",\"Resource\":\"" REPO_ARN "\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct ew_sharing *sh, bool is_trust)
{
	for (size_t i = 0; i < sh->nnames; i++) {
		if (!sh->names[i] || !sh->names[i][0])
			abort();
		if (is_trust && strcasecmp(sh->names[i], "octo/app") == 0)
			abort();
	}
	if ((sh->nnames == 0) != (sh->nitems == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ew_sharing sh;
	struct ew_buf out;
	struct ew_error err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	ew_buf_init(&out);

	ew_sharing_init(&sh);
	if (ew_sharing_scan_trust(&sh, text, PROVIDER, "octo", "app") == 0) {
		check(&sh, true);
		if (ew_sharing_trust_union(&out, trust, &sh, &err) == 0 &&
		    !ew_json_doc_equal(out.ptr, out.ptr))
			abort();
	}
	ew_sharing_release(&sh);

	ew_buf_clear(&out);
	ew_sharing_init(&sh);
	if (ew_sharing_scan_policy(&sh, text, REPO_ARN) == 0) {
		check(&sh, false);
		if (ew_sharing_policy_union(&out, policy, REPO_ARN, &sh,
					    &err) == 0 &&
		    !ew_json_doc_equal(out.ptr, out.ptr))
			abort();
	}
	ew_sharing_release(&sh);
	(void)ew_sharing_grants_more(text, policy);
	ew_buf_release(&out);
	free(text);
	return 0;
}
