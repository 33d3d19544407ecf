/*
 * Integration tests: repository IDs and the OIDC sub template through the
 * real libcurl transport against tests/tools/github_stub.py on 127.0.0.1,
 * and the trust subjects the setup gets from them (GitHub's casing, the
 * IDs, the repository's or organization's subject template).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "policy_eval.h"
#include "documents.h"
#include "github_api.h"
#include "http.h"
#include "model.h"
#include "oidc_subject.h"

/* Must match github_stub.py. */
#define GOOD_TOKEN "stub-good-token-0123456789"
#define BAD_TOKEN  "stub-bad-token-9876543210"

/* What the context's getenv sees: only these names. */
struct fake_env {
	const char *api_url;
	const char *gh_token;
	const char *github_token;
};

static pid_t stub_pid;
static char stub_url[64];
static struct ew_transport *transport;
static FILE *trace;

static const char *fake_getenv(const char *name, void *payload)
{
	const struct fake_env *e = payload;

	if (!strcmp(name, "GITHUB_API_URL"))
		return e->api_url;
	if (!strcmp(name, "GH_TOKEN"))
		return e->gh_token;
	if (!strcmp(name, "GITHUB_TOKEN"))
		return e->github_token;
	return NULL;
}

static void make_ctx(struct ew_context *ctx, struct fake_env *env)
{
	ew_context_init_default(ctx);
	ctx->transport = transport;
	ctx->getenv = fake_getenv;
	ctx->payload = env;
	if (!env->api_url)
		env->api_url = stub_url;
}

static void no_secret(const struct ew_error *err)
{
	assert_null(strstr(err->message, GOOD_TOKEN));
	assert_null(strstr(err->message, BAD_TOKEN));
}

static void expect_fragment(const struct ew_error *err, const char *frag)
{
	if (!strstr(err->message, frag))
		fail_msg("'%s' lacks '%s'", err->message, frag);
	no_secret(err);
}

static void test_public_repo(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_ids ids;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	if (ew_github_repo_ids(&ids, &ctx, "octo-org", "public-repo", &err))
		fail_msg("%s", err.message);
	assert_int_equal(ids.status, EW_GITHUB_OK);
	assert_int_equal(ids.owner_id, 123456);
	assert_int_equal(ids.repo_id, 456789);
	assert_string_equal(ids.owner_login, "octo-org");
	assert_string_equal(ids.repo_name, "public-repo");
	assert_string_equal(ids.default_branch, "main");
	assert_false(ids.is_private);
	assert_false(ids.was_moved);

	/* a trailing slash on GITHUB_API_URL is fine */
	char url[80];
	snprintf(url, sizeof(url), "%s/", stub_url);
	env.api_url = url;
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "public-repo", &err), 0);
	assert_int_equal(ids.repo_id, 456789);
}

static void test_private_repo_and_tokens(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_ids ids;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "private-repo", &err),
	    EW_ENOTFOUND);
	assert_int_equal(ids.status, EW_GITHUB_NOT_FOUND);
	assert_int_equal(err.http_status, 404);
	expect_fragment(&err, "is private (set GH_TOKEN or GITHUB_TOKEN");
	assert_int_equal(ids.repo_id, 0);

	env.gh_token = GOOD_TOKEN;
	ew_error_clear(&err);
	if (ew_github_repo_ids(&ids, &ctx, "octo-org", "private-repo", &err))
		fail_msg("%s", err.message);
	assert_true(ids.is_private);
	assert_int_equal(ids.repo_id, 456790);
	assert_string_equal(ids.default_branch, "trunk");

	/* GITHUB_TOKEN when GH_TOKEN is unset */
	env.gh_token = NULL;
	env.github_token = GOOD_TOKEN;
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "private-repo", &err),
	    0);

	/* GH_TOKEN wins, and a bad one is named, never shown */
	env.gh_token = BAD_TOKEN;
	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "private-repo", &err),
	    EW_EAWS);
	assert_int_equal(ids.status, EW_GITHUB_BAD_TOKEN);
	assert_int_equal(err.http_status, 401);
	expect_fragment(&err, "github rejected the token in GH_TOKEN");
	expect_fragment(&err, "Bad credentials");

	/* with a good token, a 404 means missing or not readable */
	env.gh_token = GOOD_TOKEN;
	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "no-such-repo", &err),
	    EW_ENOTFOUND);
	expect_fragment(&err, "the token in GH_TOKEN cannot read it");
}

