#include "iam.h"
#include "iso_time.h"
#include "buf.h"
#include "uri.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

/*
 * Request parameters with numbered names ("Tags.member.3.Key") need
 * storage for the names; values are borrowed from the caller.  An
 * allocation failure is remembered and reported once by params_check().
 */
struct params {
	struct ew_query_param *v;
	char **owned; /* owned[i] is v[i].name when it was formatted */
	size_t n, cap;
	bool oom;
};

static void params_init(struct params *p)
{
	memset(p, 0, sizeof(*p));
}

static void params_release(struct params *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->owned[i]);
	free(p->v);
	free(p->owned);
	params_init(p);
}

static bool params_grow(struct params *p)
{
	struct ew_query_param *v;
	char **o;
	size_t cap;

	if (p->oom)
		return false;
	if (p->n < p->cap)
		return true;
	cap = p->cap ? p->cap * 2 : 16;
	v = realloc(p->v, cap * sizeof(*v));
	if (v)
		p->v = v;
	o = v ? realloc(p->owned, cap * sizeof(*o)) : NULL;
	if (o)
		p->owned = o;
	if (!v || !o) {
		p->oom = true;
		return false;
	}
	p->cap = cap;
	return true;
}

/* Add name=value; value NULL adds nothing (an omitted optional member). */
static void params_add(struct params *p, const char *name, const char *value)
{
	if (!value || !params_grow(p))
		return;
	p->v[p->n].name = name;
	p->v[p->n].value = value;
	p->owned[p->n] = NULL;
	p->n++;
}

static void params_addf(struct params *p, const char *value, const char *fmt,
			...) __attribute__((format(printf, 3, 4)));

static void params_addf(struct params *p, const char *value, const char *fmt,
			...)
{
	struct ew_buf name;
	va_list ap;

	if (!value || !params_grow(p))
		return;
	ew_buf_init(&name);
	va_start(ap, fmt);
	if (ew_buf_vprintf(&name, fmt, ap))
		p->oom = true;
	va_end(ap);
	if (p->oom) {
		ew_buf_release(&name);
		return;
	}
	p->owned[p->n] = ew_buf_detach(&name);
	if (!p->owned[p->n]) {
		p->oom = true;
		return;
	}
	p->v[p->n].name = p->owned[p->n];
	p->v[p->n].value = value;
	p->n++;
}

static void params_add_tags(struct params *p, const struct ew_tags *tags)
{
	for (size_t i = 0; tags && i < tags->n; i++) {
		params_addf(p, tags->v[i].key, "Tags.member.%zu.Key", i + 1);
		params_addf(p, tags->v[i].value, "Tags.member.%zu.Value",
			    i + 1);
	}
}

static void params_add_list(struct params *p, const char *list,
			    const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		params_addf(p, items[i], "%s.member.%zu", list, i + 1);
}

/*
 * Send an IAM action and find its <ActionResult> element.  *root owns the
 * tree (free with ew_xml_free); *result is NULL for actions without
 * output.
 */
static int call(struct ew_aws_client *c, const char *action, struct params *p,
		struct ew_xml_node **root, const struct ew_xml_node **result,
		struct ew_error *err)
{
	char path[96];
	int rc;

	*root = NULL;
	if (result)
		*result = NULL;
	if (p && p->oom)
		return ew_error_oom(err);
	rc = ew_aws_query(c, EW_SVC_IAM, action, p ? p->v : NULL, p ? p->n : 0,
			  root, err);
	if (rc)
		return rc;
	if (result) {
		snprintf(path, sizeof(path), "%sResult", action);
		*result = ew_xml_find(*root, path);
		if (!*result) {
			ew_xml_free(*root);
			*root = NULL;
			return ew_error_set(err, EW_EPARSE,
					    "cannot read iam answer to %s: no "
					    "%s",
					    action, path);
		}
	}
	return 0;
}

/* A simple action: parameters in, nothing out. */
static int call_simple(struct ew_aws_client *c, const char *action,
		       struct params *p, struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	int rc = call(c, action, p, &root, NULL, err);

	ew_xml_free(root);
	params_release(p);
	return rc;
}

