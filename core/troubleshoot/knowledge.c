/*
 * knowledge.c - the troubleshooting table and its matcher.
 *
 * The table is data: adding a failure mode means adding an entry (and a
 * sample message in tests/unit/test_knowledge.c), never a code path.  The
 * only code that knows about situations is ew_knowledge_needs_met(), which
 * turns facts (the job's `sub`, the trusted subjects, the role name) into
 * the EW_KN_* bits that entries ask for.
 */
#include "knowledge.h"
#include "partition.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define L(...)	      ((const char *const[]){__VA_ARGS__, NULL})
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const denied_codes[] = {"AccessDenied",
					   "AccessDeniedException", NULL};

/* The text STS returns, and configure-aws-credentials prefixes with "Could
 * not assume role with OIDC: ", when no statement of the trust policy admits
 * the token. */
#define ASSUME_ACTION L("sts:AssumeRoleWithWebIdentity")

#define TRUST_CHECK                                                            \
	"aws iam get-role --role-name {role} --query "                         \
	"Role.AssumeRolePolicyDocument"

#define PUSH_ACTIONS                                                           \
	L("ecr:InitiateLayerUpload", "ecr:UploadLayerPart",                    \
	  "ecr:CompleteLayerUpload", "ecr:PutImage",                           \
	  "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",              \
	  "ecr:GetDownloadUrlForLayer")

#define PROVIDER_ARN                                                           \
	"arn:{partition}:iam::{account}:oidc-provider/"                        \
	"token.actions.githubusercontent.com"

/*
 * Every IAM/ECR action the wizard calls: one "access denied" entry each,
 * generated from this row (slug, action, operation, resource, why the
 * wizard needs it).
 */
#define DENIED_ACTIONS(X)                                                      \
	X("iam-create-open-id-connect-provider",                               \
	  "iam:CreateOpenIDConnectProvider", "CreateOpenIDConnectProvider",    \
	  PROVIDER_ARN, "to create the GitHub OIDC identity provider")         \
	X("iam-get-open-id-connect-provider", "iam:GetOpenIDConnectProvider",  \
	  "GetOpenIDConnectProvider", PROVIDER_ARN,                            \
	  "to read the provider's audiences")                                  \
	X("iam-list-open-id-connect-providers",                                \
	  "iam:ListOpenIDConnectProviders", "ListOpenIDConnectProviders", "*", \
	  "to find an existing GitHub provider")                               \
	X("iam-add-client-id-to-open-id-connect-provider",                     \
	  "iam:AddClientIDToOpenIDConnectProvider",                            \
	  "AddClientIDToOpenIDConnectProvider", PROVIDER_ARN,                  \
	  "to add the sts audience to an existing provider")                   \
	X("iam-tag-open-id-connect-provider", "iam:TagOpenIDConnectProvider",  \
	  "TagOpenIDConnectProvider", PROVIDER_ARN,                            \
	  "to tag the provider it creates (tags on create need it too)")       \
	X("iam-delete-open-id-connect-provider",                               \
	  "iam:DeleteOpenIDConnectProvider", "DeleteOpenIDConnectProvider",    \
	  PROVIDER_ARN, "to remove the provider on teardown")                  \
	X("iam-create-policy-version", "iam:CreatePolicyVersion",              \
	  "CreatePolicyVersion", "{policy_arn}",                               \
	  "to update a permissions policy that differs")                       \
	X("iam-delete-policy-version", "iam:DeletePolicyVersion",              \
	  "DeletePolicyVersion", "{policy_arn}",                               \
	  "to drop the oldest version at the limit of five")                   \
	X("iam-get-policy-version", "iam:GetPolicyVersion",                    \
	  "GetPolicyVersion", "{policy_arn}",                                  \
	  "to compare the policy with what it would write")                    \
	X("iam-list-policy-versions", "iam:ListPolicyVersions",                \
	  "ListPolicyVersions", "{policy_arn}",                                \
	  "to count the versions before an update")                            \
	X("iam-create-policy", "iam:CreatePolicy", "CreatePolicy",             \
	  "{policy_arn}", "to create the ECR push policy")                     \
	X("iam-get-policy", "iam:GetPolicy", "GetPolicy", "{policy_arn}",      \
	  "to read the existing push policy")                                  \
	X("iam-tag-policy", "iam:TagPolicy", "TagPolicy", "{policy_arn}",      \
	  "to tag the policy it creates (tags on create need it too)")         \
	X("iam-delete-policy", "iam:DeletePolicy", "DeletePolicy",             \
	  "{policy_arn}", "to remove the policy on teardown")                  \
	X("iam-create-role", "iam:CreateRole", "CreateRole", "{role_arn}",     \
	  "to create the role GitHub Actions assumes")                         \
	X("iam-get-role", "iam:GetRole", "GetRole", "{role_arn}",              \
	  "to read the role and its trust policy")                             \
	X("iam-update-assume-role-policy", "iam:UpdateAssumeRolePolicy",       \
	  "UpdateAssumeRolePolicy", "{role_arn}",                              \
	  "to update a trust policy that differs")                             \
	X("iam-attach-role-policy", "iam:AttachRolePolicy",                    \
	  "AttachRolePolicy", "{role_arn}",                                    \
	  "to attach the push policy to the role")                             \
	X("iam-list-attached-role-policies", "iam:ListAttachedRolePolicies",   \
	  "ListAttachedRolePolicies", "{role_arn}",                            \
	  "to see whether the policy is attached")                             \
	X("iam-tag-role", "iam:TagRole", "TagRole", "{role_arn}",              \
	  "to tag the role it creates (tags on create need it too)")           \
	X("iam-detach-role-policy", "iam:DetachRolePolicy",                    \
	  "DetachRolePolicy", "{role_arn}",                                    \
	  "to detach the policy on teardown")                                  \
	X("iam-delete-role", "iam:DeleteRole", "DeleteRole", "{role_arn}",     \
	  "to remove the role on teardown")                                    \
	X("ecr-create-repository", "ecr:CreateRepository", "CreateRepository", \
	  "{repo_arn}", "to create the ECR repository")                        \
	X("ecr-describe-repositories", "ecr:DescribeRepositories",             \
	  "DescribeRepositories", "{repo_arn}",                                \
	  "to find an existing repository")                                    \
	X("ecr-put-lifecycle-policy", "ecr:PutLifecyclePolicy",                \
	  "PutLifecyclePolicy", "{repo_arn}", "to set the lifecycle policy")   \
	X("ecr-get-lifecycle-policy", "ecr:GetLifecyclePolicy",                \
	  "GetLifecyclePolicy", "{repo_arn}",                                  \
	  "to compare the lifecycle policy")                                   \
	X("ecr-tag-resource", "ecr:TagResource", "TagResource", "{repo_arn}",  \
	  "to tag the repository it creates")                                  \
	X("ecr-delete-repository", "ecr:DeleteRepository", "DeleteRepository", \
	  "{repo_arn}", "to remove the repository on teardown")

#define DENIED_ENTRY(slug, action, op, resource, why)                          \
	{                                                                      \
	    .id = "denied-" slug,                                              \
	    .title = "Access denied: the caller may not use " action,          \
	    .codes = denied_codes,                                             \
	    .operation = op,                                                   \
	    .actions = L(action),                                              \
	    .cause = "The AWS identity running ecr-wizard ({principal_arn}) "  \
		     "is not allowed " action " on " resource                  \
		     ", which the wizard needs " why                           \
		     ". An identity policy lacks it, or a service control "    \
		     "policy or permissions boundary denies it.",              \
	    .fix_steps =                                                       \
		L("Allow \"" action "\" on \"" resource                        \
		  "\" in a policy attached to {principal_arn} (or "            \
		  "run ecr-wizard with an administrator profile).",            \
		  "If the message says \"explicit deny\", ask the "            \
		  "account administrator which service control "               \
		  "policy or permissions boundary blocks it.",                 \
		  "Run the same ecr-wizard command again; steps that "         \
		  "already finished are not repeated."),                       \
	    .check_command =                                                   \
		"aws iam simulate-principal-policy "                           \
		"--policy-source-arn {principal_arn} "                         \
		"--action-names " action " --resource-arns '" resource "'",    \
	},

