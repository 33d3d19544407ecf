#!/bin/sh
# explain.sh - `ecr-wizard explain` end to end: files, stdin, JSON, exit
# status, colour, values in the fix, and a 50 MB log in bounded memory.
# Prints TAP lines; needs EW_BIN, EW_TOP and EW_TEST_OUT (set by
# tests/tools/runtests.sh).
set -u
: "${EW_BIN:?}" "${EW_TOP:?}" "${EW_TEST_OUT:?}"
logs="$EW_TOP/tests/fixtures/logs"
out="$EW_TEST_OUT/explain"
mkdir -p "$out"
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
	[ -f "$out/stdout" ] && sed 's/^/#   /' "$out/stdout" | head -n 20
	[ -f "$out/stderr" ] && sed 's/^/#   /' "$out/stderr" | head -n 10
}
# check DESCRIPTION COMMAND...: pass when COMMAND succeeds
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# run WANT_STATUS ARGS... (stdin inherited): output in $out/stdout, stderr
run() {
	want=$1
	shift
	NO_COLOR= "$EW_BIN" explain "$@" >"$out/stdout" 2>"$out/stderr"
	status=$?
	[ "$status" -eq "$want" ]
}
has() { grep -qF -- "$1" "$out/stdout"; }
has_err() { grep -qF -- "$1" "$out/stderr"; }

# 1-3: a file with noise around the error line
check "environment log: exit 0" run 0 "$logs/environment.log"
check "names the environment mismatch" has "[sub-mismatch-environment]"
check "shows the line that matched, cleaned" \
	has "line 22: Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity"

# 4-6: stdin via '-' and with no argument; the trust policy and the log
# pasted together give both subjects
cat "$logs/trust-policy.txt" "$logs/environment.log" >"$out/both.log"
check "'-' reads stdin" run 0 - <"$out/both.log"
check "says what the role trusts and what the job ran as" \
	has "the role trusts \`repo:acme/app:ref:refs/heads/main\` but this job likely ran as \`repo:acme/app:environment:prod\`"
check "no argument reads stdin" run 0 <"$out/both.log"

# 7-9: values from the log fill the fix and the check command
check "values substituted in the fix" \
	has "ecr-wizard apply --github acme/app --role-name gha-ecr-push"
check "values substituted in the check" \
	has "Check: aws iam get-role --role-name gha-ecr-push --query Role.AssumeRolePolicyDocument"
check "no placeholder left for known values" sh -c "! grep -q '<ROLE_NAME>' '$out/stdout'"

# 10-12: several errors in one log, each once, in line order
check "several errors: exit 0" run 0 "$logs/push-and-login.log"
ids=$(sed -n 's/^[0-9]*\. .*  \[\([a-z0-9-]*\)\]$/\1/p' "$out/stdout" | tr '\n' ' ')
check "several errors: three distinct entries in order" \
	test "$ids" = "push-denied no-basic-auth-credentials masked-outputs "
check "several errors: the repository ARN from the log" \
	has "on arn:aws:ecr:us-east-2:210987654321:repository/shop/api."

# 13-15: nothing matched
check "nothing matched: exit 1" run 1 "$logs/success.log"
check "nothing matched: says what to paste" has "Paste the full log of the failing step"
check "empty input: exit 1" run 1 </dev/null

# 16-19: JSON
check "json: exit 0" run 0 --output json "$logs/push-and-login.log"
check "json: valid (python3 -m json.tool)" \
	python3 -m json.tool "$out/stdout" /dev/null
cat >"$out/shape.py" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
ms = doc["matches"]
assert [m["id"] for m in ms] == ["push-denied", "no-basic-auth-credentials", "masked-outputs"], ms
for m in ms:
    assert set(["id", "title", "line", "text", "cause", "fix", "check"]) <= set(m), m
    assert isinstance(m["line"], int) and m["line"] > 0
    assert isinstance(m["fix"], list) and m["fix"] and all(isinstance(s, str) for s in m["fix"])
