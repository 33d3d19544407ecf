/* doctor.c - audit a live setup and the local workflow. */
#include "doctor.h"

#include "buf.h"
#include "ecr.h"
#include "iam.h"
#include "fsutil.h"
#include "knowledge.h"
#include "outputs.h"
#include "partition.h"
#include "pipeline.h"
#include "sts.h"

#include <cjson/cJSON.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ISSUER	     "token.actions.githubusercontent.com"
#define WEB_IDENTITY "sts:AssumeRoleWithWebIdentity"
/* Condition operators of one statement we look at, per key. */
#define MAX_TESTS 16

static const char *const push_actions[] = {
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
};
#define NPUSH (sizeof(push_actions) / sizeof(push_actions[0]))

/* ------------------------------------------------------------- globs */

static bool ch_eq(char a, char b, bool icase)
{
	if (icase) {
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
	}
	return a == b;
}

bool ew_doctor_glob_covers(const char *pattern, const char *subject,
			   bool ignore_case)
{
	size_t m = strlen(pattern), n = strlen(subject);
	bool *prev = calloc(n + 1, sizeof(bool));
	bool *cur = calloc(n + 1, sizeof(bool));
	bool result = false;

	/* prev[j]: pattern[0..i) admits everything subject[0..j) does.  A
	 * '*' of the pattern takes any run of the subject's tokens, its '*'
	 * and '?' included; a '?' takes one literal or '?'; a literal only
	 * the same literal. */
	if (!prev || !cur)
		goto done;
	prev[0] = true;
	for (size_t i = 1; i <= m; i++) {
		char c = pattern[i - 1];

		cur[0] = c == '*' && prev[0];
		for (size_t j = 1; j <= n; j++) {
			char t = subject[j - 1];

			if (c == '*')
				cur[j] = prev[j] || cur[j - 1];
			else if (c == '?')
				cur[j] = t != '*' && prev[j - 1];
			else
				cur[j] = t != '*' && t != '?' &&
					 ch_eq(c, t, ignore_case) &&
					 prev[j - 1];
		}
		{
			bool *tmp = prev;

			prev = cur;
			cur = tmp;
		}
	}
	result = prev[n];
done:
	free(prev);
	free(cur);
	return result;
}

