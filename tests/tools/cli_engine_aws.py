#!/usr/bin/env python3
"""cli_engine_aws.py - read and poke moto with botocore for the CLI tests
(tests/cli/apply_moto.sh, plan.sh, teardown_moto.sh).

Each subcommand talks to $EW_MOTO_URL with the fake keys and prints TAP-like
lines "ok - what" / "not ok - what" that the shell numbers, or does one
change "behind the wizard's back".

  reset                               fresh moto state
  check-setup OWNER/REPO ROLE POLICY REPO REGION [SUBS]
                                      every resource read back, field by field
                                      (SUBS: the expected sub values, comma
                                      separated; default repo:OWNER/REPO:*)
  check-gone ROLE POLICY REPO REGION  role, policy and repository are gone
  provider-exists yes|no              the GitHub provider is (not) there
  drift-trust ROLE                    another trust policy
  drift-policy POLICY                 another default policy version
  other-role NAME                     an untagged role trusting the provider
  delete-role NAME
  put-image REPO REGION               one image in the repository
  role-exists NAME yes|no
"""
import json
import os
import sys

import botocore.session

ACCOUNT = "123456789012"
PROVIDER = "arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com" % ACCOUNT
PUSH = {
    "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
}


def client(svc, region="us-east-1"):
    s = botocore.session.get_session()
    return s.create_client(
        svc, region_name=region, endpoint_url=os.environ["EW_MOTO_URL"],
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


failed = False


def check(cond, what):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failed = True


def tags_managed(tags):
    return any(t.get("Key") == "managed-by" and t.get("Value") == "ecr-wizard"
               for t in tags or [])


def as_list(v):
    return v if isinstance(v, list) else [v]


def check_setup(gh, role, policy, repo, region, subs=None):
    iam = client("iam")
    ecr = client("ecr", region)
    subs = subs.split(",") if subs else ["repo:%s:*" % gh]
    r = iam.get_role(RoleName=role)["Role"]
    doc = r["AssumeRolePolicyDocument"]
    if isinstance(doc, str):
        doc = json.loads(doc)
    got = []
    for st in doc["Statement"]:
        check(st["Principal"]["Federated"] == PROVIDER,
              "trust: principal is the GitHub provider")
        check(st["Action"] == "sts:AssumeRoleWithWebIdentity",
              "trust: action AssumeRoleWithWebIdentity")
        cond = st["Condition"]
        check(cond["StringEquals"]["token.actions.githubusercontent.com:aud"]
              == "sts.amazonaws.com", "trust: aud pinned with StringEquals")
        for op in ("StringEquals", "StringLike"):
            v = cond.get(op, {}).get("token.actions.githubusercontent.com:sub")
            if v is not None:
                for sub in as_list(v):
                    pattern = "*" in sub or "?" in sub
                    check(pattern == (op == "StringLike"),
                          "trust: %s under %s" % (sub, op))
                    got.append(sub)
        check(not any(k.startswith("ForAllValues") for k in cond),
              "trust: no ForAllValues")
    check(sorted(got) == sorted(subs),
          "trust: sub values %s (got %s)" % (subs, got))
    check(tags_managed(iam.list_role_tags(RoleName=role)["Tags"]),
          "role tagged managed-by=ecr-wizard")

    arn = "arn:aws:iam::%s:policy/%s" % (ACCOUNT, policy)
    p = iam.get_policy(PolicyArn=arn)["Policy"]
    check(tags_managed(iam.list_policy_tags(PolicyArn=arn)["Tags"]),
          "policy tagged managed-by=ecr-wizard")
    v = iam.get_policy_version(PolicyArn=arn,
                               VersionId=p["DefaultVersionId"])
    pd = v["PolicyVersion"]["Document"]
    if isinstance(pd, str):
        pd = json.loads(pd)
    sts = pd["Statement"]
    repo_arn = "arn:aws:ecr:%s:%s:repository/%s" % (region, ACCOUNT, repo)
    check(as_list(sts[0]["Action"]) == ["ecr:GetAuthorizationToken"]
          and sts[0]["Resource"] == "*",
          "policy: GetAuthorizationToken on *")
    check(set(as_list(sts[1]["Action"])) == PUSH,
          "policy: the seven push/pull actions")
    check(as_list(sts[1]["Resource"]) == [repo_arn],
          "policy: only on %s" % repo_arn)
    att = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    check(any(a["PolicyArn"] == arn for a in att), "policy attached to role")

    pr = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER)
    check("sts.amazonaws.com" in pr["ClientIDList"],
          "provider lists audience sts.amazonaws.com")
    check(tags_managed(pr.get("Tags")), "provider tagged")

    rp = ecr.describe_repositories(repositoryNames=[repo])["repositories"][0]
    check(rp["imageTagMutability"] == "MUTABLE", "repository MUTABLE")
    check(rp["imageScanningConfiguration"]["scanOnPush"] is True,
          "repository scanOnPush")
    check(rp["encryptionConfiguration"]["encryptionType"] == "AES256",
          "repository AES256")
    check(tags_managed(ecr.list_tags_for_resource(
        resourceArn=rp["repositoryArn"])["tags"]), "repository tagged")
    lc = json.loads(ecr.get_lifecycle_policy(
        repositoryName=repo)["lifecyclePolicyText"])
    rule = lc["rules"][0]
    check(rule["selection"] == {"tagStatus": "any",
                                "countType": "imageCountMoreThan",
                                "countNumber": 10}
          and rule["action"] == {"type": "expire"},
          "lifecycle keeps the last 10 images")


