/*
 * Unit tests: the unified diff, the JSON document helpers and the template
 * renderer (the text machinery under documents.c).
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
#include "diff.h"
#include "error.h"
#include "json_doc.h"
#include "template.h"

/* ------------------------------------------------------------ diff */

static char *diff(const char *a, const char *b)
{
	struct ew_buf out;
	struct ew_error err;

	ew_buf_init(&out);
	assert_int_equal(ew_diff_unified(&out, a, b, "a", "b", NULL, &err), 0);
	return ew_buf_detach(&out);
}

static void test_diff_known_outputs(void **state)
{
	static const struct {
		const char *a, *b, *want;
	} cases[] = {
	    {"x\ny\n", "x\ny\n", ""},
	    {"", "", ""},
	    {"a\nb\nc\n", "a\nB\nc\n",
	     "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
	    {"", "new\n", "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n"},
	    {"old\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-old\n"},
	    {"a\n", "a",
	     "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+a\n"
	     "\\ No newline at end of file\n"},
	    /* Two changes 7 lines apart: separate hunks. */
	    {"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "X\n2\n3\n4\n5\n6\n7\n8\nY\n",
	     "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n"
	     "@@ -6,4 +6,4 @@\n 6\n 7\n 8\n-9\n+Y\n"},
	    /* Six lines apart: one hunk (context 3 + 3). */
	    {"1\n2\n3\n4\n5\n6\n7\n8\n", "X\n2\n3\n4\n5\n6\n7\nY\n",
	     "--- a\n+++ b\n@@ -1,8 +1,8 @@\n-1\n+X\n 2\n 3\n 4\n 5\n 6\n 7\n"
	     "-8\n+Y\n"},
	    /* A line above the hunk that git would show as function
	     * context after "@@": diff -u writes nothing there. */
	    {"name: x\n1\n2\n3\n4\n5\nold\n", "name: x\n1\n2\n3\n4\n5\nnew\n",
	     "--- a\n+++ b\n@@ -4,4 +4,4 @@\n 3\n 4\n 5\n-old\n+new\n"},
	    {"a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nx\nd\ne\nf\ng\n",
	     "--- a\n+++ b\n@@ -1,6 +1,7 @@\n a\n b\n c\n+x\n d\n e\n f\n"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = diff(cases[i].a, cases[i].b);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu:\n%s\nwanted:\n%s", i, got,
				 cases[i].want);
		free(got);
	}
}

/* Apply a unified diff to a; the result must be b. */
static char *apply(const char *a, const char *patch)
{
	struct ew_buf out;
	const char *p = patch, *src = a;
	size_t aline = 1;
	char last = 0;

	ew_buf_init(&out);
	/* skip the two header lines */
	for (int i = 0; i < 2 && *p; i++)
		p = strchr(p, '\n') + 1;
	while (*p) {
		size_t as, ac = 1;
		char *end;
		const char *nl;

		assert_true(strncmp(p, "@@ -", 4) == 0);
		as = strtoul(p + 4, &end, 10);
		if (*end == ',')
			ac = strtoul(end + 1, &end, 10);
		if (ac == 0)
			as++; /* an empty range names the line before */
		while (aline < as) {
			nl = strchr(src, '\n');
			ew_buf_add(&out, src, (size_t)(nl - src + 1));
			src = nl + 1;
			aline++;
		}
		p = strchr(p, '\n') + 1;
		while (*p && strncmp(p, "@@", 2) != 0) {
			size_t len;

			nl = strchr(p, '\n');
			len = (size_t)(nl - p);
			if (*p == '\\') {
				/* the line before has no newline */
				if (last != '-' && out.len)
					out.ptr[--out.len] = '\0';
				p = nl + 1;
				continue;
			}
			if (*p == ' ' || *p == '-') {
				const char *e = strchr(src, '\n');
				size_t sl = e ? (size_t)(e - src) : strlen(src);

				assert_true(sl == len - 1 &&
					    memcmp(src, p + 1, sl) == 0);
				src += sl + (e ? 1 : 0);
				aline++;
			}
			if (*p == ' ' || *p == '+') {
				ew_buf_add(&out, p + 1, len - 1);
				ew_buf_putc(&out, '\n');
			}
			last = *p;
			p = nl + 1;
		}
	}
	ew_buf_puts(&out, src);
	return ew_buf_detach(&out);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The length of a longest common subsequence of lines, by dynamic
 * programming: the oracle for "the edit script is a shortest one". */
static size_t lcs(char **a, size_t n, char **b, size_t m)
{
	size_t *row = calloc((m + 1) * (n + 1), sizeof(*row)), r;

	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++)
			row[i * (m + 1) + j] =
			    strcmp(a[i - 1], b[j - 1]) == 0
				? row[(i - 1) * (m + 1) + j - 1] + 1
			    : row[(i - 1) * (m + 1) + j] >
				    row[i * (m + 1) + j - 1]
				? row[(i - 1) * (m + 1) + j]
				: row[i * (m + 1) + j - 1];
	r = row[n * (m + 1) + m];
	free(row);
	return r;
}

static void test_diff_random_roundtrip(void **state)
{
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 400; round++) {
		char *la[40], *lb[40];
		size_t n, m, plus = 0, minus = 0;
		struct ew_buf a, b;
		char *d, *back;

		ew_buf_init(&a);
		ew_buf_init(&b);
		seed = seed * 1103515245 + 12345;
		n = (seed >> 16) % 30;
		seed = seed * 1103515245 + 12345;
		m = (seed >> 16) % 30;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			la[i] = malloc(4);
			snprintf(la[i], 4, "%c", 'a' + (int)((seed >> 16) % 4));
			ew_buf_printf(&a, "%s\n", la[i]);
		}
		for (size_t i = 0; i < m; i++) {
			seed = seed * 1103515245 + 12345;
			lb[i] = malloc(4);
			snprintf(lb[i], 4, "%c", 'a' + (int)((seed >> 16) % 4));
			ew_buf_printf(&b, "%s\n", lb[i]);
		}
		d = diff(a.ptr, b.ptr);
		back = apply(a.ptr, d);
		if (strcmp(back, b.ptr) != 0)
			fail_msg("round %d: patch does not give b:\n%s", round,
				 d);
		for (const char *p = d; *p; p = strchr(p, '\n') + 1) {
			plus += *p == '+' && p[1] != '+';
			minus += *p == '-' && p[1] != '-';
		}
		/* Minimal: exactly the lines outside a longest common
		 * subsequence are removed or added. */
		assert_int_equal(minus, n - lcs(la, n, lb, m));
		assert_int_equal(plus, m - lcs(la, n, lb, m));
		assert_int_equal(count_lines(b.ptr), m);
		for (size_t i = 0; i < n; i++)
			free(la[i]);
		for (size_t i = 0; i < m; i++)
			free(lb[i]);
		free(d);
		free(back);
		ew_buf_release(&a);
		ew_buf_release(&b);
	}
}