static bool has_wild(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

/* ---------------------------------------------------------- policies */

static const cJSON *item(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A string or an array of strings: does any element admit value? */
static bool field_matches(const cJSON *f, const char *value, bool icase)
{
	const cJSON *e;

	if (cJSON_IsString(f))
		return ew_doctor_glob_covers(f->valuestring, value, icase);
	if (!cJSON_IsArray(f))
		return false;
	cJSON_ArrayForEach(e, f)
	{
		if (cJSON_IsString(e) &&
		    ew_doctor_glob_covers(e->valuestring, value, icase))
			return true;
	}
	return false;
}

static bool stmt_action(const cJSON *st, const char *action)
{
	const cJSON *a = item(st, "Action"), *na = item(st, "NotAction");

	if (a)
		return field_matches(a, action, true);
	return na ? !field_matches(na, action, true) : false;
}

static bool stmt_resource(const cJSON *st, const char *resource)
{
	const cJSON *r = item(st, "Resource"), *nr = item(st, "NotResource");

	if (r)
		return field_matches(r, resource, false);
	return nr ? !field_matches(nr, resource, false) : false;
}

static bool stmt_is(const cJSON *st, const char *effect)
{
	const cJSON *e = item(st, "Effect");

	return cJSON_IsString(e) && strcmp(e->valuestring, effect) == 0;
}

static bool has_condition(const cJSON *st)
{
	const cJSON *c = item(st, "Condition");

	return c && !(cJSON_IsObject(c) && !c->child);
}

/* Statement is an object or an array of objects; call fn on each. */
#define FOR_EACH_STATEMENT(doc, st)                                            \
	for (const cJSON *st##_all_ = item(doc, "Statement"),                  \
			 *st = cJSON_IsArray(st##_all_) ? st##_all_->child     \
							: st##_all_;           \
	     st; st = cJSON_IsArray(st##_all_) ? st->next : NULL)

enum ew_doctor_grant ew_doctor_policy_grants(const char *const *docs,
					     size_t ndocs, const char *action,
					     const char *resource)
{
	bool yes = false, cond = false, denied = false;

	for (size_t i = 0; i < ndocs && !denied; i++) {
		cJSON *doc = docs[i] ? cJSON_Parse(docs[i]) : NULL;

		if (!doc)
			continue;
		FOR_EACH_STATEMENT(doc, st)
		{
			bool match;

			if (!cJSON_IsObject(st))
				continue;
			match = stmt_action(st, action) &&
				stmt_resource(st, resource);
			if (!match)
				continue;
			if (stmt_is(st, "Deny") && !has_condition(st))
				denied = true;
			else if (stmt_is(st, "Allow"))
				*(has_condition(st) ? &cond : &yes) = true;
		}
		cJSON_Delete(doc);
	}
	if (denied)
		return EW_GRANT_DENIED;
	return yes ? EW_GRANT_YES : cond ? EW_GRANT_CONDITIONAL : EW_GRANT_NO;
}

/* ------------------------------------------------------------- trust */

enum op_kind { OP_EQUALS, OP_EQUALS_IC, OP_LIKE };

struct key_test {
	enum op_kind op;
	const cJSON *values;
};

struct trust_stmt {
	const cJSON *st;
	bool ours; /* Federated names the provider */
	struct key_test sub[MAX_TESTS], aud[MAX_TESTS];
	size_t nsub, naud;
	bool for_all_values;
};

/* The web-identity Allow statements of a trust policy. */
struct trust {
	cJSON *doc;
	struct trust_stmt *v;
	size_t n;
	size_t nours;
};

static bool names_principal(const cJSON *st, const char *provider_arn)
{
	const cJSON *fed = item(item(st, "Principal"), "Federated"), *e;

	if (cJSON_IsString(fed))
		return strcmp(fed->valuestring, provider_arn) == 0;
	cJSON_ArrayForEach(e, fed)
	{
		if (cJSON_IsString(e) &&
		    strcmp(e->valuestring, provider_arn) == 0)
			return true;
	}
	return false;
}

static void parse_conditions(struct trust_stmt *t, const char *issuer)
{
	const cJSON *cond = item(t->st, "Condition"), *op;
	char sub_key[128], aud_key[128];

	snprintf(sub_key, sizeof(sub_key), "%s:sub", issuer);
	snprintf(aud_key, sizeof(aud_key), "%s:aud", issuer);
	cJSON_ArrayForEach(op, cond)
	{
		const char *name = op->string ? op->string : "";
		char base[64];
		size_t len;
		enum op_kind kind;
		const cJSON *k;

		if (strncmp(name, "ForAllValues:", 13) == 0) {
			t->for_all_values = true;
			name += 13;
		} else if (strncmp(name, "ForAnyValue:", 12) == 0) {
			name += 12;
		}
		len = strlen(name);
		if (len >= sizeof(base))
			continue;
		memcpy(base, name, len + 1);
		/* The keys always exist in GitHub's tokens. */
		if (len > 8 && strcmp(base + len - 8, "IfExists") == 0)
			base[len - 8] = '\0';
		if (strcmp(base, "StringEquals") == 0)
			kind = OP_EQUALS;
		else if (strcmp(base, "StringEqualsIgnoreCase") == 0)
			kind = OP_EQUALS_IC;
		else if (strcmp(base, "StringLike") == 0)
			kind = OP_LIKE;
		else
			continue;
		cJSON_ArrayForEach(k, op)
		{
			if (!k->string)
				continue;
			if (strcasecmp(k->string, sub_key) == 0 &&
			    t->nsub < MAX_TESTS)
				t->sub[t->nsub++] = (struct key_test){kind, k};
			else if (strcasecmp(k->string, aud_key) == 0 &&
				 t->naud < MAX_TESTS)
				t->aud[t->naud++] = (struct key_test){kind, k};
		}
	}
}

static void trust_release(struct trust *t)
{
	cJSON_Delete(t->doc);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* 0, EW_EPARSE (not JSON) or EW_ENOMEM. */
static int trust_parse(struct trust *t, const char *text,
		       const char *provider_arn, const char *issuer)
{
	memset(t, 0, sizeof(*t));
	t->doc = text ? cJSON_Parse(text) : NULL;
	if (!t->doc)
		return EW_EPARSE;
	FOR_EACH_STATEMENT(t->doc, st)
	{
		struct trust_stmt *grown;

		if (!cJSON_IsObject(st) || !stmt_is(st, "Allow") ||
		    !stmt_action(st, WEB_IDENTITY))
			continue;
		grown = realloc(t->v, (t->n + 1) * sizeof(*grown));
		if (!grown)
			return EW_ENOMEM;
		t->v = grown;
		memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
		t->v[t->n].st = st;
		t->v[t->n].ours = names_principal(st, provider_arn);
		parse_conditions(&t->v[t->n], issuer);
		t->nours += t->v[t->n].ours;
		t->n++;
	}
	return 0;
}

/* The statements the trust checks judge: ours, or all when none is. */
static bool judged(const struct trust *t, const struct trust_stmt *s)
{
	return s->ours || t->nours == 0;
}

static bool test_admits(const struct key_test *kt, const char *value,
			bool icase)
{
	const cJSON *vals = kt->values, *e;
	bool is_array = cJSON_IsArray(vals);

	for (e = is_array ? vals->child : vals; e;
	     e = is_array ? e->next : NULL) {
		const char *v = cJSON_IsString(e) ? e->valuestring : NULL;

		if (!v)
			continue;
		switch (kt->op) {
		case OP_EQUALS:
			if (!has_wild(value) && (icase ? strcasecmp(v, value)
						       : strcmp(v, value)) == 0)
				return true;
			break;
		case OP_EQUALS_IC:
			if (!has_wild(value) && strcasecmp(v, value) == 0)
				return true;
			break;
		case OP_LIKE:
			if (ew_doctor_glob_covers(v, value, icase))
				return true;
			break;
		}
	}
	return false;
}

/* Every operator of one statement must hold (IAM ANDs them). */
static bool tests_admit(const struct key_test *kt, size_t n, const char *v,
			bool icase)
{
	for (size_t i = 0; i < n; i++)
		if (!test_admits(&kt[i], v, icase))
			return false;
	return true;
}

static bool trust_admits_sub(const struct trust *t, const char *subject,
			     bool icase)
{
	for (size_t i = 0; i < t->n; i++)
		if (judged(t, &t->v[i]) &&
		    tests_admit(t->v[i].sub, t->v[i].nsub, subject, icase))
			return true;
	return false;
}

bool ew_doctor_trust_admits(const char *trust, const char *provider_arn,
			    const char *issuer, const char *subject,
			    const char *audience, bool ignore_case)
{
	struct trust t;
	bool ok = false;

	if (trust_parse(&t, trust, provider_arn, issuer) == 0)
		for (size_t i = 0; i < t.n && !ok; i++)
			ok = t.v[i].ours &&
			     tests_admit(t.v[i].sub, t.v[i].nsub, subject,
					 ignore_case) &&
			     tests_admit(t.v[i].aud, t.v[i].naud, audience,
					 false);
	trust_release(&t);
	return ok;
}

/* Every sub value of the judged statements, one per line. */
static int trust_sub_values(struct ew_buf *out, const struct trust *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (!judged(t, &t->v[i]))
			continue;
		for (size_t k = 0; k < t->v[i].nsub; k++) {
			const cJSON *vals = t->v[i].sub[k].values, *e;
			bool arr = cJSON_IsArray(vals);

			for (e = arr ? vals->child : vals; e;
			     e = arr ? e->next : NULL) {
				if (!cJSON_IsString(e))
					continue;
				if ((out->len && ew_buf_putc(out, '\n')) ||
				    ew_buf_puts(out, e->valuestring))
					return EW_ENOMEM;
			}
		}
	}
	return 0;
}

/* The values of the sub or aud tests of the judged statements. */
int ew_doctor_trust_values(struct ew_buf *out, const char *trust,
			   const char *provider_arn, const char *issuer,
			   bool aud)
{
	struct trust t;
	int rc = trust_parse(&t, trust, provider_arn, issuer);

	if (rc == 0 && t.nours == 0)
		rc = EW_ENOTFOUND;
	for (size_t i = 0; rc == 0 && i < t.n; i++) {
		const struct key_test *kt = aud ? t.v[i].aud : t.v[i].sub;
		size_t n = aud ? t.v[i].naud : t.v[i].nsub;

		if (!t.v[i].ours)
			continue;
		for (size_t k = 0; rc == 0 && k < n; k++) {
			const cJSON *vals = kt[k].values, *e;
			bool arr = cJSON_IsArray(vals);

			for (e = arr ? vals->child : vals; rc == 0 && e;
			     e = arr ? e->next : NULL)
				if (cJSON_IsString(e) &&
				    ((out->len && ew_buf_putc(out, '\n')) ||
				     ew_buf_puts(out, e->valuestring)))
					rc = EW_ENOMEM;
		}
	}
	trust_release(&t);
	return rc;
}

/* ------------------------------------------------------------ report */

const char *ew_doctor_status_name(enum ew_doctor_status s)
{
	switch (s) {
	case EW_DOCTOR_PASS:
		return "pass";
	case EW_DOCTOR_WARN:
		return "warn";
	case EW_DOCTOR_FAIL:
		return "fail";
	case EW_DOCTOR_SKIP:
		return "skip";
	}
	return "?";
}

void ew_doctor_report_release(struct ew_doctor_report *r)
{
	for (size_t i = 0; i < r->nchecks; i++) {
		free(r->checks[i].target);
		free(r->checks[i].title);
		free(r->checks[i].detail);
		free(r->checks[i].fix);
		free(r->checks[i].check_command);
	}
	free(r->checks);
	ew_workflow_scan_release(&r->workflows);
	memset(r, 0, sizeof(*r));
}

/* Everything one audit needs to hand around. */
struct run {
	struct ew_doctor_report *rep;
	const struct ew_doctor_input *in;
	struct ew_setup *s;
	const struct ew_partition *part;
	struct ew_aws_client client;
	bool has_client;
	bool aws_ok; /* the credentials check passed */
	char *provider_arn;
	char github[256]; /* OWNER/REPO, "" when unknown */
	/* The immutable subject IDs: from the setup, else from the trust. */
	char owner_id[24], repo_id[24];
	bool ids_from_setup;
	struct ew_knowledge_values kv;
	const char *target; /* the current target's environment name */
	int oom;
	/* The first target's repository tag mutability as ECR reports it
	 * ("" when it could not be read), for the workflow-tags check. */
	char repo_mutability[48];
};

/* Add a check; takes over title, detail and fix (heap strings). */
static void add(struct run *r, const char *id, enum ew_doctor_status st,
		const char *kn, char *title, char *detail, char *fix)
{
	struct ew_doctor_report *rep = r->rep;
	struct ew_doctor_check *grown, *c;
	const struct ew_knowledge_entry *e = kn ? ew_knowledge_find(kn) : NULL;

	grown = title
		    ? realloc(rep->checks, (rep->nchecks + 1) * sizeof(*grown))
		    : NULL;
	if (!grown) {
		free(title);
		free(detail);
		free(fix);
		r->oom = 1;
		return;
	}
	rep->checks = grown;
	c = &rep->checks[rep->nchecks++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->status = st;
	c->title = title;
	c->detail = detail ? detail : ew_strdup("");
	c->fix = st == EW_DOCTOR_PASS || st == EW_DOCTOR_SKIP ? NULL : fix;
	if (c->fix != fix)
		free(fix);
	if (r->target)
		c->target = ew_strdup(r->target);
	if (e && (st == EW_DOCTOR_FAIL || st == EW_DOCTOR_WARN)) {
		struct ew_buf b;

		c->knowledge_id = e->id;
		ew_buf_init(&b);
		if (e->check_command &&
		    ew_knowledge_render(&b, e->check_command, &r->kv) == 0)
			c->check_command = ew_buf_detach(&b);
		ew_buf_release(&b);
	}
	if (!c->detail || (r->target && !c->target))
		r->oom = 1;
	switch (st) {
	case EW_DOCTOR_PASS:
		rep->npass++;
		break;
	case EW_DOCTOR_WARN:
		rep->nwarn++;
		break;
	case EW_DOCTOR_FAIL:
		rep->nfail++;
		break;
	case EW_DOCTOR_SKIP:
		rep->nskip++;
		break;
	}
}

/* A failed AWS call as a failed check.  The entry's first fix step is a
 * template ({role_arn}, {principal_arn}...): filled in from what the
 * audit knows, as its check command is. */
static void add_aws_failure(struct run *r, const char *id, char *title,
			    const struct ew_error *e, const char *fallback_kn)
{
	const struct ew_knowledge_entry *k = ew_knowledge_match_error(e);
	struct ew_buf fix;

	ew_buf_init(&fix);
	if (k && k->fix_steps && k->fix_steps[0] &&
	    ew_knowledge_render(&fix, k->fix_steps[0], &r->kv) != 0)
		r->oom = 1;
	add(r, id, EW_DOCTOR_FAIL, k ? k->id : fallback_kn, title,
	    ew_aprintf("%s", e->message), fix.len ? ew_buf_detach(&fix) : NULL);
	ew_buf_release(&fix);
}

/* -------------------------------------------------------- AWS checks */

static void check_credentials(struct run *r)
{
	const struct ew_doctor_input *in = r->in;
	struct ew_caller_identity id;
	struct ew_error e;
	const struct ew_knowledge_entry *k;
	char *title = ew_aprintf("credentials work and belong to the account");

	ew_error_clear(&e);
	if (!in->make_client ||
	    in->make_client(&r->client, r->s->region, in->payload, &e) != 0) {
		const struct ew_error *why =
		    in->make_client ? &e : in->cred_error;

		r->rep->no_credentials =
		    !why || why->code == EW_ENOCREDS || !in->make_client;
		k = why ? ew_knowledge_match_error(why) : NULL;
		add(r, "credentials", EW_DOCTOR_FAIL,
		    k ? k->id : "no-credentials", title,
		    ew_aprintf("%s", why && why->message[0]
					 ? why->message
					 : "no usable AWS credentials"),
		    ew_aprintf(
			"configure credentials (aws configure, aws sso login "
			"or --profile NAME) and run doctor again"));
		return;
	}
	r->has_client = true;
	if (ew_sts_get_caller_identity(&id, &r->client, &e) != 0) {
		r->rep->no_credentials = e.code == EW_ENOCREDS;
		add_aws_failure(r, "credentials", title, &e,
				"invalid-client-token-id");
		return;
	}
	snprintf(r->rep->account, sizeof(r->rep->account), "%s", id.account);
	snprintf(r->rep->caller_arn, sizeof(r->rep->caller_arn), "%s", id.arn);
	if (r->s->account && strcmp(r->s->account, id.account) != 0) {
		add(r, "credentials", EW_DOCTOR_FAIL, NULL, title,
		    ew_aprintf(
			"the credentials (%s) are for account %s, not %s",
			id.arn, id.account, r->s->account),
		    ew_aprintf(
			"use a profile of account %s (--profile NAME), or "
			"audit %s with --account %s",
			r->s->account, id.account, id.account));
		return;
	}
	if (!r->s->account && ew_setup_set_account(r->s, id.account, &e) != 0) {
		add(r, "credentials", EW_DOCTOR_FAIL, NULL, title,
		    ew_aprintf("%s", e.message), NULL);
		return;
	}
	r->aws_ok = true;
	add(r, "credentials", EW_DOCTOR_PASS, NULL, title,
	    ew_aprintf("account %s as %s", id.account, id.arn), NULL);
}

static void check_provider(struct run *r)
{
	struct ew_iam_oidc_provider p;
	struct ew_error e;
	const char *aud = r->part->audience;
	bool listed = false;

	memset(&p, 0, sizeof(p));
	ew_error_clear(&e);
	if (ew_iam_get_oidc_provider(&p, &r->client, r->provider_arn, &e) !=
	    0) {
		if (ew_error_is_aws(&e, "NoSuchEntity")) {
			add(r, "provider", EW_DOCTOR_FAIL,
			    "oidc-provider-not-found",
			    ew_aprintf("the GitHub OIDC provider exists"),
			    ew_aprintf("no provider %s in account %s",
				       r->provider_arn, r->s->account),
			    ew_aprintf(
				"aws iam create-open-id-connect-provider --url "
				"https://" ISSUER " --client-id-list %s "
				"(or ecr-wizard apply)",
				aud));
		} else {
			add_aws_failure(
			    r, "provider",
			    ew_aprintf("the GitHub OIDC provider exists"), &e,
			    "access-denied");
		}
		add(r, "provider-audience", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the provider lists the audience %s", aud),
		    ew_aprintf("no provider to read"), NULL);
		ew_iam_oidc_provider_release(&p);
		return;
	}
	add(r, "provider", EW_DOCTOR_PASS, NULL,
	    ew_aprintf("the GitHub OIDC provider exists"),
	    ew_aprintf("%s", r->provider_arn), NULL);
	for (size_t i = 0; i < p.client_ids.n; i++)
		listed = listed || strcmp(p.client_ids.v[i], aud) == 0;
	if (listed) {
		add(r, "provider-audience", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the provider lists the audience %s", aud),
		    ew_aprintf("client IDs: %zu", p.client_ids.n), NULL);
	} else {
		struct ew_buf ids;

		ew_buf_init(&ids);
		for (size_t i = 0; i < p.client_ids.n; i++)
			ew_buf_printf(&ids, "%s%s", i ? ", " : "",
				      p.client_ids.v[i]);
		add(r, "provider-audience", EW_DOCTOR_FAIL,
		    "oidc-incorrect-audience",
		    ew_aprintf("the provider lists the audience %s", aud),
		    ew_aprintf("its client IDs are %s; tokens carry aud %s",
			       ids.len ? ids.ptr : "(none)", aud),
		    ew_aprintf(
			"aws iam add-client-id-to-open-id-connect-provider "
			"--open-id-connect-provider-arn %s --client-id %s",
			r->provider_arn, aud));
		ew_buf_release(&ids);
	}
	ew_iam_oidc_provider_release(&p);
}

/* Immutable-form IDs written in the trust for this repository. */
static void ids_from_trust(struct run *r, const struct trust *t)
{
	struct ew_buf all, prefix;
	const char *p;

	if (r->owner_id[0] || !r->s->owner || !r->s->repo)
		return;
	ew_buf_init(&all);
	ew_buf_init(&prefix);
	if (trust_sub_values(&all, t) == 0 &&
	    ew_buf_printf(&prefix, "repo:%s@", r->s->owner) == 0 &&
	    (p = strstr(all.ptr, prefix.ptr)) != NULL) {
		const char *oid = p + prefix.len, *q = oid;
		size_t rlen = strlen(r->s->repo);

		while (*q >= '0' && *q <= '9')
			q++;
		if (q > oid && (size_t)(q - oid) < sizeof(r->owner_id) &&
		    q[0] == '/' && strncmp(q + 1, r->s->repo, rlen) == 0 &&
		    q[1 + rlen] == '@') {
			const char *rid = q + 2 + rlen, *e = rid;

			while (*e >= '0' && *e <= '9')
				e++;
			if (e > rid && (size_t)(e - rid) < sizeof(r->repo_id)) {
				memcpy(r->owner_id, oid, (size_t)(q - oid));
				r->owner_id[q - oid] = '\0';
				memcpy(r->repo_id, rid, (size_t)(e - rid));
				r->repo_id[e - rid] = '\0';
			}
		}
	}
	ew_buf_release(&all);
	ew_buf_release(&prefix);
}

static const char *subject_kn(enum ew_wf_subject_kind k)
{
	switch (k) {
	case EW_WF_SUB_ENV:
		return "sub-mismatch-environment";
	case EW_WF_SUB_PR:
		return "sub-mismatch-pull-request";
	case EW_WF_SUB_TAG:
		return "sub-mismatch-tag";
	case EW_WF_SUB_BRANCH:
		break;
	}
	return "sub-mismatch-branch";
}

static const char *subject_trust_flag(const struct ew_wf_subject *sj)
{
	switch (sj->kind) {
	case EW_WF_SUB_ENV:
		return "env:";
	case EW_WF_SUB_PR:
		return "pull_request";
	case EW_WF_SUB_TAG:
		return "tag:";
	case EW_WF_SUB_BRANCH:
		break;
	}
	return "branch:";
}

/* The --trust value that admits sj ("branch:main", "env:prod"). */
static char *trust_flag(const struct ew_wf_subject *sj)
{
	const char *flag = subject_trust_flag(sj);
	const char *v = strchr(sj->context, ':');

	if (sj->kind == EW_WF_SUB_PR)
		return ew_aprintf("pull_request");
	if (sj->kind == EW_WF_SUB_ENV)
		return ew_aprintf("%s%s", flag, v ? v + 1 : sj->context);
	v = strrchr(sj->context, ':');
	v = v ? v + 1 : sj->context;
	/* ref:refs/heads/NAME, ref:refs/tags/NAME */
	v = strncmp(v, "refs/heads/", 11) == 0	? v + 11
	    : strncmp(v, "refs/tags/", 10) == 0 ? v + 10
						: v;
	return ew_aprintf("%s%s", flag, v);
}

/* Whether any job of this target has already been checked for context. */
static bool seen_context(char **seen, size_t n, const char *ctx)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(seen[i], ctx) == 0)
			return true;
	return false;
}

static const struct ew_env_target *job_target(const struct ew_setup *s,
					      const struct ew_wf_aws_job *j,
					      bool *unmapped)
{
	*unmapped = false;
	if (s->nenvs == 0)
		return NULL;
	for (size_t i = 0; i < j->nsubjects; i++) {
		const char *ctx = j->subjects[i].context;

		if (j->subjects[i].kind != EW_WF_SUB_ENV)
			continue;
		for (size_t e = 0; e < s->nenvs; e++) {
			char *want =
			    ew_aprintf("environment:%s", s->envs[e].name);
			bool eq;

			if (!want)
				continue;
			/* ':' in the name is %3A in the subject. */
			for (char *p = want + 12; *p; p++)
				if (*p == ':')
					*p = '\x01';
			eq = true;
			{
				const char *a = ctx, *b = want;

				while (*a && *b && eq) {
					if (*b == '\x01') {
						eq = strncmp(a, "%3A", 3) == 0;
						a += 3;
					} else {
						eq = *a == *b;
						a++;
					}
					b++;
				}
				eq = eq && !*a && !*b;
			}
			free(want);
			if (eq)
				return &s->envs[e];
		}
	}
	*unmapped = true;
	return NULL;
}

static void check_subjects(struct run *r, const struct trust *t,
			   const struct ew_env_target *env,
			   const char *role_name)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	char **seen = NULL;
	size_t nseen = 0;
	struct ew_buf trusted;
	size_t added = 0;

	ew_buf_init(&trusted);
	if (trust_sub_values(&trusted, t))
		r->oom = 1;
	r->kv.trusted_sub = trusted.ptr;
	if (!r->github[0]) {
		add(r, "trust-subject", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the trust admits the workflow's subjects"),
		    ew_aprintf("the GitHub repository is unknown (use --github "
			       "OWNER/REPO)"),
		    NULL);
		goto done;
	}
	if (!r->rep->has_workflows || w->njobs == 0) {
		add(r, "trust-subject", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the trust admits the workflow's subjects"),
		    ew_aprintf("no workflow job to compare with"), NULL);
		goto done;
	}
	for (size_t i = 0; i < w->njobs; i++) {
		const struct ew_wf_aws_job *j = &w->jobs[i];
		bool unmapped;

		if (job_target(r->s, j, &unmapped) != env || unmapped)
			continue;
		if (j->nsubjects == 0) {
			add(r, "trust-subject", EW_DOCTOR_WARN, NULL,
			    ew_aprintf("the trust admits job '%s' (%s)", j->job,
				       j->file),
			    ew_aprintf("cannot tell the job's subject: %s",
				       j->subjects_note ? j->subjects_note
							: "no trigger"),
			    ew_aprintf(
				"compare the role's sub condition with the "
				"subject the job presents (github/"
				"actions-oidc-debugger prints it)"));
			added++;
			continue;
		}
		for (size_t k = 0; k < j->nsubjects; k++) {
			const struct ew_wf_subject *sj = &j->subjects[k];
			char *legacy, *imm = NULL, *flag, **grown;
			bool ok_l, ok_i = false;

			if (seen_context(seen, nseen, sj->context))
				continue;
			grown = realloc(seen, (nseen + 1) * sizeof(*grown));
			if (!grown) {
				r->oom = 1;
				goto done;
			}
			seen = grown;
			seen[nseen++] = sj->context;
			legacy =
			    ew_aprintf("repo:%s:%s", r->github, sj->context);
			if (r->owner_id[0])
				imm = ew_aprintf("repo:%s@%s/%s@%s:%s",
						 r->s->owner, r->owner_id,
						 r->s->repo, r->repo_id,
						 sj->context);
			if (!legacy || (r->owner_id[0] && !imm)) {
				free(legacy);
				free(imm);
				r->oom = 1;
				goto done;
			}
			ok_l = trust_admits_sub(t, legacy, false);
			ok_i = imm && trust_admits_sub(t, imm, false);
			r->kv.job_sub = legacy;
			flag = trust_flag(sj);
			added++;
			if (ok_l && (ok_i || !imm || !r->ids_from_setup)) {
				add(r, "trust-subject", EW_DOCTOR_PASS, NULL,
				    ew_aprintf("the trust admits %s", legacy),
				    ew_aprintf(
					"%s (job '%s')%s", sj->why, j->job,
					ok_i ? "; immutable form too" : ""),
				    NULL);
			} else if (ok_l) {
				r->kv.job_sub = imm;
				add(r, "trust-subject", EW_DOCTOR_WARN,
				    "sub-mismatch-immutable-id",
				    ew_aprintf("the trust admits %s", legacy),
				    ew_aprintf(
					"%s (job '%s'); not the immutable form "
					"%s, which GitHub sends for new, "
					"renamed or opted-in repositories",
					sj->why, j->job, imm),
				    ew_aprintf("ecr-wizard apply --github %s "
					       "--role-name %s adds both forms",
					       r->github, role_name));
			} else if (ok_i) {
				add(r, "trust-subject", EW_DOCTOR_PASS, NULL,
				    ew_aprintf("the trust admits %s", imm),
				    ew_aprintf(
					"%s (job '%s'); immutable form only",
					sj->why, j->job),
				    NULL);
			} else if (trust_admits_sub(t, legacy, true)) {
				add(r, "trust-subject", EW_DOCTOR_FAIL,
				    "sub-mismatch-owner-casing",
				    ew_aprintf("the trust admits %s", legacy),
				    ew_aprintf(
					"%s (job '%s'): admitted only if case "
					"is ignored, and IAM compares it "
					"exactly",
					sj->why, j->job),
				    ew_aprintf(
					"write %s exactly as GitHub spells it "
					"in the role's sub condition",
					r->github));
			} else {
				add(r, "trust-subject", EW_DOCTOR_FAIL,
				    subject_kn(sj->kind),
				    ew_aprintf("the trust admits %s", legacy),
				    ew_aprintf(
					"%s (job '%s' in %s) is not admitted "
					"by the role's sub condition",
					sj->why, j->job, j->file),
				    ew_aprintf(
					"add it: ecr-wizard apply --github %s "
					"--role-name %s --trust '%s'%s",
					r->github, role_name, flag ? flag : "",
					sj->is_pattern
					    ? " (a pattern: StringLike)"
					    : ""));
			}
			r->kv.job_sub = NULL;
			free(flag);
			free(legacy);
			free(imm);
		}
	}
	if (added == 0)
		add(r, "trust-subject", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the trust admits the workflow's subjects"),
		    ew_aprintf("no workflow job runs for this target"), NULL);
done:
	r->kv.trusted_sub = NULL;
	ew_buf_release(&trusted);
	free(seen);
}

static void check_trust(struct run *r, const struct ew_iam_role *role,
			const struct ew_env_target *env)
{
	struct trust t;
	struct ew_buf other;
	const char *aud = r->part->audience;
	bool aud_missing = false, aud_wrong = false, sub_missing = false;
	bool for_all = false, broad = false;
	int rc = trust_parse(&t, role->trust_document, r->provider_arn, ISSUER);

	ew_buf_init(&other);
	if (rc == EW_ENOMEM) {
		r->oom = 1;
		goto done;
	}
	if (rc || t.n == 0) {
		add(r, "trust-provider", EW_DOCTOR_FAIL,
		    "assume-role-oidc-denied",
		    ew_aprintf(
			"the trust policy lets GitHub's provider assume the "
			"role"),
		    ew_aprintf(rc ? "the trust policy is not JSON"
				  : "no Allow statement for " WEB_IDENTITY),
		    ew_aprintf(
			"ecr-wizard apply --github %s --role-name %s rewrites "
			"the trust policy",
			r->github[0] ? r->github : "OWNER/REPO", role->name));
		goto done;
	}
	ids_from_trust(r, &t);
	if (t.nours == 0) {
		for (size_t i = 0; i < t.n; i++) {
			const cJSON *fed =
			    item(item(t.v[i].st, "Principal"), "Federated");
			char *p = fed ? cJSON_PrintUnformatted(fed) : NULL;

			if (p)
				ew_buf_printf(&other, "%s%s",
					      other.len ? ", " : "", p);
			free(p);
		}
		add(r, "trust-provider", EW_DOCTOR_FAIL,
		    "oidc-provider-not-found",
		    ew_aprintf(
			"the trust policy names the provider of account %s",
			r->s->account),
		    ew_aprintf("the Federated principal is %s, not %s",
			       other.len ? other.ptr : "missing",
			       r->provider_arn),
		    ew_aprintf("make the principal {\"Federated\": \"%s\"}: "
			       "ecr-wizard apply --github %s --role-name %s",
			       r->provider_arn,
			       r->github[0] ? r->github : "OWNER/REPO",
			       role->name));
	} else {
		add(r, "trust-provider", EW_DOCTOR_PASS, NULL,
		    ew_aprintf(
			"the trust policy names the provider of account %s",
			r->s->account),
		    ew_aprintf("%s", r->provider_arn), NULL);
	}

	for (size_t i = 0; i < t.n; i++) {
		const struct trust_stmt *st = &t.v[i];

		if (!judged(&t, st))
			continue;
		if (st->naud == 0)
			aud_missing = true;
		else if (!tests_admit(st->aud, st->naud, aud, false))
			aud_wrong = true;
		if (st->nsub == 0)
			sub_missing = true;
		for_all = for_all || st->for_all_values;
	}
	if (aud_missing || aud_wrong)
		add(r, "trust-audience", EW_DOCTOR_FAIL,
		    aud_wrong ? "oidc-incorrect-audience"
			      : "assume-role-oidc-denied",
		    ew_aprintf("the trust policy pins aud to %s", aud),
		    ew_aprintf(aud_wrong
				   ? "its " ISSUER ":aud condition does not "
				     "admit %s"
				   : "a statement has no " ISSUER ":aud "
				     "condition (it would accept tokens minted "
				     "for any audience, not only %s)",
			       aud),
		    ew_aprintf("add \"StringEquals\": {\"" ISSUER
			       ":aud\": \"%s\"} "
			       "to the statement's Condition",
			       aud));
	else
		add(r, "trust-audience", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the trust policy pins aud to %s", aud), NULL,
		    NULL);

	if (sub_missing) {
		add(r, "trust-sub", EW_DOCTOR_FAIL, "assume-role-oidc-denied",
		    ew_aprintf(
			"the trust policy limits sub to this repository"),
		    ew_aprintf("a statement has no " ISSUER
			       ":sub condition: any "
			       "GitHub repository could assume the role"),
		    ew_aprintf(
			"add a sub condition for repo:%s:...: ecr-wizard "
			"apply --github %s --role-name %s",
			r->github[0] ? r->github : "OWNER/REPO",
			r->github[0] ? r->github : "OWNER/REPO", role->name));
	} else {
		struct ew_buf vals, pre, pre_id;

		ew_buf_init(&vals);
		ew_buf_init(&pre);
		ew_buf_init(&pre_id);
		if (trust_sub_values(&vals, &t) ||
		    ew_buf_printf(&pre, "repo:%s:", r->github) ||
		    ew_buf_printf(&pre_id, "repo:%s@",
				  r->s->owner ? r->s->owner : ""))
			r->oom = 1;
		/* A value that does not start with this repository's own
		 * prefix admits other repositories too. */
		for (char *line = vals.ptr; r->github[0] && line && *line;) {
			char *nl = strchr(line, '\n');

			if (nl)
				*nl = '\0';
			if (strncmp(line, pre.ptr, pre.len) != 0 &&
			    strncmp(line, pre_id.ptr, pre_id.len) != 0) {
				broad = true;
				ew_buf_clear(&other);
				ew_buf_puts(&other, line);
			}
			line = nl ? nl + 1 : NULL;
		}
		if (broad)
			add(r, "trust-sub", EW_DOCTOR_WARN, NULL,
			    ew_aprintf("the trust policy limits sub to this "
				       "repository"),
			    ew_aprintf(
				"'%s' admits subjects of other repositories",
				other.ptr),
			    ew_aprintf(
				"name the repository in every sub value: "
				"repo:%s:...",
				r->github));
		else
			add(r, "trust-sub", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("the trust policy limits sub to this "
				       "repository"),
			    NULL, NULL);
		ew_buf_release(&vals);
		ew_buf_release(&pre);
		ew_buf_release(&pre_id);
	}

	if (for_all)
		add(r, "trust-for-all-values", EW_DOCTOR_FAIL,
		    "assume-role-oidc-denied",
		    ew_aprintf(
			"the trust policy uses no ForAllValues: operator"),
		    ew_aprintf(
			"ForAllValues: is true when the key is missing or "
			"empty, so it does not restrict a single-valued "
			"claim"),
		    ew_aprintf(
			"use StringEquals / StringLike for " ISSUER ":aud and "
			":sub (ecr-wizard apply rewrites the trust policy)"));
	else
		add(r, "trust-for-all-values", EW_DOCTOR_PASS, NULL,
		    ew_aprintf(
			"the trust policy uses no ForAllValues: operator"),
		    NULL, NULL);

	check_subjects(r, &t, env, role->name);
done:
	ew_buf_release(&other);
	trust_release(&t);
}

/* The knowledge entry for a refused run. */
static const char *run_kn(const struct ew_pipeline_run *pr)
{
	if (strstr(pr->reason, "pins aud"))
		return "oidc-incorrect-audience";
	if (strstr(pr->reason, "another case"))
		return "sub-mismatch-owner-casing";
	if (strstr(pr->reason, "immutable subject"))
		return "sub-mismatch-immutable-id";
	return subject_kn(pr->kind);
}

/* The pipeline check (pipeline.h) of one workflow file against this
 * target's trust: a fail line per refused trigger, one pass line naming
 * the admitted ones. */
static void pipeline_file(struct run *r, const char *file, size_t ti,
			  const char *trust, const char *role_name)
{
	size_t n = ew_setup_target_count(r->s);
	struct ew_pipeline_target *t = calloc(n, sizeof(*t));
	struct ew_pipeline_input in;
	struct ew_pipeline pl;
	struct ew_buf text, ok;
	struct ew_error e;

	memset(&pl, 0, sizeof(pl));
	ew_buf_init(&text);
	ew_buf_init(&ok);
	ew_error_clear(&e);
	if (!t) {
		r->oom = 1;
		goto done;
	}
	/* Only this target's trust: the other targets' jobs stay notes. */
	t[ti].trust = trust;
	if (ew_file_read_in(&text, r->in->root, file, EW_WF_MAX_FILE, &e))
		goto done; /* the workflow checks report it */
	memset(&in, 0, sizeof(in));
	in.setup = r->s;
	in.workflow_file = file;
	in.workflow = text.ptr;
	in.workflow_len = text.len;
	in.targets = t;
	in.default_branch = r->in->default_branch;
	if (ew_pipeline_check(&pl, &in, &e) != 0) {
		r->oom = r->oom || e.code == EW_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < pl.nruns; i++) {
		const struct ew_pipeline_run *pr = &pl.runs[i];

		/* A job in none of the environments: check_job warns. */
		if (r->s->nenvs && !pr->target)
			continue;
		if (pr->admitted) {
			ew_buf_printf(&ok, "%s%s", ok.len ? ", " : "",
				      pr->trigger);
			continue;
		}
		r->kv.job_sub = pr->subject;
		add(r, "pipeline-trigger", EW_DOCTOR_FAIL, run_kn(pr),
		    ew_aprintf("the '%s' runs of job '%s' (%s) can assume %s",
			       pr->trigger, pr->job, file, role_name),
		    ew_aprintf("refused: %s (token sub %s, aud %s)", pr->reason,
			       pr->subject, pr->audience),
		    ew_aprintf("%s", pr->fix));
		r->kv.job_sub = NULL;
	}
	if (ok.len)
		add(r, "pipeline-trigger", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("these runs of %s can assume %s", file,
			       role_name),
		    ew_aprintf("%s", ok.ptr), NULL);
done:
	ew_pipeline_release(&pl);
	ew_buf_release(&text);
	ew_buf_release(&ok);
	free(t);
}

/* Every workflow file with an AWS job, once. */
static void check_pipeline(struct run *r, const struct ew_iam_role *role,
			   const struct ew_env_target *env)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	size_t ti = 0;

	if (!r->rep->has_workflows || !r->github[0] || !role->trust_document)
		return;
	for (size_t i = 0; i < ew_setup_target_count(r->s); i++)
		if (ew_setup_target_env(r->s, i) == env)
			ti = i;
	for (size_t f = 0; f < w->nfiles; f++) {
		bool has_job = false;

		for (size_t j = 0; j < w->njobs && !has_job; j++)
			has_job = !w->jobs[j].caller &&
				  strcmp(w->jobs[j].file, w->files[f]) == 0;
		if (has_job)
			pipeline_file(r, w->files[f], ti, role->trust_document,
				      role->name);
	}
}

static void check_max_session(struct run *r, const struct ew_iam_role *role,
			      const struct ew_env_target *env)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	long max =
	    role->max_session_duration ? role->max_session_duration : 3600;
	long want = 0;
	const struct ew_wf_aws_job *worst = NULL, *unknown = NULL;
	char *title =
	    ew_aprintf("the role's MaxSessionDuration covers the workflow");

	for (size_t i = 0; r->rep->has_workflows && i < w->njobs; i++) {
		const struct ew_wf_aws_job *j = &w->jobs[i];
		bool unmapped;

		if (job_target(r->s, j, &unmapped) != env || unmapped)
			continue;
		if (j->duration.raw && !j->duration_seconds)
			unknown = j;
		if (j->duration_seconds > want) {
			want = j->duration_seconds;
			worst = j;
		}
	}
	if (worst && want > max)
		add(r, "max-session", EW_DOCTOR_FAIL,
		    "duration-exceeds-max-session", title,
		    ew_aprintf(
			"job '%s' asks role-duration-seconds %ld; the role "
			"allows %ld",
			worst->job, want, max),
		    ew_aprintf(
			"lower role-duration-seconds to %ld or less, or: aws "
			"iam update-role --role-name %s "
			"--max-session-duration %ld",
			max, role->name, want > 43200 ? 43200 : want));
	else if (unknown)
		add(r, "max-session", EW_DOCTOR_WARN, NULL, title,
		    ew_aprintf(
			"job '%s' sets role-duration-seconds to '%s', which "
			"cannot be read here; the role allows %ld",
			unknown->job, unknown->duration.raw, max),
		    ew_aprintf("keep role-duration-seconds at %ld or less",
			       max));
	else
		add(r, "max-session", EW_DOCTOR_PASS, NULL, title,
		    ew_aprintf("the role allows %ld s; the workflow asks %ld s",
			       max, want ? want : 3600),
		    NULL);
}

/* The default version of every policy attached to the role. */
static int attached_docs(struct run *r, const char *role_name,
			 const char *policy_arn, char ***docs, size_t *ndocs,
			 bool *ours, struct ew_buf *names, struct ew_error *e)
{
	struct ew_iam_attached_policies ap;
	int rc;

	memset(&ap, 0, sizeof(ap));
	*ours = false;
	rc = ew_iam_list_attached_role_policies(&ap, &r->client, role_name, e);
	for (size_t i = 0; rc == 0 && i < ap.n; i++) {
		struct ew_iam_policy pol;
		struct ew_iam_policy_version v;
		char **grown;

		memset(&pol, 0, sizeof(pol));
		memset(&v, 0, sizeof(v));
		*ours = *ours || strcmp(ap.v[i].arn, policy_arn) == 0;
		ew_buf_printf(names, "%s%s", names->len ? ", " : "",
			      ap.v[i].name);
		rc = ew_iam_get_policy(&pol, &r->client, ap.v[i].arn, e);
		if (rc == 0)
			rc = ew_iam_get_policy_version(
			    &v, &r->client, ap.v[i].arn, pol.default_version_id,
			    e);
		if (rc == 0) {
			grown = realloc(*docs, (*ndocs + 1) * sizeof(*grown));
			if (!grown) {
				rc =
				    ew_error_set(e, EW_ENOMEM, "out of memory");
			} else {
				*docs = grown;
				(*docs)[(*ndocs)++] = v.document;
				v.document = NULL;
			}
		}
		ew_iam_policy_release(&pol);
		ew_iam_policy_version_release(&v);
	}
	ew_iam_attached_policies_release(&ap);
	return rc;
}

/* Resources the Allow statements give the push actions, for the detail. */
static void push_resources(struct ew_buf *out, char **docs, size_t ndocs)
{
	for (size_t i = 0; i < ndocs; i++) {
		cJSON *doc = cJSON_Parse(docs[i]);

		if (!doc)
			continue;
		FOR_EACH_STATEMENT(doc, st)
		{
			const cJSON *res = item(st, "Resource");
			char *p;
			bool any = false;

			for (size_t a = 0; a < NPUSH && !any; a++)
				any = cJSON_IsObject(st) &&
				      stmt_is(st, "Allow") &&
				      stmt_action(st, push_actions[a]);
			if (!any || !res)
				continue;
			p = cJSON_PrintUnformatted(res);
			if (p && !strstr(out->ptr, p))
				ew_buf_printf(out, "%s%s", out->len ? ", " : "",
					      p);
			free(p);
		}
		cJSON_Delete(doc);
	}
}

static void check_policy(struct run *r, const char *role_name,
			 const char *policy_name, const char *policy_arn,
			 const char *repo_arn)
{
	char **docs = NULL;
	size_t ndocs = 0;
	bool ours;
	struct ew_buf names, missing, res;
	struct ew_error e;
	enum ew_doctor_grant g;

	ew_buf_init(&names);
	ew_buf_init(&missing);
	ew_buf_init(&res);
	ew_error_clear(&e);
	if (attached_docs(r, role_name, policy_arn, &docs, &ndocs, &ours,
			  &names, &e) != 0) {
		add_aws_failure(
		    r, "policy-attached",
		    ew_aprintf("the permissions policy %s is attached",
			       policy_name),
		    &e, "access-denied");
		goto done;
	}
	if (ours)
		add(r, "policy-attached", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the permissions policy %s is attached",
			       policy_name),
		    ew_aprintf("%s", policy_arn), NULL);
	else
		add(r, "policy-attached", EW_DOCTOR_FAIL, "push-denied",
		    ew_aprintf("the permissions policy %s is attached",
			       policy_name),
		    ew_aprintf("%s is not attached to role %s (attached: %s)",
			       policy_arn, role_name,
			       names.len ? names.ptr : "none"),
		    ew_aprintf("aws iam attach-role-policy --role-name %s "
			       "--policy-arn %s (ecr-wizard apply creates and "
			       "attaches it)",
			       role_name, policy_arn));
	if (ndocs == 0) {
		add(r, "policy-login", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("ecr:GetAuthorizationToken is allowed on \"*\""),
		    ew_aprintf("no policy attached to the role"), NULL);
		add(r, "policy-push", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the push actions are allowed on %s", repo_arn),
		    ew_aprintf("no policy attached to the role"), NULL);
		goto done;
	}

	g = ew_doctor_policy_grants((const char *const *)docs, ndocs,
				    "ecr:GetAuthorizationToken", "*");
	if (g == EW_GRANT_YES)
		add(r, "policy-login", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("ecr:GetAuthorizationToken is allowed on \"*\""),
		    NULL, NULL);
	else if (g == EW_GRANT_CONDITIONAL)
		add(r, "policy-login", EW_DOCTOR_WARN, NULL,
		    ew_aprintf("ecr:GetAuthorizationToken is allowed on \"*\""),
		    ew_aprintf("only under a Condition, which doctor cannot "
			       "evaluate"),
		    ew_aprintf(
			"check the condition holds for GitHub Actions runs"));
	else
		add(r, "policy-login", EW_DOCTOR_FAIL,
		    "ecr-get-authorization-token-scoped",
		    ew_aprintf("ecr:GetAuthorizationToken is allowed on \"*\""),
		    ew_aprintf(
			g == EW_GRANT_DENIED ? "an explicit Deny covers it"
			: ew_doctor_policy_grants((const char *const *)docs,
						  ndocs,
						  "ecr:GetAuthorizationToken",
						  repo_arn) != EW_GRANT_NO
			    ? "it is allowed only on a repository ARN, "
			      "which grants nothing: the login is not "
			      "tied to a repository"
			    : "no attached policy allows it"),
		    ew_aprintf(
			"give it its own statement: {\"Effect\": \"Allow\", "
			"\"Action\": \"ecr:GetAuthorizationToken\", "
			"\"Resource\": \"*\"}"));

	{
		bool denied = false, conditional = false;

		for (size_t a = 0; a < NPUSH; a++) {
			g = ew_doctor_policy_grants((const char *const *)docs,
						    ndocs, push_actions[a],
						    repo_arn);
			if (g == EW_GRANT_YES)
				continue;
			if (g == EW_GRANT_CONDITIONAL) {
				conditional = true;
				continue;
			}
			denied = denied || g == EW_GRANT_DENIED;
			ew_buf_printf(&missing, "%s%s", missing.len ? ", " : "",
				      push_actions[a]);
		}
		push_resources(&res, docs, ndocs);
		if (missing.len)
			add(r, "policy-push", EW_DOCTOR_FAIL, "push-denied",
			    ew_aprintf("the push actions are allowed on %s",
				       repo_arn),
			    ew_aprintf("%s %s on it%s%s", missing.ptr,
				       denied ? "denied or not allowed"
					      : "not allowed",
				       res.len
					   ? "; the policy grants push actions "
					     "on "
					   : "",
				       res.len ? res.ptr : ""),
			    ew_aprintf(
				"allow the seven push actions on exactly %s "
				"(ecr-wizard apply writes that policy)",
				repo_arn));
		else if (conditional)
			add(r, "policy-push", EW_DOCTOR_WARN, NULL,
			    ew_aprintf("the push actions are allowed on %s",
				       repo_arn),
			    ew_aprintf(
				"some only under a Condition, which doctor "
				"cannot evaluate"),
			    ew_aprintf("check the condition holds for GitHub "
				       "Actions runs"));
		else
			add(r, "policy-push", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("the push actions are allowed on %s",
				       repo_arn),
			    NULL, NULL);
	}
done:
	for (size_t i = 0; i < ndocs; i++)
		free(docs[i]);
	free(docs);
	ew_buf_release(&names);
	ew_buf_release(&missing);
	ew_buf_release(&res);
}

