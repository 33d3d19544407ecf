/*
 * demo_state.c - the simulated account's objects, request decoding and
 * response writing (see demo_state.h).
 */
#include "demo_state.h"
#include "buf.h"
#include "error.h"
#include "uri.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---------------------------------------------------------------- values */

void ew_demo_strs_free(struct ew_demo_strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

bool ew_demo_strs_has(const struct ew_demo_strs *s, const char *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return true;
	return false;
}

int ew_demo_strs_add(struct ew_demo_strs *s, const char *v)
{
	char **nv;
	char *copy = ew_strdup(v);

	if (!copy)
		return EW_ENOMEM;
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv) {
		free(copy);
		return EW_ENOMEM;
	}
	s->v = nv;
	s->v[s->n++] = copy;
	return 0;
}

void ew_demo_strs_remove(struct ew_demo_strs *s, const char *v)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i], v) == 0) {
			free(s->v[i]);
			memmove(&s->v[i], &s->v[i + 1],
				(s->n - i - 1) * sizeof(s->v[0]));
			s->n--;
			return;
		}
	}
}

int ew_demo_list_add(struct ew_demo_list *l, void *p)
{
	void **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));

	if (!nv)
		return EW_ENOMEM;
	l->v = nv;
	l->v[l->n++] = p;
	return 0;
}

void ew_demo_list_remove(struct ew_demo_list *l, size_t i)
{
	if (i >= l->n)
		return;
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
	l->n--;
}

void ew_demo_provider_free(struct ew_demo_provider *p)
{
	if (!p)
		return;
	free(p->url);
	free(p->arn);
	ew_demo_strs_free(&p->client_ids);
	ew_demo_strs_free(&p->thumbprints);
	ew_tags_release(&p->tags);
	free(p);
}

void ew_demo_policy_free(struct ew_demo_policy *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->path);
	free(p->arn);
	free(p->id);
	free(p->description);
	for (size_t i = 0; i < p->nversions; i++)
		free(p->versions[i].doc);
	ew_tags_release(&p->tags);
	free(p);
}

void ew_demo_role_free(struct ew_demo_role *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->path);
	free(r->arn);
	free(r->id);
	free(r->description);
	free(r->trust);
	ew_tags_release(&r->tags);
	ew_demo_strs_free(&r->attached);
	free(r);
}

void ew_demo_repo_free(struct ew_demo_repo *r)
{
	if (!r)
		return;
	free(r->region);
	free(r->name);
	free(r->arn);
	free(r->uri);
	free(r->mutability);
	free(r->encryption);
	cJSON_Delete(r->exclusions);
	free(r->lifecycle);
	ew_tags_release(&r->tags);
	free(r);
}

void ew_demo_session_free(struct ew_demo_session *s)
{
	if (!s)
		return;
	free(s->akid);
	/* fake, but a session token all the same */
	ew_free_secret(s->token);
	free(s->arn);
	free(s->user_id);
	free(s);
}

void ew_demo_state_free(struct ew_demo *sim)
{
	for (size_t i = 0; i < sim->providers.n; i++)
		ew_demo_provider_free(sim->providers.v[i]);
	for (size_t i = 0; i < sim->policies.n; i++)
		ew_demo_policy_free(sim->policies.v[i]);
	for (size_t i = 0; i < sim->roles.n; i++)
		ew_demo_role_free(sim->roles.v[i]);
	for (size_t i = 0; i < sim->repos.n; i++)
		ew_demo_repo_free(sim->repos.v[i]);
	for (size_t i = 0; i < sim->sessions.n; i++)
		ew_demo_session_free(sim->sessions.v[i]);
	free(sim->providers.v);
	free(sim->policies.v);
	free(sim->roles.v);
	free(sim->repos.v);
	free(sim->sessions.v);
	memset(&sim->providers, 0, sizeof(sim->providers));
	memset(&sim->policies, 0, sizeof(sim->policies));
	memset(&sim->roles, 0, sizeof(sim->roles));
	memset(&sim->repos, 0, sizeof(sim->repos));
	memset(&sim->sessions, 0, sizeof(sim->sessions));
}

static void set_index(size_t *index, size_t i)
{
	if (index)
		*index = i;
}

