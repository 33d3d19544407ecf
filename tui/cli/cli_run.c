/* cli_run.c - set-up and tear-down around the engine for the CLI commands. */
#include "cli_run.h"
#include "cli_secrets.h"
#include "commands.h"

#include "diff.h"
#include "documents.h"
#include "fsutil.h"
#include "git_detect.h"
#include "lazy_curl.h"
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
		_exit(EXIT_INTERRUPTED);
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
		_exit(EXIT_INTERRUPTED);
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
		_exit(EXIT_INTERRUPTED);
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
		return EXIT_DONE;
	if (rc == EW_ECANCEL && ew_cli_run_interrupted())
		return EXIT_INTERRUPTED;
	if (ew_engine_identity_failed(e) &&
	    is_credentials_error(&ew_engine_identity_step(e)->error))
		return EXIT_NOCREDS;
	if (rc == EW_ENOCREDS)
		return EXIT_NOCREDS;
	return EXIT_FAILED;
}

static int usage_error(const char *command, const struct ew_error *err)
{
	fprintf(stderr, "ecr-wizard %s: %s\n", command, err->message);
	fprintf(stderr, "see 'ecr-wizard %s --help'\n", command);
	return EXIT_USAGE;
}

/* --trace[=FILE], else EW_TRACE=FILE (opened as bootstrap.h says). */
static int open_trace(struct ew_cli_run *r, struct ew_error *err)
{
	const char *path = r->opt.trace_file;

	if (!path && !r->opt.trace)
		path = r->boot.env.trace_file;
	if (!path && !r->opt.trace)
		return 0;
	if (!path) {
		r->trace = stderr;
		return 0;
	}
	if (ew_bootstrap_trace_open(&r->trace, path, err))
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
	struct ew_buf notes;
	int rc;

	ew_buf_init(&notes);
	rc = ew_bootstrap_github(&r->boot, s, r->opt.has_github_ids,
				 r->opt.no_github_api, &notes, err);
	for (char *p = notes.ptr, *nl; p && *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			break;
		*nl = '\0';
		ew_cli_run_note(r, "%s", p);
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
	struct ew_bootstrap_options o = {.demo = r->opt.demo,
					 .demo_scenario = r->opt.demo_scenario};

	return ew_bootstrap_open(&r->boot, &o, err);
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
	const struct ew_session *se = &r->boot.session;
	int rc;

	rc =
	    ew_bootstrap_credentials(&r->boot, r->opt.profile,
				     r->opt.has_region ? s->region : NULL, err);
	if (r->opt.demo) {
		if (!rc) {
			rc = ew_bootstrap_client(&r->boot, s->region,
						 &r->client, err);
			r->has_client = rc == 0;
		}
		if (!rc)
			ew_cli_run_note(r, "demo: a simulated account, "
					   "nothing is sent over the network");
		return rc;
	}
	if (!r->opt.has_region && se->region) {
		struct ew_error rerr;

		if (ew_setup_set_region(s, se->region, &rerr) != 0) {
			*err = rerr;
			ew_error_prefix(err, "region from %s",
					se->region_origin ? se->region_origin
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
	rc = ew_bootstrap_client(&r->boot, s->region, &r->client, err);
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
	ew_bootstrap_init(&r->boot, &r->ctx);
	if (ew_options_init(&r->opt) != 0) {
		fputs("ecr-wizard: out of memory\n", stderr);
		return EXIT_FAILED;
	}
	rc = ew_options_parse(&r->opt, argc, argv, 0, &err);
	if (rc) {
		fprintf(stderr, "ecr-wizard %s: %s\n", command, err.message);
		if (strncmp(err.message, "unknown option", 14) == 0)
			ew_options_usage(stderr, command);
		else
			fprintf(stderr, "see 'ecr-wizard %s --help'\n",
				command);
		return EXIT_USAGE;
	}
	if (r->opt.help) {
		ew_options_usage(stdout, command);
		return EXIT_DONE;
	}
	if (r->opt.version) {
		ew_options_print_version(stdout);
		return EXIT_DONE;
	}
	if (!(flags & EW_CLI_CONFIRMS) && (r->opt.yes || r->opt.force)) {
		/* plan and doctor change nothing: accepting these would
		 * suggest they do */
		fprintf(stderr,
			"ecr-wizard %s: %s is for apply and teardown; %s "
			"changes nothing\n",
			command, r->opt.yes ? "--yes" : "--force", command);
		return EXIT_USAGE;
	}
	r->color = ew_options_use_color(&r->opt, getenv("NO_COLOR"), stdout);
	if ((flags & EW_CLI_CONFIRMS) && !r->opt.yes && !isatty(0)) {
		fprintf(stderr,
			"ecr-wizard %s: not a terminal, so no one can "
			"confirm: pass --yes to %s without asking\n",
			command, command);
		return EXIT_USAGE;
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
		return EXIT_USAGE;
	}
	rc = open_trace(r, &err);
	if (rc)
		return usage_error(command, &err);
	r->ctx.trace = r->trace;
	rc = make_transport(r, &err);
	if (rc) {
		fprintf(stderr, "ecr-wizard %s: %s\n", command, err.message);
		return EXIT_FAILED;
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
		return EXIT_NOCREDS;
	}
	return -1;
}

void ew_cli_run_finish(struct ew_cli_run *r)
{
	ew_cli_run_engine(NULL);
	if (r->has_client)
		ew_aws_client_release(&r->client);
	ew_bootstrap_close(&r->boot);
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
		rc = ew_error_oom(err);
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
