/*
 * step.h - the step table: what one kind of step does, as data.
 *
 * Each resource the engine manages (the caller's identity, an ECR
 * repository, its lifecycle policy, the OIDC provider, the permissions
 * policy, the role, the attachment, the outputs) is one file in this
 * folder exporting one struct ew_step_ops.  The engine (engine.c,
 * engine_teardown.c, engine_cli.c) walks ew_step_table and calls through
 * the ops; it never switches on the kind.  The order of the table is the
 * order the user reads the steps in; a run of per-target rows is repeated
 * once per target (the main repository, or each --env environment).
 * docs/adding-a-step.md lists the edits a new resource takes.
 *
 * The helpers below are the ones several step files share (documents,
 * errors, states, the aws CLI rendering).  Nothing here is for the
 * front-ends: they see struct ew_step (engine.h) only.
 *
 * Memory: the table and the ops are static; every string a helper stores
 * in a struct ew_step or struct ew_step_priv is a heap copy owned by it.
 */
#ifndef EW_STEP_H
#define EW_STEP_H

#include "engine_priv.h"
#include "tags.h"

#include <stdbool.h>
#include <stddef.h>

#define GITHUB_OIDC_URL "https://token.actions.githubusercontent.com"
/* What the aws CLI commands add to a create: the managed-by tag. */
#define EW_STEP_CLI_TAGS " --tags Key=managed-by,Value=ecr-wizard"

struct ew_step_ops {
	enum ew_step_kind kind;
	const char *name; /* "repository": for docs and debugging */
	/* One step per target (repository, policy, ...) or one in all
	 * (identity, provider, outputs). */
	bool per_target;
	/* The steps of these kinds finish before this one's apply starts:
	 * the same target's when that kind is per target, else the one. */
	enum ew_step_kind deps[EW_ENGINE_MAX_DEPS];
	size_t ndeps;
	/* Waits for every other step (but identity) instead (outputs). */
	bool after_all;
	/* Fill step->title from the names fill_target gave the step. */
	void (*title)(struct ew_engine *e, size_t i);
	/* After the identity: ARNs, the desired document, its file name. */
	int (*prepare)(struct ew_engine *e, size_t i, struct ew_error *err);
	/* Read-only: decide the action (teardown: the reads the decision
	 * needs).  NULL: nothing to check (identity runs before the
	 * others, in engine.c). */
	int (*check)(struct ew_step_run *run, bool teardown,
		     struct ew_error *err);
	/* The check needs no AWS client and runs after the others have been
	 * read (outputs). */
	bool local;
	/* Act on the action the check decided; idempotent.  Sets the final
	 * state on success. */
	int (*apply)(struct ew_step_run *run, struct ew_error *err);
	/* After every apply of the run: re-read what apply changed (state
	 * UPDATED) and fail, naming it, when what is there is not what was
	 * written (another run changed it meanwhile).  NULL: nothing to
	 * re-read. */
	int (*verify)(struct ew_step_run *run, struct ew_error *err);
	/* Teardown: decide DELETE or SKIP (with the detail) from what the
	 * check read.  Pass 1 runs after pass 0, for steps whose decision
	 * depends on another's (the provider on the roles). */
	void (*teardown_check)(struct ew_engine *e, size_t i);
	int teardown_pass;
	/* Remove the resource (action DELETE).  "Not found" is success. */
	int (*teardown_apply)(struct ew_step_run *run, struct ew_error *err);
	/* Teardown runs per target, lowest rank first, then the shared
	 * steps; 0: never removed (its teardown command, if any, is shown
	 * whatever the decision). */
	int teardown_rank;
	const char *removed; /* the detail after teardown_apply: "deleted" */
	/* The aws CLI equivalents of apply and of teardown_apply. */
	void (*cli)(struct ew_engine *e, size_t i, struct ew_buf *b);
	void (*teardown_cli)(struct ew_engine *e, size_t i, struct ew_buf *b);
};

/* The table (step_table.c), in the order the user reads the steps. */
extern const struct ew_step_ops *const ew_step_table[];
extern const size_t ew_step_table_len;
/* The row of kind k (never NULL for a kind in the table). */
const struct ew_step_ops *ew_step_ops_of(enum ew_step_kind k);

/* ------------------------------------------------ shared by the steps */

