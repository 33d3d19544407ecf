/*
 * fuzz_responses.c - the typed response parsers on arbitrary bodies.
 *
 * The first byte picks the parser, the rest is the body: XML through the
 * IAM and STS parsers, JSON through the ECR ones, as the client would hand
 * them over after a 200 answer.
 */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecr.h"
#include "iam.h"
#include "sts.h"
#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_xml(int which, const char *body, size_t len)
{
	struct ew_xml_node *root = NULL;
	struct ew_error err;

	if (ew_xml_parse(&root, body, len, &err) != 0)
		return;
	switch (which % 5) {
	case 0: {
		struct ew_iam_role r;
		memset(&r, 0, sizeof(r));
		ew_iam_parse_role(&r, ew_xml_find(root, "GetRoleResult/Role"),
				  &err);
		ew_iam_role_release(&r);
		break;
	}
	case 1: {
		struct ew_iam_policy p;
		memset(&p, 0, sizeof(p));
		ew_iam_parse_policy(
		    &p, ew_xml_find(root, "GetPolicyResult/Policy"), &err);
		ew_iam_policy_release(&p);
		break;
	}
	case 2: {
		struct ew_iam_oidc_provider p;
		memset(&p, 0, sizeof(p));
		ew_iam_parse_oidc_provider(
		    &p, ew_xml_find(root, "GetOpenIDConnectProviderResult"),
		    &err);
		ew_iam_oidc_provider_release(&p);
		break;
	}
	case 3: {
		struct ew_caller_identity id;
		ew_sts_parse_caller_identity(&id, root, &err);
		break;
	}
	default: {
		struct ew_credentials c;
		ew_credentials_init(&c);
		if (ew_sts_parse_assume_role(&c, root, &err) == 0)
			ew_credentials_release(&c);
		break;
	}
	}
	ew_xml_free(root);
}

static void fuzz_json(const char *body)
{
	cJSON *doc = cJSON_Parse(body);
	struct ew_ecr_repository r;
	struct ew_tags tags;
	struct ew_error err;

	if (!doc)
		return;
	memset(&r, 0, sizeof(r));
	ew_ecr_parse_repository(&r, cJSON_GetObjectItem(doc, "repository"),
				&err);
	ew_ecr_repository_release(&r);
	if (ew_ecr_parse_tags(&tags, cJSON_GetObjectItem(doc, "tags"), &err) ==
	    0)
		ew_tags_release(&tags);
	cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body;

	if (size < 1)
		return 0;
	body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	if (data[0] & 0x80)
		fuzz_json(body);
	else
		fuzz_xml(data[0], body, size - 1);
	free(body);
	return 0;
}
