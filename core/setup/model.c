#include "model.h"

#include "git_remote.h"

#include "partition.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A short, printable rendering of user input for messages: control and
 * non-ASCII bytes as \xNN, cut after 48 characters. */
static const char *shown(char *dst, size_t size, const char *value)
{
	size_t o = 0, i;

	for (i = 0; value[i] && o + 8 < size; i++) {
		unsigned char c = (unsigned char)value[i];

		if (i == 48) {
			o += (size_t)snprintf(dst + o, size - o, "...");
			break;
		}
		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return dst;
}

/* The checks every text input gets, cheapest first: length before
 * anything that walks the whole string twice. */
static int check_text(const char *what, const char *value, size_t max,
		      struct ew_error *err)
{
	char q[256];
	size_t len;

	if (!value || !value[0])
		return ew_error_set(err, EW_EINVAL, "%s is empty", what);
	len = strnlen(value, EW_SETUP_MAX_INPUT + 1);
	if (len > max || len > EW_SETUP_MAX_INPUT)
		return ew_error_set(err, EW_EINVAL,
				    "%s is too long: at most %zu characters",
				    what, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c < 0x20 || c == 0x7f)
			return ew_error_set(
			    err, EW_EINVAL,
			    "%s '%s' contains a control character", what,
			    shown(q, sizeof(q), value));
	}
	if (isspace((unsigned char)value[0]) ||
	    isspace((unsigned char)value[len - 1]))
		return ew_error_set(err, EW_EINVAL,
				    "%s '%s' has leading or trailing spaces",
				    what, shown(q, sizeof(q), value));
	return 0;
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int store(char **slot, const char *value, struct ew_error *err)
{
	char *copy = ew_strdup(value);

	if (!copy)
		return ew_error_oom(err);
	free(*slot);
	*slot = copy;
	return 0;
}

/* Every setter starts here: a warning belongs to the latest call. */
static void begin(struct ew_setup *s)
{
	s->warning[0] = '\0';
}

/* ------------------------------------------------------------ rules */

static int valid_iam_name(const char *what, const char *v, size_t max,
			  struct ew_error *err)
{
	char q[256];
	int rc = check_text(what, v, max, err);

	if (rc)
		return rc;
	for (const char *p = v; *p; p++)
		if (!is_alnum(*p) && !strchr("+=,.@_-", *p))
			return ew_error_set(err, EW_EINVAL,
					    "%s '%s' is not valid: use 1-%zu "
					    "letters, digits and + = , . @ _ - "
					    "(no spaces)",
					    what, shown(q, sizeof(q), v), max);
	return 0;
}

static int valid_account(const char *v, struct ew_error *err)
{
	char q[256];
	int rc = check_text("account ID", v, 64, err);

	if (rc)
		return rc;
	if (strlen(v) != 12 || !all_digits(v))
		return ew_error_set(
		    err, EW_EINVAL,
		    "account ID '%s' is not valid: use exactly 12 digits",
		    shown(q, sizeof(q), v));
	return 0;
}

/* Region: well-formed is [a-z0-9-]; the partition decides ARNs, so a
 * region outside aws/aws-cn/aws-us-gov is refused. */
static int valid_region(const char *v, char *warning, size_t wsize,
			struct ew_error *err)
{
	char q[256];
	int rc = check_text("region", v, 32, err);

	if (rc)
		return rc;
	for (const char *p = v; *p; p++)
		if (!is_lower_alnum(*p) && *p != '-')
			return ew_error_set(err, EW_EINVAL,
					    "region '%s' is not valid: use "
					    "lower-case letters, digits and "
					    "hyphens, like us-east-1",
					    shown(q, sizeof(q), v));
	if (!ew_partition_for_region(v))
		return ew_error_set(err, EW_EINVAL,
				    "region '%s' is not valid: it belongs to "
				    "no supported partition (aws, aws-cn, "
				    "aws-us-gov); use a region like us-east-1",
				    v);
	if (!ew_region_find(v) && warning)
		snprintf(warning, wsize,
			 "region '%s' is not in the list of known regions; "
			 "using it as typed",
			 v);
	return 0;
}

/* ECR: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* per '/'-separated component. */
/* One path component of an ECR name as CreateRepository's own pattern
 * has it: runs of [a-z0-9] joined by exactly one of . _ - (so "my--app"
 * and "a__b", which the Docker registry rules allow, are refused here
 * rather than by ECR after the provider and policy were made). */
static bool ecr_component_ok(const char *p, size_t n)
{
	if (n == 0 || !is_lower_alnum(p[0]) || !is_lower_alnum(p[n - 1]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_lower_alnum(p[i]) &&
		    (!strchr("._-", p[i]) || !is_lower_alnum(p[i - 1])))
			return false;
	return true;
}

static int valid_ecr_name(const char *v, struct ew_error *err)
{
	char q[256];
	int rc = check_text("repository name", v, 256, err);
	const char *p, *slash;

	if (rc)
		return rc;
	if (strlen(v) < 2)
		goto bad;
	for (p = v;; p = slash + 1) {
		slash = strchr(p, '/');
		if (!ecr_component_ok(p,
				      slash ? (size_t)(slash - p) : strlen(p)))
			goto bad;
		if (!slash)
			break;
	}
	return 0;
bad:
	return ew_error_set(err, EW_EINVAL,
			    "repository name '%s' is not valid: use 2-256 "
			    "lower-case letters and digits, with single . _ - "
			    "or / between them, starting and ending with a "
			    "letter or digit (like my-app or team/my-app)",
			    shown(q, sizeof(q), v));
}

static int valid_owner(const char *v, struct ew_error *err)
{
	char q[256];
	int rc = check_text("GitHub owner", v, 39, err);

	if (rc)
		return rc;
	if (v[0] == '-' || v[strlen(v) - 1] == '-' || strstr(v, "--"))
		goto bad;
	for (const char *p = v; *p; p++)
		if (!is_alnum(*p) && *p != '-')
			goto bad;
	return 0;
bad:
	return ew_error_set(err, EW_EINVAL,
			    "GitHub owner '%s' is not valid: use 1-39 letters, "
			    "digits and single hyphens, not starting or "
			    "ending with a hyphen",
			    shown(q, sizeof(q), v));
}

static int valid_repo(const char *v, struct ew_error *err)
{
	char q[256];
	int rc = check_text("GitHub repository", v, 100, err);

	if (rc)
		return rc;
	if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		goto bad;
	for (const char *p = v; *p; p++)
		if (!is_alnum(*p) && !strchr("._-", *p))
			goto bad;
	return 0;
bad:
	return ew_error_set(err, EW_EINVAL,
			    "GitHub repository '%s' is not valid: use 1-100 "
			    "letters, digits and . _ - (not '.' or '..')",
			    shown(q, sizeof(q), v));
}

static int valid_numeric_id(const char *what, const char *v,
			    struct ew_error *err)
{
	char q[256];
	int rc = check_text(what, v, 64, err);

	if (rc)
		return rc;
	if (!all_digits(v) || v[0] == '0' || strlen(v) > 19)
		return ew_error_set(err, EW_EINVAL,
				    "%s '%s' is not valid: use the numeric ID "
				    "GitHub shows (1-19 digits)",
				    what, shown(q, sizeof(q), v));
	return 0;
}

/* git check-ref-format, loosely, plus what IAM needs: no '$' (policy
 * variables), no quotes, ASCII only.  Wildcards only where asked. */
static int valid_ref(const char *what, const char *v, bool wildcards,
		     struct ew_error *err)
{
	char q[256];
	const char *why = NULL;
	int rc = check_text(what, v, 255, err);
	size_t len;

	if (rc)
		return rc;
	len = strlen(v);
	for (const char *p = v; *p && !why; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x80)
			why = "use ASCII characters only";
		else if (c == ' ' || strchr("~^:\\[", c))
			why = "git does not allow spaces or ~ ^ : \\ [ in "
			      "names";
		else if (strchr("$'\"`", c))
			why = "$ and quotes are not allowed";
		else if ((c == '*' || c == '?') && !wildcards)
			why = "wildcards * and ? are not allowed here";
	}
	if (!why &&
	    (strstr(v, "..") || strstr(v, "@{") || strstr(v, "//") ||
	     strstr(v, "/.") || v[0] == '/' || v[0] == '.' || v[0] == '-' ||
	     v[len - 1] == '/' || v[len - 1] == '.' || strcmp(v, "@") == 0))
		why = "git does not allow '..', '@{', '//', a leading '-', or "
		      "a '/' or '.' at either end of a name";
	if (!why && len >= 5 && strcmp(v + len - 5, ".lock") == 0)
		why = "git does not allow names ending in '.lock'";
	for (const char *p = strstr(v, ".lock/"); !why && p;
	     p = strstr(p + 1, ".lock/"))
		why = "git does not allow names ending in '.lock'";
	if (why)
		return ew_error_set(err, EW_EINVAL, "%s '%s' is not valid: %s",
				    what, shown(q, sizeof(q), v), why);
	return 0;
}

static int valid_env_name(const char *v, struct ew_error *err)
{
	char q[256];
	int rc = check_text("environment name", v, 255, err);

	if (rc)
		return rc;
	for (const char *p = v; *p; p++)
		if (!is_alnum(*p) && !strchr(" ._-:", *p))
			return ew_error_set(
			    err, EW_EINVAL,
			    "environment name '%s' is not valid: use 1-255 "
			    "letters, digits, spaces and . _ - :",
			    shown(q, sizeof(q), v));
	return 0;
}

/* ------------------------------------------------------------ lifecycle */

int ew_setup_init(struct ew_setup *s)
{
	memset(s, 0, sizeof(*s));
	s->keep_images = EW_DEFAULT_KEEP_IMAGES;
	s->tag_mutability = EW_TAG_MUTABLE;
	s->scan_on_push = true;
	s->write_workflow = true;
	s->github_host = ew_strdup(EW_DEFAULT_GITHUB_HOST);
	s->default_branch = ew_strdup(EW_DEFAULT_BRANCH);
	s->region = ew_strdup(EW_DEFAULT_REGION);
	s->role_name = ew_strdup(EW_DEFAULT_ROLE_NAME);
	s->policy_name = ew_strdup(EW_DEFAULT_POLICY_NAME);
	s->workflow_path = ew_strdup(EW_DEFAULT_WORKFLOW);
	s->platforms = ew_strdup(EW_DEFAULT_PLATFORMS);
	s->scopes = calloc(1, sizeof(*s->scopes));
	if (!s->github_host || !s->default_branch || !s->region ||
	    !s->role_name || !s->policy_name || !s->workflow_path ||
	    !s->platforms || !s->scopes)
		return EW_ENOMEM;
	s->scopes[0].kind = EW_SCOPE_ANY;
	s->nscopes = 1;
	s->scopes_default = true;
	return 0;
}

static void free_envs(struct ew_env_target *envs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(envs[i].name);
		free(envs[i].region);
		free(envs[i].repo_name);
		free(envs[i].slug);
	}
	free(envs);
}

