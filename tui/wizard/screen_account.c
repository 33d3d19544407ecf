/*
 * screen_account.c - screen 2: whose AWS credentials these are.
 *
 * The check (credentials chain, then STS GetCallerIdentity) runs in a
 * worker that starts with the first frame; this screen shows a spinner
 * until it is done.  Without usable credentials it says how to provide
 * them and offers a preview with a typed account ID.
 */
#include "draw.h"
#include "hint.h"
#include "wizard.h"

#include <string.h>

static struct {
	bool editing; /* typing an account ID */
	struct ew_input input;
	char error[512];
} st;

static void enter(struct ew_wizard *w)
{
	(void)w;
	if (!st.input.text.ptr)
		ew_input_init(&st.input);
}

static bool no_creds(const struct ew_wizard *w)
{
	return w->account == EW_PROBE_FAILED && !w->boot.has_creds;
}

/* The cause, the first fix (the screen has room for one), the check and
 * the values to find, as far as they fit. */
static int draw_hint(struct ew_wizard *w, int y, int bottom)
{
	struct ew_hint h;
	struct ew_buf b;

	ew_wizard_hint(w, -1, &w->account_err, &h);
	ew_buf_init(&b);
	if (h.cause && y < bottom) {
		ew_buf_printf(&b, "Cause: %s", h.cause);
		y += ew_ui_wrap(y, 4, COLS - 6, 7, bottom - y, EW_ROLE_NORMAL,
				b.ptr, true);
	}
	if (h.nfixes && y < bottom) {
		ew_buf_clear(&b);
		ew_buf_printf(&b, "Fix:   %s", h.fixes[0]);
		y += ew_ui_wrap(y, 4, COLS - 6, 7, bottom - y, EW_ROLE_NORMAL,
				b.ptr, true);
	}
	if (h.check && y < bottom) {
		ew_buf_clear(&b);
		ew_buf_printf(&b, "Check: %s", h.check);
		y += ew_ui_wrap(y, 4, COLS - 6, 7, bottom - y, EW_ROLE_SHELL,
				b.ptr, true);
	}
	for (size_t i = 0; i < h.nfind && y < bottom; i++) {
		ew_buf_clear(&b);
		ew_buf_printf(&b, "Find:  %s", h.find[i]);
		y += ew_ui_wrap(y, 4, COLS - 6, 7, bottom - y, EW_ROLE_HINT,
				b.ptr, true);
	}
	ew_buf_release(&b);
	ew_hint_release(&h);
	return y;
}

static void draw(struct ew_wizard *w, int top, int rows)
{
	const struct ew_ui_glyphs *g = ew_ui_glyphs();
	const int lw = 16;
	int y = top + 1, bottom = top + rows;
	char line[640];

	ew_ui_put(y++, 2, 0, EW_ROLE_HEADING, "AWS account");
	if (w->account == EW_PROBE_RUNNING) {
		snprintf(line, sizeof(line),
			 "%s resolving the credentials and asking STS whose "
			 "they are",
			 ew_wizard_spinner(w));
		ew_ui_put(y + 1, 4, 0, EW_ROLE_RUNNING, line);
		return;
	}
	ew_draw_field(y++, 4, lw, "Credentials",
		      w->boot.has_creds ? EW_ROLE_VALUE : EW_ROLE_ERROR,
		      w->boot.has_creds ? w->boot.creds.source : "none found");
	if (w->boot.has_session && !w->demo) {
		snprintf(line, sizeof(line), "%s (from %s)",
			 w->boot.session.profile ? w->boot.session.profile
						 : "default",
			 w->boot.session.profile_origin
			     ? w->boot.session.profile_origin
			     : "default");
		ew_draw_field(y++, 4, lw, "Profile", EW_ROLE_NORMAL, line);
	}
	if (w->boot.has_session && w->boot.session.region && !w->demo)
		snprintf(line, sizeof(line), "%s (from %s)", w->setup.region,
			 w->region_given ? "--region"
			 : w->boot.session.region_origin
			     ? w->boot.session.region_origin
			     : "profile");
	else
		snprintf(line, sizeof(line), "%s%s", w->setup.region,
			 w->region_given ? " (from --region)" : " (default)");
	ew_draw_field(y++, 4, lw, "Region", EW_ROLE_NORMAL, line);
	if (w->account == EW_PROBE_OK) {
		ew_draw_field(y++, 4, lw, "Account", EW_ROLE_VALUE,
			      w->ident.account);
		ew_draw_field(y++, 4, lw, "Caller", EW_ROLE_VALUE,
			      w->ident.arn);
		y++;
		snprintf(line, sizeof(line), "%s These credentials work.",
			 g->check);
		ew_ui_put(y++, 4, 0, EW_ROLE_OK, line);
		if (w->demo)
			ew_ui_wrap(y++, 4, COLS - 6, 2, 2, EW_ROLE_HINT,
				   "Demo: every AWS call goes to the simulated "
				   "account inside ecr-wizard.",
				   true);
		return;
	}
	y++;
	snprintf(
	    line, sizeof(line), "%s %s%s%s", g->cross, w->account_err.aws_code,
	    w->account_err.aws_code[0] ? ": " : "", w->account_err.message);
	y += ew_ui_wrap(y, 4, COLS - 6, 2, 4, EW_ROLE_ERROR, line, true);
	y = draw_hint(w, y, bottom - 5);
	y++;
	if (no_creds(w)) {
		static const char *const ways[] = {
		    "a named profile:      ecr-wizard --profile NAME",
		    "access keys:          aws configure",
		    "IAM Identity Center:  aws sso login --profile NAME",
		    "environment:          AWS_ACCESS_KEY_ID, "
		    "AWS_SECRET_ACCESS_KEY",
		};

		if (w->account_err.code != EW_ENOCREDS || y + 9 < bottom) {
			ew_ui_put(y++, 4, 0, EW_ROLE_NORMAL,
				  "Provide credentials, then press r:");
			for (size_t i = 0; i < 4 && y < bottom - 4; i++) {
				snprintf(line, sizeof(line), "  %s %s",
					 g->bullet, ways[i]);
				ew_ui_put(y++, 4, COLS - 6, EW_ROLE_NORMAL,
					  line);
			}
		}
		ew_ui_put(y++, 4, COLS - 6, EW_ROLE_NORMAL,
			  "Or type an account ID for a preview only (nothing "
			  "is changed):");
		ew_draw_field(y, 4, lw, "Account ID", EW_ROLE_NORMAL, "");
		ew_input_draw(&st.input, y++, 4 + lw, 14, true);
	} else {
		y += ew_ui_wrap(y, 4, COLS - 6, 0, 2, EW_ROLE_NORMAL,
				"Enter continues anyway: the run checks the "
				"credentials again and shows the fix there.  "
				"r checks again now; e types an account for "
				"a preview only.",
				true);
		if (st.editing) {
			ew_draw_field(y, 4, lw, "Account ID", EW_ROLE_NORMAL,
				      "");
			ew_input_draw(&st.input, y++, 4 + lw, 14, true);
		}
	}
	if (st.error[0] && y < bottom)
		ew_ui_wrap(y, 4, COLS - 6, 2, 2, EW_ROLE_ERROR, st.error, true);
}

