#include "aws_client.h"
#include "aws_error.h"
#include "buf.h"
#include "partition.h"
#include "sigv4.h"
#include "trace.h"
#include "uri.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const service_names[EW_SVC_COUNT] = {"sts", "iam", "ecr"};

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static bool is_valid_service(enum ew_service svc)
{
	return (int)svc >= 0 && svc < EW_SVC_COUNT;
}

/* "https://<host>", or "https://<prefix>.<region>.<suffix>" when region is
 * given; NULL when out of memory. */
static char *make_endpoint(const char *host, const char *region,
			   const char *suffix)
{
	struct ew_buf u;
	int rc;

	ew_buf_init(&u);
	if (region)
		rc =
		    ew_buf_printf(&u, "https://%s.%s.%s", host, region, suffix);
	else
		rc = ew_buf_printf(&u, "https://%s", host);
	if (rc) {
		ew_buf_release(&u);
		return NULL;
	}
	return ew_buf_detach(&u);
}

int ew_aws_client_init(struct ew_aws_client *c, struct ew_context *ctx,
		       const struct ew_credentials *creds, const char *region,
		       struct ew_error *err)
{
	const struct ew_partition *p;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->max_attempts = EW_RETRY_MAX_ATTEMPTS;
	ew_retry_bucket_init(&c->bucket);
	/* Any varying seed will do: the jitter only spreads retries. */
	c->jitter_state = (unsigned long long)ew_context_now(ctx) ^
			  (unsigned long long)(uintptr_t)c ^
			  0x9e3779b97f4a7c15ULL;
	if (region && *region) {
		p = ew_partition_for_region(region);
		if (!p)
			return ew_error_set(err, EW_EINVAL,
					    "unknown region '%s'", region);
		if (strlen(region) >= sizeof(c->region))
			return ew_error_set(err, EW_EINVAL,
					    "region name too long: '%s'",
					    region);
		copy_str(c->region, sizeof(c->region), region);
	} else {
		/* IAM is global: without a region it still works, in the
		 * commercial partition */
		p = ew_partition_by_id("aws");
	}
	copy_str(c->partition, sizeof(c->partition), p->id);
	if (creds && ew_credentials_copy(&c->creds, creds))
		return ew_error_oom(err);
	c->endpoint[EW_SVC_IAM] = make_endpoint(p->iam_host, NULL, NULL);
	copy_str(c->signing_region[EW_SVC_IAM], sizeof(c->signing_region[0]),
		 p->iam_signing_region);
	if (c->region[0]) {
		c->endpoint[EW_SVC_STS] =
		    make_endpoint("sts", c->region, p->dns_suffix);
		c->endpoint[EW_SVC_ECR] =
		    make_endpoint("api.ecr", c->region, p->dns_suffix);
		copy_str(c->signing_region[EW_SVC_STS],
			 sizeof(c->signing_region[0]), c->region);
		copy_str(c->signing_region[EW_SVC_ECR],
			 sizeof(c->signing_region[0]), c->region);
		if (!c->endpoint[EW_SVC_STS] || !c->endpoint[EW_SVC_ECR])
			rc = EW_ENOMEM;
	}
	if (!c->endpoint[EW_SVC_IAM])
		rc = EW_ENOMEM;
	if (rc) {
		ew_aws_client_release(c);
		return ew_error_set(err, rc, "out of memory");
	}
	return 0;
}

void ew_aws_client_release(struct ew_aws_client *c)
{
	if (!c)
		return;
	ew_credentials_release(&c->creds);
	for (int i = 0; i < EW_SVC_COUNT; i++)
		free(c->endpoint[i]);
	memset(c, 0, sizeof(*c));
}

/* The parts of an endpoint URL the signer needs: the Host header exactly
 * as the HTTP client sends it and the path (uri.h). */
struct url_parts {
	char host[300];
	char path[512];
};

static int parse_url(struct url_parts *out, const char *url,
		     struct ew_error *err)
{
	return ew_uri_parse_endpoint(url, out->host, sizeof(out->host),
				     out->path, sizeof(out->path), err);
}

int ew_aws_client_set_endpoint(struct ew_aws_client *c, enum ew_service svc,
			       const char *url, struct ew_error *err)
{
	struct url_parts parts;
	char *copy;
	int rc;

	if (!is_valid_service(svc) || !url)
		return ew_error_set(err, EW_EINVAL, "invalid endpoint");
	rc = parse_url(&parts, url, err);
	if (rc)
		return rc;
	copy = ew_strdup(url);
	if (!copy)
		return ew_error_oom(err);
	free(c->endpoint[svc]);
	c->endpoint[svc] = copy;
	return 0;
}

