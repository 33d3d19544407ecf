/* Unit tests: the config and credentials files (aws_config.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws_config.h"
#include "unit/aws_config_fixture.h"

static void parse_ok(struct ew_ini_file *f, const char *text, bool creds)
{
	struct ew_error err;
	int rc;

	ew_error_clear(&err);
	rc = ew_aws_config_parse_string(f, "/h/.aws/config", text, strlen(text),
					creds, &err);
	if (rc)
		fail_msg("parse failed: %s", err.message);
}

static int parse_bad(const char *text, struct ew_error *err)
{
	struct ew_ini_file f;
	int rc;

	ew_error_clear(err);
	rc = ew_aws_config_parse_string(&f, "/home/u/.aws/config", text,
					strlen(text), false, err);
	ew_ini_file_release(&f);
	return rc;
}

static void test_profiles_and_sections(void **state)
{
	static const char text[] =
	    "# comment\n"
	    "; another\n"
	    "[default]\n"
	    "region = eu-west-1\n"
	    "Output = json\n"
	    "\n"
	    "[profile dev]\n"
	    "region=us-east-2\n"
	    "credential_process = /bin/tool --a ; b # not a comment\n"
	    "[profile default]\n"
	    "output = text\n"
	    "[sso-session corp]\n"
	    "sso_region = eu-central-1\n"
	    "[profile \"with space\"]\n"
	    "region = ap-south-1\n"
	    "[preview]\n"
	    "region = nowhere\n"
	    "[profile empty]\n";
	struct ew_ini_file f;

	(void)state;
	parse_ok(&f, text, false);
	assert_true(f.exists);
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "default", "region"),
	    "eu-west-1");
	/* [profile default] is the same profile; the later key wins; keys
	 * are case-insensitive */
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "default", "output"), "text");
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "dev", "region"), "us-east-2");
	/* no inline comments, as configparser */
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "dev", "credential_process"),
	    "/bin/tool --a ; b # not a comment");
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_SSO_SESSION, "corp", "sso_region"),
	    "eu-central-1");
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "with space", "region"),
	    "ap-south-1");
	/* [preview] is not a profile */
	assert_null(ew_ini_file_get(&f, EW_INI_PROFILE, "preview", "region"));
	assert_true(ew_ini_file_has_section(&f, EW_INI_PROFILE, "empty"));
	assert_false(ew_ini_file_has_section(&f, EW_INI_PROFILE, "nope"));
	/* the line of a key is kept */
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.entries[i].key, "output") == 0 &&
		    strcmp(f.entries[i].value, "json") == 0)
			assert_int_equal(f.entries[i].line, 5);
	ew_ini_file_release(&f);
}

static void test_credentials_file_sections(void **state)
{
	static const char text[] = "[default]\n"
				   "aws_access_key_id = AKIDDEFAULT\n"
				   "[profile dev]\n"
				   "aws_access_key_id = AKIDODD\n"
				   "[dev]\n"
				   "aws_access_key_id = AKIDDEV\n";
	struct ew_ini_file f;

	(void)state;
	parse_ok(&f, text, true);
	/* bare names only: "[profile dev]" is a profile called that */
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "dev", "aws_access_key_id"),
	    "AKIDDEV");
	assert_string_equal(ew_ini_file_get(&f, EW_INI_PROFILE, "profile dev",
					    "aws_access_key_id"),
			    "AKIDODD");
	ew_ini_file_release(&f);
}

static void test_services_subsections(void **state)
{
	static const char text[] = "[profile dev]\n"
				   "services = local\n"
				   "[services local]\n"
				   "iam =\n"
				   "  endpoint_url = http://localhost:4566\n"
				   "\n"
				   "ecr =\n"
				   "\tendpoint_url = http://localhost:4567\n"
				   "\tother = x = y\n"
				   "sts = \n"
				   "    endpoint_url=http://sts.local\n";
	struct ew_ini_file f;

	(void)state;
	parse_ok(&f, text, false);
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_SERVICES, "local", "iam.endpoint_url"),
	    "http://localhost:4566");
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_SERVICES, "local", "ecr.endpoint_url"),
	    "http://localhost:4567");
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_SERVICES, "local", "ecr.other"),
	    "x = y");
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_SERVICES, "local", "sts.endpoint_url"),
	    "http://sts.local");
	ew_ini_file_release(&f);
}

static void test_indentation_and_multiline(void **state)
{
	static const char text[] = "\xEF\xBB\xBF[default]\r\n"
				   "  region = eu-west-3\r\n"
				   "  output = json\r\n"
				   "[profile m]\n"
				   "credential_process = first\n"
				   "   second\n"
				   "region = r\n";
	struct ew_ini_file f;

	(void)state;
	parse_ok(&f, text, false);
	/* equally indented keys are keys, not continuations */
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "default", "region"),
	    "eu-west-3");
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "default", "output"), "json");
	/* a deeper indented line continues a non-empty value */
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "m", "credential_process"),
	    "first\nsecond");
	assert_string_equal(ew_ini_file_get(&f, EW_INI_PROFILE, "m", "region"),
			    "r");
	ew_ini_file_release(&f);
}

