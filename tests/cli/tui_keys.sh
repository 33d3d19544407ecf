#!/bin/sh
# tui_keys.sh - every key the footer or the help advertises does something
# there.
#
# For each state below (a key script prefix that reaches it), the test
# build lists the keys advertised in that state (":keys", generated from
# the key table and the screen's can()); then, for each key, a fresh run
# dumps the screen, presses the key and dumps it again: the two dumps must
# differ, or the wizard must have left (q, Enter on Done).  A scroll key
# at its end (Down at the bottom) gets a second chance from one step the
# other way (Up first): it must move then.  C-l (redraw) is the one key
# whose effect cannot be seen, and is skipped.
# Prints TAP lines.
set -u
top=${EW_TOP:-$(pwd)}
tbin=${EW_TBIN:-$top/build/release/ecr-wizard-test}
out=${EW_TEST_OUT:-$top/tests/.out}/tui_keys
n=0
status=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; status=1; }

rm -rf "$out"
mkdir -p "$out"
if [ ! -x "$tbin" ]; then
	notok "test build missing: $tbin"
	exit 1
fi

# run NAME ARGS SCRIPT: replay SCRIPT, dumps into $out/NAME/.
run() {
	work=$out/$1
	rm -rf "$work"
	mkdir -p "$work/home" "$work/dumps" "$work/tmp"
	git -c init.defaultBranch=main init -q "$work/repo"
	git -C "$work/repo" remote add origin \
		https://github.com/octo-org/octo-app.git
	# shellcheck disable=SC2086
	(cd "$work/repo" && env -i PATH="$PATH" HOME=../home \
		TMPDIR="$work/tmp" TERM=xterm-256color LANG=C.UTF-8 TZ=UTC \
		EW_TEST_KEYS="$3" EW_TEST_DUMP_DIR="$work/dumps" \
		EW_TEST_NO_DISPLAY=1 EW_TEST_SIZE=80x24 EW_TEST_FIXED_TIME=1 \
		EW_TEST_TIMEOUT=20 EW_DEMO_LATENCY=0 EW_RETRY_SCALE=0 \
		GITHUB_API_URL=http://127.0.0.1:9 \
		"$tbin" $2 >"$work/stdout" 2>"$work/stderr")
}

# The key that scrolls the other way, for a scroll key.
opposite() {
	case "$1" in
	Up) echo Down ;; Down) echo Up ;; PgUp) echo PgDn ;; PgDn) echo PgUp ;;
	Home) echo End ;; End) echo Home ;;
	esac
}

# try NAME ARGS PREFIX KEY: "before" and "after" dumps around KEY.
try() {
	printf '%b\n:dump before\n%s\n:wait\n:dump after\n' "$3" "$4" \
		>"$out/$1.keys"
	run "$1" "$2" "$out/$1.keys"
}

# The script token of a key name as the footer shows it.
token() {
	case "$1" in
	Enter | Esc | Tab | S-Tab | Up | Down | PgUp | PgDn | Home | End | \
		Space | F[0-9]* | C-?)
		echo "<$1>"
		;;
	"<") echo "<lt>" ;;
	*) echo "$1" ;;
	esac
}

to_preview=':wait
<Enter>
:wait
<Enter>
:accept-defaults
<Enter>
:wait'
to_failure="$to_preview
<Enter>
y
:wait"

# NAME|ARGS|PREFIX (\n separated)
states() {
	cat <<STATES
welcome|--demo|:wait
account|--demo|:wait\n<Enter>\n:wait
field|--demo|:wait\n<Enter>\n:wait\n<Enter>\n:field ECR repository
choice|--demo|:wait\n<Enter>\n:wait\n<Enter>\n:field Tag mutability
summary|--demo|:wait\n<Enter>\n:wait\n<Enter>\n:accept-defaults\n<Down>
preview|--demo|$(printf '%s' "$to_preview" | sed 's/$/\\n/' | tr -d '\n')<Tab><Tab><Tab>\n<PgDn>
search|--demo|$(printf '%s' "$to_preview" | sed 's/$/\\n/' | tr -d '\n')/
failure|--demo --demo-scenario access-denied|$(printf '%s' "$to_failure" | sed 's/$/\\n/' | tr -d '\n')<Down>
run-done|--demo|$(printf '%s' "$to_failure" | sed 's/$/\\n/' | tr -d '\n')<PgUp>
done|--demo|$(printf '%s' "$to_failure" | sed 's/$/\\n/' | tr -d '\n')<Enter>\n<Down>
incomplete|--demo --demo-scenario access-denied|$(printf '%s' "$to_failure" | sed 's/$/\\n/' | tr -d '\n')s\n:wait\n<Enter>\n<Down>
explain|--demo|:wait\nx
STATES
}

states | while IFS='|' read -r state args prefix; do
	printf '%b\n:keys list\n' "$prefix" >"$out/$state.keys"
	run "$state" "$args" "$out/$state.keys"
	list=$out/$state/dumps/list.txt
	if [ ! -f "$list" ]; then
		echo "not ok - $state: the state was not reached"
		sed 's/^/#   /' "$out/$state/stderr" | head -n 5
		continue
	fi
	sed 1d "$list" | grep -v '^  ' | awk '{print $1}' | tr '/' '\n' |
		grep -v '^$' | sort -u >"$out/$state.names"
	# "/" alone is a key: tr split it into nothing, so add it back.
	if sed 1d "$list" | awk '{print $1}' | grep -qx '/'; then
		echo / >>"$out/$state.names"
	fi
	while IFS= read -r key; do
		[ "$key" = "C-l" ] && continue
		k=$(token "$key")
		s=$out/$state-$(printf '%s' "$key" | tr -c 'A-Za-z0-9-' '_')
		try "$(basename "$s")" "$args" "$prefix" "$k"
		d=$out/$(basename "$s")/dumps
		back=$(opposite "$key")
		if [ -n "$back" ] && [ -f "$d/after.txt" ] &&
			cmp -s "$d/before.txt" "$d/after.txt"; then
			try "$(basename "$s")-2" "$args" \
				"$prefix\n$(token "$back")\n:wait" "$k"
			d=$out/$(basename "$s")-2/dumps
		fi
		if [ ! -f "$d/before.txt" ]; then
			echo "not ok - $state: $key: the state was not reached"
		elif [ ! -f "$d/after.txt" ]; then
			echo "ok - $state: $key ends the wizard"
		elif cmp -s "$d/before.txt" "$d/after.txt"; then
			echo "not ok - $state: $key is advertised but changes nothing"
		else
			echo "ok - $state: $key does something"
		fi
	done <"$out/$state.names"
done >"$out/results.tap"

while IFS= read -r line; do
	case "$line" in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) notok "${line#not ok - }" ;;
	*) echo "$line" ;;
	esac
done <"$out/results.tap"
echo "1..$n"
exit $status
