/*
 * diff.h - unified line diff of two texts, for "what is in AWS" against
 * "what will be written" (policies, the workflow file).
 *
 * Output is the format of `diff -u`: "--- LABEL_A", "+++ LABEL_B", then
 * "@@ -a,b +c,d @@" hunks with 3 lines of context, lines prefixed ' ', '-'
 * or '+', and "\ No newline at end of file" where a text does not end in
 * one.  Identical texts produce no output at all.  The edit script is a
 * shortest one: libgit2 computes it (git_patch_from_buffers with
 * GIT_DIFF_MINIMAL, the xdiff Myers implementation git itself uses) and
 * this module writes its hunks in diff -u's form (no function-context
 * text after "@@").  libgit2 is opened on the first diff of two texts
 * that differ (lazy_git.h), never for equal ones, so a front-end that
 * shows no diff never loads it.
 *
 * Memory: appends to the caller's buffer; nothing else escapes.
 */
#ifndef EW_DIFF_H
#define EW_DIFF_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>

#define EW_DIFF_CONTEXT 3

/* Append the diff of a against b (NULL means empty).  0, EW_ENOMEM, or
 * EW_EIO when libgit2 cannot be loaded (the message says why); on failure
 * nothing is appended.  *changed (may be NULL) tells whether the texts
 * differ, also when the diff itself fails. */
int ew_diff_unified(struct ew_buf *out, const char *a, const char *b,
		    const char *label_a, const char *label_b, bool *changed,
		    struct ew_error *err);

#endif
