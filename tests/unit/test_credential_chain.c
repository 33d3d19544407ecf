/* Unit tests: the credential chain, credential_process, SSO and the session
 * glue (profile, region).  Each test gets a temporary home, a fake
 * environment and clock; HTTP goes to a fake transport. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws_config.h"
#include "credential_chain.h"
#include "credential_process.h"
#include "session.h"
#include "sso.h"
#include "unit/aws_config_fixture.h"

/* Every secret in these tests contains this marker: no message may. */
#define MARK	    "SeCrEt"
#define SECRET_ENV  "envSeCrEt0000"
#define SECRET_FILE "fileSeCrEt1111"
#define SECRET_CONF "confSeCrEt2222"
#define SECRET_PROC "procSeCrEt3333"

struct fx {
	char *home;
	struct fx_env env;
	struct ew_context ctx;
	struct ew_aws_config cfg;
	struct fx_transport tr;
	struct ew_credentials cr;
	struct ew_error err;
	char path[700];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->home = fx_tmpdir();
	if (!f->home)
		return -1;
	fx_context(&f->ctx, &f->env, f->home);
	fx_transport_init(&f->tr, 500, "");
	f->ctx.transport = &f->tr.base;
	ew_aws_config_init(&f->cfg);
	ew_credentials_init(&f->cr);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ew_aws_config_release(&f->cfg);
	ew_credentials_release(&f->cr);
	fx_transport_release(&f->tr);
	fx_env_release(&f->env);
	free(f->home);
	free(f);
	return 0;
}

static void files(struct fx *f, const char *config, const char *credentials)
{
	struct ew_error err;

	if (config)
		fx_write(f->home, ".aws/config", config, 0600);
	if (credentials)
		fx_write(f->home, ".aws/credentials", credentials, 0600);
	ew_aws_config_release(&f->cfg);
	if (ew_aws_config_load(&f->cfg, &f->ctx, &err))
		fail_msg("load: %s", err.message);
}

/* An executable script in the home; its path is left in f->path. */
static const char *script(struct fx *f, const char *name, const char *body)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "bin/%s", name);
	fx_write(f->home, rel, body, 0755);
	snprintf(f->path, sizeof(f->path), "%s/%s", f->home, rel);
	return f->path;
}

static int chain(struct fx *f, const char *profile, bool explicit_profile)
{
	struct ew_chain_options o;

	memset(&o, 0, sizeof(o));
	o.profile = profile;
	o.profile_explicit = explicit_profile;
	o.region = "us-east-1";
	o.process_timeout_ms = 400;
	ew_credentials_release(&f->cr);
	ew_error_clear(&f->err);
	return ew_credential_chain_resolve(&f->cr, &f->ctx, &f->cfg, &o,
					   &f->err);
}

static void no_secret_in(const struct ew_error *err)
{
	if (strstr(err->message, MARK))
		fail_msg("secret in message: %s", err->message);
}

/* ---------------------------------------------------------------- env */

static void test_env_credentials(void **state)
{
	struct fx *f = *state;

	files(f, "[default]\nregion = eu-west-1\n",
	      "[default]\naws_access_key_id = AKIDFILE\n"
	      "aws_secret_access_key = " SECRET_FILE "\n");
	fx_setenv(&f->env, "AWS_ACCESS_KEY_ID", "AKIDENV");
	fx_setenv(&f->env, "AWS_SECRET_ACCESS_KEY", SECRET_ENV);
	fx_setenv(&f->env, "AWS_SECURITY_TOKEN", "legacy-token");
	fx_setenv(&f->env, "AWS_ACCOUNT_ID", "111122223333");
	assert_int_equal(chain(f, "default", false), 0);
	assert_string_equal(f->cr.access_key_id, "AKIDENV");
	assert_string_equal(f->cr.secret_access_key, SECRET_ENV);
	assert_string_equal(f->cr.session_token, "legacy-token");
	assert_string_equal(f->cr.source, "environment");
	assert_string_equal(f->cr.account_id, "111122223333");
	assert_int_equal(f->cr.expiration, 0);

	/* AWS_SESSION_TOKEN wins over the legacy name */
	fx_setenv(&f->env, "AWS_SESSION_TOKEN", "new-token");
	fx_setenv(&f->env, "AWS_CREDENTIAL_EXPIRATION", "2099-01-01T00:00:00Z");
	assert_int_equal(chain(f, "default", false), 0);
	assert_string_equal(f->cr.session_token, "new-token");
	assert_int_equal(f->cr.expiration, 4070908800);

	/* an explicit --profile skips the environment */
	assert_int_equal(chain(f, "default", true), 0);
	assert_string_equal(f->cr.access_key_id, "AKIDFILE");
	assert_string_equal(f->cr.source, "profile default (credentials file)");
	assert_null(f->cr.session_token);

	/* expired */
	fx_setenv(&f->env, "AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z");
	assert_int_equal(chain(f, "default", false), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "expired"));
}

