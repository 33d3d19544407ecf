/*
 * Unit tests: repository detection with libgit2 on throwaway repositories
 * made with the git CLI under a mkdtemp directory (outside any repository,
 * so "not a repository" really is one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "git_detect.h"

static char base[256];
static int serial;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	struct ew_buf cmd;
	va_list ap;
	int rc;

	ew_buf_init(&cmd);
	assert_int_equal(ew_buf_puts(&cmd, "("), 0);
	va_start(ap, fmt);
	assert_int_equal(ew_buf_vprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	/* the command's own redirections go first */
	assert_int_equal(ew_buf_puts(&cmd, ") >/dev/null 2>&1"), 0);
	rc = system(cmd.ptr);
	if (rc != 0)
		fail_msg("command failed (%d): %s", rc, cmd.ptr);
	ew_buf_release(&cmd);
}

/* A new directory path under base (not created). */
static char *fresh(const char *what)
{
	struct ew_buf b;

	ew_buf_init(&b);
	ew_buf_printf(&b, "%s/%d-%s", base, ++serial, what);
	return ew_buf_detach(&b);
}

#define GIT "git -c user.name=t -c user.email=t@e -c init.defaultBranch=main"

/* A repository with one commit on main and the given origin (or none). */
static char *make_repo(const char *what, const char *origin)
{
	char *dir = fresh(what);

	sh(GIT " init -q -b main '%s'", dir);
	sh(GIT " -C '%s' commit -q --allow-empty -m one", dir);
	if (origin)
		sh(GIT " -C '%s' remote add origin '%s'", dir, origin);
	return dir;
}

static void expect_found(const char *dir, const char *host,
			 struct ew_git_info *info)
{
	struct ew_error err;

	ew_error_clear(&err);
	if (ew_git_detect(info, dir, host, &err) != 0)
		fail_msg("detect '%s': %s", dir, err.message);
	assert_int_equal(info->outcome, EW_GIT_FOUND);
}

static void test_origin_on_github(void **state)
{
	char *dir = make_repo("plain", "https://github.com/octo/app.git");
	struct ew_git_info info;

	(void)state;
	expect_found(dir, NULL, &info);
	assert_string_equal(info.workdir, dir);
	assert_string_equal(info.remote_name, "origin");
	assert_string_equal(info.remote_url, "https://github.com/octo/app.git");
	assert_string_equal(info.ref.owner, "octo");
	assert_string_equal(info.ref.repo, "app");
	assert_string_equal(info.ref.host, "github.com");
	assert_string_equal(info.branch, "main");
	assert_false(info.is_detached);
	assert_false(info.is_unborn);
	assert_int_equal(strlen(info.head_short), 7);
	assert_string_equal(info.default_branch, "main");
	assert_true(info.is_default_branch_guessed);
	assert_string_equal(info.remotes_seen,
			    "origin https://github.com/octo/app.git");
	ew_git_info_release(&info);
	free(dir);
}

static void test_upstream_when_origin_elsewhere(void **state)
{
	char *dir = make_repo("fork", "git@gitlab.com:me/app.git");
	struct ew_git_info info;

	(void)state;
	sh("git -C '%s' remote add zeta https://example.org/x/y.git", dir);
	sh("git -C '%s' remote add upstream git@github.com:octo/app.git", dir);
	expect_found(dir, NULL, &info);
	assert_string_equal(info.remote_name, "upstream");
	assert_string_equal(info.ref.owner, "octo");
	assert_non_null(strstr(info.remotes_seen, "origin git@gitlab.com"));
	assert_non_null(strstr(info.remotes_seen, "upstream git@github.com"));
	ew_git_info_release(&info);

	/* with both on GitHub, origin wins over the alphabetically first */
	sh("git -C '%s' remote set-url origin https://github.com/me/app", dir);
	expect_found(dir, NULL, &info);
	assert_string_equal(info.remote_name, "origin");
	assert_string_equal(info.ref.owner, "me");
	ew_git_info_release(&info);
	free(dir);
}

