/*
 * Unit tests: the GitHub token sources (github_token.h) and the sealed-box
 * secrets calls (github_secrets.h) through an in-process fake transport:
 * values open with the matching secret key, the token goes in the
 * Authorization header and never in a message, each error status gets its
 * wording, rate limits are retried.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "github_secrets.h"
#include "github_token.h"

#define TOKEN "ghp_unitTOKEN0123456789abcdefXYZ"

struct fake_env {
	const char *vars[8][2];
};

static const char *fake_getenv(const char *name, void *payload)
{
	const struct fake_env *e = payload;

	for (size_t i = 0; i < 8 && e->vars[i][0]; i++)
		if (!strcmp(e->vars[i][0], name))
			return e->vars[i][1];
	return NULL;
}

/* --------------------------------------------------- fake GitHub */

struct fake_gh {
	struct ew_transport base;
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	unsigned char sk[crypto_box_SECRETKEYBYTES];
	long status;		 /* forced status for every non-key call */
	const char *body;	 /* its body */
	const char *permissions; /* x-accepted-github-permissions */
	int rate_limit_first;	 /* answer the first N with 429 */
	char opened[4][512];	 /* values opened, in order */
	char names[4][64];	 /* their secret names */
	int nopened;
	int requests;
	bool auth_ok; /* every request had "Bearer TOKEN" */
};

static int fake_perform(struct ew_transport *t,
			const struct ew_http_request *req,
			struct ew_http_response *resp, struct ew_cancel *cancel,
			struct ew_error *err)
{
	struct fake_gh *g = (struct fake_gh *)t;
	bool auth = false;

	(void)cancel;
	(void)err;
	g->requests++;
	for (size_t i = 0; i < req->nheaders; i++)
		if (!strcmp(req->headers[i].name, "Authorization") &&
		    !strcmp(req->headers[i].value, "Bearer " TOKEN))
			auth = true;
	if (!auth)
		g->auth_ok = false;
	if (g->rate_limit_first > 0) {
		g->rate_limit_first--;
		resp->status = 429;
		snprintf(resp->retry_after, sizeof(resp->retry_after), "0");
		ew_buf_puts(&resp->body, "{\"message\":\"secondary rate "
					 "limit\"}");
		return 0;
	}
	if (strstr(req->url, "/public-key")) {
		char b64[64];

		sodium_bin2base64(b64, sizeof(b64), g->pk, sizeof(g->pk),
				  sodium_base64_VARIANT_ORIGINAL);
		resp->status = 200;
		ew_buf_printf(&resp->body, "{\"key_id\":\"k1\",\"key\":\"%s\"}",
			      b64);
		return 0;
	}
	if (g->status) {
		resp->status = g->status;
		ew_buf_puts(&resp->body, g->body ? g->body : "{}");
		if (g->permissions)
			snprintf(resp->accepted_permissions,
				 sizeof(resp->accepted_permissions), "%s",
				 g->permissions);
		return 0;
	}
	if (!strcmp(req->method, "PUT") && strstr(req->url, "/secrets/")) {
		cJSON *doc = cJSON_ParseWithLength(req->body, req->body_len);
		const char *ev = cJSON_GetStringValue(
		    cJSON_GetObjectItem(doc, "encrypted_value"));
		unsigned char box[512], m[512];
		size_t blen = 0;

		assert_non_null(ev);
		assert_string_equal(
		    cJSON_GetStringValue(cJSON_GetObjectItem(doc, "key_id")),
		    "k1");
		assert_int_equal(
		    sodium_base642bin(box, sizeof(box), ev, strlen(ev), NULL,
				      &blen, NULL,
				      sodium_base64_VARIANT_ORIGINAL),
		    0);
		assert_int_equal(
		    crypto_box_seal_open(m, box, blen, g->pk, g->sk), 0);
		m[blen - crypto_box_SEALBYTES] = 0;
		snprintf(g->opened[g->nopened], sizeof(g->opened[0]), "%s",
			 (char *)m);
		snprintf(g->names[g->nopened], 64, "%s",
			 strrchr(req->url, '/') + 1);
		g->nopened++;
		cJSON_Delete(doc);
		resp->status = 201;
		return 0;
	}
	resp->status = 200;
	ew_buf_puts(&resp->body, "{\"name\":\"x\"}");
	return 0;
}

static void fake_free(struct ew_transport *t)
{
	(void)t;
}

static const struct ew_transport_ops fake_ops = {fake_perform, fake_free};

static void fake_init(struct fake_gh *g)
{
	memset(g, 0, sizeof(*g));
	g->base.ops = &fake_ops;
	g->auth_ok = true;
	crypto_box_keypair(g->pk, g->sk);
}

static struct ew_output_row rows[] = {
    {"AWS_REGION", "us-east-1", "", NULL},
    {"ECR_REPOSITORY", "app", "", NULL},
    {"ECR_REGISTRY", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "", NULL},
    {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/R", "", NULL},
};
static const struct ew_outputs outs = {rows, 4};

static struct fake_env api_env = {
    {{"GITHUB_API_URL", "http://127.0.0.1:1/"}, {NULL, NULL}}};

static void setup_client(struct ew_github_client *c, struct ew_context *ctx,
			 struct fake_gh *g)
{
	struct ew_error err;