int ew_aws_client_clone(struct ew_aws_client *out,
			const struct ew_aws_client *src, struct ew_error *err)
{
	*out = *src;
	out->requests = 0;
	out->mutations = 0;
	ew_retry_bucket_init(&out->bucket);
	out->jitter_state = src->jitter_state * 6364136223846793005ULL +
			    (unsigned long long)(uintptr_t)out;
	ew_credentials_init(&out->creds);
	for (int i = 0; i < EW_SVC_COUNT; i++)
		out->endpoint[i] = NULL;
	if (ew_credentials_copy(&out->creds, &src->creds))
		goto oom;
	for (int i = 0; i < EW_SVC_COUNT; i++)
		if (src->endpoint[i] &&
		    !(out->endpoint[i] = ew_strdup(src->endpoint[i])))
			goto oom;
	return 0;
oom:
	ew_aws_client_release(out);
	return ew_error_oom(err);
}

/* ---------------------------------------------------------------- calls */

static bool is_mutating(const char *op)
{
	static const char *const readers[] = {"Get", "List", "Describe",
					      "BatchGet"};

	for (size_t i = 0; i < sizeof(readers) / sizeof(*readers); i++)
		if (strncmp(op, readers[i], strlen(readers[i])) == 0)
			return false;
	return true;
}

static double next_jitter(struct ew_aws_client *c)
{
	unsigned long long x;

	if (c->jitter)
		return c->jitter(c->jitter_payload);
	/* xorshift64*: a private stream, so threads never share state */
	x = c->jitter_state ? c->jitter_state : 0x2545f4914f6cdd1dULL;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->jitter_state = x;
	return (double)((x * 2685821657736338717ULL) >> 11) /
	       9007199254740992.0;
}

/* The test build's EW_RETRY_SCALE (context.h); more than 1000 is
 * ignored. */
static double retry_scale(const struct ew_aws_client *c)
{
	double v = ew_context_retry_scale(c->ctx);

	return v > 1000 ? 1 : v;
}

