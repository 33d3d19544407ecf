#include "session.h"
#include "credential_chain.h"
#include "endpoints.h"

#include <stdlib.h>
#include <string.h>

static const char *const svc_key[EW_SVC_COUNT] = {
    [EW_SVC_STS] = "sts",
    [EW_SVC_IAM] = "iam",
    [EW_SVC_ECR] = "ecr",
};

void ew_session_release(struct ew_session *s)
{
	free(s->profile);
	free(s->region);
	for (int i = 0; i < EW_SVC_COUNT; i++)
		free(s->endpoint[i]);
	free(s->sso_endpoint);
	ew_credentials_release(&s->creds);
	ew_aws_config_release(&s->cfg);
	memset(s, 0, sizeof(*s));
}

static int set_region(struct ew_session *s, const char *region,
		      const char *origin, struct ew_error *err)
{
	free(s->region);
	s->region = strdup(region);
	s->region_origin = s->region ? origin : NULL;
	return s->region ? 0 : ew_error_oom(err);
}

int ew_session_resolve(struct ew_session *out, struct ew_context *ctx,
		       const struct ew_aws_options *o, struct ew_error *err)
{
	struct ew_chain_options co;
	const char *v;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ctx = ctx;
	ew_aws_config_init(&out->cfg);
	ew_credentials_init(&out->creds);

	if (o && o->profile && *o->profile) {
		v = o->profile;
		out->profile_explicit = true;
		out->profile_origin = "--profile";
	} else if ((v = ew_context_getenv(ctx, "AWS_DEFAULT_PROFILE"))) {
		out->profile_origin = "AWS_DEFAULT_PROFILE";
	} else if ((v = ew_context_getenv(ctx, "AWS_PROFILE"))) {
		out->profile_origin = "AWS_PROFILE";
	} else {
		v = "default";
		out->profile_origin = "default";
	}
	if (!(out->profile = strdup(v)))
		return ew_error_oom(err);

	/* the flag and the environment give a region even when the files
	 * cannot be read */
	if (o && o->region && *o->region)
		rc = set_region(out, o->region, "--region", err);
	else if ((v = ew_context_getenv(ctx, "AWS_REGION")))
		rc = set_region(out, v, "AWS_REGION", err);
	else if ((v = ew_context_getenv(ctx, "AWS_DEFAULT_REGION")))
		rc = set_region(out, v, "AWS_DEFAULT_REGION", err);
	else
		rc = 0;
	if (rc)
		return rc;

	if ((rc = ew_aws_config_load(&out->cfg, ctx, err)))
		return rc;
	if (strcmp(out->profile, "default") != 0 &&
	    !ew_aws_config_has_profile(&out->cfg, out->profile))
		return ew_error_set(
		    err, EW_EINVAL, "profile '%s' is not in '%s' or '%s'%s%s%s",
		    out->profile, out->cfg.config.path,
		    out->cfg.credentials.path,
		    out->profile_explicit ? "" : " (set by ",
		    out->profile_explicit ? "" : out->profile_origin,
		    out->profile_explicit ? "" : ")");
	if (!out->region &&
	    (v = ew_aws_config_get(&out->cfg, out->profile, "region")) && *v &&
	    (rc = set_region(out, v, "profile", err)))
		return rc;

	for (int i = 0; i < EW_SVC_COUNT; i++)
		if ((rc = ew_endpoints_resolve(&out->endpoint[i], svc_key[i],
					       ctx, &out->cfg, out->profile,
					       err)))
			return rc;
	if ((rc = ew_endpoints_resolve(&out->sso_endpoint, "sso", ctx,
				       &out->cfg, out->profile, err)))
		return rc;

	memset(&co, 0, sizeof(co));
	co.profile = out->profile;
	co.profile_explicit = out->profile_explicit;
	co.region = out->region;
	co.sts_endpoint = out->endpoint[EW_SVC_STS];
	co.sso_endpoint = out->sso_endpoint;
	co.process_timeout_ms = o ? o->process_timeout_ms : 0;
	co.cancel = o ? o->cancel : NULL;
	return ew_credential_chain_resolve(&out->creds, ctx, &out->cfg, &co,
					   err);
}

/* A client with the endpoint overrides applied. */
static int make_client(struct ew_aws_client *out, struct ew_context *ctx,
		       const struct ew_credentials *creds, const char *region,
		       char *const endpoint[EW_SVC_COUNT], struct ew_error *err)
{
	int rc;

	if ((rc = ew_aws_client_init(out, ctx, creds, region, err)))
		return rc;
	for (int i = 0; i < EW_SVC_COUNT; i++) {
		if (!endpoint || !endpoint[i])
			continue;
		rc = ew_aws_client_set_endpoint(out, (enum ew_service)i,
						endpoint[i], err);
		if (rc) {
			ew_aws_client_release(out);
			return rc;
		}
	}
	return 0;
}

int ew_session_client(struct ew_aws_client *out, const struct ew_session *s,
		      const char *region, struct ew_error *err)
{
	return make_client(out, s->ctx, &s->creds, region ? region : s->region,
			   s->endpoint, err);
}