struct ew_demo_provider *ew_demo_find_provider(struct ew_demo *sim,
					       const char *arn, size_t *index)
{
	for (size_t i = 0; arn && i < sim->providers.n; i++) {
		struct ew_demo_provider *p = sim->providers.v[i];

		if (strcmp(p->arn, arn) == 0) {
			set_index(index, i);
			return p;
		}
	}
	return NULL;
}

struct ew_demo_provider *ew_demo_find_provider_url(struct ew_demo *sim,
						   const char *url)
{
	for (size_t i = 0; url && i < sim->providers.n; i++) {
		struct ew_demo_provider *p = sim->providers.v[i];

		if (strcasecmp(p->url, url) == 0)
			return p;
	}
	return NULL;
}

struct ew_demo_policy *ew_demo_find_policy(struct ew_demo *sim, const char *arn,
					   size_t *index)
{
	for (size_t i = 0; arn && i < sim->policies.n; i++) {
		struct ew_demo_policy *p = sim->policies.v[i];

		if (strcmp(p->arn, arn) == 0) {
			set_index(index, i);
			return p;
		}
	}
	return NULL;
}

struct ew_demo_role *ew_demo_find_role(struct ew_demo *sim, const char *name,
				       size_t *index)
{
	for (size_t i = 0; name && i < sim->roles.n; i++) {
		struct ew_demo_role *r = sim->roles.v[i];

		if (strcasecmp(r->name, name) == 0) {
			set_index(index, i);
			return r;
		}
	}
	return NULL;
}

struct ew_demo_repo *ew_demo_find_repo(struct ew_demo *sim, const char *region,
				       const char *name, size_t *index)
{
	for (size_t i = 0; name && i < sim->repos.n; i++) {
		struct ew_demo_repo *r = sim->repos.v[i];

		if (strcmp(r->region, region) == 0 &&
		    strcmp(r->name, name) == 0) {
			set_index(index, i);
			return r;
		}
	}
	return NULL;
}

struct ew_demo_version *ew_demo_find_version(struct ew_demo_policy *p, int id)
{
	for (size_t i = 0; i < p->nversions; i++)
		if (p->versions[i].id == id)
			return &p->versions[i];
	return NULL;
}