static void test_env_half_pair(void **state)
{
	struct fx *f = *state;

	files(f, "", "");
	fx_setenv(&f->env, "AWS_SECRET_ACCESS_KEY", SECRET_ENV);
	assert_int_equal(chain(f, "default", false), EW_ENOCREDS);
	assert_string_equal(f->err.message,
			    "AWS_SECRET_ACCESS_KEY is set but "
			    "AWS_ACCESS_KEY_ID is not; set both or neither");
	no_secret_in(&f->err);
}

/* ------------------------------------------------------- static keys */

static void test_static_keys_precedence(void **state)
{
	struct fx *f = *state;

	files(f,
	      "[profile dev]\naws_access_key_id = AKIDCONF\n"
	      "aws_secret_access_key = " SECRET_CONF "\n"
	      "[profile conf]\naws_access_key_id = AKIDCONF\n"
	      "aws_secret_access_key = " SECRET_CONF "\n"
	      "aws_session_token = tok\n"
	      "[profile half]\naws_access_key_id = AKIDHALF\n",
	      "[dev]\naws_access_key_id = AKIDFILE\n"
	      "aws_secret_access_key = " SECRET_FILE "\n");
	assert_int_equal(chain(f, "dev", true), 0);
	assert_string_equal(f->cr.access_key_id, "AKIDFILE");
	assert_string_equal(f->cr.source, "profile dev (credentials file)");
	assert_int_equal(chain(f, "conf", true), 0);
	assert_string_equal(f->cr.access_key_id, "AKIDCONF");
	assert_string_equal(f->cr.session_token, "tok");
	assert_string_equal(f->cr.source, "profile conf (config file)");
	assert_int_equal(chain(f, "half", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "has aws_access_key_id but no "
					       "aws_secret_access_key"));
}

static void test_nothing_found(void **state)
{
	struct fx *f = *state;

	files(f, "[profile x]\nregion = r\n", NULL);
	assert_int_equal(chain(f, "x", false), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message,
			       "no AWS credentials for profile 'x': nothing "
			       "in the environment, '"));
	assert_non_null(strstr(f->err.message, "aws configure"));
	assert_non_null(strstr(f->err.message, "--profile"));
	assert_non_null(strstr(f->err.message, "aws sso login"));
	assert_int_equal(chain(f, "x", true), EW_ENOCREDS);
	assert_null(strstr(f->err.message, "environment"));
}

/* ------------------------------------------------ credential_process */

static void test_process_split(void **state)
{
	char **argv;
	int argc;
	struct ew_error err;

	(void)state;
	assert_int_equal(ew_credential_process_split(
			     &argv, &argc,
			     "a \"b c\" 'd e' f\\ g \"h\\\"i\" \"j\\k\" "
			     "x\"\"y ''",
			     &err),
			 0);
	/* what Python's shlex.split() gives for the same line */
	assert_int_equal(argc, 8);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "b c");
	assert_string_equal(argv[2], "d e");
	assert_string_equal(argv[3], "f g");
	assert_string_equal(argv[4], "h\"i");
	assert_string_equal(argv[5], "j\\k");
	assert_string_equal(argv[6], "xy");
	assert_string_equal(argv[7], "");
	assert_null(argv[8]);
	ew_credential_process_free_argv(argv);
	assert_int_equal(
	    ew_credential_process_split(&argv, &argc, "a 'b", &err), EW_EINVAL);
	assert_non_null(strstr(err.message, "unclosed single quote"));
	assert_int_equal(ew_credential_process_split(&argv, &argc, "a\\", &err),
			 EW_EINVAL);
	assert_int_equal(ew_credential_process_split(&argv, &argc, "  ", &err),
			 EW_EINVAL);
}

