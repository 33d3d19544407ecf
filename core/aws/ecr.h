/*
 * ecr.h - the typed ECR operations the wizard needs: the repository, its
 * lifecycle policy, its tags and whether it holds images (docs/aws-wire.md
 * section 5).
 *
 * Every call goes through ew_aws_json() (aws_client.h): signing, retries
 * and error parsing happen there.
 *
 * Errors: an AWS error returns EW_EAWS with err->aws_code set, so callers
 * branch with ew_error_is_aws(err, "..."):
 *   "RepositoryNotFoundException"      no repository of that name;
 *   "RepositoryAlreadyExistsException" CreateRepository found it there;
 *   "LifecyclePolicyNotFoundException" Get/DeleteLifecyclePolicy, no policy;
 *   "RepositoryNotEmptyException"      DeleteRepository without force.
 *
 * Memory: struct ew_ecr_repository owns its strings (release it with
 * ew_ecr_repository_release(), safe on a zeroed struct).  Strings handed
 * out through char ** are the caller's to free().  Inputs are only read.
 *
 * ew_ecr_parse_repository() takes a parsed JSON object so the parsing can
 * be tested on canned answers without HTTP.
 */
#ifndef EW_ECR_H
#define EW_ECR_H

#include "aws_client.h"
#include "error.h"
#include "tags.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <time.h>

struct ew_ecr_repository {
	char *arn;	       /* arn:aws:ecr:REGION:ACCOUNT:repository/NAME */
	char *registry_id;     /* the account id */
	char *name;	       /* "team/app" */
	char *uri;	       /* ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME */
	char *tag_mutability;  /* "MUTABLE", "IMMUTABLE", ... */
	char *encryption_type; /* "AES256", "KMS", "KMS_DSSE" */
	char *kms_key;	       /* NULL unless KMS */
	bool scan_on_push;
	time_t created_at; /* 0 when absent */
};
void ew_ecr_repository_release(struct ew_ecr_repository *r);

/* What CreateRepository sets; a zeroed struct asks for ECR's defaults. */
struct ew_ecr_repository_options {
	const char *tag_mutability;  /* NULL: omitted (MUTABLE) */
	bool scan_on_push;	     /* sent as imageScanningConfiguration */
	const char *encryption_type; /* NULL: "AES256" */
	const char *kms_key; /* only with "KMS"/"KMS_DSSE"; may be NULL */
	const struct ew_tags *tags; /* may be NULL */
	/* For the *_WITH_EXCLUSION mutabilities: WILDCARD filters (1-5). */
	const char *const *tag_exclusions;
	size_t ntag_exclusions;
};

/* CreateRepository; out may be NULL. */
int ew_ecr_create_repository(struct ew_ecr_repository *out,
			     struct ew_aws_client *c, const char *name,
			     const struct ew_ecr_repository_options *o,
			     struct ew_error *err);
/* DescribeRepositories for one name (RepositoryNotFoundException when
 * absent: ECR never answers an empty list for a named repository). */
int ew_ecr_describe_repository(struct ew_ecr_repository *out,
			       struct ew_aws_client *c, const char *name,
			       struct ew_error *err);
/* DeleteRepository; force deletes the images too.  Without force a
 * repository with images gives RepositoryNotEmptyException. */
int ew_ecr_delete_repository(struct ew_aws_client *c, const char *name,
			     bool force, struct ew_error *err);

/* PutLifecyclePolicy with the policy's JSON text (at least 100 chars). */
int ew_ecr_put_lifecycle_policy(struct ew_aws_client *c, const char *name,
				const char *policy_text, struct ew_error *err);
/* GetLifecyclePolicy: *out receives the JSON text (caller frees). */
int ew_ecr_get_lifecycle_policy(char **out, struct ew_aws_client *c,
				const char *name, struct ew_error *err);
int ew_ecr_delete_lifecycle_policy(struct ew_aws_client *c, const char *name,
				   struct ew_error *err);

/* ListTagsForResource by repository ARN; *out is initialised here. */
int ew_ecr_list_tags(struct ew_tags *out, struct ew_aws_client *c,
		     const char *arn, struct ew_error *err);
/* Whether the repository holds at least one image (ListImages with
 * maxResults 1: one cheap request). */
int ew_ecr_has_images(bool *out, struct ew_aws_client *c, const char *name,
		      struct ew_error *err);

/* A Repository object (CreateRepository's "repository", a member of
 * DescribeRepositories' "repositories"). */
int ew_ecr_parse_repository(struct ew_ecr_repository *out, const cJSON *repo,
			    struct ew_error *err);
/* tags as the tags array ECR takes and returns, [{"Key":..,"Value":..}]
 * in order; tags may be NULL (an empty array).  The caller owns the
 * result (cJSON_Delete); NULL when out of memory. */
cJSON *ew_ecr_tags_json(const struct ew_tags *tags);
/* A tags array [{"Key":..,"Value":..}] into *out (initialised here). */
int ew_ecr_parse_tags(struct ew_tags *out, const cJSON *tags,
		      struct ew_error *err);

#endif
