#!/bin/sh
# teardown_moto.sh - `ecr-wizard teardown` against moto: everything the
# setup created is gone, in reverse order; the OIDC provider stays while
# another role trusts it (and goes once none does); a repository holding
# images stays unless --force; untagged resources are never deleted.
. "$EW_TOP/tests/tools/cli_engine_lib.sh"
with_moto
ROLE=GitHubActions-ECR-Role POLICY=GitHubActions-ECR-Policy

py reset
ew setup apply --github octo-org/app --yes --no-workflow
check "setup: exit 0" [ "$rc" -eq 0 ]
py other-role SomeoneElsesRole

ew plan teardown --github octo-org/app --yes
check "teardown: exit 0" [ "$rc" -eq 0 ]
check "teardown: says it keeps the provider and why" grep -q "^  skip      OIDC provider .*kept: other roles trust it (SomeoneElsesRole)" "$W/plan.out"
check "teardown: says it deletes the role" grep -q "^  delete    IAM role $ROLE: will be deleted" "$W/plan.out"
check "teardown: detached first" [ "$(grep -n '^  done' "$W/plan.out" | head -1 | grep -c 'detached')" -eq 1 ]
check "teardown: the role after the policy is detached" sh -c "grep -n '^  done' '$W/plan.out' | awk '/detached/{d=NR} /IAM role/{r=NR} END{exit !(d<r)}'"
py check-gone $ROLE $POLICY app us-east-1
py provider-exists yes
py role-exists SomeoneElsesRole yes

# Nobody else trusts it now: the provider goes too.
py delete-role SomeoneElsesRole
ew again teardown --github octo-org/app --yes --output json
check "second teardown: exit 0" [ "$rc" -eq 0 ]
check "second teardown: provider deleted" [ "$(jget "$W/again.out" '[s["state"] for s in d["steps"] if s["kind"]=="provider"][0]')" = done ]
check "second teardown: nothing else to delete" [ "$(jget "$W/again.out" '[s["detail"] for s in d["steps"] if s["kind"]=="role"][0]')" = "not found: nothing to delete" ]
py provider-exists no

# A repository with images stays unless --force.
py reset
ew setup2 apply --github octo-org/app --yes --no-workflow
py put-image app us-east-1
ew imgs teardown --github octo-org/app --yes
check "images: exit 0" [ "$rc" -eq 0 ]
check "images: repository kept, says why" grep -q "ECR repository app (us-east-1): kept: it holds images (pass --force" "$W/imgs.out"
py role-exists $ROLE no
ew imgs2 teardown --github octo-org/app --yes --force --output json
check "--force: repository deleted" [ "$(jget "$W/imgs2.out" '[s["state"] for s in d["steps"] if s["kind"]=="repository"][0]')" = done ]
py check-gone $ROLE $POLICY app us-east-1

# Nothing there: nothing to delete, exit 0.
ew empty teardown --github octo-org/app --yes
check "empty account: exit 0" [ "$rc" -eq 0 ]
check "empty account: nothing to delete" grep -q "Nothing to delete" "$W/empty.out"
check "no secret in any output" no_secret "$W"/*.out "$W"/*.err
finish
