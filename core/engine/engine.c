/*
 * engine.c - the engine's phases: the step list, identity, the parallel
 * checks, the dependency-ordered applies and the teardown run, and the
 * observer calls.  What each kind of step reads and writes lives in
 * its own file under steps/, reached through the step table (step.h):
 * nothing here depends on which kinds there are.
 */
#include "engine.h"

#include "engine_priv.h"
#include "partition.h"
#include "step.h"
#include "sts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Eventual-consistency back-off: 1+2+4+8+16 s, about 30 s in all. */
#define EC_MAX_ATTEMPTS 6

double ew_engine_now(void)
{
	struct timespec ts;

	/* A duration, not a date: the monotonic clock, not ctx->now. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ew_engine_set_detail(struct ew_step *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}

const char *ew_step_state_name(enum ew_step_state s)
{
	switch (s) {
	case EW_STATE_PENDING:
		return "pending";
	case EW_STATE_RUNNING:
		return "running";
	case EW_STATE_DONE:
		return "done";
	case EW_STATE_UPDATED:
		return "updated";
	case EW_STATE_UNCHANGED:
		return "unchanged";
	case EW_STATE_SKIPPED:
		return "skipped";
	case EW_STATE_FAILED:
		return "failed";
	}
	return "unknown";
}

const char *ew_step_action_name(enum ew_step_action a)
{
	switch (a) {
	case EW_ACTION_UNKNOWN:
		return "unknown";
	case EW_ACTION_CREATE:
		return "create";
	case EW_ACTION_UPDATE:
		return "update";
	case EW_ACTION_UNCHANGED:
		return "unchanged";
	case EW_ACTION_SKIP:
		return "skip";
	case EW_ACTION_DELETE:
		return "delete";
	}
	return "unknown";
}

const char *ew_step_kind_name(enum ew_step_kind k)
{
	const struct ew_step_ops *ops = ew_step_ops_of(k);

	return ops ? ops->name : "step";
}

const struct ew_step *ew_engine_conflict(const struct ew_engine *e,
					 enum ew_conflict kind)
{
	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].conflict == kind &&
		    !e->steps[i].conflict_resolved &&
		    e->steps[i].state != EW_STATE_FAILED)
			return &e->steps[i];
	return NULL;
}

/* ------------------------------------------------------------ events */

static void emit(struct ew_engine *e, const struct ew_step *s, enum ew_event ev)
{
	if (e->observer.on_step)
		e->observer.on_step(s, ev, e->observer.payload);
}

void ew_engine_set_state(struct ew_engine *e, struct ew_step *s,
			 enum ew_step_state st)
{
	struct ew_engine_priv *p = e->priv;

	pthread_mutex_lock(&p->lock);
	s->state = st;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void forward_retry(const struct ew_retry_event *ev, void *payload)
{
	struct ew_step_run *run = payload;
	struct ew_step *s = &run->e->steps[run->idx];

	s->retries++;
	if (run->e->observer.on_retry)
		run->e->observer.on_retry(s, ev, run->e->observer.payload);
}

void ew_engine_report_retry(struct ew_step_run *run, const char *service,
			    const char *operation, int attempt,
			    int max_attempts, long delay_ms,
			    const struct ew_error *why)
{
	struct ew_retry_event ev = {
	    .service = service,
	    .operation = operation,
	    .attempt = attempt,
	    .max_attempts = max_attempts,
	    .delay_ms = delay_ms,
	    .error = why,
	};

	forward_retry(&ev, run);
}

/* The test build's EW_RETRY_SCALE (context.h); more than 100 is
 * ignored. */
static double retry_scale(const struct ew_engine *e)
{
	double d = ew_context_retry_scale(e->ctx);

	return d > 100.0 ? 1.0 : d;
}

int ew_engine_backoff(struct ew_step_run *run, int attempt, const char *service,
		      const char *operation, const struct ew_error *why)
{
	long ms;

	if (attempt >= EC_MAX_ATTEMPTS)
		return 1;
	ms = (long)((double)(1000L << (attempt - 1)) * retry_scale(run->e));
	ew_engine_report_retry(run, service, operation, attempt,
			       EC_MAX_ATTEMPTS, ms, why);
	return ew_cancel_sleep(&run->e->cancel, ms) ? EW_ECANCEL : 0;
}

/* ----------------------------------------------------------- clients */

/* The ECR endpoint the prototype would have for its own region without
 * an override: when the prototype's differs, it is an override (a local
 * emulator) and every region keeps it. */
static bool ecr_is_override(const struct ew_aws_client *proto,
			    struct ew_context *ctx)
{
	struct ew_aws_client d;
	bool is_override = true;

	if (!proto->endpoint[EW_SVC_ECR])
		return false;
	if (ew_aws_client_init(&d, ctx, &proto->creds,
			       proto->region[0] ? proto->region : NULL,
			       NULL) == 0) {
		is_override = !d.endpoint[EW_SVC_ECR] ||
			      strcmp(d.endpoint[EW_SVC_ECR],
				     proto->endpoint[EW_SVC_ECR]) != 0;
		ew_aws_client_release(&d);
	}
	return is_override;
}

static int retarget(struct ew_step_run *run, const char *region,
		    struct ew_error *err)
{
	struct ew_engine *e = run->e;
	struct ew_aws_client d;
	int rc;

	if (strlen(region) >= sizeof(run->c.region))
		return ew_error_set(err, EW_EINVAL, "region too long: '%s'",
				    region);
	if (!ecr_is_override(e->client, e->ctx)) {
		rc = ew_aws_client_init(&d, e->ctx, &e->client->creds, region,
					err);
		if (rc)
			return rc;
		rc = ew_aws_client_set_endpoint(&run->c, EW_SVC_ECR,
						d.endpoint[EW_SVC_ECR], err);
		ew_aws_client_release(&d);
		if (rc)
			return rc;
	}
	snprintf(run->c.region, sizeof(run->c.region), "%s", region);
	snprintf(run->c.signing_region[EW_SVC_ECR],
		 sizeof(run->c.signing_region[0]), "%s", region);
	return 0;
}

int ew_engine_client(struct ew_step_run *run, struct ew_error *err)
{
	struct ew_engine *e = run->e;
	const char *region =
	    e->priv ? ((struct ew_engine_priv *)e->priv)->sp[run->idx].region
		    : NULL;
	int rc;

	if (run->has_client)
		return 0;
	if (!e->client)
		return ew_error_set(err, EW_ENOCREDS,
				    "no AWS client: credentials are needed");
	rc = ew_aws_client_clone(&run->c, e->client, err);
	if (rc)
		return rc;
	run->has_client = true;
	run->seen_requests = 0;
	run->seen_mutations = 0;
	run->c.cancel = &e->cancel;
	run->c.on_retry = forward_retry;
	run->c.payload = run;
	if (region && strcmp(region, run->c.region) != 0)
		return retarget(run, region, err);
	return 0;
}

void ew_engine_client_release(struct ew_step_run *run)
{
	if (run->has_client)
		ew_aws_client_release(&run->c);
	run->has_client = false;
}

void ew_engine_count(struct ew_step_run *run, bool in_apply)
{
	struct ew_engine_priv *p = run->e->priv;
	struct ew_step *s = &run->e->steps[run->idx];
	unsigned dr, dm;

	if (!run->has_client)
		return;
	dr = run->c.requests - run->seen_requests;
	dm = run->c.mutations - run->seen_mutations;
	run->seen_requests = run->c.requests;
	run->seen_mutations = run->c.mutations;
	s->requests += dr;
	s->mutations += dm;
	if (in_apply)
		p->sp[run->idx].apply_requests += dr;
	else
		p->sp[run->idx].check_requests += dr;
}

/* -------------------------------------------------------- step list */

static void step_priv_release(struct ew_step_priv *sp)
{
	free(sp->region);
	free(sp->repo_name);
	free(sp->role_name);
	free(sp->policy_name);
	free(sp->role_arn);
	free(sp->policy_arn);
	free(sp->provider_arn);
	free(sp->repo_arn);
	free(sp->wire_doc);
	free(sp->default_version);
	ew_buf_release(&sp->trusted_by);
}

static int name_for(char **out,
		    int (*fn)(struct ew_buf *, const struct ew_setup *,
			      const struct ew_env_target *),
		    const struct ew_setup *setup,
		    const struct ew_env_target *env, struct ew_error *err)
{
	struct ew_buf b;

	ew_buf_init(&b);
	if (fn(&b, setup, env)) {
		ew_buf_release(&b);
		return ew_error_oom(err);
	}
	*out = ew_buf_detach(&b);
	return 0;
}

static int fill_target(struct ew_engine *e, size_t i, struct ew_error *err)
{
	struct ew_engine_priv *p = e->priv;
	struct ew_step_priv *sp = &p->sp[i];
	const struct ew_setup *s = e->setup;
	int rc;

	sp->env = e->steps[i].target >= 0
		      ? ew_setup_target_env(s, (size_t)e->steps[i].target)
		      : NULL;
	sp->region = ew_strdup(e->steps[i].target >= 0
				   ? ew_setup_target_region(s, sp->env)
				   : NULL);
	if (e->steps[i].target >= 0) {
		sp->repo_name =
		    ew_strdup(ew_setup_target_repo_name(s, sp->env));
		if (!sp->region || !sp->repo_name)
			return ew_error_oom(err);
		rc = name_for(&sp->role_name, ew_setup_role_name_for, s,
			      sp->env, err);
		if (!rc)
			rc =
			    name_for(&sp->policy_name, ew_setup_policy_name_for,
				     s, sp->env, err);
		if (rc)
			return rc;
	}
	return 0;
}

static void add_dep(struct ew_step_priv *sp, size_t dep)
{
	if (sp->ndeps < EW_ENGINE_MAX_DEPS)
		sp->deps[sp->ndeps++] = dep;
}

/* The table's rows, a run of per-target rows once per target. */
static size_t count_steps(size_t ntargets)
{
	size_t n = 0;

	for (size_t r = 0; r < ew_step_table_len; r++)
		n += ew_step_table[r]->per_target ? ntargets : 1;
	return n;
}

/* The step of kind k for target t (its only one when not per target),
 * among the first n steps. */
static long find_step(const struct ew_engine *e, size_t n, enum ew_step_kind k,
		      int t)
{
	for (size_t i = 0; i < n; i++)
		if (e->steps[i].kind == k &&
		    (e->steps[i].target == t || e->steps[i].target < 0))
			return (long)i;
	return -1;
}

/* The steps in the order the user reads them (the table's), and each
 * one's dependencies as the table declares them by kind.  A dependency
 * comes earlier in the table, so earlier in the list. */
static void list_steps(struct ew_engine *e, size_t ntargets)
{
	struct ew_engine_priv *p = e->priv;
	size_t k = 0, r = 0;

	while (r < ew_step_table_len) {
		size_t end = r + 1;

		if (!ew_step_table[r]->per_target) {
			e->steps[k++].kind = ew_step_table[r]->kind;
			r = end;
			continue;
		}
		while (end < ew_step_table_len &&
		       ew_step_table[end]->per_target)
			end++;
		for (size_t t = 0; t < ntargets; t++)
			for (size_t j = r; j < end; j++) {
				e->steps[k].kind = ew_step_table[j]->kind;
				e->steps[k].target = (int)t;
				k++;
			}
		r = end;
	}
	for (size_t i = 0; i < k; i++) {
		const struct ew_step_ops *ops =
		    ew_step_ops_of(e->steps[i].kind);

		for (size_t d = 0; d < ops->ndeps; d++) {
			long j =
			    find_step(e, i, ops->deps[d], e->steps[i].target);

			if (j >= 0)
				add_dep(&p->sp[i], (size_t)j);
		}
	}
}

int ew_engine_init(struct ew_engine *e, struct ew_context *ctx,
		   struct ew_setup *setup, const struct ew_aws_client *client,
		   const struct ew_engine_observer *observer, bool offline,
		   struct ew_error *err)
{
	struct ew_engine_priv *p;
	size_t ntargets, n;
	int rc = 0;

	memset(e, 0, sizeof(*e));
	ew_cancel_init(&e->cancel);
	e->ctx = ctx;
	e->setup = setup;
	e->client = client;
	e->offline = offline;
	if (observer)
		e->observer = *observer;
	if (!offline && !client)
		return ew_error_set(err, EW_ENOCREDS,
				    "no AWS client: credentials are needed "
				    "unless the plan is offline");
	if (!setup->owner || !setup->repo)
		return ew_error_set(err, EW_EINVAL,
				    "no GitHub repository: use --github "
				    "OWNER/REPO");

	p = calloc(1, sizeof(*p));
	if (!p)
		return ew_error_oom(err);
	e->priv = p;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);

	ntargets = ew_setup_target_count(setup);
	n = count_steps(ntargets);
	e->steps = calloc(n, sizeof(*e->steps));
	p->sp = calloc(n, sizeof(*p->sp));
	if (!e->steps || !p->sp)
		return ew_error_oom(err);
	e->nsteps = n;
	for (size_t i = 0; i < n; i++) {
		ew_buf_init(&e->steps[i].diff);
		ew_buf_init(&e->steps[i].cli);
		ew_buf_init(&p->sp[i].trusted_by);
		ew_error_clear(&e->steps[i].error);
		e->steps[i].target = -1;
	}
	list_steps(e, ntargets);

	for (size_t i = 0; i < n && !rc; i++) {
		rc = fill_target(e, i, err);
		if (!rc)
			ew_step_ops_of(e->steps[i].kind)->title(e, i);
	}
	return rc;
}

void ew_engine_release(struct ew_engine *e)
{
	struct ew_engine_priv *p = e->priv;

	for (size_t i = 0; i < e->nsteps; i++) {
		free(e->steps[i].current_doc);
		free(e->steps[i].desired_doc);
		ew_buf_release(&e->steps[i].diff);
		ew_buf_release(&e->steps[i].cli);
		if (p && p->sp)
			step_priv_release(&p->sp[i]);
	}
	free(e->steps);
	if (p) {
		free(p->sp);
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->cond);
		free(p);
	}
	ew_cancel_release(&e->cancel);
	memset(e, 0, sizeof(*e));
}

