#include "github_token.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A token is one line of printable ASCII; gh prints it and a newline. */
#define GH_MAX_OUTPUT 4096

void ew_github_token_init(struct ew_github_token *t)
{
	t->value = NULL;
	t->source = NULL;
}

void ew_github_token_release(struct ew_github_token *t)
{
	if (!t)
		return;
	ew_free_secret(t->value);
	t->value = NULL;
	t->source = NULL;
}

bool ew_github_host_is_dotcom(const char *host)
{
	return !host || !*host || !strcasecmp(host, "github.com") ||
	       !strcasecmp(host, "www.github.com");
}

int ew_github_api_base(struct ew_buf *out, const struct ew_context *ctx,
		       const char *host, struct ew_error *err)
{
	const char *url = ew_context_getenv(ctx, "GITHUB_API_URL");
	size_t n;
	int rc;

	ew_buf_clear(out);
	if (url) {
		if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
			return ew_error_set(err, EW_EINVAL,
					    "GITHUB_API_URL '%.200s' is not "
					    "an http(s) url",
					    url);
		n = strlen(url);
		while (n > 0 && url[n - 1] == '/')
			n--;
		rc = ew_buf_add(out, url, n);
	} else if (ew_github_host_is_dotcom(host)) {
		rc = ew_buf_puts(out, "https://api.github.com");
	} else {
		/* GitHub Enterprise Server serves its REST API here. */
		rc = ew_buf_printf(out, "https://%s/api/v3", host);
	}
	return rc < 0 ? ew_error_oom(err) : 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kill_group(pid_t pid)
{
	int status;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static int spawn_gh(pid_t *pid, char **argv, int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, deflt;
	int e;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* The terminal is the front-end's: gh must not prompt on it. */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGTERM);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
					    POSIX_SPAWN_SETSIGMASK |
					    POSIX_SPAWN_SETSIGDEF);
	e = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return e;
}

/* Whether s (len bytes, trimmed) looks like one token: no spaces, no
 * control characters.  Anything else (a prompt, an error) is not one. */
static bool is_token_text(const char *s, size_t len)
{
	if (len == 0 || len > 1024)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* `gh auth token`: 0 with *out set, 1 when gh gave none, EW_ENOMEM. */
static int from_gh(char **out, const char *host, long timeout_ms)
{
	char *argv[6] = {"gh", "auth", "token", NULL, NULL, NULL};
	char buf[GH_MAX_OUTPUT + 1];
	int p[2] = {-1, -1}, status = 0, rc = 1;
	size_t len = 0;
	pid_t pid = -1;
	long deadline;

	*out = NULL;
	if (!ew_github_host_is_dotcom(host)) {
		argv[3] = "--hostname";
		argv[4] = (char *)host;
	}
	if (pipe(p) || fcntl(p[0], F_SETFD, FD_CLOEXEC) ||
	    fcntl(p[1], F_SETFD, FD_CLOEXEC))
		goto done;
	if (spawn_gh(&pid, argv, p[1]) != 0) {
		pid = -1; /* not installed: no token from gh */
		goto done;
	}
	close(p[1]);
	p[1] = -1;
	deadline = now_ms() + timeout_ms;
	for (;;) {
		struct pollfd fd = {p[0], POLLIN, 0};
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			goto done; /* killed below */
		if (poll(&fd, 1, (int)(left > 100 ? 100 : left)) <= 0)
			continue;
		n = read(p[0], buf + len, GH_MAX_OUTPUT - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == GH_MAX_OUTPUT)
			goto done; /* not a token */
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		struct timespec ts = {0, 10 * 1000000L};

		if (now_ms() >= deadline)
			goto done;
		nanosleep(&ts, NULL);
	}
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		goto done;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
		       buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (!is_token_text(buf, len))
		goto done;
	buf[len] = '\0';
	*out = ew_strdup(buf);
	rc = *out ? 0 : EW_ENOMEM;
done:
	if (pid > 0)
		kill_group(pid);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	/* the token was in here */
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

int ew_github_token_find(struct ew_github_token *out,
			 const struct ew_context *ctx, const char *host,
			 long timeout_ms, struct ew_error *err)
{
	static const char *const vars[] = {"GH_TOKEN", "GITHUB_TOKEN"};
	const char *v;
	int rc;

	ew_github_token_init(out);
	for (size_t i = 0; i < sizeof(vars) / sizeof(*vars); i++) {
		if (!(v = ew_context_getenv(ctx, vars[i])))
			continue;
		/* It goes into a header: a stray newline must not. */
		if (!is_token_text(v, strlen(v)))
			return ew_error_set(err, EW_EINVAL,
					    "%s is set but does not hold a "
					    "token (it has spaces or control "
					    "characters): set it to the token "
					    "alone",
					    vars[i]);
		if (!(out->value = ew_strdup(v)))
			return ew_error_oom(err);
		out->source = vars[i];
		return 0;
	}
	rc = from_gh(&out->value, host,
		     timeout_ms > 0 ? timeout_ms : EW_GITHUB_GH_TIMEOUT_MS);
	if (rc == EW_ENOMEM)
		return ew_error_oom(err);
	if (rc == 0) {
		out->source = "gh auth token";
		return 0;
	}
	return ew_error_set(
	    err, EW_ENOTFOUND,
	    "no GitHub token: GH_TOKEN and GITHUB_TOKEN are unset and "
	    "`gh auth token` gave none; run `gh auth login%s%s`, or set "
	    "GH_TOKEN to a fine-grained token with \"Secrets: read and "
	    "write\" (and \"Environments: read and write\" with --env) on "
	    "the repository",
	    ew_github_host_is_dotcom(host) ? "" : " --hostname ",
	    ew_github_host_is_dotcom(host) ? "" : host);
}
