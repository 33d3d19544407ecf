/* ui.c - curses set-up, colour roles, glyphs and the terminal restore. */
#include "ui.h"

#include "buf.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

static const struct {
	short fg, bg;
	attr_t mono;
} roles[EW_ROLE_COUNT] = {
#define EW_ROLE_INIT(name, f, b, m) [EW_ROLE_##name] = {f, b, m},
    EW_ROLES(EW_ROLE_INIT)
#undef EW_ROLE_INIT
};

static const char *const spin_utf8[] = {"⠋", "⠙", "⠹", "⠸", "⠼",
					"⠴", "⠦", "⠧", "⠇", "⠏"};
static const char *const spin_ascii[] = {"|", "/", "-", "\\"};

static const struct ew_ui_glyphs glyphs_utf8 = {
    "─",
    "│",
    "┌",
    "┐",
    "└",
    "┘",
    "✓",
    "✗",
    "•",
    "·",
    "»",
    "↻",
    "›",
    "…",
    "!",
    spin_utf8,
    sizeof(spin_utf8) / sizeof(spin_utf8[0]),
};
static const struct ew_ui_glyphs glyphs_ascii = {
    "-",
    "|",
    "+",
    "+",
    "+",
    "+",
    "+",
    "x",
    "*",
    ".",
    ">",
    "~",
    ">",
    "~",
    "!",
    spin_ascii,
    sizeof(spin_ascii) / sizeof(spin_ascii[0]),
};

static struct {
	bool active;
	bool utf8;
	bool color;
	bool is_virtual;
	bool high_contrast;
	bool atexit_done;
	SCREEN *screen;
	FILE *vout, *vin;
	/* For the signal-time restore. */
	int tty_fd;
	bool have_termios;
	struct termios saved;
	char restore_seq[256];
	size_t restore_len;
	struct sigaction old[32];
} ui = {.tty_fd = -1};

static volatile sig_atomic_t pending_signal;

static const int term_signals[] = {SIGINT, SIGTERM, SIGHUP};
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

/* Async-signal-safe: put the tty back the way it was before curses. */
static void hard_restore(void)
{
	if (ui.tty_fd < 0)
		return;
	if (ui.restore_len) {
		ssize_t n = write(ui.tty_fd, ui.restore_seq, ui.restore_len);
		(void)n;
	}
	if (ui.have_termios)
		tcsetattr(ui.tty_fd, TCSADRAIN, &ui.saved);
}

static void reraise(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_term_signal(int sig)
{
	/* The first one lets the event loop cancel a run and leave cleanly;
	 * a second means the user really wants out now. */
	if (pending_signal) {
		hard_restore();
		reraise(sig);
		return;
	}
	pending_signal = sig;
}

static void on_crash_signal(int sig)
{
	hard_restore();
	reraise(sig);
}

static void add_restore(const char *capname)
{
	char *s = tigetstr(capname);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (ui.restore_len + n >= sizeof(ui.restore_seq))
		return;
	memcpy(ui.restore_seq + ui.restore_len, s, n);
	ui.restore_len += n;
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term_signal;
	for (size_t i = 0; i < sizeof(term_signals) / sizeof(int); i++)
		sigaction(term_signals[i], &sa, &ui.old[term_signals[i]]);
	sa.sa_handler = on_crash_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(int); i++)
		sigaction(crash_signals[i], &sa, &ui.old[crash_signals[i]]);
}

static void remove_handlers(void)
{
	for (size_t i = 0; i < sizeof(term_signals) / sizeof(int); i++)
		sigaction(term_signals[i], &ui.old[term_signals[i]], NULL);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(int); i++)
		sigaction(crash_signals[i], &ui.old[crash_signals[i]], NULL);
}

static void at_exit(void)
{
	ew_ui_stop();
}

static void setup_colors(bool no_color)
{
	ui.color = false;
	if (no_color || !has_colors() || start_color() == ERR || COLORS < 8)
		return;
	use_default_colors();
	for (int i = 1; i < EW_ROLE_COUNT; i++) {
		short fg = roles[i].fg, bg = roles[i].bg;

		/* Blue and cyan text wash out on a projector; reverse video
		 * and the terminal's own colours do not. */
		if (ui.high_contrast) {
			if (fg == COLOR_BLUE || fg == COLOR_CYAN)
				fg = -1;
			if (bg == COLOR_BLUE || bg == COLOR_CYAN) {
				fg = COLOR_BLACK;
				bg = COLOR_WHITE;
			}
		}
		init_pair((short)i, fg, bg);
	}
	ui.color = true;
}

