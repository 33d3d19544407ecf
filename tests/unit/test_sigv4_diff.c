/*
 * Differential test: ew_sigv4_sign() against botocore's SigV4Auth.
 *
 * A fixed-seed generator makes a few hundred requests (methods, paths
 * with spaces, UTF-8 and dot segments, queries with repeated keys, empty
 * values and odd encodings, headers with repeats, odd case and odd
 * spacing, the hop-by-hop headers neither side signs, bodies of any
 * bytes, with and without a session token, several services, regions and
 * dates).  They are written to $EW_TEST_OUT/sigv4_diff_in.json; python3
 * runs tests/tools/sigv4_botocore.py over them, and every canonical
 * request, signature and Authorization value must be identical.
 *
 * How the two sides get the same request: the path is the wire form
 * (percent-encoded once) for both, so both encode it a second time.  The
 * query goes to ours as a wire string, written with a random mix of
 * literal and %xx/%XX escapes, and to botocore as the raw pairs, which it
 * encodes itself; equal results mean our decode-and-re-encode lands on
 * the normal form.  Not generated: Accept and Accept-Encoding (we leave
 * them unsigned, botocore signs them), X-Amz-Content-Sha256 (botocore
 * takes its value as the payload hash) and Date (botocore then signs with
 * Date instead of X-Amz-Date) - cases where we differ on purpose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "credentials.h"
#include "sigv4.h"
#include "uri.h"

#define NCASES	 400
#define MAXHDR	 12
#define MAXPAIRS 6

static uint64_t rng_state = 0x5eed5167a4ULL;

/* splitmix64: tiny, and the same sequence on every platform. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t pick(size_t n)
{
	return (size_t)(rnd() % n);
}

#define PICK(arr) (arr[pick(sizeof(arr) / sizeof(arr[0]))])

static const char *const segments[] = {
    "a",	  "example",	 "example space",
    "..",	  ".",		 "",
    "~user",	  "a+b",	 "100%",
    "x=y&z",	  "caf\xc3\xa9", "\xe1\x88\xb4",
    "semi;colon", "hash#frag",	 "q?",
    "UPPER",	  "dots...",	 "-_.~",
    "quote\"it'", "@:!$()*,",
};
static const char *const qkeys[] = {
    "Param",	    "param", "Param-3", "a b",	  "a+b", "",
    "\xe1\x88\xb4", "k/=&",  "~._-",	"Action", "Z",	 "Version",
};
static const char *const qvalues[] = {
    "",
    "value",
    "Value2",
    "a b  c",
    "a+b",
    "x=y",
    "&",
    "/path/",
    "caf\xc3\xa9",
    "%",
    "100%25",
    "~",
    "GetCallerIdentity",
};
static const char *const hnames[] = {
    "Content-Type",
    "content-type",
    "X-Amz-Target",
    "X-Amz-Meta-Foo",
    "My-Header1",
    "MY-HEADER1",
    "x-custom",
    "User-Agent",
    "X-Amzn-Trace-Id",
    "Expect",
    "Connection",
    "Keep-Alive",
    "TE",
    "Upgrade",
    "Transfer-Encoding",
    "Content-Length",
    "X-Amz-Security-Token",
    "Authorization",
    "X-Amz-Date",
    "Proxy-Authorization",
    "Trailer",
    "Proxy-Authenticate",
};
static const char *const hosts[] = {
    "example.amazonaws.com",
    "iam.amazonaws.com",
    "localhost:4566",
    "sts.eu-west-1.amazonaws.com",
    "api.ecr.us-east-1.amazonaws.com",
};
static const char *const methods[] = {"GET",	"POST", "PUT",
				      "DELETE", "HEAD", "post"};
static const char *const services[] = {"sts", "iam", "ecr", "execute-api",
				       "service"};
static const char *const regions[] = {"us-east-1", "eu-west-1", "cn-north-1",
				      "us-gov-west-1", "ap-southeast-2"};
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct gen_case {
	struct ew_buf method, path, query, body, token, secret, akid;
	struct ew_buf hname[MAXHDR], hvalue[MAXHDR];
	size_t nhdr;
	const char *pk[MAXPAIRS], *pv[MAXPAIRS];
	size_t npairs;
	const char *host, *service, *region;
	char date[17];
};

static void case_init(struct gen_case *c)
{
	memset(c, 0, sizeof(*c));
	ew_buf_init(&c->method);
	ew_buf_init(&c->path);
	ew_buf_init(&c->query);
	ew_buf_init(&c->body);
	ew_buf_init(&c->token);
	ew_buf_init(&c->secret);
	ew_buf_init(&c->akid);
	for (size_t i = 0; i < MAXHDR; i++) {
		ew_buf_init(&c->hname[i]);
		ew_buf_init(&c->hvalue[i]);
	}
}

static void case_release(struct gen_case *c)
{
	ew_buf_release(&c->method);
	ew_buf_release(&c->path);
	ew_buf_release(&c->query);
	ew_buf_release(&c->body);
	ew_buf_release(&c->token);
	ew_buf_release(&c->secret);
	ew_buf_release(&c->akid);
	for (size_t i = 0; i < MAXHDR; i++) {
		ew_buf_release(&c->hname[i]);
		ew_buf_release(&c->hvalue[i]);
	}
}

static void gen_path(struct ew_buf *wire)
{
	struct ew_buf raw;
	size_t r = pick(10), n;

	ew_buf_init(&raw);
	if (r == 0) {
		/* empty: both sides sign "/" */
	} else if (r == 1) {
		ew_buf_putc(&raw, '/');
	} else {
		n = 1 + pick(5);
		for (size_t i = 0; i < n; i++) {
			ew_buf_putc(&raw, '/');
			ew_buf_puts(&raw, PICK(segments));
		}
		if (pick(3) == 0)
			ew_buf_putc(&raw, '/');
	}
	/* The wire form: percent-encoded once, as a client sends it. */
	assert_int_equal(ew_uri_encode(wire, raw.ptr, raw.len, true), 0);
	ew_buf_release(&raw);
}

