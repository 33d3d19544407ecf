/* Integration tests: the typed IAM operations against moto ($EW_MOTO_URL):
 * success, already-exists, not-found, document round trips, policy
 * versions up to the limit, ListRoles pagination, tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "iam.h"
#include "ops_moto.h"

#define TRUST_DOC                                                              \
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","    \
	"\"Principal\":{\"Federated\":\"arn:aws:iam::123456789012:oidc-"       \
	"provider/token.actions.githubusercontent.com\"},"                     \
	"\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{"         \
	"\"StringEquals\":{\"token.actions.githubusercontent.com:aud\":"       \
	"\"sts.amazonaws.com\"},\"StringLike\":{"                              \
	"\"token.actions.githubusercontent.com:sub\":"                         \
	"\"repo:Org/Caf\xc3\xa9 \\\"q\\\" a+b&c=d%41:*\"}}}]}"

/* moto's ListRoles hands out the stored document without encoding it, so
 * a '%' in it would be decoded twice: the listing uses a plain one. */
#define LIST_TRUST_DOC                                                         \
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","    \
	"\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"                   \
	"\"Action\":\"sts:AssumeRole\"}]}"

#define POLICY_DOC(n)                                                          \
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"V" n "\","      \
	"\"Effect\":\"Allow\",\"Action\":[\"ecr:GetAuthorizationToken\"],"     \
	"\"Resource\":\"*\"}]}"

static struct ew_tags managed_tags(void)
{
	struct ew_tags t;

	ew_tags_init(&t);
	assert_int_equal(
	    ew_tags_add(&t, EW_TAG_MANAGED_BY_KEY, EW_TAG_MANAGED_BY_VALUE), 0);
	assert_int_equal(ew_tags_add(&t, "purpose", "test"), 0);
	return t;
}

static void test_oidc_provider(void **state)
{
	const char *client_ids[] = {"sts.amazonaws.com"};
	struct ew_iam_oidc_provider p;
	struct ew_tags tags = managed_tags();
	struct ew_iam_list arns;
	struct ew_error err;
	struct ops_env e;
	char url[128], *arn = NULL, *arn2 = NULL;
	bool listed = false;
	int rc;

	(void)state;
	ops_env_init(&e);
	snprintf(url, sizeof(url), "https://token-%s.example.com", e.uniq);

	rc = ew_iam_create_oidc_provider(&arn, &e.c, url, client_ids, 1, NULL,
					 0, &tags, &err);
	assert_ok(rc, err);
	assert_non_null(strstr(arn, ":oidc-provider/token-"));

	rc = ew_iam_create_oidc_provider(&arn2, &e.c, url, client_ids, 1, NULL,
					 0, NULL, &err);
	assert_aws_error(rc, err, "EntityAlreadyExists", 409);
	assert_null(arn2);

	rc = ew_iam_list_oidc_providers(&arns, &e.c, &err);
	assert_ok(rc, err);
	for (size_t i = 0; i < arns.n; i++)
		listed |= strcmp(arns.v[i], arn) == 0;
	assert_true(listed);
	ew_iam_list_release(&arns);

	rc = ew_iam_get_oidc_provider(&p, &e.c, arn, &err);
	assert_ok(rc, err);
	assert_string_equal(p.arn, arn);
	assert_string_equal(p.url, url + strlen("https://"));
	assert_int_equal(p.client_ids.n, 1);
	assert_string_equal(p.client_ids.v[0], "sts.amazonaws.com");
	assert_true(ew_tags_is_managed(&p.tags));
	ew_iam_oidc_provider_release(&p);

	/* AddClientIDToOpenIDConnectProvider is not implemented by moto
	 * 5.2 (HTTP 500); test_ops_parse checks its request instead. */

	rc = ew_iam_delete_oidc_provider(&e.c, arn, &err);
	assert_ok(rc, err);
	rc = ew_iam_get_oidc_provider(&p, &e.c, arn, &err);
	assert_aws_error(rc, err, "NoSuchEntity", 404);
	/* Deleting what is gone is success. */
	rc = ew_iam_delete_oidc_provider(&e.c, arn, &err);
	assert_ok(rc, err);

	/* A url that is not https is refused before any request. */
	unsigned before = e.c.requests;
	rc = ew_iam_create_oidc_provider(NULL, &e.c, "http://x.example.com",
					 client_ids, 1, NULL, 0, NULL, &err);
	assert_int_equal(rc, EW_EINVAL);
	assert_int_equal(e.c.requests, before);

	free(arn);
	ew_tags_release(&tags);
	ops_env_release(&e);
}

