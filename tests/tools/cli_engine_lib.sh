# cli_engine_lib.sh - sourced by the CLI tests of plan/apply/teardown
# (tests/cli/plan.sh, apply_moto.sh, teardown_moto.sh, usage.sh).
#
# Pins the environment (no real AWS, no internet, no user config), gives
# TAP helpers that number the lines, and runs ecr-wizard into files.  A
# missing EW_BIN or EW_MOTO_URL fails the test: it never skips.

t_n=0
t_failed=0

ok() {
	t_n=$((t_n + 1))
	echo "ok $t_n - $1"
}

not_ok() {
	t_n=$((t_n + 1))
	t_failed=$((t_failed + 1))
	echo "not ok $t_n - $1"
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# py ARGS...: run the botocore helper, numbering its ok/not ok lines.
py() {
	python3 "$EW_TOP/tests/tools/cli_engine_aws.py" "$@" >"$W/py.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done <"$W/py.out"
	return $rc
}

# jq-like reads of a JSON file: jget FILE PYTHON-EXPRESSION-ON-d (a tuple
# prints space-separated)
jget() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print(" ".join(map(str, r)) if isinstance(r, tuple) else r)' "$1" "$2"
}

finish() {
	echo "1..$t_n"
	[ "$t_failed" -eq 0 ]
	exit $?
}

if [ -z "${EW_BIN:-}" ] || [ ! -x "$EW_BIN" ]; then
	echo "not ok 1 - EW_BIN is not set or not executable: run through make check"
	exit 1
fi
# EW_RETRY_SCALE (retries that do not wait) is read by the test build
# only: run it, the same program plus the test hooks.
EW_BIN=${EW_TBIN:-$EW_BIN}
if [ -z "${EW_TOP:-}" ]; then
	EW_TOP=$(cd "$(dirname "$0")/../.." && pwd)
fi

W=$(mktemp -d "${EW_TEST_OUT:-/tmp}/cli.XXXXXX")
trap 'rm -rf "$W"' EXIT

# Nothing from the user's machine, nothing from the internet.
HOME=$W/home
mkdir -p "$HOME"
export HOME
export AWS_CONFIG_FILE=$W/home/aws-config AWS_SHARED_CREDENTIALS_FILE=$W/home/aws-credentials
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION \
	AWS_SESSION_TOKEN AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS \
	AWS_ENDPOINT_URL_ECR EW_TRACE GH_TOKEN GITHUB_TOKEN
export GITHUB_API_URL=http://127.0.0.1:9
export EW_RETRY_SCALE=0.01 NO_COLOR=1 TZ=UTC LC_ALL=C

# with_moto: credentials and endpoint for the moto server.
with_moto() {
	if [ -z "${EW_MOTO_URL:-}" ]; then
		not_ok "EW_MOTO_URL is not set: run through make check"
		finish
	fi
	export AWS_ENDPOINT_URL=$EW_MOTO_URL
	export AWS_ACCESS_KEY_ID=AKIDEXAMPLE
	export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
}

# no_creds: nothing to sign with, and a dead endpoint.
no_creds() {
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_ENDPOINT_URL=http://127.0.0.1:9
}

# ew NAME ARGS...: run ecr-wizard in $W/repo, stdin from /dev/null;
# stdout to $W/NAME.out, stderr to $W/NAME.err, status in $rc.
ew() {
	name=$1
	shift
	# a clone of octo-org/app: the workflow goes into its work tree
	# (and never into an enclosing repository's)
	if [ ! -d "$W/repo/.git" ]; then
		mkdir -p "$W/repo"
		git -C "$W/repo" init -q . &&
			git -C "$W/repo" remote add origin \
				https://github.com/octo-org/app.git
	fi
	(cd "$W/repo" && "$EW_BIN" "$@" </dev/null >"$W/$name.out" 2>"$W/$name.err")
	rc=$?
	return 0
}

# no_secret FILE...: the secret key appears in none of them.
no_secret() {
	! grep -q 'wJalrXUtnFEMI' "$@"
}
