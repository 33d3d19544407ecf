/* Unit tests: parsing of canned STS, IAM and ECR answers (docs/aws-wire.md
 * sections 3, 4 and 5) by the typed operations, and the requests they
 * send (through a recording transport), without a network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iso_time.h"
#include "aws_client.h"
#include "context.h"
#include "ecr.h"
#include "iam.h"
#include "sts.h"
#include "xml.h"

/* Compare a parsed object with JSON text, as parsed JSON. */
static bool ops_json_equal_obj(const cJSON *a, const char *b)
{
	cJSON *jb = cJSON_Parse(b);
	bool eq = jb && cJSON_Compare(a, jb, true);

	cJSON_Delete(jb);
	return eq;
}

static struct ew_xml_node *parse(const char *xml)
{
	struct ew_xml_node *root = NULL;
	struct ew_error err;

	ew_error_clear(&err);
	assert_int_equal(ew_xml_parse(&root, xml, strlen(xml), &err), 0);
	assert_non_null(root);
	return root;
}

static void test_caller_identity(void **state)
{
	static const char xml[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<GetCallerIdentityResponse "
	    "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
	    "  <GetCallerIdentityResult>\n"
	    "    "
	    "<Arn>arn:aws:sts::123456789012:assumed-role/Deploy/alice</Arn>\n"
	    "    <UserId>AROAEXAMPLEID123:alice</UserId>\n"
	    "    <Account>123456789012</Account>\n"
	    "  </GetCallerIdentityResult>\n"
	    "  "
	    "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>\n"
	    "</GetCallerIdentityResponse>\n";
	struct ew_xml_node *root = parse(xml);
	struct ew_caller_identity id;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_sts_parse_caller_identity(&id, root, &err), 0);
	assert_string_equal(id.account, "123456789012");
	assert_string_equal(
	    id.arn, "arn:aws:sts::123456789012:assumed-role/Deploy/alice");
	assert_string_equal(id.user_id, "AROAEXAMPLEID123:alice");
	ew_xml_free(root);
}

static void test_caller_identity_bad(void **state)
{
	struct ew_caller_identity id;
	struct ew_xml_node *root;
	struct ew_error err;
	char xml[1024];
	char arn[400];

	(void)state;
	/* No result element at all. */
	root = parse("<GetCallerIdentityResponse/>");
	assert_int_equal(ew_sts_parse_caller_identity(&id, root, &err),
			 EW_EPARSE);
	ew_xml_free(root);
	/* An ARN longer than the field is refused, never cut. */
	memset(arn, 'a', sizeof(arn) - 1);
	arn[sizeof(arn) - 1] = '\0';
	snprintf(xml, sizeof(xml),
		 "<GetCallerIdentityResponse><GetCallerIdentityResult>"
		 "<Arn>%s</Arn><UserId>AIDA</UserId><Account>1</Account>"
		 "</GetCallerIdentityResult></GetCallerIdentityResponse>",
		 arn);
	root = parse(xml);
	assert_int_equal(ew_sts_parse_caller_identity(&id, root, &err),
			 EW_EPARSE);
	assert_non_null(strstr(err.message, "too long"));
	assert_string_equal(id.arn, "");
	ew_xml_free(root);
}

static void test_assume_role(void **state)
{
	static const char xml[] =
	    "<AssumeRoleResponse "
	    "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
	    "<AssumeRoleResult>"
	    "<AssumedRoleUser>"
	    "<AssumedRoleId>AROA3XFRBF535PLBIFPI4:s3-access-example"
	    "</AssumedRoleId>"
	    "<Arn>arn:aws:sts::210987654321:assumed-role/Admin/sess</Arn>"
	    "</AssumedRoleUser>"
	    "<Credentials>"
	    "<AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId>"
	    "<SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI"
	    "</SecretAccessKey>"
	    "<SessionToken>IQoJb3JpZ2luX2VjEXAMPLE+/==</SessionToken>"
	    "<Expiration>2024-01-15T13:00:00.123Z</Expiration>"
	    "</Credentials>"
	    "</AssumeRoleResult>"
	    "</AssumeRoleResponse>";
	struct ew_xml_node *root = parse(xml);
	struct ew_credentials cr;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_sts_parse_assume_role(&cr, root, &err), 0);
	assert_string_equal(cr.access_key_id, "ASIAJEXAMPLEXEG2JICEA");
	assert_non_null(cr.secret_access_key);
	assert_int_equal(strlen(cr.secret_access_key), 34);
	assert_string_equal(cr.session_token, "IQoJb3JpZ2luX2VjEXAMPLE+/==");
	assert_int_equal((long long)cr.expiration, 1705323600LL);
	assert_string_equal(cr.account_id, "210987654321");
	assert_string_equal(cr.source, "assume-role");
	ew_credentials_release(&cr);
	ew_xml_free(root);

	root = parse("<AssumeRoleResponse><AssumeRoleResult><Credentials>"
		     "<AccessKeyId>A</AccessKeyId></Credentials>"
		     "</AssumeRoleResult></AssumeRoleResponse>");
	assert_int_equal(ew_sts_parse_assume_role(&cr, root, &err), EW_EPARSE);
	assert_null(cr.access_key_id);
	ew_xml_free(root);
}

