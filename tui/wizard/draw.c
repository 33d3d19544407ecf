/* draw.c - labelled rows, highlighted text views and the text input. */
#include "draw.h"

#include "keys.h"

#include <ctype.h>
#include <curses.h>
#include <string.h>
#include <strings.h>

int ew_draw_field(int y, int x, int label_w, const char *label,
		  enum ew_role role, const char *value)
{
	ew_ui_put(y, x, label_w, EW_ROLE_LABEL, label);
	return ew_ui_put(y, x + label_w, COLS - x - label_w - 1, role,
			 value ? value : "");
}

size_t ew_text_lines(const char *text)
{
	size_t n = 0;

	if (!text || !*text)
		return 0;
	for (const char *p = text; *p; p++)
		if (*p == '\n')
			n++;
	if (text[strlen(text) - 1] != '\n')
		n++;
	return n;
}

/* The start of line `n` of text and its length (without '\n'). */
static const char *line_at(const char *text, size_t n, size_t *len)
{
	const char *p = text;

	for (size_t i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p)
		return NULL;
	*len = strcspn(p, "\n");
	return p;
}

static bool contains_ci(const char *line, size_t len, const char *needle,
			size_t *at)
{
	size_t n = strlen(needle);

	if (!n || n > len)
		return false;
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(line + i, needle, n) == 0) {
			if (at)
				*at = i;
			return true;
		}
	return false;
}

long ew_text_find(const char *text, size_t from, const char *needle,
		  bool forward)
{
	size_t n = ew_text_lines(text);

	if (!needle || !*needle || !n)
		return -1;
	for (size_t k = 0; k < n; k++) {
		size_t i = forward ? (from + k) % n : (from + n - k) % n;
		size_t len;
		const char *l = line_at(text, i, &len);

		if (l && contains_ci(l, len, needle, NULL))
			return (long)i;
	}
	return -1;
}

/* Draws the pieces of one line the highlighters hand it, wrapping onto
 * the next rows (indented) and marking search matches. */
#define MAX_MATCHES 16
struct painter {
	int y, x, width, col;
	int max_y;  /* first row it may not use */
	int indent; /* of continuation rows */
	const char *line;
	size_t ms[MAX_MATCHES], me[MAX_MATCHES];
	int nm;
};

static void paint_run(struct painter *p, enum ew_role role, const char *s,
		      size_t n)
{
	while (n) {
		size_t fit;
		int cols;

		if (p->col >= p->width) {
			if (p->y + 1 >= p->max_y)
				return;
			p->y++;
			p->col = p->indent;
		}
		fit = ew_ui_fit(s, n, p->width - p->col, &cols);
		if (fit < n) {
			/* Break after the last space that fits, so words
			 * and options stay whole. */
			size_t k = fit;

			while (k > 0 && s[k - 1] != ' ')
				k--;
			if (k > 0)
				fit = ew_ui_fit(s, k, p->width - p->col, &cols);
			else if (p->col > p->indent + 8)
				fit = 0;
		}
		if (!fit) {
			p->col = p->width;
			continue;
		}
		ew_ui_putn(p->y, p->x + p->col, p->width - p->col, role, s,
			   fit);
		s += fit;
		n -= fit;
		p->col = n ? p->width : p->col + cols;
	}
}

static void paint(struct painter *p, enum ew_role role, const char *s, size_t n)
{
	size_t off = (size_t)(s - p->line);

	/* Split at match boundaries: matches in the match colour. */
	while (n) {
		size_t len = n;
		enum ew_role r = role;

		for (int i = 0; i < p->nm; i++) {
			if (off >= p->ms[i] && off < p->me[i]) {
				r = EW_ROLE_MATCH;
				if (p->me[i] - off < len)
					len = p->me[i] - off;
				break;
			}
			if (p->ms[i] > off && p->ms[i] - off < len)
				len = p->ms[i] - off;
		}
		paint_run(p, r, s, len);
		s += len;
		n -= len;
		off += len;
	}
}

static size_t string_end(const char *l, size_t len, size_t i)
{
	char q = l[i++];

	while (i < len && l[i] != q) {
		if (l[i] == '\\' && i + 1 < len)
			i++;
		i++;
	}
	return i < len ? i + 1 : len;
}

static void paint_json(struct painter *p, const char *l, size_t len)
{
	size_t i = 0;

	while (i < len && l[i] == ' ')
		i++;
	paint(p, EW_ROLE_NORMAL, l, i);
	if (len - i >= 2 && l[i] == '/' && l[i + 1] == '/') {
		paint(p, EW_ROLE_YAML_COMMENT, l + i, len - i);
		return;
	}
	while (i < len) {
		size_t j = i;

		if (l[i] == '"') {
			size_t k;

			j = string_end(l, len, i);
			k = j;
			while (k < len && l[k] == ' ')
				k++;
			paint(p,
			      k < len && l[k] == ':' ? EW_ROLE_JSON_KEY
						     : EW_ROLE_JSON_STRING,
			      l + i, j - i);
		} else if (isdigit((unsigned char)l[i]) || l[i] == '-' ||
			   isalpha((unsigned char)l[i])) {
			while (j < len &&
			       (isalnum((unsigned char)l[j]) || l[j] == '.' ||
				l[j] == '-' || l[j] == '+'))
				j++;
			paint(p, EW_ROLE_JSON_NUMBER, l + i, j - i);
		} else {
			while (j < len && l[j] != '"' &&
			       !isalnum((unsigned char)l[j]) && l[j] != '-')
				j++;
			paint(p, EW_ROLE_JSON_PUNCT, l + i, j - i);
		}
		i = j;
	}
}

