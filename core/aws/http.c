#include "http.h"
#include "buf.h"
#include "lazy_curl.h" /* libcurl, opened on first use: see the header */
#include "trace.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#ifndef EW_VERSION
#define EW_VERSION "dev"
#endif

/* An AWS answer is kilobytes; a body this big is a misdirected endpoint,
 * and is refused rather than buffered. */
#define MAX_BODY (16u * 1024u * 1024u)
/* How often a waiting thread looks at its cancel token. */
#define CANCEL_POLL_MS 20

/* One perform() call: lives on the caller's stack.  Until `done` is set
 * (under the transport lock) only the I/O thread touches easy, resp and
 * raw_headers; after, only the caller. */
struct job {
	struct job *next;
	CURL *easy;
	struct curl_slist *headers;
	struct ew_http_response *resp;
	struct ew_buf raw_headers; /* for the trace only */
	bool keep_raw;
	bool too_big;
	bool cancel; /* set by the caller, read by the I/O thread */
	bool done;
	CURLcode result;
	char errbuf[CURL_ERROR_SIZE];
	pthread_cond_t cond;
};

struct http {
	struct ew_transport base;
	CURLM *multi;
	pthread_t thread;
	pthread_mutex_t lock;
	struct job *queue;  /* handed over, not yet in the multi */
	struct job *active; /* in the multi; I/O thread only */
	bool stop;
	bool any_cancel;
	long connect_timeout_ms, timeout_ms, short_timeout_ms;
	char *ca_bundle;
	char *user_agent;
	FILE *trace;
	atomic_ulong requests, connections, failures;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void ew_http_options_init(struct ew_http_options *o)
{
	memset(o, 0, sizeof(*o));
}

/* ---------------------------------------------------------- I/O thread */

static void finish(struct http *h, struct job *j, CURLcode result)
{
	struct job **link;

	for (link = &h->active; *link; link = &(*link)->next)
		if (*link == j) {
			*link = j->next;
			break;
		}
	curl_multi_remove_handle(h->multi, j->easy);
	pthread_mutex_lock(&h->lock);
	j->result = result;
	j->done = true;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&h->lock);
	/* j may be gone now: its owner returns as soon as it sees done */
}

/* Take new jobs into the multi and drop cancelled ones; under the lock. */
static void take_work(struct http *h)
{
	struct job *j, *next;

	for (j = h->queue; j; j = next) {
		next = j->next;
		if (j->cancel || curl_multi_add_handle(h->multi, j->easy)) {
			j->result = j->cancel ? CURLE_ABORTED_BY_CALLBACK
					      : CURLE_OUT_OF_MEMORY;
			j->done = true;
			pthread_cond_signal(&j->cond);
			continue;
		}
		j->next = h->active;
		h->active = j;
	}
	h->queue = NULL;
	if (!h->any_cancel)
		return;
	h->any_cancel = false;
	for (struct job **link = &h->active; *link;) {
		j = *link;
		if (!j->cancel) {
			link = &j->next;
			continue;
		}
		*link = j->next;
		curl_multi_remove_handle(h->multi, j->easy);
		j->result = CURLE_ABORTED_BY_CALLBACK;
		j->done = true;
		pthread_cond_signal(&j->cond);
	}
}

static void *io_thread(void *arg)
{
	struct http *h = arg;
	int running;

	for (;;) {
		CURLMsg *msg;
		int left;

		pthread_mutex_lock(&h->lock);
		if (h->stop) {
			pthread_mutex_unlock(&h->lock);
			break;
		}
		take_work(h);
		pthread_mutex_unlock(&h->lock);

		curl_multi_perform(h->multi, &running);
		while ((msg = curl_multi_info_read(h->multi, &left))) {
			char *priv = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  &priv);
			if (priv)
				finish(h, (struct job *)priv, msg->data.result);
		}
		/* curl_multi_wakeup() from perform() or free() ends this */
		curl_multi_poll(h->multi, NULL, 0, 1000, NULL);
	}
	return NULL;
}

/* ----------------------------------------------------------- callbacks */

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct job *j = arg;
	size_t len = size * n;

	if (j->resp->body.len + len > MAX_BODY) {
		j->too_big = true;
		return 0;
	}
	if (ew_buf_add(&j->resp->body, data, len))
		return 0;
	return len;
}

