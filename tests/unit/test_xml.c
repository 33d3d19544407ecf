/* Unit tests: the expat-based XML tree (core/xml.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

static struct ew_xml_node *parse_ok(const char *s)
{
	struct ew_xml_node *root = NULL;
	struct ew_error err;

	ew_error_clear(&err);
	assert_int_equal(ew_xml_parse(&root, s, strlen(s), &err), 0);
	assert_non_null(root);
	return root;
}

static int parse_fail(const char *s, struct ew_error *err)
{
	struct ew_xml_node *root = (struct ew_xml_node *)1;
	int rc;

	ew_error_clear(err);
	rc = ew_xml_parse(&root, s, strlen(s), err);
	assert_null(root);
	assert_int_not_equal(rc, 0);
	assert_int_equal(err->code, rc);
	return rc;
}

static void test_prolog_and_namespaces(void **state)
{
	const char *doc =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<GetCallerIdentityResponse "
	    "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
	    "  <GetCallerIdentityResult>\n"
	    "    <Arn>arn:aws:iam::123456789012:user/alice</Arn>\n"
	    "    <UserId>AIDAEXAMPLE</UserId>\n"
	    "    <Account>123456789012</Account>\n"
	    "  </GetCallerIdentityResult>\n"
	    "  <ResponseMetadata><RequestId>rid-1</RequestId>"
	    "</ResponseMetadata>\n"
	    "</GetCallerIdentityResponse>\n";
	struct ew_xml_node *root;

	(void)state;
	root = parse_ok(doc);
	assert_string_equal(root->name, "GetCallerIdentityResponse");
	assert_null(root->parent);
	assert_string_equal(ew_xml_text(root, "GetCallerIdentityResult/Arn"),
			    "arn:aws:iam::123456789012:user/alice");
	assert_string_equal(
	    ew_xml_text(root, "GetCallerIdentityResult/Account"),
	    "123456789012");
	assert_string_equal(ew_xml_text(root, "ResponseMetadata/RequestId"),
			    "rid-1");
	assert_ptr_equal(ew_xml_find(root, "GetCallerIdentityResult")->parent,
			 root);
	ew_xml_free(root);

	/* a prefix is dropped: names are local names */
	root = parse_ok("<a:Root xmlns:a=\"urn:x\" b:attr=\"1\" "
			"xmlns:b=\"urn:y\"><a:Child>v</a:Child></a:Root>");
	assert_string_equal(root->name, "Root");
	assert_string_equal(ew_xml_text(root, "Child"), "v");
	ew_xml_free(root);
}

static void test_entities(void **state)
{
	struct ew_xml_node *root;

	(void)state;
	root = parse_ok("<E><Message>role &quot;x&quot; &amp; &lt;y&gt; "
			"&apos;z&apos; &#x41;&#66;</Message></E>");
	assert_string_equal(ew_xml_text(root, "Message"),
			    "role \"x\" & <y> 'z' AB");
	ew_xml_free(root);
	/* UTF-8 passes through, CDATA is text */
	root = parse_ok("<E><M>caf\xc3\xa9 <![CDATA[<raw>]]></M></E>");
	assert_string_equal(ew_xml_text(root, "M"), "caf\xc3\xa9 <raw>");
	ew_xml_free(root);
}

static void test_members(void **state)
{
	struct ew_xml_node *root;
	const struct ew_xml_node *list, *m;
	const char *want[] = {"a", "b", "c"};
	int i = 0;

	(void)state;
	root = parse_ok("<R><L><member>a</member><other>x</other>"
			"<member>b</member>\n<member>c</member></L>"
			"<Empty/></R>");
	list = ew_xml_find(root, "L");
	assert_non_null(list);
	for (m = ew_xml_next(list, "member", NULL); m;
	     m = ew_xml_next(list, "member", m)) {
		assert_true(i < 3);
		assert_string_equal(m->text, want[i]);
		i++;
	}
	assert_int_equal(i, 3);
	/* an empty element has "" as text, never NULL */
	assert_string_equal(ew_xml_text(root, "Empty"), "");
	/* the first child of a name is taken */
	assert_string_equal(ew_xml_text(root, "L/member"), "a");
	ew_xml_free(root);
}

static void test_missing_paths(void **state)
{
	struct ew_xml_node *root;

	(void)state;
	root = parse_ok("<R><A><B>b</B></A></R>");
	assert_null(ew_xml_find(root, "A/C"));
	assert_null(ew_xml_find(root, "X/B"));
	assert_null(ew_xml_text(root, "A/B/C"));
	/* the node itself is not matched */
	assert_null(ew_xml_find(root, "R"));
	assert_null(ew_xml_text(NULL, "A"));
	assert_null(ew_xml_next(NULL, "A", NULL));
	/* a prefix of a name is not the name */
	assert_null(ew_xml_find(root, "A/BB"));
	assert_string_equal(ew_xml_text(root, "A/B"), "b");
	ew_xml_free(root);
}

static void test_malformed_has_line(void **state)
{
	struct ew_error err;

	(void)state;
	assert_int_equal(parse_fail("<R>\n<A>\n</B>\n</R>", &err), EW_EPARSE);
	assert_non_null(strstr(err.message, "line 3"));
	assert_int_equal(parse_fail("", &err), EW_EPARSE);
	assert_int_equal(parse_fail("not xml at all", &err), EW_EPARSE);
	assert_non_null(strstr(err.message, "line 1"));
	assert_int_equal(parse_fail("<R><A></R>", &err), EW_EPARSE);
	/* trailing garbage after the root */
	assert_int_equal(parse_fail("<R/><S/>", &err), EW_EPARSE);
	/* an undefined entity */
	assert_int_equal(parse_fail("<R>&nope;</R>", &err), EW_EPARSE);
}

static void test_doctype_rejected(void **state)
{
	struct ew_error err;
	const char *laughs =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    "]>\n"
	    "<lolz>&lol3;</lolz>";
	const char *external = "<!DOCTYPE r [<!ENTITY x SYSTEM "
			       "\"file:///etc/passwd\">]><r>&x;</r>";

	(void)state;
	assert_int_equal(parse_fail(laughs, &err), EW_EPARSE);
	assert_non_null(strstr(err.message, "DOCTYPE"));
	assert_int_equal(parse_fail(external, &err), EW_EPARSE);
	assert_int_equal(parse_fail("<!DOCTYPE r><r/>", &err), EW_EPARSE);
}

static void test_depth_limit(void **state)
{
	struct ew_error err;
	char doc[2000];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "<a>");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "</a>");
	assert_int_equal(parse_fail(doc, &err), EW_EPARSE);
	assert_non_null(strstr(err.message, "deep"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prolog_and_namespaces),
	    cmocka_unit_test(test_entities),
	    cmocka_unit_test(test_members),
	    cmocka_unit_test(test_missing_paths),
	    cmocka_unit_test(test_malformed_has_line),
	    cmocka_unit_test(test_doctype_rejected),
	    cmocka_unit_test(test_depth_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
