#!/bin/sh
# sharing_moto.sh - nothing that serves someone else changes silently,
# against moto with the real binary: a role and policy shared by two
# GitHub repositories (refused under --yes, shared with --share-role,
# avoided with new names), an adopted repository's lifecycle policy (kept
# under --yes, replaced with --replace-lifecycle), and the policy versions
# a repair supersedes (deleted when they grant more, on our policy only).
. "$EW_TOP/tests/tools/cli_engine_lib.sh"
with_moto
ROLE=GitHubActions-ECR-Role POLICY=GitHubActions-ECR-Policy
A=arn:aws:ecr:us-east-1:123456789012:repository
sa() { python3 "$EW_TOP/tests/tools/sharing_aws.py" "$@"; }

# --- a second repository with the default names -------------------------
py reset
ew widgets apply --github acme/widgets --yes --no-workflow
check "widgets: set up" [ "$rc" -eq 0 ]
ew gadgets apply --github acme/gadgets --yes --no-workflow
check "gadgets --yes: exit 1" [ "$rc" -eq 1 ]
check "gadgets: names the GitHub repository" grep -q "IAM role $ROLE also trusts acme/widgets" "$W/gadgets.err"
check "gadgets: names the ECR repository" grep -q "IAM policy $POLICY also grants push to widgets (us-east-1)" "$W/gadgets.err"
check "gadgets: option share" grep -q "share them: run again with --share-role" "$W/gadgets.err"
check "gadgets: option new names" grep -q -- "use new names: run again with --role-name $ROLE-gadgets --policy-name $POLICY-gadgets" "$W/gadgets.err"
check "gadgets: refused, nothing changed" grep -q "refused under --yes: nothing was changed" "$W/gadgets.err"
check "gadgets: the plan says destructive" grep -q "^  update    IAM role $ROLE: DESTRUCTIVE: it also trusts acme/widgets" "$W/gadgets.out"
check "gadgets: the diff says destructive" grep -q "^IAM role $ROLE - would change, DESTRUCTIVE" "$W/gadgets.out"
check "gadgets: widgets' trust unchanged" [ "$(sa trust-subs $ROLE)" = "repo:acme/widgets:*" ]
check "gadgets: widgets' policy unchanged" [ "$(sa policy-resources $POLICY)" = "$A/widgets" ]
check "gadgets: before any change (no repository made)" [ "$(sa repo-exists gadgets us-east-1)" = no ]
ew gadgetsj apply --github acme/gadgets --yes --no-workflow --output json
check "gadgets json: exit 1" [ "$rc" -eq 1 ]
check "gadgets json: role conflict" [ "$(jget "$W/gadgetsj.out" '[(s["conflict"]["kind"], s["conflict"]["others"][0], s["conflict"]["destructive"]) for s in d["steps"] if s["kind"]=="role"][0]')" = "shared acme/widgets True" ]
check "gadgets json: policy conflict" [ "$(jget "$W/gadgetsj.out" '[s["conflict"]["others"] for s in d["steps"] if s["kind"]=="policy"][0]')" = "['widgets (us-east-1)']" ]
check "gadgets json: no conflict elsewhere" [ "$(jget "$W/gadgetsj.out" '[s["conflict"] for s in d["steps"] if s["kind"] not in ("role","policy")].count(None)')" = 6 ]

# --- share it ---------------------------------------------------------------
ew share apply --github acme/gadgets --yes --no-workflow --share-role
check "--share-role: exit 0" [ "$rc" -eq 0 ]
check "--share-role: both repositories' subjects" [ "$(sa trust-subs $ROLE)" = "repo:acme/gadgets:*,repo:acme/widgets:*" ]
check "--share-role: both repository ARNs" [ "$(sa policy-resources $POLICY)" = "$A/gadgets,$A/widgets" ]
check "--share-role: said so" grep -q "^  updated   IAM role $ROLE: trust policy updated, shared with acme/widgets" "$W/share.out"
ew share2 apply --github acme/widgets --yes --no-workflow --share-role --output json
check "shared, widgets again with --share-role: no change" [ "$(jget "$W/share2.out" 'd["mutations"]')" = 0 ]
ew share3 apply --github acme/widgets --yes --no-workflow
check "shared, widgets again without it: refused" [ "$rc" -eq 1 ]
check "shared, widgets again: names acme/gadgets" grep -q "also trusts acme/gadgets" "$W/share3.err"
check "shared, widgets again: gadgets keeps access" [ "$(sa trust-subs $ROLE)" = "repo:acme/gadgets:*,repo:acme/widgets:*" ]

