#include "sso.h"
#include "iso_time.h"
#include "aws_error.h"
#include "buf.h"
#include "fsutil.h"
#include "json_doc.h"
#include "partition.h"
#include "trace.h"
#include "transport.h"
#include "uri.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* A token cache file is a few KiB; anything much larger is not one. */
#define MAX_CACHE_FILE (256 * 1024)

static const char *const sso_keys[] = {"sso_session", "sso_start_url",
				       "sso_region", "sso_account_id",
				       "sso_role_name"};

bool ew_sso_is_configured(const struct ew_aws_config *cfg, const char *profile)
{
	for (size_t i = 0; i < sizeof(sso_keys) / sizeof(sso_keys[0]); i++)
		if (ew_aws_config_get(cfg, profile, sso_keys[i]))
			return true;
	return false;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

int ew_sso_config_get(struct ew_sso_config *out,
		      const struct ew_aws_config *cfg, const char *profile,
		      struct ew_error *err)
{
	const char *p_url, *p_region;
	struct ew_buf missing;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	ew_buf_init(&missing);
	p_url = nonempty(ew_aws_config_get(cfg, profile, "sso_start_url"));
	p_region = nonempty(ew_aws_config_get(cfg, profile, "sso_region"));
	out->account_id =
	    nonempty(ew_aws_config_get(cfg, profile, "sso_account_id"));
	out->role_name =
	    nonempty(ew_aws_config_get(cfg, profile, "sso_role_name"));
	out->session_name =
	    nonempty(ew_aws_config_get(cfg, profile, "sso_session"));
	if (out->session_name) {
		const struct ew_ini_file *f = &cfg->config;
		if (!ew_ini_file_has_section(f, EW_INI_SSO_SESSION,
					     out->session_name)) {
			rc = ew_error_set(err, EW_EINVAL,
					  "profile '%s' uses sso_session '%s', "
					  "which is not in '%s'",
					  profile, out->session_name, f->path);
			goto done;
		}
		out->start_url = nonempty(ew_ini_file_get(
		    f, EW_INI_SSO_SESSION, out->session_name, "sso_start_url"));
		out->region = nonempty(ew_ini_file_get(
		    f, EW_INI_SSO_SESSION, out->session_name, "sso_region"));
		/* botocore: the profile may repeat them, but not differ */
		if ((p_url && out->start_url &&
		     strcmp(p_url, out->start_url) != 0) ||
		    (p_region && out->region &&
		     strcmp(p_region, out->region) != 0)) {
			rc = ew_error_set(err, EW_EINVAL,
					  "profile '%s' has sso_start_url or "
					  "sso_region different from those of "
					  "[sso-session %s]",
					  profile, out->session_name);
			goto done;
		}
	} else {
		out->start_url = p_url;
		out->region = p_region;
	}
	if (!out->start_url)
		ew_buf_puts(&missing, ", sso_start_url");
	if (!out->region)
		ew_buf_puts(&missing, ", sso_region");
	if (!out->account_id)
		ew_buf_puts(&missing, ", sso_account_id");
	if (!out->role_name)
		ew_buf_puts(&missing, ", sso_role_name");
	if (missing.len)
		rc = ew_error_set(err, EW_EINVAL,
				  "profile '%s' is configured for SSO but "
				  "lacks %s",
				  profile, missing.ptr + 2);
done:
	ew_buf_release(&missing);
	return rc;
}

int ew_sso_cache_path(char **out, const struct ew_context *ctx, const char *key,
		      struct ew_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct ew_buf b;

	*out = NULL;
	if (!EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha1(), NULL))
		return ew_error_set(err, EW_ERROR, "cannot compute SHA-1");
	ew_buf_init(&b);
	if (ew_buf_printf(&b, "%s/.aws/sso/cache/", ew_context_home(ctx)))
		goto nomem;
	for (unsigned int i = 0; i < mdlen; i++)
		if (ew_buf_printf(&b, "%02x", md[i]))
			goto nomem;
	if (ew_buf_puts(&b, ".json"))
		goto nomem;
	*out = ew_buf_detach(&b);
	return 0;
nomem:
	ew_buf_release(&b);
	return ew_error_oom(err);
}

