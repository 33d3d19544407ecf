/*
 * sigv4.h - AWS Signature Version 4, header (Authorization) signing.
 *
 * One signer for everything: the AWS client signs its calls with it, and
 * the tests run it over the official vectors and against botocore.  The
 * rules are docs/aws-wire.md section 1.
 *
 * Memory: struct ew_sigv4_input only borrows the caller's strings.  struct
 * ew_sigv4_output owns its buffers; ew_sigv4_output_release() zeroes them
 * before freeing, since the signature derives from the secret key and the
 * output holds a copy of the session token.  An output may be signed into
 * again (e.g. the clock-skew retry): each ew_sigv4_sign() starts afresh.
 *
 * Thread safety: ew_sigv4_sign() keeps no state between calls (the
 * derived signing key is not cached: four HMACs cost microseconds, and a
 * cache would be one more copy of key material to guard), so threads may
 * sign at the same time with their own outputs.
 */
#ifndef EW_SIGV4_H
#define EW_SIGV4_H

#include "buf.h"
#include "credentials.h"
#include "error.h"
#include "transport.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Hex SHA-256 of the empty payload. */
#define EW_SIGV4_EMPTY_SHA256                                                  \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct ew_sigv4_input {
	const char *method; /* "POST"; sent upper case */
	/* The path exactly as in the request line, without the query; the
	 * signer percent-encodes it once more.  A real client passes the
	 * wire form (already percent-encoded, "/" for STS, IAM and ECR), so
	 * a space sent as %20 is signed as %2520, as AWS requires; the test
	 * vectors give it unencoded.  Empty means "/". */
	const char *path;
	/* The query as sent, without '?'; NULL or "" for none.  Each name
	 * and value is percent-decoded and re-encoded, so any valid form of
	 * the same query signs the same. */
	const char *query;
	/* In send order; must include Host (exactly as the transport sends
	 * it: "host" or "host:port").  Names are case-insensitive and may
	 * repeat (the values are joined with ","); values are raw, the
	 * signer trims them and collapses inner whitespace.  Not signed:
	 * botocore's exclusion list (user-agent, expect, connection, ...),
	 * accept and accept-encoding (libcurl may rewrite them).  Any
	 * Authorization or X-Amz-Date given is ignored and replaced, as is
	 * X-Amz-Security-Token when creds has a token. */
	const struct ew_http_header *headers;
	size_t nheaders;
	const void *body; /* may be NULL when body_len is 0 */
	size_t body_len;
	const char *region;   /* signing region, "us-east-1" */
	const char *service;  /* signing name, "iam", "sts", "ecr" */
	const char *amz_date; /* "YYYYMMDDTHHMMSSZ", see ew_sigv4_format_date */
	/* access key and secret required; a session token, when set, is sent
	 * as X-Amz-Security-Token and signed. */
	const struct ew_credentials *creds;
	/* Remove "." and ".." segments and collapse "//" first (every
	 * service but S3). */
	bool normalize_path;
	/* Also send and sign X-Amz-Content-Sha256 (needed by S3 only; the
	 * test vectors' "sign_body"). */
	bool sign_body;
};

struct ew_sigv4_output {
	struct ew_buf canonical_request;
	struct ew_buf string_to_sign;
	struct ew_buf signed_headers; /* "content-type;host;x-amz-date" */
	struct ew_buf authorization;  /* the Authorization header value */
	char signature[65];	      /* lower-case hex */
	char payload_hash[65];	      /* lower-case hex SHA-256 of the body */
	char amz_date[17];
	/* The headers the caller must add to the request, pointing into this
	 * struct: X-Amz-Date, then X-Amz-Security-Token (with a session
	 * token), X-Amz-Content-Sha256 (with sign_body), and Authorization
	 * last.  Valid until the next sign or release. */
	struct ew_http_header add[4];
	size_t nadd;
	struct ew_buf token; /* private: the copy add[] points at */
};

void ew_sigv4_output_init(struct ew_sigv4_output *out);
/* Zero and free everything; out is empty (initialised) afterwards. */
void ew_sigv4_output_release(struct ew_sigv4_output *out);

/*
 * Sign `in` into `out` (initialised by the caller).  Returns 0;
 * EW_EINVAL when an input is missing or malformed (no Host header, a
 * timestamp not in the YYYYMMDDTHHMMSSZ form, ...); EW_ENOCREDS without an
 * access key or secret; EW_ENOMEM; EW_ERROR if OpenSSL fails.  On failure
 * out holds no signature (nadd is 0).  Secrets never appear in err.
 */
int ew_sigv4_sign(struct ew_sigv4_output *out, const struct ew_sigv4_input *in,
		  struct ew_error *err);

/* Format t as the X-Amz-Date value "YYYYMMDDTHHMMSSZ" (UTC). */
void ew_sigv4_format_date(char out[17], time_t t);

/* Lower-case hex SHA-256 of data[0..len) into out (65 bytes with NUL).
 * Returns 0 or EW_ERROR when OpenSSL fails. */
int ew_sigv4_sha256_hex(char out[65], const void *data, size_t len);

#endif
