/* bootstrap.c - transport, credentials, clients and GitHub IDs, once for
 * every front-end (bootstrap.h). */
#include "bootstrap.h"

#include "demo_account.h"
#include "documents.h"
#include "http.h"
#include "oidc_subject.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ew_bootstrap_read_env(struct ew_bootstrap_env *out,
			   const struct ew_context *ctx)
{
	const char *t = ew_context_getenv(ctx, "EW_HTTP_TIMEOUT_MS");
	const char *off = ew_context_getenv(ctx, "EW_NO_GITHUB_API");

	memset(out, 0, sizeof(*out));
	out->ca_bundle = ew_context_getenv(ctx, "AWS_CA_BUNDLE");
	/* The whole-exchange time-out (default 30 s): a knob for slow
	 * links, and for tests of an answer that never comes.  Anything
	 * but a number of milliseconds from 100 to 600000 is ignored. */
	if (t) {
		char *end;
		long ms = strtol(t, &end, 10);

		if (end != t && !*end && ms >= 100 && ms <= 600000)
			out->http_timeout_ms = ms;
	}
	out->no_github_api = off && strcmp(off, "0") != 0;
	out->trace_file = ew_context_getenv(ctx, "EW_TRACE");
}

void ew_bootstrap_init(struct ew_bootstrap *b, struct ew_context *ctx)
{
	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
	ew_context_init_default(ctx);
	ew_credentials_init(&b->creds);
	ew_bootstrap_read_env(&b->env, ctx);
}

int ew_bootstrap_open(struct ew_bootstrap *b,
		      const struct ew_bootstrap_options *o,
		      struct ew_error *err)
{
	b->demo = o->demo;
	if (o->demo) {
		struct ew_demo_options d;
		const struct ew_test_knobs *k = ew_context_test_knobs();

		ew_demo_options_init(&d);
		d.scenario = o->demo_scenario;
		if (k->scale_demo)
			d.latency_scale = k->demo_latency;
		b->transport = ew_demo_transport_new(&d, err);
	} else {
		struct ew_http_options h;

		ew_http_options_init(&h);
		h.ca_bundle = b->env.ca_bundle;
		if (b->env.http_timeout_ms)
			h.timeout_ms = b->env.http_timeout_ms;
		b->transport = ew_http_transport_new(&h, err);
	}
	b->ctx->transport = b->transport;
	if (!b->transport)
		return err->code ? err->code : EW_ERROR;
	return 0;
}

void ew_bootstrap_forget_credentials(struct ew_bootstrap *b)
{
	if (b->has_session) {
		ew_session_release(&b->session);
		b->has_session = false;
	}
	ew_credentials_release(&b->creds);
	ew_credentials_init(&b->creds);
	b->has_creds = false;
}

int ew_bootstrap_credentials(struct ew_bootstrap *b, const char *profile,
			     const char *region, struct ew_error *err)
{
	struct ew_aws_options ao;
	int rc;

	ew_bootstrap_forget_credentials(b);
	if (b->demo) {
		rc = ew_demo_credentials(&b->creds, err);
		b->has_creds = rc == 0;
		return rc;
	}
	memset(&ao, 0, sizeof(ao));
	ao.profile = profile;
	ao.region = region;
	rc = ew_session_resolve(&b->session, b->ctx, &ao, err);
	b->has_session = true;
	if (ew_credentials_is_set(&b->session.creds)) {
		int crc = ew_credentials_copy(&b->creds, &b->session.creds);

		if (crc)
			return ew_error_set(err, crc, "out of memory");
		b->has_creds = true;
	}
	return rc;
}

int ew_bootstrap_client(struct ew_bootstrap *b, const char *region,
			struct ew_aws_client *out, struct ew_error *err)
{
	if (b->has_session)
		return ew_session_client(out, &b->session, region, err);
	/* --demo: the simulated account's keys, no session. */
	return ew_aws_client_init(out, b->ctx, &b->creds,
				  region ? region : EW_DEMO_REGION, err);
}