/* Duplicate the text at path; NULL when absent.  Sets *oom on failure. */
static char *take(const struct ew_xml_node *n, const char *path, bool *oom)
{
	const char *t = ew_xml_text(n, path);
	char *s;

	if (!t)
		return NULL;
	s = ew_strdup(t);
	if (!s)
		*oom = true;
	return s;
}

static long take_long(const struct ew_xml_node *n, const char *path)
{
	const char *t = ew_xml_text(n, path);
	char *end;
	long v;

	if (!t)
		return 0;
	v = strtol(t, &end, 10);
	return end == t ? 0 : v;
}

static bool take_bool(const struct ew_xml_node *n, const char *path)
{
	const char *t = ew_xml_text(n, path);

	return t && strcmp(t, "true") == 0;
}

/* A missing or unreadable date is 0: dates are informative only. */
static time_t take_time(const struct ew_xml_node *n, const char *path)
{
	const char *t = ew_xml_text(n, path);
	time_t v = 0;

	if (t && ew_time_parse_iso8601(&v, t, NULL))
		v = 0;
	return v;
}

/* Replace *marker with the answer's Marker when IsTruncated, else NULL. */
static int next_marker(char **marker, const struct ew_xml_node *result,
		       struct ew_error *err)
{
	const char *m = ew_xml_text(result, "Marker");

	free(*marker);
	*marker = NULL;
	if (!take_bool(result, "IsTruncated"))
		return 0;
	if (!m || !*m)
		return ew_error_set(err, EW_EPARSE,
				    "cannot read iam answer: truncated list "
				    "without a Marker");
	*marker = ew_strdup(m);
	return *marker ? 0 : ew_error_oom(err);
}

typedef int (*member_fn)(const struct ew_xml_node *member, void *payload,
			 struct ew_error *err);

/*
 * A List action, all pages: the nfixed parameters are sent with each page
 * (a NULL value is omitted), Marker is followed while IsTruncated, and
 * every <member> of the answer's <list> goes to each(), whose non-zero
 * return ends the walk and is returned.
 */
static int list_pages(struct ew_aws_client *c, const char *action,
		      const struct ew_query_param *fixed, size_t nfixed,
		      const char *list, member_fn each, void *payload,
		      struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *res, *l, *m;
	char *marker = NULL;
	struct params p;
	int rc;

	params_init(&p);
	do {
		for (size_t i = 0; i < nfixed; i++)
			params_add(&p, fixed[i].name, fixed[i].value);
		params_add(&p, "Marker", marker);
		rc = call(c, action, &p, &root, &res, err);
		if (rc)
			goto done;
		l = ew_xml_find(res, list);
		for (m = l ? ew_xml_next(l, "member", NULL) : NULL; m;
		     m = ew_xml_next(l, "member", m))
			if ((rc = each(m, payload, err)))
				goto done;
		rc = next_marker(&marker, res, err);
		if (rc)
			goto done;
		ew_xml_free(root);
		root = NULL;
		params_release(&p);
	} while (marker);
done:
	free(marker);
	ew_xml_free(root);
	params_release(&p);
	return rc;
}

