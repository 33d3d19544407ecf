#!/bin/sh
# interrupts.sh - SIGINT and SIGTERM delivered while `ecr-wizard apply`
# is in each of its steps (held there by fault_proxy.py latency on that
# step's AWS call): the process ends promptly with exit status 130, no
# local file is half-written (the workflow is absent or complete, no
# temporary file is left), and the next apply completes the setup.
# Prints TAP lines.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
FL_DIR="$EW_TEST_OUT/interrupts"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR"
FL_OUT="$FL_DIR"
fl_moto_start
fl_proxy_start
fl_env
fl_git_repo "$FL_DIR/repo"
cd "$FL_DIR/repo" || exit 1
wf=.github/workflows/ecr-push.yml

# The workflow a clean run writes, to tell "complete" from "half".
fl_reset
fl_run st apply --yes
if [ "$st" -eq 0 ] && [ -s "$wf" ]; then
	cp "$wf" "$FL_DIR/expected.yml"
	ok "reference run completes"
else
	not_ok "reference run exits $st"
	exit 1
fi

# Files in the working tree other than .git and the workflow: temporary
# files of an interrupted write would show here.
stray() {
	find . -path ./.git -prune -o -type f ! -path "./$wf" -print | head -n 5
}

# interrupt SIGNAL OP: hold apply in OP's call, deliver SIGNAL, check.
interrupt() {
	sig=$1 op=$2
	what="SIG$sig during $op"
	fl_reset
	rm -rf .github
	fl_rules "[{\"op\": \"$op\", \"delay_ms\": 20000}]"
	# A terminal's shell leaves SIGINT at its default; a background job
	# of sh would inherit it ignored.
	env --default-signal=INT,TERM "$EW_BIN" apply --yes \
		</dev/null >"$FL_OUT/stdout" 2>"$FL_OUT/stderr" &
	pid=$!
	i=0
	while [ ! -e "$FL_PX/held.$op" ] && [ $i -lt 300 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if [ ! -e "$FL_PX/held.$op" ]; then
		not_ok "$what: apply never reached $op"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return
	fi
	sleep 0.1
	start=$(date +%s%N)
	kill -"$sig" "$pid"
	# Wait at most 5 s for it to end.
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		not_ok "$what: still running 5 s after the signal"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return
	fi
	wait "$pid"
	st=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$st" -eq 130 ]; then
		ok "$what: exit 130 after ${ms} ms"
	else
		not_ok "$what: exit $st, expected 130"
	fi
	if [ ! -e "$wf" ] || cmp -s "$wf" "$FL_DIR/expected.yml"; then
		ok "$what: workflow absent or complete"
	else
		not_ok "$what: workflow half-written"
	fi
	left=$(stray)
	if [ -z "$left" ]; then
		ok "$what: no temporary file left"
	else
		not_ok "$what: left $left"
	fi
	if grep -q "Sanitizer\|runtime error" "$FL_OUT/stderr"; then
		not_ok "$what: sanitizer report"
	fi
	fl_rules '[]'
	fl_run st apply --yes
	if [ "$st" -eq 0 ] && cmp -s "$wf" "$FL_DIR/expected.yml"; then
		ok "$what: the next apply completes"
	else
		not_ok "$what: the next apply exits $st"
	fi
}

# In order: before the engine (identity), planning reads, then each
# creating step of a first apply.
for op in GetCallerIdentity GetRole CreateOpenIDConnectProvider \
	CreateRepository PutLifecyclePolicy CreatePolicy CreateRole \
	AttachRolePolicy; do
	interrupt INT "$op"
	interrupt TERM "$op"
done
exit $failed