static void test_rate_limit_and_server_error(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_ids ids;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "limited", &err),
	    EW_EAWS);
	assert_int_equal(ids.status, EW_GITHUB_RATE_LIMITED);
	assert_int_equal(err.http_status, 403);
	expect_fragment(&err, "rate limit exceeded (403) (retry after 42 s)");
	expect_fragment(&err, "set GH_TOKEN or GITHUB_TOKEN");

	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "broken", &err),
	    EW_EAWS);
	assert_int_equal(ids.status, EW_GITHUB_SERVER_ERROR);
	expect_fragment(&err, "answered 500");
}

static void test_moved_repo(void **state)
{
	struct fake_env env = {.gh_token = GOOD_TOKEN};
	struct ew_context ctx;
	struct ew_github_ids ids;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	if (ew_github_repo_ids(&ids, &ctx, "octo-org", "old-name", &err))
		fail_msg("%s", err.message);
	assert_true(ids.was_moved);
	assert_string_equal(ids.repo_name, "public-repo");
	assert_int_equal(ids.repo_id, 456789);

	/* never follow a redirect away from the API URL (with the token) */
	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "elsewhere", &err),
	    EW_EAWS);
	assert_int_equal(ids.status, EW_GITHUB_MOVED);
	expect_fragment(&err, "renamed or transferred");
}

static void test_bad_answers(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_ids ids;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "not-json", &err),
	    EW_EPARSE);
	assert_int_equal(ids.status, EW_GITHUB_BAD_RESPONSE);
	expect_fragment(&err, "not JSON");
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "no-ids", &err),
	    EW_EPARSE);
	assert_int_equal(ids.repo_id, 0);
}

static void test_unreachable_and_timeout(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_ids ids;
	struct ew_error err;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	char url[64];
	int fd;
	time_t start;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	start = time(NULL);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "hang", &err), EW_ENET);
	assert_true(time(NULL) - start < 10); /* the short time-out */
	assert_int_equal(ids.status, EW_GITHUB_UNREACHABLE);
	expect_fragment(&err,
			"cannot reach the github api for 'octo-org/hang'");

	/* a port nobody listens on */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
	env.api_url = url;
	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "public-repo", &err),
	    EW_ENET);
	assert_int_equal(ids.status, EW_GITHUB_UNREACHABLE);
}

static void test_invalid_input(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_ids ids;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org/x", "repo", &err),
	    EW_EINVAL);
	assert_int_equal(ids.status, EW_GITHUB_NOT_ASKED);
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "re po", &err),
	    EW_EINVAL);
	env.api_url = "ftp://example.com";
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "public-repo", &err),
	    EW_EINVAL);
	expect_fragment(&err, "GITHUB_API_URL");
	ctx.transport = NULL;
	assert_int_equal(
	    ew_github_repo_ids(&ids, &ctx, "octo-org", "public-repo", &err),
	    EW_EINVAL);
}

static void test_sub_template(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_sub_template t;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	if (ew_github_sub_template(&t, &ctx, "octo-org", "public-repo", &err))
		fail_msg("%s", err.message);
	assert_true(t.use_default);
	assert_false(ew_github_sub_template_is_custom(&t));
	assert_int_equal(t.nkeys, 0);
	ew_github_sub_template_release(&t);

	assert_int_equal(
	    ew_github_sub_template(&t, &ctx, "octo-org", "custom-repo", &err),
	    0);
	assert_true(ew_github_sub_template_is_custom(&t));
	assert_int_equal(t.nkeys, 3);
	assert_string_equal(t.keys[0], "repo");
	assert_string_equal(t.keys[1], "context");
	assert_string_equal(t.keys[2], "job_workflow_ref");
	ew_github_sub_template_release(&t);

	/* use_default false without keys: the organization's template */
	assert_int_equal(
	    ew_github_sub_template(&t, &ctx, "octo-org", "org-template", &err),
	    0);
	assert_true(ew_github_sub_template_is_custom(&t));
	assert_int_equal(t.nkeys, 0);
	ew_github_sub_template_release(&t);

	ew_error_clear(&err);
	assert_int_equal(
	    ew_github_sub_template(&t, &ctx, "octo-org", "private-repo", &err),
	    EW_ENOTFOUND);
	assert_int_equal(t.status, EW_GITHUB_NOT_FOUND);
	assert_false(ew_github_sub_template_is_custom(&t));
	expect_fragment(&err, "cannot read the oidc subject template: github "
			      "repository 'octo-org/private-repo' not found");
	ew_github_sub_template_release(&t);

	env.gh_token = GOOD_TOKEN;
	assert_int_equal(
	    ew_github_sub_template(&t, &ctx, "octo-org", "private-repo", &err),
	    0);
	assert_true(t.use_default);
	ew_github_sub_template_release(&t);
}