static int list_push(struct ew_iam_list *l, const char *s)
{
	char **v;
	char *d = ew_strdup(s);

	v = d ? realloc(l->v, (l->n + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(d);
		return EW_ENOMEM;
	}
	l->v = v;
	l->v[l->n++] = d;
	return 0;
}

/* The member texts of a list element (<ClientIDList><member>...). */
static int parse_list(struct ew_iam_list *out, const struct ew_xml_node *list,
		      const char *field, struct ew_error *err)
{
	const struct ew_xml_node *m;

	for (m = list ? ew_xml_next(list, "member", NULL) : NULL; m;
	     m = ew_xml_next(list, "member", m)) {
		const char *t = field ? ew_xml_text(m, field) : m->text;

		if (t && list_push(out, t))
			return ew_error_oom(err);
	}
	return 0;
}

void ew_iam_list_release(struct ew_iam_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int ew_iam_decode_document(char **out, const char *encoded,
			   struct ew_error *err)
{
	struct ew_buf b;
	int rc;

	*out = NULL;
	ew_buf_init(&b);
	rc = ew_uri_decode(&b, encoded, strlen(encoded), err);
	if (rc)
		goto done;
	if (strlen(b.ptr) != b.len) {
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot read policy document: it decodes "
				  "to a NUL byte");
		goto done;
	}
	*out = ew_buf_detach(&b);
	if (!*out)
		rc = ew_error_oom(err);
done:
	ew_buf_release(&b);
	return rc;
}

/* A document element, decoded; NULL (and 0) when absent. */
static int take_document(char **out, const struct ew_xml_node *n,
			 const char *path, struct ew_error *err)
{
	const char *t = ew_xml_text(n, path);

	*out = NULL;
	if (!t)
		return 0;
	return ew_iam_decode_document(out, t, err);
}

int ew_iam_parse_tags(struct ew_tags *out, const struct ew_xml_node *tags,
		      struct ew_error *err)
{
	const struct ew_xml_node *m;

	ew_tags_init(out);
	for (m = tags ? ew_xml_next(tags, "member", NULL) : NULL; m;
	     m = ew_xml_next(tags, "member", m)) {
		const char *k = ew_xml_text(m, "Key");

		if (!k)
			continue;
		if (ew_tags_add(out, k, ew_xml_text(m, "Value"))) {
			ew_tags_release(out);
			return ew_error_oom(err);
		}
	}
	return 0;
}

/* -------------------------------------------------------------- OIDC */

void ew_iam_oidc_provider_release(struct ew_iam_oidc_provider *p)
{
	free(p->arn);
	free(p->url);
	ew_iam_list_release(&p->client_ids);
	ew_iam_list_release(&p->thumbprints);
	ew_tags_release(&p->tags);
	memset(p, 0, sizeof(*p));
}

int ew_iam_parse_oidc_provider(struct ew_iam_oidc_provider *out,
			       const struct ew_xml_node *result,
			       struct ew_error *err)
{
	bool oom = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!ew_xml_text(result, "Url"))
		return ew_error_set(err, EW_EPARSE,
				    "cannot read oidc provider: no Url");
	out->url = take(result, "Url", &oom);
	out->create_date = take_time(result, "CreateDate");
	rc = parse_list(&out->client_ids, ew_xml_find(result, "ClientIDList"),
			NULL, err);
	if (!rc)
		rc = parse_list(&out->thumbprints,
				ew_xml_find(result, "ThumbprintList"), NULL,
				err);
	if (!rc)
		rc = ew_iam_parse_tags(&out->tags, ew_xml_find(result, "Tags"),
				       err);
	if (!rc && oom)
		rc = ew_error_oom(err);
	if (rc)
		ew_iam_oidc_provider_release(out);
	return rc;
}

int ew_iam_list_oidc_providers(struct ew_iam_list *out, struct ew_aws_client *c,
			       struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *res;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = call(c, "ListOpenIDConnectProviders", NULL, &root, &res, err);
	if (!rc)
		rc = parse_list(out,
				ew_xml_find(res, "OpenIDConnectProviderList"),
				"Arn", err);
	if (rc)
		ew_iam_list_release(out);
	ew_xml_free(root);
	return rc;
}

int ew_iam_get_oidc_provider(struct ew_iam_oidc_provider *out,
			     struct ew_aws_client *c, const char *arn,
			     struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *res;
	struct params p;
	int rc;

	memset(out, 0, sizeof(*out));
	params_init(&p);
	params_add(&p, "OpenIDConnectProviderArn", arn);
	rc = call(c, "GetOpenIDConnectProvider", &p, &root, &res, err);
	if (rc)
		goto done;
	rc = ew_iam_parse_oidc_provider(out, res, err);
	if (rc)
		goto done;
	out->arn = ew_strdup(arn);
	if (!out->arn) {
		ew_iam_oidc_provider_release(out);
		rc = ew_error_oom(err);
	}
done:
	ew_xml_free(root);
	params_release(&p);
	return rc;
}

