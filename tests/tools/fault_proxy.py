#!/usr/bin/env python3
"""fault_proxy.py - a fault-injecting HTTP proxy in front of moto server.

    fault_proxy.py --upstream URL --dir DIR [--rules FILE]
                   [--cert PEM --key PEM]

Listens on a free 127.0.0.1 port (HTTPS with --cert/--key: a client
whose TLS handshake fails is dropped and never logged) and forwards every request to URL (the
moto server), unless a rule says otherwise.  Writes DIR/port (the port,
written last, so its presence means "ready"), DIR/pid, and appends one
JSON line per request to DIR/requests.log:

    {"n": 1, "t": 1700000000.123, "service": "iam", "op": "CreateRole",
     "fault": "throttle", "status": 400, "key": "AKIDEXAM"}

("key": the first 8 characters of the access key ID that signed it)

so a test counts requests with grep.  Runs until SIGTERM (kill the pid).

Rules: a JSON list, read from FILE (default DIR/rules.json) and re-read
whenever the file changes (the occurrence counters restart then).  The
first rule that matches a request applies:

    {"op": "CreateRole",      operation: form-body Action= or the part of
                              X-Amz-Target after '.'; "*" or absent: any
     "service": "ecr",        optional: iam, sts, ecr (SigV4 scope/host)
     "after": "CreateRole",   optional: only once that operation was seen
     "nth": [1, 2],           optional: which occurrences (1-based, counted
                              per rule over matching requests); absent: all
     "delay_ms": 2000,        optional: wait first (then apply the fault,
                              or forward when there is none); DIR/held.OP
                              is created when the wait starts
     "fault": "..."}          see below; absent: forward (after delay_ms)

Faults:
    throttle      400 in the service's shape: IAM/STS XML "Throttling",
                  ECR JSON "ThrottlingException"
    error         "status" (default 500) and "code" (default by status:
                  InternalFailure / ServiceUnavailable / ...), "message";
                  XML for IAM/STS, JSON with x-amzn-ErrorType for ECR.
                  e.g. {"fault": "error", "status": 503},
                  {"fault": "error", "status": 400, "code":
                  "RequestLimitExceeded"}, {"fault": "error", "status":
                  404, "code": "NoSuchEntity"}
    reset         forward, send the headers and part of the body, then a
                  TCP reset
    truncate      forward, send the headers (full Content-Length) and half
                  the body, then close cleanly
    garbage       200 (or "status") with a body of garbage bytes: neither
                  XML nor JSON, nor valid UTF-8 (NUL, 0xff, a lone
                  continuation byte, an overlong '/', terminal escapes)
    empty         200 (or "status") with an empty body, Content-Length 0:
                  a success that says nothing
    hang          read the request and never answer (until the client
                  gives up or the proxy stops)

Control (for tests that prefer HTTP to files):
    GET /__proxy/log     the request log as a JSON list
    POST /__proxy/rules  replace the rules (body: the JSON list)
"""
import argparse
import http.client
import http.server
import json
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.parse
from xml.sax.saxutils import escape

LOCK = threading.Lock()
STATE = {"rules": [], "mtime": None, "counts": {}, "seen": set(), "n": 0,
         "log": []}
ARGS = None
STOP = threading.Event()

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
       "te", "trailer", "upgrade", "content-length"}

DEFAULT_CODES = {500: "InternalFailure", 502: "BadGateway",
                 503: "ServiceUnavailable", 504: "GatewayTimeout",
                 429: "TooManyRequestsException", 400: "Throttling"}


def load_rules():
    """Re-read the rules file when it changed; caller holds LOCK."""
    path = ARGS.rules
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = None
    if mtime == STATE["mtime"]:
        return
    rules = []
    if mtime is not None:
        with open(path) as f:
            text = f.read().strip()
        rules = json.loads(text) if text else []
    STATE.update(rules=rules, mtime=mtime, counts={}, seen=set())