static void test_long_lines_are_not_cut(void **state)
{
	struct ew_ini_file f;
	struct ew_buf b;
	char *token = malloc(3001);

	(void)state;
	memset(token, 'T', 3000);
	token[3000] = 0;
	ew_buf_init(&b);
	ew_buf_printf(&b,
		      "[default]\naws_session_token = %s\nregion = x\n"
		      "aws_secret_access_key = s\n",
		      token);
	parse_ok(&f, b.ptr, true);
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "default", "aws_session_token"),
	    token);
	assert_string_equal(
	    ew_ini_file_get(&f, EW_INI_PROFILE, "default", "region"), "x");
	ew_ini_file_release(&f);
	ew_buf_release(&b);
	free(token);
}

static void test_malformed_files(void **state)
{
	struct ew_error err;

	(void)state;
	assert_int_equal(parse_bad("[default]\nregion = x\n\n\n\n\n"
				   "[profile dev\nregion = y\n",
				   &err),
			 EW_EPARSE);
	assert_string_equal(err.message,
			    "'/home/u/.aws/config' line 7: section header is "
			    "not closed ('[profile dev')");

	assert_int_equal(parse_bad("[default]\nregion us-east-1\n", &err),
			 EW_EPARSE);
	assert_string_equal(err.message,
			    "'/home/u/.aws/config' line 2: 'region' is not "
			    "followed by '=' (expected 'name = value')");

	/* a lone word may be a pasted secret: never quoted */
	assert_int_equal(
	    parse_bad("[default]\nwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n",
		      &err),
	    EW_EPARSE);
	assert_non_null(strstr(err.message, "line 2"));
	assert_null(strstr(err.message, "wJalr"));

	assert_int_equal(parse_bad("region = x\n[default]\n", &err), EW_EPARSE);
	assert_string_equal(err.message,
			    "'/home/u/.aws/config' line 1: 'region' comes "
			    "before any [section] header");

	assert_int_equal(
	    parse_bad("[services s]\niam =\n  endpoint_url\n", &err),
	    EW_EPARSE);
	assert_string_equal(err.message,
			    "'/home/u/.aws/config' line 3: expected 'name = "
			    "value' in the 'iam' sub-section");

	assert_int_equal(parse_bad("[]\n", &err), EW_EPARSE);
	assert_non_null(strstr(err.message, "line 1: empty section name"));

	assert_int_equal(parse_bad("[profile "
				   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				   "aaaaaaaa]\n",
				   &err),
			 EW_EPARSE);
	assert_non_null(strstr(err.message, "longer than 49"));

	assert_int_equal(parse_bad("[default]\n= value\n", &err), EW_EPARSE);
	assert_non_null(strstr(err.message, "line 2: a value without"));
}

static void test_load_files(void **state)
{
	struct ew_aws_config cfg;
	struct ew_context ctx;
	struct fx_env env = {0};
	struct ew_error err;
	char *home = fx_tmpdir(), path[600];
	const char **names;
	size_t n;
	int rc;

	(void)state;
	assert_non_null(home);
	fx_context(&ctx, &env, home);

	/* no files at all: fine and empty */
	rc = ew_aws_config_load(&cfg, &ctx, &err);
	assert_int_equal(rc, 0);
	assert_false(cfg.config.exists);
	assert_false(cfg.credentials.exists);
	snprintf(path, sizeof(path), "%s/.aws/config", home);
	assert_string_equal(cfg.config.path, path);
	ew_aws_config_release(&cfg);

	fx_write(home, ".aws/config",
		 "[profile b]\nregion = r\n[profile a]\n[default]\n", 0600);
	fx_write(home, ".aws/credentials", "[c]\n[a]\nx = 1\n", 0600);
	rc = ew_aws_config_load(&cfg, &ctx, &err);
	assert_int_equal(rc, 0);
	assert_true(ew_aws_config_has_profile(&cfg, "c"));
	assert_true(ew_aws_config_has_profile(&cfg, "a"));
	assert_false(ew_aws_config_has_profile(&cfg, "z"));
	assert_int_equal(ew_aws_config_list_profiles(&names, &n, &cfg, &err),
			 0);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "b");
	assert_string_equal(names[1], "a");
	assert_string_equal(names[2], "default");
	assert_string_equal(names[3], "c");
	free(names);
	ew_aws_config_release(&cfg);

	/* the environment moves the files */
	snprintf(path, sizeof(path), "%s/other-config", home);
	fx_write(home, "other-config", "[default]\nregion = moved\n", 0600);
	fx_setenv(&env, "AWS_CONFIG_FILE", path);
	rc = ew_aws_config_load(&cfg, &ctx, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(ew_aws_config_get(&cfg, "default", "region"),
			    "moved");
	ew_aws_config_release(&cfg);

	/* unreadable: a directory */
	snprintf(path, sizeof(path), "%s/.aws", home);
	fx_setenv(&env, "AWS_SHARED_CREDENTIALS_FILE", path);
	rc = ew_aws_config_load(&cfg, &ctx, &err);
	assert_int_equal(rc, EW_EIO);
	assert_non_null(strstr(err.message, path));
	ew_aws_config_release(&cfg);

	/* malformed file on disk: named with its line */
	fx_write(home, "bad", "[default]\n[oops\n", 0600);
	snprintf(path, sizeof(path), "%s/bad", home);
	fx_setenv(&env, "AWS_SHARED_CREDENTIALS_FILE", path);
	rc = ew_aws_config_load(&cfg, &ctx, &err);
	assert_int_equal(rc, EW_EPARSE);
	assert_non_null(strstr(err.message, "/bad' line 2: section header"));
	ew_aws_config_release(&cfg);

	fx_env_release(&env);
	free(home);
}

