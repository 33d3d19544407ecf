/*
 * wizard.c - the wizard's state, its worker jobs, the event queue that
 * brings their results to the UI thread, and the event loop.
 */
#include "wizard.h"

#include "commands.h"
#include "demo_account.h"
#include "draw.h"
#include "options.h"
#include "test_hooks.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef EW_TEST_HOOKS
/* How long the engine must stay quiet, with a failure waiting, before a
 * test's :wait counts it as idle (other branches may still be running). */
#define SETTLE_SECONDS 0.3
#endif

enum ev_kind {
	EV_DETECTED, /* w->git is filled */
	EV_STEP,     /* an engine step changed */
	EV_RETRY,    /* a request is being retried */
	EV_FAILURE,  /* a step waits for retry / skip / abort */
	EV_JOB_DONE,
};

struct ew_wizard_event {
	struct ew_wizard_event *next;
	enum ev_kind kind;
	enum ew_job job;
	int rc;
	struct ew_error err;
	size_t step;
	enum ew_event ev;
	struct ew_step_view view;
	char note[200];
	bool is_static; /* the out-of-memory spare: not freed */
};

struct job_arg {
	struct ew_wizard *w;
	enum ew_job job;
};

/* Job inputs copied by the UI thread before the job starts, so a job
 * never reads the setup the UI is editing. */
static struct {
	char host[256];
	char region[64];
	char owner[64], repo[128];
	struct ew_github_ids ids;
	/* The OIDC subject template (after the IDs, same job). */
	struct ew_github_sub_template tmpl;
	int tmpl_rc;
	struct ew_error tmpl_err;
	struct ew_buf tmpl_notes;
	bool ids_again;
	double last_event; /* ew_wizard_clock() of the last engine event */
} jobin;

/* ------------------------------------------------------------ helpers */

double ew_wizard_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ew_wizard_elapsed(char *out, size_t size, double seconds)
{
	if (ew_test_fixed_time() || seconds < 0)
		seconds = 0;
	snprintf(out, size, "%.1fs", seconds);
}

const char *ew_wizard_spinner(const struct ew_wizard *w)
{
	const struct ew_ui_glyphs *g = ew_ui_glyphs();

	if (ew_test_fixed_time())
		return g->spinner[0];
	return g->spinner[(w->frame / 2) % g->nspinner];
}

void ew_wizard_message(struct ew_wizard *w, enum ew_role role, const char *fmt,
		       ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->message, sizeof(w->message), fmt, ap);
	va_end(ap);
	w->message_role = role;
}

void ew_wizard_log(struct ew_wizard *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ew_buf_vprintf(&w->log, fmt, ap);
	va_end(ap);
	ew_buf_putc(&w->log, '\n');
}

/* What the log adds after the state word: for a failure its error (the
 * detail still holds what the check found, "not found: will be
 * created"), never the state word twice ("skipped, skipped: ..."). */
static const char *log_detail(const struct ew_step_view *v)
{
	const char *word = ew_wizard_state_word(v);
	size_t n = strlen(word);

	if (v->state == EW_STATE_FAILED)
		return v->error.code == EW_ECANCEL ? ""
		       : v->error.aws_code[0]	   ? v->error.aws_code
						   : v->error.message;
	if (strncmp(v->detail, word, n) == 0 && v->detail[n] == ':')
		return v->detail + n + (v->detail[n + 1] == ' ' ? 2 : 1);
	return v->detail;
}

/* A log line about step i: in the running log and the step's own. */
static void log_step(struct ew_wizard *w, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void log_step(struct ew_wizard *w, size_t i, const char *fmt, ...)
{
	va_list ap;
	size_t start = w->log.len;

	va_start(ap, fmt);
	ew_buf_vprintf(&w->log, fmt, ap);
	va_end(ap);
	ew_buf_putc(&w->log, '\n');
	if (w->step_logs && i < w->nviews)
		ew_buf_add(&w->step_logs[i], w->log.ptr + start,
			   w->log.len - start);
}

const char *ew_wizard_run_log(struct ew_wizard *w)
{
	static struct ew_buf ordered;
	size_t shown = 0;

	if (!w->apply_done || !w->step_logs)
		return w->log.ptr;
	ew_buf_clear(&ordered);
	/* What is worth a look once it is over: steps that did not simply
	 * create their resource (reused, updated, skipped, failed) or that
	 * needed retries.  Without any, the whole log. */
	for (int pass = 0; pass < 2 && !shown; pass++)
		for (size_t i = 0; i < w->nviews; i++) {
			const struct ew_step_view *v = &w->views[i];

			if (pass == 0 && v->state == EW_STATE_DONE &&
			    !v->retries &&
			    !strstr(w->step_logs[i].ptr, "retrying"))
				continue;
			if (!w->step_logs[i].len)
				continue;
			ew_buf_puts(&ordered, w->step_logs[i].ptr);
			shown++;
		}
	/* The closing line ("run finished ...") is the log's last. */
	{
		const char *last = w->log.ptr + w->log.len;

		if (last > w->log.ptr)
			last--;
		while (last > w->log.ptr && last[-1] != '\n')
			last--;
		ew_buf_puts(&ordered, last);
	}
	return ordered.ptr;
}

void ew_wizard_workflow_shown(const struct ew_wizard *w, char *out, size_t size)
{
	const char *base = strrchr(w->workflow_root, '/');

	base = base && base[1] ? base + 1 : w->workflow_root;
	if (w->demo_root)
		snprintf(out, size, "%s/%.120s/%.200s",
			 getenv("TMPDIR") && *getenv("TMPDIR") ? "$TMPDIR"
							       : "/tmp",
			 base, w->setup.workflow_path);
	else
		snprintf(out, size, "%.120s/%.200s", base,
			 w->setup.workflow_path);
}

/* The demo writes its workflow into a directory of its own under
 * $TMPDIR, never into the directory it runs in (`make demo` would write
 * into this checkout).  The test build names it ecr-wizard-demo-test so
 * dumps do not change from run to run. */
static void make_demo_root(struct ew_wizard *w)
{
	const char *tmp = getenv("TMPDIR");
	char path[sizeof(w->workflow_root)];

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (ew_test_fixed_time()) {
		snprintf(path, sizeof(path), "%s/ecr-wizard-demo-test", tmp);
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return;
	} else {
		snprintf(path, sizeof(path), "%s/ecr-wizard-demo-XXXXXX", tmp);
		if (!mkdtemp(path))
			return;
	}
	snprintf(w->workflow_root, sizeof(w->workflow_root), "%s", path);
	w->demo_root = true;
}

bool ew_wizard_is_complete(const struct ew_wizard *w)
{
	if (!w->apply_done || w->apply_rc != 0)
		return false;
	for (size_t i = 0; i < w->nviews; i++)
		if (w->views[i].state == EW_STATE_SKIPPED ||
		    w->views[i].state == EW_STATE_FAILED)
			return false;
	return true;
}

bool ew_wizard_is_live(const struct ew_wizard *w)
{
	return !w->offline;
}

long ew_wizard_failed_step(const struct ew_wizard *w)
{
	for (size_t i = 0; i < w->nviews; i++)
		if (w->views[i].awaiting)
			return (long)i;
	return -1;
}

/* -------------------------------------------------------- event queue */

static struct ew_wizard_event *new_event(enum ev_kind kind)
{
	struct ew_wizard_event *e = calloc(1, sizeof(*e));

	if (e)
		e->kind = kind;
	return e;
}

static void post(struct ew_wizard *w, struct ew_wizard_event *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->queue_tail)
		w->queue_tail->next = e;
	else
		w->queue_head = e;
	w->queue_tail = e;
	if (e->kind == EV_JOB_DONE)
		w->jobs_running--;
	pthread_mutex_unlock(&w->lock);
}