static bool typing(const struct ew_wizard *w)
{
	return w->account == EW_PROBE_FAILED && (no_creds(w) || st.editing);
}

static bool edit_key(struct ew_wizard *w, int key)
{
	if (!typing(w))
		return false;
	/* Only digits go into the field, so r, q and ? keep working. */
	if (key >= 0x20 && key < 0x7f && !(key >= '0' && key <= '9'))
		return false;
	if (key == EW_KEY_ESC && st.editing) {
		st.editing = false;
		st.error[0] = 0;
		return true;
	}
	if (ew_input_key(&st.input, key)) {
		struct ew_setup tmp;
		struct ew_error err;

		st.error[0] = 0;
		if (st.input.text.len >= 12 && ew_setup_init(&tmp) == 0) {
			if (ew_setup_set_account(&tmp, st.input.text.ptr,
						 &err) != 0)
				snprintf(st.error, sizeof(st.error), "%s",
					 err.message);
			ew_setup_release(&tmp);
		}
		return true;
	}
	return false;
}

static void handle(struct ew_wizard *w, enum ew_action a)
{
	struct ew_error err;

	switch (a) {
	case EW_ACT_ACCEPT:
		if (w->account == EW_PROBE_RUNNING) {
			ew_wizard_message(w, EW_ROLE_WARNING,
					  "still checking the credentials");
			return;
		}
		if (typing(w)) {
			if (ew_wizard_use_typed_account(w, st.input.text.ptr,
							&err) != 0) {
				snprintf(st.error, sizeof(st.error), "%s",
					 st.input.text.len
					     ? err.message
					     : "type the 12-digit account ID, "
					       "or provide credentials and "
					       "press r");
				return;
			}
			st.editing = false;
		}
		st.error[0] = 0;
		ew_wizard_goto(w, &ew_screen_choices);
		break;
	case EW_ACT_BACK:
		ew_wizard_goto(w, &ew_screen_welcome);
		break;
	case EW_ACT_RETRY:
		st.error[0] = 0;
		ew_wizard_retry_account(w);
		break;
	case EW_ACT_EDIT:
		if (w->account == EW_PROBE_FAILED) {
			st.editing = true;
			ew_input_set(&st.input, w->setup.account);
			st.input.replace = w->setup.account != NULL;
		}
		break;
	default:
		break;
	}
}

static const char *label(struct ew_wizard *w, enum ew_action a)
{
	if (a == EW_ACT_ACCEPT) {
		if (w->account == EW_PROBE_FAILED)
			return typing(w) ? "preview only" : "continue anyway";
		return "continue";
	}
	if (a == EW_ACT_RETRY || a == EW_ACT_EDIT)
		return w->account == EW_PROBE_FAILED
			   ? (a == EW_ACT_RETRY ? "check again" : "")
			   : "";
	return NULL;
}

static bool can(struct ew_wizard *w, enum ew_action a)
{
	switch (a) {
	case EW_ACT_RETRY:
		return w->account == EW_PROBE_FAILED;
	case EW_ACT_EDIT:
		/* e starts typing an account only when the check failed. */
		return w->account == EW_PROBE_FAILED && !typing(w);
	case EW_ACT_ACCEPT:
	case EW_ACT_BACK:
	case EW_ACT_HELP:
	case EW_ACT_REDRAW:
	case EW_ACT_QUIT:
	case EW_ACT_INTERRUPT:
		return true;
	default:
		return false;
	}
}

const struct ew_screen_ops ew_screen_account = {
    EW_SCREEN_ACCOUNT,
    "Account",
    enter,
    draw,
    edit_key,
    handle,
    label,
    can,
    NULL,
};