static void test_policy_versions(void **state)
{
	struct ew_tags tags = managed_tags();
	struct ew_iam_policy_versions vs;
	struct ew_iam_policy_version v;
	struct ew_iam_policy p, p2;
	struct ew_error err;
	struct ops_env e;
	char name[96], missing[160];
	unsigned before;
	int rc;

	(void)state;
	ops_env_init(&e);
	snprintf(name, sizeof(name), "ew-test-policy-%s", e.uniq);

	rc = ew_iam_create_policy(&p, &e.c, name, NULL, POLICY_DOC("1"),
				  "ecr push for tests", &tags, &err);
	assert_ok(rc, err);
	assert_string_equal(p.name, name);
	assert_string_equal(p.default_version_id, "v1");
	assert_int_equal(p.attachment_count, 0);
	assert_non_null(strstr(p.arn, ":policy/ew-test-policy-"));
	assert_true(ew_tags_is_managed(&p.tags));

	rc = ew_iam_create_policy(&p2, &e.c, name, NULL, POLICY_DOC("1"), NULL,
				  NULL, &err);
	assert_aws_error(rc, err, "EntityAlreadyExists", 409);

	rc = ew_iam_get_policy(&p2, &e.c, p.arn, &err);
	assert_ok(rc, err);
	assert_string_equal(p2.arn, p.arn);
	assert_true(ew_tags_is_managed(&p2.tags));
	assert_string_equal(ew_tags_get(&p2.tags, "purpose"), "test");
	ew_iam_policy_release(&p2);

	/* v2..v5: the fifth is the limit. */
	static const char *const docs[] = {POLICY_DOC("2"), POLICY_DOC("3"),
					   POLICY_DOC("4"), POLICY_DOC("5")};
	for (int i = 0; i < 4; i++) {
		rc = ew_iam_create_policy_version(&v, &e.c, p.arn, docs[i],
						  true, &err);
		assert_ok(rc, err);
		assert_true(v.is_default);
		ew_iam_policy_version_release(&v);
	}
	rc = ew_iam_list_policy_versions(&vs, &e.c, p.arn, &err);
	assert_ok(rc, err);
	assert_int_equal(vs.n, 5);
	int defaults = 0;
	for (size_t i = 0; i < vs.n; i++)
		defaults += vs.v[i].is_default;
	assert_int_equal(defaults, 1);
	ew_iam_policy_versions_release(&vs);

	/* The sixth: LimitExceeded 409, in one request (a quota, not
	 * throttling: never retried). */
	before = e.c.requests;
	rc = ew_iam_create_policy_version(NULL, &e.c, p.arn, POLICY_DOC("6"),
					  true, &err);
	assert_aws_error(rc, err, "LimitExceeded", 409);
	assert_int_equal(e.c.requests - before, 1);

	rc = ew_iam_get_policy_version(&v, &e.c, p.arn, "v5", &err);
	assert_ok(rc, err);
	assert_true(v.is_default);
	assert_true(ops_json_equal(v.document, POLICY_DOC("5")));
	ew_iam_policy_version_release(&v);

	/* The default version cannot be deleted; an old one can. */
	rc = ew_iam_delete_policy_version(&e.c, p.arn, "v5", &err);
	assert_aws_error(rc, err, "DeleteConflict", 409);
	rc = ew_iam_delete_policy_version(&e.c, p.arn, "v1", &err);
	assert_ok(rc, err);
	rc = ew_iam_get_policy_version(&v, &e.c, p.arn, "v1", &err);
	assert_aws_error(rc, err, "NoSuchEntity", 404);

	/* Not found. */
	snprintf(missing, sizeof(missing),
		 "arn:aws:iam::123456789012:policy/ew-missing-%s", e.uniq);
	rc = ew_iam_get_policy(&p2, &e.c, missing, &err);
	assert_aws_error(rc, err, "NoSuchEntity", 404);

	/* Clean up: non-default versions, then the policy. */
	static const char *const old[] = {"v2", "v3", "v4"};
	for (int i = 0; i < 3; i++) {
		rc = ew_iam_delete_policy_version(&e.c, p.arn, old[i], &err);
		assert_ok(rc, err);
	}
	rc = ew_iam_delete_policy(&e.c, p.arn, &err);
	assert_ok(rc, err);
	rc = ew_iam_get_policy(&p2, &e.c, p.arn, &err);
	assert_aws_error(rc, err, "NoSuchEntity", 404);

	ew_iam_policy_release(&p);
	ew_tags_release(&tags);
	ops_env_release(&e);
}