static void test_diff_large_and_changed_flag(void **state)
{
	struct ew_buf a, b, out;
	bool changed = true;
	char *back;

	(void)state;
	ew_buf_init(&a);
	ew_buf_init(&b);
	ew_buf_init(&out);
	assert_int_equal(
	    ew_diff_unified(&out, "same\n", "same\n", "a", "b", &changed, NULL),
	    0);
	assert_false(changed);
	assert_int_equal(out.len, 0);
	/* Beyond the edit budget: one replacing hunk, still correct. */
	for (int i = 0; i < 6000; i++) {
		ew_buf_printf(&a, "a%d\n", i);
		ew_buf_printf(&b, "b%d\n", i);
	}
	assert_int_equal(
	    ew_diff_unified(&out, a.ptr, b.ptr, "a", "b", &changed, NULL), 0);
	assert_true(changed);
	back = apply(a.ptr, out.ptr);
	assert_string_equal(back, b.ptr);
	free(back);
	ew_buf_release(&a);
	ew_buf_release(&b);
	ew_buf_release(&out);
}

/* ------------------------------------------------------------ json_doc */

static void test_json_equal(void **state)
{
	static const struct {
		const char *a, *b;
		bool equal;
	} cases[] = {
	    {"{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", true},
	    {"{\"Action\":\"x\"}", "{\"Action\":[\"x\"]}", true},
	    {"{\"Action\":[\"x\",\"y\"]}", "{\"Action\":[\"y\",\"x\"]}", true},
	    {"{\"Action\":[\"x\",\"x\"]}", "{\"Action\":[\"x\",\"y\"]}", false},
	    {"{\"Action\":[\"x\",\"y\"]}", "{\"Action\":\"x\"}", false},
	    {"{\"a\":1}", "{\"a\":1,\"b\":2}", false},
	    {"{\"a\":\"1\"}", "{\"a\":1}", false},
	    {"{\"a\":true}", "{\"a\":false}", false},
	    {"{\"a\":null}", "{\"a\":null}", true},
	    {"{\"Statement\":[{\"Sid\":\"1\"},{\"Sid\":\"2\"}]}",
	     "{\"Statement\":[{\"Sid\":\"2\"},{\"Sid\":\"1\"}]}", false},
	    {"{\"K\":\"v\"}", "{\"k\":\"v\"}", false},
	    {"{", "{", false},
	    {"[]", "[]", true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		if (ew_json_doc_equal(cases[i].a, cases[i].b) != cases[i].equal)
			fail_msg("case %zu: %s vs %s", i, cases[i].a,
				 cases[i].b);
}

static void test_json_pretty_and_compact(void **state)
{
	struct ew_buf b;
	struct ew_error err;

	(void)state;
	ew_buf_init(&b);
	assert_int_equal(
	    ew_json_doc_pretty(&b,
			       "{\"z\":1,\"a\":[\"x\",{\"q\":\"\\\"\\n\"}],"
			       "\"e\":{},\"f\":[],\"n\":2.5,\"t\":true}",
			       &err),
	    0);
	assert_string_equal(b.ptr, "{\n"
				   "  \"z\": 1,\n"
				   "  \"a\": [\n"
				   "    \"x\",\n"
				   "    {\n"
				   "      \"q\": \"\\\"\\n\"\n"
				   "    }\n"
				   "  ],\n"
				   "  \"e\": {},\n"
				   "  \"f\": [],\n"
				   "  \"n\": 2.5,\n"
				   "  \"t\": true\n"
				   "}\n");
	ew_buf_clear(&b);
	assert_int_equal(ew_json_doc_compact(&b, "{ \"a\" : [ 1 , 2 ] }", &err),
			 0);
	assert_string_equal(b.ptr, "{\"a\":[1,2]}");
	ew_buf_clear(&b);
	assert_int_equal(ew_json_doc_pretty(&b, "{\"a\":", &err), EW_EPARSE);
	assert_non_null(strstr(err.message, "cannot parse JSON"));
	assert_int_equal(ew_json_doc_pretty(&b, "{} trailing", &err),
			 EW_EPARSE);
	ew_buf_clear(&b);
	assert_int_equal(ew_json_doc_quote(&b, "a\"b\\c\x01"), 0);
	assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\u0001\"");
	ew_buf_release(&b);
}

/* ------------------------------------------------------------ template */

static char *render(const char *tpl, const struct ew_template_vars *v,
		    int want_rc, const char *want_msg)
{
	struct ew_buf out;
	struct ew_error err;
	int rc;

	ew_buf_init(&out);
	ew_error_clear(&err);
	rc = ew_template_render(&out, tpl, strlen(tpl), v, &err);
	if (rc != want_rc)
		fail_msg("'%s': rc %d (%s)", tpl, rc, err.message);
	if (want_msg && !strstr(err.message, want_msg))
		fail_msg("'%s': message '%s' lacks '%s'", tpl, err.message,
			 want_msg);
	if (rc)
		assert_int_equal(out.len, 0);
	return ew_buf_detach(&out);
}

static void test_template(void **state)
{
	struct ew_template_vars *v = ew_template_vars_new();
	struct ew_template_vars *it;
	static const struct {
		const char *tpl, *want;
	} ok[] = {
	    {"Hello {{NAME}}!", "Hello world!"},
	    {"${{ secrets.X }} {{ NAME }} {{name}} {{is_default_branch}}",
	     "${{ secrets.X }} {{ NAME }} {{name}} {{is_default_branch}}"},
	    {"${{NAME}}", "${{NAME}}"},
	    {"{{{NAME}}}", "{world}"},
	    {"{{#ON}}on{{/ON}}{{#OFF}}off{{/OFF}}", "on"},
	    {"{{^OFF}}none{{/OFF}}{{^ON}}x{{/ON}}", "none"},
	    {"{{#ITEMS}}[{{ID}}:{{NAME}}]{{/ITEMS}}", "[1:world][2:world]"},
	    {"{{^EMPTY}}no items{{/EMPTY}}", "no items"},
	    {"a\n  {{#ON}}  \nb\n{{/ON}}\nc\n", "a\nb\nc\n"},
	    {"a\n{{! a comment\n spanning lines }}\nb", "a\nb"},
	    {"x {{#ON}}y{{/ON}} z\n", "x y z\n"},
	    {"{{#ITEMS}}\n- {{ID}}\n{{/ITEMS}}\n", "- 1\n- 2\n"},
	    {"{{", "{{"},
	    {"}}{{NAME", "}}{{NAME"},
	};
	static const struct {
		const char *tpl, *msg;
	} bad[] = {
	    {"{{MISSING}}", "unknown name 'MISSING' on line 1"},
	    {"\n{{#ON}}x", "section 'ON' opened on line 2 is not closed"},
	    {"{{/ON}}", "closes no open section"},
	    {"{{#ON}}{{/OFF}}", "closes no open section"},
	    {"{{ITEMS}}", "is a list"},
	    {"{{#A}}{{#A}}{{#A}}{{#A}}{{#A}}{{#A}}{{#A}}{{#A}}{{#A}}{{#A}}{{#A}"
	     "}"
	     "{{#A}}{{#A}}{{#A}}{{#A}}{{#A}}{{#A}}",
	     "nested deeper"},
	};

	(void)state;
	assert_non_null(v);
	assert_int_equal(ew_template_vars_set(v, "NAME", "world"), 0);
	assert_int_equal(ew_template_vars_set(v, "ON", "1"), 0);
	assert_int_equal(ew_template_vars_set(v, "OFF", ""), 0);
	assert_int_equal(ew_template_vars_set(v, "A", "1"), 0);
	assert_int_equal(ew_template_vars_list(v, "EMPTY"), 0);
	for (int i = 1; i <= 2; i++) {
		it = ew_template_vars_add_item(v, "ITEMS");
		assert_non_null(it);
		assert_int_equal(ew_template_vars_setf(it, "ID", "%d", i), 0);
	}
	/* A name cannot be both a value and a list. */
	assert_null(ew_template_vars_add_item(v, "NAME"));
	assert_int_equal(ew_template_vars_set(v, "ITEMS", "x"), EW_EINVAL);
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		char *got = render(ok[i].tpl, v, 0, NULL);

		if (strcmp(got, ok[i].want) != 0)
			fail_msg("'%s' gave '%s', wanted '%s'", ok[i].tpl, got,
				 ok[i].want);
		free(got);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		free(render(bad[i].tpl, v, EW_EINVAL, bad[i].msg));
	ew_template_vars_free(v);
}

static void test_template_files(void **state)
{
	struct ew_buf out;
	struct ew_error err;

	(void)state;
	ew_buf_init(&out);
	assert_int_equal(
	    ew_template_render_file(&out, "no-such.json", NULL, &err),
	    EW_ENOTFOUND);
	/* Without values, a real template names what it misses. */
	assert_int_equal(ew_template_render_file(
			     &out, "permissions-policy.json", NULL, &err),
			 EW_EINVAL);
	assert_non_null(strstr(err.message, "REPOSITORY_ARN"));
	ew_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_diff_known_outputs),
	    cmocka_unit_test(test_diff_random_roundtrip),
	    cmocka_unit_test(test_diff_large_and_changed_flag),
	    cmocka_unit_test(test_json_equal),
	    cmocka_unit_test(test_json_pretty_and_compact),
	    cmocka_unit_test(test_template),
	    cmocka_unit_test(test_template_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
