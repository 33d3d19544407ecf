#!/usr/bin/env python3
"""aws_state.py - what an account holds, as one normalised JSON document,
read from moto ($EW_MOTO_URL) with botocore.  Used by
tests/cli/plan_script_moto.sh to compare the state the plan's aws CLI script
leaves with the state `ecr-wizard apply` leaves.

  aws_state.py reset                      fresh moto state
  aws_state.py dump IAM_REGION REGION...  the state, on stdout
  aws_state.py diff A.json B.json         exit 1 and print the differences
  aws_state.py drift ROLE POLICY REPO REGION
                                          change the setup behind ecr-wizard's
                                          back, within the same repository: a
                                          narrower trust, fewer push actions
                                          (in a policy at five versions),
                                          another lifecycle policy (not the
                                          provider's audiences: moto implements
                                          neither Add- nor RemoveClientID...)

The dump has every IAM role (trust document, description, path, maximum
session, tags, attached and inline policies), every customer managed policy
(default document, description, path, tags, number of versions), every OIDC
provider (URL, audiences, thumbprints, tags) and, per region, every ECR
repository (tag mutability and its exclusion filters, scan on push,
encryption, tags, lifecycle policy, repository policy).  Documents are
parsed, so whitespace does not count; lists whose order carries no meaning
are sorted; dates, generated IDs and URIs that embed nothing we set are
dropped.
"""
import json
import os
import sys
import urllib.request

import botocore.session
from botocore.exceptions import ClientError

KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def client(svc, region):
    s = botocore.session.get_session()
    return s.create_client(svc, region_name=region,
                           endpoint_url=os.environ["EW_MOTO_URL"],
                           aws_access_key_id=KEY_ID,
                           aws_secret_access_key=SECRET)


def doc(v):
    """A policy document: botocore decodes IAM's, ECR's are strings."""
    if isinstance(v, str):
        return json.loads(v)
    return v


def tags(lst):
    return sorted((t["Key"], t["Value"]) for t in lst or [])


def iam_state(region):
    iam = client("iam", region)
    roles = {}
    for page in iam.get_paginator("list_roles").paginate():
        for r in page["Roles"]:
            name = r["RoleName"]
            g = iam.get_role(RoleName=name)["Role"]
            att = iam.list_attached_role_policies(RoleName=name)
            inline = iam.list_role_policies(RoleName=name)
            roles[name] = {
                "arn": g["Arn"],
                "path": g.get("Path"),
                "trust": doc(g.get("AssumeRolePolicyDocument")),
                "description": g.get("Description"),
                "max_session": g.get("MaxSessionDuration"),
                "permissions_boundary": g.get("PermissionsBoundary"),
                "tags": tags(iam.list_role_tags(RoleName=name)["Tags"]),
                "attached": sorted(p["PolicyArn"]
                                   for p in att["AttachedPolicies"]),
                "inline": sorted(inline["PolicyNames"]),
            }
    policies = {}
    for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
        for p in page["Policies"]:
            g = iam.get_policy(PolicyArn=p["Arn"])["Policy"]
            v = iam.get_policy_version(PolicyArn=p["Arn"],
                                       VersionId=g["DefaultVersionId"])
            versions = iam.list_policy_versions(PolicyArn=p["Arn"])
            policies[g["PolicyName"]] = {
                "arn": g["Arn"],
                "path": g.get("Path"),
                "description": g.get("Description"),
                "document": doc(v["PolicyVersion"]["Document"]),
                "versions": len(versions["Versions"]),
                "attachments": g.get("AttachmentCount"),
                "tags": tags(iam.list_policy_tags(PolicyArn=p["Arn"])["Tags"]),
            }
    providers = {}
    for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        g = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=p["Arn"])
        providers[p["Arn"]] = {
            "url": g.get("Url"),
            "audiences": sorted(g.get("ClientIDList", [])),
            "thumbprints": sorted(g.get("ThumbprintList", [])),
            "tags": tags(g.get("Tags")),
        }
    return {"roles": roles, "policies": policies, "providers": providers}


