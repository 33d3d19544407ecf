/*
 * demo_iam.c - STS and IAM operations of the demo account (Query protocol).
 *
 * Each handler runs with the simulator's lock held, reads its parameters
 * from the decoded form, changes the account and writes the answer in the
 * shape of docs/aws-wire.md sections 2-4, or an error with IAM's own code,
 * status and message.  Handlers return 0 once an answer is written,
 * EW_ENOMEM when state could not be allocated.
 */
#include "buf.h"
#include "demo_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TAGS     50
#define MAX_ATTACHED 10

/* ---------------------------------------------------------------- checks */

/* The parameter, or NULL after writing IAM's validation error. */
static const char *need(struct ew_demo_req *r, const char *param,
			const char *member)
{
	const char *v = ew_demo_param(r, param);

	if (!v)
		ew_demo_error(r, 400, "ValidationError",
			      "1 validation error detected: Value null at "
			      "'%s' failed to satisfy constraint: Member must "
			      "not be null",
			      member);
	return v;
}

static bool is_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("_+=,.@-", c)))
			return false;
	}
	return true;
}

/* false after writing the error */
static bool check_name(struct ew_demo_req *r, const char *s, const char *member,
		       size_t max)
{
	if (is_name(s, max))
		return true;
	ew_demo_error(r, 400, "ValidationError",
		      "1 validation error detected: Value '%s' at '%s' failed "
		      "to satisfy constraint: Member must satisfy regular "
		      "expression pattern: [\\w+=,.@-]+",
		      s, member);
	return false;
}

static bool check_path(struct ew_demo_req *r, const char *path)
{
	size_t n = path ? strlen(path) : 1;

	if (!path ||
	    (n >= 1 && n <= 512 && path[0] == '/' && path[n - 1] == '/'))
		return true;
	ew_demo_error(r, 400, "ValidationError",
		      "The specified value for path is invalid. It must begin "
		      "and end with / and contain only alphanumeric characters "
		      "and/or / characters.");
	return false;
}

static size_t non_space_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (!strchr(" \t\r\n", *s))
			n++;
	return n;
}

static bool has_string(const cJSON *v, const char *s)
{
	const cJSON *e;

	if (cJSON_IsString(v))
		return strcmp(v->valuestring, s) == 0;
	cJSON_ArrayForEach(e, v)
	{
		if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
			return true;
	}
	return false;
}

static const cJSON *statements(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, "Statement");
}

static const char *unknown_provider(struct ew_demo_req *r, const char *arn)
{
	if (!strstr(arn, ":" EW_DEMO_ACCOUNT ":oidc-provider/"))
		return NULL;
	return ew_demo_find_provider(r->sim, arn, NULL) ? NULL : arn;
}

static const char *statement_missing_provider(struct ew_demo_req *r,
					      const cJSON *st)
{
	const cJSON *fed, *e;
	const char *m;

	fed = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(st, "Principal"), "Federated");
	if (cJSON_IsString(fed))
		return unknown_provider(r, fed->valuestring);
	cJSON_ArrayForEach(e, fed)
	{
		if (cJSON_IsString(e) &&
		    (m = unknown_provider(r, e->valuestring)))
			return m;
	}
	return NULL;
}

/* A federated principal naming an OIDC provider of this account that does
 * not exist: IAM refuses such a trust policy. */
static const char *missing_provider(struct ew_demo_req *r, const cJSON *doc)
{
	const cJSON *st = statements(doc), *s;
	const char *m;

	if (cJSON_IsObject(st))
		return statement_missing_provider(r, st);
	cJSON_ArrayForEach(s, st)
	{
		if ((m = statement_missing_provider(r, s)))
			return m;
	}
	return NULL;
}

/* false after writing the error */
static bool check_doc(struct ew_demo_req *r, const char *text, bool trust)
{
	cJSON *doc = cJSON_Parse(text);
	const char *missing;
	bool ok = false;

	if (!doc || !cJSON_IsObject(doc) ||
	    !(cJSON_IsArray(statements(doc)) ||
	      cJSON_IsObject(statements(doc)))) {
		ew_demo_error(r, 400, "MalformedPolicyDocument",
			      "Syntax errors in policy.");
		goto done;
	}
	if (trust && non_space_len(text) > 2048) {
		ew_demo_error(r, 409, "LimitExceeded",
			      "Cannot exceed quota for ACLSizePerRole: 2048");
		goto done;
	}
	if (!trust && non_space_len(text) > 6144) {
		ew_demo_error(r, 409, "LimitExceeded",
			      "Cannot exceed quota for PolicySize: 6144");
		goto done;
	}
	missing = trust ? missing_provider(r, doc) : NULL;
	if (missing) {
		ew_demo_error(r, 400, "MalformedPolicyDocument",
			      "Invalid principal in policy: "
			      "\"Federated\":\"%s\"",
			      missing);
		goto done;
	}
	ok = true;
done:
	cJSON_Delete(doc);
	return ok;
}

/* Tags from the request, checked; false after writing the error (or
 * with *nomem set). */