static void test_url_forms(void **state)
{
	static const char *const urls[] = {
	    "https://github.com/octo/app",
	    "https://github.com/octo/app/",
	    "https://user@github.com/octo/app.git",
	    "https://github.com:443/octo/app",
	    "http://github.com/octo/app",
	    "git@github.com:octo/app",
	    "ssh://git@github.com:22/octo/app.git",
	    "git://github.com/octo/app.git",
	    "git+ssh://git@github.com/octo/app.git",
	    "https://GitHub.com/octo/app.git",
	    "gh:octo/app", /* via url.<base>.insteadOf */
	};
	char *dir = make_repo("forms", "https://github.com/x/y");
	struct ew_git_info info;

	(void)state;
	sh("git -C '%s' config url.git@github.com:.insteadOf gh:", dir);
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		sh("git -C '%s' remote set-url origin '%s'", dir, urls[i]);
		expect_found(dir, NULL, &info);
		if (strcmp(info.ref.owner, "octo") ||
		    strcmp(info.ref.repo, "app"))
			fail_msg("'%s' -> '%s/%s'", urls[i], info.ref.owner,
				 info.ref.repo);
		ew_git_info_release(&info);
	}
	free(dir);
}

static void test_token_in_url_is_redacted(void **state)
{
	char *dir =
	    make_repo("token", "https://x:ghp_SECRET@github.com/octo/app");
	struct ew_git_info info;
	struct ew_error err;

	(void)state;
	expect_found(dir, NULL, &info);
	assert_null(strstr(info.remote_url, "SECRET"));
	assert_null(strstr(info.remotes_seen, "SECRET"));
	ew_git_info_release(&info);

	sh("git -C '%s' remote set-url origin "
	   "https://ghp_SECRET@gitlab.com/octo/app",
	   dir);
	ew_error_clear(&err);
	assert_int_equal(ew_git_detect(&info, dir, NULL, &err), EW_ENOTFOUND);
	assert_null(strstr(err.message, "SECRET"));
	assert_non_null(strstr(err.message, "https://***@gitlab.com/octo/app"));
	ew_git_info_release(&info);
	free(dir);
}

static void test_rewrites_and_remote_names(void **state)
{
	char *dir = make_repo("rewrite", "work:o/app");
	struct ew_buf global;
	struct ew_git_info info;

	(void)state;
	/* a global rule and a longer repository one: the longer prefix wins */
	ew_buf_init(&global);
	ew_buf_printf(&global, "%s/.gitconfig", base);
	sh("git config --file '%s' url.https://github.com/.insteadOf work:",
	   global.ptr);
	sh("git -C '%s' config url.git@github.com:octo/.insteadOf work:o/",
	   dir);
	sh("git -C '%s' remote add a.dotted https://github.com/x/dotted", dir);
	sh("git -C '%s' config remote.pushonly.pushurl "
	   "https://github.com/x/push",
	   dir);
	expect_found(dir, NULL, &info);
	assert_string_equal(info.remote_url, "git@github.com:octo/app");
	assert_string_equal(info.ref.owner, "octo");
	assert_string_equal(info.remotes_seen,
			    "origin git@github.com:octo/app, a.dotted "
			    "https://github.com/x/dotted, pushonly (no url)");
	ew_git_info_release(&info);

	/* only the global rule applies */
	sh("git -C '%s' config --unset url.git@github.com:octo/.insteadOf",
	   dir);
	expect_found(dir, NULL, &info);
	assert_string_equal(info.remote_url, "https://github.com/o/app");
	ew_git_info_release(&info);
	sh("rm -f '%s'", global.ptr);
	ew_buf_release(&global);
	free(dir);
}

static void test_subdirectory_start(void **state)
{
	char *dir = make_repo("sub", "git@github.com:octo/app.git");
	struct ew_buf deep;
	struct ew_git_info info;

	(void)state;
	ew_buf_init(&deep);
	ew_buf_printf(&deep, "%s/a/b/c", dir);
	sh("mkdir -p '%s'", deep.ptr);
	expect_found(deep.ptr, NULL, &info);
	assert_string_equal(info.workdir, dir);
	assert_string_equal(info.ref.repo, "app");
	ew_git_info_release(&info);
	ew_buf_release(&deep);
	free(dir);
}