/* splitmix64: tiny, good enough, and the same on every platform */
uint64_t ew_demo_random(struct ew_demo *sim)
{
	uint64_t z = sim->seed + (++sim->draws) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

char *ew_demo_make_id(struct ew_demo *sim, const char *prefix, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	struct ew_buf b;

	ew_buf_init(&b);
	if (ew_buf_puts(&b, prefix) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (ew_buf_putc(&b, alphabet[ew_demo_random(sim) % 32]) < 0)
			goto fail;
	return ew_buf_detach(&b);
fail:
	ew_buf_release(&b);
	return NULL;
}

/* ------------------------------------------------------- request decoding */

/* Form decoding (Python's unquote_plus): '+' is a space, and the runs
 * between are percent-decoded, bad escapes kept as they are. */
static char *form_decode(const char *s, size_t len)
{
	const char *plus;
	struct ew_buf b;
	size_t run;
	int rc = 0;

	ew_buf_init(&b);
	while (rc == 0) {
		plus = memchr(s, '+', len);
		run = plus ? (size_t)(plus - s) : len;
		rc = ew_uri_decode(&b, s, run, NULL);
		if (!plus)
			break;
		if (rc == 0)
			rc = ew_buf_putc(&b, ' ');
		s += run + 1;
		len -= run + 1;
	}
	if (rc < 0) {
		ew_buf_release(&b);
		return NULL;
	}
	return ew_buf_detach(&b);
}

int ew_demo_form_parse(struct ew_demo_form *f, const char *s, size_t len)
{
	size_t start = 0;

	while (start < len) {
		size_t end = start, eq;
		struct ew_demo_param *nv;
		char *name, *value;

		while (end < len && s[end] != '&')
			end++;
		eq = start;
		while (eq < end && s[eq] != '=')
			eq++;
		if (end > start) {
			name = form_decode(s + start, eq - start);
			value = form_decode(s + eq + (eq < end),
					    end - eq - (eq < end));
			nv = realloc(f->v, (f->n + 1) * sizeof(*nv));
			if (!name || !value || !nv) {
				free(name);
				free(value);
				if (nv)
					f->v = nv;
				return EW_ENOMEM;
			}
			f->v = nv;
			f->v[f->n].name = name;
			f->v[f->n].value = value;
			f->n++;
		}
		start = end + 1;
	}
	return 0;
}

void ew_demo_form_release(struct ew_demo_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].value);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

const char *ew_demo_param(const struct ew_demo_req *r, const char *name)
{
	for (size_t i = 0; i < r->form.n; i++)
		if (strcmp(r->form.v[i].name, name) == 0)
			return r->form.v[i].value;
	return NULL;
}

const char *ew_demo_param_member(const struct ew_demo_req *r,
				 const char *prefix, size_t i,
				 const char *field)
{
	char name[160];

	if (field)
		snprintf(name, sizeof(name), "%s.member.%zu.%s", prefix, i,
			 field);
	else
		snprintf(name, sizeof(name), "%s.member.%zu", prefix, i);
	return ew_demo_param(r, name);
}

int ew_demo_param_tags(const struct ew_demo_req *r, struct ew_tags *out)
{
	for (size_t i = 1;; i++) {
		const char *k = ew_demo_param_member(r, "Tags", i, "Key");
		const char *v = ew_demo_param_member(r, "Tags", i, "Value");

		if (!k)
			return 0;
		if (ew_tags_set(out, k, v) < 0)
			return EW_ENOMEM;
	}
}

/* ------------------------------------------------------- response writing */

static struct ew_buf *body(struct ew_demo_req *r)
{
	return &r->resp->body;
}

void ew_demo_puts(struct ew_demo_req *r, const char *s)
{
	if (ew_buf_puts(body(r), s) < 0)
		r->nomem = true;
}

void ew_demo_printf(struct ew_demo_req *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (ew_buf_vprintf(body(r), fmt, ap) < 0)
		r->nomem = true;
	va_end(ap);
}

static void put_escaped(struct ew_demo_req *r, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			ew_demo_puts(r, "&amp;");
			break;
		case '<':
			ew_demo_puts(r, "&lt;");
			break;
		case '>':
			ew_demo_puts(r, "&gt;");
			break;
		case '"':
			ew_demo_puts(r, "&quot;");
			break;
		case '\'':
			ew_demo_puts(r, "&apos;");
			break;
		default:
			if (ew_buf_putc(body(r), *s) < 0)
				r->nomem = true;
		}
	}
}

void ew_demo_elem(struct ew_demo_req *r, const char *name, const char *text)
{
	if (!text)
		return;
	ew_demo_printf(r, "<%s>", name);
	put_escaped(r, text);
	ew_demo_printf(r, "</%s>", name);
}

void ew_demo_elem_doc(struct ew_demo_req *r, const char *name, const char *doc)
{
	if (!doc)
		return;
	ew_demo_printf(r, "<%s>", name);
	/* RFC 3986: everything but the unreserved set, like IAM */
	if (ew_uri_encode(body(r), doc, strlen(doc), false) < 0)
		r->nomem = true;
	ew_demo_printf(r, "</%s>", name);
}

void ew_demo_elem_date(struct ew_demo_req *r, const char *name, long long t)
{
	char s[32];
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ew_demo_elem(r, name, s);
}

void ew_demo_elem_long(struct ew_demo_req *r, const char *name, long long v)
{
	ew_demo_printf(r, "<%s>%lld</%s>", name, v, name);
}

void ew_demo_elem_bool(struct ew_demo_req *r, const char *name, bool v)
{
	ew_demo_printf(r, "<%s>%s</%s>", name, v ? "true" : "false", name);
}

void ew_demo_elem_tags(struct ew_demo_req *r, const char *name,
		       const struct ew_tags *t)
{
	ew_demo_printf(r, "<%s>", name);
	for (size_t i = 0; i < t->n; i++) {
		ew_demo_puts(r, "<member>");
		ew_demo_elem(r, "Key", t->v[i].key);
		ew_demo_elem(r, "Value", t->v[i].value);
		ew_demo_puts(r, "</member>");
	}
	ew_demo_printf(r, "</%s>", name);
}

