/*
 * Unit tests: ew_setup_copy() (a deep copy that equals its original
 * member by member and shares no memory with it) and the setup field
 * table (fields.h) that the option parser and the Choices screen walk.
 *
 * Run under valgrind too (no leak, no invalid access):
 *   valgrind --leak-check=full --errors-for-leak-kinds=definite \
 *            --error-exitcode=99 build/release/tests/test_fields
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "fields.h"
#include "model.h"

static void must(int rc, const struct ew_error *err)
{
	if (rc)
		fail_msg("setter failed: %s", err->message);
}

/* A setup with every member away from its default: every string and list
 * set, every flag flipped, a warning pending. */
static void populated(struct ew_setup *s)
{
	static const char *const keys[] = {"repository_owner_id",
					   "repository_id", "context"};
	struct ew_error err;

	assert_int_equal(ew_setup_init(s), 0);
	must(ew_setup_set_github_host(s, "github.example.com", &err), &err);
	must(ew_setup_set_github(s, "octo-org/octo-app", &err), &err);
	must(ew_setup_set_github_ids(s, "1234/5678", &err), &err);
	must(ew_setup_set_sub_claim_keys(s, keys, 3, &err), &err);
	must(ew_setup_set_github_visibility(s, "private", &err), &err);
	must(ew_setup_set_default_branch(s, "trunk", &err), &err);
	must(ew_setup_set_account(s, "123456789012", &err), &err);
	must(ew_setup_set_repo_name(s, "team/app", &err), &err);
	must(ew_setup_set_role_name(s, "CiRole", &err), &err);
	must(ew_setup_set_policy_name(s, "CiPolicy", &err), &err);
	must(ew_setup_add_scope(s, "branch:release/*", &err), &err);
	must(ew_setup_add_scope(s, "env:prod:eu", &err), &err);
	must(ew_setup_add_scope(s, "pull_request", &err), &err);
	must(ew_setup_set_keep_images(s, "42", &err), &err);
	must(ew_setup_set_tag_mutability(s, "IMMUTABLE_WITH_EXCLUSION", &err),
	     &err);
	must(ew_setup_add_tag_exclusion(s, "latest", &err), &err);
	must(ew_setup_add_tag_exclusion(s, "dev-*", &err), &err);
	must(ew_setup_set_scan_on_push(s, "false", &err), &err);
	must(ew_setup_add_env(s, "staging:us-west-2:app-staging", &err), &err);
	must(ew_setup_add_env(s, "prod:eu:eu-west-1:app-prod", &err), &err);
	must(ew_setup_set_workflow_path(s, ".github/workflows/ecr.yaml", &err),
	     &err);
	ew_setup_set_write_workflow(s, false);
	must(ew_setup_set_platforms(s, "linux/amd64,linux/arm64", &err), &err);
	must(ew_setup_set_share_role(s, "true", &err), &err);
	must(ew_setup_set_replace_lifecycle(s, "yes", &err), &err);
	/* Last: an unknown but well-formed region leaves a warning. */
	must(ew_setup_set_region(s, "eu-west-9", &err), &err);
	assert_true(s->warning[0] != '\0');
}

/* Equal strings in separate memory (or both NULL). */
static void same_str(const char *a, const char *b, const char *what)
{
	if (!a || !b) {
		if (a != b)
			fail_msg("%s: '%s' vs '%s'", what, a ? a : "(null)",
				 b ? b : "(null)");
		return;
	}
	if (strcmp(a, b) != 0)
		fail_msg("%s: '%s' vs '%s'", what, a, b);
	if (a == b)
		fail_msg("%s: the copy shares the original's string", what);
}

/* Every member of struct ew_setup (model.h), one by one.  A new member
 * belongs here too (docs/adding-a-field.md). */