/* clang-format off */
static const struct ew_knowledge_entry table[] = {
/* ---- an explicit deny: no Allow anywhere can fix it, so it comes first */
{
	.id = "explicit-deny",
	.title = "Denied by an explicit Deny (service control policy, permissions boundary or session policy)",
	.patterns = L("with an explicit deny in a", "with an explicit deny"),
	.cause = "AWS names an explicit Deny as the reason: a service control "
		 "policy of the organization, the role's permissions boundary, "
		 "a session policy, or a Deny statement in an identity or "
		 "resource policy. A Deny always wins over any Allow, so adding "
		 "permissions to {principal_arn} changes nothing.",
	.fix_steps = L("Read which kind of policy the message names after \"explicit deny in a\" (service control policy, permissions boundary, session policy, identity-based or resource-based policy).",
		       "Service control policy: ask the administrator of the AWS organization which SCP on account {account} denies the action (aws organizations list-policies-for-target --target-id {account} --filter SERVICE_CONTROL_POLICY, run from the management account).",
		       "Permissions boundary: aws iam get-role --role-name {role} --query Role.PermissionsBoundary shows it; the boundary's owner must allow the action.",
		       "Session policy: remove the inline-session-policy / managed-session-policies inputs from configure-aws-credentials, or allow the action there.",
		       "Identity or resource policy: find the Deny statement (aws iam list-attached-role-policies --role-name {role}; aws ecr get-repository-policy --repository-name {repo} --region {region})."),
	.check_command = "aws iam get-role --role-name {role} --query Role.PermissionsBoundary",
},

/* ---- the sub-mismatch family: most specific diagnosis first ---------- */
{
	.id = "sub-mismatch-org-template",
	.title = "Role not assumed: the repository uses a customized OIDC subject",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_SUB_TEMPLATE,
	.flags = EW_KN_F_SUBJECT,
	.cause = "The organization or repository customized the OIDC subject "
		 "template (include_claim_keys), so the job's `sub` is `{sub}` "
		 "instead of repo:OWNER/REPO:..., and the trust policy does not "
		 "admit it.",
	.fix_steps = L("Read the template: gh api repos/{github_repo}/actions/oidc/customization/sub",
		       "Either make the repository use the default again (gh api -X PUT repos/{github_repo}/actions/oidc/customization/sub -F use_default=true) or add `{sub}` to the role's token.actions.githubusercontent.com:sub condition.",
		       "Re-run the workflow."),
	.check_command = "gh api repos/{github_repo}/actions/oidc/customization/sub",
},
{
	.id = "sub-mismatch-immutable-id",
	.title = "Role not assumed: the job's subject carries owner and repository IDs",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_SUB_IMMUTABLE,
	.flags = EW_KN_F_SUBJECT,
	.cause = "GitHub now emits the immutable subject form "
		 "repo:OWNER@OWNER_ID/REPO@REPO_ID:... for this repository "
		 "(new since July 2026, opted in, or renamed/transferred), but "
		 "the trust policy only names repo:OWNER/REPO:....",
	.fix_steps = L("Get the IDs: gh api repos/{github_repo} --jq '.owner.id, .id'",
		       "Add the immutable form `{sub}` to the role's token.actions.githubusercontent.com:sub condition next to the old one (ecr-wizard apply does this when it can read the IDs).",
		       "Re-run the workflow."),
	.check_command = TRUST_CHECK,
},
{
	.id = "sub-mismatch-owner-casing",
	.title = "Role not assumed: owner or repository casing differs in the trust policy",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_SUB_CASE,
	.flags = EW_KN_F_SUBJECT,
	.cause = "IAM compares the `sub` claim case-sensitively; the trust "
		 "policy names `{trusted_sub}` but GitHub sends `{sub}`.",
	.fix_steps = L("Write the owner and repository exactly as GitHub spells them (gh repo view {github_repo} --json nameWithOwner).",
		       "Update the role's trust policy: ecr-wizard apply --github {github_repo} --role-name {role}",
		       "Re-run the workflow."),
	.check_command = TRUST_CHECK,
},
{
	.id = "sub-mismatch-environment",
	.title = "Role not assumed: the job runs in a GitHub environment the role does not trust",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_SUB_ENV,
	.flags = EW_KN_F_SUBJECT,
	.cause = "A job with `environment:` presents "
		 "repo:OWNER/REPO:environment:NAME as its `sub` (it wins over "
		 "the branch), and the trust policy does not admit `{sub}`.",
	.fix_steps = L("Add `{sub}` to the role's token.actions.githubusercontent.com:sub condition (StringEquals), e.g. ecr-wizard apply --github {github_repo} --role-name {role} --trust env:NAME",
		       "Or remove `environment:` from the job if it does not need one.",
		       "Re-run the workflow."),
	.check_command = TRUST_CHECK,
},
{
	.id = "sub-mismatch-pull-request",
	.title = "Role not assumed: pull request jobs are not trusted by the role",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_SUB_PR,
	.flags = EW_KN_F_SUBJECT,
	.cause = "On the pull_request event the job's `sub` is "
		 "repo:OWNER/REPO:pull_request, not a branch ref, and the trust "
		 "policy does not admit `{sub}`.",
	.fix_steps = L("If pull requests should push images, add repo:{github_repo}:pull_request to the trust policy: ecr-wizard apply --github {github_repo} --role-name {role} --trust pull_request",
		       "Otherwise run the push job only on push events (if: github.event_name == 'push').",
		       "Re-run the workflow."),
	.check_command = TRUST_CHECK,
},
{
	.id = "sub-mismatch-tag",
	.title = "Role not assumed: tag builds are not trusted by the role",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_SUB_TAG,
	.flags = EW_KN_F_SUBJECT,
	.cause = "A tag push presents repo:OWNER/REPO:ref:refs/tags/TAG as its "
		 "`sub`; a trust policy written for a branch does not admit "
		 "`{sub}`.",
	.fix_steps = L("Add a tag pattern to the trust policy (StringLike), e.g. ecr-wizard apply --github {github_repo} --role-name {role} --trust 'tag:v*'",
		       "Re-run the workflow for the tag."),
	.check_command = TRUST_CHECK,
},
{
	.id = "sub-mismatch-branch",
	.title = "Role not assumed: the job ran on a branch the role does not trust",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_SUB_BRANCH,
	.flags = EW_KN_F_SUBJECT,
	.cause = "The trust policy admits `{trusted_sub}` but this job "
		 "presented `{sub}`; IAM compares the whole subject, so "
		 "another branch is refused.",
	.fix_steps = L("Add the branch to the trust policy: ecr-wizard apply --github {github_repo} --role-name {role} --trust branch:NAME",
		       "Or run the push job only on the trusted branch.",
		       "Re-run the workflow."),
	.check_command = TRUST_CHECK,
},
{
	.id = "sub-wildcard-string-equals",
	.title = "Role not assumed: a wildcard subject is probably under StringEquals",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_SUB_WILDCARD,
	.flags = EW_KN_F_SUBJECT,
	.cause = "Only a pattern with * or ? admits `{sub}`, and STS still "
		 "refused: under StringEquals a * is a literal character, so "
		 "the pattern `{trusted_sub}` matches nothing.",
	.fix_steps = L("Move the wildcard sub values to a StringLike condition (keep aud under StringEquals); never use ForAllValues.",
		       "Or let ecr-wizard write the trust policy: ecr-wizard apply --github {github_repo} --role-name {role}",
		       "Re-run the workflow."),
	.check_command = TRUST_CHECK,
},
{
	.id = "role-named-github-actions",
	.title = "Role not assumed: the role is named GitHubActions",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.needs = EW_KN_ROLE_GITHUB,
	.flags = EW_KN_F_SUBJECT,
	.cause = "Assuming a role named exactly GitHubActions has been reported "
		 "to fail with this error even when the trust policy is right "
		 "(configure-aws-credentials #953).",
	.fix_steps = L("Create the role under another name, e.g. ecr-wizard apply --github {github_repo} --role-name GitHubActions-ECR-Role",
		       "Update the AWS_ROLE_ARN secret: gh secret set AWS_ROLE_ARN --repo {github_repo}",
		       "Re-run the workflow."),
	.check_command = "aws iam get-role --role-name {role} --query Role.Arn",
},
{
	.id = "assume-role-oidc-denied",
	.title = "Could not assume role with OIDC: the trust policy does not admit this job",
	.codes = denied_codes,
	.actions = ASSUME_ACTION,
	.flags = EW_KN_F_SUBJECT,
	.cause = "STS refused sts:AssumeRoleWithWebIdentity: no statement of "
		 "the role's trust policy admits the job's token. Usually the "
		 "`sub` differs (environment, pull request, tag, other branch, "
		 "owner casing, immutable IDs, custom template) or the "
		 "principal names another account's provider.",
	.fix_steps = L("Compare the role's token.actions.githubusercontent.com:sub values with the job's subject: repo:OWNER/REPO:ref:refs/heads/BRANCH, :ref:refs/tags/TAG, :environment:NAME or :pull_request.",
		       "Use StringLike (not StringEquals) for patterns with *, and never ForAllValues.",
		       "Check that the Federated principal is " PROVIDER_ARN " in the role's own account.",
		       "To see the real claims, run github/actions-oidc-debugger in the job, or let ecr-wizard doctor compare them: ecr-wizard doctor --github {github_repo} --role-name {role}"),
	.check_command = TRUST_CHECK,
},

/* ---- other denied actions seen in pipelines ------------------------- */
{
	.id = "chained-assume-role-denied",
	.title = "Role chaining denied: the second role does not trust the first",
	.codes = denied_codes,
	.actions = L("sts:AssumeRole"),
	.cause = "The job assumed its first role, then could not assume "
		 "{chained_role_arn}: that second role's trust policy does not "
		 "name the first role ({principal_arn}) as a principal, or the "
		 "first role's policy does not allow sts:AssumeRole on it.",
	.fix_steps = L("In the trust policy of {chained_role}, allow the first role ({principal_arn}) as an AWS principal with the actions sts:AssumeRole and sts:TagSession.",
		       "Allow sts:AssumeRole on {chained_role_arn} in the first role's permissions policy.",
		       "Re-run the workflow."),
	.check_command = "aws iam get-role --role-name {chained_role} --query Role.AssumeRolePolicyDocument",
},
{
	.id = "sts-tag-session",
	.title = "Role chaining denied: sts:TagSession is not allowed",
	.codes = denied_codes,
	.actions = L("sts:TagSession"),
	.cause = "configure-aws-credentials tags the session when it assumes a "
		 "second role ({chained_role_arn}); that role's trust policy "
		 "must allow sts:TagSession as well as sts:AssumeRole.",
	.fix_steps = L("Add \"sts:TagSession\" to the Action list of the trust statement of {chained_role}.",
		       "Or set role-skip-session-tagging: true on the configure-aws-credentials step."),
	.check_command = "aws iam get-role --role-name {chained_role} --query Role.AssumeRolePolicyDocument",
},
{
	.id = "ecr-get-authorization-token-scoped",
	.title = "ECR login denied: ecr:GetAuthorizationToken must be allowed on \"*\"",
	.codes = denied_codes,
	.actions = L("ecr:GetAuthorizationToken"),
	.cause = "ecr:GetAuthorizationToken is not tied to a repository; a "
		 "policy that grants it only on a repository ARN grants nothing.",
	.fix_steps = L("Give ecr:GetAuthorizationToken its own statement with \"Resource\": \"*\" in the role's permissions policy (the wizard's policy does).",
		       "Update the policy: ecr-wizard apply --github {github_repo} --role-name {role}"),
	.check_command = "aws iam simulate-principal-policy --policy-source-arn {role_arn} --action-names ecr:GetAuthorizationToken",
},
{
	.id = "push-denied-cross-account",
	.title = "Push denied: the repository is in another account and has no repository policy for this role",
	.codes = denied_codes,
	.patterns = L("no resource-based policy allows"),
	.actions = PUSH_ACTIONS,
	.cause = "The repository belongs to account {repo_account}, the role "
		 "to account {account}; a cross-account push needs the "
		 "repository's own policy (in account {repo_account}) to allow "
		 "the role as well as the role's identity policy.",
	.fix_steps = L("In account {repo_account}, add a repository policy to {repo} that allows {role_arn} ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage and ecr:BatchGetImage (aws ecr set-repository-policy --registry-id {repo_account} --repository-name {repo} --region {region} --policy-text file://repo-policy.json).",
		       "In account {account}, keep the role's policy on that exact repository ARN ({repo_arn}) and ecr:GetAuthorizationToken on \"*\".",
		       "Or push to a repository in the role's own account instead."),
	.check_command = "aws ecr get-repository-policy --registry-id {repo_account} --repository-name {repo} --region {region}",
},
{
	.id = "push-denied",
	.title = "Push denied: the role lacks an ECR push action on this repository",
	.codes = denied_codes,
	.actions = PUSH_ACTIONS,
	.cause = "The role's permissions policy does not grant the push "
		 "actions on this repository's ARN (missing actions, or the "
		 "policy names another repository, region or account).",
	.fix_steps = L("Grant ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on {repo_arn}.",
		       "Make sure the image is tagged for that same repository and region ({registry}/{repo}).",
		       "Update the policy: ecr-wizard apply --github {github_repo} --role-name {role} --repo {repo} --region {region}"),
	.check_command = "aws iam simulate-principal-policy --policy-source-arn {role_arn} --action-names ecr:PutImage ecr:InitiateLayerUpload --resource-arns {repo_arn}",
},

/* ---- one entry per action the wizard calls -------------------------- */
DENIED_ACTIONS(DENIED_ENTRY)

/* ---- the OIDC exchange ---------------------------------------------- */
{
	.id = "id-token-dependabot",
	.title = "No OIDC token: Dependabot runs get no id-token",
	.patterns = L("Could not load credentials from any providers",
		      "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL",
		      "Did you mean to set the `id-token` permission"),
	.needs = EW_KN_DEPENDABOT,
	.cause = "Workflows started by Dependabot run with a read-only token "
		 "and no id-token, so the AWS login cannot get an OIDC token.",
	.fix_steps = L("Skip the push job for Dependabot: if: github.actor != 'dependabot[bot]'",
		       "Or build without pushing on Dependabot pull requests."),
	.check_command = "gh run list --repo {github_repo} --user 'dependabot[bot]' --limit 5",
},
{
	.id = "id-token-fork-pr",
	.title = "No OIDC token: pull requests from forks get no id-token",
	.patterns = L("Could not load credentials from any providers",
		      "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL",
		      "Did you mean to set the `id-token` permission"),
	.needs = EW_KN_JOB_PR,
	.cause = "The job ran for a pull request; for pull requests from forks "
		 "GitHub never grants `id-token: write`, whatever the workflow "
		 "asks for.",
	.fix_steps = L("Do not push from pull_request jobs of forks: if: github.event.pull_request.head.repo.full_name == github.repository",
		       "If the pull request is from this repository, add `permissions: id-token: write` to the job (see id-token-permission-missing)."),
	.check_command = "gh pr view --repo {github_repo} --json headRepository,isCrossRepository",
},
{
	.id = "id-token-permission-missing",
	.title = "No OIDC token: the workflow lacks `permissions: id-token: write`",
	.patterns = L("Could not load credentials from any providers",
		      "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL",
		      "Did you mean to set the `id-token` permission",
		      "getIDToken call failed"),
	.cause = "configure-aws-credentials found no OIDC token: the job does "
		 "not have `id-token: write` (often lost when a `permissions:` "
		 "block was added, or in a reusable workflow's caller), or the "
		 "run is a fork pull request or Dependabot.",
	.fix_steps = L("Add to the workflow or the job:\n  permissions:\n    id-token: write\n    contents: read",
		       "For a reusable workflow, grant the same permissions in the calling job.",
		       "Fork pull requests and Dependabot runs never get an id-token: skip the push there."),
	.check_command = "ecr-wizard doctor --github {github_repo}",
},
{
	.id = "oidc-provider-not-found",
	.title = "No OpenIDConnect provider for GitHub in the role's account",
	.patterns = L("No OpenIDConnect provider found in your account"),
	.cause = "The role's account has no IAM identity provider for "
		 "https://token.actions.githubusercontent.com (or the role ARN "
		 "points to another account, or a legacy/GHES issuer is used).",
	.fix_steps = L("Create the provider in account {account}: aws iam create-open-id-connect-provider --url https://token.actions.githubusercontent.com --client-id-list {audience}",
		       "Make sure AWS_ROLE_ARN ({role_arn}) is in that same account.",
		       "A provider created just now may take a few seconds to become usable."),
	.check_command = "aws iam get-open-id-connect-provider --open-id-connect-provider-arn " PROVIDER_ARN,
},
{
	.id = "oidc-incorrect-audience",
	.title = "Incorrect token audience: the provider does not list sts.amazonaws.com",
	.patterns = L("Incorrect token audience"),
	.cause = "The provider's client ID list lacks the token's audience "
		 "(e.g. an old provider with only `sigstore`), or the workflow "
		 "sets a different `audience:` input.",
	.fix_steps = L("Add the audience: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn " PROVIDER_ARN " --client-id {audience}",
		       "Remove any `audience:` input from the configure-aws-credentials step (the default is right)."),
	.check_command = "aws iam get-open-id-connect-provider --open-id-connect-provider-arn " PROVIDER_ARN " --query ClientIDList",
},
{
	.id = "oidc-thumbprint-mismatch",
	.title = "Provider certificate does not match the configured thumbprint",
	.patterns = L("certificate doesn't match configured thumbprint",
		      "certificate does not match configured thumbprint"),
	.cause = "An old provider pinned GitHub's previous certificate "
		 "thumbprint (the 2022/2023 rotations); AWS now verifies GitHub "
		 "through its own CA library.",
	.fix_steps = L("Update the thumbprint once (any valid value is ignored for GitHub now): aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn " PROVIDER_ARN " --thumbprint-list 6938fd4d98bab03faadb97b34396831e3780aea1",
		       "Re-run the workflow."),
	.check_command = "aws iam get-open-id-connect-provider --open-id-connect-provider-arn " PROVIDER_ARN " --query ThumbprintList",
},
{
	.id = "oidc-idp-communication-error",
	.title = "AWS could not reach the OIDC identity provider",
	.codes = L("OpenIdIdpCommunicationError", "IDPCommunicationError"),
	.patterns = L("OpenIdIdpCommunicationError", "IDPCommunicationError",
		      "Couldn't retrieve verification key from your identity provider"),
	.cause = "IAM or STS could not fetch the OIDC configuration or keys "
		 "from the issuer; usually transient, or a wrong issuer URL.",
	.fix_steps = L("Check the provider URL is exactly https://token.actions.githubusercontent.com",
		       "Wait a minute and retry; the call is safe to repeat."),
	.check_command = "aws iam list-open-id-connect-providers",
},
{
	.id = "request-arn-invalid",
	.title = "Request ARN is invalid: role-to-assume is not a role ARN",
	.patterns = L("Request ARN is invalid"),
	.cause = "The role-to-assume value is not arn:aws:iam::ACCOUNT:role/NAME "
		 "(an assumed-role or user ARN, a role name, stray whitespace or "
		 "an empty secret).",
	.fix_steps = L("Print the exact ARN: aws iam get-role --role-name {role} --query Role.Arn --output text",
		       "Store it without spaces or newlines: gh secret set AWS_ROLE_ARN --repo {github_repo} --body {role_arn}"),
	.check_command = "aws iam get-role --role-name {role} --query Role.Arn --output text",
},
{
	.id = "duration-exceeds-max-session",
	.title = "Requested session duration exceeds the role's maximum",
	.patterns = L("DurationSeconds exceeds the MaxSessionDuration"),
	.cause = "role-duration-seconds asks for {duration} seconds, longer "
		 "than the role's MaxSessionDuration (3600 s by default).",
	.fix_steps = L("Raise the role's limit to at least what the job asks for (at most 43200): aws iam update-role --role-name {role} --max-session-duration {duration}",
		       "Or lower role-duration-seconds in the workflow to the role's maximum (or remove it; the default is 3600)."),
	.check_command = "aws iam get-role --role-name {role} --query Role.MaxSessionDuration",
},

/* ---- the caller's own credentials ----------------------------------- */
{
	.id = "region-disabled",
	.title = "The region is not enabled for this account",
	.codes = L("RegionDisabledException"),
	.patterns = L("RegionDisabledException", "STS is not activated in this region"),
	.cause = "{region} is an opt-in region that the account has not "
		 "enabled, so STS (and every other service) refuses there.",
	.fix_steps = L("Enable the region: aws account enable-region --region-name {region}",
		       "Or choose an enabled region for the repository and the workflow."),
	.check_command = "aws account get-region-opt-status --region-name {region}",
},
{
	.id = "expired-token",
	.title = "The session credentials have expired",
	.codes = L("ExpiredToken", "ExpiredTokenException"),
	.patterns = L("security token included in the request is expired",
		      "ExpiredToken"),
	.cause = "Temporary credentials (SSO, assumed role or session token) "
		 "are past their expiry time.",
	.fix_steps = L("Refresh them: aws sso login --profile PROFILE (or assume the role again).",
		       "In a workflow, a long job may outlive role-duration-seconds: raise it within the role's maximum.",
		       "Run the command again."),
	.check_command = "aws sts get-caller-identity",
},
{
	.id = "invalid-client-token-id",
	.title = "The security token included in the request is invalid",
	.codes = L("InvalidClientTokenId", "UnrecognizedClientException"),
	.patterns = L("security token included in the request is invalid",
		      "InvalidClientTokenId", "UnrecognizedClientException"),
	.cause = "AWS does not recognise the access key or session token: "
		 "stale or wrong static keys, keys from another partition "
		 "(China/GovCloud), a region left over from an earlier step, or "
		 "a disabled opt-in region.",
	.fix_steps = L("Use OIDC only: remove aws-access-key-id / aws-secret-access-key inputs and AWS_* key secrets from the workflow.",
		       "Check the region ({region}) belongs to the account's partition ({partition}) and is enabled.",
		       "Locally, check which credentials are used: aws configure list"),
	.check_command = "aws sts get-caller-identity",
},
{
	.id = "clock-skew",
	.title = "Request expired: the clock is off",
	.codes = L("RequestExpired", "RequestTimeTooSkewed"),
	.patterns = L("RequestExpired", "Signature expired",
		      "RequestTimeTooSkewed"),
	.cause = "The request's timestamp is more than 5 minutes away from "
		 "AWS's time; the local clock is wrong.",
	.fix_steps = L("Synchronise the clock (timedatectl set-ntp true, or the VM's time sync).",
		       "Run the command again."),
	.check_command = "date -u",
},
{
	.id = "signature-does-not-match",
	.title = "Request signature does not match",
	.codes = L("SignatureDoesNotMatch", "InvalidSignatureException"),
	.patterns = L("SignatureDoesNotMatch", "InvalidSignatureException",
		      "request signature we calculated does not match"),
	.cause = "The secret access key does not belong to the access key ID "
		 "(copied wrong, with a trailing space), or the clock is far off.",
	.fix_steps = L("Re-enter the secret key (aws configure) or use aws sso login.",
		       "Check the system clock is synchronised (timedatectl)."),
	.check_command = "aws sts get-caller-identity",
},
{
	.id = "no-credentials",
	.title = "No AWS credentials found",
	.codes = L("MissingAuthenticationToken",
		   "MissingAuthenticationTokenException"),
	.patterns = L("Unable to locate credentials",
		      "Request is missing Authentication Token",
		      "MissingAuthenticationToken"),
	.cause = "No credentials were found in the environment, profile, SSO "
		 "cache or instance metadata.",
	.fix_steps = L("Configure a profile (aws configure, or aws configure sso and aws sso login), or export AWS_PROFILE.",
		       "In a workflow, run aws-actions/configure-aws-credentials before any aws or docker step."),
	.check_command = "aws sts get-caller-identity",
},

/* ---- ECR and docker ------------------------------------------------- */
{
	.id = "repository-uri-as-name",
	.title = "Repository not found: ECR_REPOSITORY holds a URI instead of a name",
	.patterns = L("repository with name '*.dkr.ecr.*' does not exist",
		      "repository with name 'public.ecr.aws/*' does not exist",
		      "repository with name '*.amazonaws.com*' does not exist"),
	.cause = "The repository name was given as a full URI (or an ECR Public "
		 "path), so the image was tagged "
		 "REGISTRY/REGISTRY/NAME and ECR looks up a repository by that "
		 "long name.",
	.fix_steps = L("Set ECR_REPOSITORY to the bare name: gh secret set ECR_REPOSITORY --repo {github_repo} --body NAME",
		       "Tag images as ${{ steps.login-ecr.outputs.registry }}/${{ env.ECR_REPOSITORY }}:TAG."),
	.check_command = "aws ecr describe-repositories --region {region} --query 'repositories[].repositoryName'",
},
{
	.id = "repository-not-found",
	.title = "Repository does not exist in this registry",
	.codes = L("RepositoryNotFoundException"),
	.patterns = L("repository with name '*' does not exist",
		      "RepositoryNotFoundException", "name unknown"),
	.cause = "No repository {repo} exists in account {account}, region "
		 "{region}: it was never created, or the image is tagged for "
		 "another region or account.",
	.fix_steps = L("Create it: aws ecr create-repository --repository-name {repo} --region {region} (or ecr-wizard apply --repo {repo} --region {region})",
		       "Check AWS_REGION and the registry in the tag ({registry}) match where the repository is."),
	.check_command = "aws ecr describe-repositories --repository-names {repo} --region {region}",
},
{
	.id = "ecr-token-expired-mid-build",
	.title = "Registry login expired during the build (the login succeeded earlier)",
	.patterns = L("no basic auth credentials",
		      "authorization token has expired",
		      "failed to fetch anonymous token",
		      "*.dkr.ecr.*401 Unauthorized"),
	.needs = EW_KN_LOGIN_SEEN,
	.cause = "The log shows a successful registry login before this "
		 "failure, so the login step ran: by the time the image was "
		 "pushed its credentials no longer worked. A credential helper "
		 "or a buildx builder re-reads AWS credentials that last only "
		 "role-duration-seconds (1 hour by default), ECR's docker token "
		 "lasts 12 hours, or the push goes to another host than the one "
		 "logged in ({registry}).",
	.fix_steps = L("Log in again right before the push: add a second aws-actions/amazon-ecr-login step (after the long build, before docker/build-push-action pushes or docker push).",
		       "Or give the session more time: role-duration-seconds within the role's MaxSessionDuration (aws iam get-role --role-name {role} --query Role.MaxSessionDuration).",
		       "Or split the build and the push so the push starts soon after the login; check the tag's host is the one logged in ({registry})."),
	.check_command = "aws ecr get-login-password --region {region} | docker login --username AWS --password-stdin {registry}",
},
{
	.id = "ecr-login-missing-anonymous-token",
	.title = "failed to fetch anonymous token (401): buildx has no ECR login for this registry",
	.patterns = L("failed to fetch anonymous token",
		      "*.dkr.ecr.*401 Unauthorized"),
	.cause = "buildx found no credentials for the registry host and asked "
		 "ECR for an anonymous token, which ECR refuses with 401. The "
		 "guide calls this \"No basic auth credentials\": the ECR login "
		 "did not happen (or ecr:GetAuthorizationToken was denied). "
		 "Also common: the login ran for another account or region than "
		 "the host in the tag, or before docker/setup-buildx-action "
		 "created a builder that cannot see it.",
	.fix_steps = L("Run aws-actions/amazon-ecr-login (id: login-ecr) after configure-aws-credentials and before docker/build-push-action, and read its log for an error.",
		       "Tag with ${{ steps.login-ecr.outputs.registry }} so the host is the one logged in ({registry}), in the same region ({region}).",
		       "Make sure the role may call ecr:GetAuthorizationToken on \"*\": aws iam simulate-principal-policy --policy-source-arn {role_arn} --action-names ecr:GetAuthorizationToken"),
	.check_command = "aws ecr get-login-password --region {region} | docker login --username AWS --password-stdin {registry}",
},
{
	.id = "no-basic-auth-credentials",
	.title = "no basic auth credentials: docker is not logged in to this registry",
	.patterns = L("no basic auth credentials",
		      "authorization token has expired"),
	.cause = "docker has no login for the registry host in the image tag: "
		 "the ECR login step was skipped or ran for another account or "
		 "region, or its 12-hour token expired.",
	.fix_steps = L("Run aws-actions/amazon-ecr-login (id: login-ecr) after configure-aws-credentials and before the push.",
		       "Tag images with ${{ steps.login-ecr.outputs.registry }} so the host is {registry}.",
		       "Use the same region for login and tag ({region})."),
	.check_command = "aws ecr get-login-password --region {region} | docker login --username AWS --password-stdin {registry}",
},
{
	.id = "immutable-tag",
	.title = "Tag already exists in an immutable repository",
	.codes = L("ImageTagAlreadyExistsException"),
	.patterns = L("cannot be overwritten because the repository is immutable",
		      "ImageTagAlreadyExistsException"),
	.cause = "The repository's tags are IMMUTABLE and the push reuses a tag "
		 "(latest, or a re-run of the same commit).",
	.fix_steps = L("Exclude moving tags: aws ecr put-image-tag-mutability --repository-name {repo} --region {region} --image-tag-mutability IMMUTABLE_WITH_EXCLUSION --image-tag-mutability-exclusion-filters filterType=WILDCARD,filter=latest",
		       "Or push only unique tags (the commit SHA) and skip the push when the tag exists."),
	.check_command = "aws ecr describe-repositories --repository-names {repo} --region {region} --query 'repositories[0].imageTagMutability'",
},
{
	.id = "ecr-public-region",
	.title = "ECR Public login outside us-east-1",
	.patterns = L("ENOTFOUND api.ecr-public"),
	.cause = "ECR Public's API only exists in us-east-1; the login ran with "
		 "region {region}.",
	.fix_steps = L("For public.ecr.aws, set aws-region: us-east-1 on the configure step before amazon-ecr-login with registry-type: public.",
		       "For a private repository, drop registry-type: public."),
	.check_command = "aws ecr-public get-login-password --region us-east-1 >/dev/null && echo ok",
},
{
	.id = "region-missing",
	.title = "Region is missing",
	.patterns = L("Region is missing", "Region is not valid"),
	.cause = "amazon-ecr-login or an AWS call ran without a region: "
		 "configure-aws-credentials did not run first, or aws-region is "
		 "empty or malformed (e.g. a missing AWS_REGION secret).",
	.fix_steps = L("Run aws-actions/configure-aws-credentials with aws-region: ${{ secrets.AWS_REGION }} before amazon-ecr-login.",
		       "Set the secret: gh secret set AWS_REGION --repo {github_repo} --body {region}"),
	.check_command = "gh secret list --repo {github_repo}",
},
{
	.id = "masked-outputs",
	.title = "Output masked: the registry looks like a secret to GitHub",
	.patterns = L("Skip output '*' since it may contain secret",
		      "Error parsing reference: \"***"),
	.cause = "The account ID (or region) is stored as a secret, so GitHub "
		 "masks it and drops job outputs containing it; the next job "
		 "sees an empty or *** registry.",
	.fix_steps = L("Store non-secret values as variables: gh variable set AWS_REGION --repo {github_repo} --body {region}",
		       "Leave mask-aws-account-id off on configure-aws-credentials, or build the registry in the job that uses it."),
	.check_command = "gh variable list --repo {github_repo}",
},
{
	.id = "lambda-manifest-media-type",
	.title = "Lambda rejects the image manifest media type",
	.patterns = L("image manifest, config or layer media type for the source image * is not supported"),
	.cause = "buildx added provenance/SBOM attestations, producing an OCI "
		 "image index that Lambda does not accept.",
	.fix_steps = L("Set provenance: false and sbom: false on docker/build-push-action.",
		       "Push again and update the function's image URI."),
	.check_command = "aws ecr batch-get-image --repository-name {repo} --region {region} --image-ids imageTag=latest --query 'images[0].imageManifestMediaType'",
},
{
	.id = "ecr-cache-manifest-rejected",
	.title = "ECR rejected the build cache manifest (cache-to type=registry)",
	.patterns = L("error writing manifest blob*400 Bad Request",
		      "exporting cache to registry*400 Bad Request"),
	.cause = "buildx exports a registry cache as a cache manifest type "
		 "ECR does not store, and ECR answers 400 Bad Request.",
	.fix_steps = L("Write the cache as an image manifest: cache-to: type=registry,ref={registry}/{repo}:cache,mode=max,image-manifest=true,oci-mediatypes=true",
		       "Or use the GitHub cache instead: cache-from: type=gha and cache-to: type=gha,mode=max (what ecr-wizard's workflow does)."),
	.check_command = "aws ecr describe-images --repository-name {repo} --region {region} --image-ids imageTag=cache",
},
{
	.id = "ecr-registry-400",
	.flags = EW_KN_F_FALLBACK,
	.title = "ECR refused the push with 400 Bad Request (repository missing, immutable tag, or refused manifest)",
	.patterns = L("*.dkr.ecr.*/v2/*/manifests/*400 Bad Request",
		      "*.dkr.ecr.*/v2/*/blobs/*400 Bad Request"),
	.cause = "ECR answered the image upload with a bare 400 Bad Request. "
		 "The guide's cause is that repository {repo} does not exist in "
		 "account {repo_account}, region {region} (never created, or a "
		 "typo or wrong region in the tag). Other causes, in order of "
		 "frequency: the tag {tag} already exists and the repository's "
		 "tags are IMMUTABLE (buildx drops ECR's \"tag invalid\" text), "
		 "or ECR refused the manifest itself.",
	.fix_steps = L("Tell the causes apart: aws ecr describe-repositories --registry-id {repo_account} --repository-names {repo} --region {region} --query 'repositories[0].imageTagMutability' (RepositoryNotFoundException: create it; IMMUTABLE: see the next steps).",
		       "Repository missing: aws ecr create-repository --repository-name {repo} --region {region} (or ecr-wizard apply --repo {repo} --region {region}), and tag with ${{ steps.login-ecr.outputs.registry }}/{repo}.",
		       "IMMUTABLE and the tag exists (aws ecr describe-images --repository-name {repo} --region {region} --image-ids imageTag={tag}): push only unique tags (the commit SHA), or exclude moving tags with IMMUTABLE_WITH_EXCLUSION.",
		       "Neither: set provenance: false on docker/build-push-action and push again."),
	.check_command = "aws ecr describe-repositories --registry-id {repo_account} --repository-names {repo} --region {region} --query 'repositories[0].imageTagMutability'",
},
{
	.id = "ecr-registry-403",
	.flags = EW_KN_F_FALLBACK,
	.title = "ECR refused the push with 403 Forbidden (permissions, repository policy, or image limit)",
	.patterns = L("*.dkr.ecr.*/v2/*/manifests/*403 Forbidden",
		      "*.dkr.ecr.*/v2/*/blobs/*403 Forbidden",
		      "error parsing HTTP 403 response body"),
	.cause = "The login worked but ECR refused an upload on repository "
		 "{repo} with a bare 403. In order of frequency: the role lacks "
		 "a push action on this repository ARN (ecr:BatchCheckLayerAvailability, "
		 "ecr:InitiateLayerUpload, ecr:UploadLayerPart, "
		 "ecr:CompleteLayerUpload, ecr:PutImage), the repository's "
		 "policy or an explicit Deny refuses it (or the repository is in "
		 "another account, {repo_account}), or the repository reached "
		 "its limit of images.",
	.fix_steps = L("Check the role's permissions on the exact repository ARN: aws iam simulate-principal-policy --policy-source-arn {role_arn} --action-names ecr:InitiateLayerUpload ecr:PutImage ecr:BatchCheckLayerAvailability --resource-arns {repo_arn}",
		       "Read the repository policy: aws ecr get-repository-policy --registry-id {repo_account} --repository-name {repo} --region {region}",
		       "Count the images (the limit is 10,000 per repository; a lifecycle policy keeps it down): aws ecr describe-images --repository-name {repo} --region {region} --query 'length(imageDetails)'",
		       "AWS CloudTrail shows the denied call with its reason: aws cloudtrail lookup-events --region {region} --lookup-attributes AttributeKey=EventName,AttributeValue=InitiateLayerUpload --max-results 5"),
	.check_command = "aws iam simulate-principal-policy --policy-source-arn {role_arn} --action-names ecr:InitiateLayerUpload ecr:PutImage --resource-arns {repo_arn}",
},
{
	.id = "docker-io-push",
	.title = "The image was pushed to Docker Hub instead of ECR (no registry host in the tag)",
	.patterns = L("failed to push docker.io/",
		      "push access denied for docker.io/"),
	.cause = "The image name has no registry host, so docker pushed to "
		 "Docker Hub (docker.io), which refuses it; the image was "
		 "meant for ECR. The tag must start with the ECR host "
		 "({registry}/{repo}:TAG): an empty registry variable or output "
		 "(a masked secret, a login step in another job), or a tag "
		 "written as {repo}:TAG, leaves it out.",
	.fix_steps = L("Tag with the login step's output: tags: ${{ steps.login-ecr.outputs.registry }}/{repo}:${{ github.sha }}",
		       "If the registry comes from another job, pass the account ID and region as variables (not secrets, which GitHub masks) and build the host there.",
		       "Check the push step's log line \"The push refers to repository [...]\": it must name {registry}."),
	.check_command = "aws ecr describe-repositories --repository-names {repo} --region {region} --query 'repositories[0].repositoryUri'",
},
{
	.id = "docker-io-push-denied",
	.title = "Push denied by Docker Hub: the image was meant for ECR",
	.patterns = L("requested access to the resource is denied",
		      "insufficient_scope: authorization failed",
		      "push access denied, repository does not exist or may require authorization"),
	.needs = EW_KN_DOCKER_IO,
	.cause = "The image name has no registry host, so docker pushed to "
		 "Docker Hub (docker.io), which refuses it; the image was "
		 "meant for ECR. The tag must start with the ECR host "
		 "({registry}/{repo}:TAG): an empty registry variable or output "
		 "(a masked secret, a login step in another job), or a tag "
		 "written as {repo}:TAG, leaves it out.",
	.fix_steps = L("Tag with the login step's output: tags: ${{ steps.login-ecr.outputs.registry }}/{repo}:${{ github.sha }}",
		       "If the registry comes from another job, pass the account ID and region as variables (not secrets, which GitHub masks) and build the host there.",
		       "Check the push step's log line \"The push refers to repository [...]\": it must name {registry}."),
	.check_command = "aws ecr describe-repositories --repository-names {repo} --region {region} --query 'repositories[0].repositoryUri'",
},
{
	.id = "docker-login-non-tty",
	.flags = EW_KN_F_FALLBACK,
	.title = "docker login got no password (\"Cannot perform an interactive login from a non TTY device\")",
	.patterns = L("Cannot perform an interactive login from a non TTY device"),
	.cause = "docker login --password-stdin read an empty password, so it "
		 "tried to prompt: the aws ecr get-login-password before the "
		 "pipe failed (no credentials, no region, or "
		 "ecr:GetAuthorizationToken denied; its own error is on the line "
		 "above), or a username/password secret is empty.",
	.fix_steps = L("Read the error printed just before this line and fix that first (paste the whole step log into ecr-wizard explain).",
		       "Prefer aws-actions/amazon-ecr-login after configure-aws-credentials over a hand-written docker login.",
		       "By hand: aws ecr get-login-password --region {region} | docker login --username AWS --password-stdin {registry}"),
	.check_command = "aws ecr get-login-password --region {region} >/dev/null && echo ok",
},
{
	.id = "docker-hub-pull-rate-limit",
	.title = "Docker Hub pull rate limit reached while pulling a base image",
	.patterns = L("You have reached your pull rate limit",
		      "toomanyrequests: *pull rate limit"),
	.cause = "A base image in the Dockerfile comes from Docker Hub, which "
		 "limits anonymous pulls per IP address; shared GitHub runners "
		 "hit it. Nothing is wrong with the ECR setup.",
	.fix_steps = L("Log in to Docker Hub before the build (docker/login-action with a Docker Hub token), or",
		       "pull the base image from ECR Public (public.ecr.aws/docker/library/NAME:TAG) or an ECR pull-through cache in {region}."),
	.check_command = "aws ecr describe-pull-through-cache-rules --region {region}",
},

/* ---- conflicts and limits ------------------------------------------- */
{
	.id = "provider-already-exists",
	.title = "The GitHub OIDC provider already exists",
	.codes = L("EntityAlreadyExists"),
	.operation = "CreateOpenIDConnectProvider",
	.patterns = L("Provider with url * already exists"),
	.cause = "An account has one provider per URL; a previous setup "
		 "already created it.",
	.fix_steps = L("Reuse it (ecr-wizard does): check that its client IDs include {audience}.",
		       "Never delete it while other roles trust it."),
	.check_command = "aws iam get-open-id-connect-provider --open-id-connect-provider-arn " PROVIDER_ARN,
},
{
	.id = "role-already-exists",
	.title = "A role with this name already exists",
	.codes = L("EntityAlreadyExists"),
	.operation = "CreateRole",
	.patterns = L("Role with name * already exists"),
	.cause = "Role names are unique per account ignoring case; {role} (or "
		 "a name differing only in case) exists.",
	.fix_steps = L("Reuse it: ecr-wizard compares and updates its trust policy after showing the difference.",
		       "Or choose another name with --role-name."),
	.check_command = "aws iam get-role --role-name {role}",
},
{
	.id = "policy-already-exists",
	.title = "A policy with this name already exists",
	.codes = L("EntityAlreadyExists"),
	.operation = "CreatePolicy",
	.patterns = L("A policy called * already exists"),
	.cause = "Managed policy names are unique per account and path.",
	.fix_steps = L("Reuse it: ecr-wizard adds a new default version when the content differs.",
		       "Or choose another name with --policy-name."),
	.check_command = "aws iam get-policy --policy-arn {policy_arn}",
},
{
	.id = "entity-already-exists",
	.title = "The IAM entity already exists",
	.codes = L("EntityAlreadyExists"),
	.patterns = L("EntityAlreadyExists"),
	.cause = "The name or URL is already taken in this account.",
	.fix_steps = L("Reuse the existing entity, or pick another name.",
		       "Run ecr-wizard plan to see what exists."),
	.check_command = "ecr-wizard plan --github {github_repo}",
},
{
	.id = "repository-already-exists",
	.title = "The ECR repository already exists",
	.codes = L("RepositoryAlreadyExistsException"),
	.patterns = L("RepositoryAlreadyExistsException",
		      "repository with name '*' already exists"),
	.cause = "A repository named {repo} already exists in this registry.",
	.fix_steps = L("Reuse it (ecr-wizard does, and keeps its settings), or choose another name with --repo."),
	.check_command = "aws ecr describe-repositories --repository-names {repo} --region {region}",
},
{
	.id = "throttling",
	.title = "Request rate exceeded (throttling)",
	.codes = L("Throttling", "ThrottlingException", "RequestLimitExceeded",
		   "TooManyRequestsException", "ThrottledException",
		   "RequestThrottledException"),
	.patterns = L("Rate exceeded", "Throttling", "RequestLimitExceeded",
		      "TooManyRequestsException"),
	.cause = "AWS throttled the calls: too many requests in a short "
		 "time, often from other tools or pipelines calling IAM or ECR "
		 "in the same account.",
	.fix_steps = L("Wait a moment and run again; every step is safe to repeat.",
		       "Raise retries if it keeps happening: export AWS_MAX_ATTEMPTS=5"),
	.check_command = "aws sts get-caller-identity",
},
{
	.id = "service-unavailable",
	.title = "AWS answered with a server error",
	.codes = L("ServiceUnavailable", "ServiceFailure", "ServerException",
		   "InternalFailure", "InternalError", "ServiceUnavailableException"),
	.patterns = L("ServiceUnavailable", "ServiceFailure", "ServerException",
		      "InternalFailure", "(HTTP 500)", "(HTTP 502)", "(HTTP 503)",
		      "(HTTP 504)"),
	.cause = "The service failed on its side (HTTP 5xx) even after the "
		 "retries; nothing is wrong with the setup, and steps that "
		 "finished are kept.",
	.fix_steps = L("Wait a minute and run the same command again; finished steps are not repeated.",
		       "If it persists, check the AWS Health Dashboard for {region}, or a proxy between you and AWS (HTTPS_PROXY)."),
	.check_command = "aws sts get-caller-identity --region {region}",
},
{
	.id = "policy-version-limit",
	.title = "The policy already has five versions",
	.codes = L("LimitExceeded"),
	.operation = "CreatePolicyVersion",
	.patterns = L("can have up to 5 versions"),
	.cause = "A managed policy keeps at most five versions; a new one needs "
		 "the oldest non-default version deleted first.",
	.fix_steps = L("List them: aws iam list-policy-versions --policy-arn {policy_arn}",
		       "Delete the oldest non-default one: aws iam delete-policy-version --policy-arn {policy_arn} --version-id vN",
		       "Run ecr-wizard apply again (it does this itself when allowed iam:DeletePolicyVersion)."),
	.check_command = "aws iam list-policy-versions --policy-arn {policy_arn}",
},
{
	.id = "limit-exceeded",
	.title = "An AWS quota was reached",
	.codes = L("LimitExceeded", "LimitExceededException"),
	.patterns = L("LimitExceeded", "Cannot exceed quota for"),
	.cause = "A quota such as policies per role, roles per account or "
		 "repositories per region is reached; this is not throttling "
		 "and retrying will not help.",
	.fix_steps = L("Find the quota named in the message: aws iam get-account-summary",
		       "Remove unused entities, or request a quota increase in Service Quotas."),
	.check_command = "aws iam get-account-summary",
},
{
	.id = "malformed-policy-document",
	.title = "IAM rejected the policy document",
	.codes = L("MalformedPolicyDocument"),
	.patterns = L("MalformedPolicyDocument", "Syntax errors in policy",
		      "Invalid principal in policy"),
	.cause = "The JSON is invalid or breaks the policy grammar (for "
		 "example a principal ARN in another partition or a provider "
		 "that does not exist yet).",
	.fix_steps = L("Preview the documents: ecr-wizard plan --github {github_repo}",
		       "Make sure the OIDC provider exists before the role that trusts it.",
		       "Validate a hand-edited policy: aws accessanalyzer validate-policy --policy-type RESOURCE_POLICY --policy-document file://trust.json"),
	.check_command = "ecr-wizard plan --github {github_repo}",
},
{
	.id = "delete-conflict",
	.title = "Cannot delete: the entity is still in use",
	.codes = L("DeleteConflict"),
	.patterns = L("DeleteConflict", "must detach all policies first",
		      "Cannot delete a policy attached to entities"),
	.cause = "IAM refuses to delete a role with attached policies or a "
		 "policy that is still attached or has extra versions.",
	.fix_steps = L("Let teardown detach first: ecr-wizard teardown --role-name {role}",
		       "Or list what is attached: aws iam list-attached-role-policies --role-name {role}"),
	.check_command = "aws iam list-attached-role-policies --role-name {role}",
},
{
	.id = "repository-not-empty",
	.title = "Cannot delete the repository: it still holds images",
	.codes = L("RepositoryNotEmptyException"),
	.patterns = L("RepositoryNotEmptyException",
		      "cannot be deleted because it still contains images"),
	.cause = "DeleteRepository without force refuses a repository with "
		 "images.",
	.fix_steps = L("Keep the repository, or delete it with its images: aws ecr delete-repository --repository-name {repo} --region {region} --force"),
	.check_command = "aws ecr list-images --repository-name {repo} --region {region}",
},
{
	.id = "concurrent-modification",
	.title = "Another change to the same IAM entity is in progress",
	.codes = L("ConcurrentModification"),
	.patterns = L("ConcurrentModification"),
	.cause = "Two changes hit the same entity at once (another pipeline or "
		 "a second ecr-wizard run).",
	.fix_steps = L("Wait a few seconds and run again; every step is safe to repeat."),
	.check_command = "aws iam get-role --role-name {role}",
},

/* ---- last resorts --------------------------------------------------- */
{
	.id = "access-denied",
	.title = "Access denied",
	.codes = denied_codes,
	.patterns = L("is not authorized to perform", "AccessDenied"),
	.cause = "The identity ({principal_arn}) lacks a permission the call "
		 "needs, or a service control policy or boundary denies it.",
	.fix_steps = L("Read the action named after \"perform:\" and allow it on the resource named after \"on resource:\".",
		       "Run the command again."),
	.check_command = "aws sts get-caller-identity",
},
{
	.id = "assume-role-oidc-failed",
	.title = "Could not assume role with OIDC",
	.patterns = L("Could not assume role with OIDC"),
	.cause = "configure-aws-credentials could not exchange the GitHub token "
		 "for AWS credentials; the text after the colon is STS's reason.",
	.fix_steps = L("Run ecr-wizard doctor to check the provider, the role and its trust policy: ecr-wizard doctor --github {github_repo} --role-name {role}",
		       "Paste the whole failing step's log into ecr-wizard explain."),
	.check_command = "ecr-wizard doctor --github {github_repo} --role-name {role}",
},
};
/* clang-format on */

