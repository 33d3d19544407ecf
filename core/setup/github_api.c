#include "github_api.h"
#include "trace.h"
#include "buf.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef EW_VERSION
#define EW_VERSION "dev"
#endif

/* One API call's inputs, shared by the request and the error wording. */
struct call {
	struct ew_context *ctx;
	const char *owner, *repo;
	const char *token;     /* NULL: anonymous */
	const char *token_var; /* which variable it came from */
	struct ew_buf base;    /* API URL without a trailing '/' */
};

static int call_init(struct call *c, struct ew_context *ctx, const char *owner,
		     const char *repo, struct ew_error *err)
{
	const char *url;
	size_t n;

	memset(c, 0, sizeof(*c));
	ew_buf_init(&c->base);
	c->ctx = ctx;
	c->owner = owner;
	c->repo = repo;
	if (!ew_git_remote_is_valid_owner(owner) ||
	    (repo && !ew_git_remote_is_valid_repo(repo)))
		return ew_error_set(err, EW_EINVAL,
				    "invalid github repository '%.40s/%.101s'",
				    owner ? owner : "", repo ? repo : "");
	if (!ctx || !ctx->transport)
		return ew_error_set(err, EW_EINVAL,
				    "cannot ask the github api: no http "
				    "transport in the context");
	url = ew_context_getenv(ctx, "GITHUB_API_URL");
	if (!url)
		url = EW_GITHUB_API_DEFAULT;
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		return ew_error_set(err, EW_EINVAL,
				    "GITHUB_API_URL '%.200s' is not an http(s) "
				    "url",
				    url);
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (ew_buf_add(&c->base, url, n) < 0)
		return ew_error_oom(err);
	c->token_var = "GH_TOKEN";
	c->token = ew_context_getenv(ctx, c->token_var);
	if (!c->token) {
		c->token_var = "GITHUB_TOKEN";
		c->token = ew_context_getenv(ctx, c->token_var);
	}
	return 0;
}

static void call_release(struct call *c)
{
	ew_buf_release(&c->base);
}

/* GitHub's "message" from an error body, NULL-safe, never the token. */
static void body_message(char *dst, size_t size, const struct call *c,
			 const struct ew_http_response *resp)
{
	cJSON *doc = cJSON_ParseWithLength(resp->body.ptr, resp->body.len);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, "message");

	dst[0] = '\0';
	if (cJSON_IsString(m) && m->valuestring &&
	    !(c->token && strstr(m->valuestring, c->token))) {
		size_t n = strlen(m->valuestring);

		if (n > size - 1)
			n = size - 1;
		memcpy(dst, m->valuestring, n);
		dst[n] = '\0';
		for (char *p = dst; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
	}
	cJSON_Delete(doc);
}

static bool mentions_rate_limit(const char *msg)
{
	for (const char *p = msg; *p; p++)
		if (!strncmp(p, "rate limit", 10) ||
		    !strncmp(p, "Rate limit", 10) ||
		    !strncmp(p, "rate-limit", 10))
			return true;
	return false;
}

/* Word a non-2xx answer; returns the code and sets *status. */
static int http_failure(const struct call *c,
			const struct ew_http_response *resp,
			enum ew_github_status *status, struct ew_error *err)
{
	char msg[160], retry[64] = "";
	int code = EW_EAWS;