static bool request_tags(struct ew_demo_req *r, struct ew_tags *out,
			 size_t existing, bool *nomem)
{
	*nomem = false;
	if (ew_demo_param_tags(r, out) < 0) {
		*nomem = true;
		return false;
	}
	for (size_t i = 0; i < out->n; i++) {
		if (strlen(out->v[i].key) == 0 || strlen(out->v[i].key) > 128 ||
		    strlen(out->v[i].value) > 256) {
			ew_demo_error(r, 400, "ValidationError",
				      "1 validation error detected: Value at "
				      "'tags.%zu.member.key' failed to satisfy "
				      "constraint: Member must have length "
				      "between 1 and 128",
				      i + 1);
			return false;
		}
	}
	if (existing + out->n > MAX_TAGS) {
		ew_demo_error(r, 409, "LimitExceeded",
			      "The number of tags has reached the maximum "
			      "limit.");
		return false;
	}
	return true;
}

static int merge_tags(struct ew_tags *dst, const struct ew_tags *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (ew_tags_set(dst, src->v[i].key, src->v[i].value) < 0)
			return EW_ENOMEM;
	return 0;
}

static void list_end(struct ew_demo_req *r)
{
	ew_demo_elem_bool(r, "IsTruncated", false);
}

/* List*Tags of any resource: its tags, in one page. */
static int reply_tags(struct ew_demo_req *r, const struct ew_tags *tags)
{
	ew_demo_xml_begin(r);
	ew_demo_elem_tags(r, "Tags", tags);
	list_end(r);
	ew_demo_xml_end(r);
	return 0;
}

/* Tag* of any resource: the request's tags, checked, merged into dst. */
static int tag_resource(struct ew_demo_req *r, struct ew_tags *dst)
{
	struct ew_tags tags = {0};
	bool nomem;
	int rc = 0;

	if (request_tags(r, &tags, dst->n, &nomem)) {
		rc = merge_tags(dst, &tags);
		ew_demo_xml_empty(r);
	} else if (nomem) {
		rc = EW_ENOMEM;
	}
	ew_tags_release(&tags);
	return rc;
}

/* ------------------------------------------------------------------ STS */

static int sts_get_caller_identity(struct ew_demo_req *r)
{
	ew_demo_xml_begin(r);
	ew_demo_elem(r, "Arn", r->caller_arn);
	ew_demo_elem(r, "UserId", r->caller_id);
	ew_demo_elem(r, "Account", EW_DEMO_ACCOUNT);
	ew_demo_xml_end(r);
	return 0;
}

static bool statement_trusts(struct ew_demo_req *r, const cJSON *s)
{
	const cJSON *aws = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(s, "Principal"), "AWS");
	const cJSON *act = cJSON_GetObjectItemCaseSensitive(s, "Action");
	const cJSON *eff = cJSON_GetObjectItemCaseSensitive(s, "Effect");
	char root[96];

	snprintf(root, sizeof(root), "arn:%s:iam::%s:root", r->partition,
		 EW_DEMO_ACCOUNT);
	if (!cJSON_IsString(eff) || strcmp(eff->valuestring, "Allow") != 0)
		return false;
	if (!has_string(act, "sts:AssumeRole") && !has_string(act, "sts:*") &&
	    !has_string(act, "*"))
		return false;
	return has_string(aws, root) || has_string(aws, EW_DEMO_ACCOUNT) ||
	       has_string(aws, r->caller_arn) || has_string(aws, "*");
}

/* Whether the role's trust policy lets the caller's account assume it
 * (conditions are not evaluated). */
static bool trusts_caller(struct ew_demo_req *r,
			  const struct ew_demo_role *role)
{
	cJSON *doc = cJSON_Parse(role->trust);
	const cJSON *st = statements(doc), *s;
	bool ok = false;

	if (cJSON_IsObject(st)) {
		ok = statement_trusts(r, st);
	} else {
		cJSON_ArrayForEach(s, st)
		{
			if (statement_trusts(r, s))
				ok = true;
		}
	}
	cJSON_Delete(doc);
	return ok;
}

