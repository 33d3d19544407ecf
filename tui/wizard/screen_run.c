/*
 * screen_run.c - screen 5: the run.  Every step with its state (pending,
 * running with a spinner and the time so far, done, unchanged, updated,
 * skipped, failed), retries as they happen, a log pane, and on a failure
 * the AWS error, the hint from the troubleshooting knowledge and the
 * choice: retry, skip, abort, details.
 */
#include "draw.h"
#include "hint.h"
#include "wizard.h"

#include <string.h>

static struct {
	bool details;
	size_t first;		      /* first step row shown */
	size_t hint_top;	      /* first line of the failure pane shown */
	size_t hint_lines, hint_rows; /* as last drawn */
	long hint_step;		      /* the failure the pane shows */
	int list_rows;		      /* step rows shown, as last drawn */
	unsigned retries;	      /* by the user, this run */
	size_t log_back;	      /* log lines scrolled back from the end */
	size_t log_lines, log_rows;   /* as last drawn */
} st;

static void enter(struct ew_wizard *w)
{
	st.details = false;
	st.first = 0;
	st.hint_top = 0;
	st.hint_step = -1;
	st.retries = 0;
	st.log_back = 0;
	ew_wizard_start_apply(w);
}

static const char *glyph(const struct ew_wizard *w,
			 const struct ew_step_view *v, enum ew_role *role)
{
	const struct ew_ui_glyphs *g = ew_ui_glyphs();

	switch (v->state) {
	case EW_STATE_PENDING:
		*role = EW_ROLE_DIM;
		return g->pending;
	case EW_STATE_RUNNING:
		*role = EW_ROLE_RUNNING;
		return ew_wizard_spinner(w);
	case EW_STATE_DONE:
		*role = EW_ROLE_OK;
		return g->check;
	case EW_STATE_UPDATED:
		*role = EW_ROLE_OK;
		return g->updated;
	case EW_STATE_UNCHANGED:
		*role = EW_ROLE_NORMAL;
		return g->check;
	case EW_STATE_SKIPPED:
		*role = EW_ROLE_WARNING;
		return g->skip;
	case EW_STATE_FAILED:
		*role = EW_ROLE_ERROR;
		return g->cross;
	}
	*role = EW_ROLE_NORMAL;
	return " ";
}

/* Columns: glyph, title (as wide as the longest), state, time, and the
 * detail or the latest retry when there is room. */
static int title_width(const struct ew_wizard *w)
{
	int tw = 10;

	for (size_t i = 0; i < w->nviews; i++) {
		int n = ew_ui_width(w->views[i].title);

		if (n > tw)
			tw = n;
	}
	if (tw > COLS - 4 - 18)
		tw = COLS - 4 - 18;
	return tw;
}

static void draw_step(struct ew_wizard *w, const struct ew_step_view *v, int y,
		      int tw)
{
	enum ew_role role;
	const char *gl = glyph(w, v, &role);
	char t[32], state[32];
	double secs = v->elapsed;
	int x = 4 + tw + 1;

	ew_ui_put(y, 2, 1, role, gl);
	ew_ui_put(y, 4, tw,
		  v->state == EW_STATE_PENDING ? EW_ROLE_DIM : EW_ROLE_NORMAL,
		  v->title);
	snprintf(state, sizeof(state), "%s",
		 v->awaiting ? "waiting"
		 : w->apply_done && v->state == EW_STATE_PENDING
		     ? "not run"
		     : ew_wizard_state_word(v));
	ew_ui_put(y, x, 10, role == EW_ROLE_DIM ? EW_ROLE_DIM : role, state);
	if (v->state == EW_STATE_RUNNING && v->started > 0)
		secs = v->elapsed + (ew_wizard_clock() - v->started);
	if (v->state != EW_STATE_PENDING) {
		ew_wizard_elapsed(t, sizeof(t), secs);
		ew_ui_put(y, x + 10, 7, EW_ROLE_DIM, t);
	}
	x += 17;
	if (COLS - x < 20)
		return;
	if (v->note[0] && v->state == EW_STATE_RUNNING)
		ew_draw_cut(y, x, COLS - x - 1, EW_ROLE_WARNING, v->note);
	else if (v->state != EW_STATE_PENDING && v->state != EW_STATE_RUNNING &&
		 strcmp(v->detail, "cancelled") != 0)
		ew_draw_cut(y, x, COLS - x - 1, EW_ROLE_HINT,
			    v->state == EW_STATE_FAILED ? v->error.aws_code
							: v->detail);
}