static void set_field(char *dst, size_t size, const char *v, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct job *j = arg;
	size_t len = size * n, nlen, vlen;
	struct ew_http_response *r = j->resp;
	const char *colon, *v;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue or a proxy's CONNECT):
		 * only the last one's headers count */
		r->request_id[0] = r->date[0] = r->error_type[0] = '\0';
		r->retry_after[0] = '\0';
		r->ratelimit_remaining[0] = r->ratelimit_reset[0] = '\0';
		r->accepted_permissions[0] = '\0';
		ew_buf_clear(&j->raw_headers);
	}
	if (j->keep_raw)
		ew_buf_add(&j->raw_headers, data, len);
	colon = memchr(data, ':', len);
	if (!colon)
		return len;
	nlen = (size_t)(colon - data);
	v = colon + 1;
	while (v < data + len && (*v == ' ' || *v == '\t'))
		v++;
	vlen = (size_t)(data + len - v);
	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
			v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
#define IS(name) (nlen == strlen(name) && strncasecmp(data, name, nlen) == 0)
	if (IS("x-amzn-RequestId") ||
	    (IS("x-amz-request-id") && !r->request_id[0]))
		set_field(r->request_id, sizeof(r->request_id), v, vlen);
	else if (IS("Date"))
		set_field(r->date, sizeof(r->date), v, vlen);
	else if (IS("x-amzn-ErrorType"))
		set_field(r->error_type, sizeof(r->error_type), v, vlen);
	else if (IS("x-amz-retry-after") ||
		 (IS("Retry-After") && !r->retry_after[0]))
		set_field(r->retry_after, sizeof(r->retry_after), v, vlen);
	else if (IS("x-ratelimit-remaining"))
		set_field(r->ratelimit_remaining,
			  sizeof(r->ratelimit_remaining), v, vlen);
	else if (IS("x-ratelimit-reset"))
		set_field(r->ratelimit_reset, sizeof(r->ratelimit_reset), v,
			  vlen);
	else if (IS("x-accepted-github-permissions"))
		set_field(r->accepted_permissions,
			  sizeof(r->accepted_permissions), v, vlen);
#undef IS
	return len;
}

/* ------------------------------------------------------------ requests */

/* "scheme://host[:port]" of url: what messages show (never the query). */
static void url_base(char *out, size_t size, const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, "/?#");
	n += (size_t)(p - url);
	set_field(out, size, url, n);
}

static void url_host(char *out, size_t size, const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	set_field(out, size, p, strcspn(p, "/?#:"));
}

static int add_header(struct curl_slist **list, const char *name,
		      const char *value)
{
	struct curl_slist *l;
	struct ew_buf b;

	ew_buf_init(&b);
	/* libcurl's conventions: "Name:" removes a header it would add,
	 * "Name;" sends one with an empty value */
	if (!value   ? ew_buf_printf(&b, "%s:", name)
	    : *value ? ew_buf_printf(&b, "%s: %s", name, value)
		     : ew_buf_printf(&b, "%s;", name)) {
		ew_buf_release(&b);
		return EW_ENOMEM;
	}
	l = curl_slist_append(*list, b.ptr);
	/* the line may be an Authorization or a token header */
	ew_buf_release_secret(&b);
	if (!l)
		return EW_ENOMEM;
	*list = l;
	return 0;
}

static bool has_crlf(const char *s)
{
	return s && strpbrk(s, "\r\n");
}

static int setup(struct http *h, struct job *j,
		 const struct ew_http_request *req, struct ew_error *err)
{
	bool has_type = false;
	long total =
	    req->is_timeout_short ? h->short_timeout_ms : h->timeout_ms;
	long connect =
	    h->connect_timeout_ms < total ? h->connect_timeout_ms : total;
	const char *method = req->method ? req->method : "GET";
	CURL *e;

	if (!req->url || (req->body_len && !req->body))
		return ew_error_set(err, EW_EINVAL, "invalid HTTP request");
	for (size_t i = 0; i < req->nheaders; i++) {
		const struct ew_http_header *hd = &req->headers[i];

		/* a newline would let a value smuggle another header in */
		if (!hd->name || has_crlf(hd->name) || has_crlf(hd->value) ||
		    strchr(hd->name, ':'))
			return ew_error_set(err, EW_EINVAL,
					    "invalid HTTP header '%s'",
					    hd->name ? hd->name : "");
		if (strcasecmp(hd->name, "Content-Length") == 0)
			continue; /* libcurl sends the real one */
		if (strcasecmp(hd->name, "Content-Type") == 0)
			has_type = true;
		if (add_header(&j->headers, hd->name,
			       hd->value ? hd->value : ""))
			return ew_error_oom(err);
	}
	/* no 100-continue round trip, and no Content-Type libcurl made up */
	if (add_header(&j->headers, "Expect", NULL) ||
	    (!has_type && req->body_len &&
	     add_header(&j->headers, "Content-Type", NULL)))
		return ew_error_oom(err);

	e = j->easy = curl_easy_init();
	if (!e)
		return ew_error_oom(err);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)j);
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (h->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_bundle);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else {
		/* POSTFIELDS sends the bytes as given: no chunking, no
		 * encoding; CUSTOMREQUEST only renames the method */
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)req->body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
				 req->body ? req->body : "");
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	}
	return 0;
}

