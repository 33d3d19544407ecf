#!/bin/sh
# runtests.sh - run test programs and scripts, one moto server for all.
#
# Each argument is a test binary (cmocka) or a tests/cli/*.sh script.  Output
# goes to tests/.out/run.PID/NAME.log (tests/.out/last points at the newest); a failing test's log is shown.  Cases are
# counted from cmocka's summary lines and from TAP "ok"/"not ok" lines; a
# program without either counts as one case.  Ends with the closing line
# "check: N passed, N failed".  Exit status 1 when anything failed.
set -u
top=$(pwd)
# One directory per run, so runs side by side never clear each other's files;
# directories of runs that have ended are removed.
mkdir -p "$top/tests/.out"
for d in "$top"/tests/.out/run.*; do
	[ -d "$d" ] || continue
	kill -0 "${d##*.}" 2>/dev/null || rm -rf "$d"
done
out="$top/tests/.out/run.$$"
mkdir -p "$out"
ln -sfn "run.$$" "$top/tests/.out/last"

EW_MOTO_URL=$(sh tests/tools/moto.sh start "$out/moto") || {
	echo "check: cannot start moto server" >&2
	exit 1
}
export EW_MOTO_URL EW_TEST_OUT="$out" EW_TOP="$top"
trap 'sh tests/tools/moto.sh stop "$out/moto"' EXIT INT TERM

passed=0 failed=0 failed_names=""
for t in "$@"; do
	name=$(basename "$t" .sh)
	log="$out/$name.log"
	case "$t" in
	*.sh) sh "$t" >"$log" 2>&1 ;;
	*) "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	tp=$(grep -c '^ok ' "$log")
	tf=$(grep -c '^not ok ' "$log")
	p=$((p + tp))
	f=$((f + tf))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		p=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
		printf '  PASS  %-32s %4d\n' "$name" "$p"
		grep -h '^# ' "$log" | sed 's/^/        /'
	else
		printf '  FAIL  %-32s %4d passed, %d failed (exit %d)\n' "$name" "$p" "$f" "$rc"
		tail -n 40 "$log" | sed 's/^/        | /'
		failed_names="$failed_names $name"
	fi
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
