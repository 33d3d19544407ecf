/*
 * Integration tests: the libcurl transport (core/http.c) and the AWS
 * client's retries over real HTTP, against tests/tools/fault_server.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws_client.h"
#include "http.h"
#include "xml.h"

static pid_t server_pid;
static int server_stdin = -1;
static char base[64];	  /* http://127.0.0.1:PORT */
static char tls_base[64]; /* https://127.0.0.1:TLSPORT */
static char cert[512];	  /* a CA bundle that trusts tls_base */

/* ------------------------------------------------------------ helpers */

static int start_server(void **state)
{
	const char *top = getenv("EW_TOP");
	char script[1024], line[600], port[16], tls_port[16];
	int in[2], out[2];
	size_t len;
	ssize_t n;

	(void)state;
	snprintf(script, sizeof(script), "%s/tests/tools/fault_server.py",
		 top ? top : ".");
	if (pipe(in) || pipe(out))
		return -1;
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execlp("python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	server_stdin = in[1];
	/* the whole first line: the port may come in more than one write */
	for (len = 0; len < sizeof(line) - 1; len += (size_t)n) {
		n = read(out[0], line + len, sizeof(line) - 1 - len);
		if (n <= 0 || memchr(line + len, '\n', (size_t)n)) {
			len += n > 0 ? (size_t)n : 0;
			break;
		}
	}
	close(out[0]);
	line[len] = '\0';
	if (!strchr(line, '\n')) {
		fprintf(stderr, "cannot start %s\n", script);
		return -1;
	}
	line[strcspn(line, "\r\n")] = '\0';
	/* "PORT TLSPORT CERT" */
	if (sscanf(line, "%15s %15s %511s", port, tls_port, cert) != 3)
		return -1;
	snprintf(base, sizeof(base), "http://127.0.0.1:%s", port);
	snprintf(tls_base, sizeof(tls_base), "https://127.0.0.1:%s", tls_port);
	return 0;
}

static int stop_server(void **state)
{
	(void)state;
	if (server_stdin >= 0)
		close(server_stdin);
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	return 0;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void url(char *out, size_t size, const char *path)
{
	snprintf(out, size, "%s%s", base, path);
}

static struct ew_transport *transport(long short_ms, FILE *trace)
{
	struct ew_http_options o;
	struct ew_transport *t;
	struct ew_error err;

	ew_http_options_init(&o);
	o.short_timeout_ms = short_ms;
	o.trace = trace;
	t = ew_http_transport_new(&o, &err);
	assert_non_null(t);
	return t;
}

static int request(struct ew_transport *t, const char *method, const char *path,
		   const char *body, const char *ctype, bool is_short,
		   struct ew_cancel *cancel, struct ew_http_response *resp,
		   struct ew_error *err)
{
	struct ew_http_header h[1] = {{"Content-Type", ctype}};
	struct ew_http_request req;
	char u[256];

	url(u, sizeof(u), path);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = u;
	req.headers = h;
	req.nheaders = ctype ? 1 : 0;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.service = "test";
	req.is_timeout_short = is_short;
	ew_error_clear(err);
	return ew_transport_perform(t, &req, resp, cancel, err);
}

/* The text of <Name> in an echo answer. */
static char *echo_field(const struct ew_http_response *resp, const char *name)
{
	struct ew_xml_node *root = NULL;
	char path[64];
	char *v;

	assert_int_equal(
	    ew_xml_parse(&root, resp->body.ptr, resp->body.len, NULL), 0);
	snprintf(path, sizeof(path), "OkResult/%s", name);
	assert_non_null(ew_xml_text(root, path));
	v = strdup(ew_xml_text(root, path));
	ew_xml_free(root);
	return v;
}

static long server_stat(struct ew_transport *t, const char *key)
{
	struct ew_http_response resp;
	struct ew_error err;
	char pat[64];
	const char *p;
	long v;

	ew_http_response_init(&resp);
	assert_int_equal(
	    request(t, "GET", "/_stats", NULL, NULL, false, NULL, &resp, &err),
	    0);
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(resp.body.ptr, pat);
	assert_non_null(p);
	v = strtol(p + strlen(pat), NULL, 10);
	ew_http_response_release(&resp);
	return v;
}

/* ------------------------------------------------------ transport tests */

static void test_keepalive_and_headers(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_http_response resp;
	struct ew_http_stats st;
	struct ew_error err;
	char *c1, *c2, *v;

	(void)state;
	ew_http_response_init(&resp);
	assert_int_equal(
	    request(t, "POST", "/ok", "a=1", NULL, false, NULL, &resp, &err),
	    0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.request_id, "req-1");
	assert_true(resp.date[0] != '\0');
	c1 = echo_field(&resp, "Conn");
	/* libcurl added neither a Content-Type nor an Expect */
	v = echo_field(&resp, "ContentType");
	assert_string_equal(v, "");
	free(v);
	v = echo_field(&resp, "HasExpect");
	assert_string_equal(v, "false");
	free(v);
	v = echo_field(&resp, "Body");
	assert_string_equal(v, "a=1");
	free(v);

	assert_int_equal(request(t, "POST", "/ok", "{\"x\":\"a b+c\"}",
				 "application/x-amz-json-1.1", false, NULL,
				 &resp, &err),
			 0);
	c2 = echo_field(&resp, "Conn");
	v = echo_field(&resp, "ContentType");
	assert_string_equal(v, "application/x-amz-json-1.1");
	free(v);
	v = echo_field(&resp, "Body");
	assert_string_equal(v, "{\"x\":\"a b+c\"}");
	free(v);
	/* the second request went over the first one's connection */
	assert_string_equal(c1, c2);
	ew_http_transport_stats(t, &st);
	assert_int_equal(st.requests, 2);
	assert_int_equal(st.connections, 1);
	free(c1);
	free(c2);
	ew_http_response_release(&resp);
	ew_transport_free(t);
}

static void test_reset_and_truncated(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_http_response resp;
	struct ew_http_stats st;
	struct ew_error err;

	(void)state;
	ew_http_response_init(&resp);
	assert_int_equal(
	    request(t, "GET", "/reset", NULL, NULL, false, NULL, &resp, &err),
	    EW_ENET);
	assert_int_equal(err.code, EW_ENET);
	assert_non_null(strstr(err.message, base));
	printf("# reset: %s\n", err.message);
	assert_int_equal(request(t, "GET", "/truncate", NULL, NULL, false, NULL,
				 &resp, &err),
			 EW_ENET);
	assert_non_null(strstr(err.message, "closed before the response "
					    "was complete"));
	/* the transport still works after both */
	assert_int_equal(
	    request(t, "GET", "/ok", NULL, NULL, false, NULL, &resp, &err), 0);
	assert_int_equal(resp.status, 200);
	ew_http_transport_stats(t, &st);
	assert_int_equal(st.failures, 2);
	ew_http_response_release(&resp);
	ew_transport_free(t);
}

static void test_connection_refused(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_http_response resp;
	struct ew_http_request req;
	struct ew_error err;

	(void)state;
	ew_http_response_init(&resp);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	/* port 9 (discard) on loopback: nothing listens there */
	req.url = "http://127.0.0.1:9/x?secret=1";
	assert_int_equal(ew_transport_perform(t, &req, &resp, NULL, &err),
			 EW_ENET);
	assert_string_equal(err.message, "cannot connect to "
					 "'http://127.0.0.1:9': connection "
					 "refused");
	ew_http_response_release(&resp);
	ew_transport_free(t);
}

static void test_never_answers_times_out(void **state)
{
	struct ew_transport *t = transport(300, NULL);
	struct ew_http_response resp;
	struct ew_error err;
	double t0 = now_ms(), took;

	(void)state;
	ew_http_response_init(&resp);
	assert_int_equal(
	    request(t, "POST", "/hang", "x", NULL, true, NULL, &resp, &err),
	    EW_ENET);
	took = now_ms() - t0;
	assert_non_null(strstr(err.message, "timed out after 0.3 s"));
	assert_true(took >= 250 && took < 3000);
	printf("# time-out: %s (%.0f ms)\n", err.message, took);
	ew_http_response_release(&resp);
	ew_transport_free(t);
}

struct canceller {
	struct ew_cancel *cancel;
	long after_ms;
	double at;
};

static void *cancel_later(void *arg)
{
	struct canceller *c = arg;

	ew_cancel_sleep(NULL, c->after_ms);
	c->at = now_ms();
	ew_cancel_request(c->cancel);
	return NULL;
}

static void test_cancel_hanging_request(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_http_response resp;
	struct ew_cancel cancel;
	struct canceller c;
	struct ew_error err;
	pthread_t th;
	double lag;

	(void)state;
	ew_http_response_init(&resp);
	ew_cancel_init(&cancel);
	c.cancel = &cancel;
	c.after_ms = 150;
	pthread_create(&th, NULL, cancel_later, &c);
	assert_int_equal(
	    request(t, "GET", "/hang", NULL, NULL, false, &cancel, &resp, &err),
	    EW_ECANCEL);
	lag = now_ms() - c.at;
	pthread_join(th, NULL);
	printf("# cancel returned %.0f ms after the request\n", lag);
	assert_true(lag < 200);
	/* an already-set token does not even send */
	assert_int_equal(
	    request(t, "GET", "/ok", NULL, NULL, false, &cancel, &resp, &err),
	    EW_ECANCEL);
	ew_cancel_reset(&cancel);
	assert_int_equal(
	    request(t, "GET", "/ok", NULL, NULL, false, &cancel, &resp, &err),
	    0);
	ew_cancel_release(&cancel);
	ew_http_response_release(&resp);
	ew_transport_free(t);
}

struct worker {
	struct ew_transport *t;
	int rc;
	long status;
};

static void *delayed_request(void *arg)
{
	struct worker *w = arg;
	struct ew_http_response resp;
	struct ew_error err;

	ew_http_response_init(&resp);
	w->rc = request(w->t, "POST", "/delay/400", "x", NULL, false, NULL,
			&resp, &err);
	w->status = resp.status;
	ew_http_response_release(&resp);
	return NULL;
}

static void test_concurrent_requests_overlap(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_http_response resp;
	struct worker w[4];
	pthread_t th[4];
	struct ew_error err;
	double t0, took;

	(void)state;
	ew_http_response_init(&resp);
	assert_int_equal(
	    request(t, "GET", "/_reset", NULL, NULL, false, NULL, &resp, &err),
	    0);
	t0 = now_ms();
	for (int i = 0; i < 4; i++) {
		w[i].t = t;
		w[i].rc = -100;
		pthread_create(&th[i], NULL, delayed_request, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].rc, 0);
		assert_int_equal(w[i].status, 200);
	}
	took = now_ms() - t0;
	printf("# 4 x 400 ms requests from 4 threads took %.0f ms\n", took);
	assert_true(server_stat(t, "max_active") > 1);
	assert_true(took < 4 * 400);
	ew_http_response_release(&resp);
	ew_transport_free(t);
}

static struct ew_transport *tls_transport(const char *ca_bundle)
{
	struct ew_http_options o;
	struct ew_transport *t;
	struct ew_error err;

	ew_http_options_init(&o);
	o.ca_bundle = ca_bundle;
	t = ew_http_transport_new(&o, &err);
	assert_non_null(t);
	return t;
}

static int get_url(struct ew_transport *t, const char *u,
		   struct ew_http_response *resp, struct ew_error *err)
{
	struct ew_http_request req;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = u;
	ew_error_clear(err);
	return ew_transport_perform(t, &req, resp, NULL, err);
}

static void test_tls_verification(void **state)
{
	struct ew_http_response resp;
	struct ew_transport *t;
	struct ew_error err;
	char u[128];

	(void)state;
	/* the fault server makes its certificate with python3-cryptography,
	 * which moto needs too: without it this test fails, never skips */
	assert_string_not_equal(cert, "-");
	ew_http_response_init(&resp);
	snprintf(u, sizeof(u), "%s/ok", tls_base);

	/* self-signed: refused with the system's CAs */
	t = tls_transport(NULL);
	assert_int_equal(get_url(t, u, &resp, &err), EW_ENET);
	assert_non_null(strstr(err.message, "TLS certificate verification "
					    "failed for '127.0.0.1'"));
	printf("# %s\n", err.message);
	ew_transport_free(t);

	/* trusted through the CA bundle (AWS_CA_BUNDLE) */
	t = tls_transport(cert);
	assert_int_equal(get_url(t, u, &resp, &err), 0);
	assert_int_equal(resp.status, 200);
	/* TLS to a plain HTTP port */
	snprintf(u, sizeof(u), "https://127.0.0.1:%s/ok", base + 17);
	assert_int_equal(get_url(t, u, &resp, &err), EW_ENET);
	assert_non_null(strstr(err.message, "TLS handshake with '127.0.0.1' "
					    "failed"));
	ew_transport_free(t);

	/* a CA bundle that cannot be read */
	t = tls_transport("/nonexistent/ca.pem");
	snprintf(u, sizeof(u), "%s/ok", tls_base);
	assert_int_equal(get_url(t, u, &resp, &err), EW_ENET);
	assert_non_null(strstr(err.message, "/nonexistent/ca.pem"));
	printf("# %s\n", err.message);
	ew_transport_free(t);
	ew_http_response_release(&resp);
}

/* ------------------------------------------------- the AWS client on top */

/* An empty environment. */
static const char *fake_env(const char *name, void *payload)
{
	(void)name;
	(void)payload;
	return NULL;
}

static time_t an_hour_ago(void *payload)
{
	(void)payload;
	return time(NULL) - 3600;
}

static double half(void *payload)
{
	(void)payload;
	return 0.5;
}

struct retries {
	int count;
	int attempts[8];
	long delays[8];
	long statuses[8];
	char codes[8][64];
};

static void on_retry(const struct ew_retry_event *ev, void *payload)
{
	struct retries *r = payload;

	if (r->count < 8) {
		r->attempts[r->count] = ev->attempt;
		r->delays[r->count] = ev->delay_ms;
		r->statuses[r->count] = ev->error->http_status;
		snprintf(r->codes[r->count], sizeof(r->codes[0]), "%s",
			 ev->error->aws_code);
	}
	assert_string_equal(ev->service, "iam");
	assert_int_equal(ev->max_attempts, 3);
	r->count++;
}

static void client(struct ew_aws_client *c, struct ew_context *ctx,
		   struct ew_transport *t, const char *path, struct retries *r)
{
	struct ew_credentials cr;
	struct ew_error err;
	char u[256];

	ew_context_init_default(ctx);
	ctx->transport = t;
	ctx->getenv = fake_env;
	ctx->scale_retries = true;
	ctx->retry_scale = 0.01;
	ew_credentials_init(&cr);
	cr.access_key_id = "AKIDEXAMPLE";
	cr.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	cr.session_token = "FAKESESSIONTOKEN";
	assert_int_equal(ew_aws_client_init(c, ctx, &cr, "us-east-1", &err), 0);
	url(u, sizeof(u), path);
	assert_int_equal(ew_aws_client_set_endpoint(c, EW_SVC_IAM, u, &err), 0);
	memset(r, 0, sizeof(*r));
	c->on_retry = on_retry;
	c->payload = r;
	c->jitter = half;
}

static void test_query_503_then_200(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_query_param p[] = {{"RoleName", "my role+x"}};
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_context ctx;
	struct retries r;
	struct ew_error err;

	(void)state;
	client(&c, &ctx, t, "/fail/503/1/q503", &r);
	ew_error_clear(&err);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", p, 1, &root, &err), 0);
	assert_non_null(root);
	assert_string_equal(root->name, "OkResponse");
	assert_string_equal(ew_xml_text(root, "OkResult/Body"),
			    "Action=GetRole&Version=2010-05-08&"
			    "RoleName=my%20role%2Bx");
	/* signed for the Host libcurl sent, port included */
	assert_string_equal(ew_xml_text(root, "OkResult/Host"), base + 7);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.attempts[0], 1);
	assert_int_equal(r.statuses[0], 503);
	assert_string_equal(r.codes[0], "ServiceUnavailable");
	/* 0.5 * min(2^0, 20) s * retry scale 0.01 */
	assert_int_equal(r.delays[0], 5);
	assert_int_equal(c.requests, 2);
	assert_int_equal(c.mutations, 0);
	ew_xml_free(root);
	ew_aws_client_release(&c);
	ew_transport_free(t);
}