/* The step's private state, beside its public struct ew_step. */
struct ew_step_priv *ew_step_priv_of(const struct ew_engine *e, size_t i);
struct ew_step_priv *ew_step_run_priv(struct ew_step_run *run);
/* The step of kind k for the same target as step i, or NULL. */
const struct ew_step *ew_step_sibling(const struct ew_engine *e, size_t i,
				      enum ew_step_kind k);
void ew_step_title(struct ew_step *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Replace *slot with the detached content of b. */
int ew_step_take(char **slot, struct ew_buf *b, struct ew_error *err);
typedef int (*ew_step_arn_fn)(struct ew_buf *, const struct ew_setup *,
			      const struct ew_env_target *, struct ew_error *);
int ew_step_arn_of(char **slot, ew_step_arn_fn fn, const struct ew_setup *s,
		   const struct ew_env_target *env, struct ew_error *err);
int ew_step_provider_arn(char **slot, const struct ew_setup *s,
			 struct ew_error *err);
/* The OIDC audience of the setup's partition. */
const char *ew_step_audience(const struct ew_setup *s);
/* Store a display-form document as desired_doc and its wire form. */
int ew_step_set_desired(struct ew_step *s, struct ew_step_priv *sp,
			struct ew_buf *display, struct ew_error *err);
/* The same from a cJSON document, which it deletes (NULL: out of
 * memory). */
struct cJSON;
int ew_step_set_desired_json(struct ew_step *s, struct ew_step_priv *sp,
			     struct cJSON *doc, struct ew_error *err);
/* step->doc_file: "base.json", or "base-ENV.json" for an environment. */
int ew_step_doc_file(struct ew_step *s, struct ew_step_priv *sp,
		     const char *base, struct ew_error *err);

/* The AWS error code of err is code. */
bool ew_step_is_aws(const struct ew_error *err, const char *code);
/* "" or " (not created by ecr-wizard: reused as is)". */
const char *ew_step_reused(const struct ew_step *s);
/* The check found nothing: the step will create it. */
int ew_step_will_create(struct ew_step *s, struct ew_step_priv *sp,
			struct ew_error *err);
int ew_step_managed_tags(struct ew_tags *t, struct ew_error *err);
/* A resource this run created: ours to tear down later. */
void ew_step_finish_created(struct ew_engine *e, struct ew_step *s,
			    struct ew_step_priv *sp);
int ew_step_recover_exists(struct ew_step_run *run,
			   int (*check)(struct ew_step_run *, bool,
					struct ew_error *),
			   int (*apply)(struct ew_step_run *,
					struct ew_error *),
			   struct ew_error *err);

/* Sharing a role or policy with other repositories (sharing.h). */
struct ew_sharing;
void ew_step_new_names(char *out, size_t size, const struct ew_setup *set);
int ew_step_shared_conflict(struct ew_step_run *run,
			    const struct ew_sharing *sh, bool trust,
			    struct ew_error *err);
void ew_step_shared_detail(struct ew_engine *e, struct ew_step *s, bool trust);
int ew_step_refuse_shared(const struct ew_engine *e, const struct ew_step *s,
			  struct ew_error *err);

/* A re-read after the writes (verify) found doc, not what was written:
 * 0 when it is still the document from before the write (IAM's reads lag
 * its writes: the caller waits and reads again), else the error naming
 * what is there now (trust: the GitHub repositories of its subjects;
 * else the ECR repositories it grants). */
int ew_step_changed_meanwhile(struct ew_step_run *run, const char *doc,
			      bool trust, struct ew_error *err);

/* Teardown decisions. */
/* A role (trust) or policy ecr-wizard created that also serves other
 * repositories: UPDATE to the current document without this repository
 * (desired_doc), or SKIP saying why (nothing of this one there). */
void ew_step_teardown_shared(struct ew_engine *e, size_t i, bool trust);
void ew_step_keep(struct ew_step *s, const char *why);
/* DELETE when found and ours and serving no one else; what is appended to
 * "will be deleted", ours_part names what this repository has in a shared
 * one ("subjects"). */
void ew_step_decide_owned(struct ew_engine *e, size_t i, const char *what,
			  const char *ours_part);

/* The aws CLI rendering. */
void ew_step_cli_quote(struct ew_buf *b, const char *s);
void ew_step_cli_iam_region(struct ew_buf *b, const struct ew_engine *e);
void ew_step_cli_iam(struct ew_buf *b, const struct ew_engine *e,
		     const char *op);
void ew_step_cli_ecr(struct ew_buf *b, const struct ew_step_priv *sp,
		     const char *op);

#endif
