/*
 * screen_choices.c - screen 3: the form (region, names, trust scope,
 * repository options, environments, workflow) and its summary.
 *
 * Every field goes through its model.h setter as it is typed, so a rule
 * exists once and the message names it.  Single values are set on the
 * wizard's setup at once (a rejected value leaves the setup as it was);
 * lists (trust scopes, tag exclusions, environments) are checked on a
 * scratch setup as typed and stored when the field is left.  The setup
 * has no way to drop environments or exclusions, so storing a list
 * rebuilds the setup from its current values with the new list.
 *
 * Enter accepts the value shown and moves on; after the last field comes
 * the summary, where Enter continues to the preview and any item can be
 * reopened.
 */
#include "demo_account.h"
#include "draw.h"
#include "partition.h"
#include "wizard.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum fkind { F_TEXT, F_REGION, F_CHOICE, F_BOOL, F_LIST };

enum fid {
	FLD_REGION,
	FLD_REPO,
	FLD_ROLE,
	FLD_POLICY,
	FLD_TRUST,
	FLD_KEEP,
	FLD_MUTABILITY,
	FLD_EXCLUSIONS,
	FLD_SCAN,
	FLD_ENVS,
	FLD_WORKFLOW,
	FLD_PLATFORMS,
	NFIELDS
};

struct field {
	const char *label;
	enum fkind kind;
	const char *rule; /* shown under the form for the focused field */
	const char *dflt; /* the default, or NULL when it depends */
};

static const struct field fields[NFIELDS] = {
    [FLD_REGION] = {"Region", F_REGION,
		    "an AWS region; type to search by code or name, Up/Down "
		    "to pick",
		    NULL},
    [FLD_REPO] = {"ECR repository", F_TEXT,
		  "2-256 characters: lower-case letters, digits, '.', '_', "
		  "'-' and '/', starting with a letter or digit",
		  NULL},
    [FLD_ROLE] = {"Role name", F_TEXT,
		  "1-64 characters: letters, digits and + = , . @ _ -",
		  EW_DEFAULT_ROLE_NAME},
    [FLD_POLICY] = {"Policy name", F_TEXT,
		    "1-128 characters: letters, digits and + = , . @ _ -",
		    EW_DEFAULT_POLICY_NAME},
    [FLD_TRUST] = {"Trust scope", F_LIST,
		   "any, or a comma-separated list of branch:NAME, "
		   "tag:PATTERN, env:NAME, pull_request ('*' and '?' in "
		   "branch and tag patterns)",
		   "any"},
    [FLD_KEEP] = {"Images to keep", F_TEXT,
		  "the lifecycle policy keeps the last N images, 1-1000", "10"},
    [FLD_MUTABILITY] = {"Tag mutability", F_CHOICE,
			"Space or Left/Right to change; IMMUTABLE rejects a "
			"push that reuses a tag",
			"MUTABLE"},
    [FLD_EXCLUSIONS] = {"Tag exclusions", F_LIST,
			"1-5 comma-separated tag filters that stay mutable "
			"(letters, digits, . _ - and *)",
			NULL},
    [FLD_SCAN] = {"Scan on push", F_BOOL,
		  "Space to change; ECR scans each pushed image for "
		  "vulnerabilities",
		  "yes"},
    [FLD_ENVS] = {"Environments", F_LIST,
		  "optional: NAME:REGION:REPO, comma-separated; one role and "
		  "repository per GitHub environment",
		  "none"},
    [FLD_WORKFLOW] = {"Workflow file", F_TEXT,
		      "a path under .github/workflows/ ending in .yml or "
		      ".yaml",
		      EW_DEFAULT_WORKFLOW},
    [FLD_PLATFORMS] = {"Platforms", F_TEXT,
		       "comma-separated OS/ARCH[/VARIANT] for docker buildx, "
		       "e.g. linux/amd64,linux/arm64",
		       EW_DEFAULT_PLATFORMS},
};

static const char *const mutabilities[] = {"MUTABLE", "IMMUTABLE",
					   "IMMUTABLE_WITH_EXCLUSION",
					   "MUTABLE_WITH_EXCLUSION"};

#define MAX_MATCHES 8

static struct {
	bool summary;
	int focus;  /* field, in form mode */
	int sel;    /* summary row: 0 = continue, 1.. = fields */
	bool dirty; /* the input differs from the stored value */
	struct ew_input input;
	char orig[EW_SETUP_MAX_INPUT + 1]; /* the value when focused (Esc) */
	char error[512];
	char note[256]; /* a blank field: what Enter will put back */
	char warning[256];
	/* Region search. */
	const struct ew_region_info *matches[MAX_MATCHES];
	int nmatches, match_sel;
	bool popup;
	bool reopened; /* editing one item from the summary */
} st;