static void check_repository(struct run *r, const char *region,
			     const char *repo_name, const char *repo_arn)
{
	struct ew_aws_client c;
	struct ew_ecr_repository repo;
	struct ew_error e;
	char *lc = NULL;

	memset(&repo, 0, sizeof(repo));
	ew_error_clear(&e);
	if (r->in->make_client(&c, region, r->in->payload, &e) != 0) {
		add_aws_failure(r, "repository",
				ew_aprintf("the ECR repository %s exists in %s",
					   repo_name, region),
				&e, NULL);
		return;
	}
	if (ew_ecr_describe_repository(&repo, &c, repo_name, &e) != 0) {
		if (ew_error_is_aws(&e, "RepositoryNotFoundException"))
			add(r, "repository", EW_DOCTOR_FAIL,
			    "repository-not-found",
			    ew_aprintf("the ECR repository %s exists in %s",
				       repo_name, region),
			    ew_aprintf(
				"no repository %s in account %s, region %s",
				repo_name, r->s->account, region),
			    ew_aprintf(
				"aws ecr create-repository --repository-name "
				"%s --region %s (or ecr-wizard apply --repo "
				"%s --region %s)",
				repo_name, region, repo_name, region));
		else
			add_aws_failure(
			    r, "repository",
			    ew_aprintf("the ECR repository %s exists in "
				       "%s",
				       repo_name, region),
			    &e, "access-denied");
		add(r, "lifecycle", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the repository has a lifecycle policy"),
		    ew_aprintf("no repository to read"), NULL);
		goto done;
	}
	add(r, "repository", EW_DOCTOR_PASS, NULL,
	    ew_aprintf("the ECR repository %s exists in %s", repo_name, region),
	    ew_aprintf("%s", repo.uri ? repo.uri : repo_arn), NULL);
	if (!r->repo_mutability[0] && repo.tag_mutability)
		snprintf(r->repo_mutability, sizeof(r->repo_mutability), "%s",
			 repo.tag_mutability);
	if (ew_ecr_get_lifecycle_policy(&lc, &c, repo_name, &e) != 0) {
		if (ew_error_is_aws(&e, "LifecyclePolicyNotFoundException"))
			add(r, "lifecycle", EW_DOCTOR_WARN, NULL,
			    ew_aprintf("the repository has a lifecycle policy"),
			    ew_aprintf(
				"none: old images are kept (and paid for) "
				"forever"),
			    ew_aprintf(
				"ecr-wizard apply --repo %s --region %s sets "
				"one (keeps the last %d images)",
				repo_name, region, r->s->keep_images));
		else
			add_aws_failure(
			    r, "lifecycle",
			    ew_aprintf("the repository has a lifecycle "
				       "policy"),
			    &e, "access-denied");
	} else {
		add(r, "lifecycle", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the repository has a lifecycle policy"), NULL,
		    NULL);
	}
done:
	free(lc);
	ew_ecr_repository_release(&repo);
	ew_aws_client_release(&c);
}

