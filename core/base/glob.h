/*
 * glob.h - IAM's '*'/'?' glob patterns, compared with each other.
 *
 * IAM policies (Action, Resource, StringLike conditions) and ECR's tag
 * exclusion filters match with two wildcards: '*' any run of characters,
 * '?' exactly one.  The question the checks ask is not "does this pattern
 * match this string" but "does this pattern admit every string that one
 * admits", because the subject side (a workflow trigger on a branch
 * filter, a trust scope) may itself be a pattern.
 *
 * Memory: nothing escapes; the strings are the caller's.
 */
#ifndef EW_GLOB_H
#define EW_GLOB_H

#include <stdbool.h>

/*
 * Whether the IAM glob pattern ('*' any run, '?' one character) admits
 * every string subject admits, where subject may itself be a glob.  Exact
 * for plain subjects; for glob subjects it may say false for some
 * pattern pairs whose languages are equal but shaped differently ("*?" vs
 * "?*"), never true wrongly.  ignore_case folds ASCII letters (IAM action
 * names).  False when memory runs out.
 */
bool ew_glob_covers(const char *pattern, const char *subject, bool ignore_case);

/* Whether s holds a '*' or '?'. */
bool ew_glob_has_wild(const char *s);

#endif
