/*
 * Unit tests: the one hint renderer (hint.h).  The same error with the
 * same facts gives the same words whichever front-end asks; what the run
 * knows fills the placeholders; what it does not know becomes a
 * "values to find" line that says how to find it; doctor's fixes come
 * through it too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor_priv.h"
#include "error.h"
#include "hint.h"
#include "model.h"

#define CALLER	 "arn:aws:iam::123456789012:user/alice"
#define ROLE_ARN "arn:aws:iam::123456789012:role/GitHubActions-ECR-Role"

static void create_role_denied(struct ew_error *e)
{
	ew_error_set_aws(e, 403, "AccessDenied",
			 "User: " CALLER " is not authorized to perform: "
			 "iam:CreateRole on resource: " ROLE_ARN,
			 "req-1");
	snprintf(e->operation, sizeof(e->operation), "CreateRole");
}

static void setup_octo(struct ew_setup *s)
{
	assert_int_equal(ew_setup_init(s), 0);
	assert_int_equal(ew_setup_set_github(s, "octo-org/octo-app", NULL), 0);
	assert_int_equal(ew_setup_set_account(s, "123456789012", NULL), 0);
	assert_int_equal(ew_setup_set_region(s, "eu-west-1", NULL), 0);
}

static bool any_has(char *const *list, size_t n, const char *needle)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(list[i], needle))
			return true;
	return false;
}

/* The caller ARN from STS and the role from the setup fill the fix. */
static void test_known_values_fill(void **state)
{
	struct ew_setup s;
	struct ew_error e;
	struct ew_hint h;
	struct ew_hint_facts f = {NULL, -1, "123456789012", CALLER};

	(void)state;
	setup_octo(&s);
	f.setup = &s;
	ew_error_clear(&e);
	create_role_denied(&e);
	assert_int_equal(ew_hint_for_error(&h, &e, &f, NULL), 0);
	assert_non_null(h.entry);
	assert_non_null(h.error);
	assert_string_equal(h.error, "AccessDenied: User: " CALLER
				     " is not authorized to perform: "
				     "iam:CreateRole on resource: " ROLE_ARN);
	assert_true(h.nfixes > 0);
	assert_true(any_has(h.fixes, h.nfixes, CALLER));
	assert_true(any_has(h.fixes, h.nfixes, ROLE_ARN));
	assert_non_null(h.check);
	assert_non_null(strstr(h.check, "--policy-source-arn " CALLER));
	assert_false(any_has(h.fixes, h.nfixes, "<"));
	assert_int_equal(h.nfind, 0);
	ew_hint_release(&h);
	ew_setup_release(&s);
}

/* Without STS's answer the fix keeps <PRINCIPAL_ARN> and says how to
 * find it. */
static void test_unknown_value_says_how(void **state)
{
	struct ew_setup s;
	struct ew_error e;
	struct ew_hint h;
	struct ew_hint_facts f = {NULL, -1, NULL, NULL};

	(void)state;
	setup_octo(&s);
	f.setup = &s;
	ew_error_clear(&e);
	create_role_denied(&e);
	assert_int_equal(ew_hint_for_error(&h, &e, &f, NULL), 0);
	assert_true(any_has(h.fixes, h.nfixes, "<PRINCIPAL_ARN>"));
	assert_true(any_has(h.fixes, h.nfixes, ROLE_ARN));
	assert_int_equal(h.nfind, 1);
	assert_string_equal(h.find[0], "<PRINCIPAL_ARN>: aws sts "
				       "get-caller-identity --query Arn "
				       "--output text");
	ew_hint_release(&h);
	ew_setup_release(&s);
}

/* The same error and facts give identical text on every call: there is
 * one renderer, so no front-end can word it differently. */
static void test_same_text_twice(void **state)
{
	struct ew_setup s;
	struct ew_error e;
	struct ew_hint a, b;
	struct ew_hint_facts f = {NULL, -1, "123456789012", CALLER};

	(void)state;
	setup_octo(&s);
	f.setup = &s;
	ew_error_clear(&e);
	create_role_denied(&e);
	assert_int_equal(ew_hint_for_error(&a, &e, &f, NULL), 0);
	assert_int_equal(ew_hint_for_error(&b, &e, &f, NULL), 0);
	assert_string_equal(a.cause, b.cause);
	assert_int_equal(a.nfixes, b.nfixes);
	for (size_t i = 0; i < a.nfixes; i++)
		assert_string_equal(a.fixes[i], b.fixes[i]);
	assert_string_equal(a.check, b.check);
	ew_hint_release(&a);
	ew_hint_release(&b);
	ew_setup_release(&s);
}

/* No entry fits: only the error line, nothing else. */
static void test_no_match(void **state)
{
	struct ew_error e;
	struct ew_hint h;

	(void)state;
	ew_error_clear(&e);
	ew_error_set(&e, EW_EIO, "cannot read 'x': gone");
	assert_int_equal(ew_hint_for_error(&h, &e, NULL, NULL), 0);
	assert_null(h.entry);
	assert_string_equal(h.error, "cannot read 'x': gone");
	assert_null(h.cause);
	assert_int_equal(h.nfixes, 0);
	assert_int_equal(h.nfind, 0);
	ew_hint_release(&h);
	ew_hint_release(&h); /* released twice: still safe */
}

/* doctor's fix for a failed AWS call comes through the same renderer: the
 * placeholders are filled, never shown as "{principal_arn}". */
static void test_doctor_fix_filled(void **state)
{
	struct ew_doctor_report rep;
	struct ew_doctor_run r;
	struct ew_error e;

	(void)state;
	memset(&rep, 0, sizeof(rep));
	memset(&r, 0, sizeof(r));
	r.rep = &rep;
	r.kv.account = "123456789012";
	r.kv.principal_arn = CALLER;
	ew_error_clear(&e);
	create_role_denied(&e);
	ew_doctor_add_aws_failure(&r, "role", ew_strdup("the role exists"), &e,
				  NULL);
	assert_int_equal(rep.nchecks, 1);
	assert_non_null(rep.checks[0].fix);
	assert_null(strchr(rep.checks[0].fix, '{'));
	assert_non_null(strstr(rep.checks[0].fix, CALLER));
	assert_non_null(rep.checks[0].check_command);
	assert_non_null(strstr(rep.checks[0].check_command, CALLER));
	ew_doctor_report_release(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_values_fill),
	    cmocka_unit_test(test_unknown_value_says_how),
	    cmocka_unit_test(test_same_text_twice),
	    cmocka_unit_test(test_no_match),
	    cmocka_unit_test(test_doctor_fix_filled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
