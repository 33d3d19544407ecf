#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Whether fd is a regular file: reading anything else (a FIFO, a
 * device) can block forever or never end. */
static bool is_regular(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

static int path_error(struct ew_error *err, const char *path, int e)
{
	return ew_error_set(err, e == ENOENT ? EW_ENOTFOUND : EW_EIO,
			    "cannot access '%s': %s", path, strerror(e));
}

/* Split relpath into components and open the directory that holds the last
 * one, creating missing directories when create is set.  *base points at
 * the last component inside relpath.  Returns a directory fd or -1. */
static int open_parent(const char *root, const char *relpath, bool create,
		       const char **base, struct ew_error *err)
{
	char comp[256];
	const char *p = relpath, *slash;
	int dfd, next;

	if (!*relpath || relpath[0] == '/') {
		ew_error_set(err, EW_EINVAL,
			     "'%s' must be a path inside the repository",
			     relpath);
		return -1;
	}
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		path_error(err, root, errno);
		return -1;
	}
	while ((slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);

		if (n == 0 || n >= sizeof(comp) ||
		    (n == 2 && p[0] == '.' && p[1] == '.') ||
		    (n == 1 && p[0] == '.')) {
			ew_error_set(err, EW_EINVAL,
				     "'%s' must be a plain path inside the "
				     "repository (no '.', '..' or '//')",
				     relpath);
			goto fail;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		next = openat(dfd, comp,
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(dfd, comp, 0755) != 0 && errno != EEXIST) {
				ew_error_set(err, EW_EIO,
					     "cannot create directory '%.*s': "
					     "%s",
					     (int)(slash - relpath), relpath,
					     strerror(errno));
				goto fail;
			}
			next = openat(dfd, comp,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					  O_CLOEXEC);
		}
		if (next < 0) {
			if (errno == ELOOP || errno == ENOTDIR)
				ew_error_set(err, EW_EINVAL,
					     "'%.*s' is a symbolic link or "
					     "not a directory; not following "
					     "it out of the repository",
					     (int)(slash - relpath), relpath);
			else
				ew_error_set(err,
					     errno == ENOENT ? EW_ENOTFOUND
							     : EW_EIO,
					     "cannot open '%.*s': %s",
					     (int)(slash - relpath), relpath,
					     strerror(errno));
			goto fail;
		}
		close(dfd);
		dfd = next;
		p = slash + 1;
	}
	if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
		ew_error_set(err, EW_EINVAL, "'%s' does not name a file",
			     relpath);
		goto fail;
	}
	*base = p;
	return dfd;
fail:
	close(dfd);
	return -1;
}

int ew_file_write_atomic(const char *root, const char *relpath,
			 const void *data, size_t len, mode_t mode,
			 struct ew_error *err)
{
	char tmp[300];
	const char *base;
	const char *p = data;
	struct stat st;
	int dfd, fd = -1, rc = EW_EIO;

	dfd = open_parent(root, relpath, true, &base, err);
	if (dfd < 0)
		return err ? err->code : EW_EIO;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode)) {
		rc = ew_error_set(err, EW_EINVAL, "'%s' is a directory",
				  relpath);
		goto done;
	}
	for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
		snprintf(tmp, sizeof(tmp), ".%.200s.%ld.%d.tmp", base,
			 (long)getpid(), attempt);
		fd = openat(
		    dfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = ew_error_set(err, EW_EIO, "cannot write '%s': %s", relpath,
				  strerror(errno));
		goto done;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ew_error_set(err, EW_EIO, "cannot write '%s': %s",
					  relpath, strerror(errno));
			goto unlink;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		rc = ew_error_set(err, EW_EIO, "cannot write '%s': %s", relpath,
				  strerror(errno));
		goto unlink;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = ew_error_set(err, EW_EIO, "cannot write '%s': %s", relpath,
				  strerror(errno));
		goto unlink;
	}
	fd = -1;
	/* renameat replaces a symbolic link at the target, never its target */
	if (renameat(dfd, tmp, dfd, base) != 0) {
		rc = ew_error_set(err, EW_EIO, "cannot write '%s': %s", relpath,
				  strerror(errno));
		goto unlink;
	}
	fsync(dfd);
	rc = 0;
	goto done;