/* ------------------------------------------------------------------ */
/* Pattern index: a trigram gate so a 100 MB log is not globbed line by
 * line against every pattern.  Built once, read-only afterwards. */

#define TRI_BITS 15
#define TRI_SIZE (1u << TRI_BITS)
#define MAX_PATS 8
#define NO_GATE	 0xFFFFu

static uint16_t gate[ARRAY_SIZE(table)][MAX_PATS];
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;

static unsigned char lower(unsigned char c)
{
	return (unsigned char)tolower(c);
}

static unsigned tri_hash(unsigned char a, unsigned char b, unsigned char c)
{
	return ((a * 961u) + (b * 31u) + c) & (TRI_SIZE - 1);
}

static uint16_t pattern_gate(const char *p)
{
	size_t best = 0, best_len = 0, i = 0;

	while (p[i]) {
		size_t start = i;
		while (p[i] && p[i] != '*' && p[i] != '?')
			i++;
		if (i - start > best_len) {
			best = start;
			best_len = i - start;
		}
		if (p[i])
			i++;
	}
	if (best_len < 3)
		return NO_GATE;
	return (uint16_t)tri_hash(lower((unsigned char)p[best]),
				  lower((unsigned char)p[best + 1]),
				  lower((unsigned char)p[best + 2]));
}

