#!/bin/sh
# bad_input.sh - every flag's invalid values, as a table: empty, too long,
# wrong characters, unicode, control characters, leading/trailing spaces,
# huge values, and invalid combinations.  Each must end `ecr-wizard apply`
# (and plan for a sample) with exit status 2 and a message that names the
# flag and the rule, print the value back at most shortened, and make no
# request at all: AWS and the GitHub API both point at fault_proxy.py,
# which must see zero requests.  Prints TAP lines.
#
# A single argument cannot exceed 128 KiB (the kernel's MAX_ARG_STRLEN),
# so "huge" through a flag is 120 KiB; a 1 MiB value arrives through the
# git remote URL instead.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
FL_DIR="$EW_TEST_OUT/bad_input"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR"
FL_OUT="$FL_DIR"
# No moto needed: nothing may be sent.  The proxy's upstream is a closed
# port, and every request it sees is counted.
FL_MOTO=http://127.0.0.1:9
fl_proxy_start
fl_env
unset EW_NO_GITHUB_API
export GITHUB_API_URL="$FL_PROXY" GH_TOKEN=ghp_badinputtest
fl_git_repo "$FL_DIR/repo"
cd "$FL_DIR/repo" || exit 1

TAB=$(printf '\t')
ESC=$(printf '\033')
SOH=$(printf '\001')
DEL=$(printf '\177')
NL='
'
long() { python3 -c "import sys; sys.stdout.write('a' * int(sys.argv[1]))" "$1"; }
LONG5K=$(long 5000)
HUGE=$(long 120000)

# bad FLAG VALUE RULE [EXTRA...]: apply --yes FLAG=VALUE must exit 2 with
# RULE (a message fragment) and, unless NONAME=1 (a cross-field rule), the
# flag named in stderr.  FORM=split passes "FLAG VALUE" as two arguments.
bad() {
	flag=$1 value=$2 rule=$3
	shift 3
	before=$(fl_count "*")
	if [ "${FORM:-}" = split ]; then
		set -- "$@" "$flag" "$value"
	else
		set -- "$@" "$flag=$value"
	fi
	timeout -k 5 30 "$EW_BIN" apply --yes "$@" \
		</dev/null >"$FL_OUT/stdout" 2>"$FL_OUT/stderr"
	st=$?
	shown=$(printf '%s' "$value" | head -c 24 | tr -c '[:print:]' '?')
	what="$flag '$shown' ($(printf '%s' "$value" | wc -c) bytes)"
	after=$(fl_count "*")
	errsize=$(wc -c <"$FL_OUT/stderr")
	if [ "$st" -ne 2 ]; then
		not_ok "$what: exit $st, expected 2"
	elif [ -z "${NONAME:-}" ] && ! grep -qF -- "$flag" "$FL_OUT/stderr"; then
		not_ok "$what: message does not name $flag"
	elif ! grep -qiF -- "$rule" "$FL_OUT/stderr"; then
		not_ok "$what: message does not say '$rule'"
	elif [ "$after" -ne "$before" ]; then
		not_ok "$what: $((after - before)) request(s) sent"
	elif [ "$errsize" -gt 2048 ]; then
		not_ok "$what: $errsize bytes of message (value echoed in full?)"
	elif grep -q "$ESC" "$FL_OUT/stderr"; then
		not_ok "$what: a raw escape character reached the terminal"
	else
		ok "$what: exit 2, '$rule'"
	fi
}

# Generic defects of each text flag, around a valid base value.
# generic FLAG BASE
generic() {
	flag=$1 base=$2
	bad "$flag" "" "empty"
	bad "$flag" " $base" "leading or trailing spaces"
	bad "$flag" "$base " "leading or trailing spaces"
	bad "$flag" "$base$TAB" "control character"
	bad "$flag" "$base${NL}x" "control character"
	bad "$flag" "$base${ESC}[31m" "control character"
	bad "$flag" "$base$SOH" "control character"
	bad "$flag" "$base$DEL" "control character"
	bad "$flag" "$base$LONG5K" "too long"
	bad "$flag" "$HUGE" "too long"
}

