#!/usr/bin/env python3
"""sharing_aws.py - reads and changes in moto for tests/cli/sharing_moto.sh.

Each subcommand prints one value (sorted, comma separated lists) so the
shell compares it with what it expects.

  trust-subs ROLE              the sub values of the role's trust policy
  policy-resources POLICY      the repository ARNs of the default version
  policy-versions POLICY       the version ids, default marked with '*'
  adopted-repo NAME REGION     an untagged repository with a keep-30 policy
  lifecycle-count NAME REGION  countNumber of its lifecycle policy, or none
  role-exists NAME             yes or no
  foreign-policy NAME          an untagged policy granting ecr:* on *
  bare-repo NAME REGION        an untagged repository, no lifecycle policy
  repo-exists NAME REGION      yes or no
  tty OUT DIR ANSWERS CMD...   run CMD in DIR on a pseudo-terminal, answer
                               each question ("[s/n/Q]", "[y/N]") with the
                               next comma separated answer; the output goes
                               to OUT, the exit status is ours
"""
import json
import os
import sys

import botocore.session

ACCOUNT = "123456789012"


def client(svc, region="us-east-1"):
    s = botocore.session.get_session()
    return s.create_client(
        svc, region_name=region, endpoint_url=os.environ["EW_MOTO_URL"],
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def as_list(v):
    return v if isinstance(v, list) else [v]


def doc(d):
    return json.loads(d) if isinstance(d, str) else d


def policy_arn(name):
    return "arn:aws:iam::%s:policy/%s" % (ACCOUNT, name)


def on_tty(out, cwd, answers, cmd):
    import pty
    import select
    answers = [a for a in answers.split(",") if a]
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execv(cmd[0], cmd)
    seen = b""
    while True:
        r, _, _ = select.select([fd], [], [], 30)
        if not r:
            break
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
        tail = seen[-200:]
        if (tail.rstrip().endswith(b"[s/n/Q]") or
                tail.rstrip().endswith(b"[y/N]")):
            # Out of answers: the default (no, stop).
            a = answers.pop(0) if answers else ""
            os.write(fd, (a + "\n").encode())
            seen += b"<answered %s>" % a.encode()
    if not r:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    with open(out, "wb") as f:
        f.write(seen)
    return os.waitstatus_to_exitcode(status)


def main(argv):
    cmd = argv[1]
    if cmd == "tty":
        return on_tty(argv[2], argv[3], argv[4], argv[5:])
    iam = client("iam")
    if cmd == "trust-subs":
        d = doc(iam.get_role(RoleName=argv[2])["Role"]["AssumeRolePolicyDocument"])
        subs = []
        for st in as_list(d["Statement"]):
            for op in st.get("Condition", {}).values():
                for k, v in op.items():
                    if k.endswith(":sub"):
                        subs += as_list(v)
        print(",".join(sorted(subs)))
    elif cmd == "policy-resources":
        arn = policy_arn(argv[2])
        vid = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        d = doc(iam.get_policy_version(PolicyArn=arn, VersionId=vid)["PolicyVersion"]["Document"])
        res = set()
        for st in as_list(d["Statement"]):
            for r in as_list(st.get("Resource", [])):
                if ":repository/" in r:
                    res.add(r)
        print(",".join(sorted(res)))
    elif cmd == "policy-versions":
        vs = iam.list_policy_versions(PolicyArn=policy_arn(argv[2]))["Versions"]
        print(",".join(sorted(v["VersionId"] + ("*" if v["IsDefaultVersion"] else "") for v in vs)))
    elif cmd == "foreign-policy":
        iam.create_policy(PolicyName=argv[2], PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}))
    elif cmd == "bare-repo":
        client("ecr", argv[3]).create_repository(repositoryName=argv[2])
    elif cmd == "repo-exists":
        try:
            client("ecr", argv[3]).describe_repositories(repositoryNames=[argv[2]])
            print("yes")
        except Exception:
            print("no")
    elif cmd == "adopted-repo":
        ecr = client("ecr", argv[3])
        ecr.create_repository(repositoryName=argv[2])
        ecr.put_lifecycle_policy(repositoryName=argv[2], lifecyclePolicyText=json.dumps({
            "rules": [{"rulePriority": 1, "description": "Keep the last 30 images",
                       "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                     "countNumber": 30},
                       "action": {"type": "expire"}}]}))
    elif cmd == "lifecycle-count":
        ecr = client("ecr", argv[3])
        try:
            t = ecr.get_lifecycle_policy(repositoryName=argv[2])["lifecyclePolicyText"]
            print(json.loads(t)["rules"][0]["selection"]["countNumber"])
        except Exception as e:  # LifecyclePolicyNotFoundException
            print("none" if "NotFound" in str(e) else "error: %s" % e)
    elif cmd == "role-exists":
        try:
            iam.get_role(RoleName=argv[2])
            print("yes")
        except Exception:
            print("no")
    else:
        sys.exit("unknown subcommand " + cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
