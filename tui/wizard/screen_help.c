/*
 * screen_help.c - the help overlay (? or F1), generated from the key
 * table: the keys that do something on the current screen in its current
 * state (ew_wizard_can()), with the keys that reach them there.
 */
#include "wizard.h"

#include <stdio.h>

void ew_help_draw(struct ew_wizard *w)
{
	size_t n;
	const struct ew_keybinding *t = ew_keys_table(&n);
	int bw = COLS - 8, bh = LINES - 4, by = 2, bx = 4;
	int y = by + 1, bottom = by + bh - 2;
	bool text = w->screen->takes_text && w->screen->takes_text(w);
	char title[64];

	snprintf(title, sizeof(title), "Keys on the %s screen",
		 w->screen->title);
	ew_ui_box(by, bx, bh, bw, EW_ROLE_BORDER, title);
	for (size_t i = 0; i < n && y < bottom; i++) {
		const char *keys;

		if (!ew_wizard_can(w, t[i].action, &keys))
			continue;
		ew_ui_put(y, bx + 14, bw - 16, EW_ROLE_NORMAL,
			  ew_wizard_help_text(w, t[i].action));
		ew_ui_put(y, bx + 2, 12, EW_ROLE_VALUE, keys);
		y++;
	}
	ew_ui_put(by + bh - 2, bx + 2, bw - 4, EW_ROLE_HINT,
		  text ? "A field has the focus: letters are text.  Any key "
			 "closes."
		       : "Any key closes.");
}