int ew_iam_create_oidc_provider(char **out_arn, struct ew_aws_client *c,
				const char *url, const char *const *client_ids,
				size_t nclient_ids,
				const char *const *thumbprints,
				size_t nthumbprints, const struct ew_tags *tags,
				struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *res;
	const char *arn;
	struct params p;
	int rc;

	if (out_arn)
		*out_arn = NULL;
	if (!url || strncmp(url, "https://", 8) != 0)
		return ew_error_set(err, EW_EINVAL,
				    "cannot create oidc provider '%s': the url "
				    "must start with https://",
				    url ? url : "");
	params_init(&p);
	params_add(&p, "Url", url);
	params_add_list(&p, "ClientIDList", client_ids, nclient_ids);
	/* Omitted, never empty: IAM rejects an empty ThumbprintList. */
	params_add_list(&p, "ThumbprintList", thumbprints, nthumbprints);
	params_add_tags(&p, tags);
	rc = call(c, "CreateOpenIDConnectProvider", &p, &root, &res, err);
	if (rc)
		goto done;
	arn = ew_xml_text(res, "OpenIDConnectProviderArn");
	if (!arn || !*arn) {
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot read iam answer: no "
				  "OpenIDConnectProviderArn");
		goto done;
	}
	if (out_arn) {
		*out_arn = ew_strdup(arn);
		if (!*out_arn)
			rc = ew_error_oom(err);
	}
done:
	ew_xml_free(root);
	params_release(&p);
	return rc;
}

int ew_iam_add_oidc_client_id(struct ew_aws_client *c, const char *arn,
			      const char *client_id, struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "OpenIDConnectProviderArn", arn);
	params_add(&p, "ClientID", client_id);
	return call_simple(c, "AddClientIDToOpenIDConnectProvider", &p, err);
}

int ew_iam_delete_oidc_provider(struct ew_aws_client *c, const char *arn,
				struct ew_error *err)
{
	struct params p;
	int rc;

	params_init(&p);
	params_add(&p, "OpenIDConnectProviderArn", arn);
	rc = call_simple(c, "DeleteOpenIDConnectProvider", &p, err);
	/* Documented as idempotent, but the model still lists NoSuchEntity:
	 * either way the provider is gone, which is what was asked. */
	if (rc == EW_EAWS && ew_error_is_aws(err, "NoSuchEntity")) {
		ew_error_clear(err);
		rc = 0;
	}
	return rc;
}

/* ---------------------------------------------------------- policies */

void ew_iam_policy_release(struct ew_iam_policy *p)
{
	free(p->name);
	free(p->id);
	free(p->arn);
	free(p->path);
	free(p->default_version_id);
	free(p->description);
	ew_tags_release(&p->tags);
	memset(p, 0, sizeof(*p));
}

void ew_iam_policy_version_release(struct ew_iam_policy_version *v)
{
	free(v->version_id);
	free(v->document);
	memset(v, 0, sizeof(*v));
}

void ew_iam_policy_versions_release(struct ew_iam_policy_versions *l)
{
	for (size_t i = 0; i < l->n; i++)
		ew_iam_policy_version_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int ew_iam_parse_policy(struct ew_iam_policy *out,
			const struct ew_xml_node *policy, struct ew_error *err)
{
	bool oom = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!policy || !ew_xml_text(policy, "Arn") ||
	    !ew_xml_text(policy, "PolicyName"))
		return ew_error_set(err, EW_EPARSE,
				    "cannot read iam policy: no Arn or "
				    "PolicyName");
	out->name = take(policy, "PolicyName", &oom);
	out->id = take(policy, "PolicyId", &oom);
	out->arn = take(policy, "Arn", &oom);
	out->path = take(policy, "Path", &oom);
	out->default_version_id = take(policy, "DefaultVersionId", &oom);
	out->description = take(policy, "Description", &oom);
	out->attachment_count = take_long(policy, "AttachmentCount");
	out->is_attachable = take_bool(policy, "IsAttachable");
	out->create_date = take_time(policy, "CreateDate");
	out->update_date = take_time(policy, "UpdateDate");
	rc = ew_iam_parse_tags(&out->tags, ew_xml_find(policy, "Tags"), err);
	if (!rc && oom)
		rc = ew_error_oom(err);
	if (rc)
		ew_iam_policy_release(out);
	return rc;
}