static const char *errno_text(long e)
{
	switch (e) {
	case ECONNREFUSED:
		return "connection refused";
	case ECONNRESET:
		return "connection reset";
	case ETIMEDOUT:
		return "timed out";
	case ENETUNREACH:
		return "network unreachable";
	case EHOSTUNREACH:
		return "no route to host";
	case EADDRNOTAVAIL:
		return "address not available";
	default:
		return NULL;
	}
}

static void format_seconds(char *out, size_t size, long ms)
{
	if (ms % 1000 == 0)
		snprintf(out, size, "%ld s", ms / 1000);
	else
		snprintf(out, size, "%.1f s", (double)ms / 1000.0);
}

/* Whether host is excluded from proxying by no_proxy/NO_PROXY (a list of
 * names; each matches itself and its subdomains; "*" matches all). */
static bool no_proxy_for(const char *host)
{
	const char *list = getenv("no_proxy");
	char item[256];

	if (!list || !*list)
		list = getenv("NO_PROXY");
	while (list && *list) {
		size_t n = strcspn(list, ", "), hl = strlen(host), il;
		const char *it;

		snprintf(item, sizeof(item), "%.*s", (int)n, list);
		it = item[0] == '.' ? item + 1 : item;
		il = strlen(it);
		if (strcmp(it, "*") == 0 ||
		    (il && hl >= il && strcasecmp(host + hl - il, it) == 0 &&
		     (hl == il || host[hl - il - 1] == '.')))
			return true;
		list += n;
		list += strspn(list, ", ");
	}
	return false;
}

/* The environment variable whose proxy libcurl uses for url (the same
 * order as libcurl: http_proxy for http:, https_proxy or HTTPS_PROXY for
 * https:, then all_proxy/ALL_PROXY), or NULL when it goes direct.  A
 * failure to reach a proxy must name the proxy and that variable, not
 * blame the endpoint behind it. */
static const char *proxy_var(const char *url, const char *host)
{
	static const char *const http_vars[] = {"http_proxy", "all_proxy",
						"ALL_PROXY"};
	static const char *const https_vars[] = {"https_proxy", "HTTPS_PROXY",
						 "all_proxy", "ALL_PROXY"};
	bool tls = strncasecmp(url, "https:", 6) == 0;
	const char *const *v = tls ? https_vars : http_vars;
	size_t n = tls ? 4 : 3;

	if (no_proxy_for(host))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *val = getenv(v[i]);

		if (val && *val)
			return v[i];
	}
	return NULL;
}

/* A proxy URL safe to show: any user:password@ part dropped. */
static const char *proxy_shown(char *out, size_t size, const char *url)
{
	const char *at = url ? strrchr(url, '@') : NULL;
	const char *scheme = url ? strstr(url, "://") : NULL;

	if (!url)
		snprintf(out, size, "?");
	else if (at && scheme && scheme < at)
		snprintf(out, size, "%.*s%s", (int)(scheme + 3 - url), url,
			 at + 1);
	else if (at)
		snprintf(out, size, "%s", at + 1);
	else
		snprintf(out, size, "%s", url);
	return out;
}

