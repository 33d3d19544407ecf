/*
 * Unit tests: the demo account simulator, driven with raw requests (form
 * bodies for STS/IAM, JSON with X-Amz-Target for ECR) and checked through
 * the real parsers (expat via xml.h, cJSON).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "buf.h"
#include "cancel.h"
#include "demo_account.h"
#include "transport.h"
#include "xml.h"

#define AUTH_FMT                                                               \
	"AWS4-HMAC-SHA256 Credential=%s/20240115/us-east-1/%s/aws4_request, "  \
	"SignedHeaders=content-type;host;x-amz-date, Signature=00"

#define GITHUB_PROVIDER                                                        \
	"arn:aws:iam::123456789012:oidc-provider/"                             \
	"token.actions.githubusercontent.com"

static const char trust_doc[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Principal\":{\"Federated\":\"" GITHUB_PROVIDER "\"},"
    "\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{"
    "\"StringLike\":{\"token.actions.githubusercontent.com:sub\":"
    "\"repo:octo/app:*\"}}}]}";

static const char push_doc[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Action\":\"ecr:GetAuthorizationToken\",\"Resource\":\"*\"}]}";

static const char lifecycle_doc[] =
    "{\"rules\":[{\"rulePriority\":1,\"description\":\"Keep the last 10 "
    "images\",\"selection\":{\"tagStatus\":\"any\",\"countType\":"
    "\"imageCountMoreThan\",\"countNumber\":10},\"action\":{\"type\":"
    "\"expire\"}}]}";

/* One raw exchange and its parsed answer. */
struct call {
	struct ew_http_response resp;
	struct ew_xml_node *xml; /* STS/IAM */
	cJSON *json;		 /* ECR */
	int rc;
	struct ew_error err;
};

static void call_release(struct call *c)
{
	ew_xml_free(c->xml);
	cJSON_Delete(c->json);
	ew_http_response_release(&c->resp);
	memset(c, 0, sizeof(*c));
}

static void form_add(struct ew_buf *b, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	if (b->len)
		ew_buf_putc(b, '&');
	ew_buf_puts(b, name);
	ew_buf_putc(b, '=');
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
			ew_buf_putc(b, (char)*p);
		} else {
			ew_buf_putc(b, '%');
			ew_buf_putc(b, hex[*p >> 4]);
			ew_buf_putc(b, hex[*p & 15]);
		}
	}
}

/* The exchange only: no cmocka assertion, so threads may call it. */
static void perform_raw(struct ew_transport *t, struct call *c,
			const char *service, const char *akid,
			const char *token, const char *target, const char *body,
			struct ew_cancel *cx)
{
	struct ew_http_header h[5];
	struct ew_http_request req;
	char auth[256];
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	ew_http_response_init(&c->resp);
	snprintf(auth, sizeof(auth), AUTH_FMT, akid, service);
	if (akid) {
		h[n].name = "Authorization";
		h[n++].value = auth;
	}
	h[n].name = "X-Amz-Date";
	h[n++].value = "20240115T120000Z";
	h[n].name = "Content-Type";
	h[n++].value = target ? "application/x-amz-json-1.1"
			      : "application/x-www-form-urlencoded; "
				"charset=utf-8";
	if (target) {
		h[n].name = "X-Amz-Target";
		h[n++].value = target;
	}
	if (token) {
		h[n].name = "X-Amz-Security-Token";
		h[n++].value = token;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = strcmp(service, "iam") == 0 ? "https://iam.amazonaws.com/"
		  : strcmp(service, "sts") == 0
		      ? "https://sts.us-east-1.amazonaws.com/"
		      : "https://api.ecr.us-east-1.amazonaws.com/";
	req.headers = h;
	req.nheaders = n;
	req.body = body;
	req.body_len = strlen(body);
	req.service = service;
	c->rc = ew_transport_perform(t, &req, &c->resp, cx, &c->err);
}

static void perform(struct ew_transport *t, struct call *c, const char *service,
		    const char *akid, const char *token, const char *target,
		    const char *body, struct ew_cancel *cx)
{
	perform_raw(t, c, service, akid, token, target, body, cx);
	if (c->rc == 0 && target)
		c->json =
		    cJSON_ParseWithLength(c->resp.body.ptr, c->resp.body.len);
	else if (c->rc == 0)
		assert_int_equal(ew_xml_parse(&c->xml, c->resp.body.ptr,
					      c->resp.body.len, NULL),
				 0);
}

/* A Query call with name/value pairs ending in NULL; akid NULL: demo. */
static void query_as(struct ew_transport *t, struct call *c, const char *akid,
		     const char *token, const char *service, const char *action,
		     ...)
{
	const char *name, *value;
	struct ew_buf body;
	va_list ap;

	ew_buf_init(&body);
	form_add(&body, "Action", action);
	form_add(&body, "Version",
		 strcmp(service, "sts") == 0 ? "2011-06-15" : "2010-05-08");
	va_start(ap, action);
	while ((name = va_arg(ap, const char *))) {
		value = va_arg(ap, const char *);
		form_add(&body, name, value);
	}
	va_end(ap);
	perform(t, c, service, akid ? akid : EW_DEMO_ACCESS_KEY_ID, token, NULL,
		body.ptr, NULL);
	ew_buf_release(&body);
}

#define iam(t, c, ...)                                                         \
	query_as(t, c, NULL, NULL, "iam", __VA_ARGS__, (const char *)NULL)
#define sts(t, c, ...)                                                         \
	query_as(t, c, NULL, NULL, "sts", __VA_ARGS__, (const char *)NULL)

static void ecr(struct ew_transport *t, struct call *c, const char *op,
		const char *json)
{
	char target[128];

	snprintf(target, sizeof(target),
		 "AmazonEC2ContainerRegistry_V20150921.%s", op);
	perform(t, c, "ecr", EW_DEMO_ACCESS_KEY_ID, NULL, target, json, NULL);
	assert_int_equal(c->rc, 0);
	assert_non_null(c->json);
}

static const char *text(const struct call *c, const char *path)
{
	const char *s = ew_xml_text(c->xml, path);

	assert_non_null(s);
	return s;
}

/* Checks an IAM/STS error: status, Code, Message, RequestId. */
static void assert_xml_error(const struct call *c, long status,
			     const char *code, const char *message)
{
	assert_int_equal(c->rc, 0);
	assert_int_equal(c->resp.status, status);
	assert_string_equal(c->xml->name, "ErrorResponse");
	assert_string_equal(text(c, "Error/Code"), code);
	assert_string_equal(text(c, "Error/Type"),
			    status >= 500 ? "Receiver" : "Sender");
	if (message)
		assert_string_equal(text(c, "Error/Message"), message);
	assert_string_equal(text(c, "RequestId"), c->resp.request_id);
}

static void assert_json_error(const struct call *c, long status,
			      const char *type, const char *message)
{
	const cJSON *t = cJSON_GetObjectItem(c->json, "__type");
	const cJSON *m = cJSON_GetObjectItem(c->json, "message");

	assert_int_equal(c->resp.status, status);
	assert_true(cJSON_IsString(t));
	assert_string_equal(t->valuestring, type);
	assert_string_equal(c->resp.error_type, type);
	if (message) {
		assert_true(cJSON_IsString(m));
		assert_string_equal(m->valuestring, message);
	}
	assert_true(strlen(c->resp.request_id) > 30);
}

static const char *jstr(const cJSON *o, const char *path)
{
	char buf[256], *save = NULL, *part;
	const cJSON *cur = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (cJSON_IsArray(cur))
			cur = cJSON_GetArrayItem(cur,
						 (int)strtol(part, NULL, 10));
		else
			cur = cJSON_GetObjectItem(cur, part);
	}
	if (cJSON_IsBool(cur))
		return cJSON_IsTrue(cur) ? "true" : "false";
	assert_true(cJSON_IsString(cur));
	return cur->valuestring;
}

