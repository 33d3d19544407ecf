/*
 * Unit tests: libcurl and libgit2 opened on first use (lazy_curl,
 * lazy_git, lazy_lib).  Every table member resolves, to the same function
 * a program linked with -lcurl/-lgit2 calls (this test is linked with
 * both); calls through the table work, variadic ones included; a missing
 * library or symbol is an error, not a crash; and the shipped program is
 * and its test build are linked with neither library.
 */
#define _GNU_SOURCE /* dladdr() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "lazy_curl.h"
#include "lazy_git.h"
#include "lazy_lib.h"
#include "uri.h"

/* The address in a function pointer, as dlsym() returns it (ISO C has no
 * cast between the two; POSIX makes their representations the same). */
static void *fn_addr(const void *member)
{
	void *p;

	memcpy(&p, member, sizeof(p));
	return p;
}

/*
 * Each member of a table (structs of function pointers only): resolved,
 * defined in the library called soname, and the very function the
 * process's global symbol scope has under the same name, i.e. the one a
 * direct call from this test (linked with the library) reaches.
 */
static void check_table(const void *table, size_t size, const char *soname,
			const char *prefix)
{
	size_t n = size / sizeof(void *);

	assert_int_equal(size % sizeof(void *), 0);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		void *fn, *global;
		Dl_info info;

		fn = fn_addr((const char *)table + i * sizeof(void *));
		assert_non_null(fn);
		assert_true(dladdr(fn, &info) != 0);
		assert_non_null(info.dli_fname);
		assert_non_null(strstr(info.dli_fname, soname));
		assert_non_null(info.dli_sname);
		assert_memory_equal(info.dli_sname, prefix, strlen(prefix));
		global = dlsym(RTLD_DEFAULT, info.dli_sname);
		assert_ptr_equal(global, fn);
	}
}

static void test_curl_table(void **state)
{
	struct ew_error err;
	const struct ew_curl_api *api;

	(void)state;
	ew_error_clear(&err);
	assert_int_equal(ew_lazy_curl_load(&err), 0);
	assert_int_equal(err.code, 0);
	api = ew_lazy_curl_api();
	check_table(api, sizeof(*api), EW_LAZY_CURL_SONAME, "curl_");
	/* a few by name, so a shuffled table would show */
	assert_ptr_equal(fn_addr(&api->easy_init),
			 dlsym(RTLD_DEFAULT, "curl_easy_init"));
	assert_ptr_equal(fn_addr(&api->easy_setopt),
			 dlsym(RTLD_DEFAULT, "curl_easy_setopt"));
	assert_ptr_equal(fn_addr(&api->free), dlsym(RTLD_DEFAULT, "curl_free"));
	/* a direct call into the linked library: this test needs -lcurl,
	 * so the global scope above really is the linked copy */
	assert_non_null(strstr(curl_version(), "libcurl/"));
	/* once per process: a second load reports the same, same table */
	assert_int_equal(ew_lazy_curl_load(NULL), 0);
	assert_ptr_equal(ew_lazy_curl_api(), api);
}

static void test_curl_calls(void **state)
{
	char *host = NULL, *port = NULL, *priv = NULL;
	CURLU *u;
	CURL *e;

	(void)state;
	assert_int_equal(ew_lazy_curl_load(NULL), 0);
	assert_string_equal(curl_easy_strerror(CURLE_OK), "No error");
	u = curl_url();
	assert_non_null(u);
	assert_int_equal(
	    curl_url_set(u, CURLUPART_URL,
			 "https://sts.us-east-1.amazonaws.com:8443/"
			 "x",
			 0),
	    CURLUE_OK);
	assert_int_equal(curl_url_get(u, CURLUPART_HOST, &host, 0), CURLUE_OK);
	assert_int_equal(curl_url_get(u, CURLUPART_PORT, &port, 0), CURLUE_OK);
	assert_string_equal(host, "sts.us-east-1.amazonaws.com");
	assert_string_equal(port, "8443");
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);

	/* the variadic pair, both directions */
	e = curl_easy_init();
	assert_non_null(e);
	assert_int_equal(curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)"mark"),
			 CURLE_OK);
	assert_int_equal(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 1500L),
			 CURLE_OK);
	assert_int_equal(curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv),
			 CURLE_OK);
	assert_string_equal(priv, "mark");
	curl_easy_cleanup(e);
}

