/* test_hooks.c - key scripts, screen dumps and a virtual terminal, for the
 * test build only (see test_hooks.h). */
#include "test_hooks.h"

#ifdef EW_TEST_HOOKS

#include "buf.h"
#include "fsutil.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

static struct {
	bool scripted;
	char **lines;
	size_t nlines;
	size_t line; /* current line */
	size_t off;  /* offset in it (literal text) */
	const char *dump_dir;
	bool no_display;
	int cols, rows;
	bool fixed_time;
	double timeout;
	double wait_since; /* 0: not waiting */
	const char *clipboard;
} t;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool parse_size(const char *s, int *cols, int *rows)
{
	char *end;
	long c, r;

	c = strtol(s, &end, 10);
	if (*end != 'x')
		return false;
	r = strtol(end + 1, &end, 10);
	if (*end || c < 10 || r < 5 || c > 1000 || r > 1000)
		return false;
	*cols = (int)c;
	*rows = (int)r;
	return true;
}

static int load_script(const char *path, struct ew_error *err)
{
	struct ew_buf text;
	char *p;
	int rc;

	ew_buf_init(&text);
	rc = ew_file_read(&text, path, 1 << 20, err);
	if (rc)
		goto done;
	for (p = text.ptr; *p;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char **grown =
		    realloc(t.lines, (t.nlines + 1) * sizeof(*grown));

		if (!grown) {
			rc = ew_error_oom(err);
			goto done;
		}
		t.lines = grown;
		if (len && p[len - 1] == '\r')
			len--;
		t.lines[t.nlines] = malloc(len + 1);
		if (!t.lines[t.nlines]) {
			rc = ew_error_oom(err);
			goto done;
		}
		memcpy(t.lines[t.nlines], p, len);
		t.lines[t.nlines][len] = 0;
		t.nlines++;
		p = nl ? nl + 1 : p + len;
	}
done:
	ew_buf_release(&text);
	return rc;
}

int ew_test_init(struct ew_error *err)
{
	const char *keys = getenv("EW_TEST_KEYS");
	const char *size = getenv("EW_TEST_SIZE");
	const char *v;

	t.dump_dir = getenv("EW_TEST_DUMP_DIR");
	if (!t.dump_dir || !*t.dump_dir)
		t.dump_dir = ".";
	v = getenv("EW_TEST_NO_DISPLAY");
	t.no_display = v && *v && strcmp(v, "0") != 0;
	t.cols = 80;
	t.rows = 24;
	if (size && *size && !parse_size(size, &t.cols, &t.rows))
		return ew_error_set(err, EW_EINVAL,
				    "invalid EW_TEST_SIZE '%s': want COLSxROWS",
				    size);
	v = getenv("EW_TEST_FIXED_TIME");
	t.fixed_time = v && *v && strcmp(v, "0") != 0;
	v = getenv("EW_TEST_TIMEOUT");
	t.timeout = v && *v ? strtod(v, NULL) : 30.0;
	if (!(t.timeout > 0))
		t.timeout = 30.0;
	t.clipboard = getenv("EW_TEST_CLIPBOARD");
	if (keys && *keys) {
		int rc = load_script(keys, err);

		if (rc)
			return rc;
		t.scripted = true;
	}
	return 0;
}

void ew_test_release(void)
{
	for (size_t i = 0; i < t.nlines; i++)
		free(t.lines[i]);
	free(t.lines);
	t.lines = NULL;
	t.nlines = 0;
}

bool ew_test_scripted(void)
{
	return t.scripted;
}

bool ew_test_no_display(int *cols, int *rows)
{
	if (!t.no_display)
		return false;
	*cols = t.cols;
	*rows = t.rows;
	return true;
}

bool ew_test_fixed_time(void)
{
	return t.fixed_time;
}

static const struct {
	const char *name;
	int key;
} key_names[] = {
    {"Enter", '\r'},
    {"Esc", 27},
    {"Tab", '\t'},
    {"S-Tab", KEY_BTAB},
    {"Up", KEY_UP},
    {"Down", KEY_DOWN},
    {"Left", KEY_LEFT},
    {"Right", KEY_RIGHT},
    {"PgUp", KEY_PPAGE},
    {"PgDn", KEY_NPAGE},
    {"Home", KEY_HOME},
    {"End", KEY_END},
    {"Backspace", KEY_BACKSPACE},
    {"Del", KEY_DC},
    {"Space", ' '},
    {"lt", '<'},
};