void ew_setup_clear_scopes(struct ew_setup *s)
{
	for (size_t i = 0; i < s->nscopes; i++)
		free(s->scopes[i].value);
	free(s->scopes);
	s->scopes = NULL;
	s->nscopes = 0;
	s->scopes_default = false;
}

/* Every char * member the setup owns, so that ew_setup_release() and
 * ew_setup_copy() cannot miss one: a new string member is one line here
 * (docs/adding-a-field.md).  The lists below them are handled by hand. */
static const size_t string_members[] = {
    offsetof(struct ew_setup, github_host),
    offsetof(struct ew_setup, owner),
    offsetof(struct ew_setup, repo),
    offsetof(struct ew_setup, owner_id),
    offsetof(struct ew_setup, repo_id),
    offsetof(struct ew_setup, github_visibility),
    offsetof(struct ew_setup, default_branch),
    offsetof(struct ew_setup, account),
    offsetof(struct ew_setup, region),
    offsetof(struct ew_setup, repo_name),
    offsetof(struct ew_setup, role_name),
    offsetof(struct ew_setup, policy_name),
    offsetof(struct ew_setup, workflow_path),
    offsetof(struct ew_setup, platforms),
};

#define NSTRING_MEMBERS (sizeof(string_members) / sizeof(string_members[0]))