/* One paragraph of the failure pane, wrapped at word boundaries into
 * lines "R<text>" (R: the role as a letter, see pane_role). */
static void add_para(struct ew_buf *out, char role, int width, int indent,
		     const char *text)
{
	const char *p = text;
	bool first = true;

	while (*p) {
		int avail = width - (first ? 0 : indent);
		size_t n = strcspn(p, "\n");
		size_t fit = ew_ui_fit(p, n, avail, NULL);

		if (fit < n) {
			size_t brk = fit;

			while (brk > 0 && p[brk] != ' ')
				brk--;
			if (brk > 0)
				fit = brk;
		}
		if (fit == 0)
			fit = n ? 1 : 0;
		ew_buf_printf(out, "%c%*s%.*s\n", role, first ? 0 : indent, "",
			      (int)fit, p);
		p += fit;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
		first = false;
		if (!n)
			break;
	}
}

static enum ew_role pane_role(char c)
{
	switch (c) {
	case 'e':
		return EW_ROLE_ERROR;
	case 'v':
		return EW_ROLE_VALUE;
	case 'h':
		return EW_ROLE_HINT;
	case 's':
		return EW_ROLE_SHELL;
	default:
		return EW_ROLE_NORMAL;
	}
}

static void build_failure(struct ew_wizard *w, size_t i, struct ew_buf *out)
{
	const struct ew_step_view *v = &w->views[i];
	struct ew_hint h;
	struct ew_buf b;
	int width = COLS - 4;

	ew_wizard_hint(w, (long)i, &v->error, &h);
	ew_buf_init(&b);
	add_para(out, 'v', width, 2, h.error ? h.error : v->error.message);
	if (st.details) {
		ew_buf_printf(&b, "operation %s, HTTP %ld, request id %s",
			      v->error.operation[0] ? v->error.operation : "-",
			      v->error.http_status,
			      v->error.request_id[0] ? v->error.request_id
						     : "-");
		add_para(out, 'h', width, 2, b.ptr);
	}
	if (h.cause) {
		ew_buf_clear(&b);
		ew_buf_printf(&b, "Cause: %s", h.cause);
		add_para(out, 'n', width, 7, b.ptr);
	}
	for (size_t s = 0; s < h.nfixes; s++) {
		ew_buf_clear(&b);
		ew_buf_printf(&b, "Fix %zu: %s", s + 1, h.fixes[s]);
		add_para(out, 'n', width, 7, b.ptr);
	}
	if (h.check) {
		ew_buf_clear(&b);
		ew_buf_printf(&b, "Check: %s", h.check);
		add_para(out, 's', width, 7, b.ptr);
	}
	for (size_t s = 0; s < h.nfind; s++) {
		ew_buf_clear(&b);
		ew_buf_printf(&b, "Find:  %s", h.find[s]);
		add_para(out, 'h', width, 7, b.ptr);
	}
	ew_buf_release(&b);
	ew_hint_release(&h);
}

/* The failure, its cause, every fix and the check command: the whole hint
 * scrolls (Up/Down, PgUp/PgDn, Home/End), so all of it is reachable at
 * 80x24. */