static struct ew_wizard_event *take(struct ew_wizard *w)
{
	struct ew_wizard_event *e;

	pthread_mutex_lock(&w->lock);
	e = w->queue_head;
	if (e) {
		w->queue_head = e->next;
		if (!w->queue_head)
			w->queue_tail = NULL;
	}
	pthread_mutex_unlock(&w->lock);
	return e;
}

/* Drop queued events about the engine (it is being released). */
static void drop_engine_events(struct ew_wizard *w)
{
	struct ew_wizard_event **pp, *e;

	pthread_mutex_lock(&w->lock);
	w->queue_tail = NULL;
	for (pp = &w->queue_head; (e = *pp);) {
		bool engine =
		    e->kind == EV_STEP || e->kind == EV_RETRY ||
		    e->kind == EV_FAILURE ||
		    (e->kind == EV_JOB_DONE &&
		     (e->job == EW_JOB_PLAN || e->job == EW_JOB_APPLY));

		if (engine) {
			*pp = e->next;
			if (!e->is_static)
				free(e);
			continue;
		}
		w->queue_tail = e;
		pp = &e->next;
	}
	pthread_mutex_unlock(&w->lock);
}

/* ---------------------------------------------------------------- jobs */

static int account_probe(struct ew_wizard *w, struct ew_error *err)
{
	struct ew_aws_client c;
	const char *region = jobin.region;
	int rc;

	rc = ew_bootstrap_credentials(
	    &w->boot, w->profile, w->region_given ? jobin.region : NULL, err);
	if (rc)
		return rc;
	if (!w->demo && w->boot.session.region)
		region = w->boot.session.region;
	rc = ew_bootstrap_client(&w->boot, region, &c, err);
	if (rc)
		return rc;
	rc = ew_sts_get_caller_identity(&w->ident, &c, err);
	ew_aws_client_release(&c);
	return rc;
}

static int start_job(struct ew_wizard *w, struct ew_error *err)
{
	struct ew_bootstrap_options o = {
	    .demo = w->demo,
	    .demo_scenario = w->scenario[0] ? w->scenario : NULL};
	struct ew_wizard_event *ev;
	int rc = ew_bootstrap_open(&w->boot, &o, err);

	w->git_rc = ew_git_detect(&w->git, NULL, jobin.host, &w->git_err);
	ev = new_event(EV_DETECTED);
	post(w, ev);

	if (rc)
		return rc;
	return account_probe(w, err);
}

static int github_job(struct ew_wizard *w, struct ew_error *err)
{
	return ew_bootstrap_github_lookup(
	    &w->boot, jobin.owner, jobin.repo, &jobin.ids, &jobin.tmpl,
	    &jobin.tmpl_rc, &jobin.tmpl_notes, &jobin.tmpl_err, err);
}

static void *job_main(void *arg)
{
	struct job_arg *a = arg;
	struct ew_wizard *w = a->w;
	struct ew_wizard_event *ev = new_event(EV_JOB_DONE);
	struct ew_error err;
	int rc = 0;

	ew_error_clear(&err);
	switch (a->job) {
	case EW_JOB_START:
		rc = start_job(w, &err);
		break;
	case EW_JOB_ACCOUNT:
		rc = account_probe(w, &err);
		break;
	case EW_JOB_GITHUB:
		rc = github_job(w, &err);
		break;
	case EW_JOB_PLAN:
		rc = ew_engine_plan(&w->engine, &err);
		break;
	case EW_JOB_APPLY:
		rc = ew_engine_apply(&w->engine, &err);
		break;
	case EW_JOB_COUNT:
		break;
	}
	if (!ev) {
		/* Without memory for the event the loop would wait forever;
		 * a static one is enough for this rare case. */
		static struct ew_wizard_event spare;

		ev = &spare;
		memset(ev, 0, sizeof(*ev));
		ev->kind = EV_JOB_DONE;
		ev->is_static = true;
	}
	ev->job = a->job;
	ev->rc = rc;
	ev->err = err;
	free(a);
	post(w, ev);
	return NULL;
}

static int spawn(struct ew_wizard *w, enum ew_job job)
{
	struct job_arg *a;

	if (w->thread_live[job])
		return EW_EEXISTS;
	a = malloc(sizeof(*a));
	if (!a)
		return EW_ENOMEM;
	a->w = w;
	a->job = job;
	pthread_mutex_lock(&w->lock);
	w->jobs_running++;
	pthread_mutex_unlock(&w->lock);
	if (pthread_create(&w->threads[job], NULL, job_main, a) != 0) {
		pthread_mutex_lock(&w->lock);
		w->jobs_running--;
		pthread_mutex_unlock(&w->lock);
		free(a);
		return EW_ERROR;
	}
	w->thread_live[job] = true;
	return 0;
}

static void join(struct ew_wizard *w, enum ew_job job)
{
	if (!w->thread_live[job])
		return;
	pthread_join(w->threads[job], NULL);
	w->thread_live[job] = false;
}

/* ------------------------------------------------------ engine observer */

static size_t step_index(struct ew_wizard *w, const struct ew_step *s)
{
	return (size_t)(s - w->engine.steps);
}

static void copy_view(struct ew_step_view *v, const struct ew_step *s)
{
	v->kind = s->kind;
	snprintf(v->title, sizeof(v->title), "%s", s->title);
	v->action = s->action;
	v->state = s->state;
	snprintf(v->detail, sizeof(v->detail), "%s", s->detail);
	v->elapsed = s->elapsed;
	v->requests = s->requests;
	v->retries = s->retries;
	v->error = s->error;
}

static void on_step(const struct ew_step *s, enum ew_event what, void *payload)
{
	struct ew_wizard *w = payload;
	struct ew_wizard_event *ev = new_event(EV_STEP);

	if (!ev)
		return;
	ev->step = step_index(w, s);
	ev->ev = what;
	copy_view(&ev->view, s);
	post(w, ev);
}

static void on_retry(const struct ew_step *s, const struct ew_retry_event *r,
		     void *payload)
{
	struct ew_wizard *w = payload;
	struct ew_wizard_event *ev = new_event(EV_RETRY);
	char delay[32];

	if (!ev)
		return;
	ev->step = step_index(w, s);
	ew_wizard_elapsed(delay, sizeof(delay), (double)r->delay_ms / 1000.0);
	snprintf(ev->note, sizeof(ev->note),
		 "retrying %s:%s (%s, attempt %d/%d, waiting %s)", r->service,
		 r->operation,
		 r->error && r->error->aws_code[0]
		     ? r->error->aws_code
		     : (r->error ? ew_error_code_name(r->error->code) : "?"),
		 r->attempt + 1, r->max_attempts, delay);
	post(w, ev);
}

