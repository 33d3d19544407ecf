/*
 * explain.c - stream a log, clean each line, collect values, match lines to
 * the knowledge table, then settle the diagnosis with the whole log's facts.
 *
 * Memory stays bounded whatever the input size: one line buffer (at most
 * EW_EXPLAIN_MAX_LINE bytes), one stored line per distinct first-pass entry,
 * and values that are set once.
 */
#include "explain.h"
#include "partition.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CANDIDATES 128
#define MAX_TRUSTED    4096 /* bytes of trusted subjects kept */
#define MAX_VALUE      512  /* longest value kept */

struct candidate {
	const struct ew_knowledge_entry *first; /* first-pass entry */
	unsigned long line;
	char *text;
};

struct ew_explain {
	struct ew_buf line; /* the line being assembled */
	bool cut;	    /* skipping the rest of an over-long line */
	bool finished;
	unsigned long line_no;

	struct candidate cand[MAX_CANDIDATES];
	size_t ncand;

	/* values, each set once (first sighting wins unless noted) */
	char *partition, *account, *region, *role_arn, *role_from_assumed;
	char *policy, *repo, *github_repo, *claimed_sub, *principal_arn;
	char *actor, *assumed_role_arn, *environment, *ref, *tag_ref;
	char *branch;
	char *repo_account, *duration, *chained_role_arn, *tag;
	unsigned long login_line; /* first "Login Succeeded", 0: none */
	bool docker_io;		  /* an image went to docker.io */
	bool role_explicit;	  /* role_arn came from role-to-assume */
	bool pr;		  /* a pull_request event was seen */
	bool in_sub_list;	  /* inside a multi-line "...:sub": [ list */
	struct ew_buf trusted;

	const struct ew_knowledge_values *defaults; /* borrowed, or NULL */

	/* settled at finish */
	char *job_sub;
	bool sub_inferred;
	char *role_arn_final;
	struct ew_knowledge_values vals;
	struct ew_explain_match *matches;
	char **details;
	size_t nmatches;
};

/* ------------------------------------------------------------------ */
/* Cleaning */

static bool is_digit_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Length of "2026-01-15T12:00:01.1234567Z " at s, or 0. */
static size_t timestamp_len(const char *s, size_t len)
{
	size_t i = 19;

	if (len < 20 || !is_digit_run(s, 4) || s[4] != '-' ||
	    !is_digit_run(s + 5, 2) || s[7] != '-' || !is_digit_run(s + 8, 2) ||
	    s[10] != 'T' || !is_digit_run(s + 11, 2) || s[13] != ':' ||
	    !is_digit_run(s + 14, 2) || s[16] != ':' ||
	    !is_digit_run(s + 17, 2))
		return 0;
	if (i < len && s[i] == '.')
		for (i++; i < len && isdigit((unsigned char)s[i]); i++)
			;
	if (i < len && s[i] == 'Z')
		i++;
	else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') &&
		 s[i + 3] == ':')
		i += 6;
	else
		return 0;
	if (i < len && s[i] == ' ')
		i++;
	return i;
}

/* Drop ANSI escape sequences (CSI, OSC, two-byte ESC x). */
static size_t strip_ansi(char *s, size_t len)
{
	size_t r = 0, w = 0;

	while (r < len) {
		if (s[r] != '\x1b') {
			s[w++] = s[r++];
			continue;
		}
		r++;
		if (r < len && s[r] == '[') {
			for (r++; r < len; r++)
				if ((unsigned char)s[r] >= 0x40 &&
				    (unsigned char)s[r] <= 0x7e) {
					r++;
					break;
				}
		} else if (r < len && s[r] == ']') {
			for (r++; r < len; r++) {
				if (s[r] == '\a') {
					r++;
					break;
				}
				if (s[r] == '\x1b' && r + 1 < len &&
				    s[r + 1] == '\\') {
					r += 2;
					break;
				}
			}
		} else if (r < len) {
			r++;
		}
	}
	return w;
}

