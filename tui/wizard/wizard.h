/*
 * wizard.h - the interactive wizard's state, its screens and its event
 * loop.
 *
 * One struct ew_wizard holds what the screens show: the setup being
 * edited (model.h), what detection and the account check found, the
 * engine and a UI-thread mirror of its steps.  Screens (one file each,
 * screen_*.c) export a struct ew_screen_ops like tig's view_ops: enter,
 * draw, a raw-key hook for text input, handle (a named action from the
 * key table), leave.  A screen knows nothing about AWS: it draws this
 * state and calls the functions below.
 *
 * Threads.  Everything slow runs in worker threads ("jobs"): the start-up
 * job (transport, git detection, credentials and STS), the GitHub IDs
 * lookup, the engine's plan and its apply.  They never touch curses or the
 * UI's fields; they post events to a mutex-protected queue that the UI
 * thread drains every frame (the loop wakes at least every 50 ms), and the
 * UI thread alone changes the wizard state.  Results a job fills
 * (w->git, w->session, ...) belong to the job until its EV_JOB_DONE event
 * has been handled.  The engine's observer copies each step into the
 * event, so the UI never reads a step a worker is writing; the documents,
 * diffs and commands of the steps are read only after the plan finished
 * and before the apply starts.
 *
 * Memory: the wizard owns its setup, session, client, engine, transport and
 * every buffer here; ew_wizard_release() frees them after joining the jobs.
 */
#ifndef EW_WIZARD_H
#define EW_WIZARD_H

#include "bootstrap.h"
#include "buf.h"
#include "context.h"
#include "credentials.h"
#include "engine.h"
#include "error.h"
#include "git_detect.h"
#include "keys.h"
#include "model.h"
#include "outputs.h"
#include "sts.h"
#include "ui.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct ew_wizard;
struct ew_options;

/* A screen: like tig's struct view_ops. */
struct ew_screen_ops {
	enum ew_screen_id id;
	const char *title; /* "Choices", for the header */
	/* Called when the screen becomes current. */
	void (*enter)(struct ew_wizard *w);
	/* Draw the content rows [top, top + rows). */
	void (*draw)(struct ew_wizard *w, int top, int rows);
	/* A raw key before the key table: true when consumed (text
	 * input).  NULL: the screen takes no text. */
	bool (*edit_key)(struct ew_wizard *w, int key);
	/* A named action (keys.h) in this screen's context. */
	void (*handle)(struct ew_wizard *w, enum ew_action a);
	/* The status-line label of an action here: NULL for the table's,
	 * "" to leave it out.  May be NULL. */
	const char *(*label)(struct ew_wizard *w, enum ew_action a);
	/* Whether an action of this screen's context does something in the
	 * current state: the footer and the help list only those.  NULL:
	 * all of them. */
	bool (*can)(struct ew_wizard *w, enum ew_action a);
	/* Whether printable keys are text now (a field has the focus): keys
	 * like q and ? are typed then, so they are not advertised.  NULL:
	 * never. */
	bool (*takes_text)(struct ew_wizard *w);
};

/* Whether action a is advertised (footer, help) on the current screen
 * in its current state; *keys (may be NULL) gets the keys that reach it
 * there, "?/F1" or "F1", in a static buffer. */
bool ew_wizard_can(struct ew_wizard *w, enum ew_action a, const char **keys);
/* What a does here, for the help: the screen's label when it has its
 * own, else the table's help line. */
const char *ew_wizard_help_text(struct ew_wizard *w, enum ew_action a);
/* The status-line label of a (NULL or "" when not in the footer). */
const char *ew_wizard_action_label(struct ew_wizard *w, enum ew_action a);

extern const struct ew_screen_ops ew_screen_welcome;
extern const struct ew_screen_ops ew_screen_account;
extern const struct ew_screen_ops ew_screen_choices;
extern const struct ew_screen_ops ew_screen_preview;
extern const struct ew_screen_ops ew_screen_run;
extern const struct ew_screen_ops ew_screen_done;
extern const struct ew_screen_ops ew_screen_explain;

/* A test script's form command (":accept-defaults", ":field NAME"): 0
 * done, 1 not one, 2 failed.  Used by the test build only. */
int ew_choices_command(struct ew_wizard *w, const char *line);
/* ":keys NAME": what the footer and help advertise here, to NAME.txt. */
int ew_wizard_dump_keys(struct ew_wizard *w, const char *name);

