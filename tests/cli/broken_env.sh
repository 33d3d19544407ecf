#!/bin/sh
# broken_env.sh - broken surroundings get a clear message, never a crash
# (exit status below 128, or 130), and nothing half-written:
#   ~/.aws/config and credentials unreadable, malformed, with an
#   unterminated section, duplicate profiles, a source_profile loop, a
#   credential_process that hangs or floods its output; a git repository
#   with no commits, a corrupt .git; a file where .github should be (a
#   read-only working tree, as far as root can be stopped); no TERM,
#   TERM=dumb, stdin not a terminal, a 20x10 terminal (tmux).
# AWS calls go to the shared moto server with names of this test's own.
# Prints TAP lines.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
: "${EW_MOTO_URL:?}"
FL_DIR="$EW_TEST_OUT/broken_env"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR"
FL_OUT="$FL_DIR"
FL_PROXY=$EW_MOTO_URL
fl_env
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
fl_git_repo "$FL_DIR/repo"
cd "$FL_DIR/repo" || exit 1
NAMES="--role-name broken-env-role --policy-name broken-env-policy --repo broken-env-app"
cfg="$FL_DIR/config"
crd="$FL_DIR/credentials"
export AWS_CONFIG_FILE="$cfg" AWS_SHARED_CREDENTIALS_FILE="$crd"

# expect NAME WANT_STATUS FRAGMENT ARGS...: run ecr-wizard ARGS; exit
# status WANT_STATUS ("any" = any status below 128), FRAGMENT (if not
# empty) in its output.
expect() {
	name=$1 want=$2 frag=$3
	shift 3
	fl_run st "$@"
	if [ "$st" -ge 128 ] && [ "$st" -ne 130 ]; then
		not_ok "$name: exit $st (crash or hang)"
	elif [ "$want" != any ] && [ "$st" -ne "$want" ]; then
		not_ok "$name: exit $st, expected $want"
	elif [ -n "$frag" ] && ! any_has "$frag"; then
		not_ok "$name: no '$frag' in the message"
	elif grep -q "Sanitizer\|runtime error" "$FL_OUT/stderr"; then
		not_ok "$name: sanitizer report"
	else
		ok "$name: exit $st, '$frag'"
	fi
}

# The hanging credential_process takes the client's 30 s limit: started
# first, in the background, and collected at the end.
printf '#!/bin/sh\necho $$ >"%s/hang.pid"\nexec sleep 600\n' "$FL_DIR" \
	>"$FL_DIR/hang.sh"
chmod +x "$FL_DIR/hang.sh"
printf '[profile hang]\ncredential_process = %s/hang.sh\n' "$FL_DIR" \
	>"$FL_DIR/hang.config"
AWS_CONFIG_FILE="$FL_DIR/hang.config" timeout -k 5 90 "$EW_BIN" plan \
	--profile hang </dev/null >"$FL_DIR/hang.out" 2>"$FL_DIR/hang.err" &
hang_pid=$!
hang_start=$(date +%s)

# --- AWS config and credentials files ------------------------------------
: >"$crd"
mkdir -p "$FL_DIR/a-directory"
AWS_CONFIG_FILE="$FL_DIR/a-directory" expect "config is a directory" 2 \
	"a-directory" plan
printf '[default]\nregion = us-east-1\n' >"$cfg"
AWS_SHARED_CREDENTIALS_FILE="$FL_DIR/a-directory" expect \
	"credentials file is a directory" 2 "a-directory" plan
printf 'this is not ini\n[default]\nregion = us-east-1\n' >"$cfg"
expect "malformed config" 2 "config' line 1" plan
printf '[default]\nregion = us-east-1\n' >"$cfg"
printf '[default]\naws_access_key_id = AKIDBROKEN\naws_secret_access_key\n' >"$crd"
expect "malformed credentials" 2 "credentials' line 3" plan
: >"$crd"
printf '[default]\nregion = us-east-1\n[profile dev\nregion = eu-west-1\n' >"$cfg"
expect "unterminated section" 2 "line 3" plan --profile dev
printf '[default]\nregion = us-east-1\n\001\000\377\n' >"$cfg"
expect "binary garbage in config" 2 "config' line 3" plan
python3 -c "import sys; sys.stdout.write('[default]\nregion = ' + 'a' * 2000000 + '\n')" >"$cfg"
expect "2 MB config" 2 "config" plan
printf '[profile dev]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n' >"$cfg"
printf '[dev]\naws_access_key_id = AKIDDUP1\naws_secret_access_key = s1\n[dev]\naws_access_key_id = AKIDDUP2\naws_secret_access_key = s2\n' >"$crd"
expect "duplicate profiles" any "" plan --profile dev $NAMES
: >"$crd"
cat >"$cfg" <<'EOF'
[profile a]
role_arn = arn:aws:iam::123456789012:role/a
source_profile = b
[profile b]
role_arn = arn:aws:iam::123456789012:role/b
source_profile = a
[profile self]
role_arn = arn:aws:iam::123456789012:role/s
source_profile = self
EOF
expect "source_profile loop" 3 "loop" plan --profile a
expect "source_profile pointing at itself" 3 "loop" plan --profile self
expect "unknown profile" 2 "nope" plan --profile nope
printf '#!/bin/sh\nexec yes AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n' \
	>"$FL_DIR/flood.sh"
