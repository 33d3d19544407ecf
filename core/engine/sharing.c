/* sharing.c - other repositories in a trust or permissions policy. */
#include "sharing.h"

#include "policy_eval.h"
#include "json_doc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SUB_SUFFIX     ":sub"
#define IAM_ROLE_MAX   64
#define IAM_POLICY_MAX 128

void ew_sharing_init(struct ew_sharing *sh)
{
	memset(sh, 0, sizeof(*sh));
}

void ew_sharing_release(struct ew_sharing *sh)
{
	for (size_t i = 0; i < sh->nnames; i++)
		free(sh->names[i]);
	for (size_t i = 0; i < sh->nitems; i++)
		free(sh->items[i]);
	free(sh->names);
	free(sh->items);
	free(sh->is_pattern);
	memset(sh, 0, sizeof(*sh));
}

static bool has_wild(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

/* Append v to list unless there (case-insensitively when icase). */
static int add_unique(char ***list, size_t *n, const char *v, bool icase)
{
	char **grown;

	for (size_t i = 0; i < *n; i++)
		if (icase ? strcasecmp((*list)[i], v) == 0
			  : strcmp((*list)[i], v) == 0)
			return 0;
	grown = realloc(*list, (*n + 1) * sizeof(*grown));
	if (!grown)
		return EW_ENOMEM;
	*list = grown;
	grown[*n] = ew_strdup(v);
	if (!grown[*n])
		return EW_ENOMEM;
	(*n)++;
	return 0;
}

static int add_item(struct ew_sharing *sh, const char *v, bool pattern)
{
	size_t before = sh->nitems;
	bool *grown;
	int rc = add_unique(&sh->items, &sh->nitems, v, false);

	if (rc || sh->nitems == before)
		return rc;
	grown = realloc(sh->is_pattern, sh->nitems * sizeof(*grown));
	if (!grown)
		return EW_ENOMEM;
	sh->is_pattern = grown;
	grown[sh->nitems - 1] = pattern;
	return 0;
}

static const cJSON *item(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static bool is_effect(const cJSON *st, const char *effect)
{
	const cJSON *e = item(st, "Effect");

	return cJSON_IsString(e) && strcmp(e->valuestring, effect) == 0;
}

/* A string, or any string element of an array, equal to v. */
static bool names_value(const cJSON *f, const char *v)
{
	const cJSON *e;

	if (cJSON_IsString(f))
		return strcmp(f->valuestring, v) == 0;
	cJSON_ArrayForEach(e, f)
	{
		if (cJSON_IsString(e) && strcmp(e->valuestring, v) == 0)
			return true;
	}
	return false;
}

/* Statement is one object or an array of them: the first, then next. */
static const cJSON *first_statement(const cJSON *doc)
{
	const cJSON *st = item(doc, "Statement");

	return cJSON_IsArray(st) ? st->child : st;
}

static const cJSON *next_statement(const cJSON *doc, const cJSON *st)
{
	return cJSON_IsArray(item(doc, "Statement")) ? st->next : NULL;
}

/* "repo:OWNER/REPO:..." or "repo:OWNER@ID/REPO@ID:..." names OWNER/REPO:
 * into out (size bytes); false when it names no single repository. */
static bool subject_repo(const char *sub, char *out, size_t size)
{
	const char *p, *end, *slash;
	size_t olen, rlen;
	const char *at;

	if (strncmp(sub, "repo:", 5) != 0)
		return false;
	p = sub + 5;
	end = strchr(p, ':');
	if (!end)
		end = p + strlen(p);
	slash = memchr(p, '/', (size_t)(end - p));
	if (!slash)
		return false;
	at = memchr(p, '@', (size_t)(slash - p));
	olen = (size_t)((at ? at : slash) - p);
	at = memchr(slash + 1, '@', (size_t)(end - slash - 1));
	rlen = (size_t)((at ? at : end) - slash - 1);
	if (!olen || !rlen || olen + rlen + 2 > size)
		return false;
	memcpy(out, p, olen);
	out[olen] = '/';
	memcpy(out + olen + 1, slash + 1, rlen);
	out[olen + 1 + rlen] = '\0';
	return !has_wild(out);
}

static bool is_sub_key(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	return n > strlen(SUB_SUFFIX) &&
	       strcasecmp(key + n - strlen(SUB_SUFFIX), SUB_SUFFIX) == 0;
}

static int scan_sub_value(struct ew_sharing *out, const char *v,
			  const char *ours)
{
	char name[256];
	int rc;

	if (!subject_repo(v, name, sizeof(name)) || strcasecmp(name, ours) == 0)
		return 0;
	rc = add_unique(&out->names, &out->nnames, name, true);
	return rc ? rc : add_item(out, v, has_wild(v));
}

int ew_sharing_scan_trust(struct ew_sharing *out, const char *trust,
			  const char *provider_arn, const char *owner,
			  const char *repo)
{
	cJSON *doc = trust ? cJSON_Parse(trust) : NULL;
	char ours[256];
	int rc = 0;

	snprintf(ours, sizeof(ours), "%s/%s", owner ? owner : "",
		 repo ? repo : "");
	for (const cJSON *st = doc ? first_statement(doc) : NULL; st && !rc;
	     st = next_statement(doc, st)) {
		const cJSON *op, *k, *v;

		if (!is_effect(st, "Allow") ||
		    !names_value(item(item(st, "Principal"), "Federated"),
				 provider_arn))
			continue;
		cJSON_ArrayForEach(op, item(st, "Condition"))
		{
			cJSON_ArrayForEach(k, op)
			{
				if (!is_sub_key(k->string))
					continue;
				if (cJSON_IsString(k))
					rc = rc ? rc
						: scan_sub_value(out,
								 k->valuestring,
								 ours);
				cJSON_ArrayForEach(v, k)
				{
					if (!rc && cJSON_IsString(v))
						rc = scan_sub_value(
						    out, v->valuestring, ours);
				}
			}
		}
	}
	cJSON_Delete(doc);
	return rc;
}

/* arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME, no wildcard. */
static int scan_arn(struct ew_sharing *out, const char *arn,
		    const char *repo_arn)
{
	const char *f[6];
	const char *p = arn;
	char name[320];
	size_t n = 0;
	int rc;

	if (strcmp(arn, repo_arn) == 0 || has_wild(arn))
		return 0;
	while (n < 6 && p) {
		f[n++] = p;
		p = n < 6 ? strchr(p, ':') : NULL;
		if (p)
			p++;
	}
	if (n < 6 || strncmp(f[0], "arn:", 4) != 0 ||
	    strncmp(f[2], "ecr:", 4) != 0 ||
	    strncmp(f[5], "repository/", 11) != 0 || !f[5][11])
		return 0;
	snprintf(name, sizeof(name), "%s (%.*s)", f[5] + 11,
		 (int)(f[4] - f[3] - 1), f[3]);
	rc = add_unique(&out->names, &out->nnames, name, false);
	return rc ? rc : add_item(out, arn, false);
}

int ew_sharing_scan_policy(struct ew_sharing *out, const char *policy,
			   const char *repo_arn)
{
	cJSON *doc = policy ? cJSON_Parse(policy) : NULL;
	int rc = 0;

	for (const cJSON *st = doc ? first_statement(doc) : NULL; st && !rc;
	     st = next_statement(doc, st)) {
		const cJSON *r = item(st, "Resource"), *e;

		if (!is_effect(st, "Allow"))
			continue;
		if (cJSON_IsString(r))
			rc = scan_arn(out, r->valuestring, repo_arn);
		cJSON_ArrayForEach(e, r)
		{
			if (!rc && cJSON_IsString(e))
				rc = scan_arn(out, e->valuestring, repo_arn);
		}
	}
	cJSON_Delete(doc);
	return rc;
}

/* ------------------------------------------------------------ unions */

/* Add value to the string-or-array field key of o (made when missing). */
static int add_to_field(cJSON *o, const char *key, const char *value)
{
	cJSON *f = cJSON_GetObjectItemCaseSensitive(o, key), *arr;

	if (!f)
		return cJSON_AddStringToObject(o, key, value) ? 0 : EW_ENOMEM;
	if (names_value(f, value))
		return 0;
	if (cJSON_IsString(f)) {
		arr = cJSON_CreateArray();
		if (!arr)
			return EW_ENOMEM;
		cJSON_AddItemToArray(arr, cJSON_CreateString(f->valuestring));
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, arr);
		f = arr;
	}
	if (!cJSON_IsArray(f))
		return EW_EINVAL;
	cJSON_AddItemToArray(f, cJSON_CreateString(value));
	return 0;
}

/* The sub key of operator op in statement st, or NULL. */
static const char *sub_key_in(const cJSON *st, const char *op)
{
	const cJSON *k;

	cJSON_ArrayForEach(k, item(item(st, "Condition"), op))
	{
		if (is_sub_key(k->string))
			return k->string;
	}
	return NULL;
}

static cJSON *find_sub_statement(cJSON *doc, const char *op)
{
	for (const cJSON *st = first_statement(doc); st;
	     st = next_statement(doc, st))
		if (sub_key_in(st, op))
			return (cJSON *)st;
	return NULL;
}

/* A statement for operator op made from the other one, without its sub
 * condition: same principal, action and audience. */
static cJSON *make_statement(cJSON *doc, const cJSON *from, const char *op,
			     const char *key)
{
	cJSON *st = cJSON_Duplicate(from, true), *cond, *eq, *arr;

	if (!st)
		return NULL;
	cond = cJSON_GetObjectItemCaseSensitive(st, "Condition");
	cJSON_DeleteItemFromObjectCaseSensitive(cond, "StringLike");
	eq = cJSON_GetObjectItemCaseSensitive(cond, "StringEquals");
	if (eq)
		cJSON_DeleteItemFromObjectCaseSensitive(eq, key);
	if (!cJSON_GetObjectItemCaseSensitive(cond, op) &&
	    !cJSON_AddObjectToObject(cond, op)) {
		cJSON_Delete(st);
		return NULL;
	}
	arr = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(st);
		return NULL;
	}
	/* Exact subjects first, as documents.c writes them. */
	if (strcmp(op, "StringEquals") == 0)
		cJSON_InsertItemInArray(arr, 0, st);
	else
		cJSON_AddItemToArray(arr, st);
	return st;
}