/* The help overlay (screen_help.c): drawn over any screen, closed by any
 * key. */
void ew_help_draw(struct ew_wizard *w);

enum ew_job {
	EW_JOB_START,	/* transport, git detection, account */
	EW_JOB_ACCOUNT, /* account again (retry) */
	EW_JOB_GITHUB,	/* the repository's numeric IDs */
	EW_JOB_PLAN,
	EW_JOB_APPLY,
	EW_JOB_COUNT
};

enum ew_probe {
	EW_PROBE_RUNNING, /* not known yet */
	EW_PROBE_OK,
	EW_PROBE_FAILED,
};

/* The UI thread's copy of an engine step. */
struct ew_step_view {
	enum ew_step_kind kind;
	char title[160];
	enum ew_step_action action;
	enum ew_step_state state;
	char detail[512];
	double elapsed;
	double started; /* ew_wizard_clock() when it began running */
	unsigned requests, retries;
	struct ew_error error;
	bool awaiting;	/* the engine waits for retry/skip/abort */
	char note[200]; /* the latest retry, shown beside the step */
};

enum ew_confirm {
	EW_CONFIRM_NONE,
	EW_CONFIRM_QUIT,  /* quit the wizard */
	EW_CONFIRM_ABORT, /* abort the run */
	EW_CONFIRM_APPLY, /* change AWS: names what changes, y/N */
};

struct ew_wizard {
	/* Options and mode. */
	struct ew_setup setup;
	bool demo;
	char scenario[64];
	bool no_color;
	bool high_contrast; /* --theme high-contrast or EW_THEME */
	bool no_github_api;
	char *profile;		/* --profile or NULL */
	bool region_given;	/* --region: the session must not override */
	bool github_given;	/* --github */
	bool account_given;	/* --account */
	char github_origin[64]; /* "detected", "--github", "typed", "sample" */
	/* --github-ids: the API's IDs do not replace them */
	bool ids_given;

	struct ew_context ctx;
	/* transport, session and credentials (bootstrap.h) */
	struct ew_bootstrap boot;

	/* Detection (filled by EW_JOB_START). */
	enum ew_probe detect;
	struct ew_git_info git;
	int git_rc;
	struct ew_error git_err;

	/* GitHub IDs (EW_JOB_GITHUB). */
	enum ew_probe ids;
	char ids_note[512];
	char owner_id[24], repo_id[24];

	/* Account (EW_JOB_START / EW_JOB_ACCOUNT). */
	enum ew_probe account;
	struct ew_caller_identity ident;
	int account_rc;
	struct ew_error account_err;
	/* No usable identity: the typed account, and whether there are
	 * credentials to run with at all (else: preview only). */
	bool offline;

	/* Engine. */
	bool has_client;
	struct ew_aws_client client;
	bool has_engine;
	struct ew_engine engine;
	struct ew_step_view *views;
	size_t nviews;
	enum ew_probe plan;
	int plan_rc;
	struct ew_error plan_err;
	bool apply_wanted; /* start the apply when the plan is done */
	bool apply_started;
	bool apply_done;
	int apply_rc;
	struct ew_error apply_err;
	struct ew_engine_result result;
	double run_started;
	double run_elapsed; /* the apply alone, set when it ends */
	struct ew_buf log;  /* the run's log pane, '\n' separated */
	/* The same lines per step: once the run is over the log is shown
	 * in step order, which does not depend on thread timing. */
	struct ew_buf *step_logs;

	/* Outputs (after the run). */
	bool has_outputs;
	struct ew_outputs outputs;
	char workflow_root[4096]; /* where the workflow is written */
	bool demo_root;		  /* the demo's own temporary directory */
	enum {
		EW_WF_UNDECIDED,
		EW_WF_WRITTEN,
		EW_WF_SKIPPED,
		EW_WF_IDENTICAL,
		EW_WF_FAILED,
	} workflow;
	char workflow_note[512];

	/* Threads and events. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ew_wizard_event *queue_head, *queue_tail;
	pthread_t threads[EW_JOB_COUNT];
	bool thread_live[EW_JOB_COUNT];
	int jobs_running;     /* under lock */
	int *decisions;	      /* per step, -1 = none yet; under lock */
	int failures_waiting; /* under lock */

