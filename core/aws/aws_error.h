/*
 * aws_error.h - turn a non-2xx AWS answer into a struct ew_error.
 *
 * Both error shapes (docs/aws-wire.md sections 2 and 5):
 *   - Query (STS, IAM): <ErrorResponse><Error><Code/><Message/></Error>
 *     <RequestId/></ErrorResponse>, a bare <Error> root, or EC2's
 *     <Response><Errors><Error>...;
 *   - JSON 1.1 (ECR): {"__type": "a.b#Name:extra", "message"|"Message"},
 *     with the header x-amzn-ErrorType carrying the same code;
 * and answers that are neither (a proxy's HTML page, an empty 502), which
 * become "unexpected response from <service> (HTTP <n>): <first 200
 * characters>".
 *
 * Nothing is allocated that outlives a call; err is plain storage.
 */
#ifndef EW_AWS_ERROR_H
#define EW_AWS_ERROR_H

#include "error.h"

#include <stddef.h>

/* Inputs of ew_aws_error_parse(); any pointer may be NULL. */
struct ew_aws_error_input {
	const char *service;   /* "iam", for the message of odd answers */
	const char *operation; /* copied into err->operation */
	long http_status;
	const char *body;
	size_t body_len;
	const char *error_type_header; /* x-amzn-ErrorType */
	const char *request_id_header; /* x-amzn-RequestId */
};

/*
 * Fill err (code EW_EAWS, http_status, aws_code, message, request_id,
 * operation) from an error answer.  Always returns EW_EAWS.  The code
 * comes from the body, else from x-amzn-ErrorType; the request id from the
 * header, else from the body.  Without a code, aws_code is empty and the
 * message quotes the start of the body.
 */
int ew_aws_error_parse(struct ew_error *err,
		       const struct ew_aws_error_input *in);

/*
 * The error code in a JSON __type or x-amzn-ErrorType value: everything
 * after the first ':' is cut, then what follows the last '#' is kept
 * ("com.amazon.coral#ThrottlingException:http://..." gives
 * "ThrottlingException").  Writes a NUL-terminated string of at most
 * size-1 bytes to out.
 */
void ew_aws_error_code_from_type(char *out, size_t size, const char *type);

#endif
