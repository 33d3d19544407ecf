/*
 * engine_priv.h - what the engine's files share and nobody else sees.
 *
 * engine.c runs the phases (identity, parallel checks, dependency-ordered
 * applies, teardown) and talks to the observer; engine_steps.c,
 * engine_teardown.c and engine_cli.c call one step's check, apply,
 * teardown and aws CLI rendering through the step table (steps/step.h),
 * whose files hold what each kind of resource reads and writes.
 *
 * Memory: struct ew_engine_priv and its step_priv array belong to the
 * engine (e->priv) and are freed by ew_engine_release().  Every string in
 * a struct ew_step_priv is a heap copy owned by it.
 */
#ifndef EW_ENGINE_PRIV_H
#define EW_ENGINE_PRIV_H

#include "engine.h"
#include "iam.h"

#include <pthread.h>
#include <stdbool.h>

#define EW_ENGINE_MAX_DEPS 4

enum ew_engine_phase {
	EW_PHASE_NONE,	   /* nothing run yet */
	EW_PHASE_PLANNED,  /* setup checks done */
	EW_PHASE_APPLIED,  /* apply ran */
	EW_PHASE_TD_PLAN,  /* teardown checks and decisions done */
	EW_PHASE_TD_APPLY, /* teardown ran */
};

/* Per step: names, ARNs and what the check learnt for the apply. */
struct ew_step_priv {
	const struct ew_env_target *env; /* NULL: the main target */
	char *region;			 /* the target's region */
	char *repo_name;		 /* ECR repository */
	char *role_name;
	char *policy_name;
	char *role_arn;
	char *policy_arn;
	char *provider_arn;
	char *repo_arn;
	/* The wire (compact) form of desired_doc, sent to AWS. */
	char *wire_doc;

	bool exists;	       /* the resource was found */
	bool created;	       /* this run created it */
	bool has_images;       /* repository, teardown */
	char *default_version; /* policy: the default version id */
	/* provider, teardown: names of roles whose trust policy names the
	 * provider, '\n'-separated */
	struct ew_buf trusted_by;

	size_t deps[EW_ENGINE_MAX_DEPS]; /* steps this one waits for */
	size_t ndeps;
	unsigned check_requests; /* on the check's chain */
	unsigned apply_requests; /* on the apply's chain */
	unsigned chain;		 /* apply_requests + longest dependency */
	bool check_failed;	 /* the failure in step->error is the check's */
};

struct ew_engine_priv {
	pthread_mutex_t lock; /* guards step states, abort flags */
	pthread_cond_t cond;  /* a step reached a final state */
	struct ew_step_priv *sp;
	enum ew_engine_phase phase;
	bool abort;	 /* stop starting work */
	bool user_abort; /* the abort was the user's decision */
	bool force;	 /* teardown: delete images too */
	unsigned identity_requests;
	double t0; /* monotonic start of the run */
};

/* One thread of work on one step: its own client. */
struct ew_step_run {
	struct ew_engine *e;
	size_t idx;
	struct ew_aws_client c;
	bool has_client;
	unsigned seen_requests; /* client counters already accounted */
	unsigned seen_mutations;
};

/* engine.c */
double ew_engine_now(void);
/* The step's client: a clone of the prototype retargeted to the step's
 * region, with the engine's cancel token and on_retry forwarding. */
int ew_engine_client(struct ew_step_run *run, struct ew_error *err);
void ew_engine_client_release(struct ew_step_run *run);
/* Account the requests the client made since the last call. */
void ew_engine_count(struct ew_step_run *run, bool in_apply);
/* Report a synthetic retry (eventual consistency) through the observer. */
void ew_engine_report_retry(struct ew_step_run *run, const char *service,
			    const char *operation, int attempt,
			    int max_attempts, long delay_ms,
			    const struct ew_error *why);
/* Bounded back-off for eventual consistency: 1, 2, 4, ... s scaled by
 * the context's retry scale (context.h), about 30 s in all.  0 to retry, EW_ECANCEL, or 1 when
 * the attempts are used up. */
int ew_engine_backoff(struct ew_step_run *run, int attempt, const char *service,
		      const char *operation, const struct ew_error *why);
void ew_engine_set_detail(struct ew_step *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Set a step's state under the engine's lock and wake the steps waiting
 * for it: the one way the engine and the steps change a state. */
void ew_engine_set_state(struct ew_engine *e, struct ew_step *s,
			 enum ew_step_state st);

/* engine_steps.c: one step's prepare, check and apply (the table). */
int ew_engine_prepare_step(struct ew_engine *e, size_t i, struct ew_error *err);
int ew_engine_check_step(struct ew_step_run *run, bool teardown,
			 struct ew_error *err);
int ew_engine_apply_step(struct ew_step_run *run, struct ew_error *err);
/* Set current_doc (owned copy) and the diff against desired_doc. */
int ew_engine_set_current(struct ew_step *s, const char *current,
			  struct ew_error *err);
/* The descriptions apply gives the policy and the role it creates (the
 * aws CLI script gives the same; steps/policy.c, steps/role.c).  0 or
 * EW_ENOMEM. */
int ew_engine_policy_description(struct ew_buf *b, const struct ew_engine *e,
				 const struct ew_step_priv *sp);
int ew_engine_role_description(struct ew_buf *b, const struct ew_engine *e,
			       const struct ew_step_priv *sp);

/* engine_teardown.c */
void ew_engine_teardown_decide(struct ew_engine *e);
int ew_engine_teardown_step(struct ew_step_run *run, struct ew_error *err);

/* engine_cli.c: fill step->cli for the decided action. */
int ew_engine_cli(struct ew_engine *e, size_t i, bool teardown);

#endif
