/* cli_run.c - set-up and tear-down around the engine for the CLI commands. */
#include "cli_run.h"
#include "cli_secrets.h"

#include "demo_account.h"
#include "diff.h"
#include "documents.h"
#include "fsutil.h"
#include "git_detect.h"
#include "lazy_curl.h"
#include "github_api.h"
#include "http.h"
#include "oidc_subject.h"
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------- signals */

static struct {
	pthread_mutex_t lock;
	struct ew_engine *engine;
	volatile sig_atomic_t interrupted;
	bool protect; /* a local file is being written: finish it first */
	bool started;
} sig = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* A thread that waits for SIGINT/SIGTERM: the signals are blocked in
 * every other thread, so the handler-free path is safe to cancel from.
 * While an engine runs it is cancelled (the command then exits 130 after
 * it returns); otherwise nothing is in progress and we leave at once. */
static void *signal_thread(void *arg)
{
	sigset_t *set = arg;
	int signo;

	for (;;) {
		if (sigwait(set, &signo) != 0)
			continue;
		sig.interrupted = 1;
		pthread_mutex_lock(&sig.lock);
		if (sig.engine) {
			ew_engine_cancel(sig.engine);
			pthread_mutex_unlock(&sig.lock);
			continue;
		}
		if (sig.protect) {
			/* ew_cli_run_protect(false) exits once the file is
			 * complete: never leave half a file behind */
			pthread_mutex_unlock(&sig.lock);
			continue;
		}
		pthread_mutex_unlock(&sig.lock);
		fputs("\necr-wizard: interrupted\n", stderr);
		_exit(130);
	}
	return NULL;
}

static void signals_start(void)
{
	static sigset_t set;
	pthread_t tid;

	if (sig.started)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* a closed terminal or ssh session: the same as Ctrl-C, so a run
	 * that is cut off still reports what it did (as the wizard does) */
	sigaddset(&set, SIGHUP);
	/* Before any other thread exists, so they all inherit the mask. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&tid, NULL, signal_thread, &set) == 0) {
		pthread_detach(tid);
		sig.started = true;
	} else {
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
}

void ew_cli_run_engine(struct ew_engine *e)
{
	pthread_mutex_lock(&sig.lock);
	sig.engine = e;
	pthread_mutex_unlock(&sig.lock);
	if (e && sig.interrupted)
		ew_engine_cancel(e);
}

void ew_cli_run_protect(bool on)
{
	pthread_mutex_lock(&sig.lock);
	sig.protect = on;
	pthread_mutex_unlock(&sig.lock);
	if (!on && sig.interrupted) {
		fputs("\necr-wizard: interrupted\n", stderr);
		_exit(130);
	}
}

bool ew_cli_run_interrupted(void)
{
	return sig.interrupted != 0;
}

/* ------------------------------------------------------------ helpers */

void ew_cli_run_note(struct ew_cli_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes >= EW_CLI_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), fmt, ap);
	va_end(ap);
}

bool ew_cli_run_confirm(const char *question)
{
	char line[64];
	struct ew_engine *e;
	bool yes = false;

	/* Nothing is in progress while we wait for an answer: a Ctrl-C here
	 * ends the command at once instead of cancelling an idle engine
	 * (which would be noticed only once a line is typed). */
	pthread_mutex_lock(&sig.lock);
	e = sig.engine;
	sig.engine = NULL;
	pthread_mutex_unlock(&sig.lock);
	if (sig.interrupted) {
		fputs("\necr-wizard: interrupted\n", stderr);
		_exit(130);
	}
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin))
		yes = strcasecmp(line, "y\n") == 0 ||
		      strcasecmp(line, "yes\n") == 0;
	ew_cli_run_engine(e);
	return yes;
}

static bool is_credentials_error(const struct ew_error *err)
{
	static const char *const codes[] = {"InvalidClientTokenId",
					    "SignatureDoesNotMatch",
					    "ExpiredToken",
					    "ExpiredTokenException",
					    "UnrecognizedClientException",
					    "InvalidAccessKeyId",
					    "IncompleteSignature",
					    "MissingAuthenticationToken"};

	if (err->code == EW_ENOCREDS)
		return true;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (ew_error_is_aws(err, codes[i]))
			return true;
	return false;
}

