#include "xml.h"
#include "buf.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

/* Responses we parse are a few kilobytes; anything far bigger or deeper is
 * not an AWS answer and must not be allowed to eat memory or the stack. */
#define XML_MAX_DEPTH 64
#define XML_MAX_BYTES (8u * 1024u * 1024u)

struct parse_state {
	XML_Parser parser;
	struct ew_xml_node *root;
	struct ew_xml_node *cur;
	struct ew_buf text; /* character data of cur so far */
	int depth;
	int rc;
	struct ew_error *err;
	/* Text of the elements above cur, saved while cur is open. */
	struct ew_buf *stack;
};

static void free_node(struct ew_xml_node *n)
{
	while (n) {
		struct ew_xml_node *next = n->next;

		free_node(n->child);
		free(n->name);
		/* STS answers carry secret keys and session tokens */
		ew_free_secret(n->text);
		free(n);
		n = next;
	}
}

void ew_xml_free(struct ew_xml_node *root)
{
	free_node(root);
}

static const char *local_name(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon ? colon + 1 : name;
}

static void fail(struct parse_state *st, int code, const char *why)
{
	if (st->rc)
		return;
	st->rc = ew_error_set(
	    st->err, code, "malformed XML at line %lu: %s",
	    (unsigned long)XML_GetCurrentLineNumber(st->parser), why);
	XML_StopParser(st->parser, XML_FALSE);
}

static void XMLCALL on_start(void *data, const XML_Char *name,
			     const XML_Char **attrs)
{
	struct parse_state *st = data;
	struct ew_xml_node *n;

	(void)attrs;
	if (st->rc)
		return;
	if (st->depth >= XML_MAX_DEPTH) {
		fail(st, EW_EPARSE, "elements nested too deeply");
		return;
	}
	n = calloc(1, sizeof(*n));
	if (!n || !(n->name = ew_strdup(local_name(name)))) {
		free(n);
		fail(st, EW_ENOMEM, "out of memory");
		return;
	}
	/* The parent's text is kept aside while the child is open: mixed
	 * content is not in AWS answers, but keep it correct anyway. */
	st->stack[st->depth] = st->text;
	ew_buf_init(&st->text);
	st->depth++;
	n->parent = st->cur;
	if (!st->cur) {
		st->root = n;
	} else {
		struct ew_xml_node **link = &st->cur->child;

		while (*link)
			link = &(*link)->next;
		*link = n;
	}
	st->cur = n;
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
	struct parse_state *st = data;

	(void)name;
	if (st->rc || !st->cur)
		return;
	st->cur->text = ew_buf_detach(&st->text);
	if (!st->cur->text) {
		fail(st, EW_ENOMEM, "out of memory");
		return;
	}
	st->depth--;
	st->text = st->stack[st->depth];
	ew_buf_init(&st->stack[st->depth]);
	st->cur = st->cur->parent;
}

static void XMLCALL on_chars(void *data, const XML_Char *s, int len)
{
	struct parse_state *st = data;

	if (st->rc || !st->cur || len <= 0)
		return;
	if (ew_buf_add(&st->text, s, (size_t)len))
		fail(st, EW_ENOMEM, "out of memory");
}

/* Entity declarations are how "billion laughs" and external-entity attacks
 * start; no AWS answer has a DOCTYPE, so refuse any. */
static void XMLCALL on_doctype(void *data, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(data, EW_EPARSE, "DOCTYPE declarations are not accepted");
}

static void XMLCALL on_entity_decl(void *data, const XML_Char *name,
				   int is_param, const XML_Char *value,
				   int value_len, const XML_Char *base,
				   const XML_Char *sysid, const XML_Char *pubid,
				   const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	fail(data, EW_EPARSE, "entity declarations are not accepted");
}

int ew_xml_parse(struct ew_xml_node **out, const char *data, size_t len,
		 struct ew_error *err)
{
	struct parse_state st;
	int rc = 0;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	st.err = err;
	ew_buf_init(&st.text);
	if (len > XML_MAX_BYTES)
		return ew_error_set(err, EW_EPARSE,
				    "XML document too large (%zu bytes)", len);
	st.stack = calloc(XML_MAX_DEPTH, sizeof(*st.stack));
	st.parser = XML_ParserCreate(NULL);
	if (!st.stack || !st.parser) {
		rc = ew_error_oom(err);
		goto done;
	}
	for (int i = 0; i < XML_MAX_DEPTH; i++)
		ew_buf_init(&st.stack[i]);
	XML_SetUserData(st.parser, &st);
	XML_SetElementHandler(st.parser, on_start, on_end);
	XML_SetCharacterDataHandler(st.parser, on_chars);
	XML_SetStartDoctypeDeclHandler(st.parser, on_doctype);
	XML_SetEntityDeclHandler(st.parser, on_entity_decl);
	XML_SetParamEntityParsing(st.parser, XML_PARAM_ENTITY_PARSING_NEVER);
	if (XML_Parse(st.parser, data ? data : "", (int)len, XML_TRUE) ==
	    XML_STATUS_ERROR) {
		if (!st.rc)
			st.rc = ew_error_set(
			    err, EW_EPARSE, "malformed XML at line %lu: %s",
			    (unsigned long)XML_GetCurrentLineNumber(st.parser),
			    XML_ErrorString(XML_GetErrorCode(st.parser)));
		rc = st.rc;
		goto done;
	}
	if (st.rc) {
		rc = st.rc;
		goto done;
	}
	if (!st.root || st.cur) {
		rc = ew_error_set(err, EW_EPARSE, "malformed XML: no element");
		goto done;
	}
	*out = st.root;
	st.root = NULL;
done:
	if (st.parser)
		XML_ParserFree(st.parser);
	if (st.stack) {
		for (int i = 0; i < XML_MAX_DEPTH; i++)
			ew_buf_release(&st.stack[i]);
		free(st.stack);
	}
	ew_buf_release(&st.text);
	/* after an error: the partial tree (open nodes have no text yet) */
	free_node(st.root);
	return rc;
}

const struct ew_xml_node *ew_xml_next(const struct ew_xml_node *parent,
				      const char *name,
				      const struct ew_xml_node *from)
{
	const struct ew_xml_node *n;

	if (!parent || !name)
		return NULL;
	n = from ? from->next : parent->child;
	for (; n; n = n->next)
		if (strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

const struct ew_xml_node *ew_xml_find(const struct ew_xml_node *node,
				      const char *path)
{
	const char *p = path;

	if (!node || !path)
		return NULL;
	while (*p && node) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		const struct ew_xml_node *c;

		for (c = node->child; c; c = c->next)
			if (strlen(c->name) == n && memcmp(c->name, p, n) == 0)
				break;
		node = c;
		p += n;
		if (*p == '/')
			p++;
	}
	return node;
}

const char *ew_xml_text(const struct ew_xml_node *node, const char *path)
{
	const struct ew_xml_node *n = ew_xml_find(node, path);

	return n ? n->text : NULL;
}
