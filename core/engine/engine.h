/*
 * engine.h - the one step engine behind the TUI, plan, apply and teardown.
 *
 * A run is a list of steps built from the setup (model.h): identity, then
 * per target (the main repository, or one per --env environment) an ECR
 * repository, its lifecycle policy, a permissions policy, a role and the
 * attachment, plus the account's one OIDC provider, and finally outputs.
 *
 * Every step has a read-only check (reads the current state, decides
 * create / update / unchanged / skip and prepares the diff of any document
 * it would change) and an idempotent apply.  ew_engine_plan() runs the
 * identity step, then every check at once (each in its own thread with its
 * own client); ew_engine_apply() then applies the steps as soon as the steps
 * they depend on are done:
 *
 *     identity -> all checks in parallel -> repository -> lifecycle
 *                                        -> provider -> role --+-> attach
 *                                        -> policy ------------+
 *
 * ARNs are computed from the account, never fetched.  Resources created
 * carry the tag managed-by=ecr-wizard.
 *
 * Events reach the front-end through struct ew_engine_observer, called from
 * the engine's worker threads (never concurrently for the same step): a
 * front-end that draws must hand them to its own thread.  on_failure is
 * called from the failing step's thread and blocks that step until the
 * front-end decides retry, skip or abort.
 *
 * The engine owns its steps and their buffers; the setup and the context
 * belong to the caller and must outlive the engine.  The identity step
 * writes one field of the setup: when setup->account is unset it stores
 * the caller's account (ew_setup_set_account); when it is set and differs
 * from the credentials' account, the identity step fails.  Nothing else
 * touches the setup, and only before the checks start.
 *
 * Teardown: ew_engine_plan_teardown() reads and decides (action DELETE,
 * UPDATE for a shared role or policy that loses this repository only, or
 * SKIP with the reason in detail), ew_engine_teardown() acts on it.
 *
 * What each kind of step reads and writes is the step table
 * (steps/step.h, one file per resource); nothing in the engine depends on
 * which kinds there are.
 */
#ifndef EW_ENGINE_H
#define EW_ENGINE_H

#include "aws_client.h"
#include "buf.h"
#include "cancel.h"
#include "error.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

enum ew_step_kind {
	EW_STEP_IDENTITY,   /* sts:GetCallerIdentity; account check */
	EW_STEP_REPOSITORY, /* ECR repository (per target) */
	EW_STEP_LIFECYCLE,  /* ECR lifecycle policy (per target) */
	EW_STEP_PROVIDER,   /* the GitHub OIDC provider (one) */
	EW_STEP_POLICY,	    /* IAM permissions policy (per target) */
	EW_STEP_ROLE,	    /* IAM role and its trust policy (per target) */
	EW_STEP_ATTACH,	    /* attach the policy to the role (per target) */
	EW_STEP_OUTPUTS,    /* compute the secrets; no request */
};

/* What a check decided. */
enum ew_step_action {
	EW_ACTION_UNKNOWN, /* not checked yet, or the check failed */
	EW_ACTION_CREATE,
	EW_ACTION_UPDATE,
	EW_ACTION_UNCHANGED,
	EW_ACTION_SKIP,	  /* nothing to do by choice (e.g. no live account) */
	EW_ACTION_DELETE, /* teardown: the resource will be removed */
};

enum ew_step_state {
	EW_STATE_PENDING,
	EW_STATE_RUNNING,
	EW_STATE_DONE, /* created */
	EW_STATE_UPDATED,
	EW_STATE_UNCHANGED,
	EW_STATE_SKIPPED,
	EW_STATE_FAILED,
};

/* Nothing that serves someone else changes silently (sharing.h). */
enum ew_conflict {
	EW_CONFLICT_NONE,
	/* The role's trust or the policy's resources also serve another
	 * GitHub or ECR repository, which the update would drop.  Ways on:
	 * share (setup->share_role) or new names; unresolved, the update is
	 * refused. */
	EW_CONFLICT_SHARED,
	/* A setting of a repository ecr-wizard did not create (its
	 * lifecycle policy) differs: kept unless setup->replace_lifecycle. */
	EW_CONFLICT_NOT_OURS,
};

struct ew_step {
	enum ew_step_kind kind;
	int target;	 /* index into the setup's targets; -1 for shared */
	char title[160]; /* "ECR repository my-app (us-east-1)" */
	enum ew_step_action action;
	enum ew_step_state state;
	char detail[512]; /* one line for the user: what was found / done */
	char arn[512];	  /* the resource's computed ARN, when it has one */
	/* Documents: what exists (NULL when nothing) and what will be
	 * written (NULL when the step writes no document), as pretty JSON,
	 * and the unified diff between them when the action is UPDATE. */
	char *current_doc;
	char *desired_doc;
	struct ew_buf diff;
	struct ew_buf cli; /* the equivalent aws CLI command(s) */
	/* The file the cli commands read desired_doc from, e.g.
	 * "trust-policy.json"; "" when the step has no document file. */
	char doc_file[96];
	struct ew_error error; /* when state is FAILED */
	double elapsed;	       /* seconds spent in check + apply */
	unsigned requests;     /* HTTP exchanges, retries included */
	unsigned mutations;    /* of which changed state */
	unsigned retries;
	bool is_managed; /* the existing resource carries our tag */
	enum ew_conflict conflict;
	bool conflict_resolved; /* the user chose: share, or replace */
	/* The other repositories, ", " separated: "acme/widgets" (trust)
	 * or "widgets (us-east-1)" (permissions); "" when none. */
	char others[384];
};

