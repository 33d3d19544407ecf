/*
 * screen_preview.c - screen 4: everything the run will write, before it
 * writes anything.  Tabs: the trust policy, the permissions policy, the
 * lifecycle policy, the workflow, the plan (each step with its aws CLI
 * equivalent) and the changes (diffs against what exists).
 *
 * The documents come from documents.h; the plan and the diffs from the
 * engine's checks, which start when this screen opens and are read only
 * once they are done (the engine's threads own the steps until then).
 */
#include "diff.h"
#include "documents.h"
#include "draw.h"
#include "fsutil.h"
#include "hint.h"
#include "pipeline.h"
#include "plan_render.h"
#include "sharing.h"
#include "wizard.h"

#include <string.h>

enum {
	TAB_TRUST,
	TAB_PERMISSIONS,
	TAB_LIFECYCLE,
	TAB_WORKFLOW,
	TAB_PLAN,
	TAB_CHANGES,
	NTABS
};

static const struct {
	const char *name;
	char kind;
} tabs[NTABS] = {
    {"Trust policy", 'j'}, {"Permissions", 'j'}, {"Lifecycle", 'j'},
    {"Workflow", 'y'},	   {"Plan", 'p'},	 {"Changes", 'd'},
};

static struct {
	int tab;
	size_t top[NTABS];
	struct ew_buf text[NTABS];
	bool inited;
	bool docs_built;
	int built_plan; /* w->plan when the plan tabs were built, -1 never */
	bool account_known; /* the account was set before the plan began */
	bool searching;
	struct ew_input search;
	char pattern[128];
	char start_error[512];
	bool pipeline_refused; /* the Plan tab's pipeline check refuses */
	/* Enter found something that serves someone else: the question
	 * shown until the user answers it (docs/sharing.md). */
	enum { ASK_NONE, ASK_SHARED, ASK_LIFECYCLE } asking;
	bool lifecycle_kept; /* answered "keep" for this plan */
	int info_rows;	     /* rows above the document, as last drawn */
	bool ask_when_ready; /* Enter came before the plan was done */
} st;

static void clear_tabs(void)
{
	for (int i = 0; i < NTABS; i++) {
		ew_buf_clear(&st.text[i]);
		st.top[i] = 0;
	}
	st.docs_built = false;
	st.built_plan = -1;
	st.pipeline_refused = false;
}

static bool is_wide_trust(const struct ew_setup *s)
{
	for (size_t i = 0; i < s->nscopes; i++)
		if (s->scopes[i].kind == EW_SCOPE_ANY ||
		    (s->scopes[i].is_pattern && s->scopes[i].value &&
		     strcmp(s->scopes[i].value, "*") == 0))
			return true;
	return false;
}

static bool docs_readable(const struct ew_wizard *w)
{
	/* The identity step stores the account in the setup when it was
	 * unset: until the plan is over, only read a setup that had one. */
	return (w->plan != EW_PROBE_RUNNING || st.account_known) &&
	       w->setup.account;
}

static void add_error(struct ew_buf *b, const char *what,
		      const struct ew_error *err)
{
	ew_buf_printf(b, "// cannot build the %s: %s\n", what, err->message);
}