static int draw_failure(struct ew_wizard *w, size_t i, int y, int bottom)
{
	const struct ew_step_view *v = &w->views[i];
	const struct ew_ui_glyphs *g = ew_ui_glyphs();
	struct ew_buf pane;
	char line[256];
	size_t n, rows;
	const char *l;

	if (st.hint_step != (long)i) {
		st.hint_step = (long)i;
		st.hint_top = 0;
	}
	ew_buf_init(&pane);
	build_failure(w, i, &pane);
	snprintf(line, sizeof(line), "%s %s failed", g->cross, v->title);
	ew_ui_put(y++, 1, COLS - 2, EW_ROLE_ERROR, line);
	n = ew_text_lines(pane.ptr);
	rows = bottom - y > 0 ? (size_t)(bottom - y) : 0;
	if (st.hint_top + rows > n)
		st.hint_top = n > rows ? n - rows : 0;
	st.hint_lines = n;
	st.hint_rows = rows;
	l = pane.ptr;
	for (size_t k = 0; *l && k < st.hint_top + rows; k++) {
		size_t len = strcspn(l, "\n");

		if (k >= st.hint_top && len)
			ew_ui_putn(y + (int)(k - st.hint_top), 3, COLS - 4,
				   pane_role(l[0]), l + 1, len - 1);
		l += len + (l[len] == '\n');
	}
	if (n > rows) {
		snprintf(line, sizeof(line), "%zu-%zu/%zu  %s", st.hint_top + 1,
			 st.hint_top + rows < n ? st.hint_top + rows : n, n,
			 st.hint_top + rows < n ? "PgDn more" : "PgUp back");
		ew_ui_put(bottom, COLS - 1 - ew_ui_width(line), 0, EW_ROLE_HINT,
			  line);
	}
	ew_buf_release(&pane);
	ew_ui_put(bottom, 3, 0, EW_ROLE_VALUE,
		  "r retry (Enter)  s skip  a abort  d details");
	return y;
}

/* The log's tail, or earlier lines once scrolled back (PgUp). */
static void draw_log(struct ew_wizard *w, int y, int rows)
{
	const char *log = ew_wizard_run_log(w);
	size_t n = ew_text_lines(log);
	size_t first = n > (size_t)rows ? n - (size_t)rows : 0;
	char pos[48];

	st.log_lines = n;
	st.log_rows = rows > 0 ? (size_t)rows : 0;
	if (st.log_back > first)
		st.log_back = first;
	first -= st.log_back;
	ew_draw_text(y, rows, 2, COLS - 3, log, first, 0, NULL);
	if (n > (size_t)rows && rows > 0) {
		snprintf(pos, sizeof(pos), "log %zu-%zu/%zu", first + 1,
			 first + (size_t)rows, n);
		ew_ui_put(y - 1, COLS - 2 - ew_ui_width(pos), 0, EW_ROLE_HINT,
			  pos);
	}
}

static void summary(struct ew_wizard *w, char *out, size_t size)
{
	unsigned created = 0, updated = 0, unchanged = 0, skipped = 0,
		 failed = 0, cancelled = 0, notrun = 0;
	char t[32];

	for (size_t i = 0; i < w->nviews; i++) {
		switch (w->views[i].state) {
		case EW_STATE_DONE:
			created++;
			break;
		case EW_STATE_UPDATED:
			updated++;
			break;
		case EW_STATE_UNCHANGED:
			unchanged++;
			break;
		case EW_STATE_SKIPPED:
			if (strcmp(ew_wizard_state_word(&w->views[i]),
				   "not run") == 0)
				notrun++;
			else
				skipped++;
			break;
		case EW_STATE_FAILED:
			if (w->views[i].error.code == EW_ECANCEL)
				cancelled++;
			else
				failed++;
			break;
		default:
			notrun++;
		}
	}
	ew_wizard_elapsed(t, sizeof(t), w->run_elapsed);
	snprintf(out, size,
		 "%u done, %u updated, %u unchanged, %u skipped, %u failed, "
		 "%u%s not run; %u requests (%u changes) in %s",
		 created, updated, unchanged, skipped, failed,
		 notrun + cancelled, cancelled ? " cancelled or" : "",
		 w->result.requests, w->result.mutations, t);
}