	body_message(msg, sizeof(msg), c, resp);
	if (resp->retry_after[0])
		snprintf(retry, sizeof(retry), " (retry after %.20s s)",
			 resp->retry_after);
	if (resp->status == 404) {
		*status = EW_GITHUB_NOT_FOUND;
		code = EW_ENOTFOUND;
		if (c->token)
			ew_error_set(
			    err, code,
			    "github repository '%s/%s' not found: it "
			    "does not exist, or the token in %s cannot "
			    "read it",
			    c->owner, c->repo, c->token_var);
		else
			ew_error_set(err, code,
				     "github repository '%s/%s' not found: it "
				     "is private (set GH_TOKEN or GITHUB_TOKEN "
				     "to a token that can read it) or does not "
				     "exist",
				     c->owner, c->repo);
	} else if (resp->status == 429 ||
		   (resp->status == 403 && mentions_rate_limit(msg))) {
		*status = EW_GITHUB_RATE_LIMITED;
		ew_error_set(err, code,
			     "github api rate limit exceeded (%ld)%s: %s",
			     resp->status, retry,
			     c->token ? "retry later"
				      : "set GH_TOKEN or GITHUB_TOKEN for a "
					"higher limit, or retry later");
	} else if (resp->status == 401) {
		*status = EW_GITHUB_BAD_TOKEN;
		if (c->token)
			ew_error_set(
			    err, code,
			    "github rejected the token in %s (401%s%s): "
			    "it is invalid or expired; set a valid one "
			    "or unset it",
			    c->token_var, msg[0] ? " " : "", msg);
		else
			ew_error_set(
			    err, code,
			    "github wants a token for '%s/%s' (401%s%s):"
			    " set GH_TOKEN or GITHUB_TOKEN",
			    c->owner, c->repo, msg[0] ? " " : "", msg);
	} else if (resp->status == 403) {
		*status = EW_GITHUB_FORBIDDEN;
		ew_error_set(err, code,
			     "github refused access to '%s/%s' (403%s%s)%s",
			     c->owner, c->repo, msg[0] ? " " : "", msg,
			     c->token ? "" : ": set GH_TOKEN or GITHUB_TOKEN");
	} else if (resp->status >= 300 && resp->status < 400) {
		*status = EW_GITHUB_MOVED;
		ew_error_set(err, code,
			     "github repository '%s/%s' has moved (%ld): it "
			     "was renamed or transferred; use its new name",
			     c->owner, c->repo, resp->status);
	} else {
		*status = EW_GITHUB_SERVER_ERROR;
		ew_error_set(err, code,
			     "github api answered %ld for '%s/%s'%s%s%s",
			     resp->status, c->owner, c->repo,
			     msg[0] ? ": " : "", msg, retry);
	}
	if (err)
		err->http_status = resp->status;
	return code;
}

/* One GET; 0 when any HTTP answer arrived (resp->status says which). */
static int get(const struct call *c, const char *url,
	       struct ew_http_response *resp, enum ew_github_status *status,
	       struct ew_error *err)
{
	struct ew_buf auth;
	struct ew_http_header h[4] = {
	    {"Accept", "application/vnd.github+json"},
	    {"X-GitHub-Api-Version", "2022-11-28"},
	    {"User-Agent", "ecr-wizard/" EW_VERSION},
	};
	struct ew_http_request req = {
	    .method = "GET",
	    .url = url,
	    .headers = h,
	    .nheaders = 3,
	    .service = "github",
	    .is_timeout_short = true,
	};
	int rc;

	ew_buf_init(&auth);
	if (c->token) {
		if (ew_buf_printf(&auth, "Bearer %s", c->token) < 0) {
			rc = ew_error_oom(err);
			goto done;
		}
		h[req.nheaders].name = "Authorization";
		h[req.nheaders++].value = auth.ptr;
	}
	ew_http_response_release(resp);
	/* --trace shows every exchange, GitHub's too (the token redacted) */
	ew_trace_request(c->ctx->trace, &req);
	rc = ew_transport_perform(c->ctx->transport, &req, resp, NULL, err);
	if (rc)
		ew_trace_failure(c->ctx->trace, &req, err, 0);
	else
		ew_trace_response(c->ctx->trace, &req, resp, NULL, 0);
	if (rc == EW_ENET) {
		*status = EW_GITHUB_UNREACHABLE;
		ew_error_prefix(err, "cannot reach the github api for '%s/%s'",
				c->owner, c->repo);
	}
done:
	ew_buf_release_secret(&auth);
	return rc;
}

/* A positive integral JSON number, or 0. */
static int64_t json_id(const cJSON *n)
{
	double v = cJSON_IsNumber(n) ? n->valuedouble : 0;

	if (!(v >= 1 && v <= 9007199254740992.0) || floor(v) != v)
		return 0;
	return (int64_t)v;
}

static void json_str(char *dst, size_t size, const cJSON *s)
{
	snprintf(dst, size, "%s",
		 cJSON_IsString(s) && s->valuestring ? s->valuestring : "");
}

/* GitHub mints the OIDC sub with full_name's casing: prefer it to
 * owner.login and name when it is a valid OWNER/REPO. */
static void full_name(struct ew_github_ids *out, const cJSON *fn)
{
	char owner[EW_GITHUB_OWNER_MAX + 1], repo[EW_GITHUB_REPO_MAX + 1];
	const char *v = cJSON_IsString(fn) ? fn->valuestring : NULL;
	const char *slash = v ? strchr(v, '/') : NULL;
	size_t n;

	if (!slash || (size_t)(slash - v) > EW_GITHUB_OWNER_MAX ||
	    strlen(slash + 1) > EW_GITHUB_REPO_MAX)
		return;
	n = (size_t)(slash - v);
	memcpy(owner, v, n);
	owner[n] = '\0';
	snprintf(repo, sizeof(repo), "%s", slash + 1);
	if (!ew_git_remote_is_valid_owner(owner) ||
	    !ew_git_remote_is_valid_repo(repo))
		return;
	memcpy(out->owner_login, owner, n + 1);
	memcpy(out->repo_name, repo, strlen(repo) + 1);
}

