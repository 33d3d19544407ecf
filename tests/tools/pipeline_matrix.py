#!/usr/bin/env python3
"""pipeline_matrix.py - judge one applied setup with an independent IAM
evaluator (tests/cli/pipeline_matrix_moto.sh).

  pipeline_matrix.py LABEL WORKFLOW APPLY_JSON OWNER/REPO NODE_HELPER PKG_DIR

Reads the written workflow with PyYAML and enumerates its runs the way
GitHub would start them (event, ref, environment): push to each branch or
tag filter (a wildcard filter stands for sample names it matches), a
release (any tag), pull_request, workflow_dispatch/schedule (the default
branch), a job's `environment:` (matrix values expanded) replacing the
ref in the token's subject.  For each run it builds the token GitHub mints
(sub repo:OWNER/REPO:CONTEXT, aud the action's `audience` or
sts.amazonaws.com), reads the trust policy of the role the run assumes
(the AWS_ROLE_ARN secret of its environment, from apply's JSON) back from
moto, and asks @cloud-copilot/iam-simulate's authorize() through
NODE_HELPER.  Every run must be allowed; the same token for a lookalike
repository, another owner, another owner casing, and a wrong audience
must be refused.  Prints "ok - ..." / "not ok - ..." lines.
"""
import json
import os
import re
import subprocess
import sys

import botocore.session
import yaml

ACCOUNT = "123456789012"
PROVIDER = ("arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com"
            % ACCOUNT)
DEFAULT_AUD = "sts.amazonaws.com"
DEFAULT_BRANCH = "main"

failed = False


def check(cond, what):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failed = True


def samples(pattern):
    """Concrete names a GitHub branch/tag filter matches."""
    if pattern.startswith("!"):
        return []
    if not re.search(r"[*?\[+]", pattern):
        return [pattern]
    out = []
    for fill in ("x1", "1.2.3"):
        s = pattern.replace("**", "a/" + fill).replace("*", fill)
        s = re.sub(r"\[[^\]]*\]", "a", s).replace("?", "z").replace("+", "")
        out.append(s)
    return sorted(set(out))


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def event_contexts(on):
    """[(what, context)] for every way the workflow starts."""
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = {e: None for e in on}
    runs = []
    for event, cfg in (on or {}).items():
        cfg = cfg or {}
        if event == "workflow_call":
            continue
        if event == "push":
            br, tg = cfg.get("branches"), cfg.get("tags")
            bri, tgi = cfg.get("branches-ignore"), cfg.get("tags-ignore")
            if not any((br, tg, bri, tgi)):
                br, tg = ["main", "feature/x"], ["v1.0.0"]
            if bri:
                br = ["other-branch"]
            if tgi:
                tg = ["other-tag"]
            for b in as_list(br):
                for name in samples(str(b)):
                    runs.append(("push to " + name, "ref:refs/heads/" + name))
            for t in as_list(tg):
                for name in samples(str(t)):
                    runs.append(("push of tag " + name,
                                 "ref:refs/tags/" + name))
        elif event == "release":
            # A release can be published for any tag name.
            for name in ("v1.0.0", "2026.12"):
                runs.append(("release " + name, "ref:refs/tags/" + name))
        elif event in ("pull_request", "pull_request_target"):
            runs.append((event, "pull_request"))
        else:
            runs.append((event + " on " + DEFAULT_BRANCH,
                         "ref:refs/heads/" + DEFAULT_BRANCH))
    return runs


def job_envs(job):
    """The environment names a job runs in ([None] for none)."""
    env = job.get("environment")
    if isinstance(env, dict):
        env = env.get("name")
    if env is None:
        return [None]
    env = str(env)
    m = re.fullmatch(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}", env)
    if not m:
        return [env]
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    key = m.group(1)
    names = [str(v) for v in as_list(matrix.get(key))]
    names += [str(i[key]) for i in as_list(matrix.get("include"))
              if isinstance(i, dict) and key in i]
    return names


def aws_jobs(doc):
    for name, job in (doc.get("jobs") or {}).items():
        for step in job.get("steps") or []:
            uses = str(step.get("uses", ""))
            if uses.startswith("aws-actions/configure-aws-credentials@"):
                aud = (step.get("with") or {}).get("audience", DEFAULT_AUD)
                yield name, job, str(aud)
                break