assert ms[0]["line"] == 10
assert "arn:aws:ecr:us-east-2:210987654321:repository/shop/api" in ms[0]["fix"][0], ms[0]["fix"]
assert doc["values"]["account"] == "210987654321", doc["values"]
assert doc["values"]["region"] == "us-east-2"
assert doc["values"]["repository"] == "shop/api"
EOF
check "json: the documented shape and values" python3 "$out/shape.py" "$out/stdout"
run 1 --output=json "$logs/success.log"
check "json: nothing matched gives an empty list and exit 1" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["matches"] == []' "$out/stdout"

# 20-21: colour only on a terminal, never with --no-color
run 0 "$logs/environment.log"
check "no escape codes when stdout is not a terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$out/stdout'"
if command -v script >/dev/null 2>&1; then
	script -qec "NO_COLOR= '$EW_BIN' explain --no-color '$logs/environment.log'" /dev/null >"$out/tty" 2>&1
	check "--no-color on a terminal: no escape codes" sh -c "! grep -q \"\$(printf '\\033\\\\[1m')\" '$out/tty'"
	script -qec "NO_COLOR= '$EW_BIN' explain '$logs/environment.log'" /dev/null >"$out/tty" 2>&1
	check "terminal: bold titles" grep -q "$(printf '\033\\[1m')1\\. Role not assumed" "$out/tty"
	script -qec "NO_COLOR=1 '$EW_BIN' explain '$logs/environment.log'" /dev/null >"$out/tty" 2>&1
	check "NO_COLOR on a terminal: no escape codes" sh -c "! grep -q \"\$(printf '\\033\\\\[1m')\" '$out/tty'"
else
	not_ok "script(1) is needed for the terminal colour checks"
fi

# usage
check "--help: exit 0" run 0 --help
check "--help: shows usage" has "usage: ecr-wizard explain"
check "unknown option: exit 2" run 2 --bogus
check "bad --output: exit 2" run 2 --output yaml
check "unreadable file: exit 2" run 2 "$out/does-not-exist.log"
check "unreadable file: names it" has_err "cannot read '$out/does-not-exist.log'"
check "flags give values the log lacks" \
	run 0 --role-name from-flag --github acme/app "$logs/tag-debugger.log"
check "flag value used in the check command" has "--role-name from-flag"

# the message itself as arguments: the guide's two errors, in both forms
g1='Error: buildx failed with: error: failed to solve: failed to authorize: rpc error: code = Unknown desc = failed to fetch anonymous token: unexpected status: 401 Unauthorized'
g2='Error: failed to push: failed to do request: Put https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/chatgpt-web/manifests/latest: unexpected status: 400 Bad Request'
g2q='Error: failed to push: failed to do request: Put "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/chatgpt-web/manifests/latest": unexpected status: 400 Bad Request'
check "guide error 1 as one argument: exit 0" run 0 "$g1"
check "guide error 1: ECR login missing" has "[ecr-login-missing-anonymous-token]"
check "guide error 1: the guide's name for it" has 'The guide calls this "No basic auth credentials"'
check "guide error 2 (no quotes): exit 0" run 0 "$g2"
check "guide error 2: registry 400 with the values from the URL" \
	has "repository chatgpt-web does not exist in account 123456789012, region us-east-1"
check "guide error 2 (URL in quotes): exit 0" run 0 "$g2q"
check "guide error 2 (quotes): same answer" has "[ecr-registry-400]"
# shellcheck disable=SC2086
check "unquoted words are the message too" run 0 $g2
check "unquoted words: same answer" has "[ecr-registry-400]"
check "one word that is no file: still a file name, exit 2" run 2 nosuchfile
check "one word that is no file: says how to pass a message" \
	has_err 'pass it in quotes: ecr-wizard explain "Error: ...")'

# unknown values: the answer says how to find them
check "explicit deny without the caller: exit 0" \
	run 0 "is not authorized to perform: ecr:PutImage with an explicit deny in a service control policy"
