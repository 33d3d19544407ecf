#!/usr/bin/env python3
"""fault_server.py - a scripted HTTP/1.1 server for the transport tests.

Listens on 127.0.0.1 (a free port unless --port) and prints the port on
the first line of stdout; then, on the same line, the port of the same
server over TLS with a fresh self-signed certificate for 127.0.0.1 and
the path of that certificate (a CA bundle that trusts it), or "0 -" when
the cryptography module is missing.  Serves until stdin reaches EOF (so
it dies with the test that started it) or it gets SIGTERM.  Keep-alive
is on.

Behaviour is chosen by the request path, so a test points an endpoint URL
at it (any method; the request body is always read):

  /ok[/...]                 200, XML echo of the request (connection id,
                            method, path, Content-Type, Expect, Host,
                            X-Amz-Date, body)
  /fail/STATUS/COUNT/KEY    the first COUNT requests for KEY answer STATUS
                            with a Query-style XML error (Code
                            ServiceUnavailable for 503, InternalFailure
                            for other 5xx, Throttling for 400 and 429),
                            then as /ok
  /code/STATUS/CODE[/...]   always STATUS with error Code CODE (XML)
  /json/STATUS/TYPE         always STATUS with {"__type": TYPE, ...}
  /html/STATUS              always STATUS with an HTML page
  /skew                     403 SignatureDoesNotMatch "Signature expired"
                            unless X-Amz-Date is within 5 minutes of now
  /creds                    200, an AssumeRole answer with secrets in it
  /delay/MS[/...]           sleeps MS milliseconds, then as /ok
  /reset                    headers + part of the body, then a TCP reset
  /truncate                 headers + part of the body, then a clean close
  /hang                     reads the request and never answers
  /_stats                   JSON {"connections", "requests", "max_active"}
  /_reset                   zeroes the statistics
"""
import http.server
import json
import socket
import socketserver
import struct
import sys
import threading
import time
import calendar
from xml.sax.saxutils import escape

