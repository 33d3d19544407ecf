#!/bin/sh
# plan_script_moto.sh - the aws CLI script `ecr-wizard plan` prints, run as
# printed by the real aws CLI against a fresh moto account, leaves the state
# `ecr-wizard apply` leaves, for a matrix of option combinations.
#
# For each combination: a fresh moto; `plan` against it; the script it
# prints run verbatim with `aws` (fake keys, AWS_ENDPOINT_URL, no default
# region anywhere, in an empty directory); the account dumped with botocore
# (tests/tools/aws_state.py: roles, policies, provider, repositories, tags,
# descriptions, documents); `apply` on top changes nothing; a fresh moto
# again, `apply --yes`, dumped again; the two dumps are equal.  Also: every
# aws command of the script names its region, and an offline plan
# (--account, no credentials) prints the same script.
. "$EW_TOP/tests/tools/cli_engine_lib.sh"
with_moto

if ! command -v aws >/dev/null 2>&1; then
	not_ok "the aws CLI is not installed (pip install awscli)"
	finish
fi

state() {
	python3 "$EW_TOP/tests/tools/aws_state.py" "$@"
}

# run DIR NAME ARGS...: ecr-wizard in its own directory DIR (a workflow
# written by one run never meets another); output in $W/NAME.out, $rc.
run() {
	r_dir=$1 r_out=$W/$2
	shift 2
	mkdir -p "$r_dir"
	# a clone of octo-org/app: apply writes the workflow only there
	if [ ! -d "$r_dir/.git" ]; then
		git -C "$r_dir" init -q . &&
			git -C "$r_dir" remote add origin \
				https://github.com/octo-org/app.git
	fi
	(cd "$r_dir" && "$EW_BIN" "$@" </dev/null >"$r_out.out" 2>"$r_out.err")
	rc=$?
}

# NAME|IAM_REGION|ECR_REGIONS|OPTIONS (OPTIONS as the shell would read them)
matrix='default|us-east-1|us-east-1|
branch|us-east-1|us-east-1|--trust branch:main --trust "branch:release/*"
tag|us-east-1|us-east-1|--trust "tag:v*"
env|us-east-1|us-east-1|--trust env:production
pull-request|us-east-1|us-east-1|--trust pull_request
immutable|us-east-1|us-east-1|--tag-mutability IMMUTABLE
immutable-excl|us-east-1|us-east-1|--tag-mutability IMMUTABLE_WITH_EXCLUSION --tag-exclusion latest --tag-exclusion "main*"
mutable-excl|us-east-1|us-east-1|--tag-mutability MUTABLE_WITH_EXCLUSION --tag-exclusion "v*"
keep-noscan|us-east-1|us-east-1|--keep-images 3 --scan-on-push=false
names|us-east-1|eu-west-1|--region eu-west-1 --repo team/my-app --role-name ci-push --policy-name ci-push-ecr --workflow .github/workflows/push-image.yml
two-envs|us-east-1|us-west-2 eu-west-1|--env staging:us-west-2:app-staging --env production:eu-west-1:app-prod --tag-mutability IMMUTABLE
aws-cn|cn-north-1|cn-north-1|--region cn-north-1 --trust branch:main
aws-us-gov|us-gov-west-1|us-gov-west-1|--region us-gov-west-1 --tag-mutability IMMUTABLE_WITH_EXCLUSION --tag-exclusion latest'

echo "$matrix" >"$W/matrix"
while IFS='|' read -r name iam_region regions opts; do
	eval "set -- $opts"
	common="--github octo-org/app --no-github-api"

	# --- the plan and its script -------------------------------------
	state reset
	run "$W/plan-$name" "$name.plan" plan $common "$@"
	check "$name: plan exit 0" [ "$rc" -eq 0 ]
	sed -n '/^#!\/bin\/sh$/,$p' "$W/$name.plan.out" |
		sed '/^[0-9]* requests*, none/d' >"$W/$name.sh"
	check "$name: the script is there" grep -q '^set -eu$' "$W/$name.sh"
	check "$name: every aws command names its region" python3 - "$W/$name.sh" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
