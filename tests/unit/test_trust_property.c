/*
 * Property test: the trust policy can never admit another repository.
 *
 * Thousands of setups are generated from hostile pieces (wildcards, ':',
 * '/', "..", unicode, policy variables, control characters, spaces) and
 * pushed through the same validating setters the flags and the form use.
 * Whatever the setters accept, every target's trust policy (parsed back
 * with cJSON) must:
 *   - have only Allow statements for sts:AssumeRoleWithWebIdentity from
 *     the GitHub OIDC provider, each with aud pinned by StringEquals, sub
 *     restricted under exactly one operator (statements are ORed, the
 *     operators inside one are ANDed), and only StringEquals/StringLike
 *     (never ForAllValues/ForAnyValue);
 *   - give only subjects that start with exactly "repo:OWNER/REPO:" or
 *     "repo:OWNER@OID/REPO@RID:" of the configured repository, with no
 *     wildcard before the context and no policy variable anywhere;
 *   - give contexts in GitHub's claim format (ref:refs/heads/..,
 *     ref:refs/tags/.., environment:.., pull_request, or the
 *     repository-wide "*");
 *   - under IAM StringLike semantics ('*' any run, '?' one character,
 *     case-sensitive), match no subject of a different repository.
 * The last point is proved, not only sampled: a pattern's literal prefix
 * (up to its first wildcard) contains the whole "repo:OWNER/REPO:", and
 * GitHub's owner and repository names cannot contain ':' or '/', so any
 * string the pattern matches names this repository.  Near-miss subjects
 * (REPO-evil, REPO/x, OWNERx, ...) are also matched against every pattern.
 *
 * The generator is a fixed-seed xorshift, so a failure is reproducible;
 * EW_PROP_SEED and EW_PROP_CASES override the seed and the case count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "documents.h"
#include "error.h"
#include "model.h"

/* ------------------------------------------------------------ generator */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static size_t pick(size_t n)
{
	return (size_t)(rnd() % n);
}

static bool chance(unsigned percent)
{
	return pick(100) < percent;
}

/* Hostile pieces a generated value is made of, besides plain letters. */
static const char *const nasty[] = {
    "*",
    "?",
    ":",
    "/",
    "..",
    "@",
    "%3A",
    "${aws:username}",
    "$",
    "'",
    "\"",
    "\\",
    " ",
    "\t",
    "\n",
    "-",
    "--",
    "_",
    ".",
    ".lock",
    "refs/heads/",
    "repo:",
    "é",
    "\xe2\x80\xae", /* right-to-left override */
    "\xef\xbc\x8a", /* fullwidth asterisk */
    "\xc0\xaf",	    /* overlong '/' */
    "~",
    "^",
    "[",
    "@{",
    "//",
    "+",
    ",",
    "=",
    "#",
    "%",
    "\x7f",
    "*/*",
};

