#include "credential_chain.h"
#include "iso_time.h"
#include "aws_client.h"
#include "aws_error.h"
#include "buf.h"
#include "credential_process.h"
#include "fsutil.h"
#include "partition.h"
#include "sso.h"
#include "sts.h"
#include "trace.h"
#include "uri.h"
#include "xml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* source_profile chains longer than this are refused even without a
 * loop: the CLI has no limit, but nobody chains this far on purpose. */
#define MAX_DEPTH 16
/* A web identity token is a JWT of a few KiB. */
#define MAX_TOKEN_FILE (64 * 1024)

/* Internal result of one step: nothing configured here, try the next. */
#define NOT_HERE 1

struct chain {
	struct ew_context *ctx;
	const struct ew_aws_config *cfg;
	const struct ew_chain_options *o;
	const char *visited[MAX_DEPTH];
	size_t nvisited;
};

__attribute__((format(printf, 2, 3))) static void
set_source(struct ew_credentials *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->source, sizeof(c->source), fmt, ap);
	va_end(ap);
}

/* A wrapped error from a configured source becomes "no credentials",
 * keeping what STS or SSO said (aws_code, http_status). */
static int as_nocreds(int rc, struct ew_error *err)
{
	if (rc == EW_ENOMEM || rc == EW_ECANCEL || rc == EW_ENET)
		return rc;
	if (err)
		err->code = EW_ENOCREDS;
	return EW_ENOCREDS;
}

int ew_credential_chain_from_env(struct ew_credentials *out, bool *found,
				 const struct ew_context *ctx,
				 struct ew_error *err)
{
	const char *id = ew_context_getenv(ctx, "AWS_ACCESS_KEY_ID");
	const char *secret = ew_context_getenv(ctx, "AWS_SECRET_ACCESS_KEY");
	const char *token = ew_context_getenv(ctx, "AWS_SESSION_TOKEN");
	const char *exp = ew_context_getenv(ctx, "AWS_CREDENTIAL_EXPIRATION");
	const char *acct = ew_context_getenv(ctx, "AWS_ACCOUNT_ID");
	int rc = 0;

	ew_credentials_init(out);
	*found = false;
	if (!token)
		token = ew_context_getenv(ctx, "AWS_SECURITY_TOKEN");
	if (!id && !secret)
		return 0;
	if (!id || !secret)
		return ew_error_set(
		    err, EW_ENOCREDS,
		    "%s is set but %s is not; set both or "
		    "neither",
		    id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	if (exp && ew_sso_parse_time(&out->expiration, exp, NULL))
		return ew_error_set(err, EW_EPARSE,
				    "AWS_CREDENTIAL_EXPIRATION '%.40s' is not "
				    "an ISO 8601 time",
				    exp);
	out->access_key_id = strdup(id);
	out->secret_access_key = strdup(secret);
	if (token)
		out->session_token = strdup(token);
	if (!out->access_key_id || !out->secret_access_key ||
	    (token && !out->session_token)) {
		ew_credentials_release(out);
		return ew_error_oom(err);
	}
	if (acct && strlen(acct) < sizeof(out->account_id))
		memcpy(out->account_id, acct, strlen(acct) + 1);
	set_source(out, "%s", "environment");
	if (ew_credentials_is_expired(out, ew_context_now(ctx), 0)) {
		ew_credentials_release(out);
		rc = ew_error_set(err, EW_ENOCREDS,
				  "the credentials in the environment expired "
				  "(AWS_CREDENTIAL_EXPIRATION)");
	}
	*found = rc == 0;
	return rc;
}

/* Static keys of a profile in one file: NOT_HERE when neither key is
 * there, an error when only one is. */
static int static_keys(struct ew_credentials *out, const struct ew_ini_file *f,
		       const char *profile, struct ew_error *err)
{
	const char *id, *secret, *token;

	id = ew_ini_file_get(f, EW_INI_PROFILE, profile, "aws_access_key_id");
	secret = ew_ini_file_get(f, EW_INI_PROFILE, profile,
				 "aws_secret_access_key");
	token =
	    ew_ini_file_get(f, EW_INI_PROFILE, profile, "aws_session_token");
	if (!token || !*token)
		token = ew_ini_file_get(f, EW_INI_PROFILE, profile,
					"aws_security_token");
	if ((!id || !*id) && (!secret || !*secret))
		return NOT_HERE;
	if (!id || !*id || !secret || !*secret)
		return ew_error_set(
		    err, EW_ENOCREDS, "profile '%s' in '%s' has %s but no %s",
		    profile, f->path,
		    id && *id ? "aws_access_key_id" : "aws_secret_access_key",
		    id && *id ? "aws_secret_access_key" : "aws_access_key_id");
	out->access_key_id = strdup(id);
	out->secret_access_key = strdup(secret);
	if (token && *token)
		out->session_token = strdup(token);
	if (!out->access_key_id || !out->secret_access_key ||
	    (token && *token && !out->session_token)) {
		ew_credentials_release(out);
		return ew_error_oom(err);
	}
	set_source(out,
		   f->is_credentials ? "profile %s (credentials file)"
				     : "profile %s (config file)",
		   profile);
	return 0;
}

static bool has_static_keys(const struct ew_aws_config *cfg,
			    const char *profile)
{
	const char *k[2] = {
	    ew_aws_config_get_credentials(cfg, profile, "aws_access_key_id"),
	    ew_aws_config_get(cfg, profile, "aws_access_key_id"),
	};
	return (k[0] && *k[0]) || (k[1] && *k[1]);
}

/* The token without the line end an editor leaves. */
static int read_token_file(struct ew_buf *b, const char *path,
			   struct ew_error *err)
{
	int rc = ew_file_read_secret(b, path, MAX_TOKEN_FILE, err);

