/* Integration tests: the typed ECR operations against moto ($EW_MOTO_URL):
 * repository create / exists / describe / not found / delete (with and
 * without images), lifecycle policy round trip, tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ecr.h"
#include "ops_moto.h"

#define LIFECYCLE                                                              \
	"{\"rules\":[{\"rulePriority\":1,\"description\":\"keep the last 30 "  \
	"images\",\"selection\":{\"tagStatus\":\"any\",\"countType\":"         \
	"\"imageCountMoreThan\",\"countNumber\":30},\"action\":{\"type\":"     \
	"\"expire\"}}]}"

/* Push one image manifest with a raw PutImage call (not a wizard
 * operation), so the repository is not empty. */
static void put_image(struct ops_env *e, const char *repo)
{
	static const char manifest[] =
	    "{\"schemaVersion\":2,\"mediaType\":\"application/"
	    "vnd.docker.distribution.manifest.v2+json\",\"config\":{"
	    "\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
	    "\"size\":7023,\"digest\":\"sha256:"
	    "b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7\""
	    "},"
	    "\"layers\":[]}";
	cJSON *body = cJSON_CreateObject(), *ans = NULL;
	struct ew_error err;
	int rc;

	assert_non_null(cJSON_AddStringToObject(body, "repositoryName", repo));
	assert_non_null(
	    cJSON_AddStringToObject(body, "imageManifest", manifest));
	assert_non_null(cJSON_AddStringToObject(body, "imageTag", "v1"));
	rc = ew_aws_json(&e->c, EW_SVC_ECR, "PutImage", body, &ans, &err);
	assert_ok(rc, err);
	cJSON_Delete(body);
	cJSON_Delete(ans);
}

static void test_repository(void **state)
{
	struct ew_ecr_repository r, r2;
	struct ew_ecr_repository_options o;
	struct ew_tags tags, got;
	struct ew_error err;
	struct ops_env e;
	char name[96], missing[96];
	bool has;
	int rc;

	(void)state;
	ops_env_init(&e);
	snprintf(name, sizeof(name), "ew-test/app-%s", e.uniq);
	snprintf(missing, sizeof(missing), "ew-test/missing-%s", e.uniq);
	ew_tags_init(&tags);
	assert_int_equal(
	    ew_tags_add(&tags, EW_TAG_MANAGED_BY_KEY, EW_TAG_MANAGED_BY_VALUE),
	    0);
	memset(&o, 0, sizeof(o));
	o.tag_mutability = "IMMUTABLE";
	o.scan_on_push = true;
	o.tags = &tags;

	rc = ew_ecr_create_repository(&r, &e.c, name, &o, &err);
	assert_ok(rc, err);
	assert_string_equal(r.name, name);
	assert_string_equal(r.tag_mutability, "IMMUTABLE");
	assert_true(r.scan_on_push);
	assert_string_equal(r.encryption_type, "AES256");
	assert_non_null(r.registry_id);
	assert_non_null(strstr(r.uri, ".dkr.ecr.us-east-1.amazonaws.com/"));
	assert_non_null(strstr(r.arn, ":repository/ew-test/app-"));

	rc = ew_ecr_create_repository(NULL, &e.c, name, NULL, &err);
	assert_aws_error(rc, err, "RepositoryAlreadyExistsException", 400);
	assert_string_equal(err.operation, "CreateRepository");

	rc = ew_ecr_describe_repository(&r2, &e.c, name, &err);
	assert_ok(rc, err);
	assert_string_equal(r2.arn, r.arn);
	assert_string_equal(r2.uri, r.uri);
	assert_true(r2.scan_on_push);
	ew_ecr_repository_release(&r2);

	rc = ew_ecr_describe_repository(&r2, &e.c, missing, &err);
	assert_aws_error(rc, err, "RepositoryNotFoundException", 400);
	assert_null(r2.arn);

	rc = ew_ecr_list_tags(&got, &e.c, r.arn, &err);
	assert_ok(rc, err);
	assert_true(ew_tags_is_managed(&got));
	ew_tags_release(&got);

	/* Images: none yet, then one; deleting needs force then. */
	rc = ew_ecr_has_images(&has, &e.c, name, &err);
	assert_ok(rc, err);
	assert_false(has);
	put_image(&e, name);
	rc = ew_ecr_has_images(&has, &e.c, name, &err);
	assert_ok(rc, err);
	assert_true(has);
	rc = ew_ecr_has_images(&has, &e.c, missing, &err);
	assert_aws_error(rc, err, "RepositoryNotFoundException", 400);

	rc = ew_ecr_delete_repository(&e.c, name, false, &err);
	assert_aws_error(rc, err, "RepositoryNotEmptyException", 400);
	rc = ew_ecr_delete_repository(&e.c, name, true, &err);
	assert_ok(rc, err);
	rc = ew_ecr_describe_repository(&r2, &e.c, name, &err);
	assert_aws_error(rc, err, "RepositoryNotFoundException", 400);
	rc = ew_ecr_delete_repository(&e.c, name, true, &err);
	assert_aws_error(rc, err, "RepositoryNotFoundException", 400);

	ew_ecr_repository_release(&r);
	ew_tags_release(&tags);
	ops_env_release(&e);
}

