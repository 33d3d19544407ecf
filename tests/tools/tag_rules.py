#!/usr/bin/env python3
"""tag_rules.py - replay runs of each generated workflow and check its tags.

usage: tag_rules.py DIR     (DIR holds NAME.yml + NAME.json from test_documents)

For every workflow with a sidecar (the setup: default branch, tag
mutability, exclusion filters), a history of events is replayed: pushes to
the default branch and other branches, a re-run, two branches on one
commit, tag pushes and a release, pull requests with re-runs.  For each
event the workflow's `on:` decides whether it runs; each job (matrix
entries, `if:`, `needs:` order) then

  - runs the check step's shell script for real, with a stand-in `aws` that
    answers batch-get-image from the simulated repository;
  - evaluates the metadata-action step's `flavor:` and `tags:` lines by the
    rules of docker/metadata-action (encoded below and tested by the
    README cases in RULE_CASES; see docs/workflow.md);
  - pushes those tags if the build step's `if:` holds, into a simulated ECR
    repository that refuses to overwrite an immutable tag (by the
    repository's mutability and exclusion filters).

It asserts: no push is refused (re-runs and runs on one commit succeed);
`latest` comes only from a push to the default branch; in an IMMUTABLE
repository no tag is pushed by two runs of different commits; every run's
commit is findable afterwards by its own tag; MUTABLE runs push exactly the
tags the guide names.  Output is TAP.
"""
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

# ------------------------------------------------------------ expressions


def tokenize(s):
    toks = []
    i = 0
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
        elif c == "'":
            j = i + 1
            buf = ""
            while True:
                if s[j] == "'" and j + 1 < len(s) and s[j + 1] == "'":
                    buf += "'"
                    j += 2
                elif s[j] == "'":
                    break
                else:
                    buf += s[j]
                    j += 1
            toks.append(("str", buf))
            i = j + 1
        elif s.startswith(("==", "!=", "||", "&&"), i):
            toks.append(("op", s[i:i + 2]))
            i += 2
        elif c in "(),!":
            toks.append(("op", c))
            i += 1
        else:
            m = re.match(r"[A-Za-z_][A-Za-z0-9_.-]*", s[i:])
            if not m:
                raise ValueError("cannot read expression %r" % s)
            toks.append(("id", m.group(0)))
            i += len(m.group(0))
    return toks


class Expr:
    """GitHub's expression language, the part the workflows use:
    literals, context paths, ==, !=, &&, ||, !, startsWith().  Strings
    compare ignoring case, as GitHub does; || and && give an operand."""

    def __init__(self, text, ctx):
        self.t = tokenize(text)
        self.i = 0
        self.ctx = ctx

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def run(self):
        v = self.or_()
        if self.i != len(self.t):
            raise ValueError("trailing tokens in expression")
        return v

    def or_(self):
        v = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            w = self.and_()
            v = v if truthy(v) else w
        return v

    def and_(self):
        v = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            w = self.cmp()
            v = w if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            op = self.take()[1]
            w = self.unary()
            eq = str(v).lower() == str(w).lower()
            v = eq if op == "==" else not eq
        return v

    def unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        kind, val = self.take()
        if kind == "str":
            return val
        if kind == "op" and val == "(":
            v = self.or_()
            assert self.take() == ("op", ")")
            return v
        if kind == "id" and self.peek() == ("op", "("):
            self.take()
            args = [self.or_()]
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.or_())
            assert self.take() == ("op", ")")
            if val.lower() == "startswith":
                return str(args[0]).lower().startswith(str(args[1]).lower())
            raise ValueError("unknown function " + val)
        if kind == "id":
            if val in ("true", "false"):
                return val == "true"
            cur = self.ctx
            for part in val.split("."):
                cur = cur.get(part, "") if isinstance(cur, dict) else ""
            return cur
        raise ValueError("unexpected token %r" % (val,))


def truthy(v):
    return v not in ("", False, None, 0)