static void skip_target(struct run *r, const char *role_name,
			const char *repo_name, const char *why)
{
	add(r, "role", EW_DOCTOR_SKIP, NULL,
	    ew_aprintf("the role %s exists", role_name), ew_aprintf("%s", why),
	    NULL);
	add(r, "policy-attached", EW_DOCTOR_SKIP, NULL,
	    ew_aprintf("the permissions policy is attached"),
	    ew_aprintf("%s", why), NULL);
	add(r, "repository", EW_DOCTOR_SKIP, NULL,
	    ew_aprintf("the ECR repository %s exists", repo_name),
	    ew_aprintf("%s", why), NULL);
}

static void check_target(struct run *r, const struct ew_env_target *env)
{
	struct ew_buf role, policy, role_arn, policy_arn, repo_arn;
	const char *region = ew_setup_target_region(r->s, env);
	const char *repo_name = ew_setup_target_repo_name(r->s, env);
	struct ew_iam_role ro;
	struct ew_error e;

	ew_buf_init(&role);
	ew_buf_init(&policy);
	ew_buf_init(&role_arn);
	ew_buf_init(&policy_arn);
	ew_buf_init(&repo_arn);
	memset(&ro, 0, sizeof(ro));
	ew_error_clear(&e);
	r->target = env ? env->name : NULL;
	if (!repo_name)
		repo_name = "(unknown)";
	if (ew_setup_role_name_for(&role, r->s, env) ||
	    ew_setup_policy_name_for(&policy, r->s, env)) {
		r->oom = 1;
		goto done;
	}
	if (!r->aws_ok) {
		skip_target(r, role.ptr, repo_name,
			    "skipped: the credentials check failed");
		goto done;
	}
	if (ew_setup_role_arn(&role_arn, r->s, env, &e) ||
	    ew_setup_policy_arn(&policy_arn, r->s, env, &e) ||
	    ew_setup_repository_arn(&repo_arn, r->s, env, &e)) {
		skip_target(r, role.ptr, repo_name, e.message);
		goto done;
	}
	r->kv.role = role.ptr;
	r->kv.role_arn = role_arn.ptr;
	r->kv.policy = policy.ptr;
	r->kv.repo = repo_name;
	r->kv.region = region;

	if (ew_iam_get_role(&ro, &r->client, role.ptr, &e) != 0) {
		if (ew_error_is_aws(&e, "NoSuchEntity"))
			add(r, "role", EW_DOCTOR_FAIL,
			    "assume-role-oidc-denied",
			    ew_aprintf("the role %s exists", role.ptr),
			    ew_aprintf("no role %s in account %s", role.ptr,
				       r->s->account),
			    ew_aprintf(
				"ecr-wizard apply --github %s --role-name %s "
				"creates it",
				r->github[0] ? r->github : "OWNER/REPO",
				role.ptr));
		else
			add_aws_failure(
			    r, "role",
			    ew_aprintf("the role %s exists", role.ptr), &e,
			    "access-denied");
		add(r, "trust-provider", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the trust policy"),
		    ew_aprintf("no role to read"), NULL);
	} else {
		add(r, "role", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the role %s exists", role.ptr),
		    ew_aprintf("%s", ro.arn), NULL);
		check_trust(r, &ro, env);
		check_pipeline(r, &ro, env);
		check_max_session(r, &ro, env);
		check_policy(r, role.ptr, policy.ptr, policy_arn.ptr,
			     repo_arn.ptr);
	}
	check_repository(r, region, repo_name, repo_arn.ptr);
done:
	r->kv.role = r->kv.role_arn = r->kv.policy = r->kv.repo = NULL;
	r->target = NULL;
	ew_iam_role_release(&ro);
	ew_buf_release(&role);
	ew_buf_release(&policy);
	ew_buf_release(&role_arn);
	ew_buf_release(&policy_arn);
	ew_buf_release(&repo_arn);
}

