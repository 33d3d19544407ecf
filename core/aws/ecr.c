#include "ecr.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string member, duplicated; NULL when absent.  Sets *oom on failure. */
static char *take(const cJSON *o, const char *name, bool *oom)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	char *s;

	if (!cJSON_IsString(v) || !v->valuestring)
		return NULL;
	s = ew_strdup(v->valuestring);
	if (!s)
		*oom = true;
	return s;
}

void ew_ecr_repository_release(struct ew_ecr_repository *r)
{
	free(r->arn);
	free(r->registry_id);
	free(r->name);
	free(r->uri);
	free(r->tag_mutability);
	free(r->encryption_type);
	free(r->kms_key);
	memset(r, 0, sizeof(*r));
}

int ew_ecr_parse_repository(struct ew_ecr_repository *out, const cJSON *repo,
			    struct ew_error *err)
{
	const cJSON *scan, *enc, *created;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(repo) ||
	    !cJSON_IsString(
		cJSON_GetObjectItemCaseSensitive(repo, "repositoryArn")) ||
	    !cJSON_IsString(
		cJSON_GetObjectItemCaseSensitive(repo, "repositoryName")))
		return ew_error_set(err, EW_EPARSE,
				    "cannot read ecr repository: no "
				    "repositoryArn or repositoryName");
	out->arn = take(repo, "repositoryArn", &oom);
	out->registry_id = take(repo, "registryId", &oom);
	out->name = take(repo, "repositoryName", &oom);
	out->uri = take(repo, "repositoryUri", &oom);
	out->tag_mutability = take(repo, "imageTagMutability", &oom);
	scan = cJSON_GetObjectItemCaseSensitive(repo,
						"imageScanningConfiguration");
	out->scan_on_push =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(scan, "scanOnPush"));
	enc = cJSON_GetObjectItemCaseSensitive(repo, "encryptionConfiguration");
	out->encryption_type = take(enc, "encryptionType", &oom);
	out->kms_key = take(enc, "kmsKey", &oom);
	/* Epoch seconds as a JSON number, possibly fractional. */
	created = cJSON_GetObjectItemCaseSensitive(repo, "createdAt");
	if (cJSON_IsNumber(created) && created->valuedouble > 0)
		out->created_at = (time_t)created->valuedouble;
	if (oom) {
		ew_ecr_repository_release(out);
		return ew_error_oom(err);
	}
	return 0;
}

int ew_ecr_parse_tags(struct ew_tags *out, const cJSON *tags,
		      struct ew_error *err)
{
	const cJSON *t;

	ew_tags_init(out);
	cJSON_ArrayForEach(t, tags)
	{
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(t, "Key");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, "Value");

		if (!cJSON_IsString(k))
			continue;
		if (ew_tags_add(out, k->valuestring,
				cJSON_IsString(v) ? v->valuestring : "")) {
			ew_tags_release(out);
			return ew_error_oom(err);
		}
	}
	return 0;
}

/*
 * Make a request object with repositoryName; NULL (with err set) when out
 * of memory.  cJSON reports allocation failures only through NULL
 * returns, so every builder below checks them.
 */
static cJSON *request(const char *name, struct ew_error *err)
{
	cJSON *body = cJSON_CreateObject();

	if (!body || !cJSON_AddStringToObject(body, "repositoryName", name)) {
		cJSON_Delete(body);
		ew_error_oom(err);
		return NULL;
	}
	return body;
}

cJSON *ew_ecr_tags_json(const struct ew_tags *tags)
{
	cJSON *a = cJSON_CreateArray(), *t;

	for (size_t i = 0; a && tags && i < tags->n; i++) {
		t = cJSON_CreateObject();
		if (!t || !cJSON_AddItemToArray(a, t)) {
			cJSON_Delete(t);
			goto fail;
		}
		/* From here t belongs to a. */
		if (!cJSON_AddStringToObject(t, "Key", tags->v[i].key) ||
		    !cJSON_AddStringToObject(t, "Value", tags->v[i].value))
			goto fail;
	}
	return a;
fail:
	cJSON_Delete(a);
	return NULL;
}

