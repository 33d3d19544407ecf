/*
 * git_remote.h - which GitHub repository a git remote URL names.
 *
 * Pure string work, no I/O: turns every URL form git accepts for a GitHub
 * remote (https, http, ssh, git, git+ssh, scp-like `git@host:o/r`) into
 * owner, repository and host, and validates owner and repository names by
 * GitHub's rules.  Used by git_detect (remotes found by libgit2) and by the
 * front-ends for a typed `--github OWNER/REPO`.
 *
 * Memory: struct ew_github_ref is plain fixed-size storage, nothing to
 * release.  ew_git_remote_redact() returns a heap string the caller frees.
 */
#ifndef EW_GIT_REMOTE_H
#define EW_GIT_REMOTE_H

#include "error.h"

#include <stdbool.h>

#define EW_GITHUB_HOST_DEFAULT "github.com"
#define EW_GITHUB_OWNER_MAX    39
#define EW_GITHUB_REPO_MAX     100

struct ew_github_ref {
	char owner[EW_GITHUB_OWNER_MAX + 1]; /* as written in the URL */
	char repo[EW_GITHUB_REPO_MAX + 1];   /* without a ".git" suffix */
	char host[256];			     /* lower case, no port */
};

/*
 * Parse a remote URL.  github_host is the GitHub host to accept (a GitHub
 * Enterprise host from --github-host, with or without "https://"); NULL
 * means github.com, which also accepts www.github.com and ssh.github.com
 * (GitHub's SSH-over-443 host).  Hosts compare case-insensitively; ports
 * and user names (`git@`, `user:token@`) are ignored.
 *
 * Returns 0 and fills *out; EW_ENOTFOUND when the URL is well formed but
 * names another host or a local path (not a GitHub remote); EW_EINVAL when
 * it names the GitHub host but is malformed (no repository, extra path
 * segments like /tree/main, an invalid owner or repository name).  Error
 * messages show the URL with any password or token removed.
 */
int ew_git_remote_parse(struct ew_github_ref *out, const char *url,
			const char *github_host, struct ew_error *err);

/*
 * Parse a typed "OWNER/REPO" (a trailing ".git" is tolerated).  host is
 * copied into out->host (NULL: github.com).  EW_EINVAL with the rule in the
 * message when it is not valid.
 */
int ew_git_remote_parse_slug(struct ew_github_ref *out, const char *slug,
			     const char *github_host, struct ew_error *err);

/* GitHub's owner rule: 1-39 characters, letters, digits and single
 * hyphens, not starting with a hyphen. */
bool ew_git_remote_is_valid_owner(const char *owner);

/* GitHub's repository rule: 1-100 characters of [A-Za-z0-9._-], not "."
 * or "..". */
bool ew_git_remote_is_valid_repo(const char *repo);

/*
 * The URL safe to show: for http(s) the whole user info becomes "***"
 * (GitHub takes a token as the user name: `https://ghp_x@github.com/o/r`);
 * for other schemes and scp-like URLs only a password part after ':' does
 * (`git@host:o/r` stays).  Returns a heap string (free()), NULL only when
 * out of memory.
 */
char *ew_git_remote_redact(const char *url);

#endif