check "explicit deny: its own entry" has "[explicit-deny]"
check "unknown caller ARN: how to get it" \
	has "<PRINCIPAL_ARN>: aws sts get-caller-identity --query Arn --output text"
run 0 --output json "is not authorized to perform: ecr:PutImage with an explicit deny in a service control policy"
check "json: unknown values and their hints" python3 -c '
import json,sys
d = json.load(open(sys.argv[1]))
u = d["matches"][0]["unknown"]
assert u["<PRINCIPAL_ARN>"] == "aws sts get-caller-identity --query Arn --output text", u' "$out/stdout"

# the GitHub repository from the git remote of the current directory
rm -rf "$out/repo" && mkdir -p "$out/repo" &&
	git -C "$out/repo" init -q && git -C "$out/repo" remote add origin https://github.com/acme/widgets.git
(cd "$out/repo" && NO_COLOR= "$EW_BIN" explain "Error: Region is missing" >"$out/stdout" 2>"$out/stderr")
check "git remote fills the repository" has "gh secret list --repo acme/widgets"
check "no <OWNER>/<REPO> left" sh -c "! grep -qF '<OWNER>/<REPO>' '$out/stdout'"
(cd "$out/repo" && NO_COLOR= "$EW_BIN" explain --github other/one "Error: Region is missing" >"$out/stdout" 2>"$out/stderr")
check "--github beats the git remote" has "gh secret list --repo other/one"

# interactive input: one Ctrl-D after the last line ends it
cat >"$out/ctrld.py" <<'EOF'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["NO_COLOR"] = "1"
    os.execv(sys.argv[1], [sys.argv[1], "explain", "-"])
os.write(fd, b"Error: Region is missing\n")
time.sleep(0.3)
os.write(fd, b"\x04")
out, deadline = b"", time.time() + 5
while True:
    if time.time() > deadline:
        os.kill(pid, 9)
        print("still waiting for input after one Ctrl-D")
        sys.exit(1)
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        out += chunk
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
sys.exit(0 if b"[region-missing]" in out else 1)
EOF
check "interactive: one Ctrl-D ends the input" python3 "$out/ctrld.py" "$EW_BIN"

# a 50 MB log: handled, in bounded memory
python3 - "$out/big.log" <<'EOF'
import sys
line = b"2026-01-15T12:00:01.1234567Z #7 [build 3/9] RUN npm ci --no-audit added 1234 packages in 12s\n"
count = (50 << 20) // len(line)
with open(sys.argv[1], "wb") as f:
    block = line * 1000
    for i in range(count // 1000):
        f.write(block)
        if i == count // 2000:
            f.write(b"2026-01-15T12:00:02.0000000Z \x1b[31m##[error]Error: Region is missing\x1b[0m\n")
    f.write(b"x" * (3 << 20) + b"\n")
    f.write(b"no basic auth credentials\n")
EOF
cat >"$out/rss.py" <<'EOF'
import resource, subprocess, sys
with open(sys.argv[2], "rb") as f, open(sys.argv[3], "wb") as o:
    rc = subprocess.call([sys.argv[1], "explain", "--output", "json"], stdin=f, stdout=o)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
EOF
set -- $(python3 "$out/rss.py" "$EW_BIN" "$out/big.log" "$out/stdout")
check "50 MB log: exit 0" test "${1:-x}" = 0
check "50 MB log: both errors found" python3 -c '
import json,sys
d = json.load(open(sys.argv[1]))
assert [m["id"] for m in d["matches"]] == ["region-missing", "no-basic-auth-credentials"], d' "$out/stdout"
limit=32
[ "${SAN:-}" = 1 ] && limit=512
echo "# 50 MB log: peak RSS ${2:-?} MB (limit $limit MB)"
check "50 MB log: peak memory under $limit MB" test "${2:-99999}" -lt "$limit"
rm -f "$out/big.log"

echo "1..$n"
exit $failed
