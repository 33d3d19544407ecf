#!/bin/sh
# reliability.sh - issue 14, round two: nothing hangs on a FIFO, Ctrl-C
# works at the prompt, SIGHUP is an interrupt, interrupted changes are
# reported as unknown, no core dumps, the trace file is safe and shows
# GitHub too, --force keeps the workflow's mode, empty or garbage success
# bodies are errors, JSON stays valid UTF-8, ECR and GitHub names are
# checked before any request, the workflow never lands in another
# repository, the wizard refuses the scripts' flags and honours the trace,
# a failing credential_process shows no secret, and the messages say what
# is wrong.  Runs against the moto server runtests.sh started, through
# tests/tools/fault_proxy.py.  Prints TAP lines.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
FL_DIR="$EW_TEST_OUT/reliability"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR"
FL_OUT="$FL_DIR/run"
mkdir -p "$FL_OUT"
FL_MOTO=${EW_MOTO_URL:?run through tests/tools/runtests.sh}
fl_proxy_start
fl_env
fl_git_repo "$FL_DIR/repo"
cd "$FL_DIR/repo" || exit 1
wf=.github/workflows/ecr-push.yml
FL_LIMIT=20

# json_ok FILE: the file is one JSON document, strictly valid UTF-8.
json_ok() {
	python3 - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
json.loads(data.decode("utf-8", "strict"))
PY
}

# held OP: wait until the proxy holds a request for OP (5 s at most).
held() {
	i=0
	while [ ! -e "$FL_PX/held.$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -e "$FL_PX/held.$1" ]
}

# ends PID: wait at most 5 s for it to exit; its status in $st.
ends() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		st=999
		return 1
	fi
	wait "$1"
	st=$?
	return 0
}

# --- 3: a FIFO where the workflow goes ------------------------------------
fl_reset
mkdir -p .github/workflows
mkfifo "$wf"
fl_run st plan
if [ "$st" -ne 124 ] && [ "$st" -ne 137 ] && any_has "not a regular file"; then
	ok "FIFO workflow: plan ends at once (exit $st) and says why"
else
	not_ok "FIFO workflow: plan exits $st"
fi
fl_run st apply --yes
if [ "$st" -eq 1 ] && any_has "not a regular file" && out_has "Incomplete:"; then
	ok "FIFO workflow: apply ends (exit 1, Incomplete), never opens it"
else
	not_ok "FIFO workflow: apply exits $st"
fi
[ -p "$wf" ] && ok "FIFO workflow: left as it was" || not_ok "FIFO workflow: replaced"
rm -f "$wf"
mkfifo .github/workflows/other.yml
fl_run st doctor
if [ "$st" -ne 124 ] && [ "$st" -ne 137 ]; then
	ok "FIFO in .github/workflows: doctor ends (exit $st)"
else
	not_ok "FIFO in .github/workflows: doctor hangs"
fi
rm -f .github/workflows/other.yml

# --- 5: deep nesting is refused before libyaml ----------------------------
python3 -c 'import sys; sys.stdout.write("[" * 200000)' >.github/workflows/deep.yml
FL_LIMIT=10 fl_run st doctor
if [ "$st" -ne 124 ] && [ "$st" -ne 137 ] && any_has "nested more than"; then
	ok "deeply nested YAML: doctor refuses it at once"
else
	not_ok "deeply nested YAML: doctor exits $st"
fi
rm -rf .github

# --- 4: Ctrl-C at the confirmation prompt ---------------------------------
fl_reset
python3 - "$EW_BIN" >"$FL_OUT/stdout" 2>&1 <<'PY'
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "apply", "--no-workflow"])
buf, deadline = b"", time.time() + 15
while b"[y/N]" not in buf and time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            buf += os.read(fd, 4096)
        except OSError:
            break
if b"[y/N]" not in buf:
    print("no prompt:", buf.decode("utf-8", "replace")[-300:])
    os.kill(pid, signal.SIGKILL)
    sys.exit(1)
t0 = time.time()
os.write(fd, b"\x03")  # the terminal turns it into SIGINT
while time.time() - t0 < 3:
    p, status = os.waitpid(pid, os.WNOHANG)
    if p:
        print("exit", os.waitstatus_to_exitcode(status),
              "after %.2fs" % (time.time() - t0))
        sys.exit(0)
    time.sleep(0.02)