static void build_gate(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		for (size_t j = 0; j < MAX_PATS; j++)
			gate[i][j] = NO_GATE;
		for (size_t j = 0;
		     table[i].patterns && table[i].patterns[j] && j < MAX_PATS;
		     j++)
			gate[i][j] = pattern_gate(table[i].patterns[j]);
	}
}

/* ------------------------------------------------------------------ */
/* Globs */

/* Whether pat occurs anywhere in t; t is already lower case. */
static bool search_lower(const char *pat, const char *t)
{
	const char *p = pat, *sp = pat, *st = t;

	for (;;) {
		if (!*p)
			return true;
		if (*p == '*') {
			sp = ++p;
			st = t;
			continue;
		}
		if (*t && (*p == '?' ||
			   lower((unsigned char)*p) == (unsigned char)*t)) {
			p++;
			t++;
			continue;
		}
		if (!*st)
			return false;
		p = sp;
		t = ++st;
	}
}

bool ew_knowledge_glob_search(const char *pattern, const char *text)
{
	char low[EW_KNOWLEDGE_MAX_TEXT + 1];
	size_t n = 0;

	if (!pattern || !text)
		return false;
	for (; text[n] && n < EW_KNOWLEDGE_MAX_TEXT; n++)
		low[n] = (char)lower((unsigned char)text[n]);
	low[n] = '\0';
	return search_lower(pattern, low);
}