static struct ew_transport *sim(const char *scenario)
{
	struct ew_demo_options o;
	struct ew_transport *t;
	struct ew_error err;

	ew_demo_options_init(&o);
	o.scenario = scenario;
	o.latency_scale = 0;
	ew_error_clear(&err);
	t = ew_demo_transport_new(&o, &err);
	assert_non_null(t);
	assert_true(ew_demo_is_transport(t));
	return t;
}

/* percent-decoding only: '+' stays '+' */
static char *pct_decode(const char *s)
{
	struct ew_buf b;

	ew_buf_init(&b);
	for (; *s; s++) {
		unsigned v;

		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1) {
			ew_buf_putc(&b, (char)v);
			s += 2;
		} else {
			ew_buf_putc(&b, *s);
		}
	}
	return ew_buf_detach(&b);
}

static void create_provider(struct ew_transport *t)
{
	struct call c;

	iam(t, &c, "CreateOpenIDConnectProvider", "Url",
	    "https://token.actions.githubusercontent.com",
	    "ClientIDList.member.1", "sts.amazonaws.com", "Tags.member.1.Key",
	    "managed-by", "Tags.member.1.Value", "ecr-wizard");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(text(&c, "CreateOpenIDConnectProviderResult/"
				     "OpenIDConnectProviderArn"),
			    GITHUB_PROVIDER);
	call_release(&c);
}

/* ------------------------------------------------------------------ tests */

static void test_caller_identity(void **state)
{
	struct ew_transport *t = sim(NULL);
	struct call c;

	(void)state;
	sts(t, &c, "GetCallerIdentity");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(c.xml->name, "GetCallerIdentityResponse");
	assert_string_equal(text(&c, "GetCallerIdentityResult/Arn"),
			    EW_DEMO_CALLER_ARN);
	assert_string_equal(text(&c, "GetCallerIdentityResult/Account"),
			    EW_DEMO_ACCOUNT);
	assert_string_equal(text(&c, "ResponseMetadata/RequestId"),
			    c.resp.request_id);
	assert_string_equal(c.resp.date, "Mon, 15 Jan 2024 12:00:00 GMT");
	call_release(&c);

	/* no Authorization header, unknown key, unknown action */
	perform(t, &c, "sts", NULL, NULL, NULL,
		"Action=GetCallerIdentity&Version=2011-06-15", NULL);
	assert_xml_error(&c, 403, "MissingAuthenticationToken", NULL);
	call_release(&c);
	query_as(t, &c, "AKIDSOMEONEELSE00001", NULL, "sts",
		 "GetCallerIdentity", (const char *)NULL);
	assert_xml_error(&c, 403, "InvalidClientTokenId",
			 "The security token included in the request is "
			 "invalid.");
	call_release(&c);
	iam(t, &c, "Frobnicate", "RoleName", "x");
	assert_xml_error(&c, 400, "InvalidAction",
			 "Could not find operation Frobnicate for version "
			 "2010-05-08");
	call_release(&c);
	ecr(t, &c, "Frobnicate", "{}");
	assert_json_error(&c, 400, "UnknownOperationException", NULL);
	call_release(&c);
	assert_int_equal(ew_demo_transport_count(t, "GetCallerIdentity"), 3);
	assert_int_equal(ew_demo_transport_count(t, NULL), 5);
	ew_transport_free(t);
}