void ew_engine_cancel(struct ew_engine *e)
{
	struct ew_engine_priv *p = e->priv;

	ew_cancel_request(&e->cancel);
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->abort = true;
	p->user_abort = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* ----------------------------------------------------------- identity */

static size_t identity_index(const struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].kind == EW_STEP_IDENTITY)
			return i;
	return 0;
}

const struct ew_step *ew_engine_identity_step(const struct ew_engine *e)
{
	return e && e->nsteps ? &e->steps[identity_index(e)] : NULL;
}

bool ew_engine_identity_failed(const struct ew_engine *e)
{
	const struct ew_step *s = ew_engine_identity_step(e);

	return s && s->state == EW_STATE_FAILED;
}

static int identity(struct ew_engine *e, struct ew_error *err)
{
	struct ew_engine_priv *p = e->priv;
	size_t i = identity_index(e);
	struct ew_step *s = &e->steps[i];
	struct ew_step_run run = {.e = e, .idx = i};
	struct ew_caller_identity id;
	double t0 = ew_engine_now();
	int rc;

	ew_error_clear(&s->error);
	if (e->offline) {
		if (!e->setup->account)
			return ew_error_set(
			    err, EW_ENOCREDS,
			    "no AWS credentials and no account: configure "
			    "credentials (aws configure, aws sso login, "
			    "AWS_PROFILE) or pass --account ID for an "
			    "offline plan");
		snprintf(e->result.account, sizeof(e->result.account), "%s",
			 e->setup->account);
		s->action = EW_ACTION_SKIP;
		ew_engine_set_detail(s,
				     "offline: account %s as typed, "
				     "credentials not checked",
				     e->setup->account);
		ew_engine_set_state(e, s, EW_STATE_SKIPPED);
		ew_engine_cli(e, i, false);
		emit(e, s, EW_EVENT_FINISHED);
		return 0;
	}

	ew_engine_set_state(e, s, EW_STATE_RUNNING);
	emit(e, s, EW_EVENT_STARTED);
	rc = ew_engine_client(&run, &s->error);
	if (!rc)
		rc = ew_sts_get_caller_identity(&id, &run.c, &s->error);
	ew_engine_count(&run, false);
	p->identity_requests = s->requests;
	ew_engine_client_release(&run);
	if (!rc && e->setup->account &&
	    strcmp(e->setup->account, id.account) != 0)
		rc = ew_error_set(&s->error, EW_EINVAL,
				  "the credentials are for account %s, not "
				  "the account %s asked for: use the profile "
				  "of account %s, or drop --account",
				  id.account, e->setup->account,
				  e->setup->account);
	if (!rc && !e->setup->account)
		rc = ew_setup_set_account(e->setup, id.account, &s->error);
	s->elapsed += ew_engine_now() - t0;
	if (rc) {
		s->action = EW_ACTION_UNKNOWN;
		ew_engine_set_state(e, s, EW_STATE_FAILED);
		if (err)
			*err = s->error;
		emit(e, s, EW_EVENT_FINISHED);
		return rc;
	}
	snprintf(e->result.account, sizeof(e->result.account), "%s",
		 id.account);
	snprintf(e->result.caller_arn, sizeof(e->result.caller_arn), "%s",
		 id.arn);
	s->action = EW_ACTION_UNCHANGED;
	ew_engine_set_detail(s, "account %s as %s", id.account, id.arn);
	ew_engine_cli(e, i, false);
	ew_engine_set_state(e, s, EW_STATE_DONE);
	emit(e, s, EW_EVENT_FINISHED);
	return 0;
}

