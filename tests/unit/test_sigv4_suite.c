/*
 * The official SigV4 vectors (aws-c-auth's v4 suite, read in place from
 * $EW_SIGV4_SUITE): for every case directory, parse request.txt and
 * context.json, sign with ew_sigv4_sign() and compare the canonical
 * request, the string to sign, the signature and the Authorization line
 * with the header-* files.  One cmocka test per case, plus one that
 * checks the suite was complete.  The query-* (presigned) files are not
 * used: ecr-wizard signs headers only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "credentials.h"
#include "sigv4.h"

#define SUITE_CASES 38

static char suite_dir[4096];
static int cases_found, cases_passed;

static int read_file(struct ew_buf *out, const char *dir, const char *name)
{
	char path[4352];
	char chunk[4096];
	FILE *f;
	size_t n;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ew_buf_add(out, chunk, n))
			rc = -1;
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

/* Print a vector's text without the token line: test output never shows
 * a session token, not even an example one. */
static void show(const char *label, const char *s)
{
	const char *line = s;

	printf("  %s:\n", label);
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len >= 21 && !strncmp(line, "x-amz-security-token:", 21))
			printf("    | x-amz-security-token:<redacted>\n");
		else
			printf("    | %.*s\n", (int)len, line);
		line += len + (nl ? 1 : 0);
	}
}

static bool same(const char *name, const char *what, const char *want,
		 const char *got)
{
	if (!strcmp(want, got))
		return true;
	printf("%s: %s differs\n", name, what);
	show("expected", want);
	show("got", got);
	return false;
}

struct request {
	struct ew_buf text; /* request.txt, cut into NUL-ended pieces */
	char *method, *path, *query;
	struct ew_http_header headers[32];
	size_t nheaders;
	char *body;
	size_t body_len;
	struct ew_buf values[32]; /* header values with continuations */
};

/*
 * request.txt: "METHOD target HTTP/1.1", header lines (a line starting
 * with whitespace continues the previous value), an empty line, the body.
 * The target may contain spaces (get-space-*), so it ends at the last
 * " HTTP/".
 */
static int parse_request(struct request *r)
{
	char *p = r->text.ptr, *end = r->text.ptr + r->text.len;
	char *eol, *sp, *http;

	eol = strchr(p, '\n');
	if (!eol)
		return -1;
	*eol = '\0';
	sp = strchr(p, ' ');
	http = strstr(p, " HTTP/");
	while (http && strstr(http + 1, " HTTP/"))
		http = strstr(http + 1, " HTTP/");
	if (!sp || !http || http <= sp)
		return -1;
	*sp = '\0';
	*http = '\0';
	r->method = p;
	r->path = sp + 1;
	r->query = strchr(r->path, '?');
	if (r->query)
		*r->query++ = '\0';
	p = eol + 1;
	while (p < end && *p != '\n') {
		char *colon;

		eol = strchr(p, '\n');
		if (!eol)
			eol = end;
		*eol = '\0';
		if ((*p == ' ' || *p == '\t') && r->nheaders) {
			struct ew_buf *v = &r->values[r->nheaders - 1];

			if (ew_buf_putc(v, '\n') || ew_buf_puts(v, p))
				return -1;
		} else {
			colon = strchr(p, ':');
			if (!colon || r->nheaders == 32)
				return -1;
			*colon = '\0';
			r->headers[r->nheaders].name = p;
			if (ew_buf_puts(&r->values[r->nheaders], colon + 1))
				return -1;
			r->nheaders++;
		}
		p = eol < end ? eol + 1 : end;
	}
	for (size_t i = 0; i < r->nheaders; i++)
		r->headers[i].value = r->values[i].ptr;
	if (p < end) /* the empty line before a body */
		p++;
	r->body = p;
	r->body_len = (size_t)(end - p);
	return 0;
}

