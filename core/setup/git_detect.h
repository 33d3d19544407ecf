/*
 * git_detect.h - find the GitHub repository the user is standing in.
 *
 * Wizard step 1 ("Detect"): libgit2 discovers the repository from a start
 * directory upward, picks the remote that points at GitHub (`origin` first,
 * else the first remote in name order that does), and reads the current
 * and default branch.  Every failure has its own outcome and a message that
 * names the manual path (`use --github OWNER/REPO`).  Never prints.
 *
 * Memory: every string in struct ew_git_info is a heap copy owned by the
 * struct; ew_git_info_release() frees them.  ew_git_detect() initialises
 * *out itself and leaves whatever it learnt there even on failure (e.g. the
 * remotes seen), so call ew_git_info_release() after every call.
 */
#ifndef EW_GIT_DETECT_H
#define EW_GIT_DETECT_H

#include "error.h"
#include "git_remote.h"

#include <stdbool.h>

enum ew_git_outcome {
	EW_GIT_FOUND = 0,	 /* a GitHub remote was found */
	EW_GIT_NOT_A_REPO,	 /* no repository here or above */
	EW_GIT_BARE,		 /* a bare repository: no work tree */
	EW_GIT_NO_REMOTES,	 /* a repository without remotes */
	EW_GIT_NO_GITHUB_REMOTE, /* remotes, none on the GitHub host */
	EW_GIT_CORRUPT,		 /* .git exists but cannot be read */
	EW_GIT_NOT_OWNED,	 /* owned by another user (safe.directory) */
};

struct ew_git_info {
	enum ew_git_outcome outcome;
	char *workdir;	   /* work tree root, no trailing '/' */
	char *remote_name; /* "origin" */
	/* The remote's URL after insteadOf rewriting, passed through
	 * ew_git_remote_redact(): a token in it never gets this far. */
	char *remote_url;
	struct ew_github_ref ref; /* owner, repo, host of that remote */
	/* Current branch ("main"); NULL when HEAD is detached. */
	char *branch;
	bool is_detached; /* HEAD is a commit, see head_short */
	char *head_short; /* abbreviated commit id of HEAD; NULL if unborn */
	bool is_unborn;	  /* no commit yet: branch comes from HEAD itself */
	/* The remote's default branch from refs/remotes/<remote>/HEAD. */
	char *default_branch;
	/* default_branch was guessed ("main", or "master" when only that
	 * remote-tracking branch exists): refs/remotes/<remote>/HEAD is
	 * missing, e.g. after `git remote add` without a clone. */
	bool is_default_branch_guessed;
	/* Every remote seen, "name url" joined with ", " (URLs redacted);
	 * NULL when there were none.  Shown when none is on GitHub. */
	char *remotes_seen;
};

/*
 * Detect from start_dir (NULL: the current directory) upward.  github_host
 * as for ew_git_remote_parse() (NULL: github.com).
 *
 * Returns 0 with out->outcome EW_GIT_FOUND, or a negative code with
 * out->outcome saying what was wrong and err a message naming
 * `--github OWNER/REPO`:
 *   EW_ENOTFOUND  NOT_A_REPO, NO_REMOTES, NO_GITHUB_REMOTE (the message
 *                 lists the remotes seen)
 *   EW_EINVAL     BARE
 *   EW_EIO        CORRUPT, NOT_OWNED
 *   EW_ENOMEM     out of memory (outcome undefined)
 * A repository whose HEAD cannot be read is CORRUPT; remote_name,
 * remote_url and ref are then still filled when a GitHub remote was found.
 */
int ew_git_detect(struct ew_git_info *out, const char *start_dir,
		  const char *github_host, struct ew_error *err);

void ew_git_info_release(struct ew_git_info *info);

#endif