static void test_query_gives_up(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_context ctx;
	struct retries r;
	struct ew_error err;

	(void)state;
	/* 5xx every time: three attempts, two back-offs, then the error */
	client(&c, &ctx, t, "/fail/500/99/q500", &r);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "CreateRole", NULL, 0, &root, &err),
	    EW_EAWS);
	assert_null(root);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.delays[1], 10); /* 0.5 * 2 s * 0.01 */
	assert_int_equal(c.requests, 3);
	/* nothing changed: only a confirmed change counts */
	assert_int_equal(c.mutations, 0);
	assert_int_equal(err.http_status, 500);
	assert_string_equal(err.aws_code, "InternalFailure");
	assert_string_equal(err.operation, "CreateRole");
	assert_true(strncmp(err.request_id, "req-", 4) == 0);
	ew_aws_client_release(&c);

	/* IAM's LimitExceeded is a quota: no retry */
	client(&c, &ctx, t, "/code/409/LimitExceeded", &r);
	assert_int_equal(ew_aws_query(&c, EW_SVC_IAM, "CreatePolicyVersion",
				      NULL, 0, &root, &err),
			 EW_EAWS);
	assert_int_equal(r.count, 0);
	assert_int_equal(c.requests, 1);
	assert_true(ew_error_is_aws(&err, "LimitExceeded"));
	ew_aws_client_release(&c);

	/* ConcurrentModification is retried */
	client(&c, &ctx, t, "/code/409/ConcurrentModification", &r);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "TagRole", NULL, 0, &root, &err),
	    EW_EAWS);
	assert_int_equal(r.count, 2);
	ew_aws_client_release(&c);

	/* a proxy's HTML page: a clear message */
	client(&c, &ctx, t, "/html/502", &r);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", NULL, 0, &root, &err),
	    EW_EAWS);
	assert_int_equal(c.requests, 3);
	assert_non_null(strstr(err.message, "unexpected response from iam "
					    "(HTTP 502): <html>"));
	ew_aws_client_release(&c);

	/* connection errors are retried, then EW_ENET */
	client(&c, &ctx, t, "/ok", &r);
	assert_int_equal(ew_aws_client_set_endpoint(&c, EW_SVC_IAM,
						    "http://127.0.0.1:9", &err),
			 0);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", NULL, 0, &root, &err),
	    EW_ENET);
	assert_int_equal(c.requests, 3);
	assert_string_equal(err.operation, "GetRole");
	assert_non_null(strstr(err.message, "connection refused"));
	ew_aws_client_release(&c);
	ew_transport_free(t);
}

