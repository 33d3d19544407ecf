/*
 * demo_ecr.c - ECR operations of the demo account (JSON 1.1 protocol).
 *
 * Each handler runs with the simulator's lock held, reads the parsed JSON
 * body, changes the account and answers in the shapes of docs/aws-wire.md
 * section 5, or with ECR's __type error, status and message.  Handlers
 * return 0 once an answer is written, EW_ENOMEM when out of memory.
 * Repositories live per region (the request's signing region).
 */
#include "buf.h"
#include "demo_state.h"
#include "ecr.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TAGS 50

static const char *jstr(const struct ew_demo_req *r, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *registry(const struct ew_demo_req *r)
{
	const char *id = jstr(r, "registryId");

	return id ? id : EW_DEMO_ACCOUNT;
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*
 */
static bool is_repo_name(const char *p)
{
	size_t n = strlen(p);

	if (n < 2 || n > 256)
		return false;
	for (;;) {
		if (!is_lower_alnum(*p))
			return false;
		while (*p && *p != '/') {
			while (is_lower_alnum(*p))
				p++;
			if (!*p || *p == '/')
				break;
			if (*p == '.') {
				p++;
			} else if (*p == '_') {
				p += p[1] == '_' ? 2 : 1;
			} else if (*p == '-') {
				while (*p == '-')
					p++;
			} else {
				return false;
			}
			if (!is_lower_alnum(*p))
				return false;
		}
		if (!*p)
			return true;
		p++;
	}
}

/* The repositoryName parameter, or NULL after writing the error. */
static const char *need_name(struct ew_demo_req *r)
{
	const char *name = jstr(r, "repositoryName");

	if (!name) {
		ew_demo_error(r, 400, "ValidationException",
			      "1 validation error detected: Value null at "
			      "'repositoryName' failed to satisfy constraint: "
			      "Member must not be null");
		return NULL;
	}
	if (!is_repo_name(name)) {
		ew_demo_error(r, 400, "InvalidParameterException",
			      "Invalid parameter at 'repositoryName' failed to "
			      "satisfy constraint: 'must satisfy regular "
			      "expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*"
			      "[a-z0-9]+(?:[._-][a-z0-9]+)*''");
		return NULL;
	}
	return name;
}

static void not_found(struct ew_demo_req *r, const char *name)
{
	ew_demo_error(r, 400, "RepositoryNotFoundException",
		      "The repository with name '%s' does not exist in the "
		      "registry with id '%s'",
		      name, registry(r));
}

/* The named repository, or NULL after writing the error. */
static struct ew_demo_repo *need_repo(struct ew_demo_req *r, size_t *index)
{
	const char *name = need_name(r);
	struct ew_demo_repo *repo;

	if (!name)
		return NULL;
	repo = strcmp(registry(r), EW_DEMO_ACCOUNT) == 0
		   ? ew_demo_find_repo(r->sim, r->region, name, index)
		   : NULL;
	if (!repo)
		not_found(r, name);
	return repo;
}

/* cJSON's adders return NULL on failure; collect that in *ok. */
static void add_str(cJSON *o, const char *k, const char *v, bool *ok)
{
	if (!cJSON_AddStringToObject(o, k, v))
		*ok = false;
}

static void add_num(cJSON *o, const char *k, double v, bool *ok)
{
	if (!cJSON_AddNumberToObject(o, k, v))
		*ok = false;
}

static cJSON *finish(cJSON *o, bool ok)
{
	if (ok && o)
		return o;
	cJSON_Delete(o);
	return NULL;
}

static cJSON *repo_json(const struct ew_demo_repo *repo)
{
	cJSON *o = cJSON_CreateObject(), *scan, *enc;
	bool ok = o != NULL;

	if (!ok)
		return NULL;
	add_str(o, "repositoryArn", repo->arn, &ok);
	add_str(o, "registryId", EW_DEMO_ACCOUNT, &ok);
	add_str(o, "repositoryName", repo->name, &ok);
	add_str(o, "repositoryUri", repo->uri, &ok);
	add_num(o, "createdAt", (double)repo->created, &ok);
	add_str(o, "imageTagMutability", repo->mutability, &ok);
	if (repo->exclusions) {
		cJSON *x = cJSON_Duplicate(repo->exclusions, true);

		if (!x || !cJSON_AddItemToObject(
			      o, "imageTagMutabilityExclusionFilters", x)) {
			cJSON_Delete(x);
			ok = false;
		}
	}
	scan = cJSON_AddObjectToObject(o, "imageScanningConfiguration");
	if (!scan ||
	    !cJSON_AddBoolToObject(scan, "scanOnPush", repo->scan_on_push))
		ok = false;
	enc = cJSON_AddObjectToObject(o, "encryptionConfiguration");
	if (!enc)
		ok = false;
	else
		add_str(enc, "encryptionType", repo->encryption, &ok);
	return finish(o, ok);
}

/* {"<key>": repo_json} */
static void reply_repo(struct ew_demo_req *r, const char *key,
		       const struct ew_demo_repo *repo)
{
	cJSON *o = cJSON_CreateObject(), *inner = repo_json(repo);

	if (!o || !inner || !cJSON_AddItemToObject(o, key, inner)) {
		cJSON_Delete(inner);
		cJSON_Delete(o);
		o = NULL;
	}
	ew_demo_json_reply(r, o);
}

/* Parse "tags" into out; false after writing the error or on ENOMEM
 * (then *nomem). */
static bool request_tags(struct ew_demo_req *r, const char *member,
			 struct ew_tags *out, size_t existing, bool *nomem)
{
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(r->json, member);
	const cJSON *t;

	*nomem = false;
	if (!tags)
		return true;
	if (!cJSON_IsArray(tags)) {
		ew_demo_error(r, 400, "SerializationException",
			      "Unexpected field type");
		return false;
	}
	cJSON_ArrayForEach(t, tags)
	{
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(t, "Key");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, "Value");

		if (!cJSON_IsString(k) || !*k->valuestring ||
		    strlen(k->valuestring) > 128 || (v && !cJSON_IsString(v)) ||
		    (v && strlen(v->valuestring) > 256)) {
			ew_demo_error(r, 400, "InvalidTagParameterException",
				      "Invalid parameter at 'tags' failed to "
				      "satisfy constraint: 'Tag keys must be 1 "
				      "to 128 characters and values at most "
				      "256'");
			return false;
		}
		if (ew_tags_set(out, k->valuestring, v ? v->valuestring : "") <
		    0) {
			*nomem = true;
			return false;
		}
	}
	if (existing + out->n > MAX_TAGS) {
		ew_demo_error(r, 400, "TooManyTagsException",
			      "The repository can have at most 50 tags");
		return false;
	}
	return true;
}

static bool is_one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static int create_repository(struct ew_demo_req *r)
{
	static const char *const mutabilities[] = {
	    "MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION",
	    "MUTABLE_WITH_EXCLUSION", NULL};
	static const char *const encryptions[] = {"AES256", "KMS", "KMS_DSSE",
						  NULL};
	const char *name, *mut = jstr(r, "imageTagMutability"), *enc = NULL;
	const cJSON *scan, *encc, *excl;
	struct ew_tags tags = {0};
	struct ew_demo_repo *repo;
	bool nomem;
	int rc = 0;

	if (!(name = need_name(r)))
		return 0;
	if (ew_demo_find_repo(r->sim, r->region, name, NULL))
		return ew_demo_error(r, 400, "RepositoryAlreadyExistsException",
				     "The repository with name '%s' already "
				     "exists in the registry with id '%s'",
				     name, EW_DEMO_ACCOUNT);
	if (mut && !is_one_of(mut, mutabilities))
		return ew_demo_error(
		    r, 400, "ValidationException",
		    "1 validation error detected: Value '%s' at "
		    "'imageTagMutability' failed to satisfy constraint: Member "
		    "must satisfy enum value set: [MUTABLE, IMMUTABLE, "
		    "IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]",
		    mut);
	encc = cJSON_GetObjectItemCaseSensitive(r->json,
						"encryptionConfiguration");
	if (encc) {
		const cJSON *t =
		    cJSON_GetObjectItemCaseSensitive(encc, "encryptionType");

		enc = cJSON_IsString(t) ? t->valuestring : "";
		if (!is_one_of(enc, encryptions))
			return ew_demo_error(
			    r, 400, "ValidationException",
			    "1 validation error detected: Value '%s' at "
			    "'encryptionConfiguration.encryptionType' failed "
			    "to satisfy constraint: Member must satisfy enum "
			    "value set: [AES256, KMS, KMS_DSSE]",
			    enc);
	}
	excl = cJSON_GetObjectItemCaseSensitive(
	    r->json, "imageTagMutabilityExclusionFilters");
	if (excl && (!mut || !strstr(mut, "_WITH_EXCLUSION")))
		return ew_demo_error(r, 400, "InvalidParameterException",
				     "Invalid parameter at "
				     "'imageTagMutabilityExclusionFilters' "
				     "failed to satisfy constraint: 'only "
				     "allowed with a *_WITH_EXCLUSION "
				     "mutability'");
	if (!request_tags(r, "tags", &tags, 0, &nomem)) {
		rc = nomem ? EW_ENOMEM : 0;
		goto done;
	}
	repo = ew_demo_repo_new(r, name, r->now);
	if (!repo) {
		rc = EW_ENOMEM;
		goto done;
	}
	scan = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r->json,
					     "imageScanningConfiguration"),
	    "scanOnPush");
	repo->scan_on_push = cJSON_IsTrue(scan);
	if (mut) {
		free(repo->mutability);
		repo->mutability = ew_strdup(mut);
	}
	if (enc) {
		free(repo->encryption);
		repo->encryption = ew_strdup(enc);
	}
	if (excl)
		repo->exclusions = cJSON_Duplicate(excl, true);
	if (!repo->mutability || !repo->encryption ||
	    (excl && !repo->exclusions)) {
		rc = EW_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < tags.n; i++)
		if (ew_tags_set(&repo->tags, tags.v[i].key, tags.v[i].value) <
		    0)
			rc = EW_ENOMEM;
	reply_repo(r, "repository", repo);
