/*
 * screen_help.c - the help overlay (? or F1), generated from the key
 * table: the keys that work on the current screen, then the rest.
 */
#include "wizard.h"

void ew_help_draw(struct ew_wizard *w)
{
	size_t n;
	const struct ew_keybinding *t = ew_keys_table(&n);
	unsigned ctx = EW_CTX(w->screen->id);
	int bw = COLS - 8, bh = LINES - 4, by = 2, bx = 4;
	int y = by + 1, bottom = by + bh - 2;
	char title[64];

	snprintf(title, sizeof(title), "Keys on the %s screen",
		 w->screen->title);
	ew_ui_box(by, bx, bh, bw, EW_ROLE_BORDER, title);
	for (size_t i = 0; i < n && y < bottom; i++) {
		if (!(t[i].contexts & ctx))
			continue;
		ew_ui_put(y, bx + 2, 12, EW_ROLE_VALUE, t[i].keys);
		ew_ui_put(y, bx + 14, bw - 16, EW_ROLE_NORMAL, t[i].help);
		y++;
	}
	ew_ui_put(by + bh - 2, bx + 2, bw - 4, EW_ROLE_DIM,
		  "In a text field letters are text: use F1 there.  Any key "
		  "closes.");
}
