/*
 * screen_run.c - screen 5: the run.  Every step with its state (pending,
 * running with a spinner and the time so far, done, unchanged, updated,
 * skipped, failed), retries as they happen, a log pane, and on a failure
 * the AWS error, the hint from the troubleshooting knowledge and the
 * choice: retry, skip, abort, details.
 */
#include "draw.h"
#include "knowledge.h"
#include "wizard.h"

#include <string.h>

static struct {
	bool details;
	size_t first; /* first step row shown */
} st;

static void enter(struct ew_wizard *w)
{
	st.details = false;
	st.first = 0;
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
		 v->awaiting ? "waiting" : ew_step_state_name(v->state));
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
		ew_ui_put(y, x, COLS - x - 1, EW_ROLE_WARNING, v->note);
	else if (v->state != EW_STATE_PENDING && v->state != EW_STATE_RUNNING)
		ew_ui_put(y, x, COLS - x - 1, EW_ROLE_DIM,
			  v->state == EW_STATE_FAILED ? v->error.aws_code
						      : v->detail);
}

static void fill_values(const struct ew_wizard *w,
			struct ew_knowledge_values *v)
{
	memset(v, 0, sizeof(*v));
	v->region = w->setup.region;
	v->role = w->setup.role_name;
	v->policy = w->setup.policy_name;
	v->repo = w->setup.repo_name;
	if (w->account == EW_PROBE_OK) {
		v->account = w->ident.account;
		v->principal_arn = w->ident.arn;
	}
}

static int draw_failure(struct ew_wizard *w, size_t i, int y, int bottom)
{
	const struct ew_step_view *v = &w->views[i];
	const struct ew_knowledge_entry *k =
	    ew_knowledge_match_error(&v->error);
	const struct ew_ui_glyphs *g = ew_ui_glyphs();
	struct ew_knowledge_values vals;
	struct ew_buf b;
	char line[700];

	fill_values(w, &vals);
	ew_buf_init(&b);
	snprintf(line, sizeof(line), "%s %s failed", g->cross, v->title);
	ew_ui_put(y++, 1, COLS - 2, EW_ROLE_ERROR, line);
	snprintf(line, sizeof(line), "%s%s%s", v->error.aws_code,
		 v->error.aws_code[0] ? ": " : "", v->error.message);
	/* Without details each part gets a few rows, so the fix and the
	 * check command stay on screen; d shows everything. */
	y += ew_ui_wrap(y, 3, COLS - 4, 2, st.details ? 6 : 2, EW_ROLE_VALUE,
			line, true);
	if (st.details && y < bottom) {
		snprintf(line, sizeof(line),
			 "operation %s, HTTP %ld, request id %s",
			 v->error.operation[0] ? v->error.operation : "-",
			 v->error.http_status,
			 v->error.request_id[0] ? v->error.request_id : "-");
		ew_ui_put(y++, 3, COLS - 4, EW_ROLE_DIM, line);
	}
	if (k && y < bottom) {
		int cap = st.details ? bottom : 3;

		ew_buf_puts(&b, "Cause: ");
		ew_knowledge_render(&b, k->cause, &vals);
		y += ew_ui_wrap(y, 3, COLS - 4, 7,
				bottom - y < cap ? bottom - y : cap,
				EW_ROLE_NORMAL, b.ptr, true);
		cap = st.details ? bottom : 2;
		for (size_t s = 0;
		     k->fix_steps && k->fix_steps[s] && y < bottom; s++) {
			ew_buf_clear(&b);
			ew_buf_printf(&b, "Fix %zu: ", s + 1);
			ew_knowledge_render(&b, k->fix_steps[s], &vals);
			y += ew_ui_wrap(y, 3, COLS - 4, 7,
					bottom - y < cap ? bottom - y : cap,
					EW_ROLE_NORMAL, b.ptr, true);
		}
		if (k->check_command && y < bottom) {
			ew_buf_clear(&b);
			ew_buf_puts(&b, "Check: ");
			ew_knowledge_render(&b, k->check_command, &vals);
			y += ew_ui_wrap(y, 3, COLS - 4, 7, bottom - y,
					EW_ROLE_SHELL, b.ptr, true);
		}
	}
	ew_buf_release(&b);
	ew_ui_put(bottom, 3, 0, EW_ROLE_VALUE,
		  "r retry (Enter)   s skip   a abort   d details");
	return y;
}

static void draw_log(struct ew_wizard *w, int y, int rows)
{
	const char *log = ew_wizard_run_log(w);
	size_t n = ew_text_lines(log);
	size_t first = n > (size_t)rows ? n - (size_t)rows : 0;

	ew_draw_text(y, rows, 2, COLS - 3, log, first, 0, NULL);
}

static void summary(struct ew_wizard *w, char *out, size_t size)
{
	unsigned created = 0, updated = 0, unchanged = 0, skipped = 0,
		 failed = 0, notrun = 0;
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
			skipped++;
			break;
		case EW_STATE_FAILED:
			failed++;
			break;
		default:
			notrun++;
		}
	}
	ew_wizard_elapsed(t, sizeof(t), w->result.elapsed);
	snprintf(out, size,
		 "%u done, %u updated, %u unchanged, %u skipped, %u failed, "
		 "%u not run; %u requests (%u changes) in %s",
		 created, updated, unchanged, skipped, failed, notrun,
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
		    (w->apply_done ? w->result.elapsed
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

static void handle(struct ew_wizard *w, enum ew_action a)
{
	long failed = ew_wizard_failed_step(w);

	switch (a) {
	case EW_ACT_ACCEPT:
		if (failed >= 0) {
			ew_wizard_decide(w, (size_t)failed, EW_DECISION_RETRY);
			st.details = false;
		} else if (w->apply_done) {
			ew_wizard_goto(w, &ew_screen_done);
		} else {
			ew_wizard_message(w, EW_ROLE_NORMAL,
					  "the run is in progress");
		}
		break;
	case EW_ACT_RETRY:
		if (failed >= 0) {
			ew_wizard_decide(w, (size_t)failed, EW_DECISION_RETRY);
			st.details = false;
		}
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
		if (st.first > 0)
			st.first--;
		break;
	case EW_ACT_DOWN:
		if (st.first + 1 < w->nviews)
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

const struct ew_screen_ops ew_screen_run = {
    EW_SCREEN_RUN, "Run", enter, draw, NULL, handle, label,
};
