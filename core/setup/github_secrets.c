#include "github_secrets.h"

#include "git_remote.h"
#include "github_token.h"
#include "trace.h"
#include "uri.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef EW_VERSION
#define EW_VERSION "dev"
#endif

/* How often one request is retried after a rate-limit wait. */
#define MAX_RATE_RETRIES 2
/* GitHub's advice for a secondary rate limit that names no time. */
#define SECONDARY_WAIT_S 60

/* --------------------------------------------------------------- sealing */

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_rc = -1;

static void sodium_start(void)
{
	sodium_rc = sodium_init();
}

int ew_github_seal(struct ew_buf *out, const char *key_b64, const char *value,
		   struct ew_error *err)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	unsigned char *box = NULL;
	size_t pklen = 0, mlen, blen, b64len;
	int rc = 0;

	pthread_once(&sodium_once, sodium_start);
	if (sodium_rc < 0)
		return ew_error_set(err, EW_ERROR,
				    "cannot start libsodium to seal secrets");
	if (!key_b64 ||
	    sodium_base642bin(pk, sizeof(pk), key_b64, strlen(key_b64), NULL,
			      &pklen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    pklen != sizeof(pk))
		return ew_error_set(err, EW_EPARSE,
				    "github's public key is not 32 bytes of "
				    "base64");
	mlen = strlen(value);
	blen = crypto_box_SEALBYTES + mlen;
	b64len =
	    sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
	if (!(box = malloc(blen)) || ew_buf_grow(out, b64len) < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	if (crypto_box_seal(box, (const unsigned char *)value, mlen, pk) != 0) {
		rc = ew_error_set(err, EW_ERROR, "cannot seal a secret value");
		goto done;
	}
	sodium_bin2base64(out->ptr + out->len, b64len, box, blen,
			  sodium_base64_VARIANT_ORIGINAL);
	out->len += strlen(out->ptr + out->len);
done:
	free(box);
	return rc;
}

/* ---------------------------------------------------------------- client */

int ew_github_client_init(struct ew_github_client *c, struct ew_context *ctx,
			  const char *host, const char *owner, const char *repo,
			  const char *token, const char *token_source,
			  struct ew_error *err)
{
	memset(c, 0, sizeof(*c));
	ew_buf_init(&c->base);
	c->ctx = ctx;
	c->owner = owner;
	c->repo = repo;
	c->token = token;
	c->token_source = token_source ? token_source : "the token";
	c->max_wait_s = EW_GITHUB_MAX_WAIT_S;
	if (!ew_git_remote_is_valid_owner(owner) ||
	    !ew_git_remote_is_valid_repo(repo))
		return ew_error_set(err, EW_EINVAL,
				    "invalid github repository '%.40s/%.101s'",
				    owner ? owner : "", repo ? repo : "");
	if (!token || !*token)
		return ew_error_set(err, EW_EINVAL,
				    "storing github secrets needs a token");
	if (!ctx || !ctx->transport)
		return ew_error_set(err, EW_EINVAL,
				    "cannot ask the github api: no http "
				    "transport in the context");
	return ew_github_api_base(&c->base, ctx, host, err);
}

void ew_github_client_release(struct ew_github_client *c)
{
	if (!c)
		return;
	ew_buf_release(&c->base);
	memset(c, 0, sizeof(*c));
}

/* One request: what it is for (messages) and its path below the repo. */
struct req {
	const char *method;
	const char *what; /* "store secret AWS_REGION of environment 'x'" */
	const char *path; /* "/actions/secrets/public-key" */
	const char *body; /* JSON or NULL */
	/* the fine-grained permission it needs, for 403 messages */
	const char *permission;
};

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* GitHub's "message" (and the first errors[].message) from an error
 * body, one line, never the token. */
static void body_message(char *dst, size_t size,
			 const struct ew_github_client *c,
			 const struct ew_http_response *resp)
{
	cJSON *doc = cJSON_ParseWithLength(resp->body.ptr, resp->body.len);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, "message");
	const cJSON *es = cJSON_GetObjectItemCaseSensitive(doc, "errors");
	const cJSON *e0 = cJSON_IsArray(es) ? cJSON_GetArrayItem(es, 0) : NULL;
	const cJSON *em = cJSON_IsObject(e0)
			      ? cJSON_GetObjectItemCaseSensitive(e0, "message")
			  : cJSON_IsString(e0) ? e0
					       : NULL;

	dst[0] = '\0';
	if (cJSON_IsString(m) && m->valuestring)
		snprintf(dst, size, "%s%s%s", m->valuestring,
			 cJSON_IsString(em) && em->valuestring ? ": " : "",
			 cJSON_IsString(em) && em->valuestring ? em->valuestring
							       : "");
	cJSON_Delete(doc);
	if (strstr(dst, c->token))
		dst[0] = '\0';
	for (char *p = dst; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static bool mentions_rate_limit(const char *msg)
{
	return strstr(msg, "rate limit") || strstr(msg, "Rate limit") ||
	       strstr(msg, "rate-limit");
}

/* How long a rate-limited answer asks to wait, in seconds; -1 when the
 * answer is not a rate limit. */
static long rate_wait(const struct ew_github_client *c,
		      const struct ew_http_response *resp, const char *msg)
{
	char *end;
	long v;

	if (resp->status != 429 &&
	    !(resp->status == 403 && (!strcmp(resp->ratelimit_remaining, "0") ||
				      mentions_rate_limit(msg))))
		return -1;
	if (resp->retry_after[0]) {
		v = strtol(resp->retry_after, &end, 10);
		if (end != resp->retry_after && !*end && v >= 0)
			return v;
	}
	if (!strcmp(resp->ratelimit_remaining, "0") &&
	    resp->ratelimit_reset[0]) {
		v = strtol(resp->ratelimit_reset, &end, 10);
		if (end != resp->ratelimit_reset && !*end) {
			long left = v - (long)ew_context_now(c->ctx);

			return left < 0 ? 0 : left + 1;
		}
	}
	return SECONDARY_WAIT_S;
}

static void utc_clock(char *dst, size_t size, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(dst, size, "%H:%M:%S UTC", &tm);
	else
		snprintf(dst, size, "later");
}

/* Word a non-2xx answer. */
static int failure(const struct ew_github_client *c, const struct req *q,
		   const struct ew_http_response *resp, const char *msg,
		   long wait_s, struct ew_error *err)
{
	char at[32];
	int code = EW_EAWS;

	if (wait_s >= 0) {
		utc_clock(at, sizeof(at), ew_context_now(c->ctx) + wait_s);
		ew_error_set(err, code,
			     "github api rate limit reached (%ld) while trying "
			     "to %s: GitHub asks to wait %ld s; run again "
			     "after %s",
			     resp->status, q->what, wait_s, at);
	} else if (resp->status == 401) {
		ew_error_set(err, code,
			     "github rejected the token from %s (401%s%s): it "
			     "is invalid, expired or revoked; run `gh auth "
			     "login` or set GH_TOKEN to a valid token",
			     c->token_source, msg[0] ? " " : "", msg);
	} else if (resp->status == 403) {
		ew_error_set(err, code,
			     "github refused to %s in '%s/%s' (403%s%s): the "
			     "token from %s lacks the permission %s%s%s%s; "
			     "grant it to the token (a classic token needs "
			     "the 'repo' scope), and you need admin or write "
			     "access to the repository",
			     q->what, c->owner, c->repo, msg[0] ? " " : "", msg,
			     c->token_source, q->permission,
			     resp->accepted_permissions[0] ? " (GitHub asks "
							     "for: "
							   : "",
			     resp->accepted_permissions,
			     resp->accepted_permissions[0] ? ")" : "");
	} else if (resp->status == 404) {
		code = EW_ENOTFOUND;
		ew_error_set(err, code,
			     "github cannot %s: repository '%s/%s' not found "
			     "(404); it does not exist (check the owner and "
			     "name) or the token from %s cannot see it (a "
			     "fine-grained token must be granted this "
			     "repository)",
			     q->what, c->owner, c->repo, c->token_source);
	} else if (resp->status == 422) {
		ew_error_set(err, code,
			     "github rejected the request to %s in '%s/%s' "
			     "(422%s%s): run again (each run fetches a fresh "
			     "public key); if it persists, check the name "
			     "and the repository's settings",
			     q->what, c->owner, c->repo, msg[0] ? ": " : "",
			     msg);
	} else {
		ew_error_set(err, code,
			     "github api answered %ld while trying to %s in "
			     "'%s/%s'%s%s; retry later",
			     resp->status, q->what, c->owner, c->repo,
			     msg[0] ? ": " : "", msg);
	}
	if (err)
		err->http_status = resp->status;
	return code;
}

/*
 * Send one request under the repository; waits out and retries rate
 * limits.  0 with resp holding a 2xx answer, or with *status_out the
 * status of an expected non-2xx (accept_404); else the failure.
 */
static int call(struct ew_github_client *c, const struct req *q,
		struct ew_http_response *resp, bool accept_404,
		ew_github_event_fn on, void *payload, struct ew_error *err)
{
	struct ew_buf url, auth;
	struct ew_http_header h[5] = {
	    {"Accept", "application/vnd.github+json"},
	    {"X-GitHub-Api-Version", "2022-11-28"},
	    {"User-Agent", "ecr-wizard/" EW_VERSION},
	    {"Authorization", NULL},
	    {"Content-Type", "application/json"},
	};
	struct ew_http_request r = {
	    .method = q->method,
	    .headers = h,
	    .nheaders = q->body ? 5 : 4,
	    .body = q->body,
	    .body_len = q->body ? strlen(q->body) : 0,
	    .service = "github",
	};
	char msg[200];
	int rc;

	ew_buf_init(&url);
	ew_buf_init(&auth);
	if (ew_buf_printf(&url, "%s/repos/%s/%s%s", c->base.ptr, c->owner,
			  c->repo, q->path) < 0 ||
	    ew_buf_printf(&auth, "Bearer %s", c->token) < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	r.url = url.ptr;
	h[3].value = auth.ptr;
	for (int attempt = 0;; attempt++) {
		long t0 = mono_ms(), wait_s;

		ew_http_response_release(resp);
		ew_trace_request(c->ctx->trace, &r);
		c->requests++;
		rc = ew_transport_perform(c->ctx->transport, &r, resp,
					  c->cancel, err);
		if (rc == EW_ENET) {
			ew_trace_failure(c->ctx->trace, &r, err,
					 mono_ms() - t0);
			ew_error_prefix(err,
					"cannot reach the github api at '%s'",
					c->base.ptr);
			goto done;
		}
		if (rc < 0)
			goto done;
		ew_trace_response(c->ctx->trace, &r, resp, NULL,
				  mono_ms() - t0);
		if (resp->status >= 200 && resp->status < 300)
			goto done;
		if (resp->status == 404 && accept_404)
			goto done;
		body_message(msg, sizeof(msg), c, resp);
		wait_s = rate_wait(c, resp, msg);
		if (wait_s >= 0 && attempt < MAX_RATE_RETRIES &&
		    wait_s <= c->max_wait_s) {
			if (on)
				on(EW_GITHUB_RATE_WAIT, NULL, NULL, wait_s,
				   payload);
			c->waited_s += wait_s;
			if (ew_cancel_sleep(c->cancel, wait_s * 1000L) != 0) {
				rc = ew_error_set(err, EW_ECANCEL,
						  "cancelled while waiting "
						  "for github's rate limit");
				goto done;
			}
			continue;
		}
		rc = failure(c, q, resp, msg, wait_s, err);
		goto done;
	}
done:
	ew_buf_release(&url);
	ew_buf_release_secret(&auth);
	return rc;
}

/* "/environments/ENC" for env, "" for the repository. */
static int scope_path(struct ew_buf *out, const char *env)
{
	ew_buf_clear(out);
	if (!env)
		return ew_buf_puts(out, "");
	if (ew_buf_puts(out, "/environments/") < 0)
		return EW_ENOMEM;
	return ew_uri_encode(out, env, strlen(env), false);
}

static const char *json_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Make sure environment env exists (GET, then PUT when 404). */
static int ensure_env(struct ew_github_client *c, const char *env,
		      const char *scope, ew_github_event_fn on, void *payload,
		      struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf what;
	struct req q = {"GET", NULL, scope, NULL,
			"\"Environments: read\" (or \"Actions: read\")"};
	int rc;

	ew_http_response_init(&resp);
	ew_buf_init(&what);
	if (ew_buf_printf(&what, "read environment '%s'", env) < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	q.what = what.ptr;
	if ((rc = call(c, &q, &resp, true, on, payload, err)) < 0 ||
	    resp.status != 404)
		goto done;
	ew_buf_clear(&what);
	if (ew_buf_printf(&what, "create environment '%s'", env) < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	q.method = "PUT";
	q.what = what.ptr;
	q.body = "{}";
	q.permission = "\"Administration: read and write\" (creating an "
		       "environment; or create it in the repository's "
		       "settings)";
	if ((rc = call(c, &q, &resp, false, on, payload, err)) < 0)
		goto done;
	if (on)
		on(EW_GITHUB_ENV_CREATED, env, NULL, 0, payload);
done:
	ew_http_response_release(&resp);
	ew_buf_release(&what);
	return rc;
}

/* The scope's public key: key_id and key, heap strings. */
static int public_key(struct ew_github_client *c, const char *env,
		      const char *scope, char **key_id, char **key,
		      ew_github_event_fn on, void *payload,
		      struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf path, what;
	struct req q = {"GET", NULL, NULL, NULL, NULL};
	cJSON *doc = NULL;
	const char *id, *k;
	int rc;

	*key_id = *key = NULL;
	ew_http_response_init(&resp);
	ew_buf_init(&path);
	ew_buf_init(&what);
	if (ew_buf_printf(&path, "%s/secrets/public-key",
			  env ? scope : "/actions") < 0 ||
	    ew_buf_printf(&what, "read the secrets' public key%s%s%s",
			  env ? " of environment '" : "", env ? env : "",
			  env ? "'" : "") < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	q.path = path.ptr;
	q.what = what.ptr;
	q.permission = env ? "\"Environments: read and write\""
			   : "\"Secrets: read and write\"";
	if ((rc = call(c, &q, &resp, false, on, payload, err)) < 0)
		goto done;
	doc = cJSON_ParseWithLength(resp.body.ptr, resp.body.len);
	id = json_string(doc, "key_id");
	k = json_string(doc, "key");
	if (!id || !k || !*id || !*k) {
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot read github's answer to '%s': no "
				  "key_id and key",
				  what.ptr);
		goto done;
	}
	*key_id = ew_strdup(id);
	*key = ew_strdup(k);
	if (!*key_id || !*key) {
		free(*key_id);
		free(*key);
		*key_id = *key = NULL;
		rc = ew_error_oom(err);
	}
done:
	cJSON_Delete(doc);
	ew_http_response_release(&resp);
	ew_buf_release(&path);
	ew_buf_release(&what);
	return rc;
}

static bool same_env(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int put_secret(struct ew_github_client *c, const char *env,
		      const char *scope, const struct ew_output_row *row,
		      const char *key_id, const char *key,
		      ew_github_event_fn on, void *payload,
		      struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf path, what, sealed;
	struct req q = {"PUT", NULL, NULL, NULL, NULL};
	cJSON *body = cJSON_CreateObject();
	char *json = NULL;
	int rc;

	ew_http_response_init(&resp);
	ew_buf_init(&path);
	ew_buf_init(&what);
	ew_buf_init(&sealed);
	if ((rc = ew_github_seal(&sealed, key, row->value, err)) < 0)
		goto done;
	if (!body ||
	    !cJSON_AddStringToObject(body, "encrypted_value", sealed.ptr) ||
	    !cJSON_AddStringToObject(body, "key_id", key_id) ||
	    !(json = cJSON_PrintUnformatted(body)) ||
	    ew_buf_printf(&path, "%s/secrets/%s", env ? scope : "/actions",
			  row->name) < 0 ||
	    ew_buf_printf(&what, "store secret %s%s%s%s", row->name,
			  env ? " of environment '" : "", env ? env : "",
			  env ? "'" : "") < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	q.path = path.ptr;
	q.what = what.ptr;
	q.body = json;
	q.permission = env ? "\"Environments: read and write\""
			   : "\"Secrets: read and write\"";
	if ((rc = call(c, &q, &resp, false, on, payload, err)) < 0)
		goto done;
	if (on)
		on(EW_GITHUB_SECRET_STORED, env, row->name, 0, payload);
done:
	cJSON_free(json);
	cJSON_Delete(body);
	ew_http_response_release(&resp);
	ew_buf_release(&path);
	ew_buf_release(&what);
	ew_buf_release(&sealed);
	return rc;
}

int ew_github_secrets_store(struct ew_github_client *c,
			    const struct ew_outputs *o, ew_github_event_fn on,
			    void *payload, size_t *nstored,
			    struct ew_error *err)
{
	struct ew_buf scope;
	char *key_id = NULL, *key = NULL;
	const char *key_env = NULL;
	bool have_key = false;
	size_t stored = 0;
	int rc = 0;

	ew_buf_init(&scope);
	for (size_t i = 0; i < o->nrows; i++) {
		const struct ew_output_row *row = &o->rows[i];

		if (scope_path(&scope, row->env) < 0) {
			rc = ew_error_oom(err);
			goto done;
		}
		/* one public key (and environment check) per scope */
		if (!have_key || !same_env(key_env, row->env)) {
			free(key_id);
			free(key);
			key_id = key = NULL;
			have_key = false;
			if (row->env && (rc = ensure_env(c, row->env, scope.ptr,
							 on, payload, err)) < 0)
				goto done;
			if ((rc = public_key(c, row->env, scope.ptr, &key_id,
					     &key, on, payload, err)) < 0)
				goto done;
			have_key = true;
			key_env = row->env;
		}
		if ((rc = put_secret(c, row->env, scope.ptr, row, key_id, key,
				     on, payload, err)) < 0)
			goto done;
		stored++;
	}
done:
	if (nstored)
		*nstored = stored;
	free(key_id);
	free(key);
	ew_buf_release(&scope);
	return rc;
}

int ew_github_secrets_delete(struct ew_github_client *c,
			     const struct ew_outputs *o, ew_github_event_fn on,
			     void *payload, struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf scope, path, what;
	int rc = 0;

	ew_http_response_init(&resp);
	ew_buf_init(&scope);
	ew_buf_init(&path);
	ew_buf_init(&what);
	for (size_t i = 0; i < o->nrows; i++) {
		const struct ew_output_row *row = &o->rows[i];
		struct req q = {"DELETE", NULL, NULL, NULL,
				row->env ? "\"Environments: read and write\""
					 : "\"Secrets: read and write\""};

		ew_buf_clear(&path);
		ew_buf_clear(&what);
		if (scope_path(&scope, row->env) < 0 ||
		    ew_buf_printf(&path, "%s/secrets/%s",
				  row->env ? scope.ptr : "/actions",
				  row->name) < 0 ||
		    ew_buf_printf(&what, "delete secret %s%s%s%s", row->name,
				  row->env ? " of environment '" : "",
				  row->env ? row->env : "",
				  row->env ? "'" : "") < 0) {
			rc = ew_error_oom(err);
			goto done;
		}
		q.path = path.ptr;
		q.what = what.ptr;
		if ((rc = call(c, &q, &resp, true, on, payload, err)) < 0)
			goto done;
		if (on)
			on(resp.status == 404 ? EW_GITHUB_SECRET_ABSENT
					      : EW_GITHUB_SECRET_DELETED,
			   row->env, row->name, 0, payload);
	}
done:
	ew_http_response_release(&resp);
	ew_buf_release(&scope);
	ew_buf_release(&path);
	ew_buf_release(&what);
	return rc;
}

bool ew_github_names_has(const struct ew_github_names *l, const char *name)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return true;
	return false;
}

void ew_github_names_release(struct ew_github_names *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

/* Append one page's names; *total is GitHub's total_count. */
static int add_names(struct ew_github_names *out, const struct req *q,
		     const struct ew_http_response *resp, long *total,
		     size_t *added, struct ew_error *err)
{
	cJSON *doc = cJSON_ParseWithLength(resp->body.ptr, resp->body.len);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "secrets");
	const cJSON *tc = cJSON_GetObjectItemCaseSensitive(doc, "total_count");
	const cJSON *s;
	int rc = 0;

	*added = 0;
	if (!cJSON_IsArray(list)) {
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot read github's answer to '%s': no "
				  "secrets list",
				  q->what);
		goto done;
	}
	*total = cJSON_IsNumber(tc) ? (long)tc->valuedouble : 0;
	cJSON_ArrayForEach(s, list)
	{
		const char *name = json_string(s, "name");
		char **grown;

		if (!name)
			continue;
		grown = realloc(out->names, (out->n + 1) * sizeof(*grown));
		if (!grown || !(grown[out->n] = ew_strdup(name))) {
			if (grown)
				out->names = grown;
			rc = ew_error_oom(err);
			goto done;
		}
		out->names = grown;
		out->n++;
		(*added)++;
	}
done:
	cJSON_Delete(doc);
	return rc;
}

/* Every page of a names list under prefix ("/actions/secrets", ...). */
static int list_pages(struct ew_github_names *out, struct ew_github_client *c,
		      const char *prefix, const char *what,
		      const char *permission, bool accept_404,
		      struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf path;
	long total = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	ew_http_response_init(&resp);
	ew_buf_init(&path);
	/* 100 a page, GitHub's most; 10 pages is more than any repo has */
	for (int page = 1; page <= 10; page++) {
		struct req q = {"GET", what, NULL, NULL, permission};
		size_t added;

		ew_buf_clear(&path);
		if (ew_buf_printf(&path, "%s?per_page=100&page=%d", prefix,
				  page) < 0) {
			rc = ew_error_oom(err);
			goto done;
		}
		q.path = path.ptr;
		if ((rc = call(c, &q, &resp, accept_404, NULL, NULL, err)) < 0)
			goto done;
		if (resp.status == 404) {
			out->env_missing = true;
			goto done;
		}
		if ((rc = add_names(out, &q, &resp, &total, &added, err)) < 0)
			goto done;
		if (added == 0 || (long)out->n >= total)
			break;
	}
done:
	ew_http_response_release(&resp);
	ew_buf_release(&path);
	return rc;
}

int ew_github_secrets_list(struct ew_github_names *out,
			   struct ew_github_client *c, const char *env,
			   struct ew_error *err)
{
	struct ew_buf prefix, what;
	int rc;

	memset(out, 0, sizeof(*out));
	ew_buf_init(&prefix);
	ew_buf_init(&what);
	if (scope_path(&prefix, env) < 0 ||
	    ew_buf_puts(&prefix, env ? "/secrets" : "/actions/secrets") < 0 ||
	    ew_buf_printf(&what, "list the secrets%s%s%s",
			  env ? " of environment '" : "", env ? env : "",
			  env ? "'" : "") < 0)
		rc = ew_error_oom(err);
	else
		rc = list_pages(out, c, prefix.ptr, what.ptr,
				env ? "\"Environments: read\""
				    : "\"Secrets: read\"",
				env != NULL, err);
	ew_buf_release(&prefix);
	ew_buf_release(&what);
	return rc;
}

int ew_github_secrets_list_org(struct ew_github_names *out,
			       struct ew_github_client *c, struct ew_error *err)
{
	return list_pages(out, c, "/actions/organization-secrets",
			  "list the organization secrets shared with it",
			  "\"Secrets: read\"", true, err);
}
