/* Unit tests: atomic writes that never leave half a file or follow links. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static char root[256];

static int make_root(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/ew-fsutil-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int remove_root(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void read_back(const char *rel, const char *expect)
{
	struct ew_buf b;
	struct ew_error err;

	ew_buf_init(&b);
	assert_int_equal(ew_file_read_in(&b, root, rel, 1 << 20, &err), 0);
	assert_string_equal(b.ptr, expect);
	ew_buf_release(&b);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_creates_dirs_mode_and_replaces(void **state)
{
	const char *rel = ".github/workflows/ecr-push.yml";
	char path[512];
	struct stat st;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    ew_file_write_atomic(root, rel, "one\n", 4, 0644, &err), 0);
	read_back(rel, "one\n");
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(
	    ew_file_write_atomic(root, rel, "two\n", 4, 0644, &err), 0);
	read_back(rel, "two\n");
	/* no temporary file is left beside it */
	snprintf(path, sizeof(path), "%s/.github/workflows", root);
	assert_int_equal(count_entries(path), 1);
}

static void test_symlinked_directory_is_not_followed(void **state)
{
	char outside[300], link[300], probe[400];
	struct ew_error err;

	(void)state;
	snprintf(outside, sizeof(outside), "%s/outside", root);
	assert_int_equal(mkdir(outside, 0755), 0);
	snprintf(link, sizeof(link), "%s/repo", root);
	assert_int_equal(mkdir(link, 0755), 0);
	snprintf(link, sizeof(link), "%s/repo/.github", root);
	assert_int_equal(symlink(outside, link), 0);
	snprintf(link, sizeof(link), "%s/repo", root);
	assert_int_equal(
	    ew_file_write_atomic(link, ".github/x.yml", "x", 1, 0644, &err),
	    EW_EINVAL);
	assert_non_null(strstr(err.message, "symbolic link"));
	snprintf(probe, sizeof(probe), "%s/x.yml", outside);
	assert_int_not_equal(access(probe, F_OK), 0);
}

static void test_symlink_at_target_is_replaced_not_followed(void **state)
{
	char victim[300], link[300];
	struct ew_error err;

	(void)state;
	snprintf(victim, sizeof(victim), "%s/victim", root);
	FILE *f = fopen(victim, "w");
	assert_non_null(f);
	fputs("keep", f);
	fclose(f);
	snprintf(link, sizeof(link), "%s/target.yml", root);
	assert_int_equal(symlink(victim, link), 0);
	assert_int_equal(
	    ew_file_write_atomic(root, "target.yml", "new", 3, 0644, &err), 0);
	read_back("victim", "keep");
	read_back("target.yml", "new");
}

static void test_bad_paths_are_refused(void **state)
{
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    ew_file_write_atomic(root, "../escape", "x", 1, 0644, &err),
	    EW_EINVAL);
	assert_int_equal(
	    ew_file_write_atomic(root, "/etc/passwd", "x", 1, 0644, &err),
	    EW_EINVAL);
	assert_int_equal(ew_file_write_atomic(root, "a//b", "x", 1, 0644, &err),
			 EW_EINVAL);
	/* a file where a directory is needed fails cleanly */
	assert_int_equal(
	    ew_file_write_atomic(root, "victim/x", "x", 1, 0644, &err),
	    EW_EINVAL);
}

/* Both readers take a file of exactly max bytes and refuse one byte more,
 * and say which file and why; the secret reader reserves max + 1 bytes
 * before reading, so no realloc leaves a copy behind. */
static void test_read_caps_and_errors(void **state)
{
	char path[512], big[40];
	struct ew_buf b;
	struct ew_error err;
	int (*readers[2])(struct ew_buf *, const char *, size_t,
			  struct ew_error *) = {ew_file_read,
						ew_file_read_secret};

	(void)state;
	memset(big, 'k', sizeof(big));
	assert_int_equal(
	    ew_file_write_atomic(root, "exact", big, 32, 0600, &err), 0);
	assert_int_equal(
	    ew_file_write_atomic(root, "over", big, 33, 0600, &err), 0);
	for (int i = 0; i < 2; i++) {
		ew_buf_init(&b);
		snprintf(path, sizeof(path), "%s/exact", root);
		assert_int_equal(readers[i](&b, path, 32, &err), 0);
		assert_int_equal(b.len, 32);
		assert_int_equal(b.ptr[32], '\0');
		if (i == 1)
			assert_true(b.cap >= 32 + 2);
		ew_buf_release_secret(&b);

		ew_buf_init(&b);
		snprintf(path, sizeof(path), "%s/over", root);
		assert_int_equal(readers[i](&b, path, 32, &err), EW_EIO);
		assert_non_null(strstr(err.message, path));
		assert_non_null(strstr(err.message, "larger than 32 bytes"));
		ew_buf_release_secret(&b);

		ew_buf_init(&b);
		assert_int_equal(readers[i](&b, root, 32, &err), EW_EIO);
		assert_non_null(strstr(err.message, "Is a directory"));
		ew_buf_release(&b);

		ew_buf_init(&b);
		snprintf(path, sizeof(path), "%s/missing", root);
		assert_int_equal(readers[i](&b, path, 32, &err), EW_ENOTFOUND);
		assert_non_null(strstr(err.message, path));
		ew_buf_release(&b);
	}
	/* a larger file read in several chunks */
	{
		char *many = malloc(20000);

		assert_non_null(many);
		for (int i = 0; i < 20000; i++)
			many[i] = (char)('a' + i % 26);
		assert_int_equal(
		    ew_file_write_atomic(root, "many", many, 20000, 0600, &err),
		    0);
		snprintf(path, sizeof(path), "%s/many", root);
		ew_buf_init(&b);
		assert_int_equal(ew_file_read(&b, path, 1 << 20, &err), 0);
		assert_int_equal(b.len, 20000);
		assert_memory_equal(b.ptr, many, 20000);
		ew_buf_release(&b);
		free(many);
	}
}

/* A secret from a pipe (no size to go by) larger than the first
 * reservation arrives whole. */
static void *fill_fifo(void *arg)
{
	const char *path = arg;
	FILE *f = fopen(path, "w");

	for (int i = 0; f && i < 200000; i++)
		fputc('a' + i % 26, f);
	if (f)
		fclose(f);
	return NULL;
}

static void test_read_secret_from_pipe(void **state)
{
	char path[300];
	pthread_t tid;
	struct ew_buf b;
	struct ew_error err;

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	ew_buf_init(&b);
	assert_int_equal(pthread_create(&tid, NULL, fill_fifo, path), 0);
	assert_int_equal(ew_file_read_secret(&b, path, 1 << 20, &err), 0);
	pthread_join(tid, NULL);
	assert_int_equal(b.len, 200000);
	assert_int_equal(b.ptr[199999], 'a' + 199999 % 26);
	ew_buf_release_secret(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_creates_dirs_mode_and_replaces),
	    cmocka_unit_test(test_symlinked_directory_is_not_followed),
	    cmocka_unit_test(test_symlink_at_target_is_replaced_not_followed),
	    cmocka_unit_test(test_bad_paths_are_refused),
	    cmocka_unit_test(test_read_caps_and_errors),
	    cmocka_unit_test(test_read_secret_from_pipe),
	};
	return cmocka_run_group_tests(tests, make_root, remove_root);
}
