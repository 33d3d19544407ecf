#!/bin/sh
# tls.sh - TLS verification is always on, through the real transport.
#
# A local HTTPS server (tests/tools/tls_server.py, forwarding to moto) with
# certificates made here by `openssl req`:
#   - a self-signed certificate for 127.0.0.1: `ecr-wizard plan` with
#     AWS_ENDPOINT_URL=https://127.0.0.1:PORT is refused with a certificate
#     error, and no request reaches the server; with AWS_CA_BUNDLE naming
#     that certificate, the plan goes through;
#   - a certificate from a private CA: refused without the CA, accepted
#     with AWS_CA_BUNDLE=CA;
#   - a CA-signed certificate for another name: refused even with the CA
#     (host name verification);
#   - AWS_CA_BUNDLE naming a missing file: a clear error.
# Prints TAP lines.
set -u
. "$EW_TOP/tests/tools/fault_lib.sh"
: "${EW_MOTO_URL:?}"
FL_DIR="$EW_TEST_OUT/tls"
rm -rf "$FL_DIR"
mkdir -p "$FL_DIR/pki"
FL_OUT="$FL_DIR"
pki="$FL_DIR/pki"
NAMES="--role-name tls-test-role --policy-name tls-test-policy --repo tls-test-app"

# --- certificates ----------------------------------------------------------
mk() { openssl "$@" >>"$pki/openssl.log" 2>&1; }
printf 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' \
	>"$pki/ip.ext"
printf 'subjectAltName = DNS:wrong.example.invalid\nextendedKeyUsage = serverAuth\n' \
	>"$pki/wrong.ext"
mk req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName = IP:127.0.0.1" \
	-keyout "$pki/self.key" -out "$pki/self.pem"
mk req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ecr-wizard test CA" \
	-addext "basicConstraints = critical,CA:TRUE" \
	-addext "keyUsage = critical,keyCertSign,cRLSign" \
	-keyout "$pki/ca.key" -out "$pki/ca.pem"
for leaf in ip wrong; do
	mk req -newkey rsa:2048 -nodes -subj "/CN=$leaf" \
		-keyout "$pki/$leaf.key" -out "$pki/$leaf.csr"
	mk x509 -req -in "$pki/$leaf.csr" -CA "$pki/ca.pem" \
		-CAkey "$pki/ca.key" -CAcreateserial -days 2 \
		-extfile "$pki/$leaf.ext" -out "$pki/$leaf.pem"
done
for f in self ca ip wrong; do
	if [ ! -s "$pki/$f.pem" ]; then
		echo "Bail out! openssl could not make $f.pem"
		sed 's/^/# /' "$pki/openssl.log"
		exit 1
	fi
done
ok "certificates made with openssl req"

# --- servers -----------------------------------------------------------------
# start_tls NAME CERT KEY: an HTTPS server; its URL in $url, its log dir
# in $dir.
start_tls() {
	dir="$FL_DIR/$1"
	mkdir -p "$dir"
	python3 "$EW_TOP/tests/tools/tls_server.py" --cert "$2" --key "$3" \
		--upstream "$EW_MOTO_URL" --dir "$dir" </dev/null \
		>"$dir/server.log" 2>&1 &
	FL_PIDS="$FL_PIDS $!"
	i=0
	until [ -s "$dir/port" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			echo "Bail out! tls_server.py did not start"
			sed 's/^/# /' "$dir/server.log"
			exit 1
		fi
		sleep 0.05
	done
	url="https://127.0.0.1:$(cat "$dir/port")"
}
start_tls self "$pki/self.pem" "$pki/self.key"
self_url=$url self_dir=$dir
start_tls ca "$pki/ip.pem" "$pki/ip.key"
ca_url=$url ca_dir=$dir
start_tls wrong "$pki/wrong.pem" "$pki/wrong.key"
wrong_url=$url wrong_dir=$dir

FL_PROXY=$self_url
fl_env
export AWS_ACCESS_KEY_ID=AKIDTLSTEST000000001
export AWS_SECRET_ACCESS_KEY=tlsTestSecret0000000000000000000000000000
mkdir -p "$FL_DIR/work"
cd "$FL_DIR/work" || exit 1

# plan_via URL [BUNDLE]: ecr-wizard plan against URL, with AWS_CA_BUNDLE.
plan_via() {
	if [ -n "${2:-}" ]; then
		AWS_ENDPOINT_URL=$1 AWS_CA_BUNDLE=$2 fl_run st plan \
			--github octo-org/app $NAMES
	else
		AWS_ENDPOINT_URL=$1 fl_run st plan --github octo-org/app $NAMES
	fi
}
requests() { grep -c '"op"' "$1/requests.log"; }
cert_error() {
	cat "$FL_OUT/stdout" "$FL_OUT/stderr" | grep -qi "certificate"
}

# --- self-signed -------------------------------------------------------------
plan_via "$self_url"
if [ "$st" -ne 0 ] && [ "$st" -lt 128 ] && cert_error; then
	ok "self-signed: refused with a certificate error (exit $st)"
else
	not_ok "self-signed: exit $st without a certificate error"
fi
check "self-signed: no request reached the server" \
	test "$(requests "$self_dir")" -eq 0
plan_via "$self_url" "$pki/self.pem"
if [ "$st" -eq 0 ] && [ "$(requests "$self_dir")" -gt 0 ]; then
	ok "self-signed: accepted with AWS_CA_BUNDLE, the plan completes"
else
	not_ok "self-signed with AWS_CA_BUNDLE: exit $st, $(requests "$self_dir") requests"
fi

# --- a private CA ------------------------------------------------------------
plan_via "$ca_url"
if [ "$st" -ne 0 ] && [ "$st" -lt 128 ] && cert_error &&
	[ "$(requests "$ca_dir")" -eq 0 ]; then
	ok "private CA: refused without the CA (exit $st)"
else
	not_ok "private CA without the CA: exit $st"
fi
plan_via "$ca_url" "$pki/ca.pem"
if [ "$st" -eq 0 ] && [ "$(requests "$ca_dir")" -gt 0 ]; then
	ok "private CA: accepted with AWS_CA_BUNDLE=CA"
else
	not_ok "private CA with AWS_CA_BUNDLE: exit $st"
fi
# A bundle for another server does not vouch for this one.
plan_via "$ca_url" "$pki/self.pem"
if [ "$st" -ne 0 ] && cert_error; then
	ok "private CA: refused with an unrelated bundle"
else
	not_ok "private CA with an unrelated bundle: exit $st"
fi

# --- wrong host name ---------------------------------------------------------
plan_via "$wrong_url" "$pki/ca.pem"
if [ "$st" -ne 0 ] && [ "$st" -lt 128 ] && [ "$(requests "$wrong_dir")" -eq 0 ] &&
	cat "$FL_OUT/stdout" "$FL_OUT/stderr" | grep -qiE "certificate|name|host"; then
	ok "certificate for another name: refused even with its CA"
else
	not_ok "certificate for another name: exit $st"
fi

# --- a missing bundle ----------------------------------------------------------
plan_via "$ca_url" "$FL_DIR/no-such-bundle.pem"
if [ "$st" -ne 0 ] && [ "$st" -lt 128 ] &&
	cat "$FL_OUT/stdout" "$FL_OUT/stderr" | grep -q "no-such-bundle.pem"; then
	ok "AWS_CA_BUNDLE naming a missing file: clear error (exit $st)"
else
	not_ok "AWS_CA_BUNDLE naming a missing file: exit $st"
fi
exit $failed