static void test_process_success(void **state)
{
	struct fx *f = *state;
	char cfg[1200];

	script(f, "ok.sh",
	       "#!/bin/sh\n"
	       "[ \"$1\" = \"--arg with space\" ] || exit 9\n"
	       "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\",'\n"
	       "echo '\"SecretAccessKey\": \"" SECRET_PROC "\",'\n"
	       "echo '\"SessionToken\": \"ptok\", \"AccountId\": "
	       "\"444455556666\",'\n"
	       "echo '\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n");
	snprintf(cfg, sizeof(cfg),
		 "[profile p]\ncredential_process = %s '--arg with space'\n"
		 "aws_access_key_id = AKIDCONF\n"
		 "aws_secret_access_key = " SECRET_CONF "\n",
		 f->path);
	files(f, cfg, "");
	/* the process comes before static keys in the config file */
	assert_int_equal(chain(f, "p", false), 0);
	assert_string_equal(f->cr.access_key_id, "AKIDPROC");
	assert_string_equal(f->cr.secret_access_key, SECRET_PROC);
	assert_string_equal(f->cr.session_token, "ptok");
	assert_string_equal(f->cr.account_id, "444455556666");
	assert_int_equal(f->cr.expiration, 4070908800);
	assert_string_equal(f->cr.source, "credential_process (profile p)");

	/* static keys in the credentials file come before the process */
	files(f, NULL,
	      "[p]\naws_access_key_id = AKIDFILE\n"
	      "aws_secret_access_key = " SECRET_FILE "\n");
	assert_int_equal(chain(f, "p", false), 0);
	assert_string_equal(f->cr.access_key_id, "AKIDFILE");
}

/* Run a script as the credential_process of profile p; return the code. */
static int run_process(struct fx *f, const char *name, const char *body)
{
	char cfg[900];

	script(f, name, body);
	snprintf(cfg, sizeof(cfg), "[profile p]\ncredential_process = %s\n",
		 f->path);
	files(f, cfg, "");
	return chain(f, "p", true);
}

static void test_process_failures(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
	    run_process(f, "fail.sh",
			"#!/bin/sh\n"
			"echo '{\"Version\":1,\"AccessKeyId\":\"A\","
			"\"SecretAccessKey\":\"" SECRET_PROC "\"}'\n"
			"echo >&2\n"
			"echo '  token expired, log in again  ' "
			">&2\necho second line >&2\nexit 3\n"),
	    EW_ENOCREDS);
	assert_string_equal(f->err.message,
			    "profile 'p': credential_process 'fail.sh' "
			    "exited with status 3: token expired, log in "
			    "again");

	assert_int_equal(run_process(f, "badjson.sh",
				     "#!/bin/sh\necho '{\"Version\": 1, "
				     "\"SecretAccessKey\": \"" SECRET_PROC
				     "\"'\n"),
			 EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "not a JSON object"));
	no_secret_in(&f->err);

	assert_int_equal(run_process(f, "v2.sh",
				     "#!/bin/sh\necho '{\"Version\": 2, "
				     "\"AccessKeyId\": \"A\", "
				     "\"SecretAccessKey\": \"" SECRET_PROC
				     "\"}'\n"),
			 EW_ENOCREDS);
	assert_non_null(
	    strstr(f->err.message, "Version 2; only 1 is supported"));

	assert_int_equal(run_process(f, "nokey.sh",
				     "#!/bin/sh\necho '{\"Version\": 1, "
				     "\"AccessKeyId\": \"A\"}'\n"),
			 EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "has no SecretAccessKey"));

	assert_int_equal(run_process(f, "expired.sh",
				     "#!/bin/sh\necho '{\"Version\": 1, "
				     "\"AccessKeyId\": \"A\", "
				     "\"SecretAccessKey\": \"" SECRET_PROC
				     "\", \"Expiration\": "
				     "\"2001-02-03T04:05:06Z\"}'\n"),
			 EW_ENOCREDS);
	assert_non_null(strstr(f->err.message,
			       "returned credentials that expired at "
			       "2001-02-03T04:05:06Z"));
	no_secret_in(&f->err);

	assert_int_equal(
	    run_process(f, "killed.sh", "#!/bin/sh\nkill -TERM $$\n"),
	    EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "killed by signal 15"));
}