static void assert_same(const struct ew_setup *a, const struct ew_setup *b)
{
	same_str(a->github_host, b->github_host, "github_host");
	same_str(a->owner, b->owner, "owner");
	same_str(a->repo, b->repo, "repo");
	same_str(a->owner_id, b->owner_id, "owner_id");
	same_str(a->repo_id, b->repo_id, "repo_id");
	same_str(a->default_branch, b->default_branch, "default_branch");
	assert_int_equal(a->nsub_claim_keys, b->nsub_claim_keys);
	for (size_t i = 0; i < a->nsub_claim_keys; i++)
		same_str(a->sub_claim_keys[i], b->sub_claim_keys[i],
			 "sub_claim_keys");
	if (a->nsub_claim_keys)
		assert_ptr_not_equal(a->sub_claim_keys, b->sub_claim_keys);
	same_str(a->github_visibility, b->github_visibility,
		 "github_visibility");
	same_str(a->account, b->account, "account");
	same_str(a->region, b->region, "region");
	same_str(a->repo_name, b->repo_name, "repo_name");
	assert_int_equal(a->repo_name_explicit, b->repo_name_explicit);
	same_str(a->role_name, b->role_name, "role_name");
	same_str(a->policy_name, b->policy_name, "policy_name");
	assert_int_equal(a->nscopes, b->nscopes);
	for (size_t i = 0; i < a->nscopes; i++) {
		assert_int_equal(a->scopes[i].kind, b->scopes[i].kind);
		assert_int_equal(a->scopes[i].is_pattern,
				 b->scopes[i].is_pattern);
		same_str(a->scopes[i].value, b->scopes[i].value, "scope");
	}
	if (a->nscopes)
		assert_ptr_not_equal(a->scopes, b->scopes);
	assert_int_equal(a->scopes_default, b->scopes_default);
	assert_int_equal(a->keep_images, b->keep_images);
	assert_int_equal(a->tag_mutability, b->tag_mutability);
	assert_int_equal(a->ntag_exclusions, b->ntag_exclusions);
	for (size_t i = 0; i < a->ntag_exclusions; i++)
		same_str(a->tag_exclusions[i], b->tag_exclusions[i],
			 "tag_exclusions");
	if (a->ntag_exclusions)
		assert_ptr_not_equal(a->tag_exclusions, b->tag_exclusions);
	assert_int_equal(a->scan_on_push, b->scan_on_push);
	assert_int_equal(a->nenvs, b->nenvs);
	for (size_t i = 0; i < a->nenvs; i++) {
		same_str(a->envs[i].name, b->envs[i].name, "env name");
		same_str(a->envs[i].region, b->envs[i].region, "env region");
		same_str(a->envs[i].repo_name, b->envs[i].repo_name,
			 "env repo_name");
		same_str(a->envs[i].slug, b->envs[i].slug, "env slug");
	}
	if (a->nenvs)
		assert_ptr_not_equal(a->envs, b->envs);
	same_str(a->workflow_path, b->workflow_path, "workflow_path");
	assert_int_equal(a->write_workflow, b->write_workflow);
	same_str(a->platforms, b->platforms, "platforms");
	assert_int_equal(a->share_role, b->share_role);
	assert_int_equal(a->replace_lifecycle, b->replace_lifecycle);
	assert_string_equal(a->warning, b->warning);
}

static void test_copy_equals(void **state)
{
	struct ew_setup s, c, d, e;
	struct ew_error err;

	(void)state;
	populated(&s);
	assert_int_equal(ew_setup_copy(&c, &s, &err), 0);
	assert_same(&s, &c);
	/* A fresh setup: NULL strings, the default scope, no lists. */
	assert_int_equal(ew_setup_init(&d), 0);
	assert_int_equal(ew_setup_copy(&e, &d, &err), 0);
	assert_same(&d, &e);
	assert_null(e.owner);
	assert_null(e.tag_exclusions);
	assert_null(e.envs);
	ew_setup_release(&s);
	ew_setup_release(&c);
	ew_setup_release(&d);
	ew_setup_release(&e);
}

