/*
 * ui.h - the one place that talks to the terminal: curses set-up, the
 * colour roles, the line-drawing glyphs, clipped text output, and the
 * terminal restore on every exit path.
 *
 * Screens never pick colours or glyphs themselves: they name a role
 * (EW_ROLE_ERROR) or ask for a glyph (ew_ui_glyphs()->check), and this
 * module decides from the terminal (colours or not, NO_COLOR, --no-color)
 * and the locale (UTF-8 or ASCII) what that looks like - htop's CRT.c.
 *
 * Restore (ew_ui_start installs it): atexit(), and handlers for SIGINT,
 * SIGTERM and SIGHUP (first one: a flag the event loop polls, so a run is
 * cancelled cleanly; a second one restores at once and re-raises) and for
 * the crash signals SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT (restore
 * at once, then re-raise with the default action).  The signal-time
 * restore only uses async-signal-safe calls: tcsetattr() with the modes
 * saved before curses started and write() of escape sequences read from
 * terminfo beforehand.
 *
 * Memory: nothing here is owned by the caller; all state is static.
 */
#ifndef EW_UI_H
#define EW_UI_H

#include "error.h"

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* The smallest terminal the screens are laid out for. */
#define EW_UI_MIN_COLS 80
#define EW_UI_MIN_ROWS 24

/*
 * Colour roles: (role name, foreground, background, monochrome attribute).
 * HINT is teaching text (rules, "(default)", what a key does): the
 * terminal's own foreground, readable on any background; DIM is for what
 * may be missed (positions, times).
 * One X-macro so the enum, the colour pairs and the monochrome fallback
 * cannot drift apart.  -1 is the terminal's default colour.
 */
#define EW_ROLES(X)                                                            \
	X(NORMAL, -1, -1, A_NORMAL)                                            \
	X(TITLE, COLOR_WHITE, COLOR_BLUE, A_REVERSE)                           \
	X(TITLE_CURRENT, COLOR_BLACK, COLOR_CYAN, A_REVERSE | A_BOLD)          \
	X(HEADING, COLOR_CYAN, -1, A_BOLD)                                     \
	X(LABEL, -1, -1, A_NORMAL)                                             \
	X(VALUE, -1, -1, A_BOLD)                                               \
	X(DIM, COLOR_BLUE, -1, A_DIM)                                          \
	X(HINT, -1, -1, A_NORMAL)                                              \
	X(INPUT, COLOR_BLACK, COLOR_WHITE, A_UNDERLINE)                        \
	X(INPUT_FOCUS, COLOR_BLACK, COLOR_YELLOW, A_REVERSE)                   \
	X(SELECTED, COLOR_BLACK, COLOR_CYAN, A_REVERSE)                        \
	X(ERROR, COLOR_RED, -1, A_BOLD)                                        \
	X(WARNING, COLOR_YELLOW, -1, A_BOLD)                                   \
	X(OK, COLOR_GREEN, -1, A_BOLD)                                         \
	X(RUNNING, COLOR_CYAN, -1, A_BOLD)                                     \
	X(STATUS, COLOR_BLACK, COLOR_WHITE, A_REVERSE)                         \
	X(STATUS_KEY, COLOR_BLUE, COLOR_WHITE, A_REVERSE | A_BOLD)             \
	X(BORDER, COLOR_BLUE, -1, A_NORMAL)                                    \
	X(JSON_KEY, COLOR_BLUE, -1, A_BOLD)                                    \
	X(JSON_STRING, COLOR_GREEN, -1, A_NORMAL)                              \
	X(JSON_NUMBER, COLOR_MAGENTA, -1, A_NORMAL)                            \
	X(JSON_PUNCT, -1, -1, A_NORMAL)                                        \
	X(YAML_KEY, COLOR_BLUE, -1, A_BOLD)                                    \
	X(YAML_COMMENT, COLOR_CYAN, -1, A_DIM)                                 \
	X(YAML_EXPR, COLOR_MAGENTA, -1, A_NORMAL)                              \
	X(DIFF_ADD, COLOR_GREEN, -1, A_BOLD)                                   \
	X(DIFF_DEL, COLOR_RED, -1, A_NORMAL)                                   \
	X(DIFF_HUNK, COLOR_CYAN, -1, A_DIM)                                    \
	X(MATCH, COLOR_BLACK, COLOR_YELLOW, A_REVERSE)                         \
	X(SHELL, COLOR_YELLOW, -1, A_NORMAL)