/* --------------------------------------------------- workflow checks */

static void check_job(struct run *r, const struct ew_wf_aws_job *j)
{
	bool unmapped;
	const struct ew_env_target *env = job_target(r->s, j, &unmapped);
	const char *region = ew_setup_target_region(r->s, env);
	const char *aud = r->part->audience;
	struct ew_buf role_arn, role_name, registry;
	struct ew_error e;
	char *where = j->caller ? ew_aprintf("%s via %s", j->file, j->caller)
				: ew_aprintf("%s", j->file);

	ew_buf_init(&role_arn);
	ew_buf_init(&role_name);
	ew_buf_init(&registry);
	ew_error_clear(&e);
	r->target = env ? env->name : NULL;
	if (!where) {
		r->oom = 1;
		return;
	}
	if (unmapped)
		add(r, "workflow-region", EW_DOCTOR_WARN, NULL,
		    ew_aprintf("job '%s' runs in a configured environment",
			       j->job),
		    ew_aprintf("%s: it runs in none of the --env environments",
			       where),
		    ew_aprintf("give the job an environment: key naming one of "
			       "them"));

	switch (j->id_token) {
	case EW_WF_ID_TOKEN_WRITE:
		add(r, "workflow-id-token", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' may request an OIDC token", j->job),
		    ew_aprintf("id-token: write from %s (%s)",
			       j->id_token_where, where),
		    NULL);
		break;
	case EW_WF_ID_TOKEN_DENIED:
	case EW_WF_ID_TOKEN_DEFAULT:
		add(r, "workflow-id-token", EW_DOCTOR_FAIL,
		    "id-token-permission-missing",
		    ew_aprintf("job '%s' may request an OIDC token", j->job),
		    ew_aprintf("%s: no id-token: write (%s)", where,
			       j->id_token_where),
		    j->caller
			? ew_aprintf(
			      "add `id-token: write` to the permissions of "
			      "the calling job %s",
			      j->caller)
			: ew_aprintf(
			      "add `id-token: write` (and `contents: read`) "
			      "to %s",
			      j->id_token == EW_WF_ID_TOKEN_DEFAULT
				  ? "the workflow's permissions"
				  : "the permissions block that applies "
				    "(a job-level block replaces the "
				    "workflow's)"));
		break;
	}

	if (ew_setup_role_arn(&role_arn, r->s, env, &e) != 0)
		ew_buf_puts(&role_arn, "");
	if (ew_setup_role_name_for(&role_name, r->s, env) != 0)
		r->oom = 1;
	/* The knowledge entries' commands name this job's target. */
	r->kv.role = role_name.ptr;
	r->kv.role_arn = role_arn.len ? role_arn.ptr : NULL;
	r->kv.repo = ew_setup_target_repo_name(r->s, env);
	r->kv.region = region;
	if (!j->role.raw)
		add(r, "workflow-role", EW_DOCTOR_FAIL, "no-credentials",
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf(
			"%s: configure-aws-credentials has no role-to-assume",
			where),
		    ew_aprintf("role-to-assume: ${{ secrets.AWS_ROLE_ARN }}"));
	else if (j->role.secret || j->role.var)
		add(r, "workflow-role", EW_DOCTOR_PASS, NULL,
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf("%s.%s (must hold %s)",
			       j->role.secret ? "secrets" : "vars",
			       j->role.secret ? j->role.secret : j->role.var,
			       role_arn.len ? role_arn.ptr : "the role's ARN"),
		    NULL);
	else if (j->role.literal && !j->role.is_expr && role_arn.len &&
		 strcmp(j->role.literal, role_arn.ptr) == 0)
		add(r, "workflow-role", EW_DOCTOR_WARN, NULL,
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf("%s: the role ARN is written into the workflow",
			       where),
		    ew_aprintf(
			"store it once: gh variable set AWS_ROLE_ARN --body "
			"%s, then role-to-assume: ${{ vars.AWS_ROLE_ARN }}",
			role_arn.ptr));
	else if (j->role.literal && !j->role.is_expr)
		add(r, "workflow-role", EW_DOCTOR_FAIL,
		    strncmp(j->role.literal, "arn:", 4) == 0 &&
			    strstr(j->role.literal, ":role/")
			? "assume-role-oidc-denied"
			: "request-arn-invalid",
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf("%s: role-to-assume is '%s', not %s", where,
			       j->role.literal,
			       role_arn.len ? role_arn.ptr : "the role's ARN"),
		    ew_aprintf(
			"role-to-assume: ${{ secrets.AWS_ROLE_ARN }} holding "
			"%s",
			role_arn.len ? role_arn.ptr : "the role's ARN"));
	else
		add(r, "workflow-role", EW_DOCTOR_WARN, NULL,
		    ew_aprintf(
			"job '%s' assumes the role from a secret or variable",
			j->job),
		    ew_aprintf(
			"%s: role-to-assume is '%s', which doctor cannot "
			"follow",
			where, j->role.raw),
		    ew_aprintf("make sure it evaluates to %s",
			       role_arn.len ? role_arn.ptr : "the role's ARN"));

	if (!j->region.raw)
		add(r, "workflow-region", EW_DOCTOR_FAIL, "region-missing",
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    ew_aprintf(
			"%s: configure-aws-credentials has no aws-region",
			where),
		    ew_aprintf("aws-region: %s", region));
	else if (j->region.literal && strcmp(j->region.literal, region) == 0)
		add(r, "workflow-region", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    j->region.secret || j->region.var
			? ew_aprintf("%s (%s.%s must hold it too)", region,
				     j->region.secret ? "secrets" : "vars",
				     j->region.secret ? j->region.secret
						      : j->region.var)
			: ew_aprintf("%s", region),
		    NULL);
	else if (j->region.literal)
		add(r, "workflow-region",
		    j->region.secret || j->region.var ? EW_DOCTOR_WARN
						      : EW_DOCTOR_FAIL,
		    "repository-not-found",
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    ew_aprintf("%s: aws-region gives '%s'%s", where,
			       j->region.literal,
			       j->region.secret || j->region.var
				   ? " when the secret or variable is unset"
				   : ""),
		    ew_aprintf(
			"use aws-region: %s, where the repository and role "
			"are",
			region));
	else if (j->region.secret || j->region.var)
		add(r, "workflow-region", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    ew_aprintf("from %s.%s (must hold %s)",
			       j->region.secret ? "secrets" : "vars",
			       j->region.secret ? j->region.secret
						: j->region.var,
			       region),
		    NULL);
	else
		add(r, "workflow-region", EW_DOCTOR_WARN, NULL,
		    ew_aprintf("job '%s' uses region %s", j->job, region),
		    ew_aprintf(
			"%s: aws-region is '%s', which doctor cannot follow",
			where, j->region.raw),
		    ew_aprintf("make sure it evaluates to %s", region));

	if (j->audience.raw) {
		if (j->audience.literal && !j->audience.is_expr &&
		    strcmp(j->audience.literal, aud) == 0)
			add(r, "workflow-audience", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("job '%s' asks for audience %s", j->job,
				       aud),
			    NULL, NULL);
		else
			add(r, "workflow-audience", EW_DOCTOR_FAIL,
			    "oidc-incorrect-audience",
			    ew_aprintf("job '%s' asks for audience %s", j->job,
				       aud),
			    ew_aprintf("%s: audience is '%s'", where,
				       j->audience.raw),
			    ew_aprintf(
				"remove the audience input (the default is "
				"right)"));
	}

	if (!j->has_ecr_login) {
		add(r, "workflow-ecr-login", EW_DOCTOR_FAIL,
		    "no-basic-auth-credentials",
		    ew_aprintf("job '%s' logs in to ECR", j->job),
		    ew_aprintf("%s: no aws-actions/amazon-ecr-login step",
			       where),
		    ew_aprintf("add after configure-aws-credentials:\n"
			       "  - id: login-ecr\n"
			       "    uses: aws-actions/amazon-ecr-login@v2"));
		add(r, "workflow-registry", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf(
			"job '%s' takes the registry from the login step",
			j->job),
		    ew_aprintf("no login step"), NULL);
		goto done;
	}
	add(r, "workflow-ecr-login", EW_DOCTOR_PASS, NULL,
	    ew_aprintf("job '%s' logs in to ECR", j->job),
	    ew_aprintf("step id '%s'",
		       j->ecr_login_id ? j->ecr_login_id : "(none)"),
	    NULL);
	if (ew_setup_registry_host(&registry, r->s, env, &e) != 0)
		ew_buf_puts(&registry, "");
	switch (j->registry) {
	case EW_WF_REGISTRY_OUTPUT:
		add(r, "workflow-registry", EW_DOCTOR_PASS, NULL,
		    ew_aprintf(
			"job '%s' takes the registry from the login step",
			j->job),
		    ew_aprintf("steps.%s.outputs.registry", j->ecr_login_id),
		    NULL);
		break;
	case EW_WF_REGISTRY_HARDCODED:
		if (registry.len && strcmp(registry.ptr, j->registry_text) == 0)
			add(r, "workflow-registry", EW_DOCTOR_WARN, NULL,
			    ew_aprintf(
				"job '%s' takes the registry from the login "
				"step",
				j->job),
			    ew_aprintf("%s: the registry %s is written out",
				       where, j->registry_text),
			    ew_aprintf("use ${{ steps.%s.outputs.registry }}",
				       j->ecr_login_id ? j->ecr_login_id
						       : "login-ecr"));
		else
			add(r, "workflow-registry", EW_DOCTOR_FAIL,
			    "no-basic-auth-credentials",
			    ew_aprintf(
				"job '%s' takes the registry from the login "
				"step",
				j->job),
			    ew_aprintf(
				"%s: the workflow pushes to %s, but the login "
				"is for %s",
				where, j->registry_text,
				registry.len ? registry.ptr
					     : "the account's registry"),
			    ew_aprintf(
				"give the login step an id and tag images "
				"with ${{ steps.%s.outputs.registry }}",
				j->ecr_login_id ? j->ecr_login_id
						: "login-ecr"));
		break;
	case EW_WF_REGISTRY_NONE:
		add(r, "workflow-registry", EW_DOCTOR_WARN, NULL,
		    ew_aprintf(
			"job '%s' takes the registry from the login step",
			j->job),
		    ew_aprintf(
			j->ecr_login_id
			    ? "%s: steps.%s.outputs.registry is never used"
			    : "%s: the login step has no id, so its registry "
			      "output cannot be used%s",
			where, j->ecr_login_id ? j->ecr_login_id : ""),
		    ew_aprintf("tag images ${{ steps.%s.outputs.registry "
			       "}}/REPOSITORY:TAG",
			       j->ecr_login_id ? j->ecr_login_id
					       : "login-ecr"));
		break;
	}
done:
	r->target = NULL;
	r->kv.role = r->kv.role_arn = r->kv.repo = NULL;
	r->kv.region = r->s->region;
	free(where);
	ew_buf_release(&role_arn);
	ew_buf_release(&role_name);
	ew_buf_release(&registry);
}

