/*
 * libFuzzer target: parsing AWS error answers (core/aws_error.c) and the
 * trace redaction (core/trace.c), both of which read untrusted bodies.
 *
 * The first input byte picks the HTTP status and whether an
 * x-amzn-ErrorType header is given (the rest of the input up to a NUL);
 * the remainder is the body.  Properties: the result is always EW_EAWS
 * with NUL-terminated fields; without a code the message names the
 * service and status; redaction never fails but for memory and never
 * leaves the text of a secret XML element in place.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws_error.h"
#include "buf.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *s, size_t size)
{
	if (!memchr(s, '\0', size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {400, 403, 404, 409, 429, 500, 502, 503};
	struct ew_aws_error_input in;
	struct ew_error err;
	char *header = NULL;
	struct ew_buf red;
	const char *body;
	size_t len;

	if (!size)
		return 0;
	memset(&in, 0, sizeof(in));
	in.service = "iam";
	in.operation = "GetRole";
	in.http_status = statuses[data[0] & 7];
	body = (const char *)data + 1;
	len = size - 1;
	if (data[0] & 8) {
		const char *nul = memchr(body, '\0', len);
		size_t hlen = nul ? (size_t)(nul - body) : len;

		header = malloc(hlen + 1);
		if (!header)
			return 0;
		memcpy(header, body, hlen);
		header[hlen] = '\0';
		in.error_type_header = header;
		body += nul ? hlen + 1 : hlen;
		len -= nul ? hlen + 1 : hlen;
	}
	in.body = body;
	in.body_len = len;
	if (ew_aws_error_parse(&err, &in) != EW_EAWS || err.code != EW_EAWS ||
	    err.http_status != in.http_status)
		abort();
	check_terminated(err.aws_code, sizeof(err.aws_code));
	check_terminated(err.message, sizeof(err.message));
	check_terminated(err.request_id, sizeof(err.request_id));
	if (strcmp(err.operation, "GetRole") != 0)
		abort();
	if (!err.aws_code[0] && !strstr(err.message, "unexpected response "
						     "from iam (HTTP "))
		abort();

	ew_buf_init(&red);
	if (ew_trace_redact_body(&red, body, len))
		abort();
	/* "<SessionToken>" directly followed by a non-'<' byte is a value
	 * that escaped redaction */
	for (const char *p = red.ptr; (p = strstr(p, "<SessionToken>"));) {
		p += strlen("<SessionToken>");
		if (p < red.ptr + red.len && *p != '<' &&
		    strncmp(p, "[redacted]", 10) != 0)
			abort();
	}
	ew_buf_release(&red);
	free(header);
	return 0;
}