static char **string_member(struct ew_setup *s, size_t i)
{
	return (char **)(void *)((char *)s + string_members[i]);
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void ew_setup_clear_tag_exclusions(struct ew_setup *s)
{
	free_strv(s->tag_exclusions, s->ntag_exclusions);
	s->tag_exclusions = NULL;
	s->ntag_exclusions = 0;
}

void ew_setup_clear_envs(struct ew_setup *s)
{
	free_envs(s->envs, s->nenvs);
	s->envs = NULL;
	s->nenvs = 0;
}

void ew_setup_release(struct ew_setup *s)
{
	for (size_t i = 0; i < NSTRING_MEMBERS; i++)
		free(*string_member(s, i));
	free_strv(s->sub_claim_keys, s->nsub_claim_keys);
	ew_setup_clear_scopes(s);
	ew_setup_clear_tag_exclusions(s);
	ew_setup_clear_envs(s);
	memset(s, 0, sizeof(*s));
}

/* *dst = a copy of src (NULL stays NULL); false only when out of memory. */
static bool dup_opt(char **dst, const char *src)
{
	*dst = src ? ew_strdup(src) : NULL;
	return !src || *dst;
}

/* A copy of n strings; *out and *nout are set before the strings are
 * copied, so a failure half-way leaves something release can free. */
static bool dup_strv(char ***out, size_t *nout, char *const *v, size_t n)
{
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return true;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return false;
	*nout = n;
	for (size_t i = 0; i < n; i++)
		if (!dup_opt(&(*out)[i], v[i]))
			return false;
	return true;
}

int ew_setup_copy(struct ew_setup *dst, const struct ew_setup *src,
		  struct ew_error *err)
{
	bool ok = true;
	size_t i;

	/* Scalars, flags and the warning as they are; then every pointer
	 * is cleared before it is copied, so a failure releases only what
	 * dst owns. */
	*dst = *src;
	for (i = 0; i < NSTRING_MEMBERS; i++)
		*string_member(dst, i) = NULL;
	dst->sub_claim_keys = NULL;
	dst->nsub_claim_keys = 0;
	dst->scopes = NULL;
	dst->nscopes = 0;
	dst->tag_exclusions = NULL;
	dst->ntag_exclusions = 0;
	dst->envs = NULL;
	dst->nenvs = 0;

	for (i = 0; ok && i < NSTRING_MEMBERS; i++)
		ok = dup_opt(string_member(dst, i),
			     *string_member((struct ew_setup *)src, i));
	ok = ok && dup_strv(&dst->sub_claim_keys, &dst->nsub_claim_keys,
			    src->sub_claim_keys, src->nsub_claim_keys);
	ok = ok && dup_strv(&dst->tag_exclusions, &dst->ntag_exclusions,
			    src->tag_exclusions, src->ntag_exclusions);
	if (ok && src->nscopes) {
		dst->scopes = calloc(src->nscopes, sizeof(*dst->scopes));
		ok = dst->scopes != NULL;
		dst->nscopes = ok ? src->nscopes : 0;
		for (i = 0; ok && i < src->nscopes; i++) {
			dst->scopes[i].kind = src->scopes[i].kind;
			dst->scopes[i].is_pattern = src->scopes[i].is_pattern;
			ok = dup_opt(&dst->scopes[i].value,
				     src->scopes[i].value);
		}
	}
	if (ok && src->nenvs) {
		dst->envs = calloc(src->nenvs, sizeof(*dst->envs));
		ok = dst->envs != NULL;
		dst->nenvs = ok ? src->nenvs : 0;
		for (i = 0; ok && i < src->nenvs; i++) {
			const struct ew_env_target *e = &src->envs[i];
			struct ew_env_target *d = &dst->envs[i];

			ok = dup_opt(&d->name, e->name) &&
			     dup_opt(&d->region, e->region) &&
			     dup_opt(&d->repo_name, e->repo_name) &&
			     dup_opt(&d->slug, e->slug);
		}
	}
	if (ok)
		return 0;
	ew_setup_release(dst);
	return ew_error_oom(err);
}

/* ------------------------------------------------------------ setters */

int ew_setup_set_owner(struct ew_setup *s, const char *value,
		       struct ew_error *err)
{
	int rc;

	begin(s);
	rc = valid_owner(value, err);
	return rc ? rc : store(&s->owner, value, err);
}

static int follow_repo(struct ew_setup *s, const char *repo,
		       struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	if (s->repo_name_explicit)
		return 0;
	ew_buf_init(&b);
	rc = ew_setup_default_repo_name(&b, repo);
	if (rc)
		rc = ew_error_set(err, rc, "out of memory");
	else if (b.len == 0) {
		free(s->repo_name);
		s->repo_name = NULL;
	} else {
		rc = store(&s->repo_name, b.ptr, err);
	}
	ew_buf_release(&b);
	return rc;
}

int ew_setup_set_repo(struct ew_setup *s, const char *value,
		      struct ew_error *err)
{
	int rc;

	begin(s);
	rc = valid_repo(value, err);
	if (!rc)
		rc = store(&s->repo, value, err);
	if (!rc)
		rc = follow_repo(s, value, err);
	return rc;
}

/* A URL (https://github.com/o/r.git, git@github.com:o/r.git) pasted for
 * OWNER/REPO, and a trailing ".git" (which GitHub drops from a new
 * repository's name, so a trust for "r.git" never matches), become plain
 * OWNER/REPO in slug; a URL of another host is refused, naming the flag
 * that selects it. */
static int github_slug(char *slug, size_t size, const struct ew_setup *s,
		       const char *value, struct ew_error *err)
{
	char q[256];
	struct ew_github_ref ref;
	size_t n;
	int rc;

	if (strstr(value, "://") ||
	    (strchr(value, '@') && strchr(strchr(value, '@'), ':'))) {
		rc = ew_git_remote_parse(&ref, value, s->github_host, err);
		if (rc == EW_ENOTFOUND)
			return ew_error_set(
			    err, EW_EINVAL,
			    "GitHub repository '%s' is on another host than "
			    "%s: give OWNER/REPO with --github and the host "
			    "with --github-host",
			    shown(q, sizeof(q), value),
			    s->github_host ? s->github_host : "github.com");
		if (rc)
			return rc;
		snprintf(slug, size, "%s/%s", ref.owner, ref.repo);
		return 0;
	}
	snprintf(slug, size, "%s", value);
	n = strlen(slug);
	if (n > 4 && strcmp(slug + n - 4, ".git") == 0 && slug[n - 5] != '/')
		slug[n - 4] = '\0';
	return 0;
}

int ew_setup_set_github(struct ew_setup *s, const char *value,
			struct ew_error *err)
{
	char q[256];
	char owner[40];
	char norm[400];
	const char *slash;
	int rc;

	begin(s);
	rc = check_text("GitHub repository", value, 300, err);
	if (!rc)
		rc = github_slug(norm, sizeof(norm), s, value, err);
	if (rc)
		return rc;
	value = norm;
	slash = strchr(value, '/');
	if (!slash || strchr(slash + 1, '/') || slash == value || !slash[1])
		return ew_error_set(err, EW_EINVAL,
				    "GitHub repository '%s' is not valid: use "
				    "OWNER/REPO, like octo-org/my-app",
				    shown(q, sizeof(q), value));
	if ((size_t)(slash - value) >= sizeof(owner))
		return ew_error_set(err, EW_EINVAL,
				    "GitHub owner is too long: at most 39 "
				    "characters");
	memcpy(owner, value, (size_t)(slash - value));
	owner[slash - value] = '\0';
	rc = valid_owner(owner, err);
	if (!rc)
		rc = valid_repo(slash + 1, err);
	if (!rc)
		rc = store(&s->owner, owner, err);
	if (!rc)
		rc = ew_setup_set_repo(s, slash + 1, err);
	return rc;
}

static int set_id(struct ew_setup *s, char **slot, const char *what,
		  const char *value, struct ew_error *err)
{
	int rc;

	begin(s);
	if (!value || !value[0]) {
		free(*slot);
		*slot = NULL;
		return 0;
	}
	rc = valid_numeric_id(what, value, err);
	return rc ? rc : store(slot, value, err);
}

int ew_setup_set_owner_id(struct ew_setup *s, const char *value,
			  struct ew_error *err)
{
	return set_id(s, &s->owner_id, "GitHub owner ID", value, err);
}

int ew_setup_set_repo_id(struct ew_setup *s, const char *value,
			 struct ew_error *err)
{
	return set_id(s, &s->repo_id, "GitHub repository ID", value, err);
}

int ew_setup_set_github_ids(struct ew_setup *s, const char *value,
			    struct ew_error *err)
{
	char q[256], owner_id[24];
	const char *slash;
	int rc;

	begin(s);
	rc = check_text("GitHub IDs", value, 64, err);
	if (rc)
		return rc;
	slash = strchr(value, '/');
	if (!slash || slash == value || !slash[1] ||
	    (size_t)(slash - value) >= sizeof(owner_id))
		return ew_error_set(err, EW_EINVAL,
				    "GitHub IDs '%s' are not valid: use "
				    "OWNER_ID/REPO_ID, the numbers `gh api "
				    "repos/OWNER/REPO --jq '.owner.id, .id'` "
				    "prints, like 123456/456789",
				    shown(q, sizeof(q), value));
	memcpy(owner_id, value, (size_t)(slash - value));
	owner_id[slash - value] = '\0';
	rc = valid_numeric_id("GitHub owner ID", owner_id, err);
	if (!rc)
		rc = valid_numeric_id("GitHub repository ID", slash + 1, err);
	if (!rc)
		rc = store(&s->owner_id, owner_id, err);
	if (!rc)
		rc = store(&s->repo_id, slash + 1, err);
	return rc;
}

int ew_setup_set_sub_claim_keys(struct ew_setup *s, const char *const *keys,
				size_t n, struct ew_error *err)
{
	char q[256];
	char **copy = NULL;
	int rc = 0;

	begin(s);
	if (n > 32)
		return ew_error_set(err, EW_EINVAL,
				    "OIDC subject template has %zu claim keys: "
				    "at most 32",
				    n);
	for (size_t i = 0; i < n; i++) {
		rc = check_text("OIDC claim key", keys[i], 64, err);
		if (rc)
			return rc;
		if (strspn(keys[i], "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
		    strlen(keys[i]))
			return ew_error_set(err, EW_EINVAL,
					    "OIDC claim key '%s' is not valid: "
					    "letters, digits and '_' only",
					    shown(q, sizeof(q), keys[i]));
		for (size_t j = 0; j < i; j++)
			if (strcmp(keys[i], keys[j]) == 0)
				return ew_error_set(err, EW_EINVAL,
						    "OIDC claim key '%s' is "
						    "given twice",
						    keys[i]);
	}
	if (n && !(copy = calloc(n, sizeof(*copy))))
		return ew_error_oom(err);
	for (size_t i = 0; i < n && !rc; i++)
		if (!(copy[i] = ew_strdup(keys[i])))
			rc = ew_error_oom(err);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(copy[i]);
		free(copy);
		return rc;
	}
	for (size_t i = 0; i < s->nsub_claim_keys; i++)
		free(s->sub_claim_keys[i]);
	free(s->sub_claim_keys);
	s->sub_claim_keys = copy;
	s->nsub_claim_keys = n;
	return 0;
}

int ew_setup_set_github_visibility(struct ew_setup *s, const char *value,
				   struct ew_error *err)
{
	char q[256];

	begin(s);
	if (!value || !value[0]) {
		free(s->github_visibility);
		s->github_visibility = NULL;
		return 0;
	}
	if (strcmp(value, "public") != 0 && strcmp(value, "private") != 0 &&
	    strcmp(value, "internal") != 0)
		return ew_error_set(err, EW_EINVAL,
				    "repository visibility '%s' is not valid: "
				    "public, private or internal",
				    shown(q, sizeof(q), value));
	return store(&s->github_visibility, value, err);
}

int ew_setup_set_github_host(struct ew_setup *s, const char *value,
			     struct ew_error *err)
{
	char q[256];
	struct ew_buf b;
	int rc;
	size_t label = 0;

	begin(s);
	rc = check_text("GitHub host", value, 253, err);
	if (rc)
		return rc;
	for (const char *p = value;; p++) {
		if (*p == '.' || !*p) {
			if (label == 0 || p[-1] == '-')
				goto bad;
			if (!*p)
				break;
			label = 0;
			continue;
		}
		if (!is_alnum(*p) && *p != '-')
			goto bad;
		if (label == 0 && *p == '-')
			goto bad;
		if (++label > 63)
			goto bad;
	}
	ew_buf_init(&b);
	for (const char *p = value; *p; p++)
		rc =
		    rc ? rc : ew_buf_putc(&b, (char)tolower((unsigned char)*p));
	if (!rc)
		rc = store(&s->github_host, b.ptr, err);
	else
		rc = ew_error_set(err, rc, "out of memory");
	ew_buf_release(&b);
	return rc;
bad:
	return ew_error_set(err, EW_EINVAL,
			    "GitHub host '%s' is not valid: use a host name "
			    "like github.com or github.example.com",
			    shown(q, sizeof(q), value));
}

int ew_setup_set_default_branch(struct ew_setup *s, const char *value,
				struct ew_error *err)
{
	int rc;

	begin(s);
	rc = valid_ref("branch name", value, false, err);
	return rc ? rc : store(&s->default_branch, value, err);
}

int ew_setup_set_account(struct ew_setup *s, const char *value,
			 struct ew_error *err)
{
	int rc;

	begin(s);
	rc = valid_account(value, err);
	return rc ? rc : store(&s->account, value, err);
}

int ew_setup_set_region(struct ew_setup *s, const char *value,
			struct ew_error *err)
{
	char warning[sizeof(s->warning)] = "";
	int rc;

	begin(s);
	rc = valid_region(value, warning, sizeof(warning), err);
	if (!rc)
		rc = store(&s->region, value, err);
	if (!rc)
		memcpy(s->warning, warning, sizeof(warning));
	return rc;
}

int ew_setup_set_repo_name(struct ew_setup *s, const char *value,
			   struct ew_error *err)
{
	int rc;

	begin(s);
	rc = valid_ecr_name(value, err);
	if (!rc)
		rc = store(&s->repo_name, value, err);
	if (!rc)
		s->repo_name_explicit = true;
	return rc;
}

int ew_setup_set_role_name(struct ew_setup *s, const char *value,
			   struct ew_error *err)
{
	int rc;

	begin(s);
	rc = valid_iam_name("role name", value, 64, err);
	return rc ? rc : store(&s->role_name, value, err);
}

int ew_setup_set_policy_name(struct ew_setup *s, const char *value,
			     struct ew_error *err)
{
	int rc;

	begin(s);
	rc = valid_iam_name("policy name", value, 128, err);
	return rc ? rc : store(&s->policy_name, value, err);
}

/* GitHub writes a ':' inside a sub value as %3A (docs/github-oidc.md). */
static char *encode_colons(const char *v)
{
	struct ew_buf b;
	int rc = 0;

	ew_buf_init(&b);
	for (const char *p = v; *p && !rc; p++)
		rc = *p == ':' ? ew_buf_puts(&b, "%3A") : ew_buf_putc(&b, *p);
	if (rc) {
		ew_buf_release(&b);
		return NULL;
	}
	return ew_buf_detach(&b);
}

static bool has_prefix_ci(const char *s, const char *prefix, size_t *n)
{
	*n = strlen(prefix);
	return strncasecmp(s, prefix, *n) == 0;
}

int ew_setup_add_scope(struct ew_setup *s, const char *value,
		       struct ew_error *err)
{
	char q[256];
	struct ew_scope sc = {EW_SCOPE_ANY, NULL, false};
	struct ew_scope *grown;
	size_t n;
	int rc;

	begin(s);
	rc = check_text("trust scope", value, 300, err);
	if (rc)
		return rc;
	if (strcasecmp(value, "any") == 0) {
		sc.kind = EW_SCOPE_ANY;
	} else if (strcasecmp(value, "pull_request") == 0 ||
		   strcasecmp(value, "pull-request") == 0) {
		sc.kind = EW_SCOPE_PULL_REQUEST;
	} else if (has_prefix_ci(value, "branch:", &n)) {
		sc.kind = EW_SCOPE_BRANCH;
		rc = valid_ref("branch name", value + n, true, err);
	} else if (has_prefix_ci(value, "tag:", &n)) {
		sc.kind = EW_SCOPE_TAG;
		rc = valid_ref("tag pattern", value + n, true, err);
	} else if (has_prefix_ci(value, "env:", &n) ||
		   has_prefix_ci(value, "environment:", &n)) {
		sc.kind = EW_SCOPE_ENV;
		rc = valid_env_name(value + n, err);
	} else {
		return ew_error_set(err, EW_EINVAL,
				    "trust scope '%s' is not valid: use any, "
				    "branch:NAME, tag:PATTERN, env:NAME or "
				    "pull_request",
				    shown(q, sizeof(q), value));
	}
	if (rc)
		return rc;
	if (sc.kind == EW_SCOPE_BRANCH || sc.kind == EW_SCOPE_TAG ||
	    sc.kind == EW_SCOPE_ENV) {
		sc.value = encode_colons(value + n);
		if (!sc.value)
			return ew_error_oom(err);
		sc.is_pattern =
		    sc.kind != EW_SCOPE_ENV && strpbrk(sc.value, "*?") != NULL;
	}
	if (s->scopes_default)
		ew_setup_clear_scopes(s);
	for (size_t i = 0; i < s->nscopes; i++)
		if (s->scopes[i].kind == sc.kind &&
		    ((!sc.value && !s->scopes[i].value) ||
		     (sc.value && s->scopes[i].value &&
		      strcmp(sc.value, s->scopes[i].value) == 0))) {
			free(sc.value);
			return 0;
		}
	grown = realloc(s->scopes, (s->nscopes + 1) * sizeof(*grown));
	if (!grown) {
		free(sc.value);
		return ew_error_oom(err);
	}
	s->scopes = grown;
	s->scopes[s->nscopes++] = sc;
	return 0;
}

int ew_setup_set_keep_images(struct ew_setup *s, const char *value,
			     struct ew_error *err)
{
	char q[256];
	long n;
	char *end;
	int rc;

	begin(s);
	rc = check_text("images to keep", value, 16, err);
	if (rc)
		return rc;
	/* strtol alone would take "+5", " 5" and "5x"'s prefix. */
	if (!all_digits(value) || strlen(value) > 4)
		goto bad;
	errno = 0;
	n = strtol(value, &end, 10);
	if (errno || *end || n < 1 || n > EW_MAX_KEEP_IMAGES)
		goto bad;
	s->keep_images = (int)n;
	return 0;
bad:
	return ew_error_set(err, EW_EINVAL,
			    "images to keep '%s' is not valid: use a whole "
			    "number from 1 to %d",
			    shown(q, sizeof(q), value), EW_MAX_KEEP_IMAGES);
}

static const char *const mutability_names[] = {
    "MUTABLE",
    "IMMUTABLE",
    "IMMUTABLE_WITH_EXCLUSION",
    "MUTABLE_WITH_EXCLUSION",
};

const char *ew_tag_mutability_name(enum ew_tag_mutability m)
{
	if ((unsigned)m >= sizeof(mutability_names) / sizeof(*mutability_names))
		return "MUTABLE";
	return mutability_names[m];
}

const char *ew_scope_kind_name(enum ew_scope_kind k)
{
	switch (k) {
	case EW_SCOPE_ANY:
		return "any";
	case EW_SCOPE_BRANCH:
		return "branch";
	case EW_SCOPE_TAG:
		return "tag";
	case EW_SCOPE_ENV:
		return "env";
	case EW_SCOPE_PULL_REQUEST:
		return "pull_request";
	}
	return "any";
}

int ew_setup_set_tag_mutability(struct ew_setup *s, const char *value,
				struct ew_error *err)
{
	char q[256], norm[32];
	size_t i, len;
	int rc;

	begin(s);
	rc = check_text("tag mutability", value, 64, err);
	if (rc)
		return rc;
	len = strlen(value);
	if (len < sizeof(norm)) {
		for (i = 0; i < len; i++)
			norm[i] = value[i] == '-'
				      ? '_'
				      : (char)toupper((unsigned char)value[i]);
		norm[len] = '\0';
		for (i = 0; i < 4; i++)
			if (strcmp(norm, mutability_names[i]) == 0) {
				s->tag_mutability = (enum ew_tag_mutability)i;
				return 0;
			}
	}
	return ew_error_set(err, EW_EINVAL,
			    "tag mutability '%s' is not valid: use MUTABLE, "
			    "IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or "
			    "MUTABLE_WITH_EXCLUSION",
			    shown(q, sizeof(q), value));
}

int ew_setup_add_tag_exclusion(struct ew_setup *s, const char *value,
			       struct ew_error *err)
{
	char q[256];
	char **grown, *copy;
	int rc;

	begin(s);
	rc = check_text("tag exclusion filter", value, 128, err);
	if (rc)
		return rc;
	for (const char *p = value; *p; p++)
		if (!is_alnum(*p) && !strchr("._*-", *p))
			return ew_error_set(
			    err, EW_EINVAL,
			    "tag exclusion filter '%s' is not valid: use "
			    "1-128 letters, digits and . _ - * (like latest "
			    "or dev-*)",
			    shown(q, sizeof(q), value));
	for (size_t i = 0; i < s->ntag_exclusions; i++)
		if (strcmp(s->tag_exclusions[i], value) == 0)
			return 0;
	if (s->ntag_exclusions >= EW_MAX_TAG_EXCLUSIONS)
		return ew_error_set(err, EW_EINVAL,
				    "too many tag exclusion filters: ECR takes "
				    "at most %d",
				    EW_MAX_TAG_EXCLUSIONS);
	copy = ew_strdup(value);
	grown = copy ? realloc(s->tag_exclusions,
			       (s->ntag_exclusions + 1) * sizeof(*grown))
		     : NULL;
	if (!grown) {
		free(copy);
		return ew_error_oom(err);
	}
	s->tag_exclusions = grown;
	s->tag_exclusions[s->ntag_exclusions++] = copy;
	return 0;
}

int ew_setup_parse_bool(const char *what, const char *value, bool *out,
			struct ew_error *err)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	char q[256];
	int rc;

	rc = check_text(what, value, 16, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return ew_error_set(err, EW_EINVAL,
			    "%s '%s' is not valid: use true or false (yes/no, "
			    "on/off)",
			    what, shown(q, sizeof(q), value));
}

int ew_setup_set_scan_on_push(struct ew_setup *s, const char *value,
			      struct ew_error *err)
{
	begin(s);
	return ew_setup_parse_bool("scan on push", value, &s->scan_on_push,
				   err);
}

int ew_setup_set_share_role(struct ew_setup *s, const char *value,
			    struct ew_error *err)
{
	begin(s);
	return ew_setup_parse_bool("share role", value, &s->share_role, err);
}

int ew_setup_set_replace_lifecycle(struct ew_setup *s, const char *value,
				   struct ew_error *err)
{
	begin(s);
	return ew_setup_parse_bool("replace lifecycle", value,
				   &s->replace_lifecycle, err);
}

static void make_slug(char *slug)
{
	for (char *p = slug; *p; p++)
		if (!is_alnum(*p) && !strchr("+=,.@_-", *p))
			*p = '-';
}

static size_t target_name_len(const char *base, const char *slug)
{
	return strlen(base) + 1 + strlen(slug);
}

int ew_setup_add_env(struct ew_setup *s, const char *value,
		     struct ew_error *err)
{
	char q[256];
	char warning[sizeof(s->warning)] = "";
	struct ew_env_target e = {NULL, NULL, NULL, NULL};
	struct ew_env_target *grown;
	const char *c2, *c1;
	int rc;

	begin(s);
	rc = check_text("environment", value, 600, err);
	if (rc)
		return rc;
	c2 = strrchr(value, ':');
	c1 = NULL;
	for (const char *p = c2 ? c2 - 1 : NULL; p && p >= value; p--)
		if (*p == ':') {
			c1 = p;
			break;
		}
	if (!c1 || c1 == value)
		return ew_error_set(err, EW_EINVAL,
				    "environment '%s' is not valid: use "
				    "NAME:REGION:REPO, like "
				    "production:eu-west-1:my-app",
				    shown(q, sizeof(q), value));
	e.name = strndup(value, (size_t)(c1 - value));
	e.region = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
	e.repo_name = ew_strdup(c2 + 1);
	e.slug = e.name ? ew_strdup(e.name) : NULL;
	if (!e.name || !e.region || !e.repo_name || !e.slug) {
		rc = ew_error_oom(err);
		goto done;
	}
	make_slug(e.slug);
	rc = valid_env_name(e.name, err);
	if (!rc)
		rc = valid_region(e.region, warning, sizeof(warning), err);
	if (!rc)
		rc = valid_ecr_name(e.repo_name, err);
	if (rc)
		goto done;
	for (size_t i = 0; i < s->nenvs; i++) {
		if (strcasecmp(s->envs[i].name, e.name) == 0) {
			rc = ew_error_set(err, EW_EINVAL,
					  "environment '%s' is given twice",
					  e.name);
			goto done;
		}
		/* IAM names are unique case-insensitively. */
		if (strcasecmp(s->envs[i].slug, e.slug) == 0) {
			rc = ew_error_set(
			    err, EW_EINVAL,
			    "environments '%s' and '%s' would share the role "
			    "name suffix '-%s': rename one",
			    s->envs[i].name, e.name, e.slug);
			goto done;
		}
	}
	if (target_name_len(s->role_name, e.slug) > 64) {
		rc = ew_error_set(err, EW_EINVAL,
				  "environment name '%s' is too long for the "
				  "role name '%s-%s': role names take at most "
				  "64 characters",
				  e.name, s->role_name, e.slug);
		goto done;
	}
	grown = realloc(s->envs, (s->nenvs + 1) * sizeof(*grown));
	if (!grown) {
		rc = ew_error_oom(err);
		goto done;
	}
	s->envs = grown;
	s->envs[s->nenvs++] = e;
	memset(&e, 0, sizeof(e));
	memcpy(s->warning, warning, sizeof(warning));
done:
	free(e.name);
	free(e.region);
	free(e.repo_name);
	free(e.slug);
	return rc;
}

int ew_setup_set_workflow_path(struct ew_setup *s, const char *value,
			       struct ew_error *err)
{
	static const char dir[] = ".github/workflows/";
	char q[256];
	const char *file;
	size_t len;
	int rc;

	begin(s);
	rc = check_text("workflow path", value, 255, err);
	if (rc)
		return rc;
	if (strncmp(value, dir, sizeof(dir) - 1) != 0)
		goto bad;
	file = value + sizeof(dir) - 1;
	len = strlen(file);
	if (len < 5 || file[0] == '.')
		goto bad;
	for (const char *p = file; *p; p++)
		if (!is_alnum(*p) && !strchr("._-", *p))
			goto bad;
	if (strcmp(file + len - 4, ".yml") != 0 &&
	    (len < 6 || strcmp(file + len - 5, ".yaml") != 0))
		goto bad;
	return store(&s->workflow_path, value, err);
bad:
	return ew_error_set(err, EW_EINVAL,
			    "workflow path '%s' is not valid: use "
			    ".github/workflows/NAME.yml (letters, digits "
			    "and . _ - in NAME)",
			    shown(q, sizeof(q), value));
}

void ew_setup_set_write_workflow(struct ew_setup *s, bool on)
{
	begin(s);
	s->write_workflow = on;
}

int ew_setup_set_platforms(struct ew_setup *s, const char *value,
			   struct ew_error *err)
{
	char q[256];
	const char *p, *end;
	int rc;

	begin(s);
	rc = check_text("platforms", value, 512, err);
	if (rc)
		return rc;
	for (p = value;; p = end + 1) {
		size_t n, parts = 1, seglen = 0;

		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '/') {
				if (seglen == 0)
					goto bad;
				parts++;
				seglen = 0;
			} else if (is_lower_alnum(p[i]) || p[i] == '_') {
				seglen++;
			} else {
				goto bad;
			}
		}
		if (seglen == 0 || parts < 2 || parts > 3)
			goto bad;
		/* A duplicate would make buildx build the same image twice. */
		for (const char *o = value; o < p;) {
			const char *oe = strchr(o, ',');

			if ((size_t)(oe - o) == n && memcmp(o, p, n) == 0)
				goto bad;
			o = oe + 1;
		}
		if (!end)
			break;
	}
	return store(&s->platforms, value, err);