static void test_git_table(void **state)
{
	struct ew_error err;
	const struct ew_git_api *api;
	int major = 0, minor = 0, rev = 0;

	(void)state;
	ew_error_clear(&err);
	assert_int_equal(ew_lazy_git_load(&err), 0);
	api = ew_lazy_git_api();
	check_table(api, sizeof(*api), EW_LAZY_GIT_SONAME, "git_");
	assert_ptr_equal(fn_addr(&api->repository_open_ext),
			 dlsym(RTLD_DEFAULT, "git_repository_open_ext"));
	/* the library opened is the one the headers describe */
	assert_int_equal(git_libgit2_version(&major, &minor, &rev), 0);
	assert_int_equal(major, LIBGIT2_VER_MAJOR);
	assert_int_equal(minor, LIBGIT2_VER_MINOR);
	assert_int_equal(ew_lazy_git_load(NULL), 0);
	assert_ptr_equal(ew_lazy_git_api(), api);
}

static void test_git_calls(void **state)
{
	git_oid zero;
	char hex[8];

	(void)state;
	assert_int_equal(ew_lazy_git_load(NULL), 0);
	assert_true(git_libgit2_init() > 0);
	memset(&zero, 0, sizeof(zero));
	assert_string_equal(git_oid_tostr(hex, sizeof(hex), &zero), "0000000");
	/* git_libgit2_shutdown is not in the table: called directly, it
	 * balances the init above only because both are the same library */
	assert_true(git_libgit2_shutdown() >= 0);
}

/* A table shaped like the real ones, for the loader's failure paths. */
struct two {
	void (*a)(void);
	void (*b)(void);
};

static void test_missing_library(void **state)
{
	static const struct ew_lazy_sym syms[] = {
	    {"curl_easy_init", offsetof(struct two, a)},
	};
	struct ew_error err;
	struct two t;

	(void)state;
	ew_error_clear(&err);
	memset(&t, 0xa5, sizeof(t));
	assert_int_equal(ew_lazy_lib_open(&t, sizeof(t),
					  "libew-no-such-library.so.0", syms, 1,
					  &err),
			 EW_EIO);
	assert_int_equal(err.code, EW_EIO);
	assert_memory_equal(err.message,
			    "cannot load libew-no-such-library.so.0: ", 40);
	/* dlerror's text follows: it names the file */
	assert_non_null(strstr(err.message + 40, "libew-no-such-library"));
	assert_null(t.a);
	assert_null(t.b);
	/* err may be NULL, as everywhere in core */
	assert_int_equal(ew_lazy_lib_open(&t, sizeof(t),
					  "libew-no-such-library.so.0", syms, 1,
					  NULL),
			 EW_EIO);
}

static void test_missing_symbol(void **state)
{
	static const struct ew_lazy_sym syms[] = {
	    {"curl_easy_init", offsetof(struct two, a)},
	    {"curl_no_such_function", offsetof(struct two, b)},
	};
	struct ew_error err;
	struct two t;

	(void)state;
	ew_error_clear(&err);
	memset(&t, 0xa5, sizeof(t));
	assert_int_equal(
	    ew_lazy_lib_open(&t, sizeof(t), "libcurl.so.4", syms, 2, &err),
	    EW_EIO);
	assert_string_equal(err.message, "cannot load libcurl.so.4: no symbol "
					 "'curl_no_such_function'");
	/* all or nothing: the one that did resolve is not left behind */
	assert_null(t.a);
	assert_null(t.b);
}

