#include "endpoints.h"
#include "buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ew_endpoints_validate(const char *url, const char *where,
			  struct ew_error *err)
{
	const char *p, *host, *end;
	size_t n;

	if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return ew_error_set(err, EW_EINVAL,
				    "endpoint URL '%.200s' from %s must start "
				    "with http:// or https://",
				    url, where);
	for (p = url; *p; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return ew_error_set(err, EW_EINVAL,
					    "endpoint URL from %s contains a "
					    "space or control character",
					    where);
	n = strcspn(host, "/?#");
	end = host + n;
	if (memchr(host, '@', n))
		return ew_error_set(err, EW_EINVAL,
				    "endpoint URL '%.200s' from %s must not "
				    "contain a user name or password",
				    url, where);
	/* host[:port], where host may be a bracketed IPv6 literal */
	if (*host == '[') {
		p = memchr(host, ']', n);
		if (!p || p == host + 1)
			goto nohost;
		p++;
	} else {
		p = memchr(host, ':', n);
		if (!p)
			p = end;
		if (p == host)
			goto nohost;
	}
	if (p < end) {
		if (*p != ':' || p + 1 == end)
			goto badport;
		for (const char *q = p + 1; q < end; q++)
			if (!isdigit((unsigned char)*q))
				goto badport;
		if (strtol(p + 1, NULL, 10) > 65535 || end - p > 6)
			goto badport;
	}
	return 0;
nohost:
	return ew_error_set(err, EW_EINVAL,
			    "endpoint URL '%.200s' from %s has no host name",
			    url, where);
badport:
	return ew_error_set(err, EW_EINVAL,
			    "endpoint URL '%.200s' from %s has an invalid port",
			    url, where);
}

bool ew_endpoints_ignored(const struct ew_context *ctx,
			  const struct ew_aws_config *cfg, const char *profile)
{
	const char *v =
	    ew_context_getenv(ctx, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

	/* botocore: the environment, when set, decides over the profile */
	if (v)
		return ew_aws_config_is_true(v);
	if (!cfg || !profile)
		return false;
	return ew_aws_config_is_true(
	    ew_aws_config_get(cfg, profile, "ignore_configured_endpoint_urls"));
}

/* Copy url after validating it; where is the origin for the message. */
static int take(char **out, const char *url, const char *where,
		struct ew_error *err)
{
	int rc = ew_endpoints_validate(url, where, err);

	if (rc)
		return rc;
	*out = strdup(url);
	return *out ? 0 : ew_error_oom(err);
}

int ew_endpoints_resolve(char **out, const char *svc,
			 const struct ew_context *ctx,
			 const struct ew_aws_config *cfg, const char *profile,
			 struct ew_error *err)
{
	char env[64], key[64];
	const char *v, *services;
	struct ew_buf where;
	size_t i;
	int rc = 0;

	*out = NULL;
	ew_buf_init(&where);
	if (ew_endpoints_ignored(ctx, cfg, profile))
		goto done;
	/* AWS_ENDPOINT_URL_<SERVICE ID upper-cased, spaces to '_'> */
	snprintf(env, sizeof(env), "AWS_ENDPOINT_URL_%s", svc);
	for (i = 0; env[i]; i++)
		env[i] = env[i] == '-' || env[i] == ' '
			     ? '_'
			     : (char)toupper((unsigned char)env[i]);
	if ((v = ew_context_getenv(ctx, env))) {
		rc = take(out, v, env, err);
		goto done;
	}
	if ((v = ew_context_getenv(ctx, "AWS_ENDPOINT_URL"))) {
		rc = take(out, v, "AWS_ENDPOINT_URL", err);
		goto done;
	}
	if (!cfg || !profile)
		goto done;
	services = ew_aws_config_get(cfg, profile, "services");
	if (services && *services) {
		snprintf(key, sizeof(key), "%s.endpoint_url", svc);
		for (i = 0; key[i]; i++)
			key[i] = key[i] == '-'
				     ? '_'
				     : (char)tolower((unsigned char)key[i]);
		v = ew_ini_file_get(&cfg->config, EW_INI_SERVICES, services,
				    key);
		if (v && *v) {
			if (ew_buf_printf(&where, "'%s' [services %s] %s",
					  cfg->config.path, services, svc)) {
				rc = ew_error_oom(err);
				goto done;
			}
			rc = take(out, v, where.ptr, err);
			goto done;
		}
	}
	v = ew_aws_config_get(cfg, profile, "endpoint_url");
	if (v && *v) {
		if (ew_buf_printf(&where, "'%s' profile %s endpoint_url",
				  cfg->config.path, profile)) {
			rc = ew_error_oom(err);
			goto done;
		}
		rc = take(out, v, where.ptr, err);
	}
done:
	ew_buf_release(&where);
	return rc;
}