bad:
	return ew_error_set(
	    err, EW_EINVAL,
	    "platforms '%s' is not valid: use a comma-separated "
	    "list of different OS/ARCH[/VARIANT] without "
	    "spaces, like linux/amd64,linux/arm64",
	    shown(q, sizeof(q), value));
}

/* ------------------------------------------------------------ checks */

int ew_setup_check(const struct ew_setup *s, struct ew_error *err)
{
	bool excl = s->tag_mutability == EW_TAG_IMMUTABLE_WITH_EXCLUSION ||
		    s->tag_mutability == EW_TAG_MUTABLE_WITH_EXCLUSION;

	if (!s->owner || !s->repo)
		return ew_error_set(err, EW_EINVAL,
				    "no GitHub repository: give OWNER/REPO");
	if (!s->account)
		return ew_error_set(err, EW_EINVAL,
				    "no AWS account ID: give the 12-digit "
				    "account ID");
	if (!s->repo_name && s->nenvs == 0)
		return ew_error_set(err, EW_EINVAL,
				    "no ECR repository name: '%s' gives no "
				    "valid default, set one",
				    s->repo);
	if (s->nscopes == 0)
		return ew_error_set(err, EW_EINVAL,
				    "no trust scope: add at least one (any, "
				    "branch:NAME, tag:PATTERN, env:NAME, "
				    "pull_request)");
	if (excl && s->ntag_exclusions == 0)
		return ew_error_set(err, EW_EINVAL,
				    "tag mutability %s needs 1-%d exclusion "
				    "filters (like latest)",
				    ew_tag_mutability_name(s->tag_mutability),
				    EW_MAX_TAG_EXCLUSIONS);
	if (!excl && s->ntag_exclusions > 0)
		return ew_error_set(err, EW_EINVAL,
				    "tag exclusion filters need tag "
				    "mutability IMMUTABLE_WITH_EXCLUSION or "
				    "MUTABLE_WITH_EXCLUSION");
	for (size_t i = 0; i < s->nenvs; i++) {
		if (target_name_len(s->role_name, s->envs[i].slug) > 64)
			return ew_error_set(
			    err, EW_EINVAL,
			    "role name '%s-%s' is too long: role names take "
			    "at most 64 characters",
			    s->role_name, s->envs[i].slug);
		if (target_name_len(s->policy_name, s->envs[i].slug) > 128)
			return ew_error_set(
			    err, EW_EINVAL,
			    "policy name '%s-%s' is too long: policy names "
			    "take at most 128 characters",
			    s->policy_name, s->envs[i].slug);
	}
	return 0;
}