/* GitHub answers for any casing and names the repository in full_name. */
static void test_full_name_casing(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_ids ids;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	if (ew_github_repo_ids(&ids, &ctx, "OCTO-ORG", "Widgets", &err))
		fail_msg("%s", err.message);
	assert_string_equal(ids.owner_login, "octo-org");
	assert_string_equal(ids.repo_name, "widgets");
	assert_string_equal(ids.visibility, "public");
}

static void test_org_template(void **state)
{
	struct fake_env env = {0};
	struct ew_context ctx;
	struct ew_github_sub_template t;
	struct ew_error err;

	(void)state;
	make_ctx(&ctx, &env);
	ew_error_clear(&err);
	if (ew_github_org_sub_template(&t, &ctx, "octo-org", &err))
		fail_msg("%s", err.message);
	assert_false(t.use_default);
	assert_int_equal(t.nkeys, 3);
	assert_string_equal(t.keys[2], "event_name");
	ew_github_sub_template_release(&t);
	/* a user account has no organization template: the default */
	assert_int_equal(
	    ew_github_org_sub_template(&t, &ctx, "lone-user", &err), 0);
	assert_true(t.use_default);
	ew_github_sub_template_release(&t);
	assert_int_equal(
	    ew_github_org_sub_template(&t, &ctx, "locked-org", &err), EW_EAWS);
	expect_fragment(&err, "read:org");
	ew_github_sub_template_release(&t);
}

static int add_subject(const char *subject, bool is_pattern, void *payload)
{
	struct ew_buf *b = payload;

	(void)is_pattern;
	return ew_buf_printf(b, "%s\n", subject);
}

/* What the setup learns from the API for github (OWNER/REPO), and its
 * trust subjects, one per line, in subjects; the notes in notes.  Returns
 * ew_oidc_subject_learn's code. */
static int learn(struct ew_setup *s, const char *github, const char *ids,
		 const char *api_url, struct ew_buf *subjects,
		 struct ew_buf *notes, struct ew_error *err)
{
	struct fake_env env = {.api_url = api_url};
	struct ew_context ctx;
	int rc;

	make_ctx(&ctx, &env);
	ew_error_clear(err);
	assert_int_equal(ew_setup_init(s), 0);
	assert_int_equal(ew_setup_set_github(s, github, err), 0);
	assert_int_equal(ew_setup_set_account(s, "123456789012", err), 0);
	if (ids)
		assert_int_equal(ew_setup_set_github_ids(s, ids, err), 0);
	ew_buf_init(subjects);
	ew_buf_init(notes);
	rc = ew_oidc_subject_learn(s, &ctx, ids != NULL, notes, err);
	if (rc == 0)
		rc = ew_doc_trust_subjects(s, NULL, add_subject, subjects, err);
	if (!subjects->ptr)
		ew_buf_puts(subjects, "");
	if (!notes->ptr)
		ew_buf_puts(notes, "");
	return rc;
}

static void expect_text(const struct ew_buf *b, const char *frag)
{
	if (!strstr(b->ptr, frag))
		fail_msg("'%s' lacks '%s'", b->ptr, frag);
}

/* The remote's casing differs from GitHub's: the subjects use GitHub's,
 * a note says so, the ECR repository name stays lower case. */
static void test_learn_casing(void **state)
{
	struct ew_setup s;
	struct ew_buf subj, notes;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    learn(&s, "OCTO-ORG/Widgets", NULL, NULL, &subj, &notes, &err), 0);
	assert_string_equal(subj.ptr,
			    "repo:octo-org/widgets:*\n"
			    "repo:octo-org@123456/widgets@456790:*\n");
	expect_text(&notes, "GitHub spells the repository octo-org/widgets, "
			    "not OCTO-ORG/Widgets");
	assert_string_equal(s.repo_name, "widgets");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);
}