/* Whole-string glob, as IAM's StringLike: `*` and `?`, case as asked. */
static bool glob_full(const char *p, size_t plen, const char *t, bool icase)
{
	const char *pe = p + plen, *sp = NULL, *st = NULL;

	while (*t) {
		if (p < pe && *p == '*') {
			sp = ++p;
			st = t;
			continue;
		}
		if (p < pe && (*p == '?' || *p == *t ||
			       (icase && lower((unsigned char)*p) ==
					     lower((unsigned char)*t)))) {
			p++;
			t++;
			continue;
		}
		if (!sp)
			return false;
		p = sp;
		t = ++st;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

static bool admitted(const char *trusted, const char *sub, bool icase)
{
	const char *p = trusted;

	if (!trusted || !*trusted || !sub || !*sub)
		return false;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len && glob_full(p, len, sub, icase))
			return true;
		p += len;
		if (*p)
			p++;
	}
	return false;
}

bool ew_knowledge_sub_admitted(const char *trusted_sub, const char *sub)
{
	return admitted(trusted_sub, sub, false);
}

/* ------------------------------------------------------------------ */
/* Facts */

static bool is_action_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '*' || c == '_';
}

/* Copy a "svc:Action" token starting at s; false when s holds none. */
static bool take_action(char *out, size_t size, const char *s)
{
	size_t i = 0, colon = 0;

	while (s[i] && (is_action_char((unsigned char)s[i]) ||
			(s[i] == ':' && !colon))) {
		if (s[i] == ':')
			colon = i;
		i++;
	}
	if (!colon || colon + 1 >= i || i >= size)
		return false;
	memcpy(out, s, i);
	out[i] = '\0';
	return true;
}