static void add_plain(struct ew_buf *b, size_t n, bool upper)
{
	static const char lower[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char mixed[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	for (size_t i = 0; i < n; i++)
		assert_int_equal(
		    ew_buf_putc(b, upper ? mixed[pick(sizeof(mixed) - 1)]
					 : lower[pick(sizeof(lower) - 1)]),
		    0);
}

/* A value: plain runs with a hostile piece now and then.  nasty_pct sets
 * how often a piece is hostile, so enough values still pass the setters
 * for the later checks to have something to check. */
static void gen_value(struct ew_buf *b, unsigned nasty_pct, bool upper)
{
	size_t parts = 1 + pick(4);

	ew_buf_clear(b);
	for (size_t i = 0; i < parts; i++) {
		if (chance(nasty_pct))
			assert_int_equal(
			    ew_buf_puts(
				b, nasty[pick(sizeof(nasty) / sizeof(*nasty))]),
			    0);
		else
			add_plain(b, 1 + pick(8), upper);
	}
	if (chance(2)) /* now and then something far too long */
		add_plain(b, 300 + pick(5000), upper);
}

static void gen_scope(struct ew_buf *b)
{
	static const char *const prefixes[] = {
	    "branch:",
	    "tag:",
	    "env:",
	    "environment:",
	    "BRANCH:",
	    "Tag:",
	    "branch:refs/heads/",
	    "",
	};
	struct ew_buf v;

	ew_buf_init(&v);
	ew_buf_clear(b);
	switch (pick(8)) {
	case 0:
		assert_int_equal(ew_buf_puts(b, "any"), 0);
		break;
	case 1:
		assert_int_equal(ew_buf_puts(b, chance(50) ? "pull_request"
							   : "pull-request"),
				 0);
		break;
	default:
		gen_value(&v, 35, true);
		assert_int_equal(
		    ew_buf_printf(
			b, "%s%s",
			prefixes[pick(sizeof(prefixes) / sizeof(*prefixes))],
			v.ptr),
		    0);
	}
	ew_buf_release(&v);
}

static void gen_id(struct ew_buf *b)
{
	ew_buf_clear(b);
	if (chance(80)) {
		assert_int_equal(ew_buf_putc(b, (char)('1' + pick(9))), 0);
		for (size_t i = pick(10); i > 0; i--)
			assert_int_equal(ew_buf_putc(b, (char)('0' + pick(10))),
					 0);
	} else {
		gen_value(b, 50, false);
	}
}

/* ------------------------------------------------------------ IAM rules */

/* IAM StringLike: '*' any run (also empty), '?' exactly one character,
 * everything else literal and case-sensitive.  Iterative with one
 * back-track point, so hostile subjects cannot make it exponential. */
static bool string_like(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/* The GitHub owner/repo part of a subject: "repo:" up to the ':' that
 * ends the repository name (names cannot contain ':'). */
static bool repo_part(const char *sub, char *out, size_t size)
{
	const char *colon;
	size_t n;

	if (strncmp(sub, "repo:", 5) != 0)
		return false;
	colon = strchr(sub + 5, ':');
	if (!colon)
		return false;
	n = (size_t)(colon - sub) + 1;
	if (n >= size)
		return false;
	memcpy(out, sub, n);
	out[n] = '\0';
	return true;
}

/* GitHub's claim contexts (docs/github-oidc.md); ':' in a name is %3A. */
static bool context_ok(const char *c, bool is_pattern)
{
	const char *rest = NULL;

	if (strcmp(c, "*") == 0)
		return is_pattern;
	if (strcmp(c, "pull_request") == 0)
		return true;
	if (strncmp(c, "ref:refs/heads/", 15) == 0)
		rest = c + 15;
	else if (strncmp(c, "ref:refs/tags/", 14) == 0)
		rest = c + 14;
	else if (strncmp(c, "environment:", 12) == 0)
		rest = c + 12;
	if (!rest || !*rest)
		return false;
	return strchr(rest, ':') == NULL;
}

/* ------------------------------------------------------------ the check */

struct stats {
	unsigned cases, accepted_setups, targets, subjects, patterns, probes;
	unsigned rejected_values;
};

struct subject_ctx {
	const struct ew_setup *s;
	const char *legacy;    /* "repo:OWNER/REPO:" */
	const char *immutable; /* "repo:OWNER@OID/REPO@RID:" or NULL */
	const char *env_ctx;   /* environment:NAME for an env target */
	struct stats *st;
};

/* Near misses of the configured repository: other repositories that a
 * sloppy pattern could admit. */
static void probe_others(const char *pat, const struct subject_ctx *c)
{
	static const char *const contexts[] = {
	    "ref:refs/heads/main", "ref:refs/tags/v1.0", "environment:prod",
	    "pull_request",	   "ref:refs/heads/x:y", "",
	};
	const char *o = c->s->owner, *r = c->s->repo;
	const char *ctx = strchr(pat + 5, ':'); /* the pattern's own context */
	struct ew_buf other;

	ew_buf_init(&other);
	for (int k = 0; k < 8; k++) {
		for (size_t j = 0; j <= sizeof(contexts) / sizeof(*contexts);
		     j++) {
			/* The last context is the pattern's own, with its
			 * wildcards taken literally: the closest miss. */
			const char *cx =
			    j < sizeof(contexts) / sizeof(*contexts)
				? contexts[j]
				: (ctx ? ctx + 1 : "");
			int rc = 0;

			ew_buf_clear(&other);
			switch (k) {
			case 0:
				rc = ew_buf_printf(&other, "repo:%s/%s-evil:%s",
						   o, r, cx);
				break;
			case 1:
				rc = ew_buf_printf(&other, "repo:%s/%s/x:%s", o,
						   r, cx);
				break;
			case 2:
				rc = ew_buf_printf(&other, "repo:%sx/%s:%s", o,
						   r, cx);
				break;
			case 3:
				rc = ew_buf_printf(&other, "repo:x%s/%s:%s", o,
						   r, cx);
				break;
			case 4:
				rc = ew_buf_printf(&other, "repo:%s/x%s:%s", o,
						   r, cx);
				break;
			case 5:
				rc = ew_buf_printf(&other, "repo:%s-evil/%s:%s",
						   o, r, cx);
				break;
			case 6:
				rc = ew_buf_printf(&other, "repo:%s/%s.git:%s",
						   o, r, cx);
				break;
			default:
				rc = ew_buf_printf(&other, "repo:evil/%s:%s", r,
						   cx);
			}
			assert_int_equal(rc, 0);
			c->st->probes++;
			if (string_like(pat, other.ptr))
				fail_msg("pattern '%s' admits another "
					 "repository's subject '%s'",
					 pat, other.ptr);
		}
	}
	/* Truncations: the owner or repository shortened. */
	if (strlen(r) > 1) {
		ew_buf_clear(&other);
		assert_int_equal(ew_buf_printf(&other,
					       "repo:%s/%.*s:pull_request", o,
					       (int)strlen(r) - 1, r),
				 0);
		if (string_like(pat, other.ptr))
			fail_msg("pattern '%s' admits '%s'", pat, other.ptr);
	}
	ew_buf_release(&other);
}

static void check_subject(const char *sub, bool is_pattern,
			  const struct subject_ctx *c)
{
	char part[512];
	const char *prefix = NULL, *first_wild;
	bool has_wild = strpbrk(sub, "*?") != NULL;

	c->st->subjects++;
	if (strncmp(sub, c->legacy, strlen(c->legacy)) == 0)
		prefix = c->legacy;
	else if (c->immutable &&
		 strncmp(sub, c->immutable, strlen(c->immutable)) == 0)
		prefix = c->immutable;
	if (!prefix)
		fail_msg("subject '%s' does not start with '%s'%s%s", sub,
			 c->legacy, c->immutable ? " or " : "",
			 c->immutable ? c->immutable : "");
	if (!repo_part(sub, part, sizeof(part)) || strcmp(part, prefix) != 0)
		fail_msg("subject '%s': repository part is not exactly '%s'",
			 sub, prefix);
	if (strpbrk(part, "*?"))
		fail_msg("subject '%s' has a wildcard in owner/repo", sub);
	if (strstr(sub, "${"))
		fail_msg("subject '%s' holds a policy variable", sub);
	for (const unsigned char *p = (const unsigned char *)sub; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			fail_msg("subject '%s' has a non-printable byte", sub);
	if (!context_ok(sub + strlen(prefix), is_pattern))
		fail_msg("subject '%s': context is not GitHub's claim format",
			 sub);
	if (c->env_ctx && strcmp(sub + strlen(prefix), c->env_ctx) != 0)
		fail_msg("environment target subject '%s' is not '%s'", sub,
			 c->env_ctx);
	/* StringEquals for exact subjects, StringLike only with wildcards. */
	if (is_pattern != has_wild)
		fail_msg("subject '%s' is under %s", sub,
			 is_pattern ? "StringLike without a wildcard"
				    : "StringEquals with a wildcard");
	if (!is_pattern)
		return;
	c->st->patterns++;
	/* The proof: the literal prefix before the first wildcard covers
	 * the whole repository part. */
	first_wild = strpbrk(sub, "*?");
	if ((size_t)(first_wild - sub) < strlen(prefix))
		fail_msg("pattern '%s' has a wildcard inside '%s'", sub,
			 prefix);
	probe_others(sub, c);
}

/* "sub" under one operator: a string or an array of strings. */
static void check_sub_value(const cJSON *v, bool is_pattern,
			    const struct subject_ctx *c, unsigned *n)
{
	const cJSON *item;

	if (cJSON_IsString(v)) {
		check_subject(v->valuestring, is_pattern, c);
		(*n)++;
		return;
	}
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 2)
		fail_msg("sub condition is neither a string nor a list");
	cJSON_ArrayForEach(item, v)
	{
		if (!cJSON_IsString(item))
			fail_msg("sub list holds a non-string");
		check_subject(item->valuestring, is_pattern, c);
		(*n)++;
	}
}

/* One statement: Allow, the GitHub provider, AssumeRoleWithWebIdentity,
 * aud pinned, and sub restricted under exactly one operator.  A statement
 * without a sub condition would admit every repository; sub under both
 * operators would be ANDed by IAM and admit nothing.  Returns the number
 * of subjects it holds. */
static unsigned check_statement(const cJSON *stmt, const char *json,
				const struct subject_ctx *c, bool china)
{
	const char *issuer = "token.actions.githubusercontent.com";
	const cJSON *cond, *op, *fed, *aud;
	struct ew_buf want;
	unsigned nsubs = 0, sub_ops = 0;
	size_t arn_len;

	assert_string_equal(
	    cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(stmt, "Effect")),
	    "Allow");
	assert_string_equal(
	    cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(stmt, "Action")),
	    "sts:AssumeRoleWithWebIdentity");
	fed = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(stmt, "Principal"), "Federated");
	assert_true(cJSON_IsString(fed));
	ew_buf_init(&want);
	assert_int_equal(ew_buf_printf(&want, ":iam::%s:oidc-provider/%s",
				       c->s->account, issuer),
			 0);
	arn_len = strlen(fed->valuestring);
	assert_true(strncmp(fed->valuestring, "arn:aws", 7) == 0);
	assert_true(arn_len > want.len &&
		    strcmp(fed->valuestring + arn_len - want.len, want.ptr) ==
			0);
	ew_buf_release(&want);

	cond = cJSON_GetObjectItemCaseSensitive(stmt, "Condition");
	assert_true(cJSON_IsObject(cond));
	cJSON_ArrayForEach(op, cond)
	{
		const cJSON *key;
		bool like = false;

		if (strcmp(op->string, "StringEquals") == 0)
			like = false;
		else if (strcmp(op->string, "StringLike") == 0)
			like = true;
		else
			fail_msg("unexpected condition operator '%s'",
				 op->string);
		cJSON_ArrayForEach(key, op)
		{
			if (strcmp(key->string,
				   "token.actions.githubusercontent.com:sub") ==
			    0) {
				sub_ops++;
				check_sub_value(key, like, c, &nsubs);
			} else if (like ||
				   strcmp(key->string,
					  "token.actions.githubusercontent"
					  ".com:aud") != 0) {
				fail_msg("unexpected condition key '%s' under "
					 "'%s'",
					 key->string, op->string);
			}
		}
	}
	if (sub_ops != 1)
		fail_msg("a statement restricts sub under %u operators (must "
			 "be exactly 1):\n%s",
			 sub_ops, json);
	aud = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cond, "StringEquals"),
	    "token.actions.githubusercontent.com:aud");
	if (!cJSON_IsString(aud))
		fail_msg("a statement does not pin aud:\n%s", json);
	assert_string_equal(aud->valuestring, china ? "sts.amazonaws.com.cn"
						    : "sts.amazonaws.com");
	return nsubs;
}