/* ------------------------------------------------------ current values */

static void scopes_text(struct ew_buf *out, const struct ew_setup *s)
{
	for (size_t i = 0; i < s->nscopes; i++) {
		const struct ew_scope *sc = &s->scopes[i];

		if (i)
			ew_buf_puts(out, ", ");
		ew_buf_puts(out, ew_scope_kind_name(sc->kind));
		if (sc->value) {
			/* The setup keeps ':' as %3A (the sub's encoding). */
			ew_buf_putc(out, ':');
			for (const char *p = sc->value; *p; p++) {
				if (strncmp(p, "%3A", 3) == 0) {
					ew_buf_putc(out, ':');
					p += 2;
				} else {
					ew_buf_putc(out, *p);
				}
			}
		}
	}
}

static void envs_text(struct ew_buf *out, const struct ew_setup *s)
{
	for (size_t i = 0; i < s->nenvs; i++)
		ew_buf_printf(out, "%s%s:%s:%s", i ? ", " : "", s->envs[i].name,
			      s->envs[i].region, s->envs[i].repo_name);
}

static void exclusions_text(struct ew_buf *out, const struct ew_setup *s)
{
	for (size_t i = 0; i < s->ntag_exclusions; i++)
		ew_buf_printf(out, "%s%s", i ? ", " : "", s->tag_exclusions[i]);
}

/* The stored value of field f as text. */
static void value_text(struct ew_buf *out, const struct ew_setup *s, int f)
{
	switch (f) {
	case FLD_REGION:
		ew_buf_puts(out, s->region ? s->region : "");
		break;
	case FLD_REPO:
		ew_buf_puts(out, s->repo_name ? s->repo_name : "");
		break;
	case FLD_ROLE:
		ew_buf_puts(out, s->role_name);
		break;
	case FLD_POLICY:
		ew_buf_puts(out, s->policy_name);
		break;
	case FLD_TRUST:
		scopes_text(out, s);
		break;
	case FLD_KEEP:
		ew_buf_printf(out, "%d", s->keep_images);
		break;
	case FLD_MUTABILITY:
		ew_buf_puts(out, ew_tag_mutability_name(s->tag_mutability));
		break;
	case FLD_EXCLUSIONS:
		exclusions_text(out, s);
		break;
	case FLD_SCAN:
		ew_buf_puts(out, s->scan_on_push ? "yes" : "no");
		break;
	case FLD_ENVS:
		envs_text(out, s);
		break;
	case FLD_WORKFLOW:
		ew_buf_puts(out, s->workflow_path);
		break;
	case FLD_PLATFORMS:
		ew_buf_puts(out, s->platforms);
		break;
	}
}

static bool needs_exclusions(const struct ew_setup *s)
{
	return s->tag_mutability == EW_TAG_IMMUTABLE_WITH_EXCLUSION ||
	       s->tag_mutability == EW_TAG_MUTABLE_WITH_EXCLUSION;
}

static bool is_shown(const struct ew_setup *s, int f)
{
	return f != FLD_EXCLUSIONS || needs_exclusions(s);
}

/* Split a comma-separated list and call add for each trimmed item. */
static int each_item(const char *text,
		     int (*add)(struct ew_setup *, const char *,
				struct ew_error *),
		     struct ew_setup *s, size_t *count, struct ew_error *err)
{
	const char *p = text;
	int rc = 0;

	*count = 0;
	while (*p && !rc) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char item[EW_SETUP_MAX_INPUT + 1];

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len > EW_SETUP_MAX_INPUT)
			len = EW_SETUP_MAX_INPUT;
		memcpy(item, p, len);
		item[len] = 0;
		if (len) {
			rc = add(s, item, err);
			(*count)++;
		} else if (end) {
			rc = ew_error_set(err, EW_EINVAL,
					  "empty item in the list: remove the "
					  "extra ','");
		}
		p = end ? end + 1 : p + strlen(p);
	}
	return rc;
}

/* Build *out afresh from o's values with new list texts (NULL: keep o's
 * list).  On failure *out is released. */
static int build_setup(struct ew_setup *out, const struct ew_setup *o,
		       const char *trust, const char *excl, const char *envs,
		       struct ew_error *err)
{
	struct ew_setup n;
	struct ew_buf t, x, e;
	char num[32];
	size_t count;
	int rc;

