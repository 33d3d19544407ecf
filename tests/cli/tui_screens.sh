#!/bin/sh
# tui_screens.sh - tig-style screen tests of the wizard.
#
# Each tests/tui/NAME.keys script is replayed into the test build
# ($EW_TBIN, built with -DEW_TEST_HOOKS) on a virtual 80x24 terminal, in a
# pinned environment (TERM, LANG, TZ, an empty HOME, no AWS_* variables)
# with a throw-away git repository (origin on github.com) as the working
# directory.  Every ":dump NAME" / ":keys NAME" / ":attrs NAME" it writes is
# compared with tests/tui/expected/NAME.txt / NAME.attrs; UPDATE=1 rewrites
# those files.
#
# Headers a script may carry (first lines):
#   #! args: ARGS          extra arguments (default: --demo)
#   #! env: VAR=VALUE ...  extra environment (e.g. NO_COLOR=1 LANG=C)
#   #! exit: N             expected exit status (default 0)
#   #! stdout: TEXT        text the normal terminal must show after exit
#   #! file: PATH          a file the run must leave in the repository
#   #! nofile: PATH        a file the run must not leave there
#   #! match: NAME REGEX   the dump NAME (not compared with an expected
#                          file: it holds real times) has a line matching
#                          the grep -E REGEX
#   #! nomatch: NAME REGEX no line of the dump NAME matches
#   #! gone: NAME          the wizard has left before the ":dump NAME" that
#                          follows (that dump must not exist)
#   #! demofile: PATH      a file the demo must leave in its temporary
#                          directory ($TMPDIR/ecr-wizard-demo-test)
#   #! clipboard: NAME     compare the OSC 52 copy with expected/NAME.txt
#   #! size: COLSxROWS     the virtual terminal (default 80x24)
#   #! assert: no-color    no cell of any :attrs dump uses a colour pair
#   #! assert: color       some cell does (colours are on)
#   #! assert: no-dim      no cell is dim (several asserts: one line,
#                          space-separated)
# Prints TAP lines.
set -u
top=${EW_TOP:-$(pwd)}
tbin=${EW_TBIN:-$top/build/release/ecr-wizard-test}
bin=${EW_BIN:-$top/build/release/ecr-wizard}
out=${EW_TEST_OUT:-$top/tests/.out}/tui
exp=$top/tests/tui/expected
n=0
status=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; status=1; }

header() { sed -n "s/^#! $1: //p" "$2" | head -n 1; }

rm -rf "$out"
mkdir -p "$out"

if [ ! -x "$tbin" ]; then
	notok "test build missing: $tbin"
	exit 1
fi

# compare FILE EXPECTED WHAT
compare() {
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$1" "$2"
		ok "$3 (updated)"
	elif [ ! -f "$2" ]; then
		notok "$3: no expected file $(basename "$2") (run with UPDATE=1)"
	elif diff -u "$2" "$1" >"$1.diff" 2>&1; then
		ok "$3"
	else
		notok "$3 differs from $(basename "$2"):"
		sed 's/^/#   /' "$1.diff" | head -n 40
	fi
}