/* ------------------------------------------------------------ derived */

int ew_setup_default_repo_name(struct ew_buf *out, const char *github_repo)
{
	size_t start = out->len;
	int rc = 0;
	char sep = 0; /* pending separator, written before the next alnum */
	size_t run = 0;

	for (const char *p = github_repo ? github_repo : ""; *p && !rc; p++) {
		char c = (char)tolower((unsigned char)*p);

		if (is_lower_alnum(c)) {
			if (sep && out->len > start)
				rc = ew_buf_putc(out, run == 1 ? sep : '-');
			if (!rc)
				rc = ew_buf_putc(out, c);
			sep = 0;
			run = 0;
		} else {
			/* ECR allows ".", "_" or runs of "-" between
			 * letters; anything else becomes one '-'. */
			sep = (run == 0 && (c == '.' || c == '_' || c == '-'))
				  ? c
				  : '-';
			run++;
		}
		if (out->len - start >= 256)
			break;
	}
	if (!rc && out->len - start == 1)
		rc = ew_buf_puts(out, "-repo");
	return rc;
}

const char *ew_setup_target_region(const struct ew_setup *s,
				   const struct ew_env_target *env)
{
	return env ? env->region : s->region;
}

const char *ew_setup_target_repo_name(const struct ew_setup *s,
				      const struct ew_env_target *env)
{
	return env ? env->repo_name : s->repo_name;
}