	if (rc)
		return rc;
	while (b->len &&
	       (b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == '\r' ||
		b->ptr[b->len - 1] == ' '))
		b->len--;
	b->ptr[b->len] = 0;
	if (!b->len)
		rc = ew_error_set(err, EW_EIO,
				  "the web identity token file '%s' is empty",
				  path);
	return rc;
}

static void default_session_name(char *dst, size_t size,
				 const struct ew_context *ctx)
{
	snprintf(dst, size, "ecr-wizard-%lld", (long long)ew_context_now(ctx));
}

/* STS AssumeRoleWithWebIdentity: unsigned, so no client is needed. */
static int web_identity(struct chain *ch, struct ew_credentials *out,
			const char *token_file, const char *role_arn,
			const char *session_name, struct ew_error *err)
{
	const char *region = ch->o->region ? ch->o->region : "us-east-1";
	const struct ew_partition *part = ew_partition_for_region(region);
	struct ew_http_header hdr[1] = {
	    {"Content-Type",
	     "application/x-www-form-urlencoded; charset=utf-8"},
	};
	struct ew_http_request req;
	struct ew_http_response resp;
	struct ew_xml_node *root = NULL;
	const struct ew_xml_node *c;
	struct ew_buf token, body, url;
	char session[64];
	const char *s;
	int rc;

	ew_credentials_init(out);
	ew_buf_init(&token);
	ew_buf_init(&body);
	ew_buf_init(&url);
	ew_http_response_init(&resp);
	if (!session_name || !*session_name) {
		default_session_name(session, sizeof(session), ch->ctx);
		session_name = session;
	}
	if ((rc = read_token_file(&token, token_file, err)))
		goto done;
	if (!ch->ctx->transport) {
		rc = ew_error_set(err, EW_ERROR,
				  "cannot reach STS: no HTTP transport");
		goto done;
	}
	if (ch->o->sts_endpoint)
		rc = ew_buf_puts(&url, ch->o->sts_endpoint);
	else
		rc = ew_buf_printf(&url, "https://sts.%s.%s/", region,
				   part ? part->dns_suffix : "amazonaws.com");
	if (rc ||
	    ew_uri_form_add(&body, "Action", "AssumeRoleWithWebIdentity") ||
	    ew_uri_form_add(&body, "Version", "2011-06-15") ||
	    ew_uri_form_add(&body, "RoleArn", role_arn) ||
	    ew_uri_form_add(&body, "RoleSessionName", session_name) ||
	    ew_uri_form_add(&body, "WebIdentityToken", token.ptr)) {
		rc = ew_error_oom(err);
		goto done;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url.ptr;
	req.headers = hdr;
	req.nheaders = 1;
	req.body = body.ptr;
	req.body_len = body.len;
	req.service = "sts";
	req.operation = "AssumeRoleWithWebIdentity";
	ew_trace_request(ch->ctx->trace, &req);
	rc = ew_transport_perform(ch->ctx->transport, &req, &resp,
				  ch->o->cancel, err);
	if (rc) {
		ew_trace_failure(ch->ctx->trace, &req, err, 0);
		goto done;
	}
	ew_trace_response(ch->ctx->trace, &req, &resp, NULL, 0);
	if (resp.status < 200 || resp.status > 299) {
		struct ew_aws_error_input in = {
		    "sts",	     "AssumeRoleWithWebIdentity",
		    resp.status,     resp.body.ptr,
		    resp.body.len,   resp.error_type,
		    resp.request_id,
		};
		rc = ew_aws_error_parse(err, &in);
		goto done;
	}
	if ((rc = ew_xml_parse(&root, resp.body.ptr, resp.body.len, err)))
		goto done;
	c = ew_xml_find(root, "AssumeRoleWithWebIdentityResult/Credentials");
	if (!c || !ew_xml_text(c, "AccessKeyId") ||
	    !ew_xml_text(c, "SecretAccessKey")) {
		rc = ew_error_set(err, EW_EPARSE,
				  "STS AssumeRoleWithWebIdentity answered "
				  "without credentials");
		goto done;
	}
	out->access_key_id = strdup(ew_xml_text(c, "AccessKeyId"));
	out->secret_access_key = strdup(ew_xml_text(c, "SecretAccessKey"));
	if ((s = ew_xml_text(c, "SessionToken")) && *s)
		out->session_token = strdup(s);
	if ((s = ew_xml_text(c, "Expiration")) && *s)
		ew_time_parse_iso8601(&out->expiration, s, NULL);
	if (!out->access_key_id || !out->secret_access_key) {
		rc = ew_error_oom(err);
		goto done;
	}
done:
	if (rc)
		ew_credentials_release(out);
	ew_sts_wipe_credentials(root);
	ew_xml_free(root);
	ew_http_response_release(&resp);
	ew_buf_release_secret(&token);
	ew_buf_release_secret(&body);
	ew_buf_release(&url);
	return rc;
}

static int resolve_profile(struct chain *ch, struct ew_credentials *out,
			   const char *profile, bool with_assume,
			   bool env_allowed, struct ew_error *err);

static bool visited(const struct chain *ch, const char *profile)
{
	for (size_t i = 0; i < ch->nvisited; i++)
		if (strcmp(ch->visited[i], profile) == 0)
			return true;
	return false;
}

/* "a -> b -> a" for the loop message. */
static void loop_path(const struct chain *ch, const char *last, char *dst,
		      size_t size)
{
	struct ew_buf b;

	ew_buf_init(&b);
	for (size_t i = 0; i < ch->nvisited; i++)
		ew_buf_printf(&b, "'%s' -> ", ch->visited[i]);
	ew_buf_printf(&b, "'%s'", last);
	snprintf(dst, size, "%s", b.ptr);
	ew_buf_release(&b);
}

static int assume_role(struct chain *ch, struct ew_credentials *out,
		       const char *profile, struct ew_error *err)
{
	const struct ew_aws_config *cfg = ch->cfg;
	const char *role_arn = ew_aws_config_get(cfg, profile, "role_arn");
	const char *src = ew_aws_config_get(cfg, profile, "source_profile");
	const char *csrc = ew_aws_config_get(cfg, profile, "credential_source");
	const char *sname =
	    ew_aws_config_get(cfg, profile, "role_session_name");
	const char *ext = ew_aws_config_get(cfg, profile, "external_id");
	const char *dur = ew_aws_config_get(cfg, profile, "duration_seconds");
	const char *mfa = ew_aws_config_get(cfg, profile, "mfa_serial");
	struct ew_credentials source;
	struct ew_aws_client client;
	bool have_client = false;
	char session[64], path[300];
	long duration = 3600;
	int rc;

	ew_credentials_init(out);
	ew_credentials_init(&source);
	if (src && !*src)
		src = NULL;
	if (csrc && !*csrc)
		csrc = NULL;
	if (mfa && *mfa) {
		rc = ew_error_set(err, EW_ENOCREDS,
				  "profile '%s' needs an MFA code "
				  "(mfa_serial), which is not supported "
				  "without a prompt; use a profile without "
				  "mfa_serial, or export temporary "
				  "credentials (aws sts get-session-token) "
				  "first",
				  profile);
		goto done;
	}
	if (src && csrc) {
		rc = ew_error_set(err, EW_ENOCREDS,
				  "profile '%s' has both source_profile and "
				  "credential_source; keep one",
				  profile);
		goto done;
	}
	if (!src && !csrc) {
		rc = ew_error_set(err, EW_ENOCREDS,
				  "profile '%s' has role_arn but neither "
				  "source_profile nor credential_source",
				  profile);
		goto done;
	}
	if (dur && *dur) {
		char *end;
		errno = 0;
		duration = strtol(dur, &end, 10);
		if (errno || *end || end == dur || duration <= 0) {
			rc = ew_error_set(err, EW_ENOCREDS,
					  "profile '%s': duration_seconds "
					  "'%.20s' is not a number of seconds",
					  profile, dur);
			goto done;
		}
	}
	if (csrc) {
		bool found;
		if (strcmp(csrc, "Environment") != 0) {
			rc = ew_error_set(
			    err, EW_ENOCREDS,
			    strcmp(csrc, "Ec2InstanceMetadata") == 0 ||
				    strcmp(csrc, "EcsContainer") == 0
				? "profile '%s': credential_source = %s is "
				  "not supported by ecr-wizard (use "
				  "Environment or source_profile)"
				: "profile '%s': credential_source '%s' is "
				  "not one of Environment, "
				  "Ec2InstanceMetadata, EcsContainer",
			    profile, csrc);
			goto done;
		}
		if ((rc = ew_credential_chain_from_env(&source, &found, ch->ctx,
						       err)))
			goto done;
		if (!found) {
			rc = ew_error_set(err, EW_ENOCREDS,
					  "profile '%s' has credential_source "
					  "= Environment, but "
					  "AWS_ACCESS_KEY_ID and "
					  "AWS_SECRET_ACCESS_KEY are not set",
					  profile);
			goto done;
		}
	} else {
		if (!ew_aws_config_has_profile(cfg, src)) {
			rc = ew_error_set(err, EW_ENOCREDS,
					  "profile '%s' has source_profile "
					  "'%s', which is in neither '%s' nor "
					  "'%s'",
					  profile, src, cfg->config.path,
					  cfg->credentials.path);
			goto done;
		}
		/* botocore lets a profile name itself as its source when
		 * it has keys of its own: the keys are then the source */
		bool self =
		    strcmp(src, profile) == 0 && has_static_keys(cfg, profile);
		if (!self && visited(ch, src)) {
			loop_path(ch, src, path, sizeof(path));
			rc = ew_error_set(err, EW_ENOCREDS,
					  "source_profile loop: %s", path);
			goto done;
		}
		if (ch->nvisited >= MAX_DEPTH) {
			rc = ew_error_set(err, EW_ENOCREDS,
					  "profile '%s': source_profile chain "
					  "longer than %d profiles",
					  profile, MAX_DEPTH);
			goto done;
		}
		ch->visited[ch->nvisited++] = src;
		/* a source with keys, or without role_arn, is resolved by
		 * the other steps; else it assumes a role itself */
		rc = resolve_profile(ch, &source, src,
				     !has_static_keys(cfg, src), false, err);
		if (rc == NOT_HERE) {
			rc = ew_error_set(err, EW_ENOCREDS,
					  "source_profile '%s' of profile "
					  "'%s' has no credentials",
					  src, profile);
			goto done;
		}
		if (rc)
			goto done;
	}

	if (!sname || !*sname) {
		default_session_name(session, sizeof(session), ch->ctx);
		sname = session;
	}
	rc = ew_aws_client_init(&client, ch->ctx, &source,
				ch->o->region ? ch->o->region : "us-east-1",
				err);
	if (rc)
		goto done;
	have_client = true;
	if (ch->o->sts_endpoint &&
	    (rc = ew_aws_client_set_endpoint(&client, EW_SVC_STS,
					     ch->o->sts_endpoint, err)))
		goto done;
	client.cancel = ch->o->cancel;
	rc = ew_sts_assume_role(out, &client, role_arn, sname, duration,
				ext && *ext ? ext : NULL, err);
	if (rc) {
		ew_error_prefix(err, "cannot assume role '%s'", role_arn);
		goto done;
	}
	set_source(out, "assume-role (profile %s)", profile);
done:
	if (have_client)
		ew_aws_client_release(&client);
	ew_credentials_release(&source);
	return rc;
}

/*
 * Steps 2-7 for one profile.  with_assume is false for a source profile
 * that has keys of its own (botocore then skips the assume-role step);
 * env_allowed says whether the AWS_WEB_IDENTITY_* variables count.
 * Returns 0, NOT_HERE or an error.
 */
static int resolve_profile(struct chain *ch, struct ew_credentials *out,
			   const char *profile, bool with_assume,
			   bool env_allowed, struct ew_error *err)
{
	const struct ew_aws_config *cfg = ch->cfg;
	const char *role_arn = ew_aws_config_get(cfg, profile, "role_arn");
	const char *wtf =
	    ew_aws_config_get(cfg, profile, "web_identity_token_file");
	const char *proc;
	int rc;

	ew_credentials_init(out);
	if (role_arn && !*role_arn)
		role_arn = NULL;
	if (wtf && !*wtf)
		wtf = NULL;

	if (with_assume && role_arn && !wtf)
		return assume_role(ch, out, profile, err);

	{
		/* botocore: the environment variables win over the
		 * profile's settings, one by one */
		const char *e_file = NULL, *e_arn = NULL, *e_name = NULL;
		if (env_allowed) {
			e_file = ew_context_getenv(
			    ch->ctx, "AWS_WEB_IDENTITY_TOKEN_FILE");
			e_arn = ew_context_getenv(ch->ctx, "AWS_ROLE_ARN");
			e_name =
			    ew_context_getenv(ch->ctx, "AWS_ROLE_SESSION_NAME");
		}
		const char *file = e_file ? e_file : wtf;
		const char *arn = e_arn ? e_arn : role_arn;
		const char *name =
		    e_name
			? e_name
			: ew_aws_config_get(cfg, profile, "role_session_name");
		if (file) {
			if (!arn) {
				return ew_error_set(
				    err, EW_ENOCREDS,
				    "a web identity token file is set "
				    "(%s) but no role ARN",
				    e_file ? "AWS_WEB_IDENTITY_TOKEN_FILE"
					   : "web_identity_token_file");
			}
			rc = web_identity(ch, out, file, arn, name, err);
			if (rc && rc != EW_ENOMEM && rc != EW_ECANCEL)
				ew_error_prefix(err,
						"cannot assume role '%s' with "
						"a web identity",
						arn);
			if (rc == 0)
				set_source(out,
					   e_file ? "web-identity (%s)"
						  : "web-identity (profile "
						    "%s)",
					   e_file ? "environment" : profile);
			return rc;
		}
	}

	if (ew_sso_is_configured(cfg, profile)) {
		rc = ew_sso_resolve(out, ch->ctx, cfg, profile,
				    ch->o->sso_endpoint, ch->o->cancel, err);
		if (rc == 0)
			set_source(out, "sso (profile %s)", profile);
		return rc;
	}

	rc = static_keys(out, &cfg->credentials, profile, err);
	if (rc != NOT_HERE)
		return rc;

	proc = ew_aws_config_get(cfg, profile, "credential_process");
	if (proc && *proc) {
		struct ew_credential_process_options po = {
		    ch->o->process_timeout_ms, 0, ch->o->cancel};
		rc = ew_credential_process_run(out, proc, &po, ch->ctx, err);
		if (rc == 0)
			set_source(out, "credential_process (profile %s)",
				   profile);
		else if (rc != EW_ENOMEM && rc != EW_ECANCEL)
			ew_error_prefix(err, "profile '%s'", profile);
		return rc;
	}

	return static_keys(out, &cfg->config, profile, err);
}

int ew_credential_chain_resolve(struct ew_credentials *out,
				struct ew_context *ctx,
				const struct ew_aws_config *cfg,
				const struct ew_chain_options *o,
				struct ew_error *err)
{
	struct chain ch;
	const char *profile = o->profile ? o->profile : "default";
	bool found = false;
	int rc;

	ew_credentials_init(out);
	memset(&ch, 0, sizeof(ch));
	ch.ctx = ctx;
	ch.cfg = cfg;
	ch.o = o;
	if (!o->profile_explicit) {
		rc = ew_credential_chain_from_env(out, &found, ctx, err);
		if (rc || found)
			return rc;
	}
	ch.visited[ch.nvisited++] = profile;
	rc =
	    resolve_profile(&ch, out, profile, true, !o->profile_explicit, err);
	if (rc == NOT_HERE) {
		ew_error_clear(err);
		return ew_error_set(
		    err, EW_ENOCREDS,
		    "no AWS credentials for profile '%s': nothing in %s'%s' "
		    "or '%s'; run `aws configure`, choose a profile with "
		    "--profile, or run `aws sso login`",
		    profile, o->profile_explicit ? "" : "the environment, ",
		    cfg->credentials.path, cfg->config.path);
	}
	if (rc)
		return as_nocreds(rc, err);
	return 0;
}