os.kill(pid, signal.SIGKILL)
print("still waiting 3 s after Ctrl-C")
sys.exit(1)
PY
if grep -q "^exit 130" "$FL_OUT/stdout"; then
	ok "Ctrl-C at 'Apply these changes?': $(grep '^exit' "$FL_OUT/stdout")"
else
	not_ok "Ctrl-C at the prompt: $(tail -n 1 "$FL_OUT/stdout")"
fi
check "Ctrl-C at the prompt: nothing created" [ "$(fl_count CreateRole)" -eq 0 ]

# --- 15, 9, 7: SIGHUP while a create is in flight ---------------------------
fl_reset
rm -f "$FL_PX"/held.*
fl_rules '[{"op": "CreateRole", "delay_ms": 20000}]'
# core files allowed by the shell: the program must turn them off itself
(ulimit -c unlimited 2>/dev/null
exec env --default-signal=HUP "$EW_BIN" apply --yes </dev/null \
	>"$FL_OUT/stdout" 2>"$FL_OUT/stderr") &
pid=$!
if held CreateRole; then
	if grep -q "^Max core file size *0 *0" "/proc/$pid/limits"; then
		ok "core dumps off for the process (RLIMIT_CORE 0)"
	else
		not_ok "core dumps: $(grep 'core file' "/proc/$pid/limits")"
	fi
	kill -HUP "$pid"
	ends "$pid"
	if [ "$st" -eq 130 ] && out_has "Interrupted:"; then
		ok "SIGHUP during apply: interrupt handling, exit 130"
	else
		not_ok "SIGHUP during apply: exit $st"
	fi
	if out_has "may exist; a re-run adopts it" && ! out_has "Nothing is half-written"; then
		ok "interrupted create reported as unknown: may exist"
	else
		not_ok "interrupted create not reported as unknown"
	fi
else
	not_ok "apply never reached CreateRole"
	kill -KILL "$pid" 2>/dev/null
fi
fl_rules '[]'
# the same in JSON
fl_reset
rm -f "$FL_PX"/held.*
fl_rules '[{"op": "CreatePolicy", "delay_ms": 20000}]'
env --default-signal=INT "$EW_BIN" apply --yes --output json </dev/null \
	>"$FL_OUT/stdout" 2>"$FL_OUT/stderr" &
pid=$!
if held CreatePolicy; then
	kill -INT "$pid"
	ends "$pid"
	state=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([s["state"]+"|"+s["detail"] for s in d["steps"] if s["kind"]=="policy"][0])' "$FL_OUT/stdout" 2>&1)
	case "$state" in
	unknown*"may exist"*) ok "JSON: interrupted create has state unknown" ;;
	*) not_ok "JSON: interrupted create: $state" ;;
	esac
else
	not_ok "apply never reached CreatePolicy"
	kill -KILL "$pid" 2>/dev/null
fi
fl_rules '[]'

# a SIGQUIT (Ctrl-\) leaves no core file even where the shell allows them
fl_reset
rm -f "$FL_PX"/held.* core core.*
fl_rules '[{"op": "GetRole", "delay_ms": 20000}]'
(ulimit -c unlimited 2>/dev/null; exec "$EW_BIN" plan </dev/null \
	>"$FL_OUT/stdout" 2>"$FL_OUT/stderr") &
pid=$!
if held GetRole; then
	kill -QUIT "$pid"
	ends "$pid"
	if ! ls core core.* >/dev/null 2>&1; then
		ok "SIGQUIT: no core file written"
	else
		not_ok "SIGQUIT: a core file was written"
		rm -f core core.*
	fi
else
	not_ok "plan never reached GetRole"
	kill -KILL "$pid" 2>/dev/null
fi
fl_rules '[]'

# --- 15: --force keeps the workflow's mode --------------------------------
fl_reset
fl_run st apply --yes
chmod 600 "$wf"
echo "# local edit" >>"$wf"
fl_run st apply --yes --force
mode=$(stat -c %a "$wf")
if [ "$st" -eq 0 ] && [ "$mode" = 600 ] && ! grep -q "local edit" "$wf"; then
	ok "--force rewrites the workflow and keeps its mode 0600"