int ew_cli_run_exit(int rc, const struct ew_engine *e)
{
	if (rc == 0)
		return 0;
	if (rc == EW_ECANCEL && ew_cli_run_interrupted())
		return 130;
	if (ew_engine_identity_failed(e) &&
	    is_credentials_error(&ew_engine_identity_step(e)->error))
		return 3;
	if (rc == EW_ENOCREDS)
		return 3;
	return 1;
}

static int usage_error(const char *command, const struct ew_error *err)
{
	fprintf(stderr, "ecr-wizard %s: %s\n", command, err->message);
	fprintf(stderr, "see 'ecr-wizard %s --help'\n", command);
	return 2;
}

int ew_cli_trace_open(FILE **out, const char *path, struct ew_error *err)
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

/* --trace[=FILE], else EW_TRACE=FILE.  Created 0600, and an existing
 * file is made 0600 too: it shows account ids and resource names, never a
 * secret.  A symbolic link is not followed (it could point the
 * truncation at any file the user can write), nor is anything but a
 * regular file truncated (a FIFO would block the open). */
static int open_trace(struct ew_cli_run *r, struct ew_error *err)
{
	const char *path = r->opt.trace_file;

	if (!path && !r->opt.trace)
		path = ew_context_getenv(&r->ctx, "EW_TRACE");
	if (!path && !r->opt.trace)
		return 0;
	if (!path) {
		r->trace = stderr;
		return 0;
	}
	if (ew_cli_trace_open(&r->trace, path, err))
		return err->code;
	r->trace_owned = true;
	return 0;
}

/* The workflow file belongs in the named repository's work tree, never
 * in another repository's or in a random directory: say where it would
 * have gone and why it is not written there. */
static void no_place(struct ew_cli_run *r, const char *workdir,
		     const char *owner, const char *repo)
{
	const struct ew_setup *s = &r->opt.setup;
	char cwd[400];

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	if (workdir && !owner)
		snprintf(r->wf_refused, sizeof(r->wf_refused),
			 "it would go to '%s/%s', in a work tree with no "
			 "GitHub remote: add one (git remote add origin "
			 "https://%s/%s/%s.git), or pass --no-workflow",
			 workdir, s->workflow_path,
			 s->github_host ? s->github_host : "github.com",
			 s->owner, s->repo);
	else if (workdir)
		snprintf(r->wf_refused, sizeof(r->wf_refused),
			 "it would go to '%s/%s', in the work tree of %s/%s, "
			 "not of %s/%s: run from a clone of %s/%s, or pass "
			 "--no-workflow",
			 workdir, s->workflow_path, owner, repo, s->owner,
			 s->repo, s->owner, s->repo);
	else
		snprintf(r->wf_refused, sizeof(r->wf_refused),
			 "'%s' is not in a git work tree; it would go to "
			 "'%s/%s': run from a clone of %s/%s, or pass "
			 "--no-workflow",
			 cwd, cwd, s->workflow_path, s->owner, s->repo);
}

/* OWNER/REPO from the working tree unless --github; the work tree is
 * where the workflow goes when it is that repository. */
