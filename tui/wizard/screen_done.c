/*
 * screen_done.c - screen 6: what to paste into GitHub (the secrets table
 * and the gh lines), copy to the clipboard (OSC 52), and the workflow
 * file: written, skipped, or - when one exists and differs - its diff
 * first.  On exit the table is printed to the terminal too (cmd_wizard.c).
 * With a GitHub token (github_token.h), g stores the secrets in GitHub.
 */
#include "commands.h"
#include "diff.h"
#include "documents.h"
#include "draw.h"
#include "fsutil.h"
#include "github_secrets.h"
#include "github_token.h"
#include "outputs.h"
#include "test_hooks.h"
#include "wizard.h"

#include <string.h>

enum wf_file { WF_NEW, WF_SAME, WF_DIFFERS, WF_UNREADABLE };

static struct {
	bool inited;
	struct ew_buf text;
	struct ew_buf workflow; /* the generated file */
	enum wf_file file;
	size_t top;
	char error[512];
	char shown_note[400]; /* the written path as the screen shows it */
	char line[512];
	struct ew_github_token token; /* looked up once, on entry */
	bool token_looked;
	int rows; /* text rows, as last drawn */
} st;

static void indent(struct ew_buf *out, const char *text, const char *prefix)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		ew_buf_printf(out, "%s%.*s\n", prefix, (int)len, text);
		text += len;
		if (*text)
			text++;
	}
}

static bool exists(const struct ew_step_view *v)
{
	return v->state == EW_STATE_DONE || v->state == EW_STATE_UPDATED ||
	       v->state == EW_STATE_UNCHANGED;
}

/* After a failure or an abort: what exists now and what does not. */
static void build_incomplete(struct ew_wizard *w, struct ew_buf *t)
{
	size_t n = 0;

	ew_buf_printf(t, "== The setup is incomplete (%s)\n",
		      w->result.aborted ? "aborted" : "a step failed");
	ew_buf_printf(t, "\n== Exists in account %s (%s)\n",
		      w->setup.account ? w->setup.account : "?",
		      w->setup.region ? w->setup.region : "?");
	for (size_t i = 0; i < w->nviews; i++) {
		const struct ew_step_view *v = &w->views[i];

		if (v->kind == EW_STEP_OUTPUTS || v->kind == EW_STEP_IDENTITY ||
		    !exists(v))
			continue;
		ew_buf_printf(t, "  %-10s %s\n",
			      v->state == EW_STATE_DONE	     ? "created"
			      : v->state == EW_STATE_UPDATED ? "updated"
							     : "was there",
			      v->title);
		n++;
	}
	if (!n)
		ew_buf_puts(t, "  nothing: no resource was created\n");
	ew_buf_puts(t, "\n== Does not exist yet\n");
	for (size_t i = 0; i < w->nviews; i++) {
		const struct ew_step_view *v = &w->views[i];

		if (v->kind == EW_STEP_OUTPUTS || v->kind == EW_STEP_IDENTITY ||
		    exists(v))
			continue;
		ew_buf_printf(t, "  %-10s %s\n", ew_wizard_state_word(v),
			      v->title);
	}
	ew_buf_puts(t, "\n  ! no GitHub secrets and no workflow yet: they "
		       "would name resources that do not exist.\n"
		       "  ! Fix the cause, then run ecr-wizard again: what "
		       "exists is reused (unchanged).\n");
}