static void test_defaults(void **state)
{
	struct ew_ecr_repository r;
	struct ew_tags got;
	struct ew_error err;
	struct ops_env e;
	char name[96];
	int rc;

	(void)state;
	ops_env_init(&e);
	snprintf(name, sizeof(name), "ew-defaults-%s", e.uniq);
	rc = ew_ecr_create_repository(&r, &e.c, name, NULL, &err);
	assert_ok(rc, err);
	assert_string_equal(r.tag_mutability, "MUTABLE");
	assert_false(r.scan_on_push);
	assert_string_equal(r.encryption_type, "AES256");
	rc = ew_ecr_list_tags(&got, &e.c, r.arn, &err);
	assert_ok(rc, err);
	assert_int_equal(got.n, 0);
	assert_false(ew_tags_is_managed(&got));
	ew_tags_release(&got);
	rc = ew_ecr_delete_repository(&e.c, name, false, &err);
	assert_ok(rc, err);
	ew_ecr_repository_release(&r);
	ops_env_release(&e);
}

static void test_lifecycle(void **state)
{
	struct ew_error err;
	struct ops_env e;
	char name[96], *text = NULL;
	int rc;

	(void)state;
	ops_env_init(&e);
	snprintf(name, sizeof(name), "ew-lifecycle-%s", e.uniq);
	rc = ew_ecr_create_repository(NULL, &e.c, name, NULL, &err);
	assert_ok(rc, err);

	rc = ew_ecr_get_lifecycle_policy(&text, &e.c, name, &err);
	assert_aws_error(rc, err, "LifecyclePolicyNotFoundException", 400);
	assert_null(text);
	rc = ew_ecr_delete_lifecycle_policy(&e.c, name, &err);
	assert_aws_error(rc, err, "LifecyclePolicyNotFoundException", 400);

	rc = ew_ecr_put_lifecycle_policy(&e.c, name, LIFECYCLE, &err);
	assert_ok(rc, err);
	rc = ew_ecr_get_lifecycle_policy(&text, &e.c, name, &err);
	assert_ok(rc, err);
	assert_true(ops_json_equal(text, LIFECYCLE));
	free(text);

	rc = ew_ecr_delete_lifecycle_policy(&e.c, name, &err);
	assert_ok(rc, err);
	rc = ew_ecr_get_lifecycle_policy(&text, &e.c, name, &err);
	assert_aws_error(rc, err, "LifecyclePolicyNotFoundException", 400);

	/* On a repository that does not exist. */
	rc = ew_ecr_put_lifecycle_policy(&e.c, "ew-no-such-repo-at-all",
					 LIFECYCLE, &err);
	assert_aws_error(rc, err, "RepositoryNotFoundException", 400);

	rc = ew_ecr_delete_repository(&e.c, name, false, &err);
	assert_ok(rc, err);
	ops_env_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_repository),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_lifecycle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