enum ew_event {
	EW_EVENT_STARTED,  /* check or apply began; state is RUNNING */
	EW_EVENT_FINISHED, /* state is final: DONE/UPDATED/.../FAILED */
	EW_EVENT_CHECKED,  /* a check finished: action is decided */
};

enum ew_decision {
	EW_DECISION_ABORT,
	EW_DECISION_RETRY,
	EW_DECISION_SKIP,
};

struct ew_engine_observer {
	void (*on_step)(const struct ew_step *step, enum ew_event ev,
			void *payload);
	void (*on_retry)(const struct ew_step *step,
			 const struct ew_retry_event *ev, void *payload);
	/* NULL means abort on any failure (scripts). */
	enum ew_decision (*on_failure)(const struct ew_step *step,
				       void *payload);
	void *payload;
};

/* The outcome the front-ends print. */
struct ew_engine_result {
	char account[16];
	char caller_arn[512];
	unsigned requests;	   /* all HTTP exchanges of the run */
	unsigned mutations;	   /* of which changed state */
	unsigned sequential_depth; /* requests on the longest chain */
	double elapsed;		   /* wall time of plan + apply */
	bool aborted;		   /* cancelled or aborted by the user */
};

struct ew_engine {
	struct ew_context *ctx;
	struct ew_setup *setup;
	const struct ew_aws_client *client; /* prototype, cloned per thread */
	struct ew_engine_observer observer;
	struct ew_step *steps;
	size_t nsteps;
	struct ew_cancel cancel;
	struct ew_engine_result result;
	/* When true (no credentials: a typed account), plan computes the
	 * documents and commands without live reads. */
	bool offline;
	void *priv; /* engine internals */
};

/* Build the step list for setup.  client may be NULL only when offline. */
int ew_engine_init(struct ew_engine *e, struct ew_context *ctx,
		   struct ew_setup *setup, const struct ew_aws_client *client,
		   const struct ew_engine_observer *observer, bool offline,
		   struct ew_error *err);
void ew_engine_release(struct ew_engine *e);

/* Identity, then every check at once.  Changes nothing.  Returns 0, the
 * identity's failure, or the first failed check's code (the other checks
 * still ran; apply consults on_failure for the failed ones). */
int ew_engine_plan(struct ew_engine *e, struct ew_error *err);
/* Plan (if not done yet), then apply in dependency order.  Returns 0 when
 * every step ended DONE/UPDATED/UNCHANGED/SKIPPED, EW_ECANCEL when
 * cancelled or when on_failure chose abort, else (no on_failure: a
 * failure aborts the run) the first failure's code, err its error;
 * without on_failure, a failed check means nothing is applied at all.
 * After the writes, what was updated is read again: a step whose resource
 * another run changed meanwhile fails (EW_ERROR, naming what is there).
 * Offline engines cannot apply (EW_ENOCREDS). */
int ew_engine_apply(struct ew_engine *e, struct ew_error *err);
/* Identity, then the reads teardown needs, at once; decides for each step
 * DELETE (ours: tagged managed-by=ecr-wizard), UPDATE (ours, shared with
 * other repositories: only this one is taken out) or SKIP (detail says
 * why: not found, not ours, serves only others, holds images without
 * force, provider trusted by another role).  Changes nothing. */
int ew_engine_plan_teardown(struct ew_engine *e, bool force,
			    struct ew_error *err);
/* Remove what the setup created (tagged managed-by=ecr-wizard), in reverse
 * order; takes only this repository out of a shared role or policy; keeps
 * the provider while another role trusts it; refuses to delete a
 * repository holding images unless force.  Plans first when
 * ew_engine_plan_teardown() was not called. */
int ew_engine_teardown(struct ew_engine *e, bool force, struct ew_error *err);
/* Thread-safe; the running plan/apply ends promptly with EW_ECANCEL and
 * leaves every resource either untouched or fully written. */
void ew_engine_cancel(struct ew_engine *e);

/* The first step whose conflict of this kind the user has not resolved,
 * or NULL (after a plan). */
const struct ew_step *ew_engine_conflict(const struct ew_engine *e,
					 enum ew_conflict kind);

/* The identity step (sts:GetCallerIdentity), NULL before init; and
 * whether it failed, which stops a plan before any other read. */
const struct ew_step *ew_engine_identity_step(const struct ew_engine *e);
bool ew_engine_identity_failed(const struct ew_engine *e);

const char *ew_step_state_name(enum ew_step_state s);	/* "done", ... */
const char *ew_step_action_name(enum ew_step_action a); /* "create", ... */
/* The step table's name of a kind: "repository", ...; "step" if unknown. */
const char *ew_step_kind_name(enum ew_step_kind k);

#endif
