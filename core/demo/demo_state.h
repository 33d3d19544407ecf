/*
 * demo_state.h - internals of the demo account simulator (demo_account.h).
 *
 * Not for other modules.  Shared by demo_account.c (the transport: request
 * decoding, authentication, scenarios, latency, dispatch), demo_state.c
 * (the in-memory account and the response writers), demo_iam.c (STS and
 * IAM operations) and demo_ecr.c (ECR operations).
 *
 * Memory: struct ew_demo owns every object of the account; each object
 * owns its strings.  The account is read and changed only with
 * ew_demo.lock held; the handlers run under it.
 */
#ifndef EW_DEMO_STATE_H
#define EW_DEMO_STATE_H

#include "demo_account.h"
#include "tags.h"
#include "transport.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ew_demo_strs {
	char **v;
	size_t n;
};

/* An array of owned object pointers. */
struct ew_demo_list {
	void **v;
	size_t n;
};

struct ew_demo_provider {
	char *url; /* without "https://", as GetOpenIDConnectProvider shows */
	char *arn;
	struct ew_demo_strs client_ids;
	struct ew_demo_strs thumbprints;
	struct ew_tags tags;
	long long created;
};

#define EW_DEMO_MAX_VERSIONS 5

struct ew_demo_version {
	int id; /* 3 for "v3" */
	char *doc;
	long long created;
};

struct ew_demo_policy {
	char *name;
	char *path;
	char *arn;
	char *id;
	char *description;				       /* may be NULL */
	struct ew_demo_version versions[EW_DEMO_MAX_VERSIONS]; /* oldest 1st */
	size_t nversions;
	int next_version;
	int default_version;
	unsigned attachments;
	struct ew_tags tags;
	long long created;
	long long updated;
};

struct ew_demo_role {
	char *name;
	char *path;
	char *arn;
	char *id;
	char *description; /* may be NULL */
	char *trust;	   /* the trust policy, plain JSON text */
	long max_session;
	struct ew_tags tags;
	struct ew_demo_strs attached; /* policy ARNs */
	long long created;
};

struct ew_demo_repo {
	char *region;
	char *name;
	char *arn;
	char *uri;
	char *mutability;
	char *encryption;
	cJSON *exclusions; /* imageTagMutabilityExclusionFilters, or NULL */
	bool scan_on_push;
	char *lifecycle; /* NULL when none */
	long long lifecycle_set;
	struct ew_tags tags;
	unsigned images;
	long long created;
};

/* Temporary credentials handed out by AssumeRole. */
struct ew_demo_session {
	char *akid;
	char *token;
	char *arn;     /* arn:aws:sts::ACCT:assumed-role/ROLE/SESSION */
	char *user_id; /* AROA...:SESSION */
	long long expires;
};

enum ew_demo_scn {
	EW_DEMO_HAPPY,
	EW_DEMO_ACCESS_DENIED,
	EW_DEMO_PROVIDER_EXISTS,
	EW_DEMO_ROLE_DRIFT,
	EW_DEMO_THROTTLING,
	EW_DEMO_EXPIRED_TOKEN,
	EW_DEMO_REPOSITORY_EXISTS,
	EW_DEMO_LIMIT_EXCEEDED,
	EW_DEMO_DRIFT_POLICY,
	EW_DEMO_NSCN
};

struct ew_demo_count {
	const char *op; /* static: from the operation table */
	unsigned n;
};

#define EW_DEMO_MAX_COUNTS 96

struct ew_demo {
	struct ew_transport base; /* first: the transport is the simulator */
	pthread_mutex_t lock;
	enum ew_demo_scn scenario;
	double latency_scale;
	uint64_t seed;
	uint64_t draws; /* how many ids were drawn, for the next one */
	struct ew_demo_list providers;
	struct ew_demo_list policies;
	struct ew_demo_list roles;
	struct ew_demo_list repos;
	struct ew_demo_list sessions;
	/* Scenario bookkeeping: what was seeded lazily, what was failed. */
	bool seeded_base;
	bool seeded_role;
	bool seeded_repo;
	bool seeded_policy;
	unsigned throttled_role;
	unsigned throttled_repo;
	struct ew_demo_count counts[EW_DEMO_MAX_COUNTS];
	size_t ncounts;
	unsigned total;
};

