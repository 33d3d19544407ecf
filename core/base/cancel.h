/*
 * cancel.h - a cancellation token shared between a front-end and the work
 * it started (engine steps, HTTP waits, retry back-offs, demo latency).
 *
 * Any thread may call ew_cancel_request(); every wait in core goes through
 * ew_cancel_sleep() or checks ew_cancel_is_set(), so a cancel ends it
 * promptly.  The token is a stack or member struct: _init / _release.
 */
#ifndef EW_CANCEL_H
#define EW_CANCEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct ew_cancel {
	atomic_bool set;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

void ew_cancel_init(struct ew_cancel *c);
void ew_cancel_release(struct ew_cancel *c);
/* Async-signal-unsafe: from a signal handler set a flag and call this from
 * a normal thread instead. */
void ew_cancel_request(struct ew_cancel *c);
/* Reset to "not cancelled" (before a retry of a whole run). */
void ew_cancel_reset(struct ew_cancel *c);
/* NULL-safe: a NULL token is never set. */
bool ew_cancel_is_set(const struct ew_cancel *c);
/* Sleep up to ms milliseconds; returns 0 after the full sleep, EW_ECANCEL
 * as soon as the token is set.  A NULL token just sleeps. */
int ew_cancel_sleep(struct ew_cancel *c, long ms);

#endif
