#!/bin/sh
# hint_same.sh - one error, one fix text: `apply` and `explain` on the
# command line and the wizard's screens show the same cause, fixes, check
# command and values to find for the same failure, because all of them
# call the one hint renderer (core/troubleshoot/hint.c).
#
# The test runs `apply --yes` for two demo scenarios and `explain` for one
# pasted line, and the wizard (test build, keys replayed on a 200x60
# virtual terminal so no hint is cut or scrolled) on the same input, takes
# every hint line the command printed and asserts each one appears, word
# for word, in the screen dump with the screen's wrapping undone.  Prints
# TAP lines.
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

# The hint texts apply (or explain) printed, one per line: "cause: X",
# "fix: 1. X", "     2. X", "check: X" (explain: "Cause: X", "Check: X",
# "<NAME>: how" under "Values to find") become X.
cli_texts() {
	sed -n 's/^ *[cC]ause: //p; s/^ *fix: [0-9]*\. //p;
		s/^  *[0-9][0-9]*\. //p; s/^ *[cC]heck: //p;
		s/^ *find: *//p; s/^     \(<[A-Z_]*>: \)/\1/p' "$1"
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
		case "$(cat "$flat")" in
		*"$want"*) ;;
		*)
			missing=1
			echo "#   not on $3: $want"
			;;
		esac
	done <"$dir/apply.hint"
	if [ "$missing" = 0 ]; then
		ok "$1: $3 shows the command line's cause, fixes, check and values to find word for word"
	else
		notok "$1: $3 words the hint differently from the command line"
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

# explain: the same pasted line in `explain` and in the wizard's paste
# box (F2) gives the same words, the values still to find included.
line="An error occurred (AccessDenied) when calling the CreateRole \
operation: User: arn:aws:iam::123456789012:user/ci is not authorized to \
perform: iam:CreateRole"
prepare explain
printf ':wait\nx\n%s\n<F2>\n:dump result\nq\n' "$line" \
	>"$out/explain/keys"
env_run "$out/explain" "$bin" explain "$line" >"$out/explain/apply.out" 2>&1
env_run "$out/explain" "$tbin" --demo >"$out/explain/stdout" \
	2>"$out/explain/stderr"
if ! grep -q '<ROLE_NAME>: ' "$out/explain/apply.out"; then
	notok "explain: no value to find in explain's answer"
elif [ -f "$out/explain/dumps/result.txt" ]; then
	same explain result "the paste box"
else
	notok "explain: the wizard wrote no paste box dump"
fi

echo "1..$n"
exit $status