static enum ew_decision on_failure(const struct ew_step *s, void *payload)
{
	struct ew_wizard *w = payload;
	struct ew_wizard_event *ev = new_event(EV_FAILURE);
	size_t i = step_index(w, s);
	int d;

	pthread_mutex_lock(&w->lock);
	w->decisions[i] = -1;
	w->failures_waiting++;
	pthread_mutex_unlock(&w->lock);
	if (ev) {
		ev->step = i;
		copy_view(&ev->view, s);
		post(w, ev);
	}
	pthread_mutex_lock(&w->lock);
	while (w->decisions[i] < 0)
		pthread_cond_wait(&w->cond, &w->lock);
	d = w->decisions[i];
	w->decisions[i] = -2;
	pthread_mutex_unlock(&w->lock);
	return (enum ew_decision)d;
}

/* ------------------------------------------------------- engine control */

void ew_wizard_decide(struct ew_wizard *w, size_t step, enum ew_decision d)
{
	if (step >= w->nviews || !w->views[step].awaiting)
		return;
	w->views[step].awaiting = false;
	pthread_mutex_lock(&w->lock);
	if (w->decisions[step] == -1) {
		w->decisions[step] = (int)d;
		/* Counted down here, not when the engine wakes up, so a
		 * test's :wait cannot see the old failure as idle. */
		w->failures_waiting--;
	}
	jobin.last_event = ew_wizard_clock();
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void ew_wizard_abort(struct ew_wizard *w)
{
	if (!w->has_engine)
		return;
	ew_engine_cancel(&w->engine);
	for (size_t i = 0; i < w->nviews; i++)
		if (w->views[i].awaiting)
			ew_wizard_decide(w, i, EW_DECISION_ABORT);
	/* A failure not yet seen by the UI waits too. */
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->nviews; i++)
		if (w->decisions[i] == -1) {
			w->decisions[i] = EW_DECISION_ABORT;
			w->failures_waiting--;
		}
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	if (w->apply_started && !w->apply_done)
		ew_wizard_log(w, "aborting: waiting for the requests in "
				 "flight to finish");
}

void ew_wizard_drop_engine(struct ew_wizard *w)
{
	if (!w->has_engine)
		return;
	ew_wizard_abort(w);
	join(w, EW_JOB_PLAN);
	join(w, EW_JOB_APPLY);
	drop_engine_events(w);
	/* The jobs' EV_JOB_DONE events were dropped with the rest. */
	pthread_mutex_lock(&w->lock);
	w->jobs_running = 0;
	for (int j = 0; j < EW_JOB_COUNT; j++)
		if (w->thread_live[j])
			w->jobs_running++;
	pthread_mutex_unlock(&w->lock);
	ew_engine_release(&w->engine);
	w->has_engine = false;
	for (size_t i = 0; w->step_logs && i < w->nviews; i++)
		ew_buf_release(&w->step_logs[i]);
	free(w->step_logs);
	w->step_logs = NULL;
	free(w->views);
	w->views = NULL;
	w->nviews = 0;
	free(w->decisions);
	w->decisions = NULL;
	w->plan = EW_PROBE_RUNNING;
	w->apply_wanted = false;
	if (w->has_client) {
		ew_aws_client_release(&w->client);
		w->has_client = false;
	}
}

int ew_wizard_start_plan(struct ew_wizard *w, struct ew_error *err)
{
	struct ew_engine_observer obs = {on_step, on_retry, on_failure, w};
	int rc;

	if (w->has_engine)
		return 0;
	if (!w->setup.owner || !w->setup.repo)
		return ew_error_set(err, EW_EINVAL,
				    "the GitHub repository is not set: go "
				    "back to the first screen");
	if (w->offline && !w->setup.account)
		return ew_error_set(err, EW_EINVAL,
				    "no AWS account: type one on the account "
				    "screen");
	if (!w->offline) {
		rc = ew_bootstrap_client(&w->boot, w->setup.region, &w->client,
					 err);
		if (rc)
			return rc;
		w->has_client = true;
	}
	rc = ew_engine_init(&w->engine, &w->ctx, &w->setup,
			    w->offline ? NULL : &w->client, &obs, w->offline,
			    err);
	if (rc) {
		if (w->has_client)
			ew_aws_client_release(&w->client);
		w->has_client = false;
		return rc;
	}
	w->has_engine = true;
	w->views = calloc(w->engine.nsteps, sizeof(*w->views));
	w->decisions = malloc(w->engine.nsteps * sizeof(*w->decisions));
	if (!w->views || !w->decisions) {
		ew_wizard_drop_engine(w);
		return ew_error_oom(err);
	}
	w->step_logs = calloc(w->engine.nsteps, sizeof(*w->step_logs));
	if (!w->step_logs) {
		ew_wizard_drop_engine(w);
		return ew_error_oom(err);
	}
	w->nviews = w->engine.nsteps;
	for (size_t i = 0; i < w->nviews; i++) {
		ew_buf_init(&w->step_logs[i]);
		copy_view(&w->views[i], &w->engine.steps[i]);
		w->decisions[i] = -2;
	}
	w->plan = EW_PROBE_RUNNING;
	w->plan_rc = 0;
	ew_error_clear(&w->plan_err);
	w->apply_started = w->apply_done = w->apply_wanted = false;
	ew_buf_clear(&w->log);
	rc = spawn(w, EW_JOB_PLAN);
	if (rc) {
		ew_wizard_drop_engine(w);
		return ew_error_set(err, rc, "cannot start a thread");
	}
	return 0;
}

void ew_wizard_apply_question(const struct ew_wizard *w, char *out, size_t size)
{
	unsigned create = 0, update = 0, unknown = 0;
	char what[160], tail[64] = "";

	for (size_t i = 0; i < w->nviews; i++) {
		const struct ew_step_view *v = &w->views[i];

		if (v->kind == EW_STEP_IDENTITY || v->kind == EW_STEP_OUTPUTS)
			continue;
		if (v->action == EW_ACTION_CREATE)
			create++;
		else if (v->action == EW_ACTION_UPDATE)
			update++;
		else if (v->action == EW_ACTION_UNKNOWN)
			unknown++;
	}
	if (create && update)
		snprintf(what, sizeof(what),
			 "Create %u resource%s and update %u", create,
			 create == 1 ? "" : "s", update);
	else if (create)
		snprintf(what, sizeof(what), "Create %u resource%s", create,
			 create == 1 ? "" : "s");
	else if (update)
		snprintf(what, sizeof(what), "Update %u resource%s", update,
			 update == 1 ? "" : "s");
	else
		snprintf(what, sizeof(what),
			 "Nothing to create or update; check again");
	if (unknown)
		snprintf(tail, sizeof(tail), " (%u could not be checked)",
			 unknown);
	snprintf(out, size, "%s%s in account %s (%s)?", what, tail,
		 w->setup.account ? w->setup.account : "?",
		 w->setup.region ? w->setup.region : "?");
}