static int parse_repo(struct ew_github_ids *out, const struct call *c,
		      const struct ew_http_response *resp, struct ew_error *err)
{
	cJSON *doc = cJSON_ParseWithLength(resp->body.ptr, resp->body.len);
	const cJSON *owner = cJSON_GetObjectItemCaseSensitive(doc, "owner");
	int rc = 0;

	out->repo_id = json_id(cJSON_GetObjectItemCaseSensitive(doc, "id"));
	out->owner_id = json_id(cJSON_GetObjectItemCaseSensitive(owner, "id"));
	if (!out->repo_id || !out->owner_id) {
		out->status = EW_GITHUB_BAD_RESPONSE;
		out->repo_id = out->owner_id = 0;
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot read the github api answer for "
				  "'%s/%s': %s",
				  c->owner, c->repo,
				  doc ? "no numeric id and owner.id"
				      : "not JSON");
		goto done;
	}
	json_str(out->owner_login, sizeof(out->owner_login),
		 cJSON_GetObjectItemCaseSensitive(owner, "login"));
	json_str(out->repo_name, sizeof(out->repo_name),
		 cJSON_GetObjectItemCaseSensitive(doc, "name"));
	full_name(out, cJSON_GetObjectItemCaseSensitive(doc, "full_name"));
	json_str(out->visibility, sizeof(out->visibility),
		 cJSON_GetObjectItemCaseSensitive(doc, "visibility"));
	json_str(out->default_branch, sizeof(out->default_branch),
		 cJSON_GetObjectItemCaseSensitive(doc, "default_branch"));
	out->is_private =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "private"));
done:
	cJSON_Delete(doc);
	return rc;
}

/* The redirect target from a 301 body, when it stays under the API URL. */
static char *moved_url(const struct call *c,
		       const struct ew_http_response *resp)
{
	cJSON *doc = cJSON_ParseWithLength(resp->body.ptr, resp->body.len);
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(doc, "url");
	char *url = NULL;

	if (cJSON_IsString(u) && u->valuestring &&
	    !strncmp(u->valuestring, c->base.ptr, c->base.len) &&
	    u->valuestring[c->base.len] == '/')
		url = ew_strdup(u->valuestring);
	cJSON_Delete(doc);
	return url;
}

int ew_github_repo_ids(struct ew_github_ids *out, struct ew_context *ctx,
		       const char *owner, const char *repo,
		       struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf url;
	struct call c;
	char *moved = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	ew_buf_init(&url);
	ew_http_response_init(&resp);
	if ((rc = call_init(&c, ctx, owner, repo, err)) < 0)
		goto done;
	if (ew_buf_printf(&url, "%s/repos/%s/%s", c.base.ptr, owner, repo) <
	    0) {
		rc = ew_error_oom(err);
		goto done;
	}
	if ((rc = get(&c, url.ptr, &resp, &out->status, err)) < 0)
		goto done;
	if ((resp.status == 301 || resp.status == 307 || resp.status == 308) &&
	    (moved = moved_url(&c, &resp))) {
		out->was_moved = true;
		if ((rc = get(&c, moved, &resp, &out->status, err)) < 0)
			goto done;
	}
	if (resp.status != 200) {
		rc = http_failure(&c, &resp, &out->status, err);
		goto done;
	}
	rc = parse_repo(out, &c, &resp, err);
done:
	if (rc < 0 && out->status == EW_GITHUB_OK)
		out->status = EW_GITHUB_NOT_ASKED;
	free(moved);
	ew_http_response_release(&resp);
	ew_buf_release(&url);
	call_release(&c);
	return rc;
}

bool ew_github_sub_template_is_custom(const struct ew_github_sub_template *t)
{
	return t && t->status == EW_GITHUB_OK && !t->use_default;
}

void ew_github_sub_template_release(struct ew_github_sub_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nkeys; i++)
		free(t->keys[i]);
	free(t->keys);
	memset(t, 0, sizeof(*t));
}

/* The include_claim_keys strings of keys (an array, or anything else:
 * none) into out->keys. */
static int copy_keys(struct ew_github_sub_template *out, const cJSON *keys,
		     struct ew_error *err)
{
	int n = cJSON_IsArray(keys) ? cJSON_GetArraySize(keys) : 0;

