/* Unit tests: GitHub remote URL parsing, a table of URLs and outcomes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_remote.h"

struct url_case {
	const char *url;
	const char *host;	       /* --github-host; NULL = github.com */
	int code;		       /* expected return */
	const char *owner_or_fragment; /* owner, or a message fragment */
	const char *repo;
};

static const struct url_case cases[] = {
    /* https */
    {"https://github.com/octo/repo", NULL, 0, "octo", "repo"},
    {"https://github.com/octo/repo.git", NULL, 0, "octo", "repo"},
    {"https://github.com/octo/repo/", NULL, 0, "octo", "repo"},
    {"https://github.com/octo/repo.git///", NULL, 0, "octo", "repo"},
    {"https://user@github.com/octo/repo.git", NULL, 0, "octo", "repo"},
    {"https://x-access-token:tok@github.com/octo/repo", NULL, 0, "octo",
     "repo"},
    {"https://github.com:443/octo/repo", NULL, 0, "octo", "repo"},
    {"http://github.com/octo/repo", NULL, 0, "octo", "repo"},
    {"HTTPS://GitHub.COM/Octo-Org/My.Repo_1", NULL, 0, "Octo-Org", "My.Repo_1"},
    {"https://www.github.com/octo/repo", NULL, 0, "octo", "repo"},
    {"https://github.com/octo/repo.git.git", NULL, 0, "octo", "repo.git"},
    {"https://github.com/octo/.github", NULL, 0, "octo", ".github"},
    /* ssh, scp-like, git, git+ssh */
    {"git@github.com:octo/repo", NULL, 0, "octo", "repo"},
    {"git@github.com:octo/repo.git", NULL, 0, "octo", "repo"},
    {"git@github.com:/octo/repo.git", NULL, 0, "octo", "repo"},
    {"org-12345@github.com:octo/repo.git", NULL, 0, "octo", "repo"},
    {"github.com:octo/repo", NULL, 0, "octo", "repo"},
    {"ssh://git@github.com/octo/repo", NULL, 0, "octo", "repo"},
    {"ssh://git@github.com/octo/repo.git", NULL, 0, "octo", "repo"},
    {"ssh://git@github.com:22/octo/repo.git", NULL, 0, "octo", "repo"},
    {"ssh://git@ssh.github.com:443/octo/repo.git", NULL, 0, "octo", "repo"},
    {"git://github.com/octo/repo.git", NULL, 0, "octo", "repo"},
    {"git+ssh://git@github.com/octo/repo.git", NULL, 0, "octo", "repo"},
    {"ssh+git://git@github.com/octo/repo", NULL, 0, "octo", "repo"},
    /* GitHub Enterprise */
    {"https://ghe.example.com/team/app.git", "ghe.example.com", 0, "team",
     "app"},
    {"git@GHE.example.com:team/app.git", "https://ghe.example.com/", 0, "team",
     "app"},
    {"ssh://git@ghe.example.com:2222/team/app", "GHE.example.com:8443", 0,
     "team", "app"},
    {"https://github.com/octo/repo", "ghe.example.com", EW_ENOTFOUND,
     "not 'ghe.example.com'", NULL},
    /* not GitHub */
    {"https://gitlab.com/octo/repo.git", NULL, EW_ENOTFOUND,
     "points at 'gitlab.com', not 'github.com'", NULL},
    {"git@bitbucket.org:octo/repo.git", NULL, EW_ENOTFOUND, "bitbucket.org",
     NULL},
    {"https://github.com.evil.example/octo/repo", NULL, EW_ENOTFOUND,
     "github.com.evil.example", NULL},
    {"https://gist.github.com/octo/abc", NULL, EW_ENOTFOUND, "gist.github.com",
     NULL},
    {"gh-work:octo/repo.git", NULL, EW_ENOTFOUND, "ssh alias", NULL},
    {"/srv/git/repo.git", NULL, EW_ENOTFOUND, "local path", NULL},
    {"../other/repo", NULL, EW_ENOTFOUND, "local path", NULL},
    {"file:///srv/git/repo.git", NULL, EW_ENOTFOUND, "'file://'", NULL},
    {"https://[::1]/octo/repo", NULL, EW_ENOTFOUND, "[::1]", NULL},
    /* malformed GitHub URLs */
    {"https://github.com/octo", NULL, EW_EINVAL, "no repository after owner",
     NULL},
    {"https://github.com/octo/", NULL, EW_EINVAL, "no repository", NULL},
    {"https://github.com", NULL, EW_EINVAL, "expected OWNER/REPO", NULL},
    {"https://github.com/", NULL, EW_EINVAL, "expected OWNER/REPO", NULL},
    {"https://github.com/octo/repo/tree/main", NULL, EW_EINVAL,
     "unexpected 'tree/main'", NULL},
    {"https://github.com//repo", NULL, EW_EINVAL, "owner is empty", NULL},
    {"git@github.com:/repo", NULL, EW_EINVAL, "no repository", NULL},
    {"https://github.com/-octo/repo", NULL, EW_EINVAL, "single hyphens", NULL},
    {"https://github.com/oc--to/repo", NULL, EW_EINVAL, "single hyphens", NULL},
    {"https://github.com/oc_to/repo", NULL, EW_EINVAL, "owner 'oc_to'", NULL},
    {"https://github.com/"
     "a234567890123456789012345678901234567890/repo",
     NULL, EW_EINVAL, "longer than 39", NULL},
    {"https://github.com/octo/re po", NULL, EW_EINVAL,
     "repository name 're po'", NULL},
    {"https://github.com/octo/repo?tab=readme", NULL, EW_EINVAL,
     "repository name", NULL},
    {"https://github.com/octo/..", NULL, EW_EINVAL, "not '.' or '..'", NULL},
    {"https://github.com:0/octo/repo", NULL, EW_EINVAL, "bad port '0'", NULL},
    {"https://github.com:http/octo/repo", NULL, EW_EINVAL, "bad port", NULL},
    {"", NULL, EW_EINVAL, "empty remote url", NULL},
};

