#include "cancel.h"
#include "error.h"

#include <errno.h>
#include <time.h>

void ew_cancel_init(struct ew_cancel *c)
{
	pthread_condattr_t attr;

	atomic_init(&c->set, false);
	pthread_mutex_init(&c->lock, NULL);
	/* CLOCK_MONOTONIC so a wall-clock jump cannot stretch a back-off */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
}

void ew_cancel_release(struct ew_cancel *c)
{
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
}

void ew_cancel_request(struct ew_cancel *c)
{
	pthread_mutex_lock(&c->lock);
	atomic_store(&c->set, true);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void ew_cancel_reset(struct ew_cancel *c)
{
	atomic_store(&c->set, false);
}

bool ew_cancel_is_set(const struct ew_cancel *c)
{
	return c && atomic_load(&((struct ew_cancel *)c)->set);
}

int ew_cancel_sleep(struct ew_cancel *c, long ms)
{
	struct timespec until;
	int rc = 0;

	if (ms <= 0)
		return ew_cancel_is_set(c) ? EW_ECANCEL : 0;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (!c) {
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until,
				       NULL) == EINTR)
			;
		return 0;
	}
	pthread_mutex_lock(&c->lock);
	while (!atomic_load(&c->set)) {
		if (pthread_cond_timedwait(&c->cond, &c->lock, &until) ==
		    ETIMEDOUT)
			break;
	}
	if (atomic_load(&c->set))
		rc = EW_ECANCEL;
	pthread_mutex_unlock(&c->lock);
	return rc;
}