static int print_doc(struct ew_buf *out, cJSON *doc, int rc,
		     struct ew_error *err)
{
	if (!rc && ew_json_doc_print(out, doc))
		rc = EW_ENOMEM;
	cJSON_Delete(doc);
	if (rc == EW_ENOMEM)
		return ew_error_oom(err);
	if (rc)
		return ew_error_set(err, rc,
				    "cannot add the other repositories to "
				    "the document: it has an unexpected shape");
	return 0;
}

int ew_sharing_trust_union(struct ew_buf *out, const char *desired,
			   const struct ew_sharing *sh, struct ew_error *err)
{
	cJSON *doc = cJSON_Parse(desired);
	int rc = doc ? 0 : EW_EINVAL;

	for (size_t i = 0; i < sh->nitems && !rc; i++) {
		const char *op =
		    sh->is_pattern[i] ? "StringLike" : "StringEquals";
		const char *other =
		    sh->is_pattern[i] ? "StringEquals" : "StringLike";
		cJSON *st = find_sub_statement(doc, op), *from;
		const char *key;

		if (!st) {
			from = find_sub_statement(doc, other);
			key = from ? sub_key_in(from, other) : NULL;
			st = key ? make_statement(doc, from, op, key) : NULL;
			if (!st) {
				rc = from ? EW_ENOMEM : EW_EINVAL;
				break;
			}
			rc = add_to_field(cJSON_GetObjectItemCaseSensitive(
					      cJSON_GetObjectItemCaseSensitive(
						  st, "Condition"),
					      op),
					  key, sh->items[i]);
			continue;
		}
		key = sub_key_in(st, op);
		rc = add_to_field(
		    cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(st, "Condition"), op),
		    key, sh->items[i]);
	}
	return print_doc(out, doc, rc, err);
}