/* The repository's custom template: subjects in it, and the token GitHub
 * documents for it admitted by the trust policy built from them, another
 * repository's refused. */
static void test_learn_custom_template(void **state)
{
	struct ew_setup s;
	struct ew_buf subj, notes, trust;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    learn(&s, "octo-org/custom-repo", NULL, NULL, &subj, &notes, &err),
	    0);
	assert_string_equal(
	    subj.ptr,
	    "repo:octo-org/custom-repo:*:job_workflow_ref:octo-org/custom-repo/"
	    ".github/workflows/ecr-push.yml@*\n"
	    "repo:octo-org@123456/custom-repo@456801:*:job_workflow_ref:"
	    "octo-org/custom-repo/.github/workflows/ecr-push.yml@*\n");
	ew_buf_init(&trust);
	assert_int_equal(ew_oidc_subject_notes(&trust, &s), 0);
	expect_text(&trust, "include_claim_keys: repo, context, "
			    "job_workflow_ref");
	ew_buf_clear(&trust);
	if (ew_doc_trust_policy(&trust, &s, NULL, &err))
		fail_msg("%s", err.message);
	assert_true(ew_policy_trust_admits(
	    trust.ptr,
	    "arn:aws:iam::123456789012:oidc-provider/"
	    "token.actions.githubusercontent.com",
	    "token.actions.githubusercontent.com",
	    "repo:octo-org/custom-repo:environment:prod:job_workflow_ref:"
	    "octo-org/custom-repo/.github/workflows/ecr-push.yml@refs/heads/"
	    "main",
	    "sts.amazonaws.com", false));
	assert_false(ew_policy_trust_admits(
	    trust.ptr,
	    "arn:aws:iam::123456789012:oidc-provider/"
	    "token.actions.githubusercontent.com",
	    "token.actions.githubusercontent.com",
	    "repo:octo-org/public-repo:environment:prod:job_workflow_ref:"
	    "octo-org/custom-repo/.github/workflows/ecr-push.yml@refs/heads/"
	    "main",
	    "sts.amazonaws.com", false));
	ew_buf_release(&trust);
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);
}

/* use_default false without keys: the organization's template; for a user
 * (no organization template) GitHub's default; an organization template
 * the token cannot read stops with the way out. */
static void test_learn_org_template(void **state)
{
	struct ew_setup s;
	struct ew_buf subj, notes;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    learn(&s, "octo-org/org-template", NULL, NULL, &subj, &notes, &err),
	    0);
	expect_text(&subj, "repo:octo-org/org-template:*:event_name:*\n");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);

	assert_int_equal(
	    learn(&s, "lone-user/thing", NULL, NULL, &subj, &notes, &err), 0);
	assert_string_equal(subj.ptr, "repo:lone-user/thing:*\n"
				      "repo:lone-user@654321/thing@456790:*\n");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);

	assert_int_equal(
	    learn(&s, "locked-org/app", NULL, NULL, &subj, &notes, &err),
	    EW_EINVAL);
	expect_fragment(&err, "uses its organization's OIDC subject template");
	expect_fragment(&err, "read:org");
	expect_fragment(&err, "use_default=true");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);
}

/* 404 is "no customisation"; a 5xx leaves the default with a note. */
static void test_learn_template_failures(void **state)
{
	struct ew_setup s;
	struct ew_buf subj, notes;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    learn(&s, "octo-org/tmpl-404", NULL, NULL, &subj, &notes, &err), 0);
	assert_string_equal(subj.ptr,
			    "repo:octo-org/tmpl-404:*\n"
			    "repo:octo-org@123456/tmpl-404@456807:*\n");
	assert_null(strstr(notes.ptr, "template"));
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);

	assert_int_equal(
	    learn(&s, "octo-org/tmpl-500", NULL, NULL, &subj, &notes, &err), 0);
	assert_string_equal(subj.ptr,
			    "repo:octo-org/tmpl-500:*\n"
			    "repo:octo-org@123456/tmpl-500@456808:*\n");
	expect_text(&notes, "answered 500");
	expect_text(&notes, "assumes GitHub's default subject");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);

	/* a template the wizard cannot satisfy: no subjects, a reason */
	assert_int_equal(
	    learn(&s, "octo-org/actor-first", NULL, NULL, &subj, &notes, &err),
	    EW_EINVAL);
	expect_fragment(&err, "'actor'");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);
}