static int sts_assume_role(struct ew_demo_req *r)
{
	const char *arn, *session, *dur;
	struct ew_demo_role *role = NULL;
	struct ew_demo_session *s;
	long duration = 3600;
	char *end;

	if (!(arn = need(r, "RoleArn", "roleArn")) ||
	    !(session = need(r, "RoleSessionName", "roleSessionName")))
		return 0;
	if (!check_name(r, session, "roleSessionName", 64))
		return 0;
	dur = ew_demo_param(r, "DurationSeconds");
	if (dur) {
		duration = strtol(dur, &end, 10);
		if (*end || duration < 900 || duration > 43200)
			return ew_demo_error(
			    r, 400, "ValidationError",
			    "1 validation error detected: Value '%s' at "
			    "'durationSeconds' failed to satisfy constraint: "
			    "Member must have value between 900 and 43200",
			    dur);
	}
	for (size_t i = 0; i < r->sim->roles.n; i++) {
		struct ew_demo_role *x = r->sim->roles.v[i];

		if (strcmp(x->arn, arn) == 0)
			role = x;
	}
	if (!role || !trusts_caller(r, role))
		return ew_demo_error(r, 403, "AccessDenied",
				     "User: %s is not authorized to perform: "
				     "sts:AssumeRole on resource: %s",
				     r->caller_arn, arn);
	if (duration > role->max_session)
		return ew_demo_error(r, 400, "ValidationError",
				     "The requested DurationSeconds exceeds "
				     "the MaxSessionDuration set for this "
				     "role.");
	s = calloc(1, sizeof(*s));
	if (!s)
		return EW_ENOMEM;
	s->akid = ew_demo_make_id(r->sim, "ASIADEMO", 12);
	s->token = ew_demo_make_id(r->sim, "IQoJb3JpZ2luX2VjDEMO", 96);
	s->expires = r->now + duration;
	{
		struct ew_buf a, u;

		ew_buf_init(&a);
		ew_buf_init(&u);
		if (ew_buf_printf(&a, "arn:%s:sts::%s:assumed-role/%s/%s",
				  r->partition, EW_DEMO_ACCOUNT, role->name,
				  session) == 0 &&
		    ew_buf_printf(&u, "%s:%s", role->id, session) == 0) {
			s->arn = ew_buf_detach(&a);
			s->user_id = ew_buf_detach(&u);
		}
		ew_buf_release(&a);
		ew_buf_release(&u);
	}
	if (!s->akid || !s->token || !s->arn || !s->user_id ||
	    ew_demo_list_add(&r->sim->sessions, s) < 0) {
		ew_demo_session_free(s);
		return EW_ENOMEM;
	}
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<AssumedRoleUser>");
	ew_demo_elem(r, "AssumedRoleId", s->user_id);
	ew_demo_elem(r, "Arn", s->arn);
	ew_demo_puts(r, "</AssumedRoleUser><Credentials>");
	ew_demo_elem(r, "AccessKeyId", s->akid);
	/* fake, and only ever for this simulator */
	ew_demo_elem(r, "SecretAccessKey", "demo/NOT-A-REAL-SECRET/session");
	ew_demo_elem(r, "SessionToken", s->token);
	ew_demo_elem_date(r, "Expiration", s->expires);
	ew_demo_puts(r, "</Credentials>");
	ew_demo_xml_end(r);
	return 0;
}

/* ------------------------------------------------------- OIDC providers */

static struct ew_demo_provider *need_provider(struct ew_demo_req *r)
{
	const char *arn =
	    need(r, "OpenIDConnectProviderArn", "openIDConnectProviderArn");
	struct ew_demo_provider *p;

	if (!arn)
		return NULL;
	p = ew_demo_find_provider(r->sim, arn, NULL);
	if (!p)
		ew_demo_error(r, 404, "NoSuchEntity",
			      "OpenIDConnect Provider not found for arn %s",
			      arn);
	return p;
}

static int list_providers(struct ew_demo_req *r)
{
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<OpenIDConnectProviderList>");
	for (size_t i = 0; i < r->sim->providers.n; i++) {
		struct ew_demo_provider *p = r->sim->providers.v[i];

		ew_demo_puts(r, "<member>");
		ew_demo_elem(r, "Arn", p->arn);
		ew_demo_puts(r, "</member>");
	}
	ew_demo_puts(r, "</OpenIDConnectProviderList>");
	ew_demo_xml_end(r);
	return 0;
}

static void put_strs(struct ew_demo_req *r, const char *name,
		     const struct ew_demo_strs *s)
{
	ew_demo_printf(r, "<%s>", name);
	for (size_t i = 0; i < s->n; i++)
		ew_demo_elem(r, "member", s->v[i]);
	ew_demo_printf(r, "</%s>", name);
}

static int get_provider(struct ew_demo_req *r)
{
	struct ew_demo_provider *p = need_provider(r);

	if (!p)
		return 0;
	ew_demo_xml_begin(r);
	put_strs(r, "ClientIDList", &p->client_ids);
	put_strs(r, "ThumbprintList", &p->thumbprints);
	ew_demo_elem(r, "Url", p->url);
	ew_demo_elem_date(r, "CreateDate", p->created);
	ew_demo_elem_tags(r, "Tags", &p->tags);
	ew_demo_xml_end(r);
	return 0;
}

static bool is_thumbprint(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!strchr("0123456789abcdefABCDEF", s[n]))
			return false;
	return n == 40;
}