/* ------------------------------------------------------------ checks */

struct check_job {
	struct ew_step_run run;
	bool teardown;
	pthread_t tid;
	bool started;
};

static void *check_thread(void *arg)
{
	struct check_job *j = arg;
	struct ew_engine *e = j->run.e;
	struct ew_engine_priv *p = e->priv;
	struct ew_step *s = &e->steps[j->run.idx];
	struct ew_error err;
	double t0 = ew_engine_now();
	int rc;

	ew_error_clear(&err);
	ew_engine_set_state(e, s, EW_STATE_RUNNING);
	emit(e, s, EW_EVENT_STARTED);
	rc = ew_engine_client(&j->run, &err);
	if (!rc)
		rc = ew_engine_check_step(&j->run, j->teardown, &err);
	ew_engine_count(&j->run, false);
	ew_engine_client_release(&j->run);
	s->elapsed += ew_engine_now() - t0;
	if (rc) {
		s->action = EW_ACTION_UNKNOWN;
		s->error = err;
		p->sp[j->run.idx].check_failed = true;
		ew_engine_set_state(e, s, EW_STATE_FAILED);
		emit(e, s, EW_EVENT_FINISHED);
		return NULL;
	}
	ew_engine_set_state(e, s, EW_STATE_PENDING);
	if (!j->teardown) {
		ew_engine_cli(e, j->run.idx, false);
		emit(e, s, EW_EVENT_CHECKED);
	}
	return NULL;
}