	ew_buf_init(&t);
	ew_buf_init(&x);
	ew_buf_init(&e);
	if (!trust) {
		scopes_text(&t, o);
		trust = t.ptr;
	}
	if (!excl) {
		exclusions_text(&x, o);
		excl = x.ptr;
	}
	if (!envs) {
		envs_text(&e, o);
		envs = e.ptr;
	}
	rc = ew_setup_init(&n);
	if (!rc)
		rc = ew_setup_set_github_host(&n, o->github_host, err);
	if (!rc && o->owner && o->repo) {
		char slug[160];

		snprintf(slug, sizeof(slug), "%s/%s", o->owner, o->repo);
		rc = ew_setup_set_github(&n, slug, err);
	}
	if (!rc)
		rc = ew_setup_set_owner_id(&n, o->owner_id, err);
	if (!rc)
		rc = ew_setup_set_repo_id(&n, o->repo_id, err);
	if (!rc)
		rc = ew_setup_set_default_branch(&n, o->default_branch, err);
	if (!rc && o->account)
		rc = ew_setup_set_account(&n, o->account, err);
	if (!rc && o->region)
		rc = ew_setup_set_region(&n, o->region, err);
	if (!rc && o->repo_name_explicit && o->repo_name)
		rc = ew_setup_set_repo_name(&n, o->repo_name, err);
	if (!rc)
		rc = ew_setup_set_role_name(&n, o->role_name, err);
	if (!rc)
		rc = ew_setup_set_policy_name(&n, o->policy_name, err);
	if (!rc) {
		snprintf(num, sizeof(num), "%d", o->keep_images);
		rc = ew_setup_set_keep_images(&n, num, err);
	}
	if (!rc)
		rc = ew_setup_set_tag_mutability(
		    &n, ew_tag_mutability_name(o->tag_mutability), err);
	if (!rc)
		rc = ew_setup_set_scan_on_push(
		    &n, o->scan_on_push ? "true" : "false", err);
	if (!rc)
		rc = ew_setup_set_workflow_path(&n, o->workflow_path, err);
	if (!rc)
		rc = ew_setup_set_platforms(&n, o->platforms, err);
	if (!rc)
		ew_setup_set_write_workflow(&n, o->write_workflow);
	if (!rc)
		rc = each_item(trust, ew_setup_add_scope, &n, &count, err);
	if (!rc && count == 0)
		rc = ew_error_set(err, EW_EINVAL,
				  "the trust scope needs at least one item: "
				  "'any' is the guide's default");
	if (!rc && needs_exclusions(o))
		rc = each_item(excl, ew_setup_add_tag_exclusion, &n, &count,
			       err);
	if (!rc)
		rc = each_item(envs, ew_setup_add_env, &n, &count, err);
	if (!rc)
		*out = n;
	else
		ew_setup_release(&n);
	ew_buf_release(&t);
	ew_buf_release(&x);
	ew_buf_release(&e);
	return rc;
}

/* The list texts for build_setup(): the input for the focused list. */
static int list_setup(struct ew_setup *out, const struct ew_wizard *w,
		      struct ew_error *err)
{
	const char *v = st.input.text.ptr;

	return build_setup(out, &w->setup, st.focus == FLD_TRUST ? v : NULL,
			   st.focus == FLD_EXCLUSIONS ? v : NULL,
			   st.focus == FLD_ENVS ? v : NULL, err);
}

/* Check the input of the focused field; store it when store is set (single
 * values are always stored when valid: a rejected value changes
 * nothing). */
static int apply_input(struct ew_wizard *w, bool store, struct ew_error *err)
{
	struct ew_setup *s = &w->setup;
	const char *v = st.input.text.ptr;
	struct ew_setup n;
	int rc = 0;

	switch (st.focus) {
	case FLD_REGION:
		return ew_setup_set_region(s, v, err);
	case FLD_REPO:
		return ew_setup_set_repo_name(s, v, err);
	case FLD_ROLE:
		return ew_setup_set_role_name(s, v, err);
	case FLD_POLICY:
		return ew_setup_set_policy_name(s, v, err);
	case FLD_KEEP:
		return ew_setup_set_keep_images(s, v, err);
	case FLD_WORKFLOW:
		return ew_setup_set_workflow_path(s, v, err);
	case FLD_PLATFORMS:
		return ew_setup_set_platforms(s, v, err);
	case FLD_TRUST:
	case FLD_EXCLUSIONS:
	case FLD_ENVS:
		rc = list_setup(&n, w, err);
		if (rc)
			return rc;
		/* The whole setup must still hold together (e.g. role
		 * names per environment within IAM's limits). */
		if (store) {
			ew_setup_release(&w->setup);
			w->setup = n;
		} else {
			ew_setup_release(&n);
		}
		return 0;
	default:
		return 0;
	}
}

