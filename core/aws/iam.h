/*
 * iam.h - the typed IAM operations the wizard needs: the GitHub OIDC
 * provider, the ECR push policy (and its versions), the deploy role and
 * its attachments (docs/aws-wire.md section 4).
 *
 * Every call goes through ew_aws_query() (aws_client.h): signing, retries
 * (never on LimitExceeded) and error parsing happen there.
 *
 * Errors: an AWS error returns EW_EAWS with err->aws_code set, so callers
 * branch with ew_error_is_aws(err, "..."):
 *   "NoSuchEntity"        the role, policy, version, provider or attachment
 *                         does not exist (may be eventual consistency right
 *                         after a create);
 *   "EntityAlreadyExists" a create found the name or URL taken;
 *   "LimitExceeded"       e.g. a sixth policy version;
 *   "DeleteConflict"      still attached / default version.
 * ew_iam_delete_oidc_provider() alone treats NoSuchEntity as success.
 *
 * Documents: IAM returns policy documents percent-encoded; every document
 * this module hands out (role trust policy, policy version) is already
 * percent-decoded (a '+' stays '+') into plain JSON text.  Requests take
 * plain JSON text.
 *
 * Tags: GetRole, GetPolicy and GetOpenIDConnectProvider return the
 * resource's tags (the model and moto agree), so teardown reads
 * managed-by=ecr-wizard from the Get result; no List*Tags call is needed.
 * ListRoles does not return tags.
 *
 * Memory: result structs own all their strings; release them with their
 * _release function (safe on a zeroed or already released struct).  Input
 * strings are only read during the call.
 *
 * The ew_iam_parse_* functions take nodes of a parsed response and exist
 * so the parsing can be tested on canned answers without HTTP.
 */
#ifndef EW_IAM_H
#define EW_IAM_H

#include "aws_client.h"
#include "error.h"
#include "tags.h"
#include "xml.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* A list of owned strings (ARNs, client ids, thumbprints). */
struct ew_iam_list {
	char **v;
	size_t n;
};
void ew_iam_list_release(struct ew_iam_list *l);

/* ------------------------------------------------------------ OIDC */

struct ew_iam_oidc_provider {
	char *arn; /* as asked for */
	char *url; /* without "https://", as IAM returns it */
	struct ew_iam_list client_ids;	/* audiences, e.g. sts.amazonaws.com */
	struct ew_iam_list thumbprints; /* may be empty */
	struct ew_tags tags;
	time_t create_date; /* 0 when absent */
};
void ew_iam_oidc_provider_release(struct ew_iam_oidc_provider *p);

/* ListOpenIDConnectProviders: the ARNs of every provider (not paginated). */
int ew_iam_list_oidc_providers(struct ew_iam_list *out, struct ew_aws_client *c,
			       struct ew_error *err);
/* GetOpenIDConnectProvider by ARN. */
int ew_iam_get_oidc_provider(struct ew_iam_oidc_provider *out,
			     struct ew_aws_client *c, const char *arn,
			     struct ew_error *err);
/*
 * CreateOpenIDConnectProvider.  url must start with "https://".
 * ThumbprintList is sent only when nthumbprints > 0 (IAM then fetches the
 * IdP's own; an empty list is rejected by IAM).  tags may be NULL.
 * *out_arn (may be NULL) receives the new ARN; caller frees it.
 */
int ew_iam_create_oidc_provider(char **out_arn, struct ew_aws_client *c,
				const char *url, const char *const *client_ids,
				size_t nclient_ids,
				const char *const *thumbprints,
				size_t nthumbprints, const struct ew_tags *tags,
				struct ew_error *err);
/* AddClientIDToOpenIDConnectProvider (adding a present id is no error). */
int ew_iam_add_oidc_client_id(struct ew_aws_client *c, const char *arn,
			      const char *client_id, struct ew_error *err);
/* DeleteOpenIDConnectProvider; a provider that is already gone is
 * success (err is cleared then). */
int ew_iam_delete_oidc_provider(struct ew_aws_client *c, const char *arn,
				struct ew_error *err);

/* ---------------------------------------------------------- policies */

struct ew_iam_policy {
	char *name;
	char *id;
	char *arn;
	char *path;
	char *default_version_id; /* "v1" */
	char *description;	  /* NULL when none */
	long attachment_count;
	bool is_attachable;
	struct ew_tags tags;
	time_t create_date, update_date; /* 0 when absent */
};
void ew_iam_policy_release(struct ew_iam_policy *p);

struct ew_iam_policy_version {
	char *version_id; /* "v3" */
	bool is_default;
	time_t create_date;
	char *document; /* decoded JSON; NULL from list and create */
};
void ew_iam_policy_version_release(struct ew_iam_policy_version *v);

struct ew_iam_policy_versions {
	struct ew_iam_policy_version *v;
	size_t n;
};
void ew_iam_policy_versions_release(struct ew_iam_policy_versions *l);

/* CreatePolicy.  path NULL means "/"; description and tags may be NULL. */
int ew_iam_create_policy(struct ew_iam_policy *out, struct ew_aws_client *c,
			 const char *name, const char *path,
			 const char *document, const char *description,
			 const struct ew_tags *tags, struct ew_error *err);
/* GetPolicy by ARN (tags included). */
int ew_iam_get_policy(struct ew_iam_policy *out, struct ew_aws_client *c,
		      const char *arn, struct ew_error *err);