static int draw_outcome(struct ew_wizard *w, int y)
{
	int y0 = y;

	const struct ew_ui_glyphs *g = ew_ui_glyphs();
	char line[512], sum[256];

	summary(w, sum, sizeof(sum));
	if (ew_wizard_is_complete(w)) {
		snprintf(line, sizeof(line),
			 "%s Setup complete: %s.  Enter shows the GitHub "
			 "secrets and the workflow.",
			 g->check, sum);
		y += ew_ui_wrap(y, 1, COLS - 2, 4, 3, EW_ROLE_OK, line, true);
	} else if (w->result.aborted) {
		snprintf(line, sizeof(line), "%s Aborted: %s", g->warn, sum);
		y += ew_ui_wrap(y, 1, COLS - 2, 4, 2, EW_ROLE_WARNING, line,
				true);
		y += ew_ui_wrap(y, 3, COLS - 4, 0, 3, EW_ROLE_NORMAL,
				"Every step either finished or did not start: "
				"nothing is half-written.  Run ecr-wizard "
				"again to finish; finished steps will show "
				"unchanged.",
				true);
	} else {
		snprintf(line, sizeof(line), "%s Finished with problems: %s",
			 g->cross, sum);
		y +=
		    ew_ui_wrap(y, 1, COLS - 2, 4, 2, EW_ROLE_ERROR, line, true);
		y += ew_ui_wrap(y, 3, COLS - 4, 0, 2, EW_ROLE_NORMAL,
				"Fix the cause shown in the log and run "
				"ecr-wizard again: finished steps will show "
				"unchanged.",
				true);
	}
	return y - y0;
}

static void draw(struct ew_wizard *w, int top, int rows)
{
	int y = top + 1, bottom = top + rows - 1;
	int list_rows, pane;
	long failed = ew_wizard_failed_step(w);
	char line[256], t[32];

	if (!w->has_engine) {
		ew_ui_put(y, 2, 0, EW_ROLE_ERROR, "nothing to run");
		return;
	}
	if (!w->apply_started) {
		snprintf(line, sizeof(line),
			 "%s finishing the checks before the run",
			 ew_wizard_spinner(w));
		ew_ui_put(y, 2, 0, EW_ROLE_RUNNING, line);
	} else {
		double secs =
		    (w->apply_done ? w->run_elapsed
				   : ew_wizard_clock() - w->run_started);

		ew_wizard_elapsed(t, sizeof(t), secs);
		snprintf(line, sizeof(line), "Run: %zu steps, %s%s", w->nviews,
			 t,
			 w->apply_done ? ""
			 : failed >= 0 ? ", waiting for you"
				       : ", running");
		ew_ui_put(y, 2, 0, EW_ROLE_HEADING, line);
	}
	y += 2;
	/* Steps on top, then the failure, the outcome or the log. */
	/* On a failure the hint needs the room: show a few steps only. */
	pane = failed >= 0 ? rows - 4 - (st.details ? 1 : 3) : 5;
	list_rows = rows - 4 - pane;
	if (list_rows > (int)w->nviews)
		list_rows = (int)w->nviews;
	st.list_rows = list_rows;
	if (failed >= 0 && (size_t)failed >= st.first + (size_t)list_rows)
		st.first = (size_t)failed - (size_t)list_rows + 1;
	for (int r = 0; r < list_rows && st.first + (size_t)r < w->nviews; r++)
		draw_step(w, &w->views[st.first + (size_t)r], y + r,
			  title_width(w));
	y += list_rows;
	ew_ui_hline(y++, 1, COLS - 2, EW_ROLE_BORDER);
	if (failed >= 0)
		draw_failure(w, (size_t)failed, y, bottom);
	else if (w->apply_done) {
		y += draw_outcome(w, y);
		if (bottom - y >= 1)
			draw_log(w, y + 1, bottom - y);
	} else
		draw_log(w, y, bottom - y + 1);
}

static void scroll_hint(enum ew_action a)
{
	long page = st.hint_rows > 1 ? (long)st.hint_rows - 1 : 1;
	long max = (long)st.hint_lines - (long)st.hint_rows;
	long top = (long)st.hint_top;

	if (a == EW_ACT_UP)
		top--;
	else if (a == EW_ACT_DOWN)
		top++;
	else if (a == EW_ACT_PAGE_UP)
		top -= page;
	else if (a == EW_ACT_PAGE_DOWN)
		top += page;
	else if (a == EW_ACT_HOME)
		top = 0;
	else
		top = max;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	st.hint_top = (size_t)top;
}

static bool log_overflows(void)
{
	return st.log_lines > st.log_rows;
}

