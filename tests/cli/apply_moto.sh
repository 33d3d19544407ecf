#!/bin/sh
# apply_moto.sh - `ecr-wizard apply` against moto: a fresh apply read back
# field by field, a second apply with no mutating call, drift repaired with
# the diff shown, the workflow kept or overwritten, several environments,
# the secrets table; and --demo failures (exit 1 with the hint, exit 3 for
# expired credentials).
. "$EW_TOP/tests/tools/cli_engine_lib.sh"
with_moto
ROLE=GitHubActions-ECR-Role POLICY=GitHubActions-ECR-Policy

# --- fresh apply ---------------------------------------------------------
py reset
ew first apply --github octo-org/app --yes --output json
check "first apply: exit 0" [ "$rc" -eq 0 ]
check "first apply: at most 13 requests" [ "$(jget "$W/first.out" 'd["requests"] <= 13')" = True ]
check "first apply: at most 6 in sequence" [ "$(jget "$W/first.out" 'd["sequential_depth"] <= 6')" = True ]
check "first apply: 6 changes" [ "$(jget "$W/first.out" 'd["mutations"]')" = 6 ]
check "first apply: every resource done" [ "$(jget "$W/first.out" '",".join(s["state"] for s in d["steps"][1:-1])')" = "done,done,done,done,done,done" ]
check "first apply: error null everywhere" [ "$(jget "$W/first.out" 'all(s["error"] is None for s in d["steps"])')" = True ]
check "first apply: the four secrets" [ "$(jget "$W/first.out" '",".join(s["name"] for s in d["secrets"])')" = "AWS_REGION,ECR_REPOSITORY,ECR_REGISTRY,AWS_ROLE_ARN" ]
check "first apply: role ARN secret" [ "$(jget "$W/first.out" '[s["value"] for s in d["secrets"] if s["name"]=="AWS_ROLE_ARN"][0]')" = "arn:aws:iam::123456789012:role/$ROLE" ]
check "first apply: workflow created" [ "$(jget "$W/first.out" 'd["workflow"]["status"], d["workflow"]["written"]')" = "created True" ]
check "first apply: workflow file there" grep -q "id-token: write" "$W/repo/.github/workflows/ecr-push.yml"
py check-setup octo-org/app $ROLE $POLICY app us-east-1

# --- second apply: nothing to change -------------------------------------
ew second apply --github octo-org/app --yes --output json
check "second apply: exit 0" [ "$rc" -eq 0 ]
check "second apply: no mutating call" [ "$(jget "$W/second.out" 'd["mutations"]')" = 0 ]
check "second apply: every resource unchanged" [ "$(jget "$W/second.out" '",".join(s["state"] for s in d["steps"][1:-1])')" = "unchanged,unchanged,unchanged,unchanged,unchanged,unchanged" ]
check "second apply: workflow unchanged" [ "$(jget "$W/second.out" 'd["workflow"]["status"]')" = "unchanged" ]

# --- drift: trust and permissions changed behind its back ----------------
py drift-trust $ROLE
py drift-policy $POLICY
ew drift apply --github octo-org/app --yes
check "drift apply: exit 0" [ "$rc" -eq 0 ]
check "drift: trust diff shown" grep -q '^-          "token.actions.githubusercontent.com:sub": "repo:octo-org/\*"' "$W/drift.out"
check "drift: permissions diff shown" grep -q '^-      "Action": "ecr:\*",' "$W/drift.out"
check "drift: role updated" grep -q "^  updated   IAM role $ROLE: trust policy updated" "$W/drift.out"
check "drift: policy updated" grep -q "^  updated   IAM policy $POLICY: updated: new default version" "$W/drift.out"
check "drift: the wider version it superseded deleted" grep -q "^  updated   IAM policy $POLICY: updated: new default version v3; deleted v2, which granted more" "$W/drift.out"
check "drift: exactly three changes (trust, version, deletion)" grep -q "^Done: [0-9]* requests, 3 change" "$W/drift.out"
check "drift: the rest unchanged" [ "$(grep -c '^  unchanged .*s, [0-9]* requests*)$' "$W/drift.out")" -eq 4 ]
check "drift: secrets table" grep -q "^AWS_ROLE_ARN *arn:aws:iam::123456789012:role/$ROLE" "$W/drift.out"
check "drift: gh lines" grep -q "^gh secret set AWS_REGION --repo octo-org/app --body us-east-1$" "$W/drift.out"
py check-setup octo-org/app $ROLE $POLICY app us-east-1

