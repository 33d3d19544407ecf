#!/bin/sh
# usage.sh - the shared flags of plan/apply/teardown: every invalid value
# is refused with exit status 2 and a message naming the flag and the rule,
# before any request (the trace file stays empty and the endpoint is a dead
# port, so a request would show as a network error, not exit 2).
. "$EW_TOP/tests/tools/cli_engine_lib.sh"

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_ENDPOINT_URL=http://127.0.0.1:9

# flag=value|words the message must hold
while IFS='|' read -r arg rule; do
	[ -n "$arg" ] || continue
	for cmd in plan apply teardown; do
		rm -f "$W/trace"
		ew bad "$cmd" --github octo-org/app --yes --trace="$W/trace" "$arg"
		if [ "$rc" -eq 2 ] && grep -q -- "${arg%%=*}" "$W/bad.err" &&
			grep -q -- "$rule" "$W/bad.err" && [ ! -s "$W/trace" ]; then
			ok "$cmd $arg: exit 2, names the rule"
		else
			not_ok "$cmd $arg: exit $rc: $(head -c 300 "$W/bad.err")"
		fi
	done
done <<'EOF_CASES'
--region=US EAST|like us-east-1
--account=12345|exactly 12 digits
--github=bad owner/x|letters, digits and single hyphens
--github=octo-org|GitHub
--github-host=bad host!|host name
--repo=UPPER|lower-case
--role-name=has space|1-64
--role-name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|at most 64
--policy-name=x/y|1-128
--trust=foo:bar|branch:NAME
--trust=branch:|branch name
--trust=env:|environment
--keep-images=0|from 1 to 1000
--keep-images=1001|from 1 to 1000
--keep-images=1e3|from 1 to 1000
--tag-mutability=sometimes|IMMUTABLE_WITH_EXCLUSION
--tag-exclusion=a b|like latest
--scan-on-push=maybe|true or false
--env=bad|NAME:REGION:REPO
--env=staging:nowhere:app|region
--workflow=../x.yml|.github/workflows/
--workflow=/etc/passwd|.github/workflows/
--output=xml|text or json
--platforms=linux|OS/ARCH
--demo-scenario=nope|access-denied
--profile=a b|without spaces
--branch=a..b|git does not allow
EOF_CASES

# Cross-field rules, checked before the first request too.
rm -f "$W/trace"
ew cross apply --github octo-org/app --yes --trace="$W/trace" --tag-mutability IMMUTABLE_WITH_EXCLUSION
if [ "$rc" -eq 2 ] && grep -q "exclusion filters" "$W/cross.err" && [ ! -s "$W/trace" ]; then
	ok "mutability with exclusions but no filter: exit 2 before any request"
else
	not_ok "cross-field: exit $rc: $(cat "$W/cross.err")"
fi

# Unknown option: the usage, exit 2.
ew unknown plan --github octo-org/app --bogus
check "unknown option: exit 2" [ "$rc" -eq 2 ]
check "unknown option: message and usage" grep -q "unknown option '--bogus'" "$W/unknown.err"
check "unknown option: usage lists --trust" grep -q -- "--trust SCOPE" "$W/unknown.err"

ew missing plan --github octo-org/app --region
check "missing value: exit 2" [ "$rc" -eq 2 ]
check "missing value: says so" grep -q "needs a value" "$W/missing.err"
ew noval apply --github octo-org/app --yes=please
check "--yes=value: exit 2" [ "$rc" -eq 2 ]
ew extra plan --github octo-org/app stray
check "stray argument: exit 2" [ "$rc" -eq 2 ]

# Both spellings are accepted.
no_creds
ew spell1 plan --github octo-org/app --account 123456789012 --region eu-west-1 --output json
check "--opt value: accepted" [ "$rc" -eq 0 ]
ew spell2 plan --github=octo-org/app --account=123456789012 --region=eu-west-1 --output=json
check "--opt=value: accepted" [ "$rc" -eq 0 ]
same='[(s["id"], s["action"], s["desired"], s["cli"]) for s in d["steps"]], d["secrets"]'
check "both spellings give the same plan" [ "$(jget "$W/spell1.out" "$same")" = "$(jget "$W/spell2.out" "$same")" ]

# apply/teardown without a terminal and without --yes: exit 2, no request.
with_moto
for cmd in apply teardown; do
	rm -f "$W/trace"
	ew notty "$cmd" --github octo-org/app --trace="$W/trace"
	check "$cmd without --yes and no terminal: exit 2" [ "$rc" -eq 2 ]
	check "$cmd without --yes: says to pass --yes" grep -q -- "--yes" "$W/notty.err"
	check "$cmd without --yes: no request" [ ! -s "$W/trace" ]
done

# No credentials: plan without --account says what to do, exit 3.
no_creds
ew nocreds plan --github octo-org/app
check "no credentials, no account: exit 3" [ "$rc" -eq 3 ]
check "no credentials: says how to give them" grep -q -- "--account" "$W/nocreds.err"
ew nocreds2 apply --github octo-org/app --yes
check "apply without credentials: exit 3" [ "$rc" -eq 3 ]

# Contradictory flags are refused, not silently resolved.
rm -f "$W/trace"
ew contra1 plan --github octo-org/app --trace="$W/trace" --trust branch:main \
	--env dev:us-east-1:app-dev
check "--trust with --env: exit 2" [ "$rc" -eq 2 ]
check "--trust with --env: says why" grep -q "cannot be combined with --env" "$W/contra1.err"
ew contra2 plan --github octo-org/app --trace="$W/trace" \
	--workflow .github/workflows/a.yml --no-workflow
check "--workflow with --no-workflow: exit 2" [ "$rc" -eq 2 ]
check "--workflow with --no-workflow: says why" grep -q "cannot be combined" "$W/contra2.err"
check "contradictory flags: no request" [ ! -s "$W/trace" ]

# Help and version.
ew help plan --help
check "--help: exit 0" [ "$rc" -eq 0 ]
for opt in --profile --region --account --github --github-host --repo --role-name \
	--policy-name --trust --keep-images --tag-mutability --scan-on-push --env \
	--workflow --no-workflow --output --no-color --yes --force --trace --demo \
	--demo-scenario --help --version; do
	grep -q -- "  $opt" "$W/help.out" || not_ok "--help lists $opt"
done
ok "--help lists every shared option"
ew version apply --version
check "--version: exit 0 and the version" grep -q "^ecr-wizard [0-9]" "$W/version.out"
check "no secret in any output" no_secret "$W"/*.out "$W"/*.err
finish