int ew_sso_parse_time(time_t *out, const char *s, struct ew_error *err)
{
	char tmp[64];
	size_t n;

	if (!s)
		return ew_error_set(err, EW_EPARSE, "no time");
	n = strlen(s);
	/* the old CLI wrote "...UTC" where ISO 8601 has "Z" */
	if (n > 3 && n < sizeof(tmp) && strcmp(s + n - 3, "UTC") == 0) {
		memcpy(tmp, s, n - 3);
		tmp[n - 3] = 'Z';
		tmp[n - 2] = 0;
		return ew_time_parse_iso8601(out, tmp, err);
	}
	return ew_time_parse_iso8601(out, s, err);
}

void ew_sso_token_release(struct ew_sso_token *t)
{
	ew_free_secret(t->access_token);
	memset(t, 0, sizeof(*t));
}

int ew_sso_token_parse(struct ew_sso_token *out, const char *json, size_t len,
		       struct ew_error *err)
{
	const cJSON *tok, *exp;
	cJSON *doc;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	doc = cJSON_ParseWithLength(json, len);
	if (!doc || !cJSON_IsObject(doc)) {
		rc = ew_error_set(err, EW_EPARSE, "not a JSON object");
		goto done;
	}
	tok = cJSON_GetObjectItemCaseSensitive(doc, "accessToken");
	exp = cJSON_GetObjectItemCaseSensitive(doc, "expiresAt");
	if (!cJSON_IsString(tok) || !tok->valuestring || !*tok->valuestring) {
		rc = ew_error_set(err, EW_EPARSE, "no accessToken");
		goto done;
	}
	if (!cJSON_IsString(exp) ||
	    ew_sso_parse_time(&out->expires_at, exp->valuestring, NULL)) {
		rc = ew_error_set(err, EW_EPARSE, "no readable expiresAt");
		goto done;
	}
	out->access_token = strdup(tok->valuestring);
	if (!out->access_token)
		rc = ew_error_oom(err);
done:
	ew_json_doc_wipe(doc);
	cJSON_Delete(doc);
	return rc;
}

int ew_sso_get_role_credentials(struct ew_credentials *out,
				struct ew_context *ctx, const char *endpoint,
				const char *region, const char *access_token,
				const char *account_id, const char *role_name,
				struct ew_cancel *cancel, struct ew_error *err)
{
	const struct ew_partition *part = ew_partition_for_region(region);
	struct ew_http_header hdr[2] = {
	    {"x-amz-sso_bearer_token", access_token},
	    {"Accept", "application/json"},
	};
	struct ew_http_request req;
	struct ew_http_response resp;
	const cJSON *rc_obj, *v;
	cJSON *doc = NULL;
	struct ew_buf url;
	size_t n;
	int rc;