static void test_parse_time(void **state)
{
	time_t t = 0;

	(void)state;
	assert_int_equal(
	    ew_time_parse_iso8601(&t, "2024-01-15T12:00:00Z", NULL), 0);
	assert_int_equal((long long)t, 1705320000LL);
	assert_int_equal(
	    ew_time_parse_iso8601(&t, "2013-06-07T20:43:32.821Z", NULL), 0);
	assert_int_equal((long long)t, 1370637812LL);
	assert_int_equal(
	    ew_time_parse_iso8601(&t, "2024-01-15T14:00:00+02:00", NULL), 0);
	assert_int_equal((long long)t, 1705320000LL);
	assert_int_equal(ew_time_parse_iso8601(&t, "2024-01-15", NULL),
			 EW_EPARSE);
	assert_int_equal(
	    ew_time_parse_iso8601(&t, "2024-13-15T12:00:00Z", NULL), EW_EPARSE);
	assert_int_equal(ew_time_parse_iso8601(&t, "2024-01-15T12:00:00", NULL),
			 EW_EPARSE);
	assert_int_equal(ew_time_parse_iso8601(&t, NULL, NULL), EW_EPARSE);
}

/* The docs/aws-wire.md 4.2 CreateRole answer, with an encoded document. */
static void test_role(void **state)
{
	static const char xml[] =
	    "<CreateRoleResponse "
	    "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
	    "  <CreateRoleResult>\n"
	    "    <Role>\n"
	    "      <Path>/</Path>\n"
	    "      <RoleName>gha-deploy</RoleName>\n"
	    "      <RoleId>AROAEXAMPLEROLEID0001</RoleId>\n"
	    "      <Arn>arn:aws:iam::123456789012:role/gha-deploy</Arn>\n"
	    "      <CreateDate>2024-01-15T12:00:01Z</CreateDate>\n"
	    "      <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17"
	    "%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22"
	    "Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A"
	    "123456789012%3Aoidc-provider%2Ftoken.actions.githubusercontent"
	    ".com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithWebIdentity"
	    "%22%7D%5D%7D</AssumeRolePolicyDocument>\n"
	    "      <MaxSessionDuration>3600</MaxSessionDuration>\n"
	    "      <Tags><member><Key>managed-by</Key><Value>ecr-wizard</Value>"
	    "</member><member><Key>empty</Key><Value></Value></member>"
	    "</Tags>\n"
	    "    </Role>\n"
	    "  </CreateRoleResult>\n"
	    "  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\n"
	    "</CreateRoleResponse>\n";
	struct ew_xml_node *root = parse(xml);
	struct ew_iam_role r;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    ew_iam_parse_role(&r, ew_xml_find(root, "CreateRoleResult/Role"),
			      &err),
	    0);
	assert_string_equal(r.name, "gha-deploy");
	assert_string_equal(r.id, "AROAEXAMPLEROLEID0001");
	assert_string_equal(r.arn, "arn:aws:iam::123456789012:role/gha-deploy");
	assert_string_equal(r.path, "/");
	assert_null(r.description);
	assert_null(r.permissions_boundary_arn);
	assert_int_equal(r.max_session_duration, 3600);
	assert_int_equal((long long)r.create_date, 1705320001LL);
	assert_string_equal(
	    r.trust_document,
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Principal\":{\"Federated\":\"arn:aws:iam::123456789012:oidc-"
	    "provider/token.actions.githubusercontent.com\"},\"Action\":\"sts:"
	    "AssumeRoleWithWebIdentity\"}]}");
	assert_int_equal(r.tags.n, 2);
	assert_true(ew_tags_is_managed(&r.tags));
	assert_string_equal(ew_tags_get(&r.tags, "empty"), "");
	assert_null(ew_tags_get(&r.tags, "Managed-By"));
	ew_iam_role_release(&r);
	ew_iam_role_release(&r); /* safe twice */

	/* A role without its ARN is refused. */
	ew_xml_free(root);
	root = parse("<Role><RoleName>x</RoleName></Role>");
	assert_int_equal(ew_iam_parse_role(&r, root, &err), EW_EPARSE);
	ew_xml_free(root);
}

/* '+' stays '+' (not a space), %2B becomes '+', UTF-8 survives. */
static void test_policy_version_document(void **state)
{
	static const char xml[] =
	    "<GetPolicyVersionResponse><GetPolicyVersionResult>"
	    "<PolicyVersion>"
	    "<Document>%7B%22a%22%3A%22x+y%2Bz%20%C3%A9%22%2C%22q%22%3A"
	    "%22%5C%22%26amp%3B%22%7D</Document>"
	    "<VersionId>v2</VersionId>"
	    "<IsDefaultVersion>true</IsDefaultVersion>"
	    "<CreateDate>2024-01-15T12:00:00Z</CreateDate>"
	    "</PolicyVersion>"
	    "</GetPolicyVersionResult></GetPolicyVersionResponse>";
	struct ew_xml_node *root = parse(xml);
	struct ew_iam_policy_version v;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    ew_iam_parse_policy_version(
		&v, ew_xml_find(root, "GetPolicyVersionResult/PolicyVersion"),
		&err),
	    0);
	assert_string_equal(v.version_id, "v2");
	assert_true(v.is_default);
	assert_string_equal(v.document,
			    "{\"a\":\"x+y+z \xc3\xa9\",\"q\":\"\\\"&amp;\"}");
	ew_iam_policy_version_release(&v);
	ew_xml_free(root);

	/* A list member has no document. */
	root = parse("<member><VersionId>v1</VersionId>"
		     "<IsDefaultVersion>false</IsDefaultVersion></member>");
	assert_int_equal(ew_iam_parse_policy_version(&v, root, &err), 0);
	assert_false(v.is_default);
	assert_null(v.document);
	ew_iam_policy_version_release(&v);
	ew_xml_free(root);
}