static void test_detached_head(void **state)
{
	char *dir = make_repo("detached", "https://github.com/octo/app");
	struct ew_git_info info;

	(void)state;
	sh(GIT " -C '%s' commit -q --allow-empty -m two", dir);
	sh("git -C '%s' checkout -q --detach HEAD~1", dir);
	expect_found(dir, NULL, &info);
	assert_true(info.is_detached);
	assert_null(info.branch);
	assert_non_null(info.head_short);
	assert_int_equal(strlen(info.head_short), 7);
	ew_git_info_release(&info);
	free(dir);
}

static void test_no_commits(void **state)
{
	char *dir = fresh("unborn");
	struct ew_git_info info;

	(void)state;
	sh("git init -q -b trunk '%s'", dir);
	sh("git -C '%s' remote add origin https://github.com/octo/app", dir);
	expect_found(dir, NULL, &info);
	assert_true(info.is_unborn);
	assert_string_equal(info.branch, "trunk");
	assert_null(info.head_short);
	assert_false(info.is_detached);
	ew_git_info_release(&info);
	free(dir);
}

static void test_default_branch(void **state)
{
	char *dir = make_repo("defbranch", "https://github.com/octo/app");
	struct ew_git_info info;

	(void)state;
	sh("git -C '%s' update-ref refs/remotes/origin/master HEAD", dir);
	expect_found(dir, NULL, &info);
	assert_string_equal(info.default_branch, "master");
	assert_true(info.is_default_branch_guessed);
	ew_git_info_release(&info);

	sh("git -C '%s' update-ref refs/remotes/origin/trunk HEAD", dir);
	sh("git -C '%s' symbolic-ref refs/remotes/origin/HEAD "
	   "refs/remotes/origin/trunk",
	   dir);
	expect_found(dir, NULL, &info);
	assert_string_equal(info.default_branch, "trunk");
	assert_false(info.is_default_branch_guessed);
	assert_string_equal(info.branch, "main");
	ew_git_info_release(&info);
	free(dir);
}

static void test_enterprise_host(void **state)
{
	char *dir = make_repo("ghe", "https://github.com/octo/app");
	struct ew_git_info info;

	(void)state;
	sh("git -C '%s' remote add corp git@ghe.example.com:team/app.git", dir);
	expect_found(dir, "ghe.example.com", &info);
	assert_string_equal(info.remote_name, "corp");
	assert_string_equal(info.ref.owner, "team");
	assert_string_equal(info.ref.host, "ghe.example.com");
	ew_git_info_release(&info);
	free(dir);
}

/* A failed detection: the code, the outcome and the message fragments. */
static void expect_failure(const char *dir, int code,
			   enum ew_git_outcome outcome, const char *fragment)
{
	struct ew_git_info info;
	struct ew_error err;
	int rc;

	ew_error_clear(&err);
	rc = ew_git_detect(&info, dir, NULL, &err);
	if (rc != code)
		fail_msg("detect '%s': %d, want %d ('%s')", dir, rc, code,
			 err.message);
	assert_int_equal(err.code, code);
	assert_int_equal(info.outcome, outcome);
	if (!strstr(err.message, fragment))
		fail_msg("'%s' lacks '%s'", err.message, fragment);
	if (!strstr(err.message, "use --github OWNER/REPO"))
		fail_msg("'%s' lacks the manual path", err.message);
	if (outcome != EW_GIT_CORRUPT) /* a bad HEAD keeps the remote */
		assert_null(info.remote_name);
	ew_git_info_release(&info);
}

static void test_bare(void **state)
{
	char *dir = fresh("bare.git");

	(void)state;
	sh("git init -q --bare '%s'", dir);
	sh("git -C '%s' remote add origin https://github.com/octo/app", dir);
	expect_failure(dir, EW_EINVAL, EW_GIT_BARE, "bare git repository");
	free(dir);
}

static void test_no_remotes(void **state)
{
	char *dir = make_repo("noremote", NULL);

	(void)state;
	expect_failure(dir, EW_ENOTFOUND, EW_GIT_NO_REMOTES, "has no remotes");
	free(dir);
}