generic --repo my-app
generic --role-name ci-role
generic --policy-name ci-policy
generic --region eu-west-1
generic --account 123456789012
generic --trust branch:main
generic --keep-images 5
generic --branch main
generic --github-host github.example.com
generic --platforms linux/amd64
generic --workflow .github/workflows/ecr.yml
generic --env prod:eu-west-1:app
generic --scan-on-push true
generic --tag-mutability MUTABLE
generic --github octo-org/app
generic --github-ids 123456/456789

# Wrong characters and unicode, field by field.
bad --github "octo org/app" "not valid"
bad --github "octo-org/app/extra" "not valid"
bad --github "octo-org" "not valid"
bad --github "-octo/app" "not valid"
bad --github "octo--org/app" "not valid"
bad --github "octo-org/.." "not valid"
bad --github "octo-org/a:b" "not valid"
bad --github "octo-org/app*" "not valid"
bad --github "ｏｃｔｏ/app" "not valid"
bad --github "octo-org/app$(printf '\342\200\256')" "not valid"
bad --github "$(long 40)/app" "too long"
bad --repo "My-App" "not valid"
bad --repo "-app" "not valid"
bad --repo "a" "not valid"
bad --repo "app--" "not valid"
bad --repo "app//x" "not valid"
bad --repo "äpp" "not valid"
bad --repo "$(long 257)" "too long"
bad --role-name "role name" "not valid"
bad --role-name "role/x" "not valid"
bad --role-name "rôle" "not valid"
bad --role-name "$(long 65)" "too long"
bad --policy-name "pol*" "not valid"
bad --policy-name "$(long 129)" "too long"
bad --region "EU-WEST-1" "not valid"
bad --region "mars-north-1" "not valid"
bad --region "eu_west_1" "not valid"
bad --account "12345678901" "12 digits"
bad --account "1234567890123" "12 digits"
bad --account "12345678901a" "12 digits"
bad --account "１２３４５６７８９０１２" "12 digits"
bad --account "-12345678901" "12 digits"
bad --trust "everything" "not valid"
bad --trust "branch:" "empty"
bad --trust "branch:a..b" "not valid"
bad --trust "branch:a b" "not valid"
bad --trust "branch:\${aws:username}" "not valid"
bad --trust "branch:main:*" "not valid"
bad --trust "env:*" "not valid"
bad --trust "env:prod/x" "not valid"
bad --trust "tag:v1~1" "not valid"
bad --trust "branch:ü" "not valid"
bad --keep-images "0" "1 to 1000"
bad --keep-images "1001" "1 to 1000"
bad --keep-images "-1" "1 to 1000"
bad --keep-images "+5" "1 to 1000"
bad --keep-images "5x" "1 to 1000"
bad --keep-images "99999999999999999999" "too long"
bad --keep-images "٣" "1 to 1000"
bad --tag-mutability "SOMETIMES" "not valid"
bad --scan-on-push "maybe" "not valid"
bad --env "prod" "not valid"
bad --env "prod:eu-west-1" "not valid"
bad --env "prod:mars-1:app" "not valid"
bad --env "prod:eu-west-1:App" "not valid"
bad --env "pr/od:eu-west-1:app" "not valid"
bad --workflow "../ecr.yml" "not valid"
bad --workflow "/etc/passwd" "not valid"
bad --workflow ".github/workflows/../../x.yml" "not valid"
bad --workflow ".github/workflows/x.txt" "not valid"
bad --platforms "linux" "not valid"
bad --platforms "linux/amd64, linux/arm64" "not valid"
bad --platforms "linux/amd64,linux/amd64" "not valid"
bad --github-host "github.com/evil" "not valid"
bad --github-host "gïthub.com" "not valid"
bad --branch "a..b" "not valid"
bad --branch "main*" "not valid"
bad --branch "-main" "not valid"
bad --output "xml" "not valid"
bad --output "" "not valid"
bad --profile "" "not valid"
bad --profile "a b" "not valid"
bad --profile "[evil]" "not valid"
bad --tag-exclusion "\$x" "not valid" --tag-mutability IMMUTABLE_WITH_EXCLUSION
bad --github-ids "123456" "OWNER_ID/REPO_ID"
bad --github-ids "123456/" "OWNER_ID/REPO_ID"
bad --github-ids "/456789" "OWNER_ID/REPO_ID"
bad --github-ids "123456/456789/1" "numeric ID"
bad --github-ids "octo-org/app" "numeric ID"
bad --github-ids "12a/456789" "numeric ID"
bad --github-ids "0123/456789" "numeric ID"
bad --github-ids "-1/456789" "numeric ID"
bad --github-ids "123456/１２３" "numeric ID"
bad --github-ids "123456/99999999999999999999" "numeric ID"

