/*
 * trace.h - the HTTP trace log (--trace FILE), with secrets redacted.
 *
 * Every line is written to a caller-owned FILE * (the context's trace, or
 * the transport's); nothing here opens or closes files.  Redacted, always:
 *   - headers Authorization, Proxy-Authorization, X-Amz-Security-Token,
 *     x-amz-sso_bearer_token, Cookie, Set-Cookie;
 *   - in bodies, the values of secret fields: XML elements
 *     <SecretAccessKey>, <SessionToken>, ...; JSON members
 *     "secretAccessKey", "sessionToken", "SecretAccessKey", "accessToken",
 *     "authorizationToken", ...; form fields WebIdentityToken, ...
 * Each value is replaced by "[redacted]".  Writes to the FILE are locked
 * (flockfile) so exchanges from several threads do not interleave.
 */
#ifndef EW_TRACE_H
#define EW_TRACE_H

#include "buf.h"
#include "transport.h"

#include <stdbool.h>
#include <stdio.h>

/* Whether a header's value must never be logged (case-insensitive). */
bool ew_trace_is_secret_header(const char *name);
/* Whether a body field (XML element, JSON member, form field) holds a
 * secret (case-insensitive). */
bool ew_trace_is_secret_field(const char *name);

/* Append body to out with every secret value replaced by "[redacted]".
 * Works on XML, JSON and form bodies alike; 0 or EW_ENOMEM. */
int ew_trace_redact_body(struct ew_buf *out, const char *body, size_t len);

/* "> POST https://iam.amazonaws.com/ (iam CreateRole)", then headers and
 * body.  No-op when f is NULL. */
void ew_trace_request(FILE *f, const struct ew_http_request *req);
/* "< 200 (iam CreateRole, 123 ms)", then raw_headers (the header block as
 * received, may be NULL: then the captured ones) and the body. */
void ew_trace_response(FILE *f, const struct ew_http_request *req,
		       const struct ew_http_response *resp,
		       const char *raw_headers, long elapsed_ms);
/* "! network error: <message>" for an exchange that got no answer. */
void ew_trace_failure(FILE *f, const struct ew_http_request *req,
		      const struct ew_error *err, long elapsed_ms);

#endif