int ew_sharing_policy_union(struct ew_buf *out, const char *desired,
			    const char *repo_arn, const struct ew_sharing *sh,
			    struct ew_error *err)
{
	cJSON *doc = cJSON_Parse(desired), *target = NULL;
	int rc = doc ? 0 : EW_EINVAL;

	for (const cJSON *st = doc ? first_statement(doc) : NULL; st;
	     st = next_statement(doc, st))
		if (is_effect(st, "Allow") &&
		    names_value(item(st, "Resource"), repo_arn)) {
			target = (cJSON *)st;
			break;
		}
	if (!rc && !target)
		rc = EW_EINVAL;
	for (size_t i = 0; i < sh->nitems && !rc; i++)
		rc = add_to_field(target, "Resource", sh->items[i]);
	return print_doc(out, doc, rc, err);
}

/* ------------------------------------------------- without this one */

/* Whether sub names the repository ours ("OWNER/REPO"). */
static bool is_ours(const char *sub, const char *ours)
{
	char name[256];

	return subject_repo(sub, name, sizeof(name)) &&
	       strcasecmp(name, ours) == 0;
}

/* Drop the values of the sub field k that name ours; *removed counts
 * them.  True when nothing is left (the statement must go: a trust
 * without its sub condition would trust every repository). */