/* ------------------------------------------------ tags and secrets */

/* Whether a moving tag is let through by an exclusion filter ('*'
 * wildcards, as ECR's WILDCARD filters). */
static bool excluded(const struct ew_setup *s, const char *tag)
{
	for (size_t i = 0; i < s->ntag_exclusions; i++) {
		const char *f = s->tag_exclusions[i];
		size_t n = strcspn(tag, " ");
		char t[128];

		if (n >= sizeof(t))
			continue;
		memcpy(t, tag, n);
		t[n] = '\0';
		if (fnmatch(f, t, 0) == 0)
			return true;
	}
	return false;
}

/*
 * An IMMUTABLE repository refuses a tag that already names an image, so a
 * workflow that pushes `latest`, a branch or pull request name or a fixed
 * raw value fails from its second run on (docs/troubleshooting.md).
 */
static void check_job_tags(struct run *r, const struct ew_wf_aws_job *j,
			   const char *mode, bool live)
{
	struct ew_buf moving;
	bool immutable = strncmp(mode, "IMMUTABLE", 9) == 0;
	bool exclusions = strstr(mode, "WITH_EXCLUSION") != NULL;
	const char *repo = r->kv.repo ? r->kv.repo : "REPOSITORY";
	const char *region = r->kv.region ? r->kv.region : "REGION";

	ew_buf_init(&moving);
	for (size_t i = 0; i < j->ntags; i++) {
		const struct ew_wf_tag *t = &j->tags[i];
		if (!t->moving || (exclusions && excluded(r->s, t->spec)))
			continue;
		ew_buf_printf(&moving, "%s'%s' (%s)", moving.len ? ", " : "",
			      t->spec, t->where);
	}
	if (!j->ntags)
		add(r, "workflow-tags", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' pushes tags the repository accepts",
			       j->job),
		    ew_aprintf("%s: no image tag found to compare with %s",
			       j->file, mode),
		    NULL);
	else if (!immutable || !moving.len)
		add(r, "workflow-tags", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("job '%s' pushes tags the repository accepts",
			       j->job),
		    ew_aprintf("%zu tag(s); the repository is %s%s%s", j->ntags,
			       mode, live ? "" : " (as configured)",
			       immutable ? " and every tag is unique per run"
					 : ""),
		    NULL);
	else
		add(r, "workflow-tags", EW_DOCTOR_FAIL, "immutable-tag",
		    ew_aprintf("job '%s' pushes tags the repository accepts",
			       j->job),
		    ew_aprintf(
			"%s: the repository %s is %s%s but the job pushes "
			"moving tags: %s; the second run's push fails "
			"with \"tag invalid: ... cannot be overwritten "
			"because the repository is immutable\"",
			j->file, repo, mode, live ? "" : " (as configured)",
			moving.ptr),
		    ew_aprintf(
			"push only tags that are new on every run: the "
			"commit SHA (type=sha, or "
			":${{ github.sha }}) and version tags "
			"(type=semver,pattern={{version}}), with "
			"`flavor: latest=false` on "
			"docker/metadata-action; or keep moving tags and "
			"exclude them: aws ecr put-image-tag-mutability "
			"--repository-name %s --region %s "
			"--image-tag-mutability IMMUTABLE_WITH_EXCLUSION "
			"--image-tag-mutability-exclusion-filters "
			"filterType=WILDCARD,filter=latest",
			repo, region));
	ew_buf_release(&moving);
}