static int create_provider(struct ew_demo_req *r)
{
	struct ew_tags tags = {0};
	struct ew_demo_provider *p;
	const char *url, *host, *v;
	bool nomem;
	int rc = 0;

	if (!(url = need(r, "Url", "url")))
		return 0;
	if (strncasecmp(url, "https://", 8) != 0 || strlen(url) > 255 ||
	    strlen(url) <= 8 || strchr(url + 8, '?') || strchr(url + 8, ':'))
		return ew_demo_error(r, 400, "InvalidInput",
				     "Invalid URL. Url must begin with "
				     "https:// and must not contain a query "
				     "or a port.");
	host = url + 8;
	if (ew_demo_find_provider_url(r->sim, host))
		return ew_demo_error(r, 409, "EntityAlreadyExists",
				     "Provider with url %s already exists.",
				     url);
	for (size_t i = 1;
	     (v = ew_demo_param_member(r, "ThumbprintList", i, NULL)); i++)
		if (!is_thumbprint(v) || i > 5)
			return ew_demo_error(
			    r, 400, "ValidationError",
			    "1 validation error detected: Value '[%s]' at "
			    "'thumbprintList' failed to satisfy constraint: "
			    "Member must satisfy constraint: [Member must have "
			    "length 40]",
			    v);
	for (size_t i = 1;
	     (v = ew_demo_param_member(r, "ClientIDList", i, NULL)); i++)
		if (!*v || strlen(v) > 255 || i > 100)
			return ew_demo_error(
			    r, 400, "ValidationError",
			    "1 validation error detected: Value at "
			    "'clientIDList' failed to satisfy constraint: "
			    "Member must have length between 1 and 255");
	if (!request_tags(r, &tags, 0, &nomem)) {
		rc = nomem ? EW_ENOMEM : 0;
		goto done;
	}
	p = ew_demo_provider_new(r, host, r->now);
	if (!p || merge_tags(&p->tags, &tags) < 0) {
		rc = EW_ENOMEM;
		goto done;
	}
	for (size_t i = 1;
	     (v = ew_demo_param_member(r, "ClientIDList", i, NULL)); i++)
		if (!ew_demo_strs_has(&p->client_ids, v) &&
		    ew_demo_strs_add(&p->client_ids, v) < 0)
			rc = EW_ENOMEM;
	for (size_t i = 1;
	     (v = ew_demo_param_member(r, "ThumbprintList", i, NULL)); i++)
		if (ew_demo_strs_add(&p->thumbprints, v) < 0)
			rc = EW_ENOMEM;
	/* without a list IAM fetches the IdP's top intermediate CA's */
	if (p->thumbprints.n == 0 &&
	    ew_demo_strs_add(&p->thumbprints,
			     "6938fd4d98bab03faadb97b34396831e3780aea1") < 0)
		rc = EW_ENOMEM;
	ew_demo_xml_begin(r);
	ew_demo_elem(r, "OpenIDConnectProviderArn", p->arn);
	ew_demo_elem_tags(r, "Tags", &p->tags);
	ew_demo_xml_end(r);
done:
	ew_tags_release(&tags);
	return rc;
}

static int add_client_id(struct ew_demo_req *r)
{
	struct ew_demo_provider *p = need_provider(r);
	const char *id;

	if (!p || !(id = need(r, "ClientID", "clientID")))
		return 0;
	/* documented as idempotent */
	if (!ew_demo_strs_has(&p->client_ids, id) &&
	    ew_demo_strs_add(&p->client_ids, id) < 0)
		return EW_ENOMEM;
	ew_demo_xml_empty(r);
	return 0;
}

static int remove_client_id(struct ew_demo_req *r)
{
	struct ew_demo_provider *p = need_provider(r);
	const char *id;

	if (!p || !(id = need(r, "ClientID", "clientID")))
		return 0;
	ew_demo_strs_remove(&p->client_ids, id);
	ew_demo_xml_empty(r);
	return 0;
}

static int delete_provider(struct ew_demo_req *r)
{
	const char *arn =
	    need(r, "OpenIDConnectProviderArn", "openIDConnectProviderArn");
	struct ew_demo_provider *p;
	size_t i;

	if (!arn)
		return 0;
	p = ew_demo_find_provider(r->sim, arn, &i);
	if (!p)
		return ew_demo_error(
		    r, 404, "NoSuchEntity",
		    "OpenIDConnect Provider not found for arn %s", arn);
	ew_demo_list_remove(&r->sim->providers, i);
	ew_demo_provider_free(p);
	ew_demo_xml_empty(r);
	return 0;
}

static int list_provider_tags(struct ew_demo_req *r)
{
	struct ew_demo_provider *p = need_provider(r);

	return p ? reply_tags(r, &p->tags) : 0;
}

static int tag_provider(struct ew_demo_req *r)
{
	struct ew_demo_provider *p = need_provider(r);

	return p ? tag_resource(r, &p->tags) : 0;
}

/* ------------------------------------------------------------- policies */

static bool is_aws_managed(const char *arn)
{
	return strncmp(arn, "arn:", 4) == 0 && strstr(arn, ":iam::aws:policy/");
}

static struct ew_demo_policy *need_policy(struct ew_demo_req *r)
{
	const char *arn = need(r, "PolicyArn", "policyArn");
	struct ew_demo_policy *p;

	if (!arn)
		return NULL;
	p = ew_demo_find_policy(r->sim, arn, NULL);
	if (!p)
		ew_demo_error(r, 404, "NoSuchEntity",
			      "Policy %s does not exist or is not attachable.",
			      arn);
	return p;
}

static void put_policy(struct ew_demo_req *r, const struct ew_demo_policy *p,
		       bool full)
{
	char v[16];

	snprintf(v, sizeof(v), "v%d", p->default_version);
	ew_demo_elem(r, "PolicyName", p->name);
	ew_demo_elem(r, "PolicyId", p->id);
	ew_demo_elem(r, "Arn", p->arn);
	ew_demo_elem(r, "Path", p->path);
	ew_demo_elem(r, "DefaultVersionId", v);
	ew_demo_elem_long(r, "AttachmentCount", p->attachments);
	ew_demo_elem_long(r, "PermissionsBoundaryUsageCount", 0);
	ew_demo_elem_bool(r, "IsAttachable", true);
	if (full)
		ew_demo_elem(r, "Description", p->description);
	ew_demo_elem_date(r, "CreateDate", p->created);
	ew_demo_elem_date(r, "UpdateDate", p->updated);
	if (full && p->tags.n)
		ew_demo_elem_tags(r, "Tags", &p->tags);
}