def service_of(headers, host):
    auth = headers.get("Authorization", "")
    i = auth.find("Credential=")
    if i >= 0:
        scope = auth[i + 11:].split(",")[0].split("/")
        if len(scope) >= 4:
            return scope[3]
    target = headers.get("X-Amz-Target", "")
    if target.startswith("AmazonEC2ContainerRegistry"):
        return "ecr"
    return host.split(".")[0] if host else "?"


def key_prefix(headers):
    """The first 8 characters of the signing key ID: enough for a test to
    see which credentials were used, too little to be one."""
    auth = headers.get("Authorization", "")
    i = auth.find("Credential=")
    return auth[i + 11:i + 19] if i >= 0 else ""


def operation_of(headers, body):
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    try:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    except ValueError:
        form = {}
    return form.get("Action", ["?"])[0]


def choose(service, op):
    """The rule for this request (or None); records counts and order."""
    with LOCK:
        try:
            load_rules()
        except (OSError, ValueError) as e:
            sys.stderr.write("fault_proxy: bad rules: %s\n" % e)
        STATE["n"] += 1
        n = STATE["n"]
        chosen = None
        for idx, r in enumerate(STATE["rules"]):
            if r.get("op", "*") not in ("*", op):
                continue
            if r.get("service") and r["service"] != service:
                continue
            if r.get("after") and r["after"] not in STATE["seen"]:
                continue
            STATE["counts"][idx] = STATE["counts"].get(idx, 0) + 1
            nth = r.get("nth")
            if nth is not None and STATE["counts"][idx] not in nth:
                continue
            chosen = r
            break
        STATE["seen"].add(op)
        return n, chosen


