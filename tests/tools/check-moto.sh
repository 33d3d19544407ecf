#!/bin/sh
# check-moto.sh - fail, saying how to install it, when moto server is missing.
# The AWS client is tested against moto server; its tests never skip.
if command -v moto_server >/dev/null 2>&1 ||
	python3 -c 'import moto.server' >/dev/null 2>&1; then
	exit 0
fi
cat >&2 <<'MSG'
check: moto server is not installed; the AWS client tests need it.
       install it with:   pip install 'moto[server]'
       (it provides `moto_server` and `python3 -m moto.server`)
MSG
exit 1
