#!/bin/sh
# github_secrets_moto.sh - `apply --set-secrets` against moto and a GitHub
# stand-in (tests/tools/github_secrets_stub.py) that opens every sealed
# value with libsodium: the stored values equal the table, per environment
# too; the token is sent and never printed or traced; no token is refused
# before any request; each error status gives its message and AWS stays;
# rate limits are waited out; doctor names a missing secret; teardown
# --delete-secrets removes them.
. "$EW_TOP/tests/tools/cli_engine_lib.sh"
with_moto
TOKEN=ghs_stubTOKENsecret0123456789abcdef
ROLE_ARN=arn:aws:iam::123456789012:role/GitHubActions-ECR-Role

python3 "$EW_TOP/tests/tools/github_secrets_stub.py" --lifetime 300 \
	--record "$W/rec.json" >"$W/stub.port" &
stub=$!
i=0
while [ ! -s "$W/stub.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
STUB=http://127.0.0.1:$(head -1 "$W/stub.port")
export GITHUB_API_URL=$STUB
# A `gh` that is installed but not logged in, so the host's own gh and
# its login never matter.
mkdir -p "$W/bin"
printf '#!/bin/sh\necho "not logged in" >&2\nexit 1\n' >"$W/bin/gh"
chmod +x "$W/bin/gh"
export PATH="$W/bin:$PATH"
rec() { jget "$W/rec.json" "$1"; }
# run NAME COMMAND...: like ew, for a command line that is not ecr-wizard's
run() {
	name=$1
	shift
	mkdir -p "$W/repo"
	(cd "$W/repo" && "$@" </dev/null >"$W/$name.out" 2>"$W/$name.err")
	rc=$?
}
nreq() { rec 'len(d["requests"])'; }

# --- no token: refused before any request, AWS or GitHub -----------------
py reset
run notoken env AWS_ENDPOINT_URL="$STUB" "$EW_BIN" apply --github octo-org/app --yes --set-secrets
check "no token: exit 2" [ "$rc" -eq 2 ]
check "no token: says how to get one" grep -q "gh auth login" "$W/notoken.err"
check "no token: names the permission" grep -q '"Secrets: read and write"' "$W/notoken.err"
check "no token: nothing changed" grep -q "nothing was changed" "$W/notoken.err"
check "no token: no request at all (AWS endpoint pointed at the stub)" [ "$(nreq)" = 0 ]

# --- gh auth token is a source (run without a shell) ---------------------
printf '#!/bin/sh\n[ "$1 $2" = "auth token" ] && echo %s\n' "$TOKEN" >"$W/bin/gh"
ew viagh apply --github octo-org/app --yes --set-secrets --no-workflow
check "gh auth token: exit 0" [ "$rc" -eq 0 ]
check "gh auth token: named as the source" grep -q "token from gh auth token" "$W/viagh.out"
printf '#!/bin/sh\necho "not logged in" >&2\nexit 1\n' >"$W/bin/gh"
py reset

# --- the four repository secrets, sealed and opened ----------------------
: >"$W/trace"
export GH_TOKEN=$TOKEN
before=$(nreq)
ew repo apply --github octo-org/app --yes --set-secrets --no-workflow --trace="$W/trace"
check "repo: exit 0" [ "$rc" -eq 0 ]
check "repo: AWS_REGION opened = table" [ "$(rec 'd["secrets"]["repo"]["AWS_REGION"]')" = us-east-1 ]
check "repo: ECR_REPOSITORY opened = table" [ "$(rec 'd["secrets"]["repo"]["ECR_REPOSITORY"]')" = app ]
check "repo: ECR_REGISTRY opened = table" [ "$(rec 'd["secrets"]["repo"]["ECR_REGISTRY"]')" = 123456789012.dkr.ecr.us-east-1.amazonaws.com ]
check "repo: AWS_ROLE_ARN opened = table" [ "$(rec 'd["secrets"]["repo"]["AWS_ROLE_ARN"]')" = "$ROLE_ARN" ]
check "repo: the table is printed too" grep -q "^AWS_ROLE_ARN *$ROLE_ARN" "$W/repo.out"
check "repo: a line per secret" [ "$(grep -c '^  stored    ' "$W/repo.out")" -eq 4 ]
check "repo: summary with requests" grep -q "^GitHub: 4 secrets stored, 5 requests, " "$W/repo.out"
check "repo: 1 key + 4 PUT (+1 ids, +1 OIDC subject template)" [ $(($(nreq) - before)) -eq 7 ]
check "repo: the token was sent as a bearer" [ "$(rec 'set(d["auth"]) == {"Bearer '"$TOKEN"'"}')" = True ]
check "repo: GitHub calls are traced" grep -q "PUT $STUB/repos/octo-org/app/actions/secrets/AWS_ROLE_ARN" "$W/trace"
check "repo: token in no output or trace" sh -c "! grep -q '$TOKEN' '$W/repo.out' '$W/repo.err' '$W/trace'"
check "repo: no plaintext value sent (sealed)" sh -c "! grep -q '\"encrypted_value\":\"arn:' '$W/trace'"

# --- a re-run overwrites --------------------------------------------------
ew again apply --github octo-org/app --yes --set-secrets --no-workflow --output json
check "re-run: exit 0" [ "$rc" -eq 0 ]
check "re-run: JSON note" [ "$(jget "$W/again.out" 'any(n.startswith("github secrets: 4 stored") for n in d["notes"])')" = True ]

# --- environments: created when missing, own key, own values -------------
py reset
ew envs apply --github octo-org/app --yes --set-secrets --no-workflow --env staging:us-west-2:app-staging --env production:eu-west-1:app-prod
check "envs: exit 0" [ "$rc" -eq 0 ]
check "envs: production created" [ "$(rec '",".join(d["environments"])')" = production ]
check "envs: staging (existing) not created" sh -c "! grep -q \"created   environment 'staging'\" '$W/envs.out'"
check "envs: staging region" [ "$(rec 'd["secrets"]["env:staging"]["AWS_REGION"]')" = us-west-2 ]
check "envs: staging repository" [ "$(rec 'd["secrets"]["env:staging"]["ECR_REPOSITORY"]')" = app-staging ]
check "envs: production registry" [ "$(rec 'd["secrets"]["env:production"]["ECR_REGISTRY"]')" = 123456789012.dkr.ecr.eu-west-1.amazonaws.com ]
check "envs: production role = table" [ "$(rec 'd["secrets"]["env:production"]["AWS_ROLE_ARN"]')" = "$(grep -A5 'Environment production' "$W/envs.out" | awk '/^AWS_ROLE_ARN/ {print $2}')" ]
check "envs: 8 stored" grep -q "^GitHub: 8 secrets stored" "$W/envs.out"

# --- doctor: lists names, fails naming a missing one ---------------------
unset EW_NO_GITHUB_API
ew docok doctor --github octo-org/app --no-workflow
check "doctor: lists the names" grep -q "AWS_REGION, AWS_ROLE_ARN, ECR_REGISTRY, ECR_REPOSITORY" "$W/docok.out"
check "doctor: says values are not read" grep -q "GitHub never returns values" "$W/docok.out"
check "doctor: lists the organization's too" grep -q "from the organization: ORG_SHARED" "$W/docok.out"
python3 - "$STUB" "$TOKEN" <<'PY'
import sys, urllib.request
r = urllib.request.Request(sys.argv[1] + "/repos/octo-org/app/actions/secrets/ECR_REGISTRY", method="DELETE",
    headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
             "User-Agent": "ecr-wizard-test", "Authorization": "Bearer " + sys.argv[2]})
