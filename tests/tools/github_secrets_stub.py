#!/usr/bin/env python3
"""github_secrets_stub.py - a stand-in for GitHub's Actions secrets API.

Serves, on 127.0.0.1, what `apply --set-secrets`, `teardown
--delete-secrets` and `doctor` call (core/github_secrets.c), and holds a
real libsodium key pair per scope (the repository, each environment): every
PUT's encrypted_value is opened with crypto_box_seal_open through ctypes on
the system libsodium (no PyNaCl needed), so a value sealed wrongly, or to
another scope's key, is refused with 422 like GitHub would.

It records, in the --record JSON file after every request:
  "secrets":   {"repo": {NAME: plaintext}, "env:NAME": {...}}
  "auth":      every Authorization header it saw, in order
  "requests":  "METHOD /path" of every request, in order (any path, so a
               test can point AWS endpoints here to see nothing was sent)
  "environments": names, in creation order
The organization shares one secret, ORG_SHARED, with every repository.

Prints its port on stdout, then serves until killed (or its parent dies,
or --lifetime seconds pass).  GOOD_TOKEN is the only token accepted (else
401).  Repositories under octo-org:
  app            normal; environment "staging" exists from the start
  no-perm        403 "Resource not accessible..." with
                 X-Accepted-GitHub-Permissions: secrets=write
  invalid        PUT of a secret: 422 Validation Failed
  limited        the first request of each kind: 403 rate limit with
                 x-ratelimit-remaining 0 and x-ratelimit-reset now+1
  retry-after    the first request: 429 with Retry-After: 1
  long-limit     always 403, x-ratelimit-remaining 0, reset in an hour
  anything else  404
"""
import argparse
import base64
import ctypes
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD_TOKEN = "ghs_stubTOKENsecret0123456789abcdef"
NOT_FOUND = {"message": "Not Found",
             "documentation_url": "https://docs.github.com/rest",
             "status": "404"}
REPOS = ("app", "no-perm", "invalid", "limited", "retry-after", "long-limit")

sodium = ctypes.CDLL("libsodium.so.23")
if sodium.sodium_init() < 0:
    raise SystemExit("libsodium failed to start")
PK, SK, SEAL = 32, 32, 48  # crypto_box_PUBLICKEYBYTES, SECRETKEYBYTES, SEALBYTES


def keypair():
    pk = ctypes.create_string_buffer(PK)
    sk = ctypes.create_string_buffer(SK)
    sodium.crypto_box_keypair(pk, sk)
    return pk.raw, sk.raw


def seal_open(box, pk, sk):
    if len(box) < SEAL:
        return None
    m = ctypes.create_string_buffer(len(box) - SEAL)
    if sodium.crypto_box_seal_open(m, box, ctypes.c_ulonglong(len(box)),
                                   pk, sk) != 0:
        return None
    return m.raw