/* A decoded application/x-www-form-urlencoded body. */
struct ew_demo_param {
	char *name;
	char *value;
};

struct ew_demo_form {
	struct ew_demo_param *v;
	size_t n;
};

/* One request being answered. */
struct ew_demo_req {
	struct ew_demo *sim;
	const char *service; /* "sts", "iam", "ecr" */
	const char *op;	     /* the Action or the ECR operation */
	struct ew_demo_form form;
	cJSON *json;	      /* the ECR body; NULL when it did not parse */
	char partition[16];   /* "aws" */
	char dns_suffix[32];  /* "amazonaws.com" */
	char region[32];      /* the signing region */
	char caller_arn[192]; /* who signed the request */
	char caller_id[96];   /* its UserId */
	long long now;	      /* from X-Amz-Date: the client's clock */
	char request_id[40];
	struct ew_http_response *resp;
	bool nomem; /* a response write failed */
};

/* ---- demo_state.c: values ------------------------------------------- */

void ew_demo_strs_free(struct ew_demo_strs *s);
bool ew_demo_strs_has(const struct ew_demo_strs *s, const char *v);
int ew_demo_strs_add(struct ew_demo_strs *s, const char *v);
void ew_demo_strs_remove(struct ew_demo_strs *s, const char *v);
int ew_demo_list_add(struct ew_demo_list *l, void *p);
/* Remove (not free) entry i, keeping the order. */
void ew_demo_list_remove(struct ew_demo_list *l, size_t i);

void ew_demo_provider_free(struct ew_demo_provider *p);
void ew_demo_policy_free(struct ew_demo_policy *p);
void ew_demo_role_free(struct ew_demo_role *r);
void ew_demo_repo_free(struct ew_demo_repo *r);
void ew_demo_session_free(struct ew_demo_session *s);
void ew_demo_state_free(struct ew_demo *sim);

/* Lookups return NULL when absent; *index (may be NULL) gets the slot. */
struct ew_demo_provider *ew_demo_find_provider(struct ew_demo *sim,
					       const char *arn, size_t *index);
struct ew_demo_provider *ew_demo_find_provider_url(struct ew_demo *sim,
						   const char *url);
struct ew_demo_policy *ew_demo_find_policy(struct ew_demo *sim, const char *arn,
					   size_t *index);
/* Role names are unique ignoring case, as in IAM. */
struct ew_demo_role *ew_demo_find_role(struct ew_demo *sim, const char *name,
				       size_t *index);
struct ew_demo_repo *ew_demo_find_repo(struct ew_demo *sim, const char *region,
				       const char *name, size_t *index);
struct ew_demo_version *ew_demo_find_version(struct ew_demo_policy *p, int id);

/* A deterministic pseudo-random 64-bit value (lock held). */
uint64_t ew_demo_random(struct ew_demo *sim);
/* prefix + n characters of [A-Z0-9], heap; NULL on ENOMEM (lock held). */
char *ew_demo_make_id(struct ew_demo *sim, const char *prefix, size_t n);

/* ---- demo_state.c: request decoding --------------------------------- */

/* Decode len bytes of a form body (or query string) and append the pairs;
 * '+' is a space, bad escapes are kept as they are.  0 or EW_ENOMEM. */
int ew_demo_form_parse(struct ew_demo_form *f, const char *s, size_t len);
void ew_demo_form_release(struct ew_demo_form *f);
/* The value of name, or NULL. */
const char *ew_demo_param(const struct ew_demo_req *r, const char *name);
/* The value of "<prefix>.member.<i>[.<field>]" (i from 1), or NULL. */
const char *ew_demo_param_member(const struct ew_demo_req *r,
				 const char *prefix, size_t i,
				 const char *field);