void ew_wizard_start_apply(struct ew_wizard *w)
{
	if (!w->has_engine || w->apply_started)
		return;
	if (w->plan == EW_PROBE_RUNNING) {
		w->apply_wanted = true;
		return;
	}
	w->apply_started = true;
	w->apply_wanted = false;
	w->run_started = ew_wizard_clock();
	ew_wizard_log(w, "run started");
	if (spawn(w, EW_JOB_APPLY) != 0) {
		w->apply_done = true;
		w->apply_rc = EW_ERROR;
		ew_error_set(&w->apply_err, EW_ERROR, "cannot start a thread");
	}
}

int ew_wizard_build_outputs(struct ew_wizard *w, struct ew_error *err)
{
	int rc;

	if (w->has_outputs)
		return 0;
	rc = ew_outputs_build(&w->outputs, &w->setup, err);
	if (rc == 0)
		w->has_outputs = true;
	return rc;
}

/* ------------------------------------------------ account and GitHub */

static void start_account(struct ew_wizard *w, enum ew_job job)
{
	ew_bootstrap_forget_credentials(&w->boot);
	memset(&w->ident, 0, sizeof(w->ident));
	ew_error_clear(&w->account_err);
	w->account = EW_PROBE_RUNNING;
	snprintf(jobin.host, sizeof(jobin.host), "%s", w->setup.github_host);
	snprintf(jobin.region, sizeof(jobin.region), "%s",
		 w->setup.region ? w->setup.region : EW_DEFAULT_REGION);
	if (spawn(w, job) != 0) {
		w->account = EW_PROBE_FAILED;
		w->account_rc = EW_ERROR;
		ew_error_set(&w->account_err, EW_ERROR,
			     "cannot start a thread");
	}
}

void ew_wizard_retry_account(struct ew_wizard *w)
{
	if (w->account == EW_PROBE_RUNNING || !w->boot.transport)
		return;
	w->offline = false;
	start_account(w, EW_JOB_ACCOUNT);
}

void ew_wizard_github_changed(struct ew_wizard *w)
{
	const char *owner_id, *repo_id;
	struct ew_error err;

	if (!w->ids_given) {
		ew_setup_set_owner_id(&w->setup, NULL, &err);
		ew_setup_set_repo_id(&w->setup, NULL, &err);
	}
	ew_setup_set_sub_claim_keys(&w->setup, NULL, 0, &err);
	if (!w->setup.owner || !w->setup.repo)
		return;
	if (w->demo && ew_bootstrap_demo_ids(w->setup.owner, w->setup.repo,
					     &owner_id, &repo_id)) {
		ew_setup_set_owner_id(&w->setup, owner_id, &err);
		ew_setup_set_repo_id(&w->setup, repo_id, &err);
		w->ids = EW_PROBE_OK;
		snprintf(w->ids_note, sizeof(w->ids_note),
			 "owner ID %s, repository ID %s (demo sample: no "
			 "GitHub API call)",
			 owner_id, repo_id);
		return;
	}
	if (w->demo) {
		/* The sample's IDs belong to the sample: another repository
		 * gets none rather than someone else's. */
		w->ids = EW_PROBE_FAILED;
		snprintf(w->ids_note, sizeof(w->ids_note),
			 "demo: no GitHub API call, so no numeric IDs for this "
			 "repository; the trust policy names it by name only");
		return;
	}
	if (w->no_github_api) {
		w->ids = w->ids_given ? EW_PROBE_OK : EW_PROBE_FAILED;
		snprintf(w->ids_note, sizeof(w->ids_note), "%s",
			 w->ids_given ? "given with --github-ids (GitHub API "
					"not asked)"
				      : "not asked (--no-github-api): "
					"subjects by name only; --github-ids "
					"OWNER_ID/REPO_ID adds the IDs");
		return;
	}
	if (w->thread_live[EW_JOB_GITHUB]) {
		jobin.ids_again = true;
		return;
	}
	snprintf(jobin.owner, sizeof(jobin.owner), "%s", w->setup.owner);
	snprintf(jobin.repo, sizeof(jobin.repo), "%s", w->setup.repo);
	memset(&jobin.ids, 0, sizeof(jobin.ids));
	w->ids = EW_PROBE_RUNNING;
	snprintf(w->ids_note, sizeof(w->ids_note),
		 "asking the GitHub API for the numeric IDs");
	if (spawn(w, EW_JOB_GITHUB) != 0)
		w->ids = EW_PROBE_FAILED;
}

int ew_wizard_use_typed_account(struct ew_wizard *w, const char *account,
				struct ew_error *err)
{
	int rc = ew_setup_set_account(&w->setup, account, err);

	if (rc)
		return rc;
	/* With credentials that failed the check, the engine still runs
	 * live (and shows why it fails); without any, only a preview. */
	w->offline = !w->boot.has_creds;
	return 0;
}

/* ------------------------------------------------------ event handling */

static void on_detected(struct ew_wizard *w)
{
	struct ew_error err;
	bool changed = false;

	/* The demo shows the same sample wherever it runs (`make demo` in
	 * this checkout, a user's own repository, the screenshots): what
	 * the directory holds plays no part in it. */
	if (w->demo) {
		w->git_rc = EW_ENOTFOUND;
		ew_git_info_release(&w->git);
		memset(&w->git, 0, sizeof(w->git));
	}
	w->detect = w->git_rc == 0 ? EW_PROBE_OK : EW_PROBE_FAILED;
	if (!w->github_given) {
		if (w->git_rc == 0) {
			char slug[160];

			snprintf(slug, sizeof(slug), "%s/%s", w->git.ref.owner,
				 w->git.ref.repo);
			if (ew_setup_set_github(&w->setup, slug, &err) == 0) {
				snprintf(w->github_origin,
					 sizeof(w->github_origin), "detected");
				changed = true;
			}
		} else if (w->demo) {
			ew_setup_set_github(&w->setup, EW_DEMO_SAMPLE, &err);
			snprintf(w->github_origin, sizeof(w->github_origin),
				 "demo sample");
			changed = true;
		}
	}
	if (w->git_rc == 0 && w->git.default_branch &&
	    strcmp(w->setup.default_branch, EW_DEFAULT_BRANCH) == 0)
		ew_setup_set_default_branch(&w->setup, w->git.default_branch,
					    &err);
	if (w->git.workdir && !w->demo_root)
		snprintf(w->workflow_root, sizeof(w->workflow_root), "%s",
			 w->git.workdir);
	if (changed || w->github_given)
		ew_wizard_github_changed(w);
}