chmod +x "$FL_DIR/flood.sh"
printf '[profile flood]\ncredential_process = %s/flood.sh\n' "$FL_DIR" >"$cfg"
expect "credential_process floods" 3 "flood" plan --profile flood
printf '#!/bin/sh\necho "not json at all"\n' >"$FL_DIR/junk.sh"
chmod +x "$FL_DIR/junk.sh"
printf '[profile junk]\ncredential_process = %s/junk.sh\n' "$FL_DIR" >"$cfg"
expect "credential_process prints junk" 3 "junk" plan --profile junk
: >"$cfg"

# --- git -------------------------------------------------------------------
export AWS_ACCESS_KEY_ID=AKIDBROKENENV0000001
export AWS_SECRET_ACCESS_KEY=brokenEnvSecret000000000000000000000000
expect "repository with no commits: apply works" 0 "" apply --yes $NAMES
check "repository with no commits: workflow written" \
	test -s .github/workflows/ecr-push.yml
cd "$FL_DIR" || exit 1
mkdir -p gitfile && cd gitfile || exit 1
echo "gitdir: /nonexistent/repo" >.git
expect "corrupt .git (dangling gitdir)" 2 "--github" plan
cd "$FL_DIR" && fl_git_repo "$FL_DIR/badhead" && cd badhead || exit 1
echo "garbage" >.git/HEAD
expect "corrupt .git/HEAD" 2 "git repository" plan
cd "$FL_DIR" && fl_git_repo "$FL_DIR/badconfig" && cd badconfig || exit 1
head -c 400 /dev/urandom >.git/config
expect "corrupt .git/config" 2 "--github" plan
expect "corrupt .git/config, --github given" 0 "" plan --github octo-org/app

# --- nowhere to write the workflow -------------------------------------------
cd "$FL_DIR" && fl_git_repo "$FL_DIR/nowrite" && cd nowrite || exit 1
echo "a file where .github should be" >.github
expect "a file where .github should be" 1 "'.github' is" apply --yes $NAMES
check ".github file left as it was" \
	grep -qx "a file where .github should be" .github
left=$(find . -path ./.git -prune -o -type f ! -name .github -print)
if [ -z "$left" ]; then
	ok "nothing else written"
else
	not_ok "left behind: $left"
fi

# --- terminals -----------------------------------------------------------------
cd "$FL_DIR/repo" || exit 1
expect "wizard with stdin not a terminal" 2 "needs a terminal" --demo
TERM=dumb expect "wizard, TERM=dumb, not a terminal" 2 "needs a terminal" --demo

tmux_run() { tmux -L "ew-broken-env-$$" "$@"; }
# tui NAME SIZE ENVSPEC: the wizard in a tmux pane of SIZE (WxH) with
# `env ENVSPEC`; after 2 s the screen is in $FL_DIR/screen, then q and
# Ctrl-C are sent; the exit status lands in $FL_DIR/tui.rc.
tui() {
	name=$1 size=$2 envspec=$3
	rm -f "$FL_DIR/tui.rc" "$FL_DIR/tui.err"
	tmux_run new-session -d -s ew -x "${size%x*}" -y "${size#*x}" \
		"env $envspec EW_NO_GITHUB_API=1 $EW_BIN --demo 2>$FL_DIR/tui.err; echo \$? >$FL_DIR/tui.rc; sleep 5"
	sleep 2
	tmux_run capture-pane -p -t ew >"$FL_DIR/screen"
	tmux_run send-keys -t ew q
	i=0
	while [ ! -s "$FL_DIR/tui.rc" ] && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$FL_DIR/tui.rc" ] || tmux_run send-keys -t ew C-c
	while [ ! -s "$FL_DIR/tui.rc" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tmux_run kill-server 2>/dev/null
	tui_rc=$(cat "$FL_DIR/tui.rc" 2>/dev/null || echo none)
}
tui "no TERM" 80x24 "-u TERM"
if [ "$tui_rc" = 2 ] && grep -q "TERM" "$FL_DIR/tui.err"; then
	ok "no TERM: exit 2, says TERM is unusable"
else
	not_ok "no TERM: exit $tui_rc: $(head -c 200 "$FL_DIR/tui.err")"
fi
tui "TERM=dumb" 80x24 "TERM=dumb"
case $tui_rc in
0 | 2 | 130) ok "TERM=dumb: ends cleanly (exit $tui_rc)" ;;
*) not_ok "TERM=dumb: exit $tui_rc: $(head -c 200 "$FL_DIR/tui.err")" ;;
esac
tui "20x10" 20x10 "TERM=xterm-256color"
if grep -q "too small" "$FL_DIR/screen"; then
	ok "20x10 terminal: says it is too small"
else
	not_ok "20x10 terminal: screen does not say too small"
	sed 's/^/#   /' "$FL_DIR/screen"
fi
case $tui_rc in
0 | 130) ok "20x10 terminal: quits cleanly (exit $tui_rc)" ;;
*) not_ok "20x10 terminal: exit $tui_rc" ;;
esac

# --- the hanging credential_process, started at the top ----------------------
wait "$hang_pid"
st=$?
took=$(($(date +%s) - hang_start))
if [ "$st" -eq 3 ] && grep -q "did not finish" "$FL_DIR/hang.err" &&
	[ "$took" -lt 60 ]; then
	ok "credential_process that hangs: exit 3 after ${took}s, says so"
else
	not_ok "credential_process that hangs: exit $st after ${took}s: $(head -c 200 "$FL_DIR/hang.err")"
fi
if [ -s "$FL_DIR/hang.pid" ] && kill -0 "$(cat "$FL_DIR/hang.pid")" 2>/dev/null; then
	not_ok "the hanging credential_process was left running"
	kill "$(cat "$FL_DIR/hang.pid")" 2>/dev/null
else
	ok "the hanging credential_process was stopped"
fi
exit $failed
