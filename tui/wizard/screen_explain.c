/*
 * screen_explain.c - the paste box: paste an error message or a whole CI
 * log, press F2, and see the matching causes, fixes and check commands
 * from the troubleshooting knowledge (explain.h), in the words of
 * `ecr-wizard explain` (both render through hint.h).
 */
#include "draw.h"
#include "explain.h"
#include "hint.h"
#include "wizard.h"

#include <string.h>

/* A pasted CI log can be long; the box keeps this much. */
#define MAX_PASTE (256 * 1024)

static struct {
	bool inited;
	struct ew_buf paste;
	struct ew_buf result;
	bool analysed;
	bool in_result; /* scrolling the result, not typing */
	size_t top;
} st;

static void enter(struct ew_wizard *w)
{
	(void)w;
	if (!st.inited) {
		ew_buf_init(&st.paste);
		ew_buf_init(&st.result);
		st.inited = true;
	}
	st.in_result = false;
}

static void analyse(struct ew_wizard *w)
{
	struct ew_explain *ex = NULL;
	struct ew_error err;
	size_t n;

	ew_buf_clear(&st.result);
	st.top = 0;
	st.analysed = true;
	if (ew_explain_text(&ex, st.paste.ptr, &err) != 0) {
		ew_buf_printf(&st.result, "  ! %s\n", err.message);
		goto done;
	}
	n = ew_explain_count(ex);
	if (!n) {
		ew_buf_printf(&st.result,
			      "  ! nothing known in these %lu lines: paste "
			      "the whole log of the failing step\n",
			      ew_explain_lines(ex));
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ew_explain_match *m = ew_explain_get(ex, i);
		const struct ew_knowledge_entry *k = m->entry;
		struct ew_hint h;

		ew_buf_printf(&st.result, "== %s (line %lu)\n", k->title,
			      m->line);
		if (m->detail)
			ew_buf_printf(&st.result, "  %s\n", m->detail);
		ew_hint_for_entry(&h, k, ew_explain_values(ex), NULL);
		if (h.cause)
			ew_buf_printf(&st.result, "  Cause: %s\n", h.cause);
		for (size_t s = 0; s < h.nfixes; s++)
			ew_buf_printf(&st.result, "  Fix %zu: %s\n", s + 1,
				      h.fixes[s]);
		if (h.check)
			ew_buf_printf(&st.result, "  $ %s\n", h.check);
		for (size_t s = 0; s < h.nfind; s++)
			ew_buf_printf(&st.result, "  Find: %s\n", h.find[s]);
		ew_hint_release(&h);
		ew_buf_putc(&st.result, '\n');
	}
	st.in_result = true;
done:
	ew_explain_free(ex);
	(void)w;
}

static void draw(struct ew_wizard *w, int top, int rows)
{
	int box_rows = st.analysed ? 6 : rows - 4;
	size_t lines = ew_text_lines(st.paste.ptr);
	size_t first = lines > (size_t)box_rows ? lines - (size_t)box_rows : 0;
	char line[128];

	(void)w;
	ew_ui_put(top + 1, 2, 0, EW_ROLE_HEADING,
		  "Explain: paste an error message or a CI log, then press F2");
	ew_ui_box(top + 2, 1, box_rows + 2, COLS - 2,
		  st.in_result ? EW_ROLE_BORDER : EW_ROLE_VALUE, "paste here");
	ew_draw_text(top + 3, box_rows, 3, COLS - 6, st.paste.ptr, first, 0,
		     NULL);
	if (!st.in_result) {
		/* Where typing goes: after the last character. */
		size_t last = lines ? lines - 1 : 0;
		const char *p = strrchr(st.paste.ptr, '\n');
		int col = ew_ui_width(p ? p + 1 : st.paste.ptr);
		int y = top + 3 + (int)(last - first);

		if (st.paste.len && st.paste.ptr[st.paste.len - 1] == '\n')
			y++, col = 0;
		if (y < top + 3 + box_rows && col < COLS - 6)
			ew_ui_put(y, 3 + col, 1, EW_ROLE_SELECTED, " ");
	}
	if (!st.analysed) {
		snprintf(line, sizeof(line), "%zu lines", lines);
		ew_ui_put(top + rows - 1, 2, 0, EW_ROLE_DIM, line);
		return;
	}
	ew_draw_text(top + box_rows + 5, rows - box_rows - 5, 1, COLS - 2,
		     st.result.ptr, st.top, 'p', NULL);
}

