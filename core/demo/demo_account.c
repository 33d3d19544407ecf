/*
 * demo_account.c - the demo transport: decodes each request the real client
 * sends, authenticates it, applies the scenario, waits the simulated
 * latency and lets the operation handlers (demo_iam.c, demo_ecr.c) answer.
 */
#include "demo_account.h"
#include "buf.h"
#include "demo_state.h"
#include "partition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ECR_TARGET_PREFIX "AmazonEC2ContainerRegistry_V20150921."
/* When a request carries no X-Amz-Date: 2024-01-15T12:00:00Z. */
#define FALLBACK_NOW 1705320000LL

/* Descriptions fit one 80-column help line after the name. */
static const struct ew_demo_scenario scenario_list[EW_DEMO_NSCN] = {
    [EW_DEMO_HAPPY] = {"happy", "a fresh account: nothing exists yet"},
    [EW_DEMO_ACCESS_DENIED] = {"access-denied",
			       "CreateRole is denied (403 AccessDenied)"},
    [EW_DEMO_PROVIDER_EXISTS] = {"provider-exists",
				 "the GitHub OIDC provider exists, made by "
				 "someone else"},
    [EW_DEMO_ROLE_DRIFT] = {"role-drift",
			    "the role and policy exist, shared with another "
			    "repository"},
    [EW_DEMO_THROTTLING] = {"throttling",
			    "CreateRole and CreateRepository throttled twice "
			    "each"},
    [EW_DEMO_EXPIRED_TOKEN] = {"expired-token",
			       "expired credentials: every call fails"},
    [EW_DEMO_REPOSITORY_EXISTS] = {"repository-exists",
				   "the repository exists, with images, not "
				   "made by us"},
    [EW_DEMO_LIMIT_EXCEEDED] = {"limit-exceeded",
				"the policy has five versions already"},
    [EW_DEMO_DRIFT_POLICY] = {"drift-policy",
			      "the policy exists but grants another "
			      "repository"},
};

void ew_demo_options_init(struct ew_demo_options *o)
{
	memset(o, 0, sizeof(*o));
	o->latency_scale = 1.0;
	o->seed = 1;
}

const struct ew_demo_scenario *ew_demo_scenarios(size_t *n)
{
	if (n)
		*n = EW_DEMO_NSCN;
	return scenario_list;
}

static int scenario_index(const char *name)
{
	if (!name || !*name)
		return EW_DEMO_HAPPY;
	for (int i = 0; i < EW_DEMO_NSCN; i++)
		if (strcmp(scenario_list[i].name, name) == 0)
			return i;
	return -1;
}

const struct ew_demo_scenario *ew_demo_scenario_find(const char *name)
{
	int i = scenario_index(name);

	return i < 0 ? NULL : &scenario_list[i];
}

int ew_demo_credentials(struct ew_credentials *out, struct ew_error *err)
{
	ew_credentials_init(out);
	out->access_key_id = ew_strdup(EW_DEMO_ACCESS_KEY_ID);
	out->secret_access_key = ew_strdup(EW_DEMO_SECRET_ACCESS_KEY);
	snprintf(out->source, sizeof(out->source), "demo account");
	snprintf(out->account_id, sizeof(out->account_id), "%s",
		 EW_DEMO_ACCOUNT);
	if (!out->access_key_id || !out->secret_access_key) {
		ew_credentials_release(out);
		return ew_error_oom(err);
	}
	return 0;
}

/* ------------------------------------------------------- request decoding */

