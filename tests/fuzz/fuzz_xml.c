/*
 * libFuzzer target: the XML tree (core/xml.c).
 *
 * Properties checked on any input: the parser either fails with EW_EPARSE
 * or EW_ENOMEM and no tree, or returns a tree whose every node has a name
 * and a text, whose parent links are consistent and whose depth stays
 * within the limit; the lookups never crash on it.  ASan checks the
 * reads, LeakSanitizer the frees.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct ew_xml_node *n, int depth)
{
	if (depth > 64)
		abort();
	for (; n; n = n->next) {
		if (!n->name || !n->text)
			abort();
		for (const struct ew_xml_node *c = n->child; c; c = c->next)
			if (c->parent != n)
				abort();
		walk(n->child, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_xml_node *root = NULL;
	struct ew_error err;
	const struct ew_xml_node *m;
	int rc;

	rc = ew_xml_parse(&root, (const char *)data, size, &err);
	if (rc) {
		if (root || (rc != EW_EPARSE && rc != EW_ENOMEM) ||
		    err.code != rc ||
		    !memchr(err.message, '\0', sizeof(err.message)))
			abort();
		return 0;
	}
	if (!root || root->parent || root->next)
		abort();
	walk(root, 1);
	(void)ew_xml_text(root, "Error/Code");
	(void)ew_xml_find(root, "a/b/c/d");
	for (m = ew_xml_next(root, "member", NULL); m;
	     m = ew_xml_next(root, "member", m))
		if (strcmp(m->name, "member") != 0)
			abort();
	ew_xml_free(root);
	return 0;
}
