/*
 * fields.h - the table of setup fields a user sets: one row per input,
 * walked by the option parser (tui/options.c: flags and --help) and by
 * the wizard's Choices screen (tui/wizard/screen_choices.c: labels,
 * rules, defaults, values).
 *
 * Like kconfig's symbol table: a row names a field once - its flag and
 * usage line, its form label and the rule shown while it is typed, how to
 * read it as text (get) and which model.h setter stores it (set) - so a
 * new field is a row here plus its member and setter in model.h, not an
 * edit in every front-end.  docs/adding-a-field.md lists the edits.
 *
 * The table's order is the order of the form and of the "setup options"
 * part of --help: the order the wizard asks in.  Rows are indexed by
 * their id (ew_field_get()).
 *
 * Not in the table: what the user never types (the GitHub repository's
 * numeric IDs come from --github-ids or the API, its visibility and OIDC
 * subject template from the API) and options that are not part of the
 * setup (--profile, --output, --yes...: tui/options.c).
 *
 * Memory: the table is static and read-only; get() appends to a buffer
 * the caller owns; set() and clear_list() change the setup they are given.
 */
#ifndef EW_FIELDS_H
#define EW_FIELDS_H

#include "buf.h"
#include "error.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

enum ew_field_id {
	EW_FIELD_GITHUB,
	EW_FIELD_GITHUB_HOST,
	EW_FIELD_GITHUB_IDS,
	EW_FIELD_BRANCH,
	EW_FIELD_ACCOUNT,
	EW_FIELD_REGION,
	EW_FIELD_REPO_NAME,
	EW_FIELD_ROLE_NAME,
	EW_FIELD_POLICY_NAME,
	EW_FIELD_TRUST,
	EW_FIELD_KEEP_IMAGES,
	EW_FIELD_TAG_MUTABILITY,
	EW_FIELD_TAG_EXCLUSIONS,
	EW_FIELD_SCAN_ON_PUSH,
	EW_FIELD_NO_SCAN_ON_PUSH,
	EW_FIELD_ENVS,
	EW_FIELD_WORKFLOW,
	EW_FIELD_NO_WORKFLOW,
	EW_FIELD_PLATFORMS,
	EW_FIELD_SHARE_ROLE,
	EW_FIELD_REPLACE_LIFECYCLE,
	EW_FIELD_COUNT
};

/* Whether a flag takes a value. */
enum ew_field_arg {
	EW_ARG_NONE,	 /* --flag (the row's implied value) */
	EW_ARG_REQUIRED, /* --flag VALUE or --flag=VALUE */
	EW_ARG_OPTIONAL, /* --flag or --flag=VALUE (never a separate word) */
};

/* How the form edits a field. */
enum ew_field_kind {
	EW_KIND_TEXT,	/* typed, checked as typed */
	EW_KIND_REGION, /* typed, with a search in the known regions */
	EW_KIND_CHOICE, /* one of choices[], cycled */
	EW_KIND_BOOL,	/* yes or no, toggled */
	EW_KIND_LIST,	/* comma-separated items, each through set() */
};

struct ew_field {
	enum ew_field_id id;

	/* Command line.  flag: without the leading "--", NULL for none;
	 * metavar: the value's name in --help; implied: the value a flag
	 * without one gives; help: its --help line; excludes: a flag it
	 * cannot be combined with. */
	const char *flag;
	enum ew_field_arg arg;
	const char *metavar;
	const char *implied;
	const char *help;
	const char *excludes;

	/* Choices form.  label: NULL when the form does not show the
	 * field; rule: shown under the form while the field has the focus;
	 * dflt: the default shown beside it (NULL when it depends on the
	 * session or the GitHub repository); choices: the values of an
	 * EW_KIND_CHOICE, NULL-terminated; empty: for a list that may not
	 * be empty, the message when it is. */
	const char *label;
	enum ew_field_kind kind;
	const char *rule;
	const char *dflt;
	const char *const *choices;
	const char *empty;

	/* Model.  get: the value as the user would type it (lists joined
	 * with ", "), appended to out; 0 or EW_ENOMEM.  set: the model.h
	 * setter (for a list: adds one item).  clear_list: a list's "remove
	 * every item", NULL otherwise.  applies: whether the field means
	 * anything with the rest of the setup (NULL: always); a field that
	 * does not apply is hidden on the form. */
	int (*get)(struct ew_buf *out, const struct ew_setup *s);
	int (*set)(struct ew_setup *s, const char *value, struct ew_error *err);
	void (*clear_list)(struct ew_setup *s);
	bool (*applies)(const struct ew_setup *s);
};

/* The table, in order; *n = EW_FIELD_COUNT. */
const struct ew_field *ew_fields(size_t *n);
/* The row of id (NULL for an id out of range). */
const struct ew_field *ew_field_get(enum ew_field_id id);
/* The row whose flag is the len bytes at name (no "--"), or NULL. */
const struct ew_field *ew_field_by_flag(const char *name, size_t len);
/* f->applies(s), true when the field has no such test. */
bool ew_field_applies(const struct ew_field *f, const struct ew_setup *s);

#endif