enum ew_role {
#define EW_ROLE_ENUM(name, fg, bg, mono) EW_ROLE_##name,
	EW_ROLES(EW_ROLE_ENUM)
#undef EW_ROLE_ENUM
	    EW_ROLE_COUNT
};

/* Glyphs: UTF-8 box drawing and symbols, or ASCII when the locale is not
 * UTF-8.  Each is one display column wide. */
struct ew_ui_glyphs {
	const char *hline, *vline;
	const char *tl, *tr, *bl, *br;
	const char *check, *cross, *bullet, *pending, *skip, *updated;
	const char *arrow, *ellipsis, *warn;
	const char *const *spinner;
	size_t nspinner;
};

struct ew_ui_options {
	bool no_color; /* --no-color or NO_COLOR */
	/* --theme high-contrast (EW_THEME): for projectors - no dim text,
	 * no blue or cyan text, colours only where they carry meaning. */
	bool high_contrast;
	/* Render to a virtual terminal of this size, writing to /dev/null
	 * (test build's EW_TEST_NO_DISPLAY); 0 for the real terminal. */
	int virtual_cols, virtual_rows;
};

/*
 * Start curses on the terminal (or the virtual one), set the colour roles,
 * install the restore handlers.  EW_EINVAL when there is no usable
 * terminal (TERM unknown).
 */
int ew_ui_start(const struct ew_ui_options *o, struct ew_error *err);
/* Leave curses and restore the terminal; safe to call twice. */
void ew_ui_stop(void);
bool ew_ui_is_active(void);

bool ew_ui_is_utf8(void);
bool ew_ui_has_color(void);
const struct ew_ui_glyphs *ew_ui_glyphs(void);
/* The curses attributes (pair and mono fallback) of a role. */
attr_t ew_ui_attr(enum ew_role role);

/*
 * The first terminating signal received (SIGINT, SIGTERM, SIGHUP) since
 * start, or 0.  The event loop polls it.
 */
int ew_ui_pending_signal(void);

/* The terminal's size: below EW_UI_MIN_COLS x EW_UI_MIN_ROWS the screens
 * show ew_ui_draw_too_small() instead. */
bool ew_ui_is_too_small(void);
void ew_ui_draw_too_small(void);

/*
 * Draw s at (y, x) in role, clipped to width columns (multi-byte aware;
 * characters the locale cannot show become '?').  Returns the columns
 * used.  width <= 0 means to the right edge.
 */
int ew_ui_put(int y, int x, int width, enum ew_role role, const char *s);
/* The same for the first n bytes of s. */
int ew_ui_putn(int y, int x, int width, enum ew_role role, const char *s,
	       size_t n);
/* The same, storing in *used how many bytes of s fitted. */
int ew_ui_put_part(int y, int x, int width, enum ew_role role, const char *s,
		   size_t n, size_t *used);
/* How many bytes of s[0..n) fit in width columns (whole characters);
 * *cols (may be NULL) gets their width. */
size_t ew_ui_fit(const char *s, size_t n, int width, int *cols);
/* Display columns of s (as ew_ui_put would draw it). */
int ew_ui_width(const char *s);
/* Fill width columns at (y, x) with spaces in role. */
void ew_ui_fill(int y, int x, int width, enum ew_role role);
void ew_ui_hline(int y, int x, int width, enum ew_role role);
/* A box with a title in its top border. */
void ew_ui_box(int y, int x, int h, int w, enum ew_role role,
	       const char *title);

/*
 * Word-wrap text (which may hold '\n') into width columns from row y,
 * indenting continuation lines by indent; at most max_rows rows.  Returns
 * the rows used.  When draw is false only counts.
 */
int ew_ui_wrap(int y, int x, int width, int indent, int max_rows,
	       enum ew_role role, const char *text, bool draw);

/* Send an OSC 52 "copy to clipboard" sequence with text to the terminal.
 * 0, or EW_EIO when it could not be written. */
int ew_ui_osc52(const char *text, size_t len);

#endif