static void test_decode_document_nul(void **state)
{
	char *doc = NULL;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_iam_decode_document(&doc, "%7B%00%7D", &err),
			 EW_EPARSE);
	assert_null(doc);
	assert_int_equal(ew_iam_decode_document(&doc, "100%", &err), 0);
	assert_string_equal(doc, "100%");
	free(doc);
}

static void test_policy(void **state)
{
	static const char xml[] =
	    "<GetPolicyResponse><GetPolicyResult><Policy>"
	    "<PolicyName>GitHubActions-ECR-Policy</PolicyName>"
	    "<PolicyId>ANPAEXAMPLE</PolicyId>"
	    "<Arn>arn:aws:iam::123456789012:policy/GitHubActions-ECR-Policy"
	    "</Arn>"
	    "<Path>/</Path>"
	    "<DefaultVersionId>v3</DefaultVersionId>"
	    "<AttachmentCount>2</AttachmentCount>"
	    "<PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>"
	    "<IsAttachable>true</IsAttachable>"
	    "<Description>push &amp; pull</Description>"
	    "<CreateDate>2024-01-15T12:00:00Z</CreateDate>"
	    "<UpdateDate>2024-01-16T12:00:00Z</UpdateDate>"
	    "<Tags><member><Key>managed-by</Key><Value>ecr-wizard</Value>"
	    "</member></Tags>"
	    "</Policy></GetPolicyResult></GetPolicyResponse>";
	struct ew_xml_node *root = parse(xml);
	struct ew_iam_policy p;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    ew_iam_parse_policy(&p, ew_xml_find(root, "GetPolicyResult/Policy"),
				&err),
	    0);
	assert_string_equal(p.name, "GitHubActions-ECR-Policy");
	assert_string_equal(p.default_version_id, "v3");
	assert_int_equal(p.attachment_count, 2);
	assert_true(p.is_attachable);
	assert_string_equal(p.description, "push & pull");
	assert_int_equal((long long)(p.update_date - p.create_date), 86400);
	assert_true(ew_tags_is_managed(&p.tags));
	ew_iam_policy_release(&p);
	ew_xml_free(root);
}

static void test_oidc_provider(void **state)
{
	static const char xml[] =
	    "<GetOpenIDConnectProviderResponse>"
	    "<GetOpenIDConnectProviderResult>"
	    "<ThumbprintList>"
	    "<member>6938fd4d98bab03faadb97b34396831e3780aea1</member>"
	    "<member>1c58a3a8518e8759bf075b76b750d4f2df264fcd</member>"
	    "</ThumbprintList>"
	    "<CreateDate>2024-01-15T12:00:00Z</CreateDate>"
	    "<ClientIDList><member>sts.amazonaws.com</member></ClientIDList>"
	    "<Url>token.actions.githubusercontent.com</Url>"
	    "<Tags><member><Key>team</Key><Value>ci</Value></member></Tags>"
	    "</GetOpenIDConnectProviderResult>"
	    "</GetOpenIDConnectProviderResponse>";
	struct ew_xml_node *root = parse(xml);
	struct ew_iam_oidc_provider p;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    ew_iam_parse_oidc_provider(
		&p, ew_xml_find(root, "GetOpenIDConnectProviderResult"), &err),
	    0);
	assert_string_equal(p.url, "token.actions.githubusercontent.com");
	assert_int_equal(p.client_ids.n, 1);
	assert_string_equal(p.client_ids.v[0], "sts.amazonaws.com");
	assert_int_equal(p.thumbprints.n, 2);
	assert_string_equal(p.thumbprints.v[1],
			    "1c58a3a8518e8759bf075b76b750d4f2df264fcd");
	assert_int_equal(p.tags.n, 1);
	assert_false(ew_tags_is_managed(&p.tags));
	assert_string_equal(ew_tags_get(&p.tags, "team"), "ci");
	assert_null(p.arn);
	ew_iam_oidc_provider_release(&p);
	ew_xml_free(root);

	/* Empty lists (moto answers an empty ThumbprintList). */
	root = parse("<R><Url>u</Url><ThumbprintList/></R>");
	assert_int_equal(ew_iam_parse_oidc_provider(&p, root, &err), 0);
	assert_int_equal(p.thumbprints.n, 0);
	assert_int_equal(p.client_ids.n, 0);
	assert_int_equal(p.tags.n, 0);
	ew_iam_oidc_provider_release(&p);
	ew_xml_free(root);
}

