#include "sts.h"
#include "buf.h"
#include "iso_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy src into a fixed field; too long is a parse error, because a cut
 * ARN or account id would silently name something else. */
static int copy_field(char *dst, size_t size, const char *src, const char *what,
		      struct ew_error *err)
{
	size_t len;

	if (!src || !*src)
		return ew_error_set(err, EW_EPARSE,
				    "cannot read sts answer: no %s", what);
	len = strlen(src);
	if (len >= size)
		return ew_error_set(err, EW_EPARSE,
				    "cannot read sts answer: %s is too long "
				    "(%zu bytes)",
				    what, len);
	memcpy(dst, src, len + 1);
	return 0;
}

int ew_sts_parse_caller_identity(struct ew_caller_identity *out,
				 const struct ew_xml_node *root,
				 struct ew_error *err)
{
	const struct ew_xml_node *r;
	int rc;

	memset(out, 0, sizeof(*out));
	r = ew_xml_find(root, "GetCallerIdentityResult");
	if (!r)
		return ew_error_set(err, EW_EPARSE,
				    "cannot read sts answer: no "
				    "GetCallerIdentityResult");
	rc = copy_field(out->account, sizeof(out->account),
			ew_xml_text(r, "Account"), "Account", err);
	if (!rc)
		rc = copy_field(out->arn, sizeof(out->arn),
				ew_xml_text(r, "Arn"), "Arn", err);
	if (!rc)
		rc = copy_field(out->user_id, sizeof(out->user_id),
				ew_xml_text(r, "UserId"), "UserId", err);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int ew_sts_get_caller_identity(struct ew_caller_identity *out,
			       struct ew_aws_client *c, struct ew_error *err)
{
	struct ew_xml_node *root = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ew_aws_query(c, EW_SVC_STS, "GetCallerIdentity", NULL, 0, &root,
			  err);
	if (rc)
		goto done;
	rc = ew_sts_parse_caller_identity(out, root, err);
done:
	ew_xml_free(root);
	return rc;
}

/* The account is the fifth field of arn:partition:sts::ACCOUNT:... */
static void account_from_arn(char *dst, size_t size, const char *arn)
{
	const char *p = arn, *end;

	dst[0] = '\0';
	for (int i = 0; p && i < 4; i++) {
		p = strchr(p, ':');
		if (p)
			p++;
	}
	if (!p)
		return;
	end = strchr(p, ':');
	if (!end || (size_t)(end - p) >= size)
		return;
	memcpy(dst, p, (size_t)(end - p));
	dst[end - p] = '\0';
}

int ew_sts_parse_assume_role(struct ew_credentials *out,
			     const struct ew_xml_node *root,
			     struct ew_error *err)
{
	const struct ew_xml_node *cr;
	const char *akid, *secret, *token, *exp, *arn;
	int rc = 0;

	ew_credentials_init(out);
	cr = ew_xml_find(root, "AssumeRoleResult/Credentials");
	if (!cr)
		return ew_error_set(err, EW_EPARSE,
				    "cannot read sts answer: no Credentials");
	akid = ew_xml_text(cr, "AccessKeyId");
	secret = ew_xml_text(cr, "SecretAccessKey");
	token = ew_xml_text(cr, "SessionToken");
	exp = ew_xml_text(cr, "Expiration");
	if (!akid || !*akid || !secret || !*secret || !token || !*token)
		return ew_error_set(err, EW_EPARSE,
				    "cannot read sts answer: incomplete "
				    "Credentials");
	if (exp && *exp) {
		rc = ew_time_parse_iso8601(&out->expiration, exp, err);
		if (rc)
			goto done;
	}
	out->access_key_id = ew_strdup(akid);
	out->secret_access_key = ew_strdup(secret);
	out->session_token = ew_strdup(token);
	if (!out->access_key_id || !out->secret_access_key ||
	    !out->session_token) {
		rc = ew_error_oom(err);
		goto done;
	}
	snprintf(out->source, sizeof(out->source), "assume-role");
	arn = ew_xml_text(root, "AssumeRoleResult/AssumedRoleUser/Arn");
	if (arn)
		account_from_arn(out->account_id, sizeof(out->account_id), arn);
done:
	if (rc)
		ew_credentials_release(out);
	return rc;
}

void ew_sts_wipe_credentials(struct ew_xml_node *n)
{
	for (; n; n = n->next) {
		if (strcmp(n->name, "SecretAccessKey") == 0 ||
		    strcmp(n->name, "SessionToken") == 0) {
			volatile char *p = n->text;
			for (size_t i = 0; p[i]; i++)
				p[i] = 0;
		}
		ew_sts_wipe_credentials(n->child);
	}
}

int ew_sts_assume_role(struct ew_credentials *out, struct ew_aws_client *c,
		       const char *role_arn, const char *session_name,
		       long duration_seconds, const char *external_id,
		       struct ew_error *err)
{
	struct ew_query_param params[4];
	struct ew_xml_node *root = NULL;
	char duration[24];
	size_t n = 0;
	int rc;

	ew_credentials_init(out);
	if (!role_arn || !*role_arn || !session_name || !*session_name)
		return ew_error_set(err, EW_EINVAL,
				    "cannot assume role: role ARN and session "
				    "name are required");
	params[n++] = (struct ew_query_param){"RoleArn", role_arn};
	params[n++] = (struct ew_query_param){"RoleSessionName", session_name};
	if (duration_seconds > 0) {
		snprintf(duration, sizeof(duration), "%ld", duration_seconds);
		params[n++] =
		    (struct ew_query_param){"DurationSeconds", duration};
	}
	if (external_id)
		params[n++] =
		    (struct ew_query_param){"ExternalId", external_id};
	rc = ew_aws_query(c, EW_SVC_STS, "AssumeRole", params, n, &root, err);
	if (rc)
		goto done;
	rc = ew_sts_parse_assume_role(out, root, err);
done:
	ew_sts_wipe_credentials(root);
	ew_xml_free(root);
	return rc;
}