static void build(struct ew_wizard *w)
{
	struct ew_buf *t = &st.text, tmp, cur;
	struct ew_error err;
	char sum[64];
	bool changed = false;
	int rc;

	ew_buf_clear(t);
	ew_buf_clear(&st.workflow);
	ew_buf_init(&tmp);
	ew_buf_init(&cur);
	if (w->offline) {
		ew_buf_puts(t, "== Preview only: nothing was created in AWS\n");
		ew_buf_printf(t,
			      "  account %s as typed; run again with "
			      "credentials to create the resources\n\n",
			      w->setup.account ? w->setup.account : "?");
	} else if (ew_wizard_is_complete(w)) {
		ew_wizard_elapsed(sum, sizeof(sum), w->run_elapsed);
		ew_buf_printf(t, "== The setup is complete\n");
		ew_buf_printf(t,
			      "  account %s, region %s: %u requests, %u "
			      "changes, %s\n\n",
			      w->setup.account, w->setup.region,
			      w->result.requests, w->result.mutations, sum);
	} else {
		build_incomplete(w, t);
		/* The secrets name a role and a registry that may not exist,
		 * and the workflow would use them: neither is offered. */
		w->workflow = EW_WF_SKIPPED;
		snprintf(w->workflow_note, sizeof(w->workflow_note),
			 "workflow not written: the setup is incomplete");
		goto done;
	}
	for (size_t i = 0; i < w->nviews && !w->offline; i++)
		if (w->views[i].kind != EW_STEP_OUTPUTS &&
		    w->views[i].kind != EW_STEP_IDENTITY)
			ew_buf_printf(t, "  %-10s %s\n",
				      ew_wizard_state_word(&w->views[i]),
				      w->views[i].title);
	if (!w->offline)
		ew_buf_putc(t, '\n');
	rc = ew_wizard_build_outputs(w, &err);
	if (rc) {
		ew_buf_printf(t, "  ! cannot compute the secrets: %s\n",
			      err.message);
		goto done;
	}
	ew_buf_puts(t, "== GitHub secrets: Settings > Secrets and variables "
		       "> Actions\n");
	/* Name and value on one line, the description under them: the
	 * terminal table of ew_outputs_table() is wider than 80 columns. */
	for (size_t i = 0; i < w->outputs.nrows; i++) {
		const struct ew_output_row *r = &w->outputs.rows[i];

		if (r->env && (i == 0 || !w->outputs.rows[i - 1].env ||
			       strcmp(w->outputs.rows[i - 1].env, r->env)))
			ew_buf_printf(t, "  environment %s:\n", r->env);
		ew_buf_printf(t, "  %-16s %s\n  %-16s %s\n", r->name, r->value,
			      "", r->description);
	}
	ew_buf_puts(t, "\n== The same with the GitHub CLI\n");
	ew_buf_clear(&tmp);
	ew_outputs_gh_commands(&tmp, &w->outputs, &w->setup, EW_GH_SECRET);
	indent(t, tmp.ptr, "  $ ");
	ew_buf_puts(t, "\n  or as variables (then use vars.NAME in the "
		       "workflow):\n");
	ew_buf_clear(&tmp);
	ew_outputs_gh_commands(&tmp, &w->outputs, &w->setup, EW_GH_VARIABLE);
	indent(t, tmp.ptr, "  $ ");

	/* The workflow file. */
	ew_buf_printf(t, "\n== Workflow %s\n", w->setup.workflow_path);
	if (ew_doc_workflow(&st.workflow, &w->setup, &err) != 0) {
		ew_buf_printf(t, "  ! cannot build it: %s\n", err.message);
		goto done;
	}
	rc = ew_file_read_in(&cur, w->workflow_root, w->setup.workflow_path,
			     1 << 20, &err);
	if (rc == EW_ENOTFOUND) {
		char shown[400];

		ew_wizard_workflow_shown(w, shown, sizeof(shown));
		st.file = WF_NEW;
		ew_buf_printf(t, "  new file: %s\n", shown);
		if (w->demo_root)
			ew_buf_puts(t, "  (the demo writes into a temporary "
				       "directory, never into your "
				       "repository)\n");
	} else if (rc) {
		st.file = WF_UNREADABLE;
		ew_buf_printf(t, "  ! %s\n", err.message);
	} else {
		ew_buf_clear(&tmp);
		ew_diff_unified(&tmp, cur.ptr, st.workflow.ptr,
				"in the repository", "from ecr-wizard",
				&changed, &err);
		st.file = changed ? WF_DIFFERS : WF_SAME;
		if (changed) {
			ew_buf_puts(t, "  ! the file exists and differs; the "
				       "difference:\n");
			ew_buf_puts(t, tmp.ptr);
		} else {
			ew_buf_puts(t, "  the file in the repository is "
				       "identical\n");
		}
	}
	if (w->workflow == EW_WF_UNDECIDED && st.file == WF_SAME)
		w->workflow = EW_WF_IDENTICAL;
	if (w->workflow == EW_WF_UNDECIDED && !w->setup.write_workflow) {
		w->workflow = EW_WF_SKIPPED;
		snprintf(w->workflow_note, sizeof(w->workflow_note),
			 "workflow not written (--no-workflow)");
	}
done:
	ew_buf_release(&tmp);
	ew_buf_release(&cur);
}

static void enter(struct ew_wizard *w)
{
	if (!st.inited) {
		ew_buf_init(&st.text);
		ew_buf_init(&st.workflow);
		st.inited = true;
	}
	st.top = 0;
	st.error[0] = 0;
	build(w);
	w->print_outputs = w->has_outputs;
	/* The g key is offered only when a token is there to use. */
	if (!st.token_looked && !w->demo && !w->offline) {
		st.token_looked = true;
		ew_github_token_find(&st.token, &w->ctx, w->setup.github_host,
				     0, NULL);
	}
}