static void scroll_log(enum ew_action a)
{
	size_t max = log_overflows() ? st.log_lines - st.log_rows : 0;
	size_t page = st.log_rows > 1 ? st.log_rows - 1 : 1;

	if (a == EW_ACT_PAGE_UP)
		st.log_back += page;
	else if (a == EW_ACT_PAGE_DOWN)
		st.log_back = st.log_back > page ? st.log_back - page : 0;
	else if (a == EW_ACT_HOME)
		st.log_back = max;
	else
		st.log_back = 0;
	if (st.log_back > max)
		st.log_back = max;
}

/* A retry that fails the same way looks like nothing happened: say it
 * was tried. */
static void retry(struct ew_wizard *w, size_t i)
{
	ew_wizard_decide(w, i, EW_DECISION_RETRY);
	st.details = false;
	st.retries++;
	ew_wizard_message(w, EW_ROLE_NORMAL, "retried %s (%u %s)",
			  w->views[i].title, st.retries,
			  st.retries == 1 ? "retry" : "retries");
}

static void handle(struct ew_wizard *w, enum ew_action a)
{
	long failed = ew_wizard_failed_step(w);

	switch (a) {
	case EW_ACT_ACCEPT:
		if (failed >= 0) {
			retry(w, (size_t)failed);
		} else if (w->apply_done) {
			ew_wizard_goto(w, &ew_screen_done);
		} else {
			ew_wizard_message(w, EW_ROLE_NORMAL,
					  "the run is in progress");
		}
		break;
	case EW_ACT_RETRY:
		if (failed >= 0)
			retry(w, (size_t)failed);
		break;
	case EW_ACT_SKIP:
		if (failed >= 0) {
			ew_wizard_decide(w, (size_t)failed, EW_DECISION_SKIP);
			st.details = false;
		}
		break;
	case EW_ACT_ABORT:
		if (w->apply_started && !w->apply_done)
			w->confirm = EW_CONFIRM_ABORT;
		break;
	case EW_ACT_DETAILS:
		if (failed >= 0)
			st.details = !st.details;
		break;
	case EW_ACT_UP:
	case EW_ACT_DOWN:
	case EW_ACT_PAGE_UP:
	case EW_ACT_PAGE_DOWN:
	case EW_ACT_HOME:
	case EW_ACT_END:
		if (failed >= 0)
			scroll_hint(a);
		else if (a != EW_ACT_UP && a != EW_ACT_DOWN)
			scroll_log(a);
		else if (a == EW_ACT_UP && st.first > 0)
			st.first--;
		else if (a == EW_ACT_DOWN && st.first + 1 < w->nviews)
			st.first++;
		break;
	default:
		break;
	}
}

static const char *label(struct ew_wizard *w, enum ew_action a)
{
	long failed = ew_wizard_failed_step(w);

	switch (a) {
	case EW_ACT_ACCEPT:
		return failed >= 0 ? "retry" : w->apply_done ? "continue" : "";
	case EW_ACT_RETRY:
	case EW_ACT_SKIP:
	case EW_ACT_DETAILS:
		return failed >= 0 ? NULL : "";
	case EW_ACT_ABORT:
		return w->apply_done ? "" : NULL;
	default:
		return NULL;
	}
}

static bool can(struct ew_wizard *w, enum ew_action a)
{
	bool failed = ew_wizard_failed_step(w) >= 0;

	switch (a) {
	case EW_ACT_ACCEPT:
		return failed || w->apply_done;
	case EW_ACT_RETRY:
	case EW_ACT_SKIP:
	case EW_ACT_DETAILS:
		return failed;
	case EW_ACT_ABORT:
		return w->apply_started && !w->apply_done;
	case EW_ACT_PAGE_UP:
	case EW_ACT_PAGE_DOWN:
	case EW_ACT_HOME:
	case EW_ACT_END:
		/* The hint, or a log longer than its pane. */
		return failed || log_overflows();
	case EW_ACT_UP:
	case EW_ACT_DOWN:
		/* The hint, or steps that do not all fit. */
		return failed || (size_t)st.list_rows < w->nviews;
	default:
		return true;
	}
}

const struct ew_screen_ops ew_screen_run = {
    EW_SCREEN_RUN, "Run", enter, draw, NULL, handle, label, can, NULL,
};