static void build_docs(struct ew_wizard *w)
{
	const struct ew_setup *s = &w->setup;
	size_t n = ew_setup_target_count(s);
	struct ew_error err;

	for (size_t t = 0; t < n; t++) {
		const struct ew_env_target *env = ew_setup_target_env(s, t);

		if (env) {
			struct ew_buf role;

			ew_buf_init(&role);
			ew_setup_role_name_for(&role, s, env);
			ew_buf_printf(&st.text[TAB_TRUST],
				      "%s// environment %s: role %s\n",
				      t ? "\n" : "", env->name, role.ptr);
			ew_buf_clear(&role);
			ew_setup_policy_name_for(&role, s, env);
			ew_buf_printf(&st.text[TAB_PERMISSIONS],
				      "%s// environment %s: policy %s\n",
				      t ? "\n" : "", env->name, role.ptr);
			ew_buf_release(&role);
		}
		if (ew_doc_trust_policy(&st.text[TAB_TRUST], s, env, &err))
			add_error(&st.text[TAB_TRUST], "trust policy", &err);
		if (ew_doc_permissions_policy(&st.text[TAB_PERMISSIONS], s, env,
					      &err))
			add_error(&st.text[TAB_PERMISSIONS],
				  "permissions policy", &err);
	}
	if (ew_doc_lifecycle_policy(&st.text[TAB_LIFECYCLE], s, &err))
		add_error(&st.text[TAB_LIFECYCLE], "lifecycle policy", &err);
	if (ew_doc_workflow(&st.text[TAB_WORKFLOW], s, &err))
		ew_buf_printf(&st.text[TAB_WORKFLOW],
			      "# cannot build the workflow: %s\n", err.message);
	st.docs_built = true;
}

static void build_hint(struct ew_buf *b, const struct ew_wizard *w, long step,
		       const struct ew_error *e)
{
	struct ew_hint h;

	ew_wizard_hint(w, step, e, &h);
	if (h.cause)
		ew_buf_printf(b, "  Cause: %s\n", h.cause);
	for (size_t i = 0; i < h.nfixes; i++)
		ew_buf_printf(b, "  Fix %zu: %s\n", i + 1, h.fixes[i]);
	if (h.check)
		ew_buf_printf(b, "  $ %s\n", h.check);
	for (size_t i = 0; i < h.nfind; i++)
		ew_buf_printf(b, "  Find: %s\n", h.find[i]);
	ew_hint_release(&h);
}

/* The pipeline check of the workflow and trust the run will write: one
 * line per trigger, so a refused one is seen before anything changes. */
static void build_pipeline(struct ew_buf *p, const struct ew_setup *s)
{
	struct ew_buf wf, line;
	struct ew_pipeline pl;
	struct ew_error err;
	bool with_job;

	ew_buf_init(&wf);
	ew_buf_init(&line);
	memset(&pl, 0, sizeof(pl));
	if (ew_doc_workflow(&wf, s, &err) ||
	    ew_pipeline_check_setup(&pl, s, NULL, wf.ptr, wf.len, &err)) {
		ew_buf_printf(p, "== Pipeline check: not possible\n  %s\n\n",
			      err.message);
		goto done;
	}
	with_job = ew_pipeline_names_jobs(&pl);
	st.pipeline_refused = !ew_pipeline_ok(&pl);
	ew_buf_printf(p, "== Pipeline check (%s): %s\n", s->workflow_path,
		      ew_pipeline_ok(&pl) ? "every run can assume its role"
					  : "some runs will be refused");
	for (size_t i = 0; i < pl.nruns; i++) {
		ew_buf_clear(&line);
		ew_pipeline_run_line(&line, &pl.runs[i], with_job);
		ew_buf_printf(p, "  %s %s\n", pl.runs[i].admitted ? "ok" : "!",
			      line.ptr);
		if (!pl.runs[i].admitted)
			ew_buf_printf(p, "    fix: %s\n", pl.runs[i].fix);
	}
	for (size_t i = 0; i < pl.nnotes; i++)
		ew_buf_printf(p, "  note: %s\n", pl.notes[i]);
	ew_buf_putc(p, '\n');
done:
	ew_pipeline_release(&pl);
	ew_buf_release(&wf);
	ew_buf_release(&line);
}

