#!/bin/sh
# tui_e2e_moto.sh - the real wizard ($EW_BIN, not --demo) driven with keys
# in tmux against the moto server, as a person would use it: detection to
# the Done screen accepting every default with Enter, the resources read
# back from moto with botocore, a second run that changes nothing, SIGINT
# in the middle of a run (the terminal comes back as it was, nothing is
# left half-written) and a re-run that completes, with the workflow file
# written or skipped as chosen.
#
# Every wait polls the screen for a text, with a time-out; no fixed
# sleeps.  The run interrupted by SIGINT goes through
# tests/tools/fault_proxy.py, which holds CreateRole so that the signal
# is sure to land while the run is in flight.  Prints TAP lines.
set -u
: "${EW_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
}
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "1..$n"
	exit "$failed"
}
# bail WHAT: a step the rest depends on failed; show the screen and stop.
bail() {
	not_ok "$1"
	screen 2>/dev/null | sed 's/^/#   | /'
	finish
}

if [ -z "${EW_BIN:-}" ] || [ ! -x "$EW_BIN" ]; then
	not_ok "EW_BIN is not set or not executable: run through make check"
	finish
fi
# EW_RETRY_SCALE (retries that do not wait) is read by the test build
# only: run it, the same program plus the test hooks.
EW_BIN=${EW_TBIN:-$EW_BIN}
if [ -z "${EW_MOTO_URL:-}" ]; then
	not_ok "EW_MOTO_URL is not set: run through make check"
	finish
fi
command -v tmux >/dev/null 2>&1 || {
	not_ok "tmux is missing (tests/tools/deps.sh test installs it)"
	finish
}

mkdir -p "${EW_TEST_OUT:-$EW_TOP/tests/.out}"
W=$(mktemp -d "${EW_TEST_OUT:-$EW_TOP/tests/.out}/tui_e2e.XXXXXX")
sock=ew-e2e-$$
proxy_pid=""
sess=""
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1
	[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A repository name of our own (moto is shared by the whole test run).
name=tui-e2e-$$
gh=octo-org/$name
repo=$W/$name
wf=$repo/.github/workflows/ecr-push.yml
role=GitHubActions-ECR-Role
mkdir -p "$W/home"
git -c init.defaultBranch=main init -q "$repo"
git -C "$repo" remote add origin "https://github.com/$gh.git"

aws() { # aws ARGS...: the botocore helper against moto, TAP lines numbered
	python3 "$EW_TOP/tests/tools/cli_engine_aws.py" "$@" >"$W/py.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "moto: ${line#ok - }" ;;
		"not ok - "*) not_ok "moto: ${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done <"$W/py.out"
	[ "$rc" -eq 0 ] || not_ok "moto: cli_engine_aws.py $1 exited $rc"
}

# The pane runs this: the terminal's settings before and after, the
# wizard's pid (exec keeps it) and its exit status.  It then stays a
# while, since tmux hides the cursor of a dead pane.
cat >"$W/run.sh" <<'EOF'
d=$1
shift
stty -a >"$d/stty.before"
sh -c 'echo $$ >"$0/pid"; exec "$@"' "$d" "$@"
echo $? >"$d/rc.tmp"
stty -a >"$d/stty.after"
mv "$d/rc.tmp" "$d/rc"
sleep 60
EOF

# The sanitizer build's settings go through to the pane (make SAN=1 check).
san=""
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	eval "val=\${$v:-}"
	[ -n "$val" ] && san="$san $v='$val'"
done

# start RUN ENDPOINT - a new pane running the wizard in the repository,
# with a pinned environment: fake keys, the endpoint, no user config,
# nothing that could reach the internet.
start() {
	run=$W/$1
	mkdir -p "$run"
	# A session per run: killing the server and starting it again at
	# once races with the old server's exit.
	[ -n "$sess" ] && tm kill-session -t "$sess" >/dev/null 2>&1
	sess=$1
	tm new-session -d -s "$sess" -x 100 -y 30 -c "$repo" \
		"exec env -i PATH='$PATH' HOME='$W/home' TERM=xterm-256color \
		LANG=C.UTF-8 TZ=UTC AWS_ENDPOINT_URL='$2' \
		AWS_ACCESS_KEY_ID=AKIDEXAMPLE \
		AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
		AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null \
		AWS_SHARED_CREDENTIALS_FILE=/dev/null \
		AWS_EC2_METADATA_DISABLED=true EW_RETRY_SCALE=0.01 \
		GITHUB_API_URL=http://127.0.0.1:9 $san \
		sh '$W/run.sh' '$run' '$EW_BIN'" || bail "$1: tmux session started"
	tm set-option -t "$sess" remain-on-exit on >/dev/null
	tm set-option -t "$sess" status off >/dev/null
}

screen() { tm capture-pane -p -J -t "$sess"; }
# Every screen seen goes to the run's log too (checked for the secret).
seen() { screen | tee -a "$run/screens.txt"; }

# wait_for TIMEOUT TEXT... - true once every TEXT is on the screen.
wait_for() {
	limit=$(($1 * 20))
	shift
	i=0
	while [ "$i" -lt "$limit" ]; do
		s=$(seen)
		all=1
		for t in "$@"; do
			case "$s" in *"$t"*) ;; *) all=0 ;; esac
		done
		[ "$all" = 1 ] && return 0
		i=$((i + 1))
		sleep 0.05
	done
	return 1
}