static int create_policy(struct ew_demo_req *r)
{
	const char *name, *doc, *path, *desc;
	struct ew_tags tags = {0};
	struct ew_demo_policy *p;
	bool nomem;
	int rc = 0;

	if (!(name = need(r, "PolicyName", "policyName")) ||
	    !(doc = need(r, "PolicyDocument", "policyDocument")))
		return 0;
	path = ew_demo_param(r, "Path");
	desc = ew_demo_param(r, "Description");
	if (!check_name(r, name, "policyName", 128) || !check_path(r, path))
		return 0;
	for (size_t i = 0; i < r->sim->policies.n; i++) {
		p = r->sim->policies.v[i];
		if (strcasecmp(p->name, name) == 0)
			return ew_demo_error(r, 409, "EntityAlreadyExists",
					     "A policy called %s already "
					     "exists. Duplicate names are not "
					     "allowed.",
					     name);
	}
	if (!check_doc(r, doc, false))
		return 0;
	if (!request_tags(r, &tags, 0, &nomem)) {
		rc = nomem ? EW_ENOMEM : 0;
		goto done;
	}
	p = ew_demo_policy_new(r, name, path, doc, r->now);
	if (!p || merge_tags(&p->tags, &tags) < 0) {
		rc = EW_ENOMEM;
		goto done;
	}
	if (desc && !(p->description = ew_strdup(desc))) {
		rc = EW_ENOMEM;
		goto done;
	}
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<Policy>");
	put_policy(r, p, false);
	if (p->tags.n)
		ew_demo_elem_tags(r, "Tags", &p->tags);
	ew_demo_puts(r, "</Policy>");
	ew_demo_xml_end(r);
done:
	ew_tags_release(&tags);
	return rc;
}

static int get_policy(struct ew_demo_req *r)
{
	struct ew_demo_policy *p = need_policy(r);

	if (!p)
		return 0;
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<Policy>");
	put_policy(r, p, true);
	ew_demo_puts(r, "</Policy>");
	ew_demo_xml_end(r);
	return 0;
}

/* "v3" -> 3; 0 when malformed */
static int version_number(const char *s)
{
	long v;
	char *end;

	if (!s || s[0] != 'v' || s[1] < '1' || s[1] > '9')
		return 0;
	v = strtol(s + 1, &end, 10);
	return *end || v > 100000 ? 0 : (int)v;
}

static struct ew_demo_version *need_version(struct ew_demo_req *r,
					    struct ew_demo_policy *p)
{
	const char *id = need(r, "VersionId", "versionId");
	struct ew_demo_version *v;

	if (!id)
		return NULL;
	if (!version_number(id)) {
		ew_demo_error(
		    r, 400, "ValidationError",
		    "1 validation error detected: Value '%s' at "
		    "'versionId' failed to satisfy constraint: Member "
		    "must satisfy regular expression pattern: "
		    "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
		    id);
		return NULL;
	}
	v = ew_demo_find_version(p, version_number(id));
	if (!v)
		ew_demo_error(r, 404, "NoSuchEntity",
			      "Policy %s version %s does not exist or is not "
			      "attachable.",
			      p->arn, id);
	return v;
}

static void put_version(struct ew_demo_req *r, const struct ew_demo_policy *p,
			const struct ew_demo_version *v, bool with_doc)
{
	char id[16];

	snprintf(id, sizeof(id), "v%d", v->id);
	if (with_doc)
		ew_demo_elem_doc(r, "Document", v->doc);
	ew_demo_elem(r, "VersionId", id);
	ew_demo_elem_bool(r, "IsDefaultVersion", v->id == p->default_version);
	ew_demo_elem_date(r, "CreateDate", v->created);
}

static int get_policy_version(struct ew_demo_req *r)
{
	struct ew_demo_policy *p = need_policy(r);
	struct ew_demo_version *v;

	if (!p || !(v = need_version(r, p)))
		return 0;
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<PolicyVersion>");
	put_version(r, p, v, true);
	ew_demo_puts(r, "</PolicyVersion>");
	ew_demo_xml_end(r);
	return 0;
}

static int list_policy_versions(struct ew_demo_req *r)
{
	struct ew_demo_policy *p = need_policy(r);

	if (!p)
		return 0;
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<Versions>");
	/* newest first, as IAM lists them */
	for (size_t i = p->nversions; i-- > 0;) {
		ew_demo_puts(r, "<member>");
		put_version(r, p, &p->versions[i], false);
		ew_demo_puts(r, "</member>");
	}
	ew_demo_puts(r, "</Versions>");
	list_end(r);
	ew_demo_xml_end(r);
	return 0;
}

