/*
 * cli_output.h - how `plan`, `apply` and `teardown` show a run: a line per
 * step as it finishes (and per retry as it happens), the plan table, the
 * documents with their diffs, the equivalent aws CLI script, the failure
 * hints from the troubleshooting knowledge, the secrets table, and the
 * stable `--output json` document.
 *
 * Nothing here talks to AWS; everything reads a struct ew_engine after (or
 * while) it runs.  Credentials are never part of any of it.
 *
 * JSON shape (version 1; fields are only ever added):
 *   {"version":1, "command":"plan|apply|teardown", "account", "region",
 *    "github":"OWNER/REPO", "offline":bool, "caller_arn",
 *    "steps":[{"id","kind","environment","title","action","state",
 *              "detail","arn","elapsed","requests","mutations","retries",
 *              "managed","current","desired","diff","cli",
 *              "error":{"code","aws_code","http_status","message",
 *                       "operation","request_id",
 *                       "hint":{"id","title","cause","fix":[..],
 *                               "check"}|null}|null}],
 *    "secrets":[{"name","value","description","environment"}],
 *    "workflow":{"path","written","status","diff"}|null,
 *    "pipeline":[{"job","environment","trigger","subject",
 *                 "subject_immutable","audience","admitted","reason",
 *                 "fix"}],
 *    "pipeline_grants":[{"environment","action","resource","granted"}],
 *    "requests":N, "mutations":N, "sequential_depth":N, "elapsed":S,
 *    "notes":[...]}
 *
 * Memory: struct ew_cli_printer is the caller's (init/release); builders
 * append to a caller's struct ew_buf.
 */
#ifndef EW_CLI_OUTPUT_H
#define EW_CLI_OUTPUT_H

#include "buf.h"
#include "engine.h"
#include "outputs.h"
#include "pipeline.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

struct ew_cli_printer {
	FILE *out;		      /* progress and results */
	bool color;		      /* ANSI colours */
	bool quiet;		      /* no step lines (while planning, JSON) */
	bool json;		      /* JSON output: no progress at all */
	const struct ew_setup *setup; /* for the hints' placeholders */
	/* The caller identity for the hints; NULL until the front-end
	 * points it at its engine's result. */
	const struct ew_engine_result *result;
	pthread_mutex_t lock; /* observer calls come from worker threads */
};

void ew_cli_printer_init(struct ew_cli_printer *p, FILE *out, bool color,
			 bool quiet, const struct ew_setup *setup);
void ew_cli_printer_release(struct ew_cli_printer *p);

/* An observer printing one line per finished step and per retry, and the
 * error with its hint for a failed step. */
void ew_cli_observer(struct ew_engine_observer *o, struct ew_cli_printer *p);

/* The AWS error and the knowledge hint (hint.h) for a failed step,
 * indented.  res (the caller identity) may be NULL. */
void ew_cli_print_failure(FILE *out, const struct ew_step *s,
			  const struct ew_setup *setup,
			  const struct ew_engine_result *res);

/* The plan (or teardown preview) as a table: state/action, title,
 * detail. */
void ew_cli_print_plan(struct ew_cli_printer *p, const struct ew_engine *e,
		       bool teardown);

/* The diffs of every step that has one ("what changes"). */
void ew_cli_print_diffs(struct ew_cli_printer *p, const struct ew_engine *e);

/* Every desired document with its file name. */
void ew_cli_print_documents(struct ew_cli_printer *p,
			    const struct ew_engine *e);

/* A runnable POSIX sh script: the documents written with here-documents,
 * then the aws CLI commands of the steps that change something (those
 * that do not are comments).  0 or EW_ENOMEM. */
int ew_cli_script(struct ew_buf *out, const struct ew_engine *e, bool teardown);

/* The secrets table and the gh lines. */
void ew_cli_print_secrets(FILE *out, const struct ew_outputs *o,
			  const struct ew_setup *s);

struct ew_cli_workflow {
	const char *path;    /* relative path, NULL when not handled */
	bool written;	     /* this run wrote it */
	const char *status;  /* "created", "updated", "unchanged", "kept",
			       "skipped", "failed", "planned" */
	const char *diff;    /* existing vs generated, may be NULL */
	const char *content; /* the YAML, plan only; may be NULL */
	/* The pipeline check of the workflow in place; may be NULL (and is
	 * read even when path is NULL). */
	const struct ew_pipeline *pipeline;
};

/* The pipeline check (pipeline.h) of file: one line per run, with the
 * token and the fix for a refused one, the push actions not granted, and
 * what could not be decided. */
void ew_cli_print_pipeline(struct ew_cli_printer *p,
			   const struct ew_pipeline *pl, const char *file);

/* The JSON document described above.  secrets, wf and notes may be
 * NULL. */
int ew_cli_json(struct ew_buf *out, const char *command,
		const struct ew_engine *e, const struct ew_outputs *secrets,
		const struct ew_cli_workflow *wf, const char *const *notes,
		size_t nnotes);

/* The id of a step in JSON and messages: "repository", "role:staging". */
/* For a change an interrupt cut off while it ran (its request may have
 * reached AWS before the client hung up), what is known: "may exist; a
 * re-run adopts it" and the like.  NULL for any other step. */
const char *ew_cli_step_in_doubt(const struct ew_step *s);

void ew_cli_step_id(char *out, size_t size, const struct ew_engine *e,
		    const struct ew_step *s);

#endif