static const char *header(const struct ew_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (req->headers[i].name &&
		    strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

/* The credential scope of a SigV4 Authorization header. */
struct scope {
	bool present; /* an Authorization header was sent */
	bool ok;      /* it had a well-formed Credential= */
	char akid[128];
	char region[32];
	char service[16];
};

static void parse_scope(const char *h, struct scope *s)
{
	const char *p, *end;
	char cred[256];
	char *parts[5];
	size_t n = 0;
	char *c;

	memset(s, 0, sizeof(*s));
	if (!h)
		return;
	s->present = true;
	p = strstr(h, "Credential=");
	if (strncmp(h, "AWS4-HMAC-SHA256 ", 17) != 0 || !p)
		return;
	p += strlen("Credential=");
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	if ((size_t)(end - p) >= sizeof(cred))
		return;
	memcpy(cred, p, (size_t)(end - p));
	cred[end - p] = '\0';
	/* AKID/YYYYMMDD/region/service/aws4_request */
	c = cred;
	while (n < 5) {
		parts[n++] = c;
		c = strchr(c, '/');
		if (!c)
			break;
		*c++ = '\0';
	}
	if (n != 5 || strcmp(parts[4], "aws4_request") != 0 || !*parts[0])
		return;
	snprintf(s->akid, sizeof(s->akid), "%s", parts[0]);
	snprintf(s->region, sizeof(s->region), "%s", parts[2]);
	snprintf(s->service, sizeof(s->service), "%s", parts[3]);
	s->ok = true;
}

static long long parse_amz_date(const char *s)
{
	struct tm tm;
	int v[6];

	if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return FALLBACK_NOW;
	if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return FALLBACK_NOW;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	return (long long)timegm(&tm);
}

/* Which service a request is for: the signed scope says it best; else
 * what the client declared; else the host name. */
static const char *service_of(const struct ew_http_request *req,
			      const struct scope *sc)
{
	static const char *const known[] = {"sts", "iam", "ecr"};
	const char *host;

	for (size_t i = 0; i < 3; i++)
		if (sc->ok && strcmp(sc->service, known[i]) == 0)
			return known[i];
	for (size_t i = 0; i < 3; i++)
		if (req->service && strcmp(req->service, known[i]) == 0)
			return known[i];
	if (header(req, "X-Amz-Target"))
		return "ecr";
	host = req->url ? strstr(req->url, "://") : NULL;
	host = host ? host + 3 : "";
	if (strncmp(host, "sts.", 4) == 0)
		return "sts";
	if (strstr(host, "ecr."))
		return "ecr";
	return "iam";
}

static const struct ew_demo_op *find_op(const char *service, const char *name)
{
	const struct ew_demo_op *ops;
	size_t n;

	ops = strcmp(service, "ecr") == 0 ? ew_demo_ecr_ops(&n)
					  : ew_demo_iam_ops(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ops[i].service, service) == 0 &&
		    strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}

/* ------------------------------------------------------------- scenarios */

static const char *const github_host = "token.actions.githubusercontent.com";

static const char *audience(const struct ew_demo_req *r)
{
	const struct ew_partition *p = ew_partition_by_id(r->partition);

	return p ? p->audience : "sts.amazonaws.com";
}

/* A GitHub OIDC trust policy for sub, in the partition of the request. */
static char *github_trust(struct ew_demo_req *r, const char *sub)
{
	struct ew_buf b;

	ew_buf_init(&b);
	if (ew_buf_printf(
		&b,
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		"\"Allow\",\"Principal\":{\"Federated\":\"arn:%s:iam::%s:"
		"oidc-provider/%s\"},\"Action\":"
		"\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{"
		"\"StringEquals\":{\"%s:aud\":\"%s\",\"%s:sub\":\"%s\"}}}]}",
		r->partition, EW_DEMO_ACCOUNT, github_host, github_host,
		audience(r), github_host, sub) < 0) {
		ew_buf_release(&b);
		return NULL;
	}
	return ew_buf_detach(&b);
}

static struct ew_demo_provider *seed_provider(struct ew_demo_req *r, bool ours)
{
	struct ew_demo_provider *p;

	p = ew_demo_provider_new(r, github_host, 1686839520LL);
	if (!p || ew_demo_strs_add(&p->client_ids, audience(r)) < 0 ||
	    ew_demo_strs_add(&p->thumbprints,
			     "6938fd4d98bab03faadb97b34396831e3780aea1") < 0)
		return NULL;
	if (ours &&
	    ew_tags_set(&p->tags, EW_DEMO_TAG_KEY, EW_DEMO_TAG_VALUE) < 0)
		return NULL;
	return p;
}

/* What every demo account has, plus what the scenario puts there from the
 * start.  Seeded on the first request, when the partition is known. */
static int seed_base(struct ew_demo_req *r)
{
	struct ew_demo *sim = r->sim;
	struct ew_demo_role *role;
	struct ew_buf trust, admin;
	char *doc = NULL;
	int rc = EW_ENOMEM;

	ew_buf_init(&trust);
	ew_buf_init(&admin);
	/* Organizations puts this role in every member account. */
	if (ew_buf_printf(&trust,
			  "{\"Version\":\"2012-10-17\",\"Statement\":[{"
			  "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
			  "\"arn:%s:iam::%s:root\"},\"Action\":"
			  "\"sts:AssumeRole\"}]}",
			  r->partition, EW_DEMO_ACCOUNT) < 0 ||
	    ew_buf_printf(&admin, "arn:%s:iam::aws:policy/AdministratorAccess",
			  r->partition) < 0)
		goto done;
	role = ew_demo_role_new(r, "OrganizationAccountAccessRole", "/",
				trust.ptr, 1667470904LL);
	if (!role || ew_demo_strs_add(&role->attached, admin.ptr) < 0)
		goto done;
	if (sim->scenario == EW_DEMO_PROVIDER_EXISTS) {
		if (!seed_provider(r, false))
			goto done;
		/* another team's role trusts it: teardown must keep it */
		doc = github_trust(
		    r, "repo:example-org/infrastructure:ref:refs/heads/main");
		if (!doc || !ew_demo_role_new(r, "platform-terraform-ci", "/",
					      doc, 1688396400LL))
			goto done;
	}
	if (sim->scenario == EW_DEMO_ROLE_DRIFT && !seed_provider(r, true))
		goto done;
	rc = 0;
done:
	free(doc);
	ew_buf_release(&trust);
	ew_buf_release(&admin);
	return rc;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("_+=,.@-", c);
}

static bool is_iam_name(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!is_name_char(*s))
			return false;
	return true;
}

static int seed_drifted_role(struct ew_demo_req *r, const char *name)
{
	struct ew_demo_role *role;
	char *doc;

	doc =
	    github_trust(r, "repo:example-org/legacy-app:ref:refs/heads/main");
	role = doc ? ew_demo_role_new(r, name, "/", doc, 1695730211LL) : NULL;
	free(doc);
	if (!role ||
	    ew_tags_set(&role->tags, EW_DEMO_TAG_KEY, EW_DEMO_TAG_VALUE) < 0)
		return EW_ENOMEM;
	role->description =
	    ew_strdup("GitHub Actions OIDC role for example-org/legacy-app");
	return role->description ? 0 : EW_ENOMEM;
}

static int seed_repository(struct ew_demo_req *r, const char *name)
{
	struct ew_demo_repo *repo = ew_demo_repo_new(r, name, 1683712800LL);

	if (!repo)
		return EW_ENOMEM;
	repo->images = 37;
	repo->scan_on_push = false;
	repo->lifecycle = ew_strdup(
	    "{\"rules\":[{\"rulePriority\":1,\"description\":\"Keep the last "
	    "30 images\",\"selection\":{\"tagStatus\":\"any\",\"countType\":"
	    "\"imageCountMoreThan\",\"countNumber\":30},\"action\":{\"type\":"
	    "\"expire\"}}]}");
	repo->lifecycle_set = 1683713100LL;
	if (!repo->lifecycle ||
	    ew_tags_set(&repo->tags, "team", "web-platform") < 0)
		return EW_ENOMEM;
	return 0;
}

/* A push policy for a repository the user is not setting up. */
static char *legacy_policy(struct ew_demo_req *r, int variant)
{
	struct ew_buf b;

	ew_buf_init(&b);
	if (ew_buf_printf(
		&b,
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
		"\"GetAuthorizationToken\",\"Effect\":\"Allow\",\"Action\":"
		"\"ecr:GetAuthorizationToken\",\"Resource\":\"*\"},{\"Sid\":"
		"\"PushLegacyApp%d\",\"Effect\":\"Allow\",\"Action\":["
		"\"ecr:BatchCheckLayerAvailability\",\"ecr:"
		"CompleteLayerUpload\","
		"\"ecr:InitiateLayerUpload\",\"ecr:PutImage\","
		"\"ecr:UploadLayerPart\"],\"Resource\":\"arn:%s:ecr:%s:%s:"
		"repository/legacy-app\"}]}",
		variant, r->partition, EW_DEMO_REGION, EW_DEMO_ACCOUNT) < 0) {
		ew_buf_release(&b);
		return NULL;
	}
	return ew_buf_detach(&b);
}

static int seed_policy(struct ew_demo_req *r, const char *path,
		       const char *name)
{
	int nversions = r->sim->scenario == EW_DEMO_LIMIT_EXCEEDED ? 5 : 1;
	long long t = 1690000000LL;
	struct ew_demo_policy *p;
	char *doc = legacy_policy(r, 1);
	int rc = EW_ENOMEM;

	p = doc ? ew_demo_policy_new(r, name, path, doc, t) : NULL;
	if (!p)
		goto done;
	for (int v = 2; v <= nversions; v++) {
		free(doc);
		doc = legacy_policy(r, v);
		t += 30 * 86400;
		if (!doc || ew_demo_policy_add_version(p, doc, t, true) < 0)
			goto done;
	}
	if (ew_tags_set(&p->tags, EW_DEMO_TAG_KEY, EW_DEMO_TAG_VALUE) < 0)
		goto done;
	rc = 0;
done:
	free(doc);
	return rc;
}

/* Split "arn:P:iam::ACCT:policy/a/b/name" into path "/a/b/" and name. */
static bool split_policy_arn(const char *arn, char *path, size_t path_size,
			     const char **name)
{
	const char *p, *slash;

	if (!arn || strncmp(arn, "arn:", 4) != 0)
		return false;
	p = strstr(arn, ":iam::" EW_DEMO_ACCOUNT ":policy/");
	if (!p)
		return false;
	p += strlen(":iam::" EW_DEMO_ACCOUNT ":policy");
	slash = strrchr(p, '/');
	if ((size_t)(slash - p + 2) > path_size)
		return false;
	memcpy(path, p, (size_t)(slash - p + 1));
	path[slash - p + 1] = '\0';
	*name = slash + 1;
	return true;
}

static int seed_lazily(struct ew_demo_req *r)
{
	struct ew_demo *sim = r->sim;
	const char *name = NULL;
	char path[256] = "/";
	int rc = 0;

	/* The wizard's names are not known in advance: a scenario's
	 * pre-existing resource takes the first name asked for. */
	if (sim->scenario == EW_DEMO_ROLE_DRIFT && !sim->seeded_role &&
	    (strcmp(r->op, "GetRole") == 0 ||
	     strcmp(r->op, "CreateRole") == 0)) {
		name = ew_demo_param(r, "RoleName");
		if (is_iam_name(name, 64) &&
		    !ew_demo_find_role(sim, name, NULL)) {
			sim->seeded_role = true;
			rc = seed_drifted_role(r, name);
		}
	}
	if (sim->scenario == EW_DEMO_REPOSITORY_EXISTS && !sim->seeded_repo &&
	    r->json && strcmp(r->service, "ecr") == 0) {
		const cJSON *n =
		    cJSON_GetObjectItemCaseSensitive(r->json, "repositoryName");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(
		    r->json, "repositoryNames");

		if (!cJSON_IsString(n) && cJSON_IsArray(names))
			n = cJSON_GetArrayItem(names, 0);
		if (cJSON_IsString(n) && strlen(n->valuestring) >= 2 &&
		    !ew_demo_find_repo(sim, r->region, n->valuestring, NULL)) {
			sim->seeded_repo = true;
			rc = seed_repository(r, n->valuestring);
		}
	}
	/* role-drift: the default names already serve another repository
	 * (its role trusts it, its policy grants its repository), which a
	 * plain update would lock out. */
	if ((sim->scenario == EW_DEMO_LIMIT_EXCEEDED ||
	     sim->scenario == EW_DEMO_DRIFT_POLICY ||
	     sim->scenario == EW_DEMO_ROLE_DRIFT) &&
	    !sim->seeded_policy && strcmp(r->service, "iam") == 0) {
		name = NULL;
		if (strcmp(r->op, "CreatePolicy") == 0) {
			const char *p = ew_demo_param(r, "Path");

			name = ew_demo_param(r, "PolicyName");
			snprintf(path, sizeof(path), "%s", p ? p : "/");
		} else if (!split_policy_arn(ew_demo_param(r, "PolicyArn"),
					     path, sizeof(path), &name)) {
			name = NULL;
		}
		if (is_iam_name(name, 128)) {
			sim->seeded_policy = true;
			rc = seed_policy(r, path, name);
		}
	}
	return rc;
}

/* The scenario's failures; *answered when it wrote the answer. */
static int scenario_failures(struct ew_demo_req *r, bool *answered)
{
	struct ew_demo *sim = r->sim;
	const char *name, *path;
	char *arn;

	*answered = true;
	if (sim->scenario == EW_DEMO_ACCESS_DENIED &&
	    strcmp(r->op, "CreateRole") == 0) {
		name = ew_demo_param(r, "RoleName");
		path = ew_demo_param(r, "Path");
		arn = ew_demo_role_arn(r, path, name ? name : "");
		if (!arn)
			return EW_ENOMEM;
		ew_demo_error(r, 403, "AccessDenied",
			      "User: %s is not authorized to perform: "
			      "iam:CreateRole on resource: %s because no "
			      "identity-based policy allows the iam:CreateRole "
			      "action",
			      r->caller_arn, arn);
		free(arn);
		return 0;
	}
	if (sim->scenario == EW_DEMO_THROTTLING &&
	    strcmp(r->op, "CreateRole") == 0 && sim->throttled_role < 2) {
		sim->throttled_role++;
		return ew_demo_error(r, 400, "Throttling", "Rate exceeded");
	}
	if (sim->scenario == EW_DEMO_THROTTLING &&
	    strcmp(r->op, "CreateRepository") == 0 && sim->throttled_repo < 2) {
		sim->throttled_repo++;
		return ew_demo_error(r, 400, "ThrottlingException",
				     "Rate exceeded");
	}
	*answered = false;
	return 0;
}

/* --------------------------------------------------------------- dispatch */

/* Who signed the request; 1 after writing the error when nobody known. */
static int authenticate(struct ew_demo_req *r,
			const struct ew_http_request *req,
			const struct scope *sc, bool *expired)
{
	bool ecr = strcmp(r->service, "ecr") == 0;
	const char *token = header(req, "X-Amz-Security-Token");

	*expired = false;
	if (!sc->present) {
		if (ecr)
			ew_demo_error(r, 403,
				      "MissingAuthenticationTokenException",
				      "Missing Authentication Token");
		else
			ew_demo_error(
			    r, 403, "MissingAuthenticationToken",
			    "Request is missing Authentication Token");
		return 1;
	}
	if (!sc->ok) {
		ew_demo_error(r, 400,
			      ecr ? "IncompleteSignatureException"
				  : "IncompleteSignature",
			      "Authorization header requires 'Credential' "
			      "parameter. Authorization=%.40s...",
			      header(req, "Authorization"));
		return 1;
	}
	if (strcmp(sc->akid, EW_DEMO_ACCESS_KEY_ID) == 0) {
		snprintf(r->caller_arn, sizeof(r->caller_arn),
			 "arn:%s:iam::%s:user/%s", r->partition,
			 EW_DEMO_ACCOUNT, EW_DEMO_USER_NAME);
		snprintf(r->caller_id, sizeof(r->caller_id), "%s",
			 EW_DEMO_USER_ID);
		return 0;
	}
	for (size_t i = 0; i < r->sim->sessions.n; i++) {
		struct ew_demo_session *s = r->sim->sessions.v[i];

		if (strcmp(s->akid, sc->akid) != 0 || !token ||
		    strcmp(token, s->token) != 0)
			continue;
		snprintf(r->caller_arn, sizeof(r->caller_arn), "%s", s->arn);
		snprintf(r->caller_id, sizeof(r->caller_id), "%s", s->user_id);
		*expired = r->now >= s->expires;
		return 0;
	}
	if (ecr)
		ew_demo_error(r, 400, "UnrecognizedClientException",
			      "The security token included in the request is "
			      "invalid.");
	else
		ew_demo_error(r, 403, "InvalidClientTokenId",
			      "The security token included in the request is "
			      "invalid.");
	return 1;
}

static int dispatch(struct ew_demo_req *r, const struct ew_demo_op *op,
		    const struct ew_http_request *req, const struct scope *sc)
{
	struct ew_demo *sim = r->sim;
	bool ecr = strcmp(r->service, "ecr") == 0;
	bool expired, answered;
	const char *version, *want;
	int rc;

	if (!sim->seeded_base) {
		sim->seeded_base = true;
		if (seed_base(r) < 0)
			return EW_ENOMEM;
	}
	if (authenticate(r, req, sc, &expired))
		return 0;
	if (expired || sim->scenario == EW_DEMO_EXPIRED_TOKEN) {
		if (ecr)
			return ew_demo_error(r, 400, "ExpiredTokenException",
					     "The security token included in "
					     "the request is expired");
		return ew_demo_error(r, 403, "ExpiredToken",
				     "The security token included in the "
				     "request is expired");
	}
	if (ecr && !op)
		return ew_demo_error(r, 400, "UnknownOperationException", "%s",
				     "");
	if (ecr && !r->json)
		return ew_demo_error(r, 400, "SerializationException",
				     "Start of structure or map found where "
				     "not expected.");
	if (!ecr) {
		want = strcmp(r->service, "sts") == 0 ? "2011-06-15"
						      : "2010-05-08";
		version = ew_demo_param(r, "Version");
		if (!op || !version || strcmp(version, want) != 0)
			return ew_demo_error(
			    r, 400, "InvalidAction",
			    "Could not find operation %s for version %s", r->op,
			    version ? version : "NO_VERSION_SPECIFIED");
	}
	rc = seed_lazily(r);
	if (rc < 0)
		return rc;
	rc = scenario_failures(r, &answered);
	if (rc < 0 || answered)
		return rc;
	return op->handler(r);
}

/* Deterministic: the same seed, operation and n-th call give the same
 * latency whatever other threads do. */
static long latency_ms(const struct ew_demo *sim, const struct ew_demo_op *op,
		       unsigned nth)
{
	uint64_t h = 1469598103934665603ULL ^ sim->seed;
	int base = op ? op->base_ms : 120, spread = op ? op->spread_ms : 80;

	for (const char *p = op ? op->name : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h ^= (uint64_t)nth * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (h >> 31)) * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (long)((base + (long)(h % (uint64_t)(spread + 1))) *
		      sim->latency_scale);
}

/* Count the request; returns how many of this operation came before. */
static unsigned count_request(struct ew_demo *sim, const char *op)
{
	sim->total++;
	for (size_t i = 0; i < sim->ncounts; i++)
		if (strcmp(sim->counts[i].op, op) == 0)
			return sim->counts[i].n++;
	if (sim->ncounts < EW_DEMO_MAX_COUNTS) {
		sim->counts[sim->ncounts].op = op;
		sim->counts[sim->ncounts++].n = 1;
	}
	return 0;
}

static void set_date(struct ew_http_response *resp, long long now)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
					     "May", "Jun", "Jul", "Aug",
					     "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)now;
	struct tm tm;

	/* by hand: strftime's %a and %b follow the locale */
	gmtime_r(&t, &tm);
	snprintf(resp->date, sizeof(resp->date),
		 "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

static int decode(struct ew_demo_req *r, const struct ew_http_request *req,
		  char *opname, size_t opname_size)
{
	const char *q, *target, *action;
	int rc;

	if (strcmp(r->service, "ecr") == 0) {
		target = header(req, "X-Amz-Target");
		if (target && strncmp(target, ECR_TARGET_PREFIX,
				      strlen(ECR_TARGET_PREFIX)) == 0)
			snprintf(opname, opname_size, "%s",
				 target + strlen(ECR_TARGET_PREFIX));
		if (req->body_len == 0)
			r->json = cJSON_CreateObject();
		else
			r->json =
			    cJSON_ParseWithLength(req->body, req->body_len);
		if (r->json && !cJSON_IsObject(r->json)) {
			cJSON_Delete(r->json);
			r->json = NULL;
		}
		return 0;
	}
	rc = ew_demo_form_parse(&r->form, req->body ? req->body : "",
				req->body_len);
	q = req->url ? strchr(req->url, '?') : NULL;
	if (rc == 0 && q)
		rc = ew_demo_form_parse(&r->form, q + 1, strlen(q + 1));
	action = ew_demo_param(r, "Action");
	snprintf(opname, opname_size, "%s", action ? action : "");
	return rc;
}

static void release_req(struct ew_demo_req *r)
{
	ew_demo_form_release(&r->form);
	cJSON_Delete(r->json);
	r->json = NULL;
}

static int demo_perform(struct ew_transport *t,
			const struct ew_http_request *req,
			struct ew_http_response *resp, struct ew_cancel *cancel,
			struct ew_error *err)
{
	struct ew_demo *sim = (struct ew_demo *)t;
	const struct ew_partition *part;
	const struct ew_demo_op *op;
	struct ew_demo_req r;
	struct scope sc;
	char opname[64] = "";
	unsigned nth;
	uint64_t id;
	long ms;
	int rc;

	memset(&r, 0, sizeof(r));
	r.sim = sim;
	r.resp = resp;
	parse_scope(header(req, "Authorization"), &sc);
	r.service = service_of(req, &sc);
	snprintf(r.region, sizeof(r.region), "%s",
		 sc.ok && *sc.region ? sc.region : EW_DEMO_REGION);
	part = ew_partition_for_region(r.region);
	snprintf(r.partition, sizeof(r.partition), "%s",
		 part ? part->id : "aws");
	snprintf(r.dns_suffix, sizeof(r.dns_suffix), "%s",
		 part ? part->dns_suffix : "amazonaws.com");
	r.now = parse_amz_date(header(req, "X-Amz-Date"));
	rc = decode(&r, req, opname, sizeof(opname));
	if (rc < 0) {
		rc = ew_error_oom(err);
		goto done;
	}
	op = find_op(r.service, opname);
	r.op = op ? op->name : opname;

	pthread_mutex_lock(&sim->lock);
	nth = count_request(sim, op ? op->name : "(unknown)");
	id = ew_demo_random(sim);
	ms = latency_ms(sim, op, nth);
	pthread_mutex_unlock(&sim->lock);
	snprintf(r.request_id, sizeof(r.request_id),
		 "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(id >> 32),
		 (unsigned)(id >> 16) & 0xffff, (unsigned)id & 0xfff,
		 0x8000 | ((unsigned)(id >> 20) & 0x3fff),
		 (unsigned long long)(id * 0x9e3779b97f4a7c15ULL) &
		     0xffffffffffffULL);

	/* outside the lock: concurrent requests wait side by side */
	if (ew_cancel_sleep(cancel, ms) == EW_ECANCEL) {
		rc = ew_error_set(err, EW_ECANCEL, "%s %s: cancelled",
				  r.service, r.op);
		goto done;
	}

	ew_buf_clear(&resp->body);
	pthread_mutex_lock(&sim->lock);
	rc = dispatch(&r, op, req, &sc);
	pthread_mutex_unlock(&sim->lock);
	if (rc < 0 || r.nomem) {
		rc = ew_error_oom(err);
		goto done;
	}
	snprintf(resp->request_id, sizeof(resp->request_id), "%s",
		 r.request_id);
	set_date(resp, r.now);
done:
	release_req(&r);
	return rc;
}

static void demo_free(struct ew_transport *t)
{
	struct ew_demo *sim = (struct ew_demo *)t;

	ew_demo_state_free(sim);
	pthread_mutex_destroy(&sim->lock);
	free(sim);
}

static const struct ew_transport_ops demo_ops = {
    .perform = demo_perform,
    .free = demo_free,
};

struct ew_transport *ew_demo_transport_new(const struct ew_demo_options *o,
					   struct ew_error *err)
{
	struct ew_demo_options defaults;
	struct ew_demo *sim;
	int scn;

	if (!o) {
		ew_demo_options_init(&defaults);
		o = &defaults;
	}
	scn = scenario_index(o->scenario);
	if (scn < 0) {
		ew_error_set(err, EW_EINVAL,
			     "unknown demo scenario '%s' (try "
			     "--demo-scenario help)",
			     o->scenario);
		return NULL;
	}
	if (!(o->latency_scale >= 0)) {
		ew_error_set(err, EW_EINVAL,
			     "demo latency scale must not be negative");
		return NULL;
	}
	sim = calloc(1, sizeof(*sim));
	if (!sim) {
		ew_error_oom(err);
		return NULL;
	}
	sim->base.ops = &demo_ops;
	pthread_mutex_init(&sim->lock, NULL);
	sim->scenario = (enum ew_demo_scn)scn;
	sim->latency_scale = o->latency_scale;
	sim->seed = o->seed;
	return &sim->base;
}

bool ew_demo_is_transport(const struct ew_transport *t)
{
	return t && t->ops == &demo_ops;
}

unsigned ew_demo_transport_count(struct ew_transport *t, const char *operation)
{
	struct ew_demo *sim = (struct ew_demo *)t;
	unsigned n = 0;

	if (!ew_demo_is_transport(t))
		return 0;
	pthread_mutex_lock(&sim->lock);
	if (!operation) {
		n = sim->total;
	} else {
		for (size_t i = 0; i < sim->ncounts; i++)
			if (strcmp(sim->counts[i].op, operation) == 0)
				n = sim->counts[i].n;
	}
	pthread_mutex_unlock(&sim->lock);
	return n;
}