done:
	ew_tags_release(&tags);
	return rc;
}

static int describe_repositories(struct ew_demo_req *r)
{
	const cJSON *names =
	    cJSON_GetObjectItemCaseSensitive(r->json, "repositoryNames");
	const cJSON *max =
	    cJSON_GetObjectItemCaseSensitive(r->json, "maxResults");
	const char *token = jstr(r, "nextToken");
	cJSON *o = cJSON_CreateObject(), *list, *n;
	size_t start = token ? strtoul(token, NULL, 10) : 0, i, shown = 0;
	size_t limit = cJSON_IsNumber(max) ? (size_t)max->valuedouble : 100;
	bool ok = o != NULL;

	if (!o)
		return EW_ENOMEM;
	if (names && max) {
		cJSON_Delete(o);
		return ew_demo_error(r, 400, "InvalidParameterException",
				     "Invalid parameter at 'maxResults' failed "
				     "to satisfy constraint: 'maxResults "
				     "cannot be used with repositoryNames'");
	}
	if (limit < 1 || limit > 1000) {
		cJSON_Delete(o);
		return ew_demo_error(r, 400, "ValidationException",
				     "1 validation error detected: Value at "
				     "'maxResults' failed to satisfy "
				     "constraint: Member must have value "
				     "between 1 and 1000");
	}
	list = cJSON_AddArrayToObject(o, "repositories");
	ok = ok && list;
	cJSON_ArrayForEach(n, names)
	{
		struct ew_demo_repo *repo = NULL;

		if (cJSON_IsString(n) &&
		    strcmp(registry(r), EW_DEMO_ACCOUNT) == 0)
			repo = ew_demo_find_repo(r->sim, r->region,
						 n->valuestring, NULL);
		if (!repo) {
			cJSON_Delete(o);
			not_found(r, cJSON_IsString(n) ? n->valuestring : "");
			return 0;
		}
		if (ok && !cJSON_AddItemToArray(list, repo_json(repo)))
			ok = false;
	}
	for (i = start; !names && i < r->sim->repos.n && shown < limit; i++) {
		struct ew_demo_repo *repo = r->sim->repos.v[i];

		if (strcmp(repo->region, r->region) != 0)
			continue;
		if (ok && !cJSON_AddItemToArray(list, repo_json(repo)))
			ok = false;
		shown++;
	}
	if (!names && i < r->sim->repos.n) {
		char next[32];

		snprintf(next, sizeof(next), "%zu", i);
		add_str(o, "nextToken", next, &ok);
	}
	ew_demo_json_reply(r, finish(o, ok));
	return 0;
}