/* Length of a valid UTF-8 sequence at s (of n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (need == 3 && s[0] == 0xe0 && s[1] < 0xa0)
		return 0;
	if (need == 3 && s[0] == 0xed && s[1] >= 0xa0)
		return 0;
	if (need == 4 && s[0] == 0xf0 && s[1] < 0x90)
		return 0;
	if (need == 4 && s[0] == 0xf4 && s[1] >= 0x90)
		return 0;
	return need;
}

/* Control characters out (tab and CR become spaces), bad UTF-8 -> '?'. */
static size_t sanitize(char *s, size_t len)
{
	size_t r = 0, w = 0;

	while (r < len) {
		unsigned char c = (unsigned char)s[r];
		size_t n;
		if (c == '\t' || c == '\r') {
			s[w++] = ' ';
			r++;
		} else if (c < 0x20 || c == 0x7f) {
			r++;
		} else if ((n = utf8_len((unsigned char *)s + r, len - r)) ==
			   0) {
			s[w++] = '?';
			r++;
		} else {
			memmove(s + w, s + r, n);
			w += n;
			r += n;
		}
	}
	return w;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

/* Length of the GitHub/tool prefix at s ("##[error]", "::error ...::",
 * "Error: "), or 0. */
static size_t prefix_len(const char *s, size_t len)
{
	static const char *const words[] = {
	    "Error: ", "ERROR: ", "error: ", "Error:", "ERROR:", "error:"};
	const char *e;

	if (starts(s, len, "##[") && (e = memchr(s, ']', len)) && e - s < 24)
		return (size_t)(e - s) + 1;
	if (starts(s, len, "::") && len > 2) {
		for (size_t i = 2; i + 1 < len && i < 512; i++)
			if (s[i] == ':' && s[i + 1] == ':')
				return i + 2;
		return 0;
	}
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (starts(s, len, words[k]))
			return strlen(words[k]);
	return 0;
}

size_t ew_explain_clean_line(char *line, size_t len)
{
	size_t cut, lead;

	len = strip_ansi(line, len);
	len = sanitize(line, len);
	cut = timestamp_len(line, len);
	do {
		for (lead = cut; lead < len && line[lead] == ' '; lead++)
			;
		cut = lead + prefix_len(line + lead, len - lead);
	} while (cut != lead);
	memmove(line, line + cut, len - cut);
	len -= cut;
	while (len && line[len - 1] == ' ')
		len--;
	line[len] = '\0';
	return len;
}

/* ------------------------------------------------------------------ */
/* Secrets never leave: a value after one of these keys becomes "***". */

static const char *ci_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

static int redact(struct ew_buf *out, const char *s)
{
	static const char *const keys[] = {
	    "secret_access_key", "secret-access-key", "secretaccesskey",
	    "session_token",	 "session-token",     "sessiontoken",
	    "security-token",	 "security_token",    "password",
	    "authorization:",	 "aws4-hmac-sha256"};
	const char *p = s, *sep;
	int rc = 0;

	while (*p && !rc) {
		const char *best = NULL;
		size_t klen = 0;
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *f = ci_find(p, keys[k]);
			if (f && (!best || f < best)) {
				best = f;
				klen = strlen(keys[k]);
			}
		}
		if (!best)
			return ew_buf_puts(out, p);
		rc = ew_buf_add(out, p, (size_t)(best - p) + klen);
		p = best + klen;
		if (strncasecmp(best, "authorization:", 14) == 0 ||
		    strncasecmp(best, "aws4-hmac-sha256", 16) == 0) {
			/* the whole header value, signature included */
			if (!rc)
				rc = ew_buf_puts(out, " ***");
			return rc;
		}
		sep = p;
		while (*p && (*p == ' ' || *p == '"' || *p == '\'' ||
			      *p == ':' || *p == '='))
			p++;
		if (!rc)
			rc = ew_buf_add(out, sep, (size_t)(p - sep));
		/* "password-stdin" is a flag, not a value */
		if (p > sep && *p && !isspace((unsigned char)*p) && *p != ',' &&
		    *p != '"' && *p != '\'') {
			while (*p && !isspace((unsigned char)*p) && *p != ',' &&
			       *p != '"' && *p != '\'' && *p != '&' &&
			       *p != ';')
				p++;
			if (!rc)
				rc = ew_buf_puts(out, "***");
		}
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Values */

static bool has_mask(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++)
		if (s[i] == '*' && s[i + 1] == '*' && s[i + 2] == '*')
			return true;
	return false;
}

static int set_value(char **field, const char *s, size_t len, bool replace)
{
	char *copy;

	if ((*field && !replace) || len == 0 || len > MAX_VALUE)
		return 0;
	if (has_mask(s, len))
		return 0; /* masked by GitHub: useless */
	copy = malloc(len + 1);
	if (!copy)
		return EW_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	free(*field);
	*field = copy;
	return 0;
}

static bool tok_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("\"'`,()[]<>;", c);
}

static size_t tok_len(const char *s)
{
	size_t n = 0;
	while (tok_char(s[n]))
		n++;
	/* a sentence may end right after an ARN or a name */
	while (n && (s[n - 1] == '.' || s[n - 1] == ':'))
		n--;
	return n;
}

static bool valid_region(const char *s, size_t len)
{
	char buf[32];

	if (len < 6 || len >= sizeof(buf))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return ew_partition_for_region(buf) != NULL;
}

static bool valid_github_repo(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);

	if (!slash || slash == s || slash == s + len - 1 ||
	    memchr(slash + 1, '/', (size_t)(s + len - slash - 1)))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_./", s[i]))
			return false;
	return true;
}

static bool valid_ecr_repo(const char *s, size_t len)
{
	if (len < 2 || len > 256)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && !strchr("._-/", s[i]))
			return false;
	return true;
}