def as_text(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


def substitute(text, ctx):
    """Replace each ${{ expr }} in text by its value."""
    return re.sub(r"\$\{\{(.*?)\}\}",
                  lambda m: as_text(Expr(m.group(1), ctx).run()), text)


def condition(text, ctx):
    if text is None:
        return True
    text = str(text).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", text)
    return truthy(Expr(m.group(1) if m else text, ctx).run())

# ------------------------------------------------------- metadata-action


def sanitize(tag):
    # metadata-action: each run of characters a Docker tag may not hold
    # becomes '-'.
    return re.sub(r"[^a-zA-Z0-9._-]+", "-", tag)


def meta_tags(tags_input, flavor_input, run):
    """The tags docker/metadata-action computes for one run."""
    flavor = {"latest": "auto"}
    for line in (flavor_input or "").splitlines():
        line = line.strip()
        if line and "=" in line:
            k, v = line.split("=", 1)
            flavor[k.strip()] = v.strip()
    out = []
    latest_auto = False
    for line in (tags_input or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        attrs = {}
        for part in line.split(","):
            k, _, v = part.partition("=")
            attrs[k.strip()] = v.strip()
        if attrs.get("enable", "true").lower() != "true":
            continue
        kind = attrs.get("type", "raw")
        ref = run["ref"]
        val = None
        if kind == "raw":
            val = attrs.get("value", "")
        elif kind == "sha":
            sha = run["sha"]
            val = attrs.get("prefix", "sha-") + (
                sha if attrs.get("format") == "long" else sha[:7])
        elif kind == "ref":
            ev = attrs.get("event")
            if ev == "branch" and ref.startswith("refs/heads/"):
                val = sanitize(ref[len("refs/heads/"):])
            elif ev == "tag" and ref.startswith("refs/tags/"):
                val = sanitize(ref[len("refs/tags/"):])
                latest_auto = True  # latest=auto follows a tag entry
            elif ev == "pr" and run["event"] == "pull_request":
                val = attrs.get("prefix", "pr-") + str(run["pr"])
        else:
            raise ValueError("tag type %s is not modelled" % kind)
        if val:
            val = sanitize(val)
            if val not in out:
                out.append(val)
    latest = flavor["latest"]
    if (latest == "true" or (latest == "auto" and latest_auto)) and \
            "latest" not in out:
        out.append("latest")
    return out


# The rules above, checked against the tables of metadata-action's README.
RULE_CASES = [
    # (what, tags input, flavor, event, ref, expected tags)
    ("branch", "type=ref,event=branch", "", "push", "refs/heads/master",
     ["master"]),
    ("branch with '/'", "type=ref,event=branch", "", "push",
     "refs/heads/my/branch", ["my-branch"]),
    ("tag, latest=auto", "type=ref,event=tag", "", "push",
     "refs/tags/v1.2.3", ["v1.2.3", "latest"]),
    ("tag, latest=false", "type=ref,event=tag", "latest=false", "push",
     "refs/tags/v1.2.3", ["v1.2.3"]),
    ("branch, latest=auto adds nothing", "type=ref,event=branch", "",
     "push", "refs/heads/main", ["main"]),
    ("pull request", "type=ref,event=pr", "", "pull_request",
     "refs/pull/2/merge", ["pr-2"]),
    ("pull request on a branch push", "type=ref,event=pr", "", "push",
     "refs/heads/main", []),
    ("short sha", "type=sha", "", "push", "refs/heads/main",
     ["sha-860c190"]),
    ("long sha", "type=sha,format=long", "", "push", "refs/heads/main",
     ["sha-860c1904a1ce19322e91ac35af1ab07466440c37"]),
    ("raw disabled", "type=raw,value=latest,enable=false", "", "push",
     "refs/heads/main", []),
    ("raw enabled", "type=raw,value=latest,enable=true", "latest=false",
     "push", "refs/heads/main", ["latest"]),
    ("empty raw value", "type=raw,value=,enable=true", "", "push",
     "refs/heads/main", []),
]

# ---------------------------------------------------------- GitHub `on:`


def gh_filter_regex(f):
    """A GitHub branch/tag filter as a regex: '**' any run, '*' any run
    without '/', 'x?' optional x, 'x+' one or more x, '[...]' a class,
    '\\x' the character x."""
    out = ""
    i = 0
    while i < len(f):
        c = f[i]
        if f.startswith("**", i):
            out += ".*"
            i += 2
            continue
        if c == "*":
            out += "[^/]*"
        elif c in "?+":
            out += c
        elif c == "[":
            j = f.index("]", i)
            out += f[i:j + 1]
            i = j + 1
            continue
        elif c == "\\":
            out += re.escape(f[i + 1])
            i += 2
            continue
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + r"\Z")


def triggered(on, run):
    ev, ref = run["event"], run["ref"]
    if ev == "pull_request":
        return "pull_request" in on
    if ev == "release":
        return "release" in on
    push = on.get("push")
    if "push" not in on:
        return False
    push = push or {}
    if ref.startswith("refs/heads/"):
        key, name = "branches", ref[len("refs/heads/"):]
    else:
        key, name = "tags", ref[len("refs/tags/"):]
    if key not in push:
        # naming only the other kind of filter excludes this kind
        return not push
    return any(gh_filter_regex(f).match(name) for f in push[key])

# ------------------------------------------------------------ simulation

REPO = "octo-org/app"


class Refused(Exception):
    pass


class Registry:
    """One ECR repository: tag -> (commit, run id)."""

    def __init__(self, mutability, filters):
        self.mut = mutability
        self.filters = filters
        self.tags = {}
        self.log = []  # (tag, commit, run id)

    def immutable(self, tag):
        hit = any(fnmatch.fnmatchcase(tag, f) for f in self.filters)
        return {"MUTABLE": False, "IMMUTABLE": True,
                "IMMUTABLE_WITH_EXCLUSION": not hit,
                "MUTABLE_WITH_EXCLUSION": hit}[self.mut]

    def push(self, tags, commit, run_id):
        for t in tags:
            if t in self.tags and self.immutable(t):
                raise Refused("ImageTagAlreadyExistsException: tag '%s' "
                              "is immutable (pushed for %s, now for %s)"
                              % (t, self.tags[t][0][:7], commit[:7]))
        for t in tags:
            self.tags[t] = (commit, run_id)
            self.log.append((t, commit, run_id))


AWS_STUB = """#!/bin/sh
# batch-get-image --repository-name R --image-ids imageTag=T --query Q
tag=""
for a in "$@"; do
	case "$a" in imageTag=*) tag=${a#imageTag=} ;; esac
done
if grep -qxF "$tag" "$EW_REGISTRY_FILE"; then echo None; else echo ImageNotFound; fi
"""


def run_check(step, env_vars, registry, tmp):
    """Run the check step's script with bash as GitHub does; its outputs."""
    reg_file = os.path.join(tmp, "registry")
    with open(reg_file, "w") as f:
        f.write("".join(t + "\n" for t in registry.tags))
    out_file = os.path.join(tmp, "output")
    open(out_file, "w").close()
    env = dict(os.environ)
    env.update(env_vars)
    env.update({"GITHUB_OUTPUT": out_file, "EW_REGISTRY_FILE": reg_file,
                "PATH": tmp + os.pathsep + os.environ["PATH"]})
    r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                        "-c", step["run"]], env=env, capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise Refused("check step failed: " + r.stderr)
    outs = {}
    for line in open(out_file):
        k, _, v = line.rstrip("\n").partition("=")
        outs[k] = v
    return outs


