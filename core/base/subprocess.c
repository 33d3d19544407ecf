/* subprocess.c - run a program without a shell, time-out and caps. */
#include "subprocess.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How often a wait looks at the cancel token. */
#define SLICE_MS 50

static long now_ms(void)
{
	struct timespec ts;

	/* a time-out wants a monotonic clock, not the wall clock */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kill_group(pid_t pid)
{
	int status;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static int set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

/* err_fd < 0: the child's stderr goes to /dev/null. */
static int spawn(pid_t *pid, char *const *argv, int out_fd, int err_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, deflt;
	int e;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	if (err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	else
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
						 0);
	sigemptyset(&none);
	/* ignored signals survive exec: give the child the defaults */
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGQUIT);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
					    POSIX_SPAWN_SETSIGMASK |
					    POSIX_SPAWN_SETSIGDEF);
	e = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return e;
}

void ew_subprocess_init(struct ew_subprocess *r)
{
	ew_buf_init(&r->out);
	ew_buf_init(&r->err);
	r->end = EW_SUBPROCESS_EXITED;
	r->status = 0;
}

void ew_subprocess_release(struct ew_subprocess *r)
{
	ew_buf_release_secret(&r->out);
	ew_buf_release_secret(&r->err);
}

/* A stop the caller reports: 1 when the child must be stopped now. */
static int must_stop(struct ew_subprocess *r, struct ew_cancel *cancel,
		     long left_ms)
{
	if (ew_cancel_is_set(cancel)) {
		r->end = EW_SUBPROCESS_CANCELLED;
		return 1;
	}
	if (left_ms <= 0) {
		r->end = EW_SUBPROCESS_TIMEOUT;
		return 1;
	}
	return 0;
}

int ew_subprocess_run(struct ew_subprocess *r, char *const *argv,
		      long timeout_ms, size_t max_out, size_t max_err,
		      struct ew_cancel *cancel, const char *what,
		      struct ew_error *err)
{
	int pout[2] = {-1, -1}, perr[2] = {-1, -1};
	bool open_out = true, open_err = max_err > 0;
	pid_t pid = -1;
	long deadline;
	int rc = 0, status = 0, e;

	r->end = EW_SUBPROCESS_EXITED;
	r->status = 0;
	if (ew_buf_grow(&r->out, max_out + 1) ||
	    ew_buf_grow(&r->err, max_err + 1))
		return ew_error_oom(err);
	r->out.ptr[0] = r->err.ptr[0] = 0;
	if (pipe(pout) || set_cloexec(pout[0]) || set_cloexec(pout[1]) ||
	    (max_err &&
	     (pipe(perr) || set_cloexec(perr[0]) || set_cloexec(perr[1])))) {
		rc = ew_error_set(err, EW_ERROR, "cannot run %s: %s", what,
				  strerror(errno));
		goto done;
	}
	if ((e = spawn(&pid, argv, pout[1], perr[1]))) {
		pid = -1;
		rc = ew_error_set(err, EW_ERROR, "cannot run %s: %s", what,
				  strerror(e));
		goto done;
	}
	close(pout[1]);
	pout[1] = -1;
	if (perr[1] >= 0) {
		close(perr[1]);
		perr[1] = -1;
	}

	deadline = now_ms() + timeout_ms;
	while (open_out || open_err) {
		struct pollfd fds[2];
		nfds_t nfds = 0;
		long left = deadline - now_ms();
		int n_ready;

		if (must_stop(r, cancel, left))
			goto done;
		if (open_out)
			fds[nfds++] = (struct pollfd){pout[0], POLLIN, 0};
		if (open_err)
			fds[nfds++] = (struct pollfd){perr[0], POLLIN, 0};
		n_ready =
		    poll(fds, nfds, left < SLICE_MS ? (int)left : SLICE_MS);
		if (n_ready < 0 && errno != EINTR) {
			rc = ew_error_set(err, EW_ERROR, "cannot read %s: %s",
					  what, strerror(errno));
			goto done;
		}
		for (nfds_t i = 0; n_ready > 0 && i < nfds; i++) {
			bool is_out = fds[i].fd == pout[0];
			struct ew_buf *b = is_out ? &r->out : &r->err;
			/* stdout reads one byte past the cap to see a flood;
			 * stderr past its cap is drained and dropped */
			size_t cap = is_out ? max_out + 1 : max_err;
			char junk[512];
			ssize_t n;

			if (!fds[i].revents)
				continue;
			if (b->len < cap)
				n = read(fds[i].fd, b->ptr + b->len,
					 cap - b->len);
			else
				n = read(fds[i].fd, junk, sizeof(junk));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				if (is_out)
					open_out = false;
				else
					open_err = false;
				continue;
			}
			if (b->len < cap) {
				b->len += (size_t)n;
				b->ptr[b->len] = 0;
			}
			if (is_out && r->out.len > max_out) {
				r->end = EW_SUBPROCESS_FLOOD;
				goto done;
			}
		}
	}
	/* Both pipes are closed; the child may still be running (it could
	 * have closed them itself), so the wait keeps the time-out. */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			rc = ew_error_set(err, EW_ERROR,
					  "cannot wait for %s: %s", what,
					  strerror(errno));
			pid = -1;
			goto done;
		}
		if (must_stop(r, cancel, deadline - now_ms()))
			goto done;
		ew_cancel_sleep(cancel, 10);
	}
	pid = -1;
	if (WIFSIGNALED(status)) {
		r->end = EW_SUBPROCESS_SIGNALED;
		r->status = WTERMSIG(status);
	} else {
		r->status = WEXITSTATUS(status);
	}
done:
	if (pid > 0)
		kill_group(pid);
	for (int i = 0; i < 2; i++) {
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	return rc;
}
