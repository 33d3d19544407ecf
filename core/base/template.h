/*
 * template.h - a small placeholder renderer for the files in templates/.
 *
 * Syntax (a subset of mustache):
 *   {{NAME}}            the value of NAME, inserted as is (the caller
 *                       encodes it for the target language: JSON, YAML)
 *   {{#NAME}}...{{/NAME}}  a list: the block once per item, each item's
 *                       names visible inside; a value: the block once
 *                       when the value is not empty
 *   {{^NAME}}...{{/NAME}}  the block once when NAME is an empty list or
 *                       an empty value
 *   {{! comment }}      dropped
 * NAME is [A-Z][A-Z0-9_]*.  Anything else between braces is text, so
 * GitHub's "${{ secrets.X }}" and metadata-action's "{{is_default_branch}}"
 * pass through untouched; "{{" right after '$' is always text.  A section
 * or comment tag alone on its line removes the whole line, so templates
 * can be laid out readably.  An unknown name, an unclosed or mismatched
 * section, or nesting deeper than 16 is an error (EW_EINVAL): templates
 * are ours, so a mistake in one must fail the tests, not print a blank.
 *
 * Memory: a struct ew_template_vars and everything added to it (values are
 * copied, list items are owned by their list) are freed by
 * ew_template_vars_free().
 */
#ifndef EW_TEMPLATE_H
#define EW_TEMPLATE_H

#include "buf.h"
#include "error.h"

#include <stddef.h>

struct ew_template_vars;

struct ew_template_vars *ew_template_vars_new(void);
void ew_template_vars_free(struct ew_template_vars *v);
/* Set (or replace) a value; copies name and value.  0 or EW_ENOMEM. */
int ew_template_vars_set(struct ew_template_vars *v, const char *name,
			 const char *value);
int ew_template_vars_setf(struct ew_template_vars *v, const char *name,
			  const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Declare list NAME (empty until items are added).  0 or EW_ENOMEM. */
int ew_template_vars_list(struct ew_template_vars *v, const char *name);
/* Append an item to list NAME (declaring it if needed) and return the
 * item's scope, owned by v; NULL on EW_ENOMEM or when NAME is a value. */
struct ew_template_vars *ew_template_vars_add_item(struct ew_template_vars *v,
						   const char *name);

/* Render tpl[0..len) with vars, appending to out. */
int ew_template_render(struct ew_buf *out, const char *tpl, size_t len,
		       const struct ew_template_vars *vars,
		       struct ew_error *err);
/* Render the embedded file templates/NAME (EW_ENOTFOUND if absent). */
int ew_template_render_file(struct ew_buf *out, const char *name,
			    const struct ew_template_vars *vars,
			    struct ew_error *err);

#endif