/* Read in parallel with a client of its own (not the identity, read
 * first, nor what needs no request). */
static bool is_checked_kind(enum ew_step_kind k)
{
	const struct ew_step_ops *ops = ew_step_ops_of(k);

	return ops->check && !ops->local;
}

/* Every check at once, each in its own thread with its own client. */
static void run_checks(struct ew_engine *e, bool teardown)
{
	struct check_job *jobs = calloc(e->nsteps, sizeof(*jobs));

	for (size_t i = 0; i < e->nsteps; i++) {
		if (!is_checked_kind(e->steps[i].kind))
			continue;
		if (!jobs) {
			struct check_job j = {.run = {.e = e, .idx = i},
					      .teardown = teardown};
			check_thread(&j);
			continue;
		}
		jobs[i].run.e = e;
		jobs[i].run.idx = i;
		jobs[i].teardown = teardown;
		jobs[i].started = pthread_create(&jobs[i].tid, NULL,
						 check_thread, &jobs[i]) == 0;
		if (!jobs[i].started)
			check_thread(&jobs[i]);
	}
	if (!jobs)
		return;
	for (size_t i = 0; i < e->nsteps; i++)
		if (jobs[i].started)
			pthread_join(jobs[i].tid, NULL);
	free(jobs);
}

/* No reads: every resource is shown as "create (not checked)". */
static void offline_checks(struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++) {
		struct ew_step *s = &e->steps[i];

		if (!is_checked_kind(s->kind))
			continue;
		s->action = EW_ACTION_CREATE;
		ew_engine_set_detail(s, "create (not checked: offline)");
		ew_engine_cli(e, i, false);
		emit(e, s, EW_EVENT_CHECKED);
	}
}

