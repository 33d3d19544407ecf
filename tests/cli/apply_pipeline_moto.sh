#!/bin/sh
# apply_pipeline_moto.sh - the pipeline check in `plan`, `apply` and
# `doctor`, against moto: a workflow trigger whose token the trust would
# refuse is shown before any change, `apply` then refuses with exit 1 and
# changes nothing, naming the trigger and its fix, `--allow-refused-triggers`
# overrides, and `doctor` names the refused trigger afterwards.
#
# The refused workflow is one the user wrote (kept by apply without
# --force), so the test holds whatever workflow ecr-wizard generates.
. "$EW_TOP/tests/tools/cli_engine_lib.sh"
with_moto
ROLE=GitHubActions-ECR-Role
WF=.github/workflows/ecr-push.yml

mine() {
	mkdir -p "$W/repo/.github/workflows"
	cat >"$W/repo/$WF" <<'EOF'
name: mine
on:
  push:
    branches: [main]
  release:
    types: [published]
  pull_request:
permissions:
  id-token: write
  contents: read
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v6
        with:
          role-to-assume: ${{ secrets.AWS_ROLE_ARN }}
          aws-region: us-east-1
      - id: login-ecr
        uses: aws-actions/amazon-ecr-login@v2
EOF
}

# --- the generated workflow with the default scope: every run admitted ---
py reset
ew any apply --github octo-org/app --yes --output json
check "any: exit 0" [ "$rc" -eq 0 ]
check "any: JSON pipeline lists the runs, all admitted" [ "$(jget "$W/any.out" 'len(d["pipeline"]) >= 1 and all(r["admitted"] for r in d["pipeline"])')" = True ]
check "any: subject in the name form" [ "$(jget "$W/any.out" 'all(r["subject"].startswith("repo:octo-org/app:") for r in d["pipeline"])')" = True ]
check "any: audience" [ "$(jget "$W/any.out" 'set(r["audience"] for r in d["pipeline"]) == {"sts.amazonaws.com"}')" = True ]
check "any: the eight push grants, all granted" [ "$(jget "$W/any.out" 'len(d["pipeline_grants"]) == 8 and all(g["granted"] for g in d["pipeline_grants"])')" = True ]

# --- a workflow with triggers branch:main refuses --------------------------
py reset
rm -rf "$W/repo/.github"
mine
ew plan plan --github octo-org/app --trust branch:main
check "plan: exit 0" [ "$rc" -eq 0 ]
check "plan: push to main admitted" grep -q "^  push to main: admitted$" "$W/plan.out"
check "plan: release refused, with the reason" grep -q "^  release: refused - the trust only admits branch main$" "$W/plan.out"
check "plan: pull_request refused" grep -q "^  pull_request: refused - the trust only admits branch main$" "$W/plan.out"
check "plan: the fix" grep -q "fix: admit it (--trust 'tag:\*') or remove this trigger from $WF" "$W/plan.out"

ew refused apply --github octo-org/app --trust branch:main --yes
check "apply: exit 1" [ "$rc" -eq 1 ]
check "apply: names the release trigger" grep -q "^  release: refused - the trust only admits branch main$" "$W/refused.err"
check "apply: names the pull_request trigger" grep -q "^  pull_request: refused" "$W/refused.err"
check "apply: says how to go on" grep -q -- "--allow-refused-triggers" "$W/refused.err"
check "apply: the result was shown before" grep -q "^Pipeline check ($WF): 2 of 3 runs refused" "$W/refused.out"
check "apply: no step ran" sh -c "! grep -q '^Done:' '$W/refused.out'"
py role-exists $ROLE no
py provider-exists no
check "apply: the workflow file is untouched" grep -q "^name: mine$" "$W/repo/$WF"

ew refusedj apply --github octo-org/app --trust branch:main --yes --output json
check "apply --output json: exit 1" [ "$rc" -eq 1 ]
check "apply --output json: the refused runs" [ "$(jget "$W/refusedj.out" '",".join(r["trigger"] for r in d["pipeline"] if not r["admitted"])')" = "release,pull_request" ]
check "apply --output json: the reason" [ "$(jget "$W/refusedj.out" '[r["reason"] for r in d["pipeline"] if r["trigger"] == "release"][0]')" = "the trust only admits branch main" ]
check "apply --output json: no mutation" [ "$(jget "$W/refusedj.out" 'd["mutations"]')" = 0 ]
py role-exists $ROLE no

# --- the flag overrides ---------------------------------------------------
ew allowed apply --github octo-org/app --trust branch:main --yes --allow-refused-triggers
check "--allow-refused-triggers: exit 0" [ "$rc" -eq 0 ]
check "--allow-refused-triggers: says so" grep -q "^note: --allow-refused-triggers" "$W/allowed.out"
check "--allow-refused-triggers: done" grep -q "^Done:" "$W/allowed.out"
py role-exists $ROLE yes

# --- doctor names each refused trigger ---------------------------------------
ew doctor doctor --github octo-org/app --trust branch:main
check "doctor: exit 1" [ "$rc" -eq 1 ]
check "doctor: a fail line for release" grep -q "^  FAIL  pipeline-trigger  *the 'release' runs of job 'push' ($WF) can assume $ROLE$" "$W/doctor.out"
check "doctor: a fail line for pull_request" grep -q "^  FAIL  pipeline-trigger  *the 'pull_request' runs of job 'push'" "$W/doctor.out"
check "doctor: the fix" grep -q "fix: admit it (--trust 'pull_request') or remove this trigger from $WF" "$W/doctor.out"
check "doctor: the admitted one passes" sh -c "grep -A1 '^  pass  pipeline-trigger' '$W/doctor.out' | grep -q 'push to main'"

# --- the trust admits them all: apply goes on -------------------------------
ew fixed apply --github octo-org/app --trust branch:main --trust 'tag:*' --trust pull_request --yes
check "all admitted: exit 0" [ "$rc" -eq 0 ]
check "all admitted: said so" grep -q "^Pipeline check ($WF): every run can assume its role and push$" "$W/fixed.out"
no_secret "$W"/*.out "$W"/*.err && ok "no secret in any output" || not_ok "no secret in any output"
finish