LOCK = threading.Lock()
STATS = {"connections": 0, "requests": 0, "active": 0, "max_active": 0}
COUNTERS = {}
NEXT_ID = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-server"

    def log_message(self, fmt, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1
            NEXT_ID[0] += 1
            self.conn_id = NEXT_ID[0]

    def send_body(self, status, body, ctype="text/xml", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "req-%d" % STATS["requests"])
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def echo(self, body):
        h = self.headers
        xml = ("<OkResponse xmlns=\"https://example.com/doc/\"><OkResult>"
               "<Conn>%d</Conn><Method>%s</Method><Path>%s</Path>"
               "<ContentType>%s</ContentType><HasExpect>%s</HasExpect>"
               "<Expect>%s</Expect><Host>%s</Host><AmzDate>%s</AmzDate>"
               "<Body>%s</Body></OkResult></OkResponse>") % (
            self.conn_id, escape(self.command), escape(self.path),
            escape(h.get("Content-Type", "")),
            "true" if "Expect" in h else "false",
            escape(h.get("Expect", "")), escape(h.get("Host", "")),
            escape(h.get("X-Amz-Date", "")),
            escape(body.decode("utf-8", "replace")))
        self.send_body(200, xml)

    def error_xml(self, status, code, message):
        xml = ("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/"
               "2010-05-08/\"><Error><Type>Sender</Type><Code>%s</Code>"
               "<Message>%s</Message></Error><RequestId>err-%d</RequestId>"
               "</ErrorResponse>") % (escape(code), escape(message),
                                      self.conn_id)
        self.send_body(status, xml)

    def handle_any(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(n) if n else b""
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        with LOCK:
            STATS["requests"] += 1
            STATS["active"] += 1
            STATS["max_active"] = max(STATS["max_active"], STATS["active"])
        try:
            self.dispatch(parts, body)
        finally:
            with LOCK:
                STATS["active"] -= 1

    def dispatch(self, parts, body):
        what = parts[0] if parts else "ok"
        if what == "ok":
            self.echo(body)
        elif what == "fail":
            status, count, key = int(parts[1]), int(parts[2]), parts[3]
            with LOCK:
                seen = COUNTERS.get(key, 0)
                COUNTERS[key] = seen + 1
            if seen < count:
                code = {503: "ServiceUnavailable", 400: "Throttling",
                        429: "Throttling"}.get(status, "InternalFailure")
                self.error_xml(status, code, "scripted failure %d" % seen)
            else:
                self.echo(body)
        elif what == "code":
            self.error_xml(int(parts[1]), parts[2], "scripted " + parts[2])
        elif what == "json":
            doc = json.dumps({"__type": parts[2],
                              "message": "scripted " + parts[2]})
            self.send_body(int(parts[1]), doc, "application/x-amz-json-1.1")
        elif what == "html":
            self.send_body(int(parts[1]),
                           "<html><body><h1>502 Bad Gateway</h1></body>"
                           "</html>\n", "text/html")
        elif what == "skew":
            amz = self.headers.get("X-Amz-Date", "")
            try:
                t = calendar.timegm(time.strptime(amz, "%Y%m%dT%H%M%SZ"))
            except ValueError:
                t = 0
            if abs(t - time.time()) > 300:
                self.error_xml(403, "SignatureDoesNotMatch",
                               "Signature expired: %s is now earlier than "
                               "%s (%s - 5 min.)" % (amz, amz, amz))
            else:
                self.echo(body)
        elif what == "creds":
            self.send_body(200, (
                "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                "<AccessKeyId>ASIAFAULTSERVER</AccessKeyId>"
                "<SecretAccessKey>fault/SECRET+value</SecretAccessKey>"
                "<SessionToken>FAULTSESSIONTOKEN</SessionToken>"
                "<Expiration>2030-01-01T00:00:00Z</Expiration>"
                "</Credentials></AssumeRoleResult></AssumeRoleResponse>"))
        elif what == "delay":
            time.sleep(int(parts[1]) / 1000.0)
            self.echo(body)
        elif what in ("reset", "truncate"):
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"<OkResponse>")
            self.wfile.flush()
            time.sleep(0.05)
            if what == "reset":
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
            self.close_connection = True
        elif what == "hang":
            # until the client gives up (its time-out or cancel)
            self.connection.settimeout(60)
            try:
                self.connection.recv(1)
            except OSError:
                pass
            self.close_connection = True
        elif what == "_stats":
            with LOCK:
                doc = json.dumps({k: STATS[k] for k in
                                  ("connections", "requests", "max_active")})
            self.send_body(200, doc, "application/json")
        elif what == "_reset":
            with LOCK:
                STATS.update(connections=0, requests=0, max_active=0)
                COUNTERS.clear()
            self.send_body(200, "{}", "application/json")
        else:
            self.send_body(404, "no such script\n", "text/plain")

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_cert(directory):
    """A self-signed certificate for 127.0.0.1; returns (cert, key) paths."""
    import datetime
    import ipaddress
    import os
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                           critical=True)
            .sign(key, hashes.SHA256()))
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path


def main():
    import ssl
    import tempfile
    port = 0
    if len(sys.argv) > 2 and sys.argv[1] == "--port":
        port = int(sys.argv[2])
    srv = Server(("127.0.0.1", port), Handler)
    servers = [srv]
    tls_port, cert_path = 0, "-"
    tmp = tempfile.TemporaryDirectory(prefix="fault-server-")
    try:
        cert_path, key_path = make_cert(tmp.name)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_path, key_path)
        tls = Server(("127.0.0.1", 0), Handler)
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
        tls_port = tls.server_address[1]
        servers.append(tls)
    except ImportError:
        cert_path = "-"
    # one write, so a reader that stops at the newline gets it all
    sys.stdout.write("%d %d %s\n" % (srv.server_address[1], tls_port,
                                     cert_path))
    sys.stdout.flush()
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    for s in servers:
        s.shutdown()
    tmp.cleanup()


if __name__ == "__main__":
    main()