/* Changing or releasing one side leaves the other as it was. */
static void test_copy_independent(void **state)
{
	struct ew_setup s, c, ref;
	struct ew_error err;

	(void)state;
	populated(&s);
	assert_int_equal(ew_setup_copy(&c, &s, &err), 0);
	assert_int_equal(ew_setup_copy(&ref, &s, &err), 0);

	/* The original changes through every kind of member ... */
	must(ew_setup_set_github(&s, "other-org/other", &err), &err);
	must(ew_setup_set_sub_claim_keys(&s, NULL, 0, &err), &err);
	must(ew_setup_set_github_visibility(&s, "", &err), &err);
	must(ew_setup_set_role_name(&s, "Changed", &err), &err);
	ew_setup_clear_scopes(&s);
	must(ew_setup_add_scope(&s, "any", &err), &err);
	ew_setup_clear_tag_exclusions(&s);
	ew_setup_clear_envs(&s);
	must(ew_setup_set_keep_images(&s, "1", &err), &err);
	s.share_role = false;
	s.replace_lifecycle = false;
	/* ... and the copy did not move. */
	assert_same(&c, &ref);
	assert_string_equal(c.owner, "octo-org");
	assert_int_equal(c.nenvs, 2);
	assert_string_equal(c.envs[1].name, "prod:eu");
	assert_int_equal(c.ntag_exclusions, 2);
	assert_string_equal(c.scopes[1].value, "prod%3Aeu");

	/* Released, the original takes nothing of the copy with it. */
	ew_setup_release(&s);
	assert_same(&c, &ref);

	/* The other way round: the copy changes, the reference stays. */
	must(ew_setup_add_env(&c, "qa:us-east-2:app-qa", &err), &err);
	must(ew_setup_set_platforms(&c, "linux/arm64", &err), &err);
	assert_int_equal(ref.nenvs, 2);
	assert_string_equal(ref.platforms, "linux/amd64,linux/arm64");
	ew_setup_release(&c);
	ew_setup_release(&ref);
}

/* The table is indexed by id; flags and labels are unique; what each
 * front-end needs is there. */
static void test_table_shape(void **state)
{
	size_t n;
	const struct ew_field *f = ew_fields(&n);

	(void)state;
	assert_int_equal(n, EW_FIELD_COUNT);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(f[i].id, i);
		assert_ptr_equal(ew_field_get(f[i].id), &f[i]);
		assert_non_null(f[i].get);
		assert_non_null(f[i].set);
		if (f[i].flag) {
			assert_non_null(f[i].help);
			assert_ptr_equal(
			    ew_field_by_flag(f[i].flag, strlen(f[i].flag)),
			    &f[i]);
			if (f[i].arg != EW_ARG_REQUIRED)
				assert_non_null(f[i].implied);
			if (f[i].arg != EW_ARG_NONE)
				assert_non_null(f[i].metavar);
		}
		if (f[i].excludes)
			assert_non_null(ew_field_by_flag(
			    f[i].excludes, strlen(f[i].excludes)));
		if (f[i].label) {
			assert_non_null(f[i].rule);
			for (size_t j = 0; j < i; j++)
				if (f[j].label &&
				    strcmp(f[j].label, f[i].label) == 0)
					fail_msg("label '%s' twice",
						 f[i].label);
		}
		if (f[i].kind == EW_KIND_LIST)
			assert_non_null(f[i].clear_list);
		if (f[i].kind == EW_KIND_CHOICE)
			assert_non_null(f[i].choices);
	}
	assert_null(ew_field_by_flag("profile", 7)); /* not a setup field */
	assert_null(ew_field_by_flag("githu", 5));
}

/* The Choices screen shows the labelled rows in table order: this is the
 * form the screen dumps (tests/tui) show. */
static void test_form_order(void **state)
{
	static const char *const form[] = {
	    "Region",	      "ECR repository", "Role name",
	    "Policy name",    "Trust scope",	"Images to keep",
	    "Tag mutability", "Tag exclusions", "Scan on push",
	    "Environments",   "Workflow file",	"Platforms",
	};
	size_t n, k = 0;
	const struct ew_field *f = ew_fields(&n);

	(void)state;
	for (size_t i = 0; i < n; i++)
		if (f[i].label) {
			assert_true(k < sizeof(form) / sizeof(form[0]));
			assert_string_equal(f[i].label, form[k]);
			k++;
		}
	assert_int_equal(k, sizeof(form) / sizeof(form[0]));
}

/* set(get(s)) on a fresh setup gives the same text back for every row:
 * get() writes what the user would type, set() reads it (a list, one
 * item at a time as the form and the repeated flag do). */