	ew_credentials_init(out);
	ew_buf_init(&url);
	ew_http_response_init(&resp);
	if (!ctx->transport) {
		rc = ew_error_set(err, EW_ERROR,
				  "cannot reach the SSO portal: no HTTP "
				  "transport");
		goto done;
	}
	if (endpoint) {
		n = strlen(endpoint);
		while (n && endpoint[n - 1] == '/')
			n--;
		rc = ew_buf_add(&url, endpoint, n);
	} else {
		rc = ew_buf_printf(&url, "https://portal.sso.%s.%s", region,
				   part ? part->dns_suffix : "amazonaws.com");
	}
	if (rc || ew_buf_puts(&url, "/federation/credentials?role_name=") ||
	    ew_uri_encode(&url, role_name, strlen(role_name), false) ||
	    ew_buf_puts(&url, "&account_id=") ||
	    ew_uri_encode(&url, account_id, strlen(account_id), false)) {
		rc = ew_error_oom(err);
		goto done;
	}
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url.ptr;
	req.headers = hdr;
	req.nheaders = 2;
	req.service = "sso";
	req.operation = "GetRoleCredentials";
	ew_trace_request(ctx->trace, &req);
	rc = ew_transport_perform(ctx->transport, &req, &resp, cancel, err);
	if (rc) {
		ew_trace_failure(ctx->trace, &req, err, 0);
		goto done;
	}
	ew_trace_response(ctx->trace, &req, &resp, NULL, 0);
	if (resp.status == 401 || resp.status == 403) {
		rc = ew_error_set(err, EW_ENOCREDS,
				  "the SSO portal rejected the cached token "
				  "(HTTP %ld)",
				  resp.status);
		goto done;
	}
	if (resp.status < 200 || resp.status > 299) {
		struct ew_aws_error_input in = {
		    "sso",	     "GetRoleCredentials", resp.status,
		    resp.body.ptr,   resp.body.len,	   resp.error_type,
		    resp.request_id,
		};
		rc = ew_aws_error_parse(err, &in);
		goto done;
	}
	doc = cJSON_ParseWithLength(resp.body.ptr, resp.body.len);
	rc_obj = cJSON_GetObjectItemCaseSensitive(doc, "roleCredentials");
	if (!cJSON_IsObject(rc_obj)) {
		rc = ew_error_set(err, EW_EPARSE,
				  "the SSO portal's answer has no "
				  "roleCredentials");
		goto done;
	}
	v = cJSON_GetObjectItemCaseSensitive(rc_obj, "accessKeyId");
	if (cJSON_IsString(v))
		out->access_key_id = strdup(v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(rc_obj, "secretAccessKey");
	if (cJSON_IsString(v))
		out->secret_access_key = strdup(v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(rc_obj, "sessionToken");
	if (cJSON_IsString(v) && *v->valuestring)
		out->session_token = strdup(v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(rc_obj, "expiration");
	/* epoch milliseconds */
	if (cJSON_IsNumber(v) && v->valuedouble > 0)
		out->expiration = (time_t)(v->valuedouble / 1000.0);
	if (!ew_credentials_is_set(out)) {
		rc = ew_error_set(err, EW_EPARSE,
				  "the SSO portal's answer lacks the access "
				  "key or secret");
		goto done;
	}
	if (account_id && strlen(account_id) < sizeof(out->account_id))
		memcpy(out->account_id, account_id, strlen(account_id) + 1);
done:
	if (rc)
		ew_credentials_release(out);
	ew_json_doc_wipe(doc);
	cJSON_Delete(doc);
	ew_http_response_release(&resp);
	ew_buf_release(&url);
	return rc;
}

int ew_sso_resolve(struct ew_credentials *out, struct ew_context *ctx,
		   const struct ew_aws_config *cfg, const char *profile,
		   const char *endpoint, struct ew_cancel *cancel,
		   struct ew_error *err)
{
	struct ew_sso_config sc;
	struct ew_sso_token tok = {NULL, 0};
	struct ew_error why;
	struct ew_buf file;
	char *path = NULL;
	int rc;

	ew_credentials_init(out);
	ew_buf_init(&file);
	ew_error_clear(&why);
	if ((rc = ew_sso_config_get(&sc, cfg, profile, err)))
		goto done;
	rc = ew_sso_cache_path(
	    &path, ctx, sc.session_name ? sc.session_name : sc.start_url, err);
	if (rc)
		goto done;
	rc = ew_file_read_secret(&file, path, MAX_CACHE_FILE, err);
	if (rc == EW_ENOTFOUND) {
		rc = ew_error_set(err, EW_ENOCREDS,
				  "no SSO token for profile '%s' (no '%s'); "
				  "run `aws sso login --profile %s`",
				  profile, path, profile);
		goto done;
	}
	if (rc)
		goto done;
	if ((rc = ew_sso_token_parse(&tok, file.ptr, file.len, &why))) {
		rc = rc == EW_ENOMEM
			 ? ew_error_oom(err)
			 : ew_error_set(err, EW_ENOCREDS,
					"the SSO token cache '%s' is not "
					"usable (%s); run `aws sso login "
					"--profile %s`",
					path, why.message, profile);
		goto done;
	}
	if (tok.expires_at <= ew_context_now(ctx)) {
		rc = ew_error_set(err, EW_ENOCREDS,
				  "the SSO session for profile '%s' has "
				  "expired; run `aws sso login --profile %s`",
				  profile, profile);
		goto done;
	}
	rc = ew_sso_get_role_credentials(out, ctx, endpoint, sc.region,
					 tok.access_token, sc.account_id,
					 sc.role_name, cancel, err);
	if (rc == EW_ENOCREDS)
		ew_error_set(err, EW_ENOCREDS,
			     "the SSO session for profile '%s' is no longer "
			     "valid; run `aws sso login --profile %s`",
			     profile, profile);
done:
	ew_sso_token_release(&tok);
	ew_buf_release_secret(&file);
	free(path);
	return rc;
}
