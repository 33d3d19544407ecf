/*
 * cli_run.h - what `plan`, `apply` and `teardown` do before and around the
 * engine: parse the shared flags, fill the defaults (GitHub repository from
 * the working tree, its numeric IDs from the GitHub API, region and
 * credentials the way the AWS CLI finds them), set up the transport (real
 * or --demo) and the trace, turn SIGINT/SIGTERM into an engine cancel, and
 * map the outcome to the exit status.
 *
 * Order matters: every flag is validated (and the setup's cross-field
 * rules checked) before anything touches the network.
 *
 * Memory: struct ew_cli_run owns everything it sets up; release it with
 * ew_cli_run_finish() whatever ew_cli_run_start() returned.
 */
#ifndef EW_CLI_RUN_H
#define EW_CLI_RUN_H

#include "aws_client.h"
#include "bootstrap.h"
#include "context.h"
#include "engine.h"
#include "github_token.h"
#include "options.h"
#include "pipeline.h"

#include <stdbool.h>
#include <stdio.h>

#define EW_CLI_MAX_NOTES 6

struct ew_cli_run {
	const char *command; /* "plan", "apply", "teardown" */
	struct ew_options opt;
	struct ew_context ctx;
	/* transport, session and credentials (bootstrap.h) */
	struct ew_bootstrap boot;
	struct ew_aws_client client;
	bool has_client;
	bool offline; /* no credentials, account typed: plan only */
	FILE *trace;
	bool trace_owned;
	char *workdir; /* where the workflow goes: the git work tree */
	/* Why the workflow cannot be written (--github names another
	 * repository than the work tree's, or there is no work tree), with
	 * where it would go; empty when it can. */
	char wf_refused[1024];
	/* --set-secrets / --delete-secrets / doctor: cli_secrets.h */
	struct ew_github_token gh_token;
	bool color;
	/* Things the user should know (GitHub API unreachable, region
	 * warning, offline): shown in text, listed in JSON. */
	char notes[EW_CLI_MAX_NOTES][512];
	size_t nnotes;
};

enum ew_cli_flags {
	EW_CLI_ALLOW_OFFLINE = 1 << 0,	 /* plan: no credentials + --account */
	EW_CLI_CONFIRMS = 1 << 1,	 /* apply/teardown: asks unless --yes */
	EW_CLI_WRITES_WORKFLOW = 1 << 2, /* apply: refuses up front when the
					    workflow has no place */
};

/*
 * Everything up to a ready client.  Returns -1 when the command should go
 * on, else the exit status to return (the message is printed already:
 * 0 for --help/--version, 2 usage or input, 3 no usable credentials).
 */
int ew_cli_run_start(struct ew_cli_run *r, const char *command, int argc,
		     char **argv, unsigned flags);
void ew_cli_run_finish(struct ew_cli_run *r);

void ew_cli_run_note(struct ew_cli_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The engine SIGINT/SIGTERM cancel while it runs; NULL when none. */
void ew_cli_run_engine(struct ew_engine *e);
/* Around a local file write: a SIGINT/SIGTERM that arrives meanwhile is
 * held until protect(false), which then exits 130 with the file complete. */
void ew_cli_run_protect(bool on);
/* Whether SIGINT or SIGTERM arrived. */
bool ew_cli_run_interrupted(void);

/* Ask question on the terminal; true for y/yes.  SIGINT/SIGTERM/SIGHUP
 * while it waits end the command at once (exit 130). */
bool ew_cli_run_confirm(const char *question);

/* The workflow file: what would be written, what is there. */
struct ew_cli_wf {
	struct ew_buf content; /* the generated YAML */
	struct ew_buf diff;    /* existing vs generated; empty when same */
	bool exists;	       /* a file is there already */
	bool same;	       /* and it is the generated one */
	bool written;	       /* this run wrote it */
	unsigned mode;	       /* the existing file's mode (kept by --force) */
	const char *status;    /* see struct ew_cli_workflow */
};

/* Generate the workflow and compare it with the file in the work tree.
 * 0, or the error (the file cannot be read, the setup is incomplete). */
int ew_cli_wf_check(struct ew_cli_run *r, struct ew_cli_wf *wf,
		    struct ew_error *err);
/* Write it atomically unless a different file is there and not force
 * (status "kept").  0 or EW_EIO/EW_EINVAL. */
int ew_cli_wf_write(struct ew_cli_run *r, struct ew_cli_wf *wf, bool force,
		    struct ew_error *err);
void ew_cli_wf_release(struct ew_cli_wf *wf);

/* The pipeline check (pipeline.h) of the workflow that will be in place
 * after apply (wf's generated file, or the existing one apply keeps; wf
 * NULL: whatever file is there, none: no runs), against the documents the
 * planned engine's steps will write.  0 or the error; *out is released by
 * the caller whatever the result. */
int ew_cli_pipeline(struct ew_pipeline *out, struct ew_cli_run *r,
		    const struct ew_engine *e, const struct ew_cli_wf *wf,
		    struct ew_error *err);

/* The exit status for an engine call's return code: 0, 1 (a step
 * failed), 3 (credentials rejected), 130 (interrupted). */
int ew_cli_run_exit(int rc, const struct ew_engine *e);

#endif