	if (n > 0 && !(out->keys = calloc((size_t)n, sizeof(char *))))
		return ew_error_oom(err);
	for (const cJSON *k = n > 0 ? keys->child : NULL; k; k = k->next) {
		if (!cJSON_IsString(k) || !k->valuestring)
			continue;
		if (!(out->keys[out->nkeys] = ew_strdup(k->valuestring)))
			return ew_error_oom(err);
		out->nkeys++;
	}
	return 0;
}

static int parse_template(struct ew_github_sub_template *out,
			  const struct call *c,
			  const struct ew_http_response *resp,
			  struct ew_error *err)
{
	cJSON *doc = cJSON_ParseWithLength(resp->body.ptr, resp->body.len);
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(doc, "use_default");
	const cJSON *keys =
	    cJSON_GetObjectItemCaseSensitive(doc, "include_claim_keys");
	int rc = 0;

	if (!cJSON_IsBool(def) ||
	    (keys && !cJSON_IsArray(keys) && !cJSON_IsNull(keys))) {
		out->status = EW_GITHUB_BAD_RESPONSE;
		rc = ew_error_set(err, EW_EPARSE,
				  "cannot read the oidc subject template of "
				  "'%s/%s': %s",
				  c->owner, c->repo,
				  doc ? "no use_default" : "not JSON");
		goto done;
	}
	out->use_default = cJSON_IsTrue(def);
	rc = copy_keys(out, keys, err);
done:
	cJSON_Delete(doc);
	return rc;
}

int ew_github_sub_template(struct ew_github_sub_template *out,
			   struct ew_context *ctx, const char *owner,
			   const char *repo, struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf url;
	struct call c;
	int rc;

	memset(out, 0, sizeof(*out));
	ew_buf_init(&url);
	ew_http_response_init(&resp);
	if ((rc = call_init(&c, ctx, owner, repo, err)) < 0)
		goto done;
	if (ew_buf_printf(&url, "%s/repos/%s/%s/actions/oidc/customization/sub",
			  c.base.ptr, owner, repo) < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	if ((rc = get(&c, url.ptr, &resp, &out->status, err)) < 0)
		goto done;
	if (resp.status != 200) {
		rc = http_failure(&c, &resp, &out->status, err);
		ew_error_prefix(err, "cannot read the oidc subject template");
		goto done;
	}
	rc = parse_template(out, &c, &resp, err);
done:
	if (rc < 0 && out->status == EW_GITHUB_OK)
		out->status = EW_GITHUB_NOT_ASKED;
	ew_http_response_release(&resp);
	ew_buf_release(&url);
	call_release(&c);
	return rc;
}

int ew_github_org_sub_template(struct ew_github_sub_template *out,
			       struct ew_context *ctx, const char *owner,
			       struct ew_error *err)
{
	struct ew_http_response resp;
	struct ew_buf url;
	struct call c;
	cJSON *doc = NULL;
	const cJSON *keys;
	int rc, n;

	memset(out, 0, sizeof(*out));
	ew_buf_init(&url);
	ew_http_response_init(&resp);
	if ((rc = call_init(&c, ctx, owner, NULL, err)) < 0)
		goto done;
	c.repo = "";
	if (ew_buf_printf(&url, "%s/orgs/%s/actions/oidc/customization/sub",
			  c.base.ptr, owner) < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	if ((rc = get(&c, url.ptr, &resp, &out->status, err)) < 0)
		goto done;
	if (resp.status == 404) {
		/* No template, or a user account: GitHub's default. */
		out->use_default = true;
		goto done;
	}
	if (resp.status != 200) {
		enum ew_github_status st;
		int code = http_failure(&c, &resp, &st, err);

		out->status = st;
		rc = ew_error_set(err, code,
				  "cannot read the oidc subject template of "
				  "the organization '%s' (HTTP %ld): it needs "
				  "a token with read:org in GH_TOKEN",
				  owner, resp.status);
		if (err)
			err->http_status = resp.status;
		goto done;
	}
	doc = cJSON_ParseWithLength(resp.body.ptr, resp.body.len);
	keys = cJSON_GetObjectItemCaseSensitive(doc, "include_claim_keys");
	n = cJSON_IsArray(keys) ? cJSON_GetArraySize(keys) : 0;
	if (n <= 0) {
		out->status = EW_GITHUB_BAD_RESPONSE;
		rc =
		    ew_error_set(err, EW_EPARSE,
				 "cannot read the oidc subject template of "
				 "the organization '%s': no include_claim_keys",
				 owner);
		goto done;
	}
	rc = copy_keys(out, keys, err);
done:
	if (rc < 0 && out->status == EW_GITHUB_OK)
		out->status = EW_GITHUB_NOT_ASKED;
	cJSON_Delete(doc);
	ew_http_response_release(&resp);
	ew_buf_release(&url);
	call_release(&c);
	return rc;
}