static int create_policy_version(struct ew_demo_req *r)
{
	struct ew_demo_policy *p = need_policy(r);
	const char *doc, *def;
	int id;

	if (!p || !(doc = need(r, "PolicyDocument", "policyDocument")))
		return 0;
	if (p->nversions >= EW_DEMO_MAX_VERSIONS)
		return ew_demo_error(r, 409, "LimitExceeded",
				     "A managed policy can have up to 5 "
				     "versions. Before you create a new "
				     "version, you must delete an existing "
				     "version.");
	if (!check_doc(r, doc, false))
		return 0;
	def = ew_demo_param(r, "SetAsDefault");
	id = ew_demo_policy_add_version(p, doc, r->now,
					def && strcasecmp(def, "true") == 0);
	if (id < 0)
		return EW_ENOMEM;
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<PolicyVersion>");
	put_version(r, p, ew_demo_find_version(p, id), false);
	ew_demo_puts(r, "</PolicyVersion>");
	ew_demo_xml_end(r);
	return 0;
}

static int delete_policy_version(struct ew_demo_req *r)
{
	struct ew_demo_policy *p = need_policy(r);
	struct ew_demo_version *v;
	size_t i;

	if (!p || !(v = need_version(r, p)))
		return 0;
	if (v->id == p->default_version)
		return ew_demo_error(r, 409, "DeleteConflict",
				     "Cannot delete the default version of a "
				     "policy.");
	i = (size_t)(v - p->versions);
	free(v->doc);
	memmove(&p->versions[i], &p->versions[i + 1],
		(p->nversions - i - 1) * sizeof(p->versions[0]));
	p->nversions--;
	ew_demo_xml_empty(r);
	return 0;
}

static int delete_policy(struct ew_demo_req *r)
{
	struct ew_demo_policy *p = need_policy(r);
	size_t i;

	if (!p)
		return 0;
	if (p->attachments)
		return ew_demo_error(r, 409, "DeleteConflict",
				     "Cannot delete a policy attached to "
				     "entities.");
	if (p->nversions > 1)
		return ew_demo_error(
		    r, 409, "DeleteConflict",
		    "This policy has more than one version. Before you "
		    "delete a policy, you must delete the policy's versions. "
		    "The default version is deleted with the policy.");
	ew_demo_find_policy(r->sim, p->arn, &i);
	ew_demo_list_remove(&r->sim->policies, i);
	ew_demo_policy_free(p);
	ew_demo_xml_empty(r);
	return 0;
}

static int list_policy_tags(struct ew_demo_req *r)
{
	struct ew_demo_policy *p = need_policy(r);

	return p ? reply_tags(r, &p->tags) : 0;
}

static int tag_policy(struct ew_demo_req *r)
{
	struct ew_demo_policy *p = need_policy(r);

	return p ? tag_resource(r, &p->tags) : 0;
}

static int list_policies(struct ew_demo_req *r)
{
	const char *scope = ew_demo_param(r, "Scope");
	const char *only = ew_demo_param(r, "OnlyAttached");
	bool attached_only = only && strcasecmp(only, "true") == 0;

	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<Policies>");
	/* AWS-managed policies are left out: a thousand of them help no
	 * demo */
	for (size_t i = 0; i < r->sim->policies.n; i++) {
		struct ew_demo_policy *p = r->sim->policies.v[i];

		if ((scope && strcmp(scope, "AWS") == 0) ||
		    (attached_only && !p->attachments))
			continue;
		ew_demo_puts(r, "<member>");
		put_policy(r, p, false);
		ew_demo_puts(r, "</member>");
	}
	ew_demo_puts(r, "</Policies>");
	list_end(r);
	ew_demo_xml_end(r);
	return 0;
}

/* ---------------------------------------------------------------- roles */

static struct ew_demo_role *need_role(struct ew_demo_req *r)
{
	const char *name = need(r, "RoleName", "roleName");
	struct ew_demo_role *role;

	if (!name)
		return NULL;
	role = ew_demo_find_role(r->sim, name, NULL);
	if (!role)
		ew_demo_error(r, 404, "NoSuchEntity",
			      "The role with name %s cannot be found.", name);
	return role;
}

static void put_role(struct ew_demo_req *r, const struct ew_demo_role *role,
		     bool full)
{
	ew_demo_elem(r, "Path", role->path);
	ew_demo_elem(r, "RoleName", role->name);
	ew_demo_elem(r, "RoleId", role->id);
	ew_demo_elem(r, "Arn", role->arn);
	ew_demo_elem_date(r, "CreateDate", role->created);
	ew_demo_elem_doc(r, "AssumeRolePolicyDocument", role->trust);
	ew_demo_elem(r, "Description", role->description);
	ew_demo_elem_long(r, "MaxSessionDuration", role->max_session);
	if (full && role->tags.n)
		ew_demo_elem_tags(r, "Tags", &role->tags);
	if (full)
		ew_demo_puts(r, "<RoleLastUsed/>");
}

static bool parse_max_session(struct ew_demo_req *r, const char *s, long *out)
{
	char *end;
	long v;

	if (!s)
		return true;
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 3600 && v <= 43200) {
		*out = v;
		return true;
	}
	ew_demo_error(r, 400, "ValidationError",
		      "1 validation error detected: Value '%s' at "
		      "'maxSessionDuration' failed to satisfy constraint: "
		      "Member must have value between 3600 and 43200",
		      s);
	return false;
}

