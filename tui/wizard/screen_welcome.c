/*
 * screen_welcome.c - screen 1: what the wizard will do, and which GitHub
 * repository it is for (detected from the git remote, or typed).
 */
#include "draw.h"
#include "wizard.h"

#include <string.h>

static struct {
	bool editing;
	struct ew_input input;
	char error[512];
} st;

static const char *const plan_lines[] = {
    "1. Create the ECR repository for the images, with a lifecycle policy",
    "2. Add GitHub's OIDC identity provider to the AWS account if missing",
    "3. Create a push-only IAM policy and a role only this repo can assume",
    "4. Show each policy, the workflow and the aws commands before changes",
    "5. Give you the four GitHub secrets and write the Actions workflow",
};

/* Validate as typed, on a scratch setup: the real one changes only on
 * Enter. */
static void validate(void)
{
	struct ew_setup tmp;
	struct ew_error err;

	st.error[0] = 0;
	if (!st.input.text.len || ew_setup_init(&tmp) != 0)
		return;
	if (ew_setup_set_github(&tmp, st.input.text.ptr, &err) != 0)
		snprintf(st.error, sizeof(st.error), "%s", err.message);
	ew_setup_release(&tmp);
}

static void start_edit(struct ew_wizard *w)
{
	char slug[160] = "";

	if (w->setup.owner && w->setup.repo)
		snprintf(slug, sizeof(slug), "%s/%s", w->setup.owner,
			 w->setup.repo);
	ew_input_set(&st.input, slug);
	/* As on the form: typing replaces the value shown. */
	st.input.replace = slug[0] != 0;
	st.editing = true;
	validate();
}

static void enter(struct ew_wizard *w)
{
	(void)w;
	if (!st.input.text.ptr)
		ew_input_init(&st.input);
}

static int draw_repo(struct ew_wizard *w, int y, int rows_left)
{
	const int lw = 18;
	char line[640];
	const struct ew_git_info *g = &w->git;

	if (w->detect == EW_PROBE_RUNNING && !w->setup.owner) {
		snprintf(line, sizeof(line),
			 "%s looking for the git repository",
			 ew_wizard_spinner(w));
		ew_ui_put(y++, 4, 0, EW_ROLE_RUNNING, line);
		return y;
	}
	if (w->setup.owner && w->setup.repo) {
		snprintf(line, sizeof(line), "%s/%s", w->setup.owner,
			 w->setup.repo);
		{
			int used = ew_draw_field(y, 4, lw, "Repository",
						 EW_ROLE_VALUE, line);

			snprintf(line, sizeof(line), "  (%s)",
				 w->github_origin[0] ? w->github_origin
						     : "typed");
			ew_ui_put(y, 4 + lw + used, 0, EW_ROLE_HINT, line);
		}
		y++;
		if (w->detect == EW_PROBE_OK && g->remote_name) {
			snprintf(line, sizeof(line), "%s  %s", g->remote_name,
				 g->remote_url ? g->remote_url : "");
			ew_draw_field(y++, 4, lw, "Remote", EW_ROLE_NORMAL,
				      line);
			if (g->branch)
				snprintf(line, sizeof(line),
					 "%s (default branch: %s%s)", g->branch,
					 w->setup.default_branch,
					 g->is_default_branch_guessed
					     ? ", guessed"
					     : "");
			else
				snprintf(line, sizeof(line),
					 "detached at %s (default branch: "
					 "%s)",
					 g->head_short ? g->head_short : "?",
					 w->setup.default_branch);
			ew_draw_field(y++, 4, lw, "Branch", EW_ROLE_NORMAL,
				      line);
		} else {
			ew_draw_field(y++, 4, lw, "Default branch",
				      EW_ROLE_NORMAL, w->setup.default_branch);
		}
		if (w->ids_note[0]) {
			snprintf(line, sizeof(line), "%s%s",
				 w->ids == EW_PROBE_RUNNING
				     ? ew_wizard_spinner(w)
				     : "",
				 w->ids == EW_PROBE_RUNNING ? " " : "");
			ew_draw_field(y, 4, lw, "GitHub IDs", EW_ROLE_NORMAL,
				      line);
			y += ew_ui_wrap(y, 4 + lw + ew_ui_width(line),
					COLS - 5 - lw - ew_ui_width(line), 0, 2,
					w->ids == EW_PROBE_FAILED
					    ? EW_ROLE_HINT
					    : EW_ROLE_NORMAL,
					w->ids_note, true);
		}
	} else if (w->detect == EW_PROBE_FAILED) {
		y += ew_ui_wrap(y, 4, COLS - 6, 2, rows_left > 4 ? 3 : 1,
				EW_ROLE_WARNING, w->git_err.message, true);
	}
	if (st.editing || !w->setup.owner) {
		y++;
		ew_ui_put(y++, 4, 0, EW_ROLE_NORMAL,
			  "Type the GitHub repository as OWNER/REPO:");
		ew_input_draw(&st.input, y, 4, 44, true);
		if (!st.editing)
			st.editing = true;
		y++;
		if (st.error[0])
			y += ew_ui_wrap(y, 4, COLS - 6, 2, 2, EW_ROLE_ERROR,
					st.error, true);
		else
			ew_ui_put(y++, 4, 0, EW_ROLE_HINT,
				  "letters, digits and hyphens / letters, "
				  "digits, '.', '_' and '-'");
	}
	return y;
}

