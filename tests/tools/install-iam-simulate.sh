#!/bin/sh
# install-iam-simulate.sh - install the pinned @cloud-copilot/iam-simulate
# into tests/.tools/.
#
# iam-simulate is an IAM policy evaluator written independently of
# ecr-wizard (Node, no network at run time).  tests/cli/pipeline_matrix_moto.sh
# asks its authorize() whether the trust policy ecr-wizard created admits the
# tokens GitHub would mint for each run of the written workflow.  npm
# resolves its @cloud-copilot/iam-* dependencies; the exact version of the
# evaluator itself is pinned here.
#
# usage: install-iam-simulate.sh [TOP]   prints the package directory
set -eu
top=${1:-${EW_TOP:-$(pwd)}}
version=0.1.173
dir="$top/tests/.tools/iam-simulate-$version"
pkg="$dir/node_modules/@cloud-copilot/iam-simulate"

have() {
	[ -f "$pkg/package.json" ] &&
		grep -q "\"version\": \"$version\"" "$pkg/package.json" &&
		[ -d "$dir/node_modules/@cloud-copilot/iam-policy" ]
}

if ! have; then
	command -v node >/dev/null 2>&1 || {
		echo "install-iam-simulate: node is not installed (apt-get install nodejs npm)" >&2
		exit 1
	}
	command -v npm >/dev/null 2>&1 || {
		echo "install-iam-simulate: npm is not installed (apt-get install npm)" >&2
		exit 1
	}
	mkdir -p "$dir"
	npm install --prefix "$dir" --no-save --no-audit --no-fund \
		--loglevel=error "@cloud-copilot/iam-simulate@$version" >&2 || {
		echo "install-iam-simulate: npm install @cloud-copilot/iam-simulate@$version failed" >&2
		exit 1
	}
	have || {
		echo "install-iam-simulate: $pkg is incomplete after install" >&2
		exit 1
	}
fi
echo "$pkg"
