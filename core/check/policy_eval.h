/*
 * policy_eval.h - the IAM evaluator: what identity policies grant and what
 * a role's trust policy admits, for the checks that decide whether a
 * GitHub Actions run can assume its role and push (pipeline.h, doctor.h,
 * the sharing question of the engine).
 *
 * IAM semantics as far as the checks need them (docs/pipeline-check.md): the
 * statements of several policies are combined, any explicit Deny wins,
 * else any Allow; Action and NotAction match case-insensitively, Resource
 * and NotResource case-sensitively, both with '*' and '?' (glob.h).  In a
 * trust policy the condition operators of one statement are AND-ed;
 * StringEquals is exact, StringEqualsIgnoreCase folds case, StringLike
 * takes '*' and '?'; an IfExists suffix changes nothing (GitHub's tokens
 * always carry sub and aud); ForAllValues:/ForAnyValue: are read and the
 * first is flagged (it holds for a missing key).
 *
 * Memory: the whole-text functions keep nothing.  struct ew_policy_trust
 * owns its parsed document; release it with ew_policy_trust_release().
 * Results are appended to the caller's ew_buf.
 */
#ifndef EW_POLICY_EVAL_H
#define EW_POLICY_EVAL_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

/* What pushing an image to ECR needs (docs/github-facts.md): the login
 * action on "*", and these on the repository's ARN. */
#define EW_POLICY_ECR_LOGIN_ACTION "ecr:GetAuthorizationToken"
extern const char *const ew_policy_ecr_push_actions[];
extern const size_t ew_policy_ecr_push_nactions;

enum ew_policy_grant {
	EW_GRANT_NO,	      /* no Allow statement matches */
	EW_GRANT_YES,	      /* an unconditional Allow matches, no Deny */
	EW_GRANT_CONDITIONAL, /* only Allows with a Condition match */
	EW_GRANT_DENIED,      /* an unconditional Deny matches */
};

/*
 * Evaluate identity policy documents (JSON texts) for one action on one
 * resource.  A document that does not parse grants nothing.
 */
enum ew_policy_grant ew_policy_grants(const char *const *docs, size_t ndocs,
				      const char *action, const char *resource);

/*
 * Append the Resource (as JSON) of every Allow statement of docs that
 * allows one of actions, each once, ", "-separated: what a policy grants
 * them on instead, for explaining a refusal.  0 or EW_ENOMEM.
 */
int ew_policy_allow_resources(struct ew_buf *out, const char *const *docs,
			      size_t ndocs, const char *const *actions,
			      size_t nactions);

/*
 * Whether a trust policy (JSON text) lets a web-identity token with this
 * subject and audience from provider_arn assume the role: some Allow
 * statement for sts:AssumeRoleWithWebIdentity whose Federated principal is
 * provider_arn and whose sub and aud conditions (keys under issuer, e.g.
 * token.actions.githubusercontent.com) all admit them.  subject may be a
 * glob (then StringEquals never admits it).
 */
bool ew_policy_trust_admits(const char *trust, const char *provider_arn,
			    const char *issuer, const char *subject,
			    const char *audience, bool ignore_case);

/*
 * The values of the sub (aud false) or aud (aud true) conditions of the
 * web-identity Allow statements naming provider_arn, one per line,
 * appended to out, for explaining a refusal.  0, EW_EPARSE (not JSON),
 * EW_ENOTFOUND (no such statement names the provider) or EW_ENOMEM.
 */
int ew_policy_trust_values(struct ew_buf *out, const char *trust,
			   const char *provider_arn, const char *issuer,
			   bool aud);

/* ---- a parsed trust policy, for checks that look statement by statement */

/* Condition operators of one statement read, per key. */
#define EW_POLICY_MAX_TESTS 16

enum ew_policy_op {
	EW_POLICY_OP_EQUALS,
	EW_POLICY_OP_EQUALS_IC,
	EW_POLICY_OP_LIKE,
};

/* One operator's test of one key: its values, a string or an array. */
struct ew_policy_key_test {
	enum ew_policy_op op;
	const struct cJSON *values;
};

struct ew_policy_trust_stmt {
	const struct cJSON *st;
	bool ours; /* its Federated principal is the provider asked about */
	struct ew_policy_key_test sub[EW_POLICY_MAX_TESTS],
	    aud[EW_POLICY_MAX_TESTS];
	size_t nsub, naud;
	bool for_all_values; /* a ForAllValues: operator */
};

/* The web-identity Allow statements of a trust policy. */
struct ew_policy_trust {
	struct cJSON *doc;
	struct ew_policy_trust_stmt *v;
	size_t n;
	size_t nours; /* how many name the provider */
};

/* Parse text, judging principals against provider_arn and condition keys
 * under issuer.  0, EW_EPARSE (not JSON) or EW_ENOMEM; release *t in
 * every case. */
int ew_policy_trust_parse(struct ew_policy_trust *t, const char *text,
			  const char *provider_arn, const char *issuer);

void ew_policy_trust_release(struct ew_policy_trust *t);

/* The statements the trust checks judge: those naming the provider, or
 * all of them when none does (so a wrong principal does not hide the
 * condition findings). */
bool ew_policy_trust_judged(const struct ew_policy_trust *t,
			    const struct ew_policy_trust_stmt *s);

/* Whether every test of kt[0..n-1] admits v (IAM ANDs the operators of
 * one statement). */
bool ew_policy_tests_admit(const struct ew_policy_key_test *kt, size_t n,
			   const char *v, bool icase);

/* Whether some judged statement's sub tests admit subject. */
bool ew_policy_trust_admits_sub(const struct ew_policy_trust *t,
				const char *subject, bool icase);

/* Every sub value of the judged statements, one per line, appended.  0
 * or EW_ENOMEM. */
int ew_policy_trust_sub_values(struct ew_buf *out,
			       const struct ew_policy_trust *t);

/* The Federated principals of every web-identity statement, as JSON,
 * ", "-separated, appended.  0 or EW_ENOMEM. */
int ew_policy_trust_principals(struct ew_buf *out,
			       const struct ew_policy_trust *t);

#endif