/* The docs/aws-wire.md 5 CreateRepository answer. */
static void test_ecr_repository(void **state)
{
	static const char json[] =
	    "{\"repository\":{\"repositoryArn\":\"arn:aws:ecr:eu-west-1:"
	    "123456789012:repository/my-app\",\n"
	    " \"registryId\":\"123456789012\",\"repositoryName\":\"my-app\",\n"
	    " \"repositoryUri\":\"123456789012.dkr.ecr.eu-west-1.amazonaws.com"
	    "/my-app\",\n"
	    " \"createdAt\":1705320001.0,\"imageTagMutability\":\"IMMUTABLE\","
	    "\n"
	    " \"imageScanningConfiguration\":{\"scanOnPush\":false},\n"
	    " \"encryptionConfiguration\":{\"encryptionType\":\"AES256\"}}}";
	cJSON *ans = cJSON_Parse(json);
	struct ew_ecr_repository r;
	struct ew_error err;

	(void)state;
	assert_non_null(ans);
	assert_int_equal(
	    ew_ecr_parse_repository(
		&r, cJSON_GetObjectItemCaseSensitive(ans, "repository"), &err),
	    0);
	assert_string_equal(r.arn,
			    "arn:aws:ecr:eu-west-1:123456789012:repository/"
			    "my-app");
	assert_string_equal(r.registry_id, "123456789012");
	assert_string_equal(r.name, "my-app");
	assert_string_equal(
	    r.uri, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app");
	assert_string_equal(r.tag_mutability, "IMMUTABLE");
	assert_false(r.scan_on_push);
	assert_string_equal(r.encryption_type, "AES256");
	assert_null(r.kms_key);
	assert_int_equal((long long)r.created_at, 1705320001LL);
	ew_ecr_repository_release(&r);
	cJSON_Delete(ans);

	ans = cJSON_Parse("{\"repositoryName\":\"x\"}");
	assert_int_equal(ew_ecr_parse_repository(&r, ans, &err), EW_EPARSE);
	cJSON_Delete(ans);
}

static void test_ecr_tags(void **state)
{
	cJSON *ans = cJSON_Parse(
	    "{\"tags\":[{\"Key\":\"managed-by\",\"Value\":\"ecr-wizard\"},"
	    "{\"Key\":\"team\",\"Value\":\"ci\"},{\"Value\":\"no key\"}]}");
	struct ew_tags t;
	struct ew_error err;

	(void)state;
	assert_int_equal(
	    ew_ecr_parse_tags(&t, cJSON_GetObjectItemCaseSensitive(ans, "tags"),
			      &err),
	    0);
	assert_int_equal(t.n, 2);
	assert_true(ew_tags_is_managed(&t));
	assert_string_equal(ew_tags_get(&t, "team"), "ci");
	ew_tags_release(&t);
	cJSON_Delete(ans);
}

/* ------------------------------------------------ recording transport */

/* Answers every request with one canned status and body (or, when pages
 * is set, the calls-th of them), keeps the last request's body and
 * X-Amz-Target, and logs every body, one a line. */
struct rec {
	struct ew_transport base;
	struct ew_buf body;
	struct ew_buf log;
	char target[128];
	int calls;
	long status;
	const char *answer;
	const char *const *pages; /* NULL-terminated */
};

static int rec_perform(struct ew_transport *t,
		       const struct ew_http_request *req,
		       struct ew_http_response *resp, struct ew_cancel *cancel,
		       struct ew_error *err)
{
	struct rec *r = (struct rec *)t;

	(void)cancel;
	(void)err;
	r->calls++;
	ew_buf_clear(&r->body);
	assert_int_equal(ew_buf_add(&r->body, req->body, req->body_len), 0);
	r->target[0] = '\0';
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, "X-Amz-Target") == 0)
			snprintf(r->target, sizeof(r->target), "%s",
				 req->headers[i].value);
	assert_int_equal(ew_buf_add(&r->log, req->body, req->body_len), 0);
	assert_int_equal(ew_buf_putc(&r->log, '\n'), 0);
	resp->status = r->status;
	if (r->pages) {
		assert_non_null(r->pages[r->calls - 1]);
		r->answer = r->pages[r->calls - 1];
	}
	assert_int_equal(ew_buf_puts(&resp->body, r->answer), 0);
	return 0;
}

static void rec_free(struct ew_transport *t)
{
	(void)t;
}

static const struct ew_transport_ops rec_ops = {rec_perform, rec_free};

struct rec_env {
	struct rec rec;
	struct ew_context ctx;
	struct ew_aws_client c;
};

static void rec_init(struct rec_env *e)
{
	struct ew_credentials cr;
	struct ew_error err;

	memset(e, 0, sizeof(*e));
	e->rec.base.ops = &rec_ops;
	ew_buf_init(&e->rec.body);
	ew_buf_init(&e->rec.log);
	ew_context_init_default(&e->ctx);
	e->ctx.transport = &e->rec.base;
	ew_credentials_init(&cr);
	cr.access_key_id = "AKIDEXAMPLE";
	cr.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	assert_int_equal(
	    ew_aws_client_init(&e->c, &e->ctx, &cr, "us-east-1", &err), 0);
}