static void build_plan(struct ew_wizard *w)
{
	struct ew_buf *p = &st.text[TAB_PLAN], *c = &st.text[TAB_CHANGES];
	const struct ew_engine *e = &w->engine;

	if (st.start_error[0]) {
		ew_buf_printf(p, "== The plan cannot start\n  %s\n",
			      st.start_error);
		return;
	}
	if (!w->has_engine || w->plan == EW_PROBE_RUNNING)
		return;
	if (w->offline)
		ew_buf_puts(p, "  ! offline: no credentials, nothing was read "
			       "from AWS; every resource is shown as new\n\n");
	if (w->plan == EW_PROBE_FAILED && ew_engine_identity_failed(e)) {
		const struct ew_error *err = &ew_engine_identity_step(e)->error;

		ew_buf_printf(p, "== %s failed\n  %s%s%s\n",
			      ew_engine_identity_step(e)->title, err->aws_code,
			      err->aws_code[0] ? ": " : "", err->message);
		/* The identity step is shared: no target to ask for. */
		build_hint(p, w, -1, err);
		ew_buf_puts(p, "\n  ! the run checks the credentials again and "
			       "stops at this step\n");
		return;
	}
	/* First: a refused trigger matters more than any single step. */
	build_pipeline(p, &w->setup);
	if (ew_engine_conflict(e, EW_CONFLICT_SHARED))
		ew_buf_puts(p,
			    "  ! DESTRUCTIVE: the role or policy also serves "
			    "another repository (below); Enter offers "
			    "the two ways on\n\n");
	for (size_t i = 0; i < e->nsteps; i++) {
		const struct ew_step *s = &e->steps[i];

		ew_buf_printf(p, "== [%s] %s\n",
			      s->state == EW_STATE_FAILED
				  ? "cannot check"
				  : ew_step_action_name(s->action),
			      s->title);
		if (s->state == EW_STATE_FAILED) {
			ew_buf_printf(p, "  ! %s%s%s\n", s->error.aws_code,
				      s->error.aws_code[0] ? ": " : "",
				      s->error.message);
		} else if (s->detail[0]) {
			ew_buf_printf(p, "  %s\n", s->detail);
		}
		/* As the text plan: a step with nothing to do shows its
		 * commands commented out. */
		if (s->cli.len)
			ew_plan_render_cli(p, s, false, "  $ ", "  # ");
		ew_buf_putc(p, '\n');
		if (s->kind == EW_STEP_IDENTITY || s->kind == EW_STEP_OUTPUTS)
			continue;
		if (s->state == EW_STATE_FAILED)
			ew_buf_printf(c, "== %s: could not be read\n  %s\n\n",
				      s->title, s->error.message);
		else if (s->action == EW_ACTION_UPDATE && s->diff.len)
			ew_buf_printf(c, "== %s: will be updated\n%s\n",
				      s->title, s->diff.ptr);
		else if (s->conflict == EW_CONFLICT_NOT_OURS && s->diff.len)
			ew_buf_printf(c,
				      "== %s: differs, kept (not created by "
				      "ecr-wizard)\n%s\n",
				      s->title, s->diff.ptr);
		else if (s->action == EW_ACTION_UPDATE)
			ew_buf_printf(c, "== %s: will be updated\n  %s\n\n",
				      s->title, s->detail);
		else
			ew_buf_printf(c, "== %s: %s\n\n", s->title,
				      s->action == EW_ACTION_CREATE
					  ? "will be created"
				      : s->action == EW_ACTION_UNCHANGED
					  ? "no change"
					  : ew_step_action_name(s->action));
	}
}

static void build_workflow_change(struct ew_wizard *w)
{
	struct ew_buf cur, d;
	struct ew_error err;
	struct ew_buf *c = &st.text[TAB_CHANGES];
	const char *path = w->setup.workflow_path;
	bool changed = false;
	int rc;

	if (!st.docs_built)
		return;
	ew_buf_init(&cur);
	ew_buf_init(&d);
	rc = ew_file_read_in(&cur, w->workflow_root, path, 1 << 20, &err);
	if (rc == EW_ENOTFOUND)
		ew_buf_printf(c, "== workflow %s: new file\n\n", path);
	else if (rc)
		ew_buf_printf(c, "== workflow %s: cannot read it\n  %s\n\n",
			      path, err.message);
	else if (ew_diff_unified(&d, cur.ptr, st.text[TAB_WORKFLOW].ptr, path,
				 path, &changed, &err) == 0 &&
		 changed)
		ew_buf_printf(c,
			      "== workflow %s: differs from the file in the "
			      "repository\n%s\n",
			      path, d.ptr);
	else
		ew_buf_printf(c, "== workflow %s: identical\n\n", path);
	ew_buf_release(&cur);
	ew_buf_release(&d);
}