static const char *xml_ns(const struct ew_demo_req *r)
{
	return strcmp(r->service, "sts") == 0
		   ? "https://sts.amazonaws.com/doc/2011-06-15/"
		   : "https://iam.amazonaws.com/doc/2010-05-08/";
}

void ew_demo_xml_begin(struct ew_demo_req *r)
{
	ew_buf_clear(body(r));
	r->resp->status = 200;
	ew_demo_printf(r, "<%sResponse xmlns=\"%s\">\n  <%sResult>", r->op,
		       xml_ns(r), r->op);
}

static void xml_metadata(struct ew_demo_req *r)
{
	ew_demo_printf(r,
		       "\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>"
		       "\n  </ResponseMetadata>\n</%sResponse>\n",
		       r->request_id, r->op);
}

void ew_demo_xml_end(struct ew_demo_req *r)
{
	ew_demo_printf(r, "</%sResult>", r->op);
	xml_metadata(r);
}

void ew_demo_xml_empty(struct ew_demo_req *r)
{
	ew_buf_clear(body(r));
	r->resp->status = 200;
	ew_demo_printf(r, "<%sResponse xmlns=\"%s\">", r->op, xml_ns(r));
	xml_metadata(r);
}

static int xml_verror(struct ew_demo_req *r, long status, const char *code,
		      const char *fmt, va_list ap)
{
	struct ew_buf msg;

	ew_buf_init(&msg);
	if (ew_buf_vprintf(&msg, fmt, ap) < 0)
		r->nomem = true;
	ew_buf_clear(body(r));
	r->resp->status = status;
	ew_demo_printf(r,
		       "<ErrorResponse xmlns=\"%s\">\n  <Error>\n"
		       "    <Type>%s</Type>\n    <Code>%s</Code>\n    ",
		       xml_ns(r), status >= 500 ? "Receiver" : "Sender", code);
	ew_demo_elem(r, "Message", msg.ptr);
	ew_demo_printf(r,
		       "\n  </Error>\n  <RequestId>%s</RequestId>\n"
		       "</ErrorResponse>\n",
		       r->request_id);
	ew_buf_release(&msg);
	return 0;
}

int ew_demo_xml_error(struct ew_demo_req *r, long status, const char *code,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xml_verror(r, status, code, fmt, ap);
	va_end(ap);
	return 0;
}

void ew_demo_json_reply(struct ew_demo_req *r, cJSON *obj)
{
	char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;

	ew_buf_clear(body(r));
	r->resp->status = 200;
	if (!text)
		r->nomem = true;
	else
		ew_demo_puts(r, text);
	free(text);
	cJSON_Delete(obj);
}

static int json_verror(struct ew_demo_req *r, long status, const char *code,
		       const char *fmt, va_list ap)
{
	struct ew_buf msg;
	cJSON *o = cJSON_CreateObject();

	ew_buf_init(&msg);
	if (ew_buf_vprintf(&msg, fmt, ap) < 0)
		r->nomem = true;
	if (o && (!cJSON_AddStringToObject(o, "__type", code) ||
		  !cJSON_AddStringToObject(o, "message", msg.ptr))) {
		cJSON_Delete(o);
		o = NULL;
	}
	ew_demo_json_reply(r, o);
	r->resp->status = status;
	snprintf(r->resp->error_type, sizeof(r->resp->error_type), "%s", code);
	ew_buf_release(&msg);
	return 0;
}

int ew_demo_json_error(struct ew_demo_req *r, long status, const char *code,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	json_verror(r, status, code, fmt, ap);
	va_end(ap);
	return 0;
}

int ew_demo_error(struct ew_demo_req *r, long status, const char *code,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (strcmp(r->service, "ecr") == 0)
		json_verror(r, status, code, fmt, ap);
	else
		xml_verror(r, status, code, fmt, ap);
	va_end(ap);
	return 0;
}

/* ------------------------------------------------------------ new objects */

static char *iam_arn(const struct ew_demo_req *r, const char *kind,
		     const char *path, const char *name)
{
	struct ew_buf s;

	ew_buf_init(&s);
	if (ew_buf_printf(&s, "arn:%s:iam::%s:%s%s%s", r->partition,
			  EW_DEMO_ACCOUNT, kind, path ? path : "/", name) < 0) {
		ew_buf_release(&s);
		return NULL;
	}
	return ew_buf_detach(&s);
}

