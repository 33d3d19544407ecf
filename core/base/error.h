/*
 * error.h - the error type every fallible core function fills.
 *
 * Convention (libgit2, tig): a fallible function returns 0 on success or a
 * negative EW_E* code, and fills the `struct ew_error *err` passed as its
 * last parameter (which may be NULL when the caller does not care).
 * ew_error_set() returns the code so callers can write
 * `return ew_error_set(err, EW_EINVAL, "...")`.
 *
 * The struct is plain storage: no heap, nothing to release.  Messages are in
 * git's voice: lower case, what failed first, the subject quoted.
 */
#ifndef EW_ERROR_H
#define EW_ERROR_H

#include <stdbool.h>

enum ew_error_code {
	EW_OK = 0,
	EW_ERROR = -1,	   /* generic failure */
	EW_ENOMEM = -2,	   /* out of memory */
	EW_EINVAL = -3,	   /* bad input: a usage or validation error */
	EW_ENOTFOUND = -4, /* the thing asked for does not exist */
	EW_EEXISTS = -5,   /* the thing to create exists already */
	EW_EIO = -6,	   /* a local file could not be read or written */
	EW_ENOCREDS = -7,  /* no usable AWS credentials */
	EW_EAWS = -8,	   /* the service answered with an error */
	EW_ENET = -9,	   /* connection, DNS, TLS or time-out failure */
	EW_ECANCEL = -10,  /* cancelled by the user */
	EW_EPARSE = -11,   /* a response or file could not be parsed */
};

struct ew_error {
	int code;	     /* one of enum ew_error_code */
	long http_status;    /* 0 when no HTTP exchange took place */
	char aws_code[64];   /* e.g. "NoSuchEntity"; empty when none */
	char message[512];   /* human readable, git's voice */
	char request_id[96]; /* x-amzn-RequestId, empty when none */
	char operation[64];  /* the AWS operation, e.g. "CreateRole" */
};

/* Reset to "no error". */
void ew_error_clear(struct ew_error *err);

/* Fill code and a printf-style message; returns code.  err may be NULL. */
int ew_error_set(struct ew_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill the out-of-memory error; returns EW_ENOMEM.  err may be NULL. */
int ew_error_oom(struct ew_error *err);

/* Fill an AWS service error; returns EW_EAWS.  Any string may be NULL. */
int ew_error_set_aws(struct ew_error *err, long http_status,
		     const char *aws_code, const char *message,
		     const char *request_id);

/* Prefix the current message with "<prefix>: " (git's "cannot X: why"). */
void ew_error_prefix(struct ew_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A short name for a code, e.g. "not found". */
const char *ew_error_code_name(int code);

/* Whether err holds the given AWS error code. */
bool ew_error_is_aws(const struct ew_error *err, const char *aws_code);

#endif