static void check_tags(struct run *r)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	bool live = r->repo_mutability[0] != '\0';
	const char *mode = live ? r->repo_mutability
				: ew_tag_mutability_name(r->s->tag_mutability);

	r->target = NULL;
	r->kv.repo = ew_setup_target_repo_name(r->s, NULL);
	r->kv.region = r->s->region;
	for (size_t i = 0; i < w->njobs; i++)
		check_job_tags(r, &w->jobs[i], mode, live);
}

/* The produced name closest to a read one: a shared prefix of at least
 * four characters ("AWS_ROLE" -> "AWS_ROLE_ARN"), or NULL. */
static const char *near_name(const struct ew_outputs *o, const char *name)
{
	const char *best = NULL;
	size_t best_n = 3;

	for (size_t i = 0; i < o->nrows; i++) {
		const char *p = o->rows[i].name;
		size_t n = 0;
		while (p[n] && name[n] && p[n] == name[n])
			n++;
		if (n > best_n) {
			best = p;
			best_n = n;
		}
	}
	return best;
}

static bool produced(const struct ew_outputs *o, const char *name)
{
	for (size_t i = 0; i < o->nrows; i++)
		if (strcmp(o->rows[i].name, name) == 0)
			return true;
	return false;
}

/*
 * The secrets a job reads against those the setup tells the user to store
 * (ew_outputs_build): a name the setup does not produce fails when the AWS
 * login depends on it (role-to-assume, aws-region) or when it looks like
 * one of ours (AWS_*, ECR_*); other secrets (a chat webhook, a Docker Hub
 * token) are the workflow's own business and only listed.
 */
static void check_secrets(struct run *r)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	struct ew_outputs o;
	struct ew_error e;

	memset(&o, 0, sizeof(o));
	ew_error_clear(&e);
	r->target = NULL;
	if (ew_outputs_build(&o, r->s, &e) != 0) {
		if (e.code == EW_ENOMEM)
			r->oom = 1;
		else
			add(r, "workflow-secrets", EW_DOCTOR_SKIP, NULL,
			    ew_aprintf("the workflow reads the secrets the "
				       "setup produces"),
			    ew_aprintf("skipped: %s", e.message), NULL);
		return;
	}
	for (size_t i = 0; i < w->njobs; i++) {
		const struct ew_wf_aws_job *j = &w->jobs[i];
		struct ew_buf bad, other, fix;

		ew_buf_init(&bad);
		ew_buf_init(&other);
		ew_buf_init(&fix);
		for (size_t k = 0; k < j->njob_secrets; k++) {
			const char *n = j->job_secrets[k], *near;
			bool login = (j->role.secret &&
				      strcmp(j->role.secret, n) == 0) ||
				     (j->region.secret &&
				      strcmp(j->region.secret, n) == 0);
			if (produced(&o, n))
				continue;
			if (!login && strncmp(n, "AWS_", 4) != 0 &&
			    strncmp(n, "ECR_", 4) != 0) {
				ew_buf_printf(&other, "%s%s",
					      other.len ? ", " : "", n);
				continue;
			}
			near = near_name(&o, n);
			ew_buf_printf(
			    &bad, "%ssecrets.%s%s", bad.len ? ", " : "", n,
			    login ? (j->role.secret &&
					     strcmp(j->role.secret, n) == 0
					 ? " (role-to-assume)"
					 : " (aws-region)")
				  : "");
			if (near)
				ew_buf_printf(
				    &fix, "%schange secrets.%s to secrets.%s",
				    fix.len ? "; " : "", n, near);
			else
				ew_buf_printf(&fix,
					      "%sstore %s (gh secret set %s) "
					      "or stop reading it",
					      fix.len ? "; " : "", n, n);
		}
		if (bad.len)
			add(r, "workflow-secrets", EW_DOCTOR_FAIL,
			    j->role.secret && strstr(bad.ptr, "role-to-assume")
				? "no-credentials"
				: NULL,
			    ew_aprintf("job '%s' reads the secrets the setup "
				       "produces",
				       j->job),
			    ew_aprintf(
				"%s: %s %s not among the setup's secrets "
				"(AWS_REGION, ECR_REPOSITORY, "
				"ECR_REGISTRY, AWS_ROLE_ARN); an unset "
				"secret is an empty string",
				j->file, bad.ptr,
				strchr(bad.ptr, ',') ? "are" : "is"),
			    ew_aprintf("%s", fix.ptr));
		else
			add(r, "workflow-secrets", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("job '%s' reads the secrets the setup "
				       "produces",
				       j->job),
			    other.len ? ew_aprintf("also reads %s (not from "
						   "this setup)",
						   other.ptr)
				      : ew_aprintf("%zu secret(s), all from "
						   "the setup",
						   j->njob_secrets),
			    NULL);
		ew_buf_release(&bad);
		ew_buf_release(&other);
		ew_buf_release(&fix);
	}
	ew_outputs_release(&o);
}