urllib.request.urlopen(r)
PY
ew docbad doctor --github octo-org/app --no-workflow
check "doctor: missing secret fails (exit 1)" [ "$rc" -eq 1 ]
check "doctor: names the missing secret" grep -q "secrets.ECR_REGISTRY, which is not set in octo-org/app" "$W/docbad.out"
check "doctor: token not printed" sh -c "! grep -q '$TOKEN' '$W/docbad.out' '$W/docbad.err'"
run docnotok env -u GH_TOKEN "$EW_BIN" doctor --github octo-org/app --no-workflow
check "doctor without a token: skipped, says why" grep -q "skipped: no GitHub token" "$W/docnotok.out"
export EW_NO_GITHUB_API=1

# --- errors: a message each; AWS stays; the table and gh lines printed ---
run e401 env GH_TOKEN=ghp_wrong "$EW_BIN" apply --github octo-org/app --yes --set-secrets --no-workflow
check "401: exit 1" [ "$rc" -eq 1 ]
check "401: bad token message" grep -q "github rejected the token from GH_TOKEN (401 Bad credentials)" "$W/e401.out"
check "401: AWS stays" grep -q "The AWS setup is done and stays" "$W/e401.out"
check "401: gh lines printed" grep -q "^gh secret set AWS_ROLE_ARN --repo octo-org/app" "$W/e401.out"
check "401: the wrong token not printed" sh -c "! grep -q ghp_wrong '$W/e401.out' '$W/e401.err'"
py check-setup octo-org/app GitHubActions-ECR-Role GitHubActions-ECR-Policy app us-east-1
ew e403 apply --github octo-org/no-perm --yes --share-role --set-secrets --no-workflow --repo app
check "403: names the permission" grep -q 'lacks the permission "Secrets: read and write" (GitHub asks for: secrets=write)' "$W/e403.out"
ew e404 apply --github octo-org/gone --yes --share-role --set-secrets --no-workflow --repo app
check "404: not visible or wrong owner" grep -q "repository 'octo-org/gone' not found (404); it does not exist (check the owner" "$W/e404.out"
ew e422 apply --github octo-org/invalid --yes --share-role --set-secrets --no-workflow --repo app
check "422: GitHub's reason" grep -q "(422: Validation Failed: secret name is reserved)" "$W/e422.out"
check "422: exit 1" [ "$rc" -eq 1 ]
t0=$(date +%s)
ew limited apply --github octo-org/limited --yes --share-role --set-secrets --no-workflow --repo app
check "rate limit (x-ratelimit-reset): waited and stored" grep -q "^GitHub: 4 secrets stored" "$W/limited.out"
check "rate limit: says it waits" grep -q "waiting .* GitHub's rate limit" "$W/limited.out"
ew retry apply --github octo-org/retry-after --yes --share-role --set-secrets --no-workflow --repo app
check "429 Retry-After: waited and stored" grep -q "^GitHub: 4 secrets stored" "$W/retry.out"
ew long apply --github octo-org/long-limit --yes --share-role --set-secrets --no-workflow --repo app
check "rate limit an hour away: fails saying when" grep -q "rate limit reached (403) .*GitHub asks to wait [0-9]* s; run again after" "$W/long.out"