static void load_input(struct ew_wizard *w)
{
	struct ew_buf b;

	ew_buf_init(&b);
	value_text(&b, &w->setup, st.focus);
	ew_input_set(&st.input, b.ptr);
	/* Typing replaces the value shown; editing keys edit it. */
	st.input.replace = b.len > 0;
	snprintf(st.orig, sizeof(st.orig), "%s", b.ptr);
	ew_buf_release(&b);
	st.dirty = false;
	st.error[0] = 0;
	st.note[0] = 0;
	st.popup = false;
	st.nmatches = 0;
}

static bool is_text_kind(int f)
{
	return fields[f].kind == F_TEXT || fields[f].kind == F_REGION ||
	       fields[f].kind == F_LIST;
}

/* Whether hay contains needle, ignoring case. */
static bool has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

static void region_search(void)
{
	size_t np;
	const struct ew_partition *parts = ew_partitions(&np);
	const char *q = st.input.text.ptr;

	st.nmatches = 0;
	st.match_sel = 0;
	for (size_t p = 0; p < np && st.nmatches < MAX_MATCHES; p++)
		for (size_t r = 0;
		     r < parts[p].nregions && st.nmatches < MAX_MATCHES; r++) {
			const struct ew_region_info *ri = &parts[p].regions[r];

			if (has_ci(ri->code, q) || has_ci(ri->name, q))
				st.matches[st.nmatches++] = ri;
		}
	st.popup = st.nmatches > 0 && *q;
}

static bool is_blank(const char *v)
{
	while (*v == ' ')
		v++;
	return !*v;
}

/* The value a blank field goes back to, or NULL when blank is a value
 * itself (no environments) or there is no default (tag exclusions). */
static const char *blank_default(const struct ew_wizard *w, int f,
				 struct ew_buf *tmp)
{
	switch (f) {
	case FLD_REGION:
		if (w->demo)
			return EW_DEMO_REGION;
		if (w->boot.has_session && w->boot.session.region)
			return w->boot.session.region;
		return EW_DEFAULT_REGION;
	case FLD_REPO:
		if (!w->setup.repo)
			return NULL;
		ew_setup_default_repo_name(tmp, w->setup.repo);
		return tmp->ptr;
	case FLD_ENVS:
	case FLD_EXCLUSIONS:
		return NULL;
	default:
		return is_text_kind(f) ? fields[f].dflt : NULL;
	}
}

/* After each edit: validate as typed (and store single values). */
static void revalidate(struct ew_wizard *w)
{
	struct ew_error err;
	struct ew_buf cur;

	st.error[0] = 0;
	st.note[0] = 0;
	ew_buf_init(&cur);
	value_text(&cur, &w->setup, st.focus);
	st.dirty = strcmp(cur.ptr, st.input.text.ptr) != 0;
	ew_buf_release(&cur);
	if (is_blank(st.input.text.ptr)) {
		struct ew_buf d;
		const char *v;

		ew_buf_init(&d);
		v = blank_default(w, st.focus, &d);
		if (v) {
			snprintf(st.note, sizeof(st.note),
				 "blank: Enter puts back the default '%s'", v);
			st.popup = false;
			st.dirty = true;
			ew_buf_release(&d);
			return;
		}
		ew_buf_release(&d);
	}
	if (fields[st.focus].kind == F_REGION) {
		region_search();
		/* A search term is not a region yet: checked on Enter. */
		return;
	}
	if (!st.dirty)
		return;
	if (apply_input(w, fields[st.focus].kind != F_LIST, &err) != 0) {
		snprintf(st.error, sizeof(st.error), "%s", err.message);
		return;
	}
	if (fields[st.focus].kind != F_LIST)
		st.dirty = false;
	if (w->setup.warning[0])
		snprintf(st.error, sizeof(st.error), "%s", w->setup.warning);
}

/* An invalid value keeps the focus: the user fixes it or puts the old
 * one back - it is never changed or dropped behind their back. */
static void refuse(struct ew_wizard *w)
{
	ew_wizard_message(w, EW_ROLE_ERROR,
			  "%s is not valid: fix it, or Esc puts back '%.100s'",
			  fields[st.focus].label, st.orig);
}

/* Leave the focused field: store it (a blank one gets its default), or
 * refuse an invalid value and keep the focus. */