static void check_workflows(struct run *r, int scan_rc,
			    const struct ew_error *scan_err)
{
	const struct ew_workflow_scan *w = &r->rep->workflows;
	const char *what =
	    r->in->workflow ? r->in->workflow : ".github/workflows";

	if (scan_rc) {
		add(r, "workflow", EW_DOCTOR_FAIL, NULL,
		    ew_aprintf("a workflow pushes to ECR"),
		    ew_aprintf("%s", scan_err->message),
		    ew_aprintf("ecr-wizard apply writes %s (or name yours with "
			       "--workflow PATH)",
			       r->s->workflow_path));
		return;
	}
	for (size_t i = 0; i < w->nproblems; i++)
		add(r, "workflow", EW_DOCTOR_FAIL, NULL,
		    ew_aprintf("%s parses", w->problems[i].file),
		    ew_aprintf("%s", w->problems[i].message),
		    ew_aprintf("fix %s line %ld (actionlint shows the same)",
			       w->problems[i].file, w->problems[i].line));
	if (w->njobs == 0) {
		add(r, "workflow", EW_DOCTOR_FAIL, NULL,
		    ew_aprintf("a workflow pushes to ECR"),
		    ew_aprintf("no job in %s runs "
			       "aws-actions/configure-aws-credentials",
			       what),
		    ew_aprintf("ecr-wizard apply writes %s",
			       r->s->workflow_path));
		return;
	}
	add(r, "workflow", EW_DOCTOR_PASS, NULL,
	    ew_aprintf("a workflow pushes to ECR"),
	    ew_aprintf("%zu AWS job(s) in %zu file(s)", w->njobs, w->nfiles),
	    NULL);
	for (size_t i = 0; i < w->njobs; i++)
		check_job(r, &w->jobs[i]);
	check_tags(r);
	check_secrets(r);
	{
		struct ew_buf names;

		ew_buf_init(&names);
		ew_buf_puts(&names, "secrets: ");
		for (size_t i = 0; i < w->nsecrets; i++)
			ew_buf_printf(&names, "%s%s", i ? ", " : "",
				      w->secrets[i]);
		if (!w->nsecrets)
			ew_buf_puts(&names, "none");
		ew_buf_puts(&names, "; variables: ");
		for (size_t i = 0; i < w->nvars; i++)
			ew_buf_printf(&names, "%s%s", i ? ", " : "",
				      w->vars[i]);
		if (!w->nvars)
			ew_buf_puts(&names, "none");
		if (r->github[0])
			ew_buf_printf(&names,
				      " (compare: gh secret list --repo %s; "
				      "gh variable list --repo %s)",
				      r->github, r->github);
		add(r, "workflow-names", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the secrets and variables the workflow uses"),
		    ew_buf_detach(&names), NULL);
	}
}

/* ------------------------------------------------------ GitHub secrets */

/* Whether GitHub has name for the target: its environment's secrets or
 * the repository's, or the organization's shared with it (a job in an
 * environment gets all three). */
static bool secret_is_set(const struct ew_doctor_github *g, size_t target,
			  const char *name)
{
	if (ew_github_names_has(g->repo, name) ||
	    ew_github_names_has(g->org, name))
		return true;
	return g->envs && target < g->nenvs &&
	       ew_github_names_has(&g->envs[target], name);
}

static void check_github_secrets(struct run *r)
{
	static const char *const apply_sets[] = {
	    "AWS_REGION", "ECR_REPOSITORY", "ECR_REGISTRY", "AWS_ROLE_ARN"};
	const struct ew_doctor_github *g = r->in->github;
	const struct ew_workflow_scan *w = &r->rep->workflows;
	bool from_wf = r->rep->has_workflows && w->nsecrets > 0;
	const char *const *want =
	    from_wf ? (const char *const *)w->secrets : apply_sets;
	size_t nwant = from_wf ? w->nsecrets : 4;
	size_t ntargets = ew_setup_target_count(r->s);

	r->target = NULL;
	if (g->why_not) {
		add(r, "github-secrets",
		    g->listing_failed ? EW_DOCTOR_WARN : EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the secrets the workflow reads are set in "
			       "GitHub"),
		    ew_aprintf("%s%s", g->listing_failed ? "" : "skipped: ",
			       g->why_not),
		    ew_aprintf("compare by hand: gh secret list --repo %s",
			       r->github));
		return;
	}
	for (size_t t = 0; t <= (g->envs ? g->nenvs : 0); t++) {
		const struct ew_github_names *l = t ? &g->envs[t - 1] : g->repo;
		struct ew_buf names;

		r->target = t ? r->s->envs[t - 1].name : NULL;
		ew_buf_init(&names);
		for (size_t i = 0; l && i < l->n; i++)
			ew_buf_printf(&names, "%s%s", i ? ", " : "",
				      l->names[i]);
		if (!t && g->org && g->org->n) {
			ew_buf_puts(&names, names.len
						? "; from the organization: "
						: "from the organization: ");
			for (size_t i = 0; i < g->org->n; i++)
				ew_buf_printf(&names, "%s%s", i ? ", " : "",
					      g->org->names[i]);
		}
		add(r, "github-secret-names", EW_DOCTOR_PASS, NULL,
		    ew_aprintf("the secrets GitHub has for %s%s%s%s", r->github,
			       t ? " environment '" : "", t ? r->target : "",
			       t ? "'" : ""),
		    ew_aprintf("%s", names.len ? names.ptr : "none"), NULL);
		ew_buf_release(&names);
	}
	for (size_t t = 0; t < ntargets; t++) {
		const struct ew_env_target *env = ew_setup_target_env(r->s, t);
		size_t nmissing = 0;

		r->target = env ? env->name : NULL;
		for (size_t i = 0; i < nwant; i++) {
			if (secret_is_set(g, t, want[i]))
				continue;
			nmissing++;
			add(r, "github-secrets", EW_DOCTOR_FAIL, NULL,
			    ew_aprintf("secret %s is set in GitHub", want[i]),
			    ew_aprintf("%s reads secrets.%s, which is not set "
				       "in %s%s%s%s",
				       from_wf ? "the workflow"
					       : "apply's "
						 "workflow",
				       want[i], r->github,
				       env ? " nor in its environment '" : "",
				       env ? env->name : "", env ? "'" : ""),
			    ew_aprintf("ecr-wizard apply --set-secrets stores "
				       "it, or: gh secret set %s --repo "
				       "%s%s%s%s",
				       want[i], r->github,
				       env ? " --env '" : "",
				       env ? env->name : "", env ? "'" : ""));
		}
		if (!nmissing)
			add(r, "github-secrets", EW_DOCTOR_PASS, NULL,
			    ew_aprintf("the secrets the workflow reads are set "
				       "in GitHub"),
			    ew_aprintf("%zu of %zu set in %s%s%s%s (names "
				       "only: GitHub never returns values, "
				       "so they are not checked)",
				       nwant, nwant, r->github,
				       env ? " or its environment '" : "",
				       env ? env->name : "", env ? "'" : ""),
			    NULL);
	}
	r->target = NULL;
}

/* ------------------------------------------------------------- the run */

int ew_doctor_run(struct ew_doctor_report *out,
		  const struct ew_doctor_input *in, struct ew_error *err)
{
	struct run r;
	struct ew_buf prov;
	struct ew_error scan_err;
	int scan_rc = 0;

	memset(out, 0, sizeof(*out));
	ew_workflow_scan_init(&out->workflows);
	if (!in || !in->setup)
		return ew_error_set(err, EW_EINVAL, "doctor needs a setup");
	memset(&r, 0, sizeof(r));
	ew_buf_init(&prov);
	ew_error_clear(&scan_err);
	r.rep = out;
	r.in = in;
	r.s = in->setup;
	r.part = ew_partition_for_region(r.s->region);
	if (!r.part)
		r.part = ew_partition_by_id("aws");
	if (r.s->owner && r.s->repo)
		snprintf(r.github, sizeof(r.github), "%s/%s", r.s->owner,
			 r.s->repo);
	if (r.s->owner_id && r.s->repo_id &&
	    strlen(r.s->owner_id) < sizeof(r.owner_id) &&
	    strlen(r.s->repo_id) < sizeof(r.repo_id)) {
		memcpy(r.owner_id, r.s->owner_id, strlen(r.s->owner_id) + 1);
		memcpy(r.repo_id, r.s->repo_id, strlen(r.s->repo_id) + 1);
		r.ids_from_setup = true;
	}
	r.kv.partition = r.part->id;
	r.kv.github_repo = r.github[0] ? r.github : NULL;

	/* The workflows first: the trust checks compare against them. */
	if (in->root) {
		out->has_workflows = true;
		scan_rc = ew_workflow_scan_dir(&out->workflows, in->root,
					       in->workflow, &scan_err);
		if (scan_rc == 0)
			scan_rc = ew_workflow_scan_finish(
			    &out->workflows,
			    in->default_branch ? in->default_branch
					       : r.s->default_branch,
			    &scan_err);
		if (scan_rc == EW_ENOMEM) {
			r.oom = 1;
			goto done;
		}
	}

	check_credentials(&r);
	r.kv.account = r.s->account;
	r.kv.principal_arn = out->caller_arn[0] ? out->caller_arn : NULL;
	r.kv.region = r.s->region;
	if (r.aws_ok) {
		struct ew_error e;

		ew_error_clear(&e);
		if (ew_setup_provider_arn(&prov, r.s, &e) != 0) {
			r.aws_ok = false;
		} else {
			r.provider_arn = prov.ptr;
			check_provider(&r);
		}
	} else {
		add(&r, "provider", EW_DOCTOR_SKIP, NULL,
		    ew_aprintf("the GitHub OIDC provider exists"),
		    ew_aprintf("skipped: the credentials check failed"), NULL);
	}
	for (size_t i = 0; i < ew_setup_target_count(r.s); i++)
		check_target(&r, ew_setup_target_env(r.s, i));
	r.kv.account = r.s->account;
	r.kv.region = r.s->region;
	if (in->root)
		check_workflows(&r, scan_rc, &scan_err);
	if (in->github)
		check_github_secrets(&r);
done:
	if (r.has_client)
		ew_aws_client_release(&r.client);
	ew_buf_release(&prov);
	if (r.oom)
		return ew_error_set(err, EW_ENOMEM, "out of memory");
	return 0;
}