int ew_iam_parse_policy_version(struct ew_iam_policy_version *out,
				const struct ew_xml_node *version,
				struct ew_error *err)
{
	bool oom = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!version || !ew_xml_text(version, "VersionId"))
		return ew_error_set(err, EW_EPARSE,
				    "cannot read iam policy version: no "
				    "VersionId");
	out->version_id = take(version, "VersionId", &oom);
	out->is_default = take_bool(version, "IsDefaultVersion");
	out->create_date = take_time(version, "CreateDate");
	rc = take_document(&out->document, version, "Document", err);
	if (!rc && oom)
		rc = ew_error_oom(err);
	if (rc)
		ew_iam_policy_version_release(out);
	return rc;
}

/* Create/GetPolicy: the answer's <Policy>. */
static int policy_call(struct ew_iam_policy *out, struct ew_aws_client *c,
		       const char *action, struct params *p,
		       struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *res;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = call(c, action, p, &root, &res, err);
	if (!rc)
		rc = ew_iam_parse_policy(out, ew_xml_find(res, "Policy"), err);
	ew_xml_free(root);
	params_release(p);
	return rc;
}

int ew_iam_create_policy(struct ew_iam_policy *out, struct ew_aws_client *c,
			 const char *name, const char *path,
			 const char *document, const char *description,
			 const struct ew_tags *tags, struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "PolicyName", name);
	params_add(&p, "Path", path);
	params_add(&p, "PolicyDocument", document);
	params_add(&p, "Description", description);
	params_add_tags(&p, tags);
	return policy_call(out, c, "CreatePolicy", &p, err);
}

int ew_iam_get_policy(struct ew_iam_policy *out, struct ew_aws_client *c,
		      const char *arn, struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "PolicyArn", arn);
	return policy_call(out, c, "GetPolicy", &p, err);
}

/* Get/CreatePolicyVersion: the answer's <PolicyVersion>; out may be NULL
 * when only success matters. */
static int version_call(struct ew_iam_policy_version *out,
			struct ew_aws_client *c, const char *action,
			struct params *p, struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *res;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	rc = call(c, action, p, &root, &res, err);
	if (!rc && out)
		rc = ew_iam_parse_policy_version(
		    out, ew_xml_find(res, "PolicyVersion"), err);
	ew_xml_free(root);
	params_release(p);
	return rc;
}

int ew_iam_get_policy_version(struct ew_iam_policy_version *out,
			      struct ew_aws_client *c, const char *arn,
			      const char *version_id, struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "PolicyArn", arn);
	params_add(&p, "VersionId", version_id);
	return version_call(out, c, "GetPolicyVersion", &p, err);
}

static int push_version(const struct ew_xml_node *m, void *payload,
			struct ew_error *err)
{
	struct ew_iam_policy_versions *out = payload;
	struct ew_iam_policy_version *v;
	int rc;

	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (!v)
		return ew_error_oom(err);
	out->v = v;
	rc = ew_iam_parse_policy_version(&out->v[out->n], m, err);
	if (!rc)
		out->n++;
	return rc;
}

int ew_iam_list_policy_versions(struct ew_iam_policy_versions *out,
				struct ew_aws_client *c, const char *arn,
				struct ew_error *err)
{
	const struct ew_query_param fixed[] = {{"PolicyArn", arn}};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = list_pages(c, "ListPolicyVersions", fixed, 1, "Versions",
			push_version, out, err);
	if (rc)
		ew_iam_policy_versions_release(out);
	return rc;
}

int ew_iam_create_policy_version(struct ew_iam_policy_version *out,
				 struct ew_aws_client *c, const char *arn,
				 const char *document, bool set_as_default,
				 struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "PolicyArn", arn);
	params_add(&p, "PolicyDocument", document);
	params_add(&p, "SetAsDefault", set_as_default ? "true" : "false");
	return version_call(out, c, "CreatePolicyVersion", &p, err);
}