static bool leave_field(struct ew_wizard *w)
{
	struct ew_error err;

	if (is_text_kind(st.focus) && is_blank(st.input.text.ptr)) {
		struct ew_buf d;
		const char *v;

		ew_buf_init(&d);
		v = blank_default(w, st.focus, &d);
		if (v) {
			ew_input_set(&st.input, v);
			st.popup = false;
			st.dirty = true;
			ew_wizard_message(w, EW_ROLE_NORMAL,
					  "%s was blank: back to the default "
					  "'%s'",
					  fields[st.focus].label, v);
		}
		ew_buf_release(&d);
	}
	if (fields[st.focus].kind == F_REGION && st.dirty) {
		if (st.popup && st.match_sel < st.nmatches)
			ew_input_set(&st.input, st.matches[st.match_sel]->code);
		if (ew_setup_set_region(&w->setup, st.input.text.ptr, &err)) {
			snprintf(st.error, sizeof(st.error), "%s", err.message);
			st.popup = false;
			refuse(w);
			return false;
		}
	} else if (st.dirty) {
		if (apply_input(w, true, &err) != 0) {
			snprintf(st.error, sizeof(st.error), "%s", err.message);
			refuse(w);
			return false;
		}
	}
	st.popup = false;
	return true;
}

static void focus_field(struct ew_wizard *w, int f)
{
	st.focus = f;
	load_input(w);
}

static int next_shown(const struct ew_wizard *w, int f, int dir)
{
	do
		f += dir;
	while (f >= 0 && f < NFIELDS && !is_shown(&w->setup, f));
	return f;
}

static void enter(struct ew_wizard *w)
{
	if (!st.input.text.ptr)
		ew_input_init(&st.input);
	/* Coming back from the preview: the plan was for the old values. */
	ew_wizard_drop_engine(w);
	st.reopened = false;
	if (w->reached[EW_SCREEN_PREVIEW]) {
		st.summary = true;
		st.sel = 0;
	} else {
		st.summary = false;
		focus_field(w, FLD_REGION);
	}
}

/* ------------------------------------------------------------- drawing */

static bool is_wide_trust(const struct ew_setup *s)
{
	for (size_t i = 0; i < s->nscopes; i++)
		if (s->scopes[i].kind == EW_SCOPE_ANY ||
		    (s->scopes[i].is_pattern && s->scopes[i].value &&
		     strcmp(s->scopes[i].value, "*") == 0))
			return true;
	return false;
}

static void shown_value(struct ew_buf *b, const struct ew_wizard *w, int f)
{
	value_text(b, &w->setup, f);
	if (f == FLD_REGION) {
		const struct ew_region_info *ri =
		    ew_region_find(w->setup.region);

		if (ri)
			ew_buf_printf(b, "  %s", ri->name);
	}
	if (f == FLD_ENVS && !b->len)
		ew_buf_puts(b, "none");
}

static const char *default_of(const struct ew_wizard *w, int f,
			      struct ew_buf *tmp)
{
	if (f == FLD_REPO) {
		if (w->setup.repo)
			ew_setup_default_repo_name(tmp, w->setup.repo);
		return tmp->ptr;
	}
	if (f == FLD_REGION)
		return w->demo ? "us-east-1" : "the profile's";
	return fields[f].dflt;
}

static void draw_popup(int y, int x)
{
	int h = st.nmatches + 2, wdt = 50;

	if (y + h > LINES - 2)
		y = LINES - 2 - h;
	ew_ui_box(y, x, h, wdt, EW_ROLE_BORDER, "regions");
	for (int i = 0; i < st.nmatches; i++) {
		char line[128];

		snprintf(line, sizeof(line), " %-16s %s", st.matches[i]->code,
			 st.matches[i]->name);
		if (i == st.match_sel)
			ew_ui_fill(y + 1 + i, x + 1, wdt - 2, EW_ROLE_SELECTED);
		ew_ui_put(y + 1 + i, x + 1, wdt - 2,
			  i == st.match_sel ? EW_ROLE_SELECTED : EW_ROLE_NORMAL,
			  line);
	}
}

