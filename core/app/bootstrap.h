/*
 * bootstrap.h - everything before the first AWS call, once for every
 * front-end: the wizard, each command (plan, apply, teardown) and doctor.
 *
 *   environment  the knobs a user may set, read here and nowhere else:
 *                AWS_CA_BUNDLE, EW_HTTP_TIMEOUT_MS, EW_NO_GITHUB_API,
 *                EW_TRACE (the test build's knobs are context.h's).
 *   transport    real HTTP, or the simulated account of --demo (with the
 *                test build's latency scale).
 *   credentials  the AWS CLI's session (profile, region, endpoints,
 *                credential chain), or the demo's fixed keys.
 *   clients      for any region, from either.
 *   GitHub       the repository's casing, numeric IDs and OIDC subject
 *                template (skipped for --demo and --no-github-api), with
 *                the notes the user should read.
 *   trace        the --trace/EW_TRACE file, opened safely.
 *
 * The order is the caller's: ew_bootstrap_init() (no I/O), then
 * ew_bootstrap_open() (the transport), then credentials and clients; the
 * wizard runs the later steps on its worker threads, the commands in
 * line.  Git detection stays with the front-ends, whose rules differ on
 * purpose (the wizard's demo shows the sample wherever it runs; a
 * command plans for the work tree it runs in).  docs/bootstrap.md tells
 * the whole story, the test build's knobs included.
 *
 * Memory: struct ew_bootstrap owns its transport, session and
 * credentials; ew_bootstrap_close() frees them.  The context is the
 * front-end's (it outlives the bootstrap); its transport member points at
 * the bootstrap's, so the bootstrap must outlive every client and engine
 * made from it.  The trace FILE is the caller's.
 */
#ifndef EW_BOOTSTRAP_H
#define EW_BOOTSTRAP_H

#include "aws_client.h"
#include "buf.h"
#include "context.h"
#include "credentials.h"
#include "error.h"
#include "github_api.h"
#include "model.h"
#include "session.h"

#include <stdbool.h>
#include <stdio.h>

/* The environment knobs, read once. */
struct ew_bootstrap_env {
	const char *ca_bundle;	/* AWS_CA_BUNDLE */
	long http_timeout_ms;	/* EW_HTTP_TIMEOUT_MS, 100..600000; 0 default */
	bool no_github_api;	/* EW_NO_GITHUB_API set and not "0" */
	const char *trace_file; /* EW_TRACE */
};

struct ew_bootstrap_options {
	bool demo;
	const char *demo_scenario; /* NULL: the happy path */
};

struct ew_bootstrap {
	struct ew_context *ctx; /* the front-end's */
	struct ew_bootstrap_env env;
	struct ew_transport *transport;
	bool demo;
	struct ew_session session;
	bool has_session;
	struct ew_credentials creds; /* what the clients sign with */
	bool has_creds;
};

/* ctx made the real one (clock, environment) and the knobs read; no
 * I/O.  ctx is the caller's and must outlive b. */
void ew_bootstrap_init(struct ew_bootstrap *b, struct ew_context *ctx);
/* Read the knobs through ctx (NULL: the process environment). */
void ew_bootstrap_read_env(struct ew_bootstrap_env *out,
			   const struct ew_context *ctx);

/* The transport: HTTP with the CA bundle and time-out of the
 * environment, or the demo's.  0 or the error. */
int ew_bootstrap_open(struct ew_bootstrap *b,
		      const struct ew_bootstrap_options *o,
		      struct ew_error *err);

/*
 * Credentials: the demo's, or the session of profile (NULL: the AWS CLI's
 * choice) and region (--region; NULL lets the profile decide, and
 * b->session.region then says what it decided).  b->has_creds tells
 * whether any were found, even when the result is an error (say, a
 * region the profile names badly).  0, EW_ENOCREDS or the error.
 */
int ew_bootstrap_credentials(struct ew_bootstrap *b, const char *profile,
			     const char *region, struct ew_error *err);
/* Forget what ew_bootstrap_credentials() found, to look again. */
void ew_bootstrap_forget_credentials(struct ew_bootstrap *b);

/* A client for region (NULL: the session's) with the credentials and the
 * session's endpoint overrides.  Release with ew_aws_client_release(). */
int ew_bootstrap_client(struct ew_bootstrap *b, const char *region,
			struct ew_aws_client *out, struct ew_error *err);

/*
 * What the GitHub API says about s's repository (casing, IDs, subject
 * template), set on s; the demo and no_api (--no-github-api or
 * EW_NO_GITHUB_API) ask nothing.  Appends the notes for the user to
 * notes, one per line (none when the lookup fails).  Then checks that a trust policy can be written
 * for the template: EW_EINVAL naming the claim when not.  0 or the
 * error.
 */
int ew_bootstrap_github(struct ew_bootstrap *b, struct ew_setup *s,
			bool ids_given, bool no_api, struct ew_buf *notes,
			struct ew_error *err);

/* The same lookups for the wizard's worker: the IDs of OWNER/REPO, then
 * (when they came) its subject template, whose own outcome lands in
 * *tmpl_rc, tmpl_notes and tmpl_err.  Returns the IDs' result. */
int ew_bootstrap_github_lookup(struct ew_bootstrap *b, const char *owner,
			       const char *repo, struct ew_github_ids *ids,
			       struct ew_github_sub_template *tmpl,
			       int *tmpl_rc, struct ew_buf *tmpl_notes,
			       struct ew_error *tmpl_err, struct ew_error *err);

/* The demo's sample repository and its IDs: true and the IDs when
 * OWNER/REPO is the sample (the demo asks no API, so others get none). */
bool ew_bootstrap_demo_ids(const char *owner, const char *repo,
			   const char **owner_id, const char **repo_id);

/* Open (create or truncate) a trace file: mode 0600 also when it exists,
 * never through a symbolic link, only a regular file.  0 or EW_EIO with
 * the reason. */
int ew_bootstrap_trace_open(FILE **out, const char *path, struct ew_error *err);

void ew_bootstrap_close(struct ew_bootstrap *b);

#endif
