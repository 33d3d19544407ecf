/*
 * http.h - the real struct ew_transport: libcurl, one multi handle.
 *
 * One I/O thread owns a curl multi handle; perform() (transport.h) may be
 * called from any number of threads at once: each call hands its request
 * to the I/O thread and waits, so the requests of several threads are in
 * flight together and share the multi's connection cache (keep-alive) and
 * DNS cache.  A set cancel token ends the wait within ~20 ms: the I/O
 * thread drops that transfer and perform() returns EW_ECANCEL.
 *
 * What libcurl may and may not do (docs/aws-wire.md 1.5): proxies come
 * from the environment (http_proxy, https_proxy, no_proxy: libcurl's
 * default, kept); TLS verification is always on, with the CA bundle from
 * the options when given; an empty "Expect:" header; no Content-Type of
 * its own and no re-encoding of the body; no redirects followed.
 *
 * Failures are EW_ENET with a message naming the endpoint, e.g.
 * "cannot connect to 'https://iam.amazonaws.com': connection refused",
 * "request to 'https://...' timed out after 30 s",
 * "TLS certificate verification failed for 'host': ...".
 *
 * Memory: the transport owns everything it allocates (a copy of the
 * options' strings included); free it with ew_transport_free(), after
 * every perform() has returned.  The trace FILE stays the caller's.
 */
#ifndef EW_HTTP_H
#define EW_HTTP_H

#include "error.h"
#include "transport.h"

#include <stdio.h>

struct ew_http_options {
	long connect_timeout_ms; /* 0: 5000 */
	long timeout_ms;	 /* whole exchange; 0: 30000 */
	long short_timeout_ms;	 /* for is_timeout_short probes; 0: 3000 */
	const char *ca_bundle;	 /* AWS_CA_BUNDLE; NULL: the system's */
	const char *user_agent;	 /* NULL: "ecr-wizard/<version>" */
	/* When set, every exchange is logged here with secrets redacted
	 * (trace.h).  The AWS client logs to ctx->trace itself: set this
	 * one for everything else (GitHub), not both to the same file. */
	FILE *trace;
};

/* Fill o with the defaults (all zero / NULL). */
void ew_http_options_init(struct ew_http_options *o);

/* Start the I/O thread.  NULL and err filled on failure (EW_ENOMEM,
 * EW_ERROR when libcurl or the thread cannot start). */
struct ew_transport *ew_http_transport_new(const struct ew_http_options *o,
					   struct ew_error *err);

struct ew_http_stats {
	unsigned long requests;	   /* perform() calls that were sent */
	unsigned long connections; /* new connections opened (not reused) */
	unsigned long failures;	   /* exchanges that ended in EW_ENET */
};

/* Counters since creation; t must come from ew_http_transport_new(). */
void ew_http_transport_stats(const struct ew_transport *t,
			     struct ew_http_stats *out);

#endif