static void test_role_round_trip(void **state)
{
	static const char new_trust[] =
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
	    "\"Action\":\"sts:AssumeRole\"}]}";
	struct ew_iam_attached_policies att;
	struct ew_tags tags = managed_tags();
	struct ew_iam_role r, r2;
	struct ew_iam_policy p;
	struct ew_error err;
	struct ops_env e;
	char name[64], pname[96];
	int rc;

	(void)state;
	ops_env_init(&e);
	snprintf(name, sizeof(name), "ew-test-role-%s", e.uniq);
	snprintf(pname, sizeof(pname), "ew-test-attach-%s", e.uniq);

	rc = ew_iam_create_role(&r, &e.c, name, NULL, TRUST_DOC,
				"deploy role for tests", 7200, &tags, &err);
	assert_ok(rc, err);
	assert_string_equal(r.name, name);
	assert_string_equal(r.path, "/");
	assert_non_null(r.id);
	assert_non_null(strstr(r.arn, ":role/ew-test-role-"));
	assert_true(ops_json_equal(r.trust_document, TRUST_DOC));
	ew_iam_role_release(&r);

	rc = ew_iam_create_role(&r2, &e.c, name, NULL, TRUST_DOC, NULL, 0, NULL,
				&err);
	assert_aws_error(rc, err, "EntityAlreadyExists", 409);

	/* GetRole gives back the same JSON (quotes, colons, '*', '+', '&',
	 * '%', UTF-8) once decoded, plus the settings and tags. */
	rc = ew_iam_get_role(&r, &e.c, name, &err);
	assert_ok(rc, err);
	if (!ops_json_equal(r.trust_document, TRUST_DOC))
		fail_msg("trust document changed: %s", r.trust_document);
	assert_int_equal(r.max_session_duration, 7200);
	assert_string_equal(r.description, "deploy role for tests");
	assert_true(ew_tags_is_managed(&r.tags));
	assert_string_equal(ew_tags_get(&r.tags, "purpose"), "test");

	rc = ew_iam_update_assume_role_policy(&e.c, name, new_trust, &err);
	assert_ok(rc, err);
	rc = ew_iam_get_role(&r2, &e.c, name, &err);
	assert_ok(rc, err);
	assert_true(ops_json_equal(r2.trust_document, new_trust));
	ew_iam_role_release(&r2);

	/* Attach, list, detach. */
	rc = ew_iam_create_policy(&p, &e.c, pname, NULL, POLICY_DOC("1"), NULL,
				  NULL, &err);
	assert_ok(rc, err);
	rc = ew_iam_attach_role_policy(&e.c, name, p.arn, &err);
	assert_ok(rc, err);
	rc = ew_iam_list_attached_role_policies(&att, &e.c, name, &err);
	assert_ok(rc, err);
	assert_int_equal(att.n, 1);
	assert_string_equal(att.v[0].arn, p.arn);
	assert_string_equal(att.v[0].name, pname);
	ew_iam_attached_policies_release(&att);
	/* An attached role cannot be deleted. */
	rc = ew_iam_delete_role(&e.c, name, &err);
	assert_aws_error(rc, err, "DeleteConflict", 409);
	rc = ew_iam_detach_role_policy(&e.c, name, p.arn, &err);
	assert_ok(rc, err);
	rc = ew_iam_detach_role_policy(&e.c, name, p.arn, &err);
	assert_aws_error(rc, err, "NoSuchEntity", 404);
	rc = ew_iam_list_attached_role_policies(&att, &e.c, name, &err);
	assert_ok(rc, err);
	assert_int_equal(att.n, 0);
	ew_iam_attached_policies_release(&att);
	rc = ew_iam_delete_policy(&e.c, p.arn, &err);
	assert_ok(rc, err);
	ew_iam_policy_release(&p);

	rc = ew_iam_delete_role(&e.c, name, &err);
	assert_ok(rc, err);
	rc = ew_iam_get_role(&r2, &e.c, name, &err);
	assert_aws_error(rc, err, "NoSuchEntity", 404);
	assert_string_equal(err.operation, "GetRole");
	rc = ew_iam_update_assume_role_policy(&e.c, name, new_trust, &err);
	assert_aws_error(rc, err, "NoSuchEntity", 404);

	ew_iam_role_release(&r);
	ew_tags_release(&tags);
	ops_env_release(&e);
}

