/*
 * xml.h - a small read-only tree of an XML document, built with expat.
 *
 * For the Query protocol's responses (STS, IAM).  Namespaces and attributes
 * are ignored (element names are kept without any prefix); entities and
 * character references are decoded by expat.  Text is the concatenated
 * character data of an element, whitespace kept.
 *
 * ew_xml_parse() returns the root in *out (free it with ew_xml_free()).
 * Lookups never allocate; returned pointers live as long as the tree.
 */
#ifndef EW_XML_H
#define EW_XML_H

#include "error.h"

#include <stddef.h>

struct ew_xml_node {
	char *name; /* local name, e.g. "Arn" */
	char *text; /* character data directly inside; never NULL */
	struct ew_xml_node *parent;
	struct ew_xml_node *child; /* first child element */
	struct ew_xml_node *next;  /* next sibling element */
};

/* Parse; EW_EPARSE with the line and reason in err on malformed input. */
int ew_xml_parse(struct ew_xml_node **out, const char *data, size_t len,
		 struct ew_error *err);
void ew_xml_free(struct ew_xml_node *root);

/* Follow a '/'-separated path of child names from node (the node itself is
 * not matched: "GetRoleResult/Role/Arn" from the root element).  NULL when
 * any step is missing.  The first child of each name is taken. */
const struct ew_xml_node *ew_xml_find(const struct ew_xml_node *node,
				      const char *path);
/* Text of ew_xml_find(node, path), or NULL. */
const char *ew_xml_text(const struct ew_xml_node *node, const char *path);
/* The first child element called name, starting the search at `from`
 * (a child of the same parent) or at the first child when from is NULL.
 * Iterate members with: for (m = ew_xml_next(list, "member", NULL); m;
 * m = ew_xml_next(list, "member", m)). */
const struct ew_xml_node *ew_xml_next(const struct ew_xml_node *parent,
				      const char *name,
				      const struct ew_xml_node *from);

#endif
