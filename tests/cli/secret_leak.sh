#!/bin/sh
# secret_leak.sh - no command ever shows the credentials.
#
# Every command (plan, apply, doctor, explain, teardown), in text and JSON,
# with --trace to a file and with EW_TRACE, and with the credentials coming
# from the environment, a profile in the credentials file, an assumed role
# (source_profile) and a credential_process, runs against moto server
# (through fault_proxy.py, which also injects a throttle and a 500 so the
# retry and failure paths print too) with recognisable canary values.
# Everything written - stdout, stderr, JSON, trace logs, and every file
# left in the working tree and HOME (except the credential files the test
# wrote itself) - is searched for the secret key, the session token and
# the access key ID.
#
# Rule (from core/trace.c): the whole Authorization and X-Amz-Security-Token
# headers are replaced by "[redacted]", so even the access key ID (which
# only travels in Authorization's Credential=) appears nowhere - it is
# held to the same rule as the secret.  Prints TAP lines.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
FL_DIR="$EW_TEST_OUT/secret_leak"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR"
FL_OUT="$FL_DIR/run"
mkdir -p "$FL_OUT"
fl_moto_start
fl_proxy_start
fl_env
fl_git_repo "$FL_DIR/repo"
cd "$FL_DIR/repo" || exit 1

KEY=AKIDLEAKCANARY000001
SECRET=LEAKCANARYSECRETa1b2c3d4e5f6g7h8i9j0k1l2
TOKEN=LEAKCANARYTOKENFwoGZXIvYXdzEJr//////////wEaDLEAKCANARYTOKENEND
# Fragments too: a leak of a truncated or wrapped value still counts.
FRAGS="$KEY $SECRET $TOKEN LEAKCANARY a1b2c3d4e5f6g7h8 FwoGZXIvYXdzEJr"
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
export AWS_SESSION_TOKEN=$TOKEN

# The credential files for the profile variants, outside the searched tree.
creds="$FL_DIR/creds"
mkdir -p "$creds"
cat >"$creds/credentials" <<EOF
[canary]
aws_access_key_id = $KEY
aws_secret_access_key = $SECRET
aws_session_token = $TOKEN
EOF
cat >"$creds/process.sh" <<EOF
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s"}\n' \
	"$KEY" "$SECRET" "$TOKEN"
EOF
chmod +x "$creds/process.sh"
cat >"$creds/config" <<EOF
[profile canary]
region = us-east-1

[profile assumed]
role_arn = arn:aws:iam::123456789012:role/canary-admin
source_profile = canary
region = us-east-1

[profile process]
credential_process = $creds/process.sh
region = us-east-1
EOF

explain_log="$FL_DIR/explain.log"
cat >"$explain_log" <<'EOF'
Run aws-actions/configure-aws-credentials@v4
Error: Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity
EOF

runs=0
# leak_run NAME ARGS...: run, then search its outputs for the canaries.
leak_run() {
	name=$1
	shift
	runs=$((runs + 1))
	rm -f "$FL_OUT/trace"
	timeout -k 5 60 "$EW_BIN" "$@" </dev/null >"$FL_OUT/stdout" \
		2>"$FL_OUT/stderr"
	st=$?
	if [ "$st" -ge 128 ] && [ "$st" -ne 130 ]; then
		not_ok "$name: exit $st (crash)"
	fi
	cat "$FL_OUT/stdout" "$FL_OUT/stderr" >>"$FL_DIR/all-output"
	[ -f "$FL_OUT/trace" ] && cat "$FL_OUT/trace" >>"$FL_DIR/all-traces"
	hit=""
	for f in $FRAGS; do
		for file in "$FL_OUT/stdout" "$FL_OUT/stderr" "$FL_OUT/trace"; do
			[ -f "$file" ] || continue
			if grep -qF -- "$f" "$file"; then
				hit="$hit $(basename "$file"):$f"
			fi
		done
	done
	if [ -z "$hit" ]; then
		ok "$name: no credential in stdout, stderr or trace (exit $st)"
	else
		not_ok "$name: leaked:$hit"
		grep -nF -- "LEAKCANARY" "$FL_OUT/stdout" "$FL_OUT/stderr" \
			"$FL_OUT/trace" 2>/dev/null | head -n 3 |
			sed 's/LEAKCANARY[A-Za-z0-9\/+=]*/<canary>/g; s/^/#   /'
	fi
}

T="--trace=$FL_OUT/trace"
for variant in env profile assumed process; do
	case $variant in
	env)
		unset AWS_PROFILE
		export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
		export AWS_SESSION_TOKEN=$TOKEN
		;;
	*)
		unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
		export AWS_CONFIG_FILE="$creds/config"
		export AWS_SHARED_CREDENTIALS_FILE="$creds/credentials"
		export AWS_PROFILE=$variant
		[ "$variant" = profile ] && export AWS_PROFILE=canary
		;;
	esac
	fl_reset
	rm -rf .github
	leak_run "$variant: plan" plan $T
	leak_run "$variant: plan --output json" plan --output json $T
	# Faults on the way, so the retry and failure lines print too.
	fl_rules '[{"op": "CreateRole", "nth": [1], "fault": "throttle"},
		   {"op": "CreatePolicy", "fault": "error", "status": 500}]'
	leak_run "$variant: apply with a failure" apply --yes $T
	fl_rules '[]'
	leak_run "$variant: apply" apply --yes $T
	leak_run "$variant: apply again --output json" apply --yes \
		--output json $T
	EW_TRACE="$FL_OUT/trace" leak_run "$variant: doctor (EW_TRACE)" doctor
	leak_run "$variant: doctor --output json" doctor --output json $T
	leak_run "$variant: explain" explain "$explain_log"
	leak_run "$variant: explain --output json" explain --output json \
		"$explain_log"
	leak_run "$variant: teardown" teardown --yes $T
	leak_run "$variant: teardown again --output json" teardown --yes \
		--output json $T
	# --trace with no file: the trace goes to stderr.
	leak_run "$variant: plan --trace to stderr" plan --trace
done

# The tests above must have seen real traffic, or they prove nothing.
if [ -s "$FL_DIR/all-traces" ] && grep -q "CreateRole" "$FL_DIR/all-traces" &&
	grep -q "\[redacted\]" "$FL_DIR/all-traces"; then
	ok "traces were written, with AWS calls and redactions in them"
else
	not_ok "no trace with AWS calls and redactions was written"
fi
if grep -q "Authorization: \[redacted\]" "$FL_DIR/all-traces" ||
	grep -qi "authorization.*\[redacted\]" "$FL_DIR/all-traces"; then
	ok "the Authorization header is logged as [redacted]"
else
	not_ok "the trace shows no redacted Authorization header"
fi
if grep -q "retrying" "$FL_DIR/all-output" && grep -q "Done:" "$FL_DIR/all-output"; then
	ok "the runs printed retries, failures and completions"
else
	not_ok "the runs did not reach the retry and completion paths"
fi

# Every file left in the working tree and HOME.
hit=""
for f in $FRAGS; do
	files=$(grep -rlF -- "$f" "$FL_DIR/repo" "$HOME" 2>/dev/null)
	[ -n "$files" ] && hit="$hit $f in $files"
done
if [ -z "$hit" ]; then
	ok "no credential in any file written ($runs runs)"
else
	not_ok "credential in files:$hit"
fi
# The canary key really signed the requests (8 characters are logged).
if grep -qF '"key": "AKIDLEAK"' "$FL_PX/requests.log"; then
	ok "the canary credentials were in use"
else
	not_ok "no request was signed with the canary key"
fi
exit $failed