/* The key named by "<name>"; 0 when unknown. */
static int key_by_name(const char *name, size_t len)
{
	char buf[16];

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, name, len);
	buf[len] = 0;
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (strcmp(buf, key_names[i].name) == 0)
			return key_names[i].key;
	if (buf[0] == 'F' && buf[1]) {
		long n = strtol(buf + 1, NULL, 10);

		if (n >= 1 && n <= 12)
			return KEY_F((int)n);
	}
	if (len == 3 && buf[0] == 'C' && buf[1] == '-' && buf[2] >= 'a' &&
	    buf[2] <= 'z')
		return buf[2] & 0x1f;
	return 0;
}

static void write_file(const char *name, const char *ext,
		       const struct ew_buf *data)
{
	struct ew_buf path;
	FILE *f;

	ew_buf_init(&path);
	ew_buf_printf(&path, "%s/%s%s", t.dump_dir, name, ext);
	f = fopen(path.ptr, "w");
	if (f) {
		fwrite(data->ptr, 1, data->len, f);
		fclose(f);
	} else {
		fprintf(stderr, "ecr-wizard-test: cannot write '%s'\n",
			path.ptr);
	}
	ew_buf_release(&path);
}

static void trim_line(struct ew_buf *b, size_t line_start, char blank)
{
	while (b->len > line_start && b->ptr[b->len - 1] == blank)
		b->len--;
	b->ptr[b->len] = 0;
}

static void dump(const char *name, bool attrs)
{
	struct ew_buf out;

	ew_buf_init(&out);
	for (int y = 0; y < LINES; y++) {
		size_t start = out.len;

		for (int x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t a = 0;
			short pair = 0;

			if (mvwin_wch(stdscr, y, x, &cc) == ERR ||
			    getcchar(&cc, wch, &a, &pair, NULL) == ERR) {
				ew_buf_putc(&out, attrs ? '.' : ' ');
				continue;
			}
			if (attrs) {
				char c = '.';

				if (pair)
					c = a & A_DIM ? 'D' : 'c';
				else if (a & A_REVERSE)
					c = 'r';
				else if (a & A_BOLD)
					c = 'b';
				else if (a & A_UNDERLINE)
					c = 'u';
				else if (a & A_DIM)
					c = 'd';
				ew_buf_putc(&out, c);
			} else {
				char mb[MB_LEN_MAX + 1];
				mbstate_t st;
				size_t n;

				memset(&st, 0, sizeof(st));
				n = wch[0] ? wcrtomb(mb, wch[0], &st) : 0;
				if (n == (size_t)-1 || n == 0)
					ew_buf_putc(&out, wch[0] ? '?' : ' ');
				else
					ew_buf_add(&out, mb, n);
			}
		}
		trim_line(&out, start, attrs ? '.' : ' ');
		ew_buf_putc(&out, '\n');
	}
	write_file(name, attrs ? ".attrs" : ".txt", &out);
	ew_buf_release(&out);
}

/* Whether the screen shows text (one row at a time). */
static bool screen_has(const char *text)
{
	bool found = false;

	for (int y = 0; y < LINES && !found; y++) {
		struct ew_buf row;

		ew_buf_init(&row);
		for (int x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t a;
			short pair;
			char mb[MB_LEN_MAX + 1];
			mbstate_t st;
			size_t n;

			if (mvwin_wch(stdscr, y, x, &cc) == ERR ||
			    getcchar(&cc, wch, &a, &pair, NULL) == ERR)
				continue;
			memset(&st, 0, sizeof(st));
			n = wch[0] ? wcrtomb(mb, wch[0], &st) : 0;
			if (n != (size_t)-1 && n)
				ew_buf_add(&row, mb, n);
		}
		found = row.ptr && strstr(row.ptr, text);
		ew_buf_release(&row);
	}
	return found;
}

static void next_line(void)
{
	t.line++;
	t.off = 0;
	t.wait_since = 0;
}

/* Write a text dump (the :keys listing) to NAME.txt. */
void ew_test_write_dump(const char *name, const struct ew_buf *text)
{
	write_file(name, ".txt", text);
}