/* GetPolicyVersion; out->document is the decoded JSON. */
int ew_iam_get_policy_version(struct ew_iam_policy_version *out,
			      struct ew_aws_client *c, const char *arn,
			      const char *version_id, struct ew_error *err);
/* ListPolicyVersions, all pages, in IAM's order (newest first on AWS). */
int ew_iam_list_policy_versions(struct ew_iam_policy_versions *out,
				struct ew_aws_client *c, const char *arn,
				struct ew_error *err);
/* CreatePolicyVersion; out may be NULL.  A sixth version is EW_EAWS
 * "LimitExceeded" (not retried). */
int ew_iam_create_policy_version(struct ew_iam_policy_version *out,
				 struct ew_aws_client *c, const char *arn,
				 const char *document, bool set_as_default,
				 struct ew_error *err);
int ew_iam_delete_policy_version(struct ew_aws_client *c, const char *arn,
				 const char *version_id, struct ew_error *err);
/* DeletePolicy: it must be detached and have only its default version. */
int ew_iam_delete_policy(struct ew_aws_client *c, const char *arn,
			 struct ew_error *err);

/* ------------------------------------------------------------- roles */

struct ew_iam_role {
	char *name;
	char *id; /* "AROA..." */
	char *arn;
	char *path;
	char *description;		/* NULL when none */
	char *trust_document;		/* decoded JSON */
	char *permissions_boundary_arn; /* NULL when none */
	long max_session_duration;	/* seconds; 0 when absent */
	struct ew_tags tags; /* GetRole and CreateRole; not ListRoles */
	time_t create_date;
};
void ew_iam_role_release(struct ew_iam_role *r);

struct ew_iam_roles {
	struct ew_iam_role *v;
	size_t n;
};
void ew_iam_roles_release(struct ew_iam_roles *l);

struct ew_iam_attached_policy {
	char *name;
	char *arn;
};
struct ew_iam_attached_policies {
	struct ew_iam_attached_policy *v;
	size_t n;
};
void ew_iam_attached_policies_release(struct ew_iam_attached_policies *l);

/*
 * CreateRole.  path NULL means "/"; description and tags may be NULL;
 * max_session_duration 0 omits it (IAM default 3600).
 */
int ew_iam_create_role(struct ew_iam_role *out, struct ew_aws_client *c,
		       const char *name, const char *path,
		       const char *trust_document, const char *description,
		       long max_session_duration, const struct ew_tags *tags,
		       struct ew_error *err);
/* GetRole by name (tags included). */
int ew_iam_get_role(struct ew_iam_role *out, struct ew_aws_client *c,
		    const char *name, struct ew_error *err);
int ew_iam_update_assume_role_policy(struct ew_aws_client *c,
				     const char *role_name,
				     const char *trust_document,
				     struct ew_error *err);
/* DeleteRole: managed policies must be detached first (DeleteConflict). */
int ew_iam_delete_role(struct ew_aws_client *c, const char *name,
		       struct ew_error *err);
int ew_iam_attach_role_policy(struct ew_aws_client *c, const char *role_name,
			      const char *policy_arn, struct ew_error *err);
/* DetachRolePolicy: NoSuchEntity when it was not attached. */
int ew_iam_detach_role_policy(struct ew_aws_client *c, const char *role_name,
			      const char *policy_arn, struct ew_error *err);
/* ListAttachedRolePolicies, all pages. */
int ew_iam_list_attached_role_policies(struct ew_iam_attached_policies *out,
				       struct ew_aws_client *c,
				       const char *role_name,
				       struct ew_error *err);

/*
 * ListRoles, every page (Marker / IsTruncated).  path_prefix may be NULL;
 * max_items is the page size asked for (0: IAM's default of 100).
 * cb is called once per role, in order; the role is valid only during the
 * call.  A non-zero return from cb stops the listing and is returned.
 */
typedef int (*ew_iam_role_cb)(const struct ew_iam_role *role, void *payload);
int ew_iam_list_roles(struct ew_aws_client *c, const char *path_prefix,
		      int max_items, ew_iam_role_cb cb, void *payload,
		      struct ew_error *err);
/* The same, collecting every role into *out. */
int ew_iam_list_roles_all(struct ew_iam_roles *out, struct ew_aws_client *c,
			  const char *path_prefix, int max_items,
			  struct ew_error *err);

/* -------------------------------------------------- parsing (tests) */

/* A <Role> element (Create/GetRole result or a ListRoles member). */
int ew_iam_parse_role(struct ew_iam_role *out, const struct ew_xml_node *role,
		      struct ew_error *err);
/* A <Policy> element (Create/GetPolicy result). */
int ew_iam_parse_policy(struct ew_iam_policy *out,
			const struct ew_xml_node *policy, struct ew_error *err);
/* A <PolicyVersion> element or a ListPolicyVersions member. */
int ew_iam_parse_policy_version(struct ew_iam_policy_version *out,
				const struct ew_xml_node *version,
				struct ew_error *err);
/* A <GetOpenIDConnectProviderResult> element; out->arn is left NULL. */
int ew_iam_parse_oidc_provider(struct ew_iam_oidc_provider *out,
			       const struct ew_xml_node *result,
			       struct ew_error *err);
/* A <Tags> element into *out (initialised here); node may be NULL. */
int ew_iam_parse_tags(struct ew_tags *out, const struct ew_xml_node *tags,
		      struct ew_error *err);
/* Percent-decode a document as IAM returns it ('+' stays '+').  *out is
 * a new heap string. */
int ew_iam_decode_document(char **out, const char *encoded,
			   struct ew_error *err);

#endif
