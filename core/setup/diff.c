/* diff.c - unified line diff of two texts, computed by libgit2. */
#include "diff.h"

#include "lazy_git.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* git_libgit2_init() once per process (libgit2 counts the calls; it is
 * never shut down, like git_detect.c's). */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libgit2(void)
{
	git_libgit2_init();
}

/* "-a,b" as diff -u writes it: ",b" left out when b is 1. */
static int range(struct ew_buf *out, char sign, size_t start, size_t n)
{
	if (n == 1)
		return ew_buf_printf(out, "%c%zu", sign, start);
	return ew_buf_printf(out, "%c%zu,%zu", sign, start, n);
}

/* One line of a hunk: its origin (' ', '-', '+') and text, which has no
 * '\n' only at the end of a text that does not end in one. */
static int put_line(struct ew_buf *out, const git_diff_line *l)
{
	int rc = 0;

	switch (l->origin) {
	case GIT_DIFF_LINE_CONTEXT:
	case GIT_DIFF_LINE_ADDITION:
	case GIT_DIFF_LINE_DELETION:
		rc = ew_buf_putc(out, l->origin);
		if (rc == 0)
			rc = ew_buf_add(out, l->content, l->content_len);
		if (rc == 0 && (l->content_len == 0 ||
				l->content[l->content_len - 1] != '\n'))
			rc = ew_buf_putc(out, '\n');
		break;
	case GIT_DIFF_LINE_CONTEXT_EOFNL:
	case GIT_DIFF_LINE_ADD_EOFNL:
	case GIT_DIFF_LINE_DEL_EOFNL:
		rc = ew_buf_puts(out, "\\ No newline at end of file\n");
		break;
	default:
		break;
	}
	return rc;
}

/* The hunks of patch in diff -u's format: the header from the numbers
 * alone (libgit2's own header carries git's function-context text, which
 * diff -u does not write). */
static int put_hunks(struct ew_buf *out, git_patch *patch)
{
	size_t nhunks = git_patch_num_hunks(patch);
	int rc = 0;

	for (size_t h = 0; rc == 0 && h < nhunks; h++) {
		const git_diff_hunk *hunk;
		size_t nlines;

		if (git_patch_get_hunk(&hunk, &nlines, patch, h) < 0)
			return EW_ENOMEM;
		rc = ew_buf_puts(out, "@@ ");
		if (rc == 0)
			rc = range(out, '-', (size_t)hunk->old_start,
				   (size_t)hunk->old_lines);
		if (rc == 0)
			rc = ew_buf_putc(out, ' ');
		if (rc == 0)
			rc = range(out, '+', (size_t)hunk->new_start,
				   (size_t)hunk->new_lines);
		if (rc == 0)
			rc = ew_buf_puts(out, " @@\n");
		for (size_t i = 0; rc == 0 && i < nlines; i++) {
			const git_diff_line *l;

			if (git_patch_get_line_in_hunk(&l, patch, h, i) < 0)
				return EW_ENOMEM;
			rc = put_line(out, l);
		}
	}
	return rc;
}

int ew_diff_unified(struct ew_buf *out, const char *a, const char *b,
		    const char *label_a, const char *label_b, bool *changed,
		    struct ew_error *err)
{
	git_diff_options opts;
	git_patch *patch = NULL;
	size_t start = out->len;
	int rc = 0;

	if (changed)
		*changed = false;
	if (!a)
		a = "";
	if (!b)
		b = "";
	/* Equal texts need no diff, and so no libgit2. */
	if (strcmp(a, b) == 0)
		goto done;
	/* Known now, and true even if the diff cannot be computed below: a
	 * caller must not take a failed diff for equal texts. */
	if (changed)
		*changed = true;
	rc = ew_lazy_git_load(err);
	if (rc)
		goto done;
	pthread_once(&init_once, init_libgit2);
	/* GIT_DIFF_OPTIONS_INIT, spelled out (the macro leaves fields to
	 * their zero, which -Wextra flags). */
	memset(&opts, 0, sizeof(opts));
	opts.version = GIT_DIFF_OPTIONS_VERSION;
	opts.ignore_submodules = GIT_SUBMODULE_IGNORE_UNSPECIFIED;
	opts.context_lines = EW_DIFF_CONTEXT;
	/* A shortest edit script, always text (a document never holds a
	 * NUL, but libgit2 would call a long line binary otherwise). */
	opts.flags = GIT_DIFF_MINIMAL | GIT_DIFF_FORCE_TEXT;
	if (git_patch_from_buffers(&patch, a, strlen(a), NULL, b, strlen(b),
				   NULL, &opts) < 0) {
		const git_error *e = git_error_last();

		rc = ew_error_set(err, EW_ENOMEM, "cannot compute the diff: %s",
				  e && e->message ? e->message
						  : "libgit2 failed");
		goto done;
	}
	if (git_patch_num_hunks(patch) == 0)
		goto done; /* not reached: texts that differ have a hunk */
	rc = ew_buf_printf(out, "--- %s\n+++ %s\n", label_a ? label_a : "a",
			   label_b ? label_b : "b");
	if (rc == 0)
		rc = put_hunks(out, patch);
	if (rc)
		rc = ew_error_oom(err);
done:
	if (rc && out->len > start) {
		out->len = start; /* no half diff */
		out->ptr[start] = '\0';
	}
	if (patch)
		git_patch_free(patch);
	return rc;
}