static const char *workflow_line(struct ew_wizard *w, enum ew_role *role)
{
	*role = EW_ROLE_NORMAL;
	switch (w->workflow) {
	case EW_WF_WRITTEN:
		*role = EW_ROLE_OK;
		snprintf(st.line, sizeof(st.line),
			 w->demo_root ? "Workflow written: %s (demo)"
				      : "Workflow written: %s (commit and push "
					"it)",
			 st.shown_note);
		return st.line;
	case EW_WF_IDENTICAL:
	case EW_WF_SKIPPED:
	case EW_WF_FAILED:
		*role =
		    w->workflow == EW_WF_FAILED ? EW_ROLE_ERROR : EW_ROLE_OK;
		return w->workflow_note[0] ? w->workflow_note
					   : "the workflow file is identical";
	case EW_WF_UNDECIDED:
		break;
	}
	if (!st.workflow.len)
		return "";
	*role = EW_ROLE_WARNING;
	if (st.file == WF_DIFFERS)
		return "Workflow: your file differs (diff below). Enter keeps "
		       "it, w overwrites it.";
	if (st.file == WF_UNREADABLE)
		return "Workflow: cannot read the existing file. k skips it.";
	return "Workflow: Enter writes the new file, k skips it.";
}

static void draw(struct ew_wizard *w, int top, int rows)
{
	enum ew_role role;
	const char *wl = workflow_line(w, &role);
	size_t lines = ew_text_lines(st.text.ptr);
	char pos[32];

	if (w->workflow == EW_WF_IDENTICAL && !w->workflow_note[0])
		snprintf(w->workflow_note, sizeof(w->workflow_note),
			 "%s: identical to what ecr-wizard writes",
			 w->setup.workflow_path);
	pos[0] = 0;
	st.rows = rows - 2;
	if (lines > (size_t)(rows - 2)) {
		snprintf(pos, sizeof(pos), "%zu-%zu/%zu", st.top + 1,
			 st.top + (size_t)(rows - 2) < lines
			     ? st.top + (size_t)(rows - 2)
			     : lines,
			 lines);
		ew_ui_put(top, COLS - 1 - ew_ui_width(pos), 0, EW_ROLE_DIM,
			  pos);
	}
	ew_draw_cut(top, 1, COLS - 3 - ew_ui_width(pos), role, wl);
	ew_draw_text(top + 2, rows - 2, 1, COLS - 2, st.text.ptr, st.top, 'p',
		     NULL);
}

static void write_workflow(struct ew_wizard *w)
{
	struct ew_error err;

	if (!st.workflow.len)
		return;
	if (ew_file_write_atomic(w->workflow_root, w->setup.workflow_path,
				 st.workflow.ptr, st.workflow.len, 0644,
				 &err) != 0) {
		w->workflow = EW_WF_FAILED;
		snprintf(w->workflow_note, sizeof(w->workflow_note),
			 "workflow not written: %.480s", err.message);
		return;
	}
	w->workflow = EW_WF_WRITTEN;
	if (w->demo_root)
		snprintf(w->workflow_note, sizeof(w->workflow_note),
			 "workflow written (demo, not into your repository): "
			 "%.300s/%.150s",
			 w->workflow_root, w->setup.workflow_path);
	else
		snprintf(w->workflow_note, sizeof(w->workflow_note),
			 "workflow written: %.300s/%.150s (commit and push it)",
			 w->workflow_root, w->setup.workflow_path);
	ew_wizard_workflow_shown(w, st.shown_note, sizeof(st.shown_note));
}

static void skip_workflow(struct ew_wizard *w, const char *why)
{
	w->workflow = EW_WF_SKIPPED;
	snprintf(w->workflow_note, sizeof(w->workflow_note),
		 "workflow not written: %s", why);
}

static void copy(struct ew_wizard *w)
{
	struct ew_buf b;

	if (!w->has_outputs)
		return;
	ew_buf_init(&b);
	ew_outputs_table(&b, &w->outputs);
	ew_buf_putc(&b, '\n');
	ew_outputs_gh_commands(&b, &w->outputs, &w->setup, EW_GH_SECRET);
	if (!ew_test_clipboard(b.ptr, b.len) && ew_ui_osc52(b.ptr, b.len) != 0)
		ew_wizard_message(w, EW_ROLE_ERROR,
				  "cannot write to the terminal");
	else
		ew_wizard_message(w, EW_ROLE_OK,
				  "copied the secrets table and the gh lines "
				  "(OSC 52: the terminal must allow it)");
	ew_buf_release(&b);
}

/* Store the secrets now, on this thread: a handful of short requests.
 * Rate limits are not waited out here (the screen would freeze): the
 * message says when to try again. */