/* The API unreachable: with --github-ids the immutable form is there, and
 * the note says where the IDs came from; without, the note names the
 * flag. */
static void test_learn_ids_by_hand(void **state)
{
	struct ew_setup s;
	struct ew_buf subj, notes;
	struct ew_error err;

	(void)state;
	assert_int_equal(learn(&s, "octo-org/app", "111/222",
			       "http://127.0.0.1:9", &subj, &notes, &err),
			 0);
	assert_string_equal(subj.ptr, "repo:octo-org/app:*\n"
				      "repo:octo-org@111/app@222:*\n");
	expect_text(&notes, "using the IDs given with --github-ids");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);

	assert_int_equal(learn(&s, "octo-org/app", NULL, "http://127.0.0.1:9",
			       &subj, &notes, &err),
			 0);
	assert_string_equal(subj.ptr, "repo:octo-org/app:*\n");
	expect_text(&notes, "--github-ids OWNER_ID/REPO_ID");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);

	/* the API answers: the given IDs still win, a note shows both */
	assert_int_equal(learn(&s, "octo-org/public-repo", "111/222", NULL,
			       &subj, &notes, &err),
			 0);
	expect_text(&subj, "repo:octo-org@111/public-repo@222:*\n");
	expect_text(&notes, "123456/456789");
	ew_buf_release(&subj);
	ew_buf_release(&notes);
	ew_setup_release(&s);
}

/* The trace the transport wrote must not hold the token either. */
static void test_trace_has_no_token(void **state)
{
	char line[4096];
	int lines = 0;

	(void)state;
	fflush(trace);
	rewind(trace);
	while (fgets(line, sizeof(line), trace)) {
		lines++;
		assert_null(strstr(line, GOOD_TOKEN));
		assert_null(strstr(line, BAD_TOKEN));
	}
	assert_true(lines > 0);
}

static int start_stub(void **state)
{
	const char *top = getenv("EW_TOP");
	struct ew_http_options opt;
	struct ew_error err;
	char script[4096], port[16] = "";
	int fds[2];
	FILE *in;

	(void)state;
	/* a proxy from the environment must not catch 127.0.0.1 */
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	snprintf(script, sizeof(script), "%s/tests/tools/github_stub.py",
		 top && *top ? top : ".");
	if (pipe(fds) < 0)
		return -1;
	stub_pid = fork();
	if (stub_pid < 0)
		return -1;
	if (stub_pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	if (!in || !fgets(port, sizeof(port), in) ||
	    strtol(port, NULL, 10) <= 0) {
		fprintf(stderr, "cannot start '%s'\n", script);
		return -1;
	}
	fclose(in);
	port[strcspn(port, "\n")] = '\0';
	snprintf(stub_url, sizeof(stub_url), "http://127.0.0.1:%s", port);
	printf("# github stub at %s\n", stub_url);

	trace = tmpfile();
	ew_http_options_init(&opt);
	opt.short_timeout_ms = 1500;
	opt.trace = trace;
	ew_error_clear(&err);
	transport = ew_http_transport_new(&opt, &err);
	if (!transport) {
		fprintf(stderr, "no transport: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int stop_stub(void **state)
{
	(void)state;
	ew_transport_free(transport);
	if (stub_pid > 0) {
		kill(stub_pid, SIGTERM);
		waitpid(stub_pid, NULL, 0);
	}
	if (trace)
		fclose(trace);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_public_repo),
	    cmocka_unit_test(test_private_repo_and_tokens),
	    cmocka_unit_test(test_rate_limit_and_server_error),
	    cmocka_unit_test(test_moved_repo),
	    cmocka_unit_test(test_bad_answers),
	    cmocka_unit_test(test_unreachable_and_timeout),
	    cmocka_unit_test(test_invalid_input),
	    cmocka_unit_test(test_sub_template),
	    cmocka_unit_test(test_full_name_casing),
	    cmocka_unit_test(test_org_template),
	    cmocka_unit_test(test_learn_casing),
	    cmocka_unit_test(test_learn_custom_template),
	    cmocka_unit_test(test_learn_org_template),
	    cmocka_unit_test(test_learn_template_failures),
	    cmocka_unit_test(test_learn_ids_by_hand),
	    cmocka_unit_test(test_trace_has_no_token),
	};
	return cmocka_run_group_tests(tests, start_stub, stop_stub);
}