static int delete_repository(struct ew_demo_req *r)
{
	size_t index;
	struct ew_demo_repo *repo = need_repo(r, &index);

	if (!repo)
		return 0;
	if (repo->images &&
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json, "force")))
		return ew_demo_error(r, 400, "RepositoryNotEmptyException",
				     "The repository with name '%s' in "
				     "registry with id '%s' cannot be deleted "
				     "because it still contains images",
				     repo->name, EW_DEMO_ACCOUNT);
	reply_repo(r, "repository", repo);
	ew_demo_list_remove(&r->sim->repos, index);
	ew_demo_repo_free(repo);
	return 0;
}

static void reply_lifecycle(struct ew_demo_req *r,
			    const struct ew_demo_repo *repo, const char *text,
			    bool evaluated)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;

	if (o) {
		add_str(o, "registryId", EW_DEMO_ACCOUNT, &ok);
		add_str(o, "repositoryName", repo->name, &ok);
		add_str(o, "lifecyclePolicyText", text, &ok);
		if (evaluated)
			add_num(o, "lastEvaluatedAt",
				(double)repo->lifecycle_set, &ok);
	}
	ew_demo_json_reply(r, finish(o, ok));
}

static bool no_lifecycle(struct ew_demo_req *r, const struct ew_demo_repo *repo)
{
	if (repo->lifecycle)
		return false;
	ew_demo_error(r, 400, "LifecyclePolicyNotFoundException",
		      "Lifecycle policy does not exist for the repository "
		      "with name '%s' in the registry with id '%s'",
		      repo->name, EW_DEMO_ACCOUNT);
	return true;
}