# Teardown removes only what serves the repository it is asked about.
ew td teardown --github acme/gadgets --yes
check "shared, teardown gadgets: exit 0" [ "$rc" -eq 0 ]
check "shared, teardown: the plan says only gadgets' subjects go" grep -q "IAM role $ROLE: shared: only acme/gadgets's subjects will be removed, kept for acme/widgets" "$W/td.out"
check "shared, teardown: the plan says only gadgets' ARN goes" grep -q "IAM policy $POLICY: shared: only acme/gadgets's repository ARN will be removed, kept for widgets (us-east-1)" "$W/td.out"
check "shared, teardown: role updated, said so" grep -q "IAM role $ROLE: updated: acme/gadgets removed, kept for acme/widgets" "$W/td.out"
check "shared, teardown: widgets keeps its access, gadgets' is gone" [ "$(sa trust-subs $ROLE)" = "repo:acme/widgets:*" ]
check "shared, teardown: the policy grants widgets only" [ "$(sa policy-resources $POLICY)" = "$A/widgets" ]
check "shared, teardown: the version that granted gadgets is gone" [ "$(sa policy-versions $POLICY)" = "v1,v3*" ]
check "shared, teardown: attachment kept" grep -q "Attach $POLICY to $ROLE: kept: the role and the policy still serve other repositories" "$W/td.out"
check "shared, teardown: provider kept (the role trusts it)" grep -q "OIDC provider .*kept: other roles trust it" "$W/td.out"
check "shared, teardown: gadgets' repository deleted" [ "$(sa repo-exists gadgets us-east-1)" = no ]
ew td2 teardown --github acme/widgets --yes
check "shared, then the last one: exit 0" [ "$rc" -eq 0 ]
check "shared, then the last one: role deleted" [ "$(sa role-exists $ROLE)" = no ]

# A role and policy that serve another repository only: nothing of this one
# to remove, so both stay, and so does the provider they need.
py reset
ew thing apply --github other/thing --yes --no-workflow
ew td3 teardown --github acme/widgets --yes
check "other's only, teardown: exit 0" [ "$rc" -eq 0 ]
check "other's only: role kept, says whose" grep -q "IAM role $ROLE: kept: it serves other/thing, not acme/widgets" "$W/td3.out"
check "other's only: policy kept, says whose" grep -q "IAM policy $POLICY: kept: it serves thing (us-east-1), not acme/widgets" "$W/td3.out"
check "other's only: provider kept" grep -q "OIDC provider .*kept: other roles trust it ($ROLE)" "$W/td3.out"
check "other's only: trust unchanged" [ "$(sa trust-subs $ROLE)" = "repo:other/thing:*" ]
check "other's only: policy unchanged" [ "$(sa policy-resources $POLICY)" = "$A/thing" ]

# --- on a terminal, without --yes: asked ------------------------------------------
py reset
ew widgets apply --github acme/widgets --yes --no-workflow
sa tty "$W/ttyq.out" "$W/repo" q "$EW_BIN" apply --github acme/gadgets --no-workflow
check "terminal, stop: exit 1" [ $? -eq 1 ]
check "terminal, stop: asked" grep -q "Share them (s), use new names (n), or stop (q)?" "$W/ttyq.out"
check "terminal, stop: widgets untouched" [ "$(sa trust-subs $ROLE)" = "repo:acme/widgets:*" ]
sa tty "$W/ttyn.out" "$W/repo" n,y "$EW_BIN" apply --github acme/gadgets --no-workflow
check "terminal, new names: exit 0" [ $? -eq 0 ]
check "terminal, new names: widgets untouched" [ "$(sa trust-subs $ROLE)" = "repo:acme/widgets:*" ]
check "terminal, new names: gadgets' own role" [ "$(sa trust-subs $ROLE-gadgets)" = "repo:acme/gadgets:*" ]
sa tty "$W/ttys.out" "$W/repo" s,y "$EW_BIN" apply --github acme/widgets --role-name $ROLE-gadgets --policy-name $POLICY-gadgets --no-workflow
check "terminal, share: exit 0" [ $? -eq 0 ]
check "terminal, share: both" [ "$(sa trust-subs $ROLE-gadgets)" = "repo:acme/gadgets:*,repo:acme/widgets:*" ]

