#!/bin/sh
# valgrind.sh - a few real commands under valgrind's memcheck; fails on
# any memory error or definite leak.
#
#   sh tests/tools/valgrind.sh [BIN]     (default: the test build, which
#   reads EW_RETRY_SCALE)
#
# Run from the top of the tree, after `make` (a release build: valgrind
# and AddressSanitizer do not mix).  The commands: explain on a fixture
# log, an offline plan, plan and apply against a moto server of its own
# (first apply, then a second one with nothing to change), doctor, and
# teardown.  Each runs under
#   valgrind --leak-check=full --errors-for-leak-kinds=definite
#            --error-exitcode=99
# so an invalid read/write, a use of uninitialised memory or a definitely
# lost block makes it exit 99.  Logs: tests/.out/valgrind/NAME.log.
# Prints TAP lines and exits 1 when anything failed.
set -u
top=$(pwd)
bin=${1:-$top/build/release/ecr-wizard-test}
case $bin in /*) ;; *) bin=$top/$bin ;; esac
out=$top/tests/.out/valgrind
rm -rf "$out"
mkdir -p "$out"
n=0
failed=0

if ! command -v valgrind >/dev/null 2>&1; then
	echo "not ok 1 - valgrind is not installed (apt-get install valgrind)"
	exit 1
fi
if [ ! -x "$bin" ]; then
	echo "not ok 1 - no binary '$bin': run make first"
	exit 1
fi
if nm -D "$bin" 2>/dev/null | grep -q __asan_init; then
	echo "not ok 1 - '$bin' is a sanitizer build; use the release build"
	exit 1
fi

moto_url=$(sh "$top/tests/tools/moto.sh" start "$out/moto") || {
	echo "not ok 1 - cannot start moto server"
	exit 1
}
trap 'sh "$top/tests/tools/moto.sh" stop "$out/moto"' EXIT
trap 'exit 1' INT TERM

# A scratch repository and environment: fake credentials, no real config.
work=$out/work
mkdir -p "$work/home"
git -C "$work" init -q . &&
	git -C "$work" remote add origin https://github.com/octo-org/app.git
export HOME="$work/home"
export AWS_CONFIG_FILE="$HOME/none" AWS_SHARED_CREDENTIALS_FILE="$HOME/none"
export AWS_EC2_METADATA_DISABLED=true EW_NO_GITHUB_API=1 NO_COLOR=1
export EW_RETRY_SCALE=0.01
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL \
	AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_SESSION_TOKEN \
	AWS_CA_BUNDLE GH_TOKEN GITHUB_TOKEN

# vg NAME WANT_STATUS ARGS...: ARGS under memcheck, in $work.
vg() {
	name=$1 want=$2
	shift 2
	n=$((n + 1))
	(cd "$work" && timeout -k 10 600 valgrind -q --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--error-exitcode=99 --track-origins=yes --num-callers=30 \
		--log-file="$out/$name.vg" "$bin" "$@" </dev/null \
		>"$out/$name.log" 2>&1)
	st=$?
	if [ "$st" -eq "$want" ] && [ ! -s "$out/$name.vg" ]; then
		echo "ok $n - $name: exit $st, no memcheck report"
		return
	fi
	failed=1
	echo "not ok $n - $name: exit $st (expected $want; 99 = memcheck error)"
	sed 's/^/#   /' "$out/$name.vg" | head -n 60
	tail -n 5 "$out/$name.log" | sed 's/^/#   out: /'
}

vg explain 0 explain "$top/tests/fixtures/logs/environment.log"
vg explain-json 0 explain --output json "$top/tests/fixtures/logs/aws-cli.log"
vg plan-offline 0 plan --account 123456789012 --trust branch:main \
	--trust 'tag:v*'
vg plan-offline-env 0 plan --account 123456789012 \
	--env prod:eu-west-1:app-prod --env dev:us-east-1:app-dev
export AWS_ACCESS_KEY_ID=AKIDVALGRIND00000001
export AWS_SECRET_ACCESS_KEY=valgrindSecret000000000000000000000000000
export AWS_ENDPOINT_URL="$moto_url"
vg plan-moto 0 plan
vg apply-first 0 apply --yes
vg apply-again 0 apply --yes --output json
vg doctor 0 doctor
vg teardown 0 teardown --yes
exit $failed