static int put_lifecycle(struct ew_demo_req *r)
{
	struct ew_demo_repo *repo = need_repo(r, NULL);
	const char *text;
	cJSON *doc;
	bool valid;
	char *copy;

	if (!repo)
		return 0;
	text = jstr(r, "lifecyclePolicyText");
	if (!text)
		return ew_demo_error(r, 400, "ValidationException",
				     "1 validation error detected: Value null "
				     "at 'lifecyclePolicyText' failed to "
				     "satisfy constraint: Member must not be "
				     "null");
	if (strlen(text) < 100 || strlen(text) > 30720)
		return ew_demo_error(r, 400, "ValidationException",
				     "1 validation error detected: Value at "
				     "'lifecyclePolicyText' failed to satisfy "
				     "constraint: Member must have length "
				     "between 100 and 30720");
	doc = cJSON_Parse(text);
	valid = cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "rules"));
	cJSON_Delete(doc);
	if (!valid)
		return ew_demo_error(r, 400, "InvalidParameterException",
				     "Invalid parameter at "
				     "'LifecyclePolicyText' failed to satisfy "
				     "constraint: 'Lifecycle policy validation "
				     "failure: Could not map policyString into "
				     "LifecyclePolicy.'");
	copy = ew_strdup(text);
	if (!copy)
		return EW_ENOMEM;
	free(repo->lifecycle);
	repo->lifecycle = copy;
	repo->lifecycle_set = r->now;
	reply_lifecycle(r, repo, repo->lifecycle, false);
	return 0;
}