/* One query component in a random but valid wire spelling. */
static void wire_component(struct ew_buf *out, const char *s, bool is_key)
{
	static const char up[] = "0123456789ABCDEF", lo[] = "0123456789abcdef";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool must = *p == '&' || *p == '%' || *p == '#' || *p == ' ' ||
			    *p < 0x20 || *p == 0x7f || (is_key && *p == '=');

		if (must || pick(3) == 0) {
			const char *hex = pick(2) ? up : lo;

			ew_buf_putc(out, '%');
			ew_buf_putc(out, hex[*p >> 4]);
			ew_buf_putc(out, hex[*p & 0x0f]);
		} else {
			ew_buf_putc(out, (char)*p);
		}
	}
}

static void gen_query(struct gen_case *c)
{
	c->npairs = pick(3) == 0 ? 0 : 1 + pick(MAXPAIRS);
	for (size_t i = 0; i < c->npairs; i++) {
		/* repeated keys with different values, now and then */
		c->pk[i] = i && pick(4) == 0 ? c->pk[i - 1] : PICK(qkeys);
		c->pv[i] = PICK(qvalues);
		if (i)
			ew_buf_putc(&c->query, '&');
		wire_component(&c->query, c->pk[i], true);
		/* "name" without '=' means an empty value (not for an empty
		 * name: an empty piece carries no parameter) */
		if (*c->pv[i] || !*c->pk[i] || pick(2)) {
			ew_buf_putc(&c->query, '=');
			wire_component(&c->query, c->pv[i], false);
		}
	}
}

static void gen_value(struct ew_buf *v)
{
	static const char *const ws[] = {" ", "  ", "\t", " \t ", "   "};
	size_t words = pick(5);

	if (pick(3) == 0)
		ew_buf_puts(v, PICK(ws));
	for (size_t w = 0; w < words; w++) {
		size_t len = 1 + pick(8);

		if (w)
			ew_buf_puts(v, PICK(ws));
		for (size_t i = 0; i < len; i++)
			ew_buf_putc(v, (char)(0x21 + pick(0x7e - 0x21 + 1)));
	}
	if (pick(3) == 0)
		ew_buf_puts(v, PICK(ws));
}

static void gen_headers(struct gen_case *c)
{
	size_t n = pick(MAXHDR - 1), host_at = pick(n + 1);

	c->host = PICK(hosts);
	for (size_t i = 0; i <= n; i++) {
		struct ew_buf *name = &c->hname[c->nhdr];
		struct ew_buf *value = &c->hvalue[c->nhdr];

		if (i == host_at) {
			ew_buf_puts(name, pick(2) ? "Host" : "host");
			ew_buf_puts(value, c->host);
		} else {
			const char *nm = PICK(hnames);
			bool flip = pick(4) == 0;

			for (const char *p = nm; *p; p++) {
				char ch = *p;

				if (flip && pick(2) && ch >= 'a' && ch <= 'z')
					ch = (char)(ch - 'a' + 'A');
				else if (flip && ch >= 'A' && ch <= 'Z')
					ch = (char)(ch - 'A' + 'a');
				ew_buf_putc(name, ch);
			}
			gen_value(value);
		}
		c->nhdr++;
	}
}