def ecr_state(region):
    ecr = client("ecr", region)
    repos = {}
    for page in ecr.get_paginator("describe_repositories").paginate():
        for r in page["repositories"]:
            name = r["repositoryName"]
            try:
                lc = doc(ecr.get_lifecycle_policy(
                    repositoryName=name)["lifecyclePolicyText"])
            except ClientError as e:
                if e.response["Error"]["Code"] != \
                        "LifecyclePolicyNotFoundException":
                    raise
                lc = None
            try:
                rp = doc(ecr.get_repository_policy(
                    repositoryName=name)["policyText"])
            except ClientError as e:
                if e.response["Error"]["Code"] != \
                        "RepositoryPolicyNotFoundException":
                    raise
                rp = None
            excl = r.get("imageTagMutabilityExclusionFilters") or []
            repos[name] = {
                "arn": r["repositoryArn"],
                "tag_mutability": r.get("imageTagMutability"),
                "exclusions": sorted((f["filterType"], f["filter"])
                                     for f in excl),
                "scan_on_push": r.get("imageScanningConfiguration",
                                      {}).get("scanOnPush"),
                "encryption": r.get("encryptionConfiguration"),
                "tags": tags(ecr.list_tags_for_resource(
                    resourceArn=r["repositoryArn"])["tags"]),
                "lifecycle": lc,
                "policy": rp,
            }
    return repos


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "reset":
        urllib.request.urlopen(urllib.request.Request(
            os.environ["EW_MOTO_URL"] + "/moto-api/reset", data=b"",
            method="POST"), timeout=10).read()
        return 0
    if cmd == "dump" and len(argv) >= 4:
        state = iam_state(argv[2])
        state["ecr"] = {r: ecr_state(r) for r in sorted(set(argv[3:]))}
        json.dump(state, sys.stdout, indent=1, sort_keys=True, default=str)
        print()
        return 0
    if cmd == "drift" and len(argv) == 6:
        drift(*argv[2:6])
        return 0
    if cmd == "diff" and len(argv) == 4:
        a, b = (json.load(open(f)) for f in argv[2:4])
        out = []
        walk(a, b, "", out)
        for line in out:
            print(line)
        return 1 if out else 0
    print(__doc__, file=sys.stderr)
    return 2


def drift(role, policy, repo, region):
    iam = client("iam", "us-east-1")
    account = iam.get_role(RoleName=role)["Role"]["Arn"].split(":")[4]
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    for st in trust["Statement"]:
        st["Condition"].pop("StringLike", None)
        st["Condition"].setdefault("StringEquals", {})[
            "token.actions.githubusercontent.com:sub"] = \
            "repo:octo-org/app:ref:refs/heads/main"
    iam.update_assume_role_policy(RoleName=role,
                                  PolicyDocument=json.dumps(trust))
    arn = "arn:aws:iam::%s:policy/%s" % (account, policy)
    v = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    doc = iam.get_policy_version(PolicyArn=arn,
                                 VersionId=v)["PolicyVersion"]["Document"]
    for st in doc["Statement"]:
        if isinstance(st["Action"], list):
            st["Action"] = st["Action"][:2]
    # Up to IAM's five versions, so the repair has to make room first.
    while len(iam.list_policy_versions(PolicyArn=arn)["Versions"]) < 5:
        iam.create_policy_version(PolicyArn=arn,
                                  PolicyDocument=json.dumps(doc),
                                  SetAsDefault=True)
    client("ecr", region).put_lifecycle_policy(
        repositoryName=repo, lifecyclePolicyText=json.dumps({"rules": [{
            "rulePriority": 1, "description": "keep 30",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                          "countNumber": 30},
            "action": {"type": "expire"}}]}))


def walk(a, b, path, out):
    """Every place where a and b differ, one line each."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append("%s/%s: only in the second" % (path, k))
            elif k not in b:
                out.append("%s/%s: only in the first" % (path, k))
            else:
                walk(a[k], b[k], "%s/%s" % (path, k), out)
    elif a != b:
        out.append("%s: %s != %s" % (path or "/", json.dumps(a),
                                    json.dumps(b)))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
