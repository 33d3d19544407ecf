#!/usr/bin/env python3
"""tls_server.py - an HTTPS front for moto server, for tests/cli/tls.sh.

    tls_server.py --cert PEM --key PEM --upstream URL --dir DIR

Serves HTTPS on a free 127.0.0.1 port with the given certificate (made
by the test with `openssl req`) and forwards every request to URL: the
fault proxy (fault_proxy.py) with TLS on and no rules.  DIR/port, DIR/pid
and DIR/requests.log as fault_proxy.py writes them; a request appears in
the log only when the client accepted the certificate and sent it.
"""
import os
import runpy
import sys

if __name__ == "__main__":
    for flag in ("--cert", "--key", "--upstream", "--dir"):
        if flag not in sys.argv:
            sys.exit("usage: tls_server.py --cert PEM --key PEM "
                     "--upstream URL --dir DIR")
    here = os.path.dirname(os.path.abspath(__file__))
    sys.argv[0] = os.path.join(here, "fault_proxy.py")
    runpy.run_path(sys.argv[0], run_name="__main__")