static void update_tabs(struct ew_wizard *w)
{
	if (!st.docs_built && docs_readable(w))
		build_docs(w);
	if (st.built_plan != (int)w->plan &&
	    (w->plan != EW_PROBE_RUNNING || st.start_error[0])) {
		ew_buf_clear(&st.text[TAB_PLAN]);
		ew_buf_clear(&st.text[TAB_CHANGES]);
		build_plan(w);
		build_workflow_change(w);
		st.built_plan = (int)w->plan;
	}
}

static void enter(struct ew_wizard *w)
{
	struct ew_error err;

	if (!st.inited) {
		for (int i = 0; i < NTABS; i++)
			ew_buf_init(&st.text[i]);
		ew_input_init(&st.search);
		st.inited = true;
	}
	clear_tabs();
	st.asking = ASK_NONE;
	st.lifecycle_kept = false;
	st.start_error[0] = 0;
	st.searching = false;
	st.ask_when_ready = false;
	st.account_known = w->setup.account != NULL;
	if (!w->has_engine && ew_wizard_start_plan(w, &err) != 0)
		snprintf(st.start_error, sizeof(st.start_error), "%s",
			 err.message);
	update_tabs(w);
}

static void draw_tabs(struct ew_wizard *w, int y)
{
	int x = 1;
	bool narrow = COLS < 90;

	for (int i = 0; i < NTABS; i++) {
		char name[48], num[16] = "";

		if (!narrow)
			snprintf(num, sizeof(num), "%d ", i + 1);
		snprintf(name, sizeof(name),
			 i == st.tab ? "[%s%s%s]" : " %s%s%s ", num,
			 tabs[i].name,
			 (i == TAB_TRUST && is_wide_trust(&w->setup) &&
			  docs_readable(w)) ||
				 (i == TAB_PLAN && st.pipeline_refused)
			     ? " !"
			     : "");
		x += ew_ui_put(
		    y, x, COLS - x,
		    i == st.tab ? EW_ROLE_TITLE_CURRENT : EW_ROLE_LABEL, name);
		x++;
	}
}

/* The info rows above the document: the trust warning wraps (whole, at
 * word boundaries) rather than being cut. */
static int draw_info(struct ew_wizard *w, int y, size_t lines, int rows,
		     bool draw)
{
	char line[320];
	const struct ew_setup *s = &w->setup;

	if (st.tab == TAB_TRUST && docs_readable(w) && is_wide_trust(s)) {
		snprintf(line, sizeof(line),
			 "%s repository-wide: every branch, tag, pull request "
			 "and environment of %s/%s may assume the role",
			 ew_ui_glyphs()->warn, s->owner, s->repo);
		return ew_ui_wrap(y, 1, COLS - 2, 2, 3, EW_ROLE_WARNING, line,
				  draw);
	}
	if (!draw)
		return 1;
	if (st.tab == TAB_WORKFLOW && docs_readable(w)) {
		ew_wizard_workflow_shown(w, line, sizeof(line));
		ew_ui_put(y, 1, COLS - 14, EW_ROLE_HINT, line);
	}
	if (lines > (size_t)rows) {
		snprintf(line, sizeof(line), "%zu-%zu/%zu", st.top[st.tab] + 1,
			 st.top[st.tab] + (size_t)rows < lines
			     ? st.top[st.tab] + (size_t)rows
			     : lines,
			 lines);
		ew_ui_put(y, COLS - 1 - ew_ui_width(line), 0, EW_ROLE_DIM,
			  line);
	}
	return 1;
}

