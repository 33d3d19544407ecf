/* Unit tests: endpoint overrides (endpoints.h), docs/aws-wire.md 6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws_config.h"
#include "endpoints.h"
#include "unit/aws_config_fixture.h"

static const char config_text[] = "[profile dev]\n"
				  "services = local\n"
				  "endpoint_url = http://profile-wide:1000\n"
				  "[services local]\n"
				  "iam =\n"
				  "  endpoint_url = http://iam.local:4566\n"
				  "sso =\n"
				  "  endpoint_url = https://sso.local\n"
				  "[profile plain]\n"
				  "endpoint_url = https://plain.example\n"
				  "[profile off]\n"
				  "endpoint_url = https://off.example\n"
				  "ignore_configured_endpoint_urls = true\n"
				  "[profile badurl]\n"
				  "endpoint_url = ftp://x\n";

struct fixture {
	struct ew_aws_config cfg;
	struct ew_context ctx;
	struct fx_env env;
};

static void setup_cfg(struct fixture *f)
{
	struct ew_error err;

	memset(f, 0, sizeof(*f));
	ew_aws_config_init(&f->cfg);
	assert_int_equal(ew_aws_config_parse_string(
			     &f->cfg.config, "/h/.aws/config", config_text,
			     strlen(config_text), false, &err),
			 0);
	fx_context(&f->ctx, &f->env, "/h");
}

static void release(struct fixture *f)
{
	ew_aws_config_release(&f->cfg);
	fx_env_release(&f->env);
}

/* The override for svc in profile, or "" when none; "ERR" on error. */
static const char *resolve(struct fixture *f, const char *svc,
			   const char *profile)
{
	static char buf[256];
	struct ew_error err;
	char *url = NULL;

	if (ew_endpoints_resolve(&url, svc, &f->ctx, &f->cfg, profile, &err))
		return "ERR";
	snprintf(buf, sizeof(buf), "%s", url ? url : "");
	free(url);
	return buf;
}

static void test_profile_settings(void **state)
{
	struct fixture f;

	(void)state;
	setup_cfg(&f);
	/* [services local] wins over the profile's endpoint_url */
	assert_string_equal(resolve(&f, "iam", "dev"), "http://iam.local:4566");
	assert_string_equal(resolve(&f, "sso", "dev"), "https://sso.local");
	/* no sts entry in the services section: the profile's one */
	assert_string_equal(resolve(&f, "sts", "dev"),
			    "http://profile-wide:1000");
	assert_string_equal(resolve(&f, "ecr", "plain"),
			    "https://plain.example");
	assert_string_equal(resolve(&f, "ecr", "nosuch"), "");
	/* the profile's own switch */
	assert_string_equal(resolve(&f, "ecr", "off"), "");
	release(&f);
}

static void test_environment_precedence(void **state)
{
	struct fixture f;

	(void)state;
	setup_cfg(&f);
	fx_setenv(&f.env, "AWS_ENDPOINT_URL", "http://all.env");
	assert_string_equal(resolve(&f, "iam", "dev"), "http://all.env");
	fx_setenv(&f.env, "AWS_ENDPOINT_URL_IAM", "http://iam.env:1");
	assert_string_equal(resolve(&f, "iam", "dev"), "http://iam.env:1");
	assert_string_equal(resolve(&f, "ecr", "dev"), "http://all.env");
	fx_setenv(&f.env, "AWS_ENDPOINT_URL_SSO", "https://sso.env");
	assert_string_equal(resolve(&f, "sso", "dev"), "https://sso.env");
	/* env only, without any config */
	{
		char *url = NULL;
		struct ew_error err;
		assert_int_equal(
		    ew_endpoints_resolve(&url, "ecr", &f.ctx, NULL, NULL, &err),
		    0);
		assert_string_equal(url, "http://all.env");
		free(url);
	}
	release(&f);
}

static void test_ignore_switch(void **state)
{
	struct fixture f;

	(void)state;
	setup_cfg(&f);
	fx_setenv(&f.env, "AWS_ENDPOINT_URL_IAM", "http://iam.env");
	fx_setenv(&f.env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
	assert_string_equal(resolve(&f, "iam", "dev"), "");
	assert_string_equal(resolve(&f, "sts", "dev"), "");
	/* the environment decides over the profile's switch */
	fx_setenv(&f.env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false");
	assert_string_equal(resolve(&f, "ecr", "off"), "https://off.example");
	assert_string_equal(resolve(&f, "iam", "dev"), "http://iam.env");
	release(&f);
}

static void test_validation(void **state)
{
	struct fixture f;
	struct ew_error err;
	char *url = NULL;

	(void)state;
	assert_int_equal(
	    ew_endpoints_validate("https://h.example:443/p", "x", &err), 0);
	assert_int_equal(ew_endpoints_validate("http://[::1]:8080", "x", &err),
			 0);
	assert_int_equal(ew_endpoints_validate("HTTP://127.0.0.1", "x", &err),
			 0);
	assert_int_equal(
	    ew_endpoints_validate("ftp://h", "AWS_ENDPOINT_URL", &err),
	    EW_EINVAL);
	assert_string_equal(err.message,
			    "endpoint URL 'ftp://h' from AWS_ENDPOINT_URL must "
			    "start with http:// or https://");
	assert_int_equal(ew_endpoints_validate("http://", "x", &err),
			 EW_EINVAL);
	assert_non_null(strstr(err.message, "has no host name"));
	assert_int_equal(ew_endpoints_validate("http://:80/", "x", &err),
			 EW_EINVAL);
	assert_int_equal(ew_endpoints_validate("http://h:99999", "x", &err),
			 EW_EINVAL);
	assert_non_null(strstr(err.message, "invalid port"));
	assert_int_equal(ew_endpoints_validate("http://h:", "x", &err),
			 EW_EINVAL);
	assert_int_equal(ew_endpoints_validate("http://h o", "x", &err),
			 EW_EINVAL);
	assert_int_equal(ew_endpoints_validate("http://u:p@h", "x", &err),
			 EW_EINVAL);
	assert_int_equal(ew_endpoints_validate("localhost:4566", "x", &err),
			 EW_EINVAL);

	/* the message says where the bad URL came from */
	setup_cfg(&f);
	assert_int_equal(
	    ew_endpoints_resolve(&url, "iam", &f.ctx, &f.cfg, "badurl", &err),
	    EW_EINVAL);
	assert_null(url);
	assert_non_null(strstr(err.message,
			       "'/h/.aws/config' profile badurl endpoint_url"));
	fx_setenv(&f.env, "AWS_ENDPOINT_URL_ECR", "nohttp");
	assert_int_equal(
	    ew_endpoints_resolve(&url, "ecr", &f.ctx, &f.cfg, "dev", &err),
	    EW_EINVAL);
	assert_non_null(strstr(err.message, "from AWS_ENDPOINT_URL_ECR"));
	release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_profile_settings),
	    cmocka_unit_test(test_environment_precedence),
	    cmocka_unit_test(test_ignore_switch),
	    cmocka_unit_test(test_validation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
