#!/bin/sh
# plan.sh - `ecr-wizard plan`: reads only.  Offline plans (no credentials,
# --account) in the three partitions: ARNs, audience, registry host, every
# document, a script `sh -n` accepts, zero requests; a live plan against
# moto creates nothing; the immutable subject form with the repository IDs
# from a GitHub API stub, and the fallback when the API is unreachable.
. "$EW_TOP/tests/tools/cli_engine_lib.sh"

# --- offline, three partitions ---------------------------------------
no_creds
for p in "us-east-1 aws sts.amazonaws.com amazonaws.com" \
	"cn-north-1 aws-cn sts.amazonaws.com.cn amazonaws.com.cn" \
	"us-gov-west-1 aws-us-gov sts.amazonaws.com amazonaws.com"; do
	set -- $p
	region=$1 part=$2 aud=$3 suffix=$4
	rm -f "$W/trace"
	ew off plan --github octo-org/app --account 123456789012 --region "$region" --trace="$W/trace"
	check "$region offline plan: exit 0" [ "$rc" -eq 0 ]
	# (the trace shows the GitHub API attempt too; AWS calls are POSTs)
	check "$region: nothing sent to AWS" sh -c "! grep -q '^> POST' '$W/trace'"
	check "$region: resources 'create (not checked)'" grep -q "create (not checked" "$W/off.out"
	check "$region: provider ARN in $part" grep -q "\"arn:$part:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\"" "$W/off.out"
	check "$region: audience $aud" grep -q "githubusercontent.com:aud\": \"$aud\"" "$W/off.out"
	check "$region: repository ARN" grep -q "\"arn:$part:ecr:$region:123456789012:repository/app\"" "$W/off.out"
	check "$region: provider command with the audience" grep -q "create-open-id-connect-provider --region $region --url https://token.actions.githubusercontent.com --client-id-list $aud" "$W/off.out"
	ew offj plan --github octo-org/app --account 123456789012 --region "$region" --output json
	check "$region json: exit 0" [ "$rc" -eq 0 ]
	check "$region json: offline, 0 requests" [ "$(jget "$W/offj.out" 'd["offline"], d["requests"], d["mutations"]')" = "True 0 0" ]
	check "$region json: registry host" [ "$(jget "$W/offj.out" '[s["value"] for s in d["secrets"] if s["name"]=="ECR_REGISTRY"][0]')" = "123456789012.dkr.ecr.$region.$suffix" ]
	check "$region json: role ARN secret" [ "$(jget "$W/offj.out" '[s["value"] for s in d["secrets"] if s["name"]=="AWS_ROLE_ARN"][0]')" = "arn:$part:iam::123456789012:role/GitHubActions-ECR-Role" ]
	check "$region json: every step create, identity skipped" [ "$(jget "$W/offj.out" '",".join(s["action"] for s in d["steps"])')" = "skip,create,create,create,create,create,create,create" ]
	check "$region json: workflow planned" [ "$(jget "$W/offj.out" 'd["workflow"]["status"]')" = "planned" ]
done

# The script part of the text plan is valid sh and writes the documents.
sed -n '/^#!\/bin\/sh$/,$p' "$W/off.out" | sed '/^[0-9]* requests*, none/d' >"$W/plan-script.sh"
check "script: sh -n accepts it" sh -n "$W/plan-script.sh"
check "script: writes trust-policy.json" grep -q "^cat > trust-policy.json <<'ECR_WIZARD_EOF'" "$W/plan-script.sh"
check "script: create-role reads it" grep -q "aws iam create-role --region us-gov-west-1 --role-name GitHubActions-ECR-Role --assume-role-policy-document file://trust-policy.json --description 'Assumed by GitHub Actions in octo-org/app through OIDC to push to ECR (created by ecr-wizard)' --tags Key=managed-by,Value=ecr-wizard" "$W/plan-script.sh"
check "script: put-lifecycle-policy in the region" grep -q "aws ecr put-lifecycle-policy --region us-gov-west-1 --repository-name app --lifecycle-policy-text file://lifecycle-policy.json" "$W/plan-script.sh"

