/*
 * test_hooks.h - the screen-test harness (tig's TIG_SCRIPT and
 * TIG_NO_DISPLAY), compiled in only with -DEW_TEST_HOOKS: the Makefile
 * builds build/.../ecr-wizard-test from the same tui/ sources with it.
 * In the shipped binary every function below is an inline no-op, so the
 * hooks cannot be reached there.
 *
 * Environment (read by ew_test_init):
 *   EW_TEST_KEYS=FILE     read keys from FILE instead of the keyboard;
 *                         one key or command per line:
 *                           literal text (each character a key, with
 *                           <Name> tokens inline: <Enter> <Esc> <Tab>
 *                           <S-Tab> <Up> <Down> <Left> <Right> <PgUp>
 *                           <PgDn> <Home> <End> <Backspace> <Del>
 *                           <Space> <F1>..<F12> <C-a>..<C-z> <lt>)
 *                           :dump NAME     the screen as text to
 *                                          $EW_TEST_DUMP_DIR/NAME.txt
 *                           :attrs NAME    one letter per cell to
 *                                          NAME.attrs (c colour, D dim
 *                                          colour, b bold, r reverse,
 *                                          d dim, . plain)
 *                           :resize COLSxROWS
 *                           :wait          until every job is idle and
 *                                          every event handled
 *                           :sleep SECS    let SECS seconds pass
 *                           :wait-screen TEXT  until the screen shows
 *                                          TEXT
 *                           :accept-defaults  on the form: Enter on
 *                                          every field up to the
 *                                          summary (fails on an
 *                                          invalid one)
 *                           :field NAME    focus the form field labelled
 *                                          NAME ("Role name")
 *                           :keys NAME     the keys the footer and help
 *                                          advertise here, each checked
 *                                          to reach its action, to
 *                                          NAME.txt
 *                           # comment, blank lines ignored
 *                         At the end of the file the wizard quits.
 *   EW_TEST_DUMP_DIR=DIR  where dumps go (default ".")
 *   EW_TEST_NO_DISPLAY=1  draw on a virtual terminal (output /dev/null)
 *   EW_TEST_SIZE=COLSxROWS  its size (default 80x24)
 *   EW_TEST_FIXED_TIME=1  elapsed times "0.0s", a still spinner
 *   EW_TEST_TIMEOUT=SECS  longest :wait (default 30); then exit 124
 *   EW_TEST_CLIPBOARD=FILE  OSC 52 copies go to FILE instead
 *
 * Memory: all state is static to test_hooks.c.
 */
#ifndef EW_TEST_HOOKS_H
#define EW_TEST_HOOKS_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>

/* ew_test_next_key(): nothing to do this frame / the script ended. */
#define EW_TEST_KEY_NONE    (-1)
#define EW_TEST_KEY_END	    (-2)
#define EW_TEST_KEY_TIMEOUT (-3)

#ifdef EW_TEST_HOOKS

/* Read the environment; EW_EIO when the key file cannot be read. */
int ew_test_init(struct ew_error *err);
void ew_test_release(void);
/* Keys come from a script. */
bool ew_test_scripted(void);
/* The virtual terminal's size, when EW_TEST_NO_DISPLAY is set. */
bool ew_test_no_display(int *cols, int *rows);
bool ew_test_fixed_time(void);
/*
 * The next key of the script, running commands on the way (the screen
 * must be drawn before the call).  is_idle(payload) tells whether a :wait
 * may end; command(payload, line) runs the wizard's own commands
 * (":field NAME" ...): 0 done, 1 not a command it knows, 2 failed (the
 * script stops with EW_TEST_KEY_TIMEOUT, exit 124).  Returns a key code, EW_TEST_KEY_NONE (call again next frame),
 * EW_TEST_KEY_END or EW_TEST_KEY_TIMEOUT.
 */
int ew_test_next_key(bool (*is_idle)(void *payload),
		     int (*command)(void *payload, const char *line),
		     void *payload);
/* Record an OSC 52 copy; true when the hook took it. */
bool ew_test_clipboard(const char *text, size_t len);
struct ew_buf;
/* Write text to $EW_TEST_DUMP_DIR/NAME.txt. */
void ew_test_write_dump(const char *name, const struct ew_buf *text);

#else

static inline int ew_test_init(struct ew_error *err)
{
	(void)err;
	return 0;
}
static inline void ew_test_release(void)
{
}
static inline bool ew_test_scripted(void)
{
	return false;
}
static inline bool ew_test_no_display(int *cols, int *rows)
{
	(void)cols;
	(void)rows;
	return false;
}
static inline bool ew_test_fixed_time(void)
{
	return false;
}
static inline int
ew_test_next_key(bool (*is_idle)(void *payload),
		 int (*command)(void *payload, const char *line), void *payload)
{
	(void)is_idle;
	(void)command;
	(void)payload;
	return EW_TEST_KEY_END;
}
static inline bool ew_test_clipboard(const char *text, size_t len)
{
	(void)text;
	(void)len;
	return false;
}
struct ew_buf;
static inline void ew_test_write_dump(const char *name,
				      const struct ew_buf *text)
{
	(void)name;
	(void)text;
}

#endif
#endif
