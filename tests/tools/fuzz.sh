#!/bin/sh
# fuzz.sh - run each libFuzzer target for FUZZ_SECONDS on its seed corpus.
#
# The corpus of tests/fuzz/fuzz_NAME.c is tests/fuzz/corpus/fuzz_NAME/; new
# inputs go to build/fuzz/corpus/ so the committed seeds stay small.  A crash
# stops the run: its input is left in build/fuzz/ to become a regression seed.
set -eu
secs=${FUZZ_SECONDS:-30}
status=0
for bin in "$@"; do
	name=$(basename "$bin")
	seeds="tests/fuzz/corpus/$name"
	work="build/fuzz/corpus/$name"
	mkdir -p "$work" "$seeds"
	log="build/fuzz/$name.log"
	if "$bin" -max_total_time="$secs" -artifact_prefix="build/fuzz/$name-" \
		-print_final_stats=1 "$work" "$seeds" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		printf '  %-32s ok   %s executions in %ss\n' "$name" "${execs:-?}" "$secs"
	else
		printf '  %-32s FAIL see %s\n' "$name" "$log"
		status=1
	fi
done
exit $status