static void test_get_set_round_trip(void **state)
{
	size_t n;
	const struct ew_field *f = ew_fields(&n);
	struct ew_setup s, t;
	struct ew_error err;

	(void)state;
	populated(&s);
	for (size_t i = 0; i < n; i++) {
		struct ew_buf want, got;

		ew_buf_init(&want);
		ew_buf_init(&got);
		assert_int_equal(f[i].get(&want, &s), 0);
		assert_int_equal(ew_setup_init(&t), 0);
		/* Lists and names per environment are checked against the
		 * mode and the role name: those first. */
		must(ew_setup_set_tag_mutability(&t, "MUTABLE_WITH_EXCLUSION",
						 &err),
		     &err);
		must(ew_setup_set_role_name(&t, s.role_name, &err), &err);
		if (f[i].clear_list) {
			const char *p = want.ptr;

			f[i].clear_list(&t);
			while (*p) {
				size_t len = strcspn(p, ",");
				char item[256];

				snprintf(item, sizeof(item), "%.*s", (int)len,
					 p);
				must(f[i].set(&t, item, &err), &err);
				p += len;
				p += strspn(p, ", ");
			}
		} else if (want.len) {
			must(f[i].set(&t, want.ptr, &err), &err);
		}
		assert_int_equal(f[i].get(&got, &t), 0);
		if (strcmp(want.ptr, got.ptr) != 0)
			fail_msg("--%s: '%s' came back as '%s'",
				 f[i].flag ? f[i].flag : "?", want.ptr,
				 got.ptr);
		ew_buf_release(&want);
		ew_buf_release(&got);
		ew_setup_release(&t);
	}
	ew_setup_release(&s);
}

/* A flag without a value gives the row's implied value: --no-workflow and
 * --no-scan-on-push turn their member off, --share-role on. */
static void test_implied_values(void **state)
{
	struct ew_setup s;
	struct ew_error err;
	const struct ew_field *f;

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	f = ew_field_by_flag("no-workflow", 11);
	must(f->set(&s, f->implied, &err), &err);
	assert_false(s.write_workflow);
	f = ew_field_by_flag("no-scan-on-push", 15);
	must(f->set(&s, f->implied, &err), &err);
	assert_false(s.scan_on_push);
	f = ew_field_by_flag("scan-on-push", 12);
	must(f->set(&s, f->implied, &err), &err);
	assert_true(s.scan_on_push);
	f = ew_field_by_flag("share-role", 10);
	must(f->set(&s, f->implied, &err), &err);
	assert_true(s.share_role);
	f = ew_field_by_flag("replace-lifecycle", 17);
	must(f->set(&s, f->implied, &err), &err);
	assert_true(s.replace_lifecycle);
	/* The yes/no rule names the value and the choices. */
	assert_int_equal(ew_setup_set_share_role(&s, "maybe", &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "'maybe'"));
	assert_non_null(strstr(err.message, "true or false"));
	assert_true(s.share_role); /* a rejected value changes nothing */
	ew_setup_release(&s);
}

/* Tag exclusions mean something only with an *_WITH_EXCLUSION mode: the
 * form hides them otherwise. */
static void test_applies(void **state)
{
	struct ew_setup s;
	struct ew_error err;
	const struct ew_field *x = ew_field_get(EW_FIELD_TAG_EXCLUSIONS);

	(void)state;
	assert_int_equal(ew_setup_init(&s), 0);
	assert_false(ew_field_applies(x, &s));
	assert_true(ew_field_applies(ew_field_get(EW_FIELD_REGION), &s));
	must(ew_setup_set_tag_mutability(&s, "IMMUTABLE_WITH_EXCLUSION", &err),
	     &err);
	assert_true(ew_field_applies(x, &s));
	ew_setup_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_copy_equals),
	    cmocka_unit_test(test_copy_independent),
	    cmocka_unit_test(test_table_shape),
	    cmocka_unit_test(test_form_order),
	    cmocka_unit_test(test_get_set_round_trip),
	    cmocka_unit_test(test_implied_values),
	    cmocka_unit_test(test_applies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
