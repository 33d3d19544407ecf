/*
 * diff.h - unified line diff of two texts, for "what is in AWS" against
 * "what will be written" (policies, the workflow file).
 *
 * Output is the format of `diff -u`: "--- LABEL_A", "+++ LABEL_B", then
 * "@@ -a,b +c,d @@" hunks with 3 lines of context, lines prefixed ' ', '-'
 * or '+', and "\ No newline at end of file" where a text does not end in
 * one.  Identical texts produce no output at all.  The edit script is a
 * shortest one (Myers' O(ND) algorithm after trimming the common prefix and
 * suffix).  Texts whose difference is too large to compute cheaply (more
 * than EW_DIFF_MAX_EDITS line edits) are shown as one hunk that replaces
 * everything between the common prefix and suffix - still a correct diff.
 *
 * Memory: appends to the caller's buffer; nothing else escapes.
 */
#ifndef EW_DIFF_H
#define EW_DIFF_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>

#define EW_DIFF_CONTEXT	  3
#define EW_DIFF_MAX_EDITS 4000

/* Append the diff of a against b (NULL means empty).  0 or EW_ENOMEM;
 * *changed (may be NULL) tells whether the texts differ. */
int ew_diff_unified(struct ew_buf *out, const char *a, const char *b,
		    const char *label_a, const char *label_b, bool *changed,
		    struct ew_error *err);

#endif