/* A success answer without the field that carries its result. */
static int unreadable(struct ew_error *err, const char *op, const char *field)
{
	int rc = ew_error_set(err, EW_EPARSE,
			      "cannot read the ECR %s response: no '%s' in it "
			      "(an empty or cut answer); try again",
			      op, field);

	if (err)
		snprintf(err->operation, sizeof(err->operation), "%s", op);
	return rc;
}

/* Call op with body (taken over and freed); *out gets the answer. */
static int call(struct ew_aws_client *c, const char *op, cJSON *body,
		cJSON **out, struct ew_error *err)
{
	cJSON *ans = NULL;
	int rc;

	if (!body)
		return EW_ENOMEM;
	rc = ew_aws_json(c, EW_SVC_ECR, op, body, &ans, err);
	cJSON_Delete(body);
	if (out)
		*out = ans;
	else
		cJSON_Delete(ans);
	return rc;
}

int ew_ecr_create_repository(struct ew_ecr_repository *out,
			     struct ew_aws_client *c, const char *name,
			     const struct ew_ecr_repository_options *o,
			     struct ew_error *err)
{
	static const struct ew_ecr_repository_options defaults;
	cJSON *body, *ans = NULL, *scan, *enc, *tags;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!o)
		o = &defaults;
	body = request(name, err);
	if (!body)
		return EW_ENOMEM;
	if (o->tag_mutability &&
	    !cJSON_AddStringToObject(body, "imageTagMutability",
				     o->tag_mutability))
		goto oom;
	if (o->ntag_exclusions) {
		cJSON *list = cJSON_AddArrayToObject(
		    body, "imageTagMutabilityExclusionFilters");

		if (!list)
			goto oom;
		for (size_t i = 0; i < o->ntag_exclusions; i++) {
			cJSON *f = cJSON_CreateObject();

			if (!f || !cJSON_AddItemToArray(list, f) ||
			    !cJSON_AddStringToObject(f, "filterType",
						     "WILDCARD") ||
			    !cJSON_AddStringToObject(f, "filter",
						     o->tag_exclusions[i]))
				goto oom;
		}
	}
	scan = cJSON_AddObjectToObject(body, "imageScanningConfiguration");
	if (!scan ||
	    !cJSON_AddBoolToObject(scan, "scanOnPush", o->scan_on_push))
		goto oom;
	enc = cJSON_AddObjectToObject(body, "encryptionConfiguration");
	if (!enc ||
	    !cJSON_AddStringToObject(enc, "encryptionType",
				     o->encryption_type ? o->encryption_type
							: "AES256") ||
	    (o->kms_key && !cJSON_AddStringToObject(enc, "kmsKey", o->kms_key)))
		goto oom;
	if (o->tags && o->tags->n) {
		tags = ew_ecr_tags_json(o->tags);
		if (!tags)
			goto oom;
		if (!cJSON_AddItemToObject(body, "tags", tags)) {
			cJSON_Delete(tags);
			goto oom;
		}
	}
	rc = call(c, "CreateRepository", body, &ans, err);
	if (!rc && out)
		rc = ew_ecr_parse_repository(
		    out, cJSON_GetObjectItemCaseSensitive(ans, "repository"),
		    err);
	cJSON_Delete(ans);
	return rc;
oom:
	cJSON_Delete(body);
	return ew_error_oom(err);
}

int ew_ecr_describe_repository(struct ew_ecr_repository *out,
			       struct ew_aws_client *c, const char *name,
			       struct ew_error *err)
{
	cJSON *body, *names, *ans = NULL, *repo;
	int rc;

