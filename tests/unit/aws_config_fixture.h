/*
 * aws_config_fixture.h - shared by the tests of aws_config, endpoints,
 * credential_chain and session: a fake environment and clock for the
 * context, a temporary home directory with files in it, and a fake
 * transport that records the request and returns a canned answer.
 *
 * Everything is static: each test program includes this once.  Temporary
 * directories live under $EW_TEST_OUT (the runner wipes it) or /tmp.
 */
#ifndef AWS_CONFIG_FIXTURE_H
#define AWS_CONFIG_FIXTURE_H

#include "buf.h"
#include "context.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FX_MAX_ENV 32

struct fx_env {
	const char *name[FX_MAX_ENV];
	char *value[FX_MAX_ENV];
	int n;
	time_t now;
};

static inline const char *fx_getenv(const char *name, void *payload)
{
	struct fx_env *e = payload;

	for (int i = 0; i < e->n; i++)
		if (strcmp(e->name[i], name) == 0)
			return e->value[i];
	return NULL;
}

static inline time_t fx_now(void *payload)
{
	struct fx_env *e = payload;

	return e->now ? e->now : time(NULL);
}

static inline void fx_setenv(struct fx_env *e, const char *name,
			     const char *value)
{
	for (int i = 0; i < e->n; i++) {
		if (strcmp(e->name[i], name) == 0) {
			free(e->value[i]);
			e->value[i] = strdup(value);
			return;
		}
	}
	if (e->n < FX_MAX_ENV) {
		e->name[e->n] = name;
		e->value[e->n++] = strdup(value);
	}
}

static inline void fx_env_release(struct fx_env *e)
{
	for (int i = 0; i < e->n; i++)
		free(e->value[i]);
	e->n = 0;
}

/* A context with the fake environment and clock and home `home`. */
static inline void fx_context(struct ew_context *ctx, struct fx_env *e,
			      const char *home)
{
	ew_context_init_default(ctx);
	ctx->getenv = fx_getenv;
	ctx->now = fx_now;
	ctx->payload = e;
	ctx->home = home;
}

/* A fresh directory; the caller frees the returned path. */
static inline char *fx_tmpdir(void)
{
	const char *base = getenv("EW_TEST_OUT");
	char tmpl[512];

	snprintf(tmpl, sizeof(tmpl), "%s/awscfg-XXXXXX",
		 base && *base ? base : "/tmp");
	mkdir(base && *base ? base : "/tmp", 0755);
	if (!mkdtemp(tmpl))
		return NULL;
	return strdup(tmpl);
}

/* Write dir/rel (creating directories on the way) with the given mode. */
static inline int fx_write(const char *dir, const char *rel,
			   const char *content, mode_t mode)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(path, 0755);
			*p = '/';
		}
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(content, f);
	fclose(f);
	return chmod(path, mode);
}

/* ------------------------------------------------------------ transport */

struct fx_transport {
	struct ew_transport base;
	int calls;
	long status; /* of the canned answer */
	const char *body;
	/* what the last request was */
	char method[8];
	char url[1024];
	struct ew_buf headers; /* "name: value\n" lines */
	struct ew_buf req_body;
};

static inline int fx_perform(struct ew_transport *t,
			     const struct ew_http_request *req,
			     struct ew_http_response *resp,
			     struct ew_cancel *cancel, struct ew_error *err)
{
	struct fx_transport *ft = (struct fx_transport *)t;

	(void)cancel;
	(void)err;
	ft->calls++;
	snprintf(ft->method, sizeof(ft->method), "%s", req->method);
	snprintf(ft->url, sizeof(ft->url), "%s", req->url);
	ew_buf_clear(&ft->headers);
	for (size_t i = 0; i < req->nheaders; i++)
		ew_buf_printf(&ft->headers, "%s: %s\n", req->headers[i].name,
			      req->headers[i].value);
	ew_buf_clear(&ft->req_body);
	if (req->body_len)
		ew_buf_add(&ft->req_body, req->body, req->body_len);
	resp->status = ft->status;
	ew_buf_puts(&resp->body, ft->body ? ft->body : "");
	return 0;
}

static inline void fx_free(struct ew_transport *t)
{
	(void)t;
}

static inline void fx_transport_init(struct fx_transport *ft, long status,
				     const char *body)
{
	static const struct ew_transport_ops ops = {fx_perform, fx_free};

	memset(ft, 0, sizeof(*ft));
	ft->base.ops = &ops;
	ft->status = status;
	ft->body = body;
	ew_buf_init(&ft->headers);
	ew_buf_init(&ft->req_body);
}

static inline void fx_transport_release(struct fx_transport *ft)
{
	ew_buf_release(&ft->headers);
	ew_buf_release(&ft->req_body);
}

#endif