# press KEY... - send keys, then wait for the screen to react.
press() {
	before=$(screen)
	tm send-keys -t "$sess" "$@"
	i=0
	while [ "$i" -lt 100 ] && [ "$(screen)" = "$before" ]; do
		i=$((i + 1))
		sleep 0.05
	done
}

# exited TIMEOUT - true once the wizard has exited (run.sh wrote rc).
exited() {
	i=0
	while [ "$i" -lt $(($1 * 20)) ]; do
		[ -f "$run/rc" ] && return 0
		i=$((i + 1))
		sleep 0.05
	done
	return 1
}

# restored WHAT - the terminal is as it was: same stty settings, normal
# screen, visible cursor.
restored() {
	if cmp -s "$run/stty.before" "$run/stty.after"; then
		ok "$1: stty -a the same before and after"
	else
		not_ok "$1: stty -a the same before and after"
		diff "$run/stty.before" "$run/stty.after" | sed 's/^/#   /'
	fi
	check "$1: back from the alternate screen" \
		[ "$(tm display-message -p -t "$sess" '#{alternate_on}')" = 0 ]
	check "$1: cursor visible again" \
		[ "$(tm display-message -p -t "$sess" '#{cursor_flag}')" = 1 ]
}

# to_preview WHAT - welcome, account and choices, every default taken.
to_preview() {
	wait_for 20 "$gh  (detected)" "Enter continue" ||
		bail "$1: welcome screen detects $gh"
	ok "$1: welcome screen detects $gh"
	press Enter
	wait_for 20 "123456789012" "These credentials work" ||
		bail "$1: account screen shows the moto account"
	ok "$1: account screen shows the moto account"
	press Enter
	wait_for 10 "Choices" "Region" || bail "$1: choices screen"
	i=0
	until screen | grep -q "Continue to the preview"; do
		i=$((i + 1))
		[ "$i" -le 20 ] || bail "$1: Enter through every choice to the summary"
		press Enter
	done
	ok "$1: every choice accepted with Enter"
	check "$1: summary names the ECR repository $name" \
		wait_for 5 "ECR repository" "$name"
	press Enter
	wait_for 20 "Trust policy" "repo:$gh:*" ||
		bail "$1: preview shows the trust policy for repo:$gh:*"
	ok "$1: preview shows the trust policy for repo:$gh:*"
}

# confirm WHAT - Enter on the preview asks before changing AWS; y says yes.
confirm() {
	press Enter
	wait_for 10 "[y/N]" || bail "$1: Enter on the preview asks first"
	press y
}

# mutations - the requests that changed something, as the proxy logged them.
mutations() {
	grep -E '"op": "(Create|Put|Attach|Tag|Update|Delete|Set|Add)' \
		"$W/proxy/requests.log"
}

no_secret_shown() {
	! grep -q "wJalrXUtnFEMI" "$run/screens.txt"
}

# --- proxy (for the interrupted run), fresh moto ----------------------------
mkdir -p "$W/proxy"
python3 "$EW_TOP/tests/tools/fault_proxy.py" --upstream "$EW_MOTO_URL" \
	--dir "$W/proxy" </dev/null >"$W/proxy/log" 2>&1 &
proxy_pid=$!
printf '[]\n' >"$W/proxy/rules.json"
i=0
until [ -s "$W/proxy/port" ] || [ "$i" -gt 200 ]; do
	i=$((i + 1))
	sleep 0.05
done
[ -s "$W/proxy/port" ] || bail "fault proxy started"
aws reset

# --- 1: a first run creates everything; the workflow is written ------------
# Through the proxy (no faults), which logs every request: nothing that
# changes AWS may leave before the user answers y.
start first "http://127.0.0.1:$(cat "$W/proxy/port")"
to_preview first
press Enter
check "first: Enter on the preview asks, naming what changes" \
	wait_for 10 "Create 6 resources" "in account 123456789012 (us-east-1)?" \
	"[y/N]"
check "first: no request that changes AWS before the answer" \
	[ -z "$(mutations)" ]
press n
check "first: n goes back to the preview" \
	wait_for 10 "not applied: nothing in AWS was changed" "Trust policy"
check "first: still no request that changes AWS after n" \
	[ -z "$(mutations)" ]
confirm first
wait_for 60 "Setup complete" ||
	bail "first: the run completes"
