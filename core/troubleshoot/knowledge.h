/*
 * knowledge.h - the troubleshooting knowledge: one static table that maps
 * what a user sees (an AWS error code, an operation, an HTTP status, a line
 * of a GitHub Actions / docker / AWS CLI log) to a cause, numbered fix steps
 * and the command that checks the fix.
 *
 * Used through hint.h (the one renderer of a hint: `apply`, the wizard's
 * screens, `explain`), by `doctor` and by `explain` (ew_knowledge_match /
 * ew_knowledge_match_text).
 *
 * Memory: every entry and every string reachable from it is static and
 * read-only; nothing here is freed by the caller.  ew_knowledge_render()
 * appends to a caller-owned struct ew_buf.  All functions are thread-safe.
 *
 * Matching.  Entries are ordered most specific first and a query returns
 * them in table order, so the first result is the best diagnosis.  An entry
 * matches when its context needs (see EW_KN_*) are met by the query's values
 * and either
 *   - structurally: the AWS error code is one of `codes`, the `operation`
 *     and `http_status` (when the entry sets them) are equal, and, for an
 *     entry that names denied `actions`, the action named in the message is
 *     one of them (or, when the message names none, the operation is the
 *     entry's); or
 *   - by text: any of `patterns` occurs in the text (case-insensitive; a
 *     pattern may use `*` for any run of characters and `?` for one), and,
 *     when the entry names `actions`, the action the text says was denied
 *     ("not authorized to perform: iam:CreateRole", "... allows the X
 *     action") is one of them (an entry with actions and no patterns needs
 *     only the action).
 * Only the first EW_KNOWLEDGE_MAX_TEXT bytes of a text are considered.
 *
 * Placeholders.  Fix steps and check commands carry {name} placeholders that
 * ew_knowledge_render() fills from struct ew_knowledge_values: {account},
 * {region}, {partition}, {role}, {role_arn}, {policy}, {policy_arn},
 * {repo}, {repo_arn}, {registry}, {github_repo}, {sub}, {trusted_sub},
 * {principal_arn}, {audience}, {repo_account}, {duration},
 * {chained_role}, {chained_role_arn}, {tag}.  An unknown value renders as an
 * upper-case placeholder such as <ROLE_NAME>, so the text stays
 * copy-pasteable; ew_knowledge_placeholder_hint() says how to find it.
 */
#ifndef EW_KNOWLEDGE_H
#define EW_KNOWLEDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "error.h"

/* Longest text a query looks at; the rest of a longer text is ignored. */
#define EW_KNOWLEDGE_MAX_TEXT 8192

/*
 * Context needs: an entry with needs only matches when the query's values
 * show the situation.  The EW_KN_SUB_* mismatch needs also require that no
 * trusted subject (when any is known) admits the job's subject.
 */
enum ew_knowledge_need {
	EW_KN_SUB_TEMPLATE = 1 << 0,  /* job sub is not GitHub's default form */
	EW_KN_SUB_IMMUTABLE = 1 << 1, /* job sub has OWNER@ID/REPO@ID form */
	EW_KN_SUB_CASE = 1 << 2,      /* trusted == job sub but for case */
	EW_KN_SUB_ENV = 1 << 3,	      /* job ran in a GitHub environment */
	EW_KN_SUB_PR = 1 << 4,	      /* job ran for a pull request */
	EW_KN_SUB_TAG = 1 << 5,	      /* job ran for a tag */
	EW_KN_SUB_BRANCH = 1 << 6,    /* job ran on a branch the role lacks */
	EW_KN_ROLE_GITHUB = 1 << 7,   /* the role is named "GitHubActions" */
	EW_KN_JOB_PR = 1 << 8,	   /* job ran for a pull request (any trust) */
	EW_KN_DEPENDABOT = 1 << 9, /* the run was started by Dependabot */
	EW_KN_SUB_WILDCARD = 1 << 10, /* only a wildcard pattern admits it */
	EW_KN_LOGIN_SEEN = 1 << 11,   /* a registry login succeeded earlier */
	EW_KN_DOCKER_IO = 1 << 12,    /* the push went to docker.io */
};

/* Entry flags. */
enum ew_knowledge_flag {
	/* The diagnosis is about the job's `sub`: front-ends show the trusted
	 * and the job's subject side by side when known. */
	EW_KN_F_SUBJECT = 1 << 0,
	/* A fallback by host, path and status (a bare 400/403 from the
	 * registry), or a failure that only follows another (docker login
	 * after get-login-password failed): explain drops it when a precise
	 * entry matched a line next to it, the same failure told better. */
	EW_KN_F_FALLBACK = 1 << 1,
};

struct ew_knowledge_entry {
	const char *id;	   /* stable slug, e.g. "sub-mismatch-environment" */
	const char *title; /* one line, sentence case, no final period */

