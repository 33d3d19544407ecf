#include "credential_process.h"
#include "iso_time.h"
#include "buf.h"
#include "json_doc.h"

#include "subprocess.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	struct ew_subprocess sp;
	char **argv = NULL, line[200], prog[64], what[96];
	int argc, rc;

	ew_credentials_init(out);
	ew_subprocess_init(&sp);
	if ((rc = ew_credential_process_split(&argv, &argc, cmdline, err)))
		goto done;
	snprintf(prog, sizeof(prog), "%s", base_name(argv[0]));
	snprintf(what, sizeof(what), "credential_process '%s'", prog);
	if ((rc = ew_subprocess_run(&sp, argv, timeout, max, MAX_STDERR,
				    opts ? opts->cancel : NULL, what, err)))
		goto done;
	switch (sp.end) {
	case EW_SUBPROCESS_CANCELLED:
		rc = ew_error_set(err, EW_ECANCEL, "%s cancelled", what);
		goto done;
	case EW_SUBPROCESS_TIMEOUT:
		rc = ew_error_set(err, EW_ERROR,
				  "%s did not finish within %ld s; it was "
				  "stopped",
				  what, (timeout + 999) / 1000);
		goto done;
	case EW_SUBPROCESS_FLOOD:
		rc = ew_error_set(err, EW_ERROR,
				  "%s flooded its output (more than %zu "
				  "bytes); it was stopped",
				  what, max);
		goto done;
	case EW_SUBPROCESS_SIGNALED:
		rc = ew_error_set(err, EW_ERROR, "%s was killed by signal %d",
				  what, sp.status);
		goto done;
	case EW_SUBPROCESS_EXITED:
		break;
	}
	if (sp.status != 0) {
		redacted_excerpt(line, sizeof(line), sp.err.ptr);
		rc = ew_error_set(err, EW_ERROR, "%s exited with status %d%s%s",
				  what, sp.status, *line ? ": " : "", line);
		goto done;
	}
	rc = ew_credential_process_parse(out, sp.out.ptr, sp.out.len,
					 ew_context_now(ctx), err);
done:
	ew_subprocess_release(&sp);
	ew_credential_process_free_argv(argv);
	return rc;
}