static void on_account_done(struct ew_wizard *w, int rc,
			    const struct ew_error *err)
{
	struct ew_error e2;

	w->account_rc = rc;
	w->account_err = *err;
	w->account = rc == 0 ? EW_PROBE_OK : EW_PROBE_FAILED;
	if (w->boot.has_session && w->boot.session.region && !w->region_given &&
	    !w->demo)
		ew_setup_set_region(&w->setup, w->boot.session.region, &e2);
	if (rc != 0)
		return;
	w->offline = false;
	if (w->account_given && w->setup.account &&
	    strcmp(w->setup.account, w->ident.account) != 0) {
		w->account = EW_PROBE_FAILED;
		w->account_rc = EW_EINVAL;
		ew_error_set(&w->account_err, EW_EINVAL,
			     "the credentials are for account %s, not the "
			     "account %s asked for with --account",
			     w->ident.account, w->setup.account);
		return;
	}
	ew_setup_set_account(&w->setup, w->ident.account, &e2);
}

static void on_github_done(struct ew_wizard *w, int rc,
			   const struct ew_error *err)
{
	struct ew_error e2;
	char id[32];
	int n;

	if (jobin.ids_again) {
		jobin.ids_again = false;
		ew_wizard_github_changed(w);
		return;
	}
	if (rc != 0) {
		w->ids = w->ids_given ? EW_PROBE_OK : EW_PROBE_FAILED;
		snprintf(w->ids_note, sizeof(w->ids_note), "%.180s; %s",
			 err->message,
			 w->ids_given ? "using the IDs given with --github-ids"
				      : "the trust policy names the repository "
					"by name only (--github-ids "
					"OWNER_ID/REPO_ID adds the IDs)");
		return;
	}
	/* The OIDC sub matches case-sensitively: use GitHub's spelling. */
	if (jobin.ids.owner_login[0] && jobin.ids.repo_name[0] &&
	    (strcmp(jobin.ids.owner_login, w->setup.owner) != 0 ||
	     strcmp(jobin.ids.repo_name, w->setup.repo) != 0)) {
		char slug[160];

		snprintf(slug, sizeof(slug), "%s/%s", jobin.ids.owner_login,
			 jobin.ids.repo_name);
		ew_setup_set_github(&w->setup, slug, &e2);
	}
	if (!w->ids_given) {
		snprintf(id, sizeof(id), "%" PRId64, jobin.ids.owner_id);
		ew_setup_set_owner_id(&w->setup, id, &e2);
		snprintf(id, sizeof(id), "%" PRId64, jobin.ids.repo_id);
		ew_setup_set_repo_id(&w->setup, id, &e2);
	}
	if (jobin.ids.visibility[0])
		ew_setup_set_github_visibility(&w->setup, jobin.ids.visibility,
					       &e2);
	if (jobin.tmpl_rc == 0 && ew_github_sub_template_is_custom(&jobin.tmpl))
		ew_setup_set_sub_claim_keys(
		    &w->setup, (const char *const *)jobin.tmpl.keys,
		    jobin.tmpl.nkeys, &e2);
	w->ids = EW_PROBE_OK;
	n = snprintf(w->ids_note, sizeof(w->ids_note),
		     "owner ID %s, repository ID %s (%s)",
		     w->setup.owner_id ? w->setup.owner_id : "?",
		     w->setup.repo_id ? w->setup.repo_id : "?",
		     w->ids_given ? "given with --github-ids"
				  : "from the GitHub API");
	/* The subject's shape: the preview's trust policy follows it. */
	if (n > 0 && (size_t)n < sizeof(w->ids_note)) {
		if (jobin.tmpl_rc != 0) {
			w->ids = EW_PROBE_FAILED;
			snprintf(w->ids_note + n,
				 sizeof(w->ids_note) - (size_t)n, "; %.300s",
				 jobin.tmpl_err.message);
		} else if (w->setup.nsub_claim_keys) {
			struct ew_buf t;

			ew_buf_init(&t);
			for (size_t i = 0; i < w->setup.nsub_claim_keys; i++)
				ew_buf_printf(&t, "%s%s", i ? ", " : "",
					      w->setup.sub_claim_keys[i]);
			snprintf(
			    w->ids_note + n, sizeof(w->ids_note) - (size_t)n,
			    "; OIDC subject template: %s", t.ptr ? t.ptr : "");
			ew_buf_release(&t);
		} else if (jobin.tmpl_notes.len) {
			snprintf(w->ids_note + n,
				 sizeof(w->ids_note) - (size_t)n, "; %.*s",
				 (int)strcspn(jobin.tmpl_notes.ptr, "\n"),
				 jobin.tmpl_notes.ptr);
		}
	}
}

static void on_plan_done(struct ew_wizard *w, int rc,
			 const struct ew_error *err)
{
	w->plan_rc = rc;
	w->plan_err = *err;
	w->plan = rc == 0 ? EW_PROBE_OK : EW_PROBE_FAILED;
	if (w->apply_wanted) {
		w->apply_wanted = false;
		if (!w->offline)
			ew_wizard_start_apply(w);
	}
}

static void on_apply_done(struct ew_wizard *w, int rc,
			  const struct ew_error *err)
{
	char t[32];
	struct ew_error e2;

	w->apply_done = true;
	w->apply_rc = rc;
	w->apply_err = *err;
	w->result = w->engine.result;
	/* The engine's figure includes the plan and however long the user
	 * read the preview; the run screen reports the run. */
	w->run_elapsed = ew_wizard_clock() - w->run_started;
	ew_wizard_elapsed(t, sizeof(t), w->run_elapsed);
	if (rc == 0)
		ew_wizard_log(w, "run finished: %u requests, %u changes, %s",
			      w->result.requests, w->result.mutations, t);
	else if (w->result.aborted)
		ew_wizard_log(w, "run aborted: %s", err->message);
	else
		ew_wizard_log(w, "run failed: %s", err->message);
	/* "aborting: steps in flight finish..." is over now. */
	if (w->result.aborted && w->message_role == EW_ROLE_WARNING)
		w->message[0] = 0;
	if (w->setup.account)
		ew_wizard_build_outputs(w, &e2);
}

const char *ew_wizard_state_word(const struct ew_step_view *v)
{
	if (v->state == EW_STATE_FAILED && v->error.code == EW_ECANCEL)
		return "cancelled";
	/* The engine skips what an abort kept from starting. */
	if (v->state == EW_STATE_SKIPPED &&
	    strncmp(v->detail, "not run", 7) == 0)
		return "not run";
	return ew_step_state_name(v->state);
}

