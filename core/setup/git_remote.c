#include "git_remote.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages quote URLs; a pathological one must not crowd out the reason. */
#define URL_SHOWN "%.200s"

struct span {
	const char *p;
	size_t len;
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool span_ieq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	if (s.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s.p[i]) != lower(lit[i]))
			return false;
	return true;
}

static void span_copy(char *dst, size_t size, struct span s)
{
	size_t n = s.len < size - 1 ? s.len : size - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/* Where "scheme://" ends, or NULL when url is not in URL form.  git treats
 * "foo:bar/x" as scp-like, so a scheme needs the "://" right after it. */
static const char *after_scheme(const char *url, struct span *scheme)
{
	const char *p = url;

	while (is_alnum(*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (p == url || strncmp(p, "://", 3) != 0)
		return NULL;
	scheme->p = url;
	scheme->len = (size_t)(p - url);
	return p + 3;
}

static bool is_http_scheme(struct span scheme)
{
	return span_ieq(scheme, "https") || span_ieq(scheme, "http");
}

char *ew_git_remote_redact(const char *url)
{
	struct ew_buf b;
	struct span scheme;
	const char *auth, *end, *at = NULL, *colon = NULL;

	ew_buf_init(&b);
	if (!url)
		return ew_buf_detach(&b);
	auth = after_scheme(url, &scheme);
	if (!auth)
		auth = url; /* scp-like: user@host:path */
	end = auth + strcspn(auth, auth == url ? ":/" : "/");
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at) {
		if (ew_buf_puts(&b, url) < 0)
			goto fail;
		return ew_buf_detach(&b);
	}
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (auth != url && is_http_scheme(scheme))
		colon = auth - 1; /* the whole user info may be a token */
	if (colon) {
		if (ew_buf_add(&b, url, (size_t)(colon - url + 1)) < 0 ||
		    ew_buf_puts(&b, "***") < 0 || ew_buf_puts(&b, at) < 0)
			goto fail;
	} else if (ew_buf_puts(&b, url) < 0) {
		goto fail;
	}
	return ew_buf_detach(&b);
fail:
	ew_buf_release_secret(&b);
	return NULL;
}

bool ew_git_remote_is_valid_owner(const char *owner)
{
	size_t n;

	if (!owner)
		return false;
	n = strlen(owner);
	if (n < 1 || n > EW_GITHUB_OWNER_MAX || owner[0] == '-')
		return false;
	/* A trailing hyphen is no longer allowed at sign-up, but older
	 * accounts have one and must still be reachable. */
	for (size_t i = 0; i < n; i++) {
		if (is_alnum(owner[i]))
			continue;
		if (owner[i] != '-' || owner[i + 1] == '-')
			return false;
	}
	return true;
}

bool ew_git_remote_is_valid_repo(const char *repo)
{
	size_t n;

	if (!repo)
		return false;
	n = strlen(repo);
	if (n < 1 || n > EW_GITHUB_REPO_MAX || !strcmp(repo, ".") ||
	    !strcmp(repo, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(repo[i]) && repo[i] != '.' && repo[i] != '_' &&
		    repo[i] != '-')
			return false;
	return true;
}

/* "https://GHE.example.com:8443/" -> "ghe.example.com" */
static void normalize_host(char *dst, size_t size, const char *given)
{
	struct span scheme, h;
	const char *p = after_scheme(given, &scheme);

	if (!p)
		p = given;
	h.p = p;
	h.len = strcspn(p, ":/");
	span_copy(dst, size, h);
	for (char *c = dst; *c; c++)
		*c = lower(*c);
}

static bool host_matches(struct span host, const char *want, bool is_default)
{
	if (span_ieq(host, want))
		return true;
	/* github.com answers git on these too (ssh.github.com: SSH over 443) */
	return is_default && (span_ieq(host, "www.github.com") ||
			      span_ieq(host, "ssh.github.com"));
}

static int check_owner(struct span owner, const char *shown,
		       struct ew_error *err)
{
	char buf[64];

	if (owner.len == 0)
		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': the owner is empty",
				    shown);
	if (owner.len > EW_GITHUB_OWNER_MAX)
		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': the owner is longer than 39 characters",
				    shown);
	span_copy(buf, sizeof(buf), owner);
	if (!ew_git_remote_is_valid_owner(buf))
		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': owner '%.*s' may only hold letters, "
				    "digits and single hyphens, and cannot "
				    "start with a hyphen",
				    shown, (int)owner.len, owner.p);
	return 0;
}