/* The checks that need no request (outputs), after the others. */
static void local_checks(struct ew_engine *e)
{
	for (size_t i = 0; i < e->nsteps; i++) {
		const struct ew_step_ops *ops =
		    ew_step_ops_of(e->steps[i].kind);
		struct ew_step_run run = {.e = e, .idx = i};
		struct ew_error err;

		if (!ops->check || !ops->local)
			continue;
		ew_error_clear(&err);
		ops->check(&run, false, &err);
		ew_engine_cli(e, i, false);
		emit(e, &e->steps[i], EW_EVENT_CHECKED);
	}
}

static int first_failure(struct ew_engine *e, struct ew_error *err)
{
	for (size_t i = 0; i < e->nsteps; i++)
		if (e->steps[i].state == EW_STATE_FAILED) {
			if (err)
				*err = e->steps[i].error;
			return e->steps[i].error.code ? e->steps[i].error.code
						      : EW_ERROR;
		}
	return 0;
}

/* Identity, the setup check, documents and ARNs, then the reads. */
static int plan(struct ew_engine *e, bool teardown, struct ew_error *err)
{
	struct ew_engine_priv *p = e->priv;
	int rc;

	if (!p)
		return ew_error_set(err, EW_EINVAL, "engine not initialised");
	p->t0 = ew_engine_now();
	/* A plan may run again (after a failed identity, or a re-plan):
	 * every step starts from nothing. */
	p->identity_requests = 0;
	for (size_t i = 0; i < e->nsteps; i++) {
		struct ew_step *s = &e->steps[i];

		s->action = EW_ACTION_UNKNOWN;
		s->state = EW_STATE_PENDING;
		s->detail[0] = '\0';
		s->requests = s->mutations = s->retries = 0;
		s->elapsed = 0;
		ew_error_clear(&s->error);
		p->sp[i].check_failed = false;
		p->sp[i].check_requests = p->sp[i].apply_requests = 0;
	}
	rc = identity(e, err);
	if (rc)
		return rc;
	rc = ew_setup_check(e->setup, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < e->nsteps && !rc; i++)
		rc = ew_engine_prepare_step(e, i, err);
	if (rc)
		return rc;
	if (e->offline) {
		if (teardown)
			return ew_error_set(err, EW_ENOCREDS,
					    "teardown needs AWS credentials");
		offline_checks(e);
	} else {
		run_checks(e, teardown);
	}
	if (teardown) {
		ew_engine_teardown_decide(e);
		for (size_t i = 0; i < e->nsteps; i++) {
			if (e->steps[i].state == EW_STATE_FAILED)
				continue;
			ew_engine_cli(e, i, true);
			emit(e, &e->steps[i], EW_EVENT_CHECKED);
		}
	} else {
		local_checks(e);
	}
	return 0;
}

static void summarise(struct ew_engine *e)
{
	struct ew_engine_priv *p = e->priv;
	unsigned max_check = 0, max_chain = 0;

	e->result.requests = 0;
	e->result.mutations = 0;
	for (size_t i = 0; i < e->nsteps; i++) {
		struct ew_step_priv *sp = &p->sp[i];
		unsigned deps = 0;

		e->result.requests += e->steps[i].requests;
		e->result.mutations += e->steps[i].mutations;
		if (ew_step_ops_of(e->steps[i].kind)->check &&
		    sp->check_requests > max_check)
			max_check = sp->check_requests;
		/* Steps are listed after everything they depend on. */
		for (size_t d = 0; d < sp->ndeps; d++)
			if (p->sp[sp->deps[d]].chain > deps)
				deps = p->sp[sp->deps[d]].chain;
		sp->chain = deps + sp->apply_requests;
		if (sp->chain > max_chain)
			max_chain = sp->chain;
	}
	/* The checks all finish before the first apply starts. */
	e->result.sequential_depth =
	    p->identity_requests + max_check + max_chain;
	e->result.elapsed = ew_engine_now() - p->t0;
}