/* IMF-fixdate ("Mon, 15 Jan 2024 12:00:00 GMT") to time_t; -1 if not. */
static time_t parse_http_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4] = "";
	struct tm tm;
	const char *m;
	int day, year, hh, mm, ss;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%*3s, %d %3s %d %d:%d:%d", &day, mon, &year, &hh, &mm,
		   &ss) != 6 ||
	    strlen(mon) != 3)
		return -1;
	m = strstr(months, mon);
	if (!m || (m - months) % 3)
		return -1;
	tm.tm_mday = day;
	tm.tm_mon = (int)((m - months) / 3);
	tm.tm_year = year - 1900;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	return timegm(&tm);
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 +
		      (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

struct call {
	enum ew_service svc;
	const char *operation;
	const char *content_type;
	const char *target; /* X-Amz-Target or NULL */
	const struct ew_buf *body;
};

/* One signed exchange.  0 with an HTTP answer of any status in *resp,
 * else the transport's error. */
static int exchange(struct ew_aws_client *c, const struct call *call,
		    const struct url_parts *url, struct ew_http_response *resp,
		    struct ew_error *err)
{
	struct ew_http_header h[3 + 4];
	struct ew_sigv4_output sig;
	struct ew_sigv4_input in;
	struct ew_http_request req;
	struct timespec t0;
	char amz_date[17];
	size_t n = 0;
	int rc;

	h[n++] = (struct ew_http_header){"Host", url->host};
	h[n++] = (struct ew_http_header){"Content-Type", call->content_type};
	if (call->target)
		h[n++] = (struct ew_http_header){"X-Amz-Target", call->target};
	ew_sigv4_format_date(amz_date, ew_context_now(c->ctx) + c->clock_skew);
	memset(&in, 0, sizeof(in));
	in.method = "POST";
	in.path = url->path;
	in.headers = h;
	in.nheaders = n;
	in.body = call->body->ptr;
	in.body_len = call->body->len;
	in.region = c->signing_region[call->svc];
	in.service = service_names[call->svc];
	in.amz_date = amz_date;
	in.creds = &c->creds;
	in.normalize_path = true;
	ew_sigv4_output_init(&sig);
	rc = ew_sigv4_sign(&sig, &in, err);
	if (rc)
		goto done;
	for (size_t i = 0; i < sig.nadd && n < sizeof(h) / sizeof(*h); i++)
		h[n++] = sig.add[i];

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = c->endpoint[call->svc];
	req.headers = h;
	req.nheaders = n;
	req.body = call->body->ptr;
	req.body_len = call->body->len;
	req.service = service_names[call->svc];
	req.operation = call->operation;
	c->requests++;
	ew_trace_request(c->ctx->trace, &req);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc =
	    ew_transport_perform(c->ctx->transport, &req, resp, c->cancel, err);
	/* a change is counted once AWS confirmed it: "Failed: 9 changes"
	 * after nine refused calls would say something changed */
	if (!rc && resp->status >= 200 && resp->status < 300 &&
	    is_mutating(call->operation))
		c->mutations++;
	if (rc)
		ew_trace_failure(c->ctx->trace, &req, err, elapsed_ms(&t0));
	else
		ew_trace_response(c->ctx->trace, &req, resp, NULL,
				  elapsed_ms(&t0));
done:
	ew_sigv4_output_release(&sig);
	return rc;
}

static bool is_expired_token(const struct ew_error *e)
{
	return e->code == EW_EAWS &&
	       (strcmp(e->aws_code, "ExpiredToken") == 0 ||
		strcmp(e->aws_code, "ExpiredTokenException") == 0);
}

static void report_retry(struct ew_aws_client *c, const struct call *call,
			 int attempt, int max, long delay,
			 const struct ew_error *e)
{
	struct ew_retry_event ev;

	if (!c->on_retry)
		return;
	ev.service = service_names[call->svc];
	ev.operation = call->operation;
	ev.attempt = attempt;
	ev.max_attempts = max;
	ev.delay_ms = delay;
	ev.error = e;
	c->on_retry(&ev, c->payload);
}

/*
 * Sign, send, and retry in standard mode.  On 0, *resp holds a 2xx answer.
 * The clock-skew and expired-token retries are extra attempts, once each:
 * they fix the cause, so they do not spend the back-off budget.
 */
static int call_service(struct ew_aws_client *c, const struct call *call,
			struct ew_http_response *resp, struct ew_error *err)
{
	struct url_parts url;
	struct ew_error e;
	bool skew_fixed = false, token_refreshed = false;
	int max = c->max_attempts > 0 ? c->max_attempts : 1;
	int attempt = 1, cost = 0, rc;
	double scale = retry_scale(c);

	ew_error_clear(&e);
	if (!c->ctx || !c->ctx->transport) {
		rc = ew_error_set(&e, EW_EINVAL, "no HTTP transport");
		goto done;
	}
	if (!c->endpoint[call->svc] || !c->signing_region[call->svc][0]) {
		rc = ew_error_set(&e, EW_EINVAL,
				  "no region for %s: set one with --region or "
				  "AWS_REGION",
				  service_names[call->svc]);
		goto done;
	}
	if (!ew_credentials_is_set(&c->creds)) {
		rc = ew_error_set(&e, EW_ENOCREDS, "no AWS credentials");
		goto done;
	}
	rc = parse_url(&url, c->endpoint[call->svc], &e);
	if (rc)
		goto done;
	for (;;) {
		enum ew_retry_kind kind;
		long delay;

		if (ew_cancel_is_set(c->cancel)) {
			rc = ew_error_set(&e, EW_ECANCEL, "cancelled");
			goto done;
		}
		ew_error_clear(&e);
		ew_http_response_release(resp);
		rc = exchange(c, call, &url, resp, &e);
		if (rc == EW_ECANCEL || (rc && rc != EW_ENET))
			goto done;
		if (!rc && resp->status >= 200 && resp->status < 300) {
			ew_retry_bucket_success(&c->bucket, cost);
			goto done;
		}
		if (!rc) {
			struct ew_aws_error_input in = {
			    service_names[call->svc],
			    call->operation,
			    resp->status,
			    resp->body.ptr,
			    resp->body.len,
			    resp->error_type,
			    resp->request_id,
			};
			rc = ew_aws_error_parse(&e, &in);
		}
		kind = ew_retry_classify(&e);
		if (kind == EW_RETRY_CLOCK_SKEW && !skew_fixed) {
			time_t server = parse_http_date(resp->date);

			skew_fixed = true;
			if (server != -1) {
				c->clock_skew =
				    (long)(server - ew_context_now(c->ctx));
				report_retry(c, call, attempt, max, 0, &e);
				continue;
			}
		}
		if (is_expired_token(&e) && c->refresh_credentials &&
		    !token_refreshed) {
			struct ew_error re;

			token_refreshed = true;
			ew_error_clear(&re);
			if (c->refresh_credentials(&c->creds, c->payload,
						   &re) == 0) {
				report_retry(c, call, attempt, max, 0, &e);
				continue;
			}
		}
		if (kind == EW_RETRY_NONE || kind == EW_RETRY_CLOCK_SKEW ||
		    attempt >= max ||
		    !ew_retry_bucket_acquire(&c->bucket, kind, &cost))
			goto done;
		delay = ew_retry_backoff_ms(attempt, next_jitter(c), scale);
		report_retry(c, call, attempt, max, delay, &e);
		if (ew_cancel_sleep(c->cancel, delay)) {
			rc = ew_error_set(&e, EW_ECANCEL, "cancelled");
			goto done;
		}
		attempt++;
	}
done:
	if (rc) {
		copy_str(e.operation, sizeof(e.operation), call->operation);
		if (err)
			*err = e;
	}
	return rc;
}

static const char *query_version(enum ew_service svc)
{
	switch (svc) {
	case EW_SVC_STS:
		return "2011-06-15";
	case EW_SVC_IAM:
		return "2010-05-08";
	default:
		return NULL;
	}
}

int ew_aws_query(struct ew_aws_client *c, enum ew_service svc,
		 const char *action, const struct ew_query_param *params,
		 size_t nparams, struct ew_xml_node **out, struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf body;
	struct call call;
	int rc;

	*out = NULL;
	ew_http_response_init(&resp);
	ew_buf_init(&body);
	if (!is_valid_service(svc) || !query_version(svc) || !action) {
		rc = ew_error_set(err, EW_EINVAL,
				  "the Query protocol is for STS and IAM");
		goto done;
	}
	rc = ew_uri_form_add(&body, "Action", action);
	if (!rc)
		rc = ew_uri_form_add(&body, "Version", query_version(svc));
	for (size_t i = 0; !rc && i < nparams; i++)
		rc = ew_uri_form_add(&body, params[i].name, params[i].value);
	if (rc) {
		rc = ew_error_oom(err);
		goto done;
	}
	call.svc = svc;
	call.operation = action;
	call.content_type = "application/x-www-form-urlencoded; charset=utf-8";
	call.target = NULL;
	call.body = &body;
	rc = call_service(c, &call, &resp, err);
	if (rc)
		goto done;
	rc = ew_xml_parse(out, resp.body.ptr, resp.body.len, err);
	if (rc) {
		ew_error_prefix(err, "cannot read the %s %s response",
				service_names[svc], action);
		if (err)
			copy_str(err->operation, sizeof(err->operation),
				 action);
	}
done:
	/* bodies may carry credentials (AssumeRole) */
	ew_buf_release_secret(&body);
	ew_buf_release_secret(&resp.body);
	ew_http_response_release(&resp);
	return rc;
}

int ew_aws_json(struct ew_aws_client *c, enum ew_service svc,
		const char *operation, const cJSON *body, cJSON **out,
		struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf payload, target;
	struct call call;
	char *text = NULL;
	int rc;

	*out = NULL;
	ew_http_response_init(&resp);
	ew_buf_init(&payload);
	ew_buf_init(&target);
	if (svc != EW_SVC_ECR || !operation) {
		rc = ew_error_set(err, EW_EINVAL,
				  "the JSON protocol is for ECR only");
		goto done;
	}
	if (body) {
		text = cJSON_PrintUnformatted(body);
		if (!text) {
			rc = ew_error_oom(err);
			goto done;
		}
	}
	if (ew_buf_puts(&payload, text ? text : "{}") ||
	    ew_buf_printf(&target, "AmazonEC2ContainerRegistry_V20150921.%s",
			  operation)) {
		rc = ew_error_oom(err);
		goto done;
	}
	call.svc = svc;
	call.operation = operation;
	call.content_type = "application/x-amz-json-1.1";
	call.target = target.ptr;
	call.body = &payload;
	rc = call_service(c, &call, &resp, err);
	if (rc)
		goto done;
	*out = resp.body.len
		   ? cJSON_ParseWithLength(resp.body.ptr, resp.body.len)
		   : cJSON_CreateObject();
	if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot read the %s %s response: not a JSON "
				  "object",
				  service_names[svc], operation);
		if (err)
			copy_str(err->operation, sizeof(err->operation),
				 operation);
	}
done:
	if (text)
		ew_free_secret(text);
	ew_buf_release_secret(&payload);
	ew_buf_release(&target);
	ew_buf_release_secret(&resp.body);
	ew_http_response_release(&resp);
	return rc;
}