/* The question Enter raised, over the last rows of the body. */
static void draw_question(struct ew_wizard *w)
{
	const struct ew_engine *e = &w->engine;
	struct ew_buf text, role, policy;
	int y = LINES - 9;

	if (st.asking == ASK_NONE || !w->has_engine)
		return;
	ew_buf_init(&text);
	ew_buf_init(&role);
	ew_buf_init(&policy);
	ew_buf_printf(&text, "%s ", ew_ui_glyphs()->warn);
	if (st.asking == ASK_SHARED) {
		const char *sep = "Destructive: ";

		/* The role first: whom it trusts is what users know. */
		for (size_t k = 0; k < 2 * e->nsteps; k++) {
			const struct ew_step *s = &e->steps[k % e->nsteps];

			if (s->conflict != EW_CONFLICT_SHARED ||
			    s->conflict_resolved ||
			    (s->kind == EW_STEP_ROLE) != (k < e->nsteps))
				continue;
			ew_buf_printf(&text, "%sthe %s %s %s", sep,
				      s->kind == EW_STEP_ROLE ? "role"
							      : "policy",
				      s->kind == EW_STEP_ROLE ? "also trusts"
							      : "also grants",
				      s->others);
			sep = "; ";
		}
		ew_sharing_suggest_names(&role, &policy, &w->setup);
		ew_buf_printf(&text,
			      ", which would lose access.\n"
			      "s    share: keep their access, add %s/%s\n"
			      "n    new names: %s and %s\n"
			      "Esc  back",
			      w->setup.owner, w->setup.repo, role.ptr,
			      policy.ptr);
	} else {
		const struct ew_step *c =
		    ew_engine_conflict(e, EW_CONFLICT_NOT_OURS);

		ew_buf_printf(&text,
			      "%s: the repository %s was not created by "
			      "ecr-wizard; its lifecycle policy is its "
			      "owner's.\n"
			      "r    replace it with keep %d\n"
			      "k    keep it and run\n"
			      "Esc  back",
			      c ? c->title : "", c ? c->others : "",
			      w->setup.keep_images);
	}
	for (int r = y; r < LINES - 2; r++)
		ew_ui_fill(r, 0, COLS, EW_ROLE_NORMAL);
	ew_ui_wrap(y, 1, COLS - 2, 5, LINES - 2 - y, EW_ROLE_WARNING, text.ptr,
		   true);
	ew_buf_release(&text);
	ew_buf_release(&role);
	ew_buf_release(&policy);
}

static void replan(struct ew_wizard *w)
{
	int tab = st.tab;

	ew_wizard_drop_engine(w);
	enter(w);
	st.tab = tab;
}

/* Enter on a finished plan: first what serves someone else (the user
 * chooses how, docs/sharing.md), then the confirmation that names what
 * changes in AWS. */
static void ask_to_apply(struct ew_wizard *w)
{
	if (w->has_engine &&
	    ew_engine_conflict(&w->engine, EW_CONFLICT_SHARED)) {
		st.asking = ASK_SHARED;
		return;
	}
	if (w->has_engine && !st.lifecycle_kept &&
	    ew_engine_conflict(&w->engine, EW_CONFLICT_NOT_OURS)) {
		st.asking = ASK_LIFECYCLE;
		return;
	}
	w->confirm = EW_CONFIRM_APPLY;
}

/* A key while a question is open: the answer, or close it. */
static bool answer(struct ew_wizard *w, int key)
{
	struct ew_buf role, policy;
	struct ew_error err;
	bool shared = st.asking == ASK_SHARED;

	st.asking = ASK_NONE;
	if (shared && (key == 's' || key == 'S')) {
		w->setup.share_role = true;
		replan(w);
		ew_wizard_message(w, EW_ROLE_NORMAL,
				  "sharing: the plan keeps the other "
				  "repository's access");
		return true;
	}
	if (shared && (key == 'n' || key == 'N')) {
		ew_buf_init(&role);
		ew_buf_init(&policy);
		if (ew_sharing_suggest_names(&role, &policy, &w->setup) ||
		    ew_setup_set_role_name(&w->setup, role.ptr, &err) ||
		    ew_setup_set_policy_name(&w->setup, policy.ptr, &err))
			ew_wizard_message(w, EW_ROLE_ERROR, "%s", err.message);
		else
			replan(w);
		ew_buf_release(&role);
		ew_buf_release(&policy);
		return true;
	}
	if (!shared && (key == 'r' || key == 'R')) {
		w->setup.replace_lifecycle = true;
		replan(w);
		return true;
	}
	if (!shared && (key == 'k' || key == 'K')) {
		st.lifecycle_kept = true;
		ask_to_apply(w);
		return true;
	}
	return true;
}

