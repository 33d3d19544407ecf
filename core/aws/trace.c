#include "trace.h"
#include "error.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define REDACTED "[redacted]"

static const char *const secret_headers[] = {
    "authorization",
    "proxy-authorization",
    "x-amz-security-token",
    "x-amz-sso_bearer_token",
    "cookie",
    "set-cookie",
};

/* Field names that carry a credential in STS, SSO, SSO-OIDC, ECR, the
 * credential_process output and GitHub's API. */
static const char *const secret_fields[] = {
    "SecretAccessKey",
    "SessionToken",
    "accessToken",
    "refreshToken",
    "clientSecret",
    "authorizationToken",
    "WebIdentityToken",
    "aws_secret_access_key",
    "aws_session_token",
    "password",
    "token",
    "id_token",
    "access_token",
    "refresh_token",
    "client_secret",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
};

static bool in_list(const char *name, size_t n, const char *const *list,
		    size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && strncasecmp(name, list[i], n) == 0)
			return true;
	return false;
}

bool ew_trace_is_secret_header(const char *name)
{
	return name &&
	       in_list(name, strlen(name), secret_headers,
		       sizeof(secret_headers) / sizeof(*secret_headers));
}

static bool is_secret_field_n(const char *name, size_t n)
{
	return in_list(name, n, secret_fields,
		       sizeof(secret_fields) / sizeof(*secret_fields));
}

bool ew_trace_is_secret_field(const char *name)
{
	return name && is_secret_field_n(name, strlen(name));
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' ||
	       c == ':';
}

/* <ns:Name> starting at p: the length of the tag when Name is secret. */
static size_t secret_xml_tag(const char *p, const char *end)
{
	const char *q = p + 1, *name = q;

	while (q < end && is_name_char(*q)) {
		if (*q == ':')
			name = q + 1;
		q++;
	}
	if (q >= end || *q != '>' || q == p + 1)
		return 0;
	return is_secret_field_n(name, (size_t)(q - name)) ? (size_t)(q + 1 - p)
							   : 0;
}

/* "name" : " starting at p: the length up to and including the opening
 * quote of the value when name is secret and the value is a string. */
static size_t secret_json_key(const char *p, const char *end)
{
	const char *q = p + 1, *name = q;

	while (q < end && *q != '"' && *q != '\\')
		q++;
	if (q >= end || *q != '"' ||
	    !is_secret_field_n(name, (size_t)(q - name)))
		return 0;
	q++;
	while (q < end && isspace((unsigned char)*q))
		q++;
	if (q >= end || *q != ':')
		return 0;
	q++;
	while (q < end && isspace((unsigned char)*q))
		q++;
	if (q >= end || *q != '"')
		return 0;
	return (size_t)(q + 1 - p);
}

/* name= at the start of a form field: the length including '='. */
static size_t secret_form_field(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && (isalnum((unsigned char)*q) || *q == '_' ||
			   *q == '.' || *q == '-'))
		q++;
	if (q >= end || *q != '=' || q == p)
		return 0;
	return is_secret_field_n(p, (size_t)(q - p)) ? (size_t)(q + 1 - p) : 0;
}

int ew_trace_redact_body(struct ew_buf *out, const char *body, size_t len)
{
	const char *p = body, *end = body + len, *copied = body;
	int rc = 0;

	while (p < end && !rc) {
		size_t n = 0;
		const char *skip = NULL;

		if (*p == '<' && (n = secret_xml_tag(p, end))) {
			skip = p + n;
			while (skip < end && *skip != '<')
				skip++;
		} else if (*p == '"' && (n = secret_json_key(p, end))) {
			skip = p + n;
			while (skip < end && *skip != '"') {
				if (*skip == '\\' && skip + 1 < end)
					skip++;
				skip++;
			}
		} else if ((p == body || p[-1] == '&') &&
			   (n = secret_form_field(p, end))) {
			skip = p + n;
			while (skip < end && *skip != '&')
				skip++;
		}
		if (!skip) {
			p++;
			continue;
		}
		rc = ew_buf_add(out, copied, (size_t)(p + n - copied));
		if (!rc)
			rc = ew_buf_puts(out, REDACTED);
		p = copied = skip;
	}
	if (!rc)
		rc = ew_buf_add(out, copied, (size_t)(end - copied));
	return rc ? EW_ENOMEM : 0;
}