static void handle_event(struct ew_wizard *w, struct ew_wizard_event *ev)
{
	struct ew_step_view *v = NULL;

	if (ev->kind == EV_STEP || ev->kind == EV_RETRY ||
	    ev->kind == EV_FAILURE) {
		if (!w->has_engine || ev->step >= w->nviews)
			return;
		v = &w->views[ev->step];
		jobin.last_event = ew_wizard_clock();
	}
	switch (ev->kind) {
	case EV_DETECTED:
		on_detected(w);
		break;
	case EV_STEP: {
		bool awaiting = v->awaiting;
		double started = v->started;
		char note[sizeof(v->note)];

		snprintf(note, sizeof(note), "%s", v->note);
		*v = ev->view;
		v->awaiting = awaiting;
		v->started = started;
		snprintf(v->note, sizeof(v->note), "%s", note);
		if (ev->ev == EW_EVENT_STARTED) {
			v->started = ew_wizard_clock();
			v->note[0] = 0;
		} else if (ev->ev == EW_EVENT_FINISHED && w->apply_started) {
			char t[32];

			ew_wizard_elapsed(t, sizeof(t), v->elapsed);
			log_step(w, ev->step, "%s: %s%s%s (%s)", v->title,
				 ew_wizard_state_word(v),
				 *log_detail(v) ? ", " : "", log_detail(v), t);
		}
		break;
	}
	case EV_RETRY:
		snprintf(v->note, sizeof(v->note), "%s", ev->note);
		if (w->apply_started)
			log_step(w, ev->step, "%s: %s", v->title, ev->note);
		break;
	case EV_FAILURE:
		v->awaiting = true;
		v->error = ev->view.error;
		v->state = ev->view.state;
		ew_wizard_log(
		    w, "%s failed: %s%s%s", v->title, v->error.aws_code,
		    v->error.aws_code[0] ? ": " : "", v->error.message);
		break;
	case EV_JOB_DONE:
		join(w, ev->job);
		switch (ev->job) {
		case EW_JOB_START:
		case EW_JOB_ACCOUNT:
			on_account_done(w, ev->rc, &ev->err);
			break;
		case EW_JOB_GITHUB:
			on_github_done(w, ev->rc, &ev->err);
			break;
		case EW_JOB_PLAN:
			on_plan_done(w, ev->rc, &ev->err);
			break;
		case EW_JOB_APPLY:
			on_apply_done(w, ev->rc, &ev->err);
			break;
		case EW_JOB_COUNT:
			break;
		}
		break;
	}
}

static void drain_events(struct ew_wizard *w)
{
	struct ew_wizard_event *ev;

	while ((ev = take(w))) {
		handle_event(w, ev);
		if (!ev->is_static)
			free(ev);
	}
}

#ifdef EW_TEST_HOOKS
/* For a test's :wait: nothing queued and no job working. */
static bool is_idle(void *payload)
{
	struct ew_wizard *w = payload;
	bool idle;

	pthread_mutex_lock(&w->lock);
	idle = !w->queue_head &&
	       (w->jobs_running == 0 ||
		(w->failures_waiting > 0 &&
		 ew_wizard_clock() - jobin.last_event > SETTLE_SECONDS));
	pthread_mutex_unlock(&w->lock);
	if (idle && w->jobs_running > 0)
		for (size_t i = 0; i < w->nviews; i++)
			if (w->views[i].state == EW_STATE_RUNNING &&
			    !w->views[i].awaiting)
				return false;
	return idle;
}
#else
/* The shipped program reads no key script: :wait never asks. */
#define is_idle NULL
#endif

/* ------------------------------------------------------------ drawing */

static const struct ew_screen_ops *const flow[] = {
    &ew_screen_welcome, &ew_screen_account, &ew_screen_choices,
    &ew_screen_preview, &ew_screen_run,	    &ew_screen_done,
};
#define NFLOW (sizeof(flow) / sizeof(flow[0]))

/* The flow "1 Welcome > 2 Account > ...", or shorter forms when the
 * terminal is narrow (level 1: names only; level 2: "3/6 Choices");
 * returns its width.  Brackets mark the current screen without colour. */
static int draw_flow(struct ew_wizard *w, int x, int level, bool draw)
{
	const struct ew_ui_glyphs *g = ew_ui_glyphs();
	int start = x;

	for (size_t i = 0; i < NFLOW; i++) {
		char item[64];
		bool cur =
		    w->screen == flow[i] || (w->screen == &ew_screen_explain &&
					     w->before_explain == flow[i]);

		if (level == 2) {
			if (!cur)
				continue;
			snprintf(item, sizeof(item), "[%zu/%zu %s]", i + 1,
				 NFLOW, flow[i]->title);
		} else if (level == 1) {
			snprintf(item, sizeof(item), cur ? "[%s]" : " %s ",
				 flow[i]->title);
		} else {
			if (i) {
				if (draw)
					ew_ui_put(0, x, 1, EW_ROLE_TITLE,
						  g->arrow);
				x += 1;
			}
			snprintf(item, sizeof(item),
				 cur ? "[%zu %s]" : " %zu %s ", i + 1,
				 flow[i]->title);
		}
		if (draw)
			ew_ui_put(0, x, COLS - x,
				  cur ? EW_ROLE_TITLE_CURRENT : EW_ROLE_TITLE,
				  item);
		x += ew_ui_width(item);
	}
	return x - start;
}

static void draw_header(struct ew_wizard *w)
{
	char left[128];
	int lw, fw = 0, level;

	ew_ui_fill(0, 0, COLS, EW_ROLE_TITLE);
	if (w->demo)
		snprintf(left, sizeof(left), " ecr-wizard [demo%s%s]",
			 w->scenario[0] ? ": " : "", w->scenario);
	else
		snprintf(left, sizeof(left), " ecr-wizard");
	lw = ew_ui_put(0, 0, COLS, EW_ROLE_TITLE, left);
	for (level = 0; level < 3; level++) {
		fw = draw_flow(w, 0, level, false);
		if (lw + 2 + fw <= COLS)
			break;
	}
	if (level > 2)
		level = 2;
	draw_flow(w, COLS - fw - 1 > lw + 1 ? COLS - fw - 1 : lw + 1, level,
		  true);
}

const char *ew_wizard_help_text(struct ew_wizard *w, enum ew_action a)
{
	const struct ew_keybinding *b = ew_keys_binding(a);
	const char *l = w->screen->label ? w->screen->label(w, a) : NULL;

	/* The screen's own word ("finish", "retry") where it has one: the
	 * table's text is the general case.  Enter's is always the
	 * footer's: what it does depends on the screen. */
	if (a == EW_ACT_ACCEPT)
		return ew_wizard_action_label(w, a);
	if (l && *l)
		return l;
	return b->help;
}

const char *ew_wizard_action_label(struct ew_wizard *w, enum ew_action a)
{
	const struct ew_keybinding *b = ew_keys_binding(a);
	const char *l = NULL;

	if (w->screen->label)
		l = w->screen->label(w, a);
	if (!l)
		l = b->status;
	return l;
}

/* The length of the first key name in "?/F1" ("/" alone is a key). */
static size_t key_part(const char *p)
{
	size_t len = strcspn(p, "/");

	return len ? len : 1;
}

bool ew_wizard_can(struct ew_wizard *w, enum ew_action a, const char **keys)
{
	static char shown[64];
	const struct ew_keybinding *b = ew_keys_binding(a);
	bool text = w->screen->takes_text && w->screen->takes_text(w);
	const char *p;
	size_t n = 0;

	shown[0] = 0;
	if (keys)
		*keys = shown;
	if (!b || !(b->contexts & EW_CTX(w->screen->id)))
		return false;
	if (w->screen->can && !w->screen->can(w, a))
		return false;
	/* "?/F1" while a field takes text: only F1 reaches the action. */
	for (p = b->keys; *p;) {
		size_t len = key_part(p);

		if (!(text && len == 1 && p[0] >= 0x20 && p[0] < 0x7f) &&
		    n + len + 2 < sizeof(shown)) {
			if (n)
				shown[n++] = '/';
			memcpy(shown + n, p, len);
			n += len;
			shown[n] = 0;
		}
		p += len + (p[len] == '/');
	}
	return n > 0;
}

