/*
 * credential_process.h - run a profile's `credential_process` command.
 *
 * The command line is split as botocore does (Python's shlex.split in
 * POSIX mode: whitespace separates words, '...' is literal, "..." allows
 * \" and \\, a backslash outside quotes escapes the next character, no
 * comments) and run WITHOUT a shell (posix_spawnp, so PATH is searched).
 * The child gets /dev/null as stdin (the terminal belongs to the
 * front-end), its stdout and stderr are captured, and it runs in its own
 * process group so a time-out or cancel kills whatever it started too.
 *
 * Its stdout must be JSON:
 *   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
 *    "SessionToken": "...", "Expiration": "2024-01-15T13:00:00Z",
 *    "AccountId": "123456789012"}
 * SessionToken, Expiration and AccountId are optional; without Expiration
 * the credentials never expire.  Version must be 1; expired credentials
 * are an error.  No message ever quotes the output (it holds the secret).
 *
 * Memory: the argv from ew_credential_process_split() is freed with
 * ew_credential_process_free_argv(); credentials are the caller's
 * (ew_credentials_release()).
 */
#ifndef EW_CREDENTIAL_PROCESS_H
#define EW_CREDENTIAL_PROCESS_H

#include "cancel.h"
#include "context.h"
#include "credentials.h"
#include "error.h"

#include <stddef.h>
#include <time.h>

/* Defaults for the options below. */
#define EW_CREDENTIAL_PROCESS_TIMEOUT_MS 30000L
#define EW_CREDENTIAL_PROCESS_MAX_OUTPUT (64 * 1024)

struct ew_credential_process_options {
	long timeout_ms;	  /* 0: EW_CREDENTIAL_PROCESS_TIMEOUT_MS */
	size_t max_output;	  /* stdout cap; 0: ..._MAX_OUTPUT */
	struct ew_cancel *cancel; /* may be NULL */
};

/*
 * Split cmdline into a NULL-terminated argv (*out, with *argc words).
 * EW_EINVAL for an unclosed quote, a trailing backslash or no words.
 */
int ew_credential_process_split(char ***out, int *argc, const char *cmdline,
				struct ew_error *err);
void ew_credential_process_free_argv(char **argv);

/*
 * Parse the command's output (len bytes) into *out (initialised here).
 * now is the current time for the expiry check.  EW_EPARSE for bad JSON,
 * a wrong Version or missing keys; EW_ENOCREDS for expired credentials.
 */
int ew_credential_process_parse(struct ew_credentials *out, const char *json,
				size_t len, time_t now, struct ew_error *err);

/*
 * Run cmdline and parse its output into *out (initialised here; source is
 * left empty for the caller).  opts may be NULL.  Errors (all with the
 * program's name, never its arguments):
 *   EW_ERROR   it could not be started, exited non-zero (with the first
 *              line of its stderr) or was killed by a signal;
 *   EW_ERROR   it printed more than max_output bytes ("flooded output")
 *              or did not finish within timeout_ms (it is killed);
 *   EW_ECANCEL the cancel token was set (it is killed);
 *   and those of ew_credential_process_parse().
 */
int ew_credential_process_run(struct ew_credentials *out, const char *cmdline,
			      const struct ew_credential_process_options *opts,
			      const struct ew_context *ctx,
			      struct ew_error *err);

#endif