static void gen_case(struct gen_case *c)
{
	size_t b = pick(10);

	ew_buf_puts(&c->method, PICK(methods));
	gen_path(&c->path);
	gen_query(c);
	gen_headers(c);
	if (b < 4) {
		/* empty body */
	} else if (b < 7) {
		ew_buf_puts(&c->body, "Action=GetRole&RoleName=r");
		for (size_t i = pick(20); i > 0; i--)
			ew_buf_putc(&c->body, (char)('a' + pick(26)));
		ew_buf_puts(&c->body, "&Version=2010-05-08");
	} else {
		for (size_t i = 1 + pick(300); i > 0; i--)
			ew_buf_putc(&c->body, (char)pick(256));
	}
	ew_buf_puts(&c->akid, pick(2) ? "AKIDEXAMPLE" : "ASIAEXAMPLE12345");
	for (size_t i = 0; i < 40; i++)
		ew_buf_putc(&c->secret, b64[pick(64)]);
	if (pick(2))
		for (size_t i = 40 + pick(300); i > 0; i--)
			ew_buf_putc(&c->token, b64[pick(64)]);
	c->service = PICK(services);
	c->region = PICK(regions);
	/* some moment in 2015..2034 */
	ew_sigv4_format_date(c->date, (time_t)(1420070400 + pick(600000000)));
}

static char *hex(const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *s = malloc(2 * len + 1);

	assert_non_null(s);
	for (size_t i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 0x0f];
	}
	s[2 * len] = '\0';
	return s;
}

static void add_hex(cJSON *obj, const char *name, const void *data, size_t len)
{
	char *h = hex(data, len);

	cJSON_AddStringToObject(obj, name, h);
	free(h);
}

static cJSON *case_json(const struct gen_case *c, int id)
{
	cJSON *o = cJSON_CreateObject(), *params, *headers;

	cJSON_AddNumberToObject(o, "id", id);
	cJSON_AddStringToObject(o, "method", c->method.ptr);
	cJSON_AddStringToObject(o, "host", c->host);
	cJSON_AddStringToObject(o, "path", c->path.ptr);
	params = cJSON_AddArrayToObject(o, "params");
	for (size_t i = 0; i < c->npairs; i++) {
		cJSON *pair = cJSON_CreateArray();
		char *k = hex(c->pk[i], strlen(c->pk[i]));
		char *v = hex(c->pv[i], strlen(c->pv[i]));

		cJSON_AddItemToArray(pair, cJSON_CreateString(k));
		cJSON_AddItemToArray(pair, cJSON_CreateString(v));
		cJSON_AddItemToArray(params, pair);
		free(k);
		free(v);
	}
	headers = cJSON_AddArrayToObject(o, "headers");
	for (size_t i = 0; i < c->nhdr; i++) {
		cJSON *h = cJSON_CreateArray();

		cJSON_AddItemToArray(h, cJSON_CreateString(c->hname[i].ptr));
		cJSON_AddItemToArray(h, cJSON_CreateString(c->hvalue[i].ptr));
		cJSON_AddItemToArray(headers, h);
	}
	add_hex(o, "body_hex", c->body.ptr, c->body.len);
	cJSON_AddStringToObject(o, "region", c->region);
	cJSON_AddStringToObject(o, "service", c->service);
	cJSON_AddStringToObject(o, "amz_date", c->date);
	cJSON_AddStringToObject(o, "access_key", c->akid.ptr);
	cJSON_AddStringToObject(o, "secret_key", c->secret.ptr);
	if (c->token.len)
		cJSON_AddStringToObject(o, "token", c->token.ptr);
	else
		cJSON_AddNullToObject(o, "token");
	return o;
}

static void sign_ours(struct ew_sigv4_output *out, const struct gen_case *c)
{
	struct ew_http_header h[MAXHDR];
	struct ew_credentials creds;
	struct ew_error err;

	for (size_t i = 0; i < c->nhdr; i++) {
		h[i].name = c->hname[i].ptr;
		h[i].value = c->hvalue[i].ptr;
	}
	ew_credentials_init(&creds);
	creds.access_key_id = c->akid.ptr;
	creds.secret_access_key = c->secret.ptr;
	creds.session_token = c->token.len ? c->token.ptr : NULL;
	struct ew_sigv4_input in = {
	    .method = c->method.ptr,
	    .path = c->path.ptr,
	    .query = c->query.ptr,
	    .headers = h,
	    .nheaders = c->nhdr,
	    .body = c->body.ptr,
	    .body_len = c->body.len,
	    .region = c->region,
	    .service = c->service,
	    .amz_date = c->date,
	    .creds = &creds,
	    .normalize_path = true,
	};
	if (ew_sigv4_sign(out, &in, &err))
		fail_msg("sign failed: %s", err.message);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f)
		return -1;
	if (fputs(text, f) == EOF)
		rc = -1;
	if (fclose(f))
		rc = -1;
	return rc;
}