int ew_engine_plan(struct ew_engine *e, struct ew_error *err)
{
	struct ew_engine_priv *p = e->priv;
	int rc;

	if (!p)
		return ew_error_set(err, EW_EINVAL, "engine not initialised");
	rc = plan(e, false, err);
	if (!rc)
		p->phase = EW_PHASE_PLANNED;
	summarise(e);
	if (rc)
		return rc;
	return first_failure(e, err);
}

/* ------------------------------------------------------------- apply */

struct apply_job {
	struct ew_step_run run;
	pthread_t tid;
	bool started;
};

static bool is_final(enum ew_step_state s)
{
	return s != EW_STATE_PENDING && s != EW_STATE_RUNNING;
}

static bool is_ok(enum ew_step_state s)
{
	return s == EW_STATE_DONE || s == EW_STATE_UPDATED ||
	       s == EW_STATE_UNCHANGED;
}

/* Wait until every dependency is final.  Returns the index of a
 * dependency that did not succeed, -1 when all did, -2 on abort. */
static long wait_deps(struct ew_engine *e, size_t i)
{
	struct ew_engine_priv *p = e->priv;
	struct ew_step_priv *sp = &p->sp[i];
	bool after_all = ew_step_ops_of(e->steps[i].kind)->after_all;
	long bad = -1;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		bool all = true;

		if (p->abort) {
			bad = -2;
			break;
		}
		for (size_t d = 0; d < sp->ndeps; d++)
			all = all && is_final(e->steps[sp->deps[d]].state);
		if (after_all)
			for (size_t k = 0; k < e->nsteps; k++)
				all =
				    all &&
				    (k == i ||
				     !ew_step_ops_of(e->steps[k].kind)->apply ||
				     is_final(e->steps[k].state));
		if (all)
			break;
		pthread_cond_wait(&p->cond, &p->lock);
	}
	if (bad == -1) {
		for (size_t d = 0; d < sp->ndeps && bad == -1; d++)
			if (!is_ok(e->steps[sp->deps[d]].state))
				bad = (long)sp->deps[d];
		if (after_all)
			for (size_t k = 0; k < e->nsteps && bad == -1; k++)
				if (k != i &&
				    ew_step_ops_of(e->steps[k].kind)->apply &&
				    !is_ok(e->steps[k].state))
					bad = (long)k;
	}
	pthread_mutex_unlock(&p->lock);
	return bad;
}

static enum ew_decision decide(struct ew_engine *e, const struct ew_step *s)
{
	if (!e->observer.on_failure)
		return EW_DECISION_ABORT;
	return e->observer.on_failure(s, e->observer.payload);
}