static void set_secrets(struct ew_wizard *w)
{
	struct ew_github_client c;
	struct ew_error err;
	size_t n = 0;

	if (!st.token.value || !w->has_outputs || !ew_wizard_is_complete(w))
		return;
	ew_error_clear(&err);
	if (ew_github_client_init(&c, &w->ctx, w->setup.github_host,
				  w->setup.owner, w->setup.repo, st.token.value,
				  st.token.source, &err) == 0) {
		c.max_wait_s = 0;
		ew_github_secrets_store(&c, &w->outputs, NULL, NULL, &n, &err);
	}
	if (err.code)
		ew_wizard_message(w, EW_ROLE_ERROR, "%s", err.message);
	else
		ew_wizard_message(w, EW_ROLE_OK,
				  "stored %zu secrets in GitHub %s/%s (%u "
				  "requests)",
				  n, w->setup.owner, w->setup.repo, c.requests);
	ew_github_client_release(&c);
}

static void scroll_by(int delta)
{
	long lines = (long)ew_text_lines(st.text.ptr);
	long max = lines - (LINES - 5);
	long top = (long)st.top + delta;

	if (max < 0)
		max = 0;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	st.top = (size_t)top;
}

static void handle(struct ew_wizard *w, enum ew_action a)
{
	int page = LINES - 6;

	switch (a) {
	case EW_ACT_ACCEPT:
		if (w->workflow == EW_WF_UNDECIDED) {
			if (st.file == WF_NEW)
				write_workflow(w);
			else
				skip_workflow(w, st.file == WF_DIFFERS
						     ? "kept the existing file"
						     : "the existing file is "
						       "unreadable");
			break;
		}
		w->quit = true;
		if (!w->offline && !ew_wizard_is_complete(w))
			w->exit_status =
			    w->result.aborted ? EXIT_INTERRUPTED : EXIT_FAILED;
		break;
	case EW_ACT_WRITE:
		if (w->workflow == EW_WF_WRITTEN)
			break;
		write_workflow(w);
		break;
	case EW_ACT_NO_WRITE:
		if (w->workflow == EW_WF_UNDECIDED)
			skip_workflow(w, "skipped");
		break;
	case EW_ACT_COPY:
		copy(w);
		break;
	case EW_ACT_SET_SECRETS:
		set_secrets(w);
		break;
	case EW_ACT_EXPLAIN:
		ew_wizard_goto(w, &ew_screen_explain);
		break;
	case EW_ACT_UP:
		scroll_by(-1);
		break;
	case EW_ACT_DOWN:
		scroll_by(1);
		break;
	case EW_ACT_PAGE_UP:
		scroll_by(-page);
		break;
	case EW_ACT_PAGE_DOWN:
		scroll_by(page);
		break;
	case EW_ACT_HOME:
		st.top = 0;
		break;
	case EW_ACT_END:
		scroll_by((int)ew_text_lines(st.text.ptr));
		break;
	default:
		break;
	}
}

static const char *label(struct ew_wizard *w, enum ew_action a)
{
	switch (a) {
	case EW_ACT_ACCEPT:
		if (w->workflow != EW_WF_UNDECIDED)
			return "finish";
		return st.file == WF_NEW ? "write workflow" : "keep file";
	case EW_ACT_WRITE:
		return w->workflow == EW_WF_UNDECIDED && st.file == WF_DIFFERS
			   ? "overwrite"
			   : "";
	case EW_ACT_NO_WRITE:
		return w->workflow == EW_WF_UNDECIDED && st.file == WF_NEW
			   ? NULL
			   : "";
	case EW_ACT_SET_SECRETS:
		return st.token.value && w->has_outputs &&
			       ew_wizard_is_complete(w)
			   ? NULL
			   : "";
	default:
		return NULL;
	}
}

static bool can(struct ew_wizard *w, enum ew_action a)
{
	bool undecided = w->workflow == EW_WF_UNDECIDED && st.workflow.len;

	switch (a) {
	case EW_ACT_COPY:
		return w->has_outputs &&
		       (w->offline || ew_wizard_is_complete(w));
	case EW_ACT_WRITE:
		return undecided && st.file == WF_DIFFERS;
	case EW_ACT_NO_WRITE:
		return undecided && st.file == WF_NEW;
	case EW_ACT_SET_SECRETS:
		return st.token.value && w->has_outputs &&
		       ew_wizard_is_complete(w);
	case EW_ACT_UP:
	case EW_ACT_DOWN:
	case EW_ACT_PAGE_UP:
	case EW_ACT_PAGE_DOWN:
	case EW_ACT_HOME:
	case EW_ACT_END:
		return ew_text_lines(st.text.ptr) > (size_t)st.rows;
	default:
		return true;
	}
}

const struct ew_screen_ops ew_screen_done = {
    EW_SCREEN_DONE, "Done", enter, draw, NULL, handle, label, can, NULL,
};