else
	not_ok "--force: exit $st, mode $mode"
fi

# --- 8: the trace file ------------------------------------------------------
echo "precious" >"$FL_DIR/target"
ln -sf "$FL_DIR/target" "$FL_DIR/trace-link"
fl_run st plan --trace="$FL_DIR/trace-link"
if [ "$st" -eq 2 ] && err_has "symbolic link" && grep -q precious "$FL_DIR/target"; then
	ok "--trace through a symbolic link: refused, target untouched"
else
	not_ok "--trace symlink: exit $st, target now: $(head -c 40 "$FL_DIR/target")"
fi
: >"$FL_DIR/trace"
chmod 644 "$FL_DIR/trace"
EW_TRACE="$FL_DIR/trace" fl_run st plan
mode=$(stat -c %a "$FL_DIR/trace")
check "existing trace file made 0600 (was 0644)" [ "$mode" = 600 ]
unset EW_NO_GITHUB_API
GH_TOKEN=ghp_LEAKCANARYgithubtoken0000 fl_run st plan --trace="$FL_DIR/trace"
export EW_NO_GITHUB_API=1
if grep -q "^> GET http://127.0.0.1:9/repos/octo-org/app" "$FL_DIR/trace" &&
	! grep -q LEAKCANARY "$FL_DIR/trace"; then
	ok "trace shows the GitHub API request, token redacted"
else
	not_ok "trace: no GitHub request, or the token shows"
	grep -n "github\|GET" "$FL_DIR/trace" | head -n 5 | fl_mask | sed 's/^/#   /'
fi

# --- 13: empty or garbage success bodies -----------------------------------
fl_reset
fl_rules '[{"op": "DescribeRepositories", "fault": "empty"}]'
fl_run st plan
if [ "$st" -eq 1 ] && any_has "no 'repositories'" &&
	grep -q "^  failed *ECR repository" "$FL_OUT/stdout"; then
	ok "empty DescribeRepositories answer: an error, not 'will be created'"
else
	not_ok "empty DescribeRepositories: exit $st"
fi
fl_rules '[]'
fl_run st apply --yes --no-workflow
fl_rules '[{"op": "ListTagsForResource", "fault": "empty"}]'
fl_run st plan
if [ "$st" -eq 1 ] && any_has "no 'tags'"; then
	ok "empty ListTagsForResource answer: an error, not 'not created by ecr-wizard'"
else
	not_ok "empty ListTagsForResource: exit $st"
fi
fl_rules '[{"op": "ListTagsForResource", "fault": "garbage"}]'
fl_run st plan
check "garbage ListTagsForResource answer: an error (exit 1)" [ "$st" -eq 1 ]

# --- 11: JSON stays valid UTF-8 with a garbage error body ------------------
for op in GetRole DescribeRepositories; do
	fl_reset
	fl_rules "[{\"op\": \"$op\", \"fault\": \"garbage\", \"status\": 400}]"
	fl_run st plan --output json
	if [ -s "$FL_OUT/stdout" ] && json_ok "$FL_OUT/stdout"; then
		ok "garbage $op error body: --output json is strict UTF-8 JSON"
	else
		not_ok "garbage $op error body: invalid JSON or none (exit $st)"
	fi
done
fl_run st doctor --output json
if [ -s "$FL_OUT/stdout" ] && json_ok "$FL_OUT/stdout"; then
	ok "doctor --output json with a garbage body: strict UTF-8 JSON"
else
	not_ok "doctor --output json: invalid JSON (exit $st)"
fi
fl_rules '[]'

# --- 10: names ---------------------------------------------------------------
fl_reset
fl_run st plan --repo my--app
if [ "$st" -eq 2 ] && err_has "single" && [ "$(fl_count '*')" -eq 0 ]; then
	ok "--repo my--app refused before any request"
else
	not_ok "--repo my--app: exit $st, $(fl_count '*') requests"
fi
fl_run st plan --github octo-org/app.git --output json --no-workflow
gh=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["github"])' "$FL_OUT/stdout" 2>/dev/null)
check "--github octo-org/app.git means octo-org/app" [ "$gh" = octo-org/app ]
fl_run st plan --github https://github.com/octo-org/app --output json --no-workflow
gh=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["github"])' "$FL_OUT/stdout" 2>/dev/null)
check "--github with a URL means OWNER/REPO" [ "$gh" = octo-org/app ]