/* One ARN starting at a ("arn:..."), of length n. */
static int take_arn(struct ew_explain *ex, const char *line, const char *a,
		    size_t n)
{
	const char *f[6];
	size_t flen[6], k = 0;
	const char *p = a, *end = a + n;
	bool user = a - line >= 6 && strncmp(a - 6, "User: ", 6) == 0;
	int rc = 0;

	while (k < 5 && p < end) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		if (!c)
			return 0;
		f[k] = p;
		flen[k++] = (size_t)(c - p);
		p = c + 1;
	}
	if (k < 5 || p >= end)
		return 0;
	f[5] = p;
	flen[5] = (size_t)(end - p);
	/* f: arn, partition, service, region, account, resource */
	if (flen[4] != 12 || !is_digit_run(f[4], 12))
		return 0;
	rc = set_value(&ex->partition, f[1], flen[1], false);
	/* A repository's ARN names the account that owns the repository,
	 * which in a cross-account push is not the role's. */
	if (!rc && flen[2] == 3 && memcmp(f[2], "ecr", 3) == 0)
		rc = set_value(&ex->repo_account, f[4], 12, false);
	else if (!rc)
		rc = set_value(&ex->account, f[4], 12, false);
	if (rc)
		return rc;
	if (flen[2] == 3 && memcmp(f[2], "iam", 3) == 0) {
		bool chained = ex->chained_role_arn &&
			       strlen(ex->chained_role_arn) == n &&
			       memcmp(ex->chained_role_arn, a, n) == 0;
		if (starts(f[5], flen[5], "role/") && !chained)
			rc = set_value(&ex->role_arn, a, n, false);
		else if (starts(f[5], flen[5], "policy/")) {
			const char *name = end;
			while (name[-1] != '/')
				name--;
			rc = set_value(&ex->policy, name, (size_t)(end - name),
				       false);
		}
		if (!rc && user)
			rc = set_value(&ex->principal_arn, a, n, false);
	} else if (flen[2] == 3 && memcmp(f[2], "sts", 3) == 0 &&
		   starts(f[5], flen[5], "assumed-role/")) {
		const char *r = f[5] + 13;
		const char *slash = memchr(r, '/', (size_t)(end - r));
		size_t rlen = slash ? (size_t)(slash - r) : (size_t)(end - r);
		struct ew_buf b;

		rc = set_value(&ex->assumed_role_arn, a, n, false);
		if (!rc)
			rc = set_value(&ex->role_from_assumed, r, rlen, false);
		if (!rc && user && !ex->principal_arn) {
			/* simulate-principal-policy wants the role's ARN */
			ew_buf_init(&b);
			rc = ew_buf_printf(&b, "arn:%.*s:iam::%.12s:role/%.*s",
					   (int)flen[1], f[1], f[4], (int)rlen,
					   r);
			if (!rc)
				rc = set_value(&ex->principal_arn, b.ptr, b.len,
					       false);
			ew_buf_release(&b);
		}
	} else if (flen[2] == 3 && memcmp(f[2], "ecr", 3) == 0 &&
		   starts(f[5], flen[5], "repository/")) {
		if (valid_region(f[3], flen[3]))
			rc = set_value(&ex->region, f[3], flen[3], false);
		if (!rc && valid_ecr_repo(f[5] + 11, flen[5] - 11))
			rc = set_value(&ex->repo, f[5] + 11, flen[5] - 11,
				       false);
	}
	return rc;
}

/*
 * The registry API path after "/v2/": REPO/manifests/REF or
 * REPO/blobs/...; a REF that is not a digest is the tag.
 */
static int take_api_path(struct ew_explain *ex, const char *p, const char *end)
{
	static const char *const kinds[] = {"/manifests/", "/blobs/"};
	int rc = 0;

	for (size_t k = 0; k < 2; k++) {
		size_t kl = strlen(kinds[k]);
		for (const char *q = p; q + kl <= end; q++) {
			const char *r = q + kl, *e = r;
			if (memcmp(q, kinds[k], kl) != 0)
				continue;
			if (valid_ecr_repo(p, (size_t)(q - p)))
				rc = set_value(&ex->repo, p, (size_t)(q - p),
					       false);
			while (e < end && *e != '?' && *e != '"')
				e++;
			if (!rc && k == 0 && e > r &&
			    !starts(r, (size_t)(e - r), "sha256:"))
				rc = set_value(&ex->tag, r, (size_t)(e - r),
					       false);
			return rc;
		}
	}
	return rc;
}

/* ACCOUNT.dkr.ecr.REGION.amazonaws.com[/REPO[:TAG]] */
static int take_registry(struct ew_explain *ex, const char *line,
			 const char *dkr)
{
	const char *reg = dkr + 9, *dot, *end = reg + tok_len(reg);
	int rc = 0;

	if (dkr - line >= 12 && is_digit_run(dkr - 12, 12) &&
	    (dkr - line == 12 || !isdigit((unsigned char)dkr[-13])))
		rc = set_value(&ex->repo_account, dkr - 12, 12, false);
	dot = memchr(reg, '.', (size_t)(end - reg));
	if (!rc && dot && valid_region(reg, (size_t)(dot - reg)))
		rc = set_value(&ex->region, reg, (size_t)(dot - reg), false);
	if (!rc && dot) {
		const char *slash = memchr(dot, '/', (size_t)(end - dot));
		if (slash && starts(slash, (size_t)(end - slash), "/v2/"))
			return take_api_path(ex, slash + 4, end);
		if (slash) {
			const char *r = slash + 1, *e = r;
			while (e < end && *e != ':' && *e != '@')
				e++;
			if (valid_ecr_repo(r, (size_t)(e - r)))
				rc = set_value(&ex->repo, r, (size_t)(e - r),
					       false);
		}
	}
	return rc;
}