static void rec_answer(struct rec_env *e, long status, const char *answer)
{
	e->rec.status = status;
	e->rec.answer = answer;
}

static void rec_release(struct rec_env *e)
{
	ew_aws_client_release(&e->c);
	ew_buf_release(&e->rec.body);
	ew_buf_release(&e->rec.log);
}

/* Answer the next requests with pages[0], pages[1], ... (status 200). */
static void rec_pages(struct rec_env *e, const char *const *pages)
{
	e->rec.status = 200;
	e->rec.pages = pages;
	e->rec.calls = 0;
	ew_buf_clear(&e->rec.log);
}

#define assert_sent(e, s)                                                      \
	do {                                                                   \
		if (!strstr((e)->rec.body.ptr, (s)))                           \
			fail_msg("'%s' not in request '%s'", (s),              \
				 (e)->rec.body.ptr);                           \
	} while (0)

static void test_request_oidc(void **state)
{
	const char *ids[] = {"sts.amazonaws.com", "sigstore"};
	const char *thumbs[] = {"6938fd4d98bab03faadb97b34396831e3780aea1"};
	struct ew_tags tags;
	struct ew_error err;
	struct rec_env e;
	char *arn = NULL;

	(void)state;
	rec_init(&e);
	ew_tags_init(&tags);
	assert_int_equal(ew_tags_add(&tags, "managed-by", "ecr-wizard"), 0);
	assert_int_equal(ew_tags_add(&tags, "a b", "c+d"), 0);
	rec_answer(&e, 200,
		   "<CreateOpenIDConnectProviderResponse>"
		   "<CreateOpenIDConnectProviderResult>"
		   "<OpenIDConnectProviderArn>arn:aws:iam::123456789012:oidc-"
		   "provider/token.actions.githubusercontent.com"
		   "</OpenIDConnectProviderArn>"
		   "</CreateOpenIDConnectProviderResult>"
		   "</CreateOpenIDConnectProviderResponse>");
	assert_int_equal(ew_iam_create_oidc_provider(
			     &arn, &e.c,
			     "https://token.actions.githubusercontent.com", ids,
			     2, NULL, 0, &tags, &err),
			 0);
	assert_string_equal(arn, "arn:aws:iam::123456789012:oidc-provider/"
				 "token.actions.githubusercontent.com");
	free(arn);
	assert_sent(&e, "Action=CreateOpenIDConnectProvider&");
	assert_sent(&e, "&Url=https%3A%2F%2Ftoken.actions.githubusercontent."
			"com");
	assert_sent(&e, "&ClientIDList.member.1=sts.amazonaws.com"
			"&ClientIDList.member.2=sigstore");
	assert_sent(&e, "&Tags.member.1.Key=managed-by"
			"&Tags.member.1.Value=ecr-wizard"
			"&Tags.member.2.Key=a%20b&Tags.member.2.Value=c%2Bd");
	/* No thumbprints given: the parameter is omitted, never empty. */
	assert_null(strstr(e.rec.body.ptr, "Thumbprint"));

	assert_int_equal(
	    ew_iam_create_oidc_provider(NULL, &e.c, "https://x.example.com",
					ids, 1, thumbs, 1, NULL, &err),
	    0);
	assert_sent(&e, "&ThumbprintList.member.1=6938fd4d98bab03faadb97b3439"
			"6831e3780aea1");
	assert_null(strstr(e.rec.body.ptr, "Tags"));

	rec_answer(&e, 200,
		   "<AddClientIDToOpenIDConnectProviderResponse>"
		   "<ResponseMetadata><RequestId>r</RequestId>"
		   "</ResponseMetadata>"
		   "</AddClientIDToOpenIDConnectProviderResponse>");
	assert_int_equal(
	    ew_iam_add_oidc_client_id(&e.c, "arn:aws:iam::1:oidc-provider/x",
				      "aud-2", &err),
	    0);
	assert_sent(&e, "Action=AddClientIDToOpenIDConnectProvider&");
	assert_sent(&e, "&OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A1%3A"
			"oidc-provider%2Fx&ClientID=aud-2");

	/* Deleting a provider that is gone is success. */
	rec_answer(&e, 404,
		   "<ErrorResponse><Error><Type>Sender</Type>"
		   "<Code>NoSuchEntity</Code><Message>gone</Message></Error>"
		   "<RequestId>r</RequestId></ErrorResponse>");
	assert_int_equal(ew_iam_delete_oidc_provider(
			     &e.c, "arn:aws:iam::1:oidc-provider/x", &err),
			 0);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.aws_code, "");
	/* ... but other errors are not. */
	rec_answer(&e, 403,
		   "<ErrorResponse><Error><Type>Sender</Type>"
		   "<Code>AccessDenied</Code><Message>no</Message></Error>"
		   "</ErrorResponse>");
	assert_int_equal(ew_iam_delete_oidc_provider(
			     &e.c, "arn:aws:iam::1:oidc-provider/x", &err),
			 EW_EAWS);
	assert_true(ew_error_is_aws(&err, "AccessDenied"));

	ew_tags_release(&tags);
	rec_release(&e);
}