static bool edit_key(struct ew_wizard *w, int key)
{
	(void)w;
	if (st.in_result)
		return false;
	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		if (st.paste.len < MAX_PASTE)
			ew_buf_putc(&st.paste, '\n');
		return true;
	}
	if ((key >= 0x20 && key < 0x7f) || (key >= 0x80 && key < 0x100)) {
		if (st.paste.len < MAX_PASTE)
			ew_buf_putc(&st.paste, (char)key);
		return true;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (st.paste.len) {
			st.paste.len--;
			/* Whole UTF-8 characters. */
			while (st.paste.len &&
			       (st.paste.ptr[st.paste.len] & 0xC0) == 0x80)
				st.paste.len--;
			st.paste.ptr[st.paste.len] = 0;
		}
		return true;
	}
	if (key == EW_KEY_CTRL('u')) {
		ew_buf_clear(&st.paste);
		st.analysed = false;
		return true;
	}
	return false;
}

static void handle(struct ew_wizard *w, enum ew_action a)
{
	switch (a) {
	case EW_ACT_ANALYSE:
		analyse(w);
		break;
	case EW_ACT_NEXT:
	case EW_ACT_PREV:
		st.in_result = !st.in_result && st.analysed;
		break;
	case EW_ACT_UP:
		if (st.top)
			st.top--;
		break;
	case EW_ACT_DOWN:
		if (st.top + 1 < ew_text_lines(st.result.ptr))
			st.top++;
		break;
	case EW_ACT_PAGE_UP:
		st.top = st.top > 10 ? st.top - 10 : 0;
		break;
	case EW_ACT_PAGE_DOWN:
		st.top += 10;
		if (st.top >= ew_text_lines(st.result.ptr))
			st.top = ew_text_lines(st.result.ptr)
				     ? ew_text_lines(st.result.ptr) - 1
				     : 0;
		break;
	case EW_ACT_HOME:
		st.top = 0;
		break;
	case EW_ACT_BACK:
		ew_wizard_goto(w, w->before_explain ? w->before_explain
						    : &ew_screen_welcome);
		break;
	default:
		break;
	}
}

static const char *label(struct ew_wizard *w, enum ew_action a)
{
	(void)w;
	if (a == EW_ACT_ACCEPT)
		return st.in_result ? "" : "new line";
	if (a == EW_ACT_NEXT)
		return st.analysed ? (st.in_result ? "edit" : "results") : "";
	if (a == EW_ACT_QUIT)
		return st.in_result ? NULL : "";
	return NULL;
}

static bool takes_text(struct ew_wizard *w)
{
	(void)w;
	return !st.in_result;
}

static bool can(struct ew_wizard *w, enum ew_action a)
{
	(void)w;
	switch (a) {
	case EW_ACT_ACCEPT:
		return !st.in_result;
	case EW_ACT_NEXT:
	case EW_ACT_PREV:
		return st.analysed;
	case EW_ACT_UP:
	case EW_ACT_DOWN:
	case EW_ACT_PAGE_UP:
	case EW_ACT_PAGE_DOWN:
	case EW_ACT_HOME:
		return st.in_result;
	case EW_ACT_END:
		return false;
	default:
		return true;
	}
}

const struct ew_screen_ops ew_screen_explain = {
    EW_SCREEN_EXPLAIN, "Explain", enter, draw, edit_key, handle, label, can,
    takes_text,
};
