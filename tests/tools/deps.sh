#!/bin/sh
# deps.sh - install the Debian packages a build or test run needs, if missing.
#
# usage: deps.sh build|test|fuzz|screenshots
# Root runs apt-get; anyone else goes through sudo.  Prints nothing when all
# is there.  Never reaches anything but Debian's package archive.
set -eu

want=""
need_pkg() { # need_pkg PKGCONFIG_MODULE DEBIAN_PACKAGE
	pkg-config --exists "$1" 2>/dev/null || want="$want $2"
}
need_cmd() { # need_cmd COMMAND DEBIAN_PACKAGE
	command -v "$1" >/dev/null 2>&1 || want="$want $2"
}

command -v pkg-config >/dev/null 2>&1 || want="$want pkg-config"
need_cmd cc gcc
need_cmd make make
if command -v pkg-config >/dev/null 2>&1; then
	need_pkg libcurl libcurl4-openssl-dev
	need_pkg libcrypto libssl-dev
	need_pkg libcjson libcjson-dev
	need_pkg expat libexpat1-dev
	need_pkg libgit2 libgit2-dev
	need_pkg inih libinih-dev
	need_pkg yaml-0.1 libyaml-dev
	need_pkg libsodium libsodium-dev
	need_pkg ncursesw libncurses-dev
	need_pkg cmocka libcmocka-dev
else
	want="$want libcurl4-openssl-dev libssl-dev libcjson-dev libexpat1-dev"
	want="$want libgit2-dev libinih-dev libyaml-dev libncurses-dev"
	want="$want libcmocka-dev libsodium-dev"
fi

case "${1:-build}" in
test)
	need_cmd git git
	need_cmd tmux tmux
	need_cmd python3 python3
	need_cmd npm npm
	need_cmd openssl openssl
	need_cmd valgrind valgrind
	;;
fuzz)
	need_cmd clang clang
	[ -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ] ||
		ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a \
			>/dev/null 2>&1 || want="$want libclang-rt-14-dev"
	;;
screenshots)
	need_cmd tmux tmux
	need_cmd git git
	# the renderer runs with Debian's python3, which has Pillow as a package
	[ -x /usr/bin/python3 ] || want="$want python3"
	/usr/bin/python3 -c 'import PIL' 2>/dev/null || want="$want python3-pil"
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] ||
		want="$want fonts-dejavu-core"
	;;
esac

[ -z "$want" ] && exit 0
echo "deps: installing$want" >&2
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: missing$want; install them as root (apt-get install$want)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q $want >/dev/null 2>&1 || {
	$SUDO apt-get update -q >/dev/null 2>&1 || true
	$SUDO apt-get install -y -q $want >&2
}