static void draw_form(struct ew_wizard *w, int top, int rows)
{
	const int lx = 2, vx = 22, vw = 32;
	int y = top + 1, popup_y = -1;
	struct ew_buf b, d;

	ew_ui_put(y++, lx, 0, EW_ROLE_HEADING,
		  "Choices: Enter accepts the value shown and moves on");
	y++;
	ew_buf_init(&b);
	ew_buf_init(&d);
	for (int f = 0; f < NFIELDS; f++) {
		const char *dflt;

		if (!is_shown(&w->setup, f))
			continue;
		ew_buf_clear(&b);
		ew_buf_clear(&d);
		ew_ui_put(y, lx, 0,
			  f == st.focus ? EW_ROLE_VALUE : EW_ROLE_LABEL,
			  f == st.focus ? ew_ui_glyphs()->arrow : " ");
		ew_ui_put(y, lx + 2, vx - lx - 2,
			  f == st.focus ? EW_ROLE_VALUE : EW_ROLE_LABEL,
			  fields[f].label);
		if (f == st.focus && is_text_kind(f)) {
			ew_input_draw(&st.input, y, vx, vw, true);
			if (f == FLD_REGION)
				popup_y = y + 1;
		} else {
			shown_value(&b, w, f);
			if (f == st.focus)
				ew_ui_fill(y, vx, vw, EW_ROLE_INPUT_FOCUS);
			ew_ui_put(y, vx, vw,
				  f == st.focus ? EW_ROLE_INPUT_FOCUS
						: EW_ROLE_VALUE,
				  b.ptr);
		}
		dflt = default_of(w, f, &d);
		if (dflt && *dflt) {
			char dl[160];
			struct ew_buf cur;

			ew_buf_init(&cur);
			/* The focused field: what is typed, not what is
			 * stored. */
			if (f == st.focus && is_text_kind(f))
				ew_buf_puts(&cur, st.input.text.ptr);
			else
				value_text(&cur, &w->setup, f);
			if (strcmp(cur.ptr, dflt) == 0 ||
			    (f == FLD_ENVS && !cur.len))
				snprintf(dl, sizeof(dl), "(default)");
			else
				snprintf(dl, sizeof(dl), "default: %s", dflt);
			ew_buf_release(&cur);
			ew_draw_cut(y, vx + vw + 2, COLS - vx - vw - 3,
				    EW_ROLE_HINT, dl);
		}
		y++;
	}
	y++;
	/* The focused field: its rule, or why the value is rejected. */
	if (st.error[0])
		y += ew_ui_wrap(y, lx, COLS - 4, 2, 3,
				w->setup.warning[0] && !st.dirty
				    ? EW_ROLE_WARNING
				    : EW_ROLE_ERROR,
				st.error, true);
	else if (st.note[0])
		y += ew_ui_wrap(y, lx, COLS - 4, 2, 1, EW_ROLE_WARNING, st.note,
				true);
	/* The rule stays in view while the value breaks it. */
	if (y < top + rows)
		y += ew_ui_wrap(y, lx, COLS - 4, 2, 2, EW_ROLE_HINT,
				fields[st.focus].rule, true);
	if (st.focus == FLD_TRUST && is_wide_trust(&w->setup) && !st.dirty &&
	    !st.error[0] && y < top + rows) {
		char line[300];

		snprintf(line, sizeof(line),
			 "%s repository-wide: any branch, tag, pull request or "
			 "environment of %s/%s can assume the role",
			 ew_ui_glyphs()->warn,
			 w->setup.owner ? w->setup.owner : "",
			 w->setup.repo ? w->setup.repo : "");
		ew_ui_wrap(y, lx, COLS - 4, 2, 2, EW_ROLE_WARNING, line, true);
	}
	if (popup_y >= 0 && st.popup)
		draw_popup(popup_y, vx);
	ew_buf_release(&b);
	ew_buf_release(&d);
}

static void draw_summary(struct ew_wizard *w, int top, int rows)
{
	const int lx = 2, vx = 24;
	int y = top + 1, row = 1;
	struct ew_buf b;
	struct ew_error err;
	char line[160];

	(void)rows;
	ew_ui_put(y++, lx, 0, EW_ROLE_HEADING,
		  "Summary: Enter continues; select an item and press Enter "
		  "to change it");
	y++;
	snprintf(line, sizeof(line), "%s Continue to the preview",
		 st.sel == 0 ? ew_ui_glyphs()->arrow : " ");
	if (st.sel == 0)
		ew_ui_fill(y, lx, 40, EW_ROLE_SELECTED);
	ew_ui_put(y++, lx, 40, st.sel == 0 ? EW_ROLE_SELECTED : EW_ROLE_VALUE,
		  line);
	y++;
	ew_buf_init(&b);
	for (int f = 0; f < NFIELDS; f++) {
		if (!is_shown(&w->setup, f))
			continue;
		ew_buf_clear(&b);
		shown_value(&b, w, f);
		snprintf(line, sizeof(line), "%s %s",
			 st.sel == row ? ew_ui_glyphs()->arrow : " ",
			 fields[f].label);
		if (st.sel == row)
			ew_ui_fill(y, lx, vx - lx - 1, EW_ROLE_SELECTED);
		ew_ui_put(y, lx, vx - lx - 1,
			  st.sel == row ? EW_ROLE_SELECTED : EW_ROLE_LABEL,
			  line);
		ew_ui_put(y++, vx, COLS - vx - 1, EW_ROLE_VALUE, b.ptr);
		row++;
	}
	y++;
	ew_buf_clear(&b);
	if (w->setup.account &&
	    ew_setup_role_arn(&b, &w->setup, NULL, &err) == 0 &&
	    !w->setup.nenvs) {
		ew_draw_field(y++, lx + 2, vx - lx - 2, "Role ARN",
			      EW_ROLE_NORMAL, b.ptr);
		ew_buf_clear(&b);
		if (ew_setup_registry_host(&b, &w->setup, NULL, &err) == 0)
			ew_draw_field(y++, lx + 2, vx - lx - 2, "Registry",
				      EW_ROLE_NORMAL, b.ptr);
	}
	if (is_wide_trust(&w->setup)) {
		snprintf(line, sizeof(line),
			 "%s trust is repository-wide (the guide's default)",
			 ew_ui_glyphs()->warn);
		ew_ui_put(y++, lx + 2, COLS - 5, EW_ROLE_WARNING, line);
	}
	ew_buf_release(&b);
}

