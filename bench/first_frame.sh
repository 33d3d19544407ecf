#!/bin/sh
# first_frame.sh - how soon the wizard's first frame is on screen, and how
# much memory the TUI needs (bench/README.md: first frame within 50 ms of
# start, peak memory under 16 MB).
#
#   EW_BIN=path (default ./ecr-wizard)   FRAME_RUNS=N (default 20)
#
# First frame: `ecr-wizard --demo` is started on a pseudo-terminal (80x24)
# by a small Python reader, which notes the time of the first byte written
# to the pty and the time by which the whole first frame is there (its
# last row, the status line ending in "F1 help", has been written), measured
# from just before the fork; then it quits with q.  N runs, median and
# maximum.  For scale, the same for `ecr-wizard --version` (loading the
# program and its shared libraries, and exiting) and for /bin/true (what
# starting any process costs on this machine), with the load average.
#
# Peak memory: the demo walked with keys in tmux from the welcome screen
# to the Done screen (every default accepted, the run finished, the
# workflow written); VmHWM of the process read from /proc once Done shows,
# then it quits.
#
# Fixed environment: TERM=xterm-256color, LANG=C.UTF-8, an empty HOME, no
# AWS_* variables, a throw-away git repository with a github.com origin as
# the working directory.  Nothing is sent over the network (--demo).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${EW_BIN:-$top/ecr-wizard}
runs=${FRAME_RUNS:-20}
[ -x "$bin" ] || {
	echo "first_frame: no binary $bin (run make first)" >&2
	exit 1
}
work=$(mktemp -d)
sock=ew-frame-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/home"
repo=$work/octo-app
git -c init.defaultBranch=main init -q "$repo"
git -C "$repo" remote add origin https://github.com/octo-org/octo-app.git

echo "first frame: $bin --demo, $runs runs on an 80x24 pty"
cd "$repo"
env -i PATH="$PATH" HOME="$work/home" TERM=xterm-256color LANG=C.UTF-8 \
	TZ=UTC GITHUB_API_URL=http://127.0.0.1:9 \
	python3 - "$bin" "$runs" <<'PY'
import fcntl, os, pty, re, select, signal, statistics, struct, sys, termios, time

binary, runs = sys.argv[1], int(sys.argv[2])
# The key help on the status line: the last row, so the last thing a frame
# draws (ncurses updates top to bottom), and on every screen.
MARK = b"F1 help"


def one():
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execv(binary, [binary, "--demo"])
        finally:
            os._exit(127)
    # The size goes on before the child reads it; it is set again (with a
    # SIGWINCH) in case the child raced ahead.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    first = frame = None
    out = b""
    deadline = t0 + 10
    while frame is None and time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        now = time.perf_counter()
        if first is None:
            first = now - t0
        out += chunk
        # attributes may sit between the key and its label
        if MARK in re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\([A-Z0-9]", b"", out):
            frame = now - t0
    os.write(fd, b"q")
    end = time.time() + 5
    while time.time() < end:  # drain until it exits
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        if os.waitpid(pid, os.WNOHANG)[0]:
            pid = 0
            break
    if pid:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    os.close(fd)
    if first is None or frame is None:
        sys.exit("first_frame: no frame within 10 s")
    return first, frame


def plain(argv):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    os.waitpid(pid, 0)
    return time.perf_counter() - t0


one()  # warm the page cache; not counted
res = [one() for _ in range(runs)]
ms = lambda v: "%.1f ms" % (v * 1000)
base = [plain([binary, "--version"]) for _ in range(runs)]
true = [plain(["/bin/true"]) for _ in range(runs)]
fb = [r[0] for r in res]
fr = [r[1] for r in res]
print("  first byte     median %s  max %s" % (ms(statistics.median(fb)), ms(max(fb))))
print("  first frame    median %s  max %s  (target <= 50 ms: %s)" % (
    ms(statistics.median(fr)), ms(max(fr)),
    "met" if statistics.median(fr) <= 0.050 else "NOT MET"))
print("  load average   %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
print("  /bin/true      median %s  (starting any process here)" % ms(statistics.median(true)))
print("  --version      median %s  (loading the program and its libraries)" % ms(statistics.median(base)))
PY

# --- peak memory, walked to the Done screen ---------------------------------
command -v tmux >/dev/null 2>&1 || {
	echo "first_frame: tmux is missing (apt-get install tmux)" >&2
	exit 1
}
tm new-session -d -s mem -x 80 -y 24 -c "$repo" \
	"exec env -i PATH='$PATH' HOME='$work/home' TERM=xterm-256color \
	LANG=C.UTF-8 TZ=UTC GITHUB_API_URL=http://127.0.0.1:9 \
	sh -c 'echo \$\$ >\"$work/pid\"; exec \"\$0\" --demo' '$bin'"
screen() { tm capture-pane -p -t mem; }
wait_for() { # wait_for TEXT: poll the screen, 20 s at most
	i=0
	until screen | grep -qF -- "$1"; do
		i=$((i + 1))
		if [ "$i" -gt 400 ]; then
			echo "first_frame: timed out waiting for '$1'; the screen:" >&2
			screen >&2
			exit 1
		fi
		sleep 0.05
	done
}
# until_enter TEXT: Enter (accepting each default) until TEXT shows.
until_enter() {
	i=0
	until screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -le 40 ] || wait_for "$1"
		tm send-keys -t mem Enter
		sleep 0.1
	done
}
wait_for "Enter continue"
until_enter "Continue to the preview"
tm send-keys -t mem Enter
wait_for "Trust policy"
tm send-keys -t mem Enter
wait_for "yes, change AWS"
tm send-keys -t mem y
wait_for "Setup complete"
tm send-keys -t mem Enter
wait_for "The setup is complete"
tm send-keys -t mem Enter
wait_for "written"
pid=$(cat "$work/pid")
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
tm send-keys -t mem q
awk -v kb="$hwm" 'BEGIN {
	printf "  peak memory    %.1f MB (VmHWM, %d kB) walked to the Done screen (target < 16 MB: %s)\n",
		kb / 1024, kb, kb < 16 * 1024 ? "met" : "NOT MET" }'
