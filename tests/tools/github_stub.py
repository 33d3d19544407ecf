#!/usr/bin/env python3
"""github_stub.py - a stand-in for the GitHub REST API on 127.0.0.1.

Serves canned answers for the calls core/github_api.c makes, so tests never
reach the internet.  Prints the port it listens on (one line) on stdout,
then serves until killed; it also exits by itself when its parent dies or
after --lifetime seconds, so a crashed test leaves nothing behind.

Requests must carry the headers GitHub wants (Accept, X-GitHub-Api-Version,
User-Agent); without them the answer is 400 naming what is missing.  A
bearer token other than GOOD_TOKEN gets 401 "Bad credentials", like GitHub.

  /repos/octo-org/public-repo          200 (ids 123456 / 456789)
  /repos/octo-org/private-repo         200 with GOOD_TOKEN, else 404
  /repos/octo-org/old-name             301 to /repositories/456789
  /repositories/456789                 200 (public-repo)
  /repos/octo-org/elsewhere            301 to another host
  /repos/octo-org/limited              403 rate limit, Retry-After 42
  /repos/octo-org/broken               500
  /repos/octo-org/not-json             200 with a body that is not JSON
  /repos/octo-org/no-ids               200 JSON without id
  /repos/octo-org/hang                 never answers (sleeps)
  /repos/OCTO-ORG/Widgets (any casing)  200, full_name octo-org/widgets:
                                       GitHub's casing differs from the ask
  /repos/octo-org/<name> for the template cases below: 200 (ids 123456 /
      456800 + n), so the wizard reads the template after the IDs
  /repos/O/R/actions/oidc/customization/sub
      public-repo, widgets: use_default true; custom-repo:
      repo, context, job_workflow_ref; ids-first: repository_owner_id,
      repository_id, context; env-template: repo, environment;
      actor-first: actor, repo; owner-only: repository_owner;
      org-template: use_default false without keys (the organization's
      template applies); tmpl-404: 404 (no customisation); tmpl-500: 500;
      private-repo: as the repository (token needed)
  /orgs/octo-org/actions/oidc/customization/sub
                                       200 repo, context, event_name
  /orgs/lone-user/...                  404 (a user: no template)
  /orgs/locked-org/...                 403 (the token lacks read:org)
  /repos/lone-user/<any>, /repos/locked-org/<any>
                                       200; template use_default false
  anything else                        404
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD_TOKEN = "stub-good-token-0123456789"
NOT_FOUND = {"message": "Not Found",
             "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository",
             "status": "404"}


# Template cases: name -> the repository's customization answer (None: 404,
# an int: that status).
TEMPLATES = {
    "public-repo": {"use_default": True},
    "widgets": {"use_default": True},
    "custom-repo": {"use_default": False, "include_claim_keys":
                    ["repo", "context", "job_workflow_ref"]},
    "ids-first": {"use_default": False, "include_claim_keys":
                  ["repository_owner_id", "repository_id", "context"]},
    "env-template": {"use_default": False, "include_claim_keys":
                     ["repo", "environment"]},
    "actor-first": {"use_default": False, "include_claim_keys":
                    ["actor", "repo"]},
    "owner-only": {"use_default": False, "include_claim_keys":
                   ["repository_owner"]},
    "org-template": {"use_default": False},
    "tmpl-404": None,
    "tmpl-500": 500,
}
ORG_TEMPLATE = {"include_claim_keys": ["repo", "context", "event_name"]}


def repo_json(name, private, base, owner="octo-org"):
    rid = 456789 if name == "public-repo" else 456790
    if name in TEMPLATES and name not in ("public-repo", "widgets"):
        rid = 456800 + sorted(TEMPLATES).index(name)
    return {
        "id": rid,
        "node_id": "R_kgDOAAAAAA",
        "name": name,
        "full_name": owner + "/" + name,
        "private": private,
        "visibility": "private" if private else "public",
        "owner": {"login": owner, "id": 123456 if owner == "octo-org"
                  else 654321,
                  "type": "Organization" if owner == "octo-org" else "User"},
        "html_url": "https://github.com/" + owner + "/" + name,
        "url": base + "/repos/" + owner + "/" + name,
        "default_branch": "trunk" if private else "main",
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: tests read stdout
        pass

    def send_json(self, status, doc, extra=None, raw=None):
        body = raw if raw is not None else json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        missing = [h for h, want in (
            ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", "2022-11-28"))
            if self.headers.get(h) != want]
        if not (self.headers.get("User-Agent") or "").startswith("ecr-wizard"):
            missing.append("User-Agent")
        if missing:
            return self.send_json(400, {"message": "missing or wrong header: "
                                        + ", ".join(missing)})
        auth = self.headers.get("Authorization")
        authed = auth == "Bearer " + GOOD_TOKEN
        if auth is not None and not authed:
            return self.send_json(401, {"message": "Bad credentials",
                                        "status": "401"})
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        if parts[:1] == ["repositories"] and parts[1:] == ["456789"]:
            return self.send_json(200, repo_json("public-repo", False, base))
        if parts[:1] == ["orgs"] and parts[2:] == ["actions", "oidc",
                                                   "customization", "sub"]:
            if parts[1] == "octo-org":
                return self.send_json(200, ORG_TEMPLATE)
            if parts[1] == "locked-org":
                return self.send_json(403, {"message": "Resource not "
                                            "accessible by integration"})
            return self.send_json(404, {"message": "No Actions OIDC custom "
                                        "sub claim template found for the "
                                        "organization " + parts[1]})
        # GitHub answers for any casing of the names, with its own in
        # full_name: the OIDC sub uses that one.
        if (len(parts) >= 3 and parts[0] == "repos"
                and parts[1].lower() == "octo-org"
                and parts[2].lower() == "widgets"):
            if parts[3:] == ["actions", "oidc", "customization", "sub"]:
                return self.sub_template("widgets", authed)
            if not parts[3:]:
                return self.send_json(200, repo_json("widgets", False, base))
        if (parts[:1] == ["repos"] and len(parts) >= 3
                and parts[1] in ("lone-user", "locked-org")):
            if parts[3:] == ["actions", "oidc", "customization", "sub"]:
                return self.send_json(200, {"use_default": False})
            if not parts[3:]:
                return self.send_json(200, repo_json(parts[2], False, base,
                                                     parts[1]))
        if len(parts) < 3 or parts[:2] != ["repos", "octo-org"]:
            return self.send_json(404, NOT_FOUND)
        name, rest = parts[2], parts[3:]
        if rest == ["actions", "oidc", "customization", "sub"]:
            return self.sub_template(name, authed)
        if rest:
            return self.send_json(404, NOT_FOUND)
        if name == "public-repo" or name in TEMPLATES:
            return self.send_json(200, repo_json(name, False, base))
        if name == "private-repo" and authed:
            return self.send_json(200, repo_json(name, True, base))
        if name == "old-name":
            return self.send_json(301, {"message": "Moved Permanently",
                                        "url": base + "/repositories/456789"},
                                  {"Location": base + "/repositories/456789"})
        if name == "elsewhere":
            return self.send_json(301, {"message": "Moved Permanently",
                                        "url": "http://198.51.100.7/x"})
        if name == "limited":
            return self.send_json(403, {
                "message": "API rate limit exceeded for 127.0.0.1. (But "
                "here's the good news: Authenticated requests get a higher "
                "rate limit.)"}, {"Retry-After": "42",
                                  "X-RateLimit-Remaining": "0"})
        if name == "broken":
            return self.send_json(500, {"message": "Server Error"})
        if name == "not-json":
            return self.send_json(200, None, raw=b"<html>oops</html>")
        if name == "no-ids":
            return self.send_json(200, {"name": "no-ids"})
        if name == "hang":
            time.sleep(60)
            return self.send_json(200, repo_json("public-repo", False, base))
        return self.send_json(404, NOT_FOUND)

    def sub_template(self, name, authed):
        if name in TEMPLATES:
            t = TEMPLATES[name]
            if t is None:
                return self.send_json(404, NOT_FOUND)
            if isinstance(t, int):
                return self.send_json(t, {"message": "Server Error"})
            return self.send_json(200, t)
        if name == "private-repo" and authed:
            return self.send_json(200, {"use_default": True})
        return self.send_json(404, NOT_FOUND)


def watchdog(parent, lifetime):
    end = time.time() + lifetime
    while time.time() < end and os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=300)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=watchdog, args=(os.getppid(), args.lifetime),
                     daemon=True).start()
    sys.stdout.write("%d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
