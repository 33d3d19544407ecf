/*
 * keys.h - the key table: every key the wizard understands, the named
 * action it means, where it works and what it does.
 *
 * One X-macro (tig's REQ_INFO in request.h): the action enum, the lookup
 * from a key to an action, the help overlay and the status line are all
 * generated from it, so a key cannot work without being documented.
 *
 * Contexts are bits, one per screen (EW_CTX(screen id)); a key may mean
 * different actions in different contexts, never two in one.
 *
 * All data is static; nothing to free.
 */
#ifndef EW_KEYS_H
#define EW_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* Screen ids double as context bits; the order is the wizard's flow. */
enum ew_screen_id {
	EW_SCREEN_WELCOME,
	EW_SCREEN_ACCOUNT,
	EW_SCREEN_CHOICES,
	EW_SCREEN_PREVIEW,
	EW_SCREEN_RUN,
	EW_SCREEN_DONE,
	EW_SCREEN_EXPLAIN,
	EW_SCREEN_COUNT
};

#define EW_CTX(screen) (1u << (screen))
#define EW_CTX_WELCOME EW_CTX(EW_SCREEN_WELCOME)
#define EW_CTX_ACCOUNT EW_CTX(EW_SCREEN_ACCOUNT)
#define EW_CTX_CHOICES EW_CTX(EW_SCREEN_CHOICES)
#define EW_CTX_PREVIEW EW_CTX(EW_SCREEN_PREVIEW)
#define EW_CTX_RUN     EW_CTX(EW_SCREEN_RUN)
#define EW_CTX_DONE    EW_CTX(EW_SCREEN_DONE)
#define EW_CTX_EXPLAIN EW_CTX(EW_SCREEN_EXPLAIN)
#define EW_CTX_ALL     ((1u << EW_SCREEN_COUNT) - 1)
#define EW_CTX_SETUP                                                           \
	(EW_CTX_WELCOME | EW_CTX_ACCOUNT | EW_CTX_CHOICES | EW_CTX_PREVIEW)
#define EW_CTX_LISTS                                                           \
	(EW_CTX_CHOICES | EW_CTX_PREVIEW | EW_CTX_RUN | EW_CTX_DONE |          \
	 EW_CTX_EXPLAIN)

/* Key codes for control keys, without including curses here. */
#define EW_KEY_CTRL(c) ((c)&0x1f)
#define EW_KEY_ESC     27

/*
 * X(ACTION, keys shown, status-line label, help text, contexts, key1,
 * key2, key3).  Curses key codes are spelled as EW_K_* in keys.c; 0 ends
 * a key list.  A NULL status label keeps the action out of the status
 * line (it still appears in the help).
 */