int ew_iam_delete_policy_version(struct ew_aws_client *c, const char *arn,
				 const char *version_id, struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "PolicyArn", arn);
	params_add(&p, "VersionId", version_id);
	return call_simple(c, "DeletePolicyVersion", &p, err);
}

int ew_iam_delete_policy(struct ew_aws_client *c, const char *arn,
			 struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "PolicyArn", arn);
	return call_simple(c, "DeletePolicy", &p, err);
}

/* ------------------------------------------------------------- roles */

void ew_iam_role_release(struct ew_iam_role *r)
{
	free(r->name);
	free(r->id);
	free(r->arn);
	free(r->path);
	free(r->description);
	free(r->trust_document);
	free(r->permissions_boundary_arn);
	ew_tags_release(&r->tags);
	memset(r, 0, sizeof(*r));
}

void ew_iam_roles_release(struct ew_iam_roles *l)
{
	for (size_t i = 0; i < l->n; i++)
		ew_iam_role_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void ew_iam_attached_policies_release(struct ew_iam_attached_policies *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].arn);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int ew_iam_parse_role(struct ew_iam_role *out, const struct ew_xml_node *role,
		      struct ew_error *err)
{
	bool oom = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!role || !ew_xml_text(role, "Arn") ||
	    !ew_xml_text(role, "RoleName"))
		return ew_error_set(err, EW_EPARSE,
				    "cannot read iam role: no Arn or RoleName");
	out->name = take(role, "RoleName", &oom);
	out->id = take(role, "RoleId", &oom);
	out->arn = take(role, "Arn", &oom);
	out->path = take(role, "Path", &oom);
	out->description = take(role, "Description", &oom);
	out->permissions_boundary_arn =
	    take(role, "PermissionsBoundary/PermissionsBoundaryArn", &oom);
	out->max_session_duration = take_long(role, "MaxSessionDuration");
	out->create_date = take_time(role, "CreateDate");
	rc = take_document(&out->trust_document, role,
			   "AssumeRolePolicyDocument", err);
	if (!rc)
		rc = ew_iam_parse_tags(&out->tags, ew_xml_find(role, "Tags"),
				       err);
	if (!rc && oom)
		rc = ew_error_oom(err);
	if (rc)
		ew_iam_role_release(out);
	return rc;
}

static int role_call(struct ew_iam_role *out, struct ew_aws_client *c,
		     const char *action, struct params *p, struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *res;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = call(c, action, p, &root, &res, err);
	if (!rc)
		rc = ew_iam_parse_role(out, ew_xml_find(res, "Role"), err);
	ew_xml_free(root);
	params_release(p);
	return rc;
}

int ew_iam_create_role(struct ew_iam_role *out, struct ew_aws_client *c,
		       const char *name, const char *path,
		       const char *trust_document, const char *description,
		       long max_session_duration, const struct ew_tags *tags,
		       struct ew_error *err)
{
	char duration[24];
	struct params p;

	params_init(&p);
	params_add(&p, "RoleName", name);
	params_add(&p, "Path", path);
	params_add(&p, "AssumeRolePolicyDocument", trust_document);
	params_add(&p, "Description", description);
	if (max_session_duration > 0) {
		snprintf(duration, sizeof(duration), "%ld",
			 max_session_duration);
		params_add(&p, "MaxSessionDuration", duration);
	}
	params_add_tags(&p, tags);
	return role_call(out, c, "CreateRole", &p, err);
}

int ew_iam_get_role(struct ew_iam_role *out, struct ew_aws_client *c,
		    const char *name, struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "RoleName", name);
	return role_call(out, c, "GetRole", &p, err);
}

int ew_iam_update_assume_role_policy(struct ew_aws_client *c,
				     const char *role_name,
				     const char *trust_document,
				     struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "RoleName", role_name);
	params_add(&p, "PolicyDocument", trust_document);
	return call_simple(c, "UpdateAssumeRolePolicy", &p, err);
}

int ew_iam_delete_role(struct ew_aws_client *c, const char *name,
		       struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "RoleName", name);
	return call_simple(c, "DeleteRole", &p, err);
}