static void test_bad_offset(void **state)
{
	static const struct ew_lazy_sym syms[] = {
	    {"curl_easy_init", sizeof(struct two)},
	};
	struct ew_error err;
	struct two t;

	(void)state;
	ew_error_clear(&err);
	assert_int_equal(
	    ew_lazy_lib_open(&t, sizeof(t), "libcurl.so.4", syms, 1, &err),
	    EW_EINVAL);
	assert_null(t.a);
}

/* A program under test: $env (make check sets it), else name in the
 * build directory this test was built into (build/<x>/tests/..). */
static void program_path(struct ew_buf *out, const char *env, const char *name)
{
	const char *bin = getenv(env);
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (bin && *bin) {
		assert_int_equal(ew_buf_puts(out, bin), 0);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	for (int i = 0; i < 2; i++) {
		slash = strrchr(self, '/');
		assert_non_null(slash);
		*slash = '\0';
	}
	assert_int_equal(ew_buf_printf(out, "%s/%s", self, name), 0);
}

/* The old parse of an endpoint URL, by libcurl itself: the Host header
 * it sends (the port only when not the scheme's default) and the path;
 * -1 for what it refuses or what has a query. */
static int curl_parts(const char *url, char *host, size_t hsize, char *path,
		      size_t psize)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *h = NULL, *port = NULL, *pa = NULL, *q = NULL;
	int rc = -1;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
	    (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) ||
	    curl_url_get(u, CURLUPART_QUERY, &q, 0) == CURLUE_OK)
		goto done;
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_PATH, &pa, 0);
	if (port &&
	    !((strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0) ||
	      (strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0)))
		snprintf(host, hsize, "%s:%s", h, port);
	else
		snprintf(host, hsize, "%s", h);
	snprintf(path, psize, "%s", pa && *pa ? pa : "/");
	rc = 0;
done:
	curl_free(scheme);
	curl_free(h);
	curl_free(port);
	curl_free(pa);
	curl_free(q);
	curl_url_cleanup(u);
	return rc;
}

/* uri.c parses endpoint URLs without libcurl (so --demo never loads it):
 * for every endpoint form, the same Host and path as libcurl's parser,
 * and the same refusals. */
static void test_endpoint_parse_like_curl(void **state)
{
	static const char *const ok[] = {
	    "https://iam.amazonaws.com",
	    "https://iam.amazonaws.com/",
	    "http://127.0.0.1:5000",
	    "http://127.0.0.1:5000/",
	    "https://sts.us-east-1.amazonaws.com:443/",
	    "http://localhost:80",
	    "https://example.com:8443/base/path",
	    "https://example.com/a/./b/../c",
	    "https://example.com/a/..",
	    "https://example.com/./",
	    "http://[::1]:4566/",
	    "https://host#frag",
	    "HTTPS://Host.Example.COM/",
	};
	static const char *const bad[] = {
	    "ftp://x",	     "not a url",     "https://",
	    "https://h?x=1", "https://h/p?x", "https://h:99999/",
	    "https://h:x/",  "https://a b/",  "https://u:p@h/",
	    "http//h",	     "https://[::1/", "https://h/ p",
	};
	char h1[300], p1[512], h2[300], p2[512];
	struct ew_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		print_message("%s\n", ok[i]);
		assert_int_equal(
		    curl_parts(ok[i], h1, sizeof(h1), p1, sizeof(p1)), 0);
		assert_int_equal(ew_uri_parse_endpoint(ok[i], h2, sizeof(h2),
						       p2, sizeof(p2), &err),
				 0);
		assert_string_equal(h2, h1);
		assert_string_equal(p2, p1);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%s\n", bad[i]);
		ew_error_clear(&err);
		assert_int_equal(ew_uri_parse_endpoint(bad[i], h2, sizeof(h2),
						       p2, sizeof(p2), &err),
				 EW_EINVAL);
		assert_non_null(strstr(err.message, bad[i]));
	}
}

