#include "git_detect.h"
#include "buf.h"
#include "lazy_git.h" /* libgit2, opened on first use: see the header */

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MANUAL "use --github OWNER/REPO"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* libgit2 stays initialised for the life of the process: shutting it down
 * while another thread detects would pull its globals from under it. */
static void init_libgit2(void)
{
	git_libgit2_init();
}

static const char *git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

void ew_git_info_release(struct ew_git_info *info)
{
	if (!info)
		return;
	free(info->workdir);
	free(info->remote_name);
	free(info->remote_url);
	free(info->branch);
	free(info->head_short);
	free(info->default_branch);
	free(info->remotes_seen);
	memset(info, 0, sizeof(*info));
}

static int set_str(char **dst, const char *src, struct ew_error *err)
{
	free(*dst);
	*dst = ew_strdup(src);
	return *dst || !src ? 0 : ew_error_oom(err);
}

static int fail(struct ew_git_info *out, enum ew_git_outcome outcome, int code,
		struct ew_error *err)
{
	(void)err; /* the message was set by the caller */
	out->outcome = outcome;
	return code;
}

/*
 * The nearest directory at or above dir holding a ".git" entry, or NULL.
 * libgit2 skips an unreadable .git and keeps searching upward, which would
 * quietly detect an enclosing repository; comparing with this catches it.
 */
static char *nearest_dotgit(const char *dir)
{
	struct ew_buf b;
	char *path = ew_strdup(dir), *slash;
	struct stat st;

	ew_buf_init(&b);
	while (path) {
		ew_buf_clear(&b);
		if (ew_buf_printf(&b, "%s/.git", *path ? path : "") < 0)
			break;
		if (lstat(b.ptr, &st) == 0) {
			ew_buf_release(&b);
			return path;
		}
		slash = strrchr(path, '/');
		if (!slash || !*path)
			break;
		*slash = '\0';
	}
	free(path);
	ew_buf_release(&b);
	return NULL;
}