static int get_lifecycle(struct ew_demo_req *r)
{
	struct ew_demo_repo *repo = need_repo(r, NULL);

	if (!repo || no_lifecycle(r, repo))
		return 0;
	reply_lifecycle(r, repo, repo->lifecycle, true);
	return 0;
}

static int delete_lifecycle(struct ew_demo_req *r)
{
	struct ew_demo_repo *repo = need_repo(r, NULL);

	if (!repo || no_lifecycle(r, repo))
		return 0;
	reply_lifecycle(r, repo, repo->lifecycle, true);
	free(repo->lifecycle);
	repo->lifecycle = NULL;
	return 0;
}

/* The repository an ARN names, or NULL after writing the error. */
static struct ew_demo_repo *need_arn(struct ew_demo_req *r)
{
	const char *arn = jstr(r, "resourceArn");
	const char *slash;

	if (!arn || strncmp(arn, "arn:", 4) != 0 || !strstr(arn, ":ecr:") ||
	    !(slash = strstr(arn, ":repository/"))) {
		ew_demo_error(r, 400, "InvalidParameterException",
			      "Invalid parameter at 'resourceArn' failed to "
			      "satisfy constraint: 'Invalid ARN'");
		return NULL;
	}
	for (size_t i = 0; i < r->sim->repos.n; i++) {
		struct ew_demo_repo *repo = r->sim->repos.v[i];

		if (strcmp(repo->arn, arn) == 0)
			return repo;
	}
	not_found(r, slash + strlen(":repository/"));
	return NULL;
}

static int list_tags(struct ew_demo_req *r)
{
	struct ew_demo_repo *repo = need_arn(r);
	cJSON *o, *tags;

	if (!repo)
		return 0;
	o = cJSON_CreateObject();
	tags = ew_ecr_tags_json(&repo->tags);
	if (!o || !tags || !cJSON_AddItemToObject(o, "tags", tags)) {
		cJSON_Delete(tags);
		cJSON_Delete(o);
		o = NULL;
	}
	ew_demo_json_reply(r, o);
	return 0;
}

static int tag_resource(struct ew_demo_req *r)
{
	struct ew_demo_repo *repo = need_arn(r);
	struct ew_tags tags = {0};
	bool nomem;
	int rc = 0;

	if (!repo)
		return 0;
	if (request_tags(r, "tags", &tags, repo->tags.n, &nomem)) {
		for (size_t i = 0; i < tags.n; i++)
			if (ew_tags_set(&repo->tags, tags.v[i].key,
					tags.v[i].value) < 0)
				rc = EW_ENOMEM;
		ew_demo_json_reply(r, cJSON_CreateObject());
	} else if (nomem) {
		rc = EW_ENOMEM;
	}
	ew_tags_release(&tags);
	return rc;
}

static int untag_resource(struct ew_demo_req *r)
{
	struct ew_demo_repo *repo = need_arn(r);
	const cJSON *keys, *k;

	if (!repo)
		return 0;
	keys = cJSON_GetObjectItemCaseSensitive(r->json, "tagKeys");
	cJSON_ArrayForEach(k, keys)
	{
		if (cJSON_IsString(k))
			ew_tags_remove(&repo->tags, k->valuestring);
	}
	ew_demo_json_reply(r, cJSON_CreateObject());
	return 0;
}