int ew_iam_attach_role_policy(struct ew_aws_client *c, const char *role_name,
			      const char *policy_arn, struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "RoleName", role_name);
	params_add(&p, "PolicyArn", policy_arn);
	return call_simple(c, "AttachRolePolicy", &p, err);
}

int ew_iam_detach_role_policy(struct ew_aws_client *c, const char *role_name,
			      const char *policy_arn, struct ew_error *err)
{
	struct params p;

	params_init(&p);
	params_add(&p, "RoleName", role_name);
	params_add(&p, "PolicyArn", policy_arn);
	return call_simple(c, "DetachRolePolicy", &p, err);
}

/* A member without a PolicyArn names nothing that could be detached. */
static int push_attached(const struct ew_xml_node *m, void *payload,
			 struct ew_error *err)
{
	struct ew_iam_attached_policies *out = payload;
	struct ew_iam_attached_policy *v;
	const char *arn = ew_xml_text(m, "PolicyArn");

	if (!arn)
		return 0;
	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (!v)
		return ew_error_oom(err);
	out->v = v;
	v[out->n].arn = ew_strdup(arn);
	v[out->n].name = ew_strdup(ew_xml_text(m, "PolicyName"));
	out->n++;
	return v[out->n - 1].arn ? 0 : ew_error_oom(err);
}

int ew_iam_list_attached_role_policies(struct ew_iam_attached_policies *out,
				       struct ew_aws_client *c,
				       const char *role_name,
				       struct ew_error *err)
{
	const struct ew_query_param fixed[] = {{"RoleName", role_name}};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = list_pages(c, "ListAttachedRolePolicies", fixed, 1,
			"AttachedPolicies", push_attached, out, err);
	if (rc)
		ew_iam_attached_policies_release(out);
	return rc;
}

struct each_role {
	int (*each)(struct ew_iam_role *role, void *payload);
	void *payload;
};

static int parse_each_role(const struct ew_xml_node *m, void *payload,
			   struct ew_error *err)
{
	struct each_role *a = payload;
	struct ew_iam_role role;
	int rc = ew_iam_parse_role(&role, m, err);

	if (rc)
		return rc;
	rc = a->each(&role, a->payload);
	ew_iam_role_release(&role);
	return rc;
}

/* ListRoles, all pages; each parsed role goes to each(), which may take
 * its strings over (and zero the struct). */
static int list_roles(struct ew_aws_client *c, const char *path_prefix,
		      int max_items,
		      int (*each)(struct ew_iam_role *role, void *payload),
		      void *payload, struct ew_error *err)
{
	struct each_role a = {each, payload};
	char items[16];
	const struct ew_query_param fixed[] = {
	    {"PathPrefix", path_prefix},
	    {"MaxItems", max_items > 0 ? items : NULL},
	};

	snprintf(items, sizeof(items), "%d", max_items);
	return list_pages(c, "ListRoles", fixed, 2, "Roles", parse_each_role,
			  &a, err);
}

struct role_cb {
	ew_iam_role_cb cb;
	void *payload;
};

static int call_cb(struct ew_iam_role *role, void *payload)
{
	struct role_cb *rc = payload;

	return rc->cb(role, rc->payload);
}

int ew_iam_list_roles(struct ew_aws_client *c, const char *path_prefix,
		      int max_items, ew_iam_role_cb cb, void *payload,
		      struct ew_error *err)
{
	struct role_cb a = {cb, payload};

	return list_roles(c, path_prefix, max_items, call_cb, &a, err);
}

/* ListRoles into an array: each role is moved in. */
static int collect_role(struct ew_iam_role *role, void *payload)
{
	struct ew_iam_roles *out = payload;
	struct ew_iam_role *v;

	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (!v)
		return EW_ENOMEM;
	out->v = v;
	v[out->n++] = *role;
	memset(role, 0, sizeof(*role));
	return 0;
}

int ew_iam_list_roles_all(struct ew_iam_roles *out, struct ew_aws_client *c,
			  const char *path_prefix, int max_items,
			  struct ew_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = list_roles(c, path_prefix, max_items, collect_role, out, err);
	if (rc == EW_ENOMEM)
		ew_error_oom(err);
	if (rc)
		ew_iam_roles_release(out);
	return rc;
}
