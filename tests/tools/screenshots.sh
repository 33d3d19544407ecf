#!/bin/sh
# screenshots.sh - `make screenshots`: PNG pictures of each screen of the
# wizard, made from the real binary's --demo run in tmux and drawn by
# tests/tools/ansi2png.py, into screenshots/NN-name.png (the README shows
# them).
#
#   EW_BIN=path (default the test build: EW_DEMO_LATENCY slows its demo)
#   SHOTS_SIZE=COLSxROWS (default 100x30)
#   SHOTS_KEEP=DIR  also keep the raw captures (text with escapes) in DIR
#
# Each screen is reached with keys, as a person would type them, and
# captured only once its text is there and it has stopped changing
# (polling capture-pane; no blind sleeps).  Fixed environment: TERM,
# LANG, an empty HOME, no AWS_* variables, a throw-away git repository
# whose origin is github.com/octo-org/octo-app as the working directory.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${EW_BIN:-$top/build/release/ecr-wizard-test}
size=${SHOTS_SIZE:-100x30}
cols=${size%x*}
rows=${size#*x}
dest=$top/screenshots
py=/usr/bin/python3 # Debian's: Pillow is python3-pil

die() {
	echo "screenshots: $*" >&2
	exit 1
}

[ -x "$bin" ] || die "no binary $bin (run make first)"
command -v tmux >/dev/null 2>&1 || die "tmux is missing (apt-get install tmux)"
"$py" -c 'import PIL' 2>/dev/null ||
	die "Pillow is missing for $py (apt-get install python3-pil)"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] ||
	die "DejaVu Sans Mono is missing (apt-get install fonts-dejavu-core)"

work=$(mktemp -d)
own_demo=""
sock=ew-shots-$$
sess=""
nsess=0
title=ecr-wizard
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	rm -rf "$work" ${own_demo:+"$own_demo"}
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# tmux's capture-pane leaves out the cells a program cleared with a
# coloured background (EL/ED with bce), so the title and status bars
# would come out cut short.  The pane's xterm-256color therefore lacks
# bce: ncurses then writes those cells as coloured spaces, which are
# captured.  Everything else is the stock entry.
mkdir -p "$work/terminfo" "$work/home" "$dest"
infocmp -x xterm-256color | sed 's/[[:space:]]bce,//' >"$work/xterm.src"
tic -x -o "$work/terminfo" "$work/xterm.src" 2>/dev/null ||
	die "tic could not compile the terminfo entry"

# The repository's path shows on the screens: a fixed, short one when
# /tmp/ecr-wizard-demo is free (ours from an earlier run, or absent).
demo=/tmp/ecr-wizard-demo
if [ -d "$demo" ] && [ ! -L "$demo" ] && [ -O "$demo" ]; then
	rm -rf "$demo"
fi
if mkdir -m 700 "$demo" 2>/dev/null; then
	own_demo=$demo
else
	demo=$work
fi
repo=$demo/octo-app
git -c init.defaultBranch=main init -q "$repo"
git -C "$repo" remote add origin https://github.com/octo-org/octo-app.git

# start ARGS... - the wizard in a fresh pane of a detached tmux session.
# remain-on-exit keeps the pane readable after the wizard quits.
start() {
	# A session per run: killing the server and starting it again at
	# once races with the old server's exit.
	if [ -n "$sess" ]; then
		tm kill-session -t "$sess" >/dev/null 2>&1 || true
	fi
	nsess=$((nsess + 1))
	sess=shot$nsess
	title="ecr-wizard $*"
	tm new-session -d -s "$sess" -x "$cols" -y "$rows" -c "$repo" \
		"exec env -i PATH=/usr/bin:/bin HOME='$work/home' \
		TERM=xterm-256color TERMINFO='$work/terminfo' LANG=C.UTF-8 \
		TZ=UTC GITHUB_API_URL=http://127.0.0.1:9 \
		EW_DEMO_LATENCY=${latency:-1} '$bin' $*"
	tm set-option -t "$sess" remain-on-exit on >/dev/null
	tm set-option -t "$sess" status off >/dev/null
}

screen() { tm capture-pane -p -t "$sess"; }
key() { tm send-keys -t "$sess" "$@"; }
text() { tm send-keys -t "$sess" -l "$@"; }