bool ew_knowledge_denied_action(char *out, size_t size, const char *text)
{
	static const char *const leads[] = {"authorized to perform",
					    "allows the "};
	char low[EW_KNOWLEDGE_MAX_TEXT + 1];
	size_t n = 0;

	if (!text || !out || !size)
		return false;
	for (; text[n] && n < EW_KNOWLEDGE_MAX_TEXT; n++)
		low[n] = (char)lower((unsigned char)text[n]);
	low[n] = '\0';
	for (size_t k = 0; k < ARRAY_SIZE(leads); k++) {
		const char *at = low;
		while ((at = strstr(at, leads[k])) != NULL) {
			const char *s = text + (at - low) + strlen(leads[k]);
			while (*s == ':' || *s == ' ')
				s++;
			if (take_action(out, size, s))
				return true;
			at++;
		}
	}
	return false;
}

/* The role name: v->role, else the last segment of v->role_arn. */
static const char *role_name(const struct ew_knowledge_values *v, size_t *len)
{
	const char *r;

	if (v->role && *v->role) {
		*len = strlen(v->role);
		return v->role;
	}
	if (!v->role_arn || !(r = strstr(v->role_arn, ":role/")))
		return NULL;
	r = strrchr(r, '/') + 1;
	*len = strlen(r);
	return *len ? r : NULL;
}