static void paint_yaml_value(struct painter *p, const char *l, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		if (len - i >= 3 && memcmp(l + i, "${{", 3) == 0) {
			const char *end = NULL;

			for (size_t k = i + 3; k + 1 < len; k++)
				if (l[k] == '}' && l[k + 1] == '}') {
					end = l + k + 2;
					break;
				}
			j = end ? (size_t)(end - l) : len;
			paint(p, EW_ROLE_YAML_EXPR, l + i, j - i);
		} else if (l[i] == '"' || l[i] == '\'') {
			j = string_end(l, len, i);
			paint(p, EW_ROLE_JSON_STRING, l + i, j - i);
		} else if (l[i] == '#' && (i == 0 || l[i - 1] == ' ')) {
			paint(p, EW_ROLE_YAML_COMMENT, l + i, len - i);
			j = len;
		} else {
			while (
			    j < len && l[j] != '"' && l[j] != '\'' &&
			    !(l[j] == '$' && j + 2 < len && l[j + 1] == '{') &&
			    !(l[j] == '#' && j > 0 && l[j - 1] == ' '))
				j++;
			if (j == i)
				j++;
			paint(p, EW_ROLE_NORMAL, l + i, j - i);
		}
		i = j;
	}
}

static void paint_yaml(struct painter *p, const char *l, size_t len)
{
	size_t i = 0, k;

	while (i < len && l[i] == ' ')
		i++;
	if (i < len && l[i] == '#') {
		paint(p, EW_ROLE_YAML_COMMENT, l, len);
		return;
	}
	if (len - i >= 2 && l[i] == '-' && l[i + 1] == ' ')
		i += 2;
	paint(p, EW_ROLE_NORMAL, l, i);
	k = i;
	while (k < len && (isalnum((unsigned char)l[k]) || l[k] == '_' ||
			   l[k] == '-' || l[k] == '.'))
		k++;
	if (k > i && k < len && l[k] == ':' &&
	    (k + 1 == len || l[k + 1] == ' ')) {
		paint(p, EW_ROLE_YAML_KEY, l + i, k - i + 1);
		i = k + 1;
	}
	paint_yaml_value(p, l + i, len - i);
}

static void paint_line(struct painter *p, char kind, const char *l, size_t len)
{
	bool heading = len >= 3 && memcmp(l, "== ", 3) == 0;

	switch (kind) {
	case 'j':
		paint_json(p, l, len);
		return;
	case 'y':
		paint_yaml(p, l, len);
		return;
	case 'd':
		if (heading)
			paint(p, EW_ROLE_HEADING, l + 3, len - 3);
		else if (len >= 3 &&
			 (memcmp(l, "---", 3) == 0 || memcmp(l, "+++", 3) == 0))
			paint(p, EW_ROLE_VALUE, l, len);
		else if (len && l[0] == '+')
			paint(p, EW_ROLE_DIFF_ADD, l, len);
		else if (len && l[0] == '-')
			paint(p, EW_ROLE_DIFF_DEL, l, len);
		else if (len >= 2 && l[0] == '@' && l[1] == '@')
			paint(p, EW_ROLE_DIFF_HUNK, l, len);
		else
			paint(p, EW_ROLE_NORMAL, l, len);
		return;
	case 'p':
		if (heading)
			paint(p, EW_ROLE_HEADING, l + 3, len - 3);
		else if (len >= 4 && memcmp(l, "  $ ", 4) == 0)
			paint(p, EW_ROLE_SHELL, l, len);
		else if (len >= 4 && memcmp(l, "  ! ", 4) == 0)
			paint(p, EW_ROLE_WARNING, l, len);
		else if (len && l[0] == '+')
			paint(p, EW_ROLE_DIFF_ADD, l, len);
		else if (len && l[0] == '-')
			paint(p, EW_ROLE_DIFF_DEL, l, len);
		else if (len >= 2 && l[0] == '@' && l[1] == '@')
			paint(p, EW_ROLE_DIFF_HUNK, l, len);
		else
			paint(p, EW_ROLE_NORMAL, l, len);
		return;
	default:
		paint(p, EW_ROLE_NORMAL, l, len);
	}
}