# --- or new names -------------------------------------------------------------
py reset
ew widgets apply --github acme/widgets --yes --no-workflow
ew newnames apply --github acme/gadgets --yes --no-workflow --role-name $ROLE-gadgets --policy-name $POLICY-gadgets
check "new names: exit 0" [ "$rc" -eq 0 ]
check "new names: widgets' role untouched" [ "$(sa trust-subs $ROLE)" = "repo:acme/widgets:*" ]
check "new names: widgets' policy untouched" [ "$(sa policy-resources $POLICY)" = "$A/widgets" ]
check "new names: gadgets' own role" [ "$(sa trust-subs $ROLE-gadgets)" = "repo:acme/gadgets:*" ]
check "new names: gadgets' own policy" [ "$(sa policy-resources $POLICY-gadgets)" = "$A/gadgets" ]

# --- an adopted repository: its lifecycle policy is not ours ---------------
py reset
sa adopted-repo app us-east-1
ew adopt apply --github acme/app --yes --no-workflow
check "adopted: exit 0" [ "$rc" -eq 0 ]
check "adopted: keep-30 unchanged" [ "$(sa lifecycle-count app us-east-1)" = 30 ]
check "adopted: reported with the flag" grep -q "^  unchanged Lifecycle policy of app (keep 10 images): differs, kept: the repository was not created by ecr-wizard (pass --replace-lifecycle" "$W/adopt.out"
check "adopted: the difference shown" grep -q '^-        "countNumber": 30' "$W/adopt.out"
ew adoptj apply --github acme/app --yes --no-workflow --output json
check "adopted json: not-ours conflict" [ "$(jget "$W/adoptj.out" '[(s["conflict"]["kind"], s["conflict"]["resolved"]) for s in d["steps"] if s["kind"]=="lifecycle"][0]')" = "not-ours False" ]
sa tty "$W/ttyl.out" "$W/repo" n,y "$EW_BIN" apply --github acme/app --no-workflow
check "adopted, terminal: asked" grep -q "Replace its lifecycle policy with keep 10 (--replace-lifecycle)?" "$W/ttyl.out"
check "adopted, terminal, declined: the rest applied" grep -q "^Done:" "$W/ttyl.out"
check "adopted, terminal, declined: policy kept" [ "$(sa lifecycle-count app us-east-1)" = 30 ]
ew replace apply --github acme/app --yes --no-workflow --replace-lifecycle
check "--replace-lifecycle: exit 0" [ "$rc" -eq 0 ]
check "--replace-lifecycle: replaced" [ "$(sa lifecycle-count app us-east-1)" = 10 ]
sa bare-repo bare us-east-1
ew bare apply --github acme/bare --yes --no-workflow
check "adopted, no lifecycle: none added" [ "$(sa lifecycle-count bare us-east-1)" = none ]
check "adopted, no lifecycle: reported" grep -q "none, none added: the repository was not created by ecr-wizard" "$W/bare.out"

# --- a repair deletes the superseded versions that grant more ----------------
py reset
ew v1 apply --github acme/widgets --yes --no-workflow
py drift-policy $POLICY
check "drift: v2 (ecr:* on *) is the default" [ "$(sa policy-versions $POLICY)" = "v1,v2*" ]
ew repair apply --github acme/widgets --yes --no-workflow
check "repair: exit 0" [ "$rc" -eq 0 ]
check "repair: v2 deleted, v1 (same grants) kept" [ "$(sa policy-versions $POLICY)" = "v1,v3*" ]
check "repair: said so" grep -q "new default version v3; deleted v2, which granted more" "$W/repair.out"
# A policy ecr-wizard did not create: reported, never deleted.
py reset
sa foreign-policy $POLICY
ew foreign apply --github acme/widgets --yes --no-workflow
check "foreign policy: exit 0" [ "$rc" -eq 0 ]
check "foreign policy: old version kept" [ "$(sa policy-versions $POLICY)" = "v1,v2*" ]
check "foreign policy: reported" grep -q "kept older versions that grant more (the policy was not created by ecr-wizard.*: v1" "$W/foreign.out"
check "no secret in any output" no_secret "$W"/*.out "$W"/*.err
finish