def job_runs(job):
    inc = (job.get("strategy") or {}).get("matrix", {}).get("include")
    return inc if inc else [{}]


def replay(wf, setup, history, tmp):
    """Run the history; returns (pushes, problems)."""
    on = wf.get("on", wf.get(True))
    regs = {}
    pushes = []  # (run, tags)
    problems = []
    for run in history:
        if not triggered(on, run):
            continue
        for job_id, job in wf["jobs"].items():
            for matrix in job_runs(job):
                head = "someone-else/app" if run.get("fork") else REPO
                ctx = {"github": {"ref": run["ref"],
                                  "event_name": run["event"],
                                  "sha": run["sha"],
                                  "repository": REPO,
                                  "event": {"pull_request": {"head": {
                                      "repo": {"full_name": head}}}}
                                  if run["event"] == "pull_request" else {}},
                       "matrix": matrix, "secrets": {}, "steps": {}}
                if not condition(job.get("if"), ctx):
                    continue
                env = {k: as_text(substitute(str(v), ctx))
                       for k, v in (job.get("env") or {}).items()}
                ctx["env"] = env
                key = (env.get("AWS_REGION"), env.get("ECR_REPOSITORY"))
                reg = regs.setdefault(
                    key, Registry(setup["mutability"], setup["exclusions"]))
                name = "%s %s@%s job %s%s" % (
                    run["event"], run["ref"], run["sha"][:7], job_id,
                    " (%s)" % matrix["environment"] if matrix else "")
                try:
                    for step in job["steps"]:
                        if "configure-aws-credentials" in step.get("uses",
                                                                   "") \
                                and run.get("fork"):
                            raise Refused("a pull request from a fork gets "
                                          "no OIDC token: the AWS login "
                                          "fails")
                        if step.get("id") == "check":
                            gh = {"GITHUB_REF": run["ref"],
                                  "GITHUB_REF_NAME": run["ref"].split(
                                      "/", 2)[2],
                                  "GITHUB_SHA": run["sha"]}
                            gh.update(env)
                            ctx["steps"]["check"] = {"outputs": run_check(
                                step, gh, reg, tmp)}
                        elif "docker/metadata-action" in step.get("uses",
                                                                  ""):
                            w = step["with"]
                            tags = meta_tags(substitute(w.get("tags", ""),
                                                        ctx),
                                             substitute(w.get("flavor", ""),
                                                        ctx), run)
                        elif "docker/build-push-action" in step.get("uses",
                                                                    ""):
                            if condition(step.get("if"), ctx):
                                if not tags:
                                    # buildx: "tag is needed when
                                    # pushing to registry"
                                    raise Refused("the build pushes "
                                                  "with no tag")
                                reg.push(tags, run["sha"], run["id"])
                                pushes.append((run, name, key, tags))
                except Refused as e:
                    problems.append("%s: %s" % (name, e))
    return regs, pushes, problems