static char *read_text(const char *path)
{
	struct ew_buf b;
	char chunk[8192];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return NULL;
	ew_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(ew_buf_add(&b, chunk, n), 0);
	fclose(f);
	return ew_buf_detach(&b);
}

/* fork+exec rather than system(): no shell quoting of the paths. */
static int run_python(const char *script, const char *in, const char *out)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("python3", "python3", script, in, out, (char *)NULL);
		fprintf(stderr, "cannot run python3: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Show a canonical request without its token line. */
static void show(const char *label, const char *s)
{
	printf("  %s:\n", label);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		if (!strncmp(s, "x-amz-security-token:", 21))
			printf("    | x-amz-security-token:<redacted>\n");
		else
			printf("    | %.*s\n", (int)len, s);
		s += len + (nl ? 1 : 0);
	}
}

static const char *str_item(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void test_differential_vs_botocore(void **state)
{
	const char *outdir = getenv("EW_TEST_OUT");
	const char *top = getenv("EW_TOP");
	char in_path[4096], out_path[4096], script[4096];
	struct gen_case *cases;
	cJSON *root, *arr, *res = NULL;
	const cJSON *results;
	char *text;
	int rc, same = 0, shown = 0, n = 0;

	(void)state;
	if (!outdir || !*outdir)
		outdir = "tests/.out";
	if (!top || !*top)
		top = ".";
	mkdir(outdir, 0777);
	snprintf(in_path, sizeof(in_path), "%s/sigv4_diff_in.json", outdir);
	snprintf(out_path, sizeof(out_path), "%s/sigv4_diff_out.json", outdir);
	snprintf(script, sizeof(script), "%s/tests/tools/sigv4_botocore.py",
		 top);

	cases = calloc(NCASES, sizeof(*cases));
	assert_non_null(cases);
	root = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(root, "cases");
	for (int i = 0; i < NCASES; i++) {
		case_init(&cases[i]);
		gen_case(&cases[i]);
		cJSON_AddItemToArray(arr, case_json(&cases[i], i));
	}
	text = cJSON_PrintUnformatted(root);
	assert_non_null(text);
	assert_int_equal(write_text(in_path, text), 0);
	free(text);
	cJSON_Delete(root);

	remove(out_path);
	rc = run_python(script, in_path, out_path);
	if (rc == 3 || rc == 127)
		fail_msg("botocore is the oracle of this test and could not "
			 "be run (python3 exit %d): pip install botocore",
			 rc);
	if (rc != 0)
		fail_msg("'%s' failed with exit %d", script, rc);
	text = read_text(out_path);
	assert_non_null(text);
	res = cJSON_Parse(text);
	free(text);
	assert_non_null(res);
	results = cJSON_GetObjectItemCaseSensitive(res, "results");
	assert_true(cJSON_IsArray(results));
	assert_int_equal(cJSON_GetArraySize(results), NCASES);
	printf("# botocore %s\n", str_item(res, "botocore"));

	for (int i = 0; i < NCASES; i++) {
		const cJSON *r = cJSON_GetArrayItem(results, i);
		struct ew_sigv4_output out;

		ew_sigv4_output_init(&out);
		sign_ours(&out, &cases[i]);
		n++;
		if (!strcmp(out.canonical_request.ptr,
			    str_item(r, "canonical_request")) &&
		    !strcmp(out.string_to_sign.ptr,
			    str_item(r, "string_to_sign")) &&
		    !strcmp(out.signature, str_item(r, "signature")) &&
		    !strcmp(out.authorization.ptr,
			    str_item(r, "authorization"))) {
			same++;
		} else if (shown++ < 5) {
			printf("case %d differs (path '%s', query '%s')\n", i,
			       cases[i].path.ptr, cases[i].query.ptr);
			show("botocore", str_item(r, "canonical_request"));
			show("ours", out.canonical_request.ptr);
		}
		ew_sigv4_output_release(&out);
	}
	printf("# differential: %d/%d identical\n", same, n);
	for (int i = 0; i < NCASES; i++)
		case_release(&cases[i]);
	free(cases);
	cJSON_Delete(res);
	assert_int_equal(same, NCASES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_differential_vs_botocore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