# wait_for TEXT... - until every TEXT is on the screen (10 s at most).
wait_for() {
	i=0
	while :; do
		s=$(screen)
		missing=""
		for t in "$@"; do
			case "$s" in *"$t"*) ;; *) missing=$t ;; esac
		done
		[ -z "$missing" ] && return 0
		i=$((i + 1))
		if [ "$i" -gt 200 ]; then
			echo "screenshots: timed out waiting for '$missing'; the screen:" >&2
			screen >&2
			exit 1
		fi
		sleep 0.05
	done
}

# settle - until two captures 150 ms apart are the same (a whole frame).
settle() {
	prev=$(tm capture-pane -e -p -t "$sess")
	i=0
	while [ "$i" -lt 20 ]; do
		sleep 0.15
		cur=$(tm capture-pane -e -p -t "$sess")
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		i=$((i + 1))
	done
}

n_shots=0
# shot NAME - capture the pane as it is and draw screenshots/NAME.png.
shot() {
	name=$1
	tm capture-pane -e -N -p -t "$sess" >"$work/$name.ansi"
	cur=$(tm display-message -p -t "$sess" '#{cursor_flag} #{cursor_x},#{cursor_y}')
	set --
	case "$cur" in
	"1 "*) set -- --cursor "${cur#1 }" ;;
	esac
	"$py" "$top/tests/tools/ansi2png.py" --cols "$cols" --rows "$rows" \
		--title "$title" "$@" "$work/$name.ansi" "$dest/$name.png"
	if [ -n "${SHOTS_KEEP:-}" ]; then
		mkdir -p "$SHOTS_KEEP"
		cp "$work/$name.ansi" "$SHOTS_KEEP/"
	fi
	n_shots=$((n_shots + 1))
	echo "  screenshots/$name.png"
}

# enter_until TEXT - Enter (accepting each default) until TEXT shows.
enter_until() {
	i=0
	while :; do
		case "$(screen)" in *"$1"*) return 0 ;; esac
		i=$((i + 1))
		[ "$i" -le 30 ] || wait_for "$1"
		key Enter
		sleep 0.1
	done
}

# tab_to LABEL - Tab through the preview until tab LABEL is the current one.
tab_to() {
	i=0
	while :; do
		case "$(screen)" in *"[$1"*) return 0 ;; esac
		i=$((i + 1))
		[ "$i" -le 10 ] || wait_for "[$1"
		key Tab
		sleep 0.1
	done
}

echo "screenshots: ${cols}x$rows, $bin"

# The happy path.  A slower simulated account (latency x3) keeps steps
# running long enough to catch the run screen mid-way.
latency=3 start --demo
wait_for "What ecr-wizard will do" "GitHub IDs" "Enter continue"
settle
shot 01-welcome

key Enter
wait_for "These credentials work"
settle
shot 02-account

key Enter
wait_for "Choices: Enter accepts" "Platforms"
settle
shot 03-choices

enter_until "Continue to the preview"
wait_for "Registry"
settle
shot 04-summary

key Enter
wait_for "Trust policy" '"Version"' "repo:octo-org/octo-app:*"
settle
shot 05-preview-trust

tab_to "4 Workflow"
wait_for "name: Build and push"
settle
shot 06-preview-workflow

tab_to "5 Plan"
wait_for "aws sts get-caller-identity"
settle
shot 07-preview-plan

# Enter asks before anything in AWS changes.
key Enter
wait_for "Create 6 resources" "[y/N]"
settle
shot 08-confirm

# Mid-run: some steps done, others running.  No settle: the spinners and
# clocks never stop while it runs, but each capture is a complete screen.
key y
wait_for "✓ ECR repository" "running" "abort"
shot 09-run

wait_for "Setup complete"
key Enter
wait_for "The setup is complete" "GitHub secrets" "AWS_ROLE_ARN"
settle
shot 11-done

text "?"
wait_for "Keys on the Done screen"
settle
shot 12-help
key Escape
key q

# A failure with its explanation (IAM refuses CreateRole).
latency=1 start --demo --demo-scenario access-denied
wait_for "Enter continue" "GitHub IDs"
key Enter
wait_for "These credentials work"
key Enter
wait_for "Choices: Enter accepts"
enter_until "Continue to the preview"
key Enter
wait_for "Trust policy" '"Version"'
key Enter
wait_for "[y/N]"
key y
wait_for "AccessDenied" "Cause:" "Fix 1:" "r retry"
settle
shot 10-failure
key a

echo "screenshots: $n_shots pictures in $dest"