def history(default):
    def r(id_, event, ref, sha, pr=None):
        return {"id": id_, "event": event, "ref": ref,
                "sha": (sha * 40)[:40], "pr": pr}
    d = "refs/heads/" + default
    return [
        r(1, "push", d, "a1"),
        r(1, "push", d, "a1"),  # re-run of run 1
        r(2, "push", d, "b2"),
        r(3, "push", "refs/heads/release/1", "b2"),  # same commit as 2
        r(4, "push", "refs/heads/release/2", "c3"),
        r(5, "push", "refs/heads/develop", "d4"),
        r(6, "push", "refs/heads/hotfix-a", "e5"),
        r(7, "push", "refs/tags/v1.0.0", "b2"),  # tag on run 2's commit
        r(7, "push", "refs/tags/v1.0.0", "b2"),  # re-run
        r(8, "release", "refs/tags/v1.0.0", "b2"),
        r(9, "push", "refs/tags/release-1", "f6"),
        r(10, "pull_request", "refs/pull/7/merge", "07", 7),
        r(11, "pull_request", "refs/pull/7/merge", "17", 7),
        r(11, "pull_request", "refs/pull/7/merge", "17", 7),  # re-run
        r(12, "pull_request", "refs/pull/8/merge", "28", 8),
        dict(r(14, "pull_request", "refs/pull/9/merge", "39", 9), fork=True),
        r(13, "push", d, "c7"),
    ]