static void test_request_role_and_policy(void **state)
{
	struct ew_iam_role r;
	struct ew_error err;
	struct rec_env e;

	(void)state;
	rec_init(&e);
	rec_answer(&e, 200,
		   "<CreateRoleResponse><CreateRoleResult><Role>"
		   "<RoleName>r</RoleName><Arn>arn:aws:iam::1:role/r</Arn>"
		   "<AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument>"
		   "</Role></CreateRoleResult></CreateRoleResponse>");
	assert_int_equal(ew_iam_create_role(&r, &e.c, "r", NULL, "{\"a\":1}",
					    NULL, 7200, NULL, &err),
			 0);
	assert_string_equal(r.trust_document, "{}");
	ew_iam_role_release(&r);
	assert_sent(&e, "Action=CreateRole&");
	assert_sent(&e, "&RoleName=r&AssumeRolePolicyDocument=%7B%22a%22%3A1%7D"
			"&MaxSessionDuration=7200");
	assert_null(strstr(e.rec.body.ptr, "Path="));
	assert_null(strstr(e.rec.body.ptr, "Description="));

	rec_answer(
	    &e, 200,
	    "<CreatePolicyVersionResponse><CreatePolicyVersionResult>"
	    "<PolicyVersion><VersionId>v2</VersionId>"
	    "<IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>"
	    "</CreatePolicyVersionResult></CreatePolicyVersionResponse>");
	assert_int_equal(
	    ew_iam_create_policy_version(NULL, &e.c, "arn:p", "{}", true, &err),
	    0);
	assert_sent(&e, "&PolicyArn=arn%3Ap&PolicyDocument=%7B%7D"
			"&SetAsDefault=true");

	/* An answer without its result element is a parse error. */
	rec_answer(&e, 200, "<GetRoleResponse/>");
	assert_int_equal(ew_iam_get_role(&r, &e.c, "r", &err), EW_EPARSE);
	assert_null(r.arn);
	rec_release(&e);
}

#define assert_logged(e, s)                                                    \
	do {                                                                   \
		if (!strstr((e)->rec.log.ptr, (s)))                            \
			fail_msg("'%s' not in requests '%s'", (s),             \
				 (e)->rec.log.ptr);                            \
	} while (0)

static int stop_after_first(const struct ew_iam_role *role, void *payload)
{
	int *seen = payload;

	(void)role;
	(*seen)++;
	return 7;
}

/* The List actions follow Marker while IsTruncated, sending their own
 * parameters again with every page. */