/* Parse Tags.member.N.Key/Value into out (which it appends to). */
int ew_demo_param_tags(const struct ew_demo_req *r, struct ew_tags *out);

/* ---- demo_state.c: response writing ------------------------------------
 * The writers append to r->resp->body and set r->nomem on failure, so a
 * handler writes straight through and the dispatcher checks once. */

void ew_demo_puts(struct ew_demo_req *r, const char *s);
void ew_demo_printf(struct ew_demo_req *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* <name>text</name>, text XML-escaped; nothing when text is NULL. */
void ew_demo_elem(struct ew_demo_req *r, const char *name, const char *text);
/* <name>doc</name>, doc percent-encoded (RFC 3986) as IAM returns it. */
void ew_demo_elem_doc(struct ew_demo_req *r, const char *name, const char *doc);
/* <name>2024-01-15T12:00:00Z</name> */
void ew_demo_elem_date(struct ew_demo_req *r, const char *name, long long t);
void ew_demo_elem_long(struct ew_demo_req *r, const char *name, long long v);
void ew_demo_elem_bool(struct ew_demo_req *r, const char *name, bool v);
/* <name><member><Key>k</Key><Value>v</Value></member>...</name> */
void ew_demo_elem_tags(struct ew_demo_req *r, const char *name,
		       const struct ew_tags *t);

/* Query protocol: "<OpResponse xmlns=...><OpResult>", status 200. */
void ew_demo_xml_begin(struct ew_demo_req *r);
/* "</OpResult><ResponseMetadata>...</OpResponse>" */
void ew_demo_xml_end(struct ew_demo_req *r);
/* The whole answer of an operation without output. */
void ew_demo_xml_empty(struct ew_demo_req *r);
/* Replace the answer with an <ErrorResponse>; returns 0. */
int ew_demo_xml_error(struct ew_demo_req *r, long status, const char *code,
		      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* JSON 1.1: answer with obj (consumed; NULL counts as out of memory). */
void ew_demo_json_reply(struct ew_demo_req *r, cJSON *obj);
/* Replace the answer with {"__type":code,"message":...}; returns 0. */
int ew_demo_json_error(struct ew_demo_req *r, long status, const char *code,
		       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The error in the service's own shape (XML or JSON); returns 0. */
int ew_demo_error(struct ew_demo_req *r, long status, const char *code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- demo_iam.c / demo_ecr.c: operations ------------------------------ */

typedef int (*ew_demo_handler)(struct ew_demo_req *r);

struct ew_demo_op {
	const char *service; /* "sts", "iam", "ecr" */
	const char *name;    /* "CreateRole" */
	ew_demo_handler handler;
	int base_ms;   /* typical latency */
	int spread_ms; /* plus 0..spread of jitter */
};

/* The operation tables; *n receives the count. */
const struct ew_demo_op *ew_demo_iam_ops(size_t *n);
const struct ew_demo_op *ew_demo_ecr_ops(size_t *n);

/* Checks shared by the scenarios and the handlers (lock held). */
/* The role's ARN for a name and path, heap. */
char *ew_demo_role_arn(const struct ew_demo_req *r, const char *path,
		       const char *name);
/* A role/policy/provider the scenarios seed; NULL on ENOMEM. */
struct ew_demo_role *ew_demo_role_new(struct ew_demo_req *r, const char *name,
				      const char *path, const char *trust,
				      long long created);
struct ew_demo_policy *ew_demo_policy_new(struct ew_demo_req *r,
					  const char *name, const char *path,
					  const char *doc, long long created);
struct ew_demo_provider *
ew_demo_provider_new(struct ew_demo_req *r, const char *url, long long created);
struct ew_demo_repo *ew_demo_repo_new(struct ew_demo_req *r, const char *name,
				      long long created);
/* A new policy version (the caller checked the limit); its id or -1. */
int ew_demo_policy_add_version(struct ew_demo_policy *p, const char *doc,
			       long long created, bool as_default);

#endif
