#include "credential_process.h"
#include "iso_time.h"
#include "buf.h"
#include "json_doc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How often a wait wakes up to look at the cancel token. */
#define SLICE_MS 50
/* How much of stderr is kept for the message. */
#define MAX_STDERR 4096

void ew_credential_process_free_argv(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		ew_free_secret(*a); /* arguments may carry a secret */
	free(argv);
}

static int push_word(char ***argv, int *argc, int *cap, struct ew_buf *w)
{
	if (*argc + 2 > *cap) {
		int ncap = *cap ? *cap * 2 : 8;
		char **n = realloc(*argv, (size_t)ncap * sizeof(*n));
		if (!n)
			return EW_ENOMEM;
		*argv = n;
		*cap = ncap;
	}
	(*argv)[*argc] = ew_buf_detach(w);
	if (!(*argv)[*argc])
		return EW_ENOMEM;
	(*argc)++;
	(*argv)[*argc] = NULL;
	return 0;
}

int ew_credential_process_split(char ***out, int *argc, const char *cmdline,
				struct ew_error *err)
{
	enum { NONE, SINGLE, DOUBLE } q = NONE;
	struct ew_buf w;
	char **argv = NULL;
	bool in_word = false;
	int n = 0, cap = 0, rc = 0;
	const char *p;

	*out = NULL;
	*argc = 0;
	ew_buf_init(&w);
	for (p = cmdline; *p; p++) {
		char ch = *p;
		if (q == SINGLE) {
			if (ch == '\'')
				q = NONE;
			else if ((rc = ew_buf_putc(&w, ch)))
				goto nomem;
		} else if (q == DOUBLE) {
			if (ch == '"') {
				q = NONE;
			} else if (ch == '\\' &&
				   (p[1] == '"' || p[1] == '\\')) {
				/* shlex: inside "..." only \" and \\ escape */
				if ((rc = ew_buf_putc(&w, *++p)))
					goto nomem;
			} else if ((rc = ew_buf_putc(&w, ch))) {
				goto nomem;
			}
		} else if (ch == ' ' || ch == '\t' || ch == '\n' ||
			   ch == '\r') {
			if (in_word && (rc = push_word(&argv, &n, &cap, &w)))
				goto nomem;
			in_word = false;
		} else {
			in_word = true;
			if (ch == '\'') {
				q = SINGLE;
			} else if (ch == '"') {
				q = DOUBLE;
			} else if (ch == '\\') {
				if (!p[1]) {
					rc = ew_error_set(
					    err, EW_EINVAL,
					    "credential_process ends with a "
					    "lone backslash");
					goto done;
				}
				if ((rc = ew_buf_putc(&w, *++p)))
					goto nomem;
			} else if ((rc = ew_buf_putc(&w, ch))) {
				goto nomem;
			}
		}
	}
	if (q != NONE) {
		rc = ew_error_set(err, EW_EINVAL,
				  "credential_process has an unclosed %s quote",
				  q == SINGLE ? "single" : "double");
		goto done;
	}
	if (in_word && (rc = push_word(&argv, &n, &cap, &w)))
		goto nomem;
	if (!n) {
		rc =
		    ew_error_set(err, EW_EINVAL, "credential_process is empty");
		goto done;
	}
	*out = argv;
	*argc = n;
	argv = NULL;
	goto done;
nomem:
	rc = ew_error_oom(err);
done:
	ew_buf_release_secret(&w);
	ew_credential_process_free_argv(argv);
	return rc;
}