def own_tag(run):
    if run["ref"].startswith("refs/tags/"):
        return sanitize(run["ref"][len("refs/tags/"):])
    return "sha-" + run["sha"]


def check_workflow(path, setup, tmp):
    """Problems found in one workflow (empty: all good), and a summary."""
    wf = yaml.safe_load(open(path))
    default = setup["default_branch"]
    regs, pushes, problems = replay(wf, setup, history(default), tmp)
    mut = setup["mutability"]
    if not pushes:
        problems.append("no run pushed anything")
    for run, name, key, tags in pushes:
        on_default = (run["event"] == "push" and
                      run["ref"] == "refs/heads/" + default)
        if "latest" in tags and not on_default:
            problems.append("%s pushes latest" % name)
        if mut == "MUTABLE":
            want = {"sha-" + run["sha"][:7]}
            if on_default:
                want.add("latest")
            if run["ref"].startswith("refs/heads/"):
                want.add(sanitize(run["ref"][len("refs/heads/"):]))
            elif run["ref"].startswith("refs/tags/"):
                want.add(sanitize(run["ref"][len("refs/tags/"):]))
            else:
                want.add("pr-%d" % run["pr"])
            if set(tags) != want:
                problems.append("%s pushes %s, not %s" %
                                (name, sorted(tags), sorted(want)))
        elif mut == "IMMUTABLE" and tags != [own_tag(run)]:
            problems.append("%s pushes %s in an IMMUTABLE repository"
                            % (name, tags))
    if mut == "IMMUTABLE":
        for key, reg in regs.items():
            seen = {}
            for tag, commit, run_id in reg.log:
                if tag in seen and seen[tag] != commit:
                    problems.append("%s pushed for commits %s and %s" %
                                    (tag, seen[tag][:7], commit[:7]))
                seen[tag] = commit
    if mut != "MUTABLE":
        # Every run's image is findable by its own tag, on its commit.
        for run, name, key, tags in pushes:
            t = own_tag(run)
            got = regs[key].tags.get(t)
            if not got or got[0] != run["sha"]:
                problems.append("%s: its tag %s is not on its commit" %
                                (name, t))
    runs = len({(r["id"]) for r, _, _, _ in pushes})
    return problems, "%d runs, %d pushes" % (runs, len(pushes))


def main():
    d = sys.argv[1]
    n = 0
    bad = 0

    def tap(ok, what, detail=()):
        nonlocal n, bad
        n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
        for line in detail:
            print("#   " + line)
        if not ok:
            bad += 1

    for what, tags, flavor, ev, ref, want in RULE_CASES:
        run = {"event": ev, "ref": ref, "pr": 2,
               "sha": "860c1904a1ce19322e91ac35af1ab07466440c37"}
        got = meta_tags(tags, flavor, run)
        tap(got == want, "metadata-action rule: %s" % what,
            [] if got == want else ["got %s, want %s" % (got, want)])

    names = sorted(f[:-5] for f in os.listdir(d) if f.endswith(".json"))
    if not names:
        tap(False, "no workflows with a setup in %s (test_documents "
            "writes them)" % d)
    with tempfile.TemporaryDirectory() as tmp:
        stub = os.path.join(tmp, "aws")
        with open(stub, "w") as f:
            f.write(AWS_STUB)
        os.chmod(stub, 0o755)
        for name in names:
            setup = json.load(open(os.path.join(d, name + ".json")))
            problems, summary = check_workflow(
                os.path.join(d, name + ".yml"), setup, tmp)
            label = "%s (%s%s; %s)" % (
                name, setup["mutability"],
                " " + ",".join(setup["exclusions"])
                if setup["exclusions"] else "",
                ", ".join(setup["scopes"]) if not setup["envs"]
                else "envs " + ", ".join(setup["envs"]))
            tap(not problems, "tags of %s: %s" % (label, summary), problems)
    print("# tag rules: %d workflows replayed, %d failed" %
          (len(names), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