int ew_setup_role_name_for(struct ew_buf *out, const struct ew_setup *s,
			   const struct ew_env_target *env)
{
	return env ? ew_buf_printf(out, "%s-%s", s->role_name, env->slug)
		   : ew_buf_puts(out, s->role_name);
}

int ew_setup_policy_name_for(struct ew_buf *out, const struct ew_setup *s,
			     const struct ew_env_target *env)
{
	return env ? ew_buf_printf(out, "%s-%s", s->policy_name, env->slug)
		   : ew_buf_puts(out, s->policy_name);
}

static const struct ew_partition *need(const struct ew_setup *s,
				       const char *region, struct ew_error *err)
{
	const struct ew_partition *p;

	if (!s->account) {
		ew_error_set(err, EW_EINVAL, "no AWS account ID");
		return NULL;
	}
	p = ew_partition_for_region(region);
	if (!p)
		ew_error_set(err, EW_EINVAL, "region '%s' has no partition",
			     region ? region : "");
	return p;
}

static int oom(int rc, struct ew_error *err)
{
	return rc ? ew_error_set(err, rc, "out of memory") : 0;
}

int ew_setup_role_arn(struct ew_buf *out, const struct ew_setup *s,
		      const struct ew_env_target *env, struct ew_error *err)
{
	/* IAM is global: the partition is the main region's. */
	const struct ew_partition *p = need(s, s->region, err);
	int rc;

	if (!p)
		return EW_EINVAL;
	rc = ew_buf_printf(out, "arn:%s:iam::%s:role/", p->id, s->account);
	if (!rc)
		rc = ew_setup_role_name_for(out, s, env);
	return oom(rc, err);
}