# --- 12: the workflow goes into the named repository's work tree ----------
fl_reset
rm -rf .github
fl_run st apply --yes --github other-org/thing
if [ "$st" -eq 2 ] && err_has "work tree of octo-org/app" && err_has "$FL_DIR/repo/$wf" &&
	[ "$(fl_count '*')" -eq 0 ] && [ ! -e "$wf" ]; then
	ok "--github names another repository: refused up front, says where"
else
	not_ok "--github another repository: exit $st, $(fl_count '*') requests"
fi
# outside any git work tree (tests/.out is inside this project's)
plain=$(mktemp -d /tmp/ew-plain.XXXXXX)
cd "$plain" || exit 1
fl_run st apply --yes --github octo-org/app
if [ "$st" -eq 2 ] && err_has "not in a git work tree" && err_has "$plain/$wf" &&
	[ ! -e "$plain/.github" ]; then
	ok "not in a git work tree: refused, says where it would go"
else
	not_ok "not in a git work tree: exit $st"
fi
fl_run st apply --yes --github octo-org/app --no-workflow
check "not in a git work tree, --no-workflow: apply works" [ "$st" -eq 0 ]
fl_run st plan --github octo-org/app
if [ "$st" -eq 0 ] && out_has "not in a git work tree"; then
	ok "not in a git work tree: plan says the workflow would not be written"
else
	not_ok "not in a git work tree: plan exits $st"
fi
cd "$FL_DIR/repo" || exit 1
rm -rf "$plain"
# a work tree without a GitHub remote (this could be any enclosing one)
mkdir -p "$FL_DIR/noremote/sub"
git -C "$FL_DIR/noremote" init -q .
cd "$FL_DIR/noremote/sub" || exit 1
fl_run st apply --yes --github octo-org/app
if [ "$st" -eq 2 ] && err_has "no GitHub remote" && [ ! -e "$FL_DIR/noremote/.github" ]; then
	ok "work tree without a GitHub remote: refused, says how to fix"
else
	not_ok "work tree without a GitHub remote: exit $st"
fi
cd "$FL_DIR/repo" || exit 1

# --- 14: the wizard ---------------------------------------------------------
for flag in --yes --force --output=json; do
	fl_run st --demo "$flag"
	if [ "$st" -eq 2 ] && err_has "scripted commands"; then
		ok "wizard refuses $flag with a message"
	else
		not_ok "wizard $flag: exit $st"
	fi
done
if [ -n "${EW_TBIN:-}" ] && [ -x "$EW_TBIN" ]; then
	rm -rf .github "$FL_DIR/wtrace"
	EW_TRACE="$FL_DIR/wtrace" EW_TEST_KEYS="$EW_TOP/tests/tui/happy.keys" \
		EW_TEST_DUMP_DIR="$FL_DIR/dumps" EW_TEST_NO_DISPLAY=1 \
		EW_TEST_SIZE=80x24 EW_TEST_FIXED_TIME=1 EW_TEST_TIMEOUT=20 \
		EW_DEMO_LATENCY=0 TERM=xterm-256color LANG=C.UTF-8 \
		timeout 60 "$EW_TBIN" --demo >"$FL_OUT/stdout" 2>"$FL_OUT/stderr"
	if grep -q "^> POST" "$FL_DIR/wtrace" 2>/dev/null; then
		ok "wizard honours EW_TRACE: $(grep -c '^> ' "$FL_DIR/wtrace") requests traced"
	else
		not_ok "wizard: no trace in EW_TRACE"
	fi
	rm -rf .github
fi

# --- 6: a failing credential_process that prints its JSON to stderr --------
mkdir -p "$FL_DIR/cp"
cat >"$FL_DIR/cp/creds.sh" <<'SH'
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIDEXAMPLELEAKCANARY1", "SecretAccessKey": "LEAKCANARYsecret0000000000000000000abcd", "SessionToken": "LEAKCANARYtoken", "Expiration": "x"}' >&2
exit 1
SH
chmod +x "$FL_DIR/cp/creds.sh"
printf '[profile cp]\ncredential_process = %s\nregion = us-east-1\n' \
	"$FL_DIR/cp/creds.sh" >"$FL_DIR/cp/config"