static void test_role_lifecycle(void **state)
{
	struct ew_transport *t = sim(NULL);
	struct call c;
	char *doc;

	(void)state;
	iam(t, &c, "GetRole", "RoleName", "gha-deploy");
	assert_xml_error(&c, 404, "NoSuchEntity",
			 "The role with name gha-deploy cannot be found.");
	call_release(&c);

	/* IAM refuses a trust policy naming a provider that does not exist */
	iam(t, &c, "CreateRole", "RoleName", "gha-deploy",
	    "AssumeRolePolicyDocument", trust_doc);
	assert_xml_error(
	    &c, 400, "MalformedPolicyDocument",
	    "Invalid principal in policy: \"Federated\":\"" GITHUB_PROVIDER
	    "\"");
	call_release(&c);
	iam(t, &c, "CreateRole", "RoleName", "gha-deploy",
	    "AssumeRolePolicyDocument", "{\"Version\":");
	assert_xml_error(&c, 400, "MalformedPolicyDocument",
			 "Syntax errors in policy.");
	call_release(&c);

	create_provider(t);
	iam(t, &c, "CreateOpenIDConnectProvider", "Url",
	    "https://token.actions.githubusercontent.com",
	    "ClientIDList.member.1", "sts.amazonaws.com");
	assert_xml_error(&c, 409, "EntityAlreadyExists",
			 "Provider with url "
			 "https://token.actions.githubusercontent.com already "
			 "exists.");
	call_release(&c);

	iam(t, &c, "CreateRole", "RoleName", "gha-deploy",
	    "AssumeRolePolicyDocument", trust_doc, "Description",
	    "push <images> & \"more\"", "Tags.member.1.Key", "managed-by",
	    "Tags.member.1.Value", "ecr-wizard");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(text(&c, "CreateRoleResult/Role/Arn"),
			    "arn:aws:iam::123456789012:role/gha-deploy");
	assert_true(
	    strncmp(text(&c, "CreateRoleResult/Role/RoleId"), "AROA", 4) == 0);
	call_release(&c);

	/* names ignore case */
	iam(t, &c, "CreateRole", "RoleName", "GHA-Deploy",
	    "AssumeRolePolicyDocument", trust_doc);
	assert_xml_error(&c, 409, "EntityAlreadyExists",
			 "Role with name GHA-Deploy already exists.");
	call_release(&c);

	iam(t, &c, "GetRole", "RoleName", "gha-deploy");
	assert_int_equal(c.resp.status, 200);
	/* percent-encoded (RFC 3986), as IAM returns documents */
	assert_true(strncmp(text(&c, "GetRoleResult/Role/"
				     "AssumeRolePolicyDocument"),
			    "%7B%22Version%22%3A%222012-10-17%22%2C", 36) == 0);
	doc =
	    pct_decode(text(&c, "GetRoleResult/Role/AssumeRolePolicyDocument"));
	assert_string_equal(doc, trust_doc);
	free(doc);
	assert_string_equal(text(&c, "GetRoleResult/Role/Description"),
			    "push <images> & \"more\"");
	assert_string_equal(text(&c, "GetRoleResult/Role/MaxSessionDuration"),
			    "3600");
	assert_string_equal(text(&c, "GetRoleResult/Role/Tags/member/Value"),
			    "ecr-wizard");
	call_release(&c);

	iam(t, &c, "UpdateAssumeRolePolicy", "RoleName", "gha-deploy",
	    "PolicyDocument", "not json");
	assert_xml_error(&c, 400, "MalformedPolicyDocument", NULL);
	call_release(&c);
	iam(t, &c, "UpdateAssumeRolePolicy", "RoleName", "gha-deploy",
	    "PolicyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
	assert_int_equal(c.resp.status, 200);
	assert_non_null(ew_xml_find(c.xml, "ResponseMetadata/RequestId"));
	call_release(&c);

	iam(t, &c, "ListRoles");
	assert_int_equal(c.resp.status, 200);
	{
		const struct ew_xml_node *roles =
		    ew_xml_find(c.xml, "ListRolesResult/Roles");
		const struct ew_xml_node *m;
		int n = 0;

		for (m = ew_xml_next(roles, "member", NULL); m;
		     m = ew_xml_next(roles, "member", m))
			n++;
		/* OrganizationAccountAccessRole and ours */
		assert_int_equal(n, 2);
	}
	call_release(&c);

	iam(t, &c, "DeleteRole", "RoleName", "gha-deploy");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "DeleteRole", "RoleName", "gha-deploy");
	assert_xml_error(&c, 404, "NoSuchEntity", NULL);
	call_release(&c);
	ew_transport_free(t);
}

/* The Key=Value pairs of the Tags list at path, in order, as "k=v;". */
static void tag_pairs(char *out, size_t size, const struct call *c,
		      const char *path)
{
	const struct ew_xml_node *tags = ew_xml_find(c->xml, path), *m;
	size_t n = 0;

	out[0] = '\0';
	for (m = tags ? ew_xml_next(tags, "member", NULL) : NULL; m;
	     m = ew_xml_next(tags, "member", m))
		n += (size_t)snprintf(out + n, size - n, "%s=%s;",
				      ew_xml_text(m, "Key"),
				      ew_xml_text(m, "Value"));
}

/* Form bodies decode as AWS reads them ('+' a space, %2B a plus, a bad
 * escape kept); Tag* replaces a key's value or appends, Untag* removes,
 * List*Tags shows them in order. */