for keys in "$top"/tests/tui/*.keys; do
	name=$(basename "$keys" .keys)
	work=$out/$name
	mkdir -p "$work/home" "$work/dumps" "$work/tmp"
	repo=$work/repo
	git -c init.defaultBranch=main init -q "$repo"
	git -C "$repo" remote add origin https://github.com/octo-org/octo-app.git
	args=$(header args "$keys")
	[ -n "$args" ] || args=--demo
	extra=$(header env "$keys")
	want=$(header exit "$keys")
	[ -n "$want" ] || want=0
	size=$(header size "$keys")
	[ -n "$size" ] || size=80x24
	# shellcheck disable=SC2086
	(cd "$repo" && env -i PATH="$PATH" HOME=../home TMPDIR="$work/tmp" \
		TERM=xterm-256color LANG=C.UTF-8 LC_ALL= TZ=UTC \
		EW_TEST_KEYS="$keys" EW_TEST_DUMP_DIR="$work/dumps" \
		EW_TEST_NO_DISPLAY=1 EW_TEST_SIZE="$size" \
		EW_TEST_FIXED_TIME=1 EW_TEST_TIMEOUT=20 EW_DEMO_LATENCY=0 \
		EW_RETRY_SCALE=0 GITHUB_API_URL=http://127.0.0.1:9 \
		$extra "$tbin" $args >"$work/stdout" 2>"$work/stderr")
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name: exit status $rc"
	else
		notok "$name: exit status $rc, expected $want"
		sed 's/^/#   /' "$work/stderr" | head -n 10
	fi
	matched=$(sed -n 's/^#! match: \([^ ]*\) .*/\1/p; s/^#! gone: //p' \
		"$keys" | tr '\n' ' ')
	for d in $(sed -n 's/^#! gone: //p' "$keys"); do
		if [ -f "$work/dumps/$d.txt" ]; then
			notok "$name: still running at :dump $d"
		else
			ok "$name: had left before :dump $d"
		fi
	done
	sed -n 's/^#! match: //p' "$keys" | while read -r d re; do
		if grep -qE -- "$re" "$work/dumps/$d.txt" 2>/dev/null; then
			echo "ok - $name: $d shows /$re/"
		else
			echo "not ok - $name: $d does not show /$re/"
			sed 's/^/#   /' "$work/dumps/$d.txt" 2>/dev/null | head -n 5
		fi
	done >"$work/match.tap"
	sed -n 's/^#! nomatch: //p' "$keys" | while read -r d re; do
		if grep -qE -- "$re" "$work/dumps/$d.txt" 2>/dev/null; then
			echo "not ok - $name: $d shows /$re/"
		else
			echo "ok - $name: $d does not show /$re/"
		fi
	done >>"$work/match.tap"
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) notok "${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$work/match.tap"
	for d in $(sed -n 's/^:dump //p; s/^:keys //p' "$keys"); do
		case " $matched " in *" $d "*) continue ;; esac
		if [ -f "$work/dumps/$d.txt" ]; then
			compare "$work/dumps/$d.txt" "$exp/$d.txt" "$name: $d"
		else
			notok "$name: no dump $d was written"
		fi
	done
	for d in $(sed -n 's/^:attrs //p' "$keys"); do
		if [ -f "$work/dumps/$d.attrs" ]; then
			compare "$work/dumps/$d.attrs" "$exp/$d.attrs" \
				"$name: attributes $d"
		else
			notok "$name: no attribute dump $d was written"
		fi
	done
	sed -n 's/^#! stdout: //p' "$keys" | while IFS= read -r text; do
		if grep -qF -- "$text" "$work/stdout"; then
			echo "ok - $name: prints '$text' on exit"
		else
			echo "not ok - $name: does not print '$text' on exit"
		fi
	done >"$work/stdout.tap"
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "${line#ok - }" ;;
		*) notok "${line#not ok - }" ;;
		esac
	done <"$work/stdout.tap"
	for f in $(sed -n 's/^#! file: //p' "$keys"); do
		if [ -f "$repo/$f" ]; then
			ok "$name: wrote $f"
		else
			notok "$name: did not write $f"
		fi
	done
	for f in $(sed -n 's/^#! demofile: //p' "$keys"); do
		if [ -f "$work/tmp/ecr-wizard-demo-test/$f" ]; then
			ok "$name: wrote $f into the demo's directory"
		else
			notok "$name: did not write $f into the demo's directory"
		fi
	done
	for f in $(sed -n 's/^#! nofile: //p' "$keys"); do
		if [ -e "$repo/$f" ]; then
			notok "$name: wrote $f but should not have"
		else
			ok "$name: left $f alone"
		fi
	done
	for a in $(header assert "$keys"); do
		case "$a" in
		no-color)
			if cat "$work"/dumps/*.attrs | grep -q '[cD]'; then
				notok "$name: colour pairs used although colour is off"
			else
				ok "$name: no colour pair anywhere"
			fi
			;;
		color)
			if cat "$work"/dumps/*.attrs | grep -q c; then
				ok "$name: colour pairs in use"
			else
				notok "$name: no colour pair at all"
			fi
			;;
		no-dim)
			if cat "$work"/dumps/*.attrs | grep -q '[dD]'; then
				notok "$name: dim text although the theme has none"
			else
				ok "$name: no dim text anywhere"
			fi
			;;
		esac
	done
	clip=$(header clipboard "$keys")
	if [ -n "$clip" ]; then
		if [ -f "$work/dumps/clipboard.txt" ]; then
			compare "$work/dumps/clipboard.txt" "$exp/$clip.txt" \
				"$name: clipboard"
		else
			notok "$name: nothing was copied"
		fi
	fi
	# Secrets never reach the screen or the terminal.
	if grep -rqF -e "NOT-A-REAL-SECRET" "$work/dumps" "$work/stdout" \
		"$work/stderr"; then
		notok "$name: the demo secret key appears in the output"
	fi
done

# Orphaned expected files hide removed dumps.
for f in "$exp"/*; do
	d=$(basename "$f")
	d=${d%.*}
	if ! grep -qx -e ":dump $d" -e ":attrs $d" -e ":keys $d" \
		"$top"/tests/tui/*.keys &&
		! grep -qx "#! clipboard: $d" "$top"/tests/tui/*.keys; then
		notok "expected file $(basename "$f") belongs to no script"
	fi
done

# Without a terminal: a clear message and exit 2.
"$bin" --demo </dev/null >"$out/notty.out" 2>"$out/notty.err"
rc=$?
if [ $rc = 2 ] && grep -q "needs a terminal" "$out/notty.err" &&
	grep -q "plan" "$out/notty.err"; then
	ok "no terminal: exit 2, suggests plan/apply"
else
	notok "no terminal: exit $rc"
fi

# --demo-scenario help lists every scenario; a bad name names them.
"$bin" --demo-scenario help >"$out/help.out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "access-denied" "$out/help.out" &&
	grep -q "expired-token" "$out/help.out"; then
	ok "--demo-scenario help lists the scenarios"
else
	notok "--demo-scenario help: exit $rc"
fi
"$bin" --demo-scenario no-such </dev/null >"$out/bad.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "no-such" "$out/bad.out" &&
	grep -q "access-denied" "$out/bad.out"; then
	ok "unknown scenario: exit 2 naming the valid ones"
else
	notok "unknown scenario: exit $rc"
fi

# An unknown theme names the valid ones, as a flag or in EW_THEME.
"$bin" --demo --theme purple </dev/null >"$out/theme.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "purple" "$out/theme.out" &&
	grep -q "high-contrast" "$out/theme.out"; then
	ok "unknown --theme: exit 2 naming the valid ones"
else
	notok "unknown --theme: exit $rc"
fi
echo q >"$out/q.keys"
EW_THEME=purple EW_TEST_NO_DISPLAY=1 EW_TEST_KEYS="$out/q.keys" \
	"$tbin" --demo </dev/null >"$out/theme-env.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "EW_THEME" "$out/theme-env.out"; then
	ok "unknown EW_THEME: exit 2 naming the variable"
else
	notok "unknown EW_THEME: exit $rc"
fi

# The shipped binary has no test hooks: a key script is ignored there.
if grep -q "EW_TEST_KEYS" "$bin"; then
	notok "the shipped binary contains the test hooks"
else
	ok "the shipped binary has no test hooks"
fi

# The test knobs are the test build's alone: the shipped binary neither
# names them nor reads them (an invalid EW_DEMO_LATENCY, refused by the
# test build, changes nothing there; a retry scale cannot shorten its
# back-off).
if grep -q "EW_RETRY_SCALE\|EW_DEMO_LATENCY" "$bin"; then
	notok "the shipped binary contains the test knobs"
else
	ok "the shipped binary has no test knobs"
fi
for b in "$bin" "$tbin"; do
	EW_DEMO_LATENCY=bogus EW_RETRY_SCALE=0 "$b" plan --demo \
		--github octo-org/octo-app --no-workflow </dev/null \
		>"$out/knob.out" 2>&1
	echo $? >"$out/knob.rc.${b##*/}"
done
if [ "$(cat "$out/knob.rc.${bin##*/}")" = 0 ] &&
	[ "$(cat "$out/knob.rc.${tbin##*/}")" = 2 ] &&
	grep -q "invalid EW_DEMO_LATENCY 'bogus'" "$out/knob.out"; then
	ok "EW_DEMO_LATENCY: ignored by the shipped binary, read by the test build"
else
	notok "EW_DEMO_LATENCY: shipped exit $(cat "$out/knob.rc.${bin##*/}"), test build exit $(cat "$out/knob.rc.${tbin##*/}")"
fi

echo "1..$n"
exit $status
