#!/bin/sh
# concurrent_moto.sh - two applies at the same time on shared names: after
# its writes, an apply re-reads what it updated (the role's trust policy,
# the policy's default version) and fails, exit 1, naming what is there
# when another run changed it meanwhile.  The "other run" is played by
# this script: tests/tools/fault_proxy.py holds the re-read (GetRole after
# UpdateAssumeRolePolicy, GetPolicy after CreatePolicyVersion) while the
# script writes the other repository's document straight to moto.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
FL_DIR="$EW_TEST_OUT/concurrent_moto"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR"
FL_OUT="$FL_DIR"
fl_moto_start
fl_proxy_start
fl_env
export EW_MOTO_URL="$FL_MOTO"
fl_git_repo "$FL_DIR/repo"
cd "$FL_DIR/repo" || exit 1
ROLE=GitHubActions-ECR-Role POLICY=GitHubActions-ECR-Policy
A=arn:aws:ecr:us-east-1:123456789012:repository
sa() { python3 "$EW_TOP/tests/tools/sharing_aws.py" "$@"; }

# other_run WHAT: what a concurrent `apply --share-role` for acme/tools
# writes: what it read before our write (widgets') plus its own.
other_run() {
	python3 - "$1" <<'PY'
import json, os, sys
import botocore.session
c = botocore.session.get_session().create_client(
    "iam", region_name="us-east-1", endpoint_url=os.environ["EW_MOTO_URL"],
    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x")
acct = "123456789012"
if sys.argv[1] == "trust":
    role = c.get_role(RoleName="GitHubActions-ECR-Role")["Role"]
    doc = role["AssumeRolePolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    for st in doc["Statement"]:
        for op in st.get("Condition", {}).values():
            if "token.actions.githubusercontent.com:sub" in op:
                op["token.actions.githubusercontent.com:sub"] = [
                    "repo:acme/widgets:*", "repo:acme/tools:*"]
    c.update_assume_role_policy(RoleName="GitHubActions-ECR-Role",
                                PolicyDocument=json.dumps(doc))
else:
    arn = "arn:aws:iam::%s:policy/GitHubActions-ECR-Policy" % acct
    v = c.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    doc = c.get_policy_version(PolicyArn=arn, VersionId=v)["PolicyVersion"]["Document"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    for st in doc["Statement"]:
        r = st.get("Resource")
        if isinstance(r, list):
            st["Resource"] = [x.replace("/gadgets", "/tools") for x in r]
    versions = c.list_policy_versions(PolicyArn=arn)["Versions"]
    if len(versions) >= 5:
        old = sorted([x for x in versions if not x["IsDefaultVersion"]],
                     key=lambda x: x["CreateDate"])[0]
        c.delete_policy_version(PolicyArn=arn, VersionId=old["VersionId"])
    c.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc),
                            SetAsDefault=True)
PY
}

# race OP AFTER WHAT: apply acme/gadgets --share-role while the re-read OP
# (the first after AFTER) is held; meanwhile the other run writes WHAT.
race() {
	fl_reset
	fl_run st apply --region us-east-1 --github acme/widgets --yes --no-workflow
	[ "$st" -eq 0 ] || not_ok "$1: widgets set up first (exit $st)"
	fl_rules "[{\"op\": \"$1\", \"after\": \"$2\", \"nth\": [1], \"delay_ms\": 4000}]"
	timeout -k 5 60 "$EW_BIN" apply --region us-east-1 --github acme/gadgets \
		--yes --no-workflow --share-role </dev/null \
		>"$FL_OUT/stdout" 2>"$FL_OUT/stderr" &
	pid=$!
	i=0
	until [ -e "$FL_PX/held.$1" ] || [ $i -gt 400 ]; do
		i=$((i + 1))
		sleep 0.05
	done
	[ -e "$FL_PX/held.$1" ] || not_ok "$1: the re-read never came"
	other_run "$3" || not_ok "$1: the other run's write failed"
	wait "$pid"
	st=$?
}

# --- the trust policy ---------------------------------------------------
race GetRole UpdateAssumeRolePolicy trust
check "trust changed meanwhile: exit 1" [ "$st" -eq 1 ]
check "trust: names the role and the change" any_has "'IAM role $ROLE' changed while this apply ran"
check "trust: names what it trusts now" any_has "it now trusts acme/widgets, acme/tools;"
check "trust: says what to do" any_has "run apply again to see the difference"
check "trust: nothing reverted (the other run's write stays)" [ "$(sa trust-subs $ROLE)" = "repo:acme/tools:*,repo:acme/widgets:*" ]

# --- the permissions policy ---------------------------------------------
race GetPolicy CreatePolicyVersion policy
check "policy changed meanwhile: exit 1" [ "$st" -eq 1 ]
check "policy: names the policy and the change" any_has "'IAM policy $POLICY' changed while this apply ran"
check "policy: names what it grants now" any_has "it now grants push to tools (us-east-1), widgets (us-east-1);"
check "policy: the other run's version stays the default" [ "$(sa policy-resources $POLICY)" = "$A/tools,$A/widgets" ]

# --- no one else: the re-read agrees, exit 0 -------------------------------
fl_reset
fl_run st apply --region us-east-1 --github acme/widgets --yes --no-workflow
: >"$FL_PX/requests.log"
fl_run st apply --region us-east-1 --github acme/gadgets --yes --no-workflow --share-role
check "alone: exit 0" [ "$st" -eq 0 ]
check "alone: the role read, then re-read" [ "$(fl_count GetRole)" -eq 2 ]
check "alone: the policy read, then re-read" [ "$(fl_count GetPolicy)" -eq 2 ]
check "alone: both repositories share the role" [ "$(sa trust-subs $ROLE)" = "repo:acme/gadgets:*,repo:acme/widgets:*" ]

echo "1..$n"
exit $failed