static void draw(struct ew_wizard *w, int top, int rows)
{
	if (st.summary)
		draw_summary(w, top, rows);
	else
		draw_form(w, top, rows);
}

/* ---------------------------------------------------------------- keys */

static int summary_rows(const struct ew_wizard *w)
{
	int n = 0;

	for (int f = 0; f < NFIELDS; f++)
		n += is_shown(&w->setup, f);
	return n;
}

static int summary_field(const struct ew_wizard *w, int row)
{
	for (int f = 0; f < NFIELDS; f++)
		if (is_shown(&w->setup, f) && --row == 0)
			return f;
	return 0;
}

static void cycle(struct ew_wizard *w, int dir)
{
	struct ew_error err;

	if (fields[st.focus].kind == F_BOOL) {
		ew_setup_set_scan_on_push(
		    &w->setup, w->setup.scan_on_push ? "false" : "true", &err);
	} else if (fields[st.focus].kind == F_CHOICE) {
		int m = ((int)w->setup.tag_mutability + dir + 4) % 4;

		ew_setup_set_tag_mutability(&w->setup, mutabilities[m], &err);
	}
	load_input(w);
}

static bool edit_key(struct ew_wizard *w, int key)
{
	if (st.summary)
		return false;
	if (fields[st.focus].kind == F_CHOICE ||
	    fields[st.focus].kind == F_BOOL) {
		if (key == KEY_LEFT || key == KEY_RIGHT) {
			cycle(w, key == KEY_LEFT ? -1 : 1);
			return true;
		}
		return false;
	}
	if (st.popup && (key == KEY_UP || key == KEY_DOWN)) {
		st.match_sel += key == KEY_UP ? -1 : 1;
		if (st.match_sel < 0)
			st.match_sel = st.nmatches - 1;
		if (st.match_sel >= st.nmatches)
			st.match_sel = 0;
		return true;
	}
	if (st.popup && key == EW_KEY_ESC) {
		st.popup = false;
		return true;
	}
	if (ew_input_key(&st.input, key)) {
		revalidate(w);
		return true;
	}
	return false;
}

static void move_focus(struct ew_wizard *w, int dir, bool accept)
{
	int f = next_shown(w, st.focus, dir);

	if (!leave_field(w))
		return;
	if (st.reopened && accept && dir > 0) {
		/* An item reopened from the summary: back there, on
		 * "Continue" so Enter goes on. */
		st.reopened = false;
		st.summary = true;
		st.sel = 0;
		return;
	}
	if (f < 0)
		f = st.focus;
	if (f >= NFIELDS) {
		st.summary = true;
		st.sel = 0;
		return;
	}
	focus_field(w, f);
}

static void handle_summary(struct ew_wizard *w, enum ew_action a)
{
	struct ew_error err;
	int n = summary_rows(w);

	switch (a) {
	case EW_ACT_UP:
		st.sel = st.sel > 0 ? st.sel - 1 : n;
		break;
	case EW_ACT_DOWN:
		st.sel = st.sel < n ? st.sel + 1 : 0;
		break;
	case EW_ACT_HOME:
		st.sel = 0;
		break;
	case EW_ACT_END:
		st.sel = n;
		break;
	case EW_ACT_ACCEPT:
	case EW_ACT_EDIT:
		if (st.sel == 0 && a == EW_ACT_ACCEPT) {
			if (ew_setup_check(&w->setup, &err) != 0 &&
			    w->setup.account) {
				ew_wizard_message(w, EW_ROLE_ERROR, "%s",
						  err.message);
				return;
			}
			ew_wizard_goto(w, &ew_screen_preview);
			return;
		}
		if (st.sel > 0) {
			st.summary = false;
			st.reopened = true;
			focus_field(w, summary_field(w, st.sel));
		}
		break;
	case EW_ACT_BACK:
		st.summary = false;
		st.reopened = false;
		focus_field(w, next_shown(w, NFIELDS, -1));
		break;
	default:
		break;
	}
}