static void check_policy(const char *json, const struct ew_setup *s,
			 const struct ew_env_target *env, struct stats *st)
{
	const char *region = ew_setup_target_region(s, NULL);
	bool china = strncmp(region, "cn-", 3) == 0;
	cJSON *doc = cJSON_Parse(json);
	const cJSON *stmts, *stmt;
	struct ew_buf legacy, immutable, envctx;
	struct subject_ctx c = {s, NULL, NULL, NULL, st};
	unsigned nsubs = 0, want_n;

	if (!doc)
		fail_msg("trust policy is not JSON:\n%s", json);
	ew_buf_init(&legacy);
	ew_buf_init(&immutable);
	ew_buf_init(&envctx);
	assert_int_equal(
	    ew_buf_printf(&legacy, "repo:%s/%s:", s->owner, s->repo), 0);
	c.legacy = legacy.ptr;
	if (s->owner_id && s->repo_id) {
		assert_int_equal(
		    ew_buf_printf(&immutable, "repo:%s@%s/%s@%s:", s->owner,
				  s->owner_id, s->repo, s->repo_id),
		    0);
		c.immutable = immutable.ptr;
	}
	if (env) {
		assert_int_equal(ew_buf_puts(&envctx, "environment:"), 0);
		for (const char *p = env->name; *p; p++)
			assert_int_equal(*p == ':' ? ew_buf_puts(&envctx, "%3A")
						   : ew_buf_putc(&envctx, *p),
					 0);
		c.env_ctx = envctx.ptr;
	}

	assert_string_equal(
	    cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(doc, "Version")),
	    "2012-10-17");
	/* Statements are ORed; each one on its own must keep to this
	 * repository. */
	stmts = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
	if (!cJSON_IsArray(stmts) || cJSON_GetArraySize(stmts) < 1)
		fail_msg("trust policy has no statement list:\n%s", json);
	cJSON_ArrayForEach(stmt, stmts) nsubs +=
	    check_statement(stmt, json, &c, china);
	/* One subject per scope and form; an env target has one scope. */
	want_n = (unsigned)(env ? 1 : s->nscopes) * (c.immutable ? 2 : 1);
	if (nsubs != want_n)
		fail_msg("%u subjects in the policy, expected %u:\n%s", nsubs,
			 want_n, json);
	cJSON_Delete(doc);
	ew_buf_release(&legacy);
	ew_buf_release(&immutable);
	ew_buf_release(&envctx);
}

