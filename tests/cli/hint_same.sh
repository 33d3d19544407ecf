#!/bin/sh
# hint_same.sh - one error, one fix text: `apply` and the wizard's screens
# show the same cause, fixes and check command for the same failure,
# because both call the one hint renderer (core/troubleshoot/hint.c).
#
# For two demo scenarios the test runs `apply --yes` and the wizard (test
# build, keys replayed on a 200x60 virtual terminal so no hint is cut or
# scrolled), takes every hint line `apply` printed (cause, each fix,
# check) and asserts each one appears, word for word, in the screen dump
# with the screen's wrapping undone.  Prints TAP lines.
set -u
top=${EW_TOP:-$(pwd)}
tbin=${EW_TBIN:-$top/build/release/ecr-wizard-test}
bin=${EW_BIN:-$top/build/release/ecr-wizard}
out=${EW_TEST_OUT:-$top/tests/.out}/hint_same
n=0
status=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; status=1; }

rm -rf "$out"
mkdir -p "$out"

# env_run DIR CMD... : the pinned environment of the screen tests
env_run() {
	dir=$1
	shift
	(cd "$dir/repo" && env -i PATH="$PATH" HOME=../home \
		TMPDIR="$dir/tmp" TERM=xterm-256color LANG=C.UTF-8 LC_ALL= \
		TZ=UTC EW_TEST_NO_DISPLAY=1 EW_TEST_SIZE=200x60 \
		EW_TEST_FIXED_TIME=1 EW_TEST_TIMEOUT=20 EW_DEMO_LATENCY=0 \
		EW_RETRY_SCALE=0 GITHUB_API_URL=http://127.0.0.1:9 \
		EW_TEST_KEYS="$dir/keys" EW_TEST_DUMP_DIR="$dir/dumps" "$@")
}

prepare() {
	dir=$out/$1
	mkdir -p "$dir/home" "$dir/dumps" "$dir/tmp"
	git -c init.defaultBranch=main init -q "$dir/repo"
	git -C "$dir/repo" remote add origin \
		https://github.com/octo-org/octo-app.git
}

# The hint texts apply printed, one per line: "cause: X", "fix: 1. X",
# "     2. X", "check: X" become X.
cli_texts() {
	sed -n 's/^ *cause: //p; s/^ *fix: [0-9]*\. //p;
		s/^ *[0-9][0-9]*\. //p; s/^ *check: //p' "$1"
}

# A screen dump as one line: frame characters and indentation gone,
# wrapped lines joined with one space.
screen_text() {
	sed 's/^[ │]*//; s/[ │]*$//' "$1" | tr '\n' ' ' | tr -s ' '
}

# same SCENARIO DUMP WHAT: each hint line of apply appears in DUMP.
same() {
	dir=$out/$1
	flat=$dir/$2.flat
	screen_text "$dir/dumps/$2.txt" >"$flat"
	cli_texts "$dir/apply.out" >"$dir/apply.hint"
	if [ ! -s "$dir/apply.hint" ]; then
		notok "$1: apply printed no hint"
		return
	fi
	missing=0
	while IFS= read -r line; do
		want=$(printf '%s' "$line" | tr -s ' ')
		# shellcheck disable=SC2016
		case "$(cat "$flat")" in
		*"$want"*) ;;
		*)
			missing=1
			echo "#   not on $3: $want"
			;;
		esac
	done <"$dir/apply.hint"
	if [ "$missing" = 0 ]; then
		ok "$1: $3 shows apply's cause, fixes and check word for word"
	else
		notok "$1: $3 words the hint differently from apply"
	fi
}

if [ ! -x "$tbin" ] || [ ! -x "$bin" ]; then
	notok "binaries missing: $bin $tbin"
	exit 1
fi

# access-denied: CreateRole is denied; the run screen shows the hint.
prepare access-denied
cat >"$out/access-denied/keys" <<'KEYS'
:wait
<Enter>
:wait
<Enter>
:accept-defaults
<Enter>
:wait
<Enter>
y
:wait
:dump run
a
y
:wait
q
KEYS
env_run "$out/access-denied" "$bin" apply --demo \
	--demo-scenario access-denied --yes >"$out/access-denied/apply.out" 2>&1
env_run "$out/access-denied" "$tbin" --demo --demo-scenario access-denied \
	>"$out/access-denied/stdout" 2>"$out/access-denied/stderr"
if [ -f "$out/access-denied/dumps/run.txt" ]; then
	same access-denied run "the run screen"
else
	notok "access-denied: the wizard wrote no run screen dump"
fi

# expired-token: the identity check fails; the Plan tab and the run
# screen both show the hint.
prepare expired-token
cat >"$out/expired-token/keys" <<'KEYS'
:wait
<Enter>
:wait
<Enter>
:accept-defaults
<Enter>
:wait
<Tab><Tab><Tab><Tab>
:dump plan
<Enter>
y
:wait
:dump run
a
y
:wait
q
KEYS
env_run "$out/expired-token" "$bin" apply --demo \
	--demo-scenario expired-token --yes >"$out/expired-token/apply.out" 2>&1
env_run "$out/expired-token" "$tbin" --demo --demo-scenario expired-token \
	>"$out/expired-token/stdout" 2>"$out/expired-token/stderr"
for d in plan run; do
	if [ -f "$out/expired-token/dumps/$d.txt" ]; then
		same expired-token "$d" "the $d screen"
	else
		notok "expired-token: the wizard wrote no $d dump"
	fi
done

echo "1..$n"
exit $status