class State:
    def __init__(self, record):
        self.lock = threading.Lock()
        self.record = record
        self.keys = {}  # scope -> (key_id, pk, sk)
        self.secrets = {}  # scope -> {name: value}
        self.envs = {"staging"}
        self.created = []
        self.auth = []
        self.requests = []
        self.tripped = set()  # (repo, method) already rate-limited once

    def key(self, scope):
        if scope not in self.keys:
            pk, sk = keypair()
            self.keys[scope] = ("kid-%d" % (len(self.keys) + 1), pk, sk)
        return self.keys[scope]

    def save(self):
        if not self.record:
            return
        doc = {"secrets": self.secrets, "auth": self.auth,
               "requests": self.requests, "environments": self.created}
        tmp = self.record + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
        os.replace(tmp, self.record)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, doc=None, extra=None):
        body = b"" if doc is None else json.dumps(doc).encode()
        self.send_response(status)
        if doc is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.handle_any("GET")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with st.lock:
            st.requests.append("%s %s" % (method, self.path))
            if self.headers.get("Authorization") is not None:
                st.auth.append(self.headers.get("Authorization"))
            try:
                self.route(st, method, body)
            finally:
                st.save()

    def route(self, st, method, body):
        missing = [h for h, want in (
            ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", "2022-11-28"))
            if self.headers.get(h) != want]
        if not (self.headers.get("User-Agent") or "").startswith("ecr-wizard"):
            missing.append("User-Agent")
        if missing:
            return self.send_json(400, {"message": "missing or wrong header: "
                                        + ", ".join(missing)})
        if self.headers.get("Authorization") != "Bearer " + GOOD_TOKEN:
            return self.send_json(401, {"message": "Bad credentials",
                                        "status": "401"})
        path = self.path.split("?", 1)[0]
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if len(parts) < 3 or parts[:2] != ["repos", "octo-org"] \
                or parts[2] not in REPOS:
            return self.send_json(404, NOT_FOUND)
        repo, rest = parts[2], parts[3:]
        if not rest:  # the repository itself (its IDs), never limited
            return self.send_json(200, {
                "id": 456789, "name": repo, "full_name": "octo-org/" + repo,
                "owner": {"login": "octo-org", "id": 123456},
                "private": True, "default_branch": "main"})
        if repo == "long-limit":
            return self.send_json(403, {
                "message": "API rate limit exceeded for user ID 1."},
                {"x-ratelimit-remaining": "0",
                 "x-ratelimit-reset": str(int(time.time()) + 3600)})
        if repo == "limited" and (repo, method) not in st.tripped:
            st.tripped.add((repo, method))
            return self.send_json(403, {
                "message": "API rate limit exceeded for user ID 1."},
                {"x-ratelimit-remaining": "0",
                 "x-ratelimit-reset": str(int(time.time()) + 1)})
        if repo == "retry-after" and repo not in st.tripped:
            st.tripped.add(repo)
            return self.send_json(429, {"message": "You have exceeded a "
                                        "secondary rate limit."},
                                  {"Retry-After": "1"})
        if repo == "no-perm":
            return self.send_json(403, {
                "message": "Resource not accessible by personal access "
                "token"}, {"X-Accepted-GitHub-Permissions": "secrets=write"})
        # scope: the repository, or one environment
        scope = "repo"
        if rest[:1] == ["environments"] and len(rest) >= 2:
            env = rest[1]
            if len(rest) == 2:
                if method == "GET":
                    if env in st.envs:
                        return self.send_json(200, {"name": env})
                    return self.send_json(404, NOT_FOUND)
                if method == "PUT":
                    if env not in st.envs:
                        st.envs.add(env)
                        st.created.append(env)
                    return self.send_json(200, {"name": env})
            if env not in st.envs:
                return self.send_json(404, NOT_FOUND)
            scope, rest = "env:" + env, rest[2:]
        elif rest[:2] == ["actions", "organization-secrets"]:
            # one organization secret shared with every repository
            return self.send_json(200, {"total_count": 1, "secrets": [
                {"name": "ORG_SHARED", "visibility": "all"}]})
        elif rest[:1] == ["actions"]:
            rest = rest[1:]
        else:
            return self.send_json(404, NOT_FOUND)
        if rest == ["secrets", "public-key"] and method == "GET":
            kid, pk, _ = st.key(scope)
            return self.send_json(200, {"key_id": kid,
                                        "key": base64.b64encode(pk).decode()})
        if rest == ["secrets"] and method == "GET":
            names = sorted(st.secrets.get(scope, {}))
            return self.send_json(200, {
                "total_count": len(names),
                "secrets": [{"name": x, "created_at": "2026-01-01T00:00:00Z",
                             "updated_at": "2026-01-01T00:00:00Z"}
                            for x in names]})
        if len(rest) == 2 and rest[0] == "secrets":
            name = rest[1]
            if method == "DELETE":
                if name in st.secrets.get(scope, {}):
                    del st.secrets[scope][name]
                    return self.send_json(204)
                return self.send_json(404, NOT_FOUND)
            if method == "PUT":
                return self.put_secret(st, repo, scope, name, body)
        return self.send_json(404, NOT_FOUND)

    def put_secret(self, st, repo, scope, name, body):
        if repo == "invalid":
            return self.send_json(422, {
                "message": "Validation Failed",
                "errors": [{"message": "secret name is reserved"}]})
        try:
            doc = json.loads(body)
            box = base64.b64decode(doc["encrypted_value"], validate=True)
            kid = doc["key_id"]
        except (ValueError, KeyError, TypeError):
            return self.send_json(422, {"message": "Invalid request body"})
        want_kid, pk, sk = st.key(scope)
        if kid != want_kid:
            return self.send_json(422, {"message": "Bad key_id"})
        plain = seal_open(box, pk, sk)
        if plain is None:
            return self.send_json(422, {"message": "could not open the "
                                        "sealed box"})
        new = name not in st.secrets.setdefault(scope, {})
        st.secrets[scope][name] = plain.decode()
        return self.send_json(201 if new else 204, {} if new else None)


def watchdog(parent, lifetime):
    end = time.time() + lifetime
    while time.time() < end and os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--record", default=None)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args.record)
    server.state.save()
    threading.Thread(target=watchdog, args=(os.getppid(), args.lifetime),
                     daemon=True).start()
    sys.stdout.write("%d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