static const char *string_member(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

int ew_credential_process_parse(struct ew_credentials *out, const char *json,
				size_t len, time_t now, struct ew_error *err)
{
	static const char *const required[] = {"AccessKeyId",
					       "SecretAccessKey"};
	const cJSON *version, *exp;
	const char *s;
	cJSON *doc;
	int rc = 0;

	ew_credentials_init(out);
	doc = cJSON_ParseWithLength(json, len);
	if (!doc || !cJSON_IsObject(doc)) {
		rc = ew_error_set(err, EW_EPARSE,
				  "credential_process output is not a JSON "
				  "object");
		goto done;
	}
	version = cJSON_GetObjectItemCaseSensitive(doc, "Version");
	if (!version) {
		rc = ew_error_set(err, EW_EPARSE,
				  "credential_process output has no Version "
				  "(expected 1)");
		goto done;
	}
	if (!cJSON_IsNumber(version)) {
		rc = ew_error_set(err, EW_EPARSE,
				  "credential_process output has a Version "
				  "that is not a number; only 1 is supported");
		goto done;
	}
	if (version->valuedouble != 1.0) {
		rc = ew_error_set(err, EW_EPARSE,
				  "credential_process output has Version %g; "
				  "only 1 is supported",
				  version->valuedouble);
		goto done;
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		s = string_member(doc, required[i]);
		if (!s || !*s) {
			rc = ew_error_set(err, EW_EPARSE,
					  "credential_process output has no "
					  "%s",
					  required[i]);
			goto done;
		}
	}
	out->access_key_id = strdup(string_member(doc, "AccessKeyId"));
	out->secret_access_key = strdup(string_member(doc, "SecretAccessKey"));
	s = string_member(doc, "SessionToken");
	if (s && *s)
		out->session_token = strdup(s);
	if (!out->access_key_id || !out->secret_access_key ||
	    (s && *s && !out->session_token)) {
		rc = ew_error_oom(err);
		goto done;
	}
	s = string_member(doc, "AccountId");
	if (s && strlen(s) < sizeof(out->account_id))
		memcpy(out->account_id, s, strlen(s) + 1);
	s = string_member(doc, "Expiration");
	if (s && *s) {
		if (ew_time_parse_iso8601(&out->expiration, s, NULL)) {
			rc = ew_error_set(err, EW_EPARSE,
					  "credential_process output has an "
					  "Expiration that is not an ISO 8601 "
					  "time ('%.40s')",
					  s);
			goto done;
		}
		if (out->expiration <= now) {
			char when[32];
			struct tm tm;
			gmtime_r(&out->expiration, &tm);
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
			rc = ew_error_set(err, EW_ENOCREDS,
					  "credential_process returned "
					  "credentials that expired at %s",
					  when);
			goto done;
		}
	} else if (!s &&
		   !cJSON_IsNull(exp = cJSON_GetObjectItemCaseSensitive(
				     doc, "Expiration")) &&
		   exp) {
		rc = ew_error_set(err, EW_EPARSE,
				  "credential_process output has an "
				  "Expiration that is not a string");
		goto done;
	}
done:
	if (rc)
		ew_credentials_release(out);
	ew_json_doc_wipe(doc);
	cJSON_Delete(doc);
	return rc;
}

static long now_ms(void)
{
	struct timespec ts;

	/* a time-out wants a monotonic clock, not the wall clock */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether the child must be stopped: EW_ECANCEL once cancelled, EW_ERROR
 * once no time is left (err says which), else 0. */
static int must_stop(const struct ew_cancel *cancel, long left_ms, long timeout,
		     const char *prog, struct ew_error *err)
{
	if (ew_cancel_is_set(cancel))
		return ew_error_set(err, EW_ECANCEL,
				    "credential_process '%s' cancelled", prog);
	if (left_ms <= 0)
		return ew_error_set(err, EW_ERROR,
				    "credential_process '%s' did not finish "
				    "within %ld s; it was stopped",
				    prog, (timeout + 999) / 1000);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The first non-empty line of s, trimmed, at most size-1 bytes. */
static void first_line(char *dst, size_t size, const char *s)
{
	size_t n = 0;

	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
		s++;
	while (*s && *s != '\n' && *s != '\r' && n + 1 < size) {
		dst[n++] = (*s >= 0x20 && *s != 0x7f) ? *s : '?';
		s++;
	}
	while (n && (dst[n - 1] == ' ' || dst[n - 1] == '\t'))
		n--;
	dst[n] = 0;
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '/' || c == '+' || c == '_' ||
	       c == '-' || c == '.';
}

/* Whether the name just before p (within line) says a secret follows:
 * ...key, ...secret, ...token, password, credential(s), session. */
static bool secret_name_before(const char *line, const char *p)
{
	static const char *const names[] = {"key",	  "keyid",    "secret",
					    "token",	  "password", "passwd",
					    "credential", "session"};
	const char *end = p, *start;
	bool sep = false;

	/* back over the separator: spaces, quotes and one ':' or '=' */
	while (end > line && strchr(" \t\"':=", end[-1])) {
		sep |= end[-1] == ':' || end[-1] == '=';
		end--;
	}
	if (!sep)
		return false;
	start = end;
	while (start > line && word_char(start[-1]))
		start--;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if ((size_t)(end - start) >= n &&
		    strncasecmp(end - n, names[i], n) == 0)
			return true;
	}
	return false;
}

/*
 * The failing program's stderr, as shown in the error (and so in --output
 * json): its first line, at most size - 1 bytes, with anything that could
 * be a credential masked.  A script that prints its JSON answer to stderr
 * must not put the secret key on the user's screen: the value after a
 * name like SecretAccessKey/token/password is masked, and so is any run
 * of 16 or more key-like characters holding both letters and digits
 * (access key IDs, secret keys, session tokens).
 */
static void redacted_excerpt(char *dst, size_t size, const char *s)
{
	char line[200];
	size_t n = 0;
	const char *p;

	first_line(line, sizeof(line), s);
	for (p = line; *p && n + 1 < size;) {
		const char *q = p;
		bool alpha = false, digit = false;

		if (!word_char(*p)) {
			dst[n++] = *p++;
			continue;
		}
		while (word_char(*q)) {
			alpha |= (*q >= 'a' && *q <= 'z') ||
				 (*q >= 'A' && *q <= 'Z');
			digit |= *q >= '0' && *q <= '9';
			q++;
		}
		if (secret_name_before(line, p) ||
		    (q - p >= 16 && alpha && digit)) {
			for (const char *m = "***"; *m && n + 1 < size; m++)
				dst[n++] = *m;
		} else {
			while (p < q && n + 1 < size)
				dst[n++] = *p++;
		}
		p = q;
	}
	dst[n] = 0;
}

static void kill_group(pid_t pid)
{
	int status;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static int set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static int spawn(pid_t *pid, char **argv, int out_fd, int err_fd,
		 struct ew_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, deflt;
	int e;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	sigemptyset(&none);
	/* ignored signals survive exec: give the child the defaults */
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGQUIT);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
					    POSIX_SPAWN_SETSIGMASK |
					    POSIX_SPAWN_SETSIGDEF);
	e = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e)
		return ew_error_set(err, EW_ERROR,
				    "cannot run credential_process '%s': %s",
				    base_name(argv[0]), strerror(e));
	return 0;
}