# --- the workflow: a different file is kept unless --force ---------------
echo "# mine" >>"$W/repo/.github/workflows/ecr-push.yml"
ew keep apply --github octo-org/app --yes
check "workflow differs: apply still exit 0" [ "$rc" -eq 0 ]
check "workflow differs: kept, diff shown" grep -q "exists and differs: kept" "$W/keep.out"
check "workflow differs: the diff" grep -q "^-# mine" "$W/keep.out"
check "workflow differs: file untouched" grep -q "^# mine" "$W/repo/.github/workflows/ecr-push.yml"
ew force apply --github octo-org/app --yes --force --output json
check "--force: workflow updated" [ "$(jget "$W/force.out" 'd["workflow"]["status"]')" = "updated" ]
check "--force: file rewritten" sh -c "! grep -q '^# mine' '$W/repo/.github/workflows/ecr-push.yml'"
ew nowf apply --github octo-org/app --yes --no-workflow --output json
check "--no-workflow: not handled" [ "$(jget "$W/nowf.out" 'd["workflow"]')" = None ]

# --- environments ----------------------------------------------------------
py reset
# --force: the file of the runs above has no environment: its jobs could
# assume none of these roles, and apply would refuse to keep it.
ew envs apply --github octo-org/app --yes --force --env staging:us-west-2:app-staging --env production:eu-west-1:app-prod --output json
check "environments: exit 0" [ "$rc" -eq 0 ]
check "environments: 8 secrets, 4 per environment" [ "$(jget "$W/envs.out" '",".join(sorted(set(s["environment"] for s in d["secrets"]))), len(d["secrets"])')" = "production,staging 8" ]
check "environments: step ids" [ "$(jget "$W/envs.out" '"role:staging" in [s["id"] for s in d["steps"]]')" = True ]
py check-setup octo-org/app $ROLE-staging $POLICY-staging app-staging us-west-2 "repo:octo-org/app:environment:staging"
py check-setup octo-org/app $ROLE-production $POLICY-production app-prod eu-west-1 "repo:octo-org/app:environment:production"
ew envs2 apply --github octo-org/app --yes --env staging:us-west-2:app-staging --env production:eu-west-1:app-prod --output json
check "environments, second apply: no mutating call" [ "$(jget "$W/envs2.out" 'd["mutations"]')" = 0 ]

# --- demo: failures and their hints ----------------------------------------
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
export AWS_ENDPOINT_URL=http://127.0.0.1:9
ew demo apply --demo --github octo-org/app --yes --no-workflow
check "demo apply: exit 0 without credentials" [ "$rc" -eq 0 ]
ew denied apply --demo-scenario access-denied --github octo-org/app --yes --no-workflow
check "demo access denied: exit 1" [ "$rc" -eq 1 ]
check "demo access denied: the AWS code" grep -q "CreateRole AccessDenied" "$W/denied.out"
check "demo access denied: the cause and fix" grep -q "cause: " "$W/denied.out"
check "demo access denied: the check command" grep -q "check: " "$W/denied.out"
check "demo access denied: attach skipped" grep -q "^  skipped   Attach .*: not run\|^  skipped   Attach .*needs" "$W/denied.out"
ew deniedj apply --demo-scenario access-denied --github octo-org/app --yes --no-workflow --output json
check "demo access denied json: error with hint" [ "$(jget "$W/deniedj.out" '[s["error"]["aws_code"] for s in d["steps"] if s["state"]=="failed"][0], [s["error"]["hint"] is not None for s in d["steps"] if s["state"]=="failed"][0]')" = "AccessDenied True" ]
ew throttle apply --demo-scenario throttling --github octo-org/app --yes --no-workflow
check "demo throttling: exit 0" [ "$rc" -eq 0 ]
check "demo throttling: retries shown" grep -q "^  retrying iam:CreateRole (Throttling, attempt 2/3, waiting" "$W/throttle.out"
ew expired apply --demo-scenario expired-token --github octo-org/app --yes --no-workflow
check "demo expired credentials: exit 3" [ "$rc" -eq 3 ]
# SIGINT while the simulated calls are in flight: cancelled, exit 130.
mkdir -p "$W/repo"
(cd "$W/repo" && exec "$EW_BIN" apply --demo --github octo-org/app --yes --no-workflow </dev/null >"$W/int.out" 2>&1) &
pid=$!
sleep 0.6
kill -INT $pid
wait $pid
rc=$?
check "SIGINT: exit 130" [ "$rc" -eq 130 ]
check "SIGINT: says how to finish" grep -q "run apply again to finish\|interrupted" "$W/int.out"
check "no secret in any output" no_secret "$W"/*.out "$W"/*.err
finish