/* Text between the quote after lead and the next quote. */
static int take_quoted(char **field, const char *line, const char *lead,
		       bool (*ok)(const char *, size_t))
{
	const char *s = strstr(line, lead), *e;

	if (!s)
		return 0;
	s += strlen(lead);
	e = strchr(s, '\'');
	if (!e || (ok && !ok(s, (size_t)(e - s))))
		return 0;
	return set_value(field, s, (size_t)(e - s), false);
}

static bool twelve_digits(const char *s, size_t n)
{
	return n == 12 && is_digit_run(s, 12);
}

static int add_trusted(struct ew_explain *ex, const char *s, size_t len)
{
	const char *p = ex->trusted.ptr;
	int rc;

	if (!len || !memchr(s, ':', len) || memchr(s, '\n', len) ||
	    ex->trusted.len + len + 1 > MAX_TRUSTED)
		return 0;
	while (*p) { /* already known? */
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == len && memcmp(p, s, len) == 0)
			return 0;
		p += n + (e ? 1 : 0);
	}
	rc = ex->trusted.len ? ew_buf_putc(&ex->trusted, '\n') : 0;
	return rc ? rc : ew_buf_add(&ex->trusted, s, len);
}

/* Every "quoted" string after from. */
static int trusted_quoted(struct ew_explain *ex, const char *from)
{
	int rc = 0;

	while (!rc && (from = strchr(from, '"')) != NULL) {
		const char *e = strchr(from + 1, '"');
		if (!e)
			break;
		rc = add_trusted(ex, from + 1, (size_t)(e - from - 1));
		from = e + 1;
	}
	return rc;
}

/* Subject tokens ("repo:..." with or without backticks) after from. */
static int subjects_after(struct ew_explain *ex, const char *from,
			  const char *stop, bool trusted)
{
	const char *p = from;
	int rc = 0;

	while (!rc && (p = strstr(p, "repo:")) != NULL && (!stop || p < stop)) {
		size_t n = tok_len(p);
		if (trusted)
			rc = add_trusted(ex, p, n);
		else
			rc = set_value(&ex->claimed_sub, p, n, false);
		p += n ? n : 1;
	}
	return rc;
}

/* "key: value" at the start of the line, or "\"key\": \"value\""
 * anywhere; the value's extent goes to *v / *vlen. */
static bool keyed(const char *line, const char *key, const char **v,
		  size_t *vlen)
{
	size_t k = strlen(key);
	const char *p;

	if (strncasecmp(line, key, k) == 0 && line[k] == ':') {
		p = line + k + 1;
		while (*p == ' ')
			p++;
		if (*p == '"' || *p == '\'') {
			const char *e = strchr(p + 1, *p);
			if (!e)
				return false;
			*v = p + 1;
			*vlen = (size_t)(e - p - 1);
			return *vlen > 0;
		}
		*v = p;
		*vlen = tok_len(p);
		return *vlen > 0;
	}
	p = line;
	while ((p = strchr(p, '"')) != NULL) {
		if (strncmp(p + 1, key, k) == 0 && p[k + 1] == '"') {
			const char *q = p + k + 2, *e;
			while (*q == ' ')
				q++;
			if (*q++ != ':')
				return false;
			while (*q == ' ')
				q++;
			if (*q != '"' || !(e = strchr(q + 1, '"')))
				return false;
			*v = q + 1;
			*vlen = (size_t)(e - q - 1);
			return *vlen > 0;
		}
		p++;
	}
	return false;
}

static bool is_arn(const char *s, size_t n)
{
	return n > 4 && memcmp(s, "arn:", 4) == 0;
}

static bool plain_value(const char *s, size_t n)
{
	return n && s[0] != '$' && s[0] != '{' && s[0] != '[';
}

/* Scan for refs/... tokens (checkout prints them). */
static int take_refs(struct ew_explain *ex, const char *line)
{
	const char *p = line;
	int rc = 0;

	while (!rc && (p = strstr(p, "refs/")) != NULL) {
		size_t n = tok_len(p);
		const char *colon = memchr(p, ':', n);
		if (colon) /* "+refs/heads/x:refs/remotes/..." */
			n = (size_t)(colon - p);
		if (memchr(p, '*', n)) {
			p += n ? n : 1;
			continue;
		}
		if (starts(p, n, "refs/pull/") ||
		    starts(p, n, "refs/remotes/pull/"))
			ex->pr = true;
		else if (starts(p, n, "refs/tags/") && n > 10)
			rc = set_value(&ex->tag_ref, p, n, false);
		else if (starts(p, n, "refs/heads/") && n > 11)
			rc = set_value(&ex->branch, p + 11, n - 11, false);
		else if (starts(p, n, "refs/remotes/origin/") && n > 20)
			rc = set_value(&ex->branch, p + 20, n - 20, false);
		p += n ? n : 1;
	}
	return rc;
}

static bool has_role_path(const char *s, size_t n)
{
	for (size_t i = 0; i + 6 <= n; i++)
		if (memcmp(s + i, ":role/", 6) == 0)
			return true;
	return false;
}