static int detect_github(struct ew_cli_run *r, struct ew_error *err)
{
	struct ew_setup *s = &r->opt.setup;
	struct ew_git_info gi;
	int rc;

	rc = ew_git_detect(&gi, NULL, s->github_host, err);
	if (rc == 0 && gi.ref.owner[0]) {
		bool same = !r->opt.has_github ||
			    (strcasecmp(gi.ref.owner, s->owner) == 0 &&
			     strcasecmp(gi.ref.repo, s->repo) == 0);

		if (!r->opt.has_github) {
			rc = ew_setup_set_owner(s, gi.ref.owner, err);
			if (!rc)
				rc = ew_setup_set_repo(s, gi.ref.repo, err);
			if (rc)
				ew_error_prefix(err,
						"the git remote '%s' names an "
						"unusable repository",
						gi.remote_name ? gi.remote_name
							       : "origin");
		}
		if (!rc && same && gi.workdir)
			r->workdir = ew_strdup(gi.workdir);
		else if (!rc && gi.workdir)
			no_place(r, gi.workdir, gi.ref.owner, gi.ref.repo);
		if (!rc && !r->opt.has_branch && gi.default_branch)
			(void)ew_setup_set_default_branch(s, gi.default_branch,
							  NULL);
		ew_git_info_release(&gi);
		return rc;
	}
	if (r->opt.has_github) {
		/* a work tree without a GitHub remote may be any enclosing
		 * repository, no work tree has no place for it: refused,
		 * saying where it would go */
		no_place(r, gi.workdir, NULL, NULL);
		ew_git_info_release(&gi);
		ew_error_clear(err);
		return 0;
	}
	ew_git_info_release(&gi);
	return rc ? rc
		  : ew_error_set(err, EW_ENOTFOUND,
				 "no GitHub repository found here: use "
				 "--github OWNER/REPO");
}

/* What the GitHub API says (casing, IDs, subject template): best effort,
 * except a custom template that cannot be read or satisfied, which stops
 * the command before any AWS call (exit 2). */
static int github_ids(struct ew_cli_run *r, struct ew_error *err)
{
	struct ew_setup *s = &r->opt.setup;
	const char *off = ew_context_getenv(&r->ctx, "EW_NO_GITHUB_API");
	struct ew_buf notes;
	int rc = 0;

	ew_buf_init(&notes);
	if (r->opt.demo || r->opt.no_github_api || (off && strcmp(off, "0"))) {
		if (!r->opt.has_github_ids)
			ew_cli_run_note(r, "GitHub API not asked: the trust "
					   "policy uses the OWNER/REPO subject "
					   "form only; give --github-ids "
					   "OWNER_ID/REPO_ID to add the "
					   "immutable form");
	} else {
		rc = ew_oidc_subject_learn(s, &r->ctx, r->opt.has_github_ids,
					   &notes, err);
	}
	if (!rc)
		rc = ew_oidc_subject_notes(&notes, s);
	for (char *p = notes.ptr, *nl; !rc && p && *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			break;
		*nl = '\0';
		ew_cli_run_note(r, "%s", p);
	}
	/* A template the trust policy cannot follow: say so now. */
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
	/* doctor and teardown look at what exists: a template the wizard
	 * cannot write a policy for is a finding there, not a stop. */
	if (rc == EW_EINVAL && strcmp(r->command, "plan") != 0 &&
	    strcmp(r->command, "apply") != 0) {
		ew_cli_run_note(r, "%s", err->message);
		ew_setup_set_sub_claim_keys(s, NULL, 0, NULL);
		ew_error_clear(err);
		rc = 0;
	}
	ew_buf_release(&notes);
	return rc;
}

static int make_transport(struct ew_cli_run *r, struct ew_error *err)
{
	if (r->opt.demo) {
		struct ew_demo_options d;

		ew_demo_options_init(&d);
		d.scenario = r->opt.demo_scenario;
		r->transport = ew_demo_transport_new(&d, err);
	} else {
		struct ew_http_options h;

		const char *t =
		    ew_context_getenv(&r->ctx, "EW_HTTP_TIMEOUT_MS");

		ew_http_options_init(&h);
		h.ca_bundle = ew_context_getenv(&r->ctx, "AWS_CA_BUNDLE");
		/* The whole-exchange time-out (default 30 s): a knob for
		 * slow links, and for tests of an answer that never comes. */
		if (t) {
			char *end;
			long ms = strtol(t, &end, 10);

			if (end != t && !*end && ms >= 100 && ms <= 600000)
				h.timeout_ms = ms;
		}
		r->transport = ew_http_transport_new(&h, err);
	}
	if (!r->transport)
		return err->code ? err->code : EW_ERROR;
	r->ctx.transport = r->transport;
	return 0;
}

/* The cross-field rules (ew_setup_check) before any request.  The
 * account may legitimately be unknown until STS answers, so a shallow
 * copy with a stand-in account is checked: it only reads, nothing of it
 * is freed. */