static void test_form_and_tags(void **state)
{
	struct ew_transport *t = sim(NULL);
	struct ew_buf body;
	struct call c;
	char pairs[256];

	(void)state;
	create_provider(t);
	ew_buf_init(&body);
	form_add(&body, "Action", "CreateRole");
	form_add(&body, "Version", "2010-05-08");
	form_add(&body, "RoleName", "tagged");
	form_add(&body, "AssumeRolePolicyDocument", trust_doc);
	assert_int_equal(ew_buf_puts(&body, "&Description=a+b%2Bc%zz%4"
					    "&Tags.member.1.Key=team"
					    "&Tags.member.1.Value=web"),
			 0);
	perform(t, &c, "iam", EW_DEMO_ACCESS_KEY_ID, NULL, NULL, body.ptr,
		NULL);
	ew_buf_release(&body);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(text(&c, "CreateRoleResult/Role/Description"),
			    "a b+c%zz%4");
	call_release(&c);

	iam(t, &c, "TagRole", "RoleName", "tagged", "Tags.member.1.Key",
	    "managed-by", "Tags.member.1.Value", "ecr-wizard",
	    "Tags.member.2.Key", "team", "Tags.member.2.Value", "platform");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "ListRoleTags", "RoleName", "tagged");
	tag_pairs(pairs, sizeof(pairs), &c, "ListRoleTagsResult/Tags");
	assert_string_equal(pairs, "team=platform;managed-by=ecr-wizard;");
	assert_string_equal(text(&c, "ListRoleTagsResult/IsTruncated"),
			    "false");
	call_release(&c);
	iam(t, &c, "UntagRole", "RoleName", "tagged", "TagKeys.member.1",
	    "team", "TagKeys.member.2", "absent");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "ListRoleTags", "RoleName", "tagged");
	tag_pairs(pairs, sizeof(pairs), &c, "ListRoleTagsResult/Tags");
	assert_string_equal(pairs, "managed-by=ecr-wizard;");
	call_release(&c);

	/* a key longer than 128 characters is refused, nothing changes */
	{
		char key[140];

		memset(key, 'k', sizeof(key) - 1);
		key[sizeof(key) - 1] = '\0';
		iam(t, &c, "TagOpenIDConnectProvider",
		    "OpenIDConnectProviderArn", GITHUB_PROVIDER,
		    "Tags.member.1.Key", key, "Tags.member.1.Value", "v");
		assert_xml_error(&c, 400, "ValidationError", NULL);
		call_release(&c);
	}
	iam(t, &c, "TagOpenIDConnectProvider", "OpenIDConnectProviderArn",
	    GITHUB_PROVIDER, "Tags.member.1.Key", "managed-by",
	    "Tags.member.1.Value", "someone-else");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "ListOpenIDConnectProviderTags", "OpenIDConnectProviderArn",
	    GITHUB_PROVIDER);
	tag_pairs(pairs, sizeof(pairs), &c,
		  "ListOpenIDConnectProviderTagsResult/Tags");
	assert_string_equal(pairs, "managed-by=someone-else;");
	call_release(&c);
	ew_transport_free(t);
}

static void test_policy_versions(void **state)
{
	struct ew_transport *t = sim(NULL);
	const char *arn = "arn:aws:iam::123456789012:policy/gha-push";
	struct call c;
	char *doc;

	(void)state;
	iam(t, &c, "CreatePolicy", "PolicyName", "gha-push", "PolicyDocument",
	    "[1,2");
	assert_xml_error(&c, 400, "MalformedPolicyDocument",
			 "Syntax errors in policy.");
	call_release(&c);
	iam(t, &c, "CreatePolicy", "PolicyName", "gha-push", "PolicyDocument",
	    push_doc);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(text(&c, "CreatePolicyResult/Policy/Arn"), arn);
	assert_string_equal(
	    text(&c, "CreatePolicyResult/Policy/DefaultVersionId"), "v1");
	call_release(&c);
	iam(t, &c, "CreatePolicy", "PolicyName", "gha-push", "PolicyDocument",
	    push_doc);
	assert_xml_error(&c, 409, "EntityAlreadyExists",
			 "A policy called gha-push already exists. Duplicate "
			 "names are not allowed.");
	call_release(&c);

	for (int i = 2; i <= 5; i++) {
		iam(t, &c, "CreatePolicyVersion", "PolicyArn", arn,
		    "PolicyDocument", push_doc, "SetAsDefault", "true");
		assert_int_equal(c.resp.status, 200);
		assert_string_equal(
		    text(&c, "CreatePolicyVersionResult/PolicyVersion/"
			     "IsDefaultVersion"),
		    "true");
		call_release(&c);
	}
	iam(t, &c, "CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument",
	    push_doc);
	assert_xml_error(&c, 409, "LimitExceeded",
			 "A managed policy can have up to 5 versions. Before "
			 "you create a new version, you must delete an "
			 "existing version.");
	call_release(&c);
	iam(t, &c, "DeletePolicyVersion", "PolicyArn", arn, "VersionId", "v5");
	assert_xml_error(&c, 409, "DeleteConflict",
			 "Cannot delete the default version of a policy.");
	call_release(&c);
	iam(t, &c, "DeletePolicyVersion", "PolicyArn", arn, "VersionId", "v1");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "GetPolicyVersion", "PolicyArn", arn, "VersionId", "v1");
	assert_xml_error(&c, 404, "NoSuchEntity", NULL);
	call_release(&c);

	iam(t, &c, "ListPolicyVersions", "PolicyArn", arn);
	assert_int_equal(c.resp.status, 200);
	/* newest first */
	assert_string_equal(text(&c, "ListPolicyVersionsResult/Versions/"
				     "member/VersionId"),
			    "v5");
	call_release(&c);

	iam(t, &c, "GetPolicyVersion", "PolicyArn", arn, "VersionId", "v3");
	assert_int_equal(c.resp.status, 200);
	doc = pct_decode(
	    text(&c, "GetPolicyVersionResult/PolicyVersion/Document"));
	assert_string_equal(doc, push_doc);
	free(doc);
	call_release(&c);

	/* attach: counts, conflicts on delete */
	create_provider(t);
	iam(t, &c, "CreateRole", "RoleName", "r1", "AssumeRolePolicyDocument",
	    trust_doc);
	call_release(&c);
	iam(t, &c, "AttachRolePolicy", "RoleName", "r1", "PolicyArn", arn);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "AttachRolePolicy", "RoleName", "r1", "PolicyArn", arn);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "GetPolicy", "PolicyArn", arn);
	assert_string_equal(text(&c, "GetPolicyResult/Policy/AttachmentCount"),
			    "1");
	call_release(&c);
	iam(t, &c, "ListAttachedRolePolicies", "RoleName", "r1");
	assert_string_equal(text(&c, "ListAttachedRolePoliciesResult/"
				     "AttachedPolicies/member/PolicyName"),
			    "gha-push");
	call_release(&c);
	iam(t, &c, "DeleteRole", "RoleName", "r1");
	assert_xml_error(&c, 409, "DeleteConflict",
			 "Cannot delete entity, must detach all policies "
			 "first.");
	call_release(&c);
	iam(t, &c, "DeletePolicy", "PolicyArn", arn);
	assert_xml_error(&c, 409, "DeleteConflict",
			 "Cannot delete a policy attached to entities.");
	call_release(&c);
	iam(t, &c, "DetachRolePolicy", "RoleName", "r1", "PolicyArn", arn);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "DetachRolePolicy", "RoleName", "r1", "PolicyArn", arn);
	assert_xml_error(&c, 404, "NoSuchEntity", NULL);
	call_release(&c);
	iam(t, &c, "DeletePolicy", "PolicyArn", arn);
	assert_xml_error(&c, 409, "DeleteConflict", NULL);
	call_release(&c);
	ew_transport_free(t);
}