def exists(fn):
    try:
        fn()
        return True
    except Exception as e:  # botocore ClientError: NoSuchEntity etc.
        code = getattr(e, "response", {}).get("Error", {}).get("Code", "")
        if code in ("NoSuchEntity", "RepositoryNotFoundException"):
            return False
        raise


def main(argv):
    cmd = argv[1]
    if cmd == "reset":
        import urllib.request
        urllib.request.urlopen(urllib.request.Request(
            os.environ["EW_MOTO_URL"] + "/moto-api/reset", data=b"",
            method="POST"))
    elif cmd == "check-setup":
        check_setup(*argv[2:])
    elif cmd == "check-gone":
        role, policy, repo, region = argv[2:6]
        iam = client("iam")
        arn = "arn:aws:iam::%s:policy/%s" % (ACCOUNT, policy)
        check(not exists(lambda: iam.get_role(RoleName=role)),
              "role %s deleted" % role)
        check(not exists(lambda: iam.get_policy(PolicyArn=arn)),
              "policy %s deleted" % policy)
        check(not exists(lambda: client("ecr", region).describe_repositories(
            repositoryNames=[repo])), "repository %s deleted" % repo)
    elif cmd == "provider-exists":
        iam = client("iam")
        there = exists(lambda: iam.get_open_id_connect_provider(
            OpenIDConnectProviderArn=PROVIDER))
        check(there == (argv[2] == "yes"),
              "provider %s" % ("kept" if argv[2] == "yes" else "deleted"))
    elif cmd == "role-exists":
        iam = client("iam")
        there = exists(lambda: iam.get_role(RoleName=argv[2]))
        check(there == (argv[3] == "yes"),
              "role %s %s" % (argv[2], "exists" if argv[3] == "yes" else "gone"))
    elif cmd == "drift-trust":
        doc = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": PROVIDER},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {
                "token.actions.githubusercontent.com:sub": "repo:octo-org/*"}}}]}
        client("iam").update_assume_role_policy(
            RoleName=argv[2], PolicyDocument=json.dumps(doc))
    elif cmd == "drift-policy":
        doc = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}
        client("iam").create_policy_version(
            PolicyArn="arn:aws:iam::%s:policy/%s" % (ACCOUNT, argv[2]),
            PolicyDocument=json.dumps(doc), SetAsDefault=True)
    elif cmd == "other-role":
        doc = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": PROVIDER},
            "Action": "sts:AssumeRoleWithWebIdentity"}]}
        client("iam").create_role(RoleName=argv[2],
                                  AssumeRolePolicyDocument=json.dumps(doc))
    elif cmd == "delete-role":
        client("iam").delete_role(RoleName=argv[2])
    elif cmd == "put-image":
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                       "size": 2, "digest": "sha256:" + "a" * 64},
            "layers": []})
        client("ecr", argv[3]).put_image(repositoryName=argv[2],
                                         imageManifest=manifest,
                                         imageTag="v1")
    else:
        sys.exit("unknown subcommand " + cmd)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