static void test_url_table(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct url_case *c = &cases[i];
		struct ew_github_ref ref;
		struct ew_error err;
		int rc;

		ew_error_clear(&err);
		rc = ew_git_remote_parse(&ref, c->url, c->host, &err);
		if (rc != c->code) {
			printf("FAIL '%s': rc %d, want %d (%s)\n", c->url, rc,
			       c->code, err.message);
			failures++;
			continue;
		}
		if (c->code == 0 && (strcmp(ref.owner, c->owner_or_fragment) ||
				     strcmp(ref.repo, c->repo))) {
			printf("FAIL '%s': got '%s/%s'\n", c->url, ref.owner,
			       ref.repo);
			failures++;
		}
		if (c->code != 0 &&
		    (!strstr(err.message, c->owner_or_fragment) ||
		     err.code != c->code || ref.owner[0])) {
			printf("FAIL '%s': message '%s' lacks '%s'\n", c->url,
			       err.message, c->owner_or_fragment);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	assert_true(sizeof(cases) / sizeof(cases[0]) >= 40);
}

static void test_host_is_canonical(void **state)
{
	struct ew_github_ref ref;

	(void)state;
	assert_int_equal(ew_git_remote_parse(&ref,
					     "ssh://git@ssh.github.com:443/o/r",
					     NULL, NULL),
			 0);
	assert_string_equal(ref.host, "github.com");
	assert_int_equal(ew_git_remote_parse(&ref, "git@GHE.Example.com:o/r",
					     "https://ghe.example.com/", NULL),
			 0);
	assert_string_equal(ref.host, "ghe.example.com");
}

static void test_token_never_in_message(void **state)
{
	struct ew_error err;
	struct ew_github_ref ref;

	(void)state;
	ew_error_clear(&err);
	assert_int_equal(
	    ew_git_remote_parse(&ref, "https://ghp_SECRET123@github.com/octo",
				NULL, &err),
	    EW_EINVAL);
	assert_null(strstr(err.message, "SECRET"));
	assert_non_null(strstr(err.message, "https://***@github.com/octo"));
	assert_int_equal(ew_git_remote_parse(&ref,
					     "https://u:SECRET@gitlab.com/o/r",
					     NULL, &err),
			 EW_ENOTFOUND);
	assert_null(strstr(err.message, "SECRET"));
}

static void test_redact(void **state)
{
	static const char *const pairs[][2] = {
	    {"https://user:tok@github.com/o/r", "https://***@github.com/o/r"},
	    {"https://tok@github.com/o/r", "https://***@github.com/o/r"},
	    {"https://github.com/o/r", "https://github.com/o/r"},
	    {"ssh://git@github.com/o/r", "ssh://git@github.com/o/r"},
	    {"ssh://git:pw@github.com/o/r", "ssh://git:***@github.com/o/r"},
	    {"git@github.com:o/r", "git@github.com:o/r"},
	    {"https://github.com/o/r@x", "https://github.com/o/r@x"},
	    {"", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char *s = ew_git_remote_redact(pairs[i][0]);

		assert_non_null(s);
		assert_string_equal(s, pairs[i][1]);
		free(s);
	}
}

static void test_slug_and_validators(void **state)
{
	struct ew_github_ref ref;
	struct ew_error err;

	(void)state;
	ew_error_clear(&err);
	assert_int_equal(
	    ew_git_remote_parse_slug(&ref, "Octo/Re.po", NULL, &err), 0);
	assert_string_equal(ref.owner, "Octo");
	assert_string_equal(ref.repo, "Re.po");
	assert_string_equal(ref.host, "github.com");
	assert_int_equal(ew_git_remote_parse_slug(&ref, "octo/repo.git",
						  "ghe.example.com", &err),
			 0);
	assert_string_equal(ref.repo, "repo");
	assert_string_equal(ref.host, "ghe.example.com");
	assert_int_equal(ew_git_remote_parse_slug(&ref, "octo", NULL, &err),
			 EW_EINVAL);
	assert_non_null(strstr(err.message, "expected OWNER/REPO"));
	assert_int_equal(ew_git_remote_parse_slug(&ref, "a/b/c", NULL, &err),
			 EW_EINVAL);
	assert_int_equal(ew_git_remote_parse_slug(&ref, "", NULL, &err),
			 EW_EINVAL);

	assert_true(ew_git_remote_is_valid_owner("a"));
	assert_true(ew_git_remote_is_valid_owner("a-b-c"));
	assert_true(ew_git_remote_is_valid_owner(
	    "a23456789012345678901234567890123456789"));
	assert_false(ew_git_remote_is_valid_owner(
	    "a234567890123456789012345678901234567890"));
	assert_false(ew_git_remote_is_valid_owner(""));
	assert_false(ew_git_remote_is_valid_owner("a.b"));
	assert_true(ew_git_remote_is_valid_repo("a"));
	assert_true(ew_git_remote_is_valid_repo("..."));
	assert_false(ew_git_remote_is_valid_repo("."));
	assert_false(ew_git_remote_is_valid_repo("a/b"));
	assert_false(ew_git_remote_is_valid_repo(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url_table),
	    cmocka_unit_test(test_host_is_canonical),
	    cmocka_unit_test(test_token_never_in_message),
	    cmocka_unit_test(test_redact),
	    cmocka_unit_test(test_slug_and_validators),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