for out in text json; do
	AWS_CONFIG_FILE="$FL_DIR/cp/config" fl_run st plan --profile cp --output "$out"
	if any_has "exited with status 1" && ! any_has "LEAKCANARY"; then
		ok "failing credential_process ($out): excerpt shown, secrets masked"
	else
		not_ok "failing credential_process ($out): exit $st"
	fi
done

# --- 16: messages that say what is wrong ------------------------------------
unset no_proxy NO_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
http_proxy=http://127.0.0.1:9 fl_run st plan
if any_has "the proxy from http_proxy ('http://127.0.0.1:9') refused"; then
	ok "a refused proxy is named as the proxy, with its variable"
else
	not_ok "a refused proxy: exit $st"
fi
http_proxy='http://user:LEAKCANARYpw@bad host:x' fl_run st plan
if any_has "check http_proxy" && ! any_has "https_proxy" && ! any_has LEAKCANARY; then
	ok "a malformed http_proxy is named as http_proxy, its password hidden"
else
	not_ok "a malformed http_proxy: exit $st"
fi
fl_reset
fl_rules '[{"op": "CreateOpenIDConnectProvider", "fault": "error", "status": 400, "code": "AccessDenied"},
 {"op": "CreateRepository", "fault": "error", "status": 400, "code": "AccessDeniedException"},
 {"op": "CreatePolicy", "fault": "error", "status": 400, "code": "AccessDenied"},
 {"op": "CreateRole", "fault": "error", "status": 400, "code": "AccessDenied"}]'
fl_run st apply --yes --no-workflow
if [ "$st" -eq 1 ] && out_has "Failed:" && out_has " 0 changes confirmed"; then
	ok "every change refused: 'Failed: ..., 0 changes confirmed by AWS'"
else
	not_ok "every change refused: exit $st, $(grep '^Failed' "$FL_OUT/stdout")"
fi
fl_rules '[]'
fl_run st plan --region us-esat-1 --github octo-org/app --no-workflow
check "--region us-esat-1 before --github: 'not in the list of known regions' note" out_has "not in the list of known regions"
mkdir -p "$FL_DIR/ghe"
git -C "$FL_DIR/ghe" init -q . &&
	git -C "$FL_DIR/ghe" remote add origin https://git.corp.example.com/team/app.git
cd "$FL_DIR/ghe" || exit 1
fl_run st plan
if [ "$st" -eq 2 ] && err_has "--github-host git.corp.example.com"; then
	ok "a GitHub Enterprise remote suggests --github-host HOST"
else
	not_ok "a GitHub Enterprise remote: exit $st"
fi
cd "$FL_DIR/repo" || exit 1
for extra in "--repo other" "--region eu-west-1"; do
	# shellcheck disable=SC2086
	fl_run st plan --env prod:us-east-1:app-prod $extra
	if [ "$st" -eq 2 ] && err_has "cannot be combined with --env"; then
		ok "$extra with --env: refused, not ignored"
	else
		not_ok "$extra with --env: exit $st"
	fi
done
fl_run st plan --force --yes
if [ "$st" -eq 2 ] && err_has "changes nothing"; then
	ok "plan --force --yes: refused (plan changes nothing)"
else
	not_ok "plan --force --yes: exit $st"
fi
fl_run st plan --demo --profile someone
if [ "$st" -eq 2 ] && err_has "cannot be combined with --demo"; then
	ok "--demo --profile: refused"
else
	not_ok "--demo --profile: exit $st"
fi
fl_reset
fl_run st plan --repo --trace="$FL_DIR/t2"
if [ "$st" -eq 2 ] && err_has "needs a value" && ! err_has "repository name" &&
	[ "$(fl_count '*')" -eq 0 ]; then
	ok "a missing option value does not swallow the next flag"
else
	not_ok "missing option value: exit $st"
fi
"$EW_BIN" doctor --help >"$FL_OUT/stdout" 2>&1
check "doctor --help documents its JSON" out_has '"checks": [{"id"'

exit $failed