def record(entry):
    line = json.dumps(entry, sort_keys=True)
    with LOCK:
        STATE["log"].append(entry)
        with open(os.path.join(ARGS.dir, "requests.log"), "a") as f:
            f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-proxy"

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def do_HEAD(self):
        self.handle_any()

    def client_gone(self):
        """Whether the client closed its end (EOF or reset)."""
        try:
            self.connection.setblocking(False)
            try:
                return self.connection.recv(1, socket.MSG_PEEK) == b""
            finally:
                self.connection.setblocking(True)
        except BlockingIOError:
            return False
        except OSError:
            return True

    def send_raw(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def control(self, body):
        if self.path == "/__proxy/log":
            with LOCK:
                data = json.dumps(STATE["log"]).encode()
            self.send_raw(200, [("Content-Type", "application/json")], data)
        elif self.path == "/__proxy/rules":
            with open(ARGS.rules, "w") as f:
                f.write(body.decode())
            with LOCK:
                STATE["mtime"] = None
            self.send_raw(200, [], b"")
        else:
            self.send_raw(404, [], b"")

    def aws_error(self, service, status, code, message):
        if service == "ecr":
            body = json.dumps({"__type": code, "message": message}).encode()
            headers = [("Content-Type", "application/x-amz-json-1.1"),
                       ("x-amzn-ErrorType", code),
                       ("x-amzn-RequestId", "fault-proxy-0001")]
        else:
            body = ("<ErrorResponse xmlns=\"https://%s.amazonaws.com/doc/"
                    "2010-05-08/\"><Error><Type>%s</Type><Code>%s</Code>"
                    "<Message>%s</Message></Error><RequestId>fault-proxy-"
                    "0001</RequestId></ErrorResponse>" %
                    (service, "Sender" if status < 500 else "Receiver",
                     escape(code), escape(message))).encode()
            headers = [("Content-Type", "text/xml"),
                       ("x-amzn-RequestId", "fault-proxy-0001")]
        self.send_raw(status, headers, body)

    def forward(self, body):
        u = urllib.parse.urlsplit(ARGS.upstream)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP}
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            out = [(k, v) for k, v in resp.getheaders()
                   if k.lower() not in HOP and k.lower() != "date"
                   and k.lower() != "server"]
            return resp.status, out, data
        finally:
            conn.close()

    def handle_any(self):
        body = self.read_body()
        if self.path.startswith("/__proxy/"):
            self.control(body)
            return
        service = service_of(self.headers, self.headers.get("Host", ""))
        op = operation_of(self.headers, body)
        n, rule = choose(service, op)
        fault = rule.get("fault") if rule else None
        entry = {"n": n, "t": round(time.time(), 3), "service": service,
                 "op": op, "fault": fault or "",
                 "key": key_prefix(self.headers)}
        if rule and rule.get("delay_ms"):
            entry["delay_ms"] = rule["delay_ms"]
        if fault == "hang":
            entry["status"] = 0
            record(entry)
            open(os.path.join(ARGS.dir, "held." + op), "a").close()
            self.close_connection = True
            # Never answer: wait until the client goes away or we stop.
            self.connection.settimeout(0.2)
            while not STOP.is_set():
                try:
                    if self.connection.recv(1024) == b"":
                        break
                except socket.timeout:
                    continue
                except OSError:
                    break
            return
        if rule and rule.get("delay_ms"):
            # Tell a waiting test that the client is now held here.
            open(os.path.join(ARGS.dir, "held." + op), "a").close()
            deadline = time.time() + rule["delay_ms"] / 1000.0
            while time.time() < deadline and not STOP.is_set():
                if self.client_gone():
                    # Do not act for a client that gave up (it was
                    # interrupted): a late forward would reach moto in
                    # the middle of a later test case.
                    entry["status"] = 0
                    entry["client_gone"] = True
                    record(entry)
                    self.close_connection = True
                    return
                STOP.wait(min(0.05, max(0.0, deadline - time.time())))
        if fault == "throttle":
            entry["status"] = 400
            record(entry)
            if service == "ecr":
                self.aws_error(service, 400, "ThrottlingException",
                               "Rate exceeded")
            else:
                self.aws_error(service, 400, "Throttling", "Rate exceeded")
            return
        if fault == "error":
            status = int(rule.get("status", 500))
            code = rule.get("code") or DEFAULT_CODES.get(status,
                                                         "InternalFailure")
            entry["status"] = status
            record(entry)
            self.aws_error(service, status, code,
                           rule.get("message", "injected by fault_proxy"))
            return
        if fault == "garbage":
            status = int(rule.get("status", 200))
            entry["status"] = status
            record(entry)
            self.send_raw(status, [("Content-Type", "text/plain")],
                          b"\x00\xff not xml, not json { < \x1b[2J"
                          b" \x80\xc0\xaf \xed\xa0\x80 \"\\" * 3)
            return
        if fault == "empty":
            status = int(rule.get("status", 200))
            entry["status"] = status
            record(entry)
            ctype = ("application/x-amz-json-1.1" if service == "ecr"
                     else "text/xml")
            self.send_raw(status, [("Content-Type", ctype)], b"")
            return
        try:
            status, headers, data = self.forward(body)
        except OSError as e:
            entry["status"] = 502
            entry["error"] = str(e)
            record(entry)
            self.send_raw(502, [], b"upstream failed")
            return
        entry["status"] = status
        record(entry)
        if fault in ("reset", "truncate"):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(max(len(data), 64)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            if fault == "reset":
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.send_raw(status, headers, data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rules")
    ap.add_argument("--cert", help="serve HTTPS with this certificate "
                    "chain (PEM); see tls_server.py")
    ap.add_argument("--key", help="the certificate's private key (PEM)")
    ARGS = ap.parse_args()
    os.makedirs(ARGS.dir, exist_ok=True)
    if not ARGS.rules:
        ARGS.rules = os.path.join(ARGS.dir, "rules.json")
    srv = Server(("127.0.0.1", 0), Handler)
    if ARGS.cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)

    def stop(signo, frame):
        STOP.set()
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(os.path.join(ARGS.dir, "pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    open(os.path.join(ARGS.dir, "requests.log"), "a").close()
    tmp = os.path.join(ARGS.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(ARGS.dir, "port"))
    srv.serve_forever(poll_interval=0.1)
    srv.server_close()


if __name__ == "__main__":
    main()