static bool drop_ours(cJSON *k, const char *ours, size_t *removed)
{
	cJSON *v, *next;

	if (cJSON_IsString(k)) {
		if (!is_ours(k->valuestring, ours))
			return false;
		(*removed)++;
		return true;
	}
	for (v = k->child; v; v = next) {
		next = v->next;
		if (cJSON_IsString(v) && is_ours(v->valuestring, ours)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(k, v));
			(*removed)++;
		}
	}
	return cJSON_GetArraySize(k) == 0;
}

/* Remove the statement st from doc's Statement (object or array). */
static void drop_statement(cJSON *doc, cJSON *st)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "Statement");

	if (cJSON_IsArray(list))
		cJSON_Delete(cJSON_DetachItemViaPointer(list, st));
	else
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "Statement");
}

int ew_sharing_trust_without(struct ew_buf *out, size_t *removed,
			     const char *current, const char *provider_arn,
			     const char *owner, const char *repo,
			     struct ew_error *err)
{
	cJSON *doc = current ? cJSON_Parse(current) : NULL;
	cJSON *st, *next;
	char ours[256];
	int rc = doc ? 0 : EW_EINVAL;

	*removed = 0;
	snprintf(ours, sizeof(ours), "%s/%s", owner, repo);
	for (st = doc ? (cJSON *)first_statement(doc) : NULL; st; st = next) {
		bool empty = false;
		cJSON *op, *k;

		next = (cJSON *)next_statement(doc, st);
		if (!is_effect(st, "Allow") ||
		    !names_value(item(item(st, "Principal"), "Federated"),
				 provider_arn))
			continue;
		cJSON_ArrayForEach(op, item(st, "Condition"))
		{
			cJSON_ArrayForEach(k, op)
			{
				if (is_sub_key(k->string))
					empty = drop_ours(k, ours, removed) ||
						empty;
			}
		}
		if (empty)
			drop_statement(doc, st);
	}
	return print_doc(out, doc, rc, err);
}

int ew_sharing_policy_without(struct ew_buf *out, size_t *removed,
			      const char *current, const char *repo_arn,
			      struct ew_error *err)
{
	cJSON *doc = current ? cJSON_Parse(current) : NULL;
	cJSON *st, *next;
	int rc = doc ? 0 : EW_EINVAL;