	memset(out, 0, sizeof(*out));
	body = cJSON_CreateObject();
	names = cJSON_AddArrayToObject(body, "repositoryNames");
	if (!names || !cJSON_AddItemToArray(names, cJSON_CreateString(name))) {
		cJSON_Delete(body);
		return ew_error_oom(err);
	}
	rc = call(c, "DescribeRepositories", body, &ans, err);
	if (rc)
		goto done;
	/* An answer without the list (an empty or cut body) says nothing:
	 * reading it as "no such repository" would plan a create. */
	if (!cJSON_IsArray(
		cJSON_GetObjectItemCaseSensitive(ans, "repositories"))) {
		rc = unreadable(err, "DescribeRepositories", "repositories");
		goto done;
	}
	repo = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(ans, "repositories"), 0);
	if (!repo) {
		/* ECR answers a named miss with an error, never an empty
		 * list; treat one the same way so callers have one test. */
		rc = ew_error_set_aws(err, 400, "RepositoryNotFoundException",
				      "the repository does not exist", NULL);
		goto done;
	}
	rc = ew_ecr_parse_repository(out, repo, err);
done:
	cJSON_Delete(ans);
	return rc;
}

int ew_ecr_delete_repository(struct ew_aws_client *c, const char *name,
			     bool force, struct ew_error *err)
{
	cJSON *body = request(name, err);

	if (body && force && !cJSON_AddTrueToObject(body, "force")) {
		cJSON_Delete(body);
		return ew_error_oom(err);
	}
	return call(c, "DeleteRepository", body, NULL, err);
}

int ew_ecr_put_lifecycle_policy(struct ew_aws_client *c, const char *name,
				const char *policy_text, struct ew_error *err)
{
	cJSON *body = request(name, err);

	if (body && !cJSON_AddStringToObject(body, "lifecyclePolicyText",
					     policy_text)) {
		cJSON_Delete(body);
		return ew_error_oom(err);
	}
	return call(c, "PutLifecyclePolicy", body, NULL, err);
}

int ew_ecr_get_lifecycle_policy(char **out, struct ew_aws_client *c,
				const char *name, struct ew_error *err)
{
	cJSON *ans = NULL;
	const cJSON *text;
	int rc;

	*out = NULL;
	rc = call(c, "GetLifecyclePolicy", request(name, err), &ans, err);
	if (rc)
		goto done;
	text = cJSON_GetObjectItemCaseSensitive(ans, "lifecyclePolicyText");
	if (!cJSON_IsString(text)) {
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot read ecr answer: no "
				  "lifecyclePolicyText");
		goto done;
	}
	*out = ew_strdup(text->valuestring);
	if (!*out)
		rc = ew_error_oom(err);
done:
	cJSON_Delete(ans);
	return rc;
}

int ew_ecr_delete_lifecycle_policy(struct ew_aws_client *c, const char *name,
				   struct ew_error *err)
{
	return call(c, "DeleteLifecyclePolicy", request(name, err), NULL, err);
}

int ew_ecr_list_tags(struct ew_tags *out, struct ew_aws_client *c,
		     const char *arn, struct ew_error *err)
{
	cJSON *body, *ans = NULL;
	int rc;

	ew_tags_init(out);
	body = cJSON_CreateObject();
	if (!body || !cJSON_AddStringToObject(body, "resourceArn", arn)) {
		cJSON_Delete(body);
		return ew_error_oom(err);
	}
	rc = call(c, "ListTagsForResource", body, &ans, err);
	/* likewise: no list is not "no tags" (that would read as "not
	 * created by ecr-wizard") */
	if (!rc &&
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(ans, "tags")))
		rc = unreadable(err, "ListTagsForResource", "tags");
	if (!rc)
		rc = ew_ecr_parse_tags(
		    out, cJSON_GetObjectItemCaseSensitive(ans, "tags"), err);
	cJSON_Delete(ans);
	return rc;
}

int ew_ecr_has_images(bool *out, struct ew_aws_client *c, const char *name,
		      struct ew_error *err)
{
	cJSON *body = request(name, err), *ans = NULL;
	int rc;

	*out = false;
	if (body && !cJSON_AddNumberToObject(body, "maxResults", 1)) {
		cJSON_Delete(body);
		return ew_error_oom(err);
	}
	rc = call(c, "ListImages", body, &ans, err);
	if (!rc)
		*out = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
			   ans, "imageIds")) > 0;
	cJSON_Delete(ans);
	return rc;
}