	ew_context_init_default(ctx);
	ctx->transport = &g->base;
	ctx->getenv = fake_getenv;
	ctx->payload = &api_env;
	assert_int_equal(ew_github_client_init(c, ctx, NULL, "octo-org", "app",
					       TOKEN, "GH_TOKEN", &err),
			 0);
	assert_string_equal(c->base.ptr, "http://127.0.0.1:1");
}

static void test_store_opens(void **state)
{
	struct ew_github_client c;
	struct ew_context ctx;
	struct fake_gh g;
	struct ew_error err;
	size_t n = 0;

	(void)state;
	fake_init(&g);
	setup_client(&c, &ctx, &g);
	assert_int_equal(
	    ew_github_secrets_store(&c, &outs, NULL, NULL, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(g.nopened, 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(g.names[i], rows[i].name);
		assert_string_equal(g.opened[i], rows[i].value);
	}
	/* one public key for the scope, then one PUT per secret */
	assert_int_equal(g.requests, 5);
	assert_int_equal(c.requests, 5);
	assert_true(g.auth_ok);
	ew_github_client_release(&c);
}

static void expect_error(long status, const char *body, const char *perm,
			 const char *frag)
{
	struct ew_github_client c;
	struct ew_context ctx;
	struct fake_gh g;
	struct ew_error err;

	fake_init(&g);
	g.status = status;
	g.body = body;
	g.permissions = perm;
	setup_client(&c, &ctx, &g);
	ew_error_clear(&err);
	assert_true(ew_github_secrets_store(&c, &outs, NULL, NULL, NULL, &err) <
		    0);
	assert_int_equal(err.http_status, status);
	if (!strstr(err.message, frag))
		fail_msg("'%s' lacks '%s'", err.message, frag);
	assert_null(strstr(err.message, TOKEN));
	ew_github_client_release(&c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error(401, "{\"message\":\"Bad credentials\"}", NULL,
		     "github rejected the token from GH_TOKEN (401 Bad "
		     "credentials)");
	expect_error(403, "{\"message\":\"Resource not accessible\"}",
		     "secrets=write",
		     "lacks the permission \"Secrets: read and write\" "
		     "(GitHub asks for: secrets=write)");
	expect_error(404, "{\"message\":\"Not Found\"}", NULL,
		     "repository 'octo-org/app' not found (404)");
	expect_error(422,
		     "{\"message\":\"Validation Failed\",\"errors\":"
		     "[{\"message\":\"bad name\"}]}",
		     NULL, "(422: Validation Failed: bad name)");
	/* a body that echoes the token is not quoted */
	expect_error(500, "{\"message\":\"boom " TOKEN "\"}", NULL,
		     "github api answered 500");
}

static void test_rate_limit_retried(void **state)
{
	struct ew_github_client c;
	struct ew_context ctx;
	struct fake_gh g;
	struct ew_error err;

	(void)state;
	fake_init(&g);
	g.rate_limit_first = 2;
	setup_client(&c, &ctx, &g);
	assert_int_equal(
	    ew_github_secrets_store(&c, &outs, NULL, NULL, NULL, &err), 0);
	assert_int_equal(g.nopened, 4);
	assert_int_equal(g.requests, 7);
	/* three in a row is more than the two retries */
	fake_init(&g);
	g.rate_limit_first = 3;
	ew_github_client_release(&c);
	setup_client(&c, &ctx, &g);
	assert_true(ew_github_secrets_store(&c, &outs, NULL, NULL, NULL, &err) <
		    0);
	assert_non_null(strstr(err.message, "rate limit reached (429)"));
	ew_github_client_release(&c);
}

static void test_seal_round_trip(void **state)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES],
	    sk[crypto_box_SECRETKEYBYTES];
	unsigned char box[256], m[256];
	char key[64];
	size_t blen;
	struct ew_buf out;
	struct ew_error err;

	(void)state;
	assert_true(sodium_init() >= 0);
	crypto_box_keypair(pk, sk);
	sodium_bin2base64(key, sizeof(key), pk, sizeof(pk),
			  sodium_base64_VARIANT_ORIGINAL);
	ew_buf_init(&out);
	assert_int_equal(ew_github_seal(&out, key, "hello", &err), 0);
	assert_int_equal(sodium_base642bin(box, sizeof(box), out.ptr, out.len,
					   NULL, &blen, NULL,
					   sodium_base64_VARIANT_ORIGINAL),
			 0);
	assert_int_equal(blen, crypto_box_SEALBYTES + 5);
	assert_int_equal(crypto_box_seal_open(m, box, blen, pk, sk), 0);
	assert_memory_equal(m, "hello", 5);
	/* a key that is not 32 bytes is refused */
	ew_buf_clear(&out);
	assert_int_equal(ew_github_seal(&out, "c2hvcnQ=", "x", &err),
			 EW_EPARSE);
	ew_buf_release(&out);
}

/* ------------------------------------------------------------ tokens */

static char bindir[64];

static void write_gh(const char *script)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/gh", bindir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", script);
	fclose(f);
	chmod(path, 0755);
}

