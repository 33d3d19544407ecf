#!/bin/sh
# check_reads_moto.sh - every read behind a check, of `apply` and of
# `doctor`, made to fail for a reason other than "not found", and each
# check given one wrong input at a time, against the moto server that
# tests/tools/runtests.sh started, through tests/tools/fault_proxy.py.
#
# A read that fails with AccessDenied, or with a 503 after the retries,
# is not an absent resource: apply must fail the step with that error and
# change nothing (no Create/Put/Attach/Update/Add/Tag/Delete request);
# doctor must fail that check with the error, not report the resource as
# missing.  "Matches" comparisons get a case-only and a prefix-only
# difference (widgets vs Widgets, widgets vs widgets-evil).
#
# Shares the runner's moto server: each case uses names of its own and
# the server is never reset.  Prints TAP lines.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
: "${EW_MOTO_URL:?}"
FL_DIR="$EW_TEST_OUT/check_reads_moto"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR"
FL_OUT="$FL_DIR"
export FL_MOTO="$EW_MOTO_URL" # fault_lib.sh's name for the upstream
fl_proxy_start
fl_env
export AWS_REGION=us-east-1 FL_LIMIT=40
fl_git_repo "$FL_DIR/repo"
cd "$FL_DIR/repo" || exit 1
u=$$
acct=123456789012
provider="arn:aws:iam::$acct:oidc-provider/token.actions.githubusercontent.com"

