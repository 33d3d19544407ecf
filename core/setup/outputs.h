/*
 * outputs.h - what the user pastes into GitHub at the end: the four
 * secrets (name, value, description, as GitHub's settings page asks for
 * them) and the equivalent `gh secret set` / `gh variable set` lines.
 *
 * Without environments there are four rows for the repository; with
 * environments, four rows per environment (env set), to be stored as that
 * environment's secrets: the workflow's jobs run in the environment, so
 * GitHub hands them the environment's values.
 *
 * The values are not secret (region, repository name, registry host, role
 * ARN).  The workflow reads them as secrets, as the guide does; `gh
 * variable set` lines are offered for users who prefer variables (they
 * then change secrets.X to vars.X in the workflow).  Storing them as
 * secrets makes Actions mask them, which only matters for job outputs the
 * generated workflow does not use (docs/github-facts.md).
 *
 * Memory: struct ew_outputs owns its rows' values and environment names;
 * ew_outputs_release() frees them.  Names and descriptions are static.
 */
#ifndef EW_OUTPUTS_H
#define EW_OUTPUTS_H

#include "buf.h"
#include "error.h"
#include "model.h"

struct ew_output_row {
	const char *name;	 /* "AWS_REGION" */
	char *value;		 /* "us-east-1" */
	const char *description; /* for the table */
	const char *env;	 /* GitHub environment, NULL for the repo */
};

struct ew_outputs {
	struct ew_output_row *rows;
	size_t nrows;
};

enum ew_gh_kind { EW_GH_SECRET, EW_GH_VARIABLE };

/* Compute the rows.  0, EW_EINVAL (setup incomplete) or EW_ENOMEM. */
int ew_outputs_build(struct ew_outputs *out, const struct ew_setup *s,
		     struct ew_error *err);
void ew_outputs_release(struct ew_outputs *o);

/* A plain-text table: a header, one line per row, aligned columns; with
 * environments a "Environment NAME:" line before each group. */
int ew_outputs_table(struct ew_buf *out, const struct ew_outputs *o);

/* One `gh secret set NAME --repo OWNER/REPO [--env ENV] --body VALUE`
 * line per row (or `gh variable set ...`), every argument shell-quoted
 * where needed.  The host is prefixed to --repo for GitHub Enterprise. */
int ew_outputs_gh_commands(struct ew_buf *out, const struct ew_outputs *o,
			   const struct ew_setup *s, enum ew_gh_kind kind);

/* Append s quoted for a POSIX shell: as is when it holds only
 * [A-Za-z0-9@%+=:,./_-], else in single quotes with ' written as '\''. */
int ew_shell_quote(struct ew_buf *out, const char *s);

#endif