void ew_draw_text(int top, int rows, int x, int width, const char *text,
		  size_t first_line, char kind, const char *search)
{
	const char *l;
	size_t len;
	int y = top;

	if (!text)
		return;
	l = line_at(text, first_line, &len);
	while (y < top + rows && l) {
		struct painter p = {y, x, width, 0,   top + rows,
				    4, l, {0},	 {0}, 0};
		size_t from = 0, at;

		while (search && *search && p.nm < MAX_MATCHES &&
		       contains_ci(l + from, len - from, search, &at)) {
			p.ms[p.nm] = from + at;
			p.me[p.nm] = from + at + strlen(search);
			from = p.me[p.nm++];
		}
		paint_line(&p, kind, l, len);
		y = p.y + 1;
		l += len;
		if (*l == '\n')
			l++;
		if (!*l)
			break;
		len = strcspn(l, "\n");
	}
}

void ew_draw_cut(int y, int x, int width, enum ew_role role, const char *s)
{
	if (width <= 1 || ew_ui_width(s) <= width) {
		ew_ui_put(y, x, width, role, s);
		return;
	}
	x += ew_ui_putn(y, x, width - 1, role, s,
			ew_ui_fit(s, strlen(s), width - 1, NULL));
	ew_ui_put(y, x, 1, role, ew_ui_glyphs()->ellipsis);
}

void ew_input_init(struct ew_input *in)
{
	ew_buf_init(&in->text);
	in->cursor = 0;
}

void ew_input_release(struct ew_input *in)
{
	ew_buf_release(&in->text);
	in->cursor = 0;
}

void ew_input_set(struct ew_input *in, const char *s)
{
	ew_buf_clear(&in->text);
	ew_buf_puts(&in->text, s ? s : "");
	in->cursor = in->text.len;
	in->replace = false;
}

static void erase_range(struct ew_input *in, size_t from, size_t to)
{
	if (to <= from || to > in->text.len)
		return;
	memmove(in->text.ptr + from, in->text.ptr + to, in->text.len - to + 1);
	in->text.len -= to - from;
	in->cursor = from;
}

static bool input_key(struct ew_input *in, int key);

bool ew_input_key(struct ew_input *in, int key)
{
	bool replace = in->replace;

	if (replace && key >= 0x20 && key < 0x7f)
		ew_input_set(in, "");
	if (!input_key(in, key)) {
		in->replace = replace;
		return false;
	}
	in->replace = false;
	return true;
}

static bool input_key(struct ew_input *in, int key)
{
	struct ew_buf *t = &in->text;

	if (key >= 0x20 && key < 0x7f) {
		char c = (char)key;

		/* Inputs are short; a paste longer than this is rejected by
		 * the setter's length rule anyway. */
		if (t->len >= 8192)
			return true;
		if (ew_buf_putc(t, c) != 0)
			return true;
		memmove(t->ptr + in->cursor + 1, t->ptr + in->cursor,
			t->len - 1 - in->cursor);
		t->ptr[in->cursor++] = c;
		return true;
	}
	switch (key) {
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (in->cursor > 0)
			erase_range(in, in->cursor - 1, in->cursor);
		return true;
	case KEY_DC:
		if (in->cursor < t->len)
			erase_range(in, in->cursor, in->cursor + 1);
		return true;
	case KEY_LEFT:
		if (in->cursor > 0)
			in->cursor--;
		return true;
	case KEY_RIGHT:
		if (in->cursor < t->len)
			in->cursor++;
		return true;
	case KEY_HOME:
	case EW_KEY_CTRL('a'):
		in->cursor = 0;
		return true;
	case KEY_END:
	case EW_KEY_CTRL('e'):
		in->cursor = t->len;
		return true;
	case EW_KEY_CTRL('u'):
		erase_range(in, 0, in->cursor);
		return true;
	case EW_KEY_CTRL('k'):
		t->len = in->cursor;
		t->ptr[t->len] = 0;
		return true;
	case EW_KEY_CTRL('w'): {
		size_t i = in->cursor;

		while (i > 0 && t->ptr[i - 1] == ' ')
			i--;
		while (i > 0 && t->ptr[i - 1] != ' ')
			i--;
		erase_range(in, i, in->cursor);
		return true;
	}
	default:
		return false;
	}
}

void ew_input_draw(const struct ew_input *in, int y, int x, int width,
		   bool focused)
{
	size_t first = 0;
	enum ew_role role = focused ? EW_ROLE_INPUT_FOCUS : EW_ROLE_INPUT;

	if (width < 4)
		return;
	/* Keep the cursor visible: scroll by whole characters. */
	if (in->cursor >= (size_t)width - 1)
		first = in->cursor - (size_t)width + 2;
	ew_ui_fill(y, x, width, role);
	ew_ui_putn(y, x, width,
		   focused && in->replace ? EW_ROLE_SELECTED : role,
		   in->text.ptr + first, in->text.len - first);
	if (focused) {
		int cx = x + (int)(in->cursor - first);
		char c[2] = {
		    in->cursor < in->text.len ? in->text.ptr[in->cursor] : ' ',
		    0};

		/* A drawn block cursor: dumps show where typing goes
		 * without the terminal cursor. */
		attrset(ew_ui_attr(EW_ROLE_SELECTED) | A_REVERSE);
		mvaddstr(y, cx, c);
		attrset(A_NORMAL);
	}
}
