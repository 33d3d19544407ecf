/*
 * endpoints.h - configured endpoint overrides (docs/aws-wire.md section 6).
 *
 * For one service, the first of these wins:
 *   1. AWS_ENDPOINT_URL_<SVC>   (IAM, STS, ECR, SSO)
 *   2. AWS_ENDPOINT_URL
 *   3. the profile's `services = NAME` and, in [services NAME], the
 *      sub-section `<svc> =` with `endpoint_url = URL`
 *   4. the profile's own `endpoint_url`
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (when set it decides) or the
 * profile's `ignore_configured_endpoint_urls` being "true" skips all four.
 * The default endpoints of a partition are not resolved here:
 * ew_aws_client_init() sets them; this module only finds overrides.
 *
 * Every override is validated (http or https, a host, no spaces or
 * control characters) and the message names where the URL came from.
 *
 * Memory: the returned URL is a heap string the caller frees.
 */
#ifndef EW_ENDPOINTS_H
#define EW_ENDPOINTS_H

#include "aws_config.h"
#include "context.h"
#include "error.h"

#include <stdbool.h>

/*
 * The override for service `svc` ("iam", "sts", "ecr", "sso": the
 * lower-case key used in [services] sections; the environment variable
 * is its upper-case form) with profile `profile` of cfg (cfg may be NULL:
 * then only the environment counts).  *out is NULL when there is none.
 * EW_EINVAL for an invalid URL.
 */
int ew_endpoints_resolve(char **out, const char *svc,
			 const struct ew_context *ctx,
			 const struct ew_aws_config *cfg, const char *profile,
			 struct ew_error *err);

/* Whether configured endpoints are to be ignored (the switch above). */
bool ew_endpoints_ignored(const struct ew_context *ctx,
			  const struct ew_aws_config *cfg, const char *profile);

/*
 * Check an endpoint URL: scheme http or https, a non-empty host, an
 * optional numeric port, no whitespace or control characters.  `where`
 * names its origin for the message ("AWS_ENDPOINT_URL_IAM",
 * "'~/.aws/config' [services local] iam").  0 or EW_EINVAL.
 */
int ew_endpoints_validate(const char *url, const char *where,
			  struct ew_error *err);

#endif