static void draw(struct ew_wizard *w, int top, int rows)
{
	const char *text;
	size_t lines;
	int info, body, brows;

	update_tabs(w);
	if (st.ask_when_ready && w->plan != EW_PROBE_RUNNING && !w->confirm &&
	    !w->help_open) {
		st.ask_when_ready = false;
		w->message[0] = 0;
		ask_to_apply(w);
	}
	draw_tabs(w, top);
	text = st.text[st.tab].ptr;
	lines = ew_text_lines(text);
	info = draw_info(w, top + 1, lines, rows - 2, false);
	body = top + 1 + info;
	brows = rows - 1 - info;
	st.info_rows = info;
	draw_info(w, top + 1, lines, brows, true);
	if (!lines) {
		char line[256];
		bool waiting = st.tab >= TAB_PLAN || !docs_readable(w);

		if (waiting && w->plan == EW_PROBE_RUNNING && w->has_engine) {
			size_t done = 0;

			for (size_t i = 0; i < w->nviews; i++)
				done +=
				    w->views[i].action != EW_ACTION_UNKNOWN ||
				    w->views[i].state == EW_STATE_DONE;
			snprintf(line, sizeof(line),
				 "%s reading what exists in the account "
				 "(%zu of %zu steps checked)",
				 ew_wizard_spinner(w), done, w->nviews);
			ew_ui_put(body + 1, 3, 0, EW_ROLE_RUNNING, line);
		} else if (!docs_readable(w)) {
			ew_ui_wrap(body + 1, 3, COLS - 6, 0, 3, EW_ROLE_WARNING,
				   "The documents need the AWS account ID, and "
				   "the identity check failed: see the Plan "
				   "tab.",
				   true);
		}
		return;
	}
	ew_draw_text(body, brows, 1, COLS - 2, text, st.top[st.tab],
		     tabs[st.tab].kind, st.pattern);
	draw_question(w);
	if (st.searching) {
		ew_ui_fill(LINES - 2, 0, COLS, EW_ROLE_NORMAL);
		ew_ui_put(LINES - 2, 1, 0, EW_ROLE_VALUE, "/");
		ew_input_draw(&st.search, LINES - 2, 2, 40, true);
	}
}

static void scroll_by(int rows, long delta)
{
	size_t lines = ew_text_lines(st.text[st.tab].ptr);
	long max = (long)lines - rows;
	long top = (long)st.top[st.tab] + delta;

	if (max < 0)
		max = 0;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	st.top[st.tab] = (size_t)top;
}

static int body_rows(void)
{
	return LINES - 3 - 1 - (st.info_rows ? st.info_rows : 1);
}

static void find(struct ew_wizard *w, bool forward, bool from_here)
{
	long at;
	size_t from = st.top[st.tab];

	if (!st.pattern[0])
		return;
	if (!from_here) {
		size_t n = ew_text_lines(st.text[st.tab].ptr);

		from = forward ? from + 1 : (from ? from - 1 : n ? n - 1 : 0);
	}
	at = ew_text_find(st.text[st.tab].ptr, from, st.pattern, forward);
	if (at < 0) {
		ew_wizard_message(w, EW_ROLE_WARNING, "'%s' not found",
				  st.pattern);
		return;
	}
	st.top[st.tab] = (size_t)at;
	scroll_by(body_rows(), 0);
	if ((size_t)at != st.top[st.tab])
		ew_wizard_message(w, EW_ROLE_NORMAL, "'%s' at line %ld",
				  st.pattern, at + 1);
}