static void abort_run(struct ew_engine *e, bool by_user)
{
	struct ew_engine_priv *p = e->priv;

	pthread_mutex_lock(&p->lock);
	p->abort = true;
	p->user_abort = p->user_abort || by_user;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Check (again, when needed) and apply one step, asking the front-end
 * what to do after a failure. */
static void run_step(struct ew_step_run *run,
		     int (*apply)(struct ew_step_run *, struct ew_error *))
{
	struct ew_engine *e = run->e;
	struct ew_engine_priv *p = e->priv;
	struct ew_step *s = &e->steps[run->idx];
	struct ew_step_priv *sp = &p->sp[run->idx];
	bool teardown = p->phase == EW_PHASE_TD_PLAN;

	for (;;) {
		struct ew_error err;
		enum ew_decision d;
		int rc = 0;

		ew_error_clear(&err);
		if (!sp->check_failed) {
			double t0 = ew_engine_now();

			ew_error_clear(&s->error);
			ew_engine_set_state(e, s, EW_STATE_RUNNING);
			emit(e, s, EW_EVENT_STARTED);
			rc = ew_step_ops_of(s->kind)->local
				 ? 0
				 : ew_engine_client(run, &err);
			if (!rc && s->action == EW_ACTION_UNKNOWN) {
				rc = ew_engine_check_step(run, teardown, &err);
				ew_engine_count(run, false);
				if (!rc && teardown)
					ew_engine_teardown_decide(e);
				if (!rc)
					ew_engine_cli(e, run->idx, teardown);
			}
			if (!rc)
				rc = apply(run, &err);
			ew_engine_count(run, true);
			s->elapsed += ew_engine_now() - t0;
			if (!rc) {
				emit(e, s, EW_EVENT_FINISHED);
				return;
			}
			s->error = err;
			if (rc == EW_ECANCEL || ew_cancel_is_set(&e->cancel)) {
				ew_error_set(&s->error, EW_ECANCEL,
					     "cancelled");
				ew_engine_set_detail(s, "cancelled");
				ew_engine_set_state(e, s, EW_STATE_FAILED);
				emit(e, s, EW_EVENT_FINISHED);
				abort_run(e, true);
				return;
			}
			ew_engine_set_state(e, s, EW_STATE_FAILED);
			emit(e, s, EW_EVENT_FINISHED);
		}
		d = decide(e, s);
		if (d == EW_DECISION_RETRY && !ew_cancel_is_set(&e->cancel)) {
			/* The world may have changed: read it again. */
			sp->check_failed = false;
			s->action = EW_ACTION_UNKNOWN;
			free(s->current_doc);
			s->current_doc = NULL;
			ew_buf_clear(&s->diff);
			continue;
		}
		if (d == EW_DECISION_SKIP) {
			ew_engine_set_detail(s, "skipped after: %s",
					     s->error.message);
			ew_engine_set_state(e, s, EW_STATE_SKIPPED);
			emit(e, s, EW_EVENT_FINISHED);
			return;
		}
		abort_run(e, e->observer.on_failure != NULL);
		return;
	}
}

static void *apply_thread(void *arg)
{
	struct apply_job *j = arg;
	struct ew_engine *e = j->run.e;
	struct ew_step *s = &e->steps[j->run.idx];
	long bad = wait_deps(e, j->run.idx);

	if (bad == -2) {
		ew_engine_set_detail(s, "not run: %s",
				     ew_cancel_is_set(&e->cancel)
					 ? "cancelled"
					 : "stopped after a failure");
		ew_engine_set_state(e, s, EW_STATE_SKIPPED);
		emit(e, s, EW_EVENT_FINISHED);
		return NULL;
	}
	if (bad >= 0) {
		ew_engine_set_detail(
		    s, "skipped: needs '%s', which %s", e->steps[bad].title,
		    e->steps[bad].state == EW_STATE_FAILED ? "failed"
							   : "was skipped");
		ew_engine_set_state(e, s, EW_STATE_SKIPPED);
		emit(e, s, EW_EVENT_FINISHED);
		return NULL;
	}
	run_step(&j->run, ew_engine_apply_step);
	ew_engine_client_release(&j->run);
	return NULL;
}

/*
 * After every write of the run: re-read what was updated and fail the
 * step when it is no longer what this run wrote (two applies at once on
 * shared names: the later write would silently win).  After all the
 * writes rather than each, so that a change made while the others ran is
 * seen too.
 */
static void verify_writes(struct ew_engine *e)
{
	struct ew_engine_priv *p = e->priv;

	for (size_t i = 0; i < e->nsteps && !p->abort; i++) {
		const struct ew_step_ops *ops =
		    ew_step_ops_of(e->steps[i].kind);
		struct ew_step *s = &e->steps[i];
		struct ew_step_run run = {.e = e, .idx = i};
		struct ew_error err;
		double t0 = ew_engine_now();
		int rc;

		if (!ops->verify || s->state != EW_STATE_UPDATED)
			continue;
		ew_error_clear(&err);
		rc = ew_engine_client(&run, &err);
		if (!rc)
			rc = ops->verify(&run, &err);
		ew_engine_count(&run, true);
		ew_engine_client_release(&run);
		s->elapsed += ew_engine_now() - t0;
		if (!rc)
			continue;
		s->error = err;
		ew_engine_set_detail(s, "changed by someone else meanwhile");
		ew_engine_set_state(e, s, EW_STATE_FAILED);
		emit(e, s, EW_EVENT_FINISHED);
	}
}

static int finish(struct ew_engine *e, struct ew_error *err)
{
	struct ew_engine_priv *p = e->priv;

	summarise(e);
	if (ew_cancel_is_set(&e->cancel) || p->user_abort) {
		e->result.aborted = true;
		return ew_error_set(err, EW_ECANCEL,
				    ew_cancel_is_set(&e->cancel)
					? "cancelled"
					: "aborted after a failure");
	}
	return first_failure(e, err);
}

int ew_engine_apply(struct ew_engine *e, struct ew_error *err)
{
	struct ew_engine_priv *p = e->priv;
	struct apply_job *jobs;
	int rc;

	if (!p)
		return ew_error_set(err, EW_EINVAL, "engine not initialised");
	if (e->offline)
		return ew_error_set(err, EW_ENOCREDS,
				    "cannot apply without AWS credentials: "
				    "an offline plan only shows what would be "
				    "done");
	if (p->phase != EW_PHASE_PLANNED) {
		for (;;) {
			rc = plan(e, false, err);
			if (rc == 0)
				break;
			/* Only the identity (or the setup check) stops the
			 * plan: ask whether to try again. */
			if (!ew_engine_identity_failed(e) ||
			    decide(e, ew_engine_identity_step(e)) !=
				EW_DECISION_RETRY) {
				summarise(e);
				if (e->observer.on_failure &&
				    ew_engine_identity_failed(e))
					e->result.aborted = true;
				return rc;
			}
		}
		p->phase = EW_PHASE_PLANNED;
	}
	if (!e->result.account[0])
		snprintf(e->result.account, sizeof(e->result.account), "%s",
			 e->setup->account);

	/* Without a front-end to ask (scripts), a check that could not read
	 * what exists leaves the plan unknown: nothing is changed, not even
	 * the steps that check does not guard. */
	if (!e->observer.on_failure && first_failure(e, NULL))
		return finish(e, err);
	jobs = calloc(e->nsteps, sizeof(*jobs));
	if (!jobs)
		return ew_error_oom(err);
	for (size_t i = 0; i < e->nsteps; i++) {
		if (!ew_step_ops_of(e->steps[i].kind)->apply)
			continue;
		jobs[i].run.e = e;
		jobs[i].run.idx = i;
		jobs[i].started = pthread_create(&jobs[i].tid, NULL,
						 apply_thread, &jobs[i]) == 0;
		if (!jobs[i].started) {
			/* Without a thread, run it here: its dependencies
			 * come earlier in the list, so they are running
			 * or done already. */
			apply_thread(&jobs[i]);
		}
	}
	for (size_t i = 0; i < e->nsteps; i++)
		if (jobs[i].started)
			pthread_join(jobs[i].tid, NULL);
	free(jobs);
	verify_writes(e);
	p->phase = EW_PHASE_APPLIED;
	return finish(e, err);
}

/* ---------------------------------------------------------- teardown */

int ew_engine_plan_teardown(struct ew_engine *e, bool force,
			    struct ew_error *err)
{
	struct ew_engine_priv *p = e->priv;
	int rc;

	if (!p)
		return ew_error_set(err, EW_EINVAL, "engine not initialised");
	p->force = force;
	rc = plan(e, true, err);
	if (!rc)
		p->phase = EW_PHASE_TD_PLAN;
	summarise(e);
	if (rc)
		return rc;
	return first_failure(e, err);
}

/* The highest teardown rank in the table. */
static int max_rank(void)
{
	int m = 0;

	for (size_t r = 0; r < ew_step_table_len; r++)
		if (ew_step_table[r]->teardown_rank > m)
			m = ew_step_table[r]->teardown_rank;
	return m;
}

int ew_engine_teardown(struct ew_engine *e, bool force, struct ew_error *err)
{
	struct ew_engine_priv *p = e->priv;
	size_t *order;
	size_t n = 0;
	int rc;

	if (!p)
		return ew_error_set(err, EW_EINVAL, "engine not initialised");
	if (p->phase != EW_PHASE_TD_PLAN) {
		rc = ew_engine_plan_teardown(e, force, err);
		if (p->phase != EW_PHASE_TD_PLAN)
			return rc;
	}
	p->force = force;
	order = calloc(e->nsteps, sizeof(*order));
	if (!order)
		return ew_error_oom(err);
	/* Per target in reverse setup order (the table's teardown rank:
	 * detach, policy, role, ... repository), then the shared steps
	 * (the provider). */
	for (int t = (int)ew_setup_target_count(e->setup) - 1; t >= -1; t--)
		for (int rank = 1; rank <= max_rank(); rank++)
			for (size_t i = 0; i < e->nsteps; i++)
				if (e->steps[i].target == t &&
				    ew_step_ops_of(e->steps[i].kind)
					    ->teardown_rank == rank)
					order[n++] = i;

	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		struct ew_step *s = &e->steps[i];
		struct ew_step_run run = {.e = e, .idx = i};

		if (p->abort) {
			if (s->action == EW_ACTION_DELETE ||
			    s->action == EW_ACTION_UPDATE) {
				ew_engine_set_detail(
				    s, "not run: %s",
				    ew_cancel_is_set(&e->cancel)
					? "cancelled"
					: "stopped after a "
					  "failure");
				ew_engine_set_state(e, s, EW_STATE_SKIPPED);
				emit(e, s, EW_EVENT_FINISHED);
			}
			continue;
		}
		if (s->action != EW_ACTION_DELETE &&
		    s->action != EW_ACTION_UPDATE &&
		    s->state != EW_STATE_FAILED) {
			ew_engine_set_state(e, s, EW_STATE_SKIPPED);
			emit(e, s, EW_EVENT_FINISHED);
			continue;
		}
		run_step(&run, ew_engine_teardown_step);
		ew_engine_client_release(&run);
	}
	free(order);
	/* What teardown never removes and did not read (the outputs). */
	for (size_t i = 0; i < e->nsteps && !p->abort; i++) {
		struct ew_step *o = &e->steps[i];

		if (ew_step_ops_of(o->kind)->teardown_rank ||
		    o->state != EW_STATE_PENDING)
			continue;
		ew_engine_set_state(e, o, EW_STATE_SKIPPED);
		emit(e, o, EW_EVENT_FINISHED);
	}
	p->phase = EW_PHASE_TD_APPLY;
	return finish(e, err);
}
