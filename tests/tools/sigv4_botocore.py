#!/usr/bin/env python3
"""Sign requests with botocore's SigV4Auth: the oracle for test_sigv4_diff.

Usage: sigv4_botocore.py IN.json OUT.json

IN.json is {"cases": [...]}, each case:
  id, method, host, path (the URL path as sent: percent-encoded once),
  params: [[key_hex, value_hex], ...] raw (decoded) UTF-8 query pairs,
  headers: [[name, value], ...] in send order (repeats allowed),
  body_hex, region, service, amz_date ("YYYYMMDDTHHMMSSZ"),
  access_key, secret_key, token (or null).
OUT.json is {"botocore": version, "results": [{id, canonical_request,
string_to_sign, signature, authorization}, ...]}.

The query goes in as AWSRequest params, so botocore encodes it itself
(quote(safe='-_.~')) rather than trusting our encoder.  The clock is pinned
to amz_date by replacing botocore's "now".  Exit 3 when botocore is
missing, so the C test can say how to install it.
"""
import datetime
import json
import sys

try:
    import botocore
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    sys.stderr.write("botocore is not installed: pip install botocore\n")
    sys.exit(3)

_pinned = [None]


def _now(*args, **kwargs):
    return _pinned[0]


class _FakeDatetimeClass(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return _pinned[0]

    @classmethod
    def now(cls, tz=None):
        return _pinned[0] if tz is None else _pinned[0].replace(tzinfo=tz)


class _FakeDatetimeModule:
    timezone = datetime.timezone
    timedelta = datetime.timedelta
    datetime = _FakeDatetimeClass


# Newer botocore asks compat.get_current_datetime(); older ones call
# datetime.datetime.utcnow() directly.
if hasattr(botocore.auth, "get_current_datetime"):
    botocore.auth.get_current_datetime = _now
else:
    botocore.auth.datetime = _FakeDatetimeModule


def sign(case):
    _pinned[0] = datetime.datetime.strptime(case["amz_date"], "%Y%m%dT%H%M%SZ")
    params = [
        (bytes.fromhex(k).decode("utf-8"), bytes.fromhex(v).decode("utf-8"))
        for k, v in case["params"]
    ]
    body = bytes.fromhex(case["body_hex"])
    req = AWSRequest(
        method=case["method"],
        url="https://" + case["host"] + case["path"],
        data=body,
        params=params,
    )
    for name, value in case["headers"]:
        # HTTPHeaders (email.message.Message) appends: repeats are kept.
        req.headers[name] = value
    creds = Credentials(case["access_key"], case["secret_key"], case["token"])
    auth = botocore.auth.SigV4Auth(creds, case["service"], case["region"])
    auth.add_auth(req)
    authorization = req.headers["Authorization"]
    # Recompute what add_auth signed: the request as it was then, with
    # X-Amz-Date and the token added but no Authorization yet.
    del req.headers["Authorization"]
    cr = auth.canonical_request(req)
    sts = auth.string_to_sign(req, cr)
    return {
        "id": case["id"],
        "canonical_request": cr,
        "string_to_sign": sts,
        "signature": authorization.rsplit("Signature=", 1)[1],
        "authorization": authorization,
    }


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: sigv4_botocore.py IN.json OUT.json\n")
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    results = [sign(c) for c in cases]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump({"botocore": botocore.__version__, "results": results}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