char *ew_demo_role_arn(const struct ew_demo_req *r, const char *path,
		       const char *name)
{
	return iam_arn(r, "role", path, name);
}

struct ew_demo_role *ew_demo_role_new(struct ew_demo_req *r, const char *name,
				      const char *path, const char *trust,
				      long long created)
{
	struct ew_demo_role *role = calloc(1, sizeof(*role));

	if (!role)
		return NULL;
	role->name = ew_strdup(name);
	role->path = ew_strdup(path ? path : "/");
	role->arn = iam_arn(r, "role", path, name);
	role->id = ew_demo_make_id(r->sim, "AROA", 17);
	role->trust = ew_strdup(trust);
	role->max_session = 3600;
	role->created = created;
	if (!role->name || !role->path || !role->arn || !role->id ||
	    !role->trust || ew_demo_list_add(&r->sim->roles, role) < 0) {
		ew_demo_role_free(role);
		return NULL;
	}
	return role;
}

int ew_demo_policy_add_version(struct ew_demo_policy *p, const char *doc,
			       long long created, bool as_default)
{
	char *copy;

	if (p->nversions >= EW_DEMO_MAX_VERSIONS)
		return -1;
	copy = ew_strdup(doc);
	if (!copy)
		return -1;
	p->versions[p->nversions].id = p->next_version++;
	p->versions[p->nversions].doc = copy;
	p->versions[p->nversions].created = created;
	if (as_default || p->nversions == 0)
		p->default_version = p->versions[p->nversions].id;
	p->updated = created;
	return p->versions[p->nversions++].id;
}

struct ew_demo_policy *ew_demo_policy_new(struct ew_demo_req *r,
					  const char *name, const char *path,
					  const char *doc, long long created)
{
	struct ew_demo_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->name = ew_strdup(name);
	p->path = ew_strdup(path ? path : "/");
	p->arn = iam_arn(r, "policy", path, name);
	p->id = ew_demo_make_id(r->sim, "ANPA", 17);
	p->next_version = 1;
	p->created = created;
	if (!p->name || !p->path || !p->arn || !p->id ||
	    ew_demo_policy_add_version(p, doc, created, true) < 0 ||
	    ew_demo_list_add(&r->sim->policies, p) < 0) {
		ew_demo_policy_free(p);
		return NULL;
	}
	return p;
}

struct ew_demo_provider *
ew_demo_provider_new(struct ew_demo_req *r, const char *url, long long created)
{
	struct ew_demo_provider *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->url = ew_strdup(url);
	p->arn = iam_arn(r, "oidc-provider/", "", url);
	p->created = created;
	if (!p->url || !p->arn || ew_demo_list_add(&r->sim->providers, p) < 0) {
		ew_demo_provider_free(p);
		return NULL;
	}
	return p;
}

struct ew_demo_repo *ew_demo_repo_new(struct ew_demo_req *r, const char *name,
				      long long created)
{
	struct ew_demo_repo *repo = calloc(1, sizeof(*repo));
	struct ew_buf arn, uri;

	if (!repo)
		return NULL;
	ew_buf_init(&arn);
	ew_buf_init(&uri);
	if (ew_buf_printf(&arn, "arn:%s:ecr:%s:%s:repository/%s", r->partition,
			  r->region, EW_DEMO_ACCOUNT, name) < 0 ||
	    ew_buf_printf(&uri, "%s.dkr.ecr.%s.%s/%s", EW_DEMO_ACCOUNT,
			  r->region, r->dns_suffix, name) < 0) {
		ew_buf_release(&arn);
		ew_buf_release(&uri);
		free(repo);
		return NULL;
	}
	repo->arn = ew_buf_detach(&arn);
	repo->uri = ew_buf_detach(&uri);
	repo->region = ew_strdup(r->region);
	repo->name = ew_strdup(name);
	repo->mutability = ew_strdup("MUTABLE");
	repo->encryption = ew_strdup("AES256");
	repo->created = created;
	if (!repo->arn || !repo->uri || !repo->region || !repo->name ||
	    !repo->mutability || !repo->encryption ||
	    ew_demo_list_add(&r->sim->repos, repo) < 0) {
		ew_demo_repo_free(repo);
		return NULL;
	}
	return repo;
}