static void test_ecr_repository(void **state)
{
	struct ew_transport *t = sim(NULL);
	struct call c;
	char body[1024];
	unsigned char plain[256];

	(void)state;
	ecr(t, &c, "DescribeRepositories",
	    "{\"repositoryNames\":[\"my-app\"]}");
	assert_json_error(&c, 400, "RepositoryNotFoundException",
			  "The repository with name 'my-app' does not exist in "
			  "the registry with id '123456789012'");
	call_release(&c);
	ecr(t, &c, "CreateRepository", "{\"repositoryName\":\"My_App\"}");
	assert_json_error(&c, 400, "InvalidParameterException", NULL);
	call_release(&c);
	ecr(t, &c, "CreateRepository",
	    "{\"repositoryName\":\"my-app\",\"imageTagMutability\":"
	    "\"IMMUTABLE\",\"imageScanningConfiguration\":{\"scanOnPush\":"
	    "true},\"tags\":[{\"Key\":\"managed-by\",\"Value\":\"ecr-wizard\"}"
	    "]}");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(c.json, "repository/repositoryUri"),
			    "123456789012.dkr.ecr.us-east-1.amazonaws.com/"
			    "my-app");
	assert_string_equal(jstr(c.json, "repository/repositoryArn"),
			    "arn:aws:ecr:us-east-1:123456789012:repository/"
			    "my-app");
	assert_string_equal(jstr(c.json, "repository/imageTagMutability"),
			    "IMMUTABLE");
	assert_string_equal(
	    jstr(c.json, "repository/imageScanningConfiguration/scanOnPush"),
	    "true");
	assert_string_equal(
	    jstr(c.json, "repository/encryptionConfiguration/encryptionType"),
	    "AES256");
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(c.json, "repository"), "createdAt")));
	call_release(&c);
	ecr(t, &c, "CreateRepository", "{\"repositoryName\":\"my-app\"}");
	assert_json_error(&c, 400, "RepositoryAlreadyExistsException",
			  "The repository with name 'my-app' already exists in "
			  "the registry with id '123456789012'");
	call_release(&c);

	ecr(t, &c, "GetLifecyclePolicy", "{\"repositoryName\":\"my-app\"}");
	assert_json_error(&c, 400, "LifecyclePolicyNotFoundException", NULL);
	call_release(&c);
	{
		cJSON *o = cJSON_CreateObject();
		char *s;

		cJSON_AddStringToObject(o, "repositoryName", "my-app");
		cJSON_AddStringToObject(o, "lifecyclePolicyText",
					lifecycle_doc);
		s = cJSON_PrintUnformatted(o);
		snprintf(body, sizeof(body), "%s", s);
		free(s);
		cJSON_Delete(o);
	}
	ecr(t, &c, "PutLifecyclePolicy", body);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(c.json, "lifecyclePolicyText"), lifecycle_doc);
	call_release(&c);
	ecr(t, &c, "GetLifecyclePolicy", "{\"repositoryName\":\"my-app\"}");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(c.json, "lifecyclePolicyText"), lifecycle_doc);
	call_release(&c);
	ecr(t, &c, "PutLifecyclePolicy",
	    "{\"repositoryName\":\"my-app\",\"lifecyclePolicyText\":\"{}\"}");
	assert_json_error(&c, 400, "ValidationException", NULL);
	call_release(&c);

	ecr(t, &c, "ListTagsForResource",
	    "{\"resourceArn\":\"arn:aws:ecr:us-east-1:123456789012:"
	    "repository/my-app\"}");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(c.json, "tags/0/Key"), "managed-by");
	call_release(&c);

	ecr(t, &c, "GetAuthorizationToken", "{}");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(c.json, "authorizationData/0/proxyEndpoint"),
			    "https://123456789012.dkr.ecr.us-east-1."
			    "amazonaws.com");
	memset(plain, 0, sizeof(plain));
	assert_true(
	    EVP_DecodeBlock(
		plain,
		(const unsigned char *)jstr(c.json, "authorizationData/0/"
						    "authorizationToken"),
		(int)strlen(jstr(c.json, "authorizationData/0/"
					 "authorizationToken"))) > 4);
	assert_memory_equal(plain, "AWS:", 4);
	call_release(&c);

	ecr(t, &c, "ListImages", "{\"repositoryName\":\"my-app\"}");
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItem(c.json, "imageIds")), 0);
	call_release(&c);
	ecr(t, &c, "DeleteRepository", "{\"repositoryName\":\"my-app\"}");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(c.json, "repository/repositoryName"),
			    "my-app");
	call_release(&c);
	ecr(t, &c, "DescribeRepositories", "{}");
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItem(c.json, "repositories")), 0);
	call_release(&c);
	ew_transport_free(t);
}