static int create_role(struct ew_demo_req *r)
{
	const char *name, *doc, *path, *desc;
	struct ew_tags tags = {0};
	struct ew_demo_role *role;
	long max_session = 3600;
	bool nomem;
	int rc = 0;

	if (!(name = need(r, "RoleName", "roleName")) ||
	    !(doc = need(r, "AssumeRolePolicyDocument",
			 "assumeRolePolicyDocument")))
		return 0;
	path = ew_demo_param(r, "Path");
	desc = ew_demo_param(r, "Description");
	if (!check_name(r, name, "roleName", 64) || !check_path(r, path) ||
	    !parse_max_session(r, ew_demo_param(r, "MaxSessionDuration"),
			       &max_session))
		return 0;
	if (ew_demo_find_role(r->sim, name, NULL))
		return ew_demo_error(r, 409, "EntityAlreadyExists",
				     "Role with name %s already exists.", name);
	if (!check_doc(r, doc, true))
		return 0;
	if (!request_tags(r, &tags, 0, &nomem)) {
		rc = nomem ? EW_ENOMEM : 0;
		goto done;
	}
	role = ew_demo_role_new(r, name, path, doc, r->now);
	if (!role || merge_tags(&role->tags, &tags) < 0 ||
	    (desc && !(role->description = ew_strdup(desc)))) {
		rc = EW_ENOMEM;
		goto done;
	}
	role->max_session = max_session;
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<Role>");
	put_role(r, role, false);
	if (role->tags.n)
		ew_demo_elem_tags(r, "Tags", &role->tags);
	ew_demo_puts(r, "</Role>");
	ew_demo_xml_end(r);
done:
	ew_tags_release(&tags);
	return rc;
}

static int get_role(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);

	if (!role)
		return 0;
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<Role>");
	put_role(r, role, true);
	ew_demo_puts(r, "</Role>");
	ew_demo_xml_end(r);
	return 0;
}

static int update_trust(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);
	const char *doc;
	char *copy;

	if (!role || !(doc = need(r, "PolicyDocument", "policyDocument")))
		return 0;
	if (!check_doc(r, doc, true))
		return 0;
	copy = ew_strdup(doc);
	if (!copy)
		return EW_ENOMEM;
	free(role->trust);
	role->trust = copy;
	ew_demo_xml_empty(r);
	return 0;
}

static int update_role(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);
	const char *desc;
	char *copy;

	if (!role ||
	    !parse_max_session(r, ew_demo_param(r, "MaxSessionDuration"),
			       &role->max_session))
		return 0;
	desc = ew_demo_param(r, "Description");
	if (desc) {
		copy = ew_strdup(desc);
		if (!copy)
			return EW_ENOMEM;
		free(role->description);
		role->description = copy;
	}
	ew_demo_xml_empty(r);
	return 0;
}

static int delete_role(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);
	size_t i;

	if (!role)
		return 0;
	if (role->attached.n)
		return ew_demo_error(r, 409, "DeleteConflict",
				     "Cannot delete entity, must detach all "
				     "policies first.");
	ew_demo_find_role(r->sim, role->name, &i);
	ew_demo_list_remove(&r->sim->roles, i);
	ew_demo_role_free(role);
	ew_demo_xml_empty(r);
	return 0;
}

static int attach_role_policy(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);
	struct ew_demo_policy *p;
	const char *arn;

	if (!role || !(arn = need(r, "PolicyArn", "policyArn")))
		return 0;
	p = ew_demo_find_policy(r->sim, arn, NULL);
	if (!p && !is_aws_managed(arn))
		return ew_demo_error(r, 404, "NoSuchEntity",
				     "Policy %s does not exist or is not "
				     "attachable.",
				     arn);
	/* attaching twice succeeds silently */
	if (!ew_demo_strs_has(&role->attached, arn)) {
		if (role->attached.n >= MAX_ATTACHED)
			return ew_demo_error(r, 409, "LimitExceeded",
					     "Cannot exceed quota for "
					     "PoliciesPerRole: 10");
		if (ew_demo_strs_add(&role->attached, arn) < 0)
			return EW_ENOMEM;
		if (p)
			p->attachments++;
	}
	ew_demo_xml_empty(r);
	return 0;
}

static int detach_role_policy(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);
	struct ew_demo_policy *p;
	const char *arn;

	if (!role || !(arn = need(r, "PolicyArn", "policyArn")))
		return 0;
	if (!ew_demo_strs_has(&role->attached, arn))
		return ew_demo_error(r, 404, "NoSuchEntity",
				     "Policy %s was not found.", arn);
	ew_demo_strs_remove(&role->attached, arn);
	p = ew_demo_find_policy(r->sim, arn, NULL);
	if (p && p->attachments)
		p->attachments--;
	ew_demo_xml_empty(r);
	return 0;
}

static int list_attached(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);

	if (!role)
		return 0;
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<AttachedPolicies>");
	for (size_t i = 0; i < role->attached.n; i++) {
		const char *slash = strrchr(role->attached.v[i], '/');

		ew_demo_puts(r, "<member>");
		ew_demo_elem(r, "PolicyName",
			     slash ? slash + 1 : role->attached.v[i]);
		ew_demo_elem(r, "PolicyArn", role->attached.v[i]);
		ew_demo_puts(r, "</member>");
	}
	ew_demo_puts(r, "</AttachedPolicies>");
	list_end(r);
	ew_demo_xml_end(r);
	return 0;
}

