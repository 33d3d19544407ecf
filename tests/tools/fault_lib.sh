# fault_lib.sh - shared helpers for the reliability tests in tests/cli/
# (faults_moto.sh, check_reads_moto.sh, interrupts.sh, secret_leak.sh, bad_input.sh,
# broken_env.sh, tls.sh).  Sourced, not run.
#
# TAP:      ok WHAT / not_ok WHAT / check WHAT CMD... / note TEXT
# Servers:  fl_moto_start (own moto server: FL_MOTO), fl_proxy_start
#           (tests/tools/fault_proxy.py in front of it: FL_PROXY),
#           fl_rules JSON, fl_reset (fresh account, empty log, no rules),
#           fl_count OP (requests the proxy saw for OP; "*" for all)
# Process:  fl_env (credentials, endpoints and HOME pointing at scratch),
#           fl_git_repo DIR (a repository whose origin is octo-org/app),
#           fl_run STATUS_VAR ARGS... (ecr-wizard with a time limit;
#           output in $FL_OUT/stdout and $FL_OUT/stderr)
# Everything started here is stopped by fl_cleanup (an EXIT trap).
#
# Needs EW_BIN, EW_TOP and EW_TEST_OUT (set by tests/tools/runtests.sh).

: "${EW_BIN:?}" "${EW_TOP:?}" "${EW_TEST_OUT:?}"
# EW_RETRY_SCALE (retries that do not wait) is read by the test build
# only: run it, the same program plus the test hooks.
EW_BIN=${EW_TBIN:-$EW_BIN}
n=0
failed=0
FL_PIDS=""
FL_MOTO_DIRS=""

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
	if [ -n "${FL_OUT:-}" ]; then
		[ -s "$FL_OUT/stdout" ] && tail -n 15 "$FL_OUT/stdout" | fl_mask | sed 's/^/#   out: /'
		[ -s "$FL_OUT/stderr" ] && tail -n 10 "$FL_OUT/stderr" | fl_mask | sed 's/^/#   err: /'
	fi
	return 0
}
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
note() { echo "# $*"; }
# Test output never shows a credential, not even a fake one: the canary
# values of secret_leak.sh and the keys of fl_env are masked.
fl_mask() {
	sed 's/[A-Z]*LEAKCANARY[A-Za-z0-9\/+=]*/<canary>/g
s/[A-Za-z]*Secret[A-Za-z]*0000[0-9]*/<secret>/g'
}

fl_cleanup() {
	for p in $FL_PIDS; do
		kill "$p" 2>/dev/null
	done
	for d in $FL_MOTO_DIRS; do
		sh "$EW_TOP/tests/tools/moto.sh" stop "$d"
	done
}
trap fl_cleanup EXIT
trap 'exit 1' INT TERM

# A moto server of our own, so resetting it disturbs no other test.
fl_moto_start() {
	FL_MOTO=$(sh "$EW_TOP/tests/tools/moto.sh" start "$FL_DIR/moto") || {
		echo "Bail out! cannot start moto"
		exit 1
	}
	FL_MOTO_DIRS="$FL_MOTO_DIRS $FL_DIR/moto"
}

fl_proxy_start() {
	FL_PX="$FL_DIR/proxy"
	rm -rf "$FL_PX"
	mkdir -p "$FL_PX"
	python3 "$EW_TOP/tests/tools/fault_proxy.py" --upstream "$FL_MOTO" \
		--dir "$FL_PX" </dev/null >"$FL_PX/proxy.log" 2>&1 &
	FL_PIDS="$FL_PIDS $!"
	i=0
	until [ -s "$FL_PX/port" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			echo "Bail out! fault proxy did not start"
			exit 1
		fi
		sleep 0.05
	done
	FL_PROXY="http://127.0.0.1:$(cat "$FL_PX/port")"
}

fl_rules() { printf '%s\n' "$1" >"$FL_PX/rules.json"; }

fl_reset() {
	python3 - "$FL_MOTO" <<'PY'
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(
    sys.argv[1] + "/moto-api/reset", method="POST"), timeout=10).read()
PY
	: >"$FL_PX/requests.log"
	: >"$FL_PX/rules.json"
	rm -f "$FL_PX"/held.*
}

# fl_count OP: requests for OP in the proxy log ("*": all).
fl_count() {
	if [ "$1" = "*" ]; then
		grep -c '"op"' "$FL_PX/requests.log"
	else
		grep -c "\"op\": \"$1\"" "$FL_PX/requests.log"
	fi
}

# The environment every run gets: fake credentials moto accepts, the
# endpoints at the proxy, no real config, HOME in scratch, quick retries.
fl_env() {
	export HOME="$FL_DIR/home"
	mkdir -p "$HOME"
	export AWS_ACCESS_KEY_ID=AKIDFAULTTEST0000001
	export AWS_SECRET_ACCESS_KEY=faultTestSecretKey0000000000000000000000
	unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION \
		AWS_DEFAULT_REGION AWS_CA_BUNDLE AWS_ENDPOINT_URL_IAM \
		AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_ECR GH_TOKEN GITHUB_TOKEN
	export AWS_CONFIG_FILE="$HOME/no-config"
	export AWS_SHARED_CREDENTIALS_FILE="$HOME/no-credentials"
	export AWS_EC2_METADATA_DISABLED=true
	export AWS_ENDPOINT_URL="$FL_PROXY"
	export EW_NO_GITHUB_API=1 EW_RETRY_SCALE=0.01 NO_COLOR=1
	export GITHUB_API_URL=http://127.0.0.1:9
}

fl_git_repo() {
	rm -rf "$1"
	mkdir -p "$1"
	git -C "$1" init -q . &&
		git -C "$1" remote add origin https://github.com/octo-org/app.git
}

# fl_run VAR ARGS...: run ecr-wizard (stdin from /dev/null, at most
# FL_LIMIT seconds, default 60) and store its exit status in VAR.
fl_run() {
	_var=$1
	shift
	timeout -k 5 "${FL_LIMIT:-60}" "$EW_BIN" "$@" </dev/null \
		>"$FL_OUT/stdout" 2>"$FL_OUT/stderr"
	eval "$_var=\$?"
}

out_has() { grep -qF -- "$1" "$FL_OUT/stdout"; }
err_has() { grep -qF -- "$1" "$FL_OUT/stderr"; }
any_has() { cat "$FL_OUT/stdout" "$FL_OUT/stderr" | grep -qF -- "$1"; }
