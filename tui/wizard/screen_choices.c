/*
 * screen_choices.c - screen 3: the form (region, names, trust scope,
 * repository options, environments, workflow) and its summary.
 *
 * The fields, their labels, rules and defaults are the rows of the setup
 * field table (fields.h) that have a label, in its order; the table is
 * shared with the command-line flags.  Every field goes through its
 * model.h setter as it is typed, so a rule exists once and the message
 * names it.  Single values are set on the wizard's setup at once (a
 * rejected value leaves the setup as it was); lists (trust scopes, tag
 * exclusions, environments) are checked on a copy of the setup
 * (ew_setup_copy()) with the list cleared and added again, and stored
 * when the field is left.
 *
 * Enter accepts the value shown and moves on; after the last field comes
 * the summary, where Enter continues to the preview and any item can be
 * reopened.
 */
#include "demo_account.h"
#include "draw.h"
#include "fields.h"
#include "partition.h"
#include "wizard.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Fields are the rows of the field table; st.focus is a row's id. */
static const struct ew_field *field(int f)
{
	return ew_field_get((enum ew_field_id)f);
}

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

/* The stored value of field f as text (out of memory: what fits). */
static void value_text(struct ew_buf *out, const struct ew_setup *s, int f)
{
	field(f)->get(out, s);
}

/* On the form (the row has a label) and meaningful with the rest of the
 * setup (tag exclusions only for the *_WITH_EXCLUSION modes). */
static bool is_shown(const struct ew_setup *s, int f)
{
	return field(f)->label && ew_field_applies(field(f), s);
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

/* *out = the wizard's setup with the focused list replaced by the items
 * typed, each through the list's setter, on a copy: a rejected item
 * leaves the wizard's setup as it was.  On failure *out is released. */
static int list_setup(struct ew_setup *out, const struct ew_wizard *w,
		      struct ew_error *err)
{
	const struct ew_field *f = field(st.focus);
	size_t count, n;
	const struct ew_field *all = ew_fields(&n);
	int rc = ew_setup_copy(out, &w->setup, err);

	if (rc)
		return rc;
	/* A warning belongs to the latest setter call, not to the copy. */
	out->warning[0] = '\0';
	f->clear_list(out);
	rc = each_item(st.input.text.ptr, f->set, out, &count, err);
	if (!rc && count == 0 && f->empty)
		rc = ew_error_set(err, EW_EINVAL, "%s", f->empty);
	/* A list that does not apply any more (exclusion filters after the
	 * mode lost its exclusions) is dropped, as ew_setup_check() wants. */
	for (size_t i = 0; !rc && i < n; i++)
		if (all[i].clear_list && !ew_field_applies(&all[i], out))
			all[i].clear_list(out);
	if (rc)
		ew_setup_release(out);
	return rc;
}

/* Check the input of the focused field; store it when store is set (single
 * values are always stored when valid: a rejected value changes
 * nothing). */
static int apply_input(struct ew_wizard *w, bool store, struct ew_error *err)
{
	const struct ew_field *f = field(st.focus);
	struct ew_setup n;
	int rc;

	switch (f->kind) {
	case EW_KIND_TEXT:
	case EW_KIND_REGION:
		return f->set(&w->setup, st.input.text.ptr, err);
	case EW_KIND_LIST:
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
		/* Choices and yes/no are changed by cycle(), not typed. */
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
	return field(f)->kind == EW_KIND_TEXT ||
	       field(f)->kind == EW_KIND_REGION ||
	       field(f)->kind == EW_KIND_LIST;
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
 * itself (a list that may be empty: no environments) or there is no
 * default (tag exclusions). */
static const char *blank_default(const struct ew_wizard *w, int f,
				 struct ew_buf *tmp)
{
	const struct ew_field *fd = field(f);

	if (fd->kind == EW_KIND_REGION) {
		if (w->demo)
			return EW_DEMO_REGION;
		if (w->boot.has_session && w->boot.session.region)
			return w->boot.session.region;
		return EW_DEFAULT_REGION;
	}
	if (f == EW_FIELD_REPO_NAME) {
		if (!w->setup.repo)
			return NULL;
		ew_setup_default_repo_name(tmp, w->setup.repo);
		return tmp->ptr;
	}
	if (fd->kind == EW_KIND_LIST)
		return fd->empty ? fd->dflt : NULL;
	return is_text_kind(f) ? fd->dflt : NULL;
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
	if (field(st.focus)->kind == EW_KIND_REGION) {
		region_search();
		/* A search term is not a region yet: checked on Enter. */
		return;
	}
	if (!st.dirty)
		return;
	if (apply_input(w, field(st.focus)->kind != EW_KIND_LIST, &err) != 0) {
		snprintf(st.error, sizeof(st.error), "%s", err.message);
		return;
	}
	if (field(st.focus)->kind != EW_KIND_LIST)
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
			  field(st.focus)->label, st.orig);
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
					  field(st.focus)->label, v);
		}
		ew_buf_release(&d);
	}
	if (field(st.focus)->kind == EW_KIND_REGION && st.dirty) {
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
	while (f >= 0 && f < EW_FIELD_COUNT && !is_shown(&w->setup, f));
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
		focus_field(w, next_shown(w, -1, 1));
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
	if (field(f)->kind == EW_KIND_REGION) {
		const struct ew_region_info *ri =
		    ew_region_find(w->setup.region);

		if (ri)
			ew_buf_printf(b, "  %s", ri->name);
	}
	/* An empty list shows what it means ("none"). */
	if (field(f)->kind == EW_KIND_LIST && !b->len && field(f)->dflt)
		ew_buf_puts(b, field(f)->dflt);
}