# --- the wizard: g on the Done screen stores them ------------------------
if [ -n "${EW_TBIN:-}" ] && [ -x "$EW_TBIN" ]; then
	py reset
	wiz=$W/wiz
	mkdir -p "$wiz/dumps"
	git -c init.defaultBranch=main init -q "$wiz/repo"
	git -C "$wiz/repo" remote add origin https://github.com/octo-org/app.git
	cat >"$wiz/keys" <<'KEYS'
:wait
<Enter>
:wait
<Enter>
<Enter><Enter><Enter><Enter><Enter><Enter><Enter><Enter><Enter><Enter><Enter>
<Enter>
:wait
<Tab><Tab><Tab><Tab><Tab><Tab><Tab>
<Enter>
:wait
y
:wait
<Enter>
:dump done-before
g
:dump done-after
KEYS
	python3 - "$STUB" "$TOKEN" <<'PY'
import sys, urllib.request
for n in ("AWS_REGION", "ECR_REPOSITORY", "ECR_REGISTRY", "AWS_ROLE_ARN"):
    r = urllib.request.Request(sys.argv[1] + "/repos/octo-org/app/actions/secrets/" + n, method="DELETE",
        headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                 "User-Agent": "ecr-wizard-test", "Authorization": "Bearer " + sys.argv[2]})
    try:
        urllib.request.urlopen(r)
    except Exception:
        pass
PY
	(cd "$wiz/repo" && env EW_TEST_KEYS="$wiz/keys" EW_TEST_DUMP_DIR="$wiz/dumps" \
		EW_TEST_NO_DISPLAY=1 EW_TEST_SIZE=100x30 EW_TEST_TIMEOUT=30 \
		TERM=xterm-256color LANG=C.UTF-8 AWS_REGION=us-east-1 \
		"$EW_TBIN" >"$wiz/stdout" 2>"$wiz/stderr")
	check "wizard: g offered on the Done screen" grep -q "g store in GitHub" "$wiz/dumps/done-before.txt"
	check "wizard: g stored the four" grep -q "stored 4 secrets in GitHub octo-org/app" "$wiz/dumps/done-after.txt"
	check "wizard: values opened = table" [ "$(rec 'd["secrets"]["repo"]["AWS_ROLE_ARN"]')" = "$ROLE_ARN" ]
	check "wizard: token on no screen" sh -c "! grep -q '$TOKEN' '$wiz'/dumps/*.txt '$wiz/stdout' '$wiz/stderr'"
else
	not_ok "EW_TBIN is not set: run through make check"
fi

# --- teardown --delete-secrets -------------------------------------------
ew down teardown --github octo-org/app --yes --delete-secrets
check "teardown: exit 0" [ "$rc" -eq 0 ]
check "teardown: secrets deleted" [ "$(rec 'len(d["secrets"]["repo"])')" = 0 ]
check "teardown: says so" grep -q "^  deleted   AWS_ROLE_ARN" "$W/down.out"
run notoken2 env -u GH_TOKEN "$EW_BIN" teardown --github octo-org/app --yes --delete-secrets
check "teardown without a token: exit 2" [ "$rc" -eq 2 ]
ew wrongcmd plan --github octo-org/app --set-secrets --account 123456789012
check "--set-secrets on plan: exit 2" [ "$rc" -eq 2 ]
ew wrongwiz --set-secrets
check "--set-secrets on the wizard: exit 2, points at g" sh -c "[ $rc -eq 2 ] && grep -q 'with g on its last screen' '$W/wrongwiz.err'"

kill $stub 2>/dev/null
finish