/* A setter call that must either succeed or leave the setup unchanged
 * (checked on the owner/repo strings, which every subject is built from). */
static void try_set(struct ew_setup *s,
		    int (*fn)(struct ew_setup *, const char *,
			      struct ew_error *),
		    const char *value, struct stats *st)
{
	struct ew_error err;
	char *owner = s->owner ? ew_strdup(s->owner) : NULL;
	char *repo = s->repo ? ew_strdup(s->repo) : NULL;
	int rc;

	ew_error_clear(&err);
	rc = fn(s, value, &err);
	if (rc) {
		st->rejected_values++;
		assert_int_equal(rc, EW_EINVAL);
		assert_true(err.message[0] != '\0');
		assert_true(
		    (!owner && !s->owner) ||
		    (owner && s->owner && strcmp(owner, s->owner) == 0));
		assert_true((!repo && !s->repo) ||
			    (repo && s->repo && strcmp(repo, s->repo) == 0));
	}
	free(owner);
	free(repo);
}

static void one_case(struct stats *st)
{
	static const char *const regions[] = {
	    "us-east-1",     "eu-west-1",      "cn-north-1",
	    "us-gov-west-1", "ap-southeast-2",
	};
	struct ew_setup s;
	struct ew_error err;
	struct ew_buf v, doc;
	size_t nscopes = 1 + pick(4);

	st->cases++;
	ew_buf_init(&v);
	ew_buf_init(&doc);
	assert_int_equal(ew_setup_init(&s), 0);
	try_set(&s, ew_setup_set_account, "123456789012", st);
	try_set(&s, ew_setup_set_region,
		regions[pick(sizeof(regions) / sizeof(*regions))], st);

	/* Either "OWNER/REPO" through set_github, or the parts. */
	if (chance(30)) {
		struct ew_buf o;

		ew_buf_init(&o);
		gen_value(&o, 15, true);
		gen_value(&v, 15, true);
		assert_int_equal(ew_buf_printf(&o, "/%s", v.ptr), 0);
		try_set(&s, ew_setup_set_github, o.ptr, st);
		ew_buf_release(&o);
	} else {
		gen_value(&v, 15, true);
		try_set(&s, ew_setup_set_owner, v.ptr, st);
		gen_value(&v, 15, true);
		try_set(&s, ew_setup_set_repo, v.ptr, st);
	}
	/* A second, hostile attempt must not disturb what was accepted. */
	if (chance(30)) {
		gen_value(&v, 80, true);
		try_set(&s, ew_setup_set_owner, v.ptr, st);
		gen_value(&v, 80, true);
		try_set(&s, ew_setup_set_repo, v.ptr, st);
	}
	if (chance(50)) {
		gen_id(&v);
		try_set(&s, ew_setup_set_owner_id, v.ptr, st);
		gen_id(&v);
		try_set(&s, ew_setup_set_repo_id, v.ptr, st);
	}
	for (size_t i = 0; i < nscopes; i++) {
		gen_scope(&v);
		try_set(&s, ew_setup_add_scope, v.ptr, st);
	}
	if (chance(20)) {
		for (size_t i = 1 + pick(2); i > 0; i--) {
			struct ew_buf name;

			ew_buf_init(&name);
			gen_value(&name, 30, true);
			ew_buf_clear(&v);
			assert_int_equal(ew_buf_printf(&v, "%s:%s:app%zu",
						       name.ptr,
						       regions[pick(2)], i),
					 0);
			try_set(&s, ew_setup_add_env, v.ptr, st);
			ew_buf_release(&name);
		}
	}

	ew_error_clear(&err);
	if (ew_setup_check(&s, &err) == 0) {
		st->accepted_setups++;
		for (size_t t = 0; t < ew_setup_target_count(&s); t++) {
			const struct ew_env_target *env =
			    ew_setup_target_env(&s, t);

			ew_buf_clear(&doc);
			ew_error_clear(&err);
			if (ew_doc_trust_policy(&doc, &s, env, &err) != 0)
				fail_msg("trust policy refused an accepted "
					 "setup: %s",
					 err.message);
			check_policy(doc.ptr, &s, env, st);
			st->targets++;
		}
	}
	ew_setup_release(&s);
	ew_buf_release(&v);
	ew_buf_release(&doc);
}

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 0);
	return *end ? dflt : n;
}