static int precheck(const struct ew_setup *s, struct ew_error *err)
{
	struct ew_setup tmp = *s;
	char account[] = "000000000000";

	if (!tmp.account)
		tmp.account = account;
	return ew_setup_check(&tmp, err);
}

static int credentials(struct ew_cli_run *r, unsigned flags,
		       struct ew_error *err)
{
	struct ew_setup *s = &r->opt.setup;
	struct ew_aws_options ao;
	int rc;

	if (r->opt.demo) {
		struct ew_credentials c;

		rc = ew_demo_credentials(&c, err);
		if (!rc) {
			rc = ew_aws_client_init(&r->client, &r->ctx, &c,
						s->region, err);
			r->has_client = rc == 0;
		}
		ew_credentials_release(&c);
		if (!rc)
			ew_cli_run_note(r, "demo: a simulated account, "
					   "nothing is sent over the network");
		return rc;
	}
	memset(&ao, 0, sizeof(ao));
	ao.profile = r->opt.profile;
	ao.region = r->opt.has_region ? s->region : NULL;
	rc = ew_session_resolve(&r->session, &r->ctx, &ao, err);
	r->has_session = true;
	if (!r->opt.has_region && r->session.region) {
		struct ew_error rerr;

		if (ew_setup_set_region(s, r->session.region, &rerr) != 0) {
			*err = rerr;
			ew_error_prefix(err, "region from %s",
					r->session.region_origin
					    ? r->session.region_origin
					    : "the profile");
			return EW_EINVAL;
		}
	}
	if (r->opt.has_region && s->region) {
		/* every later setter clears the warning --region left (say
		 * --github after it): set it again to hear it */
		char reg[64];

		snprintf(reg, sizeof(reg), "%s", s->region);
		(void)ew_setup_set_region(s, reg, NULL);
	}
	if (s->warning[0])
		ew_cli_run_note(r, "%s", s->warning);
	if (rc == EW_ENOCREDS && (flags & EW_CLI_ALLOW_OFFLINE) &&
	    r->opt.has_account) {
		r->offline = true;
		ew_cli_run_note(r,
				"no AWS credentials: offline plan for "
				"account %s; nothing was read from AWS",
				s->account);
		ew_error_clear(err);
		return 0;
	}
	if (rc)
		return rc;
	rc = ew_session_client(&r->client, &r->session, s->region, err);
	r->has_client = rc == 0;
	return rc;
}

/* Loads libcurl (and everything it pulls in) on a second core while the
 * main thread reads git: both are on the path to the first request. */
static void *prefetch_curl(void *arg)
{
	(void)arg;
	(void)ew_lazy_curl_load(NULL);
	return NULL;
}

static void prefetch_start(void)
{
	pthread_t tid;

	if (pthread_create(&tid, NULL, prefetch_curl, NULL) == 0)
		pthread_detach(tid);
}

