#!/bin/sh
# faults_moto.sh - `ecr-wizard apply` against moto server through
# tests/tools/fault_proxy.py, one injected fault per case: throttling in
# IAM's and ECR's shapes, 500/503, RequestLimitExceeded, connection reset,
# truncated and non-XML/non-JSON bodies, an answer that never comes, and
# IAM's eventual consistency.  Each case asserts what the standard retry
# mode promises (retried and shown, or failed cleanly with the hint and
# exit status 1, never a crash, no workflow written on failure), counts the
# attempts the proxy saw, then runs apply again without faults and expects
# the setup to complete.  Prints TAP lines.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
FL_DIR="$EW_TEST_OUT/faults_moto"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR"
FL_OUT="$FL_DIR"
fl_moto_start
fl_proxy_start
fl_env
fl_git_repo "$FL_DIR/repo"
cd "$FL_DIR/repo" || exit 1
wf=.github/workflows/ecr-push.yml

# A knob for the client's whole-exchange time-out, so "never answers" is
# tested in seconds rather than 3 x 30 s (see the report of issue 6).
export EW_HTTP_TIMEOUT_MS=1500
if grep -q EW_HTTP_TIMEOUT_MS "$EW_BIN"; then
	timeout_knob=1
else
	timeout_knob=0
fi

# fault NAME EXIT OP ATTEMPTS SHOWN RULES [HINT]
#   NAME      what the case is
#   EXIT      expected exit status of the faulty apply (0 or 1)
#   OP        the operation the fault is on
#   ATTEMPTS  requests for OP the proxy must have seen
#   SHOWN     text that must be in the output ("" for none), e.g. the
#             "retrying iam:CreateRole (Throttling" line
#   RULES     the proxy rules (JSON)
#   HINT      for failures: a fragment of the message or hint
fault() {
	name=$1 want=$2 op=$3 attempts=$4 shown=$5 rules=$6 hint=${7:-}
	fl_reset
	rm -rf .github
	fl_rules "$rules"
	fl_run st apply --yes --no-color
	if [ "$st" -eq "$want" ]; then
		ok "$name: exit $want"
	else
		not_ok "$name: exit $st, expected $want"
	fi
	got=$(fl_count "$op")
	if [ "$got" -eq "$attempts" ]; then
		ok "$name: $attempts $op request(s)"
	else
		not_ok "$name: $got $op request(s), expected $attempts"
	fi
	if [ -n "$shown" ]; then
		check "$name: shows '$shown'" out_has "$shown"
	fi
	if [ "$want" -ne 0 ]; then
		check "$name: says why ('$hint')" any_has "$hint"
		check "$name: no workflow written after a failure" \
			test ! -e "$wf"
	fi
	if grep -q "Sanitizer\|runtime error" "$FL_OUT/stderr"; then
		not_ok "$name: sanitizer report"
	fi
	fl_rules '[]'
	fl_run st apply --yes --no-color
	if [ "$st" -eq 0 ] && [ -s "$wf" ] && out_has "Done:"; then
		ok "$name: the next apply completes the setup"
	else
		not_ok "$name: the next apply exits $st"
	fi
}

# --- retried, then fine ---------------------------------------------------
fault "IAM throttling" 0 CreateRole 3 "retrying iam:CreateRole (Throttling" \
	'[{"op": "CreateRole", "nth": [1, 2], "fault": "throttle"}]'
fault "ECR throttling" 0 CreateRepository 3 \
	"retrying ecr:CreateRepository (ThrottlingException" \
	'[{"op": "CreateRepository", "nth": [1, 2], "fault": "throttle"}]'
fault "HTTP 500" 0 CreatePolicy 2 "retrying iam:CreatePolicy (InternalFailure" \
	'[{"op": "CreatePolicy", "nth": [1], "fault": "error", "status": 500}]'
fault "HTTP 503" 0 CreateOpenIDConnectProvider 2 \
	"retrying iam:CreateOpenIDConnectProvider (ServiceUnavailable" \
	'[{"op": "CreateOpenIDConnectProvider", "nth": [1], "fault": "error",
	   "status": 503}]'
fault "ECR 500" 0 PutLifecyclePolicy 2 \
	"retrying ecr:PutLifecyclePolicy (InternalFailure" \
	'[{"op": "PutLifecyclePolicy", "nth": [1], "fault": "error",
	   "status": 500}]'
fault "RequestLimitExceeded" 0 PutLifecyclePolicy 3 \
	"retrying ecr:PutLifecyclePolicy (RequestLimitExceeded" \
	'[{"op": "PutLifecyclePolicy", "nth": [1, 2], "fault": "error",
	   "status": 400, "code": "RequestLimitExceeded"}]'
fault "reset after an idempotent call" 0 AttachRolePolicy 2 \
	"retrying iam:AttachRolePolicy" \
	'[{"op": "AttachRolePolicy", "nth": [1], "fault": "reset"}]'
fault "reset after CreateRepository (created, answer lost)" 0 \
	CreateRepository 2 "retrying ecr:CreateRepository" \
	'[{"op": "CreateRepository", "nth": [1], "fault": "reset"}]'
fault "truncated body" 0 PutLifecyclePolicy 2 \
	"retrying ecr:PutLifecyclePolicy" \
	'[{"op": "PutLifecyclePolicy", "nth": [1], "fault": "truncate"}]'
