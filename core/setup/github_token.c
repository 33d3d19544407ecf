#include "github_token.h"

#include "subprocess.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* `gh auth token`: 0 with *out set, 1 when gh gave none (not installed,
 * not logged in, too slow, not a token), EW_ENOMEM. */
static int from_gh(char **out, const char *host, long timeout_ms)
{
	char *argv[6] = {"gh", "auth", "token", NULL, NULL, NULL};
	struct ew_subprocess sp;
	struct ew_error err;
	int rc = 1;
	size_t len;

	*out = NULL;
	if (!ew_github_host_is_dotcom(host)) {
		argv[3] = "--hostname";
		argv[4] = (char *)host;
	}
	ew_subprocess_init(&sp);
	ew_error_clear(&err);
	/* stderr to /dev/null: gh's "not logged in" is not ours to show */
	if (ew_subprocess_run(&sp, argv, timeout_ms, GH_MAX_OUTPUT, 0, NULL,
			      "gh auth token", &err) != 0) {
		rc = err.code == EW_ENOMEM ? EW_ENOMEM : 1;
		goto done;
	}
	if (sp.end != EW_SUBPROCESS_EXITED || sp.status != 0)
		goto done;
	len = sp.out.len;
	while (len &&
	       (sp.out.ptr[len - 1] == '\n' || sp.out.ptr[len - 1] == '\r' ||
		sp.out.ptr[len - 1] == ' ' || sp.out.ptr[len - 1] == '\t'))
		len--;
	if (!is_token_text(sp.out.ptr, len))
		goto done;
	sp.out.ptr[len] = '\0';
	*out = ew_strdup(sp.out.ptr);
	rc = *out ? 0 : EW_ENOMEM;
done:
	ew_subprocess_release(&sp); /* the token was in here */
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