/* The value as the oracle prints it: newlines as "\n". */
static void escape_nl(char *dst, size_t size, const char *v)
{
	size_t n = 0;

	for (; *v && n + 3 < size; v++) {
		if (*v == '\n') {
			dst[n++] = '\\';
			dst[n++] = 'n';
		} else {
			dst[n++] = *v;
		}
	}
	dst[n] = 0;
}

/* botocore as the oracle: parse a fixture with both and compare every
 * profile, sso-session and services key, both ways. */
static void test_matches_botocore(void **state)
{
	static const char py[] =
	    "import sys\n"
	    "from botocore.configloader import raw_config_parse, "
	    "build_profile_map\n"
	    "m = build_profile_map(raw_config_parse(sys.argv[1]))\n"
	    "def out(kind, name, k, v):\n"
	    "  print(kind, name, k, v.replace('\\n', '\\\\n'), sep='\\t')\n"
	    "for kind, d in (('p', m['profiles']), ('s', m['sso_sessions']),"
	    " ('v', m['services'])):\n"
	    "  for name, keys in d.items():\n"
	    "    for k, v in keys.items():\n"
	    "      if isinstance(v, dict):\n"
	    "        for k2, v2 in v.items():\n"
	    "          out(kind, name, k + '.' + k2, v2)\n"
	    "      else:\n"
	    "        out(kind, name, k, v)\n";
	const char *top = getenv("EW_TOP");
	char path[600], script_path[700], cmd[1400], line[2048], mine[1024];
	struct ew_ini_file f;
	struct ew_error err;
	char *dir = fx_tmpdir();
	FILE *in;
	size_t compared = 0, ours = 0;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/tests/fixtures/aws/config_mixed",
		 top && *top ? top : ".");
	assert_int_equal(ew_aws_config_load_file(&f, path, false, &err), 0);
	assert_true(f.exists);
	fx_write(dir, "oracle.py", py, 0600);
	snprintf(script_path, sizeof(script_path), "%s/oracle.py", dir);
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", script_path, path);
	in = popen(cmd, "r");
	assert_non_null(in);
	while (fgets(line, sizeof(line), in)) {
		char *kind = line, *name, *key, *value, *nl;
		enum ew_ini_kind k;
		const char *v;

		if ((nl = strchr(line, '\n')))
			*nl = 0;
		name = strchr(kind, '\t');
		assert_non_null(name);
		*name++ = 0;
		key = strchr(name, '\t');
		assert_non_null(key);
		*key++ = 0;
		value = strchr(key, '\t');
		assert_non_null(value);
		*value++ = 0;
		k = *kind == 'p'   ? EW_INI_PROFILE
		    : *kind == 's' ? EW_INI_SSO_SESSION
				   : EW_INI_SERVICES;
		v = ew_ini_file_get(&f, k, name, key);
		if (!v)
			fail_msg("botocore has [%s %s] %s, we do not", kind,
				 name, key);
		escape_nl(mine, sizeof(mine), v);
		if (strcmp(mine, value) != 0)
			fail_msg("[%s %s] %s: botocore '%s', we '%s'", kind,
				 name, key, value, mine);
		compared++;
	}
	assert_int_equal(pclose(in), 0);
	/* and nothing more on our side (markers have an empty key) */
	for (size_t i = 0; i < f.n; i++)
		if (f.entries[i].kind != EW_INI_OTHER && *f.entries[i].key)
			ours++;
	assert_int_equal(compared, ours);
	assert_true(compared >= 20);
	ew_ini_file_release(&f);
	free(dir);
}

static void test_is_true(void **state)
{
	(void)state;
	assert_true(ew_aws_config_is_true("true"));
	assert_true(ew_aws_config_is_true("TRUE"));
	assert_false(ew_aws_config_is_true("1"));
	assert_false(ew_aws_config_is_true(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_profiles_and_sections),
	    cmocka_unit_test(test_credentials_file_sections),
	    cmocka_unit_test(test_services_subsections),
	    cmocka_unit_test(test_indentation_and_multiline),
	    cmocka_unit_test(test_long_lines_are_not_cut),
	    cmocka_unit_test(test_malformed_files),
	    cmocka_unit_test(test_load_files),
	    cmocka_unit_test(test_matches_botocore),
	    cmocka_unit_test(test_is_true),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