enum sub_kind { SUB_OTHER, SUB_ENV, SUB_PR, SUB_TAG, SUB_BRANCH, SUB_REF };

/*
 * GitHub's default subjects are repo:OWNER/REPO:CONTEXT; *at gets whether
 * OWNER/REPO carries the immutable @ID form.
 */
static enum sub_kind classify_sub(const char *sub, bool *at)
{
	const char *s, *colon;

	*at = false;
	if (strncmp(sub, "repo:", 5) != 0)
		return SUB_OTHER;
	s = sub + 5;
	colon = strchr(s, ':');
	if (!colon || !memchr(s, '/', (size_t)(colon - s)))
		return SUB_OTHER;
	*at = memchr(s, '@', (size_t)(colon - s)) != NULL;
	s = colon + 1;
	if (strncmp(s, "environment:", 12) == 0 && s[12] &&
	    !strchr(s + 12, ':'))
		return SUB_ENV;
	if (strcmp(s, "pull_request") == 0)
		return SUB_PR;
	if (strncmp(s, "ref:refs/tags/", 14) == 0 && !strchr(s + 4, ':'))
		return SUB_TAG;
	if (strncmp(s, "ref:refs/heads/", 15) == 0 && !strchr(s + 4, ':'))
		return SUB_BRANCH;
	if (strncmp(s, "ref:refs/", 9) == 0 && !strchr(s + 4, ':'))
		return SUB_REF;
	return SUB_OTHER;
}

/* Whether a trusted pattern without wildcards equals sub. */
static bool exact_admits(const char *trusted, const char *sub)
{
	size_t n = strlen(sub);

	for (const char *p = trusted; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, sub, n) == 0)
			return true;
		p += len;
		if (*p)
			p++;
	}
	return false;
}

unsigned ew_knowledge_needs_met(const struct ew_knowledge_values *v)
{
	unsigned met = 0;
	const char *role, *sub;
	size_t rlen = 0;
	bool at, trusted, ok;
	enum sub_kind kind;

	if (!v)
		return 0;
	role = role_name(v, &rlen);
	if (role && rlen == 13 && strncasecmp(role, "GitHubActions", 13) == 0)
		met |= EW_KN_ROLE_GITHUB;
	if (v->actor && ew_knowledge_glob_search("dependabot", v->actor))
		met |= EW_KN_DEPENDABOT;
	if (v->login_seen)
		met |= EW_KN_LOGIN_SEEN;
	if (v->docker_io_push)
		met |= EW_KN_DOCKER_IO;
	sub = v->job_sub;
	if (!sub || !*sub)
		return met;
	kind = classify_sub(sub, &at);
	if (kind == SUB_PR)
		met |= EW_KN_JOB_PR;
	trusted = v->trusted_sub && *v->trusted_sub;
	ok = trusted && admitted(v->trusted_sub, sub, false);
	if (ok) {
		if (!exact_admits(v->trusted_sub, sub))
			met |= EW_KN_SUB_WILDCARD;
		return met;
	}
	if (kind == SUB_OTHER) {
		met |= EW_KN_SUB_TEMPLATE;
		return met;
	}
	if (at && (!trusted || !strchr(v->trusted_sub, '@')))
		met |= EW_KN_SUB_IMMUTABLE;
	if (trusted && admitted(v->trusted_sub, sub, true))
		met |= EW_KN_SUB_CASE;
	if (kind == SUB_ENV)
		met |= EW_KN_SUB_ENV;
	if (kind == SUB_PR)
		met |= EW_KN_SUB_PR;
	if (kind == SUB_TAG)
		met |= EW_KN_SUB_TAG;
	if (kind == SUB_BRANCH && trusted)
		met |= EW_KN_SUB_BRANCH;
	return met;
}

/* ------------------------------------------------------------------ */
/* Matching */

struct qstate {
	const char *text; /* original text (bounded by low's length) */
	const char *low;  /* lower-cased copy, or NULL without text */
	const char *code;
	const char *op;
	long status;
	const char *action; /* denied action named in the text, or "" */
	unsigned needs;
	const uint64_t *tri; /* trigram set of low */
};

static bool in_list(const char *const *list, const char *s, bool icase)
{
	for (; list && *list; list++)
		if (icase ? strcasecmp(*list, s) == 0 : strcmp(*list, s) == 0)
			return true;
	return false;
}

static bool any_pattern(const struct ew_knowledge_entry *e, size_t idx,
			const struct qstate *s)
{
	if (!s->low)
		return false;
	for (size_t j = 0; e->patterns[j]; j++) {
		unsigned g = j < MAX_PATS ? gate[idx][j] : NO_GATE;
		if (g != NO_GATE && !(s->tri[g >> 6] & (1ull << (g & 63))))
			continue;
		if (search_lower(e->patterns[j], s->low))
			return true;
	}
	return false;
}

static bool structured(const struct ew_knowledge_entry *e, size_t idx,
		       const struct qstate *s)
{
	if (!e->codes || !s->code || !*s->code ||
	    !in_list(e->codes, s->code, false))
		return false;
	if (e->http_status && e->http_status != s->status)
		return false;
	if (e->actions) {
		if (*s->action)
			return in_list(e->actions, s->action, true) &&
			       (!e->patterns || any_pattern(e, idx, s));
		return e->operation && s->op &&
		       strcmp(e->operation, s->op) == 0;
	}
	if (e->operation)
		return s->op && strcmp(e->operation, s->op) == 0;
	return true;
}

static bool by_text(const struct ew_knowledge_entry *e, size_t idx,
		    const struct qstate *s)
{
	if (!s->low)
		return false;
	if (e->actions) {
		if (!*s->action || !in_list(e->actions, s->action, true))
			return false;
		return !e->patterns || any_pattern(e, idx, s);
	}
	return e->patterns && any_pattern(e, idx, s);
}

/* Copy what lies between `open` and `close` after `lead` in text. */
static bool take_between(char *out, size_t size, const char *text,
			 const char *lead, char close)
{
	const char *s = strstr(text, lead), *e;

	if (!s)
		return false;
	s += strlen(lead);
	e = strchr(s, close);
	if (!e || e == s || (size_t)(e - s) >= size)
		return false;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return true;
}