unlink:
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlinkat(dfd, tmp, 0);
done:
	if (fd >= 0)
		close(fd);
	close(dfd);
	return rc;
}

/* Append what fd holds to out, read straight into out's storage (no
 * staging buffer on the stack).  For a secret, room for max + 1 bytes is
 * made once before the first read, so no realloc leaves a partial copy in
 * freed memory.  Up to max + 1 bytes are read: the extra byte tells "exactly
 * max" from "larger", also for a file that grows while it is read. */
static int read_fd(struct ew_buf *out, int fd, const char *path, size_t max,
		   bool secret, struct ew_error *err)
{
	size_t start = out->len, want;
	struct stat st;
	ssize_t n;

	/* A secret is read into one buffer reserved up front, so no realloc
	 * leaves a copy behind; the file's size tells how much (reserving
	 * `max` for every small file costs a page fault per 4 KiB). */
	if (secret) {
		/* a pipe or device says nothing: start small, move if
		 * needed */
		size_t hint = max < 65536 ? max : 65536;

		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			hint = (size_t)st.st_size < max ? (size_t)st.st_size + 1
							: max;
		if (ew_buf_grow(out, hint + 1))
			return ew_error_oom(err);
	}
	for (;;) {
		want = max + 1 - (out->len - start);
		if (secret && out->len + 1 >= out->cap) {
			/* full and it grew while we read: move it by hand,
			 * wiping the old copy, instead of letting realloc
			 * drop it */
			struct ew_buf bigger;

			ew_buf_init(&bigger);
			if (ew_buf_grow(&bigger, out->len + want))
				return ew_error_oom(err);
			ew_buf_add(&bigger, out->ptr, out->len);
			ew_buf_release_secret(out);
			*out = bigger;
		}
		if (secret && want > out->cap - out->len - 1)
			want = out->cap - out->len - 1;
		if (!secret && want > 8192)
			want = 8192;
		if (ew_buf_grow(out, want))
			return ew_error_oom(err);
		n = read(fd, out->ptr + out->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ew_error_set(err, EW_EIO, "cannot read '%s': %s",
					    path, strerror(errno));
		if (n == 0)
			return 0;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		if (out->len - start > max)
			return ew_error_set(err, EW_EIO,
					    "cannot read '%s': larger than "
					    "%zu bytes",
					    path, max);
	}
}

int ew_file_read(struct ew_buf *out, const char *path, size_t max,
		 struct ew_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return path_error(err, path, errno);
	rc = read_fd(out, fd, path, max, false, err);
	close(fd);
	return rc;
}

int ew_file_read_secret(struct ew_buf *out, const char *path, size_t max,
			struct ew_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return ew_error_set(
		    err, errno == ENOENT ? EW_ENOTFOUND : EW_EIO,
		    "cannot read '%s': %s", path, strerror(errno));
	rc = read_fd(out, fd, path, max, true, err);
	close(fd);
	return rc;
}

unsigned ew_file_mode_in(const char *root, const char *relpath,
			 unsigned fallback)
{
	const char *base;
	struct stat st;
	unsigned mode = fallback;
	int dfd = open_parent(root, relpath, false, &base, NULL);

	if (dfd < 0)
		return fallback;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		mode = (unsigned)st.st_mode & 07777;
	close(dfd);
	return mode;
}

int ew_file_read_in(struct ew_buf *out, const char *root, const char *relpath,
		    size_t max, struct ew_error *err)
{
	const char *base;
	int dfd, fd, rc;

	dfd = open_parent(root, relpath, false, &base, err);
	if (dfd < 0)
		return err ? err->code : EW_EIO;
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer
	 * forever; it is refused below without a read. */
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ELOOP
			 ? ew_error_set(err, EW_EINVAL,
					"'%s' is a symbolic link; not "
					"following it",
					relpath)
			 : path_error(err, relpath, errno);
		close(dfd);
		return rc;
	}
	if (!is_regular(fd)) {
		rc = ew_error_set(err, EW_EINVAL,
				  "'%s' is not a regular file (a FIFO, device "
				  "or directory); remove it or choose another "
				  "path",
				  relpath);
		close(fd);
		close(dfd);
		return rc;
	}
	rc = read_fd(out, fd, relpath, max, false, err);
	close(fd);
	close(dfd);
	return rc;
}