static void test_request_paging(void **state)
{
	static const char *const versions[] = {
	    "<ListPolicyVersionsResponse><ListPolicyVersionsResult><Versions>"
	    "<member><VersionId>v2</VersionId>"
	    "<IsDefaultVersion>true</IsDefaultVersion></member></Versions>"
	    "<IsTruncated>true</IsTruncated><Marker>m+1/x</Marker>"
	    "</ListPolicyVersionsResult></ListPolicyVersionsResponse>",
	    "<ListPolicyVersionsResponse><ListPolicyVersionsResult><Versions>"
	    "<member><VersionId>v1</VersionId>"
	    "<IsDefaultVersion>false</IsDefaultVersion></member></Versions>"
	    "<IsTruncated>false</IsTruncated>"
	    "</ListPolicyVersionsResult></ListPolicyVersionsResponse>",
	    NULL};
	static const char *const attached[] = {
	    "<ListAttachedRolePoliciesResponse>"
	    "<ListAttachedRolePoliciesResult><AttachedPolicies>"
	    "<member><PolicyName>nameless</PolicyName></member>"
	    "<member><PolicyName>a</PolicyName><PolicyArn>arn:a</PolicyArn>"
	    "</member></AttachedPolicies><IsTruncated>true</IsTruncated>"
	    "<Marker>p2</Marker></ListAttachedRolePoliciesResult>"
	    "</ListAttachedRolePoliciesResponse>",
	    "<ListAttachedRolePoliciesResponse>"
	    "<ListAttachedRolePoliciesResult><AttachedPolicies>"
	    "<member><PolicyName>b</PolicyName><PolicyArn>arn:b</PolicyArn>"
	    "</member></AttachedPolicies></ListAttachedRolePoliciesResult>"
	    "</ListAttachedRolePoliciesResponse>",
	    NULL};
	static const char *const roles[] = {
	    "<ListRolesResponse><ListRolesResult><Roles><member>"
	    "<RoleName>r1</RoleName><Arn>arn:aws:iam::1:role/ci/r1</Arn>"
	    "</member></Roles><IsTruncated>true</IsTruncated>"
	    "<Marker>2</Marker></ListRolesResult></ListRolesResponse>",
	    "<ListRolesResponse><ListRolesResult><Roles><member>"
	    "<RoleName>r2</RoleName><Arn>arn:aws:iam::1:role/ci/r2</Arn>"
	    "</member></Roles><IsTruncated>false</IsTruncated>"
	    "</ListRolesResult></ListRolesResponse>",
	    NULL};
	static const char *const no_marker[] = {
	    "<ListRolesResponse><ListRolesResult><Roles><member>"
	    "<RoleName>r1</RoleName><Arn>arn:aws:iam::1:role/r1</Arn>"
	    "</member></Roles><IsTruncated>true</IsTruncated>"
	    "</ListRolesResult></ListRolesResponse>",
	    NULL};
	struct ew_iam_policy_versions v;
	struct ew_iam_attached_policies a;
	struct ew_iam_roles r;
	struct ew_error err;
	struct rec_env e;
	int seen = 0;

	(void)state;
	rec_init(&e);
	rec_pages(&e, versions);
	assert_int_equal(ew_iam_list_policy_versions(&v, &e.c, "arn:p", &err),
			 0);
	assert_int_equal(e.rec.calls, 2);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.v[0].version_id, "v2");
	assert_true(v.v[0].is_default);
	assert_string_equal(v.v[1].version_id, "v1");
	assert_false(v.v[1].is_default);
	ew_iam_policy_versions_release(&v);
	assert_logged(&e, "&PolicyArn=arn%3Ap\n");
	assert_logged(&e, "&PolicyArn=arn%3Ap&Marker=m%2B1%2Fx\n");

	rec_pages(&e, attached);
	assert_int_equal(
	    ew_iam_list_attached_role_policies(&a, &e.c, "role", &err), 0);
	assert_int_equal(e.rec.calls, 2);
	/* a member without PolicyArn is skipped */
	assert_int_equal(a.n, 2);
	assert_string_equal(a.v[0].name, "a");
	assert_string_equal(a.v[0].arn, "arn:a");
	assert_string_equal(a.v[1].name, "b");
	assert_string_equal(a.v[1].arn, "arn:b");
	ew_iam_attached_policies_release(&a);
	assert_logged(&e, "&RoleName=role\n");
	assert_logged(&e, "&RoleName=role&Marker=p2\n");

	rec_pages(&e, roles);
	assert_int_equal(ew_iam_list_roles_all(&r, &e.c, "/ci/", 1, &err), 0);
	assert_int_equal(e.rec.calls, 2);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].name, "r1");
	assert_string_equal(r.v[1].name, "r2");
	ew_iam_roles_release(&r);
	assert_logged(&e, "&PathPrefix=%2Fci%2F&MaxItems=1\n");
	assert_logged(&e, "&PathPrefix=%2Fci%2F&MaxItems=1&Marker=2\n");

	/* without MaxItems none is sent; the callback can stop the walk */
	rec_pages(&e, roles);
	assert_int_equal(
	    ew_iam_list_roles(&e.c, NULL, 0, stop_after_first, &seen, &err), 7);
	assert_int_equal(seen, 1);
	assert_int_equal(e.rec.calls, 1);
	assert_null(strstr(e.rec.log.ptr, "MaxItems"));

	/* a truncated page without a Marker cannot be followed */
	rec_pages(&e, no_marker);
	assert_int_equal(ew_iam_list_roles_all(&r, &e.c, NULL, 0, &err),
			 EW_EPARSE);
	assert_non_null(strstr(err.message, "without a Marker"));
	assert_int_equal(r.n, 0);
	assert_null(r.v);
	rec_release(&e);
}

/* Tag lists: set replaces the first tag of that key or appends, remove
 * keeps the order of the others (the demo account's TagRole/UntagRole). */