	/* What it matches (each list NULL-terminated; NULL = none). */
	const char *const *codes;    /* AWS error codes */
	const char *operation;	     /* AWS operation, or NULL for any */
	long http_status;	     /* 0 for any */
	const char *const *patterns; /* text globs, case-insensitive */
	const char *const *actions; /* denied IAM actions, e.g. "iam:GetRole" */
	unsigned needs;		    /* EW_KN_* context needs */
	unsigned flags;		    /* EW_KN_F_* */

	/* What to tell the user ({name} placeholders allowed in all three). */
	const char *cause;	      /* 1-2 sentences */
	const char *const *fix_steps; /* NULL-terminated, in order */
	const char *check_command;    /* aws ..., gh ... or ecr-wizard ... */
};

/*
 * Facts a caller knows or explain extracted; any may be NULL.  Used both to
 * decide context needs and to fill placeholders.  Strings are borrowed.
 */
struct ew_knowledge_values {
	const char *partition;	   /* "aws" when NULL */
	const char *account;	   /* 12 digits */
	const char *region;	   /* "eu-west-1" */
	const char *role;	   /* role name; else taken from role_arn */
	const char *role_arn;	   /* arn:aws:iam::123456789012:role/x */
	const char *policy;	   /* permissions policy name */
	const char *repo;	   /* ECR repository name */
	const char *github_repo;   /* OWNER/REPO as GitHub spells it */
	const char *job_sub;	   /* the `sub` the failing job presented */
	const char *trusted_sub;   /* trusted sub patterns, '\n'-separated */
	const char *principal_arn; /* the identity that was denied */
	const char *actor; /* who started the run, e.g. dependabot[bot] */
	/* The account that owns the repository when it differs from the
	 * role's (a cross-account push); {repo_arn} and {registry} use it. */
	const char *repo_account;
	const char *duration; /* role-duration-seconds the job asked for */
	const char *chained_role_arn; /* the second role of a role chain */
	const char *tag;	      /* the image tag the push used */
	bool login_seen;	      /* a registry login succeeded earlier */
	bool docker_io_push;	      /* an image was pushed to docker.io */
};

/* One question to the table; any member may be NULL/0. */
struct ew_knowledge_query {
	const char *text;      /* a message or one log line */
	const char *aws_code;  /* e.g. "AccessDenied" */
	const char *operation; /* e.g. "CreateRole" */
	long http_status;
	const struct ew_knowledge_values *values;
};

/* The whole table in match order; *count gets its length. */
const struct ew_knowledge_entry *ew_knowledge_entries(size_t *count);

/* The entry with this id, or NULL. */
const struct ew_knowledge_entry *ew_knowledge_find(const char *id);

/*
 * Store up to `max` matching entries, in table order (best first), in
 * out[]; return how many match in total (which may exceed max).  out may
 * be NULL when max is 0.
 */
size_t ew_knowledge_match(const struct ew_knowledge_entry **out, size_t max,
			  const struct ew_knowledge_query *q);

/*
 * The best entry for an error from an AWS call (code, operation, status and
 * message of err), or NULL when none fits or err holds no error.
 */
const struct ew_knowledge_entry *
ew_knowledge_match_error(const struct ew_error *err);

/*
 * Match one line of text with no other facts.  AWS CLI lines of the form
 * "An error occurred (CODE) when calling the OP operation: ..." also match
 * structurally on CODE and OP.  Returns the total number of matches.
 */
size_t ew_knowledge_match_text(const struct ew_knowledge_entry **out,
			       size_t max, const char *line);

/*
 * The action a message says was denied ("iam:CreateRole" from "... is not
 * authorized to perform: iam:CreateRole on resource ..."), copied into
 * out (NUL-terminated, truncated to size).  Returns false when the text
 * names no denied action.
 */
bool ew_knowledge_denied_action(char *out, size_t size, const char *text);

/*
 * Whether the trusted subject patterns (IAM StringLike globs, one per line,
 * case-sensitive) admit the subject.  False when either is NULL or empty.
 */
bool ew_knowledge_sub_admitted(const char *trusted_sub, const char *sub);

/* The EW_KN_* needs that the values satisfy. */
unsigned ew_knowledge_needs_met(const struct ew_knowledge_values *v);

/*
 * Append tmpl to out with {name} placeholders filled from v (which may be
 * NULL).  Unknown values become <UPPER_CASE> placeholders; an unknown {name}
 * is copied as is.  Returns 0 or EW_ENOMEM.
 */
int ew_knowledge_render(struct ew_buf *out, const char *tmpl,
			const struct ew_knowledge_values *v);

/*
 * How to find the value an unknown placeholder stands for, e.g. for
 * "<PRINCIPAL_ARN>": "aws sts get-caller-identity --query Arn --output
 * text".  name may carry the angle brackets or not.  NULL when the name is
 * not one ew_knowledge_render() writes.  The string is static.
 */
const char *ew_knowledge_placeholder_hint(const char *name);

/* Case-insensitive glob search: whether pattern occurs anywhere in text. */
bool ew_knowledge_glob_search(const char *pattern, const char *text);

#endif