int ew_credential_process_run(struct ew_credentials *out, const char *cmdline,
			      const struct ew_credential_process_options *opts,
			      const struct ew_context *ctx,
			      struct ew_error *err)
{
	long timeout = opts && opts->timeout_ms > 0
			   ? opts->timeout_ms
			   : EW_CREDENTIAL_PROCESS_TIMEOUT_MS;
	size_t max = opts && opts->max_output
			 ? opts->max_output
			 : EW_CREDENTIAL_PROCESS_MAX_OUTPUT;
	struct ew_cancel *cancel = opts ? opts->cancel : NULL;
	int pout[2] = {-1, -1}, perr[2] = {-1, -1};
	struct ew_buf so, se;
	char **argv = NULL, line[200], prog[64];
	pid_t pid = -1;
	long deadline;
	int argc, rc, status = 0;
	bool open_out = true, open_err = true;

	ew_credentials_init(out);
	ew_buf_init(&so);
	ew_buf_init(&se);
	if ((rc = ew_credential_process_split(&argv, &argc, cmdline, err)))
		goto done;
	snprintf(prog, sizeof(prog), "%s", base_name(argv[0]));
	if (ew_buf_grow(&so, max + 1) || ew_buf_grow(&se, MAX_STDERR + 1)) {
		rc = ew_error_oom(err);
		goto done;
	}
	if (pipe(pout) || pipe(perr) || set_cloexec(pout[0]) ||
	    set_cloexec(pout[1]) || set_cloexec(perr[0]) ||
	    set_cloexec(perr[1])) {
		rc = ew_error_set(err, EW_ERROR,
				  "cannot run credential_process '%s': %s",
				  prog, strerror(errno));
		goto done;
	}
	if ((rc = spawn(&pid, argv, pout[1], perr[1], err)))
		goto done;
	close(pout[1]);
	close(perr[1]);
	pout[1] = perr[1] = -1;