static void test_process_hang_and_flood(void **state)
{
	struct fx *f = *state;
	time_t t0 = time(NULL);

	/* the child's own child (sleep) is killed too: same group */
	assert_int_equal(
	    run_process(f, "hang.sh", "#!/bin/sh\nsleep 30\necho never\n"),
	    EW_ENOCREDS);
	assert_non_null(strstr(f->err.message,
			       "credential_process 'hang.sh' did not finish "
			       "within 1 s; it was stopped"));
	assert_true(time(NULL) - t0 < 10);

	assert_int_equal(run_process(f, "flood.sh",
				     "#!/bin/sh\nwhile :; do echo "
				     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; "
				     "done\n"),
			 EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "flooded its output"));

	assert_int_equal(run_process(f, "x", "#!/bin/sh\n"), EW_ENOCREDS);
	{
		char cfg[200];
		snprintf(cfg, sizeof(cfg),
			 "[profile p]\ncredential_process "
			 "= /nonexistent/tool --x\n");
		files(f, cfg, "");
		assert_int_equal(chain(f, "p", true), EW_ENOCREDS);
		assert_non_null(strstr(f->err.message,
				       "cannot run credential_process 'tool'"));
	}
}

static void test_process_cancel(void **state)
{
	struct fx *f = *state;
	struct ew_credential_process_options o = {5000, 0, NULL};
	struct ew_cancel c;
	struct ew_error err;
	time_t t0 = time(NULL);

	ew_cancel_init(&c);
	ew_cancel_request(&c);
	o.cancel = &c;
	script(f, "slow.sh", "#!/bin/sh\nsleep 20\n");
	assert_int_equal(
	    ew_credential_process_run(&f->cr, f->path, &o, &f->ctx, &err),
	    EW_ECANCEL);
	assert_string_equal(err.message,
			    "credential_process 'slow.sh' cancelled");
	assert_true(time(NULL) - t0 < 4);
	ew_cancel_release(&c);
}

/* -------------------------------------------------------- assume role */

static void test_assume_role_config_errors(void **state)
{
	struct fx *f = *state;

	files(f,
	      "[profile a]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "source_profile = b\n"
	      "[profile b]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "source_profile = c\n"
	      "[profile c]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "source_profile = a\n"
	      "[profile mfa]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "source_profile = keys\nmfa_serial = arn:aws:iam::1:mfa/u\n"
	      "[profile both]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "source_profile = keys\ncredential_source = Environment\n"
	      "[profile none]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "[profile ec2]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "credential_source = Ec2InstanceMetadata\n"
	      "[profile envsrc]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "credential_source = Environment\n"
	      "[profile missing]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "source_profile = ghost\n"
	      "[profile nokeys]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "source_profile = empty\n[profile empty]\n"
	      "[profile baddur]\nrole_arn = arn:aws:iam::1:role/r\n"
	      "source_profile = keys\nduration_seconds = 1h\n",
	      "[keys]\naws_access_key_id = AKIDFILE\n"
	      "aws_secret_access_key = " SECRET_FILE "\n");

	assert_int_equal(chain(f, "a", true), EW_ENOCREDS);
	assert_string_equal(f->err.message, "source_profile loop: 'a' -> 'b' "
					    "-> 'c' -> 'a'");
	assert_int_equal(f->tr.calls, 0);

	assert_int_equal(chain(f, "mfa", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "not supported without a "
					       "prompt"));
	assert_int_equal(chain(f, "both", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "both source_profile and "
					       "credential_source"));
	assert_int_equal(chain(f, "none", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "neither source_profile nor "
					       "credential_source"));
	assert_int_equal(chain(f, "ec2", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "Ec2InstanceMetadata is not "
					       "supported"));
	assert_int_equal(chain(f, "envsrc", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "AWS_ACCESS_KEY_ID and "
					       "AWS_SECRET_ACCESS_KEY are not "
					       "set"));
	assert_int_equal(chain(f, "missing", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "source_profile 'ghost', "
					       "which is in neither"));
	assert_int_equal(chain(f, "nokeys", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "source_profile 'empty' of "
					       "profile 'nokeys' has no "
					       "credentials"));
	assert_int_equal(chain(f, "baddur", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "duration_seconds '1h'"));
	assert_int_equal(f->tr.calls, 0);
}