static void test_trust_never_admits_another_repo(void **state)
{
	unsigned long seed = env_ulong("EW_PROP_SEED", 0x5eed2024UL);
	unsigned long ncases = env_ulong("EW_PROP_CASES", 20000);
	struct stats st = {0};

	(void)state;
	rng_state = seed ? seed : 1;
	for (unsigned long i = 0; i < ncases; i++)
		one_case(&st);
	printf("# trust property: seed %#lx, %u cases, %u setups accepted, "
	       "%u policies, %u subjects (%u patterns), %u other-repo probes, "
	       "%u values rejected\n",
	       seed, st.cases, st.accepted_setups, st.targets, st.subjects,
	       st.patterns, st.probes, st.rejected_values);
	/* A generator that never gets past the setters proves nothing. */
	assert_true(st.accepted_setups > ncases / 10);
	assert_true(st.patterns > ncases / 10);
	assert_true(st.rejected_values > ncases / 10);
}

/* The matcher itself, so a broken matcher cannot make the property pass
 * by admitting nothing. */
static void test_string_like_semantics(void **state)
{
	(void)state;
	assert_true(string_like("repo:o/r:*", "repo:o/r:ref:refs/heads/x"));
	assert_true(string_like("repo:o/r:*", "repo:o/r:"));
	assert_true(string_like("a?c", "abc"));
	assert_false(string_like("a?c", "ac"));
	assert_true(string_like("repo:o/*", "repo:o/r-evil:pull_request"));
	assert_true(string_like("repo:o/r*", "repo:o/r-evil:pull_request"));
	assert_false(string_like("repo:o/r:*", "repo:o/r-evil:pull_request"));
	assert_false(string_like("repo:o/r:*", "repo:O/r:pull_request"));
	assert_true(string_like("*a*b*", "xxaxxbxx"));
	assert_false(string_like("*a*b", "xxaxxbxx"));
	assert_true(string_like("**", ""));
	/* Hostile subject against many stars stays linear. */
	assert_false(string_like("*a*a*a*a*a*a*a*a*a*b",
				 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

/* Hand-picked setups the generator might rarely hit. */
static void test_known_hostile_scopes(void **state)
{
	static const char *const scopes[] = {
	    "branch:*",	     "tag:*",		"branch:**",
	    "branch:?",	     "tag:v*:*",	"env:a:b",
	    "env:prod",	     "branch:a/*/b",	"branch:../x",
	    "branch:main:*", "tag:${x}",	"env:*",
	    "branch:é",	     "branch:x/../y",	"any",
	    "pull_request",  "branch:a\n",	"branch:main ",
	    " branch:main",  "branch:main\x7f", "branch:",
	    "env:",	     "tag:refs/tags/*", "branch:@{u}",
	};
	struct stats st = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(scopes) / sizeof(*scopes); i++) {
		struct ew_setup s;
		struct ew_error err;
		struct ew_buf doc;

		ew_buf_init(&doc);
		assert_int_equal(ew_setup_init(&s), 0);
		try_set(&s, ew_setup_set_account, "123456789012", &st);
		try_set(&s, ew_setup_set_github, "octo-org/app", &st);
		assert_non_null(s.owner);
		try_set(&s, ew_setup_set_owner_id, "123", &st);
		try_set(&s, ew_setup_set_repo_id, "456", &st);
		try_set(&s, ew_setup_add_scope, scopes[i], &st);
		ew_error_clear(&err);
		assert_int_equal(ew_setup_check(&s, &err), 0);
		assert_int_equal(ew_doc_trust_policy(&doc, &s, NULL, &err), 0);
		check_policy(doc.ptr, &s, NULL, &st);
		ew_setup_release(&s);
		ew_buf_release(&doc);
	}
	/* Some of those must have been refused, some accepted. */
	assert_true(st.rejected_values > 5);
	assert_true(st.patterns > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_string_like_semantics),
	    cmocka_unit_test(test_known_hostile_scopes),
	    cmocka_unit_test(test_trust_never_admits_another_repo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