static int check_repo(struct span repo, const char *shown, struct ew_error *err)
{
	char buf[EW_GITHUB_REPO_MAX + 2];

	if (repo.len == 0)
		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': the repository name is empty",
				    shown);
	if (repo.len > EW_GITHUB_REPO_MAX)
		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': the repository name is longer than "
				    "100 characters",
				    shown);
	span_copy(buf, sizeof(buf), repo);
	if (!ew_git_remote_is_valid_repo(buf))
		return ew_error_set(
		    err, EW_EINVAL,
		    "invalid github url '" URL_SHOWN
		    "': repository name '%.*s' may only hold letters, "
		    "digits, '.', '_' and '-' (and is not '.' or '..')",
		    shown, (int)repo.len, repo.p);
	return 0;
}

struct parsed {
	struct span owner, repo;
};

static int clip(size_t n, int max)
{
	return n > (size_t)max ? max : (int)n;
}

/* path is what follows the host: "o/r", "o/r.git/", "o/r/tree/main". */
static int split_path(struct parsed *pp, const char *path, const char *shown,
		      struct ew_error *err)
{
	size_t len = strlen(path);
	const char *slash;
	int rc;

	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len >= 4 && !memcmp(path + len - 4, ".git", 4))
		len -= 4;
	if (len == 0)
		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': expected OWNER/REPO after the host",
				    shown);
	slash = memchr(path, '/', len);
	if (!slash)
		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': no repository after owner '%.*s' "
				    "(expected OWNER/REPO)",
				    shown, clip(len, 60), path);
	pp->owner.p = path;
	pp->owner.len = (size_t)(slash - path);
	pp->repo.p = slash + 1;
	pp->repo.len = len - pp->owner.len - 1;
	if ((rc = check_owner(pp->owner, shown, err)) < 0)
		return rc;
	slash = memchr(pp->repo.p, '/', pp->repo.len);
	if (slash) {
		size_t extra = pp->repo.len - (size_t)(slash - pp->repo.p) - 1;

		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': unexpected '%.*s' after '%.*s' "
				    "(expected only OWNER/REPO)",
				    shown, clip(extra, 60), slash + 1,
				    clip((size_t)(slash - path), 141), path);
	}
	return check_repo(pp->repo, shown, err);
}

static bool is_known_scheme(struct span s)
{
	return is_http_scheme(s) || span_ieq(s, "ssh") || span_ieq(s, "git") ||
	       span_ieq(s, "git+ssh") || span_ieq(s, "ssh+git");
}

static bool is_port(struct span p)
{
	if (p.len < 1 || p.len > 5)
		return false;
	for (size_t i = 0; i < p.len; i++)
		if (p.p[i] < '0' || p.p[i] > '9')
			return false;
	return strtol(p.p, NULL, 10) >= 1 && strtol(p.p, NULL, 10) <= 65535;
}

/*
 * Split url into host, port and path.  Returns 0, or EW_ENOTFOUND for a
 * local path or a scheme git would not use to reach GitHub.
 */
static int split_url(const char *url, const char *shown, struct span *host,
		     struct span *port, const char **path, bool *is_ssh,
		     struct ew_error *err)
{
	struct span scheme;
	const char *auth = after_scheme(url, &scheme), *end, *at = NULL;