static void put_body(FILE *f, const char *body, size_t len)
{
	struct ew_buf b;

	if (!body || !len)
		return;
	ew_buf_init(&b);
	if (ew_trace_redact_body(&b, body, len) == 0) {
		fwrite(b.ptr, 1, b.len, f);
		if (b.ptr[b.len - 1] != '\n')
			fputc('\n', f);
	} else {
		fputs("[body not shown: out of memory]\n", f);
	}
	/* the unredacted copy never exists here, but the buffer held the
	 * body's other bytes: wipe it like every buffer near secrets */
	ew_buf_release_secret(&b);
}

static void put_header(FILE *f, char dir, const char *name, size_t nlen,
		       const char *value)
{
	char lname[64];

	if (nlen >= sizeof(lname))
		nlen = sizeof(lname) - 1;
	memcpy(lname, name, nlen);
	lname[nlen] = '\0';
	fprintf(f, "%c %s: %s\n", dir, lname,
		ew_trace_is_secret_header(lname) ? REDACTED : value);
}

static void put_what(FILE *f, const struct ew_http_request *req)
{
	if (req->service && req->operation)
		fprintf(f, "%s %s", req->service, req->operation);
	else if (req->service)
		fputs(req->service, f);
	else
		fputs("http", f);
}

void ew_trace_request(FILE *f, const struct ew_http_request *req)
{
	if (!f || !req)
		return;
	flockfile(f);
	fprintf(f, "> %s %s (", req->method ? req->method : "GET",
		req->url ? req->url : "");
	put_what(f, req);
	fputs(")\n", f);
	for (size_t i = 0; i < req->nheaders; i++)
		put_header(f, '>', req->headers[i].name,
			   strlen(req->headers[i].name),
			   req->headers[i].value ? req->headers[i].value : "");
	fputs(">\n", f);
	put_body(f, req->body, req->body_len);
	fflush(f);
	funlockfile(f);
}

static void put_raw_headers(FILE *f, const char *raw)
{
	const char *line = raw;

	while (*line) {
		const char *eol = strchr(line, '\n');
		const char *colon;
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		size_t vlen;

		if (len && line[len - 1] == '\r')
			len--;
		colon = memchr(line, ':', len);
		if (len && colon && strncmp(line, "HTTP/", 5) != 0) {
			const char *v = colon + 1;
			char value[1024];

			while (v < line + len && (*v == ' ' || *v == '\t'))
				v++;
			vlen = (size_t)(line + len - v);
			if (vlen >= sizeof(value))
				vlen = sizeof(value) - 1;
			memcpy(value, v, vlen);
			value[vlen] = '\0';
			put_header(f, '<', line, (size_t)(colon - line), value);
		}
		if (!eol)
			break;
		line = eol + 1;
	}
}

void ew_trace_response(FILE *f, const struct ew_http_request *req,
		       const struct ew_http_response *resp,
		       const char *raw_headers, long elapsed_ms)
{
	if (!f || !req || !resp)
		return;
	flockfile(f);
	fprintf(f, "< %ld (", resp->status);
	put_what(f, req);
	fprintf(f, ", %ld ms)\n", elapsed_ms);
	if (raw_headers) {
		put_raw_headers(f, raw_headers);
	} else {
		if (resp->request_id[0])
			fprintf(f, "< x-amzn-RequestId: %s\n",
				resp->request_id);
		if (resp->date[0])
			fprintf(f, "< Date: %s\n", resp->date);
		if (resp->error_type[0])
			fprintf(f, "< x-amzn-ErrorType: %s\n",
				resp->error_type);
		if (resp->retry_after[0])
			fprintf(f, "< Retry-After: %s\n", resp->retry_after);
	}
	fputs("<\n", f);
	put_body(f, resp->body.ptr, resp->body.len);
	fflush(f);
	funlockfile(f);
}

void ew_trace_failure(FILE *f, const struct ew_http_request *req,
		      const struct ew_error *err, long elapsed_ms)
{
	if (!f || !req)
		return;
	flockfile(f);
	fputs("! (", f);
	put_what(f, req);
	fprintf(f, ", %ld ms) %s: %s\n", elapsed_ms,
		err ? ew_error_code_name(err->code) : "error",
		err ? err->message : "");
	fflush(f);
	funlockfile(f);
}