/* AssumeRole through a fake STS: checks the request that is sent. */
static void test_assume_role_request(void **state)
{
	static const char answer[] =
	    "<AssumeRoleResponse "
	    "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
	    "<AssumeRoleResult><Credentials>"
	    "<AccessKeyId>ASIAROLE</AccessKeyId>"
	    "<SecretAccessKey>roleSeCrEt</SecretAccessKey>"
	    "<SessionToken>roletoken</SessionToken>"
	    "<Expiration>2099-01-01T00:00:00Z</Expiration>"
	    "</Credentials><AssumedRoleUser>"
	    "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>"
	    "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"
	    "</AssumeRoleResult></AssumeRoleResponse>";
	struct fx *f = *state;

	files(f,
	      "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
	      "source_profile = self\nrole_session_name = my-session\n"
	      "external_id = ext-1\nduration_seconds = 900\n"
	      "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
	      "source_profile = self\n",
	      "[self]\naws_access_key_id = AKIDSELF\n"
	      "aws_secret_access_key = " SECRET_FILE "\n");
	f->tr.status = 200;
	f->tr.body = answer;
	fx_setenv(&f->env, "AWS_ACCESS_KEY_ID", "AKIDENV");
	fx_setenv(&f->env, "AWS_SECRET_ACCESS_KEY", SECRET_ENV);
	/* AWS_PROFILE-style selection (not explicit): env keys win */
	assert_int_equal(chain(f, "r", false), 0);
	assert_string_equal(f->cr.source, "environment");
	assert_int_equal(f->tr.calls, 0);

	assert_int_equal(chain(f, "r", true), 0);
	assert_string_equal(f->cr.access_key_id, "ASIAROLE");
	assert_string_equal(f->cr.session_token, "roletoken");
	assert_string_equal(f->cr.source, "assume-role (profile r)");
	assert_int_equal(f->tr.calls, 1);
	assert_string_equal(f->tr.url, "https://sts.us-east-1.amazonaws.com");
	assert_non_null(strstr(f->tr.req_body.ptr, "Action=AssumeRole&"));
	assert_non_null(
	    strstr(f->tr.req_body.ptr, "RoleSessionName=my-session"));
	assert_non_null(strstr(f->tr.req_body.ptr, "ExternalId=ext-1"));
	assert_non_null(strstr(f->tr.req_body.ptr, "DurationSeconds=900"));
	/* signed with the source profile's key (self-reference with keys) */
	assert_non_null(strstr(f->tr.headers.ptr, "Credential=AKIDSELF/"));

	/* a failing STS: the code and AWS fields reach the caller */
	f->tr.status = 403;
	f->tr.body = "<ErrorResponse><Error><Type>Sender</Type>"
		     "<Code>AccessDenied</Code><Message>not allowed</Message>"
		     "</Error><RequestId>rid</RequestId></ErrorResponse>";
	assert_int_equal(chain(f, "r", true), EW_ENOCREDS);
	assert_string_equal(f->err.aws_code, "AccessDenied");
	assert_non_null(strstr(f->err.message,
			       "cannot assume role "
			       "'arn:aws:iam::123456789012:role/r'"));
	no_secret_in(&f->err);
}

static void test_web_identity(void **state)
{
	static const char answer[] =
	    "<AssumeRoleWithWebIdentityResponse>"
	    "<AssumeRoleWithWebIdentityResult><Credentials>"
	    "<AccessKeyId>ASIAWEB</AccessKeyId>"
	    "<SecretAccessKey>webSeCrEt</SecretAccessKey>"
	    "<SessionToken>webtoken</SessionToken>"
	    "<Expiration>2099-01-01T00:00:00Z</Expiration>"
	    "</Credentials></AssumeRoleWithWebIdentityResult>"
	    "</AssumeRoleWithWebIdentityResponse>";
	struct fx *f = *state;
	char cfg[900];

	fx_write(f->home, "token.jwt", "eyJhbGciOi.jwt.body\n", 0600);
	snprintf(cfg, sizeof(cfg),
		 "[profile w]\nrole_arn = arn:aws:iam::1:role/web\n"
		 "web_identity_token_file = %s/token.jwt\n",
		 f->home);
	files(f, cfg, "");
	f->tr.status = 200;
	f->tr.body = answer;
	fx_setenv(&f->env, "AWS_ENDPOINT_URL_STS", "http://sts.local:1");
	{
		struct ew_session s;
		struct ew_aws_options o = {"w", "eu-west-1", NULL, 0};
		assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err),
				 0);
		assert_string_equal(s.creds.access_key_id, "ASIAWEB");
		assert_string_equal(s.creds.source, "web-identity (profile w)");
		assert_int_equal(s.creds.expiration, 4070908800);
		ew_session_release(&s);
	}
	assert_string_equal(f->tr.url, "http://sts.local:1");
	assert_string_equal(f->tr.method, "POST");
	/* unsigned */
	assert_null(strstr(f->tr.headers.ptr, "Authorization"));
	assert_non_null(
	    strstr(f->tr.req_body.ptr, "Action=AssumeRoleWithWebIdentity"));
	assert_non_null(
	    strstr(f->tr.req_body.ptr,
		   "WebIdentityToken=eyJhbGciOi.jwt.body&") ||
	    strstr(f->tr.req_body.ptr, "WebIdentityToken=eyJhbGciOi.jwt.body"));
	assert_non_null(strstr(f->tr.req_body.ptr, "RoleSessionName=ecr-"
						   "wizard-"));
}