cmds = re.findall(r"(?<![\w-])aws +([a-z0-9-]+) +([a-z0-9-]+)( +--region +\S+)?", text)
bad = [c for c in cmds if not c[2]]
assert len(cmds) >= 7 and not bad, (len(cmds), bad)
PY

	# The same script offline: nothing depends on the reads.
	(cd "$W/plan-$name" && env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
		AWS_ENDPOINT_URL=http://127.0.0.1:9 "$EW_BIN" plan $common \
		--account 123456789012 "$@" </dev/null >"$W/$name.off.out" 2>&1)
	sed -n '/^#!\/bin\/sh$/,$p' "$W/$name.off.out" |
		sed '/^[0-9]* requests*, none/d' >"$W/$name.off.sh"
	check "$name: an offline plan prints the same script" cmp -s "$W/$name.sh" "$W/$name.off.sh"

	# --- run it as printed -------------------------------------------
	mkdir -p "$W/run-$name"
	(cd "$W/run-$name" && sh "$W/$name.sh" >"$W/$name.run.log" 2>&1)
	rc=$?
	check "$name: the script runs to the end (exit 0)" [ "$rc" -eq 0 ]
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$W/$name.run.log" | tail -n 15
	state dump "$iam_region" $regions >"$W/$name.script.json"
	run "$W/after-$name" "$name.after" apply $common --yes --output json "$@"
	check "$name: apply after the script: exit 0, nothing to change" \
		[ "$rc.$(jget "$W/$name.after.out" 'd["mutations"]')" = 0.0 ]

	# --- apply on a fresh account, then compare ----------------------
	state reset
	run "$W/apply-$name" "$name.apply" apply $common --yes "$@"
	check "$name: apply exit 0" [ "$rc" -eq 0 ]
	state dump "$iam_region" $regions >"$W/$name.apply.json"
	check "$name: the dump has the role and repository" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["roles"] and d["policies"] and d["providers"], d
assert all(d["ecr"][r] for r in d["ecr"]), d["ecr"]
' "$W/$name.apply.json"
	if state diff "$W/$name.script.json" "$W/$name.apply.json" >"$W/$name.diff"; then
		ok "$name: the script's state is apply's"
	else
		not_ok "$name: the script's state is apply's (first: script, second: apply)"
		sed 's/^/#   /' "$W/$name.diff"
	fi
done <"$W/matrix"

# Drift within the same repository (a narrower trust, fewer push actions in
# a policy at IAM's five versions, another lifecycle policy): the plan's script repairs it as apply does.
# (Not a provider without the audience: moto has no AddClientID.)
common="--github octo-org/app --no-github-api --no-workflow"
drifted() {
	state reset
	run "$W/apply-base" base apply $common --yes
	check "drift $1: the first apply, exit 0" [ "$rc" -eq 0 ]
	state drift GitHubActions-ECR-Role GitHubActions-ECR-Policy app us-east-1
}
drifted script
run "$W/plan-drift" drift.plan plan $common
check "drift: plan exit 0" [ "$rc" -eq 0 ]
sed -n '/^#!\/bin\/sh$/,$p' "$W/drift.plan.out" | sed '/^[0-9]* requests*, none/d' >"$W/drift.sh"
for op in put-lifecycle-policy create-policy-version update-assume-role-policy; do
	check "drift: the script repairs with $op" grep -q "^aws [a-z]* $op --region " "$W/drift.sh"
done
mkdir -p "$W/run-drift"
(cd "$W/run-drift" && sh "$W/drift.sh" >"$W/drift.run.log" 2>&1)
rc=$?
check "drift: the script runs to the end (exit 0)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$W/drift.run.log" | tail -n 15
state dump us-east-1 us-east-1 >"$W/drift.script.json"
drifted apply
run "$W/apply-drift" drift.apply apply $common --yes
check "drift: apply exit 0" [ "$rc" -eq 0 ]
state dump us-east-1 us-east-1 >"$W/drift.apply.json"
if state diff "$W/drift.script.json" "$W/drift.apply.json" >"$W/drift.diff"; then
	ok "drift: the script's repair is apply's"
else
	not_ok "drift: the script's repair is apply's (first: script, second: apply)"
	sed 's/^/#   /' "$W/drift.diff"
fi

# The script stops before any change when the credentials are for another
# account than the one its ARNs name.
state reset
run "$W/plan-wrong" wrong plan --github octo-org/app --no-github-api --no-workflow
sed -n '/^#!\/bin\/sh$/,$p' "$W/wrong.out" | sed '/^[0-9]* requests*, none/d' |
	sed 's/123456789012/210987654321/g' >"$W/wrong.sh"
mkdir -p "$W/run-wrong"
(cd "$W/run-wrong" && sh "$W/wrong.sh" >"$W/wrong.run.log" 2>&1)
rc=$?
check "another account: the script exits 1" [ "$rc" -eq 1 ]
check "another account: says which" grep -q "these credentials are for account 123456789012, not 210987654321" "$W/wrong.run.log"
check "another account: nothing created" python3 -c '
import json, sys
d = json.load(sys.stdin)
assert not d["roles"] and not d["providers"] and not d["ecr"]["us-east-1"], d
' <<EOF
$(state dump us-east-1 us-east-1)
EOF

check "no secret in any plan or script" no_secret "$W"/*.sh "$W"/*.out
finish