static void draw(struct ew_wizard *w, int top, int rows)
{
	const struct ew_ui_glyphs *g = ew_ui_glyphs();
	int y = top + 1;

	ew_ui_put(y++, 2, 0, EW_ROLE_HEADING, "What ecr-wizard will do");
	for (size_t i = 0; i < sizeof(plan_lines) / sizeof(plan_lines[0]); i++)
		ew_ui_put(y++, 4, COLS - 6, EW_ROLE_NORMAL, plan_lines[i]);
	ew_ui_put(y++, 4, COLS - 6, EW_ROLE_HINT,
		  "No long-term AWS keys anywhere: GitHub Actions assumes the "
		  "role with OIDC.");
	y++;
	ew_ui_put(y++, 2, 0, EW_ROLE_HEADING, "GitHub repository");
	y = draw_repo(w, y, top + rows - y);
	if (w->demo && y < top + rows - 1) {
		char line[256];

		snprintf(line, sizeof(line),
			 "%s Demo: a simulated AWS account inside ecr-wizard; "
			 "no credentials, nothing sent over the network.",
			 g->bullet);
		ew_ui_wrap(top + rows - 2, 2, COLS - 4, 4, 2, EW_ROLE_HINT,
			   line, true);
	}
}

static bool commit(struct ew_wizard *w)
{
	struct ew_error err;

	if (!st.input.text.len) {
		snprintf(st.error, sizeof(st.error),
			 "type the repository as OWNER/REPO, like "
			 "octo-org/my-app");
		return false;
	}
	if (w->setup.owner && w->setup.repo) {
		char cur[160];

		snprintf(cur, sizeof(cur), "%s/%s", w->setup.owner,
			 w->setup.repo);
		if (strcmp(cur, st.input.text.ptr) == 0) {
			st.editing = false;
			return true;
		}
	}
	if (ew_setup_set_github(&w->setup, st.input.text.ptr, &err) != 0) {
		snprintf(st.error, sizeof(st.error), "%s", err.message);
		return false;
	}
	snprintf(w->github_origin, sizeof(w->github_origin), "typed");
	st.editing = false;
	st.error[0] = 0;
	ew_wizard_github_changed(w);
	return true;
}

static bool edit_key(struct ew_wizard *w, int key)
{
	if (!st.editing && w->setup.owner)
		return false;
	if (key == EW_KEY_ESC && w->setup.owner) {
		st.editing = false;
		st.error[0] = 0;
		return true;
	}
	if (ew_input_key(&st.input, key)) {
		validate();
		return true;
	}
	return false;
}

static void handle(struct ew_wizard *w, enum ew_action a)
{
	switch (a) {
	case EW_ACT_ACCEPT:
		if (st.editing || !w->setup.owner) {
			if (w->detect == EW_PROBE_RUNNING &&
			    !st.input.text.len) {
				ew_wizard_message(w, EW_ROLE_WARNING,
						  "still looking for the git "
						  "repository");
				return;
			}
			if (!commit(w))
				return;
		}
		ew_wizard_goto(w, &ew_screen_account);
		break;
	case EW_ACT_EDIT:
		start_edit(w);
		break;
	case EW_ACT_EXPLAIN:
		ew_wizard_goto(w, &ew_screen_explain);
		break;
	default:
		break;
	}
}

static const char *label(struct ew_wizard *w, enum ew_action a)
{
	if (a == EW_ACT_BACK)
		return st.editing && w->setup.owner ? "cancel" : "";
	if (a == EW_ACT_EDIT)
		return st.editing ? "" : "edit repository";
	if (a == EW_ACT_QUIT && (st.editing || !w->setup.owner))
		return "";
	return NULL;
}

static bool takes_text(struct ew_wizard *w)
{
	return st.editing || !w->setup.owner;
}

static bool can(struct ew_wizard *w, enum ew_action a)
{
	switch (a) {
	case EW_ACT_BACK:
		return st.editing && w->setup.owner;
	case EW_ACT_EDIT:
	case EW_ACT_EXPLAIN:
		return !takes_text(w);
	case EW_ACT_ACCEPT:
	case EW_ACT_HELP:
	case EW_ACT_REDRAW:
	case EW_ACT_QUIT:
	case EW_ACT_INTERRUPT:
		return true;
	default:
		return false;
	}
}

const struct ew_screen_ops ew_screen_welcome = {
    EW_SCREEN_WELCOME, "Welcome", enter, draw, edit_key, handle, label, can,
    takes_text,
};