static void draw_status(struct ew_wizard *w)
{
	size_t n;
	const struct ew_keybinding *t = ew_keys_table(&n);
	int x = 1, y = LINES - 1;

	ew_ui_fill(y, 0, COLS, EW_ROLE_STATUS);
	for (size_t i = 0; i < n; i++) {
		const char *label, *keys;
		int need;

		if (!ew_wizard_can(w, t[i].action, &keys))
			continue;
		label = ew_wizard_action_label(w, t[i].action);
		if (!label || !*label)
			continue;
		need = ew_ui_width(keys) + 1 + ew_ui_width(label) + 2;
		if (x + need > COLS)
			break;
		x += ew_ui_put(y, x, 0, EW_ROLE_STATUS_KEY, keys);
		x += ew_ui_put(y, x, 0, EW_ROLE_STATUS, " ");
		x += ew_ui_put(y, x, 0, EW_ROLE_STATUS, label);
		x += 2;
	}
}

int ew_wizard_dump_keys(struct ew_wizard *w, const char *name)
{
	size_t n;
	const struct ew_keybinding *t = ew_keys_table(&n);
	unsigned ctx = EW_CTX(w->screen->id);
	bool text = w->screen->takes_text && w->screen->takes_text(w);
	struct ew_buf out;
	int rc = 0;

	ew_buf_init(&out);
	ew_buf_printf(&out, "screen %s%s\n", w->screen->title,
		      text ? " (a field takes text)" : "");
	for (size_t i = 0; i < n; i++) {
		const char *keys, *label, *p;

		if (!ew_wizard_can(w, t[i].action, &keys))
			continue;
		label = ew_wizard_action_label(w, t[i].action);
		ew_buf_printf(&out, "%-8s %-14s %s\n", keys,
			      label && *label ? label : "-",
			      ew_wizard_help_text(w, t[i].action));
		/* Every key shown must reach this action here: one the
		 * key table maps elsewhere, or a field would type, is a
		 * lie in the footer. */
		for (p = keys; *p;) {
			size_t len = key_part(p);
			int code = ew_keys_code(p, len);

			if (!code || ew_keys_lookup(ctx, code) != t[i].action ||
			    (text && code >= 0x20 && code < 0x7f)) {
				ew_buf_printf(&out, "  BROKEN: %.*s\n",
					      (int)len, p);
				rc = 2;
			}
			p += len + (p[len] == '/');
		}
	}
	ew_test_write_dump(name, &out);
	ew_buf_release(&out);
	return rc;
}

static void draw_confirm(struct ew_wizard *w)
{
	const char *q, *yes, *no;
	int bw = 60, bh = 6, by, bx;

	char ask[256];
	const char *title = "Quit";

	if (w->confirm == EW_CONFIRM_APPLY) {
		ew_wizard_apply_question(w, ask, sizeof(ask));
		snprintf(ask + strlen(ask), sizeof(ask) - strlen(ask),
			 " [y/N]");
		q = ask;
		yes = "y  yes, change AWS";
		no = "any other key: back to the preview";
		title = "Apply";
	} else if (w->confirm == EW_CONFIRM_ABORT) {
		q = "Abort the run? [y/N]  Requests in flight finish; "
		    "nothing is left half-written.";
		yes = "y  abort";
		no = "any other key: keep running";
		title = "Abort";
	} else {
		q = "Quit ecr-wizard? [y/N]";
		yes = "y  quit";
		no = "any other key: stay";
	}
	by = (LINES - bh) / 2;
	bx = (COLS - bw) / 2;
	ew_ui_box(by, bx, bh, bw, EW_ROLE_WARNING, title);
	ew_ui_wrap(by + 1, bx + 2, bw - 4, 0, 3, EW_ROLE_VALUE, q, true);
	ew_ui_put(by + 4, bx + 2, 0, EW_ROLE_VALUE, yes);
	ew_ui_put(by + 4, bx + 24, bw - 26, EW_ROLE_NORMAL, no);
}