	port->p = NULL;
	port->len = 0;
	if (auth) {
		if (!is_known_scheme(scheme))
			return ew_error_set(
			    err, EW_ENOTFOUND,
			    "not a github url: '" URL_SHOWN "' uses '%.*s://'",
			    shown, clip(scheme.len, 20), scheme.p);
		*is_ssh = !is_http_scheme(scheme) && !span_ieq(scheme, "git");
		end = auth + strcspn(auth, "/");
		*path = *end ? end + 1 : end;
	} else {
		/* git's rule: scp-like when a ':' comes before any '/' */
		auth = url;
		end = url + strcspn(url, ":/");
		if (*end != ':' || end == url)
			return ew_error_set(err, EW_ENOTFOUND,
					    "not a github url: '" URL_SHOWN
					    "' is a local path",
					    shown);
		*is_ssh = true;
		*path = end + 1;
		if (**path == '/')
			(*path)++; /* git@github.com:/o/r works too */
	}
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	host->p = at ? at + 1 : auth;
	if (*host->p == '[') { /* an IPv6 literal is never a GitHub host */
		const char *close =
		    memchr(host->p, ']', (size_t)(end - host->p));

		host->len = close ? (size_t)(close - host->p) + 1
				  : (size_t)(end - host->p);
	} else {
		host->len = strcspn(host->p, ":/");
		if (host->p + host->len > end)
			host->len = (size_t)(end - host->p);
	}
	if (auth != url && host->p + host->len < end &&
	    host->p[host->len] == ':') {
		port->p = host->p + host->len + 1;
		port->len = (size_t)(end - port->p);
	}
	return 0;
}

static int parse_with(struct ew_github_ref *out, const char *url,
		      const char *github_host, const char *shown,
		      struct ew_error *err)
{
	char want[256];
	struct span host, port;
	struct parsed pp;
	const char *path = "";
	bool is_default = !github_host || !*github_host, is_ssh = false;
	int rc;

	normalize_host(want, sizeof(want),
		       is_default ? EW_GITHUB_HOST_DEFAULT : github_host);
	if ((rc = split_url(url, shown, &host, &port, &path, &is_ssh, err)) < 0)
		return rc;
	if (!host_matches(host, want, is_default)) {
		bool is_alias =
		    is_ssh && host.len > 0 && !memchr(host.p, '.', host.len);

		return ew_error_set(
		    err, EW_ENOTFOUND,
		    "not a github url: '" URL_SHOWN "' points at '%.*s', not "
		    "'%s'%s",
		    shown, clip(host.len, 100), host.p, want,
		    is_alias ? " (if it is an ssh alias for github, use "
			       "--github OWNER/REPO)"
			     : "");
	}
	if (port.p && !is_port(port))
		return ew_error_set(err, EW_EINVAL,
				    "invalid github url '" URL_SHOWN
				    "': bad port '%.*s'",
				    shown, clip(port.len, 20), port.p);
	if ((rc = split_path(&pp, path, shown, err)) < 0)
		return rc;
	span_copy(out->owner, sizeof(out->owner), pp.owner);
	span_copy(out->repo, sizeof(out->repo), pp.repo);
	snprintf(out->host, sizeof(out->host), "%s", want);
	return 0;
}

int ew_git_remote_parse(struct ew_github_ref *out, const char *url,
			const char *github_host, struct ew_error *err)
{
	char *shown;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!url || !*url)
		return ew_error_set(err, EW_EINVAL, "empty remote url");
	shown = ew_git_remote_redact(url);
	if (!shown)
		return ew_error_oom(err);
	rc = parse_with(out, url, github_host, shown, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	free(shown);
	return rc;
}

int ew_git_remote_parse_slug(struct ew_github_ref *out, const char *slug,
			     const char *github_host, struct ew_error *err)
{
	struct parsed pp;
	char want[256];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!slug || !*slug)
		return ew_error_set(err, EW_EINVAL,
				    "empty repository: expected OWNER/REPO");
	if ((rc = split_path(&pp, slug, slug, err)) < 0) {
		/* the URL wording does not fit a typed value */
		if (err)
			ew_error_set(err, rc,
				     "invalid repository '%.200s': expected "
				     "OWNER/REPO; the owner holds letters, "
				     "digits and single hyphens (at most 39), "
				     "the name letters, digits, '.', '_' and "
				     "'-' (at most 100)",
				     slug);
		return rc;
	}
	normalize_host(want, sizeof(want),
		       github_host && *github_host ? github_host
						   : EW_GITHUB_HOST_DEFAULT);
	span_copy(out->owner, sizeof(out->owner), pp.owner);
	span_copy(out->repo, sizeof(out->repo), pp.repo);
	snprintf(out->host, sizeof(out->host), "%s", want);
	return 0;
}