/* A token file the profile names but that cannot be used is an error
 * naming the file, never a silent fall-through to the next source. */
static void test_web_identity_bad_token(void **state)
{
	struct fx *f = *state;
	struct ew_session s;
	struct ew_aws_options o = {"w", "eu-west-1", NULL, 0};
	char cfg[900], path[700];

	snprintf(cfg, sizeof(cfg),
		 "[profile w]\nrole_arn = arn:aws:iam::1:role/web\n"
		 "web_identity_token_file = %s/token.jwt\n",
		 f->home);
	files(f, cfg, "");
	snprintf(path, sizeof(path), "%s/token.jwt", f->home);

	/* missing */
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err),
			 EW_ENOCREDS);
	ew_session_release(&s);
	assert_non_null(strstr(f->err.message, "with a web identity"));
	assert_non_null(strstr(f->err.message, path));
	assert_non_null(strstr(f->err.message, "No such file"));

	/* blank */
	fx_write(f->home, "token.jwt", " \r\n", 0600);
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err),
			 EW_ENOCREDS);
	ew_session_release(&s);
	assert_non_null(strstr(f->err.message, "is empty"));

	/* a directory */
	assert_int_equal(unlink(path), 0);
	fx_write(f->home, "token.jwt/x", "", 0600);
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err),
			 EW_ENOCREDS);
	ew_session_release(&s);
	assert_non_null(strstr(f->err.message, path));
	assert_non_null(strstr(f->err.message, "Is a directory"));
	/* nothing was sent */
	assert_int_equal(f->tr.calls, 0);
}

/* ---------------------------------------------------------------- SSO */

static const char sso_config[] =
    "[profile s]\nsso_session = corp\nsso_account_id = 123456789012\n"
    "sso_role_name = Admin Role\n"
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = eu-central-1\n"
    "[profile legacy]\nsso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = us-west-2\nsso_account_id = 210987654321\n"
    "sso_role_name = Dev\n"
    "[profile partial]\nsso_account_id = 1\n";

static void test_sso_cache_path(void **state)
{
	struct fx *f = *state;
	char *p = NULL, want[700];

	assert_int_equal(ew_sso_cache_path(&p, &f->ctx, "corp", &f->err), 0);
	snprintf(want, sizeof(want),
		 "%s/.aws/sso/cache/"
		 "ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
		 f->home);
	assert_string_equal(p, want);
	free(p);
	assert_int_equal(ew_sso_cache_path(&p, &f->ctx,
					   "https://corp.awsapps.com/start",
					   &f->err),
			 0);
	assert_non_null(
	    strstr(p, "a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json"));
	free(p);
}

static void test_sso_times(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(ew_sso_parse_time(&t, "2021-12-11T07:18:18Z", NULL),
			 0);
	assert_int_equal(t, 1639207098);
	assert_int_equal(ew_sso_parse_time(&t, "2021-12-11T07:18:18UTC", NULL),
			 0);
	assert_int_equal(t, 1639207098);
	assert_int_equal(
	    ew_sso_parse_time(&t, "2021-12-11T07:18:18+00:00", NULL), 0);
	assert_int_equal(t, 1639207098);
	assert_int_equal(
	    ew_sso_parse_time(&t, "2021-12-11T07:18:18.123Z", NULL), 0);
	assert_int_equal(t, 1639207098);
	assert_int_not_equal(ew_sso_parse_time(&t, "yesterday", NULL), 0);
}