static void draw_frame(struct ew_wizard *w)
{
	erase();
	if (ew_ui_is_too_small()) {
		ew_ui_draw_too_small();
	} else {
		draw_header(w);
		w->screen->draw(w, 1, LINES - 3);
		if (w->message[0])
			ew_ui_put(LINES - 2, 1, COLS - 2, w->message_role,
				  w->message);
		draw_status(w);
		if (w->help_open)
			ew_help_draw(w);
		if (w->confirm)
			draw_confirm(w);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* ---------------------------------------------------------- keys */

void ew_wizard_goto(struct ew_wizard *w, const struct ew_screen_ops *s)
{
	if (s == &ew_screen_explain && w->screen != &ew_screen_explain)
		w->before_explain = w->screen;
	w->screen = s;
	w->reached[s->id] = true;
	if (s->enter)
		s->enter(w);
}

static bool run_in_progress(const struct ew_wizard *w)
{
	return w->apply_started && !w->apply_done;
}

static void request_quit(struct ew_wizard *w, bool interrupt)
{
	if (run_in_progress(w)) {
		/* The user wants out: once the abort is over, leave. */
		w->confirm = EW_CONFIRM_ABORT;
		w->quit_after_abort = true;
		return;
	}
	if (interrupt && !w->apply_done) {
		w->confirm = EW_CONFIRM_QUIT;
		return;
	}
	w->quit = true;
	if (interrupt)
		w->exit_status = EXIT_INTERRUPTED;
}

/* y (or Y) confirms; any other key is a no - a stray Enter never changes
 * AWS or ends a run. */
static void answer_confirm(struct ew_wizard *w, int key)
{
	bool yes = key == 'y' || key == 'Y';
	enum ew_confirm c = w->confirm;

	w->confirm = EW_CONFIRM_NONE;
	if (!yes) {
		w->quit_after_abort = false;
		if (c == EW_CONFIRM_APPLY)
			ew_wizard_message(w, EW_ROLE_NORMAL,
					  "not applied: nothing in AWS was "
					  "changed");
		return;
	}
	if (c == EW_CONFIRM_APPLY) {
		ew_wizard_goto(w, &ew_screen_run);
		return;
	}
	if (c == EW_CONFIRM_ABORT) {
		ew_wizard_abort(w);
		ew_wizard_message(w, EW_ROLE_WARNING,
				  "aborting: steps in flight finish their "
				  "current request");
	} else {
		w->quit = true;
		w->exit_status = EXIT_INTERRUPTED;
	}
}

static void dispatch(struct ew_wizard *w, int key)
{
	enum ew_action a;

	if (key == KEY_RESIZE)
		return;
	if (w->help_open) {
		w->help_open = false;
		return;
	}
	if (w->confirm) {
		answer_confirm(w, key);
		return;
	}
	if (ew_ui_is_too_small()) {
		if (key == 'q' || key == EW_KEY_CTRL('c'))
			request_quit(w, key != 'q');
		return;
	}
	w->message[0] = 0;
	if (w->screen->edit_key && w->screen->edit_key(w, key))
		return;
	a = ew_keys_lookup(EW_CTX(w->screen->id), key);
	switch (a) {
	case EW_ACT_NONE:
		return;
	case EW_ACT_HELP:
		w->help_open = true;
		return;
	case EW_ACT_REDRAW:
		clearok(curscr, TRUE);
		return;
	case EW_ACT_QUIT:
		request_quit(w, false);
		return;
	case EW_ACT_INTERRUPT:
		request_quit(w, true);
		return;
	default:
		/* What the footer and help do not offer here does nothing. */
		if (ew_wizard_can(w, a, NULL))
			w->screen->handle(w, a);
	}
}

static void handle_signal(struct ew_wizard *w, int sig)
{
	static bool seen;

	if (seen)
		return;
	seen = true;
	w->exit_status = 128 + sig;
	if (run_in_progress(w)) {
		ew_wizard_abort(w);
		w->confirm = EW_CONFIRM_NONE;
		ew_wizard_message(w, EW_ROLE_WARNING,
				  "interrupted: aborting the run");
	} else {
		w->quit = true;
	}
}

/* A test script's wizard commands (test_hooks.h). */
static int test_command(void *payload, const char *line)
{
	struct ew_wizard *w = payload;

	if (strncmp(line, ":keys ", 6) == 0)
		return ew_wizard_dump_keys(w, line + 6);
	return ew_choices_command(w, line);
}

static int next_key(struct ew_wizard *w)
{
	if (ew_test_scripted()) {
		int k = ew_test_next_key(is_idle, test_command, w);

		if (k == EW_TEST_KEY_END || k == EW_TEST_KEY_TIMEOUT) {
			if (k == EW_TEST_KEY_TIMEOUT)
				w->exit_status = 124;
			w->quit = true;
			return ERR;
		}
		if (k == EW_TEST_KEY_NONE) {
			napms(2);
			return ERR;
		}
		return k;
	}
	return getch();
}

int ew_wizard_run(struct ew_wizard *w)
{
	struct ew_ui_options uo = {.no_color = w->no_color,
				   .high_contrast = w->high_contrast};
	struct ew_error err;
	int quit_after_run = 0;

	ew_test_no_display(&uo.virtual_cols, &uo.virtual_rows);
	if (ew_ui_start(&uo, &err) != 0) {
		fprintf(stderr, "ecr-wizard: %s\n", err.message);
		return EXIT_USAGE;
	}
	timeout(50);
	ew_wizard_goto(w, &ew_screen_welcome);
	/* The first frame goes out before any slow work starts. */
	draw_frame(w);
	start_account(w, EW_JOB_START);

	while (!w->quit) {
		int sig = ew_ui_pending_signal();
		int key;

		if (sig) {
			handle_signal(w, sig);
			if (run_in_progress(w))
				quit_after_run = 1;
		}
		drain_events(w);
		if ((quit_after_run || w->quit_after_abort) &&
		    !run_in_progress(w) && w->apply_done)
			break;
		/* The run ended while the question was open: nothing to
		 * abort any more. */
		if (w->confirm == EW_CONFIRM_ABORT && !run_in_progress(w))
			w->confirm = EW_CONFIRM_NONE;
		draw_frame(w);
		key = next_key(w);
		w->frame++;
		if (key == ERR)
			continue;
		dispatch(w, key);
	}
	/* Leave nothing running: cancel and join every job. */
	if (w->has_engine)
		ew_wizard_abort(w);
	for (int j = 0; j < EW_JOB_COUNT; j++)
		join(w, j);
	drain_events(w);
	ew_ui_stop();
	/* A run that did not finish is not "done", however the user left. */
	if (w->exit_status == EXIT_DONE && w->apply_started && !w->offline &&
	    !ew_wizard_is_complete(w))
		w->exit_status = w->result.aborted || !w->apply_done
				     ? EXIT_INTERRUPTED
				     : EXIT_FAILED;
	return w->exit_status;
}

/* ---------------------------------------------------------- life cycle */

int ew_wizard_init(struct ew_wizard *w, struct ew_options *o,
		   struct ew_error *err)
{
	const char *v;

	memset(w, 0, sizeof(*w));
	memset(&jobin, 0, sizeof(jobin));
	ew_buf_init(&jobin.tmpl_notes);
	ew_bootstrap_init(&w->boot, &w->ctx);
	ew_buf_init(&w->log);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	/* Take the setup the flags built; o keeps a fresh empty one. */
	w->setup = o->setup;
	if (ew_setup_init(&o->setup) != 0)
		return ew_error_oom(err);
	w->demo = o->demo;
	if (o->demo_scenario)
		snprintf(w->scenario, sizeof(w->scenario), "%s",
			 o->demo_scenario);
	w->no_color = o->no_color || ((v = getenv("NO_COLOR")) && *v);
	w->high_contrast = o->high_contrast;
	if (!o->has_theme && (v = getenv("EW_THEME")) && *v) {
		if (strcmp(v, "high-contrast") == 0)
			w->high_contrast = true;
		else if (strcmp(v, "default") != 0)
			return ew_error_set(err, EW_EINVAL,
					    "invalid EW_THEME '%s': use "
					    "default or high-contrast",
					    v);
	}
	w->no_github_api = o->no_github_api || w->boot.env.no_github_api;
	w->profile = o->profile ? ew_strdup(o->profile) : NULL;
	w->region_given = o->has_region;
	w->github_given = o->has_github;
	w->account_given = o->has_account;
	w->ids_given = o->has_github_ids;
	if (w->github_given)
		snprintf(w->github_origin, sizeof(w->github_origin),
			 "--github");
	if (w->demo && !w->region_given) {
		ew_setup_set_region(&w->setup, EW_DEMO_REGION, err);
	}
	w->detect = w->account = w->ids = EW_PROBE_RUNNING;
	w->plan = EW_PROBE_RUNNING;
	if (!getcwd(w->workflow_root, sizeof(w->workflow_root)))
		snprintf(w->workflow_root, sizeof(w->workflow_root), ".");
	if (w->demo)
		make_demo_root(w);
	return 0;
}

void ew_wizard_release(struct ew_wizard *w)
{
	struct ew_wizard_event *ev;

	ew_wizard_drop_engine(w);
	for (int j = 0; j < EW_JOB_COUNT; j++)
		join(w, j);
	/* A demo directory nothing was written to goes again. */
	if (w->demo_root)
		rmdir(w->workflow_root);
	while ((ev = take(w)))
		if (!ev->is_static)
			free(ev);
	if (w->has_outputs)
		ew_outputs_release(&w->outputs);
	ew_git_info_release(&w->git);
	ew_bootstrap_close(&w->boot);
	ew_setup_release(&w->setup);
	ew_buf_release(&w->log);
	ew_github_sub_template_release(&jobin.tmpl);
	ew_buf_release(&jobin.tmpl_notes);
	free(w->profile);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
}