static void test_clock_skew_corrected(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_context ctx;
	struct retries r;
	struct ew_error err;

	(void)state;
	client(&c, &ctx, t, "/skew", &r);
	ctx.now = an_hour_ago;
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", NULL, 0, &root, &err), 0);
	assert_int_equal(c.requests, 2);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.codes[0], "SignatureDoesNotMatch");
	assert_true(c.clock_skew > 3590 && c.clock_skew < 3610);
	ew_xml_free(root);
	ew_aws_client_release(&c);
	ew_transport_free(t);
}

static int refreshes;

static int refresh(struct ew_credentials *creds, void *payload,
		   struct ew_error *err)
{
	(void)payload;
	(void)err;
	refreshes++;
	ew_credentials_release(creds);
	creds->access_key_id = strdup("AKIDREFRESHED");
	creds->secret_access_key = strdup("refreshed-secret");
	return 0;
}

static void test_expired_token_refreshed_once(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_context ctx;
	struct retries r;
	struct ew_error err;

	(void)state;
	client(&c, &ctx, t, "/code/403/ExpiredToken", &r);
	c.refresh_credentials = refresh;
	refreshes = 0;
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", NULL, 0, &root, &err),
	    EW_EAWS);
	assert_true(ew_error_is_aws(&err, "ExpiredToken"));
	assert_int_equal(refreshes, 1);
	assert_int_equal(c.requests, 2);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.delays[0], 0);
	assert_string_equal(c.creds.access_key_id, "AKIDREFRESHED");
	ew_aws_client_release(&c);
	ew_transport_free(t);
}