int ew_bootstrap_github(struct ew_bootstrap *b, struct ew_setup *s,
			bool ids_given, bool no_api, struct ew_buf *notes,
			struct ew_error *err)
{
	int rc = 0;

	if (b->demo || no_api || b->env.no_github_api) {
		if (!ids_given)
			rc = ew_buf_puts(notes,
					 "GitHub API not asked: the trust "
					 "policy uses the OWNER/REPO subject "
					 "form only; give --github-ids "
					 "OWNER_ID/REPO_ID to add the "
					 "immutable form\n");
		if (rc)
			return ew_error_oom(err);
	} else {
		rc = ew_oidc_subject_learn(s, b->ctx, ids_given, notes, err);
	}
	if (!rc)
		rc = ew_oidc_subject_notes(notes, s);
	/* The notes hold for a setup that goes on; a failure is its own
	 * message. */
	if (rc)
		ew_buf_clear(notes);
	/* A template the trust policy cannot follow: say so now, before
	 * any AWS call. */
	if (!rc) {
		struct ew_setup tmp = *s;
		char account[] = "000000000000";
		struct ew_buf doc;

		ew_buf_init(&doc);
		if (!tmp.account)
			tmp.account = account;
		for (size_t i = 0; i < ew_setup_target_count(s) && !rc; i++)
			rc = ew_doc_trust_policy(
			    &doc, &tmp, ew_setup_target_env(s, i), err);
		ew_buf_release(&doc);
	}
	return rc;
}

int ew_bootstrap_github_lookup(struct ew_bootstrap *b, const char *owner,
			       const char *repo, struct ew_github_ids *ids,
			       struct ew_github_sub_template *tmpl,
			       int *tmpl_rc, struct ew_buf *tmpl_notes,
			       struct ew_error *tmpl_err, struct ew_error *err)
{
	int rc = ew_github_repo_ids(ids, b->ctx, owner, repo, err);

	ew_github_sub_template_release(tmpl);
	ew_buf_clear(tmpl_notes);
	ew_error_clear(tmpl_err);
	tmpl->use_default = true;
	*tmpl_rc = 0;
	if (rc == 0)
		*tmpl_rc = ew_oidc_subject_template(
		    tmpl, b->ctx, ids->owner_login, ids->repo_name, tmpl_notes,
		    tmpl_err);
	return rc;
}

bool ew_bootstrap_demo_ids(const char *owner, const char *repo,
			   const char **owner_id, const char **repo_id)
{
	if (!owner || !repo || strcmp(owner, EW_DEMO_OWNER) != 0 ||
	    strcmp(repo, EW_DEMO_REPO) != 0)
		return false;
	*owner_id = EW_DEMO_OWNER_ID;
	*repo_id = EW_DEMO_REPO_ID;
	return true;
}

/* Created 0600, and an existing file is made 0600 too: it shows account
 * ids and resource names, never a secret.  A symbolic link is not
 * followed (it could point the truncation at any file the user can
 * write), nor is anything but a regular file truncated (a FIFO would
 * block the open). */
int ew_bootstrap_trace_open(FILE **out, const char *path, struct ew_error *err)
{
	struct stat st;
	int fd;

	*out = NULL;
	fd =
	    open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		 0600);
	if (fd < 0)
		return ew_error_set(err, EW_EIO,
				    errno == ELOOP
					? "trace file '%s' is a symbolic "
					  "link; not following it (name the "
					  "file itself)"
					: "cannot open trace file '%s': %s",
				    path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ew_error_set(
		    err, EW_EIO, "trace file '%s' is not a regular file", path);
	}
	if (fchmod(fd, 0600) != 0 || ftruncate(fd, 0) != 0 ||
	    !(*out = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		return ew_error_set(err, EW_EIO,
				    "cannot open trace file '%s': %s", path,
				    strerror(e));
	}
	return 0;
}

void ew_bootstrap_close(struct ew_bootstrap *b)
{
	ew_bootstrap_forget_credentials(b);
	if (b->ctx && b->ctx->transport == b->transport)
		b->ctx->transport = NULL;
	ew_transport_free(b->transport);
	memset(b, 0, sizeof(*b));
}
