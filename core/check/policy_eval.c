/* policy_eval.c - the IAM evaluator: identity policies and trust policies. */
#include "policy_eval.h"

#include "glob.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const ew_policy_ecr_push_actions[] = {
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
};
const size_t ew_policy_ecr_push_nactions =
    sizeof(ew_policy_ecr_push_actions) / sizeof(ew_policy_ecr_push_actions[0]);

#define WEB_IDENTITY "sts:AssumeRoleWithWebIdentity"

/* ---------------------------------------------------------- policies */

static const cJSON *item(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A string or an array of strings: does any element admit value? */
static bool field_matches(const cJSON *f, const char *value, bool icase)
{
	const cJSON *e;

	if (cJSON_IsString(f))
		return ew_glob_covers(f->valuestring, value, icase);
	if (!cJSON_IsArray(f))
		return false;
	cJSON_ArrayForEach(e, f)
	{
		if (cJSON_IsString(e) &&
		    ew_glob_covers(e->valuestring, value, icase))
			return true;
	}
	return false;
}

static bool stmt_action(const cJSON *st, const char *action)
{
	const cJSON *a = item(st, "Action"), *na = item(st, "NotAction");

	if (a)
		return field_matches(a, action, true);
	return na ? !field_matches(na, action, true) : false;
}

static bool stmt_resource(const cJSON *st, const char *resource)
{
	const cJSON *r = item(st, "Resource"), *nr = item(st, "NotResource");

	if (r)
		return field_matches(r, resource, false);
	return nr ? !field_matches(nr, resource, false) : false;
}

static bool stmt_is(const cJSON *st, const char *effect)
{
	const cJSON *e = item(st, "Effect");

	return cJSON_IsString(e) && strcmp(e->valuestring, effect) == 0;
}

static bool has_condition(const cJSON *st)
{
	const cJSON *c = item(st, "Condition");

	return c && !(cJSON_IsObject(c) && !c->child);
}

/* Statement is an object or an array of objects; call fn on each. */
#define FOR_EACH_STATEMENT(doc, st)                                            \
	for (const cJSON *st##_all_ = item(doc, "Statement"),                  \
			 *st = cJSON_IsArray(st##_all_) ? st##_all_->child     \
							: st##_all_;           \
	     st; st = cJSON_IsArray(st##_all_) ? st->next : NULL)

enum ew_policy_grant ew_policy_grants(const char *const *docs, size_t ndocs,
				      const char *action, const char *resource)
{
	bool yes = false, cond = false, denied = false;

	for (size_t i = 0; i < ndocs && !denied; i++) {
		cJSON *doc = docs[i] ? cJSON_Parse(docs[i]) : NULL;

		if (!doc)
			continue;
		FOR_EACH_STATEMENT(doc, st)
		{
			bool match;

			if (!cJSON_IsObject(st))
				continue;
			match = stmt_action(st, action) &&
				stmt_resource(st, resource);
			if (!match)
				continue;
			if (stmt_is(st, "Deny") && !has_condition(st))
				denied = true;
			else if (stmt_is(st, "Allow"))
				*(has_condition(st) ? &cond : &yes) = true;
		}
		cJSON_Delete(doc);
	}
	if (denied)
		return EW_GRANT_DENIED;
	return yes ? EW_GRANT_YES : cond ? EW_GRANT_CONDITIONAL : EW_GRANT_NO;
}

/* ------------------------------------------------------------- trust */

static bool names_principal(const cJSON *st, const char *provider_arn)
{
	const cJSON *fed = item(item(st, "Principal"), "Federated"), *e;

	if (cJSON_IsString(fed))
		return strcmp(fed->valuestring, provider_arn) == 0;
	cJSON_ArrayForEach(e, fed)
	{
		if (cJSON_IsString(e) &&
		    strcmp(e->valuestring, provider_arn) == 0)
			return true;
	}
	return false;
}

static void parse_conditions(struct ew_policy_trust_stmt *t, const char *issuer)
{
	const cJSON *cond = item(t->st, "Condition"), *op;
	char sub_key[128], aud_key[128];

	snprintf(sub_key, sizeof(sub_key), "%s:sub", issuer);
	snprintf(aud_key, sizeof(aud_key), "%s:aud", issuer);
	cJSON_ArrayForEach(op, cond)
	{
		const char *name = op->string ? op->string : "";
		char base[64];
		size_t len;
		enum ew_policy_op kind;
		const cJSON *k;

		if (strncmp(name, "ForAllValues:", 13) == 0) {
			t->for_all_values = true;
			name += 13;
		} else if (strncmp(name, "ForAnyValue:", 12) == 0) {
			name += 12;
		}
		len = strlen(name);
		if (len >= sizeof(base))
			continue;
		memcpy(base, name, len + 1);
		/* The keys always exist in GitHub's tokens. */
		if (len > 8 && strcmp(base + len - 8, "IfExists") == 0)
			base[len - 8] = '\0';
		if (strcmp(base, "StringEquals") == 0)
			kind = EW_POLICY_OP_EQUALS;
		else if (strcmp(base, "StringEqualsIgnoreCase") == 0)
			kind = EW_POLICY_OP_EQUALS_IC;
		else if (strcmp(base, "StringLike") == 0)
			kind = EW_POLICY_OP_LIKE;
		else
			continue;
		cJSON_ArrayForEach(k, op)
		{
			if (!k->string)
				continue;
			if (strcasecmp(k->string, sub_key) == 0 &&
			    t->nsub < EW_POLICY_MAX_TESTS)
				t->sub[t->nsub++] =
				    (struct ew_policy_key_test){kind, k};
			else if (strcasecmp(k->string, aud_key) == 0 &&
				 t->naud < EW_POLICY_MAX_TESTS)
				t->aud[t->naud++] =
				    (struct ew_policy_key_test){kind, k};
		}
	}
}

void ew_policy_trust_release(struct ew_policy_trust *t)
{
	cJSON_Delete(t->doc);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* 0, EW_EPARSE (not JSON) or EW_ENOMEM. */
int ew_policy_trust_parse(struct ew_policy_trust *t, const char *text,
			  const char *provider_arn, const char *issuer)
{
	memset(t, 0, sizeof(*t));
	t->doc = text ? cJSON_Parse(text) : NULL;
	if (!t->doc)
		return EW_EPARSE;
	FOR_EACH_STATEMENT(t->doc, st)
	{
		struct ew_policy_trust_stmt *grown;

		if (!cJSON_IsObject(st) || !stmt_is(st, "Allow") ||
		    !stmt_action(st, WEB_IDENTITY))
			continue;
		grown = realloc(t->v, (t->n + 1) * sizeof(*grown));
		if (!grown)
			return EW_ENOMEM;
		t->v = grown;
		memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
		t->v[t->n].st = st;
		t->v[t->n].ours = names_principal(st, provider_arn);
		parse_conditions(&t->v[t->n], issuer);
		t->nours += t->v[t->n].ours;
		t->n++;
	}
	return 0;
}

/* The statements the trust checks judge: ours, or all when none is. */
bool ew_policy_trust_judged(const struct ew_policy_trust *t,
			    const struct ew_policy_trust_stmt *s)
{
	return s->ours || t->nours == 0;
}

static bool test_admits(const struct ew_policy_key_test *kt, const char *value,
			bool icase)
{
	const cJSON *vals = kt->values, *e;
	bool is_array = cJSON_IsArray(vals);

	for (e = is_array ? vals->child : vals; e;
	     e = is_array ? e->next : NULL) {
		const char *v = cJSON_IsString(e) ? e->valuestring : NULL;

		if (!v)
			continue;
		switch (kt->op) {
		case EW_POLICY_OP_EQUALS:
			if (!ew_glob_has_wild(value) &&
			    (icase ? strcasecmp(v, value) : strcmp(v, value)) ==
				0)
				return true;
			break;
		case EW_POLICY_OP_EQUALS_IC:
			if (!ew_glob_has_wild(value) &&
			    strcasecmp(v, value) == 0)
				return true;
			break;
		case EW_POLICY_OP_LIKE:
			if (ew_glob_covers(v, value, icase))
				return true;
			break;
		}
	}
	return false;
}

/* Every operator of one statement must hold (IAM ANDs them). */
bool ew_policy_tests_admit(const struct ew_policy_key_test *kt, size_t n,
			   const char *v, bool icase)
{
	for (size_t i = 0; i < n; i++)
		if (!test_admits(&kt[i], v, icase))
			return false;
	return true;
}

bool ew_policy_trust_admits_sub(const struct ew_policy_trust *t,
				const char *subject, bool icase)
{
	for (size_t i = 0; i < t->n; i++)
		if (ew_policy_trust_judged(t, &t->v[i]) &&
		    ew_policy_tests_admit(t->v[i].sub, t->v[i].nsub, subject,
					  icase))
			return true;
	return false;
}

bool ew_policy_trust_admits(const char *trust, const char *provider_arn,
			    const char *issuer, const char *subject,
			    const char *audience, bool ignore_case)
{
	struct ew_policy_trust t;
	bool ok = false;

	if (ew_policy_trust_parse(&t, trust, provider_arn, issuer) == 0)
		for (size_t i = 0; i < t.n && !ok; i++)
			ok = t.v[i].ours &&
			     ew_policy_tests_admit(t.v[i].sub, t.v[i].nsub,
						   subject, ignore_case) &&
			     ew_policy_tests_admit(t.v[i].aud, t.v[i].naud,
						   audience, false);
	ew_policy_trust_release(&t);
	return ok;
}

/* Every sub value of the judged statements, one per line. */
int ew_policy_trust_sub_values(struct ew_buf *out,
			       const struct ew_policy_trust *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (!ew_policy_trust_judged(t, &t->v[i]))
			continue;
		for (size_t k = 0; k < t->v[i].nsub; k++) {
			const cJSON *vals = t->v[i].sub[k].values, *e;
			bool arr = cJSON_IsArray(vals);

			for (e = arr ? vals->child : vals; e;
			     e = arr ? e->next : NULL) {
				if (!cJSON_IsString(e))
					continue;
				if ((out->len && ew_buf_putc(out, '\n')) ||
				    ew_buf_puts(out, e->valuestring))
					return EW_ENOMEM;
			}
		}
	}
	return 0;
}

/* The values of the sub or aud tests of the judged statements. */
int ew_policy_trust_values(struct ew_buf *out, const char *trust,
			   const char *provider_arn, const char *issuer,
			   bool aud)
{
	struct ew_policy_trust t;
	int rc = ew_policy_trust_parse(&t, trust, provider_arn, issuer);

	if (rc == 0 && t.nours == 0)
		rc = EW_ENOTFOUND;
	for (size_t i = 0; rc == 0 && i < t.n; i++) {
		const struct ew_policy_key_test *kt =
		    aud ? t.v[i].aud : t.v[i].sub;
		size_t n = aud ? t.v[i].naud : t.v[i].nsub;

		if (!t.v[i].ours)
			continue;
		for (size_t k = 0; rc == 0 && k < n; k++) {
			const cJSON *vals = kt[k].values, *e;
			bool arr = cJSON_IsArray(vals);

			for (e = arr ? vals->child : vals; rc == 0 && e;
			     e = arr ? e->next : NULL)
				if (cJSON_IsString(e) &&
				    ((out->len && ew_buf_putc(out, '\n')) ||
				     ew_buf_puts(out, e->valuestring)))
					rc = EW_ENOMEM;
		}
	}
	ew_policy_trust_release(&t);
	return rc;
}

/* The Federated principals of the web-identity statements, as JSON. */
int ew_policy_trust_principals(struct ew_buf *out,
			       const struct ew_policy_trust *t)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		const cJSON *fed =
		    item(item(t->v[i].st, "Principal"), "Federated");
		char *p = fed ? cJSON_PrintUnformatted(fed) : NULL;

		if (p)
			rc =
			    ew_buf_printf(out, "%s%s", out->len ? ", " : "", p);
		free(p);
	}
	return rc;
}

/* The Resource of every Allow statement that allows one of the actions,
 * each once. */
int ew_policy_allow_resources(struct ew_buf *out, const char *const *docs,
			      size_t ndocs, const char *const *actions,
			      size_t nactions)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ndocs; i++) {
		cJSON *doc = docs[i] ? cJSON_Parse(docs[i]) : NULL;

		if (!doc)
			continue;
		FOR_EACH_STATEMENT(doc, st)
		{
			const cJSON *res = item(st, "Resource");
			char *p;
			bool any = false;

			for (size_t a = 0; a < nactions && !any; a++)
				any = cJSON_IsObject(st) &&
				      stmt_is(st, "Allow") &&
				      stmt_action(st, actions[a]);
			if (!any || !res)
				continue;
			p = cJSON_PrintUnformatted(res);
			if (p && (!out->len || !strstr(out->ptr, p)))
				rc = ew_buf_printf(out, "%s%s",
						   out->len ? ", " : "", p);
			free(p);
		}
		cJSON_Delete(doc);
	}
	return rc;
}