# Scopes: exact subjects under StringEquals, patterns under StringLike.
ew scopes plan --github octo-org/app --account 123456789012 --trust branch:main --trust 'tag:v*' --trust env:production --trust pull_request --output json
check "scopes: exit 0" [ "$rc" -eq 0 ]
jget "$W/scopes.out" '[s["desired"] for s in d["steps"] if s["kind"]=="role"][0]' >"$W/trust.json"
check "scopes: exact subjects under StringEquals, patterns under StringLike" python3 - "$W/trust.json" <<'PY'
import json, sys
key = "token.actions.githubusercontent.com:sub"
eq, like = [], []
# StringEquals and StringLike in one Condition would both have to hold,
# so exact subjects and patterns may sit in separate statements.
for st in json.load(open(sys.argv[1]))["Statement"]:
    c = st["Condition"]
    assert c["StringEquals"]["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    assert not any(k.startswith("ForAllValues") for k in c)
    v = c.get("StringEquals", {}).get(key)
    eq += v if isinstance(v, list) else [v] if v else []
    v = c.get("StringLike", {}).get(key)
    like += v if isinstance(v, list) else [v] if v else []
assert sorted(eq) == sorted(["repo:octo-org/app:ref:refs/heads/main",
    "repo:octo-org/app:environment:production", "repo:octo-org/app:pull_request"]), eq
assert like == ["repo:octo-org/app:ref:refs/tags/v*"], like
PY

# --- the GitHub API: immutable subject form, or the fallback ----------
python3 "$EW_TOP/tests/tools/github_stub.py" --lifetime 120 >"$W/stub.port" &
stub=$!
i=0
while [ ! -s "$W/stub.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
GITHUB_API_URL=http://127.0.0.1:$(head -1 "$W/stub.port") ew ids plan --github octo-org/public-repo --account 123456789012 --output json
rc_ids=$rc
GH=http://127.0.0.1:$(head -1 "$W/stub.port")
# GitHub's casing (full_name) for the subjects, the ECR name lower case
GITHUB_API_URL=$GH ew casing plan --github OCTO-ORG/Widgets --account 123456789012
check "casing: exit 0" [ "$rc" -eq 0 ]
check "casing: subjects in GitHub's casing" grep -q '"repo:octo-org/widgets:\*"' "$W/casing.out"
check "casing: not in the remote's" sh -c "! grep -q 'repo:OCTO-ORG' '$W/casing.out'"
check "casing: a note says so" grep -q "note: GitHub spells the repository octo-org/widgets, not OCTO-ORG/Widgets" "$W/casing.out"
check "casing: ECR repository lower case" grep -q "repository/widgets\"" "$W/casing.out"
# a custom subject template: the subjects follow it, the note shows it
GITHUB_API_URL=$GH ew tmpl plan --github octo-org/custom-repo --account 123456789012 --trust branch:main
check "template: exit 0" [ "$rc" -eq 0 ]
check "template: subject in the template" grep -q '"repo:octo-org/custom-repo:ref:refs/heads/main:job_workflow_ref:octo-org/custom-repo/.github/workflows/ecr-push.yml@refs/heads/main"' "$W/tmpl.out"
check "template: the note shows it" grep -q "note: the OIDC subject template of octo-org/custom-repo is custom (include_claim_keys: repo, context, job_workflow_ref)" "$W/tmpl.out"
# a template that cannot be satisfied: exit 2 naming the claim and the fix
GITHUB_API_URL=$GH ew badtmpl plan --github octo-org/env-template --account 123456789012
check "unsatisfiable template: exit 2" [ "$rc" -eq 2 ]
check "unsatisfiable template: names the claim and the fix" grep -q "names 'environment'.*use_default=true" "$W/badtmpl.err"
kill $stub 2>/dev/null
check "github ids: exit 0" [ "$rc_ids" -eq 0 ]
check "github ids: immutable subject in the trust policy" grep -q 'repo:octo-org@123456/public-repo@456789:\*' "$W/ids.out"
check "github ids: legacy subject too" grep -q 'repo:octo-org/public-repo:\*' "$W/ids.out"
ew noapi plan --github octo-org/app --account 123456789012
check "github API unreachable: plan still made" [ "$rc" -eq 0 ]
check "github API unreachable: the plan says so" grep -q "note: cannot read the repository IDs" "$W/noapi.out"
check "github API unreachable: legacy subject only" sh -c "! grep -q 'octo-org@' '$W/noapi.out'"
check "github API unreachable: the note names --github-ids" grep -q "note: .*--github-ids OWNER_ID/REPO_ID" "$W/noapi.out"
ew byhand plan --github octo-org/app --account 123456789012 --github-ids 111/222
check "--github-ids: exit 0" [ "$rc" -eq 0 ]
check "--github-ids: immutable subject" grep -q '"repo:octo-org@111/app@222:\*"' "$W/byhand.out"
check "--github-ids: legacy subject too" grep -q '"repo:octo-org/app:\*"' "$W/byhand.out"

# --- live plan against moto: reads only ---------------------------------
with_moto
py reset
ew live plan --github octo-org/app --output json
check "live plan: exit 0" [ "$rc" -eq 0 ]
check "live plan: account from STS" [ "$(jget "$W/live.out" 'd["account"]')" = "123456789012" ]
check "live plan: 7 reads, no change" [ "$(jget "$W/live.out" 'd["requests"], d["mutations"]')" = "7 0" ]
check "live plan: every resource to create" [ "$(jget "$W/live.out" '",".join(s["action"] for s in d["steps"][1:-1])')" = "create,create,create,create,create,create" ]
py role-exists GitHubActions-ECR-Role no
ew livetext plan --github octo-org/app
check "live text plan: shows the steps" grep -q "create    IAM role GitHubActions-ECR-Role: not found: will be created" "$W/livetext.out"
check "live text plan: says nothing changed" grep -q "none of them changed anything" "$W/livetext.out"
check "no secret in any output" no_secret "$W"/*.out "$W"/*.err
finish
