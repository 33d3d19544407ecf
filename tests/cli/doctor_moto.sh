#!/bin/sh
# doctor_moto.sh - `ecr-wizard doctor` end to end against the moto server:
# a setup made by `ecr-wizard apply --yes` passes (exit 0), a detached
# policy and a malformed workflow fail with their fix (exit 1), --output
# json has the documented shape, --workflow and --no-workflow choose what
# is read, no credentials is exit 3, and no secret is ever printed.
# Prints TAP lines; needs EW_BIN, EW_MOTO_URL and EW_TEST_OUT (set by
# tests/tools/runtests.sh).
set -u
: "${EW_BIN:?}" "${EW_MOTO_URL:?}" "${EW_TEST_OUT:?}"
# EW_RETRY_SCALE (retries that do not wait) is read by the test build
# only: run it, the same program plus the test hooks.
EW_BIN=${EW_TBIN:-$EW_BIN}
out="$EW_TEST_OUT/doctor_moto"
rm -rf "$out"
mkdir -p "$out/home" "$out/repo"
n=0
failed=0
secret='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
u=$$
role="dc-role-$u"
policy="dc-policy-$u"
repo="dc-repo-$u"

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
	[ -f "$out/stdout" ] && sed 's/^/#   /' "$out/stdout" | head -n 40
	[ -f "$out/stderr" ] && sed 's/^/#   /' "$out/stderr" | head -n 10
}
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
has() { grep -qF -- "$1" "$out/stdout"; }

# A clean environment: moto's keys, no config files, no GitHub API.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION
export HOME="$out/home" AWS_CONFIG_FILE="$out/home/none"
export AWS_SHARED_CREDENTIALS_FILE="$out/home/none"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY="$secret"
export AWS_ENDPOINT_URL="$EW_MOTO_URL" AWS_REGION=us-east-1
export EW_RETRY_SCALE=0.05 EW_NO_GITHUB_API=1 NO_COLOR=1

cd "$out/repo" || exit 1
git init -q -b main . && git remote add origin "https://github.com/octo-org/doctor-$u.git"
names="--role-name $role --policy-name $policy --repo $repo"

# run WANT_STATUS ARGS...: output in $out/stdout, $out/stderr
run() {
	want=$1
	shift
	# shellcheck disable=SC2086
	"$EW_BIN" "$@" >"$out/stdout" 2>"$out/stderr"
	status=$?
	cat "$out/stdout" "$out/stderr" >>"$out/all"
	[ "$status" -eq "$want" ] || {
		echo "# exit $status, wanted $want"
		return 1
	}
}
# json PYTHON-EXPRESSION: evaluate it on the JSON in $out/stdout (as d)
json() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$out/stdout" "$1"
}
# botocore METHOD ARGS-AS-PYTHON: one IAM call on moto
iam() {
	python3 -c 'import sys, botocore.session
c = botocore.session.get_session().create_client("iam", region_name="us-east-1", endpoint_url=sys.argv[1])
getattr(c, sys.argv[2])(**eval(sys.argv[3]))' "$EW_MOTO_URL" "$1" "$2"
}

# 1-3: the setup apply makes passes every check
# shellcheck disable=SC2086
check "apply --yes builds the setup" run 0 apply --yes $names
# shellcheck disable=SC2086
check "doctor: exit 0 on a correct setup" run 0 doctor $names
check "doctor: one line per check, none failed" \
	sh -c "grep -q '^  pass  trust-subject  *the trust admits repo:octo-org/doctor-$u:ref:refs/heads/main' '$out/stdout' && grep -q ', 0 failed, 0 skipped\$' '$out/stdout'"

# 4-6: JSON shape
# shellcheck disable=SC2086
check "doctor --output json: exit 0" run 0 doctor $names --output json
check "json: version, command, ok, summary" \
	json 'd["version"] == 1 and d["command"] == "doctor" and d["ok"] is True and d["summary"]["fail"] == 0 and d["summary"]["pass"] == len(d["checks"])'
check "json: every check has the documented keys; workflow lists names" \
	json 'all(set(c) == {"id","target","status","title","detail","fix","knowledge","check"} for c in d["checks"]) and d["workflow"]["files"] == [".github/workflows/ecr-push.yml"] and "AWS_ROLE_ARN" in d["workflow"]["secrets"] and d["account"] == "123456789012"'

# 7-9: a detached policy fails the right check, with its fix
iam detach_role_policy "{'RoleName': '$role', 'PolicyArn': 'arn:aws:iam::123456789012:policy/$policy'}"
# shellcheck disable=SC2086
check "detached policy: exit 1" run 1 doctor $names
check "detached policy: FAIL line with the fix" \
	sh -c "grep -q '^  FAIL  policy-attached' '$out/stdout' && grep -q 'fix: aws iam attach-role-policy --role-name $role' '$out/stdout'"
# shellcheck disable=SC2086
run 1 doctor $names --output json
check "detached policy: json names the knowledge entry" \
	json 'd["ok"] is False and [c["knowledge"] for c in d["checks"] if c["id"] == "policy-attached"] == ["push-denied"] and all(c["fix"] for c in d["checks"] if c["status"] == "fail")'
iam attach_role_policy "{'RoleName': '$role', 'PolicyArn': 'arn:aws:iam::123456789012:policy/$policy'}"

# 10-12: a malformed workflow is a fail line naming file and line
printf 'on: push\njobs:\n  build:\n    steps: [\n' >.github/workflows/bad.yml
# shellcheck disable=SC2086
check "malformed workflow: exit 1" run 1 doctor $names
check "malformed workflow: file and line in the fail line" \
	sh -c "grep -q '^  FAIL  workflow  *.github/workflows/bad.yml parses' '$out/stdout' && grep -q \"cannot parse '.github/workflows/bad.yml' line 5\" '$out/stdout'"
# shellcheck disable=SC2086
check "--workflow reads only that file: exit 0" \
	run 0 doctor $names --workflow .github/workflows/ecr-push.yml

# 13: --no-workflow audits AWS only
# shellcheck disable=SC2086
run 0 doctor $names --no-workflow --output json
check "--no-workflow: no workflow checks, workflow null" \
	json 'd["workflow"] is None and not [c for c in d["checks"] if c["id"].startswith("workflow")]'

# 14: no credentials
status=0
# shellcheck disable=SC2086
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$EW_BIN" doctor $names \
	>"$out/stdout" 2>"$out/stderr" || status=$?
cat "$out/stdout" "$out/stderr" >>"$out/all"
check "no credentials: exit 3" [ "$status" -eq 3 ]

# 15: nothing printed ever held the secret key
check "the secret key never appears in any output" \
	sh -c "! grep -qF '$secret' '$out/all' '$out/stdout' '$out/stderr'"

echo "1..$n"
exit "$failed"
