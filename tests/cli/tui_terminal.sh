#!/bin/sh
# tui_terminal.sh - the wizard on a real terminal (tmux): the first frame,
# and the terminal restored on every way out - q, an error exit, SIGINT,
# SIGTERM, SIGHUP and a crash signal (SIGSEGV) - with the tty modes as
# they were before and the alternate screen left.  NO_COLOR leaves no
# colour escape on the screen.  Prints TAP lines.
set -u
top=${EW_TOP:-$(pwd)}
# EW_DEMO_LATENCY is read by the test build only
bin=${EW_TBIN:-$top/build/release/ecr-wizard-test}
out=${EW_TEST_OUT:-$top/tests/.out}/tui-terminal
n=0
status=0
sock=ew-tui-$$

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; status=1; }

if ! command -v tmux >/dev/null; then
	notok "tmux is needed for the terminal tests (apt-get install tmux)"
	echo "1..$n"
	exit 1
fi
rm -rf "$out"
mkdir -p "$out/home" "$out/repo"
git -c init.defaultBranch=main init -q "$out/repo"
git -C "$out/repo" remote add origin https://github.com/octo-org/octo-app.git

t() { tmux -L "$sock" "$@"; }
cleanup() { t kill-server 2>/dev/null; }
trap cleanup EXIT

# wait_for FILE: up to 10 s.
wait_for() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1" ]
}

# wait_screen TEXT: until the pane shows TEXT (10 s).
wait_screen() {
	i=0
	while ! t capture-pane -p -t w 2>/dev/null | grep -qF -- "$1"; do
		[ $i -ge 100 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# ready: the welcome screen is ready for keys - the repository detected
# and q meaning quit (while detection runs, letters go into the field).
ready() {
	wait_screen "octo-org/octo-app" && wait_screen "q quit"
}

# press KEY...: send keys, then wait until the screen changes (10 s), so
# no key is sent before the wizard took the last one, however busy the
# machine is.
press() {
	before=$(t capture-pane -p -t w)
	t send-keys -t w "$@"
	i=0
	while [ "$(t capture-pane -p -t w)" = "$before" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# enter_until TEXT: Enter, one screen change at a time, until TEXT shows.
enter_until() {
	i=0
	while ! t capture-pane -p -t w | grep -qF -- "$1"; do
		[ $i -ge 30 ] && return 1
		press Enter
		i=$((i + 1))
	done
}

# start CASE [ENV...]: the wizard in a fresh 80x24 pane; records the tty
# modes before and after, the exit status and its pid.
start() {
	c=$out/$1
	shift
	mkdir -p "$c"
	cat >"$c/run.sh" <<EOS
cd "$out/repo"
stty -g >"$c/before"
env HOME="$out/home" EW_DEMO_LATENCY=0 $* \
	sh -c 'echo \$\$ >"$c/pid"; exec "$bin" --demo'
echo \$? >"$c/rc"
stty -g >"$c/after"
sleep 30
EOS
	t kill-server 2>/dev/null
	# A server still shutting down refuses the new session.
	i=0
	while t has-session 2>/dev/null && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	t -f /dev/null new-session -d -s w -x 80 -y 24 \
		"env -u NO_COLOR TERM=xterm-256color LANG=C.UTF-8 sh $c/run.sh"
	wait_for "$c/pid"
}

# check CASE WANT_RC: exit status, tty modes restored, normal screen.
check() {
	c=$out/$1
	if ! wait_for "$c/after"; then
		notok "$1: the wizard did not exit"
		return
	fi
	rc=$(cat "$c/rc")
	if [ "$rc" = "$2" ]; then
		ok "$1: exit status $rc"
	else
		notok "$1: exit status $rc, expected $2"
	fi
	if cmp -s "$c/before" "$c/after"; then
		ok "$1: terminal modes restored"
	else
		notok "$1: terminal modes differ after exit"
	fi
	if [ "$(t display -p -t w '#{alternate_on}')" = 0 ]; then
		ok "$1: back on the normal screen"
	else
		notok "$1: still on the alternate screen"
	fi
}

# 1. The first frame, then q.
start quit
if wait_screen "What ecr-wizard will do"; then
	ok "first frame shows the welcome screen"
else
	notok "no first frame"
fi
ready
t send-keys -t w q
check quit 0

# Live resize: too small says so, and the screen comes back.
start resize
ready
t resize-window -t w -x 60 -y 20
if wait_screen "terminal too small: 60x20"; then
	ok "resize: a 60x20 terminal is reported too small"
else
	notok "resize: nothing said about the small terminal"
fi
t resize-window -t w -x 100 -y 30
if wait_screen "What ecr-wizard will do"; then
	ok "resize: the screen comes back at 100x30"
else
	notok "resize: the screen did not come back"
fi
wait_screen "q quit"
t send-keys -t w q
check resize 0

# 2-4. Terminating signals from outside.
for sig in INT TERM HUP; do
	start "sig$sig"
	wait_screen "What ecr-wizard will do"
	kill -s "$sig" "$(cat "$out/sig$sig/pid")"
	case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
	check "sig$sig" $want
done

# 5. A crash signal: restored, then the default action (139).
start segv
wait_screen "What ecr-wizard will do"
kill -s SEGV "$(cat "$out/segv/pid")"
check segv 139

# 6. A signal during a run: the run is cancelled, then the exit.
start runint EW_DEMO_LATENCY=5
ready
enter_until "[y/N]"
press y
wait_screen "Run:" || true
kill -s INT "$(cat "$out/runint/pid")"
check runint 130

# 7. The whole flow with Enter, then the table stays in the scroll-back.
start flow
ready
enter_until "[y/N]"
press y
wait_screen "Setup complete" && press Enter
wait_screen "GitHub secrets" && press k
wait_screen "workflow not written" && t send-keys -t w Enter
check flow 0
if t capture-pane -p -t w | grep -q "AWS_ROLE_ARN"; then
	ok "flow: the secrets table is left on the terminal"
else
	notok "flow: no secrets table after exit"
fi

# 8. NO_COLOR: no colour escapes on the screen (attributes are fine).
start nocolor NO_COLOR=1
ready
if t capture-pane -p -e -t w | grep -qE '\[(3[0-7]|4[0-7]|38;|48;)'; then
	notok "NO_COLOR: colour escapes on the screen"
else
	ok "NO_COLOR: no colour on the screen"
fi
t send-keys -t w q
check nocolor 0
start color
ready
if t capture-pane -p -e -t w | grep -qE '\[(3[0-7]|4[0-7]|38;|48;)'; then
	ok "colours are used when allowed"
else
	notok "no colour escapes although colours are allowed"
fi
t send-keys -t w q
check color 0

echo "1..$n"
exit $status