static void test_cancel_during_backoff(void **state)
{
	struct ew_transport *t = transport(0, NULL);
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_context ctx;
	struct ew_cancel cancel;
	struct canceller cl;
	struct retries r;
	struct ew_error err;
	pthread_t th;

	(void)state;
	client(&c, &ctx, t, "/fail/503/99/qcancel", &r);
	ctx.scale_retries = false; /* full-length back-offs: 500 ms, then 1 s */
	ew_cancel_init(&cancel);
	c.cancel = &cancel;
	cl.cancel = &cancel;
	cl.after_ms = 200;
	pthread_create(&th, NULL, cancel_later, &cl);
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", NULL, 0, &root, &err),
	    EW_ECANCEL);
	assert_true(now_ms() - cl.at < 200);
	pthread_join(th, NULL);
	assert_int_equal(c.requests, 1);
	ew_aws_client_release(&c);
	ew_cancel_release(&cancel);
	ew_transport_free(t);
}

static void test_trace_redacts(void **state)
{
	char *text = NULL, *ttext = NULL;
	size_t len = 0, tlen = 0;
	FILE *f = open_memstream(&text, &len);
	FILE *tf = open_memstream(&ttext, &tlen);
	struct ew_transport *t = transport(0, tf);
	struct ew_xml_node *root = NULL;
	struct ew_aws_client c;
	struct ew_context ctx;
	struct retries r;
	struct ew_error err;

	(void)state;
	client(&c, &ctx, t, "/creds", &r);
	ctx.trace = f;
	assert_int_equal(
	    ew_aws_query(&c, EW_SVC_IAM, "GetRole", NULL, 0, &root, &err), 0);
	assert_string_equal(
	    ew_xml_text(root, "AssumeRoleResult/Credentials/SessionToken"),
	    "FAULTSESSIONTOKEN");
	ew_xml_free(root);
	ew_aws_client_release(&c);
	ew_transport_free(t);
	fclose(f);
	fclose(tf);

	for (int i = 0; i < 2; i++) {
		const char *s = i ? ttext : text;

		assert_non_null(strstr(s, "Action=GetRole&Version=2010-05-08"));
		assert_non_null(strstr(s, "Authorization: [redacted]"));
		assert_non_null(strstr(s, "X-Amz-Security-Token: [redacted]"));
		assert_non_null(strstr(s, "<SecretAccessKey>[redacted]<"));
		assert_non_null(strstr(s, "<SessionToken>[redacted]<"));
		assert_non_null(strstr(s, "< 200 (iam GetRole"));
		assert_null(strstr(s, "FAKESESSIONTOKEN"));
		assert_null(strstr(s, "FAULTSESSIONTOKEN"));
		assert_null(strstr(s, "SECRET+value"));
		assert_null(strstr(s, "Signature="));
		assert_null(strstr(s, "EXAMPLEKEY"));
	}
	/* the transport's trace has the headers as received */
	assert_non_null(strstr(ttext, "< Content-Type: text/xml"));
	free(text);
	free(ttext);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keepalive_and_headers),
	    cmocka_unit_test(test_reset_and_truncated),
	    cmocka_unit_test(test_connection_refused),
	    cmocka_unit_test(test_never_answers_times_out),
	    cmocka_unit_test(test_cancel_hanging_request),
	    cmocka_unit_test(test_concurrent_requests_overlap),
	    cmocka_unit_test(test_tls_verification),
	    cmocka_unit_test(test_query_503_then_200),
	    cmocka_unit_test(test_query_gives_up),
	    cmocka_unit_test(test_clock_skew_corrected),
	    cmocka_unit_test(test_expired_token_refreshed_once),
	    cmocka_unit_test(test_cancel_during_backoff),
	    cmocka_unit_test(test_trace_redacts),
	};
	return cmocka_run_group_tests(tests, start_server, stop_server);
}