/* Esc on an edited field: the value it had when it got the focus. */
static void restore(struct ew_wizard *w)
{
	struct ew_error err;

	ew_input_set(&st.input, st.orig);
	if (fields[st.focus].kind == F_REGION)
		ew_setup_set_region(&w->setup, st.orig, &err);
	else
		apply_input(w, true, &err);
	load_input(w);
	ew_wizard_message(w, EW_ROLE_NORMAL, "%s: put back '%.100s'",
			  fields[st.focus].label, st.orig);
}

static void handle(struct ew_wizard *w, enum ew_action a)
{
	if (st.summary) {
		handle_summary(w, a);
		return;
	}
	switch (a) {
	case EW_ACT_ACCEPT:
	case EW_ACT_NEXT:
		move_focus(w, 1, true);
		break;
	case EW_ACT_DOWN:
		move_focus(w, 1, false);
		break;
	case EW_ACT_UP:
	case EW_ACT_PREV:
		move_focus(w, -1, a == EW_ACT_PREV);
		break;
	case EW_ACT_TOGGLE:
		cycle(w, 1);
		break;
	case EW_ACT_BACK:
		if (is_text_kind(st.focus) &&
		    strcmp(st.input.text.ptr, st.orig) != 0) {
			restore(w);
			break;
		}
		st.popup = false;
		if (st.reopened) {
			st.reopened = false;
			st.summary = true;
		} else {
			ew_wizard_goto(w, &ew_screen_account);
		}
		break;
	default:
		break;
	}
}

static const char *label(struct ew_wizard *w, enum ew_action a)
{
	(void)w;
	if (st.summary) {
		if (a == EW_ACT_ACCEPT)
			return st.sel == 0 ? "preview" : "change";
		if (a == EW_ACT_NEXT || a == EW_ACT_TOGGLE || a == EW_ACT_EDIT)
			return "";
		return NULL;
	}
	if (a == EW_ACT_ACCEPT)
		return "accept";
	if (a == EW_ACT_BACK && is_text_kind(st.focus) &&
	    strcmp(st.input.text.ptr, st.orig) != 0)
		return "put back";
	if (a == EW_ACT_NEXT)
		return "";
	if (a == EW_ACT_TOGGLE)
		return fields[st.focus].kind == F_CHOICE ||
			       fields[st.focus].kind == F_BOOL
			   ? "change"
			   : "";
	if (a == EW_ACT_EDIT)
		return "";
	if (a == EW_ACT_QUIT)
		return is_text_kind(st.focus) ? "" : NULL;
	return NULL;
}

int ew_choices_command(struct ew_wizard *w, const char *line)
{
	if (w->screen != &ew_screen_choices)
		return strncmp(line, ":field ", 7) == 0 ||
			       strcmp(line, ":accept-defaults") == 0
			   ? 2
			   : 1;
	if (strcmp(line, ":accept-defaults") == 0) {
		/* Enter on each field, as a user would; an invalid field
		 * stops it there. */
		for (int i = 0; i <= NFIELDS && !st.summary; i++) {
			int f = st.focus;

			handle(w, EW_ACT_ACCEPT);
			if (!st.summary && st.focus == f)
				return 2;
		}
		return st.summary ? 0 : 2;
	}
	if (strncmp(line, ":field ", 7) == 0) {
		for (int f = 0; f < NFIELDS; f++) {
			if (strcasecmp(fields[f].label, line + 7) != 0)
				continue;
			if (!is_shown(&w->setup, f))
				return 2;
			if (st.summary) {
				st.summary = false;
				st.reopened = true;
			} else if (!leave_field(w)) {
				return 2;
			}
			focus_field(w, f);
			return 0;
		}
		return 2;
	}
	return 1;
}

static bool takes_text(struct ew_wizard *w)
{
	(void)w;
	return !st.summary && is_text_kind(st.focus);
}

static bool can(struct ew_wizard *w, enum ew_action a)
{
	(void)w;
	if (st.summary)
		return a != EW_ACT_NEXT && a != EW_ACT_PREV &&
		       a != EW_ACT_TOGGLE && a != EW_ACT_PAGE_UP &&
		       a != EW_ACT_PAGE_DOWN && (a != EW_ACT_EDIT || st.sel);
	switch (a) {
	case EW_ACT_EDIT:
	case EW_ACT_PAGE_UP:
	case EW_ACT_PAGE_DOWN:
		return false;
	case EW_ACT_HOME:
	case EW_ACT_END:
		/* A field's cursor keys there. */
		return false;
	case EW_ACT_TOGGLE:
		return !is_text_kind(st.focus);
	default:
		return true;
	}
}

const struct ew_screen_ops ew_screen_choices = {
    EW_SCREEN_CHOICES, "Choices", enter, draw, edit_key, handle, label, can,
    takes_text,
};