static void test_scenario_list(void **state)
{
	static const char *const required[] = {
	    "access-denied", "provider-exists", "role-drift",
	    "throttling",    "expired-token",	"repository-exists"};
	const struct ew_demo_scenario *s;
	struct ew_demo_options o;
	struct ew_error err;
	size_t n;

	(void)state;
	s = ew_demo_scenarios(&n);
	assert_true(n >= 7);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(s[i].name);
		assert_true(strlen(s[i].description) > 10);
		/* "  name  description" on one 80-column line */
		assert_true(strlen(s[i].name) + strlen(s[i].description) < 74);
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		assert_non_null(ew_demo_scenario_find(required[i]));
	assert_string_equal(ew_demo_scenario_find(NULL)->name, "happy");
	ew_demo_options_init(&o);
	o.scenario = "no-such-thing";
	ew_error_clear(&err);
	assert_null(ew_demo_transport_new(&o, &err));
	assert_int_equal(err.code, EW_EINVAL);
	assert_non_null(strstr(err.message, "no-such-thing"));
}

static void test_scenario_access_denied(void **state)
{
	struct ew_transport *t = sim("access-denied");
	struct call c;

	(void)state;
	create_provider(t);
	iam(t, &c, "CreateRole", "RoleName", "GitHubActions-ECR-Role",
	    "AssumeRolePolicyDocument", trust_doc);
	assert_xml_error(
	    &c, 403, "AccessDenied",
	    "User: arn:aws:iam::123456789012:user/demo-presenter is not "
	    "authorized to perform: iam:CreateRole on resource: "
	    "arn:aws:iam::123456789012:role/GitHubActions-ECR-Role because no "
	    "identity-based policy allows the iam:CreateRole action");
	call_release(&c);
	ew_transport_free(t);
}

static void test_scenario_provider_exists(void **state)
{
	struct ew_transport *t = sim("provider-exists");
	struct call c;

	(void)state;
	iam(t, &c, "ListOpenIDConnectProviders");
	assert_string_equal(text(&c, "ListOpenIDConnectProvidersResult/"
				     "OpenIDConnectProviderList/member/Arn"),
			    GITHUB_PROVIDER);
	call_release(&c);
	iam(t, &c, "GetOpenIDConnectProvider", "OpenIDConnectProviderArn",
	    GITHUB_PROVIDER);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(text(&c, "GetOpenIDConnectProviderResult/Url"),
			    "token.actions.githubusercontent.com");
	assert_string_equal(
	    text(&c, "GetOpenIDConnectProviderResult/ClientIDList/member"),
	    "sts.amazonaws.com");
	/* made by someone else: no managed-by tag */
	assert_null(
	    ew_xml_find(c.xml, "GetOpenIDConnectProviderResult/Tags/member"));
	call_release(&c);
	iam(t, &c, "CreateOpenIDConnectProvider", "Url",
	    "https://token.actions.githubusercontent.com",
	    "ClientIDList.member.1", "sts.amazonaws.com");
	assert_xml_error(&c, 409, "EntityAlreadyExists", NULL);
	call_release(&c);
	ew_transport_free(t);
}

static void test_scenario_role_drift(void **state)
{
	struct ew_transport *t = sim("role-drift");
	struct call c;
	char *doc;

	(void)state;
	iam(t, &c, "GetRole", "RoleName", "GitHubActions-ECR-Role");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(text(&c, "GetRoleResult/Role/Tags/member/Key"),
			    "managed-by");
	assert_string_equal(text(&c, "GetRoleResult/Role/Tags/member/Value"),
			    "ecr-wizard");
	doc =
	    pct_decode(text(&c, "GetRoleResult/Role/AssumeRolePolicyDocument"));
	assert_non_null(
	    strstr(doc, "repo:example-org/legacy-app:ref:refs/heads/main"));
	free(doc);
	call_release(&c);
	iam(t, &c, "CreateRole", "RoleName", "GitHubActions-ECR-Role",
	    "AssumeRolePolicyDocument", trust_doc);
	assert_xml_error(&c, 409, "EntityAlreadyExists", NULL);
	call_release(&c);
	/* the update goes through: the provider it names exists */
	iam(t, &c, "UpdateAssumeRolePolicy", "RoleName",
	    "GitHubActions-ECR-Role", "PolicyDocument", trust_doc);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	iam(t, &c, "GetRole", "RoleName", "GitHubActions-ECR-Role");
	doc =
	    pct_decode(text(&c, "GetRoleResult/Role/AssumeRolePolicyDocument"));
	assert_string_equal(doc, trust_doc);
	free(doc);
	call_release(&c);
	ew_transport_free(t);
}

static void test_scenario_throttling(void **state)
{
	struct ew_transport *t = sim("throttling");
	struct call c;

	(void)state;
	create_provider(t);
	for (int i = 0; i < 2; i++) {
		iam(t, &c, "CreateRole", "RoleName", "r",
		    "AssumeRolePolicyDocument", trust_doc);
		assert_xml_error(&c, 400, "Throttling", "Rate exceeded");
		call_release(&c);
		ecr(t, &c, "CreateRepository", "{\"repositoryName\":\"app\"}");
		assert_json_error(&c, 400, "ThrottlingException",
				  "Rate exceeded");
		call_release(&c);
	}
	iam(t, &c, "CreateRole", "RoleName", "r", "AssumeRolePolicyDocument",
	    trust_doc);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	ecr(t, &c, "CreateRepository", "{\"repositoryName\":\"app\"}");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	assert_int_equal(ew_demo_transport_count(t, "CreateRole"), 3);
	assert_int_equal(ew_demo_transport_count(t, "CreateRepository"), 3);
	ew_transport_free(t);
}

