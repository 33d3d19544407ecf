/*
 * subprocess.h - run a program without a shell, with a time-out and
 * capped output: the one place ecr-wizard starts another program
 * (credential_process, `gh auth token`).
 *
 * The program gets /dev/null as stdin (the terminal is the front-end's),
 * its own process group (so a time-out or a cancel stops its children
 * too) and the default dispositions of the signals ecr-wizard handles.
 * Its stdout is read up to max_out bytes: one byte more and it is stopped
 * (EW_SUBPROCESS_FLOOD); its stderr is kept up to max_err bytes and the
 * rest drained, or sent to /dev/null when max_err is 0.
 *
 * Memory: struct ew_subprocess owns its two buffers; they may hold
 * secrets, so ew_subprocess_release() zeroes them before freeing.
 */
#ifndef EW_SUBPROCESS_H
#define EW_SUBPROCESS_H

#include "buf.h"
#include "cancel.h"
#include "error.h"

#include <stddef.h>

enum ew_subprocess_end {
	EW_SUBPROCESS_EXITED,	 /* status holds the exit status */
	EW_SUBPROCESS_SIGNALED,	 /* status holds the signal */
	EW_SUBPROCESS_TIMEOUT,	 /* stopped: no time left */
	EW_SUBPROCESS_FLOOD,	 /* stopped: stdout over max_out */
	EW_SUBPROCESS_CANCELLED, /* stopped: the cancel token was set */
};

struct ew_subprocess {
	struct ew_buf out; /* stdout, NUL-terminated */
	struct ew_buf err; /* stderr (capped), NUL-terminated */
	enum ew_subprocess_end end;
	int status;
};

void ew_subprocess_init(struct ew_subprocess *r);
void ew_subprocess_release(struct ew_subprocess *r);

/*
 * Run argv (argv[0] looked up in PATH) and wait for it, at most
 * timeout_ms.  cancel may be NULL.  what names the program in messages
 * ("credential_process 'tool'").  Returns 0 when the program ran, however
 * it ended (r->end says how); EW_ERROR when it could not be started, read
 * or waited for (err: "cannot run WHAT: ..."); EW_ENOMEM.  Every child is
 * reaped before it returns.
 */
int ew_subprocess_run(struct ew_subprocess *r, char *const *argv,
		      long timeout_ms, size_t max_out, size_t max_err,
		      struct ew_cancel *cancel, const char *what,
		      struct ew_error *err);

#endif
