/*
 * draw.h - drawing helpers the screens share: label/value rows, scrolling
 * text views with syntax colouring and search highlighting, and a
 * one-line text input.
 *
 * Nothing here allocates for the caller except struct ew_input, which owns
 * its text buffer (ew_input_release()).
 */
#ifndef EW_DRAW_H
#define EW_DRAW_H

#include "buf.h"
#include "ui.h"

#include <stdbool.h>
#include <stddef.h>

/* "Label" padded to label_w columns at x, then the value in role; returns
 * the columns the value used. */
int ew_draw_field(int y, int x, int label_w, const char *label,
		  enum ew_role role, const char *value);

/*
 * Syntax kinds for ew_draw_text:
 *   'j' JSON ("//" lines are comments), 'y' YAML, 'd' unified diff
 *   ("== " lines are headings), 'p' plan ("== " headings, "  $ "
 *   commands, "  ! " warnings), 0 plain.
 */
void ew_draw_text(int top, int rows, int x, int width, const char *text,
		  size_t first_line, char kind, const char *search);
/* s clipped to width columns at (y, x); a cut shows an ellipsis, so
 * nothing looks whole that is not. */
void ew_draw_cut(int y, int x, int width, enum ew_role role, const char *s);
/* Lines in text (a last line without '\n' counts). */
size_t ew_text_lines(const char *text);
/* The first line at or after `from` (before it when !forward; wrapping
 * around) that contains needle, case-insensitively; -1 when none. */
long ew_text_find(const char *text, size_t from, const char *needle,
		  bool forward);

/* A one-line text input: its text, a cursor and a scroll offset. */
struct ew_input {
	struct ew_buf text;
	size_t cursor; /* byte offset */
	/* The text is a value shown, not typed (a default): the first
	 * printable key replaces it, an editing key edits it (dialog's and
	 * gh's prompts).  ew_input_set() clears it; the caller sets it. */
	bool replace;
};

void ew_input_init(struct ew_input *in);
void ew_input_release(struct ew_input *in);
void ew_input_set(struct ew_input *in, const char *s);
/* Apply an editing key (printable ASCII, Backspace, Delete, Left, Right,
 * Home, End, C-a, C-e, C-u, C-k, C-w).  true when the key was one.  With
 * replace set, a printable key first clears the text; any key that was
 * one clears replace. */
bool ew_input_key(struct ew_input *in, int key);
/* Draw it at (y, x) in width columns; the cursor is shown when focused,
 * a replaceable text as selected. */
void ew_input_draw(const struct ew_input *in, int y, int x, int width,
		   bool focused);

#endif