#define EW_KEYMAP(X)                                                           \
	X(ACCEPT, "Enter", "continue",                                         \
	  "go on (the footer names what it does here)", EW_CTX_ALL, '\r',      \
	  '\n', EW_K_ENTER)                                                    \
	X(BACK, "Esc", "back", "back to the previous screen or item",          \
	  EW_CTX_SETUP | EW_CTX_EXPLAIN, EW_KEY_ESC, 0, 0)                     \
	X(UP, "Up", NULL, "previous item, or scroll up", EW_CTX_ALL, EW_K_UP,  \
	  0, 0)                                                                \
	X(DOWN, "Down", NULL, "next item, or scroll down", EW_CTX_ALL,         \
	  EW_K_DOWN, 0, 0)                                                     \
	X(PAGE_UP, "PgUp", NULL, "one page up", EW_CTX_LISTS, EW_K_PPAGE, 0,   \
	  0)                                                                   \
	X(PAGE_DOWN, "PgDn", NULL, "one page down", EW_CTX_LISTS, EW_K_NPAGE,  \
	  0, 0)                                                                \
	X(HOME, "Home", NULL, "to the top", EW_CTX_LISTS, EW_K_HOME, 0, 0)     \
	X(END, "End", NULL, "to the bottom", EW_CTX_LISTS, EW_K_END, 0, 0)     \
	X(NEXT, "Tab", "next tab", "next field or tab",                        \
	  EW_CTX_CHOICES | EW_CTX_PREVIEW | EW_CTX_EXPLAIN, '\t', EW_K_RIGHT,  \
	  0)                                                                   \
	X(PREV, "S-Tab", NULL, "previous field or tab",                        \
	  EW_CTX_CHOICES | EW_CTX_PREVIEW | EW_CTX_EXPLAIN, EW_K_BTAB,         \
	  EW_K_LEFT, 0)                                                        \
	X(TOGGLE, "Space", NULL, "change a choice (mutability, scan on push)", \
	  EW_CTX_CHOICES, ' ', 0, 0)                                           \
	X(EDIT, "e", "edit", "edit the repository, account or selected item",  \
	  EW_CTX_WELCOME | EW_CTX_ACCOUNT | EW_CTX_CHOICES, 'e', 0, 0)         \
	X(SEARCH, "/", "search", "search the document", EW_CTX_PREVIEW, '/',   \
	  0, 0)                                                                \
	X(SEARCH_NEXT, "n", NULL, "next match", EW_CTX_PREVIEW, 'n', 0, 0)     \
	X(SEARCH_PREV, "N", NULL, "previous match", EW_CTX_PREVIEW, 'N', 0, 0) \
	X(RETRY, "r", "retry", "retry (the failed step, or the credentials)",  \
	  EW_CTX_ACCOUNT | EW_CTX_RUN, 'r', 0, 0)                              \
	X(SKIP, "s", "skip", "skip the failed step (and what needs it)",       \
	  EW_CTX_RUN, 's', 0, 0)                                               \
	X(ABORT, "a/Esc", "abort", "abort the run (asks first)", EW_CTX_RUN,   \
	  'a', EW_KEY_ESC, 0)                                                  \
	X(DETAILS, "d", "details", "full error details of the failed step",    \
	  EW_CTX_RUN, 'd', 0, 0)                                               \
	X(COPY, "c", "copy", "copy the secrets to the clipboard (OSC 52)",     \
	  EW_CTX_DONE, 'c', 0, 0)                                              \
	X(WRITE, "w", "write workflow", "write the workflow file",             \
	  EW_CTX_DONE, 'w', 0, 0)                                              \
	X(NO_WRITE, "k", "skip workflow", "do not write the workflow file",    \
	  EW_CTX_DONE, 'k', 0, 0)                                              \
	X(SET_SECRETS, "g", "store in GitHub",                                 \
	  "store the secrets in GitHub (with a GitHub token)", EW_CTX_DONE,    \
	  'g', 0, 0)                                                           \
	X(EXPLAIN, "x", "explain", "explain a pasted error message or log",    \
	  EW_CTX_WELCOME | EW_CTX_DONE, 'x', 0, 0)                             \
	X(ANALYSE, "F2", "analyse", "match the pasted text to known problems", \
	  EW_CTX_EXPLAIN, EW_K_F2, EW_KEY_CTRL('d'), 0)                        \
	X(HELP, "?/F1", "help", "this help", EW_CTX_ALL, '?', EW_K_F1, 0)      \
	X(REDRAW, "C-l", NULL, "redraw the screen", EW_CTX_ALL,                \
	  EW_KEY_CTRL('l'), 0, 0)                                              \
	X(QUIT, "q", "quit", "quit (asks during a run)", EW_CTX_ALL, 'q', 0,   \
	  0)                                                                   \
	X(INTERRUPT, "C-c", NULL, "quit, or abort the run (asks first)",       \
	  EW_CTX_ALL, EW_KEY_CTRL('c'), 0, 0)

enum ew_action {
	EW_ACT_NONE = -1,
#define EW_ACT_ENUM(id, ...) EW_ACT_##id,
	EW_KEYMAP(EW_ACT_ENUM)
#undef EW_ACT_ENUM
	    EW_ACT_COUNT
};

struct ew_keybinding {
	enum ew_action action;
	const char *name;   /* "ACCEPT" */
	const char *keys;   /* "Enter" */
	const char *status; /* "continue", or NULL */
	const char *help;   /* one line */
	unsigned contexts;  /* EW_CTX_* bits */
	int codes[3];	    /* curses key codes, 0 = none */
};

/* The whole table in display order; *n receives its length. */
const struct ew_keybinding *ew_keys_table(size_t *n);
/* The binding of an action. */
const struct ew_keybinding *ew_keys_binding(enum ew_action a);
/* The key code of a name as the table shows it ("Enter", "S-Tab", "F1",
 * "C-l", "q"), the first len bytes of name; 0 when unknown. */
int ew_keys_code(const char *name, size_t len);
/* The action a key means in a context, or EW_ACT_NONE. */
enum ew_action ew_keys_lookup(unsigned context, int key);

#endif