def trust_of(role_arn, cache):
    if role_arn not in cache:
        s = botocore.session.get_session()
        iam = s.create_client(
            "iam", region_name="us-east-1",
            endpoint_url=os.environ["EW_MOTO_URL"],
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        doc = iam.get_role(RoleName=role_arn.split("/")[-1])["Role"][
            "AssumeRolePolicyDocument"]
        if isinstance(doc, str):
            from urllib.parse import unquote
            doc = json.loads(unquote(doc))
        cache[role_arn] = doc
    return cache[role_arn]


def main(argv):
    label, wf_path, apply_json, github, helper, pkg = argv[1:7]
    with open(wf_path) as f:
        doc = yaml.safe_load(f)
    with open(apply_json) as f:
        applied = json.load(f)
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    on = doc.get("on", doc.get(True))
    roles = {s["environment"]: s["value"] for s in applied.get("secrets", [])
             if s["name"] == "AWS_ROLE_ARN"}
    owner, repo = github.split("/")
    cache = {}
    queries, expect = [], {}
    runs = []
    for job_name, job, aud in aws_jobs(doc):
        for env in job_envs(job):
            for what, ctx in event_contexts(on):
                if env is not None:
                    ctx = "environment:" + env.replace(":", "%3A")
                    what = "%s in environment %s" % (what, env)
                runs.append((job_name, env, what, ctx, aud))
    check(len(runs) > 0, "%s: the workflow has runs that use AWS" % label)
    seen = set()
    for i, (job_name, env, what, ctx, aud) in enumerate(runs):
        # GitHub resolves secrets.AWS_ROLE_ARN in a job with an environment
        # to the environment's secret when it has one, else the repository's.
        role = roles.get(env, roles.get(None))
        rid = "run%d" % i
        desc = "%s: job %s, %s: token sub repo:%s:%s admitted" % (
            label, job_name, what, github, ctx)
        if role is None:
            check(False, desc + " (no AWS_ROLE_ARN for environment %s)"
                  % env)
            continue
        trust = trust_of(role, cache)
        base = {"trust": trust, "provider": PROVIDER, "role": role}
        queries.append(dict(base, id=rid, sub="repo:%s:%s" % (github, ctx),
                            aud=aud))
        expect[rid] = (True, desc)
        if (role, ctx) in seen:
            continue
        seen.add((role, ctx))
        for n, (sub, a, why) in enumerate((
                ("repo:%s/%s-evil:%s" % (owner, repo, ctx), aud,
                 "lookalike repository %s/%s-evil" % (owner, repo)),
                ("repo:evil-%s/%s:%s" % (owner, repo, ctx), aud,
                 "another owner evil-%s" % owner),
                ("repo:%s/%s:%s" % (owner.upper(), repo, ctx), aud,
                 "owner in another case %s" % owner.upper()),
                ("repo:%s:%s" % (github, ctx), "sts.example.com",
                 "wrong audience sts.example.com"))):
            nid = "%s-neg%d" % (rid, n)
            queries.append(dict(base, id=nid, sub=sub, aud=a))
            expect[nid] = (False, "%s: %s (%s) refused" % (label, why, ctx))
    if queries:
        p = subprocess.run(["node", helper, pkg],
                           input=json.dumps({"queries": queries}),
                           capture_output=True, text=True)
        answers = {}
        for line in p.stdout.splitlines():
            qid, _, res = line.partition(" ")
            answers[qid] = res
        check(p.returncode == 0 and len(answers) == len(queries),
              "%s: iam-simulate answered every query%s" % (
                  label, "" if p.returncode == 0 else ": " + p.stderr.strip()
                  + p.stdout.strip()))
        allowed_all = True
        for qid, (want, desc) in expect.items():
            got = answers.get(qid, "no answer")
            if want:
                allowed_all = allowed_all and got == "Allowed"
            check((got == "Allowed") == want,
                  desc + ("" if (got == "Allowed") == want
                          else " [iam-simulate: %s]" % got))
        pl = applied.get("pipeline")
        if pl:
            ours = all(r["admitted"] for r in pl)
            check(ours == allowed_all,
                  "%s: ecr-wizard's pipeline check (%s) agrees with "
                  "iam-simulate (%s)" % (
                      label, "all admitted" if ours else "refusals",
                      "all admitted" if allowed_all else "refusals"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