/* The dynamic section lists neither library: the loader never maps them
 * (nor what they pull in) before main(). */
static void check_not_linked(const char *env, const char *name)
{
	struct ew_buf bin, cmd, needed;
	char line[512];
	FILE *p;

	ew_buf_init(&bin);
	ew_buf_init(&cmd);
	ew_buf_init(&needed);
	program_path(&bin, env, name);
	if (access(bin.ptr, X_OK) != 0)
		fail_msg("no program at '%s': build it first (make)", bin.ptr);
	assert_int_equal(ew_buf_printf(&cmd, "readelf -d '%s'", bin.ptr), 0);
	p = popen(cmd.ptr, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "(NEEDED)"))
			assert_int_equal(ew_buf_puts(&needed, line), 0);
	assert_int_equal(pclose(p), 0);
	print_message("%s:\n%s", bin.ptr, needed.ptr);
	/* the list was read at all */
	assert_non_null(strstr(needed.ptr, "[libc.so.6]"));
	assert_null(strstr(needed.ptr, "libcurl"));
	assert_null(strstr(needed.ptr, "libgit2"));
	ew_buf_release(&bin);
	ew_buf_release(&cmd);
	ew_buf_release(&needed);
}

static void test_programs_not_linked(void **state)
{
	(void)state;
	check_not_linked("EW_BIN", "ecr-wizard");
	check_not_linked("EW_TBIN", "ecr-wizard-test");
}

/* A --demo run sends nothing over the network, so it never loads libcurl
 * (nor what libcurl pulls in): the dynamic loader's own log
 * (LD_DEBUG=libs) of the shipped program names no libcurl, while a run
 * that does talk to AWS (an unreachable endpoint) does load it. */
static bool loads_curl(const char *args)
{
	struct ew_buf bin, cmd, log;
	char line[512];
	bool curl = false, started = false;
	FILE *p;

	ew_buf_init(&bin);
	ew_buf_init(&cmd);
	ew_buf_init(&log);
	program_path(&bin, "EW_BIN", "ecr-wizard");
	if (access(bin.ptr, X_OK) != 0)
		fail_msg("no program at '%s': build it first (make)", bin.ptr);
	assert_int_equal(ew_buf_printf(&cmd,
				       "cd / && env -i PATH=/usr/bin:/bin "
				       "HOME=/nonexistent LD_DEBUG=libs '%s' "
				       "%s </dev/null 2>&1 >/dev/null",
				       bin.ptr, args),
			 0);
	p = popen(cmd.ptr, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "libc.so.6"))
			started = true;
		if (strstr(line, "find library=libcurl"))
			curl = true;
	}
	(void)pclose(p);
	/* the loader's log was read at all */
	assert_true(started);
	ew_buf_release(&bin);
	ew_buf_release(&cmd);
	ew_buf_release(&log);
	return curl;
}

static void test_demo_never_loads_curl(void **state)
{
	(void)state;
	assert_false(loads_curl("plan --demo --github octo-org/octo-app "
				"--no-workflow"));
	assert_false(loads_curl("doctor --demo --github octo-org/octo-app "
				"--no-workflow"));
	/* the check can fail: a real plan loads it */
	assert_true(loads_curl("plan --github octo-org/octo-app --no-workflow "
			       "--no-github-api --account 123456789012 "
			       "--region us-east-1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_curl_table),
	    cmocka_unit_test(test_curl_calls),
	    cmocka_unit_test(test_git_table),
	    cmocka_unit_test(test_git_calls),
	    cmocka_unit_test(test_missing_library),
	    cmocka_unit_test(test_missing_symbol),
	    cmocka_unit_test(test_bad_offset),
	    cmocka_unit_test(test_programs_not_linked),
	    cmocka_unit_test(test_endpoint_parse_like_curl),
	    cmocka_unit_test(test_demo_never_loads_curl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
