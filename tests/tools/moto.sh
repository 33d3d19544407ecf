#!/bin/sh
# moto.sh - start or stop a moto server on a free 127.0.0.1 port.
#
#   moto.sh start DIR   starts it (with the caller's environment, so e.g.
#                       INITIAL_NO_AUTH_ACTION_COUNT=N turns on request
#                       authentication), prints its URL, keeps pid and log in DIR
#   moto.sh stop DIR    stops it
set -eu
cmd=$1 dir=$2
case "$cmd" in
start)
	mkdir -p "$dir"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	if command -v moto_server >/dev/null 2>&1; then
		moto_server -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
	else
		python3 -m moto.server -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
	fi
	echo $! >"$dir/moto.pid"
	i=0
	until python3 - "$port" <<'PY' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/moto-api/" % sys.argv[1], timeout=1)
PY
	do
		i=$((i + 1))
		if [ $i -gt 150 ]; then
			echo "moto.sh: moto server did not start; see $dir/moto.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "http://127.0.0.1:$port"
	;;
stop)
	if [ -f "$dir/moto.pid" ]; then
		kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
		rm -f "$dir/moto.pid"
	fi
	;;
esac