/* Ask terminfo about TERM before newterm(): ncurses reports an unknown
 * or missing TERM by leaking its half-built screen, and a terminal that
 * cannot move the cursor (TERM=dumb) cannot show the wizard at all. */
static int check_terminal(struct ew_error *err)
{
	const char *term = getenv("TERM");
	char *cup;
	int status = 0;

	if (!term || !*term)
		return ew_error_set(err, EW_EINVAL,
				    "cannot start the terminal: TERM is not "
				    "set (use 'ecr-wizard plan' or 'apply' "
				    "without a terminal)");
	if (setupterm(NULL, STDOUT_FILENO, &status) != OK)
		return ew_error_set(err, EW_EINVAL,
				    "cannot start the terminal: TERM '%s' is "
				    "unknown (try TERM=xterm-256color)",
				    term);
	cup = tigetstr("cup");
	del_curterm(cur_term);
	if (!cup || cup == (char *)-1)
		return ew_error_set(err, EW_EINVAL,
				    "cannot start the terminal: TERM '%s' "
				    "cannot move the cursor (use 'ecr-wizard "
				    "plan' or 'apply' instead)",
				    term);
	return 0;
}

int ew_ui_start(const struct ew_ui_options *o, struct ew_error *err)
{
	const char *codeset;

	if (ui.active)
		return 0;
	setlocale(LC_ALL, "");
	codeset = nl_langinfo(CODESET);
	ui.utf8 = codeset && (strcmp(codeset, "UTF-8") == 0 ||
			      strcmp(codeset, "utf8") == 0);
	ui.is_virtual = o->virtual_cols > 0 && o->virtual_rows > 0;
	if (ui.is_virtual) {
		ui.vout = fopen("/dev/null", "w");
		ui.vin = fopen("/dev/null", "r");
		if (!ui.vout || !ui.vin)
			return ew_error_set(err, EW_EIO,
					    "cannot open '/dev/null': %s",
					    strerror(errno));
		ui.screen = newterm(NULL, ui.vout, ui.vin);
	} else {
		int rc = check_terminal(err);

		if (rc)
			return rc;
		ui.tty_fd = STDOUT_FILENO;
		ui.have_termios = tcgetattr(ui.tty_fd, &ui.saved) == 0;
		ui.screen = newterm(NULL, stdout, stdin);
	}
	if (!ui.screen) {
		const char *term = getenv("TERM");

		ui.tty_fd = -1;
		return ew_error_set(err, EW_EINVAL,
				    "cannot start the terminal: TERM '%s' is "
				    "unknown or unusable",
				    term ? term : "");
	}
	set_term(ui.screen);
	if (ui.is_virtual)
		resizeterm(o->virtual_rows, o->virtual_cols);
	else {
		add_restore("sgr0");
		add_restore("cnorm");
		add_restore("rmkx");
		add_restore("rmcup");
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui.high_contrast = o->high_contrast;
	setup_colors(o->no_color);
	ui.active = true;
	install_handlers();
	if (!ui.atexit_done) {
		atexit(at_exit);
		ui.atexit_done = true;
	}
	return 0;
}

void ew_ui_stop(void)
{
	if (!ui.active)
		return;
	ui.active = false;
	curs_set(1);
	endwin();
	remove_handlers();
	delscreen(ui.screen);
	ui.screen = NULL;
	if (ui.vout)
		fclose(ui.vout);
	if (ui.vin)
		fclose(ui.vin);
	ui.vout = ui.vin = NULL;
	if (ui.have_termios && ui.tty_fd >= 0)
		tcsetattr(ui.tty_fd, TCSADRAIN, &ui.saved);
	ui.tty_fd = -1;
}

bool ew_ui_is_active(void)
{
	return ui.active;
}

bool ew_ui_is_utf8(void)
{
	return ui.utf8;
}

bool ew_ui_has_color(void)
{
	return ui.color;
}

const struct ew_ui_glyphs *ew_ui_glyphs(void)
{
	return ui.utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

attr_t ew_ui_attr(enum ew_role role)
{
	if (role <= EW_ROLE_NORMAL || role >= EW_ROLE_COUNT)
		return A_NORMAL;
	if (ui.high_contrast) {
		attr_t a = roles[role].mono & ~(attr_t)A_DIM;

		return (ui.color ? COLOR_PAIR(role) : 0) |
		       (ui.color ? a & A_BOLD : a);
	}
	if (ui.color)
		return COLOR_PAIR(role) | (roles[role].mono & (A_BOLD | A_DIM));
	return roles[role].mono;
}

int ew_ui_pending_signal(void)
{
	return pending_signal;
}

bool ew_ui_is_too_small(void)
{
	return COLS < EW_UI_MIN_COLS || LINES < EW_UI_MIN_ROWS;
}

void ew_ui_draw_too_small(void)
{
	char line[96];
	int y = LINES / 2 - 2;

	if (y < 0)
		y = 0;
	snprintf(line, sizeof(line), "terminal too small: %dx%d", COLS, LINES);
	ew_ui_put(y, 1, COLS - 2, EW_ROLE_ERROR, line);
	snprintf(line, sizeof(line), "ecr-wizard needs at least %dx%d.",
		 EW_UI_MIN_COLS, EW_UI_MIN_ROWS);
	ew_ui_put(y + 1, 1, COLS - 2, EW_ROLE_NORMAL, line);
	ew_ui_put(y + 2, 1, COLS - 2, EW_ROLE_NORMAL,
		  "Enlarge the window to continue, or press q to quit.");
}

/* Decode the next character of s[0..n): its wide char and byte length;
 * an undecodable byte is '?' of length 1. */
static size_t next_char(wchar_t *wc, const char *s, size_t n, mbstate_t *st)
{
	size_t r;

	if ((unsigned char)*s < 0x80) {
		*wc = (wchar_t)(unsigned char)*s;
		return 1;
	}
	r = mbrtowc(wc, s, n, st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		memset(st, 0, sizeof(*st));
		*wc = L'?';
		return 1;
	}
	return r;
}

static int char_width(wchar_t *wc)
{
	int w;

	if (*wc == L'\t')
		*wc = L' ';
	if (*wc < 0x20 || *wc == 0x7f) {
		*wc = L'?';
		return 1;
	}
	w = wcwidth(*wc);
	if (w < 0) {
		*wc = L'?';
		w = 1;
	}
	return w;
}

int ew_ui_putn(int y, int x, int width, enum ew_role role, const char *s,
	       size_t n)
{
	return ew_ui_put_part(y, x, width, role, s, n, NULL);
}

int ew_ui_put_part(int y, int x, int width, enum ew_role role, const char *s,
		   size_t n, size_t *used)
{
	wchar_t line[512];
	size_t nw = 0, i = 0;
	int cols = 0;
	mbstate_t st;

	if (used)
		*used = 0;
	if (!s || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (width <= 0 || x + width > COLS)
		width = COLS - x;
	memset(&st, 0, sizeof(st));
	while (i < n && s[i] && nw < sizeof(line) / sizeof(line[0]) - 1) {
		wchar_t wc;
		size_t len = next_char(&wc, s + i, n - i, &st);
		int w = char_width(&wc);

		if (cols + w > width)
			break;
		line[nw++] = wc;
		cols += w;
		i += len;
	}
	line[nw] = 0;
	if (used)
		*used = i;
	attrset(ew_ui_attr(role));
	mvaddnwstr(y, x, line, (int)nw);
	attrset(A_NORMAL);
	return cols;
}

int ew_ui_put(int y, int x, int width, enum ew_role role, const char *s)
{
	return ew_ui_putn(y, x, width, role, s, s ? strlen(s) : 0);
}

size_t ew_ui_fit(const char *s, size_t n, int width, int *cols)
{
	mbstate_t st;
	size_t i = 0;
	int c = 0;

	memset(&st, 0, sizeof(st));
	while (i < n && s[i]) {
		wchar_t wc;
		size_t len = next_char(&wc, s + i, n - i, &st);
		int w = char_width(&wc);

		if (c + w > width)
			break;
		c += w;
		i += len;
	}
	if (cols)
		*cols = c;
	return i;
}

int ew_ui_width(const char *s)
{
	mbstate_t st;
	size_t n = strlen(s), i = 0;
	int cols = 0;

	memset(&st, 0, sizeof(st));
	while (i < n) {
		wchar_t wc;

		i += next_char(&wc, s + i, n - i, &st);
		cols += char_width(&wc);
	}
	return cols;
}

void ew_ui_fill(int y, int x, int width, enum ew_role role)
{
	if (y < 0 || y >= LINES)
		return;
	if (x + width > COLS)
		width = COLS - x;
	attrset(ew_ui_attr(role));
	for (int i = 0; i < width; i++)
		mvaddch(y, x + i, ' ');
	attrset(A_NORMAL);
}

void ew_ui_hline(int y, int x, int width, enum ew_role role)
{
	const char *g = ew_ui_glyphs()->hline;

	for (int i = 0; i < width && x + i < COLS; i++)
		ew_ui_put(y, x + i, 1, role, g);
}

void ew_ui_box(int y, int x, int h, int w, enum ew_role role, const char *title)
{
	const struct ew_ui_glyphs *g = ew_ui_glyphs();

	if (h < 2 || w < 2)
		return;
	ew_ui_put(y, x, 1, role, g->tl);
	ew_ui_hline(y, x + 1, w - 2, role);
	ew_ui_put(y, x + w - 1, 1, role, g->tr);
	for (int i = 1; i < h - 1; i++) {
		ew_ui_put(y + i, x, 1, role, g->vline);
		ew_ui_fill(y + i, x + 1, w - 2, EW_ROLE_NORMAL);
		ew_ui_put(y + i, x + w - 1, 1, role, g->vline);
	}
	ew_ui_put(y + h - 1, x, 1, role, g->bl);
	ew_ui_hline(y + h - 1, x + 1, w - 2, role);
	ew_ui_put(y + h - 1, x + w - 1, 1, role, g->br);
	if (title && *title) {
		ew_ui_put(y, x + 2, w - 4, role, " ");
		ew_ui_put(y, x + 3, w - 6, EW_ROLE_HEADING, title);
		ew_ui_put(y, x + 3 + ew_ui_width(title), 1, role, " ");
	}
}

int ew_ui_wrap(int y, int x, int width, int indent, int max_rows,
	       enum ew_role role, const char *text, bool draw)
{
	int rows = 0;
	const char *p = text;

	if (!text || width <= indent + 4)
		return 0;
	while (*p && rows < max_rows) {
		int avail = width - (rows ? indent : 0);
		const char *line = p, *brk = NULL, *q = p;
		int cols = 0;

		/* Find the longest prefix that fits, breaking at a space. */
		while (*q && *q != '\n') {
			int w;
			const char *start = q;

			if (*q == ' ')
				brk = q;
			q++;
			while ((*q & 0xC0) == 0x80)
				q++;
			{
				char tmp[8];
				size_t len = (size_t)(q - start);

				if (len >= sizeof(tmp))
					len = sizeof(tmp) - 1;
				memcpy(tmp, start, len);
				tmp[len] = 0;
				w = ew_ui_width(tmp);
			}
			if (cols + w > avail) {
				q = start;
				break;
			}
			cols += w;
		}
		if (*q && *q != '\n' && brk && brk > line)
			q = brk;
		if (q == line && *q && *q != '\n') {
			/* A word longer than the line: cut it. */
			q = line + 1;
		}
		if (draw)
			ew_ui_putn(y + rows, x + (rows ? indent : 0), avail,
				   role, line, (size_t)(q - line));
		rows++;
		p = q;
		if (*p == '\n' || *p == ' ')
			p++;
	}
	return rows;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int ew_ui_osc52(const char *text, size_t len)
{
	struct ew_buf seq;
	int rc = 0;

	if (ui.is_virtual || ui.tty_fd < 0)
		return 0;
	ew_buf_init(&seq);
	ew_buf_puts(&seq, "\033]52;c;");
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned char)text[i] << 16;
		char out[4];

		if (i + 1 < len)
			v |= (unsigned char)text[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)text[i + 2];
		out[0] = b64[(v >> 18) & 63];
		out[1] = b64[(v >> 12) & 63];
		out[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		out[3] = i + 2 < len ? b64[v & 63] : '=';
		ew_buf_add(&seq, out, 4);
	}
	if (ew_buf_puts(&seq, "\a") != 0) {
		rc = EW_ENOMEM;
		goto done;
	}
	fflush(stdout);
	for (size_t off = 0; off < seq.len;) {
		ssize_t n = write(ui.tty_fd, seq.ptr + off, seq.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = EW_EIO;
			goto done;
		}
		off += (size_t)n;
	}
done:
	ew_buf_release(&seq);
	return rc;
}