static void test_scenario_expired_token(void **state)
{
	struct ew_transport *t = sim("expired-token");
	struct call c;

	(void)state;
	sts(t, &c, "GetCallerIdentity");
	assert_xml_error(&c, 403, "ExpiredToken",
			 "The security token included in the request is "
			 "expired");
	call_release(&c);
	iam(t, &c, "ListOpenIDConnectProviders");
	assert_xml_error(&c, 403, "ExpiredToken", NULL);
	call_release(&c);
	ecr(t, &c, "DescribeRepositories", "{}");
	assert_json_error(&c, 400, "ExpiredTokenException",
			  "The security token included in the request is "
			  "expired");
	call_release(&c);
	ew_transport_free(t);
}

static void test_scenario_repository_exists(void **state)
{
	struct ew_transport *t = sim("repository-exists");
	struct call c;

	(void)state;
	ecr(t, &c, "DescribeRepositories", "{\"repositoryNames\":[\"web\"]}");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(c.json, "repositories/0/imageTagMutability"),
			    "MUTABLE");
	call_release(&c);
	ecr(t, &c, "CreateRepository", "{\"repositoryName\":\"web\"}");
	assert_json_error(&c, 400, "RepositoryAlreadyExistsException", NULL);
	call_release(&c);
	ecr(t, &c, "ListTagsForResource",
	    "{\"resourceArn\":\"arn:aws:ecr:us-east-1:123456789012:"
	    "repository/web\"}");
	assert_string_equal(jstr(c.json, "tags/0/Key"), "team");
	call_release(&c);
	ecr(t, &c, "ListImages",
	    "{\"repositoryName\":\"web\",\"maxResults\":"
	    "30}");
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItem(c.json, "imageIds")), 30);
	assert_string_equal(jstr(c.json, "nextToken"), "30");
	assert_int_equal(strlen(jstr(c.json, "imageIds/0/imageDigest")),
			 7 + 64);
	call_release(&c);
	ecr(t, &c, "ListImages",
	    "{\"repositoryName\":\"web\",\"nextToken\":"
	    "\"30\"}");
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItem(c.json, "imageIds")), 7);
	assert_null(cJSON_GetObjectItem(c.json, "nextToken"));
	call_release(&c);
	ecr(t, &c, "GetLifecyclePolicy", "{\"repositoryName\":\"web\"}");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	ecr(t, &c, "DeleteRepository", "{\"repositoryName\":\"web\"}");
	assert_json_error(&c, 400, "RepositoryNotEmptyException", NULL);
	call_release(&c);
	ew_transport_free(t);
}

static void test_scenario_policies(void **state)
{
	const char *arn = "arn:aws:iam::123456789012:policy/GitHubActions-ECR-"
			  "Policy";
	struct ew_transport *t = sim("limit-exceeded");
	struct call c;
	char *doc;

	(void)state;
	iam(t, &c, "GetPolicy", "PolicyArn", arn);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(text(&c, "GetPolicyResult/Policy/DefaultVersionId"),
			    "v5");
	call_release(&c);
	iam(t, &c, "CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument",
	    push_doc, "SetAsDefault", "true");
	assert_xml_error(&c, 409, "LimitExceeded", NULL);
	call_release(&c);
	ew_transport_free(t);

	t = sim("drift-policy");
	iam(t, &c, "CreatePolicy", "PolicyName", "GitHubActions-ECR-Policy",
	    "PolicyDocument", push_doc);
	assert_xml_error(&c, 409, "EntityAlreadyExists", NULL);
	call_release(&c);
	iam(t, &c, "GetPolicyVersion", "PolicyArn", arn, "VersionId", "v1");
	assert_int_equal(c.resp.status, 200);
	doc = pct_decode(
	    text(&c, "GetPolicyVersionResult/PolicyVersion/Document"));
	assert_non_null(strstr(doc, "repository/legacy-app"));
	free(doc);
	call_release(&c);
	iam(t, &c, "ListPolicyTags", "PolicyArn", arn);
	assert_string_equal(text(&c, "ListPolicyTagsResult/Tags/member/Value"),
			    "ecr-wizard");
	call_release(&c);
	ew_transport_free(t);
}