static void test_no_github_remote(void **state)
{
	char *dir = make_repo("nogh", "https://gitlab.com/octo/app.git");
	struct ew_git_info info;
	struct ew_error err;

	(void)state;
	sh("git -C '%s' remote add mirror https://github.com/octo", dir);
	expect_failure(dir, EW_ENOTFOUND, EW_GIT_NO_GITHUB_REMOTE,
		       "seen: origin https://gitlab.com/octo/app.git, "
		       "mirror https://github.com/octo");
	/* why the github.com one was not taken */
	expect_failure(dir, EW_ENOTFOUND, EW_GIT_NO_GITHUB_REMOTE,
		       "no repository after owner 'octo'");
	ew_error_clear(&err);
	ew_git_detect(&info, dir, NULL, &err);
	assert_non_null(info.remotes_seen);
	assert_non_null(info.workdir);
	ew_git_info_release(&info);
	free(dir);
}

static void test_not_a_repository(void **state)
{
	char *dir = fresh("plain-dir");

	(void)state;
	sh("mkdir -p '%s'", dir);
	expect_failure(dir, EW_ENOTFOUND, EW_GIT_NOT_A_REPO,
		       "no git repository at");
	expect_failure("/nonexistent/dir", EW_ENOTFOUND, EW_GIT_NOT_A_REPO,
		       "cannot be opened");
	free(dir);
}

static void test_corrupt(void **state)
{
	char *dir = make_repo("corrupt", "https://github.com/octo/app");
	char *outer = make_repo("outer", "https://github.com/octo/outer");
	char *link = fresh("gitlink");
	struct ew_buf path;

	(void)state;
	sh("echo garbage > '%s/.git/HEAD'", dir);
	expect_failure(dir, EW_EIO, EW_GIT_CORRUPT, "cannot read HEAD");

	/* an empty .git inside another repository must not detect that one */
	ew_buf_init(&path);
	ew_buf_printf(&path, "%s/inner/.git", outer);
	sh("mkdir -p '%s'", path.ptr);
	ew_buf_clear(&path);
	ew_buf_printf(&path, "%s/inner", outer);
	expect_failure(path.ptr, EW_EIO, EW_GIT_CORRUPT, "/inner/.git'");

	/* a .git file pointing nowhere */
	sh("mkdir -p '%s' && echo 'gitdir: /nonexistent' > '%s/.git'", link,
	   link);
	expect_failure(link, EW_EIO, EW_GIT_CORRUPT, "gitlink/.git'");

	/* a config libgit2 cannot parse */
	ew_buf_clear(&path);
	ew_buf_printf(&path, "%s/.git/config", outer);
	sh("printf '[remote \"origin\"\\n\\tgarbage = = =\\n[[' >> '%s'",
	   path.ptr);
	expect_failure(outer, EW_EIO, EW_GIT_CORRUPT, "cannot read");
	ew_buf_release(&path);
	free(dir);
	free(outer);
	free(link);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(base, sizeof(base), "%s/ew-git-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base))
		return -1;
	/* git and libgit2 must not see the user's configuration */
	setenv("HOME", base, 1);
	setenv("XDG_CONFIG_HOME", base, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	return 0;
}

static int teardown(void **state)
{
	struct ew_buf cmd;

	(void)state;
	ew_buf_init(&cmd);
	ew_buf_printf(&cmd, "rm -rf '%s'", base);
	if (system(cmd.ptr) != 0)
		fprintf(stderr, "cannot remove '%s'\n", base);
	ew_buf_release(&cmd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_origin_on_github),
	    cmocka_unit_test(test_upstream_when_origin_elsewhere),
	    cmocka_unit_test(test_url_forms),
	    cmocka_unit_test(test_token_in_url_is_redacted),
	    cmocka_unit_test(test_rewrites_and_remote_names),
	    cmocka_unit_test(test_subdirectory_start),
	    cmocka_unit_test(test_detached_head),
	    cmocka_unit_test(test_no_commits),
	    cmocka_unit_test(test_default_branch),
	    cmocka_unit_test(test_enterprise_host),
	    cmocka_unit_test(test_bare),
	    cmocka_unit_test(test_no_remotes),
	    cmocka_unit_test(test_no_github_remote),
	    cmocka_unit_test(test_not_a_repository),
	    cmocka_unit_test(test_corrupt),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