static const char *json_str(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool json_true(const cJSON *obj, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

/* "2015-08-30T12:36:00Z" -> "20150830T123600Z" */
static bool amz_date(char out[17], const char *iso)
{
	size_t n = 0;

	for (; iso && *iso && n < 16; iso++)
		if (*iso != '-' && *iso != ':')
			out[n++] = *iso;
	out[n] = '\0';
	return n == 16 && iso && !*iso;
}

static void run_case(void **state)
{
	const char *name = *state;
	char dir[4352], date[17];
	struct ew_buf ctx_text, want_cr, want_sts, want_sig, want_signed;
	struct request r;
	struct ew_credentials creds;
	struct ew_sigv4_output out;
	struct ew_error err;
	cJSON *ctx = NULL;
	const cJSON *c;
	bool ok = true;

	snprintf(dir, sizeof(dir), "%s/v4/%s", suite_dir, name);
	memset(&r, 0, sizeof(r));
	ew_buf_init(&r.text);
	for (size_t i = 0; i < 32; i++)
		ew_buf_init(&r.values[i]);
	ew_buf_init(&ctx_text);
	ew_buf_init(&want_cr);
	ew_buf_init(&want_sts);
	ew_buf_init(&want_sig);
	ew_buf_init(&want_signed);
	ew_credentials_init(&creds);
	ew_sigv4_output_init(&out);

	assert_int_equal(read_file(&r.text, dir, "request.txt"), 0);
	assert_int_equal(read_file(&ctx_text, dir, "context.json"), 0);
	assert_int_equal(
	    read_file(&want_cr, dir, "header-canonical-request.txt"), 0);
	assert_int_equal(read_file(&want_sts, dir, "header-string-to-sign.txt"),
			 0);
	assert_int_equal(read_file(&want_sig, dir, "header-signature.txt"), 0);
	assert_int_equal(
	    read_file(&want_signed, dir, "header-signed-request.txt"), 0);
	assert_int_equal(parse_request(&r), 0);

	ctx = cJSON_Parse(ctx_text.ptr);
	assert_non_null(ctx);
	c = cJSON_GetObjectItemCaseSensitive(ctx, "credentials");
	assert_non_null(c);
	creds.access_key_id = ew_strdup(json_str(c, "access_key_id"));
	creds.secret_access_key = ew_strdup(json_str(c, "secret_access_key"));
	/* "omit_session_token": the token is added after signing, unsigned
	 * (post-sts-header-after); signing without it gives that. */
	if (!json_true(ctx, "omit_session_token"))
		creds.session_token = ew_strdup(json_str(c, "token"));
	assert_true(amz_date(date, json_str(ctx, "timestamp")));

	struct ew_sigv4_input in = {
	    .method = r.method,
	    .path = r.path,
	    .query = r.query,
	    .headers = r.headers,
	    .nheaders = r.nheaders,
	    .body = r.body,
	    .body_len = r.body_len,
	    .region = json_str(ctx, "region"),
	    .service = json_str(ctx, "service"),
	    .amz_date = date,
	    .creds = &creds,
	    .normalize_path = json_true(ctx, "normalize"),
	    .sign_body = json_true(ctx, "sign_body"),
	};
	if (ew_sigv4_sign(&out, &in, &err)) {
		printf("%s: sign failed: %s\n", name, err.message);
		ok = false;
	} else {
		const char *auth = strstr(want_signed.ptr, "\nAuthorization:");
		struct ew_buf want_auth;

		ew_buf_init(&want_auth);
		if (auth)
			ew_buf_add(&want_auth, auth + 15,
				   strcspn(auth + 15, "\n"));
		ok &= same(name, "canonical request", want_cr.ptr,
			   out.canonical_request.ptr);
		ok &= same(name, "string to sign", want_sts.ptr,
			   out.string_to_sign.ptr);
		ok &= same(name, "signature", want_sig.ptr, out.signature);
		ok &= same(name, "Authorization", want_auth.ptr,
			   out.authorization.ptr);
		ew_buf_release(&want_auth);
	}

	cJSON_Delete(ctx);
	ew_sigv4_output_release(&out);
	ew_credentials_release(&creds);
	ew_buf_release(&r.text);
	for (size_t i = 0; i < 32; i++)
		ew_buf_release(&r.values[i]);
	ew_buf_release(&ctx_text);
	ew_buf_release(&want_cr);
	ew_buf_release(&want_sts);
	ew_buf_release(&want_sig);
	ew_buf_release(&want_signed);
	assert_true(ok);
	cases_passed++;
}

static void suite_complete(void **state)
{
	const char *ci = getenv("CI");

	(void)state;
	printf("# sigv4 vectors: %d/%d passed\n", cases_passed, cases_found);
	assert_true(cases_found > 0);
	/* In CI a partial copy of the suite must not pass quietly. */
	if (ci && *ci && cases_found < SUITE_CASES) {
		printf("CI is set and only %d of %d cases were found in "
		       "'%s/v4'\n",
		       cases_found, SUITE_CASES, suite_dir);
		fail();
	}
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *env = getenv("EW_SIGV4_SUITE");
	const char *top = getenv("EW_TOP");
	char v4[4352];
	char **names = NULL;
	struct CMUnitTest *tests = NULL;
	DIR *d;
	struct dirent *e;
	int n = 0, cap = 0, rc;

	if (env && *env)
		snprintf(suite_dir, sizeof(suite_dir), "%s", env);
	else
		snprintf(suite_dir, sizeof(suite_dir),
			 "%s/../shared/aws-sigv4-testsuite",
			 top && *top ? top : ".");
	snprintf(v4, sizeof(v4), "%s/v4", suite_dir);
	d = is_dir(v4) ? opendir(v4) : NULL;
	if (!d) {
		printf("not ok 1 - sigv4 vectors: no test suite at '%s'\n"
		       "# the SigV4 vectors were not found in '%s'; point at "
		       "them with `make check SIGV4_SUITE=/path/to/"
		       "aws-sigv4-testsuite` (or set EW_SIGV4_SUITE)\n",
		       v4, v4);
		return 1;
	}
	while ((e = readdir(d))) {
		char casedir[8704];

		if (e->d_name[0] == '.')
			continue;
		snprintf(casedir, sizeof(casedir), "%s/%s", v4, e->d_name);
		if (!is_dir(casedir))
			continue;
		if (n == cap) {
			char **grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(names, (size_t)cap * sizeof(*names));
			if (!grown)
				return 1;
			names = grown;
		}
		names[n++] = ew_strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, (size_t)n, sizeof(*names), cmp_names);
	cases_found = n;

	tests = calloc((size_t)n + 1, sizeof(*tests));
	if (!tests)
		return 1;
	for (int i = 0; i < n; i++) {
		tests[i].name = names[i];
		tests[i].test_func = run_case;
		tests[i].initial_state = names[i];
	}
	tests[n].name = "suite_complete";
	tests[n].test_func = suite_complete;
	rc = _cmocka_run_group_tests("sigv4_suite", tests, (size_t)n + 1, NULL,
				     NULL);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}