# A create whose answer was lost reads "already exists" on the retry; the
# step must recognise its own resource, as the repository step does.
fault "reset after CreatePolicy (created, answer lost)" 0 CreatePolicy 2 \
	"retrying iam:CreatePolicy" \
	'[{"op": "CreatePolicy", "nth": [1], "fault": "reset"}]'
fault "reset after CreateRole (created, answer lost)" 0 CreateRole 2 \
	"retrying iam:CreateRole" \
	'[{"op": "CreateRole", "nth": [1], "fault": "reset"}]'
# Reads while planning are retried too, and the user sees it.
fault "throttled read while planning" 0 GetRole 2 \
	"retrying iam:GetRole (Throttling" \
	'[{"op": "GetRole", "nth": [1], "fault": "throttle"}]'

# --- given up on, cleanly ---------------------------------------------------
fault "IAM throttling that persists" 1 CreatePolicy 3 \
	"retrying iam:CreatePolicy (Throttling, attempt 3/3" \
	'[{"op": "CreatePolicy", "fault": "throttle"}]' "cause: AWS throttled"
fault "ECR throttling that persists" 1 PutLifecyclePolicy 3 \
	"retrying ecr:PutLifecyclePolicy (ThrottlingException, attempt 3/3" \
	'[{"op": "PutLifecyclePolicy", "fault": "throttle"}]' \
	"PutLifecyclePolicy ThrottlingException"
fault "503 that persists" 1 CreateRole 3 \
	"retrying iam:CreateRole (ServiceUnavailable, attempt 3/3" \
	'[{"op": "CreateRole", "fault": "error", "status": 503}]' \
	"CreateRole ServiceUnavailable"
fault "IAM LimitExceeded is a quota, not retried" 1 CreateRole 1 "" \
	'[{"op": "CreateRole", "fault": "error", "status": 409,
	   "code": "LimitExceeded", "message": "Cannot exceed quota for RolesPerAccount: 1000"}]' \
	"retrying will not help"
fault "non-XML body from IAM" 1 CreatePolicy 1 "" \
	'[{"op": "CreatePolicy", "fault": "garbage"}]' \
	"cannot read the iam CreatePolicy response"
fault "non-JSON body from ECR" 1 CreateRepository 1 "" \
	'[{"op": "CreateRepository", "fault": "garbage"}]' \
	"CreateRepository response"
fault "AccessDenied is final" 1 CreateRole 1 "" \
	'[{"op": "CreateRole", "fault": "error", "status": 403,
	   "code": "AccessDenied", "message": "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole"}]' \
	"iam:CreateRole"

# --- IAM eventual consistency ----------------------------------------------
fault "role not yet visible to AttachRolePolicy" 0 AttachRolePolicy 4 \
	"retrying iam:AttachRolePolicy (NoSuchEntity" \
	'[{"op": "AttachRolePolicy", "after": "CreateRole", "nth": [1, 2, 3],
	   "fault": "error", "status": 404, "code": "NoSuchEntity",
	   "message": "The role with name GitHubActions-ECR-Role cannot be found."}]'
fault "new provider not yet valid as a principal" 0 CreateRole 3 \
	"retrying iam:CreateRole (MalformedPolicyDocument" \
	'[{"op": "CreateRole", "after": "CreateOpenIDConnectProvider",
	   "nth": [1, 2], "fault": "error", "status": 400,
	   "code": "MalformedPolicyDocument",
	   "message": "Invalid principal in policy: \"Federated\":\"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\""}]'
fault "a role that never appears is waited for, bounded" 1 AttachRolePolicy 6 \
	"retrying iam:AttachRolePolicy (NoSuchEntity" \
	'[{"op": "AttachRolePolicy", "after": "CreateRole", "fault": "error",
	   "status": 404, "code": "NoSuchEntity",
	   "message": "The role with name GitHubActions-ECR-Role cannot be found."}]' \
	"AttachRolePolicy NoSuchEntity"

# --- an answer that never comes ---------------------------------------------
if [ "$timeout_knob" -eq 1 ]; then
	fault "no answer once: timed out and retried" 0 AttachRolePolicy 2 \
		"retrying iam:AttachRolePolicy" \
		'[{"op": "AttachRolePolicy", "nth": [1], "fault": "hang"}]'
	start=$(date +%s)
	fault "no answer ever: fails with a time-out" 1 CreatePolicy 3 \
		"retrying iam:CreatePolicy" \
		'[{"op": "CreatePolicy", "fault": "hang"}]' "timed out"
	took=$(($(date +%s) - start))
	if [ "$took" -lt 30 ]; then
		ok "no answer ever: bounded by the time-out (${took}s)"
	else
		not_ok "no answer ever: took ${took}s"
	fi
else
	not_ok "the HTTP time-out can be shortened (EW_HTTP_TIMEOUT_MS is not read; the never-answer cases need it)"
fi

# --- the proxy saw what the client sent --------------------------------------
fl_reset
fl_rules '[]'
rm -rf .github
fl_run st apply --yes --no-color
total=$(fl_count "*")
if [ "$st" -eq 0 ] && [ "$total" -ge 7 ] && [ "$total" -le 13 ]; then
	ok "a fault-free first apply: $total requests through the proxy"
else
	not_ok "a fault-free first apply: exit $st, $total requests"
fi
exit $failed