static int extract(struct ew_explain *ex, const char *line)
{
	const char *p, *v;
	size_t n;
	int rc = 0;

	/* trusted subjects in a pasted trust policy, maybe over lines */
	if (ex->in_sub_list) {
		const char *close = strchr(line, ']');
		rc = trusted_quoted(ex, line);
		if (close)
			ex->in_sub_list = false;
		return rc; /* its refs are trusted ones, not the job's */
	}
	if ((p = strstr(line, "githubusercontent.com:sub\"")) != NULL) {
		p += 26;
		rc = trusted_quoted(ex, p);
		if (!rc && strchr(p, '[') && !strchr(p, ']'))
			ex->in_sub_list = true;
		return rc;
	}
	if (ci_find(line, "trust") && strstr(line, "repo:")) {
		const char *ran = strstr(line, "ran as");
		rc = subjects_after(ex, line, ran, true);
		if (!rc && ran)
			rc = subjects_after(ex, ran, NULL, false);
		return rc;
	}

	/* the second role of a chain: what sts:AssumeRole was denied on */
	if ((p = strstr(line, "sts:AssumeRole on resource: ")) ||
	    (p = strstr(line, "sts:TagSession on resource: "))) {
		p = strstr(p, "arn:");
		if (p && has_role_path(p, tok_len(p)))
			rc = set_value(&ex->chained_role_arn, p, tok_len(p),
				       false);
	}
	if (!ex->login_line && ci_find(line, "login succeeded"))
		ex->login_line = ex->line_no;
	if (ci_find(line, "docker.io/") && ci_find(line, "push"))
		ex->docker_io = true;
	for (p = line; !rc && (p = strstr(p, "arn:aws")) != NULL;) {
		n = tok_len(p);
		rc = take_arn(ex, line, p, n);
		p += n ? n : 1;
	}
	for (p = line; !rc && (p = strstr(p, ".dkr.ecr.")) != NULL; p++)
		rc = take_registry(ex, line, p);
	if (!rc)
		rc = take_quoted(&ex->repo, line, "repository with name '",
				 valid_ecr_repo);
	if (!rc)
		rc = take_quoted(&ex->repo_account, line, "registry with id '",
				 twelve_digits);
	if (!rc && strstr(line, "already exists in the '"))
		rc = take_quoted(&ex->repo, line, "already exists in the '",
				 valid_ecr_repo);
	if (!rc && strstr(line, "refs/"))
		rc = take_refs(ex, line);
	/* an aws CLI command line */
	if (!rc && (p = strstr(line, "--region ")) &&
	    valid_region(p + 9, tok_len(p + 9)))
		rc = set_value(&ex->region, p + 9, tok_len(p + 9), false);
	if (!rc && (p = strstr(line, "--repository-name ")) &&
	    valid_ecr_repo(p + 18, tok_len(p + 18)))
		rc = set_value(&ex->repo, p + 18, tok_len(p + 18), false);
	if (!rc && ci_find(line, "dependabot[bot]"))
		rc = set_value(&ex->actor, "dependabot[bot]", 15, false);
	if (rc || !strchr(line, ':'))
		return rc;

	if (keyed(line, "role-to-assume", &v, &n) ||
	    keyed(line, "AWS_ROLE_ARN", &v, &n)) {
		if (is_arn(v, n) && strstr(v, ":role/")) {
			rc = set_value(&ex->role_arn, v, n, !ex->role_explicit);
			ex->role_explicit = true;
		}
	}
	if (!rc && keyed(line, "role-duration-seconds", &v, &n) &&
	    is_digit_run(v, n))
		rc = set_value(&ex->duration, v, n, false);
	if (!rc &&
	    (keyed(line, "aws-region", &v, &n) ||
	     keyed(line, "AWS_REGION", &v, &n) ||
	     keyed(line, "AWS_DEFAULT_REGION", &v, &n) ||
	     keyed(line, "region", &v, &n)) &&
	    valid_region(v, n))
		rc = set_value(&ex->region, v, n, false);
	if (!rc &&
	    (keyed(line, "ECR_REPOSITORY", &v, &n) ||
	     keyed(line, "repository-name", &v, &n)) &&
	    valid_ecr_repo(v, n))
		rc = set_value(&ex->repo, v, n, false);
	if (!rc &&
	    (keyed(line, "GITHUB_REPOSITORY", &v, &n) ||
	     keyed(line, "repository", &v, &n) ||
	     keyed(line, "Syncing repository", &v, &n)) &&
	    valid_github_repo(v, n))
		rc = set_value(&ex->github_repo, v, n, false);
	if (!rc && keyed(line, "environment", &v, &n) && plain_value(v, n))
		rc = set_value(&ex->environment, v, n, false);
	if (!rc &&
	    (keyed(line, "GITHUB_REF", &v, &n) || keyed(line, "ref", &v, &n)) &&
	    starts(v, n, "refs/") && !memchr(v, '*', n))
		rc = set_value(&ex->ref, v, n, false);
	if (!rc &&
	    (keyed(line, "GITHUB_EVENT_NAME", &v, &n) ||
	     keyed(line, "event_name", &v, &n)) &&
	    starts(v, n, "pull_request"))
		ex->pr = true;
	if (!rc &&
	    (keyed(line, "GITHUB_ACTOR", &v, &n) ||
	     keyed(line, "actor", &v, &n)) &&
	    plain_value(v, n))
		rc = set_value(&ex->actor, v, n, false);
	if (!rc && keyed(line, "sub", &v, &n) && memchr(v, ':', n) &&
	    !memchr(v, '*', n))
		rc = set_value(&ex->claimed_sub, v, n, false);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Lines */

static int store_candidate(struct ew_explain *ex,
			   const struct ew_knowledge_entry *e, const char *line)
{
	struct ew_buf b;
	int rc;

	for (size_t i = 0; i < ex->ncand; i++)
		if (ex->cand[i].first == e)
			return 0;
	if (ex->ncand == MAX_CANDIDATES)
		return 0;
	ew_buf_init(&b);
	rc = redact(&b, line);
	if (rc) {
		ew_buf_release(&b);
		return rc;
	}
	ex->cand[ex->ncand].first = e;
	ex->cand[ex->ncand].line = ex->line_no;
	ex->cand[ex->ncand].text = ew_buf_detach(&b);
	ex->ncand++;
	return 0;
}

static int process_line(struct ew_explain *ex)
{
	const struct ew_knowledge_entry *e = NULL;
	struct ew_knowledge_values v;
	struct ew_knowledge_query q;
	size_t len;
	int rc;

	ex->line_no++;
	if (!ex->line.len)
		return 0;
	len = ew_explain_clean_line(ex->line.ptr, ex->line.len);
	ex->line.len = len;
	if (!len)
		return 0;
	rc = extract(ex, ex->line.ptr);
	if (rc)
		return rc;
	/* The facts seen so far that decide whether a line is an error at
	 * all (a "denied" after a push to docker.io); the rest waits for
	 * the settling pass. */
	memset(&v, 0, sizeof(v));
	v.docker_io_push = ex->docker_io;
	v.login_seen = ex->login_line && ex->login_line < ex->line_no;
	memset(&q, 0, sizeof(q));
	q.text = ex->line.ptr;
	q.values = &v;
	if (ew_knowledge_match(&e, 1, &q) && e)
		rc = store_candidate(ex, e, ex->line.ptr);
	return rc;
}

int ew_explain_new(struct ew_explain **out, struct ew_error *err)
{
	struct ew_explain *ex = calloc(1, sizeof(*ex));

	*out = NULL;
	if (!ex)
		return ew_error_oom(err);
	ew_buf_init(&ex->line);
	ew_buf_init(&ex->trusted);
	*out = ex;
	return 0;
}

void ew_explain_set_defaults(struct ew_explain *ex,
			     const struct ew_knowledge_values *defaults)
{
	ex->defaults = defaults;
}

int ew_explain_feed(struct ew_explain *ex, const char *data, size_t len,
		    struct ew_error *err)
{
	int rc = 0;

	if (ex->finished)
		return ew_error_set(err, EW_EINVAL,
				    "cannot feed the log: already finished");
	while (len && !rc) {
		const char *nl = memchr(data, '\n', len);
		size_t seg = nl ? (size_t)(nl - data) : len;
		size_t room = EW_EXPLAIN_MAX_LINE - ex->line.len;

		if (!ex->cut) {
			if (seg > room) {
				ex->cut = true;
				rc = ew_buf_add(&ex->line, data, room);
			} else {
				rc = ew_buf_add(&ex->line, data, seg);
			}
		}
		if (!rc && nl) {
			if (ex->line.len &&
			    ex->line.ptr[ex->line.len - 1] == '\r')
				ex->line.len--;
			rc = process_line(ex);
			ew_buf_clear(&ex->line);
			ex->cut = false;
		}
		data += seg + (nl ? 1 : 0);
		len -= seg + (nl ? 1 : 0);
	}
	if (rc)
		return ew_error_set(err, rc, "out of memory");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Settling */

/* repo:OWNER/REPO from the first trusted subject, as a fallback. */
static int repo_from_trusted(struct ew_explain *ex, struct ew_buf *out)
{
	const char *t = ex->trusted.ptr, *colon;

	if (strncmp(t, "repo:", 5) != 0 || !(colon = strchr(t + 5, ':')) ||
	    memchr(t + 5, '*', (size_t)(colon - t - 5)) ||
	    memchr(t + 5, '\n', (size_t)(colon - t - 5)))
		return 1;
	return ew_buf_add(out, t + 5, (size_t)(colon - t - 5));
}

static int infer_sub(struct ew_explain *ex)
{
	const char *gh = ex->github_repo;
	struct ew_buf b;
	int rc = 0;

	if (!gh && ex->defaults && ex->defaults->github_repo &&
	    *ex->defaults->github_repo)
		gh = ex->defaults->github_repo;
	if (ex->claimed_sub)
		return set_value(&ex->job_sub, ex->claimed_sub,
				 strlen(ex->claimed_sub), false);
	if (!ex->environment && !ex->pr && !ex->ref && !ex->tag_ref &&
	    !ex->branch)
		return 0;
	ew_buf_init(&b);
	rc = ew_buf_puts(&b, "repo:");
	if (!rc)
		rc = gh ? ew_buf_puts(&b, gh) : repo_from_trusted(ex, &b);
	if (rc) { /* no repository known: nothing to infer */
		ew_buf_release(&b);
		return rc == 1 ? 0 : rc;
	}
	if (ex->environment) {
		rc = ew_buf_puts(&b, ":environment:");
		/* GitHub encodes ':' in a value as %3A */
		for (const char *p = ex->environment; *p && !rc; p++)
			rc = *p == ':' ? ew_buf_puts(&b, "%3A")
				       : ew_buf_putc(&b, *p);
	} else if (ex->pr) {
		rc = ew_buf_puts(&b, ":pull_request");
	} else if (ex->ref) {
		rc = ew_buf_printf(&b, ":ref:%s", ex->ref);
	} else if (ex->tag_ref) {
		rc = ew_buf_printf(&b, ":ref:%s", ex->tag_ref);
	} else {
		rc = ew_buf_printf(&b, ":ref:refs/heads/%s", ex->branch);
	}
	if (!rc) {
		ex->job_sub = ew_buf_detach(&b);
		ex->sub_inferred = true;
	}
	ew_buf_release(&b);
	return rc;
}

static int subject_detail(struct ew_explain *ex, char **out)
{
	const struct ew_knowledge_values *v = &ex->vals;
	const char *verb = ex->sub_inferred && v->job_sub == ex->job_sub
			       ? "likely ran as"
			       : "ran as";
	struct ew_buf b;
	int rc = 0;

	*out = NULL;
	if (!v->job_sub || !*v->job_sub)
		return 0;
	ew_buf_init(&b);
	if (v->trusted_sub && *v->trusted_sub) {
		rc = ew_buf_puts(&b, "the role trusts `");
		for (const char *p = v->trusted_sub; *p && !rc; p++)
			rc = *p == '\n' ? ew_buf_puts(&b, "`, `")
					: ew_buf_putc(&b, *p);
		if (!rc)
			rc = ew_buf_printf(&b, "` but this job %s `%s`", verb,
					   v->job_sub);
	} else {
		rc = ew_buf_printf(&b, "this job %s `%s`", verb, v->job_sub);
	}
	if (!rc)
		*out = ew_buf_detach(&b);
	ew_buf_release(&b);
	return rc;
}

static void fill_defaults(struct ew_knowledge_values *v,
			  const struct ew_knowledge_values *d)
{
#define FILL(f)                                                                \
	if (!v->f || !*v->f)                                                   \
		v->f = d->f;
	FILL(partition)
	FILL(account)
	FILL(region)
	FILL(policy)
	FILL(repo)
	FILL(github_repo)
	FILL(job_sub)
	FILL(trusted_sub)
	FILL(principal_arn)
	FILL(actor)
	FILL(repo_account)
	FILL(duration)
	FILL(chained_role_arn)
	FILL(tag)
#undef FILL
	if (!v->role_arn && !v->role) {
		v->role_arn = d->role_arn;
		v->role = d->role;
	}
}

static int settle_values(struct ew_explain *ex)
{
	struct ew_knowledge_values *v = &ex->vals;
	int rc = 0;

	if (!ex->role_arn && ex->role_from_assumed && ex->account) {
		struct ew_buf b;
		ew_buf_init(&b);
		rc = ew_buf_printf(&b, "arn:%s:iam::%s:role/%s",
				   ex->partition ? ex->partition : "aws",
				   ex->account, ex->role_from_assumed);
		if (!rc)
			ex->role_arn_final = ew_buf_detach(&b);
		ew_buf_release(&b);
	}
	v->partition = ex->partition;
	v->account = ex->account;
	v->region = ex->region;
	v->role_arn = ex->role_arn ? ex->role_arn : ex->role_arn_final;
	v->role = v->role_arn ? NULL : ex->role_from_assumed;
	v->policy = ex->policy;
	v->repo = ex->repo;
	v->github_repo = ex->github_repo;
	v->job_sub = ex->job_sub;
	v->trusted_sub = ex->trusted.len ? ex->trusted.ptr : NULL;
	v->principal_arn = ex->principal_arn;
	v->actor = ex->actor;
	v->repo_account = ex->repo_account;
	v->duration = ex->duration;
	v->chained_role_arn = ex->chained_role_arn;
	v->tag = ex->tag;
	v->docker_io_push = ex->docker_io;
	if (ex->defaults)
		fill_defaults(v, ex->defaults);
	/* A log that shows only the registry: it is the account too. */
	if ((!v->account || !*v->account) && v->repo_account)
		v->account = v->repo_account;
	return rc;
}

/* Lines apart within which a precise match explains a fallback's line. */
#define FALLBACK_NEAR 5

/* Drop a fallback match when a precise one is within FALLBACK_NEAR lines:
 * a bare "403 Forbidden" next to the "not authorized to perform" that
 * says why is one failure, not two. */
static void drop_fallbacks(struct ew_explain *ex)
{
	size_t w = 0;

	for (size_t i = 0; i < ex->nmatches; i++) {
		const struct ew_explain_match *m = &ex->matches[i];
		bool near = false;

		for (size_t j = 0;
		     (m->entry->flags & EW_KN_F_FALLBACK) && j < ex->nmatches;
		     j++) {
			const struct ew_explain_match *o = &ex->matches[j];
			unsigned long d = o->line > m->line ? o->line - m->line
							    : m->line - o->line;
			near = near || (!(o->entry->flags & EW_KN_F_FALLBACK) &&
					d <= FALLBACK_NEAR);
		}
		if (near) {
			free(ex->details[i]);
			ex->details[i] = NULL;
			continue;
		}
		ex->details[w] = ex->details[i];
		ex->matches[w++] = ex->matches[i];
	}
	for (size_t i = w; i < ex->nmatches; i++)
		ex->details[i] = NULL;
	ex->nmatches = w;
}

/* Match the kept lines again, now with the whole log's values. */
static int settle_matches(struct ew_explain *ex)
{
	size_t n = ex->ncand ? ex->ncand : 1;

	ex->matches = calloc(n, sizeof(*ex->matches));
	ex->details = calloc(n, sizeof(*ex->details));
	if (!ex->matches || !ex->details)
		return EW_ENOMEM;
	for (size_t i = 0; i < ex->ncand; i++) {
		const struct ew_knowledge_entry *e = NULL;
		struct ew_explain_match *m = &ex->matches[ex->nmatches];
		struct ew_knowledge_query q;
		bool dup = false;
		int rc;

		memset(&q, 0, sizeof(q));
		q.text = ex->cand[i].text;
		/* only a login before this line says it had worked */
		ex->vals.login_seen =
		    ex->login_line && ex->login_line < ex->cand[i].line;
		q.values = &ex->vals;
		if (!ew_knowledge_match(&e, 1, &q) || !e)
			e = ex->cand[i].first;
		for (size_t j = 0; j < ex->nmatches; j++)
			dup = dup || ex->matches[j].entry == e;
		if (dup)
			continue;
		m->entry = e;
		m->line = ex->cand[i].line;
		m->text = ex->cand[i].text;
		if (e->flags & EW_KN_F_SUBJECT) {
			rc = subject_detail(ex, &ex->details[ex->nmatches]);
			if (rc)
				return rc;
			m->detail = ex->details[ex->nmatches];
		}
		ex->nmatches++;
	}
	drop_fallbacks(ex);
	return 0;
}

int ew_explain_finish(struct ew_explain *ex, struct ew_error *err)
{
	int rc = 0;

	if (ex->finished)
		return 0;
	if (ex->line.len || ex->cut)
		rc = process_line(ex);
	ew_buf_clear(&ex->line);
	ex->finished = true;
	if (!rc)
		rc = infer_sub(ex);
	if (!rc)
		rc = settle_values(ex);
	if (!rc)
		rc = settle_matches(ex);
	if (rc)
		return ew_error_set(err, rc, "out of memory");
	return 0;
}

int ew_explain_text(struct ew_explain **out, const char *text,
		    struct ew_error *err)
{
	int rc = ew_explain_new(out, err);

	if (!rc && text)
		rc = ew_explain_feed(*out, text, strlen(text), err);
	if (!rc)
		rc = ew_explain_finish(*out, err);
	if (rc) {
		ew_explain_free(*out);
		*out = NULL;
	}
	return rc;
}

size_t ew_explain_count(const struct ew_explain *ex)
{
	return ex ? ex->nmatches : 0;
}

const struct ew_explain_match *ew_explain_get(const struct ew_explain *ex,
					      size_t i)
{
	return ex && i < ex->nmatches ? &ex->matches[i] : NULL;
}

unsigned long ew_explain_lines(const struct ew_explain *ex)
{
	return ex ? ex->line_no : 0;
}

const struct ew_knowledge_values *ew_explain_values(const struct ew_explain *ex)
{
	return ex ? &ex->vals : NULL;
}

bool ew_explain_sub_inferred(const struct ew_explain *ex)
{
	return ex && ex->sub_inferred;
}

const char *ew_explain_assumed_role_arn(const struct ew_explain *ex)
{
	return ex ? ex->assumed_role_arn : NULL;
}

int ew_explain_render(struct ew_buf *out, const struct ew_explain *ex,
		      const char *tmpl)
{
	return ew_knowledge_render(out, tmpl, ex ? &ex->vals : NULL);
}

void ew_explain_free(struct ew_explain *ex)
{
	if (!ex)
		return;
	ew_buf_release_secret(&ex->line);
	ew_buf_release(&ex->trusted);
	for (size_t i = 0; i < ex->ncand; i++)
		free(ex->cand[i].text);
	for (size_t i = 0; ex->details && i < ex->nmatches; i++)
		free(ex->details[i]);
	free(ex->details);
	free(ex->matches);
	free(ex->partition);
	free(ex->account);
	free(ex->region);
	free(ex->role_arn);
	free(ex->role_from_assumed);
	free(ex->role_arn_final);
	free(ex->policy);
	free(ex->repo);
	free(ex->github_repo);
	free(ex->claimed_sub);
	free(ex->principal_arn);
	free(ex->actor);
	free(ex->assumed_role_arn);
	free(ex->environment);
	free(ex->ref);
	free(ex->tag_ref);
	free(ex->branch);
	free(ex->repo_account);
	free(ex->duration);
	free(ex->chained_role_arn);
	free(ex->tag);
	free(ex->job_sub);
	free(ex);
}
