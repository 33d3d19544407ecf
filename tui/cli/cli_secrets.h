/*
 * cli_secrets.h - the GitHub secrets part of `apply --set-secrets`,
 * `teardown --delete-secrets` and `doctor`: find the token before any AWS
 * request, then store, delete or list the secrets (github_secrets.h) and
 * print what happened.
 *
 * The token lives in the run (struct ew_cli_run gh_token) and is released
 * with it; nothing here prints it.
 */
#ifndef EW_CLI_SECRETS_H
#define EW_CLI_SECRETS_H

#include "cli_run.h"
#include "doctor.h"
#include "outputs.h"

#include <stdbool.h>
#include <stdio.h>

/*
 * Called by ew_cli_run_start() once the flags are parsed, before any
 * request.  --set-secrets is apply's, --delete-secrets teardown's; either
 * needs a token (else the message and how to get one): returns -1 to go
 * on, or the exit status (2).  Without those flags, doctor looks for a
 * token quietly (it reads the secret names when it finds one).
 */
int ew_cli_secrets_prepare(struct ew_cli_run *r);

/*
 * Store o's rows as GitHub secrets.  Text mode prints a line per secret
 * and a summary (requests, seconds); on failure the message, and that the
 * AWS setup stays and the lines above finish it by hand.  JSON mode adds
 * a note instead.  0 or -1 (failed: the caller exits 1).
 */
int ew_cli_secrets_store(struct ew_cli_run *r, const struct ew_outputs *o,
			 bool json);

/* Same for teardown --delete-secrets; 0 or -1. */
int ew_cli_secrets_delete(struct ew_cli_run *r, bool json);

/*
 * For doctor: read the secret names of the repository and of every --env
 * environment into in (which borrows them from r until
 * ew_cli_secrets_doctor_release()).  Without a token, in says so.
 */
void ew_cli_secrets_doctor(struct ew_cli_run *r, struct ew_doctor_input *in);
void ew_cli_secrets_doctor_release(struct ew_doctor_input *in);

#endif