# The separate-argument form goes through the same setters.
FORM=split bad --role-name "role name" "not valid"
FORM=split bad --account "" "empty"
FORM=split bad --trust "branch:main " "leading or trailing spaces"

# Invalid combinations: the message names the rule.
NONAME=1 bad --tag-mutability IMMUTABLE_WITH_EXCLUSION "exclusion"
NONAME=1 bad --tag-exclusion "v*" "IMMUTABLE_WITH_EXCLUSION"
bad --env "PROD:eu-west-1:app2" "twice" --env=prod:eu-west-1:app
bad --env "prod:eu-west-1:app" "twice" --env=prod:us-east-1:other
bad --tag-exclusion "x6" "5" --tag-mutability IMMUTABLE_WITH_EXCLUSION \
	--tag-exclusion x1 --tag-exclusion x2 --tag-exclusion x3 \
	--tag-exclusion x4 --tag-exclusion x5

# Usage errors.
for args in "--bogus" "--keep-images" "extra-argument" "--yes=no"; do
	before=$(fl_count "*")
	# shellcheck disable=SC2086
	timeout 30 "$EW_BIN" apply --yes $args </dev/null >"$FL_OUT/stdout" \
		2>"$FL_OUT/stderr"
	st=$?
	if [ "$st" -eq 2 ] && [ -s "$FL_OUT/stderr" ] &&
		[ "$(fl_count "*")" -eq "$before" ]; then
		ok "usage error '$args': exit 2 with a message, nothing sent"
	else
		not_ok "usage error '$args': exit $st"
	fi
done

# plan validates the same way.
before=$(fl_count "*")
timeout 30 "$EW_BIN" plan --role-name "bad role" </dev/null \
	>"$FL_OUT/stdout" 2>"$FL_OUT/stderr"
st=$?
if [ "$st" -eq 2 ] && grep -q "role name" "$FL_OUT/stderr" &&
	[ "$(fl_count "*")" -eq "$before" ]; then
	ok "plan: bad role name: exit 2, nothing sent"
else
	not_ok "plan: bad role name: exit $st"
fi

# 1 MiB through the git remote: the detected OWNER/REPO is validated too.
# (written into .git/config directly: an argument to git is as limited)
cp .git/config "$FL_DIR/git-config"
git config --unset-all remote.origin.url
python3 - <<'PY'
with open(".git/config", "a") as f:
    f.write('[remote "origin"]\n\turl = https://github.com/octo-org/%s.git\n'
            % ("a" * 1048576))
PY
before=$(fl_count "*")
timeout 30 "$EW_BIN" apply --yes </dev/null >"$FL_OUT/stdout" \
	2>"$FL_OUT/stderr"
st=$?
if [ "$st" -eq 2 ] && [ "$(wc -c <"$FL_OUT/stderr")" -lt 2048 ] &&
	[ "$(fl_count "*")" -eq "$before" ]; then
	ok "1 MiB repository name in the git remote: exit 2, short message, nothing sent"
else
	not_ok "1 MiB repository name in the git remote: exit $st, $(wc -c <"$FL_OUT/stderr") bytes"
fi
cp "$FL_DIR/git-config" .git/config

# The proxy is live and counting: a valid plan does reach it.
timeout 30 "$EW_BIN" plan </dev/null >"$FL_OUT/stdout" 2>"$FL_OUT/stderr"
if [ "$(fl_count "*")" -gt 0 ]; then
	ok "a valid command does reach the proxy (the zero counts mean something)"
else
	not_ok "the proxy saw nothing even for a valid command"
fi
exit $failed