# A fresh proxy log and no rules; moto keeps its state.
clear_proxy() {
	: >"$FL_PX/requests.log"
	fl_rules '[]'
}
# aws SERVICE METHOD PYTHON-KWARGS: one call straight to moto (not through
# the proxy, so it is not counted), its result as JSON on stdout.
aws() {
	python3 - "$EW_MOTO_URL" "$@" <<'PY'
import json, sys, botocore.session
url, svc, method, kw = sys.argv[1:5]
c = botocore.session.get_session().create_client(
    svc, region_name="us-east-1", endpoint_url=url,
    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x" * 40)
print(json.dumps(getattr(c, method)(**eval(kw)), default=str))
PY
}
# names K: the role, policy and repository flags of case K.
names() {
	role="cr-role-$u-$1" policy="cr-pol-$u-$1" repo="cr-repo-$u-$1"
	flags="--role-name $role --policy-name $policy --repo $repo"
	pol_arn="arn:aws:iam::$acct:policy/$policy"
}
line_has() { grep -q -- "$1" "$FL_OUT/stdout"; }

# ------------------------------------------------------------ apply
# guarded OP: the requests apply must not send after the check behind OP
# failed: any change at all.  A plan with a check that could not read the
# current state is unknown, so apply changes nothing, not even the steps
# that check does not guard (the next run starts from a known state).
guarded() {
	echo 'Create[A-Za-z]*|Update[A-Za-z]*|Attach[A-Za-z]*|Put[A-Za-z]*|Delete[A-Za-z]*|Add[A-Za-z]*|Tag[A-Za-z]*|Set[A-Za-z]*'
}

# apply_read_fails K OP FAULT ATTEMPTS CODE [SETUP [RULES]]
#   On a case whose resources do not exist yet (or, with SETUP, after a
#   fault-free apply and SETUP's change), OP fails; apply must exit 1,
#   show the step failed with OP and CODE, and send none of the requests
#   the check guards.
apply_read_fails() {
	k=$1 op=$2 fault=$3 attempts=$4 code=$5 setup=${6:-} rules=${7:-}
	names "$k"
	clear_proxy
	if [ -n "$setup" ]; then
		# shellcheck disable=SC2086
		fl_run st apply --yes --no-color --no-workflow $flags
		[ "$st" -eq 0 ] || not_ok "$k: the fault-free apply (exit $st)"
		eval "$setup"
		clear_proxy
	fi
	[ -n "$rules" ] || rules="[{\"op\": \"$op\", $fault}]"
	fl_rules "$rules"
	# shellcheck disable=SC2086
	fl_run st apply --yes --no-color --no-workflow $flags
	check "apply, $op $code: exit 1" [ "$st" -eq 1 ]
	got=$(fl_count "$op")
	if [ "$got" -eq "$attempts" ]; then
		ok "apply, $op $code: $attempts request(s)"
	else
		not_ok "apply, $op $code: $got request(s), expected $attempts"
	fi
	check "apply, $op $code: says nothing changed" \
		grep -q "nothing changed: the check of" "$FL_OUT/stderr"
	check "apply, $op $code: a step failed with $op $code" \
		sh -c "grep -A1 '^  failed ' '$FL_OUT/stdout' | grep -q '^ *$op $code'"
	bad=$(grep -cE "\"op\": \"($(guarded "$op"))\"" "$FL_PX/requests.log")
	if [ "$bad" -eq 0 ]; then
		ok "apply, $op $code: nothing created or changed"
	else
		not_ok "apply, $op $code: $bad request(s) it should have prevented"
		grep -E "\"op\": \"($(guarded "$op"))\"" "$FL_PX/requests.log" |
			sed 's/^/#   /'
	fi
}
denied='"fault": "error", "status": 403, "code": "AccessDenied", "message": "not authorized"'
unavailable='"fault": "error", "status": 503'

for op in GetRole GetPolicy ListAttachedRolePolicies GetOpenIDConnectProvider \
	DescribeRepositories GetLifecyclePolicy; do
	apply_read_fails "d-$(echo $op | tr A-Z a-z)" "$op" "$denied" 1 AccessDenied
done
for op in GetRole GetPolicy ListAttachedRolePolicies GetOpenIDConnectProvider \
	DescribeRepositories GetLifecyclePolicy; do
	apply_read_fails "u-$(echo $op | tr A-Z a-z)" "$op" "$unavailable" 3 ServiceUnavailable
done
# Reads made only of resources that exist: the policy's default version
# (after its attachment was removed, so apply would attach it) and the
# repository's tags (after its lifecycle policy was deleted, so apply
# would put one).
detach='aws iam detach_role_policy "{\"RoleName\": \"$role\", \"PolicyArn\": \"$pol_arn\"}" >/dev/null'
nolc='aws ecr delete_lifecycle_policy "{\"repositoryName\": \"$repo\"}" >/dev/null'
apply_read_fails d-getpolicyversion GetPolicyVersion "$denied" 1 AccessDenied "$detach"
apply_read_fails u-getpolicyversion GetPolicyVersion "$unavailable" 3 \
	ServiceUnavailable "$detach"
# ListTagsForResource: read by the repository check (a setup in place:
# the lifecycle check reads no tags), and by the lifecycle check of a
# repository that exists but has no lifecycle policy (whether expiring
# images there is ours to decide).  The checks run side by side: holding
# DescribeRepositories back makes the lifecycle's read the first.
apply_read_fails d-repotags ListTagsForResource "$denied" 1 AccessDenied true
apply_read_fails d-lctags ListTagsForResource "$denied" 2 AccessDenied "$nolc" \
	"[{\"op\": \"DescribeRepositories\", \"delay_ms\": 700},
	  {\"op\": \"ListTagsForResource\", \"nth\": [1], $denied}]"
apply_read_fails u-lctags ListTagsForResource "$unavailable" 4 \
	ServiceUnavailable "$nolc" \
	"[{\"op\": \"DescribeRepositories\", \"delay_ms\": 700},
	  {\"op\": \"ListTagsForResource\", \"nth\": [1, 2, 3], $unavailable}]"

# The identity read (GetCallerIdentity) failing: nothing at all is read
# or changed after it.
names d-identity
clear_proxy
fl_rules "[{\"op\": \"GetCallerIdentity\", $denied}]"
# shellcheck disable=SC2086
fl_run st apply --yes --no-color --no-workflow $flags
check "apply, GetCallerIdentity AccessDenied: exit 1" [ "$st" -eq 1 ]
check "apply, GetCallerIdentity AccessDenied: says so" \
	any_has "GetCallerIdentity AccessDenied"
check "apply, GetCallerIdentity AccessDenied: no other request" \
	[ "$(fl_count '*')" -eq "$(fl_count GetCallerIdentity)" ]
clear_proxy

# --- the attach check: our policy, not any policy --------------------------
# apply_attach K OTHER: the role has OTHER attached and not ours: the plan
# says "not attached: will attach" and apply attaches ours.
apply_attach() {
	k=$1 other=$2
	names "$k"
	clear_proxy
	# shellcheck disable=SC2086
	fl_run st apply --yes --no-color --no-workflow $flags
	aws iam detach_role_policy "{'RoleName': '$role', 'PolicyArn': '$pol_arn'}" >/dev/null
	other_arn=$(aws iam create_policy "{'PolicyName': '$other', 'PolicyDocument': '{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ecr:DescribeImages\", \"Resource\": \"*\"}]}'}" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["Policy"]["Arn"])')
	aws iam attach_role_policy "{'RoleName': '$role', 'PolicyArn': '$other_arn'}" >/dev/null
	clear_proxy
	# shellcheck disable=SC2086
	fl_run st plan --no-color $flags
	check "attach, only '$other' attached: plan says not attached" \
		line_has "not attached: will attach"
	clear_proxy
	# shellcheck disable=SC2086
	fl_run st apply --yes --no-color --no-workflow $flags
	check "attach, only '$other' attached: apply exit 0" [ "$st" -eq 0 ]
	check "attach, only '$other' attached: one AttachRolePolicy" \
		[ "$(fl_count AttachRolePolicy)" -eq 1 ]
	check "attach, only '$other' attached: ours attached after" \
		sh -c "aws_out=\$(python3 - '$EW_MOTO_URL' '$role' <<'PY'
import sys, botocore.session
c = botocore.session.get_session().create_client('iam', region_name='us-east-1', endpoint_url=sys.argv[1], aws_access_key_id='AKIDEXAMPLE', aws_secret_access_key='x' * 40)
print(' '.join(p['PolicyArn'] for p in c.list_attached_role_policies(RoleName=sys.argv[2])['AttachedPolicies']))
PY
); echo \"\$aws_out\" | grep -q '$pol_arn\\( \\|\$\\)'"
}
names attach-other
apply_attach attach-other "cr-other-$u"
# Case-only: a policy named as ours in upper case is not ours (IAM would
# refuse both names in one account; the comparison must not rely on it).
names attach-case
apply_attach attach-case "$(printf '%s' "$policy" | tr 'a-z' 'A-Z')"
# Prefix-only: a policy whose name starts with ours is not ours.
names attach-evil
apply_attach attach-evil "cr-pol-$u-attach-evil-evil"

# ------------------------------------------------------------ doctor
# One setup, made once, audited with one wrong thing at a time.
names doc
clear_proxy
# shellcheck disable=SC2086
fl_run st apply --yes --no-color $flags
check "doctor setup: apply exit 0" [ "$st" -eq 0 ]
# shellcheck disable=SC2086
fl_run st doctor --no-color $flags
check "doctor, correct setup: exit 0" [ "$st" -eq 0 ]

# doctor_fails WHAT ID [TEXT]: doctor exits 1, check ID fails (with TEXT,
# an extended regular expression, in its line or the lines under it), no
# other check fails.
doctor_fails() {
	dw=$1 id=$2 text=${3:-}
	# shellcheck disable=SC2086
	fl_run st doctor --no-color $flags
	cp "$FL_OUT/stdout" "$FL_DIR/doctor.$n.out"
	check "doctor, $dw: exit 1" [ "$st" -eq 1 ]
	check "doctor, $dw: $id fails" \
		grep -q "^  FAIL  $id " "$FL_OUT/stdout"
	if [ -n "$text" ]; then
		check "doctor, $dw: says '$text'" \
			sh -c "sed -n '/^  FAIL  $id /,/^  [a-zA-Z]/p' '$FL_OUT/stdout' | grep -qE -- '$text'"
	fi
	others=$(grep '^  FAIL  ' "$FL_OUT/stdout" | grep -v "^  FAIL  $id " |
		grep -vc '^  FAIL  \(provider-audience\|trust-subject\|pipeline-trigger\|policy-login\|policy-push\|lifecycle\) ' || true)
	check "doctor, $dw: no unrelated check fails" [ "$others" -eq 0 ]
}

# doctor_read_fails OP ID NOTFOUND-TEXT
# The failure is the read's: AccessDenied names the permission that is
# missing (see: denied-...), a 503 the service (see: service-unavailable).
doctor_read_fails() {
	op=$1 id=$2 absent=$3
	for f in denied unavailable; do
		if [ $f = denied ]; then
			fl_rules "[{\"op\": \"$op\", $denied}]"
			code=AccessDenied see="see: (access-)?denied"
		else
			fl_rules "[{\"op\": \"$op\", $unavailable}]"
			code=ServiceUnavailable see="see: service-unavailable"
		fi
		doctor_fails "$op $code" "$id" "$see"
		# The fix is filled in: no {role_arn}-style placeholder left.
		check "doctor, $op $code: the fix names real values" \
			sh -c "! grep '^        fix: ' '$FL_OUT/stdout' | grep -q '{[a-z_]*}'"
		check "doctor, $op $code: not reported as absent" \
			sh -c "! grep -qF -- '$absent' '$FL_OUT/stdout'"
	done
	clear_proxy
}
doctor_read_fails GetCallerIdentity credentials "no usable AWS credentials"
doctor_read_fails GetRole role "no role $role"
doctor_read_fails GetOpenIDConnectProvider provider "no provider arn:"
doctor_read_fails ListAttachedRolePolicies policy-attached "is not attached"
doctor_read_fails GetPolicy policy-attached "is not attached"
doctor_read_fails GetPolicyVersion policy-attached "is not attached"
doctor_read_fails DescribeRepositories repository "no repository $repo"
doctor_read_fails GetLifecyclePolicy lifecycle "none: old images"

# --- one wrong input per check; case-only and prefix-only differences ------
# policy_doc RESOURCE: a new default version of our policy granting push
# on RESOURCE only.
policy_doc() {
	aws iam create_policy_version "{'PolicyArn': '$pol_arn', 'SetAsDefault': True, 'PolicyDocument': '''{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ecr:GetAuthorizationToken\", \"Resource\": \"*\"}, {\"Effect\": \"Allow\", \"Action\": [\"ecr:BatchCheckLayerAvailability\", \"ecr:BatchGetImage\", \"ecr:CompleteLayerUpload\", \"ecr:GetDownloadUrlForLayer\", \"ecr:InitiateLayerUpload\", \"ecr:PutImage\", \"ecr:UploadLayerPart\"], \"Resource\": \"$1\"}]}'''}" >/dev/null
}
upper_repo=$(printf '%s' "$repo" | tr 'a-z' 'A-Z')
policy_doc "arn:aws:ecr:us-east-1:$acct:repository/$upper_repo"
doctor_fails "push granted on the repository's name in upper case" \
	policy-push "not allowed"
policy_doc "arn:aws:ecr:us-east-1:$acct:repository/$repo-evil"
doctor_fails "push granted on $repo-evil" policy-push "not allowed"
policy_doc "arn:aws:ecr:us-east-1:$acct:repository/$repo"
fl_run st doctor --no-color $flags
check "doctor, push granted on the exact ARN again: exit 0" [ "$st" -eq 0 ]

# trust_doc FEDERATED AUD SUB: the role's trust policy.
trust_doc() {
	aws iam update_assume_role_policy "{'RoleName': '$role', 'PolicyDocument': '''{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Federated\": \"$1\"}, \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Condition\": {\"StringEquals\": {\"token.actions.githubusercontent.com:aud\": \"$2\"}, \"StringLike\": {\"token.actions.githubusercontent.com:sub\": \"$3\"}}}]}'''}" >/dev/null
}
good_sub='repo:octo-org/app:*'
upper_provider="arn:aws:iam::$acct:oidc-provider/Token.Actions.GithubUserContent.com"
trust_doc "$upper_provider" sts.amazonaws.com "$good_sub"
doctor_fails "Federated principal differs in case" trust-provider "$upper_provider"
trust_doc "$provider-evil" sts.amazonaws.com "$good_sub"
doctor_fails "Federated principal with a suffix" trust-provider "$provider-evil"
trust_doc "$provider" STS.amazonaws.com "$good_sub"
doctor_fails "aud differs in case" trust-audience "does not admit"
trust_doc "$provider" sts.amazonaws.com.evil "$good_sub"
doctor_fails "aud with a suffix" trust-audience "does not admit"
trust_doc "$provider" sts.amazonaws.com 'repo:octo-org/app-evil:*'
doctor_fails "sub names app-evil" trust-subject "not admitted"
trust_doc "$provider" sts.amazonaws.com 'repo:octo-org/App:*'
doctor_fails "sub differs in case" trust-subject "case"
trust_doc "$provider" sts.amazonaws.com "$good_sub"
fl_run st doctor --no-color $flags
check "doctor, the trust restored: exit 0" [ "$st" -eq 0 ]

# The provider's audience (client ID) list: case-only and suffix-only.
# moto has no Add/RemoveClientID...: the provider is made again with the
# one client ID (its tags kept), then as it was.
provider_with() {
	python3 - "$EW_MOTO_URL" "$provider" "$1" <<'PY'
import sys, botocore.session
url, arn, cid = sys.argv[1:4]
c = botocore.session.get_session().create_client(
    "iam", region_name="us-east-1", endpoint_url=url,
    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x" * 40)
p = c.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
c.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
kw = {"Url": "https://token.actions.githubusercontent.com",
      "ClientIDList": [cid], "ThumbprintList": p.get("ThumbprintList") or []}
if p.get("Tags"):
    kw["Tags"] = p["Tags"]
c.create_open_id_connect_provider(**kw)
PY
}
for cid in STS.amazonaws.com sts.amazonaws.com.evil; do
	provider_with "$cid"
	doctor_fails "the provider lists only $cid" provider-audience "$cid"
	# shellcheck disable=SC2086
	fl_run st plan --no-color $flags; cp "$FL_OUT/stdout" "$FL_DIR/plan.$cid.out"
	check "plan, the provider lists only $cid: adds the audience" \
		line_has "exists without audience sts.amazonaws.com: will add it"
done
provider_with sts.amazonaws.com
fl_run st doctor --no-color $flags
check "doctor, the provider restored: exit 0" [ "$st" -eq 0 ]

# Another policy attached, ours not: the attach check of doctor.
aws iam detach_role_policy "{'RoleName': '$role', 'PolicyArn': '$pol_arn'}" >/dev/null
aws iam attach_role_policy "{'RoleName': '$role', 'PolicyArn': 'arn:aws:iam::$acct:policy/cr-other-$u'}" >/dev/null
doctor_fails "another policy attached, ours not" policy-attached "is not attached"
aws iam detach_role_policy "{'RoleName': '$role', 'PolicyArn': 'arn:aws:iam::$acct:policy/cr-other-$u'}" >/dev/null
aws iam attach_role_policy "{'RoleName': '$role', 'PolicyArn': '$pol_arn'}" >/dev/null

# The workflow's role-to-assume written out: case-only and suffix-only.
wf=.github/workflows/ecr-push.yml
cp "$wf" "$FL_DIR/wf.orig"
role_arn="arn:aws:iam::$acct:role/$role"
upper_role=$(printf '%s' "$role" | tr 'a-z' 'A-Z')
for lit in "arn:aws:iam::$acct:role/$upper_role" "$role_arn-evil"; do
	sed "s|role-to-assume: .*|role-to-assume: $lit|" "$FL_DIR/wf.orig" >"$wf"
	doctor_fails "role-to-assume is $lit" workflow-role "$lit"
done
sed "s|role-to-assume: .*|role-to-assume: $role_arn|" "$FL_DIR/wf.orig" >"$wf"
fl_run st doctor --no-color $flags
check "doctor, role-to-assume is the exact ARN: exit 0" [ "$st" -eq 0 ]
check "doctor, role-to-assume is the exact ARN: a warning" \
	grep -q '^  WARN  workflow-role ' "$FL_OUT/stdout"
cp "$FL_DIR/wf.orig" "$wf"

# aws-region and audience written out: case-only and suffix-only.
for lit in US-EAST-1 us-east-10; do
	sed "s|aws-region: .*|aws-region: $lit|" "$FL_DIR/wf.orig" >"$wf"
	doctor_fails "aws-region is $lit" workflow-region "gives .$lit."
done
for lit in STS.amazonaws.com sts.amazonaws.com.evil; do
	sed "s|aws-region: .*|&\\n          audience: $lit|" "$FL_DIR/wf.orig" >"$wf"
	doctor_fails "audience is $lit" workflow-audience "audience is .$lit."
done
sed "s|aws-region: .*|&\\n          audience: sts.amazonaws.com|" "$FL_DIR/wf.orig" >"$wf"
fl_run st doctor --no-color $flags
check "doctor, audience is sts.amazonaws.com: exit 0" [ "$st" -eq 0 ]
check "doctor, audience is sts.amazonaws.com: passes" \
	grep -q '^  pass  workflow-audience ' "$FL_OUT/stdout"
cp "$FL_DIR/wf.orig" "$wf"

# id-token: read and none are not write.
for v in read none; do
	sed "s|id-token: write|id-token: $v|" "$FL_DIR/wf.orig" >"$wf"
	doctor_fails "id-token: $v" workflow-id-token "no id-token: write"
done
cp "$FL_DIR/wf.orig" "$wf"

echo "1..$n"
exit $failed