int ew_cli_run_start(struct ew_cli_run *r, const char *command, int argc,
		     char **argv, unsigned flags)
{
	struct ew_error err;
	int rc;

	memset(r, 0, sizeof(*r));
	r->command = command;
	ew_error_clear(&err);
	signals_start();
	ew_context_init_default(&r->ctx);
	if (ew_options_init(&r->opt) != 0) {
		fputs("ecr-wizard: out of memory\n", stderr);
		return 1;
	}
	rc = ew_options_parse(&r->opt, argc, argv, 0, &err);
	if (rc) {
		fprintf(stderr, "ecr-wizard %s: %s\n", command, err.message);
		if (strncmp(err.message, "unknown option", 14) == 0)
			ew_options_usage(stderr, command);
		else
			fprintf(stderr, "see 'ecr-wizard %s --help'\n",
				command);
		return 2;
	}
	if (r->opt.help) {
		ew_options_usage(stdout, command);
		return 0;
	}
	if (r->opt.version) {
		ew_options_print_version(stdout);
		return 0;
	}
	if (!(flags & EW_CLI_CONFIRMS) && (r->opt.yes || r->opt.force)) {
		/* plan and doctor change nothing: accepting these would
		 * suggest they do */
		fprintf(stderr,
			"ecr-wizard %s: %s is for apply and teardown; %s "
			"changes nothing\n",
			command, r->opt.yes ? "--yes" : "--force", command);
		return 2;
	}
	r->color = ew_options_use_color(&r->opt, getenv("NO_COLOR"), stdout);
	if ((flags & EW_CLI_CONFIRMS) && !r->opt.yes && !isatty(0)) {
		fprintf(stderr,
			"ecr-wizard %s: not a terminal, so no one can "
			"confirm: pass --yes to %s without asking\n",
			command, command);
		return 2;
	}
	if (!r->opt.demo)
		prefetch_start();
	rc = detect_github(r, &err);
	if (!rc)
		rc = precheck(&r->opt.setup, &err);
	if (rc)
		return usage_error(command, &err);
	/* No token for --set-secrets: refused before any request. */
	if ((rc = ew_cli_secrets_prepare(r)) >= 0)
		return rc;
	/* apply writes the workflow last: refuse before anything changes in
	 * AWS rather than leave the setup without it */
	if ((flags & EW_CLI_WRITES_WORKFLOW) && r->opt.setup.write_workflow &&
	    r->wf_refused[0]) {
		fprintf(stderr,
			"ecr-wizard %s: the workflow has no place: %s\n",
			command, r->wf_refused);
		return 2;
	}
	rc = open_trace(r, &err);
	if (rc)
		return usage_error(command, &err);
	r->ctx.trace = r->trace;
	rc = make_transport(r, &err);
	if (rc) {
		fprintf(stderr, "ecr-wizard %s: %s\n", command, err.message);
		return 1;
	}
	rc = github_ids(r, &err);
	if (rc)
		return usage_error(command, &err);
	rc = credentials(r, flags, &err);
	if (rc == EW_EINVAL || rc == EW_EPARSE || rc == EW_EIO)
		return usage_error(command, &err);
	if (rc) {
		fprintf(stderr, "ecr-wizard %s: %s\n", command, err.message);
		if (flags & EW_CLI_ALLOW_OFFLINE)
			fprintf(stderr,
				"(for a plan without credentials, give the "
				"account: --account 123456789012)\n");
		return 3;
	}
	return -1;
}

void ew_cli_run_finish(struct ew_cli_run *r)
{
	ew_cli_run_engine(NULL);
	if (r->has_client)
		ew_aws_client_release(&r->client);
	if (r->has_session)
		ew_session_release(&r->session);
	ew_transport_free(r->transport);
	if (r->trace_owned && r->trace)
		fclose(r->trace);
	free(r->workdir);
	ew_github_token_release(&r->gh_token);
	ew_options_release(&r->opt);
	memset(r, 0, sizeof(*r));
}

/* ----------------------------------------------------------- workflow */

#define WF_MAX (1024 * 1024)

static const char *wf_root(const struct ew_cli_run *r)
{
	return r->workdir ? r->workdir : ".";
}

int ew_cli_wf_check(struct ew_cli_run *r, struct ew_cli_wf *wf,
		    struct ew_error *err)
{
	const struct ew_setup *s = &r->opt.setup;
	struct ew_buf cur;
	int rc;

	memset(wf, 0, sizeof(*wf));
	ew_buf_init(&wf->content);
	ew_buf_init(&wf->diff);
	wf->status = "planned";
	if (r->wf_refused[0])
		return ew_error_set(err, EW_EINVAL, "not written here: %s",
				    r->wf_refused);
	rc = ew_doc_workflow(&wf->content, s, err);
	if (rc)
		return rc;
	ew_buf_init(&cur);
	rc = ew_file_read_in(&cur, wf_root(r), s->workflow_path, WF_MAX, err);
	if (rc == EW_ENOTFOUND) {
		ew_error_clear(err);
		rc = 0;
	} else if (rc == 0) {
		wf->exists = true;
		wf->mode = ew_file_mode_in(wf_root(r), s->workflow_path, 0644);
		wf->same = strcmp(cur.ptr, wf->content.ptr) == 0;
		if (wf->same)
			wf->status = "unchanged";
		else
			rc = ew_diff_unified(&wf->diff, cur.ptr,
					     wf->content.ptr, s->workflow_path,
					     "generated", NULL, err);
	}
	ew_buf_release(&cur);
	return rc;
}