/* Turn a failed transfer into git-voiced EW_ENET text. */
static int map_error(struct http *h, struct job *j,
		     const struct ew_http_request *req, struct ew_error *err)
{
	char base[256], host[256], secs[32];
	const char *why =
	    j->errbuf[0] ? j->errbuf : curl_easy_strerror(j->result);
	curl_off_t connect_us = 0;
	long os_errno = 0;
	const char *pvar;
	char pshow[256];

	url_base(base, sizeof(base), req->url);
	url_host(host, sizeof(host), req->url);
	curl_easy_getinfo(j->easy, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(j->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
	switch (j->result) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return ew_error_set(err, EW_ENET,
				    "cannot connect to '%s': cannot resolve "
				    "host '%s'",
				    base, host);
	case CURLE_COULDNT_RESOLVE_PROXY: {
		/* libcurl quotes the proxy URL, password and all: keep only
		 * its words, and show the URL without user information */
		char reason[128];
		size_t n;

		pvar = proxy_var(req->url, host);
		snprintf(reason, sizeof(reason), "%.100s", why);
		reason[strcspn(reason, "'")] = '\0';
		n = strlen(reason);
		if (n >= 4 && strcmp(reason + n - 4, " in ") == 0)
			reason[n - 4] = '\0';
		n = strlen(reason);
		while (n && (reason[n - 1] == ' ' || reason[n - 1] == ':'))
			reason[--n] = '\0';
		return ew_error_set(
		    err, EW_ENET,
		    "cannot connect to '%s': the proxy from %s ('%s') is "
		    "malformed or its host cannot be resolved (%s); check %s",
		    base, pvar ? pvar : "the proxy variables",
		    pvar ? proxy_shown(pshow, sizeof(pshow), getenv(pvar))
			 : "?",
		    reason, pvar ? pvar : "http_proxy/https_proxy");
	}
	case CURLE_COULDNT_CONNECT:
		if ((pvar = proxy_var(req->url, host)) != NULL)
			return ew_error_set(
			    err, EW_ENET,
			    "cannot connect to '%s': the proxy from %s "
			    "('%s') refused the connection or is unreachable "
			    "(%s); check %s or unset it",
			    base, pvar,
			    proxy_shown(pshow, sizeof(pshow), getenv(pvar)),
			    errno_text(os_errno) ? errno_text(os_errno) : why,
			    pvar);
		return ew_error_set(
		    err, EW_ENET, "cannot connect to '%s': %s", base,
		    errno_text(os_errno) ? errno_text(os_errno) : why);
	case CURLE_OPERATION_TIMEDOUT:
		if (connect_us == 0) {
			format_seconds(secs, sizeof(secs),
				       h->connect_timeout_ms);
			return ew_error_set(err, EW_ENET,
					    "cannot connect to '%s': timed "
					    "out after %s",
					    base, secs);
		}
		format_seconds(secs, sizeof(secs),
			       req->is_timeout_short ? h->short_timeout_ms
						     : h->timeout_ms);
		return ew_error_set(err, EW_ENET,
				    "request to '%s' timed out after %s", base,
				    secs);
	case CURLE_PEER_FAILED_VERIFICATION:
		return ew_error_set(err, EW_ENET,
				    "TLS certificate verification failed for "
				    "'%s': %s",
				    host, why);
	case CURLE_SSL_CACERT_BADFILE:
		return ew_error_set(err, EW_ENET,
				    "cannot read the CA bundle '%s' "
				    "(AWS_CA_BUNDLE): %s",
				    h->ca_bundle ? h->ca_bundle : "", why);
	case CURLE_SSL_CONNECT_ERROR:
		return ew_error_set(err, EW_ENET,
				    "TLS handshake with '%s' failed: %s", host,
				    why);
	case CURLE_WRITE_ERROR:
		if (j->too_big)
			return ew_error_set(err, EW_ENET,
					    "response from '%s' is larger "
					    "than %u bytes",
					    base, MAX_BODY);
		return ew_error_oom(err);
	case CURLE_PARTIAL_FILE:
		return ew_error_set(err, EW_ENET,
				    "connection to '%s' closed before the "
				    "response was complete",
				    base);
	case CURLE_GOT_NOTHING:
		return ew_error_set(err, EW_ENET,
				    "connection to '%s' closed without a "
				    "response",
				    base);
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		return ew_error_set(
		    err, EW_ENET, "connection to '%s' failed: %s", base,
		    errno_text(os_errno) ? errno_text(os_errno) : why);
	default:
		return ew_error_set(err, EW_ENET, "request to '%s' failed: %s",
				    base, why);
	}
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 +
		      (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static void deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int http_perform(struct ew_transport *t,
			const struct ew_http_request *req,
			struct ew_http_response *resp, struct ew_cancel *cancel,
			struct ew_error *err)
{
	struct http *h = (struct http *)t;
	pthread_condattr_t attr;
	struct timespec t0;
	struct job j;
	long conns = 0;
	int rc;

	memset(&j, 0, sizeof(j));
	j.resp = resp;
	j.keep_raw = h->trace != NULL;
	ew_buf_init(&j.raw_headers);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&j.cond, &attr);
	pthread_condattr_destroy(&attr);
	ew_buf_clear(&resp->body);
	resp->status = 0;

	if (ew_cancel_is_set(cancel)) {
		rc = ew_error_set(err, EW_ECANCEL, "cancelled");
		goto done;
	}
	rc = setup(h, &j, req, err);
	if (rc)
		goto done;
	ew_trace_request(h->trace, req);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	atomic_fetch_add(&h->requests, 1);

	pthread_mutex_lock(&h->lock);
	j.next = h->queue;
	h->queue = &j;
	pthread_mutex_unlock(&h->lock);
	curl_multi_wakeup(h->multi);

	pthread_mutex_lock(&h->lock);
	while (!j.done) {
		struct timespec until;

		if (!cancel) {
			pthread_cond_wait(&j.cond, &h->lock);
			continue;
		}
		if (!j.cancel && ew_cancel_is_set(cancel)) {
			j.cancel = true;
			h->any_cancel = true;
			curl_multi_wakeup(h->multi);
		}
		deadline_in(&until, CANCEL_POLL_MS);
		pthread_cond_timedwait(&j.cond, &h->lock, &until);
	}
	pthread_mutex_unlock(&h->lock);

	curl_easy_getinfo(j.easy, CURLINFO_NUM_CONNECTS, &conns);
	if (conns > 0)
		atomic_fetch_add(&h->connections, (unsigned long)conns);
	if (j.cancel && j.result == CURLE_ABORTED_BY_CALLBACK) {
		rc = ew_error_set(err, EW_ECANCEL, "cancelled");
		ew_trace_failure(h->trace, req, err, ms_since(&t0));
	} else if (j.result != CURLE_OK) {
		rc = map_error(h, &j, req, err);
		atomic_fetch_add(&h->failures, 1);
		ew_trace_failure(h->trace, req, err, ms_since(&t0));
	} else {
		curl_easy_getinfo(j.easy, CURLINFO_RESPONSE_CODE,
				  &resp->status);
		ew_trace_response(h->trace, req, resp, j.raw_headers.ptr,
				  ms_since(&t0));
	}
done:
	if (j.easy)
		curl_easy_cleanup(j.easy);
	curl_slist_free_all(j.headers);
	ew_buf_release(&j.raw_headers);
	pthread_cond_destroy(&j.cond);
	if (rc)
		ew_buf_release_secret(&resp->body);
	return rc;
}

static void http_free(struct ew_transport *t)
{
	struct http *h = (struct http *)t;

	pthread_mutex_lock(&h->lock);
	h->stop = true;
	pthread_mutex_unlock(&h->lock);
	curl_multi_wakeup(h->multi);
	pthread_join(h->thread, NULL);
	curl_multi_cleanup(h->multi);
	pthread_mutex_destroy(&h->lock);
	free(h->ca_bundle);
	free(h->user_agent);
	free(h);
}

static const struct ew_transport_ops http_ops = {
    .perform = http_perform,
    .free = http_free,
};

struct ew_transport *ew_http_transport_new(const struct ew_http_options *o,
					   struct ew_error *err)
{
	struct ew_http_options defaults;
	struct http *h;

	if (!o) {
		ew_http_options_init(&defaults);
		o = &defaults;
	}
	if (ew_lazy_curl_load(err))
		return NULL;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		ew_error_set(err, EW_ERROR, "cannot initialise libcurl: %s",
			     curl_easy_strerror(global_rc));
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		ew_error_oom(err);
		return NULL;
	}
	h->base.ops = &http_ops;
	h->connect_timeout_ms =
	    o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 5000;
	h->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
	h->short_timeout_ms =
	    o->short_timeout_ms > 0 ? o->short_timeout_ms : 3000;
	h->trace = o->trace;
	h->ca_bundle = ew_strdup(o->ca_bundle);
	h->user_agent =
	    ew_strdup(o->user_agent ? o->user_agent : "ecr-wizard/" EW_VERSION);
	atomic_init(&h->requests, 0);
	atomic_init(&h->connections, 0);
	atomic_init(&h->failures, 0);
	h->multi = curl_multi_init();
	if (!h->multi || !h->user_agent || (o->ca_bundle && !h->ca_bundle)) {
		ew_error_oom(err);
		goto fail;
	}
	pthread_mutex_init(&h->lock, NULL);
	if (pthread_create(&h->thread, NULL, io_thread, h)) {
		ew_error_set(err, EW_ERROR, "cannot start the HTTP thread");
		pthread_mutex_destroy(&h->lock);
		goto fail;
	}
	return &h->base;
fail:
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h->ca_bundle);
	free(h->user_agent);
	free(h);
	return NULL;
}

void ew_http_transport_stats(const struct ew_transport *t,
			     struct ew_http_stats *out)
{
	struct http *h = (struct http *)t;

	out->requests = atomic_load(&h->requests);
	out->connections = atomic_load(&h->connections);
	out->failures = atomic_load(&h->failures);
}