	deadline = now_ms() + timeout;
	while (open_out || open_err) {
		struct pollfd fds[2];
		nfds_t nfds = 0;
		long left = deadline - now_ms();
		int r;

		if ((rc = must_stop(cancel, left, timeout, prog, err)))
			goto kill;
		if (open_out)
			fds[nfds++] = (struct pollfd){pout[0], POLLIN, 0};
		if (open_err)
			fds[nfds++] = (struct pollfd){perr[0], POLLIN, 0};
		r = poll(fds, nfds, left < SLICE_MS ? (int)left : SLICE_MS);
		if (r < 0 && errno != EINTR) {
			rc = ew_error_set(err, EW_ERROR,
					  "cannot read credential_process "
					  "'%s': %s",
					  prog, strerror(errno));
			goto kill;
		}
		for (nfds_t i = 0; r > 0 && i < nfds; i++) {
			bool is_out = fds[i].fd == pout[0];
			struct ew_buf *b = is_out ? &so : &se;
			size_t cap = is_out ? max + 1 : MAX_STDERR;
			char junk[512];
			ssize_t n;

			if (!fds[i].revents)
				continue;
			/* stdout reads one byte past the cap to see a flood;
			 * stderr past its cap is drained and dropped */
			if (b->len < cap)
				n = read(fds[i].fd, b->ptr + b->len,
					 cap - b->len);
			else
				n = read(fds[i].fd, junk, sizeof(junk));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				if (is_out)
					open_out = false;
				else
					open_err = false;
				continue;
			}
			if (b->len < cap) {
				b->len += (size_t)n;
				b->ptr[b->len] = 0;
			}
			if (is_out && so.len > max) {
				rc = ew_error_set(
				    err, EW_ERROR,
				    "credential_process '%s' flooded its "
				    "output (more than %zu bytes); it was "
				    "stopped",
				    prog, max);
				goto kill;
			}
		}
	}
	/* Both pipes are closed; the child may still be running (it could
	 * have closed them itself), so the wait keeps the time-out. */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			rc = ew_error_set(err, EW_ERROR,
					  "cannot wait for credential_process "
					  "'%s': %s",
					  prog, strerror(errno));
			pid = -1;
			goto done;
		}
		if ((rc = must_stop(cancel, deadline - now_ms(), timeout, prog,
				    err)))
			goto kill;
		ew_cancel_sleep(cancel, 10);
	}
	pid = -1;
	if (WIFSIGNALED(status)) {
		rc = ew_error_set(err, EW_ERROR,
				  "credential_process '%s' was killed by "
				  "signal %d",
				  prog, WTERMSIG(status));
		goto done;
	}
	if (WEXITSTATUS(status) != 0) {
		redacted_excerpt(line, sizeof(line), se.ptr);
		rc = ew_error_set(err, EW_ERROR,
				  "credential_process '%s' exited with status "
				  "%d%s%s",
				  prog, WEXITSTATUS(status), *line ? ": " : "",
				  line);
		goto done;
	}
	rc = ew_credential_process_parse(out, so.ptr, so.len,
					 ew_context_now(ctx), err);
	goto done;
kill:
	kill_group(pid);
	pid = -1;
done:
	if (pid > 0)
		kill_group(pid);
	for (int i = 0; i < 2; i++) {
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	ew_buf_release_secret(&so);
	ew_buf_release_secret(&se);
	ew_credential_process_free_argv(argv);
	return rc;
}
