/*
 * Integration tests: repository IDs and the OIDC sub template through the
 * real libcurl transport against tests/tools/github_stub.py on 127.0.0.1.
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
#include "github_api.h"
#include "http.h"

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
	    cmocka_unit_test(test_trace_has_no_token),
	};
	return cmocka_run_group_tests(tests, start_stub, stop_stub);
}