static int list_role_policies(struct ew_demo_req *r)
{
	/* the demo account has no inline policies */
	if (!need_role(r))
		return 0;
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<PolicyNames></PolicyNames>");
	list_end(r);
	ew_demo_xml_end(r);
	return 0;
}

static int list_roles(struct ew_demo_req *r)
{
	const char *prefix = ew_demo_param(r, "PathPrefix");
	const char *marker = ew_demo_param(r, "Marker");
	const char *max = ew_demo_param(r, "MaxItems");
	size_t start = marker ? strtoul(marker, NULL, 10) : 0, i, shown = 0;
	size_t limit = max ? strtoul(max, NULL, 10) : 100;

	if (limit < 1 || limit > 1000)
		return ew_demo_error(r, 400, "ValidationError",
				     "1 validation error detected: Value '%s' "
				     "at 'maxItems' failed to satisfy "
				     "constraint: Member must have value "
				     "between 1 and 1000",
				     max);
	ew_demo_xml_begin(r);
	ew_demo_puts(r, "<Roles>");
	for (i = start; i < r->sim->roles.n && shown < limit; i++) {
		struct ew_demo_role *role = r->sim->roles.v[i];

		if (prefix && strncmp(role->path, prefix, strlen(prefix)) != 0)
			continue;
		ew_demo_puts(r, "<member>");
		put_role(r, role, false);
		ew_demo_puts(r, "</member>");
		shown++;
	}
	ew_demo_puts(r, "</Roles>");
	ew_demo_elem_bool(r, "IsTruncated", i < r->sim->roles.n);
	if (i < r->sim->roles.n)
		ew_demo_printf(r, "<Marker>%zu</Marker>", i);
	ew_demo_xml_end(r);
	return 0;
}

static int list_role_tags(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);

	return role ? reply_tags(r, &role->tags) : 0;
}

static int tag_role(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);

	return role ? tag_resource(r, &role->tags) : 0;
}

static int untag_role(struct ew_demo_req *r)
{
	struct ew_demo_role *role = need_role(r);
	const char *k;

	if (!role)
		return 0;
	for (size_t i = 1; (k = ew_demo_param_member(r, "TagKeys", i, NULL));
	     i++)
		ew_tags_remove(&role->tags, k);
	ew_demo_xml_empty(r);
	return 0;
}

/* Latencies: reads 90-200 ms, writes 150-350 ms, STS 60-140 ms. */
static const struct ew_demo_op iam_ops[] = {
    {"sts", "GetCallerIdentity", sts_get_caller_identity, 60, 80},
    {"sts", "AssumeRole", sts_assume_role, 110, 120},
    {"iam", "ListOpenIDConnectProviders", list_providers, 90, 110},
    {"iam", "GetOpenIDConnectProvider", get_provider, 90, 110},
    {"iam", "CreateOpenIDConnectProvider", create_provider, 200, 150},
    {"iam", "AddClientIDToOpenIDConnectProvider", add_client_id, 150, 150},
    {"iam", "RemoveClientIDFromOpenIDConnectProvider", remove_client_id, 150,
     150},
    {"iam", "DeleteOpenIDConnectProvider", delete_provider, 150, 150},
    {"iam", "ListOpenIDConnectProviderTags", list_provider_tags, 90, 110},
    {"iam", "TagOpenIDConnectProvider", tag_provider, 150, 120},
    {"iam", "CreatePolicy", create_policy, 180, 170},
    {"iam", "GetPolicy", get_policy, 90, 110},
    {"iam", "GetPolicyVersion", get_policy_version, 90, 110},
    {"iam", "ListPolicyVersions", list_policy_versions, 90, 110},
    {"iam", "CreatePolicyVersion", create_policy_version, 180, 170},
    {"iam", "DeletePolicyVersion", delete_policy_version, 150, 150},
    {"iam", "DeletePolicy", delete_policy, 150, 150},
    {"iam", "ListPolicyTags", list_policy_tags, 90, 110},
    {"iam", "TagPolicy", tag_policy, 150, 120},
    {"iam", "ListPolicies", list_policies, 120, 130},
    {"iam", "CreateRole", create_role, 180, 170},
    {"iam", "GetRole", get_role, 90, 110},
    {"iam", "UpdateAssumeRolePolicy", update_trust, 150, 150},
    {"iam", "UpdateRole", update_role, 150, 150},
    {"iam", "DeleteRole", delete_role, 150, 150},
    {"iam", "AttachRolePolicy", attach_role_policy, 150, 150},
    {"iam", "DetachRolePolicy", detach_role_policy, 150, 150},
    {"iam", "ListAttachedRolePolicies", list_attached, 90, 110},
    {"iam", "ListRolePolicies", list_role_policies, 90, 110},
    {"iam", "ListRoles", list_roles, 120, 130},
    {"iam", "ListRoleTags", list_role_tags, 90, 110},
    {"iam", "TagRole", tag_role, 150, 120},
    {"iam", "UntagRole", untag_role, 150, 120},
};

const struct ew_demo_op *ew_demo_iam_ops(size_t *n)
{
	*n = sizeof(iam_ops) / sizeof(iam_ops[0]);
	return iam_ops;
}