int ew_setup_policy_arn(struct ew_buf *out, const struct ew_setup *s,
			const struct ew_env_target *env, struct ew_error *err)
{
	const struct ew_partition *p = need(s, s->region, err);
	int rc;

	if (!p)
		return EW_EINVAL;
	rc = ew_buf_printf(out, "arn:%s:iam::%s:policy/", p->id, s->account);
	if (!rc)
		rc = ew_setup_policy_name_for(out, s, env);
	return oom(rc, err);
}

int ew_setup_provider_arn(struct ew_buf *out, const struct ew_setup *s,
			  struct ew_error *err)
{
	const struct ew_partition *p = need(s, s->region, err);

	if (!p)
		return EW_EINVAL;
	return oom(ew_buf_printf(out,
				 "arn:%s:iam::%s:oidc-provider/"
				 "token.actions.githubusercontent.com",
				 p->id, s->account),
		   err);
}

int ew_setup_repository_arn(struct ew_buf *out, const struct ew_setup *s,
			    const struct ew_env_target *env,
			    struct ew_error *err)
{
	const char *region = ew_setup_target_region(s, env);
	const char *name = ew_setup_target_repo_name(s, env);
	const struct ew_partition *p = need(s, region, err);

	if (!p)
		return EW_EINVAL;
	if (!name)
		return ew_error_set(err, EW_EINVAL, "no ECR repository name");
	return oom(ew_buf_printf(out, "arn:%s:ecr:%s:%s:repository/%s", p->id,
				 region, s->account, name),
		   err);
}

int ew_setup_registry_host(struct ew_buf *out, const struct ew_setup *s,
			   const struct ew_env_target *env,
			   struct ew_error *err)
{
	const char *region = ew_setup_target_region(s, env);
	const struct ew_partition *p = need(s, region, err);

	if (!p)
		return EW_EINVAL;
	return oom(ew_buf_printf(out, "%s.dkr.ecr.%s.%s", s->account, region,
				 p->dns_suffix),
		   err);
}

size_t ew_setup_target_count(const struct ew_setup *s)
{
	return s->nenvs ? s->nenvs : 1;
}

const struct ew_env_target *ew_setup_target_env(const struct ew_setup *s,
						size_t i)
{
	return s->nenvs && i < s->nenvs ? &s->envs[i] : NULL;
}