	*removed = 0;
	for (st = doc ? (cJSON *)first_statement(doc) : NULL; st; st = next) {
		cJSON *r = cJSON_GetObjectItemCaseSensitive(st, "Resource");
		cJSON *v, *vn;

		next = (cJSON *)next_statement(doc, st);
		if (!is_effect(st, "Allow") || !r)
			continue;
		if (cJSON_IsString(r)) {
			if (strcmp(r->valuestring, repo_arn) == 0) {
				(*removed)++;
				drop_statement(doc, st);
			}
			continue;
		}
		for (v = r->child; v; v = vn) {
			vn = v->next;
			if (cJSON_IsString(v) &&
			    strcmp(v->valuestring, repo_arn) == 0) {
				cJSON_Delete(cJSON_DetachItemViaPointer(r, v));
				(*removed)++;
			}
		}
		if (cJSON_GetArraySize(r) == 0)
			drop_statement(doc, st);
	}
	return print_doc(out, doc, rc, err);
}

int ew_sharing_names(struct ew_buf *out, const struct ew_sharing *sh)
{
	int rc = 0;

	for (size_t i = 0; i < sh->nnames && !rc; i++)
		rc = ew_buf_printf(out, "%s%s", i ? ", " : "", sh->names[i]);
	return rc;
}

/* ---------------------------------------------------------- versions */

static bool pair_more(const char *new_doc, const char *a, const char *r)
{
	const char *docs[1] = {new_doc};

	return ew_policy_grants(docs, 1, a, r) != EW_GRANT_YES;
}

static bool statement_more(const cJSON *st, const char *new_doc)
{
	const cJSON *a = item(st, "Action"), *r = item(st, "Resource");

	if (item(st, "NotAction") || item(st, "NotResource") || !a || !r)
		return true;
	if (cJSON_IsString(a) && cJSON_IsString(r))
		return pair_more(new_doc, a->valuestring, r->valuestring);
	for (const cJSON *x = cJSON_IsArray(a) ? a->child : a; x;
	     x = cJSON_IsArray(a) ? x->next : NULL) {
		if (!cJSON_IsString(x))
			return true;
		for (const cJSON *y = cJSON_IsArray(r) ? r->child : r; y;
		     y = cJSON_IsArray(r) ? y->next : NULL) {
			if (!cJSON_IsString(y) ||
			    pair_more(new_doc, x->valuestring, y->valuestring))
				return true;
		}
	}
	return false;
}

bool ew_sharing_grants_more(const char *old_doc, const char *new_doc)
{
	cJSON *doc = old_doc ? cJSON_Parse(old_doc) : NULL;
	bool more = false;

	if (!doc)
		return true;
	for (const cJSON *st = first_statement(doc); st && !more;
	     st = next_statement(doc, st))
		if (cJSON_IsObject(st) && is_effect(st, "Allow"))
			more = statement_more(st, new_doc);
	cJSON_Delete(doc);
	return more;
}

/* ------------------------------------------------------------- names */

static bool is_iam_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("+=,.@_-", c);
}

static int suggest(struct ew_buf *out, const char *base, const char *repo,
		   size_t max)
{
	struct ew_buf b;
	int rc;

	ew_buf_init(&b);
	rc = ew_buf_printf(&b, "%s-", base);
	for (const char *p = repo; *p && !rc; p++)
		rc = ew_buf_putc(&b, is_iam_char(*p) ? *p : '-');
	if (!rc) {
		size_t n = b.len < max ? b.len : max;

		while (n > 1 && b.ptr[n - 1] == '-')
			n--;
		rc = ew_buf_add(out, b.ptr, n);
	}
	ew_buf_release(&b);
	return rc;
}

int ew_sharing_suggest_names(struct ew_buf *role, struct ew_buf *policy,
			     const struct ew_setup *s)
{
	size_t room = 0;
	int rc;

	/* With environments each name gets "-SLUG" appended. */
	for (size_t i = 0; i < s->nenvs; i++)
		if (strlen(s->envs[i].slug) + 1 > room)
			room = strlen(s->envs[i].slug) + 1;
	rc = suggest(role, s->role_name, s->repo ? s->repo : "repo",
		     room < IAM_ROLE_MAX - 8 ? IAM_ROLE_MAX - room : 8);
	if (!rc)
		rc = suggest(policy, s->policy_name, s->repo ? s->repo : "repo",
			     room < IAM_POLICY_MAX - 8 ? IAM_POLICY_MAX - room
						       : 8);
	return rc;
}