int ew_cli_wf_write(struct ew_cli_run *r, struct ew_cli_wf *wf, bool force,
		    struct ew_error *err)
{
	const struct ew_setup *s = &r->opt.setup;
	int rc;

	if (wf->exists && wf->same) {
		wf->status = "unchanged";
		return 0;
	}
	if (wf->exists && !force) {
		wf->status = "kept";
		return 0;
	}
	/* --force replaces the content, not the owner's choice of mode */
	rc = ew_file_write_atomic(wf_root(r), s->workflow_path, wf->content.ptr,
				  wf->content.len,
				  wf->exists ? wf->mode & 07777 : 0644, err);
	if (rc) {
		wf->status = "failed";
		return rc;
	}
	wf->written = true;
	wf->status = wf->exists ? "updated" : "created";
	return 0;
}

void ew_cli_wf_release(struct ew_cli_wf *wf)
{
	ew_buf_release(&wf->content);
	ew_buf_release(&wf->diff);
}

/* The document a step of target i will write, or NULL. */
static const char *desired(const struct ew_engine *e, enum ew_step_kind k,
			   size_t i)
{
	for (size_t n = 0; n < e->nsteps; n++)
		if (e->steps[n].kind == k && e->steps[n].target == (int)i)
			return e->steps[n].desired_doc;
	return NULL;
}

int ew_cli_pipeline(struct ew_pipeline *out, struct ew_cli_run *r,
		    const struct ew_engine *e, const struct ew_cli_wf *wf,
		    struct ew_error *err)
{
	const struct ew_setup *s = &r->opt.setup;
	size_t n = ew_setup_target_count(s);
	struct ew_pipeline_target *t = calloc(n, sizeof(*t));
	struct ew_buf *docs = calloc(2 * n, sizeof(*docs));
	const char **pol = calloc(n, sizeof(*pol));
	struct ew_buf cur;
	struct ew_pipeline_input in;
	const char *text = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	ew_buf_init(&cur);
	if (!t || !docs || !pol) {
		rc = ew_error_set(err, EW_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < 2 * n; i++)
		ew_buf_init(&docs[i]);
	/* The workflow that will be in place after apply: the generated
	 * one, or the different file apply keeps without --force, or with
	 * --no-workflow whatever file is there. */
	if (wf && (!wf->exists || wf->same || r->opt.force)) {
		text = wf->content.ptr;
	} else {
		rc = ew_file_read_in(&cur, wf_root(r), s->workflow_path, WF_MAX,
				     err);
		if (rc == EW_ENOTFOUND) {
			ew_error_clear(err);
			rc = 0;
			goto done; /* no workflow: nothing to decide */
		}
		if (rc)
			goto done;
		text = cur.ptr;
	}
	/* What the steps will write (they may keep what exists), else the
	 * documents of the setup. */
	for (size_t i = 0; i < n && !rc; i++) {
		const struct ew_env_target *env = ew_setup_target_env(s, i);

		t[i].trust = desired(e, EW_STEP_ROLE, i);
		pol[i] = desired(e, EW_STEP_POLICY, i);
		if (!t[i].trust &&
		    (rc = ew_doc_trust_policy(&docs[2 * i], s, env, err)) == 0)
			t[i].trust = docs[2 * i].ptr;
		if (!rc && !pol[i] &&
		    (rc = ew_doc_permissions_policy(&docs[2 * i + 1], s, env,
						    err)) == 0)
			pol[i] = docs[2 * i + 1].ptr;
		t[i].policies = &pol[i];
		t[i].npolicies = 1;
	}
	if (rc || !text)
		goto done;
	memset(&in, 0, sizeof(in));
	in.setup = s;
	in.workflow_file = s->workflow_path;
	in.workflow = text;
	in.workflow_len = strlen(text);
	in.targets = t;
	rc = ew_pipeline_check(out, &in, err);
done:
	for (size_t i = 0; docs && i < 2 * n; i++)
		ew_buf_release(&docs[i]);
	free(docs);
	free(pol);
	free(t);
	ew_buf_release(&cur);
	return rc;
}