static int find(struct ew_github_token *t, struct fake_env *e, const char *host,
		struct ew_error *err)
{
	struct ew_context ctx;

	ew_context_init_default(&ctx);
	ctx.getenv = fake_getenv;
	ctx.payload = e;
	return ew_github_token_find(t, &ctx, host, 300, err);
}

static void test_token_sources(void **state)
{
	struct fake_env both = {{{"GH_TOKEN", "a"}, {"GITHUB_TOKEN", "b"}}};
	struct fake_env second = {{{"GITHUB_TOKEN", "b"}}};
	struct fake_env none = {{{NULL, NULL}}};
	struct ew_github_token t;
	struct ew_error err;
	char path[256];
	long t0;

	(void)state;
	snprintf(bindir, sizeof(bindir), "/tmp/ew-ghtok.XXXXXX");
	assert_non_null(mkdtemp(bindir));
	snprintf(path, sizeof(path), "%s:/usr/bin:/bin", bindir);
	setenv("PATH", path, 1);

	assert_int_equal(find(&t, &both, NULL, &err), 0);
	assert_string_equal(t.value, "a");
	assert_string_equal(t.source, "GH_TOKEN");
	ew_github_token_release(&t);
	assert_int_equal(find(&t, &second, NULL, &err), 0);
	assert_string_equal(t.source, "GITHUB_TOKEN");
	ew_github_token_release(&t);
	{
		struct fake_env nl = {{{"GH_TOKEN", "ghp_x\nX-Evil: 1"}}};

		assert_int_equal(find(&t, &nl, NULL, &err), EW_EINVAL);
		assert_non_null(strstr(err.message, "GH_TOKEN is set but"));
		assert_null(strstr(err.message, "ghp_x"));
	}

	/* gh logged in; for an Enterprise host only with --hostname */
	write_gh("[ \"$*\" = 'auth token' ] && echo gho_fromgh && exit 0\n"
		 "[ \"$*\" = 'auth token --hostname ghe.example.com' ] && "
		 "echo gho_ghe && exit 0\nexit 1");
	assert_int_equal(find(&t, &none, NULL, &err), 0);
	assert_string_equal(t.value, "gho_fromgh");
	assert_string_equal(t.source, "gh auth token");
	ew_github_token_release(&t);
	assert_int_equal(find(&t, &none, "ghe.example.com", &err), 0);
	assert_string_equal(t.value, "gho_ghe");
	ew_github_token_release(&t);

	/* not logged in */
	write_gh("echo 'not logged in' >&2; exit 1");
	assert_int_equal(find(&t, &none, NULL, &err), EW_ENOTFOUND);
	assert_null(t.value);
	assert_non_null(strstr(err.message, "gh auth login"));
	assert_non_null(strstr(err.message, "Secrets: read and write"));

	/* hangs: killed at the time-out */
	write_gh("sleep 10; echo late");
	t0 = (long)time(NULL);
	assert_int_equal(find(&t, &none, NULL, &err), EW_ENOTFOUND);
	assert_true((long)time(NULL) - t0 < 3);

	/* prints something that is not a token */
	write_gh("echo 'two words'");
	assert_int_equal(find(&t, &none, NULL, &err), EW_ENOTFOUND);

	/* not installed */
	snprintf(path, sizeof(path), "%s/gh", bindir);
	unlink(path);
	assert_int_equal(find(&t, &none, NULL, &err), EW_ENOTFOUND);
	rmdir(bindir);
}

static void test_api_base(void **state)
{
	struct fake_env url = {
	    {{"GITHUB_API_URL", "https://ghe.corp/api/v3//"}}};
	struct fake_env bad = {{{"GITHUB_API_URL", "ftp://x"}}};
	struct fake_env none = {{{NULL, NULL}}};
	struct ew_context ctx;
	struct ew_buf b;
	struct ew_error err;

	(void)state;
	ew_buf_init(&b);
	ew_context_init_default(&ctx);
	ctx.getenv = fake_getenv;
	ctx.payload = &url;
	assert_int_equal(ew_github_api_base(&b, &ctx, "github.com", &err), 0);
	assert_string_equal(b.ptr, "https://ghe.corp/api/v3");
	ctx.payload = &none;
	assert_int_equal(ew_github_api_base(&b, &ctx, NULL, &err), 0);
	assert_string_equal(b.ptr, "https://api.github.com");
	assert_int_equal(ew_github_api_base(&b, &ctx, "ghe.example.com", &err),
			 0);
	assert_string_equal(b.ptr, "https://ghe.example.com/api/v3");
	ctx.payload = &bad;
	assert_int_equal(ew_github_api_base(&b, &ctx, NULL, &err), EW_EINVAL);
	ew_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seal_round_trip),
	    cmocka_unit_test(test_store_opens),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_rate_limit_retried),
	    cmocka_unit_test(test_token_sources),
	    cmocka_unit_test(test_api_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
