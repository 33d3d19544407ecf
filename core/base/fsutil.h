/*
 * fsutil.h - reading files and writing them atomically inside a tree.
 *
 * ew_file_write_atomic() is how the workflow file and any summary reach the
 * disk: written to a temporary file beside the target, flushed, given its
 * mode, then renamed over the target, so an interrupt leaves either the old
 * file or the new one, never half of one.  Every directory on the way is
 * opened without following symbolic links, so a link in .github/workflows
 * cannot redirect the write out of the repository.
 */
#ifndef EW_FSUTIL_H
#define EW_FSUTIL_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Write data to root/relpath (relpath relative, no ".." segments),
 * creating missing directories (0755).  EW_EINVAL for a bad path or a
 * symbolic link on the way, EW_EIO with the reason otherwise. */
int ew_file_write_atomic(const char *root, const char *relpath,
			 const void *data, size_t len, mode_t mode,
			 struct ew_error *err);

/* Read a whole file into out (appended).  EW_ENOTFOUND when it does not
 * exist, EW_EIO when unreadable or larger than max bytes. */
int ew_file_read(struct ew_buf *out, const char *path, size_t max,
		 struct ew_error *err);

/* Like ew_file_read, for a file that holds a secret (a config file with
 * keys, a token): out (appended) gets room for max + 1 more bytes in one
 * allocation before anything is read and the bytes go straight into it,
 * so no copy is left behind in freed or stack memory; release it with
 * ew_buf_release_secret().  Errors say "cannot read 'path': why"
 * (EW_ENOTFOUND when it does not exist, EW_EIO for a directory, an
 * unreadable file or one larger than max bytes). */
int ew_file_read_secret(struct ew_buf *out, const char *path, size_t max,
			struct ew_error *err);

/* Like ew_file_read for root/relpath, refusing symbolic links on the way
 * (the same rule as the write).  A FIFO, device or directory there is
 * refused (EW_EINVAL) without reading, and opening it never blocks. */
int ew_file_read_in(struct ew_buf *out, const char *root, const char *relpath,
		    size_t max, struct ew_error *err);

/* The permission bits of the regular file root/relpath (no symbolic link
 * followed), or fallback when there is none. */
unsigned ew_file_mode_in(const char *root, const char *relpath,
			 unsigned fallback);

#endif