struct seen {
	int count;
	int stop_after;
};

static int count_role(const struct ew_iam_role *role, void *payload)
{
	struct seen *s = payload;

	assert_non_null(role->arn);
	assert_non_null(role->trust_document);
	s->count++;
	return s->stop_after && s->count == s->stop_after ? 42 : 0;
}

static void test_list_roles_pages(void **state)
{
	struct ew_iam_roles all;
	struct seen seen = {0, 0};
	struct ew_iam_role r;
	struct ew_error err;
	struct ops_env e;
	char path[64], name[64];
	unsigned before;
	int rc;

	(void)state;
	ops_env_init(&e);
	snprintf(path, sizeof(path), "/ew-%s/", e.uniq);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "ew-page-%d-%s", i, e.uniq);
		rc = ew_iam_create_role(&r, &e.c, name, path, LIST_TRUST_DOC,
					NULL, 0, NULL, &err);
		assert_ok(rc, err);
		assert_string_equal(r.path, path);
		ew_iam_role_release(&r);
	}

	/* Five roles, two per page: three requests. */
	before = e.c.requests;
	rc = ew_iam_list_roles(&e.c, path, 2, count_role, &seen, &err);
	assert_ok(rc, err);
	assert_int_equal(seen.count, 5);
	assert_int_equal(e.c.requests - before, 3);

	/* A callback can stop the listing; its value comes back. */
	seen = (struct seen){0, 3};
	before = e.c.requests;
	rc = ew_iam_list_roles(&e.c, path, 2, count_role, &seen, &err);
	assert_int_equal(rc, 42);
	assert_int_equal(seen.count, 3);
	assert_int_equal(e.c.requests - before, 2);

	rc = ew_iam_list_roles_all(&all, &e.c, path, 1, &err);
	assert_ok(rc, err);
	assert_int_equal(all.n, 5);
	for (size_t i = 0; i < all.n; i++) {
		assert_non_null(strstr(all.v[i].name, e.uniq));
		assert_true(
		    ops_json_equal(all.v[i].trust_document, LIST_TRUST_DOC));
		rc = ew_iam_delete_role(&e.c, all.v[i].name, &err);
		assert_ok(rc, err);
	}
	ew_iam_roles_release(&all);

	rc = ew_iam_list_roles_all(&all, &e.c, path, 0, &err);
	assert_ok(rc, err);
	assert_int_equal(all.n, 0);
	ew_iam_roles_release(&all);
	ops_env_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_oidc_provider),
	    cmocka_unit_test(test_policy_versions),
	    cmocka_unit_test(test_role_round_trip),
	    cmocka_unit_test(test_list_roles_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