static void sso_token(struct fx *f, const char *key, const char *expires)
{
	char *p = NULL, rel[200], body[300];

	assert_int_equal(ew_sso_cache_path(&p, &f->ctx, key, &f->err), 0);
	snprintf(rel, sizeof(rel), ".aws/sso/cache/%s", strrchr(p, '/') + 1);
	snprintf(body, sizeof(body),
		 "{\"startUrl\": \"https://corp.awsapps.com/start\", "
		 "\"region\": \"eu-central-1\", "
		 "\"accessToken\": \"ssoSeCrEtToken\", \"expiresAt\": \"%s\"}",
		 expires);
	fx_write(f->home, rel, body, 0600);
	free(p);
}

static void test_sso_flow(void **state)
{
	struct fx *f = *state;

	files(f, sso_config, NULL);
	f->env.now = 1700000000; /* 2023-11-14 */

	/* no token yet */
	assert_int_equal(chain(f, "s", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "run `aws sso login --profile "
					       "s`"));
	assert_int_equal(f->tr.calls, 0);

	/* expired token, old CLI's form */
	sso_token(f, "corp", "2023-11-14T00:00:00UTC");
	assert_int_equal(chain(f, "s", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "has expired; run `aws sso "
					       "login --profile s`"));
	no_secret_in(&f->err);
	assert_int_equal(f->tr.calls, 0);

	/* valid token: the portal is asked */
	sso_token(f, "corp", "2023-11-15T00:00:00+00:00");
	f->tr.status = 200;
	f->tr.body = "{\"roleCredentials\": {\"accessKeyId\": \"ASIASSO\", "
		     "\"secretAccessKey\": \"ssoSeCrEt\", \"sessionToken\": "
		     "\"ssotok\", \"expiration\": 1700003600000}}";
	assert_int_equal(chain(f, "s", true), 0);
	assert_string_equal(f->cr.access_key_id, "ASIASSO");
	assert_string_equal(f->cr.session_token, "ssotok");
	assert_int_equal(f->cr.expiration, 1700003600);
	assert_string_equal(f->cr.account_id, "123456789012");
	assert_string_equal(f->cr.source, "sso (profile s)");
	assert_string_equal(f->tr.method, "GET");
	assert_string_equal(f->tr.url,
			    "https://portal.sso.eu-central-1.amazonaws.com/"
			    "federation/credentials?role_name=Admin%20Role&"
			    "account_id=123456789012");
	assert_non_null(strstr(f->tr.headers.ptr,
			       "x-amz-sso_bearer_token: ssoSeCrEtToken\n"));

	/* the portal rejects the token */
	f->tr.status = 401;
	f->tr.body = "{\"message\":\"Session token not found or invalid\"}";
	assert_int_equal(chain(f, "s", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message, "aws sso login --profile s"));
	no_secret_in(&f->err);

	/* legacy profile: key is the start URL; endpoint override */
	sso_token(f, "https://corp.awsapps.com/start", "2023-11-15T00:00:00Z");
	f->tr.status = 200;
	f->tr.body = "{\"roleCredentials\": {\"accessKeyId\": \"ASIALEG\", "
		     "\"secretAccessKey\": \"x\", \"expiration\": 0}}";
	{
		struct ew_chain_options o;
		memset(&o, 0, sizeof(o));
		o.profile = "legacy";
		o.profile_explicit = true;
		o.sso_endpoint = "http://127.0.0.1:9/";
		ew_credentials_release(&f->cr);
		assert_int_equal(ew_credential_chain_resolve(
				     &f->cr, &f->ctx, &f->cfg, &o, &f->err),
				 0);
	}
	assert_string_equal(f->cr.access_key_id, "ASIALEG");
	assert_string_equal(f->tr.url, "http://127.0.0.1:9/federation/"
				       "credentials?role_name=Dev&account_id="
				       "210987654321");

	assert_int_equal(chain(f, "partial", true), EW_ENOCREDS);
	assert_non_null(strstr(f->err.message,
			       "configured for SSO but lacks sso_start_url, "
			       "sso_region, sso_role_name"));
}

/* ------------------------------------------------------------ session */