static void test_assume_role(void **state)
{
	struct ew_transport *t = sim(NULL);
	char akid[64], token[256];
	struct call c;

	(void)state;
	sts(t, &c, "AssumeRole", "RoleArn",
	    "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole",
	    "RoleSessionName", "demo", "DurationSeconds", "7200");
	assert_xml_error(&c, 400, "ValidationError",
			 "The requested DurationSeconds exceeds the "
			 "MaxSessionDuration set for this role.");
	call_release(&c);
	sts(t, &c, "AssumeRole", "RoleArn",
	    "arn:aws:iam::123456789012:role/nobody", "RoleSessionName", "demo");
	assert_xml_error(&c, 403, "AccessDenied", NULL);
	call_release(&c);
	sts(t, &c, "AssumeRole", "RoleArn",
	    "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole",
	    "RoleSessionName", "demo");
	assert_int_equal(c.resp.status, 200);
	snprintf(akid, sizeof(akid), "%s",
		 text(&c, "AssumeRoleResult/Credentials/AccessKeyId"));
	snprintf(token, sizeof(token), "%s",
		 text(&c, "AssumeRoleResult/Credentials/SessionToken"));
	assert_string_equal(text(&c, "AssumeRoleResult/AssumedRoleUser/Arn"),
			    "arn:aws:sts::123456789012:assumed-role/"
			    "OrganizationAccountAccessRole/demo");
	assert_string_equal(text(&c, "AssumeRoleResult/Credentials/Expiration"),
			    "2024-01-15T13:00:00Z");
	call_release(&c);
	query_as(t, &c, akid, token, "sts", "GetCallerIdentity",
		 (const char *)NULL);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(text(&c, "GetCallerIdentityResult/Arn"),
			    "arn:aws:sts::123456789012:assumed-role/"
			    "OrganizationAccountAccessRole/demo");
	call_release(&c);
	/* the session key without its token is not recognised */
	query_as(t, &c, akid, NULL, "sts", "GetCallerIdentity",
		 (const char *)NULL);
	assert_xml_error(&c, 403, "InvalidClientTokenId", NULL);
	call_release(&c);
	ew_transport_free(t);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *cancel_soon(void *arg)
{
	struct timespec ts = {0, 50 * 1000000L};

	nanosleep(&ts, NULL);
	ew_cancel_request(arg);
	return NULL;
}

static void test_cancel_during_latency(void **state)
{
	struct ew_demo_options o;
	struct ew_transport *t;
	struct ew_cancel cx;
	struct call c;
	pthread_t th;
	double start, took;

	(void)state;
	ew_demo_options_init(&o);
	/* at least 60 ms x 100 = 6 s of simulated latency */
	o.latency_scale = 100;
	t = ew_demo_transport_new(&o, NULL);
	assert_non_null(t);
	ew_cancel_init(&cx);
	pthread_create(&th, NULL, cancel_soon, &cx);
	start = now_s();
	perform(t, &c, "sts", EW_DEMO_ACCESS_KEY_ID, NULL, NULL,
		"Action=GetCallerIdentity&Version=2011-06-15", &cx);
	took = now_s() - start;
	pthread_join(th, NULL);
	assert_int_equal(c.rc, EW_ECANCEL);
	assert_int_equal(c.err.code, EW_ECANCEL);
	assert_true(took < 3.0);
	call_release(&c);
	ew_cancel_release(&cx);
	ew_transport_free(t);

	/* realistic latency is really waited: at least 60 ms */
	o.latency_scale = 1.0;
	t = ew_demo_transport_new(&o, NULL);
	start = now_s();
	sts(t, &c, "GetCallerIdentity");
	assert_true(now_s() - start >= 0.055);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	ew_transport_free(t);
}

struct worker {
	struct ew_transport *t;
	int id;
	int failures;
};

#define PER_THREAD 25

static void work_call(struct worker *w, const char *service, const char *target,
		      const char *body)
{
	struct call c;

	perform_raw(w->t, &c, service, EW_DEMO_ACCESS_KEY_ID, NULL, target,
		    body, NULL);
	w->failures += c.rc != 0 || c.resp.status != 200;
	call_release(&c);
}

/* No cmocka assertions in here: they are not thread-safe. */
static void *work(void *arg)
{
	struct worker *w = arg;
	struct ew_buf body;
	char json[128];

	ew_buf_init(&body);
	for (int i = 0; i < PER_THREAD; i++) {
		snprintf(json, sizeof(json), "role-%d-%d", w->id, i);
		ew_buf_clear(&body);
		form_add(&body, "Action", "CreateRole");
		form_add(&body, "Version", "2010-05-08");
		form_add(&body, "RoleName", json);
		form_add(&body, "AssumeRolePolicyDocument", trust_doc);
		work_call(w, "iam", NULL, body.ptr);
		ew_buf_clear(&body);
		form_add(&body, "Action", "GetRole");
		form_add(&body, "Version", "2010-05-08");
		form_add(&body, "RoleName", json);
		work_call(w, "iam", NULL, body.ptr);
		snprintf(json, sizeof(json),
			 "{\"repositoryName\":\"app-%d-%d\"}", w->id, i);
		work_call(w, "ecr",
			  "AmazonEC2ContainerRegistry_V20150921."
			  "CreateRepository",
			  json);
		work_call(w, "ecr",
			  "AmazonEC2ContainerRegistry_V20150921."
			  "DescribeRepositories",
			  "{}");
	}
	ew_buf_release(&body);
	return NULL;
}

static void test_concurrent_calls(void **state)
{
	struct ew_transport *t = sim(NULL);
	struct worker w[3];
	pthread_t th[3];
	struct call c;

	(void)state;
	create_provider(t);
	for (int i = 0; i < 3; i++) {
		w[i].t = t;
		w[i].id = i;
		w[i].failures = 0;
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(ew_demo_transport_count(t, "CreateRole"),
			 3 * PER_THREAD);
	ecr(t, &c, "DescribeRepositories", "{\"maxResults\":1000}");
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItem(c.json, "repositories")),
	    3 * PER_THREAD);
	call_release(&c);
	ew_transport_free(t);
}

static void test_demo_credentials(void **state)
{
	struct ew_credentials cr;

	(void)state;
	assert_int_equal(ew_demo_credentials(&cr, NULL), 0);
	assert_string_equal(cr.access_key_id, EW_DEMO_ACCESS_KEY_ID);
	assert_true(ew_credentials_is_set(&cr));
	assert_string_equal(cr.account_id, EW_DEMO_ACCOUNT);
	assert_null(cr.session_token);
	ew_credentials_release(&cr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_caller_identity),
	    cmocka_unit_test(test_role_lifecycle),
	    cmocka_unit_test(test_form_and_tags),
	    cmocka_unit_test(test_policy_versions),
	    cmocka_unit_test(test_ecr_repository),
	    cmocka_unit_test(test_scenario_list),
	    cmocka_unit_test(test_scenario_access_denied),
	    cmocka_unit_test(test_scenario_provider_exists),
	    cmocka_unit_test(test_scenario_role_drift),
	    cmocka_unit_test(test_scenario_throttling),
	    cmocka_unit_test(test_scenario_expired_token),
	    cmocka_unit_test(test_scenario_repository_exists),
	    cmocka_unit_test(test_scenario_policies),
	    cmocka_unit_test(test_assume_role),
	    cmocka_unit_test(test_cancel_during_latency),
	    cmocka_unit_test(test_concurrent_calls),
	    cmocka_unit_test(test_demo_credentials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