static bool edit_key(struct ew_wizard *w, int key)
{
	if (st.asking != ASK_NONE)
		return answer(w, key);
	if (!st.searching)
		return false;
	/* Help and C-c work while typing a pattern. */
	if (key == KEY_F(1) || key == EW_KEY_CTRL('c') ||
	    key == EW_KEY_CTRL('l'))
		return false;
	if (key == EW_KEY_ESC) {
		st.searching = false;
		return true;
	}
	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		st.searching = false;
		snprintf(st.pattern, sizeof(st.pattern), "%s",
			 st.search.text.ptr);
		find(w, true, true);
		return true;
	}
	ew_input_key(&st.search, key);
	return true;
}

static void handle(struct ew_wizard *w, enum ew_action a)
{
	int rows = body_rows();

	switch (a) {
	case EW_ACT_NEXT:
		st.tab = (st.tab + 1) % NTABS;
		break;
	case EW_ACT_PREV:
		st.tab = (st.tab + NTABS - 1) % NTABS;
		break;
	case EW_ACT_UP:
		scroll_by(rows, -1);
		break;
	case EW_ACT_DOWN:
		scroll_by(rows, 1);
		break;
	case EW_ACT_PAGE_UP:
		scroll_by(rows, -(rows - 1));
		break;
	case EW_ACT_PAGE_DOWN:
		scroll_by(rows, rows - 1);
		break;
	case EW_ACT_HOME:
		st.top[st.tab] = 0;
		break;
	case EW_ACT_END:
		scroll_by(rows, (long)ew_text_lines(st.text[st.tab].ptr));
		break;
	case EW_ACT_SEARCH:
		st.searching = true;
		ew_input_set(&st.search, "");
		break;
	case EW_ACT_SEARCH_NEXT:
		find(w, true, false);
		break;
	case EW_ACT_SEARCH_PREV:
		find(w, false, false);
		break;
	case EW_ACT_BACK:
		ew_wizard_goto(w, &ew_screen_choices);
		break;
	case EW_ACT_ACCEPT:
		if (st.start_error[0]) {
			ew_wizard_message(w, EW_ROLE_ERROR, "%s",
					  st.start_error);
			break;
		}
		if (w->offline) {
			ew_wizard_goto(w, &ew_screen_done);
			break;
		}
		/* The question names what changes, so it needs the plan:
		 * it opens as soon as the plan is ready. */
		if (w->plan == EW_PROBE_RUNNING) {
			st.ask_when_ready = true;
			ew_wizard_message(w, EW_ROLE_NORMAL,
					  "reading what exists: the question "
					  "follows when the plan is ready");
			break;
		}
		ask_to_apply(w);
		break;
	default:
		break;
	}
}

static const char *label(struct ew_wizard *w, enum ew_action a)
{
	if (st.searching && (a == EW_ACT_ACCEPT || a == EW_ACT_BACK))
		return a == EW_ACT_ACCEPT ? "find" : "cancel";
	if (a == EW_ACT_ACCEPT)
		return w->offline ? "finish (preview only)" : "apply (asks)";
	if (a == EW_ACT_SEARCH_NEXT && st.pattern[0])
		return "next match";
	return NULL;
}

static bool takes_text(struct ew_wizard *w)
{
	(void)w;
	return st.searching;
}

static bool can(struct ew_wizard *w, enum ew_action a)
{
	(void)w;
	if (st.searching)
		return a == EW_ACT_ACCEPT || a == EW_ACT_BACK ||
		       a == EW_ACT_HELP || a == EW_ACT_REDRAW ||
		       a == EW_ACT_INTERRUPT;
	switch (a) {
	case EW_ACT_SEARCH_NEXT:
	case EW_ACT_SEARCH_PREV:
		return st.pattern[0] != 0 && !st.searching;
	case EW_ACT_EDIT:
	case EW_ACT_TOGGLE:
		return false;
	default:
		return true;
	}
}

const struct ew_screen_ops ew_screen_preview = {
    EW_SCREEN_PREVIEW, "Preview", enter, draw, edit_key, handle, label, can,
    takes_text,
};