static const char *default_of(const struct ew_wizard *w, int f,
			      struct ew_buf *tmp)
{
	if (f == EW_FIELD_REPO_NAME) {
		if (w->setup.repo)
			ew_setup_default_repo_name(tmp, w->setup.repo);
		return tmp->ptr;
	}
	if (field(f)->kind == EW_KIND_REGION)
		return w->demo ? "us-east-1" : "the profile's";
	return field(f)->dflt;
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
	for (int f = 0; f < EW_FIELD_COUNT; f++) {
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
			  field(f)->label);
		if (f == st.focus && is_text_kind(f)) {
			ew_input_draw(&st.input, y, vx, vw, true);
			if (field(f)->kind == EW_KIND_REGION)
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
			    (field(f)->kind == EW_KIND_LIST && !cur.len))
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
				field(st.focus)->rule, true);
	if (st.focus == EW_FIELD_TRUST && is_wide_trust(&w->setup) &&
	    !st.dirty && !st.error[0] && y < top + rows) {
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
	for (int f = 0; f < EW_FIELD_COUNT; f++) {
		if (!is_shown(&w->setup, f))
			continue;
		ew_buf_clear(&b);
		shown_value(&b, w, f);
		snprintf(line, sizeof(line), "%s %s",
			 st.sel == row ? ew_ui_glyphs()->arrow : " ",
			 field(f)->label);
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

	for (int f = 0; f < EW_FIELD_COUNT; f++)
		n += is_shown(&w->setup, f);
	return n;
}

static int summary_field(const struct ew_wizard *w, int row)
{
	for (int f = 0; f < EW_FIELD_COUNT; f++)
		if (is_shown(&w->setup, f) && --row == 0)
			return f;
	return 0;
}

/* Change a choice (dir: +1 next, -1 previous) or toggle a yes/no, through
 * the field's setter. */
static void cycle(struct ew_wizard *w, int dir)
{
	const struct ew_field *f = field(st.focus);
	struct ew_error err;
	struct ew_buf cur;

	ew_buf_init(&cur);
	f->get(&cur, &w->setup);
	if (f->kind == EW_KIND_BOOL) {
		f->set(&w->setup,
		       strcmp(cur.ptr, "yes") == 0 ? "false" : "true", &err);
	} else if (f->kind == EW_KIND_CHOICE) {
		int n = 0, i = 0;

		while (f->choices[n])
			n++;
		while (i < n && strcmp(f->choices[i], cur.ptr) != 0)
			i++;
		if (n)
			f->set(&w->setup, f->choices[((i % n) + dir + n) % n],
			       &err);
	}
	ew_buf_release(&cur);
	load_input(w);
}

static bool edit_key(struct ew_wizard *w, int key)
{
	if (st.summary)
		return false;
	if (field(st.focus)->kind == EW_KIND_CHOICE ||
	    field(st.focus)->kind == EW_KIND_BOOL) {
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
	if (f >= EW_FIELD_COUNT) {
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
		focus_field(w, next_shown(w, EW_FIELD_COUNT, -1));
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
	if (field(st.focus)->kind == EW_KIND_REGION)
		ew_setup_set_region(&w->setup, st.orig, &err);
	else
		apply_input(w, true, &err);
	load_input(w);
	ew_wizard_message(w, EW_ROLE_NORMAL, "%s: put back '%.100s'",
			  field(st.focus)->label, st.orig);
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
		return field(st.focus)->kind == EW_KIND_CHOICE ||
			       field(st.focus)->kind == EW_KIND_BOOL
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
		for (int i = 0; i <= EW_FIELD_COUNT && !st.summary; i++) {
			int f = st.focus;

			handle(w, EW_ACT_ACCEPT);
			if (!st.summary && st.focus == f)
				return 2;
		}
		return st.summary ? 0 : 2;
	}
	if (strncmp(line, ":field ", 7) == 0) {
		for (int f = 0; f < EW_FIELD_COUNT; f++) {
			if (!field(f)->label ||
			    strcasecmp(field(f)->label, line + 7) != 0)
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