static int list_images(struct ew_demo_req *r)
{
	struct ew_demo_repo *repo = need_repo(r, NULL);
	const cJSON *max =
	    cJSON_GetObjectItemCaseSensitive(r->json, "maxResults");
	const char *token = jstr(r, "nextToken");
	size_t start = token ? strtoul(token, NULL, 10) : 0, i;
	size_t limit = cJSON_IsNumber(max) ? (size_t)max->valuedouble : 100;
	cJSON *o, *ids;
	bool ok;

	if (!repo)
		return 0;
	o = cJSON_CreateObject();
	ids = o ? cJSON_AddArrayToObject(o, "imageIds") : NULL;
	ok = ids != NULL;
	for (i = start; ok && i < repo->images && i < start + limit; i++) {
		cJSON *e = cJSON_CreateObject();
		char digest[80], tag[32];
		uint64_t h = 1469598103934665603ULL;
		size_t len;

		for (const char *p = repo->name; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		len = (size_t)snprintf(digest, sizeof(digest), "sha256:");
		for (int w = 0; w < 4; w++) {
			h = (h ^ (i + 1)) * 0x9e3779b97f4a7c15ULL;
			h ^= h >> 29;
			len +=
			    (size_t)snprintf(digest + len, sizeof(digest) - len,
					     "%016llx", (unsigned long long)h);
		}
		/* newest first: build-37, build-36, ... */
		snprintf(tag, sizeof(tag), "build-%zu", repo->images - i);
		if (!e || !cJSON_AddItemToArray(ids, e)) {
			cJSON_Delete(e);
			ok = false;
			break;
		}
		add_str(e, "imageDigest", digest, &ok);
		add_str(e, "imageTag", tag, &ok);
	}
	if (ok && i < repo->images) {
		char next[32];

		snprintf(next, sizeof(next), "%zu", i);
		add_str(o, "nextToken", next, &ok);
	}
	ew_demo_json_reply(r, finish(o, ok));
	return 0;
}

static int get_authorization_token(struct ew_demo_req *r)
{
	char *password = ew_demo_make_id(r->sim, "demo-password-", 48);
	unsigned char b64[128];
	struct ew_buf plain;
	cJSON *o = NULL, *list, *e;
	bool ok = false;
	int rc = 0;

	ew_buf_init(&plain);
	if (!password || ew_buf_printf(&plain, "AWS:%s", password) < 0) {
		rc = EW_ENOMEM;
		goto done;
	}
	EVP_EncodeBlock(b64, (const unsigned char *)plain.ptr, (int)plain.len);
	o = cJSON_CreateObject();
	list = o ? cJSON_AddArrayToObject(o, "authorizationData") : NULL;
	e = cJSON_CreateObject();
	if (list && e && cJSON_AddItemToArray(list, e)) {
		struct ew_buf ep;

		ok = true;
		ew_buf_init(&ep);
		if (ew_buf_printf(&ep, "https://%s.dkr.ecr.%s.%s",
				  EW_DEMO_ACCOUNT, r->region,
				  r->dns_suffix) < 0)
			ok = false;
		add_str(e, "authorizationToken", (const char *)b64, &ok);
		add_num(e, "expiresAt", (double)(r->now + 12 * 3600), &ok);
		add_str(e, "proxyEndpoint", ep.ptr, &ok);
		ew_buf_release(&ep);
	} else {
		cJSON_Delete(e);
	}
	ew_demo_json_reply(r, finish(o, ok));
done:
	/* fake, but it is a registry password all the same */
	OPENSSL_cleanse(b64, sizeof(b64));
	ew_buf_release_secret(&plain);
	ew_free_secret(password);
	return rc;
}

/* Latencies: reads 70-150 ms, writes 150-300 ms. */
static const struct ew_demo_op ecr_ops[] = {
    {"ecr", "CreateRepository", create_repository, 150, 150},
    {"ecr", "DescribeRepositories", describe_repositories, 70, 80},
    {"ecr", "DeleteRepository", delete_repository, 150, 120},
    {"ecr", "PutLifecyclePolicy", put_lifecycle, 120, 110},
    {"ecr", "GetLifecyclePolicy", get_lifecycle, 70, 80},
    {"ecr", "DeleteLifecyclePolicy", delete_lifecycle, 110, 100},
    {"ecr", "ListTagsForResource", list_tags, 70, 80},
    {"ecr", "TagResource", tag_resource, 110, 100},
    {"ecr", "UntagResource", untag_resource, 110, 100},
    {"ecr", "ListImages", list_images, 80, 90},
    {"ecr", "GetAuthorizationToken", get_authorization_token, 80, 60},
};

const struct ew_demo_op *ew_demo_ecr_ops(size_t *n)
{
	*n = sizeof(ecr_ops) / sizeof(ecr_ops[0]);
	return ecr_ops;
}