int ew_test_next_key(bool (*is_idle)(void *payload),
		     int (*command)(void *payload, const char *line),
		     void *payload)
{
	while (t.line < t.nlines) {
		const char *l = t.lines[t.line];

		if (t.off == 0) {
			if (!l[0] || l[0] == '#') {
				next_line();
				continue;
			}
			if (strncmp(l, ":dump ", 6) == 0 ||
			    strncmp(l, ":attrs ", 7) == 0) {
				bool attrs = l[1] == 'a';

				dump(l + (attrs ? 7 : 6), attrs);
				next_line();
				continue;
			}
			if (strncmp(l, ":resize ", 8) == 0) {
				int cols, rows;

				next_line();
				if (!parse_size(l + 8, &cols, &rows)) {
					fprintf(stderr,
						"ecr-wizard-test: bad '%s'\n",
						l);
					return EW_TEST_KEY_END;
				}
				resizeterm(rows, cols);
				return KEY_RESIZE;
			}
			if (strncmp(l, ":sleep ", 7) == 0) {
				/* Real time passing (a user reading the
				 * preview), for a test of what is timed. */
				double secs = strtod(l + 7, NULL);

				if (!t.wait_since)
					t.wait_since = now();
				if (now() - t.wait_since >= secs)
					next_line();
				return EW_TEST_KEY_NONE;
			}
			if (strncmp(l, ":wait-screen ", 13) == 0) {
				if (screen_has(l + 13)) {
					next_line();
					return EW_TEST_KEY_NONE;
				}
				if (!t.wait_since)
					t.wait_since = now();
				else if (now() - t.wait_since > t.timeout) {
					fprintf(stderr,
						"ecr-wizard-test: '%s' timed "
						"out (line %zu)\n",
						l, t.line + 1);
					return EW_TEST_KEY_TIMEOUT;
				}
				return EW_TEST_KEY_NONE;
			}
			if (strcmp(l, ":wait") == 0) {
				if (is_idle(payload)) {
					next_line();
					/* Let the loop draw once more. */
					return EW_TEST_KEY_NONE;
				}
				if (!t.wait_since)
					t.wait_since = now();
				else if (now() - t.wait_since > t.timeout) {
					fprintf(stderr,
						"ecr-wizard-test: :wait timed "
						"out (line %zu)\n",
						t.line + 1);
					return EW_TEST_KEY_TIMEOUT;
				}
				return EW_TEST_KEY_NONE;
			}
			if (l[0] == ':') {
				int rc = command(payload, l);

				if (rc == 0) {
					next_line();
					return EW_TEST_KEY_NONE;
				}
				if (rc == 2) {
					fprintf(stderr,
						"ecr-wizard-test: '%s' failed "
						"(line %zu)\n",
						l, t.line + 1);
					return EW_TEST_KEY_TIMEOUT;
				}
				fprintf(stderr,
					"ecr-wizard-test: unknown command "
					"'%s'\n",
					l);
				return EW_TEST_KEY_END;
			}
		}
		if (!l[t.off]) {
			next_line();
			continue;
		}
		if (l[t.off] == '<') {
			const char *close = strchr(l + t.off, '>');
			int key = close ? key_by_name(l + t.off + 1,
						      (size_t)(close - l -
							       (long)t.off - 1))
					: 0;

			if (key) {
				t.off = (size_t)(close - l) + 1;
				return key;
			}
		}
		return (unsigned char)l[t.off++];
	}
	return EW_TEST_KEY_END;
}

bool ew_test_clipboard(const char *text, size_t len)
{
	struct ew_buf data;

	if (!t.scripted && !t.clipboard)
		return false;
	ew_buf_init(&data);
	ew_buf_add(&data, text, len);
	if (t.clipboard && *t.clipboard) {
		FILE *f = fopen(t.clipboard, "w");

		if (f) {
			fwrite(data.ptr, 1, data.len, f);
			fclose(f);
		}
	} else {
		write_file("clipboard", ".txt", &data);
	}
	ew_buf_release(&data);
	return true;
}

#else
/* ISO C wants a declaration in every translation unit. */
typedef int ew_test_hooks_unused;
#endif