static char *strip_slash(char *s)
{
	size_t n = s ? strlen(s) : 0;

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* Open the repository for start (a real path); fills outcome on failure. */
static int open_repo(git_repository **repo, struct ew_git_info *out,
		     const char *start, struct ew_error *err)
{
	char *dotgit = nearest_dotgit(start), *work = NULL;
	char real[PATH_MAX];
	int rc, ret = 0;

	rc = git_repository_open_ext(repo, start, 0, NULL);
	if (rc == GIT_EOWNER) {
		ew_error_set(
		    err, EW_EIO,
		    "cannot open the git repository above '%s': it is "
		    "owned by another user (see git's safe.directory): "
		    "%s",
		    start, MANUAL);
		ret = fail(out, EW_GIT_NOT_OWNED, EW_EIO, err);
		goto done;
	}
	if (rc == 0 && git_repository_workdir(*repo) &&
	    realpath(git_repository_workdir(*repo), real))
		work = ew_strdup(real);
	if (dotgit && (rc != 0 || (work && strcmp(work, dotgit) != 0 &&
				   strncmp(work, dotgit, strlen(work)) == 0))) {
		/* a .git closer than what libgit2 found (or it found none) */
		ew_error_set(err, EW_EIO,
			     "cannot read the git repository at '%s/.git': %s: "
			     "repair it, or %s",
			     *dotgit ? dotgit : "",
			     rc ? git_msg() : "not valid", MANUAL);
		ret = fail(out, EW_GIT_CORRUPT, EW_EIO, err);
		goto done;
	}
	if (rc == GIT_ENOTFOUND) {
		ew_error_set(err, EW_ENOTFOUND,
			     "no git repository at '%s' or above: %s", start,
			     MANUAL);
		ret = fail(out, EW_GIT_NOT_A_REPO, EW_ENOTFOUND, err);
		goto done;
	}
	if (rc < 0) {
		ew_error_set(err, EW_EIO,
			     "cannot read the git repository above '%s': %s: "
			     "repair it, or %s",
			     start, git_msg(), MANUAL);
		ret = fail(out, EW_GIT_CORRUPT, EW_EIO, err);
	}
done:
	if (ret < 0 && rc == 0) {
		git_repository_free(*repo);
		*repo = NULL;
	}
	free(dotgit);
	free(work);
	return ret;
}

/* "refs/remotes/origin/trunk" -> "trunk" */
static const char *after_prefix(const char *name, const char *remote)
{
	size_t n = strlen(remote);

	if (strncmp(name, "refs/remotes/", 13) != 0)
		return NULL;
	name += 13;
	if (strncmp(name, remote, n) == 0 && name[n] == '/')
		return name + n + 1;
	/* a HEAD pointing into another remote's namespace: its last part */
	return strchr(name, '/') ? strchr(name, '/') + 1 : NULL;
}

static bool has_ref(git_repository *repo, const char *name)
{
	git_reference *ref = NULL;
	bool found = git_reference_lookup(&ref, repo, name) == 0;

	git_reference_free(ref);
	return found;
}

static bool has_remote_branch(git_repository *repo, const char *remote,
			      const char *branch)
{
	struct ew_buf name;
	bool found;

	ew_buf_init(&name);
	found =
	    ew_buf_printf(&name, "refs/remotes/%s/%s", remote, branch) == 0 &&
	    has_ref(repo, name.ptr);
	ew_buf_release(&name);
	return found;
}

static int read_default_branch(struct ew_git_info *out, git_repository *repo,
			       struct ew_error *err)
{
	struct ew_buf name;
	git_reference *ref = NULL;
	const char *target = NULL, *guess = "main";
	int rc = 0;

	ew_buf_init(&name);
	if (ew_buf_printf(&name, "refs/remotes/%s/HEAD", out->remote_name) <
	    0) {
		rc = ew_error_oom(err);
		goto done;
	}
	if (git_reference_lookup(&ref, repo, name.ptr) == 0 &&
	    git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC)
		target = after_prefix(git_reference_symbolic_target(ref),
				      out->remote_name);
	if (target && *target) {
		rc = set_str(&out->default_branch, target, err);
		goto done;
	}
	/* No remote HEAD (a `git remote add` without clone, or an old
	 * clone): GitHub's default for new repositories, unless only the
	 * older default was fetched. */
	out->is_default_branch_guessed = true;
	if (!has_remote_branch(repo, out->remote_name, "main") &&
	    has_remote_branch(repo, out->remote_name, "master"))
		guess = "master";
	rc = set_str(&out->default_branch, guess, err);
done:
	git_reference_free(ref);
	ew_buf_release(&name);
	return rc;
}

static int read_head(struct ew_git_info *out, git_repository *repo,
		     struct ew_error *err)
{
	git_reference *head = NULL;
	char sha[GIT_OID_HEXSZ + 1];
	const char *name;
	int rc = git_repository_head(&head, repo);

	if (rc == GIT_EUNBORNBRANCH) {
		out->is_unborn = true;
		git_reference_free(head);
		head = NULL;
		rc = git_reference_lookup(&head, repo, "HEAD");
		name = rc == 0 ? git_reference_symbolic_target(head) : NULL;
		if (!name || strncmp(name, "refs/heads/", 11) != 0) {
			rc = -1;
			goto corrupt;
		}
		rc = set_str(&out->branch, name + 11, err);
		goto done;
	}
	if (rc < 0 || !git_reference_target(head))
		goto corrupt;
	git_oid_tostr(sha, 8, git_reference_target(head));
	if ((rc = set_str(&out->head_short, sha, err)) < 0)
		goto done;
	if (git_repository_head_detached(repo) == 1) {
		out->is_detached = true;
		goto done;
	}
	name = git_reference_name(head);
	rc = set_str(&out->branch,
		     strncmp(name, "refs/heads/", 11) ? name : name + 11, err);
	goto done;
corrupt:
	ew_error_set(err, EW_EIO,
		     "cannot read HEAD of the git repository at '%s': %s: "
		     "repair it, or %s",
		     out->workdir, rc < 0 ? git_msg() : "no commit", MANUAL);
	rc = fail(out, EW_GIT_CORRUPT, EW_EIO, err);
done:
	git_reference_free(head);
	return rc;
}

/*
 * The remotes and url.<base>.insteadOf rules, read with a plain config
 * iterator.  libgit2 1.5's regex matching leaks its pcre2 match data on
 * every non-match (fixed upstream in libgit2#6382, not in 1.5.x), and
 * git_remote_list() and the insteadOf rewrite in git_remote_lookup() match
 * every config entry against a regex: under SAN=1 each detection would
 * report leaks.  Config parsing itself stays libgit2's.
 */
struct remote_cfg {
	git_config *cfg; /* snapshot: repository, global and system */
	char **names;	 /* sorted, unique */
	size_t nnames;
	char **bases; /* url.<base>.insteadOf = <prefix> */
	size_t nbases;
	char **prefixes; /* bases[i] exists for every i < nrules */
	size_t nrules;
};

static int push_str(char ***arr, size_t *n, const char *s, size_t len)
{
	char **grown = realloc(*arr, (*n + 1) * sizeof(char *));
	char *copy = grown ? malloc(len + 1) : NULL;

	if (grown)
		*arr = grown;
	if (!copy)
		return EW_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	(*arr)[(*n)++] = copy;
	return 0;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n && !strcmp(s + len - n, suffix);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void remote_cfg_release(struct remote_cfg *rc)
{
	for (size_t i = 0; i < rc->nnames; i++)
		free(rc->names[i]);
	for (size_t i = 0; i < rc->nbases; i++)
		free(rc->bases[i]);
	for (size_t i = 0; i < rc->nrules; i++)
		free(rc->prefixes[i]);
	free(rc->names);
	free(rc->bases);
	free(rc->prefixes);
	git_config_free(rc->cfg);
	memset(rc, 0, sizeof(*rc));
}

/* Returns 0, EW_ENOMEM, or -1 for a libgit2 failure (git_msg() says). */
static int remote_cfg_read(struct remote_cfg *rc, git_repository *repo)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t n = 0;
	int rc_git, ret = 0;

	memset(rc, 0, sizeof(*rc));
	if (git_repository_config_snapshot(&rc->cfg, repo) < 0 ||
	    git_config_iterator_new(&it, rc->cfg) < 0)
		return -1;
	/* libgit2 lower-cases section and variable names, not subsections */
	while (ret == 0 && (rc_git = git_config_next(&e, it)) == 0) {
		const char *name = e->name;
		size_t len = strlen(name);

		if (!strncmp(name, "remote.", 7) &&
		    ends_with(name, len, ".url") && len > 11)
			ret = push_str(&rc->names, &rc->nnames, name + 7,
				       len - 11);
		else if (!strncmp(name, "remote.", 7) &&
			 ends_with(name, len, ".pushurl") && len > 15)
			ret = push_str(&rc->names, &rc->nnames, name + 7,
				       len - 15);
		else if (!strncmp(name, "url.", 4) &&
			 ends_with(name, len, ".insteadof") && len > 14 &&
			 e->value && *e->value) {
			ret = push_str(&rc->bases, &rc->nbases, name + 4,
				       len - 14);
			if (ret == 0)
				ret = push_str(&rc->prefixes, &rc->nrules,
					       e->value, strlen(e->value));
		}
	}
	git_config_iterator_free(it);
	if (ret == 0 && rc_git != GIT_ITEROVER)
		ret = -1;
	if (ret < 0)
		return ret;
	if (rc->nnames)
		qsort(rc->names, rc->nnames, sizeof(char *), cmp_str);
	for (size_t i = 0; i < rc->nnames; i++) {
		if (n && !strcmp(rc->names[n - 1], rc->names[i]))
			free(rc->names[i]);
		else
			rc->names[n++] = rc->names[i];
	}
	rc->nnames = n;
	return 0;
}

/* The remote's fetch URL after git's insteadOf rule (longest prefix
 * wins), appended to out; out stays empty when the remote has none. */
static int remote_url(struct ew_buf *out, const struct remote_cfg *rc,
		      const char *name)
{
	git_buf val = GIT_BUF_INIT;
	struct ew_buf key;
	size_t best_len = 0, best = 0;
	int ret = 0;

	ew_buf_init(&key);
	if (ew_buf_printf(&key, "remote.%s.url", name) < 0) {
		ret = EW_ENOMEM;
		goto done;
	}
	if (git_config_get_string_buf(&val, rc->cfg, key.ptr) < 0)
		goto done; /* a remote with only a pushurl */
	for (size_t i = 0; i < rc->nrules; i++) {
		size_t n = strlen(rc->prefixes[i]);

		if (n > best_len && !strncmp(val.ptr, rc->prefixes[i], n)) {
			best_len = n;
			best = i;
		}
	}
	if ((best_len && ew_buf_puts(out, rc->bases[best]) < 0) ||
	    ew_buf_puts(out, val.ptr + best_len) < 0)
		ret = EW_ENOMEM;
done:
	git_buf_dispose(&val);
	ew_buf_release_secret(&key);
	return ret;
}

struct pick {
	struct ew_buf seen;
	char first_invalid[256]; /* why a GitHub-host URL was rejected */
	char other_host[256];	 /* a host with an OWNER/REPO-shaped URL */
};

/* Hosts of other forges: never offered as a GitHub Enterprise host. */
static bool other_forge(const char *host)
{
	static const char *const forges[] = {
	    "gitlab.com",    "bitbucket.org",	  "codeberg.org",
	    "dev.azure.com", "ssh.dev.azure.com", "git.sr.ht"};

	for (size_t i = 0; i < sizeof(forges) / sizeof(forges[0]); i++)
		if (strcasecmp(host, forges[i]) == 0)
			return true;
	return false;
}

/* The host of a remote URL (scheme://[user@]host[:port]/... or the
 * scp-like [user@]host:path), empty when there is none. */
static void remote_host(char *out, size_t size, const char *url)
{
	const char *p = strstr(url, "://"), *end;
	const char *at;

	out[0] = '\0';
	if (p) {
		p += 3;
		end = p + strcspn(p, "/");
	} else {
		p = url;
		end = p + strcspn(p, ":/");
		if (!*end || *end != ':')
			return; /* a local path */
	}
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	end = p + strcspn(p, ":/");
	if (end > p && (size_t)(end - p) < size)
		snprintf(out, size, "%.*s", (int)(end - p), p);
}

/* Try one remote: 1 when it is on GitHub (and now chosen), 0 when not. */
static int try_remote(struct ew_git_info *out, struct pick *pk,
		      const struct remote_cfg *rc, const char *name,
		      const char *github_host, struct ew_error *err)
{
	struct ew_buf url;
	struct ew_error perr;
	char *shown = NULL;
	int rc_ = 0;

	ew_buf_init(&url);
	if (remote_url(&url, rc, name) < 0 ||
	    !(shown = ew_git_remote_redact(url.ptr))) {
		rc_ = ew_error_oom(err);
		goto done;
	}
	if ((pk->seen.len && ew_buf_puts(&pk->seen, ", ") < 0) ||
	    ew_buf_printf(&pk->seen, "%s %s", name,
			  *shown ? shown : "(no url)") < 0) {
		rc_ = ew_error_oom(err);
		goto done;
	}
	if (out->remote_name)
		goto done; /* already chosen: only listing */
	ew_error_clear(&perr);
	if (ew_git_remote_parse(&out->ref, url.ptr, github_host, &perr) == 0) {
		if ((rc_ = set_str(&out->remote_name, name, err)) < 0 ||
		    (rc_ = set_str(&out->remote_url, shown, err)) < 0)
			goto done;
		rc_ = 1;
	} else if (perr.code == EW_EINVAL && !pk->first_invalid[0]) {
		snprintf(pk->first_invalid, sizeof(pk->first_invalid), "%.255s",
			 perr.message);
	} else if (perr.code == EW_ENOTFOUND && !pk->other_host[0]) {
		/* OWNER/REPO on another host: likely GitHub Enterprise */
		struct ew_github_ref ref;
		char host[256];

		remote_host(host, sizeof(host), url.ptr);
		if (host[0] && !other_forge(host) &&
		    ew_git_remote_parse(&ref, url.ptr, host, NULL) == 0)
			snprintf(pk->other_host, sizeof(pk->other_host), "%s",
				 host);
	}
done:
	free(shown);
	/* the URL may hold a token */
	ew_buf_release_secret(&url);
	return rc_;
}

static int pick_remote(struct ew_git_info *out, git_repository *repo,
		       const char *github_host, struct ew_error *err)
{
	struct remote_cfg rcfg;
	struct pick pk;
	int rc = remote_cfg_read(&rcfg, repo);

	ew_buf_init(&pk.seen);
	pk.first_invalid[0] = '\0';
	pk.other_host[0] = '\0';
	if (rc == EW_ENOMEM) {
		ew_error_oom(err);
		goto done;
	}
	if (rc < 0) {
		ew_error_set(err, EW_EIO,
			     "cannot read the remotes of '%s': %s: repair the "
			     "config, or %s",
			     out->workdir, git_msg(), MANUAL);
		rc = fail(out, EW_GIT_CORRUPT, EW_EIO, err);
		goto done;
	}
	if (rcfg.nnames == 0) {
		ew_error_set(err, EW_ENOTFOUND,
			     "git repository '%s' has no remotes: add one with "
			     "'git remote add origin "
			     "https://%s/OWNER/REPO', or %s",
			     out->workdir,
			     github_host ? github_host : EW_GITHUB_HOST_DEFAULT,
			     MANUAL);
		rc = fail(out, EW_GIT_NO_REMOTES, EW_ENOTFOUND, err);
		goto done;
	}
	/* origin first, then the rest in name order (git remote's order) */
	for (size_t i = 0; rc >= 0 && i < rcfg.nnames; i++)
		if (!strcmp(rcfg.names[i], "origin"))
			rc = try_remote(out, &pk, &rcfg, "origin", github_host,
					err);
	for (size_t i = 0; rc >= 0 && i < rcfg.nnames; i++)
		if (strcmp(rcfg.names[i], "origin") != 0)
			rc = try_remote(out, &pk, &rcfg, rcfg.names[i],
					github_host, err);
	if (rc < 0)
		goto done;
	out->remotes_seen = ew_buf_detach(&pk.seen);
	if (!out->remotes_seen) {
		rc = ew_error_oom(err);
		goto done;
	}
	rc = 0;
	if (!out->remote_name) {
		if (pk.other_host[0])
			ew_error_set(
			    err, EW_ENOTFOUND,
			    "no remote of '%s' points at %s (seen: "
			    "%s)%s%s: for GitHub Enterprise pass "
			    "--github-host %s, or %s",
			    out->workdir,
			    github_host ? github_host : EW_GITHUB_HOST_DEFAULT,
			    out->remotes_seen, pk.first_invalid[0] ? "; " : "",
			    pk.first_invalid, pk.other_host, MANUAL);
		else
			ew_error_set(
			    err, EW_ENOTFOUND,
			    "no remote of '%s' points at %s (seen: %s)%s%s: %s",
			    out->workdir,
			    github_host ? github_host : EW_GITHUB_HOST_DEFAULT,
			    out->remotes_seen, pk.first_invalid[0] ? "; " : "",
			    pk.first_invalid, MANUAL);
		rc = fail(out, EW_GIT_NO_GITHUB_REMOTE, EW_ENOTFOUND, err);
	}
done:
	ew_buf_release(&pk.seen);
	remote_cfg_release(&rcfg);
	return rc;
}

int ew_git_detect(struct ew_git_info *out, const char *start_dir,
		  const char *github_host, struct ew_error *err)
{
	git_repository *repo = NULL;
	struct ew_error lerr;
	char start[PATH_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	ew_error_clear(&lerr);
	if (ew_lazy_git_load(&lerr)) {
		/* detection is only a convenience: the manual path works
		 * without libgit2 */
		ew_error_set(err, EW_EIO, "%s: %s", lerr.message, MANUAL);
		return fail(out, EW_GIT_CORRUPT, EW_EIO, err);
	}
	pthread_once(&init_once, init_libgit2);
	if (github_host && !*github_host)
		github_host = NULL;
	if (!realpath(start_dir ? start_dir : ".", start)) {
		ew_error_set(err, EW_ENOTFOUND,
			     "no git repository at '%s': the directory cannot "
			     "be opened: %s",
			     start_dir ? start_dir : ".", MANUAL);
		return fail(out, EW_GIT_NOT_A_REPO, EW_ENOTFOUND, err);
	}
	if ((rc = open_repo(&repo, out, start, err)) < 0)
		goto done;
	if (git_repository_is_bare(repo)) {
		const char *path = git_repository_path(repo);
		size_t n = strlen(path);

		ew_error_set(err, EW_EINVAL,
			     "'%.*s' is a bare git repository, with no work "
			     "tree for the workflow file: run the wizard in a "
			     "clone, or %s",
			     (int)(n > 1 && path[n - 1] == '/' ? n - 1 : n),
			     path, MANUAL);
		rc = fail(out, EW_GIT_BARE, EW_EINVAL, err);
		goto done;
	}
	if ((rc = set_str(&out->workdir, git_repository_workdir(repo), err)) <
	    0)
		goto done;
	strip_slash(out->workdir);
	if ((rc = pick_remote(out, repo, github_host, err)) < 0)
		goto done;
	if ((rc = read_default_branch(out, repo, err)) < 0)
		goto done;
	rc = read_head(out, repo, err);
done:
	git_repository_free(repo);
	if (rc == 0)
		out->outcome = EW_GIT_FOUND;
	return rc;
}