static void test_tags_set_remove(void **state)
{
	struct ew_tags t = {0};

	(void)state;
	assert_int_equal(ew_tags_add(&t, "a", "1"), 0);
	assert_int_equal(ew_tags_add(&t, "b", NULL), 0);
	assert_int_equal(ew_tags_add(&t, "c", "3"), 0);
	assert_int_equal(ew_tags_set(&t, "b", "2"), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(ew_tags_get(&t, "b"), "2");
	assert_int_equal(ew_tags_set(&t, "d", NULL), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.v[3].key, "d");
	assert_string_equal(t.v[3].value, "");
	/* keys are case-sensitive, as AWS compares them */
	assert_int_equal(ew_tags_set(&t, "A", "x"), 0);
	assert_int_equal(t.n, 5);
	assert_string_equal(ew_tags_get(&t, "a"), "1");
	ew_tags_remove(&t, "b");
	ew_tags_remove(&t, "nope");
	assert_int_equal(t.n, 4);
	assert_string_equal(t.v[0].key, "a");
	assert_string_equal(t.v[1].key, "c");
	assert_string_equal(t.v[2].key, "d");
	assert_string_equal(t.v[3].key, "A");
	assert_null(ew_tags_get(&t, "b"));
	ew_tags_release(&t);
	assert_int_equal(t.n, 0);
}

static void test_request_assume_role(void **state)
{
	struct ew_credentials cr;
	struct ew_error err;
	struct rec_env e;

	(void)state;
	rec_init(&e);
	rec_answer(&e, 200,
		   "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
		   "<AccessKeyId>ASIAX</AccessKeyId>"
		   "<SecretAccessKey>sek</SecretAccessKey>"
		   "<SessionToken>tok</SessionToken>"
		   "<Expiration>2024-01-15T13:00:00Z</Expiration>"
		   "</Credentials></AssumeRoleResult></AssumeRoleResponse>");
	assert_int_equal(ew_sts_assume_role(&cr, &e.c, "arn:aws:iam::1:role/R",
					    "s1", 900, "ext", &err),
			 0);
	assert_sent(&e, "Action=AssumeRole&Version=2011-06-15");
	assert_sent(&e, "&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR"
			"&RoleSessionName=s1&DurationSeconds=900"
			"&ExternalId=ext");
	assert_string_equal(cr.access_key_id, "ASIAX");
	ew_credentials_release(&cr);
	assert_int_equal(ew_sts_assume_role(&cr, &e.c, "arn:aws:iam::1:role/R",
					    "s1", 0, NULL, &err),
			 0);
	assert_null(strstr(e.rec.body.ptr, "DurationSeconds"));
	assert_null(strstr(e.rec.body.ptr, "ExternalId"));
	ew_credentials_release(&cr);
	rec_release(&e);
}

static void test_request_ecr(void **state)
{
	struct ew_ecr_repository_options o;
	struct ew_ecr_repository r;
	struct ew_tags tags;
	struct ew_error err;
	struct rec_env e;
	cJSON *body;
	bool has = true;

	(void)state;
	rec_init(&e);
	ew_tags_init(&tags);
	assert_int_equal(ew_tags_add(&tags, "managed-by", "ecr-wizard"), 0);
	memset(&o, 0, sizeof(o));
	o.tag_mutability = "IMMUTABLE";
	o.scan_on_push = true;
	o.tags = &tags;
	rec_answer(&e, 200,
		   "{\"repository\":{\"repositoryArn\":\"arn:aws:ecr:us-east-1:"
		   "1:repository/a\",\"repositoryName\":\"a\"}}");
	assert_int_equal(ew_ecr_create_repository(&r, &e.c, "a", &o, &err), 0);
	ew_ecr_repository_release(&r);
	assert_string_equal(e.rec.target,
			    "AmazonEC2ContainerRegistry_V20150921."
			    "CreateRepository");
	body = cJSON_Parse(e.rec.body.ptr);
	assert_non_null(body);
	assert_true(ops_json_equal_obj(
	    body,
	    "{\"repositoryName\":\"a\",\"imageTagMutability\":"
	    "\"IMMUTABLE\",\"imageScanningConfiguration\":{\"scanOnPush\":"
	    "true},\"encryptionConfiguration\":{\"encryptionType\":"
	    "\"AES256\"},\"tags\":[{\"Key\":\"managed-by\",\"Value\":"
	    "\"ecr-wizard\"}]}"));
	cJSON_Delete(body);

	/* IMMUTABLE_WITH_EXCLUSION carries its wildcard filters. */
	{
		static const char *const excl[] = {"latest", "dev-*"};

		o.tag_mutability = "IMMUTABLE_WITH_EXCLUSION";
		o.tag_exclusions = excl;
		o.ntag_exclusions = 2;
		o.tags = NULL;
		rec_answer(&e, 200,
			   "{\"repository\":{\"repositoryName\":\"a\"}}");
		assert_int_equal(
		    ew_ecr_create_repository(NULL, &e.c, "a", &o, &err), 0);
		assert_sent(&e, "\"imageTagMutabilityExclusionFilters\":["
				"{\"filterType\":\"WILDCARD\",\"filter\":"
				"\"latest\"},{\"filterType\":\"WILDCARD\","
				"\"filter\":\"dev-*\"}]");
	}

	/* A named miss answered with an empty list still reads as not
	 * found. */
	rec_answer(&e, 200, "{\"repositories\":[]}");
	assert_int_equal(ew_ecr_describe_repository(&r, &e.c, "a", &err),
			 EW_EAWS);
	assert_true(ew_error_is_aws(&err, "RepositoryNotFoundException"));
	assert_sent(&e, "\"repositoryNames\":[\"a\"]");

	rec_answer(&e, 200, "{\"imageIds\":[]}");
	assert_int_equal(ew_ecr_has_images(&has, &e.c, "a", &err), 0);
	assert_false(has);
	assert_sent(&e, "\"maxResults\":1");
	assert_string_equal(e.rec.target,
			    "AmazonEC2ContainerRegistry_V20150921.ListImages");

	rec_answer(&e, 200, "{}");
	assert_int_equal(ew_ecr_delete_repository(&e.c, "a", true, &err), 0);
	assert_sent(&e, "\"force\":true");
	assert_int_equal(ew_ecr_delete_repository(&e.c, "a", false, &err), 0);
	assert_null(strstr(e.rec.body.ptr, "force"));

	ew_tags_release(&tags);
	rec_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_caller_identity),
	    cmocka_unit_test(test_caller_identity_bad),
	    cmocka_unit_test(test_assume_role),
	    cmocka_unit_test(test_parse_time),
	    cmocka_unit_test(test_role),
	    cmocka_unit_test(test_policy_version_document),
	    cmocka_unit_test(test_decode_document_nul),
	    cmocka_unit_test(test_policy),
	    cmocka_unit_test(test_oidc_provider),
	    cmocka_unit_test(test_ecr_repository),
	    cmocka_unit_test(test_ecr_tags),
	    cmocka_unit_test(test_request_oidc),
	    cmocka_unit_test(test_request_role_and_policy),
	    cmocka_unit_test(test_request_paging),
	    cmocka_unit_test(test_tags_set_remove),
	    cmocka_unit_test(test_request_assume_role),
	    cmocka_unit_test(test_request_ecr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
