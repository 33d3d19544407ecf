/*
 * uri.h - percent-encoding as AWS SigV4 and the Query protocol need it.
 *
 * ew_uri_encode() is AWS "UriEncode" (docs/aws-wire.md 1.3): the unreserved
 * bytes A-Z a-z 0-9 - _ . ~ stay, every other byte becomes %XX with
 * upper-case hex (space is %20, never +).  ew_uri_decode() undoes any
 * percent-encoding, for the URL-encoded policy documents IAM returns and
 * for canonicalising query strings.  ew_uri_form_add() builds the
 * `name=value&...` bodies of the Query protocol (STS, IAM).
 *
 * Memory: every function appends to a caller-owned struct ew_buf; nothing
 * here allocates anything else.  Each call either appends its whole result
 * or, on EW_ENOMEM, leaves the buffer as it was.
 */
#ifndef EW_URI_H
#define EW_URI_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Append UriEncode(s[0..len)) to out.  `/` is kept as it is when
 * keep_slash is true (a path), else it becomes %2F (a query name or value).
 * s may hold any bytes, NUL included.  Returns 0 or EW_ENOMEM.
 */
int ew_uri_encode(struct ew_buf *out, const char *s, size_t len,
		  bool keep_slash);

/*
 * Append the percent-decoding of s[0..len) to out.  Behaves like Python's
 * urllib.parse.unquote_to_bytes() (which botocore and the AWS CLI use):
 * `%XX` with two hex digits of either case becomes that byte, a `%` not
 * followed by two hex digits is copied literally (it is not an error, so
 * a half-encoded document still reads), and `+` stays `+` (this is not
 * form decoding).  The result may contain NUL bytes; out->len counts them.
 * Returns 0 or EW_ENOMEM (err says so).
 */
int ew_uri_decode(struct ew_buf *out, const char *s, size_t len,
		  struct ew_error *err);

/*
 * Append one form parameter to a Query-protocol body: `name=value`,
 * preceded by `&` unless body is empty.  Both are UriEncoded, so `+` is
 * sent as %2B and a space as %20 (which the services read as a space).
 * value may be NULL, meaning empty.  Returns 0 or EW_ENOMEM.
 */
int ew_uri_form_add(struct ew_buf *body, const char *name, const char *value);

/*
 * The parts of an endpoint URL ("https://host[:port][/path]") the signer
 * needs: the Host header as an HTTP client sends it (the port only when
 * it is not the scheme's default) and the path ("/" when none), with "."
 * and ".." segments resolved as RFC 3986 says.  The scheme is http or
 * https (either case); a query, user information, a bad port or a
 * control byte is EW_EINVAL naming the URL.  Parsed here rather than by
 * libcurl so that a run that never sends a request (--demo) never loads
 * it; tests/unit/test_lazy_libs.c checks that both agree.
 */
int ew_uri_parse_endpoint(const char *url, char *host, size_t host_size,
			  char *path, size_t path_size, struct ew_error *err);

#endif