size_t ew_knowledge_match(const struct ew_knowledge_entry **out, size_t max,
			  const struct ew_knowledge_query *q)
{
	char low[EW_KNOWLEDGE_MAX_TEXT + 1];
	char text[EW_KNOWLEDGE_MAX_TEXT + 1];
	char action[128] = "", cli_code[64], cli_op[64];
	uint64_t tri[TRI_SIZE / 64];
	struct qstate s;
	size_t n = 0, found = 0;

	pthread_once(&gate_once, build_gate);
	memset(&s, 0, sizeof(s));
	if (!q)
		return 0;
	s.code = q->aws_code;
	s.op = q->operation;
	s.status = q->http_status;
	s.action = action;
	s.needs = ew_knowledge_needs_met(q->values);
	if (q->text) {
		memset(tri, 0, sizeof(tri));
		for (; q->text[n] && n < EW_KNOWLEDGE_MAX_TEXT; n++) {
			text[n] = q->text[n];
			low[n] = (char)lower((unsigned char)q->text[n]);
		}
		text[n] = low[n] = '\0';
		for (size_t i = 0; i + 2 < n; i++) {
			unsigned h = tri_hash((unsigned char)low[i],
					      (unsigned char)low[i + 1],
					      (unsigned char)low[i + 2]);
			tri[h >> 6] |= 1ull << (h & 63);
		}
		s.text = text;
		s.low = low;
		s.tri = tri;
		ew_knowledge_denied_action(action, sizeof(action), text);
		/* The AWS CLI says "An error occurred (CODE) when calling the
		 * OP operation: ..."; use the code and operation it names. */
		if ((!s.code || !*s.code) &&
		    take_between(cli_code, sizeof(cli_code), text,
				 "An error occurred (", ')')) {
			s.code = cli_code;
			if (take_between(cli_op, sizeof(cli_op), text,
					 "when calling the ", ' '))
				s.op = cli_op;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		const struct ew_knowledge_entry *e = &table[i];
		if (e->needs & ~s.needs)
			continue;
		if (!structured(e, i, &s) && !by_text(e, i, &s))
			continue;
		if (out && found < max)
			out[found] = e;
		found++;
	}
	return found;
}

const struct ew_knowledge_entry *
ew_knowledge_match_error(const struct ew_error *err)
{
	const struct ew_knowledge_entry *best = NULL;
	struct ew_knowledge_query q;

	if (!err || (!err->aws_code[0] && !err->message[0]))
		return NULL;
	memset(&q, 0, sizeof(q));
	q.text = err->message;
	q.aws_code = err->aws_code;
	q.operation = err->operation[0] ? err->operation : NULL;
	q.http_status = err->http_status;
	ew_knowledge_match(&best, 1, &q);
	return best;
}

size_t ew_knowledge_match_text(const struct ew_knowledge_entry **out,
			       size_t max, const char *line)
{
	struct ew_knowledge_query q;

	memset(&q, 0, sizeof(q));
	q.text = line;
	return ew_knowledge_match(out, max, &q);
}

const struct ew_knowledge_entry *ew_knowledge_entries(size_t *count)
{
	if (count)
		*count = ARRAY_SIZE(table);
	return table;
}

const struct ew_knowledge_entry *ew_knowledge_find(const char *id)
{
	for (size_t i = 0; id && i < ARRAY_SIZE(table); i++)
		if (strcmp(table[i].id, id) == 0)
			return &table[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Rendering */

static int put_list(struct ew_buf *out, const char *list)
{
	int rc = 0;

	for (const char *p = list; *p && !rc; p++)
		rc = *p == '\n' ? ew_buf_puts(out, ", ") : ew_buf_putc(out, *p);
	return rc;
}

static bool known(const char *s)
{
	return s && *s;
}

/* Append the value of {name}; returns 1 when the name is unknown. */
static int put_value(struct ew_buf *out, const char *name, size_t len,
		     const struct ew_knowledge_values *v)
{
	static const struct ew_knowledge_values none;
	const struct ew_partition *part = NULL;
	const char *pid;
	size_t rlen = 0;
	const char *role;

	if (!v)
		v = &none;
	if (known(v->partition))
		part = ew_partition_by_id(v->partition);
	if (!part && known(v->region))
		part = ew_partition_for_region(v->region);
	pid = known(v->partition) ? v->partition : part ? part->id : "aws";

#define IS(s)	       (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
#define VAL(field, ph) ew_buf_puts(out, known(v->field) ? v->field : ph)
	if (IS("account"))
		return VAL(account, "<ACCOUNT_ID>");
	if (IS("region"))
		return VAL(region, "<REGION>");
	if (IS("partition"))
		return ew_buf_puts(out, pid);
	if (IS("role")) {
		role = role_name(v, &rlen);
		return role ? ew_buf_add(out, role, rlen)
			    : ew_buf_puts(out, "<ROLE_NAME>");
	}
	if (IS("role_arn"))
		return known(v->role_arn)
			   ? ew_buf_puts(out, v->role_arn)
			   : ew_knowledge_render(
				 out,
				 "arn:{partition}:iam::{account}:role/{role}",
				 v);
	if (IS("policy"))
		return VAL(policy, "<POLICY_NAME>");
	if (IS("policy_arn"))
		return ew_knowledge_render(
		    out, "arn:{partition}:iam::{account}:policy/{policy}", v);
	if (IS("repo"))
		return VAL(repo, "<REPOSITORY>");
	if (IS("repo_arn"))
		return ew_knowledge_render(
		    out,
		    "arn:{partition}:ecr:{region}:{repo_account}:repository/"
		    "{repo}",
		    v);
	if (IS("repo_account"))
		return VAL(repo_account,
			   known(v->account) ? v->account : "<ACCOUNT_ID>");
	if (IS("duration"))
		return VAL(duration, "<ROLE_DURATION_SECONDS>");
	if (IS("tag"))
		return VAL(tag, "<TAG>");
	if (IS("chained_role_arn"))
		return VAL(chained_role_arn, "<SECOND_ROLE_ARN>");
	if (IS("chained_role")) {
		const char *r = known(v->chained_role_arn)
				    ? strrchr(v->chained_role_arn, '/')
				    : NULL;
		return ew_buf_puts(out,
				   r && r[1] ? r + 1 : "<SECOND_ROLE_NAME>");
	}
	if (IS("registry")) {
		int rc = ew_knowledge_render(
		    out, "{repo_account}.dkr.ecr.{region}.", v);
		return rc ? rc
			  : ew_buf_puts(out, part ? part->dns_suffix
						  : "amazonaws.com");
	}
	if (IS("github_repo"))
		return VAL(github_repo, "<OWNER>/<REPO>");
	if (IS("sub"))
		return VAL(job_sub, "<JOB_SUBJECT>");
	if (IS("trusted_sub"))
		return known(v->trusted_sub)
			   ? put_list(out, v->trusted_sub)
			   : ew_buf_puts(out, "<TRUSTED_SUBJECT>");
	if (IS("principal_arn"))
		return VAL(principal_arn, "<PRINCIPAL_ARN>");
	if (IS("audience"))
		return ew_buf_puts(out,
				   part ? part->audience : "sts.amazonaws.com");
#undef IS
#undef VAL
	return 1;
}

const char *ew_knowledge_placeholder_hint(const char *name)
{
	static const struct {
		const char *name, *hint;
	} hints[] = {
	    {"PRINCIPAL_ARN", "aws sts get-caller-identity --query Arn "
			      "--output text"},
	    {"ACCOUNT_ID", "aws sts get-caller-identity --query Account "
			   "--output text"},
	    {"REGION", "the aws-region input of configure-aws-credentials, "
		       "or aws configure get region"},
	    {"ROLE_NAME", "the name after :role/ in the role-to-assume "
			  "secret (gh secret list; aws iam list-roles --query "
			  "'Roles[].RoleName')"},
	    {"POLICY_NAME", "aws iam list-attached-role-policies "
			    "--role-name ROLE"},
	    {"REPOSITORY", "aws ecr describe-repositories --query "
			   "'repositories[].repositoryName'"},
	    {"OWNER", "gh repo view --json nameWithOwner --jq "
		      ".nameWithOwner (or git remote get-url origin)"},
	    {"REPO", "gh repo view --json nameWithOwner --jq .nameWithOwner "
		     "(or git remote get-url origin)"},
	    {"JOB_SUBJECT", "run github/actions-oidc-debugger in the job, or "
			    "ecr-wizard doctor"},
	    {"TRUSTED_SUBJECT", "aws iam get-role --role-name ROLE --query "
				"Role.AssumeRolePolicyDocument"},
	    {"ROLE_DURATION_SECONDS", "the role-duration-seconds input of "
				      "configure-aws-credentials"},
	    {"TAG", "the tag after the last ':' in the image name the push "
		    "step printed"},
	    {"SECOND_ROLE_ARN", "the role-to-assume of the second "
				"configure-aws-credentials step"},
	    {"SECOND_ROLE_NAME", "the name after :role/ in the role-to-assume "
				 "of the second configure-aws-credentials "
				 "step"},
	};
	size_t n;

	if (!name)
		return NULL;
	if (*name == '<')
		name++;
	n = strcspn(name, ">");
	for (size_t i = 0; i < ARRAY_SIZE(hints); i++)
		if (strlen(hints[i].name) == n &&
		    memcmp(hints[i].name, name, n) == 0)
			return hints[i].hint;
	return NULL;
}

int ew_knowledge_render(struct ew_buf *out, const char *tmpl,
			const struct ew_knowledge_values *v)
{
	const char *p = tmpl;
	int rc = 0;

	while (p && *p && !rc) {
		const char *open = strchr(p, '{'), *close;
		if (!open)
			return ew_buf_puts(out, p);
		rc = ew_buf_add(out, p, (size_t)(open - p));
		close = strchr(open + 1, '}');
		if (rc || !close) {
			if (!rc)
				rc = ew_buf_puts(out, open);
			break;
		}
		rc = put_value(out, open + 1, (size_t)(close - open - 1), v);
		if (rc == 1) /* not ours: keep "{name}" as written */
			rc = ew_buf_add(out, open, (size_t)(close - open + 1));
		p = close + 1;
	}
	return rc;
}