static void test_session_profile_and_region(void **state)
{
	struct fx *f = *state;
	struct ew_session s;
	struct ew_aws_options o = {NULL, NULL, NULL, 0};

	files(f,
	      "[default]\nregion = eu-west-1\n"
	      "[profile dev]\nregion = ap-south-1\n"
	      "[profile other]\nregion = sa-east-1\n",
	      "[default]\naws_access_key_id = AKIDDEF\n"
	      "aws_secret_access_key = " SECRET_FILE "\n"
	      "[dev]\naws_access_key_id = AKIDDEV\n"
	      "aws_secret_access_key = " SECRET_FILE "\n"
	      "[other]\naws_access_key_id = AKIDOTHER\n"
	      "aws_secret_access_key = " SECRET_FILE "\n");

	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err), 0);
	assert_string_equal(s.profile, "default");
	assert_string_equal(s.region, "eu-west-1");
	assert_string_equal(s.region_origin, "profile");
	assert_string_equal(s.creds.access_key_id, "AKIDDEF");
	ew_session_release(&s);

	fx_setenv(&f->env, "AWS_PROFILE", "dev");
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err), 0);
	assert_string_equal(s.profile, "dev");
	assert_false(s.profile_explicit);
	assert_string_equal(s.region, "ap-south-1");
	assert_string_equal(s.creds.access_key_id, "AKIDDEV");
	ew_session_release(&s);

	/* botocore reads AWS_DEFAULT_PROFILE first */
	fx_setenv(&f->env, "AWS_DEFAULT_PROFILE", "other");
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err), 0);
	assert_string_equal(s.profile, "other");
	assert_string_equal(s.profile_origin, "AWS_DEFAULT_PROFILE");
	ew_session_release(&s);

	/* region: AWS_DEFAULT_REGION < AWS_REGION < --region */
	fx_setenv(&f->env, "AWS_DEFAULT_REGION", "us-west-1");
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err), 0);
	assert_string_equal(s.region, "us-west-1");
	ew_session_release(&s);
	fx_setenv(&f->env, "AWS_REGION", "us-west-2");
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err), 0);
	assert_string_equal(s.region, "us-west-2");
	assert_string_equal(s.region_origin, "AWS_REGION");
	ew_session_release(&s);
	o.region = "ca-central-1";
	o.profile = "dev";
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err), 0);
	assert_string_equal(s.region, "ca-central-1");
	assert_string_equal(s.profile, "dev");
	assert_true(s.profile_explicit);
	ew_session_release(&s);

	/* an unknown explicit profile */
	o.profile = "nope";
	assert_int_equal(ew_session_resolve(&s, &f->ctx, &o, &f->err),
			 EW_EINVAL);
	{
		char want[800];
		snprintf(want, sizeof(want),
			 "profile 'nope' is not in '%s/.aws/config' or "
			 "'%s/.aws/credentials'",
			 f->home, f->home);
		assert_string_equal(f->err.message, want);
	}
	/* the region is still known */
	assert_string_equal(s.region, "ca-central-1");
	ew_session_release(&s);
}

static void test_session_no_region_no_creds(void **state)
{
	struct fx *f = *state;
	struct ew_session s;

	files(f, "[default]\n", "");
	fx_setenv(&f->env, "AWS_ENDPOINT_URL_IAM", "http://iam.local");
	assert_int_equal(ew_session_resolve(&s, &f->ctx, NULL, &f->err),
			 EW_ENOCREDS);
	assert_null(s.region);
	assert_string_equal(s.endpoint[EW_SVC_IAM], "http://iam.local");
	assert_null(s.endpoint[EW_SVC_ECR]);
	assert_false(ew_credentials_is_set(&s.creds));
	ew_session_release(&s);

	/* a malformed file stops resolution with its line */
	files(f, "[default]\n", NULL);
	fx_write(f->home, ".aws/config", "[default\n", 0600);
	assert_int_equal(ew_session_resolve(&s, &f->ctx, NULL, &f->err),
			 EW_EPARSE);
	assert_non_null(strstr(f->err.message, "config' line 1: section "
					       "header is not closed"));
	ew_session_release(&s);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_env_credentials),
	    T(test_env_half_pair),
	    T(test_static_keys_precedence),
	    T(test_nothing_found),
	    T(test_process_split),
	    T(test_process_success),
	    T(test_process_failures),
	    T(test_process_hang_and_flood),
	    T(test_process_cancel),
	    T(test_assume_role_config_errors),
	    T(test_assume_role_request),
	    T(test_web_identity),
	    T(test_web_identity_bad_token),
	    T(test_sso_cache_path),
	    T(test_sso_times),
	    T(test_sso_flow),
	    T(test_session_profile_and_region),
	    T(test_session_no_region_no_creds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