	/* UI. */
	const struct ew_screen_ops *screen;
	const struct ew_screen_ops *before_explain;
	bool reached[EW_SCREEN_COUNT];
	bool help_open;
	enum ew_confirm confirm;
	char message[512];
	enum ew_role message_role;
	unsigned long frame;
	bool quit;
	bool quit_after_abort; /* q or C-c then y during a run: leave */
	int exit_status;
	bool print_outputs; /* print the secrets table after endwin */
};

/* ---- life cycle (wizard.c) ------------------------------------------ */

/* Take the parsed options (setup moved out of o).  0 or EW_ENOMEM. */
int ew_wizard_init(struct ew_wizard *w, struct ew_options *o,
		   struct ew_error *err);
/* Run the event loop until the user quits; returns the exit status. */
int ew_wizard_run(struct ew_wizard *w);
void ew_wizard_release(struct ew_wizard *w);

/* ---- for the screens ------------------------------------------------ */

void ew_wizard_goto(struct ew_wizard *w, const struct ew_screen_ops *s);
/* A one-line message under the content (cleared on the next key). */
void ew_wizard_message(struct ew_wizard *w, enum ew_role role, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));
/* Seconds on a monotonic clock. */
double ew_wizard_clock(void);
/* "1.2s" (or the fixed "0.0s" in a test build with EW_TEST_FIXED_TIME). */
void ew_wizard_elapsed(char *out, size_t size, double seconds);
/* The spinner glyph for this frame (fixed in tests). */
const char *ew_wizard_spinner(const struct ew_wizard *w);

/* Start the account check again (Account screen's retry). */
void ew_wizard_retry_account(struct ew_wizard *w);
/* Owner/repo chosen (detected, flagged or typed): look up the IDs. */
void ew_wizard_github_changed(struct ew_wizard *w);
/* Continue without a verified identity, with a typed account. */
int ew_wizard_use_typed_account(struct ew_wizard *w, const char *account,
				struct ew_error *err);

/* Build the engine for the current setup and start its plan.  0, or
 * EW_EINVAL with err saying what the setup lacks. */
int ew_wizard_start_plan(struct ew_wizard *w, struct ew_error *err);
/* Cancel and drop the engine (going back to change a choice). */
void ew_wizard_drop_engine(struct ew_wizard *w);
/* Start the apply now, or as soon as the plan is done. */
void ew_wizard_start_apply(struct ew_wizard *w);
/* Answer the engine's on_failure for the step awaiting a decision. */
void ew_wizard_decide(struct ew_wizard *w, size_t step, enum ew_decision d);
/* The question asked before the apply: "Create 6 resources and update 1
 * in account 123456789012 (us-east-1)?", from the finished plan. */
void ew_wizard_apply_question(const struct ew_wizard *w, char *out,
			      size_t size);
/* Cancel the run (after the user confirmed). */
void ew_wizard_abort(struct ew_wizard *w);
/* The first step awaiting a decision, or -1. */
long ew_wizard_failed_step(const struct ew_wizard *w);
/* Append a line to the run log. */
void ew_wizard_log(struct ew_wizard *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The run log to show: as it happened while running, by step after. */
const char *ew_wizard_run_log(struct ew_wizard *w);
/* Where the workflow goes, for the screen: "repo/.github/workflows/x.yml"
 * (the last component of the root, so screens never show a whole
 * home-directory path). */
void ew_wizard_workflow_shown(const struct ew_wizard *w, char *out,
			      size_t size);
/* The word for a step's state: "cancelled" for a step an abort stopped,
 * else ew_step_state_name(). */
const char *ew_wizard_state_word(const struct ew_step_view *v);
/* Whether the run finished with every step done, updated or unchanged. */
bool ew_wizard_is_complete(const struct ew_wizard *w);
/* Whether the plan ran against a live account (not offline). */
bool ew_wizard_is_live(const struct ew_wizard *w);
/* Compute the outputs (Done screen).  0 or an error code. */
int ew_wizard_build_outputs(struct ew_wizard *w, struct ew_error *err);
/* The hint (hint.h) for error e with what the wizard knows: the setup,
 * the target of step (-1: not a step) and the identity STS returned.
 * The caller releases out with ew_hint_release(). */
struct ew_hint;
void ew_wizard_hint(const struct ew_wizard *w, long step,
		    const struct ew_error *e, struct ew_hint *out);

#endif