check "first: y made the changes (the proxy saw CreateRole)" \
	grep -q '"op": "CreateRole"' "$W/proxy/requests.log"
check "first: 8 done, nothing failed" \
	wait_for 1 "8 done, 0 updated, 0 unchanged, 0 skipped, 0 failed"
press Enter
wait_for 10 "The setup is complete" "AWS_ROLE_ARN" ||
	bail "first: Done screen with the secrets"
check "first: Done screen shows the role ARN" \
	wait_for 1 "arn:aws:iam::123456789012:role/$role"
check "first: Done screen offers to write the workflow" \
	wait_for 1 "Enter writes the new file"
press Enter
check "first: workflow written (on screen)" wait_for 10 "written"
check "first: workflow file in the repository" [ -f "$wf" ]
check "first: workflow asks for id-token: write" grep -q "id-token: write" "$wf"
check "first: workflow reads the role secret" grep -q "secrets.AWS_ROLE_ARN" "$wf"
press q
check "first: wizard exits" exited 10
check "first: exit status 0" [ "$(cat "$run/rc" 2>/dev/null)" = 0 ]
check "first: secrets table left in the terminal" \
	wait_for 5 "AWS_ROLE_ARN    arn:aws:iam::123456789012:role/$role"
restored first
check "first: no secret key on any screen" no_secret_shown
aws check-setup "$gh" "$role" GitHubActions-ECR-Policy "$name" us-east-1
cksum "$wf" >"$W/wf.sum"

# --- 2: a second run: every step unchanged ----------------------------------
start second "$EW_MOTO_URL"
to_preview second
confirm second
wait_for 60 "Setup complete" || bail "second: the run completes"
check "second: every resource unchanged" \
	wait_for 1 "1 done, 0 updated, 7 unchanged, 0 skipped, 0 failed"
check "second: no change made" wait_for 1 "0 changes"
for step in "OIDC provider" "ECR repository $name" "Lifecycle policy" \
	"IAM policy" "IAM role" "Attach"; do
	check "second: $step unchanged" \
		sh -c 'screen_text=$1; shift; printf "%s\n" "$screen_text" |
			grep -q "$1.* unchanged "' sh "$(screen)" "$step"
done
press Enter
check "second: the workflow is already identical" \
	wait_for 10 "identical"
press q
check "second: wizard exits" exited 10
check "second: exit status 0" [ "$(cat "$run/rc" 2>/dev/null)" = 0 ]
check "second: workflow file untouched" \
	sh -c 'cksum "$1" | cmp -s - "$2"' sh "$wf" "$W/wf.sum"
restored second

# --- 3: SIGINT while CreateRole is in flight --------------------------------
aws reset
rm -f "$wf"
printf '%s\n' '[{"op": "CreateRole", "delay_ms": 30000}]' >"$W/proxy/rules.json"
start interrupted "http://127.0.0.1:$(cat "$W/proxy/port")"
to_preview interrupted
confirm interrupted
i=0
until [ -e "$W/proxy/held.CreateRole" ] || [ "$i" -gt 600 ]; do
	i=$((i + 1))
	sleep 0.05
done
[ -e "$W/proxy/held.CreateRole" ] || bail "interrupted: the run reaches CreateRole"
check "interrupted: run screen shows the role step running" \
	wait_for 5 "IAM role $role" "running"
kill -INT "$(cat "$run/pid")"
check "interrupted: wizard exits on SIGINT" exited 15
check "interrupted: exit status 130" [ "$(cat "$run/rc" 2>/dev/null)" = 130 ]
restored interrupted
check "interrupted: no workflow file, no temporary file left" \
	[ -z "$(find "$repo" -path "$repo/.git" -prune -o -type f -print)" ]
# The held CreateRole must never reach moto after the fact.
kill "$proxy_pid" 2>/dev/null
wait "$proxy_pid" 2>/dev/null
proxy_pid=""

# --- 4: the re-run completes; the workflow is skipped this time -------------
start rerun "$EW_MOTO_URL"
to_preview rerun
confirm rerun
wait_for 60 "Setup complete" || bail "rerun: the run completes"
check "rerun: nothing failed" wait_for 1 "0 skipped, 0 failed"
check "rerun: the role is created now" \
	sh -c 'printf "%s\n" "$1" | grep -q "IAM role.* done "' sh "$(screen)"
press Enter
wait_for 10 "The setup is complete" || bail "rerun: Done screen"
press k
check "rerun: workflow skipped (on screen)" wait_for 5 "skip"
press q
check "rerun: wizard exits" exited 10
check "rerun: exit status 0" [ "$(cat "$run/rc" 2>/dev/null)" = 0 ]
check "rerun: workflow file not written" [ ! -e "$wf" ]
restored rerun
check "rerun: no secret key on any screen" no_secret_shown
aws check-setup "$gh" "$role" GitHubActions-ECR-Policy "$name" us-east-1

finish
